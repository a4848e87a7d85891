/* Tests of sim/core/engine_phases.c: every phase runs its hooks in table order, and a hook's
 * failure stops the day with its status and a message naming the module and the phase
 * (the lowest failing block's, whatever the thread count). A probe module records what
 * ran and fails where it is told to. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine.h"
#include "evidence.h"
#include "test_support.h"

/* Where the probe fails: the phase, on which day, for which agent (parallel phases). */
enum { FAIL_NONE, FAIL_ORG, FAIL_ACT, FAIL_HANDLE, FAIL_SETTLE, FAIL_MEASURE, FAIL_DAY_END };

typedef struct probe {
    int fail;
    int32_t fail_day;
    uint32_t fail_agent;
    int orgs, day_ends;
} probe;

/* The probe's configuration comes through a static: the engine hands configure nothing
 * else, and each test sets it before creating the engine. */
static probe probe_plan;

static ts_status p_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    (void)sc;
    (void)w;
    probe *p = malloc(sizeof *p);
    if (!p) {
        return ts_error_set(err, TS_ERR_NOMEM, "oom");
    }
    *p = probe_plan;
    *state = p;
    return TS_OK;
}

static void p_free(void *state) {
    free(state);
}

static ts_status p_org(void *state, ts_world *w, const ts_day *d) {
    probe *p = state;
    p->orgs++;
    if (p->fail == FAIL_ORG && w->day == p->fail_day) {
        return ts_error_set(d->err, TS_ERR_PARAM, "probe refuses day %d", (int)w->day);
    }
    return TS_OK;
}

static ts_status p_act(const void *state, const ts_world *w, uint32_t a, void *row, ts_emit *e) {
    (void)row;
    const probe *p = state;
    /* Every agent tells its successor an hour of meetings. */
    if (a + 1 < w->n) {
        ts_ev_hours(e, a + 1, TS_HOURS_MEETINGS, 1.0f);
    }
    int here = w->day == p->fail_day && a >= p->fail_agent;
    return p->fail == FAIL_ACT && here ? TS_ERR_INTERNAL : TS_OK;
}

static ts_status p_handle(void *state, ts_world *w, const ts_msg *m) {
    const probe *p = state;
    ts_evidence_handle(w, m);
    int here = w->day == p->fail_day && m->to >= p->fail_agent;
    return p->fail == FAIL_HANDLE && here ? TS_ERR_NOMEM : TS_OK;
}

static ts_status p_settle(void *state, ts_world *w, uint32_t a) {
    const probe *p = state;
    int here = w->day == p->fail_day && a >= p->fail_agent;
    return p->fail == FAIL_SETTLE && here ? TS_ERR_IO : TS_OK;
}

static ts_status p_measure(const void *state, const ts_world *w, uint32_t a0, uint32_t a1,
                           double *acc) {
    const probe *p = state;
    for (uint32_t a = a0; a < a1; a++) {
        acc[0] += w->hours[(size_t)a * TS_HOURS_SLOTS + TS_HOURS_MEETINGS];
    }
    int here = w->day == p->fail_day && a1 > p->fail_agent;
    return p->fail == FAIL_MEASURE && here ? TS_ERR_INTERNAL : TS_OK;
}

static ts_status p_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    probe *p = state;
    p->day_ends++;
    v[0] = acc[0];
    return p->fail == FAIL_DAY_END && w->day == p->fail_day ? TS_ERR_INTERNAL : TS_OK;
}

static const ts_metric_decl probe_metrics[] = {{"probe_hours", "hours", "Meeting hours."}};

static const ts_module probe_module = {
    .name = "probe",
    .configure = p_configure,
    .free = p_free,
    .org = p_org,
    .act = p_act,
    .handle = p_handle,
    .settle = p_settle,
    .metrics = probe_metrics,
    .n_metrics = 1,
    .n_acc = 1,
    .measure = p_measure,
    .day_end = p_day_end,
};

/* 2,500 agents: three blocks, so the parallel phases have several to fail in. */
static const char *SC = "days: 6\ndomains: [a, b]\norg: {headcount: 2500, span_of_control: 6, "
                        "warmup_days: 2}\noutput: {snapshot_every: 0}\n";

/* Runs the scenario with the probe failing as planned on `threads` threads; returns the
 * run's status and its message in msg. */
static ts_status run_probe(int fail, int32_t day, uint32_t agent, int threads, char *msg,
                           size_t cap) {
    probe_plan = (probe){.fail = fail, .fail_day = day, .fail_agent = agent};
    ts_scenario *sc = tst_scenario(SC);
    const ts_module *mods[] = {&probe_module};
    ts_engine *e = tst_engine(sc, mods, 1, 7, threads);
    ts_result r;
    ts_result_init(&r);
    ts_error err;
    err.msg[0] = '\0';
    ts_status st = ts_engine_run(e, &r, &err);
    snprintf(msg, cap, "%s", err.msg);
    if (st == TS_OK) {
        const probe *p = ts_engine_module_state(e, "probe");
        /* Org on the warm-up's 2 days and the 6 recorded ones; day_end on day 0 (the
         * lead-in week's last day is day -1) and on each recorded day. */
        assert_int_equal(p->orgs, 8);
        assert_true(p->day_ends >= 7);
        /* Everyone but the last agent received an hour from its predecessor. */
        assert_float_equal(tst_series(&r, "probe_hours")->values[6], 2499.0, 0.0);
    }
    ts_result_free(&r);
    ts_engine_free(e);
    ts_scenario_free(sc);
    return st;
}

static void test_no_failure(void **state) {
    (void)state;
    char msg[256];
    assert_int_equal(run_probe(FAIL_NONE, 0, 0, 2, msg, sizeof msg), TS_OK);
}

/* org explains itself in day->err; the run stops with its status. */
static void test_org_failure(void **state) {
    (void)state;
    char msg[256];
    assert_int_equal(run_probe(FAIL_ORG, 3, 0, 1, msg, sizeof msg), TS_ERR_PARAM);
    assert_non_null(strstr(msg, "probe refuses day 3"));
}

/* A parallel hook's status comes back named by module and phase, from the lowest failing
 * block: the same message on 1 and 2 threads. */
static void test_parallel_failures(void **state) {
    (void)state;
    static const struct {
        int fail;
        ts_status st;
        const char *phase;
    } cases[] = {
        {FAIL_ACT, TS_ERR_INTERNAL, "in act"},
        {FAIL_HANDLE, TS_ERR_NOMEM, "in apply"},
        {FAIL_SETTLE, TS_ERR_IO, "in apply"},
        {FAIL_MEASURE, TS_ERR_INTERNAL, "in measure"},
        {FAIL_DAY_END, TS_ERR_INTERNAL, "in day_end"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char m1[256], m2[256];
        assert_int_equal(run_probe(cases[k].fail, 2, 1500, 1, m1, sizeof m1), cases[k].st);
        assert_int_equal(run_probe(cases[k].fail, 2, 1500, 2, m2, sizeof m2), cases[k].st);
        assert_non_null(strstr(m1, "module probe failed"));
        assert_non_null(strstr(m1, cases[k].phase));
        assert_string_equal(m1, m2);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_failure),
        cmocka_unit_test(test_org_failure),
        cmocka_unit_test(test_parallel_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
