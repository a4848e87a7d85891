/* Tests of models/overview_listening.c: who takes part, what one session sends to whom
 * (hand-checked messages), how often sessions happen, and the behaviour over the full model with
 * teams closed by technical debt (docs/model.md §7.11). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <math.h>

#include "overview_listening.h"
#include "engine.h"
#include "evidence.h"
#include "openness.h"
#include "shared.h"
#include "test_support.h"

typedef tst_world fix;

static void setup_fix(fix *f, const char *extra) {
    char text[512];
    snprintf(text, sizeof text, TST_SHARP_LINK "tactics: {overview_listening: {per_week: 5%s}}\n",
             extra);
    tst_world_open(f, &ts_module_overview_listening, text, 4, 64, 0, 0);
    assert_true(ts_engine_module_on(&ts_module_overview_listening, f->sc));
    f->w.warmup_days = 100;
    f->w.seed = 4242;
    tst_world_configure(f);
}

/* The tree 0 -> 1, 2; 1 -> 3; 2 -> 4 (teams: 0 of 0, 1 and 2; 1 of 3; 2 of 4), everyone
 * but 3 and 4 busy, so that 3's only possible partner is 4 (of team 2, whose domain is
 * 2 % 4 = 2). 3 succeeds at everything, 4 fails at everything (a sharp link). */
static void small_tree(fix *f) {
    ts_world *w = &f->w;
    ts_error err;
    uint32_t id;
    const uint32_t mgr[5] = {TS_NO_AGENT, 0, 0, 1, 2};
    for (uint32_t a = 0; a < 5; a++) {
        assert_int_equal(ts_world_add_agent(w, mgr[a], -100, &id, &err), TS_OK);
    }
    for (uint32_t d = 0; d < 4; d++) {
        w->competence[3 * 4 + d] = 0.8f;
        w->competence[4 * 4 + d] = 0.2f;
    }
    ts_error e2;
    assert_int_equal(ts_module_overview_listening.grow(f->st, w, &e2), TS_OK);
    for (uint32_t a = 0; a < 3; a++) {
        ts_busy(w)[a] = 1;
    }
}

/* Runs 3's act on days 1, 2, ... until it holds a session (it finds 4 with probability
 * 1 - (4/5)^8 = 0.83 a day); returns the messages. */
static void act_until_session(fix *f, tst_msgs *m) {
    for (int32_t day = 1; day <= 30; day++) {
        f->w.day = day;
        ts_emit e = tst_msgs_emit(m, 3, 1, day, f->w.seed);
        void *row = ts_module_overview_listening.act_row(f->st, 3);
        assert_int_equal(ts_module_overview_listening.act(f->st, &f->w, 3, row, &e), TS_OK);
        if (m->buf.n > 0) {
            return;
        }
    }
    fail_msg("no session in 30 days");
}

static void test_partners(void **state) {
    (void)state;
    fix f;
    setup_fix(&f, "");
    small_tree(&f);
    /* By hand: 3 and 4 are of different teams and neither manages the other. */
    assert_true(ts_openness_outsider_pair(&f.w, 3, 4));
    assert_true(ts_openness_outsider_pair(&f.w, 4, 3));
    assert_false(ts_openness_outsider_pair(&f.w, 1, 3)); /* busy, and 3's manager */
    ts_busy(&f.w)[1] = 0;
    assert_false(ts_openness_outsider_pair(&f.w, 1, 3)); /* 3's manager */
    assert_false(ts_openness_outsider_pair(&f.w, 1, 2)); /* both of team 0 */
    assert_true(ts_openness_outsider_pair(&f.w, 1, 4));  /* team 0 and team 2 */
    assert_false(ts_openness_outsider_pair(&f.w, 3, 3));
    assert_false(ts_openness_outsider_pair(&f.w, 3, 5)); /* no such agent */
    ts_busy(&f.w)[4] = 1;
    assert_false(ts_openness_outsider_pair(&f.w, 3, 4));
    tst_world_close(&f);
}

/* One overview (3 asks 4), by hand, with team 2's openness at 0.25: 3 sees 4 fail in
 * domain 2 with weight 1 x 0.25 and warms to it by 0.03; 4, heard out, warms to 3 by
 * 0.08; team 2 gets a proof of safety of 0.01; an hour of meetings each. */
static void test_session(void **state) {
    (void)state;
    fix f;
    setup_fix(&f, "");
    small_tree(&f);
    int col = ts_world_column_find(&f.w, TS_OPENNESS_COLUMN);
    assert_true(col >= 0);
    ((float *)f.w.cols[col].data)[2] = 0.25f;
    tst_msgs m = {0};
    act_until_session(&f, &m);
    ts_msg x;
    assert_int_equal(m.buf.n, 6);
    x = tst_msgs_only(&m, 3, TS_MK_OBSERVE);
    assert_int_equal(x.about, 4);
    assert_int_equal(x.domain, 2);
    assert_int_equal(x.flags, 0);
    assert_float_equal(x.w, 0.25, 1e-6);
    x = tst_msgs_only(&m, 3, TS_MK_GOODWILL);
    assert_int_equal(x.about, 4);
    assert_float_equal(x.w, 0.03, 1e-6);
    x = tst_msgs_only(&m, 4, TS_MK_GOODWILL);
    assert_int_equal(x.about, 3);
    assert_float_equal(x.w, 0.08, 1e-6);
    x = tst_msgs_only(&m, 3, TS_MK_HOURS);
    assert_int_equal(x.domain, TS_HOURS_MEETINGS);
    assert_float_equal(x.w, 1.0, 1e-6);
    x = tst_msgs_only(&m, 4, TS_MK_HOURS);
    assert_int_equal(x.domain, TS_HOURS_MEETINGS);
    assert_float_equal(x.w, 1.0, 1e-6);
    x = tst_msgs_only(&m, 2, TS_MK_MODULE_BASE);
    assert_float_equal(x.w, 0.01, 1e-6);
    assert_int_equal(tst_msgs_count(&m, 4, TS_MK_OBSERVE, NULL), 0);
    tst_msgs_free(&m);
    tst_world_close(&f);
}

/* Applied: a day of the module's own hooks, 3 and 4 each an outsider to the other's
 * team. Each session adds its proof of safety (0.01) to the team manager's entry of the
 * daily openness_earned column: 2 for 3's sessions, 1 for 4's. */
static void test_apply(void **state) {
    (void)state;
    fix f;
    setup_fix(&f, "");
    small_tree(&f);
    int col = ts_world_column_find(&f.w, TS_OPENNESS_EARNED_COLUMN);
    assert_true(col >= 0);
    double v;
    tst_world_org(&f, 1, 12, 4242);
    tst_world_metrics(&f, &v, 1);
    const float *earned = f.w.cols[col].data;
    print_message("sessions %.0f, earned by team 1 %.4f, team 2 %.4f\n", v, earned[1], earned[2]);
    assert_true(v >= 0.0 && v <= 2.0);
    assert_float_equal(earned[1] + earned[2], 0.01 * v, 1e-6);
    assert_float_equal(earned[0], 0.0, 0.0);
    tst_world_close(&f);
}

/* Rates: per_week / 5 sessions started per person-day, whole and fractional parts, in a
 * 100-person tree (a partner is nearly always found in 8 draws). */
static double mean_rate(const char *per_week, int days) {
    fix f;
    char text[256];
    snprintf(text, sizeof text, "tactics: {overview_listening: {per_week: %s}}\n", per_week);
    tst_world_open(&f, &ts_module_overview_listening, text, 4, 64, 0, 0);
    f.w.warmup_days = 100;
    tst_world_configure(&f);
    ts_error err;
    assert_int_equal(ts_world_build_tree(&f.w, 100, 7, -100, &err), TS_OK);
    double held = 0.0, v;
    for (int day = 1; day <= days; day++) {
        tst_world_org(&f, day, 12, 99);
        tst_world_metrics(&f, &v, 1);
        held += v;
    }
    tst_world_close(&f);
    return held / (100.0 * days);
}

static void test_rates(void **state) {
    (void)state;
    double r0 = mean_rate("0", 20), r1 = mean_rate("1", 200), r75 = mean_rate("7.5", 100);
    print_message("sessions per person-day: %.4f %.4f %.4f\n", r0, r1, r75);
    assert_true(r0 == 0.0);
    /* 0.2 a day; sd of the mean sqrt(0.16 / 20000) = 0.0028. */
    assert_true(fabs(r1 - 0.2) < 0.012);
    /* 1 + Bernoulli(0.5); sd of the mean sqrt(0.25 / 10000) = 0.005. */
    assert_true(fabs(r75 - 1.5) < 0.02);
}

/* ---- Behaviour over the full model ---------------------------------------------- */

#define SEEDS 3

/* Teams closed by heavy technical debt: the tactic against none, seed by seed. */
static void test_behaviour(void **state) {
    (void)state;
    const char *base = "days: 150\ndomains: [design, roadmap, people, debugging]\n"
                       "org: {headcount: 100, warmup_days: 100}\nhiring: {growth: none}\n"
                       "culture: {blame: 0.4}\nwork: {tech_debt: {mean: 0.3, sd: 0.15}}\n"
                       "openness: {}\noutput: {snapshot_every: 0}\n";
    char on[768];
    snprintf(on, sizeof on, "%stactics: {overview_listening: {}}\n", base);
    const char *names[] = {"team_openness", "goodwill_mean", "hours_meetings", "overviews_held"};
    enum { N = sizeof names / sizeof names[0] };
    double mon[N] = {0}, moff[N] = {0}, von[N], voff[N];
    for (uint64_t k = 1; k <= SEEDS; k++) {
        tst_full(on, k * 7919, TST_MEAN, names, N, von);
        tst_full(base, k * 7919, TST_MEAN, names, N - 1, voff);
        for (size_t i = 0; i < N; i++) {
            print_message("seed %u %s: on %.4f off %.4f\n", (unsigned)k, names[i], von[i],
                          i < N - 1 ? voff[i] : 0.0);
            mon[i] += von[i] / SEEDS;
            moff[i] += i < N - 1 ? voff[i] / SEEDS : 0.0;
        }
    }
    /* About 10 overviews a day among 100 people (0.5 a week each), an hour each side: 0.2 h
     * of meetings per person-day; teams open up and goodwill rises. */
    assert_true(mon[3] > 7.0 && mon[3] < 13.0);
    assert_true(mon[2] > moff[2] + 0.1);
    assert_true(mon[0] > moff[0] + 0.05);
    assert_true(mon[1] > moff[1]);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_partners),  cmocka_unit_test(test_session),
        cmocka_unit_test(test_apply),     cmocka_unit_test(test_rates),
        cmocka_unit_test(test_behaviour),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
