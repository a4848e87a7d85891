/* Integration tests of the memory check (sim/app/memory.c through sim/app/cli.c): `trustsim run`
 * and `check` refuse a scenario whose estimate exceeds the memory available (capped here
 * with TRUSTSIM_MEMORY_LIMIT, or RLIMIT_AS in the child) with exit 2 and nothing written,
 * --force-memory goes ahead, the estimate `check` prints grows with trust.capacity and
 * the headcount, and an allocation that fails under RLIMIT_AS ends the run with exit 1
 * and "out of memory" rather than a signal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_support.h"

#include "cli.h"
#include "memory.h"
#include "modules.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define TMP TS_TEST_TMPDIR "/memory_cli"
#define SMALL TMP "/small.yaml"
#define BIG TMP "/big.yaml"

/* AddressSanitizer reserves terabytes of address space: no RLIMIT_AS test under it. */
#if defined(__SANITIZE_ADDRESS__)
#define TS_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TS_TEST_ASAN 1
#endif
#endif

typedef struct child {
    int code; /* exit status, or 128 + signal */
    char *out, *err;
} child;

/* Runs TS_BINARY with args (NULL-terminated), TRUSTSIM_MEMORY_LIMIT set to `limit` unless
 * NULL (unset otherwise) and RLIMIT_AS set to `as` bytes unless 0. */
static child run_with(const char *limit, rlim_t as, const char *const *args) {
    const char *argv[32];
    size_t n = 0;
    argv[n++] = TS_BINARY;
    for (; args[n - 1]; n++) {
        assert_true(n < 31);
        argv[n] = args[n - 1];
    }
    argv[n] = NULL;
    const char *out_path = TMP "/stdout.txt", *err_path = TMP "/stderr.txt";
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* The test process is single-threaded: the child may set up before exec. */
        if (limit) {
            setenv(TS_MEMORY_LIMIT_ENV, limit, 1);
        } else {
            unsetenv(TS_MEMORY_LIMIT_ENV);
        }
        struct rlimit rl = {.rlim_cur = as, .rlim_max = as};
        int in = open("/dev/null", O_RDONLY);
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 ||
            dup2(err, 2) < 0 || (as > 0 && setrlimit(RLIMIT_AS, &rl) != 0)) {
            _exit(127);
        }
        execv(argv[0], (char *const *)(uintptr_t)argv);
        _exit(127);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    child c;
    c.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    c.out = tst_slurp(out_path);
    c.err = tst_slurp(err_path);
    return c;
}

#define RUN(limit, ...) run_with((limit), 0, (const char *const[]){__VA_ARGS__, NULL})

static void child_free(child *c) {
    free(c->out);
    free(c->err);
}

/* Fails with what the child said unless it exited with `code` and every string of `needs`
 * (NULL-terminated) is in its stderr. */
static void expect(child *c, int code, const char *const *needs) {
    const char *missing = NULL;
    for (size_t i = 0; needs && needs[i] && !missing; i++) {
        missing = strstr(c->err, needs[i]) ? NULL : needs[i];
    }
    if (c->code != code || missing) {
        print_error("exit %d (expected %d)\n--- stdout:\n%s\n--- stderr:\n%s\n", c->code, code,
                    c->out, c->err);
        if (missing) {
            print_error("expected in stderr: %s\n", missing);
        }
        child_free(c);
        fail();
    }
}

static int exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

/* Entries of a directory besides . and .. */
static int n_entries(const char *dir) {
    DIR *d = opendir(dir);
    int n = 0;
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    }
    closedir(d);
    return n;
}

static int group_setup(void **state) {
    (void)state;
    if (mkdir(TMP, 0755) != 0 && errno != EEXIST) {
        return -1;
    }
    FILE *f = fopen(SMALL, "w");
    if (!f ||
        fputs("name: small\ndays: 20\nreplicates: 1\n"
              "org: {headcount: 40, warmup_days: 5}\n"
              "output: {snapshot_every: 0}\n",
              f) < 0 ||
        fclose(f) != 0) {
        return -1;
    }
    /* About 24 GiB of models: 100,000 people x 4096 models x 64 bytes. */
    f = fopen(BIG, "w");
    if (!f ||
        fputs("name: big\ndays: 2\n"
              "org: {headcount: 100000, warmup_days: 0}\n"
              "hiring: {attrition_annual: 0}\n"
              "trust: {capacity: 4096}\n"
              "output: {snapshot_every: 0}\n",
              f) < 0 ||
        fclose(f) != 0) {
        return -1;
    }
    return 0;
}

/* The estimate `trustsim run SMALL --threads 1` makes, computed here the same way. */
static uint64_t small_estimate(void) {
    ts_scenario *sc = NULL;
    ts_error err;
    ts_memory_estimate e;
    assert_int_equal(ts_cli_load_scenario(SMALL, NULL, 0, &sc, &err), TS_OK);
    assert_int_equal(ts_memory_estimate_scenario(sc, ts_modules, ts_n_modules, 1, &e, &err), TS_OK);
    ts_scenario_free(sc);
    assert_int_equal(e.runs_at_once, 1);
    return e.total;
}

/* Refused below the estimate: exit 2, a message naming the keys and the way past it, and
 * nothing written, not even the directory of the results file. At the estimate: runs. */
static void test_run_refused_below_estimate(void **state) {
    (void)state;
    char below[32], at[32];
    uint64_t need = small_estimate();
    snprintf(below, sizeof below, "%" PRIu64, need - 1);
    snprintf(at, sizeof at, "%" PRIu64, need);
    const char *dir = TMP "/refused";
    const char *out = TMP "/refused/sub/small.h5";
    mkdir(dir, 0755);
    unlink(out);
    rmdir(TMP "/refused/sub");
    assert_int_equal(n_entries(dir), 0);

    child c = RUN(below, "run", SMALL, "-o", out, "--threads", "1", "--quiet");
    expect(&c, 2,
           (const char *const[]){"trustsim: the scenario needs about", "but only",
                                 TS_MEMORY_LIMIT_ENV, "trust.capacity", "org.headcount",
                                 "lower trust.capacity or the headcount", "--force-memory", NULL});
    assert_null(strstr(c.err, "--threads")); /* one run: fewer threads would not help */
    assert_int_equal(n_entries(dir), 0);
    child_free(&c);

    c = RUN(at, "run", SMALL, "-o", out, "--threads", "1", "--quiet");
    expect(&c, 0, NULL);
    assert_true(exists(out));
    child_free(&c);
}

/* Several small runs at once multiply the need; fewer --threads is then suggested, and one
 * thread makes it fit. */
static void test_run_threads_multiply(void **state) {
    (void)state;
    char limit[32];
    uint64_t one = small_estimate();
    snprintf(limit, sizeof limit, "%" PRIu64, one);
    const char *out = TMP "/threads.h5";
    unlink(out);
    child c = RUN(limit, "run", SMALL, "-o", out, "--threads", "2", "--replicates", "2", "--quiet");
    expect(&c, 2, (const char *const[]){"2 runs at once", "use fewer --threads", NULL});
    assert_false(exists(out));
    child_free(&c);
    c = RUN(limit, "run", SMALL, "-o", out, "--threads", "1", "--replicates", "2", "--quiet");
    expect(&c, 0, NULL);
    assert_true(exists(out));
    child_free(&c);
}

static void test_run_force_memory(void **state) {
    (void)state;
    const char *out = TMP "/forced.h5";
    unlink(out);
    child c = RUN("1M", "run", SMALL, "-o", out, "--quiet", "--force-memory");
    expect(&c, 0, NULL);
    assert_true(exists(out));
    child_free(&c);
}

/* "about 43 MiB per run" on the "# memory:" line of `check`, in bytes. */
static double check_estimate(const char *out) {
    const char *p = strstr(out, "# memory: about ");
    double v = 0.0;
    char unit[8] = "";
    assert_non_null(p);
    assert_int_equal(sscanf(p + strlen("# memory: about "), "%lf %7s", &v, unit), 2);
    double scale = strcmp(unit, "GiB") == 0   ? 1073741824.0
                   : strcmp(unit, "MiB") == 0 ? 1048576.0
                   : strcmp(unit, "KiB") == 0 ? 1024.0
                                              : 1.0;
    return v * scale;
}

static double check_with(const char *a, const char *b) {
    child c = RUN(NULL, "check", SMALL, "--set", a, "--set", b);
    expect(&c, 0, NULL);
    double v = check_estimate(c.out);
    child_free(&c);
    return v;
}

/* `check` prints the estimate before the tactics line; it grows with trust.capacity and
 * with the headcount, by at least the stores' share (4 bytes of id and 14 floats a model). */
static void test_check_prints_estimate(void **state) {
    (void)state;
    child c = RUN(NULL, "check", SMALL);
    expect(&c, 0, NULL);
    assert_string_equal(c.err, "");
    const char *mem = strstr(c.out, "# memory: about ");
    const char *tactics = strstr(c.out, "# tactics on:");
    assert_non_null(mem);
    assert_non_null(tactics);
    assert_true(mem < tactics);
    assert_non_null(strstr(mem, " per run"));
    assert_non_null(strstr(mem, " available"));
    child_free(&c);

    const double model = 4 + 14 * 4;
    double c64 = check_with("trust.capacity=64", "org.headcount=20000");
    double c512 = check_with("trust.capacity=512", "org.headcount=20000");
    assert_true(c512 - c64 >= 0.95 * 20000 * (512 - 64) * model);
    double h10 = check_with("trust.capacity=256", "org.headcount=10000");
    double h40 = check_with("trust.capacity=256", "org.headcount=40000");
    assert_true(h40 - h10 >= 0.95 * 30000 * 256 * model);
    assert_true(h40 < 4.5 * h10);
}

static void test_check_refused(void **state) {
    (void)state;
    child c = RUN("1000", "check", SMALL);
    expect(&c, 2, (const char *const[]){"needs about", "--force-memory", NULL});
    /* The resolved scenario and the estimate are printed all the same. */
    assert_non_null(strstr(c.out, "name: small"));
    assert_non_null(strstr(c.out, "# memory: about"));
    child_free(&c);
    c = RUN("1000", "check", SMALL, "--force-memory");
    expect(&c, 0, NULL);
    assert_string_equal(c.err, "");
    child_free(&c);
    /* A limit that is not a size is bad input. */
    c = RUN("plenty", "check", SMALL);
    expect(&c, 2, (const char *const[]){TS_MEMORY_LIMIT_ENV, "'plenty'", NULL});
    child_free(&c);
}

static void test_usage_mentions_force_memory(void **state) {
    (void)state;
    child c = RUN(NULL, "run", "--help");
    expect(&c, 0, NULL);
    assert_non_null(strstr(c.out, "--force-memory"));
    child_free(&c);
    c = RUN(NULL, "check", "--help");
    expect(&c, 0, NULL);
    assert_non_null(strstr(c.out, "--force-memory"));
    child_free(&c);
}

/* Under RLIMIT_AS the scenario is refused up front; forced, the store's allocation fails
 * and the run ends with exit 1 and "out of memory", not a signal. */
static void test_rlimit_as(void **state) {
    (void)state;
#ifdef TS_TEST_ASAN
    skip();
#else
    const rlim_t as = (rlim_t)1 << 30;
    const char *out = TMP "/big.h5";
    unlink(out);
    child c = run_with(NULL, as, (const char *const[]){"run", BIG, "-o", out, "--quiet", NULL});
    expect(&c, 2, (const char *const[]){"needs about", "RLIMIT_AS", "trust.capacity 4096", NULL});
    assert_false(exists(out));
    child_free(&c);

    c = run_with(NULL, as,
                 (const char *const[]){"run", BIG, "-o", out, "--quiet", "--force-memory", NULL});
    expect(&c, 1, (const char *const[]){"trustsim: out of memory", " MB ", NULL});
    child_free(&c);
#endif
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_refused_below_estimate),
        cmocka_unit_test(test_run_threads_multiply),
        cmocka_unit_test(test_run_force_memory),
        cmocka_unit_test(test_check_prints_estimate),
        cmocka_unit_test(test_check_refused),
        cmocka_unit_test(test_usage_mentions_force_memory),
        cmocka_unit_test(test_rlimit_as),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
