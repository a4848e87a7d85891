/* The engine of one run: the world, the enabled modules and the bulk-synchronous day
 * loop org -> act -> deliver -> apply -> measure -> record. Its output depends only on
 * the scenario and the run's seed: the same bits for any thread count (fixed agent
 * blocks, thread-independent message order, owner-only writes, sums combined per
 * block in a fixed order). One engine is used by one thread at a time; `threads` is
 * the parallelism inside it. */
#ifndef TS_ENGINE_H
#define TS_ENGINE_H

#include "module.h"
#include "results.h"
#include "scenario.h"
#include "world.h"

#include <signal.h>

/* Agents per block: the unit of parallel work, of message buckets and of metric sums. */
#define TS_BLOCK_SHIFT 10
#define TS_BLOCK (1u << TS_BLOCK_SHIFT)
/* The last days of the warm-up (before day 0) that are measured but not recorded, so that
 * a metric a module computes over a trailing week is complete on day 0. */
#define TS_ENGINE_LEAD_IN_DAYS 7

typedef struct ts_engine ts_engine;

/* Called after each simulated day (warm-up included) from the engine's thread. */
typedef void (*ts_progress_fn)(void *ctx, int32_t day);

typedef struct ts_engine_options {
    uint64_t seed; /* the run's seed (ts_rng_run_seed) */
    int threads;   /* >= 1 */
    ts_progress_fn progress;
    void *progress_ctx;
    /* Polled between days; a non-zero value stops the run with TS_ERR_INTERRUPTED (a
     * flag a signal handler may set). */
    volatile const sig_atomic_t *stop;
    /* output.checkpoints: the recorded days at whose end the run's state is saved (kept by
     * the engine, taken with ts_engine_take_checkpoints). NULL: none. */
    const int32_t *checkpoint_days;
    size_t n_checkpoint_days;
} ts_engine_options;

/* Builds the world (initial tree of org.headcount) and configures the modules that
 * are on. `modules` is the module table; a module whose sections are all optional
 * and off is left out. */
ts_status ts_engine_create(const ts_scenario *sc, const ts_module *const *modules, size_t n_modules,
                           const ts_engine_options *opt, ts_engine **out, ts_error *err);
void ts_engine_free(ts_engine *e);

/* Runs the warm-up and the recorded days, filling res (metrics, summary, agents,
 * snapshots, incidents). */
ts_status ts_engine_run(ts_engine *e, ts_result *res, ts_error *err);

/* Runs (or goes on running) up to the end of recorded day `last` (0 <= last <= days),
 * recording as ts_engine_run does, without the end tables: a branched sweep's shared
 * history. ts_engine_run may follow to finish the run. */
ts_status ts_engine_run_to(ts_engine *e, ts_result *res, int32_t last, ts_error *err);

/* The run's state at the end of the current recorded day (sim/core/checkpoint.h): world,
 * modules, and the rows of res recorded so far. TS_ERR_INTERNAL when a module that is on
 * has no state_io. *out is the caller's. */
ts_status ts_engine_save(ts_engine *e, const ts_result *res, ts_ckpt **out, ts_error *err);

/* Puts a freshly created engine in the state of ck (a checkpoint of a run of the same
 * organisation), before ts_engine_run: the world and the state of every module that was
 * on in it (a module on here but not there starts fresh: as configured, grown to the
 * agents), res gets the rows recorded up to ck->day (NaN for a metric the checkpoint has
 * not) and the snapshots of `past` (NULL: none) up to that day. The run goes on with the
 * engine's own seed and scenario. TS_ERR_PARAM, naming `source`, for a checkpoint of
 * another format, version, domain list, organisation (org.headcount, org.warmup_days,
 * trust.capacity) or module schema, or of a day past the scenario's days. */
ts_status ts_engine_restore(ts_engine *e, const ts_ckpt *ck, const ts_result *past, ts_result *res,
                            const char *source, ts_error *err);

/* The checkpoints saved so far (output.checkpoints), in day order; the caller owns the
 * array and its checkpoints, the engine forgets them. */
ts_ckpt **ts_engine_take_checkpoints(ts_engine *e, size_t *n);

/* One day (for tests): the phases for e->world.day + 1. Does not record. */
ts_status ts_engine_step(ts_engine *e, ts_error *err);

const ts_world *ts_engine_world(const ts_engine *e);
ts_world *ts_engine_world_mut(ts_engine *e);
/* Messages delivered since creation. */
uint64_t ts_engine_messages(const ts_engine *e);

/* Where a run's wall time goes, phase by phase (for `trustsim bench`; never written to
 * results, so it changes no output). ORG includes following the agents just hired;
 * RECORD the day's row, snapshots and checkpoints; SUMMARY the end-of-run tables. */
typedef enum ts_timed_phase {
    TS_TIMED_ORG,
    TS_TIMED_ACT,
    TS_TIMED_DELIVER,
    TS_TIMED_APPLY,
    TS_TIMED_MEASURE,
    TS_TIMED_RECORD,
    TS_TIMED_SUMMARY,
    TS_TIMED_COUNT
} ts_timed_phase;
/* The phase's name as bench prints it ("org", "act", ...); NULL past the last. */
const char *ts_engine_phase_name(ts_timed_phase p);
/* Seconds spent in phase p since creation (0 for a phase past the last). */
double ts_engine_phase_seconds(const ts_engine *e, ts_timed_phase p);
/* The state of an enabled module by name, or NULL (for tests). */
void *ts_engine_module_state(const ts_engine *e, const char *name);

/* Checks the table's order against the modules' org_after declarations: TS_ERR_INTERNAL
 * naming the first module that comes before one it must follow. */
ts_status ts_engine_check_order(const ts_module *const *modules, size_t n_modules, ts_error *err);

/* Is a module on in this scenario? Modules with no optional section are always on. */
int ts_engine_module_on(const ts_module *m, const ts_scenario *sc);

/* The declaration of the summary scalar `name` that a run of sc writes (a module that is on
 * in sc declares it), or NULL. sc may still hold a sweep: a module counts as on when it is on
 * at some grid point. */
const ts_metric_decl *ts_engine_summary_find(const ts_module *const *modules, size_t n_modules,
                                             const ts_scenario *sc, const char *name);

/* The declaration of the daily metric `name` a run of sc records (the engine's own, or one of
 * a module that is on somewhere in sc), or NULL. */
const ts_metric_decl *ts_engine_metric_find(const ts_module *const *modules, size_t n_modules,
                                            const ts_scenario *sc, const char *name);

/* The i-th daily metric a run of sc records (engine's first, then the modules' in table
 * order), or NULL past the last: for "expected one of" and "did you mean" in messages. */
const ts_metric_decl *ts_engine_metric_at(const ts_module *const *modules, size_t n_modules,
                                          const ts_scenario *sc, size_t i);

/* The names of the summary scalars a run of sc writes, ", "-separated in table order, into
 * buf (cut to fit), for "expected one of ..." messages. */
void ts_engine_summary_list(const ts_module *const *modules, size_t n_modules,
                            const ts_scenario *sc, char *buf, size_t cap);

#endif
