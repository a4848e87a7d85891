/* The report of `trustsim sensitivity`: reads the summary scalars of a sensitivity design's
 * runs from its results file, estimates the effects of the factors on each metric with
 * sim/maths/sensitivity.h (Morris or Sobol'), compares each factor with the dummy, prints a table,
 * writes /sensitivity in the file (replacing it only once whole) and optionally a CSV file.
 * HDF5 is used by one thread at a time. */
#ifndef TS_SENSITIVITY_REPORT_H
#define TS_SENSITIVITY_REPORT_H

#include "scenario.h"
#include "status.h"

#include <stddef.h>
#include <stdio.h>

typedef struct ts_sensitivity_options {
    const char *path;           /* the results file, opened read-write */
    const ts_scenario *sc;      /* the finalized design the file's runs were made for */
    const char *const *metrics; /* summary scalars to analyse (names already checked) */
    size_t n_metrics;
    long long bootstrap; /* resamples of the intervals; -1: sensitivity.bootstrap */
    const char *csv;     /* also write the table here (NULL: no CSV) */
} ts_sensitivity_options;

/* The output of a design point for a metric is the mean of its complete runs' values (the
 * replicates). A metric that lacks a finite value at some design point (NaN where a run has
 * none, e.g. incident_days without an incident) is reported as not analysed, with the
 * first such point; the others go on. Bootstrap streams are keyed by the scenario's seed.
 * Errors: TS_ERR_PARAM for a file that is not a results file or that the design does not
 * describe (a run at a grid point beyond it); TS_ERR_IO when a design point has no complete
 * run or the CSV cannot be written; TS_ERR_HDF5, TS_ERR_NOMEM. */
ts_status ts_sensitivity_report(const ts_sensitivity_options *o, FILE *out, ts_error *err);

#endif
