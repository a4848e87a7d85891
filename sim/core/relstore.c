#include "relstore.h"
#include "simd.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Payload offsets (in floats) inside one model; see the layout in relstore.h. */
enum {
    TS_RS_INTEG_A = 0,
    TS_RS_INTEG_B = 1,
    TS_RS_SCAR = 2,
    TS_RS_GOODWILL = 3,
    TS_RS_LAST_DAY = 4,
    TS_RS_FIRST_DAY = 5,
    TS_RS_ALPHA = 6
};

/* Blocks are padded to a cache line so every block's ids start on a line boundary
 * (chunks are page-aligned). */
#define TS_RS_BLOCK_ALIGN 64u

static unsigned char *block_of(const ts_relstore *s, uint32_t owner) {
    unsigned char *chunk = s->chunks[owner / TS_RELSTORE_CHUNK];
    return chunk + (size_t)(owner % TS_RELSTORE_CHUNK) * s->block_bytes;
}

static uint32_t *ids_of(const ts_relstore *s, uint32_t owner) {
    return (uint32_t *)(void *)block_of(s, owner);
}

/* One model: its slot in the owner's block, whose payload is field-major (field f of
 * every slot contiguous, `capacity` floats a field). FIELD(m, f) is the model's field f. */
typedef struct model_ref {
    float *slot0; /* field 0 of this model */
    size_t cap;   /* floats from one field to the next */
} model_ref;
#define FIELD(m, f) ((m).slot0[(size_t)(f) * (m).cap])

static float *fields_of(const ts_relstore *s, uint32_t owner) {
    return (float *)(void *)(block_of(s, owner) + (size_t)s->capacity * sizeof(uint32_t));
}

/* The owner's index: index_size entries after the fields, each 0 (empty) or slot + 1 of
 * the model whose id hashes there (open addressing, linear probing). */
static uint16_t *index_of(const ts_relstore *s, uint32_t owner) {
    return (uint16_t *)(void *)(block_of(s, owner) + (size_t)s->capacity * sizeof(uint32_t) +
                                (size_t)s->stride * s->capacity * sizeof(float));
}

/* Where id's probe starts: a multiplicative hash of the id mapped onto [0, index_size)
 * by a multiply and a shift (no division, any size). */
static uint32_t index_home(const ts_relstore *s, uint32_t id) {
    uint32_t hash = (uint32_t)(((uint64_t)id * 0x9E3779B97F4A7C15ull) >> 32);
    return (uint32_t)(((uint64_t)hash * s->index_size) >> 32);
}

static uint32_t index_next(const ts_relstore *s, uint32_t h) {
    return h + 1 == s->index_size ? 0 : h + 1;
}

/* Puts `slot` (holding `id`) into the owner's index. */
static void index_put(const ts_relstore *s, uint32_t owner, uint32_t id, uint32_t slot) {
    uint16_t *ix = index_of(s, owner);
    uint32_t h = index_home(s, id);
    while (ix[h] != 0) {
        h = index_next(s, h);
    }
    ix[h] = (uint16_t)(slot + 1);
}

/* Takes the entry of `id` out of the owner's index (it must be there), shifting back the
 * entries after it that probed past it, so that no lookup needs tombstones. */
static void index_drop(const ts_relstore *s, uint32_t owner, uint32_t id) {
    uint16_t *ix = index_of(s, owner);
    const uint32_t *ids = ids_of(s, owner);
    uint32_t h = index_home(s, id);
    while (ix[h] != 0 && ids[ix[h] - 1] != id) {
        h = index_next(s, h);
    }
    if (ix[h] == 0) {
        return;
    }
    uint32_t hole = h;
    for (uint32_t k = index_next(s, h); ix[k] != 0; k = index_next(s, k)) {
        uint32_t home = index_home(s, ids[ix[k] - 1]);
        /* The entry at k may fill the hole if its home is not in (hole, k] (cyclically). */
        int movable = hole <= k ? (home <= hole || home > k) : (home <= hole && home > k);
        if (movable) {
            ix[hole] = ix[k];
            hole = k;
        }
    }
    ix[hole] = 0;
}

static model_ref model_of(const ts_relstore *s, uint32_t owner, uint32_t slot) {
    return (model_ref){fields_of(s, owner) + slot, s->capacity};
}

static int32_t get_last_day(model_ref m) {
    int32_t day;
    memcpy(&day, &FIELD(m, TS_RS_LAST_DAY), sizeof day);
    return day;
}

static void set_last_day(model_ref m, int32_t day) {
    memcpy(&FIELD(m, TS_RS_LAST_DAY), &day, sizeof day);
}

static int32_t get_first_day(model_ref m) {
    int32_t day;
    memcpy(&day, &FIELD(m, TS_RS_FIRST_DAY), sizeof day);
    return day;
}

static void set_first_day(model_ref m, int32_t day) {
    memcpy(&FIELD(m, TS_RS_FIRST_DAY), &day, sizeof day);
}

/* forgetting^(day - last_day) in double; a day in the past does not amplify. */
static double decay_factor(const ts_relstore *s, int32_t last_day, int32_t day) {
    int64_t dt = (int64_t)day - (int64_t)last_day;
    if (dt <= 0) {
        return 1.0;
    }
    return dt < TS_RELSTORE_DECAY_DAYS ? s->decay[dt] : exp(s->log_forget * (double)dt);
}

static float clamp_goodwill(float g) {
    return g > 1.0f ? 1.0f : (g < -1.0f ? -1.0f : g);
}

static float decayed(float x, double f) {
    return (float)((double)x * f);
}

/* Brings a model's decaying fields to `day` in place and moves last_day forward. */
static void decay_in_place(const ts_relstore *s, model_ref p, int32_t day) {
    int32_t last = get_last_day(p);
    if (day <= last) {
        return;
    }
    double f = decay_factor(s, last, day);
    FIELD(p, TS_RS_INTEG_A) = decayed(FIELD(p, TS_RS_INTEG_A), f);
    FIELD(p, TS_RS_INTEG_B) = decayed(FIELD(p, TS_RS_INTEG_B), f);
    FIELD(p, TS_RS_GOODWILL) = decayed(FIELD(p, TS_RS_GOODWILL), f);
    for (uint32_t k = 0; k < 2 * s->n_domains; k++) {
        FIELD(p, TS_RS_ALPHA + k) = decayed(FIELD(p, TS_RS_ALPHA + k), f);
    }
    set_last_day(p, day);
}

ts_status ts_relstore_init(ts_relstore *s, uint32_t capacity, uint32_t n_domains, double forgetting,
                           ts_error *err) {
    memset(s, 0, sizeof *s);
    if (n_domains < 1 || n_domains > TS_MAX_DOMAINS) {
        return ts_error_set(err, TS_ERR_PARAM, "relstore: n_domains %u not in 1..%d",
                            (unsigned)n_domains, TS_MAX_DOMAINS);
    }
    if (!(forgetting > 0.0 && forgetting <= 1.0)) {
        return ts_error_set(err, TS_ERR_PARAM, "trust.forgetting: %g not in (0, 1]", forgetting);
    }
    uint32_t stride = TS_RS_ALPHA + 2 * n_domains;
    /* A slot + 1 must fit the index's 16 bits. */
    if (capacity < 1 || capacity > TS_RELSTORE_MAX_CAPACITY) {
        return ts_error_set(err, TS_ERR_PARAM,
                            "trust.capacity: %u models per agent not supported (1 to %u)",
                            (unsigned)capacity, (unsigned)TS_RELSTORE_MAX_CAPACITY);
    }
    /* The index: twice the capacity, so at most half full (a probe or two a lookup). */
    uint32_t index_size = 2 * capacity;
    size_t bytes = (size_t)capacity * (sizeof(uint32_t) + (size_t)stride * sizeof(float)) +
                   (size_t)index_size * sizeof(uint16_t);
    s->index_size = index_size;
    s->capacity = capacity;
    s->n_domains = n_domains;
    s->stride = stride;
    s->log_forget = log(forgetting);
    for (int dt = 0; dt < TS_RELSTORE_DECAY_DAYS; dt++) {
        s->decay[dt] = exp(s->log_forget * (double)dt);
    }
    s->block_bytes = (bytes + TS_RS_BLOCK_ALIGN - 1) / TS_RS_BLOCK_ALIGN * TS_RS_BLOCK_ALIGN;
    return TS_OK;
}

static size_t chunk_bytes(const ts_relstore *s) {
    return (size_t)TS_RELSTORE_CHUNK * s->block_bytes;
}

/* Chunks are anonymous mappings rather than calloc'ed: the kernel hands out zero pages
 * on first touch, always. calloc gives that only while glibc serves the request with
 * mmap; once a freed chunk has raised glibc's dynamic mmap threshold, calloc takes
 * chunks from the heap and zeroes them (measured: 132 MB committed instead of 7 MB for
 * 1,000,000 agents x 128 models after an earlier store was freed). Chunks ask for
 * transparent huge pages (honoured when the system's setting is `madvise` or `always`): a
 * third fewer page faults in a sweep of default runs; memory is then committed 2 MB at a
 * time, still only where agents' models are touched. */
static void *chunk_alloc(const ts_relstore *s) {
    void *p =
        mmap(NULL, chunk_bytes(s), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        return NULL;
    }
    madvise(p, chunk_bytes(s), MADV_HUGEPAGE); /* a hint: failing changes nothing */
    return p;
}

void ts_relstore_free(ts_relstore *s) {
    for (uint32_t c = 0; c < s->n_chunks; c++) {
        munmap(s->chunks[c], chunk_bytes(s));
    }
    free(s->chunks);
    free(s->count);
    memset(s, 0, sizeof *s);
}

static ts_status grow_count(ts_relstore *s, uint32_t n_agents, ts_error *err) {
    if (n_agents <= s->n_alloc) {
        return TS_OK;
    }
    uint32_t n = s->n_alloc > UINT32_MAX / 2 ? UINT32_MAX : 2 * s->n_alloc;
    if (n < n_agents) {
        n = n_agents;
    }
    uint32_t *count = realloc(s->count, (size_t)n * sizeof *count);
    if (!count) {
        return ts_error_set(err, TS_ERR_NOMEM,
                            "out of memory: %.1f MB asked for the model counts of %u agents",
                            (double)n * sizeof *count / 1e6, (unsigned)n);
    }
    memset(count + s->n_alloc, 0, (size_t)(n - s->n_alloc) * sizeof *count);
    s->count = count;
    s->n_alloc = n;
    return TS_OK;
}

static ts_status grow_chunk_table(ts_relstore *s, uint32_t n_chunks, ts_error *err) {
    if (n_chunks <= s->n_chunks_alloc) {
        return TS_OK;
    }
    uint32_t n = s->n_chunks_alloc < 8 ? 8 : 2 * s->n_chunks_alloc;
    if (n < n_chunks) {
        n = n_chunks;
    }
    void **chunks = realloc(s->chunks, (size_t)n * sizeof *chunks);
    if (!chunks) {
        return ts_error_set(err, TS_ERR_NOMEM,
                            "out of memory: %.1f MB asked for the table of %u model chunks",
                            (double)n * sizeof *chunks / 1e6, (unsigned)n);
    }
    s->chunks = chunks;
    s->n_chunks_alloc = n;
    return TS_OK;
}

ts_status ts_relstore_reserve(ts_relstore *s, uint32_t n_agents, ts_error *err) {
    if (n_agents <= s->n_agents) {
        return TS_OK;
    }
    uint32_t n_chunks = n_agents / TS_RELSTORE_CHUNK + (n_agents % TS_RELSTORE_CHUNK != 0);
    ts_status st = grow_count(s, n_agents, err);
    if (st != TS_OK) {
        return st;
    }
    st = grow_chunk_table(s, n_chunks, err);
    if (st != TS_OK) {
        return st;
    }
    /* Chunks allocated before a failure are kept (and counted) for the next attempt. */
    while (s->n_chunks < n_chunks) {
        void *chunk = chunk_alloc(s);
        if (!chunk) {
            return ts_error_set(
                err, TS_ERR_NOMEM,
                "out of memory: %.0f MB asked for the mental models of agents %u to %u (%u "
                "agents x trust.capacity %u models x %zu bytes), %.0f MB mapped before",
                (double)chunk_bytes(s) / 1e6, (unsigned)s->n_chunks * TS_RELSTORE_CHUNK,
                (unsigned)(s->n_chunks + 1) * TS_RELSTORE_CHUNK - 1, TS_RELSTORE_CHUNK,
                (unsigned)s->capacity, ts_relstore_bytes_per_model(s),
                (double)s->n_chunks * (double)chunk_bytes(s) / 1e6);
        }
        s->chunks[s->n_chunks++] = chunk;
    }
    s->n_agents = n_agents;
    return TS_OK;
}

uint32_t ts_relstore_id(const ts_relstore *s, uint32_t owner, uint32_t slot) {
    return ids_of(s, owner)[slot];
}

int ts_relstore_find(const ts_relstore *s, uint32_t owner, uint32_t other) {
    const uint16_t *ix = index_of(s, owner);
    const uint32_t *ids = ids_of(s, owner);
    for (uint32_t h = index_home(s, other); ix[h] != 0; h = index_next(s, h)) {
        if (ids[ix[h] - 1] == other) {
            return (int)ix[h] - 1;
        }
    }
    return -1;
}

void ts_relstore_prefetch_index(const ts_relstore *s, uint32_t owner, uint32_t other) {
    __builtin_prefetch(index_of(s, owner) + index_home(s, other));
}

void ts_relstore_prefetch_model(const ts_relstore *s, uint32_t owner, uint32_t other) {
    uint16_t e = index_of(s, owner)[index_home(s, other)];
    if (e != 0) { /* the model at the home entry: the one a lookup finds unless ids collided */
        __builtin_prefetch(ids_of(s, owner) + (e - 1));
        const float *f = fields_of(s, owner) + (e - 1);
        for (uint32_t k = 0; k < s->stride; k++) {
            __builtin_prefetch(f + (size_t)k * s->capacity, 1);
        }
    }
}

void ts_relstore_prefetch_lookups(const ts_relstore *s, const ts_lookup *pairs, size_t n) {
    if (!ts_relstore_far(s)) {
        return;
    }
    for (size_t k = 0; k < n; k++) {
        ts_relstore_prefetch_index(s, pairs[k].owner, pairs[k].other);
    }
    for (size_t k = 0; k < n; k++) {
        ts_relstore_prefetch_model(s, pairs[k].owner, pairs[k].other);
    }
}

static int is_protected(uint32_t owner, uint32_t id, const uint32_t *manager_of) {
    return id == manager_of[owner] || manager_of[id] == owner;
}

/* The unprotected slot with the smallest last_day (lowest slot on ties), or -1. The slot
 * with the smallest last_day of all is found first, in one pass over the contiguous last
 * days without looking anyone up; only when that one is protected (the least recently
 * written model is rarely a manager's or a report's) does the pass that skips protected
 * slots run, reading each id's manager. Both give the slot the second alone would. */
static int victim_slot(const ts_relstore *s, uint32_t owner, const uint32_t *manager_of) {
    const uint32_t *ids = ids_of(s, owner);
    uint32_t n = s->count[owner];
    if (n == 0) {
        return -1;
    }
    const float *last = fields_of(s, owner) + (size_t)TS_RS_LAST_DAY * s->capacity;
    uint32_t oldest = 0;
    int32_t oldest_day;
    memcpy(&oldest_day, &last[0], sizeof oldest_day);
    for (uint32_t i = 1; i < n; i++) {
        int32_t day;
        memcpy(&day, &last[i], sizeof day); /* last_day is kept as int32 bits */
        if (day < oldest_day) {
            oldest = i;
            oldest_day = day;
        }
    }
    if (!manager_of || !is_protected(owner, ids[oldest], manager_of)) {
        return (int)oldest;
    }
    int best = -1;
    int32_t best_day = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (manager_of && is_protected(owner, ids[i], manager_of)) {
            continue;
        }
        int32_t day = get_last_day(model_of(s, owner, i));
        if (best < 0 || day < best_day) {
            best = (int)i;
            best_day = day;
        }
    }
    return best;
}

int ts_relstore_insert(ts_relstore *s, uint32_t owner, uint32_t other, int32_t day,
                       const uint32_t *manager_of) {
    if (other == TS_NO_AGENT) {
        return -1;
    }
    int slot = ts_relstore_find(s, owner, other);
    if (slot >= 0) {
        return slot;
    }
    if (s->count[owner] < s->capacity) {
        slot = (int)s->count[owner]++;
    } else {
        slot = victim_slot(s, owner, manager_of);
        if (slot < 0) {
            return -1;
        }
        index_drop(s, owner, ids_of(s, owner)[slot]);
    }
    ids_of(s, owner)[slot] = other;
    index_put(s, owner, other, (uint32_t)slot);
    model_ref p = model_of(s, owner, (uint32_t)slot);
    for (uint32_t f = 0; f < s->stride; f++) {
        FIELD(p, f) = 0.0f;
    }
    set_last_day(p, day);
    set_first_day(p, day);
    return slot;
}

void ts_relstore_read(const ts_relstore *s, uint32_t owner, uint32_t slot, int32_t day,
                      ts_belief *out) {
    model_ref p = model_of(s, owner, slot);
    int32_t last = get_last_day(p);
    double f = decay_factor(s, last, day);
    memset(out, 0, sizeof *out);
    for (uint32_t d = 0; d < s->n_domains; d++) {
        out->alpha_e[d] = decayed(FIELD(p, TS_RS_ALPHA + d), f);
        out->beta_e[d] = decayed(FIELD(p, TS_RS_ALPHA + s->n_domains + d), f);
    }
    out->integ_a_e = decayed(FIELD(p, TS_RS_INTEG_A), f);
    out->integ_b_e = decayed(FIELD(p, TS_RS_INTEG_B), f);
    out->scar = FIELD(p, TS_RS_SCAR);
    out->goodwill = decayed(FIELD(p, TS_RS_GOODWILL), f);
    out->last_day = last;
    out->first_day = get_first_day(p);
}

/* dst[k] = src[k] decayed by f[k], for the first L lanes of a block of models. */
static inline __attribute__((always_inline)) void
decay_row(float *restrict dst, const float *restrict src, const double *restrict f, uint32_t L) {
    for (uint32_t k = 0; k < L; k++) {
        dst[k] = decayed(src[k], f[k]);
    }
}

/* The decay factors of lanes 0 .. n-1 of a block (decay_factor's values), 0 for lanes
 * n .. L-1, from a copy of the block's last days (lanes n .. L-1 are overwritten). The gaps
 * are worked out in loops of a fixed trip count without branches (vectorised); a gap past
 * the table sends the block through decay_factor. */
static inline __attribute__((always_inline)) void block_factors(const ts_relstore *s,
                                                                int32_t *restrict last, uint32_t n,
                                                                uint32_t L, int32_t day,
                                                                double *restrict f) {
    /* Lanes past n take today's day: gap 0 (factor 1, set to 0 below). */
    int32_t gap[TS_BELIEF_BLOCK];
    for (uint32_t k = n; k < L; k++) {
        last[k] = day;
    }
    /* Whole-lane integer loops without branches: a gap of a day in the past is 0, and
     * `far` collects whether any gap runs past the table (a power of two long). */
    _Static_assert((TS_RELSTORE_DECAY_DAYS & (TS_RELSTORE_DECAY_DAYS - 1)) == 0,
                   "the decay table's length is a power of two");
    int32_t far = 0;
    for (uint32_t k = 0; k < L; k++) {
        int32_t dt = day - last[k];
        dt = dt < 0 ? 0 : dt;
        far |= dt & ~(int32_t)(TS_RELSTORE_DECAY_DAYS - 1);
        gap[k] = dt & (int32_t)(TS_RELSTORE_DECAY_DAYS - 1);
    }
    if (far) {
        for (uint32_t k = 0; k < L; k++) {
            f[k] = k < n ? decay_factor(s, last[k], day) : 0.0;
        }
        return;
    }
    for (uint32_t k = 0; k < L; k++) {
        f[k] = s->decay[gap[k]];
    }
    for (uint32_t k = n; k < L; k++) {
        f[k] = 0.0;
    }
}

/* ts_relstore_read_block for n models in L lanes (L a constant: 8 or 16). */
static inline __attribute__((always_inline)) void read_lanes(const ts_relstore *s, uint32_t owner,
                                                             uint32_t first, uint32_t n, uint32_t L,
                                                             int32_t day, ts_belief_block *out) {
    uint32_t D = s->n_domains;
    const float *fields = fields_of(s, owner) + first;
    const uint32_t *ids = ids_of(s, owner) + first;
    const size_t cap = s->capacity;
    double f[TS_BELIEF_BLOCK];
    int32_t last[TS_BELIEF_BLOCK];
    if (first + L <= s->capacity) {
        /* Whole-block loops over models, vectorised: all L slots are read. The slots past n
         * hold zeros or what cleared models left (finite numbers): masked, or a factor 0
         * makes their lanes zero. */
        memcpy(last, fields + TS_RS_LAST_DAY * cap, L * sizeof(int32_t));
        block_factors(s, last, n, L, day, f);
        const float *scar = fields + TS_RS_SCAR * cap;
        memcpy(out->id, ids, L * sizeof(uint32_t));
        memcpy(out->scar, scar, L * sizeof(float));
        for (uint32_t k = n; k < L; k++) {
            out->id[k] = 0;
            out->scar[k] = 0.0f;
        }
        for (uint32_t d = 0; d < D; d++) {
            decay_row(out->alpha_e[d], fields + (TS_RS_ALPHA + d) * cap, f, L);
            decay_row(out->beta_e[d], fields + (TS_RS_ALPHA + D + d) * cap, f, L);
        }
        decay_row(out->integ_a_e, fields + TS_RS_INTEG_A * cap, f, L);
        decay_row(out->integ_b_e, fields + TS_RS_INTEG_B * cap, f, L);
        decay_row(out->goodwill, fields + TS_RS_GOODWILL * cap, f, L);
    } else { /* a block that would run past the store's capacity: model by model */
        memcpy(last, fields + TS_RS_LAST_DAY * cap, n * sizeof(int32_t));
        block_factors(s, last, n, L, day, f);
        memset(out->id, 0, L * sizeof(uint32_t));
        memcpy(out->id, ids, n * sizeof(uint32_t));
        for (uint32_t d = 0; d < D; d++) {
            memset(out->alpha_e[d], 0, L * sizeof(float));
            memset(out->beta_e[d], 0, L * sizeof(float));
        }
        memset(out->integ_a_e, 0, L * sizeof(float));
        memset(out->integ_b_e, 0, L * sizeof(float));
        memset(out->scar, 0, L * sizeof(float));
        memset(out->goodwill, 0, L * sizeof(float));
        for (uint32_t k = 0; k < n; k++) {
            for (uint32_t d = 0; d < D; d++) {
                out->alpha_e[d][k] = decayed(fields[(TS_RS_ALPHA + d) * cap + k], f[k]);
                out->beta_e[d][k] = decayed(fields[(TS_RS_ALPHA + D + d) * cap + k], f[k]);
            }
            out->integ_a_e[k] = decayed(fields[TS_RS_INTEG_A * cap + k], f[k]);
            out->integ_b_e[k] = decayed(fields[TS_RS_INTEG_B * cap + k], f[k]);
            out->scar[k] = fields[TS_RS_SCAR * cap + k];
            out->goodwill[k] = decayed(fields[TS_RS_GOODWILL * cap + k], f[k]);
        }
    }
    /* The evidence: the float sum ts_relstore_evidence forms, domain by domain. */
    float ev[TS_BELIEF_BLOCK] = {0};
    for (uint32_t d = 0; d < D; d++) {
        const float *restrict a = out->alpha_e[d], *restrict b = out->beta_e[d];
        for (uint32_t k = 0; k < L; k++) {
            ev[k] += a[k] + b[k];
        }
    }
    memcpy(out->evidence, ev, L * sizeof(float));
}

TS_VECTOR_CLONES
uint32_t ts_relstore_read_block(const ts_relstore *s, uint32_t owner, uint32_t first, int32_t day,
                                ts_belief_block *out) {
    uint32_t count = s->count[owner];
    uint32_t n = first < count ? count - first : 0;
    n = n < TS_BELIEF_BLOCK ? n : TS_BELIEF_BLOCK;
    out->n = n;
    if (n == 0) {
        return 0;
    }
    if (ts_belief_lanes(n) == TS_BELIEF_BLOCK) {
        read_lanes(s, owner, first, n, TS_BELIEF_BLOCK, day, out);
    } else {
        read_lanes(s, owner, first, n, TS_BELIEF_BLOCK / 2, day, out);
    }
    return n;
}

void ts_relstore_peek(const ts_relstore *s, uint32_t owner, uint32_t slot, uint32_t domain,
                      float *alpha_e, float *beta_e, int32_t *first_day) {
    model_ref p = model_of(s, owner, slot);
    *alpha_e = domain < s->n_domains ? FIELD(p, TS_RS_ALPHA + domain) : 0.0f;
    *beta_e = domain < s->n_domains ? FIELD(p, TS_RS_ALPHA + s->n_domains + domain) : 0.0f;
    *first_day = get_first_day(p);
}

float ts_relstore_evidence(const ts_relstore *s, uint32_t owner, uint32_t slot, int32_t day) {
    model_ref p = model_of(s, owner, slot);
    double f = decay_factor(s, get_last_day(p), day);
    /* The same float sum a caller would form from ts_relstore_read's fields. */
    float sum = 0.0f;
    for (uint32_t d = 0; d < s->n_domains; d++) {
        sum += decayed(FIELD(p, TS_RS_ALPHA + d), f) +
               decayed(FIELD(p, TS_RS_ALPHA + s->n_domains + d), f);
    }
    return sum;
}

void ts_relstore_add_competence(ts_relstore *s, uint32_t owner, uint32_t slot, int32_t day,
                                uint32_t domain, float success_w, float failure_w) {
    model_ref p = model_of(s, owner, slot);
    decay_in_place(s, p, day);
    FIELD(p, TS_RS_ALPHA + domain) += success_w;
    FIELD(p, TS_RS_ALPHA + s->n_domains + domain) += failure_w;
}

void ts_relstore_add_integrity(ts_relstore *s, uint32_t owner, uint32_t slot, int32_t day,
                               float honest_w, float deceit_w, float scar_w) {
    model_ref p = model_of(s, owner, slot);
    decay_in_place(s, p, day);
    FIELD(p, TS_RS_INTEG_A) += honest_w;
    FIELD(p, TS_RS_INTEG_B) += deceit_w;
    FIELD(p, TS_RS_SCAR) += scar_w;
}

void ts_relstore_add_goodwill(ts_relstore *s, uint32_t owner, uint32_t slot, int32_t day,
                              float delta) {
    model_ref p = model_of(s, owner, slot);
    decay_in_place(s, p, day);
    FIELD(p, TS_RS_GOODWILL) = clamp_goodwill(FIELD(p, TS_RS_GOODWILL) + delta);
}

void ts_relstore_write(ts_relstore *s, uint32_t owner, uint32_t slot, const ts_belief *b) {
    model_ref p = model_of(s, owner, slot);
    for (uint32_t d = 0; d < s->n_domains; d++) {
        FIELD(p, TS_RS_ALPHA + d) = b->alpha_e[d];
        FIELD(p, TS_RS_ALPHA + s->n_domains + d) = b->beta_e[d];
    }
    FIELD(p, TS_RS_INTEG_A) = b->integ_a_e;
    FIELD(p, TS_RS_INTEG_B) = b->integ_b_e;
    FIELD(p, TS_RS_SCAR) = b->scar;
    FIELD(p, TS_RS_GOODWILL) = clamp_goodwill(b->goodwill);
    set_last_day(p, b->last_day);
    set_first_day(p, b->first_day);
}

void ts_relstore_clear(ts_relstore *s, uint32_t owner) {
    s->count[owner] = 0;
    memset(index_of(s, owner), 0, (size_t)s->index_size * sizeof(uint16_t));
}

size_t ts_relstore_bytes_per_model(const ts_relstore *s) {
    /* id, payload and the model's two entries of the index */
    return sizeof(uint32_t) + (size_t)s->stride * sizeof(float) + 2 * sizeof(uint16_t);
}
