/* Tests of sim/scenario/keys.c, the engine's own keys: domain names (identifiers, each
 * once) and the days of output.checkpoints and branch_day, checked when a scenario is
 * finalised, with the file, line and key in the message. (A name or day given twice is
 * refused by the schema's own check of unique list items before keys.c sees it; its
 * check of the names is ts_keys_check_domains, tested directly.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "keys.h"
#include "modules.h"

/* The first bad name and what is wrong with it. */
static void test_check_domains(void **state) {
    (void)state;
    size_t bad = 99;
    const char *ok[] = {"design", "roadmap", "people_2", "x"};
    assert_int_equal(ts_keys_check_domains(ok, 4, &bad), TS_KEYS_DOMAINS_OK);
    assert_int_equal(ts_keys_check_domains(ok, 0, &bad), TS_KEYS_DOMAINS_OK);

    char longest[TS_KEYS_DOMAIN_MAX + 2];
    memset(longest, 'a', sizeof longest);
    longest[TS_KEYS_DOMAIN_MAX] = '\0'; /* as long as allowed */
    const char *at_limit[] = {longest};
    assert_int_equal(ts_keys_check_domains(at_limit, 1, &bad), TS_KEYS_DOMAINS_OK);
    longest[TS_KEYS_DOMAIN_MAX] = 'a';
    longest[TS_KEYS_DOMAIN_MAX + 1] = '\0'; /* one more */
    assert_int_equal(ts_keys_check_domains(at_limit, 1, &bad), TS_KEYS_DOMAIN_NOT_IDENTIFIER);
    assert_int_equal(bad, 0);

    const char *not_identifiers[] = {"Design", "1st", "road-map", "_x", "", "caf\xc3\xa9"};
    for (size_t i = 0; i < sizeof not_identifiers / sizeof not_identifiers[0]; i++) {
        const char *names[] = {"design", not_identifiers[i], "also_bad-"};
        bad = 99;
        assert_int_equal(ts_keys_check_domains(names, 3, &bad), TS_KEYS_DOMAIN_NOT_IDENTIFIER);
        assert_int_equal(bad, 1);
    }
    const char *with_null[] = {"design", NULL};
    assert_int_equal(ts_keys_check_domains(with_null, 2, &bad), TS_KEYS_DOMAIN_NOT_IDENTIFIER);
    assert_int_equal(bad, 1);
    const char *twice[] = {"design", "people", "roadmap", "people"};
    assert_int_equal(ts_keys_check_domains(twice, 4, &bad), TS_KEYS_DOMAIN_DUPLICATE);
    assert_int_equal(bad, 3);
}

/* Loads and finalises text with the full schema; returns the status and leaves the message
 * in err. */
static ts_status finalize_text(const char *text, ts_error *err) {
    ts_scenario *sc = NULL;
    ts_error_clear(err);
    ts_status st = ts_scenario_load_string(ts_modules_schema(), text, "keys.yaml", NULL, &sc, err);
    if (st == TS_OK) {
        st = ts_scenario_finalize(sc, err);
    }
    ts_scenario_free(sc);
    return st;
}

/* Each problem is refused with the file, the line of the key, the key and what was
 * expected; the same scenario without it is accepted. */
static void test_validate(void **state) {
    (void)state;
    ts_error err;
    assert_int_equal(finalize_text("days: 10\ndomains: [design, people]\n"
                                   "output: {checkpoints: [0, 4, 9]}\nbranch_day: 9\n",
                                   &err),
                     TS_OK);
    static const struct {
        const char *text, *key, *line, *expected;
    } cases[] = {
        {"days: 10\ndomains: [design, Design]\n", "domains", "keys.yaml:2:", "[a-z][a-z0-9_]*"},
        {"days: 10\ndomains: [design, people, design]\n", "domains",
         "keys.yaml:2:", "(got \"design\""}, /* the schema's own check of unique names is first */
        {"days: 10\noutput: {checkpoints: [3, 10]}\n", "output.checkpoints",
         "keys.yaml:2:", "from 0 to 9"},
        {"days: 10\noutput: {checkpoints: [3, 5, 3]}\n", "output.checkpoints",
         "keys.yaml:2:", "duplicate name (got 3"}, /* as for domains, the schema's check is first */
        {"days: 10\nseed: 4\nbranch_day: 10\n", "branch_day",
         "keys.yaml:3:", "-1 or a recorded day from 0 to 9"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ts_status st = finalize_text(cases[i].text, &err);
        assert_int_not_equal(st, TS_OK);
        assert_int_equal(ts_status_exit_code(st), 2);
        assert_non_null(strstr(err.msg, cases[i].line));
        assert_non_null(strstr(err.msg, cases[i].key));
        if (!strstr(err.msg, cases[i].expected)) {
            fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, cases[i].expected);
        }
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_domains),
        cmocka_unit_test(test_validate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
