#include "alignment.h"

static const ts_param alignment_alignment_params[] = {
    {
        .key = "drift",
        .type = TS_PT_REAL,
        .def = "0.005",
        .min = 0,
        .max = 10,
        .units = "alignment error per day",
        .doc = "Growth of everyone's alignment error each day without shared updates.",
    },
};

static const ts_section alignment_alignment_section = {
    .name = "alignment",
    .optional = 0,
    .params = alignment_alignment_params,
    .n_params = sizeof alignment_alignment_params / sizeof alignment_alignment_params[0],
    .doc = "How fast people drift away from the current strategy.",
};

static const ts_param alignment_strategy_shift_params[] = {
    {
        .key = "magnitude",
        .type = TS_PT_REAL,
        .def = "0.5",
        .min = 0,
        .max = 100,
        .units = "alignment error",
        .doc = "Alignment error added to everyone but the CEO on that day.",
    },
};

static const ts_event_kind alignment_strategy_shift_kind = {
    .kind = "strategy_shift",
    .params = alignment_strategy_shift_params,
    .n_params = sizeof alignment_strategy_shift_params / sizeof alignment_strategy_shift_params[0],
    .doc = "The company changes course: everyone but the CEO is suddenly misaligned.",
};

static const ts_section *const alignment_sections[] = {&alignment_alignment_section};

static const ts_event_kind *const alignment_event_kinds[] = {&alignment_strategy_shift_kind};

const ts_module ts_module_alignment = {
    .name = "alignment",
    .sections = alignment_sections,
    .n_sections = sizeof alignment_sections / sizeof alignment_sections[0],
    .event_kinds = alignment_event_kinds,
    .n_event_kinds = sizeof alignment_event_kinds / sizeof alignment_event_kinds[0],
    .validate = NULL,
};
