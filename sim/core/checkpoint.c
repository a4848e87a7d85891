/* Saved states in memory: the list of fields, the visitor the world and the modules save
 * and load through, and the packing that carries a checkpoint between MPI ranks. */
#include "checkpoint.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- The list of fields --------------------------------------------------------------- */

size_t ts_sio_type_size(ts_sio_type type) {
    switch (type) {
    case TS_SIO_U8:
    case TS_SIO_BYTES:
        return 1;
    case TS_SIO_U16:
        return 2;
    case TS_SIO_U32:
    case TS_SIO_I32:
    case TS_SIO_F32:
        return 4;
    case TS_SIO_U64:
    case TS_SIO_F64:
        return 8;
    }
    return 1;
}

ts_ckpt *ts_ckpt_new(void) {
    ts_ckpt *ck = calloc(1, sizeof *ck);
    if (ck) {
        ck->format = TS_CKPT_FORMAT;
    }
    return ck;
}

void ts_ckpt_free(ts_ckpt *ck) {
    if (!ck) {
        return;
    }
    for (size_t i = 0; i < ck->n; i++) {
        free(ck->items[i].name);
        free(ck->items[i].data);
    }
    free(ck->items);
    for (size_t i = 0; i < ck->n_strs; i++) {
        free(ck->strs[i]);
    }
    free(ck->strs);
    free(ck->version);
    free(ck->modules);
    free(ck->domains);
    free(ck);
}

ts_ckpt_item *ts_ckpt_add(ts_ckpt *ck, const char *name, ts_sio_type type, size_t elem,
                          size_t count, int scalar, const void *data) {
    if (ck->n == ck->n_alloc) {
        size_t na = ck->n_alloc ? 2 * ck->n_alloc : 64;
        ts_ckpt_item *p = realloc(ck->items, na * sizeof *p);
        if (!p) {
            return NULL;
        }
        ck->items = p;
        ck->n_alloc = na;
    }
    if (count != 0 && elem > SIZE_MAX / count) {
        return NULL;
    }
    size_t bytes = elem * count;
    ts_ckpt_item it = {.type = type, .elem = elem, .count = count, .scalar = scalar};
    it.name = strdup(name);
    it.data = calloc(bytes ? bytes : 1, 1);
    if (!it.name || !it.data) {
        free(it.name);
        free(it.data);
        return NULL;
    }
    if (data && bytes) {
        memcpy(it.data, data, bytes);
    }
    ck->items[ck->n] = it;
    return &ck->items[ck->n++];
}

ts_ckpt_item *ts_ckpt_find(const ts_ckpt *ck, const char *name) {
    for (size_t i = 0; i < ck->n; i++) {
        if (strcmp(ck->items[i].name, name) == 0) {
            return &ck->items[i];
        }
    }
    return NULL;
}

static int dup_str(char **dst, const char *src) {
    *dst = src ? strdup(src) : NULL;
    return !src || *dst;
}

ts_ckpt *ts_ckpt_copy(const ts_ckpt *ck) {
    ts_ckpt *d = ts_ckpt_new();
    if (!d) {
        return NULL;
    }
    ts_ckpt_item *items = d->items;
    *d = *ck;
    d->items = items;
    d->n = d->n_alloc = 0;
    d->strs = NULL;
    d->n_strs = 0;
    d->version = d->modules = d->domains = NULL;
    int ok = dup_str(&d->version, ck->version) && dup_str(&d->modules, ck->modules) &&
             dup_str(&d->domains, ck->domains);
    for (size_t i = 0; i < ck->n && ok; i++) {
        const ts_ckpt_item *it = &ck->items[i];
        ok = ts_ckpt_add(d, it->name, it->type, it->elem, it->count, it->scalar, it->data) != NULL;
    }
    if (!ok) {
        ts_ckpt_free(d);
        return NULL;
    }
    return d;
}

uint64_t ts_ckpt_bytes(const ts_ckpt *ck) {
    /* Values uncompressed, plus an object's overhead per field (as h5out counts). */
    uint64_t b = 64u * 1024u;
    for (size_t i = 0; i < ck->n; i++) {
        b += (uint64_t)ck->items[i].elem * ck->items[i].count + 4096u;
    }
    return b;
}

/* ---- Packing --------------------------------------------------------------------------- */

typedef struct pk {
    unsigned char *buf;
    size_t len, cap;
    int failed;
} pk;

static void pk_put(pk *p, const void *data, size_t n) {
    if (p->failed) {
        return;
    }
    if (p->len + n > p->cap) {
        size_t cap = p->cap ? p->cap : 4096;
        while (cap < p->len + n) {
            cap *= 2;
        }
        unsigned char *b = realloc(p->buf, cap);
        if (!b) {
            p->failed = 1;
            return;
        }
        p->buf = b;
        p->cap = cap;
    }
    if (n) {
        memcpy(p->buf + p->len, data, n);
    }
    p->len += n;
}

static void pk_str(pk *p, const char *s) {
    uint64_t n = s ? strlen(s) : 0;
    pk_put(p, &n, sizeof n);
    pk_put(p, s, (size_t)n);
}

static void pk_u64(pk *p, uint64_t v) {
    pk_put(p, &v, sizeof v);
}

ts_status ts_ckpt_pack(const ts_ckpt *ck, unsigned char **buf, size_t *len, ts_error *err) {
    pk p = {0};
    static const char magic[8] = "TSCKPT1";
    pk_put(&p, magic, sizeof magic);
    pk_u64(&p, (uint64_t)(int64_t)ck->day);
    pk_u64(&p, ck->format);
    pk_u64(&p, ck->seed);
    pk_u64(&p, ck->run_index);
    pk_u64(&p, ck->grid_point);
    pk_u64(&p, ck->replicate);
    pk_u64(&p, ck->headcount);
    pk_u64(&p, ck->capacity);
    pk_u64(&p, (uint64_t)(int64_t)ck->warmup_days);
    pk_str(&p, ck->version);
    pk_str(&p, ck->modules);
    pk_str(&p, ck->domains);
    pk_u64(&p, ck->n);
    for (size_t i = 0; i < ck->n; i++) {
        const ts_ckpt_item *it = &ck->items[i];
        pk_str(&p, it->name);
        pk_u64(&p, (uint64_t)it->type);
        pk_u64(&p, it->elem);
        pk_u64(&p, it->count);
        pk_u64(&p, (uint64_t)it->scalar);
        pk_put(&p, it->data, it->elem * it->count);
    }
    if (p.failed) {
        free(p.buf);
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory packing a checkpoint");
    }
    *buf = p.buf;
    *len = p.len;
    return TS_OK;
}

typedef struct upk {
    const unsigned char *buf;
    size_t len, pos;
    int failed;
    int nomem; /* failed for want of memory, not for the buffer */
} upk;

static void upk_get(upk *u, void *out, size_t n) {
    if (u->failed || n > u->len - u->pos) {
        u->failed = 1;
        memset(out, 0, n);
        return;
    }
    memcpy(out, u->buf + u->pos, n);
    u->pos += n;
}

static uint64_t upk_u64(upk *u) {
    uint64_t v;
    upk_get(u, &v, sizeof v);
    return v;
}

static char *upk_str(upk *u) {
    uint64_t n = upk_u64(u);
    if (u->failed || n > u->len - u->pos) {
        u->failed = 1;
        return NULL;
    }
    char *s = malloc((size_t)n + 1);
    if (!s) {
        u->failed = u->nomem = 1;
        return NULL;
    }
    memcpy(s, u->buf + u->pos, (size_t)n);
    s[n] = '\0';
    u->pos += (size_t)n;
    return s;
}

ts_status ts_ckpt_unpack(const unsigned char *buf, size_t len, ts_ckpt **out, ts_error *err) {
    upk u = {.buf = buf, .len = len};
    char magic[8];
    *out = NULL;
    upk_get(&u, magic, sizeof magic);
    if (u.failed || memcmp(magic, "TSCKPT1", 8) != 0) {
        return ts_error_set(err, TS_ERR_INTERNAL, "not a packed checkpoint");
    }
    ts_ckpt *ck = ts_ckpt_new();
    if (!ck) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    ck->day = (int32_t)(int64_t)upk_u64(&u);
    ck->format = (uint32_t)upk_u64(&u);
    ck->seed = upk_u64(&u);
    ck->run_index = (uint32_t)upk_u64(&u);
    ck->grid_point = (uint32_t)upk_u64(&u);
    ck->replicate = (uint32_t)upk_u64(&u);
    ck->headcount = (uint32_t)upk_u64(&u);
    ck->capacity = (uint32_t)upk_u64(&u);
    ck->warmup_days = (int32_t)(int64_t)upk_u64(&u);
    ck->version = upk_str(&u);
    ck->modules = upk_str(&u);
    ck->domains = upk_str(&u);
    uint64_t n = upk_u64(&u);
    for (uint64_t i = 0; i < n && !u.failed; i++) {
        char *name = upk_str(&u);
        uint64_t type = upk_u64(&u), elem = upk_u64(&u), count = upk_u64(&u);
        uint64_t scalar = upk_u64(&u);
        if (u.failed || type > TS_SIO_BYTES || (count && elem > (u.len - u.pos) / count)) {
            u.failed = 1;
            free(name);
            break;
        }
        ts_ckpt_item *it = ts_ckpt_add(ck, name, (ts_sio_type)type, (size_t)elem, (size_t)count,
                                       (int)scalar, u.buf + u.pos);
        u.pos += (size_t)(elem * count);
        free(name);
        if (!it) {
            ts_ckpt_free(ck);
            return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        }
    }
    if (u.failed || u.pos != u.len) {
        ts_ckpt_free(ck);
        if (u.nomem) {
            return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        }
        return ts_error_set(err, TS_ERR_INTERNAL, "a packed checkpoint is cut short or too long");
    }
    *out = ck;
    return TS_OK;
}

/* ---- The visitor ----------------------------------------------------------------------- */

void ts_sio_begin(ts_state_io *io, ts_ckpt *ck, int loading, const char *prefix, const char *source,
                  ts_error *err) {
    memset(io, 0, sizeof *io);
    io->ck = ck;
    io->loading = loading;
    snprintf(io->prefix, sizeof io->prefix, "%s", prefix ? prefix : "");
    io->source = source ? source : "checkpoint";
    io->err = err;
    io->st = TS_OK;
}

static const char *sio_type_name(ts_sio_type t) {
    static const char *const names[] = {"uint8",  "uint16",  "uint32",  "int32",
                                        "uint64", "float32", "float64", "bytes"};
    return (unsigned)t <= TS_SIO_BYTES ? names[t] : "?";
}

static ts_status sio_item(ts_state_io *io, const char *name, ts_sio_type type, size_t elem,
                          void *ptr, size_t count, int scalar) {
    if (io->st != TS_OK) {
        return io->st;
    }
    char path[256];
    if (snprintf(path, sizeof path, "%s%s", io->prefix, name) >= (int)sizeof path) {
        return io->st = ts_error_set(io->err, TS_ERR_INTERNAL, "checkpoint field name too long: %s",
                                     name);
    }
    if (!io->loading) {
        if (!ts_ckpt_add(io->ck, path, type, elem, count, scalar, ptr)) {
            io->st = ts_error_set(io->err, TS_ERR_NOMEM, "out of memory saving %s", path);
        }
        return io->st;
    }
    ts_ckpt_item *it = ts_ckpt_find(io->ck, path);
    if (!it) {
        return io->st = ts_error_set(io->err, TS_ERR_PARAM,
                                     "%s has no %s (expected a checkpoint of this model version: "
                                     "trustsim " TRUSTSIM_VERSION ")",
                                     io->source, path);
    }
    if (it->type != type || it->elem != elem || it->count != count || it->scalar != scalar) {
        return io->st = ts_error_set(
                   io->err, TS_ERR_PARAM,
                   "%s: %s holds %zu %s value%s of %zu bytes (expected %zu of %zu bytes: a "
                   "checkpoint of another model version or of another organisation)",
                   io->source, path, it->count, sio_type_name(it->type), it->count == 1 ? "" : "s",
                   it->elem, count, elem);
    }
    if (count) {
        memcpy(ptr, it->data, elem * count);
    }
    it->used = 1;
    return TS_OK;
}

ts_status ts_sio_u32(ts_state_io *io, const char *name, uint32_t *v) {
    return sio_item(io, name, TS_SIO_U32, sizeof *v, v, 1, 1);
}
ts_status ts_sio_i32(ts_state_io *io, const char *name, int32_t *v) {
    return sio_item(io, name, TS_SIO_I32, sizeof *v, v, 1, 1);
}
ts_status ts_sio_u64(ts_state_io *io, const char *name, uint64_t *v) {
    return sio_item(io, name, TS_SIO_U64, sizeof *v, v, 1, 1);
}
ts_status ts_sio_f32(ts_state_io *io, const char *name, float *v) {
    return sio_item(io, name, TS_SIO_F32, sizeof *v, v, 1, 1);
}
ts_status ts_sio_f64(ts_state_io *io, const char *name, double *v) {
    return sio_item(io, name, TS_SIO_F64, sizeof *v, v, 1, 1);
}

ts_status ts_sio_int(ts_state_io *io, const char *name, int *v) {
    int32_t x = (int32_t)*v;
    ts_status st = ts_sio_i32(io, name, &x);
    if (st == TS_OK && io->loading) {
        *v = (int)x;
    }
    return st;
}

ts_status ts_sio_size(ts_state_io *io, const char *name, size_t *v) {
    uint64_t x = (uint64_t)*v;
    ts_status st = ts_sio_u64(io, name, &x);
    if (st == TS_OK && io->loading) {
        *v = (size_t)x;
    }
    return st;
}

ts_status ts_sio_typed(ts_state_io *io, const char *name, ts_sio_type type, void *ptr,
                       size_t count) {
    return sio_item(io, name, type, ts_sio_type_size(type), ptr, count, 0);
}

ts_status ts_sio_array(ts_state_io *io, const char *name, void *ptr, size_t elem_size,
                       size_t count) {
    return sio_item(io, name, TS_SIO_BYTES, elem_size, ptr, count, 0);
}

ts_status ts_ckpt_check_used(const ts_ckpt *ck, const char *prefix, const char *source,
                             ts_error *err) {
    size_t lp = strlen(prefix);
    for (size_t i = 0; i < ck->n; i++) {
        const ts_ckpt_item *it = &ck->items[i];
        if (!it->used && strncmp(it->name, prefix, lp) == 0) {
            return ts_error_set(err, TS_ERR_PARAM,
                                "%s holds %s, which this version does not read (expected a "
                                "checkpoint of this model version: trustsim " TRUSTSIM_VERSION ")",
                                source, it->name);
        }
    }
    return TS_OK;
}

/* ---- The world ------------------------------------------------------------------------- */

/* The mental models: counts, then the used slots of every agent in slot order, as stored
 * (ts_relstore_read at a day before any write gives the undecayed values). */
static ts_status models_io(ts_state_io *io, ts_world *w) {
    ts_relstore *s = &w->models;
    uint32_t n = w->n, D = w->n_domains;
    uint32_t *count = calloc(n ? n : 1, sizeof *count);
    uint64_t total = 0;
    if (!count) {
        return io->st = ts_error_set(io->err, TS_ERR_NOMEM, "out of memory");
    }
    for (uint32_t a = 0; a < n && !io->loading; a++) {
        count[a] = ts_relstore_count(s, a);
    }
    ts_sio_typed(io, "models/count", TS_SIO_U32, count, n);
    for (uint32_t a = 0; a < n; a++) {
        if (count[a] > s->capacity && io->st == TS_OK) {
            io->st = ts_error_set(io->err, TS_ERR_PARAM,
                                  "%s: agent %u holds %u mental models, more than trust.capacity "
                                  "%u (expected the capacity the checkpoint was made with)",
                                  io->source, a, count[a], s->capacity);
        }
        total += count[a];
    }
    size_t t = (size_t)total;
    uint32_t *id = calloc(t ? t : 1, sizeof *id);
    float *alpha = calloc(t ? t * D : 1, sizeof *alpha);
    float *beta = calloc(t ? t * D : 1, sizeof *beta);
    float *f4 = calloc(t ? t * 4 : 1, sizeof *f4);
    int32_t *days = calloc(t ? t * 2 : 1, sizeof *days);
    if (!id || !alpha || !beta || !f4 || !days) {
        if (io->st == TS_OK) {
            io->st = ts_error_set(io->err, TS_ERR_NOMEM, "out of memory");
        }
    }
    if (io->st == TS_OK && !io->loading) {
        size_t k = 0;
        for (uint32_t a = 0; a < n; a++) {
            for (uint32_t slot = 0; slot < count[a]; slot++, k++) {
                ts_belief b;
                ts_relstore_read(s, a, slot, INT32_MIN, &b);
                id[k] = ts_relstore_id(s, a, slot);
                memcpy(&alpha[k * D], b.alpha_e, D * sizeof *alpha);
                memcpy(&beta[k * D], b.beta_e, D * sizeof *beta);
                f4[4 * k] = b.integ_a_e;
                f4[4 * k + 1] = b.integ_b_e;
                f4[4 * k + 2] = b.scar;
                f4[4 * k + 3] = b.goodwill;
                days[2 * k] = b.last_day;
                days[2 * k + 1] = b.first_day;
            }
        }
    }
    ts_sio_typed(io, "models/id", TS_SIO_U32, id, t);
    ts_sio_typed(io, "models/alpha", TS_SIO_F32, alpha, t * D);
    ts_sio_typed(io, "models/beta", TS_SIO_F32, beta, t * D);
    ts_sio_typed(io, "models/integrity_goodwill", TS_SIO_F32, f4, t * 4);
    ts_sio_typed(io, "models/last_first_day", TS_SIO_I32, days, t * 2);
    if (io->st == TS_OK && io->loading) {
        size_t k = 0;
        for (uint32_t a = 0; a < n; a++) {
            ts_relstore_clear(s, a);
            for (uint32_t slot = 0; slot < count[a]; slot++, k++) {
                ts_belief b;
                memset(&b, 0, sizeof b);
                memcpy(b.alpha_e, &alpha[k * D], D * sizeof *alpha);
                memcpy(b.beta_e, &beta[k * D], D * sizeof *beta);
                b.integ_a_e = f4[4 * k];
                b.integ_b_e = f4[4 * k + 1];
                b.scar = f4[4 * k + 2];
                b.goodwill = f4[4 * k + 3];
                b.last_day = days[2 * k];
                b.first_day = days[2 * k + 1];
                int got = ts_relstore_insert(s, a, id[k], b.last_day, NULL);
                if (got != (int)slot) {
                    io->st = ts_error_set(io->err, TS_ERR_PARAM,
                                          "%s: agent %u's mental models are not a valid store "
                                          "(model of %u twice)",
                                          io->source, a, id[k]);
                    break;
                }
                ts_relstore_write(s, a, slot, &b);
            }
            if (io->st != TS_OK) {
                break;
            }
        }
    }
    free(count);
    free(id);
    free(alpha);
    free(beta);
    free(f4);
    free(days);
    return io->st;
}

ts_status ts_ckpt_world_io(ts_state_io *io, ts_world *w) {
    uint32_t n = w->n;
    ts_sio_u32(io, "world/n", &n);
    if (io->st != TS_OK) {
        return io->st;
    }
    if (io->loading) {
        /* Grows the world as hiring would have: agents added one by one (the arrays'
         * capacity doubles the same way), then every field overwritten below. */
        while (w->n < n) {
            uint32_t id;
            ts_status st = ts_world_add_agent(w, TS_NO_AGENT, w->day, &id, io->err);
            if (st != TS_OK) {
                return io->st = st;
            }
        }
        if (w->n > n) {
            return io->st = ts_error_set(io->err, TS_ERR_PARAM,
                                         "%s holds %u agents, fewer than the organisation is "
                                         "created with (%u): expected the org.headcount it was "
                                         "made with",
                                         io->source, n, w->n);
        }
    }
    ts_sio_u32(io, "world/n_active", &w->n_active);
    ts_sio_u32(io, "world/root", &w->root);
    ts_sio_i32(io, "world/day", &w->day);
    ts_sio_typed(io, "world/manager", TS_SIO_U32, w->manager, n);
    ts_sio_typed(io, "world/first_report", TS_SIO_U32, w->first_report, n);
    ts_sio_typed(io, "world/next_peer", TS_SIO_U32, w->next_peer, n);
    ts_sio_typed(io, "world/prev_peer", TS_SIO_U32, w->prev_peer, n);
    ts_sio_typed(io, "world/n_reports", TS_SIO_U32, w->n_reports, n);
    ts_sio_typed(io, "world/depth", TS_SIO_U16, w->depth, n);
    ts_sio_typed(io, "world/active", TS_SIO_U8, w->active, n);
    ts_sio_typed(io, "world/hire_day", TS_SIO_I32, w->hire_day, n);
    ts_sio_typed(io, "world/leave_day", TS_SIO_I32, w->leave_day, n);
    ts_sio_typed(io, "world/hours", TS_SIO_F32, w->hours, (size_t)n * TS_HOURS_SLOTS);
    for (uint32_t c = 0; c < w->n_cols && io->st == TS_OK; c++) {
        char name[96];
        snprintf(name, sizeof name, "world/columns/%s", w->cols[c].name);
        char path[256];
        snprintf(path, sizeof path, "%s%s", io->prefix, name);
        if (io->loading && !ts_ckpt_find(io->ck, path)) {
            continue; /* a module switched on since: its column starts afresh */
        }
        ts_sio_array(io, name, w->cols[c].data, w->cols[c].size, n);
    }
    /* A column the checkpoint has and no module registers here belongs to a module
     * switched off since: it is left behind with it. */
    return models_io(io, w);
}

/* ---- Snapshots ---------------------------------------------------------------------------- */

static ts_status copy_table(const ts_table *from, ts_table *to) {
    for (size_t c = 0; c < from->n_cols; c++) {
        const ts_column *col = &from->cols[c];
        void *d = ts_table_add_column(to, col->name, col->units, col->description, col->type,
                                      col->n, col->width);
        if (!d && col->width) {
            return TS_ERR_NOMEM;
        }
        if (d && col->n) {
            memcpy(d, col->data, col->n * col->width * ts_coltype_size(col->type));
        }
    }
    return TS_OK;
}

ts_status ts_ckpt_copy_snapshots(const ts_result *from, int32_t max_day, ts_result *to,
                                 ts_error *err) {
    for (size_t i = 0; from && i < from->n_snapshots; i++) {
        const ts_snapshot *s = &from->snapshots[i];
        if (s->day > max_day) {
            continue;
        }
        ts_snapshot *d = ts_result_add_snapshot(to, s->day);
        if (!d || copy_table(&s->edges, &d->edges) != TS_OK ||
            (s->k && ts_snapshot_set_teams(d, s->k) != TS_OK)) {
            return ts_error_set(err, TS_ERR_NOMEM, "out of memory copying snapshots");
        }
        if (s->k) {
            memcpy(d->team_trust, s->team_trust, s->k * s->k * sizeof *d->team_trust);
            memcpy(d->team_ids, s->team_ids, s->k * sizeof *d->team_ids);
        }
    }
    return TS_OK;
}
