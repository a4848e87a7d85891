#include "status_updates.h"

static const ts_param status_updates_tactic_params[] = {
    {
        .key = "every",
        .type = TS_PT_INT,
        .def = "5",
        .min = 1,
        .max = 365,
        .units = "days",
        .doc = "Days between two status updates of a task.",
    },
};

static const ts_section status_updates_tactic_section = {
    .name = "tactics.status_updates",
    .optional = 1,
    .params = status_updates_tactic_params,
    .n_params = sizeof status_updates_tactic_params / sizeof status_updates_tactic_params[0],
    .doc = "Regular written status of every task.",
};

static const ts_section *const status_updates_sections[] = {&status_updates_tactic_section};

const ts_module ts_module_status_updates = {
    .name = "status_updates",
    .sections = status_updates_sections,
    .n_sections = sizeof status_updates_sections / sizeof status_updates_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
};
