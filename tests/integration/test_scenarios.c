/* Integration tests of the scenario library (every .yaml file in scenarios/ but the
 * patterns file of `trustsim validate`, validation.yaml): each passes
 * `trustsim check`, its resolved output reloads with the same grid, and each library
 * file has the grid, replicates and header comment that it promises. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_support.h"

#include "modules.h"
#include "scenario.h"
#include "status.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SCENARIOS TS_SOURCE_DIR "/scenarios"
#define TMP TS_TEST_TMPDIR "/scenarios"

/* What each file of the library promises. */
typedef struct expected {
    const char *file;
    size_t n_points; /* 0: derived elsewhere (tactics.yaml: test_tactics_one_at_a_time) */
    int64_t replicates;
    const char *first_sweep_key; /* NULL: no sweep */
    int has_question;            /* the header states the question it answers */
} expected;

static const expected library[] = {
    {"default.yaml", 1, 1, NULL, 0},
    {"hypergrowth.yaml", 2, 10, "hiring.growth", 1},
    {"crunch.yaml", 3, 20, "variant", 1},
    {"tactics.yaml", 0, 20, "variant", 1},
    {"repair.yaml", 8, 10, "population.candor.mean", 1},
    {"transitive.yaml", 4, 10, "variant", 1},
    {"pyramid.yaml", 3, 10, "variant", 1},
    {"sensitivity.yaml", 12 * (7 + 2), 2, "culture.safety", 1}, /* Morris: r (factors + 2) */
    {"closed_teams.yaml", 6, 10, "variant", 1},
    {"ai_teammates.yaml", 4 * 5 * 2, 5, "population.ai.per_team", 1},
};
enum { N_LIBRARY = sizeof library / sizeof library[0] };

static const expected *find_expected(const char *file) {
    for (size_t i = 0; i < N_LIBRARY; i++) {
        if (strcmp(library[i].file, file) == 0) {
            return &library[i];
        }
    }
    return NULL;
}

/* Runs `TS_BINARY check path`, stdout into out_path, stderr into err_path; returns
 * the exit status. */
static int run_check(const char *path, const char *out_path, const char *err_path) {
    const char *argv[] = {TS_BINARY, "check", path, NULL};
    return tst_exec(argv, NULL, out_path, err_path);
}

/* Loads and finalizes with the real schema; fails the test on any error. */
static ts_scenario *load(const char *path) {
    ts_scenario *sc = NULL;
    ts_error err = {0};
    ts_status st = ts_scenario_load(ts_modules_schema(), path, &sc, &err);
    if (st == TS_OK) {
        st = ts_scenario_finalize(sc, &err);
    }
    if (st != TS_OK) {
        print_error("%s: %s\n", path, err.msg);
        ts_scenario_free(sc);
    }
    assert_int_equal(st, TS_OK);
    return sc;
}

static int is_yaml(const char *name) {
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".yaml") == 0;
}

/* Checks one file of scenarios/ and returns its number of grid points. */
static size_t check_file(const char *name) {
    char path[1024];
    char out[1024];
    char err[1024];
    snprintf(path, sizeof path, "%s/%s", SCENARIOS, name);
    snprintf(out, sizeof out, "%s/%s.out", TMP, name);
    snprintf(err, sizeof err, "%s/%s.err", TMP, name);
    int code = run_check(path, out, err);
    if (code != 0) {
        char *text = tst_slurp(err);
        print_error("trustsim check %s: exit %d: %s\n", name, code, text);
        free(text);
    }
    assert_int_equal(code, 0);

    ts_scenario *sc = load(path);
    size_t n = ts_scenario_n_points(sc);
    assert_true(n >= 1);
    /* Every grid point can be made (and is checked again when it is). */
    for (size_t g = 0; g < n; g++) {
        ts_scenario *pt = NULL;
        ts_error e = {0};
        ts_status st = ts_scenario_at_point(sc, g, &pt, &e);
        if (st != TS_OK) {
            print_error("%s: grid point %zu: %s\n", name, g, e.msg);
        }
        assert_int_equal(st, TS_OK);
        ts_scenario_free(pt);
    }
    /* What `check` prints is a scenario with the same grid. */
    ts_scenario *again = load(out);
    assert_int_equal(ts_scenario_n_points(again), n);
    assert_int_equal(ts_scenario_n_sweep_keys(again), ts_scenario_n_sweep_keys(sc));
    for (size_t k = 0; k < ts_scenario_n_sweep_keys(sc); k++) {
        assert_string_equal(ts_scenario_sweep_key(again, k), ts_scenario_sweep_key(sc, k));
        for (size_t g = 0; g < n; g++) {
            assert_string_equal(ts_scenario_sweep_value(again, k, g),
                                ts_scenario_sweep_value(sc, k, g));
        }
    }
    ts_scenario_free(again);

    const expected *x = find_expected(name);
    if (x != NULL) {
        if (x->n_points != 0 && n != x->n_points) {
            print_error("%s: %zu grid points, expected %zu\n", name, n, x->n_points);
        }
        assert_true(x->n_points == 0 || n == x->n_points);
        assert_int_equal(ts_scenario_int(sc, "replicates"), x->replicates);
        if (x->first_sweep_key == NULL) {
            assert_int_equal(ts_scenario_n_sweep_keys(sc), 0);
        } else {
            assert_string_equal(ts_scenario_sweep_key(sc, 0), x->first_sweep_key);
        }
        if (x->has_question) {
            char *text = tst_slurp(path);
            assert_int_equal(strncmp(text, "# Question: ", 12), 0);
            free(text);
        }
    }
    ts_scenario_free(sc);
    return n;
}

static void test_every_scenario_checks(void **state) {
    (void)state;
    mkdir(TS_TEST_TMPDIR, 0777);
    mkdir(TMP, 0777);
    DIR *dir = opendir(SCENARIOS);
    assert_non_null(dir);
    int seen[N_LIBRARY] = {0};
    size_t n_files = 0;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        /* validation.yaml lists patterns, not a scenario: test_validate_patterns loads it. */
        if (!is_yaml(de->d_name) || strcmp(de->d_name, "validation.yaml") == 0) {
            continue;
        }
        check_file(de->d_name);
        n_files++;
        const expected *x = find_expected(de->d_name);
        if (x != NULL) {
            seen[x - library]++;
        }
    }
    closedir(dir);
    /* Every file of the library is there. */
    for (size_t i = 0; i < N_LIBRARY; i++) {
        if (seen[i] != 1) {
            print_error("scenarios/%s is missing\n", library[i].file);
        }
        assert_int_equal(seen[i], 1);
    }
    assert_true(n_files >= N_LIBRARY);
}

/* tactics.yaml: point 0 has no tactic on, every other point exactly the one it is
 * named after. */
static void test_tactics_one_at_a_time(void **state) {
    (void)state;
    ts_scenario *sc = load(SCENARIOS "/tactics.yaml");
    const ts_schema *schema = ts_modules_schema();
    size_t n = ts_scenario_n_points(sc);
    size_t n_tactics = 0;
    for (size_t s = 0; s < schema->n_sections; s++) {
        n_tactics += strncmp(schema->sections[s]->name, "tactics.", 8) == 0;
    }
    /* One variant per tactic, plus none: a new tactic joins the comparison. */
    for (size_t s = 0; s < schema->n_sections; s++) {
        const char *sec = schema->sections[s]->name;
        if (strncmp(sec, "tactics.", 8) != 0) {
            continue;
        }
        size_t found = 0;
        for (size_t g = 0; g < n; g++) {
            found += strcmp(ts_scenario_sweep_value(sc, 0, g), sec + 8) == 0;
        }
        if (found != 1) {
            print_error("scenarios/tactics.yaml: %zu variants named %s (expected one that turns "
                        "on %s alone)\n",
                        found, sec + 8, sec);
        }
        assert_int_equal(found, 1);
    }
    assert_int_equal(n, n_tactics + 1);
    assert_string_equal(ts_scenario_sweep_value(sc, 0, 0), "none");
    for (size_t g = 0; g < n; g++) {
        ts_scenario *pt = NULL;
        ts_error err = {0};
        assert_int_equal(ts_scenario_at_point(sc, g, &pt, &err), TS_OK);
        const char *name = ts_scenario_sweep_value(sc, 0, g);
        size_t on = 0;
        for (size_t s = 0; s < schema->n_sections; s++) {
            const ts_section *sec = schema->sections[s];
            if (!sec->optional || !ts_scenario_section_on(pt, sec->name)) {
                continue;
            }
            on++;
            assert_string_equal(sec->name + strlen("tactics."), name);
        }
        assert_int_equal(on, g == 0 ? 0 : 1);
        ts_scenario_free(pt);
    }
    ts_scenario_free(sc);
}

/* hypergrowth.yaml: point 0 keeps its headcount, point 1 triples every year. */
static void test_hypergrowth_baseline_first(void **state) {
    (void)state;
    ts_scenario *sc = load(SCENARIOS "/hypergrowth.yaml");
    ts_scenario *pt = NULL;
    ts_error err = {0};
    assert_int_equal(ts_scenario_at_point(sc, 0, &pt, &err), TS_OK);
    assert_string_equal(ts_scenario_string(pt, "hiring.growth"), "none");
    ts_scenario_free(pt);
    assert_int_equal(ts_scenario_at_point(sc, 1, &pt, &err), TS_OK);
    assert_string_equal(ts_scenario_string(pt, "hiring.growth"), "exponential");
    assert_true(ts_scenario_real(pt, "hiring.annual_rate") == 2.0);
    assert_int_equal(ts_scenario_int(pt, "org.headcount"), 60);
    assert_true(ts_scenario_int(pt, "days") >= 2 * 365); /* two years of hypergrowth */
    ts_scenario_free(pt);
    ts_scenario_free(sc);
}

/* crunch.yaml: trust rises from variant to variant at equal competence, with the
 * incident in the middle of the run. */
static void test_crunch_trust_levels(void **state) {
    (void)state;
    ts_scenario *sc = load(SCENARIOS "/crunch.yaml");
    double blame[3];
    int64_t warmup[3];
    int n_on[3] = {0};
    const ts_schema *schema = ts_modules_schema();
    for (size_t g = 0; g < 3; g++) {
        ts_scenario *pt = NULL;
        ts_error err = {0};
        assert_int_equal(ts_scenario_at_point(sc, g, &pt, &err), TS_OK);
        blame[g] = ts_scenario_real(pt, "culture.blame");
        warmup[g] = ts_scenario_int(pt, "org.warmup_days");
        assert_true(ts_scenario_real(pt, "population.competence.mean") == 0.7);
        for (size_t s = 0; s < schema->n_sections; s++) {
            n_on[g] += strncmp(schema->sections[s]->name, "tactics.", 8) == 0 &&
                       ts_scenario_section_on(pt, schema->sections[s]->name);
        }
        /* One incident, with recorded history before it and two months after it. */
        assert_int_equal(ts_scenario_n_events(pt), 1);
        int day = ts_event_day(ts_scenario_event(pt, 0));
        assert_true(day >= 20 && day + 60 <= ts_scenario_int(pt, "days"));
        ts_scenario_free(pt);
    }
    assert_string_equal(ts_scenario_sweep_value(sc, 0, 0), "low_trust");
    assert_string_equal(ts_scenario_sweep_value(sc, 0, 2), "high_trust");
    assert_true(blame[0] > blame[1] && blame[1] > blame[2]);
    assert_true(warmup[0] < warmup[1] && warmup[1] < warmup[2]);
    assert_int_equal(n_on[0], 0);
    assert_true(n_on[1] > 0 && n_on[2] > n_on[1]);
    ts_scenario_free(sc);
}

/* transitive.yaml: transitive trust is on at every point. */
static void test_transitive_on_everywhere(void **state) {
    (void)state;
    ts_scenario *sc = load(SCENARIOS "/transitive.yaml");
    for (size_t g = 0; g < ts_scenario_n_points(sc); g++) {
        ts_scenario *pt = NULL;
        ts_error err = {0};
        assert_int_equal(ts_scenario_at_point(sc, g, &pt, &err), TS_OK);
        assert_int_equal(ts_scenario_section_on(pt, "tactics.transitive_trust"), 1);
        assert_string_equal(ts_scenario_string(pt, "hiring.growth"), "exponential");
        ts_scenario_free(pt);
    }
    ts_scenario_free(sc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_scenario_checks),
        cmocka_unit_test(test_tactics_one_at_a_time),
        cmocka_unit_test(test_hypergrowth_baseline_first),
        cmocka_unit_test(test_crunch_trust_levels),
        cmocka_unit_test(test_transitive_on_everywhere),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
