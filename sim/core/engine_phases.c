/* The phases of the engine's day loop (the loop itself is at the top of engine.c). Each
 * parallel phase works on fixed blocks of TS_BLOCK agents, so what it computes does not
 * depend on the thread count; a hook's failure is reported for the lowest block that
 * failed, so the message does not either. */
#include "engine_internal.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* The engine's own daily metrics: what it can measure of any organisation. */
const ts_metric_decl engine_metrics[EM_COUNT] = {
    {"headcount", "people", "People employed at the end of the day (AI teammates not counted)."},
    {"managers", "people", "Employed people with at least one direct report."},
    {"depth", "levels", "Levels of the org tree (the CEO alone is 1)."},
    {"acquaintances", "models", "Mean number of mental models an employed person holds."},
};
/* Accumulators: active, managers, models held. */
enum { EA_ACTIVE, EA_MANAGERS, EA_MODELS, EA_COUNT };

/* Threads for a phase over nb blocks: more threads than blocks would only wait. */
static int phase_threads(const ts_engine *e, size_t nb) {
    return (size_t)e->opt.threads < nb ? e->opt.threads : (int)(nb ? nb : 1);
}

/* The first failure of a parallel phase: the lowest block, then the lowest module. */
typedef struct phase_failure {
    ts_status st;
    size_t block, module;
} phase_failure;

static void phase_fail(phase_failure *f, ts_status st, size_t b, size_t m) {
#pragma omp critical(ts_engine_failure)
    {
        if (f->st == TS_OK || b < f->block || (b == f->block && m < f->module)) {
            f->st = st;
            f->block = b;
            f->module = m;
        }
    }
}

static ts_status phase_failed(const ts_engine *e, const phase_failure *f, const char *phase,
                              ts_error *err) {
    if (f->st == TS_OK) {
        return TS_OK;
    }
    return ts_error_set(err, f->st, "module %s failed in %s: %s", e->mods[f->module]->name, phase,
                        ts_status_message(f->st));
}

/* Sizes the per-block arrays for the current headcount; only reallocates on growth. */
ts_status engine_reserve_blocks(ts_engine *e, ts_error *err) {
    size_t nb = engine_n_blocks(e->w.n ? e->w.n : 1);
    size_t n_buckets = ((size_t)e->w.n >> TS_BLOCK_SHIFT) + 1;
    size_t hist_stride = ts_line_stride(n_buckets, sizeof *e->hist);
    if (nb > e->n_blocks_alloc) {
        size_t n_new = nb * 2;
        ts_block_msgs *b = realloc(e->blocks, n_new * sizeof *b);
        if (b) {
            e->blocks = b;
        }
        size_t *bb = realloc(e->block_begin, n_new * sizeof *bb);
        if (bb) {
            e->block_begin = bb;
        }
        int *bt = realloc(e->block_thread, n_new * sizeof *bt);
        if (bt) {
            e->block_thread = bt;
        }
        double *acc = realloc(e->acc, n_new * e->acc_stride * sizeof *acc);
        if (acc) {
            e->acc = acc;
        }
        if (!b || !bb || !bt || !acc) {
            return ts_error_set(err, TS_ERR_NOMEM, "out of memory for %zu agent blocks", nb);
        }
        e->n_blocks_alloc = n_new;
    }
    if (nb * hist_stride > e->n_hist_alloc) {
        size_t n_new = nb * hist_stride * 4;
        uint32_t *h = realloc(e->hist, n_new * sizeof *h);
        if (!h) {
            return ts_error_set(err, TS_ERR_NOMEM, "out of memory for message buckets");
        }
        e->hist = h;
        e->n_hist_alloc = n_new;
    }
    e->hist_stride = hist_stride;
    return TS_OK;
}

/* Tells the modules that agents were added (their per-agent arrays must follow). */
ts_status engine_notify_growth(ts_engine *e, ts_error *err) {
    if (e->w.n == e->n_seen) {
        return TS_OK;
    }
    e->n_seen = e->w.n;
    for (size_t m = 0; m < e->n_mods; m++) {
        if (e->mods[m]->grow) {
            ts_status st = e->mods[m]->grow(e->state[m], &e->w, err);
            if (st != TS_OK) {
                return st;
            }
        }
    }
    return engine_reserve_blocks(e, err);
}

ts_status engine_setup_metrics(ts_engine *e, ts_error *err) {
    e->acc_off = calloc(e->n_mods + 1, sizeof *e->acc_off);
    e->val_off = calloc(e->n_mods + 1, sizeof *e->val_off);
    if (!e->acc_off || !e->val_off) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    size_t na = EA_COUNT, nv = EM_COUNT;
    for (size_t m = 0; m < e->n_mods; m++) {
        e->acc_off[m] = na;
        e->val_off[m] = nv;
        na += e->mods[m]->n_acc;
        nv += e->mods[m]->n_metrics;
    }
    e->acc_off[e->n_mods] = na;
    e->val_off[e->n_mods] = nv;
    e->n_acc = na;
    e->acc_stride = ts_line_stride(na ? na : 1, sizeof *e->acc);
    e->n_values = nv;
    e->acc_sum = calloc(na, sizeof *e->acc_sum);
    e->values = calloc(nv, sizeof *e->values);
    e->series = calloc(nv, sizeof *e->series);
    if (!e->acc_sum || !e->values || !e->series) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    return TS_OK;
}

ts_status engine_day_begin(ts_engine *e, ts_error *err) {
    (void)err;
    e->w.day++;
    /* Each day's hours ledger starts empty, and the modules' daily columns afresh. */
    memset(e->w.hours, 0, (size_t)e->w.n * TS_HOURS_SLOTS * sizeof *e->w.hours);
    ts_world_clear_daily(&e->w);
    return TS_OK;
}

ts_status engine_phase_org(ts_engine *e, ts_error *err) {
    for (size_t m = 0; m < e->n_mods; m++) {
        if (e->mods[m]->org) {
            ts_day d = {.day = e->w.day,
                        .live = e->w.day >= 1,
                        .module = (uint8_t)m,
                        .stream = e->stream[m],
                        .seed = e->opt.seed,
                        .err = err};
            ts_status st = e->mods[m]->org(e->state[m], &e->w, &d);
            if (st != TS_OK) {
                return st;
            }
        }
    }
    return TS_OK;
}

/* What a block of a phase needs: the engine's day, read-only but for the block's own
 * outputs (its messages and histogram, its accumulator row) and the failure record. */
typedef struct phase_ctx {
    ts_engine *e;
    const ts_world *w;
    size_t n_buckets;
    phase_failure *pf;
} phase_ctx;

/* Act for the agents of block b, emitting into thread t's arena. Returns 1 when a
 * message could not be stored (out of memory). */
static int act_block(const phase_ctx *c, size_t b, int t) {
    ts_engine *e = c->e;
    const ts_world *w = c->w;
    ts_msgbuf *buf = &e->arena[t].buf;
    uint32_t *h = e->hist + b * e->hist_stride;
    memset(h, 0, c->n_buckets * sizeof *h);
    size_t begin = buf->n;
    uint32_t a1 = (uint32_t)((b + 1) * TS_BLOCK < w->n ? (b + 1) * TS_BLOCK : w->n);
    ts_emit em = {
        .buf = buf, .hist = h, .bucket_shift = TS_BLOCK_SHIFT, .day = w->day, .seed = e->opt.seed};
    for (uint32_t a = (uint32_t)(b * TS_BLOCK); a < a1; a++) {
        if (!w->active[a]) {
            continue;
        }
        em.from = a;
        for (size_t m = 0; m < e->n_mods; m++) {
            const ts_module *mod = e->mods[m];
            if (!mod->act) {
                continue;
            }
            em.module = (uint8_t)m;
            em.stream = e->stream[m];
            void *row = mod->act_row ? mod->act_row(e->state[m], a) : NULL;
            ts_status st = mod->act(e->state[m], w, a, row, &em);
            if (st != TS_OK) {
                phase_fail(c->pf, st, b, m);
            }
        }
    }
    e->block_begin[b] = begin;
    e->block_thread[b] = t;
    e->blocks[b].n = buf->n - begin;
    e->blocks[b].hist = h;
    return em.failed; /* a message could not be stored */
}

ts_status engine_phase_act(ts_engine *e, ts_error *err) {
    size_t nb = engine_n_blocks(e->w.n);
    int failed = 0;
    phase_failure fail = {TS_OK, 0, 0};
    for (int t = 0; t < e->n_arena; t++) {
        e->arena[t].buf.n = 0;
    }
    const phase_ctx ctx = {e, &e->w, ((size_t)e->w.n >> TS_BLOCK_SHIFT) + 1, &fail};
    const phase_ctx *c = &ctx;
    int nt = phase_threads(e, nb);
    if (nt == 1) { /* no team: even a team of one pays a futex call at every barrier */
        for (size_t b = 0; b < nb; b++) {
            failed |= act_block(c, b, 0);
        }
    } else {
#pragma omp parallel num_threads(nt) default(none) shared(c, nb) reduction(| : failed)
        {
            int t = omp_get_thread_num();
#pragma omp for schedule(dynamic, 1)
            for (size_t b = 0; b < nb; b++) {
                failed |= act_block(c, b, t);
            }
        }
    }
    if (failed) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for the day's messages");
    }
    ts_status st = phase_failed(e, &fail, "act", err);
    if (st != TS_OK) {
        return st;
    }
    /* Arenas may have moved while growing: point the blocks at them only now. */
    for (size_t b = 0; b < nb; b++) {
        e->blocks[b].msgs = e->arena[e->block_thread[b]].buf.msgs + e->block_begin[b];
    }
    return TS_OK;
}

ts_status engine_phase_deliver(ts_engine *e, ts_error *err) {
    size_t nb = engine_n_blocks(e->w.n);
    if (nb == 0) {
        return TS_OK;
    }
    ts_status st =
        ts_deliver_run(&e->dlv, e->blocks, nb, e->w.n, TS_BLOCK_SHIFT, phase_threads(e, nb), err);
    if (st == TS_OK) {
        e->n_messages += e->dlv.start[e->w.n];
    }
    return st;
}

/* Apply for the agents of block b: each one's messages, in delivery order, then settle. */
static void apply_block(const phase_ctx *c, size_t b) {
    ts_engine *e = c->e;
    ts_world *w = &e->w;
    const ts_msg *out = e->dlv.out;
    const size_t *start = e->dlv.start;
    uint32_t a1 = (uint32_t)((b + 1) * TS_BLOCK < w->n ? (b + 1) * TS_BLOCK : w->n);
    /* Most messages change the receiver's model of their subject. When the models are far
     * larger than the caches, ask for its index entry a few messages ahead, and for the
     * model itself once the entry is near (30,000 agents, every tactic: about a tenth less
     * time on one thread); a small organisation's models stay in the caches, and the hints would
     * only cost. */
    size_t end = ts_relstore_far(&w->models) ? start[a1] : 0;
    for (uint32_t a = (uint32_t)(b * TS_BLOCK); a < a1; a++) {
        for (size_t i = start[a]; i < start[a + 1]; i++) {
            if (i + 8 < end && out[i + 8].about < w->n) {
                ts_relstore_prefetch_index(&w->models, out[i + 8].to, out[i + 8].about);
            }
            if (i + 4 < end && out[i + 4].about < w->n) {
                ts_relstore_prefetch_model(&w->models, out[i + 4].to, out[i + 4].about);
            }
            const ts_msg *m = &out[i];
            if (m->module < e->n_mods && e->mods[m->module]->handle) {
                ts_status st = e->mods[m->module]->handle(e->state[m->module], w, m);
                if (st != TS_OK) {
                    phase_fail(c->pf, st, b, m->module);
                }
            }
        }
        if (!w->active[a]) {
            continue;
        }
        for (size_t m = 0; m < e->n_mods; m++) {
            if (e->mods[m]->settle) {
                ts_status st = e->mods[m]->settle(e->state[m], w, a);
                if (st != TS_OK) {
                    phase_fail(c->pf, st, b, m);
                }
            }
        }
    }
}

ts_status engine_phase_apply(ts_engine *e, ts_error *err) {
    size_t nb = engine_n_blocks(e->w.n);
    if (nb == 0) {
        return TS_OK;
    }
    phase_failure fail = {TS_OK, 0, 0};
    const phase_ctx ctx = {e, &e->w, 0, &fail};
    const phase_ctx *c = &ctx;
    int nt = phase_threads(e, nb);
    if (nt == 1) {
        for (size_t b = 0; b < nb; b++) {
            apply_block(c, b);
        }
    } else {
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1) default(none) shared(c, nb)
        for (size_t b = 0; b < nb; b++) {
            apply_block(c, b);
        }
    }
    return phase_failed(e, &fail, "apply", err);
}

/* The engine's accumulators for the people among agents [a0, a1): headcounts and models
 * held, exact. */
static void engine_measure(const ts_world *w, uint32_t a0, uint32_t a1, double *acc) {
    for (uint32_t a = a0; a < a1; a++) {
        if (w->active[a] && ts_world_is_person(w, a)) {
            acc[EA_ACTIVE] += 1.0;
            acc[EA_MANAGERS] += w->n_reports[a] > 0;
            acc[EA_MODELS] += ts_relstore_count(&w->models, a);
        }
    }
}

/* The modules' measure_prepare for the agents of block b. */
static void prepare_block(const phase_ctx *c, size_t b) {
    const ts_engine *e = c->e;
    const ts_world *w = c->w;
    uint32_t a0 = (uint32_t)(b * TS_BLOCK);
    uint32_t a1 = (uint32_t)((b + 1) * TS_BLOCK < w->n ? (b + 1) * TS_BLOCK : w->n);
    for (size_t m = 0; m < e->n_mods; m++) {
        if (e->mods[m]->measure_prepare) {
            ts_status st = e->mods[m]->measure_prepare(e->state[m], w, a0, a1);
            if (st != TS_OK) {
                phase_fail(c->pf, st, b, m);
            }
        }
    }
}

/* Block b's accumulator row: the engine's and every module's measure of its agents. */
static void measure_block(const phase_ctx *c, size_t b) {
    const ts_engine *e = c->e;
    const ts_world *w = c->w;
    double *row = e->acc + b * e->acc_stride;
    memset(row, 0, e->n_acc * sizeof *row);
    uint32_t a0 = (uint32_t)(b * TS_BLOCK);
    uint32_t a1 = (uint32_t)((b + 1) * TS_BLOCK < w->n ? (b + 1) * TS_BLOCK : w->n);
    engine_measure(w, a0, a1, row);
    for (size_t m = 0; m < e->n_mods; m++) {
        if (e->mods[m]->measure) {
            ts_status st = e->mods[m]->measure(e->state[m], w, a0, a1, row + e->acc_off[m]);
            if (st != TS_OK) {
                phase_fail(c->pf, st, b, m);
            }
        }
    }
}

ts_status engine_phase_measure(ts_engine *e, ts_error *err) {
    const ts_world *w = &e->w;
    size_t nb = engine_n_blocks(w->n);
    const ts_module **mods = (const ts_module **)e->mods;
    void **state = e->state;
    size_t n_mods = e->n_mods, n_acc = e->n_acc;
    double *acc = e->acc;
    phase_failure fail = {TS_OK, 0, 0};
    const phase_ctx ctx = {e, w, 0, &fail};
    const phase_ctx *c = &ctx;
    int nt = phase_threads(e, nb);

    int prepare = 0;
    for (size_t m = 0; m < n_mods; m++) {
        prepare |= mods[m]->measure_prepare != NULL;
    }
    if (prepare) {
        if (nt == 1) {
            for (size_t b = 0; b < nb; b++) {
                prepare_block(c, b);
            }
        } else {
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1) default(none) shared(c, nb)
            for (size_t b = 0; b < nb; b++) {
                prepare_block(c, b);
            }
        }
        ts_status st = phase_failed(e, &fail, "measure_prepare", err);
        if (st != TS_OK) {
            return st;
        }
    }
    if (nt == 1) {
        for (size_t b = 0; b < nb; b++) {
            measure_block(c, b);
        }
    } else {
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1) default(none) shared(c, nb)
        for (size_t b = 0; b < nb; b++) {
            measure_block(c, b);
        }
    }
    ts_status st = phase_failed(e, &fail, "measure", err);
    if (st != TS_OK) {
        return st;
    }
    /* Blocks are combined in block order: the same sums for any thread count. */
    memset(e->acc_sum, 0, n_acc * sizeof *e->acc_sum);
    for (size_t b = 0; b < nb; b++) {
        for (size_t k = 0; k < n_acc; k++) {
            e->acc_sum[k] += acc[b * e->acc_stride + k];
        }
    }
    double *v = e->values;
    const double *s = e->acc_sum;
    v[EM_HEADCOUNT] = s[EA_ACTIVE];
    v[EM_MANAGERS] = s[EA_MANAGERS];
    v[EM_DEPTH] = ts_world_levels(w);
    v[EM_ACQUAINTANCES] = s[EA_ACTIVE] > 0 ? s[EA_MODELS] / s[EA_ACTIVE] : 0.0;
    for (size_t m = 0; m < n_mods && st == TS_OK; m++) {
        if (mods[m]->day_end) {
            st = mods[m]->day_end(state[m], w, s + e->acc_off[m], v + e->val_off[m]);
            if (st != TS_OK) {
                st = ts_error_set(err, st, "module %s failed in day_end: %s", mods[m]->name,
                                  ts_status_message(st));
            }
        }
    }
    return st;
}
