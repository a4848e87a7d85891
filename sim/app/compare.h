/* `trustsim compare`: statistics over the replicates of each grid point of a sweep
 * (mean, sd, 95 % t confidence interval, Welch's t-test and Cohen's d against a
 * baseline point, from sim/maths/stats.h). ts_compare reads the summary scalars of the
 * complete runs of a results file, prints the table, writes it to /sweep/summary
 * (replacing it) and optionally to CSV. HDF5 is used by one thread at a time. */
#ifndef TS_COMPARE_H
#define TS_COMPARE_H

#include "stats.h"
#include "status.h"

#include <stddef.h>
#include <stdio.h>

typedef struct ts_compare_options {
    const char *path;           /* the results file, opened read-write */
    const char *const *metrics; /* restrict to these summary metrics (NULL: all) */
    size_t n_metrics;
    size_t baseline; /* index of the baseline grid point */
    const char *csv; /* also write the table here (NULL: no CSV) */
    int unpaired;    /* compare with Welch even when the grid points share their seeds */
} ts_compare_options;

/* Compares the grid points of o->path: the summary scalars (/runs/RUN/summary) of the runs
 * with status "complete", grouped by grid_point, NaN values left out (n counts the values used);
 * prints one table per metric to out, replaces /sweep/summary/<metric>/{mean, sd, ci95_low,
 * ci95_high, n, p_vs_baseline, effect_size, diff, diff_ci95_low, diff_ci95_high} (float64,
 * one value per grid point) and writes the CSV. The differences from the baseline are
 * paired by replicate (paired t, d_z) when every replicate's runs share one seed and some
 * replicate ran at several grid points, unless o->unpaired; else Welch (Cohen's d). The
 * summary group's attribute `test` says which.
 * Errors: TS_ERR_PARAM (bad input, exit 2) for a missing or unreadable file, one that is not a
 * results file, a baseline beyond the grid, an unknown metric (the message lists the
 * ones there are); TS_ERR_IO (exit 1) for a file without complete runs or a CSV that
 * cannot be written; TS_ERR_HDF5, TS_ERR_NOMEM. */
ts_status ts_compare(const ts_compare_options *o, FILE *out, ts_error *err);

#endif
