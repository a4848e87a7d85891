/* Results are never lost (docs/output.md, "What is guaranteed when something fails"),
 * through the binary: a full disk during a sweep, before the first run, under --force and
 * under `compare` (a small tmpfs in a private mount namespace where the machine allows
 * one; the file-size limit, which fails writes the same way, everywhere); a failure HDF5
 * meets itself, and the damaged file --resume copies the runs out of; --force while
 * another program reads the file or another run writes it; a second Ctrl-C. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_support.h"

#include <hdf5.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TMP TS_TEST_TMPDIR "/failures"

/* Twelve runs of about 200 kB each, quick to make. */
static const char *SWEEP = "name: sweep\ndays: 60\nreplicates: 12\n"
                           "org: {headcount: 60, warmup_days: 30}\n";

static int sh(const char *cmd) {
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static int exists(const char *path) {
    struct stat sb;
    return stat(path, &sb) == 0;
}

static int run_argv(const char *const argv[], const char *tag) {
    char out[512], errp[512];
    snprintf(out, sizeof out, TMP "/%s.out", tag);
    snprintf(errp, sizeof errp, TMP "/%s.err", tag);
    return tst_exec(argv, TS_SOURCE_DIR, out, errp);
}

static int file_has(const char *path, const char *text) {
    char *s = tst_slurp(path);
    int yes = strstr(s, text) != NULL;
    free(s);
    return yes;
}

/* A message for people: one reason, none of HDF5's internals. */
static void assert_plain_message(const char *err_path) {
    char *s = tst_slurp(err_path);
    assert_null(strstr(s, "errno ="));
    assert_null(strstr(s, "0x"));
    assert_null(strstr(s, "HDF5-DIAG"));
    assert_null(strstr(s, "Segmentation"));
    free(s);
}

/* The number in "runs: N complete" of `trustsim info`. */
static int complete_runs(const char *h5) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s info %s > %s/count.txt 2>&1", TS_BINARY, h5, TMP);
    if (sh(cmd) != 0) {
        return -1;
    }
    char *s = tst_slurp(TMP "/count.txt");
    const char *p = strstr(s, "runs: ");
    int n = p ? atoi(p + 6) : -1;
    free(s);
    return n;
}

static int setup(void **state) {
    (void)state;
    if (sh("rm -rf " TMP " && mkdir -p " TMP) != 0) {
        return -1;
    }
    tst_write_file(TMP "/sweep.yaml", SWEEP);
    const char *ref[] = {TS_BINARY,   "run",         TMP "/sweep.yaml",
                         "-o",        TMP "/ref.h5", "--quiet",
                         "--threads", "1",           NULL};
    return run_argv(ref, "ref") == 0 ? 0 : -1;
}

/* ---- A full disk, in a private mount namespace -------------------------------------- */

/* The script runs as root of its own mount namespace: each step's exit code goes to
 * OUT/NAME.rc, its stderr to OUT/NAME.err. Exit 77: no tmpfs here. */
static const char *TMPFS_SCRIPT =
    "T=$1; S=$2; D=$3; O=$4; SUPP=$5\n"
    "step() { name=$1; shift; \"$@\" > \"$O/$name.out\" 2> \"$O/$name.err\"; "
    "echo $? > \"$O/$name.rc\"; }\n"
    "fill() { dd if=/dev/zero of=\"$D/fill\" bs=4096 > /dev/null 2>&1; }\n"
    "mkdir -p \"$D\" && mount -t tmpfs -o size=1200k tmpfs \"$D\" || exit 77\n"
    /* A disk already full: no file is made, and none is left to block the next run. */
    "fill\n"
    "step early \"$T\" run \"$S\" -o \"$D/early.h5\" --quiet --threads 1\n"
    "ls \"$D\" > \"$O/early.ls\"\n"
    "rm -f \"$D/fill\"\n"
    /* Full half-way through a sweep. */
    "step sweep \"$T\" run \"$S\" -o \"$D/a.h5\" --quiet --threads 1\n"
    "\"$T\" info \"$D/a.h5\" > \"$O/sweep.info\" 2>&1\n"
    "fill\n"
    "h5dump \"$D/a.h5\" > \"$O/a.before\" 2>&1\n"
    /* compare and --force on the full disk leave the file as it was. */
    "step compare \"$T\" compare \"$D/a.h5\"\n"
    "step force \"$T\" run \"$S\" -o \"$D/a.h5\" --quiet --threads 1 --force --set days=50\n"
    "ls \"$D\" > \"$O/force.ls\"\n"
    "h5dump \"$D/a.h5\" > \"$O/a.after\" 2>&1\n"
    /* Room again: --resume finishes the sweep, compare writes its summary. */
    "rm -f \"$D/fill\"\n"
    "mount -o remount,size=64m \"$D\"\n"
    "step resume \"$T\" run \"$S\" -o \"$D/a.h5\" --quiet --threads 1 --resume\n"
    "step compare2 \"$T\" compare \"$D/a.h5\"\n"
    "cp \"$D/a.h5\" \"$O/resumed.h5\"\n"
    /* HDF5 meeting the full disk itself (no room claimed first): no crash; --resume copies
     * the whole runs out of whatever the failure left. */
    "rm -f \"$D\"/*\n"
    "mount -o remount,size=1200k \"$D\" || exit 1\n"
    "export TRUSTSIM_TEST_NO_RESERVE=1 LSAN_OPTIONS=suppressions=$SUPP\n"
    "step raw \"$T\" run \"$S\" -o \"$D/b.h5\" --quiet --threads 1\n"
    "unset TRUSTSIM_TEST_NO_RESERVE LSAN_OPTIONS\n"
    "mount -o remount,size=64m \"$D\"\n"
    "step salvage \"$T\" run \"$S\" -o \"$D/b.h5\" --quiet --threads 1 --resume\n"
    "cp \"$D/b.h5\" \"$O/salvaged.h5\"\n"
    "exit 0\n";

static int rc_of(const char *name) {
    char path[512];
    snprintf(path, sizeof path, TMP "/%s.rc", name);
    char *s = tst_slurp(path);
    int rc = atoi(s);
    free(s);
    return rc;
}

static void test_full_disk(void **state) {
    (void)state;
    tst_write_file(TMP "/tmpfs.sh", TMPFS_SCRIPT);
    /* Root may make a mount namespace; anyone may where user namespaces are allowed. */
    const char *how = sh("unshare -m true 2> /dev/null") == 0    ? "unshare -m"
                      : sh("unshare -rm true 2> /dev/null") == 0 ? "unshare -rm"
                                                                 : NULL;
    if (!how) {
        print_message("no mount namespace on this machine: the file-size-limit tests stand in\n");
        skip();
    }
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "%s --propagation private sh %s/tmpfs.sh %s %s/sweep.yaml %s/mnt %s "
             "%s/tests/integration/hdf5_unclosed.supp",
             how, TMP, TS_BINARY, TMP, TMP, TMP, TS_SOURCE_DIR);
    int rc = sh(cmd);
    if (rc == 77) {
        print_message("tmpfs cannot be mounted here: the file-size-limit tests stand in\n");
        skip();
    }
    assert_int_equal(rc, 0);

    /* Already full: exit 1, the system's reason, no file left behind. */
    assert_int_equal(rc_of("early"), 1);
    assert_true(file_has(TMP "/early.err", "No space left on device"));
    assert_plain_message(TMP "/early.err");
    assert_false(file_has(TMP "/early.ls", "early.h5"));

    /* Full half-way: exit 1 with one clear message saying what is safe, runs readable. */
    assert_int_equal(rc_of("sweep"), 1);
    assert_true(file_has(TMP "/sweep.err", "No space left on device"));
    assert_true(file_has(TMP "/sweep.err", "--resume"));
    assert_plain_message(TMP "/sweep.err");
    assert_true(file_has(TMP "/sweep.info", "complete"));
    assert_false(file_has(TMP "/sweep.info", "runs: 0 complete"));

    /* compare and --force on the full disk: exit 1, the file unchanged to the byte. */
    assert_int_equal(rc_of("compare"), 1);
    assert_true(file_has(TMP "/compare.err", "No space left on device"));
    assert_plain_message(TMP "/compare.err");
    assert_int_equal(rc_of("force"), 1);
    assert_plain_message(TMP "/force.err");
    assert_false(file_has(TMP "/force.ls", "partial"));
    assert_int_equal(sh("cmp -s " TMP "/a.before " TMP "/a.after"), 0);

    /* Room again: the sweep finishes, equal to one made in one go, and compare works. */
    assert_int_equal(rc_of("resume"), 0);
    assert_int_equal(rc_of("compare2"), 0);
    assert_true(tst_same_runs(TMP "/ref.h5", TMP "/resumed.h5", 12));

    /* HDF5's own failure: exit 1, not a crash; the resume copies out the whole runs. */
    assert_int_equal(rc_of("raw"), 1);
    assert_true(file_has(TMP "/raw.err", "No space left on device"));
    assert_plain_message(TMP "/raw.err");
    assert_int_equal(rc_of("salvage"), 0);
    assert_true(tst_same_runs(TMP "/ref.h5", TMP "/salvaged.h5", 12));
}

/* ---- The same failures under the file-size limit (runs everywhere) -------------------- */

static int run_limited(const char *const argv[], uint64_t bytes, const char *tag) {
    char out[512], errp[512];
    snprintf(out, sizeof out, TMP "/%s.out", tag);
    snprintf(errp, sizeof errp, TMP "/%s.err", tag);
    return tst_exec_limited(argv, TS_SOURCE_DIR, out, errp, bytes);
}

static void test_file_size_limit(void **state) {
    (void)state;
    const char *path = TMP "/limited.h5";
    unlink(path);
    const char *run[] = {TS_BINARY, "run", TMP "/sweep.yaml", "-o", path, "--quiet", "--threads",
                         "1",       NULL};
    /* Too small for the header: nothing is left behind. */
    assert_int_equal(run_limited(run, 8192, "lim0"), 1);
    assert_true(file_has(TMP "/lim0.err", strerror(EFBIG)));
    assert_plain_message(TMP "/lim0.err");
    assert_false(exists(path));

    /* Room for a few runs: exit 1 naming what is safe; those runs are readable. */
    assert_int_equal(run_limited(run, 1000 * 1024, "lim1"), 1);
    assert_true(file_has(TMP "/lim1.err", strerror(EFBIG)));
    assert_true(file_has(TMP "/lim1.err", "--resume"));
    assert_plain_message(TMP "/lim1.err");
    int n = complete_runs(path);
    assert_true(n >= 1 && n < 12);

    /* No room for the summary either: compare fails and changes nothing. */
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sh("h5dump " TMP "/limited.h5 > " TMP "/lim.before"), 0);
    const char *cmp[] = {TS_BINARY, "compare", path, NULL};
    assert_int_equal(run_limited(cmp, (uint64_t)sb.st_size + 100, "lim2"), 1);
    assert_plain_message(TMP "/lim2.err");
    assert_int_equal(sh("h5dump " TMP "/limited.h5 > " TMP "/lim.after"), 0);
    assert_int_equal(sh("cmp -s " TMP "/lim.before " TMP "/lim.after"), 0);

    /* Without a limit the sweep finishes, equal to one made in one go. */
    const char *resume[] = {TS_BINARY, "run",     TMP "/sweep.yaml", "-o",
                            path,      "--quiet", "--resume",        NULL};
    assert_int_equal(run_argv(resume, "lim3"), 0);
    assert_true(tst_same_runs(TMP "/ref.h5", path, 12));
}

/* ---- Other programs at the same file --------------------------------------------------- */

/* --force while a reader has the file open: the reader keeps the old results, the new
 * ones take the name (before: the file was truncated under the reader, then the run
 * failed to lock it and wrote nothing). */
static void test_force_with_a_reader(void **state) {
    (void)state;
    const char *path = TMP "/read.h5";
    assert_int_equal(sh("cp " TMP "/ref.h5 " TMP "/read.h5"), 0);
    hid_t reader = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(reader >= 0);
    const char *run[] = {TS_BINARY, "run",     TMP "/sweep.yaml", "-o",           path,
                         "--quiet", "--force", "--set",           "replicates=2", NULL};
    assert_int_equal(run_argv(run, "reader"), 0);
    hid_t runs = H5Gopen2(reader, "runs", H5P_DEFAULT);
    H5G_info_t info;
    assert_true(H5Gget_info(runs, &info) >= 0);
    assert_int_equal(info.nlinks, 12);
    H5Gclose(runs);
    H5Fclose(reader);
    assert_int_equal(complete_runs(path), 2);
    assert_false(exists(TMP "/read.h5.partial"));
}

static pid_t start(const char *const argv[], const char *err_path) {
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (e < 0 || dup2(e, 2) < 0) {
            _exit(127);
        }
        execv(argv[0], (char *const *)(uintptr_t)argv);
        _exit(127);
    }
    return pid;
}

static void wait_for(const char *path) {
    struct timespec ts = {0, 50 * 1000 * 1000};
    for (int i = 0; i < 600 && !exists(path); i++) {
        nanosleep(&ts, NULL);
    }
    assert_true(exists(path));
}

static int wait_exit(pid_t pid) {
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* A second run with --force (or --resume) while another writes the file: refused with
 * exit 1, and the first finishes a whole file (before: the second truncated it). */
static void test_concurrent_writer(void **state) {
    (void)state;
    const char *path = TMP "/busy.h5";
    unlink(path);
    const char *first[] = {TS_BINARY, "run",           TMP "/sweep.yaml", "-o", path, "--quiet",
                           "--set",   "replicates=60", "--threads",       "1",  NULL};
    pid_t pid = start(first, TMP "/busy1.err");
    wait_for(path);
    const char *force[] = {TS_BINARY, "run",     TMP "/sweep.yaml", "-o",
                           path,      "--quiet", "--force",         NULL};
    assert_int_equal(run_argv(force, "busy2"), 1);
    assert_true(file_has(TMP "/busy2.err", "being written by another process"));
    const char *resume[] = {TS_BINARY, "run",   TMP "/sweep.yaml", "-o",       path,
                            "--quiet", "--set", "replicates=60",   "--resume", NULL};
    assert_int_equal(run_argv(resume, "busy3"), 1);
    assert_true(file_has(TMP "/busy3.err", "being written by another process"));
    assert_int_equal(wait_exit(pid), 0);
    assert_int_equal(complete_runs(path), 60);
}

/* ---- Ctrl-C twice ------------------------------------------------------------------------ */

/* A second Ctrl-C stops the run in flight at the end of its day (before: it ran to its
 * end), leaving a file with no run half-written, which --resume can finish. */
static void test_second_ctrl_c(void **state) {
    (void)state;
    const char *path = TMP "/long.h5";
    unlink(path);
    /* About 5 s a run in a release build on one thread (much longer under sanitizers). */
    tst_write_file(TMP "/long.yaml", "name: long\ndays: 600\nreplicates: 2\n"
                                     "org: {headcount: 5000, warmup_days: 0}\n"
                                     "output: {snapshot_every: 0}\n");
    const char *run[] = {TS_BINARY, "run", TMP "/long.yaml", "-o", path, "--quiet", "--threads",
                         "1",       NULL};
    pid_t pid = start(run, TMP "/long.err");
    wait_for(path);
    struct timespec pause = {0, 300 * 1000 * 1000};
    nanosleep(&pause, NULL);
    kill(pid, SIGINT);
    nanosleep(&pause, NULL);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    kill(pid, SIGINT);
    assert_int_equal(wait_exit(pid), 1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double took = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    assert_true(took < 2.0);
    assert_true(file_has(TMP "/long.err", "Ctrl-C again"));
    assert_true(file_has(TMP "/long.err", "--resume"));
    assert_int_equal(complete_runs(path), 0);
    /* Nothing half-written: every group in the file reads. */
    assert_int_equal(sh("h5dump -H " TMP "/long.h5 > /dev/null"), 0);
    assert_int_equal(sh("h5ls " TMP "/long.h5/runs | wc -l | grep -qx 0"), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_disk),           cmocka_unit_test(test_file_size_limit),
        cmocka_unit_test(test_force_with_a_reader), cmocka_unit_test(test_concurrent_writer),
        cmocka_unit_test(test_second_ctrl_c),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
