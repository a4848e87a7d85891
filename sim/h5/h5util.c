/* Helpers shared by the HDF5 results writer (sim/h5/h5out.c), `trustsim info`
 * (sim/app/h5info.c) and `trustsim compare` (sim/app/compare.c): HDF5 error reporting, handle
 * closing, the string type, numbers in text, reading attributes, run groups, link lists
 * and the sweep grid, and aligned text tables (see h5util_internal.h). */
#include "h5util_internal.h"
#include "h5out.h"

#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Errors ---------------------------------------------------------------------- */

void ts_h5_quiet_begin(ts_h5quiet *q) {
    q->func = NULL;
    q->data = NULL;
    H5Eget_auto2(H5E_DEFAULT, &q->func, &q->data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

void ts_h5_quiet_end(const ts_h5quiet *q) {
    H5Eset_auto2(H5E_DEFAULT, q->func, q->data);
}

/* What a failed HDF5 call says, reduced to what a user can act on: the system's reason
 * when HDF5 quotes one ("errno = 28" in its low-level messages), a file lock held by
 * another program, else HDF5's own innermost description without its internal details. */
typedef struct ts_h5_reason {
    int sys_errno;   /* first errno quoted, 0 if none */
    int locked;      /* a file-lock failure somewhere in the stack */
    char first[160]; /* the innermost description, cut at its first comma */
} ts_h5_reason;

static herr_t ts_h5_scan_error(unsigned n, const H5E_error2_t *e, void *data) {
    ts_h5_reason *r = data;
    const char *d = e->desc ? e->desc : "";
    if (e->min_num == H5E_CANTLOCKFILE || strstr(d, "unable to lock")) {
        r->locked = 1;
    }
    const char *q = strstr(d, "errno = ");
    if (q && r->sys_errno == 0) {
        r->sys_errno = atoi(q + 8);
    }
    if (n == 0) {
        size_t len = strcspn(d, ",");
        if (len >= sizeof r->first) {
            len = sizeof r->first - 1;
        }
        memcpy(r->first, d, len);
        r->first[len] = '\0';
    }
    return 0;
}

static int ts_h5_verbose_flag;
static int ts_h5_unclosed_flag;

void ts_h5_set_verbose(int on) {
    ts_h5_verbose_flag = on != 0;
}

void ts_h5_mark_unclosed(void) {
    ts_h5_unclosed_flag = 1;
}

int ts_h5_unclosed(void) {
    return ts_h5_unclosed_flag;
}

void ts_h5_library_open(void) {
    /* HDF5 would otherwise register its own exit handler at its first call. */
    H5dont_atexit();
}

void ts_h5_library_close(void) {
    if (!ts_h5_unclosed_flag) {
        H5close();
    }
}

ts_status ts_h5_fail(ts_error *err, const char *file, const char *action, const char *object) {
    ts_h5_reason r = {0, 0, ""};
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, ts_h5_scan_error, &r);
    if (ts_h5_verbose_flag) {
        fprintf(stderr, "trustsim: HDF5's error stack (--verbose):\n");
        H5Eprint2(H5E_DEFAULT, stderr);
    }
    H5Eclear2(H5E_DEFAULT);
    const char *detail = r.first;
    if (r.locked) {
        detail = "the file is open in another program (HDF5's file lock)";
    } else if (r.sys_errno > 0) {
        detail = strerror(r.sys_errno);
    }
    return ts_error_set(err, TS_ERR_HDF5, "%s: cannot %s %s%s%s", file, action, object,
                        detail[0] ? ": " : "", detail);
}

void ts_h5_close_id(hid_t *id) {
    if (*id < 0) {
        return;
    }
    switch (H5Iget_type(*id)) {
    case H5I_FILE:
        if (H5Fclose(*id) < 0) {
            ts_h5_mark_unclosed();
        }
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

void ts_h5_reclaim(hid_t type, hid_t space, void *buf) {
#if H5_VERSION_GE(1, 12, 0)
    H5Treclaim(type, space, H5P_DEFAULT, buf);
#else
    H5Dvlen_reclaim(type, space, H5P_DEFAULT, buf);
#endif
}

/* ---- Strings and numbers ------------------------------------------------------------ */

hid_t ts_h5_string_type(void) {
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

hid_t ts_h5_file_access(void) {
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl >= 0 && H5Pset_evict_on_close(fapl, 1) < 0) {
        H5Pclose(fapl);
        return H5I_INVALID_HID;
    }
    return fapl;
}

hid_t ts_h5_file_open_rw(const char *path) {
    hid_t fapl = ts_h5_file_access();
    hid_t file = fapl >= 0 ? H5Fopen(path, H5F_ACC_RDWR, fapl) : H5I_INVALID_HID;
    if (fapl >= 0) {
        H5Pclose(fapl);
    }
    return file;
}

hid_t ts_h5_file_create(const char *path) {
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    if (fcpl < 0) {
        return fcpl;
    }
    hid_t fapl = ts_h5_file_access();
    hid_t file = H5I_INVALID_HID;
    if (fapl >= 0 && H5Pset_istore_k(fcpl, TS_H5_ISTORE_K) >= 0) {
        file = H5Fcreate(path, H5F_ACC_TRUNC, fcpl, fapl);
    }
    if (fapl >= 0) {
        H5Pclose(fapl);
    }
    H5Pclose(fcpl);
    return file;
}

int ts_h5_parse_number(const char *text, double *out) {
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

/* ---- Reading helpers ------------------------------------------------------------------ */

char *ts_h5_read_string_attr(hid_t loc, const char *name) {
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

int ts_h5_has_string_attr(hid_t loc, const char *name) {
    int yes = 0;
    if (H5Aexists(loc, name) > 0) {
        hid_t attr = H5Aopen(loc, name, H5P_DEFAULT);
        hid_t type = attr >= 0 ? H5Aget_type(attr) : H5I_INVALID_HID;
        hid_t space = attr >= 0 ? H5Aget_space(attr) : H5I_INVALID_HID;
        yes = type >= 0 && space >= 0 && H5Tget_class(type) == H5T_STRING &&
              H5Sget_simple_extent_npoints(space) == 1;
        ts_h5_close_id(&space);
        ts_h5_close_id(&type);
        ts_h5_close_id(&attr);
    }
    H5Eclear2(H5E_DEFAULT);
    return yes;
}

int ts_h5_run_index(const char *name, uint64_t *index) {
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

int ts_h5_is_complete(hid_t runs, const char *name) {
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

void ts_h5names_free(ts_h5names *l) {
    for (size_t i = 0; i < l->n; i++) {
        free(l->names[i]);
    }
    free(l->names);
    l->names = NULL;
    l->n = 0;
}

int ts_h5_list(hid_t group, H5_index_t index, ts_h5names *out) {
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

/* ---- Text tables ---------------------------------------------------------------------- */

void ts_txt_add(ts_txt *t, const char *fmt, ...) {
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
void ts_txt_print(const ts_txt *t, FILE *out, const char *indent) {
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

void ts_txt_free(ts_txt *t) {
    for (size_t i = 0; i < t->n; i++) {
        free(t->cells[i]);
    }
    free(t->cells);
    t->cells = NULL;
    t->n = t->n_alloc = 0;
}

/* A scalar attribute read as mem_type; returns 1 when read. */
int ts_h5_read_attr(hid_t loc, const char *name, hid_t mem_type, void *value) {
    int ok = 0;
    if (H5Aexists(loc, name) > 0) {
        hid_t attr = H5Aopen(loc, name, H5P_DEFAULT);
        ok = attr >= 0 && H5Aread(attr, mem_type, value) >= 0;
        ts_h5_close_id(&attr);
    }
    H5Eclear2(H5E_DEFAULT);
    return ok;
}

/* The grid keys in sweep order (creation order when it was tracked, else by name). */
int ts_h5_grid_keys(hid_t grid, ts_h5names *keys) {
    int rc = ts_h5_list(grid, H5_INDEX_CRT_ORDER, keys);
    if (rc == -1) {
        H5Eclear2(H5E_DEFAULT);
        rc = ts_h5_list(grid, H5_INDEX_NAME, keys);
    }
    return rc;
}

/* One grid dataset's values as text cells (strings or numbers), n of them. */
char **ts_h5_grid_values(hid_t grid, const char *key, size_t *n) {
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
            ts_h5_reclaim(mtype, space, v);
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

void ts_h5_free_cells(char **cells, size_t n) {
    for (size_t i = 0; cells && i < n; i++) {
        free(cells[i]);
    }
    free(cells);
}
