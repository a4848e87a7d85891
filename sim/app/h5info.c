/* `trustsim info` (ts_h5_info, declared in h5out.h): a results file's root attributes,
 * sweep grid, runs and the datasets of its first complete run as aligned text tables;
 * for a validation file, the runs' patterns and arms and the scorecard (sim/app/validate_h5.c).
 * It only reads, without file locking, so a running sweep can be looked at. */
#include "h5out.h"
#include "h5util_internal.h"
#include "validate_internal.h"

#include <hdf5.h>

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- Reading the file ----------------------------------------------------------------- */

static void ts_h5_type_name(hid_t type, char *buf, size_t size) {
    size_t bits = H5Tget_size(type) * 8;
    switch (H5Tget_class(type)) {
    case H5T_INTEGER:
        snprintf(buf, size, "%sint%zu", H5Tget_sign(type) == H5T_SGN_NONE ? "u" : "", bits);
        break;
    case H5T_FLOAT:
        snprintf(buf, size, "float%zu", bits);
        break;
    case H5T_STRING:
        snprintf(buf, size, "string");
        break;
    default:
        snprintf(buf, size, "other");
        break;
    }
}

/* An attribute as text: integers exactly, floats with up to 15 significant digits,
 * strings as they are; "-" when absent. */
static void ts_h5_attr_text(hid_t loc, const char *name, char *buf, size_t size) {
    snprintf(buf, size, "-");
    if (H5Aexists(loc, name) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        return;
    }
    hid_t attr = H5Aopen(loc, name, H5P_DEFAULT);
    hid_t type = attr >= 0 ? H5Aget_type(attr) : H5I_INVALID_HID;
    H5T_class_t cls = type >= 0 ? H5Tget_class(type) : H5T_NO_CLASS;
    int is_unsigned = type >= 0 && H5Tget_sign(type) == H5T_SGN_NONE;
    ts_h5_close_id(&type);
    ts_h5_close_id(&attr);
    uint64_t u;
    int64_t i;
    double v;
    if (cls == H5T_STRING) {
        char *s = ts_h5_read_string_attr(loc, name);
        if (s) {
            snprintf(buf, size, "%s", s);
        }
        free(s);
    } else if (cls == H5T_INTEGER && is_unsigned &&
               ts_h5_read_attr(loc, name, H5T_NATIVE_UINT64, &u)) {
        snprintf(buf, size, "%" PRIu64, u);
    } else if (cls == H5T_INTEGER && ts_h5_read_attr(loc, name, H5T_NATIVE_INT64, &i)) {
        snprintf(buf, size, "%" PRId64, i);
    } else if (cls == H5T_FLOAT && ts_h5_read_attr(loc, name, H5T_NATIVE_DOUBLE, &v)) {
        snprintf(buf, size, "%.15g", v);
    }
    H5Eclear2(H5E_DEFAULT);
}

/* The lines of a text attribute, for "N lines (print it: h5dump ...)". */
static void ts_h5_info_text(ts_txt *t, hid_t file, const char *path, const char *name) {
    char *text = ts_h5_read_string_attr(file, name);
    size_t lines = 0;
    for (const char *s = text; s && *s; s++) {
        lines += *s == '\n' || s[1] == '\0';
    }
    ts_txt_add(t, "%s", name);
    ts_txt_add(t, "%zu lines (print it: h5dump -a /%s %s)", lines, name, path);
    free(text);
}

/* The root attributes; a validation file's patterns file, --quick and --sets instead of
 * its (empty) scenario. */
static ts_status ts_h5_info_root(hid_t file, const char *path, int validation, FILE *out) {
    const char *names[] = {"trustsim_version", "scenario_name", "created_utc", "command_line",
                           "patterns_file"};
    ts_txt t = {.n_cols = 2};
    ts_txt_add(&t, "file");
    ts_txt_add(&t, "%s", path);
    for (size_t i = 0; i < sizeof names / sizeof names[0] - (validation ? 0 : 1); i++) {
        char *v = ts_h5_read_string_attr(file, names[i]);
        ts_txt_add(&t, "%s", names[i]);
        ts_txt_add(&t, "%s", v ? v : "-");
        free(v);
    }
    if (validation) {
        char quick[32], *sets = ts_h5_read_string_attr(file, "sets");
        ts_h5_attr_text(file, "quick", quick, sizeof quick);
        ts_txt_add(&t, "quick");
        ts_txt_add(&t, "%s", quick);
        /* One --set a line in the file; one line here. */
        for (char *c = sets; c && *c; c++) {
            *c = *c == '\n' && c[1] ? ' ' : *c == '\n' ? '\0' : *c;
        }
        ts_txt_add(&t, "sets");
        ts_txt_add(&t, "%s", sets && sets[0] ? sets : "-");
        free(sets);
    }
    ts_h5_info_text(&t, file, path, validation ? "patterns_yaml" : "scenario_yaml");
    ts_status st = t.failed ? TS_ERR_NOMEM : TS_OK;
    if (st == TS_OK) {
        ts_txt_print(&t, out, "");
    }
    ts_txt_free(&t);
    return st;
}

static ts_status ts_h5_info_grid(hid_t file, const ts_h5names *keys, FILE *out) {
    ts_status st = TS_OK;
    uint64_t n_points = 0;
    hid_t grid = H5Gopen2(file, "sweep/grid", H5P_DEFAULT);
    if (grid < 0) {
        H5Eclear2(H5E_DEFAULT);
        fprintf(out, "\nsweep grid: none\n");
        return TS_OK;
    }
    ts_h5_read_attr(grid, "n_points", H5T_NATIVE_UINT64, &n_points);
    if (keys->n == 0) {
        fprintf(out, "\nsweep grid: no swept keys (%" PRIu64 " grid point)\n", n_points);
        H5Gclose(grid);
        return TS_OK;
    }
    fprintf(out, "\nsweep grid: %zu keys, %" PRIu64 " points\n", keys->n, n_points);
    size_t n_cols = keys->n + 1;
    ts_txt t = {.n_cols = n_cols};
    char ***values = calloc(n_cols, sizeof *values);
    size_t *counts = calloc(n_cols, sizeof *counts);
    size_t rows = 0;
    if (!values || !counts) {
        st = TS_ERR_NOMEM;
        goto cleanup;
    }
    ts_txt_add(&t, "point");
    for (size_t k = 0; k + 1 < n_cols; k++) {
        ts_txt_add(&t, "%s", keys->names[k]);
        values[k] = ts_h5_grid_values(grid, keys->names[k], &counts[k]);
        rows = counts[k] > rows ? counts[k] : rows;
    }
    for (size_t g = 0; g < rows; g++) {
        ts_txt_add(&t, "%zu", g);
        for (size_t k = 0; k + 1 < n_cols; k++) {
            const char *v = g < counts[k] && values[k][g] ? values[k][g] : "-";
            ts_txt_add(&t, "%s", v);
        }
    }
    st = t.failed ? TS_ERR_NOMEM : TS_OK;
    if (st == TS_OK) {
        ts_txt_print(&t, out, "  ");
    }
cleanup:
    for (size_t k = 0; values && counts && k < n_cols; k++) {
        ts_h5_free_cells(values[k], counts[k]);
    }
    free(values);
    free(counts);
    ts_txt_free(&t);
    H5Gclose(grid);
    return st;
}

/* One line per run group; *first gets the name of the first complete run. */
static ts_status ts_h5_info_runs(hid_t runs, const ts_h5names *names, const ts_h5names *keys,
                                 FILE *out, const char **first) {
    size_t n_cols = 7 + keys->n;
    ts_txt t = {.n_cols = n_cols};
    size_t complete = 0, listed = 0;
    const char *heads[] = {"run", "point", "replicate", "seed", "wall_s", "threads", "status"};
    for (size_t c = 0; c < 7; c++) {
        ts_txt_add(&t, "%s", heads[c]);
    }
    for (size_t k = 0; k + 7 < n_cols; k++) {
        ts_txt_add(&t, "%s", keys->names[k]);
    }
    *first = NULL;
    for (size_t i = 0; i < names->n; i++) {
        uint64_t index;
        double wall;
        char buf[256];
        if (!ts_h5_run_index(names->names[i], &index)) {
            continue;
        }
        hid_t g = H5Gopen2(runs, names->names[i], H5P_DEFAULT);
        if (g < 0) {
            H5Eclear2(H5E_DEFAULT);
            continue;
        }
        int is_complete = ts_h5_is_complete(runs, names->names[i]);
        listed++;
        if (is_complete) {
            complete++;
            if (!*first) {
                *first = names->names[i];
            }
        }
        ts_txt_add(&t, "%" PRIu64, index);
        const char *attrs[] = {"grid_point", "replicate", "seed"};
        for (size_t a = 0; a < 3; a++) {
            ts_h5_attr_text(g, attrs[a], buf, sizeof buf);
            ts_txt_add(&t, "%s", buf);
        }
        if (ts_h5_read_attr(g, "wall_seconds", H5T_NATIVE_DOUBLE, &wall)) {
            ts_txt_add(&t, "%.3f", wall);
        } else {
            ts_txt_add(&t, "-");
        }
        ts_h5_attr_text(g, "threads", buf, sizeof buf);
        ts_txt_add(&t, "%s", buf);
        ts_txt_add(&t, "%s", is_complete ? "complete" : "incomplete");
        for (size_t k = 0; k + 7 < n_cols; k++) {
            ts_h5_attr_text(g, keys->names[k], buf, sizeof buf);
            ts_txt_add(&t, "%s", buf);
        }
        H5Gclose(g);
    }
    fprintf(out, "\nruns: %zu complete", complete);
    if (listed > complete) {
        fprintf(out, ", %zu incomplete", listed - complete);
    }
    fputc('\n', out);
    ts_status st = t.failed ? TS_ERR_NOMEM : TS_OK;
    if (st == TS_OK && listed > 0) {
        ts_txt_print(&t, out, "  ");
    }
    ts_txt_free(&t);
    return st;
}

/* Saved states (checkpoints/dNNNNNN/...) are summarised, not listed: each holds every
 * module's state, hundreds of datasets. */
#define TS_H5INFO_MAX_CKPT_DAYS 64
typedef struct ts_h5visit {
    ts_txt *t;
    size_t ckpt_datasets;
    size_t n_days;
    long days[TS_H5INFO_MAX_CKPT_DAYS];
} ts_h5visit;

/* Counts a dataset under checkpoints/ and notes its day; 1 if it was one. */
static int ts_h5_visit_checkpoint(ts_h5visit *v, const char *name) {
    static const char prefix[] = "checkpoints/";
    if (strncmp(name, prefix, sizeof prefix - 1) != 0) {
        return 0;
    }
    long day;
    if (sscanf(name + sizeof prefix - 1, "d%ld", &day) == 1) {
        int seen = 0;
        for (size_t i = 0; i < v->n_days; i++) {
            seen |= v->days[i] == day;
        }
        if (!seen && v->n_days < TS_H5INFO_MAX_CKPT_DAYS) {
            v->days[v->n_days++] = day;
        }
    }
    return 1;
}

static herr_t ts_h5_visit_dataset(hid_t group, const char *name, const H5L_info_t *info,
                                  void *data) {
    ts_h5visit *v = data;
    (void)info;
    hid_t obj = H5Oopen(group, name, H5P_DEFAULT);
    if (obj < 0) {
        H5Eclear2(H5E_DEFAULT);
        return 0;
    }
    if (H5Iget_type(obj) == H5I_DATASET && ts_h5_visit_checkpoint(v, name)) {
        v->ckpt_datasets++;
    } else if (H5Iget_type(obj) == H5I_DATASET) {
        hid_t type = H5Dget_type(obj), space = H5Dget_space(obj);
        char tname[32] = "?", shape[128] = "scalar";
        hsize_t dims[H5S_MAX_RANK];
        int rank = space >= 0 ? H5Sget_simple_extent_dims(space, dims, NULL) : -1;
        if (rank > 0) {
            size_t len = 0;
            for (int i = 0; i < rank && len < sizeof shape; i++) {
                len += (size_t)snprintf(shape + len, sizeof shape - len, "[%llu]",
                                        (unsigned long long)dims[i]);
            }
        }
        if (type >= 0) {
            ts_h5_type_name(type, tname, sizeof tname);
        }
        char *units = ts_h5_read_string_attr(obj, "units");
        ts_txt_add(v->t, "%s", name);
        ts_txt_add(v->t, "%s", shape);
        ts_txt_add(v->t, "%s", tname);
        ts_txt_add(v->t, "%s", units && units[0] ? units : "-");
        free(units);
        ts_h5_close_id(&space);
        ts_h5_close_id(&type);
    }
    H5Oclose(obj);
    H5Eclear2(H5E_DEFAULT);
    return 0;
}

static ts_status ts_h5_info_datasets(hid_t runs, const char *run, FILE *out) {
    if (!run) {
        return TS_OK;
    }
    hid_t g = H5Gopen2(runs, run, H5P_DEFAULT);
    if (g < 0) {
        H5Eclear2(H5E_DEFAULT);
        return TS_OK;
    }
    ts_txt t = {.n_cols = 4};
    ts_h5visit v = {.t = &t};
    ts_txt_add(&t, "path");
    ts_txt_add(&t, "shape");
    ts_txt_add(&t, "type");
    ts_txt_add(&t, "units");
    H5Lvisit(g, H5_INDEX_NAME, H5_ITER_INC, ts_h5_visit_dataset, &v);
    H5Eclear2(H5E_DEFAULT);
    ts_status st = t.failed ? TS_ERR_NOMEM : TS_OK;
    if (st == TS_OK) {
        fprintf(out, "\ndatasets of /runs/%s\n", run);
        ts_txt_print(&t, out, "  ");
        if (v.n_days > 0) {
            fprintf(out, "  checkpoints (saved states; trustsim run --from): day");
            for (size_t i = 0; i < v.n_days; i++) {
                fprintf(out, "%s %ld", i ? "," : "", v.days[i]);
            }
            fprintf(out, " (%zu datasets)\n", v.ckpt_datasets);
        }
    }
    ts_txt_free(&t);
    H5Gclose(g);
    return st;
}

/* What an analysis group holds, in one block: its attributes, then its members (for
 * /sensitivity the metrics analysed, for /calibration the datasets and groups). */
static void ts_h5_info_group(hid_t file, const char *name, const char *const *attrs, size_t n_attrs,
                             const char *how, FILE *out) {
    if (H5Lexists(file, name, H5P_DEFAULT) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        return;
    }
    hid_t g = H5Gopen2(file, name, H5P_DEFAULT);
    if (g < 0) {
        H5Eclear2(H5E_DEFAULT);
        return;
    }
    fprintf(out, "\n/%s (%s):\n", name, how);
    for (size_t i = 0; i < n_attrs; i++) {
        char buf[256];
        ts_h5_attr_text(g, attrs[i], buf, sizeof buf);
        fprintf(out, "  %-14s %s\n", attrs[i], buf);
    }
    ts_h5names members = {NULL, 0};
    if (ts_h5_list(g, H5_INDEX_NAME, &members) == 0) {
        fprintf(out, "  %-14s", "members");
        for (size_t i = 0; i < members.n; i++) {
            fprintf(out, "%s%s", i ? ", " : " ", members.names[i]);
        }
        fputc('\n', out);
    }
    ts_h5names_free(&members);
    ts_h5_close_id(&g);
    H5Eclear2(H5E_DEFAULT);
}

ts_status ts_h5_info(const char *path, FILE *out, ts_error *err) {
    ts_h5quiet quiet;
    hid_t file = H5I_INVALID_HID, runs = H5I_INVALID_HID, grid = H5I_INVALID_HID;
    hid_t fapl = H5I_INVALID_HID;
    ts_h5names keys = {NULL, 0}, names = {NULL, 0};
    ts_status st = TS_OK;
    struct stat sb;
    if (stat(path, &sb) != 0) {
        return ts_error_set(err, TS_ERR_PARAM, "%s: cannot read the results file: %s", path,
                            strerror(errno));
    }
    ts_h5_quiet_begin(&quiet);
    if (H5Fis_hdf5(path) <= 0) {
        st = ts_error_set(err, TS_ERR_PARAM, "%s is not a trustsim results file (not HDF5)", path);
        goto cleanup;
    }
    /* Without file locking, so that a sweep can be looked at while it runs: every run
     * in the file is complete and flushed. */
    fapl = H5Pcreate(H5P_FILE_ACCESS);
#if H5_VERSION_GE(1, 10, 7)
    if (fapl >= 0) {
        H5Pset_file_locking(fapl, 0, 1);
    }
#endif
    file = H5Fopen(path, H5F_ACC_RDONLY, fapl >= 0 ? fapl : H5P_DEFAULT);
    if (file < 0) {
        st = ts_h5_fail(err, path, "open", "the file");
        goto cleanup;
    }
    runs = H5Gopen2(file, "runs", H5P_DEFAULT);
    if (runs < 0) {
        H5Eclear2(H5E_DEFAULT);
        st = ts_error_set(err, TS_ERR_PARAM, "%s is not a trustsim results file (no /runs)", path);
        goto cleanup;
    }
    grid = H5Gopen2(file, "sweep/grid", H5P_DEFAULT);
    int rc = grid >= 0 ? ts_h5_grid_keys(grid, &keys) : 0;
    if (rc == 0) {
        rc = ts_h5_list(runs, H5_INDEX_NAME, &names);
    }
    if (rc == -1) {
        st = ts_h5_fail(err, path, "list", "the groups of /sweep/grid or /runs");
        goto cleanup;
    }
    H5Eclear2(H5E_DEFAULT);
    /* A validation file's runs are told apart by their pattern and arm, not a grid. */
    int validation = H5Lexists(file, "validation", H5P_DEFAULT) > 0;
    H5Eclear2(H5E_DEFAULT);
    char *vkeys[] = {"pattern", "arm"};
    ts_h5names vnames = {vkeys, 2};
    const char *first = NULL;
    st = rc == 0 ? ts_h5_info_root(file, path, validation, out) : TS_ERR_NOMEM;
    if (st == TS_OK && !validation) {
        st = ts_h5_info_grid(file, &keys, out);
    }
    if (st == TS_OK) {
        st = ts_h5_info_runs(runs, &names, validation ? &vnames : &keys, out, &first);
    }
    if (st == TS_OK) {
        st = ts_h5_info_datasets(runs, first, out);
    }
    if (st != TS_OK) {
        st = ts_error_set(err, TS_ERR_NOMEM, "%s: out of memory", path);
    }
    if (st == TS_OK && validation) {
        st = ts_vh5_print(file, path, out, err);
    }
    if (st == TS_OK) {
        static const char *const sens[] = {"method",    "samples",  "levels",
                                           "bootstrap", "n_points", "replicates"};
        static const char *const cal[] = {"method",      "stopped",    "particles",   "runs",
                                          "generations", "check_runs", "targets_file"};
        ts_h5_info_group(file, "sensitivity", sens, sizeof sens / sizeof sens[0],
                         "trustsim sensitivity; the metrics analysed are its groups", out);
        ts_h5_info_group(file, "calibration", cal, sizeof cal / sizeof cal[0],
                         "trustsim calibrate; the check's runs are /runs", out);
    }
cleanup:
    ts_h5names_free(&keys);
    ts_h5names_free(&names);
    ts_h5_close_id(&grid);
    ts_h5_close_id(&runs);
    ts_h5_close_id(&file);
    ts_h5_close_id(&fapl);
    ts_h5_quiet_end(&quiet);
    return st;
}
