#include "coffee_chats.h"

static const ts_param coffee_chats_tactic_params[] = {
    {
        .key = "per_week",
        .type = TS_PT_REAL,
        .def = "1",
        .min = 0,
        .max = 35,
        .units = "chats per week",
        .doc = "Chats each person has in a week.",
    },
};

static const ts_section coffee_chats_tactic_section = {
    .name = "tactics.coffee_chats",
    .optional = 1,
    .params = coffee_chats_tactic_params,
    .n_params = sizeof coffee_chats_tactic_params / sizeof coffee_chats_tactic_params[0],
    .doc = "Informal chats across teams.",
};

static const ts_section *const coffee_chats_sections[] = {&coffee_chats_tactic_section};

const ts_module ts_module_coffee_chats = {
    .name = "coffee_chats",
    .sections = coffee_chats_sections,
    .n_sections = sizeof coffee_chats_sections / sizeof coffee_chats_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
};
