/* Tests of sim/core/engine_report.c, what the engine records of a run: a row of every
 * series each recorded day, snapshots on their days, and the agent and team tables at the
 * end, each checked against the world the run left (the full model, several seeds, an
 * organisation that hires and loses people). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine.h"
#include "modules.h"
#include "rng.h"

enum { DAYS = 90, EVERY = 20 };

typedef struct run {
    ts_scenario *sc;
    ts_engine *eng;
    ts_result res;
} run;

static void run_small(run *r, uint64_t seed) {
    char text[512];
    snprintf(text, sizeof text,
             "name: report\ndays: %d\norg: {headcount: 60, warmup_days: 10}\n"
             "hiring: {growth: exponential, annual_rate: 2.0}\n"
             "output: {snapshot_every: %d, snapshot_agents: 20}\n",
             DAYS, EVERY);
    ts_error err;
    ts_error_clear(&err);
    r->sc = NULL;
    r->eng = NULL;
    ts_result_init(&r->res);
    assert_int_equal(
        ts_scenario_load_string(ts_modules_schema(), text, "report.yaml", NULL, &r->sc, &err),
        TS_OK);
    assert_int_equal(ts_scenario_finalize(r->sc, &err), TS_OK);
    ts_engine_options eo = {.seed = ts_rng_run_seed(seed, 0, 0), .threads = 1};
    assert_int_equal(ts_engine_create(r->sc, ts_modules, ts_n_modules, &eo, &r->eng, &err), TS_OK);
    assert_int_equal(ts_engine_run(r->eng, &r->res, &err), TS_OK);
}

static void run_free(run *r) {
    ts_result_free(&r->res);
    ts_engine_free(r->eng);
    ts_scenario_free(r->sc);
}

static const void *column(const ts_table *t, const char *name, size_t n) {
    const ts_column *c = ts_table_find_column(t, name);
    if (!c) {
        fail_msg("no column %s", name);
    }
    assert_int_equal(c->n, n);
    return c->data;
}

/* The agent table: one row per agent ever hired, as the world has them at the end; depth
 * one more than the manager's (the CEO 0; -1 for those who left). */
static void test_agent_table(void **state) {
    (void)state;
    size_t left_in_all = 0;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        run r;
        run_small(&r, seed);
        const ts_world *w = ts_engine_world(r.eng);
        size_t n = w->n;
        const uint32_t *id = column(&r.res.agents, "id", n);
        const uint32_t *mgr = column(&r.res.agents, "manager", n);
        const int32_t *depth = column(&r.res.agents, "depth", n);
        const int32_t *hire = column(&r.res.agents, "hire_day", n);
        const int32_t *leave = column(&r.res.agents, "leave_day", n);
        const uint32_t *held = column(&r.res.agents, "models_held", n);
        size_t left = 0, hired = 0;
        for (uint32_t a = 0; a < n; a++) {
            assert_int_equal(id[a], a);
            assert_int_equal(mgr[a], w->manager[a]);
            assert_int_equal(hire[a], w->hire_day[a]);
            assert_int_equal(held[a], ts_relstore_count(&w->models, a));
            if (!w->active[a]) {
                assert_int_equal(depth[a], -1);
                assert_true(leave[a] <= DAYS);
                left++;
                continue;
            }
            assert_int_equal(leave[a], INT32_MAX);
            hired += hire[a] >= 1;
            if (mgr[a] == TS_NO_AGENT) {
                assert_int_equal(depth[a], 0);
            } else {
                assert_true(w->active[mgr[a]]);
                assert_int_equal(depth[a], depth[mgr[a]] + 1);
            }
        }
        /* The organisation changed during the run: the columns have something to say. */
        assert_true(hired > 0);
        left_in_all += left;
        run_free(&r);
    }
    assert_true(left_in_all > 0);
}

/* The team table: one row per employed manager, in id order, its members the employed
 * people whose manager it is (counted here from the agent table). */
static void test_team_table(void **state) {
    (void)state;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        run r;
        run_small(&r, seed);
        const ts_world *w = ts_engine_world(r.eng);
        size_t n = w->n;
        uint32_t *reports = calloc(n, sizeof *reports);
        assert_non_null(reports);
        size_t teams = 0;
        for (uint32_t a = 0; a < n; a++) {
            if (w->active[a] && w->manager[a] != TS_NO_AGENT) {
                reports[w->manager[a]]++;
            }
        }
        for (uint32_t a = 0; a < n; a++) {
            teams += w->active[a] && reports[a] > 0;
        }
        const uint32_t *mgr = column(&r.res.teams, "manager", teams);
        const uint32_t *members = column(&r.res.teams, "members", teams);
        for (size_t i = 0; i < teams; i++) {
            assert_true(i == 0 || mgr[i] > mgr[i - 1]);
            assert_true(w->active[mgr[i]]);
            assert_int_equal(members[i], reports[mgr[i]]);
        }
        size_t k = 0;
        const uint32_t *managers = ts_result_team_managers(&r.res, &k);
        assert_int_equal(k, teams);
        assert_memory_equal(managers, mgr, teams * sizeof *mgr);
        free(reports);
        run_free(&r);
    }
}

/* Every series has a row for day 0 and each recorded day; the engine's headcount on the
 * last day is the number of people employed at the end; snapshots come on their days. */
static void test_series_and_snapshots(void **state) {
    (void)state;
    run r;
    run_small(&r, 7);
    const ts_world *w = ts_engine_world(r.eng);
    assert_true(r.res.n_metrics > 10);
    for (size_t k = 0; k < r.res.n_metrics; k++) {
        assert_int_equal(r.res.metrics[k].n, DAYS + 1);
    }
    const ts_series *head = ts_result_find_series(&r.res, "headcount");
    assert_non_null(head);
    size_t employed = 0;
    for (uint32_t a = 0; a < w->n; a++) {
        employed += w->active[a] && ts_world_is_person(w, a);
    }
    assert_float_equal(head->values[DAYS], (double)employed, 0.0);
    assert_true(head->values[0] >= 50.0); /* about the 60 of day 0 */
    assert_int_equal(r.res.n_snapshots, DAYS / EVERY);
    for (size_t s = 0; s < r.res.n_snapshots; s++) {
        assert_int_equal(r.res.snapshots[s].day, (int32_t)((s + 1) * EVERY));
        assert_non_null(ts_table_find_column(&r.res.snapshots[s].edges, "trust"));
    }
    run_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_agent_table),
        cmocka_unit_test(test_team_table),
        cmocka_unit_test(test_series_and_snapshots),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
