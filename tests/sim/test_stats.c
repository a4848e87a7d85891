/* Tests of sim/maths/stats.c: the description of a sample (mean, sd, 95 % t interval), Welch's
 * t-test, Cohen's d, Pearson's and Spearman's correlations (ties share their mean rank)
 * and the median, against values computed by hand (t quantiles from tables, the rest with
 * numpy). sim/app/compare.c's output through these functions is tested in test_compare.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>

#include "stats.h"

/* Two samples of different sizes. */
static const double X[] = {0.3717, 0.5122, 0.4409, 0.6631, 0.2876};
static const double Y[] = {0.8123, 0.6934, 0.7702, 0.9011};

static void test_describe_known_answers(void **state) {
    (void)state;
    ts_stats s;
    ts_stats_describe(X, 5, &s);
    assert_int_equal(s.n, 5);
    assert_float_equal(s.mean, 0.4551, 1e-15);
    assert_float_equal(s.sd, 0.1429491692875478, 1e-15);
    /* t(0.975, 4) = 2.776445105197799: half-width 2.7764 * sd / sqrt(5). */
    assert_float_equal(s.ci95_low, 0.2776051629225163, 1e-12);
    assert_float_equal(s.ci95_high, 0.6325948370774837, 1e-12);
    ts_stats_describe(Y, 4, &s);
    assert_float_equal(s.mean, 0.79425, 1e-15);
    assert_float_equal(s.sd, 0.08658685427553846, 1e-15);
    /* t(0.975, 3) = 3.182446305284263. */
    assert_float_equal(s.ci95_low, 0.6564709927623129, 1e-12);
    assert_float_equal(s.ci95_high, 0.9320290072376871, 1e-12);
    /* One value: a mean, nothing else; none: nothing. */
    ts_stats_describe(X + 2, 1, &s);
    assert_float_equal(s.mean, 0.4409, 0.0);
    assert_true(isnan(s.sd) && isnan(s.ci95_low) && isnan(s.ci95_high));
    ts_stats_describe(NULL, 0, &s);
    assert_int_equal(s.n, 0);
    assert_true(isnan(s.mean));
}

static void test_welch_and_cohen_known_answers(void **state) {
    (void)state;
    ts_stats a, b;
    ts_stats_describe(X, 5, &a);
    ts_stats_describe(Y, 4, &b);
    /* se² = sd_x²/5 + sd_y²/4; t = -0.33915 / se; Welch–Satterthwaite df. */
    ts_welch w = ts_stats_welch(&a, &b);
    assert_float_equal(w.t, -4.392628460523655, 1e-12);
    assert_float_equal(w.df, 6.646356020967135, 1e-12);
    assert_float_equal(w.p, 0.003607144907689097, 1e-9);
    /* Pooled sd sqrt((4 sd_x² + 3 sd_y²) / 7). */
    assert_float_equal(ts_stats_cohen_d(&a, &b), -2.779361751935938, 1e-12);
    assert_float_equal(ts_stats_cohen_d(&b, &a), 2.779361751935938, 1e-12);
    /* n < 2: no test. */
    ts_stats one;
    ts_stats_describe(Y, 1, &one);
    assert_true(isnan(ts_stats_welch(&a, &one).t));
    assert_true(isnan(ts_stats_cohen_d(&one, &a)));
}

static void test_pearson(void **state) {
    (void)state;
    const double x[] = {1.7, 2.3, 2.3, 3.1, 4.4, 5.0};
    const double y[] = {0.42, 0.38, 0.51, 0.77, 0.64, 0.93};
    assert_float_equal(ts_stats_pearson(x, y, 6), 0.8442747544727403, 1e-12);
    assert_float_equal(ts_stats_pearson(y, x, 6), 0.8442747544727403, 1e-12);
    /* A perfectly decreasing line. */
    const double down[] = {9.1, 7.9, 7.9, 6.3, 3.7, 2.5};
    assert_float_equal(ts_stats_pearson(x, down, 6), -1.0, 1e-12);
    /* Fewer than 3 pairs, or a constant sample: NaN. */
    const double flat[] = {0.6, 0.6, 0.6, 0.6, 0.6, 0.6};
    assert_true(isnan(ts_stats_pearson(x, y, 2)));
    assert_true(isnan(ts_stats_pearson(x, flat, 6)));
    assert_true(isnan(ts_stats_pearson(flat, y, 6)));
}

static void test_spearman_with_ties(void **state) {
    (void)state;
    /* Ranks of x: 1, 2.5, 2.5, 4, 5, 6 (the tie shares 2 and 3); of y: 2, 1, 3, 5, 4, 6.
     * rho is Pearson's r of those ranks. */
    const double x[] = {1.7, 2.3, 2.3, 3.1, 4.4, 5.0};
    const double y[] = {0.42, 0.38, 0.51, 0.77, 0.64, 0.93};
    double work[12];
    assert_float_equal(ts_stats_spearman(x, y, 6, work), 0.8406680016960503, 1e-12);
    /* Monotone but not linear: rho 1 where r is not. */
    const double cube[] = {4.913, 12.167, 12.167, 29.791, 85.184, 125.0};
    assert_float_equal(ts_stats_spearman(x, cube, 6, work), 1.0, 1e-12);
    assert_true(ts_stats_pearson(x, cube, 6) < 0.99);
    const double flat[] = {2, 2, 2, 2, 2, 2};
    assert_true(isnan(ts_stats_spearman(x, flat, 6, work)));
    assert_true(isnan(ts_stats_spearman(x, y, 2, work)));
}

static void test_median(void **state) {
    (void)state;
    double even[] = {0.73, 0.12, 0.98, 0.45};
    assert_float_equal(ts_stats_median(even, 4), 0.59, 1e-15);
    double odd[] = {0.73, 0.12, 0.98, 0.45, 0.61};
    assert_float_equal(ts_stats_median(odd, 5), 0.61, 0.0);
    double one[] = {0.3717};
    assert_float_equal(ts_stats_median(one, 1), 0.3717, 0.0);
    assert_true(isnan(ts_stats_median(NULL, 0)));
}

/* Differences from a baseline (scipy, 2026-12-04): paired, the diffs {1, 1.1, 0.9, 1}
 * have mean 1, t interval [0.8700771736374662, 1.1299228263625338], p
 * 0.00014915720128493647, d_z 12.24744871391588; unpaired, {1..5} against {3, 5, 7, 9}
 * give -3, Welch interval [-6.844636383940092, 0.8446363839400912], p 0.1000838090350076,
 * d -1.449137674618944. Degenerate samples give NaN where no test exists. */
static void test_differences(void **state) {
    (void)state;
    const double diffs[] = {1.0, 1.1, 0.9, 1.0};
    ts_diff p = ts_stats_paired(diffs, 4);
    assert_int_equal(p.n, 4);
    assert_float_equal(p.diff, 1.0, 1e-12);
    assert_float_equal(p.ci95_low, 0.8700771736374662, 1e-9);
    assert_float_equal(p.ci95_high, 1.1299228263625338, 1e-9);
    assert_float_equal(p.p, 0.00014915720128493647, 1e-9);
    assert_float_equal(p.d, 12.24744871391588, 1e-9);
    const double same[] = {2.0, 2.0, 2.0};
    p = ts_stats_paired(same, 3);
    assert_float_equal(p.diff, 2.0, 0.0);
    assert_true(isnan(p.p) && isnan(p.d) && isnan(p.ci95_low));
    p = ts_stats_paired(NULL, 0);
    assert_true(isnan(p.diff));

    const double a[] = {1, 2, 3, 4, 5}, b[] = {3, 5, 7, 9};
    ts_stats sa, sb;
    ts_stats_describe(a, 5, &sa);
    ts_stats_describe(b, 4, &sb);
    ts_diff u = ts_stats_unpaired(&sa, &sb);
    assert_float_equal(u.diff, -3.0, 1e-12);
    assert_float_equal(u.ci95_low, -6.844636383940092, 1e-9);
    assert_float_equal(u.ci95_high, 0.8446363839400912, 1e-9);
    assert_float_equal(u.p, 0.1000838090350076, 1e-9);
    assert_float_equal(u.d, -1.449137674618944, 1e-9);
    ts_stats one;
    ts_stats_describe(a, 1, &one);
    u = ts_stats_unpaired(&one, &sb);
    assert_float_equal(u.diff, -5.0, 1e-12);
    assert_true(isnan(u.p) && isnan(u.ci95_low));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_describe_known_answers),
        cmocka_unit_test(test_welch_and_cohen_known_answers),
        cmocka_unit_test(test_pearson),
        cmocka_unit_test(test_spearman_with_ties),
        cmocka_unit_test(test_median),
        cmocka_unit_test(test_differences),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
