#include "trust.h"

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
        .def = "2",
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
}

void ts_trust_competence(const ts_trust_params *tp, const ts_belief *b, uint32_t d, float *mu,
                         float *sigma) {
    double a = (double)tp->prior_a + b->alpha_e[d];
    double bb = (double)tp->prior_b + b->beta_e[d];
    double m = a / (a + bb);
    *mu = (float)m;
    *sigma = (float)sqrt(m * (1.0 - m) / (a + bb + 1.0));
}

float ts_trust_integrity(const ts_trust_params *tp, const ts_belief *b) {
    double a = (double)tp->integ_a + b->integ_a_e;
    double bb = (double)tp->integ_b + b->integ_b_e + b->scar;
    return (float)(a / (a + bb));
}

static float clamp01(double x) {
    return (float)(x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x);
}

float ts_trust_score(const ts_trust_params *tp, const ts_belief *b, uint32_t d) {
    float mu, sigma;
    ts_trust_competence(tp, b, d, &mu, &sigma);
    double nu = ts_trust_integrity(tp, b);
    return clamp01(nu * ((double)mu - (double)tp->z * sigma) + 0.1 * b->goodwill);
}

float ts_trust_stranger(const ts_trust_params *tp) {
    ts_belief b;
    memset(&b, 0, sizeof b);
    return ts_trust_score(tp, &b, 0);
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
    ts_relstore_read(&w->models, i, (uint32_t)slot, w->day, &b);
    double t = 0.0;
    for (uint32_t d = 0; d < w->n_domains; d++) {
        t += ts_trust_score(tp, &b, d);
    }
    return (float)(t / w->n_domains);
}

/* The engine's snapshot view of a belief, with this module's priors. */
static void trust_score_view(const void *ctx, const ts_belief *b, uint32_t n_domains, float *mean,
                             float *sd, float *trust, float *integrity) {
    const ts_trust_params *tp = ctx;
    *integrity = ts_trust_integrity(tp, b);
    for (uint32_t d = 0; d < n_domains; d++) {
        ts_trust_competence(tp, b, d, &mean[d], &sd[d]);
        trust[d] = ts_trust_score(tp, b, d);
    }
}

/* ---- The module --------------------------------------------------------------------- */

/* Daily belief metrics read every model of a sample of believers: all agents in
 * organisations up to TRUST_SAMPLE_TARGET people, else every k-th id, k fixed at the
 * start. The sample is the same on any thread count; the metrics are exact for small
 * organisations and unbiased estimates for large ones. */
#define TRUST_SAMPLE_TARGET 1000u

typedef struct trust_state {
    ts_trust_params tp;
    uint32_t stride;
} trust_state;

static ts_status trust_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    trust_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    ts_trust_params_load(sc, &s->tp);
    s->stride =
        w->n > TRUST_SAMPLE_TARGET ? (w->n + TRUST_SAMPLE_TARGET - 1) / TRUST_SAMPLE_TARGET : 1;
    w->score = trust_score_view;
    w->score_ctx = &s->tp;
    *state = s;
    return TS_OK;
}

static void trust_free(void *state) {
    free(state);
}

enum { TM_TRUST, TM_TEAM, TM_ERROR, TM_INTEG, TM_GOOD, TM_COUNT };
static const ts_metric_decl trust_metrics[TM_COUNT] = {
    {"trust_mean", "trust score", "Mean trust score (domain-averaged) over all stored models."},
    {"trust_team", "trust score",
     "Mean trust of agents in their manager, reports and teammates (no model: the prior)."},
    {"model_error", "probability",
     "Mean |believed - true competence| over stored models and domains."},
    {"integrity_mean", "probability", "Mean believed honesty over stored models."},
    {"goodwill_mean", "score in [-1,1]", "Mean goodwill over stored models."},
};
enum { TA_T, TA_MODELS, TA_TEAM, TA_PAIRS, TA_ERR, TA_ERR_N, TA_INTEG, TA_GOOD, TA_COUNT };

/* Adds believer a's models into acc. */
static void measure_believer(const trust_state *s, const ts_world *w, uint32_t a, double *acc) {
    const ts_relstore *rs = &w->models;
    uint32_t D = w->n_domains;
    ts_belief b;
    for (uint32_t k = 0; k < ts_relstore_count(rs, a); k++) {
        uint32_t j = ts_relstore_id(rs, a, k);
        ts_relstore_read(rs, a, k, w->day, &b);
        double t = 0.0;
        for (uint32_t d = 0; d < D; d++) {
            float mu, sigma;
            ts_trust_competence(&s->tp, &b, d, &mu, &sigma);
            t += ts_trust_score(&s->tp, &b, d);
            acc[TA_ERR] += fabs((double)mu - w->competence[(size_t)j * D + d]);
        }
        acc[TA_ERR_N] += D;
        acc[TA_T] += t / D;
        acc[TA_MODELS] += 1.0;
        acc[TA_INTEG] += ts_trust_integrity(&s->tp, &b);
        acc[TA_GOOD] += b.goodwill;
    }
    /* Close pairs: manager, teammates, reports. */
    uint32_t m = w->manager[a];
    if (m != TS_NO_AGENT) {
        acc[TA_TEAM] += ts_trust_of_mean(&s->tp, w, a, m);
        acc[TA_PAIRS] += 1.0;
        for (uint32_t j = w->first_report[m]; j != TS_NO_AGENT; j = w->next_peer[j]) {
            if (j != a) {
                acc[TA_TEAM] += ts_trust_of_mean(&s->tp, w, a, j);
                acc[TA_PAIRS] += 1.0;
            }
        }
    }
    for (uint32_t j = w->first_report[a]; j != TS_NO_AGENT; j = w->next_peer[j]) {
        acc[TA_TEAM] += ts_trust_of_mean(&s->tp, w, a, j);
        acc[TA_PAIRS] += 1.0;
    }
}

static void trust_measure(const void *state, const ts_world *w, uint32_t a0, uint32_t a1,
                          double *acc) {
    const trust_state *s = state;
    uint32_t first = (a0 + s->stride - 1) / s->stride * s->stride;
    for (uint32_t a = first; a < a1; a += s->stride) {
        if (w->active[a]) {
            measure_believer(s, w, a, acc);
        }
    }
}

static double ratio(double num, double den) {
    return den > 0.0 ? num / den : NAN;
}

static void trust_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    (void)state;
    (void)w;
    v[TM_TRUST] = ratio(acc[TA_T], acc[TA_MODELS]);
    v[TM_TEAM] = ratio(acc[TA_TEAM], acc[TA_PAIRS]);
    v[TM_ERROR] = ratio(acc[TA_ERR], acc[TA_ERR_N]);
    v[TM_INTEG] = ratio(acc[TA_INTEG], acc[TA_MODELS]);
    v[TM_GOOD] = ratio(acc[TA_GOOD], acc[TA_MODELS]);
}

static double last_of(const ts_result *res, const char *name) {
    const ts_series *s = ts_result_find_series(res, name);
    return s && s->n ? s->values[s->n - 1] : NAN;
}

/* Summaries and the per-agent columns: trust given and received, model error. */
static ts_status trust_summarize(const void *state, const ts_world *w, ts_result *res,
                                 ts_error *err) {
    const trust_state *s = state;
    ts_status st = ts_result_add_scalar(res, "trust_final", "trust score",
                                        "trust_mean on the last day.", last_of(res, "trust_mean"));
    if (st == TS_OK) {
        st = ts_result_add_scalar(res, "coverage_final", "fraction", "coverage on the last day.",
                                  last_of(res, "coverage"));
    }
    if (st == TS_OK) {
        st = ts_result_add_scalar(res, "model_error_final", "probability",
                                  "model_error on the last day.", last_of(res, "model_error"));
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
    float *error = ts_table_add_column(&res->agents, "model_error", "probability",
                                       "Mean |believed - true competence| of the agent's models.",
                                       TS_COL_F32, n, 1);
    double *recv_sum = calloc(n ? n : 1, sizeof *recv_sum);
    uint32_t *recv_n = calloc(n ? n : 1, sizeof *recv_n);
    if ((n && (!given || !received || !error)) || !recv_sum || !recv_n) {
        free(recv_sum);
        free(recv_n);
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for the agent table");
    }
    ts_belief b;
    for (uint32_t a = 0; a < n; a++) {
        double tsum = 0.0, esum = 0.0;
        uint32_t cnt = ts_relstore_count(&w->models, a);
        for (uint32_t k = 0; k < cnt; k++) {
            uint32_t j = ts_relstore_id(&w->models, a, k);
            ts_relstore_read(&w->models, a, k, w->day, &b);
            double t = 0.0;
            for (uint32_t d = 0; d < D; d++) {
                float mu, sigma;
                ts_trust_competence(&s->tp, &b, d, &mu, &sigma);
                t += ts_trust_score(&s->tp, &b, d);
                esum += fabs((double)mu - w->competence[(size_t)j * D + d]);
            }
            tsum += t / D;
            recv_sum[j] += t / D;
            recv_n[j]++;
        }
        given[a] = cnt ? (float)(tsum / cnt) : NAN;
        error[a] = cnt ? (float)(esum / ((double)cnt * D)) : NAN;
    }
    for (uint32_t j = 0; j < n; j++) {
        received[j] = recv_n[j] ? (float)(recv_sum[j] / recv_n[j]) : NAN;
    }
    free(recv_sum);
    free(recv_n);
    return TS_OK;
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
    .metrics = trust_metrics,
    .n_metrics = TM_COUNT,
    .n_acc = TA_COUNT,
    .measure = trust_measure,
    .day_end = trust_day_end,
    .summarize = trust_summarize,
};
