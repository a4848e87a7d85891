/* Messages: fixed-size records that carry every change from the act phase to the
 * apply phase (evidence, hours to charge, task state). A message belongs to the
 * module that emitted it (`module`, an index in the engine's module table) and is
 * handled by that module's handler for the receiver. Emission goes into per-thread
 * arenas that are reused every day; delivery sorts them by receiver in an order that
 * does not depend on the thread count: (receiver, sender, emission order). */
#ifndef TS_MSG_H
#define TS_MSG_H

#include "rng.h"
#include "status.h"

#include <stddef.h>
#include <stdint.h>

typedef struct ts_msg {
    uint32_t to;    /* receiver: the agent whose state the handler changes */
    uint32_t from;  /* sender: the acting agent */
    uint32_t about; /* the subject (e.g. whose competence was seen) */
    uint8_t module; /* set by the engine */
    uint8_t kind;   /* module-specific */
    uint8_t domain;
    uint8_t flags;
    float w; /* weight or amount */
    float x;
    float y;
    uint32_t aux;
} ts_msg;

/* Bytes of a cache line. Parallel phases keep what one thread writes often this far from
 * what another writes (a line with two writers moves between their cores at every write). */
#define TS_CACHE_LINE 64u

/* n elements of `size` bytes (at most a line) rounded up to whole cache lines of them. */
static inline size_t ts_line_stride(size_t n, size_t size) {
    size_t per = TS_CACHE_LINE / size;
    return (n + per - 1) / per * per;
}

/* A growable message buffer (an arena reused from day to day). */
typedef struct ts_msgbuf {
    ts_msg *msgs;
    size_t n, n_alloc;
} ts_msgbuf;

/* The act context of one agent and module: where its messages go. */
typedef struct ts_emit {
    ts_msgbuf *buf;
    uint32_t *hist;        /* per-bucket message counts of the current block */
    uint32_t bucket_shift; /* receiver >> shift = bucket */
    uint32_t from;
    uint8_t module;  /* the module's place among the enabled ones: where its messages go */
    uint32_t stream; /* the module's stream key (ts_module_stream_key), for ts_emit_rng */
    int32_t day;
    uint64_t seed; /* the run's seed, for ts_emit_rng */
    int failed;    /* out of memory: the engine reports it after the phase */
} ts_emit;

/* The org-phase context of one module. */
typedef struct ts_day {
    int32_t day;     /* <= 0 during warm-up */
    int live;        /* day >= 1: the recorded run, with growth and events */
    uint8_t module;  /* the module's place among the enabled ones */
    uint32_t stream; /* the module's stream key (ts_module_stream_key), for ts_day_rng */
    uint64_t seed;
    ts_error *err; /* where org explains a failure it returns (never NULL from the engine) */
} ts_day;

/* Random stream phases: a module's streams are (key | phase). */
enum { TS_PHASE_ORG = 0, TS_PHASE_ACT = 1, TS_PHASE_HANDLE = 2, TS_PHASE_SETTLE = 3 };

/* A module's stream key, from its name alone (FNV-1a, 29 bits, shifted past the phase and
 * with the top bit set): the same whichever other modules are on, so that arms of an
 * experiment that differ in one tactic draw the same numbers for every other module
 * (common random numbers). Streams a module keys by hand (a fixed constant) keep the top
 * bit clear and so never meet these. The engine refuses two modules with one key. */
static inline uint32_t ts_module_stream_key(const char *name) {
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h = (h ^ *p) * 16777619u;
    }
    return 0x80000000u | ((h & 0x1FFFFFFFu) << 2);
}

static inline uint32_t ts_stream_id(uint32_t key, int phase) {
    return key | (uint32_t)phase;
}

/* The acting agent's stream for this module and day. */
static inline void ts_emit_rng(const ts_emit *e, ts_rng *r) {
    ts_rng_init(r, e->seed, e->from, (uint32_t)e->day, ts_stream_id(e->stream, TS_PHASE_ACT));
}

/* A stream of the org phase; `subject` tells apart the draws of different agents. */
static inline void ts_day_rng(const ts_day *d, uint32_t subject, ts_rng *r) {
    ts_rng_init(r, d->seed, subject, (uint32_t)d->day, ts_stream_id(d->stream, TS_PHASE_ORG));
}

int ts_msgbuf_grow(ts_msgbuf *b);
void ts_msgbuf_free(ts_msgbuf *b);

/* Sends m (its module and sender are filled in). */
static inline void ts_emit_send(ts_emit *e, ts_msg m) {
    ts_msgbuf *b = e->buf;
    if (b->n == b->n_alloc && !ts_msgbuf_grow(b)) {
        e->failed = 1;
        return;
    }
    m.module = e->module;
    m.from = e->from;
    b->msgs[b->n++] = m;
    e->hist[m.to >> e->bucket_shift]++;
}

/* Delivery: the messages of nblocks sender blocks, each a run of a thread arena, are
 * sorted by receiver (stable) into `out`; start[r] .. start[r+1] index receiver r's
 * inbox. Works on fixed blocks so the order is the same for any thread count. */
typedef struct ts_block_msgs {
    const ts_msg *msgs; /* the block's messages, in emission order */
    size_t n;
    const uint32_t *hist; /* per-bucket counts (n_buckets) */
} ts_block_msgs;

typedef struct ts_deliver {
    size_t n_agents, n_buckets;
    uint32_t bucket_shift;
    ts_msg *tmp, *out; /* the sorted inboxes are in out */
    size_t n_alloc;
    size_t *start; /* n_agents + 1 */
    /* Each block's cursors into tmp, one per bucket: block b's row starts at
     * b * offset_stride (n_buckets rounded up to whole cache lines, so that threads
     * scattering different blocks never write the same line). */
    size_t *bucket_offset;
    size_t offset_stride;
    size_t n_start_alloc, n_offset_alloc;
} ts_deliver;

void ts_deliver_init(ts_deliver *d);
void ts_deliver_free(ts_deliver *d);
/* Sorts; `threads` only sets the parallelism. */
ts_status ts_deliver_run(ts_deliver *d, const ts_block_msgs *blocks, size_t n_blocks,
                         size_t n_agents, uint32_t bucket_shift, int threads, ts_error *err);

#endif
