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

/* The department of an agent: its ancestor at depth 1 (the CEO is its own). */
static uint32_t department_of(const ts_world *w, uint32_t a) {
    while (w->depth[a] > 1) {
        a = w->manager[a];
    }
    return a;
}

ts_status engine_snapshot(ts_engine *e, ts_result *res, ts_error *err) {
    const ts_world *w = &e->w;
    const ts_relstore *rs = &w->models;
    uint32_t D = w->n_domains;
    ts_snapshot *snap = ts_result_add_snapshot(res, w->day);
    if (!snap) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    /* The sample: every k-th employed agent, so it spreads over the whole tree. */
    uint32_t want = e->snapshot_agents < w->n_active ? e->snapshot_agents : w->n_active;
    uint32_t stride = want ? (w->n_active + want - 1) / want : 1;
    size_t n_edges = 0;
    uint32_t seen = 0;
    for (uint32_t a = 0; a < w->n && want; a++) {
        if (w->active[a] && seen++ % stride == 0) {
            n_edges += ts_relstore_count(rs, a);
        }
    }
    uint32_t *from = ts_table_add_column(&snap->edges, "from", "agent id", "The believer.",
                                         TS_COL_U32, n_edges, 1);
    uint32_t *to = ts_table_add_column(&snap->edges, "to", "agent id", "The person believed about.",
                                       TS_COL_U32, n_edges, 1);
    float *mean = ts_table_add_column(&snap->edges, "mean", "probability",
                                      "Believed competence per domain (posterior mean).",
                                      TS_COL_F32, n_edges, D);
    float *sd = ts_table_add_column(&snap->edges, "sd", "probability",
                                    "Uncertainty of the belief per domain (posterior sd).",
                                    TS_COL_F32, n_edges, D);
    float *trust = ts_table_add_column(&snap->edges, "trust", "trust score",
                                       "Trust score T per domain.", TS_COL_F32, n_edges, D);
    float *integ =
        ts_table_add_column(&snap->edges, "integrity", "probability",
                            "Believed honesty (posterior mean).", TS_COL_F32, n_edges, 1);
    float *good = ts_table_add_column(&snap->edges, "goodwill", "score in [-1,1]",
                                      "Affect toward the person.", TS_COL_F32, n_edges, 1);
    if ((n_edges && (!from || !to || !mean || !sd || !trust || !integ || !good))) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for a snapshot");
    }
    size_t k = 0;
    seen = 0;
    ts_belief bel;
    for (uint32_t a = 0; a < w->n && want; a++) {
        if (!w->active[a] || seen++ % stride != 0) {
            continue;
        }
        for (uint32_t s = 0; s < ts_relstore_count(rs, a); s++, k++) {
            ts_relstore_read(rs, a, s, w->day, &bel);
            from[k] = a;
            to[k] = ts_relstore_id(rs, a, s);
            w->score(w->score_ctx, &bel, D, mean + k * D, sd + k * D, trust + k * D, integ + k);
            good[k] = bel.goodwill;
        }
    }
    /* Team-by-team trust of the top two levels: departments are the CEO's reports. */
    size_t nd = 0;
    uint32_t *dept_index = calloc(w->n ? w->n : 1, sizeof *dept_index);
    if (!dept_index) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for a snapshot");
    }
    for (uint32_t a = 0; a < w->n; a++) {
        dept_index[a] = UINT32_MAX;
        if (w->active[a] && w->depth[a] <= 1) {
            dept_index[a] = (uint32_t)nd++;
        }
    }
    snap->k = nd;
    snap->team_ids = calloc(nd ? nd : 1, sizeof *snap->team_ids);
    size_t n_cells = nd * nd > 0 ? nd * nd : 1;
    snap->team_trust = calloc(n_cells, sizeof *snap->team_trust);
    double *sum = calloc(n_cells, sizeof *sum);
    double *cnt = calloc(n_cells, sizeof *cnt);
    float *tmp = malloc(3 * D * sizeof *tmp);
    if (!snap->team_ids || !snap->team_trust || !sum || !cnt || !tmp) {
        free(dept_index);
        free(sum);
        free(cnt);
        free(tmp);
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for a snapshot");
    }
    for (uint32_t a = 0; a < w->n; a++) {
        if (dept_index[a] != UINT32_MAX) {
            snap->team_ids[dept_index[a]] = a;
        }
    }
    for (uint32_t a = 0; a < w->n; a++) {
        if (!w->active[a]) {
            continue;
        }
        size_t da = dept_index[department_of(w, a)];
        for (uint32_t s = 0; s < ts_relstore_count(rs, a); s++) {
            uint32_t j = ts_relstore_id(rs, a, s);
            if (!w->active[j]) {
                continue;
            }
            size_t dj = dept_index[department_of(w, j)];
            float integrity;
            ts_relstore_read(rs, a, s, w->day, &bel);
            w->score(w->score_ctx, &bel, D, tmp, tmp + D, tmp + 2 * D, &integrity);
            double t = 0.0;
            for (uint32_t d = 0; d < D; d++) {
                t += tmp[2 * D + d];
            }
            sum[da * nd + dj] += t / D;
            cnt[da * nd + dj] += 1.0;
        }
    }
    for (size_t i = 0; i < nd * nd; i++) {
        snap->team_trust[i] = cnt[i] > 0 ? (float)(sum[i] / cnt[i]) : NAN;
    }
    free(dept_index);
    free(sum);
    free(cnt);
    free(tmp);
    return TS_OK;
}

/* The engine's per-agent columns: identity and position. Modules add the rest. */
static ts_status agent_table(const ts_world *w, ts_result *res, ts_error *err) {
    size_t n = w->n;
    uint32_t D = w->n_domains;
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
    float *comp =
        ts_table_add_column(t, "competence", "competence",
                            "True competence per domain (hidden trait); the chance of success "
                            "follows from it (docs/model.md §7.3).",
                            TS_COL_F32, n, D);
    float *candor = ts_table_add_column(t, "candor", "probability",
                                        "Propensity to own up (hidden trait).", TS_COL_F32, n, 1);
    float *open =
        ts_table_add_column(t, "openness", "probability",
                            "Propensity to ask for help (hidden trait).", TS_COL_F32, n, 1);
    float *safety =
        ts_table_add_column(t, "safety", "score in [0,1]",
                            "Perceived psychological safety at the end.", TS_COL_F32, n, 1);
    uint32_t *held = ts_table_add_column(t, "models_held", "models",
                                         "Mental models held at the end.", TS_COL_U32, n, 1);
    if (n && (!id || !mgr || !depth || !hire || !leave || !comp || !candor || !open || !safety ||
              !held)) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for the agent table");
    }
    for (uint32_t a = 0; a < n; a++) {
        id[a] = a;
        mgr[a] = w->manager[a];
        depth[a] = w->active[a] ? w->depth[a] : -1;
        hire[a] = w->hire_day[a];
        leave[a] = w->leave_day[a];
        memcpy(comp + (size_t)a * D, w->competence + (size_t)a * D, D * sizeof *comp);
        candor[a] = w->candor[a];
        open[a] = w->openness[a];
        safety[a] = w->safety[a];
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
