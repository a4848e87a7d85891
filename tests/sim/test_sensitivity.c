/* Tests of sim/maths/sensitivity.c: the Morris design's structure and determinism, elementary
 * effects of functions whose effects are known by hand (linear, quadratic, an interaction, a
 * factor without effect), the Saltelli design against GSL's Sobol' sequence, Sobol' indices of
 * the Ishigami function against their analytic values (with a dummy factor), the shrinking of
 * the bootstrap intervals with N, the dummy-factor rule and every error path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <gsl/gsl_qrng.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sensitivity.h"

/* ---- Helpers ----------------------------------------------------------------------------- */

static double *alloc_doubles(size_t n) {
    double *p = malloc(n * sizeof *p);
    assert_non_null(p);
    return p;
}

/* Is x within tol of an integer? */
static int near_integer(double x, double tol) {
    return fabs(x - nearbyint(x)) <= tol;
}

/* ---- Scaling and the run counts ---------------------------------------------------------- */

static void test_scale(void **state) {
    (void)state;
    const double unit[] = {0.0, 1.0, 0.25, 0.5, 1.0, 0.0, 0.3717, 0.75};
    const double low[] = {-3.14, 0.2};
    const double high[] = {3.14, 1.7};
    double out[8];
    ts_error err;
    assert_int_equal(ts_sens_scale(4, 2, unit, low, high, out, &err), TS_OK);
    /* Exact at both ends. */
    assert_true(out[0] == -3.14 && out[1] == 1.7 && out[4] == 3.14 && out[5] == 0.2);
    assert_float_equal(out[2], -1.57, 1e-15);
    assert_float_equal(out[3], 0.95, 1e-15);
    assert_float_equal(out[6], -3.14 + 0.3717 * 6.28, 1e-15);
    assert_float_equal(out[7], 1.325, 1e-15);
    /* In place gives the same. */
    double inplace[8];
    memcpy(inplace, unit, sizeof inplace);
    assert_int_equal(ts_sens_scale(4, 2, inplace, low, high, inplace, &err), TS_OK);
    assert_memory_equal(inplace, out, sizeof out);
}

static void test_run_counts(void **state) {
    (void)state;
    assert_int_equal(ts_sens_morris_runs(7, 12), 96);
    assert_int_equal(ts_sens_saltelli_runs(7, 512), 4608);
    assert_int_equal(ts_sens_saltelli_max_factors(), 20);
    assert_int_equal(ts_sens_morris_runs(SIZE_MAX / 2, 3), 0);
    assert_int_equal(ts_sens_saltelli_runs(SIZE_MAX, 1), 0);
    assert_int_equal(ts_sens_saltelli_runs(SIZE_MAX / 4, 5), 0);
}

/* ---- Morris design ----------------------------------------------------------------------- */

/* Checks the structure of a Morris design: grid values in [0, 1], every step moving exactly one
 * factor by +-Delta, every factor exactly once per trajectory; counts the up and down steps. */
static void check_morris_design(const double *x, size_t k, size_t r, size_t p, size_t *n_up,
                                size_t *n_down) {
    const double delta = (double)p / (2.0 * (double)(p - 1));
    unsigned char *moved = malloc(k);
    assert_non_null(moved);
    for (size_t c = 0; c < r * (k + 1) * k; c++) {
        assert_true(x[c] >= 0.0 && x[c] <= 1.0);
        assert_true(near_integer(x[c] * (double)(p - 1), 1e-12));
    }
    for (size_t t = 0; t < r; t++) {
        memset(moved, 0, k);
        for (size_t s = 1; s <= k; s++) {
            const double *a = x + (t * (k + 1) + s - 1) * k, *b = a + k;
            size_t n_changed = 0;
            for (size_t i = 0; i < k; i++) {
                if (a[i] != b[i]) {
                    n_changed++;
                    assert_false(moved[i]);
                    moved[i] = 1;
                    assert_float_equal(fabs(b[i] - a[i]), delta, 1e-12);
                    if (b[i] > a[i]) {
                        (*n_up)++;
                    } else {
                        (*n_down)++;
                    }
                }
            }
            assert_int_equal(n_changed, 1);
        }
        for (size_t i = 0; i < k; i++) {
            assert_true(moved[i]);
        }
    }
    free(moved);
}

static void test_morris_design_structure(void **state) {
    (void)state;
    const size_t k = 6, r = 40;
    const size_t levels[] = {2, 4, 6, 10};
    const uint64_t seeds[] = {1, 0x9e3779b97f4a7c15u, 20240611};
    double *x = alloc_doubles(r * (k + 1) * k);
    ts_error err;
    for (size_t li = 0; li < 4; li++) {
        for (size_t si = 0; si < 3; si++) {
            size_t p = levels[li], n_up = 0, n_down = 0;
            assert_int_equal(ts_sens_morris_design(k, r, p, seeds[si], x, &err), TS_OK);
            check_morris_design(x, k, r, p, &n_up, &n_down);
            /* Directions are random: 240 steps, half up on average (sd 7.7). */
            assert_int_equal(n_up + n_down, r * k);
            assert_in_range(n_up, 80, 160);
            /* The start levels cover the grid: every level appears as some factor's start. */
            for (size_t l = 0; l < p; l++) {
                size_t seen = 0;
                for (size_t t = 0; t < r; t++) {
                    for (size_t i = 0; i < k; i++) {
                        seen += nearbyint(x[t * (k + 1) * k + i] * (double)(p - 1)) == (double)l;
                    }
                }
                assert_true(seen > 0);
            }
        }
    }
    free(x);
}

static void test_morris_design_determinism(void **state) {
    (void)state;
    const size_t k = 5, r = 16, n = r * (k + 1) * k;
    double *a = alloc_doubles(n), *b = alloc_doubles(n), *c = alloc_doubles(n);
    double *longer = alloc_doubles(2 * n);
    ts_error err;
    assert_int_equal(ts_sens_morris_design(k, r, 4, 0x3717, a, &err), TS_OK);
    assert_int_equal(ts_sens_morris_design(k, r, 4, 0x3717, b, &err), TS_OK);
    assert_int_equal(ts_sens_morris_design(k, r, 4, 0x3718, c, &err), TS_OK);
    assert_memory_equal(a, b, n * sizeof *a);
    assert_memory_not_equal(a, c, n * sizeof *a);
    /* A stream per trajectory: more trajectories leave the first ones as they were. */
    assert_int_equal(ts_sens_morris_design(k, 2 * r, 4, 0x3717, longer, &err), TS_OK);
    assert_memory_equal(a, longer, n * sizeof *a);
    free(a);
    free(b);
    free(c);
    free(longer);
}

/* ---- Morris effects ---------------------------------------------------------------------- */

/* A design over k factors scaled to [low, high], evaluated by f. */
static double *morris_outputs(const double *x, size_t k, size_t r, const double *low,
                              const double *high, double (*f)(const double *)) {
    size_t runs = ts_sens_morris_runs(k, r);
    double *scaled = alloc_doubles(runs * k), *y = alloc_doubles(runs);
    ts_error err;
    assert_int_equal(ts_sens_scale(runs, k, x, low, high, scaled, &err), TS_OK);
    for (size_t j = 0; j < runs; j++) {
        y[j] = f(scaled + j * k);
    }
    free(scaled);
    return y;
}

/* Linear, with a factor that does nothing (x[2]): f = sum c_i x_i. */
static const double LIN_C[] = {0.3717, -1.254, 0.0, 2.5};
static const double LIN_LOW[] = {0.2, -3.0, 10.0, 0.0};
static const double LIN_HIGH[] = {1.7, 5.0, 20.0, 0.01};

static double linear(const double *x) {
    return LIN_C[0] * x[0] + LIN_C[1] * x[1] + LIN_C[2] * x[2] + LIN_C[3] * x[3];
}

static void test_morris_linear_effects(void **state) {
    (void)state;
    const size_t k = 4, r = 12;
    double *x = alloc_doubles(ts_sens_morris_runs(k, r) * k);
    ts_sens_morris_factor m[4];
    ts_error err;
    assert_int_equal(ts_sens_morris_design(k, r, 6, 77, x, &err), TS_OK);
    double *y = morris_outputs(x, k, r, LIN_LOW, LIN_HIGH, linear);
    assert_int_equal(ts_sens_morris_effects(k, r, x, y, 200, 78, m, &err), TS_OK);
    for (size_t i = 0; i < k; i++) {
        /* Every elementary effect is c_i times the range, up to rounding. */
        double expect = LIN_C[i] * (LIN_HIGH[i] - LIN_LOW[i]);
        double tol = 1e-12 * (1.0 + fabs(expect));
        assert_float_equal(m[i].mu, expect, tol);
        assert_float_equal(m[i].mu_star, fabs(expect), tol);
        assert_float_equal(m[i].sigma, 0.0, tol);
        assert_float_equal(m[i].mu_star_low, fabs(expect), tol);
        assert_float_equal(m[i].mu_star_high, fabs(expect), tol);
    }
    /* The factor without effect: exactly 0, its interval too. */
    assert_true(m[2].mu == 0.0 && m[2].mu_star == 0.0 && m[2].sigma == 0.0);
    assert_true(m[2].mu_star_low == 0.0 && m[2].mu_star_high == 0.0);
    assert_float_equal(m[0].mu, 0.55755, 1e-12);
    assert_float_equal(m[1].mu, -10.032, 1e-12);
    free(x);
    free(y);
}

/* x0 linear, x1 quadratic, x2 and x3 interacting, x4 ignored (the dummy). */
static double nonlinear(const double *x) {
    return 2.0 * x[0] + 3.0 * x[1] * x[1] + 4.0 * x[2] * x[3];
}

static void test_morris_nonlinear_effects(void **state) {
    (void)state;
    const size_t k = 5, r = 30;
    const double low[] = {0, 0, 0, 0, 0}, high[] = {1, 1, 1, 1, 1};
    double *x = alloc_doubles(ts_sens_morris_runs(k, r) * k);
    ts_sens_morris_factor m[5];
    ts_error err;
    const uint64_t seeds[] = {5, 6, 7};
    for (size_t si = 0; si < 3; si++) {
        assert_int_equal(ts_sens_morris_design(k, r, 4, seeds[si], x, &err), TS_OK);
        double *y = morris_outputs(x, k, r, low, high, nonlinear);
        assert_int_equal(ts_sens_morris_effects(k, r, x, y, 500, seeds[si], m, &err), TS_OK);
        /* Linear: EE = 2 everywhere. */
        assert_float_equal(m[0].mu, 2.0, 1e-12);
        assert_float_equal(m[0].sigma, 0.0, 1e-12);
        /* Quadratic on the 4-level grid (Delta = 2/3): a step 0 <-> 2/3 has EE 3 (2/3) = 2,
         * a step 1/3 <-> 1 has EE 3 (4/3) = 4; both kinds appear, so sigma > 0. */
        assert_true(m[1].sigma > 0.5);
        assert_true(m[1].mu >= 2.0 && m[1].mu <= 4.0);
        /* Interaction: EE of x2 = 4 x3, which varies with x3. */
        assert_true(m[2].sigma > 0.5 && m[3].sigma > 0.5);
        /* The dummy: 0, and every real factor stands clear of it. */
        assert_true(m[4].mu_star == 0.0 && m[4].mu_star_low == 0.0 && m[4].mu_star_high == 0.0);
        for (size_t i = 0; i < 4; i++) {
            /* Up to rounding: x0's effects differ in their last bits, so its resampled means
             * can all fall a hair off the full-sample one. */
            assert_true(m[i].mu_star_low - 1e-12 <= m[i].mu_star &&
                        m[i].mu_star <= m[i].mu_star_high + 1e-12);
            assert_true(ts_sens_distinguishable(m[i].mu_star_low, m[i].mu_star_high,
                                                m[4].mu_star_low, m[4].mu_star_high));
        }
        assert_false(ts_sens_distinguishable(m[4].mu_star_low, m[4].mu_star_high, m[4].mu_star_low,
                                             m[4].mu_star_high));
        free(y);
    }
    free(x);
}

static void test_morris_bootstrap_determinism(void **state) {
    (void)state;
    const size_t k = 5, r = 20;
    const double low[] = {0, 0, 0, 0, 0}, high[] = {1, 1, 1, 1, 1};
    double *x = alloc_doubles(ts_sens_morris_runs(k, r) * k);
    ts_sens_morris_factor a[5], b[5], c[5], none[5];
    ts_error err;
    assert_int_equal(ts_sens_morris_design(k, r, 4, 11, x, &err), TS_OK);
    double *y = morris_outputs(x, k, r, low, high, nonlinear);
    assert_int_equal(ts_sens_morris_effects(k, r, x, y, 300, 12, a, &err), TS_OK);
    assert_int_equal(ts_sens_morris_effects(k, r, x, y, 300, 12, b, &err), TS_OK);
    assert_int_equal(ts_sens_morris_effects(k, r, x, y, 300, 13, c, &err), TS_OK);
    assert_memory_equal(a, b, sizeof a);
    /* Another seed: the same estimates, other intervals. */
    assert_true(a[2].mu_star == c[2].mu_star && a[2].sigma == c[2].sigma);
    assert_true(a[2].mu_star_low != c[2].mu_star_low || a[2].mu_star_high != c[2].mu_star_high);
    /* No bootstrap: NaN bounds, same estimates. */
    assert_int_equal(ts_sens_morris_effects(k, r, x, y, 0, 12, none, &err), TS_OK);
    assert_true(none[1].mu_star == a[1].mu_star && none[1].sigma == a[1].sigma);
    assert_true(isnan(none[1].mu_star_low) && isnan(none[1].mu_star_high));
    /* One trajectory: no sd. */
    assert_int_equal(ts_sens_morris_effects(k, 1, x, y, 0, 12, none, &err), TS_OK);
    assert_true(isnan(none[0].sigma));
    assert_float_equal(none[0].mu, 2.0, 1e-12);
    free(x);
    free(y);
}

static void test_morris_effects_rejects_other_designs(void **state) {
    (void)state;
    const size_t k = 3, r = 4, runs = r * (k + 1);
    double *x = alloc_doubles(runs * k), *y = alloc_doubles(runs);
    ts_sens_morris_factor m[3];
    ts_error err;
    for (size_t j = 0; j < runs; j++) {
        y[j] = 0.3717 * (double)j;
    }
    assert_int_equal(ts_sens_morris_design(k, r, 4, 3, x, &err), TS_OK);
    /* Rows 5 and 6 (trajectory 1, steps 1 and 2) swapped: step 1 then moves two factors. */
    double tmp[3];
    memcpy(tmp, x + 5 * k, sizeof tmp);
    memcpy(x + 5 * k, x + 6 * k, sizeof tmp);
    memcpy(x + 6 * k, tmp, sizeof tmp);
    ts_error_clear(&err);
    assert_int_equal(ts_sens_morris_effects(k, r, x, y, 0, 1, m, &err), TS_ERR_PARAM);
    assert_int_equal(err.status, TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "Morris trajectory 1"));
    assert_non_null(strstr(err.msg, "changes 2 factors"));
    /* A step that moves a factor back: the same factor twice. */
    assert_int_equal(ts_sens_morris_design(k, r, 4, 3, x, &err), TS_OK);
    memcpy(x + 2 * k, x + 0 * k, k * sizeof *x);
    memcpy(x + 3 * k, x + 1 * k, k * sizeof *x);
    assert_int_equal(ts_sens_morris_effects(k, r, x, y, 0, 1, m, &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "twice"));
    /* A step that moves nothing. */
    assert_int_equal(ts_sens_morris_design(k, r, 4, 3, x, &err), TS_OK);
    memcpy(x + 1 * k, x + 0 * k, k * sizeof *x);
    assert_int_equal(ts_sens_morris_effects(k, r, x, y, 0, 1, m, &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "changes 0 factors"));
    free(x);
    free(y);
}

/* ---- Saltelli design --------------------------------------------------------------------- */

static void test_saltelli_design_layout(void **state) {
    (void)state;
    const size_t k = 3, n = 64;
    double *x = alloc_doubles(ts_sens_saltelli_runs(k, n) * k);
    double *small = alloc_doubles(ts_sens_saltelli_runs(k, 8) * k);
    ts_error err;
    assert_int_equal(ts_sens_saltelli_design(k, n, x, &err), TS_OK);
    /* Against GSL's sequence of dimension 6, its first output (all halves) skipped. */
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, 6);
    assert_non_null(q);
    double v[6];
    gsl_qrng_get(q, v);
    for (size_t i = 0; i < 6; i++) {
        assert_true(v[i] == 0.5);
    }
    for (size_t j = 0; j < n; j++) {
        gsl_qrng_get(q, v);
        const double *a = x + ts_sens_saltelli_row(k, j, 0) * k;
        const double *b = x + ts_sens_saltelli_row(k, j, 1) * k;
        assert_memory_equal(a, v, k * sizeof *v);
        assert_memory_equal(b, v + k, k * sizeof *v);
        assert_memory_not_equal(a, b, k * sizeof *v);
        for (size_t i = 0; i < k; i++) {
            const double *ab = x + ts_sens_saltelli_row(k, j, 2 + i) * k;
            for (size_t c = 0; c < k; c++) {
                assert_true(ab[c] == (c == i ? b[c] : a[c]));
            }
        }
    }
    gsl_qrng_free(q);
    /* Base row 0 is point 2 of the sequence, whose first coordinate (the van der Corput
     * sequence 0, 1/2, 3/4, 1/4, ...) is 3/4. */
    assert_true(x[0] == 0.75);
    for (size_t c = 0; c < ts_sens_saltelli_runs(k, n) * k; c++) {
        assert_true(x[c] > 0.0 && x[c] < 1.0);
    }
    /* The design for 8 base rows is the start of the design for 64. */
    assert_int_equal(ts_sens_saltelli_design(k, 8, small, &err), TS_OK);
    assert_memory_equal(small, x, ts_sens_saltelli_runs(k, 8) * k * sizeof *x);
    /* The largest k GSL allows works, strictly inside the cube too. */
    double *wide = alloc_doubles(ts_sens_saltelli_runs(20, 256) * 20);
    assert_int_equal(ts_sens_saltelli_design(20, 256, wide, &err), TS_OK);
    for (size_t c = 0; c < ts_sens_saltelli_runs(20, 256) * 20; c++) {
        assert_true(wide[c] > 0.0 && wide[c] < 1.0);
    }
    free(wide);
    free(small);
    free(x);
}

/* ---- Sobol' indices of the Ishigami function ---------------------------------------------
 *
 * f = sin x1 + a sin^2 x2 + b x3^4 sin x1 with x1, x2, x3 uniform on [-pi, pi], a = 7, b = 0.1.
 * Write f = sin x1 (1 + b x3^4) + a sin^2 x2. Over [-pi, pi]: E sin x = 0, E sin^2 x = 1/2,
 * E sin^4 x = 3/8, E x^4 = pi^4/5, E x^8 = pi^8/9.
 *   V2  = Var(a sin^2 x2) = a^2 (3/8 - 1/4) = a^2/8.
 *   E[f | x1] = sin x1 (1 + b pi^4/5) + a/2, so V1 = (1 + b pi^4/5)^2 / 2.
 *   E[f | x3] = a/2 (E sin x1 = 0), so V3 = 0.
 *   Var(sin x1 (1 + b x3^4)) = (1/2) E (1 + b x3^4)^2 = (1/2)(1 + 2 b pi^4/5 + b^2 pi^8/9);
 *   less V1 leaves the interaction V13 = (b^2 pi^8/2)(1/9 - 1/25) = 8 b^2 pi^8 / 225.
 *   V = V1 + V2 + V13 = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2 = 13.8446.
 * So S1 = V1/V = 0.3139, S2 = V2/V = 0.4424, S3 = 0, ST1 = (V1 + V13)/V = 0.5576,
 * ST2 = S2 = 0.4424, ST3 = V13/V = 0.2437. A fourth factor, the dummy, is never read. */

#define ISHIGAMI_A 7.0
#define ISHIGAMI_B 0.1

static double ishigami(const double *x) {
    double s1 = sin(x[0]), s2 = sin(x[1]), x3 = x[2] * x[2];
    return s1 + ISHIGAMI_A * s2 * s2 + ISHIGAMI_B * x3 * x3 * s1;
}

static void ishigami_truth(double s[4], double st[4]) {
    const double a = ISHIGAMI_A, b = ISHIGAMI_B, pi4 = pow(M_PI, 4.0), pi8 = pow(M_PI, 8.0);
    double v1 = 0.5 * (1.0 + b * pi4 / 5.0) * (1.0 + b * pi4 / 5.0);
    double v2 = a * a / 8.0;
    double v13 = 8.0 * b * b * pi8 / 225.0;
    double v = a * a / 8.0 + b * pi4 / 5.0 + b * b * pi8 / 18.0 + 0.5;
    assert_float_equal(v, v1 + v2 + v13, 1e-12);
    s[0] = v1 / v;
    s[1] = v2 / v;
    s[2] = s[3] = 0.0;
    st[0] = (v1 + v13) / v;
    st[1] = v2 / v;
    st[2] = v13 / v;
    st[3] = 0.0;
}

/* The indices of Ishigami plus a dummy from a Saltelli design of n base rows. */
static void ishigami_indices(size_t n, size_t n_boot, uint64_t seed, double shift,
                             ts_sens_sobol_index out[4]) {
    const size_t k = 4, runs = ts_sens_saltelli_runs(k, n);
    const double low[] = {-M_PI, -M_PI, -M_PI, 0.0}, high[] = {M_PI, M_PI, M_PI, 1.0};
    double *x = alloc_doubles(runs * k), *y = alloc_doubles(runs);
    ts_error err;
    assert_int_equal(ts_sens_saltelli_design(k, n, x, &err), TS_OK);
    assert_int_equal(ts_sens_scale(runs, k, x, low, high, x, &err), TS_OK);
    for (size_t j = 0; j < runs; j++) {
        y[j] = ishigami(x + j * k) + shift;
    }
    double v;
    assert_int_equal(ts_sens_sobol_indices(k, n, y, n_boot, seed, out, &v, &err), TS_OK);
    assert_float_equal(v, 13.8446, 0.5);
    free(x);
    free(y);
}

static void test_sobol_ishigami(void **state) {
    (void)state;
    double s[4], st[4];
    ishigami_truth(s, st);
    assert_float_equal(s[0], 0.3139, 1e-4);
    assert_float_equal(s[1], 0.4424, 1e-4);
    assert_float_equal(st[0], 0.5576, 1e-4);
    assert_float_equal(st[2], 0.2437, 1e-4);
    const uint64_t seeds[] = {2010, 0x5a17e111};
    for (size_t si = 0; si < 2; si++) {
        ts_sens_sobol_index idx[4];
        ishigami_indices(8192, 1000, seeds[si], 0.0, idx);
        for (size_t i = 0; i < 4; i++) {
            assert_true(idx[i].s_low <= s[i] && s[i] <= idx[i].s_high);
            assert_true(idx[i].st_low <= st[i] && st[i] <= idx[i].st_high);
            assert_true(idx[i].s_low <= idx[i].s && idx[i].s <= idx[i].s_high);
            assert_true(idx[i].st_low <= idx[i].st && idx[i].st <= idx[i].st_high);
            /* Close, not just inside a wide interval. */
            assert_float_equal(idx[i].s, s[i], 0.01);
            assert_float_equal(idx[i].st, st[i], 0.01);
        }
        /* The dummy: every run of A_B^(dummy) equals the run of A, so exactly 0. */
        assert_true(idx[3].s == 0.0 && idx[3].s_low == 0.0 && idx[3].s_high == 0.0);
        assert_true(idx[3].st == 0.0 && idx[3].st_low == 0.0 && idx[3].st_high == 0.0);
        /* By the total index every real factor stands clear of the dummy, x3 included; by the
         * first-order index x3 (which acts only with x1) does not. */
        for (size_t i = 0; i < 3; i++) {
            assert_true(ts_sens_distinguishable(idx[i].st_low, idx[i].st_high, idx[3].st_low,
                                                idx[3].st_high));
        }
        assert_true(
            ts_sens_distinguishable(idx[0].s_low, idx[0].s_high, idx[3].s_low, idx[3].s_high));
        assert_true(
            ts_sens_distinguishable(idx[1].s_low, idx[1].s_high, idx[3].s_low, idx[3].s_high));
        assert_true(idx[2].s_low <= 0.0 && 0.0 <= idx[2].s_high);
        assert_false(
            ts_sens_distinguishable(idx[2].s_low, idx[2].s_high, idx[3].s_low, idx[3].s_high));
        assert_false(
            ts_sens_distinguishable(idx[3].st_low, idx[3].st_high, idx[3].st_low, idx[3].st_high));
    }
}

static void test_sobol_intervals_shrink_with_n(void **state) {
    (void)state;
    ts_sens_sobol_index small[4], large[4];
    ishigami_indices(1024, 1000, 99, 0.0, small);
    ishigami_indices(8192, 1000, 99, 0.0, large);
    /* Width ~ 1/sqrt(N): 8 times the rows, about 0.35 times the width. */
    for (size_t i = 0; i < 3; i++) {
        double ws = small[i].s_high - small[i].s_low, wl = large[i].s_high - large[i].s_low;
        double wts = small[i].st_high - small[i].st_low, wtl = large[i].st_high - large[i].st_low;
        assert_true(wl > 0.0 && wl < 0.6 * ws);
        assert_true(wtl > 0.0 && wtl < 0.6 * wts);
    }
}

static void test_sobol_determinism_and_shift(void **state) {
    (void)state;
    ts_sens_sobol_index a[4], b[4], c[4], shifted[4], none[4];
    ishigami_indices(2048, 400, 31, 0.0, a);
    ishigami_indices(2048, 400, 31, 0.0, b);
    ishigami_indices(2048, 400, 32, 0.0, c);
    assert_memory_equal(a, b, sizeof a);
    for (size_t i = 0; i < 3; i++) {
        assert_true(a[i].s == c[i].s && a[i].st == c[i].st);
        assert_true(a[i].s_low != c[i].s_low || a[i].st_high != c[i].st_high);
    }
    /* An output far from 0 changes nothing beyond rounding (the outputs are centred). */
    ishigami_indices(2048, 400, 31, 1e4, shifted);
    for (size_t i = 0; i < 4; i++) {
        assert_float_equal(shifted[i].s, a[i].s, 1e-9);
        assert_float_equal(shifted[i].st, a[i].st, 1e-9);
        assert_float_equal(shifted[i].s_low, a[i].s_low, 1e-9);
        assert_float_equal(shifted[i].st_high, a[i].st_high, 1e-9);
    }
    ishigami_indices(2048, 0, 31, 0.0, none);
    assert_true(none[0].s == a[0].s && isnan(none[0].s_low) && isnan(none[0].st_high));
}

/* An additive function f = sum c_i x_i on the unit cube: S_i = ST_i = c_i^2 / sum c_j^2. */
static void test_sobol_additive(void **state) {
    (void)state;
    const size_t k = 3, n = 4096, runs = ts_sens_saltelli_runs(k, n);
    const double c[] = {1.0, 2.0, 0.3717};
    const double total = 1.0 + 4.0 + 0.3717 * 0.3717;
    double *x = alloc_doubles(runs * k), *y = alloc_doubles(runs);
    ts_sens_sobol_index idx[3];
    ts_error err;
    assert_int_equal(ts_sens_saltelli_design(k, n, x, &err), TS_OK);
    for (size_t j = 0; j < runs; j++) {
        y[j] = c[0] * x[j * k] + c[1] * x[j * k + 1] + c[2] * x[j * k + 2];
    }
    assert_int_equal(ts_sens_sobol_indices(k, n, y, 500, 4, idx, NULL, &err), TS_OK);
    for (size_t i = 0; i < k; i++) {
        double truth = c[i] * c[i] / total;
        assert_true(idx[i].s_low <= truth && truth <= idx[i].s_high);
        assert_true(idx[i].st_low <= truth && truth <= idx[i].st_high);
        assert_float_equal(idx[i].s, truth, 0.02);
        assert_float_equal(idx[i].st, truth, 0.02);
    }
    free(x);
    free(y);
}

/* ---- The dummy rule and the errors ------------------------------------------------------- */

static void test_distinguishable(void **state) {
    (void)state;
    /* Above the dummy's interval: distinguishable. */
    assert_true(ts_sens_distinguishable(0.3717, 0.52, -0.01, 0.04));
    /* Overlapping, touching, inside, below: not. */
    assert_false(ts_sens_distinguishable(0.03, 0.52, -0.01, 0.04));
    assert_false(ts_sens_distinguishable(0.04, 0.52, -0.01, 0.04));
    assert_false(ts_sens_distinguishable(0.0, 0.01, -0.01, 0.04));
    assert_false(ts_sens_distinguishable(-0.3, -0.2, -0.01, 0.04));
    /* A dummy of exactly 0 (a deterministic model): anything above 0 stands out. */
    assert_true(ts_sens_distinguishable(1e-9, 0.1, 0.0, 0.0));
    assert_false(ts_sens_distinguishable(0.0, 0.1, 0.0, 0.0));
    /* No interval (NaN), no answer. */
    assert_false(ts_sens_distinguishable(NAN, 0.5, 0.0, 0.0));
    assert_false(ts_sens_distinguishable(0.3, 0.5, 0.0, NAN));
}

/* Calls that must fail with TS_ERR_PARAM and a message containing want. */
static void expect_param_error(ts_status st, const ts_error *err, const char *want) {
    assert_int_equal(st, TS_ERR_PARAM);
    assert_int_equal(err->status, TS_ERR_PARAM);
    if (!strstr(err->msg, want)) {
        fail_msg("message \"%s\" lacks \"%s\"", err->msg, want);
    }
}

static void test_bad_arguments(void **state) {
    (void)state;
    double x[256], y[128];
    ts_sens_morris_factor m[4];
    ts_sens_sobol_index s[4];
    ts_error err;
    const double low[] = {0.0, 1.0}, high[] = {1.0, 0.5}, nan_high[] = {NAN, 2.0};
    for (size_t j = 0; j < 128; j++) {
        y[j] = 0.3717 * (double)(j % 7);
    }

    ts_error_clear(&err);
    expect_param_error(ts_sens_morris_design(0, 4, 4, 1, x, &err), &err, "at least one factor");
    expect_param_error(ts_sens_morris_design(3, 0, 4, 1, x, &err), &err, "r >= 1");
    expect_param_error(ts_sens_morris_design(3, 4, 3, 1, x, &err), &err, "even number");
    expect_param_error(ts_sens_morris_design(3, 4, 0, 1, x, &err), &err, "not 0");
    expect_param_error(ts_sens_morris_design(3, 4, 1, 1, x, &err), &err, "p >= 2");
    expect_param_error(ts_sens_morris_design(SIZE_MAX / 2, 4, 4, 1, x, &err), &err, "at most");
    expect_param_error(ts_sens_morris_effects(0, 4, x, y, 0, 1, m, &err), &err, "one factor");
    expect_param_error(ts_sens_morris_effects(3, 0, x, y, 0, 1, m, &err), &err, "r >= 1");
    assert_int_equal(ts_sens_morris_design(3, 4, 4, 1, x, &err), TS_OK);
    const size_t too_many = (size_t)UINT32_MAX + 1;
    expect_param_error(ts_sens_morris_effects(3, 4, x, y, too_many, 1, m, &err), &err,
                       "resamples are too many");
    y[9] = NAN;
    expect_param_error(ts_sens_morris_effects(3, 4, x, y, 0, 1, m, &err), &err, "run 9");
    y[9] = 1.0;

    expect_param_error(ts_sens_saltelli_design(0, 16, x, &err), &err, "at least one factor");
    expect_param_error(ts_sens_saltelli_design(21, 16, x, &err), &err, "at most 40 dimensions");
    expect_param_error(ts_sens_saltelli_design(3, 0, x, &err), &err, "N >= 1");
    expect_param_error(ts_sens_saltelli_design(3, ((size_t)1 << 29) + 1, x, &err), &err,
                       "at most 2^29");
    expect_param_error(ts_sens_sobol_indices(0, 16, y, 0, 1, s, NULL, &err), &err, "one factor");
    expect_param_error(ts_sens_sobol_indices(21, 16, y, 0, 1, s, NULL, &err), &err, "21 factors");
    expect_param_error(ts_sens_sobol_indices(3, 0, y, 0, 1, s, NULL, &err), &err, "N >= 1");
    expect_param_error(ts_sens_sobol_indices(3, 1, y, 0, 1, s, NULL, &err), &err, "at least 2");
    expect_param_error(ts_sens_sobol_indices(3, 16, y, too_many, 1, s, NULL, &err), &err,
                       "resamples are too many");
    y[17] = INFINITY;
    expect_param_error(ts_sens_sobol_indices(3, 16, y, 0, 1, s, NULL, &err), &err, "run 17");
    /* Constant base runs: no variance, no index. */
    for (size_t j = 0; j < 16 * 5; j++) {
        y[j] = 0.3717;
    }
    expect_param_error(ts_sens_sobol_indices(3, 16, y, 0, 1, s, NULL, &err), &err, "do not vary");

    expect_param_error(ts_sens_scale(1, 2, x, low, high, x, &err), &err, "factor 1");
    expect_param_error(ts_sens_scale(1, 2, x, low, nan_high, x, &err), &err, "factor 0");
    /* Without an error object, the status alone. */
    assert_int_equal(ts_sens_saltelli_design(0, 16, x, NULL), TS_ERR_PARAM);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scale),
        cmocka_unit_test(test_run_counts),
        cmocka_unit_test(test_morris_design_structure),
        cmocka_unit_test(test_morris_design_determinism),
        cmocka_unit_test(test_morris_linear_effects),
        cmocka_unit_test(test_morris_nonlinear_effects),
        cmocka_unit_test(test_morris_bootstrap_determinism),
        cmocka_unit_test(test_morris_effects_rejects_other_designs),
        cmocka_unit_test(test_saltelli_design_layout),
        cmocka_unit_test(test_sobol_ishigami),
        cmocka_unit_test(test_sobol_intervals_shrink_with_n),
        cmocka_unit_test(test_sobol_determinism_and_shift),
        cmocka_unit_test(test_sobol_additive),
        cmocka_unit_test(test_distinguishable),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
