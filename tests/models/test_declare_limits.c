/* Tests of models/declare_limits.c: the weak-domain mask of a self-model and the routing
 * of a new task by hand, what a declaration sends the manager, the pairing of a task that
 * stayed in a declared-weak domain, and the behaviour over the full model (fewer tasks
 * fail). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <math.h>

#include "declare_limits.h"
#include "engine.h"
#include "evidence.h"
#include "shared.h"
#include "test_support.h"
#include "trust.h"

typedef tst_world fix;

/* The tree 0 -> 1, 2, 3. Every 10 days: agent 1 declares on days 9, 19, ... */
static void setup_fix(fix *f) {
    tst_world_open(f, &ts_module_declare_limits,
                   TST_SHARP_LINK "tactics: {declare_limits: {every: 10, weight: 0.5}}\n", 4, 16, 0,
                   0);
    assert_true(ts_engine_module_on(&ts_module_declare_limits, f->sc));
    f->w.warmup_days = 10;
    tst_world_configure(f);
    ts_error err;
    uint32_t id;
    const uint32_t mgr[4] = {TS_NO_AGENT, 0, 0, 0};
    for (uint32_t a = 0; a < 4; a++) {
        assert_int_equal(ts_world_add_agent(&f->w, mgr[a], -10, &id, &err), TS_OK);
    }
    assert_int_equal(ts_module_declare_limits.grow(f->st, &f->w, &err), TS_OK);
    tst_world_competence(f, 0.8f);
    for (uint32_t d = 0; d < 4; d++) {
        ts_competence(&f->w)[1 * 4 + d] = 0.2f;
    }
    /* Agent 1's self-model: domain 0 no success in 5, domain 1 five of 5, domain 2
     * nothing, domain 3 one of 3. */
    const float sa[4] = {0, 5, 0, 1}, sb[4] = {5, 0, 0, 2};
    for (uint32_t d = 0; d < 4; d++) {
        ts_self_alpha(&f->w)[1 * 4 + d] = sa[d];
        ts_self_beta(&f->w)[1 * 4 + d] = sb[d];
    }
}

/* With a prior of (1, 1): beliefs 1/7, 6/7, 1/2 and 2/5; below 0.5 are domains 0 and 3
 * (0.5 itself is not below): mask 0b1001. */
static void test_mask(void **state) {
    (void)state;
    fix f;
    setup_fix(&f);
    assert_int_equal(ts_declare_limits_mask(&f.w, 1.0f, 1.0f, 1, 0.5f), 9);
    assert_int_equal(ts_declare_limits_mask(&f.w, 1.0f, 1.0f, 1, 0.0f), 0);
    assert_int_equal(ts_declare_limits_mask(&f.w, 1.0f, 1.0f, 1, 0.9f), 15);
    /* No self-model at all: the prior's 0.5 is not below 0.5. */
    assert_int_equal(ts_declare_limits_mask(&f.w, 1.0f, 1.0f, 2, 0.5f), 0);
    tst_world_close(&f);
}

static void test_route(void **state) {
    (void)state;
    fix f;
    setup_fix(&f);
    int col = ts_world_column_find(&f.w, TS_DECLARE_LIMITS_COLUMN);
    assert_true(col >= 0);
    uint8_t *mask = f.w.cols[col].data;
    mask[1] = 9;
    ts_rng r;
    ts_rng_init(&r, 5, 6, 7, 8);
    /* Not declared weak, or no column: the domain stays. */
    assert_int_equal(ts_declare_limits_route(&f.w, col, 1, 1, &r), 1);
    assert_int_equal(ts_declare_limits_route(&f.w, col, 1, 2, &r), 2);
    assert_int_equal(ts_declare_limits_route(&f.w, -1, 1, 0, &r), 0);
    assert_int_equal(ts_declare_limits_route(&f.w, col, 2, 0, &r), 0);
    /* Declared weak: to domain 1 or 2, each half the time (sd of the share over 4,000
     * draws 0.008). */
    int n1 = 0;
    for (int k = 0; k < 4000; k++) {
        uint32_t d = ts_declare_limits_route(&f.w, col, 1, k % 2 ? 0 : 3, &r);
        assert_true(d == 1 || d == 2);
        n1 += d == 1;
    }
    assert_true(fabs(n1 / 4000.0 - 0.5) < 0.04);
    /* Every domain declared weak: nowhere to route. */
    mask[1] = 15;
    assert_int_equal(ts_declare_limits_route(&f.w, col, 1, 3, &r), 3);
    tst_world_close(&f);
}

/* Agent 1's declaration on day 9, with the trust prior of the defaults: the manager sees a
 * success (weight 0.5) in each domain declared strong, a failure in each declared weak, and
 * honesty 0.5 x 0.5; the mask is published in the column by 1's settle. */
static void test_declare(void **state) {
    (void)state;
    fix f;
    setup_fix(&f);
    ts_trust_params tp;
    ts_trust_params_load(f.sc, &tp);
    uint8_t expect = ts_declare_limits_mask(&f.w, tp.prior_a, tp.prior_b, 1, 0.5f);
    print_message("prior (%.3f, %.3f): mask %u\n", tp.prior_a, tp.prior_b, expect);
    tst_msgs m = {0};
    f.w.day = 9;
    ts_emit e = tst_msgs_emit(&m, 1, 1, 9, 1);
    void *row = ts_module_declare_limits.act_row(f.st, 1);
    assert_int_equal(ts_module_declare_limits.act(f.st, &f.w, 1, row, &e), TS_OK);
    assert_int_equal(m.buf.n, 5);
    for (size_t k = 0; k < 4; k++) {
        const ts_msg *x = &m.buf.msgs[k];
        assert_int_equal(x->to, 0);
        assert_int_equal(x->about, 1);
        assert_int_equal(x->kind, TS_MK_OBSERVE);
        assert_int_equal(x->domain, k);
        assert_int_equal(x->flags, !((expect >> k) & 1u));
        assert_float_equal(x->w, 0.5, 1e-7);
    }
    ts_msg x = tst_msgs_only(&m, 0, TS_MK_INTEGRITY);
    assert_float_equal(x.w, 0.25, 1e-7);
    /* On day 8 agent 1 says nothing (8 + 1 is not a multiple of 10), nor does the CEO. */
    e = tst_msgs_emit(&m, 1, 1, 8, 1);
    f.w.day = 8;
    assert_int_equal(ts_module_declare_limits.act(f.st, &f.w, 1, row, &e), TS_OK);
    assert_int_equal(m.buf.n, 0);
    /* A whole day 9: the column holds what 1 declared. */
    tst_world_org(&f, 9, 12, 1);
    int col = ts_world_column_find(&f.w, TS_DECLARE_LIMITS_COLUMN);
    assert_int_equal(((const uint8_t *)f.w.cols[col].data)[1], expect);
    double v[3];
    tst_world_metrics(&f, v, 3);
    assert_float_equal(v[0], 1.0, 0.0); /* only 1 declares on day 9 (2 on 8, 3 on 7) */
    tst_msgs_free(&m);
    tst_world_close(&f);
}

/* A task of 1 in domain 0 (declared weak, mask 0b1001 under a (1, 1)-like prior) started
 * yesterday: the manager pairs it with the teammate it trusts most there, 2 (a tie with 3,
 * to the lower id). With the sharp link 1 fails for sure (p = 0) and 2 succeeds (c = 1):
 * boost (1 - 0) x 0.5 x 1 = 0.5, and 2 spends 2 hours. */
static void test_pair(void **state) {
    (void)state;
    fix f;
    setup_fix(&f);
    ts_world *w = &f.w;
    /* Declare on day 9 (a strong self-model makes domain 0 weak whatever the prior). */
    for (uint32_t d = 0; d < 4; d++) {
        ts_self_beta(w)[1 * 4 + d] = d == 0 ? 50.0f : 0.0f;
        ts_self_alpha(w)[1 * 4 + d] = d == 0 ? 0.0f : 50.0f;
    }
    tst_world_org(&f, 9, 12, 1);
    ts_task_domain(w)[1] = 0;
    ts_task_start(w)[1] = 9;
    tst_world_org(&f, 10, 12, 1);
    double v[3];
    tst_world_metrics(&f, v, 3);
    assert_float_equal(v[2], 1.0, 0.0);
    assert_float_equal(ts_task_boost(w)[1], 0.5, 1e-6);
    assert_float_equal(tst_hours(w, 2, TS_HOURS_COORDINATION), 2.0, 1e-6);
    assert_float_equal(tst_hours(w, 3, TS_HOURS_COORDINATION), 0.0, 0.0);
    /* A task in a domain not declared weak is not paired. */
    ts_task_domain(w)[1] = 1;
    ts_task_start(w)[1] = 10;
    tst_world_org(&f, 11, 12, 1);
    tst_world_metrics(&f, v, 3);
    assert_float_equal(v[2], 0.0, 0.0);
    tst_world_close(&f);
}

static void test_keys(void **state) {
    (void)state;
    ts_error err;
    assert_int_equal(tst_scenario_status("tactics: {declare_limits: {every: 0}}\n", &err),
                     TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "every"));
    assert_int_equal(tst_scenario_status("tactics: {declare_limits: {threshold: 1.5}}\n", &err),
                     TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "threshold"));
}

/* Behaviour, seed by seed: with the tactic, fewer tasks fail. */
static void test_behaviour(void **state) {
    (void)state;
    const char *base = "days: 200\ndomains: [design, roadmap, people, debugging]\n"
                       "org: {headcount: 200, warmup_days: 150}\nhiring: {growth: none}\n"
                       "tactics: {one_on_ones: {}}\noutput: {snapshot_every: 0}\n";
    char on[512];
    snprintf(on, sizeof on, "%stactics.declare_limits: {}\n", base);
    const char *names[] = {"tasks_failed", "tasks_completed", "limits_declared"};
    double ron = 0.0, roff = 0.0, declared = 0.0;
    enum { SEEDS = 3 };
    for (uint64_t k = 1; k <= SEEDS; k++) {
        double a[3], b[2];
        tst_full(on, k * 101, TST_MEAN, names, 3, a);
        tst_full(base, k * 101, TST_MEAN, names, 2, b);
        print_message("seed %u: failure rate on %.4f off %.4f, declarations %.2f/day\n",
                      (unsigned)k, a[0] / a[1], b[0] / b[1], a[2]);
        ron += a[0] / a[1] / SEEDS;
        roff += b[0] / b[1] / SEEDS;
        declared += a[2] / SEEDS;
    }
    /* About 200 people declaring every 30 days: 6.7 a day. */
    assert_true(declared > 5.0 && declared < 8.0);
    assert_true(ron < roff * 0.97);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mask), cmocka_unit_test(test_route), cmocka_unit_test(test_declare),
        cmocka_unit_test(test_pair), cmocka_unit_test(test_keys),  cmocka_unit_test(test_behaviour),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
