/* Tests of sim/scenario/scenario_design.c: the sensitivity design a scenario becomes — its size,
 * keys, values and seeds, its round trip through YAML and --set, and every error of
 * `sensitivity.factors` with its location. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "modules.h"
#include "scenario.h"
#include "sensitivity.h"
#include "test_support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char base[] = "days: 30\norg: {headcount: 20, warmup_days: 5}\n";

/* base + text, loaded and finalized; NULL with *err on failure. */
static ts_scenario *load(const char *text, ts_error *err) {
    char yaml[4096];
    snprintf(yaml, sizeof yaml, "%s%s", base, text);
    ts_scenario *sc = NULL;
    ts_status st = ts_scenario_load_string(ts_modules_schema(), yaml, "d.yaml", NULL, &sc, err);
    if (st == TS_OK) {
        st = ts_scenario_finalize(sc, err);
    }
    if (st != TS_OK) {
        ts_scenario_free(sc);
        return NULL;
    }
    return sc;
}

static ts_scenario *load_ok(const char *text) {
    ts_error err;
    ts_scenario *sc = load(text, &err);
    if (sc == NULL) {
        fail_msg("%s", err.msg);
    }
    return sc;
}

/* The message must fail with exit 2 and hold every fragment. */
static void expect_error(const char *text, const char *frag1, const char *frag2) {
    ts_error err;
    ts_scenario *sc = load(text, &err);
    if (sc != NULL) {
        ts_scenario_free(sc);
        fail_msg("expected an error for:\n%s", text);
    }
    if (err.status != TS_ERR_SCENARIO) {
        fail_msg("status %d for \"%s\": %s", (int)err.status, text, err.msg);
    }
    if ((frag1 && !strstr(err.msg, frag1)) || (frag2 && !strstr(err.msg, frag2))) {
        fail_msg("message \"%s\" lacks \"%s\" / \"%s\"", err.msg, frag1 ? frag1 : "",
                 frag2 ? frag2 : "");
    }
}

static double value_at(const ts_scenario *sc, size_t k, size_t g) {
    return strtod(ts_scenario_sweep_value(sc, k, g), NULL);
}

/* A Morris design: r (k + 1) points with k = factors + dummy; keys in the order written,
 * the dummy last; every step of a trajectory moves exactly one factor; values inside the
 * ranges, the integer key on integers. */
static void test_morris_design(void **state) {
    (void)state;
    ts_scenario *sc = load_ok("sensitivity:\n  samples: 6\n  factors:\n"
                              "    culture.safety: [0.2, 0.9]\n"
                              "    org.span_of_control: [3, 12]\n");
    size_t n_f = 2, k = n_f + 1, r = 6;
    assert_true(ts_scenario_is_design(sc));
    assert_int_equal(ts_scenario_n_factors(sc), n_f);
    assert_int_equal(ts_scenario_n_points(sc), ts_sens_morris_runs(k, r));
    assert_int_equal(ts_scenario_n_sweep_keys(sc), k);
    assert_string_equal(ts_scenario_sweep_key(sc, 0), "culture.safety");
    assert_string_equal(ts_scenario_sweep_key(sc, 1), "org.span_of_control");
    assert_string_equal(ts_scenario_sweep_key(sc, 2), "sensitivity.dummy");
    assert_int_equal(ts_scenario_sweep_type(sc, 1), TS_PT_INT);
    assert_int_equal(ts_scenario_sweep_type(sc, 2), TS_PT_REAL);
    assert_false(ts_scenario_points_share_seeds(sc));
    double lo, hi;
    ts_scenario_factor_range(sc, 1, &lo, &hi);
    assert_true(lo == 3.0 && hi == 12.0);
    for (size_t t = 0; t < r; t++) {
        for (size_t s = 1; s <= k; s++) {
            size_t g = t * (k + 1) + s, moved = 0;
            for (size_t i = 0; i < k; i++) {
                moved += ts_scenario_factor_unit(sc, i, g) != ts_scenario_factor_unit(sc, i, g - 1);
            }
            assert_int_equal(moved, 1);
        }
    }
    for (size_t g = 0; g < ts_scenario_n_points(sc); g++) {
        double x = value_at(sc, 0, g), m = value_at(sc, 1, g), u = value_at(sc, 2, g);
        assert_true(x >= 0.2 - 1e-12 && x <= 0.9 + 1e-12);
        assert_true(m >= 3 && m <= 12 && m == floor(m));
        assert_true(u >= 0.0 && u <= 1.0);
        assert_true(fabs(ts_scenario_factor_unit(sc, 0, g) - (x - 0.2) / 0.7) < 1e-12);
        /* The point itself carries the values and is no design. */
        ts_scenario *pt = NULL;
        ts_error err;
        assert_int_equal(ts_scenario_at_point(sc, g, &pt, &err), TS_OK);
        assert_true(ts_scenario_real(pt, "culture.safety") == x);
        assert_true(ts_scenario_int(pt, "org.span_of_control") == (int64_t)m);
        assert_false(ts_scenario_is_design(pt));
        assert_int_equal(ts_scenario_n_points(pt), 1);
        ts_scenario_free(pt);
    }
    ts_scenario_free(sc);
}

/* A Saltelli design: N (k + 2) points, the grouping A, B, A_B^(i) of sim/maths/sensitivity.h: row
 * A_B^(i) takes column i from B and the others from A. */
static void test_sobol_design(void **state) {
    (void)state;
    ts_scenario *sc = load_ok("sensitivity:\n  method: sobol\n  samples: 8\n  factors:\n"
                              "    culture.safety: [0.2, 0.9]\n    culture.blame: [0, 1]\n");
    size_t k = 3, n = 8;
    assert_int_equal(ts_scenario_n_points(sc), ts_sens_saltelli_runs(k, n));
    for (size_t j = 0; j < n; j++) {
        size_t a = ts_sens_saltelli_row(k, j, 0), b = ts_sens_saltelli_row(k, j, 1);
        for (size_t i = 0; i < k; i++) {
            size_t ab = ts_sens_saltelli_row(k, j, 2 + i);
            for (size_t c = 0; c < k; c++) {
                double want = ts_scenario_factor_unit(sc, c, c == i ? b : a);
                assert_true(fabs(ts_scenario_factor_unit(sc, c, ab) - want) < 1e-12);
            }
        }
    }
    ts_scenario_free(sc);
}

/* The same scenario and seed give the same Morris design; another seed another one. */
static void test_design_follows_seed(void **state) {
    (void)state;
    const char *f = "sensitivity:\n  factors: {culture.safety: [0.2, 0.9]}\n";
    char other[256];
    snprintf(other, sizeof other, "seed: 7\n%s", f);
    ts_scenario *a = load_ok(f), *b = load_ok(f), *c = load_ok(other);
    int same = 1, differ = 0;
    for (size_t g = 0; g < ts_scenario_n_points(a); g++) {
        same &= strcmp(ts_scenario_sweep_value(a, 0, g), ts_scenario_sweep_value(b, 0, g)) == 0;
        differ |= strcmp(ts_scenario_sweep_value(a, 0, g), ts_scenario_sweep_value(c, 0, g)) != 0;
    }
    assert_true(same);
    assert_true(differ);
    ts_scenario_free(a);
    ts_scenario_free(b);
    ts_scenario_free(c);
}

/* The YAML of a design loads back to the same design; sensitivity.replicates sets the
 * runs of each point. */
static void test_design_round_trip(void **state) {
    (void)state;
    ts_scenario *sc =
        load_ok("sensitivity:\n  replicates: 3\n  metrics: [trust_final]\n"
                "  factors: {culture.safety: [0.25, 0.75], org.headcount: [10, 30]}\n");
    assert_int_equal(ts_scenario_int(sc, "replicates"), 3);
    char *yaml = ts_scenario_to_yaml(sc);
    assert_non_null(yaml);
    assert_non_null(strstr(yaml, "  factors:\n    culture.safety: [0.25, 0.75]\n"
                                 "    org.headcount: [10, 30]\n"));
    assert_null(strstr(yaml, "sweep:"));
    ts_scenario *back = NULL;
    ts_error err;
    assert_int_equal(ts_scenario_load_string(ts_modules_schema(), yaml, "y", NULL, &back, &err),
                     TS_OK);
    assert_int_equal(ts_scenario_finalize(back, &err), TS_OK);
    assert_int_equal(ts_scenario_n_points(back), ts_scenario_n_points(sc));
    for (size_t g = 0; g < ts_scenario_n_points(sc); g++) {
        for (size_t k = 0; k < 3; k++) {
            assert_string_equal(ts_scenario_sweep_value(back, k, g),
                                ts_scenario_sweep_value(sc, k, g));
        }
    }
    char *again = ts_scenario_to_yaml(back);
    assert_string_equal(again, yaml);
    free(again);
    free(yaml);
    ts_scenario_free(back);
    ts_scenario_free(sc);
}

/* --set adds one factor (sensitivity.factors.KEY) or replaces them all. */
static void test_design_set(void **state) {
    (void)state;
    ts_scenario *sc = NULL;
    ts_error err;
    char yaml[512];
    snprintf(yaml, sizeof yaml, "%ssensitivity:\n  factors: {culture.safety: [0.2, 0.9]}\n", base);
    assert_int_equal(ts_scenario_load_string(ts_modules_schema(), yaml, "d.yaml", NULL, &sc, &err),
                     TS_OK);
    assert_int_equal(ts_scenario_set(sc, "sensitivity.factors.culture.blame=[0.1, 0.5]", &err),
                     TS_OK);
    assert_int_equal(ts_scenario_set(sc, "sensitivity.factors.culture.safety=[0.3, 0.4]", &err),
                     TS_OK);
    assert_int_equal(ts_scenario_finalize(sc, &err), TS_OK);
    assert_int_equal(ts_scenario_n_factors(sc), 2);
    assert_string_equal(ts_scenario_factor_key(sc, 0), "culture.safety");
    assert_string_equal(ts_scenario_factor_key(sc, 1), "culture.blame");
    double lo, hi;
    ts_scenario_factor_range(sc, 0, &lo, &hi);
    assert_true(lo == 0.3 && hi == 0.4);
    ts_scenario_free(sc);

    assert_int_equal(ts_scenario_load_string(ts_modules_schema(), yaml, "d.yaml", NULL, &sc, &err),
                     TS_OK);
    assert_int_equal(ts_scenario_set(sc, "sensitivity.factors={culture.blame: [0.1, 0.5]}", &err),
                     TS_OK);
    assert_int_equal(ts_scenario_finalize(sc, &err), TS_OK);
    assert_int_equal(ts_scenario_n_factors(sc), 1);
    assert_string_equal(ts_scenario_factor_key(sc, 0), "culture.blame");
    /* A failed --set leaves the factors as they were. */
    assert_int_not_equal(ts_scenario_set(sc, "sensitivity.factors.culture.blame=[2, 3]", &err),
                         TS_OK);
    assert_non_null(strstr(err.msg, "--set sensitivity.factors.culture.blame"));
    ts_scenario_free(sc);
}

/* Without factors the section changes nothing: one point, seeds shared. */
static void test_no_factors_no_design(void **state) {
    (void)state;
    ts_scenario *sc = load_ok("sensitivity: {method: sobol}\n");
    assert_false(ts_scenario_is_design(sc));
    assert_int_equal(ts_scenario_n_points(sc), 1);
    assert_true(ts_scenario_points_share_seeds(sc));
    assert_int_equal(ts_scenario_n_factors(sc), 0);
    ts_scenario_free(sc);
    sc = load_ok("sweep: {culture.safety: [0.2, 0.4]}\n");
    assert_true(ts_scenario_points_share_seeds(sc));
    ts_scenario_free(sc);
}

static void test_factor_errors(void **state) {
    (void)state;
    expect_error("sensitivity:\n  factors: {culture.safty: [0.2, 0.9]}\n",
                 "d.yaml:4:13:", "did you mean sensitivity.factors.culture.safety");
    expect_error("sensitivity:\n  factors: {culture.safety: [0.2, 1.5]}\n",
                 "d.yaml:4:35:", "out of range (got 1.5, expected a number in [0, 1])");
    expect_error("sensitivity:\n  factors: {culture.safety: [0.9, 0.2]}\n",
                 "d.yaml:4:29:", "empty range (got [0.9, 0.2]");
    expect_error("sensitivity:\n  factors: {culture.safety: 0.5}\n",
                 "d.yaml:4:29:", "not a range (got 0.5, expected [low, high])");
    expect_error("sensitivity:\n  factors: {culture.safety: [0.1, 0.2, 0.3]}\n", "not a range",
                 NULL);
    expect_error("sensitivity:\n  factors: {hiring.growth: [0, 1]}\n", "hiring.growth",
                 "not a number-valued key (got a key of type enum");
    expect_error("sensitivity:\n  factors: {seed: [1, 9]}\n", "sensitivity.factors.seed",
                 "cannot be a factor");
    expect_error("sensitivity:\n  factors: {replicates: [1, 9]}\n", "cannot be a factor", NULL);
    expect_error("sensitivity:\n  factors: {sensitivity.samples: [2, 9]}\n", "cannot be a factor",
                 NULL);
    expect_error("sensitivity:\n  factors: {culture: [0, 1]}\n", "a section, not a key", NULL);
    expect_error("sensitivity:\n  factors: [culture.safety]\n",
                 "sensitivity.factors: not a mapping", NULL);
    expect_error("sensitivity:\n  factors:\n    culture.safety: [0.2, 0.9]\n"
                 "    culture.safety: [0.2, 0.8]\n",
                 "d.yaml:6:5:", "duplicate key");
    expect_error("sweep: {culture.blame: [0.1, 0.2]}\n"
                 "sensitivity:\n  factors: {culture.safety: [0.2, 0.9]}\n",
                 "sensitivity.factors: a sensitivity design and a sweep together", NULL);
    expect_error("sensitivity:\n  samples: 40000\n  factors: {culture.safety: [0.2, 0.9]}\n",
                 "d.yaml:4:12: sensitivity.samples: too many design points", NULL);
    expect_error("sensitivity:\n  levels: 5\n  factors: {culture.safety: [0.2, 0.9]}\n",
                 "sensitivity.levels: odd number of levels", NULL);
    expect_error("sensitivity:\n  levels: 4\n  factors: {org.span_of_control: [4, 5]}\n",
                 "range too narrow for an integer key", "high - low >= 1.5");
    /* The most factors a design takes, and one more. */
    static const char *const keys[] = {"culture.safety",
                                       "culture.blame",
                                       "culture.safety_recovery",
                                       "repair.discovery",
                                       "repair.scar",
                                       "work.difficulty",
                                       "work.skill_scale",
                                       "work.kept_word",
                                       "work.decision_probability",
                                       "work.blocked_efficiency",
                                       "trust.prior_mean",
                                       "trust.prior_strength",
                                       "trust.risk_aversion",
                                       "trust.confirmation_bias",
                                       "trust.forgetting",
                                       "population.candor.mean",
                                       "population.openness.mean",
                                       "population.empathy.mean",
                                       "population.competence.mean",
                                       "hiring.promote_from_within"};
    char text[4096];
    size_t len = (size_t)snprintf(text, sizeof text, "sensitivity:\n  factors:\n");
    for (size_t i = 0; i < 19; i++) {
        len += (size_t)snprintf(text + len, sizeof text - len, "    %s: [0.5, 0.6]\n", keys[i]);
    }
    ts_scenario *sc = load_ok(text);
    assert_int_equal(ts_scenario_n_factors(sc), 19);
    ts_scenario_free(sc);
    snprintf(text + len, sizeof text - len, "    %s: [0.5, 0.6]\n", keys[19]);
    expect_error(text, "too many factors (got 20, expected at most 19)", NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_morris_design),       cmocka_unit_test(test_sobol_design),
        cmocka_unit_test(test_design_follows_seed), cmocka_unit_test(test_design_round_trip),
        cmocka_unit_test(test_design_set),          cmocka_unit_test(test_no_factors_no_design),
        cmocka_unit_test(test_factor_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
