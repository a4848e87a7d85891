/* Tests of models/openness.c: the openness formulas by hand, one day of the mechanism on a
 * hand-built tree (base from debt and lost safety, what outsiders earned and its fading,
 * the metrics), that the mechanism with nothing closing a team changes nothing else, and
 * the behaviour over the full model (more debt or more blame, less open teams and less
 * trust across them). */
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
#include "openness.h"
#include "shared.h"
#include "test_support.h"
#include "trust.h"

static void test_formulas(void **state) {
    (void)state;
    /* 1 - 2 x 0.2 - 2 x 0 = 0.6 */
    assert_float_equal(ts_openness_base(0.2, 0.6, 0.6, 2, 2, 0.05), 0.6, 1e-12);
    /* Safety above the culture's earns nothing: still 0.6. */
    assert_float_equal(ts_openness_base(0.2, 0.9, 0.6, 2, 2, 0.05), 0.6, 1e-12);
    /* 1 - 0.4 - 2 x 0.1 = 0.4 */
    assert_float_equal(ts_openness_base(0.2, 0.5, 0.6, 2, 2, 0.05), 0.4, 1e-12);
    /* 1 - 1 = 0: the floor. */
    assert_float_equal(ts_openness_base(0.5, 0.6, 0.6, 2, 2, 0.05), 0.05, 1e-12);
    /* No weights: fully open whatever the debt. */
    assert_float_equal(ts_openness_base(0.9, 0.1, 0.6, 0, 0, 0.05), 1.0, 1e-12);
    /* base + earned x (1 - base): 0.4 + 0.5 x 0.6 = 0.7 */
    assert_float_equal(ts_openness_value(0.4, 0.5), 0.7, 1e-12);
    assert_float_equal(ts_openness_value(0.4, 0.0), 0.4, 1e-12);
    assert_float_equal(ts_openness_value(0.4, 1.0), 1.0, 1e-12);
    /* earned + g x (1 - earned): 0.5 + 0.2 x 0.5 = 0.6; g clamped to [0, 1]. */
    assert_float_equal(ts_openness_earn(0.5, 0.2), 0.6, 1e-12);
    assert_float_equal(ts_openness_earn(0.5, 2.0), 1.0, 1e-12);
    assert_float_equal(ts_openness_earn(0.5, -1.0), 0.5, 1e-12);
}

typedef tst_world fix;

/* The tree 0 -> 1, 2; 1 -> 3, 4. Team 0 (reports 1, 2: safety 0.5 and 0.7, mean 0.6, the
 * culture's) has debt 0.1; team 1 (reports 3, 4: safety 0.4 and 0.5, mean 0.45, 0.15
 * below the culture's) has debt 0.3. memory_days 2: what is earned keeps exp(-1/2) a day. */
static void setup_tree(fix *f) {
    tst_world_open(f, &ts_module_openness,
                   "culture: {safety: 0.6}\n"
                   "openness: {debt_weight: 2, blame_weight: 2, floor: 0.05, memory_days: 2}\n",
                   4, 16, 0, 0);
    assert_true(ts_engine_module_on(&ts_module_openness, f->sc));
    f->w.warmup_days = 10;
    tst_world_configure(f);
    ts_error err;
    uint32_t id;
    const uint32_t mgr[5] = {TS_NO_AGENT, 0, 0, 1, 1};
    const float safety[5] = {0.6f, 0.5f, 0.7f, 0.4f, 0.5f};
    for (uint32_t a = 0; a < 5; a++) {
        assert_int_equal(ts_world_add_agent(&f->w, mgr[a], -10, &id, &err), TS_OK);
        ts_safety(&f->w)[a] = safety[a];
    }
    float *debt = f->w.cols[ts_world_column_find(&f->w, TS_OPENNESS_DEBT_COLUMN)].data;
    debt[0] = 0.1f;
    debt[1] = 0.3f;
}

static void test_day(void **state) {
    (void)state;
    fix f;
    setup_tree(&f);
    ts_world *w = &f.w;
    int oc = ts_world_column_find(w, TS_OPENNESS_COLUMN);
    int ec = ts_world_column_find(w, TS_OPENNESS_EARNED_COLUMN);
    assert_true(oc >= 0 && ec >= 0);
    float *open = w->cols[oc].data;
    float *earned = w->cols[ec].data;
    /* Everyone starts fully open. */
    for (uint32_t a = 0; a < 5; a++) {
        assert_float_equal(open[a], 1.0, 0.0);
        assert_float_equal(ts_openness_of(w, oc, a), 1.0, 0.0);
    }
    assert_float_equal(ts_openness_of(w, -1, 0), 1.0, 0.0);
    /* Agent 2 (team 0) knows 3 (team 1): an outsider's model, the prior alone. 3 knows
     * its manager 1 and its teammate 4: not outsiders. */
    assert_true(ts_evidence_model(w, 2, 3) >= 0);
    assert_true(ts_evidence_model(w, 3, 1) >= 0);
    assert_true(ts_evidence_model(w, 3, 4) >= 0);
    /* Day 1: outsiders proved safe to team 1 with strength 0.5. */
    earned[1] = 0.5f;
    tst_world_org(&f, 1, 12, 7);
    double v[3];
    tst_world_metrics(&f, v, 3);
    /* Team 0: 1 - 2 x 0.1 = 0.8. Team 1: base 1 - 0.6 - 2 x 0.15 = 0.1, earned 0.5: 0.1 +
     * 0.5 x 0.9 = 0.55. The others lead no team: 1. */
    assert_float_equal(open[0], 0.8, 1e-6);
    assert_float_equal(open[1], 0.55, 1e-6);
    assert_float_equal(open[2], 1.0, 0.0);
    assert_float_equal(open[3], 1.0, 0.0);
    assert_float_equal(v[0], (0.8 + 0.55) / 2, 1e-6);
    ts_trust_params tp;
    ts_trust_params_load(f.sc, &tp);
    double stranger = ts_trust_stranger(&tp);
    assert_float_equal(v[1], stranger, 1e-6);
    assert_true(isnan(v[2])); /* no team below 0.5 */
    /* Day 2, nothing proved: earned fades to 0.5 x exp(-1/2) = 0.303265, openness 0.1 +
     * 0.303265 x 0.9 = 0.372939, below 0.5: 3 now counts as a member of a closed team. */
    earned[1] = 0.0f;
    tst_world_org(&f, 2, 12, 7);
    tst_world_metrics(&f, v, 3);
    assert_float_equal(open[1], 0.1 + 0.5 * exp(-0.5) * 0.9, 1e-6);
    assert_float_equal(v[0], (0.8 + 0.1 + 0.5 * exp(-0.5) * 0.9) / 2, 1e-6);
    assert_float_equal(v[2], stranger, 1e-6);
    /* A manager whose last report left leads no team: open again. */
    ts_world_remove_agent(w, 3, 2);
    ts_world_remove_agent(w, 4, 2);
    tst_world_org(&f, 3, 12, 7);
    assert_float_equal(open[1], 1.0, 0.0);
    tst_world_close(&f);
}

/* Bad values are refused with the key named. */
static void test_keys(void **state) {
    (void)state;
    ts_error err;
    assert_int_equal(tst_scenario_status("openness: {debt_weight: -1}\n", &err), TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "debt_weight"));
    assert_int_equal(tst_scenario_status("openness: {memory_days: 0}\n", &err), TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "memory_days"));
    assert_int_equal(tst_scenario_status("openness: {floor: 2}\n", &err), TS_ERR_SCENARIO);
    assert_false(tst_module_on(&ts_module_openness, "days: 10\n"));
    assert_true(tst_module_on(&ts_module_openness, "openness: {}\n"));
}

#define BASE                                                                                       \
    "days: 120\ndomains: [design, roadmap, people, debugging]\n"                                   \
    "org: {headcount: 100, warmup_days: 80}\nhiring: {growth: none}\n"                             \
    "tactics: {one_on_ones: {}, coffee_chats: {}}\noutput: {snapshot_every: 0}\n"

/* With nothing closing a team (both weights 0) every team stays fully open, and the rest
 * of the model is exactly as without the mechanism: work reads an openness of 1 and draws
 * nothing more. */
static void test_neutral(void **state) {
    (void)state;
    const char *names[] = {"trust_mean", "trust_cross", "tasks_failed", "escalations",
                           "team_openness"};
    double on[5], off[5];
    tst_full(BASE "openness: {debt_weight: 0, blame_weight: 0}\n", 11, TST_MEAN, names, 5, on);
    tst_full(BASE, 11, TST_MEAN, names, 4, off);
    for (int k = 0; k < 4; k++) {
        assert_true(on[k] == off[k]);
    }
    assert_float_equal(on[4], 1.0, 0.0);
}

/* Behaviour, seed by seed: more debt or more blame, less open teams; closed teams show
 * outsiders less, so stakeholders of other teams trust their people less. */
static void test_behaviour(void **state) {
    (void)state;
    const char *names[] = {"team_openness", "trust_cross"};
    double lo[2] = {0}, hi[2] = {0}, cur[2] = {0}, bl[2] = {0}, open[2] = {0};
    enum { SEEDS = 3 };
    for (uint64_t k = 1; k <= SEEDS; k++) {
        double v[2];
        tst_full(BASE "openness: {}\nwork: {tech_debt: {mean: 0.1}}\n", k * 31, TST_NANMEAN, names,
                 2, v);
        lo[0] += v[0] / SEEDS, lo[1] += v[1] / SEEDS;
        tst_full(BASE "openness: {}\nwork: {tech_debt: {mean: 0.4}}\n", k * 31, TST_NANMEAN, names,
                 2, v);
        hi[0] += v[0] / SEEDS, hi[1] += v[1] / SEEDS;
        tst_full(BASE "openness: {}\nculture: {blame: 0.05}\n", k * 31, TST_NANMEAN, names, 2, v);
        cur[0] += v[0] / SEEDS, cur[1] += v[1] / SEEDS;
        tst_full(BASE "openness: {}\nculture: {blame: 0.6}\n", k * 31, TST_NANMEAN, names, 2, v);
        bl[0] += v[0] / SEEDS, bl[1] += v[1] / SEEDS;
        tst_full(BASE, k * 31, TST_NANMEAN, names + 1, 1, v);
        open[1] += v[0] / SEEDS;
    }
    print_message("debt 0.1: open %.4f cross %.4f; debt 0.4: open %.4f cross %.4f\n", lo[0], lo[1],
                  hi[0], hi[1]);
    print_message("blame 0.05: open %.4f cross %.4f; blame 0.6: open %.4f cross %.4f; off: %.4f\n",
                  cur[0], cur[1], bl[0], bl[1], open[1]);
    /* Debt 0.1 against 0.4 is 0.6 of openness by the formula (2 x 0.3), less the floor. */
    assert_true(lo[0] > hi[0] + 0.3);
    assert_true(cur[0] > bl[0] + 0.05);
    assert_true(lo[1] > hi[1]);
    assert_true(open[1] > hi[1]);
}

/* Determinism with every mechanism and tactic of issue 14 on: one thread and three give
 * the same series, bit for bit (the metrics of every module). */
static void test_threads(void **state) {
    (void)state;
    ts_scenario *sc =
        tst_scenario("days: 60\norg: {headcount: 150, warmup_days: 30}\n"
                     "hiring: {growth: exponential, annual_rate: 1.5}\nculture: {blame: 0.4}\n"
                     "work: {tech_debt: {mean: 0.3}}\nopenness: {}\npopulation: {acceptance: {}}\n"
                     "tactics: {one_on_ones: {}, trial_tasks: {}, trenches: {}, hated_tasks: {},\n"
                     "  overview_listening: {}, commiserate: {}, declare_limits: {every: 7}}\n"
                     "output: {snapshot_every: 0}\n");
    ts_result a, b;
    tst_run(sc, NULL, 0, 17, 1, &a);
    tst_run(sc, NULL, 0, 17, 3, &b);
    assert_int_equal(a.n_metrics, b.n_metrics);
    int mine = 0;
    for (size_t k = 0; k < a.n_metrics; k++) {
        assert_string_equal(a.metrics[k].name, b.metrics[k].name);
        assert_int_equal(a.metrics[k].n, b.metrics[k].n);
        assert_memory_equal(a.metrics[k].values, b.metrics[k].values,
                            a.metrics[k].n * sizeof(double));
        mine += strcmp(a.metrics[k].name, "team_openness") == 0 ||
                strcmp(a.metrics[k].name, "limits_declared") == 0 ||
                strcmp(a.metrics[k].name, "defensiveness_cost") == 0 ||
                strcmp(a.metrics[k].name, "commiserations") == 0;
    }
    assert_int_equal(mine, 4);
    ts_result_free(&a);
    ts_result_free(&b);
    ts_scenario_free(sc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formulas),  cmocka_unit_test(test_day),
        cmocka_unit_test(test_keys),      cmocka_unit_test(test_neutral),
        cmocka_unit_test(test_behaviour), cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
