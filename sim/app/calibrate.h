/* `trustsim calibrate`: which values of a scenario's parameters reproduce an organisation's
 * own figures? Approximate Bayesian computation (sim/app/abc.h) over the parameters and targets
 * of a targets file (sim/app/targets.h): every proposed point is a run of the scenario, its
 * statistics are compared with the targets, and the kept particles are the posterior. Then
 * a posterior predictive check: runs at posterior draws, written to the results file as its
 * runs, with their statistics set against the targets. The posterior, the history of every
 * simulation and the check go to /calibration (docs/output.md). */
#ifndef TS_CALIBRATE_H
#define TS_CALIBRATE_H

#include "module.h"
#include "results.h"
#include "scenario.h"
#include "status.h"
#include "targets.h"

#include <stdio.h>

typedef struct ts_calibrate_options {
    const ts_scenario *sc;     /* finalized, one grid point (no sweep, no design) */
    const ts_targets *targets; /* checked against sc with ts_calibrate_check */
    const char *targets_text;  /* the targets file's text, stored in the results file */
    const char *output;        /* the results file */
    int force;                 /* replace an existing results file */
    int threads;               /* 0: all cores */
    int quiet;                 /* no progress on stderr */
    size_t check_runs;         /* runs of the posterior predictive check */
    const char *command_line;
    const ts_module *const *modules;
    size_t n_modules;
} ts_calibrate_options;

/* The model as the targets parser sees it (sim/app/targets.h): metric names from the engine
 * and the modules that are on in sc, keys from sc's schema. ctx must outlive the parse. */
typedef struct ts_calibrate_model {
    const ts_schema *schema; /* sc's schema */
    const ts_scenario *sc;
    const ts_module *const *modules;
    size_t n_modules;
} ts_calibrate_model;
void ts_calibrate_model_init(ts_calibrate_model *ctx, ts_targets_model *out);

/* What the parser cannot check: a window that ends after the scenario's last recorded day, a
 * scenario with a sweep or a sensitivity design, a parameter that is also swept. Errors are
 * TS_ERR_SCENARIO with the target's or the parameter's file:line:col. */
ts_status ts_calibrate_check(const ts_scenario *sc, const ts_targets *t, ts_error *err);

/* The statistic of target t in a run's result: the summary scalar, or the mean of the daily
 * metric's finite values over the window (NaN when none), or its value on the window's last
 * day. NaN when the run lacks it. */
double ts_calibrate_stat(const ts_target *t, const ts_result *res);

/* Runs the calibration and the check, prints the posterior and the check on out, writes the
 * results file whole at the end (nothing before: an existing file is refused up front unless
 * force). Errors: TS_ERR_EXISTS, TS_ERR_IO (interrupted, a full disk), TS_ERR_HDF5,
 * TS_ERR_NOMEM, and those of the runs. */
ts_status ts_calibrate(const ts_calibrate_options *o, FILE *out, ts_error *err);

#endif
