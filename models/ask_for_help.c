#include "ask_for_help.h"

static const ts_param ask_for_help_tactic_params[] = {
    {
        .key = "threshold",
        .type = TS_PT_REAL,
        .def = "0.6",
        .min = 0,
        .max = 1,
        .units = "self-belief",
        .doc = "Self-belief in a domain below which a person considers asking for help.",
    },
};

static const ts_section ask_for_help_tactic_section = {
    .name = "tactics.ask_for_help",
    .optional = 1,
    .params = ask_for_help_tactic_params,
    .n_params = sizeof ask_for_help_tactic_params / sizeof ask_for_help_tactic_params[0],
    .doc = "Asking a trusted teammate for help.",
};

static const ts_section *const ask_for_help_sections[] = {&ask_for_help_tactic_section};

const ts_module ts_module_ask_for_help = {
    .name = "ask_for_help",
    .sections = ask_for_help_sections,
    .n_sections = sizeof ask_for_help_sections / sizeof ask_for_help_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
};
