/* Measures and checks of `trustsim validate` (validate_internal.h): a measure read from a
 * check's `measure:` mapping, its value on one run (a summary scalar, a statistic of a
 * daily series over a window of days, a ratio of two series' sums, the change of either
 * between two windows, a correlation or a statistic of a table's columns), and a check
 * scored over the seeds: mean, sd, t interval, and for two arms compared seed by seed
 * Welch's t and Cohen's d between them. */
#include "validate_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Reading a measure ------------------------------------------------------------------ */

static const char *const vm_kinds[] = {"summary", "metric", "ratio", "change", "table", NULL};
static const char *const vm_series_stats[] = {"mean", "sum", "min", "max", "first", "last", NULL};
static const ts_vstat vm_series_stat_of[] = {TS_VS_MEAN, TS_VS_SUM,   TS_VS_MIN,
                                             TS_VS_MAX,  TS_VS_FIRST, TS_VS_LAST};
static const char *const vm_column_stats[] = {"mean", "median", "min", "max", "count", NULL};
static const ts_vstat vm_column_stat_of[] = {TS_VS_MEAN, TS_VS_MEDIAN, TS_VS_MIN, TS_VS_MAX,
                                             TS_VS_COUNT};

static void vm_join(char *buf, size_t cap, const char *path, const char *key) {
    if (ts_vfmt(buf, cap, "%s.%s", path, key) >= (int)cap) {
        buf[cap - 1] = '\0';
    }
}

/* A metric window or a ratio, as `metric` / `ratio` measures and inside `change`. */
static ts_status vm_parse_series(const ts_vyctx *c, const ts_ynode *node, const char *path,
                                 int with_days, ts_vmeasure *m) {
    static const char *const metric_keys[] = {"metric", "days", "stat", NULL};
    static const char *const metric_keys_nodays[] = {"metric", "stat", NULL};
    static const char *const ratio_keys[] = {"ratio", "days", NULL};
    static const char *const ratio_keys_nodays[] = {"ratio", NULL};
    long w[2] = {0, -1};
    ts_status st;
    if (ts_vyaml_get(node, "ratio")) {
        const char *pair[2];
        st = ts_vyaml_keys(c, node, path, with_days ? ratio_keys : ratio_keys_nodays);
        if (st == TS_OK) {
            st = ts_vyaml_name_pair(c, node, path, "ratio", pair);
        }
        m->kind = TS_VM_RATIO;
        m->name = pair[0];
        m->den = pair[1];
    } else {
        int stat = 0;
        st = ts_vyaml_keys(c, node, path, with_days ? metric_keys : metric_keys_nodays);
        if (st == TS_OK) {
            st = ts_vyaml_string(c, node, path, "metric", 1, &m->name);
        }
        if (st == TS_OK) {
            st = ts_vyaml_choice(c, node, path, "stat", vm_series_stats, 0, &stat);
        }
        m->kind = TS_VM_METRIC;
        m->stat = vm_series_stat_of[stat];
    }
    if (st == TS_OK && with_days) {
        st = ts_vyaml_int_pair(c, node, path, "days", 0, w);
    }
    m->days.from = w[0];
    m->days.to = w[1];
    return st;
}

static ts_status vm_parse_change(const ts_vyctx *c, const ts_ynode *node, const char *path,
                                 ts_vmeasure *m) {
    static const char *const keys[] = {"change", "from", "to", "as", NULL};
    static const char *const as[] = {"difference", "ratio", NULL};
    char p[TS_V_AT], got[160];
    long from[2], to[2];
    int as_ratio = 0;
    ts_status st = ts_vyaml_keys(c, node, path, keys);
    const ts_ynode *inner = ts_vyaml_get(node, "change");
    vm_join(p, sizeof p, path, "change");
    if (st == TS_OK && (!inner || inner->kind != TS_Y_MAP ||
                        (!ts_vyaml_get(inner, "metric") && !ts_vyaml_get(inner, "ratio")))) {
        ts_yaml_describe(inner, got, sizeof got);
        st = ts_vyaml_fail(c, inner, p,
                           "not a measure to change (got %s, expected {metric: NAME, stat: S} "
                           "or {ratio: [NUM, DEN]}, without days)",
                           got);
    }
    if (st == TS_OK) {
        st = vm_parse_series(c, inner, p, 0, m);
    }
    if (st == TS_OK) {
        st = ts_vyaml_int_pair(c, node, path, "from", 1, from);
    }
    if (st == TS_OK) {
        st = ts_vyaml_int_pair(c, node, path, "to", 1, to);
    }
    if (st == TS_OK) {
        st = ts_vyaml_choice(c, node, path, "as", as, 0, &as_ratio);
    }
    m->base = m->kind;
    m->kind = TS_VM_CHANGE;
    m->from = (ts_vwindow){from[0], from[1]};
    m->to = (ts_vwindow){to[0], to[1]};
    m->as_ratio = as_ratio;
    return st;
}

static ts_status vm_parse_where(const ts_vyctx *c, const ts_ynode *node, const char *path,
                                ts_vmeasure *m) {
    static const char *const keys[] = {"min", "max", NULL};
    char p[TS_V_AT], q[TS_V_AT + 64], got[160];
    vm_join(p, sizeof p, path, "where");
    if (node->kind != TS_Y_MAP || node->n == 0) {
        ts_yaml_describe(node, got, sizeof got);
        return ts_vyaml_fail(
            c, node, p, "not a filter (got %s, expected {COLUMN: {min: X, max: Y}, ...})", got);
    }
    m->where = calloc(node->n / 2, sizeof *m->where);
    if (!m->where) {
        return ts_error_set(c->err, TS_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i + 1 < node->n; i += 2) {
        const ts_ynode *k = node->kids[i], *v = node->kids[i + 1];
        if (k->kind != TS_Y_SCALAR || ts_yaml_is_null(k)) {
            ts_yaml_describe(k, got, sizeof got);
            return ts_vyaml_fail(c, k, p, "not a column name (got %s)", got);
        }
        ts_vfmt(q, sizeof q, "%s.%s", p, k->text);
        ts_vwhere *w = &m->where[m->n_where++];
        w->column = k->text;
        w->min = -INFINITY;
        w->max = INFINITY;
        ts_status st = ts_vyaml_keys(c, v, q, keys);
        if (st == TS_OK) {
            st = ts_vyaml_number(c, v, q, "min", 0, &w->min);
        }
        if (st == TS_OK) {
            st = ts_vyaml_number(c, v, q, "max", 0, &w->max);
        }
        if (st != TS_OK) {
            return st;
        }
        if (v->n == 0 || w->min > w->max) {
            return ts_vyaml_fail(c, v, q, "not a range (expected min and/or max, min <= max)");
        }
    }
    return TS_OK;
}

static ts_status vm_parse_table(const ts_vyctx *c, const ts_ynode *node, const char *path,
                                ts_vmeasure *m) {
    static const char *const tables[] = {"teams", "agents", NULL};
    static const char *const methods[] = {"pearson", "spearman", NULL};
    static const char *const corr_keys[] = {"table", "correlate", "method", "where", NULL};
    static const char *const col_keys[] = {"table", "column", "stat", "where", NULL};
    int corr = ts_vyaml_get(node, "correlate") != NULL, col = ts_vyaml_get(node, "column") != NULL;
    int table = 0, method = 0, stat = 0;
    ts_status st = TS_OK;
    if (corr == col) {
        return ts_vyaml_fail(c, node, path, "give one of correlate and column (got %s)",
                             corr ? "both" : "neither");
    }
    st = ts_vyaml_keys(c, node, path, corr ? corr_keys : col_keys);
    if (st == TS_OK) {
        st = ts_vyaml_choice(c, node, path, "table", tables, 1, &table);
    }
    if (st == TS_OK && corr) {
        const char *pair[2];
        st = ts_vyaml_name_pair(c, node, path, "correlate", pair);
        m->x = pair[0];
        m->y = pair[1];
        if (st == TS_OK) {
            st = ts_vyaml_choice(c, node, path, "method", methods, 0, &method);
        }
    } else if (st == TS_OK) {
        st = ts_vyaml_string(c, node, path, "column", 1, &m->name);
        if (st == TS_OK) {
            st = ts_vyaml_choice(c, node, path, "stat", vm_column_stats, 0, &stat);
        }
    }
    const ts_ynode *where = ts_vyaml_get(node, "where");
    if (st == TS_OK && where) {
        st = vm_parse_where(c, where, path, m);
    }
    m->kind = corr ? TS_VM_CORRELATE : TS_VM_COLUMN;
    m->agents = table == 1;
    m->spearman = method == 1;
    m->stat = vm_column_stat_of[stat];
    return st;
}

ts_status ts_vmeasure_parse(const ts_vyctx *c, const ts_ynode *node, const char *path,
                            ts_vmeasure *m) {
    char got[160], which[80] = "";
    int kind = -1, n = 0;
    memset(m, 0, sizeof *m);
    ts_vyaml_at(c, node, path, m->at, sizeof m->at);
    if (!node || node->kind != TS_Y_MAP) {
        ts_yaml_describe(node, got, sizeof got);
        return ts_vyaml_fail(c, node, path, "not a measure (got %s, expected a mapping)", got);
    }
    for (int k = 0; vm_kinds[k]; k++) {
        if (ts_vyaml_get(node, vm_kinds[k])) {
            size_t used = strlen(which);
            ts_vfmt(which + used, sizeof which - used, "%s%s", n ? " and " : "", vm_kinds[k]);
            kind = k;
            n++;
        }
    }
    if (n != 1) {
        return ts_vyaml_fail(c, node, path,
                             "give one of summary, metric, ratio, change, table (got %s)",
                             n ? which : "none");
    }
    static const char *const summary_keys[] = {"summary", NULL};
    ts_status st = TS_OK;
    switch (kind) {
    case 0:
        m->kind = TS_VM_SUMMARY;
        st = ts_vyaml_keys(c, node, path, summary_keys);
        if (st == TS_OK) {
            st = ts_vyaml_string(c, node, path, "summary", 1, &m->name);
        }
        break;
    case 1:
    case 2:
        st = vm_parse_series(c, node, path, 1, m);
        break;
    case 3:
        st = vm_parse_change(c, node, path, m);
        break;
    default:
        st = vm_parse_table(c, node, path, m);
        break;
    }
    return st;
}

void ts_vmeasure_clear(ts_vmeasure *m) {
    free(m->where);
    m->where = NULL;
    m->n_where = 0;
}

/* ---- Evaluating a measure on one run ---------------------------------------------------- */

/* "m->at.field: message", TS_ERR_PARAM: a measure that does not fit the runs is bad input. */
static ts_status vm_fail(const ts_vmeasure *m, ts_error *err, const char *field, const char *fmt,
                         ...) __attribute__((format(printf, 4, 5)));

static ts_status vm_fail(const ts_vmeasure *m, ts_error *err, const char *field, const char *fmt,
                         ...) {
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ts_error_set(err, TS_ERR_PARAM, "%s%s%s: %s", m->at, field[0] ? "." : "", field, msg);
}

/* "a, b, c" of up to cap bytes, "..." when cut. */
static void vm_list_add(char *list, size_t cap, const char *name) {
    size_t used = strlen(list);
    if (used + strlen(name) + 6 >= cap) {
        if (used + 4 < cap && (used < 3 || strcmp(list + used - 3, "...") != 0)) {
            strcat(list, ", ...");
        }
        return;
    }
    ts_vfmt(list + used, cap - used, "%s%s", used ? ", " : "", name);
}

static ts_status vm_series(const ts_vmeasure *m, const ts_result *r, const char *name,
                           const char *field, const ts_series **out, ts_error *err) {
    char list[400] = "";
    *out = ts_result_find_series(r, name);
    if (*out) {
        return TS_OK;
    }
    for (size_t i = 0; i < r->n_metrics; i++) {
        vm_list_add(list, sizeof list, r->metrics[i].name);
    }
    return vm_fail(m, err, field,
                   "no daily metric \"%s\" in the runs (a tactic's metrics are there only when it "
                   "is on; these are: %s)",
                   name, list[0] ? list : "none");
}

/* Resolves a window on n rows into [*a, *b]. */
static ts_status vm_window(const ts_vmeasure *m, ts_vwindow w, size_t n, const char *field,
                           size_t *a, size_t *b, ts_error *err) {
    long from = w.from < 0 ? (long)n + w.from : w.from;
    long to = w.to < 0 ? (long)n + w.to : w.to;
    if (from < 0 || to < 0 || (size_t)from >= n || (size_t)to >= n || from > to) {
        return vm_fail(m, err, field,
                       "window [%ld, %ld] does not fit the %zu recorded days of the runs "
                       "(days 0 to %zu, or -%zu to -1 from the end)",
                       w.from, w.to, n, n ? n - 1 : 0, n);
    }
    *a = (size_t)from;
    *b = (size_t)to;
    return TS_OK;
}

/* A statistic of values[a..b], NaN values left out; NaN when none is left. */
static double vm_stat(const double *v, size_t a, size_t b, ts_vstat stat) {
    double acc = NAN, first = NAN, last = NAN;
    size_t n = 0;
    for (size_t i = a; i <= b; i++) {
        double x = v[i];
        if (isnan(x)) {
            continue;
        }
        if (n == 0) {
            acc = stat == TS_VS_MEAN || stat == TS_VS_SUM ? 0.0 : x;
            first = x;
        }
        n++;
        last = x;
        if (stat == TS_VS_MEAN || stat == TS_VS_SUM) {
            acc += x;
        } else if (stat == TS_VS_MIN && x < acc) {
            acc = x;
        } else if (stat == TS_VS_MAX && x > acc) {
            acc = x;
        }
    }
    switch (stat) {
    case TS_VS_MEAN:
        return n ? acc / (double)n : NAN;
    case TS_VS_FIRST:
        return first;
    case TS_VS_LAST:
        return last;
    default:
        return acc;
    }
}

/* A metric or ratio measure over window w (field names the window in messages). */
static ts_status vm_series_value(const ts_vmeasure *m, ts_vkind kind, const ts_result *r,
                                 ts_vwindow w, const char *field, double *out, const char **units,
                                 ts_error *err) {
    const ts_series *a = NULL, *b = NULL;
    size_t from = 0, to = 0;
    ts_status st = vm_series(m, r, m->name, kind == TS_VM_RATIO ? "ratio" : "metric", &a, err);
    if (st == TS_OK && kind == TS_VM_RATIO) {
        st = vm_series(m, r, m->den, "ratio", &b, err);
    }
    if (st == TS_OK) {
        size_t n = b && b->n < a->n ? b->n : a->n;
        st = vm_window(m, w, n, field, &from, &to, err);
    }
    if (st != TS_OK) {
        return st;
    }
    if (kind == TS_VM_METRIC) {
        *out = vm_stat(a->values, from, to, m->stat);
        *units = a->units ? a->units : "";
        return TS_OK;
    }
    double num = vm_stat(a->values, from, to, TS_VS_SUM);
    double den = vm_stat(b->values, from, to, TS_VS_SUM);
    *out = den != 0.0 && !isnan(den) ? num / den : NAN;
    *units = "";
    return TS_OK;
}

/* Column `name` of table t as doubles, or a message listing the columns. */
static ts_status vm_column(const ts_vmeasure *m, const ts_table *t, const char *table,
                           const char *name, const char *field, const ts_column **out,
                           ts_error *err) {
    char list[400] = "";
    *out = ts_table_find_column(t, name);
    if (*out && (*out)->width == 1) {
        return TS_OK;
    }
    if (*out) {
        return vm_fail(m, err, field,
                       "column \"%s\" of %s has %zu values a row (expected a column of one "
                       "number a row)",
                       name, table, (*out)->width);
    }
    for (size_t i = 0; i < t->n_cols; i++) {
        if (t->cols[i].width == 1) {
            vm_list_add(list, sizeof list, t->cols[i].name);
        }
    }
    return vm_fail(m, err, field, "no column \"%s\" in %s (columns: %s)", name, table,
                   list[0] ? list : "none");
}

static double vm_cell(const ts_column *c, size_t i) {
    switch (c->type) {
    case TS_COL_U32:
        return (double)((const uint32_t *)c->data)[i];
    case TS_COL_I32:
        return (double)((const int32_t *)c->data)[i];
    case TS_COL_F32:
        return (double)((const float *)c->data)[i];
    case TS_COL_F64:
        break;
    }
    return ((const double *)c->data)[i];
}

/* Correlation or column statistic over the rows of a table that pass `where`. */
static ts_status vm_table_value(const ts_vmeasure *m, const ts_result *r, double *out,
                                const char **units, ts_error *err) {
    const ts_table *t = m->agents ? &r->agents : &r->teams;
    const char *table = m->agents ? "agents" : "teams";
    const ts_column *x = NULL, *y = NULL;
    const ts_column **w = calloc(m->n_where + 1, sizeof *w);
    double *buf = NULL;
    ts_status st = w ? TS_OK : ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    if (st == TS_OK && m->kind == TS_VM_CORRELATE) {
        st = vm_column(m, t, table, m->x, "correlate", &x, err);
        if (st == TS_OK) {
            st = vm_column(m, t, table, m->y, "correlate", &y, err);
        }
    } else if (st == TS_OK) {
        st = vm_column(m, t, table, m->name, "column", &x, err);
    }
    for (size_t k = 0; k < m->n_where && st == TS_OK; k++) {
        char field[300];
        ts_vfmt(field, sizeof field, "where.%s", m->where[k].column);
        st = vm_column(m, t, table, m->where[k].column, field, &w[k], err);
    }
    size_t rows = x ? x->n : 0;
    rows = y && y->n < rows ? y->n : rows;
    for (size_t k = 0; k < m->n_where && st == TS_OK; k++) {
        rows = w[k]->n < rows ? w[k]->n : rows;
    }
    if (st == TS_OK && !(buf = calloc(4 * rows + 1, sizeof *buf))) {
        st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    if (st != TS_OK) {
        free(w);
        return st;
    }
    double *xs = buf, *ys = buf + rows, *work = buf + 2 * rows;
    size_t n = 0;
    for (size_t i = 0; i < rows; i++) {
        int keep = 1;
        for (size_t k = 0; k < m->n_where && keep; k++) {
            double v = vm_cell(w[k], i);
            keep = !isnan(v) && v >= m->where[k].min && v <= m->where[k].max;
        }
        double xv = vm_cell(x, i), yv = y ? vm_cell(y, i) : 0.0;
        if (keep && !isnan(xv) && !isnan(yv)) {
            xs[n] = xv;
            ys[n] = yv;
            n++;
        }
    }
    *units = "";
    if (m->kind == TS_VM_CORRELATE) {
        *out = m->spearman ? ts_stats_spearman(xs, ys, n, work) : ts_stats_pearson(xs, ys, n);
    } else if (m->stat == TS_VS_COUNT) {
        *out = (double)n;
        *units = "rows";
    } else if (n > 0) {
        *out = m->stat == TS_VS_MEDIAN ? ts_stats_median(xs, n) : vm_stat(xs, 0, n - 1, m->stat);
        *units = x->units ? x->units : "";
    } else {
        *out = NAN;
        *units = x->units ? x->units : "";
    }
    free(buf);
    free(w);
    return TS_OK;
}

ts_status ts_vmeasure_eval(const ts_vmeasure *m, const ts_result *r, double *value,
                           const char **units, ts_error *err) {
    char list[400] = "";
    double a, b;
    const char *ua;
    ts_status st;
    *value = NAN;
    *units = "";
    switch (m->kind) {
    case TS_VM_SUMMARY: {
        const ts_scalar *s = ts_result_find_scalar(r, m->name);
        if (s) {
            *value = s->value;
            *units = s->units ? s->units : "";
            return TS_OK;
        }
        for (size_t i = 0; i < r->n_summary; i++) {
            vm_list_add(list, sizeof list, r->summary[i].name);
        }
        return vm_fail(m, err, "summary", "no summary scalar \"%s\" in the runs (these are: %s)",
                       m->name, list[0] ? list : "none");
    }
    case TS_VM_METRIC:
    case TS_VM_RATIO:
        return vm_series_value(m, m->kind, r, m->days, "days", value, units, err);
    case TS_VM_CHANGE:
        st = vm_series_value(m, m->base, r, m->from, "from", &a, &ua, err);
        if (st == TS_OK) {
            st = vm_series_value(m, m->base, r, m->to, "to", &b, units, err);
        }
        if (st == TS_OK && m->as_ratio) {
            *value = a != 0.0 ? b / a : NAN;
            *units = "";
        } else if (st == TS_OK) {
            *value = b - a;
        }
        return st;
    default:
        return vm_table_value(m, r, value, units, err);
    }
}

/* ---- Scoring a check -------------------------------------------------------------------- */

void ts_vcheck_score(const ts_vcheck *c, const double *const *v, size_t n, double *work,
                     ts_vscore *out) {
    double *x = work, *xa = work + n, *xb = work + 2 * n;
    size_t k = 0, na = 0, nb = 0;
    memset(out, 0, sizeof *out);
    out->t = out->d = NAN;
    for (size_t i = 0; i < n; i++) {
        const double a = v[0][i];
        if (c->cmp == TS_VC_SINGLE) {
            if (!isnan(a)) {
                x[k++] = a;
            }
            continue;
        }
        const double b = v[1][i];
        /* The two sides Welch and Cohen compare: the arms, or the two differences. */
        double sa = a, sb = b;
        if (c->cmp == TS_VC_DID) {
            sa = a - b;
            sb = v[2][i] - v[3][i];
        }
        if (!isnan(sa)) {
            xa[na++] = sa;
        }
        if (!isnan(sb)) {
            xb[nb++] = sb;
        }
        double val = NAN;
        if (c->cmp == TS_VC_DIFFERENCE || c->cmp == TS_VC_DID) {
            val = sa - sb;
        } else if (b != 0.0) {
            val = a / b;
        }
        if (!isnan(val)) {
            x[k++] = val;
        }
    }
    ts_stats_describe(x, k, &out->s);
    if (c->cmp != TS_VC_SINGLE) {
        ts_stats sa, sb;
        ts_stats_describe(xa, na, &sa);
        ts_stats_describe(xb, nb, &sb);
        out->t = ts_stats_welch(&sa, &sb).t;
        out->d = ts_stats_cohen_d(&sa, &sb);
    }
    ts_vrow r = {.value = out->s.mean,
                 .n = (uint32_t)out->s.n,
                 .target_min = c->min,
                 .target_max = c->max,
                 .welch_t = out->t,
                 .welch_t_min = c->t_min,
                 .welch_t_max = c->t_max,
                 .cohen_d = out->d,
                 .cohen_d_min = c->d_min,
                 .cohen_d_max = c->d_max};
    ts_vverdict why = ts_vjudge(&r);
    out->fail_n = why.n;
    out->fail_target = why.target;
    out->fail_t = why.t;
    out->fail_d = why.d;
    out->pass = !(why.n || why.target || why.t || why.d);
}

/* Is x outside [min, max] (NaN bounds open)? A NaN x is outside. */
static int vm_outside(double x, double min, double max) {
    return isnan(x) || (!isnan(min) && !(x >= min)) || (!isnan(max) && !(x <= max));
}

ts_vverdict ts_vjudge(const ts_vrow *r) {
    ts_vverdict v;
    v.n = r->n < 2;
    v.target = vm_outside(r->value, r->target_min, r->target_max);
    v.t = (!isnan(r->welch_t_min) || !isnan(r->welch_t_max)) &&
          vm_outside(r->welch_t, r->welch_t_min, r->welch_t_max);
    v.d = (!isnan(r->cohen_d_min) || !isnan(r->cohen_d_max)) &&
          vm_outside(r->cohen_d, r->cohen_d_min, r->cohen_d_max);
    return v;
}
