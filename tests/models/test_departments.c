/* Tests of models/departments.c: the pure parts by hand (which department a share falls
 * in, the transactional prior, the chance of a dispute), the keys' bad input, the
 * assignment of the initial tree and of hires, the prior at first contact, one sign-off
 * with and without control gates, and the behaviour over several seeds of the full model
 * (the gap between and within departments, what control gates cost, nothing at all with
 * one department, the same results on 1 and 2 threads). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <math.h>

#include "departments.h"
#include "engine.h"
#include "evidence.h"
#include "modules.h"
#include "shared.h"
#include "test_support.h"
#include "trust.h"

/* ---- Pure parts ------------------------------------------------------------------------ */

static void test_pick(void **state) {
    (void)state;
    const double upper[3] = {0.25, 0.5, 1.0};
    assert_int_equal(ts_departments_pick(upper, 3, 0.0), 0);
    assert_int_equal(ts_departments_pick(upper, 3, 0.25), 0); /* the bound is inclusive */
    assert_int_equal(ts_departments_pick(upper, 3, 0.26), 1);
    assert_int_equal(ts_departments_pick(upper, 3, 0.75), 2);
    assert_int_equal(ts_departments_pick(upper, 3, 1.5), 2); /* past the end: the last */
    assert_int_equal(ts_departments_pick(upper, 1, 0.9), 0);
}

static void test_penalty(void **state) {
    (void)state;
    /* The default integrity prior: mean 0.8, strength 4 -> a = 3.2, b = 0.8. A 30 % cut:
     * k = 4 * 0.3 / 0.7 = 1.7142857, and then 3.2 / (4 + k) = 0.56 = 0.8 * 0.7. */
    float k = ts_departments_penalty(3.2f, 0.8f, 0.3, 0.0);
    assert_float_equal(k, 12.0 / 7.0, 1e-5);
    assert_float_equal(3.2 / (4.0 + k), 0.56, 1e-6);
    /* Half the understanding, half the penalty; full understanding or no cut, none. */
    assert_float_equal(ts_departments_penalty(3.2f, 0.8f, 0.3, 0.5), 6.0 / 7.0, 1e-5);
    assert_float_equal(ts_departments_penalty(3.2f, 0.8f, 0.3, 1.0), 0.0, 0.0);
    assert_float_equal(ts_departments_penalty(3.2f, 0.8f, 0.0, 0.0), 0.0, 0.0);
}

static void test_dispute_p(void **state) {
    (void)state;
    /* delegate 0.6, review 0.4. */
    assert_float_equal(ts_departments_dispute_p(0.7, 0.6, 0.4, 0.5, 0.0), 0.0, 0.0);
    /* Between the thresholds: the gap times (1 - understanding): 0.5 * 0.8. */
    assert_float_equal(ts_departments_dispute_p(0.5, 0.6, 0.4, 0.5, 0.2), 0.4, 1e-12);
    /* Below review: shortfall (0.4 - 0.3) / 0.4 = 0.25; 0.5 + 0.5 * 0.25 = 0.625; * 0.8. */
    assert_float_equal(ts_departments_dispute_p(0.3, 0.6, 0.4, 0.5, 0.2), 0.5, 1e-12);
    /* No gap, no trust at all: certain, unless understood. */
    assert_float_equal(ts_departments_dispute_p(0.0, 0.6, 0.4, 0.0, 0.0), 1.0, 1e-12);
    assert_float_equal(ts_departments_dispute_p(0.0, 0.6, 0.4, 0.0, 1.0), 0.0, 1e-12);
}

/* ---- Keys --------------------------------------------------------------------------------- */

static void refused(const char *yaml, const char *what) {
    ts_error err;
    assert_int_equal(tst_scenario_status(yaml, &err), TS_ERR_SCENARIO);
    if (!strstr(err.msg, what)) {
        fail_msg("expected '%s' in: %s", what, err.msg);
    }
}

static void test_bad_keys(void **state) {
    (void)state;
    refused("org: {departments: [a, b]}\n", "one pair per department (got 1, expected 2)");
    refused("org: {departments: [a, b], department_split: [[0.5, 0.3], [0.9, 0.8]]}\n",
            "the last cumulative share is 0.9 (expected 1)");
    refused("org: {departments: [a, b], department_split: [[0.5, 1.3], [1, 0.8]]}\n",
            "speed weight 1.3");
    refused("org: {departments: [a, b], department_split: [[0, 0.3], [1, 0.8]]}\n",
            "cumulative share 0");
    refused("org: {departments: [a, a], department_split: [[0.5, 0.3], [1, 0.8]]}\n",
            "org.departments");
    refused("org: {cross_department_prior: 0.95}\n", "org.cross_department_prior");
    refused("work: {control_gates: {latency_days: -1}}\n", "work.control_gates.latency_days");
    /* The mark names the line and column. */
    ts_error err;
    assert_int_equal(tst_scenario_status("days: 10\norg:\n  departments: [a, b]\n", &err),
                     TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "org.department_split"));
    /* The defaults: one department, the gates off. */
    ts_scenario *sc = tst_scenario("days: 10\n");
    assert_int_equal(ts_scenario_list_len(sc, "org.departments"), 1);
    assert_int_equal(ts_scenario_bool(sc, "work.control_gates.enabled"), 0);
    ts_scenario_free(sc);
}

/* ---- A hand-built world --------------------------------------------------------------- */

#define TWO "org: {departments: [tech, biz], department_split: [[0.5, 0.3], [1, 0.8]], "

static const uint8_t *dept(const ts_world *w) {
    int c = ts_world_column_find(w, TS_DEPT_COLUMN);
    assert_true(c >= 0);
    return (const uint8_t *)w->cols[c].data;
}

/* The depth-1 ancestor of a (a itself at depth 1; the root for the root). */
static uint32_t top(const ts_world *w, uint32_t a) {
    while (w->depth[a] > 1) {
        a = w->manager[a];
    }
    return a;
}

/* 15 people, span 2: the CEO's two reports head subtrees of 7 each. The first subtree's
 * middle is at 3.5 / 14 = 0.25 (tech), the second's at 10.5 / 14 = 0.75 (biz). */
static void test_assignment(void **state) {
    (void)state;
    tst_world f;
    tst_world_open(&f, &ts_module_departments, TWO "cross_department_prior: 0.3}\n", 4, 64, 15, 2);
    tst_world_configure(&f);
    const uint8_t *d = dept(&f.w);
    uint32_t first = f.w.first_report[f.w.root];
    uint32_t n_tech = 0;
    for (uint32_t a = 0; a < f.w.n; a++) {
        uint32_t expect = a == f.w.root ? 0 : top(&f.w, a) == first ? 0 : 1;
        assert_int_equal(d[a], expect);
        n_tech += d[a] == 0;
    }
    assert_int_equal(n_tech, 8); /* 7 and the CEO */
    /* Hires: under a biz manager, biz; under the CEO, the department furthest below its
     * half: {8, 8} is a tie (the first, tech), then {9, 8} gives biz. */
    ts_error err;
    uint32_t h1, h2, h3;
    uint32_t biz_mgr = f.w.next_peer[first];
    assert_int_equal(ts_world_add_agent(&f.w, biz_mgr, 0, &h1, &err), TS_OK);
    assert_int_equal(ts_world_add_agent(&f.w, f.w.root, 0, &h2, &err), TS_OK);
    assert_int_equal(ts_world_add_agent(&f.w, f.w.root, 0, &h3, &err), TS_OK);
    assert_int_equal(dept(&f.w)[h1], TS_DEPT_NONE); /* until the org phase */
    tst_world_org(&f, 0, 4, 7);
    d = dept(&f.w);
    assert_int_equal(d[h1], 1);
    assert_int_equal(d[h2], 0);
    assert_int_equal(d[h3], 1);
    tst_world_close(&f);
}

/* One department: everybody in it, no listener, nothing measured. */
static void test_one_department(void **state) {
    (void)state;
    tst_world f;
    tst_world_open(&f, &ts_module_departments, "org: {cross_department_prior: 0.5}\n", 4, 64, 15,
                   2);
    tst_world_configure(&f);
    for (uint32_t a = 0; a < f.w.n; a++) {
        assert_int_equal(dept(&f.w)[a], 0);
    }
    assert_int_equal(f.w.listeners.n_first_contact, 0);
    tst_world_org(&f, 1, 4, 7);
    double v[6];
    tst_world_metrics(&f, v, 6);
    assert_true(isnan(v[0]) && isnan(v[1]));
    assert_float_equal(v[2], 0.0, 0.0);
    assert_float_equal(v[3], 0.0, 0.0);
    tst_world_close(&f);
}

/* The transactional prior: a model of someone of the other department starts with
 * k = 12/7 concealments seen; of one's own, with none. */
static void test_first_contact(void **state) {
    (void)state;
    tst_world f;
    tst_world_open(&f, &ts_module_departments, TWO "cross_department_prior: 0.3}\n", 4, 64, 15, 2);
    tst_world_configure(&f);
    const uint8_t *d = dept(&f.w);
    uint32_t a = 3, same = 4, other = 5; /* 3, 4 under 1 (tech); 5 under 2 (biz) */
    assert_int_equal(d[a], 0);
    assert_int_equal(d[same], 0);
    assert_int_equal(d[other], 1);
    ts_belief b;
    int s1 = ts_evidence_model(&f.w, a, other);
    ts_relstore_read(&f.w.models, a, (uint32_t)s1, f.w.day, &b);
    assert_float_equal(b.integ_b_e, 12.0 / 7.0, 1e-5);
    ts_trust_params tp;
    ts_trust_params_load(f.sc, &tp);
    assert_float_equal(ts_trust_integrity(&tp, &b), 0.56, 1e-5);
    int s2 = ts_evidence_model(&f.w, a, same);
    ts_relstore_read(&f.w.models, a, (uint32_t)s2, f.w.day, &b);
    assert_float_equal(b.integ_b_e, 0.0, 0.0);
    tst_world_close(&f);
}

/* One sign-off of owner 3 (tech) by a biz member, its task started yesterday. */
typedef struct signoff {
    int cross, disputed;
    double signer_review, owner_review, owner_coord, signer_coord;
    float owner_goodwill; /* the owner's goodwill messages toward the signer, summed */
    double latency;
    float task_delay; /* the owner's task_delay column once the messages are applied */
} signoff;

static signoff sign_off(const char *yaml) {
    tst_world f;
    tst_world_open(&f, &ts_module_departments, yaml, 4, 64, 15, 2);
    tst_world_configure(&f);
    tst_world_org(&f, 4, 4, 11); /* the members' lists; nobody has a task */
    uint32_t a = 3;
    ts_task_start(&f.w)[a] = 4;
    ts_task_domain(&f.w)[a] = 1;
    f.w.day = 5;
    tst_msgs m = {0};
    ts_emit e = tst_msgs_emit(&m, a, 4, 5, 11);
    void *row = ts_module_departments.act_row(f.st, a);
    assert_int_equal(ts_module_departments.act(f.st, &f.w, a, row, &e), TS_OK);
    signoff out = {0};
    const uint8_t *d = dept(&f.w);
    for (size_t i = 0; i < m.buf.n; i++) {
        const ts_msg *x = &m.buf.msgs[i];
        if (x->kind == TS_MK_HOURS) {
            int owner = x->to == a;
            if (!owner) {
                assert_int_equal(d[x->to], 1); /* the signer is of the other department */
            }
            if (x->domain == TS_HOURS_REVIEW) {
                *(owner ? &out.owner_review : &out.signer_review) += x->w;
            } else if (x->domain == TS_HOURS_COORDINATION) {
                *(owner ? &out.owner_coord : &out.signer_coord) += x->w;
            }
        } else if (x->kind == TS_MK_GOODWILL && x->to == a) {
            out.owner_goodwill += x->w;
        } else if (x->kind >= TS_MK_MODULE_BASE) {
            assert_int_equal(x->to, a); /* the delay goes to the owner */
            assert_int_equal(ts_module_departments.handle(f.st, &f.w, x), TS_OK);
        }
    }
    out.task_delay = ts_task_delay(&f.w)[a];
    double v[6];
    f.w.day = 5;
    tst_world_metrics(&f, v, 6);
    out.cross = (int)v[2];
    out.disputed = (int)v[3];
    out.latency = v[5];
    tst_msgs_free(&m);
    tst_world_close(&f);
    return out;
}

static void test_sign_off(void **state) {
    (void)state;
    /* No gap, review threshold low, delegate out of reach: a review, never a dispute. */
    signoff s = sign_off("org: {departments: [tech, biz], department_split: [[0.5, 0.5], [1, "
                         "0.5]], cross_department_share: 1}\n"
                         "trust: {review_threshold: 0.01, delegate_threshold: 0.99}\n");
    assert_int_equal(s.cross, 1);
    assert_int_equal(s.disputed, 0);
    assert_float_equal(s.signer_review, TS_DEPT_REVIEW_HOURS, 1e-6);
    assert_float_equal(s.owner_review, TS_DEPT_OWNER_HOURS, 1e-6);
    assert_float_equal(s.owner_coord + s.signer_coord, 0.0, 0.0);
    assert_float_equal(s.latency, TS_DEPT_REVIEW_DAYS, 1e-6);
    assert_float_equal(s.task_delay, TS_DEPT_REVIEW_DAYS, 1e-6); /* the task waits for it */
    /* Opposite objectives (gap 1): a certain dispute, 1 h each, 2 more days, goodwill lost. */
    s = sign_off("org: {departments: [tech, biz], department_split: [[0.5, 0], [1, 1]], "
                 "cross_department_share: 1}\n"
                 "trust: {review_threshold: 0.01, delegate_threshold: 0.99}\n");
    assert_int_equal(s.disputed, 1);
    assert_float_equal(s.owner_coord, TS_DEPT_DISPUTE_HOURS, 1e-6);
    assert_float_equal(s.signer_coord, TS_DEPT_DISPUTE_HOURS, 1e-6);
    assert_float_equal(s.owner_goodwill, -TS_DEPT_DISPUTE_GOODWILL, 1e-6);
    assert_float_equal(s.latency, TS_DEPT_REVIEW_DAYS + TS_DEPT_DISPUTE_DAYS, 1e-6);
    assert_float_equal(s.task_delay, TS_DEPT_REVIEW_DAYS + TS_DEPT_DISPUTE_DAYS, 1e-6);
    /* Control gates: the formal approval's hours and latency, and the owner's goodwill
     * toward the signer falls by the gate's cost. */
    s = sign_off(
        "org: {departments: [tech, biz], department_split: [[0.5, 0.5], [1, 0.5]], "
        "cross_department_share: 1}\n"
        "trust: {review_threshold: 0.01, delegate_threshold: 0.99}\n"
        "work: {control_gates: {enabled: true, review_hours: 3, owner_hours: 1.5, latency_days: 4, "
        "goodwill_cost: 0.2}}\n");
    assert_int_equal(s.disputed, 0);
    assert_float_equal(s.signer_review, 3.0, 1e-6);
    assert_float_equal(s.owner_review, 1.5, 1e-6);
    assert_float_equal(s.owner_goodwill, -0.2, 1e-6);
    assert_float_equal(s.latency, 4.0, 1e-6);
    assert_float_equal(s.task_delay, 4.0, 1e-6);
    /* No sign-off at all with cross_department_share 0. */
    s = sign_off(TWO "cross_department_share: 0}\n");
    assert_int_equal(s.cross, 0);
    assert_float_equal(s.signer_review + s.owner_review, 0.0, 0.0);
    assert_float_equal(s.task_delay, 0.0, 0.0);
}

/* ---- Behaviour over seeds ------------------------------------------------------------ */

#define BASE                                                                                       \
    "days: 120\ndomains: [design, roadmap, people, debugging]\n"                                   \
    "output: {snapshot_every: 0}\n"                                                                \
    "org: {headcount: 80, warmup_days: 80, departments: [tech, biz], "                             \
    "department_split: [[0.5, 0.3], [1, 0.8]], cross_department_prior: 0.3}\n"

static void test_gap_over_seeds(void **state) {
    (void)state;
    const char *names[] = {"trust_between_departments", "trust_within_departments",
                           "disputed_decisions", "cross_department_decisions"};
    for (uint64_t seed = 1; seed <= 3; seed++) {
        double v[4];
        tst_full(BASE, seed, TST_NANMEAN, names, 4, v);
        /* The gap: a 30 % lower integrity prior leaves trust between departments well below
         * trust within them (about 0.32 against 0.46 at this size). */
        assert_true(v[0] < v[1] - 0.05);
        assert_true(v[3] > 0.5);
        assert_true(v[2] > 0.0 && v[2] <= v[3]);
    }
}

static void test_gates_over_seeds(void **state) {
    (void)state;
    const char *names[] = {"hours_review", "cross_department_latency", "control_gates_passed",
                           "trust_between_departments", "output_per_head"};
    double none[5], gates[5];
    tst_arm_full(BASE, 3, 1, TST_NANMEAN, names, 5, none);
    tst_arm_full(BASE "work: {control_gates: {enabled: true}}\n", 3, 1, TST_NANMEAN, names, 5,
                 gates);
    assert_true(gates[0] > none[0] + 0.02); /* more review hours */
    assert_true(gates[1] > none[1] + 0.5);  /* the gate's 2 days for every sign-off */
    assert_float_equal(none[2], 0.0, 0.0);
    assert_true(gates[2] > 0.5);
    assert_true(gates[3] < none[3]); /* the distrust signalled costs trust */
    assert_true(gates[4] < none[4]); /* tasks wait for the gates: less output */
}

static void test_threads_identical(void **state) {
    (void)state;
    ts_scenario *sc = tst_scenario(BASE "tactics: {understanding: {}, shared_goals: {}}\n"
                                        "work: {control_gates: {enabled: true}}\n");
    ts_result r1, r2;
    tst_run(sc, NULL, 0, 9, 1, &r1);
    tst_run(sc, NULL, 0, 9, 2, &r2);
    const char *names[] = {"trust_between_departments", "trust_within_departments",
                           "disputed_decisions",        "cross_department_latency",
                           "understanding_mean",        "hours_meetings"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        const ts_series *a = tst_series(&r1, names[k]), *b = tst_series(&r2, names[k]);
        assert_int_equal(a->n, b->n);
        assert_memory_equal(a->values, b->values, a->n * sizeof *a->values);
    }
    ts_result_free(&r1);
    ts_result_free(&r2);
    ts_scenario_free(sc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pick),
        cmocka_unit_test(test_penalty),
        cmocka_unit_test(test_dispute_p),
        cmocka_unit_test(test_bad_keys),
        cmocka_unit_test(test_assignment),
        cmocka_unit_test(test_one_department),
        cmocka_unit_test(test_first_contact),
        cmocka_unit_test(test_sign_off),
        cmocka_unit_test(test_gap_over_seeds),
        cmocka_unit_test(test_gates_over_seeds),
        cmocka_unit_test(test_threads_identical),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
