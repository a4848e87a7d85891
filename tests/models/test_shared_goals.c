/* Tests of models/shared_goals.c: the parameters and the objective gap by hand, the joint
 * planning's hours (only in the recorded run, only with several departments), and over
 * several seeds of the full model: fewer disputed decisions and more trust between
 * departments than without. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <math.h>

#include "departments.h"
#include "evidence.h"
#include "modules.h"
#include "shared_goals.h"
#include "shared.h"
#include "test_support.h"

static void test_load_and_gap(void **state) {
    (void)state;
    ts_scenario *sc = tst_scenario("tactics: {shared_goals: {gap_cut: 0.25, hours_per_week: 2}}\n");
    ts_shared_goals g;
    ts_shared_goals_load(sc, &g);
    assert_int_equal(g.on, 1);
    assert_float_equal(g.gap_cut, 0.25, 0.0);
    assert_float_equal(g.hours_day, 0.4, 1e-7);
    assert_float_equal(ts_shared_goals_gap(&g, 0.4), 0.3, 1e-12);
    ts_scenario_free(sc);
    sc = tst_scenario("days: 10\n");
    ts_shared_goals_load(sc, &g);
    assert_int_equal(g.on, 0);
    assert_float_equal(ts_shared_goals_gap(&g, 0.4), 0.4, 0.0);
    assert_float_equal(g.goodwill + g.credit + g.hours_day, 0.0, 0.0);
    ts_scenario_free(sc);
}

/* 15 people, span 2, departments by hand as in test_understanding.c. */
static void open_world(tst_world *f, const char *yaml) {
    tst_world_open(f, &ts_module_shared_goals, yaml, 4, 64, 15, 2);
    ts_error err;
    uint32_t idx;
    const uint8_t none = TS_DEPT_NONE;
    assert_int_equal(ts_shared_register(&f->w, &err), TS_OK); /* as the modules before it do */
    assert_int_equal(
        ts_world_column_add(&f->w, TS_DEPT_COLUMN, sizeof(uint8_t), 0, &none, &idx, &err), TS_OK);
    uint8_t *d = f->w.cols[idx].data;
    for (uint32_t a = 0; a < f->w.n; a++) {
        d[a] = (uint8_t)(a % 2);
    }
    tst_world_configure(f);
}

static void test_planning_hours(void **state) {
    (void)state;
    tst_world f;
    open_world(&f, "org: {departments: [a, b], department_split: [[0.5, 0.5], [1, 0.5]]}\n"
                   "tactics: {shared_goals: {hours_per_week: 1, goodwill: 0}}\n");
    tst_world_org(&f, 0, 6, 5); /* the warm-up: none */
    for (uint32_t a = 0; a < f.w.n; a++) {
        assert_float_equal(tst_hours(&f.w, a, TS_HOURS_MEETINGS), 0.0, 0.0);
    }
    tst_world_org(&f, 1, 6, 5);
    for (uint32_t a = 0; a < f.w.n; a++) {
        assert_float_equal(tst_hours(&f.w, a, TS_HOURS_MEETINGS), 0.2, 1e-6);
    }
    tst_world_close(&f);
    open_world(&f, "tactics: {shared_goals: {hours_per_week: 1}}\n");
    tst_world_org(&f, 1, 6, 5); /* one department: none */
    for (uint32_t a = 0; a < f.w.n; a++) {
        assert_float_equal(tst_hours(&f.w, a, TS_HOURS_MEETINGS), 0.0, 0.0);
    }
    tst_world_close(&f);
}

#define BASE                                                                                       \
    "days: 150\ndomains: [design, roadmap, people, debugging]\n"                                   \
    "output: {snapshot_every: 0}\n"                                                                \
    "org: {headcount: 80, warmup_days: 80, departments: [tech, biz], "                             \
    "department_split: [[0.5, 0.3], [1, 0.8]], cross_department_prior: 0.3}\n"

static void test_over_seeds(void **state) {
    (void)state;
    const char *names[] = {"trust_between_departments", "disputed_decisions",
                           "cross_department_decisions"};
    for (uint64_t seed = 1; seed <= 3; seed++) {
        double none[3], with[3];
        tst_full(BASE, seed, TST_NANMEAN, names, 3, none);
        tst_full(BASE "tactics: {shared_goals: {}}\n", seed, TST_NANMEAN, names, 3, with);
        assert_true(with[0] > none[0]);
        /* Disputes per cross-department decision fall with half the objective gap. */
        assert_true(with[1] / with[2] < 0.9 * none[1] / none[2]);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_and_gap),
        cmocka_unit_test(test_planning_hours),
        cmocka_unit_test(test_over_seeds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
