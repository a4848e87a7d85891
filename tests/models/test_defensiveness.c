/* Tests of models/defensiveness.c: the goodwill lost to unwarranted monitoring by hand,
 * who counts as monitored, one day of the mechanism (the person's goodwill toward its
 * manager), the acceptance trait's draws, and the behaviour over the full model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <math.h>

#include "ask_for_help.h"
#include "defensiveness.h"
#include "engine.h"
#include "evidence.h"
#include "shared.h"
#include "test_support.h"

static void test_loss(void **state) {
    (void)state;
    /* (1 - 0.25) x 0.2 x (0.9 - 0.5) = 0.06 */
    assert_float_equal(ts_defensiveness_loss(0.25f, 0.9f, 0.5f), 0.06, 1e-6);
    /* Full acceptance, or monitoring thought warranted: nothing lost. */
    assert_float_equal(ts_defensiveness_loss(1.0f, 0.9f, 0.5f), 0.0, 0.0);
    assert_float_equal(ts_defensiveness_loss(0.0f, 0.4f, 0.5f), 0.0, 0.0);
    /* (1 - 0) x 0.2 x 1 = 0.2 */
    assert_float_equal(ts_defensiveness_loss(0.0f, 1.0f, 0.0f), 0.2, 1e-6);
}

typedef tst_world fix;

/* 0 manages 1 and 2; 1 believes itself strong in domain 0 (50 successes seen of itself). */
static void setup_fix(fix *f, const char *acceptance) {
    char text[256];
    snprintf(text, sizeof text, "population: {acceptance: %s}\n", acceptance);
    tst_world_open(f, &ts_module_defensiveness, text, 4, 16, 0, 0);
    assert_true(ts_engine_module_on(&ts_module_defensiveness, f->sc));
    f->w.warmup_days = 10;
    f->w.seed = 3;
    tst_world_configure(f);
    ts_error err;
    uint32_t id;
    const uint32_t mgr[3] = {TS_NO_AGENT, 0, 0};
    for (uint32_t a = 0; a < 3; a++) {
        assert_int_equal(ts_world_add_agent(&f->w, mgr[a], -10, &id, &err), TS_OK);
    }
    ts_self_alpha(&f->w)[1 * 4 + 0] = 50.0f;
}

static void test_monitored(void **state) {
    (void)state;
    fix f;
    setup_fix(&f, "{mean: 0, sd: 0}");
    ts_trust_params tp;
    ts_trust_params_load(f.sc, &tp);
    /* A stranger's score is below the delegation threshold: monitored. */
    assert_true(ts_trust_stranger(&tp) < tp.delegate);
    assert_true(ts_defensiveness_monitored(&tp, &f.w, 1, 0, 0));
    /* After 40 successes seen, the manager delegates in domain 0, not in domain 1. */
    ts_ev_observe_now(&f.w, 0, 1, 0, 1, 40.0f);
    ts_ev_integrity_now(&f.w, 0, 1, 20.0f, 0.0f, 0.0f);
    print_message("trust in 1: domain 0 %.3f, domain 1 %.3f, delegate %.3f\n",
                  ts_trust_of(&tp, &f.w, 0, 1, 0), ts_trust_of(&tp, &f.w, 0, 1, 1), tp.delegate);
    assert_false(ts_defensiveness_monitored(&tp, &f.w, 1, 0, 0));
    assert_true(ts_defensiveness_monitored(&tp, &f.w, 1, 0, 1));
    /* A trial task is watched closely whatever the trust. */
    ts_task_trial(&f.w)[1] = 1;
    assert_true(ts_defensiveness_monitored(&tp, &f.w, 1, 0, 0));
    tst_world_close(&f);
}

/* Day 5: 1's task in domain 0 started on day 4. Its manager holds no model (a stranger's
 * trust T0), its self-belief is (a + 50) / (a + b + 50) with the prior (a, b): with
 * acceptance 0 it loses 0.2 x (self - T0) of goodwill toward 0, half of that per employed
 * person (3 people) in the metric. With acceptance 1 nothing. */
static double day_loss(const char *acceptance, double *metric) {
    fix f;
    setup_fix(&f, acceptance);
    ts_task_domain(&f.w)[1] = 0;
    ts_task_start(&f.w)[1] = 4;
    tst_world_org(&f, 5, 12, 3);
    double v[3];
    tst_world_metrics(&f, v, 3);
    *metric = v[0];
    assert_float_equal(v[1], 1.0, 0.0);
    ts_belief b;
    memset(&b, 0, sizeof b);
    tst_evidence(&f.w, 1, 0, &b);
    tst_world_close(&f);
    return b.goodwill;
}

static void test_day(void **state) {
    (void)state;
    fix f;
    setup_fix(&f, "{mean: 0, sd: 0}");
    ts_trust_params tp;
    ts_trust_params_load(f.sc, &tp);
    double self = (tp.prior_a + 50.0) / (tp.prior_a + tp.prior_b + 50.0);
    double expect = 0.2 * (self - ts_trust_stranger(&tp));
    tst_world_close(&f);
    double metric;
    double g = day_loss("{mean: 0, sd: 0}", &metric);
    print_message("goodwill %.5f, expected %.5f\n", g, -expect);
    assert_float_equal(g, -expect, 1e-5);
    assert_float_equal(metric, expect / 3.0, 1e-5);
    g = day_loss("{mean: 1, sd: 0}", &metric);
    assert_float_equal(g, 0.0, 0.0);
    assert_float_equal(metric, 0.0, 0.0);
}

/* Acceptance: a Beta draw per person with the given mean and sd (mean 0.3, sd 0.1 over
 * 4,000 people: sd of the mean 0.0016), the same for the same person and seed. */
static void test_trait(void **state) {
    (void)state;
    fix f, g;
    tst_world_open(&f, &ts_module_defensiveness, "population: {acceptance: {mean: 0.3, sd: 0.1}}\n",
                   4, 4, 4000, 7);
    tst_world_open(&g, &ts_module_defensiveness, "population: {acceptance: {mean: 0.3, sd: 0.1}}\n",
                   4, 4, 4000, 7);
    f.w.seed = g.w.seed = 11;
    tst_world_configure(&f);
    tst_world_configure(&g);
    double v[3], u[3];
    tst_world_org(&f, 1, 12, 11);
    tst_world_metrics(&f, v, 3);
    tst_world_org(&g, 2, 12, 11);
    tst_world_metrics(&g, u, 3);
    print_message("mean acceptance %.4f (day 1), %.4f (day 2)\n", v[2], u[2]);
    assert_true(fabs(v[2] - 0.3) < 0.008);
    assert_true(v[2] == u[2]); /* drawn from the person's own stream, whatever the day */
    tst_world_close(&f);
    tst_world_close(&g);
}

static void test_keys(void **state) {
    (void)state;
    ts_error err;
    assert_int_equal(tst_scenario_status("population: {acceptance: {mean: 1.5}}\n", &err),
                     TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "population.acceptance.mean"));
    assert_false(tst_module_on(&ts_module_defensiveness, "days: 10\n"));
    assert_true(tst_module_on(&ts_module_defensiveness, "population: {acceptance: {}}\n"));
}

/* Behaviour, seed by seed: people who accept little of incomplete trust, under trial tasks
 * and reviews, hold less goodwill toward others; full acceptance changes nothing. */
static void test_behaviour(void **state) {
    (void)state;
    const char *base = "days: 150\ndomains: [design, roadmap, people, debugging]\n"
                       "org: {headcount: 120, warmup_days: 100}\n"
                       "tactics: {one_on_ones: {}, trial_tasks: {}}\noutput: {snapshot_every: 0}\n";
    char low[512], full[512];
    snprintf(low, sizeof low, "%spopulation: {acceptance: {mean: 0.1, sd: 0.05}}\n", base);
    snprintf(full, sizeof full, "%spopulation: {acceptance: {mean: 1, sd: 0}}\n", base);
    const char *names[] = {"goodwill_mean", "trust_team", "defensiveness_cost"};
    double gl = 0.0, goff = 0.0, cost = 0.0;
    enum { SEEDS = 3 };
    for (uint64_t k = 1; k <= SEEDS; k++) {
        double a[3], b[2], c[3];
        tst_full(low, k * 13, TST_MEAN, names, 3, a);
        tst_full(base, k * 13, TST_MEAN, names, 2, b);
        tst_full(full, k * 13, TST_MEAN, names, 3, c);
        print_message("seed %u: goodwill low %.4f off %.4f full %.4f, cost %.5f\n", (unsigned)k,
                      a[0], b[0], c[0], a[2]);
        assert_true(c[0] == b[0] && c[1] == b[1] && c[2] == 0.0);
        gl += a[0] / SEEDS;
        goff += b[0] / SEEDS;
        cost += a[2] / SEEDS;
    }
    assert_true(cost > 0.0);
    assert_true(gl < goff - 0.002);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loss), cmocka_unit_test(test_monitored),
        cmocka_unit_test(test_day),  cmocka_unit_test(test_trait),
        cmocka_unit_test(test_keys), cmocka_unit_test(test_behaviour),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
