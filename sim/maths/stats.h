/* Statistics of small samples shared by `trustsim compare` and `trustsim validate`: the
 * description of a sample (mean, sd, 95 % t confidence interval), Welch's t-test and
 * Cohen's d between two samples, correlations and the median. Pure functions over the
 * caller's arrays (GSL does the distributions, correlations and median); no state, so
 * any thread may call them. */
#ifndef TS_STATS_H
#define TS_STATS_H

#include <math.h>
#include <stddef.h>

/* The description of one sample. mean is NaN when n is 0; sd (sample sd, n - 1) and
 * the 95 % confidence interval of the mean (t distribution, n - 1 df) are NaN when n < 2.
 * An sd of 0 gives an interval of width 0. */
typedef struct ts_stats {
    size_t n;
    double mean, sd, ci95_low, ci95_high;
} ts_stats;

/* Describes x[0..n-1] (x may be NULL when n is 0). Non-finite values are used as they
 * are (the result is then not finite). */
void ts_stats_describe(const double *x, size_t n, ts_stats *out);

/* Welch's two-sample t-test of a against b: t = (mean_a - mean_b) / se, Welch–
 * Satterthwaite df, two-sided p. All three NaN when either n < 2 or both sds are 0. */
typedef struct ts_welch {
    double t, df, p;
} ts_welch;

ts_welch ts_stats_welch(const ts_stats *a, const ts_stats *b);

/* Cohen's d of a against b, (mean_a - mean_b) / pooled sd, the pooled sd being
 * sqrt(((n_a - 1) sd_a² + (n_b - 1) sd_b²) / (n_a + n_b - 2)). NaN when either n < 2 or
 * both sds are 0. */
double ts_stats_cohen_d(const ts_stats *a, const ts_stats *b);

/* A difference of means against a baseline, with its 95 % interval, test and effect size:
 * diff = mean_a - mean_b; p two-sided; d the effect size. */
typedef struct ts_diff {
    size_t n; /* pairs (paired) or n_a + n_b (Welch) */
    double diff, ci95_low, ci95_high, p, d;
} ts_diff;

/* Paired: the n differences of matched pairs (a_i - b_i) in diffs: their mean, its t
 * interval (n - 1 df), the paired t-test and d_z = mean / sd of the differences. diff is
 * NaN when n is 0; the rest NaN when n < 2 or every difference is the same. */
ts_diff ts_stats_paired(const double *diffs, size_t n);

/* Unpaired: mean_a - mean_b, its Welch interval (Welch–Satterthwaite df), Welch's p and
 * Cohen's d (as above); NaN where ts_stats_welch is. */
ts_diff ts_stats_unpaired(const ts_stats *a, const ts_stats *b);

/* Pearson's r of the n pairs (x[i], y[i]); NaN when n < 3 or either variance is 0. */
double ts_stats_pearson(const double *x, const double *y, size_t n);

/* Spearman's rho: Pearson's r of the ranks, tied values sharing their mean rank. work
 * holds 2 n doubles. NaN when n < 3 or either sample is constant. */
double ts_stats_spearman(const double *x, const double *y, size_t n, double *work);

/* The median of x[0..n-1], which it reorders; NaN when n is 0. */
double ts_stats_median(double *x, size_t n);

/* num / den, NaN when there is nothing to divide by (den <= 0): a daily metric's ratio of
 * two sums on a day without any of what it averages. */
static inline double ts_stats_ratio(double num, double den) {
    return den > 0.0 ? num / den : NAN;
}

#endif
