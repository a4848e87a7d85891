/* Tests of sim/app/validate_patterns.c: every bad patterns file tests/fixtures/validation/bad/
 * NAME.yaml is refused with exactly the one-line message of NAME.err (FILE:LINE:COL and
 * key path, also for errors the scenario loader finds in a pattern's scenario, arms and
 * quick overrides); good files load into patterns whose scenario has the arms as variants
 * and the seeds as replicates; --quick, --set (before the arms, only in the selected
 * patterns), --pattern and extends (beside the patterns file) do what they say. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc_fail.h"
#include "modules.h"
#include "test_support.h"
#include "validate_internal.h"

#define BAD_DIR "tests/fixtures/validation/bad"
#define TINY "tests/fixtures/validation/tiny.yaml"

enum { MAX_FIXTURES = 128, MIN_FIXTURES = 30 };

static char *fixture_names[MAX_FIXTURES];
static size_t n_fixtures;

static int ends_with(const char *s, const char *tail) {
    size_t n = strlen(s), t = strlen(tail);
    return n > t && strcmp(s + n - t, tail) == 0;
}

static int name_cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads the patterns file at path as `trustsim validate` would (display name = path). */
static ts_status load(const char *path, int quick, const char *const *sets, size_t n_sets,
                      const char *const *ids, size_t n_ids, ts_vset **out, ts_error *err) {
    char *text = tst_slurp(path);
    char dir[512];
    const char *slash = strrchr(path, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path + 1) : 0, path);
    ts_vload o = {.text = text,
                  .file = path,
                  .dir = dir,
                  .schema = ts_modules_schema(),
                  .quick = quick,
                  .sets = sets,
                  .n_sets = n_sets,
                  .ids = ids,
                  .n_ids = n_ids};
    ts_error_clear(err);
    ts_status st = ts_vset_load(&o, out, err);
    free(text);
    return st;
}

static ts_vset *load_ok(const char *path, int quick, const char *const *sets, size_t n_sets,
                        const char *const *ids, size_t n_ids) {
    ts_vset *s = NULL;
    ts_error err;
    ts_status st = load(path, quick, sets, n_sets, ids, n_ids, &s, &err);
    if (st != TS_OK) {
        fail_msg("%s: %s", path, err.msg);
    }
    return s;
}

/* ---- Bad files -------------------------------------------------------------------------- */

static void test_fixture(void **state) {
    const char *name = *state;
    char yaml[512], err_path[512];
    snprintf(yaml, sizeof yaml, BAD_DIR "/%s.yaml", name);
    snprintf(err_path, sizeof err_path, BAD_DIR "/%s.err", name);
    char *expected = tst_slurp(err_path);
    expected[strcspn(expected, "\n")] = '\0';
    ts_vset *s = NULL;
    ts_error err;
    /* --quick, so that the quick overrides are read too. */
    ts_status st = load(yaml, 1, NULL, 0, NULL, 0, &s, &err);
    if (strcmp(err.msg, expected) != 0) {
        print_error("fixture %s\n  expected: %s\n  got (%d): %s\n", name, expected, (int)st,
                    err.msg);
    }
    assert_true(st == TS_ERR_SCENARIO || st == TS_ERR_PARAM);
    assert_string_equal(err.msg, expected);
    assert_null(s);
    free(expected);
}

static void test_every_fixture_has_a_message(void **state) {
    (void)state;
    DIR *dir = opendir(BAD_DIR);
    struct dirent *de;
    size_t n_yaml = 0;
    assert_non_null(dir);
    while ((de = readdir(dir)) != NULL) {
        if (ends_with(de->d_name, ".yaml")) {
            char err_path[512];
            snprintf(err_path, sizeof err_path, BAD_DIR "/%.*s.err", (int)(strlen(de->d_name) - 5),
                     de->d_name);
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
}

/* ---- Good files ------------------------------------------------------------------------- */

static void test_tiny_file(void **state) {
    (void)state;
    ts_vset *s = load_ok(TINY, 0, NULL, 0, NULL, 0);
    assert_int_equal(s->n, 2);
    assert_string_equal(s->description, "Test patterns, one built to pass and one to fail.");
    const ts_vpattern *t1 = &s->p[0], *t2 = &s->p[1];
    assert_string_equal(t1->id, "T1");
    assert_string_equal(t1->source, "the test suite");
    assert_true(t1->selected && t2->selected);
    /* No arms: one, called base. */
    assert_int_equal(t1->n_arms, 1);
    assert_string_equal(ts_vpattern_arm(t1, 0), "base");
    assert_int_equal(t1->seeds, 3);
    assert_int_equal(ts_scenario_int(t1->sc, "replicates"), 3);
    assert_int_equal(t1->n_checks, 3);
    assert_int_equal(t1->checks[1].m.kind, TS_VM_RATIO);
    assert_int_equal(t1->checks[0].cmp, TS_VC_SINGLE);
    assert_float_equal(t1->checks[0].min, 15.0, 0.0);
    assert_float_equal(t1->checks[0].max, 25.0, 0.0);
    assert_true(isnan(t1->checks[2].max));
    /* Two arms, in order, as the variants of the pattern's scenario. */
    assert_int_equal(t2->n_arms, 2);
    assert_int_equal(ts_scenario_n_sweep_keys(t2->sc), 1);
    assert_string_equal(ts_scenario_sweep_key(t2->sc, 0), "variant");
    assert_string_equal(ts_vpattern_arm(t2, 0), "growth");
    assert_string_equal(ts_vpattern_arm(t2, 1), "steady");
    const ts_vcheck *k = &t2->checks[1];
    assert_int_equal(k->cmp, TS_VC_RATIO);
    assert_true(k->arm == 0 && k->arm_b == 1);
    assert_int_equal(t2->checks[0].cmp, TS_VC_DIFFERENCE);
    assert_float_equal(t2->checks[0].t_min, 2.0, 0.0);
    assert_true(isnan(t2->checks[1].t_min) && isnan(t2->checks[1].d_max));
    ts_error err;
    ts_scenario *growth = NULL, *steady = NULL;
    assert_int_equal(ts_scenario_at_point(t2->sc, 0, &growth, &err), TS_OK);
    assert_int_equal(ts_scenario_at_point(t2->sc, 1, &steady, &err), TS_OK);
    assert_string_equal(ts_scenario_string(growth, "hiring.growth"), "exponential");
    assert_string_equal(ts_scenario_string(steady, "hiring.growth"), "none");
    assert_float_equal(ts_scenario_real(steady, "hiring.annual_rate"), 2.0, 0.0);
    assert_int_equal(ts_scenario_int(steady, "days"), 30);
    ts_scenario_free(growth);
    ts_scenario_free(steady);
    ts_vset_free(s);
}

static void test_quick(void **state) {
    (void)state;
    /* Defaults: 2 quick seeds and 20 days. */
    ts_vset *s = load_ok(TINY, 1, NULL, 0, NULL, 0);
    assert_int_equal(s->p[0].seeds, 2);
    assert_int_equal(ts_scenario_int(s->p[0].sc, "days"), 20);
    assert_int_equal(ts_scenario_int(s->p[1].sc, "replicates"), 2);
    ts_vset_free(s);
    /* A pattern's quick keys come after the defaults'; without quick seeds anywhere, at
     * most 3. */
    const char *path = TS_TEST_TMPDIR "/quick_patterns.yaml";
    tst_write_file(path, "defaults: {quick: {scenario: {days: 9, org.headcount: 12}}}\n"
                         "patterns:\n"
                         "  - id: Q\n    title: t\n    question: q\n    source: s\n"
                         "    scenario: {days: 40, org: {warmup_days: 0}}\n"
                         "    seeds: 7\n"
                         "    quick: {scenario: {days: 8}}\n"
                         "    checks: [{name: c, measure: {summary: trust_final}, target: {min: "
                         "0}}]\n");
    s = load_ok(path, 1, NULL, 0, NULL, 0);
    assert_int_equal(s->p[0].seeds, 3);
    assert_int_equal(ts_scenario_int(s->p[0].sc, "days"), 8);
    assert_int_equal(ts_scenario_int(s->p[0].sc, "org.headcount"), 12);
    ts_vset_free(s);
    s = load_ok(path, 0, NULL, 0, NULL, 0);
    assert_int_equal(s->p[0].seeds, 7);
    assert_int_equal(ts_scenario_int(s->p[0].sc, "days"), 40);
    assert_int_equal(ts_scenario_int(s->p[0].sc, "org.headcount"), 150);
    ts_vset_free(s);
}

static void test_sets_and_selection(void **state) {
    (void)state;
    /* --set applies before the arms: an arm still varies what it varies. */
    const char *sets[] = {"hiring.growth=linear", "org.headcount=40"};
    ts_vset *s = load_ok(TINY, 0, sets, 2, NULL, 0);
    ts_error err;
    ts_scenario *g = NULL;
    assert_int_equal(ts_scenario_at_point(s->p[1].sc, 0, &g, &err), TS_OK);
    assert_string_equal(ts_scenario_string(g, "hiring.growth"), "exponential");
    assert_int_equal(ts_scenario_int(g, "org.headcount"), 40);
    ts_scenario_free(g);
    assert_string_equal(ts_scenario_string(s->p[0].sc, "hiring.growth"), "linear");
    ts_vset_free(s);
    /* Only the selected patterns get the --sets; the others are still read and checked. */
    const char *ids[] = {"T2"};
    s = load_ok(TINY, 0, sets, 2, ids, 1);
    assert_false(s->p[0].selected);
    assert_true(s->p[1].selected);
    assert_int_equal(ts_scenario_int(s->p[0].sc, "org.headcount"), 20);
    assert_int_equal(ts_scenario_int(s->p[1].sc, "org.headcount"), 40);
    ts_vset_free(s);
    /* A bad --set is reported as run's are, naming the pattern. */
    const char *bad[] = {"org.headcountt=3"};
    assert_int_equal(load(TINY, 0, bad, 1, NULL, 0, &s, &err), TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "--set org.headcountt=3: org.headcountt: unknown key"));
    assert_non_null(strstr(err.msg, "(in pattern T1)"));
    assert_null(s);
    const char *wrong[] = {"trust.review_threshold=0.95"};
    assert_int_equal(load(TINY, 0, wrong, 1, NULL, 0, &s, &err), TS_ERR_SCENARIO);
    assert_string_equal(err.msg, "--set trust.review_threshold=0.95: trust.review_threshold: "
                                 "must not exceed trust.delegate_threshold (got 0.95, expected "
                                 "<= 0.6) (in pattern T1)");
    /* An unknown --pattern id names the ones there are. */
    const char *unknown[] = {"T1", "T9"};
    assert_int_equal(load(TINY, 0, NULL, 0, unknown, 2, &s, &err), TS_ERR_PARAM);
    assert_string_equal(err.msg,
                        "--pattern T9: no such pattern in " TINY " (expected one of T1, T2)");
    assert_null(s);
}

static void test_extends_beside_the_file(void **state) {
    (void)state;
    ts_vset *s = load_ok("tests/fixtures/validation/extends.yaml", 0, NULL, 0, NULL, 0);
    const ts_vpattern *p = &s->p[0];
    assert_int_equal(ts_scenario_int(p->sc, "org.headcount"), 14);
    assert_int_equal(ts_scenario_int(p->sc, "days"), 10);
    /* The variants it extends are replaced by the pattern's one arm. */
    assert_int_equal(p->n_arms, 1);
    assert_string_equal(ts_vpattern_arm(p, 0), "base");
    ts_vset_free(s);
}

static void test_real_patterns_file(void **state) {
    (void)state;
    /* The file in the tree and the copy compiled in are the same and load. */
    char *text = tst_slurp("scenarios/validation.yaml");
    assert_string_equal(text, ts_validation_patterns_yaml);
    free(text);
    for (int quick = 0; quick <= 1; quick++) {
        ts_vset *s = load_ok("scenarios/validation.yaml", quick, NULL, 0, NULL, 0);
        assert_true(s->n >= 2);
        ts_vset_free(s);
    }
}

static int collect_fixtures(void) {
    DIR *dir = opendir(BAD_DIR);
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

/* ---- Running out of memory ------------------------------------------------------------ */

static int patterns_failing(void *ctx) {
    const ts_vload *o = ctx;
    ts_vset *set = NULL;
    ts_error err;
    ts_error_clear(&err);
    ts_status st = ts_vset_load(o, &set, &err);
    tst_alloc_stop();
    ts_vset_free(set);
    return tst_alloc_nomem(st, &err);
}

/* Every allocation of reading a patterns file (its patterns, measures and every arm's
 * scenario) fails once, in turn: each time the load reports TS_ERR_NOMEM with its message,
 * and nothing crashes or leaks (the sanitizer tree). */
static void test_tiny_out_of_memory(void **state) {
    (void)state;
    char *text = tst_slurp(TINY);
    ts_vload o = {.text = text,
                  .file = TINY,
                  .dir = "tests/fixtures/validation/",
                  .schema = ts_modules_schema()};
    tst_alloc_sweep s = tst_alloc_fail_each(TINY, patterns_failing, &o);
    assert_true(s.failed >= 10 && s.reported == s.failed);
    free(text);
}

int main(void) {
    static struct CMUnitTest tests[MAX_FIXTURES + 8];
    size_t n = 0;
    if (chdir(TS_SOURCE_DIR) != 0 || !collect_fixtures()) {
        fprintf(stderr, "cannot read %s/%s\n", TS_SOURCE_DIR, BAD_DIR);
        return 1;
    }
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_every_fixture_has_a_message);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_tiny_file);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_quick);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_sets_and_selection);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_extends_beside_the_file);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_real_patterns_file);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_tiny_out_of_memory);
    for (size_t i = 0; i < n_fixtures; i++) {
        tests[n++] = (struct CMUnitTest){
            .name = fixture_names[i],
            .test_func = test_fixture,
            .initial_state = fixture_names[i],
        };
    }
    int rc = _cmocka_run_group_tests("validate_patterns", tests, n, NULL, NULL);
    for (size_t i = 0; i < n_fixtures; i++) {
        free(fixture_names[i]);
    }
    return rc;
}
