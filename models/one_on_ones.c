#include "one_on_ones.h"

static const ts_param one_on_ones_tactic_params[] = {
    {
        .key = "manager_every",
        .type = TS_PT_INT,
        .def = "7",
        .min = 1,
        .max = 365,
        .units = "days",
        .doc = "Days between a person's 1:1s with its manager.",
    },
    {
        .key = "peers",
        .type = TS_PT_INT,
        .def = "2",
        .min = 0,
        .max = 100,
        .units = "people",
        .doc = "Peers each person holds regular 1:1s with.",
    },
    {
        .key = "peer_every",
        .type = TS_PT_INT,
        .def = "14",
        .min = 1,
        .max = 365,
        .units = "days",
        .doc = "Days between two 1:1s with the same peer.",
    },
};

static const ts_section one_on_ones_tactic_section = {
    .name = "tactics.one_on_ones",
    .optional = 1,
    .params = one_on_ones_tactic_params,
    .n_params = sizeof one_on_ones_tactic_params / sizeof one_on_ones_tactic_params[0],
    .doc = "Regular 1:1 meetings with the manager and with peers.",
};

static const ts_section *const one_on_ones_sections[] = {&one_on_ones_tactic_section};

const ts_module ts_module_one_on_ones = {
    .name = "one_on_ones",
    .sections = one_on_ones_sections,
    .n_sections = sizeof one_on_ones_sections / sizeof one_on_ones_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
};
