/* Tests of sim/scenario/scenario.c, the lifecycle of a scenario: loading files and text
 * (empty and null documents, the loader's messages for YAML it cannot read, extends and its
 * limits, only regular files), --set (all or nothing), finalize and the grid points of a
 * sweep and its named variants (every point checked), the scenario's name, copies, and
 * hostile input. Loads use the small schema of tests/support/scenario_fixture.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "alloc_fail.h"
#include "modules.h"
#include "scenario.h"
#include "scenario_fixture.h"
#include "yamlio.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- Helpers ---------------------------------------------------------------------------- */

static void tmp_path(char *buf, size_t cap, const char *name) {
    snprintf(buf, cap, "%s/scenario/%s", TS_TEST_TMPDIR, name);
}

static void write_file(const char *name, const void *data, size_t len) {
    char path[1024];
    char dir[1024];
    mkdir(TS_TEST_TMPDIR, 0777);
    snprintf(dir, sizeof dir, "%s/scenario", TS_TEST_TMPDIR);
    mkdir(dir, 0777);
    snprintf(dir, sizeof dir, "%s/scenario/sub", TS_TEST_TMPDIR);
    mkdir(dir, 0777);
    tmp_path(path, sizeof path, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void write_text(const char *name, const char *text) {
    write_file(name, text, strlen(text));
}

/* ---- Loading text ------------------------------------------------------------------- */

static void test_comment_only_and_null_document(void **state) {
    (void)state;
    ts_scenario *sc = tst_sc_load_ok("# nothing here\n\n");
    assert_int_equal(ts_scenario_int(sc, "days"), 365);
    ts_scenario_free(sc);
    sc = tst_sc_load_ok("---\n...\n");
    assert_int_equal(ts_scenario_int(sc, "days"), 365);
    ts_scenario_free(sc);
}

static void test_syntax_errors(void **state) {
    (void)state;
    tst_sc_expect_error(
        "days: 3\ntrust:\n  review: 0.1\nfoo bar\nx: 1\n",
        "s.yaml:5:1: trust: syntax error: could not find expected ':' (while scanning a "
        "simple "
        "key)");
    tst_sc_expect_error("days: [1, 2\n",
                        "s.yaml:2:1: days: syntax error: did not find expected ',' or ']' "
                        "(while parsing a flow sequence)");
    tst_sc_expect_error("a: b\n---\nc: d\n",
                        "s.yaml:2:1: more than one document (expected a single YAML "
                        "document) (got \"---\")");
}

static void test_top_level_must_be_mapping(void **state) {
    (void)state;
    tst_sc_expect_error("- a\n- b\n",
                        "s.yaml:1:1: expected a mapping at the top level (got a list)");
    tst_sc_expect_error("hello\n",
                        "s.yaml:1:1: expected a mapping at the top level (got \"hello\")");
    tst_sc_expect_error("42\n", "s.yaml:1:1: expected a mapping at the top level (got 42)");
}

static void test_anchors_aliases_tags_refused(void **state) {
    (void)state;
    tst_sc_expect_error("days: &d 3\nseed: *d\n",
                        "s.yaml:1:7: days: anchors are not supported (got &d)");
    tst_sc_expect_error("seed: *d\n", "s.yaml:1:7: seed: aliases are not supported (got *d)");
    tst_sc_expect_error("note: !!str 3\n",
                        "s.yaml:1:7: note: tags are not supported (got tag:yaml.org,2002:str)");
}

/* ---- extends ------------------------------------------------------------------------------ */

static ts_status load_file(const char *name, ts_scenario **sc, ts_error *err) {
    char path[1024];
    tmp_path(path, sizeof path, name);
    ts_status st = ts_scenario_load(&tst_sc_schema, path, sc, err);
    if (st == TS_OK) {
        st = ts_scenario_finalize(*sc, err);
        if (st != TS_OK) {
            ts_scenario_free(*sc);
            *sc = NULL;
        }
    }
    return st;
}

static void test_extends_merges_and_overrides(void **state) {
    (void)state;
    ts_scenario *sc = NULL;
    ts_error err = {0};
    write_text("base.yaml", "days: 100\n"
                            "trust: {prior_mean: 0.2, review: 0.3}\n"
                            "domains: [a, b, c]\n"
                            "tactics: {feedback: {every: 3}}\n"
                            "events: [{day: 5, kind: shift}]\n"
                            "sweep: {seed: [1, 2], days: [10, 20]}\n");
    write_text("sub/child.yaml", "extends: ../base.yaml\n"
                                 "trust: {review: 0.1}\n"
                                 "domains: [z]\n"
                                 "sweep: {days: [30]}\n");
    assert_int_equal(load_file("sub/child.yaml", &sc, &err), TS_OK);
    assert_int_equal(ts_scenario_int(sc, "days"), 100);
    assert_near(ts_scenario_real(sc, "trust.prior_mean"), 0.2, 0);
    assert_near(ts_scenario_real(sc, "trust.review"), 0.1, 0);
    assert_int_equal(ts_scenario_list_len(sc, "domains"), 1);
    assert_string_equal(ts_scenario_list_item(sc, "domains", 0), "z");
    assert_int_equal(ts_scenario_section_on(sc, "tactics.feedback"), 1);
    assert_int_equal(ts_scenario_int(sc, "tactics.feedback.every"), 3);
    assert_int_equal(ts_scenario_n_events(sc), 1);
    assert_int_equal(ts_scenario_n_sweep_keys(sc), 2);
    assert_string_equal(ts_scenario_sweep_key(sc, 1), "days");
    assert_int_equal(ts_scenario_n_points(sc), 2);
    assert_string_equal(ts_scenario_name(sc), "child");
    ts_mark m = {0};
    assert_int_equal(ts_scenario_mark_of(sc, "days", &m), 1);
    assert_non_null(strstr(m.file, "sub/../base.yaml"));
    assert_int_equal(m.line, 1);
    assert_int_equal(m.col, 7);
    ts_scenario_free(sc);
}

static void test_extends_replaces_lists_and_events(void **state) {
    (void)state;
    ts_scenario *sc = NULL;
    ts_error err = {0};
    write_text("base2.yaml", "events: [{day: 5, kind: shift}, {day: 6, kind: shift}]\n");
    write_text("child2.yaml", "extends: base2.yaml\nevents: [{day: 7, kind: incident}]\n");
    assert_int_equal(load_file("child2.yaml", &sc, &err), TS_OK);
    assert_int_equal(ts_scenario_n_events(sc), 1);
    assert_int_equal(ts_event_day(ts_scenario_event(sc, 0)), 7);
    ts_scenario_free(sc);
}

static void test_extends_errors(void **state) {
    (void)state;
    ts_scenario *sc = NULL;
    ts_error err = {0};
    char path[1024];
    char expected[8192];

    write_text("missing.yaml", "days: 3\nextends: nowhere.yaml\n");
    tmp_path(path, sizeof path, "missing.yaml");
    assert_int_equal(load_file("missing.yaml", &sc, &err), TS_ERR_SCENARIO);
    assert_null(sc);
    snprintf(expected, sizeof expected,
             "%s:2:10: extends: cannot open \"nowhere.yaml\" (No such file or directory)", path);
    assert_string_equal(err.msg, expected);

    write_text("cyc_a.yaml", "extends: cyc_b.yaml\n");
    write_text("cyc_b.yaml", "days: 2\nextends: cyc_a.yaml\n");
    assert_int_equal(load_file("cyc_a.yaml", &sc, &err), TS_ERR_SCENARIO);
    char a[1024];
    char b[1024];
    tmp_path(a, sizeof a, "cyc_a.yaml");
    tmp_path(b, sizeof b, "cyc_b.yaml");
    snprintf(expected, sizeof expected, "%s:2:10: extends: cycle (%s -> %s -> %s)", b, a, b, a);
    assert_string_equal(err.msg, expected);

    write_text("self.yaml", "extends: self.yaml\n");
    assert_int_equal(load_file("self.yaml", &sc, &err), TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "extends: cycle ("));

    write_text("bad_ext.yaml", "extends: [a]\n");
    tmp_path(path, sizeof path, "bad_ext.yaml");
    assert_int_equal(load_file("bad_ext.yaml", &sc, &err), TS_ERR_SCENARIO);
    snprintf(expected, sizeof expected,
             "%s:1:10: extends: not a file name (got a list, expected the path of a scenario "
             "file)",
             path);
    assert_string_equal(err.msg, expected);

    /* An error inside the extended file names that file. */
    write_text("bad_base.yaml", "days: -1\n");
    write_text("uses_bad.yaml", "extends: bad_base.yaml\n");
    tmp_path(path, sizeof path, "bad_base.yaml");
    assert_int_equal(load_file("uses_bad.yaml", &sc, &err), TS_ERR_SCENARIO);
    snprintf(expected, sizeof expected,
             "%s:1:7: days: out of range (got -1, expected an integer in [1, 36500])", path);
    assert_string_equal(err.msg, expected);

    tmp_path(path, sizeof path, "does_not_exist.yaml");
    assert_int_equal(load_file("does_not_exist.yaml", &sc, &err), TS_ERR_SCENARIO);
    snprintf(expected, sizeof expected, "%s: cannot open (No such file or directory)", path);
    assert_string_equal(err.msg, expected);
}

/* How long a load in a child may take before its alarm ends it: far more than a load of
 * a few lines needs, even under the sanitizers. */
enum { CHILD_LOAD_SECONDS = 10 };

/* Loads the temporary file `name` (then finalizes) in a child process that an alarm
 * ends after CHILD_LOAD_SECONDS, so that a load that blocks (on a FIFO, on a terminal)
 * fails the test instead of hanging it. The child's standard input is `in` when it is
 * not -1. Returns 1 with the status and message in *err when the child finished, 0
 * when it hung or died. */
static int load_file_in_child(const char *name, int in, ts_error *err) {
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        ts_scenario *sc = NULL;
        ts_error e = {0};
        close(fds[0]);
        if (in != -1 && dup2(in, 0) < 0) {
            _exit(1);
        }
        alarm(CHILD_LOAD_SECONDS);
        e.status = load_file(name, &sc, &e);
        ts_scenario_free(sc);
        _exit(write(fds[1], &e, sizeof e) == (ssize_t)sizeof e ? 0 : 1);
    }
    close(fds[1]);
    ts_error got = {0};
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fds[0], (char *)&got + n, sizeof got - n);
        if (r > 0 && (n += (size_t)r) < sizeof got) {
            continue;
        }
        if (r < 0 && errno == EINTR) {
            continue;
        }
        break;
    }
    close(fds[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || n != sizeof got) {
        print_error("loading %s: the child %s\n", name,
                    WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM ? "hung (ended by its alarm)"
                                                                       : "failed");
        return 0;
    }
    *err = got;
    return 1;
}

/* `extends` of `target` from the file `name` (on line 2, the value at column 10) is
 * refused quickly at the key, with `why` in the message. */
static void expect_extends_refused(const char *name, const char *target, int in, const char *why) {
    char text[1200];
    char path[1024];
    char expected[2400];
    ts_error err = {0};
    snprintf(text, sizeof text, "days: 3\nextends: %s\n", target);
    write_text(name, text);
    tmp_path(path, sizeof path, name);
    assert_true(load_file_in_child(name, in, &err));
    if (err.status != TS_ERR_SCENARIO) {
        print_error("extends: %s gave status %d: %s\n", target, (int)err.status, err.msg);
    }
    assert_int_equal(err.status, TS_ERR_SCENARIO);
    snprintf(expected, sizeof expected, "%s:2:10: extends: cannot open \"%s\" (%s)", path, target,
             why);
    assert_string_equal(err.msg, expected);
}

/* An extends target is read only if it is a regular file: a FIFO would block the load
 * forever, a device (/dev/zero, /dev/stdin) reads as anything, and each is refused at
 * the key that names it, like a missing file. */
static void test_extends_only_regular_files(void **state) {
    (void)state;
    char fifo[1024];
    char target[1100];
    ts_scenario *sc = NULL;
    ts_error err = {0};
    write_text("plain.yaml", "days: 3\n");
    tmp_path(fifo, sizeof fifo, "base.fifo");
    unlink(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);

    /* Relative and absolute paths of a FIFO nobody writes to. */
    expect_extends_refused("ext_fifo.yaml", "base.fifo", -1, "not a regular file");
    snprintf(target, sizeof target, "%s", fifo);
    expect_extends_refused("ext_fifo_abs.yaml", target, -1, "not a regular file");
    /* Devices. */
    expect_extends_refused("ext_zero.yaml", "/dev/zero", -1, "not a regular file");
    expect_extends_refused("ext_null.yaml", "/dev/null", -1, "not a regular file");
    /* Standard input, here a pipe kept open and never written. */
    int in[2];
    assert_int_equal(pipe(in), 0);
    expect_extends_refused("ext_stdin.yaml", "/dev/stdin", in[0], "not a regular file");
    close(in[0]);
    close(in[1]);
    /* A directory, this one and another. */
    expect_extends_refused("ext_dir.yaml", ".", -1, "not a regular file");
    expect_extends_refused("ext_subdir.yaml", "sub", -1, "not a regular file");
    /* A missing file, as before. */
    expect_extends_refused("ext_missing.yaml", "nowhere_else.yaml", -1,
                           "No such file or directory");
    /* A regular file too large to be a scenario. */
    size_t big = TS_YAML_MAX_BYTES + 10;
    char *huge = malloc(big);
    assert_non_null(huge);
    memset(huge, '#', big);
    write_file("huge_base.yaml", huge, big);
    free(huge);
    expect_extends_refused("ext_huge.yaml", "huge_base.yaml", -1,
                           "file too large, expected at most 4194304 bytes");

    /* The top-level file of ts_scenario_load is held to the same rule. */
    assert_true(load_file_in_child("base.fifo", -1, &err));
    assert_int_equal(err.status, TS_ERR_SCENARIO);
    snprintf(target, sizeof target, "%s: cannot open (not a regular file)", fifo);
    assert_string_equal(err.msg, target);

    /* A symbolic link to a regular file is followed. */
    char link[1024];
    tmp_path(link, sizeof link, "plain_link.yaml");
    unlink(link);
    assert_int_equal(symlink("plain.yaml", link), 0);
    write_text("ext_link.yaml", "extends: plain_link.yaml\n");
    assert_int_equal(load_file("ext_link.yaml", &sc, &err), TS_OK);
    assert_int_equal(ts_scenario_int(sc, "days"), 3);
    ts_scenario_free(sc);
    unlink(fifo);
}

static void test_extends_depth_limit(void **state) {
    (void)state;
    ts_scenario *sc = NULL;
    ts_error err = {0};
    char name[64];
    char text[128];
    /* deep00 extends deep01 ... extends deep17: 17 levels of extends, one too many. */
    for (int i = 0; i <= 17; i++) {
        snprintf(name, sizeof name, "deep%02d.yaml", i);
        if (i < 17) {
            snprintf(text, sizeof text, "extends: deep%02d.yaml\n", i + 1);
        } else {
            snprintf(text, sizeof text, "days: 17\n");
        }
        write_text(name, text);
    }
    assert_int_equal(load_file("deep00.yaml", &sc, &err), TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "deep16.yaml:1:10: extends: too deep (got more than 16 "
                                    "levels of extends, expected at most 16)"));
    /* Starting one level lower, 16 levels are fine. */
    assert_int_equal(load_file("deep01.yaml", &sc, &err), TS_OK);
    assert_int_equal(ts_scenario_int(sc, "days"), 17);
    ts_scenario_free(sc);
}

static void test_extends_from_string_uses_base_dir(void **state) {
    (void)state;
    ts_scenario *sc = NULL;
    ts_error err = {0};
    char dir[1024];
    write_text("base3.yaml", "days: 42\n");
    snprintf(dir, sizeof dir, "%s/scenario", TS_TEST_TMPDIR);
    assert_int_equal(ts_scenario_load_string(&tst_sc_schema, "extends: base3.yaml\nseed: 5\n",
                                             "<text>", dir, &sc, &err),
                     TS_OK);
    assert_int_equal(ts_scenario_int(sc, "days"), 42);
    assert_int_equal(ts_scenario_int(sc, "seed"), 5);
    assert_string_equal(ts_scenario_name(sc), "scenario");
    ts_scenario_free(sc);
}

/* ---- --set ----------------------------------------------------------------------------------- */

static void test_set_scalars_lists_maps(void **state) {
    (void)state;
    ts_scenario *sc = tst_sc_load_ok("days: 50\n");
    ts_error err = {0};
    ts_mark m = {0};
    tst_sc_set_ok(sc, "trust.prior_mean=0.7");
    tst_sc_set_ok(sc, "domains=[a, b, c]");
    tst_sc_set_ok(sc, "trust={review: 0.25, capacity: 64}");
    tst_sc_set_ok(sc, " note =hello world");
    tst_sc_set_ok(sc, "work.schedule=[[1, 2]]");
    tst_sc_set_ok(sc, "events=[{day: 9, kind: incident, domain: b}]");
    assert_int_equal(ts_scenario_finalize(sc, &err), TS_OK);
    assert_near(ts_scenario_real(sc, "trust.prior_mean"), 0.7, 0);
    assert_int_equal(ts_scenario_list_len(sc, "domains"), 3);
    assert_near(ts_scenario_real(sc, "trust.review"), 0.25, 0);
    assert_int_equal(ts_scenario_int(sc, "trust.capacity"), 64);
    assert_string_equal(ts_scenario_string(sc, "note"), "hello world");
    assert_int_equal(ts_scenario_list_len(sc, "work.schedule"), 1);
    assert_int_equal(ts_scenario_n_events(sc), 1);
    assert_string_equal(ts_event_string(ts_scenario_event(sc, 0), "domain"), "b");
    assert_int_equal(ts_scenario_int(sc, "days"), 50);
    assert_int_equal(ts_scenario_mark_of(sc, "trust.prior_mean", &m), 1);
    assert_string_equal(m.file, "--set");
    assert_int_equal(m.line, 0);
    /* An empty value is an empty string for a string key. */
    tst_sc_set_ok(sc, "note=");
    assert_string_equal(ts_scenario_string(sc, "note"), "");
    /* A validator's message names the --set that gave the value. */
    tst_sc_set_ok(sc, "trust.review=0.9");
    assert_int_equal(ts_scenario_finalize(sc, &err), TS_ERR_SCENARIO);
    assert_string_equal(err.msg, "--set trust.review=0.9: trust.review: must not exceed "
                                 "trust.delegate (got 0.9, expected <= 0.6)");
    ts_scenario_free(sc);
}

static void test_set_errors(void **state) {
    (void)state;
    tst_sc_expect_set_error("trust.prior_maen=0.7", "--set trust.prior_maen=0.7: trust.prior_maen: "
                                                    "unknown key (did you mean trust.prior_mean?)");
    tst_sc_expect_set_error(
        "trust.prior_mean=abc",
        "--set trust.prior_mean=abc: trust.prior_mean: not a number (got \"abc\", "
        "expected a probability in [0, 1])");
    tst_sc_expect_set_error("trust.prior_mean", "--set trust.prior_mean: missing '=' (expected "
                                                "key.path=value)");
    tst_sc_expect_set_error("=3",
                            "--set =3: missing key path before '=' (expected key.path=value)");
    tst_sc_expect_set_error(
        "days=[1", "--set days=[1: days: syntax error: did not find expected ',' or ']' (while "
                   "parsing a flow sequence)");
    tst_sc_expect_set_error(
        "trust=3", "--set trust=3: trust: not a mapping (got 3, expected a mapping of trust "
                   "keys)");
    tst_sc_expect_set_error("trust={revew: 1}",
                            "--set trust={revew: 1}: trust.revew: unknown key (did you mean "
                            "trust.review?)");
    tst_sc_expect_set_error(
        "events=[{day: 9, kind: incdent}]",
        "--set events=[{day: 9, kind: incdent}]: events[0].kind: unknown event kind "
        "(got \"incdent\", did you mean incident?)");
    tst_sc_expect_set_error("extends=x.yaml",
                            "--set extends=x.yaml: extends: cannot be set with --set "
                            "(expected it in a scenario file)");
    tst_sc_expect_set_error("sweep.days=3",
                            "--set sweep.days=3: sweep.days: not a list (got 3, expected "
                            "a non-empty list of values)");
    tst_sc_expect_set_error("sweep.trust=[3]",
                            "--set sweep.trust=[3]: sweep.trust: not a mapping (got "
                            "a list, expected key paths with lists of values)");
    tst_sc_expect_set_error(
        "sweep.dayz=[3]",
        "--set sweep.dayz=[3]: sweep.dayz: unknown key (did you mean sweep.days?)");
}

static void test_set_failure_leaves_scenario_unchanged(void **state) {
    (void)state;
    ts_scenario *sc = tst_sc_load_ok("days: 50\n");
    ts_error err = {0};
    /* The first key of the map is good, the second bad: nothing may change. */
    assert_int_equal(ts_scenario_set(sc, "trust={review: 0.1, capacity: 1}", &err),
                     TS_ERR_SCENARIO);
    assert_near(ts_scenario_real(sc, "trust.review"), 0.4, 0);
    assert_int_equal(ts_scenario_set(sc, "tactics.feedback={every: 0}", &err), TS_ERR_SCENARIO);
    assert_int_equal(ts_scenario_section_on(sc, "tactics.feedback"), 0);
    ts_scenario_free(sc);
}

/* ---- Sweep grid points ---------------------------------------------------------------------- */

static void test_sweep_grid_order_and_points(void **state) {
    (void)state;
    ts_scenario *sc = tst_sc_load_ok("days: 5\n"
                                     "sweep:\n"
                                     "  days: [10, 20]\n"
                                     "  trust.prior_mean: [0.1, 0.2, 0.35]\n"
                                     "  work: {growth: [linear, none]}\n");
    ts_error err = {0};
    ts_mark m = {0};
    assert_int_equal(ts_scenario_n_points(sc), 12);
    assert_int_equal(ts_scenario_n_sweep_keys(sc), 3);
    assert_string_equal(ts_scenario_sweep_key(sc, 0), "days");
    assert_string_equal(ts_scenario_sweep_key(sc, 1), "trust.prior_mean");
    assert_string_equal(ts_scenario_sweep_key(sc, 2), "work.growth");
    assert_int_equal(ts_scenario_sweep_type(sc, 0), TS_PT_INT);
    assert_int_equal(ts_scenario_sweep_type(sc, 1), TS_PT_REAL);
    assert_int_equal(ts_scenario_sweep_type(sc, 2), TS_PT_ENUM);
    /* The last key varies fastest: g = 7 is days[1], prior_mean[0], growth[1]. */
    assert_string_equal(ts_scenario_sweep_value(sc, 0, 7), "20");
    assert_string_equal(ts_scenario_sweep_value(sc, 1, 7), "0.1");
    assert_string_equal(ts_scenario_sweep_value(sc, 2, 7), "none");
    assert_string_equal(ts_scenario_sweep_value(sc, 1, 5), "0.35");
    assert_string_equal(ts_scenario_sweep_value(sc, 0, 5), "10");
    assert_string_equal(ts_scenario_sweep_value(sc, 0, 12), "");
    assert_string_equal(ts_scenario_sweep_key(sc, 3), "");
    /* The base value stays what the file says. */
    assert_int_equal(ts_scenario_int(sc, "days"), 5);

    ts_scenario *pt = NULL;
    assert_int_equal(ts_scenario_at_point(sc, 7, &pt, &err), TS_OK);
    assert_int_equal(ts_scenario_int(pt, "days"), 20);
    assert_near(ts_scenario_real(pt, "trust.prior_mean"), 0.1, 0);
    assert_string_equal(ts_scenario_string(pt, "work.growth"), "none");
    assert_int_equal(ts_scenario_n_sweep_keys(pt), 0);
    assert_int_equal(ts_scenario_n_points(pt), 1);
    assert_int_equal(ts_scenario_mark_of(pt, "trust.prior_mean", &m), 1);
    assert_int_equal(m.line, 4);
    assert_int_equal(m.col, 22);
    ts_scenario_free(pt);

    assert_int_equal(ts_scenario_at_point(sc, 12, &pt, &err), TS_ERR_PARAM);
    assert_null(pt);
    ts_scenario_free(sc);
}

static void test_sweep_checks_every_point(void **state) {
    (void)state;
    /* review 0.7 exceeds delegate 0.6 only at the second grid point. */
    tst_sc_expect_error(
        "sweep:\n  trust.review: [0.3, 0.7]\n",
        "s.yaml:2:23: trust.review: must not exceed trust.delegate (got 0.7, expected <= "
        "0.6)");
    tst_sc_expect_error(
        "sweep: {days: [10, 20]}\nevents: [{day: 15, kind: shift}]\n",
        "s.yaml:2:16: events[0].day: out of range (got 15, expected a day in [1, 10])");
}

/* ---- Names ---------------------------------------------------------------------------------- */

static void test_name_resolution(void **state) {
    (void)state;
    ts_scenario *sc = NULL;
    ts_error err = {0};
    write_text("default.yaml", "days: 3\n");
    assert_int_equal(load_file("default.yaml", &sc, &err), TS_OK);
    assert_string_equal(ts_scenario_name(sc), "default");
    char *y = ts_scenario_to_yaml(sc);
    assert_memory_equal(y, "name: default\n", 14);
    free(y);
    tst_sc_set_ok(sc, "name=other");
    assert_string_equal(ts_scenario_name(sc), "other");
    ts_scenario_free(sc);
}

/* A name derived from a file's stem is made safe rather than refused, and what
 * ts_scenario_to_yaml prints then loads again. */
static void test_derived_name_is_made_safe(void **state) {
    (void)state;
    static const struct {
        const char *file;
        const char *name;
    } cases[] = {
        {"plain.yaml", "plain"},
        {"my scenario (v2).yaml", "my_scenario__v2_"},
        {"caf\xc3\xa9 \xe2\x82\xac.yaml", "caf___"},
        {".hidden.yaml", "_hidden"},
        {"-rf.yaml", "_rf"},
        {"run.2024-01.yaml", "run.2024-01"},
        {"a'b\\c.yml", "a_b_c"},
        {"sub/dir/x.y.yaml", "x.y"},
        {"ends-in-dot..yaml", "ends-in-dot."},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.yaml",
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ts_scenario *sc = NULL;
        ts_scenario *again = NULL;
        ts_error err = {0};
        assert_int_equal(
            ts_scenario_load_string(&tst_sc_schema, "days: 3\n", cases[i].file, NULL, &sc, &err),
            TS_OK);
        assert_string_equal(ts_scenario_name(sc), cases[i].name);
        char *y = ts_scenario_to_yaml(sc);
        assert_non_null(y);
        if (ts_scenario_load_string(&tst_sc_schema, y, "again.yaml", NULL, &again, &err) != TS_OK) {
            print_error("%s: %s\n", cases[i].file, err.msg);
            fail();
        }
        assert_string_equal(ts_scenario_name(again), cases[i].name);
        free(y);
        ts_scenario_free(again);
        ts_scenario_free(sc);
    }
    /* The same through a file on disk. */
    ts_scenario *sc = NULL;
    ts_error err = {0};
    write_text("odd name!.yaml", "days: 3\n");
    assert_int_equal(load_file("odd name!.yaml", &sc, &err), TS_OK);
    assert_string_equal(ts_scenario_name(sc), "odd_name_");
    ts_scenario_free(sc);
}

/* ---- Copy and finalize ---------------------------------------------------------------------- */

static void test_copy_is_deep_and_finalize_idempotent(void **state) {
    (void)state;
    ts_scenario *sc = tst_sc_load_ok("events: [{day: 4, kind: shift}]\nsweep: {days: [5, 6]}\n");
    ts_error err = {0};
    assert_int_equal(ts_scenario_finalize(sc, &err), TS_OK);
    assert_int_equal(ts_scenario_finalize(sc, &err), TS_OK);
    ts_scenario *cp = ts_scenario_copy(sc);
    assert_non_null(cp);
    tst_sc_set_ok(cp, "trust.review=0.11");
    assert_near(ts_scenario_real(sc, "trust.review"), 0.4, 0);
    assert_near(ts_scenario_real(cp, "trust.review"), 0.11, 0);
    ts_scenario_free(sc);
    /* The copy outlives the original, marks included. */
    ts_mark m = {0};
    assert_int_equal(ts_scenario_mark_of(cp, "sweep.days", &m), 1);
    assert_string_equal(m.file, "s.yaml");
    assert_int_equal(m.line, 2);
    assert_int_equal(ts_scenario_n_points(cp), 2);
    char *y = ts_scenario_to_yaml(cp);
    assert_non_null(strstr(y, "sweep:\n  days: [5, 6]\n"));
    free(y);
    ts_scenario_free(cp);
    assert_null(ts_scenario_copy(NULL));
}

/* ---- Hostile input ----------------------------------------------------------------------------
 */

/* A small deterministic generator for the fuzz cases (xorshift64*). */
static uint64_t next_random(uint64_t *s) {
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * UINT64_C(2685821657736338717);
}

/* Loading must either succeed or fail as a bad scenario with a message. */
static void expect_no_crash(const char *buf, size_t len) {
    ts_scenario *sc = NULL;
    ts_error err = {0};
    write_file("fuzz.yaml", buf, len);
    ts_status st = load_file("fuzz.yaml", &sc, &err);
    if (st == TS_OK) {
        char *y = ts_scenario_to_yaml(sc);
        assert_non_null(y);
        free(y);
        /* Finalizing and making the last grid point fail cleanly or succeed. */
        st = ts_scenario_finalize(sc, &err);
        if (st == TS_OK) {
            ts_scenario *pt = NULL;
            st = ts_scenario_at_point(sc, ts_scenario_n_points(sc) - 1, &pt, &err);
            ts_scenario_free(pt);
        }
        assert_true(st == TS_OK || (st == TS_ERR_SCENARIO && strlen(err.msg) > 0));
        ts_scenario_free(sc);
    } else {
        assert_int_equal(st, TS_ERR_SCENARIO);
        assert_true(strlen(err.msg) > 0);
    }
}

static void test_hostile_inputs(void **state) {
    (void)state;
    ts_scenario *sc = NULL;
    ts_error err = {0};
    char path[1024];
    char expected[1200];
    tmp_path(path, sizeof path, "fuzz.yaml");

    /* Invalid UTF-8. */
    write_file("fuzz.yaml", "days: 3\nnote: \xc3\x28\n", 15);
    assert_int_equal(load_file("fuzz.yaml", &sc, &err), TS_ERR_SCENARIO);
    snprintf(expected, sizeof expected, "%s:2:7: invalid text: incomplete UTF-8 octet sequence",
             path);
    assert_string_equal(err.msg, expected);

    /* A NUL byte. */
    write_file("fuzz.yaml", "days: 3\x00\n", 9);
    assert_int_equal(load_file("fuzz.yaml", &sc, &err), TS_ERR_SCENARIO);
    snprintf(expected, sizeof expected,
             "%s:1:8: invalid text: control characters are not allowed (got byte 0x00)", path);
    assert_string_equal(err.msg, expected);

    /* Nesting 1000 deep, in flow and in block style. */
    char *deep = malloc(8000);
    assert_non_null(deep);
    memset(deep, '[', 1000);
    memset(deep + 1000, ']', 1000);
    write_file("fuzz.yaml", deep, 2000);
    assert_int_equal(load_file("fuzz.yaml", &sc, &err), TS_ERR_SCENARIO);
    snprintf(expected, sizeof expected,
             "%s:1:33: [0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]...: nesting too deep "
             "(got more than 32 levels, expected at most 32)",
             path);
    assert_string_equal(err.msg, expected);
    size_t used = 0;
    for (int i = 0; i < 40; i++) {
        used += (size_t)snprintf(deep + used, 8000 - used, "%*sk:\n", 2 * i, "");
    }
    write_file("fuzz.yaml", deep, used);
    assert_int_equal(load_file("fuzz.yaml", &sc, &err), TS_ERR_SCENARIO);
    /* The path names the start of the nesting only. */
    assert_non_null(strstr(err.msg, ":33:65: k.k.k.k.k.k.k.k.k.k"));
    assert_non_null(strstr(err.msg, ".k...: nesting too deep"));
    free(deep);

    /* A file over 4 MiB. */
    size_t big = TS_YAML_MAX_BYTES + 10;
    char *huge = malloc(big);
    assert_non_null(huge);
    memset(huge, '#', big);
    write_file("fuzz.yaml", huge, big);
    free(huge);
    assert_int_equal(load_file("fuzz.yaml", &sc, &err), TS_ERR_SCENARIO);
    snprintf(expected, sizeof expected, "%s: file too large (expected at most 4194304 bytes)",
             path);
    assert_string_equal(err.msg, expected);

    /* A directory. */
    snprintf(path, sizeof path, "%s/scenario", TS_TEST_TMPDIR);
    assert_int_equal(ts_scenario_load(&tst_sc_schema, path, &sc, &err), TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "cannot open (not a regular file)"));
}

/* Appends printf output to a growing buffer (for the large generated inputs). */
static void append(char **buf, size_t *used, size_t *cap, const char *fmt, ...) {
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(*buf + *used, *cap - *used, fmt, ap);
        va_end(ap);
        assert_true(n >= 0);
        if (*used + (size_t)n < *cap) {
            *used += (size_t)n;
            return;
        }
        *cap *= 2;
        *buf = realloc(*buf, *cap);
        assert_non_null(*buf);
    }
}

static void test_hostile_sizes_stay_cheap(void **state) {
    (void)state;
    size_t cap = 1 << 16;
    size_t used = 0;
    char *text = malloc(cap);
    assert_non_null(text);

    /* 100000 keys in one mapping: refused at the first unknown one. */
    for (int i = 0; i < 100000; i++) {
        append(&text, &used, &cap, "x%d: 1\n", i);
    }
    tst_sc_expect_error(text,
                        "s.yaml:1:1: x0: unknown key (expected one of: name, days, seed, domains, "
                        "note, trust, work, tactics, many, extends, events, sweep)");

    /* An event with 50000 fields. */
    used = 0;
    append(&text, &used, &cap, "events:\n  - {day: 1, kind: shift");
    for (int i = 0; i < 50000; i++) {
        append(&text, &used, &cap, ", magnitude: 1");
    }
    append(&text, &used, &cap, "}\n");
    tst_sc_expect_error(text, "s.yaml:2:41: events[0].magnitude: duplicate key \"magnitude\"");

    /* 500000 domains. */
    used = 0;
    append(&text, &used, &cap, "domains: [a");
    for (int i = 0; i < 500000; i++) {
        append(&text, &used, &cap, ", a");
    }
    append(&text, &used, &cap, "]\n");
    tst_sc_expect_error(text,
                        "s.yaml:1:10: domains: too many items (got 500001, expected a list of 1 "
                        "to 8 unique names)");

    /* 90000 grid points: review 0.7 > delegate 0.5 only at g = 40000, where two keys are
     * off their first value. Without events finalize checks every point and finds it. */
    used = 0;
    append(&text, &used, &cap,
           "sweep:\n"
           "  trust.review: [0.1, 0.7, 0.1]\n"
           "  trust.delegate: [0.9, 0.5, 0.9]\n");
    for (int k = 0; k < 4; k++) {
        append(&text, &used, &cap, "  many.k%02d: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]\n", k);
    }
    tst_sc_expect_error(text, "s.yaml:2:23: trust.review: must not exceed trust.delegate (got 0.7, "
                              "expected <= 0.5)");
    /* With 300 events the work passes the budget: finalize checks a spanning subset of
     * points, and ts_scenario_at_point still refuses the bad one. */
    append(&text, &used, &cap, "events:\n");
    for (int i = 0; i < 300; i++) {
        append(&text, &used, &cap, "  - {day: %d, kind: shift}\n", 1 + i % 9);
    }
    ts_scenario *sc = tst_sc_load_ok(text);
    ts_scenario *pt = NULL;
    ts_error err = {0};
    assert_int_equal(ts_scenario_n_points(sc), 90000);
    assert_int_equal(ts_scenario_at_point(sc, 39999, &pt, &err), TS_OK);
    assert_near(ts_scenario_real(pt, "trust.review"), 0.7, 0);
    assert_near(ts_scenario_real(pt, "trust.delegate"), 0.9, 0);
    ts_scenario_free(pt);
    assert_int_equal(ts_scenario_at_point(sc, 40000, &pt, &err), TS_ERR_SCENARIO);
    assert_null(pt);
    assert_string_equal(err.msg, "s.yaml:2:23: trust.review: must not exceed trust.delegate (got "
                                 "0.7, expected <= 0.5)");
    ts_scenario_free(sc);
    free(text);
}

static void test_fuzz_random_bytes(void **state) {
    (void)state;
    uint64_t s = UINT64_C(0x3717);
    char buf[512];
    for (int round = 0; round < 300; round++) {
        size_t len = (size_t)(next_random(&s) % sizeof buf);
        for (size_t i = 0; i < len; i++) {
            buf[i] = (char)(next_random(&s) & 0xFF);
        }
        expect_no_crash(buf, len);
    }
}

static void test_fuzz_mutated_valid_file(void **state) {
    (void)state;
    static const char valid[] = "name: fuzz\n"
                                "days: 90\n"
                                "domains: [design, ops]\n"
                                "trust: {prior_mean: 0.5, review: 0.2}\n"
                                "work:\n"
                                "  stakeholders: {base: 2}\n"
                                "  schedule: [[0, 1], [5, 2]]\n"
                                "tactics:\n"
                                "  feedback: {every: 3}\n"
                                "events:\n"
                                "  - {day: 9, kind: incident, domain: ops}\n"
                                "sweep: {seed: [1, 2], trust.delegate: [0.5, 0.9],\n"
                                "  variants: [{name: a}, {name: b, tactics.chats: {},\n"
                                "             days: 30, tactics: {feedback: false}}]}\n";
    static const char alphabet[] = "{}[]:,-#&*!|>'\"\n \t.0e9ax\\";
    uint64_t s = UINT64_C(0x5eed);
    char buf[sizeof valid + 16];
    size_t n = sizeof valid - 1;
    ts_scenario *sc = tst_sc_load_ok(valid); /* the seed of the mutations is valid, variants too */
    assert_int_equal(ts_scenario_n_points(sc), 8);
    ts_scenario_free(sc);
    expect_no_crash(valid, n);
    /* Every prefix of the valid file. */
    for (size_t len = 0; len <= n; len++) {
        expect_no_crash(valid, len);
    }
    /* Random single and triple byte replacements. */
    for (int round = 0; round < 400; round++) {
        memcpy(buf, valid, n);
        int edits = round % 2 ? 3 : 1;
        for (int e = 0; e < edits; e++) {
            size_t at = (size_t)(next_random(&s) % n);
            buf[at] = alphabet[next_random(&s) % (sizeof alphabet - 1)];
        }
        expect_no_crash(buf, n);
    }
}

/* ---- Named variants ------------------------------------------------------------------ */

static void test_variants_at_point(void **state) {
    (void)state;
    ts_scenario *sc = tst_sc_load_ok(tst_sc_variants_text);
    ts_scenario *pt = tst_sc_point_ok(sc, 1); /* none, seed 2 */
    assert_int_equal(ts_scenario_n_sweep_keys(pt), 0);
    assert_int_equal(ts_scenario_n_points(pt), 1);
    assert_int_equal(ts_scenario_section_on(pt, "tactics.feedback"), 0);
    assert_int_equal(ts_scenario_section_on(pt, "tactics.chats"), 0);
    assert_int_equal(ts_scenario_int(pt, "seed"), 2);
    assert_int_equal(ts_scenario_int(pt, "days"), 365);
    ts_scenario_free(pt);

    pt = tst_sc_point_ok(sc, 2); /* feedback: on here only, with its defaults */
    assert_int_equal(ts_scenario_section_on(pt, "tactics.feedback"), 1);
    assert_int_equal(ts_scenario_bool(pt, "tactics.feedback.enabled"), 1);
    assert_int_equal(ts_scenario_int(pt, "tactics.feedback.every"), 7);
    assert_int_equal(ts_scenario_section_on(pt, "tactics.chats"), 0);
    assert_int_equal(ts_scenario_int(pt, "seed"), 1);
    ts_scenario_free(pt);

    /* chats: off in the base (enabled: false), turned on by the variant with the
     * base's per_week; days from the variant, located where the variant says it. */
    pt = tst_sc_point_ok(sc, 5);
    assert_int_equal(ts_scenario_section_on(pt, "tactics.chats"), 1);
    assert_near(ts_scenario_real(pt, "tactics.chats.per_week"), 4, 0);
    assert_int_equal(ts_scenario_section_on(pt, "tactics.feedback"), 0);
    assert_int_equal(ts_scenario_int(pt, "days"), 30);
    assert_int_equal(ts_scenario_int(pt, "seed"), 2);
    ts_mark m;
    assert_int_equal(ts_scenario_mark_of(pt, "days", &m), 1);
    assert_string_equal(m.file, "s.yaml");
    assert_int_equal(m.line, 9);
    assert_int_equal(m.col, 13);
    ts_scenario_free(pt);

    /* A key inside a tactic turns it on too; other keys keep the base values. */
    pt = tst_sc_point_ok(sc, 6);
    assert_int_equal(ts_scenario_section_on(pt, "tactics.feedback"), 1);
    assert_int_equal(ts_scenario_int(pt, "tactics.feedback.every"), 3);
    assert_near(ts_scenario_real(pt, "trust.prior_mean"), 0.9, 0);
    assert_int_equal(ts_scenario_int(pt, "days"), 365);
    ts_scenario_free(pt);

    /* The base is untouched by making points. */
    assert_near(ts_scenario_real(sc, "trust.prior_mean"), 0.6, 0);
    assert_int_equal(ts_scenario_int(sc, "days"), 365);
    ts_scenario_free(sc);

    /* A variant can turn a tactic of the base off, and its `enabled` wins. */
    sc = tst_sc_load_ok("tactics: {feedback: {every: 2}}\n"
                        "sweep:\n"
                        "  variants:\n"
                        "    - {name: kept}\n"
                        "    - {name: off_a, tactics.feedback: false}\n"
                        "    - {name: off_b, tactics: {feedback: {enabled: false, every: 5}}}\n");
    assert_string_equal(ts_scenario_sweep_value(sc, 0, 0), "kept");
    for (size_t g = 0; g < 3; g++) {
        pt = tst_sc_point_ok(sc, g);
        assert_int_equal(ts_scenario_section_on(pt, "tactics.feedback"), g == 0);
        assert_int_equal(ts_scenario_int(pt, "tactics.feedback.every"), g == 2 ? 5 : 2);
        ts_scenario_free(pt);
    }
    ts_scenario_free(sc);
}

static void test_variants_checked_at_every_point(void **state) {
    (void)state;
    /* Each point is checked with the variant's values, located in the variant. */
    tst_sc_expect_error(
        "trust: {delegate: 0.5}\n"
        "sweep:\n"
        "  variants:\n"
        "    - {name: ok, trust.review: 0.5}\n"
        "    - {name: bad, trust.review: 0.7}\n",
        "s.yaml:5:33: trust.review: must not exceed trust.delegate (got 0.7, expected <= "
        "0.5)");
    tst_sc_expect_error(
        "events: [{day: 20, kind: shift}]\n"
        "sweep: {variants: [{name: long}, {name: short, days: 10}]}\n",
        "s.yaml:1:16: events[0].day: out of range (got 20, expected a day in [1, 10])");
    /* A key both swept and set by a variant. */
    tst_sc_expect_error(
        "sweep:\n"
        "  days: [5, 6]\n"
        "  variants: [{name: a}, {name: b, days: 3}]\n",
        "s.yaml:3:41: sweep.variants[1].days: also a sweep key (expected each key either "
        "swept or set by variants)");
    tst_sc_expect_error(
        "sweep:\n"
        "  tactics.feedback.enabled: [true, false]\n"
        "  variants: [{name: a, tactics.feedback: {every: 2}}]\n",
        "s.yaml:3:14: sweep.variants[0].tactics.feedback.enabled: also a sweep key "
        "(expected each key either swept or set by variants; naming the tactic turns it "
        "on)");
}

static void test_variants_set_and_extends(void **state) {
    (void)state;
    ts_error err = {0};
    ts_scenario *sc =
        tst_sc_load_ok("sweep: {variants: [{name: a}, {name: b}], seed: [1, 2, 3]}\n");
    /* --set replaces the list, which stays outermost. */
    tst_sc_set_ok(sc, "sweep.variants=[{name: x, days: 9}]");
    assert_int_equal(ts_scenario_finalize(sc, &err), TS_OK);
    assert_int_equal(ts_scenario_n_points(sc), 3);
    assert_string_equal(ts_scenario_sweep_key(sc, 0), "variant");
    assert_string_equal(ts_scenario_sweep_value(sc, 0, 2), "x");
    tst_sc_set_ok(sc, "sweep={variants: [{name: p}, {name: q}], days: [4]}");
    assert_int_equal(ts_scenario_finalize(sc, &err), TS_OK);
    assert_int_equal(ts_scenario_n_points(sc), 6);
    assert_string_equal(ts_scenario_sweep_key(sc, 2), "days");
    assert_string_equal(ts_scenario_sweep_value(sc, 0, 3), "q");
    ts_scenario *pt = tst_sc_point_ok(sc, 0);
    assert_int_equal(ts_scenario_int(pt, "days"), 4);
    ts_scenario_free(pt);
    /* A copy holds its own variants. */
    ts_scenario *cp = ts_scenario_copy(sc);
    ts_scenario_free(sc);
    assert_non_null(cp);
    assert_string_equal(ts_scenario_sweep_value(cp, 0, 5), "q");
    pt = tst_sc_point_ok(cp, 5);
    assert_int_equal(ts_scenario_int(pt, "seed"), 3);
    ts_scenario_free(pt);
    ts_scenario_free(cp);

    tst_sc_expect_set_error(
        "sweep.variants=[{name: a, days: x}]",
        "--set sweep.variants=[{name: a, days: x}]: sweep.variants[0].days: not an "
        "integer (got \"x\", expected an integer in [1, 36500])");
    tst_sc_expect_set_error("sweep.variants=[{days: 3}]",
                            "--set sweep.variants=[{days: 3}]: sweep.variants[0]: missing name "
                            "(expected name: followed by an identifier such as fast_hiring)");

    /* A later file's variants replace those it extends. */
    static const char base[] = "sweep: {variants: [{name: a}, {name: b}, {name: c}]}\n";
    static const char top_text[] = "extends: variants_base.yaml\n"
                                   "sweep: {variants: [{name: z, days: 2}]}\n";
    char top[512];
    write_file("variants_base.yaml", base, strlen(base));
    write_file("variants_top.yaml", top_text, strlen(top_text));
    tmp_path(top, sizeof top, "variants_top.yaml");
    sc = NULL;
    assert_int_equal(ts_scenario_load(&tst_sc_schema, top, &sc, &err), TS_OK);
    assert_int_equal(ts_scenario_finalize(sc, &err), TS_OK);
    assert_int_equal(ts_scenario_n_points(sc), 1);
    assert_string_equal(ts_scenario_sweep_value(sc, 0, 0), "z");
    ts_scenario_free(sc);
}

/* The base of a sweep: every key at its value outside the sweep, no variant applied, no
 * sweep left; the scenario it comes from keeps its grid. */
static void test_base_drops_the_sweep(void **state) {
    (void)state;
    char text[1024];
    snprintf(text, sizeof text, "days: 50\n%s", tst_sc_variants_text);
    ts_scenario *sc = tst_sc_load_ok(text);
    ts_scenario *base = NULL;
    ts_error err = {0};
    assert_int_equal(ts_scenario_base(sc, &base, &err), TS_OK);
    /* The same scenario as the file without its sweep. */
    ts_scenario *plain = tst_sc_load_ok("days: 50\n"
                                        "tactics: {chats: {enabled: false, per_week: 4}}\n");
    char *y_base = ts_scenario_to_yaml(base);
    char *y_plain = ts_scenario_to_yaml(plain);
    assert_string_equal(y_base, y_plain);
    assert_int_equal(ts_scenario_n_points(base), 1);
    free(y_base);
    free(y_plain);
    ts_scenario_free(plain);
    ts_scenario_free(base);
    assert_int_equal(ts_scenario_n_points(sc), 8);
    ts_scenario_free(sc);

    /* The base is checked as a scenario of its own: every point may pass while it fails. */
    sc = tst_sc_load_ok("trust: {review: 0.7}\nsweep: {trust.delegate: [0.8, 0.9]}\n");
    assert_int_equal(ts_scenario_base(sc, &base, &err), TS_ERR_SCENARIO);
    assert_null(base);
    assert_string_equal(err.msg, "s.yaml:1:17: trust.review: must not exceed trust.delegate (got "
                                 "0.7, expected <= 0.6)");
    ts_scenario_free(sc);
}

/* --set needs a scenario and an assignment, and a value of at most 4 MiB. */
static void test_set_refuses_nothing_and_huge_values(void **state) {
    (void)state;
    ts_scenario *sc = tst_sc_load_ok("");
    ts_error err = {0};
    assert_int_equal(ts_scenario_set(NULL, "days=3", &err), TS_ERR_INTERNAL);
    assert_string_equal(err.msg, "ts_scenario_set: no scenario or assignment");
    assert_int_equal(ts_scenario_set(sc, NULL, &err), TS_ERR_INTERNAL);
    size_t n = TS_YAML_MAX_BYTES + 1;
    char *huge = malloc(n + 6);
    assert_non_null(huge);
    memcpy(huge, "note=", 5);
    memset(huge + 5, 'x', n);
    huge[n + 5] = '\0';
    assert_int_equal(ts_scenario_set(sc, huge, &err), TS_ERR_SCENARIO);
    assert_string_equal(err.msg, "--set: value too long (got 4194305 bytes, expected at most "
                                 "4194304)");
    free(huge);
    assert_string_equal(ts_scenario_string(sc, "note"), "plain");
    ts_scenario_free(sc);
}

/* ---- Running out of memory ------------------------------------------------------- */

/* What `trustsim run FILE --set ...` does with a scenario before running it: load (with
 * its extends), one override, finalize (the sweep's grid), the resolved YAML and a copy;
 * ctx is the file's path. 1 when it did not all come back. */
static int load_failing(void *ctx) {
    const char *path = ctx;
    ts_scenario *sc = NULL, *copy = NULL;
    char *yaml = NULL;
    ts_error err;
    ts_status st = ts_scenario_load(ts_modules_schema(), path, &sc, &err);
    if (st == TS_OK) {
        st = ts_scenario_set(sc, "trust.forgetting=0.99", &err);
    }
    if (st == TS_OK) {
        st = ts_scenario_finalize(sc, &err);
    }
    if (st == TS_OK) {
        yaml = ts_scenario_to_yaml(sc);
        copy = ts_scenario_copy(sc);
    }
    tst_alloc_stop();
    int whole = st == TS_OK && yaml && copy;
    free(yaml);
    ts_scenario_free(copy);
    ts_scenario_free(sc);
    tst_alloc_nomem(st, &err);
    return !whole;
}

/* Every allocation of loading a scenario fails once, in turn: the loader reports
 * TS_ERR_NOMEM with its message, or the YAML or the copy comes back NULL (their way of
 * saying it), and nothing crashes or leaks (the sanitizer tree). The file extends the
 * shipped tactics.yaml, a sweep with variants, so one sweep covers both. */
static void test_load_out_of_memory(void **state) {
    (void)state;
    char child[2048], path[1024];
    int len = snprintf(child, sizeof child, "extends: %s/scenarios/tactics.yaml\nseed: 9\n",
                       TS_SOURCE_DIR);
    assert_true(len > 0 && (size_t)len < sizeof child);
    write_file("oom_child.yaml", child, (size_t)len);
    tmp_path(path, sizeof path, "oom_child.yaml");
    tst_alloc_sweep s = tst_alloc_fail_each(path, load_failing, path);
    assert_true(s.failed >= 10 && s.reported == s.failed);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_comment_only_and_null_document),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_top_level_must_be_mapping),
        cmocka_unit_test(test_anchors_aliases_tags_refused),
        cmocka_unit_test(test_extends_merges_and_overrides),
        cmocka_unit_test(test_extends_replaces_lists_and_events),
        cmocka_unit_test(test_extends_errors),
        cmocka_unit_test(test_extends_only_regular_files),
        cmocka_unit_test(test_extends_depth_limit),
        cmocka_unit_test(test_extends_from_string_uses_base_dir),
        cmocka_unit_test(test_set_scalars_lists_maps),
        cmocka_unit_test(test_set_errors),
        cmocka_unit_test(test_set_failure_leaves_scenario_unchanged),
        cmocka_unit_test(test_sweep_grid_order_and_points),
        cmocka_unit_test(test_sweep_checks_every_point),
        cmocka_unit_test(test_variants_at_point),
        cmocka_unit_test(test_variants_checked_at_every_point),
        cmocka_unit_test(test_variants_set_and_extends),
        cmocka_unit_test(test_name_resolution),
        cmocka_unit_test(test_derived_name_is_made_safe),
        cmocka_unit_test(test_copy_is_deep_and_finalize_idempotent),
        cmocka_unit_test(test_hostile_inputs),
        cmocka_unit_test(test_hostile_sizes_stay_cheap),
        cmocka_unit_test(test_fuzz_random_bytes),
        cmocka_unit_test(test_fuzz_mutated_valid_file),
        cmocka_unit_test(test_base_drops_the_sweep),
        cmocka_unit_test(test_set_refuses_nothing_and_huge_values),
        cmocka_unit_test(test_load_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
