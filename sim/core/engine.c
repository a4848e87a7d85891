/* The engine of one run: the day loop first, then how an engine is made and queried.
 * The phases are in engine_phases.c, the recording in engine_report.c. */
#include "engine_internal.h"

#include "clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- The day loop ------------------------------------------------------------------ */

/* Charges the wall time since t0 (a ts_clock_seconds reading) to phase p. */
static void engine_charge(ts_engine *e, ts_timed_phase p, double t0) {
    e->phase_seconds[p] += ts_clock_seconds() - t0;
}

/* Runs a phase and charges its wall time to phase p. */
static ts_status engine_timed(ts_engine *e, ts_timed_phase p,
                              ts_status (*phase)(ts_engine *, ts_error *), ts_error *err) {
    double t0 = ts_clock_seconds();
    ts_status st = phase(e, err);
    engine_charge(e, p, t0);
    return st;
}

/* One day: org (serial) -> act (parallel, messages) -> deliver (by receiver, in an order
 * no thread count changes) -> apply (parallel, each agent writes only itself). */
ts_status ts_engine_step(ts_engine *e, ts_error *err) {
    ts_status st = engine_day_begin(e, err); /* day + 1; the hours ledger emptied */
    /* hiring, leavers, tree changes, events; then modules follow the agents just hired */
    if (st == TS_OK) {
        st = engine_timed(e, TS_TIMED_ORG, engine_phase_org, err);
    }
    if (st == TS_OK) {
        st = engine_timed(e, TS_TIMED_ORG, engine_notify_growth, err);
    }
    if (st == TS_OK) {
        st = engine_timed(e, TS_TIMED_ACT, engine_phase_act, err);
    }
    if (st == TS_OK) {
        st = engine_timed(e, TS_TIMED_DELIVER, engine_phase_deliver, err);
    }
    if (st == TS_OK) {
        st = engine_timed(e, TS_TIMED_APPLY, engine_phase_apply, err);
    }
    return st;
}

static ts_status engine_stopped(const ts_engine *e, ts_error *err) {
    if (e->opt.stop && *e->opt.stop) {
        return ts_error_set(err, TS_ERR_INTERRUPTED, "interrupted");
    }
    return TS_OK;
}

static void engine_progress(const ts_engine *e) {
    if (e->opt.progress) {
        e->opt.progress(e->opt.progress_ctx, e->w.day);
    }
}

/* A saved state at the end of the day just recorded, when output.checkpoints names it. */
static ts_status engine_checkpoint(ts_engine *e, ts_result *res, ts_error *err) {
    for (size_t i = 0; i < e->n_ckpt_days; i++) {
        if (e->ckpt_days[i] != e->w.day) {
            continue;
        }
        ts_ckpt **p = realloc(e->ckpts, (e->n_ckpts + 1) * sizeof *p);
        if (!p) {
            return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        }
        e->ckpts = p;
        ts_status st = ts_engine_save(e, res, &e->ckpts[e->n_ckpts], err);
        if (st != TS_OK) {
            return st;
        }
        e->n_ckpts++;
        break;
    }
    return TS_OK;
}

/* The end of a recorded day: its row, a snapshot when `snapshot`, a checkpoint when
 * output.checkpoints names the day (all charged to TS_TIMED_RECORD). */
static ts_status engine_record_day(ts_engine *e, ts_result *res, int snapshot, ts_error *err) {
    double t0 = ts_clock_seconds();
    engine_record(e);
    ts_status st = snapshot ? engine_snapshot(e, res, err) : TS_OK;
    if (st == TS_OK) {
        st = engine_checkpoint(e, res, err);
    }
    engine_charge(e, TS_TIMED_RECORD, t0);
    return st;
}

/* A run: the warm-up up to day 0 unrecorded, day 0 as row 0 of every series (the
 * organisation as the recorded run begins), then days 1 .. last, each measured and
 * recorded, with a snapshot every snapshot_every days and a checkpoint on the days of
 * output.checkpoints. A restored engine starts past its checkpoint's day. */
ts_status ts_engine_run_to(ts_engine *e, ts_result *res, int32_t last, ts_error *err) {
    ts_status st = TS_OK;
    if (!e->started) {
        st = engine_add_series(e, res, err);
        e->started = 1;
    }
    while (st == TS_OK && e->w.day < 0) {
        st = engine_stopped(e, err);
        if (st == TS_OK) {
            st = ts_engine_step(e, err);
        }
        /* The warm-up's last week is measured, not recorded, so that a metric over a
         * trailing week is whole on day 0. */
        if (st == TS_OK && e->w.day > -TS_ENGINE_LEAD_IN_DAYS && e->w.day < 0) {
            st = engine_timed(e, TS_TIMED_MEASURE, engine_phase_measure, err);
        }
        if (st == TS_OK) {
            engine_progress(e);
        }
    }
    if (st == TS_OK && !e->day0_done) {
        st = engine_timed(e, TS_TIMED_MEASURE, engine_phase_measure, err);
        if (st == TS_OK) {
            e->day0_done = 1;
            st = engine_record_day(e, res, 0, err);
        }
    }
    if (last > e->days) {
        last = e->days;
    }
    while (st == TS_OK && e->w.day < last) {
        st = engine_stopped(e, err);
        if (st == TS_OK) {
            st = ts_engine_step(e, err);
        }
        if (st == TS_OK) {
            st = engine_timed(e, TS_TIMED_MEASURE, engine_phase_measure, err);
        }
        if (st == TS_OK) {
            int snapshot = e->snapshot_every > 0 && e->w.day % e->snapshot_every == 0;
            st = engine_record_day(e, res, snapshot, err);
        }
        if (st == TS_OK) {
            engine_progress(e);
        }
    }
    return st;
}

ts_status ts_engine_run(ts_engine *e, ts_result *res, ts_error *err) {
    ts_status st = ts_engine_run_to(e, res, e->days, err);
    if (st == TS_OK) {
        double t0 = ts_clock_seconds();
        st = engine_summarize(e, res, err);
        engine_charge(e, TS_TIMED_SUMMARY, t0);
    }
    return st;
}

ts_ckpt **ts_engine_take_checkpoints(ts_engine *e, size_t *n) {
    ts_ckpt **list = e->ckpts;
    *n = e->n_ckpts;
    e->ckpts = NULL;
    e->n_ckpts = 0;
    return list;
}

/* ---- Making an engine -------------------------------------------------------------- */

/* A module is on unless all its sections are optional (tactics) and none of them is on:
 * one mandatory section (repair's culture beside its optional tactic) keeps it on. */
int ts_engine_module_on(const ts_module *m, const ts_scenario *sc) {
    if (m->n_sections == 0) {
        return 1;
    }
    for (size_t s = 0; s < m->n_sections; s++) {
        if (!m->sections[s]->optional || ts_scenario_section_on(sc, m->sections[s]->name)) {
            return 1;
        }
    }
    return 0;
}

/* On at the scenario itself or at any grid point of its sweep. */
static int module_on_anywhere(const ts_module *m, const ts_scenario *sc) {
    if (ts_engine_module_on(m, sc)) {
        return 1;
    }
    size_t n = ts_scenario_n_points(sc);
    for (size_t g = 0; g < n && ts_scenario_n_sweep_keys(sc) > 0; g++) {
        ts_scenario *pt = NULL;
        ts_error e;
        if (ts_scenario_at_point(sc, g, &pt, &e) == TS_OK) {
            int on = ts_engine_module_on(m, pt);
            ts_scenario_free(pt);
            if (on) {
                return 1;
            }
        }
    }
    return 0;
}

const ts_metric_decl *ts_engine_summary_find(const ts_module *const *modules, size_t n_modules,
                                             const ts_scenario *sc, const char *name) {
    for (size_t m = 0; m < n_modules; m++) {
        for (size_t i = 0; i < modules[m]->n_summaries; i++) {
            if (strcmp(modules[m]->summaries[i].name, name) == 0) {
                return module_on_anywhere(modules[m], sc) ? &modules[m]->summaries[i] : NULL;
            }
        }
    }
    return NULL;
}

const ts_metric_decl *ts_engine_metric_at(const ts_module *const *modules, size_t n_modules,
                                          const ts_scenario *sc, size_t i) {
    if (i < EM_COUNT) {
        return &engine_metrics[i];
    }
    i -= EM_COUNT;
    for (size_t m = 0; m < n_modules; m++) {
        if (modules[m]->n_metrics == 0 || !module_on_anywhere(modules[m], sc)) {
            continue;
        }
        if (i < modules[m]->n_metrics) {
            return &modules[m]->metrics[i];
        }
        i -= modules[m]->n_metrics;
    }
    return NULL;
}

const ts_metric_decl *ts_engine_metric_find(const ts_module *const *modules, size_t n_modules,
                                            const ts_scenario *sc, const char *name) {
    for (size_t k = 0; k < EM_COUNT; k++) {
        if (strcmp(engine_metrics[k].name, name) == 0) {
            return &engine_metrics[k];
        }
    }
    for (size_t m = 0; m < n_modules; m++) {
        for (size_t k = 0; k < modules[m]->n_metrics; k++) {
            if (strcmp(modules[m]->metrics[k].name, name) == 0) {
                return module_on_anywhere(modules[m], sc) ? &modules[m]->metrics[k] : NULL;
            }
        }
    }
    return NULL;
}

void ts_engine_summary_list(const ts_module *const *modules, size_t n_modules,
                            const ts_scenario *sc, char *buf, size_t cap) {
    size_t len = 0;
    if (cap == 0) {
        return;
    }
    buf[0] = '\0';
    for (size_t m = 0; m < n_modules; m++) {
        if (modules[m]->n_summaries == 0 || !module_on_anywhere(modules[m], sc)) {
            continue;
        }
        for (size_t i = 0; i < modules[m]->n_summaries && len + 1 < cap; i++) {
            int k = snprintf(buf + len, cap - len, "%s%s", len ? ", " : "",
                             modules[m]->summaries[i].name);
            len = k < 0 ? cap - 1 : len + (size_t)k >= cap ? cap - 1 : len + (size_t)k;
        }
    }
}

ts_status ts_engine_check_order(const ts_module *const *modules, size_t n_modules, ts_error *err) {
    for (size_t m = 0; m < n_modules; m++) {
        for (size_t k = 0; k < modules[m]->n_org_after; k++) {
            const char *name = modules[m]->org_after[k];
            for (size_t later = m + 1; later < n_modules; later++) {
                if (strcmp(modules[later]->name, name) == 0) {
                    return ts_error_set(err, TS_ERR_INTERNAL,
                                        "module table: %s must come after %s (its org reads "
                                        "what %s's org writes)",
                                        modules[m]->name, name, name);
                }
            }
        }
    }
    return TS_OK;
}

const ts_world *ts_engine_world(const ts_engine *e) {
    return &e->w;
}

ts_world *ts_engine_world_mut(ts_engine *e) {
    return &e->w;
}

uint64_t ts_engine_messages(const ts_engine *e) {
    return e->n_messages;
}

const char *ts_engine_phase_name(ts_timed_phase p) {
    static const char *const names[TS_TIMED_COUNT] = {
        [TS_TIMED_ORG] = "org",         [TS_TIMED_ACT] = "act",
        [TS_TIMED_DELIVER] = "deliver", [TS_TIMED_APPLY] = "apply",
        [TS_TIMED_MEASURE] = "measure", [TS_TIMED_RECORD] = "record",
        [TS_TIMED_SUMMARY] = "summary",
    };
    return (unsigned)p < TS_TIMED_COUNT ? names[p] : NULL;
}

double ts_engine_phase_seconds(const ts_engine *e, ts_timed_phase p) {
    return (unsigned)p < TS_TIMED_COUNT ? e->phase_seconds[p] : 0.0;
}

void *ts_engine_module_state(const ts_engine *e, const char *name) {
    for (size_t m = 0; m < e->n_mods; m++) {
        if (strcmp(e->mods[m]->name, name) == 0) {
            return e->state[m];
        }
    }
    return NULL;
}

void ts_engine_free(ts_engine *e) {
    if (!e) {
        return;
    }
    for (size_t m = 0; m < e->n_mods; m++) {
        if (e->mods[m]->free && e->state[m]) {
            e->mods[m]->free(e->state[m]);
        }
    }
    for (int t = 0; t < e->n_arena; t++) {
        ts_msgbuf_free(&e->arena[t].buf);
    }
    free(e->arena);
    free(e->blocks);
    free(e->block_begin);
    free(e->block_thread);
    free(e->hist);
    ts_deliver_free(&e->dlv);
    free(e->acc_off);
    free(e->acc);
    free(e->acc_sum);
    free(e->val_off);
    free(e->values);
    free(e->series);
    free(e->mods);
    free(e->state);
    free(e->stream);
    for (size_t i = 0; i < e->n_ckpts; i++) {
        ts_ckpt_free(e->ckpts[i]);
    }
    free(e->ckpts);
    free(e->ckpt_days);
    free(e->modules_list);
    free(e->domains_list);
    ts_world_free(&e->w);
    free(e);
}

/* The names of the modules that are on, ", "-separated in table order. */
static char *engine_join_modules(const ts_engine *e) {
    size_t len = 1;
    for (size_t m = 0; m < e->n_mods; m++) {
        len += strlen(e->mods[m]->name) + 2;
    }
    char *s = malloc(len);
    if (s) {
        s[0] = '\0';
        for (size_t m = 0; m < e->n_mods; m++) {
            strcat(strcat(s, m ? ", " : ""), e->mods[m]->name);
        }
    }
    return s;
}

/* The scenario's domains, ", "-separated. */
static char *engine_join_domains(const ts_scenario *sc) {
    size_t n = ts_scenario_list_len(sc, "domains"), len = 1;
    for (size_t i = 0; i < n; i++) {
        len += strlen(ts_scenario_list_item(sc, "domains", i)) + 2;
    }
    char *s = malloc(len);
    if (s) {
        s[0] = '\0';
        for (size_t i = 0; i < n; i++) {
            strcat(strcat(s, i ? ", " : ""), ts_scenario_list_item(sc, "domains", i));
        }
    }
    return s;
}

ts_status ts_engine_create(const ts_scenario *sc, const ts_module *const *modules, size_t n_modules,
                           const ts_engine_options *opt, ts_engine **out, ts_error *err) {
    *out = NULL;
    ts_engine *e = calloc(1, sizeof *e);
    if (!e) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    ts_status st = TS_OK;
    e->opt = *opt;
    if (e->opt.threads < 1) {
        e->opt.threads = 1;
    }
    e->days = (int32_t)ts_scenario_int(sc, "days");
    e->warmup = (int32_t)ts_scenario_int(sc, "org.warmup_days");
    e->snapshot_every = (int32_t)ts_scenario_int(sc, "output.snapshot_every");
    uint32_t n_domains = (uint32_t)ts_scenario_list_len(sc, "domains");
    uint32_t headcount = (uint32_t)ts_scenario_int(sc, "org.headcount");
    uint32_t span = (uint32_t)ts_scenario_int(sc, "org.span_of_control");

    st = ts_world_init(&e->w, n_domains, (uint32_t)ts_scenario_int(sc, "trust.capacity"),
                       ts_scenario_real(sc, "trust.forgetting"), err);
    if (st != TS_OK) {
        goto fail;
    }
    e->w.days = e->days;
    e->w.warmup_days = e->warmup;
    e->w.seed = opt->seed;
    e->w.span = span;
    e->w.initial_headcount = headcount;
    e->w.day = -e->warmup;
    st = ts_world_build_tree(&e->w, headcount, span, e->w.day, err);
    if (st != TS_OK) {
        goto fail;
    }

    e->mods = calloc(n_modules ? n_modules : 1, sizeof *e->mods);
    e->state = calloc(n_modules ? n_modules : 1, sizeof *e->state);
    if (!e->mods || !e->state) {
        st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if (n_modules > 250) {
        st = ts_error_set(err, TS_ERR_INTERNAL, "too many modules (%zu)", n_modules);
        goto fail;
    }
    e->stream = calloc(n_modules ? n_modules : 1, sizeof *e->stream);
    if (!e->stream) {
        st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        goto fail;
    }
    /* Keys from names: any two modules of the table must differ, on or off. */
    for (size_t m = 0; m < n_modules; m++) {
        for (size_t k = 0; k < m; k++) {
            if (ts_module_stream_key(modules[m]->name) == ts_module_stream_key(modules[k]->name)) {
                st = ts_error_set(err, TS_ERR_INTERNAL,
                                  "modules %s and %s have the same random-stream key: rename one",
                                  modules[k]->name, modules[m]->name);
                goto fail;
            }
        }
    }
    st = ts_engine_check_order(modules, n_modules, err);
    if (st != TS_OK) {
        goto fail;
    }
    for (size_t m = 0; m < n_modules; m++) {
        if (ts_engine_module_on(modules[m], sc)) {
            e->stream[e->n_mods] = ts_module_stream_key(modules[m]->name);
            e->mods[e->n_mods++] = modules[m];
        }
    }
    e->headcount = headcount;
    e->capacity = (uint32_t)ts_scenario_int(sc, "trust.capacity");
    e->modules_list = engine_join_modules(e);
    e->domains_list = engine_join_domains(sc);
    e->ckpt_days = calloc(opt->n_checkpoint_days + 1, sizeof *e->ckpt_days);
    if (!e->modules_list || !e->domains_list || !e->ckpt_days) {
        st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < opt->n_checkpoint_days; i++) {
        e->ckpt_days[e->n_ckpt_days++] = opt->checkpoint_days[i];
    }
    for (size_t m = 0; m < e->n_mods; m++) {
        if (e->mods[m]->configure) {
            st = e->mods[m]->configure(sc, &e->w, &e->state[m], err);
            if (st != TS_OK) {
                goto fail;
            }
        }
    }
    e->arena = calloc((size_t)e->opt.threads, sizeof *e->arena);
    if (!e->arena) {
        st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        goto fail;
    }
    e->n_arena = e->opt.threads; /* counted once there, for ts_engine_free */
    ts_deliver_init(&e->dlv);
    st = engine_setup_metrics(e, err);
    if (st == TS_OK) {
        st = engine_reserve_blocks(e, err);
    }
    if (st == TS_OK) {
        st = engine_notify_growth(e, err);
    }
    if (st != TS_OK) {
        goto fail;
    }
    *out = e;
    return TS_OK;
fail:
    ts_engine_free(e);
    return st;
}
