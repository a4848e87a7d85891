/* Tests of sim/app/targets.c: a targets file read in full (targets, windows, scales,
 * parameters, settings, defaults, positions kept for later messages, the ABC configuration it
 * gives), files read from disk, and every bad input refused with FILE:LINE:COL, the path, and what
 * was expected, against a small model given through the callbacks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_fail.h"
#include "targets.h"
#include "yamlio.h"

/* ---- The model the parser is told about ------------------------------------------------- */

static const char *const SUMMARIES[] = {"escalations_per_decision", "output_per_head",
                                        "deep_dives_per_decision"};
static const char *const DAILY[] = {"leader_in_system", "trust_mean", "trust_team"};

static const ts_param PARAMS[] = {
    {.key = "culture.safety", .type = TS_PT_REAL, .min = 0.0, .max = 1.0},
    {.key = "population.candor.mean", .type = TS_PT_REAL, .min = 0.0, .max = 1.0},
    {.key = "org.headcount", .type = TS_PT_INT, .min = 2.0, .max = 100000.0},
    {.key = "trust.rate", .type = TS_PT_REAL, .min = -INFINITY, .max = INFINITY},
    {.key = "hiring.growth", .type = TS_PT_ENUM, .choices = "none|linear"},
    {.key = "tactics.feedback.enabled", .type = TS_PT_BOOL},
    {.key = "name", .type = TS_PT_STRING},
    {.key = "work.domains", .type = TS_PT_STRLIST},
};
#define N_PARAMS (sizeof PARAMS / sizeof PARAMS[0])

/* "free.N" keys: real in [0, 1], as many as asked (to pass the parameter limit). */
static const ts_param FREE_PARAM = {.key = "free", .type = TS_PT_REAL, .min = 0.0, .max = 1.0};

/* Counts the callbacks' calls, to check ctx is passed through. */
typedef struct fake_ctx {
    size_t calls;
} fake_ctx;

static int fake_kind(void *ctx, const char *name) {
    ((fake_ctx *)ctx)->calls++;
    for (size_t i = 0; i < 3; i++) {
        if (strcmp(name, SUMMARIES[i]) == 0) {
            return TS_TARGET_SUMMARY;
        }
        if (strcmp(name, DAILY[i]) == 0) {
            return TS_TARGET_DAILY;
        }
    }
    return TS_TARGET_UNKNOWN;
}

static const char *fake_name(void *ctx, size_t i) {
    (void)ctx;
    return i < 3 ? SUMMARIES[i] : i < 6 ? DAILY[i - 3] : NULL;
}

static const ts_param *fake_param(void *ctx, const char *path) {
    ((fake_ctx *)ctx)->calls++;
    for (size_t i = 0; i < N_PARAMS; i++) {
        if (strcmp(path, PARAMS[i].key) == 0) {
            return &PARAMS[i];
        }
    }
    return strncmp(path, "free.", 5) == 0 ? &FREE_PARAM : NULL;
}

static const char *fake_param_name(void *ctx, size_t i) {
    (void)ctx;
    return i < N_PARAMS ? PARAMS[i].key : NULL;
}

static fake_ctx CTX;
static const ts_targets_model MODEL = {&CTX, fake_kind, fake_name, fake_param, fake_param_name};
/* The same without the listing callbacks: no hints. */
static const ts_targets_model BARE = {&CTX, fake_kind, NULL, fake_param, NULL};

/* ---- A good file --------------------------------------------------------------------------- */

static const char GOOD[] =
    "targets:\n"
    "  - {metric: escalations_per_decision, value: 0.4, sd: 0.05}\n"
    "  - {metric: leader_in_system, stat: mean, window: [180, 365], value: 0.33, tolerance: "
    "0.05}\n"
    "  - {metric: trust_mean, stat: last, value: 0.6, sd: 0.05}\n"
    "parameters:\n"
    "  culture.safety: [0.2, 0.9]\n"
    "  population.candor.mean: [0.1, 0.9]\n"
    "  org.headcount: [50, 200]\n"
    "particles: 300\n"
    "alpha: 0.4\n"
    "p_acc_min: 0.02\n"
    "max_runs: 6000\n";

static void test_good_file(void **state) {
    (void)state;
    ts_targets *t = NULL;
    ts_error err;
    CTX.calls = 0;
    assert_int_equal(ts_targets_load_string(GOOD, strlen(GOOD), "t.yaml", &MODEL, &t, &err), TS_OK);
    assert_true(CTX.calls >= 6);
    assert_string_equal(t->file, "t.yaml");
    assert_int_equal(t->n_targets, 3);
    const ts_target *a = &t->targets[0], *b = &t->targets[1], *c = &t->targets[2];
    assert_string_equal(a->metric, "escalations_per_decision");
    assert_int_equal(a->kind, TS_TARGET_SUMMARY);
    assert_int_equal(a->stat, TS_TARGET_STAT_NONE);
    assert_false(a->has_window);
    assert_true(a->value == 0.4 && a->scale == 0.05 && a->is_sd);
    assert_string_equal(a->at, "t.yaml:2:5: targets[0]");
    assert_string_equal(a->window_at, "");
    assert_string_equal(b->metric, "leader_in_system");
    assert_int_equal(b->kind, TS_TARGET_DAILY);
    assert_int_equal(b->stat, TS_TARGET_STAT_MEAN);
    assert_true(b->has_window && b->from == 180 && b->to == 365);
    assert_true(b->value == 0.33 && b->scale == 0.05 && !b->is_sd);
    assert_string_equal(b->window_at, "t.yaml:3:52: targets[1].window");
    assert_int_equal(c->stat, TS_TARGET_STAT_LAST);
    assert_true(!c->has_window && c->from == 0 && c->to == -1);
    /* Parameters, in the file's order. */
    assert_int_equal(t->n_params, 3);
    assert_string_equal(t->params[0].key, "culture.safety");
    assert_true(t->params[0].low == 0.2 && t->params[0].high == 0.9 && !t->params[0].integer);
    assert_string_equal(t->params[0].at, "t.yaml:6:19: parameters.culture.safety");
    assert_string_equal(t->params[1].key, "population.candor.mean");
    assert_string_equal(t->params[2].key, "org.headcount");
    assert_true(t->params[2].low == 50.0 && t->params[2].high == 200.0 && t->params[2].integer);
    assert_string_equal(t->params[2].at, "t.yaml:8:18: parameters.org.headcount");
    /* Settings and the parallel arrays. */
    assert_int_equal(t->particles, 300);
    assert_true(t->alpha == 0.4 && t->p_acc_min == 0.02);
    assert_int_equal(t->max_runs, 6000);
    const double values[] = {0.4, 0.33, 0.6}, scales[] = {0.05, 0.05, 0.05};
    assert_memory_equal(t->values, values, sizeof values);
    assert_memory_equal(t->scales, scales, sizeof scales);
    assert_true(t->low[1] == 0.1 && t->high[1] == 0.9 && t->integer[2] == 1 && !t->integer[1]);
    /* The ABC configuration it gives is valid and starts a run. */
    ts_abc_config cfg;
    ts_targets_abc_config(t, 0x3717, &cfg);
    assert_int_equal(cfg.k, 3);
    assert_int_equal(cfg.n_particles, 300);
    assert_true(cfg.alpha == 0.4 && cfg.p_acc_min == 0.02 && cfg.seed == 0x3717);
    assert_int_equal(cfg.max_runs, 6000);
    assert_true(cfg.low == t->low && cfg.integer == t->integer);
    assert_int_equal(ts_abc_config_check(&cfg, &err), TS_OK);
    ts_abc *abc;
    assert_int_equal(ts_abc_create(&cfg, &abc, &err), TS_OK);
    size_t n;
    const double *pts;
    assert_int_equal(ts_abc_ask(abc, &n, &pts, &err), TS_OK);
    assert_int_equal(n, 300);
    for (size_t j = 0; j < n; j++) {
        double h = pts[3 * j + 2];
        assert_true(h == floor(h) && h >= 50.0 && h <= 200.0);
    }
    ts_abc_free(abc);
    ts_targets_free(t);
    ts_targets_free(NULL);
}

static void test_defaults(void **state) {
    (void)state;
    const char text[] = "# only what is required\n"
                        "targets:\n"
                        "  - metric: trust_team\n"
                        "    stat: mean\n"
                        "    value: 0.3717\n"
                        "    sd: 0.02\n"
                        "parameters:\n"
                        "  trust.rate: [-2.5, 1e3]\n";
    ts_targets *t = NULL;
    ts_error err;
    assert_int_equal(ts_targets_load_string(text, strlen(text), "d.yaml", &BARE, &t, &err), TS_OK);
    assert_int_equal(t->particles, TS_TARGETS_DEFAULT_PARTICLES);
    assert_true(t->alpha == 0.5 && t->p_acc_min == 0.05);
    assert_int_equal(t->max_runs, 25 * 200);
    assert_true(t->targets[0].stat == TS_TARGET_STAT_MEAN && !t->targets[0].has_window);
    assert_string_equal(t->targets[0].at, "d.yaml:3:5: targets[0]");
    /* A key without bounds of its own takes any finite range. */
    assert_true(t->low[0] == -2.5 && t->high[0] == 1000.0);
    ts_abc_config cfg;
    ts_targets_abc_config(t, 1, &cfg);
    assert_int_equal(ts_abc_config_check(&cfg, &err), TS_OK);
    ts_targets_free(t);
}

/* The settings at their limits: the least particles and budget that are allowed. */
static void test_limits(void **state) {
    (void)state;
    const char text[] = "targets:\n"
                        "  - {metric: output_per_head, value: 3, tolerance: 1}\n"
                        "parameters:\n"
                        "  culture.safety: [0, 1]\n"
                        "particles: 4\n"
                        "alpha: 0.5\n"
                        "p_acc_min: 0\n"
                        "max_runs: 6\n";
    ts_targets *t = NULL;
    ts_error err;
    assert_int_equal(ts_targets_load_string(text, strlen(text), "l.yaml", &MODEL, &t, &err), TS_OK);
    assert_int_equal(t->particles, 4);
    assert_int_equal(t->max_runs, 6);
    assert_true(t->p_acc_min == 0.0 && t->values[0] == 3.0 && t->scales[0] == 1.0);
    ts_abc_config cfg;
    ts_targets_abc_config(t, 1, &cfg);
    assert_int_equal(ts_abc_config_check(&cfg, &err), TS_OK);
    ts_targets_free(t);
}

/* ---- Files on disk ------------------------------------------------------------------------- */

static void test_load_file(void **state) {
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/targets_good.yaml", TS_TEST_TMPDIR);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(GOOD, f);
    fclose(f);
    ts_targets *t = NULL;
    ts_error err;
    assert_int_equal(ts_targets_load(path, &MODEL, &t, &err), TS_OK);
    assert_int_equal(t->n_targets, 3);
    assert_string_equal(t->file, path);
    ts_targets_free(t);

    t = (ts_targets *)1;
    assert_int_equal(ts_targets_load(TS_TEST_TMPDIR "/no_such_targets.yaml", &MODEL, &t, &err),
                     TS_ERR_SCENARIO);
    assert_null(t);
    assert_non_null(strstr(err.msg, "no_such_targets.yaml: cannot read the targets file: No such"));
    assert_int_equal(ts_targets_load(TS_TEST_TMPDIR, &MODEL, &t, &err), TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "not a regular file"));
    /* An error inside a file names the file as given. */
    snprintf(path, sizeof path, "%s/targets_bad.yaml", TS_TEST_TMPDIR);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("targets:\n  - {metric: trust_mean, value: 0.6, sd: 0.05}\nparameters: {}\n", f);
    fclose(f);
    assert_int_equal(ts_targets_load(path, &MODEL, &t, &err), TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "targets_bad.yaml:2:5: targets[0].stat: missing"));
    remove(path);
}

static void test_too_large(void **state) {
    (void)state;
    size_t len = TS_YAML_MAX_BYTES + 1;
    char *text = malloc(len);
    assert_non_null(text);
    memset(text, '#', len);
    ts_targets *t = NULL;
    ts_error err;
    assert_int_equal(ts_targets_load_string(text, len, "big.yaml", &MODEL, &t, &err),
                     TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "big.yaml: too large (got 4194305 bytes, expected at most"));
    free(text);
}

/* ---- Bad input ----------------------------------------------------------------------------- */

/* Loads text as "t.yaml" with model m: it must fail with TS_ERR_SCENARIO and a message holding
 * want. */
static void expect_bad(const ts_targets_model *m, const char *text, const char *want) {
    ts_targets *t = (ts_targets *)1;
    ts_error err;
    ts_error_clear(&err);
    ts_status st = ts_targets_load_string(text, strlen(text), "t.yaml", m, &t, &err);
    if (st != TS_ERR_SCENARIO || !strstr(err.msg, want)) {
        fail_msg("status %d, message \"%s\" lacks \"%s\"\nin:\n%s", (int)st, err.msg, want, text);
    }
    assert_int_equal(err.status, TS_ERR_SCENARIO);
    assert_null(t);
    assert_int_equal(ts_status_exit_code(st), 2);
}

/* A file of one target line T, one parameter line P and extra lines X (each with its "\n"):
 * the target is at 2:5 and the parameter's key at 4:3. */
static char *doc(const char *target, const char *param, const char *extra) {
    static char buf[4096];
    snprintf(buf, sizeof buf, "targets:\n  - %s\nparameters:\n  %s\n%s", target, param, extra);
    return buf;
}

#define T_OK "{metric: escalations_per_decision, value: 0.4, sd: 0.05}"
#define P_OK "culture.safety: [0.2, 0.9]"

static void test_bad_document(void **state) {
    (void)state;
    expect_bad(&MODEL, "", "t.yaml: empty (expected a mapping with targets and parameters)");
    expect_bad(&MODEL, "# nothing\n", "t.yaml: empty");
    expect_bad(&MODEL, "- 1\n",
               "t.yaml:1:1: not a mapping (got a list, expected a mapping with targets and "
               "parameters)");
    expect_bad(&MODEL, "targets: [\n", "t.yaml:");
    expect_bad(&MODEL, doc(T_OK, P_OK, "particle: 100\n"),
               "t.yaml:5:1: particle: unknown key (expected one of: targets, parameters, "
               "particles, alpha, p_acc_min, max_runs)");
    expect_bad(&MODEL, doc(T_OK, P_OK, "alpha: 0.5\nalpha: 0.4\n"),
               "t.yaml:6:1: alpha: duplicate key (first at line 5)");
    expect_bad(&MODEL, "parameters:\n  " P_OK "\n",
               "t.yaml:1:1: targets: missing (expected a list of targets)");
    expect_bad(&MODEL, "targets:\n  - " T_OK "\n",
               "t.yaml:1:1: parameters: missing (expected a mapping KEY: [LOW, HIGH])");
    expect_bad(&MODEL, "targets: []\nparameters:\n  " P_OK "\n",
               "t.yaml:1:10: targets: empty (got 0 targets, expected 1 to 1000)");
    expect_bad(&MODEL, "targets: {metric: trust_mean}\nparameters:\n  " P_OK "\n",
               "t.yaml:1:10: targets: not a list of targets (got a mapping, expected - {metric: "
               "NAME, value: X, sd: S} items)");
    expect_bad(&MODEL, "targets:\nparameters:\n  " P_OK "\n",
               "t.yaml:1:9: targets: not a list of targets (got nothing");
}

static void test_bad_targets(void **state) {
    (void)state;
    expect_bad(&MODEL, doc("0.4", P_OK, ""),
               "t.yaml:2:5: targets[0]: not a mapping (got 0.4, expected {metric: NAME, value: X, "
               "sd: S})");
    expect_bad(&MODEL, doc("{metric: trust_mean, stat: last, valu: 0.4, sd: 0.1}", P_OK, ""),
               "t.yaml:2:38: targets[0].valu: unknown key (expected one of: metric, stat, window, "
               "value, sd, tolerance)");
    expect_bad(&MODEL, doc("{value: 0.4, sd: 0.1}", P_OK, ""),
               "t.yaml:2:5: targets[0].metric: missing (expected the name of a summary scalar or "
               "a daily metric)");
    expect_bad(&MODEL, doc("{metric: [a], value: 0.4, sd: 0.1}", P_OK, ""),
               "t.yaml:2:14: targets[0].metric: not a name (got a list");
    expect_bad(&MODEL, doc("{metric: escalation_per_decision, value: 0.4, sd: 0.1}", P_OK, ""),
               "t.yaml:2:14: targets[0].metric: unknown metric (got \"escalation_per_decision\", "
               "did you mean escalations_per_decision?)");
    expect_bad(&MODEL, doc("{metric: zzz, value: 0.4, sd: 0.1}", P_OK, ""),
               "targets[0].metric: unknown metric (got \"zzz\", expected one of: "
               "escalations_per_decision, output_per_head, deep_dives_per_decision, "
               "leader_in_system, trust_mean, trust_team)");
    expect_bad(&BARE, doc("{metric: zzz, value: 0.4, sd: 0.1}", P_OK, ""),
               "targets[0].metric: unknown metric (got \"zzz\", expected a summary scalar or "
               "daily metric of the scenario)");
    /* stat and window: for daily metrics only. */
    expect_bad(&MODEL,
               doc("{metric: escalations_per_decision, window: [180, 365], value: 0.4, sd: 0.05}",
                   P_OK, ""),
               "t.yaml:2:48: targets[0].window: not for a summary scalar "
               "(escalations_per_decision is one value per run; stat and window are for daily "
               "metrics)");
    expect_bad(&MODEL, doc("{metric: output_per_head, stat: mean, value: 0.4, sd: 0.05}", P_OK, ""),
               "t.yaml:2:37: targets[0].stat: not for a summary scalar");
    expect_bad(&MODEL, doc("{metric: leader_in_system, value: 0.33, sd: 0.05}", P_OK, ""),
               "t.yaml:2:5: targets[0].stat: missing (expected mean or last: leader_in_system is "
               "a daily metric)");
    expect_bad(&MODEL, doc("{metric: trust_mean, stat: median, value: 0.6, sd: 0.05}", P_OK, ""),
               "t.yaml:2:32: targets[0].stat: unknown statistic (got \"median\", expected mean or "
               "last)");
    expect_bad(&MODEL, doc("{metric: trust_mean, stat: 1, value: 0.6, sd: 0.05}", P_OK, ""),
               "targets[0].stat: unknown statistic (got 1, expected mean or last)");
}

static void test_bad_windows(void **state) {
    (void)state;
    /* "  - {metric: trust_mean, stat: mean, window: " puts the window at column 46. */
#define WIN(w) "{metric: trust_mean, stat: mean, window: " w ", value: 0.6, sd: 0.05}"
    expect_bad(&MODEL, doc(WIN("180"), P_OK, ""),
               "t.yaml:2:46: targets[0].window: not a window (got 180, expected [FROM, TO]: "
               "recorded days counted from 0, FROM <= TO)");
    expect_bad(&MODEL, doc(WIN("[1, 2, 3]"), P_OK, ""), "targets[0].window: not a window");
    expect_bad(&MODEL, doc(WIN("[-5, 30]"), P_OK, ""),
               "t.yaml:2:47: targets[0].window[0]: out of range (got -5, expected a recorded "
               "day, an integer in [0, 1000000])");
    expect_bad(&MODEL, doc(WIN("[5, 1000001]"), P_OK, ""),
               "targets[0].window[1]: out of range (got 1000001");
    expect_bad(&MODEL, doc(WIN("[1.5, 30]"), P_OK, ""),
               "targets[0].window[0]: not an integer (got 1.5, expected a recorded day");
    expect_bad(&MODEL, doc(WIN("[30, last]"), P_OK, ""),
               "targets[0].window[1]: not an integer (got \"last\"");
    expect_bad(&MODEL, doc(WIN("[365, 180]"), P_OK, ""),
               "t.yaml:2:46: targets[0].window: reversed (got [365, 180], expected FROM <= TO)");
#undef WIN
}

static void test_bad_values_and_scales(void **state) {
    (void)state;
    expect_bad(&MODEL, doc("{metric: output_per_head, sd: 0.05}", P_OK, ""),
               "t.yaml:2:5: targets[0].value: missing (expected the target, a finite number)");
    expect_bad(&MODEL, doc("{metric: output_per_head, value: high, sd: 0.05}", P_OK, ""),
               "t.yaml:2:38: targets[0].value: not a number (got \"high\", expected a finite "
               "number)");
    expect_bad(&MODEL, doc("{metric: output_per_head, value: .nan, sd: 0.05}", P_OK, ""),
               "targets[0].value: not a number (got .nan");
    expect_bad(&MODEL, doc("{metric: output_per_head, value: \"0.4\", sd: 0.05}", P_OK, ""),
               "targets[0].value: not a number (got \"0.4\"");
    expect_bad(&MODEL, doc("{metric: output_per_head, value: 1e999, sd: 0.05}", P_OK, ""),
               "targets[0].value: not a number (got 1e999");
    expect_bad(&MODEL, doc("{metric: output_per_head, value: 0.4}", P_OK, ""),
               "t.yaml:2:5: targets[0]: no scale (expected exactly one of sd, tolerance: a "
               "number > 0)");
    expect_bad(&MODEL,
               doc("{metric: output_per_head, value: 0.4, sd: 0.1, tolerance: 0.1}", P_OK, ""),
               "t.yaml:2:63: targets[0].tolerance: both sd and tolerance (expected exactly one of "
               "them)");
    expect_bad(&MODEL, doc("{metric: output_per_head, value: 0.4, sd: 0}", P_OK, ""),
               "t.yaml:2:47: targets[0].sd: not positive (got 0, expected a number > 0)");
    expect_bad(&MODEL, doc("{metric: output_per_head, value: 0.4, sd: -0.05}", P_OK, ""),
               "targets[0].sd: not positive (got -0.05");
    expect_bad(&MODEL, doc("{metric: output_per_head, value: 0.4, tolerance: -1}", P_OK, ""),
               "targets[0].tolerance: not positive (got -1");
    expect_bad(&MODEL, doc("{metric: output_per_head, value: 0.4, sd: wide}", P_OK, ""),
               "targets[0].sd: not a number (got \"wide\"");
    /* The second target is checked too, with its own index. */
    expect_bad(&MODEL,
               "targets:\n  - " T_OK "\n  - {metric: trust_mean, stat: last, value: 0.6}\n"
               "parameters:\n  " P_OK "\n",
               "t.yaml:3:5: targets[1]: no scale");
}

static void test_bad_parameters(void **state) {
    (void)state;
    expect_bad(&MODEL, "targets:\n  - " T_OK "\nparameters: [0.2, 0.9]\n",
               "t.yaml:3:13: parameters: not a mapping of parameters (got a list, expected KEY: "
               "[LOW, HIGH] for each scenario key to calibrate)");
    expect_bad(&MODEL, "targets:\n  - " T_OK "\nparameters: {}\n",
               "t.yaml:3:13: parameters: empty (expected KEY: [LOW, HIGH] for at least one "
               "scenario key)");
    expect_bad(&MODEL, doc(T_OK, "culture.safty: [0.2, 0.9]", ""),
               "t.yaml:4:3: parameters.culture.safty: unknown key (did you mean culture.safety?)");
    expect_bad(&MODEL, doc(T_OK, "foo.bar: [0.2, 0.9]", ""),
               "t.yaml:4:3: parameters.foo.bar: unknown key (expected the full path of an int or "
               "real key of the scenario, e.g. culture.safety; trustsim keys lists them)");
    expect_bad(&BARE, doc(T_OK, "culture.safty: [0.2, 0.9]", ""),
               "parameters.culture.safty: unknown key (expected the full path");
    expect_bad(&MODEL, doc(T_OK, "hiring.growth: [0, 1]", ""),
               "t.yaml:4:3: parameters.hiring.growth: not a numeric key (got an enum key, "
               "expected an int or real key)");
    expect_bad(&MODEL, doc(T_OK, "tactics.feedback.enabled: [0, 1]", ""),
               "not a numeric key (got a bool key");
    expect_bad(&MODEL, doc(T_OK, "name: [0, 1]", ""), "not a numeric key (got a string key");
    expect_bad(&MODEL, doc(T_OK, "work.domains: [0, 1]", ""), "not a numeric key (got a list key");
    expect_bad(&MODEL, doc(T_OK, "culture.safety: 0.5", ""),
               "t.yaml:4:19: parameters.culture.safety: not a range (got 0.5, expected [LOW, "
               "HIGH]: the prior's bounds, LOW < HIGH)");
    expect_bad(&MODEL, doc(T_OK, "culture.safety: [0.1, 0.5, 0.9]", ""),
               "parameters.culture.safety: not a range (got a list");
    expect_bad(&MODEL, doc(T_OK, "culture.safety: [low, 0.9]", ""),
               "t.yaml:4:20: parameters.culture.safety[0]: not a number (got \"low\", expected a "
               "finite number)");
    expect_bad(&MODEL, doc(T_OK, "org.headcount: [50, 200.5]", ""),
               "t.yaml:4:23: parameters.org.headcount[1]: not an integer (got 200.5, expected an "
               "integer: org.headcount is an int key)");
    expect_bad(&MODEL, doc(T_OK, "culture.safety: [0.2, 1.5]", ""),
               "t.yaml:4:19: parameters.culture.safety: out of the key's range (got [0.2, 1.5], "
               "expected within [0, 1])");
    expect_bad(&MODEL, doc(T_OK, "org.headcount: [1, 200]", ""),
               "parameters.org.headcount: out of the key's range (got [1, 200], expected within "
               "[2, 100000])");
    expect_bad(&MODEL, doc(T_OK, "culture.safety: [0.9, 0.2]", ""),
               "t.yaml:4:19: parameters.culture.safety: empty range (got [0.9, 0.2], expected LOW "
               "< HIGH)");
    expect_bad(&MODEL, doc(T_OK, "culture.safety: [0.5, 0.5]", ""), "empty range (got [0.5, 0.5]");
    expect_bad(&MODEL, doc(T_OK, P_OK "\n  culture.safety: [0.3, 0.4]", ""),
               "t.yaml:5:3: parameters.culture.safety: duplicate parameter (first at line 4)");
    expect_bad(&MODEL, doc(T_OK, "? [a]\n  : [0.3, 0.4]", ""),
               "t.yaml:4:5: parameters: not a key (got a list, expected a scenario key path)");
    /* More parameters than ABC takes. */
    char text[8192];
    int len = snprintf(text, sizeof text, "targets:\n  - " T_OK "\nparameters:\n");
    for (int i = 0; i < 65; i++) {
        len += snprintf(text + len, sizeof text - (size_t)len, "  free.p%d: [0, 1]\n", i);
    }
    expect_bad(&MODEL, text, "t.yaml:4:3: parameters: too many (got 65, expected at most 64)");
}

static void test_bad_settings(void **state) {
    (void)state;
    expect_bad(&MODEL, doc(T_OK, P_OK, "particles: 3\n"),
               "t.yaml:5:12: particles: out of range (got 3, expected an integer in [4, 100000])");
    expect_bad(&MODEL, doc(T_OK, P_OK, "particles: 100001\n"), "particles: out of range");
    expect_bad(&MODEL, doc(T_OK, P_OK, "particles: 2.5e2\n"),
               "particles: not an integer (got 2.5e2, expected an integer in [4, 100000])");
    expect_bad(&MODEL, doc(T_OK, P_OK, "particles: many\n"), "particles: not an integer");
    expect_bad(&MODEL,
               doc(T_OK, P_OK "\n  population.candor.mean: [0, 1]\n  org.headcount: [2, 9]",
                   "particles: 7\n"),
               "t.yaml:7:12: particles: too few particles kept (got 7 particles and alpha 0.5, "
               "which keep 3, expected floor(alpha particles) between 4, the parameters + 1, and "
               "particles - 1)");
    expect_bad(&MODEL, doc(T_OK, P_OK, "alpha: 0.004\n"),
               "t.yaml:5:8: alpha: too few particles kept (got 200 particles and alpha 0.004, "
               "which keep 0");
    expect_bad(&MODEL, doc(T_OK, P_OK, "alpha: 1\n"),
               "t.yaml:5:8: alpha: out of range (got 1, expected a number in (0, 1))");
    expect_bad(&MODEL, doc(T_OK, P_OK, "alpha: 0\n"), "alpha: out of range (got 0");
    expect_bad(&MODEL, doc(T_OK, P_OK, "alpha: half\n"),
               "alpha: not a number (got \"half\", expected a finite number)");
    expect_bad(&MODEL, doc(T_OK, P_OK, "p_acc_min: 1\n"),
               "t.yaml:5:12: p_acc_min: out of range (got 1, expected a number in [0, 1))");
    expect_bad(&MODEL, doc(T_OK, P_OK, "p_acc_min: -0.01\n"), "p_acc_min: out of range (got -0.01");
    expect_bad(&MODEL, doc(T_OK, P_OK, "max_runs: 299\n"),
               "t.yaml:5:11: max_runs: out of range (got 299, expected an integer in [300, "
               "1000000000]: at least particles + (particles - floor(alpha particles)), the runs "
               "of two generations)");
    expect_bad(&MODEL, doc(T_OK, P_OK, "particles: 1000\nalpha: 0.9\nmax_runs: 1099\n"),
               "max_runs: out of range (got 1099, expected an integer in [1100,");
    expect_bad(&MODEL, doc(T_OK, P_OK, "max_runs: 1000000001\n"),
               "max_runs: out of range (got 1000000001");
    expect_bad(&MODEL, doc(T_OK, P_OK, "max_runs: 5e3\n"), "max_runs: not an integer (got 5e3");
}

static void test_too_many_targets(void **state) {
    (void)state;
    size_t cap = 1002 * 64 + 256;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t len = (size_t)snprintf(text, cap, "targets:\n");
    for (int i = 0; i < 1001; i++) {
        len += (size_t)snprintf(text + len, cap - len, "  - " T_OK "\n");
    }
    snprintf(text + len, cap - len, "parameters:\n  " P_OK "\n");
    expect_bad(&MODEL, text,
               "t.yaml:2:3: targets: too many (got 1001 targets, expected 1 to 1000)");
    free(text);
}

static int targets_failing(void *ctx) {
    (void)ctx;
    ts_targets *t = NULL;
    ts_error err;
    ts_status st = ts_targets_load_string(GOOD, strlen(GOOD), "t.yaml", &MODEL, &t, &err);
    tst_alloc_stop();
    ts_targets_free(t);
    return tst_alloc_nomem(st, &err);
}

/* Every allocation of reading a targets file fails once, in turn: each time the load
 * reports TS_ERR_NOMEM with its message, and nothing crashes or leaks (the sanitizer
 * tree). */
static void test_out_of_memory(void **state) {
    (void)state;
    tst_alloc_sweep s = tst_alloc_fail_each("a targets file", targets_failing, NULL);
    assert_true(s.failed >= 5 && s.reported == s.failed);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_file),        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_defaults),         cmocka_unit_test(test_limits),
        cmocka_unit_test(test_load_file),        cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_bad_document),     cmocka_unit_test(test_bad_targets),
        cmocka_unit_test(test_bad_windows),      cmocka_unit_test(test_bad_values_and_scales),
        cmocka_unit_test(test_bad_parameters),   cmocka_unit_test(test_bad_settings),
        cmocka_unit_test(test_too_many_targets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
