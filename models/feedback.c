#include "feedback.h"

static const ts_param feedback_tactic_params[] = {
    {
        .key = "probability",
        .type = TS_PT_REAL,
        .def = "0.3",
        .min = 0,
        .max = 1,
        .units = "probability",
        .doc = "Chance that a close observation of someone's work is followed by feedback.",
    },
    {
        .key = "positive_ratio",
        .type = TS_PT_REAL,
        .def = "3",
        .min = 0,
        .max = 100,
        .units = "positive per negative",
        .doc =
            "Ratio of positive to negative feedback in a pair's history at which criticism stops "
            "costing goodwill.",
    },
};

static const ts_section feedback_tactic_section = {
    .name = "tactics.feedback",
    .optional = 1,
    .params = feedback_tactic_params,
    .n_params = sizeof feedback_tactic_params / sizeof feedback_tactic_params[0],
    .doc = "Telling people how their work went.",
};

static const ts_section *const feedback_sections[] = {&feedback_tactic_section};

const ts_module ts_module_feedback = {
    .name = "feedback",
    .sections = feedback_sections,
    .n_sections = sizeof feedback_sections / sizeof feedback_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
};
