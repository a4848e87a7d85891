#include "keys.h"

#include <stdlib.h>
#include <string.h>

/* Top level: what the scenario is and how long and how often it runs. */
static const ts_param keys_top_params[] = {
    {.key = "name",
     .type = TS_PT_STRING,
     .def = "",
     .min = 0,
     .max = TS_SCENARIO_NAME_MAX,
     .units = "text",
     .doc = "Short name of the scenario, used for the results file: letters, digits, '.', "
            "'_' and '-', not starting with '.' or '-'; empty means the file's name without "
            "its extension.",
     .format = TS_PF_STEM},
    {.key = "description",
     .type = TS_PT_STRING,
     .def = "",
     .min = 0,
     .max = 4096,
     .units = "text",
     .doc = "Free text saying what the scenario explores."},
    {.key = "seed",
     .type = TS_PT_INT,
     .def = "1",
     .min = 0,
     .max = 9007199254740991.0,
     .units = "number",
     .doc = "Root of every random stream: the same seed and scenario give the same "
            "results."},
    {.key = "days",
     .type = TS_PT_INT,
     .def = "365",
     .min = 1,
     .max = 36500,
     .units = "days",
     .doc = "Number of simulated days recorded after the warm-up."},
    {.key = "replicates",
     .type = TS_PT_INT,
     .def = "1",
     .min = 1,
     .max = 100000,
     .units = "runs",
     .doc = "Runs of every grid point, each replicate with its own derived seed, shared by "
            "every grid point (the arms of a sweep are paired)."},
    {.key = "branch_day",
     .type = TS_PT_INT,
     .def = "-1",
     .min = -1,
     .max = 36499,
     .units = "day",
     .doc = "Branched sweep: each replicate's history up to the end of this recorded day "
            "(0: the end of the warm-up) is simulated once, with the scenario's values "
            "outside the sweep, and every grid point continues from it, its swept values "
            "acting from the next day on; -1: every run simulates its own history."},
    {.key = "domains",
     .type = TS_PT_STRLIST,
     .def = "[design, roadmap, people, debugging]",
     .min = 1,
     .max = TS_KEYS_MAX_DOMAINS,
     .units = "names",
     .doc = "Kinds of work; each person has a competence and each belief a Beta per "
            "domain."},
};

static const ts_section keys_top = {
    .name = "",
    .optional = 0,
    .params = keys_top_params,
    .n_params = sizeof keys_top_params / sizeof keys_top_params[0],
    .doc = "What the scenario is, how long it runs and how many times.",
};

/* The organisation at day 0. */
static const ts_param keys_org_params[] = {
    {.key = "headcount",
     .type = TS_PT_INT,
     .def = "150",
     .min = 1,
     .max = 10000000,
     .units = "people",
     .doc = "Number of people at day 0, arranged in a balanced management tree."},
    {.key = "span_of_control",
     .type = TS_PT_INT,
     .def = "7",
     .min = 2,
     .max = 1000,
     .units = "reports",
     .doc = "Most direct reports a manager keeps before its team splits in two."},
    {.key = "warmup_days",
     .type = TS_PT_INT,
     .def = "250",
     .min = 0,
     .max = 3650,
     .units = "days",
     .doc = "Days simulated before day 0, without growth, events or records, so the "
            "starting organisation already knows itself."},
};

static const ts_section keys_org = {
    .name = "org",
    .optional = 0,
    .params = keys_org_params,
    .n_params = sizeof keys_org_params / sizeof keys_org_params[0],
    .doc = "The organisation at day 0.",
};

/* The engine's part of `trust`: the store of mental models. */
static const ts_param keys_trust_params[] = {
    {.key = "capacity",
     .type = TS_PT_INT,
     .def = "128",
     .min = 4,
     .max = 4096,
     .units = "models",
     .doc = "Most mental models of others a person holds; when full, the one least "
            "recently touched is forgotten."},
    {.key = "forgetting",
     .type = TS_PT_REAL,
     .def = "0.998",
     .min = 0,
     .max = 1,
     .units = "fraction per day",
     .doc = "Share of the evidence beyond the prior that a belief keeps from one day to "
            "the next."},
};

static const ts_section keys_trust = {
    .name = "trust",
    .optional = 0,
    .params = keys_trust_params,
    .n_params = sizeof keys_trust_params / sizeof keys_trust_params[0],
    .doc = "How many mental models a person holds and how fast evidence fades.",
};

/* Where and how much the run writes. */
static const ts_param keys_output_params[] = {
    {.key = "file",
     .type = TS_PT_STRING,
     .def = "",
     .min = 0,
     .max = 4096,
     .units = "path",
     .doc = "Results file; empty means results/<name>.h5."},
    {.key = "snapshot_every",
     .type = TS_PT_INT,
     .def = "90",
     .min = 0,
     .max = 36500,
     .units = "days",
     .doc = "Period of the snapshots of stored mental models; 0 takes none."},
    {.key = "checkpoints",
     .type = TS_PT_STRLIST,
     .def = "[]",
     .min = 0,
     .max = 64,
     .units = "days",
     .doc = "Recorded days (0 to days - 1; 0 is the end of the warm-up) at whose end the "
            "run's whole state is saved in the results file, to continue it with `trustsim "
            "run --from`.",
     .format = TS_PF_INTEGERS},
    {.key = "snapshot_agents",
     .type = TS_PT_INT,
     .def = "500",
     .min = 0,
     .max = 10000000,
     .units = "agents",
     .doc = "Number of sampled people whose mental models a snapshot stores."},
};

static const ts_section keys_output = {
    .name = "output",
    .optional = 0,
    .params = keys_output_params,
    .n_params = sizeof keys_output_params / sizeof keys_output_params[0],
    .doc = "The results file and its snapshots.",
};

/* A global sensitivity analysis of the scenario (`trustsim sensitivity`, docs/analysis.md).
 * Its factors, `sensitivity.factors: {key.path: [low, high], ...}`, are read by the scenario
 * loader itself (sim/scenario/scenario_design.c), since their names are key paths. */
static const ts_param keys_sensitivity_params[] = {
    {.key = "method",
     .type = TS_PT_ENUM,
     .def = "morris",
     .choices = "morris|sobol",
     .units = "choice",
     .doc = "Morris elementary effects (a screening, r (k + 1) design points) or Sobol' "
            "indices with Saltelli's sampling (N (k + 2) design points), k factors counting "
            "the dummy."},
    {.key = "samples",
     .type = TS_PT_INT,
     .def = "10",
     .min = 2,
     .max = 100000,
     .units = "trajectories or base rows",
     .doc = "Morris: the number of trajectories r; Sobol': the number of base rows N of "
            "the Saltelli design."},
    {.key = "levels",
     .type = TS_PT_INT,
     .def = "4",
     .min = 2,
     .max = 1000,
     .units = "levels",
     .doc = "Morris: the even number of grid levels p of each factor's range."},
    {.key = "replicates",
     .type = TS_PT_INT,
     .def = "0",
     .min = 0,
     .max = 100000,
     .units = "runs",
     .doc = "Runs of every design point, averaged into its output; 0 takes the scenario's "
            "replicates."},
    {.key = "bootstrap",
     .type = TS_PT_INT,
     .def = "1000",
     .min = 0,
     .max = 100000,
     .units = "resamples",
     .doc = "Bootstrap resamples of the 95 % intervals; 0 gives none (and no factor is "
            "then distinguishable from the dummy)."},
    {.key = "metrics",
     .type = TS_PT_STRLIST,
     .def = "[]",
     .min = 0,
     .max = 64,
     .units = "summary scalars",
     .doc = "The summary scalars analysed; empty takes every one the scenario's modules "
            "write."},
};

static const ts_section keys_sensitivity = {
    .name = "sensitivity",
    .optional = 1,
    .params = keys_sensitivity_params,
    .n_params = sizeof keys_sensitivity_params / sizeof keys_sensitivity_params[0],
    .doc = "A sensitivity analysis: the scenario becomes a design over its factors.",
};

const ts_section *const ts_keys_sections[] = {&keys_top, &keys_org, &keys_trust, &keys_output,
                                              &keys_sensitivity};
const size_t ts_keys_n_sections = sizeof ts_keys_sections / sizeof ts_keys_sections[0];

/* [a-z][a-z0-9_]* of at most TS_KEYS_DOMAIN_MAX characters. */
static int keys_is_identifier(const char *s) {
    size_t n = strlen(s);
    if (n == 0 || n > TS_KEYS_DOMAIN_MAX || s[0] < 'a' || s[0] > 'z') {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
            return 0;
        }
    }
    return 1;
}

ts_keys_domain_problem ts_keys_check_domains(const char *const *names, size_t n, size_t *bad) {
    for (size_t i = 0; i < n; i++) {
        const char *d = names[i] ? names[i] : "";
        *bad = i;
        if (!keys_is_identifier(d)) {
            return TS_KEYS_DOMAIN_NOT_IDENTIFIER;
        }
        for (size_t k = 0; k < i; k++) {
            if (names[k] != NULL && strcmp(d, names[k]) == 0) {
                return TS_KEYS_DOMAIN_DUPLICATE;
            }
        }
    }
    return TS_KEYS_DOMAINS_OK;
}

/* output.checkpoints: recorded days, each once; branch_day: a recorded day before the
 * last. */
static ts_status keys_validate_days(const ts_scenario *sc, ts_error *err) {
    long days = (long)ts_scenario_int(sc, "days");
    size_t n = ts_scenario_list_len(sc, "output.checkpoints");
    for (size_t i = 0; i < n; i++) {
        long d = strtol(ts_scenario_list_item(sc, "output.checkpoints", i), NULL, 10);
        if (d < 0 || d >= days) {
            return ts_scenario_fail(sc, "output.checkpoints", err,
                                    "day out of range (got %ld, expected a recorded day from 0 "
                                    "to %ld, days - 1)",
                                    d, days - 1);
        }
        for (size_t k = 0; k < i; k++) {
            if (strtol(ts_scenario_list_item(sc, "output.checkpoints", k), NULL, 10) == d) {
                return ts_scenario_fail(sc, "output.checkpoints", err,
                                        "duplicate day (got %ld twice, expected each day once)", d);
            }
        }
    }
    long branch = (long)ts_scenario_int(sc, "branch_day");
    if (branch >= days) {
        return ts_scenario_fail(sc, "branch_day", err,
                                "day out of range (got %ld, expected -1 or a recorded day from 0 "
                                "to %ld, days - 1)",
                                branch, days - 1);
    }
    return TS_OK;
}

ts_status ts_keys_validate(const ts_scenario *sc, ts_error *err) {
    ts_status days_st = keys_validate_days(sc, err);
    if (days_st != TS_OK) {
        return days_st;
    }
    const char *names[TS_KEYS_MAX_DOMAINS];
    size_t n = ts_scenario_list_len(sc, "domains");
    size_t bad = 0;
    if (n > TS_KEYS_MAX_DOMAINS) {
        return ts_scenario_fail(sc, "domains", err,
                                "too many domains (got %zu, expected at most %d)", n,
                                TS_KEYS_MAX_DOMAINS);
    }
    for (size_t i = 0; i < n; i++) {
        names[i] = ts_scenario_list_item(sc, "domains", i);
    }
    switch (ts_keys_check_domains(names, n, &bad)) {
    case TS_KEYS_DOMAIN_NOT_IDENTIFIER:
        return ts_scenario_fail(sc, "domains", err,
                                "not an identifier (got %s, expected [a-z][a-z0-9_]* of at most %d "
                                "characters)",
                                names[bad] ? names[bad] : "", TS_KEYS_DOMAIN_MAX);
    case TS_KEYS_DOMAIN_DUPLICATE:
        return ts_scenario_fail(sc, "domains", err,
                                "duplicate domain (got %s, expected unique names)", names[bad]);
    case TS_KEYS_DOMAINS_OK:
        break;
    }
    return TS_OK;
}
