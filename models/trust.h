/* Trust: the beliefs a person holds about another (competence per domain, integrity,
 * goodwill), their priors at first contact, and the trust score that gates delegation
 * and review (MODEL.md §2). The store itself (capacity, forgetting) is the engine's;
 * this module turns stored evidence into beliefs and scores, and measures them. The
 * functions below are pure and may be called from any phase and thread. */
#ifndef TS_MODELS_TRUST_H
#define TS_MODELS_TRUST_H

#include "module.h"

extern const ts_module ts_module_trust;

typedef struct ts_trust_params {
    float prior_a, prior_b; /* competence prior: mean * strength, (1 - mean) * strength */
    float integ_a, integ_b; /* integrity prior */
    float z;                /* trust.risk_aversion */
    float delegate, review; /* thresholds */
    float stranger;         /* the score of someone one holds no model of (ts_trust_stranger) */
} ts_trust_params;

void ts_trust_params_load(const ts_scenario *sc, ts_trust_params *tp);

/* Belief mean mu and sd sigma about competence in domain d. */
void ts_trust_competence(const ts_trust_params *tp, const ts_belief *b, uint32_t d, float *mu,
                         float *sigma);
/* Belief nu that the person is honest. */
float ts_trust_integrity(const ts_trust_params *tp, const ts_belief *b);
/* T = clamp(nu * (mu - z * sigma) + 0.1 * goodwill, 0, 1). */
float ts_trust_score(const ts_trust_params *tp, const ts_belief *b, uint32_t d);
/* The scores of every domain (score[0..n_domains)) with, where not NULL, their parts:
 * mu and sigma per domain and the integrity nu; the same values as ts_trust_score and
 * the functions above, the integrity computed once. */
void ts_trust_scores(const ts_trust_params *tp, const ts_belief *b, uint32_t n_domains,
                     float *score, float *mu, float *sigma, float *integrity);
/* The same for a block of models (ts_relstore_read_block), model by model: t[k] the sum of
 * the scores over the domains (added in domain order), mu[d][k] and nu[k] as above. Each
 * value is the one ts_trust_scores gives for that model; lanes past b->n hold nothing
 * meaningful, and only ts_belief_lanes(b->n) lanes are written. The loops run over models, so the
 * compiler can vectorise them. */
void ts_trust_scores_block(const ts_trust_params *tp, const ts_belief_block *b, uint32_t n_domains,
                           double *restrict t, float (*restrict mu)[TS_BELIEF_BLOCK],
                           float *restrict nu);
/* Every domain's score, mean and sd of a block of models as ts_trust_scores gives them one
 * model at a time: score[d][k], mu[d][k], sigma[d][k] and nu[k] for lanes k < b->n (lanes
 * past it up to ts_belief_lanes(b->n) hold nothing meaningful). The snapshots' reader. */
void ts_trust_scores_block_each(const ts_trust_params *tp, const ts_belief_block *b,
                                uint32_t n_domains, float (*restrict score)[TS_BELIEF_BLOCK],
                                float (*restrict mu)[TS_BELIEF_BLOCK],
                                float (*restrict sigma)[TS_BELIEF_BLOCK], float *restrict nu);
/* T(i -> j, d) today: from i's model of j, or from the prior alone if i holds none. */
float ts_trust_of(const ts_trust_params *tp, const ts_world *w, uint32_t i, uint32_t j, uint32_t d);
/* The same averaged over the domains. */
float ts_trust_of_mean(const ts_trust_params *tp, const ts_world *w, uint32_t i, uint32_t j);
/* The score of a stranger (prior only) in any domain. */
float ts_trust_stranger(const ts_trust_params *tp);

#endif
