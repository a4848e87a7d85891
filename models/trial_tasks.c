#include "trial_tasks.h"

static const ts_param trial_tasks_tactic_params[] = {
    {
        .key = "uncertainty",
        .type = TS_PT_REAL,
        .def = "0.15",
        .min = 0,
        .max = 1,
        .units = "belief sd",
        .doc = "Standard deviation of a manager's competence belief above which the report's next "
               "task in that domain is a trial.",
    },
};

static const ts_section trial_tasks_tactic_section = {
    .name = "tactics.trial_tasks",
    .optional = 1,
    .params = trial_tasks_tactic_params,
    .n_params = sizeof trial_tasks_tactic_params / sizeof trial_tasks_tactic_params[0],
    .doc = "Trying people out on monitored tasks.",
};

static const ts_section *const trial_tasks_sections[] = {&trial_tasks_tactic_section};

const ts_module ts_module_trial_tasks = {
    .name = "trial_tasks",
    .sections = trial_tasks_sections,
    .n_sections = sizeof trial_tasks_sections / sizeof trial_tasks_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
};
