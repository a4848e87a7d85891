#include "repair.h"

static const ts_param repair_culture_params[] = {
    {
        .key = "safety",
        .type = TS_PT_REAL,
        .def = "0.6",
        .min = 0,
        .max = 1,
        .units = "level (0-1)",
        .doc = "Psychological safety everyone starts with; it scales the chance of owning up.",
    },
    {
        .key = "blame",
        .type = TS_PT_REAL,
        .def = "0.2",
        .min = 0,
        .max = 1,
        .units = "probability",
        .doc =
            "Chance that a manager answers an owned-up failure with blame rather than curiosity.",
    },
};

static const ts_section repair_culture_section = {
    .name = "culture",
    .optional = 0,
    .params = repair_culture_params,
    .n_params = sizeof repair_culture_params / sizeof repair_culture_params[0],
    .doc = "Psychological safety and how managers respond to failure.",
};

static const ts_param repair_tactic_params[] = {
    {
        .key = "apology",
        .type = TS_PT_REAL,
        .def = "0.8",
        .min = 0,
        .max = 1,
        .units = "intensity",
        .doc = "Strength of the apology that follows an owned-up failure; the goodwill it earns "
               "also grows with empathy.",
    },
};

static const ts_section repair_tactic_section = {
    .name = "tactics.repair",
    .optional = 1,
    .params = repair_tactic_params,
    .n_params = sizeof repair_tactic_params / sizeof repair_tactic_params[0],
    .doc = "Apologising after an owned-up failure (a tactic: on when present).",
};

static const ts_section *const repair_sections[] = {&repair_culture_section,
                                                    &repair_tactic_section};

const ts_module ts_module_repair = {
    .name = "repair",
    .sections = repair_sections,
    .n_sections = sizeof repair_sections / sizeof repair_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
};
