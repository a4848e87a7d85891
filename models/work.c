#include "work.h"

static const ts_param work_work_params[] = {
    {
        .key = "hours_per_day",
        .type = TS_PT_REAL,
        .def = "8",
        .min = 1,
        .max = 24,
        .units = "hours",
        .doc = "Working hours in one simulated day.",
    },
    {
        .key = "task_hours",
        .type = TS_PT_REAL,
        .def = "40",
        .min = 1,
        .max = 10000,
        .units = "hours",
        .doc = "Mean size of a task (lognormal).",
    },
    {
        .key = "task_hours_sd",
        .type = TS_PT_REAL,
        .def = "20",
        .min = 0,
        .max = 10000,
        .units = "hours",
        .doc = "Standard deviation of the size of a task.",
    },
    {
        .key = "decision_probability",
        .type = TS_PT_REAL,
        .def = "0.5",
        .min = 0,
        .max = 1,
        .units = "probability",
        .doc = "Chance that a task starts with a decision needing sign-off.",
    },
    {
        .key = "stakeholders.base",
        .type = TS_PT_REAL,
        .def = "1",
        .min = 0,
        .max = 100,
        .units = "people",
        .doc =
            "Stakeholders who sign off a decision while the organisation is at its starting size.",
    },
    {
        .key = "stakeholders.per_doubling",
        .type = TS_PT_REAL,
        .def = "0.5",
        .min = 0,
        .max = 100,
        .units = "people per doubling",
        .doc = "Extra stakeholders per doubling of the headcount since day 0.",
    },
    {
        .key = "max_backlog_days",
        .type = TS_PT_REAL,
        .def = "3",
        .min = 0,
        .max = 365,
        .units = "days",
        .doc = "Overhead a person carries into later days before dropping the rest and "
               "rubber-stamping.",
    },
    {
        .key = "blocked_efficiency",
        .type = TS_PT_REAL,
        .def = "0.5",
        .min = 0,
        .max = 1,
        .units = "fraction",
        .doc = "Share of normal speed at which an owner works while waiting for sign-off.",
    },
    {
        .key = "partner_teams",
        .type = TS_PT_INT,
        .def = "2",
        .min = 0,
        .max = 100,
        .units = "teams",
        .doc = "Other teams each team works with and draws its stakeholders from.",
    },
    {
        .key = "partner_visibility",
        .type = TS_PT_REAL,
        .def = "0.1",
        .min = 0,
        .max = 1,
        .units = "observation weight",
        .doc = "Weight of the outcome observation that members of partner teams get of each task.",
    },
};

static const ts_section work_work_section = {
    .name = "work",
    .optional = 0,
    .params = work_work_params,
    .n_params = sizeof work_work_params / sizeof work_work_params[0],
    .doc = "Tasks, sign-offs, stakeholders and the working day.",
};

static const ts_section *const work_sections[] = {&work_work_section};

const ts_module ts_module_work = {
    .name = "work",
    .sections = work_sections,
    .n_sections = sizeof work_sections / sizeof work_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
};
