#include "h5out.h"

#include <hdf5.h>

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Rows per chunk are chosen so that a chunk holds about this many values. */
#define TS_H5_CHUNK_VALUES 4096
#define TS_H5_DEFLATE_LEVEL 4

struct ts_h5file {
    hid_t file;
    char *path; /* owned copy, for messages */
};

/* ---- Errors ---------------------------------------------------------------------- */

/* HDF5 prints its error stack to stderr by default; these functions report through
 * ts_error instead and put the caller's setting back when they return. */
typedef struct ts_h5quiet {
    H5E_auto2_t func;
    void *data;
} ts_h5quiet;

static void ts_h5_quiet_begin(ts_h5quiet *q) {
    q->func = NULL;
    q->data = NULL;
    H5Eget_auto2(H5E_DEFAULT, &q->func, &q->data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

static void ts_h5_quiet_end(const ts_h5quiet *q) {
    H5Eset_auto2(H5E_DEFAULT, q->func, q->data);
}

static herr_t ts_h5_first_error(unsigned n, const H5E_error2_t *e, void *data) {
    char *buf = data;
    if (n == 0 && e->desc) {
        snprintf(buf, 256, "%s", e->desc);
    }
    return 0;
}

/* "FILE: cannot ACTION OBJECT: <innermost HDF5 message>", TS_ERR_HDF5. */
static ts_status ts_h5_fail(ts_error *err, const char *file, const char *action,
                            const char *object) {
    char detail[256] = "";
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, ts_h5_first_error, detail);
    H5Eclear2(H5E_DEFAULT);
    return ts_error_set(err, TS_ERR_HDF5, "%s: cannot %s %s%s%s", file, action, object,
                        detail[0] ? ": " : "", detail);
}

/* Closes any kind of HDF5 handle (never a predefined type) and marks it closed. */
static void ts_h5_close_id(hid_t *id) {
    if (*id < 0) {
        return;
    }
    switch (H5Iget_type(*id)) {
    case H5I_FILE:
        H5Fclose(*id);
        break;
    case H5I_GROUP:
        H5Gclose(*id);
        break;
    case H5I_DATASET:
        H5Dclose(*id);
        break;
    case H5I_ATTR:
        H5Aclose(*id);
        break;
    case H5I_DATASPACE:
        H5Sclose(*id);
        break;
    case H5I_DATATYPE:
        H5Tclose(*id);
        break;
    case H5I_GENPROP_LST:
        H5Pclose(*id);
        break;
    default:
        break;
    }
    *id = H5I_INVALID_HID;
}

/* ---- Writing helpers --------------------------------------------------------------- */

/* Where a write goes, for messages: the file and the path of the group written into. */
typedef struct ts_h5w {
    const char *file;
    ts_error *err;
} ts_h5w;

/* A path too long for buf is cut short; it only ever names an object in a message. */
static void ts_h5_join(char *buf, size_t size, const char *where, const char *name) {
    if (snprintf(buf, size, "%s/%s", strcmp(where, "/") == 0 ? "" : where, name) >= (int)size) {
        buf[size - 1] = '\0';
    }
}

static hid_t ts_h5_string_type(void) {
    hid_t type = H5Tcopy(H5T_C_S1);
    if (type < 0) {
        return type;
    }
    if (H5Tset_size(type, H5T_VARIABLE) < 0 || H5Tset_cset(type, H5T_CSET_UTF8) < 0) {
        H5Tclose(type);
        return H5I_INVALID_HID;
    }
    return type;
}

/* A scalar attribute; value points at one value of mem_type. */
static ts_status ts_h5_attr(const ts_h5w *w, hid_t loc, const char *where, const char *name,
                            hid_t file_type, hid_t mem_type, const void *value) {
    ts_status st = TS_OK;
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = H5I_INVALID_HID;
    if (space >= 0) {
        attr = H5Acreate2(loc, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT);
    }
    if (attr < 0 || H5Awrite(attr, mem_type, value) < 0) {
        char obj[1024];
        snprintf(obj, sizeof obj, "attribute %s of %s", name, where);
        st = ts_h5_fail(w->err, w->file, "write", obj);
    }
    ts_h5_close_id(&attr);
    ts_h5_close_id(&space);
    return st;
}

static ts_status ts_h5_attr_string(const ts_h5w *w, hid_t loc, const char *where, const char *name,
                                   const char *value) {
    const char *v = value ? value : "";
    hid_t type = ts_h5_string_type();
    if (type < 0) {
        return ts_h5_fail(w->err, w->file, "make the string type for", name);
    }
    ts_status st = ts_h5_attr(w, loc, where, name, type, type, &v);
    H5Tclose(type);
    return st;
}

static hid_t ts_h5_group(const ts_h5w *w, hid_t loc, const char *where, const char *name,
                         int track_order, ts_status *st) {
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    hid_t g = H5I_INVALID_HID;
    if (gcpl >= 0 &&
        (!track_order ||
         H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) >= 0)) {
        g = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    }
    if (g < 0) {
        char obj[1024];
        ts_h5_join(obj, sizeof obj, where, name);
        *st = ts_h5_fail(w->err, w->file, "create group", obj);
    }
    ts_h5_close_id(&gcpl);
    return g;
}

/* A dataset of rank 0 (scalar), 1 or 2 with its units and description attributes.
 * With compress, a non-empty array is chunked (about TS_H5_CHUNK_VALUES values a
 * chunk: whole rows), shuffled and deflated. Everything else is contiguous: scalars,
 * small tables like the grid, and empty arrays (a chunk cannot be larger than a fixed
 * dimension of size 0). */
static ts_status ts_h5_dataset(const ts_h5w *w, hid_t loc, const char *where, const char *name,
                               hid_t file_type, hid_t mem_type, int rank, const hsize_t *dims,
                               const void *data, int compress, const char *units,
                               const char *description) {
    ts_status st = TS_OK;
    hid_t space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID, dset = H5I_INVALID_HID;
    char obj[1024];
    const char *action = "create dataset";
    hsize_t n_values = 1;
    for (int i = 0; i < rank; i++) {
        n_values *= dims[i];
    }
    if (name == NULL || name[0] == '\0') {
        st = ts_error_set(w->err, TS_ERR_INTERNAL, "%s: a dataset in %s has no name", w->file,
                          where);
        goto cleanup;
    }
    ts_h5_join(obj, sizeof obj, where, name);
    if (n_values > 0 && data == NULL) {
        st = ts_error_set(w->err, TS_ERR_INTERNAL, "%s: dataset %s has no data", w->file, obj);
        goto cleanup;
    }
    space = rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, dims, NULL);
    dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (space < 0 || dcpl < 0) {
        goto fail;
    }
    if (compress && rank > 0 && n_values > 0) {
        hsize_t chunk[2] = {dims[0], rank > 1 ? dims[1] : 1};
        hsize_t row = rank > 1 ? dims[1] : 1;
        hsize_t rows = row >= TS_H5_CHUNK_VALUES ? 1 : TS_H5_CHUNK_VALUES / row;
        if (chunk[0] > rows) {
            chunk[0] = rows;
        }
        if (H5Pset_chunk(dcpl, rank, chunk) < 0) {
            goto fail;
        }
        if (H5Pset_shuffle(dcpl) < 0 || H5Pset_deflate(dcpl, TS_H5_DEFLATE_LEVEL) < 0) {
            goto fail;
        }
    }
    dset = H5Dcreate2(loc, name, file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (dset < 0) {
        goto fail;
    }
    action = "write dataset";
    if (n_values > 0 && H5Dwrite(dset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
        goto fail;
    }
    st = ts_h5_attr_string(w, dset, obj, "units", units);
    if (st == TS_OK) {
        st = ts_h5_attr_string(w, dset, obj, "description", description);
    }
    goto cleanup;
fail:
    st = ts_h5_fail(w->err, w->file, action, obj);
cleanup:
    ts_h5_close_id(&dset);
    ts_h5_close_id(&dcpl);
    ts_h5_close_id(&space);
    return st;
}

static hid_t ts_h5_coltype_file(ts_coltype t) {
    switch (t) {
    case TS_COL_U32:
        return H5T_STD_U32LE;
    case TS_COL_I32:
        return H5T_STD_I32LE;
    case TS_COL_F32:
        return H5T_IEEE_F32LE;
    case TS_COL_F64:
        break;
    }
    return H5T_IEEE_F64LE;
}

static hid_t ts_h5_coltype_mem(ts_coltype t) {
    switch (t) {
    case TS_COL_U32:
        return H5T_NATIVE_UINT32;
    case TS_COL_I32:
        return H5T_NATIVE_INT32;
    case TS_COL_F32:
        return H5T_NATIVE_FLOAT;
    case TS_COL_F64:
        break;
    }
    return H5T_NATIVE_DOUBLE;
}

/* Every column of a table as a dataset in loc: 1-D when width is 1, else 2-D. */
static ts_status ts_h5_table(const ts_h5w *w, hid_t loc, const char *where, const ts_table *t) {
    for (size_t i = 0; i < t->n_cols; i++) {
        const ts_column *c = &t->cols[i];
        hsize_t dims[2] = {c->n, c->width};
        int rank = c->width > 1 ? 2 : 1;
        ts_status st = ts_h5_dataset(w, loc, where, c->name, ts_h5_coltype_file(c->type),
                                     ts_h5_coltype_mem(c->type), rank, dims, c->data, 1, c->units,
                                     c->description);
        if (st != TS_OK) {
            return st;
        }
    }
    return TS_OK;
}

/* ---- Creating a file ------------------------------------------------------------------ */

/* Creates the directories above path (like mkdir -p on its dirname). */
static ts_status ts_h5_make_parents(const char *path, ts_error *err) {
    ts_status st = TS_OK;
    char *p = strdup(path);
    if (!p) {
        return ts_error_set(err, TS_ERR_NOMEM, "%s: out of memory", path);
    }
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') {
            continue;
        }
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            st = ts_error_set(err, TS_ERR_IO, "%s: cannot create directory %s: %s", path, p,
                              strerror(errno));
            break;
        }
        *s = '/';
    }
    free(p);
    return st;
}

static int ts_h5_parse_number(const char *text, double *out) {
    char *end = NULL;
    if (text == NULL || text[0] == '\0') {
        return 0;
    }
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v)) {
        return 0;
    }
    *out = v;
    return 1;
}

/* /sweep/grid/<key path>: float64 when every value of the key is a number, else UTF-8
 * strings; one value per grid point. The group tracks creation order, so the keys can
 * be read back in sweep order (the last one varies fastest). */
static ts_status ts_h5_write_grid(const ts_h5w *w, hid_t grid, const ts_scenario *sc) {
    ts_status st = TS_OK;
    size_t n_keys = sc ? ts_scenario_n_sweep_keys(sc) : 0;
    size_t n = sc ? ts_scenario_n_points(sc) : 1;
    uint64_t n_points = n;
    double *numbers = NULL;
    const char **texts = NULL;
    hid_t strtype = H5I_INVALID_HID;

    st =
        ts_h5_attr(w, grid, "/sweep/grid", "n_points", H5T_STD_U64LE, H5T_NATIVE_UINT64, &n_points);
    if (st != TS_OK || n_keys == 0) {
        return st;
    }
    numbers = calloc(n ? n : 1, sizeof *numbers);
    texts = calloc(n ? n : 1, sizeof *texts);
    strtype = ts_h5_string_type();
    if (!numbers || !texts) {
        st = ts_error_set(w->err, TS_ERR_NOMEM, "%s: out of memory", w->file);
        goto cleanup;
    }
    if (strtype < 0) {
        st = ts_h5_fail(w->err, w->file, "make the string type for", "/sweep/grid");
        goto cleanup;
    }
    for (size_t k = 0; k < n_keys && st == TS_OK; k++) {
        const char *key = ts_scenario_sweep_key(sc, k);
        int all_numbers = 1;
        for (size_t g = 0; g < n; g++) {
            texts[g] = ts_scenario_sweep_value(sc, k, g);
            if (!texts[g]) {
                texts[g] = "";
            }
            all_numbers = all_numbers && ts_h5_parse_number(texts[g], &numbers[g]);
        }
        hsize_t dims[1] = {n};
        if (all_numbers) {
            st = ts_h5_dataset(w, grid, "/sweep/grid", key, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1,
                               dims, numbers, 0, "", "value of the swept key at each grid point");
        } else {
            st = ts_h5_dataset(w, grid, "/sweep/grid", key, strtype, strtype, 1, dims, texts, 0, "",
                               "value of the swept key at each grid point (YAML text)");
        }
    }
cleanup:
    ts_h5_close_id(&strtype);
    free(numbers);
    free(texts);
    return st;
}

static ts_status ts_h5_write_root(const ts_h5w *w, hid_t file, const ts_h5meta *meta,
                                  const ts_scenario *sc) {
    char created[32];
    time_t now = time(NULL);
    struct tm tm;
    hid_t sweep = H5I_INVALID_HID, grid = H5I_INVALID_HID, runs = H5I_INVALID_HID;
    ts_status st = TS_OK;
    if (gmtime_r(&now, &tm) == NULL ||
        strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
        snprintf(created, sizeof created, "unknown");
    }
    const char *names[] = {"trustsim_version", "scenario_name", "scenario_yaml", "created_utc",
                           "command_line"};
    const char *values[] = {TRUSTSIM_VERSION, meta ? meta->scenario_name : NULL,
                            meta ? meta->scenario_yaml : NULL, created,
                            meta ? meta->command_line : NULL};
    for (size_t i = 0; i < sizeof names / sizeof names[0] && st == TS_OK; i++) {
        st = ts_h5_attr_string(w, file, "/", names[i], values[i]);
    }
    if (st != TS_OK) {
        return st;
    }
    runs = ts_h5_group(w, file, "/", "runs", 0, &st);
    if (runs >= 0) {
        sweep = ts_h5_group(w, file, "/", "sweep", 0, &st);
    }
    if (sweep >= 0) {
        grid = ts_h5_group(w, sweep, "/sweep", "grid", 1, &st);
    }
    if (grid >= 0) {
        st = ts_h5_write_grid(w, grid, sc);
    }
    ts_h5_close_id(&grid);
    ts_h5_close_id(&sweep);
    ts_h5_close_id(&runs);
    return st;
}

static ts_h5file *ts_h5file_new(const char *path, hid_t file) {
    ts_h5file *f = malloc(sizeof *f);
    char *copy = strdup(path);
    if (!f || !copy) {
        free(f);
        free(copy);
        return NULL;
    }
    f->file = file;
    f->path = copy;
    return f;
}

ts_status ts_h5_create(const char *path, int force, const ts_h5meta *meta, const ts_scenario *sc,
                       ts_h5file **out, ts_error *err) {
    ts_h5quiet quiet;
    ts_h5w w = {path, err};
    hid_t file = H5I_INVALID_HID;
    ts_status st = TS_OK;
    struct stat sb;
    *out = NULL;
    if (!force && stat(path, &sb) == 0) {
        return ts_error_set(err, TS_ERR_EXISTS,
                            "%s exists: use --force to replace it or --resume to finish it", path);
    }
    st = ts_h5_make_parents(path, err);
    if (st != TS_OK) {
        return st;
    }
    ts_h5_quiet_begin(&quiet);
    /* Without force, EXCL also refuses a file that appeared since the check above. */
    file = H5Fcreate(path, force ? H5F_ACC_TRUNC : H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT);
    if (file < 0) {
        st = ts_h5_fail(err, path, "create", "the file");
        goto cleanup;
    }
    st = ts_h5_write_root(&w, file, meta, sc);
    if (st == TS_OK && H5Fflush(file, H5F_SCOPE_GLOBAL) < 0) {
        st = ts_h5_fail(err, path, "flush", "the file");
    }
    if (st == TS_OK) {
        *out = ts_h5file_new(path, file);
        if (!*out) {
            st = ts_error_set(err, TS_ERR_NOMEM, "%s: out of memory", path);
        }
    }
cleanup:
    if (st != TS_OK && file >= 0) {
        /* A half-written file is of no use to anyone, and force already replaced the old
         * one. */
        H5Fclose(file);
        unlink(path);
    }
    ts_h5_quiet_end(&quiet);
    return st;
}

/* ---- Writing a run -------------------------------------------------------------------- */

static ts_status ts_h5_write_snapshot(const ts_h5w *w, hid_t snaps, const char *parent,
                                      const ts_snapshot *s) {
    char name[32], where[1024];
    ts_status st = TS_OK;
    snprintf(name, sizeof name, "d%06d", (int)s->day);
    ts_h5_join(where, sizeof where, parent, name);
    hid_t g = ts_h5_group(w, snaps, parent, name, 0, &st);
    if (g < 0) {
        return st;
    }
    int32_t day = s->day;
    st = ts_h5_attr(w, g, where, "day", H5T_STD_I32LE, H5T_NATIVE_INT32, &day);
    if (st == TS_OK) {
        st = ts_h5_table(w, g, where, &s->edges);
    }
    hsize_t dims[2] = {s->k, s->k};
    if (st == TS_OK) {
        st = ts_h5_dataset(w, g, where, "team_trust", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 2, dims,
                           s->team_trust, 1, "probability",
                           "mean trust of the members of team a (row) in those of team b "
                           "(column); teams in the order of team_ids");
    }
    if (st == TS_OK) {
        st = ts_h5_dataset(w, g, where, "team_ids", H5T_STD_U32LE, H5T_NATIVE_UINT32, 1, dims,
                           s->team_ids, 1, "agent id",
                           "the id of each team's manager, in the order of the rows of "
                           "team_trust");
    }
    ts_h5_close_id(&g);
    return st;
}

/* Run attributes that a swept key of the same name must not replace; such a key's value
 * is in /sweep/grid (the seed attribute is the run's own derived seed). */
static int ts_h5_reserved_attr(const char *name) {
    static const char *const reserved[] = {"seed",         "replicate", "grid_point",
                                           "wall_seconds", "threads",   "status"};
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
        if (strcmp(name, reserved[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* The run's attributes except status, which is written last of all. */
static ts_status ts_h5_run_attrs(const ts_h5w *w, hid_t g, const char *where, const ts_result *r) {
    int32_t threads = r->threads;
    ts_status st = ts_h5_attr(w, g, where, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &r->seed);
    if (st == TS_OK) {
        st = ts_h5_attr(w, g, where, "replicate", H5T_STD_U32LE, H5T_NATIVE_UINT32, &r->replicate);
    }
    if (st == TS_OK) {
        st =
            ts_h5_attr(w, g, where, "grid_point", H5T_STD_U32LE, H5T_NATIVE_UINT32, &r->grid_point);
    }
    if (st == TS_OK) {
        st = ts_h5_attr(w, g, where, "wall_seconds", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                        &r->wall_seconds);
    }
    if (st == TS_OK) {
        st = ts_h5_attr(w, g, where, "threads", H5T_STD_I32LE, H5T_NATIVE_INT32, &threads);
    }
    for (size_t i = 0; i < r->n_params && st == TS_OK; i++) {
        const ts_param_value *p = &r->params[i];
        if (!p->key || ts_h5_reserved_attr(p->key)) {
            continue;
        }
        if (p->is_number) {
            st = ts_h5_attr(w, g, where, p->key, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &p->number);
        } else {
            st = ts_h5_attr_string(w, g, where, p->key, p->text);
        }
    }
    return st;
}

static ts_status ts_h5_run_contents(const ts_h5w *w, hid_t g, const char *run, const ts_result *r) {
    ts_status st = TS_OK;
    char where[1024];
    ts_h5_join(where, sizeof where, run, "metrics");
    hid_t sub = ts_h5_group(w, g, run, "metrics", 0, &st);
    for (size_t i = 0; i < r->n_metrics && st == TS_OK; i++) {
        const ts_series *s = &r->metrics[i];
        hsize_t dims[1] = {s->n};
        st = ts_h5_dataset(w, sub, where, s->name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, dims,
                           s->values, 1, s->units, s->description);
    }
    ts_h5_close_id(&sub);
    ts_h5_join(where, sizeof where, run, "summary");
    if (st == TS_OK) {
        sub = ts_h5_group(w, g, run, "summary", 0, &st);
    }
    for (size_t i = 0; i < r->n_summary && st == TS_OK; i++) {
        const ts_scalar *s = &r->summary[i];
        st = ts_h5_dataset(w, sub, where, s->name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 0, NULL,
                           &s->value, 0, s->units, s->description);
    }
    ts_h5_close_id(&sub);
    ts_h5_join(where, sizeof where, run, "agents");
    if (st == TS_OK) {
        sub = ts_h5_group(w, g, run, "agents", 0, &st);
    }
    if (st == TS_OK) {
        st = ts_h5_table(w, sub, where, &r->agents);
    }
    ts_h5_close_id(&sub);
    ts_h5_join(where, sizeof where, run, "snapshots");
    if (st == TS_OK) {
        sub = ts_h5_group(w, g, run, "snapshots", 0, &st);
    }
    for (size_t i = 0; i < r->n_snapshots && st == TS_OK; i++) {
        st = ts_h5_write_snapshot(w, sub, where, &r->snapshots[i]);
    }
    ts_h5_close_id(&sub);
    ts_h5_join(where, sizeof where, run, "incidents");
    if (st == TS_OK) {
        sub = ts_h5_group(w, g, run, "incidents", 0, &st);
    }
    if (st == TS_OK) {
        st = ts_h5_table(w, sub, where, &r->incidents);
    }
    ts_h5_close_id(&sub);
    return st;
}

ts_status ts_h5_write_run(ts_h5file *f, const ts_result *r, ts_error *err) {
    ts_h5quiet quiet;
    char gname[32];
    hid_t g = H5I_INVALID_HID, gcpl = H5I_INVALID_HID;
    ts_status st = TS_OK;
    if (!f || !r) {
        return ts_error_set(err, TS_ERR_INTERNAL, "ts_h5_write_run: no file or no result");
    }
    snprintf(gname, sizeof gname, "/runs/r%06" PRIu32, r->run_index);
    ts_h5w w = {f->path, err};
    ts_h5_quiet_begin(&quiet);
    htri_t exists = H5Lexists(f->file, gname, H5P_DEFAULT);
    if (exists != 0) {
        st = exists > 0 ? ts_error_set(err, TS_ERR_INTERNAL, "%s: run group %s exists already",
                                       f->path, gname)
                        : ts_h5_fail(err, f->path, "look up", gname);
        goto cleanup;
    }
    /* Attribute creation order is tracked so that readers can see status came last. */
    gcpl = H5Pcreate(H5P_GROUP_CREATE);
    if (gcpl >= 0 &&
        H5Pset_attr_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) >= 0) {
        g = H5Gcreate2(f->file, gname, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    }
    if (g < 0) {
        st = ts_h5_fail(err, f->path, "create group", gname);
        goto cleanup;
    }
    st = ts_h5_run_attrs(&w, g, gname, r);
    if (st == TS_OK) {
        st = ts_h5_run_contents(&w, g, gname, r);
    }
    if (st == TS_OK) {
        st = ts_h5_attr_string(&w, g, gname, "status", "complete");
    }
    ts_h5_close_id(&g);
    if (st == TS_OK && H5Fflush(f->file, H5F_SCOPE_GLOBAL) < 0) {
        st = ts_h5_fail(err, f->path, "flush", "the file");
    }
    if (st != TS_OK) {
        /* Without status the group would be deleted on --resume anyway; deleting it now
         * lets the caller write the run again. */
        H5Ldelete(f->file, gname, H5P_DEFAULT);
        H5Eclear2(H5E_DEFAULT);
    }
cleanup:
    ts_h5_close_id(&g);
    ts_h5_close_id(&gcpl);
    ts_h5_quiet_end(&quiet);
    return st;
}

ts_status ts_h5_close(ts_h5file *f, ts_error *err) {
    ts_status st = TS_OK;
    if (!f) {
        return TS_OK;
    }
    ts_h5quiet quiet;
    ts_h5_quiet_begin(&quiet);
    if (H5Fclose(f->file) < 0) {
        st = ts_h5_fail(err, f->path, "close", "the file");
    }
    ts_h5_quiet_end(&quiet);
    free(f->path);
    free(f);
    return st;
}

/* ---- Reading helpers ------------------------------------------------------------------ */

/* A string attribute (variable-length or fixed) as a malloc'd string; NULL when it is
 * absent, not a scalar string, or cannot be read. */
static char *ts_h5_read_string_attr(hid_t loc, const char *name) {
    char *result = NULL;
    hid_t attr = H5I_INVALID_HID, ftype = H5I_INVALID_HID, mtype = H5I_INVALID_HID;
    hid_t space = H5I_INVALID_HID;
    if (H5Aexists(loc, name) <= 0) {
        goto cleanup;
    }
    attr = H5Aopen(loc, name, H5P_DEFAULT);
    ftype = attr >= 0 ? H5Aget_type(attr) : H5I_INVALID_HID;
    space = attr >= 0 ? H5Aget_space(attr) : H5I_INVALID_HID;
    if (ftype < 0 || space < 0 || H5Tget_class(ftype) != H5T_STRING ||
        H5Sget_simple_extent_npoints(space) != 1) {
        goto cleanup;
    }
    if (H5Tis_variable_str(ftype) > 0) {
        char *v = NULL;
        mtype = ts_h5_string_type();
        if (mtype >= 0 && H5Aread(attr, mtype, &v) >= 0 && v) {
            result = strdup(v);
        }
        if (v) {
            H5free_memory(v);
        }
    } else {
        size_t size = H5Tget_size(ftype);
        mtype = H5Tcopy(ftype);
        result = calloc(size + 1, 1);
        if (result && (mtype < 0 || H5Aread(attr, mtype, result) < 0)) {
            free(result);
            result = NULL;
        }
    }
cleanup:
    ts_h5_close_id(&mtype);
    ts_h5_close_id(&space);
    ts_h5_close_id(&ftype);
    ts_h5_close_id(&attr);
    H5Eclear2(H5E_DEFAULT);
    return result;
}

/* A scalar attribute read as mem_type; returns 1 when read. */
static int ts_h5_read_attr(hid_t loc, const char *name, hid_t mem_type, void *value) {
    int ok = 0;
    if (H5Aexists(loc, name) > 0) {
        hid_t attr = H5Aopen(loc, name, H5P_DEFAULT);
        ok = attr >= 0 && H5Aread(attr, mem_type, value) >= 0;
        ts_h5_close_id(&attr);
    }
    H5Eclear2(H5E_DEFAULT);
    return ok;
}

/* A run group's index from its name "r" + at least 6 digits; returns 1 when it is one. */
static int ts_h5_run_index(const char *name, uint64_t *index) {
    size_t len = strlen(name);
    if (len < 7 || len > 16 || name[0] != 'r') {
        return 0;
    }
    uint64_t v = 0;
    for (size_t i = 1; i < len; i++) {
        if (name[i] < '0' || name[i] > '9') {
            return 0;
        }
        v = v * 10 + (uint64_t)(name[i] - '0');
    }
    *index = v;
    return 1;
}

static int ts_h5_is_complete(hid_t runs, const char *name) {
    int complete = 0;
    hid_t g = H5Oopen(runs, name, H5P_DEFAULT);
    if (g >= 0 && H5Iget_type(g) == H5I_GROUP) {
        char *status = ts_h5_read_string_attr(g, "status");
        complete = status && strcmp(status, "complete") == 0;
        free(status);
    }
    if (g >= 0) {
        H5Oclose(g);
    }
    H5Eclear2(H5E_DEFAULT);
    return complete;
}

/* The names of the links in a group, by name order (run names sort by index). */
typedef struct ts_h5names {
    char **names;
    size_t n;
} ts_h5names;

static void ts_h5names_free(ts_h5names *l) {
    for (size_t i = 0; i < l->n; i++) {
        free(l->names[i]);
    }
    free(l->names);
    l->names = NULL;
    l->n = 0;
}

/* Returns 0 when listed, -1 for an HDF5 failure, -2 when out of memory. */
static int ts_h5_list(hid_t group, H5_index_t index, ts_h5names *out) {
    H5G_info_t info;
    out->names = NULL;
    out->n = 0;
    if (H5Gget_info(group, &info) < 0) {
        return -1;
    }
    if (info.nlinks == 0) {
        return 0;
    }
    out->names = calloc(info.nlinks, sizeof *out->names);
    if (!out->names) {
        return -2;
    }
    for (hsize_t i = 0; i < info.nlinks; i++) {
        ssize_t len = H5Lget_name_by_idx(group, ".", index, H5_ITER_INC, i, NULL, 0, H5P_DEFAULT);
        if (len < 0) {
            ts_h5names_free(out);
            return -1;
        }
        char *name = malloc((size_t)len + 1);
        if (!name) {
            ts_h5names_free(out);
            return -2;
        }
        out->names[out->n++] = name;
        if (H5Lget_name_by_idx(group, ".", index, H5_ITER_INC, i, name, (size_t)len + 1,
                               H5P_DEFAULT) < 0) {
            ts_h5names_free(out);
            return -1;
        }
    }
    return 0;
}

/* ---- Resuming ------------------------------------------------------------------------- */

/* The top-level `replicates: N` line of a resolved scenario: where it starts (NULL when
 * absent) and N (0 when absent or unreadable). */
static const char *ts_h5_replicates_line(const char *yaml, uint64_t *n) {
    static const char key[] = "replicates:";
    *n = 0;
    for (const char *line = yaml; line && *line;) {
        if (strncmp(line, key, sizeof key - 1) == 0) {
            char *end = NULL;
            unsigned long long v = strtoull(line + sizeof key - 1, &end, 10);
            if (end != line + sizeof key - 1) {
                *n = (uint64_t)v;
            }
            return line;
        }
        line = strchr(line, '\n');
        line = line ? line + 1 : NULL;
    }
    return NULL;
}

/* Are two resolved scenarios the same but for their number of replicates? Runs are
 * numbered replicate-major, so a file resumed with more replicates keeps its runs. */
static int ts_h5_same_scenario(const char *a, const char *b) {
    uint64_t na, nb;
    const char *ra = ts_h5_replicates_line(a, &na), *rb = ts_h5_replicates_line(b, &nb);
    if (!ra || !rb) {
        return strcmp(a, b) == 0;
    }
    const char *ea = strchr(ra, '\n'), *eb = strchr(rb, '\n');
    ea = ea ? ea : ra + strlen(ra);
    eb = eb ? eb : rb + strlen(rb);
    return ra - a == rb - b && strncmp(a, b, (size_t)(ra - a)) == 0 && strcmp(ea, eb) == 0;
}

ts_status ts_h5_open_resume(const char *path, const ts_h5meta *meta, size_t n_runs,
                            unsigned char *done, ts_h5file **out, ts_error *err) {
    ts_h5quiet quiet;
    hid_t file = H5I_INVALID_HID, runs = H5I_INVALID_HID;
    char *yaml = NULL;
    ts_h5names names = {NULL, 0};
    ts_status st = TS_OK;
    struct stat sb;
    *out = NULL;
    for (size_t i = 0; i < n_runs; i++) {
        done[i] = 0;
    }
    if (stat(path, &sb) != 0) {
        return ts_error_set(err, TS_ERR_PARAM, "%s: cannot resume: %s", path, strerror(errno));
    }
    ts_h5_quiet_begin(&quiet);
    if (H5Fis_hdf5(path) <= 0) {
        st = ts_error_set(err, TS_ERR_PARAM, "%s is not a trustsim results file (not HDF5)", path);
        goto cleanup;
    }
    file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    if (file < 0) {
        st = ts_h5_fail(err, path, "open", "the file for writing");
        goto cleanup;
    }
    yaml = ts_h5_read_string_attr(file, "scenario_yaml");
    if (H5Lexists(file, "runs", H5P_DEFAULT) <= 0 || yaml == NULL) {
        H5Eclear2(H5E_DEFAULT);
        st = ts_error_set(err, TS_ERR_PARAM,
                          "%s is not a trustsim results file (no /runs or no scenario_yaml)", path);
        goto cleanup;
    }
    const char *want = meta && meta->scenario_yaml ? meta->scenario_yaml : "";
    if (!ts_h5_same_scenario(yaml, want)) {
        st = ts_error_set(err, TS_ERR_PARAM,
                          "%s was written for a different scenario; use --force to replace it",
                          path);
        goto cleanup;
    }
    /* With more replicates the file will hold more runs: its scenario must say so. (With
     * fewer, the runs beyond are kept, and so is the scenario that describes them.) */
    uint64_t had, will;
    ts_h5_replicates_line(yaml, &had);
    ts_h5_replicates_line(want, &will);
    if (will > had) {
        ts_h5w w = {path, err};
        if (H5Adelete(file, "scenario_yaml") < 0) {
            st = ts_h5_fail(err, path, "replace", "attribute scenario_yaml of /");
            goto cleanup;
        }
        st = ts_h5_attr_string(&w, file, "/", "scenario_yaml", want);
        if (st != TS_OK) {
            goto cleanup;
        }
    }
    runs = H5Gopen2(file, "runs", H5P_DEFAULT);
    int rc = runs < 0 ? -1 : ts_h5_list(runs, H5_INDEX_NAME, &names);
    if (rc != 0) {
        st = rc == -2 ? ts_error_set(err, TS_ERR_NOMEM, "%s: out of memory", path)
                      : ts_h5_fail(err, path, "list", "/runs");
        goto cleanup;
    }
    /* Deleting while listing would shift the indices, so the list comes first. */
    for (size_t i = 0; i < names.n; i++) {
        uint64_t index;
        if (!ts_h5_run_index(names.names[i], &index)) {
            continue;
        }
        if (ts_h5_is_complete(runs, names.names[i])) {
            if (index < n_runs) {
                done[index] = 1;
            }
        } else if (H5Ldelete(runs, names.names[i], H5P_DEFAULT) < 0) {
            char obj[64];
            snprintf(obj, sizeof obj, "incomplete run /runs/%s", names.names[i]);
            st = ts_h5_fail(err, path, "delete", obj);
            goto cleanup;
        }
    }
    if (H5Fflush(file, H5F_SCOPE_GLOBAL) < 0) {
        st = ts_h5_fail(err, path, "flush", "the file");
        goto cleanup;
    }
    *out = ts_h5file_new(path, file);
    if (!*out) {
        st = ts_error_set(err, TS_ERR_NOMEM, "%s: out of memory", path);
        goto cleanup;
    }
    file = H5I_INVALID_HID; /* owned by *out now */
cleanup:
    if (st != TS_OK) {
        for (size_t i = 0; i < n_runs; i++) {
            done[i] = 0;
        }
    }
    ts_h5names_free(&names);
    free(yaml);
    ts_h5_close_id(&runs);
    ts_h5_close_id(&file);
    ts_h5_quiet_end(&quiet);
    return st;
}

/* ---- trustsim info -------------------------------------------------------------------- */

/* A text table: cells are added row by row and printed with aligned columns. */
typedef struct ts_txt {
    size_t n_cols;
    char **cells;
    size_t n, n_alloc;
    int failed;
} ts_txt;

static void ts_txt_add(ts_txt *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void ts_txt_add(ts_txt *t, const char *fmt, ...) {
    if (t->failed) {
        return;
    }
    if (t->n == t->n_alloc) {
        size_t cap = t->n_alloc ? 2 * t->n_alloc : 64;
        char **cells = realloc(t->cells, cap * sizeof *cells);
        if (!cells) {
            t->failed = 1;
            return;
        }
        t->cells = cells;
        t->n_alloc = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    char *cell = NULL;
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len >= 0) {
        cell = malloc((size_t)len + 1);
    }
    if (!cell) {
        t->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(cell, (size_t)len + 1, fmt, ap);
    va_end(ap);
    t->cells[t->n++] = cell;
}

/* Display width of UTF-8 text: its code points (names may be "équipe-α"). */
static size_t ts_txt_width(const char *s) {
    size_t w = 0;
    for (; *s; s++) {
        w += ((unsigned char)*s & 0xC0u) != 0x80u;
    }
    return w;
}

static void ts_txt_pad(FILE *out, size_t n) {
    for (size_t i = 0; i < n; i++) {
        fputc(' ', out);
    }
}

/* Prints with two spaces between columns (the first 64 are aligned). A column whose
 * cells below the header are all numbers (or "-") is right-aligned. The last column is
 * not padded, so lines carry no trailing blanks. */
static void ts_txt_print(const ts_txt *t, FILE *out, const char *indent) {
    size_t widths[64] = {0};
    uint64_t right = UINT64_MAX;
    for (size_t i = 0; i < t->n; i++) {
        size_t c = i % t->n_cols, w = ts_txt_width(t->cells[i]);
        double v;
        if (c < 64 && w > widths[c]) {
            widths[c] = w;
        }
        if (c < 64 && i >= t->n_cols && strcmp(t->cells[i], "-") != 0 &&
            !ts_h5_parse_number(t->cells[i], &v)) {
            right &= ~(UINT64_C(1) << c);
        }
    }
    for (size_t i = 0; i < t->n; i++) {
        size_t c = i % t->n_cols;
        size_t w = ts_txt_width(t->cells[i]);
        size_t pad = c < 64 && widths[c] > w ? widths[c] - w : 0;
        int last = c + 1 == t->n_cols || i + 1 == t->n;
        int to_right = c < 64 && (right >> c) & 1u && t->n > t->n_cols;
        fputs(c == 0 ? indent : "  ", out);
        if (to_right) {
            ts_txt_pad(out, pad);
        }
        fputs(t->cells[i], out);
        if (!to_right && !last) {
            ts_txt_pad(out, pad);
        }
        if (last) {
            fputc('\n', out);
        }
    }
}

static void ts_txt_free(ts_txt *t) {
    for (size_t i = 0; i < t->n; i++) {
        free(t->cells[i]);
    }
    free(t->cells);
    t->cells = NULL;
    t->n = t->n_alloc = 0;
}

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

static ts_status ts_h5_info_root(hid_t file, const char *path, FILE *out) {
    const char *names[] = {"trustsim_version", "scenario_name", "created_utc", "command_line"};
    ts_txt t = {.n_cols = 2};
    ts_txt_add(&t, "file");
    ts_txt_add(&t, "%s", path);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char *v = ts_h5_read_string_attr(file, names[i]);
        ts_txt_add(&t, "%s", names[i]);
        ts_txt_add(&t, "%s", v ? v : "-");
        free(v);
    }
    char *yaml = ts_h5_read_string_attr(file, "scenario_yaml");
    size_t lines = 0;
    for (const char *s = yaml; s && *s; s++) {
        lines += *s == '\n' || s[1] == '\0';
    }
    ts_txt_add(&t, "scenario_yaml");
    ts_txt_add(&t, "%zu lines (print it: h5dump -a /scenario_yaml %s)", lines, path);
    free(yaml);
    ts_status st = t.failed ? TS_ERR_NOMEM : TS_OK;
    if (st == TS_OK) {
        ts_txt_print(&t, out, "");
    }
    ts_txt_free(&t);
    return st;
}

/* The grid keys in sweep order (creation order when it was tracked, else by name). */
static int ts_h5_grid_keys(hid_t grid, ts_h5names *keys) {
    int rc = ts_h5_list(grid, H5_INDEX_CRT_ORDER, keys);
    if (rc == -1) {
        H5Eclear2(H5E_DEFAULT);
        rc = ts_h5_list(grid, H5_INDEX_NAME, keys);
    }
    return rc;
}

/* One grid dataset's values as text cells (strings or numbers), n of them. */
static char **ts_h5_grid_values(hid_t grid, const char *key, size_t *n) {
    char **cells = NULL;
    hid_t dset = H5Dopen2(grid, key, H5P_DEFAULT);
    hid_t type = dset >= 0 ? H5Dget_type(dset) : H5I_INVALID_HID;
    hid_t space = dset >= 0 ? H5Dget_space(dset) : H5I_INVALID_HID;
    hid_t mtype = H5I_INVALID_HID;
    hssize_t count = space >= 0 ? H5Sget_simple_extent_npoints(space) : -1;
    *n = 0;
    if (type < 0 || count <= 0) {
        goto cleanup;
    }
    cells = calloc((size_t)count, sizeof *cells);
    if (!cells) {
        goto cleanup;
    }
    *n = (size_t)count;
    if (H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) > 0) {
        char **v = calloc((size_t)count, sizeof *v);
        mtype = ts_h5_string_type();
        if (v && mtype >= 0 && H5Dread(dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0) {
            for (size_t i = 0; i < *n; i++) {
                cells[i] = strdup(v[i] ? v[i] : "");
            }
#if H5_VERSION_GE(1, 12, 0)
            H5Treclaim(mtype, space, H5P_DEFAULT, v);
#else
            H5Dvlen_reclaim(mtype, space, H5P_DEFAULT, v);
#endif
        }
        free(v);
    } else if (H5Tget_class(type) == H5T_FLOAT || H5Tget_class(type) == H5T_INTEGER) {
        double *v = calloc((size_t)count, sizeof *v);
        if (v && H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0) {
            for (size_t i = 0; i < *n; i++) {
                char buf[64];
                snprintf(buf, sizeof buf, "%.15g", v[i]);
                cells[i] = strdup(buf);
            }
        }
        free(v);
    }
cleanup:
    ts_h5_close_id(&mtype);
    ts_h5_close_id(&space);
    ts_h5_close_id(&type);
    ts_h5_close_id(&dset);
    H5Eclear2(H5E_DEFAULT);
    return cells;
}

static void ts_h5_free_cells(char **cells, size_t n) {
    for (size_t i = 0; cells && i < n; i++) {
        free(cells[i]);
    }
    free(cells);
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
    for (size_t k = 0; values && k < n_cols; k++) {
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

typedef struct ts_h5visit {
    ts_txt *t;
} ts_h5visit;

static herr_t ts_h5_visit_dataset(hid_t group, const char *name, const H5L_info_t *info,
                                  void *data) {
    ts_h5visit *v = data;
    (void)info;
    hid_t obj = H5Oopen(group, name, H5P_DEFAULT);
    if (obj < 0) {
        H5Eclear2(H5E_DEFAULT);
        return 0;
    }
    if (H5Iget_type(obj) == H5I_DATASET) {
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
    ts_h5visit v = {&t};
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
    }
    ts_txt_free(&t);
    H5Gclose(g);
    return st;
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
    const char *first = NULL;
    st = rc == 0 ? ts_h5_info_root(file, path, out) : TS_ERR_NOMEM;
    if (st == TS_OK) {
        st = ts_h5_info_grid(file, &keys, out);
    }
    if (st == TS_OK) {
        st = ts_h5_info_runs(runs, &names, &keys, out, &first);
    }
    if (st == TS_OK) {
        st = ts_h5_info_datasets(runs, first, out);
    }
    if (st != TS_OK) {
        st = ts_error_set(err, TS_ERR_NOMEM, "%s: out of memory", path);
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
