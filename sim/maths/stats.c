/* Statistics of small samples (stats.h): describe, Welch, Cohen's d, Pearson, Spearman,
 * median. GSL supplies the t distribution, the correlations and the median. */
#include "stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include <math.h>

void ts_stats_describe(const double *x, size_t n, ts_stats *out) {
    out->n = n;
    out->mean = out->sd = out->ci95_low = out->ci95_high = NAN;
    if (n == 0) {
        return;
    }
    /* A plain sum over n rather than GSL's running mean: the figures compare has always
     * written, to the last bit. */
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        sum += x[i];
    }
    out->mean = sum / (double)n;
    if (n < 2) {
        return;
    }
    /* Two passes: the squares of deviations, not of values, so no cancellation. */
    double ss = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = x[i] - out->mean;
        ss += d * d;
    }
    out->sd = sqrt(ss / (double)(n - 1));
    double half = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * out->sd / sqrt((double)n);
    out->ci95_low = out->mean - half;
    out->ci95_high = out->mean + half;
}

/* Both samples have a variance and at least one of them is not 0. */
static int ts_stats_comparable(const ts_stats *a, const ts_stats *b) {
    return a->n >= 2 && b->n >= 2 && (a->sd > 0.0 || b->sd > 0.0);
}

ts_welch ts_stats_welch(const ts_stats *a, const ts_stats *b) {
    ts_welch w = {NAN, NAN, NAN};
    if (!ts_stats_comparable(a, b)) {
        return w;
    }
    double va = a->sd * a->sd / (double)a->n, vb = b->sd * b->sd / (double)b->n;
    double se2 = va + vb;
    if (!(se2 > 0.0) || !isfinite(se2)) {
        return w;
    }
    w.t = (a->mean - b->mean) / sqrt(se2);
    w.df = se2 * se2 / (va * va / (double)(a->n - 1) + vb * vb / (double)(b->n - 1));
    if (isfinite(w.t) && isfinite(w.df)) {
        w.p = 2.0 * gsl_cdf_tdist_Q(fabs(w.t), w.df);
        if (w.p > 1.0) {
            w.p = 1.0;
        }
    }
    return w;
}

ts_diff ts_stats_paired(const double *diffs, size_t n) {
    ts_diff r = {n, NAN, NAN, NAN, NAN, NAN};
    ts_stats s;
    ts_stats_describe(diffs, n, &s);
    r.diff = s.mean;
    if (n < 2 || !(s.sd > 0.0) || !isfinite(s.sd)) {
        return r;
    }
    r.ci95_low = s.ci95_low;
    r.ci95_high = s.ci95_high;
    double t = s.mean / (s.sd / sqrt((double)n));
    r.p = 2.0 * gsl_cdf_tdist_Q(fabs(t), (double)(n - 1));
    if (r.p > 1.0) {
        r.p = 1.0;
    }
    r.d = s.mean / s.sd;
    return r;
}

ts_diff ts_stats_unpaired(const ts_stats *a, const ts_stats *b) {
    ts_diff r = {a->n + b->n, a->mean - b->mean, NAN, NAN, NAN, NAN};
    ts_welch w = ts_stats_welch(a, b);
    if (isnan(w.df)) {
        return r;
    }
    double se = sqrt(a->sd * a->sd / (double)a->n + b->sd * b->sd / (double)b->n);
    double half = gsl_cdf_tdist_Pinv(0.975, w.df) * se;
    r.ci95_low = r.diff - half;
    r.ci95_high = r.diff + half;
    r.p = w.p;
    r.d = ts_stats_cohen_d(a, b);
    return r;
}

double ts_stats_cohen_d(const ts_stats *a, const ts_stats *b) {
    if (!ts_stats_comparable(a, b)) {
        return NAN;
    }
    double na = (double)a->n, nb = (double)b->n;
    double pooled =
        sqrt(((na - 1.0) * a->sd * a->sd + (nb - 1.0) * b->sd * b->sd) / (na + nb - 2.0));
    return (a->mean - b->mean) / pooled;
}

/* Is every value of x[0..n-1] the same? A constant sample has no correlation (GSL would
 * divide 0 by 0, or by a rounding residue). */
static int ts_stats_constant(const double *x, size_t n) {
    for (size_t i = 1; i < n; i++) {
        if (x[i] != x[0]) {
            return 0;
        }
    }
    return 1;
}

double ts_stats_pearson(const double *x, const double *y, size_t n) {
    if (n < 3 || ts_stats_constant(x, n) || ts_stats_constant(y, n)) {
        return NAN;
    }
    return gsl_stats_correlation(x, 1, y, 1, n);
}

double ts_stats_spearman(const double *x, const double *y, size_t n, double *work) {
    if (n < 3 || ts_stats_constant(x, n) || ts_stats_constant(y, n)) {
        return NAN;
    }
    return gsl_stats_spearman(x, 1, y, 1, n, work);
}

double ts_stats_median(double *x, size_t n) {
    if (n == 0) {
        return NAN;
    }
    return gsl_stats_median(x, 1, n);
}
