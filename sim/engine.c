#include "engine.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* The engine's own daily metrics: what it can measure of any organisation. */
enum { EM_HEADCOUNT, EM_MANAGERS, EM_DEPTH, EM_ACQUAINTANCES, EM_COVERAGE, EM_COUNT };
static const ts_metric_decl engine_metrics[EM_COUNT] = {
    {"headcount", "people", "Agents employed at the end of the day."},
    {"managers", "people", "Employed agents with at least one direct report."},
    {"depth", "levels", "Levels of the org tree (the CEO alone is 1)."},
    {"acquaintances", "models", "Mean number of mental models an employed agent holds."},
    {"coverage", "fraction",
     "Share of (agent, manager/report/teammate) pairs whose model holds at least 3 units of "
     "competence evidence."},
};
/* Accumulators: active, managers, models held, close pairs, covered close pairs. */
enum { EA_ACTIVE, EA_MANAGERS, EA_MODELS, EA_PAIRS, EA_COVERED, EA_COUNT };

/* Evidence a model needs before a close pair counts as covered (MODEL.md §8). */
#define TS_COVERAGE_EVIDENCE 3.0f

struct ts_engine {
    const ts_module **mods; /* the enabled modules, in table order */
    uint32_t *stream;       /* their stream keys (ts_module_stream_key) */
    void **state;
    size_t n_mods;
    ts_world w;
    ts_engine_options opt;
    int32_t days, warmup;
    int32_t snapshot_every;
    uint32_t snapshot_agents;
    uint32_t n_seen; /* world->n at the last grow call */

    /* Per-thread message arenas and per-block bookkeeping, reused every day. */
    ts_msgbuf *arena;
    int n_arena;
    ts_block_msgs *blocks;
    size_t *block_begin;
    int *block_thread;
    uint32_t *hist;
    size_t n_blocks_alloc, n_hist_alloc;
    ts_deliver dlv;
    uint64_t n_messages;

    /* Metrics: accumulators per block; offsets of each module's part. */
    size_t *acc_off; /* n_mods + 1: engine first */
    size_t n_acc;
    double *acc; /* n_blocks x n_acc */
    size_t n_acc_alloc;
    double *acc_sum; /* n_acc */
    size_t *val_off; /* n_mods + 1 */
    size_t n_values;
    double *values;
    double **series; /* n_values pointers into the result, or NULL */
};

static size_t n_blocks_of(uint32_t n) {
    return ((size_t)n + TS_BLOCK - 1) / TS_BLOCK;
}

/* A module is on unless all its sections are optional (tactics) and none of them is on:
 * one mandatory section (repair's culture beside its optional tactic) keeps it on. */
int ts_engine_module_on(const ts_module *m, const ts_scenario *sc) {
    if (m->n_sections == 0) {
        return 1;
    }
    for (size_t s = 0; s < m->n_sections; s++) {
        if (!m->sections[s]->optional || ts_scenario_section_on(sc, m->sections[s]->name)) {
            return 1;
        }
    }
    return 0;
}

/* On at the scenario itself or at any grid point of its sweep. */
static int module_on_anywhere(const ts_module *m, const ts_scenario *sc) {
    if (ts_engine_module_on(m, sc)) {
        return 1;
    }
    size_t n = ts_scenario_n_points(sc);
    for (size_t g = 0; g < n && ts_scenario_n_sweep_keys(sc) > 0; g++) {
        ts_scenario *pt = NULL;
        ts_error e;
        if (ts_scenario_at_point(sc, g, &pt, &e) == TS_OK) {
            int on = ts_engine_module_on(m, pt);
            ts_scenario_free(pt);
            if (on) {
                return 1;
            }
        }
    }
    return 0;
}

const ts_metric_decl *ts_engine_summary_find(const ts_module *const *modules, size_t n_modules,
                                             const ts_scenario *sc, const char *name) {
    for (size_t m = 0; m < n_modules; m++) {
        for (size_t i = 0; i < modules[m]->n_summaries; i++) {
            if (strcmp(modules[m]->summaries[i].name, name) == 0) {
                return module_on_anywhere(modules[m], sc) ? &modules[m]->summaries[i] : NULL;
            }
        }
    }
    return NULL;
}

const ts_metric_decl *ts_engine_metric_at(const ts_module *const *modules, size_t n_modules,
                                          const ts_scenario *sc, size_t i) {
    if (i < EM_COUNT) {
        return &engine_metrics[i];
    }
    i -= EM_COUNT;
    for (size_t m = 0; m < n_modules; m++) {
        if (modules[m]->n_metrics == 0 || !module_on_anywhere(modules[m], sc)) {
            continue;
        }
        if (i < modules[m]->n_metrics) {
            return &modules[m]->metrics[i];
        }
        i -= modules[m]->n_metrics;
    }
    return NULL;
}

const ts_metric_decl *ts_engine_metric_find(const ts_module *const *modules, size_t n_modules,
                                            const ts_scenario *sc, const char *name) {
    for (size_t k = 0; k < EM_COUNT; k++) {
        if (strcmp(engine_metrics[k].name, name) == 0) {
            return &engine_metrics[k];
        }
    }
    for (size_t m = 0; m < n_modules; m++) {
        for (size_t k = 0; k < modules[m]->n_metrics; k++) {
            if (strcmp(modules[m]->metrics[k].name, name) == 0) {
                return module_on_anywhere(modules[m], sc) ? &modules[m]->metrics[k] : NULL;
            }
        }
    }
    return NULL;
}

void ts_engine_summary_list(const ts_module *const *modules, size_t n_modules,
                            const ts_scenario *sc, char *buf, size_t cap) {
    size_t len = 0;
    if (cap == 0) {
        return;
    }
    buf[0] = '\0';
    for (size_t m = 0; m < n_modules; m++) {
        if (modules[m]->n_summaries == 0 || !module_on_anywhere(modules[m], sc)) {
            continue;
        }
        for (size_t i = 0; i < modules[m]->n_summaries && len + 1 < cap; i++) {
            int k = snprintf(buf + len, cap - len, "%s%s", len ? ", " : "",
                             modules[m]->summaries[i].name);
            len = k < 0 ? cap - 1 : len + (size_t)k >= cap ? cap - 1 : len + (size_t)k;
        }
    }
}

const ts_world *ts_engine_world(const ts_engine *e) {
    return &e->w;
}

ts_world *ts_engine_world_mut(ts_engine *e) {
    return &e->w;
}

uint64_t ts_engine_messages(const ts_engine *e) {
    return e->n_messages;
}

void *ts_engine_module_state(const ts_engine *e, const char *name) {
    for (size_t m = 0; m < e->n_mods; m++) {
        if (strcmp(e->mods[m]->name, name) == 0) {
            return e->state[m];
        }
    }
    return NULL;
}

void ts_engine_free(ts_engine *e) {
    if (!e) {
        return;
    }
    for (size_t m = 0; m < e->n_mods; m++) {
        if (e->mods[m]->free && e->state[m]) {
            e->mods[m]->free(e->state[m]);
        }
    }
    for (int t = 0; t < e->n_arena; t++) {
        ts_msgbuf_free(&e->arena[t]);
    }
    free(e->arena);
    free(e->blocks);
    free(e->block_begin);
    free(e->block_thread);
    free(e->hist);
    ts_deliver_free(&e->dlv);
    free(e->acc_off);
    free(e->acc);
    free(e->acc_sum);
    free(e->val_off);
    free(e->values);
    free(e->series);
    free(e->mods);
    free(e->state);
    free(e->stream);
    ts_world_free(&e->w);
    free(e);
}

/* Sizes the per-block arrays for the current headcount; only reallocates on growth. */
static ts_status reserve_blocks(ts_engine *e, ts_error *err) {
    size_t nb = n_blocks_of(e->w.n ? e->w.n : 1);
    size_t n_buckets = ((size_t)e->w.n >> TS_BLOCK_SHIFT) + 1;
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
        double *acc = realloc(e->acc, n_new * (e->n_acc ? e->n_acc : 1) * sizeof *acc);
        if (acc) {
            e->acc = acc;
        }
        if (!b || !bb || !bt || !acc) {
            return ts_error_set(err, TS_ERR_NOMEM, "out of memory for %zu agent blocks", nb);
        }
        e->n_blocks_alloc = n_new;
    }
    if (nb * n_buckets > e->n_hist_alloc) {
        size_t n_new = nb * n_buckets * 4;
        uint32_t *h = realloc(e->hist, n_new * sizeof *h);
        if (!h) {
            return ts_error_set(err, TS_ERR_NOMEM, "out of memory for message buckets");
        }
        e->hist = h;
        e->n_hist_alloc = n_new;
    }
    return TS_OK;
}

/* Tells the modules that agents were added (their per-agent arrays must follow). */
static ts_status notify_growth(ts_engine *e, ts_error *err) {
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
    return reserve_blocks(e, err);
}

static ts_status setup_metrics(ts_engine *e, ts_error *err) {
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
    e->n_values = nv;
    e->acc_sum = calloc(na, sizeof *e->acc_sum);
    e->values = calloc(nv, sizeof *e->values);
    e->series = calloc(nv, sizeof *e->series);
    if (!e->acc_sum || !e->values || !e->series) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    return TS_OK;
}

ts_status ts_engine_create(const ts_scenario *sc, const ts_module *const *modules, size_t n_modules,
                           const ts_engine_options *opt, ts_engine **out, ts_error *err) {
    *out = NULL;
    ts_engine *e = calloc(1, sizeof *e);
    if (!e) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    ts_status st = TS_OK;
    e->opt = *opt;
    if (e->opt.threads < 1) {
        e->opt.threads = 1;
    }
    e->days = (int32_t)ts_scenario_int(sc, "days");
    e->warmup = (int32_t)ts_scenario_int(sc, "org.warmup_days");
    e->snapshot_every = (int32_t)ts_scenario_int(sc, "output.snapshot_every");
    e->snapshot_agents = (uint32_t)ts_scenario_int(sc, "output.snapshot_agents");
    uint32_t n_domains = (uint32_t)ts_scenario_list_len(sc, "domains");
    uint32_t headcount = (uint32_t)ts_scenario_int(sc, "org.headcount");
    uint32_t span = (uint32_t)ts_scenario_int(sc, "org.span_of_control");

    st = ts_world_init(&e->w, n_domains, (uint32_t)ts_scenario_int(sc, "trust.capacity"),
                       ts_scenario_real(sc, "trust.forgetting"), err);
    if (st != TS_OK) {
        goto fail;
    }
    e->w.days = e->days;
    e->w.warmup_days = e->warmup;
    e->w.seed = opt->seed;
    e->w.span = span;
    e->w.initial_headcount = headcount;
    e->w.day = -e->warmup;
    st = ts_world_build_tree(&e->w, headcount, span, e->w.day, err);
    if (st != TS_OK) {
        goto fail;
    }
    /* Everyone starts at the culture's safety; the modules refine it at configure. */

    e->mods = calloc(n_modules ? n_modules : 1, sizeof *e->mods);
    e->state = calloc(n_modules ? n_modules : 1, sizeof *e->state);
    if (!e->mods || !e->state) {
        st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if (n_modules > 250) {
        st = ts_error_set(err, TS_ERR_INTERNAL, "too many modules (%zu)", n_modules);
        goto fail;
    }
    e->stream = calloc(n_modules ? n_modules : 1, sizeof *e->stream);
    if (!e->stream) {
        st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        goto fail;
    }
    /* Keys from names: any two modules of the table must differ, on or off. */
    for (size_t m = 0; m < n_modules; m++) {
        for (size_t k = 0; k < m; k++) {
            if (ts_module_stream_key(modules[m]->name) == ts_module_stream_key(modules[k]->name)) {
                st = ts_error_set(err, TS_ERR_INTERNAL,
                                  "modules %s and %s have the same random-stream key: rename one",
                                  modules[k]->name, modules[m]->name);
                goto fail;
            }
        }
    }
    for (size_t m = 0; m < n_modules; m++) {
        if (ts_engine_module_on(modules[m], sc)) {
            e->stream[e->n_mods] = ts_module_stream_key(modules[m]->name);
            e->mods[e->n_mods++] = modules[m];
        }
    }
    for (size_t m = 0; m < e->n_mods; m++) {
        if (e->mods[m]->configure) {
            st = e->mods[m]->configure(sc, &e->w, &e->state[m], err);
            if (st != TS_OK) {
                goto fail;
            }
        }
    }
    e->n_arena = e->opt.threads;
    e->arena = calloc((size_t)e->n_arena, sizeof *e->arena);
    if (!e->arena) {
        st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        goto fail;
    }
    ts_deliver_init(&e->dlv);
    st = setup_metrics(e, err);
    if (st == TS_OK) {
        st = reserve_blocks(e, err);
    }
    if (st == TS_OK) {
        st = notify_growth(e, err);
    }
    if (st != TS_OK) {
        goto fail;
    }
    *out = e;
    return TS_OK;
fail:
    ts_engine_free(e);
    return st;
}

/* ---- The phases ------------------------------------------------------------------ */

static void phase_org(ts_engine *e) {
    for (size_t m = 0; m < e->n_mods; m++) {
        if (e->mods[m]->org) {
            ts_day d = {.day = e->w.day,
                        .live = e->w.day >= 1,
                        .module = (uint8_t)m,
                        .stream = e->stream[m],
                        .seed = e->opt.seed};
            e->mods[m]->org(e->state[m], &e->w, &d);
        }
    }
}

/* Threads for a phase over nb blocks: more threads than blocks would only wait. */
static int phase_threads(const ts_engine *e, size_t nb) {
    return (size_t)e->opt.threads < nb ? e->opt.threads : (int)(nb ? nb : 1);
}

static ts_status phase_act(ts_engine *e, size_t nb, ts_error *err) {
    const ts_world *w = &e->w;
    size_t n_buckets = ((size_t)w->n >> TS_BLOCK_SHIFT) + 1;
    int failed = 0;
    for (int t = 0; t < e->n_arena; t++) {
        e->arena[t].n = 0;
    }
    const ts_module **mods = (const ts_module **)e->mods;
    const uint32_t *stream = e->stream;
    void **state = e->state;
    size_t n_mods = e->n_mods;
    ts_msgbuf *arena = e->arena;
    size_t *block_begin = e->block_begin;
    int *block_thread = e->block_thread;
    ts_block_msgs *blocks = e->blocks;
    uint32_t *hist = e->hist;
    uint64_t seed = e->opt.seed;

#pragma omp parallel num_threads(phase_threads(e, nb)) default(none)                               \
    shared(w, nb, n_buckets, mods, stream, state, n_mods, arena, block_begin, block_thread,        \
           blocks, hist, seed) reduction(|                                                         \
                                         : failed)
    {
        int t = omp_get_thread_num();
        ts_msgbuf *buf = &arena[t];
#pragma omp for schedule(dynamic, 1)
        for (size_t b = 0; b < nb; b++) {
            uint32_t *h = hist + b * n_buckets;
            memset(h, 0, n_buckets * sizeof *h);
            size_t begin = buf->n;
            uint32_t a1 = (uint32_t)((b + 1) * TS_BLOCK < w->n ? (b + 1) * TS_BLOCK : w->n);
            for (uint32_t a = (uint32_t)(b * TS_BLOCK); a < a1; a++) {
                if (!w->active[a]) {
                    continue;
                }
                for (size_t m = 0; m < n_mods; m++) {
                    if (!mods[m]->act) {
                        continue;
                    }
                    ts_emit em = {.buf = buf,
                                  .hist = h,
                                  .bucket_shift = TS_BLOCK_SHIFT,
                                  .from = a,
                                  .module = (uint8_t)m,
                                  .stream = stream[m],
                                  .day = w->day,
                                  .seed = seed};
                    mods[m]->act(state[m], w, a, &em);
                    failed |= em.failed;
                }
            }
            block_begin[b] = begin;
            block_thread[b] = t;
            blocks[b].n = buf->n - begin;
            blocks[b].hist = h;
        }
    }
    if (failed) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for the day's messages");
    }
    /* Arenas may have moved while growing: point the blocks at them only now. */
    for (size_t b = 0; b < nb; b++) {
        e->blocks[b].msgs = e->arena[e->block_thread[b]].msgs + e->block_begin[b];
    }
    return TS_OK;
}

static void phase_apply(ts_engine *e, size_t nb) {
    ts_world *w = &e->w;
    const ts_msg *out = e->dlv.out;
    const size_t *start = e->dlv.start;
    const ts_module **mods = (const ts_module **)e->mods;
    void **state = e->state;
    size_t n_mods = e->n_mods;

#pragma omp parallel for num_threads(phase_threads(e, nb)) schedule(dynamic, 1) default(none)      \
    shared(w, nb, out, start, mods, state, n_mods)
    for (size_t b = 0; b < nb; b++) {
        uint32_t a1 = (uint32_t)((b + 1) * TS_BLOCK < w->n ? (b + 1) * TS_BLOCK : w->n);
        for (uint32_t a = (uint32_t)(b * TS_BLOCK); a < a1; a++) {
            for (size_t i = start[a]; i < start[a + 1]; i++) {
                const ts_msg *m = &out[i];
                if (m->module < n_mods && mods[m->module]->handle) {
                    mods[m->module]->handle(state[m->module], w, m);
                }
            }
            if (!w->active[a]) {
                continue;
            }
            for (size_t m = 0; m < n_mods; m++) {
                if (mods[m]->settle) {
                    mods[m]->settle(state[m], w, a);
                }
            }
        }
    }
}

/* The engine's accumulators for agents [a0, a1). */
/* Coverage reads the close pairs of a fixed sample of agents in large organisations:
 * everyone up to TS_ENGINE_SAMPLE people, else every k-th id (k fixed at the start), so
 * it is exact for small organisations, an unbiased estimate for large ones and the same
 * on any thread count. Headcounts and models held are always exact. */
#define TS_ENGINE_SAMPLE 1000u

static void engine_measure(const ts_world *w, uint32_t a0, uint32_t a1, uint32_t stride,
                           double *acc) {
    const ts_relstore *rs = &w->models;
    for (uint32_t a = a0; a < a1; a++) {
        if (!w->active[a]) {
            continue;
        }
        acc[EA_ACTIVE] += 1.0;
        acc[EA_MANAGERS] += w->n_reports[a] > 0;
        acc[EA_MODELS] += ts_relstore_count(rs, a);
        if (a % stride != 0) {
            continue;
        }
        /* Close pairs: the manager, the reports, the teammates. */
        uint32_t m = w->manager[a];
        uint32_t others[2] = {m, m != TS_NO_AGENT ? w->first_report[m] : TS_NO_AGENT};
        for (int k = 0; k < 2; k++) {
            uint32_t j = others[k];
            while (j != TS_NO_AGENT) {
                if (j != a) {
                    acc[EA_PAIRS] += 1.0;
                    int slot = ts_relstore_find(rs, a, j);
                    if (slot >= 0 && ts_relstore_evidence(rs, a, (uint32_t)slot, w->day) >=
                                         TS_COVERAGE_EVIDENCE) {
                        acc[EA_COVERED] += 1.0;
                    }
                }
                j = k == 0 ? TS_NO_AGENT : w->next_peer[j];
            }
        }
        for (uint32_t j = w->first_report[a]; j != TS_NO_AGENT; j = w->next_peer[j]) {
            acc[EA_PAIRS] += 1.0;
            int slot = ts_relstore_find(rs, a, j);
            if (slot >= 0 &&
                ts_relstore_evidence(rs, a, (uint32_t)slot, w->day) >= TS_COVERAGE_EVIDENCE) {
                acc[EA_COVERED] += 1.0;
            }
        }
    }
}

static void phase_measure(ts_engine *e, size_t nb) {
    const ts_world *w = &e->w;
    const ts_module **mods = (const ts_module **)e->mods;
    void **state = e->state;
    size_t n_mods = e->n_mods, n_acc = e->n_acc;
    double *acc = e->acc;
    const size_t *acc_off = e->acc_off;
    uint32_t n0 = w->initial_headcount;
    uint32_t stride = n0 > TS_ENGINE_SAMPLE ? (n0 + TS_ENGINE_SAMPLE - 1) / TS_ENGINE_SAMPLE : 1;

    int prepare = 0;
    for (size_t m = 0; m < n_mods; m++) {
        prepare |= mods[m]->measure_prepare != NULL;
    }
    if (prepare) {
#pragma omp parallel for num_threads(phase_threads(e, nb)) schedule(dynamic, 1) default(none)      \
    shared(w, nb, mods, state, n_mods)
        for (size_t b = 0; b < nb; b++) {
            uint32_t a0 = (uint32_t)(b * TS_BLOCK);
            uint32_t a1 = (uint32_t)((b + 1) * TS_BLOCK < w->n ? (b + 1) * TS_BLOCK : w->n);
            for (size_t m = 0; m < n_mods; m++) {
                if (mods[m]->measure_prepare) {
                    mods[m]->measure_prepare(state[m], w, a0, a1);
                }
            }
        }
    }
#pragma omp parallel for num_threads(phase_threads(e, nb)) schedule(dynamic, 1) default(none)      \
    shared(w, nb, mods, state, n_mods, n_acc, acc, acc_off, stride)
    for (size_t b = 0; b < nb; b++) {
        double *row = acc + b * n_acc;
        memset(row, 0, n_acc * sizeof *row);
        uint32_t a0 = (uint32_t)(b * TS_BLOCK);
        uint32_t a1 = (uint32_t)((b + 1) * TS_BLOCK < w->n ? (b + 1) * TS_BLOCK : w->n);
        engine_measure(w, a0, a1, stride, row);
        for (size_t m = 0; m < n_mods; m++) {
            if (mods[m]->measure) {
                mods[m]->measure(state[m], w, a0, a1, row + acc_off[m]);
            }
        }
    }
    /* Blocks are combined in block order: the same sums for any thread count. */
    memset(e->acc_sum, 0, n_acc * sizeof *e->acc_sum);
    for (size_t b = 0; b < nb; b++) {
        for (size_t k = 0; k < n_acc; k++) {
            e->acc_sum[k] += acc[b * n_acc + k];
        }
    }
    double *v = e->values;
    const double *s = e->acc_sum;
    v[EM_HEADCOUNT] = s[EA_ACTIVE];
    v[EM_MANAGERS] = s[EA_MANAGERS];
    v[EM_DEPTH] = ts_world_levels(w);
    v[EM_ACQUAINTANCES] = s[EA_ACTIVE] > 0 ? s[EA_MODELS] / s[EA_ACTIVE] : 0.0;
    v[EM_COVERAGE] = s[EA_PAIRS] > 0 ? s[EA_COVERED] / s[EA_PAIRS] : NAN;
    for (size_t m = 0; m < n_mods; m++) {
        if (mods[m]->day_end) {
            mods[m]->day_end(state[m], w, s + e->acc_off[m], v + e->val_off[m]);
        }
    }
}

ts_status ts_engine_step(ts_engine *e, ts_error *err) {
    e->w.day++;
    /* Each day's hours ledger starts empty and everyone available; the phases change it. */
    memset(e->w.hours, 0, (size_t)e->w.n * TS_HOURS_SLOTS * sizeof *e->w.hours);
    memset(e->w.busy, 0, e->w.n);
    memset(e->w.surface, 0, (size_t)e->w.n * sizeof *e->w.surface);
    phase_org(e);
    ts_status st = notify_growth(e, err);
    if (st != TS_OK) {
        return st;
    }
    size_t nb = n_blocks_of(e->w.n);
    if (nb == 0) {
        return TS_OK;
    }
    st = phase_act(e, nb, err);
    if (st != TS_OK) {
        return st;
    }
    st = ts_deliver_run(&e->dlv, e->blocks, nb, e->w.n, TS_BLOCK_SHIFT, phase_threads(e, nb), err);
    if (st != TS_OK) {
        return st;
    }
    e->n_messages += e->dlv.start[e->w.n];
    phase_apply(e, nb);
    return TS_OK;
}

/* ---- Recording -------------------------------------------------------------------- */

static ts_status add_series(ts_engine *e, ts_result *res, ts_error *err) {
    size_t n = (size_t)e->days + 1;
    for (size_t k = 0; k < EM_COUNT; k++) {
        const ts_metric_decl *d = &engine_metrics[k];
        e->series[k] = ts_result_add_series(res, d->name, d->units, d->description, n);
        if (!e->series[k]) {
            return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        }
    }
    for (size_t m = 0; m < e->n_mods; m++) {
        for (size_t k = 0; k < e->mods[m]->n_metrics; k++) {
            const ts_metric_decl *d = &e->mods[m]->metrics[k];
            double *s = ts_result_add_series(res, d->name, d->units, d->description, n);
            if (!s) {
                return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
            }
            e->series[e->val_off[m] + k] = s;
        }
    }
    return TS_OK;
}

static void record(ts_engine *e) {
    size_t nb = n_blocks_of(e->w.n);
    phase_measure(e, nb);
    for (size_t k = 0; k < e->n_values; k++) {
        e->series[k][e->w.day] = e->values[k];
    }
}

/* The department of an agent: its ancestor at depth 1 (the CEO is its own). */
static uint32_t department_of(const ts_world *w, uint32_t a) {
    while (w->depth[a] > 1) {
        a = w->manager[a];
    }
    return a;
}

static ts_status take_snapshot(ts_engine *e, ts_result *res, ts_error *err) {
    const ts_world *w = &e->w;
    const ts_relstore *rs = &w->models;
    uint32_t D = w->n_domains;
    ts_snapshot *snap = ts_result_add_snapshot(res, w->day);
    if (!snap) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    /* The sample: every k-th employed agent, so it spreads over the whole tree. */
    uint32_t want = e->snapshot_agents < w->n_active ? e->snapshot_agents : w->n_active;
    uint32_t stride = want ? (w->n_active + want - 1) / want : 1;
    size_t n_edges = 0;
    uint32_t seen = 0;
    for (uint32_t a = 0; a < w->n && want; a++) {
        if (w->active[a] && seen++ % stride == 0) {
            n_edges += ts_relstore_count(rs, a);
        }
    }
    uint32_t *from = ts_table_add_column(&snap->edges, "from", "agent id", "The believer.",
                                         TS_COL_U32, n_edges, 1);
    uint32_t *to = ts_table_add_column(&snap->edges, "to", "agent id", "The person believed about.",
                                       TS_COL_U32, n_edges, 1);
    float *mean = ts_table_add_column(&snap->edges, "mean", "probability",
                                      "Believed competence per domain (posterior mean).",
                                      TS_COL_F32, n_edges, D);
    float *sd = ts_table_add_column(&snap->edges, "sd", "probability",
                                    "Uncertainty of the belief per domain (posterior sd).",
                                    TS_COL_F32, n_edges, D);
    float *trust = ts_table_add_column(&snap->edges, "trust", "trust score",
                                       "Trust score T per domain.", TS_COL_F32, n_edges, D);
    float *integ =
        ts_table_add_column(&snap->edges, "integrity", "probability",
                            "Believed honesty (posterior mean).", TS_COL_F32, n_edges, 1);
    float *good = ts_table_add_column(&snap->edges, "goodwill", "score in [-1,1]",
                                      "Affect toward the person.", TS_COL_F32, n_edges, 1);
    if ((n_edges && (!from || !to || !mean || !sd || !trust || !integ || !good))) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for a snapshot");
    }
    size_t k = 0;
    seen = 0;
    ts_belief bel;
    for (uint32_t a = 0; a < w->n && want; a++) {
        if (!w->active[a] || seen++ % stride != 0) {
            continue;
        }
        for (uint32_t s = 0; s < ts_relstore_count(rs, a); s++, k++) {
            ts_relstore_read(rs, a, s, w->day, &bel);
            from[k] = a;
            to[k] = ts_relstore_id(rs, a, s);
            w->score(w->score_ctx, &bel, D, mean + k * D, sd + k * D, trust + k * D, integ + k);
            good[k] = bel.goodwill;
        }
    }
    /* Team-by-team trust of the top two levels: departments are the CEO's reports. */
    size_t nd = 0;
    uint32_t *dept_index = calloc(w->n ? w->n : 1, sizeof *dept_index);
    if (!dept_index) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for a snapshot");
    }
    for (uint32_t a = 0; a < w->n; a++) {
        dept_index[a] = UINT32_MAX;
        if (w->active[a] && w->depth[a] <= 1) {
            dept_index[a] = (uint32_t)nd++;
        }
    }
    snap->k = nd;
    snap->team_ids = calloc(nd ? nd : 1, sizeof *snap->team_ids);
    size_t n_cells = nd * nd > 0 ? nd * nd : 1;
    snap->team_trust = calloc(n_cells, sizeof *snap->team_trust);
    double *sum = calloc(n_cells, sizeof *sum);
    double *cnt = calloc(n_cells, sizeof *cnt);
    float *tmp = malloc(3 * D * sizeof *tmp);
    if (!snap->team_ids || !snap->team_trust || !sum || !cnt || !tmp) {
        free(dept_index);
        free(sum);
        free(cnt);
        free(tmp);
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for a snapshot");
    }
    for (uint32_t a = 0; a < w->n; a++) {
        if (dept_index[a] != UINT32_MAX) {
            snap->team_ids[dept_index[a]] = a;
        }
    }
    for (uint32_t a = 0; a < w->n; a++) {
        if (!w->active[a]) {
            continue;
        }
        size_t da = dept_index[department_of(w, a)];
        for (uint32_t s = 0; s < ts_relstore_count(rs, a); s++) {
            uint32_t j = ts_relstore_id(rs, a, s);
            if (!w->active[j]) {
                continue;
            }
            size_t dj = dept_index[department_of(w, j)];
            float integrity;
            ts_relstore_read(rs, a, s, w->day, &bel);
            w->score(w->score_ctx, &bel, D, tmp, tmp + D, tmp + 2 * D, &integrity);
            double t = 0.0;
            for (uint32_t d = 0; d < D; d++) {
                t += tmp[2 * D + d];
            }
            sum[da * nd + dj] += t / D;
            cnt[da * nd + dj] += 1.0;
        }
    }
    for (size_t i = 0; i < nd * nd; i++) {
        snap->team_trust[i] = cnt[i] > 0 ? (float)(sum[i] / cnt[i]) : NAN;
    }
    free(dept_index);
    free(sum);
    free(cnt);
    free(tmp);
    return TS_OK;
}

/* The engine's per-agent columns: identity and position. Modules add the rest. */
static ts_status agent_table(const ts_world *w, ts_result *res, ts_error *err) {
    size_t n = w->n;
    uint32_t D = w->n_domains;
    ts_table *t = &res->agents;
    uint32_t *id =
        ts_table_add_column(t, "id", "agent id", "Agent id (hiring order).", TS_COL_U32, n, 1);
    uint32_t *mgr = ts_table_add_column(t, "manager", "agent id",
                                        "Manager at the end (4294967295: none).", TS_COL_U32, n, 1);
    int32_t *depth =
        ts_table_add_column(t, "depth", "levels", "Depth in the tree (CEO 0).", TS_COL_I32, n, 1);
    int32_t *hire = ts_table_add_column(t, "hire_day", "day",
                                        "Day of hire (negative: before day 0).", TS_COL_I32, n, 1);
    int32_t *leave = ts_table_add_column(
        t, "leave_day", "day", "Day of leaving (2147483647: still employed).", TS_COL_I32, n, 1);
    float *comp =
        ts_table_add_column(t, "competence", "competence",
                            "True competence per domain (hidden trait); the chance of success "
                            "follows from it (docs/model.md §7.3).",
                            TS_COL_F32, n, D);
    float *candor = ts_table_add_column(t, "candor", "probability",
                                        "Propensity to own up (hidden trait).", TS_COL_F32, n, 1);
    float *open =
        ts_table_add_column(t, "openness", "probability",
                            "Propensity to ask for help (hidden trait).", TS_COL_F32, n, 1);
    float *safety =
        ts_table_add_column(t, "safety", "score in [0,1]",
                            "Perceived psychological safety at the end.", TS_COL_F32, n, 1);
    uint32_t *held = ts_table_add_column(t, "models_held", "models",
                                         "Mental models held at the end.", TS_COL_U32, n, 1);
    if (n && (!id || !mgr || !depth || !hire || !leave || !comp || !candor || !open || !safety ||
              !held)) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for the agent table");
    }
    for (uint32_t a = 0; a < n; a++) {
        id[a] = a;
        mgr[a] = w->manager[a];
        depth[a] = w->active[a] ? w->depth[a] : -1;
        hire[a] = w->hire_day[a];
        leave[a] = w->leave_day[a];
        memcpy(comp + (size_t)a * D, w->competence + (size_t)a * D, D * sizeof *comp);
        candor[a] = w->candor[a];
        open[a] = w->openness[a];
        safety[a] = w->safety[a];
        held[a] = ts_relstore_count(&w->models, a);
    }
    return TS_OK;
}

/* The engine's per-team columns: one row per team (an employed manager and its direct
 * reports) at the end, in id order. Modules add their columns in the same row order,
 * read from the `manager` column. */
static ts_status team_table(const ts_world *w, ts_result *res, ts_error *err) {
    size_t k = 0;
    for (uint32_t a = 0; a < w->n; a++) {
        k += w->active[a] && w->n_reports[a] > 0;
    }
    ts_table *t = &res->teams;
    uint32_t *mgr = ts_table_add_column(t, "manager", "agent id",
                                        "The team's manager; the team is its direct reports.",
                                        TS_COL_U32, k, 1);
    uint32_t *members = ts_table_add_column(
        t, "members", "people", "Direct reports of the manager at the end.", TS_COL_U32, k, 1);
    if (k && (!mgr || !members)) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for the team table");
    }
    size_t i = 0;
    for (uint32_t a = 0; a < w->n; a++) {
        if (w->active[a] && w->n_reports[a] > 0) {
            mgr[i] = a;
            members[i] = w->n_reports[a];
            i++;
        }
    }
    return TS_OK;
}

ts_status ts_engine_run(ts_engine *e, ts_result *res, ts_error *err) {
    ts_status st = add_series(e, res, err);
    /* Warm-up: the days up to and including day 0, nothing recorded; row 0 of every
     * series is the organisation as it stands when the recorded run begins. */
    while (st == TS_OK && e->w.day < 0) {
        if (e->opt.stop && *e->opt.stop) {
            return ts_error_set(err, TS_ERR_INTERRUPTED, "interrupted");
        }
        st = ts_engine_step(e, err);
        if (st == TS_OK && e->w.day > -TS_ENGINE_LEAD_IN_DAYS && e->w.day < 0) {
            /* Measured, not recorded: metrics over a trailing week are whole on day 0. */
            phase_measure(e, n_blocks_of(e->w.n));
        }
        if (st == TS_OK && e->opt.progress) {
            e->opt.progress(e->opt.progress_ctx, e->w.day);
        }
    }
    if (st == TS_OK) {
        record(e);
    }
    while (st == TS_OK && e->w.day < e->days) {
        if (e->opt.stop && *e->opt.stop) {
            return ts_error_set(err, TS_ERR_INTERRUPTED, "interrupted");
        }
        st = ts_engine_step(e, err);
        if (st != TS_OK) {
            break;
        }
        record(e);
        if (e->snapshot_every > 0 && e->w.day % e->snapshot_every == 0) {
            st = take_snapshot(e, res, err);
        }
        if (e->opt.progress) {
            e->opt.progress(e->opt.progress_ctx, e->w.day);
        }
    }
    if (st != TS_OK) {
        return st;
    }
    st = agent_table(&e->w, res, err);
    if (st == TS_OK) {
        st = team_table(&e->w, res, err);
    }
    for (size_t m = 0; st == TS_OK && m < e->n_mods; m++) {
        if (e->mods[m]->summarize) {
            st = e->mods[m]->summarize(e->state[m], &e->w, res, err);
        }
    }
    return st;
}
