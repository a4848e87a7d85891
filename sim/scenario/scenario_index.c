/* The key index of a scenario (sim/scenario/scenario_index.h), one layer above its values: built
 * from the schema (full key paths sorted for lookup, every section prefix, the optional
 * sections (tactics) with their implicit `enabled` keys, and the defaults of keys and event
 * fields), the lookups by path, the mark of a path (ts_scenario_mark_of) and the errors
 * located by it (ts_scenario_fail), and the "unknown key" message with its suggestion. */
#include "scenario_index.h"
#include "yamlio.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Lookups ------------------------------------------------------------------------ */

static int sc_entry_cmp(const void *a, const void *b) {
    return strcmp(((const sc_entry *)a)->path, ((const sc_entry *)b)->path);
}

static int sc_str_cmp(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

long sc_find_key(const ts_scenario *sc, const char *path) {
    sc_entry probe = {.path = path, .idx = 0};
    const sc_entry *e = bsearch(&probe, sc->sorted, sc->n_keys, sizeof *sc->sorted, sc_entry_cmp);
    return e ? (long)e->idx : -1;
}

int sc_is_prefix(const ts_scenario *sc, const char *path) {
    return bsearch(&path, sc->prefixes, sc->n_prefixes, sizeof *sc->prefixes, sc_str_cmp) != NULL;
}

/* The optional section named exactly `name`, or -1. */
int sc_opt_exact(const ts_scenario *sc, const char *name) {
    for (size_t g = 0; g < sc->n_opt; g++) {
        if (strcmp(sc->opt_names[g], name) == 0) {
            return (int)g;
        }
    }
    return -1;
}

/* The optional section that contains `path` (or is it), or -1. */
int sc_opt_of(const ts_scenario *sc, const char *path) {
    for (size_t g = 0; g < sc->n_opt; g++) {
        size_t n = strlen(sc->opt_names[g]);
        if (strncmp(path, sc->opt_names[g], n) == 0 && (path[n] == '\0' || path[n] == '.')) {
            return (int)g;
        }
    }
    return -1;
}

/* The scenario names something in (or the whole of) an optional section: it is present. */
void sc_touch(ts_scenario *sc, const char *path) {
    int g = sc_opt_of(sc, path);
    if (g >= 0) {
        sc->opt_present[g] = 1;
    }
}

const ts_param *ts_scenario_schema_param(const ts_schema *schema, const char *path) {
    for (size_t i = 0; schema != NULL && path != NULL && i < schema->n_sections; i++) {
        const ts_section *s = schema->sections[i];
        size_t n = strlen(s->name);
        const char *key = path;
        if (n > 0) {
            if (strncmp(path, s->name, n) != 0 || path[n] != '.') {
                continue;
            }
            key = path + n + 1;
        }
        for (size_t k = 0; k < s->n_params; k++) {
            if (strcmp(s->params[k].key, key) == 0) {
                return &s->params[k];
            }
        }
    }
    return NULL;
}

/* ---- Marks and located errors --------------------------------------------------- */

/* The internal mark of a key, an event field ("events[2].domain") or a sweep key. */
static int sc_find_mark(const ts_scenario *sc, const char *path, sc_mark *m) {
    if (sc == NULL || path == NULL) {
        return 0;
    }
    if (strncmp(path, "events[", 7) == 0) {
        char *end;
        unsigned long idx = strtoul(path + 7, &end, 10);
        if (end == path + 7 || *end != ']') {
            return 0;
        }
        const char *field = end[1] == '.' ? end + 2 : NULL;
        if (end[1] != '\0' && field == NULL) {
            return 0;
        }
        for (size_t i = 0; i < sc->n_events; i++) {
            const ts_event *ev = &sc->events[i];
            if (ev->index != idx) {
                continue;
            }
            if (field == NULL) {
                *m = ev->mark;
                return 1;
            }
            if (strcmp(field, "day") == 0 || strcmp(field, "kind") == 0) {
                *m = field[0] == 'd' ? ev->day_mark : ev->kind_mark;
                return 1;
            }
            for (size_t j = 0; j < ev->kind->n_params; j++) {
                if (strcmp(ev->kind->params[j].key, field) == 0) {
                    /* A field left to its default is located at its event. */
                    *m = ev->vals[j].mark.src == 0 ? ev->mark : ev->vals[j].mark;
                    return 1;
                }
            }
        }
        return 0;
    }
    if (strcmp(path, "sensitivity.factors") == 0) {
        *m = sc->factors_mark;
        return sc->n_factors > 0;
    }
    if (strncmp(path, "sensitivity.factors.", 20) == 0) {
        for (size_t i = 0; i < sc->n_factors; i++) {
            if (strcmp(sc->keys[sc->factors[i].key].path, path + 20) == 0) {
                *m = sc->factors[i].mark;
                return 1;
            }
        }
        return 0;
    }
    if (strncmp(path, "sweep.", 6) == 0) {
        for (size_t k = 0; k < sc->n_sweep; k++) {
            if (strcmp(sc_sweep_name(sc, k), path + 6) == 0) {
                *m = sc->sweep[k].mark;
                return 1;
            }
        }
    }
    long k = sc_find_key(sc, path);
    if (k < 0) {
        return 0;
    }
    *m = sc->vals[k].mark;
    return 1;
}

int ts_scenario_mark_of(const ts_scenario *sc, const char *path, ts_mark *out) {
    sc_mark m;
    if (!sc_find_mark(sc, path, &m)) {
        return 0;
    }
    const sc_source *s = (m.src > 0 && (size_t)m.src < sc->n_srcs) ? &sc->srcs[m.src] : NULL;
    if (out != NULL) {
        if (s == NULL || s->name == NULL || s->is_set) {
            out->file = (s != NULL && s->is_set) ? "--set" : "default";
            out->line = 0;
            out->col = 0;
        } else {
            out->file = s->name;
            out->line = m.line;
            out->col = m.col;
        }
    }
    return 1;
}

ts_status ts_scenario_fail(const ts_scenario *sc, const char *path, ts_error *err, const char *fmt,
                           ...) {
    sc_mark m = {0, 0, 0};
    va_list ap;
    if (sc == NULL) {
        return ts_error_set(err, TS_ERR_SCENARIO, "%s: invalid scenario", path ? path : "");
    }
    sc_find_mark(sc, path, &m);
    va_start(ap, fmt);
    ts_status st = sc_vfail(sc, m, path, err, fmt, ap);
    va_end(ap);
    return st;
}

/* ---- Unknown keys ------------------------------------------------------------------- */

/* An unknown key `key` in the mapping at `prefix`; `shown` prefixes the path in the
 * message ("sweep." inside the sweep). Suggests the closest declared key or section. */
ts_status sc_unknown_key(const sc_ctx *c, const ts_ynode *at, const char *shown, const char *prefix,
                         const char *key, int top_level, int scalars_only) {
    const ts_scenario *sc = c->sc;
    static const char *const reserved[] = {"extends", "events", "sweep"};
    size_t plen = strlen(prefix);
    char children[1024] = "";
    size_t n_children = 0;
    sc_suggest sug;
    sc_suggest_init(&sug, key);
    for (size_t k = 0; k < sc->n_keys; k++) {
        const char *path = sc->keys[k].path;
        ts_ptype t = sc->keys[k].param->type;
        if (scalars_only && (t == TS_PT_STRLIST || t == TS_PT_POINTS)) {
            continue;
        }
        if (plen > 0 && (strncmp(path, prefix, plen) != 0 || path[plen] != '.')) {
            continue;
        }
        const char *rem = plen > 0 ? path + plen + 1 : path;
        const char *dot = strchr(rem, '.');
        sc_list_add(children, sizeof children, &n_children, rem,
                    dot ? (size_t)(dot - rem) : strlen(rem));
        sc_suggest_try(&sug, rem, strlen(rem));
        for (const char *d = dot; d != NULL; d = strchr(d + 1, '.')) {
            sc_suggest_try(&sug, rem, (size_t)(d - rem));
        }
    }
    for (size_t i = 0; top_level && i < sizeof reserved / sizeof reserved[0]; i++) {
        sc_list_add(children, sizeof children, &n_children, reserved[i], strlen(reserved[i]));
        sc_suggest_try(&sug, reserved[i], strlen(reserved[i]));
    }
    if (plen == 0 && strcmp(shown, "sweep.") == 0) {
        sc_list_add(children, sizeof children, &n_children, "variants", 8);
        sc_suggest_try(&sug, "variants", 8);
    }
    char *full = sc_join(prefix, key);
    if (full == NULL) {
        return sc_nomem(c->err);
    }
    char path[600];
    snprintf(path, sizeof path, "%s%s", shown, full);
    ts_status st;
    if (sc_suggest_found(&sug)) {
        st = sc_fail(c, at, path, "unknown key (did you mean %s%s%s%s%s%s?)",
                     c->where ? c->where : "", c->where ? "." : "", shown, prefix, plen ? "." : "",
                     sug.best);
    } else if (n_children > 0 && n_children <= SC_LIST_CHOICES) {
        st = sc_fail(c, at, path, "unknown key (expected one of: %s)", children);
    } else {
        st = sc_fail(c, at, path, "unknown key");
    }
    free(full);
    return st;
}

/* ---- Building the index ------------------------------------------------------------- */

static const ts_param sc_enabled_param = {
    .key = "enabled",
    .type = TS_PT_BOOL,
    .def = "true",
    .min = 0,
    .max = 1,
    .units = "",
    .doc = "Whether the tactic runs; a tactic is on when its section is present.",
};

static ts_status sc_parse_default(ts_scenario *sc, const ts_param *p, const char *path,
                                  sc_value *out, ts_error *err) {
    ts_ynode *root = NULL;
    ts_yerror yerr;
    ts_error local;
    char empty[1] = "";
    ts_ynode null_node = {.kind = TS_Y_SCALAR, .plain = 1, .text = empty};
    sc_ctx c = {.sc = sc, .src = 0, .layer = 0, .err = &local};
    const char *def = p->def ? p->def : "";
    ts_status st = ts_yaml_parse(def, strlen(def), &root, &yerr);
    if (st == TS_ERR_NOMEM) {
        return sc_nomem(err);
    }
    if (st != TS_OK) {
        return ts_error_set(err, TS_ERR_INTERNAL, "schema: %s: bad default \"%s\" (%s)", path, def,
                            yerr.msg);
    }
    st = sc_read_value(&c, p, root ? root : &null_node, path, out);
    ts_yaml_free(root);
    if (st == TS_ERR_NOMEM) {
        return sc_nomem(err);
    }
    if (st != TS_OK) {
        return ts_error_set(err, TS_ERR_INTERNAL, "schema: bad default \"%s\" (%s)", def,
                            local.msg);
    }
    out->mark = (sc_mark){0, 0, 0};
    out->layer = 0;
    return TS_OK;
}

static ts_status sc_add_prefixes(ts_scenario *sc, size_t *cap, const char *path) {
    for (const char *d = strchr(path, '.'); d != NULL; d = strchr(d + 1, '.')) {
        if (sc->n_prefixes == *cap) {
            size_t n_alloc = *cap ? 2 * *cap : 64;
            char **p = realloc(sc->prefixes, n_alloc * sizeof *p);
            if (p == NULL) {
                return TS_ERR_NOMEM;
            }
            sc->prefixes = p;
            *cap = n_alloc;
        }
        if ((sc->prefixes[sc->n_prefixes] = strndup(path, (size_t)(d - path))) == NULL) {
            return TS_ERR_NOMEM;
        }
        sc->n_prefixes++;
    }
    return TS_OK;
}

/* Names of the optional sections, once each, in schema order. */
static ts_status sc_build_opts(ts_scenario *sc) {
    const ts_schema *s = sc->schema;
    sc->opt_names = calloc(s->n_sections + 1, sizeof *sc->opt_names);
    sc->opt_present = calloc(s->n_sections + 1, sizeof *sc->opt_present);
    sc->opt_enabled = calloc(s->n_sections + 1, sizeof *sc->opt_enabled);
    if (!sc->opt_names || !sc->opt_present || !sc->opt_enabled) {
        return TS_ERR_NOMEM;
    }
    for (size_t i = 0; i < s->n_sections; i++) {
        const ts_section *sec = s->sections[i];
        if (sec->optional && sc_opt_exact(sc, sec->name) < 0) {
            if ((sc->opt_names[sc->n_opt] = strdup(sec->name)) == NULL) {
                return TS_ERR_NOMEM;
            }
            sc->n_opt++;
        }
    }
    return TS_OK;
}

static ts_status sc_build_keys(ts_scenario *sc, ts_error *err) {
    const ts_schema *s = sc->schema;
    size_t n = sc->n_opt;
    size_t k = 0;
    for (size_t i = 0; i < s->n_sections; i++) {
        n += s->sections[i]->n_params;
    }
    sc->keys = calloc(n + 1, sizeof *sc->keys);
    sc->vals = calloc(n + 1, sizeof *sc->vals);
    sc->sorted = calloc(n + 1, sizeof *sc->sorted);
    if (!sc->keys || !sc->vals || !sc->sorted) {
        return sc_nomem(err);
    }
    for (size_t i = 0; i < s->n_sections; i++) {
        const ts_section *sec = s->sections[i];
        for (size_t j = 0; j < sec->n_params; j++) {
            const ts_param *p = &sec->params[j];
            if (p->key == NULL || p->key[0] == '\0') {
                return ts_error_set(err, TS_ERR_INTERNAL,
                                    "schema: section \"%s\" has a key "
                                    "without a name",
                                    sec->name);
            }
            sc->keys[k].param = p;
            if ((sc->keys[k].path = sc_join(sec->name, p->key)) == NULL) {
                return sc_nomem(err);
            }
            sc->keys[k].opt = sc_opt_of(sc, sc->keys[k].path);
            sc->n_keys = ++k;
        }
    }
    for (size_t g = 0; g < sc->n_opt; g++) {
        sc->keys[k].param = &sc_enabled_param;
        sc->keys[k].opt = (int)g;
        sc->keys[k].is_enabled = 1;
        if ((sc->keys[k].path = sc_join(sc->opt_names[g], "enabled")) == NULL) {
            return sc_nomem(err);
        }
        sc->opt_enabled[g] = k;
        sc->n_keys = ++k;
    }
    for (size_t i = 0; i < sc->n_keys; i++) {
        sc->sorted[i] = (sc_entry){.path = sc->keys[i].path, .idx = i};
    }
    if (sc->n_keys > 0) {
        qsort(sc->sorted, sc->n_keys, sizeof *sc->sorted, sc_entry_cmp);
    }
    return TS_OK;
}

/* Catches schema mistakes early: a key declared twice, a key that is also a section,
 * a key that hides `extends`, `events` or `sweep`. */
static ts_status sc_check_index(ts_scenario *sc, ts_error *err) {
    static const char *const reserved[] = {"extends", "events", "sweep"};
    for (size_t i = 1; i < sc->n_keys; i++) {
        if (strcmp(sc->sorted[i].path, sc->sorted[i - 1].path) == 0) {
            return ts_error_set(err, TS_ERR_INTERNAL, "schema: key %s is declared twice",
                                sc->sorted[i].path);
        }
    }
    for (size_t i = 0; i < sc->n_keys; i++) {
        const char *path = sc->keys[i].path;
        size_t first = strcspn(path, ".");
        if (sc_is_prefix(sc, path)) {
            return ts_error_set(err, TS_ERR_INTERNAL, "schema: %s is both a key and a section",
                                path);
        }
        for (size_t r = 0; r < sizeof reserved / sizeof reserved[0]; r++) {
            if (strlen(reserved[r]) == first && strncmp(path, reserved[r], first) == 0) {
                return ts_error_set(err, TS_ERR_INTERNAL, "schema: key %s hides %s", path,
                                    reserved[r]);
            }
        }
    }
    return TS_OK;
}

ts_status sc_build_index(ts_scenario *sc, ts_error *err) {
    const ts_schema *s = sc->schema;
    size_t cap = 0;
    ts_status st;
    if (sc_build_opts(sc) != TS_OK) {
        return sc_nomem(err);
    }
    if ((st = sc_build_keys(sc, err)) != TS_OK) {
        return st;
    }
    for (size_t i = 0; i < sc->n_keys; i++) {
        if (sc_add_prefixes(sc, &cap, sc->keys[i].path) != TS_OK) {
            return sc_nomem(err);
        }
    }
    if (sc->n_prefixes > 0) { /* qsort of a null array, even of none, is undefined */
        qsort(sc->prefixes, sc->n_prefixes, sizeof *sc->prefixes, sc_str_cmp);
    }
    size_t u = 0;
    for (size_t i = 0; i < sc->n_prefixes; i++) {
        if (u > 0 && strcmp(sc->prefixes[u - 1], sc->prefixes[i]) == 0) {
            free(sc->prefixes[i]);
        } else {
            sc->prefixes[u++] = sc->prefixes[i];
        }
    }
    sc->n_prefixes = u;
    if ((st = sc_check_index(sc, err)) != TS_OK) {
        return st;
    }
    for (size_t i = 0; i < sc->n_keys; i++) {
        st = sc_parse_default(sc, sc->keys[i].param, sc->keys[i].path, &sc->vals[i], err);
        if (st != TS_OK) {
            return st;
        }
    }
    sc->kind_defs = calloc(s->n_event_kinds + 1, sizeof *sc->kind_defs);
    if (sc->kind_defs == NULL) {
        return sc_nomem(err);
    }
    for (size_t k = 0; k < s->n_event_kinds; k++) {
        const ts_event_kind *kind = s->event_kinds[k];
        sc->kind_defs[k] = calloc(kind->n_params + 1, sizeof **sc->kind_defs);
        if (sc->kind_defs[k] == NULL) {
            return sc_nomem(err);
        }
        for (size_t j = 0; j < kind->n_params; j++) {
            st = sc_parse_default(sc, &kind->params[j], kind->params[j].key, &sc->kind_defs[k][j],
                                  err);
            if (st != TS_OK) {
                return st;
            }
        }
    }
    return TS_OK;
}
