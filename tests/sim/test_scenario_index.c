/* Tests of sim/scenario/scenario_index.c, the key index of a scenario: lookups by path in a
 * scenario and in a bare schema, sections and optional sections, the marks of keys, event
 * fields and sweep keys (ts_scenario_mark_of) and the errors located by them
 * (ts_scenario_fail), the "unknown key" message with its suggestion or list of keys, and
 * the schema mistakes caught while the index is built. Loads use the small schema of
 * tests/support/scenario_fixture.c. */
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

static void test_unknown_keys(void **state) {
    (void)state;
    tst_sc_expect_error("tactics:\n  feedback: {probabilty: 0.5}\n",
                        "s.yaml:2:14: tactics.feedback.probabilty: unknown key (did you mean "
                        "tactics.feedback.probability?)");
    tst_sc_expect_error("dayz: 3\n", "s.yaml:1:1: dayz: unknown key (did you mean days?)");
    tst_sc_expect_error("trust:\n  zzz: 1\n",
                        "s.yaml:2:3: trust.zzz: unknown key (expected one of: "
                        "prior_mean, delegate, review, capacity)");
    tst_sc_expect_error(
        "work: {stakeholder: {base: 1}}\n",
        "s.yaml:1:8: work.stakeholder: unknown key (did you mean work.stakeholders?)");
    tst_sc_expect_error(
        "trust.prior_maen: 0.5\n",
        "s.yaml:1:1: trust.prior_maen: unknown key (did you mean trust.prior_mean?)");
    tst_sc_expect_error("qqqqqqqqqqq: 1\n",
                        "s.yaml:1:1: qqqqqqqqqqq: unknown key (expected one of: "
                        "name, days, seed, domains, note, trust, work, tactics, "
                        "many, extends, events, sweep)");
    tst_sc_expect_error(
        "trust: {enabled: false}\n",
        "s.yaml:1:9: trust.enabled: unknown key (expected one of: prior_mean, delegate, "
        "review, capacity)");
}

/* Keys are found by their full path in the schema, without a scenario, wherever their
 * section (two share "trust") and however deep their own dots. */
static void test_schema_param_lookup(void **state) {
    (void)state;
    const ts_param *p = ts_scenario_schema_param(&tst_sc_schema, "seed");
    assert_non_null(p);
    assert_ptr_equal(p, &tst_sc_top_params[2]);
    assert_near(p->max, 9007199254740991.0, 0);
    assert_ptr_equal(ts_scenario_schema_param(&tst_sc_schema, "trust.prior_mean"),
                     &tst_sc_trust_a_params[0]);
    assert_ptr_equal(ts_scenario_schema_param(&tst_sc_schema, "trust.capacity"),
                     &tst_sc_trust_b_params[1]);
    assert_ptr_equal(ts_scenario_schema_param(&tst_sc_schema, "work.stakeholders.extra"),
                     &tst_sc_work_params[4]);
    assert_ptr_equal(ts_scenario_schema_param(&tst_sc_schema, "tactics.feedback.every"),
                     &tst_sc_feedback_params[1]);
    assert_null(ts_scenario_schema_param(&tst_sc_schema, "trust"));
    assert_null(ts_scenario_schema_param(&tst_sc_schema, "work.stakeholders"));
    assert_null(ts_scenario_schema_param(&tst_sc_schema, "trusted.capacity"));
    assert_null(ts_scenario_schema_param(&tst_sc_schema, "nonsense"));
    assert_null(ts_scenario_schema_param(&tst_sc_schema, ""));
    assert_null(ts_scenario_schema_param(NULL, "seed"));
    assert_null(ts_scenario_schema_param(&tst_sc_schema, NULL));
}

static void test_fail_formats_location(void **state) {
    (void)state;
    ts_scenario *sc = tst_sc_load_ok("days: 30\ntrust:\n  review: 0.2\n");
    ts_error err = {0};
    assert_int_equal(ts_scenario_fail(sc, "trust.review", &err, "bad (got %d)", 7),
                     TS_ERR_SCENARIO);
    assert_string_equal(err.msg, "s.yaml:3:11: trust.review: bad (got 7)");
    assert_int_equal(ts_scenario_fail(sc, "trust.capacity", &err, "too small"), TS_ERR_SCENARIO);
    assert_string_equal(err.msg, "s.yaml: trust.capacity: too small");
    assert_int_equal(ts_scenario_fail(sc, "no.such.key", &err, "x"), TS_ERR_SCENARIO);
    assert_string_equal(err.msg, "s.yaml: no.such.key: x");
    ts_scenario_free(sc);
}

static void test_schema_mistakes_are_internal_errors(void **state) {
    (void)state;
    static const ts_param dup_params[] = {
        {.key = "a", .type = TS_PT_INT, .def = "1", .min = 0, .max = 9},
        {.key = "a", .type = TS_PT_INT, .def = "1", .min = 0, .max = 9},
    };
    static const ts_section dup = {.name = "x", .params = dup_params, .n_params = 2};
    static const ts_section *const dup_sections[] = {&dup};
    static const ts_schema dup_schema = {.sections = dup_sections, .n_sections = 1};
    static const ts_param bad_params[] = {
        {.key = "a", .type = TS_PT_INT, .def = "10", .min = 0, .max = 9},
    };
    static const ts_section bad = {.name = "x", .params = bad_params, .n_params = 1};
    static const ts_section *const bad_sections[] = {&bad};
    static const ts_schema bad_schema = {.sections = bad_sections, .n_sections = 1};
    ts_scenario *sc = NULL;
    ts_error err = {0};
    assert_int_equal(ts_scenario_load_string(&dup_schema, "", "s.yaml", NULL, &sc, &err),
                     TS_ERR_INTERNAL);
    assert_string_equal(err.msg, "schema: key x.a is declared twice");
    assert_int_equal(ts_scenario_load_string(&bad_schema, "", "s.yaml", NULL, &sc, &err),
                     TS_ERR_INTERNAL);
    assert_string_equal(err.msg, "schema: bad default \"10\" (x.a: out of range (got 10, expected "
                                 "an integer in [0, 9]))");
    assert_null(sc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_keys),
        cmocka_unit_test(test_schema_param_lookup),
        cmocka_unit_test(test_fail_formats_location),
        cmocka_unit_test(test_schema_mistakes_are_internal_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
