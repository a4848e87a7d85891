/* Integration tests of `trustsim calibrate` and `trustsim run --posterior` (sim/app/calibrate.c,
 * sim/app/cli_calibrate.c, sim/app/posterior.c through the binary), at a size small enough for the
 * sanitizer build: the layout of /calibration (read with the HDF5 C API) and its counts
 * derived from the targets file, the check's runs, the table; the same calibration on 1 and
 * 2 threads (h5diff); a sweep run over the posterior with one draw per replicate shared by
 * the grid points; and bad input refused with its location and nothing written. The
 * recovery of known parameters is tests/integration/test_calibrate_identify.c. */
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

#define TMP TS_TEST_TMPDIR "/calibrate"
#define SCEN TMP "/small.yaml"
#define TARGETS TMP "/targets.yaml"
#define CAL TMP "/cal.h5"

enum { PARTICLES = 20, MAX_RUNS = 60, CHECK_RUNS = 4 };

static int setup(void **state) {
    (void)state;
    if (system("rm -rf " TMP " && mkdir -p " TMP) != 0) {
        return -1;
    }
    tst_write_file(SCEN, "name: small\ndays: 30\norg: {headcount: 20, warmup_days: 5}\n");
    char text[1024];
    snprintf(text, sizeof text,
             "targets:\n"
             "  - {metric: safety_mean, stat: mean, window: [1, 30], value: 0.55, sd: 0.02}\n"
             "  - {metric: trust_final, value: 0.45, tolerance: 0.05}\n"
             "parameters:\n"
             "  culture.safety: [0.2, 0.9]\n"
             "  org.span_of_control: [3, 9]\n"
             "particles: %d\nmax_runs: %d\n",
             PARTICLES, MAX_RUNS);
    tst_write_file(TARGETS, text);
    const char *argv[] = {TS_BINARY, "calibrate", SCEN,           "--targets", TARGETS, "-o",
                          CAL,       "--quiet",   "--check-runs", "4",         NULL};
    return tst_run_tagged(TMP, argv, "cal") == 0 ? 0 : -1;
}

static hsize_t dims_of(hid_t f, const char *name, hsize_t *second) {
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    if (d < 0) {
        fail_msg("no dataset %s", name);
    }
    hid_t s = H5Dget_space(d);
    hsize_t dims[2] = {0, 0};
    int rank = H5Sget_simple_extent_dims(s, dims, NULL);
    *second = rank == 2 ? dims[1] : 0;
    H5Sclose(s);
    H5Dclose(d);
    return dims[0];
}

static uint64_t attr_u64(hid_t loc, const char *name) {
    uint64_t v = 0;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    assert_true(a >= 0);
    assert_true(H5Aread(a, H5T_NATIVE_UINT64, &v) >= 0);
    H5Aclose(a);
    return v;
}

/* /calibration: counts that follow from the targets file; the posterior inside the prior;
 * the check's runs in /runs with their draws as attributes. */
static void test_layout(void **state) {
    (void)state;
    hid_t f = H5Fopen(CAL, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    hid_t g = H5Gopen2(f, "calibration", H5P_DEFAULT);
    assert_true(g >= 0);
    uint64_t runs = attr_u64(g, "runs"), gens = attr_u64(g, "generations");
    size_t kept = PARTICLES / 2;
    assert_int_equal(attr_u64(g, "particles"), PARTICLES);
    assert_true(runs <= MAX_RUNS && gens >= 2);
    assert_int_equal(runs, PARTICLES + (PARTICLES - kept) * (gens - 1));
    hsize_t cols;
    assert_int_equal(dims_of(f, "/calibration/history/points", &cols), runs);
    assert_int_equal(cols, 2);
    assert_int_equal(dims_of(f, "/calibration/history/stats", &cols), runs);
    assert_int_equal(cols, 2);
    assert_int_equal(dims_of(f, "/calibration/tolerance", &cols), gens);
    assert_int_equal(dims_of(f, "/calibration/posterior/particles", &cols), kept);
    double x[2 * PARTICLES], w[PARTICLES], tol[64];
    tst_h5_doubles(f, "/calibration/posterior/particles", x, 2 * kept);
    tst_h5_doubles(f, "/calibration/posterior/weights", w, kept);
    assert_true(gens <= 64);
    tst_h5_doubles(f, "/calibration/tolerance", tol, gens);
    double sum = 0.0;
    for (size_t i = 0; i < kept; i++) {
        assert_true(x[2 * i] >= 0.2 && x[2 * i] <= 0.9);
        assert_true(x[2 * i + 1] >= 3 && x[2 * i + 1] <= 9 && x[2 * i + 1] == floor(x[2 * i + 1]));
        sum += w[i];
    }
    assert_true(fabs(sum - 1.0) < 1e-9);
    for (size_t i = 1; i < gens; i++) {
        assert_true(tol[i] <= tol[i - 1]);
    }
    assert_int_equal(dims_of(f, "/calibration/check/inside", &cols), 2);
    H5Gclose(g);
    /* The check's runs, each at a posterior draw stored as its attributes. */
    for (int r = 0; r < CHECK_RUNS; r++) {
        char name[64];
        snprintf(name, sizeof name, "/runs/r%06d", r);
        hid_t run = H5Gopen2(f, name, H5P_DEFAULT);
        assert_true(run >= 0);
        double safety = NAN;
        hid_t a = H5Aopen(run, "culture.safety", H5P_DEFAULT);
        assert_true(a >= 0);
        H5Aread(a, H5T_NATIVE_DOUBLE, &safety);
        H5Aclose(a);
        int found = 0;
        for (size_t i = 0; i < kept; i++) {
            found |= x[2 * i] == safety;
        }
        assert_true(found);
        H5Gclose(run);
    }
    H5Fclose(f);
    /* `trustsim info` says what /calibration holds. */
    const char *info[] = {TS_BINARY, "info", CAL, NULL};
    assert_int_equal(tst_run_tagged(TMP, info, "info"), 0);
    char *text = tst_tagged_output(TMP, "info", "out");
    assert_non_null(strstr(text, "\n/calibration (trustsim calibrate"));
    assert_non_null(strstr(text, "\n  particles      20\n"));
    assert_non_null(strstr(text, "posterior"));
    free(text);
    char *out = tst_tagged_output(TMP, "cal", "out");
    assert_non_null(strstr(out, "posterior (weighted kept particles"));
    assert_non_null(strstr(out, "  culture.safety "));
    assert_non_null(strstr(out, "posterior predictive check (4 runs"));
    assert_non_null(strstr(out, "safety_mean mean [1, 30]"));
    free(out);
}

/* The same calibration on 1 and 2 threads. */
static void test_threads(void **state) {
    (void)state;
    const char *one[] = {TS_BINARY,      "calibrate",  SCEN,        "--targets", TARGETS,
                         "-o",           TMP "/t1.h5", "--threads", "1",         "--quiet",
                         "--check-runs", "2",          NULL};
    const char *two[] = {TS_BINARY,      "calibrate",  SCEN,        "--targets", TARGETS,
                         "-o",           TMP "/t2.h5", "--threads", "2",         "--quiet",
                         "--check-runs", "2",          NULL};
    assert_int_equal(tst_run_tagged(TMP, one, "t1"), 0);
    assert_int_equal(tst_run_tagged(TMP, two, "t2"), 0);
    assert_int_equal(system("h5diff -q " TMP "/t1.h5 " TMP "/t2.h5 /calibration /calibration"), 0);
    /* Another seed, another history (so the comparison can fail). */
    const char *other[] = {TS_BINARY,      "calibrate",  SCEN,     "--targets", TARGETS,
                           "-o",           TMP "/t3.h5", "--seed", "5",         "--quiet",
                           "--check-runs", "2",          NULL};
    assert_int_equal(tst_run_tagged(TMP, other, "t3"), 0);
    assert_int_not_equal(system("h5diff -q " TMP "/t1.h5 " TMP "/t3.h5 /calibration/history "
                                "/calibration/history >/dev/null 2>&1"),
                         0);
}

/* A sweep over the posterior: each replicate at one draw, the same at every grid point. */
static void test_run_posterior(void **state) {
    (void)state;
    tst_write_file(TMP "/arms.yaml", "name: arms\ndays: 20\nreplicates: 3\n"
                                     "org: {headcount: 20, warmup_days: 5}\n"
                                     "sweep: {culture.blame: [0.1, 0.5]}\n");
    const char *argv[] = {TS_BINARY,     "run", TMP "/arms.yaml", "-o", TMP "/arms.h5",
                          "--posterior", CAL,   "--quiet",        NULL};
    assert_int_equal(tst_run_tagged(TMP, argv, "arms"), 0);
    hid_t f = H5Fopen(TMP "/arms.h5", H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    double span[6];
    for (int i = 0; i < 6; i++) {
        char name[64];
        snprintf(name, sizeof name, "/runs/r%06d", i);
        hid_t run = H5Gopen2(f, name, H5P_DEFAULT);
        hid_t a = H5Aopen(run, "org.span_of_control", H5P_DEFAULT);
        assert_true(a >= 0);
        H5Aread(a, H5T_NATIVE_DOUBLE, &span[i]);
        H5Aclose(a);
        H5Gclose(run);
    }
    H5Fclose(f);
    /* Runs are replicate-major: runs 2r and 2r + 1 are replicate r at both grid points. */
    for (int r = 0; r < 3; r++) {
        assert_true(span[2 * r] == span[2 * r + 1]);
        assert_true(span[2 * r] >= 3 && span[2 * r] <= 9);
    }
    /* The posterior's key cannot be swept too. */
    tst_write_file(TMP "/clash.yaml", "days: 20\norg: {headcount: 20, warmup_days: 5}\n"
                                      "sweep: {culture.safety: [0.1, 0.5]}\n");
    const char *clash[] = {TS_BINARY,     "run", TMP "/clash.yaml", "-o", TMP "/clash.h5",
                           "--posterior", CAL,   "--quiet",         NULL};
    assert_int_equal(tst_run_tagged(TMP, clash, "clash"), 2);
    char *err = tst_tagged_output(TMP, "clash", "err");
    assert_non_null(strstr(err, "culture.safety is both calibrated and swept"));
    free(err);
    assert_false(tst_exists(TMP "/clash.h5"));
    const char *notcal[] = {TS_BINARY,     "run",          TMP "/arms.yaml", "-o", TMP "/nc.h5",
                            "--posterior", TMP "/arms.h5", "--quiet",        NULL};
    assert_int_equal(tst_run_tagged(TMP, notcal, "notcal"), 2);
    err = tst_tagged_output(TMP, "notcal", "err");
    assert_non_null(strstr(err, "no calibration posterior in it"));
    free(err);
    assert_false(tst_exists(TMP "/nc.h5"));
}

static void expect_refused(const char *scenario, const char *targets, const char *frag) {
    tst_write_file(TMP "/bad.yaml", scenario);
    tst_write_file(TMP "/bad_targets.yaml", targets);
    unlink(TMP "/bad.h5");
    const char *argv[] = {
        TS_BINARY, "calibrate",   TMP "/bad.yaml", "--targets", TMP "/bad_targets.yaml",
        "-o",      TMP "/bad.h5", "--quiet",       NULL};
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
    const char *scen = "days: 30\norg: {headcount: 20, warmup_days: 5}\n";
    expect_refused(scen,
                   "targets:\n  - {metric: trust_finale, value: 0.5, sd: 0.1}\n"
                   "parameters: {culture.safety: [0.2, 0.9]}\n",
                   "bad_targets.yaml:2:14: targets[0].metric: unknown metric (got "
                   "\"trust_finale\", did you mean trust_final?)");
    expect_refused(scen,
                   "targets:\n  - {metric: safety_mean, stat: mean, window: [10, 40], value: 0.5,"
                   " sd: 0.1}\nparameters: {culture.safety: [0.2, 0.9]}\n",
                   "targets[0].window: window ends after the run's last recorded day (got day "
                   "40, expected at most days = 30)");
    expect_refused(scen,
                   "targets:\n  - {metric: trust_final, value: 0.5, sd: 0.1}\n"
                   "parameters: {culture.safty: [0.2, 0.9]}\n",
                   "bad_targets.yaml:3:14: parameters.culture.safty");
    expect_refused(scen,
                   "targets:\n  - {metric: trust_final, value: 0.5, sd: 0.1}\n"
                   "parameters: {culture.safety: [0.2, 1.9]}\n",
                   "parameters.culture.safety");
    expect_refused("days: 30\nsweep: {culture.blame: [0.1, 0.2]}\n",
                   "targets:\n  - {metric: trust_final, value: 0.5, sd: 0.1}\n"
                   "parameters: {culture.safety: [0.2, 0.9]}\n",
                   "the scenario has a sweep");
    const char *no_targets[] = {TS_BINARY, "calibrate", SCEN, NULL};
    assert_int_equal(tst_run_tagged(TMP, no_targets, "nt"), 2);
    char *err = tst_tagged_output(TMP, "nt", "err");
    assert_non_null(strstr(err, "missing --targets FILE"));
    free(err);
    /* An existing file is not replaced without --force, and is left as it was. */
    const char *again[] = {TS_BINARY, "calibrate", SCEN,      "--targets", TARGETS,
                           "-o",      CAL,         "--quiet", NULL};
    struct stat before, after;
    assert_int_equal(stat(CAL, &before), 0);
    assert_int_not_equal(tst_run_tagged(TMP, again, "again"), 0);
    assert_int_equal(stat(CAL, &after), 0);
    assert_true(before.st_mtime == after.st_mtime && before.st_size == after.st_size);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_run_posterior),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
