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
#include "scenario_index.h"

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

/* The index of the fixture's schema: 34 declared keys in schema order, then the implicit
 * `enabled` key of each of its two optional sections. */
static void test_index_of_the_schema(void **state) {
    (void)state;
    ts_scenario *sc = tst_sc_load_ok("");
    assert_int_equal(sc->n_keys, 36);
    assert_int_equal(sc_find_key(sc, "name"), 0);
    assert_int_equal(sc_find_key(sc, "trust.delegate"), 6);
    assert_int_equal(sc_find_key(sc, "work.stakeholders.extra"), 11);
    assert_int_equal(sc_find_key(sc, "trust.review"), 12);
    assert_int_equal(sc_find_key(sc, "many.k16"), 33);
    assert_int_equal(sc_find_key(sc, "tactics.feedback.enabled"), 34);
    assert_int_equal(sc_find_key(sc, "tactics.chats.enabled"), 35);
    assert_int_equal(sc_find_key(sc, "trust"), -1);
    assert_int_equal(sc_find_key(sc, "trust.review.x"), -1);
    assert_int_equal(sc_find_key(sc, ""), -1);
    assert_int_equal(sc->keys[34].is_enabled, 1);
    assert_int_equal(sc->keys[34].opt, 0);
    assert_int_equal(sc->keys[15].opt, 0);
    assert_int_equal(sc->keys[16].opt, 1);
    assert_int_equal(sc->keys[12].opt, -1);
    assert_int_equal(sc->opt_enabled[1], 35);

    /* Every proper dotted prefix once, sorted. */
    static const char *const prefixes[] = {
        "many",  "tactics", "tactics.chats",    "tactics.feedback",
        "trust", "work",    "work.stakeholders"};
    assert_int_equal(sc->n_prefixes, 7);
    for (size_t i = 0; i < 7; i++) {
        assert_string_equal(sc->prefixes[i], prefixes[i]);
        assert_int_equal(sc_is_prefix(sc, prefixes[i]), 1);
    }
    assert_int_equal(sc_is_prefix(sc, "work.growth"), 0);
    assert_int_equal(sc_is_prefix(sc, "wor"), 0);
    assert_int_equal(sc_is_prefix(sc, ""), 0);

    assert_int_equal(sc->n_opt, 2);
    assert_int_equal(sc_opt_exact(sc, "tactics.feedback"), 0);
    assert_int_equal(sc_opt_exact(sc, "tactics.chats"), 1);
    assert_int_equal(sc_opt_exact(sc, "tactics"), -1);
    assert_int_equal(sc_opt_exact(sc, "tactics.feedback.every"), -1);
    assert_int_equal(sc_opt_of(sc, "tactics.feedback.every"), 0);
    assert_int_equal(sc_opt_of(sc, "tactics.chats"), 1);
    assert_int_equal(sc_opt_of(sc, "tactics.feedbackx"), -1);
    assert_int_equal(sc_opt_of(sc, "tactics"), -1);
    assert_int_equal(sc_opt_of(sc, "trust.review"), -1);

    /* Defaults are read at build time, from no source and in layer 0. */
    assert_int_equal(sc->vals[1].i, 365);
    assert_int_equal(sc->vals[1].mark.src, 0);
    assert_int_equal(sc->vals[1].layer, 0);
    assert_near(sc->kind_defs[0][1].r, 2000, 0);

    /* Naming something inside an optional section makes it present (and so on). */
    assert_int_equal(ts_scenario_section_on(sc, "tactics.chats"), 0);
    sc_touch(sc, "tactics.chats.per_week");
    assert_int_equal(sc->opt_present[1], 1);
    assert_int_equal(sc->opt_present[0], 0);
    assert_int_equal(ts_scenario_section_on(sc, "tactics.chats"), 1);
    ts_scenario_free(sc);
}

/* Marks of event fields (a field left to its default at its event) and of sweep keys, and
 * errors located by them. */
static void test_marks_of_events_and_sweep(void **state) {
    (void)state;
    ts_scenario *sc = tst_sc_load_ok("events:\n"
                                     "  - {day: 4, kind: incident, hours: 10}\n"
                                     "sweep: {days: [5, 6]}\n");
    static const struct {
        const char *path;
        int line, col;
    } marks[] = {
        {"events[0]", 2, 5},        {"events[0].day", 2, 11},       {"events[0].kind", 2, 20},
        {"events[0].hours", 2, 37}, {"events[0].responders", 2, 5}, {"sweep.days", 3, 9},
    };
    ts_mark m = {0};
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
        assert_int_equal(ts_scenario_mark_of(sc, marks[i].path, &m), 1);
        assert_string_equal(m.file, "s.yaml");
        assert_int_equal(m.line, marks[i].line);
        assert_int_equal(m.col, marks[i].col);
    }
    static const char *const unmarked[] = {"events[0].nope", "events[1]", "events[x]",
                                           "events[0]x",     "events[0",  "sweep.seed",
                                           "sweep.",         "trust"};
    for (size_t i = 0; i < sizeof unmarked / sizeof unmarked[0]; i++) {
        assert_int_equal(ts_scenario_mark_of(sc, unmarked[i], &m), 0);
    }
    assert_int_equal(ts_scenario_mark_of(sc, "days", NULL), 1);
    assert_int_equal(ts_scenario_mark_of(NULL, "days", &m), 0);
    assert_int_equal(ts_scenario_mark_of(sc, NULL, &m), 0);

    ts_error err = {0};
    assert_int_equal(ts_scenario_fail(sc, "events[0].hours", &err, "too many (got %d)", 10),
                     TS_ERR_SCENARIO);
    assert_string_equal(err.msg, "s.yaml:2:37: events[0].hours: too many (got 10)");
    ts_scenario_fail(sc, "sweep.days", &err, "bad");
    assert_string_equal(err.msg, "s.yaml:3:9: sweep.days: bad");
    assert_int_equal(ts_scenario_fail(NULL, "trust", &err, "bad"), TS_ERR_SCENARIO);
    assert_string_equal(err.msg, "trust: invalid scenario");
    ts_scenario_free(sc);
}

/* A mapping with more than 12 keys is not listed; the keys a sweep lists are those that
 * take one value; top-level words outside the schema are suggested too. */
static void test_unknown_key_lists(void **state) {
    (void)state;
    tst_sc_expect_error("many: {zzzzzz: 1}\n", "s.yaml:1:8: many.zzzzzz: unknown key");
    tst_sc_expect_error("work: {zzz: 1}\n",
                        "s.yaml:1:8: work.zzz: unknown key (expected one of: stakeholders, "
                        "growth, schedule, flag)");
    tst_sc_expect_error("sweep: {work: {zzz: [1]}}\n",
                        "s.yaml:1:16: sweep.work.zzz: unknown key (expected one of: "
                        "stakeholders, growth, flag)");
    tst_sc_expect_set_error("sweep.work.zzz=[1]",
                            "--set sweep.work.zzz=[1]: sweep.work.zzz: unknown key (expected one "
                            "of: name, days, seed, note, trust, work, tactics, many, variants)");
    tst_sc_expect_error("event: []\n", "s.yaml:1:1: event: unknown key (did you mean events?)");
    tst_sc_expect_error("extend: a.yaml\n",
                        "s.yaml:1:1: extend: unknown key (did you mean extends?)");
}

/* Loading with a faulty schema is an internal error naming the fault, with no scenario. */
static void expect_schema_error(const ts_schema *schema, const char *msg) {
    ts_scenario *sc = NULL;
    ts_error err = {0};
    assert_int_equal(ts_scenario_load_string(schema, "", "s.yaml", NULL, &sc, &err),
                     TS_ERR_INTERNAL);
    assert_null(sc);
    assert_string_equal(err.msg, msg);
}

static void test_more_schema_mistakes(void **state) {
    (void)state;
    static const ts_param nested_params[] = {
        {.key = "a", .type = TS_PT_INT, .def = "1", .max = 9},
        {.key = "a.b", .type = TS_PT_INT, .def = "1", .max = 9},
    };
    static const ts_section nested = {.name = "x", .params = nested_params, .n_params = 2};
    static const ts_section *const nested_sections[] = {&nested};
    static const ts_schema nested_schema = {.sections = nested_sections, .n_sections = 1};
    expect_schema_error(&nested_schema, "schema: x.a is both a key and a section");

    static const ts_param hiding_params[] = {
        {.key = "events.x", .type = TS_PT_INT, .def = "1", .max = 9},
    };
    static const ts_section hiding = {.name = "", .params = hiding_params, .n_params = 1};
    static const ts_section *const hiding_sections[] = {&hiding};
    static const ts_schema hiding_schema = {.sections = hiding_sections, .n_sections = 1};
    expect_schema_error(&hiding_schema, "schema: key events.x hides events");

    static const ts_param unnamed_params[] = {
        {.key = "", .type = TS_PT_INT, .def = "1", .max = 9},
    };
    static const ts_section unnamed = {.name = "x", .params = unnamed_params, .n_params = 1};
    static const ts_section *const unnamed_sections[] = {&unnamed};
    static const ts_schema unnamed_schema = {.sections = unnamed_sections, .n_sections = 1};
    expect_schema_error(&unnamed_schema, "schema: section \"x\" has a key without a name");

    static const ts_param unparsable_params[] = {
        {.key = "a", .type = TS_PT_STRLIST, .def = "[1", .max = 9},
    };
    static const ts_section unparsable = {.name = "x", .params = unparsable_params, .n_params = 1};
    static const ts_section *const unparsable_sections[] = {&unparsable};
    static const ts_schema unparsable_schema = {.sections = unparsable_sections, .n_sections = 1};
    expect_schema_error(&unparsable_schema,
                        "schema: x.a: bad default \"[1\" (syntax error: did not find expected "
                        "',' or ']' (while parsing a flow sequence))");

    /* An event field's default is checked too. */
    static const ts_param field_params[] = {
        {.key = "n", .type = TS_PT_INT, .def = "99", .max = 9},
    };
    static const ts_event_kind kind = {.kind = "k", .params = field_params, .n_params = 1};
    static const ts_event_kind *const kinds[] = {&kind};
    /* With a section of keys (a schema without dotted keys has no section prefixes, a case
     * the loader's index sorts as an empty NULL array, which UBSan refuses). */
    static const ts_param good_params[] = {{.key = "a", .type = TS_PT_INT, .def = "1", .max = 9}};
    static const ts_section good = {.name = "x", .params = good_params, .n_params = 1};
    static const ts_section *const kind_sections[] = {&good};
    static const ts_schema kind_schema = {
        .sections = kind_sections, .n_sections = 1, .event_kinds = kinds, .n_event_kinds = 1};
    expect_schema_error(&kind_schema, "schema: bad default \"99\" (n: out of range (got 99, "
                                      "expected an integer in [0, 9]))");

    /* Two optional sections of one name are one tactic with one `enabled`. */
    static const ts_param first_params[] = {{.key = "a", .type = TS_PT_INT, .def = "1", .max = 9}};
    static const ts_param second_params[] = {{.key = "b", .type = TS_PT_INT, .def = "2", .max = 9}};
    static const ts_section first = {
        .name = "tactics.t", .optional = 1, .params = first_params, .n_params = 1};
    static const ts_section second = {
        .name = "tactics.t", .optional = 1, .params = second_params, .n_params = 1};
    static const ts_section *const split_sections[] = {&first, &second};
    static const ts_schema split_schema = {.sections = split_sections, .n_sections = 2};
    ts_scenario *sc = NULL;
    ts_error err = {0};
    assert_int_equal(
        ts_scenario_load_string(&split_schema, "tactics: {t: {b: 3}}\n", "s.yaml", NULL, &sc, &err),
        TS_OK);
    assert_int_equal(sc->n_opt, 1);
    assert_int_equal(sc->n_keys, 3);
    assert_int_equal(sc_find_key(sc, "tactics.t.enabled"), 2);
    assert_int_equal(ts_scenario_section_on(sc, "tactics.t"), 1);
    assert_int_equal(ts_scenario_int(sc, "tactics.t.b"), 3);
    ts_scenario_free(sc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_keys),
        cmocka_unit_test(test_schema_param_lookup),
        cmocka_unit_test(test_fail_formats_location),
        cmocka_unit_test(test_schema_mistakes_are_internal_errors),
        cmocka_unit_test(test_index_of_the_schema),
        cmocka_unit_test(test_marks_of_events_and_sweep),
        cmocka_unit_test(test_unknown_key_lists),
        cmocka_unit_test(test_more_schema_mistakes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
