/* Recording a run: the series every metric writes into, the day's row, the snapshots and
 * the tables of agents and teams at the end. */
#include "engine_internal.h"

#include <math.h>
#include <stdio.h>
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

/* ---- Saved states (sim/core/checkpoint.h) ------------------------------------------------ */

/* Is `name` one of the ", "-separated names of list? */
static int engine_listed(const char *list, const char *name) {
    size_t len = strlen(name);
    for (const char *p = list; p && *p;) {
        const char *end = strstr(p, ", ");
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == len && strncmp(p, name, len) == 0) {
            return 1;
        }
        p = end ? end + 2 : NULL;
    }
    return 0;
}

ts_status ts_engine_save(ts_engine *e, const ts_result *res, ts_ckpt **out, ts_error *err) {
    (void)res;
    *out = NULL;
    for (size_t m = 0; m < e->n_mods; m++) {
        if (!e->mods[m]->state_io) {
            return ts_error_set(err, TS_ERR_INTERNAL,
                                "module %s cannot be saved in a checkpoint (no state_io)",
                                e->mods[m]->name);
        }
    }
    ts_ckpt *ck = ts_ckpt_new();
    if (!ck || !(ck->version = strdup(TRUSTSIM_VERSION)) ||
        !(ck->modules = strdup(e->modules_list)) || !(ck->domains = strdup(e->domains_list))) {
        ts_ckpt_free(ck);
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    ck->day = e->w.day;
    ck->seed = e->opt.seed;
    ck->headcount = e->headcount;
    ck->capacity = e->capacity;
    ck->warmup_days = e->warmup;
    ts_state_io io;
    ts_sio_begin(&io, ck, 0, "", "checkpoint", err);
    ts_status st = ts_ckpt_world_io(&io, &e->w);
    ts_sio_u64(&io, "engine/messages", &e->n_messages);
    st = ts_sio_status(&io);
    for (size_t m = 0; m < e->n_mods && st == TS_OK; m++) {
        char prefix[96];
        snprintf(prefix, sizeof prefix, "modules/%s/", e->mods[m]->name);
        ts_sio_begin(&io, ck, 0, prefix, "checkpoint", err);
        st = e->mods[m]->state_io(e->state[m], &e->w, &io);
    }
    /* The rows recorded so far (days 0 .. day), so that a run continued from here writes
     * whole series. */
    size_t rows = e->w.day >= 0 ? (size_t)e->w.day + 1 : 0;
    for (size_t k = 0; k < e->n_values && st == TS_OK; k++) {
        const ts_metric_decl *d = NULL;
        if (k < EM_COUNT) {
            d = &engine_metrics[k];
        } else {
            for (size_t m = 0; m < e->n_mods; m++) {
                if (k >= e->val_off[m] && k < e->val_off[m + 1]) {
                    d = &e->mods[m]->metrics[k - e->val_off[m]];
                }
            }
        }
        char name[160];
        snprintf(name, sizeof name, "metrics/%s", d ? d->name : "?");
        if (!ts_ckpt_add(ck, name, TS_SIO_F64, sizeof(double), rows, 0, e->series[k])) {
            st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        }
    }
    if (st != TS_OK) {
        ts_ckpt_free(ck);
        return st;
    }
    *out = ck;
    return TS_OK;
}

/* The checks before anything is loaded: the same format, version, domains and
 * organisation at creation, a day this run records. */
static ts_status engine_restore_check(const ts_engine *e, const ts_ckpt *ck, const char *source,
                                      ts_error *err) {
    if (ck->format != TS_CKPT_FORMAT) {
        return ts_error_set(err, TS_ERR_PARAM,
                            "%s has checkpoint format %u (expected %u: made by another version)",
                            source, ck->format, TS_CKPT_FORMAT);
    }
    if (!ck->version || strcmp(ck->version, TRUSTSIM_VERSION) != 0) {
        return ts_error_set(err, TS_ERR_PARAM,
                            "%s was made by trustsim %s (expected a checkpoint of this model "
                            "version, trustsim " TRUSTSIM_VERSION ")",
                            source, ck->version ? ck->version : "(unknown)");
    }
    if (!ck->domains || strcmp(ck->domains, e->domains_list) != 0) {
        return ts_error_set(err, TS_ERR_PARAM,
                            "%s has domains [%s] (expected the scenario's domains [%s])", source,
                            ck->domains ? ck->domains : "", e->domains_list);
    }
    if (ck->headcount != e->headcount || ck->warmup_days != e->warmup ||
        ck->capacity != e->capacity) {
        return ts_error_set(err, TS_ERR_PARAM,
                            "%s is of an organisation created with org.headcount %u, "
                            "org.warmup_days %d, trust.capacity %u (expected the scenario's %u, "
                            "%d, %u: these keys act only when the organisation is created)",
                            source, ck->headcount, (int)ck->warmup_days, ck->capacity, e->headcount,
                            (int)e->warmup, e->capacity);
    }
    if (ck->day < 0 || ck->day >= e->days) {
        return ts_error_set(err, TS_ERR_PARAM,
                            "%s is of day %d (expected a day from 0 to %d: the scenario records "
                            "days 0 to %d)",
                            source, (int)ck->day, (int)e->days - 1, (int)e->days);
    }
    return TS_OK;
}

ts_status ts_engine_restore(ts_engine *e, const ts_ckpt *ck, const ts_result *past, ts_result *res,
                            const char *source, ts_error *err) {
    ts_status st = engine_restore_check(e, ck, source, err);
    if (st != TS_OK) {
        return st;
    }
    /* Loading marks what it reads: work on a copy, so that ck can serve many arms. */
    ts_ckpt *c = ts_ckpt_copy(ck);
    if (!c) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    ts_state_io io;
    ts_sio_begin(&io, c, 1, "", source, err);
    ts_ckpt_world_io(&io, &e->w);
    ts_sio_u64(&io, "engine/messages", &e->n_messages);
    st = ts_sio_status(&io);
    if (st == TS_OK && e->w.day != ck->day) {
        st = ts_error_set(err, TS_ERR_PARAM, "%s: its world is of day %d, not %d", source,
                          (int)e->w.day, (int)ck->day);
    }
    if (st == TS_OK) {
        st = engine_notify_growth(e, err);
    }
    for (size_t m = 0; m < e->n_mods && st == TS_OK; m++) {
        if (!engine_listed(c->modules, e->mods[m]->name)) {
            continue; /* switched on since the checkpoint: as configured */
        }
        if (!e->mods[m]->state_io) {
            st = ts_error_set(err, TS_ERR_INTERNAL, "module %s cannot be loaded (no state_io)",
                              e->mods[m]->name);
            break;
        }
        char prefix[96];
        snprintf(prefix, sizeof prefix, "modules/%s/", e->mods[m]->name);
        ts_sio_begin(&io, c, 1, prefix, source, err);
        st = e->mods[m]->state_io(e->state[m], &e->w, &io);
        if (st == TS_OK) {
            st = ts_ckpt_check_used(c, prefix, source, err);
        }
    }
    if (st == TS_OK) {
        st = engine_add_series(e, res, err);
        e->started = 1;
        e->day0_done = 1;
    }
    size_t rows = (size_t)ck->day + 1;
    for (size_t i = 0; i < res->n_metrics && st == TS_OK; i++) {
        ts_series *s = &res->metrics[i];
        char name[160];
        snprintf(name, sizeof name, "metrics/%s", s->name);
        const ts_ckpt_item *it = ts_ckpt_find(c, name);
        for (size_t d = 0; d < rows && d < s->n; d++) {
            s->values[d] = it && it->type == TS_SIO_F64 && it->count == rows
                               ? ((const double *)it->data)[d]
                               : NAN;
        }
    }
    if (st == TS_OK) {
        st = ts_ckpt_copy_snapshots(past, ck->day, res, err);
    }
    ts_ckpt_free(c);
    return st;
}
