/* Tests of sim/app/calibrate.c without running the model: the statistic of a target in a
 * hand-made result (a summary scalar, a daily metric's mean over a window with NaN days
 * left out, its last value), the checks the targets parser cannot make (a window past the
 * last recorded day, a scenario with a sweep), and that the library's example targets file
 * (scenarios/targets/leader_figures.yaml) parses against its scenario. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "calibrate.h"
#include "modules.h"
#include "results.h"
#include "test_support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ts_targets *parse(const ts_scenario *sc, const char *text, ts_error *err) {
    ts_calibrate_model model = {
        .schema = ts_modules_schema(), .sc = sc, .modules = ts_modules, .n_modules = ts_n_modules};
    ts_targets_model tm;
    ts_calibrate_model_init(&model, &tm);
    ts_targets *t = NULL;
    ts_status st = ts_targets_load_string(text, strlen(text), "t.yaml", &tm, &t, err);
    return st == TS_OK ? t : NULL;
}

static void test_stat(void **state) {
    (void)state;
    ts_scenario *sc = tst_scenario("days: 5\n");
    ts_error err;
    ts_targets *t =
        parse(sc,
              "targets:\n"
              "  - {metric: trust_final, value: 0.5, sd: 0.1}\n"
              "  - {metric: trust_mean, stat: mean, window: [1, 3], value: 0.5, sd: 1}\n"
              "  - {metric: trust_mean, stat: mean, value: 0.5, sd: 1}\n"
              "  - {metric: trust_mean, stat: last, value: 0.5, sd: 1}\n"
              "  - {metric: trust_mean, stat: last, window: [0, 2], value: 0.5, sd: 1}\n"
              "parameters: {culture.safety: [0.2, 0.9]}\n",
              &err);
    if (t == NULL) {
        fail_msg("%s", err.msg);
    }
    assert_int_equal(ts_calibrate_check(sc, t, &err), TS_OK);
    ts_result r;
    ts_result_init(&r);
    assert_int_equal(ts_result_add_scalar(&r, "trust_final", "", "", 0.4375), TS_OK);
    double *v = ts_result_add_series(&r, "trust_mean", "", "", 6);
    const double days[6] = {0.25, 0.5, NAN, 0.6875, 0.125, 0.8125};
    memcpy(v, days, sizeof days);
    assert_true(ts_calibrate_stat(&t->targets[0], &r) == 0.4375);
    /* Days 1 to 3, day 2 NaN: (0.5 + 0.6875) / 2. */
    assert_true(fabs(ts_calibrate_stat(&t->targets[1], &r) - 0.59375) < 1e-15);
    /* Every day but the NaN one: (0.25 + 0.5 + 0.6875 + 0.125 + 0.8125) / 5. */
    assert_true(fabs(ts_calibrate_stat(&t->targets[2], &r) - 0.475) < 1e-15);
    assert_true(ts_calibrate_stat(&t->targets[3], &r) == 0.8125);
    assert_true(isnan(ts_calibrate_stat(&t->targets[4], &r))); /* day 2 is NaN */
    ts_result_free(&r);
    /* A run without the metric gives NaN: never accepted. */
    ts_result_init(&r);
    assert_true(isnan(ts_calibrate_stat(&t->targets[0], &r)));
    assert_true(isnan(ts_calibrate_stat(&t->targets[1], &r)));
    ts_result_free(&r);
    ts_targets_free(t);
    ts_scenario_free(sc);
}

static void test_checks(void **state) {
    (void)state;
    ts_error err;
    ts_scenario *sc = tst_scenario("days: 30\n");
    ts_targets *t = parse(sc,
                          "targets:\n"
                          "  - {metric: trust_mean, stat: mean, window: [10, 31], value: 0.5, "
                          "sd: 1}\nparameters: {culture.safety: [0.2, 0.9]}\n",
                          &err);
    assert_non_null(t);
    assert_int_equal(ts_calibrate_check(sc, t, &err), TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "t.yaml:2:46: targets[0].window: window ends after the run's "
                                    "last recorded day (got day 31, expected at most days = 30)"));
    ts_scenario *swept = tst_scenario("days: 30\nsweep: {culture.blame: [0.1, 0.2]}\n");
    assert_int_equal(ts_calibrate_check(swept, t, &err), TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "the scenario has a sweep"));
    ts_scenario_free(swept);
    /* A daily metric of a tactic that is off is unknown; a summary needs no stat. */
    assert_null(parse(sc,
                      "targets:\n  - {metric: meetings_held, stat: mean, value: 1, sd: 1}\n"
                      "parameters: {culture.safety: [0.2, 0.9]}\n",
                      &err));
    assert_non_null(strstr(err.msg, "unknown metric"));
    ts_targets_free(t);
    ts_scenario_free(sc);
}

static void test_library_example(void **state) {
    (void)state;
    ts_scenario *sc = NULL;
    ts_error err;
    assert_int_equal(ts_scenario_load(ts_modules_schema(),
                                      TS_SOURCE_DIR "/scenarios/calibration.yaml", &sc, &err),
                     TS_OK);
    assert_int_equal(ts_scenario_finalize(sc, &err), TS_OK);
    ts_calibrate_model model = {
        .schema = ts_modules_schema(), .sc = sc, .modules = ts_modules, .n_modules = ts_n_modules};
    ts_targets_model tm;
    ts_calibrate_model_init(&model, &tm);
    ts_targets *t = NULL;
    ts_status st =
        ts_targets_load(TS_SOURCE_DIR "/scenarios/targets/leader_figures.yaml", &tm, &t, &err);
    if (st != TS_OK) {
        fail_msg("%s", err.msg);
    }
    assert_int_equal(ts_calibrate_check(sc, t, &err), TS_OK);
    assert_true(t->n_targets >= 3 && t->n_params >= 2);
    ts_targets_free(t);
    ts_scenario_free(sc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stat),
        cmocka_unit_test(test_checks),
        cmocka_unit_test(test_library_example),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
