/* The targets file of `trustsim calibrate`: the figures the runs should reproduce, the scenario
 * keys to calibrate with their prior ranges, and the ABC settings (sim/app/abc.h). The parser knows
 * no model: callbacks say which metric names exist and what each key is. A ts_targets owns every
 * string and array it holds; there is no global state, so any thread may parse its own file. */
#ifndef TS_TARGETS_H
#define TS_TARGETS_H

#include "abc.h"
#include "scenario.h"
#include "status.h"

#include <stddef.h>
#include <stdint.h>

/* The format (YAML):
 *
 *   targets:                 # required: a non-empty list of at most TS_TARGETS_MAX targets
 *     - metric: NAME         # required: a summary scalar or a daily metric of the runs
 *       stat: mean           # daily metrics only, and required for them: mean or last
 *       window: [A, B]       # daily metrics only, optional: the recorded days A to B, both
 *                            #   included, counted from 0 (the first recorded day) as in the
 *                            #   results file's series; 0 <= A <= B <= TS_TARGETS_MAX_DAY.
 *                            #   Without it, every recorded day (mean) or the last one (last).
 *                            #   last over [A, B] is day B.
 *       value: X             # required: the target, a finite number
 *       sd: S                # exactly one of sd and tolerance, a finite number > 0: the scale
 *       tolerance: T         #   of a difference in the distance (ts_abc_distance): sd for an
 *                            #   estimate with a known uncertainty, tolerance for "close enough"
 *   parameters:              # required: a non-empty mapping of at most TS_ABC_MAX_PARAMS
 *     culture.safety: [0.2, 0.9]   # scenario key paths (flat, dotted) to prior ranges [LOW,
 *                                  #   HIGH]: LOW < HIGH, inside the key's own [min, max]; the
 *                                  #   key must be int (bounds integers; prior discrete uniform)
 *                                  #   or real (prior uniform)
 *   particles: 200           # optional, integer in [TS_TARGETS_MIN_PARTICLES,
 *                            #   TS_ABC_MAX_PARTICLES]; floor(alpha particles) must be at least
 *                            #   the number of parameters + 1. Default TS_TARGETS_DEFAULT_PARTICLES
 *   alpha: 0.5               # optional, in (0, 1): share kept each generation. Default 0.5
 *   p_acc_min: 0.05          # optional, in [0, 1): stop below this acceptance rate. Default 0.05
 *   max_runs: 5000           # optional, integer: the budget of simulations, at least
 *                            #   particles + (particles - floor(alpha particles)) (two
 *                            #   generations), at most TS_TARGETS_MAX_RUNS.
 *                            #   Default TS_TARGETS_DEFAULT_RUNS_PER_PARTICLE x particles
 *
 * Every error is TS_ERR_SCENARIO with "FILE:LINE:COL: path: what is wrong (got X, expected Y)",
 * the path naming the value ("targets[1].window", "parameters.culture.safety"). What the parser
 * cannot know is left to the caller, with the positions kept for its messages: whether a window
 * ends within the scenario's recorded days, whether a tactic's key is on. */
#define TS_TARGETS_MAX 1000
#define TS_TARGETS_MIN_PARTICLES 4
#define TS_TARGETS_DEFAULT_PARTICLES 200
#define TS_TARGETS_DEFAULT_RUNS_PER_PARTICLE 25
#define TS_TARGETS_MAX_RUNS 1000000000L
/* The last recorded day a window may name (as `trustsim validate`'s windows). */
#define TS_TARGETS_MAX_DAY 1000000L
/* Room for "FILE:LINE:COL: path" of a value, for the caller's later messages. */
#define TS_TARGETS_AT 512

/* What the callbacks say a metric name is. */
typedef enum ts_target_kind {
    TS_TARGET_UNKNOWN = 0,
    TS_TARGET_SUMMARY = 1, /* a summary scalar: one value per run */
    TS_TARGET_DAILY = 2    /* a daily metric: one value per recorded day */
} ts_target_kind;

/* The model as the parser sees it. ctx is passed back to every callback. */
typedef struct ts_targets_model {
    void *ctx;
    /* What `name` is: a ts_target_kind as an int (0 unknown, 1 summary, 2 daily). Required. */
    int (*kind)(void *ctx, const char *name);
    /* The i-th known metric name (summary scalars and daily metrics alike), NULL past the last;
     * for "did you mean" and "expected one of" in messages. May be NULL: no hints. */
    const char *(*name)(void *ctx, size_t i);
    /* The scenario key at the full dotted path, or NULL when there is none (e.g.
     * ts_scenario_schema_param on the run's schema). Required. */
    const ts_param *(*param)(void *ctx, const char *path);
    /* The i-th full key path of the scenario, NULL past the last, for "did you mean" on an
     * unknown parameter. May be NULL: no suggestion. */
    const char *(*param_name)(void *ctx, size_t i);
} ts_targets_model;

typedef enum ts_target_stat {
    TS_TARGET_STAT_NONE = 0, /* a summary scalar */
    TS_TARGET_STAT_MEAN,     /* the mean of the daily values over the window */
    TS_TARGET_STAT_LAST      /* the value on the window's last day */
} ts_target_stat;

typedef struct ts_target {
    char *metric; /* owned */
    ts_target_kind kind;
    ts_target_stat stat;
    int has_window;                /* 0: every recorded day (from = 0, to = -1) */
    long from, to;                 /* recorded days, both included */
    double value;                  /* the target */
    double scale;                  /* its sd or tolerance, > 0 */
    int is_sd;                     /* 1: scale was written as sd; 0: as tolerance */
    char at[TS_TARGETS_AT];        /* "FILE:LINE:COL: targets[i]" */
    char window_at[TS_TARGETS_AT]; /* "FILE:LINE:COL: targets[i].window"; "" without one */
} ts_target;

typedef struct ts_targets_param {
    char *key; /* owned: the full dotted path */
    double low, high;
    int integer;            /* an int key: bounds are integers, the prior discrete uniform */
    char at[TS_TARGETS_AT]; /* "FILE:LINE:COL: parameters.KEY" (the range's position) */
} ts_targets_param;

typedef struct ts_targets {
    char *file; /* owned: the name shown in messages */
    char *text; /* owned: the file's text, as read (for the results file) */
    ts_target *targets;
    size_t n_targets;
    ts_targets_param *params;
    size_t n_params;
    size_t particles;
    double alpha, p_acc_min;
    size_t max_runs;
    /* The same as parallel arrays, for ts_abc_distance (values, scales: n_targets) and
     * ts_abc_config (low, high, integer: n_params). All owned. */
    double *values, *scales;
    double *low, *high;
    int *integer;
} ts_targets;

/* Reads the targets file at path. Errors: TS_ERR_SCENARIO (unreadable, too large, or any bad
 * input: see above), TS_ERR_NOMEM. */
ts_status ts_targets_load(const char *path, const ts_targets_model *model, ts_targets **out,
                          ts_error *err);

/* The same from text[0..len) in memory, `shown` naming it in messages. */
ts_status ts_targets_load_string(const char *text, size_t len, const char *shown,
                                 const ts_targets_model *model, ts_targets **out, ts_error *err);

void ts_targets_free(ts_targets *t);

/* The ABC configuration of t with the given seed: the bounds and flags point into t, which must
 * outlive the ts_abc_create call (ts_abc copies them). ts_abc_config_check accepts it. */
void ts_targets_abc_config(const ts_targets *t, uint64_t seed, ts_abc_config *cfg);

#endif
