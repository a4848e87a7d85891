/* Identifiability of `trustsim calibrate` (sim/app/calibrate.c through the binary): targets made
 * from runs at a known culture.safety (0.6) and population.candor.mean (0.7) are recovered —
 * each posterior concentrated (its 90 % interval narrower than a third of the prior range,
 * the keys' whole [0, 1]) around the truth (the true value within three posterior sds of
 * the posterior mean) — for two pairs of seeds (the synthetic observation's and the
 * calibration's). Three sds, not the 90 % interval: four 90 % intervals all cover their
 * true values only two times in three even when the calibration is right, so such a test
 * fails with any change of the model's random draws; a posterior off by three of its sds
 * is a calibration that is wrong. The observation is the mean of `replicates` runs,
 * as each calibration point is, and each target's sd the sd of such a mean, estimated from
 * four times as many runs. Statistics: the daily means of safety_mean, failures_concealed,
 * integrity_mean and goodwill_mean. About a minute on 2 cores: left out of the sanitizer
 * run (Makefile), as validate_quick is. */
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

#define TMP TS_TEST_TMPDIR "/calibrate_identify"
#define SCEN TMP "/org.yaml"

enum { REPS = 3, TRUTH_RUNS = 4 * REPS, N_STATS = 4, N_PARAMS = 2 };

static const char *const stats[N_STATS] = {"safety_mean", "failures_concealed", "integrity_mean",
                                           "goodwill_mean"};
static const char *const params[N_PARAMS] = {"culture.safety", "population.candor.mean"};
static const double truth[N_PARAMS] = {0.6, 0.7};

static int setup(void **state) {
    (void)state;
    if (system("rm -rf " TMP " && mkdir -p " TMP) != 0) {
        return -1;
    }
    char text[256];
    snprintf(text, sizeof text,
             "name: org\ndays: 90\nreplicates: %d\norg: {headcount: 40, warmup_days: 20}\n", REPS);
    tst_write_file(SCEN, text);
    return 0;
}

/* The mean of a run's daily metric over its finite values. */
static double daily_mean(hid_t f, int run, const char *metric) {
    char name[128];
    snprintf(name, sizeof name, "/runs/r%06d/metrics/%s", run, metric);
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    assert_true(d >= 0);
    hid_t s = H5Dget_space(d);
    hssize_t n = H5Sget_simple_extent_npoints(s);
    double *v = malloc((size_t)n * sizeof *v);
    assert_non_null(v);
    assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    double sum = 0.0;
    int k = 0;
    for (hssize_t i = 0; i < n; i++) {
        if (isfinite(v[i])) {
            sum += v[i];
            k++;
        }
    }
    free(v);
    H5Sclose(s);
    H5Dclose(d);
    return k ? sum / k : NAN;
}

/* Makes the targets from TRUTH_RUNS runs at the true values with seed `seed`. */
static void make_targets(const char *path, int seed) {
    char seed_set[32], reps_set[32], safety[64], candor[64], out[256];
    snprintf(seed_set, sizeof seed_set, "seed=%d", seed);
    snprintf(reps_set, sizeof reps_set, "replicates=%d", TRUTH_RUNS);
    snprintf(safety, sizeof safety, "%s=%g", params[0], truth[0]);
    snprintf(candor, sizeof candor, "%s=%g", params[1], truth[1]);
    snprintf(out, sizeof out, TMP "/truth%d.h5", seed);
    const char *argv[] = {TS_BINARY, "run",   SCEN,     "-o",    out,      "--force",
                          "--quiet", "--set", seed_set, "--set", reps_set, "--set",
                          safety,    "--set", candor,   NULL};
    assert_int_equal(tst_run_tagged(TMP, argv, "truth"), 0);
    hid_t f = H5Fopen(out, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    char text[2048];
    size_t len = (size_t)snprintf(text, sizeof text, "targets:\n");
    for (int j = 0; j < N_STATS; j++) {
        double v[TRUTH_RUNS], mean = 0.0, obs = 0.0, ss = 0.0;
        for (int r = 0; r < TRUTH_RUNS; r++) {
            v[r] = daily_mean(f, r, stats[j]);
            mean += v[r] / TRUTH_RUNS;
            obs += r < REPS ? v[r] / REPS : 0.0;
        }
        for (int r = 0; r < TRUTH_RUNS; r++) {
            ss += (v[r] - mean) * (v[r] - mean);
        }
        double sd_mean = sqrt(ss / (TRUTH_RUNS - 1)) / sqrt((double)REPS);
        assert_true(sd_mean > 0.0);
        len += (size_t)snprintf(text + len, sizeof text - len,
                                "  - {metric: %s, stat: mean, value: %.17g, sd: %.17g}\n", stats[j],
                                obs, sd_mean);
    }
    H5Fclose(f);
    snprintf(text + len, sizeof text - len,
             "parameters:\n  %s: [0, 1]\n  %s: [0, 1]\n"
             "particles: 80\np_acc_min: 0.02\nmax_runs: 900\n",
             params[0], params[1]);
    tst_write_file(path, text);
}

static void recover(int truth_seed, int cal_seed) {
    char targets[256], out[256], seed[32];
    snprintf(targets, sizeof targets, TMP "/targets%d.yaml", truth_seed);
    snprintf(out, sizeof out, TMP "/cal%d.h5", truth_seed);
    snprintf(seed, sizeof seed, "%d", cal_seed);
    make_targets(targets, truth_seed);
    const char *argv[] = {TS_BINARY, "calibrate", SCEN,      "--targets",    targets, "-o", out,
                          "--seed",  seed,        "--quiet", "--check-runs", "0",     NULL};
    assert_int_equal(tst_run_tagged(TMP, argv, "cal"), 0);
    hid_t f = H5Fopen(out, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    double lo[N_PARAMS], hi[N_PARAMS], mean[N_PARAMS], sd[N_PARAMS];
    tst_h5_doubles(f, "/calibration/posterior/q05", lo, N_PARAMS);
    tst_h5_doubles(f, "/calibration/posterior/q95", hi, N_PARAMS);
    tst_h5_doubles(f, "/calibration/posterior/mean", mean, N_PARAMS);
    tst_h5_doubles(f, "/calibration/posterior/sd", sd, N_PARAMS);
    H5Fclose(f);
    for (int i = 0; i < N_PARAMS; i++) {
        print_message("seeds %d/%d: %s mean %.4f sd %.4f, 90%% interval [%.4f, %.4f] (true %.2f, "
                      "width %.3f)\n",
                      truth_seed, cal_seed, params[i], mean[i], sd[i], lo[i], hi[i], truth[i],
                      hi[i] - lo[i]);
        assert_true(sd[i] > 0.0);
        assert_true(fabs(mean[i] - truth[i]) <= 3.0 * sd[i]);
        assert_true(hi[i] - lo[i] < 1.0 / 3.0);
    }
}

static void test_recovers_safety_and_candor(void **state) {
    (void)state;
    recover(77, 1);
    recover(78, 2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recovers_safety_and_candor),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
