/* What one run produces, in memory, before it is written to the results file: daily
 * metric series, summary scalars, the per-agent table, mental-model snapshots, the
 * incident table and the per-team table. A ts_result owns every array it holds (params, values,
 * column data, team arrays); names, units, descriptions and the params' key/text are borrowed
 * pointers to strings that outlive it. One result is filled by one thread at a time. */
#ifndef TS_RESULTS_H
#define TS_RESULTS_H

#include "status.h"

#include <stddef.h>
#include <stdint.h>

typedef enum ts_coltype { TS_COL_U32, TS_COL_I32, TS_COL_F32, TS_COL_F64 } ts_coltype;

/* A daily series: values[day] for day 0..n-1. */
typedef struct ts_series {
    const char *name, *units, *description;
    double *values; /* owned */
    size_t n;
} ts_series;

typedef struct ts_scalar {
    const char *name, *units, *description;
    double value;
} ts_scalar;

/* A column of n rows, each `width` wide (width > 1 gives a 2-D dataset [n][width]).
 * data holds n * width values of `type`, row-major. */
typedef struct ts_column {
    const char *name, *units, *description;
    ts_coltype type;
    size_t n, width;
    void *data; /* owned */
} ts_column;

/* Columns of one table (all the same n by convention; each is written on its own). */
typedef struct ts_table {
    ts_column *cols;
    size_t n_cols, n_alloc;
} ts_table;

typedef struct ts_snapshot {
    int32_t day;
    ts_table edges;    /* from, to, mean, sd, trust, integrity, goodwill */
    float *team_trust; /* owned; k x k, row-major: mean trust of team a's members in b's */
    size_t k;
    uint32_t *team_ids; /* owned; the k team managers' ids */
} ts_snapshot;

/* A swept key's value at this run's grid point. */
typedef struct ts_param_value {
    const char *key;  /* borrowed from the scenario */
    const char *text; /* borrowed: YAML text of the value */
    int is_number;
    double number;
} ts_param_value;

typedef struct ts_result {
    uint32_t run_index, grid_point, replicate;
    uint64_t seed;
    double wall_seconds;
    int threads;
    ts_param_value *params; /* owned (malloc'd, e.g. by ts_result_alloc_params) */
    size_t n_params;
    ts_series *metrics;
    size_t n_metrics, n_metrics_alloc;
    ts_scalar *summary;
    size_t n_summary, n_summary_alloc;
    ts_table agents;
    ts_snapshot *snapshots;
    size_t n_snapshots, n_snapshots_alloc;
    ts_table incidents;
    ts_table teams; /* one row per team (a manager and its reports) at the end of the run */
} ts_result;

/* Sets every field to zero / NULL: an empty result. */
void ts_result_init(ts_result *r);
/* Frees every array the result owns and leaves it empty (as after ts_result_init), so
 * it can be filled again. */
void ts_result_free(ts_result *r);

/* Replaces the params array by n zeroed entries and returns it (NULL when out of
 * memory; n == 0 leaves no array and returns NULL with n_params 0). */
ts_param_value *ts_result_alloc_params(ts_result *r, size_t n);

/* Adds a series of n zeros and returns its values (NULL when out of memory). The
 * pointer stays valid as more series are added (only the array of headers moves). */
double *ts_result_add_series(ts_result *r, const char *name, const char *units,
                             const char *description, size_t n);
/* TS_ERR_NOMEM when out of memory. */
ts_status ts_result_add_scalar(ts_result *r, const char *name, const char *units,
                               const char *description, double value);
/* Adds a zeroed column of n rows of `width` values of `type` and returns its data
 * (NULL when out of memory or width == 0). The data pointer stays valid as more
 * columns are added; a ts_column pointer taken from t->cols does not. */
void *ts_table_add_column(ts_table *t, const char *name, const char *units, const char *description,
                          ts_coltype type, size_t n, size_t width);
/* The column called name, or NULL. */
const ts_column *ts_table_find_column(const ts_table *t, const char *name);
/* Frees the columns and their data; the table is left empty and reusable. */
void ts_table_free(ts_table *t);
/* Size in bytes of one value of a column type. */
size_t ts_coltype_size(ts_coltype type);

/* Adds an empty snapshot (no edges, k = 0) and returns it, NULL when out of memory.
 * The pointer is valid until the next ts_result_add_snapshot (the array may move). */
ts_snapshot *ts_result_add_snapshot(ts_result *r, int32_t day);
/* Gives the snapshot k teams: team_trust (k x k) and team_ids (k), zeroed, replacing
 * any previous ones. TS_ERR_NOMEM when out of memory (the snapshot is then left with
 * k = 0). */
ts_status ts_snapshot_set_teams(ts_snapshot *s, size_t k);

/* Lookups by name (strcmp), NULL when absent. */
const ts_series *ts_result_find_series(const ts_result *r, const char *name);
const ts_scalar *ts_result_find_scalar(const ts_result *r, const char *name);

/* The rows of the team table, for a module adding its columns in the same order: the
 * managers' ids (its `manager` column, written by the engine first), their number in *k.
 * NULL with *k = 0 when the table has no rows yet. The pointer stays valid as columns
 * are added. */
const uint32_t *ts_result_team_managers(const ts_result *r, size_t *k);

#endif
