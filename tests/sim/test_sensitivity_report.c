/* Tests of sim/app/sensitivity_report.c on results files written here, whose runs carry a
 * summary scalar that is a known function of the design point: a linear output gives Morris
 * effects of exactly c (high - low) with sd 0 for the factor that moves it and 0 for the
 * others and the dummy; replicates are averaged; a metric without a value at a design point
 * is reported as not analysed; a design point without a complete run and a missing file are
 * refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "h5out.h"
#include "results.h"
#include "sensitivity_report.h"
#include "test_support.h"

#include <hdf5.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TMP TS_TEST_TMPDIR "/sensitivity_report"

static const char design[] = "days: 5\nreplicates: 2\nsensitivity:\n  samples: 5\n"
                             "  bootstrap: 200\n"
                             "  factors: {culture.safety: [0.2, 0.8], culture.blame: [0, 1]}\n";

/* The output at point g, replicate r: 0.3125 + 2 safety, plus -/+ 0.125 by replicate (so
 * the mean over the two replicates is linear); incident_days NaN at point 3. */
static void write_file(const char *path, const ts_scenario *sc, size_t skip_point) {
    ts_h5file *f = NULL;
    ts_error err;
    ts_h5meta meta = {.scenario_name = "d", .scenario_yaml = "", .command_line = ""};
    assert_int_equal(ts_h5_create(path, 1, &meta, sc, &f, &err), TS_OK);
    size_t n = ts_scenario_n_points(sc);
    for (size_t r = 0; r < 2; r++) {
        for (size_t g = 0; g < n; g++) {
            if (g == skip_point) {
                continue;
            }
            double safety = strtod(ts_scenario_sweep_value(sc, 0, g), NULL);
            ts_result res;
            ts_result_init(&res);
            res.run_index = (uint32_t)(r * n + g);
            res.grid_point = (uint32_t)g;
            res.replicate = (uint32_t)r;
            double y = 0.3125 + 2.0 * safety + (r ? 0.125 : -0.125);
            assert_int_equal(ts_result_add_scalar(&res, "trust_final", "trust score", "", y),
                             TS_OK);
            assert_int_equal(
                ts_result_add_scalar(&res, "incident_days", "days", "", g == 3 ? NAN : 4.0), TS_OK);
            assert_int_equal(ts_h5_write_run(f, &res, &err), TS_OK);
            ts_result_free(&res);
        }
    }
    assert_int_equal(ts_h5_finish(f, &err), TS_OK);
}

static void test_linear_output(void **state) {
    (void)state;
    assert_int_equal(system("mkdir -p " TMP), 0);
    ts_scenario *sc = tst_scenario(design);
    write_file(TMP "/lin.h5", sc, (size_t)-1);
    const char *metrics[] = {"trust_final", "incident_days"};
    ts_sensitivity_options o = {.path = TMP "/lin.h5",
                                .sc = sc,
                                .metrics = metrics,
                                .n_metrics = 2,
                                .bootstrap = -1,
                                .csv = TMP "/lin.csv"};
    FILE *out = fopen(TMP "/lin.txt", "w");
    ts_error err;
    assert_int_equal(ts_sensitivity_report(&o, out, &err), TS_OK);
    fclose(out);
    hid_t f = H5Fopen(TMP "/lin.h5", H5F_ACC_RDONLY, H5P_DEFAULT);
    double mu[3], mu_star[3], sigma[3], lo[3], hi[3], above[3];
    tst_h5_doubles(f, "/sensitivity/trust_final/mu", mu, 3);
    tst_h5_doubles(f, "/sensitivity/trust_final/mu_star", mu_star, 3);
    tst_h5_doubles(f, "/sensitivity/trust_final/sigma", sigma, 3);
    tst_h5_doubles(f, "/sensitivity/trust_final/mu_star_ci95_low", lo, 3);
    tst_h5_doubles(f, "/sensitivity/trust_final/mu_star_ci95_high", hi, 3);
    tst_h5_doubles(f, "/sensitivity/trust_final/above_noise", above, 3);
    /* 2 per unit of safety over a range of 0.6: 1.2 per whole range, every trajectory. */
    assert_true(fabs(mu[0] - 1.2) < 1e-9 && fabs(mu_star[0] - 1.2) < 1e-9);
    assert_true(fabs(sigma[0]) < 1e-9);
    assert_true(fabs(lo[0] - 1.2) < 1e-9 && fabs(hi[0] - 1.2) < 1e-9);
    for (int i = 1; i < 3; i++) {
        assert_true(fabs(mu_star[i]) < 1e-12);
    }
    assert_true(above[0] == 1.0 && above[1] == 0.0 && above[2] == 0.0);
    /* Each point's output is the mean of its two replicates. */
    double y[64];
    assert_true(ts_scenario_n_points(sc) <= 64);
    tst_h5_doubles(f, "/sensitivity/trust_final/output", y, ts_scenario_n_points(sc));
    double safety = strtod(ts_scenario_sweep_value(sc, 0, 2), NULL);
    assert_true(fabs(y[2] - (0.3125 + 2.0 * safety)) < 1e-12);
    /* incident_days lacks a value at point 3: not analysed, and says where. */
    hid_t g = H5Gopen2(f, "/sensitivity/incident_days", H5P_DEFAULT);
    assert_true(g >= 0);
    int analysed = 1;
    hid_t a = H5Aopen(g, "analysed", H5P_DEFAULT);
    H5Aread(a, H5T_NATIVE_INT, &analysed);
    H5Aclose(a);
    assert_int_equal(analysed, 0);
    assert_true(H5Lexists(g, "mu_star", H5P_DEFAULT) == 0);
    H5Gclose(g);
    H5Fclose(f);
    char *text = tst_slurp(TMP "/lin.txt");
    assert_non_null(strstr(text, "not analysed: no value at design point 3"));
    assert_non_null(strstr(text, "5 trajectories x (2 factors + dummy + 1) = 20 design points"));
    free(text);
    char *csv = tst_slurp(TMP "/lin.csv");
    assert_non_null(strstr(csv, "\ntrust_final,culture.safety,1.2"));
    assert_null(strstr(csv, "incident_days,"));
    free(csv);
    ts_scenario_free(sc);
}

static void test_refusals(void **state) {
    (void)state;
    assert_int_equal(system("mkdir -p " TMP), 0);
    ts_scenario *sc = tst_scenario(design);
    const char *metrics[] = {"trust_final"};
    ts_sensitivity_options o = {
        .path = TMP "/missing.h5", .sc = sc, .metrics = metrics, .n_metrics = 1, .bootstrap = 0};
    ts_error err;
    FILE *out = fopen("/dev/null", "w");
    assert_int_equal(ts_sensitivity_report(&o, out, &err), TS_ERR_PARAM);
    /* Point 7 never ran. */
    write_file(TMP "/gap.h5", sc, 7);
    o.path = TMP "/gap.h5";
    assert_int_equal(ts_sensitivity_report(&o, out, &err), TS_ERR_IO);
    assert_non_null(strstr(err.msg, "design point 7 has no complete run"));
    fclose(out);
    ts_scenario_free(sc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_linear_output),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
