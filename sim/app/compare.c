/* `trustsim compare` (compare.h): ts_compare, which reads the summary scalars of a results
 * file's complete runs, prints a table per metric (statistics from sim/maths/stats.c), writes
 * /sweep/summary and optionally a CSV file. */
#include "compare.h"

#include "h5file_internal.h"
#include "h5util_internal.h"

#include <hdf5.h>

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- Reading the file ---------------------------------------------------------------- */

/* One value of a metric in one run. */
typedef struct cmp_value {
    size_t point;
    uint64_t replicate;
    double value;
} cmp_value;

typedef struct cmp_metric {
    char *name, *units, *description;
    cmp_value *v;
    size_t n, cap;
} cmp_metric;

/* What ts_compare works on: the grid and every summary metric of the complete runs. */
typedef struct cmp_data {
    const char *path;
    size_t n_points, n_runs;
    size_t max_points; /* grid points a run may name */
    /* Arms share their seeds by replicate (common random numbers): every run of a
     * replicate has the same seed, whatever its grid point. Then the comparison is
     * paired by replicate. */
    int paired;
    /* A branched sweep (/sweep/grid's branch_day): every grid point of a replicate continued
     * the same history, simulated once up to the end of this day. -1: not branched. */
    int64_t branch_day;
    uint64_t *rep_seed;      /* per replicate: its seed */
    uint64_t *rep_point;     /* per replicate: the grid point it was first seen at */
    unsigned char *rep_seen; /* per replicate: 0 not seen, 1 at one point, 2 at several */
    size_t n_reps;
    ts_h5names keys; /* swept key paths */
    char ***grid;    /* grid[k][p]: value of key k at point p as text (may be NULL) */
    size_t *grid_n;  /* cells in grid[k] */
    cmp_metric *m;
    size_t n_m, cap_m;
} cmp_data;

static void cmp_data_free(cmp_data *d) {
    for (size_t k = 0; d->grid && k < d->keys.n; k++) {
        ts_h5_free_cells(d->grid[k], d->grid_n[k]);
    }
    free(d->grid);
    free(d->grid_n);
    ts_h5names_free(&d->keys);
    for (size_t i = 0; i < d->n_m; i++) {
        free(d->m[i].name);
        free(d->m[i].units);
        free(d->m[i].description);
        free(d->m[i].v);
    }
    free(d->m);
    free(d->rep_seed);
    free(d->rep_point);
    free(d->rep_seen);
}

static cmp_metric *cmp_find(cmp_data *d, const char *name) {
    for (size_t i = 0; i < d->n_m; i++) {
        if (strcmp(d->m[i].name, name) == 0) {
            return &d->m[i];
        }
    }
    return NULL;
}

/* The metric of that name, added when new (units and description from loc's
 * attributes); NULL when out of memory. */
static cmp_metric *cmp_metric_get(cmp_data *d, const char *name, hid_t dset) {
    cmp_metric *m = cmp_find(d, name);
    if (m) {
        return m;
    }
    if (d->n_m == d->cap_m) {
        size_t cap = d->cap_m ? 2 * d->cap_m : 16;
        cmp_metric *grown = realloc(d->m, cap * sizeof *grown);
        if (!grown) {
            return NULL;
        }
        d->m = grown;
        d->cap_m = cap;
    }
    m = &d->m[d->n_m];
    memset(m, 0, sizeof *m);
    m->name = strdup(name);
    m->units = ts_h5_read_string_attr(dset, "units");
    m->description = ts_h5_read_string_attr(dset, "description");
    if (!m->units) {
        m->units = strdup("");
    }
    if (!m->description) {
        m->description = strdup("");
    }
    if (!m->name || !m->units || !m->description) {
        free(m->name);
        free(m->units);
        free(m->description);
        return NULL;
    }
    d->n_m++;
    return m;
}

static int cmp_metric_push(cmp_metric *m, size_t point, uint64_t replicate, double value) {
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 16;
        cmp_value *grown = realloc(m->v, cap * sizeof *grown);
        if (!grown) {
            return 0;
        }
        m->v = grown;
        m->cap = cap;
    }
    m->v[m->n].point = point;
    m->v[m->n].replicate = replicate;
    m->v[m->n].value = value;
    m->n++;
    return 1;
}

/* Reads the scalar summary datasets of one complete run. Datasets that are not scalar
 * numbers are skipped; a run without grid_point or summary adds nothing. */
static ts_status cmp_read_run(cmp_data *d, hid_t runs, const char *run, ts_error *err) {
    ts_status st = TS_OK;
    ts_h5names names = {NULL, 0};
    hid_t g = H5Gopen2(runs, run, H5P_DEFAULT);
    hid_t summary = H5I_INVALID_HID;
    uint64_t point = 0, replicate = 0, seed = 0;
    if (g < 0 || !ts_h5_read_attr(g, "grid_point", H5T_NATIVE_UINT64, &point) ||
        H5Lexists(g, "summary", H5P_DEFAULT) <= 0) {
        goto cleanup;
    }
    /* Pairing needs every run's replicate and seed; a run without them unpairs. */
    if (!ts_h5_read_attr(g, "replicate", H5T_NATIVE_UINT64, &replicate) ||
        !ts_h5_read_attr(g, "seed", H5T_NATIVE_UINT64, &seed) || replicate >= d->n_reps) {
        d->paired = 0;
    } else if (d->rep_seen[replicate] && d->rep_seed[replicate] != seed) {
        d->paired = 0;
    } else if (!d->rep_seen[replicate]) {
        d->rep_seen[replicate] = 1;
        d->rep_seed[replicate] = seed;
        d->rep_point[replicate] = point;
    } else if (d->rep_point[replicate] != point) {
        d->rep_seen[replicate] = 2;
    }
    summary = H5Gopen2(g, "summary", H5P_DEFAULT);
    int rc = summary >= 0 ? ts_h5_list(summary, H5_INDEX_NAME, &names) : -1;
    if (rc != 0) {
        st = rc == -2 ? ts_error_set(err, TS_ERR_NOMEM, "%s: out of memory", d->path)
                      : ts_h5_fail(err, d->path, "list", "a run's summary");
        goto cleanup;
    }
    if (point >= d->max_points) {
        st = ts_error_set(err, TS_ERR_PARAM,
                          "%s: /runs/%s has grid_point %" PRIu64 ", but the file has %zu grid "
                          "point%s (a malformed results file)",
                          d->path, run, point, d->max_points, d->max_points == 1 ? "" : "s");
        goto cleanup;
    }
    d->n_runs++;
    if (point + 1 > d->n_points) {
        d->n_points = (size_t)point + 1;
    }
    for (size_t i = 0; i < names.n && st == TS_OK; i++) {
        hid_t dset = H5Dopen2(summary, names.names[i], H5P_DEFAULT);
        hid_t space = dset >= 0 ? H5Dget_space(dset) : H5I_INVALID_HID;
        hid_t type = dset >= 0 ? H5Dget_type(dset) : H5I_INVALID_HID;
        double v;
        if (space >= 0 && type >= 0 && H5Sget_simple_extent_npoints(space) == 1 &&
            (H5Tget_class(type) == H5T_FLOAT || H5Tget_class(type) == H5T_INTEGER) &&
            H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &v) >= 0) {
            cmp_metric *m = cmp_metric_get(d, names.names[i], dset);
            if (!m || !cmp_metric_push(m, (size_t)point, replicate, v)) {
                st = ts_error_set(err, TS_ERR_NOMEM, "%s: out of memory", d->path);
            }
        }
        ts_h5_close_id(&type);
        ts_h5_close_id(&space);
        ts_h5_close_id(&dset);
        H5Eclear2(H5E_DEFAULT);
    }
cleanup:
    H5Eclear2(H5E_DEFAULT);
    ts_h5names_free(&names);
    ts_h5_close_id(&summary);
    ts_h5_close_id(&g);
    return st;
}

static int cmp_metric_by_name(const void *a, const void *b) {
    return strcmp(((const cmp_metric *)a)->name, ((const cmp_metric *)b)->name);
}

/* Reads the grid and the summaries of the complete runs. */
static ts_status cmp_read(cmp_data *d, hid_t file, ts_error *err) {
    ts_status st = TS_OK;
    ts_h5names runs_list = {NULL, 0};
    hid_t runs = H5I_INVALID_HID, grid = H5I_INVALID_HID;
    uint64_t n_points = 1;

    if (H5Lexists(file, "validation", H5P_DEFAULT) > 0) {
        /* Its runs belong to many patterns and arms: grid points would mix them. */
        st = ts_error_set(err, TS_ERR_PARAM,
                          "%s is a validation file (its comparisons are in its scorecard: "
                          "trustsim info %s)",
                          d->path, d->path);
        goto cleanup;
    }
    H5Eclear2(H5E_DEFAULT);
    if (H5Lexists(file, "runs", H5P_DEFAULT) <= 0 ||
        (runs = H5Gopen2(file, "runs", H5P_DEFAULT)) < 0) {
        H5Eclear2(H5E_DEFAULT);
        st = ts_error_set(err, TS_ERR_PARAM, "%s is not a trustsim results file (no /runs)",
                          d->path);
        goto cleanup;
    }
    if (H5Lexists(file, "sweep", H5P_DEFAULT) > 0 &&
        H5Lexists(file, "sweep/grid", H5P_DEFAULT) > 0) {
        grid = H5Gopen2(file, "sweep/grid", H5P_DEFAULT);
    }
    H5Eclear2(H5E_DEFAULT);
    int rc = grid >= 0 ? ts_h5_grid_keys(grid, &d->keys) : 0;
    if (rc == 0) {
        rc = ts_h5_list(runs, H5_INDEX_NAME, &runs_list);
    }
    if (rc != 0) {
        st = rc == -2 ? ts_error_set(err, TS_ERR_NOMEM, "%s: out of memory", d->path)
                      : ts_h5_fail(err, d->path, "list", "the groups of /sweep/grid or /runs");
        goto cleanup;
    }
    d->branch_day = -1;
    if (grid >= 0) {
        ts_h5_read_attr(grid, "n_points", H5T_NATIVE_UINT64, &n_points);
        if (H5Aexists(grid, "branch_day") > 0 &&
            !ts_h5_read_attr(grid, "branch_day", H5T_NATIVE_INT64, &d->branch_day)) {
            d->branch_day = -1;
        }
        H5Eclear2(H5E_DEFAULT);
    }
    /* A grid point is a value of each swept key: n_points cannot exceed what the grid
     * holds. Without swept keys (one point), the runs' own points count, at most one a
     * run. */
    if (grid >= 0 && (n_points == 0 || (d->keys.n == 0 && n_points != 1))) {
        st = ts_error_set(err, TS_ERR_PARAM,
                          "%s: /sweep/grid says n_points = %" PRIu64 ", expected %s (a malformed "
                          "results file)",
                          d->path, n_points,
                          d->keys.n == 0 ? "1 for a grid without keys" : "at least 1");
        goto cleanup;
    }
    d->n_points = (size_t)n_points;
    d->max_points = d->keys.n > 0 ? d->n_points : (runs_list.n > 1 ? runs_list.n : 1);
    if (d->keys.n > 0) {
        d->grid = calloc(d->keys.n, sizeof *d->grid);
        d->grid_n = calloc(d->keys.n, sizeof *d->grid_n);
        if (!d->grid || !d->grid_n) {
            st = ts_error_set(err, TS_ERR_NOMEM, "%s: out of memory", d->path);
            goto cleanup;
        }
        for (size_t k = 0; k < d->keys.n && st == TS_OK; k++) {
            d->grid[k] = ts_h5_grid_values(grid, d->keys.names[k], &d->grid_n[k]);
            if (d->grid_n[k] != d->n_points) {
                st = ts_error_set(err, TS_ERR_PARAM,
                                  "%s: /sweep/grid/%s has %zu values, but n_points is %zu (a "
                                  "malformed results file)",
                                  d->path, d->keys.names[k], d->grid_n[k], d->n_points);
            }
        }
    }
    /* A replicate index is below the number of runs in a well-formed file. */
    d->n_reps = runs_list.n ? runs_list.n : 1;
    d->rep_seed = calloc(d->n_reps, sizeof *d->rep_seed);
    d->rep_point = calloc(d->n_reps, sizeof *d->rep_point);
    d->rep_seen = calloc(d->n_reps, 1);
    if (st == TS_OK && (!d->rep_seed || !d->rep_point || !d->rep_seen)) {
        st = ts_error_set(err, TS_ERR_NOMEM, "%s: out of memory", d->path);
    }
    d->paired = 1;
    for (size_t i = 0; i < runs_list.n && st == TS_OK; i++) {
        uint64_t index;
        if (ts_h5_run_index(runs_list.names[i], &index) &&
            ts_h5_is_complete(runs, runs_list.names[i])) {
            st = cmp_read_run(d, runs, runs_list.names[i], err);
        }
    }
    /* Paired only when some replicate was run at several grid points under one seed. */
    int shared = 0;
    for (size_t r = 0; r < d->n_reps && d->rep_seen; r++) {
        shared |= d->rep_seen[r] == 2;
    }
    d->paired = d->paired && shared;
    if (st == TS_OK && d->n_m > 1) {
        qsort(d->m, d->n_m, sizeof *d->m, cmp_metric_by_name);
    }
cleanup:
    ts_h5names_free(&runs_list);
    ts_h5_close_id(&grid);
    ts_h5_close_id(&runs);
    return st;
}

/* ---- The comparison ------------------------------------------------------------------ */

/* The statistics of one metric at every grid point, and its difference from the
 * baseline (paired by replicate or Welch, as cmp_data.paired says). */
typedef struct cmp_row {
    ts_stats s;
    ts_diff x;
} cmp_row;

/* The baseline's value of m in `replicate`, NaN when it has none. */
static double cmp_baseline_value(const cmp_metric *m, size_t baseline, uint64_t replicate) {
    for (size_t i = 0; i < m->n; i++) {
        if (m->v[i].point == baseline && m->v[i].replicate == replicate) {
            return m->v[i].value;
        }
    }
    return NAN;
}

/* Fills rows[0..n_points-1] for m; scratch holds m->n values. A NaN value (a summary
 * that is undefined in that run) is left out: n counts the values used; paired, a
 * replicate counts when both it and the baseline's have a value. */
static void cmp_compute(const cmp_data *d, const cmp_metric *m, size_t baseline, double *scratch,
                        cmp_row *rows) {
    for (size_t p = 0; p < d->n_points; p++) {
        size_t n = 0;
        for (size_t i = 0; i < m->n; i++) {
            if (m->v[i].point == p && !isnan(m->v[i].value)) {
                scratch[n++] = m->v[i].value;
            }
        }
        ts_stats_describe(scratch, n, &rows[p].s);
    }
    for (size_t p = 0; p < d->n_points; p++) {
        if (!d->paired) {
            rows[p].x = ts_stats_unpaired(&rows[p].s, &rows[baseline].s);
            continue;
        }
        size_t n = 0;
        for (size_t i = 0; i < m->n; i++) {
            if (m->v[i].point == p && !isnan(m->v[i].value)) {
                double b = cmp_baseline_value(m, baseline, m->v[i].replicate);
                if (!isnan(b)) {
                    scratch[n++] = m->v[i].value - b;
                }
            }
        }
        rows[p].x = ts_stats_paired(scratch, n);
    }
}

static const char *cmp_grid_cell(const cmp_data *d, size_t k, size_t p) {
    return p < d->grid_n[k] && d->grid[k][p] ? d->grid[k][p] : NULL;
}

/* One metric's table on out. */
static ts_status cmp_print(const cmp_data *d, const cmp_metric *m, const cmp_row *rows,
                           size_t baseline, FILE *out) {
    ts_txt t = {.n_cols = d->keys.n + 7};
    ts_txt_add(&t, "point");
    for (size_t k = 0; k < d->keys.n; k++) {
        ts_txt_add(&t, "%s", d->keys.names[k]);
    }
    ts_txt_add(&t, "mean ± ci95");
    ts_txt_add(&t, "[ci95 low, high]");
    ts_txt_add(&t, "n");
    ts_txt_add(&t, "difference [ci95]");
    ts_txt_add(&t, "p vs baseline");
    ts_txt_add(&t, "d");
    for (size_t p = 0; p < d->n_points; p++) {
        const cmp_row *r = &rows[p];
        ts_txt_add(&t, "%zu", p);
        for (size_t k = 0; k < d->keys.n; k++) {
            const char *v = cmp_grid_cell(d, k, p);
            ts_txt_add(&t, "%s", v ? v : "-");
        }
        if (isnan(r->s.mean)) {
            ts_txt_add(&t, "-");
        } else if (isnan(r->s.ci95_low)) {
            ts_txt_add(&t, "%.4g", r->s.mean);
        } else {
            ts_txt_add(&t, "%.4g ± %.2g", r->s.mean, (r->s.ci95_high - r->s.ci95_low) / 2.0);
        }
        if (isnan(r->s.ci95_low)) {
            ts_txt_add(&t, "-");
        } else {
            ts_txt_add(&t, "[%.4g, %.4g]", r->s.ci95_low, r->s.ci95_high);
        }
        ts_txt_add(&t, "%zu", r->s.n);
        if (p == baseline) {
            ts_txt_add(&t, "-");
            ts_txt_add(&t, "baseline");
            ts_txt_add(&t, "-");
        } else {
            if (isnan(r->x.diff)) {
                ts_txt_add(&t, "-");
            } else if (isnan(r->x.ci95_low)) {
                ts_txt_add(&t, "%+.4g", r->x.diff);
            } else {
                ts_txt_add(&t, "%+.4g [%.4g, %.4g]", r->x.diff, r->x.ci95_low, r->x.ci95_high);
            }
            if (isnan(r->x.p)) {
                ts_txt_add(&t, "-");
            } else {
                ts_txt_add(&t, "%.3g", r->x.p);
            }
            if (isnan(r->x.d)) {
                ts_txt_add(&t, "-");
            } else {
                ts_txt_add(&t, "%.3g", r->x.d);
            }
        }
    }
    if (t.failed) {
        ts_txt_free(&t);
        return TS_ERR_NOMEM;
    }
    fprintf(out, "\n%s", m->name);
    if (m->units[0]) {
        fprintf(out, " [%s]", m->units);
    }
    if (m->description[0]) {
        fprintf(out, ": %s", m->description);
    }
    fputc('\n', out);
    ts_txt_print(&t, out, "  ");
    ts_txt_free(&t);
    return TS_OK;
}

/* ---- Writing /sweep/summary ------------------------------------------------------------ */

static int cmp_attr_string(hid_t loc, const char *name, const char *value) {
    hid_t type = ts_h5_string_type();
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = type >= 0 && space >= 0
                     ? H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT)
                     : H5I_INVALID_HID;
    int ok = attr >= 0 && H5Awrite(attr, type, &value) >= 0;
    ts_h5_close_id(&attr);
    ts_h5_close_id(&space);
    ts_h5_close_id(&type);
    return ok;
}

static hid_t cmp_group(hid_t loc, const char *name) {
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    hid_t g = H5I_INVALID_HID;
    if (gcpl >= 0 &&
        H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) >= 0) {
        g = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    }
    ts_h5_close_id(&gcpl);
    return g;
}

static int cmp_dataset(hid_t loc, const char *name, const double *v, size_t n, const char *units,
                       const char *description) {
    hsize_t dims[1] = {n};
    hid_t space = H5Screate_simple(1, dims, NULL);
    hid_t dset = space >= 0 ? H5Dcreate2(loc, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT,
                                         H5P_DEFAULT)
                            : H5I_INVALID_HID;
    int ok =
        dset >= 0 && H5Dwrite(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0 &&
        cmp_attr_string(dset, "units", units) && cmp_attr_string(dset, "description", description);
    ts_h5_close_id(&dset);
    ts_h5_close_id(&space);
    return ok;
}

/* /sweep/summary/<metric>/ for one metric; col has n_points entries. */
static ts_status cmp_write_metric(const cmp_data *d, hid_t summary, const cmp_metric *m,
                                  const cmp_row *rows, double *col, ts_error *err) {
    static const char *const names[] = {
        "mean",          "sd",          "ci95_low", "ci95_high",     "n",
        "p_vs_baseline", "effect_size", "diff",     "diff_ci95_low", "diff_ci95_high"};
    /* Long texts split over lines are parenthesised: one element each (clang's
     * -Wstring-concatenation asks for it). */
    const char *paired[] = {
        ("paired t-test (differences by replicate) two-sided p-value of each grid point "
         "against the baseline, for"),
        "d_z (mean difference by replicate / its sd) of each grid point against the baseline, for",
        "mean difference by replicate from the baseline of",
        ("lower end of the 95% confidence interval (t, paired) of the difference from the "
         "baseline of"),
        ("upper end of the 95% confidence interval (t, paired) of the difference from the "
         "baseline of")};
    const char *welch[] = {
        "Welch's t-test two-sided p-value of each grid point against the baseline, for",
        "Cohen's d (pooled sd) of each grid point against the baseline, for",
        "difference of the mean from the baseline's of",
        "lower end of the 95% confidence interval (Welch) of the difference from the baseline of",
        ("upper end of the 95% confidence interval (Welch) of the difference from the baseline "
         "of")};
    const char *what[] = {
        "mean over the complete replicates of each grid point of",
        "sample standard deviation over the replicates of each grid point of",
        "lower end of the 95% confidence interval (t distribution) of the mean of",
        "upper end of the 95% confidence interval (t distribution) of the mean of",
        "number of complete replicates of each grid point with",
        NULL,
        NULL,
        NULL,
        NULL,
        NULL};
    for (size_t c = 5; c < 10; c++) {
        what[c] = d->paired ? paired[c - 5] : welch[c - 5];
    }
    char obj[1024], desc[1024];
    ts_status st = TS_OK;
    snprintf(obj, sizeof obj, "/sweep/summary/%s", m->name);
    hid_t g = cmp_group(summary, m->name);
    if (g < 0) {
        return ts_h5_fail(err, d->path, "create group", obj);
    }
    for (size_t c = 0; c < sizeof names / sizeof names[0] && st == TS_OK; c++) {
        for (size_t p = 0; p < d->n_points; p++) {
            const cmp_row *r = &rows[p];
            double v[] = {r->s.mean, r->s.sd, r->s.ci95_low, r->s.ci95_high, (double)r->s.n,
                          r->x.p,    r->x.d,  r->x.diff,     r->x.ci95_low,  r->x.ci95_high};
            col[p] = v[c];
        }
        const char *units = c < 4 || c >= 7 ? m->units : c == 4 ? "runs" : "";
        snprintf(desc, sizeof desc, "%s %s", what[c], m->name);
        if (!cmp_dataset(g, names[c], col, d->n_points, units, desc)) {
            snprintf(obj, sizeof obj, "/sweep/summary/%s/%s", m->name, names[c]);
            st = ts_h5_fail(err, d->path, "write", obj);
        }
    }
    ts_h5_close_id(&g);
    return st;
}

/* The new summary is written under this name and takes the place of /sweep/summary only
 * once whole, so a failure half-way leaves the previous summary as it was. */
#define CMP_UNFINISHED "summary_unfinished"

/* Creates /sweep/summary_unfinished (creating /sweep when missing; replacing one left by
 * an earlier failure). */
static hid_t cmp_summary_group(const cmp_data *d, hid_t file, size_t baseline, ts_error *err) {
    hid_t sweep = H5I_INVALID_HID, summary = H5I_INVALID_HID;
    if (H5Lexists(file, "sweep", H5P_DEFAULT) > 0) {
        sweep = H5Gopen2(file, "sweep", H5P_DEFAULT);
    } else {
        sweep = cmp_group(file, "sweep");
    }
    if (sweep < 0) {
        ts_h5_fail(err, d->path, "open", "/sweep");
        return H5I_INVALID_HID;
    }
    if (H5Lexists(sweep, CMP_UNFINISHED, H5P_DEFAULT) > 0 &&
        H5Ldelete(sweep, CMP_UNFINISHED, H5P_DEFAULT) < 0) {
        ts_h5_fail(err, d->path, "remove", "/sweep/" CMP_UNFINISHED);
        ts_h5_close_id(&sweep);
        return H5I_INVALID_HID;
    }
    summary = cmp_group(sweep, CMP_UNFINISHED);
    uint64_t b = baseline;
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = summary >= 0 && space >= 0 ? H5Acreate2(summary, "baseline", H5T_STD_U64LE, space,
                                                         H5P_DEFAULT, H5P_DEFAULT)
                                            : H5I_INVALID_HID;
    int ok = attr >= 0 && H5Awrite(attr, H5T_NATIVE_UINT64, &b) >= 0 &&
             cmp_attr_string(summary, "description",
                             "per summary metric, statistics over the complete replicates of "
                             "each grid point (written by trustsim compare)") &&
             cmp_attr_string(summary, "test",
                             !d->paired ? "welch (grid points have their own seeds)"
                             : d->branch_day >= 0
                                 ? "paired (grid points share each replicate's history up to "
                                   "branch_day and their seeds)"
                                 : "paired (grid points share their seeds by replicate)");
    ts_h5_close_id(&attr);
    ts_h5_close_id(&space);
    ts_h5_close_id(&sweep);
    if (!ok) {
        ts_h5_fail(err, d->path, "create", "/sweep/" CMP_UNFINISHED);
        ts_h5_close_id(&summary);
    }
    return summary;
}

/* Puts the finished summary in place of the previous one. */
static ts_status cmp_summary_swap(const cmp_data *d, hid_t file, ts_error *err) {
    if (H5Lexists(file, "/sweep/summary", H5P_DEFAULT) > 0 &&
        H5Ldelete(file, "/sweep/summary", H5P_DEFAULT) < 0) {
        return ts_h5_fail(err, d->path, "replace", "/sweep/summary");
    }
    if (H5Lmove(file, "/sweep/" CMP_UNFINISHED, file, "/sweep/summary", H5P_DEFAULT, H5P_DEFAULT) <
        0) {
        return ts_h5_fail(err, d->path, "rename", "/sweep/" CMP_UNFINISHED);
    }
    return TS_OK;
}

/* An upper bound of what the summary adds to the file (see ts_h5_reserve). */
static uint64_t cmp_summary_bytes(const cmp_data *d, size_t n_sel) {
    return 64u * 1024u + (uint64_t)n_sel * 8u * (3072u + 8u * (uint64_t)d->n_points);
}

/* ---- CSV ----------------------------------------------------------------------------- */

static void cmp_csv_cell(FILE *f, const char *s) {
    if (strpbrk(s, ",\"\r\n") == NULL && s[0] != ' ' && (s[0] == '\0' || s[strlen(s) - 1] != ' ')) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') {
            fputc('"', f);
        }
        fputc(*s, f);
    }
    fputc('"', f);
}

static void cmp_csv_number(FILE *f, double v) {
    if (isnan(v)) {
        fputs(",NaN", f);
    } else {
        fprintf(f, ",%.17g", v);
    }
}

static void cmp_csv_header(FILE *f, const cmp_data *d) {
    fputs("metric,grid_point", f);
    for (size_t k = 0; k < d->keys.n; k++) {
        fputc(',', f);
        cmp_csv_cell(f, d->keys.names[k]);
    }
    fputs(",mean,sd,ci95_low,ci95_high,n,p_vs_baseline,effect_size,diff,diff_ci95_low,"
          "diff_ci95_high,test\n",
          f);
}

static void cmp_csv_rows(FILE *f, const cmp_data *d, const cmp_metric *m, const cmp_row *rows) {
    for (size_t p = 0; p < d->n_points; p++) {
        const cmp_row *r = &rows[p];
        cmp_csv_cell(f, m->name);
        fprintf(f, ",%zu", p);
        for (size_t k = 0; k < d->keys.n; k++) {
            const char *v = cmp_grid_cell(d, k, p);
            fputc(',', f);
            cmp_csv_cell(f, v ? v : "");
        }
        cmp_csv_number(f, r->s.mean);
        cmp_csv_number(f, r->s.sd);
        cmp_csv_number(f, r->s.ci95_low);
        cmp_csv_number(f, r->s.ci95_high);
        fprintf(f, ",%zu", r->s.n);
        cmp_csv_number(f, r->x.p);
        cmp_csv_number(f, r->x.d);
        cmp_csv_number(f, r->x.diff);
        cmp_csv_number(f, r->x.ci95_low);
        cmp_csv_number(f, r->x.ci95_high);
        fputs(d->paired ? ",paired\n" : ",welch\n", f);
    }
}

/* ---- ts_compare ------------------------------------------------------------------------ */

/* The metrics to compare, in order (the requested ones without repeats, else all). */
static ts_status cmp_select(cmp_data *d, const ts_compare_options *o, const cmp_metric ***sel,
                            size_t *n_sel, ts_error *err) {
    size_t cap = o->n_metrics ? o->n_metrics : d->n_m;
    *n_sel = 0;
    *sel = calloc(cap ? cap : 1, sizeof **sel);
    if (!*sel) {
        return ts_error_set(err, TS_ERR_NOMEM, "%s: out of memory", d->path);
    }
    if (!o->n_metrics) {
        for (size_t i = 0; i < d->n_m; i++) {
            (*sel)[(*n_sel)++] = &d->m[i];
        }
        return TS_OK;
    }
    for (size_t i = 0; i < o->n_metrics; i++) {
        const cmp_metric *m = cmp_find(d, o->metrics[i]);
        if (!m) {
            char list[768] = "";
            size_t len = 0;
            for (size_t j = 0; j < d->n_m; j++) {
                int k =
                    snprintf(list + len, sizeof list - len, "%s%s", j ? ", " : "", d->m[j].name);
                if (k < 0 || (size_t)k >= sizeof list - len) {
                    snprintf(list + (sizeof list - 5), 5, "...");
                    break;
                }
                len += (size_t)k;
            }
            return ts_error_set(err, TS_ERR_PARAM,
                                "%s: --metric: no summary metric '%s' (available: %s)", d->path,
                                o->metrics[i], list[0] ? list : "none");
        }
        int seen = 0;
        for (size_t j = 0; j < *n_sel; j++) {
            seen |= (*sel)[j] == m;
        }
        if (!seen) {
            (*sel)[(*n_sel)++] = m;
        }
    }
    return TS_OK;
}

ts_status ts_compare(const ts_compare_options *o, FILE *out, ts_error *err) {
    ts_h5quiet quiet;
    cmp_data d = {.path = o->path};
    const cmp_metric **sel = NULL;
    size_t n_sel = 0;
    cmp_row *rows = NULL;
    double *scratch = NULL, *col = NULL;
    hid_t file = H5I_INVALID_HID, summary = H5I_INVALID_HID;
    FILE *csv = NULL;
    ts_status st = TS_OK;
    struct stat sb;

    if (stat(o->path, &sb) != 0) {
        return ts_error_set(err, TS_ERR_PARAM, "%s: cannot read the results file: %s", o->path,
                            strerror(errno));
    }
    ts_h5_quiet_begin(&quiet);
    if (H5Fis_hdf5(o->path) <= 0) {
        st = ts_error_set(err, TS_ERR_PARAM, "%s is not a trustsim results file (not HDF5)",
                          o->path);
        goto cleanup;
    }
    file = H5Fopen(o->path, H5F_ACC_RDWR, H5P_DEFAULT);
    if (file < 0) {
        st = ts_h5_fail(err, o->path, "open (read-write)", "the file");
        goto cleanup;
    }
    st = cmp_read(&d, file, err);
    if (st != TS_OK) {
        goto cleanup;
    }
    d.paired = d.paired && !o->unpaired;
    if (d.n_runs == 0) {
        st = ts_error_set(err, TS_ERR_IO,
                          "%s: no complete runs with summary metrics: nothing to compare", o->path);
        goto cleanup;
    }
    if (o->baseline >= d.n_points) {
        st = ts_error_set(
            err, TS_ERR_PARAM,
            "%s: --baseline %zu: no such grid point (the file has %zu grid points, 0 to %zu)",
            o->path, o->baseline, d.n_points, d.n_points - 1);
        goto cleanup;
    }
    st = cmp_select(&d, o, &sel, &n_sel, err);
    if (st != TS_OK) {
        goto cleanup;
    }
    size_t most = 1;
    for (size_t i = 0; i < d.n_m; i++) {
        most = d.m[i].n > most ? d.m[i].n : most;
    }
    rows = calloc(d.n_points * (n_sel ? n_sel : 1), sizeof *rows);
    scratch = calloc(most, sizeof *scratch);
    col = calloc(d.n_points, sizeof *col);
    if (!rows || !scratch || !col) {
        st = ts_error_set(err, TS_ERR_NOMEM, "%s: out of memory", o->path);
        goto cleanup;
    }
    for (size_t i = 0; i < n_sel; i++) {
        cmp_compute(&d, sel[i], o->baseline, scratch, rows + i * d.n_points);
    }

    fprintf(out, "%s: %zu complete runs, %zu grid points, baseline grid point %zu\n", o->path,
            d.n_runs, d.n_points, o->baseline);
    fprintf(out, "mean ± half-width of the 95%% confidence interval (t distribution) over the "
                 "replicates;\n");
    if (d.paired && d.branch_day >= 0) {
        fprintf(out,
                "the grid points share each replicate's history up to day %" PRId64
                " (branch_day) and their seeds after it: paired comparison;\n",
                d.branch_day);
    } else if (d.paired) {
        fprintf(out, "the grid points share their seeds by replicate (common random numbers): "
                     "paired comparison;\n");
    }
    if (d.paired) {
        fprintf(out, "difference: mean of the differences by replicate "
                     "from the baseline, with its 95%% t interval;\np: paired two-sided t-test; "
                     "d: d_z (mean difference / sd of the differences);\n");
    } else {
        fprintf(out, "the grid points have their own seeds: unpaired comparison;\ndifference: "
                     "mean minus the baseline's, with its Welch 95%% interval;\np: Welch's "
                     "two-sided t-test; d: Cohen's d (pooled sd);\n");
    }
    fprintf(out, "'-': fewer than 2 replicates or no variance\n");
    for (size_t i = 0; i < n_sel && st == TS_OK; i++) {
        st = cmp_print(&d, sel[i], rows + i * d.n_points, o->baseline, out);
    }
    if (st != TS_OK) {
        st = ts_error_set(err, TS_ERR_NOMEM, "%s: out of memory", o->path);
        goto cleanup;
    }

    /* Room first: a full disk stops here, with the file as it was. */
    st = ts_h5_reserve(file, cmp_summary_bytes(&d, n_sel), o->path, "the summary", err);
    if (st != TS_OK) {
        goto cleanup;
    }
    summary = cmp_summary_group(&d, file, o->baseline, err);
    if (summary < 0) {
        st = err ? err->status : TS_ERR_HDF5;
        goto cleanup;
    }
    for (size_t i = 0; i < n_sel && st == TS_OK; i++) {
        st = cmp_write_metric(&d, summary, sel[i], rows + i * d.n_points, col, err);
    }
    ts_h5_close_id(&summary);
    if (st == TS_OK) {
        st = cmp_summary_swap(&d, file, err);
    } else if (H5Ldelete(file, "/sweep/" CMP_UNFINISHED, H5P_DEFAULT) < 0) {
        H5Eclear2(H5E_DEFAULT);
    }
    if (st == TS_OK && H5Fflush(file, H5F_SCOPE_GLOBAL) < 0) {
        st = ts_h5_fail(err, o->path, "flush", "the file");
    }
    if (st != TS_OK) {
        goto cleanup;
    }
    fprintf(out, "\nwritten to %s:/sweep/summary\n", o->path);

    if (o->csv) {
        csv = fopen(o->csv, "w");
        if (!csv) {
            st = ts_error_set(err, TS_ERR_IO, "%s: cannot write the CSV file: %s", o->csv,
                              strerror(errno));
            goto cleanup;
        }
        cmp_csv_header(csv, &d);
        for (size_t i = 0; i < n_sel; i++) {
            cmp_csv_rows(csv, &d, sel[i], rows + i * d.n_points);
        }
        int bad = ferror(csv);
        bad |= fclose(csv) != 0;
        csv = NULL;
        if (bad) {
            st = ts_error_set(err, TS_ERR_IO, "%s: cannot write the CSV file: %s", o->csv,
                              strerror(errno));
            goto cleanup;
        }
        fprintf(out, "written to %s\n", o->csv);
    }
cleanup:
    if (csv) {
        fclose(csv);
    }
    ts_h5_close_id(&summary);
    if (file >= 0 && H5Fclose(file) < 0) {
        if (st == TS_OK) {
            st = ts_h5_fail(err, o->path, "close", "the file");
        }
        ts_h5_mark_unclosed();
    } else if (file >= 0) {
        ts_h5_release(o->path);
    }
    file = H5I_INVALID_HID;
    H5Eclear2(H5E_DEFAULT);
    ts_h5_quiet_end(&quiet);
    free(col);
    free(scratch);
    free(rows);
    free(sel);
    cmp_data_free(&d);
    return st;
}
