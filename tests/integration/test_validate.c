/* Integration tests of `trustsim validate` (sim/app/validate*.c through the binary) on the
 * cheap patterns of tests/fixtures/validation/tiny.yaml, where T1 is built to pass and T2
 * to fail: exit codes and --pattern, the scorecard lines, --set changing a result, the
 * same runs on 1 and 2 threads (h5diff), never overwriting without --force, the old file
 * surviving a failed or interrupted validate (temporary file renamed into place), nothing
 * written for bad input, `info` on a validation file, and the compiled-in patterns file.
 * The layout of the file is read back with h5py in test_validate_layout.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_support.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TMP TS_TEST_TMPDIR "/validate"
#define TINY TS_SOURCE_DIR "/tests/fixtures/validation/tiny.yaml"

/* Runs argv in the source tree with stdout and stderr to TMP/tag.out and .err; returns
 * the exit code. */
static int run_argv(char *const argv[], const char *tag) {
    char out[512], errp[512];
    snprintf(out, sizeof out, TMP "/%s.out", tag);
    snprintf(errp, sizeof errp, TMP "/%s.err", tag);
    return tst_exec((const char *const *)argv, TS_SOURCE_DIR, out, errp);
}

static int sh(const char *cmd) {
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int exists(const char *path) {
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* Does the file TMP/tag.ext hold `text`? */
static int holds(const char *tag, const char *ext, const char *text) {
    char path[512];
    snprintf(path, sizeof path, TMP "/%s.%s", tag, ext);
    char *s = tst_slurp(path);
    int found = strstr(s, text) != NULL;
    if (!found) {
        print_error("%s lacks \"%s\":\n%s\n", path, text, s);
    }
    free(s);
    return found;
}

/* Files in TMP whose name starts with prefix (temporary files left behind). */
static int count_prefixed(const char *prefix) {
    DIR *d = opendir(TMP);
    struct dirent *de;
    int n = 0;
    assert_non_null(d);
    while ((de = readdir(d)) != NULL) {
        n += strncmp(de->d_name, prefix, strlen(prefix)) == 0;
    }
    closedir(d);
    return n;
}

/* Are the /runs of two files the same? Data with h5diff; the run attributes but
 * wall_seconds and threads (which measure the machine, not the model) with h5py. */
static int same_runs(const char *a, const char *b, int n_runs) {
    char cmd[8192];
    int k = snprintf(cmd, sizeof cmd, "h5diff -q");
    for (int i = 0; i < n_runs; i++) {
        k += snprintf(cmd + k, sizeof cmd - (size_t)k, " --exclude-attribute /runs/r%06d", i);
    }
    snprintf(cmd + k, sizeof cmd - (size_t)k, " %s %s /runs /runs", a, b);
    if (sh(cmd) != 0) {
        return 0;
    }
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c \"import h5py, sys; A = h5py.File('%s'); B = h5py.File('%s');"
             " sys.exit(0 if sorted(A['runs']) == sorted(B['runs']) and len(A['runs']) == %d and "
             "all({k: str(v) for k, v in A['runs'][r].attrs.items() if k not in ('wall_seconds', "
             "'threads')} == {k: str(v) for k, v in B['runs'][r].attrs.items() if k not in "
             "('wall_seconds', 'threads')} for r in A['runs']) else 1)\"",
             a, b, n_runs);
    return sh(cmd) == 0;
}

static int setup(void **state) {
    (void)state;
    return sh("rm -rf " TMP " && mkdir -p " TMP) == 0 ? 0 : -1;
}

static void test_exit_codes_and_scorecard(void **state) {
    (void)state;
    char *all[] = {TS_BINARY, "validate", TINY, "-o", TMP "/all.h5", "--force", NULL};
    assert_int_equal(run_argv(all, "all"), 1);
    assert_true(holds("all", "err", "trustsim: 1 of 2 patterns FAIL: T2\n"));
    assert_true(holds("all", "out", "scorecard of " TINY ": 2 patterns, 5 checks, 9 runs"));
    assert_true(holds("all", "out",
                      "T1  PASS  A small steady company keeps its people (3 of 3 "
                      "checks passed)\n"));
    assert_true(holds("all", "out",
                      "T2  FAIL  A month of growth triples a company (1 of 2 "
                      "checks passed)\n"));
    assert_true(holds("all", "out", "total: 1 of 2 patterns passed, 4 of 5 checks\n"));
    /* The check lines: the steady headcount is exactly 20 on every seed; growth is about
     * a tenth above it, far from tripled. */
    assert_int_equal(sh("grep -Eq '^  T1  headcount on the last day +20 \\[20, 20\\] +\\[15, 25\\] "
                        "+- +3  PASS$' " TMP "/all.out"),
                     0);
    assert_int_equal(
        sh("grep -Eq '^  T2  headcount on the last day, growth / steady +1\\.[01][0-9]* "
           "\\[[0-9.]+, [0-9.]+\\] +>= 3 +- +3  FAIL$' " TMP "/all.out"),
        0);
    assert_int_equal(
        sh("grep -Eq '^  T2  hires, growth - steady +[0-9.]+ \\[.*\\] +>= 0.5 +[0-9.]+ "
           "+3  PASS$' " TMP "/all.out"),
        0);
    assert_true(holds("all", "out", "written to " TMP "/all.h5\n"));
    /* Only the pattern built to pass: 0; only the other: 1. */
    char *t1[] = {TS_BINARY, "validate",   TINY,      "--pattern", "T1",
                  "-o",      TMP "/t1.h5", "--force", NULL};
    assert_int_equal(run_argv(t1, "t1"), 0);
    assert_true(holds("t1", "out", "total: 1 of 1 pattern passed, 3 of 3 checks"));
    assert_int_equal(sh("test ! -s " TMP "/t1.err"), 0);
    char *t2[] = {TS_BINARY, "validate",   TINY,      "--pattern", "T2",
                  "-o",      TMP "/t2.h5", "--force", NULL};
    assert_int_equal(run_argv(t2, "t2"), 1);
    assert_true(holds("t2", "err", "trustsim: 1 of 1 pattern FAIL: T2\n"));
    assert_int_equal(sh("grep -q 'T1' " TMP "/t2.out"), 1);
}

static void test_set_changes_a_result(void **state) {
    (void)state;
    /* Twice the people: T1's headcount is off target. */
    char *a[] = {TS_BINARY,          "validate", TINY,        "--pattern", "T1", "--set",
                 "org.headcount=40", "-o",       TMP "/s.h5", "--force",   NULL};
    assert_int_equal(run_argv(a, "set"), 1);
    assert_true(holds("set", "err", "trustsim: 1 of 1 pattern FAIL: T1\n"));
    assert_int_equal(sh("grep -Eq '^  T1  headcount on the last day +40 ' " TMP "/set.out"), 0);
    /* --set before the arms: the steady arm of T2 stays steady whatever --set says. */
    char *b[] = {
        TS_BINARY, "validate",   TINY,      "--pattern", "T2", "--set", "hiring.growth=linear",
        "-o",      TMP "/s2.h5", "--force", NULL};
    assert_int_equal(run_argv(b, "set2"), 1);
    assert_int_equal(sh("/usr/bin/python3 -c \"import h5py, sys; f = h5py.File('" TMP "/s2.h5');"
                        " y = f['validation/patterns/T2/arms/steady'].attrs['scenario_yaml'];"
                        " sys.exit(0 if 'growth: none' in y else 1)\""),
                     0);
}

static void test_threads_give_identical_runs(void **state) {
    (void)state;
    char *a1[] = {TS_BINARY, "validate",  TINY, "-o", TMP "/th1.h5",
                  "--force", "--threads", "1",  NULL};
    char *a2[] = {TS_BINARY, "validate",  TINY, "-o", TMP "/th2.h5",
                  "--force", "--threads", "2",  NULL};
    assert_int_equal(run_argv(a1, "th1"), 1);
    assert_int_equal(run_argv(a2, "th2"), 1);
    assert_true(same_runs(TMP "/th1.h5", TMP "/th2.h5", 9));
    assert_int_equal(sh("h5diff -q " TMP "/th1.h5 " TMP "/th2.h5 /validation /validation"), 0);
    /* The comparison can fail: another seed gives other runs. */
    char *a3[] = {TS_BINARY, "validate", TINY,     "-o", TMP "/th3.h5",
                  "--force", "--set",    "seed=2", NULL};
    assert_int_equal(run_argv(a3, "th3"), 1);
    assert_false(same_runs(TMP "/th1.h5", TMP "/th3.h5", 9));
    /* One large run: the threads go inside it, with the same bits. */
    tst_write_file(TMP "/big.yaml",
                   "patterns:\n  - id: B\n    title: big\n    question: q\n    source: s\n"
                   "    scenario: {days: 8, org: {headcount: 5200, warmup_days: 0},"
                   " output: {snapshot_every: 0}}\n    seeds: 1\n"
                   "    checks: [{name: c, measure: {summary: trust_final}, target: {min: 0}}]\n");
    char *b1[] = {TS_BINARY,   "validate",   TMP "/big.yaml",
                  "-o",        TMP "/b1.h5", "--force",
                  "--threads", "1",          NULL};
    char *b2[] = {TS_BINARY,   "validate",   TMP "/big.yaml",
                  "-o",        TMP "/b2.h5", "--force",
                  "--threads", "2",          NULL};
    /* One seed: the check cannot pass (n < 2). */
    assert_int_equal(run_argv(b1, "b1"), 1);
    assert_int_equal(run_argv(b2, "b2"), 1);
    assert_true(holds("b2", "out", "FAIL (n<2)"));
    assert_true(same_runs(TMP "/b1.h5", TMP "/b2.h5", 1));
    assert_int_equal(sh("h5dump -a /runs/r000000/threads " TMP "/b2.h5 | grep -q '(0): 2'"), 0);
}

static void test_never_overwrites_without_force(void **state) {
    (void)state;
    char *a[] = {TS_BINARY, "validate",  TINY,      "--pattern", "T1",
                 "-o",      TMP "/f.h5", "--force", NULL};
    assert_int_equal(run_argv(a, "f1"), 0);
    struct stat before, after;
    assert_int_equal(stat(TMP "/f.h5", &before), 0);
    char *b[] = {TS_BINARY, "validate", TINY, "--pattern", "T1", "-o", TMP "/f.h5", NULL};
    assert_int_equal(run_argv(b, "f2"), 2);
    assert_true(holds("f2", "err", "trustsim: " TMP "/f.h5 exists: use --force to replace it\n"));
    assert_int_equal(sh("test ! -s " TMP "/f2.out"), 0);
    assert_int_equal(stat(TMP "/f.h5", &after), 0);
    assert_int_equal(before.st_size, after.st_size);
    assert_int_equal(before.st_ino, after.st_ino);
    assert_int_equal(before.st_mtime, after.st_mtime);
    /* With --force it is replaced: a new file renamed into place. */
    assert_int_equal(run_argv(a, "f3"), 0);
    assert_int_equal(stat(TMP "/f.h5", &after), 0);
    assert_true(after.st_ino != before.st_ino);
    assert_int_equal(count_prefixed("f.h5.tmp"), 0);
}

static void test_failure_keeps_the_old_file(void **state) {
    (void)state;
    tst_write_file(TMP "/old.h5", "the results of yesterday\n");
    /* Runs that fail only once they ran: a summary the runs do not have. */
    tst_write_file(TMP "/late.yaml",
                   "patterns:\n  - id: L\n    title: late\n    question: q\n    source: s\n"
                   "    scenario: {days: 5, org: {headcount: 10, warmup_days: 0}}\n"
                   "    checks:\n      - name: c\n        measure: {summary: trust_finale}\n"
                   "        target: {min: 0}\n");
    char *a[] = {TS_BINARY, "validate", TMP "/late.yaml", "-o", TMP "/old.h5", "--force", NULL};
    assert_int_equal(run_argv(a, "late"), 2);
    assert_true(holds("late", "err",
                      "late.yaml:9:18: patterns[0].checks[0].measure.summary: no summary scalar "
                      "\"trust_finale\" in the runs (these are: trust_final,"));
    assert_int_equal(sh("test ! -s " TMP "/late.out"), 0);
    assert_true(holds("old", "h5", "the results of yesterday"));
    assert_int_equal(count_prefixed("old.h5.tmp"), 0);
    /* A daily metric that is not there, and a window beyond the run. */
    tst_write_file(TMP "/late2.yaml",
                   "patterns:\n  - id: L\n    title: late\n    question: q\n    source: s\n"
                   "    scenario: {days: 5, org: {headcount: 10, warmup_days: 0}}\n"
                   "    checks:\n      - name: c\n        measure: {metric: one_on_ones_held}\n"
                   "        target: {min: 0}\n"
                   "      - name: d\n        measure: {metric: trust_mean, days: [-9, -1]}\n"
                   "        target: {min: 0}\n");
    char *b[] = {TS_BINARY, "validate", TMP "/late2.yaml", "-o", TMP "/old.h5", "--force", NULL};
    assert_int_equal(run_argv(b, "late2"), 2);
    assert_true(holds("late2", "err",
                      "patterns[0].checks[0].measure.metric: no daily metric "
                      "\"one_on_ones_held\" in the runs (a tactic's metrics"));
    assert_true(holds("old", "h5", "the results of yesterday"));
    char *c[] = {TS_BINARY,     "validate", TMP "/late2.yaml",        "-o",
                 TMP "/new.h5", "--set",    "tactics.one_on_ones={}", NULL};
    assert_int_equal(run_argv(c, "late3"), 2);
    assert_true(holds("late3", "err",
                      "late2.yaml:12:18: patterns[0].checks[1].measure.days: "
                      "window [-9, -1] does not fit the 6 recorded days"));
    assert_false(exists(TMP "/new.h5"));
    assert_int_equal(count_prefixed("new.h5"), 0);
}

static void test_bad_input_writes_nothing(void **state) {
    (void)state;
    struct {
        const char *args[6];
        const char *message;
    } cases[] = {
        {{TS_SOURCE_DIR "/tests/fixtures/validation/bad/unknown_arm.yaml"},
         "unknown_arm.yaml:10:14: patterns[0].checks[0].arm: unknown arm \"grwth\""},
        {{TINY, "--pattern", "T9"}, "--pattern T9: no such pattern in"},
        {{TINY, "--set", "org.headcount=0"}, "--set org.headcount=0: org.headcount: out of range"},
        {{TINY, "--set", "org.headcount"}, "--set: invalid value 'org.headcount'"},
        {{TINY, "--threads", "many"}, "--threads: invalid value 'many'"},
        {{TINY, "--frobnicate"}, "unknown option '--frobnicate'"},
        {{TINY, TINY}, "unexpected argument"},
        {{TMP "/no_such_patterns.yaml"}, "no_such_patterns.yaml: cannot read the patterns file"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *argv[12] = {TS_BINARY, "validate"};
        size_t n = 2;
        for (size_t k = 0; k < 6 && cases[i].args[k]; k++) {
            argv[n++] = (char *)cases[i].args[k];
        }
        argv[n++] = "-o";
        argv[n++] = TMP "/never.h5";
        argv[n] = NULL;
        assert_int_equal(run_argv(argv, "bad"), 2);
        assert_true(holds("bad", "err", cases[i].message));
        assert_false(exists(TMP "/never.h5"));
    }
    assert_int_equal(count_prefixed("never.h5"), 0);
}

static void test_interrupt_writes_nothing(void **state) {
    (void)state;
    tst_write_file(TMP "/kept.h5", "kept\n");
    tst_write_file(TMP "/long.yaml",
                   "patterns:\n  - id: L\n    title: long\n    question: q\n    source: s\n"
                   "    scenario: {days: 200, org: {headcount: 80, warmup_days: 10},"
                   " output: {snapshot_every: 0}}\n    seeds: 400\n"
                   "    checks: [{name: c, measure: {summary: trust_final}, target: {min: 0}}]\n");
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(TMP "/long.err", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int out = open(TMP "/long.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 2);
        dup2(out, 1);
        execl(TS_BINARY, TS_BINARY, "validate", TMP "/long.yaml", "-o", TMP "/kept.h5", "--force",
              "--quiet", (char *)NULL);
        _exit(127);
    }
    /* Interrupt once the temporary file is being written. */
    struct timespec ts = {0, 100 * 1000 * 1000};
    for (int i = 0; i < 100 && count_prefixed("kept.h5.tmp") == 0; i++) {
        nanosleep(&ts, NULL);
    }
    nanosleep(&ts, NULL);
    kill(pid, SIGINT);
    int status = 0;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 1);
    assert_true(holds("long", "err",
                      "trustsim: interrupted: nothing written (the existing file "
                      "is as it was)"));
    assert_true(holds("kept", "h5", "kept\n"));
    assert_int_equal(count_prefixed("kept.h5.tmp"), 0);
    assert_int_equal(sh("test ! -s " TMP "/long.out"), 0);
}

static void test_info_prints_the_scorecard(void **state) {
    (void)state;
    char *a[] = {TS_BINARY, "validate", TINY,      "-o", TMP "/i.h5",
                 "--force", "--set",    "days=25", NULL};
    assert_int_equal(run_argv(a, "i1"), 1);
    char *b[] = {TS_BINARY, "info", TMP "/i.h5", NULL};
    assert_int_equal(run_argv(b, "i2"), 0);
    assert_true(holds("i2", "out", "patterns_file     " TINY "\n"));
    assert_true(holds("i2", "out", "sets              days=25\n"));
    assert_true(holds("i2", "out", "scorecard of " TINY "\n"));
    /* The same scorecard lines as validate printed. */
    assert_int_equal(sh("grep '^  T[12]  ' " TMP "/i1.out > " TMP "/i1.lines && "
                        "grep '^  T[12]  ' " TMP "/i2.out | grep -v complete > " TMP "/i2.lines && "
                        "cmp -s " TMP "/i1.lines " TMP "/i2.lines"),
                     0);
    assert_int_equal(sh("grep -c '^  T[12]  ' " TMP "/i1.lines | grep -qx 5"), 0);
    assert_true(holds("i2", "out", "T2  FAIL  A month of growth triples a company"));
    assert_true(holds("i2", "out", "complete  T2       steady"));
}

static void test_builtin_patterns(void **state) {
    (void)state;
    /* Where there is no scenarios/validation.yaml, the compiled-in copy runs. */
    char out[] = TMP "/builtin.out", errp[] = TMP "/builtin.err";
    const char *argv[] = {TS_BINARY, "validate", "--quick", "--pattern", "P1", "-o", "b.h5", NULL};
    int rc = tst_exec(argv, TMP, out, errp);
    assert_true(rc == 0 || rc == 1);
    assert_true(holds("builtin", "out", "scorecard of validation.yaml (--quick): 1 pattern"));
    assert_true(exists(TMP "/b.h5"));
    assert_int_equal(sh("h5dump -a /patterns_file " TMP "/b.h5 | grep -q '(built-in)'"), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exit_codes_and_scorecard),
        cmocka_unit_test(test_set_changes_a_result),
        cmocka_unit_test(test_threads_give_identical_runs),
        cmocka_unit_test(test_never_overwrites_without_force),
        cmocka_unit_test(test_failure_keeps_the_old_file),
        cmocka_unit_test(test_bad_input_writes_nothing),
        cmocka_unit_test(test_interrupt_writes_nothing),
        cmocka_unit_test(test_info_prints_the_scorecard),
        cmocka_unit_test(test_builtin_patterns),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
