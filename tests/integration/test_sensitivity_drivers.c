/* The acceptance of `trustsim sensitivity` (sim/app/cli_sensitivity.c, sim/app/sensitivity_report.c
 * through the binary): on a small organisation, output.snapshot_every (which cannot change
 * any metric) is not distinguishable from the dummy while population.competence.mean drives
 * output_per_head_mean most, with Morris over three seeds and with Sobol'; the table and the
 * CSV of those runs. About half a minute on 2 cores: left out of the sanitizer run
 * (Makefile); tests/integration/test_sensitivity.c runs the mechanics there. */
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

#define TMP TS_TEST_TMPDIR "/sensitivity_drivers"
#define SCEN TMP "/acc.yaml"

/* The three factors in the order written; the dummy is index 3. */
enum { F_COMPETENCE, F_SNAPSHOT, F_SAFETY, F_DUMMY, F_COUNT };

static const char scenario[] = "name: acc\n"
                               "days: 60\n"
                               "org: {headcount: 30, warmup_days: 20}\n"
                               "sensitivity:\n"
                               "  samples: 16\n"
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

/* The size measure (mu_star or total) and the verdicts of one metric. */
static void read_result(const char *path, const char *metric, const char *measure, double *size,
                        double *above) {
    char name[256];
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    snprintf(name, sizeof name, "/sensitivity/%s/%s", metric, measure);
    tst_h5_doubles(f, name, size, F_COUNT);
    snprintf(name, sizeof name, "/sensitivity/%s/above_noise", metric);
    tst_h5_doubles(f, name, above, F_COUNT);
    H5Fclose(f);
}

/* What the acceptance asks: competence the largest driver and above noise; snapshot_every
 * not distinguishable from the dummy. */
static void check_verdicts(const char *path, const char *measure) {
    double size[F_COUNT], above[F_COUNT];
    read_result(path, "output_per_head_mean", measure, size, above);
    for (size_t i = 0; i < F_COUNT; i++) {
        if (i != F_COMPETENCE && !(size[F_COMPETENCE] > 2.0 * size[i])) {
            fail_msg("%s: %s of competence %g is not clearly the largest (factor %zu: %g)", path,
                     measure, size[F_COMPETENCE], i, size[i]);
        }
    }
    assert_true(above[F_COMPETENCE] == 1.0);
    assert_true(above[F_SNAPSHOT] == 0.0);
    assert_true(above[F_DUMMY] == 0.0);
}

static void test_morris_finds_the_driver(void **state) {
    (void)state;
    for (int seed = 1; seed <= 3; seed++) {
        char out[256], set[64], tag[32];
        snprintf(out, sizeof out, TMP "/morris%d.h5", seed);
        snprintf(set, sizeof set, "seed=%d", seed);
        snprintf(tag, sizeof tag, "morris%d", seed);
        const char *argv[] = {TS_BINARY, "sensitivity", SCEN,      "-o", out,
                              "--set",   set,           "--quiet", NULL};
        assert_int_equal(tst_run_tagged(TMP, argv, tag), 0);
        check_verdicts(out, "mu_star");
    }
    /* The table: every factor and the dummy, the driver on top. */
    char *text = tst_tagged_output(TMP, "morris1", "out");
    assert_non_null(strstr(text, "Morris elementary effects, 16 trajectories x (3 factors + "
                                 "dummy + 1) = 80 design points"));
    const char *metric = strstr(text, "\noutput_per_head_mean (hours/person/day)\n");
    assert_non_null(metric);
    const char *header = strstr(metric, "above noise\n");
    assert_non_null(header);
    assert_true(strncmp(header + strlen("above noise\n"), "  population.competence.mean", 28) == 0);
    assert_non_null(strstr(metric, "(dummy)"));
    assert_non_null(strstr(text, "written to " TMP "/morris1.h5:/sensitivity"));
    free(text);
}

static void test_sobol_finds_the_driver(void **state) {
    (void)state;
    const char *argv[] = {TS_BINARY,        "sensitivity", SCEN,        "-o", TMP "/sobol.h5",
                          "--method",       "sobol",       "--samples", "48", "--csv",
                          TMP "/sobol.csv", "--quiet",     NULL};
    assert_int_equal(tst_run_tagged(TMP, argv, "sobol"), 0);
    check_verdicts(TMP "/sobol.h5", "total");
    /* The CSV: a header, then one row per factor and the dummy for each metric. */
    char *csv = tst_slurp(TMP "/sobol.csv");
    assert_non_null(csv);
    assert_true(strncmp(csv, "metric,factor,total,", 20) == 0);
    size_t rows = 0;
    for (const char *p = csv; *p; p++) {
        rows += *p == '\n';
    }
    assert_int_equal(rows, 1 + 2 * F_COUNT);
    assert_non_null(strstr(csv, "\noutput_per_head_mean,sensitivity.dummy,"));
    free(csv);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_morris_finds_the_driver),
        cmocka_unit_test(test_sobol_finds_the_driver),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
