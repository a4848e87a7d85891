/* Tests of sim/app/bench.c: the random-access probe, the sweep timer, the thread-scaling
 * pairs and the phases of a run, each output naming its build (their figures are
 * machine-dependent, so only their mechanics and sanity are asserted here; the engine
 * bench itself is covered by tests/integration/test_cli.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bench.h"
#include "build_info.h"
#include "engine.h"
#include "modules.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* The probe updates a table and reports a positive rate and time, on 1 and 2 threads. */
static void test_random_access_probe(void **state) {
    (void)state;
    for (int threads = 1; threads <= 2; threads++) {
        double secs = -1.0;
        double rate = ts_bench_random_access(threads, 18, &secs);
        assert_true(secs > 0.0);
        assert_true(rate > 0.0);
        /* 2^18 updates in secs seconds, by definition of the rate. */
        assert_float_equal(rate * secs, (double)(1u << 18), 1e-6 * (double)(1u << 18));
    }
}

/* The output ends with the build that measured it (sim/app/build_info.h), as JSON. */
static void assert_build_named(const char *text) {
    char expected[256];
    snprintf(expected, sizeof expected, "\"build\": \"%s\"}\n", ts_build_info);
    size_t n = strlen(text), k = strlen(expected);
    assert_true(ts_build_info[0] != '\0');
    assert_true(n >= k);
    assert_string_equal(text + n - k, expected);
}

static int entries_in(const char *dir) {
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e = readdir(d); e; e = readdir(d)) {
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    }
    closedir(d);
    return n;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A sweep of `runs` default runs, `repeat` times on `threads` threads, printing JSON; its
 * temporary results file goes to dir. */
static ts_bench_sweep_options sweep_options(const char *dir, long runs, long repeat, int threads) {
    return (ts_bench_sweep_options){.runs = runs,
                                    .repeat = repeat,
                                    .threads = threads,
                                    .json = 1,
                                    .dir = dir,
                                    .modules = ts_modules,
                                    .n_modules = ts_n_modules,
                                    .schema = ts_modules_schema()};
}

/* The JSON that sweep prints, checked to end with the build (the caller frees it). */
static char *sweep_json(const char *dir, long runs, long repeat, int threads) {
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    ts_bench_sweep_options so = sweep_options(dir, runs, repeat, threads);
    ts_error err;
    ts_error_clear(&err);
    assert_int_equal(ts_bench_sweep(&so, out, &err), TS_OK);
    fclose(out);
    assert_build_named(text);
    return text;
}

/* Two default runs: the JSON line names them and a positive rate consistent with the
 * time, and the temporary results file is gone afterwards. */
static void test_sweep_two_runs(void **state) {
    (void)state;
    char dir[] = "/tmp/ts-bench-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *text = sweep_json(dir, 2, 1, 2);
    long runs = 0;
    int threads = 0;
    double secs = 0.0, per_minute = 0.0;
    assert_int_equal(sscanf(text,
                            "{\"sweep\": \"default\", \"runs\": %ld, \"threads\": %d, "
                            "\"seconds\": %lf, \"runs_per_minute\": %lf}",
                            &runs, &threads, &secs, &per_minute),
                     4);
    assert_int_equal(runs, 2);
    assert_int_equal(threads, 2);
    assert_true(secs > 0.0);
    /* The rate comes from the unrounded time: the printed seconds (3 decimals, off by up to
     * 0.0005) move 120 / secs by up to 120 x 0.0005 / secs^2, the printed rate (1 decimal)
     * by 0.05 more. */
    assert_float_equal(per_minute, 120.0 / secs, 0.05 + 120.0 * 0.0005 / (secs * secs) + 1e-9);
    assert_int_equal(entries_in(dir), 0);
    free(text);
    rmdir(dir);
}

/* One run, swept three times on one thread: the JSON lists the three rates as run, the
 * printed rate is their median and lies between the printed smallest and largest, which
 * are those of the list, the printed seconds are the median time (the rate a run of 60 /
 * seconds a minute, within the rounding), and the temporary file is gone afterwards. */
static void test_sweep_repeats(void **state) {
    (void)state;
    char dir[] = "/tmp/ts-bench-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *text = sweep_json(dir, 1, 3, 1);
    long runs = 0, repeats = 0;
    int threads = 0;
    double secs, rate, lo, hi, each[3];
    assert_int_equal(sscanf(text,
                            "{\"sweep\": \"default\", \"runs\": %ld, \"threads\": %d, "
                            "\"seconds\": %lf, \"runs_per_minute\": %lf, \"repeats\": %ld, "
                            "\"runs_per_minute_min\": %lf, \"runs_per_minute_max\": %lf, "
                            "\"runs_per_minute_each\": [%lf, %lf, %lf]",
                            &runs, &threads, &secs, &rate, &repeats, &lo, &hi, &each[0], &each[1],
                            &each[2]),
                     10);
    assert_int_equal(runs, 1);
    assert_int_equal(threads, 1);
    assert_int_equal(repeats, 3);
    double sorted[3] = {each[0], each[1], each[2]};
    qsort(sorted, 3, sizeof *sorted, cmp_double);
    assert_true(sorted[0] > 0.0);
    assert_float_equal(rate, sorted[1], 1e-9);
    assert_float_equal(lo, sorted[0], 1e-9);
    assert_float_equal(hi, sorted[2], 1e-9);
    assert_true(lo <= rate && rate <= hi);
    /* The median time is the median rate's run: 60 / secs, seconds off by up to 0.0005. */
    assert_float_equal(rate, 60.0 / secs, 0.05 + 60.0 * 0.0005 / (secs * secs) + 1e-9);
    assert_int_equal(entries_in(dir), 0);
    free(text);
    rmdir(dir);
}

/* A sweep of no runs, or repeated more times than the bench keeps, is refused before
 * anything runs or is written, naming the option. */
static void test_sweep_refusals(void **state) {
    (void)state;
    char dir[] = "/tmp/ts-bench-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    const struct {
        long runs, repeat;
        const char *names;
    } cases[] = {{0, 1, "--sweep"}, {1, TS_BENCH_MAX_REPEAT + 1, "--repeat"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ts_bench_sweep_options so = sweep_options(dir, cases[i].runs, cases[i].repeat, 1);
        ts_error err;
        ts_error_clear(&err);
        assert_int_equal(ts_bench_sweep(&so, stdout, &err), TS_ERR_PARAM);
        assert_non_null(strstr(err.msg, cases[i].names));
        assert_int_equal(entries_in(dir), 0);
    }
    rmdir(dir);
}

/* The bench organisation with the full model, printing JSON. */
static ts_bench_options model_bench(long agents, long days, int threads) {
    return (ts_bench_options){.agents = agents,
                              .days = days,
                              .threads = threads,
                              .json = 1,
                              .modules = ts_modules,
                              .n_modules = ts_n_modules,
                              .schema = ts_modules_schema()};
}

/* The JSON bench prints for bo: a run, or with pairs > 0 the scaling pairs (the caller
 * frees it). */
static char *bench_json(const ts_bench_options *bo, long pairs) {
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    ts_error err;
    ts_error_clear(&err);
    ts_status st = pairs > 0 ? ts_bench_scaling(bo, pairs, out, &err) : ts_bench_run(bo, out, &err);
    assert_int_equal(st, TS_OK);
    fclose(out);
    assert_build_named(text);
    return text;
}

/* Three pairs of a small organisation on 1 and 2 threads: the JSON lists the pairs as run,
 * the medians are the middle pair values, and the speedup is the median of the pairs'
 * ratios, between the smallest and the largest (each worked out again from the printed
 * seconds, within what their rounding to milliseconds allows). */
static void test_scaling_pairs(void **state) {
    (void)state;
    ts_bench_options bo = model_bench(2000, 4, 2);
    char *text = bench_json(&bo, 3);
    long agents = 0, days = 0;
    int threads = 0;
    double p[3][2], m1, mn, speedup, lo, hi;
    int got = sscanf(text,
                     "{\"agents\": %ld, \"days\": %ld, \"threads\": %d, \"pairs\": [[%lf, %lf], "
                     "[%lf, %lf], [%lf, %lf]], \"seconds_one_thread\": %lf, "
                     "\"seconds_threads\": %lf, \"speedup\": %lf, \"speedup_min\": %lf, "
                     "\"speedup_max\": %lf}",
                     &agents, &days, &threads, &p[0][0], &p[0][1], &p[1][0], &p[1][1], &p[2][0],
                     &p[2][1], &m1, &mn, &speedup, &lo, &hi);
    assert_int_equal(got, 14);
    assert_int_equal(agents, 2000);
    assert_int_equal(days, 4);
    assert_int_equal(threads, 2);
    double one[3], many[3], ratio[3], slack[3];
    for (int k = 0; k < 3; k++) {
        assert_true(p[k][0] > 0.0 && p[k][1] > 0.0);
        one[k] = p[k][0];
        many[k] = p[k][1];
        /* a / b with each off by up to 0.0005 after printing */
        ratio[k] = one[k] / many[k];
        slack[k] = ratio[k] * (0.0005 / one[k] + 0.0005 / many[k]) * 1.01 + 1e-3;
    }
    /* Rounding keeps the order: the printed median is the middle printed value. */
    qsort(one, 3, sizeof *one, cmp_double);
    qsort(many, 3, sizeof *many, cmp_double);
    assert_float_equal(m1, one[1], 1e-9);
    assert_float_equal(mn, many[1], 1e-9);
    assert_true(lo <= speedup && speedup <= hi);
    double worst = 0.0;
    for (int k = 0; k < 3; k++) {
        worst = slack[k] > worst ? slack[k] : worst;
    }
    double r_lo = fmin(ratio[0], fmin(ratio[1], ratio[2]));
    double r_hi = fmax(ratio[0], fmax(ratio[1], ratio[2]));
    assert_true(fabs(lo - r_lo) <= worst);
    assert_true(fabs(hi - r_hi) <= worst);
    free(text);
}

/* Scaling needs more than one thread and at least one pair: refused before anything runs. */
static void test_scaling_refusals(void **state) {
    (void)state;
    ts_bench_options bo = model_bench(200, 2, 1);
    ts_error err;
    ts_error_clear(&err);
    assert_int_equal(ts_bench_scaling(&bo, 2, stdout, &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "--threads must be at least 2"));
    bo.threads = 2;
    ts_error_clear(&err);
    assert_int_equal(ts_bench_scaling(&bo, 0, stdout, &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "--scaling"));
}

/* A bench run's JSON names the engine's creation and every phase of engine.h with the
 * seconds spent there: none negative, and together no more than the run's seconds (each
 * printed to the millisecond). */
static void test_run_phases(void **state) {
    (void)state;
    ts_bench_options bo = model_bench(500, 3, 2);
    char *text = bench_json(&bo, 0);
    const char *p = strstr(text, "\"seconds\": ");
    assert_non_null(p);
    double total = strtod(p + strlen("\"seconds\": "), NULL);
    const char *phases = strstr(text, "\"seconds_by_phase\": {");
    assert_non_null(phases);
    double sum = 0.0;
    int named = 0;
    for (int k = -1; k < TS_TIMED_COUNT; k++) {
        const char *name = k < 0 ? "create" : ts_engine_phase_name((ts_timed_phase)k);
        char key[64];
        snprintf(key, sizeof key, "\"%s\": ", name);
        const char *q = strstr(phases, key);
        assert_non_null(q);
        double s = strtod(q + strlen(key), NULL);
        assert_true(s >= 0.0);
        sum += s;
        named++;
    }
    assert_int_equal(named, TS_TIMED_COUNT + 1);
    assert_true(sum <= total + 0.0005 * (TS_TIMED_COUNT + 2));
    free(text);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_access_probe), cmocka_unit_test(test_sweep_two_runs),
        cmocka_unit_test(test_sweep_repeats),       cmocka_unit_test(test_sweep_refusals),
        cmocka_unit_test(test_scaling_pairs),       cmocka_unit_test(test_scaling_refusals),
        cmocka_unit_test(test_run_phases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
