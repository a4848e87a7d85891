/* Tests of sim/scenario/scenario_yaml.c, the resolved scenario written back as YAML: its
 * layout (schema order, sections nested, tactics that are off left out or kept off, events
 * and the sweep with its variants), and that what it writes loads again to the same text,
 * awkward values and every grid point included. Loads use the small schema of
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

static void expect_round_trip(ts_scenario *sc) {
    ts_scenario *again = NULL;
    ts_error err = {0};
    char *y1 = ts_scenario_to_yaml(sc);
    assert_non_null(y1);
    ts_status st = ts_scenario_load_string(&tst_sc_schema, y1, "again.yaml", NULL, &again, &err);
    if (st == TS_OK) {
        st = ts_scenario_finalize(again, &err);
    }
    if (st != TS_OK) {
        print_error("reloading failed: %s\n--- text:\n%s", err.msg, y1);
    }
    assert_int_equal(st, TS_OK);
    char *y2 = ts_scenario_to_yaml(again);
    assert_non_null(y2);
    assert_string_equal(y1, y2);
    free(y1);
    free(y2);
    ts_scenario_free(again);
}

static void test_to_yaml_layout(void **state) {
    (void)state;
    ts_scenario *sc = tst_sc_load_ok("trust: {review: 0.25}\n"
                                     "tactics: {chats: {per_week: 2}}\n"
                                     "events: [{day: 5, kind: shift}]\n"
                                     "sweep: {trust.prior_mean: [0.1, 0.2]}\n");
    char *y = ts_scenario_to_yaml(sc);
    assert_non_null(y);
    const char *expected = "name: s\n"
                           "days: 365\n"
                           "seed: 1\n"
                           "domains: [design, roadmap]\n"
                           "note: plain\n"
                           "trust:\n"
                           "  prior_mean: 0.6\n"
                           "  delegate: 0.6\n"
                           "  review: 0.25\n"
                           "  capacity: 128\n"
                           "work:\n"
                           "  stakeholders:\n"
                           "    base: 1\n"
                           "    extra: 3\n"
                           "  growth: none\n"
                           "  schedule: []\n"
                           "  flag: false\n"
                           "tactics:\n"
                           "  chats:\n"
                           "    per_week: 2\n"
                           "many:\n";
    assert_memory_equal(y, expected, strlen(expected));
    assert_non_null(strstr(y, "  k16: 0\n"
                              "events:\n"
                              "  - {day: 5, kind: shift, magnitude: 0.5}\n"
                              "sweep:\n"
                              "  trust.prior_mean: [0.1, 0.2]\n"));
    assert_null(strstr(y, "feedback"));
    assert_null(strstr(y, "extends"));
    free(y);
    expect_round_trip(sc);
    ts_scenario_free(sc);
}

static void test_round_trip_awkward_values(void **state) {
    (void)state;
    ts_scenario *sc =
        tst_sc_load_ok("name: \"yes\"\n"
                       "note: \"a: b # c\\n\\ttab \\\"q\\\" \\\\ \\u00e9 \\x01 \\N end \"\n"
                       "trust: {prior_mean: 0.30000000000000004, review: 1e-7,\n"
                       "        delegate: 0.1}\n"
                       "work: {stakeholders.base: 33.333333333333336,\n"
                       "       schedule: [[-1.5, 2e10], [0, 0.1]]}\n"
                       "domains: [no, on, x_1]\n"
                       "tactics: {feedback: {enabled: false}, chats: {}}\n"
                       "events: [{day: 3, kind: incident, domain: no},\n"
                       "         {day: 2, kind: incident, domain: on, hours: 1.25}]\n"
                       "sweep: {note: [\"\", \"null\", \"-x\"], seed: [3]}\n");
    char *y = ts_scenario_to_yaml(sc);
    assert_non_null(strstr(y, "  prior_mean: 0.30000000000000004\n"));
    assert_non_null(strstr(y, "  review: 1e-07\n"));
    assert_non_null(strstr(y, "name: \"yes\"\n"));
    assert_non_null(strstr(y, "  chats:\n    per_week: 1\n"));
    assert_null(strstr(y, "feedback"));
    free(y);
    expect_round_trip(sc);
    ts_scenario_free(sc);
}

static void test_round_trip_off_tactic_with_sweep(void **state) {
    (void)state;
    /* The sweep names a key of a tactic that is off: the output must keep it off. */
    ts_scenario *sc = tst_sc_load_ok("tactics: {feedback: {enabled: false}}\n"
                                     "sweep: {tactics.feedback.every: [1, 2]}\n");
    assert_int_equal(ts_scenario_section_on(sc, "tactics.feedback"), 0);
    char *y = ts_scenario_to_yaml(sc);
    assert_non_null(strstr(y, "tactics:\n  feedback:\n    enabled: false\n"));
    free(y);
    expect_round_trip(sc);
    ts_scenario_free(sc);
}

static void test_round_trip_real_schema_shapes(void **state) {
    (void)state;
    ts_scenario *sc = tst_sc_load_ok("");
    ts_scenario *pt = NULL;
    ts_error err = {0};
    expect_round_trip(sc);
    tst_sc_set_ok(sc, "sweep={days: [7, 8], work.flag: [true]}");
    assert_int_equal(ts_scenario_finalize(sc, &err), TS_OK);
    expect_round_trip(sc);
    assert_int_equal(ts_scenario_at_point(sc, 1, &pt, &err), TS_OK);
    expect_round_trip(pt);
    ts_scenario_free(pt);
    ts_scenario_free(sc);
}

static void test_variants_round_trip(void **state) {
    (void)state;
    ts_scenario *sc = tst_sc_load_ok(tst_sc_variants_text);
    char *y = ts_scenario_to_yaml(sc);
    assert_non_null(y);
    /* The base keeps chats off with its per_week, so that the variant that names it
     * gets the same values after reloading. */
    assert_non_null(strstr(y, "  chats:\n    enabled: false\n    per_week: 4\n"));
    assert_null(strstr(y, "  feedback:\n"));
    assert_non_null(strstr(y, "sweep:\n"
                              "  variants:\n"
                              "    - name: none\n"
                              "    - name: feedback\n"
                              "      tactics.feedback: {}\n"
                              "    - name: chats\n"
                              "      days: 30\n"
                              "      tactics.chats: {}\n"
                              "    - name: tuned\n"
                              "      trust.prior_mean: 0.9\n"
                              "      tactics.feedback.every: 3\n"
                              "  seed: [1, 2]\n"));
    expect_round_trip(sc);
    /* Every point of the reloaded scenario is the same. */
    ts_scenario *again = tst_sc_load_ok(y);
    for (size_t g = 0; g < ts_scenario_n_points(sc); g++) {
        ts_scenario *p1 = tst_sc_point_ok(sc, g);
        ts_scenario *p2 = tst_sc_point_ok(again, g);
        char *y1 = ts_scenario_to_yaml(p1);
        char *y2 = ts_scenario_to_yaml(p2);
        assert_string_equal(y1, y2);
        free(y1);
        free(y2);
        expect_round_trip(p1);
        ts_scenario_free(p1);
        ts_scenario_free(p2);
    }
    ts_scenario_free(again);
    free(y);
    ts_scenario_free(sc);

    sc = tst_sc_load_ok("tactics: {feedback: {every: 2}}\n"
                        "sweep: {variants: [{name: a, tactics.feedback: false},\n"
                        "                   {name: b, tactics: {feedback: {enabled: true}}}]}\n");
    y = ts_scenario_to_yaml(sc);
    assert_non_null(strstr(y, "    - name: a\n      tactics.feedback.enabled: false\n"
                              "    - name: b\n      tactics.feedback.enabled: true\n"));
    free(y);
    expect_round_trip(sc);
    ts_scenario_free(sc);
}

/* Each type as YAML: lists in flow style with their strings quoted where they must be,
 * points as pairs of shortest exact reals, events sorted with every field. */
static void test_values_of_every_type(void **state) {
    (void)state;
    ts_scenario *sc = tst_sc_load_ok("domains: [a1, no]\n"
                                     "work: {schedule: [[0, 60], [365.5, 1e-3]], flag: true}\n"
                                     "note: \"a: b\"\n"
                                     "events: [{day: 9, kind: incident, domain: a1, hours: 12.5},\n"
                                     "         {day: 2, kind: shift}]\n");
    char *y = ts_scenario_to_yaml(sc);
    assert_non_null(y);
    assert_non_null(strstr(y, "\ndomains: [a1, \"no\"]\n"));
    assert_non_null(strstr(y, "\n  schedule: [[0, 60], [365.5, 0.001]]\n"));
    assert_non_null(strstr(y, "\n  flag: true\n"));
    assert_non_null(strstr(y, "\nnote: \"a: b\"\n"));
    assert_non_null(strstr(y, "\nevents:\n"
                              "  - {day: 2, kind: shift, magnitude: 0.5}\n"
                              "  - {day: 9, kind: incident, domain: a1, hours: 12.5, "
                              "responders: 25}\n"));
    free(y);
    expect_round_trip(sc);
    ts_scenario_free(sc);
    assert_null(ts_scenario_to_yaml(NULL));
}

/* A tactic without keys of its own is written as `enabled: true` when on, and left out
 * when off. */
static void test_tactic_without_keys(void **state) {
    (void)state;
    static const ts_param days_params[] = {
        {.key = "days", .type = TS_PT_INT, .def = "5", .min = 1, .max = 9},
    };
    static const ts_section top = {.name = "", .params = days_params, .n_params = 1};
    static const ts_section bare = {.name = "tactics.bare", .optional = 1};
    static const ts_section *const sections[] = {&top, &bare};
    static const ts_schema schema = {.sections = sections, .n_sections = 2};
    static const struct {
        const char *text, *yaml;
    } cases[] = {
        {"tactics: {bare: {}}\n", "days: 5\ntactics:\n  bare:\n    enabled: true\n"},
        {"tactics: {bare: false}\n", "days: 5\n"},
        {"days: 7\n", "days: 7\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ts_scenario *sc = NULL;
        ts_scenario *again = NULL;
        ts_error err = {0};
        assert_int_equal(ts_scenario_load_string(&schema, cases[i].text, "s.yaml", NULL, &sc, &err),
                         TS_OK);
        char *y = ts_scenario_to_yaml(sc);
        assert_string_equal(y, cases[i].yaml);
        assert_int_equal(ts_scenario_load_string(&schema, y, "again.yaml", NULL, &again, &err),
                         TS_OK);
        assert_int_equal(ts_scenario_section_on(again, "tactics.bare"),
                         ts_scenario_section_on(sc, "tactics.bare"));
        free(y);
        ts_scenario_free(again);
        ts_scenario_free(sc);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_to_yaml_layout),
        cmocka_unit_test(test_round_trip_awkward_values),
        cmocka_unit_test(test_round_trip_off_tactic_with_sweep),
        cmocka_unit_test(test_round_trip_real_schema_shapes),
        cmocka_unit_test(test_variants_round_trip),
        cmocka_unit_test(test_values_of_every_type),
        cmocka_unit_test(test_tactic_without_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
