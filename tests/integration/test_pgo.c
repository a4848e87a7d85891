/* Integration tests of the profile-guided build (CMakeLists.txt, TRUSTSIM_PGO): the
 * binary compiled with the training profile computes the same values as the instrumented
 * binary it was trained with, which is compiled without a profile (h5diff on every run's
 * datasets: the default scenario and every tactic of scenarios/tactics.yaml), and each
 * binary says which it is. A tree without the profile (Debug, the sanitizers, another
 * compiler, -DTRUSTSIM_PGO=OFF) checks that its binary says so. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define TMP TS_TEST_TMPDIR "/pgo"

static int setup(void **state) {
    (void)state;
    int st = system("mkdir -p " TMP);
    /* The instrumented binary writes its counts where GCOV_PREFIX says, not into the
     * profile the build trained. */
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 && setenv("GCOV_PREFIX", TMP "/gcov", 1) == 0 ? 0
                                                                                               : -1;
}

/* The `build:` line of `BINARY --version`, tagged TAG (the caller frees it). */
static char *build_line(const char *binary, const char *tag) {
    const char *argv[] = {binary, "--version", NULL};
    assert_int_equal(tst_run_tagged(TMP, argv, tag), 0);
    char *out = tst_tagged_output(TMP, tag, "out");
    char *line = strstr(out, "build: ");
    assert_non_null(line);
    char *end = strchr(line, '\n');
    char *copy = strndup(line, end ? (size_t)(end - line) : strlen(line));
    free(out);
    return copy;
}

#ifdef TS_PGO_BINARY

/* Runs BINARY on the scenario file with the extra arguments (NULL-terminated) into
 * TMP/OUT.h5. */
static void run_into(const char *binary, const char *scenario, const char *out, const char *seed,
                     const char *const *extra) {
    char path[512];
    snprintf(path, sizeof path, TMP "/%s.h5", out);
    const char *argv[32] = {binary, "run",       scenario, "-o",      path,     "--seed",
                            seed,   "--threads", "2",      "--force", "--quiet"};
    size_t n = 11;
    for (; *extra; extra++) {
        assert_true(n + 1 < sizeof argv / sizeof argv[0]);
        argv[n++] = *extra;
    }
    argv[n] = NULL;
    assert_int_equal(tst_run_tagged(TMP, argv, out), 0);
}

static void test_says_which_build(void **state) {
    (void)state;
    char *trained = build_line(TS_BINARY, "version_trained");
    char *instrumented = build_line(TS_PGO_BINARY, "version_instrumented");
    assert_non_null(strstr(trained, "profile-guided"));
    assert_null(strstr(trained, "instrumented"));
    assert_non_null(strstr(instrumented, "instrumented"));
    free(trained);
    free(instrumented);
}

/* The default scenario, shortened to 200 days (its incident on day 180), three replicates: the same
 * datasets bit for bit; and the comparison can fail (another seed). */
static void test_default_same_values(void **state) {
    (void)state;
    const char *extra[] = {"--set", "days=200", "--set", "replicates=3", NULL};
    const char *scenario = TS_SOURCE_DIR "/scenarios/default.yaml";
    run_into(TS_BINARY, scenario, "default_trained", "1", extra);
    run_into(TS_PGO_BINARY, scenario, "default_instrumented", "1", extra);
    run_into(TS_BINARY, scenario, "default_seed2", "2", extra);
    assert_true(tst_same_runs(TMP "/default_trained.h5", TMP "/default_instrumented.h5", 3));
    assert_false(tst_same_runs(TMP "/default_trained.h5", TMP "/default_seed2.h5", 3));
}

/* Each tactic alone (scenarios/tactics.yaml, one replicate of each arm, shortened): code
 * the training ran little or not at all is compiled as without a profile, and computes
 * the same. */
static void test_tactics_same_values(void **state) {
    (void)state;
    const char *extra[] = {"--set",        "days=60",   "--set",
                           "replicates=1", "--set",     "org.warmup_days=30",
                           "--set",        "events=[]", NULL};
    const char *scenario = TS_SOURCE_DIR "/scenarios/tactics.yaml";
    run_into(TS_BINARY, scenario, "tactics_trained", "3", extra);
    run_into(TS_PGO_BINARY, scenario, "tactics_instrumented", "3", extra);
    /* As many runs as the scenario has arms: count them in the file. */
    FILE *p = popen("h5ls " TMP "/tactics_trained.h5/runs | wc -l", "r");
    assert_non_null(p);
    int n_runs = 0;
    assert_int_equal(fscanf(p, "%d", &n_runs), 1);
    pclose(p);
    assert_true(n_runs > 10);
    assert_true(tst_same_runs(TMP "/tactics_trained.h5", TMP "/tactics_instrumented.h5", n_runs));
}

#else

/* Without the profile-guided build, the binary says it was built without a profile. */
static void test_says_which_build(void **state) {
    (void)state;
    char *line = build_line(TS_BINARY, "version");
    assert_non_null(strstr(line, "without a profile"));
    free(line);
}

#endif

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_says_which_build),
#ifdef TS_PGO_BINARY
        cmocka_unit_test(test_default_same_values),
        cmocka_unit_test(test_tactics_same_values),
#endif
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
