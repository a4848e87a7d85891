/* Saved states through the binary (sim/core/checkpoint.c, sim/h5/checkpoint_h5.c,
 * sim/app/runner.c): a run continued from its own checkpoint with the scenario unchanged is the
 * uninterrupted run, bit for bit (h5diff; eleven tactics, an incident, two seeds, days 0 and
 * mid-run, 1 and 2 threads); a branched sweep's arms share their rows up to the branch day and each
 * replicate's history is simulated once (the days simulated), on 1 and 2 threads, resumed, and over
 * MPI as in one process; bad input (a file without that run or day, another version,
 * domain list, module schema or organisation, a sweep key that acts before the branch,
 * missing --run/--day) exits 2 and writes nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define TMP TS_TEST_TMPDIR "/checkpoint"

/* Many modules on: every tactic but repair's culture default, an incident after the
 * checkpoints' days and one before the last. */
static const char *TACTICS =
    "name: ck\ndays: 90\ndomains: [design, roadmap, people, debugging]\n"
    "org: {headcount: 70, span_of_control: 6, warmup_days: 40, departments: [tech, biz], "
    "department_split: [[0.5, 0.3], [1, 0.8]], cross_department_prior: 0.3}\n"
    "hiring: {growth: exponential, annual_rate: 1.5, ramp_days: 30}\n"
    "work: {control_gates: {enabled: true}, raise_early: 0.1}\n"
    "culture: {safety: 0.6, blame: 0.2}\n"
    "population: {ai: {per_team: 1, hallucination: 0.1, admits_uncertainty: 0.5}}\n"
    "events:\n"
    "  - {day: 20, kind: incident, domain: debugging, work_hours: 600, responders: 12, "
    "workstreams: 4}\n"
    "  - {day: 60, kind: incident, domain: design, work_hours: 400, responders: 8, workstreams: "
    "3}\n"
    "output: {snapshot_every: 25, snapshot_agents: 40, checkpoints: [0, 35]}\n"
    "tactics:\n"
    "  one_on_ones: {}\n  feedback: {}\n  broadcast: {}\n  trial_tasks: {}\n"
    "  status_updates: {}\n  inspection_forums: {}\n  coffee_chats: {}\n"
    "  transitive_trust: {}\n  ask_for_help: {}\n  onboarding: {}\n  offsites: {}\n"
    "  repair: {}\n  understanding: {}\n  shared_goals: {}\n";

/* Arms that differ in a tactic, one switched on at the branch, one off. */
static const char *BRANCHED = "name: br\nseed: 5\ndays: 70\nreplicates: 3\nbranch_day: 30\n"
                              "org: {headcount: 60, warmup_days: 40}\n"
                              "hiring: {growth: exponential, annual_rate: 1}\n"
                              "output: {snapshot_every: 20, snapshot_agents: 30, "
                              "checkpoints: [10, 50]}\n"
                              "tactics: {feedback: {}}\n"
                              "sweep:\n  variants:\n    - name: none\n"
                              "    - {name: one_on_ones, tactics.one_on_ones: {}}\n"
                              "    - {name: no_feedback, tactics.feedback: {enabled: false}}\n"
                              "    - {name: coffee, tactics.coffee_chats: {}}\n";

static int sh(const char *cmd) {
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int setup(void **state) {
    (void)state;
    if (sh("rm -rf " TMP " && mkdir -p " TMP) != 0) {
        return -1;
    }
    tst_write_file(TMP "/tactics.yaml", TACTICS);
    tst_write_file(TMP "/branched.yaml", BRANCHED);
    return 0;
}

static int run(const char *args, const char *tag) {
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s run %s --quiet > %s/%s.out 2> %s/%s.err", TS_BINARY, args, TMP,
             tag, TMP, tag);
    return sh(cmd);
}

static void test_continued_equals_uninterrupted(void **state) {
    (void)state;
    char args[1024], full[256], cont[256];
    for (int seed = 1; seed <= 2; seed++) {
        snprintf(full, sizeof full, TMP "/full%d.h5", seed);
        snprintf(args, sizeof args, "%s/tactics.yaml --seed %d -o %s --threads 1 --force", TMP,
                 seed, full);
        assert_int_equal(run(args, "full"), 0);
        const int days[] = {0, 35};
        for (int d = 0; d < 2; d++) {
            for (int threads = 1; threads <= 2; threads++) {
                snprintf(cont, sizeof cont, TMP "/cont%d_%d_%d.h5", seed, days[d], threads);
                snprintf(args, sizeof args,
                         "%s/tactics.yaml --seed %d -o %s --threads %d --force --from %s --run 0 "
                         "--day %d",
                         TMP, seed, cont, threads, full, days[d]);
                assert_int_equal(run(args, "cont"), 0);
                if (!tst_same_runs(full, cont, 1)) {
                    fail_msg("seed %d, continued from day %d on %d threads: not the same run", seed,
                             days[d], threads);
                }
            }
        }
    }
    /* The continued run says so; its checkpoints are those of the uninterrupted run. */
    char *err = tst_tagged_output(TMP, "cont", "err");
    assert_non_null(strstr(err, "continued from day 35"));
    free(err);
    assert_int_equal(sh("h5ls " TMP "/cont2_35_2.h5/runs/r000000/checkpoints | grep -c '^d0000' "
                        "| grep -qx 2"),
                     0);
    /* `trustsim info` names the saved days in one line instead of listing their datasets. */
    assert_int_equal(sh(TS_BINARY " info " TMP "/cont2_35_2.h5 > " TMP "/info.out"), 0);
    char *info = tst_slurp(TMP "/info.out");
    assert_non_null(strstr(info, "checkpoints (saved states; trustsim run --from): day 0, 35 ("));
    assert_null(strstr(info, "\n  checkpoints/"));
    free(info);
}

/* Bad input: exit 2, a message naming the problem, nothing written. */
static void refused(const char *args, const char *expect) {
    char cmd[2048];
    sh("rm -f " TMP "/bad.h5");
    snprintf(cmd, sizeof cmd, "%s -o %s/bad.h5", args, TMP);
    assert_int_equal(run(cmd, "bad"), 2);
    char *err = tst_tagged_output(TMP, "bad", "err");
    if (!strstr(err, expect)) {
        fail_msg("`%s`: expected \"%s\" in:\n%s", args, expect, err);
    }
    free(err);
    assert_false(tst_exists(TMP "/bad.h5"));
}

static void test_bad_input(void **state) {
    (void)state;
    char args[1024];
    const char *full = TMP "/full1.h5";
    if (!tst_exists(full)) {
        snprintf(args, sizeof args, "%s/tactics.yaml --seed 1 -o %s --force", TMP, full);
        assert_int_equal(run(args, "full"), 0);
    }
    snprintf(args, sizeof args, "%s/tactics.yaml --seed 1 --from %s --run 3 --day 35", TMP, full);
    refused(args, "no complete run 3");
    snprintf(args, sizeof args, "%s/tactics.yaml --seed 1 --from %s --run 0 --day 20", TMP, full);
    refused(args, "no checkpoint of day 20 (expected one of its checkpoint days: 0, 35");
    snprintf(args, sizeof args, "%s/tactics.yaml --from %s/missing.h5 --run 0 --day 0", TMP, TMP);
    refused(args, "cannot read the results file");
    snprintf(args, sizeof args, "%s/tactics.yaml --from %s --run 0", TMP, full);
    refused(args, "--from needs --run N and --day D (missing --day)");
    snprintf(args, sizeof args, "%s/tactics.yaml --from %s --day 0", TMP, full);
    refused(args, "missing --run");
    snprintf(args, sizeof args, "%s/tactics.yaml --run 0 --day 0", TMP);
    refused(args, "--run needs --from");
    /* Another domain list, another organisation at creation. */
    snprintf(args, sizeof args,
             "%s/tactics.yaml --from %s --run 0 --day 35 --set 'domains=[design, roadmap, "
             "people, ops]' --set 'events=[]'",
             TMP, full);
    refused(args, "domains [design, roadmap, people, debugging] (expected the scenario's");
    snprintf(args, sizeof args, "%s/tactics.yaml --from %s --run 0 --day 35 --set org.headcount=90",
             TMP, full);
    refused(args, "org.headcount 70");
    /* A sweep continues the state at every grid point, but a saved state is one history. */
    snprintf(args, sizeof args, "%s/tactics.yaml --from %s --run 0 --day 35 --replicates 2", TMP,
             full);
    refused(args, "replicates: not with --from");
    snprintf(args, sizeof args, "%s/tactics.yaml --from %s --run 0 --day 35 --set branch_day=5",
             TMP, full);
    refused(args, "branch_day: not with --from");
    /* Another version, another module schema: the file edited with h5py. */
    assert_int_equal(sh("cp " TMP "/full1.h5 " TMP "/oldver.h5 && cp " TMP "/full1.h5 " TMP
                        "/schema.h5 && /usr/bin/python3 -c \"import h5py; "
                        "f = h5py.File('" TMP "/oldver.h5', 'r+'); "
                        "f['runs/r000000/checkpoints/d000035'].attrs['trustsim_version'] = "
                        "'0.0.1'; f.close(); g = h5py.File('" TMP "/schema.h5', 'r+'); "
                        "del g['runs/r000000/checkpoints/d000035/modules/work/debt']; "
                        "g['runs/r000000/checkpoints/d000035/modules/offsites/extra'] = [1]; "
                        "g.close()\""),
                     0);
    snprintf(args, sizeof args, "%s/tactics.yaml --seed 1 --from %s/oldver.h5 --run 0 --day 35",
             TMP, TMP);
    refused(args, "was made by trustsim 0.0.1");
    snprintf(args, sizeof args, "%s/tactics.yaml --seed 1 --from %s/schema.h5 --run 0 --day 35",
             TMP, TMP);
    refused(args, "has no modules/work/debt");
    /* Nor is an existing file touched: without --force it is refused first, and a refused
     * --from leaves it as it was. */
    assert_int_equal(
        sh("cp " TMP "/full1.h5 " TMP "/keep.h5 && cp " TMP "/keep.h5 " TMP "/keep0.h5"), 0);
    snprintf(args, sizeof args,
             "%s/tactics.yaml --from %s/schema.h5 --run 0 --day 35 -o %s/keep.h5 --force", TMP, TMP,
             TMP);
    assert_int_equal(run(args, "keep"), 2);
    assert_int_equal(sh("cmp -s " TMP "/keep.h5 " TMP "/keep0.h5"), 0);
}

/* The days the summary line says were simulated. */
static long days_simulated(const char *tag) {
    char *err = tst_tagged_output(TMP, tag, "err");
    const char *p = strstr(err, "shared histor");
    p = p ? strchr(p, ',') : NULL;
    long n = p ? strtol(p + 1, NULL, 10) : -1;
    free(err);
    return n;
}

static void test_branched_sweep(void **state) {
    (void)state;
    assert_int_equal(run(TMP "/branched.yaml -o " TMP "/b1.h5 --threads 1 --force", "b1"), 0);
    assert_int_equal(run(TMP "/branched.yaml -o " TMP "/b2.h5 --threads 2 --force", "b2"), 0);
    assert_true(tst_same_runs(TMP "/b1.h5", TMP "/b2.h5", 12));
    /* Each replicate's history once (40 warm-up days + 30), each arm from there (70 - 30):
     * 3 x 70 + 12 x 40 = 690 days, against 12 x 110 = 1320 without branching. */
    assert_int_equal(days_simulated("b1"), 3 * 70 + 12 * 40);
    assert_int_equal(days_simulated("b2"), 3 * 70 + 12 * 40);
    /* Every arm's rows up to day 30 are its replicate's; after it they part (the tactics
     * act), except metrics a switched-on module had not recorded (NaN before the branch). */
    assert_int_equal(
        sh("/usr/bin/python3 -c \"\n"
           "import h5py, numpy as np, sys\n"
           "F = h5py.File('" TMP "/b1.h5')\n"
           "ok = True\n"
           "for r in range(3):\n"
           "    runs = [F['runs/r%06d' % (r * 4 + g)] for g in range(4)]\n"
           "    for g in range(1, 4):\n"
           "        for k in runs[0]['metrics']:\n"
           "            if k in runs[g]['metrics']:\n"
           "                ok &= np.array_equal(runs[0]['metrics'][k][:31], "
           "runs[g]['metrics'][k][:31], equal_nan=True)\n"
           "        ok &= not np.array_equal(runs[0]['metrics/trust_mean'][31:], "
           "runs[g]['metrics/trust_mean'][31:])\n"
           "        ok &= sorted(runs[g]['checkpoints']) == ['d000010', 'd000050']\n"
           "    h = runs[1]['metrics/one_on_ones_held'][()]\n"
           "    ok &= bool(np.isnan(h[:31]).all() and (h[31:] > 0).any())\n"
           "    ok &= runs[0]['metrics/trust_mean'][30] != F['runs/r%06d' % (((r + 1) % 3) * "
           "4)]['metrics/trust_mean'][30]\n"
           "sys.exit(0 if ok else 1)\""),
        0);
    /* compare pairs the arms by replicate and says so. */
    assert_int_equal(sh(TS_BINARY " compare " TMP "/b1.h5 > " TMP "/cmp.out 2>&1"), 0);
    assert_int_equal(sh("grep -q 'paired comparison' " TMP "/cmp.out"), 0);
    /* ...and says why: the arms share each replicate's history up to the branch day. */
    assert_int_equal(sh("grep -q \"history up to day 30 (branch_day)\" " TMP "/cmp.out"), 0);
}

static void test_branched_resume(void **state) {
    (void)state;
    if (!tst_exists(TMP "/b1.h5")) {
        assert_int_equal(run(TMP "/branched.yaml -o " TMP "/b1.h5 --threads 1 --force", "b1"), 0);
    }
    /* Two replicates first, then the third added by --resume. */
    assert_int_equal(
        run(TMP "/branched.yaml -o " TMP "/r.h5 --threads 2 --force --replicates 2", "r2"), 0);
    assert_int_equal(run(TMP "/branched.yaml -o " TMP "/r.h5 --threads 2 --resume", "r3"), 0);
    assert_true(tst_same_runs(TMP "/b1.h5", TMP "/r.h5", 12));
    assert_int_equal(days_simulated("r3"), 70 + 4 * 40);
}

static void test_branch_refusals(void **state) {
    (void)state;
    refused(TMP "/branched.yaml --set 'sweep={org.headcount: [60, 80]}'",
            "org.headcount differs at grid point 1");
    refused(TMP "/branched.yaml --set 'sweep={seed: [1, 2]}'",
            "seed differs at grid point 0 (got 1, expected 5");
    refused(TMP "/branched.yaml --set branch_day=70", "branch_day: day out of range");
    refused(TMP "/branched.yaml --set 'output.checkpoints=[5, 80]'",
            "output.checkpoints: day out of range (got 80");
    refused(TMP "/branched.yaml --set 'output.checkpoints=[five]'", "not an integer");
    /* Every grid point is valid, but the base that runs the shared history is not. */
    refused(TMP "/branched.yaml --set trust.review_threshold=0.7 "
                "--set 'sweep={trust.delegate_threshold: [0.8, 0.9]}'",
            "must not exceed trust.delegate_threshold (got 0.7, expected <= 0.6) (in the sweep's "
            "base: with branch_day");
}

/* Over MPI (when this build and machine have it): the same file as one process. */
static void test_branched_mpi(void **state) {
    (void)state;
#ifdef TS_HAVE_MPI
    setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
    setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
    setenv("OMPI_MCA_btl", "self,vader", 1);
    if (sh("command -v mpirun > /dev/null 2>&1") != 0 ||
        sh("mpirun -n 2 --oversubscribe true > " TMP "/probe.log 2>&1") != 0) {
        print_message("mpirun cannot start two processes here: skipped\n");
        skip();
    }
    if (!tst_exists(TMP "/b1.h5")) {
        assert_int_equal(run(TMP "/branched.yaml -o " TMP "/b1.h5 --threads 1 --force", "b1"), 0);
    }
    /* Open MPI leaks at MPI_Init and MPI_Finalize: no leak check of the ranks (as
     * integration/test_mpi); the runner's code is leak-checked in one process above. */
    assert_int_equal(sh("ASAN_OPTIONS=detect_leaks=0 mpirun -n 3 --oversubscribe " TS_BINARY
                        " run " TMP "/branched.yaml -o " TMP "/bm.h5 --force --quiet 2> " TMP
                        "/bm.err"),
                     0);
    assert_true(tst_same_runs(TMP "/b1.h5", TMP "/bm.h5", 12));
    assert_int_equal(sh("grep -q '3 shared histories) on 3 MPI ranks' " TMP "/bm.err"), 0);
#else
    skip();
#endif
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_continued_equals_uninterrupted),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_branched_sweep),
        cmocka_unit_test(test_branched_resume),
        cmocka_unit_test(test_branch_refusals),
        cmocka_unit_test(test_branched_mpi),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
