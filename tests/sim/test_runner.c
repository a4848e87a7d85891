/* Tests of sim/app/runner.c in this process (what `trustsim run` prints and refuses is
 * tests/integration/test_run.c's): the results file a scenario gets, a sweep's runs written
 * to it, and running out of memory anywhere in a sweep reported, never a crash or a leak. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <hdf5.h>

#include "alloc_fail.h"
#include "h5util_internal.h"
#include "modules.h"
#include "runner.h"
#include "test_support.h"

/* A sweep of `points` grid points of a small organisation for two days, with a snapshot:
 * every part of the writer (the modules' own allocations are tests/sim/test_engine.c's). */
static ts_scenario *small_sweep(int points) {
    return tst_scenario(points == 1 ? "name: oom\ndays: 2\nreplicates: 1\n"
                                      "org: {headcount: 15, warmup_days: 2}\n"
                                      "output: {snapshot_every: 1}\n"
                                      "sweep: {trust.forgetting: [0.99]}\n"
                                    : "name: oom\ndays: 2\nreplicates: 2\n"
                                      "org: {headcount: 15, warmup_days: 2}\n"
                                      "output: {snapshot_every: 1}\n"
                                      "sweep: {trust.forgetting: [0.99, 0.995]}\n");
}

static ts_run_options options(const char *path) {
    return (ts_run_options){.output = path,
                            .threads = 1,
                            .force = 1,
                            .quiet = 1,
                            .command_line = "test_runner",
                            .modules = ts_modules,
                            .n_modules = ts_n_modules};
}

/* Complete runs under /runs of a results file (-1 when it cannot be read). */
static long runs_in(const char *path) {
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) {
        return -1;
    }
    hid_t runs = H5Gopen2(file, "runs", H5P_DEFAULT);
    ts_h5names names = {NULL, 0};
    long n = runs >= 0 && ts_h5_list(runs, H5_INDEX_NAME, &names) == 0 ? 0 : -1;
    for (size_t i = 0; n >= 0 && i < names.n; i++) {
        n += ts_h5_is_complete(runs, names.names[i]) != 0;
    }
    ts_h5names_free(&names);
    if (runs >= 0) {
        H5Gclose(runs);
    }
    H5Fclose(file);
    return n;
}

static void test_output_path(void **state) {
    (void)state;
    ts_scenario *sc = tst_scenario("name: paths\n");
    ts_run_options o = options("given.h5");
    char *p = ts_runner_output_path(sc, &o);
    assert_string_equal(p, "given.h5");
    free(p);
    o.output = NULL;
    p = ts_runner_output_path(sc, &o);
    assert_string_equal(p, "results/paths.h5");
    free(p);
    ts_scenario_free(sc);
    sc = tst_scenario("name: paths\noutput: {file: elsewhere/x.h5}\n");
    p = ts_runner_output_path(sc, &o);
    assert_string_equal(p, "elsewhere/x.h5");
    free(p);
    ts_scenario_free(sc);
}

static void test_sweep_writes_every_run(void **state) {
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/runner_sweep.h5", TS_TEST_TMPDIR);
    ts_scenario *sc = small_sweep(2);
    ts_run_options o = options(path);
    ts_error err;
    assert_int_equal(ts_runner_run(sc, &o, &err), TS_OK);
    long expected = (long)ts_scenario_n_points(sc) * (long)ts_scenario_int(sc, "replicates");
    assert_int_equal(runs_in(path), expected);
    ts_scenario_free(sc);
    remove(path);
}

/* Copies the file at from to to with a buffer of its own (no allocation the test fails). */
static void copy_file(const char *from, const char *to) {
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    assert_non_null(in);
    assert_non_null(out);
    char chunk[1 << 14];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, in)) > 0) {
        assert_int_equal(fwrite(chunk, 1, n, out), n);
    }
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

typedef struct oom_sweep {
    const ts_scenario *sc;
    const char *path;    /* the results file */
    const char *partial; /* NULL: a fresh sweep; else a file that lost runs, copied to path and
                            finished with --resume */
    long runs;           /* the sweep's: grid points x replicates */
} oom_sweep;

static int sweep_failing(void *ctx) {
    oom_sweep *o = ctx;
    ts_run_options opt = options(o->path);
    if (o->partial) {
        copy_file(o->partial, o->path);
        opt.force = 0;
        opt.resume = 1;
    }
    ts_error err;
    ts_status st = ts_runner_run(o->sc, &opt, &err);
    tst_alloc_stop();
    int nomem = tst_alloc_nomem(st, &err);
    if (!nomem) { /* a run's chunks compressed ahead are optional: the writer compresses them */
        assert_int_equal(runs_in(o->path), o->runs);
    }
    return nomem;
}

/* Every allocation of a sweep (scenario points, runs, the writer) fails once, in turn, on
 * one thread: each time the sweep stops with TS_ERR_NOMEM and its message, or, where the
 * allocation was optional (compressing a run's chunks before taking the file), writes every
 * run all the same; nothing crashes or leaks (the sanitizer tree). Then, with memory back,
 * the same sweep writes every run. */
static void test_out_of_memory(void **state) {
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/runner_oom.h5", TS_TEST_TMPDIR);
    oom_sweep o = {.sc = small_sweep(1), .path = path}; /* one run: a sweep's grid, a run */
    o.runs = (long)ts_scenario_n_points(o.sc) * (long)ts_scenario_int(o.sc, "replicates");
    tst_alloc_sweep s = tst_alloc_fail_each("a sweep", sweep_failing, &o);
    assert_true(s.failed >= 10 && s.reported >= s.failed / 2);
    ts_run_options opt = options(path);
    ts_error err;
    assert_int_equal(ts_runner_run(o.sc, &opt, &err), TS_OK);
    assert_int_equal(runs_in(path), o.runs);
    ts_scenario_free((ts_scenario *)o.sc);
    remove(path);
}

/* The same for --resume of a file that lost a run: each failure ends in TS_ERR_NOMEM and its
 * message, or in the whole file, and nothing crashes or leaks. */
static void test_resume_out_of_memory(void **state) {
    (void)state;
    char partial[1024], path[1024];
    snprintf(partial, sizeof partial, "%s/runner_partial.h5", TS_TEST_TMPDIR);
    snprintf(path, sizeof path, "%s/runner_resumed.h5", TS_TEST_TMPDIR);
    oom_sweep o = {.sc = small_sweep(2), .path = path, .partial = partial};
    o.runs = (long)ts_scenario_n_points(o.sc) * (long)ts_scenario_int(o.sc, "replicates");
    ts_run_options opt = options(partial);
    ts_error err;
    assert_int_equal(ts_runner_run(o.sc, &opt, &err), TS_OK);
    hid_t file = H5Fopen(partial, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(file >= 0);
    assert_true(H5Ldelete(file, "runs/r000003", H5P_DEFAULT) >= 0);
    H5Fclose(file);
    assert_int_equal(runs_in(partial), o.runs - 1);
    tst_alloc_sweep s = tst_alloc_fail_each("a sweep resumed", sweep_failing, &o);
    assert_true(s.failed >= 10 && s.reported >= s.failed / 2);
    ts_scenario_free((ts_scenario *)o.sc);
    remove(partial);
    remove(path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_output_path),
        cmocka_unit_test(test_sweep_writes_every_run),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_resume_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
