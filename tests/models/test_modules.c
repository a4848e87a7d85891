/* Tests of models/modules.c: the module table and the scenario schema it assembles
 * with sim/scenario/keys.c (well-formed keys, the keys of the contract, the cross-key validators
 * of every module) and that docs/scenarios.md documents exactly that schema. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "hiring.h"
#include "incident.h"
#include "keys.h"
#include "modules.h"
#include "test_support.h"
#include "trust.h"

/* ---- Helpers ------------------------------------------------------------------ */

static const char *ptype_name(ts_ptype t) {
    switch (t) {
    case TS_PT_INT:
        return "int";
    case TS_PT_REAL:
        return "real";
    case TS_PT_BOOL:
        return "bool";
    case TS_PT_STRING:
        return "string";
    case TS_PT_ENUM:
        return "enum";
    case TS_PT_STRLIST:
        return "strlist";
    case TS_PT_POINTS:
        return "points";
    }
    return "?";
}

/* "section.key", or "key" for the top level. */
static void full_path(char *buf, size_t size, const ts_section *s, const ts_param *p) {
    if (s->name[0] == '\0') {
        snprintf(buf, size, "%s", p->key);
    } else {
        snprintf(buf, size, "%s.%s", s->name, p->key);
    }
}

/* Finds a key by its full path in the schema; NULL if absent. */
static const ts_param *find_param(const ts_schema *sch, const char *path) {
    char buf[256];
    for (size_t i = 0; i < sch->n_sections; i++) {
        const ts_section *s = sch->sections[i];
        for (size_t k = 0; k < s->n_params; k++) {
            full_path(buf, sizeof buf, s, &s->params[k]);
            if (strcmp(buf, path) == 0) {
                return &s->params[k];
            }
        }
    }
    return NULL;
}

static const ts_event_kind *find_kind(const ts_schema *sch, const char *kind) {
    for (size_t i = 0; i < sch->n_event_kinds; i++) {
        if (strcmp(sch->event_kinds[i]->kind, kind) == 0) {
            return sch->event_kinds[i];
        }
    }
    return NULL;
}

static int parse_number(const char *text, double *out) {
    char *end = NULL;
    if (text[0] == '\0') {
        return 0;
    }
    *out = strtod(text, &end);
    return *end == '\0' && isfinite(*out);
}

static int is_identifier(const char *s, size_t n) {
    if (n == 0 || n > TS_KEYS_DOMAIN_MAX || s[0] < 'a' || s[0] > 'z') {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_')) {
            return 0;
        }
    }
    return 1;
}

/* Counts the items of "[a, b, c]" (identifiers, unique); -1 if malformed. */
static int count_strlist(const char *text) {
    char items[16][64];
    int n = 0;
    size_t len = strlen(text);
    if (len < 2 || text[0] != '[' || text[len - 1] != ']') {
        return -1;
    }
    const char *p = text + 1;
    const char *end = text + len - 1;
    while (p < end) {
        while (p < end && *p == ' ') {
            p++;
        }
        const char *q = p;
        while (q < end && *q != ',') {
            q++;
        }
        size_t w = (size_t)(q - p);
        while (w > 0 && p[w - 1] == ' ') {
            w--;
        }
        if (!is_identifier(p, w) || n >= 16) {
            return -1;
        }
        memcpy(items[n], p, w);
        items[n][w] = '\0';
        for (int k = 0; k < n; k++) {
            if (strcmp(items[k], items[n]) == 0) {
                return -1;
            }
        }
        n++;
        p = q < end ? q + 1 : q;
    }
    return n;
}

/* Counts the pairs of "[[x, y], ...]"; -1 if malformed or x not increasing. */
static int count_points(const char *text) {
    int n = 0;
    double last_x = -INFINITY;
    const char *p = text;
    if (*p++ != '[') {
        return -1;
    }
    for (;;) {
        while (*p == ' ' || *p == ',') {
            p++;
        }
        if (*p == ']') {
            return p[1] == '\0' ? n : -1;
        }
        double x;
        double y;
        int used = 0;
        if (sscanf(p, "[%lf ,%lf ]%n", &x, &y, &used) != 2 || used == 0 || !(x > last_x)) {
            return -1;
        }
        last_x = x;
        p += used;
        n++;
    }
}

static int choice_allowed(const char *choices, const char *value) {
    size_t n = strlen(value);
    const char *p = choices;
    while (p != NULL && *p != '\0') {
        const char *bar = strchr(p, '|');
        size_t w = bar ? (size_t)(bar - p) : strlen(p);
        if (w == n && strncmp(p, value, n) == 0) {
            return 1;
        }
        p = bar ? bar + 1 : NULL;
    }
    return 0;
}

/* Checks one key's declaration; `what` names it in failure messages. */
static void check_param(const char *what, const ts_param *p) {
    double v = 0.0;
    int count;
    if (p->units == NULL || p->units[0] == '\0' || p->doc == NULL || p->doc[0] == '\0') {
        fail_msg("%s: units and doc must not be empty", what);
    }
    if (p->doc[strlen(p->doc) - 1] != '.') {
        fail_msg("%s: doc must be a sentence ending with a full stop", what);
    }
    if (p->def == NULL) {
        fail_msg("%s: no default", what);
    }
    if (p->type != TS_PT_ENUM && p->choices != NULL) {
        fail_msg("%s: choices on a key that is not an enum", what);
    }
    switch (p->type) {
    case TS_PT_INT:
    case TS_PT_REAL:
        if (!parse_number(p->def, &v)) {
            fail_msg("%s: default %s is not a number", what, p->def);
        }
        if (!(p->min <= v && v <= p->max)) {
            fail_msg("%s: default %s outside [%g, %g]", what, p->def, p->min, p->max);
        }
        if (p->type == TS_PT_INT && (v != floor(v) || strchr(p->def, '.') != NULL ||
                                     p->min != floor(p->min) || p->max != floor(p->max))) {
            fail_msg("%s: default %s or range [%g, %g] not integral", what, p->def, p->min, p->max);
        }
        break;
    case TS_PT_BOOL:
        if (strcmp(p->def, "true") != 0 && strcmp(p->def, "false") != 0) {
            fail_msg("%s: default %s is not a boolean", what, p->def);
        }
        break;
    case TS_PT_STRING:
        if (!(p->max >= 1 && (double)strlen(p->def) <= p->max)) {
            fail_msg("%s: default longer than %g characters", what, p->max);
        }
        break;
    case TS_PT_ENUM:
        if (p->choices == NULL || !choice_allowed(p->choices, p->def)) {
            fail_msg("%s: default %s not among the choices", what, p->def);
        }
        break;
    case TS_PT_STRLIST:
        count = count_strlist(p->def);
        if (count < 0 || count < p->min || count > p->max) {
            fail_msg("%s: default %s is not a list of %g..%g identifiers", what, p->def, p->min,
                     p->max);
        }
        break;
    case TS_PT_POINTS:
        count = count_points(p->def);
        if (count < 0 || count < p->min || count > p->max) {
            fail_msg("%s: default %s is not a list of %g..%g points", what, p->def, p->min, p->max);
        }
        break;
    }
}

/* Loads a scenario from text and finalizes it. On success returns it (caller frees). */
static ts_status load(const char *text, ts_scenario **out, ts_error *err) {
    ts_scenario *sc = NULL;
    ts_error_clear(err);
    ts_status st = ts_scenario_load_string(ts_modules_schema(), text, "t.yaml", NULL, &sc, err);
    if (st == TS_OK) {
        st = ts_scenario_finalize(sc, err);
    }
    if (st != TS_OK) {
        ts_scenario_free(sc);
        sc = NULL;
    }
    *out = sc;
    return st;
}

static void expect_ok(const char *text) {
    ts_scenario *sc = NULL;
    ts_error err;
    ts_status st = load(text, &sc, &err);
    if (st != TS_OK) {
        fail_msg("expected to load:\n%s\nbut got: %s", text, err.msg);
    }
    ts_scenario_free(sc);
}

/* Expects a scenario error whose message contains every non-NULL fragment. */
static void expect_fail(const char *text, const char *frag1, const char *frag2) {
    ts_scenario *sc = NULL;
    ts_error err;
    ts_status st = load(text, &sc, &err);
    if (st == TS_OK) {
        ts_scenario_free(sc);
        fail_msg("expected an error for:\n%s", text);
    }
    assert_int_equal(st, TS_ERR_SCENARIO);
    assert_null(sc);
    if ((frag1 && !strstr(err.msg, frag1)) || (frag2 && !strstr(err.msg, frag2))) {
        fail_msg("message \"%s\" lacks \"%s\" / \"%s\"", err.msg, frag1 ? frag1 : "",
                 frag2 ? frag2 : "");
    }
}

/* ---- The module table and the schema ------------------------------------------ */

/* The table, from its own entries: names and stream keys unique, declarations complete,
 * the org order declarations hold and name modules of the table. */
static void test_module_table(void **state) {
    (void)state;
    ts_error err;
    assert_true(ts_n_modules > 0);
    for (size_t i = 0; i < ts_n_modules; i++) {
        const ts_module *m = ts_modules[i];
        assert_non_null(m->name);
        assert_true(strlen(m->name) > 0);
        assert_true(m->n_sections == 0 || m->sections != NULL);
        assert_true(m->n_event_kinds == 0 || m->event_kinds != NULL);
        assert_true(m->n_metrics == 0 || m->metrics != NULL);
        assert_true(m->n_org_after == 0 || m->org_after != NULL);
        for (size_t k = 0; k < i; k++) {
            assert_string_not_equal(ts_modules[k]->name, m->name);
            assert_int_not_equal(ts_module_stream_key(ts_modules[k]->name),
                                 ts_module_stream_key(m->name));
        }
        for (size_t k = 0; k < m->n_org_after; k++) {
            int known = 0;
            for (size_t j = 0; j < ts_n_modules; j++) {
                known |= strcmp(ts_modules[j]->name, m->org_after[k]) == 0;
            }
            if (!known) {
                fail_msg("%s runs after %s, which is not in the table", m->name, m->org_after[k]);
            }
        }
    }
    assert_int_equal(ts_engine_check_order(ts_modules, ts_n_modules, &err), TS_OK);
}

/* The order check can fail: moving each module a module must follow to just after it is
 * refused, naming the module moved. */
static void test_module_order_checked(void **state) {
    (void)state;
    const ts_module *copy[64];
    assert_true(ts_n_modules <= 64);
    size_t checked = 0;
    for (size_t i = 0; i < ts_n_modules; i++) {
        for (size_t k = 0; k < ts_modules[i]->n_org_after; k++) {
            size_t j = 0;
            while (strcmp(ts_modules[j]->name, ts_modules[i]->org_after[k]) != 0) {
                j++;
            }
            /* The table without module j, then j put back right after module i. */
            size_t n = 0;
            for (size_t m = 0; m < ts_n_modules; m++) {
                if (m != j) {
                    copy[n++] = ts_modules[m];
                }
                if (m == i) {
                    copy[n++] = ts_modules[j];
                }
            }
            ts_error err;
            assert_int_equal(ts_engine_check_order(copy, n, &err), TS_ERR_INTERNAL);
            assert_non_null(strstr(err.msg, ts_modules[j]->name));
            checked++;
        }
    }
    assert_true(checked > 0);
}

static void test_schema_assembled(void **state) {
    (void)state;
    const ts_schema *sch = ts_modules_schema();
    assert_non_null(sch);
    assert_ptr_equal(ts_modules_schema(), sch);
    /* The engine's sections first, then each module's in table order. */
    size_t n_sections = ts_keys_n_sections, n_validators = 1, n_kinds = 0;
    for (size_t m = 0; m < ts_n_modules; m++) {
        n_sections += ts_modules[m]->n_sections;
        n_validators += ts_modules[m]->validate != NULL;
        n_kinds += ts_modules[m]->n_event_kinds;
    }
    assert_int_equal(sch->n_sections, n_sections);
    size_t at = ts_keys_n_sections;
    for (size_t m = 0; m < ts_n_modules; m++) {
        for (size_t k = 0; k < ts_modules[m]->n_sections; k++) {
            assert_ptr_equal(sch->sections[at++], ts_modules[m]->sections[k]);
        }
    }
    for (size_t i = 0; i < ts_keys_n_sections; i++) {
        assert_ptr_equal(sch->sections[i], ts_keys_sections[i]);
    }
    /* Validators: the engine's first, then the modules' in table order. */
    assert_int_equal(sch->n_validators, n_validators);
    assert_ptr_equal(sch->validators[0], ts_keys_validate);
    for (size_t m = 0, v = 1; m < ts_n_modules; m++) {
        if (ts_modules[m]->validate) {
            assert_ptr_equal(sch->validators[v++], ts_modules[m]->validate);
        }
    }
    assert_int_equal(sch->n_event_kinds, n_kinds);
    assert_string_equal(sch->event_kinds[0]->kind, "incident");
    assert_string_equal(sch->event_kinds[1]->kind, "strategy_shift");
}

static void test_sections_well_formed(void **state) {
    (void)state;
    const ts_schema *sch = ts_modules_schema();
    char a[256];
    char b[256];
    size_t n_keys = 0;
    for (size_t i = 0; i < sch->n_sections; i++) {
        const ts_section *s = sch->sections[i];
        assert_non_null(s->name);
        assert_non_null(s->doc);
        assert_true(s->doc[0] != '\0');
        /* Tactics, experiments, the sensitivity analysis and the mechanisms that are on when
         * present (openness, population.acceptance, population.ai), and only they, are
         * optional. */
        assert_int_equal(s->optional != 0, strncmp(s->name, "tactics.", 8) == 0 ||
                                               strncmp(s->name, "experiments.", 12) == 0 ||
                                               strcmp(s->name, "sensitivity") == 0 ||
                                               strcmp(s->name, "openness") == 0 ||
                                               strcmp(s->name, "population.acceptance") == 0 ||
                                               strcmp(s->name, "population.ai") == 0);
        for (size_t k = 0; k < s->n_params; k++) {
            full_path(a, sizeof a, s, &s->params[k]);
            check_param(a, &s->params[k]);
            if (strcmp(s->params[k].key, "enabled") == 0) {
                continue;
            }
            n_keys++;
            /* Unique across the whole schema, whatever section declares it. */
            for (size_t j = 0; j < sch->n_sections; j++) {
                const ts_section *t = sch->sections[j];
                for (size_t m = 0; m < t->n_params; m++) {
                    full_path(b, sizeof b, t, &t->params[m]);
                    if ((j != i || m != k) && strcmp(a, b) == 0) {
                        fail_msg("%s declared twice", a);
                    }
                }
            }
        }
    }
    assert_true(n_keys > 0);
}

static void test_event_kinds_well_formed(void **state) {
    (void)state;
    const ts_schema *sch = ts_modules_schema();
    char what[256];
    for (size_t i = 0; i < sch->n_event_kinds; i++) {
        const ts_event_kind *ek = sch->event_kinds[i];
        assert_true(ek->doc != NULL && ek->doc[0] != '\0');
        for (size_t k = 0; k < ek->n_params; k++) {
            snprintf(what, sizeof what, "%s.%s", ek->kind, ek->params[k].key);
            check_param(what, &ek->params[k]);
            /* `day` and `kind` belong to every event and are not declared. */
            assert_string_not_equal(ek->params[k].key, "day");
            assert_string_not_equal(ek->params[k].key, "kind");
            for (size_t m = 0; m < k; m++) {
                assert_string_not_equal(ek->params[k].key, ek->params[m].key);
            }
        }
    }
}

/* The event kinds the scenarios and docs rely on are declared (their fields are checked
 * against docs/scenarios.md by test_docs_match_schema). */
static void test_event_kinds_present(void **state) {
    (void)state;
    const ts_schema *sch = ts_modules_schema();
    assert_non_null(find_kind(sch, "incident"));
    assert_non_null(find_kind(sch, "strategy_shift"));
    assert_null(find_kind(sch, "reorg"));
}

/* ---- Validators (through the loader) --------------------------------------------- */

static void test_defaults_load(void **state) {
    (void)state;
    ts_scenario *sc = NULL;
    ts_error err;
    assert_int_equal(load("{}\n", &sc, &err), TS_OK);
    const ts_schema *sch = ts_modules_schema();
    char path[256];
    /* Every declared default reads back through the getters. */
    for (size_t i = 0; i < sch->n_sections; i++) {
        const ts_section *s = sch->sections[i];
        for (size_t k = 0; k < s->n_params; k++) {
            const ts_param *p = &s->params[k];
            full_path(path, sizeof path, s, p);
            double v = 0.0;
            switch (p->type) {
            case TS_PT_INT:
            case TS_PT_REAL:
                assert_true(parse_number(p->def, &v));
                if (ts_scenario_real(sc, path) != v) {
                    fail_msg("%s reads %g, default %s", path, ts_scenario_real(sc, path), p->def);
                }
                break;
            case TS_PT_STRING:
            case TS_PT_ENUM:
                assert_string_equal(ts_scenario_string(sc, path), p->def);
                break;
            case TS_PT_BOOL:
                assert_int_equal(ts_scenario_bool(sc, path), strcmp(p->def, "true") == 0);
                break;
            case TS_PT_STRLIST:
                assert_int_equal(ts_scenario_list_len(sc, path), count_strlist(p->def));
                break;
            case TS_PT_POINTS:
                assert_int_equal(ts_scenario_list_len(sc, path), count_points(p->def));
                break;
            }
        }
    }
    assert_int_equal(ts_scenario_int(sc, "org.headcount"), 150);
    assert_string_equal(ts_scenario_list_item(sc, "domains", 3), "debugging");
    /* Tactics are off unless present. */
    assert_false(ts_scenario_section_on(sc, "tactics.feedback"));
    assert_true(ts_scenario_section_on(sc, "culture"));
    ts_scenario_free(sc);
}

static void test_default_scenario_valid(void **state) {
    (void)state;
    ts_scenario *sc = NULL;
    ts_error err;
    ts_error_clear(&err);
    ts_status st =
        ts_scenario_load(ts_modules_schema(), TS_SOURCE_DIR "/scenarios/default.yaml", &sc, &err);
    if (st == TS_OK) {
        st = ts_scenario_finalize(sc, &err);
    }
    if (st != TS_OK) {
        fail_msg("scenarios/default.yaml: %s", err.msg);
    }
    assert_string_equal(ts_scenario_name(sc), "default");
    assert_int_equal(ts_scenario_int(sc, "days"), 365);
    assert_int_equal(ts_scenario_int(sc, "org.headcount"), 150);
    assert_int_equal(ts_scenario_int(sc, "replicates"), 1);
    assert_string_equal(ts_scenario_string(sc, "hiring.growth"), "exponential");
    assert_true(fabs(ts_scenario_real(sc, "hiring.annual_rate") - 0.5) < 1e-12);
    assert_int_equal(ts_scenario_int(sc, "output.snapshot_every"), 90);
    assert_true(ts_scenario_section_on(sc, "tactics.one_on_ones"));
    assert_true(ts_scenario_section_on(sc, "tactics.feedback"));
    assert_true(ts_scenario_section_on(sc, "tactics.repair"));
    assert_false(ts_scenario_section_on(sc, "tactics.offsites"));
    assert_int_equal(ts_scenario_n_events(sc), 1);
    const ts_event *ev = ts_scenario_event(sc, 0);
    assert_string_equal(ts_event_kind_name(ev), "incident");
    assert_string_equal(ts_event_string(ev, "domain"), "debugging");
    assert_true(ts_event_day(ev) > 120 && ts_event_day(ev) < 240);
    assert_true(fabs(ts_event_real(ev, "responders") - 25) < 1e-12);
    ts_scenario_free(sc);
}

static void test_domain_names_checked(void **state) {
    (void)state;
    const char *good[] = {"design", "code_review2", "x", "a_name_exactly_thirty_two_chars_"};
    const char *upper[] = {"design", "Roadmap"};
    const char *digit[] = {"2fa"};
    const char *dash[] = {"ops", "on-call"};
    const char *too_long[] = {"a_name_that_is_thirty_three_chars"};
    const char *empty[] = {"design", ""};
    const char *null_name[] = {NULL};
    const char *dup[] = {"design", "roadmap", "people", "roadmap"};
    size_t bad = 99;
    assert_int_equal(strlen(good[3]), 32);
    assert_int_equal(strlen(too_long[0]), 33);
    assert_int_equal(ts_keys_check_domains(good, 4, &bad), TS_KEYS_DOMAINS_OK);
    assert_int_equal(ts_keys_check_domains(good, 0, &bad), TS_KEYS_DOMAINS_OK);
    assert_int_equal(ts_keys_check_domains(upper, 2, &bad), TS_KEYS_DOMAIN_NOT_IDENTIFIER);
    assert_int_equal(bad, 1);
    assert_int_equal(ts_keys_check_domains(digit, 1, &bad), TS_KEYS_DOMAIN_NOT_IDENTIFIER);
    assert_int_equal(bad, 0);
    assert_int_equal(ts_keys_check_domains(dash, 2, &bad), TS_KEYS_DOMAIN_NOT_IDENTIFIER);
    assert_int_equal(bad, 1);
    assert_int_equal(ts_keys_check_domains(too_long, 1, &bad), TS_KEYS_DOMAIN_NOT_IDENTIFIER);
    assert_int_equal(ts_keys_check_domains(empty, 2, &bad), TS_KEYS_DOMAIN_NOT_IDENTIFIER);
    assert_int_equal(bad, 1);
    assert_int_equal(ts_keys_check_domains(null_name, 1, &bad), TS_KEYS_DOMAIN_NOT_IDENTIFIER);
    assert_int_equal(ts_keys_check_domains(dup, 4, &bad), TS_KEYS_DOMAIN_DUPLICATE);
    assert_int_equal(bad, 3);
}

/* The loader also checks names as it reads a strlist, so a bad list may be stopped
 * there, before ts_keys_validate; either way the message names `domains`, the value
 * and where it was written. */
static void test_domains_validated(void **state) {
    (void)state;
    expect_ok("domains: [design, code_review2, x]\n");
    expect_fail("domains: [design, roadmap, design]\n", "t.yaml:1:", "domains: duplicate");
    expect_fail("domains: [design, roadmap, design]\n", "design", "expected unique names)");
    expect_fail("domains: [Design]\n", "t.yaml:1:", "domains: not an identifier");
    expect_fail("domains: [2fa]\n", "domains: ", "2fa");
    expect_fail("domains: [a_name_that_is_thirty_three_chars]\n",
                "domains: ", "a_name_that_is_thirty_three_chars");
    expect_ok("domains: [a_name_exactly_thirty_two_chars_]\n"
              "events: [{day: 3, kind: incident, domain: a_name_exactly_thirty_two_chars_}]\n");
}

static void test_thresholds_validated(void **state) {
    (void)state;
    expect_ok("trust: {review_threshold: 0.55, delegate_threshold: 0.55}\n");
    expect_fail("seed: 3\ntrust:\n  review_threshold: 0.7\n", "t.yaml:3:",
                "trust.review_threshold: must not exceed trust.delegate_threshold "
                "(got 0.7, expected <= 0.6)");
    expect_fail("trust: {delegate_threshold: 0.35}\n",
                "trust.review_threshold: ", "(got 0.4, expected <= 0.35)");
}

static void test_threshold_set_validated(void **state) {
    (void)state;
    ts_scenario *sc = NULL;
    ts_error err;
    ts_error_clear(&err);
    assert_int_equal(
        ts_scenario_load_string(ts_modules_schema(), "days: 30\n", "t.yaml", NULL, &sc, &err),
        TS_OK);
    assert_int_equal(ts_scenario_set(sc, "trust.review_threshold=0.65", &err), TS_OK);
    assert_int_equal(ts_scenario_finalize(sc, &err), TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "--set"));
    assert_non_null(strstr(err.msg, "trust.review_threshold: must not exceed"));
    ts_scenario_free(sc);
}

static void test_population_validated(void **state) {
    (void)state;
    /* sd^2 < mean (1 - mean): 0.45^2 = 0.2025 < 0.21 passes, 0.46^2 = 0.2116 fails. */
    expect_ok("population: {competence: {mean: 0.7, sd: 0.45}}\n");
    expect_ok("population: {candor: {mean: 0.3717, sd: 0}}\n");
    expect_fail("population: {competence: {mean: 0.7, sd: 0.46}}\n",
                "population.competence.sd: ", "(got 0.46, expected < 0.4583)");
    expect_fail("population:\n  competence: {mean: 0}\n", "t.yaml:2:",
                "population.competence.mean: no Beta distribution has this mean (got 0, "
                "expected 0 < mean < 1)");
    expect_fail("population: {candor: {mean: 1, sd: 0}}\n", "population.candor.mean: ", "(got 1,");
    expect_fail("population: {openness: {mean: 0.1, sd: 0.31}}\n",
                "population.openness.sd: ", "(got 0.31, expected < 0.3)");
    expect_fail("population: {empathy: {mean: 0.5, sd: 0.5}}\n",
                "population.empathy.sd: ", "(got 0.5, expected < 0.5)");
}

static void test_hiring_validated(void **state) {
    (void)state;
    expect_ok("hiring: {growth: schedule, schedule: [[0, 150], [200, 400]]}\n");
    expect_ok("org: {headcount: 300}\nhiring: {max_headcount: 300}\n");
    expect_fail("hiring:\n  growth: schedule\n", "t.yaml:2:11:",
                "hiring.growth: schedule needs hiring.schedule (got no points, expected at "
                "least one [day, headcount] point)");
    expect_fail("hiring:\n  growth: schedule\n  schedule: []\n", "t.yaml:3:",
                "hiring.schedule: required when hiring.growth is schedule (got [], expected at "
                "least one [day, headcount] point)");
    expect_fail("hiring: {growth: linear, max_headcount: 149}\n", "hiring.max_headcount: ",
                "must be at least org.headcount (got 149, expected >= 150)");
    expect_fail("org: {headcount: 20}\nhiring: {max_headcount: 19}\n",
                "hiring.max_headcount: ", "(got 19, expected >= 20)");
}

static void test_incidents_validated(void **state) {
    (void)state;
    expect_ok("events:\n  - {day: 9, kind: incident, responders: 6, workstreams: 6}\n"
              "  - {day: 4, kind: strategy_shift, magnitude: 0.37}\n");
    expect_ok("domains: [ops]\nevents: [{day: 9, kind: incident, domain: ops}]\n");
    /* The bad event is the second written but the first by day: index 1 all the same. */
    expect_fail("events:\n  - {day: 50, kind: incident}\n"
                "  - {day: 20, kind: incident, domain: marketing}\n",
                "t.yaml:3:",
                "events[1].domain: unknown domain (got marketing, expected one of design, "
                "roadmap, people, debugging)");
    expect_fail("domains: [ops, sales]\nevents: [{day: 9, kind: incident}]\n",
                "events[0].domain: ", "(got debugging, expected one of ops, sales)");
    expect_fail("events: [{day: 9, kind: incident, responders: 25, workstreams: 30}]\n",
                "events[0].workstreams: ", "must not exceed responders (got 30, expected <= 25)");
    expect_fail("events: [{day: 9, kind: incident, responders: 3}]\n",
                "events[0].workstreams: ", "(got 6, expected <= 3)");
}

static void test_tactic_sections(void **state) {
    (void)state;
    ts_scenario *sc = NULL;
    ts_error err;
    assert_int_equal(load("tactics:\n  feedback: {}\n  coffee_chats: {enabled: false}\n"
                          "  offsites: {every: 90}\n",
                          &sc, &err),
                     TS_OK);
    assert_true(ts_scenario_section_on(sc, "tactics.feedback"));
    assert_false(ts_scenario_section_on(sc, "tactics.coffee_chats"));
    assert_true(ts_scenario_section_on(sc, "tactics.offsites"));
    assert_false(ts_scenario_section_on(sc, "tactics.broadcast"));
    assert_int_equal(ts_scenario_int(sc, "tactics.offsites.every"), 90);
    assert_int_equal(ts_scenario_int(sc, "tactics.offsites.meetings"), 10);
    ts_scenario_free(sc);
}

/* ---- Summary scalars are declared ------------------------------------------------ */

/* Every summary scalar a run writes is declared by a module that is on, exactly once, and
 * every declared one is written: with every tactic on (the optional sections of the schema)
 * and with the defaults only, on a small organisation. */
static void check_summaries(const char *yaml) {
    tst_fullrun x;
    tst_fullrun_open(&x, yaml, 41);
    const ts_result *r = &x.r;
    size_t declared = 0;
    for (size_t m = 0; m < ts_n_modules; m++) {
        const ts_module *mod = ts_modules[m];
        assert_true(mod->n_summaries == 0 || mod->summaries != NULL);
        if (!ts_engine_module_on(mod, x.sc)) {
            continue;
        }
        for (size_t i = 0; i < mod->n_summaries; i++) {
            size_t found = 0;
            for (size_t j = 0; j < r->n_summary; j++) {
                found += strcmp(r->summary[j].name, mod->summaries[i].name) == 0;
            }
            if (found != 1) {
                fail_msg("%s declares %s; the run wrote it %zu times", mod->name,
                         mod->summaries[i].name, found);
            }
            declared++;
        }
    }
    for (size_t j = 0; j < r->n_summary; j++) {
        const ts_metric_decl *d =
            ts_engine_summary_find(ts_modules, ts_n_modules, x.sc, r->summary[j].name);
        if (d == NULL) {
            fail_msg("the run wrote %s, which no module that is on declares", r->summary[j].name);
        }
        assert_string_equal(d->units, r->summary[j].units);
    }
    assert_int_equal(declared, r->n_summary);
    assert_null(ts_engine_summary_find(ts_modules, ts_n_modules, x.sc, "no_such_summary"));
    tst_fullrun_close(&x);
}

static void test_summaries_declared(void **state) {
    (void)state;
    char yaml[4096];
    tst_every_module_yaml(yaml, sizeof yaml, "days: 90\norg: {headcount: 25, warmup_days: 10}\n");
    check_summaries(yaml);
    check_summaries("days: 90\norg: {headcount: 25, warmup_days: 10}\n");
}

/* ---- docs/scenarios.md matches the schema --------------------------------------- */

typedef struct doc_row {
    char path[128];
    char type[32];
    char def[128];
    char range[128];
    char units[128];
    int seen;
} doc_row;

static void trim(char *s) {
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r')) {
        s[--n] = '\0';
    }
    size_t k = 0;
    while (s[k] == ' ') {
        k++;
    }
    memmove(s, s + k, n - k + 1);
}

/* Copies the next `|`-separated cell of a table row (pipes inside backticks are text). */
static const char *next_cell(const char *p, char *out, size_t size) {
    size_t n = 0;
    int code = 0;
    while (*p != '\0' && (*p != '|' || code)) {
        if (*p == '`') {
            code = !code;
        }
        if (n + 1 < size) {
            out[n++] = *p;
        }
        p++;
    }
    out[n] = '\0';
    trim(out);
    return *p == '|' ? p + 1 : p;
}

/* Drops one pair of surrounding backticks. */
static void unquote(char *s) {
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '`' && s[n - 1] == '`') {
        memmove(s, s + 1, n - 2);
        s[n - 2] = '\0';
    }
}

static size_t read_doc_rows(doc_row *rows, size_t max) {
    FILE *f = fopen(TS_SOURCE_DIR "/docs/scenarios.md", "r");
    if (f == NULL) {
        fail_msg("cannot open docs/scenarios.md");
    }
    char line[2048];
    size_t n = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "| `", 3) != 0) {
            continue;
        }
        assert_true(n < max);
        doc_row *r = &rows[n++];
        memset(r, 0, sizeof *r);
        const char *p = next_cell(line + 1, r->path, sizeof r->path);
        p = next_cell(p, r->type, sizeof r->type);
        p = next_cell(p, r->def, sizeof r->def);
        p = next_cell(p, r->range, sizeof r->range);
        next_cell(p, r->units, sizeof r->units);
        unquote(r->path);
        unquote(r->def);
    }
    fclose(f);
    return n;
}

/* Why a documented row differs from the code (into `why`), or 0 if it matches. */
static int doc_row_mismatch(const doc_row *r, const ts_param *p, char *why, size_t size) {
    const char *def = p->def[0] == '\0' ? "\"\"" : p->def;
    if (strcmp(r->type, ptype_name(p->type)) != 0 || strcmp(r->def, def) != 0) {
        snprintf(why, size, "%s is \"%s %s\", code \"%s %s\"", r->path, r->type, r->def,
                 ptype_name(p->type), def);
        return 1;
    }
    if (strcmp(r->units, p->units) != 0) {
        snprintf(why, size, "%s units \"%s\", code \"%s\"", r->path, r->units, p->units);
        return 1;
    }
    if (p->type == TS_PT_INT || p->type == TS_PT_REAL) {
        double lo;
        double hi;
        int used = 0;
        if (sscanf(r->range, "[%lf, %lf]%n", &lo, &hi, &used) != 2 || r->range[used] != '\0' ||
            lo != p->min || hi != p->max) {
            snprintf(why, size, "%s has range \"%s\", code [%.17g, %.17g]", r->path, r->range,
                     p->min, p->max);
            return 1;
        }
    }
    if (p->type == TS_PT_ENUM) {
        char choices[256];
        size_t n = 0;
        for (const char *c = p->choices; *c != '\0' && n + 3 < sizeof choices; c++) {
            if (*c == '|') {
                choices[n++] = ',';
                choices[n++] = ' ';
            } else {
                choices[n++] = *c;
            }
        }
        choices[n] = '\0';
        if (strcmp(r->range, choices) != 0) {
            /* A message cut short by the buffer is still a failure. */
            if (snprintf(why, size, "%s has choices \"%s\", code \"%s\"", r->path, r->range,
                         choices) < 0) {
                why[0] = '\0';
            }
            return 1;
        }
    }
    return 0;
}

static void check_doc_row(doc_row *r, const ts_param *p) {
    char why[512];
    r->seen = 1;
    if (doc_row_mismatch(r, p, why, sizeof why)) {
        fail_msg("docs/scenarios.md: %s", why);
    }
}

static doc_row *find_row(doc_row *rows, size_t n, const char *path) {
    for (size_t i = 0; i < n; i++) {
        if (strcmp(rows[i].path, path) == 0) {
            return &rows[i];
        }
    }
    return NULL;
}

static void test_docs_match_schema(void **state) {
    (void)state;
    static doc_row rows[256];
    size_t n = read_doc_rows(rows, sizeof rows / sizeof rows[0]);
    const ts_schema *sch = ts_modules_schema();
    char path[256];
    for (size_t i = 0; i < sch->n_sections; i++) {
        const ts_section *s = sch->sections[i];
        for (size_t k = 0; k < s->n_params; k++) {
            full_path(path, sizeof path, s, &s->params[k]);
            doc_row *r = find_row(rows, n, path);
            if (r == NULL) {
                fail_msg("docs/scenarios.md does not document %s", path);
            }
            check_doc_row(r, &s->params[k]);
        }
        if (s->optional) {
            /* The implicit switch of a tactic is documented with it. */
            snprintf(path, sizeof path, "%s.enabled", s->name);
            doc_row *r = find_row(rows, n, path);
            if (r == NULL || strcmp(r->type, "bool") != 0 || strcmp(r->def, "true") != 0) {
                fail_msg("docs/scenarios.md does not document %s as bool, true", path);
            }
            r->seen = 1;
        }
    }
    for (size_t i = 0; i < sch->n_event_kinds; i++) {
        const ts_event_kind *ek = sch->event_kinds[i];
        for (size_t k = 0; k < ek->n_params; k++) {
            snprintf(path, sizeof path, "%s.%s", ek->kind, ek->params[k].key);
            doc_row *r = find_row(rows, n, path);
            if (r == NULL) {
                fail_msg("docs/scenarios.md does not document event field %s", path);
            }
            check_doc_row(r, &ek->params[k]);
        }
    }
    /* Nothing documented that the code does not have. */
    for (size_t i = 0; i < n; i++) {
        if (!rows[i].seen) {
            fail_msg("docs/scenarios.md documents %s, which is not in the schema", rows[i].path);
        }
    }
}

/* The doc check must be able to fail: every kind of tampered row is caught. */
static void test_docs_check_catches_drift(void **state) {
    (void)state;
    const ts_schema *sch = ts_modules_schema();
    const ts_param *p = find_param(sch, "trust.prior_mean");
    const ts_param *growth = find_param(sch, "hiring.growth");
    const ts_param *name = find_param(sch, "name");
    char why[512];
    doc_row good = {"trust.prior_mean", "real", "0.6", "[0, 1]", "probability", 0};
    assert_false(doc_row_mismatch(&good, p, why, sizeof why));
    doc_row bad = good;
    snprintf(bad.def, sizeof bad.def, "0.65");
    assert_true(doc_row_mismatch(&bad, p, why, sizeof why));
    assert_non_null(strstr(why, "0.65"));
    bad = good;
    snprintf(bad.type, sizeof bad.type, "int");
    assert_true(doc_row_mismatch(&bad, p, why, sizeof why));
    bad = good;
    snprintf(bad.range, sizeof bad.range, "[0, 0.9]");
    assert_true(doc_row_mismatch(&bad, p, why, sizeof why));
    bad = good;
    snprintf(bad.units, sizeof bad.units, "hours");
    assert_true(doc_row_mismatch(&bad, p, why, sizeof why));
    doc_row g = {"hiring.growth", "enum", "none", "none, exponential, linear, schedule",
                 "choice",        0};
    assert_false(doc_row_mismatch(&g, growth, why, sizeof why));
    snprintf(g.range, sizeof g.range, "none, exponential, linear");
    assert_true(doc_row_mismatch(&g, growth, why, sizeof why));
    doc_row n = {"name", "string", "\"\"", "at most 64 characters", "text", 0};
    assert_false(doc_row_mismatch(&n, name, why, sizeof why));
    /* The default parsers used on declarations reject malformed text. */
    assert_int_equal(count_strlist("[a, b, a]"), -1);
    assert_int_equal(count_strlist("[a, B]"), -1);
    assert_int_equal(count_strlist("[a, b]"), 2);
    assert_int_equal(count_points("[[0, 1], [0, 2]]"), -1);
    assert_int_equal(count_points("[[0, 1], [3.5, 2]]"), 2);
    assert_int_equal(count_points("[]"), 0);
    assert_false(choice_allowed("none|linear", "line"));
    assert_true(choice_allowed("none|linear", "linear"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_module_table),
        cmocka_unit_test(test_module_order_checked),
        cmocka_unit_test(test_summaries_declared),
        cmocka_unit_test(test_schema_assembled),
        cmocka_unit_test(test_sections_well_formed),
        cmocka_unit_test(test_event_kinds_well_formed),
        cmocka_unit_test(test_event_kinds_present),
        cmocka_unit_test(test_docs_check_catches_drift),
        cmocka_unit_test(test_docs_match_schema),
        cmocka_unit_test(test_defaults_load),
        cmocka_unit_test(test_default_scenario_valid),
        cmocka_unit_test(test_domain_names_checked),
        cmocka_unit_test(test_domains_validated),
        cmocka_unit_test(test_thresholds_validated),
        cmocka_unit_test(test_threshold_set_validated),
        cmocka_unit_test(test_population_validated),
        cmocka_unit_test(test_hiring_validated),
        cmocka_unit_test(test_incidents_validated),
        cmocka_unit_test(test_tactic_sections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
