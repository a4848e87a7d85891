#include "trust_internal.h"

#include "evidence.h"
#include "shared.h"
#include "simd.h"
#include "stats.h"
#include "work.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const ts_param trust_trust_params[] = {
    {
        .key = "prior_mean",
        .type = TS_PT_REAL,
        .def = "0.6",
        .min = 0,
        .max = 1,
        .units = "probability",
        .doc = "Mean of the competence belief about someone never seen before.",
    },
    {
        .key = "prior_strength",
        .type = TS_PT_REAL,
        .def = "3",
        .min = 0.01,
        .max = 1000,
        .units = "observations",
        .doc = "Weight of the competence prior, in equivalent observations; small values let first "
               "impressions count.",
    },
    {
        .key = "integrity_prior_mean",
        .type = TS_PT_REAL,
        .def = "0.8",
        .min = 0,
        .max = 1,
        .units = "probability",
        .doc = "Mean of the belief that a stranger owns up to failures.",
    },
    {
        .key = "integrity_prior_strength",
        .type = TS_PT_REAL,
        .def = "4",
        .min = 0.01,
        .max = 1000,
        .units = "observations",
        .doc = "Weight of the integrity prior, in equivalent observations.",
    },
    {
        .key = "risk_aversion",
        .type = TS_PT_REAL,
        .def = "0.5",
        .min = 0,
        .max = 5,
        .units = "standard deviations",
        .doc = "How many standard deviations of uncertainty are subtracted from a belief before it "
               "counts as trust (z).",
    },
    {
        .key = "first_impression",
        .type = TS_PT_REAL,
        .def = "2",
        .min = 1,
        .max = 100,
        .units = "weight multiple",
        .doc = "How much more the evidence of a relationship's first days weighs than later "
               "evidence (the multiple at first contact; 1: no first impressions).",
    },
    {
        .key = "first_impression_days",
        .type = TS_PT_REAL,
        .def = "10",
        .min = 0.1,
        .max = 3650,
        .units = "days",
        .doc = "Days over which the extra weight of first impressions fades (e-folding time).",
    },
    {
        .key = "confirmation_bias",
        .type = TS_PT_REAL,
        .def = "0.5",
        .min = 0,
        .max = 0.99,
        .units = "fraction",
        .doc = "Share of its weight an observation loses when it goes against the believer's "
               "current leaning about that person in that domain (0: none).",
    },
    {
        .key = "delegate_threshold",
        .type = TS_PT_REAL,
        .def = "0.60",
        .min = 0,
        .max = 1,
        .units = "trust score",
        .doc = "Trust at or above which a stakeholder approves without looking.",
    },
    {
        .key = "review_threshold",
        .type = TS_PT_REAL,
        .def = "0.40",
        .min = 0,
        .max = 1,
        .units = "trust score",
        .doc = "Trust at or above which a stakeholder reviews; below it the decision is escalated.",
    },
};

static const ts_section trust_trust_section = {
    .name = "trust",
    .optional = 0,
    .params = trust_trust_params,
    .n_params = sizeof trust_trust_params / sizeof trust_trust_params[0],
    .doc = "Priors of a new mental model and the thresholds of the trust score.",
};

static const ts_section *const trust_sections[] = {&trust_trust_section};

/* Reviewing must not need more trust than delegating. */
static ts_status trust_validate(const ts_scenario *sc, ts_error *err) {
    double review = ts_scenario_real(sc, "trust.review_threshold");
    double delegate = ts_scenario_real(sc, "trust.delegate_threshold");
    if (review > delegate) {
        return ts_scenario_fail(sc, "trust.review_threshold", err,
                                "must not exceed trust.delegate_threshold (got %g, expected <= %g)",
                                review, delegate);
    }
    return TS_OK;
}

/* ---- Beliefs and scores ------------------------------------------------------------ */

static float stranger_score(const ts_trust_params *tp);

void ts_trust_params_load(const ts_scenario *sc, ts_trust_params *tp) {
    double pm = ts_scenario_real(sc, "trust.prior_mean");
    double ps = ts_scenario_real(sc, "trust.prior_strength");
    double im = ts_scenario_real(sc, "trust.integrity_prior_mean");
    double is = ts_scenario_real(sc, "trust.integrity_prior_strength");
    tp->prior_a = (float)(pm * ps);
    tp->prior_b = (float)((1.0 - pm) * ps);
    tp->integ_a = (float)(im * is);
    tp->integ_b = (float)((1.0 - im) * is);
    tp->z = (float)ts_scenario_real(sc, "trust.risk_aversion");
    tp->delegate = (float)ts_scenario_real(sc, "trust.delegate_threshold");
    tp->review = (float)ts_scenario_real(sc, "trust.review_threshold");
    tp->stranger = stranger_score(tp); /* asked for at every lookup that finds no model */
}

/* The formula, once: every score, one at a time or a block at a time, goes through these
 * three (inlined, so the block's loops over models still vectorise). */
static inline float competence_of(double prior_a, double prior_b, float alpha_e, float beta_e,
                                  float *sigma) {
    double a = prior_a + alpha_e;
    double bb = prior_b + beta_e;
    double m = a / (a + bb);
    *sigma = (float)sqrt(m * (1.0 - m) / (a + bb + 1.0));
    return (float)m;
}

static inline float integrity_of(double integ_a, double integ_b, float a_e, float b_e, float scar) {
    double a = integ_a + a_e;
    double bb = integ_b + b_e + scar;
    return (float)(a / (a + bb));
}

/* T = clamp(nu * (mu - z * sigma) + 0.1 * goodwill, 0, 1). */
static inline float score_of(double z, float nu, float mu, float sigma, float goodwill) {
    double x = (double)nu * ((double)mu - z * sigma) + 0.1 * goodwill;
    double lo = x < 0.0 ? 0.0 : x;
    return (float)(lo > 1.0 ? 1.0 : lo);
}

void ts_trust_competence(const ts_trust_params *tp, const ts_belief *b, uint32_t d, float *mu,
                         float *sigma) {
    *mu = competence_of(tp->prior_a, tp->prior_b, b->alpha_e[d], b->beta_e[d], sigma);
}

float ts_trust_integrity(const ts_trust_params *tp, const ts_belief *b) {
    return integrity_of(tp->integ_a, tp->integ_b, b->integ_a_e, b->integ_b_e, b->scar);
}

float ts_trust_score(const ts_trust_params *tp, const ts_belief *b, uint32_t d) {
    float mu, sigma;
    ts_trust_competence(tp, b, d, &mu, &sigma);
    return score_of(tp->z, ts_trust_integrity(tp, b), mu, sigma, b->goodwill);
}

void ts_trust_scores(const ts_trust_params *tp, const ts_belief *b, uint32_t n_domains,
                     float *score, float *mu, float *sigma, float *integrity) {
    float nu = ts_trust_integrity(tp, b);
    for (uint32_t d = 0; d < n_domains; d++) {
        float m, sd;
        ts_trust_competence(tp, b, d, &m, &sd);
        score[d] = score_of(tp->z, nu, m, sd, b->goodwill);
        if (mu) {
            mu[d] = m;
        }
        if (sigma) {
            sigma[d] = sd;
        }
    }
    if (integrity) {
        *integrity = nu;
    }
}

/* ts_trust_scores_block over the first L lanes (L a constant: 8 or 16). */
static inline __attribute__((always_inline)) void
scores_lanes(const ts_trust_params *tp, const ts_belief_block *b, uint32_t n_domains, uint32_t L,
             double *restrict t, float (*restrict mu)[TS_BELIEF_BLOCK], float *restrict nu) {
    /* Every lane is computed (a fixed trip count, no tail, no branch). */
    const double integ_a = tp->integ_a, integ_b = tp->integ_b;
    const double prior_a = tp->prior_a, prior_b = tp->prior_b, z = tp->z;
    for (uint32_t k = 0; k < L; k++) {
        nu[k] = integrity_of(integ_a, integ_b, b->integ_a_e[k], b->integ_b_e[k], b->scar[k]);
        t[k] = 0.0;
    }
    for (uint32_t d = 0; d < n_domains; d++) {
        const float *alpha = b->alpha_e[d], *beta = b->beta_e[d];
        float *mud = mu[d];
        for (uint32_t k = 0; k < L; k++) {
            float sigma;
            mud[k] = competence_of(prior_a, prior_b, alpha[k], beta[k], &sigma);
            t[k] += score_of(z, nu[k], mud[k], sigma, b->goodwill[k]);
        }
    }
}

TS_VECTOR_CLONES
void ts_trust_scores_block(const ts_trust_params *tp, const ts_belief_block *b, uint32_t n_domains,
                           double *restrict t, float (*restrict mu)[TS_BELIEF_BLOCK],
                           float *restrict nu) {
    if (ts_belief_lanes(b->n) == TS_BELIEF_BLOCK) {
        scores_lanes(tp, b, n_domains, TS_BELIEF_BLOCK, t, mu, nu);
    } else {
        scores_lanes(tp, b, n_domains, TS_BELIEF_BLOCK / 2, t, mu, nu);
    }
}

/* ts_trust_scores_block_each over the first L lanes (L a constant: 8 or 16). */
static inline __attribute__((always_inline)) void
each_lanes(const ts_trust_params *tp, const ts_belief_block *b, uint32_t n_domains, uint32_t L,
           float (*restrict score)[TS_BELIEF_BLOCK], float (*restrict mu)[TS_BELIEF_BLOCK],
           float (*restrict sigma)[TS_BELIEF_BLOCK], float *restrict nu) {
    const double integ_a = tp->integ_a, integ_b = tp->integ_b;
    const double prior_a = tp->prior_a, prior_b = tp->prior_b, z = tp->z;
    for (uint32_t k = 0; k < L; k++) {
        nu[k] = integrity_of(integ_a, integ_b, b->integ_a_e[k], b->integ_b_e[k], b->scar[k]);
    }
    for (uint32_t d = 0; d < n_domains; d++) {
        const float *alpha = b->alpha_e[d], *beta = b->beta_e[d];
        for (uint32_t k = 0; k < L; k++) {
            mu[d][k] = competence_of(prior_a, prior_b, alpha[k], beta[k], &sigma[d][k]);
            score[d][k] = score_of(z, nu[k], mu[d][k], sigma[d][k], b->goodwill[k]);
        }
    }
}

TS_VECTOR_CLONES
void ts_trust_scores_block_each(const ts_trust_params *tp, const ts_belief_block *b,
                                uint32_t n_domains, float (*restrict score)[TS_BELIEF_BLOCK],
                                float (*restrict mu)[TS_BELIEF_BLOCK],
                                float (*restrict sigma)[TS_BELIEF_BLOCK], float *restrict nu) {
    if (ts_belief_lanes(b->n) == TS_BELIEF_BLOCK) {
        each_lanes(tp, b, n_domains, TS_BELIEF_BLOCK, score, mu, sigma, nu);
    } else {
        each_lanes(tp, b, n_domains, TS_BELIEF_BLOCK / 2, score, mu, sigma, nu);
    }
}

static float stranger_score(const ts_trust_params *tp) {
    ts_belief b;
    memset(&b, 0, sizeof b);
    return ts_trust_score(tp, &b, 0);
}

float ts_trust_stranger(const ts_trust_params *tp) {
    return tp->stranger;
}

float ts_trust_of(const ts_trust_params *tp, const ts_world *w, uint32_t i, uint32_t j,
                  uint32_t d) {
    int slot = ts_relstore_find(&w->models, i, j);
    if (slot < 0) {
        return ts_trust_stranger(tp);
    }
    ts_belief b;
    ts_relstore_read(&w->models, i, (uint32_t)slot, w->day, &b);
    return ts_trust_score(tp, &b, d);
}

float ts_trust_of_mean(const ts_trust_params *tp, const ts_world *w, uint32_t i, uint32_t j) {
    int slot = ts_relstore_find(&w->models, i, j);
    if (slot < 0) {
        return ts_trust_stranger(tp);
    }
    ts_belief b;
    float score[TS_MAX_DOMAINS];
    ts_relstore_read(&w->models, i, (uint32_t)slot, w->day, &b);
    ts_trust_scores(tp, &b, w->n_domains, score, NULL, NULL, NULL);
    double t = 0.0;
    for (uint32_t d = 0; d < w->n_domains; d++) {
        t += score[d];
    }
    return (float)(t / w->n_domains);
}

/* ---- The module --------------------------------------------------------------------- */

static ts_status trust_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    ts_status st = ts_shared_register(w, err); /* the people's columns */
    if (st != TS_OK) {
        return st;
    }
    trust_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    ts_trust_params_load(sc, &s->tp);
    ts_work_link_load(sc, &s->link);
    s->n_domains = w->n_domains;
    s->stride =
        w->n > TRUST_SAMPLE_TARGET ? (w->n + TRUST_SAMPLE_TARGET - 1) / TRUST_SAMPLE_TARGET : 1;
    s->snapshot_agents = (uint32_t)ts_scenario_int(sc, "output.snapshot_agents");
    s->learning = (ts_learning){
        .first_impression = ts_scenario_real(sc, "trust.first_impression"),
        .first_impression_days = ts_scenario_real(sc, "trust.first_impression_days"),
        .confirmation_bias = ts_scenario_real(sc, "trust.confirmation_bias"),
        .prior_a = s->tp.prior_a,
        .prior_b = s->tp.prior_b,
    };
    ts_learning_prepare(&s->learning);
    ts_evidence_set_learning(w, &s->learning);
    *state = s;
    return TS_OK;
}

static void trust_free(void *state) {
    trust_state *s = state;
    free(s->delegated);
    free(s->success);
    free(s);
}

static ts_status trust_grow(void *state, const ts_world *w, ts_error *err) {
    trust_state *s = state;
    if (w->n_alloc <= s->n_alloc) {
        return TS_OK;
    }
    if (!ts_world_grow_array((void **)&s->delegated, sizeof *s->delegated, s->n_alloc,
                             w->n_alloc) ||
        !ts_world_grow_array((void **)&s->success, sizeof *s->success * s->n_domains, s->n_alloc,
                             w->n_alloc)) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    for (uint32_t a = s->n_alloc; a < w->n_alloc; a++) {
        s->delegated[a] = INT32_MIN;
    }
    s->n_alloc = w->n_alloc;
    return TS_OK;
}

/* The domain in which a person is most competent (its true best: a measurement aid). */
static uint32_t best_domain(const ts_world *w, uint32_t a) {
    const float *c = ts_competence(w) + (size_t)a * w->n_domains;
    uint32_t best = 0;
    for (uint32_t d = 1; d < w->n_domains; d++) {
        best = c[d] > c[best] ? d : best;
    }
    return best;
}

static int awaits_delegation(const trust_state *s, const ts_world *w, uint32_t a) {
    return w->active[a] && w->hire_day[a] >= 1 && s->delegated[a] == INT32_MIN &&
           w->manager[a] != TS_NO_AGENT && !ts_is_ai(w)[a];
}

/* Serial: notes the day each person hired on a recorded day first gets delegation-level
 * trust from its manager in its best domain (Rollag, Parise & Cross 2005: time to trust).
 * The people awaiting it are taken TRUST_ORG_BATCH at a time, their managers' models asked
 * for together first (ts_relstore_prefetch_lookups), then each checked in id order. */
#define TRUST_ORG_BATCH 32
static ts_status trust_org(void *state, ts_world *w, const ts_day *d) {
    trust_state *s = state;
    if (!d->live) {
        return TS_OK;
    }
    ts_lookup batch[TRUST_ORG_BATCH]; /* (manager, hire) */
    for (uint32_t a = 0; a < w->n;) {
        size_t n = 0;
        for (; a < w->n && n < TRUST_ORG_BATCH; a++) {
            if (awaits_delegation(s, w, a)) {
                batch[n++] = (ts_lookup){w->manager[a], a};
            }
        }
        ts_relstore_prefetch_lookups(&w->models, batch, n);
        for (size_t k = 0; k < n; k++) {
            uint32_t m = batch[k].owner, b = batch[k].other;
            if (ts_trust_of(&s->tp, w, m, b, best_domain(w, b)) >= s->tp.delegate) {
                s->delegated[b] = d->day;
            }
        }
    }
    return TS_OK;
}

/* Agent columns and the summary of time to delegation, and each person's manager's
 * trust in its best domain at the end. */
enum { TR_SUM_TRUST, TR_SUM_COVERAGE, TR_SUM_ERROR, TR_SUM_DELEGATION, TR_SUM_COUNT };
static const ts_metric_decl trust_summaries[TR_SUM_COUNT] = {
    {"trust_final", "trust score", "trust_mean on the last day."},
    {"coverage_final", "fraction", "coverage on the last day."},
    {"model_error_final", "probability", "model_error on the last day."},
    {"hire_delegation_days", "days",
     "Median days from hire to the manager's delegation-level trust in the hire's best domain, "
     "over people hired on recorded days with 150 days of tenure at the end (those not there "
     "yet count as beyond; NaN if that is half of them or there are none)."},
};

static ts_status add_summary(ts_result *res, int which, double v) {
    const ts_metric_decl *d = &trust_summaries[which];
    return ts_result_add_scalar(res, d->name, d->units, d->description, v);
}

static ts_status trust_delegation(const trust_state *s, const ts_world *w, ts_result *res,
                                  ts_error *err) {
    size_t n = w->n;
    float *days = ts_table_add_column(
        &res->agents, "days_to_delegation", "days",
        "Days from hire until the manager's trust in the person's best domain first reached "
        "the delegation threshold (people hired on recorded days; NaN otherwise or not yet).",
        TS_COL_F32, n, 1);
    float *mt = ts_table_add_column(
        &res->agents, "manager_trust", "trust score",
        "The manager's trust in the person's best domain at the end (NaN without a manager).",
        TS_COL_F32, n, 1);
    double *pool = malloc((n ? n : 1) * sizeof *pool);
    if ((n && (!days || !mt)) || !pool) {
        free(pool);
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for the agent table");
    }
    size_t k = 0;
    for (uint32_t a = 0; a < n; a++) {
        int reached = s->delegated[a] != INT32_MIN;
        days[a] = reached ? (float)(s->delegated[a] - w->hire_day[a]) : NAN;
        uint32_t m = w->manager[a];
        mt[a] = w->active[a] && m != TS_NO_AGENT ? ts_trust_of(&s->tp, w, m, a, best_domain(w, a))
                                                 : NAN;
        /* Hires with 150 days of tenure by the end; those not there yet count as beyond. */
        if (w->active[a] && w->hire_day[a] >= 1 && w->day - w->hire_day[a] >= 150) {
            pool[k++] = reached ? days[a] : INFINITY;
        }
    }
    double median = ts_stats_median(pool, k);
    median = isfinite(median) ? median : NAN;
    free(pool);
    ts_status st = add_summary(res, TR_SUM_DELEGATION, median);
    return st == TS_OK ? TS_OK : ts_error_set(err, st, "out of memory for the summary");
}

enum { TM_TRUST, TM_TEAM, TM_ERROR, TM_INTEG, TM_GOOD, TM_COVERAGE, TM_COUNT };
static const ts_metric_decl trust_metrics[TM_COUNT] = {
    {"trust_mean", "trust score", "Mean trust score (domain-averaged) over all stored models."},
    {"trust_team", "trust score",
     "Mean trust of agents in their manager, reports and teammates (no model: the prior)."},
    {"model_error", "probability",
     "Mean |believed - true chance of success| over stored models and domains."},
    {"integrity_mean", "probability", "Mean believed honesty over stored models."},
    {"goodwill_mean", "score in [-1,1]", "Mean goodwill over stored models."},
    {"coverage", "fraction",
     "Share of (agent, manager/report/teammate) pairs whose model holds at least 3 units of "
     "competence evidence."},
};
enum {
    TA_T,
    TA_MODELS,
    TA_TEAM,
    TA_PAIRS,
    TA_ERR,
    TA_ERR_N,
    TA_INTEG,
    TA_GOOD,
    TA_CLOSE, /* close pairs of the coverage sample, and those covered */
    TA_COVERED,
    TA_COUNT
};

/* Is j one of believer a's close pairs (its manager m, a teammate, a report)? */
static int is_close(const ts_world *w, uint32_t a, uint32_t m, uint32_t j) {
    return (m != TS_NO_AGENT && (j == m || (w->manager[j] == m && j != a))) || w->manager[j] == a;
}

/* What the model loop keeps of a believer's close pairs for the pass over them. */
#define TRUST_CLOSE_STASH 64
typedef struct close_stash {
    uint32_t n;
    uint32_t id[TRUST_CLOSE_STASH];
    float mean[TRUST_CLOSE_STASH]; /* the domain-averaged score, as ts_trust_of_mean */
    uint8_t covered[TRUST_CLOSE_STASH];
} close_stash;

/* Adds one close pair: from the stash when the model loop met it, else as ts_trust_of_mean
 * and trust_coverage would (no model: the prior, not covered; a model the stash had no
 * room for: read again). */
static void close_pair(const trust_state *s, const ts_world *w, const close_stash *cs, uint32_t a,
                       uint32_t j, double *acc) {
    for (uint32_t i = 0; i < cs->n; i++) {
        if (cs->id[i] == j) {
            acc[TA_TEAM] += cs->mean[i];
            acc[TA_PAIRS] += 1.0;
            acc[TA_CLOSE] += 1.0;
            acc[TA_COVERED] += cs->covered[i];
            return;
        }
    }
    acc[TA_TEAM] += ts_trust_of_mean(&s->tp, w, a, j);
    acc[TA_PAIRS] += 1.0;
    trust_coverage_pair(w, a, j, acc + TA_CLOSE);
}

/* Adds believer a's models into acc, then its close pairs (manager, teammates, reports)
 * into the team trust and the coverage. One pass over the models reads each once, in
 * blocks; the sums are added in the order of a model-by-model reading. */
static void measure_believer(const trust_state *s, const ts_world *w, uint32_t a, double *acc) {
    const ts_relstore *rs = &w->models;
    uint32_t D = w->n_domains;
    uint32_t m = w->manager[a];
    ts_belief_block blk;
    double t[TS_BELIEF_BLOCK];
    float mu[TS_MAX_DOMAINS][TS_BELIEF_BLOCK], nu[TS_BELIEF_BLOCK];
    close_stash cs;
    cs.n = 0;
    /* The sums in locals (registers), each added in model order as acc would be. */
    double err = acc[TA_ERR], err_n = acc[TA_ERR_N], tsum = acc[TA_T], models = acc[TA_MODELS];
    double integ = acc[TA_INTEG], good = acc[TA_GOOD];
    for (uint32_t first = 0; ts_relstore_read_block(rs, a, first, w->day, &blk) > 0;
         first += blk.n) {
        ts_trust_scores_block(&s->tp, &blk, D, t, mu, nu);
        for (uint32_t k = 0; k < blk.n; k++) {
            uint32_t j = blk.id[k];
            if (ts_is_ai(w)[j]) {
                continue; /* people's trust in people: trust_in_ai is ai's (models/ai.h) */
            }
            double own[TS_MAX_DOMAINS];
            const double *p = own;
            if (s->stride == 1) {
                p = s->success + (size_t)j * D;
            } else {
                ts_work_success_all(&s->link, w, j, own);
            }
            for (uint32_t d = 0; d < D; d++) {
                err += fabs((double)mu[d][k] - p[d]);
            }
            err_n += D;
            tsum += t[k] / D;
            models += 1.0;
            integ += nu[k];
            good += blk.goodwill[k];
            if (cs.n < TRUST_CLOSE_STASH && is_close(w, a, m, j)) {
                cs.id[cs.n] = j;
                cs.mean[cs.n] = (float)(t[k] / D);
                cs.covered[cs.n] = blk.evidence[k] >= TRUST_COVERAGE_EVIDENCE;
                cs.n++;
            }
        }
    }
    acc[TA_ERR] = err;
    acc[TA_ERR_N] = err_n;
    acc[TA_T] = tsum;
    acc[TA_MODELS] = models;
    acc[TA_INTEG] = integ;
    acc[TA_GOOD] = good;
    if (m != TS_NO_AGENT) {
        close_pair(s, w, &cs, a, m, acc);
        for (uint32_t j = w->first_report[m]; j != TS_NO_AGENT; j = w->next_peer[j]) {
            if (j != a && !ts_is_ai(w)[j]) {
                close_pair(s, w, &cs, a, j, acc);
            }
        }
    }
    for (uint32_t j = w->first_report[a]; j != TS_NO_AGENT; j = w->next_peer[j]) {
        if (!ts_is_ai(w)[j]) {
            close_pair(s, w, &cs, a, j, acc);
        }
    }
}

/* Everyone's chance of success today, left or not (models outlive people's stay). */
static ts_status trust_measure_prepare(void *state, const ts_world *w, uint32_t a0, uint32_t a1) {
    trust_state *s = state;
    if (s->stride != 1) {
        return TS_OK;
    }
    for (uint32_t a = a0; a < a1; a++) {
        ts_work_success_all(&s->link, w, a, s->success + (size_t)a * s->n_domains);
    }
    return TS_OK;
}

static ts_status trust_measure(const void *state, const ts_world *w, uint32_t a0, uint32_t a1,
                               double *acc) {
    const trust_state *s = state;
    uint32_t first = (a0 + s->stride - 1) / s->stride * s->stride;
    for (uint32_t a = first; a < a1; a += s->stride) {
        if (w->active[a] && !ts_is_ai(w)[a]) {
            measure_believer(s, w, a, acc);
        }
    }
    return TS_OK;
}

static ts_status trust_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    (void)state;
    (void)w;
    v[TM_TRUST] = ts_stats_ratio(acc[TA_T], acc[TA_MODELS]);
    v[TM_TEAM] = ts_stats_ratio(acc[TA_TEAM], acc[TA_PAIRS]);
    v[TM_ERROR] = ts_stats_ratio(acc[TA_ERR], acc[TA_ERR_N]);
    v[TM_INTEG] = ts_stats_ratio(acc[TA_INTEG], acc[TA_MODELS]);
    v[TM_GOOD] = ts_stats_ratio(acc[TA_GOOD], acc[TA_MODELS]);
    v[TM_COVERAGE] = ts_stats_ratio(acc[TA_COVERED], acc[TA_CLOSE]);
    return TS_OK;
}

static double last_of(const ts_result *res, const char *name) {
    const ts_series *s = ts_result_find_series(res, name);
    return s && s->n ? s->values[s->n - 1] : NAN;
}

/* The team table's trust column: mean trust (domain-averaged, the prior where there is no
 * model) over the ordered pairs of a team's members and its manager. */
static ts_status trust_team_column(const trust_state *s, const ts_world *w, ts_result *res,
                                   ts_error *err) {
    size_t k;
    const uint32_t *mgr = ts_result_team_managers(res, &k);
    float *within = ts_table_add_column(
        &res->teams, "trust_within", "trust score",
        "Mean trust among the team's members and its manager, over ordered pairs, "
        "domain-averaged (the prior where someone holds no model).",
        TS_COL_F32, k, 1);
    if (k && !within) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for the team table");
    }
    for (size_t i = 0; i < k; i++) {
        uint32_t m = mgr[i];
        double sum = 0.0;
        size_t n = 0;
        for (uint32_t x = m; x != TS_NO_AGENT; x = x == m ? w->first_report[m] : w->next_peer[x]) {
            for (uint32_t y = m; y != TS_NO_AGENT;
                 y = y == m ? w->first_report[m] : w->next_peer[y]) {
                if (x != y && !ts_is_ai(w)[x] && !ts_is_ai(w)[y]) {
                    sum += ts_trust_of_mean(&s->tp, w, x, y);
                    n++;
                }
            }
        }
        within[i] = n ? (float)(sum / (double)n) : NAN;
    }
    return TS_OK;
}

/* Summaries and the per-agent columns: trust given and received, model error. */
static ts_status trust_summarize(const void *state, const ts_world *w, ts_result *res,
                                 ts_error *err) {
    const trust_state *s = state;
    ts_status st = add_summary(res, TR_SUM_TRUST, last_of(res, "trust_mean"));
    if (st == TS_OK) {
        st = add_summary(res, TR_SUM_COVERAGE, last_of(res, "coverage"));
    }
    if (st == TS_OK) {
        st = add_summary(res, TR_SUM_ERROR, last_of(res, "model_error"));
    }
    if (st != TS_OK) {
        return ts_error_set(err, st, "out of memory for the summary");
    }
    size_t n = w->n;
    uint32_t D = w->n_domains;
    float *given = ts_table_add_column(&res->agents, "trust_given", "trust score",
                                       "Mean trust the agent places in the people it models.",
                                       TS_COL_F32, n, 1);
    float *received =
        ts_table_add_column(&res->agents, "trust_received", "trust score",
                            "Mean trust others who model the agent place in it.", TS_COL_F32, n, 1);
    float *error = ts_table_add_column(
        &res->agents, "model_error", "probability",
        "Mean |believed - true chance of success| of the agent's models.", TS_COL_F32, n, 1);
    double *recv_sum = calloc(n ? n : 1, sizeof *recv_sum);
    uint32_t *recv_n = calloc(n ? n : 1, sizeof *recv_n);
    /* Everyone's chance of success at the end, once (many models name the same person). */
    double *success = malloc((n ? n : 1) * D * sizeof *success);
    if ((n && (!given || !received || !error)) || !recv_sum || !recv_n || !success) {
        free(recv_sum);
        free(recv_n);
        free(success);
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for the agent table");
    }
    for (uint32_t j = 0; j < n; j++) {
        ts_work_success_all(&s->link, w, j, success + (size_t)j * D);
    }
    /* Each believer's models read and scored a block at a time; the sums are added model
     * by model, domain by domain, as a reading of one model after another would. */
    ts_belief_block blk;
    double t[TS_BELIEF_BLOCK];
    float mu[TS_MAX_DOMAINS][TS_BELIEF_BLOCK], nu[TS_BELIEF_BLOCK];
    for (uint32_t a = 0; a < n; a++) {
        double tsum = 0.0, esum = 0.0;
        uint32_t cnt = ts_relstore_count(&w->models, a);
        for (uint32_t first = 0; ts_relstore_read_block(&w->models, a, first, w->day, &blk) > 0;
             first += blk.n) {
            ts_trust_scores_block(&s->tp, &blk, D, t, mu, nu);
            for (uint32_t k = 0; k < blk.n; k++) {
                uint32_t j = blk.id[k];
                const double *p = success + (size_t)j * D;
                for (uint32_t d = 0; d < D; d++) {
                    esum += fabs((double)mu[d][k] - p[d]);
                }
                tsum += t[k] / D;
                recv_sum[j] += t[k] / D;
                recv_n[j]++;
            }
        }
        given[a] = cnt ? (float)(tsum / cnt) : NAN;
        error[a] = cnt ? (float)(esum / ((double)cnt * D)) : NAN;
    }
    free(success);
    for (uint32_t j = 0; j < n; j++) {
        received[j] = recv_n[j] ? (float)(recv_sum[j] / recv_n[j]) : NAN;
    }
    free(recv_sum);
    free(recv_n);
    st = trust_team_column(s, w, res, err);
    return st == TS_OK ? trust_delegation(s, w, res, err) : st;
}

/* Saved states: the day each agent was first delegated to. */
static ts_status trust_state_io(void *state, ts_world *w, ts_state_io *io) {
    trust_state *s = state;
    ts_sio_typed(io, "delegated", TS_SIO_I32, s->delegated, w->n);
    return ts_sio_status(io);
}

const ts_module ts_module_trust = {
    .name = "trust",
    .sections = trust_sections,
    .n_sections = sizeof trust_sections / sizeof trust_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = trust_validate,
    .configure = trust_configure,
    .free = trust_free,
    .grow = trust_grow,
    .measure_prepare = trust_measure_prepare,
    .org = trust_org,
    .metrics = trust_metrics,
    .n_metrics = TM_COUNT,
    .n_acc = TA_COUNT,
    .measure = trust_measure,
    .day_end = trust_day_end,
    .summaries = trust_summaries,
    .n_summaries = TR_SUM_COUNT,
    .summarize = trust_summarize,
    .snapshot = trust_snapshot,
    .state_io = trust_state_io,
};
