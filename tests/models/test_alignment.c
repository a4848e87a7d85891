/* Tests of models/alignment.c: daily drift for everyone but the CEO, strategy shifts on
 * their day, the alignment_error metric, and the misalignment curve. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>

#include "alignment.h"
#include "engine.h"
#include "modules.h"
#include "shared.h"
#include "test_support.h"

static void test_drift_and_shift(void **state) {
    (void)state;
    const char *text = "days: 10\norg: {headcount: 8, warmup_days: 0}\n"
                       "alignment: {drift: 0.01, recovery: 0}\noutput: {snapshot_every: 0}\n"
                       "events: [{day: 5, kind: strategy_shift, magnitude: 0.5}]\n";
    ts_scenario *sc = tst_scenario(text);
    const ts_module *mods[] = {&ts_module_alignment};
    ts_result r;
    ts_engine *e = tst_run_engine(sc, mods, 1, 3, 2, &r);
    const ts_series *s = tst_series(&r, "alignment_error");
    /* 7 of 8 people drift 0.01 a day; from day 5 they carry the shift of 0.5 too. */
    for (int t = 0; t <= 10; t++) {
        double expect = 7.0 / 8.0 * (0.01 * t + (t >= 5 ? 0.5 : 0.0));
        assert_float_equal(s->values[t], expect, 1e-6);
    }
    const ts_world *w = ts_engine_world(e);
    assert_float_equal(ts_alignment(w)[w->root], 0.0, 0.0);
    ts_result_free(&r);
    ts_engine_free(e);
    ts_scenario_free(sc);
}

/* With recovery r the error follows e' = e + drift - r e: toward drift / r. */
static void test_recovery(void **state) {
    (void)state;
    const char *text = "days: 400\norg: {headcount: 5, warmup_days: 0}\n"
                       "alignment: {drift: 0.01, recovery: 0.2}\noutput: {snapshot_every: 0}\n";
    ts_scenario *sc = tst_scenario(text);
    const ts_module *mods[] = {&ts_module_alignment};
    ts_result r;
    ts_engine *e = tst_run_engine(sc, mods, 1, 3, 1, &r);
    const ts_series *s = ts_result_find_series(&r, "alignment_error");
    /* Day 2 by hand: 0.01, then 0.01 + 0.01 - 0.2 * 0.01 = 0.018; 4 of 5 drift. */
    assert_float_equal(s->values[1], 0.8 * 0.01, 1e-7);
    assert_float_equal(s->values[2], 0.8 * 0.018, 1e-7);
    assert_float_equal(s->values[400], 0.8 * 0.05, 1e-6);
    ts_result_free(&r);
    ts_engine_free(e);
    ts_scenario_free(sc);
}

static void test_misalignment_curve(void **state) {
    (void)state;
    assert_float_equal(ts_alignment_misalignment(0.0), 0.0, 0.0);
    assert_float_equal(ts_alignment_misalignment(0.3717), 1.0 - exp(-0.3717), 1e-12);
    assert_true(ts_alignment_misalignment(5.0) > 0.99);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drift_and_shift),
        cmocka_unit_test(test_recovery),
        cmocka_unit_test(test_misalignment_curve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
