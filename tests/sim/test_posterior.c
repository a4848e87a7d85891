/* Tests of sim/app/posterior.c: weighted draws (their frequencies, their determinism), reading a
 * posterior from a file written here with the HDF5 C API as `trustsim calibrate` lays it out
 * (docs/output.md), every refusal of a file that is not one, and setting a particle on a
 * scenario. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "posterior.h"
#include "test_support.h"

#include <hdf5.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TMP TS_TEST_TMPDIR "/posterior"

static void test_draw_frequencies(void **state) {
    (void)state;
    const double w[4] = {0.1, 0.55, 0.0, 0.35};
    size_t count[4] = {0, 0, 0, 0};
    const size_t n = 20000;
    for (uint64_t seed = 3; seed <= 5; seed++) {
        for (uint32_t i = 0; i < n; i++) {
            size_t j = ts_posterior_draw_index(w, 4, seed, i);
            assert_true(j < 4);
            count[j]++;
            assert_int_equal(j, ts_posterior_draw_index(w, 4, seed, i)); /* the same again */
        }
    }
    /* 3 n draws: each share within 4 sd of its weight; a zero weight is never drawn. */
    for (size_t j = 0; j < 4; j++) {
        double share = (double)count[j] / (3.0 * n);
        double sd = sqrt(w[j] * (1.0 - w[j]) / (3.0 * n));
        assert_true(fabs(share - w[j]) <= 4.0 * sd);
    }
    assert_int_equal(count[2], 0);
}

/* A calibration file with k parameters and n particles. */
static void write_file(const char *path, const char *const *keys, size_t k, const double *x,
                       const double *w, size_t n) {
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(f >= 0);
    hid_t g = H5Gcreate2(f, "calibration", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t p = H5Gcreate2(g, "posterior", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t str = H5Tcopy(H5T_C_S1);
    H5Tset_size(str, H5T_VARIABLE);
    H5Tset_cset(str, H5T_CSET_UTF8);
    hsize_t dk[1] = {k}, dx[2] = {n, k}, dw[1] = {n};
    hid_t sk = H5Screate_simple(1, dk, NULL), sx = H5Screate_simple(2, dx, NULL),
          sw = H5Screate_simple(1, dw, NULL);
    hid_t d = H5Dcreate2(g, "parameters", str, sk, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, str, H5S_ALL, H5S_ALL, H5P_DEFAULT, keys);
    H5Dclose(d);
    d = H5Dcreate2(p, "particles", H5T_IEEE_F64LE, sx, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, x);
    H5Dclose(d);
    d = H5Dcreate2(p, "weights", H5T_IEEE_F64LE, sw, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, w);
    H5Dclose(d);
    H5Sclose(sk);
    H5Sclose(sx);
    H5Sclose(sw);
    H5Tclose(str);
    H5Gclose(p);
    H5Gclose(g);
    H5Fclose(f);
}

static void test_load_and_apply(void **state) {
    (void)state;
    assert_int_equal(system("mkdir -p " TMP), 0);
    const char *keys[2] = {"culture.safety", "org.span_of_control"};
    const double x[6] = {0.3125, 5, 0.6875, 9, 0.5, 7};
    const double w[3] = {2, 1, 1}; /* normalised on reading */
    write_file(TMP "/ok.h5", keys, 2, x, w, 3);
    ts_posterior *p = NULL;
    ts_error err;
    assert_int_equal(ts_posterior_load(TMP "/ok.h5", &p, &err), TS_OK);
    assert_int_equal(ts_posterior_n_params(p), 2);
    assert_int_equal(ts_posterior_n_particles(p), 3);
    assert_string_equal(ts_posterior_key(p, 1), "org.span_of_control");
    assert_true(ts_posterior_value(p, 1, 0) == 0.6875);
    assert_true(isnan(ts_posterior_value(p, 3, 0)));
    ts_scenario *sc = tst_scenario("days: 10\n");
    assert_int_equal(ts_posterior_check(p, sc, &err), TS_OK);
    assert_int_equal(ts_posterior_apply(p, 1, sc, &err), TS_OK);
    assert_true(ts_scenario_real(sc, "culture.safety") == 0.6875);
    assert_int_equal(ts_scenario_int(sc, "org.span_of_control"), 9);
    ts_scenario_free(sc);
    /* A key that is also swept is refused. */
    sc = tst_scenario("days: 10\nsweep: {culture.safety: [0.2, 0.4]}\n");
    assert_int_equal(ts_posterior_check(p, sc, &err), TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "culture.safety is both calibrated and swept"));
    ts_scenario_free(sc);
    ts_posterior_free(p);

    /* A key the scenario does not have. */
    const char *bad_keys[2] = {"culture.safty", "org.span_of_control"};
    write_file(TMP "/badkey.h5", bad_keys, 2, x, w, 3);
    assert_int_equal(ts_posterior_load(TMP "/badkey.h5", &p, &err), TS_OK);
    sc = tst_scenario("days: 10\n");
    assert_int_equal(ts_posterior_check(p, sc, &err), TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "badkey.h5"));
    assert_non_null(strstr(err.msg, "culture.safty"));
    ts_scenario_free(sc);
    ts_posterior_free(p);
}

static void test_refusals(void **state) {
    (void)state;
    assert_int_equal(system("mkdir -p " TMP), 0);
    ts_posterior *p = NULL;
    ts_error err;
    assert_int_equal(ts_posterior_load(TMP "/missing.h5", &p, &err), TS_ERR_PARAM);
    assert_null(p);
    assert_non_null(strstr(err.msg, "cannot read it as an HDF5 file"));
    tst_write_file(TMP "/text.h5", "not hdf5\n");
    assert_int_equal(ts_posterior_load(TMP "/text.h5", &p, &err), TS_ERR_PARAM);
    const char *keys[2] = {"culture.safety", "org.span_of_control"};
    const double x[6] = {0.3, 5, 0.6, 9, 0.5, 7};
    const double neg[3] = {1, -1, 1}, zero[3] = {0, 0, 0};
    write_file(TMP "/neg.h5", keys, 2, x, neg, 3);
    assert_int_equal(ts_posterior_load(TMP "/neg.h5", &p, &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "weights[1] is -1"));
    write_file(TMP "/zero.h5", keys, 2, x, zero, 3);
    assert_int_equal(ts_posterior_load(TMP "/zero.h5", &p, &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "sum to 0"));
    /* An HDF5 file without /calibration. */
    hid_t f = H5Fcreate(TMP "/empty.h5", H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    H5Fclose(f);
    assert_int_equal(ts_posterior_load(TMP "/empty.h5", &p, &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "no calibration posterior in it"));
    assert_null(p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_draw_frequencies),
        cmocka_unit_test(test_load_and_apply),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
