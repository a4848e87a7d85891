/* Scenario loading: YAML (through yamlio) checked against the schema as it is read,
 * `extends`, --set, events, the sweep grid and the resolved YAML output. */
#include "scenario.h"
#include "scenario_internal.h"
#include "yamlio.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    SC_MAX_EXTENDS = 16,
    SC_MAX_SWEEP_KEYS = 16,
    SC_MAX_POINTS = 100000,
    SC_MAX_EVENTS = 100000,
    SC_NAME_MAX = 32,          /* longest item of a STRLIST */
    SC_LIST_CHOICES = 12,      /* unknown keys list the allowed ones when there are this few */
    SC_CHECK_BUDGET = 20000000 /* grid points x checks per point that finalize runs */
};

static const ts_param sc_enabled_param = {
    .key = "enabled",
    .type = TS_PT_BOOL,
    .def = "true",
    .min = 0,
    .max = 1,
    .units = "",
    .doc = "Whether the tactic runs; a tactic is on when its section is present.",
};

static const ts_param sc_day_param = {
    .key = "day",
    .type = TS_PT_INT,
    .def = "1",
    .min = 1,
    .max = INFINITY,
    .units = "days",
    .doc = "Day of the run on which the event happens.",
};

typedef struct sc_ctx {
    ts_scenario *sc;
    int src;
    int layer;
    ts_error *err;
} sc_ctx;

/* ---- Small helpers ---------------------------------------------------------------- */

static char *sc_join(const char *prefix, const char *key) {
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

static void sc_value_clear(sc_value *v) {
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
static int sc_value_dup(const sc_value *src, sc_value *dst) {
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

static int sc_entry_cmp(const void *a, const void *b) {
    return strcmp(((const sc_entry *)a)->path, ((const sc_entry *)b)->path);
}

static int sc_str_cmp(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static long sc_find_key(const ts_scenario *sc, const char *path) {
    sc_entry probe = {.path = path, .idx = 0};
    const sc_entry *e = bsearch(&probe, sc->sorted, sc->n_keys, sizeof *sc->sorted, sc_entry_cmp);
    return e ? (long)e->idx : -1;
}

static int sc_is_prefix(const ts_scenario *sc, const char *path) {
    return bsearch(&path, sc->prefixes, sc->n_prefixes, sizeof *sc->prefixes, sc_str_cmp) != NULL;
}

/* The optional section named exactly `name`, or -1. */
static int sc_opt_exact(const ts_scenario *sc, const char *name) {
    for (size_t g = 0; g < sc->n_opt; g++) {
        if (strcmp(sc->opt_names[g], name) == 0) {
            return (int)g;
        }
    }
    return -1;
}

/* The optional section that contains `path` (or is it), or -1. */
static int sc_opt_of(const ts_scenario *sc, const char *path) {
    for (size_t g = 0; g < sc->n_opt; g++) {
        size_t n = strlen(sc->opt_names[g]);
        if (strncmp(path, sc->opt_names[g], n) == 0 && (path[n] == '\0' || path[n] == '.')) {
            return (int)g;
        }
    }
    return -1;
}

/* The scenario names something in (or the whole of) an optional section: it is present. */
static void sc_touch(ts_scenario *sc, const char *path) {
    int g = sc_opt_of(sc, path);
    if (g >= 0) {
        sc->opt_present[g] = 1;
    }
}

static int sc_add_source(ts_scenario *sc, const char *name, int is_set) {
    if (sc->n_srcs == sc->srcs_alloc) {
        size_t n_alloc = sc->srcs_alloc ? 2 * sc->srcs_alloc : 8;
        sc_source *srcs = realloc(sc->srcs, n_alloc * sizeof *srcs);
        if (srcs == NULL) {
            return -1;
        }
        sc->srcs = srcs;
        sc->srcs_alloc = n_alloc;
    }
    sc->srcs[sc->n_srcs].name = NULL;
    sc->srcs[sc->n_srcs].is_set = is_set;
    if (name != NULL && (sc->srcs[sc->n_srcs].name = strdup(name)) == NULL) {
        return -1;
    }
    return (int)sc->n_srcs++;
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

static ts_status sc_mark_fail(const ts_scenario *sc, sc_mark m, const char *path, ts_error *err,
                              const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static ts_status sc_mark_fail(const ts_scenario *sc, sc_mark m, const char *path, ts_error *err,
                              const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    ts_status st = sc_vfail(sc, m, path, err, fmt, ap);
    va_end(ap);
    return st;
}

static sc_mark sc_node_mark(const sc_ctx *c, const ts_ynode *at) {
    sc_mark m = {.src = c->src, .line = at ? at->line : 0, .col = at ? at->col : 0};
    return m;
}

/* "FILE:LINE:COL: path: message" at a node of the document being read. */
static ts_status sc_fail(const sc_ctx *c, const ts_ynode *at, const char *path, const char *fmt,
                         ...) __attribute__((format(printf, 4, 5)));
static ts_status sc_fail(const sc_ctx *c, const ts_ynode *at, const char *path, const char *fmt,
                         ...) {
    va_list ap;
    va_start(ap, fmt);
    ts_status st = sc_vfail(c->sc, sc_node_mark(c, at), path, c->err, fmt, ap);
    va_end(ap);
    return st;
}

static ts_status sc_nomem(ts_error *err) {
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
        if (p->max > 0) {
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
        snprintf(buf, cap, "a list of %s to %s unique names", lo, hi);
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

typedef struct sc_suggest {
    const char *word;
    size_t best_d;
    char best[256];
} sc_suggest;

static void sc_suggest_init(sc_suggest *s, const char *word) {
    s->word = word;
    s->best_d = (size_t)-1;
    s->best[0] = '\0';
}

static void sc_suggest_try(sc_suggest *s, const char *cand, size_t len) {
    size_t d = sc_distance(s->word, strlen(s->word), cand, len);
    if (d < s->best_d && len < sizeof s->best) {
        s->best_d = d;
        memcpy(s->best, cand, len);
        s->best[len] = '\0';
    }
}

/* Close enough to suggest: distance <= max(2, len/3). */
static int sc_suggest_found(const sc_suggest *s) {
    size_t limit = strlen(s->word) / 3;
    return s->best_d != (size_t)-1 && s->best_d <= (limit > 2 ? limit : 2);
}

/* Appends `name` (len bytes) to a ", "-separated list unless it is already there. */
static void sc_list_add(char *list, size_t cap, size_t *count, const char *name, size_t len) {
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
static ts_status sc_unknown_key(const sc_ctx *c, const ts_ynode *at, const char *shown,
                                const char *prefix, const char *key, int top_level,
                                int scalars_only) {
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
    char *full = sc_join(prefix, key);
    if (full == NULL) {
        return sc_nomem(c->err);
    }
    char path[600];
    snprintf(path, sizeof path, "%s%s", shown, full);
    ts_status st;
    if (sc_suggest_found(&sug)) {
        st = sc_fail(c, at, path, "unknown key (did you mean %s%s%s%s?)", shown, prefix,
                     plen ? "." : "", sug.best);
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

static int sc_is_identifier(const char *s) {
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
        if (item->kind != TS_Y_SCALAR || memchr(item->text, '\0', item->len) != NULL ||
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
static ts_status sc_read_value(const sc_ctx *c, const ts_param *p, const ts_ynode *n,
                               const char *path, sc_value *out) {
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

/* A value's text as YAML, for sweep values ("0.5", "linear", "true"). */
static char *sc_value_text(const ts_param *p, const sc_value *v) {
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

/* ---- Schema index ------------------------------------------------------------------- */

static ts_status sc_parse_default(ts_scenario *sc, const ts_param *p, const char *path,
                                  sc_value *out, ts_error *err) {
    ts_ynode *root = NULL;
    ts_yerror yerr;
    ts_error local;
    char empty[1] = "";
    ts_ynode null_node = {.kind = TS_Y_SCALAR, .plain = 1, .text = empty};
    sc_ctx c = {.sc = sc, .src = 0, .layer = 0, .err = &local};
    const char *def = p->def ? p->def : "";
    ts_status st = ts_yaml_parse(def, strlen(def), &root, &yerr);
    if (st == TS_ERR_NOMEM) {
        return sc_nomem(err);
    }
    if (st != TS_OK) {
        return ts_error_set(err, TS_ERR_INTERNAL, "schema: %s: bad default \"%s\" (%s)", path, def,
                            yerr.msg);
    }
    st = sc_read_value(&c, p, root ? root : &null_node, path, out);
    ts_yaml_free(root);
    if (st == TS_ERR_NOMEM) {
        return sc_nomem(err);
    }
    if (st != TS_OK) {
        return ts_error_set(err, TS_ERR_INTERNAL, "schema: bad default \"%s\" (%s)", def,
                            local.msg);
    }
    out->mark = (sc_mark){0, 0, 0};
    out->layer = 0;
    return TS_OK;
}

static ts_status sc_add_prefixes(ts_scenario *sc, size_t *cap, const char *path) {
    for (const char *d = strchr(path, '.'); d != NULL; d = strchr(d + 1, '.')) {
        if (sc->n_prefixes == *cap) {
            size_t n_alloc = *cap ? 2 * *cap : 64;
            char **p = realloc(sc->prefixes, n_alloc * sizeof *p);
            if (p == NULL) {
                return TS_ERR_NOMEM;
            }
            sc->prefixes = p;
            *cap = n_alloc;
        }
        if ((sc->prefixes[sc->n_prefixes] = strndup(path, (size_t)(d - path))) == NULL) {
            return TS_ERR_NOMEM;
        }
        sc->n_prefixes++;
    }
    return TS_OK;
}

/* Names of the optional sections, once each, in schema order. */
static ts_status sc_build_opts(ts_scenario *sc) {
    const ts_schema *s = sc->schema;
    sc->opt_names = calloc(s->n_sections + 1, sizeof *sc->opt_names);
    sc->opt_present = calloc(s->n_sections + 1, sizeof *sc->opt_present);
    sc->opt_enabled = calloc(s->n_sections + 1, sizeof *sc->opt_enabled);
    if (!sc->opt_names || !sc->opt_present || !sc->opt_enabled) {
        return TS_ERR_NOMEM;
    }
    for (size_t i = 0; i < s->n_sections; i++) {
        const ts_section *sec = s->sections[i];
        if (sec->optional && sc_opt_exact(sc, sec->name) < 0) {
            if ((sc->opt_names[sc->n_opt] = strdup(sec->name)) == NULL) {
                return TS_ERR_NOMEM;
            }
            sc->n_opt++;
        }
    }
    return TS_OK;
}

static ts_status sc_build_keys(ts_scenario *sc, ts_error *err) {
    const ts_schema *s = sc->schema;
    size_t n = sc->n_opt;
    size_t k = 0;
    for (size_t i = 0; i < s->n_sections; i++) {
        n += s->sections[i]->n_params;
    }
    sc->keys = calloc(n + 1, sizeof *sc->keys);
    sc->vals = calloc(n + 1, sizeof *sc->vals);
    sc->sorted = calloc(n + 1, sizeof *sc->sorted);
    if (!sc->keys || !sc->vals || !sc->sorted) {
        return sc_nomem(err);
    }
    for (size_t i = 0; i < s->n_sections; i++) {
        const ts_section *sec = s->sections[i];
        for (size_t j = 0; j < sec->n_params; j++) {
            const ts_param *p = &sec->params[j];
            if (p->key == NULL || p->key[0] == '\0') {
                return ts_error_set(err, TS_ERR_INTERNAL,
                                    "schema: section \"%s\" has a key "
                                    "without a name",
                                    sec->name);
            }
            sc->keys[k].param = p;
            if ((sc->keys[k].path = sc_join(sec->name, p->key)) == NULL) {
                return sc_nomem(err);
            }
            sc->keys[k].opt = sc_opt_of(sc, sc->keys[k].path);
            sc->n_keys = ++k;
        }
    }
    for (size_t g = 0; g < sc->n_opt; g++) {
        sc->keys[k].param = &sc_enabled_param;
        sc->keys[k].opt = (int)g;
        sc->keys[k].is_enabled = 1;
        if ((sc->keys[k].path = sc_join(sc->opt_names[g], "enabled")) == NULL) {
            return sc_nomem(err);
        }
        sc->opt_enabled[g] = k;
        sc->n_keys = ++k;
    }
    for (size_t i = 0; i < sc->n_keys; i++) {
        sc->sorted[i] = (sc_entry){.path = sc->keys[i].path, .idx = i};
    }
    qsort(sc->sorted, sc->n_keys, sizeof *sc->sorted, sc_entry_cmp);
    return TS_OK;
}

/* Catches schema mistakes early: a key declared twice, a key that is also a section,
 * a key that hides `extends`, `events` or `sweep`. */
static ts_status sc_check_index(ts_scenario *sc, ts_error *err) {
    static const char *const reserved[] = {"extends", "events", "sweep"};
    for (size_t i = 1; i < sc->n_keys; i++) {
        if (strcmp(sc->sorted[i].path, sc->sorted[i - 1].path) == 0) {
            return ts_error_set(err, TS_ERR_INTERNAL, "schema: key %s is declared twice",
                                sc->sorted[i].path);
        }
    }
    for (size_t i = 0; i < sc->n_keys; i++) {
        const char *path = sc->keys[i].path;
        size_t first = strcspn(path, ".");
        if (sc_is_prefix(sc, path)) {
            return ts_error_set(err, TS_ERR_INTERNAL, "schema: %s is both a key and a section",
                                path);
        }
        for (size_t r = 0; r < sizeof reserved / sizeof reserved[0]; r++) {
            if (strlen(reserved[r]) == first && strncmp(path, reserved[r], first) == 0) {
                return ts_error_set(err, TS_ERR_INTERNAL, "schema: key %s hides %s", path,
                                    reserved[r]);
            }
        }
    }
    return TS_OK;
}

static ts_status sc_build_index(ts_scenario *sc, ts_error *err) {
    const ts_schema *s = sc->schema;
    size_t cap = 0;
    ts_status st;
    if (sc_build_opts(sc) != TS_OK) {
        return sc_nomem(err);
    }
    if ((st = sc_build_keys(sc, err)) != TS_OK) {
        return st;
    }
    for (size_t i = 0; i < sc->n_keys; i++) {
        if (sc_add_prefixes(sc, &cap, sc->keys[i].path) != TS_OK) {
            return sc_nomem(err);
        }
    }
    qsort(sc->prefixes, sc->n_prefixes, sizeof *sc->prefixes, sc_str_cmp);
    size_t u = 0;
    for (size_t i = 0; i < sc->n_prefixes; i++) {
        if (u > 0 && strcmp(sc->prefixes[u - 1], sc->prefixes[i]) == 0) {
            free(sc->prefixes[i]);
        } else {
            sc->prefixes[u++] = sc->prefixes[i];
        }
    }
    sc->n_prefixes = u;
    if ((st = sc_check_index(sc, err)) != TS_OK) {
        return st;
    }
    for (size_t i = 0; i < sc->n_keys; i++) {
        st = sc_parse_default(sc, sc->keys[i].param, sc->keys[i].path, &sc->vals[i], err);
        if (st != TS_OK) {
            return st;
        }
    }
    sc->kind_defs = calloc(s->n_event_kinds + 1, sizeof *sc->kind_defs);
    if (sc->kind_defs == NULL) {
        return sc_nomem(err);
    }
    for (size_t k = 0; k < s->n_event_kinds; k++) {
        const ts_event_kind *kind = s->event_kinds[k];
        sc->kind_defs[k] = calloc(kind->n_params + 1, sizeof **sc->kind_defs);
        if (sc->kind_defs[k] == NULL) {
            return sc_nomem(err);
        }
        for (size_t j = 0; j < kind->n_params; j++) {
            st = sc_parse_default(sc, &kind->params[j], kind->params[j].key, &sc->kind_defs[k][j],
                                  err);
            if (st != TS_OK) {
                return st;
            }
        }
    }
    return TS_OK;
}

static ts_status sc_new(const ts_schema *schema, ts_scenario **out, ts_error *err) {
    *out = NULL;
    if (schema == NULL) {
        return ts_error_set(err, TS_ERR_INTERNAL, "scenario: no schema");
    }
    ts_scenario *sc = calloc(1, sizeof *sc);
    if (sc == NULL) {
        return sc_nomem(err);
    }
    sc->schema = schema;
    sc->n_points = 1;
    sc->sweep = calloc(SC_MAX_SWEEP_KEYS, sizeof *sc->sweep);
    ts_status st = (sc->sweep == NULL || sc_add_source(sc, NULL, 0) < 0) ? sc_nomem(err)
                                                                         : sc_build_index(sc, err);
    if (st != TS_OK) {
        ts_scenario_free(sc);
        return st;
    }
    *out = sc;
    return TS_OK;
}

/* ---- Events ------------------------------------------------------------------------- */

static void sc_event_clear(ts_event *ev) {
    if (ev->vals != NULL && ev->kind != NULL) {
        for (size_t j = 0; j < ev->kind->n_params; j++) {
            sc_value_clear(&ev->vals[j]);
        }
    }
    free(ev->vals);
    memset(ev, 0, sizeof *ev);
}

static void sc_events_free(ts_event *evs, size_t n) {
    for (size_t i = 0; i < n; i++) {
        sc_event_clear(&evs[i]);
    }
    free(evs);
}

static int sc_event_cmp(const void *a, const void *b) {
    const ts_event *x = a;
    const ts_event *y = b;
    if (x->day != y->day) {
        return x->day < y->day ? -1 : 1;
    }
    return x->index < y->index ? -1 : (x->index > y->index);
}

/* Checks key i of a mapping: a scalar, not seen before in the mapping. Done key by key
 * as the mapping is read, so that a huge hostile mapping stops at its first unknown key
 * instead of costing quadratic time up front. */
static ts_status sc_check_key(const sc_ctx *c, const ts_ynode *map, size_t i, const char *prefix) {
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

static const ts_ynode *sc_map_get(const ts_ynode *map, const char *key) {
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        if (map->kids[i]->kind == TS_Y_SCALAR && strcmp(map->kids[i]->text, key) == 0) {
            return map->kids[i + 1];
        }
    }
    return NULL;
}

static ts_status sc_event_kind(const sc_ctx *c, const ts_ynode *item, const char *path,
                               size_t *kind) {
    const ts_schema *s = c->sc->schema;
    char kinds[512] = "";
    size_t n_kinds = 0;
    char got[160];
    char where[64];
    const ts_ynode *v = sc_map_get(item, "kind");
    for (size_t k = 0; k < s->n_event_kinds; k++) {
        sc_list_add(kinds, sizeof kinds, &n_kinds, s->event_kinds[k]->kind,
                    strlen(s->event_kinds[k]->kind));
    }
    if (v == NULL) {
        return sc_fail(c, item, path, "missing kind (expected one of %s)", kinds);
    }
    snprintf(where, sizeof where, "%s.kind", path);
    ts_yaml_describe(v, got, sizeof got);
    if (v->kind != TS_Y_SCALAR) {
        return sc_fail(c, v, where, "not a single value (got %s, expected one of %s)", got, kinds);
    }
    sc_suggest sug;
    sc_suggest_init(&sug, v->text);
    for (size_t k = 0; k < s->n_event_kinds; k++) {
        if (strcmp(s->event_kinds[k]->kind, v->text) == 0 && strlen(v->text) == v->len) {
            *kind = k;
            return TS_OK;
        }
        sc_suggest_try(&sug, s->event_kinds[k]->kind, strlen(s->event_kinds[k]->kind));
    }
    if (sc_suggest_found(&sug)) {
        return sc_fail(c, v, where, "unknown event kind (got %s, did you mean %s?)", got, sug.best);
    }
    return sc_fail(c, v, where, "unknown event kind (got %s, expected one of %s)", got, kinds);
}

static ts_status sc_event_field(const sc_ctx *c, ts_event *ev, const ts_ynode *k, const ts_ynode *v,
                                const char *path) {
    char where[320];
    snprintf(where, sizeof where, "%s.%s", path, k->text);
    if (strcmp(k->text, "kind") == 0) {
        ev->kind_mark = sc_node_mark(c, v);
        return TS_OK;
    }
    if (strcmp(k->text, "day") == 0) {
        sc_value day;
        ts_status st = sc_read_value(c, &sc_day_param, v, where, &day);
        ev->day = day.i;
        ev->day_mark = day.mark;
        return st;
    }
    sc_suggest sug;
    char fields[1024] = "";
    size_t n_fields = 0;
    sc_suggest_init(&sug, k->text);
    sc_list_add(fields, sizeof fields, &n_fields, "day", 3);
    sc_list_add(fields, sizeof fields, &n_fields, "kind", 4);
    for (size_t j = 0; j < ev->kind->n_params; j++) {
        const ts_param *p = &ev->kind->params[j];
        if (strcmp(p->key, k->text) == 0) {
            sc_value_clear(&ev->vals[j]);
            return sc_read_value(c, p, v, where, &ev->vals[j]);
        }
        sc_list_add(fields, sizeof fields, &n_fields, p->key, strlen(p->key));
        sc_suggest_try(&sug, p->key, strlen(p->key));
    }
    if (sc_suggest_found(&sug)) {
        return sc_fail(c, k, where, "unknown key (did you mean %s.%s?)", path, sug.best);
    }
    return sc_fail(c, k, where, "unknown key (expected one of: %s)", fields);
}

static ts_status sc_read_event(const sc_ctx *c, const ts_ynode *item, size_t index, ts_event *ev) {
    char path[48];
    char got[160];
    size_t kind = 0;
    ts_status st;
    snprintf(path, sizeof path, "events[%zu]", index);
    if (item->kind != TS_Y_MAP) {
        ts_yaml_describe(item, got, sizeof got);
        return sc_fail(c, item, path,
                       "not a mapping (got %s, expected a mapping with day and kind)", got);
    }
    if ((st = sc_event_kind(c, item, path, &kind)) != TS_OK) {
        return st;
    }
    if (sc_map_get(item, "day") == NULL) {
        return sc_fail(c, item, path, "missing day (expected the day of the event, from 1)");
    }
    ev->kind = c->sc->schema->event_kinds[kind];
    ev->index = index;
    ev->mark = sc_node_mark(c, item);
    ev->vals = calloc(ev->kind->n_params + 1, sizeof *ev->vals);
    if (ev->vals == NULL) {
        return sc_nomem(c->err);
    }
    for (size_t j = 0; j < ev->kind->n_params; j++) {
        if (!sc_value_dup(&c->sc->kind_defs[kind][j], &ev->vals[j])) {
            return sc_nomem(c->err);
        }
    }
    for (size_t i = 0; i + 1 < item->n; i += 2) {
        if ((st = sc_check_key(c, item, i, path)) != TS_OK ||
            (st = sc_event_field(c, ev, item->kids[i], item->kids[i + 1], path)) != TS_OK) {
            return st;
        }
    }
    return TS_OK;
}

/* `events` replaces the list read so far (lists replace, they do not merge). */
static ts_status sc_apply_events(const sc_ctx *c, const ts_ynode *v) {
    ts_scenario *sc = c->sc;
    char got[160];
    size_t n = 0;
    ts_event *evs = NULL;
    if (!ts_yaml_is_null(v)) {
        if (v->kind != TS_Y_SEQ) {
            ts_yaml_describe(v, got, sizeof got);
            return sc_fail(c, v, "events",
                           "not a list (got %s, expected a list of events such as "
                           "{day: 90, kind: ...})",
                           got);
        }
        n = v->n;
        if (n > SC_MAX_EVENTS) {
            return sc_fail(c, v, "events", "too many events (got %zu, expected at most %d)", n,
                           SC_MAX_EVENTS);
        }
    }
    evs = calloc(n + 1, sizeof *evs);
    if (evs == NULL) {
        return sc_nomem(c->err);
    }
    for (size_t i = 0; i < n; i++) {
        ts_status st = sc_read_event(c, v->kids[i], i, &evs[i]);
        if (st != TS_OK) {
            sc_events_free(evs, i + 1);
            return st;
        }
    }
    qsort(evs, n, sizeof *evs, sc_event_cmp);
    sc_events_free(sc->events, sc->n_events);
    sc->events = evs;
    sc->n_events = n;
    return TS_OK;
}

/* ---- Sweep -------------------------------------------------------------------------- */

static void sc_sweep_clear(sc_sweep *w) {
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

static ts_status sc_sweep_entry(const sc_ctx *c, const ts_ynode *k, size_t key, const ts_ynode *v,
                                const char *shown) {
    ts_scenario *sc = c->sc;
    const ts_param *p = sc->keys[key].param;
    char got[160];
    sc_sweep w = {.key = key, .mark = sc_node_mark(c, k)};
    ts_yaml_describe(v, got, sizeof got);
    if (p->type == TS_PT_STRLIST || p->type == TS_PT_POINTS) {
        return sc_fail(c, k, shown,
                       "cannot be swept (got a list-valued key, expected a key that takes one "
                       "value)");
    }
    if (v->kind != TS_Y_SEQ) {
        return sc_fail(c, v, shown, "not a list (got %s, expected a non-empty list of values)",
                       got);
    }
    if (v->n == 0) {
        return sc_fail(c, v, shown, "empty list (got [], expected at least one value)");
    }
    if (v->n > SC_MAX_POINTS) {
        return sc_fail(c, v, shown, "too many values (got %zu, expected at most %d)", v->n,
                       SC_MAX_POINTS);
    }
    w.vals = calloc(v->n, sizeof *w.vals);
    w.texts = calloc(v->n, sizeof *w.texts);
    if (w.vals == NULL || w.texts == NULL) {
        sc_sweep_clear(&w);
        return sc_nomem(c->err);
    }
    w.n = v->n;
    for (size_t i = 0; i < v->n; i++) {
        ts_status st = sc_read_value(c, p, v->kids[i], shown, &w.vals[i]);
        if (st == TS_OK && (w.texts[i] = sc_value_text(p, &w.vals[i])) == NULL) {
            st = sc_nomem(c->err);
        }
        if (st != TS_OK) {
            sc_sweep_clear(&w);
            return st;
        }
    }
    size_t at = sc->n_sweep;
    for (size_t i = 0; i < sc->n_sweep; i++) {
        if (sc->sweep[i].key == key) {
            at = i;
        }
    }
    if (at == sc->n_sweep) {
        if (sc->n_sweep == SC_MAX_SWEEP_KEYS) {
            sc_sweep_clear(&w);
            return sc_fail(c, k, shown, "too many sweep keys (got %d, expected at most %d)",
                           SC_MAX_SWEEP_KEYS + 1, SC_MAX_SWEEP_KEYS);
        }
        sc->n_sweep++;
    } else {
        sc_sweep_clear(&sc->sweep[at]);
    }
    sc->sweep[at] = w;
    sc_touch(sc, sc->keys[key].path);
    return TS_OK;
}

static ts_status sc_apply_sweep(const sc_ctx *c, const ts_ynode *map, const char *prefix) {
    ts_scenario *sc = c->sc;
    char base[600];
    char shown[600];
    char got[160];
    ts_status st;
    snprintf(base, sizeof base, "sweep%s%s", prefix[0] ? "." : "", prefix);
    if (ts_yaml_is_null(map)) {
        return TS_OK;
    }
    if (map->kind != TS_Y_MAP) {
        ts_yaml_describe(map, got, sizeof got);
        return sc_fail(c, map, base,
                       "not a mapping (got %s, expected key paths with lists of values)", got);
    }
    st = TS_OK;
    for (size_t i = 0; i + 1 < map->n && st == TS_OK; i += 2) {
        const ts_ynode *k = map->kids[i];
        const ts_ynode *v = map->kids[i + 1];
        if ((st = sc_check_key(c, map, i, base)) != TS_OK) {
            break;
        }
        char *full = sc_join(prefix, k->text);
        if (full == NULL) {
            return sc_nomem(c->err);
        }
        long key = sc_find_key(sc, full);
        snprintf(shown, sizeof shown, "sweep.%s", full);
        if (key >= 0) {
            st = sc_sweep_entry(c, k, (size_t)key, v, shown);
        } else if (sc_is_prefix(sc, full)) {
            st = sc_apply_sweep(c, v, full);
        } else {
            st = sc_unknown_key(c, k, "sweep.", prefix, k->text, 0, 1);
        }
        free(full);
    }
    return st;
}

/* ---- Applying a document ---------------------------------------------------------------- */

static ts_status sc_apply_map(const sc_ctx *c, const ts_ynode *map, const char *prefix);

/* Applies node v at the full path `full`, a key or a section; *found = 0 if neither. */
static ts_status sc_apply_path(const sc_ctx *c, const char *full, const ts_ynode *at,
                               const char *written, const ts_ynode *v, int *found) {
    ts_scenario *sc = c->sc;
    char got[160];
    long k = sc_find_key(sc, full);
    *found = 1;
    if (k >= 0) {
        sc_value tmp;
        if (sc->vals[k].layer == c->layer) {
            return sc_fail(c, at, full, "duplicate key \"%s\"", written);
        }
        ts_status st = sc_read_value(c, sc->keys[k].param, v, full, &tmp);
        if (st != TS_OK) {
            return st;
        }
        sc_value_clear(&sc->vals[k]);
        sc->vals[k] = tmp;
        sc_touch(sc, full);
        return TS_OK;
    }
    if (!sc_is_prefix(sc, full)) {
        *found = 0;
        return TS_OK;
    }
    int opt = sc_opt_exact(sc, full);
    if (ts_yaml_is_null(v)) {
        sc_touch(sc, full);
        return TS_OK;
    }
    if (v->kind == TS_Y_MAP) {
        sc_touch(sc, full);
        return sc_apply_map(c, v, full);
    }
    if (opt >= 0 && v->kind == TS_Y_SCALAR && v->plain &&
        (!strcmp(v->text, "true") || !strcmp(v->text, "false"))) {
        /* `tactics.feedback: false` is short for `tactics.feedback: {enabled: false}`. */
        return sc_apply_path(c, sc->keys[sc->opt_enabled[opt]].path, at, written, v, found);
    }
    ts_yaml_describe(v, got, sizeof got);
    return sc_fail(c, v, full, "not a mapping (got %s, expected a mapping of %s keys%s)", got, full,
                   opt >= 0 ? ", true or false" : "");
}

static ts_status sc_apply_map(const sc_ctx *c, const ts_ynode *map, const char *prefix) {
    ts_status st = TS_OK;
    for (size_t i = 0; i + 1 < map->n && st == TS_OK; i += 2) {
        const ts_ynode *k = map->kids[i];
        const ts_ynode *v = map->kids[i + 1];
        if ((st = sc_check_key(c, map, i, prefix)) != TS_OK) {
            break;
        }
        if (prefix[0] == '\0') {
            if (strcmp(k->text, "extends") == 0) {
                continue; /* read before everything else */
            }
            if (strcmp(k->text, "events") == 0) {
                st = sc_apply_events(c, v);
                continue;
            }
            if (strcmp(k->text, "sweep") == 0) {
                st = sc_apply_sweep(c, v, "");
                continue;
            }
        }
        char *full = sc_join(prefix, k->text);
        if (full == NULL) {
            return sc_nomem(c->err);
        }
        int found;
        st = sc_apply_path(c, full, k, k->text, v, &found);
        if (st == TS_OK && !found) {
            st = sc_unknown_key(c, k, "", prefix, k->text, prefix[0] == '\0', 0);
        }
        free(full);
    }
    return st;
}

/* ---- Files and extends -------------------------------------------------------------- */

typedef struct sc_chain {
    char *real[SC_MAX_EXTENDS + 2];
    const char *shown[SC_MAX_EXTENDS + 2];
    int n;
} sc_chain;

static ts_status sc_load_text(ts_scenario *sc, const char *text, size_t len, const char *shown,
                              const char *dir, sc_chain *chain, int depth, ts_error *err);

/* Reads a whole file of at most TS_YAML_MAX_BYTES; returns 0, or an errno value, or -1
 * when it is too large. */
static int sc_slurp(const char *path, char **out, size_t *len) {
    FILE *f = fopen(path, "rb");
    size_t cap = 1 << 16;
    size_t n = 0;
    char *buf;
    int e = 0;
    *out = NULL;
    if (f == NULL) {
        return errno ? errno : ENOENT;
    }
    buf = malloc(cap + 1);
    while (buf != NULL) {
        if (n == cap) {
            char *bigger;
            if (cap > TS_YAML_MAX_BYTES) {
                e = -1;
                break;
            }
            cap *= 2;
            bigger = realloc(buf, cap + 1);
            if (bigger == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n > TS_YAML_MAX_BYTES) {
            e = -1;
            break;
        }
        if (got == 0) {
            e = ferror(f) ? (errno ? errno : EIO) : 0;
            break;
        }
    }
    fclose(f);
    if (buf == NULL) {
        return ENOMEM;
    }
    if (e == 0 && n > TS_YAML_MAX_BYTES) {
        e = -1;
    }
    if (e != 0) {
        free(buf);
        return e;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

static char *sc_dirname(const char *path) {
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        return strdup("");
    }
    if (slash == path) {
        return strdup("/");
    }
    return strndup(path, (size_t)(slash - path));
}

/* Loads `path`; `from` and `at` locate the `extends` that names it (NULL for the top). */
static ts_status sc_load_file(ts_scenario *sc, const char *path, sc_chain *chain, int depth,
                              const sc_ctx *from, const ts_ynode *at, ts_error *err) {
    char *buf = NULL;
    size_t len = 0;
    int e = sc_slurp(path, &buf, &len);
    if (e == ENOMEM) {
        return sc_nomem(err);
    }
    if (e == -1) {
        return ts_error_set(err, TS_ERR_SCENARIO, "%s: file too large (expected at most %zu bytes)",
                            path, TS_YAML_MAX_BYTES);
    }
    if (e != 0) {
        if (from != NULL) {
            return sc_fail(from, at, "extends", "cannot open \"%s\" (%s)", at->text, strerror(e));
        }
        return ts_error_set(err, TS_ERR_SCENARIO, "%s: cannot open (%s)", path, strerror(e));
    }
    char *real = realpath(path, NULL);
    if (real == NULL && (real = strdup(path)) == NULL) {
        free(buf);
        return sc_nomem(err);
    }
    for (int i = 0; i < chain->n; i++) {
        if (strcmp(chain->real[i], real) == 0) {
            char cycle[700] = "";
            size_t used = 0;
            for (int j = i; j < chain->n && used < sizeof cycle; j++) {
                used +=
                    (size_t)snprintf(cycle + used, sizeof cycle - used, "%s -> ", chain->shown[j]);
            }
            if (used < sizeof cycle) {
                snprintf(cycle + used, sizeof cycle - used, "%s", path);
            }
            free(real);
            free(buf);
            return sc_fail(from, at, "extends", "cycle (%s)", cycle);
        }
    }
    char *dir = sc_dirname(path);
    ts_status st = TS_OK;
    if (dir == NULL) {
        st = sc_nomem(err);
    } else {
        chain->real[chain->n] = real;
        chain->shown[chain->n] = path;
        chain->n++;
        st = sc_load_text(sc, buf, len, path, dir, chain, depth, err);
        chain->n--;
    }
    free(dir);
    free(real);
    free(buf);
    return st;
}

static ts_status sc_extends(const sc_ctx *c, const ts_ynode *v, const char *dir, sc_chain *chain,
                            int depth) {
    char got[160];
    ts_yaml_describe(v, got, sizeof got);
    if (v->kind != TS_Y_SCALAR || ts_yaml_is_null(v) || memchr(v->text, '\0', v->len) != NULL) {
        return sc_fail(c, v, "extends",
                       "not a file name (got %s, expected the path of a scenario "
                       "file)",
                       got);
    }
    if (depth >= SC_MAX_EXTENDS) {
        return sc_fail(c, v, "extends",
                       "too deep (got more than %d levels of extends, expected at "
                       "most %d)",
                       SC_MAX_EXTENDS, SC_MAX_EXTENDS);
    }
    char *target;
    if (v->text[0] == '/' || dir[0] == '\0') {
        target = strdup(v->text);
    } else {
        size_t nd = strlen(dir);
        target = malloc(nd + v->len + 2);
        if (target != NULL) {
            snprintf(target, nd + v->len + 2, "%s%s%s", dir, dir[nd - 1] == '/' ? "" : "/",
                     v->text);
        }
    }
    if (target == NULL) {
        return sc_nomem(c->err);
    }
    ts_status st = sc_load_file(c->sc, target, chain, depth + 1, c, v, c->err);
    free(target);
    return st;
}

static ts_status sc_load_text(ts_scenario *sc, const char *text, size_t len, const char *shown,
                              const char *dir, sc_chain *chain, int depth, ts_error *err) {
    ts_ynode *root = NULL;
    ts_yerror yerr;
    char got[160];
    sc_ctx c = {.sc = sc, .src = sc_add_source(sc, shown, 0), .layer = 0, .err = err};
    if (c.src < 0) {
        return sc_nomem(err);
    }
    if (len > TS_YAML_MAX_BYTES) {
        return ts_error_set(err, TS_ERR_SCENARIO,
                            "%s: too large (got %zu bytes, expected at most "
                            "%zu)",
                            shown, len, TS_YAML_MAX_BYTES);
    }
    ts_status st = ts_yaml_parse(text, len, &root, &yerr);
    if (st == TS_ERR_NOMEM) {
        return sc_nomem(err);
    }
    if (st != TS_OK) {
        /* Name the key whose value was being read, as every other error does. */
        return ts_error_set(err, st, "%s:%d:%d: %s%s%s", shown, yerr.line, yerr.col, yerr.path,
                            yerr.path[0] ? ": " : "", yerr.msg);
    }
    if (root == NULL || ts_yaml_is_null(root)) {
        ts_yaml_free(root);
        return TS_OK;
    }
    if (root->kind != TS_Y_MAP) {
        ts_yaml_describe(root, got, sizeof got);
        st = sc_fail(&c, root, "", "expected a mapping at the top level (got %s)", got);
        ts_yaml_free(root);
        return st;
    }
    for (size_t i = 0; i + 1 < root->n; i += 2) {
        const ts_ynode *k = root->kids[i];
        if (k->kind == TS_Y_SCALAR && strcmp(k->text, "extends") == 0) {
            st = sc_extends(&c, root->kids[i + 1], dir, chain, depth);
            break;
        }
    }
    if (st == TS_OK) {
        c.layer = ++sc->layer;
        st = sc_apply_map(&c, root, "");
    }
    ts_yaml_free(root);
    return st;
}

/* The file's name without directory and extension. */
static char *sc_stem(const char *path) {
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t n = (dot != NULL && dot != base) ? (size_t)(dot - base) : strlen(base);
    return strndup(base, n);
}

ts_status ts_scenario_load(const ts_schema *schema, const char *path, ts_scenario **out,
                           ts_error *err) {
    ts_scenario *sc = NULL;
    sc_chain chain = {.n = 0};
    if (out == NULL || path == NULL) {
        return ts_error_set(err, TS_ERR_INTERNAL, "ts_scenario_load: no path or output");
    }
    *out = NULL;
    ts_status st = sc_new(schema, &sc, err);
    if (st != TS_OK) {
        return st;
    }
    if ((sc->top = strdup(path)) == NULL || (sc->stem = sc_stem(path)) == NULL) {
        st = sc_nomem(err);
    } else {
        st = sc_load_file(sc, path, &chain, 0, NULL, NULL, err);
    }
    if (st != TS_OK) {
        ts_scenario_free(sc);
        return st;
    }
    *out = sc;
    return TS_OK;
}

static int sc_ends_with(const char *s, const char *tail) {
    size_t n = strlen(s);
    size_t t = strlen(tail);
    return n > t && strcmp(s + n - t, tail) == 0;
}

ts_status ts_scenario_load_string(const ts_schema *schema, const char *text,
                                  const char *display_name, const char *base_dir, ts_scenario **out,
                                  ts_error *err) {
    ts_scenario *sc = NULL;
    sc_chain chain = {.n = 0};
    const char *shown = display_name ? display_name : "<string>";
    if (out == NULL || text == NULL) {
        return ts_error_set(err, TS_ERR_INTERNAL, "ts_scenario_load_string: no text or output");
    }
    *out = NULL;
    ts_status st = sc_new(schema, &sc, err);
    if (st != TS_OK) {
        return st;
    }
    if ((sc->top = strdup(shown)) == NULL) {
        st = sc_nomem(err);
    } else if ((sc_ends_with(shown, ".yaml") || sc_ends_with(shown, ".yml")) &&
               (sc->stem = sc_stem(shown)) == NULL) {
        st = sc_nomem(err);
    } else {
        st = sc_load_text(sc, text, strlen(text), shown, base_dir ? base_dir : "", &chain, 0, err);
    }
    if (st != TS_OK) {
        ts_scenario_free(sc);
        return st;
    }
    *out = sc;
    return TS_OK;
}

/* ---- --set ---------------------------------------------------------------------------- */

static ts_status sc_set_apply(const sc_ctx *c, const char *key, const ts_ynode *root) {
    ts_scenario *sc = c->sc;
    int found;
    if (strcmp(key, "extends") == 0) {
        return sc_fail(c, root, key, "cannot be set with --set (expected it in a scenario file)");
    }
    if (strcmp(key, "events") == 0) {
        return sc_apply_events(c, root);
    }
    if (strcmp(key, "sweep") == 0) {
        return sc_apply_sweep(c, root, "");
    }
    if (strncmp(key, "sweep.", 6) == 0) {
        const char *path = key + 6;
        long k = sc_find_key(sc, path);
        if (k >= 0) {
            return sc_sweep_entry(c, root, (size_t)k, root, key);
        }
        if (sc_is_prefix(sc, path)) {
            return sc_apply_sweep(c, root, path);
        }
        return sc_unknown_key(c, root, "sweep.", "", path, 0, 1);
    }
    ts_status st = sc_apply_path(c, key, root, key, root, &found);
    if (st == TS_OK && !found) {
        st = sc_unknown_key(c, root, "", "", key, 1, 0);
    }
    return st;
}

static void sc_swap(ts_scenario *a, ts_scenario *b) {
    ts_scenario t = *a;
    *a = *b;
    *b = t;
}

ts_status ts_scenario_set(ts_scenario *sc, const char *assignment, ts_error *err) {
    if (sc == NULL || assignment == NULL) {
        return ts_error_set(err, TS_ERR_INTERNAL, "ts_scenario_set: no scenario or assignment");
    }
    const char *eq = strchr(assignment, '=');
    if (eq == NULL) {
        return ts_error_set(err, TS_ERR_SCENARIO, "--set %s: missing '=' (expected key.path=value)",
                            assignment);
    }
    const char *k0 = assignment;
    const char *k1 = eq;
    while (k0 < k1 && (*k0 == ' ' || *k0 == '\t')) {
        k0++;
    }
    while (k1 > k0 && (k1[-1] == ' ' || k1[-1] == '\t')) {
        k1--;
    }
    if (k0 == k1) {
        return ts_error_set(err, TS_ERR_SCENARIO,
                            "--set %s: missing key path before '=' (expected key.path=value)",
                            assignment);
    }
    const char *value = eq + 1;
    size_t vlen = strlen(value);
    if (vlen > TS_YAML_MAX_BYTES) {
        return ts_error_set(err, TS_ERR_SCENARIO,
                            "--set: value too long (got %zu bytes, expected "
                            "at most %zu)",
                            vlen, TS_YAML_MAX_BYTES);
    }
    /* Work on a copy so that a failed --set leaves the scenario as it was. */
    ts_scenario *work = ts_scenario_copy(sc);
    char *key = strndup(k0, (size_t)(k1 - k0));
    ts_ynode *root = NULL;
    ts_yerror yerr;
    ts_status st = TS_OK;
    char empty[1] = "";
    ts_ynode null_node = {.kind = TS_Y_SCALAR, .plain = 1, .text = empty};
    sc_ctx c = {.sc = work, .err = err};
    if (work == NULL || key == NULL || (c.src = sc_add_source(work, assignment, 1)) < 0) {
        st = sc_nomem(err);
        goto cleanup;
    }
    st = ts_yaml_parse(value, vlen, &root, &yerr);
    if (st == TS_ERR_NOMEM) {
        st = sc_nomem(err);
        goto cleanup;
    }
    if (st != TS_OK) {
        st = ts_error_set(err, st, "--set %s: %s: %s", assignment, key, yerr.msg);
        goto cleanup;
    }
    c.layer = ++work->layer;
    st = sc_set_apply(&c, key, root ? root : &null_node);
    if (st == TS_OK) {
        work->finalized = 0;
        sc_swap(sc, work);
    }
cleanup:
    ts_yaml_free(root);
    free(key);
    ts_scenario_free(work);
    return st;
}

/* ---- Finalize, copy, free ------------------------------------------------------------- */

static size_t sc_grid_size(const ts_scenario *sc) {
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
static size_t sc_grid_index(const ts_scenario *sc, size_t k, size_t g) {
    size_t stride = 1;
    for (size_t j = k + 1; j < sc->n_sweep; j++) {
        stride *= sc->sweep[j].n;
    }
    return (g / stride) % sc->sweep[k].n;
}

static ts_status sc_check_point(const ts_scenario *sc, ts_error *err) {
    const ts_schema *s = sc->schema;
    for (size_t v = 0; v < s->n_validators; v++) {
        ts_status st = s->validators[v](sc, err);
        if (st != TS_OK) {
            if (err != NULL && err->status == TS_OK) {
                ts_error_set(err, st, "%s: rejected by a validator", sc->top ? sc->top : "");
            }
            return st;
        }
    }
    long kd = sc_find_key(sc, "days");
    int64_t days = (kd >= 0 && sc->keys[kd].param->type == TS_PT_INT) ? sc->vals[kd].i : INT64_MAX;
    for (size_t i = 0; i < sc->n_events; i++) {
        const ts_event *ev = &sc->events[i];
        if (ev->day < 1 || ev->day > days) {
            char path[64];
            snprintf(path, sizeof path, "events[%zu].day", ev->index);
            return sc_mark_fail(sc, ev->day_mark, path, err,
                                "out of range (got %" PRId64 ", expected a day in [1, %" PRId64
                                "])",
                                ev->day, days);
        }
    }
    return TS_OK;
}

/* A point where at most one key is off its first value. */
static int sc_spanning_point(const ts_scenario *sc, size_t g) {
    int moved = 0;
    for (size_t k = 0; k < sc->n_sweep; k++) {
        moved += sc_grid_index(sc, k, g) != 0;
    }
    return moved <= 1;
}

ts_status ts_scenario_finalize(ts_scenario *sc, ts_error *err) {
    if (sc == NULL) {
        return ts_error_set(err, TS_ERR_INTERNAL, "ts_scenario_finalize: no scenario");
    }
    if (sc->finalized) {
        return TS_OK;
    }
    size_t n = sc_grid_size(sc);
    if (n > SC_MAX_POINTS) {
        double total = 1;
        for (size_t k = 0; k < sc->n_sweep; k++) {
            total *= (double)sc->sweep[k].n;
        }
        return sc_mark_fail(sc, sc->sweep[0].mark, "sweep", err,
                            "too many grid points (got %.0f, expected at most %d)", total,
                            SC_MAX_POINTS);
    }
    /* Every grid point must be valid, so each is checked with its values swapped in.
     * Past a work budget (a hostile file with a huge grid and many events) only every
     * value of every key and the last point are checked here; ts_scenario_at_point
     * still checks each point it makes. */
    sc_value saved[SC_MAX_SWEEP_KEYS];
    ts_status st = TS_OK;
    int all = (double)n * (double)(1 + sc->n_events + sc->schema->n_validators) <= SC_CHECK_BUDGET;
    for (size_t g = 0; g < n && st == TS_OK; g++) {
        if (!all && g + 1 < n && !sc_spanning_point(sc, g)) {
            continue;
        }
        for (size_t k = 0; k < sc->n_sweep; k++) {
            saved[k] = sc->vals[sc->sweep[k].key];
            sc->vals[sc->sweep[k].key] = sc->sweep[k].vals[sc_grid_index(sc, k, g)];
        }
        st = sc_check_point(sc, err);
        for (size_t k = sc->n_sweep; k-- > 0;) {
            sc->vals[sc->sweep[k].key] = saved[k];
        }
    }
    if (st == TS_OK) {
        sc->n_points = n;
        sc->finalized = 1;
    }
    return st;
}

void ts_scenario_free(ts_scenario *sc) {
    if (sc == NULL) {
        return;
    }
    for (size_t i = 0; i < sc->n_keys; i++) {
        free(sc->keys[i].path);
        sc_value_clear(&sc->vals[i]);
    }
    free(sc->keys);
    free(sc->vals);
    free(sc->sorted);
    for (size_t i = 0; i < sc->n_prefixes; i++) {
        free(sc->prefixes[i]);
    }
    free(sc->prefixes);
    for (size_t g = 0; g < sc->n_opt; g++) {
        free(sc->opt_names[g]);
    }
    free(sc->opt_names);
    free(sc->opt_present);
    free(sc->opt_enabled);
    if (sc->kind_defs != NULL) {
        for (size_t k = 0; k < sc->schema->n_event_kinds; k++) {
            if (sc->kind_defs[k] != NULL) {
                for (size_t j = 0; j < sc->schema->event_kinds[k]->n_params; j++) {
                    sc_value_clear(&sc->kind_defs[k][j]);
                }
            }
            free(sc->kind_defs[k]);
        }
    }
    free(sc->kind_defs);
    for (size_t i = 0; i < sc->n_srcs; i++) {
        free(sc->srcs[i].name);
    }
    free(sc->srcs);
    sc_events_free(sc->events, sc->n_events);
    for (size_t k = 0; k < sc->n_sweep; k++) {
        sc_sweep_clear(&sc->sweep[k]);
    }
    free(sc->sweep);
    free(sc->top);
    free(sc->stem);
    free(sc);
}

static int sc_copy_index(ts_scenario *d, const ts_scenario *sc) {
    size_t n_sec = sc->schema->n_sections + 1;
    d->keys = calloc(sc->n_keys + 1, sizeof *d->keys);
    d->vals = calloc(sc->n_keys + 1, sizeof *d->vals);
    d->sorted = calloc(sc->n_keys + 1, sizeof *d->sorted);
    d->prefixes = calloc(sc->n_prefixes + 1, sizeof *d->prefixes);
    d->opt_names = calloc(n_sec, sizeof *d->opt_names);
    d->opt_present = calloc(n_sec, sizeof *d->opt_present);
    d->opt_enabled = calloc(n_sec, sizeof *d->opt_enabled);
    if (!d->keys || !d->vals || !d->sorted || !d->prefixes || !d->opt_names || !d->opt_present ||
        !d->opt_enabled) {
        return 0;
    }
    for (; d->n_keys < sc->n_keys; d->n_keys++) {
        size_t i = d->n_keys;
        d->keys[i] = sc->keys[i];
        d->keys[i].path = strdup(sc->keys[i].path);
        if (d->keys[i].path == NULL || !sc_value_dup(&sc->vals[i], &d->vals[i])) {
            free(d->keys[i].path);
            return 0;
        }
    }
    for (size_t i = 0; i < sc->n_keys; i++) {
        d->sorted[i].idx = sc->sorted[i].idx;
        d->sorted[i].path = d->keys[sc->sorted[i].idx].path;
    }
    for (; d->n_prefixes < sc->n_prefixes; d->n_prefixes++) {
        if ((d->prefixes[d->n_prefixes] = strdup(sc->prefixes[d->n_prefixes])) == NULL) {
            return 0;
        }
    }
    for (; d->n_opt < sc->n_opt; d->n_opt++) {
        if ((d->opt_names[d->n_opt] = strdup(sc->opt_names[d->n_opt])) == NULL) {
            return 0;
        }
        d->opt_present[d->n_opt] = sc->opt_present[d->n_opt];
        d->opt_enabled[d->n_opt] = sc->opt_enabled[d->n_opt];
    }
    return 1;
}

static int sc_copy_kinds(ts_scenario *d, const ts_scenario *sc) {
    const ts_schema *s = sc->schema;
    d->kind_defs = calloc(s->n_event_kinds + 1, sizeof *d->kind_defs);
    if (d->kind_defs == NULL) {
        return 0;
    }
    for (size_t k = 0; k < s->n_event_kinds; k++) {
        d->kind_defs[k] = calloc(s->event_kinds[k]->n_params + 1, sizeof **d->kind_defs);
        if (d->kind_defs[k] == NULL) {
            return 0;
        }
        for (size_t j = 0; j < s->event_kinds[k]->n_params; j++) {
            if (!sc_value_dup(&sc->kind_defs[k][j], &d->kind_defs[k][j])) {
                return 0;
            }
        }
    }
    return 1;
}

static int sc_copy_event(const ts_event *src, ts_event *dst) {
    *dst = *src;
    dst->vals = calloc(src->kind->n_params + 1, sizeof *dst->vals);
    if (dst->vals == NULL) {
        return 0;
    }
    for (size_t j = 0; j < src->kind->n_params; j++) {
        if (!sc_value_dup(&src->vals[j], &dst->vals[j])) {
            return 0;
        }
    }
    return 1;
}

static int sc_copy_sweep(const sc_sweep *src, sc_sweep *dst) {
    *dst = *src;
    dst->vals = calloc(src->n, sizeof *dst->vals);
    dst->texts = calloc(src->n, sizeof *dst->texts);
    if (dst->vals == NULL || dst->texts == NULL) {
        return 0;
    }
    for (size_t i = 0; i < src->n; i++) {
        if (!sc_value_dup(&src->vals[i], &dst->vals[i]) ||
            (dst->texts[i] = strdup(src->texts[i])) == NULL) {
            return 0;
        }
    }
    return 1;
}

static int sc_copy_rest(ts_scenario *d, const ts_scenario *sc) {
    d->srcs = calloc(sc->n_srcs + 1, sizeof *d->srcs);
    d->events = calloc(sc->n_events + 1, sizeof *d->events);
    d->sweep = calloc(SC_MAX_SWEEP_KEYS, sizeof *d->sweep);
    if (!d->srcs || !d->events || !d->sweep) {
        return 0;
    }
    d->srcs_alloc = sc->n_srcs + 1;
    for (; d->n_srcs < sc->n_srcs; d->n_srcs++) {
        const sc_source *s = &sc->srcs[d->n_srcs];
        d->srcs[d->n_srcs] = *s;
        if (s->name != NULL && (d->srcs[d->n_srcs].name = strdup(s->name)) == NULL) {
            return 0;
        }
    }
    for (; d->n_events < sc->n_events; d->n_events++) {
        if (!sc_copy_event(&sc->events[d->n_events], &d->events[d->n_events])) {
            d->n_events++; /* so that free releases what was copied */
            return 0;
        }
    }
    for (; d->n_sweep < sc->n_sweep; d->n_sweep++) {
        if (!sc_copy_sweep(&sc->sweep[d->n_sweep], &d->sweep[d->n_sweep])) {
            d->n_sweep++;
            return 0;
        }
    }
    if ((sc->top && (d->top = strdup(sc->top)) == NULL) ||
        (sc->stem && (d->stem = strdup(sc->stem)) == NULL)) {
        return 0;
    }
    return 1;
}

ts_scenario *ts_scenario_copy(const ts_scenario *sc) {
    if (sc == NULL) {
        return NULL;
    }
    ts_scenario *d = calloc(1, sizeof *d);
    if (d == NULL) {
        return NULL;
    }
    d->schema = sc->schema;
    d->layer = sc->layer;
    d->finalized = sc->finalized;
    d->n_points = sc->n_points;
    if (!sc_copy_index(d, sc) || !sc_copy_kinds(d, sc) || !sc_copy_rest(d, sc)) {
        ts_scenario_free(d);
        return NULL;
    }
    return d;
}

/* ---- Output as YAML ------------------------------------------------------------------- */

/* Keys are printed as nested maps, so they go through a small tree of path components. */
typedef struct sc_tnode {
    const char *name;
    size_t len;
    long key;    /* key index of a leaf, -1 for a map */
    int literal; /* 1: print true, 2: print false instead of the key's value */
    struct sc_tnode **kids;
    size_t n, n_alloc;
} sc_tnode;

static void sc_tree_free(sc_tnode *t) {
    if (t == NULL) {
        return;
    }
    for (size_t i = 0; i < t->n; i++) {
        sc_tree_free(t->kids[i]);
    }
    free(t->kids);
    free(t);
}

static int sc_tree_add(sc_tnode *t, const char *path, long key, int literal) {
    const char *p = path;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        sc_tnode *kid = NULL;
        for (size_t i = 0; i < t->n; i++) {
            if (t->kids[i]->len == len && strncmp(t->kids[i]->name, p, len) == 0) {
                kid = t->kids[i];
            }
        }
        if (kid == NULL) {
            if (t->n == t->n_alloc) {
                size_t n_alloc = t->n_alloc ? 2 * t->n_alloc : 8;
                sc_tnode **kids = realloc(t->kids, n_alloc * sizeof *kids);
                if (kids == NULL) {
                    return 0;
                }
                t->kids = kids;
                t->n_alloc = n_alloc;
            }
            if ((kid = calloc(1, sizeof *kid)) == NULL) {
                return 0;
            }
            kid->name = p;
            kid->len = len;
            kid->key = -1;
            t->kids[t->n++] = kid;
        }
        if (dot == NULL) {
            kid->key = key;
            kid->literal = literal;
            return 1;
        }
        t = kid;
        p = dot + 1;
    }
}

static void sc_write_value(FILE *f, const ts_param *p, const sc_value *v) {
    char buf[40];
    switch (p->type) {
    case TS_PT_INT:
        fprintf(f, "%" PRId64, v->i);
        break;
    case TS_PT_REAL:
        ts_yaml_format_real(v->r, buf, sizeof buf);
        fputs(buf, f);
        break;
    case TS_PT_BOOL:
        fputs(v->b ? "true" : "false", f);
        break;
    case TS_PT_STRING:
    case TS_PT_ENUM:
        ts_yaml_write_string(f, v->s ? v->s : "");
        break;
    case TS_PT_STRLIST:
        fputc('[', f);
        for (size_t i = 0; i < v->n; i++) {
            fputs(i ? ", " : "", f);
            ts_yaml_write_string(f, v->items[i]);
        }
        fputc(']', f);
        break;
    case TS_PT_POINTS:
        fputc('[', f);
        for (size_t i = 0; i < v->n; i++) {
            char y[40];
            ts_yaml_format_real(v->pts[2 * i], buf, sizeof buf);
            ts_yaml_format_real(v->pts[2 * i + 1], y, sizeof y);
            fprintf(f, "%s[%s, %s]", i ? ", " : "", buf, y);
        }
        fputc(']', f);
        break;
    }
}

static void sc_tree_print(FILE *f, const ts_scenario *sc, const sc_tnode *t, int indent) {
    for (size_t i = 0; i < t->n; i++) {
        const sc_tnode *kid = t->kids[i];
        fprintf(f, "%*s%.*s:", indent, "", (int)kid->len, kid->name);
        if (kid->key < 0) {
            fputc('\n', f);
            sc_tree_print(f, sc, kid, indent + 2);
            continue;
        }
        const sc_key *k = &sc->keys[kid->key];
        fputc(' ', f);
        if (kid->literal) {
            fputs(kid->literal == 1 ? "true" : "false", f);
        } else if (strcmp(k->path, "name") == 0 && k->param->type == TS_PT_STRING) {
            ts_yaml_write_string(f, ts_scenario_name(sc));
        } else {
            sc_write_value(f, k->param, &sc->vals[kid->key]);
        }
        fputc('\n', f);
    }
}

static int sc_sweeps_inside(const ts_scenario *sc, int opt) {
    for (size_t k = 0; k < sc->n_sweep; k++) {
        if (sc->keys[sc->sweep[k].key].opt == opt) {
            return 1;
        }
    }
    return 0;
}

/* Adds the keys of every section called `name` (all sections of that name at once). */
static int sc_tree_section(sc_tnode *root, const ts_scenario *sc, size_t first) {
    const ts_schema *s = sc->schema;
    const char *name = s->sections[first]->name;
    int opt = sc_opt_exact(sc, name);
    size_t n_params = 0;
    if (opt >= 0 && !ts_scenario_section_on(sc, name)) {
        /* Off and left out, unless the sweep names a key inside: then it must say so. */
        if (sc->opt_present[opt] && sc_sweeps_inside(sc, opt)) {
            size_t e = sc->opt_enabled[opt];
            return sc_tree_add(root, sc->keys[e].path, (long)e, 2);
        }
        return 1;
    }
    for (size_t j = first; j < s->n_sections; j++) {
        const ts_section *sec = s->sections[j];
        if (strcmp(sec->name, name) != 0) {
            continue;
        }
        for (size_t i = 0; i < sec->n_params; i++, n_params++) {
            char *path = sc_join(name, sec->params[i].key);
            long k = path ? sc_find_key(sc, path) : -1;
            free(path);
            /* The tree points into the key's own path, which outlives it. */
            if (k < 0 || !sc_tree_add(root, sc->keys[k].path, k, 0)) {
                return 0;
            }
        }
    }
    if (opt >= 0 && n_params == 0) {
        size_t e = sc->opt_enabled[opt];
        return sc_tree_add(root, sc->keys[e].path, (long)e, 1);
    }
    return 1;
}

static void sc_write_events(FILE *f, const ts_scenario *sc) {
    if (sc->n_events == 0) {
        return;
    }
    fputs("events:\n", f);
    for (size_t i = 0; i < sc->n_events; i++) {
        const ts_event *ev = &sc->events[i];
        fprintf(f, "  - {day: %" PRId64 ", kind: ", ev->day);
        ts_yaml_write_string(f, ev->kind->kind);
        for (size_t j = 0; j < ev->kind->n_params; j++) {
            fprintf(f, ", %s: ", ev->kind->params[j].key);
            sc_write_value(f, &ev->kind->params[j], &ev->vals[j]);
        }
        fputs("}\n", f);
    }
}

static void sc_write_sweep(FILE *f, const ts_scenario *sc) {
    if (sc->n_sweep == 0) {
        return;
    }
    fputs("sweep:\n", f);
    for (size_t k = 0; k < sc->n_sweep; k++) {
        const sc_sweep *w = &sc->sweep[k];
        fprintf(f, "  %s: [", sc->keys[w->key].path);
        for (size_t i = 0; i < w->n; i++) {
            fprintf(f, "%s%s", i ? ", " : "", w->texts[i]);
        }
        fputs("]\n", f);
    }
}

char *ts_scenario_to_yaml(const ts_scenario *sc) {
    char *buf = NULL;
    size_t size = 0;
    if (sc == NULL) {
        return NULL;
    }
    sc_tnode *root = calloc(1, sizeof *root);
    /* Tree nodes point into key paths, which outlive the tree. Build it from those. */
    int ok = root != NULL;
    const ts_schema *s = sc->schema;
    for (size_t i = 0; i < s->n_sections && ok; i++) {
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++) {
            seen = strcmp(s->sections[j]->name, s->sections[i]->name) == 0;
        }
        if (!seen) {
            ok = sc_tree_section(root, sc, i);
        }
    }
    FILE *f = ok ? open_memstream(&buf, &size) : NULL;
    if (f != NULL) {
        sc_tree_print(f, sc, root, 0);
        sc_write_events(f, sc);
        sc_write_sweep(f, sc);
        if (fclose(f) != 0) {
            free(buf);
            buf = NULL;
        }
    }
    sc_tree_free(root);
    return buf;
}

/* ---- Getters -------------------------------------------------------------------------- */

static const sc_value *sc_get(const ts_scenario *sc, const char *path, const ts_param **p) {
    if (sc == NULL || path == NULL) {
        return NULL;
    }
    long k = sc_find_key(sc, path);
    if (k < 0) {
        return NULL;
    }
    *p = sc->keys[k].param;
    return &sc->vals[k];
}

int64_t ts_scenario_int(const ts_scenario *sc, const char *path) {
    const ts_param *p = NULL;
    const sc_value *v = sc_get(sc, path, &p);
    return (v && p->type == TS_PT_INT) ? v->i : 0;
}

double ts_scenario_real(const ts_scenario *sc, const char *path) {
    const ts_param *p = NULL;
    const sc_value *v = sc_get(sc, path, &p);
    if (v && p->type == TS_PT_INT) {
        return (double)v->i;
    }
    return (v && p->type == TS_PT_REAL) ? v->r : NAN;
}

int ts_scenario_bool(const ts_scenario *sc, const char *path) {
    const ts_param *p = NULL;
    const sc_value *v = sc_get(sc, path, &p);
    if (v == NULL || p->type != TS_PT_BOOL) {
        return 0;
    }
    long k = sc_find_key(sc, path);
    if (sc->keys[k].is_enabled) {
        return ts_scenario_section_on(sc, sc->opt_names[sc->keys[k].opt]);
    }
    return v->b;
}

const char *ts_scenario_string(const ts_scenario *sc, const char *path) {
    const ts_param *p = NULL;
    const sc_value *v = sc_get(sc, path, &p);
    if (v && (p->type == TS_PT_STRING || p->type == TS_PT_ENUM) && v->s) {
        return v->s;
    }
    return "";
}

size_t ts_scenario_list_len(const ts_scenario *sc, const char *path) {
    const ts_param *p = NULL;
    const sc_value *v = sc_get(sc, path, &p);
    return (v && (p->type == TS_PT_STRLIST || p->type == TS_PT_POINTS)) ? v->n : 0;
}

const char *ts_scenario_list_item(const ts_scenario *sc, const char *path, size_t i) {
    const ts_param *p = NULL;
    const sc_value *v = sc_get(sc, path, &p);
    return (v && p->type == TS_PT_STRLIST && i < v->n) ? v->items[i] : "";
}

void ts_scenario_point(const ts_scenario *sc, const char *path, size_t i, double *x, double *y) {
    const ts_param *p = NULL;
    const sc_value *v = sc_get(sc, path, &p);
    int ok = v && p->type == TS_PT_POINTS && i < v->n;
    if (x != NULL) {
        *x = ok ? v->pts[2 * i] : NAN;
    }
    if (y != NULL) {
        *y = ok ? v->pts[2 * i + 1] : NAN;
    }
}

int ts_scenario_section_on(const ts_scenario *sc, const char *section) {
    if (sc == NULL || section == NULL) {
        return 0;
    }
    int g = sc_opt_exact(sc, section);
    if (g >= 0) {
        return sc->opt_present[g] && sc->vals[sc->opt_enabled[g]].b;
    }
    for (size_t i = 0; i < sc->schema->n_sections; i++) {
        if (strcmp(sc->schema->sections[i]->name, section) == 0) {
            return 1;
        }
    }
    return 0;
}

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
    if (strncmp(path, "sweep.", 6) == 0) {
        for (size_t k = 0; k < sc->n_sweep; k++) {
            if (strcmp(sc->keys[sc->sweep[k].key].path, path + 6) == 0) {
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

const char *ts_scenario_name(const ts_scenario *sc) {
    if (sc == NULL) {
        return "scenario";
    }
    const char *name = ts_scenario_string(sc, "name");
    if (name[0] != '\0') {
        return name;
    }
    if (sc->stem != NULL && sc->stem[0] != '\0') {
        return sc->stem;
    }
    return "scenario";
}

size_t ts_scenario_n_events(const ts_scenario *sc) {
    return sc ? sc->n_events : 0;
}

const ts_event *ts_scenario_event(const ts_scenario *sc, size_t i) {
    return (sc && i < sc->n_events) ? &sc->events[i] : NULL;
}

int ts_event_day(const ts_event *ev) {
    return ev ? (int)ev->day : 0;
}

const char *ts_event_kind_name(const ts_event *ev) {
    return ev ? ev->kind->kind : "";
}

static const sc_value *sc_event_get(const ts_event *ev, const char *key, const ts_param **p) {
    if (ev == NULL || key == NULL) {
        return NULL;
    }
    for (size_t j = 0; j < ev->kind->n_params; j++) {
        if (strcmp(ev->kind->params[j].key, key) == 0) {
            *p = &ev->kind->params[j];
            return &ev->vals[j];
        }
    }
    return NULL;
}

double ts_event_real(const ts_event *ev, const char *key) {
    const ts_param *p = NULL;
    if (ev != NULL && key != NULL && strcmp(key, "day") == 0) {
        return (double)ev->day;
    }
    const sc_value *v = sc_event_get(ev, key, &p);
    if (v && p->type == TS_PT_INT) {
        return (double)v->i;
    }
    return (v && p->type == TS_PT_REAL) ? v->r : NAN;
}

const char *ts_event_string(const ts_event *ev, const char *key) {
    const ts_param *p = NULL;
    if (ev != NULL && key != NULL && strcmp(key, "kind") == 0) {
        return ev->kind->kind;
    }
    const sc_value *v = sc_event_get(ev, key, &p);
    if (v && (p->type == TS_PT_STRING || p->type == TS_PT_ENUM) && v->s) {
        return v->s;
    }
    return "";
}

size_t ts_event_index(const ts_event *ev) {
    return ev ? ev->index : 0;
}

/* ---- Sweep getters -------------------------------------------------------------------- */

size_t ts_scenario_n_points(const ts_scenario *sc) {
    if (sc == NULL) {
        return 0;
    }
    return sc->finalized ? sc->n_points : sc_grid_size(sc);
}

size_t ts_scenario_n_sweep_keys(const ts_scenario *sc) {
    return sc ? sc->n_sweep : 0;
}

const char *ts_scenario_sweep_key(const ts_scenario *sc, size_t k) {
    return (sc && k < sc->n_sweep) ? sc->keys[sc->sweep[k].key].path : "";
}

const char *ts_scenario_sweep_value(const ts_scenario *sc, size_t k, size_t g) {
    if (sc == NULL || k >= sc->n_sweep || g >= sc_grid_size(sc)) {
        return "";
    }
    return sc->sweep[k].texts[sc_grid_index(sc, k, g)];
}

ts_ptype ts_scenario_sweep_type(const ts_scenario *sc, size_t k) {
    return (sc && k < sc->n_sweep) ? sc->keys[sc->sweep[k].key].param->type : TS_PT_REAL;
}

ts_status ts_scenario_at_point(const ts_scenario *sc, size_t g, ts_scenario **out, ts_error *err) {
    if (out == NULL || sc == NULL) {
        return ts_error_set(err, TS_ERR_INTERNAL, "ts_scenario_at_point: no scenario");
    }
    *out = NULL;
    size_t n = sc_grid_size(sc);
    if (n > SC_MAX_POINTS || g >= n) {
        return ts_error_set(err, TS_ERR_PARAM, "grid point %zu out of range (expected 0 to %zu)", g,
                            n > SC_MAX_POINTS ? (size_t)SC_MAX_POINTS - 1 : n - 1);
    }
    ts_scenario *d = ts_scenario_copy(sc);
    if (d == NULL) {
        return sc_nomem(err);
    }
    for (size_t k = 0; k < d->n_sweep; k++) {
        size_t key = d->sweep[k].key;
        sc_value_clear(&d->vals[key]);
        if (!sc_value_dup(&d->sweep[k].vals[sc_grid_index(d, k, g)], &d->vals[key])) {
            ts_scenario_free(d);
            return sc_nomem(err);
        }
    }
    for (size_t k = 0; k < d->n_sweep; k++) {
        sc_sweep_clear(&d->sweep[k]);
    }
    d->n_sweep = 0;
    d->finalized = 0;
    ts_status st = ts_scenario_finalize(d, err);
    if (st != TS_OK) {
        ts_scenario_free(d);
        return st;
    }
    *out = d;
    return TS_OK;
}
