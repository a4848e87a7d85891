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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_and_marks),
        cmocka_unit_test(test_type_errors),
        cmocka_unit_test(test_shape_errors),
        cmocka_unit_test(test_range_errors),
        cmocka_unit_test(test_int_accepts_integral_forms_real_accepts_ints),
        cmocka_unit_test(test_nonfinite_numbers),
        cmocka_unit_test(test_name_must_be_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
