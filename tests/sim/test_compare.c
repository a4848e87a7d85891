/* Tests of sim/app/compare.c: the statistics (mean, sd, t confidence interval, Welch's
 * t-test, Cohen's d) against values computed by hand (and checked with mpmath to 30
 * digits), and ts_compare on small results files written with sim/h5out.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <hdf5.h>

#include <math.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc_fail.h"
#include "compare.h"
#include "h5out.h"
#include "results.h"

/* ---- Statistics --------------------------------------------------------------------- */

static const double A[] = {1, 2, 3, 4, 5}; /* mean 3, sd sqrt(2.5) */
static const double B[] = {3, 5, 7, 9};    /* mean 6, sd sqrt(20/3) */

static void test_describe(void **state) {
    (void)state;
    ts_stats s;
    ts_stats_describe(A, 5, &s);
    assert_int_equal(s.n, 5);
    assert_float_equal(s.mean, 3.0, 1e-15);
    assert_float_equal(s.sd, sqrt(2.5), 1e-15);
    /* t(0.975, 4) = 2.776445105197794; half-width = t * sd / sqrt(5) = 1.963243161477558 */
    assert_float_equal(s.ci95_low, 1.036756838522442, 1e-9);
    assert_float_equal(s.ci95_high, 4.963243161477558, 1e-9);

    ts_stats_describe(B, 4, &s);
    assert_float_equal(s.mean, 6.0, 1e-15);
    assert_float_equal(s.sd, sqrt(20.0 / 3.0), 1e-14);
    /* t(0.975, 3) = 3.182446305283710: half-width 4.108520513521044 */
    assert_float_equal(s.ci95_high - s.mean, 4.108520513521044, 1e-9);
    assert_float_equal(s.mean - s.ci95_low, 4.108520513521044, 1e-9);

    /* Two passes: a large offset does not cancel the deviations. */
    const double big[] = {1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4, 1e9 + 5};
    ts_stats_describe(big, 5, &s);
    assert_float_equal(s.sd, sqrt(2.5), 1e-6);
}

static void test_describe_small_samples(void **state) {
    (void)state;
    ts_stats s;
    ts_stats_describe(NULL, 0, &s);
    assert_int_equal(s.n, 0);
    assert_true(isnan(s.mean) && isnan(s.sd) && isnan(s.ci95_low) && isnan(s.ci95_high));

    const double one = 0.25;
    ts_stats_describe(&one, 1, &s);
    assert_int_equal(s.n, 1);
    assert_float_equal(s.mean, 0.25, 0.0);
    assert_true(isnan(s.sd) && isnan(s.ci95_low) && isnan(s.ci95_high));

    const double same[] = {0.5, 0.5, 0.5};
    ts_stats_describe(same, 3, &s);
    assert_float_equal(s.sd, 0.0, 0.0);
    assert_float_equal(s.ci95_low, 0.5, 0.0);
    assert_float_equal(s.ci95_high, 0.5, 0.0);
}

static void test_welch_and_cohen(void **state) {
    (void)state;
    ts_stats a, b;
    ts_stats_describe(A, 5, &a);
    ts_stats_describe(B, 4, &b);
    /* se² = 2.5/5 + (20/3)/4 = 13/6; t = -3 / sqrt(13/6); df = (13/6)² / (0.5²/4 +
     * (5/3)²/3) = 4.749414519906323; p = 0.1000838090350076 (R: t.test gives t = -2.0381,
     * df = 4.7494, p-value = 0.1001). */
    ts_welch w = ts_stats_welch(&a, &b);
    assert_float_equal(w.t, -2.038098661460272, 1e-12);
    assert_float_equal(w.df, 4.749414519906323, 1e-12);
    assert_float_equal(w.p, 0.1000838090350076, 1e-9);
    /* The other way round: t changes sign, df and p do not. */
    ts_welch r = ts_stats_welch(&b, &a);
    assert_float_equal(r.t, 2.038098661460272, 1e-12);
    assert_float_equal(r.p, w.p, 1e-15);
    /* Pooled sd sqrt((4 * 2.5 + 3 * 20/3) / 7) = sqrt(30/7): d = -3 / sqrt(30/7). */
    assert_float_equal(ts_stats_cohen_d(&a, &b), -1.449137674618944, 1e-12);
    assert_float_equal(ts_stats_cohen_d(&b, &a), 1.449137674618944, 1e-12);

    /* One sample without variance: df is n - 1 of the other, t = -4 / sqrt(5/3),
     * p = 0.05336272271694193; pooled sd sqrt((0 + 20) / 5) = 2: d = -2. */
    const double flat[] = {2, 2, 2};
    ts_stats f;
    ts_stats_describe(flat, 3, &f);
    w = ts_stats_welch(&f, &b);
    assert_float_equal(w.df, 3.0, 1e-12);
    assert_float_equal(w.t, -3.098386676965934, 1e-12);
    assert_float_equal(w.p, 0.05336272271694193, 1e-9);
    assert_float_equal(ts_stats_cohen_d(&f, &b), -2.0, 1e-14);
}

static void test_welch_edge_cases(void **state) {
    (void)state;
    ts_stats a, b, one, flat1, flat2;
    const double x = 3.0, f1[] = {2, 2, 2}, f2[] = {5, 5};
    ts_stats_describe(A, 5, &a);
    ts_stats_describe(A, 5, &b);
    /* Equal samples: t = 0, p = 1, d = 0. */
    ts_welch w = ts_stats_welch(&a, &b);
    assert_float_equal(w.t, 0.0, 0.0);
    assert_float_equal(w.p, 1.0, 1e-15);
    assert_float_equal(ts_stats_cohen_d(&a, &b), 0.0, 0.0);
    /* n = 1 on either side: NaN. */
    ts_stats_describe(&x, 1, &one);
    assert_true(isnan(ts_stats_welch(&one, &a).p));
    assert_true(isnan(ts_stats_welch(&a, &one).t));
    assert_true(isnan(ts_stats_welch(&a, &one).df));
    assert_true(isnan(ts_stats_cohen_d(&one, &a)));
    assert_true(isnan(ts_stats_cohen_d(&a, &one)));
    /* No variance in both: NaN, even though the means differ. */
    ts_stats_describe(f1, 3, &flat1);
    ts_stats_describe(f2, 2, &flat2);
    assert_true(isnan(ts_stats_welch(&flat1, &flat2).p));
    assert_true(isnan(ts_stats_cohen_d(&flat1, &flat2)));
    /* Empty samples. */
    ts_stats none;
    ts_stats_describe(NULL, 0, &none);
    assert_true(isnan(ts_stats_welch(&none, &a).p));
    assert_true(isnan(ts_stats_cohen_d(&a, &none)));
}

/* ---- ts_compare on a small file ------------------------------------------------------- */

static void tmp_path(char *buf, size_t size, const char *name) {
    snprintf(buf, size, "%s/compare_%s", TS_TEST_TMPDIR, name);
    remove(buf);
}

/* A results file without swept keys whose run i is at grid point gp[i] with summary
 * x = x[i] (NaN allowed) and y = 10. */
static void write_file(const char *path, size_t n, const uint32_t *gp, const double *x) {
    ts_error err;
    ts_h5file *f = NULL;
    assert_int_equal(ts_h5_create(path, 1, NULL, NULL, &f, &err), TS_OK);
    for (size_t i = 0; i < n; i++) {
        ts_result r;
        ts_result_init(&r);
        r.run_index = (uint32_t)i;
        r.grid_point = gp[i];
        r.replicate = (uint32_t)i;
        assert_int_equal(ts_result_add_scalar(&r, "x", "hours", "the x metric", x[i]), TS_OK);
        assert_int_equal(ts_result_add_scalar(&r, "y", "", "", 10.0), TS_OK);
        assert_int_equal(ts_h5_write_run(f, &r, &err), TS_OK);
        ts_result_free(&r);
    }
    assert_int_equal(ts_h5_finish(f, &err), TS_OK);
}

static void read_vector(const char *path, const char *name, double *v, size_t n) {
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    hid_t dset = H5Dopen2(file, name, H5P_DEFAULT);
    assert_true(dset >= 0);
    hid_t space = H5Dget_space(dset);
    assert_int_equal(H5Sget_simple_extent_npoints(space), (hssize_t)n);
    assert_true(H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    H5Sclose(space);
    H5Dclose(dset);
    H5Fclose(file);
}

static int exists(const char *path, const char *name) {
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    int e = H5Lexists(file, "sweep", H5P_DEFAULT) > 0 &&
            H5Lexists(file, "sweep/summary", H5P_DEFAULT) > 0 &&
            H5Lexists(file, name, H5P_DEFAULT) > 0;
    H5Fclose(file);
    return e;
}

static char *slurp(FILE *f) {
    long len;
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    len = ftell(f);
    rewind(f);
    char *s = calloc((size_t)len + 1, 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)len, f), (size_t)len);
    return s;
}

/* Three grid points of x: point 0 x = 1..5; point 1 x = 3, 5, 7, 9 plus a NaN (left out);
 * point 2 one value, 42. */
static void write_three_points(const char *path) {
    const uint32_t gp[] = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2};
    const double x[] = {1, 2, 3, 4, 5, 3, 5, NAN, 7, 9, 42};
    write_file(path, 11, gp, x);
}

static void test_compare_file(void **state) {
    (void)state;
    char path[512], csv[512];
    tmp_path(path, sizeof path, "two.h5");
    tmp_path(csv, sizeof csv, "two.csv");
    write_three_points(path);

    const char *metrics[] = {"x"};
    ts_compare_options o = {.path = path, .metrics = metrics, .n_metrics = 1, .csv = csv};
    ts_error err;
    FILE *out = tmpfile();
    assert_non_null(out);
    assert_int_equal(ts_compare(&o, out, &err), TS_OK);
    char *text = slurp(out);
    fclose(out);
    assert_non_null(strstr(text, "x [hours]: the x metric"));
    assert_non_null(strstr(text, "3 ± 2")); /* 1.96 to 2 digits */
    assert_non_null(strstr(text, "baseline"));
    assert_non_null(strstr(text, "0.1")); /* p of point 1 */
    assert_null(strstr(text, "\ny"));     /* only --metric x */
    free(text);

    double v[3];
    read_vector(path, "/sweep/summary/x/mean", v, 3);
    assert_float_equal(v[0], 3.0, 1e-15);
    assert_float_equal(v[1], 6.0, 1e-15);
    assert_float_equal(v[2], 42.0, 0.0);
    read_vector(path, "/sweep/summary/x/n", v, 3);
    assert_float_equal(v[0], 5.0, 0.0);
    assert_float_equal(v[1], 4.0, 0.0);
    assert_float_equal(v[2], 1.0, 0.0);
    read_vector(path, "/sweep/summary/x/sd", v, 3);
    assert_float_equal(v[1], sqrt(20.0 / 3.0), 1e-14);
    assert_true(isnan(v[2]));
    read_vector(path, "/sweep/summary/x/ci95_low", v, 3);
    assert_float_equal(v[0], 1.036756838522442, 1e-9);
    assert_true(isnan(v[2]));
    read_vector(path, "/sweep/summary/x/ci95_high", v, 3);
    assert_float_equal(v[0], 4.963243161477558, 1e-9);
    read_vector(path, "/sweep/summary/x/p_vs_baseline", v, 3);
    assert_float_equal(v[0], 1.0, 1e-15);
    assert_float_equal(v[1], 0.1000838090350076, 1e-9);
    assert_true(isnan(v[2]));
    read_vector(path, "/sweep/summary/x/effect_size", v, 3);
    assert_float_equal(v[0], 0.0, 0.0);
    assert_float_equal(v[1], 1.449137674618944, 1e-12);
    assert_true(isnan(v[2]));
    /* The difference 6 - 3 and its Welch interval: se = sqrt(2.5/5 + (20/3)/4), df
     * 4.749414519906324, t(0.975, df) * se = 3.8446363839400912 (scipy). */
    read_vector(path, "/sweep/summary/x/diff", v, 3);
    assert_float_equal(v[1], 3.0, 1e-12);
    read_vector(path, "/sweep/summary/x/diff_ci95_low", v, 3);
    assert_float_equal(v[1], -0.8446363839400912, 1e-9);
    read_vector(path, "/sweep/summary/x/diff_ci95_high", v, 3);
    assert_float_equal(v[1], 6.844636383940092, 1e-9);
    assert_false(exists(path, "/sweep/summary/y"));

    /* CSV: a header and one row per grid point. */
    FILE *c = fopen(csv, "r");
    assert_non_null(c);
    char *rows = slurp(c);
    fclose(c);
    assert_non_null(strstr(rows, "metric,grid_point,mean,sd,ci95_low,ci95_high,n,"
                                 "p_vs_baseline,effect_size,diff,diff_ci95_low,diff_ci95_high,"
                                 "test\n"));
    assert_non_null(strstr(rows, "x,0,3,"));
    /* One value at point 2: a difference, no interval or test. Each run is its own
     * replicate here, so the comparison is unpaired (Welch). */
    assert_non_null(strstr(rows, "x,2,42,NaN,NaN,NaN,1,NaN,NaN,39,NaN,NaN,welch\n"));
    size_t lines = 0;
    for (const char *s = rows; *s; s++) {
        lines += *s == '\n';
    }
    assert_int_equal(lines, 4);
    free(rows);

    /* Again with all metrics and baseline 1: /sweep/summary is replaced. */
    o = (ts_compare_options){.path = path, .baseline = 1};
    out = tmpfile();
    assert_int_equal(ts_compare(&o, out, &err), TS_OK);
    fclose(out);
    assert_true(exists(path, "/sweep/summary/y"));
    read_vector(path, "/sweep/summary/x/effect_size", v, 3);
    assert_float_equal(v[0], -1.449137674618944, 1e-12);
    assert_float_equal(v[1], 0.0, 0.0);
    /* y is 10 everywhere: no variance, so no test. */
    read_vector(path, "/sweep/summary/y/p_vs_baseline", v, 3);
    assert_true(isnan(v[0]) && isnan(v[1]) && isnan(v[2]));
    remove(path);
    remove(csv);
}

static void test_compare_errors(void **state) {
    (void)state;
    char path[512], other[512], csv[512];
    ts_error err;
    FILE *out = tmpfile();
    assert_non_null(out);
    tmp_path(path, sizeof path, "err.h5");
    tmp_path(other, sizeof other, "not.h5");
    tmp_path(csv, sizeof csv, "err.csv");

    /* Missing file: bad input. */
    ts_compare_options o = {.path = path};
    assert_int_equal(ts_compare(&o, out, &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "cannot read the results file"));

    /* Not HDF5. */
    FILE *f = fopen(other, "w");
    assert_non_null(f);
    fputs("hello\n", f);
    fclose(f);
    o.path = other;
    assert_int_equal(ts_compare(&o, out, &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "not HDF5"));

    /* HDF5 but not a results file. */
    hid_t h = H5Fcreate(other, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(h >= 0);
    H5Fclose(h);
    assert_int_equal(ts_compare(&o, out, &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "no /runs"));

    /* A results file without runs: a runtime failure (exit 1). */
    write_file(path, 0, NULL, NULL);
    o.path = path;
    assert_int_equal(ts_compare(&o, out, &err), TS_ERR_IO);
    assert_non_null(strstr(err.msg, "no complete runs"));

    /* Baseline beyond the grid, unknown metric: bad input, nothing written. */
    const uint32_t gp[] = {0, 1};
    const double x[] = {1, 2};
    write_file(path, 2, gp, x);
    o.baseline = 2;
    assert_int_equal(ts_compare(&o, out, &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "--baseline 2"));
    assert_non_null(strstr(err.msg, "0 to 1"));
    const char *metrics[] = {"x", "nope"};
    o = (ts_compare_options){.path = path, .metrics = metrics, .n_metrics = 2, .csv = csv};
    assert_int_equal(ts_compare(&o, out, &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "'nope'"));
    assert_non_null(strstr(err.msg, "available: x, y"));
    assert_false(exists(path, "/sweep/summary"));
    assert_int_equal(access(csv, F_OK), -1);

    /* A CSV that cannot be written: a runtime failure, after the file is written. */
    o = (ts_compare_options){.path = path, .csv = TS_TEST_TMPDIR "/no/such/dir/x.csv"};
    assert_int_equal(ts_compare(&o, out, &err), TS_ERR_IO);
    assert_non_null(strstr(err.msg, "cannot write the CSV file"));
    assert_true(exists(path, "/sweep/summary/x/mean"));

    fclose(out);
    remove(path);
    remove(other);
}

/* ---- Malformed files and a full disk -------------------------------------------------- */

static void set_u64_attr(const char *path, const char *obj, const char *name, uint64_t v) {
    hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(file >= 0);
    hid_t o = H5Oopen(file, obj, H5P_DEFAULT);
    assert_true(o >= 0);
    if (H5Aexists(o, name) > 0) {
        assert_true(H5Adelete(o, name) >= 0);
    }
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(o, name, H5T_STD_U64LE, space, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(a >= 0);
    assert_true(H5Awrite(a, H5T_NATIVE_UINT64, &v) >= 0);
    H5Aclose(a);
    H5Sclose(space);
    H5Oclose(o);
    H5Fclose(file);
}

/* A crafted grid or run is bad input (exit 2) named as such, not an attempt to allocate
 * what it claims. */
static void test_compare_malformed(void **state) {
    (void)state;
    char path[512];
    tmp_path(path, sizeof path, "malformed.h5");
    const uint32_t gp[] = {0, 0};
    const double x[] = {1, 2};
    ts_compare_options o = {.path = path};
    ts_error err;
    FILE *out = tmpfile();
    assert_non_null(out);

    write_file(path, 2, gp, x);
    set_u64_attr(path, "/sweep/grid", "n_points", UINT64_C(1) << 63);
    assert_int_equal(ts_compare(&o, out, &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "n_points"));
    assert_non_null(strstr(err.msg, "malformed"));

    write_file(path, 2, gp, x);
    set_u64_attr(path, "/runs/r000001", "grid_point", UINT64_C(1) << 62);
    assert_int_equal(ts_compare(&o, out, &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "/runs/r000001"));
    assert_non_null(strstr(err.msg, "grid_point"));
    fclose(out);
}

static uint64_t summary_baseline(const char *path) {
    uint64_t b = 99;
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    hid_t g = H5Gopen2(file, "/sweep/summary", H5P_DEFAULT);
    assert_true(g >= 0);
    hid_t a = H5Aopen(g, "baseline", H5P_DEFAULT);
    assert_true(a >= 0);
    assert_true(H5Aread(a, H5T_NATIVE_UINT64, &b) >= 0);
    H5Aclose(a);
    H5Gclose(g);
    H5Fclose(file);
    return b;
}

/* No room for the summary (the file-size limit stands in for a full disk): a clear
 * failure before anything is written; the runs and the previous summary stay as they
 * were, and the same comparison succeeds once there is room. */
static void test_compare_no_room(void **state) {
    (void)state;
    char path[512];
    tmp_path(path, sizeof path, "noroom.h5");
    const uint32_t gp[] = {0, 0, 0, 1, 1, 1};
    const double x[] = {1, 2, 3, 4, 5, 6};
    write_file(path, 6, gp, x);
    ts_compare_options o = {.path = path, .baseline = 1};
    ts_error err;
    FILE *out = tmpfile();
    assert_non_null(out);
    assert_int_equal(ts_compare(&o, out, &err), TS_OK);
    assert_int_equal(summary_baseline(path), 1);

    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    struct rlimit saved, low;
    void (*old)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
    low = saved;
    low.rlim_cur = (rlim_t)sb.st_size + 512;
    o.baseline = 0;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &low), 0);
    ts_status st = ts_compare(&o, out, &err);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
    signal(SIGXFSZ, old);
    assert_int_equal(st, TS_ERR_IO);
    assert_non_null(strstr(err.msg, "no room"));
    assert_int_equal(summary_baseline(path), 1); /* the previous summary, whole */
    double mean[2];
    read_vector(path, "/sweep/summary/x/mean", mean, 2);
    assert_float_equal(mean[0], 2.0, 1e-12);
    assert_float_equal(mean[1], 5.0, 1e-12);

    assert_int_equal(ts_compare(&o, out, &err), TS_OK);
    assert_int_equal(summary_baseline(path), 0);
    fclose(out);
}

/* Grid points that share their seeds by replicate are compared pair by pair: point 1 is
 * point 0 plus about 1 in every replicate, a difference Welch cannot see (p 0.31) and the
 * paired test sees at once. Values from scipy: mean difference 1, sd 0.0816496580927727,
 * t(0.975, 3) interval [0.8700771736374662, 1.1299228263625338], p 0.00014915720128493647,
 * d_z 12.24744871391588. */
static void test_compare_paired(void **state) {
    (void)state;
    char path[512], csv[512];
    tmp_path(path, sizeof path, "paired.h5");
    tmp_path(csv, sizeof csv, "paired.csv");
    const double x0[] = {1, 2, 3, 4}, step[] = {1.0, 1.1, 0.9, 1.0};
    ts_error err;
    ts_h5file *f = NULL;
    assert_int_equal(ts_h5_create(path, 1, NULL, NULL, &f, &err), TS_OK);
    for (uint32_t rep = 0; rep < 4; rep++) {
        for (uint32_t g = 0; g < 2; g++) {
            ts_result r;
            ts_result_init(&r);
            r.run_index = rep * 2 + g;
            r.grid_point = g;
            r.replicate = rep;
            r.seed = 1000 + rep;
            double x = x0[rep] + (g ? step[rep] : 0.0);
            assert_int_equal(ts_result_add_scalar(&r, "x", "hours", "the x metric", x), TS_OK);
            assert_int_equal(ts_h5_write_run(f, &r, &err), TS_OK);
            ts_result_free(&r);
        }
    }
    assert_int_equal(ts_h5_finish(f, &err), TS_OK);
    ts_compare_options o = {.path = path, .csv = csv};
    FILE *out = tmpfile();
    assert_non_null(out);
    assert_int_equal(ts_compare(&o, out, &err), TS_OK);
    char *text = slurp(out);
    fclose(out);
    assert_non_null(strstr(text, "paired comparison"));
    free(text);
    double v[2];
    read_vector(path, "/sweep/summary/x/diff", v, 2);
    assert_float_equal(v[1], 1.0, 1e-12);
    read_vector(path, "/sweep/summary/x/diff_ci95_low", v, 2);
    assert_float_equal(v[1], 0.8700771736374662, 1e-9);
    read_vector(path, "/sweep/summary/x/diff_ci95_high", v, 2);
    assert_float_equal(v[1], 1.1299228263625338, 1e-9);
    read_vector(path, "/sweep/summary/x/p_vs_baseline", v, 2);
    assert_float_equal(v[1], 0.00014915720128493647, 1e-9);
    read_vector(path, "/sweep/summary/x/effect_size", v, 2);
    assert_float_equal(v[1], 12.24744871391588, 1e-9);
    FILE *c = fopen(csv, "r");
    assert_non_null(c);
    char *rows = slurp(c);
    fclose(c);
    assert_non_null(strstr(rows, ",paired\n"));
    assert_null(strstr(rows, ",welch\n"));
    free(rows);

    /* One replicate's seed differs between the points: not paired any more (Welch). */
    hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(file >= 0);
    hid_t g = H5Gopen2(file, "/runs/r000003", H5P_DEFAULT);
    uint64_t other = 77;
    hid_t a = H5Aopen(g, "seed", H5P_DEFAULT);
    assert_true(H5Awrite(a, H5T_NATIVE_UINT64, &other) >= 0);
    H5Aclose(a);
    H5Gclose(g);
    H5Fclose(file);
    out = tmpfile();
    assert_int_equal(ts_compare(&o, out, &err), TS_OK);
    text = slurp(out);
    fclose(out);
    assert_non_null(strstr(text, "unpaired comparison"));
    free(text);
    read_vector(path, "/sweep/summary/x/p_vs_baseline", v, 2);
    assert_true(v[1] > 0.2);
}

/* ctx: the results file and the CSV path. */
static int compare_failing(void *ctx) {
    const char *const *paths = ctx;
    ts_compare_options o = {.path = paths[0], .csv = paths[1]};
    ts_error err;
    FILE *out = tmpfile();
    assert_non_null(out);
    ts_status st = ts_compare(&o, out, &err);
    tst_alloc_stop();
    fclose(out);
    return tst_alloc_nomem(st, &err);
}

/* Every allocation of comparing a file's grid points fails once, in turn: each time
 * compare reports TS_ERR_NOMEM with its message, and nothing crashes or leaks (the
 * sanitizer tree); with memory back, it gives the figures test_compare_file checks. */
static void test_compare_out_of_memory(void **state) {
    (void)state;
    char path[512], csv[512];
    tmp_path(path, sizeof path, "oom.h5");
    tmp_path(csv, sizeof csv, "oom.csv");
    write_three_points(path);
    const char *paths[] = {path, csv};
    tst_alloc_sweep s = tst_alloc_fail_each("compare", compare_failing, paths);
    assert_true(s.failed >= 5 && s.reported == s.failed);
    assert_int_equal(compare_failing(paths), 0);
    double v[3];
    read_vector(path, "/sweep/summary/x/mean", v, 3);
    assert_float_equal(v[0], 3.0, 1e-12);
    assert_float_equal(v[2], 42.0, 1e-12);
    remove(path);
    remove(csv);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_describe),          cmocka_unit_test(test_describe_small_samples),
        cmocka_unit_test(test_welch_and_cohen),   cmocka_unit_test(test_welch_edge_cases),
        cmocka_unit_test(test_compare_file),      cmocka_unit_test(test_compare_errors),
        cmocka_unit_test(test_compare_malformed), cmocka_unit_test(test_compare_no_room),
        cmocka_unit_test(test_compare_paired),    cmocka_unit_test(test_compare_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
