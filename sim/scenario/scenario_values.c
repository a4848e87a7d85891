/* The bottom layer of the scenario loader (sim/scenario/scenario_values.h): typed values read from
 * YAML nodes and checked against their keys, copied, cleared and written as YAML text; the
 * "FILE:LINE:COL: path: message" errors built from marks; "did you mean" suggestions; and
 * the containers made of values (events, sweep entries and their grid, named variants).
 * Nothing here looks a key up: that is the index, one layer up. */
#include "scenario_values.h"
#include "yamlio.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Values ------------------------------------------------------------------------- */

char *sc_join(const char *prefix, const char *key) {
    size_t np = strlen(prefix);
    size_t nk = strlen(key);
    char *s = malloc(np + nk + 2);
    if (s == NULL) {
        return NULL;
    }
    if (np == 0) {
        memcpy(s, key, nk + 1);
    } else {
        memcpy(s, prefix, np);
        s[np] = '.';
        memcpy(s + np + 1, key, nk + 1);
    }
    return s;
}

void sc_value_clear(sc_value *v) {
    if (v->items != NULL) {
        for (size_t i = 0; i < v->n; i++) {
            free(v->items[i]);
        }
    }
    free(v->items);
    free(v->pts);
    free(v->s);
    memset(v, 0, sizeof *v);
}

/* Deep copy; on failure dst is left cleared and 0 returned. */
int sc_value_dup(const sc_value *src, sc_value *dst) {
    *dst = *src;
    dst->s = NULL;
    dst->items = NULL;
    dst->pts = NULL;
    if (src->s != NULL && (dst->s = strdup(src->s)) == NULL) {
        goto fail;
    }
    if (src->items != NULL) {
        dst->items = calloc(src->n ? src->n : 1, sizeof *dst->items);
        if (dst->items == NULL) {
            goto fail;
        }
        for (size_t i = 0; i < src->n; i++) {
            if ((dst->items[i] = strdup(src->items[i])) == NULL) {
                goto fail;
            }
        }
    }
    if (src->pts != NULL) {
        dst->pts = malloc((src->n ? 2 * src->n : 1) * sizeof *dst->pts);
        if (dst->pts == NULL) {
            goto fail;
        }
        memcpy(dst->pts, src->pts, 2 * src->n * sizeof *dst->pts);
    }
    return 1;
fail:
    sc_value_clear(dst);
    return 0;
}

/* A value's text as YAML, for sweep values ("0.5", "linear", "true"). */
char *sc_value_text(const ts_param *p, const sc_value *v) {
    char buf[64];
    switch (p->type) {
    case TS_PT_INT:
        snprintf(buf, sizeof buf, "%" PRId64, v->i);
        return strdup(buf);
    case TS_PT_REAL:
        ts_yaml_format_real(v->r, buf, sizeof buf);
        return strdup(buf);
    case TS_PT_BOOL:
        return strdup(v->b ? "true" : "false");
    case TS_PT_STRING:
    case TS_PT_ENUM:
        return ts_yaml_string_text(v->s ? v->s : "");
    default:
        return strdup("");
    }
}

/* ---- Messages ----------------------------------------------------------------------- */

static void sc_prefix(const ts_scenario *sc, sc_mark m, char *buf, size_t cap) {
    const sc_source *s = (m.src > 0 && (size_t)m.src < sc->n_srcs) ? &sc->srcs[m.src] : NULL;
    if (s == NULL || s->name == NULL) {
        snprintf(buf, cap, "%s%s", sc->top ? sc->top : "", sc->top ? ": " : "");
    } else if (s->is_set) {
        snprintf(buf, cap, "--set %s: ", s->name);
    } else {
        snprintf(buf, cap, "%s:%d:%d: ", s->name, m.line, m.col);
    }
}

ts_status sc_vfail(const ts_scenario *sc, sc_mark m, const char *path, ts_error *err,
                   const char *fmt, va_list ap) {
    char prefix[512];
    char msg[1024];
    sc_prefix(sc, m, prefix, sizeof prefix);
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (path != NULL && path[0] != '\0') {
        return ts_error_set(err, TS_ERR_SCENARIO, "%s%s: %s", prefix, path, msg);
    }
    return ts_error_set(err, TS_ERR_SCENARIO, "%s%s", prefix, msg);
}

ts_status sc_mark_fail(const ts_scenario *sc, sc_mark m, const char *path, ts_error *err,
                       const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    ts_status st = sc_vfail(sc, m, path, err, fmt, ap);
    va_end(ap);
    return st;
}

sc_mark sc_node_mark(const sc_ctx *c, const ts_ynode *at) {
    sc_mark m = {.src = c->src, .line = at ? at->line : 0, .col = at ? at->col : 0};
    return m;
}

/* "FILE:LINE:COL: path: message" at a node of the document being read; inside a
 * variant the path is shown under it ("sweep.variants[1].days"). */
ts_status sc_fail(const sc_ctx *c, const ts_ynode *at, const char *path, const char *fmt, ...) {
    char shown[700];
    va_list ap;
    if (c->where != NULL) {
        snprintf(shown, sizeof shown, "%s%s%s", c->where, (path && path[0]) ? "." : "",
                 path ? path : "");
        path = shown;
    }
    va_start(ap, fmt);
    ts_status st = sc_vfail(c->sc, sc_node_mark(c, at), path, c->err, fmt, ap);
    va_end(ap);
    return st;
}

ts_status sc_nomem(ts_error *err) {
    return ts_error_set(err, TS_ERR_NOMEM, "out of memory while reading the scenario");
}

/* A bound of a range as short text; "" if infinite. */
static void sc_bound(double x, char *buf, size_t cap) {
    if (!isfinite(x)) {
        buf[0] = '\0';
    } else {
        ts_yaml_format_real(x, buf, cap);
    }
}

/* What a key accepts, for "(got ..., expected ...)". */
static void sc_expect(const ts_param *p, char *buf, size_t cap) {
    char lo[40];
    char hi[40];
    const char *noun = "a number";
    sc_bound(p->min, lo, sizeof lo);
    sc_bound(p->max, hi, sizeof hi);
    switch (p->type) {
    case TS_PT_INT:
    case TS_PT_REAL:
        if (p->type == TS_PT_INT) {
            noun = "an integer";
        } else if (p->min == 0 && p->max == 1 && p->units != NULL &&
                   strcmp(p->units, "probability") == 0) {
            noun = "a probability";
        }
        if (lo[0] && hi[0]) {
            snprintf(buf, cap, "%s in [%s, %s]", noun, lo, hi);
        } else if (lo[0]) {
            snprintf(buf, cap, "%s >= %s", noun, lo);
        } else if (hi[0]) {
            snprintf(buf, cap, "%s <= %s", noun, hi);
        } else {
            snprintf(buf, cap, "%s", noun);
        }
        break;
    case TS_PT_BOOL:
        snprintf(buf, cap, "true or false");
        break;
    case TS_PT_STRING:
        if (p->format == TS_PF_STEM) {
            snprintf(buf, cap,
                     "empty, or at most %s letters, digits, '.', '_' and '-', not starting "
                     "with '.' or '-'",
                     hi);
        } else if (p->max > 0) {
            snprintf(buf, cap, "a string of at most %s characters", hi);
        } else {
            snprintf(buf, cap, "a string");
        }
        break;
    case TS_PT_ENUM: {
        size_t used = (size_t)snprintf(buf, cap, "one of ");
        for (const char *c = p->choices ? p->choices : ""; *c && used + 3 < cap; c++) {
            if (*c == '|') {
                buf[used++] = ',';
                buf[used++] = ' ';
            } else {
                buf[used++] = *c;
            }
        }
        buf[used < cap ? used : cap - 1] = '\0';
        break;
    }
    case TS_PT_STRLIST:
        snprintf(buf, cap, "a list of %s to %s unique %s", lo, hi,
                 p->format == TS_PF_INTEGERS ? "integers" : "names");
        break;
    case TS_PT_POINTS:
        snprintf(buf, cap, "a list of %s to %s [x, y] pairs with x increasing", lo, hi);
        break;
    }
}

/* ---- Did you mean ------------------------------------------------------------------- */

static size_t sc_distance(const char *a, size_t na, const char *b, size_t nb) {
    enum { MAXLEN = 128 };
    size_t row[MAXLEN + 1];
    if (na > MAXLEN || nb > MAXLEN) {
        return (size_t)-1;
    }
    for (size_t j = 0; j <= nb; j++) {
        row[j] = j;
    }
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) {
                best = up + 1;
            }
            if (row[j - 1] + 1 < best) {
                best = row[j - 1] + 1;
            }
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

void sc_suggest_init(sc_suggest *s, const char *word) {
    s->word = word;
    s->best_d = (size_t)-1;
    s->best[0] = '\0';
}

void sc_suggest_try(sc_suggest *s, const char *cand, size_t len) {
    size_t d = sc_distance(s->word, strlen(s->word), cand, len);
    if (d < s->best_d && len < sizeof s->best) {
        s->best_d = d;
        memcpy(s->best, cand, len);
        s->best[len] = '\0';
    }
}

/* Close enough to suggest: distance <= max(2, len/3). */
int sc_suggest_found(const sc_suggest *s) {
    size_t limit = strlen(s->word) / 3;
    return s->best_d != (size_t)-1 && s->best_d <= (limit > 2 ? limit : 2);
}

/* Appends `name` (len bytes) to a ", "-separated list unless it is already there. */
void sc_list_add(char *list, size_t cap, size_t *count, const char *name, size_t len) {
    const char *p = list;
    size_t used = strlen(list);
    while (*p) {
        const char *end = strstr(p, ", ");
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == len && strncmp(p, name, len) == 0) {
            return;
        }
        p = end ? end + 2 : p + n;
    }
    if (used + len + 3 < cap) {
        snprintf(list + used, cap - used, "%s%.*s", used ? ", " : "", (int)len, name);
    }
    (*count)++;
}

/* ---- Reading typed values ----------------------------------------------------------- */

static ts_status sc_read_number(const sc_ctx *c, const ts_param *p, const ts_ynode *n,
                                const char *path, sc_value *out) {
    char got[160];
    char exp[256];
    int as_int = p->type == TS_PT_INT;
    const char *what = as_int ? "not an integer" : "not a number";
    ts_yaml_describe(n, got, sizeof got);
    sc_expect(p, exp, sizeof exp);
    if (n->kind != TS_Y_SCALAR) {
        return sc_fail(c, n, path, "not a single value (got %s, expected %s)", got, exp);
    }
    if (ts_yaml_is_null(n)) {
        return sc_fail(c, n, path, "missing value (got nothing, expected %s)", exp);
    }
    ts_ynum syn = n->plain ? ts_yaml_number_syntax(n->text) : TS_YNUM_NONE;
    if (syn == TS_YNUM_NONFINITE) {
        return sc_fail(c, n, path, "not a finite number (got %s, expected %s)", got, exp);
    }
    if (syn == TS_YNUM_NONE) {
        return sc_fail(c, n, path, "%s (got %s, expected %s)", what, got, exp);
    }
    double d;
    errno = 0;
    if (as_int && syn == TS_YNUM_INT) {
        long long v = strtoll(n->text, NULL, 10);
        if (errno == ERANGE) {
            return sc_fail(c, n, path, "out of range (got %s, expected %s)", got, exp);
        }
        out->i = (int64_t)v;
        d = (double)v;
    } else {
        d = strtod(n->text, NULL);
        /* Underflow reads as (nearly) zero, which is fine; overflow is not. */
        if (!isfinite(d) || (errno == ERANGE && fabs(d) > 1)) {
            return sc_fail(c, n, path, "out of range (got %s, expected %s)", got, exp);
        }
        if (as_int) {
            if (d != floor(d)) {
                return sc_fail(c, n, path, "%s (got %s, expected %s)", what, got, exp);
            }
            if (d < -9223372036854775808.0 || d >= 9223372036854775808.0) {
                return sc_fail(c, n, path, "out of range (got %s, expected %s)", got, exp);
            }
            out->i = (int64_t)d;
        }
    }
    if (d < p->min || d > p->max) {
        return sc_fail(c, n, path, "out of range (got %s, expected %s)", got, exp);
    }
    out->r = d;
    return TS_OK;
}

static ts_status sc_read_bool(const sc_ctx *c, const ts_param *p, const ts_ynode *n,
                              const char *path, sc_value *out) {
    char got[160];
    char exp[64];
    ts_yaml_describe(n, got, sizeof got);
    sc_expect(p, exp, sizeof exp);
    if (n->kind != TS_Y_SCALAR) {
        return sc_fail(c, n, path, "not a single value (got %s, expected %s)", got, exp);
    }
    if (n->plain &&
        (!strcmp(n->text, "true") || !strcmp(n->text, "True") || !strcmp(n->text, "TRUE"))) {
        out->b = 1;
    } else if (n->plain && (!strcmp(n->text, "false") || !strcmp(n->text, "False") ||
                            !strcmp(n->text, "FALSE"))) {
        out->b = 0;
    } else {
        return sc_fail(c, n, path, "not a boolean (got %s, expected %s)", got, exp);
    }
    out->r = out->b;
    return TS_OK;
}

static size_t sc_utf8_chars(const char *s, size_t len) {
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    }
    return n;
}

/* Text of a scalar meant as a string: plain or quoted, no NUL, "" for null. */
static ts_status sc_read_text(const sc_ctx *c, const ts_param *p, const ts_ynode *n,
                              const char *path, const char **text) {
    char got[160];
    char exp[256];
    ts_yaml_describe(n, got, sizeof got);
    sc_expect(p, exp, sizeof exp);
    if (n->kind != TS_Y_SCALAR) {
        return sc_fail(c, n, path, "not a single value (got %s, expected %s)", got, exp);
    }
    if (memchr(n->text, '\0', n->len) != NULL) {
        return sc_fail(c, n, path, "contains a NUL character (got %s, expected %s)", got, exp);
    }
    *text = ts_yaml_is_null(n) ? "" : n->text;
    return TS_OK;
}

int sc_stem_char(int ch, int first) {
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
        ch == '_') {
        return 1;
    }
    return !first && (ch == '.' || ch == '-');
}

/* Every character of `s` may stand in a file stem (the length is the key's own check). */
static int sc_stem_text(const char *s) {
    for (size_t i = 0; s[i] != '\0'; i++) {
        if (!sc_stem_char((unsigned char)s[i], i == 0)) {
            return 0;
        }
    }
    return 1;
}

static ts_status sc_read_string(const sc_ctx *c, const ts_param *p, const ts_ynode *n,
                                const char *path, sc_value *out) {
    const char *text;
    ts_status st = sc_read_text(c, p, n, path, &text);
    if (st != TS_OK) {
        return st;
    }
    size_t chars = sc_utf8_chars(text, strlen(text));
    if (p->max > 0 && (double)chars > p->max) {
        return sc_fail(c, n, path, "too long (got %zu characters, expected at most %.0f)", chars,
                       p->max);
    }
    /* A name that becomes part of a file name ("results/<name>.h5") must not reach
     * outside its directory, hide the file or read as an option. */
    if (p->format == TS_PF_STEM && text[0] != '\0' && !sc_stem_text(text)) {
        char got[160];
        char exp[256];
        ts_yaml_describe(n, got, sizeof got);
        sc_expect(p, exp, sizeof exp);
        return sc_fail(c, n, path, "not a safe file name (got %s, expected %s)", got, exp);
    }
    if ((out->s = strdup(text)) == NULL) {
        return sc_nomem(c->err);
    }
    return TS_OK;
}

/* Finds `text` among "a|b|c"; suggests the closest choice if it is not there. */
static int sc_choice_find(const char *choices, const char *text, sc_suggest *sug) {
    const char *p = choices;
    while (*p) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (n == strlen(text) && strncmp(p, text, n) == 0) {
            return 1;
        }
        sc_suggest_try(sug, p, n);
        p = bar ? bar + 1 : p + n;
    }
    return 0;
}

static ts_status sc_read_enum(const sc_ctx *c, const ts_param *p, const ts_ynode *n,
                              const char *path, sc_value *out) {
    const char *text;
    char got[160];
    char exp[512];
    sc_suggest sug;
    ts_status st = sc_read_text(c, p, n, path, &text);
    if (st != TS_OK) {
        return st;
    }
    sc_suggest_init(&sug, text);
    if (!sc_choice_find(p->choices ? p->choices : "", text, &sug)) {
        ts_yaml_describe(n, got, sizeof got);
        if (sc_suggest_found(&sug)) {
            return sc_fail(c, n, path, "unknown choice (got %s, did you mean %s?)", got, sug.best);
        }
        sc_expect(p, exp, sizeof exp);
        return sc_fail(c, n, path, "unknown choice (got %s, expected %s)", got, exp);
    }
    if ((out->s = strdup(text)) == NULL) {
        return sc_nomem(c->err);
    }
    return TS_OK;
}

/* The shared start of STRLIST and POINTS: a list (null = empty) of an allowed length. */
static ts_status sc_read_list_shape(const sc_ctx *c, const ts_param *p, const ts_ynode *n,
                                    const char *path, size_t *count) {
    char got[160];
    char exp[256];
    ts_yaml_describe(n, got, sizeof got);
    sc_expect(p, exp, sizeof exp);
    if (ts_yaml_is_null(n)) {
        *count = 0;
    } else if (n->kind != TS_Y_SEQ) {
        return sc_fail(c, n, path, "not a list (got %s, expected %s)", got, exp);
    } else {
        *count = n->n;
    }
    if ((double)*count < p->min) {
        return sc_fail(c, n, path, "too few items (got %zu, expected %s)", *count, exp);
    }
    if ((double)*count > p->max) {
        return sc_fail(c, n, path, "too many items (got %zu, expected %s)", *count, exp);
    }
    return TS_OK;
}

int sc_is_identifier(const char *s) {
    size_t n = strlen(s);
    if (n == 0 || n > SC_NAME_MAX || s[0] < 'a' || s[0] > 'z') {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) {
            return 0;
        }
    }
    return 1;
}

/* An optional minus sign and 1 to 9 decimal digits: an item of a TS_PF_INTEGERS list. */
static int sc_is_integer_text(const char *s) {
    size_t i = s[0] == '-', n = strlen(s);
    if (n <= i || n - i > 9) {
        return 0;
    }
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
    }
    return 1;
}

static ts_status sc_read_strlist(const sc_ctx *c, const ts_param *p, const ts_ynode *n,
                                 const char *path, sc_value *out) {
    size_t count;
    char got[160];
    ts_status st = sc_read_list_shape(c, p, n, path, &count);
    if (st != TS_OK) {
        return st;
    }
    out->items = calloc(count ? count : 1, sizeof *out->items);
    if (out->items == NULL) {
        return sc_nomem(c->err);
    }
    for (size_t i = 0; i < count; i++) {
        const ts_ynode *item = n->kids[i];
        ts_yaml_describe(item, got, sizeof got);
        if (p->format == TS_PF_INTEGERS) {
            if (item->kind != TS_Y_SCALAR || memchr(item->text, '\0', item->len) != NULL ||
                !sc_is_integer_text(item->text)) {
                return sc_fail(c, item, path, "not an integer (got %s, expected %s)", got,
                               "an "
                               "integer such as 30");
            }
        } else if (item->kind != TS_Y_SCALAR || memchr(item->text, '\0', item->len) != NULL ||
                   !sc_is_identifier(item->text)) {
            return sc_fail(c, item, path,
                           "not an identifier (got %s, expected [a-z][a-z0-9_]* of at most %d "
                           "characters)",
                           got, SC_NAME_MAX);
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(out->items[j], item->text) == 0) {
                return sc_fail(c, item, path, "duplicate name (got %s, expected unique names)",
                               got);
            }
        }
        if ((out->items[i] = strdup(item->text)) == NULL) {
            return sc_nomem(c->err);
        }
        out->n = i + 1;
    }
    return TS_OK;
}

static ts_status sc_read_points(const sc_ctx *c, const ts_param *p, const ts_ynode *n,
                                const char *path, sc_value *out) {
    static const ts_param coord = {
        .key = "", .type = TS_PT_REAL, .min = -INFINITY, .max = INFINITY};
    size_t count;
    char got[160];
    ts_status st = sc_read_list_shape(c, p, n, path, &count);
    if (st != TS_OK) {
        return st;
    }
    out->pts = malloc((count ? 2 * count : 1) * sizeof *out->pts);
    if (out->pts == NULL) {
        return sc_nomem(c->err);
    }
    out->n = count;
    for (size_t i = 0; i < count; i++) {
        const ts_ynode *item = n->kids[i];
        if (item->kind != TS_Y_SEQ || item->n != 2) {
            ts_yaml_describe(item, got, sizeof got);
            if (item->kind == TS_Y_SEQ) {
                snprintf(got, sizeof got, "a list of %zu", item->n);
            }
            return sc_fail(c, item, path, "not a pair (got %s, expected [x, y])", got);
        }
        for (size_t k = 0; k < 2; k++) {
            sc_value v = {0};
            if ((st = sc_read_number(c, &coord, item->kids[k], path, &v)) != TS_OK) {
                return st;
            }
            out->pts[2 * i + k] = v.r;
        }
        if (i > 0 && !(out->pts[2 * i] > out->pts[2 * i - 2])) {
            char a[40];
            char b[40];
            ts_yaml_format_real(out->pts[2 * i], a, sizeof a);
            ts_yaml_format_real(out->pts[2 * i - 2], b, sizeof b);
            return sc_fail(c, item->kids[0], path,
                           "x not increasing (got %s after %s, expected x values in increasing "
                           "order)",
                           a, b);
        }
    }
    return TS_OK;
}

/* Reads node n as a value of key p; `out` is cleared first and left cleared on error. */
ts_status sc_read_value(const sc_ctx *c, const ts_param *p, const ts_ynode *n, const char *path,
                        sc_value *out) {
    ts_status st = TS_ERR_INTERNAL;
    memset(out, 0, sizeof *out);
    switch (p->type) {
    case TS_PT_INT:
    case TS_PT_REAL:
        st = sc_read_number(c, p, n, path, out);
        break;
    case TS_PT_BOOL:
        st = sc_read_bool(c, p, n, path, out);
        break;
    case TS_PT_STRING:
        st = sc_read_string(c, p, n, path, out);
        break;
    case TS_PT_ENUM:
        st = sc_read_enum(c, p, n, path, out);
        break;
    case TS_PT_STRLIST:
        st = sc_read_strlist(c, p, n, path, out);
        break;
    case TS_PT_POINTS:
        st = sc_read_points(c, p, n, path, out);
        break;
    }
    if (st != TS_OK) {
        sc_value_clear(out);
        return st;
    }
    out->mark = sc_node_mark(c, n);
    out->layer = c->layer;
    return TS_OK;
}

/* Checks key i of a mapping: a scalar, not seen before in the mapping. Done key by key
 * as the mapping is read, so that a huge hostile mapping stops at its first unknown key
 * instead of costing quadratic time up front. */
ts_status sc_check_key(const sc_ctx *c, const ts_ynode *map, size_t i, const char *prefix) {
    const ts_ynode *k = map->kids[i];
    char got[160];
    if (k->kind != TS_Y_SCALAR) {
        ts_yaml_describe(k, got, sizeof got);
        return sc_fail(c, k, prefix, "keys must be names (got %s, expected a key name)", got);
    }
    for (size_t j = 0; j < i; j += 2) {
        const ts_ynode *o = map->kids[j];
        if (o->kind == TS_Y_SCALAR && o->len == k->len && memcmp(o->text, k->text, k->len) == 0) {
            char *full = sc_join(prefix, k->text);
            if (full == NULL) {
                return sc_nomem(c->err);
            }
            ts_status st = sc_fail(c, k, full, "duplicate key \"%s\"", k->text);
            free(full);
            return st;
        }
    }
    return TS_OK;
}

/* ---- Events, sweep entries and variants ------------------------------------------- */

static void sc_event_clear(ts_event *ev) {
    if (ev->vals != NULL && ev->kind != NULL) {
        for (size_t j = 0; j < ev->kind->n_params; j++) {
            sc_value_clear(&ev->vals[j]);
        }
    }
    free(ev->vals);
    memset(ev, 0, sizeof *ev);
}

void sc_events_free(ts_event *evs, size_t n) {
    for (size_t i = 0; i < n; i++) {
        sc_event_clear(&evs[i]);
    }
    free(evs);
}

void sc_sweep_clear(sc_sweep *w) {
    for (size_t i = 0; i < w->n; i++) {
        if (w->vals != NULL) {
            sc_value_clear(&w->vals[i]);
        }
        if (w->texts != NULL) {
            free(w->texts[i]);
        }
    }
    free(w->vals);
    free(w->texts);
    memset(w, 0, sizeof *w);
}

const char *sc_sweep_name(const ts_scenario *sc, size_t k) {
    size_t key = sc->sweep[k].key;
    return key == SC_VARIANT_KEY ? "variant"
           : key == SC_DUMMY_KEY ? "sensitivity.dummy"
                                 : sc->keys[key].path;
}

int sc_sweep_is_key(const sc_sweep *w) {
    return w->key != SC_VARIANT_KEY && w->key != SC_DUMMY_KEY;
}

size_t sc_grid_size(const ts_scenario *sc) {
    if (sc->zipped) {
        return sc->sweep[0].n;
    }
    size_t n = 1;
    for (size_t k = 0; k < sc->n_sweep; k++) {
        if (n > SC_MAX_POINTS) {
            return n; /* already too many: stop before overflowing */
        }
        n *= sc->sweep[k].n;
    }
    return n;
}

/* Index into sweep key k's list at grid point g (the last key varies fastest). */
size_t sc_grid_index(const ts_scenario *sc, size_t k, size_t g) {
    if (sc->zipped) {
        return g;
    }
    size_t stride = 1;
    for (size_t j = k + 1; j < sc->n_sweep; j++) {
        stride *= sc->sweep[j].n;
    }
    return (g / stride) % sc->sweep[k].n;
}

const sc_variant *sc_variant_at(const ts_scenario *sc, size_t g) {
    if (sc->n_sweep == 0 || sc->sweep[0].key != SC_VARIANT_KEY || sc->n_variants == 0) {
        return NULL;
    }
    return &sc->variants[sc_grid_index(sc, 0, g)];
}

void sc_variants_free(sc_variant *vs, size_t n) {
    if (vs == NULL) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; vs[i].set != NULL && j < vs[i].n_set; j++) {
            sc_value_clear(&vs[i].set[j].val);
        }
        free(vs[i].set);
        free(vs[i].opts);
        free(vs[i].name);
    }
    free(vs);
}

sc_variant *sc_variants_dup(const sc_variant *vs, size_t n) {
    sc_variant *d = calloc(n + 1, sizeof *d);
    if (d == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        const sc_variant *v = &vs[i];
        d[i].mark = v->mark;
        d[i].set = calloc(v->n_set + 1, sizeof *d[i].set);
        d[i].opts = calloc(v->n_opts + 1, sizeof *d[i].opts);
        if ((d[i].name = strdup(v->name)) == NULL || d[i].set == NULL || d[i].opts == NULL) {
            sc_variants_free(d, i + 1);
            return NULL;
        }
        for (; d[i].n_set < v->n_set; d[i].n_set++) {
            sc_assign *a = &d[i].set[d[i].n_set];
            a->key = v->set[d[i].n_set].key;
            a->implicit = v->set[d[i].n_set].implicit;
            if (!sc_value_dup(&v->set[d[i].n_set].val, &a->val)) {
                sc_variants_free(d, i + 1);
                return NULL;
            }
        }
        memcpy(d[i].opts, v->opts, v->n_opts * sizeof *d[i].opts);
        d[i].n_opts = v->n_opts;
    }
    return d;
}
