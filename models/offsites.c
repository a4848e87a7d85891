#include "offsites.h"

static const ts_param offsites_tactic_params[] = {
    {
        .key = "every",
        .type = TS_PT_INT,
        .def = "180",
        .min = 1,
        .max = 3650,
        .units = "days",
        .doc = "Days between two offsites.",
    },
    {
        .key = "meetings",
        .type = TS_PT_INT,
        .def = "10",
        .min = 0,
        .max = 1000,
        .units = "meetings",
        .doc = "People of its department each person meets at an offsite.",
    },
};

static const ts_section offsites_tactic_section = {
    .name = "tactics.offsites",
    .optional = 1,
    .params = offsites_tactic_params,
    .n_params = sizeof offsites_tactic_params / sizeof offsites_tactic_params[0],
    .doc = "Regular department offsites.",
};

static const ts_section *const offsites_sections[] = {&offsites_tactic_section};

const ts_module ts_module_offsites = {
    .name = "offsites",
    .sections = offsites_sections,
    .n_sections = sizeof offsites_sections / sizeof offsites_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
};
