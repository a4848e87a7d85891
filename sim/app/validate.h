/* `trustsim validate`: pattern-oriented validation. A patterns file lists stylised facts
 * as data (question, source, a scenario with named arms, seeds, checks of a measure
 * against a target); ts_validate runs every (pattern, arm, seed) through the runner's
 * pool, scores the checks, prints the scorecard and writes every run and the scorecard
 * to one HDF5 file, by a temporary file renamed into place once complete. The patterns
 * file is described at the top of scenarios/validation.yaml and in `validate --help`;
 * the output file in docs/output.md ("Validation files"). One call at a time per process
 * (it installs a SIGINT handler while it runs). */
#ifndef TS_VALIDATE_H
#define TS_VALIDATE_H

#include "module.h"
#include "scenario.h"
#include "status.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The text of scenarios/validation.yaml, compiled in (generated at build time). */
extern const char ts_validation_patterns_yaml[];

/* Where validate looks for the patterns file before falling back to the compiled-in copy,
 * and where its results go by default. */
#define TS_VALIDATE_DEFAULT_PATTERNS "scenarios/validation.yaml"
#define TS_VALIDATE_DEFAULT_OUTPUT "results/validation.h5"

typedef struct ts_validate_options {
    const char *patterns;   /* patterns file; NULL: the default or the built-in copy */
    const char *const *ids; /* run only these patterns (n_ids 0: all) */
    size_t n_ids;
    int quick;               /* apply each pattern's `quick:` overrides and seeds */
    const char *const *sets; /* "key.path=value" for every pattern, before its arms */
    size_t n_sets;
    const char *output;       /* NULL: TS_VALIDATE_DEFAULT_OUTPUT */
    int force;                /* replace an existing output file */
    int threads;              /* 0: all cores */
    int quiet;                /* no progress */
    const char *command_line; /* stored in the file */
    const ts_module *const *modules;
    size_t n_modules;
    const ts_schema *schema; /* the modules' schema (ts_modules_schema) */
} ts_validate_options;

/* What a validation came to (filled when ts_validate returns TS_OK). */
typedef struct ts_validate_outcome {
    size_t n_patterns, n_failed; /* patterns run, and those failing */
    char failed[1024];           /* ids of the failing patterns, ", "-separated (cut short) */
} ts_validate_outcome;

/* Loads the patterns, runs the selected ones, prints the scorecard on out and writes
 * the output file. Bad input (patterns file, unknown pattern id, --set, a measure naming
 * a summary, metric or column the runs do not have, an existing output file without
 * force) is TS_ERR_SCENARIO / TS_ERR_PARAM / TS_ERR_EXISTS with a message naming the
 * file, line, column and key path, and nothing is written. Ctrl-C: TS_ERR_INTERRUPTED,
 * nothing written. A failing pattern is not an error: see out->n_failed. */
ts_status ts_validate(const ts_validate_options *o, FILE *out, ts_validate_outcome *outcome,
                      ts_error *err);

/* ---- The scorecard ------------------------------------------------------------------------ */

/* One check's line of the scorecard (also a row of /validation/scorecard). Strings are
 * borrowed. Numbers that do not apply are NaN. */
typedef struct ts_vrow {
    const char *pattern, *check;
    const char *arms;  /* the arm, or "a,b" for a comparison */
    const char *as;    /* "", "ratio" or "difference" */
    const char *units; /* of value ("" when it has none) */
    double value, sd, ci95_low, ci95_high;
    double target_min, target_max;
    double welch_t, welch_t_min, welch_t_max;
    double cohen_d, cohen_d_min, cohen_d_max;
    uint32_t n; /* seeds with a value (compare: pairs) */
    int pass;
} ts_vrow;

/* A pattern of the scorecard. */
typedef struct ts_vprow {
    const char *id, *title;
} ts_vprow;

/* Prints the scorecard: a header line naming `what`, one line per check (rows grouped by
 * pattern, in the order of pats), one line per pattern and a total line; at most 100
 * columns but for very long numbers. Returns the number of failing patterns. */
size_t ts_validate_print(FILE *out, const char *what, const ts_vprow *pats, size_t n_pats,
                         const ts_vrow *rows, size_t n_rows);

#endif
