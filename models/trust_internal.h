/* Private to the trust module (trust.c, trust_report.c): its state, and the reports it
 * writes besides its daily metrics: coverage (a daily metric) and the snapshots of
 * beliefs (docs/output.md). */
#ifndef TS_MODELS_TRUST_INTERNAL_H
#define TS_MODELS_TRUST_INTERNAL_H

#include "evidence.h"
#include "trust.h"
#include "work.h"

/* Daily belief metrics read every model of a sample of believers: all agents in
 * organisations up to TRUST_SAMPLE_TARGET people, else every k-th id, k fixed at the
 * start. The sample is the same on any thread count; the metrics are exact for small
 * organisations and unbiased estimates for large ones. */
#define TRUST_SAMPLE_TARGET 1000u

typedef struct trust_state {
    ts_trust_params tp;
    ts_learning learning; /* registered with the world for the evidence library */
    /* Per agent hired on a recorded day: the first day its manager's trust in its best
     * domain reached the delegation threshold (INT32_MIN: not yet). n_alloc entries. */
    int32_t *delegated;
    uint32_t n_alloc;
    ts_work_link link; /* model error compares beliefs with the chance of success */
    uint32_t stride;
    /* Each agent's chance of success per domain today (n_alloc x n_domains), computed
     * once a day before measure when every believer is measured (stride 1): many models
     * name the same person. With a stride, measure computes it per model instead. */
    double *success;
    uint32_t n_domains;
    uint32_t snapshot_agents; /* output.snapshot_agents: believers sampled per snapshot */
} trust_state;

/* Evidence a model needs before a close pair counts as covered (MODEL.md §8). */
#define TRUST_COVERAGE_EVIDENCE 3.0f

/* Adds one close pair (a, j) of the coverage into acc[0] and, when a's model of j holds at
 * least TRUST_COVERAGE_EVIDENCE units of competence evidence, into acc[1]. The daily
 * measure (trust.c) visits believer a's close pairs: manager, teammates, reports. */
void trust_coverage_pair(const ts_world *w, uint32_t a, uint32_t j, double *acc);

/* The snapshot of beliefs: the edges of a sample of believers and the trust between the
 * departments. */
ts_status trust_snapshot(const void *state, const ts_world *w, ts_snapshot *snap, ts_error *err);

#endif
