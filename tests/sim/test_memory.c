/* Tests for sim/app/memory.c: the estimate of a scenario's peak memory (linear in
 * trust.capacity and in the agents, the modules' peak_agents hook with hiring's answer,
 * the largest grid point of a sweep, the runs in flight at once), the memory available
 * (MemAvailable, cgroup v2 and v1 limits read from a fake /proc and /sys, the
 * TRUSTSIM_MEMORY_LIMIT variable) and the refusal message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_support.h"

#include "hiring.h"
#include "memory.h"
#include "modules.h"
#include "relstore.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TMP TS_TEST_TMPDIR "/memory"

/* A small organisation that does not change size: no growth, no attrition, no snapshots
 * (so capacity reaches the estimate only through the stores). */
#define STEADY                                                                                     \
    "days: 100\n"                                                                                  \
    "org: {headcount: %d, warmup_days: 10}\n"                                                      \
    "hiring: {growth: none, attrition_annual: 0}\n"                                                \
    "trust: {capacity: %d}\n"                                                                      \
    "output: {snapshot_every: 0}\n"

static ts_scenario *steady(int headcount, int capacity) {
    char yaml[512];
    snprintf(yaml, sizeof yaml, STEADY, headcount, capacity);
    return tst_scenario(yaml);
}

static ts_memory_run run_of(const ts_scenario *sc) {
    ts_memory_run r;
    ts_memory_estimate_run(sc, ts_modules, ts_n_modules, &r);
    return r;
}

/* The block of one agent's store, from the store itself. */
static size_t block_bytes(uint32_t capacity, uint32_t domains) {
    ts_relstore rs;
    assert_int_equal(ts_relstore_init(&rs, capacity, domains, 0.998, NULL), TS_OK);
    size_t b = rs.block_bytes;
    ts_relstore_free(&rs);
    return b;
}

/* The stores are agents x block, and nothing else in the estimate depends on the capacity
 * when there are no snapshots: equal steps of capacity give equal steps of memory. */
static void test_linear_in_capacity(void **state) {
    (void)state;
    const int h = 3717;
    ts_scenario *a = steady(h, 96), *b = steady(h, 192), *c = steady(h, 288);
    ts_memory_run ra = run_of(a), rb = run_of(b), rc = run_of(c);
    assert_int_equal(ra.agents, h);
    assert_int_equal(ra.capacity, 96);
    assert_int_equal(ra.models, (uint64_t)h * block_bytes(96, 4));
    assert_int_equal(rc.models, (uint64_t)h * block_bytes(288, 4));
    assert_true(ra.total < rb.total && rb.total < rc.total);
    uint64_t step1 = rb.total - ra.total, step2 = rc.total - rb.total;
    assert_int_equal(step1, step2);
    assert_int_equal(step1, (uint64_t)h * (block_bytes(192, 4) - block_bytes(96, 4)));
    /* A model is an id, its payload (6 + 2 x 4 floats with four domains) and two 16-bit
     * entries of the index: 64 bytes. */
    assert_int_equal(ra.model_bytes, 4 + (6 + 2 * 4) * 4 + 4);
    assert_true(step1 >= (uint64_t)h * 96 * ra.model_bytes);
    ts_scenario_free(a);
    ts_scenario_free(b);
    ts_scenario_free(c);
}

/* Nobody holds more models than there are others: past the headcount, a larger capacity
 * changes nothing but the pages a partly used store may straddle (none at all here, since
 * 39 models of 60 bytes and four pages are well under either block). */
static void test_capacity_beyond_headcount(void **state) {
    (void)state;
    ts_scenario *a = steady(40, 2048), *b = steady(40, 4096), *c = steady(40, 16);
    ts_memory_run ra = run_of(a), rb = run_of(b), rc = run_of(c);
    assert_int_equal(ra.total, rb.total);
    long page = sysconf(_SC_PAGESIZE);
    assert_int_equal(ra.models, 40 * (39 * ra.model_bytes + 4 * (uint64_t)page));
    /* Below the headcount the whole block counts. */
    assert_int_equal(rc.models, 40 * block_bytes(16, 4));
    ts_scenario_free(a);
    ts_scenario_free(b);
    ts_scenario_free(c);
}

/* Twice the people: the stores and the per-agent arrays exactly twice (3000 and 6000
 * people fill 4096 and 8192 slots), the whole run more than the difference of those. */
static void test_linear_in_headcount(void **state) {
    (void)state;
    ts_scenario *a = steady(3000, 128), *b = steady(6000, 128);
    ts_memory_run ra = run_of(a), rb = run_of(b);
    assert_int_equal(rb.agents, 2 * ra.agents);
    assert_int_equal(rb.models, 2 * ra.models);
    assert_int_equal(rb.tables, 2 * ra.tables);
    assert_true(rb.results > ra.results);
    assert_true(rb.total - ra.total >= ra.models + ra.tables);
    assert_true(rb.total < 2 * ra.total);
    ts_scenario_free(a);
    ts_scenario_free(b);
}

/* Without modules the agents are org.headcount; the largest module answer wins. */
static uint64_t fake_peak(const ts_scenario *sc, const char **keys) {
    *keys = "fake.key";
    return (uint64_t)ts_scenario_int(sc, "org.headcount") * 3;
}

static void test_modules_peak_agents(void **state) {
    (void)state;
    ts_scenario *sc = steady(2000, 64);
    ts_memory_run r;
    ts_memory_estimate_run(sc, NULL, 0, &r);
    assert_int_equal(r.agents, 2000);
    assert_string_equal(r.keys, "org.headcount");

    ts_module fake = {.name = "fake", .peak_agents = fake_peak};
    const ts_module *mods[] = {&ts_module_hiring, &fake};
    ts_memory_estimate_run(sc, mods, 2, &r);
    assert_int_equal(r.agents, 6000);
    assert_string_equal(r.keys, "fake.key");
    ts_memory_run r2;
    ts_memory_estimate_run(sc, mods, 1, &r2);
    assert_int_equal(r2.agents, 2000);
    assert_true(r.total > r2.total);
    ts_scenario_free(sc);
}

static uint64_t agents_of(const char *yaml) {
    ts_scenario *sc = tst_scenario(yaml);
    ts_memory_run r = run_of(sc);
    ts_scenario_free(sc);
    return r.agents;
}

/* Hiring's peak: the largest target over the recorded days, plus the leavers' ids. */
static void test_hiring_peak(void **state) {
    (void)state;
    /* 1000 x 1.5 after a year. */
    assert_int_equal(agents_of("days: 365\norg: {headcount: 1000}\n"
                               "hiring: {growth: exponential, annual_rate: 0.5, "
                               "attrition_annual: 0}\n"),
                     1500);
    /* Capped by max_headcount. */
    assert_int_equal(agents_of("days: 365\norg: {headcount: 1000}\n"
                               "hiring: {growth: exponential, annual_rate: 0.5, "
                               "max_headcount: 1237, attrition_annual: 0}\n"),
                     1237);
    /* Linear: 1000 (1 + 0.75 x 2) after two years. */
    assert_int_equal(agents_of("days: 730\norg: {headcount: 1000}\n"
                               "hiring: {growth: linear, annual_rate: 0.75, "
                               "attrition_annual: 0}\n"),
                     2500);
    /* A schedule's highest point inside the recorded days, not its last one. */
    assert_int_equal(agents_of("days: 300\norg: {headcount: 1000}\n"
                               "hiring: {growth: schedule, schedule: [[0, 1000], [100, 4321], "
                               "[200, 2000]], attrition_annual: 0}\n"),
                     4321);
    /* Leavers: 0.2 a year at safety 0.5 (x (1.5 - 0.5)), over 100 + 265 days = one year:
     * 0.2 x 1000 more ids. */
    assert_int_equal(agents_of("days: 265\norg: {headcount: 1000, warmup_days: 100}\n"
                               "culture: {safety: 0.5}\n"
                               "hiring: {growth: none, attrition_annual: 0.2}\n"),
                     1200);
    /* The keys that drive it are named. */
    ts_scenario *sc = tst_scenario("hiring: {growth: exponential, annual_rate: 0.5}\n");
    ts_memory_run r = run_of(sc);
    assert_non_null(strstr(r.keys, "hiring.max_headcount"));
    assert_non_null(strstr(r.keys, "org.headcount"));
    ts_scenario_free(sc);
}

/* A sweep: the largest grid point counts, whichever it is. */
static void test_sweep_largest_point(void **state) {
    (void)state;
    ts_scenario *sc = tst_scenario("org: {headcount: 500}\n"
                                   "hiring: {growth: none, attrition_annual: 0}\n"
                                   "sweep: {trust.capacity: [64, 512, 128]}\n");
    ts_memory_estimate e;
    ts_error err;
    ts_error_clear(&err);
    assert_int_equal(ts_memory_estimate_scenario(sc, ts_modules, ts_n_modules, 1, &e, &err), TS_OK);
    assert_int_equal(e.n_points, 3);
    assert_int_equal(e.point, 1);
    assert_int_equal(e.run.capacity, 512);
    ts_scenario *point = NULL;
    assert_int_equal(ts_scenario_at_point(sc, 1, &point, &err), TS_OK);
    ts_memory_run alone = run_of(point);
    assert_int_equal(e.run.total, alone.total);
    ts_scenario_free(point);
    ts_scenario_free(sc);

    /* Headcount swept too: the largest organisation, at its own capacity. */
    sc = tst_scenario("hiring: {growth: none, attrition_annual: 0}\n"
                      "sweep: {org.headcount: [800, 3000], trust.capacity: [300, 100]}\n");
    assert_int_equal(ts_memory_estimate_scenario(sc, ts_modules, ts_n_modules, 1, &e, &err), TS_OK);
    assert_int_equal(e.point, 2);
    assert_int_equal(e.run.agents, 3000);
    assert_int_equal(e.run.capacity, 300);
    ts_scenario_free(sc);
}

static ts_memory_estimate estimate(const char *yaml, int threads) {
    ts_scenario *sc = tst_scenario(yaml);
    ts_memory_estimate e;
    ts_error err;
    ts_error_clear(&err);
    assert_int_equal(ts_memory_estimate_scenario(sc, ts_modules, ts_n_modules, threads, &e, &err),
                     TS_OK);
    ts_scenario_free(sc);
    return e;
}

/* Small organisations run one per thread (as many as there are runs), large ones one at a
 * time; the total is the fixed cost plus that many runs. */
static void test_runs_at_once(void **state) {
    (void)state;
    ts_memory_estimate e = estimate("org: {headcount: 100}\nreplicates: 5\n", 2);
    assert_int_equal(e.runs_at_once, 2);
    assert_int_equal(e.total, TS_MEMORY_FIXED_BYTES + 2 * e.run.total);
    assert_int_equal(e.per_run, TS_MEMORY_FIXED_BYTES + e.run.total);
    assert_int_equal(estimate("org: {headcount: 100}\nreplicates: 5\n", 8).runs_at_once, 5);
    assert_int_equal(estimate("org: {headcount: 100}\nreplicates: 1\n", 8).runs_at_once, 1);
    assert_int_equal(estimate("org: {headcount: 100}\nreplicates: 2\n"
                              "sweep: {culture.safety: [0.3, 0.6, 0.9]}\n",
                              4)
                         .runs_at_once,
                     4);
    e = estimate("org: {headcount: 6000}\nreplicates: 5\n", 2);
    assert_int_equal(e.runs_at_once, 1);
    assert_int_equal(e.total, e.per_run);
    /* 0 threads: all cores, at least one run. */
    assert_true(estimate("org: {headcount: 100}\nreplicates: 64\n", 0).runs_at_once >= 1);
}

/* ---- The memory available ------------------------------------------------------------ */

static void put(const char *root, const char *rel, const char *text) {
    char path[1024];
    snprintf(path, sizeof path, "%s%s", root, rel);
    /* mkdir -p of the parent, below the tests' directory (which exists). */
    for (char *p = path + strlen(TS_TEST_TMPDIR) + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
            *p = '/';
        }
    }
    tst_write_file(path, text);
}

static void test_available_from_files(void **state) {
    (void)state;
    ts_memory_avail a;
    assert_true(mkdir(TMP, 0755) == 0 || errno == EEXIST);

    /* Nothing readable: unknown. */
    ts_memory_available_in(TMP "/none", &a);
    assert_true(a.bytes == UINT64_MAX);
    assert_string_equal(a.source, "unknown");

    /* MemAvailable alone (kB). */
    const char *r1 = TMP "/meminfo";
    put(r1, "/proc/meminfo",
        "MemTotal:       24683756 kB\nMemFree:        23560072 kB\n"
        "MemAvailable:    3717000 kB\nBuffers:            3904 kB\n");
    ts_memory_available_in(r1, &a);
    assert_true(a.bytes == 3717000ull * 1024);
    assert_non_null(strstr(a.source, "MemAvailable"));

    /* cgroup v2: the smallest limit on the way up ("max" is none). */
    const char *r2 = TMP "/v2";
    put(r2, "/proc/meminfo", "MemAvailable:    3717000 kB\n");
    put(r2, "/proc/self/cgroup", "0::/a/b\n");
    put(r2, "/sys/fs/cgroup/a/b/memory.max", "max\n");
    put(r2, "/sys/fs/cgroup/a/memory.max", "1048576000\n");
    put(r2, "/sys/fs/cgroup/memory.max", "max\n");
    ts_memory_available_in(r2, &a);
    assert_true(a.bytes == 1048576000ull);
    assert_non_null(strstr(a.source, "memory.max"));
    /* A limit above MemAvailable does not count. */
    put(r2, "/sys/fs/cgroup/a/memory.max", "99999999999\n");
    ts_memory_available_in(r2, &a);
    assert_true(a.bytes == 3717000ull * 1024);

    /* cgroup v1, the memory controller beside another; v1's "no limit" is a huge number,
     * and a cgroup path that is not mounted (a container's view) falls back to the root. */
    const char *r3 = TMP "/v1";
    put(r3, "/proc/meminfo", "MemAvailable:    3717000 kB\n");
    put(r3, "/proc/self/cgroup", "12:pids:/x\n4:cpuacct,memory:/x/y\n0::/\n");
    put(r3, "/sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
    put(r3, "/sys/fs/cgroup/memory/x/memory.limit_in_bytes", "2621440000\n");
    ts_memory_available_in(r3, &a);
    assert_true(a.bytes == 2621440000ull);
    assert_non_null(strstr(a.source, "memory.limit_in_bytes"));
    put(r3, "/proc/self/cgroup", "4:memory:/not/mounted\n");
    put(r3, "/sys/fs/cgroup/memory/memory.limit_in_bytes", "1500000000\n");
    ts_memory_available_in(r3, &a);
    assert_true(a.bytes == 1500000000ull);
    /* "memory" inside another controller's name is not the memory controller. */
    put(r3, "/proc/self/cgroup", "4:nomemory,memoryx:/x\n");
    ts_memory_available_in(r3, &a);
    assert_true(a.bytes == 3717000ull * 1024);
}

static void test_parse_size(void **state) {
    (void)state;
    uint64_t v = 0;
    assert_true(ts_memory_parse_size("123456789", &v) && v == 123456789ull);
    assert_true(ts_memory_parse_size("8G", &v) && v == 8ull << 30);
    assert_true(ts_memory_parse_size("512M", &v) && v == 512ull << 20);
    assert_true(ts_memory_parse_size("3k", &v) && v == 3ull << 10);
    assert_true(ts_memory_parse_size("2GiB", &v) && v == 2ull << 30);
    assert_true(ts_memory_parse_size("1T", &v) && v == 1ull << 40);
    assert_true(ts_memory_parse_size("77B", &v) && v == 77);
    const char *bad[] = {"", "G", "-5", "1.5G", "12Q", "8 G", "99999999999999999999", "20000000T"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (ts_memory_parse_size(bad[i], &v)) {
            fail_msg("'%s' parsed as %llu", bad[i], (unsigned long long)v);
        }
    }
}

static void test_available_env(void **state) {
    (void)state;
    ts_memory_avail a;
    ts_error err;
    ts_error_clear(&err);
    assert_int_equal(setenv(TS_MEMORY_LIMIT_ENV, "3717K", 1), 0);
    assert_int_equal(ts_memory_available(&a, &err), TS_OK);
    assert_true(a.bytes == 3717ull * 1024);
    assert_string_equal(a.source, TS_MEMORY_LIMIT_ENV);
    assert_int_equal(setenv(TS_MEMORY_LIMIT_ENV, "lots", 1), 0);
    assert_int_equal(ts_memory_available(&a, &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, TS_MEMORY_LIMIT_ENV));
    assert_non_null(strstr(err.msg, "'lots'"));
    assert_int_equal(unsetenv(TS_MEMORY_LIMIT_ENV), 0);
    /* Without it: the machine's, which is something. */
    assert_int_equal(ts_memory_available(&a, &err), TS_OK);
    assert_true(a.bytes > 0);
}

/* ---- Messages --------------------------------------------------------------------------- */

static void test_format(void **state) {
    (void)state;
    char b[32];
    ts_memory_format(800, b, sizeof b);
    assert_string_equal(b, "800 B");
    ts_memory_format(12 * 1024 + 100, b, sizeof b);
    assert_string_equal(b, "12 KiB");
    ts_memory_format(620ull << 20, b, sizeof b);
    assert_string_equal(b, "620 MiB");
    ts_memory_format((19ull << 30) / 10, b, sizeof b);
    assert_string_equal(b, "1.9 GiB");
}

static void test_check_message(void **state) {
    (void)state;
    ts_memory_estimate e = estimate("org: {headcount: 1000}\nreplicates: 4\n"
                                    "hiring: {growth: exponential, annual_rate: 0.5}\n"
                                    "trust: {capacity: 512}\n",
                                    2);
    ts_memory_avail a = {.bytes = e.total, .source = "a test"};
    ts_error err;
    ts_error_clear(&err);
    assert_int_equal(ts_memory_check(&e, &a, &err), TS_OK);

    a.bytes = e.total - 1;
    assert_int_equal(ts_memory_check(&e, &a, &err), TS_ERR_PARAM);
    const char *need[] = {"needs about",    "only",
                          "a test",         "trust.capacity 512",
                          "org.headcount",  "hiring.max_headcount",
                          "2 runs at once", "fewer --threads",
                          "--force-memory"};
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
        if (!strstr(err.msg, need[i])) {
            fail_msg("'%s' not in: %s", need[i], err.msg);
        }
    }
    /* One run at a time: fewer threads would not help, so it is not suggested. */
    e = estimate("org: {headcount: 1000}\ntrust: {capacity: 512}\n", 2);
    a.bytes = 1000;
    assert_int_equal(ts_memory_check(&e, &a, &err), TS_ERR_PARAM);
    assert_null(strstr(err.msg, "--threads"));
    assert_non_null(strstr(err.msg, "--force-memory"));

    char line[1024];
    ts_memory_describe(&e, &a, line, sizeof line);
    assert_non_null(strstr(line, "per run"));
    assert_non_null(strstr(line, "one run at a time"));
    assert_non_null(strstr(line, "available (a test)"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_linear_in_capacity),
        cmocka_unit_test(test_capacity_beyond_headcount),
        cmocka_unit_test(test_linear_in_headcount),
        cmocka_unit_test(test_modules_peak_agents),
        cmocka_unit_test(test_hiring_peak),
        cmocka_unit_test(test_sweep_largest_point),
        cmocka_unit_test(test_runs_at_once),
        cmocka_unit_test(test_available_from_files),
        cmocka_unit_test(test_parse_size),
        cmocka_unit_test(test_available_env),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_check_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
