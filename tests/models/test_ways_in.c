/* Tests of models/ways_in.c, what the four ways into closed teams share: who may approach
 * whom, how often sessions happen (whole and fractional rates), and that a day's proofs
 * of safety reach the team managers' entries of openness_earned, for every way in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "evidence.h"
#include "ways_support.h"

#include <math.h>

#include "commiserate.h"
#include "hated_tasks.h"
#include "openness.h"
#include "overview_listening.h"
#include "shared.h"
#include "trenches.h"
#include "ways_in.h"

static const struct {
    const ts_module *mod;
    double earn; /* its proof of safety per session (docs/model.md §7.12) */
} WAYS[] = {
    {&ts_module_trenches, 0.02},
    {&ts_module_hated_tasks, 0.04},
    {&ts_module_overview_listening, 0.01},
    {&ts_module_commiserate, 0.005},
};
enum { N_WAYS = sizeof WAYS / sizeof WAYS[0] };

/* By hand on the tree of tst_way_open: 3 and 4 are of different teams and neither manages
 * the other; 1 manages 3; 1 and 2 are both of team 0 (the CEO's). */
static void test_partners(void **state) {
    (void)state;
    tst_world f;
    tst_way_open(&f, &ts_module_trenches, "");
    assert_true(ts_openness_outsider_pair(&f.w, 3, 4));
    assert_true(ts_openness_outsider_pair(&f.w, 4, 3));
    assert_false(ts_openness_outsider_pair(&f.w, 1, 3)); /* busy, and 3's manager */
    ts_busy(&f.w)[1] = 0;
    assert_false(ts_openness_outsider_pair(&f.w, 1, 3));
    assert_false(ts_openness_outsider_pair(&f.w, 1, 2));
    assert_true(ts_openness_outsider_pair(&f.w, 1, 4)); /* team 0 and team 2 */
    assert_false(ts_openness_outsider_pair(&f.w, 3, 3));
    assert_false(ts_openness_outsider_pair(&f.w, 3, 5)); /* no such agent */
    ts_busy(&f.w)[4] = 1;
    assert_false(ts_openness_outsider_pair(&f.w, 3, 4));
    assert_int_equal(ts_way_in_domain(&f.w, 4), 2);
    assert_int_equal(ts_way_in_domain(&f.w, 3), 1);
    tst_world_close(&f);
}

/* per_week / 5 sessions started per person-day, whole and fractional parts, in a
 * 100-person tree (a partner is nearly always found in 8 draws): 0; 0.2 (sd of the mean
 * over 20,000 person-days 0.0028); 1 + Bernoulli(0.5) (sd 0.005 over 10,000). */
static void test_rates(void **state) {
    (void)state;
    for (int k = 0; k < N_WAYS; k++) {
        double r0 = tst_way_rate(WAYS[k].mod, "0", 20), r1 = tst_way_rate(WAYS[k].mod, "1", 200),
               r75 = tst_way_rate(WAYS[k].mod, "7.5", 100);
        print_message("%s: %.4f %.4f %.4f\n", WAYS[k].mod->name, r0, r1, r75);
        assert_true(r0 == 0.0);
        assert_true(fabs(r1 - 0.2) < 0.012);
        assert_true(fabs(r75 - 1.5) < 0.02);
    }
}

/* A day of each module's own hooks, 3 and 4 each an outsider to the other's team: each
 * session adds its proof of safety to the team manager's entry of the daily
 * openness_earned column (2 for 3's sessions, 1 for 4's), nobody else's. */
static void test_apply(void **state) {
    (void)state;
    for (int k = 0; k < N_WAYS; k++) {
        tst_world f;
        tst_way_open(&f, WAYS[k].mod, "");
        int col = ts_world_column_find(&f.w, TS_OPENNESS_EARNED_COLUMN);
        assert_true(col >= 0);
        double v;
        tst_world_org(&f, 1, 12, 4242);
        tst_world_metrics(&f, &v, 1);
        const float *earned = f.w.cols[col].data;
        print_message("%s: sessions %.0f, earned by team 1 %.4f, team 2 %.4f\n", WAYS[k].mod->name,
                      v, earned[1], earned[2]);
        assert_true(v >= 0.0 && v <= 2.0);
        assert_float_equal(earned[1] + earned[2], WAYS[k].earn * v, 1e-6);
        assert_float_equal(earned[0], 0.0, 0.0);
        assert_float_equal(earned[3] + earned[4], 0.0, 0.0);
        tst_world_close(&f);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_partners),
        cmocka_unit_test(test_rates),
        cmocka_unit_test(test_apply),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
