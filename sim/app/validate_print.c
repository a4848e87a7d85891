/* The scorecard of `trustsim validate` as text (validate.h): one line per check with its
 * mean and 95 % interval, target, Welch's t and Cohen's d where bounded, and result; one
 * line per pattern; a total. Shared by `validate` and `info` on a validation file. */
#include "validate_internal.h"

#include "h5util_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Lines stay within VR_LINE columns where the numbers allow: check names and pattern
 * titles longer than the room left are cut ("..."), but never below VR_NAME_MIN. */
enum { VR_LINE = 100, VR_NAME_MIN = 16, VR_NAME_MAX = 60, VR_COLS = 8 };

/* s cut to at most max characters (UTF-8 aware), "..." marking a cut, into buf. */
static void vr_cut(char *buf, size_t cap, const char *s, size_t max) {
    size_t chars = 0, i = 0, keep = 0;
    for (; s[i]; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (chars == max - 3) {
                keep = i;
            }
            chars++;
        }
    }
    if (chars <= max) {
        ts_vfmt(buf, cap, "%s", s);
    } else {
        ts_vfmt(buf, cap, "%.*s...", (int)keep, s);
    }
}

static void vr_target(char *buf, size_t cap, double min, double max) {
    if (!isnan(min) && !isnan(max)) {
        ts_vfmt(buf, cap, "[%g, %g]", min, max);
    } else if (!isnan(min)) {
        ts_vfmt(buf, cap, ">= %g", min);
    } else if (!isnan(max)) {
        ts_vfmt(buf, cap, "<= %g", max);
    } else {
        ts_vfmt(buf, cap, "any");
    }
}

/* A statistic shown where the check bounds it, "-" elsewhere. */
static void vr_bounded(char *buf, double x, double min, double max) {
    if (isnan(min) && isnan(max)) {
        ts_vfmt(buf, 160, "-");
    } else if (isnan(x)) {
        ts_vfmt(buf, 160, "NaN");
    } else {
        ts_vfmt(buf, 160, "%.3g", x);
    }
}

/* The cells of one check's line; cells[1] is its full name. */
static void vr_cells(const ts_vrow *r, char cells[VR_COLS][160]) {
    ts_vfmt(cells[0], 160, "%s", r->pattern);
    ts_vfmt(cells[1], 160, "%s", r->check);
    if (isnan(r->value)) {
        ts_vfmt(cells[2], 160, "NaN");
    } else if (isnan(r->ci95_low)) {
        ts_vfmt(cells[2], 160, "%.3g", r->value);
    } else {
        ts_vfmt(cells[2], 160, "%.3g [%.3g, %.3g]", r->value, r->ci95_low, r->ci95_high);
    }
    vr_target(cells[3], 160, r->target_min, r->target_max);
    vr_bounded(cells[4], r->welch_t, r->welch_t_min, r->welch_t_max);
    vr_bounded(cells[5], r->cohen_d, r->cohen_d_min, r->cohen_d_max);
    ts_vfmt(cells[6], 160, "%u", (unsigned)r->n);
    ts_vverdict v = ts_vjudge(r);
    int k = ts_vfmt(cells[7], 160, "%s", r->pass ? "PASS" : "FAIL");
    if (!r->pass && (v.n || v.t || v.d)) {
        ts_vfmt(cells[7] + k, (size_t)(160 - k), " (%s%s%s%s)", v.n ? "n<2" : "",
                v.n && (v.t || v.d) ? ", " : "", v.t ? "t" : "", v.d ? (v.t ? ", d" : "d") : "");
    }
}

static size_t vr_width(const char *s) {
    size_t w = 0;
    for (; *s; s++) {
        w += ((unsigned char)*s & 0xC0) != 0x80;
    }
    return w;
}

size_t ts_validate_print(FILE *out, const char *what, const ts_vprow *pats, size_t n_pats,
                         const ts_vrow *rows, size_t n_rows) {
    static const char *const heads[VR_COLS] = {"id", "check", "mean [95% CI]", "target", "t",
                                               "d",  "n",     "result"};
    size_t failed = 0, checks_pass = 0, widths[VR_COLS] = {0};
    int show[VR_COLS] = {1, 1, 1, 1, 0, 0, 1, 1};
    char cells[VR_COLS][160], name[VR_NAME_MAX * 4 + 8];
    /* t and d have a column when some check bounds them; the room for names is what the
     * other columns leave of the line. */
    for (size_t c = 0; c < VR_COLS; c++) {
        widths[c] = vr_width(heads[c]);
    }
    for (size_t i = 0; i < n_rows; i++) {
        vr_cells(&rows[i], cells);
        show[4] |= !isnan(rows[i].welch_t_min) || !isnan(rows[i].welch_t_max);
        show[5] |= !isnan(rows[i].cohen_d_min) || !isnan(rows[i].cohen_d_max);
        for (size_t c = 0; c < VR_COLS; c++) {
            size_t w = vr_width(cells[c]);
            widths[c] = w > widths[c] ? w : widths[c];
        }
    }
    size_t used = 2, room, n_cols = 0;
    for (size_t c = 0; c < VR_COLS; c++) {
        n_cols += (size_t)show[c];
        used += show[c] && c != 1 ? widths[c] + 2 : 0;
    }
    room = used + VR_NAME_MIN < VR_LINE ? VR_LINE - used : VR_NAME_MIN;
    room = room > VR_NAME_MAX ? VR_NAME_MAX : room;
    ts_txt t = {.n_cols = n_cols};
    for (size_t c = 0; c < VR_COLS; c++) {
        if (show[c]) {
            ts_txt_add(&t, "%s", heads[c]);
        }
    }
    for (size_t p = 0; p < n_pats; p++) {
        for (size_t i = 0; i < n_rows; i++) {
            if (strcmp(rows[i].pattern, pats[p].id) != 0) {
                continue;
            }
            vr_cells(&rows[i], cells);
            vr_cut(name, sizeof name, rows[i].check, room);
            for (size_t c = 0; c < VR_COLS; c++) {
                if (show[c]) {
                    ts_txt_add(&t, "%s", c == 1 ? name : cells[c]);
                }
            }
        }
    }
    fprintf(out, "%s\n", what);
    if (!t.failed) {
        ts_txt_print(&t, out, "  ");
    } else { /* the verdicts below and the results file still say everything */
        fprintf(out, "  (out of memory: the table of checks is left out)\n");
    }
    ts_txt_free(&t);
    fputc('\n', out);
    for (size_t p = 0; p < n_pats; p++) {
        size_t n = 0, pass = 0;
        for (size_t i = 0; i < n_rows; i++) {
            if (strcmp(rows[i].pattern, pats[p].id) == 0) {
                n++;
                pass += rows[i].pass != 0;
            }
        }
        char head[96], tail[64], title[VR_LINE * 4];
        int ok = pass == n && n > 0;
        failed += !ok;
        checks_pass += pass;
        size_t hl =
            (size_t)ts_vfmt(head, sizeof head, "%s  %s  ", pats[p].id, ok ? "PASS" : "FAIL");
        size_t tl = (size_t)ts_vfmt(tail, sizeof tail, " (%zu of %zu check%s passed)", pass, n,
                                    n == 1 ? "" : "s");
        size_t room = hl + tl + 8 < VR_LINE ? VR_LINE - hl - tl : 8;
        vr_cut(title, sizeof title, pats[p].title, room);
        fprintf(out, "%s%s%s\n", head, title, tail);
    }
    fprintf(out, "total: %zu of %zu pattern%s passed, %zu of %zu check%s\n", n_pats - failed,
            n_pats, n_pats == 1 ? "" : "s", checks_pass, n_rows, n_rows == 1 ? "" : "s");
    return failed;
}
