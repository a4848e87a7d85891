/* Tests of sim/scenario/scenario.c (and its YAML helpers, sim/scenario/yamlio.c): loading, type and
 * range checks with exact positions, extends, --set, tactics on/off, events, the sweep grid and its
 * named variants, the resolved YAML output and hostile input, against a small schema defined here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "scenario.h"
#include "yamlio.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* cmocka 1.1 compares floats as float; this compares doubles and shows both. */
static void check_near(double got, double want, double eps, const char *file, int line) {
    if (!(fabs(got - want) <= eps)) {
        print_error("%s:%d: got %.17g, expected %.17g (+- %g)\n", file, line, got, want, eps);
        fail();
    }
}
#define assert_near(got, want, eps) check_near((got), (want), (eps), __FILE__, __LINE__)

/* ---- The test schema ------------------------------------------------------------------ */

static const ts_param top_params[] = {
    {.key = "name",
     .type = TS_PT_STRING,
     .def = "",
     .min = 0,
     .max = 64,
     .units = "text",
     .format = TS_PF_STEM},
    {.key = "days", .type = TS_PT_INT, .def = "365", .min = 1, .max = 36500, .units = "days"},
    {.key = "seed", .type = TS_PT_INT, .def = "1", .min = 0, .max = 9007199254740991.0},
    {.key = "domains",
     .type = TS_PT_STRLIST,
     .def = "[design, roadmap]",
     .min = 1,
     .max = 8,
     .units = "names"},
    {.key = "note", .type = TS_PT_STRING, .def = "plain", .min = 0, .max = 4096},
};
static const ts_section top_section = {.name = "", .params = top_params, .n_params = 5};

/* Two sections share the name "trust", as the engine and a module do. */
static const ts_param trust_a_params[] = {
    {.key = "prior_mean",
     .type = TS_PT_REAL,
     .def = "0.6",
     .min = 0,
     .max = 1,
     .units = "probability"},
    {.key = "delegate", .type = TS_PT_REAL, .def = "0.6", .min = 0, .max = 1, .units = "score"},
};
static const ts_section trust_a = {.name = "trust", .params = trust_a_params, .n_params = 2};

static const ts_param trust_b_params[] = {
    {.key = "review", .type = TS_PT_REAL, .def = "0.4", .min = 0, .max = 1, .units = "score"},
    {.key = "capacity", .type = TS_PT_INT, .def = "128", .min = 4, .max = 4096},
};
static const ts_section trust_b = {.name = "trust", .params = trust_b_params, .n_params = 2};

static const ts_param work_params[] = {
    {.key = "stakeholders.base", .type = TS_PT_REAL, .def = "1", .min = 0, .max = 100},
    {.key = "growth", .type = TS_PT_ENUM, .def = "none", .choices = "none|linear|exponential"},
    {.key = "schedule", .type = TS_PT_POINTS, .def = "[]", .min = 0, .max = 10},
    {.key = "flag", .type = TS_PT_BOOL, .def = "false"},
    {.key = "stakeholders.extra", .type = TS_PT_INT, .def = "3", .min = 0, .max = 10},
};
static const ts_section work_section = {.name = "work", .params = work_params, .n_params = 5};

static const ts_param feedback_params[] = {
    {.key = "probability",
     .type = TS_PT_REAL,
     .def = "0.3",
     .min = 0,
     .max = 1,
     .units = "probability"},
    {.key = "every", .type = TS_PT_INT, .def = "7", .min = 1, .max = 365},
};
static const ts_section feedback_section = {
    .name = "tactics.feedback", .optional = 1, .params = feedback_params, .n_params = 2};

static const ts_param chats_params[] = {
    {.key = "per_week", .type = TS_PT_REAL, .def = "1", .min = 0, .max = 35},
};
static const ts_section chats_section = {
    .name = "tactics.chats", .optional = 1, .params = chats_params, .n_params = 1};

/* Seventeen integers, to reach the limit of sixteen sweep keys. */
static const ts_param many_params[] = {
    {.key = "k00", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k01", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k02", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k03", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k04", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k05", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k06", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k07", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k08", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k09", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k10", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k11", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k12", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k13", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k14", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k15", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k16", .type = TS_PT_INT, .def = "0", .max = 9},
};
static const ts_section many_section = {.name = "many", .params = many_params, .n_params = 17};

static const ts_section *const test_sections[] = {&top_section, &trust_a,          &work_section,
                                                  &trust_b,     &feedback_section, &chats_section,
                                                  &many_section};

static const ts_param incident_params[] = {
    {.key = "domain", .type = TS_PT_STRING, .def = "design", .min = 0, .max = 32},
    {.key = "hours", .type = TS_PT_REAL, .def = "2000", .min = 1, .max = 1e9},
    {.key = "responders", .type = TS_PT_INT, .def = "25", .min = 1, .max = 1000},
};
static const ts_event_kind incident_kind = {
    .kind = "incident", .params = incident_params, .n_params = 3};
static const ts_param shift_params[] = {
    {.key = "magnitude", .type = TS_PT_REAL, .def = "0.5", .min = 0, .max = 100},
};
static const ts_event_kind shift_kind = {.kind = "shift", .params = shift_params, .n_params = 1};
static const ts_event_kind *const test_kinds[] = {&incident_kind, &shift_kind};

static ts_status validate_thresholds(const ts_scenario *sc, ts_error *err) {
    double review = ts_scenario_real(sc, "trust.review");
    double delegate = ts_scenario_real(sc, "trust.delegate");
    if (review > delegate) {
        return ts_scenario_fail(sc, "trust.review", err,
                                "must not exceed trust.delegate (got %g, expected <= %g)", review,
                                delegate);
    }
    return TS_OK;
}

static ts_status validate_domains(const ts_scenario *sc, ts_error *err) {
    for (size_t i = 0; i < ts_scenario_n_events(sc); i++) {
        const ts_event *ev = ts_scenario_event(sc, i);
        const char *domain = ts_event_string(ev, "domain");
        int known = strcmp(ts_event_kind_name(ev), "incident") != 0;
        for (size_t d = 0; d < ts_scenario_list_len(sc, "domains"); d++) {
            known |= strcmp(ts_scenario_list_item(sc, "domains", d), domain) == 0;
        }
        if (!known) {
            char path[64];
            snprintf(path, sizeof path, "events[%zu].domain", ts_event_index(ev));
            return ts_scenario_fail(sc, path, err, "unknown domain (got %s)", domain);
        }
    }
    return TS_OK;
}

static const ts_validate_fn test_validators[] = {validate_thresholds, validate_domains};

static const ts_schema test_schema = {
    .sections = test_sections,
    .n_sections = sizeof test_sections / sizeof test_sections[0],
    .event_kinds = test_kinds,
    .n_event_kinds = 2,
    .validators = test_validators,
    .n_validators = 2,
};

/* ---- Helpers ---------------------------------------------------------------------------- */

/* Loads text as "s.yaml" and finalizes; fails the test on any error. */
static ts_scenario *load_ok(const char *text) {
    ts_error err = {0};
    ts_scenario *sc = NULL;
    ts_status st = ts_scenario_load_string(&test_schema, text, "s.yaml", NULL, &sc, &err);
    if (st == TS_OK) {
        st = ts_scenario_finalize(sc, &err);
    }
    if (st != TS_OK) {
        print_error("unexpected error: %s\n", err.msg);
    }
    assert_int_equal(st, TS_OK);
    return sc;
}

/* Loading text as "s.yaml" (then finalizing) fails with exactly this message. */
static void expect_error(const char *text, const char *msg) {
    ts_error err = {0};
    ts_scenario *sc = NULL;
    ts_status st = ts_scenario_load_string(&test_schema, text, "s.yaml", NULL, &sc, &err);
    if (st == TS_OK) {
        st = ts_scenario_finalize(sc, &err);
        ts_scenario_free(sc);
    } else {
        assert_null(sc);
    }
    assert_int_equal(st, TS_ERR_SCENARIO);
    assert_int_equal(err.status, TS_ERR_SCENARIO);
    assert_string_equal(err.msg, msg);
}

/* Applying --set to an empty scenario fails with exactly this message. */
static void expect_set_error(const char *assignment, const char *msg) {
    ts_error err = {0};
    ts_scenario *sc = load_ok("");
    assert_int_equal(ts_scenario_set(sc, assignment, &err), TS_ERR_SCENARIO);
    assert_string_equal(err.msg, msg);
    ts_scenario_free(sc);
}

static ts_scenario *set_ok(ts_scenario *sc, const char *assignment) {
    ts_error err = {0};
    ts_status st = ts_scenario_set(sc, assignment, &err);
    if (st != TS_OK) {
        print_error("unexpected error: %s\n", err.msg);
    }
    assert_int_equal(st, TS_OK);
    return sc;
}

static void tmp_path(char *buf, size_t cap, const char *name) {
    snprintf(buf, cap, "%s/scenario/%s", TS_TEST_TMPDIR, name);
}

static void write_file(const char *name, const void *data, size_t len) {
    char path[1024];
    char dir[1024];
    mkdir(TS_TEST_TMPDIR, 0777);
    snprintf(dir, sizeof dir, "%s/scenario", TS_TEST_TMPDIR);
    mkdir(dir, 0777);
    snprintf(dir, sizeof dir, "%s/scenario/sub", TS_TEST_TMPDIR);
    mkdir(dir, 0777);
    tmp_path(path, sizeof path, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void write_text(const char *name, const char *text) {
    write_file(name, text, strlen(text));
}

/* ---- Defaults ------------------------------------------------------------------------ */

static void test_empty_gives_defaults(void **state) {
    (void)state;
    ts_scenario *sc = load_ok("");
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

static void test_comment_only_and_null_document(void **state) {
    (void)state;
    ts_scenario *sc = load_ok("# nothing here\n\n");
    assert_int_equal(ts_scenario_int(sc, "days"), 365);
    ts_scenario_free(sc);
    sc = load_ok("---\n...\n");
    assert_int_equal(ts_scenario_int(sc, "days"), 365);
    ts_scenario_free(sc);
}

static void test_wrong_type_getters(void **state) {
    (void)state;
    ts_scenario *sc = load_ok("days: 30\n");
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

static void test_values_and_marks(void **state) {
    (void)state;
    ts_scenario *sc = load_ok("days: 730\n"
                              "trust:\n"
                              "  prior_mean: 0.3717\n"
                              "work: {stakeholders: {base: 2.5}, growth: linear, flag: true,\n"
                              "       schedule: [[0, 60], [365, 180.5]]}\n"
                              "domains: [a1, b_2, c]\n"
                              "seed: 9007199254740991\n"
                              "note: 'it''s'\n"
                              "work.stakeholders.extra: 1e0\n");
    ts_mark m = {0};
    double x = 0;
    double y = 0;
    assert_int_equal(ts_scenario_int(sc, "days"), 730);
    assert_near(ts_scenario_real(sc, "trust.prior_mean"), 0.3717, 0);
    assert_near(ts_scenario_real(sc, "work.stakeholders.base"), 2.5, 0);
    assert_int_equal(ts_scenario_int(sc, "work.stakeholders.extra"), 1);
    assert_string_equal(ts_scenario_string(sc, "work.growth"), "linear");
    assert_int_equal(ts_scenario_bool(sc, "work.flag"), 1);
    assert_int_equal(ts_scenario_list_len(sc, "work.schedule"), 2);
    ts_scenario_point(sc, "work.schedule", 1, &x, &y);
    assert_near(x, 365, 0);
    assert_near(y, 180.5, 0);
    assert_int_equal(ts_scenario_list_len(sc, "domains"), 3);
    assert_string_equal(ts_scenario_list_item(sc, "domains", 2), "c");
    assert_true(ts_scenario_int(sc, "seed") == INT64_C(9007199254740991));
    assert_string_equal(ts_scenario_string(sc, "note"), "it's");
    assert_int_equal(ts_scenario_mark_of(sc, "trust.prior_mean", &m), 1);
    assert_string_equal(m.file, "s.yaml");
    assert_int_equal(m.line, 3);
    assert_int_equal(m.col, 15);
    assert_int_equal(ts_scenario_mark_of(sc, "work.growth", &m), 1);
    assert_int_equal(m.line, 4);
    assert_int_equal(m.col, 43);
    ts_scenario_free(sc);
}

/* ---- Type and range errors, with exact positions ------------------------------------ */

static void test_type_errors(void **state) {
    (void)state;
    expect_error(
        "days: ten\n",
        "s.yaml:1:7: days: not an integer (got \"ten\", expected an integer in [1, 36500])");
    expect_error("seed: 0\ndays: 3.5\n",
                 "s.yaml:2:7: days: not an integer (got 3.5, expected an integer in [1, 36500])");
    expect_error("trust:\n  prior_mean: \"0.5\"\n",
                 "s.yaml:2:15: trust.prior_mean: not a number (got \"0.5\", expected a "
                 "probability in [0, 1])");
    expect_error("trust: {review: abc}\n",
                 "s.yaml:1:17: trust.review: not a number (got \"abc\", expected a number in [0, "
                 "1])");
    expect_error("work: {flag: yes}\n",
                 "s.yaml:1:14: work.flag: not a boolean (got \"yes\", expected true or false)");
    expect_error("days:\n", "s.yaml:1:6: days: missing value (got nothing, expected an integer "
                            "in [1, 36500])");
    expect_error("days: 0x10\n", "s.yaml:1:7: days: not an integer (got \"0x10\", expected an "
                                 "integer in [1, 36500])");
    expect_error("work:\n  growth: bogus\n",
                 "s.yaml:2:11: work.growth: unknown choice (got \"bogus\", expected one of none, "
                 "linear, exponential)");
    expect_error("work:\n  growth: lineer\n",
                 "s.yaml:2:11: work.growth: unknown choice (got \"lineer\", did you mean linear?)");
}

static void test_shape_errors(void **state) {
    (void)state;
    expect_error("trust: 5\n",
                 "s.yaml:1:8: trust: not a mapping (got 5, expected a mapping of trust keys)");
    expect_error("trust:\n  - 1\n",
                 "s.yaml:2:3: trust: not a mapping (got a list, expected a mapping of trust keys)");
    expect_error("trust: {prior_mean: {a: 1}}\n",
                 "s.yaml:1:21: trust.prior_mean: not a single value (got a mapping, expected a "
                 "probability in [0, 1])");
    expect_error("days: [1]\n", "s.yaml:1:7: days: not a single value (got a list, expected an "
                                "integer in [1, 36500])");
    expect_error("domains: design\n",
                 "s.yaml:1:10: domains: not a list (got \"design\", expected a list of 1 to 8 "
                 "unique names)");
    expect_error("domains: []\n", "s.yaml:1:10: domains: too few items (got 0, expected a list of "
                                  "1 to 8 unique names)");
    expect_error("domains: [a, b, c, d, e, f, g, h, i]\n",
                 "s.yaml:1:10: domains: too many items (got 9, expected a list of 1 to 8 unique "
                 "names)");
    expect_error("domains: [a, b, a]\n",
                 "s.yaml:1:17: domains: duplicate name (got \"a\", expected unique names)");
    expect_error("domains: [a, Big]\n",
                 "s.yaml:1:14: domains: not an identifier (got \"Big\", expected "
                 "[a-z][a-z0-9_]* of at most 32 characters)");
    expect_error("domains: [a, [b]]\n",
                 "s.yaml:1:14: domains: not an identifier (got a list, expected [a-z][a-z0-9_]* "
                 "of at most 32 characters)");
    expect_error("work: {schedule: [[0, 1], [0, 2]]}\n",
                 "s.yaml:1:28: work.schedule: x not increasing (got 0 after 0, expected x values "
                 "in increasing order)");
    expect_error("work: {schedule: [[0, 1, 2]]}\n",
                 "s.yaml:1:19: work.schedule: not a pair (got a list of 3, expected [x, y])");
    expect_error("work: {schedule: [[0, x]]}\n",
                 "s.yaml:1:23: work.schedule: not a number (got \"x\", expected a number)");
    expect_error("{[1]: 2}\n", "s.yaml:1:2: keys must be names (got a list, expected a key name)");
}

static void test_range_errors(void **state) {
    (void)state;
    expect_error("trust:\n  prior_mean: 1.5\n",
                 "s.yaml:2:15: trust.prior_mean: out of range (got 1.5, expected a probability in "
                 "[0, 1])");
    expect_error("trust: {capacity: 2}\n",
                 "s.yaml:1:19: trust.capacity: out of range (got 2, expected an integer in [4, "
                 "4096])");
    expect_error("days: 0\n",
                 "s.yaml:1:7: days: out of range (got 0, expected an integer in [1, 36500])");
    expect_error("days: -5\n",
                 "s.yaml:1:7: days: out of range (got -5, expected an integer in [1, 36500])");
    expect_error("days: 99999999999999999999\n",
                 "s.yaml:1:7: days: out of range (got 99999999999999999999, expected an integer "
                 "in [1, 36500])");
    expect_error("days: 1e19\n",
                 "s.yaml:1:7: days: out of range (got 1e19, expected an integer in [1, 36500])");
    expect_error("seed: 9007199254740992\n",
                 "s.yaml:1:7: seed: out of range (got 9007199254740992, expected an integer in "
                 "[0, 9007199254740991])");
    expect_error("name: abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcde\n",
                 "s.yaml:1:7: name: too long (got 65 characters, expected at most 64)");
}

static void test_int_accepts_integral_forms_real_accepts_ints(void **state) {
    (void)state;
    ts_scenario *sc = load_ok("days: 1.2e2\ntrust: {prior_mean: 1, review: 0}\nseed: +7\n");
    assert_int_equal(ts_scenario_int(sc, "days"), 120);
    assert_int_equal(ts_scenario_int(sc, "seed"), 7);
    assert_near(ts_scenario_real(sc, "trust.prior_mean"), 1.0, 0);
    assert_near(ts_scenario_real(sc, "trust.review"), 0.0, 0);
    ts_scenario_free(sc);
    /* Underflow reads as zero, which is in range. */
    sc = load_ok("trust: {review: 1e-400}\n");
    assert_true(ts_scenario_real(sc, "trust.review") < 1e-300);
    ts_scenario_free(sc);
}

static void test_nonfinite_numbers(void **state) {
    (void)state;
    expect_error("trust: {prior_mean: .nan}\n",
                 "s.yaml:1:21: trust.prior_mean: not a finite number (got .nan, expected a "
                 "probability in [0, 1])");
    expect_error("trust: {prior_mean: -.inf}\n",
                 "s.yaml:1:21: trust.prior_mean: not a finite number (got -.inf, expected a "
                 "probability in [0, 1])");
    expect_error("days: NaN\n", "s.yaml:1:7: days: not a finite number (got NaN, expected an "
                                "integer in [1, 36500])");
    expect_error("trust: {prior_mean: 1e400}\n",
                 "s.yaml:1:21: trust.prior_mean: out of range (got 1e400, expected a probability "
                 "in [0, 1])");
}

/* ---- Unknown and duplicate keys, syntax ------------------------------------------------ */

static void test_unknown_keys(void **state) {
    (void)state;
    expect_error("tactics:\n  feedback: {probabilty: 0.5}\n",
                 "s.yaml:2:14: tactics.feedback.probabilty: unknown key (did you mean "
                 "tactics.feedback.probability?)");
    expect_error("dayz: 3\n", "s.yaml:1:1: dayz: unknown key (did you mean days?)");
    expect_error("trust:\n  zzz: 1\n", "s.yaml:2:3: trust.zzz: unknown key (expected one of: "
                                       "prior_mean, delegate, review, capacity)");
    expect_error("work: {stakeholder: {base: 1}}\n",
                 "s.yaml:1:8: work.stakeholder: unknown key (did you mean work.stakeholders?)");
    expect_error("trust.prior_maen: 0.5\n",
                 "s.yaml:1:1: trust.prior_maen: unknown key (did you mean trust.prior_mean?)");
    expect_error("qqqqqqqqqqq: 1\n", "s.yaml:1:1: qqqqqqqqqqq: unknown key (expected one of: "
                                     "name, days, seed, domains, note, trust, work, tactics, "
                                     "many, extends, events, sweep)");
    expect_error("trust: {enabled: false}\n",
                 "s.yaml:1:9: trust.enabled: unknown key (expected one of: prior_mean, delegate, "
                 "review, capacity)");
}

static void test_dotted_keys_at_any_level(void **state) {
    (void)state;
    ts_scenario *sc = load_ok("trust.prior_mean: 0.25\nwork: {stakeholders.base: 7}\n");
    assert_near(ts_scenario_real(sc, "trust.prior_mean"), 0.25, 0);
    assert_near(ts_scenario_real(sc, "work.stakeholders.base"), 7, 0);
    ts_scenario_free(sc);
}

static void test_duplicate_keys(void **state) {
    (void)state;
    expect_error("trust: {}\ndays: 3\ntrust: {review: 0.1}\n",
                 "s.yaml:3:1: trust: duplicate key \"trust\"");
    expect_error("trust:\n  review: 0.1\n  review: 0.2\n",
                 "s.yaml:3:3: trust.review: duplicate key \"review\"");
    expect_error("trust: {review: 0.1}\ntrust.review: 0.2\n",
                 "s.yaml:2:1: trust.review: duplicate key \"trust.review\"");
}

static void test_syntax_errors(void **state) {
    (void)state;
    expect_error("days: 3\ntrust:\n  review: 0.1\nfoo bar\nx: 1\n",
                 "s.yaml:5:1: trust: syntax error: could not find expected ':' (while scanning a "
                 "simple "
                 "key)");
    expect_error("days: [1, 2\n",
                 "s.yaml:2:1: days: syntax error: did not find expected ',' or ']' "
                 "(while parsing a flow sequence)");
    expect_error("a: b\n---\nc: d\n", "s.yaml:2:1: more than one document (expected a single YAML "
                                      "document) (got \"---\")");
}

static void test_top_level_must_be_mapping(void **state) {
    (void)state;
    expect_error("- a\n- b\n", "s.yaml:1:1: expected a mapping at the top level (got a list)");
    expect_error("hello\n", "s.yaml:1:1: expected a mapping at the top level (got \"hello\")");
    expect_error("42\n", "s.yaml:1:1: expected a mapping at the top level (got 42)");
}

static void test_anchors_aliases_tags_refused(void **state) {
    (void)state;
    expect_error("days: &d 3\nseed: *d\n", "s.yaml:1:7: days: anchors are not supported (got &d)");
    expect_error("seed: *d\n", "s.yaml:1:7: seed: aliases are not supported (got *d)");
    expect_error("note: !!str 3\n",
                 "s.yaml:1:7: note: tags are not supported (got tag:yaml.org,2002:str)");
}

/* ---- extends ------------------------------------------------------------------------------ */

static ts_status load_file(const char *name, ts_scenario **sc, ts_error *err) {
    char path[1024];
    tmp_path(path, sizeof path, name);
    ts_status st = ts_scenario_load(&test_schema, path, sc, err);
    if (st == TS_OK) {
        st = ts_scenario_finalize(*sc, err);
        if (st != TS_OK) {
            ts_scenario_free(*sc);
            *sc = NULL;
        }
    }
    return st;
}

static void test_extends_merges_and_overrides(void **state) {
    (void)state;
    ts_scenario *sc = NULL;
    ts_error err = {0};
    write_text("base.yaml", "days: 100\n"
                            "trust: {prior_mean: 0.2, review: 0.3}\n"
                            "domains: [a, b, c]\n"
                            "tactics: {feedback: {every: 3}}\n"
                            "events: [{day: 5, kind: shift}]\n"
                            "sweep: {seed: [1, 2], days: [10, 20]}\n");
    write_text("sub/child.yaml", "extends: ../base.yaml\n"
                                 "trust: {review: 0.1}\n"
                                 "domains: [z]\n"
                                 "sweep: {days: [30]}\n");
    assert_int_equal(load_file("sub/child.yaml", &sc, &err), TS_OK);
    assert_int_equal(ts_scenario_int(sc, "days"), 100);
    assert_near(ts_scenario_real(sc, "trust.prior_mean"), 0.2, 0);
    assert_near(ts_scenario_real(sc, "trust.review"), 0.1, 0);
    assert_int_equal(ts_scenario_list_len(sc, "domains"), 1);
    assert_string_equal(ts_scenario_list_item(sc, "domains", 0), "z");
    assert_int_equal(ts_scenario_section_on(sc, "tactics.feedback"), 1);
    assert_int_equal(ts_scenario_int(sc, "tactics.feedback.every"), 3);
    assert_int_equal(ts_scenario_n_events(sc), 1);
    assert_int_equal(ts_scenario_n_sweep_keys(sc), 2);
    assert_string_equal(ts_scenario_sweep_key(sc, 1), "days");
    assert_int_equal(ts_scenario_n_points(sc), 2);
    assert_string_equal(ts_scenario_name(sc), "child");
    ts_mark m = {0};
    assert_int_equal(ts_scenario_mark_of(sc, "days", &m), 1);
    assert_non_null(strstr(m.file, "sub/../base.yaml"));
    assert_int_equal(m.line, 1);
    assert_int_equal(m.col, 7);
    ts_scenario_free(sc);
}

static void test_extends_replaces_lists_and_events(void **state) {
    (void)state;
    ts_scenario *sc = NULL;
    ts_error err = {0};
    write_text("base2.yaml", "events: [{day: 5, kind: shift}, {day: 6, kind: shift}]\n");
    write_text("child2.yaml", "extends: base2.yaml\nevents: [{day: 7, kind: incident}]\n");
    assert_int_equal(load_file("child2.yaml", &sc, &err), TS_OK);
    assert_int_equal(ts_scenario_n_events(sc), 1);
    assert_int_equal(ts_event_day(ts_scenario_event(sc, 0)), 7);
    ts_scenario_free(sc);
}

static void test_extends_errors(void **state) {
    (void)state;
    ts_scenario *sc = NULL;
    ts_error err = {0};
    char path[1024];
    char expected[8192];

    write_text("missing.yaml", "days: 3\nextends: nowhere.yaml\n");
    tmp_path(path, sizeof path, "missing.yaml");
    assert_int_equal(load_file("missing.yaml", &sc, &err), TS_ERR_SCENARIO);
    assert_null(sc);
    snprintf(expected, sizeof expected,
             "%s:2:10: extends: cannot open \"nowhere.yaml\" (No such file or directory)", path);
    assert_string_equal(err.msg, expected);

    write_text("cyc_a.yaml", "extends: cyc_b.yaml\n");
    write_text("cyc_b.yaml", "days: 2\nextends: cyc_a.yaml\n");
    assert_int_equal(load_file("cyc_a.yaml", &sc, &err), TS_ERR_SCENARIO);
    char a[1024];
    char b[1024];
    tmp_path(a, sizeof a, "cyc_a.yaml");
    tmp_path(b, sizeof b, "cyc_b.yaml");
    snprintf(expected, sizeof expected, "%s:2:10: extends: cycle (%s -> %s -> %s)", b, a, b, a);
    assert_string_equal(err.msg, expected);

    write_text("self.yaml", "extends: self.yaml\n");
    assert_int_equal(load_file("self.yaml", &sc, &err), TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "extends: cycle ("));

    write_text("bad_ext.yaml", "extends: [a]\n");
    tmp_path(path, sizeof path, "bad_ext.yaml");
    assert_int_equal(load_file("bad_ext.yaml", &sc, &err), TS_ERR_SCENARIO);
    snprintf(expected, sizeof expected,
             "%s:1:10: extends: not a file name (got a list, expected the path of a scenario "
             "file)",
             path);
    assert_string_equal(err.msg, expected);

    /* An error inside the extended file names that file. */
    write_text("bad_base.yaml", "days: -1\n");
    write_text("uses_bad.yaml", "extends: bad_base.yaml\n");
    tmp_path(path, sizeof path, "bad_base.yaml");
    assert_int_equal(load_file("uses_bad.yaml", &sc, &err), TS_ERR_SCENARIO);
    snprintf(expected, sizeof expected,
             "%s:1:7: days: out of range (got -1, expected an integer in [1, 36500])", path);
    assert_string_equal(err.msg, expected);

    tmp_path(path, sizeof path, "does_not_exist.yaml");
    assert_int_equal(load_file("does_not_exist.yaml", &sc, &err), TS_ERR_SCENARIO);
    snprintf(expected, sizeof expected, "%s: cannot open (No such file or directory)", path);
    assert_string_equal(err.msg, expected);
}

/* How long a load in a child may take before its alarm ends it: far more than a load of
 * a few lines needs, even under the sanitizers. */
enum { CHILD_LOAD_SECONDS = 10 };

/* Loads the temporary file `name` (then finalizes) in a child process that an alarm
 * ends after CHILD_LOAD_SECONDS, so that a load that blocks (on a FIFO, on a terminal)
 * fails the test instead of hanging it. The child's standard input is `in` when it is
 * not -1. Returns 1 with the status and message in *err when the child finished, 0
 * when it hung or died. */
static int load_file_in_child(const char *name, int in, ts_error *err) {
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        ts_scenario *sc = NULL;
        ts_error e = {0};
        close(fds[0]);
        if (in != -1 && dup2(in, 0) < 0) {
            _exit(1);
        }
        alarm(CHILD_LOAD_SECONDS);
        e.status = load_file(name, &sc, &e);
        ts_scenario_free(sc);
        _exit(write(fds[1], &e, sizeof e) == (ssize_t)sizeof e ? 0 : 1);
    }
    close(fds[1]);
    ts_error got = {0};
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fds[0], (char *)&got + n, sizeof got - n);
        if (r > 0 && (n += (size_t)r) < sizeof got) {
            continue;
        }
        if (r < 0 && errno == EINTR) {
            continue;
        }
        break;
    }
    close(fds[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || n != sizeof got) {
        print_error("loading %s: the child %s\n", name,
                    WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM ? "hung (ended by its alarm)"
                                                                       : "failed");
        return 0;
    }
    *err = got;
    return 1;
}

/* `extends` of `target` from the file `name` (on line 2, the value at column 10) is
 * refused quickly at the key, with `why` in the message. */
static void expect_extends_refused(const char *name, const char *target, int in, const char *why) {
    char text[1200];
    char path[1024];
    char expected[2400];
    ts_error err = {0};
    snprintf(text, sizeof text, "days: 3\nextends: %s\n", target);
    write_text(name, text);
    tmp_path(path, sizeof path, name);
    assert_true(load_file_in_child(name, in, &err));
    if (err.status != TS_ERR_SCENARIO) {
        print_error("extends: %s gave status %d: %s\n", target, (int)err.status, err.msg);
    }
    assert_int_equal(err.status, TS_ERR_SCENARIO);
    snprintf(expected, sizeof expected, "%s:2:10: extends: cannot open \"%s\" (%s)", path, target,
             why);
    assert_string_equal(err.msg, expected);
}

/* An extends target is read only if it is a regular file: a FIFO would block the load
 * forever, a device (/dev/zero, /dev/stdin) reads as anything, and each is refused at
 * the key that names it, like a missing file. */
static void test_extends_only_regular_files(void **state) {
    (void)state;
    char fifo[1024];
    char target[1100];
    ts_scenario *sc = NULL;
    ts_error err = {0};
    write_text("plain.yaml", "days: 3\n");
    tmp_path(fifo, sizeof fifo, "base.fifo");
    unlink(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);

    /* Relative and absolute paths of a FIFO nobody writes to. */
    expect_extends_refused("ext_fifo.yaml", "base.fifo", -1, "not a regular file");
    snprintf(target, sizeof target, "%s", fifo);
    expect_extends_refused("ext_fifo_abs.yaml", target, -1, "not a regular file");
    /* Devices. */
    expect_extends_refused("ext_zero.yaml", "/dev/zero", -1, "not a regular file");
    expect_extends_refused("ext_null.yaml", "/dev/null", -1, "not a regular file");
    /* Standard input, here a pipe kept open and never written. */
    int in[2];
    assert_int_equal(pipe(in), 0);
    expect_extends_refused("ext_stdin.yaml", "/dev/stdin", in[0], "not a regular file");
    close(in[0]);
    close(in[1]);
    /* A directory, this one and another. */
    expect_extends_refused("ext_dir.yaml", ".", -1, "not a regular file");
    expect_extends_refused("ext_subdir.yaml", "sub", -1, "not a regular file");
    /* A missing file, as before. */
    expect_extends_refused("ext_missing.yaml", "nowhere_else.yaml", -1,
                           "No such file or directory");
    /* A regular file too large to be a scenario. */
    size_t big = TS_YAML_MAX_BYTES + 10;
    char *huge = malloc(big);
    assert_non_null(huge);
    memset(huge, '#', big);
    write_file("huge_base.yaml", huge, big);
    free(huge);
    expect_extends_refused("ext_huge.yaml", "huge_base.yaml", -1,
                           "file too large, expected at most 4194304 bytes");

    /* The top-level file of ts_scenario_load is held to the same rule. */
    assert_true(load_file_in_child("base.fifo", -1, &err));
    assert_int_equal(err.status, TS_ERR_SCENARIO);
    snprintf(target, sizeof target, "%s: cannot open (not a regular file)", fifo);
    assert_string_equal(err.msg, target);

    /* A symbolic link to a regular file is followed. */
    char link[1024];
    tmp_path(link, sizeof link, "plain_link.yaml");
    unlink(link);
    assert_int_equal(symlink("plain.yaml", link), 0);
    write_text("ext_link.yaml", "extends: plain_link.yaml\n");
    assert_int_equal(load_file("ext_link.yaml", &sc, &err), TS_OK);
    assert_int_equal(ts_scenario_int(sc, "days"), 3);
    ts_scenario_free(sc);
    unlink(fifo);
}

static void test_extends_depth_limit(void **state) {
    (void)state;
    ts_scenario *sc = NULL;
    ts_error err = {0};
    char name[64];
    char text[128];
    /* deep00 extends deep01 ... extends deep17: 17 levels of extends, one too many. */
    for (int i = 0; i <= 17; i++) {
        snprintf(name, sizeof name, "deep%02d.yaml", i);
        if (i < 17) {
            snprintf(text, sizeof text, "extends: deep%02d.yaml\n", i + 1);
        } else {
            snprintf(text, sizeof text, "days: 17\n");
        }
        write_text(name, text);
    }
    assert_int_equal(load_file("deep00.yaml", &sc, &err), TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "deep16.yaml:1:10: extends: too deep (got more than 16 "
                                    "levels of extends, expected at most 16)"));
    /* Starting one level lower, 16 levels are fine. */
    assert_int_equal(load_file("deep01.yaml", &sc, &err), TS_OK);
    assert_int_equal(ts_scenario_int(sc, "days"), 17);
    ts_scenario_free(sc);
}

static void test_extends_from_string_uses_base_dir(void **state) {
    (void)state;
    ts_scenario *sc = NULL;
    ts_error err = {0};
    char dir[1024];
    write_text("base3.yaml", "days: 42\n");
    snprintf(dir, sizeof dir, "%s/scenario", TS_TEST_TMPDIR);
    assert_int_equal(ts_scenario_load_string(&test_schema, "extends: base3.yaml\nseed: 5\n",
                                             "<text>", dir, &sc, &err),
                     TS_OK);
    assert_int_equal(ts_scenario_int(sc, "days"), 42);
    assert_int_equal(ts_scenario_int(sc, "seed"), 5);
    assert_string_equal(ts_scenario_name(sc), "scenario");
    ts_scenario_free(sc);
}

/* ---- --set ----------------------------------------------------------------------------------- */

static void test_set_scalars_lists_maps(void **state) {
    (void)state;
    ts_scenario *sc = load_ok("days: 50\n");
    ts_error err = {0};
    ts_mark m = {0};
    set_ok(sc, "trust.prior_mean=0.7");
    set_ok(sc, "domains=[a, b, c]");
    set_ok(sc, "trust={review: 0.25, capacity: 64}");
    set_ok(sc, " note =hello world");
    set_ok(sc, "work.schedule=[[1, 2]]");
    set_ok(sc, "events=[{day: 9, kind: incident, domain: b}]");
    assert_int_equal(ts_scenario_finalize(sc, &err), TS_OK);
    assert_near(ts_scenario_real(sc, "trust.prior_mean"), 0.7, 0);
    assert_int_equal(ts_scenario_list_len(sc, "domains"), 3);
    assert_near(ts_scenario_real(sc, "trust.review"), 0.25, 0);
    assert_int_equal(ts_scenario_int(sc, "trust.capacity"), 64);
    assert_string_equal(ts_scenario_string(sc, "note"), "hello world");
    assert_int_equal(ts_scenario_list_len(sc, "work.schedule"), 1);
    assert_int_equal(ts_scenario_n_events(sc), 1);
    assert_string_equal(ts_event_string(ts_scenario_event(sc, 0), "domain"), "b");
    assert_int_equal(ts_scenario_int(sc, "days"), 50);
    assert_int_equal(ts_scenario_mark_of(sc, "trust.prior_mean", &m), 1);
    assert_string_equal(m.file, "--set");
    assert_int_equal(m.line, 0);
    /* An empty value is an empty string for a string key. */
    set_ok(sc, "note=");
    assert_string_equal(ts_scenario_string(sc, "note"), "");
    /* A validator's message names the --set that gave the value. */
    set_ok(sc, "trust.review=0.9");
    assert_int_equal(ts_scenario_finalize(sc, &err), TS_ERR_SCENARIO);
    assert_string_equal(err.msg, "--set trust.review=0.9: trust.review: must not exceed "
                                 "trust.delegate (got 0.9, expected <= 0.6)");
    ts_scenario_free(sc);
}

static void test_set_errors(void **state) {
    (void)state;
    expect_set_error("trust.prior_maen=0.7", "--set trust.prior_maen=0.7: trust.prior_maen: "
                                             "unknown key (did you mean trust.prior_mean?)");
    expect_set_error("trust.prior_mean=abc",
                     "--set trust.prior_mean=abc: trust.prior_mean: not a number (got \"abc\", "
                     "expected a probability in [0, 1])");
    expect_set_error("trust.prior_mean", "--set trust.prior_mean: missing '=' (expected "
                                         "key.path=value)");
    expect_set_error("=3", "--set =3: missing key path before '=' (expected key.path=value)");
    expect_set_error("days=[1",
                     "--set days=[1: days: syntax error: did not find expected ',' or ']' (while "
                     "parsing a flow sequence)");
    expect_set_error("trust=3",
                     "--set trust=3: trust: not a mapping (got 3, expected a mapping of trust "
                     "keys)");
    expect_set_error("trust={revew: 1}",
                     "--set trust={revew: 1}: trust.revew: unknown key (did you mean "
                     "trust.review?)");
    expect_set_error("events=[{day: 9, kind: incdent}]",
                     "--set events=[{day: 9, kind: incdent}]: events[0].kind: unknown event kind "
                     "(got \"incdent\", did you mean incident?)");
    expect_set_error("extends=x.yaml", "--set extends=x.yaml: extends: cannot be set with --set "
                                       "(expected it in a scenario file)");
    expect_set_error("sweep.days=3", "--set sweep.days=3: sweep.days: not a list (got 3, expected "
                                     "a non-empty list of values)");
    expect_set_error("sweep.trust=[3]", "--set sweep.trust=[3]: sweep.trust: not a mapping (got "
                                        "a list, expected key paths with lists of values)");
    expect_set_error("sweep.dayz=[3]",
                     "--set sweep.dayz=[3]: sweep.dayz: unknown key (did you mean sweep.days?)");
}

static void test_set_failure_leaves_scenario_unchanged(void **state) {
    (void)state;
    ts_scenario *sc = load_ok("days: 50\n");
    ts_error err = {0};
    /* The first key of the map is good, the second bad: nothing may change. */
    assert_int_equal(ts_scenario_set(sc, "trust={review: 0.1, capacity: 1}", &err),
                     TS_ERR_SCENARIO);
    assert_near(ts_scenario_real(sc, "trust.review"), 0.4, 0);
    assert_int_equal(ts_scenario_set(sc, "tactics.feedback={every: 0}", &err), TS_ERR_SCENARIO);
    assert_int_equal(ts_scenario_section_on(sc, "tactics.feedback"), 0);
    ts_scenario_free(sc);
}

/* ---- Tactics on and off ------------------------------------------------------------------ */

static void test_tactic_on_off_rules(void **state) {
    (void)state;
    ts_scenario *sc = load_ok("tactics: {feedback: {every: 2}}\n");
    assert_int_equal(ts_scenario_section_on(sc, "tactics.feedback"), 1);
    assert_int_equal(ts_scenario_bool(sc, "tactics.feedback.enabled"), 1);
    assert_int_equal(ts_scenario_section_on(sc, "tactics.chats"), 0);
    ts_scenario_free(sc);

    sc = load_ok("tactics:\n  feedback:\n");
    assert_int_equal(ts_scenario_section_on(sc, "tactics.feedback"), 1);
    assert_near(ts_scenario_real(sc, "tactics.feedback.probability"), 0.3, 0);
    ts_scenario_free(sc);

    sc = load_ok("tactics: {feedback: {enabled: false, every: 2}}\n");
    assert_int_equal(ts_scenario_section_on(sc, "tactics.feedback"), 0);
    assert_int_equal(ts_scenario_bool(sc, "tactics.feedback.enabled"), 0);
    ts_scenario_free(sc);

    sc = load_ok("tactics: {chats: false, feedback: true}\n");
    assert_int_equal(ts_scenario_section_on(sc, "tactics.chats"), 0);
    assert_int_equal(ts_scenario_section_on(sc, "tactics.feedback"), 1);
    ts_scenario_free(sc);

    sc = load_ok("tactics: {}\n");
    assert_int_equal(ts_scenario_section_on(sc, "tactics.feedback"), 0);
    ts_scenario_free(sc);

    /* Keys of a tactic that is off are still checked. */
    expect_error("tactics: {feedback: {enabled: false, every: 0}}\n",
                 "s.yaml:1:45: tactics.feedback.every: out of range (got 0, expected an integer "
                 "in [1, 365])");

    sc = load_ok("");
    set_ok(sc, "tactics.feedback.every=3");
    assert_int_equal(ts_scenario_section_on(sc, "tactics.feedback"), 1);
    set_ok(sc, "tactics.chats={}");
    assert_int_equal(ts_scenario_section_on(sc, "tactics.chats"), 1);
    set_ok(sc, "tactics.chats.enabled=false");
    assert_int_equal(ts_scenario_section_on(sc, "tactics.chats"), 0);
    ts_scenario_free(sc);

    sc = load_ok("sweep: {tactics.chats.per_week: [1, 2]}\n");
    assert_int_equal(ts_scenario_section_on(sc, "tactics.chats"), 1);
    ts_scenario_free(sc);

    sc = load_ok("");
    set_ok(sc, "sweep.tactics.feedback.every=[1, 2]");
    set_ok(sc, "sweep.tactics.chats={per_week: [0.5]}");
    assert_int_equal(ts_scenario_section_on(sc, "tactics.chats"), 1);
    assert_int_equal(ts_scenario_n_sweep_keys(sc), 2);
    assert_string_equal(ts_scenario_sweep_key(sc, 1), "tactics.chats.per_week");
    assert_int_equal(ts_scenario_section_on(sc, "tactics.feedback"), 1);
    ts_scenario_free(sc);
}

/* ---- Events -------------------------------------------------------------------------------- */

static void test_events_sorted_and_defaults_filled(void **state) {
    (void)state;
    ts_scenario *sc = load_ok("domains: [design, ops]\n"
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
    expect_error("events:\n  - {day: 9, kind: incdent}\n",
                 "s.yaml:2:20: events[0].kind: unknown event kind (got \"incdent\", did you mean "
                 "incident?)");
    expect_error("events:\n  - {day: 9, kind: zzzzzzzz}\n",
                 "s.yaml:2:20: events[0].kind: unknown event kind (got \"zzzzzzzz\", expected one "
                 "of incident, shift)");
    expect_error("events:\n  - {day: 9}\n",
                 "s.yaml:2:5: events[0]: missing kind (expected one of incident, shift)");
    expect_error("events:\n  - {kind: shift}\n",
                 "s.yaml:2:5: events[0]: missing day (expected the day of the event, from 1)");
    expect_error("days: 100\nevents:\n  - {day: 9, kind: shift}\n  - {day: 101, kind: shift}\n",
                 "s.yaml:4:11: events[1].day: out of range (got 101, expected a day in [1, 100])");
    expect_error("events:\n  - {day: 0, kind: shift}\n",
                 "s.yaml:2:11: events[0].day: out of range (got 0, expected an integer >= 1)");
    expect_error("events:\n  - {day: 9, kind: incident, respnders: 3}\n",
                 "s.yaml:2:30: events[0].respnders: unknown key (did you mean "
                 "events[0].responders?)");
    expect_error("events:\n  - {day: 9, kind: shift, magnitude: 101}\n",
                 "s.yaml:2:38: events[0].magnitude: out of range (got 101, expected a number in "
                 "[0, 100])");
    expect_error("events:\n  - 5\n",
                 "s.yaml:2:5: events[0]: not a mapping (got 5, expected a mapping with day and "
                 "kind)");
    expect_error("events: {day: 1}\n",
                 "s.yaml:1:9: events: not a list (got a mapping, expected a list of events such "
                 "as {day: 90, kind: ...})");
    expect_error("events:\n  - {day: 9, kind: shift}\n  - {day: 10, kind: incident, domain: x}\n",
                 "s.yaml:3:39: events[1].domain: unknown domain (got x)");
    /* A field left to its default is reported at its event. */
    expect_error(
        "domains: [ops]\nevents:\n  - {day: 9, kind: shift}\n  - {day: 10, kind: incident}\n",
        "s.yaml:4:5: events[1].domain: unknown domain (got design)");
    /* The day check follows a --set of days. */
    ts_scenario *sc = NULL;
    ts_error err = {0};
    assert_int_equal(ts_scenario_load_string(&test_schema, "events: [{day: 50, kind: shift}]\n",
                                             "s.yaml", NULL, &sc, &err),
                     TS_OK);
    set_ok(sc, "days=40");
    assert_int_equal(ts_scenario_finalize(sc, &err), TS_ERR_SCENARIO);
    assert_string_equal(err.msg, "s.yaml:1:16: events[0].day: out of range (got 50, expected a "
                                 "day in [1, 40])");
    ts_scenario_free(sc);
}

/* ---- Sweep ----------------------------------------------------------------------------------- */

static void test_sweep_grid_order_and_points(void **state) {
    (void)state;
    ts_scenario *sc = load_ok("days: 5\n"
                              "sweep:\n"
                              "  days: [10, 20]\n"
                              "  trust.prior_mean: [0.1, 0.2, 0.35]\n"
                              "  work: {growth: [linear, none]}\n");
    ts_error err = {0};
    ts_mark m = {0};
    assert_int_equal(ts_scenario_n_points(sc), 12);
    assert_int_equal(ts_scenario_n_sweep_keys(sc), 3);
    assert_string_equal(ts_scenario_sweep_key(sc, 0), "days");
    assert_string_equal(ts_scenario_sweep_key(sc, 1), "trust.prior_mean");
    assert_string_equal(ts_scenario_sweep_key(sc, 2), "work.growth");
    assert_int_equal(ts_scenario_sweep_type(sc, 0), TS_PT_INT);
    assert_int_equal(ts_scenario_sweep_type(sc, 1), TS_PT_REAL);
    assert_int_equal(ts_scenario_sweep_type(sc, 2), TS_PT_ENUM);
    /* The last key varies fastest: g = 7 is days[1], prior_mean[0], growth[1]. */
    assert_string_equal(ts_scenario_sweep_value(sc, 0, 7), "20");
    assert_string_equal(ts_scenario_sweep_value(sc, 1, 7), "0.1");
    assert_string_equal(ts_scenario_sweep_value(sc, 2, 7), "none");
    assert_string_equal(ts_scenario_sweep_value(sc, 1, 5), "0.35");
    assert_string_equal(ts_scenario_sweep_value(sc, 0, 5), "10");
    assert_string_equal(ts_scenario_sweep_value(sc, 0, 12), "");
    assert_string_equal(ts_scenario_sweep_key(sc, 3), "");
    /* The base value stays what the file says. */
    assert_int_equal(ts_scenario_int(sc, "days"), 5);

    ts_scenario *pt = NULL;
    assert_int_equal(ts_scenario_at_point(sc, 7, &pt, &err), TS_OK);
    assert_int_equal(ts_scenario_int(pt, "days"), 20);
    assert_near(ts_scenario_real(pt, "trust.prior_mean"), 0.1, 0);
    assert_string_equal(ts_scenario_string(pt, "work.growth"), "none");
    assert_int_equal(ts_scenario_n_sweep_keys(pt), 0);
    assert_int_equal(ts_scenario_n_points(pt), 1);
    assert_int_equal(ts_scenario_mark_of(pt, "trust.prior_mean", &m), 1);
    assert_int_equal(m.line, 4);
    assert_int_equal(m.col, 22);
    ts_scenario_free(pt);

    assert_int_equal(ts_scenario_at_point(sc, 12, &pt, &err), TS_ERR_PARAM);
    assert_null(pt);
    ts_scenario_free(sc);
}

static void test_sweep_checks_every_point(void **state) {
    (void)state;
    /* review 0.7 exceeds delegate 0.6 only at the second grid point. */
    expect_error("sweep:\n  trust.review: [0.3, 0.7]\n",
                 "s.yaml:2:23: trust.review: must not exceed trust.delegate (got 0.7, expected <= "
                 "0.6)");
    expect_error("sweep: {days: [10, 20]}\nevents: [{day: 15, kind: shift}]\n",
                 "s.yaml:2:16: events[0].day: out of range (got 15, expected a day in [1, 10])");
}

static void test_sweep_errors(void **state) {
    (void)state;
    expect_error("sweep: {domains: [[a]]}\n",
                 "s.yaml:1:9: sweep.domains: cannot be swept (got a list-valued key, expected a "
                 "key that takes one value)");
    expect_error("sweep: {days: []}\n",
                 "s.yaml:1:15: sweep.days: empty list (got [], expected at least one value)");
    expect_error("sweep: {days: 3}\n",
                 "s.yaml:1:15: sweep.days: not a list (got 3, expected a non-empty list of "
                 "values)");
    expect_error("sweep: {days: [1, 0]}\n",
                 "s.yaml:1:19: sweep.days: out of range (got 0, expected an integer in [1, "
                 "36500])");
    expect_error("sweep: {trust.prior_maen: [0.1]}\n",
                 "s.yaml:1:9: sweep.trust.prior_maen: unknown key (did you mean "
                 "sweep.trust.prior_mean?)");
    expect_error("sweep: [days]\n", "s.yaml:1:8: sweep: not a mapping (got a list, expected key "
                                    "paths with lists of values)");
    expect_error("sweep: {days: [1], days: [2]}\n",
                 "s.yaml:1:20: sweep.days: duplicate key \"days\"");
    /* 11 x 11 x 11 x 11 x 11 = 161051 points. */
    expect_error("sweep:\n"
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
    expect_error(text,
                 "s.yaml:18:3: sweep.many.k16: too many sweep keys (got 17, expected at most 16)");
}

static void test_sweep_bool_and_string_values(void **state) {
    (void)state;
    ts_scenario *sc = load_ok("sweep: {work.flag: [true, false], note: [\"a b\", \"yes\", x]}\n");
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

/* ---- Output and round trip ------------------------------------------------------------------ */

static void expect_round_trip(ts_scenario *sc) {
    ts_scenario *again = NULL;
    ts_error err = {0};
    char *y1 = ts_scenario_to_yaml(sc);
    assert_non_null(y1);
    ts_status st = ts_scenario_load_string(&test_schema, y1, "again.yaml", NULL, &again, &err);
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
    ts_scenario *sc = load_ok("trust: {review: 0.25}\n"
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
    ts_scenario *sc = load_ok("name: \"yes\"\n"
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
    ts_scenario *sc = load_ok("tactics: {feedback: {enabled: false}}\n"
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
    ts_scenario *sc = load_ok("");
    ts_scenario *pt = NULL;
    ts_error err = {0};
    expect_round_trip(sc);
    set_ok(sc, "sweep={days: [7, 8], work.flag: [true]}");
    assert_int_equal(ts_scenario_finalize(sc, &err), TS_OK);
    expect_round_trip(sc);
    assert_int_equal(ts_scenario_at_point(sc, 1, &pt, &err), TS_OK);
    expect_round_trip(pt);
    ts_scenario_free(pt);
    ts_scenario_free(sc);
}

static void test_name_resolution(void **state) {
    (void)state;
    ts_scenario *sc = NULL;
    ts_error err = {0};
    write_text("default.yaml", "days: 3\n");
    assert_int_equal(load_file("default.yaml", &sc, &err), TS_OK);
    assert_string_equal(ts_scenario_name(sc), "default");
    char *y = ts_scenario_to_yaml(sc);
    assert_memory_equal(y, "name: default\n", 14);
    free(y);
    set_ok(sc, "name=other");
    assert_string_equal(ts_scenario_name(sc), "other");
    ts_scenario_free(sc);
}

/* What a stem-format key expects, as the messages say it. */
#define STEM_EXPECTED                                                                              \
    "expected empty, or at most 64 letters, digits, '.', '_' and '-', not starting with '.' or "   \
    "'-')"

/* The name goes into the results file's name (results/<name>.h5), so it is a safe file
 * stem however it is given: in a file, with --set, in a sweep. */
static void test_name_must_be_safe(void **state) {
    (void)state;
    static const struct {
        const char *yaml; /* the value as written after "name: " */
        const char *got;  /* as the message shows it */
    } bad[] = {
        {"\"../../escape\"", "\"../../escape\""},
        {"a/b", "\"a/b\""},
        {"/etc/passwd", "\"/etc/passwd\""},
        {"..", "\"..\""},
        {".hidden", "\".hidden\""},
        {"\"-o\"", "\"-o\""},
        {"\"two words\"", "\"two words\""},
        {"back\\slash", "\"back\\\\slash\""},
        {"caf\xc3\xa9", "\"caf\xc3\xa9\""},
        {"\"tab\\there\"", "\"tab\\x09here\""},
        {"\"new\\nline\"", "\"new\\x0Aline\""},
        {"a*b", "\"a*b\""},
    };
    char text[256];
    char expected[512];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, "days: 3\nname: %s\n", bad[i].yaml);
        snprintf(expected, sizeof expected, "s.yaml:2:7: name: not a safe file name (got %s, %s",
                 bad[i].got, STEM_EXPECTED);
        expect_error(text, expected);
    }
    /* Too long is refused as too long, whatever the characters. */
    expect_error("name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
                 "s.yaml:1:7: name: too long (got 65 characters, expected at most 64)");
    /* A list is not a name either. */
    expect_error("name: [a]\n", "s.yaml:1:7: name: not a single value (got a list, " STEM_EXPECTED);

    /* The same through --set and a sweep. */
    expect_set_error("name=../x",
                     "--set name=../x: name: not a safe file name (got \"../x\", " STEM_EXPECTED);
    expect_set_error("name=.",
                     "--set name=.: name: not a safe file name (got \".\", " STEM_EXPECTED);
    expect_error("sweep: {name: [ok, ../x]}\n",
                 "s.yaml:1:20: sweep.name: not a safe file name (got \"../x\", " STEM_EXPECTED);

    /* Safe names, the longest included; empty means the file's stem. */
    static const char *const good[] = {
        "a",
        "Z",
        "7",
        "_",
        "run-1.v2_final",
        "A.b-c_d",
        "x..y",
        "a-",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        snprintf(text, sizeof text, "name: \"%s\"\n", good[i]);
        ts_scenario *sc = load_ok(text);
        assert_string_equal(ts_scenario_name(sc), good[i]);
        ts_scenario_free(sc);
    }
    ts_scenario *sc = load_ok("name: \"\"\n");
    assert_string_equal(ts_scenario_name(sc), "s");
    set_ok(sc, "name=next.one");
    assert_string_equal(ts_scenario_name(sc), "next.one");
    ts_scenario_free(sc);
}

/* A name derived from a file's stem is made safe rather than refused, and what
 * ts_scenario_to_yaml prints then loads again. */
static void test_derived_name_is_made_safe(void **state) {
    (void)state;
    static const struct {
        const char *file;
        const char *name;
    } cases[] = {
        {"plain.yaml", "plain"},
        {"my scenario (v2).yaml", "my_scenario__v2_"},
        {"caf\xc3\xa9 \xe2\x82\xac.yaml", "caf___"},
        {".hidden.yaml", "_hidden"},
        {"-rf.yaml", "_rf"},
        {"run.2024-01.yaml", "run.2024-01"},
        {"a'b\\c.yml", "a_b_c"},
        {"sub/dir/x.y.yaml", "x.y"},
        {"ends-in-dot..yaml", "ends-in-dot."},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.yaml",
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ts_scenario *sc = NULL;
        ts_scenario *again = NULL;
        ts_error err = {0};
        assert_int_equal(
            ts_scenario_load_string(&test_schema, "days: 3\n", cases[i].file, NULL, &sc, &err),
            TS_OK);
        assert_string_equal(ts_scenario_name(sc), cases[i].name);
        char *y = ts_scenario_to_yaml(sc);
        assert_non_null(y);
        if (ts_scenario_load_string(&test_schema, y, "again.yaml", NULL, &again, &err) != TS_OK) {
            print_error("%s: %s\n", cases[i].file, err.msg);
            fail();
        }
        assert_string_equal(ts_scenario_name(again), cases[i].name);
        free(y);
        ts_scenario_free(again);
        ts_scenario_free(sc);
    }
    /* The same through a file on disk. */
    ts_scenario *sc = NULL;
    ts_error err = {0};
    write_text("odd name!.yaml", "days: 3\n");
    assert_int_equal(load_file("odd name!.yaml", &sc, &err), TS_OK);
    assert_string_equal(ts_scenario_name(sc), "odd_name_");
    ts_scenario_free(sc);
}

/* Keys are found by their full path in the schema, without a scenario, wherever their
 * section (two share "trust") and however deep their own dots. */
static void test_schema_param_lookup(void **state) {
    (void)state;
    const ts_param *p = ts_scenario_schema_param(&test_schema, "seed");
    assert_non_null(p);
    assert_ptr_equal(p, &top_params[2]);
    assert_near(p->max, 9007199254740991.0, 0);
    assert_ptr_equal(ts_scenario_schema_param(&test_schema, "trust.prior_mean"),
                     &trust_a_params[0]);
    assert_ptr_equal(ts_scenario_schema_param(&test_schema, "trust.capacity"), &trust_b_params[1]);
    assert_ptr_equal(ts_scenario_schema_param(&test_schema, "work.stakeholders.extra"),
                     &work_params[4]);
    assert_ptr_equal(ts_scenario_schema_param(&test_schema, "tactics.feedback.every"),
                     &feedback_params[1]);
    assert_null(ts_scenario_schema_param(&test_schema, "trust"));
    assert_null(ts_scenario_schema_param(&test_schema, "work.stakeholders"));
    assert_null(ts_scenario_schema_param(&test_schema, "trusted.capacity"));
    assert_null(ts_scenario_schema_param(&test_schema, "nonsense"));
    assert_null(ts_scenario_schema_param(&test_schema, ""));
    assert_null(ts_scenario_schema_param(NULL, "seed"));
    assert_null(ts_scenario_schema_param(&test_schema, NULL));
}

/* ---- Copy, finalize, fail -------------------------------------------------------------------- */

static void test_copy_is_deep_and_finalize_idempotent(void **state) {
    (void)state;
    ts_scenario *sc = load_ok("events: [{day: 4, kind: shift}]\nsweep: {days: [5, 6]}\n");
    ts_error err = {0};
    assert_int_equal(ts_scenario_finalize(sc, &err), TS_OK);
    assert_int_equal(ts_scenario_finalize(sc, &err), TS_OK);
    ts_scenario *cp = ts_scenario_copy(sc);
    assert_non_null(cp);
    set_ok(cp, "trust.review=0.11");
    assert_near(ts_scenario_real(sc, "trust.review"), 0.4, 0);
    assert_near(ts_scenario_real(cp, "trust.review"), 0.11, 0);
    ts_scenario_free(sc);
    /* The copy outlives the original, marks included. */
    ts_mark m = {0};
    assert_int_equal(ts_scenario_mark_of(cp, "sweep.days", &m), 1);
    assert_string_equal(m.file, "s.yaml");
    assert_int_equal(m.line, 2);
    assert_int_equal(ts_scenario_n_points(cp), 2);
    char *y = ts_scenario_to_yaml(cp);
    assert_non_null(strstr(y, "sweep:\n  days: [5, 6]\n"));
    free(y);
    ts_scenario_free(cp);
    assert_null(ts_scenario_copy(NULL));
}

static void test_fail_formats_location(void **state) {
    (void)state;
    ts_scenario *sc = load_ok("days: 30\ntrust:\n  review: 0.2\n");
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

/* ---- Hostile input ----------------------------------------------------------------------------
 */

/* A small deterministic generator for the fuzz cases (xorshift64*). */
static uint64_t next_random(uint64_t *s) {
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * UINT64_C(2685821657736338717);
}

/* Loading must either succeed or fail as a bad scenario with a message. */
static void expect_no_crash(const char *buf, size_t len) {
    ts_scenario *sc = NULL;
    ts_error err = {0};
    write_file("fuzz.yaml", buf, len);
    ts_status st = load_file("fuzz.yaml", &sc, &err);
    if (st == TS_OK) {
        char *y = ts_scenario_to_yaml(sc);
        assert_non_null(y);
        free(y);
        /* Finalizing and making the last grid point fail cleanly or succeed. */
        st = ts_scenario_finalize(sc, &err);
        if (st == TS_OK) {
            ts_scenario *pt = NULL;
            st = ts_scenario_at_point(sc, ts_scenario_n_points(sc) - 1, &pt, &err);
            ts_scenario_free(pt);
        }
        assert_true(st == TS_OK || (st == TS_ERR_SCENARIO && strlen(err.msg) > 0));
        ts_scenario_free(sc);
    } else {
        assert_int_equal(st, TS_ERR_SCENARIO);
        assert_true(strlen(err.msg) > 0);
    }
}

static void test_hostile_inputs(void **state) {
    (void)state;
    ts_scenario *sc = NULL;
    ts_error err = {0};
    char path[1024];
    char expected[1200];
    tmp_path(path, sizeof path, "fuzz.yaml");

    /* Invalid UTF-8. */
    write_file("fuzz.yaml", "days: 3\nnote: \xc3\x28\n", 15);
    assert_int_equal(load_file("fuzz.yaml", &sc, &err), TS_ERR_SCENARIO);
    snprintf(expected, sizeof expected, "%s:2:7: invalid text: incomplete UTF-8 octet sequence",
             path);
    assert_string_equal(err.msg, expected);

    /* A NUL byte. */
    write_file("fuzz.yaml", "days: 3\x00\n", 9);
    assert_int_equal(load_file("fuzz.yaml", &sc, &err), TS_ERR_SCENARIO);
    snprintf(expected, sizeof expected,
             "%s:1:8: invalid text: control characters are not allowed (got byte 0x00)", path);
    assert_string_equal(err.msg, expected);

    /* Nesting 1000 deep, in flow and in block style. */
    char *deep = malloc(8000);
    assert_non_null(deep);
    memset(deep, '[', 1000);
    memset(deep + 1000, ']', 1000);
    write_file("fuzz.yaml", deep, 2000);
    assert_int_equal(load_file("fuzz.yaml", &sc, &err), TS_ERR_SCENARIO);
    snprintf(expected, sizeof expected,
             "%s:1:33: [0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]...: nesting too deep "
             "(got more than 32 levels, expected at most 32)",
             path);
    assert_string_equal(err.msg, expected);
    size_t used = 0;
    for (int i = 0; i < 40; i++) {
        used += (size_t)snprintf(deep + used, 8000 - used, "%*sk:\n", 2 * i, "");
    }
    write_file("fuzz.yaml", deep, used);
    assert_int_equal(load_file("fuzz.yaml", &sc, &err), TS_ERR_SCENARIO);
    /* The path names the start of the nesting only. */
    assert_non_null(strstr(err.msg, ":33:65: k.k.k.k.k.k.k.k.k.k"));
    assert_non_null(strstr(err.msg, ".k...: nesting too deep"));
    free(deep);

    /* A file over 4 MiB. */
    size_t big = TS_YAML_MAX_BYTES + 10;
    char *huge = malloc(big);
    assert_non_null(huge);
    memset(huge, '#', big);
    write_file("fuzz.yaml", huge, big);
    free(huge);
    assert_int_equal(load_file("fuzz.yaml", &sc, &err), TS_ERR_SCENARIO);
    snprintf(expected, sizeof expected, "%s: file too large (expected at most 4194304 bytes)",
             path);
    assert_string_equal(err.msg, expected);

    /* A directory. */
    snprintf(path, sizeof path, "%s/scenario", TS_TEST_TMPDIR);
    assert_int_equal(ts_scenario_load(&test_schema, path, &sc, &err), TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "cannot open (not a regular file)"));
}

/* Appends printf output to a growing buffer (for the large generated inputs). */
static void append(char **buf, size_t *used, size_t *cap, const char *fmt, ...) {
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(*buf + *used, *cap - *used, fmt, ap);
        va_end(ap);
        assert_true(n >= 0);
        if (*used + (size_t)n < *cap) {
            *used += (size_t)n;
            return;
        }
        *cap *= 2;
        *buf = realloc(*buf, *cap);
        assert_non_null(*buf);
    }
}

static void test_hostile_sizes_stay_cheap(void **state) {
    (void)state;
    size_t cap = 1 << 16;
    size_t used = 0;
    char *text = malloc(cap);
    assert_non_null(text);

    /* 100000 keys in one mapping: refused at the first unknown one. */
    for (int i = 0; i < 100000; i++) {
        append(&text, &used, &cap, "x%d: 1\n", i);
    }
    expect_error(text, "s.yaml:1:1: x0: unknown key (expected one of: name, days, seed, domains, "
                       "note, trust, work, tactics, many, extends, events, sweep)");

    /* An event with 50000 fields. */
    used = 0;
    append(&text, &used, &cap, "events:\n  - {day: 1, kind: shift");
    for (int i = 0; i < 50000; i++) {
        append(&text, &used, &cap, ", magnitude: 1");
    }
    append(&text, &used, &cap, "}\n");
    expect_error(text, "s.yaml:2:41: events[0].magnitude: duplicate key \"magnitude\"");

    /* 500000 domains. */
    used = 0;
    append(&text, &used, &cap, "domains: [a");
    for (int i = 0; i < 500000; i++) {
        append(&text, &used, &cap, ", a");
    }
    append(&text, &used, &cap, "]\n");
    expect_error(text, "s.yaml:1:10: domains: too many items (got 500001, expected a list of 1 "
                       "to 8 unique names)");

    /* 90000 grid points: review 0.7 > delegate 0.5 only at g = 40000, where two keys are
     * off their first value. Without events finalize checks every point and finds it. */
    used = 0;
    append(&text, &used, &cap,
           "sweep:\n"
           "  trust.review: [0.1, 0.7, 0.1]\n"
           "  trust.delegate: [0.9, 0.5, 0.9]\n");
    for (int k = 0; k < 4; k++) {
        append(&text, &used, &cap, "  many.k%02d: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]\n", k);
    }
    expect_error(text, "s.yaml:2:23: trust.review: must not exceed trust.delegate (got 0.7, "
                       "expected <= 0.5)");
    /* With 300 events the work passes the budget: finalize checks a spanning subset of
     * points, and ts_scenario_at_point still refuses the bad one. */
    append(&text, &used, &cap, "events:\n");
    for (int i = 0; i < 300; i++) {
        append(&text, &used, &cap, "  - {day: %d, kind: shift}\n", 1 + i % 9);
    }
    ts_scenario *sc = load_ok(text);
    ts_scenario *pt = NULL;
    ts_error err = {0};
    assert_int_equal(ts_scenario_n_points(sc), 90000);
    assert_int_equal(ts_scenario_at_point(sc, 39999, &pt, &err), TS_OK);
    assert_near(ts_scenario_real(pt, "trust.review"), 0.7, 0);
    assert_near(ts_scenario_real(pt, "trust.delegate"), 0.9, 0);
    ts_scenario_free(pt);
    assert_int_equal(ts_scenario_at_point(sc, 40000, &pt, &err), TS_ERR_SCENARIO);
    assert_null(pt);
    assert_string_equal(err.msg, "s.yaml:2:23: trust.review: must not exceed trust.delegate (got "
                                 "0.7, expected <= 0.5)");
    ts_scenario_free(sc);
    free(text);
}

static void test_fuzz_random_bytes(void **state) {
    (void)state;
    uint64_t s = UINT64_C(0x3717);
    char buf[512];
    for (int round = 0; round < 300; round++) {
        size_t len = (size_t)(next_random(&s) % sizeof buf);
        for (size_t i = 0; i < len; i++) {
            buf[i] = (char)(next_random(&s) & 0xFF);
        }
        expect_no_crash(buf, len);
    }
}

static void test_fuzz_mutated_valid_file(void **state) {
    (void)state;
    static const char valid[] = "name: fuzz\n"
                                "days: 90\n"
                                "domains: [design, ops]\n"
                                "trust: {prior_mean: 0.5, review: 0.2}\n"
                                "work:\n"
                                "  stakeholders: {base: 2}\n"
                                "  schedule: [[0, 1], [5, 2]]\n"
                                "tactics:\n"
                                "  feedback: {every: 3}\n"
                                "events:\n"
                                "  - {day: 9, kind: incident, domain: ops}\n"
                                "sweep: {seed: [1, 2], trust.delegate: [0.5, 0.9],\n"
                                "  variants: [{name: a}, {name: b, tactics.chats: {},\n"
                                "             days: 30, tactics: {feedback: false}}]}\n";
    static const char alphabet[] = "{}[]:,-#&*!|>'\"\n \t.0e9ax\\";
    uint64_t s = UINT64_C(0x5eed);
    char buf[sizeof valid + 16];
    size_t n = sizeof valid - 1;
    ts_scenario *sc = load_ok(valid); /* the seed of the mutations is valid, variants too */
    assert_int_equal(ts_scenario_n_points(sc), 8);
    ts_scenario_free(sc);
    expect_no_crash(valid, n);
    /* Every prefix of the valid file. */
    for (size_t len = 0; len <= n; len++) {
        expect_no_crash(valid, len);
    }
    /* Random single and triple byte replacements. */
    for (int round = 0; round < 400; round++) {
        memcpy(buf, valid, n);
        int edits = round % 2 ? 3 : 1;
        for (int e = 0; e < edits; e++) {
            size_t at = (size_t)(next_random(&s) % n);
            buf[at] = alphabet[next_random(&s) % (sizeof alphabet - 1)];
        }
        expect_no_crash(buf, n);
    }
}

/* ---- Named variants ------------------------------------------------------------------ */

static const char variants_text[] = "tactics: {chats: {enabled: false, per_week: 4}}\n"
                                    "sweep:\n"
                                    "  seed: [1, 2]\n"
                                    "  variants:\n"
                                    "    - name: none\n"
                                    "    - {name: feedback, tactics.feedback: {}}\n"
                                    "    - name: chats\n"
                                    "      tactics: {chats: {}}\n"
                                    "      days: 30\n"
                                    "    - {name: tuned, tactics.feedback.every: 3, trust: "
                                    "{prior_mean: 0.9}}\n";

static void test_variants_grid_order(void **state) {
    (void)state;
    /* Written after seed, the variants still vary slowest. */
    ts_scenario *sc = load_ok(variants_text);
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
    ts_scenario *alone = load_ok("sweep: {variants: [{name: a}, {name: b, days: 3}]}\n");
    assert_int_equal(ts_scenario_n_points(alone), 2);
    assert_int_equal(ts_scenario_n_sweep_keys(alone), 1);
    assert_string_equal(ts_scenario_sweep_value(alone, 0, 1), "b");
    ts_scenario_free(alone);
    ts_scenario_free(sc);
}

static ts_scenario *point_ok(const ts_scenario *sc, size_t g) {
    ts_scenario *pt = NULL;
    ts_error err = {0};
    ts_status st = ts_scenario_at_point(sc, g, &pt, &err);
    if (st != TS_OK) {
        print_error("unexpected error: %s\n", err.msg);
    }
    assert_int_equal(st, TS_OK);
    return pt;
}

static void test_variants_at_point(void **state) {
    (void)state;
    ts_scenario *sc = load_ok(variants_text);
    ts_scenario *pt = point_ok(sc, 1); /* none, seed 2 */
    assert_int_equal(ts_scenario_n_sweep_keys(pt), 0);
    assert_int_equal(ts_scenario_n_points(pt), 1);
    assert_int_equal(ts_scenario_section_on(pt, "tactics.feedback"), 0);
    assert_int_equal(ts_scenario_section_on(pt, "tactics.chats"), 0);
    assert_int_equal(ts_scenario_int(pt, "seed"), 2);
    assert_int_equal(ts_scenario_int(pt, "days"), 365);
    ts_scenario_free(pt);

    pt = point_ok(sc, 2); /* feedback: on here only, with its defaults */
    assert_int_equal(ts_scenario_section_on(pt, "tactics.feedback"), 1);
    assert_int_equal(ts_scenario_bool(pt, "tactics.feedback.enabled"), 1);
    assert_int_equal(ts_scenario_int(pt, "tactics.feedback.every"), 7);
    assert_int_equal(ts_scenario_section_on(pt, "tactics.chats"), 0);
    assert_int_equal(ts_scenario_int(pt, "seed"), 1);
    ts_scenario_free(pt);

    /* chats: off in the base (enabled: false), turned on by the variant with the
     * base's per_week; days from the variant, located where the variant says it. */
    pt = point_ok(sc, 5);
    assert_int_equal(ts_scenario_section_on(pt, "tactics.chats"), 1);
    assert_near(ts_scenario_real(pt, "tactics.chats.per_week"), 4, 0);
    assert_int_equal(ts_scenario_section_on(pt, "tactics.feedback"), 0);
    assert_int_equal(ts_scenario_int(pt, "days"), 30);
    assert_int_equal(ts_scenario_int(pt, "seed"), 2);
    ts_mark m;
    assert_int_equal(ts_scenario_mark_of(pt, "days", &m), 1);
    assert_string_equal(m.file, "s.yaml");
    assert_int_equal(m.line, 9);
    assert_int_equal(m.col, 13);
    ts_scenario_free(pt);

    /* A key inside a tactic turns it on too; other keys keep the base values. */
    pt = point_ok(sc, 6);
    assert_int_equal(ts_scenario_section_on(pt, "tactics.feedback"), 1);
    assert_int_equal(ts_scenario_int(pt, "tactics.feedback.every"), 3);
    assert_near(ts_scenario_real(pt, "trust.prior_mean"), 0.9, 0);
    assert_int_equal(ts_scenario_int(pt, "days"), 365);
    ts_scenario_free(pt);

    /* The base is untouched by making points. */
    assert_near(ts_scenario_real(sc, "trust.prior_mean"), 0.6, 0);
    assert_int_equal(ts_scenario_int(sc, "days"), 365);
    ts_scenario_free(sc);

    /* A variant can turn a tactic of the base off, and its `enabled` wins. */
    sc = load_ok("tactics: {feedback: {every: 2}}\n"
                 "sweep:\n"
                 "  variants:\n"
                 "    - {name: kept}\n"
                 "    - {name: off_a, tactics.feedback: false}\n"
                 "    - {name: off_b, tactics: {feedback: {enabled: false, every: 5}}}\n");
    assert_string_equal(ts_scenario_sweep_value(sc, 0, 0), "kept");
    for (size_t g = 0; g < 3; g++) {
        pt = point_ok(sc, g);
        assert_int_equal(ts_scenario_section_on(pt, "tactics.feedback"), g == 0);
        assert_int_equal(ts_scenario_int(pt, "tactics.feedback.every"), g == 2 ? 5 : 2);
        ts_scenario_free(pt);
    }
    ts_scenario_free(sc);
}

static void test_variants_checked_at_every_point(void **state) {
    (void)state;
    /* Each point is checked with the variant's values, located in the variant. */
    expect_error("trust: {delegate: 0.5}\n"
                 "sweep:\n"
                 "  variants:\n"
                 "    - {name: ok, trust.review: 0.5}\n"
                 "    - {name: bad, trust.review: 0.7}\n",
                 "s.yaml:5:33: trust.review: must not exceed trust.delegate (got 0.7, expected <= "
                 "0.5)");
    expect_error("events: [{day: 20, kind: shift}]\n"
                 "sweep: {variants: [{name: long}, {name: short, days: 10}]}\n",
                 "s.yaml:1:16: events[0].day: out of range (got 20, expected a day in [1, 10])");
    /* A key both swept and set by a variant. */
    expect_error("sweep:\n"
                 "  days: [5, 6]\n"
                 "  variants: [{name: a}, {name: b, days: 3}]\n",
                 "s.yaml:3:41: sweep.variants[1].days: also a sweep key (expected each key either "
                 "swept or set by variants)");
    expect_error("sweep:\n"
                 "  tactics.feedback.enabled: [true, false]\n"
                 "  variants: [{name: a, tactics.feedback: {every: 2}}]\n",
                 "s.yaml:3:14: sweep.variants[0].tactics.feedback.enabled: also a sweep key "
                 "(expected each key either swept or set by variants; naming the tactic turns it "
                 "on)");
}

static void test_variants_errors(void **state) {
    (void)state;
    expect_error("sweep: {variants: [{days: 3}]}\n",
                 "s.yaml:1:20: sweep.variants[0]: missing name (expected name: followed by an "
                 "identifier such as fast_hiring)");
    expect_error("sweep: {variants: [{name: a}, {name: b}, {name: a, days: 3}]}\n",
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
        expect_error(text, msg);
    }
    expect_error("sweep: {variants: [{name: a, dayz: 3}]}\n",
                 "s.yaml:1:30: sweep.variants[0].dayz: unknown key (did you mean "
                 "sweep.variants[0].days?)");
    expect_error("sweep: {variants: [{name: a}, {name: b, tactics: {feedbak: {}}}]}\n",
                 "s.yaml:1:51: sweep.variants[1].tactics.feedbak: unknown key (did you mean "
                 "sweep.variants[1].tactics.feedback?)");
    expect_error("sweep: {variants: [{name: a, tactics.feedback.every: 0}]}\n",
                 "s.yaml:1:54: sweep.variants[0].tactics.feedback.every: out of range (got 0, "
                 "expected an integer in [1, 365])");
    expect_error("sweep: {variants: [{name: a, trust: 3}]}\n",
                 "s.yaml:1:37: sweep.variants[0].trust: not a mapping (got 3, expected a mapping "
                 "of trust keys)");
    expect_error("sweep: {variants: [{name: a, days: 3, days: 4}]}\n",
                 "s.yaml:1:39: sweep.variants[0].days: duplicate key \"days\"");
    expect_error("sweep: {variants: [{name: a, tactics.feedback: false,\n"
                 "                    tactics.feedback.enabled: true}]}\n",
                 "s.yaml:2:21: sweep.variants[0].tactics.feedback.enabled: duplicate key "
                 "\"tactics.feedback.enabled\"");
    expect_error("sweep: {variants: [{name: a, events: []}]}\n",
                 "s.yaml:1:30: sweep.variants[0].events: not allowed in a variant (expected key "
                 "paths or sections, such as days or tactics.feedback)");
    expect_error("sweep: {variants: [{name: a, sweep: {days: [1]}}]}\n",
                 "s.yaml:1:30: sweep.variants[0].sweep: not allowed in a variant (expected key "
                 "paths or sections, such as days or tactics.feedback)");
    expect_error(
        "sweep: {variants: [a]}\n",
        "s.yaml:1:20: sweep.variants[0]: not a mapping (got \"a\", expected a mapping with a "
        "name)");
    expect_error("sweep: {variants: {name: a}}\n",
                 "s.yaml:1:19: sweep.variants: not a list (got a mapping, expected a list of "
                 "mappings such as {name: fast, days: 30})");
    expect_error("sweep: {variants: []}\n",
                 "s.yaml:1:19: sweep.variants: empty list (got [], expected at least one "
                 "variant)");
    expect_error("sweep: {variant: [{name: a}]}\n",
                 "s.yaml:1:9: sweep.variant: unknown key (did you mean sweep.variants?)");
    expect_error("sweep: {trust: {variants: [{name: a}]}}\n",
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
    expect_error(huge, "s.yaml:1:19: sweep.variants: too many variants (got 1001, expected at "
                       "most 1000)");
    free(huge);
    /* Sixteen sweep keys and variants are one too many. */
    char many[2048] = "sweep:\n";
    for (int i = 0; i < 16; i++) {
        size_t used = strlen(many);
        snprintf(many + used, sizeof many - used, "  many.k%02d: [0]\n", i);
    }
    strcat(many, "  variants: [{name: a}]\n");
    expect_error(many, "s.yaml:18:3: sweep.variants: too many sweep keys (got 17, expected at "
                       "most 16)");
}

static void test_variants_set_and_extends(void **state) {
    (void)state;
    ts_error err = {0};
    ts_scenario *sc = load_ok("sweep: {variants: [{name: a}, {name: b}], seed: [1, 2, 3]}\n");
    /* --set replaces the list, which stays outermost. */
    set_ok(sc, "sweep.variants=[{name: x, days: 9}]");
    assert_int_equal(ts_scenario_finalize(sc, &err), TS_OK);
    assert_int_equal(ts_scenario_n_points(sc), 3);
    assert_string_equal(ts_scenario_sweep_key(sc, 0), "variant");
    assert_string_equal(ts_scenario_sweep_value(sc, 0, 2), "x");
    set_ok(sc, "sweep={variants: [{name: p}, {name: q}], days: [4]}");
    assert_int_equal(ts_scenario_finalize(sc, &err), TS_OK);
    assert_int_equal(ts_scenario_n_points(sc), 6);
    assert_string_equal(ts_scenario_sweep_key(sc, 2), "days");
    assert_string_equal(ts_scenario_sweep_value(sc, 0, 3), "q");
    ts_scenario *pt = point_ok(sc, 0);
    assert_int_equal(ts_scenario_int(pt, "days"), 4);
    ts_scenario_free(pt);
    /* A copy holds its own variants. */
    ts_scenario *cp = ts_scenario_copy(sc);
    ts_scenario_free(sc);
    assert_non_null(cp);
    assert_string_equal(ts_scenario_sweep_value(cp, 0, 5), "q");
    pt = point_ok(cp, 5);
    assert_int_equal(ts_scenario_int(pt, "seed"), 3);
    ts_scenario_free(pt);
    ts_scenario_free(cp);

    expect_set_error("sweep.variants=[{name: a, days: x}]",
                     "--set sweep.variants=[{name: a, days: x}]: sweep.variants[0].days: not an "
                     "integer (got \"x\", expected an integer in [1, 36500])");
    expect_set_error("sweep.variants=[{days: 3}]",
                     "--set sweep.variants=[{days: 3}]: sweep.variants[0]: missing name "
                     "(expected name: followed by an identifier such as fast_hiring)");

    /* A later file's variants replace those it extends. */
    static const char base[] = "sweep: {variants: [{name: a}, {name: b}, {name: c}]}\n";
    static const char top_text[] = "extends: variants_base.yaml\n"
                                   "sweep: {variants: [{name: z, days: 2}]}\n";
    char top[512];
    write_file("variants_base.yaml", base, strlen(base));
    write_file("variants_top.yaml", top_text, strlen(top_text));
    tmp_path(top, sizeof top, "variants_top.yaml");
    sc = NULL;
    assert_int_equal(ts_scenario_load(&test_schema, top, &sc, &err), TS_OK);
    assert_int_equal(ts_scenario_finalize(sc, &err), TS_OK);
    assert_int_equal(ts_scenario_n_points(sc), 1);
    assert_string_equal(ts_scenario_sweep_value(sc, 0, 0), "z");
    ts_scenario_free(sc);
}

static void test_variants_round_trip(void **state) {
    (void)state;
    ts_scenario *sc = load_ok(variants_text);
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
    ts_scenario *again = load_ok(y);
    for (size_t g = 0; g < ts_scenario_n_points(sc); g++) {
        ts_scenario *p1 = point_ok(sc, g);
        ts_scenario *p2 = point_ok(again, g);
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

    sc = load_ok("tactics: {feedback: {every: 2}}\n"
                 "sweep: {variants: [{name: a, tactics.feedback: false},\n"
                 "                   {name: b, tactics: {feedback: {enabled: true}}}]}\n");
    y = ts_scenario_to_yaml(sc);
    assert_non_null(strstr(y, "    - name: a\n      tactics.feedback.enabled: false\n"
                              "    - name: b\n      tactics.feedback.enabled: true\n"));
    free(y);
    expect_round_trip(sc);
    ts_scenario_free(sc);
}

static void test_yaml_helpers(void **state) {
    (void)state;
    char buf[64];
    assert_int_equal(ts_yaml_number_syntax("12"), TS_YNUM_INT);
    assert_int_equal(ts_yaml_number_syntax("-0.5e+3"), TS_YNUM_DECIMAL);
    assert_int_equal(ts_yaml_number_syntax(".5"), TS_YNUM_DECIMAL);
    assert_int_equal(ts_yaml_number_syntax("5."), TS_YNUM_DECIMAL);
    assert_int_equal(ts_yaml_number_syntax("1e"), TS_YNUM_NONE);
    assert_int_equal(ts_yaml_number_syntax("."), TS_YNUM_NONE);
    assert_int_equal(ts_yaml_number_syntax("1_000"), TS_YNUM_NONE);
    assert_int_equal(ts_yaml_number_syntax("+.INF"), TS_YNUM_NONFINITE);
    assert_int_equal(ts_yaml_number_syntax("Infinity"), TS_YNUM_NONFINITE);
    ts_yaml_format_real(0.1, buf, sizeof buf);
    assert_string_equal(buf, "0.1");
    ts_yaml_format_real(1.0 / 3.0, buf, sizeof buf);
    assert_string_equal(buf, "0.33333333333333331");
    ts_yaml_format_real(2e10, buf, sizeof buf);
    assert_string_equal(buf, "20000000000");
    assert_int_equal(ts_yaml_needs_quotes("design"), 0);
    assert_int_equal(ts_yaml_needs_quotes("results/a.h5"), 0);
    assert_int_equal(ts_yaml_needs_quotes("No"), 1);
    assert_int_equal(ts_yaml_needs_quotes("a: b"), 1);
    assert_int_equal(ts_yaml_needs_quotes("3d"), 1);
    assert_int_equal(ts_yaml_needs_quotes(""), 1);
    assert_int_equal(ts_yaml_needs_quotes("trailing "), 1);
    char *t = ts_yaml_string_text("say \"hi\"\n");
    assert_string_equal(t, "\"say \\\"hi\\\"\\n\"");
    free(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_gives_defaults),
        cmocka_unit_test(test_comment_only_and_null_document),
        cmocka_unit_test(test_wrong_type_getters),
        cmocka_unit_test(test_values_and_marks),
        cmocka_unit_test(test_type_errors),
        cmocka_unit_test(test_shape_errors),
        cmocka_unit_test(test_range_errors),
        cmocka_unit_test(test_int_accepts_integral_forms_real_accepts_ints),
        cmocka_unit_test(test_nonfinite_numbers),
        cmocka_unit_test(test_unknown_keys),
        cmocka_unit_test(test_dotted_keys_at_any_level),
        cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_top_level_must_be_mapping),
        cmocka_unit_test(test_anchors_aliases_tags_refused),
        cmocka_unit_test(test_extends_merges_and_overrides),
        cmocka_unit_test(test_extends_replaces_lists_and_events),
        cmocka_unit_test(test_extends_errors),
        cmocka_unit_test(test_extends_only_regular_files),
        cmocka_unit_test(test_extends_depth_limit),
        cmocka_unit_test(test_extends_from_string_uses_base_dir),
        cmocka_unit_test(test_set_scalars_lists_maps),
        cmocka_unit_test(test_set_errors),
        cmocka_unit_test(test_set_failure_leaves_scenario_unchanged),
        cmocka_unit_test(test_tactic_on_off_rules),
        cmocka_unit_test(test_events_sorted_and_defaults_filled),
        cmocka_unit_test(test_event_errors),
        cmocka_unit_test(test_sweep_grid_order_and_points),
        cmocka_unit_test(test_sweep_checks_every_point),
        cmocka_unit_test(test_sweep_errors),
        cmocka_unit_test(test_sweep_bool_and_string_values),
        cmocka_unit_test(test_variants_grid_order),
        cmocka_unit_test(test_variants_at_point),
        cmocka_unit_test(test_variants_checked_at_every_point),
        cmocka_unit_test(test_variants_errors),
        cmocka_unit_test(test_variants_set_and_extends),
        cmocka_unit_test(test_variants_round_trip),
        cmocka_unit_test(test_to_yaml_layout),
        cmocka_unit_test(test_round_trip_awkward_values),
        cmocka_unit_test(test_round_trip_off_tactic_with_sweep),
        cmocka_unit_test(test_round_trip_real_schema_shapes),
        cmocka_unit_test(test_name_resolution),
        cmocka_unit_test(test_name_must_be_safe),
        cmocka_unit_test(test_derived_name_is_made_safe),
        cmocka_unit_test(test_schema_param_lookup),
        cmocka_unit_test(test_copy_is_deep_and_finalize_idempotent),
        cmocka_unit_test(test_fail_formats_location),
        cmocka_unit_test(test_schema_mistakes_are_internal_errors),
        cmocka_unit_test(test_hostile_inputs),
        cmocka_unit_test(test_hostile_sizes_stay_cheap),
        cmocka_unit_test(test_fuzz_random_bytes),
        cmocka_unit_test(test_fuzz_mutated_valid_file),
        cmocka_unit_test(test_yaml_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
