/* Tests of sim/app/validate_measure.c: every kind of measure read from YAML and evaluated on a
 * result built by hand (windows counted from either end, NaN days skipped, ratios, changes,
 * Pearson and Spearman correlations with ties, row filters, column statistics) against
 * values computed by hand; the errors for names and windows the runs do not have; and the
 * scoring of checks (one arm, two arms as ratio or difference, Welch and Cohen bounds,
 * fewer than two values). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate_internal.h"

/* ---- A result built by hand ------------------------------------------------------------- */

static void fill_series(ts_result *r, const char *name, const char *units, const double *v,
                        size_t n) {
    double *s = ts_result_add_series(r, name, units, "", n);
    assert_non_null(s);
    memcpy(s, v, n * sizeof *v);
}

/* Eight recorded days, a summary scalar, a teams table of six rows and an agents table of
 * four. */
static void make_result(ts_result *r) {
    ts_result_init(r);
    const double trust[] = {0.41, 0.57, NAN, 0.63, 0.48, 0.52, NAN, 0.71};
    const double dives[] = {2, 0, 3, 1, 4, 1, 0, 2};
    const double decisions[] = {10, 7, 12, 9, 11, 8, 0, 13};
    fill_series(r, "trust_team", "trust score", trust, 8);
    fill_series(r, "deep_dives", "deep dives/day", dives, 8);
    fill_series(r, "decisions", "decisions/day", decisions, 8);
    assert_int_equal(
        ts_result_add_scalar(r, "escalations_per_decision", "hops/decision", "", 0.3717), TS_OK);

    uint32_t *mgr = ts_table_add_column(&r->teams, "manager", "agent id", "", TS_COL_U32, 6, 1);
    uint32_t *mem = ts_table_add_column(&r->teams, "members", "people", "", TS_COL_U32, 6, 1);
    double *tin = ts_table_add_column(&r->teams, "trust_in", "trust score", "", TS_COL_F64, 6, 1);
    float *wide = ts_table_add_column(&r->teams, "pair", "", "", TS_COL_F32, 6, 2);
    assert_true(mgr && mem && tin && wide);
    const uint32_t m[] = {0, 3, 7, 12, 15, 21}, k[] = {4, 6, 6, 2, 5, 3};
    const double t[] = {0.52, 0.61, NAN, 0.44, 0.70, 0.58};
    memcpy(mgr, m, sizeof m);
    memcpy(mem, k, sizeof k);
    memcpy(tin, t, sizeof t);

    float *recv =
        ts_table_add_column(&r->agents, "trust_received", "trust score", "", TS_COL_F32, 4, 1);
    int32_t *hire = ts_table_add_column(&r->agents, "hire_day", "day", "", TS_COL_I32, 4, 1);
    assert_true(recv && hire);
    const float rv[] = {0.25f, 0.75f, 0.5f, 0.125f};
    const int32_t hd[] = {-250, -100, 0, 30};
    memcpy(recv, rv, sizeof rv);
    memcpy(hire, hd, sizeof hd);
}

/* ---- Measures from YAML ----------------------------------------------------------------- */

typedef struct parsed {
    ts_ynode *root;
    ts_vmeasure m;
    ts_error err;
    ts_status st;
} parsed;

static void parse(parsed *p, const char *yaml) {
    ts_yerror yerr;
    ts_error_clear(&p->err);
    assert_int_equal(ts_yaml_parse(yaml, strlen(yaml), &p->root, &yerr), TS_OK);
    ts_vyctx c = {"t.yaml", &p->err};
    p->st = ts_vmeasure_parse(&c, p->root, "m", &p->m);
}

static void unparse(parsed *p) {
    ts_vmeasure_clear(&p->m);
    ts_yaml_free(p->root);
}

/* The value of measure `yaml` on r, asserting it evaluates. */
static double value_of(const ts_result *r, const char *yaml, const char **units) {
    parsed p;
    double v;
    const char *u;
    parse(&p, yaml);
    if (p.st != TS_OK) {
        fail_msg("%s: %s", yaml, p.err.msg);
    }
    ts_error err;
    ts_error_clear(&err);
    ts_status st = ts_vmeasure_eval(&p.m, r, &v, &u, &err);
    if (st != TS_OK) {
        fail_msg("%s: %s", yaml, err.msg);
    }
    if (units) {
        *units = u;
    }
    unparse(&p);
    return v;
}

/* The message of a measure that parses but fails on r (TS_ERR_PARAM). */
static void eval_error(const ts_result *r, const char *yaml, const char *expect) {
    parsed p;
    double v;
    const char *u;
    parse(&p, yaml);
    assert_int_equal(p.st, TS_OK);
    ts_error err;
    ts_error_clear(&err);
    assert_int_equal(ts_vmeasure_eval(&p.m, r, &v, &u, &err), TS_ERR_PARAM);
    if (!strstr(err.msg, expect)) {
        fail_msg("%s: message \"%s\" lacks \"%s\"", yaml, err.msg, expect);
    }
    /* Errors found after a run point at the measure in the file. */
    assert_non_null(strstr(err.msg, "t.yaml:1:1: m."));
    unparse(&p);
}

/* The message of a measure that does not parse (TS_ERR_SCENARIO). */
static void parse_error(const char *yaml, const char *expect) {
    parsed p;
    parse(&p, yaml);
    assert_int_equal(p.st, TS_ERR_SCENARIO);
    if (!strstr(p.err.msg, expect)) {
        fail_msg("%s: message \"%s\" lacks \"%s\"", yaml, p.err.msg, expect);
    }
    unparse(&p);
}

static void test_summary(void **state) {
    (void)state;
    ts_result r;
    const char *u;
    make_result(&r);
    assert_float_equal(value_of(&r, "{summary: escalations_per_decision}", &u), 0.3717, 0.0);
    assert_string_equal(u, "hops/decision");
    eval_error(&r, "{summary: escalations}",
               "m.summary: no summary scalar \"escalations\" in the runs (these are: "
               "escalations_per_decision)");
    ts_result_free(&r);
}

static void test_metric_windows(void **state) {
    (void)state;
    ts_result r;
    const char *u;
    make_result(&r);
    /* Days 5..7 are 0.52, NaN, 0.71. */
    assert_float_equal(value_of(&r, "{metric: trust_team, days: [-3, -1], stat: mean}", &u), 0.615,
                       1e-15);
    assert_string_equal(u, "trust score");
    assert_float_equal(value_of(&r, "{metric: trust_team, days: [-3, -1], stat: sum}", NULL), 1.23,
                       1e-15);
    assert_float_equal(value_of(&r, "{metric: trust_team, days: [-3, -1], stat: min}", NULL), 0.52,
                       0.0);
    assert_float_equal(value_of(&r, "{metric: trust_team, days: [-3, -1], stat: max}", NULL), 0.71,
                       0.0);
    /* Mixed ends: day 5 to the last but one (day 6, NaN): 0.52 both first and last. */
    assert_float_equal(value_of(&r, "{metric: trust_team, days: [5, -2], stat: last}", NULL), 0.52,
                       0.0);
    /* first and last skip NaN days: day 2 is NaN, so the first of [2, 3] is day 3. */
    assert_float_equal(value_of(&r, "{metric: trust_team, days: [2, 3], stat: first}", NULL), 0.63,
                       0.0);
    /* The default window is every recorded day and the default statistic the mean:
     * (0.41 + 0.57 + 0.63 + 0.48 + 0.52 + 0.71) / 6. */
    assert_float_equal(value_of(&r, "{metric: trust_team}", NULL), 3.32 / 6.0, 1e-15);
    /* A window of NaN days only has no value. */
    assert_true(isnan(value_of(&r, "{metric: trust_team, days: [6, 6], stat: mean}", NULL)));
    assert_true(isnan(value_of(&r, "{metric: trust_team, days: [2, 2], stat: sum}", NULL)));
    /* Windows beyond the 8 days, or empty once placed, are bad input. */
    eval_error(&r, "{metric: trust_team, days: [-9, -1]}",
               "m.days: window [-9, -1] does not fit the 8 recorded days");
    eval_error(&r, "{metric: trust_team, days: [0, 8]}", "window [0, 8] does not fit");
    eval_error(&r, "{metric: trust_team, days: [5, -4]}", "window [5, -4] does not fit");
    eval_error(&r, "{metric: trust_tem}", "m.metric: no daily metric \"trust_tem\"");
    ts_result_free(&r);
}

static void test_ratio_and_change(void **state) {
    (void)state;
    ts_result r;
    const char *u;
    make_result(&r);
    /* Days 4..7: (4 + 1 + 0 + 2) / (11 + 8 + 0 + 13) = 7 / 32. */
    assert_float_equal(value_of(&r, "{ratio: [deep_dives, decisions], days: [-4, -1]}", &u),
                       0.21875, 1e-15);
    assert_string_equal(u, "");
    /* Nothing to divide by on day 6. */
    assert_true(isnan(value_of(&r, "{ratio: [deep_dives, decisions], days: [6, 6]}", NULL)));
    eval_error(&r, "{ratio: [deep_dives, decision], days: [0, 3]}",
               "m.ratio: no daily metric \"decision\"");
    /* Days 0..3: 6 / 38; days 4..7: 7 / 32. */
    assert_float_equal(
        value_of(&r, "{change: {ratio: [deep_dives, decisions]}, from: [0, 3], to: [4, 7]}", NULL),
        0.21875 - 6.0 / 38.0, 1e-15);
    assert_float_equal(value_of(&r,
                                "{change: {ratio: [deep_dives, decisions]}, from: [0, 3], "
                                "to: [-4, -1], as: ratio}",
                                NULL),
                       1.3854166666666667, 1e-14);
    /* The mean of trust over days 0-1 (0.49) against days 6-7 (NaN, 0.71). */
    assert_float_equal(value_of(&r,
                                "{change: {metric: trust_team, stat: mean}, from: [0, 1], "
                                "to: [-2, -1], as: difference}",
                                &u),
                       0.22, 1e-15);
    assert_string_equal(u, "trust score");
    /* A ratio over a window without value has none. */
    assert_true(isnan(
        value_of(&r, "{change: {metric: trust_team}, from: [2, 2], to: [0, 0], as: ratio}", NULL)));
    eval_error(&r, "{change: {metric: trust_team}, from: [0, 1], to: [7, 9]}",
               "m.to: window [7, 9] does not fit");
    ts_result_free(&r);
}

static void test_correlations(void **state) {
    (void)state;
    ts_result r;
    make_result(&r);
    /* Row 2 (trust_in NaN) is left out: members 4 6 2 5 3 against 0.52 0.61 0.44 0.70
     * 0.58. */
    assert_float_equal(value_of(&r, "{table: teams, correlate: [members, trust_in]}", NULL),
                       0.7462185372015078, 1e-12);
    /* Ties share their rank: members ranks 3, 5.5, 5.5, 1, 4, 2 against 1..6. */
    assert_float_equal(
        value_of(&r, "{table: teams, correlate: [members, manager], method: spearman}", NULL),
        -0.40583972495671394, 1e-12);
    /* Only the teams of 6 (rows 1 and 2; row 2 has no trust_in): fewer than 3 rows. */
    assert_true(isnan(value_of(
        &r, "{table: teams, correlate: [members, trust_in], where: {members: {min: 6}}}", NULL)));
    eval_error(&r, "{table: teams, correlate: [members, trust]}",
               "m.correlate: no column \"trust\" in teams (columns: manager, members, trust_in)");
    eval_error(&r, "{table: teams, correlate: [pair, members]}",
               "m.correlate: column \"pair\" of teams has 2 values a row");
    ts_result_free(&r);
}

static void test_column_statistics(void **state) {
    (void)state;
    ts_result r;
    const char *u;
    make_result(&r);
    /* Teams of 3 or more with a trust_in: rows 0, 1, 4, 5. */
    const char *base = "{table: teams, column: trust_in, where: {members: {min: 3}}, stat: ";
    char yaml[200];
    snprintf(yaml, sizeof yaml, "%smean}", base);
    assert_float_equal(value_of(&r, yaml, &u), 0.6025, 1e-15);
    assert_string_equal(u, "trust score");
    snprintf(yaml, sizeof yaml, "%smedian}", base);
    assert_float_equal(value_of(&r, yaml, NULL), 0.595, 1e-15);
    snprintf(yaml, sizeof yaml, "%smin}", base);
    assert_float_equal(value_of(&r, yaml, NULL), 0.52, 0.0);
    snprintf(yaml, sizeof yaml, "%smax}", base);
    assert_float_equal(value_of(&r, yaml, NULL), 0.70, 0.0);
    snprintf(yaml, sizeof yaml, "%scount}", base);
    assert_float_equal(value_of(&r, yaml, &u), 4.0, 0.0);
    assert_string_equal(u, "rows");
    /* Agents hired up to day 0, float and int columns: (0.25 + 0.75 + 0.5) / 3. */
    assert_float_equal(
        value_of(&r,
                 "{table: agents, column: trust_received, where: {hire_day: {max: 0}}, stat: mean}",
                 NULL),
        0.5, 1e-15);
    /* Both bounds, inclusive: hire days -100 and 0. */
    assert_float_equal(value_of(&r,
                                "{table: agents, column: trust_received, stat: max, "
                                "where: {hire_day: {min: -100, max: 0}}}",
                                NULL),
                       0.75, 0.0);
    /* No row left: no value, a count of 0. */
    assert_true(isnan(value_of(
        &r, "{table: agents, column: trust_received, where: {hire_day: {min: 31}}}", NULL)));
    assert_float_equal(value_of(&r,
                                "{table: agents, column: hire_day, stat: count, "
                                "where: {hire_day: {min: 31}}}",
                                NULL),
                       0.0, 0.0);
    eval_error(&r, "{table: agents, column: trust_received, where: {depth: {max: 1}}}",
               "m.where.depth: no column \"depth\" in agents");
    ts_result_free(&r);
}

static void test_measure_parse_errors(void **state) {
    (void)state;
    parse_error("{metric: trust_team, summary: x}",
                "t.yaml:1:1: m: give one of summary, metric, ratio, change, table (got summary "
                "and metric)");
    parse_error("{days: [0, 1]}",
                "m: give one of summary, metric, ratio, change, table (got none)");
    parse_error("[trust_team]", "m: not a measure (got a list, expected a mapping)");
    parse_error("{metric: trust_team, stat: median}",
                "t.yaml:1:28: m.stat: unknown value (got \"median\", expected one of mean, sum, "
                "min, max, first, last)");
    parse_error("{metric: trust_team, dayz: [0, 1]}",
                "t.yaml:1:22: m.dayz: unknown key (expected one of: metric, days, stat)");
    parse_error("{metric: trust_team, days: [3, 1]}",
                "m.days: empty window (got [3, 1], expected FROM <= TO)");
    parse_error("{metric: trust_team, days: [-1, -3]}", "m.days: empty window");
    parse_error("{metric: trust_team, days: [0.5, 3]}", "m.days[0]: not an integer (got 0.5");
    parse_error("{metric: trust_team, days: 30}", "m.days: not a window (got 30");
    parse_error("{ratio: [deep_dives], days: [0, 1]}", "m.ratio: not a pair of names");
    parse_error("{summary: [a, b]}", "m.summary: not a text (got a list");
    parse_error("{change: trust_team, from: [0, 1], to: [2, 3]}",
                "m.change: not a measure to change (got \"trust_team\"");
    parse_error("{change: {metric: trust_team, days: [0, 1]}, from: [0, 1], to: [2, 3]}",
                "m.change.days: unknown key (expected one of: metric, stat)");
    parse_error("{change: {metric: trust_team}, to: [2, 3]}",
                "m.from: missing (expected [FROM, TO])");
    parse_error("{change: {metric: trust_team}, from: [0, 1], to: [2, 3], as: percent}",
                "m.as: unknown value (got \"percent\", expected one of difference, ratio)");
    parse_error("{table: teams, column: members, correlate: [a, b]}",
                "m: give one of correlate and column (got both)");
    parse_error("{table: teams}", "m: give one of correlate and column (got neither)");
    parse_error("{table: people, column: members}",
                "m.table: unknown value (got \"people\", expected one of teams, agents)");
    parse_error("{table: teams, column: members, method: pearson}",
                "m.method: unknown key (expected one of: table, column, stat, where)");
    parse_error("{table: teams, correlate: [a, b], method: kendall}",
                "m.method: unknown value (got \"kendall\"");
    parse_error("{table: teams, column: members, where: {members: {min: 5, max: 2}}}",
                "m.where.members: not a range (expected min and/or max, min <= max)");
    parse_error("{table: teams, column: members, where: {members: {}}}",
                "m.where.members: not a range");
    parse_error("{table: teams, column: members, where: {members: {at_least: 2}}}",
                "m.where.members.at_least: unknown key (expected one of: min, max)");
    parse_error("{table: teams, column: members, where: {members: {min: lots}}}",
                "m.where.members.min: not a number (got \"lots\"");
    parse_error("{table: teams, column: members, where: [members]}", "m.where: not a filter");
}

/* ---- Scoring ---------------------------------------------------------------------------- */

static ts_vcheck check(ts_vcmp cmp, double min, double max) {
    ts_vcheck c;
    memset(&c, 0, sizeof c);
    c.cmp = cmp;
    c.min = min;
    c.max = max;
    c.t_min = c.t_max = c.d_min = c.d_max = NAN;
    return c;
}

static void test_score_single_arm(void **state) {
    (void)state;
    double work[12];
    ts_vscore s;
    /* The NaN seed is left out: 0.61, 0.57, 0.66. */
    const double a[] = {0.61, 0.57, NAN, 0.66};
    ts_vcheck c = check(TS_VC_SINGLE, 0.5, NAN);
    ts_vcheck_score(&c, (const double *const[]){a}, 4, work, &s);
    assert_int_equal(s.s.n, 3);
    assert_float_equal(s.s.mean, 0.6133333333333333, 1e-15);
    assert_float_equal(s.s.sd, 0.04509249752822898, 1e-15);
    /* t(0.975, 2) = 4.302652729911275. */
    assert_float_equal(s.s.ci95_low,
                       0.6133333333333333 - 4.302652729911275 * 0.04509249752822898 / sqrt(3.0),
                       1e-12);
    assert_true(s.pass);
    assert_true(isnan(s.t) && isnan(s.d));
    /* Above the maximum: fails on its target; inside [0.6, 0.62]: passes. */
    c = check(TS_VC_SINGLE, NAN, 0.6);
    ts_vcheck_score(&c, (const double *const[]){a}, 4, work, &s);
    assert_false(s.pass);
    assert_true(s.fail_target && !s.fail_n);
    c = check(TS_VC_SINGLE, 0.6, 0.62);
    ts_vcheck_score(&c, (const double *const[]){a}, 4, work, &s);
    assert_true(s.pass);
    /* One value left: fails whatever the target. */
    const double one[] = {0.61, NAN, NAN, NAN};
    c = check(TS_VC_SINGLE, 0.5, NAN);
    ts_vcheck_score(&c, (const double *const[]){one}, 4, work, &s);
    assert_false(s.pass);
    assert_true(s.fail_n && !s.fail_target);
    /* None: a NaN mean fails. */
    const double none[] = {NAN, NAN, NAN, NAN};
    ts_vcheck_score(&c, (const double *const[]){none}, 4, work, &s);
    assert_true(s.fail_n && s.fail_target);
}

static void test_score_comparisons(void **state) {
    (void)state;
    double work[12];
    ts_vscore s;
    const double a[] = {2.4, 3.1, 2.8, 3.6}, b[] = {0.8, 1.0, 0.7, 1.2};
    /* Ratios 3, 3.1, 4, 3; Welch's t and Cohen's d of a against b. */
    ts_vcheck c = check(TS_VC_RATIO, 3.0, NAN);
    c.t_min = 2.5;
    c.d_min = 0.8;
    ts_vcheck_score(&c, (const double *const[]){a, b}, 4, work, &s);
    assert_int_equal(s.s.n, 4);
    assert_float_equal(s.s.mean, 3.275, 1e-15);
    assert_float_equal(s.s.sd, 0.48562674281111556, 1e-14);
    assert_float_equal(s.t, 7.423931175486519, 1e-12);
    assert_float_equal(s.d, 5.249512077248734, 1e-12);
    assert_true(s.pass);
    /* A t bound the arms do not reach fails the check though its mean is on target. */
    c.t_min = 8.0;
    ts_vcheck_score(&c, (const double *const[]){a, b}, 4, work, &s);
    assert_false(s.pass);
    assert_true(s.fail_t && !s.fail_target && !s.fail_d);
    /* A decrease expected (t <= -2.5, d <= -0.8): the other way round passes, this fails. */
    c = check(TS_VC_RATIO, NAN, NAN);
    c.t_max = -2.5;
    c.d_max = -0.8;
    ts_vcheck_score(&c, (const double *const[]){b, a}, 4, work, &s);
    assert_true(s.pass);
    assert_float_equal(s.t, -7.423931175486519, 1e-12);
    ts_vcheck_score(&c, (const double *const[]){a, b}, 4, work, &s);
    assert_true(s.fail_t && s.fail_d && !s.pass);
    /* Differences 1.6, 2.1, 2.1, 2.4. */
    c = check(TS_VC_DIFFERENCE, 2.0, 2.1);
    ts_vcheck_score(&c, (const double *const[]){a, b}, 4, work, &s);
    assert_float_equal(s.s.mean, 2.05, 1e-15);
    assert_float_equal(s.s.sd, 0.33166247903554014, 1e-14);
    assert_true(s.pass);
    /* A NaN on either side drops the pair (but not the other arm's value from t); a ratio
     * over 0 has no value. */
    const double a2[] = {2.4, NAN, 2.8, 3.6}, b2[] = {0.8, 1.0, 0.0, 1.2};
    c = check(TS_VC_RATIO, 2.9, 3.1);
    ts_vcheck_score(&c, (const double *const[]){a2, b2}, 4, work, &s);
    assert_int_equal(s.s.n, 2);
    assert_float_equal(s.s.mean, 3.0, 1e-15);
    assert_true(s.pass);
    assert_false(isnan(s.t));
    /* One pair: fails. */
    const double b3[] = {0.8, 1.0, 0.0, NAN};
    ts_vcheck_score(&c, (const double *const[]){a2, b3}, 4, work, &s);
    assert_int_equal(s.s.n, 1);
    assert_true(s.fail_n && !s.pass);
    /* Identical arms: no t, so a t bound fails. */
    c = check(TS_VC_DIFFERENCE, NAN, NAN);
    c.t_min = 0.0;
    const double flat[] = {1.5, 1.5, 1.5, 1.5};
    ts_vcheck_score(&c, (const double *const[]){flat, flat}, 4, work, &s);
    assert_true(isnan(s.t) && s.fail_t);
}

/* A difference in differences: (A - B) - (C - D) seed by seed; a seed with a NaN in any
 * arm is left out of the value; Welch's t compares the A - B gaps with the C - D gaps,
 * each side keeping its own complete seeds.
 *   A - B: 0.01 -0.03 0.06 0.10;  C - D: 0.05 -0.10 0.05 NaN
 *   values -0.04 0.07 0.01: mean 0.0133333, sd 0.0550757; t 0.6085040 (4 against 3). */
static void test_score_difference_in_differences(void **state) {
    (void)state;
    double work[12];
    ts_vscore s;
    const double a[] = {0.61, 0.57, 0.66, 0.70}, b[] = {0.60, 0.60, 0.60, 0.60};
    const double c3[] = {0.50, 0.40, 0.45, NAN}, d[] = {0.45, 0.50, 0.40, 0.40};
    ts_vcheck c = check(TS_VC_DID, NAN, 0.0);
    assert_int_equal(ts_vcmp_arms(TS_VC_DID), 4);
    ts_vcheck_score(&c, (const double *const[]){a, b, c3, d}, 4, work, &s);
    assert_int_equal(s.s.n, 3);
    assert_float_equal(s.s.mean, 0.013333333333333345, 1e-12);
    assert_float_equal(s.s.sd, 0.05507570547286099, 1e-12);
    assert_float_equal(s.t, 0.6085039671897321, 1e-9);
    /* The mean is above the maximum of 0: fails on its target. */
    assert_false(s.pass);
    assert_true(s.fail_target);
    c.max = 0.02;
    ts_vcheck_score(&c, (const double *const[]){a, b, c3, d}, 4, work, &s);
    assert_true(s.pass);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary),
        cmocka_unit_test(test_metric_windows),
        cmocka_unit_test(test_ratio_and_change),
        cmocka_unit_test(test_correlations),
        cmocka_unit_test(test_column_statistics),
        cmocka_unit_test(test_measure_parse_errors),
        cmocka_unit_test(test_score_single_arm),
        cmocka_unit_test(test_score_comparisons),
        cmocka_unit_test(test_score_difference_in_differences),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
