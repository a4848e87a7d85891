/* Tests of models/inspection_forums.c: which leaders hold a forum on which day, who
 * presents, what it costs, the leader's observations of the presenters, the status_day
 * and surface hooks of the reviewed teams, the metrics, the scenario keys, and the
 * behaviour over several seeds (concealments found more often, less status uncertainty,
 * more hours in meetings). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <math.h>

#include "engine.h"
#include "shared.h"
#include "evidence.h"
#include "inspection_forums.h"
#include "modules.h"
#include "work_internal.h"
#include "test_support.h"

/* A hand-built world, span 3, two domains, no forgetting, competence 0.5 everywhere
 * unless a test sets it. With 40 people: CEO 0; leaders 1, 2, 3 (depth 1); managers
 * 4 .. 12 (depth 2; 1 -> 4 5 6, 2 -> 7 8 9, 3 -> 10 11 12); ICs 13 .. 39 (depth 3;
 * 4 -> 13 14 15, 5 -> 16 17 18, ..., 12 -> 37 38 39). */
typedef tst_world fixture;

static void fx_open(fixture *f, const char *yaml, uint32_t headcount) {
    tst_world_open(f, &ts_module_inspection_forums, yaml, 2, 64, headcount, 3);
    tst_world_competence(f, 0.5f);
    tst_world_configure(f);
}

/* One day on `day`, as the engine runs it: hours and surface start clean. */
static void fx_org(fixture *f, int32_t day) {
    memset(ts_surface(&f->w), 0, (size_t)f->w.n * sizeof *ts_surface(&f->w));
    tst_world_org(f, day, 11, 8088);
}

/* i's competence evidence about j: successes and failures over the domains. */
static void evidence(const ts_world *w, uint32_t i, uint32_t j, float *succ, float *fail) {
    int slot = ts_relstore_find(&w->models, i, j);
    *succ = *fail = 0.0f;
    if (slot < 0) {
        return;
    }
    ts_belief b;
    ts_relstore_read(&w->models, i, (uint32_t)slot, w->day, &b);
    for (int d = 0; d < 2; d++) {
        *succ += b.alpha_e[d];
        *fail += b.beta_e[d];
    }
}

static void metrics(fixture *f, double *v) {
    tst_world_metrics(f, v, 2);
}

#define ON "tactics: {inspection_forums: {every: 7, discovery: 0.3717}}\n"

static void test_tree_layout(void **state) {
    (void)state;
    fixture f;
    fx_open(&f, ON, 40);
    assert_int_equal(f.w.depth[0], 0);
    assert_int_equal(f.w.manager[5], 1);
    assert_int_equal(f.w.manager[12], 3);
    assert_int_equal(f.w.manager[13], 4);
    assert_int_equal(f.w.manager[39], 12);
    assert_int_equal(f.w.depth[39], 3);
    tst_world_close(&f);
}

/* Day 14: the CEO and the three leaders hold forums. */
static void test_forum_day(void **state) {
    (void)state;
    fixture f;
    fx_open(&f, ON, 40);
    fx_org(&f, 14);
    /* The CEO 2 h; a leader 2 h for its forum and 0.5 h presenting at the CEO's; a depth-2
     * manager 0.5 h presenting; an IC nothing. All of it in meetings. */
    assert_float_equal(tst_hours(&f.w, 0, TS_HOURS_MEETINGS), 2.0, 1e-6);
    for (uint32_t a = 1; a <= 3; a++) {
        assert_float_equal(tst_hours(&f.w, a, TS_HOURS_MEETINGS), 2.5, 1e-6);
    }
    for (uint32_t a = 4; a <= 12; a++) {
        assert_float_equal(tst_hours(&f.w, a, TS_HOURS_MEETINGS), 0.5, 1e-6);
    }
    double total = 0.0;
    for (uint32_t a = 0; a < f.w.n; a++) {
        total += tst_hours_except(&f.w, a, -1);
    }
    assert_float_equal(total, 4 * 2.0 + 12 * 0.5, 1e-5);
    /* Reviewed: the members of the presenting teams (4 .. 39), once each. */
    for (uint32_t a = 0; a < f.w.n; a++) {
        int reviewed = a >= 4;
        assert_int_equal(ts_status_day(&f.w)[a], reviewed ? 14 : INT32_MIN);
        assert_float_equal(ts_surface(&f.w)[a], reviewed ? 0.3717 : 0.0, 1e-6);
    }
    double v[2];
    metrics(&f, v);
    assert_float_equal(v[0], 4.0, 1e-9);
    assert_float_equal(v[1], 36.0, 1e-9);
    tst_world_close(&f);
}

/* Each leader observes each of its presenters once (w 0.3), succeeding with the
 * presenter's chance of success; no other evidence arises. */
static void test_observations(void **state) {
    (void)state;
    fixture f;
    fx_open(&f, ON, 40);
    ts_competence(&f.w)[2 * 2] = ts_competence(&f.w)[2 * 2 + 1] = 1.0f;   /* 2 never fails */
    ts_competence(&f.w)[10 * 2] = ts_competence(&f.w)[10 * 2 + 1] = 0.0f; /* 10 never succeeds */
    ts_competence(&f.w)[5 * 2] = ts_competence(&f.w)[5 * 2 + 1] = 0.3717f;
    int forums = 0;
    for (int32_t day = 0; day < 7 * 300; day++) {
        fx_org(&f, day);
        forums += day % 7 == 0;
    }
    /* 300 draws each: at p(1) = 0.9975 nearly all succeed, at p(0) = 0.018 nearly all
     * fail, at p(0.3717) = 0.430 (sd 0.029) about that share. */
    float s, fl;
    evidence(&f.w, 0, 2, &s, &fl);
    assert_float_equal(s + fl, 0.3 * forums, 1e-2);
    assert_true(s / (s + fl) > 0.98);
    evidence(&f.w, 3, 10, &s, &fl);
    assert_float_equal(s + fl, 0.3 * forums, 1e-2);
    assert_true(s / (s + fl) < 0.05);
    evidence(&f.w, 1, 5, &s, &fl);
    assert_float_equal(s + fl, 0.3 * forums, 1e-2);
    assert_true(fabs(s / (s + fl) - tst_success_p(0.3717)) < 0.085);
    /* Presenters learn nothing of their leader, the leaders nothing of the members. */
    evidence(&f.w, 2, 0, &s, &fl);
    assert_float_equal(s + fl, 0.0, 1e-9);
    evidence(&f.w, 1, 13, &s, &fl);
    assert_float_equal(s + fl, 0.0, 1e-9);
    assert_int_equal(ts_relstore_count(&f.w.models, 0), 3);
    assert_int_equal(ts_relstore_count(&f.w.models, 1), 3);
    assert_int_equal(ts_relstore_count(&f.w.models, 4), 0);
    tst_world_close(&f);
}

/* Forums every 7 days, warm-up included; nothing in between. */
static void test_schedule(void **state) {
    (void)state;
    fixture f;
    fx_open(&f, ON, 40);
    const int32_t days[] = {-14, -8, -7, -1, 0, 1, 6, 7, 13, 21};
    for (size_t k = 0; k < sizeof days / sizeof days[0]; k++) {
        fx_org(&f, days[k]);
        int held = days[k] % 7 == 0;
        double v[2];
        metrics(&f, v);
        assert_float_equal(v[0], held ? 4.0 : 0.0, 1e-9);
        assert_float_equal(tst_hours(&f.w, 0, TS_HOURS_MEETINGS), held ? 2.0 : 0.0, 1e-6);
        assert_float_equal(ts_surface(&f.w)[20], held ? 0.3717 : 0.0, 1e-6);
        if (held) {
            assert_int_equal(ts_status_day(&f.w)[20], days[k]);
        }
    }
    tst_world_close(&f);
}

/* Leaders whose reports are all individual contributors hold no forum: in 13 people the
 * CEO alone reviews, the work of 4 .. 12. */
static void test_no_presenters_no_forum(void **state) {
    (void)state;
    fixture f;
    fx_open(&f, ON, 13);
    fx_org(&f, 7);
    assert_float_equal(tst_hours(&f.w, 0, TS_HOURS_MEETINGS), 2.0, 1e-6);
    for (uint32_t a = 1; a <= 3; a++) {
        assert_float_equal(tst_hours(&f.w, a, TS_HOURS_MEETINGS), 0.5, 1e-6);
        assert_int_equal(ts_status_day(&f.w)[a], INT32_MIN);
    }
    for (uint32_t a = 4; a < 13; a++) {
        assert_int_equal(ts_status_day(&f.w)[a], 7);
        assert_float_equal(tst_hours(&f.w, a, TS_HOURS_MEETINGS), 0.0, 1e-9);
    }
    double v[2];
    metrics(&f, v);
    assert_float_equal(v[0], 1.0, 1e-9);
    assert_float_equal(v[1], 9.0, 1e-9);
    tst_world_close(&f);
}

/* A busy leader (on an incident) holds no forum and does not present; a busy manager
 * does not present, so its team is not reviewed; leavers are out. */
static void test_busy_and_leavers(void **state) {
    (void)state;
    fixture f;
    fx_open(&f, ON, 40);
    ts_busy(&f.w)[2] = 1; /* leader 2: no forum for 7 8 9, and absent from the CEO's */
    ts_busy(&f.w)[5] = 1; /* manager 5 does not present at 1's forum: 16 17 18 unreviewed */
    ts_busy(&f.w)[10] = ts_busy(&f.w)[11] = ts_busy(&f.w)[12] =
        1; /* 3 has no one to hear: no forum */
    fx_org(&f, 21);
    assert_float_equal(tst_hours(&f.w, 0, TS_HOURS_MEETINGS), 2.0, 1e-6);
    assert_float_equal(tst_hours(&f.w, 1, TS_HOURS_MEETINGS), 2.5, 1e-6);
    assert_float_equal(tst_hours(&f.w, 2, TS_HOURS_MEETINGS), 0.0, 1e-9);
    assert_float_equal(tst_hours(&f.w, 3, TS_HOURS_MEETINGS), 0.5, 1e-6);
    assert_float_equal(tst_hours(&f.w, 5, TS_HOURS_MEETINGS), 0.0, 1e-9);
    assert_float_equal(tst_hours(&f.w, 7, TS_HOURS_MEETINGS), 0.0, 1e-9);
    assert_float_equal(tst_hours(&f.w, 4, TS_HOURS_MEETINGS), 0.5, 1e-6);
    /* Reviewed: 4 5 6 (team 1) and 10 11 12 (team 3) at the CEO's; 13-15, 19-21 at 1's. */
    const uint32_t seen[] = {4, 5, 6, 10, 11, 12, 13, 14, 15, 19, 20, 21};
    int n_seen = 0;
    for (uint32_t a = 0; a < f.w.n; a++) {
        int want = 0;
        for (size_t k = 0; k < sizeof seen / sizeof seen[0]; k++) {
            want |= seen[k] == a;
        }
        n_seen += want;
        assert_int_equal(ts_status_day(&f.w)[a], want ? 21 : INT32_MIN);
        assert_float_equal(ts_surface(&f.w)[a], want ? 0.3717 : 0.0, 1e-6);
    }
    assert_int_equal(n_seen, 12);
    double v[2];
    metrics(&f, v);
    assert_float_equal(v[0], 2.0, 1e-9);
    assert_float_equal(v[1], 12.0, 1e-9);
    float s, fl;
    evidence(&f.w, 0, 2, &s, &fl);
    assert_float_equal(s + fl, 0.0, 1e-9);
    evidence(&f.w, 0, 3, &s, &fl);
    assert_float_equal(s + fl, 0.3, 1e-6);
    /* IC 39 leaves: 12's team is 37 38 then. */
    memset(ts_busy(&f.w), 0, f.w.n);
    ts_world_remove_agent(&f.w, 39, 22);
    fx_org(&f, 28);
    assert_int_equal(ts_status_day(&f.w)[39], INT32_MIN);
    assert_int_equal(ts_status_day(&f.w)[38], 28);
    metrics(&f, v);
    assert_float_equal(v[0], 4.0, 1e-9);
    assert_float_equal(v[1], 35.0, 1e-9);
    tst_world_close(&f);
}

/* The keys: defaults 7 and 0.3, their ranges; the module is on only with its section. */
static void test_keys_and_switch(void **state) {
    (void)state;
    ts_scenario *sc = tst_scenario("tactics: {inspection_forums: {}}\n");
    assert_int_equal(ts_scenario_int(sc, "tactics.inspection_forums.every"), 7);
    assert_float_equal(ts_scenario_real(sc, "tactics.inspection_forums.discovery"), 0.3, 1e-12);
    assert_true(ts_engine_module_on(&ts_module_inspection_forums, sc));
    ts_scenario_free(sc);
    assert_false(tst_module_on(&ts_module_inspection_forums, "days: 3\n"));
    const char *bad[] = {"tactics: {inspection_forums: {every: 0}}\n",
                         "tactics: {inspection_forums: {every: 400}}\n",
                         "tactics: {inspection_forums: {discovery: 1.5}}\n",
                         "tactics: {inspection_forums: {discovery: -0.1}}\n",
                         "tactics: {inspection_forums: {discovery: lots}}\n"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        assert_int_not_equal(tst_scenario_status(bad[k], NULL), TS_OK);
    }
}

/* Through the engine: the metrics are recorded, forums fall on multiples of 7. */
static void test_engine_run(void **state) {
    (void)state;
    ts_scenario *sc = tst_scenario("days: 30\norg: {headcount: 60, warmup_days: 5}\n"
                                   "output: {snapshot_every: 0}\n" ON);
    ts_engine_options eo = {.seed = 5, .threads = 2};
    ts_engine *e;
    ts_error err;
    ts_result r;
    ts_result_init(&r);
    assert_int_equal(ts_engine_create(sc, ts_modules, ts_n_modules, &eo, &e, &err), TS_OK);
    assert_non_null(ts_engine_module_state(e, "inspection_forums"));
    assert_int_equal(ts_engine_run(e, &r, &err), TS_OK);
    const ts_series *held = ts_result_find_series(&r, "forums_held");
    const ts_series *rev = ts_result_find_series(&r, "forum_reviewed");
    assert_non_null(held);
    assert_non_null(rev);
    assert_int_equal(held->n, 31);
    for (size_t d = 1; d < held->n; d++) {
        if (d % 7 == 0) {
            assert_true(held->values[d] >= 1.0);
            assert_true(rev->values[d] >= 7.0);
        } else {
            assert_float_equal(held->values[d], 0.0, 1e-9);
            assert_float_equal(rev->values[d], 0.0, 1e-9);
        }
    }
    ts_result_free(&r);
    ts_engine_free(e);
    ts_scenario_free(sc);
}

/* ---- Behaviour: on vs off over several seeds ------------------------------------------ */

#define SEEDS 5

static void test_behaviour(void **state) {
    (void)state;
    const char *base = "days: 250\norg: {headcount: 100, warmup_days: 80}\n"
                       "domains: [design, roadmap, people, debugging]\n"
                       "output: {snapshot_every: 0}\n";
    char on[512];
    snprintf(on, sizeof on, "%stactics: {inspection_forums: {}}\n", base);
    tst_discovery off, on_;
    tst_discovery_pair(base, on, SEEDS, 104729, &off, &on_);
    assert_true(on_.found_share > off.found_share + 0.015);
    assert_true(on_.hiding_days < off.hiding_days * 0.8);
    assert_true(on_.fud < off.fud * 0.8);
    /* 100 people: the CEO and one leader hold forums of 7 presenters, 2 + 7 x 0.5 h each,
     * 11 h a week: 0.016 h a person a day. */
    assert_true(on_.meetings > off.meetings + 0.008);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree_layout),
        cmocka_unit_test(test_forum_day),
        cmocka_unit_test(test_observations),
        cmocka_unit_test(test_schedule),
        cmocka_unit_test(test_no_presenters_no_forum),
        cmocka_unit_test(test_busy_and_leavers),
        cmocka_unit_test(test_keys_and_switch),
        cmocka_unit_test(test_engine_run),
        cmocka_unit_test(test_behaviour),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
