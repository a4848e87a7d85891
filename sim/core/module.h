/* The module interface: a behaviour module (a file in models/) is one const struct of
 * declarations and function pointers. The engine knows modules only through this
 * struct and the table it is handed; adding a tactic adds a file in models/ and one
 * line to the table, and nothing in sim/ changes.
 * Threading contract of the hooks (the day loop in sim/core/engine.h):
 *   org      serial; may change anything (tree, traits, its own state).
 *   act      parallel over agents: reads the world (const) as org left it; may write
 *            only the acting agent's own row of the module's state, handed to it as
 *            `row` (act_row); every other change is a message (ts_emit).
 *   handle   parallel over receivers: writes only the receiver's state (its models,
 *            its rows); messages arrive ordered by (sender, emission order).
 *   measure  parallel over fixed blocks of agents: adds into the block's accumulators.
 *   day_end  serial: turns the summed accumulators into the day's metric values.
 * peak_agents is not a hook of the day loop: it answers from the scenario alone. */
#ifndef TS_MODULE_H
#define TS_MODULE_H

#include "checkpoint.h"
#include "msg.h"
#include "results.h"
#include "scenario.h"
#include "world.h"

/* A metric a module produces each day. */
typedef struct ts_metric_decl {
    const char *name, *units, *description;
} ts_metric_decl;

typedef struct ts_module {
    const char *name;

    /* Scenario keys the module owns. */
    const ts_section *const *sections;
    size_t n_sections;
    /* Event kinds the module handles. */
    const ts_event_kind *const *event_kinds;
    size_t n_event_kinds;
    /* Cross-key checks over its keys, or NULL. */
    ts_validate_fn validate;
    /* Modules whose org hook must run before this one's on the same day, because this one
     * reads in org what they write there (e.g. who is busy on an incident). The table's
     * order is the order of the org phase; ts_engine_create refuses a table in which a
     * module named here comes later. Names of modules not in the table are ignored. */
    const char *const *org_after;
    size_t n_org_after;

    /* Engine hooks; each may be NULL. `state` is what configure returned. Every hook
     * returns a status (TS_OK to go on); the engine stops the run at the first failure.
     * The serial hooks explain a failure in day->err (org) or err; the parallel ones
     * (act, handle, settle, measure_prepare, measure) return the status alone, and the
     * engine names the module and the phase. */
    ts_status (*configure)(const ts_scenario *sc, ts_world *w, void **state, ts_error *err);
    void (*free)(void *state);
    /* The per-agent arrays of the world grew to w->n_alloc (or agents were added). */
    ts_status (*grow)(void *state, const ts_world *w, ts_error *err);
    ts_status (*org)(void *state, ts_world *w, const ts_day *day);
    /* act sees the module's state and the world read-only, plus `row`: the acting agent's
     * own row of the module's per-agent state, which act_row (called by the engine, which
     * holds the state writable) hands out; NULL without act_row. act writes only `row`;
     * every other change is a message. */
    ts_status (*act)(const void *state, const ts_world *w, uint32_t agent, void *row, ts_emit *out);
    void *(*act_row)(void *state, uint32_t agent);
    ts_status (*handle)(void *state, ts_world *w, const ts_msg *m);
    /* After the inbox of `agent` is applied (still in the apply phase, owner only). */
    ts_status (*settle)(void *state, ts_world *w, uint32_t agent);

    /* Metrics: n_acc accumulators per block; measure adds agents [a0, a1) into acc. */
    const ts_metric_decl *metrics;
    size_t n_metrics;
    size_t n_acc;
    /* Before measure, parallel over the same blocks: what measure will need of agents
     * [a0, a1) many times over (e.g. a per-agent value that many others' models name),
     * written into the rows of those agents only. All of it is done before any measure. */
    ts_status (*measure_prepare)(void *state, const ts_world *w, uint32_t a0, uint32_t a1);
    ts_status (*measure)(const void *state, const ts_world *w, uint32_t a0, uint32_t a1,
                         double *acc);
    /* values[n_metrics] from the summed accumulators (serial). */
    ts_status (*day_end)(void *state, const ts_world *w, const double *acc, double *values);

    /* The summary scalars summarize writes, every one in every run while the module is on
     * (NaN where a run has none to give), so that a command can check a metric's name
     * before anything runs (ts_engine_summary_find). summarize writes them from these
     * declarations, so name, units and meaning are written once. */
    const ts_metric_decl *summaries;
    size_t n_summaries;

    /* End of run: summary scalars, per-agent columns, incident rows. */
    ts_status (*summarize)(const void *state, const ts_world *w, ts_result *res, ts_error *err);
    /* On the days of output.snapshot_every: the module's part of the day's snapshot (the
     * engine made it empty, for w->day). Serial. */
    ts_status (*snapshot)(const void *state, const ts_world *w, ts_snapshot *snap, ts_error *err);

    /* For the memory estimate (sim/app/memory.h), before any run: the most agents a run of
     * `sc` (a scenario without sweep) can come to hold, leavers included (their ids are
     * not reused), and in *keys the key paths that drive it, for messages. NULL, or 0,
     * when the module does not add agents; the estimate takes the largest answer of the
     * modules that are on, and org.headcount at least. Pure, no allocation. */
    uint64_t (*peak_agents)(const ts_scenario *sc, const char **keys);

    /* Saved states (sim/core/checkpoint.h): the module's state that lasts from one day to the
     * next, saved and loaded by the same calls, after the world (so w->n is the agents'
     * number either way). Loading, `state` is what configure returned, grown to the
     * checkpoint's agents; per-day scratch is left out. Every module that is on must have
     * one for a run to be checkpointed (a module without lasting state says so with a
     * function that saves nothing). */
    ts_status (*state_io)(void *state, ts_world *w, ts_state_io *io);
} ts_module;

#endif
