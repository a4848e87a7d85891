/* The targets file of `trustsim calibrate` (targets.h): read with sim/scenario/yamlio.h's node
 * tree, every value checked where it stands, with messages "FILE:LINE:COL: path: what (got X,
 * expected Y)" as the patterns file of `trustsim validate` gives them. */
#include "targets.h"

#include "yamlio.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for a path in messages ("parameters.some.long.key[1]"). */
#define TG_PATH 300

/* The file being read: its name in messages, the error to fill, the model's callbacks. */
typedef struct tg_ctx {
    const char *file;
    ts_error *err;
    const ts_targets_model *model;
} tg_ctx;

/* ---- Messages ----------------------------------------------------------------------------- */

/* "FILE:LINE:COL: path" of node `at` ("FILE: path" without a node) into buf. */
static void tg_at(const tg_ctx *c, const ts_ynode *at, const char *path, char *buf, size_t cap) {
    int n = at ? snprintf(buf, cap, "%s:%d:%d: %s", c->file, at->line, at->col, path)
               : snprintf(buf, cap, "%s: %s", c->file, path);
    if (n >= (int)cap) {
        buf[cap - 1] = '\0';
    }
}

/* "FILE:LINE:COL: path: message" at node `at`; TS_ERR_SCENARIO. */
static ts_status tg_fail(const tg_ctx *c, const ts_ynode *at, const char *path, const char *fmt,
                         ...) __attribute__((format(printf, 4, 5)));

static ts_status tg_fail(const tg_ctx *c, const ts_ynode *at, const char *path, const char *fmt,
                         ...) {
    char where[TS_TARGETS_AT], msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    tg_at(c, at, path, where, sizeof where);
    return ts_error_set(c->err, TS_ERR_SCENARIO, "%s%s%s", where, path[0] ? ": " : "", msg);
}

/* path + "." + key, or path + "[i]" (key NULL), cut to fit: a path only names things. */
static void tg_join(char *buf, size_t cap, const char *path, const char *key, size_t i) {
    int n = key ? snprintf(buf, cap, "%s%s%s", path, path[0] ? "." : "", key)
                : snprintf(buf, cap, "%s[%zu]", path, i);
    if (n >= (int)cap) {
        buf[cap - 1] = '\0';
    }
}

static ts_status tg_nomem(const tg_ctx *c) {
    return ts_error_set(c->err, TS_ERR_NOMEM, "%s: out of memory", c->file);
}

/* ---- Did you mean ------------------------------------------------------------------------- */

/* The edit distance of a and b (insertions, deletions, substitutions); SIZE_MAX when either is
 * longer than the table holds, so that it is never suggested. */
static size_t tg_edits(const char *a, const char *b) {
    enum { MAXLEN = 128 };
    size_t na = strlen(a), nb = strlen(b), prev[MAXLEN + 1], cur[MAXLEN + 1];
    if (na > MAXLEN || nb > MAXLEN) {
        return SIZE_MAX;
    }
    for (size_t j = 0; j <= nb; j++) {
        prev[j] = j;
    }
    for (size_t i = 1; i <= na; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t best = prev[j - 1] + (a[i - 1] != b[j - 1]);
            best = prev[j] + 1 < best ? prev[j] + 1 : best;
            best = cur[j - 1] + 1 < best ? cur[j - 1] + 1 : best;
            cur[j] = best;
        }
        memcpy(prev, cur, (nb + 1) * sizeof *prev);
    }
    return prev[nb];
}

/* The candidate of list(ctx, i) closest to word, if close enough to be a likely typo (at most
 * max(2, len/3) edits); NULL otherwise. */
static const char *tg_suggest(const char *(*list)(void *, size_t), void *ctx, const char *word) {
    if (!list) {
        return NULL;
    }
    const char *best = NULL;
    size_t best_d = SIZE_MAX, limit = strlen(word) / 3 > 2 ? strlen(word) / 3 : 2;
    for (size_t i = 0;; i++) {
        const char *cand = list(ctx, i);
        if (!cand) {
            break;
        }
        size_t d = tg_edits(word, cand);
        if (d < best_d) {
            best_d = d;
            best = cand;
        }
    }
    return best_d <= limit ? best : NULL;
}

/* The known metric names, ", "-separated, cut to fit ("..." at the end when cut). */
static void tg_metric_list(const tg_ctx *c, char *buf, size_t cap) {
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; c->model->name; i++) {
        const char *name = c->model->name(c->model->ctx, i);
        if (!name) {
            break;
        }
        size_t need = strlen(name) + (len ? 2 : 0);
        if (len + need + 4 >= cap) {
            snprintf(buf + len, cap - len, "%s...", len ? ", " : "");
            return;
        }
        len += (size_t)snprintf(buf + len, cap - len, "%s%s", len ? ", " : "", name);
    }
}

/* ---- Typed values ------------------------------------------------------------------------- */

/* The value of `key` in mapping `map`, or NULL. */
static const ts_ynode *tg_get(const ts_ynode *map, const char *key) {
    for (size_t i = 0; map && map->kind == TS_Y_MAP && i + 1 < map->n; i += 2) {
        const ts_ynode *k = map->kids[i];
        if (k->kind == TS_Y_SCALAR && strcmp(k->text, key) == 0) {
            return map->kids[i + 1];
        }
    }
    return NULL;
}

/* Is node a usable key or name: a scalar, not null, without NUL bytes? */
static int tg_is_text(const ts_ynode *n) {
    return n->kind == TS_Y_SCALAR && !ts_yaml_is_null(n) && strlen(n->text) == n->len;
}

/* Checks that map (at path) is a mapping whose keys are among allowed (NULL-terminated), each
 * once. `what` says what the mapping should be, for the message when it is not one. */
static ts_status tg_keys(const tg_ctx *c, const ts_ynode *map, const char *path, const char *what,
                         const char *const *allowed) {
    char got[160], list[300] = "", p[TG_PATH];
    if (map->kind != TS_Y_MAP) {
        ts_yaml_describe(map, got, sizeof got);
        return tg_fail(c, map, path, "not a mapping (got %s, expected %s)", got, what);
    }
    for (size_t a = 0; allowed[a]; a++) {
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", a ? ", " : "", allowed[a]);
    }
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const ts_ynode *k = map->kids[i];
        if (!tg_is_text(k)) {
            ts_yaml_describe(k, got, sizeof got);
            return tg_fail(c, k, path, "not a key (got %s, expected one of: %s)", got, list);
        }
        tg_join(p, sizeof p, path, k->text, 0);
        int known = 0;
        for (size_t a = 0; allowed[a] && !known; a++) {
            known = strcmp(allowed[a], k->text) == 0;
        }
        if (!known) {
            return tg_fail(c, k, p, "unknown key (expected one of: %s)", list);
        }
        for (size_t j = 0; j < i; j += 2) {
            if (strcmp(map->kids[j]->text, k->text) == 0) {
                return tg_fail(c, k, p, "duplicate key (first at line %d)", map->kids[j]->line);
            }
        }
    }
    return TS_OK;
}

/* A finite number at node v (named path). */
static ts_status tg_number(const tg_ctx *c, const ts_ynode *v, const char *path, double *out) {
    char got[160];
    ts_ynum syn =
        v->kind == TS_Y_SCALAR && v->plain ? ts_yaml_number_syntax(v->text) : TS_YNUM_NONE;
    double x = syn == TS_YNUM_INT || syn == TS_YNUM_DECIMAL ? strtod(v->text, NULL) : NAN;
    if (!isfinite(x)) {
        ts_yaml_describe(v, got, sizeof got);
        return tg_fail(c, v, path, "not a number (got %s, expected a finite number)", got);
    }
    *out = x;
    return TS_OK;
}

/* An integer in [min, max] at node v; `expected` describes it for messages. */
static ts_status tg_int(const tg_ctx *c, const ts_ynode *v, const char *path, long min, long max,
                        const char *expected, long *out) {
    char got[160];
    ts_yaml_describe(v, got, sizeof got);
    if (v->kind != TS_Y_SCALAR || !v->plain || ts_yaml_number_syntax(v->text) != TS_YNUM_INT) {
        return tg_fail(c, v, path, "not an integer (got %s, expected %s)", got, expected);
    }
    errno = 0;
    long x = strtol(v->text, NULL, 10);
    if (errno == ERANGE || x < min || x > max) {
        return tg_fail(c, v, path, "out of range (got %s, expected %s)", got, expected);
    }
    *out = x;
    return TS_OK;
}

/* A list of exactly two items at node v, or a failure saying what it should be. */
static ts_status tg_pair(const tg_ctx *c, const ts_ynode *v, const char *path, const char *what,
                         const char *shape) {
    char got[160];
    if (v->kind != TS_Y_SEQ || v->n != 2) {
        ts_yaml_describe(v, got, sizeof got);
        return tg_fail(c, v, path, "not %s (got %s, expected %s)", what, got, shape);
    }
    return TS_OK;
}

/* ---- One target --------------------------------------------------------------------------- */

/* The metric name and what the model says it is. */
static ts_status tg_metric(const tg_ctx *c, const ts_ynode *item, const char *path, ts_target *t) {
    char p[TG_PATH], got[160], list[400];
    tg_join(p, sizeof p, path, "metric", 0);
    const ts_ynode *v = tg_get(item, "metric");
    if (!v) {
        return tg_fail(c, item, p,
                       "missing (expected the name of a summary scalar or a daily metric)");
    }
    ts_yaml_describe(v, got, sizeof got);
    if (!tg_is_text(v)) {
        return tg_fail(c, v, p, "not a name (got %s, expected a summary scalar or daily metric)",
                       got);
    }
    int kind = c->model->kind(c->model->ctx, v->text);
    if (kind != TS_TARGET_SUMMARY && kind != TS_TARGET_DAILY) {
        const char *sug = tg_suggest(c->model->name, c->model->ctx, v->text);
        if (sug) {
            return tg_fail(c, v, p, "unknown metric (got %s, did you mean %s?)", got, sug);
        }
        tg_metric_list(c, list, sizeof list);
        return tg_fail(c, v, p, "unknown metric (got %s, expected %s%s)", got,
                       list[0] ? "one of: " : "a summary scalar or daily metric of the scenario",
                       list);
    }
    t->kind = (ts_target_kind)kind;
    t->metric = strdup(v->text);
    return t->metric ? TS_OK : tg_nomem(c);
}

/* stat and window: required and optional for a daily metric, refused for a summary scalar. */
static ts_status tg_daily(const tg_ctx *c, const ts_ynode *item, const char *path, ts_target *t) {
    char p[TG_PATH], q[TG_PATH + 8], got[160];
    const ts_ynode *stat = tg_get(item, "stat"), *win = tg_get(item, "window");
    if (t->kind == TS_TARGET_SUMMARY) {
        const ts_ynode *bad = stat ? stat : win;
        if (bad) {
            tg_join(p, sizeof p, path, stat ? "stat" : "window", 0);
            return tg_fail(c, bad, p,
                           "not for a summary scalar (%s is one value per run; stat and window "
                           "are for daily metrics)",
                           t->metric);
        }
        return TS_OK;
    }
    tg_join(p, sizeof p, path, "stat", 0);
    if (!stat) {
        return tg_fail(c, item, p, "missing (expected mean or last: %s is a daily metric)",
                       t->metric);
    }
    if (tg_is_text(stat) && strcmp(stat->text, "mean") == 0) {
        t->stat = TS_TARGET_STAT_MEAN;
    } else if (tg_is_text(stat) && strcmp(stat->text, "last") == 0) {
        t->stat = TS_TARGET_STAT_LAST;
    } else {
        ts_yaml_describe(stat, got, sizeof got);
        return tg_fail(c, stat, p, "unknown statistic (got %s, expected mean or last)", got);
    }
    if (!win) {
        return TS_OK;
    }
    tg_join(p, sizeof p, path, "window", 0);
    tg_at(c, win, p, t->window_at, sizeof t->window_at);
    ts_status st =
        tg_pair(c, win, p, "a window", "[FROM, TO]: recorded days counted from 0, FROM <= TO");
    long day[2];
    char expected[80];
    snprintf(expected, sizeof expected, "a recorded day, an integer in [0, %ld]",
             TS_TARGETS_MAX_DAY);
    for (size_t i = 0; st == TS_OK && i < 2; i++) {
        tg_join(q, sizeof q, p, NULL, i);
        st = tg_int(c, win->kids[i], q, 0, TS_TARGETS_MAX_DAY, expected, &day[i]);
    }
    if (st == TS_OK && day[0] > day[1]) {
        st = tg_fail(c, win, p, "reversed (got [%ld, %ld], expected FROM <= TO)", day[0], day[1]);
    }
    if (st == TS_OK) {
        t->has_window = 1;
        t->from = day[0];
        t->to = day[1];
    }
    return st;
}

/* value, and exactly one of sd and tolerance, > 0. */
static ts_status tg_value(const tg_ctx *c, const ts_ynode *item, const char *path, ts_target *t) {
    char p[TG_PATH];
    const ts_ynode *v = tg_get(item, "value");
    tg_join(p, sizeof p, path, "value", 0);
    if (!v) {
        return tg_fail(c, item, p, "missing (expected the target, a finite number)");
    }
    ts_status st = tg_number(c, v, p, &t->value);
    if (st != TS_OK) {
        return st;
    }
    const ts_ynode *sd = tg_get(item, "sd"), *tol = tg_get(item, "tolerance");
    if (!sd && !tol) {
        return tg_fail(c, item, path,
                       "no scale (expected exactly one of sd, tolerance: a number > 0)");
    }
    if (sd && tol) {
        tg_join(p, sizeof p, path, "tolerance", 0);
        return tg_fail(c, tol, p, "both sd and tolerance (expected exactly one of them)");
    }
    tg_join(p, sizeof p, path, sd ? "sd" : "tolerance", 0);
    st = tg_number(c, sd ? sd : tol, p, &t->scale);
    if (st == TS_OK && !(t->scale > 0.0)) {
        st = tg_fail(c, sd ? sd : tol, p, "not positive (got %s, expected a number > 0)",
                     (sd ? sd : tol)->text);
    }
    t->is_sd = sd != NULL;
    return st;
}

static ts_status tg_target(const tg_ctx *c, const ts_ynode *item, size_t i, ts_target *t) {
    static const char *const keys[] = {"metric", "stat",      "window", "value",
                                       "sd",     "tolerance", NULL};
    char path[32];
    snprintf(path, sizeof path, "targets[%zu]", i);
    tg_at(c, item, path, t->at, sizeof t->at);
    t->from = 0;
    t->to = -1;
    ts_status st = tg_keys(c, item, path, "{metric: NAME, value: X, sd: S}", keys);
    if (st == TS_OK) {
        st = tg_metric(c, item, path, t);
    }
    if (st == TS_OK) {
        st = tg_daily(c, item, path, t);
    }
    if (st == TS_OK) {
        st = tg_value(c, item, path, t);
    }
    return st;
}

/* ---- One parameter ------------------------------------------------------------------------ */

static const char *tg_type_name(ts_ptype type) {
    switch (type) {
    case TS_PT_INT:
        return "an int";
    case TS_PT_REAL:
        return "a real";
    case TS_PT_BOOL:
        return "a bool";
    case TS_PT_STRING:
        return "a string";
    case TS_PT_ENUM:
        return "an enum";
    case TS_PT_STRLIST:
        return "a list";
    case TS_PT_POINTS:
        return "a points";
    }
    return "an unknown";
}

/* The key of a parameter: known to the scenario, numeric. */
static ts_status tg_param_key(const tg_ctx *c, const ts_ynode *k, const char *p,
                              const ts_param **out) {
    const ts_param *def = c->model->param(c->model->ctx, k->text);
    if (!def) {
        const char *sug = tg_suggest(c->model->param_name, c->model->ctx, k->text);
        if (sug) {
            return tg_fail(c, k, p, "unknown key (did you mean %s?)", sug);
        }
        return tg_fail(c, k, p,
                       "unknown key (expected the full path of an int or real key of the "
                       "scenario, e.g. culture.safety; trustsim keys lists them)");
    }
    if (def->type != TS_PT_INT && def->type != TS_PT_REAL) {
        return tg_fail(c, k, p, "not a numeric key (got %s key, expected an int or real key)",
                       tg_type_name(def->type));
    }
    *out = def;
    return TS_OK;
}

/* The prior range [LOW, HIGH] of a parameter whose key is def. */
static ts_status tg_param_range(const tg_ctx *c, const ts_ynode *v, const char *p,
                                const ts_param *def, ts_targets_param *out) {
    char q[TG_PATH + 8], expected[160];
    ts_status st = tg_pair(c, v, p, "a range", "[LOW, HIGH]: the prior's bounds, LOW < HIGH");
    double b[2];
    int integer = def->type == TS_PT_INT;
    for (size_t i = 0; st == TS_OK && i < 2; i++) {
        tg_join(q, sizeof q, p, NULL, i);
        if (integer) {
            long x;
            snprintf(expected, sizeof expected, "an integer: %s is an int key", out->key);
            st = tg_int(c, v->kids[i], q, -((long)1 << 52), (long)1 << 52, expected, &x);
            b[i] = (double)x;
        } else {
            st = tg_number(c, v->kids[i], q, &b[i]);
        }
    }
    if (st != TS_OK) {
        return st;
    }
    char lo[32], hi[32], min[32], max[32];
    ts_yaml_format_real(b[0], lo, sizeof lo);
    ts_yaml_format_real(b[1], hi, sizeof hi);
    if (!(b[0] < b[1])) {
        return tg_fail(c, v, p, "empty range (got [%s, %s], expected LOW < HIGH)", lo, hi);
    }
    if (b[0] < def->min || b[1] > def->max) {
        ts_yaml_format_real(def->min, min, sizeof min);
        ts_yaml_format_real(def->max, max, sizeof max);
        return tg_fail(c, v, p, "out of the key's range (got [%s, %s], expected within [%s, %s])",
                       lo, hi, min, max);
    }
    out->low = b[0];
    out->high = b[1];
    out->integer = integer;
    return TS_OK;
}

static ts_status tg_params(const tg_ctx *c, const ts_ynode *map, ts_targets *t) {
    char p[TG_PATH], got[160];
    if (map->kind != TS_Y_MAP) {
        ts_yaml_describe(map, got, sizeof got);
        return tg_fail(c, map, "parameters",
                       "not a mapping of parameters (got %s, expected KEY: [LOW, HIGH] for each "
                       "scenario key to calibrate)",
                       got);
    }
    if (map->n == 0) {
        return tg_fail(c, map, "parameters",
                       "empty (expected KEY: [LOW, HIGH] for at least one scenario key)");
    }
    size_t n = map->n / 2;
    if (n > TS_ABC_MAX_PARAMS) {
        return tg_fail(c, map, "parameters", "too many (got %zu, expected at most %d)", n,
                       TS_ABC_MAX_PARAMS);
    }
    t->params = calloc(n, sizeof *t->params);
    if (!t->params) {
        return tg_nomem(c);
    }
    for (size_t i = 0; i < n; i++) {
        const ts_ynode *k = map->kids[2 * i], *v = map->kids[2 * i + 1];
        ts_targets_param *out = &t->params[i];
        if (!tg_is_text(k)) {
            ts_yaml_describe(k, got, sizeof got);
            return tg_fail(c, k, "parameters", "not a key (got %s, expected a scenario key path)",
                           got);
        }
        tg_join(p, sizeof p, "parameters", k->text, 0);
        for (size_t j = 0; j < i; j++) {
            if (strcmp(t->params[j].key, k->text) == 0) {
                return tg_fail(c, k, p, "duplicate parameter (first at line %d)",
                               map->kids[2 * j]->line);
            }
        }
        const ts_param *def = NULL;
        ts_status st = tg_param_key(c, k, p, &def);
        if (st != TS_OK) {
            return st;
        }
        if (!(out->key = strdup(k->text))) {
            return tg_nomem(c);
        }
        t->n_params = i + 1;
        tg_at(c, v, p, out->at, sizeof out->at);
        st = tg_param_range(c, v, p, def, out);
        if (st != TS_OK) {
            return st;
        }
    }
    return TS_OK;
}

/* ---- The settings ------------------------------------------------------------------------- */

/* particles, alpha, p_acc_min, max_runs: each in its range, then together (the kept share
 * covers the parameters, the budget covers two generations). */
static ts_status tg_settings(const tg_ctx *c, const ts_ynode *root, ts_targets *t) {
    const ts_ynode *vn = tg_get(root, "particles"), *va = tg_get(root, "alpha");
    const ts_ynode *vp = tg_get(root, "p_acc_min"), *vr = tg_get(root, "max_runs");
    char expected[160];
    long x;
    ts_status st = TS_OK;
    t->particles = TS_TARGETS_DEFAULT_PARTICLES;
    t->alpha = TS_ABC_DEFAULT_ALPHA;
    t->p_acc_min = TS_ABC_DEFAULT_P_ACC_MIN;
    if (vn) {
        snprintf(expected, sizeof expected, "an integer in [%d, %d]", TS_TARGETS_MIN_PARTICLES,
                 TS_ABC_MAX_PARTICLES);
        st = tg_int(c, vn, "particles", TS_TARGETS_MIN_PARTICLES, TS_ABC_MAX_PARTICLES, expected,
                    &x);
        t->particles = (size_t)x;
    }
    if (st == TS_OK && va) {
        st = tg_number(c, va, "alpha", &t->alpha);
        if (st == TS_OK && !(t->alpha > 0.0 && t->alpha < 1.0)) {
            st = tg_fail(c, va, "alpha", "out of range (got %s, expected a number in (0, 1))",
                         va->text);
        }
    }
    if (st == TS_OK && vp) {
        st = tg_number(c, vp, "p_acc_min", &t->p_acc_min);
        if (st == TS_OK && !(t->p_acc_min >= 0.0 && t->p_acc_min < 1.0)) {
            st = tg_fail(c, vp, "p_acc_min", "out of range (got %s, expected a number in [0, 1))",
                         vp->text);
        }
    }
    if (st != TS_OK) {
        return st;
    }
    size_t kept = ts_abc_n_alpha(t->particles, t->alpha);
    if (kept < t->n_params + 1 || kept >= t->particles) {
        const ts_ynode *at = vn ? vn : va ? va : root;
        return tg_fail(c, at,
                       vn   ? "particles"
                       : va ? "alpha"
                            : "",
                       "too few particles kept (got %zu particles and alpha %g, which keep %zu, "
                       "expected floor(alpha particles) between %zu, the parameters + 1, and "
                       "particles - 1)",
                       t->particles, t->alpha, kept, t->n_params + 1);
    }
    size_t min_runs = ts_abc_min_runs(t->particles, t->alpha);
    t->max_runs = TS_TARGETS_DEFAULT_RUNS_PER_PARTICLE * t->particles;
    if (vr) {
        snprintf(expected, sizeof expected,
                 "an integer in [%zu, %ld]: at least particles + (particles - floor(alpha "
                 "particles)), the runs of two generations",
                 min_runs, TS_TARGETS_MAX_RUNS);
        st = tg_int(c, vr, "max_runs", (long)min_runs, TS_TARGETS_MAX_RUNS, expected, &x);
        t->max_runs = (size_t)x;
    }
    return st;
}

/* ---- The file ----------------------------------------------------------------------------- */

/* The parallel arrays of t. */
static ts_status tg_arrays(const tg_ctx *c, ts_targets *t) {
    t->values = malloc(t->n_targets * sizeof *t->values);
    t->scales = malloc(t->n_targets * sizeof *t->scales);
    t->low = malloc(t->n_params * sizeof *t->low);
    t->high = malloc(t->n_params * sizeof *t->high);
    t->integer = malloc(t->n_params * sizeof *t->integer);
    if (!t->values || !t->scales || !t->low || !t->high || !t->integer) {
        return tg_nomem(c);
    }
    for (size_t i = 0; i < t->n_targets; i++) {
        t->values[i] = t->targets[i].value;
        t->scales[i] = t->targets[i].scale;
    }
    for (size_t i = 0; i < t->n_params; i++) {
        t->low[i] = t->params[i].low;
        t->high[i] = t->params[i].high;
        t->integer[i] = t->params[i].integer;
    }
    return TS_OK;
}

static ts_status tg_document(const tg_ctx *c, const ts_ynode *root, ts_targets *t) {
    static const char *const keys[] = {"targets",   "parameters", "particles", "alpha",
                                       "p_acc_min", "max_runs",   NULL};
    char got[160];
    ts_status st = tg_keys(c, root, "", "a mapping with targets and parameters", keys);
    if (st != TS_OK) {
        return st;
    }
    const ts_ynode *list = tg_get(root, "targets"), *params = tg_get(root, "parameters");
    if (!list) {
        return tg_fail(c, root, "targets", "missing (expected a list of targets)");
    }
    if (!params) {
        return tg_fail(c, root, "parameters", "missing (expected a mapping KEY: [LOW, HIGH])");
    }
    if (list->kind != TS_Y_SEQ) {
        ts_yaml_describe(list, got, sizeof got);
        return tg_fail(c, list, "targets",
                       "not a list of targets (got %s, expected - {metric: NAME, value: X, sd: "
                       "S} items)",
                       got);
    }
    if (list->n == 0 || list->n > TS_TARGETS_MAX) {
        return tg_fail(c, list, "targets", "%s (got %zu targets, expected 1 to %d)",
                       list->n ? "too many" : "empty", list->n, TS_TARGETS_MAX);
    }
    t->targets = calloc(list->n, sizeof *t->targets);
    if (!t->targets) {
        return tg_nomem(c);
    }
    for (size_t i = 0; i < list->n; i++) {
        t->n_targets = i + 1;
        st = tg_target(c, list->kids[i], i, &t->targets[i]);
        if (st != TS_OK) {
            return st;
        }
    }
    st = tg_params(c, params, t);
    if (st == TS_OK) {
        st = tg_settings(c, root, t);
    }
    return st == TS_OK ? tg_arrays(c, t) : st;
}

ts_status ts_targets_load_string(const char *text, size_t len, const char *shown,
                                 const ts_targets_model *model, ts_targets **out, ts_error *err) {
    ts_yerror yerr;
    ts_ynode *root = NULL;
    char got[160];
    *out = NULL;
    ts_targets *t = calloc(1, sizeof *t);
    if (!t || !(t->file = strdup(shown)) || !(t->text = strndup(text, len))) {
        if (t) {
            free(t->file);
        }
        free(t);
        return ts_error_set(err, TS_ERR_NOMEM, "%s: out of memory", shown);
    }
    tg_ctx c = {t->file, err, model};
    ts_status st;
    if (len > TS_YAML_MAX_BYTES) {
        st = ts_error_set(err, TS_ERR_SCENARIO,
                          "%s: too large (got %zu bytes, expected at most %zu)", shown, len,
                          TS_YAML_MAX_BYTES);
    } else if ((st = ts_yaml_parse(text, len, &root, &yerr)) == TS_ERR_NOMEM) {
        st = tg_nomem(&c);
    } else if (st != TS_OK) {
        st = ts_error_set(err, st, "%s:%d:%d: %s%s%s", shown, yerr.line, yerr.col, yerr.path,
                          yerr.path[0] ? ": " : "", yerr.msg);
    } else if (!root || ts_yaml_is_null(root)) {
        st = ts_error_set(err, TS_ERR_SCENARIO,
                          "%s: empty (expected a mapping with targets and parameters)", shown);
    } else if (root->kind != TS_Y_MAP) {
        ts_yaml_describe(root, got, sizeof got);
        st = tg_fail(&c, root, "",
                     "not a mapping (got %s, expected a mapping with targets and parameters)", got);
    } else {
        st = tg_document(&c, root, t);
    }
    ts_yaml_free(root);
    if (st != TS_OK) {
        ts_targets_free(t);
        return st;
    }
    *out = t;
    return TS_OK;
}

ts_status ts_targets_load(const char *path, const ts_targets_model *model, ts_targets **out,
                          ts_error *err) {
    char *text = NULL;
    size_t len = 0;
    *out = NULL;
    ts_status st = ts_yaml_read_file(path, "the targets file", &text, &len, err);
    if (st == TS_OK) {
        st = ts_targets_load_string(text, len, path, model, out, err);
    }
    free(text);
    return st;
}

void ts_targets_free(ts_targets *t) {
    if (!t) {
        return;
    }
    for (size_t i = 0; i < t->n_targets; i++) {
        free(t->targets[i].metric);
    }
    for (size_t i = 0; i < t->n_params; i++) {
        free(t->params[i].key);
    }
    free(t->targets);
    free(t->params);
    free(t->values);
    free(t->scales);
    free(t->low);
    free(t->high);
    free(t->integer);
    free(t->text);
    free(t->file);
    free(t);
}

void ts_targets_abc_config(const ts_targets *t, uint64_t seed, ts_abc_config *cfg) {
    ts_abc_config_init(cfg);
    cfg->k = t->n_params;
    cfg->low = t->low;
    cfg->high = t->high;
    cfg->integer = t->integer;
    cfg->n_particles = t->particles;
    cfg->alpha = t->alpha;
    cfg->p_acc_min = t->p_acc_min;
    cfg->max_runs = t->max_runs;
    cfg->seed = seed;
}
