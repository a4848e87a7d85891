/* Checkpoints in the results file (docs/output.md, "Checkpoints"): a run's saved states
 * as /runs/rNNNNNN/checkpoints/dNNNNNN, written with the run, and read back for
 * `trustsim run --from`. A field "world/manager" is the dataset world/manager of the
 * checkpoint's group; a scalar is an attribute of its group. */
#include "checkpoint_h5.h"

#include "h5out_internal.h"
#include "h5util_internal.h"

#include <hdf5.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Attributes of a checkpoint's group that say what made it (not fields). */
static const char *const ckpt_identity[] = {
    "format",          "trustsim_version", "day",        "seed",    "run_index",
    "grid_point",      "replicate",        "modules",    "domains", "org.headcount",
    "org.warmup_days", "trust.capacity",   "description"};

static int ckpt_is_identity(const char *name) {
    for (size_t i = 0; i < sizeof ckpt_identity / sizeof ckpt_identity[0]; i++) {
        if (strcmp(ckpt_identity[i], name) == 0) {
            return 1;
        }
    }
    return 0;
}

static hid_t ckpt_file_type(ts_sio_type t) {
    switch (t) {
    case TS_SIO_U8:
    case TS_SIO_BYTES:
        return H5T_STD_U8LE;
    case TS_SIO_U16:
        return H5T_STD_U16LE;
    case TS_SIO_U32:
        return H5T_STD_U32LE;
    case TS_SIO_I32:
        return H5T_STD_I32LE;
    case TS_SIO_U64:
        return H5T_STD_U64LE;
    case TS_SIO_F32:
        return H5T_IEEE_F32LE;
    case TS_SIO_F64:
        return H5T_IEEE_F64LE;
    }
    return H5T_STD_U8LE;
}

static hid_t ckpt_mem_type(ts_sio_type t) {
    switch (t) {
    case TS_SIO_U8:
    case TS_SIO_BYTES:
        return H5T_NATIVE_UINT8;
    case TS_SIO_U16:
        return H5T_NATIVE_UINT16;
    case TS_SIO_U32:
        return H5T_NATIVE_UINT32;
    case TS_SIO_I32:
        return H5T_NATIVE_INT32;
    case TS_SIO_U64:
        return H5T_NATIVE_UINT64;
    case TS_SIO_F32:
        return H5T_NATIVE_FLOAT;
    case TS_SIO_F64:
        return H5T_NATIVE_DOUBLE;
    }
    return H5T_NATIVE_UINT8;
}

/* ---- Writing ------------------------------------------------------------------------------ */

/* The group at `path` (components separated by '/') under loc, made where missing. */
static hid_t ckpt_group(const ts_h5w *w, hid_t loc, const char *where, const char *path,
                        ts_status *st) {
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    hid_t cur = H5Gopen2(loc, ".", H5P_DEFAULT);
    for (char *p = buf; cur >= 0 && p && *p;) {
        char *slash = strchr(p, '/');
        if (slash) {
            *slash = '\0';
        }
        hid_t next;
        if (H5Lexists(cur, p, H5P_DEFAULT) > 0) {
            next = H5Gopen2(cur, p, H5P_DEFAULT);
        } else {
            next = ts_h5_group(w, cur, where, p, 0, st);
        }
        H5Gclose(cur);
        cur = next;
        p = slash ? slash + 1 : NULL;
    }
    if (cur < 0 && *st == TS_OK) {
        *st = ts_h5_fail(w->err, w->file, "create group", path);
    }
    return cur;
}

static ts_status ckpt_write_one(const ts_h5w *w, hid_t cks, const char *run, const ts_ckpt *ck) {
    ts_status st = TS_OK;
    char gname[32], where[256];
    snprintf(gname, sizeof gname, "d%06" PRId32, ck->day);
    snprintf(where, sizeof where, "%s/checkpoints/%s", run, gname);
    hid_t g = ts_h5_group(w, cks, where, gname, 0, &st);
    uint32_t u;
    int32_t i;
    if (st == TS_OK) {
        u = ck->format;
        st = ts_h5_attr(w, g, where, "format", H5T_STD_U32LE, H5T_NATIVE_UINT32, &u);
    }
    if (st == TS_OK) {
        st = ts_h5_attr_string(w, g, where, "trustsim_version", ck->version);
    }
    if (st == TS_OK) {
        st = ts_h5_attr(w, g, where, "day", H5T_STD_I32LE, H5T_NATIVE_INT32, &ck->day);
    }
    if (st == TS_OK) {
        st = ts_h5_attr(w, g, where, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &ck->seed);
    }
    const uint32_t ids[3] = {ck->run_index, ck->grid_point, ck->replicate};
    const char *id_names[3] = {"run_index", "grid_point", "replicate"};
    for (int k = 0; k < 3 && st == TS_OK; k++) {
        st = ts_h5_attr(w, g, where, id_names[k], H5T_STD_U32LE, H5T_NATIVE_UINT32, &ids[k]);
    }
    if (st == TS_OK) {
        st = ts_h5_attr_string(w, g, where, "modules", ck->modules);
    }
    if (st == TS_OK) {
        st = ts_h5_attr_string(w, g, where, "domains", ck->domains);
    }
    if (st == TS_OK) {
        u = ck->headcount;
        st = ts_h5_attr(w, g, where, "org.headcount", H5T_STD_U32LE, H5T_NATIVE_UINT32, &u);
    }
    if (st == TS_OK) {
        i = ck->warmup_days;
        st = ts_h5_attr(w, g, where, "org.warmup_days", H5T_STD_I32LE, H5T_NATIVE_INT32, &i);
    }
    if (st == TS_OK) {
        u = ck->capacity;
        st = ts_h5_attr(w, g, where, "trust.capacity", H5T_STD_U32LE, H5T_NATIVE_UINT32, &u);
    }
    for (size_t k = 0; k < ck->n && st == TS_OK; k++) {
        const ts_ckpt_item *it = &ck->items[k];
        char parent[256], obj[512];
        const char *slash = strrchr(it->name, '/');
        const char *leaf = slash ? slash + 1 : it->name;
        snprintf(parent, sizeof parent, "%.*s", slash ? (int)(slash - it->name) : 0, it->name);
        snprintf(obj, sizeof obj, "%s/%s", where, parent);
        hid_t pg = parent[0] ? ckpt_group(w, g, obj, parent, &st) : H5Gopen2(g, ".", H5P_DEFAULT);
        if (pg < 0) {
            if (st == TS_OK) {
                st = ts_h5_fail(w->err, w->file, "open group", obj);
            }
            break;
        }
        if (it->scalar) {
            st = ts_h5_attr(w, pg, obj, leaf, ckpt_file_type(it->type), ckpt_mem_type(it->type),
                            it->data);
        } else {
            hsize_t dims[2] = {it->count, it->elem};
            int rank = it->type == TS_SIO_BYTES ? 2 : 1;
            st = ts_h5_dataset(w, pg, obj, leaf, ckpt_file_type(it->type), ckpt_mem_type(it->type),
                               rank, dims, it->data, 1, "",
                               "Saved state of the run (docs/output.md, Checkpoints).");
        }
        H5Gclose(pg);
    }
    if (g >= 0) {
        H5Gclose(g);
    }
    return st;
}

typedef struct ckpt_list {
    ts_ckpt *const *cks;
    size_t n;
} ckpt_list;

static ts_status ckpt_write_all(void *ctx, const ts_h5w *w, hid_t g, const char *where) {
    const ckpt_list *l = ctx;
    ts_status st = TS_OK;
    char sub[256];
    snprintf(sub, sizeof sub, "%s/checkpoints", where);
    hid_t cks = ts_h5_group(w, g, where, "checkpoints", 0, &st);
    for (size_t i = 0; i < l->n && st == TS_OK; i++) {
        st = ckpt_write_one(w, cks, where, l->cks[i]);
    }
    if (cks >= 0) {
        H5Gclose(cks);
    }
    return st;
}

ts_status ts_ckpt_write_run(ts_h5file *f, const ts_result *r, ts_ckpt *const *cks, size_t n,
                            ts_error *err) {
    if (n == 0) {
        return ts_h5_write_run(f, r, err);
    }
    ckpt_list l = {cks, n};
    uint64_t bytes = 0;
    for (size_t i = 0; i < n; i++) {
        bytes += ts_ckpt_bytes(cks[i]);
    }
    return ts_h5_write_run_with(f, r, ckpt_write_all, &l, bytes, err);
}

/* ---- Reading ------------------------------------------------------------------------------ */

/* The checkpoint type of a dataset's or attribute's file type; -1 when none fits. */
static int ckpt_type_of(hid_t type, int rank) {
    H5T_class_t cls = H5Tget_class(type);
    size_t size = H5Tget_size(type);
    if (cls == H5T_FLOAT) {
        return size == 4 ? TS_SIO_F32 : size == 8 ? TS_SIO_F64 : -1;
    }
    if (cls != H5T_INTEGER) {
        return -1;
    }
    int sign = H5Tget_sign(type) == H5T_SGN_2;
    if (size == 1 && !sign) {
        return rank == 2 ? TS_SIO_BYTES : TS_SIO_U8;
    }
    if (size == 2 && !sign) {
        return TS_SIO_U16;
    }
    if (size == 4) {
        return sign ? TS_SIO_I32 : TS_SIO_U32;
    }
    if (size == 8 && !sign) {
        return TS_SIO_U64;
    }
    return -1;
}

typedef struct ckpt_reader {
    ts_ckpt *ck;
    const char *group; /* path of the group whose attributes are read, "" at the top */
    int failed;
    int nomem; /* failed for want of memory for an item */
} ckpt_reader;

static herr_t ckpt_read_attr(hid_t loc, const char *name, const H5A_info_t *info, void *data) {
    (void)info;
    ckpt_reader *r = data;
    if (!r->group[0] && ckpt_is_identity(name)) {
        return 0;
    }
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    hid_t type = a >= 0 ? H5Aget_type(a) : H5I_INVALID_HID;
    int t = type >= 0 ? ckpt_type_of(type, 0) : -1;
    if (t >= 0) {
        char path[512];
        snprintf(path, sizeof path, "%s%s%s", r->group, r->group[0] ? "/" : "", name);
        ts_ckpt_item *it =
            ts_ckpt_add(r->ck, path, (ts_sio_type)t, ts_sio_type_size((ts_sio_type)t), 1, 1, NULL);
        if (!it || H5Aread(a, ckpt_mem_type((ts_sio_type)t), it->data) < 0) {
            r->failed = 1;
            r->nomem |= !it;
        }
    }
    if (type >= 0) {
        H5Tclose(type);
    }
    if (a >= 0) {
        H5Aclose(a);
    }
    return r->failed ? -1 : 0;
}

static herr_t ckpt_visit(hid_t loc, const char *name, const H5L_info_t *info, void *data) {
    (void)info;
    ckpt_reader *r = data;
    hid_t obj = H5Oopen(loc, name, H5P_DEFAULT);
    if (obj < 0) {
        r->failed = 1;
        return -1;
    }
    if (H5Iget_type(obj) == H5I_GROUP) {
        ckpt_reader sub = {r->ck, name, 0, 0};
        if (H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, NULL, ckpt_read_attr, &sub) < 0) {
            r->failed = 1;
            r->nomem |= sub.nomem;
        }
    } else if (H5Iget_type(obj) == H5I_DATASET) {
        hid_t space = H5Dget_space(obj), type = H5Dget_type(obj);
        int rank = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
        hsize_t dims[2] = {0, 1};
        if (rank >= 1 && rank <= 2) {
            H5Sget_simple_extent_dims(space, dims, NULL);
        }
        int t = type >= 0 && rank >= 1 && rank <= 2 ? ckpt_type_of(type, rank) : -1;
        if (t >= 0 && (rank == 1 || t == TS_SIO_BYTES)) {
            size_t elem = t == TS_SIO_BYTES ? (size_t)dims[1] : ts_sio_type_size((ts_sio_type)t);
            ts_ckpt_item *it =
                ts_ckpt_add(r->ck, name, (ts_sio_type)t, elem, (size_t)dims[0], 0, NULL);
            if (!it || (dims[0] > 0 && H5Dread(obj, ckpt_mem_type((ts_sio_type)t), H5S_ALL, H5S_ALL,
                                               H5P_DEFAULT, it->data) < 0)) {
                r->failed = 1;
                r->nomem |= !it;
            }
        }
        if (space >= 0) {
            H5Sclose(space);
        }
        if (type >= 0) {
            H5Tclose(type);
        }
    }
    H5Oclose(obj);
    return r->failed ? -1 : 0;
}

/* A copy of s kept with the checkpoint (names of snapshot columns). */
static const char *ckpt_keep(ts_ckpt *ck, char *s) {
    if (!s) {
        return NULL;
    }
    char **p = realloc(ck->strs, (ck->n_strs + 1) * sizeof *p);
    if (!p) {
        free(s);
        return NULL;
    }
    ck->strs = p;
    ck->strs[ck->n_strs++] = s;
    return s;
}

/* The string attribute `name` of loc, kept with the checkpoint; NULL when it is absent (or
 * not a string), and then *nomem is set when it is there but could not be copied. */
static const char *ckpt_string_attr(ts_ckpt *ck, hid_t loc, const char *name, int *nomem) {
    char *v = ts_h5_read_string_attr(loc, name);
    if (!v && ts_h5_has_string_attr(loc, name)) {
        *nomem = 1;
    }
    const char *kept = ckpt_keep(ck, v);
    if (v && !kept) {
        *nomem = 1;
    }
    return kept;
}

/* The snapshots of days <= day of the run's group into past. */
static ts_status ckpt_read_snapshots(hid_t run, const char *shown, int32_t day, ts_ckpt *ck,
                                     ts_result *past, ts_error *err) {
    if (H5Lexists(run, "snapshots", H5P_DEFAULT) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        return TS_OK;
    }
    hid_t snaps = H5Gopen2(run, "snapshots", H5P_DEFAULT);
    ts_h5names names = {NULL, 0};
    ts_status st = TS_OK;
    int listed = snaps >= 0 ? ts_h5_list(snaps, H5_INDEX_NAME, &names) : -1;
    if (listed == -2) {
        st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    } else if (listed != 0) {
        st = ts_h5_fail(err, shown, "read", "snapshots");
    }
    for (size_t i = 0; i < names.n && st == TS_OK; i++) {
        hid_t g = H5Gopen2(snaps, names.names[i], H5P_DEFAULT);
        int32_t d = 0;
        if (g < 0 || !ts_h5_read_attr(g, "day", H5T_NATIVE_INT32, &d)) {
            st = ts_h5_fail(err, shown, "read", names.names[i]);
        } else if (d <= day) {
            ts_snapshot *snap = ts_result_add_snapshot(past, d);
            ts_h5names cols = {NULL, 0};
            /* In the order written where the file tracks it, else by name. */
            int got = snap ? ts_h5_list(g, H5_INDEX_CRT_ORDER, &cols) : -2;
            if (got == -1) {
                H5Eclear2(H5E_DEFAULT);
                got = ts_h5_list(g, H5_INDEX_NAME, &cols);
            }
            if (got == -2) {
                st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
            } else if (got != 0) {
                st = ts_h5_fail(err, shown, "read", names.names[i]);
            }
            for (size_t c = 0; c < cols.n && st == TS_OK; c++) {
                hid_t ds = H5Dopen2(g, cols.names[c], H5P_DEFAULT);
                hid_t space = ds >= 0 ? H5Dget_space(ds) : H5I_INVALID_HID;
                hid_t type = ds >= 0 ? H5Dget_type(ds) : H5I_INVALID_HID;
                hsize_t dims[2] = {0, 1};
                int rank = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
                if (rank >= 1 && rank <= 2) {
                    H5Sget_simple_extent_dims(space, dims, NULL);
                }
                H5T_class_t cls = type >= 0 ? H5Tget_class(type) : H5T_NO_CLASS;
                size_t size = type >= 0 ? H5Tget_size(type) : 0;
                ts_coltype ct = cls == H5T_FLOAT ? (size == 8 ? TS_COL_F64 : TS_COL_F32)
                                : H5Tget_sign(type) == H5T_SGN_2 ? TS_COL_I32
                                                                 : TS_COL_U32;
                void *data = NULL;
                if (rank < 1 || rank > 2) {
                    st = ts_h5_fail(err, shown, "read", cols.names[c]);
                } else if (strcmp(cols.names[c], "team_ids") == 0 ||
                           strcmp(cols.names[c], "team_trust") == 0) {
                    if (snap->k == 0 && dims[0] > 0 &&
                        ts_snapshot_set_teams(snap, (size_t)dims[0]) != TS_OK) {
                        st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
                    }
                    if (st == TS_OK && dims[0] > 0) {
                        int ids = cols.names[c][5] == 'i';
                        if (H5Dread(ds, ids ? H5T_NATIVE_UINT32 : H5T_NATIVE_FLOAT, H5S_ALL,
                                    H5S_ALL, H5P_DEFAULT,
                                    ids ? (void *)snap->team_ids : (void *)snap->team_trust) < 0) {
                            st = ts_h5_fail(err, shown, "read", cols.names[c]);
                        }
                    }
                } else {
                    int nomem = 0;
                    const char *name = ckpt_keep(ck, strdup(cols.names[c]));
                    const char *units = ckpt_string_attr(ck, ds, "units", &nomem);
                    const char *desc = ckpt_string_attr(ck, ds, "description", &nomem);
                    data = ts_table_add_column(&snap->edges, name, units, desc, ct, (size_t)dims[0],
                                               (size_t)dims[1]);
                    if (!name || !data || nomem) {
                        st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
                    } else if (dims[0] > 0) {
                        hid_t mt = ct == TS_COL_F64   ? H5T_NATIVE_DOUBLE
                                   : ct == TS_COL_F32 ? H5T_NATIVE_FLOAT
                                   : ct == TS_COL_I32 ? H5T_NATIVE_INT32
                                                      : H5T_NATIVE_UINT32;
                        if (H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
                            st = ts_h5_fail(err, shown, "read", cols.names[c]);
                        }
                    }
                }
                if (type >= 0) {
                    H5Tclose(type);
                }
                if (space >= 0) {
                    H5Sclose(space);
                }
                if (ds >= 0) {
                    H5Dclose(ds);
                }
            }
            ts_h5names_free(&cols);
        }
        if (g >= 0) {
            H5Gclose(g);
        }
    }
    ts_h5names_free(&names);
    if (snaps >= 0) {
        H5Gclose(snaps);
    }
    return st;
}

/* The days of the run's checkpoints, for messages ("30, 90" or "none"). */
static void ckpt_days_text(hid_t run, char *buf, size_t cap) {
    snprintf(buf, cap, "none");
    if (H5Lexists(run, "checkpoints", H5P_DEFAULT) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        return;
    }
    hid_t g = H5Gopen2(run, "checkpoints", H5P_DEFAULT);
    ts_h5names names = {NULL, 0};
    if (g >= 0 && ts_h5_list(g, H5_INDEX_NAME, &names) == 0 && names.n > 0) {
        size_t len = 0;
        buf[0] = '\0';
        for (size_t i = 0; i < names.n && len + 16 < cap; i++) {
            len += (size_t)snprintf(buf + len, cap - len, "%s%ld", i ? ", " : "",
                                    strtol(names.names[i] + 1, NULL, 10));
        }
    }
    ts_h5names_free(&names);
    if (g >= 0) {
        H5Gclose(g);
    }
    H5Eclear2(H5E_DEFAULT);
}

ts_status ts_ckpt_read(const char *path, uint64_t run, int32_t day, ts_ckpt **out, ts_result *past,
                       ts_error *err) {
    ts_h5quiet quiet;
    hid_t file = H5I_INVALID_HID, fapl = H5I_INVALID_HID, runs = H5I_INVALID_HID;
    hid_t rg = H5I_INVALID_HID, cg = H5I_INVALID_HID;
    ts_ckpt *ck = NULL;
    ts_status st = TS_OK;
    struct stat sb;
    char rname[32], cname[32], where[128];
    *out = NULL;
    if (stat(path, &sb) != 0) {
        return ts_error_set(err, TS_ERR_PARAM, "--from %s: cannot read the results file: %s", path,
                            strerror(errno));
    }
    ts_h5_quiet_begin(&quiet);
    if (H5Fis_hdf5(path) <= 0) {
        st = ts_error_set(err, TS_ERR_PARAM, "--from %s is not a trustsim results file (not HDF5)",
                          path);
        goto cleanup;
    }
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
        st = ts_error_set(err, TS_ERR_PARAM, "--from %s is not a trustsim results file (no /runs)",
                          path);
        goto cleanup;
    }
    snprintf(rname, sizeof rname, "r%06" PRIu64, run);
    if (!ts_h5_is_complete(runs, rname)) {
        ts_h5names names = {NULL, 0};
        size_t n = 0;
        if (ts_h5_list(runs, H5_INDEX_NAME, &names) == 0) {
            for (size_t i = 0; i < names.n; i++) {
                n += ts_h5_is_complete(runs, names.names[i]) != 0;
            }
        }
        ts_h5names_free(&names);
        st = ts_error_set(err, TS_ERR_PARAM,
                          "--run %" PRIu64 ": %s has no complete run %" PRIu64
                          " (expected one of its %zu complete runs, numbered from 0)",
                          run, path, run, n);
        goto cleanup;
    }
    rg = H5Gopen2(runs, rname, H5P_DEFAULT);
    snprintf(cname, sizeof cname, "checkpoints/d%06" PRId32, day);
    if (rg < 0 || day < 0 || H5Lexists(rg, "checkpoints", H5P_DEFAULT) <= 0 ||
        H5Lexists(rg, cname, H5P_DEFAULT) <= 0) {
        char days[256];
        H5Eclear2(H5E_DEFAULT);
        ckpt_days_text(rg, days, sizeof days);
        st = ts_error_set(err, TS_ERR_PARAM,
                          "--day %d: run %" PRIu64 " of %s has no checkpoint of day %d (expected "
                          "one of its checkpoint days: %s; output.checkpoints saves them)",
                          (int)day, run, path, (int)day, days);
        goto cleanup;
    }
    cg = H5Gopen2(rg, cname, H5P_DEFAULT);
    ck = ts_ckpt_new();
    if (cg < 0 || !ck) {
        st = cg < 0 ? ts_h5_fail(err, path, "open", cname)
                    : ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        goto cleanup;
    }
    snprintf(where, sizeof where, "/runs/%s/%s", rname, cname);
    uint32_t u32 = 0;
    int ok = ts_h5_read_attr(cg, "format", H5T_NATIVE_UINT32, &ck->format) &&
             ts_h5_read_attr(cg, "day", H5T_NATIVE_INT32, &ck->day) &&
             ts_h5_read_attr(cg, "seed", H5T_NATIVE_UINT64, &ck->seed) &&
             ts_h5_read_attr(cg, "org.headcount", H5T_NATIVE_UINT32, &ck->headcount) &&
             ts_h5_read_attr(cg, "org.warmup_days", H5T_NATIVE_INT32, &ck->warmup_days) &&
             ts_h5_read_attr(cg, "trust.capacity", H5T_NATIVE_UINT32, &ck->capacity);
    ck->version = ts_h5_read_string_attr(cg, "trustsim_version");
    ck->modules = ts_h5_read_string_attr(cg, "modules");
    ck->domains = ts_h5_read_string_attr(cg, "domains");
    if (ts_h5_read_attr(cg, "run_index", H5T_NATIVE_UINT32, &u32)) {
        ck->run_index = u32;
    }
    if (ts_h5_read_attr(cg, "grid_point", H5T_NATIVE_UINT32, &u32)) {
        ck->grid_point = u32;
    }
    if (ts_h5_read_attr(cg, "replicate", H5T_NATIVE_UINT32, &u32)) {
        ck->replicate = u32;
    }
    if ((!ck->version && ts_h5_has_string_attr(cg, "trustsim_version")) ||
        (!ck->modules && ts_h5_has_string_attr(cg, "modules")) ||
        (!ck->domains && ts_h5_has_string_attr(cg, "domains"))) {
        st = ts_error_set(err, TS_ERR_NOMEM, "out of memory"); /* there, but not copied */
        goto cleanup;
    }
    if (!ok || !ck->version || !ck->modules || !ck->domains) {
        H5Eclear2(H5E_DEFAULT);
        st = ts_error_set(err, TS_ERR_PARAM,
                          "--from %s: %s is not a whole checkpoint (expected the attributes "
                          "format, trustsim_version, day, seed, modules, domains, org.headcount, "
                          "org.warmup_days, trust.capacity)",
                          path, where);
        goto cleanup;
    }
    ckpt_reader r = {ck, "", 0, 0};
    if (H5Aiterate2(cg, H5_INDEX_NAME, H5_ITER_INC, NULL, ckpt_read_attr, &r) < 0 ||
        H5Lvisit(cg, H5_INDEX_NAME, H5_ITER_INC, ckpt_visit, &r) < 0 || r.failed) {
        if (r.nomem) {
            H5Eclear2(H5E_DEFAULT);
            st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        } else {
            st = ts_h5_fail(err, path, "read", where);
        }
        goto cleanup;
    }
    if (past) {
        st = ckpt_read_snapshots(rg, path, day, ck, past, err);
    }
cleanup:
    if (cg >= 0) {
        H5Gclose(cg);
    }
    if (rg >= 0) {
        H5Gclose(rg);
    }
    if (runs >= 0) {
        H5Gclose(runs);
    }
    if (file >= 0) {
        H5Fclose(file);
    }
    if (fapl >= 0) {
        H5Pclose(fapl);
    }
    H5Eclear2(H5E_DEFAULT);
    ts_h5_quiet_end(&quiet);
    if (st != TS_OK) {
        ts_ckpt_free(ck);
        return st;
    }
    *out = ck;
    return TS_OK;
}
