/* Tests of sim/scenario/scenario_get.c, the getters of a resolved scenario: typed values and
 * their defaults, what a getter of the wrong type or of an unknown key returns, sections
 * on and off, events and their fields, and the sweep's keys, values and types. Loads use
 * the small schema of tests/support/scenario_fixture.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "scenario.h"
#include "scenario_fixture.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_empty_gives_defaults(void **state) {
    (void)state;
    ts_scenario *sc = tst_sc_load_ok("");
    ts_mark m = {0};
    assert_int_equal(ts_scenario_int(sc, "days"), 365);
    assert_int_equal(ts_scenario_int(sc, "seed"), 1);
    assert_near(ts_scenario_real(sc, "trust.prior_mean"), 0.6, 1e-15);
    assert_near(ts_scenario_real(sc, "trust.review"), 0.4, 1e-15);
    assert_near(ts_scenario_real(sc, "trust.capacity"), 128.0, 0);
    assert_near(ts_scenario_real(sc, "work.stakeholders.base"), 1.0, 0);
    assert_string_equal(ts_scenario_string(sc, "work.growth"), "none");
    assert_string_equal(ts_scenario_string(sc, "note"), "plain");
    assert_int_equal(ts_scenario_bool(sc, "work.flag"), 0);
    assert_int_equal(ts_scenario_list_len(sc, "domains"), 2);
    assert_string_equal(ts_scenario_list_item(sc, "domains", 1), "roadmap");
    assert_int_equal(ts_scenario_list_len(sc, "work.schedule"), 0);
    assert_int_equal(ts_scenario_section_on(sc, "tactics.feedback"), 0);
    assert_int_equal(ts_scenario_bool(sc, "tactics.feedback.enabled"), 0);
    assert_int_equal(ts_scenario_section_on(sc, "trust"), 1);
    assert_int_equal(ts_scenario_section_on(sc, "nope"), 0);
    assert_int_equal(ts_scenario_n_events(sc), 0);
    assert_int_equal(ts_scenario_n_points(sc), 1);
    assert_int_equal(ts_scenario_n_sweep_keys(sc), 0);
    assert_string_equal(ts_scenario_name(sc), "s");
    assert_int_equal(ts_scenario_mark_of(sc, "days", &m), 1);
    assert_string_equal(m.file, "default");
    assert_int_equal(m.line, 0);
    assert_int_equal(ts_scenario_mark_of(sc, "nope", &m), 0);
    ts_scenario_free(sc);
}

static void test_wrong_type_getters(void **state) {
    (void)state;
    ts_scenario *sc = tst_sc_load_ok("days: 30\n");
    double x = 0;
    double y = 0;
    assert_int_equal(ts_scenario_int(sc, "trust.prior_mean"), 0);
    assert_true(isnan(ts_scenario_real(sc, "note")));
    assert_true(isnan(ts_scenario_real(sc, "undeclared")));
    assert_string_equal(ts_scenario_string(sc, "days"), "");
    assert_int_equal(ts_scenario_bool(sc, "days"), 0);
    assert_int_equal(ts_scenario_list_len(sc, "days"), 0);
    assert_string_equal(ts_scenario_list_item(sc, "domains", 7), "");
    ts_scenario_point(sc, "work.schedule", 0, &x, &y);
    assert_true(isnan(x) && isnan(y));
    ts_scenario_free(sc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_gives_defaults),
        cmocka_unit_test(test_wrong_type_getters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
