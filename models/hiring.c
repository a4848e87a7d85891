#include "hiring.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const ts_param hiring_population_params[] = {
    {
        .key = "competence.mean",
        .type = TS_PT_REAL,
        .def = "0.7",
        .min = 0,
        .max = 1,
        .units = "probability",
        .doc = "Mean chance that a person's task in a domain succeeds.",
    },
    {
        .key = "competence.sd",
        .type = TS_PT_REAL,
        .def = "0.12",
        .min = 0,
        .max = 0.5,
        .units = "probability",
        .doc = "Spread of competence between people and domains.",
    },
    {
        .key = "candor.mean",
        .type = TS_PT_REAL,
        .def = "0.6",
        .min = 0,
        .max = 1,
        .units = "propensity",
        .doc = "Mean propensity to own up to a failure and to speak up.",
    },
    {
        .key = "candor.sd",
        .type = TS_PT_REAL,
        .def = "0.2",
        .min = 0,
        .max = 0.5,
        .units = "propensity",
        .doc = "Spread of candour between people.",
    },
    {
        .key = "openness.mean",
        .type = TS_PT_REAL,
        .def = "0.5",
        .min = 0,
        .max = 1,
        .units = "propensity",
        .doc = "Mean propensity to show vulnerability by asking for help.",
    },
    {
        .key = "openness.sd",
        .type = TS_PT_REAL,
        .def = "0.2",
        .min = 0,
        .max = 0.5,
        .units = "propensity",
        .doc = "Spread of openness between people.",
    },
    {
        .key = "empathy.mean",
        .type = TS_PT_REAL,
        .def = "0.6",
        .min = 0,
        .max = 1,
        .units = "propensity",
        .doc = "Mean quality of a person's apologies.",
    },
    {
        .key = "empathy.sd",
        .type = TS_PT_REAL,
        .def = "0.2",
        .min = 0,
        .max = 0.5,
        .units = "propensity",
        .doc = "Spread of empathy between people.",
    },
};

static const ts_section hiring_population_section = {
    .name = "population",
    .optional = 0,
    .params = hiring_population_params,
    .n_params = sizeof hiring_population_params / sizeof hiring_population_params[0],
    .doc = "Hidden traits drawn at hire, each from a Beta with this mean and standard deviation.",
};

static const ts_param hiring_hiring_params[] = {
    {
        .key = "growth",
        .type = TS_PT_ENUM,
        .def = "none",
        .min = 0,
        .max = 0,
        .choices = "none|exponential|linear|schedule",
        .units = "choice",
        .doc = "How the target headcount grows: not at all, by a yearly rate compounded, linearly, "
               "or along a schedule.",
    },
    {
        .key = "annual_rate",
        .type = TS_PT_REAL,
        .def = "0",
        .min = 0,
        .max = 100,
        .units = "fraction per year",
        .doc =
            "Yearly growth as a fraction of the headcount, compounded for exponential growth and "
            "of the starting headcount for linear growth.",
    },
    {
        .key = "max_headcount",
        .type = TS_PT_INT,
        .def = "10000000",
        .min = 1,
        .max = 10000000,
        .units = "people",
        .doc = "Ceiling on the target headcount (the default is no practical ceiling).",
    },
    {
        .key = "schedule",
        .type = TS_PT_POINTS,
        .def = "[]",
        .min = 0,
        .max = 1000,
        .units = "[day, people]",
        .doc = "Target headcount at given days, joined by straight lines, for growth: schedule.",
    },
    {
        .key = "attrition_annual",
        .type = TS_PT_REAL,
        .def = "0.1",
        .min = 0,
        .max = 1,
        .units = "probability per year",
        .doc = "Chance that a person leaves within a year at average safety.",
    },
    {
        .key = "promote_from_within",
        .type = TS_PT_REAL,
        .def = "0.5",
        .min = 0,
        .max = 1,
        .units = "probability",
        .doc = "Chance that a new team is led by a promoted member rather than a manager hired for "
               "it.",
    },
    {
        .key = "ramp_days",
        .type = TS_PT_INT,
        .def = "100",
        .min = 0,
        .max = 3650,
        .units = "days",
        .doc = "Days a new hire takes to reach full speed.",
    },
    {
        .key = "mentoring_hours",
        .type = TS_PT_REAL,
        .def = "2",
        .min = 0,
        .max = 24,
        .units = "hours per day",
        .doc = "Hours a day a mentor spends on a new hire during its ramp-up.",
    },
};

static const ts_section hiring_hiring_section = {
    .name = "hiring",
    .optional = 0,
    .params = hiring_hiring_params,
    .n_params = sizeof hiring_hiring_params / sizeof hiring_hiring_params[0],
    .doc = "Growth of the headcount, attrition and the cost of new hires.",
};

static const ts_section *const hiring_sections[] = {&hiring_population_section,
                                                    &hiring_hiring_section};

static const char *const hiring_traits[] = {"competence", "candor", "openness", "empathy"};

/* A Beta with this mean and sd exists: 0 < mean < 1 and sd^2 < mean (1 - mean). */
static ts_status hiring_validate_trait(const ts_scenario *sc, const char *trait, ts_error *err) {
    char mean_path[64];
    char sd_path[64];
    snprintf(mean_path, sizeof mean_path, "population.%s.mean", trait);
    snprintf(sd_path, sizeof sd_path, "population.%s.sd", trait);
    double mean = ts_scenario_real(sc, mean_path);
    double sd = ts_scenario_real(sc, sd_path);
    if (!(mean > 0.0 && mean < 1.0)) {
        return ts_scenario_fail(
            sc, mean_path, err,
            "no Beta distribution has this mean (got %g, expected 0 < mean < 1)", mean);
    }
    double var_max = mean * (1.0 - mean);
    if (sd * sd >= var_max) {
        return ts_scenario_fail(sc, sd_path, err,
                                "too large for a Beta distribution with mean %g (got %g, expected "
                                "< %.4g)",
                                mean, sd, sqrt(var_max));
    }
    return TS_OK;
}

static ts_status hiring_validate(const ts_scenario *sc, ts_error *err) {
    for (size_t i = 0; i < sizeof hiring_traits / sizeof hiring_traits[0]; i++) {
        ts_status st = hiring_validate_trait(sc, hiring_traits[i], err);
        if (st != TS_OK) {
            return st;
        }
    }
    if (strcmp(ts_scenario_string(sc, "hiring.growth"), "schedule") == 0 &&
        ts_scenario_list_len(sc, "hiring.schedule") == 0) {
        /* Located where the user wrote something: at hiring.schedule when it was given
         * (empty), else at hiring.growth, the key that asks for a schedule. */
        ts_mark mark;
        if (ts_scenario_mark_of(sc, "hiring.schedule", &mark) && mark.line > 0) {
            return ts_scenario_fail(sc, "hiring.schedule", err,
                                    "required when hiring.growth is schedule (got [], expected "
                                    "at least one [day, headcount] point)");
        }
        return ts_scenario_fail(sc, "hiring.growth", err,
                                "schedule needs hiring.schedule (got no points, expected at "
                                "least one [day, headcount] point)");
    }
    int64_t max_headcount = ts_scenario_int(sc, "hiring.max_headcount");
    int64_t headcount = ts_scenario_int(sc, "org.headcount");
    if (max_headcount < headcount) {
        return ts_scenario_fail(sc, "hiring.max_headcount", err,
                                "must be at least org.headcount (got %" PRId64
                                ", expected >= %" PRId64 ")",
                                max_headcount, headcount);
    }
    return TS_OK;
}

const ts_module ts_module_hiring = {
    .name = "hiring",
    .sections = hiring_sections,
    .n_sections = sizeof hiring_sections / sizeof hiring_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = hiring_validate,
};
