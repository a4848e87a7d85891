/* Reading typed values from YAML nodes and checking them against their keys; the
 * "FILE:LINE:COL: path: message" errors built from marks, ts_scenario_fail and
 * ts_scenario_mark_of; "did you mean" suggestions for unknown keys and choices. */
#include "scenario.h"
#include "scenario_internal.h"
#include "yamlio.h"

#include <errno.h>
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

static ts_status sc_vfail(const ts_scenario *sc, sc_mark m, const char *path, ts_error *err,
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

/* ---- Marks -------------------------------------------------------------------------- */

/* The internal mark of a key, an event field ("events[2].domain") or a sweep key. */
static int sc_find_mark(const ts_scenario *sc, const char *path, sc_mark *m) {
    if (sc == NULL || path == NULL) {
        return 0;
    }
    if (strncmp(path, "events[", 7) == 0) {
        char *end;
        unsigned long idx = strtoul(path + 7, &end, 10);
        if (end == path + 7 || *end != ']') {
            return 0;
        }
        const char *field = end[1] == '.' ? end + 2 : NULL;
        if (end[1] != '\0' && field == NULL) {
            return 0;
        }
        for (size_t i = 0; i < sc->n_events; i++) {
            const ts_event *ev = &sc->events[i];
            if (ev->index != idx) {
                continue;
            }
            if (field == NULL) {
                *m = ev->mark;
                return 1;
            }
            if (strcmp(field, "day") == 0 || strcmp(field, "kind") == 0) {
                *m = field[0] == 'd' ? ev->day_mark : ev->kind_mark;
                return 1;
            }
            for (size_t j = 0; j < ev->kind->n_params; j++) {
                if (strcmp(ev->kind->params[j].key, field) == 0) {
                    /* A field left to its default is located at its event. */
                    *m = ev->vals[j].mark.src == 0 ? ev->mark : ev->vals[j].mark;
                    return 1;
                }
            }
        }
        return 0;
    }
    if (strcmp(path, "sensitivity.factors") == 0) {
        *m = sc->factors_mark;
        return sc->n_factors > 0;
    }
    if (strncmp(path, "sensitivity.factors.", 20) == 0) {
        for (size_t i = 0; i < sc->n_factors; i++) {
            if (strcmp(sc->keys[sc->factors[i].key].path, path + 20) == 0) {
                *m = sc->factors[i].mark;
                return 1;
            }
        }
        return 0;
    }
    if (strncmp(path, "sweep.", 6) == 0) {
        for (size_t k = 0; k < sc->n_sweep; k++) {
            if (strcmp(sc_sweep_name(sc, k), path + 6) == 0) {
                *m = sc->sweep[k].mark;
                return 1;
            }
        }
    }
    long k = sc_find_key(sc, path);
    if (k < 0) {
        return 0;
    }
    *m = sc->vals[k].mark;
    return 1;
}

int ts_scenario_mark_of(const ts_scenario *sc, const char *path, ts_mark *out) {
    sc_mark m;
    if (!sc_find_mark(sc, path, &m)) {
        return 0;
    }
    const sc_source *s = (m.src > 0 && (size_t)m.src < sc->n_srcs) ? &sc->srcs[m.src] : NULL;
    if (out != NULL) {
        if (s == NULL || s->name == NULL || s->is_set) {
            out->file = (s != NULL && s->is_set) ? "--set" : "default";
            out->line = 0;
            out->col = 0;
        } else {
            out->file = s->name;
            out->line = m.line;
            out->col = m.col;
        }
    }
    return 1;
}

ts_status ts_scenario_fail(const ts_scenario *sc, const char *path, ts_error *err, const char *fmt,
                           ...) {
    sc_mark m = {0, 0, 0};
    va_list ap;
    if (sc == NULL) {
        return ts_error_set(err, TS_ERR_SCENARIO, "%s: invalid scenario", path ? path : "");
    }
    sc_find_mark(sc, path, &m);
    va_start(ap, fmt);
    ts_status st = sc_vfail(sc, m, path, err, fmt, ap);
    va_end(ap);
    return st;
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

/* An unknown key `key` in the mapping at `prefix`; `shown` prefixes the path in the
 * message ("sweep." inside the sweep). Suggests the closest declared key or section. */
ts_status sc_unknown_key(const sc_ctx *c, const ts_ynode *at, const char *shown, const char *prefix,
                         const char *key, int top_level, int scalars_only) {
    const ts_scenario *sc = c->sc;
    static const char *const reserved[] = {"extends", "events", "sweep"};
    size_t plen = strlen(prefix);
    char children[1024] = "";
    size_t n_children = 0;
    sc_suggest sug;
    sc_suggest_init(&sug, key);
    for (size_t k = 0; k < sc->n_keys; k++) {
        const char *path = sc->keys[k].path;
        ts_ptype t = sc->keys[k].param->type;
        if (scalars_only && (t == TS_PT_STRLIST || t == TS_PT_POINTS)) {
            continue;
        }
        if (plen > 0 && (strncmp(path, prefix, plen) != 0 || path[plen] != '.')) {
            continue;
        }
        const char *rem = plen > 0 ? path + plen + 1 : path;
        const char *dot = strchr(rem, '.');
        sc_list_add(children, sizeof children, &n_children, rem,
                    dot ? (size_t)(dot - rem) : strlen(rem));
        sc_suggest_try(&sug, rem, strlen(rem));
        for (const char *d = dot; d != NULL; d = strchr(d + 1, '.')) {
            sc_suggest_try(&sug, rem, (size_t)(d - rem));
        }
    }
    for (size_t i = 0; top_level && i < sizeof reserved / sizeof reserved[0]; i++) {
        sc_list_add(children, sizeof children, &n_children, reserved[i], strlen(reserved[i]));
        sc_suggest_try(&sug, reserved[i], strlen(reserved[i]));
    }
    if (plen == 0 && strcmp(shown, "sweep.") == 0) {
        sc_list_add(children, sizeof children, &n_children, "variants", 8);
        sc_suggest_try(&sug, "variants", 8);
    }
    char *full = sc_join(prefix, key);
    if (full == NULL) {
        return sc_nomem(c->err);
    }
    char path[600];
    snprintf(path, sizeof path, "%s%s", shown, full);
    ts_status st;
    if (sc_suggest_found(&sug)) {
        st = sc_fail(c, at, path, "unknown key (did you mean %s%s%s%s%s%s?)",
                     c->where ? c->where : "", c->where ? "." : "", shown, prefix, plen ? "." : "",
                     sug.best);
    } else if (n_children > 0 && n_children <= SC_LIST_CHOICES) {
        st = sc_fail(c, at, path, "unknown key (expected one of: %s)", children);
    } else {
        st = sc_fail(c, at, path, "unknown key");
    }
    free(full);
    return st;
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
