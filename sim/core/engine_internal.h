/* Private to the engine (engine.c, engine_phases.c, engine_report.c): the engine object
 * and the phases of the day loop. Every phase returns a status; the loop in engine.c
 * stops at the first that is not TS_OK. Nothing here is for modules. */
#ifndef TS_ENGINE_INTERNAL_H
#define TS_ENGINE_INTERNAL_H

#include "engine.h"

/* The engine's own daily metrics (engine_phases.c): what it can measure of any
 * organisation. Their series come first. */
enum { EM_HEADCOUNT, EM_MANAGERS, EM_DEPTH, EM_ACQUAINTANCES, EM_COUNT };
extern const ts_metric_decl engine_metrics[EM_COUNT];

/* A thread's message arena on a cache line of its own (TS_CACHE_LINE, msg.h). */
typedef union engine_arena {
    ts_msgbuf buf;
    unsigned char line[TS_CACHE_LINE];
} engine_arena;
_Static_assert(sizeof(ts_msgbuf) <= TS_CACHE_LINE, "an arena's bookkeeping fits a line");

struct ts_engine {
    const ts_module **mods; /* the enabled modules, in table order */
    uint32_t *stream;       /* their stream keys (ts_module_stream_key) */
    void **state;
    size_t n_mods;
    ts_world w;
    ts_engine_options opt;
    int32_t days, warmup;
    int32_t snapshot_every;
    uint32_t n_seen; /* world->n at the last grow call */

    /* Per-thread message arenas and per-block bookkeeping, reused every day. What one thread
     * writes at every message (its arena's count, its block's histogram and accumulator
     * row) sits on cache lines of its own (engine_arena, ts_line_stride), so two
     * threads never take a line from each other while they act or measure. */
    engine_arena *arena;
    int n_arena;
    ts_block_msgs *blocks;
    size_t *block_begin;
    int *block_thread;
    uint32_t *hist;     /* hist_stride counts a block (its n_buckets, then padding) */
    size_t hist_stride; /* of the current headcount (engine_reserve_blocks) */
    size_t n_blocks_alloc, n_hist_alloc;
    ts_deliver dlv;
    uint64_t n_messages;
    double phase_seconds[TS_TIMED_COUNT]; /* wall time by phase (engine_timed) */

    /* Metrics: accumulators per block; offsets of each module's part. */
    size_t *acc_off; /* n_mods + 1: engine first */
    size_t n_acc;
    size_t acc_stride; /* n_acc rounded up to whole lines: a block's row */
    double *acc;       /* n_blocks rows of acc_stride, the first n_acc of each used */
    size_t n_acc_alloc;
    double *acc_sum; /* n_acc */
    size_t *val_off; /* n_mods + 1 */
    size_t n_values;
    double *values;
    double **series; /* n_values pointers into the result, or NULL */

    /* Where the run stands: its series added to the result, day 0 recorded. */
    int started, day0_done;
    /* Identity of a checkpoint: the modules that are on and the domains, ", "-separated;
     * the keys that act only at creation. */
    char *modules_list, *domains_list;
    uint32_t headcount, capacity;
    /* output.checkpoints and the checkpoints saved. */
    int32_t *ckpt_days;
    size_t n_ckpt_days;
    ts_ckpt **ckpts;
    size_t n_ckpts;
};

/* Agent blocks of the world as it stands. */
static inline size_t engine_n_blocks(uint32_t n) {
    return ((size_t)n + TS_BLOCK - 1) / TS_BLOCK;
}

/* Sizes the per-block arrays for the current headcount (only reallocates on growth). */
ts_status engine_reserve_blocks(ts_engine *e, ts_error *err);
/* Sets the metric offsets of the engine and the modules and allocates the day's values. */
ts_status engine_setup_metrics(ts_engine *e, ts_error *err);

/* The phases (engine_phases.c), in the order the day runs them. */
ts_status engine_day_begin(ts_engine *e, ts_error *err);
ts_status engine_phase_org(ts_engine *e, ts_error *err);
ts_status engine_notify_growth(ts_engine *e, ts_error *err);
ts_status engine_phase_act(ts_engine *e, ts_error *err);
ts_status engine_phase_deliver(ts_engine *e, ts_error *err);
ts_status engine_phase_apply(ts_engine *e, ts_error *err);
ts_status engine_phase_measure(ts_engine *e, ts_error *err);

/* Recording (engine_report.c): the series, the day's row, snapshots, the end tables. */
ts_status engine_add_series(ts_engine *e, ts_result *res, ts_error *err);
void engine_record(ts_engine *e);
ts_status engine_snapshot(ts_engine *e, ts_result *res, ts_error *err);
ts_status engine_summarize(ts_engine *e, ts_result *res, ts_error *err);

#endif
