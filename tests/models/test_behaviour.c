/* Behaviour tests of the model as a whole (models/ with the engine): the directions
 * MODEL.md expects, each over several seeds against a comparison arm that differs in
 * one key, asserted with a margin on the mean over seeds. Small organisations, so the
 * suite stays quick (and runs under the sanitizers too). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <math.h>

#include "engine.h"
#include "evidence.h"
#include "modules.h"
#include "trust.h"
#include "test_support.h"

#define SEEDS 4

/* Means over SEEDS seeds of each named quantity for one arm. */
static void arm(const char *text, const char *const *names, size_t n, double *mean) {
    tst_arm_full(text, SEEDS, 7919, TST_VALUE, names, n, mean);
}

static void report(const char *what, const char *const *names, size_t n, const double *a,
                   const double *b) {
    for (size_t k = 0; k < n; k++) {
        print_message("%s %-26s %10.4f %10.4f\n", what, names[k], a[k], b[k]);
    }
}

/* Seed 003: hypergrowth floods the organisation with strangers. */
static void test_growth_symptoms(void **state) {
    (void)state;
    const char *base = "days: 365\ndomains: [design, roadmap, people, debugging]\n"
                       "org: {headcount: 60, warmup_days: 150}\n"
                       "output: {snapshot_every: 0}\n";
    char steady[512], growth[512];
    snprintf(steady, sizeof steady, "%shiring: {growth: none}\n", base);
    snprintf(growth, sizeof growth, "%shiring: {growth: exponential, annual_rate: 3}\n", base);
    const char *names[] = {"coverage_final", "escalations_per_decision", "leader_in_system_mean",
                           "output_per_head_mean", "deep_dives_per_decision"};
    double s[5], g[5];
    arm(steady, names, 5, s);
    arm(growth, names, 5, g);
    report("growth", names, 5, s, g);
    /* Measured over these seeds: coverage 0.89 vs 0.61, escalation hops 6.6 times as many,
     * leaders 3.1 times as much in the system, output per head 0.85 of steady, deep dives
     * twice as many per decision. */
    assert_true(g[0] < s[0] - 0.15); /* coverage lower */
    assert_true(g[1] > s[1] * 3.0);  /* more escalation hops per decision */
    assert_true(g[2] > s[2] * 2.0);  /* leaders more in the system */
    assert_true(g[3] < s[3] * 0.92); /* less output per head */
    assert_true(g[4] > s[4] * 1.5);  /* more deep dives per decision */
}

/* Candor: the same competence, owning up far more often. */
static void test_candor_builds_trust(void **state) {
    (void)state;
    const char *fmt = "days: 300\norg: {headcount: 60, warmup_days: 100}\n"
                      "population: {candor: {mean: %s, sd: 0.05}}\n"
                      "output: {snapshot_every: 0}\n";
    char hi[512], lo[512];
    snprintf(hi, sizeof hi, fmt, "0.9");
    snprintf(lo, sizeof lo, fmt, "0.1");
    const char *names[] = {"integrity_mean", "trust_final"};
    double h[2], l[2];
    arm(hi, names, 2, h);
    arm(lo, names, 2, l);
    report("candor", names, 2, h, l);
    /* Measured: +0.043 believed honesty and +0.036 trust over all models held, most of
     * them weak ties that see few failures (about one task in ten fails). */
    assert_true(h[0] > l[0] + 0.03);
    assert_true(h[1] > l[1] + 0.02);
}

/* Blame closes a team: lower safety, a larger share of failures hidden. */
static void test_blame_closes_teams(void **state) {
    (void)state;
    const char *fmt = "days: 300\norg: {headcount: 60, warmup_days: 100}\n"
                      "culture: {blame: %s}\noutput: {snapshot_every: 0}\n";
    char hi[512], lo[512];
    snprintf(hi, sizeof hi, fmt, "0.9");
    snprintf(lo, sizeof lo, fmt, "0.05");
    const char *names[] = {"safety_final", "failures_concealed", "failures_owned"};
    double h[3], l[3];
    arm(hi, names, 3, h);
    arm(lo, names, 3, l);
    report("blame", names, 3, h, l);
    assert_true(h[0] < l[0] - 0.05);
    double share_h = h[1] / (h[1] + h[2]), share_l = l[1] / (l[1] + l[2]);
    print_message("blame concealed share %.3f vs %.3f\n", share_h, share_l);
    assert_true(share_h > share_l + 0.05);
}

/* Repair trajectories (Schweitzer, Hershey & Bradlow 2006), on one believer's model of
 * one colleague: good work, a spell of failures, then good work again. Owned-up failures
 * leave trust where it was; a discovered concealment leaves it below. */
static double trajectory(uint64_t seed, int conceal) {
    ts_scenario *sc = NULL;
    ts_error err;
    sc = tst_scenario("");
    ts_trust_params tp;
    ts_trust_params_load(sc, &tp);
    ts_world w;
    assert_int_equal(ts_world_init(&w, 1, 8, 0.998, &err), TS_OK);
    assert_int_equal(ts_world_build_tree(&w, 2, 2, 0, &err), TS_OK);
    ts_rng r;
    ts_rng_init(&r, seed, 0, 0, 77);
    /* The colleague succeeds 85 % of the time and owns up to what fails. */
    for (w.day = 1; w.day <= 60; w.day++) {
        int ok = ts_rng_uniform(&r) < 0.85;
        ts_ev_observe_now(&w, 0, 1, 0, ok, 1.0f);
        if (!ok) {
            ts_ev_integrity_now(&w, 0, 1, 1.0f, 0.0f, 0.0f);
        }
    }
    double before = ts_trust_of(&tp, &w, 0, 1, 0);
    /* A spell of three failures: owned up, or hidden and discovered. */
    for (int k = 0; k < 3; k++, w.day++) {
        ts_ev_observe_now(&w, 0, 1, 0, 0, 1.0f);
        if (conceal && k == 2) {
            /* Found out (repair's defaults): 2 units of dishonesty that fade, a scar of 1
             * that does not, goodwill -0.3. */
            ts_ev_integrity_now(&w, 0, 1, 0.0f, 2.0f, 1.0f);
            ts_ev_goodwill_now(&w, 0, 1, -0.3f);
        } else if (!conceal) {
            ts_ev_integrity_now(&w, 0, 1, 1.0f, 0.0f, 0.0f);
        }
    }
    double dip = ts_trust_of(&tp, &w, 0, 1, 0);
    assert_true(dip < before);
    /* Consistent good work for 120 days. */
    for (int k = 0; k < 120; k++, w.day++) {
        ts_ev_observe_now(&w, 0, 1, 0, 1, 1.0f);
    }
    double after = ts_trust_of(&tp, &w, 0, 1, 0);
    ts_world_free(&w);
    ts_scenario_free(sc);
    return after - before;
}

static void test_repair_trajectories(void **state) {
    (void)state;
    for (uint64_t seed = 1; seed <= 5; seed++) {
        double owned = trajectory(seed, 0), hidden = trajectory(seed, 1);
        print_message("repair seed %u: owned %+.4f hidden %+.4f\n", (unsigned)seed, owned, hidden);
        assert_true(owned > -0.01);         /* back to (at least) where it was */
        assert_true(hidden < -0.01);        /* the scar keeps it below */
        assert_true(owned - hidden > 0.10); /* a lasting gap between the two */
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_growth_symptoms),
        cmocka_unit_test(test_candor_builds_trust),
        cmocka_unit_test(test_blame_closes_teams),
        cmocka_unit_test(test_repair_trajectories),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
