#include "inspection_forums.h"

static const ts_param inspection_forums_tactic_params[] = {
    {
        .key = "every",
        .type = TS_PT_INT,
        .def = "7",
        .min = 1,
        .max = 365,
        .units = "days",
        .doc = "Days between two forums.",
    },
    {
        .key = "discovery",
        .type = TS_PT_REAL,
        .def = "0.3",
        .min = 0,
        .max = 1,
        .units = "probability",
        .doc = "Chance that a forum finds a given concealed defect.",
    },
};

static const ts_section inspection_forums_tactic_section = {
    .name = "tactics.inspection_forums",
    .optional = 1,
    .params = inspection_forums_tactic_params,
    .n_params = sizeof inspection_forums_tactic_params / sizeof inspection_forums_tactic_params[0],
    .doc = "Regular reviews of the work by leaders.",
};

static const ts_section *const inspection_forums_sections[] = {&inspection_forums_tactic_section};

const ts_module ts_module_inspection_forums = {
    .name = "inspection_forums",
    .sections = inspection_forums_sections,
    .n_sections = sizeof inspection_forums_sections / sizeof inspection_forums_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
};
