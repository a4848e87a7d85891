/* Tests of models/trust_report.c: coverage of close pairs by hand, and the trust module's
 * snapshot of beliefs (edges of a sample of believers, trust between departments). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <math.h>

#include "evidence.h"
#include "test_support.h"
#include "trust_internal.h"

/* 7 people, span 3: CEO 0; 0 -> 1 2 3; 1 -> 4 5 6. */
static void fx_open(tst_world *f, const char *yaml) {
    tst_world_open(f, &ts_module_trust, yaml, 2, 16, 7, 3);
    tst_world_competence(f, 0.6f);
    tst_world_configure(f);
}

/* The day's coverage metric from the module's measure over everyone. */
static double coverage_of(tst_world *f) {
    double v[16];
    size_t n = f->mod->n_metrics, at = n;
    assert_true(n <= 16);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(f->mod->metrics[i].name, "coverage") == 0) {
            at = i;
        }
    }
    assert_true(at < n);
    tst_world_metrics(f, v, n);
    return v[at];
}

/* Close pairs by hand: the CEO has 3 (its reports); 1 has 6 (manager 0, peers 2 and 3,
 * reports 4 to 6); 2 and 3 have 3 (manager, two peers); 4 to 6 have 3 each: 24 in all. A
 * pair is covered when its model holds three units of competence evidence. */
static void test_coverage_by_hand(void **state) {
    (void)state;
    tst_world f;
    fx_open(&f, "");
    assert_float_equal(coverage_of(&f), 0.0, 0.0);
    for (int k = 0; k < 3; k++) {
        ts_ev_observe_now(&f.w, 4, 5, 0, 1, 1.0f); /* a teammate */
    }
    ts_ev_observe_now(&f.w, 4, 1, 0, 1, 1.0f); /* its manager, short of three */
    assert_float_equal(coverage_of(&f), 1.0 / 24.0, 1e-12);
    for (int k = 0; k < 3; k++) {
        ts_ev_observe_now(&f.w, 1, 6, 1, 0, 1.0f); /* a report: failures count as evidence */
        ts_ev_observe_now(&f.w, 2, 0, 0, 1, 1.0f); /* a manager */
        ts_ev_observe_now(&f.w, 2, 5, 0, 1, 1.0f); /* not a close pair */
    }
    assert_float_equal(coverage_of(&f), 3.0 / 24.0, 1e-12);
    tst_world_close(&f);
}

/* The snapshot: one edge per model of the sampled believers, scored with the module's own
 * formula; departments are the CEO and its reports. */
static void test_snapshot(void **state) {
    (void)state;
    tst_world f;
    fx_open(&f, "output: {snapshot_every: 10, snapshot_agents: 100}\n");
    ts_ev_observe_now(&f.w, 4, 5, 1, 1, 2.0f);
    ts_ev_goodwill_now(&f.w, 4, 5, 0.3717f);
    ts_ev_observe_now(&f.w, 2, 6, 0, 0, 1.0f);
    ts_result r;
    ts_result_init(&r);
    ts_snapshot *snap = ts_result_add_snapshot(&r, 0);
    ts_error err;
    assert_int_equal(ts_module_trust.snapshot(f.st, &f.w, snap, &err), TS_OK);
    const ts_column *from = ts_table_find_column(&snap->edges, "from");
    const ts_column *trust = ts_table_find_column(&snap->edges, "trust");
    const ts_column *good = ts_table_find_column(&snap->edges, "goodwill");
    assert_non_null(from);
    assert_int_equal(from->n, 2);
    const uint32_t *ids = from->data;
    assert_int_equal(ids[0], 2); /* believers in id order */
    assert_int_equal(ids[1], 4);
    assert_float_equal(((const float *)good->data)[1], 0.3717f, 1e-6);
    ts_belief b;
    tst_evidence(&f.w, 4, 5, &b);
    const trust_state *ts = f.st;
    assert_float_equal(((const float *)trust->data)[2 + 1], ts_trust_score(&ts->tp, &b, 1), 0.0f);
    /* Departments: the CEO and its three reports. */
    assert_int_equal(snap->k, 4);
    assert_int_equal(snap->team_ids[0], 0);
    /* Department 1 (agent 1's) trusts department 1 through 4's model of 5. */
    assert_false(isnan(snap->team_trust[1 * 4 + 1]));
    assert_true(isnan(snap->team_trust[0]));
    ts_result_free(&r);
    tst_world_close(&f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_coverage_by_hand),
        cmocka_unit_test(test_snapshot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
