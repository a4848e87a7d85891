/* Recording a run: the series every metric writes into, the day's row, the snapshots and
 * the tables of agents and teams at the end. */
#include "engine_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

ts_status engine_add_series(ts_engine *e, ts_result *res, ts_error *err) {
    size_t n = (size_t)e->days + 1;
    for (size_t k = 0; k < EM_COUNT; k++) {
        const ts_metric_decl *d = &engine_metrics[k];
        e->series[k] = ts_result_add_series(res, d->name, d->units, d->description, n);
        if (!e->series[k]) {
            return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        }
    }
    for (size_t m = 0; m < e->n_mods; m++) {
        for (size_t k = 0; k < e->mods[m]->n_metrics; k++) {
            const ts_metric_decl *d = &e->mods[m]->metrics[k];
            double *s = ts_result_add_series(res, d->name, d->units, d->description, n);
            if (!s) {
                return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
            }
            e->series[e->val_off[m] + k] = s;
        }
    }
    return TS_OK;
}

/* The day's row of every series, from the values the day's measure left. */
void engine_record(ts_engine *e) {
    for (size_t k = 0; k < e->n_values; k++) {
        e->series[k][e->w.day] = e->values[k];
    }
}

/* A snapshot day: the engine adds the day's snapshot, the modules fill it in. */
ts_status engine_snapshot(ts_engine *e, ts_result *res, ts_error *err) {
    ts_snapshot *snap = ts_result_add_snapshot(res, e->w.day);
    if (!snap) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    for (size_t m = 0; m < e->n_mods; m++) {
        if (e->mods[m]->snapshot) {
            ts_status st = e->mods[m]->snapshot(e->state[m], &e->w, snap, err);
            if (st != TS_OK) {
                return st;
            }
        }
    }
    return TS_OK;
}

/* The engine's per-agent columns: identity, position and models held. Modules add the
 * rest (traits, safety, trust given and received ...). */
static ts_status agent_table(const ts_world *w, ts_result *res, ts_error *err) {
    size_t n = w->n;
    ts_table *t = &res->agents;
    uint32_t *id =
        ts_table_add_column(t, "id", "agent id", "Agent id (hiring order).", TS_COL_U32, n, 1);
    uint32_t *mgr = ts_table_add_column(t, "manager", "agent id",
                                        "Manager at the end (4294967295: none).", TS_COL_U32, n, 1);
    int32_t *depth =
        ts_table_add_column(t, "depth", "levels", "Depth in the tree (CEO 0).", TS_COL_I32, n, 1);
    int32_t *hire = ts_table_add_column(t, "hire_day", "day",
                                        "Day of hire (negative: before day 0).", TS_COL_I32, n, 1);
    int32_t *leave = ts_table_add_column(
        t, "leave_day", "day", "Day of leaving (2147483647: still employed).", TS_COL_I32, n, 1);
    uint32_t *held = ts_table_add_column(t, "models_held", "models",
                                         "Mental models held at the end.", TS_COL_U32, n, 1);
    if (n && (!id || !mgr || !depth || !hire || !leave || !held)) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for the agent table");
    }
    for (uint32_t a = 0; a < n; a++) {
        id[a] = a;
        mgr[a] = w->manager[a];
        depth[a] = w->active[a] ? w->depth[a] : -1;
        hire[a] = w->hire_day[a];
        leave[a] = w->leave_day[a];
        held[a] = ts_relstore_count(&w->models, a);
    }
    return TS_OK;
}

/* The engine's per-team columns: one row per team (an employed manager and its direct
 * reports) at the end, in id order. Modules add their columns in the same row order,
 * read from the `manager` column. */
static ts_status team_table(const ts_world *w, ts_result *res, ts_error *err) {
    size_t k = 0;
    for (uint32_t a = 0; a < w->n; a++) {
        k += w->active[a] && w->n_reports[a] > 0;
    }
    ts_table *t = &res->teams;
    uint32_t *mgr = ts_table_add_column(t, "manager", "agent id",
                                        "The team's manager; the team is its direct reports.",
                                        TS_COL_U32, k, 1);
    uint32_t *members = ts_table_add_column(
        t, "members", "people", "Direct reports of the manager at the end.", TS_COL_U32, k, 1);
    if (k && (!mgr || !members)) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for the team table");
    }
    size_t i = 0;
    for (uint32_t a = 0; a < w->n; a++) {
        if (w->active[a] && w->n_reports[a] > 0) {
            mgr[i] = a;
            members[i] = w->n_reports[a];
            i++;
        }
    }
    return TS_OK;
}

/* End of run: the engine's tables of agents and teams, then each module's summary. */
ts_status engine_summarize(ts_engine *e, ts_result *res, ts_error *err) {
    ts_status st = agent_table(&e->w, res, err);
    if (st == TS_OK) {
        st = team_table(&e->w, res, err);
    }
    for (size_t m = 0; st == TS_OK && m < e->n_mods; m++) {
        if (e->mods[m]->summarize) {
            st = e->mods[m]->summarize(e->state[m], &e->w, res, err);
        }
    }
    return st;
}
