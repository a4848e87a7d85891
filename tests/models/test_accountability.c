/* Tests of models/accountability.c: the call-out probability by hand; which failures are
 * noted (the evidence hook: teammates' and reports' failures only); a peer's call-out
 * (hours, effort, learning) taken well or badly by the receiver's own trust; the manager's
 * later correction, and none when a peer called the failure out first; the saved state;
 * and the behaviour over several seeds (the share of corrections made by peers rises with
 * trust; without peers the manager corrects everything). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <math.h>

#include "accountability.h"
#include "checkpoint.h"
#include "evidence.h"
#include "shared.h"
#include "test_support.h"

/* 20 people, span 4: CEO 0; managers 1-4; 1 -> 5-8, 2 -> 9-12, 3 -> 13-16, 4 -> 17-19;
 * two domains; competence 0.6. */
#define N_PEOPLE 20
enum { M_ACC = 18 };

/* Strangers of near-certain competence and honesty: trust about 0.98. */
#define TRUSTING                                                                                   \
    "trust: {prior_mean: 0.99, prior_strength: 1000, integrity_prior_mean: 0.99, "                 \
    "integrity_prior_strength: 1000, risk_aversion: 0}\n"

static void fx_open(tst_world *f, const char *keys, const char *more) {
    char yaml[768];
    snprintf(yaml, sizeof yaml, "accountability: {%s}\n%s", keys, more ? more : "");
    tst_world_open(f, &ts_module_accountability, yaml, 2, 32, N_PEOPLE, 4);
    tst_world_competence(f, 0.6f);
    tst_world_configure(f);
    assert_int_equal(f->w.listeners.n_observe, 1);
    for (uint32_t a = 0; a < f->w.n; a++) {
        ts_safety(&f->w)[a] = 1.0f;
    }
}

/* believer sees subject's work in domain d on `day`. */
static void see(tst_world *f, int32_t day, uint32_t believer, uint32_t subject, uint32_t d,
                int success, float weight) {
    f->w.day = day;
    ts_ev_observe_now(&f->w, believer, subject, d, success, weight);
}

/* v: peer_callouts, manager_corrections, callouts_taken_well, callouts_taken_badly. */
static void fx_day(tst_world *f, int32_t day, double *v) {
    tst_world_org(f, day, M_ACC, 4242);
    tst_world_metrics(f, v, 4);
}

static double comp(const ts_world *w, uint32_t a, uint32_t d) {
    return ts_competence(w)[(size_t)a * w->n_domains + d];
}

static double goodwill(const ts_world *w, uint32_t i, uint32_t j) {
    int slot = ts_relstore_find(&w->models, i, j);
    if (slot < 0) {
        return NAN;
    }
    ts_belief b;
    ts_relstore_read(&w->models, i, (uint32_t)slot, w->day, &b);
    return b.goodwill;
}

static void test_callout_p(void **state) {
    (void)state;
    assert_float_equal(ts_accountability_callout_p(0.5, 0.6, 0.5), 0.15, 1e-12);
    assert_float_equal(ts_accountability_callout_p(1.0, 1.0, 1.0), 1.0, 0.0);
    assert_float_equal(ts_accountability_callout_p(0.0, 1.0, 1.0), 0.0, 0.0);
    assert_float_equal(ts_accountability_callout_p(1.0, 2.0, 1.0), 1.0, 0.0);
}

/* Only failures of a teammate (same manager) or of one's own report are noted: a teammate's
 * failure is called out the next day (peer_probability 1, full safety, trust 0.98: nearly
 * surely); a success, a failure of someone in another team, or of one's manager, is not. */
static void test_who_notes(void **state) {
    (void)state;
    tst_world f;
    fx_open(&f, "peer_probability: 1", TRUSTING);
    see(&f, 1, 6, 5, 0, 1, 0.25f); /* a success */
    see(&f, 1, 9, 5, 0, 0, 0.25f); /* another team's member */
    see(&f, 1, 5, 1, 0, 0, 0.5f);  /* one's own manager */
    see(&f, 1, 2, 1, 0, 0, 0.25f); /* 1 and 2 are teammates under the CEO */
    double v[4];
    fx_day(&f, 2, v);
    assert_float_equal(v[0], 1.0, 0.0); /* 2 calls out 1; nothing else */
    assert_float_equal(tst_hours(&f.w, 2, TS_HOURS_MEETINGS), 0.25, 1e-7);
    assert_float_equal(tst_hours(&f.w, 1, TS_HOURS_MEETINGS), 0.25, 1e-7);
    assert_float_equal(tst_hours_except(&f.w, 5, -1), 0.0, 0.0);
    assert_float_equal(tst_hours_except(&f.w, 6, -1), 0.0, 0.0);
    assert_float_equal(tst_hours_except(&f.w, 9, -1), 0.0, 0.0);
    tst_world_close(&f);
}

/* A call-out taken well (the draw under the receiver's trust in the caller): competence in
 * the failed domain closes learning x (1 - c) of its gap, the current task gets effort
 * added to its chance of success, both spend callout_hours. Taken badly: goodwill toward
 * the caller falls by goodwill_cost and nothing is learned. The receiver here holds no
 * model of the caller: its trust is the stranger's, about 0.38 with the default priors. */
static void test_taken_well_or_badly(void **state) {
    (void)state;
    tst_world f;
    fx_open(&f, "learning: 0.1, effort: 0.05, goodwill_cost: 0.05", NULL);
    ts_world *w = &f.w;
    double v[4];
    fx_day(&f, 3, v); /* today's acts (nothing to call out), then two call-outs applied */
    ts_msg well = {
        .to = 7, .from = 6, .about = 6, .kind = TS_MK_MODULE_BASE, .domain = 1, .x = 0.1f};
    assert_int_equal(ts_module_accountability.handle(f.st, w, &well), TS_OK);
    assert_float_equal(comp(w, 7, 1), 0.6 + 0.1 * 0.4, 1e-6);
    assert_float_equal(comp(w, 7, 0), 0.6, 0.0);
    assert_float_equal(ts_task_boost(w)[7], 0.05, 1e-7);
    assert_float_equal(tst_hours(w, 7, TS_HOURS_MEETINGS), 0.25, 1e-7);
    assert_true(isnan(goodwill(w, 7, 6))); /* no model made */
    ts_msg badly = well;
    badly.to = 8;
    badly.x = 0.9f;
    assert_int_equal(ts_module_accountability.handle(f.st, w, &badly), TS_OK);
    assert_float_equal(comp(w, 8, 1), 0.6, 0.0);
    assert_float_equal(ts_task_boost(w)[8], 0.0, 0.0);
    assert_float_equal(goodwill(w, 8, 6), -0.05, 1e-7);
    assert_float_equal(tst_hours(w, 8, TS_HOURS_MEETINGS), 0.25, 1e-7);
    /* The day's counts: one taken well, one badly. */
    tst_world_metrics(&f, v, 4);
    assert_float_equal(v[2], 1.0, 0.0);
    assert_float_equal(v[3], 1.0, 0.0);
    tst_world_close(&f);
}

/* No peers: the manager corrects its report manager_delay days after it saw the failure
 * (1 h for itself, half of it for the report; effort and learning as a call-out taken
 * well), and only once. */
static void test_manager_corrects(void **state) {
    (void)state;
    tst_world f;
    fx_open(&f, "peer_probability: 0, manager_delay: 3, learning: 0.1", NULL);
    ts_world *w = &f.w;
    see(&f, 1, 1, 6, 0, 0, 0.5f);  /* manager 1 sees report 6 fail */
    see(&f, 1, 5, 6, 0, 0, 0.25f); /* teammate 5 too, but will not call it out */
    double v[4];
    fx_day(&f, 2, v);
    assert_float_equal(v[0] + v[1], 0.0, 0.0);
    fx_day(&f, 3, v);
    assert_float_equal(v[1], 0.0, 0.0);
    fx_day(&f, 4, v);
    assert_float_equal(v[1], 1.0, 0.0);
    assert_float_equal(tst_hours(w, 1, TS_HOURS_MEETINGS), 1.0, 1e-7);
    assert_float_equal(tst_hours(w, 6, TS_HOURS_MEETINGS), 0.5, 1e-7);
    assert_float_equal(comp(w, 6, 0), 0.64, 1e-6);
    assert_float_equal(ts_task_boost(w)[6], 0.05, 1e-7);
    fx_day(&f, 5, v);
    assert_float_equal(v[1], 0.0, 0.0);
    tst_world_close(&f);
}

/* A peer who calls the failure out first spares the manager the correction. */
static void test_peer_first(void **state) {
    (void)state;
    tst_world f;
    fx_open(&f, "peer_probability: 1, manager_delay: 3", TRUSTING);
    see(&f, 1, 1, 6, 0, 0, 0.5f);
    see(&f, 1, 5, 6, 0, 0, 0.25f);
    double v[4];
    fx_day(&f, 2, v);
    assert_float_equal(v[0], 1.0, 0.0);
    assert_float_equal(v[2], 1.0, 0.0); /* 6 trusts 5 at about 0.98: taken well */
    fx_day(&f, 3, v);
    fx_day(&f, 4, v);
    assert_float_equal(v[1], 0.0, 0.0);
    assert_float_equal(tst_hours_except(&f.w, 1, -1), 0.0, 0.0);
    tst_world_close(&f);
}

/* The saved state keeps the manager's pending correction. */
static void test_state_io(void **state) {
    (void)state;
    tst_world f, g;
    fx_open(&f, "peer_probability: 0, manager_delay: 3", NULL);
    fx_open(&g, "peer_probability: 0, manager_delay: 3", NULL);
    see(&f, 1, 1, 6, 0, 0, 0.5f);
    double v[4];
    fx_day(&f, 2, v);
    ts_ckpt *ck = ts_ckpt_new();
    assert_non_null(ck);
    ts_error err = {0};
    ts_state_io io;
    ts_sio_begin(&io, ck, 0, "modules/accountability/", "test", &err);
    assert_int_equal(ts_module_accountability.state_io(f.st, &f.w, &io), TS_OK);
    ts_sio_begin(&io, ck, 1, "modules/accountability/", "test", &err);
    assert_int_equal(ts_module_accountability.state_io(g.st, &g.w, &io), TS_OK);
    fx_day(&g, 4, v);
    assert_float_equal(v[1], 1.0, 0.0);
    ts_ckpt_free(ck);
    tst_world_close(&f);
    tst_world_close(&g);
}

/* Essay 002: where people trust each other and feel safe, peers hold each other to account;
 * where they do not, it is left to the manager. Without peers every correction is the
 * manager's, and managers spend more hours on them. Several seeds, each the same way. */
#define SEEDS 3
static void test_behaviour(void **state) {
    (void)state;
    const char *base = "days: 150\norg: {headcount: 60, warmup_days: 100}\n"
                       "hiring: {growth: none}\noutput: {snapshot_every: 0}\n";
    char high[512], low[512], none[512];
    snprintf(high, sizeof high,
             "%sculture: {safety: 0.85, blame: 0.05}\n"
             "trust: {prior_mean: 0.7, integrity_prior_mean: 0.9}\n",
             base);
    snprintf(low, sizeof low,
             "%sculture: {safety: 0.3, blame: 0.8}\n"
             "trust: {prior_mean: 0.45, integrity_prior_mean: 0.6}\n",
             base);
    snprintf(none, sizeof none, "%saccountability: {peer_probability: 0}\n", base);
    static const char *const names[] = {"peer_accountability_share", "manager_corrections",
                                        "peer_callouts"};
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        double a[3], b[3], c[3], d[3];
        tst_full(high, seed * 131, TST_VALUE, names, 3, a);
        tst_full(low, seed * 131, TST_VALUE, names, 3, b);
        tst_full(base, seed * 131, TST_VALUE, names, 3, c);
        tst_full(none, seed * 131, TST_VALUE, names, 3, d);
        print_message("seed %u share: high %.3f low %.3f default %.3f no peers %.3f\n",
                      (unsigned)seed, a[0], b[0], c[0], d[0]);
        print_message("seed %u manager corrections/day: default %.3f no peers %.3f\n",
                      (unsigned)seed, c[1], d[1]);
        assert_true(a[0] > c[0] + 0.05);
        assert_true(c[0] > b[0] + 0.05);
        assert_float_equal(d[0], 0.0, 0.0);
        assert_float_equal(d[2], 0.0, 0.0);
        assert_true(d[1] > c[1]);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_callout_p),           cmocka_unit_test(test_who_notes),
        cmocka_unit_test(test_taken_well_or_badly), cmocka_unit_test(test_manager_corrects),
        cmocka_unit_test(test_peer_first),          cmocka_unit_test(test_state_io),
        cmocka_unit_test(test_behaviour),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
