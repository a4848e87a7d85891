/* Integration tests of `trustsim run` (sim/app/runner.c through the binary): the same
 * results on 1 and 2 threads (h5diff), --force and --resume (a 2-replicate file
 * resumed to 4 equals a 4-replicate run in one go), SIGINT leaves a readable file,
 * `info` lists the runs, and bad input (an unsafe name among it) writes nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_support.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TMP TS_TEST_TMPDIR "/run"

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

static int setup(void **state) {
    (void)state;
    return sh("mkdir -p " TMP) == 0 ? 0 : -1;
}

/* A small organisation with a sweep, quick to run. */
static const char *SMALL = "name: small\ndays: 40\nreplicates: 2\n"
                           "org: {headcount: 60, warmup_days: 20}\n"
                           "output: {snapshot_every: 20, snapshot_agents: 20}\n"
                           "sweep: {trust.capacity: [16, 64]}\n";

static void test_threads_give_identical_runs(void **state) {
    (void)state;
    tst_write_file(TMP "/small.yaml", SMALL);
    char *a1[] = {TS_BINARY,   "run", TMP "/small.yaml", "-o", TMP "/t1.h5",
                  "--threads", "1",   "--force",         NULL};
    char *a2[] = {TS_BINARY,   "run", TMP "/small.yaml", "-o", TMP "/t2.h5",
                  "--threads", "2",   "--force",         NULL};
    assert_int_equal(run_argv(a1, "t1"), 0);
    assert_int_equal(run_argv(a2, "t2"), 0);
    assert_true(tst_same_runs(TMP "/t1.h5", TMP "/t2.h5", 4));
    assert_int_equal(sh("h5ls " TMP "/t1.h5/runs | grep -c '^r00000[0-3]' | grep -qx 4"), 0);
    /* The comparison can fail: another seed gives other runs. */
    char *a3[] = {TS_BINARY, "run", TMP "/small.yaml", "-o", TMP "/t3.h5",
                  "--seed",  "2",   "--force",         NULL};
    assert_int_equal(run_argv(a3, "t3"), 0);
    assert_false(tst_same_runs(TMP "/t1.h5", TMP "/t3.h5", 4));
}

/* A single run large enough (3,000 people: three agent blocks) that the threads work
 * inside it, with the full model, growth and an incident: the same bits. */
static void test_threads_inside_a_run(void **state) {
    (void)state;
    tst_write_file(TMP "/big.yaml", "name: big\ndays: 40\norg: {headcount: 3000, warmup_days: 10}\n"
                                    "hiring: {growth: exponential, annual_rate: 1}\n"
                                    "output: {snapshot_every: 20, snapshot_agents: 100}\n"
                                    "events: [{day: 5, kind: incident, domain: debugging}]\n");
    char *a1[] = {TS_BINARY,   "run", TMP "/big.yaml", "-o", TMP "/b1.h5",
                  "--threads", "1",   "--force",       NULL};
    char *a2[] = {TS_BINARY,   "run", TMP "/big.yaml", "-o", TMP "/b2.h5",
                  "--threads", "2",   "--force",       NULL};
    assert_int_equal(run_argv(a1, "b1"), 0);
    assert_int_equal(run_argv(a2, "b2"), 0);
    assert_true(tst_same_runs(TMP "/b1.h5", TMP "/b2.h5", 1));
    /* The run really used two threads inside. */
    assert_int_equal(sh("h5dump -a /runs/r000000/threads " TMP "/b2.h5 | grep -q '(0): 2'"), 0);
}

static void test_force_and_existing_file(void **state) {
    (void)state;
    tst_write_file(TMP "/small.yaml", SMALL);
    char *a[] = {TS_BINARY, "run", TMP "/small.yaml", "-o", TMP "/f.h5", "--force", NULL};
    assert_int_equal(run_argv(a, "f1"), 0);
    struct stat before, after;
    assert_int_equal(stat(TMP "/f.h5", &before), 0);
    char *b[] = {TS_BINARY, "run", TMP "/small.yaml", "-o", TMP "/f.h5", NULL};
    assert_int_equal(run_argv(b, "f2"), 2);
    assert_int_equal(sh("grep -q -- '--force' " TMP "/f2.err"), 0);
    assert_int_equal(stat(TMP "/f.h5", &after), 0);
    assert_int_equal(before.st_size, after.st_size);
    assert_int_equal(before.st_mtime, after.st_mtime);
    assert_int_equal(run_argv(a, "f3"), 0);
}

static void test_resume_equals_one_go(void **state) {
    (void)state;
    tst_write_file(TMP "/small.yaml", SMALL);
    char *two[] = {TS_BINARY, "run", TMP "/small.yaml", "-o", TMP "/r.h5", "--force", NULL};
    assert_int_equal(run_argv(two, "r1"), 0);
    /* Resumed to 4 replicates: the 4 runs there are kept and 4 more are added. */
    char *four[] = {TS_BINARY,      "run",       TMP "/small.yaml",
                    "-o",           TMP "/r.h5", "--resume",
                    "--replicates", "4",         NULL};
    assert_int_equal(run_argv(four, "r2"), 0);
    assert_int_equal(sh("grep -q 'resumed' " TMP "/r2.err"), 0);
    char *one_go[] = {TS_BINARY,      "run", TMP "/small.yaml", "-o", TMP "/g.h5",
                      "--replicates", "4",   "--force",         NULL};
    assert_int_equal(run_argv(one_go, "r3"), 0);
    assert_true(tst_same_runs(TMP "/g.h5", TMP "/r.h5", 8));
    /* A file cut short (runs missing, one left incomplete) is finished by --resume. */
    assert_int_equal(sh("cp " TMP "/g.h5 " TMP "/cut.h5"), 0);
    assert_int_equal(sh("cd " TMP " && /usr/bin/python3 -c \"import h5py; f = h5py.File('cut.h5', "
                        "'r+'); [f['runs'].__delitem__(k) for k in ['r000003', 'r000005', "
                        "'r000006']]; del f['runs/r000007'].attrs['status']\""),
                     0);
    char *resume[] = {TS_BINARY,      "run", TMP "/small.yaml", "-o", TMP "/cut.h5",
                      "--replicates", "4",   "--resume",        NULL};
    assert_int_equal(run_argv(resume, "r4"), 0);
    assert_true(tst_same_runs(TMP "/g.h5", TMP "/cut.h5", 8));
    /* Another scenario cannot be resumed into the file. */
    char *other[] = {TS_BINARY, "run",     TMP "/small.yaml", "-o", TMP "/cut.h5",
                     "--set",   "days=41", "--resume",        NULL};
    assert_int_equal(run_argv(other, "r5"), 2);
    assert_int_equal(sh("grep -q 'different scenario' " TMP "/r5.err"), 0);
}

static void test_sigint_leaves_readable_file(void **state) {
    (void)state;
    tst_write_file(TMP "/long.yaml", "name: long\ndays: 200\nreplicates: 400\n"
                                     "org: {headcount: 80, warmup_days: 10}\n"
                                     "output: {snapshot_every: 0}\n");
    unlink(TMP "/long.h5");
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(TMP "/long.err", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 2);
        execl(TS_BINARY, TS_BINARY, "run", TMP "/long.yaml", "-o", TMP "/long.h5", "--quiet",
              (char *)NULL);
        _exit(127);
    }
    /* Let it write a few runs, then interrupt. */
    struct timespec ts = {0, 200 * 1000 * 1000};
    for (int i = 0; i < 50 && !exists(TMP "/long.h5"); i++) {
        nanosleep(&ts, NULL);
    }
    nanosleep(&ts, NULL);
    kill(pid, SIGINT);
    int status = 0;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 1);
    assert_int_equal(sh("grep -q 'resume' " TMP "/long.err"), 0);
    char *info[] = {TS_BINARY, "info", TMP "/long.h5", NULL};
    assert_int_equal(run_argv(info, "longinfo"), 0);
    /* Every run group present is complete (h5dump reads the file without error). */
    assert_int_equal(sh("h5dump -H " TMP "/long.h5 > /dev/null"), 0);
}

static void test_bad_scenario_writes_nothing(void **state) {
    (void)state;
    tst_write_file(TMP "/bad.yaml", "days: 10\ntrust: {prior_mean: 1.5}\n");
    unlink(TMP "/bad.h5");
    char *a[] = {TS_BINARY, "run", TMP "/bad.yaml", "-o", TMP "/bad.h5", NULL};
    assert_int_equal(run_argv(a, "bad"), 2);
    assert_false(exists(TMP "/bad.h5"));
    assert_int_equal(sh("grep -q 'bad.yaml:2:[0-9]*: trust.prior_mean' " TMP "/bad.err"), 0);
}

/* A name that would put results/<name>.h5 outside results/ is bad input: exit 2 and
 * nothing written, neither the file nor results/. Run two levels down in a directory
 * of its own, where "../../escape" would land in TMP/escape/escape.h5. */
static void test_unsafe_name_writes_nothing(void **state) {
    (void)state;
    const char *cwd = TMP "/escape/a/b";
    assert_int_equal(sh("rm -rf " TMP "/escape && mkdir -p " TMP "/escape/a/b"), 0);
    tst_write_file(TMP "/escape/unsafe.yaml", "name: \"../../escape\"\ndays: 2\n"
                                              "org: {headcount: 8, warmup_days: 0}\n");
    tst_write_file(TMP "/escape/safe.yaml", "name: safe\ndays: 2\n"
                                            "org: {headcount: 8, warmup_days: 0}\n");
    const char *a[] = {TS_BINARY, "run", TMP "/escape/unsafe.yaml", "--quiet", NULL};
    assert_int_equal(tst_exec(a, cwd, TMP "/escape.out", TMP "/escape.err"), 2);
    assert_int_equal(sh("grep -q 'unsafe.yaml:1:7: name: not a safe file name (got "
                        "\"../../escape\"' " TMP "/escape.err"),
                     0);
    /* The same name given with --set. */
    const char *b[] = {TS_BINARY,           "run", TMP "/escape/safe.yaml", "--quiet", "--set",
                       "name=../../escape", NULL};
    assert_int_equal(tst_exec(b, cwd, TMP "/escape.out", TMP "/escape.err"), 2);
    assert_int_equal(
        sh("grep -q -- '--set name=../../escape: name: not a safe file name' " TMP "/escape.err"),
        0);
    assert_false(exists(TMP "/escape/a/escape.h5"));
    assert_false(exists(TMP "/escape/a/b/results"));
    assert_int_equal(sh("test -z \"$(find " TMP "/escape -name '*.h5')\""), 0);
}

static void test_info_lists_runs(void **state) {
    (void)state;
    tst_write_file(TMP "/small.yaml", SMALL);
    char *a[] = {TS_BINARY, "run", TMP "/small.yaml", "-o", TMP "/i.h5", "--force", NULL};
    assert_int_equal(run_argv(a, "i1"), 0);
    char *b[] = {TS_BINARY, "info", TMP "/i.h5", NULL};
    assert_int_equal(run_argv(b, "i2"), 0);
    assert_int_equal(sh("grep -q 'trust.capacity' " TMP "/i2.out"), 0);
    assert_int_equal(sh("grep -q 'headcount' " TMP "/i2.out"), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_give_identical_runs),
        cmocka_unit_test(test_threads_inside_a_run),
        cmocka_unit_test(test_force_and_existing_file),
        cmocka_unit_test(test_resume_equals_one_go),
        cmocka_unit_test(test_sigint_leaves_readable_file),
        cmocka_unit_test(test_bad_scenario_writes_nothing),
        cmocka_unit_test(test_info_lists_runs),
        cmocka_unit_test(test_unsafe_name_writes_nothing),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
