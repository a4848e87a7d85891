/* Tests of the per-team table (sim/core/engine.c's manager and members, models/trust.c's
 * trust_within, models/work.c's output_per_head, failures, failures_owned and tech_debt,
 * models/repair.c's safety) and of the trust module's delegation tracking (the agent
 * columns days_to_delegation and manager_trust, the summary hire_delegation_days). Every
 * column of a small run is recomputed here from the world at the end and from each day's
 * work rows, followed through the engine's progress callback; the median with censoring
 * is checked on hand-built cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include "evidence.h"
#include "shared.h"
#include "modules.h"
#include "trust.h"
#include "work_internal.h"
#include "test_support.h"

#define MAX_AGENTS 512

/* What a run's days show, per agent: work in the team table's window, and the first day
 * the trust module should see the manager's delegation-level trust (INT32_MIN: not yet). */
typedef struct follow {
    ts_engine *e;
    ts_trust_params tp;
    double output[MAX_AGENTS];
    uint32_t failed[MAX_AGENTS], owned[MAX_AGENTS];
    int32_t reached[MAX_AGENTS];
    uint32_t reached_n; /* hires whose day was found */
} follow;

/* The domain of a's highest true competence (ties: the lowest). */
static uint32_t best_domain(const ts_world *w, uint32_t a) {
    const float *c = ts_competence(w) + (size_t)a * w->n_domains;
    uint32_t best = 0;
    for (uint32_t d = 1; d < w->n_domains; d++) {
        if (c[d] > c[best]) {
            best = d;
        }
    }
    return best;
}

/* m's trust in a's best domain as the trust module's org phase of day `day` reads it: the
 * model decayed to that day, the stranger score without one. */
static float trust_on(const follow *fo, const ts_world *w, uint32_t m, uint32_t a, int32_t day) {
    int slot = ts_relstore_find(&w->models, m, a);
    if (slot < 0) {
        return ts_trust_stranger(&fo->tp);
    }
    ts_belief b;
    ts_relstore_read(&w->models, m, (uint32_t)slot, day, &b);
    return ts_trust_score(&fo->tp, &b, best_domain(w, a));
}

/* After each day: the day's outcomes (settle's output and failures of day d, report's
 * owned-up failures of day d - 1) inside the window, and, for hires still waiting,
 * whether tomorrow's org phase will find delegation-level trust (nothing changes the
 * tree or the models between the end of a day and the trust module, first in the org
 * phase). */
static void follow_day(void *ctx, int32_t day) {
    follow *fo = ctx;
    const ts_world *w = ts_engine_world(fo->e);
    const work_state *ws = ts_engine_module_state(fo->e, "work");
    if (day < 1) {
        return;
    }
    assert_true(w->n <= MAX_AGENTS);
    for (uint32_t a = 0; a < w->n; a++) {
        const work_row *row = &ws->rows[a];
        if (!w->active[a]) {
            continue;
        }
        if (work_in_window(w, day)) {
            fo->output[a] += row->output;
            fo->failed[a] += row->failed;
        }
        if (work_in_window(w, day - 1)) {
            fo->owned[a] += row->owned;
        }
        uint32_t m = w->manager[a];
        if (day < w->days && w->hire_day[a] >= 1 && m != TS_NO_AGENT &&
            fo->reached[a] == INT32_MIN && trust_on(fo, w, m, a, day + 1) >= fo->tp.delegate) {
            fo->reached[a] = day + 1;
            fo->reached_n++;
        }
    }
}

/* Runs the full model on `yaml`, following it; the caller frees e, the result and sc. */
static ts_engine *run_followed(ts_scenario *sc, uint64_t seed, follow *fo, ts_result *res) {
    memset(fo, 0, sizeof *fo);
    for (size_t a = 0; a < MAX_AGENTS; a++) {
        fo->reached[a] = INT32_MIN;
    }
    ts_trust_params_load(sc, &fo->tp);
    ts_engine_options eo = {.seed = seed, .threads = 2, .progress = follow_day, .progress_ctx = fo};
    ts_error err;
    assert_int_equal(ts_engine_create(sc, ts_modules, ts_n_modules, &eo, &fo->e, &err), TS_OK);
    ts_result_init(res);
    if (ts_engine_run(fo->e, res, &err) != TS_OK) {
        fail_msg("ts_engine_run: %s", err.msg);
    }
    return fo->e;
}

static const void *column(const ts_table *t, const char *name, size_t n) {
    const ts_column *c = ts_table_find_column(t, name);
    if (!c) {
        fail_msg("no column %s", name);
    }
    assert_int_equal(c->n, n);
    assert_int_equal(c->width, 1);
    return c->data;
}

/* Checks every column of the team table against the world at the end and the days. */
static void check_team_table(const follow *fo, const ts_result *res) {
    const ts_world *w = ts_engine_world(fo->e);
    const work_state *ws = ts_engine_module_state(fo->e, "work");
    size_t k = 0;
    for (uint32_t a = 0; a < w->n; a++) {
        k += w->active[a] && w->n_reports[a] > 0;
    }
    assert_true(k >= 5);
    assert_int_equal(res->teams.n_cols, 8);
    const uint32_t *mgr = column(&res->teams, "manager", k);
    const uint32_t *members = column(&res->teams, "members", k);
    const float *within = column(&res->teams, "trust_within", k);
    const float *out = column(&res->teams, "output_per_head", k);
    const uint32_t *failed = column(&res->teams, "failures", k);
    const uint32_t *owned = column(&res->teams, "failures_owned", k);
    const float *debt = column(&res->teams, "tech_debt", k);
    const float *safety = column(&res->teams, "safety", k);
    int32_t first = w->days - 89 > 1 ? w->days - 89 : 1;
    double span = w->days - first + 1;
    size_t i = 0;
    uint32_t any_failed = 0;
    for (uint32_t m = 0; m < w->n; m++) {
        if (!w->active[m] || w->n_reports[m] == 0) {
            continue;
        }
        assert_int_equal(mgr[i], m); /* rows in the order of the managers' ids */
        /* The team: the manager and its reports; pairs in both directions. */
        uint32_t team[64];
        size_t n = 0;
        team[n++] = m;
        double hours = 0.0, s = 0.0;
        uint32_t f = 0, o = 0;
        for (uint32_t j = w->first_report[m]; j != TS_NO_AGENT; j = w->next_peer[j]) {
            assert_true(n < 64);
            team[n++] = j;
            hours += fo->output[j];
            f += fo->failed[j];
            o += fo->owned[j];
            s += ts_safety(w)[j];
        }
        assert_int_equal(members[i], n - 1);
        assert_int_equal(members[i], w->n_reports[m]);
        double t = 0.0;
        for (size_t x = 0; x < n; x++) {
            for (size_t y = 0; y < n; y++) {
                t += x == y ? 0.0 : ts_trust_of_mean(&fo->tp, w, team[x], team[y]);
            }
        }
        assert_float_equal(within[i], t / (double)(n * (n - 1)), 1e-6);
        assert_float_equal(out[i], hours / ((n - 1) * span), 1e-5 * (1.0 + out[i]));
        assert_int_equal(failed[i], f);
        assert_int_equal(owned[i], o);
        assert_true(owned[i] <= failed[i]);
        assert_float_equal(debt[i], ws->debt[m], 0.0);
        assert_true(debt[i] > 0.0f && debt[i] < 1.0f);
        assert_float_equal(safety[i], s / (n - 1), 1e-6);
        any_failed += f;
        i++;
    }
    assert_true(any_failed > 0);
}

/* Checks the delegation columns and the median against the days followed. */
static void check_delegation(const follow *fo, const ts_result *res, uint32_t min_reached) {
    const ts_world *w = ts_engine_world(fo->e);
    const float *days = column(&res->agents, "days_to_delegation", w->n);
    const float *mt = column(&res->agents, "manager_trust", w->n);
    double pool[MAX_AGENTS];
    size_t k = 0;
    uint32_t hires = 0, waiting = 0;
    for (uint32_t a = 0; a < w->n; a++) {
        int32_t r = fo->reached[a];
        if (r != INT32_MIN) {
            assert_float_equal(days[a], (float)(r - w->hire_day[a]), 0.0);
            assert_true(days[a] >= 1.0f);
        } else {
            assert_true(isnan(days[a]));
        }
        hires += w->hire_day[a] >= 1;
        waiting += w->hire_day[a] >= 1 && w->active[a] && r == INT32_MIN;
        uint32_t m = w->manager[a];
        if (w->active[a] && m != TS_NO_AGENT) {
            assert_float_equal(mt[a], trust_on(fo, w, m, a, w->day), 0.0);
        } else {
            assert_true(isnan(mt[a]));
        }
        if (w->active[a] && w->hire_day[a] >= 1 && w->day - w->hire_day[a] >= 150) {
            pool[k++] = r != INT32_MIN ? r - w->hire_day[a] : INFINITY;
        }
    }
    /* The median by insertion sort. */
    for (size_t x = 1; x < k; x++) {
        for (size_t y = x; y > 0 && pool[y - 1] > pool[y]; y--) {
            double t = pool[y];
            pool[y] = pool[y - 1];
            pool[y - 1] = t;
        }
    }
    double want = k == 0 ? NAN : k % 2 ? pool[k / 2] : 0.5 * (pool[k / 2 - 1] + pool[k / 2]);
    want = isfinite(want) ? want : NAN;
    double got = tst_value(res, "hire_delegation_days");
    print_message("%u hires on recorded days, %u reached delegation, %u waiting; %zu with 150 "
                  "days' tenure, median %.1f\n",
                  (unsigned)hires, (unsigned)fo->reached_n, (unsigned)waiting, k, got);
    assert_true(fo->reached_n >= min_reached && waiting >= 1);
    if (isnan(want)) {
        assert_true(isnan(got));
    } else {
        assert_float_equal(got, want, 0.0);
    }
}

/* A small growing company with the repair tactic: the team table and the delegation
 * columns, recomputed. Two lengths: a run longer than the 90-day window of the work
 * columns, and one shorter (the window is the whole run). */
static void test_team_table_and_delegation(void **state) {
    (void)state;
    const char *yamls[] = {"days: 210\norg: {headcount: 45, span_of_control: 5, warmup_days: 30}\n"
                           "hiring: {growth: exponential, annual_rate: 1.5, ramp_days: 30}\n"
                           "tactics: {repair: {}}\n",
                           "days: 60\norg: {headcount: 45, span_of_control: 5, warmup_days: 30}\n"
                           "hiring: {growth: exponential, annual_rate: 3, ramp_days: 30}\n"
                           "tactics: {repair: {}}\n"};
    for (int k = 0; k < 2; k++) {
        ts_scenario *sc = tst_scenario(yamls[k]);
        follow *fo = calloc(1, sizeof *fo);
        assert_non_null(fo);
        ts_result res;
        run_followed(sc, 2024 + k, fo, &res);
        check_team_table(fo, &res);
        check_delegation(fo, &res, k == 0 ? 5 : 0); /* 60 days: too soon to reach it */
        ts_result_free(&res);
        ts_engine_free(fo->e);
        free(fo);
        ts_scenario_free(sc);
    }
}

/* ---- The median by hand ------------------------------------------------------------------ */

typedef struct hire {
    int32_t hire_day;
    int32_t reach_day; /* the day the manager's trust is made to reach delegation; 0: never */
    int wrong_domain;  /* the evidence goes to a domain that is not the hire's best */
    int leaves;        /* leaves on day 390 */
} hire;

/* A CEO (0), a manager (1) and the hires under 1 (ids 2...); each hire's best domain is id
 * % 4. On each reach day the manager's model of that hire gets 30 good and 2 bad
 * observations and 5 honest acts (trust 0.806 in that domain), then the org phase runs.
 * Returns hire_delegation_days read on day 400; days[] and mt[] the hires' columns. */
static double delegation_case(const hire *h, size_t n, float *days, float *mt) {
    tst_world f;
    tst_world_open(&f, &ts_module_trust, "", 4, 16, 2, 2);
    ts_world *w = &f.w;
    ts_error err;
    for (size_t i = 0; i < n; i++) {
        uint32_t id;
        assert_int_equal(ts_world_add_agent(w, 1, h[i].hire_day, &id, &err), TS_OK);
        assert_int_equal(id, 2 + i);
    }
    for (uint32_t a = 0; a < w->n; a++) {
        for (uint32_t d = 0; d < 4; d++) {
            ts_competence(w)[a * 4 + d] = d == a % 4 ? 0.9f : 0.5f;
        }
    }
    tst_world_configure(&f);
    assert_int_equal(f.mod->grow(f.st, w, &err), TS_OK);
    /* Warm-up days record nothing, even for a hire the manager already trusts. */
    for (int32_t day = -3; day <= 0; day++) {
        tst_world_org(&f, day, 0, 1);
    }
    for (int32_t day = 1; day <= 399; day++) {
        for (size_t i = 0; i < n; i++) {
            if (h[i].reach_day == day) {
                uint32_t a = 2 + (uint32_t)i;
                int slot = ts_evidence_model(w, 1, a);
                assert_true(slot >= 0);
                uint32_t d = (a % 4 + (h[i].wrong_domain ? 1 : 0)) % 4;
                ts_relstore_add_competence(&w->models, 1, (uint32_t)slot, day, d, 30.0f, 2.0f);
                ts_relstore_add_integrity(&w->models, 1, (uint32_t)slot, day, 5.0f, 0.0f, 0.0f);
            }
        }
        tst_world_org(&f, day, 0, 1);
        if (day == 390) {
            for (size_t i = 0; i < n; i++) {
                if (h[i].leaves) {
                    ts_world_remove_agent(w, 2 + (uint32_t)i, day);
                }
            }
        }
    }
    w->day = 400;
    ts_result res;
    ts_result_init(&res);
    assert_int_equal(f.mod->summarize(f.st, w, &res, &err), TS_OK);
    const float *dcol = column(&res.agents, "days_to_delegation", w->n);
    const float *mcol = column(&res.agents, "manager_trust", w->n);
    assert_true(isnan(dcol[0]) && isnan(dcol[1])); /* on the payroll before day 1 */
    assert_true(isnan(mcol[0]));                   /* the CEO has no manager */
    for (size_t i = 0; i < n; i++) {
        days[i] = dcol[2 + i];
        mt[i] = mcol[2 + i];
    }
    double v = tst_value(&res, "hire_delegation_days");
    ts_result_free(&res);
    tst_world_close(&f);
    return v;
}

/* days_to_delegation is the reach day less the hire day, for hires on recorded days only;
 * the median is over hires with 150 days' tenure still employed, the unreached counting
 * as beyond every reached one, NaN when they are half or more or there are none. */
static void test_delegation_median_by_hand(void **state) {
    (void)state;
    const hire base[] = {
        {10, 47, 0, 0},   /* 37 days */
        {20, 80, 0, 0},   /* 60 */
        {30, 0, 0, 0},    /* never: beyond */
        {300, 305, 0, 0}, /* 5, but 100 days' tenure: not in the median */
        {40, 53, 0, 0},   /* 13 */
        {0, 20, 0, 0},    /* hired on day 0: NaN, not in the median */
        {-50, 30, 0, 0},  /* hired in the warm-up: the same */
        {60, 65, 0, 1},   /* 5, but left: not in the median */
        {70, 90, 1, 0},   /* evidence in another domain: never (beyond) */
    };
    float days[16], mt[16];
    /* Pool: 13, 37, 60, beyond, beyond: the median is the middle one, 60. */
    double med = delegation_case(base, 9, days, mt);
    const float want[9] = {37, 60, NAN, 5, 13, NAN, NAN, 5, NAN};
    for (int i = 0; i < 9; i++) {
        if (isnan(want[i])) {
            assert_true(isnan(days[i]));
        } else {
            assert_float_equal(days[i], want[i], 0.0);
        }
    }
    assert_float_equal(med, 60.0, 0.0);
    /* The manager's trust at the end in the hire's best domain: 0.806 after the evidence,
     * the stranger's 0.382 without any, 0.435 where only the honesty evidence is in that
     * domain's score; NaN for the leaver. */
    assert_float_equal(mt[0], 0.8059263, 1e-6);
    assert_float_equal(mt[2], 0.3820204, 1e-6);
    assert_float_equal(mt[8], 0.4350788, 1e-6);
    assert_true(isnan(mt[7]));
    /* The last one hired on day 251 (149 days' tenure at the end) is out of the pool:
     * 13, 37, 60, beyond, an even count: (37 + 60) / 2. */
    hire h2[9];
    memcpy(h2, base, sizeof base);
    h2[8].hire_day = 251;
    assert_float_equal(delegation_case(h2, 9, days, mt), 48.5, 0.0);
    /* Hired on day 250 (150 days' tenure) and trusted on day 270: in, 13, 20, 37, 60,
     * beyond: 37. */
    h2[8] = (hire){250, 270, 0, 0};
    assert_float_equal(delegation_case(h2, 9, days, mt), 37.0, 0.0);
    assert_float_equal(days[8], 20.0, 0.0);
    /* Half beyond: 13, 37, beyond, beyond gives (37 + inf) / 2: NaN. */
    memcpy(h2, base, sizeof base);
    h2[1].reach_day = 0;
    h2[8].hire_day = 251;
    assert_true(isnan(delegation_case(h2, 9, days, mt)));
    /* One fewer beyond: 13, 37, beyond: 37. */
    h2[2].hire_day = 300;
    assert_float_equal(delegation_case(h2, 9, days, mt), 37.0, 0.0);
    /* Nobody with the tenure: NaN. */
    const hire none[] = {{300, 310, 0, 0}, {0, 5, 0, 0}};
    assert_true(isnan(delegation_case(none, 2, days, mt)));
    assert_float_equal(days[0], 10.0, 0.0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_team_table_and_delegation),
        cmocka_unit_test(test_delegation_median_by_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
