/* Tests of sim/scenario/scenario_parse.c, YAML applied to a scenario: dotted keys at any
 * level, keys given twice, tactics turned on and off, the `events` list (sorted, defaults
 * filled, checked), the `sweep` mapping and its named `variants`, and the paths of a --set
 * assignment. Loads use the small schema of tests/support/scenario_fixture.c. */
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

static void test_dotted_keys_at_any_level(void **state) {
    (void)state;
    ts_scenario *sc = tst_sc_load_ok("trust.prior_mean: 0.25\nwork: {stakeholders.base: 7}\n");
    assert_near(ts_scenario_real(sc, "trust.prior_mean"), 0.25, 0);
    assert_near(ts_scenario_real(sc, "work.stakeholders.base"), 7, 0);
    ts_scenario_free(sc);
}

static void test_duplicate_keys(void **state) {
    (void)state;
    tst_sc_expect_error("trust: {}\ndays: 3\ntrust: {review: 0.1}\n",
                        "s.yaml:3:1: trust: duplicate key \"trust\"");
    tst_sc_expect_error("trust:\n  review: 0.1\n  review: 0.2\n",
                        "s.yaml:3:3: trust.review: duplicate key \"review\"");
    tst_sc_expect_error("trust: {review: 0.1}\ntrust.review: 0.2\n",
                        "s.yaml:2:1: trust.review: duplicate key \"trust.review\"");
}

static void test_tactic_on_off_rules(void **state) {
    (void)state;
    ts_scenario *sc = tst_sc_load_ok("tactics: {feedback: {every: 2}}\n");
    assert_int_equal(ts_scenario_section_on(sc, "tactics.feedback"), 1);
    assert_int_equal(ts_scenario_bool(sc, "tactics.feedback.enabled"), 1);
    assert_int_equal(ts_scenario_section_on(sc, "tactics.chats"), 0);
    ts_scenario_free(sc);

    sc = tst_sc_load_ok("tactics:\n  feedback:\n");
    assert_int_equal(ts_scenario_section_on(sc, "tactics.feedback"), 1);
    assert_near(ts_scenario_real(sc, "tactics.feedback.probability"), 0.3, 0);
    ts_scenario_free(sc);

    sc = tst_sc_load_ok("tactics: {feedback: {enabled: false, every: 2}}\n");
    assert_int_equal(ts_scenario_section_on(sc, "tactics.feedback"), 0);
    assert_int_equal(ts_scenario_bool(sc, "tactics.feedback.enabled"), 0);
    ts_scenario_free(sc);

    sc = tst_sc_load_ok("tactics: {chats: false, feedback: true}\n");
    assert_int_equal(ts_scenario_section_on(sc, "tactics.chats"), 0);
    assert_int_equal(ts_scenario_section_on(sc, "tactics.feedback"), 1);
    ts_scenario_free(sc);

    sc = tst_sc_load_ok("tactics: {}\n");
    assert_int_equal(ts_scenario_section_on(sc, "tactics.feedback"), 0);
    ts_scenario_free(sc);

    /* Keys of a tactic that is off are still checked. */
    tst_sc_expect_error(
        "tactics: {feedback: {enabled: false, every: 0}}\n",
        "s.yaml:1:45: tactics.feedback.every: out of range (got 0, expected an integer "
        "in [1, 365])");

    sc = tst_sc_load_ok("");
    tst_sc_set_ok(sc, "tactics.feedback.every=3");
    assert_int_equal(ts_scenario_section_on(sc, "tactics.feedback"), 1);
    tst_sc_set_ok(sc, "tactics.chats={}");
    assert_int_equal(ts_scenario_section_on(sc, "tactics.chats"), 1);
    tst_sc_set_ok(sc, "tactics.chats.enabled=false");
    assert_int_equal(ts_scenario_section_on(sc, "tactics.chats"), 0);
    ts_scenario_free(sc);

    sc = tst_sc_load_ok("sweep: {tactics.chats.per_week: [1, 2]}\n");
    assert_int_equal(ts_scenario_section_on(sc, "tactics.chats"), 1);
    ts_scenario_free(sc);

    sc = tst_sc_load_ok("");
    tst_sc_set_ok(sc, "sweep.tactics.feedback.every=[1, 2]");
    tst_sc_set_ok(sc, "sweep.tactics.chats={per_week: [0.5]}");
    assert_int_equal(ts_scenario_section_on(sc, "tactics.chats"), 1);
    assert_int_equal(ts_scenario_n_sweep_keys(sc), 2);
    assert_string_equal(ts_scenario_sweep_key(sc, 1), "tactics.chats.per_week");
    assert_int_equal(ts_scenario_section_on(sc, "tactics.feedback"), 1);
    ts_scenario_free(sc);
}

static void test_events_sorted_and_defaults_filled(void **state) {
    (void)state;
    ts_scenario *sc = tst_sc_load_ok("domains: [design, ops]\n"
                                     "events:\n"
                                     "  - {day: 30, kind: shift, magnitude: 2.5}\n"
                                     "  - {day: 10, kind: incident, domain: ops, responders: 7}\n"
                                     "  - {kind: shift, day: 30}\n"
                                     "  - {day: 3, kind: incident}\n");
    ts_mark m = {0};
    assert_int_equal(ts_scenario_n_events(sc), 4);
    const ts_event *e0 = ts_scenario_event(sc, 0);
    const ts_event *e1 = ts_scenario_event(sc, 1);
    const ts_event *e2 = ts_scenario_event(sc, 2);
    const ts_event *e3 = ts_scenario_event(sc, 3);
    assert_int_equal(ts_event_day(e0), 3);
    assert_int_equal(ts_event_index(e0), 3);
    assert_string_equal(ts_event_string(e0, "domain"), "design");
    assert_near(ts_event_real(e0, "hours"), 2000, 0);
    assert_near(ts_event_real(e0, "responders"), 25, 0);
    assert_int_equal(ts_event_day(e1), 10);
    assert_string_equal(ts_event_string(e1, "domain"), "ops");
    assert_near(ts_event_real(e1, "responders"), 7, 0);
    assert_int_equal(ts_event_index(e2), 0);
    assert_near(ts_event_real(e2, "magnitude"), 2.5, 0);
    assert_int_equal(ts_event_index(e3), 2);
    assert_string_equal(ts_event_kind_name(e3), "shift");
    assert_near(ts_event_real(e3, "magnitude"), 0.5, 0);
    assert_true(isnan(ts_event_real(e3, "nope")));
    assert_string_equal(ts_event_string(e3, "nope"), "");
    assert_null(ts_scenario_event(sc, 4));
    assert_int_equal(ts_scenario_mark_of(sc, "events[1].responders", &m), 1);
    assert_int_equal(m.line, 4);
    assert_int_equal(m.col, 56);
    assert_int_equal(ts_scenario_mark_of(sc, "events[2]", &m), 1);
    assert_int_equal(m.line, 5);
    assert_int_equal(m.col, 5);
    assert_int_equal(ts_scenario_mark_of(sc, "events[2].day", &m), 1);
    assert_int_equal(m.col, 24);
    assert_int_equal(ts_scenario_mark_of(sc, "events[9].day", &m), 0);
    ts_scenario_free(sc);
}

static void test_event_errors(void **state) {
    (void)state;
    tst_sc_expect_error(
        "events:\n  - {day: 9, kind: incdent}\n",
        "s.yaml:2:20: events[0].kind: unknown event kind (got \"incdent\", did you mean "
        "incident?)");
    tst_sc_expect_error(
        "events:\n  - {day: 9, kind: zzzzzzzz}\n",
        "s.yaml:2:20: events[0].kind: unknown event kind (got \"zzzzzzzz\", expected one "
        "of incident, shift)");
    tst_sc_expect_error("events:\n  - {day: 9}\n",
                        "s.yaml:2:5: events[0]: missing kind (expected one of incident, shift)");
    tst_sc_expect_error(
        "events:\n  - {kind: shift}\n",
        "s.yaml:2:5: events[0]: missing day (expected the day of the event, from 1)");
    tst_sc_expect_error(
        "days: 100\nevents:\n  - {day: 9, kind: shift}\n  - {day: 101, kind: shift}\n",
        "s.yaml:4:11: events[1].day: out of range (got 101, expected a day in [1, 100])");
    tst_sc_expect_error(
        "events:\n  - {day: 0, kind: shift}\n",
        "s.yaml:2:11: events[0].day: out of range (got 0, expected an integer >= 1)");
    tst_sc_expect_error("events:\n  - {day: 9, kind: incident, respnders: 3}\n",
                        "s.yaml:2:30: events[0].respnders: unknown key (did you mean "
                        "events[0].responders?)");
    tst_sc_expect_error(
        "events:\n  - {day: 9, kind: shift, magnitude: 101}\n",
        "s.yaml:2:38: events[0].magnitude: out of range (got 101, expected a number in "
        "[0, 100])");
    tst_sc_expect_error(
        "events:\n  - 5\n",
        "s.yaml:2:5: events[0]: not a mapping (got 5, expected a mapping with day and "
        "kind)");
    tst_sc_expect_error(
        "events: {day: 1}\n",
        "s.yaml:1:9: events: not a list (got a mapping, expected a list of events such "
        "as {day: 90, kind: ...})");
    tst_sc_expect_error(
        "events:\n  - {day: 9, kind: shift}\n  - {day: 10, kind: incident, domain: x}\n",
        "s.yaml:3:39: events[1].domain: unknown domain (got x)");
    /* A field left to its default is reported at its event. */
    tst_sc_expect_error(
        "domains: [ops]\nevents:\n  - {day: 9, kind: shift}\n  - {day: 10, kind: incident}\n",
        "s.yaml:4:5: events[1].domain: unknown domain (got design)");
    /* The day check follows a --set of days. */
    ts_scenario *sc = NULL;
    ts_error err = {0};
    assert_int_equal(ts_scenario_load_string(&tst_sc_schema, "events: [{day: 50, kind: shift}]\n",
                                             "s.yaml", NULL, &sc, &err),
                     TS_OK);
    tst_sc_set_ok(sc, "days=40");
    assert_int_equal(ts_scenario_finalize(sc, &err), TS_ERR_SCENARIO);
    assert_string_equal(err.msg, "s.yaml:1:16: events[0].day: out of range (got 50, expected a "
                                 "day in [1, 40])");
    ts_scenario_free(sc);
}

static void test_sweep_errors(void **state) {
    (void)state;
    tst_sc_expect_error(
        "sweep: {domains: [[a]]}\n",
        "s.yaml:1:9: sweep.domains: cannot be swept (got a list-valued key, expected a "
        "key that takes one value)");
    tst_sc_expect_error(
        "sweep: {days: []}\n",
        "s.yaml:1:15: sweep.days: empty list (got [], expected at least one value)");
    tst_sc_expect_error("sweep: {days: 3}\n",
                        "s.yaml:1:15: sweep.days: not a list (got 3, expected a non-empty list of "
                        "values)");
    tst_sc_expect_error("sweep: {days: [1, 0]}\n",
                        "s.yaml:1:19: sweep.days: out of range (got 0, expected an integer in [1, "
                        "36500])");
    tst_sc_expect_error("sweep: {trust.prior_maen: [0.1]}\n",
                        "s.yaml:1:9: sweep.trust.prior_maen: unknown key (did you mean "
                        "sweep.trust.prior_mean?)");
    tst_sc_expect_error("sweep: [days]\n",
                        "s.yaml:1:8: sweep: not a mapping (got a list, expected key "
                        "paths with lists of values)");
    tst_sc_expect_error("sweep: {days: [1], days: [2]}\n",
                        "s.yaml:1:20: sweep.days: duplicate key \"days\"");
    /* The same key spelt two ways in one file (a file that extends another may sweep it
     * again: test_extends_merges_and_overrides). */
    tst_sc_expect_error("sweep: {trust.prior_mean: [0.1], trust: {prior_mean: [0.2]}}\n",
                        "s.yaml:1:42: sweep.trust.prior_mean: duplicate sweep key "
                        "\"trust.prior_mean\" (swept already at 1:9)");
    /* 11 x 11 x 11 x 11 x 11 = 161051 points. */
    tst_sc_expect_error(
        "sweep:\n"
        "  many.k00: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9]\n"
        "  many.k01: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9]\n"
        "  many.k02: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9]\n"
        "  many.k03: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9]\n"
        "  many.k04: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9]\n",
        "s.yaml:2:3: sweep: too many grid points (got 161051, expected at most 100000)");
    char text[2048] = "sweep:\n";
    for (int i = 0; i < 17; i++) {
        size_t used = strlen(text);
        snprintf(text + used, sizeof text - used, "  many.k%02d: [1]\n", i);
    }
    tst_sc_expect_error(
        text, "s.yaml:18:3: sweep.many.k16: too many sweep keys (got 17, expected at most 16)");
}

static void test_sweep_bool_and_string_values(void **state) {
    (void)state;
    ts_scenario *sc =
        tst_sc_load_ok("sweep: {work.flag: [true, false], note: [\"a b\", \"yes\", x]}\n");
    assert_int_equal(ts_scenario_n_points(sc), 6);
    assert_string_equal(ts_scenario_sweep_value(sc, 0, 0), "true");
    assert_string_equal(ts_scenario_sweep_value(sc, 0, 3), "false");
    assert_string_equal(ts_scenario_sweep_value(sc, 1, 0), "a b");
    assert_string_equal(ts_scenario_sweep_value(sc, 1, 1), "\"yes\"");
    assert_string_equal(ts_scenario_sweep_value(sc, 1, 2), "x");
    ts_scenario *pt = NULL;
    ts_error err = {0};
    assert_int_equal(ts_scenario_at_point(sc, 4, &pt, &err), TS_OK);
    assert_int_equal(ts_scenario_bool(pt, "work.flag"), 0);
    assert_string_equal(ts_scenario_string(pt, "note"), "yes");
    ts_scenario_free(pt);
    ts_scenario_free(sc);
}

static void test_variants_grid_order(void **state) {
    (void)state;
    /* Written after seed, the variants still vary slowest. */
    ts_scenario *sc = tst_sc_load_ok(tst_sc_variants_text);
    static const char *const names[] = {"none",  "none",  "feedback", "feedback",
                                        "chats", "chats", "tuned",    "tuned"};
    assert_int_equal(ts_scenario_n_points(sc), 8);
    assert_int_equal(ts_scenario_n_sweep_keys(sc), 2);
    assert_string_equal(ts_scenario_sweep_key(sc, 0), "variant");
    assert_string_equal(ts_scenario_sweep_key(sc, 1), "seed");
    assert_int_equal(ts_scenario_sweep_type(sc, 0), TS_PT_STRING);
    assert_int_equal(ts_scenario_sweep_type(sc, 1), TS_PT_INT);
    for (size_t g = 0; g < 8; g++) {
        assert_string_equal(ts_scenario_sweep_value(sc, 0, g), names[g]);
        assert_string_equal(ts_scenario_sweep_value(sc, 1, g), g % 2 ? "2" : "1");
    }
    assert_string_equal(ts_scenario_sweep_value(sc, 0, 8), "");
    /* The variants name no tactic of the base scenario. */
    assert_int_equal(ts_scenario_section_on(sc, "tactics.feedback"), 0);
    assert_int_equal(ts_scenario_section_on(sc, "tactics.chats"), 0);
    ts_mark m;
    assert_int_equal(ts_scenario_mark_of(sc, "sweep.variant", &m), 1);
    assert_int_equal(m.line, 4);
    assert_int_equal(m.col, 3);
    /* Variants alone: one point per variant. */
    ts_scenario *alone = tst_sc_load_ok("sweep: {variants: [{name: a}, {name: b, days: 3}]}\n");
    assert_int_equal(ts_scenario_n_points(alone), 2);
    assert_int_equal(ts_scenario_n_sweep_keys(alone), 1);
    assert_string_equal(ts_scenario_sweep_value(alone, 0, 1), "b");
    ts_scenario_free(alone);
    ts_scenario_free(sc);
}

static void test_variants_errors(void **state) {
    (void)state;
    tst_sc_expect_error(
        "sweep: {variants: [{days: 3}]}\n",
        "s.yaml:1:20: sweep.variants[0]: missing name (expected name: followed by an "
        "identifier such as fast_hiring)");
    tst_sc_expect_error(
        "sweep: {variants: [{name: a}, {name: b}, {name: a, days: 3}]}\n",
        "s.yaml:1:49: sweep.variants[2].name: duplicate name (got \"a\", expected a name "
        "unlike that of sweep.variants[0])");
    static const char bad_name[] =
        "not a name (got %s, expected [a-z][a-z0-9_]* of at most 32 characters, other than "
        "true, false, yes, no, on, off, y, n, null, nan, inf)";
    char msg[512];
    char text[128];
    static const char *const names[] = {"Fast", "yes", "\"no\"", "2x", "a-b", "[a]", "\"\""};
    static const char *const shown[] = {"\"Fast\"", "\"yes\"", "\"no\"", "\"2x\"",
                                        "\"a-b\"",  "a list",  "\"\""};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(text, sizeof text, "sweep: {variants: [{name: %s}]}\n", names[i]);
        int n = snprintf(msg, sizeof msg, "s.yaml:1:27: sweep.variants[0].name: ");
        snprintf(msg + n, sizeof msg - (size_t)n, bad_name, shown[i]);
        tst_sc_expect_error(text, msg);
    }
    tst_sc_expect_error("sweep: {variants: [{name: a, dayz: 3}]}\n",
                        "s.yaml:1:30: sweep.variants[0].dayz: unknown key (did you mean "
                        "sweep.variants[0].days?)");
    tst_sc_expect_error("sweep: {variants: [{name: a}, {name: b, tactics: {feedbak: {}}}]}\n",
                        "s.yaml:1:51: sweep.variants[1].tactics.feedbak: unknown key (did you mean "
                        "sweep.variants[1].tactics.feedback?)");
    tst_sc_expect_error(
        "sweep: {variants: [{name: a, tactics.feedback.every: 0}]}\n",
        "s.yaml:1:54: sweep.variants[0].tactics.feedback.every: out of range (got 0, "
        "expected an integer in [1, 365])");
    tst_sc_expect_error(
        "sweep: {variants: [{name: a, trust: 3}]}\n",
        "s.yaml:1:37: sweep.variants[0].trust: not a mapping (got 3, expected a mapping "
        "of trust keys)");
    tst_sc_expect_error("sweep: {variants: [{name: a, days: 3, days: 4}]}\n",
                        "s.yaml:1:39: sweep.variants[0].days: duplicate key \"days\"");
    tst_sc_expect_error("sweep: {variants: [{name: a, tactics.feedback: false,\n"
                        "                    tactics.feedback.enabled: true}]}\n",
                        "s.yaml:2:21: sweep.variants[0].tactics.feedback.enabled: duplicate key "
                        "\"tactics.feedback.enabled\"");
    tst_sc_expect_error(
        "sweep: {variants: [{name: a, events: []}]}\n",
        "s.yaml:1:30: sweep.variants[0].events: not allowed in a variant (expected key "
        "paths or sections, such as days or tactics.feedback)");
    tst_sc_expect_error(
        "sweep: {variants: [{name: a, sweep: {days: [1]}}]}\n",
        "s.yaml:1:30: sweep.variants[0].sweep: not allowed in a variant (expected key "
        "paths or sections, such as days or tactics.feedback)");
    tst_sc_expect_error(
        "sweep: {variants: [a]}\n",
        "s.yaml:1:20: sweep.variants[0]: not a mapping (got \"a\", expected a mapping with a "
        "name)");
    tst_sc_expect_error(
        "sweep: {variants: {name: a}}\n",
        "s.yaml:1:19: sweep.variants: not a list (got a mapping, expected a list of "
        "mappings such as {name: fast, days: 30})");
    tst_sc_expect_error("sweep: {variants: []}\n",
                        "s.yaml:1:19: sweep.variants: empty list (got [], expected at least one "
                        "variant)");
    tst_sc_expect_error("sweep: {variant: [{name: a}]}\n",
                        "s.yaml:1:9: sweep.variant: unknown key (did you mean sweep.variants?)");
    tst_sc_expect_error(
        "sweep: {trust: {variants: [{name: a}]}}\n",
        "s.yaml:1:17: sweep.trust.variants: unknown key (expected one of: prior_mean, "
        "delegate, review, capacity)");
    /* At most 1000 variants: their names are compared pairwise. */
    size_t cap = 1001 * 16 + 64;
    char *huge = malloc(cap);
    assert_non_null(huge);
    size_t used = (size_t)snprintf(huge, cap, "sweep: {variants: [");
    for (int i = 0; i < 1001; i++) {
        used += (size_t)snprintf(huge + used, cap - used, "{name: v%d}, ", i);
    }
    snprintf(huge + used, cap - used, "]}\n");
    tst_sc_expect_error(huge,
                        "s.yaml:1:19: sweep.variants: too many variants (got 1001, expected at "
                        "most 1000)");
    free(huge);
    /* Sixteen sweep keys and variants are one too many. */
    char many[2048] = "sweep:\n";
    for (int i = 0; i < 16; i++) {
        size_t used = strlen(many);
        snprintf(many + used, sizeof many - used, "  many.k%02d: [0]\n", i);
    }
    strcat(many, "  variants: [{name: a}]\n");
    tst_sc_expect_error(many,
                        "s.yaml:18:3: sweep.variants: too many sweep keys (got 17, expected at "
                        "most 16)");
}

/* A section takes a mapping or nothing; a tactic also true or false. */
static void test_sections_take_mappings(void **state) {
    (void)state;
    tst_sc_expect_error("tactics: {feedback: 3}\n",
                        "s.yaml:1:21: tactics.feedback: not a mapping (got 3, expected a mapping "
                        "of tactics.feedback keys, true or false)");
    tst_sc_expect_error("trust: true\n", "s.yaml:1:8: trust: not a mapping (got \"true\", expected "
                                         "a mapping of trust keys)");
    tst_sc_expect_error("work: {stakeholders: 5}\n",
                        "s.yaml:1:22: work.stakeholders: not a mapping (got 5, expected a mapping "
                        "of work.stakeholders keys)");
    /* A null section keeps its defaults; a tactic's short form may be a dotted key; a
     * section and a dotted key inside it may both be written, but not the same key. */
    ts_scenario *sc = tst_sc_load_ok("trust:\n"
                                     "tactics.chats: true\n"
                                     "tactics: {feedback: {}, feedback.every: 3}\n");
    assert_near(ts_scenario_real(sc, "trust.review"), 0.4, 0);
    assert_int_equal(ts_scenario_section_on(sc, "tactics.chats"), 1);
    assert_int_equal(ts_scenario_int(sc, "tactics.feedback.every"), 3);
    ts_scenario_free(sc);
    tst_sc_expect_error("tactics: {feedback: {every: 2}, feedback.every: 3}\n",
                        "s.yaml:1:33: tactics.feedback.every: duplicate key \"feedback.every\"");
}

/* Each event is a mapping with a day (an integer from 1) and a kind; a field once. */
static void test_event_fields_checked(void **state) {
    (void)state;
    ts_scenario *sc = tst_sc_load_ok("events:\n");
    assert_int_equal(ts_scenario_n_events(sc), 0);
    ts_scenario_free(sc);
    tst_sc_expect_error("events: [{day: 1, day: 2, kind: shift}]\n",
                        "s.yaml:1:19: events[0].day: duplicate key \"day\"");
    tst_sc_expect_error("events: [{day: 1, kind: [a]}]\n",
                        "s.yaml:1:25: events[0].kind: not a single value (got a list, expected "
                        "one of incident, shift)");
    tst_sc_expect_error("events: [{day: 1, kind: shift, zzzzzz: 1}]\n",
                        "s.yaml:1:32: events[0].zzzzzz: unknown key (expected one of: day, kind, "
                        "magnitude)");
    tst_sc_expect_error("events: [{day: x, kind: shift}]\n",
                        "s.yaml:1:16: events[0].day: not an integer (got \"x\", expected an "
                        "integer >= 1)");
}

/* Sweep keys may be written as sections; each value is kept as its YAML text. */
static void test_sweep_sections_and_texts(void **state) {
    (void)state;
    ts_scenario *sc = tst_sc_load_ok("sweep: {trust: {review: [1e-1, 0.25]},\n"
                                     "        work: {growth: [linear], flag: [True]}}\n");
    assert_int_equal(ts_scenario_n_sweep_keys(sc), 3);
    assert_string_equal(ts_scenario_sweep_key(sc, 0), "trust.review");
    assert_string_equal(ts_scenario_sweep_key(sc, 1), "work.growth");
    assert_string_equal(ts_scenario_sweep_value(sc, 0, 0), "0.1");
    assert_string_equal(ts_scenario_sweep_value(sc, 0, 1), "0.25");
    assert_string_equal(ts_scenario_sweep_value(sc, 1, 0), "linear");
    assert_string_equal(ts_scenario_sweep_value(sc, 2, 0), "true");
    ts_mark m = {0};
    assert_int_equal(ts_scenario_mark_of(sc, "sweep.trust.review", &m), 1);
    assert_int_equal(m.line, 1);
    assert_int_equal(m.col, 17);
    ts_scenario_free(sc);

    sc = tst_sc_load_ok("sweep:\n");
    assert_int_equal(ts_scenario_n_sweep_keys(sc), 0);
    assert_int_equal(ts_scenario_n_points(sc), 1);
    tst_sc_set_ok(sc, "sweep.trust={review: [0.3, 0.35]}");
    assert_string_equal(ts_scenario_sweep_key(sc, 0), "trust.review");
    assert_int_equal(ts_scenario_n_points(sc), 2);
    assert_int_equal(ts_scenario_mark_of(sc, "sweep.trust.review", &m), 1);
    assert_string_equal(m.file, "--set");
    ts_scenario_free(sc);
}

/* What a --set applies: the value of a key, a section, events, a sweep entry. */
static void test_set_assignment_paths(void **state) {
    (void)state;
    ts_scenario *sc = tst_sc_load_ok("events: [{day: 3, kind: shift}]\n");
    tst_sc_set_ok(sc, "sweep.days=[1, 2]");
    assert_int_equal(ts_scenario_n_sweep_keys(sc), 1);
    tst_sc_set_ok(sc, "events=[]");
    assert_int_equal(ts_scenario_n_events(sc), 0);
    tst_sc_set_ok(sc, "tactics.feedback=true");
    assert_int_equal(ts_scenario_section_on(sc, "tactics.feedback"), 1);
    tst_sc_set_ok(sc, "trust=");
    assert_near(ts_scenario_real(sc, "trust.review"), 0.4, 0);
    /* A later --set of the same key replaces the earlier one. */
    tst_sc_set_ok(sc, "days=3");
    tst_sc_set_ok(sc, "days=4");
    assert_int_equal(ts_scenario_int(sc, "days"), 4);
    ts_scenario_free(sc);
    tst_sc_expect_set_error("trust.review=", "--set trust.review=: trust.review: missing value "
                                             "(got nothing, expected a number in [0, 1])");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dotted_keys_at_any_level),
        cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_tactic_on_off_rules),
        cmocka_unit_test(test_events_sorted_and_defaults_filled),
        cmocka_unit_test(test_event_errors),
        cmocka_unit_test(test_sweep_errors),
        cmocka_unit_test(test_sweep_bool_and_string_values),
        cmocka_unit_test(test_variants_grid_order),
        cmocka_unit_test(test_variants_errors),
        cmocka_unit_test(test_sections_take_mappings),
        cmocka_unit_test(test_event_fields_checked),
        cmocka_unit_test(test_sweep_sections_and_texts),
        cmocka_unit_test(test_set_assignment_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
