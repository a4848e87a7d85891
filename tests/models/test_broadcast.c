/* Tests of models/broadcast.c: on which days the CEO speaks, who attends, what attending
 * does to the alignment error, the observation of the CEO it gives, what it costs, the
 * broadcast_attendees metric, the scenario keys, and the behaviour over several seeds
 * (lower alignment error, more hours in meetings). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <math.h>

#include "alignment.h"
#include "shared.h"
#include "broadcast.h"
#include "engine.h"
#include "evidence.h"
#include "modules.h"
#include "test_support.h"

/* A hand-built world of `n` people, span 3 (13: CEO 0; managers 1, 2, 3; 1 -> 4 5 6,
 * 2 -> 7 8 9, 3 -> 10 11 12); two domains; no forgetting. The CEO always succeeds in
 * domain 0 and always fails in domain 1, so an observation of it is a success exactly
 * when its domain is 0. Everyone's alignment error starts at 0.3717 (the CEO's at 0). */
typedef tst_world fixture;

#define E0 0.3717f

/* The CEO always succeeds in domain 0 and always fails in domain 1 (competence 1 and 0
 * under a sharp success link). */
static void fx_open(fixture *f, const char *yaml, uint32_t n) {
    char text[256];
    snprintf(text, sizeof text, "%s%s", TST_SHARP_LINK, yaml);
    tst_world_open(f, &ts_module_broadcast, text, 2, 16, n, 3);
    for (uint32_t a = 0; a < f->w.n; a++) {
        ts_competence(&f->w)[a * 2] = ts_competence(&f->w)[a * 2 + 1] = 0.5f;
        ts_alignment(&f->w)[a] = a == f->w.root ? 0.0f : E0;
    }
    ts_competence(&f->w)[f->w.root * 2] = 1.0f;
    ts_competence(&f->w)[f->w.root * 2 + 1] = 0.0f;
    tst_world_configure(f);
}

/* One org phase on `day`, as the engine runs it: the hours ledger starts clean. */
static void fx_org(fixture *f, int32_t day) {
    tst_world_org(f, day, 8, 4242);
}

/* i's evidence about j (successes and failures per domain), zeros without a model;
 * returns whether i holds a model of j. */
static int evidence(const ts_world *w, uint32_t i, uint32_t j, float *succ, float *fail) {
    int slot = ts_relstore_find(&w->models, i, j);
    succ[0] = succ[1] = fail[0] = fail[1] = 0.0f;
    if (slot < 0) {
        return 0;
    }
    ts_belief b;
    ts_relstore_read(&w->models, i, (uint32_t)slot, w->day, &b);
    for (int d = 0; d < 2; d++) {
        succ[d] = b.alpha_e[d];
        fail[d] = b.beta_e[d];
    }
    return 1;
}

static double metric(fixture *f) {
    double v = -1.0;
    tst_world_metrics(f, &v, 1);
    return v;
}

/* Asserts that `a` attended: error down to 0.4 of E0, 1 h, and one observation of the
 * CEO of weight 0.1, a success in domain 0 or a failure in domain 1. */
static void assert_attended(const ts_world *w, uint32_t a) {
    float s[2], f[2];
    assert_float_equal(ts_alignment(w)[a], 0.4 * E0, 1e-6);
    assert_float_equal(tst_hours(w, a, TS_HOURS_MEETINGS), 1.0, 1e-9);
    assert_true(evidence(w, a, w->root, s, f));
    assert_float_equal(s[1] + f[0], 0.0, 0.0);
    assert_float_equal(s[0] + f[1], 0.1, 1e-6);
}

static void assert_absent(const ts_world *w, uint32_t a) {
    float s[2], f[2];
    assert_float_equal(ts_alignment(w)[a], E0, 0.0);
    assert_float_equal(tst_hours(w, a, TS_HOURS_MEETINGS), 0.0, 0.0);
    assert_false(evidence(w, a, w->root, s, f));
}

#define ALL14 "tactics: {broadcast: {every: 14, attendance: 1}}\n"

/* Everyone attends on day 28 (a multiple of 14) and nothing happens on day 27. */
static void test_everyone_attends(void **state) {
    (void)state;
    fixture f;
    fx_open(&f, ALL14, 13);
    fx_org(&f, 27);
    assert_float_equal(metric(&f), 0.0, 0.0);
    for (uint32_t a = 1; a < 13; a++) {
        assert_absent(&f.w, a);
    }
    assert_float_equal(tst_hours(&f.w, 0, TS_HOURS_MEETINGS), 0.0, 0.0);

    fx_org(&f, 28);
    assert_float_equal(metric(&f), 12.0, 0.0);
    assert_float_equal(tst_hours(&f.w, 0, TS_HOURS_MEETINGS), 3.0, 1e-9);
    assert_float_equal(ts_alignment(&f.w)[0], 0.0, 0.0);
    for (uint32_t a = 0; a < 13; a++) {
        if (a > 0) {
            assert_attended(&f.w, a);
        }
        assert_float_equal(tst_hours_except(&f.w, a, TS_HOURS_MEETINGS), 0.0, 0.0);
        /* The CEO learns nothing of its audience, nor do attendees of each other. */
        assert_int_equal(ts_relstore_count(&f.w.models, a), a == 0 ? 0 : 1);
    }
    /* The next day is quiet: the metric is back to 0. */
    fx_org(&f, 29);
    assert_float_equal(metric(&f), 0.0, 0.0);
    tst_world_close(&f);
}

/* The warm-up's negative days count (-14 % 14 == 0), and `every` is read. */
static void test_schedule(void **state) {
    (void)state;
    fixture f;
    fx_open(&f, "tactics: {broadcast: {every: 5, attendance: 1}}\n", 13);
    const int32_t days[] = {-7, -5, 0, 3, 10};
    const int held[] = {0, 1, 1, 0, 1};
    for (size_t k = 0; k < sizeof days / sizeof days[0]; k++) {
        fx_org(&f, days[k]);
        assert_float_equal(metric(&f), held[k] ? 12.0 : 0.0, 0.0);
        assert_float_equal(tst_hours(&f.w, 0, TS_HOURS_MEETINGS), held[k] ? 3.0 : 0.0, 0.0);
    }
    /* Three broadcasts: 0.4^3 of the error is left. */
    assert_float_equal(ts_alignment(&f.w)[7], E0 * 0.064, 1e-6);
    tst_world_close(&f);
}

/* Busy and departed people do not attend; the CEO speaks to an empty room when no one
 * comes (it still spends its 3 h), and does not speak at all when it is busy. */
static void test_busy_inactive_empty_room(void **state) {
    (void)state;
    fixture f;
    fx_open(&f, ALL14, 13);
    ts_busy(&f.w)[5] = 1;
    ts_world_remove_agent(&f.w, 12, 0);
    fx_org(&f, 14);
    assert_float_equal(metric(&f), 10.0, 0.0);
    for (uint32_t a = 1; a < 13; a++) {
        if (a == 5 || a == 12) {
            assert_absent(&f.w, a);
        } else {
            assert_attended(&f.w, a);
        }
    }
    tst_world_close(&f);

    fx_open(&f, "tactics: {broadcast: {attendance: 0}}\n", 13);
    fx_org(&f, 14);
    assert_float_equal(metric(&f), 0.0, 0.0);
    assert_float_equal(tst_hours(&f.w, 0, TS_HOURS_MEETINGS), 3.0, 1e-9);
    for (uint32_t a = 1; a < 13; a++) {
        assert_absent(&f.w, a);
    }
    tst_world_close(&f);

    fx_open(&f, ALL14, 13);
    ts_busy(&f.w)[0] = 1;
    fx_org(&f, 14);
    assert_float_equal(metric(&f), 0.0, 0.0);
    for (uint32_t a = 0; a < 13; a++) {
        assert_float_equal(tst_hours(&f.w, a, TS_HOURS_MEETINGS), 0.0, 0.0);
        assert_float_equal(ts_alignment(&f.w)[a], a == 0 ? 0.0 : E0, 0.0);
    }
    tst_world_close(&f);
}

/* Attendance 0.3717 among 2,000 people: the share attending is within 3.3 standard
 * deviations (0.0108) of it; the observation's domain is uniform (half the attendees saw
 * the CEO in domain 0, within 3.5 sd); a given day's draws are reproducible and another
 * day draws other people (both days: about p^2 = 0.138 of everyone). */
static void test_attendance_rate(void **state) {
    (void)state;
    fixture f;
    fx_open(&f, "tactics: {broadcast: {every: 1, attendance: 0.3717}}\n", 2001);
    uint32_t n = f.w.n;
    uint8_t *day1 = calloc(n, 1);
    assert_non_null(day1);
    fx_org(&f, 1);
    double att = metric(&f);
    uint32_t seen = 0, dom0 = 0;
    for (uint32_t a = 1; a < n; a++) {
        float s[2], fl[2];
        day1[a] = tst_hours(&f.w, a, TS_HOURS_MEETINGS) > 0.0;
        seen += day1[a];
        if (evidence(&f.w, a, 0, s, fl) && s[0] > 0.0f) {
            dom0++;
        }
    }
    assert_float_equal(att, (double)seen, 0.0);
    print_message("attended %u of 2000, %u saw domain 0\n", seen, dom0);
    assert_float_equal(att / 2000.0, 0.3717, 0.036);
    assert_float_equal((double)dom0 / att, 0.5, 0.06);
    /* Day 1 again: the same people. */
    for (uint32_t a = 0; a < n; a++) {
        ts_alignment(&f.w)[a] = a == 0 ? 0.0f : E0;
    }
    fx_org(&f, 1);
    for (uint32_t a = 1; a < n; a++) {
        assert_int_equal(tst_hours(&f.w, a, TS_HOURS_MEETINGS) > 0.0, day1[a]);
    }
    fx_org(&f, 2);
    uint32_t both = 0;
    for (uint32_t a = 1; a < n; a++) {
        both += day1[a] && tst_hours(&f.w, a, TS_HOURS_MEETINGS) > 0.0;
    }
    assert_float_equal(both / 2000.0, 0.3717 * 0.3717, 0.03);
    free(day1);
    tst_world_close(&f);
}

/* Keys out of range are refused; enabled: false keeps it off; the defaults. */
static void test_keys(void **state) {
    (void)state;
    const char *bad[] = {
        "tactics: {broadcast: {every: 0}}\n", "tactics: {broadcast: {every: 366}}\n",
        "tactics: {broadcast: {attendance: 1.2}}\n", "tactics: {broadcast: {attendance: -0.1}}\n"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        assert_int_equal(tst_scenario_status(bad[k], NULL), TS_ERR_SCENARIO);
    }
    ts_scenario *sc = tst_scenario("tactics: {broadcast: {enabled: false}}\n");
    assert_false(ts_scenario_section_on(sc, "tactics.broadcast"));
    ts_scenario_free(sc);
    sc = tst_scenario("tactics: {broadcast: {}}\n");
    assert_true(ts_scenario_section_on(sc, "tactics.broadcast"));
    assert_int_equal(ts_scenario_int(sc, "tactics.broadcast.every"), 14);
    assert_float_equal(ts_scenario_real(sc, "tactics.broadcast.attendance"), 0.8, 0.0);
    ts_scenario_free(sc);
}

/* Through the engine with the alignment module, by hand: drift 0.01 a day, no recovery,
 * everyone attends every 5 days. The broadcast (org) comes before the day's drift
 * (settle): days 1-4 e = 0.01 t; day 5: 0.04 * 0.4 + 0.01 = 0.026; day 9: 0.066;
 * day 10: 0.066 * 0.4 + 0.01 = 0.0364. 7 of 8 people carry it. Row 0 is the state
 * before any day ran (no warm-up). */
static void test_engine_alignment(void **state) {
    (void)state;
    ts_scenario *sc = tst_scenario("days: 10\norg: {headcount: 8, warmup_days: 0}\n"
                                   "alignment: {drift: 0.01, recovery: 0}\n"
                                   "output: {snapshot_every: 0}\n"
                                   "tactics: {broadcast: {every: 5, attendance: 1}}\n");
    const ts_module *mods[] = {&ts_module_alignment, &ts_module_broadcast};
    ts_result r;
    tst_run(sc, mods, 2, 3, 2, &r);
    const ts_series *s = ts_result_find_series(&r, "alignment_error");
    const ts_series *att = ts_result_find_series(&r, "broadcast_attendees");
    assert_non_null(s);
    assert_non_null(att);
    const double expect[] = {0.0,   0.01,  0.02,  0.03,  0.04,  0.026,
                             0.036, 0.046, 0.056, 0.066, 0.0364};
    for (int t = 0; t <= 10; t++) {
        assert_float_equal(s->values[t], 7.0 / 8.0 * expect[t], 1e-6);
        assert_float_equal(att->values[t], t > 0 && t % 5 == 0 ? 7.0 : 0.0, 0.0);
    }
    ts_result_free(&r);
    ts_scenario_free(sc);
}

/* ---- Behaviour: on vs off over several seeds ------------------------------------------ */

#define SEEDS 5

enum { B_ALIGN, B_MEET, B_N };
static const char *const b_names[B_N] = {"alignment_error", "hours_meetings"};

/* Means of the daily series over the recorded days. */
static void run_means(const char *text, uint64_t seed, double *out, void *ctx) {
    (void)ctx;
    tst_full(text, seed, TST_MEAN, b_names, B_N, out);
}

static void report(uint64_t seed, const double *a, const double *b, void *ctx) {
    (void)ctx;
    print_message("seed %u off: alignment %.4f meetings %.4f\n", (unsigned)seed, a[B_ALIGN],
                  a[B_MEET]);
    print_message("seed %u on:  alignment %.4f meetings %.4f\n", (unsigned)seed, b[B_ALIGN],
                  b[B_MEET]);
}

/* Seed 003's informal vision updates: with the defaults (every 14 days, attendance 0.8)
 * the organisation stays closer to the strategy, and pays for it in meetings. */
static void test_behaviour(void **state) {
    (void)state;
    const char *base = "days: 200\norg: {headcount: 80, warmup_days: 60}\n"
                       "domains: [design, roadmap, people, debugging]\n"
                       "output: {snapshot_every: 0}\n";
    char on[512];
    snprintf(on, sizeof on, "%stactics: {broadcast: {}}\n", base);
    double m_off[B_N], m_on[B_N];
    tst_pair(base, on, SEEDS, 104729, B_N, run_means, report, NULL, m_off, m_on);
    print_message("mean off: alignment %.4f meetings %.4f\n", m_off[B_ALIGN], m_off[B_MEET]);
    print_message("mean on:  alignment %.4f meetings %.4f\n", m_on[B_ALIGN], m_on[B_MEET]);
    assert_true(m_on[B_ALIGN] < m_off[B_ALIGN] * 0.8);
    assert_true(m_on[B_MEET] > m_off[B_MEET] + 0.03);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_everyone_attends),
        cmocka_unit_test(test_schedule),
        cmocka_unit_test(test_busy_inactive_empty_room),
        cmocka_unit_test(test_attendance_rate),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_engine_alignment),
        cmocka_unit_test(test_behaviour),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
