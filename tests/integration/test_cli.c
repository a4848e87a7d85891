/* Integration tests of sim/app/cli.c: the trustsim binary run as a child process (exit
 * codes, stdout, stderr, files left behind), plus ts_cli_load_scenario in-process. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_support.h"

#include "cli.h"
#include "scenario.h"
#include "status.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define TMP TS_TEST_TMPDIR "/cli"
#define BAD_SCENARIO TMP "/file.yaml"
/* Valid, no tactics on. */
#define GOOD_SCENARIO TMP "/good.yaml"

/* `trustsim compare` on a results file that is not there is bad input (exit 2); its
 * statistics are tested in tests/integration/test_compare.c. */
#define COMPARE_MISSING_EXIT 2
#define COMPARE_MISSING_MESSAGE "any.h5: cannot read the results file"

typedef struct cli_result {
    int code;
    char *out;
    char *err;
} cli_result;

static int file_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

/* Runs TS_BINARY with args (NULL-terminated, without argv[0]) in cwd (NULL: the
 * current directory), stdin from /dev/null, stdout into out_path (NULL: a file read
 * back into the result), stderr into a file read back. */
static cli_result run_cli_to(const char *cwd, const char *out_path, const char *const *args) {
    const char *argv[64];
    const char *out_file = out_path ? out_path : TMP "/stdout.txt";
    const char *err_file = TMP "/stderr.txt";
    cli_result r = {-1, NULL, NULL};
    size_t n = 0;
    argv[n++] = TS_BINARY;
    while (args[n - 1]) {
        assert_true(n < 63);
        argv[n] = args[n - 1];
        n++;
    }
    argv[n] = NULL;

    r.code = tst_exec(argv, cwd, out_file, err_file);
    assert_true(r.code >= 0 && r.code < 128); /* exited, not killed by a signal */
    r.out = out_path ? calloc(1, 1) : tst_slurp(out_file);
    r.err = tst_slurp(err_file);
    return r;
}

#define RUN_IN(cwd, ...) run_cli_to((cwd), NULL, (const char *const[]){__VA_ARGS__, NULL})
#define RUN(...) RUN_IN(NULL, __VA_ARGS__)

static void cli_result_free(cli_result *r) {
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

/* Prints what the child said when an expectation fails, then frees it and fails. */
static void expect(cli_result *r, int code, const char *in_err) {
    if (r->code != code || (in_err && !strstr(r->err, in_err))) {
        print_error("exit %d (expected %d)\n--- stdout:\n%s\n--- stderr:\n%s\n", r->code, code,
                    r->out, r->err);
        if (in_err) {
            print_error("expected in stderr: %s\n", in_err);
        }
        cli_result_free(r);
        fail();
    }
}

static size_t count_char(const char *s, char c) {
    size_t n = 0;
    for (; *s; s++) {
        n += *s == c;
    }
    return n;
}

/* The "# tactics on: ..." line of `check` output: must be the last line. */
static const char *tactics_line(const char *out) {
    const char *p = strstr(out, "# tactics on:");
    assert_non_null(p);
    const char *nl = strchr(p, '\n');
    assert_non_null(nl);
    assert_int_equal(nl[1], '\0');
    return p;
}

static int group_setup(void **state) {
    (void)state;
    if (mkdir(TMP, 0755) != 0 && errno != EEXIST) {
        return -1;
    }
    /* A probability out of range, on line 3, value at column 15. */
    FILE *f = fopen(BAD_SCENARIO, "w");
    if (!f) {
        return -1;
    }
    fputs("name: bad\ntrust:\n  prior_mean: 1.5\n", f);
    if (fclose(f) != 0) {
        return -1;
    }
    f = fopen(GOOD_SCENARIO, "w");
    if (!f) {
        return -1;
    }
    fputs("name: good\ntrust: {prior_mean: 0.3717}\n", f);
    return fclose(f) == 0 ? 0 : -1;
}

/* ---- top level ---------------------------------------------------------------------- */

static void test_help_and_version(void **state) {
    (void)state;
    cli_result r = RUN("--help");
    expect(&r, 0, NULL);
    assert_non_null(strstr(r.out, "Usage: trustsim"));
    for (size_t i = 0; i < 5; i++) {
        static const char *const subs[] = {"run", "check", "info", "bench", "compare"};
        assert_non_null(strstr(r.out, subs[i]));
    }
    assert_string_equal(r.err, "");
    cli_result_free(&r);

    r = RUN("-h");
    expect(&r, 0, NULL);
    assert_non_null(strstr(r.out, "Usage: trustsim"));
    cli_result_free(&r);

    r = RUN("--version");
    expect(&r, 0, NULL);
    /* The version, the build (sim/app/build_info.h), then (in a build with MPI) the MPI
     * it deals sweeps over. */
    const char first[] = "trustsim " TRUSTSIM_VERSION "\n";
    assert_memory_equal(r.out, first, sizeof first - 1);
    const char *second = r.out + sizeof first - 1;
    assert_memory_equal(second, "build: ", 7);
    const char *after = strchr(second, '\n');
    assert_non_null(after);
    assert_true(after - second > 7); /* something after "build: " */
#ifdef TS_HAVE_MPI
    assert_memory_equal(after + 1, "sweeps over MPI: ", 17);
#else
    assert_string_equal(after + 1, "");
#endif
    assert_string_equal(r.err, "");
    cli_result_free(&r);
}

static void test_subcommand_help(void **state) {
    (void)state;
    static const struct {
        const char *sub;
        const char *mentions[9];
    } cases[] = {
        {"run",
         {"Usage: trustsim run", "-o, --output", "--set", "--threads", "--seed", "--replicates",
          "--force", "--resume", "--quiet"}},
        {"check", {"Usage: trustsim check SCENARIO", "--set"}},
        {"info", {"Usage: trustsim info FILE.h5"}},
        {"bench",
         {"Usage: trustsim bench", "--agents", "--days", "--threads", "--sweep", "--scaling",
          "--repeat"}},
        {"compare", {"Usage: trustsim compare FILE.h5", "--metric", "--baseline", "--csv"}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cli_result r = RUN(cases[i].sub, "--help");
        expect(&r, 0, NULL);
        assert_string_equal(r.err, "");
        for (size_t k = 0; k < 9 && cases[i].mentions[k]; k++) {
            if (!strstr(r.out, cases[i].mentions[k])) {
                print_error("%s --help does not mention %s\n", cases[i].sub, cases[i].mentions[k]);
                fail();
            }
        }
        cli_result_free(&r);
        /* -h is the same, and wins over the positional argument. */
        r = RUN(cases[i].sub, "x", "-h");
        expect(&r, 0, NULL);
        assert_non_null(strstr(r.out, cases[i].mentions[0]));
        cli_result_free(&r);
    }
}

/* The exact shape of a usage error: one line, then the hint, nothing on stdout. */
static void test_usage_error_format(void **state) {
    (void)state;
    cli_result r = RUN("run", "--frobnicate");
    expect(&r, 2, NULL);
    assert_string_equal(r.err, "trustsim run: unknown option '--frobnicate'\n"
                               "Try 'trustsim run --help'.\n");
    assert_string_equal(r.out, "");
    cli_result_free(&r);

    r = RUN("frobnicate");
    expect(&r, 2, NULL);
    assert_string_equal(r.err, "trustsim: unknown command 'frobnicate'\n"
                               "Try 'trustsim --help'.\n");
    cli_result_free(&r);
}

static void test_usage_errors(void **state) {
    (void)state;
    static const struct {
        const char *args[8];
        const char *message;
    } cases[] = {
        {{"--frobnicate"}, "trustsim: unknown option '--frobnicate'"},
        {{"--version", "extra"}, "unexpected argument 'extra'"},
        {{"run", "-x"}, "trustsim run: unknown option '-x'"},
        {{"run", "--frobnicate=3"}, "unknown option '--frobnicate'"},
        {{"run", "--quiet=1"}, "option '--quiet' does not take an argument"},
        {{"run", "--re"}, "option '--re' is ambiguous"},
        {{"run", "--threads", "abc"}, "--threads: invalid value 'abc'"},
        {{"run", "--threads", "-1"}, "--threads: invalid value '-1'"},
        {{"run", "--threads=1.5"}, "--threads: invalid value '1.5'"},
        {{"run", "--threads", ""}, "--threads: invalid value ''"},
        {{"run", "--threads", " 2"}, "--threads: invalid value ' 2'"},
        {{"run", "--seed", "1e99"}, "--seed: invalid value '1e99'"},
        {{"run", "--seed", "99999999999999999999"}, "--seed: invalid value"},
        {{"run", "--replicates", "0"}, "--replicates: invalid value '0'"},
        {{"run", "-o"}, "option '-o' requires an argument"},
        {{"run", "--set"}, "option '--set' requires an argument"},
        {{"run", "--set", "seed"}, "expected key.path=value"},
        {{"run", "--set", "=3"}, "expected key.path=value"},
        {{"run", "a.yaml", "b.yaml"}, "unexpected argument 'b.yaml'"},
        {{"run", "--force", "--resume"}, "--force and --resume cannot be used together"},
        {{"check"}, "trustsim check: missing SCENARIO"},
        {{"check", "a.yaml", "b.yaml"}, "unexpected argument 'b.yaml'"},
        {{"check", "a.yaml", "--threads", "2"}, "unknown option '--threads'"},
        {{"info"}, "trustsim info: missing FILE.h5"},
        {{"info", "a.h5", "b.h5"}, "unexpected argument 'b.h5'"},
        {{"bench", "--agents", "0"}, "--agents: invalid value '0'"},
        {{"bench", "--days", "x"}, "--days: invalid value 'x'"},
        {{"bench", "--threads", "2x"}, "--threads: invalid value '2x'"},
        {{"bench", "extra"}, "unexpected argument 'extra'"},
        {{"bench", "--sweep", "0"}, "--sweep: invalid value '0'"},
        {{"bench", "--sweep", "2", "--set", "days=3"}, "--set does not apply"},
        {{"bench", "--scaling", "0"}, "--scaling: invalid value '0'"},
        {{"bench", "--scaling", "2", "--sweep", "2"}, "--sweep and --scaling"},
        {{"bench", "--repeat", "3"}, "--repeat repeats a --sweep"},
        {{"bench", "--sweep", "2", "--repeat", "101"}, "--repeat: invalid value '101'"},
        {{"compare"}, "trustsim compare: missing FILE.h5"},
        {{"compare", "a.h5", "--baseline", "-2"}, "--baseline: invalid value '-2'"},
        {{"compare", "a.h5", "--metric"}, "option '--metric' requires an argument"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cli_result r = run_cli_to(NULL, NULL, cases[i].args);
        expect(&r, 2, cases[i].message);
        expect(&r, 2, "Try 'trustsim");
        /* One line of error, one of hint. */
        assert_int_equal(count_char(r.err, '\n'), 2);
        assert_string_equal(r.out, "");
        cli_result_free(&r);
    }

    /* No arguments at all. */
    const char *none[] = {NULL};
    cli_result r = run_cli_to(NULL, NULL, none);
    expect(&r, 2, "missing command");
    expect(&r, 2, "Try 'trustsim --help'.");
    cli_result_free(&r);
}

/* Output that cannot be written is a runtime failure, not a silent success. */
static void test_stdout_write_error(void **state) {
    (void)state;
    if (!file_exists("/dev/full")) {
        skip();
    }
    cli_result r = run_cli_to(NULL, "/dev/full", (const char *const[]){"--help", NULL});
    expect(&r, 1, "trustsim: cannot write to standard output");
    cli_result_free(&r);
}

/* ---- check -------------------------------------------------------------------------- */

static void test_check_missing_file(void **state) {
    (void)state;
    cli_result r = RUN("check", TMP "/no_such_scenario.yaml");
    expect(&r, 2, "no_such_scenario.yaml");
    assert_int_equal(strncmp(r.err, "trustsim: ", 10), 0);
    assert_string_equal(r.out, "");
    cli_result_free(&r);

    r = RUN("check", TMP);
    expect(&r, 2, "not a regular file");
    cli_result_free(&r);

    r = RUN("info", TMP "/no_such_results.h5");
    expect(&r, 2, "no_such_results.h5");
    cli_result_free(&r);
}

static void test_check_default(void **state) {
    (void)state;
    cli_result r = RUN_IN(TS_SOURCE_DIR, "check", "scenarios/default.yaml");
    expect(&r, 0, NULL);
    assert_string_equal(r.err, "");
    assert_non_null(strstr(r.out, "prior_mean:"));
    assert_non_null(strstr(r.out, "span_of_control:"));
    assert_non_null(strstr(r.out, "snapshot_every:"));
    tactics_line(r.out);
    cli_result_free(&r);
}

/* The last line names the tactics that are on, from the schema's optional sections. */
static void test_check_tactics_line(void **state) {
    (void)state;
    cli_result r = RUN_IN(TS_SOURCE_DIR, "check", "scenarios/default.yaml", "--set",
                          "tactics.feedback.probability=0.3717");
    expect(&r, 0, NULL);
    assert_non_null(strstr(r.out, "0.3717"));
    assert_non_null(strstr(tactics_line(r.out), " feedback"));
    cli_result_free(&r);

    r = RUN_IN(TS_SOURCE_DIR, "check", "scenarios/default.yaml", "--set",
               "tactics.feedback.enabled=false");
    expect(&r, 0, NULL);
    assert_null(strstr(tactics_line(r.out), " feedback"));
    cli_result_free(&r);

    /* A scenario that turns every tactic off says "none". */
    r = RUN("check", GOOD_SCENARIO);
    expect(&r, 0, NULL);
    assert_string_equal(tactics_line(r.out), "# tactics on: none\n");
    cli_result_free(&r);

    /* Two tactics, comma-separated, in schema order. */
    r = RUN("check", GOOD_SCENARIO, "--set", "tactics.feedback.probability=0.5", "--set",
            "tactics.one_on_ones.peers=3");
    expect(&r, 0, NULL);
    assert_string_equal(tactics_line(r.out), "# tactics on: one_on_ones, feedback\n");
    cli_result_free(&r);

    /* An experiment is not a tactic: it has a line of its own, after the tactics. */
    r = RUN("check", GOOD_SCENARIO, "--set", "experiments.setback.day=2");
    expect(&r, 0, NULL);
    const char *tail = strstr(r.out, "# tactics on:");
    assert_non_null(tail);
    assert_string_equal(tail, "# tactics on: none\n# experiments on: setback\n");
    cli_result_free(&r);
}

static void test_check_set_errors(void **state) {
    (void)state;
    cli_result r =
        RUN_IN(TS_SOURCE_DIR, "check", "scenarios/default.yaml", "--set", "trust.prior_maen=0.5");
    expect(&r, 2, "did you mean");
    expect(&r, 2, "trust.prior_mean");
    assert_string_equal(r.out, "");
    cli_result_free(&r);

    r = RUN_IN(TS_SOURCE_DIR, "check", "scenarios/default.yaml", "--set", "trust.prior_mean=[");
    expect(&r, 2, "trust.prior_mean");
    assert_string_equal(r.out, "");
    cli_result_free(&r);

    /* Sets apply in order: a later valid one does not hide an earlier bad one. */
    r = RUN_IN(TS_SOURCE_DIR, "check", "scenarios/default.yaml", "--set", "trust.prior_mean=1.5",
               "--set", "trust.prior_mean=0.5");
    expect(&r, 2, "trust.prior_mean");
    cli_result_free(&r);
}

static void test_check_bad_file(void **state) {
    (void)state;
    cli_result r = RUN("check", BAD_SCENARIO);
    expect(&r, 2, "file.yaml:3:15: trust.prior_mean");
    assert_int_equal(strncmp(r.err, "trustsim: ", 10), 0);
    assert_string_equal(r.out, "");
    cli_result_free(&r);

    /* Values are checked as the file is read: a --set does not hide a bad file. */
    r = RUN("check", BAD_SCENARIO, "--set", "trust.prior_mean=0.5");
    expect(&r, 2, "file.yaml:3:15: trust.prior_mean");
    cli_result_free(&r);

    /* The good one is printed with its value, and --set overrides it. */
    r = RUN("check", GOOD_SCENARIO);
    expect(&r, 0, NULL);
    assert_non_null(strstr(r.out, "prior_mean: 0.3717"));
    cli_result_free(&r);
    r = RUN("check", GOOD_SCENARIO, "--set", "trust.prior_mean=0.5261");
    expect(&r, 0, NULL);
    assert_non_null(strstr(r.out, "prior_mean: 0.5261"));
    assert_null(strstr(r.out, "0.3717"));
    cli_result_free(&r);
}

/* ---- run ---------------------------------------------------------------------------- */

static void test_run_bad_input_writes_nothing(void **state) {
    (void)state;
    const char *out = TMP "/x.h5";
    unlink(out);

    cli_result r = RUN("run", BAD_SCENARIO, "-o", out);
    expect(&r, 2, "file.yaml:3:15: trust.prior_mean");
    assert_false(file_exists(out));
    cli_result_free(&r);

    r = RUN("run", GOOD_SCENARIO, "-o", out, "--set", "trust.prior_mean=0.5", "--set",
            "nonsense.key=1");
    expect(&r, 2, "nonsense.key");
    assert_false(file_exists(out));
    cli_result_free(&r);

    r = RUN("run", GOOD_SCENARIO, "-o", out, "--replicates", "0");
    expect(&r, 2, "Try 'trustsim run --help'.");
    assert_false(file_exists(out));
    cli_result_free(&r);

    r = RUN("run", TMP "/no_such_scenario.yaml", "-o", out);
    expect(&r, 2, "no_such_scenario.yaml");
    assert_false(file_exists(out));
    cli_result_free(&r);

    r = RUN("run", GOOD_SCENARIO, "-o", out, "--seed", "1e99");
    expect(&r, 2, "Try 'trustsim run --help'.");
    assert_false(file_exists(out));
    cli_result_free(&r);

    r = RUN("run", GOOD_SCENARIO, "-o", out, "--force", "--resume");
    expect(&r, 2, "Try 'trustsim run --help'.");
    assert_false(file_exists(out));
    cli_result_free(&r);
}

/* The options reach the runner: output file, replicates, --force, --resume, and the
 * command line stored in the file, quoted so it can be run again. */
static void test_run_small(void **state) {
    (void)state;
    const char *out = TMP "/small.h5";
#define SMALL_RUN                                                                                  \
    "run", GOOD_SCENARIO, "--set", "days=5", "--set", "org.headcount=12", "--set",                 \
        "description=it's small", "--quiet", "--threads", "1", "-o", out, "--replicates", "2"
    unlink(out);

    cli_result r = RUN(SMALL_RUN);
    expect(&r, 0, NULL);
    assert_true(file_exists(out));
    cli_result_free(&r);

    r = RUN("info", out);
    expect(&r, 0, NULL);
    assert_non_null(strstr(r.out, "command_line"));
    assert_non_null(strstr(r.out, " run " GOOD_SCENARIO " --set days=5 --set org.headcount=12 "
                                  "--set 'description=it'\\''s small' --quiet --threads 1 -o"));
    assert_non_null(strstr(r.out, "--replicates 2"));
    cli_result_free(&r);

    /* Never overwritten without --force. */
    r = RUN(SMALL_RUN);
    expect(&r, 2, "--force");
    cli_result_free(&r);

    r = RUN(SMALL_RUN, "--resume");
    expect(&r, 0, NULL);
    cli_result_free(&r);

    r = RUN(SMALL_RUN, "--force");
    expect(&r, 0, NULL);
    cli_result_free(&r);
#undef SMALL_RUN
}

/* The options reach the bench: sizes and the JSON switch. */
static void test_bench_small(void **state) {
    (void)state;
    cli_result r = RUN("bench", "--agents", "217", "--days", "3", "--threads", "1", "--json");
    expect(&r, 0, NULL);
    assert_int_equal(r.out[0], '{');
    assert_non_null(strstr(r.out, "\"agents\": 217"));
    assert_non_null(strstr(r.out, "\"days\": 3"));
    assert_non_null(strstr(r.out, "\"threads\": 1"));
    assert_non_null(strstr(r.out, "\"workload\": \"model\""));
    cli_result_free(&r);
    /* --set changes the bench scenario: a tactic on, or a bad key refused. */
    r = RUN("bench", "--agents", "217", "--days", "3", "--set", "tactics.broadcast={every: 1}",
            "--json");
    expect(&r, 0, NULL);
    cli_result_free(&r);
    r = RUN("bench", "--agents", "217", "--days", "3", "--set", "tactics.one_on_onez={}");
    expect(&r, 2, "tactics.one_on_onez");
    cli_result_free(&r);
}

/* ---- compare ------------------------------------------------------------------------ */

static void test_compare_bad_files(void **state) {
    (void)state;
    const char *csv = TMP "/compare.csv";
    unlink(csv);
    unlink(TMP "/any.h5");
    cli_result r = RUN("compare", TMP "/any.h5", "--metric", "mean_trust", "--metric",
                       "delegated_share", "--baseline", "1", "--csv", csv);
    expect(&r, COMPARE_MISSING_EXIT, COMPARE_MISSING_MESSAGE);
    assert_null(strstr(r.err, "not available"));
    assert_false(file_exists(csv));
    cli_result_free(&r);
    /* A file that is not HDF5 (a scenario) is bad input too. */
    r = RUN("compare", GOOD_SCENARIO, "--csv", csv);
    expect(&r, 2, "is not a trustsim results file (not HDF5)");
    assert_false(file_exists(csv));
    cli_result_free(&r);
}

/* ---- ts_cli_load_scenario in-process ------------------------------------------------ */

static void test_load_scenario_api(void **state) {
    (void)state;
    const char *sets[] = {"seed=4242", "replicates=3", "seed=9173"};
    ts_scenario *sc = (ts_scenario *)&sc; /* must be reset to NULL on failure */
    ts_error err;
    char cwd[4096];

    /* The bad file: scenario error (exit 2) naming file, line, column and key. */
    ts_status st = ts_cli_load_scenario(BAD_SCENARIO, NULL, 0, &sc, &err);
    assert_int_equal(ts_status_exit_code(st), 2);
    assert_int_equal(err.status, st);
    assert_null(sc);
    assert_non_null(strstr(err.msg, "file.yaml:3:15: trust.prior_mean"));

    st = ts_cli_load_scenario(GOOD_SCENARIO, NULL, 0, &sc, &err);
    assert_int_equal(st, TS_OK);
    assert_non_null(sc);
    assert_float_equal(ts_scenario_real(sc, "trust.prior_mean"), 0.3717, 1e-12);
    assert_string_equal(ts_scenario_name(sc), "good");
    ts_scenario_free(sc);

    /* Sets are applied after the file, in order. */
    st = ts_cli_load_scenario(
        GOOD_SCENARIO,
        (const char *const[]){"trust.prior_mean=0.5261", "seed=4242", "trust.prior_mean=0.6143"}, 3,
        &sc, &err);
    assert_int_equal(st, TS_OK);
    assert_float_equal(ts_scenario_real(sc, "trust.prior_mean"), 0.6143, 1e-12);
    assert_int_equal(ts_scenario_int(sc, "seed"), 4242);
    ts_scenario_free(sc);

    /* A missing file. */
    sc = (ts_scenario *)&sc;
    st = ts_cli_load_scenario(TMP "/no_such_scenario.yaml", NULL, 0, &sc, &err);
    assert_int_equal(ts_status_exit_code(st), 2);
    assert_null(sc);
    assert_non_null(strstr(err.msg, "no_such_scenario.yaml"));

    /* No path: scenarios/default.yaml of the current directory when it exists... */
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_true(mkdir(TMP "/cwd", 0755) == 0 || errno == EEXIST);
    assert_true(mkdir(TMP "/cwd/scenarios", 0755) == 0 || errno == EEXIST);
    tst_write_file(TMP "/cwd/scenarios/default.yaml",
                   "name: from_cwd\ntrust: {prior_mean: 0.3717}\n");
    assert_int_equal(chdir(TMP "/cwd"), 0);
    st = ts_cli_load_scenario(NULL, sets, 3, &sc, &err);
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(st, TS_OK);
    assert_string_equal(ts_scenario_name(sc), "from_cwd");
    assert_int_equal(ts_scenario_int(sc, "seed"), 9173);
    assert_int_equal(ts_scenario_int(sc, "replicates"), 3);
    ts_scenario_free(sc);

    /* ...else the compiled-in copy, shown as default.yaml. */
    assert_int_equal(chdir(TMP), 0);
    st = ts_cli_load_scenario(NULL, sets, 2, &sc, &err);
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(st, TS_OK);
    assert_string_not_equal(ts_scenario_name(sc), "from_cwd");
    assert_int_equal(ts_scenario_int(sc, "seed"), 4242);
    ts_scenario_free(sc);

    /* A bad set: nothing returned. */
    sc = (ts_scenario *)&sc;
    assert_int_equal(chdir(TMP), 0);
    st = ts_cli_load_scenario(NULL, (const char *const[]){"replicates=0"}, 1, &sc, &err);
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(ts_status_exit_code(st), 2);
    assert_null(sc);
    assert_non_null(strstr(err.msg, "replicates"));
}

/* --seed accepts exactly what the scenario's `seed` key does, 0 to 2^53 - 1, and says
 * so: a seed above is a usage error naming that maximum, not a promise of INT64_MAX. */
static void test_seed_range_is_the_keys(void **state) {
    (void)state;
    static const char *const bad[] = {"9007199254740992", "9223372036854775807", "-1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char message[160];
        snprintf(message, sizeof message,
                 "trustsim run: --seed: invalid value '%s' (expected an integer from 0 to "
                 "9007199254740991)\n",
                 bad[i]);
        cli_result r = RUN("run", GOOD_SCENARIO, "--seed", bad[i], "-o", TMP "/seed.h5");
        expect(&r, 2, message);
        expect(&r, 2, "Try 'trustsim run --help'.");
        assert_false(file_exists(TMP "/seed.h5"));
        cli_result_free(&r);
    }
    /* The largest seed runs. */
    unlink(TMP "/seed.h5");
    cli_result r =
        RUN("run", GOOD_SCENARIO, "--seed", "9007199254740991", "--set", "days=2", "--set",
            "org={headcount: 8, warmup_days: 0}", "--quiet", "-o", TMP "/seed.h5");
    expect(&r, 0, NULL);
    assert_true(file_exists(TMP "/seed.h5"));
    cli_result_free(&r);
    unlink(TMP "/seed.h5");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_and_version),
        cmocka_unit_test(test_subcommand_help),
        cmocka_unit_test(test_usage_error_format),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_stdout_write_error),
        cmocka_unit_test(test_check_missing_file),
        cmocka_unit_test(test_check_default),
        cmocka_unit_test(test_check_tactics_line),
        cmocka_unit_test(test_check_set_errors),
        cmocka_unit_test(test_check_bad_file),
        cmocka_unit_test(test_run_bad_input_writes_nothing),
        cmocka_unit_test(test_run_small),
        cmocka_unit_test(test_bench_small),
        cmocka_unit_test(test_compare_bad_files),
        cmocka_unit_test(test_load_scenario_api),
        cmocka_unit_test(test_seed_range_is_the_keys),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
