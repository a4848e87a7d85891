#include "broadcast.h"

static const ts_param broadcast_tactic_params[] = {
    {
        .key = "every",
        .type = TS_PT_INT,
        .def = "14",
        .min = 1,
        .max = 365,
        .units = "days",
        .doc = "Days between two broadcasts.",
    },
    {
        .key = "attendance",
        .type = TS_PT_REAL,
        .def = "0.8",
        .min = 0,
        .max = 1,
        .units = "probability",
        .doc = "Chance that a person attends a given broadcast.",
    },
};

static const ts_section broadcast_tactic_section = {
    .name = "tactics.broadcast",
    .optional = 1,
    .params = broadcast_tactic_params,
    .n_params = sizeof broadcast_tactic_params / sizeof broadcast_tactic_params[0],
    .doc = "Regular all-hands updates from the CEO.",
};

static const ts_section *const broadcast_sections[] = {&broadcast_tactic_section};

const ts_module ts_module_broadcast = {
    .name = "broadcast",
    .sections = broadcast_sections,
    .n_sections = sizeof broadcast_sections / sizeof broadcast_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
};
