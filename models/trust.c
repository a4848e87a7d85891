#include "trust.h"

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

const ts_module ts_module_trust = {
    .name = "trust",
    .sections = trust_sections,
    .n_sections = sizeof trust_sections / sizeof trust_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = trust_validate,
};
