/* Counter-based random streams: Philox4x32-10 (Random123) keyed by a 64-bit run seed,
 * counter (agent, day, module, block). A stream is a few words on the caller's stack, so a
 * draw depends only on (run seed, agent, day, module, draw index), never on the thread.
 * ts_rng embeds a gsl_rng whose state points into the same struct: initialise it in place
 * with ts_rng_init and never copy it. A stream holds 2^34 draws before its counter wraps. */
#ifndef TS_RNG_H
#define TS_RNG_H

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>

typedef struct ts_rng_state {
    uint32_t key[2]; /* run seed: low 32 bits, high 32 bits */
    uint32_t ctr[4]; /* agent, day, module, block (the next block to compute) */
    uint32_t buf[4]; /* the current block's outputs */
    unsigned idx;    /* next unused word of buf (4 = refill) */
} ts_rng_state;

typedef struct ts_rng {
    gsl_rng gsl; /* type = ts_rng_philox, state = &st */
    ts_rng_state st;
} ts_rng;

/* The GSL generator type ("philox4x32-10", outputs 0..0xffffffff); gsl_rng_alloc(
 * ts_rng_philox) works too, with gsl_rng_set(r, s) meaning key (s, s >> 32) and a zero
 * counter. gsl_rng_uniform gives u32 * 2^-32 in [0, 1). */
extern const gsl_rng_type *ts_rng_philox;

/* A stream for (agent, day, module) of the run whose seed is run_seed. */
void ts_rng_init(ts_rng *r, uint64_t run_seed, uint32_t agent, uint32_t day, uint32_t module);

/* The embedded GSL generator: pass it to any gsl_ran_* function. Draws through it and
 * through ts_rng_u32 / ts_rng_uniform / ts_rng_below consume the same sequence. */
static inline gsl_rng *ts_rng_gsl(ts_rng *r) {
    return &r->gsl;
}

/* Computes the block at st->ctr into st->buf, advances the block counter and rewinds
 * st->idx. Out of line so that the draw functions below stay small enough to inline. */
void ts_rng_refill(ts_rng_state *st);

/* The next 32-bit word of the stream. */
static inline uint32_t ts_rng_u32(ts_rng *r) {
    /* >= rather than == so that a corrupt index refills instead of reading past buf. */
    if (r->st.idx >= 4) {
        ts_rng_refill(&r->st);
    }
    return r->st.buf[r->st.idx++];
}

/* Uniform on [0, 1) with 32 bits of resolution: u32 * 2^-32 (exact in a double). */
static inline double ts_rng_uniform(ts_rng *r) {
    uint32_t u = ts_rng_u32(r);
    return (double)u * 0x1p-32;
}

/* A whole number of events whose mean is `rate` >= 0: floor(rate), plus one with probability
 * rate - floor(rate) (one uniform drawn, whatever the rate): the meetings of a day at a
 * rate of so many a day. */
static inline uint32_t ts_rng_count(ts_rng *r, double rate) {
    double whole = floor(rate);
    return (uint32_t)whole + (ts_rng_uniform(r) < rate - whole);
}

/* Uniform integer in [0, n), n >= 1, without modulo bias (Lemire's multiply-shift with
 * rejection; consumes one word except with probability < n / 2^32). n = 0 gives 0. */
static inline uint32_t ts_rng_below(ts_rng *r, uint32_t n) {
    uint64_t m = (uint64_t)ts_rng_u32(r) * n;
    uint32_t low = (uint32_t)m;
    if (low < n) {
        /* 2^32 mod n: the low words below it would over-represent some outputs. */
        uint32_t threshold = (0u - n) % n;
        while (low < threshold) {
            m = (uint64_t)ts_rng_u32(r) * n;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

/* One raw Philox4x32-10 block (for known-answer tests). */
void ts_rng_block(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

/* The seed of one run, from the scenario seed, grid point and replicate: distinct
 * inputs give unrelated seeds, and any run can be recomputed alone. */
uint64_t ts_rng_run_seed(uint64_t seed, uint32_t grid_point, uint32_t replicate);

#endif
