/* Tests of models/understanding.c: the gain and the credit by hand, a session applied to
 * its receiver (its understanding, its models of the other department credited, of its own
 * not), who holds sessions and when (not in the warm-up, not with one department), and
 * over several seeds of the full model: more trust between departments and fewer disputes
 * than without. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <math.h>

#include "departments.h"
#include "evidence.h"
#include "modules.h"
#include "shared.h"
#include "test_support.h"
#include "understanding.h"

static void test_gain_and_credit(void **state) {
    (void)state;
    assert_float_equal(ts_understanding_gain(0.0f, 0.1), 0.1, 1e-7);
    assert_float_equal(ts_understanding_gain(0.2f, 0.1), 0.28, 1e-6);
    assert_float_equal(ts_understanding_gain(1.0f, 0.5), 1.0, 0.0);
    /* The default integrity prior (a 3.2, b 0.8) and a 30 % cut (penalty 12/7): a gain of
     * 0.5 credits 0.5 * 12/7 * 4 = 24/7 honest acts; the full gain restores the mean:
     * (3.2 + 48/7) / (4 + 12/7 + 48/7) = 0.8. */
    float pen = 12.0f / 7.0f;
    assert_float_equal(ts_understanding_credit(3.2f, 0.8f, pen, 0.5f), 24.0 / 7.0, 1e-5);
    float full = ts_understanding_credit(3.2f, 0.8f, pen, 1.0f);
    assert_float_equal((3.2 + full) / (4.0 + pen + full), 0.8, 1e-6);
    assert_float_equal(ts_understanding_credit(3.2f, 0.8f, 0.0f, 0.5f), 0.0, 0.0);
    assert_float_equal(ts_understanding_credit(3.2f, 0.8f, pen, 0.0f), 0.0, 0.0);
}

/* A world of 15 (span 2) with the departments' column filled by hand: the CEO's first
 * report's subtree and the CEO in department 0, the rest in 1. */
static void open_world(tst_world *f, const char *yaml) {
    tst_world_open(f, &ts_module_understanding, yaml, 4, 64, 15, 2);
    ts_error err;
    uint32_t idx;
    const uint8_t none = TS_DEPT_NONE;
    assert_int_equal(ts_shared_register(&f->w, &err), TS_OK); /* as the modules before it do */
    assert_int_equal(
        ts_world_column_add(&f->w, TS_DEPT_COLUMN, sizeof(uint8_t), 0, &none, &idx, &err), TS_OK);
    uint8_t *d = f->w.cols[idx].data;
    uint32_t first = f->w.first_report[f->w.root];
    for (uint32_t a = 0; a < f->w.n; a++) {
        uint32_t t = a;
        while (f->w.depth[t] > 1) {
            t = f->w.manager[t];
        }
        d[a] = a == f->w.root || t == first ? 0 : 1;
    }
    tst_world_configure(f);
}

#define TWO                                                                                        \
    "org: {departments: [tech, biz], department_split: [[0.5, 0.3], [1, 0.8]], "                   \
    "cross_department_prior: 0.3}\n"

static void test_session_applied(void **state) {
    (void)state;
    tst_world f;
    open_world(&f, TWO "tactics: {understanding: {rate: 0.1}}\n");
    uint32_t a = 3, same = 4, other = 5;
    int s_other = ts_evidence_model(&f.w, a, other);
    int s_same = ts_evidence_model(&f.w, a, same);
    ts_msg m = {.to = a, .about = other, .kind = TS_MK_MODULE_BASE};
    assert_int_equal(ts_module_understanding.handle(f.st, &f.w, &m), TS_OK);
    assert_float_equal(ts_understanding_of(&f.w, a), 0.1, 1e-7);
    assert_float_equal(ts_understanding_of(&f.w, other), 0.0, 0.0); /* its own message */
    ts_belief b;
    ts_relstore_read(&f.w.models, a, (uint32_t)s_other, f.w.day, &b);
    /* 0.1 * (12/7) * 3.2 / 0.8 */
    assert_float_equal(b.integ_a_e, 0.1 * 12.0 / 7.0 * 4.0, 1e-5);
    ts_relstore_read(&f.w.models, a, (uint32_t)s_same, f.w.day, &b);
    assert_float_equal(b.integ_a_e, 0.0, 0.0);
    /* A second session: 0.1 + 0.1 * 0.9 = 0.19. */
    assert_int_equal(ts_module_understanding.handle(f.st, &f.w, &m), TS_OK);
    assert_float_equal(ts_understanding_of(&f.w, a), 0.19, 1e-6);
    tst_world_close(&f);
}

/* With 20 sessions a month, everyone starts one a working day, with someone of the other
 * department, from day 1 on; none in the warm-up. */
static void test_who_and_when(void **state) {
    (void)state;
    tst_world f;
    open_world(&f, TWO "tactics: {understanding: {per_month: 20, hours: 1.5}}\n");
    double v[2];
    tst_world_org(&f, 0, 5, 3);
    tst_world_metrics(&f, v, 2);
    assert_float_equal(v[0], 0.0, 0.0);
    assert_float_equal(v[1], 0.0, 0.0);
    tst_world_org(&f, 1, 5, 3);
    tst_world_metrics(&f, v, 2);
    /* A partner is found in 8 draws unless all 8 fall in one's own department (about
     * (8/15)^8 = 0.7 % for each of 15): nearly everyone holds one. */
    assert_true(v[0] >= 13.0 && v[0] <= 15.0);
    /* Each session raises both sides' understanding by 0.1 of what is left. */
    assert_true(v[1] >= 2.0 * 13.0 * 0.1 / 15.0 - 1e-6);
    for (uint32_t a = 0; a < f.w.n; a++) {
        double h = tst_hours(&f.w, a, TS_HOURS_MEETINGS);
        assert_float_equal(fmod(h, 1.5), 0.0, 1e-6); /* whole sessions of 1.5 h */
    }
    tst_world_close(&f);
    /* One department: no sessions. */
    open_world(&f, "tactics: {understanding: {per_month: 20}}\n");
    tst_world_org(&f, 1, 5, 3);
    tst_world_metrics(&f, v, 2);
    assert_float_equal(v[0], 0.0, 0.0);
    tst_world_close(&f);
}

#define BASE                                                                                       \
    "days: 150\ndomains: [design, roadmap, people, debugging]\n"                                   \
    "output: {snapshot_every: 0}\n"                                                                \
    "org: {headcount: 80, warmup_days: 80, departments: [tech, biz], "                             \
    "department_split: [[0.5, 0.3], [1, 0.8]], cross_department_prior: 0.3}\n"

static void test_over_seeds(void **state) {
    (void)state;
    const char *names[] = {"trust_between_departments", "disputed_decisions", "understanding_mean"};
    for (uint64_t seed = 1; seed <= 3; seed++) {
        double none[3], with[3];
        tst_full(BASE, seed, TST_NANMEAN, names, 2, none);
        tst_full(BASE "tactics: {understanding: {}}\n", seed, TST_NANMEAN, names, 3, with);
        assert_true(with[0] > none[0] + 0.02);
        assert_true(with[1] < 0.8 * none[1]);
        assert_true(with[2] > 0.2);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gain_and_credit),
        cmocka_unit_test(test_session_applied),
        cmocka_unit_test(test_who_and_when),
        cmocka_unit_test(test_over_seeds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
