/* The scenario schema and helpers shared by the suites of the scenario loader (see
 * scenario_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "scenario_fixture.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* cmocka 1.1 compares floats as float; this compares doubles and shows both. */
void tst_check_near(double got, double want, double eps, const char *file, int line) {
    if (!(fabs(got - want) <= eps)) {
        print_error("%s:%d: got %.17g, expected %.17g (+- %g)\n", file, line, got, want, eps);
        fail();
    }
}

/* ---- The schema ---------------------------------------------------------------------- */

const ts_param tst_sc_top_params[] = {
    {.key = "name",
     .type = TS_PT_STRING,
     .def = "",
     .min = 0,
     .max = 64,
     .units = "text",
     .format = TS_PF_STEM},
    {.key = "days", .type = TS_PT_INT, .def = "365", .min = 1, .max = 36500, .units = "days"},
    {.key = "seed", .type = TS_PT_INT, .def = "1", .min = 0, .max = 9007199254740991.0},
    {.key = "domains",
     .type = TS_PT_STRLIST,
     .def = "[design, roadmap]",
     .min = 1,
     .max = 8,
     .units = "names"},
    {.key = "note", .type = TS_PT_STRING, .def = "plain", .min = 0, .max = 4096},
};
static const ts_section top_section = {.name = "", .params = tst_sc_top_params, .n_params = 5};

/* Two sections share the name "trust", as the engine and a module do. */
const ts_param tst_sc_trust_a_params[] = {
    {.key = "prior_mean",
     .type = TS_PT_REAL,
     .def = "0.6",
     .min = 0,
     .max = 1,
     .units = "probability"},
    {.key = "delegate", .type = TS_PT_REAL, .def = "0.6", .min = 0, .max = 1, .units = "score"},
};
static const ts_section trust_a = {.name = "trust", .params = tst_sc_trust_a_params, .n_params = 2};

const ts_param tst_sc_trust_b_params[] = {
    {.key = "review", .type = TS_PT_REAL, .def = "0.4", .min = 0, .max = 1, .units = "score"},
    {.key = "capacity", .type = TS_PT_INT, .def = "128", .min = 4, .max = 4096},
};
static const ts_section trust_b = {.name = "trust", .params = tst_sc_trust_b_params, .n_params = 2};

const ts_param tst_sc_work_params[] = {
    {.key = "stakeholders.base", .type = TS_PT_REAL, .def = "1", .min = 0, .max = 100},
    {.key = "growth", .type = TS_PT_ENUM, .def = "none", .choices = "none|linear|exponential"},
    {.key = "schedule", .type = TS_PT_POINTS, .def = "[]", .min = 0, .max = 10},
    {.key = "flag", .type = TS_PT_BOOL, .def = "false"},
    {.key = "stakeholders.extra", .type = TS_PT_INT, .def = "3", .min = 0, .max = 10},
};
static const ts_section work_section = {
    .name = "work", .params = tst_sc_work_params, .n_params = 5};

const ts_param tst_sc_feedback_params[] = {
    {.key = "probability",
     .type = TS_PT_REAL,
     .def = "0.3",
     .min = 0,
     .max = 1,
     .units = "probability"},
    {.key = "every", .type = TS_PT_INT, .def = "7", .min = 1, .max = 365},
};
static const ts_section feedback_section = {
    .name = "tactics.feedback", .optional = 1, .params = tst_sc_feedback_params, .n_params = 2};

static const ts_param chats_params[] = {
    {.key = "per_week", .type = TS_PT_REAL, .def = "1", .min = 0, .max = 35},
};
static const ts_section chats_section = {
    .name = "tactics.chats", .optional = 1, .params = chats_params, .n_params = 1};

/* Seventeen integers, to reach the limit of sixteen sweep keys. */
static const ts_param many_params[] = {
    {.key = "k00", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k01", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k02", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k03", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k04", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k05", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k06", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k07", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k08", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k09", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k10", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k11", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k12", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k13", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k14", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k15", .type = TS_PT_INT, .def = "0", .max = 9},
    {.key = "k16", .type = TS_PT_INT, .def = "0", .max = 9},
};
static const ts_section many_section = {.name = "many", .params = many_params, .n_params = 17};

static const ts_section *const test_sections[] = {&top_section, &trust_a,          &work_section,
                                                  &trust_b,     &feedback_section, &chats_section,
                                                  &many_section};

static const ts_param incident_params[] = {
    {.key = "domain", .type = TS_PT_STRING, .def = "design", .min = 0, .max = 32},
    {.key = "hours", .type = TS_PT_REAL, .def = "2000", .min = 1, .max = 1e9},
    {.key = "responders", .type = TS_PT_INT, .def = "25", .min = 1, .max = 1000},
};
static const ts_event_kind incident_kind = {
    .kind = "incident", .params = incident_params, .n_params = 3};
static const ts_param shift_params[] = {
    {.key = "magnitude", .type = TS_PT_REAL, .def = "0.5", .min = 0, .max = 100},
};
static const ts_event_kind shift_kind = {.kind = "shift", .params = shift_params, .n_params = 1};
static const ts_event_kind *const test_kinds[] = {&incident_kind, &shift_kind};

static ts_status validate_thresholds(const ts_scenario *sc, ts_error *err) {
    double review = ts_scenario_real(sc, "trust.review");
    double delegate = ts_scenario_real(sc, "trust.delegate");
    if (review > delegate) {
        return ts_scenario_fail(sc, "trust.review", err,
                                "must not exceed trust.delegate (got %g, expected <= %g)", review,
                                delegate);
    }
    return TS_OK;
}

static ts_status validate_domains(const ts_scenario *sc, ts_error *err) {
    for (size_t i = 0; i < ts_scenario_n_events(sc); i++) {
        const ts_event *ev = ts_scenario_event(sc, i);
        const char *domain = ts_event_string(ev, "domain");
        int known = strcmp(ts_event_kind_name(ev), "incident") != 0;
        for (size_t d = 0; d < ts_scenario_list_len(sc, "domains"); d++) {
            known |= strcmp(ts_scenario_list_item(sc, "domains", d), domain) == 0;
        }
        if (!known) {
            char path[64];
            snprintf(path, sizeof path, "events[%zu].domain", ts_event_index(ev));
            return ts_scenario_fail(sc, path, err, "unknown domain (got %s)", domain);
        }
    }
    return TS_OK;
}

static const ts_validate_fn test_validators[] = {validate_thresholds, validate_domains};

const ts_schema tst_sc_schema = {
    .sections = test_sections,
    .n_sections = sizeof test_sections / sizeof test_sections[0],
    .event_kinds = test_kinds,
    .n_event_kinds = 2,
    .validators = test_validators,
    .n_validators = 2,
};

/* ---- Helpers ---------------------------------------------------------------------- */

const char tst_sc_variants_text[] = "tactics: {chats: {enabled: false, per_week: 4}}\n"
                                    "sweep:\n"
                                    "  seed: [1, 2]\n"
                                    "  variants:\n"
                                    "    - name: none\n"
                                    "    - {name: feedback, tactics.feedback: {}}\n"
                                    "    - name: chats\n"
                                    "      tactics: {chats: {}}\n"
                                    "      days: 30\n"
                                    "    - {name: tuned, tactics.feedback.every: 3, trust: "
                                    "{prior_mean: 0.9}}\n";

ts_ynode *tst_sc_parse(const char *text) {
    ts_ynode *root = NULL;
    ts_yerror yerr;
    ts_status st = ts_yaml_parse(text, strlen(text), &root, &yerr);
    if (st != TS_OK) {
        print_error("%d:%d: %s\n", yerr.line, yerr.col, yerr.msg);
    }
    assert_int_equal(st, TS_OK);
    return root;
}

/* Loads text as "s.yaml" and finalizes; fails the test on any error. */
ts_scenario *tst_sc_load_ok(const char *text) {
    ts_error err = {0};
    ts_scenario *sc = NULL;
    ts_status st = ts_scenario_load_string(&tst_sc_schema, text, "s.yaml", NULL, &sc, &err);
    if (st == TS_OK) {
        st = ts_scenario_finalize(sc, &err);
    }
    if (st != TS_OK) {
        print_error("unexpected error: %s\n", err.msg);
    }
    assert_int_equal(st, TS_OK);
    return sc;
}

/* Loading text as "s.yaml" (then finalizing) fails with exactly this message. */
void tst_sc_expect_error(const char *text, const char *msg) {
    ts_error err = {0};
    ts_scenario *sc = NULL;
    ts_status st = ts_scenario_load_string(&tst_sc_schema, text, "s.yaml", NULL, &sc, &err);
    if (st == TS_OK) {
        st = ts_scenario_finalize(sc, &err);
        ts_scenario_free(sc);
    } else {
        assert_null(sc);
    }
    assert_int_equal(st, TS_ERR_SCENARIO);
    assert_int_equal(err.status, TS_ERR_SCENARIO);
    assert_string_equal(err.msg, msg);
}

/* Applying --set to an empty scenario fails with exactly this message. */
void tst_sc_expect_set_error(const char *assignment, const char *msg) {
    ts_error err = {0};
    ts_scenario *sc = tst_sc_load_ok("");
    assert_int_equal(ts_scenario_set(sc, assignment, &err), TS_ERR_SCENARIO);
    assert_string_equal(err.msg, msg);
    ts_scenario_free(sc);
}

ts_scenario *tst_sc_set_ok(ts_scenario *sc, const char *assignment) {
    ts_error err = {0};
    ts_status st = ts_scenario_set(sc, assignment, &err);
    if (st != TS_OK) {
        print_error("unexpected error: %s\n", err.msg);
    }
    assert_int_equal(st, TS_OK);
    return sc;
}

ts_scenario *tst_sc_point_ok(const ts_scenario *sc, size_t g) {
    ts_scenario *pt = NULL;
    ts_error err = {0};
    ts_status st = ts_scenario_at_point(sc, g, &pt, &err);
    if (st != TS_OK) {
        print_error("unexpected error: %s\n", err.msg);
    }
    assert_int_equal(st, TS_OK);
    return pt;
}
