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

/* Each value getter answers "nothing" for (sc, path): 0, NaN or "". */
static void expect_nothing(const ts_scenario *sc, const char *path) {
    double x = 0;
    double y = 0;
    assert_int_equal(ts_scenario_int(sc, path), 0);
    assert_true(isnan(ts_scenario_real(sc, path)));
    assert_int_equal(ts_scenario_bool(sc, path), 0);
    assert_string_equal(ts_scenario_string(sc, path), "");
    assert_int_equal(ts_scenario_list_len(sc, path), 0);
    assert_string_equal(ts_scenario_list_item(sc, path, 0), "");
    ts_scenario_point(sc, path, 0, &x, &y);
    assert_true(isnan(x) && isnan(y));
    assert_int_equal(ts_scenario_section_on(sc, path), 0);
}

/* Every getter answers a NULL scenario, event or key, or a key not declared, with its
 * "nothing" value. */
static void test_getters_of_nothing(void **state) {
    (void)state;
    expect_nothing(NULL, "days");
    assert_string_equal(ts_scenario_name(NULL), "scenario");
    assert_int_equal(ts_scenario_n_events(NULL), 0);
    assert_null(ts_scenario_event(NULL, 0));
    assert_int_equal(ts_event_day(NULL), 0);
    assert_string_equal(ts_event_kind_name(NULL), "");
    assert_true(isnan(ts_event_real(NULL, "day")));
    assert_string_equal(ts_event_string(NULL, "kind"), "");
    assert_int_equal(ts_event_index(NULL), 0);
    assert_int_equal(ts_scenario_n_points(NULL), 0);
    assert_int_equal(ts_scenario_n_sweep_keys(NULL), 0);
    assert_string_equal(ts_scenario_sweep_key(NULL, 0), "");
    assert_string_equal(ts_scenario_sweep_value(NULL, 0, 0), "");
    assert_int_equal(ts_scenario_sweep_type(NULL, 0), TS_PT_REAL);

    ts_scenario *sc = tst_sc_load_ok("");
    expect_nothing(sc, NULL);
    expect_nothing(sc, "undeclared.key");
    /* x and y may be left out. */
    ts_scenario_point(sc, "work.schedule", 0, NULL, NULL);
    ts_scenario_free(sc);
}

/* Each getter reads its own types: an integer reads as a real too, nothing else does. */
static void test_getters_across_types(void **state) {
    (void)state;
    ts_scenario *sc = tst_sc_load_ok("work: {schedule: [[1, 2]], growth: linear}\n"
                                     "tactics: {chats: {enabled: false}}\n");
    double x = 0;
    double y = 0;
    assert_near(ts_scenario_real(sc, "days"), 365, 0);
    assert_true(isnan(ts_scenario_real(sc, "work.flag")));
    assert_int_equal(ts_scenario_int(sc, "trust.review"), 0);
    assert_string_equal(ts_scenario_string(sc, "work.growth"), "linear");
    assert_int_equal(ts_scenario_list_len(sc, "work.schedule"), 1);
    assert_string_equal(ts_scenario_list_item(sc, "work.schedule", 0), "");
    ts_scenario_point(sc, "work.schedule", 0, &x, &y);
    assert_near(x, 1, 0);
    assert_near(y, 2, 0);
    ts_scenario_point(sc, "domains", 0, &x, &y);
    assert_true(isnan(x) && isnan(y));
    ts_scenario_point(sc, "work.schedule", 1, &x, NULL);
    assert_true(isnan(x));
    /* A tactic named but off: present, and `enabled` reads false. */
    assert_int_equal(ts_scenario_section_on(sc, "tactics.chats"), 0);
    assert_int_equal(ts_scenario_bool(sc, "tactics.chats.enabled"), 0);
    /* A section that is not a tactic is on when the schema declares it. */
    assert_int_equal(ts_scenario_section_on(sc, "many"), 1);
    assert_int_equal(ts_scenario_section_on(sc, "tactics"), 0);
    ts_scenario_free(sc);
}

/* An event's day and kind read as fields too; fields read by their own type. */
static void test_event_fields(void **state) {
    (void)state;
    ts_scenario *sc = tst_sc_load_ok("events: [{day: 12, kind: incident, responders: 4}]\n");
    const ts_event *ev = ts_scenario_event(sc, 0);
    assert_near(ts_event_real(ev, "day"), 12, 0);
    assert_string_equal(ts_event_string(ev, "kind"), "incident");
    assert_string_equal(ts_event_kind_name(ev), "incident");
    assert_near(ts_event_real(ev, "responders"), 4, 0);
    assert_near(ts_event_real(ev, "hours"), 2000, 0);
    assert_true(isnan(ts_event_real(ev, "domain")));
    assert_string_equal(ts_event_string(ev, "responders"), "");
    assert_true(isnan(ts_event_real(ev, NULL)));
    assert_string_equal(ts_event_string(ev, NULL), "");
    assert_null(ts_scenario_event(sc, 1));
    ts_scenario_free(sc);
}

/* Before finalize the number of points is the grid's size; sweep getters out of range
 * answer "" (and a real type), the variants read as a string key. */
static void test_sweep_getters(void **state) {
    (void)state;
    ts_scenario *sc = NULL;
    ts_error err = {0};
    assert_int_equal(ts_scenario_load_string(&tst_sc_schema,
                                             "sweep: {days: [1, 2, 3], seed: [4, 5]}\n", "s.yaml",
                                             NULL, &sc, &err),
                     TS_OK);
    assert_int_equal(ts_scenario_n_points(sc), 6);
    assert_int_equal(ts_scenario_finalize(sc, &err), TS_OK);
    assert_int_equal(ts_scenario_n_points(sc), 6);
    /* g = 3: days[3 / 2 % 3] = days[1], seed[3 % 2] = seed[1]. */
    assert_string_equal(ts_scenario_sweep_value(sc, 0, 3), "2");
    assert_string_equal(ts_scenario_sweep_value(sc, 1, 3), "5");
    assert_string_equal(ts_scenario_sweep_value(sc, 2, 0), "");
    assert_string_equal(ts_scenario_sweep_value(sc, 0, 6), "");
    assert_int_equal(ts_scenario_sweep_type(sc, 1), TS_PT_INT);
    assert_int_equal(ts_scenario_sweep_type(sc, 2), TS_PT_REAL);
    ts_scenario_free(sc);
    sc = tst_sc_load_ok(tst_sc_variants_text);
    assert_int_equal(ts_scenario_sweep_type(sc, 0), TS_PT_STRING);
    ts_scenario_free(sc);
}

/* The name: the `name` key, else the file's stem, else "scenario". */
static void test_name_fallbacks(void **state) {
    (void)state;
    ts_scenario *sc = tst_sc_load_ok("name: given\n");
    assert_string_equal(ts_scenario_name(sc), "given");
    ts_scenario_free(sc);
    sc = tst_sc_load_ok("");
    assert_string_equal(ts_scenario_name(sc), "s");
    ts_scenario_free(sc);
    ts_error err = {0};
    sc = NULL;
    assert_int_equal(ts_scenario_load_string(&tst_sc_schema, "", "<text>", NULL, &sc, &err), TS_OK);
    assert_string_equal(ts_scenario_name(sc), "scenario");
    ts_scenario_free(sc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_gives_defaults), cmocka_unit_test(test_wrong_type_getters),
        cmocka_unit_test(test_getters_of_nothing),   cmocka_unit_test(test_getters_across_types),
        cmocka_unit_test(test_event_fields),         cmocka_unit_test(test_sweep_getters),
        cmocka_unit_test(test_name_fallbacks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
