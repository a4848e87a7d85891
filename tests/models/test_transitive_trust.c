/* Tests of models/transitive_trust.c: at first contact a person borrows, discounted by
 * weight * T(believer -> recommender), the evidence its manager and the newcomer's
 * manager hold; what it costs; who is not asked; the queue; and its behaviour in
 * hypergrowth against the same organisation without it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <math.h>

#include "engine.h"
#include "evidence.h"
#include "modules.h"
#include "transitive_trust.h"
#include "trust.h"
#include "test_support.h"

/* The NOMEM test asks for more memory than a machine has: the allocator must say no. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) {
    return "allocator_may_return_null=1";
}

/* T of a belief with 15 successes and 5 failures in the domain and 5 honest acts seen,
 * with the default priors (tests/models/test_trust.c computes it by hand). */
#define T_GOOD 0.6242440
/* T of a belief with one success in the domain. */
#define T_ONE 0.4780244
/* T of a stranger. */
#define T_STRANGER 0.3820204

static const char *const ON = "tactics: {transitive_trust: {weight: 0.5}}\n";

/* A hand-built world of `headcount` agents (span `span`) with the tactic configured. */
typedef struct fixture {
    ts_scenario *sc;
    ts_world w;
    void *state;
} fixture;

static void setup(fixture *f, const char *text, uint32_t headcount, uint32_t span) {
    ts_error err;
    f->sc = tst_scenario(text);
    uint32_t nd = (uint32_t)ts_scenario_list_len(f->sc, "domains");
    assert_int_equal(ts_world_init(&f->w, nd, 32, 0.998, &err), TS_OK);
    assert_int_equal(ts_world_build_tree(&f->w, headcount, span, 0, &err), TS_OK);
    for (uint32_t a = 0; a < headcount; a++) {
        f->w.active[a] = 1;
    }
    f->state = NULL;
    assert_int_equal(ts_module_transitive_trust.configure(f->sc, &f->w, &f->state, &err), TS_OK);
    assert_non_null(f->state);
    assert_int_equal(f->w.listeners.n_first_contact, 1);
}

static void teardown(fixture *f) {
    ts_module_transitive_trust.free(f->state);
    ts_world_free(&f->w);
    ts_scenario_free(f->sc);
}

/* One day of `day` as the engine runs it (act for every active agent, then each
 * receiver's messages applied in delivery order); returns the day's recommendations
 * metric. */
static double org(fixture *f, int32_t day) {
    tst_world t = {.mod = &ts_module_transitive_trust, .sc = f->sc, .w = f->w, .st = f->state};
    tst_world_org(&t, day, 0, 1);
    double v = -1.0;
    tst_world_metrics(&t, &v, 1);
    f->w = t.w; /* the same arrays; what the day changed in the world's own fields */
    return v;
}

/* Writes owner's model of other wholesale, without the first-contact hook. */
static void put(ts_world *w, uint32_t owner, uint32_t other, const ts_belief *b) {
    int slot = ts_relstore_insert(&w->models, owner, other, b->last_day, w->manager);
    assert_true(slot >= 0);
    ts_relstore_write(&w->models, owner, (uint32_t)slot, b);
}

/* A belief of 15 successes, 5 failures in domain d and 5 honest acts: T_GOOD in d. */
static ts_belief good_in(uint32_t d, int32_t day) {
    ts_belief b;
    memset(&b, 0, sizeof b);
    b.alpha_e[d] = 15.0f;
    b.beta_e[d] = 5.0f;
    b.integ_a_e = 5.0f;
    b.last_day = day;
    return b;
}

static ts_belief empty_belief(int32_t day) {
    ts_belief b;
    memset(&b, 0, sizeof b);
    b.last_day = day;
    return b;
}

static ts_belief read_model(const ts_world *w, uint32_t owner, uint32_t other, int32_t day) {
    int slot = ts_relstore_find(&w->models, owner, other);
    assert_true(slot >= 0);
    ts_belief b;
    ts_relstore_read(&w->models, owner, (uint32_t)slot, day, &b);
    return b;
}

static double meeting_hours(const ts_world *w, uint32_t a) {
    return w->hours[(size_t)a * TS_HOURS_SLOTS + TS_HOURS_MEETINGS];
}

/* The tree of 7 with span 2: 0 -> {1, 2}, 1 -> {3, 4}, 2 -> {5, 6}. */
static void assert_tree7(const ts_world *w) {
    assert_int_equal(w->manager[1], 0);
    assert_int_equal(w->manager[2], 0);
    assert_int_equal(w->manager[3], 1);
    assert_int_equal(w->manager[4], 1);
    assert_int_equal(w->manager[5], 2);
    assert_int_equal(w->manager[6], 2);
}

/* The brief's example: i's manager M holds 6 successes about j in a domain, i trusts M
 * at T = 0.6242 in people, weight 0.5: the day after first contact i's model of j holds
 * 6 * 0.5 * 0.6291 more successes there. Integrity evidence follows the same factor; the
 * prior, the scar and goodwill do not travel. */
static void test_manager_vouches(void **state) {
    (void)state;
    fixture f;
    setup(&f, ON, 7, 2);
    assert_tree7(&f.w);
    const uint32_t i = 3, m = 1, j = 5;
    ts_belief im = good_in(2, 11); /* "people" is domain 2 */
    put(&f.w, i, m, &im);
    ts_belief mj = empty_belief(11);
    mj.alpha_e[0] = 6.0f;
    mj.integ_a_e = 2.0f;
    mj.integ_b_e = 1.0f;
    mj.scar = 3.0f;
    mj.goodwill = 0.5f;
    put(&f.w, m, j, &mj);
    /* j's manager knows j well, but i holds no model of it: not asked. */
    ts_belief other = empty_belief(11);
    other.alpha_e[0] = 10.0f;
    put(&f.w, 2, j, &other);

    /* First contact on day 10 (a direct observation): nothing borrowed yet. */
    f.w.day = 10;
    ts_ev_observe_now(&f.w, i, j, 0, 1, 1.0f);
    ts_belief b = read_model(&f.w, i, j, 10);
    assert_float_equal(b.alpha_e[0], 1.0, 1e-6);
    assert_float_equal(b.integ_a_e, 0.0, 0.0);

    /* Day 11's org phase: 0.5 * 0.6290561 of M's evidence. */
    assert_float_equal(org(&f, 11), 1.0, 0.0);
    double k = 0.5 * T_GOOD;
    b = read_model(&f.w, i, j, 11);
    assert_float_equal(b.alpha_e[0], 0.998 + 6.0 * k, 1e-5);
    assert_float_equal(6.0 * k, 1.8727320, 1e-6);
    for (uint32_t d = 1; d < 4; d++) {
        assert_float_equal(b.alpha_e[d], 0.0, 0.0);
        assert_float_equal(b.beta_e[d], 0.0, 0.0);
    }
    assert_float_equal(b.beta_e[0], 0.0, 0.0);
    assert_float_equal(b.integ_a_e, 2.0 * k, 1e-6);
    assert_float_equal(b.integ_b_e, 1.0 * k, 1e-6);
    assert_float_equal(b.scar, 0.0, 0.0);
    assert_float_equal(b.goodwill, 0.0, 0.0);
    assert_int_equal(b.last_day, 11);
    /* A quick word: 0.1 h each for i and M, nothing for the others. */
    assert_float_equal(meeting_hours(&f.w, i), 0.1, 1e-6);
    assert_float_equal(meeting_hours(&f.w, m), 0.1, 1e-6);
    assert_float_equal(meeting_hours(&f.w, 2), 0.0, 0.0);
    assert_float_equal(meeting_hours(&f.w, j), 0.0, 0.0);
    /* The recommender's own model is untouched, and nobody else got a model. */
    ts_belief after = read_model(&f.w, m, j, 11);
    assert_float_equal(after.alpha_e[0], 6.0, 0.0);
    assert_int_equal(ts_relstore_find(&f.w.models, j, i), -1);

    /* The request was served once: the next day borrows nothing more. */
    assert_float_equal(org(&f, 12), 0.0, 0.0);
    b = read_model(&f.w, i, j, 12);
    assert_float_equal(b.alpha_e[0], (0.998 + 6.0 * k) * 0.998, 1e-5);
    /* A model that already exists is no first contact. */
    ts_ev_observe_now(&f.w, i, j, 1, 1, 1.0f);
    assert_float_equal(org(&f, 13), 0.0, 0.0);
    teardown(&f);
}

/* Both managers vouch, each discounted by i's trust in it; a shared manager speaks once. */
static void test_both_managers(void **state) {
    (void)state;
    fixture f;
    setup(&f, ON, 7, 2);
    assert_tree7(&f.w);
    const uint32_t i = 3;
    ts_belief i1 = good_in(2, 11);
    put(&f.w, i, 1, &i1);
    ts_belief i2 = empty_belief(11);
    i2.alpha_e[2] = 1.0f; /* T_ONE in people */
    put(&f.w, i, 2, &i2);
    ts_belief m1 = empty_belief(11);
    m1.alpha_e[1] = 4.0f;
    m1.beta_e[1] = 2.0f;
    put(&f.w, 1, 5, &m1);
    ts_belief m2 = empty_belief(11);
    m2.alpha_e[1] = 10.0f;
    m2.beta_e[3] = 1.0f;
    put(&f.w, 2, 5, &m2);
    ts_belief m1_4 = empty_belief(11);
    m1_4.alpha_e[2] = 3.0f;
    put(&f.w, 1, 4, &m1_4);

    /* First contacts made in an org phase the same day (an earlier module's meeting). */
    f.w.day = 11;
    assert_true(ts_evidence_model(&f.w, i, 5) >= 0);
    assert_true(ts_evidence_model(&f.w, i, 4) >= 0);
    assert_float_equal(org(&f, 11), 3.0, 0.0);

    ts_belief b = read_model(&f.w, i, 5, 11);
    assert_float_equal(b.alpha_e[1], 0.5 * (T_GOOD * 4.0 + T_ONE * 10.0), 1e-5);
    assert_float_equal(b.beta_e[1], 0.5 * T_GOOD * 2.0, 1e-5);
    assert_float_equal(b.beta_e[3], 0.5 * T_ONE * 1.0, 1e-5);
    assert_float_equal(b.alpha_e[0], 0.0, 0.0);
    /* Teammate 4: the shared manager 1 speaks once. */
    b = read_model(&f.w, i, 4, 11);
    assert_float_equal(b.alpha_e[2], 0.5 * T_GOOD * 3.0, 1e-5);
    /* i had three words (0.3 h), manager 1 two, manager 2 one. */
    assert_float_equal(meeting_hours(&f.w, i), 0.3, 1e-6);
    assert_float_equal(meeting_hours(&f.w, 1), 0.2, 1e-6);
    assert_float_equal(meeting_hours(&f.w, 2), 0.1, 1e-6);
    teardown(&f);
}

/* Nobody is asked whom i does not model, who does not model j, or who is j itself. */
static void test_who_is_not_asked(void **state) {
    (void)state;
    fixture f;
    setup(&f, ON, 7, 2);
    assert_tree7(&f.w);
    ts_belief lots = empty_belief(11);
    lots.alpha_e[0] = 8.0f;
    ts_belief trusted = good_in(2, 11);
    /* 3 does not model its manager 1, who knows 5 well (and leaves, below). */
    put(&f.w, 1, 5, &lots);
    /* 4 models its manager 1, who does not know 6; 6's manager 2 is unknown to 4. */
    put(&f.w, 4, 1, &trusted);
    put(&f.w, 2, 6, &lots);
    /* 5 meets its own manager 2: 2 does not vouch for itself (it holds no model of
     * itself), 2's manager, the CEO, whom 5 models, knows 2 well. */
    put(&f.w, 5, 0, &trusted);
    put(&f.w, 0, 2, &lots);
    /* 6 meets 1, then 1 leaves before the org phase. */
    put(&f.w, 6, 2, &trusted);
    put(&f.w, 2, 1, &lots);

    f.w.day = 10;
    assert_true(ts_evidence_model(&f.w, 3, 5) >= 0);
    assert_true(ts_evidence_model(&f.w, 4, 6) >= 0);
    assert_true(ts_evidence_model(&f.w, 5, 2) >= 0);
    assert_true(ts_evidence_model(&f.w, 6, 1) >= 0);
    f.w.active[1] = 0;
    assert_float_equal(org(&f, 11), 1.0, 0.0);
    /* 1 has left by the org phase: a leaver vouches for no one. */
    assert_float_equal(read_model(&f.w, 3, 5, 11).alpha_e[0], 0.0, 0.0);
    assert_float_equal(read_model(&f.w, 4, 6, 11).alpha_e[0], 0.0, 0.0);
    assert_float_equal(read_model(&f.w, 6, 1, 11).alpha_e[0], 0.0, 0.0);
    assert_float_equal(read_model(&f.w, 5, 2, 11).alpha_e[0], 8.0 * 0.5 * T_GOOD, 1e-5);
    assert_float_equal(meeting_hours(&f.w, 5), 0.1, 1e-6);
    assert_float_equal(meeting_hours(&f.w, 0), 0.1, 1e-6);
    for (uint32_t a = 1; a < 5; a++) {
        assert_float_equal(meeting_hours(&f.w, a), 0.0, 0.0);
    }
    assert_float_equal(meeting_hours(&f.w, 6), 0.0, 0.0);
    teardown(&f);
}

/* i holds no model of its own manager, who knows j: the organisation vouches for the
 * manager, who counts as a stranger would. j's manager, whom i does not know, is reached
 * through i's manager if that one knows it: weight * T(i -> m_i) * T(m_i -> m_j). */
static void test_manager_as_stranger_and_the_chain(void **state) {
    (void)state;
    fixture f;
    setup(&f, ON, 7, 2);
    assert_tree7(&f.w);
    ts_belief lots = empty_belief(11);
    lots.alpha_e[0] = 8.0f;
    ts_belief trusted = good_in(2, 11);
    put(&f.w, 1, 4, &lots);    /* 3's manager knows 3's teammate 4 */
    put(&f.w, 2, 6, &lots);    /* 6's manager 2 knows 6 */
    put(&f.w, 1, 2, &trusted); /* 1 trusts 2 at T_GOOD in people */
    f.w.day = 10;
    assert_true(ts_evidence_model(&f.w, 3, 4) >= 0);
    assert_true(ts_evidence_model(&f.w, 3, 6) >= 0);
    assert_float_equal(org(&f, 11), 2.0, 0.0);
    /* 3 -> 4: its manager, unmodelled, at the stranger's score. */
    assert_float_equal(read_model(&f.w, 3, 4, 11).alpha_e[0], 8.0 * 0.5 * T_STRANGER, 1e-5);
    /* 3 -> 6: 6's manager 2 through 3's manager 1, the chain's product of trusts. */
    assert_float_equal(read_model(&f.w, 3, 6, 11).alpha_e[0], 8.0 * 0.5 * T_STRANGER * T_GOOD,
                       1e-5);
    /* 3 spoke twice, 1 twice (vouching for 4, passing on 2's word), 2 once. */
    assert_float_equal(meeting_hours(&f.w, 3), 0.2, 1e-6);
    assert_float_equal(meeting_hours(&f.w, 1), 0.2, 1e-6);
    assert_float_equal(meeting_hours(&f.w, 2), 0.1, 1e-6);
    teardown(&f);
}

/* A model forgotten before the org phase, and a recommender whose evidence has faded:
 * only what is left travels. */
static void test_faded_and_forgotten(void **state) {
    (void)state;
    fixture f;
    setup(&f, ON, 7, 2);
    ts_belief trusted = good_in(2, 111);
    put(&f.w, 3, 1, &trusted);
    ts_belief old = empty_belief(11); /* 100 days before the org phase */
    old.beta_e[3] = 5.0f;
    put(&f.w, 1, 5, &old);
    put(&f.w, 1, 6, &old);
    f.w.day = 110;
    assert_true(ts_evidence_model(&f.w, 3, 5) >= 0);
    assert_true(ts_evidence_model(&f.w, 3, 6) >= 0);
    ts_relstore_clear(&f.w.models, 3); /* 3 forgets everyone... */
    put(&f.w, 3, 1, &trusted);         /* ...but its manager */
    int slot = ts_relstore_insert(&f.w.models, 3, 6, 110, f.w.manager);
    assert_true(slot >= 0); /* 6 again, without a first contact */
    assert_float_equal(org(&f, 111), 1.0, 0.0);
    assert_int_equal(ts_relstore_find(&f.w.models, 3, 5), -1);
    ts_belief b = read_model(&f.w, 3, 6, 111);
    assert_float_equal(b.beta_e[3], 5.0 * pow(0.998, 100) * 0.5 * T_GOOD, 1e-4);
    teardown(&f);
}

/* Without a "people" domain, trust in the recommender is averaged over the domains. */
static void test_no_people_domain(void **state) {
    (void)state;
    fixture f;
    setup(&f, "domains: [a, b]\ntactics: {transitive_trust: {weight: 0.8}}\n", 7, 2);
    ts_belief im = empty_belief(5);
    im.alpha_e[0] = 1.0f; /* T_ONE in a, a stranger's score in b */
    put(&f.w, 3, 1, &im);
    ts_belief mj = empty_belief(5);
    mj.alpha_e[1] = 2.0f;
    put(&f.w, 1, 4, &mj);
    f.w.day = 4;
    ts_ev_goodwill_now(&f.w, 3, 4, 0.1f);
    assert_float_equal(org(&f, 5), 1.0, 0.0);
    ts_belief b = read_model(&f.w, 3, 4, 5);
    assert_float_equal(b.alpha_e[1], 2.0 * 0.8 * 0.5 * (T_ONE + T_STRANGER), 1e-5);
    assert_float_equal(b.goodwill, 0.1 * 0.998, 1e-6);
    teardown(&f);
}

/* At most TS_TRANSITIVE_QUEUE first contacts a day are served per person, in order. */
static void test_queue_drops_extras(void **state) {
    (void)state;
    fixture f;
    setup(&f, ON, 30, 4);
    /* 0 -> {1..4}, 1 -> {5..8}, 2 -> {9..12}, 3 -> {13..16}. */
    assert_int_equal(f.w.manager[5], 1);
    assert_int_equal(f.w.manager[9], 2);
    assert_int_equal(f.w.manager[16], 3);
    ts_belief trusted = good_in(2, 3);
    put(&f.w, 5, 1, &trusted);
    ts_belief one = empty_belief(3);
    one.alpha_e[0] = 1.0f;
    const uint32_t met[] = {6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    for (size_t k = 0; k < 10; k++) {
        put(&f.w, 1, met[k], &one);
    }
    f.w.day = 2;
    for (size_t k = 0; k < 10; k++) {
        assert_true(ts_evidence_model(&f.w, 5, met[k]) >= 0);
    }
    assert_float_equal(org(&f, 3), TS_TRANSITIVE_QUEUE, 0.0);
    for (size_t k = 0; k < 10; k++) {
        double want = k < TS_TRANSITIVE_QUEUE ? 0.5 * T_GOOD : 0.0;
        assert_float_equal(read_model(&f.w, 5, met[k], 3).alpha_e[0], want, 1e-5);
    }
    assert_float_equal(meeting_hours(&f.w, 5), 0.1 * TS_TRANSITIVE_QUEUE, 1e-5);
    assert_float_equal(meeting_hours(&f.w, 1), 0.1 * TS_TRANSITIVE_QUEUE, 1e-5);
    teardown(&f);
}

/* New hires get rows: through grow, and through the org phase itself (so that a first
 * contact made later that same day is not lost). A believer without a row is ignored. */
static void test_growth_and_rows(void **state) {
    (void)state;
    fixture f;
    ts_error err;
    setup(&f, ON, 60, 4);
    assert_int_equal(f.w.n_alloc, 64);
    uint32_t id = 0;
    for (int k = 0; k < 10; k++) {
        assert_int_equal(ts_world_add_agent(&f.w, 1, 7, &id, &err), TS_OK);
        f.w.active[id] = 1;
    }
    assert_int_equal(id, 69);
    assert_true(f.w.n_alloc > 64);
    /* Written as of day 10: read on days 8-10 they do not decay. */
    ts_belief trusted = good_in(2, 10);
    ts_belief one = empty_belief(10);
    one.alpha_e[0] = 1.0f;
    put(&f.w, 69, 1, &trusted);
    put(&f.w, 68, 1, &trusted);
    put(&f.w, 1, 5, &one);
    put(&f.w, 1, 6, &one);
    /* No row yet for 69: its first contact is not recorded (and nothing overflows). */
    f.w.day = 7;
    assert_true(ts_evidence_model(&f.w, 69, 5) >= 0);
    assert_float_equal(org(&f, 8), 0.0, 0.0);
    assert_float_equal(read_model(&f.w, 69, 5, 8).alpha_e[0], 0.0, 0.0);
    /* The org phase reserved rows: a later first contact that day is served the next. */
    f.w.day = 8;
    assert_true(ts_evidence_model(&f.w, 69, 6) >= 0);
    assert_float_equal(org(&f, 9), 1.0, 0.0);
    assert_float_equal(read_model(&f.w, 69, 6, 9).alpha_e[0], 0.5 * T_GOOD, 1e-5);
    /* grow: idempotent for the current size, and the rows persist. */
    assert_int_equal(ts_module_transitive_trust.grow(f.state, &f.w, &err), TS_OK);
    assert_true(ts_evidence_model(&f.w, 68, 5) >= 0);
    assert_float_equal(org(&f, 10), 1.0, 0.0);
    assert_float_equal(read_model(&f.w, 68, 5, 10).alpha_e[0], 0.5 * T_GOOD, 1e-5);
    teardown(&f);
}

/* Out of memory while growing the rows: TS_ERR_NOMEM, and the state stays usable. */
static void test_grow_nomem(void **state) {
    (void)state;
    fixture f;
    ts_error err;
    ts_error_clear(&err);
    setup(&f, ON, 7, 2);
    /* 2^32 rows of 8 ids: 128 GiB for the queue alone. */
    ts_world huge = f.w;
    huge.n_alloc = UINT32_MAX;
    assert_int_equal(ts_module_transitive_trust.grow(f.state, &huge, &err), TS_ERR_NOMEM);
    assert_int_equal(err.status, TS_ERR_NOMEM);
    ts_belief trusted = good_in(2, 2);
    ts_belief one = empty_belief(2);
    one.alpha_e[0] = 1.0f;
    put(&f.w, 3, 1, &trusted);
    put(&f.w, 1, 4, &one);
    f.w.day = 1;
    assert_true(ts_evidence_model(&f.w, 3, 4) >= 0);
    assert_float_equal(org(&f, 2), 1.0, 0.0);
    teardown(&f);
}

/* The engine: the section turns the module on; first contact in the apply phase (a
 * message from another module's act) is served in the next day's org phase. */
static ts_status seeder_act(const void *state, const ts_world *w, uint32_t agent, void *row,
                            ts_emit *out) {
    (void)row;
    (void)state;
    if (w->day == 1 && agent == 3) {
        ts_ev_observe(out, 3, 5, 0, 1, 1.0f);
    }
    return TS_OK;
}

static ts_status seeder_handle(void *state, ts_world *w, const ts_msg *m) {
    (void)state;
    ts_evidence_handle(w, m);
    return TS_OK;
}

static void test_engine_first_contact_in_apply(void **state) {
    (void)state;
    static const ts_module seeder = {.name = "seeder", .act = seeder_act, .handle = seeder_handle};
    const char *base = "days: 3\norg: {headcount: 7, span_of_control: 2, warmup_days: 0}\n"
                       "hiring: {growth: none}\noutput: {snapshot_every: 0}\n";
    char on[512];
    snprintf(on, sizeof on, "%s%s", base, ON);
    assert_false(tst_module_on(&ts_module_transitive_trust, base));
    assert_false(tst_module_on(&ts_module_transitive_trust,
                               "tactics: {transitive_trust: {weight: 0.5, enabled: false}}\n"));

    ts_scenario *sc = tst_scenario(on);
    assert_true(ts_engine_module_on(&ts_module_transitive_trust, sc));
    const ts_module *mods[] = {&ts_module_trust, &ts_module_transitive_trust, &seeder};
    ts_engine_options eo = {.seed = 3, .threads = 2};
    ts_engine *e;
    ts_error err;
    assert_int_equal(ts_engine_create(sc, mods, 3, &eo, &e, &err), TS_OK);
    ts_world *w = ts_engine_world_mut(e);
    assert_tree7(w);
    ts_belief im = good_in(2, 2);
    put(w, 3, 1, &im);
    ts_belief mj = empty_belief(2);
    mj.alpha_e[0] = 6.0f;
    put(w, 1, 5, &mj);
    assert_int_equal(ts_engine_step(e, &err), TS_OK); /* day 1: first contact in apply */
    assert_int_equal(w->day, 1);
    /* The observation at first contact is a first impression: it counts double. */
    assert_float_equal(read_model(w, 3, 5, 1).alpha_e[0], 2.0, 1e-6);
    assert_int_equal(ts_engine_step(e, &err), TS_OK); /* day 2: served in org */
    assert_float_equal(read_model(w, 3, 5, 2).alpha_e[0], 2.0 * 0.998 + 6.0 * 0.5 * T_GOOD, 1e-5);
    assert_float_equal(meeting_hours(w, 3), 0.1, 1e-6);
    assert_float_equal(meeting_hours(w, 1), 0.1, 1e-6);
    ts_engine_free(e);
    ts_scenario_free(sc);
}

/* ---- Behaviour ------------------------------------------------------------------- */

#define SEEDS 5

enum { B_TRUST_CROSS, B_ESCALATIONS, B_MEETINGS, B_RECOMMENDATIONS, B_N };
static const char *const b_names[B_N] = {"trust_cross", "escalations", "hours_meetings",
                                         "transitive_recommendations"};

/* Means of the daily series over days 1 .. days of one run (NaN days left out); a
 * series the run lacks gives 0. */
static void run_means(const char *text, uint64_t seed, double *out, void *ctx) {
    (void)ctx;
    tst_fullrun fr;
    tst_fullrun_open(&fr, text, seed);
    for (size_t k = 0; k < B_N; k++) {
        out[k] = 0.0;
        if (ts_result_find_series(&fr.r, b_names[k])) {
            out[k] = tst_series_nanmean(&fr.r, b_names[k], 1);
        }
    }
    tst_fullrun_close(&fr);
}

static void report(uint64_t seed, const double *a, const double *b, void *ctx) {
    (void)ctx;
    print_message("seed %u  on: cross %.4f esc %.3f meet %.4f rec %.2f | off: cross %.4f "
                  "esc %.3f meet %.4f\n",
                  (unsigned)seed, a[0], a[1], a[2], a[3], b[0], b[1], b[2]);
}

/* Seed 003: in the first 90 days of hypergrowth, leaders who trust each other lend that
 * trust to their reports: more trust across teams at sign-off, fewer escalations, at
 * the price of a few quick words. Both arms hold weekly 1:1s (the default scenario's
 * habit): a recommendation needs the believer to hold a model of the recommender, and
 * in the model as built reports only form one of their manager in 1:1s (without them
 * about a quarter of people model their manager, and the effect is about half as large
 * and lost in the noise of a few seeds). */
static void test_hypergrowth_behaviour(void **state) {
    (void)state;
    const char *base = "days: 90\ndomains: [design, roadmap, people, debugging]\n"
                       "org: {headcount: 60, warmup_days: 100}\n"
                       "hiring: {growth: exponential, annual_rate: 3}\n"
                       "output: {snapshot_every: 0}\n"
                       "tactics:\n  one_on_ones: {manager_every: 7, peers: 2, peer_every: 14}\n";
    char on[512];
    snprintf(on, sizeof on, "%s  transitive_trust: {weight: 0.5}\n", base);
    double m_on[B_N], m_off[B_N];
    tst_pair(on, base, SEEDS, 7919, B_N, run_means, report, NULL, m_on, m_off);
    print_message("mean on: cross %.4f esc %.3f meet %.4f | off: cross %.4f esc %.3f meet %.4f\n",
                  m_on[0], m_on[1], m_on[2], m_off[0], m_off[1], m_off[2]);
    assert_true(m_on[B_RECOMMENDATIONS] > 1.0);
    assert_float_equal(m_off[B_RECOMMENDATIONS], 0.0, 0.0); /* off: no such series */
    assert_true(m_on[B_TRUST_CROSS] > m_off[B_TRUST_CROSS] + 0.002);
    assert_true(m_on[B_ESCALATIONS] < m_off[B_ESCALATIONS] * 0.95);
    assert_true(m_on[B_MEETINGS] > m_off[B_MEETINGS] + 0.01);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_manager_vouches),
        cmocka_unit_test(test_both_managers),
        cmocka_unit_test(test_who_is_not_asked),
        cmocka_unit_test(test_manager_as_stranger_and_the_chain),
        cmocka_unit_test(test_faded_and_forgotten),
        cmocka_unit_test(test_no_people_domain),
        cmocka_unit_test(test_queue_drops_extras),
        cmocka_unit_test(test_growth_and_rows),
        cmocka_unit_test(test_grow_nomem),
        cmocka_unit_test(test_engine_first_contact_in_apply),
        cmocka_unit_test(test_hypergrowth_behaviour),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
