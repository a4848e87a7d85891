/* The mental-model store: per agent a fixed-capacity block of decaying evidence about
 * other agents (ids scanned with a tight loop, payload beside them). Only evidence above
 * the prior is stored; the prior is the trust module's. Forgetting is applied lazily.
 * Threading: an agent's block is written only by that agent (apply phase); reserve is
 * serial. Blocks live in chunks that never move, so hiring does not disturb readers. */
#ifndef TS_RELSTORE_H
#define TS_RELSTORE_H

#include "status.h"

#include <stddef.h>
#include <stdint.h>

#define TS_MAX_DOMAINS 8
#define TS_NO_AGENT UINT32_MAX

/* A decayed copy of one model, as read at some day. */
typedef struct ts_belief {
    float alpha_e[TS_MAX_DOMAINS]; /* competence successes seen, per domain */
    float beta_e[TS_MAX_DOMAINS];  /* competence failures seen, per domain */
    float integ_a_e;               /* honest acts seen (decays) */
    float integ_b_e;               /* concealments seen (decays) */
    float scar;                    /* concealments discovered: never decays */
    float goodwill;                /* in [-1, 1], decays toward 0 */
    int32_t last_day;              /* day of the last write */
    int32_t first_day;             /* day the model was created (first contact) */
} ts_belief;

/* Most models an agent can hold: a slot is kept in 16 bits in the index. */
#define TS_RELSTORE_MAX_CAPACITY 65535u

/* Agents per chunk: a chunk holds the blocks of agents [k*CHUNK, (k+1)*CHUNK). */
#define TS_RELSTORE_CHUNK 1024u

/* Gaps between a model's last update and today, in days, whose decay is tabulated. */
#define TS_RELSTORE_DECAY_DAYS 1024

/* Layout of one agent's block (block_bytes long, a multiple of 64): `capacity` ids
 * (uint32) contiguous, then `stride` fields, each `capacity` floats (field-major: field f
 * of slot k at [f * capacity + k], so that reading many models is a run of contiguous
 * loads per field):
 *   [0] integ_a_e  [1] integ_b_e  [2] scar  [3] goodwill  [4] last_day (int32 bits)
 *   [5] first_day (int32 bits)
 *   [6 .. 6+n_domains)  alpha_e[d]   [6+n_domains .. 6+2*n_domains)  beta_e[d]
 * then an index of the ids: `index_size` (2 * capacity) uint16 entries, each 0 (empty) or a slot +
 * 1, an open-addressing hash table (linear probing, at most half full) so that finding a model
 * costs a probe or two however many the block holds. Chunks are zero-filled anonymous mappings,
 * never moved or freed before ts_relstore_free, so pages of agents not yet used are not committed.
 * The fields are private to relstore.c (tests read n_agents and n_chunks); use the functions below.
 */
typedef struct ts_relstore {
    uint32_t capacity;   /* models per agent */
    uint32_t n_domains;  /* 1..TS_MAX_DOMAINS */
    uint32_t stride;     /* floats of payload per model (6 + 2*n_domains) */
    uint32_t index_size; /* entries of a block's index: 2 * capacity */
    double log_forget;   /* log(forgetting) */
    /* forgetting^dt for dt < TS_RELSTORE_DECAY_DAYS: the same exp(log_forget * dt) the
     * store would compute, looked up instead (reading a model is the innermost loop). */
    double decay[TS_RELSTORE_DECAY_DAYS];
    size_t block_bytes; /* bytes of one agent's block */
    uint32_t n_agents;  /* agents with a block: ids 0 .. n_agents-1 */
    uint32_t n_chunks, n_chunks_alloc;
    uint32_t *count; /* owned; models held per agent (n_alloc entries, may move) */
    uint32_t n_alloc;
    void **chunks; /* owned; n_chunks blocks of TS_RELSTORE_CHUNK agents, never move */
} ts_relstore;

/* Sets up an empty store (no agents). capacity >= 1 (and small enough that a chunk's
 * size fits in size_t and a slot in an int), n_domains in 1..TS_MAX_DOMAINS,
 * forgetting in (0, 1]. Bad values give TS_ERR_PARAM and leave *s freeable. */
ts_status ts_relstore_init(ts_relstore *s, uint32_t capacity, uint32_t n_domains, double forgetting,
                           ts_error *err);
/* Frees what the store owns; safe on a zeroed or failed-init store, and twice. */
void ts_relstore_free(ts_relstore *s);
/* Makes room for agents 0 .. n_agents-1 (new agents hold no models). Never shrinks
 * and never moves an existing block. Serial only (org phase). On TS_ERR_NOMEM the
 * store keeps its previous agents and content. */
ts_status ts_relstore_reserve(ts_relstore *s, uint32_t n_agents, ts_error *err);

static inline uint32_t ts_relstore_count(const ts_relstore *s, uint32_t owner) {
    return s->count[owner];
}
/* The id of the model in `slot` of owner's block (slot < count). */
uint32_t ts_relstore_id(const ts_relstore *s, uint32_t owner, uint32_t slot);
/* The slot holding owner's model of `other`, or -1 (through the block's index). */
int ts_relstore_find(const ts_relstore *s, uint32_t owner, uint32_t other);
/* Bytes of the blocks of the agents held (what a day's lookups range over). */
static inline size_t ts_relstore_bytes(const ts_relstore *s) {
    return (size_t)s->n_agents * s->block_bytes;
}
/* Is the store far larger than the caches (32 MB or more of blocks)? Then a lookup in it
 * usually waits for memory, and asking for its lines ahead pays; in a smaller store the
 * hints below would only cost. */
#define TS_RELSTORE_FAR_BYTES ((size_t)32 << 20)
static inline int ts_relstore_far(const ts_relstore *s) {
    return ts_relstore_bytes(s) >= TS_RELSTORE_FAR_BYTES;
}
/* Hints for a lookup soon to come (they change nothing): the index entry where finding
 * owner's model of other starts, then, once that entry is at hand, the model it names. */
void ts_relstore_prefetch_index(const ts_relstore *s, uint32_t owner, uint32_t other);
void ts_relstore_prefetch_model(const ts_relstore *s, uint32_t owner, uint32_t other);
/* Hints for a batch of lookups about to be made, each owner's model of other: in a far store
 * every pair's index entry is asked for, then every pair's model, so that the waits for
 * memory of the whole batch overlap instead of following one another; in a store the
 * caches hold, nothing (the hints would only cost). Changes nothing. */
typedef struct ts_lookup {
    uint32_t owner, other;
} ts_lookup;
void ts_relstore_prefetch_lookups(const ts_relstore *s, const ts_lookup *pairs, size_t n);

/* Creates owner's model of `other` (empty evidence, last_day = day) and returns its
 * slot. When the block is full the least recently written model (smallest last_day)
 * is replaced in place, except owner's manager's (manager_of[owner]) and its direct
 * reports' (manager_of[x] == owner); ties go to the lowest slot. Returns -1 if every
 * model is protected. manager_of has an entry for owner and for every id held, with
 * TS_NO_AGENT for none; it may be NULL (nothing protected). If `other` is already
 * held its slot is returned untouched (ids in a block stay unique); `other` ==
 * TS_NO_AGENT returns -1. */
int ts_relstore_insert(ts_relstore *s, uint32_t owner, uint32_t other, int32_t day,
                       const uint32_t *manager_of);

/* The model in `slot` decayed to `day` (read-only): evidence and goodwill times
 * forgetting^(day - last_day), with day - last_day < 0 taken as 0; scar as stored. */
void ts_relstore_read(const ts_relstore *s, uint32_t owner, uint32_t slot, int32_t day,
                      ts_belief *out);
/* Many models at once, decayed to a day, laid out field by field (structure of arrays):
 * what a reader that visits every model of a believer (the daily belief metrics) needs,
 * in a form whose loops over models the compiler can vectorise. Each value is the one
 * ts_relstore_read and ts_relstore_evidence give for that model. */
#define TS_BELIEF_BLOCK 16u
typedef struct ts_belief_block {
    uint32_t n; /* models filled: slots first .. first+n-1 */
    uint32_t id[TS_BELIEF_BLOCK];
    float alpha_e[TS_MAX_DOMAINS][TS_BELIEF_BLOCK];
    float beta_e[TS_MAX_DOMAINS][TS_BELIEF_BLOCK];
    float integ_a_e[TS_BELIEF_BLOCK];
    float integ_b_e[TS_BELIEF_BLOCK];
    float scar[TS_BELIEF_BLOCK];
    float goodwill[TS_BELIEF_BLOCK];
    float evidence[TS_BELIEF_BLOCK]; /* as ts_relstore_evidence */
} ts_belief_block;
/* The lanes a block of n models is read and scored in: all TS_BELIEF_BLOCK, or half of
 * them when n fits (most believers' last block: most hold a few dozen models). */
static inline uint32_t ts_belief_lanes(uint32_t n) {
    return n <= TS_BELIEF_BLOCK / 2 ? TS_BELIEF_BLOCK / 2 : TS_BELIEF_BLOCK;
}
/* Reads owner's models from slot `first` on (at most TS_BELIEF_BLOCK of them) decayed to
 * `day` into *out and returns how many (0 past the last, *out then holding nothing else
 * meaningful). Lanes out->n .. ts_belief_lanes(out->n)-1 are zero in the first n_domains rows of
 * alpha_e and beta_e and in the other fields; lanes past those, and rows of domains past n_domains,
 * are not written. */
uint32_t ts_relstore_read_block(const ts_relstore *s, uint32_t owner, uint32_t first, int32_t day,
                                ts_belief_block *out);
/* What a model holds in one domain as stored (not decayed: the same factor would scale
 * both), and the day of first contact: enough to weigh new evidence without a read. */
void ts_relstore_peek(const ts_relstore *s, uint32_t owner, uint32_t slot, uint32_t domain,
                      float *alpha_e, float *beta_e, int32_t *first_day);

/* Total competence evidence of a model at `day` (sum over domains of alpha_e+beta_e). */
float ts_relstore_evidence(const ts_relstore *s, uint32_t owner, uint32_t slot, int32_t day);

/* Writers: decay the model to `day`, add, set last_day = day. A day before last_day
 * neither amplifies nor moves last_day back (it would decay the same days twice). */
void ts_relstore_add_competence(ts_relstore *s, uint32_t owner, uint32_t slot, int32_t day,
                                uint32_t domain, float success_w, float failure_w);
void ts_relstore_add_integrity(ts_relstore *s, uint32_t owner, uint32_t slot, int32_t day,
                               float honest_w, float deceit_w, float scar_w);
/* Goodwill is clamped to [-1, 1]. */
void ts_relstore_add_goodwill(ts_relstore *s, uint32_t owner, uint32_t slot, int32_t day,
                              float delta);
/* Sets a model's decayed content wholesale, last_day included (transitive priors,
 * tests). Goodwill is clamped to [-1, 1]; alpha_e/beta_e past n_domains are ignored. */
void ts_relstore_write(ts_relstore *s, uint32_t owner, uint32_t slot, const ts_belief *b);

/* Drops every model an agent holds (a leaver). */
void ts_relstore_clear(ts_relstore *s, uint32_t owner);

/* Bytes per model: id plus payload. */
size_t ts_relstore_bytes_per_model(const ts_relstore *s);

#endif
