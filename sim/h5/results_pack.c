/* Packing a run's results into one buffer and back (see results_pack.h). Layout: the
 * magic "TSR1", then fields in order; a string is its length (u64) and its bytes with a
 * terminating NUL, so that an unpacked result can point into the buffer. */
#include "results_pack.h"
#include "pack_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const unsigned char TS_PACK_MAGIC[4] = {'T', 'S', 'R', '1'};

/* ---- Packing ---------------------------------------------------------------------------- */

void ts_pk_bytes(ts_pk *p, const void *data, size_t len) {
    if (p->failed) {
        return;
    }
    if (p->n + len > p->cap) {
        size_t cap = p->cap ? p->cap : 4096;
        while (cap < p->n + len) {
            if (cap > SIZE_MAX / 2) {
                p->failed = 1;
                return;
            }
            cap *= 2;
        }
        unsigned char *grown = realloc(p->buf, cap);
        if (!grown) {
            p->failed = 1;
            return;
        }
        p->buf = grown;
        p->cap = cap;
    }
    if (len) {
        memcpy(p->buf + p->n, data, len);
    }
    p->n += len;
}

void ts_pk_u64(ts_pk *p, uint64_t v) {
    ts_pk_bytes(p, &v, sizeof v);
}

static void pk_str(ts_pk *p, const char *s) {
    const char *v = s ? s : "";
    size_t len = strlen(v);
    ts_pk_u64(p, len);
    ts_pk_bytes(p, v, len + 1);
}

static void pk_table(ts_pk *p, const ts_table *t) {
    ts_pk_u64(p, t->n_cols);
    for (size_t i = 0; i < t->n_cols; i++) {
        const ts_column *c = &t->cols[i];
        pk_str(p, c->name);
        pk_str(p, c->units);
        pk_str(p, c->description);
        ts_pk_u64(p, (uint64_t)c->type);
        ts_pk_u64(p, c->n);
        ts_pk_u64(p, c->width);
        ts_pk_bytes(p, c->data, c->n * c->width * ts_coltype_size(c->type));
    }
}

ts_status ts_result_pack(const ts_result *r, unsigned char **buf, size_t *len, ts_error *err) {
    ts_pk p = {NULL, 0, 0, 0};
    ts_pk_bytes(&p, TS_PACK_MAGIC, sizeof TS_PACK_MAGIC);
    uint32_t idx[3] = {r->run_index, r->grid_point, r->replicate};
    ts_pk_bytes(&p, idx, sizeof idx);
    ts_pk_u64(&p, r->seed);
    ts_pk_bytes(&p, &r->wall_seconds, sizeof r->wall_seconds);
    ts_pk_u64(&p, (uint64_t)(int64_t)r->threads);
    ts_pk_u64(&p, r->n_metrics);
    for (size_t i = 0; i < r->n_metrics; i++) {
        const ts_series *s = &r->metrics[i];
        pk_str(&p, s->name);
        pk_str(&p, s->units);
        pk_str(&p, s->description);
        ts_pk_u64(&p, s->n);
        ts_pk_bytes(&p, s->values, s->n * sizeof *s->values);
    }
    ts_pk_u64(&p, r->n_summary);
    for (size_t i = 0; i < r->n_summary; i++) {
        const ts_scalar *s = &r->summary[i];
        pk_str(&p, s->name);
        pk_str(&p, s->units);
        pk_str(&p, s->description);
        ts_pk_bytes(&p, &s->value, sizeof s->value);
    }
    pk_table(&p, &r->agents);
    ts_pk_u64(&p, r->n_snapshots);
    for (size_t i = 0; i < r->n_snapshots; i++) {
        const ts_snapshot *s = &r->snapshots[i];
        ts_pk_u64(&p, (uint64_t)(int64_t)s->day);
        pk_table(&p, &s->edges);
        ts_pk_u64(&p, s->k);
        ts_pk_bytes(&p, s->team_trust, s->k * s->k * sizeof *s->team_trust);
        ts_pk_bytes(&p, s->team_ids, s->k * sizeof *s->team_ids);
    }
    pk_table(&p, &r->incidents);
    pk_table(&p, &r->teams);
    if (p.failed) {
        free(p.buf);
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory packing run %u's results",
                            (unsigned)r->run_index);
    }
    *buf = p.buf;
    *len = p.n;
    return TS_OK;
}

/* ---- Unpacking -------------------------------------------------------------------------- */

int ts_up_bytes(ts_up *u, void *out, size_t len, const char *what) {
    if (u->bad || len > u->n - u->at) {
        u->bad = u->bad ? u->bad : what;
        return 0;
    }
    if (len) {
        memcpy(out, u->buf + u->at, len);
    }
    u->at += len;
    return 1;
}

uint64_t ts_up_u64(ts_up *u, const char *what) {
    uint64_t v = 0;
    ts_up_bytes(u, &v, sizeof v, what);
    return v;
}

/* A count of items of at least `item` bytes each: no more than the buffer could hold. */
size_t ts_up_count(ts_up *u, size_t item, const char *what) {
    uint64_t v = ts_up_u64(u, what);
    if (!u->bad && v > (u->n - u->at) / (item ? item : 1)) {
        u->bad = what;
        return 0;
    }
    return (size_t)v;
}

static const char *up_str(ts_up *u, const char *what) {
    size_t len = ts_up_count(u, 1, what);
    if (u->bad || len >= u->n - u->at || u->buf[u->at + len] != '\0') {
        u->bad = u->bad ? u->bad : what;
        return "";
    }
    const char *s = (const char *)u->buf + u->at;
    u->at += len + 1;
    return s;
}

/* Reads one table into t; returns 0 when out of memory. */
static int up_table(ts_up *u, ts_table *t, const char *what) {
    size_t n_cols = ts_up_count(u, 8, what);
    for (size_t i = 0; i < n_cols && !u->bad; i++) {
        const char *name = up_str(u, what);
        const char *units = up_str(u, what);
        const char *desc = up_str(u, what);
        uint64_t type = ts_up_u64(u, what);
        uint64_t n = ts_up_u64(u, what);
        uint64_t width = ts_up_u64(u, what);
        if (u->bad) {
            break;
        }
        if (type > TS_COL_F64 || width == 0 || (n && width > (u->n - u->at) / n)) {
            u->bad = what;
            break;
        }
        size_t bytes = (size_t)(n * width) * ts_coltype_size((ts_coltype)type);
        if (bytes > u->n - u->at) {
            u->bad = what;
            break;
        }
        void *data =
            ts_table_add_column(t, name, units, desc, (ts_coltype)type, (size_t)n, (size_t)width);
        if (!data) {
            return 0;
        }
        ts_up_bytes(u, data, bytes, what);
    }
    return 1;
}

ts_status ts_result_unpack(const unsigned char *buf, size_t len, ts_result *r, ts_error *err) {
    ts_up u = {buf, len, 0, NULL};
    int oom = 0;
    unsigned char magic[4];
    ts_result_init(r);
    if (!ts_up_bytes(&u, magic, sizeof magic, "the header") ||
        memcmp(magic, TS_PACK_MAGIC, sizeof magic) != 0) {
        u.bad = "the header";
    }
    uint32_t idx[3] = {0, 0, 0};
    ts_up_bytes(&u, idx, sizeof idx, "the header");
    r->run_index = idx[0];
    r->grid_point = idx[1];
    r->replicate = idx[2];
    r->seed = ts_up_u64(&u, "the header");
    ts_up_bytes(&u, &r->wall_seconds, sizeof r->wall_seconds, "the header");
    r->threads = (int)(int64_t)ts_up_u64(&u, "the header");
    size_t n = ts_up_count(&u, 8, "the metrics");
    for (size_t i = 0; i < n && !u.bad && !oom; i++) {
        const char *name = up_str(&u, "the metrics");
        const char *units = up_str(&u, "the metrics");
        const char *desc = up_str(&u, "the metrics");
        size_t k = ts_up_count(&u, sizeof(double), "the metrics");
        if (u.bad) {
            break;
        }
        double *v = ts_result_add_series(r, name, units, desc, k);
        oom = !v;
        if (v) {
            ts_up_bytes(&u, v, k * sizeof *v, "the metrics");
        }
    }
    n = ts_up_count(&u, 8, "the summary");
    for (size_t i = 0; i < n && !u.bad && !oom; i++) {
        const char *name = up_str(&u, "the summary");
        const char *units = up_str(&u, "the summary");
        const char *desc = up_str(&u, "the summary");
        double v = 0.0;
        if (ts_up_bytes(&u, &v, sizeof v, "the summary")) {
            oom = ts_result_add_scalar(r, name, units, desc, v) != TS_OK;
        }
    }
    oom = oom || !up_table(&u, &r->agents, "the agent table");
    n = ts_up_count(&u, 8, "the snapshots");
    for (size_t i = 0; i < n && !u.bad && !oom; i++) {
        int32_t day = (int32_t)(int64_t)ts_up_u64(&u, "the snapshots");
        ts_snapshot *s = u.bad ? NULL : ts_result_add_snapshot(r, day);
        if (!s) {
            oom = !u.bad;
            break;
        }
        oom = !up_table(&u, &s->edges, "the snapshots");
        size_t k = ts_up_count(&u, sizeof(float), "the snapshots");
        if (u.bad || oom || (k && k > (u.n - u.at) / (k * sizeof(float)))) {
            u.bad = u.bad ? u.bad : "the snapshots";
            break;
        }
        oom = ts_snapshot_set_teams(s, k) != TS_OK;
        if (!oom) {
            ts_up_bytes(&u, s->team_trust, k * k * sizeof *s->team_trust, "the snapshots");
            ts_up_bytes(&u, s->team_ids, k * sizeof *s->team_ids, "the snapshots");
        }
    }
    oom = oom || !up_table(&u, &r->incidents, "the incident table");
    oom = oom || !up_table(&u, &r->teams, "the team table");
    if (!u.bad && !oom && u.at != u.n) {
        u.bad = "its end (bytes left over)";
    }
    if (oom || u.bad) {
        ts_result_free(r);
        return oom ? ts_error_set(err, TS_ERR_NOMEM, "out of memory unpacking a run's results")
                   : ts_error_set(err, TS_ERR_INTERNAL,
                                  "a packed run's results are damaged (at %s, byte %zu of %zu)",
                                  u.bad, u.at, u.n);
    }
    return TS_OK;
}
