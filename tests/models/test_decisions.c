/* Tests of models/decisions.c: the voice, quality and reopen formulas by hand; a manager's
 * decision with its team (schedule, concerns voiced and kept, meeting hours, the
 * effect of a decision on its members' tasks in progress, the reopening and its sign-off hours);
 * the voice probability over many decisions; the saved state; and the behaviour over
 * several seeds (a safe, trusting company voices more, decides better and reopens less). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "checkpoint.h"
#include "decisions.h"
#include "evidence.h"
#include "shared.h"
#include "test_support.h"
#include "trust.h"

/* CEO 0 with reports 1-7 (span 7), one domain; the decisions keys given. */
#define N_TEAM 8
enum { M_DECISIONS = 17 };

static void fx_open(tst_world *f, const char *keys) {
    char yaml[512];
    snprintf(yaml, sizeof yaml, "decisions: {%s}\n", keys);
    tst_world_open(f, &ts_module_decisions, yaml, 1, 32, N_TEAM, 7);
    tst_world_competence(f, 0.6f);
    tst_world_configure(f);
}

static void set_safety(ts_world *w, float s) {
    for (uint32_t a = 0; a < w->n; a++) {
        ts_safety(w)[a] = s;
    }
}

/* v: team_decisions, concerns_voiced, concerns_unvoiced, decision_quality, decisions_reopened. */
static void fx_day(tst_world *f, int32_t day, double *v) {
    tst_world_org(f, day, M_DECISIONS, 777);
    tst_world_metrics(f, v, 5);
}

static void test_formulas(void **state) {
    (void)state;
    assert_float_equal(ts_decisions_voice_p(0.5, 0.6), 0.3, 1e-12);
    assert_float_equal(ts_decisions_voice_p(1.0, 1.5), 1.0, 0.0);
    assert_float_equal(ts_decisions_voice_p(0.0, 0.9), 0.0, 0.0);
    ts_decisions_params p = {
        .quality_base = 0.6, .voice_gain = 0.4, .silence_loss = 0.6, .reopen_p = 0.3};
    /* 0.6 + 0.4 * 1/4 - 0.6 * 2/4 = 0.4 */
    assert_float_equal(ts_decisions_quality(&p, 4, 1, 2), 0.4, 1e-12);
    /* Everyone voiced: 0.6 + 0.4 = 1. Everyone silent: 0.6 - 0.6 = 0. */
    assert_float_equal(ts_decisions_quality(&p, 5, 5, 0), 1.0, 1e-12);
    assert_float_equal(ts_decisions_quality(&p, 5, 0, 5), 0.0, 1e-12);
    /* No concern at all: the base; no members: the base. */
    assert_float_equal(ts_decisions_quality(&p, 5, 0, 0), 0.6, 1e-12);
    assert_float_equal(ts_decisions_quality(&p, 0, 0, 0), 0.6, 1e-12);
    /* Clamped to [0, 1]. */
    p.quality_base = 0.9;
    assert_float_equal(ts_decisions_quality(&p, 2, 2, 0), 1.0, 0.0);
    p.quality_base = 0.1;
    assert_float_equal(ts_decisions_quality(&p, 2, 0, 2), 0.0, 0.0);
    /* Effect on a task: 0.1 x (2 q - 1). */
    p.effect = 0.1;
    assert_float_equal(ts_decisions_effect(&p, 1.0), 0.1, 1e-12);
    assert_float_equal(ts_decisions_effect(&p, 0.5), 0.0, 1e-12);
    assert_float_equal(ts_decisions_effect(&p, 0.2), -0.06, 1e-12);
    /* Reopen: 1 - 0.7^k. */
    assert_float_equal(ts_decisions_reopen_p(&p, 0), 0.0, 1e-12);
    assert_float_equal(ts_decisions_reopen_p(&p, 1), 0.3, 1e-12);
    assert_float_equal(ts_decisions_reopen_p(&p, 2), 0.51, 1e-12);
}

/* Nobody safe: every concern is kept (artificial harmony). With every member holding one,
 * the decision's quality is 0.6 - 0.6 = 0, each member with a task in progress loses the
 * whole effect from its chance of success (effect x (2 x 0 - 1)), and (reopen_probability 1) the
 * decision is reopened reopen_after days later: 1 h of sign-off for the manager, 0.5 h for each
 * member, and each member's task waits reopen_delay (2) days more (the shared task_delay). */
static void test_silent_team(void **state) {
    (void)state;
    tst_world f;
    fx_open(&f, "every: 7, concern_probability: 1, reopen_probability: 1, reopen_after: 3, "
                "effect: 0.05, reopen_delay: 2");
    ts_world *w = &f.w;
    set_safety(w, 0.0f);
    for (uint32_t j = 1; j < N_TEAM - 1; j++) {
        ts_task_domain(w)[j] = 0; /* 1-6 at work; 7 idle */
    }
    double v[5];
    /* Manager 0 decides on days with day % 7 == 0; day 1 is none of them. */
    fx_day(&f, 1, v);
    assert_float_equal(v[0], 0.0, 0.0);
    assert_true(isnan(v[1]) && isnan(v[3]));
    fx_day(&f, 7, v);
    assert_float_equal(v[0], 1.0, 0.0);
    assert_float_equal(v[1], 0.0, 0.0); /* voiced */
    assert_float_equal(v[2], 7.0, 0.0); /* kept */
    assert_float_equal(v[3], 0.0, 1e-7);
    assert_float_equal(v[4], 0.0, 0.0);
    for (uint32_t j = 1; j < N_TEAM; j++) {
        assert_float_equal(ts_task_boost(w)[j], j < N_TEAM - 1 ? -0.05 : 0.0, 1e-7);
        assert_float_equal(tst_hours_except(w, j, -1), 0.0, 0.0); /* nothing voiced */
    }
    assert_float_equal(ts_task_boost(w)[0], 0.0, 0.0); /* the manager's own work is not */
    fx_day(&f, 9, v);
    assert_float_equal(v[4], 0.0, 0.0);
    fx_day(&f, 10, v); /* 7 + 3 */
    assert_float_equal(v[4], 1.0, 0.0);
    assert_float_equal(tst_hours(w, 0, TS_HOURS_REVIEW), 1.0, 1e-7);
    for (uint32_t j = 1; j < N_TEAM; j++) {
        assert_float_equal(tst_hours(w, j, TS_HOURS_MEETINGS), 0.5, 1e-7);
        assert_float_equal(ts_task_delay(w)[j], 2.0, 1e-7);
    }
    assert_float_equal(ts_task_delay(w)[0], 0.0, 0.0); /* not the manager's own task */
    fx_day(&f, 11, v);
    assert_float_equal(v[4], 0.0, 0.0); /* reopened once */
    tst_world_close(&f);
}

/* A safe, trusting team: every member holds a concern and voices it with probability
 * safety x trust in the others (here about 0.98, strangers of near-certain competence and
 * honesty). Whatever the draws, the counts add up to the team, the hours are 0.25 a voiced
 * concern for its member and for the manager, the quality and the effect on each member's
 * task follow the formulas from the counts. */
static void test_voiced_team(void **state) {
    (void)state;
    tst_world f;
    tst_world_open(&f, &ts_module_decisions,
                   "decisions: {every: 1, concern_probability: 1, effect: 0.1}\n"
                   "trust: {prior_mean: 0.99, prior_strength: 1000, integrity_prior_mean: 0.99, "
                   "integrity_prior_strength: 1000, risk_aversion: 0}\n",
                   1, 32, N_TEAM, 7);
    tst_world_competence(&f, 0.6f);
    tst_world_configure(&f);
    ts_world *w = &f.w;
    set_safety(w, 1.0f);
    for (uint32_t j = 0; j < N_TEAM; j++) {
        ts_task_domain(w)[j] = 0;
    }
    double v[5];
    fx_day(&f, 5, v);
    assert_float_equal(v[0], 1.0, 0.0);
    double voiced = v[1], kept = v[2];
    assert_float_equal(voiced + kept, 7.0, 0.0);
    assert_true(voiced >= 5.0); /* 7 draws at 0.98 */
    ts_decisions_params p = {
        .quality_base = 0.6, .voice_gain = 0.4, .silence_loss = 0.6, .effect = 0.1};
    double q = ts_decisions_quality(&p, 7, (uint32_t)voiced, (uint32_t)kept);
    assert_float_equal(v[3], q, 1e-6);
    assert_float_equal(tst_hours(w, 0, TS_HOURS_MEETINGS), 0.25 * voiced, 1e-6);
    double member_hours = 0.0;
    for (uint32_t j = 1; j < N_TEAM; j++) {
        double h = tst_hours(w, j, TS_HOURS_MEETINGS);
        assert_true(h == 0.0 || fabs(h - 0.25) < 1e-7);
        member_hours += h;
        assert_float_equal(ts_task_boost(w)[j], 0.1 * (2.0 * q - 1.0), 1e-6);
    }
    assert_float_equal(member_hours, 0.25 * voiced, 1e-6);
    tst_world_close(&f);
}

/* Over many decisions the share of concerns voiced is safety x trust: safety 0.5 and
 * strangers' trust T (the prior alone) give 0.5 T. */
static void test_voice_rate(void **state) {
    (void)state;
    tst_world f;
    fx_open(&f, "every: 1, concern_probability: 1, effect: 0");
    ts_world *w = &f.w;
    set_safety(w, 0.5f);
    ts_trust_params tp;
    ts_trust_params_load(f.sc, &tp);
    double expect = 0.5 * ts_trust_stranger(&tp);
    double voiced = 0.0, all = 0.0;
    for (int32_t day = 1; day <= 400; day++) {
        double v[5];
        fx_day(&f, day, v);
        voiced += v[1];
        all += v[1] + v[2];
    }
    double share = voiced / all; /* 2,800 draws: sd about 0.008 */
    print_message("voiced share %.4f, expected %.4f\n", share, expect);
    assert_float_equal(share, expect, 0.03);
    tst_world_close(&f);
}

/* No decision while the manager is on an incident; a manager without reports takes none. */
static void test_busy_and_alone(void **state) {
    (void)state;
    tst_world f;
    fx_open(&f, "every: 1, concern_probability: 1");
    ts_world *w = &f.w;
    set_safety(w, 0.0f);
    ts_busy(w)[0] = 1;
    double v[5];
    fx_day(&f, 3, v);
    assert_float_equal(v[0], 0.0, 0.0);
    ts_busy(w)[0] = 0;
    fx_day(&f, 4, v);
    assert_float_equal(v[0], 1.0, 0.0); /* only the CEO has reports */
    tst_world_close(&f);
}

/* Saving and loading the state keeps the decisions waiting to be reopened. */
static void test_state_io(void **state) {
    (void)state;
    tst_world f;
    fx_open(&f, "every: 7, concern_probability: 1, reopen_probability: 1, reopen_after: 5");
    set_safety(&f.w, 0.0f);
    double v[5];
    fx_day(&f, 7, v);
    ts_ckpt *ck = ts_ckpt_new();
    assert_non_null(ck);
    ts_error err = {0};
    ts_state_io io;
    ts_sio_begin(&io, ck, 0, "modules/decisions/", "test", &err);
    assert_int_equal(ts_module_decisions.state_io(f.st, &f.w, &io), TS_OK);
    tst_world g;
    fx_open(&g, "every: 7, concern_probability: 1, reopen_probability: 1, reopen_after: 5");
    set_safety(&g.w, 0.0f);
    ts_sio_begin(&io, ck, 1, "modules/decisions/", "test", &err);
    assert_int_equal(ts_module_decisions.state_io(g.st, &g.w, &io), TS_OK);
    fx_day(&g, 12, v); /* 7 + 5: the loaded state reopens it */
    assert_float_equal(v[4], 1.0, 0.0);
    ts_ckpt_free(ck);
    tst_world_close(&f);
    tst_world_close(&g);
}

/* Essay 002: a safe, trusting company (safety 0.85, generous priors) voices more concerns,
 * takes better decisions and reopens fewer than an unsafe, distrustful one with the same
 * people; over several seeds, each seed in the same direction. */
#define SEEDS 3
static void test_behaviour(void **state) {
    (void)state;
    const char *base = "days: 150\norg: {headcount: 60, warmup_days: 100}\n"
                       "hiring: {growth: none}\noutput: {snapshot_every: 0}\n";
    char high[512], low[512];
    snprintf(high, sizeof high,
             "%sculture: {safety: 0.85, blame: 0.05}\n"
             "trust: {prior_mean: 0.7, integrity_prior_mean: 0.9}\n",
             base);
    snprintf(low, sizeof low,
             "%sculture: {safety: 0.3, blame: 0.8}\n"
             "trust: {prior_mean: 0.45, integrity_prior_mean: 0.6}\n",
             base);
    static const char *const names[] = {"concerns_voiced_mean", "decision_quality_mean",
                                        "reopened_per_decision"};
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        double a[3], b[3];
        tst_full(high, seed * 101, TST_VALUE, names, 3, a);
        tst_full(low, seed * 101, TST_VALUE, names, 3, b);
        print_message("seed %u high: voiced %.3f quality %.3f reopened %.3f\n", (unsigned)seed,
                      a[0], a[1], a[2]);
        print_message("seed %u low : voiced %.3f quality %.3f reopened %.3f\n", (unsigned)seed,
                      b[0], b[1], b[2]);
        assert_true(a[0] > b[0] + 0.5);
        assert_true(a[1] > b[1] + 0.1);
        assert_true(a[2] < b[2] - 0.1);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formulas),       cmocka_unit_test(test_silent_team),
        cmocka_unit_test(test_voiced_team),    cmocka_unit_test(test_voice_rate),
        cmocka_unit_test(test_busy_and_alone), cmocka_unit_test(test_state_io),
        cmocka_unit_test(test_behaviour),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
