/* Integration tests of `trustsim compare` (sim/app/compare.c through the binary): a small
 * sweep of 2 grid points x 3 replicates is run, then compared: the table, the datasets
 * of /sweep/summary (read with the HDF5 C API), the CSV rows, and the exit codes of bad
 * input (baseline beyond the grid, unknown metric, missing file). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_support.h"

#include <hdf5.h>

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define TMP TS_TEST_TMPDIR "/compare"
#define H5 TMP "/blame.h5"

/* Runs argv with stdout and stderr to TMP/tag.out and TMP/tag.err; returns the exit
 * code. */
static int run_argv(char *const argv[], const char *tag) {
    char out[512], errp[512];
    snprintf(out, sizeof out, TMP "/%s.out", tag);
    snprintf(errp, sizeof errp, TMP "/%s.err", tag);
    return tst_exec((const char *const *)argv, NULL, out, errp);
}

static char *output_of(const char *tag, const char *stream) {
    char path[512];
    snprintf(path, sizeof path, TMP "/%s.%s", tag, stream);
    return tst_slurp(path);
}

static size_t count_lines(const char *s) {
    size_t n = 0;
    for (; *s; s++) {
        n += *s == '\n';
    }
    return n;
}

/* The scenario: blame swept over 2 values, 3 replicates each. */
static int setup(void **state) {
    (void)state;
    if (system("mkdir -p " TMP) != 0) {
        return -1;
    }
    FILE *f = fopen(TMP "/blame.yaml", "w");
    if (!f) {
        return -1;
    }
    fputs("name: blame\ndays: 60\nreplicates: 3\norg: {headcount: 40, warmup_days: 20}\n"
          "sweep: {culture.blame: [0.05, 0.9]}\n",
          f);
    fclose(f);
    char *argv[] = {TS_BINARY, "run", TMP "/blame.yaml", "-o", H5, "--force", "--quiet", NULL};
    return run_argv(argv, "run") == 0 ? 0 : -1;
}

/* Length of a 1-D dataset, or -1. */
static hssize_t length_of(hid_t file, const char *name) {
    hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
    if (d < 0) {
        return -1;
    }
    hid_t s = H5Dget_space(d);
    hssize_t n = H5Sget_simple_extent_ndims(s) == 1 ? H5Sget_simple_extent_npoints(s) : -1;
    H5Sclose(s);
    H5Dclose(d);
    return n;
}

static void test_compare_sweep(void **state) {
    (void)state;
    const char *csv = TMP "/blame.csv";
    remove(csv);
    char *argv[] = {TS_BINARY, "compare", H5, "--csv", (char *)csv, NULL};
    assert_int_equal(run_argv(argv, "cmp"), 0);
    char *out = output_of("cmp", "out");
    assert_non_null(strstr(out, "safety_final"));
    assert_non_null(strstr(out, "p vs baseline"));
    assert_non_null(strstr(out, "culture.blame"));
    assert_non_null(strstr(out, "baseline"));
    assert_non_null(strstr(out, "6 complete runs, 2 grid points"));
    free(out);

    /* /sweep/summary: one group per metric, 7 datasets of 2 values each; n is 3. */
    hid_t file = H5Fopen(H5, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    hid_t summary = H5Gopen2(file, "sweep/summary", H5P_DEFAULT);
    assert_true(summary >= 0);
    H5G_info_t info;
    assert_true(H5Gget_info(summary, &info) >= 0);
    size_t n_metrics = (size_t)info.nlinks;
    assert_true(n_metrics >= 5);
    static const char *const names[] = {"mean",          "sd",         "ci95_low", "ci95_high", "n",
                                        "p_vs_baseline", "effect_size"};
    char path[256];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "/sweep/summary/safety_final/%s", names[i]);
        assert_int_equal(length_of(file, path), 2);
    }
    double n[2], mean[2], lo[2], hi[2], p[2];
    hid_t d = H5Dopen2(file, "/sweep/summary/safety_final/n", H5P_DEFAULT);
    assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, n) >= 0);
    H5Dclose(d);
    d = H5Dopen2(file, "/sweep/summary/safety_final/mean", H5P_DEFAULT);
    assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, mean) >= 0);
    H5Dclose(d);
    d = H5Dopen2(file, "/sweep/summary/safety_final/ci95_low", H5P_DEFAULT);
    assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, lo) >= 0);
    H5Dclose(d);
    d = H5Dopen2(file, "/sweep/summary/safety_final/ci95_high", H5P_DEFAULT);
    assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, hi) >= 0);
    H5Dclose(d);
    d = H5Dopen2(file, "/sweep/summary/safety_final/p_vs_baseline", H5P_DEFAULT);
    assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, p) >= 0);
    H5Dclose(d);
    for (int i = 0; i < 2; i++) {
        assert_float_equal(n[i], 3.0, 0.0);
        assert_true(lo[i] <= mean[i] && mean[i] <= hi[i]);
        assert_true(mean[i] >= 0.0 && mean[i] <= 1.0);
    }
    /* Against itself the baseline's p is 1 (when there is variance); the other is a p. */
    assert_true(isnan(p[0]) || fabs(p[0] - 1.0) < 1e-12);
    assert_true(isnan(p[1]) || (p[1] >= 0.0 && p[1] <= 1.0));
    H5Gclose(summary);
    H5Fclose(file);

    /* CSV: a header and one row per (metric, grid point). */
    char *rows = tst_slurp(csv);
    assert_int_equal(count_lines(rows), 1 + 2 * n_metrics);
    assert_non_null(strstr(rows, "metric,grid_point,culture.blame,mean,sd,"));
    assert_non_null(strstr(rows, "\nsafety_final,1,0.9,"));
    free(rows);

    /* --metric restricts; a second compare replaces /sweep/summary. */
    char *one[] = {TS_BINARY, "compare", H5, "--metric", "safety_final", "--baseline", "1", NULL};
    assert_int_equal(run_argv(one, "one"), 0);
    out = output_of("one", "out");
    assert_non_null(strstr(out, "safety_final"));
    assert_null(strstr(out, "trust_final"));
    free(out);
    file = H5Fopen(H5, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    summary = H5Gopen2(file, "sweep/summary", H5P_DEFAULT);
    assert_true(H5Gget_info(summary, &info) >= 0);
    assert_int_equal(info.nlinks, 1);
    H5Gclose(summary);
    H5Fclose(file);
}

static void test_compare_bad_input(void **state) {
    (void)state;
    char *base[] = {TS_BINARY, "compare", H5, "--baseline", "5", NULL};
    assert_int_equal(run_argv(base, "base"), 2);
    char *err = output_of("base", "err");
    assert_non_null(strstr(err, "--baseline 5"));
    free(err);

    char *metric[] = {TS_BINARY, "compare", H5, "--metric", "nope", NULL};
    assert_int_equal(run_argv(metric, "metric"), 2);
    err = output_of("metric", "err");
    assert_non_null(strstr(err, "'nope'"));
    assert_non_null(strstr(err, "safety_final"));
    free(err);

    char *missing[] = {TS_BINARY, "compare", TMP "/missing.h5", NULL};
    assert_int_equal(run_argv(missing, "missing"), 2);
    err = output_of("missing", "err");
    assert_non_null(strstr(err, "missing.h5"));
    free(err);

    /* A validation file's runs belong to many patterns and arms: compare refuses it and
     * leaves it as it was (no /sweep/summary written). */
    char *make[] = {TS_BINARY,
                    "validate",
                    TS_SOURCE_DIR "/tests/fixtures/validation/tiny.yaml",
                    "--pattern",
                    "T1",
                    "--quiet",
                    "-o",
                    TMP "/validation.h5",
                    "--force",
                    NULL};
    assert_int_equal(run_argv(make, "validation"), 0);
    char *val[] = {TS_BINARY, "compare", TMP "/validation.h5", NULL};
    assert_int_equal(run_argv(val, "compare_validation"), 2);
    err = output_of("compare_validation", "err");
    assert_non_null(strstr(err, "is a validation file"));
    free(err);
    hid_t file = H5Fopen(TMP "/validation.h5", H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    assert_true(H5Lexists(file, "sweep", H5P_DEFAULT) <= 0 ||
                H5Lexists(file, "sweep/summary", H5P_DEFAULT) <= 0);
    H5Fclose(file);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compare_sweep),
        cmocka_unit_test(test_compare_bad_input),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
