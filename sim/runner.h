/* `trustsim run`: every grid point x replicate of a finalized scenario, each run's seed
 * derived from (seed, grid point, replicate); small organisations spread runs over
 * threads, large ones put the threads inside a run. Each run is written to the results
 * file when it ends. Progress goes to stderr when it is a terminal. */
#ifndef TS_RUNNER_H
#define TS_RUNNER_H

#include "module.h"
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
} ts_run_options;

ts_status ts_runner_run(const ts_scenario *sc, const ts_run_options *opt, ts_error *err);

#endif
