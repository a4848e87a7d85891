/* Morris elementary effects and Sobol' indices with Saltelli's sampling (sensitivity.h).
 * GSL supplies the Sobol' sequence, the shuffle, the sorting and the sample statistics;
 * sim/maths/rng.h the random streams; sim/maths/stats.h the mean and sd of the elementary
 * effects. */
#include "sensitivity.h"

#include "rng.h"
#include "stats.h"

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort_double.h>
#include <gsl/gsl_statistics_double.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* GSL's Sobol' generator counts its points in 30 bits; the design takes one more than n. */
#define TS_SENS_SALTELLI_MAX_N ((size_t)1 << 29)

/* a * b, or 0 when the product overflows size_t (a size of 0 is refused everywhere, so 0
 * can mean "too large"). */
static size_t ts_sens_mul(size_t a, size_t b) {
    if (a != 0 && b > SIZE_MAX / a) {
        return 0;
    }
    return a * b;
}

/* The size in doubles of an n_rows x k matrix, 0 on overflow. */
static size_t ts_sens_cells(size_t n_rows, size_t k) {
    return n_rows == 0 ? 0 : ts_sens_mul(n_rows, k);
}

/* The 2.5 % and 97.5 % quantiles of the finite values of v[0..n-1], which it reorders; NaN
 * when there are none. */
static void ts_sens_percentile(double *v, size_t n, double *lo, double *hi) {
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (isfinite(v[i])) {
            v[m++] = v[i];
        }
    }
    if (m == 0) {
        *lo = *hi = NAN;
        return;
    }
    gsl_sort(v, 1, m);
    double tail = (1.0 - TS_SENS_CI_LEVEL) / 2.0;
    *lo = gsl_stats_quantile_from_sorted_data(v, 1, m, tail);
    *hi = gsl_stats_quantile_from_sorted_data(v, 1, m, 1.0 - tail);
}

/* The first non-finite value of y[0..n-1] as an error naming its run. */
static ts_status ts_sens_check_outputs(const double *y, size_t n, ts_error *err) {
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(y[i])) {
            return ts_error_set(err, TS_ERR_PARAM,
                                "sensitivity: the output of run %zu is %g; every run needs a "
                                "finite output",
                                i, y[i]);
        }
    }
    return TS_OK;
}

ts_status ts_sens_scale(size_t n, size_t k, const double *unit, const double *low,
                        const double *high, double *out, ts_error *err) {
    for (size_t i = 0; i < k; i++) {
        if (!isfinite(low[i]) || !isfinite(high[i]) || low[i] > high[i]) {
            return ts_error_set(err, TS_ERR_PARAM,
                                "sensitivity: factor %zu has the range [%g, %g]; a range needs "
                                "finite bounds, low <= high",
                                i, low[i], high[i]);
        }
    }
    for (size_t j = 0; j < n; j++) {
        for (size_t i = 0; i < k; i++) {
            double u = unit[j * k + i];
            out[j * k + i] = (1.0 - u) * low[i] + u * high[i];
        }
    }
    return TS_OK;
}

int ts_sens_distinguishable(double lo, double hi, double lo_dummy, double hi_dummy) {
    if (isnan(lo) || isnan(hi) || isnan(lo_dummy) || isnan(hi_dummy)) {
        return 0;
    }
    return lo > hi_dummy;
}

/* ---- Morris ------------------------------------------------------------------------------ */

size_t ts_sens_morris_runs(size_t k, size_t r) {
    return k == SIZE_MAX ? 0 : ts_sens_mul(r, k + 1);
}

/* The checks the design and the estimator share: k and r usable, sizes representable. */
static ts_status ts_sens_morris_check(size_t k, size_t r, ts_error *err) {
    if (k == 0) {
        return ts_error_set(err, TS_ERR_PARAM, "sensitivity: Morris needs at least one factor");
    }
    if (r == 0) {
        return ts_error_set(err, TS_ERR_PARAM,
                            "sensitivity: Morris needs at least one trajectory (r >= 1)");
    }
    if (k > UINT32_MAX || r > UINT32_MAX) {
        return ts_error_set(err, TS_ERR_PARAM,
                            "sensitivity: Morris takes at most 2^32 - 1 factors and trajectories "
                            "(k = %zu, r = %zu)",
                            k, r);
    }
    if (ts_sens_cells(ts_sens_morris_runs(k, r), k) == 0) {
        return ts_error_set(err, TS_ERR_PARAM,
                            "sensitivity: a Morris design of %zu trajectories over %zu factors "
                            "is too large to hold",
                            r, k);
    }
    return TS_OK;
}

ts_status ts_sens_morris_design(size_t k, size_t r, size_t p, uint64_t seed, double *points,
                                ts_error *err) {
    ts_status st = ts_sens_morris_check(k, r, err);
    if (st != TS_OK) {
        return st;
    }
    if (p < 2 || p % 2 != 0 || p > UINT32_MAX) {
        return ts_error_set(err, TS_ERR_PARAM,
                            "sensitivity: Morris needs an even number of grid levels p >= 2 (so "
                            "that the step p / (2 (p - 1)) joins levels in pairs), not %zu",
                            p);
    }
    uint32_t *level = malloc(k * sizeof *level);
    size_t *order = malloc(k * sizeof *order);
    if (!level || !order) {
        st = ts_error_set(err, TS_ERR_NOMEM, "sensitivity: out of memory for a Morris design");
        goto cleanup;
    }
    const uint32_t half = (uint32_t)(p / 2);
    const double top = (double)(p - 1);
    for (size_t t = 0; t < r; t++) {
        ts_rng rng;
        ts_rng_init(&rng, seed, (uint32_t)t, 0, TS_SENS_STREAM_MORRIS);
        for (size_t i = 0; i < k; i++) {
            level[i] = ts_rng_below(&rng, (uint32_t)p);
            order[i] = i;
        }
        gsl_ran_shuffle(ts_rng_gsl(&rng), order, k, sizeof *order);
        double *row = points + t * (k + 1) * k;
        for (size_t i = 0; i < k; i++) {
            row[i] = (double)level[i] / top;
        }
        for (size_t s = 0; s < k; s++) {
            double *next = row + k;
            memcpy(next, row, k * sizeof *row);
            size_t f = order[s];
            /* Each level has exactly one partner p/2 levels away inside the grid. */
            level[f] = level[f] < half ? level[f] + half : level[f] - half;
            next[f] = (double)level[f] / top;
            row = next;
        }
    }
cleanup:
    free(level);
    free(order);
    return st;
}

/* The elementary effects of the design, ee[t k + i] for trajectory t and factor i, checking
 * that every step moves one factor and every factor moves once per trajectory (a factor not
 * yet moved has a NaN effect; the effects found are finite). */
static ts_status ts_sens_morris_ee(size_t k, size_t r, const double *points, const double *y,
                                   double *ee, ts_error *err) {
    for (size_t t = 0; t < r; t++) {
        double *row = ee + t * k;
        for (size_t i = 0; i < k; i++) {
            row[i] = NAN;
        }
        for (size_t s = 1; s <= k; s++) {
            size_t before = t * (k + 1) + s - 1, after = before + 1;
            const double *xb = points + before * k, *xa = points + after * k;
            size_t n_changed = 0, f = 0;
            for (size_t i = 0; i < k; i++) {
                if (xa[i] != xb[i]) {
                    n_changed++;
                    f = i;
                }
            }
            if (n_changed != 1) {
                return ts_error_set(err, TS_ERR_PARAM,
                                    "sensitivity: step %zu of Morris trajectory %zu (rows %zu to "
                                    "%zu) changes %zu factors; a step changes exactly one",
                                    s, t, before, after, n_changed);
            }
            if (!isnan(row[f])) {
                return ts_error_set(err, TS_ERR_PARAM,
                                    "sensitivity: Morris trajectory %zu moves factor %zu twice "
                                    "(again at step %zu); a trajectory moves each factor once",
                                    t, f, s);
            }
            double e = (y[after] - y[before]) / (xa[f] - xb[f]);
            if (!isfinite(e)) {
                return ts_error_set(err, TS_ERR_PARAM,
                                    "sensitivity: the elementary effect of factor %zu at step "
                                    "%zu of Morris trajectory %zu is not finite",
                                    f, s, t);
            }
            row[f] = e;
        }
    }
    return TS_OK;
}

/* The bootstrap interval of each factor's mu_star from n_boot resamples of the r rows of
 * abs_ee (r x k); boot holds n_boot k doubles, pick r indices and col r doubles. */
static void ts_sens_morris_boot(size_t k, size_t r, const double *abs_ee, size_t n_boot,
                                uint64_t seed, double *boot, uint32_t *pick, double *col,
                                ts_sens_morris_factor *out) {
    for (size_t b = 0; b < n_boot; b++) {
        ts_rng rng;
        ts_rng_init(&rng, seed, (uint32_t)b, 0, TS_SENS_STREAM_MORRIS_BOOT);
        for (size_t t = 0; t < r; t++) {
            pick[t] = ts_rng_below(&rng, (uint32_t)r);
        }
        for (size_t i = 0; i < k; i++) {
            for (size_t t = 0; t < r; t++) {
                col[t] = abs_ee[(size_t)pick[t] * k + i];
            }
            boot[i * n_boot + b] = gsl_stats_mean(col, 1, r);
        }
    }
    for (size_t i = 0; i < k; i++) {
        ts_sens_percentile(boot + i * n_boot, n_boot, &out[i].mu_star_low, &out[i].mu_star_high);
    }
}

ts_status ts_sens_morris_effects(size_t k, size_t r, const double *points, const double *y,
                                 size_t n_boot, uint64_t seed, ts_sens_morris_factor *out,
                                 ts_error *err) {
    ts_status st = ts_sens_morris_check(k, r, err);
    if (st != TS_OK) {
        return st;
    }
    if (n_boot > UINT32_MAX || (n_boot > 0 && ts_sens_cells(n_boot, k) == 0)) {
        return ts_error_set(err, TS_ERR_PARAM,
                            "sensitivity: %zu bootstrap resamples are too many (at most 2^32 - 1)",
                            n_boot);
    }
    st = ts_sens_check_outputs(y, ts_sens_morris_runs(k, r), err);
    if (st != TS_OK) {
        return st;
    }
    double *ee = malloc(r * k * sizeof *ee);
    double *col = malloc(r * sizeof *col);
    uint32_t *pick = malloc(r * sizeof *pick);
    double *boot = n_boot > 0 ? malloc(n_boot * k * sizeof *boot) : NULL;
    if (!ee || !col || !pick || (n_boot > 0 && !boot)) {
        st = ts_error_set(err, TS_ERR_NOMEM, "sensitivity: out of memory for Morris effects");
        goto cleanup;
    }
    st = ts_sens_morris_ee(k, r, points, y, ee, err);
    if (st != TS_OK) {
        goto cleanup;
    }
    for (size_t i = 0; i < k; i++) {
        ts_stats d;
        for (size_t t = 0; t < r; t++) {
            col[t] = ee[t * k + i];
        }
        ts_stats_describe(col, r, &d);
        out[i].mu = d.mean;
        out[i].sigma = d.sd;
        for (size_t t = 0; t < r; t++) {
            col[t] = fabs(col[t]);
        }
        /* The bootstrap's mean, so that effects of one constant size give mu_star and its
         * interval bitwise equal. */
        out[i].mu_star = gsl_stats_mean(col, 1, r);
        out[i].mu_star_low = out[i].mu_star_high = NAN;
    }
    if (n_boot > 0) {
        /* From here on only the sizes of the effects matter. */
        for (size_t c = 0; c < r * k; c++) {
            ee[c] = fabs(ee[c]);
        }
        ts_sens_morris_boot(k, r, ee, n_boot, seed, boot, pick, col, out);
    }
cleanup:
    free(ee);
    free(col);
    free(pick);
    free(boot);
    return st;
}

/* ---- Saltelli / Sobol' ------------------------------------------------------------------- */

size_t ts_sens_saltelli_max_factors(void) {
    return gsl_qrng_sobol->max_dimension / 2;
}

size_t ts_sens_saltelli_runs(size_t k, size_t n) {
    return k >= SIZE_MAX - 1 ? 0 : ts_sens_mul(n, k + 2);
}

/* The checks the design and the estimator share. */
static ts_status ts_sens_saltelli_check(size_t k, size_t n, ts_error *err) {
    size_t max_k = ts_sens_saltelli_max_factors();
    if (k == 0) {
        return ts_error_set(err, TS_ERR_PARAM,
                            "sensitivity: Sobol' indices need at least one "
                            "factor");
    }
    if (k > max_k) {
        return ts_error_set(err, TS_ERR_PARAM,
                            "sensitivity: %zu factors are more than a Saltelli design takes (%zu: "
                            "GSL's Sobol' sequence has at most %u dimensions, two per factor)",
                            k, max_k, gsl_qrng_sobol->max_dimension);
    }
    if (n == 0) {
        return ts_error_set(err, TS_ERR_PARAM,
                            "sensitivity: a Saltelli design needs at least one base row (N >= 1)");
    }
    if (n > TS_SENS_SALTELLI_MAX_N || ts_sens_cells(ts_sens_saltelli_runs(k, n), k) == 0) {
        return ts_error_set(err, TS_ERR_PARAM,
                            "sensitivity: N = %zu base rows are more than a Saltelli design "
                            "takes (at most 2^29)",
                            n);
    }
    return TS_OK;
}

ts_status ts_sens_saltelli_design(size_t k, size_t n, double *points, ts_error *err) {
    ts_status st = ts_sens_saltelli_check(k, n, err);
    if (st != TS_OK) {
        return st;
    }
    double *v = malloc(2 * k * sizeof *v);
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)(2 * k));
    if (!v || !q) {
        st = ts_error_set(err, TS_ERR_NOMEM, "sensitivity: out of memory for a Saltelli design");
        goto cleanup;
    }
    /* GSL's first output is the sequence's point 1, all halves: A = B there (see the header). */
    if (gsl_qrng_get(q, v) != 0) {
        st = ts_error_set(err, TS_ERR_INTERNAL, "sensitivity: GSL's Sobol' generator failed");
        goto cleanup;
    }
    for (size_t j = 0; j < n; j++) {
        if (gsl_qrng_get(q, v) != 0) {
            st = ts_error_set(err, TS_ERR_INTERNAL,
                              "sensitivity: GSL's Sobol' generator failed at point %zu", j + 2);
            goto cleanup;
        }
        double *a = points + ts_sens_saltelli_row(k, j, 0) * k;
        double *b = points + ts_sens_saltelli_row(k, j, 1) * k;
        memcpy(a, v, k * sizeof *v);
        memcpy(b, v + k, k * sizeof *v);
        for (size_t i = 0; i < k; i++) {
            double *ab = points + ts_sens_saltelli_row(k, j, 2 + i) * k;
            memcpy(ab, v, k * sizeof *v);
            ab[i] = v[k + i];
        }
    }
cleanup:
    gsl_qrng_free(q);
    free(v);
    return st;
}

/* Work space of the Sobol' estimator, allocated once per call. */
typedef struct ts_sens_sobol_work {
    double *ab;     /* 2 n: the drawn f(A) and f(B) values, for V */
    double *sum1;   /* k: sums of the first-order estimator */
    double *sum2;   /* k: sums of the total estimator */
    uint32_t *rows; /* n: the base rows of one resample */
    double *boot;   /* 2 k n_boot: resampled S (factor-major), then resampled S_T */
} ts_sens_sobol_work;

/* The estimates s[i], st[i] from the base rows rows[0..n-1] (NULL: 0 .. n-1) of the outputs y,
 * centred on c; returns V. When V is 0 (or not finite) the estimates are NaN. */
static double ts_sens_sobol_estimate(size_t k, size_t n, const double *y, double c,
                                     const uint32_t *rows, ts_sens_sobol_work *w, double *s,
                                     double *st) {
    for (size_t i = 0; i < k; i++) {
        w->sum1[i] = w->sum2[i] = 0.0;
    }
    for (size_t j = 0; j < n; j++) {
        size_t row = rows ? rows[j] : j;
        const double *yr = y + ts_sens_saltelli_row(k, row, 0);
        double fa = yr[0] - c, fb = yr[1] - c;
        w->ab[j] = fa;
        w->ab[n + j] = fb;
        for (size_t i = 0; i < k; i++) {
            double fab = yr[2 + i] - c;
            w->sum1[i] += fb * (fab - fa);
            w->sum2[i] += (fa - fab) * (fa - fab);
        }
    }
    double v = gsl_stats_variance(w->ab, 1, 2 * n);
    for (size_t i = 0; i < k; i++) {
        if (v > 0.0 && isfinite(v)) {
            s[i] = w->sum1[i] / (double)n / v;
            st[i] = w->sum2[i] / (2.0 * (double)n) / v;
        } else {
            s[i] = st[i] = NAN;
        }
    }
    return v;
}

/* The bootstrap intervals: n_boot resamples of the n base rows. s and st are k scratch
 * doubles each. */
static void ts_sens_sobol_boot(size_t k, size_t n, const double *y, double c, size_t n_boot,
                               uint64_t seed, ts_sens_sobol_work *w, double *s, double *st,
                               ts_sens_sobol_index *out) {
    double *boot_s = w->boot, *boot_st = w->boot + k * n_boot;
    for (size_t b = 0; b < n_boot; b++) {
        ts_rng rng;
        ts_rng_init(&rng, seed, (uint32_t)b, 0, TS_SENS_STREAM_SOBOL_BOOT);
        for (size_t j = 0; j < n; j++) {
            w->rows[j] = ts_rng_below(&rng, (uint32_t)n);
        }
        ts_sens_sobol_estimate(k, n, y, c, w->rows, w, s, st);
        for (size_t i = 0; i < k; i++) {
            boot_s[i * n_boot + b] = s[i];
            boot_st[i * n_boot + b] = st[i];
        }
    }
    for (size_t i = 0; i < k; i++) {
        ts_sens_percentile(boot_s + i * n_boot, n_boot, &out[i].s_low, &out[i].s_high);
        ts_sens_percentile(boot_st + i * n_boot, n_boot, &out[i].st_low, &out[i].st_high);
    }
}

ts_status ts_sens_sobol_indices(size_t k, size_t n, const double *y, size_t n_boot, uint64_t seed,
                                ts_sens_sobol_index *out, double *variance, ts_error *err) {
    ts_status st = ts_sens_saltelli_check(k, n, err);
    if (st != TS_OK) {
        return st;
    }
    if (n < 2) {
        return ts_error_set(err, TS_ERR_PARAM,
                            "sensitivity: Sobol' indices need at least 2 base rows (N = %zu)", n);
    }
    if (n_boot > UINT32_MAX || (n_boot > 0 && ts_sens_cells(n_boot, 2 * k) == 0)) {
        return ts_error_set(err, TS_ERR_PARAM,
                            "sensitivity: %zu bootstrap resamples are too many (at most 2^32 - 1)",
                            n_boot);
    }
    st = ts_sens_check_outputs(y, ts_sens_saltelli_runs(k, n), err);
    if (st != TS_OK) {
        return st;
    }
    ts_sens_sobol_work w = {0};
    double *s = malloc(2 * k * sizeof *s);
    w.ab = malloc(2 * n * sizeof *w.ab);
    w.sum1 = malloc(k * sizeof *w.sum1);
    w.sum2 = malloc(k * sizeof *w.sum2);
    w.rows = malloc(n * sizeof *w.rows);
    w.boot = n_boot > 0 ? malloc(2 * k * n_boot * sizeof *w.boot) : NULL;
    if (!s || !w.ab || !w.sum1 || !w.sum2 || !w.rows || (n_boot > 0 && !w.boot)) {
        st = ts_error_set(err, TS_ERR_NOMEM, "sensitivity: out of memory for Sobol' indices");
        goto cleanup;
    }
    /* Centring on the mean of f(A) and f(B) leaves what S_i estimates unchanged but keeps an
     * output far from 0 from inflating its error (its sum multiplies f(B) itself). */
    for (size_t j = 0; j < n; j++) {
        w.ab[j] = y[ts_sens_saltelli_row(k, j, 0)];
        w.ab[n + j] = y[ts_sens_saltelli_row(k, j, 1)];
    }
    double c = gsl_stats_mean(w.ab, 1, 2 * n);
    double v = ts_sens_sobol_estimate(k, n, y, c, NULL, &w, s, s + k);
    if (!(v > 0.0) || !isfinite(v)) {
        st = ts_error_set(err, TS_ERR_PARAM,
                          "sensitivity: the outputs of the base runs f(A), f(B) do not vary "
                          "(variance %g), so no Sobol' index is defined",
                          v);
        goto cleanup;
    }
    if (variance) {
        *variance = v;
    }
    for (size_t i = 0; i < k; i++) {
        out[i].s = s[i];
        out[i].st = s[k + i];
        out[i].s_low = out[i].s_high = out[i].st_low = out[i].st_high = NAN;
    }
    if (n_boot > 0) {
        ts_sens_sobol_boot(k, n, y, c, n_boot, seed, &w, s, s + k, out);
    }
cleanup:
    free(s);
    free(w.ab);
    free(w.sum1);
    free(w.sum2);
    free(w.rows);
    free(w.boot);
    return st;
}
