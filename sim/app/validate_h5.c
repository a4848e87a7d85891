/* /validation in a validation file (validate_internal.h; layout in docs/output.md,
 * "Validation files"): a group per pattern with its texts, result and scenarios, and the
 * scorecard as one dataset per column; and its reading back for `trustsim info`. One
 * thread at a time, like all of HDF5; HDF5's own error printing is silenced throughout. */
#include "validate_internal.h"

#include "h5out_internal.h"
#include "h5util_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Writing ---------------------------------------------------------------------------- */

static ts_status vh_pattern(const ts_h5w *w, hid_t pats, const ts_vh5pattern *p) {
    char where[256], arms_where[400], list[1024] = "";
    ts_status st = TS_OK;
    ts_vfmt(where, sizeof where, "/validation/patterns/%s", p->id);
    hid_t g = ts_h5_group(w, pats, "/validation/patterns", p->id, 1, &st);
    if (g < 0) {
        return st;
    }
    const char *names[] = {"title", "question", "source", "scenario_yaml"};
    const char *values[] = {p->title, p->question, p->source, p->scenario_yaml};
    for (size_t i = 0; i < 4 && st == TS_OK; i++) {
        st = ts_h5_attr_string(w, g, where, names[i], values[i]);
    }
    for (size_t a = 0; a < p->n_arms; a++) {
        size_t used = strlen(list);
        ts_vfmt(list + used, sizeof list - used, "%s%s", a ? "," : "", p->arms[a]);
    }
    uint8_t pass = p->pass != 0;
    uint32_t seeds = (uint32_t)p->seeds;
    if (st == TS_OK) {
        st = ts_h5_attr_string(w, g, where, "arms", list);
    }
    if (st == TS_OK) {
        st = ts_h5_attr(w, g, where, "seeds", H5T_STD_U32LE, H5T_NATIVE_UINT32, &seeds);
    }
    if (st == TS_OK) {
        st = ts_h5_attr(w, g, where, "pass", H5T_STD_U8LE, H5T_NATIVE_UINT8, &pass);
    }
    hid_t arms = st == TS_OK ? ts_h5_group(w, g, where, "arms", 1, &st) : H5I_INVALID_HID;
    ts_vfmt(arms_where, sizeof arms_where, "%s/arms", where);
    for (size_t a = 0; a < p->n_arms && st == TS_OK; a++) {
        char arm_where[500];
        ts_vfmt(arm_where, sizeof arm_where, "%s/%s", arms_where, p->arms[a]);
        hid_t ga = ts_h5_group(w, arms, arms_where, p->arms[a], 0, &st);
        uint32_t index = (uint32_t)a;
        if (ga >= 0) {
            st = ts_h5_attr(w, ga, arm_where, "index", H5T_STD_U32LE, H5T_NATIVE_UINT32, &index);
        }
        if (st == TS_OK) {
            st = ts_h5_attr_string(w, ga, arm_where, "scenario_yaml", p->arm_yaml[a]);
        }
        ts_h5_close_id(&ga);
    }
    ts_h5_close_id(&arms);
    ts_h5_close_id(&g);
    return st;
}

/* The columns of the scorecard, in the order they are written and read. */
typedef enum vh_col_type { VH_STRING, VH_DOUBLE, VH_U32, VH_FLAG } vh_col_type;

typedef struct vh_col {
    const char *name, *units, *description;
    vh_col_type type;
    size_t offset; /* of the field in ts_vrow */
} vh_col;

#define VH_COL(name, type, units, desc)                                                            \
    { #name, units, desc, type, offsetof(ts_vrow, name) }

static const vh_col vh_cols[] = {
    VH_COL(pattern, VH_STRING, "", "id of the pattern the check belongs to"),
    VH_COL(check, VH_STRING, "", "name of the check"),
    VH_COL(arms, VH_STRING, "", "the arm measured, or the two arms compared (a,b)"),
    VH_COL(as, VH_STRING, "",
           "how two arms are compared seed by seed: ratio (a/b) or difference (a-b); empty "
           "for one arm"),
    VH_COL(units, VH_STRING, "", "units of value, mean, sd and the interval (empty: none)"),
    VH_COL(value, VH_DOUBLE, "see units",
           "mean over the seeds of the measure (of the paired ratios or differences for a "
           "comparison)"),
    VH_COL(sd, VH_DOUBLE, "see units", "sample standard deviation over the seeds"),
    VH_COL(ci95_low, VH_DOUBLE, "see units",
           "lower end of the 95% confidence interval of the mean (t distribution, n-1 df)"),
    VH_COL(ci95_high, VH_DOUBLE, "see units",
           "upper end of the 95% confidence interval of the mean (t distribution, n-1 df)"),
    VH_COL(n, VH_U32, "seeds", "seeds with a value (pairs with both values for a comparison)"),
    VH_COL(target_min, VH_DOUBLE, "see units", "least mean that passes (NaN: none)"),
    VH_COL(target_max, VH_DOUBLE, "see units", "greatest mean that passes (NaN: none)"),
    VH_COL(welch_t, VH_DOUBLE, "",
           "Welch's t of the first arm's per-seed values against the second's (NaN for one "
           "arm)"),
    VH_COL(welch_t_min, VH_DOUBLE, "", "least Welch's t that passes (NaN: none)"),
    VH_COL(welch_t_max, VH_DOUBLE, "", "greatest Welch's t that passes (NaN: none)"),
    VH_COL(cohen_d, VH_DOUBLE, "",
           "Cohen's d (pooled sd) of the first arm against the second (NaN for one arm)"),
    VH_COL(cohen_d_min, VH_DOUBLE, "", "least Cohen's d that passes (NaN: none)"),
    VH_COL(cohen_d_max, VH_DOUBLE, "", "greatest Cohen's d that passes (NaN: none)"),
    VH_COL(pass, VH_FLAG, "", "1 if the check passes, else 0"),
};

enum { VH_N_COLS = sizeof vh_cols / sizeof vh_cols[0] };

static ts_status vh_scorecard(const ts_h5w *w, hid_t sc, const ts_vrow *rows, size_t n) {
    ts_status st = TS_OK;
    hsize_t dims[1] = {n};
    void *buf =
        calloc(n ? n : 1, sizeof(double) > sizeof(char *) ? sizeof(double) : sizeof(char *));
    hid_t strtype = ts_h5_string_type();
    if (!buf || strtype < 0) {
        free(buf);
        ts_h5_close_id(&strtype);
        return ts_error_set(w->err, TS_ERR_NOMEM, "%s: out of memory", w->file);
    }
    for (size_t c = 0; c < VH_N_COLS && st == TS_OK; c++) {
        const vh_col *col = &vh_cols[c];
        for (size_t i = 0; i < n; i++) {
            const char *field = (const char *)&rows[i] + col->offset;
            if (col->type == VH_STRING) {
                ((const char **)buf)[i] = *(const char *const *)field;
            } else if (col->type == VH_DOUBLE) {
                ((double *)buf)[i] = *(const double *)field;
            } else if (col->type == VH_U32) {
                ((uint32_t *)buf)[i] = *(const uint32_t *)field;
            } else {
                ((uint8_t *)buf)[i] = *(const int *)field != 0;
            }
        }
        hid_t ft = col->type == VH_STRING   ? strtype
                   : col->type == VH_DOUBLE ? H5T_IEEE_F64LE
                   : col->type == VH_U32    ? H5T_STD_U32LE
                                            : H5T_STD_U8LE;
        hid_t mt = col->type == VH_STRING   ? strtype
                   : col->type == VH_DOUBLE ? H5T_NATIVE_DOUBLE
                   : col->type == VH_U32    ? H5T_NATIVE_UINT32
                                            : H5T_NATIVE_UINT8;
        st = ts_h5_dataset(w, sc, "/validation/scorecard", col->name, ft, mt, 1, dims, buf, 0,
                           col->units, col->description);
    }
    ts_h5_close_id(&strtype);
    free(buf);
    return st;
}

ts_status ts_vh5_write(hid_t file, const char *path, const ts_vh5pattern *pats, size_t n_pats,
                       const ts_vrow *rows, size_t n_rows, ts_error *err) {
    ts_h5quiet quiet;
    ts_h5w w = {path, err, NULL};
    ts_status st = TS_OK;
    hid_t pg = H5I_INVALID_HID, sg = H5I_INVALID_HID;
    ts_h5_quiet_begin(&quiet);
    hid_t v = ts_h5_group(&w, file, "/", "validation", 1, &st);
    if (v >= 0) {
        st = ts_h5_attr_string(&w, v, "/validation", "description",
                               "pattern-oriented validation: the patterns run and the scorecard "
                               "of their checks (trustsim validate)");
    }
    if (st == TS_OK) {
        pg = ts_h5_group(&w, v, "/validation", "patterns", 1, &st);
    }
    for (size_t i = 0; i < n_pats && st == TS_OK; i++) {
        st = vh_pattern(&w, pg, &pats[i]);
    }
    if (st == TS_OK) {
        sg = ts_h5_group(&w, v, "/validation", "scorecard", 1, &st);
    }
    if (st == TS_OK) {
        st = vh_scorecard(&w, sg, rows, n_rows);
    }
    ts_h5_close_id(&sg);
    ts_h5_close_id(&pg);
    ts_h5_close_id(&v);
    ts_h5_quiet_end(&quiet);
    return st;
}

/* ---- Reading back ----------------------------------------------------------------------- */

/* Column c of /validation/scorecard into rows[0..n) (strings into strs[c], to free): 1 when
 * read, 0 when it cannot be read, -1 when memory ran out. */
static int vh_read_col(hid_t sc, size_t c, ts_vrow *rows, size_t n, char **strs) {
    const vh_col *col = &vh_cols[c];
    hid_t d = H5Dopen2(sc, col->name, H5P_DEFAULT);
    hid_t space = d >= 0 ? H5Dget_space(d) : H5I_INVALID_HID;
    int ok = space >= 0 && (size_t)H5Sget_simple_extent_npoints(space) == n;
    hid_t strtype = ts_h5_string_type();
    void *buf = calloc(n ? n : 1, sizeof(double));
    int nomem = !buf;
    if (ok && buf && strtype >= 0) {
        hid_t mt = col->type == VH_STRING   ? strtype
                   : col->type == VH_DOUBLE ? H5T_NATIVE_DOUBLE
                   : col->type == VH_U32    ? H5T_NATIVE_UINT32
                                            : H5T_NATIVE_UINT8;
        ok = n == 0 || H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0;
        for (size_t i = 0; ok && i < n; i++) {
            char *field = (char *)&rows[i] + col->offset;
            if (col->type == VH_STRING) {
                char *s = ((char **)buf)[i];
                strs[i] = s ? strdup(s) : strdup("");
                *(const char **)field = strs[i] ? strs[i] : "";
                nomem |= !strs[i];
            } else if (col->type == VH_DOUBLE) {
                *(double *)field = ((double *)buf)[i];
            } else if (col->type == VH_U32) {
                *(uint32_t *)field = ((uint32_t *)buf)[i];
            } else {
                *(int *)field = ((uint8_t *)buf)[i] != 0;
            }
        }
        if (col->type == VH_STRING && n > 0 && ok) {
            ts_h5_reclaim(strtype, space, buf);
        }
    } else {
        ok = 0;
    }
    free(buf);
    ts_h5_close_id(&strtype);
    ts_h5_close_id(&space);
    ts_h5_close_id(&d);
    H5Eclear2(H5E_DEFAULT);
    return nomem ? -1 : ok;
}

ts_status ts_vh5_print(hid_t file, const char *path, FILE *out, ts_error *err) {
    ts_status st = TS_OK;
    ts_h5names names = {NULL, 0};
    ts_vrow *rows = NULL;
    ts_vprow *pats = NULL;
    char **strs = NULL, **titles = NULL;
    size_t n = 0;
    hid_t pg = H5Gopen2(file, "validation/patterns", H5P_DEFAULT);
    hid_t sc = H5Gopen2(file, "validation/scorecard", H5P_DEFAULT);
    hid_t d = sc >= 0 ? H5Dopen2(sc, "pattern", H5P_DEFAULT) : H5I_INVALID_HID;
    hid_t space = d >= 0 ? H5Dget_space(d) : H5I_INVALID_HID;
    int listed = pg >= 0 && space >= 0 ? ts_h5_list(pg, H5_INDEX_CRT_ORDER, &names) : -1;
    if (listed != 0) {
        st = listed == -2
                 ? ts_error_set(err, TS_ERR_NOMEM, "%s: out of memory", path)
                 : ts_error_set(err, TS_ERR_PARAM,
                                "%s: cannot read /validation (not a validation file?)", path);
        goto cleanup;
    }
    n = (size_t)H5Sget_simple_extent_npoints(space);
    rows = calloc(n + 1, sizeof *rows);
    strs = calloc((n + 1) * VH_N_COLS, sizeof *strs);
    pats = calloc(names.n + 1, sizeof *pats);
    titles = calloc(names.n + 1, sizeof *titles);
    if (!rows || !strs || !pats || !titles) {
        st = ts_error_set(err, TS_ERR_NOMEM, "%s: out of memory", path);
        goto cleanup;
    }
    for (size_t c = 0; c < VH_N_COLS; c++) {
        int got = vh_read_col(sc, c, rows, n, strs + c * (n + 1));
        if (got != 1) {
            st = got < 0
                     ? ts_error_set(err, TS_ERR_NOMEM, "%s: out of memory", path)
                     : ts_error_set(err, TS_ERR_PARAM, "%s: cannot read /validation/scorecard/%s",
                                    path, vh_cols[c].name);
            goto cleanup;
        }
    }
    for (size_t i = 0; i < names.n && st == TS_OK; i++) {
        hid_t g = H5Gopen2(pg, names.names[i], H5P_DEFAULT);
        titles[i] = g >= 0 ? ts_h5_read_string_attr(g, "title") : NULL;
        if (!titles[i] && g >= 0 && ts_h5_has_string_attr(g, "title")) {
            st = ts_error_set(err, TS_ERR_NOMEM, "%s: out of memory", path); /* not copied */
        }
        ts_h5_close_id(&g);
        pats[i].id = names.names[i];
        pats[i].title = titles[i] ? titles[i] : "";
    }
    if (st != TS_OK) {
        goto cleanup;
    }
    char *file_attr = ts_h5_read_string_attr(file, "patterns_file");
    uint8_t quick = 0;
    ts_h5_read_attr(file, "quick", H5T_NATIVE_UINT8, &quick);
    char what[600];
    ts_vfmt(what, sizeof what, "\nscorecard of %s%s", file_attr ? file_attr : "the patterns",
            quick ? " (--quick)" : "");
    free(file_attr);
    ts_validate_print(out, what, pats, names.n, rows, n);
cleanup:
    for (size_t i = 0; strs && i < (n + 1) * VH_N_COLS; i++) {
        free(strs[i]);
    }
    for (size_t i = 0; titles && i < names.n; i++) {
        free(titles[i]);
    }
    free(titles);
    free(strs);
    free(pats);
    free(rows);
    ts_h5names_free(&names);
    ts_h5_close_id(&space);
    ts_h5_close_id(&d);
    ts_h5_close_id(&sc);
    ts_h5_close_id(&pg);
    H5Eclear2(H5E_DEFAULT);
    return st;
}
