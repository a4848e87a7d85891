/* Integration tests of the mechanics of `trustsim sensitivity` (sim/app/cli_sensitivity.c,
 * sim/app/sensitivity_report.c through the binary), small enough for the sanitizer build: the
 * layout of /sensitivity (read with the HDF5 C API), the same result on 1 and 2 threads and
 * after --resume (h5diff), analysing a finished design again, and bad input refused with its
 * location and nothing written. What the analysis finds is checked by
 * tests/integration/test_sensitivity_drivers.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_support.h"

#include <hdf5.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TMP TS_TEST_TMPDIR "/sensitivity"
#define SCEN TMP "/acc.yaml"

/* The three factors in the order written; the dummy is index 3. */
enum { F_COMPETENCE, F_SNAPSHOT, F_SAFETY, F_DUMMY, F_COUNT };

static const char scenario[] = "name: acc\n"
                               "days: 60\n"
                               "org: {headcount: 30, warmup_days: 20}\n"
                               "sensitivity:\n"
                               "  samples: 4\n"
                               "  metrics: [output_per_head_mean, trust_final]\n"
                               "  factors:\n"
                               "    population.competence.mean: [0.45, 0.85]\n"
                               "    output.snapshot_every: [0, 60]\n"
                               "    culture.safety: [0.2, 0.9]\n";

static int setup(void **state) {
    (void)state;
    if (system("rm -rf " TMP " && mkdir -p " TMP) != 0) {
        return -1;
    }
    tst_write_file(SCEN, scenario);
    return 0;
}

/* /sensitivity: the factors, ranges and design; the grid keys of the runs. */
static void test_layout(void **state) {
    (void)state;
    const char *path = TMP "/layout.h5";
    const char *argv[] = {TS_BINARY, "sensitivity",     SCEN,      "-o", path,
                          "--csv",   TMP "/layout.csv", "--quiet", NULL};
    assert_int_equal(tst_run_tagged(TMP, argv, "layout"), 0);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    double low[F_COUNT], high[F_COUNT];
    tst_h5_doubles(f, "/sensitivity/low", low, F_COUNT);
    tst_h5_doubles(f, "/sensitivity/high", high, F_COUNT);
    assert_true(low[F_COMPETENCE] == 0.45 && high[F_COMPETENCE] == 0.85);
    assert_true(low[F_SNAPSHOT] == 0 && high[F_SNAPSHOT] == 60);
    assert_true(low[F_DUMMY] == 0 && high[F_DUMMY] == 1);
    hid_t d = H5Dopen2(f, "/sensitivity/design", H5P_DEFAULT);
    hid_t s = H5Dget_space(d);
    hsize_t dims[2];
    assert_int_equal(H5Sget_simple_extent_ndims(s), 2);
    H5Sget_simple_extent_dims(s, dims, NULL);
    assert_true(dims[0] == 4 * (F_COUNT + 1) && dims[1] == F_COUNT);
    H5Sclose(s);
    H5Dclose(d);
    static const char *const grid[] = {
        "/sweep/grid/population.competence.mean", "/sweep/grid/output.snapshot_every",
        "/sweep/grid/culture.safety", "/sweep/grid/sensitivity.dummy"};
    for (size_t i = 0; i < F_COUNT; i++) {
        assert_true(H5Lexists(f, grid[i], H5P_DEFAULT) > 0);
    }
    /* Each design point's output is the mean of its runs: one run here. */
    double y[4 * (F_COUNT + 1)];
    tst_h5_doubles(f, "/sensitivity/output_per_head_mean/output", y, 4 * (F_COUNT + 1));
    for (size_t g = 0; g < 4 * (F_COUNT + 1); g++) {
        assert_true(isfinite(y[g]) && y[g] > 0);
    }
    H5Fclose(f);
    /* `trustsim info` says what /sensitivity holds. */
    const char *info[] = {TS_BINARY, "info", path, NULL};
    assert_int_equal(tst_run_tagged(TMP, info, "info"), 0);
    char *text = tst_tagged_output(TMP, "info", "out");
    assert_non_null(strstr(text, "\n/sensitivity (trustsim sensitivity"));
    assert_non_null(strstr(text, "\n  method         morris\n"));
    assert_non_null(strstr(text, "output_per_head_mean"));
    free(text);
}

/* The same analysis on 1 and 2 threads, and after --resume added a replicate to a file that
 * had one (the analysis of two replicates run in one go). */
static void test_threads_and_resume(void **state) {
    (void)state;
    /* A smaller design: 4 trajectories, 2 replicates. */
    const char *one[] = {TS_BINARY,   "sensitivity", SCEN,    "-o",           TMP "/t1.h5",
                         "--threads", "1",           "--set", "replicates=2", "--samples",
                         "4",         "--quiet",     NULL};
    const char *two[] = {TS_BINARY,   "sensitivity", SCEN,    "-o",           TMP "/t2.h5",
                         "--threads", "2",           "--set", "replicates=2", "--samples",
                         "4",         "--quiet",     NULL};
    assert_int_equal(tst_run_tagged(TMP, one, "t1"), 0);
    assert_int_equal(tst_run_tagged(TMP, two, "t2"), 0);
    assert_int_equal(system("h5diff -q " TMP "/t1.h5 " TMP "/t2.h5 /sensitivity /sensitivity"), 0);
    /* A first replicate only, with `trustsim run`; then the rest with --resume. */
    const char *first[] = {
        TS_BINARY, "run", SCEN, "-o", TMP "/r.h5", "--set", "sensitivity.samples=4",
        "--quiet", NULL};
    const char *rest[] = {TS_BINARY, "sensitivity",  SCEN,        "-o", TMP "/r.h5", "--resume",
                          "--set",   "replicates=2", "--samples", "4",  "--quiet",   NULL};
    assert_int_equal(tst_run_tagged(TMP, first, "r1"), 0);
    assert_int_equal(tst_run_tagged(TMP, rest, "r2"), 0);
    assert_int_equal(system("h5diff -q " TMP "/t1.h5 " TMP "/r.h5 /sensitivity /sensitivity"), 0);
    /* Analysed again without running: other metrics and resamples are not another scenario. */
    const char *again[] = {TS_BINARY,  "sensitivity", SCEN,           "-o",        TMP "/t1.h5",
                           "--resume", "--set",       "replicates=2", "--samples", "4",
                           "--metric", "trust_final", "--bootstrap",  "100",       NULL};
    assert_int_equal(tst_run_tagged(TMP, again, "again"), 0);
    char *text = tst_tagged_output(TMP, "again", "err");
    assert_non_null(strstr(text, "0 runs"));
    free(text);
    hid_t f = H5Fopen(TMP "/t1.h5", H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(H5Lexists(f, "/sensitivity/trust_final", H5P_DEFAULT) > 0);
    assert_true(H5Lexists(f, "/sensitivity/output_per_head_mean", H5P_DEFAULT) == 0);
    hid_t g = H5Gopen2(f, "/sensitivity", H5P_DEFAULT);
    hid_t a = H5Aopen(g, "bootstrap", H5P_DEFAULT);
    uint64_t boot = 0;
    H5Aread(a, H5T_NATIVE_UINT64, &boot);
    assert_int_equal(boot, 100);
    H5Aclose(a);
    H5Gclose(g);
    H5Fclose(f);
    /* Differently seeded, the outputs differ (the comparison above can fail). */
    const char *other[] = {TS_BINARY, "sensitivity",  SCEN,    "-o",     TMP "/t3.h5",
                           "--set",   "replicates=2", "--set", "seed=9", "--samples",
                           "4",       "--quiet",      NULL};
    assert_int_equal(tst_run_tagged(TMP, other, "t3"), 0);
    assert_int_not_equal(
        system("h5diff -q " TMP "/t1.h5 " TMP "/t3.h5 /sensitivity /sensitivity >/dev/null 2>&1"),
        0);
}

/* Bad input: exit 2, the location in the message, no file. */
static void expect_refused(const char *yaml_tail, const char *const *extra, const char *frag) {
    char yaml[1024];
    snprintf(yaml, sizeof yaml, "days: 30\norg: {headcount: 20, warmup_days: 5}\n%s", yaml_tail);
    tst_write_file(TMP "/bad.yaml", yaml);
    unlink(TMP "/bad.h5");
    const char *argv[16] = {TS_BINARY, "sensitivity", TMP "/bad.yaml",
                            "-o",      TMP "/bad.h5", "--quiet"};
    size_t n = 6;
    for (; extra && *extra; extra++) {
        argv[n++] = *extra;
    }
    argv[n] = NULL;
    assert_int_equal(tst_run_tagged(TMP, argv, "bad"), 2);
    char *err = tst_tagged_output(TMP, "bad", "err");
    if (strstr(err, frag) == NULL) {
        fail_msg("stderr \"%s\" lacks \"%s\"", err, frag);
    }
    free(err);
    assert_false(tst_exists(TMP "/bad.h5"));
}

static void test_bad_input(void **state) {
    (void)state;
    expect_refused("sensitivity:\n  factors: {culture.safty: [0.2, 0.9]}\n", NULL,
                   "bad.yaml:4:13: sensitivity.factors.culture.safty: unknown key (did you mean "
                   "sensitivity.factors.culture.safety?)");
    expect_refused("sensitivity:\n  factors: {culture.safety: [0.2, 1.5]}\n", NULL,
                   "bad.yaml:4:35: sensitivity.factors.culture.safety: out of range (got 1.5, "
                   "expected a number in [0, 1])");
    expect_refused("sensitivity:\n  metrics: [trust_finale]\n"
                   "  factors: {culture.safety: [0.2, 0.9]}\n",
                   NULL, "bad.yaml:4:12: sensitivity.metrics: unknown metric (got trust_finale");
    static const char *const metric[] = {"--metric", "no_such_metric", NULL};
    expect_refused("sensitivity:\n  factors: {culture.safety: [0.2, 0.9]}\n", metric,
                   "unknown metric (got no_such_metric, expected the summary scalars the "
                   "scenario's runs write: trust_final");
    static const char *const factor[] = {"--factor", "culture.safety=0.2:1.5", NULL};
    expect_refused("", factor,
                   "--set sensitivity.factors.culture.safety=[0.2, 1.5]: "
                   "sensitivity.factors.culture.safety: out of range");
    expect_refused("", NULL, "no sensitivity factors");
    static const char *const method[] = {"--factor", "culture.safety=0.2:0.9", "--method", "sobl",
                                         NULL};
    expect_refused("", method, "--method: invalid value 'sobl' (expected morris or sobol)");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_threads_and_resume),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
