#include "transitive_trust.h"

static const ts_param transitive_trust_tactic_params[] = {
    {
        .key = "weight",
        .type = TS_PT_REAL,
        .def = "0.5",
        .min = 0,
        .max = 1,
        .units = "discount factor",
        .doc = "Fraction of a trusted recommender's evidence that enters a new prior, before "
               "scaling by trust in the recommender.",
    },
};

static const ts_section transitive_trust_tactic_section = {
    .name = "tactics.transitive_trust",
    .optional = 1,
    .params = transitive_trust_tactic_params,
    .n_params = sizeof transitive_trust_tactic_params / sizeof transitive_trust_tactic_params[0],
    .doc = "Borrowing trust through managers at first contact.",
};

static const ts_section *const transitive_trust_sections[] = {&transitive_trust_tactic_section};

const ts_module ts_module_transitive_trust = {
    .name = "transitive_trust",
    .sections = transitive_trust_sections,
    .n_sections = sizeof transitive_trust_sections / sizeof transitive_trust_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
};
