#include "onboarding.h"

static const ts_param onboarding_tactic_params[] = {
    {
        .key = "intro_meetings",
        .type = TS_PT_INT,
        .def = "8",
        .min = 0,
        .max = 100,
        .units = "meetings",
        .doc = "Introductory meetings a new hire has in its first two weeks.",
    },
};

static const ts_section onboarding_tactic_section = {
    .name = "tactics.onboarding",
    .optional = 1,
    .params = onboarding_tactic_params,
    .n_params = sizeof onboarding_tactic_params / sizeof onboarding_tactic_params[0],
    .doc = "Introductions for new hires.",
};

static const ts_section *const onboarding_sections[] = {&onboarding_tactic_section};

const ts_module ts_module_onboarding = {
    .name = "onboarding",
    .sections = onboarding_sections,
    .n_sections = sizeof onboarding_sections / sizeof onboarding_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
};
