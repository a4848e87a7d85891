/* Philox4x32-10 streams wrapped as a GSL generator; see rng.h. */
#include "rng.h"

#include <Random123/philox.h>

/* Counter word 2 of the block that derives run seeds ("RUNS" in ASCII): far above any
 * module id, so the derivation never reuses a block of an agent stream under the same key. */
#define TS_RNG_RUN_SEED_TAG 0x52554e53u

void ts_rng_block(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]) {
    philox4x32_ctr_t c = {{ctr[0], ctr[1], ctr[2], ctr[3]}};
    philox4x32_key_t k = {{key[0], key[1]}};
    philox4x32_ctr_t o = philox4x32(c, k);
    for (int i = 0; i < 4; i++) {
        out[i] = o.v[i];
    }
}

void ts_rng_refill(ts_rng_state *st) {
    ts_rng_block(st->ctr, st->key, st->buf);
    st->ctr[3]++;
    st->idx = 0;
}

static void ts_rng_state_init(ts_rng_state *st, uint64_t key, uint32_t c0, uint32_t c1,
                              uint32_t c2) {
    st->key[0] = (uint32_t)key;
    st->key[1] = (uint32_t)(key >> 32);
    st->ctr[0] = c0;
    st->ctr[1] = c1;
    st->ctr[2] = c2;
    st->ctr[3] = 0;
    for (int i = 0; i < 4; i++) {
        st->buf[i] = 0;
    }
    st->idx = 4;
}

/* The gsl_rng_type callbacks; GSL hands over the state as void *. */
static void ts_rng_gsl_set(void *state, unsigned long seed) {
    /* Through uint64_t so that the shift is defined where unsigned long has 32 bits. */
    ts_rng_state_init(state, (uint64_t)seed, 0, 0, 0);
}

static unsigned long ts_rng_gsl_get(void *state) {
    ts_rng_state *st = state;
    if (st->idx >= 4) {
        ts_rng_refill(st);
    }
    return st->buf[st->idx++];
}

static double ts_rng_gsl_get_double(void *state) {
    unsigned long u = ts_rng_gsl_get(state);
    return (double)u * 0x1p-32;
}

static const gsl_rng_type ts_rng_philox_type = {
    .name = "philox4x32-10",
    .max = 0xffffffffUL,
    .min = 0,
    .size = sizeof(ts_rng_state),
    .set = ts_rng_gsl_set,
    .get = ts_rng_gsl_get,
    .get_double = ts_rng_gsl_get_double,
};

const gsl_rng_type *ts_rng_philox = &ts_rng_philox_type;

void ts_rng_init(ts_rng *r, uint64_t run_seed, uint32_t agent, uint32_t day, uint32_t module) {
    ts_rng_state_init(&r->st, run_seed, agent, day, module);
    r->gsl.type = ts_rng_philox;
    r->gsl.state = &r->st;
}

uint64_t ts_rng_run_seed(uint64_t seed, uint32_t grid_point, uint32_t replicate) {
    const uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
    const uint32_t ctr[4] = {grid_point, replicate, TS_RNG_RUN_SEED_TAG, 0};
    uint32_t out[4];
    ts_rng_block(ctr, key, out);
    return (uint64_t)out[0] | ((uint64_t)out[1] << 32);
}
