/* Tests of sim/scenario/scenario.c against the real schema (models/modules.h): every bad
 * scenario tests/fixtures/bad/NAME.yaml that has a NAME.err must be refused as a bad
 * scenario with exactly the one-line message in NAME.err. Files without a .err (the
 * partner of an extends cycle, NAME.yaml.part) are only loaded through another file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "modules.h"
#include "scenario.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FIXTURE_DIR "tests/fixtures/bad"

enum { MAX_FIXTURES = 256, MIN_FIXTURES = 19 };

static char *fixture_names[MAX_FIXTURES];
static size_t n_fixtures;

static int ends_with(const char *s, const char *tail) {
    size_t n = strlen(s);
    size_t t = strlen(tail);
    return n > t && strcmp(s + n - t, tail) == 0;
}

/* The whole of a small text file, without its trailing newlines; NULL if unreadable. */
static char *read_text(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    char *buf = calloc(1, 4096);
    size_t n = buf ? fread(buf, 1, 4095, f) : 0;
    fclose(f);
    while (buf != NULL && n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) {
        buf[--n] = '\0';
    }
    return buf;
}

static int name_cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_fixture(void **state) {
    const char *name = *state;
    char yaml[512];
    char err_path[512];
    snprintf(yaml, sizeof yaml, FIXTURE_DIR "/%s.yaml", name);
    snprintf(err_path, sizeof err_path, FIXTURE_DIR "/%s.err", name);
    char *expected = read_text(err_path);
    assert_non_null(expected);

    const ts_schema *schema = ts_modules_schema();
    assert_non_null(schema);
    ts_scenario *sc = NULL;
    ts_error err = {0};
    ts_status st = ts_scenario_load(schema, yaml, &sc, &err);
    if (st == TS_OK) {
        st = ts_scenario_finalize(sc, &err);
        ts_scenario_free(sc);
    }
    if (st != TS_ERR_SCENARIO || strcmp(err.msg, expected) != 0) {
        print_error("fixture %s\n  expected: %s\n  got (%d): %s\n", name, expected, (int)st,
                    err.msg);
    }
    assert_int_equal(st, TS_ERR_SCENARIO);
    assert_string_equal(err.msg, expected);
    free(expected);
}

/* Every NAME.yaml has its NAME.err, so that no fixture is silently skipped, and the
 * default scenario itself loads cleanly with the same schema. */
static void test_every_fixture_has_a_message(void **state) {
    (void)state;
    DIR *dir = opendir(FIXTURE_DIR);
    struct dirent *de;
    size_t n_yaml = 0;
    assert_non_null(dir);
    while ((de = readdir(dir)) != NULL) {
        if (ends_with(de->d_name, ".yaml")) {
            char err_path[512];
            snprintf(err_path, sizeof err_path, FIXTURE_DIR "/%.*s.err",
                     (int)(strlen(de->d_name) - 5), de->d_name);
            if (access(err_path, R_OK) != 0) {
                print_error("%s has no .err file\n", de->d_name);
            }
            assert_int_equal(access(err_path, R_OK), 0);
            n_yaml++;
        }
    }
    closedir(dir);
    assert_int_equal(n_yaml, n_fixtures);
    assert_true(n_fixtures >= MIN_FIXTURES);

    ts_scenario *sc = NULL;
    ts_error err = {0};
    ts_status st = ts_scenario_load(ts_modules_schema(), "scenarios/default.yaml", &sc, &err);
    if (st == TS_OK) {
        st = ts_scenario_finalize(sc, &err);
    }
    if (st != TS_OK) {
        print_error("scenarios/default.yaml: %s\n", err.msg);
    }
    assert_int_equal(st, TS_OK);
    ts_scenario_free(sc);
}

static int collect_fixtures(void) {
    DIR *dir = opendir(FIXTURE_DIR);
    struct dirent *de;
    if (dir == NULL) {
        return 0;
    }
    while ((de = readdir(dir)) != NULL && n_fixtures < MAX_FIXTURES) {
        if (ends_with(de->d_name, ".err")) {
            fixture_names[n_fixtures++] = strndup(de->d_name, strlen(de->d_name) - 4);
        }
    }
    closedir(dir);
    qsort(fixture_names, n_fixtures, sizeof *fixture_names, name_cmp);
    return 1;
}

int main(void) {
    static struct CMUnitTest tests[MAX_FIXTURES + 1];
    if (chdir(TS_SOURCE_DIR) != 0 || !collect_fixtures()) {
        fprintf(stderr, "cannot read %s/%s\n", TS_SOURCE_DIR, FIXTURE_DIR);
        return 1;
    }
    tests[0] = (struct CMUnitTest)cmocka_unit_test(test_every_fixture_has_a_message);
    for (size_t i = 0; i < n_fixtures; i++) {
        tests[i + 1] = (struct CMUnitTest){
            .name = fixture_names[i],
            .test_func = test_fixture,
            .initial_state = fixture_names[i],
        };
    }
    int failed = _cmocka_run_group_tests("fixtures", tests, n_fixtures + 1, NULL, NULL);
    for (size_t i = 0; i < n_fixtures; i++) {
        free(fixture_names[i]);
    }
    return failed;
}
