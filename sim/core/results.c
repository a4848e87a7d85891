#include "results.h"

#include <stdlib.h>
#include <string.h>

/* Returns the array with room for one more element than n, doubling its capacity when
 * full; NULL when out of memory (the old array is then untouched and still owned). */
static void *ts_grow(void *items, size_t *n_alloc, size_t n, size_t size) {
    if (n < *n_alloc) {
        return items;
    }
    size_t cap = *n_alloc ? *n_alloc * 2 : 8;
    if (cap > SIZE_MAX / size) {
        return NULL;
    }
    void *p = realloc(items, cap * size);
    if (p) {
        *n_alloc = cap;
    }
    return p;
}

/* calloc that never returns NULL for an empty request, so NULL always means "out of
 * memory", and that refuses sizes whose product overflows. */
static void *ts_zalloc(size_t count, size_t size) {
    if (size && count > SIZE_MAX / size) {
        return NULL;
    }
    return calloc(count ? count : 1, size ? size : 1);
}

void ts_result_init(ts_result *r) {
    memset(r, 0, sizeof *r);
}

static void ts_snapshot_free(ts_snapshot *s) {
    ts_table_free(&s->edges);
    free(s->team_trust);
    free(s->team_ids);
    s->team_trust = NULL;
    s->team_ids = NULL;
    s->k = 0;
}

void ts_result_free(ts_result *r) {
    if (!r) {
        return;
    }
    for (size_t i = 0; i < r->n_metrics; i++) {
        free(r->metrics[i].values);
    }
    free(r->metrics);
    free(r->summary);
    free(r->params);
    ts_table_free(&r->agents);
    for (size_t i = 0; i < r->n_snapshots; i++) {
        ts_snapshot_free(&r->snapshots[i]);
    }
    free(r->snapshots);
    ts_table_free(&r->incidents);
    ts_table_free(&r->teams);
    ts_result_init(r);
}

ts_param_value *ts_result_alloc_params(ts_result *r, size_t n) {
    free(r->params);
    r->params = NULL;
    r->n_params = 0;
    if (n == 0) {
        return NULL;
    }
    r->params = ts_zalloc(n, sizeof *r->params);
    if (r->params) {
        r->n_params = n;
    }
    return r->params;
}

double *ts_result_add_series(ts_result *r, const char *name, const char *units,
                             const char *description, size_t n) {
    ts_series *metrics = ts_grow(r->metrics, &r->n_metrics_alloc, r->n_metrics, sizeof *metrics);
    if (!metrics) {
        return NULL;
    }
    r->metrics = metrics;
    double *values = ts_zalloc(n, sizeof *values);
    if (!values) {
        return NULL;
    }
    r->metrics[r->n_metrics++] = (ts_series){
        .name = name, .units = units, .description = description, .values = values, .n = n};
    return values;
}

ts_status ts_result_add_scalar(ts_result *r, const char *name, const char *units,
                               const char *description, double value) {
    ts_scalar *summary = ts_grow(r->summary, &r->n_summary_alloc, r->n_summary, sizeof *summary);
    if (!summary) {
        return TS_ERR_NOMEM;
    }
    r->summary = summary;
    r->summary[r->n_summary++] =
        (ts_scalar){.name = name, .units = units, .description = description, .value = value};
    return TS_OK;
}

size_t ts_coltype_size(ts_coltype type) {
    switch (type) {
    case TS_COL_U32:
        return sizeof(uint32_t);
    case TS_COL_I32:
        return sizeof(int32_t);
    case TS_COL_F32:
        return sizeof(float);
    case TS_COL_F64:
        return sizeof(double);
    }
    return 0;
}

void *ts_table_add_column(ts_table *t, const char *name, const char *units, const char *description,
                          ts_coltype type, size_t n, size_t width) {
    size_t size = ts_coltype_size(type);
    if (width == 0 || size == 0 || n > SIZE_MAX / width) {
        return NULL;
    }
    ts_column *cols = ts_grow(t->cols, &t->n_alloc, t->n_cols, sizeof *cols);
    if (!cols) {
        return NULL;
    }
    t->cols = cols;
    void *data = ts_zalloc(n * width, size);
    if (!data) {
        return NULL;
    }
    t->cols[t->n_cols++] = (ts_column){.name = name,
                                       .units = units,
                                       .description = description,
                                       .type = type,
                                       .n = n,
                                       .width = width,
                                       .data = data};
    return data;
}

const ts_column *ts_table_find_column(const ts_table *t, const char *name) {
    for (size_t i = 0; i < t->n_cols; i++) {
        if (t->cols[i].name && strcmp(t->cols[i].name, name) == 0) {
            return &t->cols[i];
        }
    }
    return NULL;
}

const uint32_t *ts_result_team_managers(const ts_result *r, size_t *k) {
    const ts_column *c = ts_table_find_column(&r->teams, "manager");
    *k = c && c->type == TS_COL_U32 ? c->n : 0;
    return *k ? c->data : NULL;
}

void ts_table_free(ts_table *t) {
    if (!t) {
        return;
    }
    for (size_t i = 0; i < t->n_cols; i++) {
        free(t->cols[i].data);
    }
    free(t->cols);
    t->cols = NULL;
    t->n_cols = 0;
    t->n_alloc = 0;
}

ts_snapshot *ts_result_add_snapshot(ts_result *r, int32_t day) {
    ts_snapshot *snaps =
        ts_grow(r->snapshots, &r->n_snapshots_alloc, r->n_snapshots, sizeof *snaps);
    if (!snaps) {
        return NULL;
    }
    r->snapshots = snaps;
    ts_snapshot *s = &snaps[r->n_snapshots++];
    memset(s, 0, sizeof *s);
    s->day = day;
    return s;
}

ts_status ts_snapshot_set_teams(ts_snapshot *s, size_t k) {
    free(s->team_trust);
    free(s->team_ids);
    s->team_trust = NULL;
    s->team_ids = NULL;
    s->k = 0;
    if (k && k > SIZE_MAX / k) {
        return TS_ERR_NOMEM;
    }
    float *trust = ts_zalloc(k * k, sizeof *trust);
    uint32_t *ids = ts_zalloc(k, sizeof *ids);
    if (!trust || !ids) {
        free(trust);
        free(ids);
        return TS_ERR_NOMEM;
    }
    s->team_trust = trust;
    s->team_ids = ids;
    s->k = k;
    return TS_OK;
}

const ts_series *ts_result_find_series(const ts_result *r, const char *name) {
    for (size_t i = 0; i < r->n_metrics; i++) {
        if (r->metrics[i].name && strcmp(r->metrics[i].name, name) == 0) {
            return &r->metrics[i];
        }
    }
    return NULL;
}

const ts_scalar *ts_result_find_scalar(const ts_result *r, const char *name) {
    for (size_t i = 0; i < r->n_summary; i++) {
        if (r->summary[i].name && strcmp(r->summary[i].name, name) == 0) {
            return &r->summary[i];
        }
    }
    return NULL;
}
