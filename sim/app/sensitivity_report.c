/* `trustsim sensitivity`'s report (sensitivity_report.h): the design points' outputs from
 * the results file, the estimators of sim/maths/sensitivity.c, the table, /sensitivity and CSV. */
#include "sensitivity_report.h"

#include "h5file_internal.h"
#include "h5out_internal.h"
#include "h5util_internal.h"
#include "sensitivity.h"

#include <hdf5.h>

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- The outputs of the design points --------------------------------------------------- */

/* One metric: its values summed per design point, and what the estimators made of them. */
typedef struct sr_metric {
    const char *name;
    char *units, *description; /* from the file's datasets ("" until a run has it) */
    double *sum;               /* per design point: the sum of the finite values */
    size_t *count;             /* per design point: how many there are */
    double *y;                 /* per design point: the mean, the design point's output */
    int analysed;
    char reason[1100]; /* why not, when not */
    ts_sens_morris_factor *morris;
    ts_sens_sobol_index *sobol;
    double variance; /* Sobol': the variance of the outputs */
    int *above;      /* per factor: its interval lies above the dummy's */
} sr_metric;

typedef struct sr_data {
    const char *path;
    const ts_scenario *sc;
    int sobol;
    size_t n_points, k, samples, levels, n_boot;
    size_t *runs; /* per design point: complete runs */
    size_t n_runs;
    double *unit; /* n_points x k: where each factor stands in its range, the dummy last */
    sr_metric *m;
    size_t n_m;
} sr_data;

static void sr_free(sr_data *d) {
    for (size_t i = 0; d->m && i < d->n_m; i++) {
        sr_metric *m = &d->m[i];
        free(m->units);
        free(m->description);
        free(m->sum);
        free(m->count);
        free(m->y);
        free(m->morris);
        free(m->sobol);
        free(m->above);
    }
    free(d->m);
    free(d->runs);
    free(d->unit);
}

static ts_status sr_nomem(const sr_data *d, ts_error *err) {
    return ts_error_set(err, TS_ERR_NOMEM, "%s: out of memory", d->path);
}

static ts_status sr_alloc(sr_data *d, const ts_sensitivity_options *o, ts_error *err) {
    const ts_scenario *sc = o->sc;
    d->path = o->path;
    d->sc = sc;
    d->sobol = strcmp(ts_scenario_string(sc, "sensitivity.method"), "sobol") == 0;
    d->n_points = ts_scenario_n_points(sc);
    d->k = ts_scenario_n_factors(sc) + 1;
    d->samples = (size_t)ts_scenario_int(sc, "sensitivity.samples");
    d->levels = (size_t)ts_scenario_int(sc, "sensitivity.levels");
    d->n_boot = o->bootstrap >= 0 ? (size_t)o->bootstrap
                                  : (size_t)ts_scenario_int(sc, "sensitivity.bootstrap");
    d->n_m = o->n_metrics;
    d->runs = calloc(d->n_points, sizeof *d->runs);
    d->unit = calloc(d->n_points * d->k, sizeof *d->unit);
    d->m = calloc(d->n_m ? d->n_m : 1, sizeof *d->m);
    if (!d->runs || !d->unit || !d->m) {
        return sr_nomem(d, err);
    }
    for (size_t g = 0; g < d->n_points; g++) {
        for (size_t i = 0; i < d->k; i++) {
            d->unit[g * d->k + i] = ts_scenario_factor_unit(sc, i, g);
        }
    }
    for (size_t i = 0; i < d->n_m; i++) {
        sr_metric *m = &d->m[i];
        m->name = o->metrics[i];
        m->sum = calloc(d->n_points, sizeof *m->sum);
        m->count = calloc(d->n_points, sizeof *m->count);
        m->y = calloc(d->n_points, sizeof *m->y);
        m->above = calloc(d->k, sizeof *m->above);
        m->morris = d->sobol ? NULL : calloc(d->k, sizeof *m->morris);
        m->sobol = d->sobol ? calloc(d->k, sizeof *m->sobol) : NULL;
        if (!m->sum || !m->count || !m->y || !m->above || !(m->morris || m->sobol)) {
            return sr_nomem(d, err);
        }
    }
    return TS_OK;
}

/* A scalar summary value of a run, NaN when it has none. */
static double sr_read_value(hid_t summary, const char *name, char **units, char **description) {
    double v = NAN;
    if (H5Lexists(summary, name, H5P_DEFAULT) <= 0) {
        return NAN;
    }
    hid_t dset = H5Dopen2(summary, name, H5P_DEFAULT);
    hid_t space = dset >= 0 ? H5Dget_space(dset) : H5I_INVALID_HID;
    if (space < 0 || H5Sget_simple_extent_npoints(space) != 1 ||
        H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &v) < 0) {
        v = NAN;
    }
    if (dset >= 0 && *units == NULL) {
        *units = ts_h5_read_string_attr(dset, "units");
        *description = ts_h5_read_string_attr(dset, "description");
    }
    ts_h5_close_id(&space);
    ts_h5_close_id(&dset);
    return v;
}

static ts_status sr_read_run(sr_data *d, hid_t runs, const char *run, ts_error *err) {
    uint64_t point = 0;
    hid_t g = H5Gopen2(runs, run, H5P_DEFAULT);
    hid_t summary = H5I_INVALID_HID;
    ts_status st = TS_OK;
    if (g < 0 || !ts_h5_read_attr(g, "grid_point", H5T_NATIVE_UINT64, &point)) {
        goto cleanup;
    }
    if (point >= d->n_points) {
        st = ts_error_set(err, TS_ERR_PARAM,
                          "%s: /runs/%s is at grid point %" PRIu64 ", but the design has %zu "
                          "points (the file was written for another scenario)",
                          d->path, run, point, d->n_points);
        goto cleanup;
    }
    d->runs[point]++;
    d->n_runs++;
    if (H5Lexists(g, "summary", H5P_DEFAULT) > 0) {
        summary = H5Gopen2(g, "summary", H5P_DEFAULT);
    }
    for (size_t i = 0; i < d->n_m; i++) {
        sr_metric *m = &d->m[i];
        double v = summary >= 0 ? sr_read_value(summary, m->name, &m->units, &m->description) : NAN;
        if (isfinite(v)) {
            m->sum[point] += v;
            m->count[point]++;
        }
    }
cleanup:
    H5Eclear2(H5E_DEFAULT);
    ts_h5_close_id(&summary);
    ts_h5_close_id(&g);
    return st;
}

/* Reads every complete run; runs are summed in the order of their names, which is the
 * order of their indices, so the outputs do not depend on the order they were written. */
static ts_status sr_read(sr_data *d, hid_t file, ts_error *err) {
    ts_h5names names = {NULL, 0};
    hid_t runs = H5I_INVALID_HID;
    ts_status st = TS_OK;
    if (H5Lexists(file, "runs", H5P_DEFAULT) <= 0 ||
        (runs = H5Gopen2(file, "runs", H5P_DEFAULT)) < 0) {
        H5Eclear2(H5E_DEFAULT);
        return ts_error_set(err, TS_ERR_PARAM, "%s is not a trustsim results file (no /runs)",
                            d->path);
    }
    int rc = ts_h5_list(runs, H5_INDEX_NAME, &names);
    if (rc != 0) {
        st = rc == -2 ? sr_nomem(d, err) : ts_h5_fail(err, d->path, "list", "/runs");
    }
    for (size_t i = 0; i < names.n && st == TS_OK; i++) {
        uint64_t index;
        if (ts_h5_run_index(names.names[i], &index) && ts_h5_is_complete(runs, names.names[i])) {
            st = sr_read_run(d, runs, names.names[i], err);
        }
    }
    for (size_t g = 0; g < d->n_points && st == TS_OK; g++) {
        if (d->runs[g] == 0) {
            st = ts_error_set(err, TS_ERR_IO,
                              "%s: design point %zu has no complete run (finish the runs with "
                              "--resume)",
                              d->path, g);
        }
    }
    ts_h5names_free(&names);
    ts_h5_close_id(&runs);
    return st;
}

/* ---- The estimates ---------------------------------------------------------------------- */

static void sr_estimate(sr_data *d, sr_metric *m) {
    ts_error e;
    uint64_t seed = (uint64_t)ts_scenario_int(d->sc, "seed");
    for (size_t g = 0; g < d->n_points; g++) {
        if (m->count[g] < d->runs[g]) {
            snprintf(m->reason, sizeof m->reason,
                     "not analysed: no value at design point %zu (%zu of its %zu runs have one)", g,
                     m->count[g], d->runs[g]);
            return;
        }
        m->y[g] = m->sum[g] / (double)m->count[g];
    }
    ts_status st;
    size_t dummy = d->k - 1;
    if (d->sobol) {
        st = ts_sens_sobol_indices(d->k, d->samples, m->y, d->n_boot, seed, m->sobol, &m->variance,
                                   &e);
        for (size_t i = 0; st == TS_OK && i < d->k; i++) {
            m->above[i] = ts_sens_distinguishable(m->sobol[i].st_low, m->sobol[i].st_high,
                                                  m->sobol[dummy].st_low, m->sobol[dummy].st_high);
        }
    } else {
        st =
            ts_sens_morris_effects(d->k, d->samples, d->unit, m->y, d->n_boot, seed, m->morris, &e);
        for (size_t i = 0; st == TS_OK && i < d->k; i++) {
            m->above[i] = ts_sens_distinguishable(
                m->morris[i].mu_star_low, m->morris[i].mu_star_high, m->morris[dummy].mu_star_low,
                m->morris[dummy].mu_star_high);
        }
    }
    if (st != TS_OK) {
        snprintf(m->reason, sizeof m->reason, "not analysed: %s", e.msg);
        return;
    }
    m->analysed = 1;
}

/* ---- The table -------------------------------------------------------------------------- */

static const char *sr_factor(const sr_data *d, size_t i) {
    return i + 1 == d->k ? "(dummy)" : ts_scenario_factor_key(d->sc, i);
}

/* The size the table sorts by: mu* or S_T. */
static double sr_size(const sr_data *d, const sr_metric *m, size_t i) {
    return d->sobol ? m->sobol[i].st : m->morris[i].mu_star;
}

static void sr_print_metric(const sr_data *d, const sr_metric *m, FILE *out) {
    fprintf(out, "\n%s (%s)\n", m->name, m->units ? m->units : "");
    if (!m->analysed) {
        fprintf(out, "  %s\n", m->reason);
        return;
    }
    size_t order[32];
    for (size_t i = 0; i < d->k; i++) {
        order[i] = i;
    }
    /* Largest first; insertion sort keeps ties in the order written. */
    for (size_t i = 1; i < d->k; i++) {
        for (size_t j = i; j > 0 && sr_size(d, m, order[j]) > sr_size(d, m, order[j - 1]); j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    }
    if (d->sobol) {
        fprintf(out, "  %-34s %9s %21s %9s %21s  %s\n", "factor", "S_T", "95% interval", "S_1",
                "95% interval", "above noise");
    } else {
        fprintf(out, "  %-34s %10s %23s %10s %10s  %s\n", "factor", "mu*", "95% interval", "mu",
                "sigma", "above noise");
    }
    for (size_t j = 0; j < d->k; j++) {
        size_t i = order[j];
        const char *verdict = i + 1 == d->k ? "-" : m->above[i] ? "yes" : "no";
        if (d->sobol) {
            const ts_sens_sobol_index *s = &m->sobol[i];
            fprintf(out, "  %-34s %9.4f [%8.4f, %8.4f] %9.4f [%8.4f, %8.4f]  %s\n", sr_factor(d, i),
                    s->st, s->st_low, s->st_high, s->s, s->s_low, s->s_high, verdict);
        } else {
            const ts_sens_morris_factor *f = &m->morris[i];
            fprintf(out, "  %-34s %10.4g [%10.4g, %10.4g] %10.4g %10.4g  %s\n", sr_factor(d, i),
                    f->mu_star, f->mu_star_low, f->mu_star_high, f->mu, f->sigma, verdict);
        }
    }
}

static void sr_print(const sr_data *d, FILE *out) {
    size_t reps = (size_t)ts_scenario_int(d->sc, "replicates");
    if (d->sobol) {
        fprintf(out,
                "%s: Sobol' indices (Saltelli sampling), %zu base rows x (%zu factor%s + dummy + "
                "2) = %zu design points, %zu run%s each\n",
                d->path, d->samples, d->k - 1, d->k == 2 ? "" : "s", d->n_points, reps,
                reps == 1 ? "" : "s");
        fprintf(out, "S_T: total index (Jansen), S_1: first order (Saltelli 2010), shares of "
                     "the output's variance;\n");
    } else {
        fprintf(out,
                "%s: Morris elementary effects, %zu trajectories x (%zu factor%s + dummy + 1) = "
                "%zu design points, %zu levels, %zu run%s each\n",
                d->path, d->samples, d->k - 1, d->k == 2 ? "" : "s", d->n_points, d->levels, reps,
                reps == 1 ? "" : "s");
        fprintf(out, "mu*: mean |effect|, mu: mean effect, sigma: its sd, in the metric's units "
                     "per whole range of the factor;\n");
    }
    fprintf(out,
            "95%% intervals: bootstrap, %zu resamples; above noise: the factor's interval "
            "lies above the dummy's\n",
            d->n_boot);
    for (size_t i = 0; i < d->n_m; i++) {
        sr_print_metric(d, &d->m[i], out);
    }
}

/* ---- /sensitivity ----------------------------------------------------------------------- */

#define SR_UNFINISHED "sensitivity_unfinished"

static ts_status sr_vector(const ts_h5w *w, hid_t g, const char *where, const char *name,
                           const double *v, size_t n, const char *units, const char *desc) {
    hsize_t dims[1] = {n};
    return ts_h5_dataset(w, g, where, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, dims, v, 0, units,
                         desc);
}

/* The estimates of one metric as columns, one value per factor (the dummy last). */
static ts_status sr_write_estimates(const sr_data *d, const sr_metric *m, const ts_h5w *w, hid_t g,
                                    const char *where) {
    static const char *const morris_names[] = {"mu", "mu_star", "sigma", "mu_star_ci95_low",
                                               "mu_star_ci95_high"};
    static const char *const morris_desc[] = {
        "mean elementary effect of each factor (per whole range of the factor)",
        "mean absolute elementary effect of each factor (per whole range)",
        "standard deviation of the elementary effects of each factor",
        "lower end of the 95% bootstrap interval of mu_star",
        "upper end of the 95% bootstrap interval of mu_star"};
    static const char *const sobol_names[] = {"first_order",           "first_order_ci95_low",
                                              "first_order_ci95_high", "total",
                                              "total_ci95_low",        "total_ci95_high"};
    static const char *const sobol_desc[] = {
        "first-order Sobol' index of each factor (Saltelli 2010 estimator)",
        "lower end of the 95% bootstrap interval of first_order",
        "upper end of the 95% bootstrap interval of first_order",
        "total Sobol' index of each factor (Jansen estimator)",
        "lower end of the 95% bootstrap interval of total",
        "upper end of the 95% bootstrap interval of total"};
    double col[32];
    ts_status st = TS_OK;
    size_t n_cols = d->sobol ? 6 : 5;
    for (size_t c = 0; c < n_cols && st == TS_OK; c++) {
        for (size_t i = 0; i < d->k; i++) {
            if (d->sobol) {
                const ts_sens_sobol_index *s = &m->sobol[i];
                double v[] = {s->s, s->s_low, s->s_high, s->st, s->st_low, s->st_high};
                col[i] = v[c];
            } else {
                const ts_sens_morris_factor *f = &m->morris[i];
                double v[] = {f->mu, f->mu_star, f->sigma, f->mu_star_low, f->mu_star_high};
                col[i] = v[c];
            }
        }
        const char *units = d->sobol ? "fraction of variance" : m->units ? m->units : "";
        st = sr_vector(w, g, where, d->sobol ? sobol_names[c] : morris_names[c], col, d->k, units,
                       d->sobol ? sobol_desc[c] : morris_desc[c]);
    }
    int8_t above[32];
    for (size_t i = 0; i < d->k; i++) {
        above[i] = (int8_t)m->above[i];
    }
    hsize_t dims[1] = {d->k};
    if (st == TS_OK) {
        st = ts_h5_dataset(w, g, where, "above_noise", H5T_STD_I8LE, H5T_NATIVE_INT8, 1, dims,
                           above, 0, "flag",
                           d->sobol ? "1 where the factor's total-index interval lies above the "
                                      "dummy's (distinguishable from noise)"
                                    : "1 where the factor's mu_star interval lies above the "
                                      "dummy's (distinguishable from noise)");
    }
    if (st == TS_OK && d->sobol) {
        st = ts_h5_attr(w, g, where, "variance", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &m->variance);
    }
    return st;
}

static ts_status sr_write_metric(const sr_data *d, const sr_metric *m, const ts_h5w *w, hid_t top) {
    char where[600];
    ts_status st = TS_OK;
    snprintf(where, sizeof where, "/sensitivity/%s", m->name);
    hid_t g = ts_h5_group(w, top, "/sensitivity", m->name, 1, &st);
    if (g < 0) {
        return st;
    }
    int analysed = m->analysed;
    st = ts_h5_attr(w, g, where, "analysed", H5T_STD_I8LE, H5T_NATIVE_INT, &analysed);
    if (st == TS_OK) {
        st = ts_h5_attr_string(w, g, where, "reason", m->reason);
    }
    if (st == TS_OK && analysed) {
        st = sr_vector(w, g, where, "output", m->y, d->n_points, m->units ? m->units : "",
                       "each design point's output: the mean of its runs' values");
    }
    if (st == TS_OK && analysed) {
        st = sr_write_estimates(d, m, w, g, where);
    }
    ts_h5_close_id(&g);
    return st;
}

static ts_status sr_write_design(const sr_data *d, const ts_h5w *w, hid_t g) {
    const char *names[32];
    double low[32], high[32];
    for (size_t i = 0; i < d->k; i++) {
        names[i] = i + 1 == d->k ? "sensitivity.dummy" : ts_scenario_factor_key(d->sc, i);
        if (i + 1 == d->k) {
            low[i] = 0.0;
            high[i] = 1.0;
        } else {
            ts_scenario_factor_range(d->sc, i, &low[i], &high[i]);
        }
    }
    hsize_t dims[2] = {d->n_points, d->k};
    hid_t str = ts_h5_string_type();
    ts_status st =
        ts_h5_dataset(w, g, "/sensitivity", "factors", str, str, 1, &dims[1], names, 0, "key path",
                      "the factors' key paths in the order written, then the dummy");
    ts_h5_close_id(&str);
    if (st == TS_OK) {
        st = sr_vector(w, g, "/sensitivity", "low", low, d->k, "key units",
                       "the low end of each factor's range");
    }
    if (st == TS_OK) {
        st = sr_vector(w, g, "/sensitivity", "high", high, d->k, "key units",
                       "the high end of each factor's range");
    }
    if (st == TS_OK) {
        st = ts_h5_dataset(w, g, "/sensitivity", "design", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2,
                           dims, d->unit, 0, "fraction of range",
                           "where each factor stands in its range at each design point (0: low, "
                           "1: high); the design point's values are in /sweep/grid");
    }
    const char *method = d->sobol ? "sobol" : "morris";
    uint64_t attrs[] = {d->samples, d->levels, d->n_boot, d->n_points,
                        (uint64_t)ts_scenario_int(d->sc, "replicates")};
    const char *attr_names[] = {"samples", "levels", "bootstrap", "n_points", "replicates"};
    if (st == TS_OK) {
        st = ts_h5_attr_string(w, g, "/sensitivity", "method", method);
    }
    for (size_t i = 0; i < 5 && st == TS_OK; i++) {
        st = ts_h5_attr(w, g, "/sensitivity", attr_names[i], H5T_STD_U64LE, H5T_NATIVE_UINT64,
                        &attrs[i]);
    }
    if (st == TS_OK) {
        st = ts_h5_attr_string(w, g, "/sensitivity", "description",
                               "a sensitivity analysis of the runs' summary scalars to the "
                               "factors (written by trustsim sensitivity)");
    }
    return st;
}

/* Writes /sensitivity_unfinished, then puts it in place of /sensitivity. */
static ts_status sr_write(const sr_data *d, hid_t file, ts_error *err) {
    ts_h5w w = {d->path, err, NULL};
    ts_status st = TS_OK;
    if (H5Lexists(file, SR_UNFINISHED, H5P_DEFAULT) > 0 &&
        H5Ldelete(file, SR_UNFINISHED, H5P_DEFAULT) < 0) {
        return ts_h5_fail(err, d->path, "remove", "/" SR_UNFINISHED);
    }
    hid_t g = ts_h5_group(&w, file, "/", SR_UNFINISHED, 1, &st);
    if (g < 0) {
        return st;
    }
    st = sr_write_design(d, &w, g);
    for (size_t i = 0; i < d->n_m && st == TS_OK; i++) {
        st = sr_write_metric(d, &d->m[i], &w, g);
    }
    ts_h5_close_id(&g);
    if (st != TS_OK) {
        if (H5Ldelete(file, SR_UNFINISHED, H5P_DEFAULT) < 0) {
            H5Eclear2(H5E_DEFAULT);
        }
        return st;
    }
    if (H5Lexists(file, "sensitivity", H5P_DEFAULT) > 0 &&
        H5Ldelete(file, "sensitivity", H5P_DEFAULT) < 0) {
        return ts_h5_fail(err, d->path, "replace", "/sensitivity");
    }
    if (H5Lmove(file, SR_UNFINISHED, file, "sensitivity", H5P_DEFAULT, H5P_DEFAULT) < 0) {
        return ts_h5_fail(err, d->path, "rename", "/" SR_UNFINISHED);
    }
    return H5Fflush(file, H5F_SCOPE_GLOBAL) < 0 ? ts_h5_fail(err, d->path, "flush", "the file")
                                                : TS_OK;
}

/* An upper bound of what /sensitivity adds to the file (see ts_h5_reserve). */
static uint64_t sr_bytes(const sr_data *d) {
    return 64u * 1024u + 8u * (uint64_t)d->n_points * d->k +
           (uint64_t)d->n_m * (8192u + 8u * (uint64_t)d->n_points + 16u * 8u * d->k);
}

/* ---- CSV -------------------------------------------------------------------------------- */

static void sr_csv_number(FILE *f, double v) {
    if (isfinite(v)) {
        fprintf(f, ",%.17g", v);
    } else {
        fputs(",", f);
    }
}

static ts_status sr_csv(const sr_data *d, const char *path, ts_error *err) {
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        return ts_error_set(err, TS_ERR_IO, "%s: cannot write the CSV file: %s", path,
                            strerror(errno));
    }
    fputs(d->sobol ? "metric,factor,total,total_ci95_low,total_ci95_high,first_order,"
                     "first_order_ci95_low,first_order_ci95_high,above_noise\n"
                   : "metric,factor,mu_star,mu_star_ci95_low,mu_star_ci95_high,mu,sigma,"
                     "above_noise\n",
          f);
    for (size_t i = 0; i < d->n_m; i++) {
        const sr_metric *m = &d->m[i];
        for (size_t j = 0; m->analysed && j < d->k; j++) {
            fprintf(f, "%s,%s", m->name,
                    j + 1 == d->k ? "sensitivity.dummy" : ts_scenario_factor_key(d->sc, j));
            if (d->sobol) {
                const ts_sens_sobol_index *s = &m->sobol[j];
                double v[] = {s->st, s->st_low, s->st_high, s->s, s->s_low, s->s_high};
                for (size_t c = 0; c < 6; c++) {
                    sr_csv_number(f, v[c]);
                }
            } else {
                const ts_sens_morris_factor *x = &m->morris[j];
                double v[] = {x->mu_star, x->mu_star_low, x->mu_star_high, x->mu, x->sigma};
                for (size_t c = 0; c < 5; c++) {
                    sr_csv_number(f, v[c]);
                }
            }
            fprintf(f, ",%d\n", m->above[j]);
        }
    }
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    return bad ? ts_error_set(err, TS_ERR_IO, "%s: cannot write the CSV file: %s", path,
                              strerror(errno))
               : TS_OK;
}

/* ---- The report ------------------------------------------------------------------------- */

ts_status ts_sensitivity_report(const ts_sensitivity_options *o, FILE *out, ts_error *err) {
    sr_data d;
    memset(&d, 0, sizeof d);
    ts_h5quiet quiet;
    hid_t file = H5I_INVALID_HID;
    struct stat sb;
    if (!ts_scenario_is_design(o->sc)) {
        return ts_error_set(err, TS_ERR_INTERNAL, "ts_sensitivity_report: not a design");
    }
    if (stat(o->path, &sb) != 0) {
        return ts_error_set(err, TS_ERR_PARAM, "%s: cannot read the results file: %s", o->path,
                            strerror(errno));
    }
    ts_status st = sr_alloc(&d, o, err);
    if (st != TS_OK) {
        sr_free(&d);
        return st;
    }
    ts_h5_quiet_begin(&quiet);
    file = H5Fis_hdf5(o->path) > 0 ? H5Fopen(o->path, H5F_ACC_RDWR, H5P_DEFAULT) : H5I_INVALID_HID;
    if (file < 0) {
        st = ts_error_set(err, TS_ERR_PARAM, "%s: cannot open the results file for writing",
                          o->path);
        goto cleanup;
    }
    st = sr_read(&d, file, err);
    if (st != TS_OK) {
        goto cleanup;
    }
    for (size_t i = 0; i < d.n_m; i++) {
        sr_estimate(&d, &d.m[i]);
    }
    sr_print(&d, out);
    /* Room first: a full disk stops here, with the file as it was. */
    st = ts_h5_reserve(file, sr_bytes(&d), o->path, "the sensitivity analysis", err);
    if (st == TS_OK) {
        st = sr_write(&d, file, err);
    }
    if (st == TS_OK) {
        fprintf(out, "\nwritten to %s:/sensitivity\n", o->path);
    }
    if (st == TS_OK && o->csv) {
        st = sr_csv(&d, o->csv, err);
        if (st == TS_OK) {
            fprintf(out, "written to %s\n", o->csv);
        }
    }
cleanup:
    if (file >= 0 && H5Fclose(file) < 0) {
        if (st == TS_OK) {
            st = ts_h5_fail(err, o->path, "close", "the file");
        }
        ts_h5_mark_unclosed();
    } else if (file >= 0) {
        ts_h5_release(o->path);
    }
    H5Eclear2(H5E_DEFAULT);
    ts_h5_quiet_end(&quiet);
    sr_free(&d);
    return st;
}
