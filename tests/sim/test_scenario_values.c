/* Tests of sim/scenario/scenario_values.c, the bottom layer of the scenario loader: typed
 * values read from YAML and checked against their keys (types, shapes, ranges, safe file
 * names) with the exact position of the value in errors, the located "FILE:LINE:COL: path:"
 * prefix of every message, "did you mean" suggestions, copies and texts of values, and
 * the sweep grid's index arithmetic. Loads use the small schema of
 * tests/support/scenario_fixture.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "scenario.h"
#include "scenario_fixture.h"
#include "scenario_values.h"
#include "yamlio.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_values_and_marks(void **state) {
    (void)state;
    ts_scenario *sc =
        tst_sc_load_ok("days: 730\n"
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

static void test_type_errors(void **state) {
    (void)state;
    tst_sc_expect_error(
        "days: ten\n",
        "s.yaml:1:7: days: not an integer (got \"ten\", expected an integer in [1, 36500])");
    tst_sc_expect_error(
        "seed: 0\ndays: 3.5\n",
        "s.yaml:2:7: days: not an integer (got 3.5, expected an integer in [1, 36500])");
    tst_sc_expect_error("trust:\n  prior_mean: \"0.5\"\n",
                        "s.yaml:2:15: trust.prior_mean: not a number (got \"0.5\", expected a "
                        "probability in [0, 1])");
    tst_sc_expect_error(
        "trust: {review: abc}\n",
        "s.yaml:1:17: trust.review: not a number (got \"abc\", expected a number in [0, "
        "1])");
    tst_sc_expect_error(
        "work: {flag: yes}\n",
        "s.yaml:1:14: work.flag: not a boolean (got \"yes\", expected true or false)");
    tst_sc_expect_error("days:\n",
                        "s.yaml:1:6: days: missing value (got nothing, expected an integer "
                        "in [1, 36500])");
    tst_sc_expect_error("days: 0x10\n",
                        "s.yaml:1:7: days: not an integer (got \"0x10\", expected an "
                        "integer in [1, 36500])");
    tst_sc_expect_error(
        "work:\n  growth: bogus\n",
        "s.yaml:2:11: work.growth: unknown choice (got \"bogus\", expected one of none, "
        "linear, exponential)");
    tst_sc_expect_error(
        "work:\n  growth: lineer\n",
        "s.yaml:2:11: work.growth: unknown choice (got \"lineer\", did you mean linear?)");
}

static void test_shape_errors(void **state) {
    (void)state;
    tst_sc_expect_error(
        "trust: 5\n", "s.yaml:1:8: trust: not a mapping (got 5, expected a mapping of trust keys)");
    tst_sc_expect_error(
        "trust:\n  - 1\n",
        "s.yaml:2:3: trust: not a mapping (got a list, expected a mapping of trust keys)");
    tst_sc_expect_error(
        "trust: {prior_mean: {a: 1}}\n",
        "s.yaml:1:21: trust.prior_mean: not a single value (got a mapping, expected a "
        "probability in [0, 1])");
    tst_sc_expect_error("days: [1]\n",
                        "s.yaml:1:7: days: not a single value (got a list, expected an "
                        "integer in [1, 36500])");
    tst_sc_expect_error(
        "domains: design\n",
        "s.yaml:1:10: domains: not a list (got \"design\", expected a list of 1 to 8 "
        "unique names)");
    tst_sc_expect_error("domains: []\n",
                        "s.yaml:1:10: domains: too few items (got 0, expected a list of "
                        "1 to 8 unique names)");
    tst_sc_expect_error(
        "domains: [a, b, c, d, e, f, g, h, i]\n",
        "s.yaml:1:10: domains: too many items (got 9, expected a list of 1 to 8 unique "
        "names)");
    tst_sc_expect_error("domains: [a, b, a]\n",
                        "s.yaml:1:17: domains: duplicate name (got \"a\", expected unique names)");
    tst_sc_expect_error("domains: [a, Big]\n",
                        "s.yaml:1:14: domains: not an identifier (got \"Big\", expected "
                        "[a-z][a-z0-9_]* of at most 32 characters)");
    tst_sc_expect_error(
        "domains: [a, [b]]\n",
        "s.yaml:1:14: domains: not an identifier (got a list, expected [a-z][a-z0-9_]* "
        "of at most 32 characters)");
    tst_sc_expect_error(
        "work: {schedule: [[0, 1], [0, 2]]}\n",
        "s.yaml:1:28: work.schedule: x not increasing (got 0 after 0, expected x values "
        "in increasing order)");
    tst_sc_expect_error(
        "work: {schedule: [[0, 1, 2]]}\n",
        "s.yaml:1:19: work.schedule: not a pair (got a list of 3, expected [x, y])");
    tst_sc_expect_error("work: {schedule: [[0, x]]}\n",
                        "s.yaml:1:23: work.schedule: not a number (got \"x\", expected a number)");
    tst_sc_expect_error("{[1]: 2}\n",
                        "s.yaml:1:2: keys must be names (got a list, expected a key name)");
}

static void test_range_errors(void **state) {
    (void)state;
    tst_sc_expect_error(
        "trust:\n  prior_mean: 1.5\n",
        "s.yaml:2:15: trust.prior_mean: out of range (got 1.5, expected a probability in "
        "[0, 1])");
    tst_sc_expect_error(
        "trust: {capacity: 2}\n",
        "s.yaml:1:19: trust.capacity: out of range (got 2, expected an integer in [4, "
        "4096])");
    tst_sc_expect_error(
        "days: 0\n", "s.yaml:1:7: days: out of range (got 0, expected an integer in [1, 36500])");
    tst_sc_expect_error(
        "days: -5\n", "s.yaml:1:7: days: out of range (got -5, expected an integer in [1, 36500])");
    tst_sc_expect_error(
        "days: 99999999999999999999\n",
        "s.yaml:1:7: days: out of range (got 99999999999999999999, expected an integer "
        "in [1, 36500])");
    tst_sc_expect_error(
        "days: 1e19\n",
        "s.yaml:1:7: days: out of range (got 1e19, expected an integer in [1, 36500])");
    tst_sc_expect_error(
        "seed: 9007199254740992\n",
        "s.yaml:1:7: seed: out of range (got 9007199254740992, expected an integer in "
        "[0, 9007199254740991])");
    tst_sc_expect_error("name: abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcde\n",
                        "s.yaml:1:7: name: too long (got 65 characters, expected at most 64)");
}

static void test_int_accepts_integral_forms_real_accepts_ints(void **state) {
    (void)state;
    ts_scenario *sc = tst_sc_load_ok("days: 1.2e2\ntrust: {prior_mean: 1, review: 0}\nseed: +7\n");
    assert_int_equal(ts_scenario_int(sc, "days"), 120);
    assert_int_equal(ts_scenario_int(sc, "seed"), 7);
    assert_near(ts_scenario_real(sc, "trust.prior_mean"), 1.0, 0);
    assert_near(ts_scenario_real(sc, "trust.review"), 0.0, 0);
    ts_scenario_free(sc);
    /* Underflow reads as zero, which is in range. */
    sc = tst_sc_load_ok("trust: {review: 1e-400}\n");
    assert_true(ts_scenario_real(sc, "trust.review") < 1e-300);
    ts_scenario_free(sc);
}

static void test_nonfinite_numbers(void **state) {
    (void)state;
    tst_sc_expect_error("trust: {prior_mean: .nan}\n",
                        "s.yaml:1:21: trust.prior_mean: not a finite number (got .nan, expected a "
                        "probability in [0, 1])");
    tst_sc_expect_error("trust: {prior_mean: -.inf}\n",
                        "s.yaml:1:21: trust.prior_mean: not a finite number (got -.inf, expected a "
                        "probability in [0, 1])");
    tst_sc_expect_error("days: NaN\n",
                        "s.yaml:1:7: days: not a finite number (got NaN, expected an "
                        "integer in [1, 36500])");
    tst_sc_expect_error(
        "trust: {prior_mean: 1e400}\n",
        "s.yaml:1:21: trust.prior_mean: out of range (got 1e400, expected a probability "
        "in [0, 1])");
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
        tst_sc_expect_error(text, expected);
    }
    /* Too long is refused as too long, whatever the characters. */
    tst_sc_expect_error("name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
                        "s.yaml:1:7: name: too long (got 65 characters, expected at most 64)");
    /* A list is not a name either. */
    tst_sc_expect_error("name: [a]\n",
                        "s.yaml:1:7: name: not a single value (got a list, " STEM_EXPECTED);

    /* The same through --set and a sweep. */
    tst_sc_expect_set_error(
        "name=../x", "--set name=../x: name: not a safe file name (got \"../x\", " STEM_EXPECTED);
    tst_sc_expect_set_error("name=.",
                            "--set name=.: name: not a safe file name (got \".\", " STEM_EXPECTED);
    tst_sc_expect_error(
        "sweep: {name: [ok, ../x]}\n",
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
        ts_scenario *sc = tst_sc_load_ok(text);
        assert_string_equal(ts_scenario_name(sc), good[i]);
        ts_scenario_free(sc);
    }
    ts_scenario *sc = tst_sc_load_ok("name: \"\"\n");
    assert_string_equal(ts_scenario_name(sc), "s");
    tst_sc_set_ok(sc, "name=next.one");
    assert_string_equal(ts_scenario_name(sc), "next.one");
    ts_scenario_free(sc);
}

/* ---- Direct calls: reading values -------------------------------------------------- */

/* A loaded scenario and the context of its document "s.yaml" (source 1), in layer 5,
 * for calling the layer's functions directly. */
typedef struct doc {
    ts_error err;
    ts_scenario *sc;
    sc_ctx c;
} doc;

static int doc_open(void **state) {
    doc *d = calloc(1, sizeof *d);
    assert_non_null(d);
    d->sc = tst_sc_load_ok("days: 3\n");
    d->c = (sc_ctx){.sc = d->sc, .src = 1, .layer = 5, .err = &d->err};
    *state = d;
    return 0;
}

static int doc_close(void **state) {
    doc *d = *state;
    ts_scenario_free(d->sc);
    free(d);
    return 0;
}

/* Reads the YAML `text` as the value of key `k` declared by p; returns the status. */
static ts_status read_text(const sc_ctx *c, const ts_param *p, const char *text, sc_value *out) {
    ts_ynode *root = tst_sc_parse(text);
    assert_non_null(root);
    ts_status st = sc_read_value(c, p, root, "k", out);
    ts_yaml_free(root);
    return st;
}

/* Reading `text` as p fails with exactly `msg` and leaves the value cleared. */
static void expect_read_error(const sc_ctx *c, const ts_param *p, const char *text,
                              const char *msg) {
    sc_value v;
    memset(&v, 0x5a, sizeof v);
    assert_int_equal(read_text(c, p, text, &v), TS_ERR_SCENARIO);
    assert_string_equal(c->err->msg, msg);
    assert_null(v.s);
    assert_null(v.items);
    assert_null(v.pts);
    assert_int_equal(v.n, 0);
}

/* What each type expects, as the messages say it, from its bounds, units and format. */
static void test_expected_text_of_each_type(void **state) {
    const sc_ctx *c = &((doc *)*state)->c;
    static const ts_param at_least = {.key = "k", .type = TS_PT_REAL, .min = 0, .max = INFINITY};
    static const ts_param at_most = {.key = "k", .type = TS_PT_REAL, .min = -INFINITY, .max = 5};
    static const ts_param any = {.key = "k", .type = TS_PT_REAL, .min = -INFINITY, .max = INFINITY};
    static const ts_param share = {.key = "k", .type = TS_PT_REAL, .max = 1, .units = "share"};
    static const ts_param chance = {
        .key = "k", .type = TS_PT_REAL, .max = 1, .units = "probability"};
    static const ts_param count = {.key = "k", .type = TS_PT_INT, .max = 1, .units = "probability"};
    static const ts_param text = {.key = "k", .type = TS_PT_STRING};
    static const ts_param short_text = {.key = "k", .type = TS_PT_STRING, .max = 5};
    static const ts_param ints = {
        .key = "k", .type = TS_PT_STRLIST, .min = 1, .max = 3, .format = TS_PF_INTEGERS};
    static const ts_param pairs = {.key = "k", .type = TS_PT_POINTS, .max = 2};
    static const ts_param flag = {.key = "k", .type = TS_PT_BOOL};
    static const struct {
        const ts_param *p;
        const char *yaml, *msg;
    } bad[] = {
        {&at_least, "x", "s.yaml:1:1: k: not a number (got \"x\", expected a number >= 0)"},
        {&at_most, "x", "s.yaml:1:1: k: not a number (got \"x\", expected a number <= 5)"},
        {&any, "x", "s.yaml:1:1: k: not a number (got \"x\", expected a number)"},
        {&share, "2", "s.yaml:1:1: k: out of range (got 2, expected a number in [0, 1])"},
        {&chance, "2", "s.yaml:1:1: k: out of range (got 2, expected a probability in [0, 1])"},
        /* "a probability" is said of reals only. */
        {&count, "2", "s.yaml:1:1: k: out of range (got 2, expected an integer in [0, 1])"},
        {&text, "[1]", "s.yaml:1:1: k: not a single value (got a list, expected a string)"},
        {&short_text, "[1]",
         "s.yaml:1:1: k: not a single value (got a list, expected a string of at most 5 "
         "characters)"},
        {&short_text, "abcdef", "s.yaml:1:1: k: too long (got 6 characters, expected at most 5)"},
        {&ints, "[30, x]",
         "s.yaml:1:6: k: not an integer (got \"x\", expected an integer such as 30)"},
        /* At most nine digits. */
        {&ints, "[1234567890]",
         "s.yaml:1:2: k: not an integer (got 1234567890, expected an integer such as 30)"},
        {&ints, "[]",
         "s.yaml:1:1: k: too few items (got 0, expected a list of 1 to 3 unique integers)"},
        {&ints, "[7, -5, 7]", "s.yaml:1:9: k: duplicate name (got 7, expected unique names)"},
        {&pairs, "5",
         "s.yaml:1:1: k: not a list (got 5, expected a list of 0 to 2 [x, y] pairs with x "
         "increasing)"},
        {&flag, "'true'", "s.yaml:1:1: k: not a boolean (got \"true\", expected true or false)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        expect_read_error(c, bad[i].p, bad[i].yaml, bad[i].msg);
    }

    /* Characters, not bytes: five two-byte letters fit in five. */
    sc_value v = {0};
    assert_int_equal(read_text(c, &short_text, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", &v),
                     TS_OK);
    assert_int_equal(strlen(v.s), 10);
    sc_value_clear(&v);
    assert_int_equal(read_text(c, &ints, "[-5, 123456789]", &v), TS_OK);
    assert_int_equal(v.n, 2);
    assert_string_equal(v.items[0], "-5");
    assert_string_equal(v.items[1], "123456789");
    sc_value_clear(&v);
    /* Null is the empty list. */
    assert_int_equal(read_text(c, &pairs, "~", &v), TS_OK);
    assert_int_equal(v.n, 0);
    sc_value_clear(&v);
    assert_int_equal(read_text(c, &flag, "True", &v), TS_OK);
    assert_int_equal(v.b, 1);
    assert_int_equal(read_text(c, &flag, "FALSE", &v), TS_OK);
    assert_int_equal(v.b, 0);
}

/* A value read carries where it was written and the layer of its document. */
static void test_read_value_marks_its_place(void **state) {
    doc *d = *state;
    const sc_ctx *c = &d->c;
    ts_ynode *root = tst_sc_parse("a:\n  - [0, 1]\n  - [2, 3.5]\n");
    const ts_param pairs = {.key = "k", .type = TS_PT_POINTS, .max = 10};
    sc_value v = {0};
    assert_int_equal(sc_read_value(c, &pairs, root->kids[1], "a", &v), TS_OK);
    assert_int_equal(v.n, 2);
    assert_near(v.pts[3], 3.5, 0);
    assert_int_equal(v.mark.src, 1);
    assert_int_equal(v.mark.line, 2);
    assert_int_equal(v.mark.col, 3);
    assert_int_equal(v.layer, 5);
    ts_yaml_free(root);
    sc_value_clear(&v);
}

/* Keys of a mapping are checked one by one: a scalar, and not one given before. */
static void test_check_key(void **state) {
    doc *d = *state;
    const sc_ctx *c = &d->c;
    ts_ynode *root = tst_sc_parse("{a: 1, b: 2, a: 3}");
    assert_int_equal(sc_check_key(c, root, 0, "sec"), TS_OK);
    assert_int_equal(sc_check_key(c, root, 2, "sec"), TS_OK);
    assert_int_equal(sc_check_key(c, root, 4, "sec"), TS_ERR_SCENARIO);
    assert_string_equal(d->err.msg, "s.yaml:1:14: sec.a: duplicate key \"a\"");
    assert_int_equal(sc_check_key(c, root, 4, ""), TS_ERR_SCENARIO);
    assert_string_equal(d->err.msg, "s.yaml:1:14: a: duplicate key \"a\"");
    ts_yaml_free(root);
    root = tst_sc_parse("{[1]: 2}");
    assert_int_equal(sc_check_key(c, root, 0, "sec"), TS_ERR_SCENARIO);
    assert_string_equal(d->err.msg,
                        "s.yaml:1:2: sec: keys must be names (got a list, expected a key "
                        "name)");
    ts_yaml_free(root);
}

/* ---- Direct calls: located errors -------------------------------------------------- */

/* "FILE:LINE:COL: " for a file, "--set ASSIGNMENT: " for a --set, the top file's name for
 * a default (or an unknown source), then the path unless it is empty. */
static void test_located_error_prefixes(void **state) {
    doc *d = *state;
    ts_scenario *sc = d->sc;
    ts_error *err = &d->err;
    tst_sc_set_ok(sc, "seed=4");
    assert_int_equal(sc->n_srcs, 3);
    assert_null(sc->srcs[0].name);
    assert_string_equal(sc->srcs[1].name, "s.yaml");
    assert_int_equal(sc->srcs[2].is_set, 1);

    assert_int_equal(sc_mark_fail(sc, (sc_mark){1, 4, 2}, "x.y", err, "bad (got %d)", 3),
                     TS_ERR_SCENARIO);
    assert_int_equal(err->status, TS_ERR_SCENARIO);
    assert_string_equal(err->msg, "s.yaml:4:2: x.y: bad (got 3)");
    sc_mark_fail(sc, (sc_mark){1, 4, 2}, "", err, "whole");
    assert_string_equal(err->msg, "s.yaml:4:2: whole");
    sc_mark_fail(sc, (sc_mark){1, 4, 2}, NULL, err, "whole");
    assert_string_equal(err->msg, "s.yaml:4:2: whole");
    sc_mark_fail(sc, (sc_mark){2, 0, 0}, "seed", err, "bad");
    assert_string_equal(err->msg, "--set seed=4: seed: bad");
    sc_mark_fail(sc, (sc_mark){0, 0, 0}, "seed", err, "bad");
    assert_string_equal(err->msg, "s.yaml: seed: bad");
    sc_mark_fail(sc, (sc_mark){99, 1, 1}, "seed", err, "bad");
    assert_string_equal(err->msg, "s.yaml: seed: bad");
    sc_mark_fail(sc, (sc_mark){-1, 1, 1}, "seed", err, "bad");
    assert_string_equal(err->msg, "s.yaml: seed: bad");

    /* At a node of the document, under the variant being read when there is one. */
    ts_ynode node = {.kind = TS_Y_SCALAR, .line = 7, .col = 9};
    sc_ctx c = d->c;
    sc_mark m = sc_node_mark(&c, &node);
    assert_int_equal(m.src, 1);
    assert_int_equal(m.line, 7);
    assert_int_equal(m.col, 9);
    m = sc_node_mark(&c, NULL);
    assert_int_equal(m.line, 0);
    assert_int_equal(m.col, 0);
    sc_fail(&c, &node, "days", "bad");
    assert_string_equal(err->msg, "s.yaml:7:9: days: bad");
    c.where = "sweep.variants[1]";
    sc_fail(&c, &node, "days", "bad");
    assert_string_equal(err->msg, "s.yaml:7:9: sweep.variants[1].days: bad");
    sc_fail(&c, &node, "", "bad");
    assert_string_equal(err->msg, "s.yaml:7:9: sweep.variants[1]: bad");

    assert_int_equal(sc_nomem(err), TS_ERR_NOMEM);
    assert_string_equal(err->msg, "out of memory while reading the scenario");
}

/* ---- Direct calls: suggestions, lists, names ---------------------------------------- */

/* The closest candidate by edit distance (insertions, deletions, substitutions), the
 * first of equals kept; suggested when within max(2, length / 3) of the word. */
static void test_suggest_distance(void **state) {
    (void)state;
    sc_suggest s;
    sc_suggest_init(&s, "kitten");
    assert_false(sc_suggest_found(&s));
    sc_suggest_try(&s, "sitting", 7); /* k->s, e->i, +g */
    assert_int_equal(s.best_d, 3);
    assert_string_equal(s.best, "sitting");
    assert_false(sc_suggest_found(&s)); /* 6 / 3 = 2 < 3 */
    sc_suggest_try(&s, "mitten", 6);
    sc_suggest_try(&s, "bitten", 6);
    assert_int_equal(s.best_d, 1);
    assert_string_equal(s.best, "mitten");
    assert_true(sc_suggest_found(&s));

    /* A swap costs two. */
    sc_suggest_init(&s, "prior_maen");
    sc_suggest_try(&s, "prior_mean", 10);
    assert_int_equal(s.best_d, 2);
    assert_true(sc_suggest_found(&s));

    /* The candidate is its first len bytes: a section of a dotted key. */
    sc_suggest_init(&s, "stakeholder");
    sc_suggest_try(&s, "stakeholders.base", 12);
    assert_int_equal(s.best_d, 1);
    assert_string_equal(s.best, "stakeholders");

    /* Nine letters allow three edits, not four. */
    sc_suggest_init(&s, "abcdefghi");
    sc_suggest_try(&s, "abcdefxyz", 9);
    assert_true(sc_suggest_found(&s));
    sc_suggest_init(&s, "abcdefghi");
    sc_suggest_try(&s, "abcdewxyz", 9);
    assert_int_equal(s.best_d, 4);
    assert_false(sc_suggest_found(&s));

    /* Words over 128 bytes are not compared. */
    char long_word[130];
    memset(long_word, 'a', 129);
    long_word[129] = '\0';
    sc_suggest_init(&s, "aaa");
    sc_suggest_try(&s, long_word, 129);
    assert_false(sc_suggest_found(&s));
    assert_string_equal(s.best, "");
}

/* Names are listed once each, ", "-separated; a name that no longer fits is counted but
 * not written. */
static void test_list_add(void **state) {
    (void)state;
    char list[32] = "";
    size_t count = 0;
    sc_list_add(list, sizeof list, &count, "alpha", 5);
    sc_list_add(list, sizeof list, &count, "beta.x", 4);
    sc_list_add(list, sizeof list, &count, "alpha", 5);
    assert_string_equal(list, "alpha, beta");
    assert_int_equal(count, 2);
    sc_list_add(list, sizeof list, &count, "alp", 3);
    assert_string_equal(list, "alpha, beta, alp");
    assert_int_equal(count, 3);
    /* 16 used + 15 + ", " and the NUL do not fit in 32. */
    sc_list_add(list, sizeof list, &count, "gammagammagamma", 15);
    assert_string_equal(list, "alpha, beta, alp");
    assert_int_equal(count, 4);
}

static void test_join_identifiers_and_stems(void **state) {
    (void)state;
    char *j = sc_join("", "days");
    assert_string_equal(j, "days");
    free(j);
    j = sc_join("work.stakeholders", "base");
    assert_string_equal(j, "work.stakeholders.base");
    free(j);

    static const char *const names[] = {"a", "a1_b", "abcdefghijabcdefghijabcdefghijab"};
    static const char *const not_names[] = {
        "", "A", "1a", "_a", "a-b", "aB", "a b", "abcdefghijabcdefghijabcdefghijabc"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        assert_int_equal(sc_is_identifier(names[i]), 1);
    }
    for (size_t i = 0; i < sizeof not_names / sizeof not_names[0]; i++) {
        assert_int_equal(sc_is_identifier(not_names[i]), 0);
    }

    /* Letters, digits and '_' anywhere; '.' and '-' but first; nothing else. */
    static const char anywhere[] = "azAZ09_";
    for (const char *p = anywhere; *p; p++) {
        assert_int_equal(sc_stem_char(*p, 1), 1);
        assert_int_equal(sc_stem_char(*p, 0), 1);
    }
    assert_int_equal(sc_stem_char('.', 1), 0);
    assert_int_equal(sc_stem_char('.', 0), 1);
    assert_int_equal(sc_stem_char('-', 1), 0);
    assert_int_equal(sc_stem_char('-', 0), 1);
    static const char never[] = "/\\ *:~";
    for (const char *p = never; *p; p++) {
        assert_int_equal(sc_stem_char(*p, 0), 0);
    }
    assert_int_equal(sc_stem_char(0xC3, 0), 0);
}

/* ---- Direct calls: copies and texts of values ---------------------------------------- */

static void test_value_copy_and_text(void **state) {
    const sc_ctx *c = &((doc *)*state)->c;
    const ts_param names = {.key = "k", .type = TS_PT_STRLIST, .max = 4};
    sc_value v = {0};
    sc_value d = {0};
    assert_int_equal(read_text(c, &names, "[a, b]", &v), TS_OK);
    assert_int_equal(sc_value_dup(&v, &d), 1);
    assert_ptr_not_equal(d.items, v.items);
    assert_ptr_not_equal(d.items[1], v.items[1]);
    assert_string_equal(d.items[1], "b");
    assert_int_equal(d.mark.line, v.mark.line);
    sc_value_clear(&v);
    assert_null(v.items);
    assert_int_equal(v.n, 0);
    assert_string_equal(d.items[0], "a");
    sc_value_clear(&d);

    const ts_param pairs = {.key = "k", .type = TS_PT_POINTS, .max = 4};
    assert_int_equal(read_text(c, &pairs, "[[1, 2], [3, 4]]", &v), TS_OK);
    assert_int_equal(sc_value_dup(&v, &d), 1);
    assert_ptr_not_equal(d.pts, v.pts);
    assert_near(d.pts[2], 3, 0);
    sc_value_clear(&v);
    sc_value_clear(&d);

    static const struct {
        ts_param p;
        sc_value v;
        const char *text;
    } cases[] = {
        {{.type = TS_PT_INT}, {.i = 42}, "42"},
        {{.type = TS_PT_REAL}, {.r = 0.1}, "0.1"},
        {{.type = TS_PT_REAL}, {.r = 1.0 / 3.0}, "0.33333333333333331"},
        {{.type = TS_PT_BOOL}, {.b = 1}, "true"},
        {{.type = TS_PT_STRING}, {.s = "yes"}, "\"yes\""},
        {{.type = TS_PT_STRING}, {.s = NULL}, "\"\""},
        {{.type = TS_PT_ENUM}, {.s = "linear"}, "linear"},
        {{.type = TS_PT_STRLIST}, {.n = 0}, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *t = sc_value_text(&cases[i].p, &cases[i].v);
        assert_non_null(t);
        assert_string_equal(t, cases[i].text);
        free(t);
    }
}

/* ---- Direct calls: the sweep grid ---------------------------------------------------- */

/* Point g takes, of key k, value (g / stride) % n, the stride the product of the sizes of
 * the keys after k: the last key varies fastest. */
static void test_grid_arithmetic(void **state) {
    (void)state;
    ts_scenario *sc = tst_sc_load_ok(
        "sweep: {days: [10, 20], trust.review: [0.1, 0.2, 0.3], work.flag: [true, false]}\n");
    assert_int_equal(sc->n_sweep, 3);
    assert_int_equal(sc_grid_size(sc), 12);
    /* g = 7: 7 / 6 % 2 = 1, 7 / 2 % 3 = 0, 7 % 2 = 1. */
    assert_int_equal(sc_grid_index(sc, 0, 7), 1);
    assert_int_equal(sc_grid_index(sc, 1, 7), 0);
    assert_int_equal(sc_grid_index(sc, 2, 7), 1);
    /* g = 11, the last point: the last value of each. */
    assert_int_equal(sc_grid_index(sc, 0, 11), 1);
    assert_int_equal(sc_grid_index(sc, 1, 11), 2);
    assert_int_equal(sc_grid_index(sc, 2, 11), 1);
    assert_string_equal(sc_sweep_name(sc, 1), "trust.review");
    assert_int_equal(sc_sweep_is_key(&sc->sweep[1]), 1);
    assert_null(sc_variant_at(sc, 0));
    ts_scenario_free(sc);

    /* Variants are sweep entry 0; with 2 seeds after them, point 5 is variant 5 / 2 = 2. */
    sc = tst_sc_load_ok(tst_sc_variants_text);
    assert_string_equal(sc_sweep_name(sc, 0), "variant");
    assert_int_equal(sc_sweep_is_key(&sc->sweep[0]), 0);
    assert_string_equal(sc_variant_at(sc, 5)->name, "chats");
    assert_string_equal(sc_variant_at(sc, 7)->name, "tuned");
    /* A copy of the variants is deep. */
    sc_variant *copy = sc_variants_dup(sc->variants, sc->n_variants);
    assert_non_null(copy);
    for (size_t i = 0; i < sc->n_variants; i++) {
        assert_string_equal(copy[i].name, sc->variants[i].name);
        assert_ptr_not_equal(copy[i].name, sc->variants[i].name);
        assert_int_equal(copy[i].n_set, sc->variants[i].n_set);
        assert_int_equal(copy[i].n_opts, sc->variants[i].n_opts);
    }
    sc_variants_free(copy, sc->n_variants);
    sc_variants_free(NULL, 3);
    ts_scenario_free(sc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_and_marks),
        cmocka_unit_test(test_type_errors),
        cmocka_unit_test(test_shape_errors),
        cmocka_unit_test(test_range_errors),
        cmocka_unit_test(test_int_accepts_integral_forms_real_accepts_ints),
        cmocka_unit_test(test_nonfinite_numbers),
        cmocka_unit_test(test_name_must_be_safe),
        cmocka_unit_test_setup_teardown(test_expected_text_of_each_type, doc_open, doc_close),
        cmocka_unit_test_setup_teardown(test_read_value_marks_its_place, doc_open, doc_close),
        cmocka_unit_test_setup_teardown(test_check_key, doc_open, doc_close),
        cmocka_unit_test_setup_teardown(test_located_error_prefixes, doc_open, doc_close),
        cmocka_unit_test(test_suggest_distance),
        cmocka_unit_test(test_list_add),
        cmocka_unit_test(test_join_identifiers_and_stems),
        cmocka_unit_test_setup_teardown(test_value_copy_and_text, doc_open, doc_close),
        cmocka_unit_test(test_grid_arithmetic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
