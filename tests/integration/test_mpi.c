/* Sweeps over MPI through the binary (sim/app/mpi_runner.c): `mpirun -n 3` writes the same
 * runs as one process on one thread (h5diff), and a job killed midway, then resumed
 * under MPI, equals the uninterrupted file. Skipped in a build without MPI or where
 * mpirun is missing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_support.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TMP TS_TEST_TMPDIR "/mpi"

/* Two grid points x 7 replicates, runs of different lengths. */
static const char *SWEEP = "name: mpi\ndays: 60\nreplicates: 7\n"
                           "org: {headcount: 80, warmup_days: 20}\n"
                           "output: {snapshot_every: 30, snapshot_agents: 20}\n"
                           "sweep: {org.headcount: [40, 120]}\n";

/* Enough runs that a kill lands in the middle: the job must outlast the polls below by far
 * (30 such runs took 0.8 s on 3 ranks once runs got faster, and a kill could come after the
 * last one). Under AddressSanitizer a run takes five times as long: 32 runs still outlast
 * the polls (the kill came after 7 to 11 of 20 there, with another test running), and the
 * test does not simulate runs it never looks at. */
#if defined(__SANITIZE_ADDRESS__)
#define LONG_RUNS 32
#else
#define LONG_RUNS 80
#endif

static int sh(const char *cmd) {
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

/* A build with MPI and a launcher that can start two processes here (a container may
 * lack what Open MPI needs; that is the machine's, not trustsim's, and is said so). */
static int have_mpi(void) {
#ifdef TS_HAVE_MPI
    static int ok = -1;
    if (ok < 0) {
        ok = sh("command -v mpirun > /dev/null 2>&1") == 0 &&
             sh("mpirun -n 2 --oversubscribe true > " TMP "/probe.log 2>&1") == 0;
        if (!ok) {
            print_message("mpirun cannot start two processes on this machine (see %s): "
                          "skipped\n",
                          TMP "/probe.log");
        }
    }
    return ok;
#else
    return 0;
#endif
}

static const char *MPIRUN = "mpirun -n 3 --oversubscribe";

static int setup(void **state) {
    (void)state;
    /* In CI, as in this sandbox, the tests may run as root. */
    setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
    setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
    /* Keep Open MPI on this machine: no network interfaces to probe. */
    setenv("OMPI_MCA_btl", "self,vader", 1);
    if (sh("rm -rf " TMP " && mkdir -p " TMP) != 0) {
        return -1;
    }
    tst_write_file(TMP "/sweep.yaml", SWEEP);
    char long_yaml[256];
    snprintf(long_yaml, sizeof long_yaml,
             "name: mpilong\ndays: 120\nreplicates: %d\n"
             "org: {headcount: 300, warmup_days: 30}\noutput: {snapshot_every: 0}\n",
             LONG_RUNS);
    tst_write_file(TMP "/long.yaml", long_yaml);
    return 0;
}

static void test_same_file_as_one_process(void **state) {
    (void)state;
    if (!have_mpi()) {
        skip();
    }
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "%s run %s/sweep.yaml -o %s/one.h5 --quiet --threads 1 --force 2> %s/one.err",
             TS_BINARY, TMP, TMP, TMP);
    assert_int_equal(sh(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s %s run %s/sweep.yaml -o %s/many.h5 --force 2> %s/many.err",
             MPIRUN, TS_BINARY, TMP, TMP, TMP);
    assert_int_equal(sh(cmd), 0);
    assert_true(tst_same_runs(TMP "/one.h5", TMP "/many.h5", 14));
    assert_int_equal(sh("h5diff -q " TMP "/one.h5 " TMP "/many.h5 /sweep /sweep"), 0);
    /* One summary line, from rank 0, saying it ran on MPI. */
    assert_int_equal(sh("grep -c 'on 3 MPI ranks' " TMP "/many.err | grep -qx 1"), 0);
}

static int complete_runs(const char *h5) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s info %s 2> /dev/null | sed -n 's/^runs: \\([0-9]*\\).*/\\1/p'",
             TS_BINARY, h5);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p) {
        if (fscanf(p, "%d", &n) != 1) {
            n = -1;
        }
        pclose(p);
    }
    return n;
}

static void test_killed_then_resumed(void **state) {
    (void)state;
    if (!have_mpi()) {
        skip();
    }
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "%s run %s/long.yaml -o %s/ref.h5 --quiet --threads 1 --force 2> /dev/null", TS_BINARY,
             TMP, TMP);
    assert_int_equal(sh(cmd), 0);
    unlink(TMP "/killed.h5");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        setpgid(0, 0); /* mpirun and its ranks in one group, to kill together */
        snprintf(cmd, sizeof cmd, "exec %s %s run %s/long.yaml -o %s/killed.h5 --quiet", MPIRUN,
                 TS_BINARY, TMP, TMP);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    setpgid(pid, pid);
    /* Kill the whole job once a few runs are in the file. */
    struct timespec pause = {0, 50 * 1000 * 1000};
    int n = 0;
    for (int i = 0; i < 1200 && n < 3; i++) {
        nanosleep(&pause, NULL);
        n = complete_runs(TMP "/killed.h5");
    }
    kill(-pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    /* Ranks orphaned by the kill abort a moment later (they lose mpirun): wait until
     * none holds the file's lock any more (HDF5 locks with flock). */
    for (int i = 0; i < 400 && sh("flock -n " TMP "/killed.h5 true") != 0; i++) {
        nanosleep(&pause, NULL);
    }
    n = complete_runs(TMP "/killed.h5");
    print_message("killed with %d of %d runs written\n", n, LONG_RUNS);
    assert_true(n >= 3 && n < LONG_RUNS);

    snprintf(cmd, sizeof cmd, "%s %s run %s/long.yaml -o %s/killed.h5 --quiet --resume", MPIRUN,
             TS_BINARY, TMP, TMP);
    assert_int_equal(sh(cmd), 0);
    assert_true(tst_same_runs(TMP "/ref.h5", TMP "/killed.h5", LONG_RUNS));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_file_as_one_process),
        cmocka_unit_test(test_killed_then_resumed),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
