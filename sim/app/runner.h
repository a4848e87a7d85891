/* `trustsim run`: every grid point x replicate of a finalized scenario, each run's seed
 * derived from (seed, grid point, replicate); small organisations spread runs over
 * threads, large ones put the threads inside a run. Each run is written to the results
 * file when it ends. Progress goes to stderr when it is a terminal.
 * The pool of runs and the single run are exposed for `trustsim validate`, which runs
 * its own list of (scenario point, seed) jobs the same way. */
#ifndef TS_RUNNER_H
#define TS_RUNNER_H

#include "module.h"
#include "results.h"
#include "scenario.h"

/* The text of scenarios/default.yaml, compiled in (generated at build time). */
extern const char ts_default_scenario_yaml[];

typedef struct ts_run_options {
    const char *output;              /* results file; NULL: output.file, else results/<name>.h5 */
    int threads;                     /* 0: all cores */
    int force;                       /* replace an existing output file */
    int resume;                      /* finish the runs missing from an existing output file */
    int quiet;                       /* no progress */
    const char *command_line;        /* stored in the file */
    const ts_module *const *modules; /* the module table (models/modules.h) */
    size_t n_modules;
    /* Each replicate at a draw of this posterior (sim/app/posterior.h), the same draw at every
     * grid point; its values are stored with the run's swept values. NULL: none. */
    const struct ts_posterior *posterior;
    /* run --from FILE --run N --day D: every grid point continues the saved state of run N
     * of FILE at the end of day D (sim/core/checkpoint.h) with its seed. NULL: none. */
    const char *from;
    uint64_t from_run;
    int32_t from_day;
} ts_run_options;

ts_status ts_runner_run(const ts_scenario *sc, const ts_run_options *opt, ts_error *err);

/* Checks that a branched sweep (branch_day >= 0) or a run --from can share one history:
 * every grid point has the base scenario's seed, org.headcount, org.warmup_days,
 * trust.capacity, domains and branch_day (they act when the organisation is created, or
 * before the branch), and days past the branch; no sensitivity design; with --from, one
 * replicate and no branch_day. TS_ERR_SCENARIO naming the key and the grid point. */
ts_status ts_runner_check_branch(const ts_scenario *sc, const ts_run_options *opt, ts_error *err);

/* The results file ts_runner_run writes: opt->output, else output.file, else
 * results/<name>.h5. The caller frees it; NULL when out of memory. */
char *ts_runner_output_path(const ts_scenario *sc, const ts_run_options *opt);

/* ---- The pool of runs -------------------------------------------------------------------- */

/* The progress of a batch of runs (opaque); the runs in flight share it. */
typedef struct ts_runner_pool ts_runner_pool;

/* One job: runs (and writes) run `job` with `threads` threads inside it, passing `pool` to
 * ts_runner_run_point. Called from several threads at once with distinct jobs. */
typedef ts_status (*ts_runner_job_fn)(void *ctx, size_t job, int threads, ts_runner_pool *pool,
                                      ts_error *err);

typedef struct ts_runner_batch {
    size_t n_jobs;              /* jobs 0 .. n_jobs - 1, taken in this order */
    const unsigned char *large; /* per job, 1 for a large organisation (NULL: none is) */
    ts_runner_job_fn run;
    void *ctx;
    int threads;         /* >= 1 */
    int show_progress;   /* runs done, days/s and time left on stderr, redrawn in place */
    int show_elapsed;    /* the progress line also shows the time elapsed */
    uint64_t days_total; /* simulated days (warm-up included) of all jobs, for the rate */
    const char *unit;    /* what a job is, on the progress line (NULL: "runs") */
} ts_runner_batch;

typedef struct ts_runner_outcome {
    size_t runs_done; /* jobs that returned TS_OK */
    int interrupted;  /* SIGINT stopped the batch before every job was taken */
    double seconds;   /* wall-clock time of the batch */
} ts_runner_outcome;

/* Runs a batch: the small organisations first, one job per thread with one thread inside
 * each (a single job gets every thread), then the large ones one at a time with every
 * thread inside. The results do not depend on this: a run's output is the same on any
 * number of threads. The first failing job stops the taking of new jobs and its status
 * and error are returned once the jobs in flight end. While the batch runs, SIGINT
 * (Ctrl-C) stops the taking of new jobs (out->interrupted; the status is still that of
 * the jobs); the previous handler is restored on return. */
ts_status ts_runner_pool_run(const ts_runner_batch *b, ts_runner_outcome *out, ts_error *err);

/* Is the scenario's organisation large enough to put the threads inside its runs? */
int ts_runner_is_large(const ts_scenario *sc);

/* One run of `point` (a scenario without sweep, e.g. from ts_scenario_at_point) with the
 * run seed `seed` on `threads` threads, counting its days into `pool` (NULL: none). *res
 * is initialised here; on success the caller frees it, on failure it is left empty. */
ts_status ts_runner_run_point(const ts_scenario *point, uint64_t seed, int threads,
                              const ts_module *const *modules, size_t n_modules,
                              ts_runner_pool *pool, ts_result *res, ts_error *err);

#endif
