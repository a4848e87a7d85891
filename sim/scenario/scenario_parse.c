/* The parser of the scenario loader (sim/scenario/scenario_parse.h), above its values, index,
 * getters and design: applies YAML to a scenario — a document's keys and sections (tactics on and
 * off), the `events` list, the `sweep` mapping with its named `variants`, and the value of
 * one --set assignment. Loading files and the copy that makes --set all-or-nothing are the
 * lifecycle's (sim/scenario/scenario.c), one layer up. */
#include "scenario_parse.h"
#include "scenario_design.h"
#include "yamlio.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Events ------------------------------------------------------------------------- */

static const ts_param sc_day_param = {
    .key = "day",
    .type = TS_PT_INT,
    .def = "1",
    .min = 1,
    .max = INFINITY,
    .units = "days",
    .doc = "Day of the run on which the event happens.",
};

static int sc_event_cmp(const void *a, const void *b) {
    const ts_event *x = a;
    const ts_event *y = b;
    if (x->day != y->day) {
        return x->day < y->day ? -1 : 1;
    }
    return x->index < y->index ? -1 : (x->index > y->index);
}

static const ts_ynode *sc_map_get(const ts_ynode *map, const char *key) {
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        if (map->kids[i]->kind == TS_Y_SCALAR && strcmp(map->kids[i]->text, key) == 0) {
            return map->kids[i + 1];
        }
    }
    return NULL;
}

static ts_status sc_event_kind(const sc_ctx *c, const ts_ynode *item, const char *path,
                               size_t *kind) {
    const ts_schema *s = c->sc->schema;
    char kinds[512] = "";
    size_t n_kinds = 0;
    char got[160];
    char where[64];
    const ts_ynode *v = sc_map_get(item, "kind");
    for (size_t k = 0; k < s->n_event_kinds; k++) {
        sc_list_add(kinds, sizeof kinds, &n_kinds, s->event_kinds[k]->kind,
                    strlen(s->event_kinds[k]->kind));
    }
    if (v == NULL) {
        return sc_fail(c, item, path, "missing kind (expected one of %s)", kinds);
    }
    snprintf(where, sizeof where, "%s.kind", path);
    ts_yaml_describe(v, got, sizeof got);
    if (v->kind != TS_Y_SCALAR) {
        return sc_fail(c, v, where, "not a single value (got %s, expected one of %s)", got, kinds);
    }
    sc_suggest sug;
    sc_suggest_init(&sug, v->text);
    for (size_t k = 0; k < s->n_event_kinds; k++) {
        if (strcmp(s->event_kinds[k]->kind, v->text) == 0 && strlen(v->text) == v->len) {
            *kind = k;
            return TS_OK;
        }
        sc_suggest_try(&sug, s->event_kinds[k]->kind, strlen(s->event_kinds[k]->kind));
    }
    if (sc_suggest_found(&sug)) {
        return sc_fail(c, v, where, "unknown event kind (got %s, did you mean %s?)", got, sug.best);
    }
    return sc_fail(c, v, where, "unknown event kind (got %s, expected one of %s)", got, kinds);
}

static ts_status sc_event_field(const sc_ctx *c, ts_event *ev, const ts_ynode *k, const ts_ynode *v,
                                const char *path) {
    char where[320];
    snprintf(where, sizeof where, "%s.%s", path, k->text);
    if (strcmp(k->text, "kind") == 0) {
        ev->kind_mark = sc_node_mark(c, v);
        return TS_OK;
    }
    if (strcmp(k->text, "day") == 0) {
        sc_value day;
        ts_status st = sc_read_value(c, &sc_day_param, v, where, &day);
        ev->day = day.i;
        ev->day_mark = day.mark;
        return st;
    }
    sc_suggest sug;
    char fields[1024] = "";
    size_t n_fields = 0;
    sc_suggest_init(&sug, k->text);
    sc_list_add(fields, sizeof fields, &n_fields, "day", 3);
    sc_list_add(fields, sizeof fields, &n_fields, "kind", 4);
    for (size_t j = 0; j < ev->kind->n_params; j++) {
        const ts_param *p = &ev->kind->params[j];
        if (strcmp(p->key, k->text) == 0) {
            sc_value_clear(&ev->vals[j]);
            return sc_read_value(c, p, v, where, &ev->vals[j]);
        }
        sc_list_add(fields, sizeof fields, &n_fields, p->key, strlen(p->key));
        sc_suggest_try(&sug, p->key, strlen(p->key));
    }
    if (sc_suggest_found(&sug)) {
        return sc_fail(c, k, where, "unknown key (did you mean %s.%s?)", path, sug.best);
    }
    return sc_fail(c, k, where, "unknown key (expected one of: %s)", fields);
}

static ts_status sc_read_event(const sc_ctx *c, const ts_ynode *item, size_t index, ts_event *ev) {
    char path[48];
    char got[160];
    size_t kind = 0;
    ts_status st;
    snprintf(path, sizeof path, "events[%zu]", index);
    if (item->kind != TS_Y_MAP) {
        ts_yaml_describe(item, got, sizeof got);
        return sc_fail(c, item, path,
                       "not a mapping (got %s, expected a mapping with day and kind)", got);
    }
    if ((st = sc_event_kind(c, item, path, &kind)) != TS_OK) {
        return st;
    }
    if (sc_map_get(item, "day") == NULL) {
        return sc_fail(c, item, path, "missing day (expected the day of the event, from 1)");
    }
    ev->kind = c->sc->schema->event_kinds[kind];
    ev->index = index;
    ev->mark = sc_node_mark(c, item);
    ev->vals = calloc(ev->kind->n_params + 1, sizeof *ev->vals);
    if (ev->vals == NULL) {
        return sc_nomem(c->err);
    }
    for (size_t j = 0; j < ev->kind->n_params; j++) {
        if (!sc_value_dup(&c->sc->kind_defs[kind][j], &ev->vals[j])) {
            return sc_nomem(c->err);
        }
    }
    for (size_t i = 0; i + 1 < item->n; i += 2) {
        if ((st = sc_check_key(c, item, i, path)) != TS_OK ||
            (st = sc_event_field(c, ev, item->kids[i], item->kids[i + 1], path)) != TS_OK) {
            return st;
        }
    }
    return TS_OK;
}

/* `events` replaces the list read so far (lists replace, they do not merge). */
static ts_status sc_apply_events(const sc_ctx *c, const ts_ynode *v) {
    ts_scenario *sc = c->sc;
    char got[160];
    size_t n = 0;
    ts_event *evs = NULL;
    if (!ts_yaml_is_null(v)) {
        if (v->kind != TS_Y_SEQ) {
            ts_yaml_describe(v, got, sizeof got);
            return sc_fail(c, v, "events",
                           "not a list (got %s, expected a list of events such as "
                           "{day: 90, kind: ...})",
                           got);
        }
        n = v->n;
        if (n > SC_MAX_EVENTS) {
            return sc_fail(c, v, "events", "too many events (got %zu, expected at most %d)", n,
                           SC_MAX_EVENTS);
        }
    }
    evs = calloc(n + 1, sizeof *evs);
    if (evs == NULL) {
        return sc_nomem(c->err);
    }
    for (size_t i = 0; i < n; i++) {
        ts_status st = sc_read_event(c, v->kids[i], i, &evs[i]);
        if (st != TS_OK) {
            sc_events_free(evs, i + 1);
            return st;
        }
    }
    if (n > 0) {
        qsort(evs, n, sizeof *evs, sc_event_cmp);
    }
    sc_events_free(sc->events, sc->n_events);
    sc->events = evs;
    sc->n_events = n;
    return TS_OK;
}

static ts_status sc_apply_path(const sc_ctx *c, const char *full, const ts_ynode *at,
                               const char *written, const ts_ynode *v, int *found);

/* ---- Sweep -------------------------------------------------------------------------- */

static ts_status sc_sweep_entry(const sc_ctx *c, const ts_ynode *k, size_t key, const ts_ynode *v,
                                const char *shown) {
    ts_scenario *sc = c->sc;
    const ts_param *p = sc->keys[key].param;
    char got[160];
    sc_sweep w = {.key = key, .mark = sc_node_mark(c, k), .layer = c->layer};
    ts_yaml_describe(v, got, sizeof got);
    for (size_t i = 0; i < sc->n_sweep; i++) {
        /* A file that extends another may sweep a key again (its list wins); one file may
         * not, whichever way it spells the key (`a.b:` and `a: {b:}`). */
        if (sc->sweep[i].key == key && sc->sweep[i].layer == c->layer) {
            return sc_fail(c, k, shown, "duplicate sweep key \"%s\" (swept already at %d:%d)",
                           sc->keys[key].path, sc->sweep[i].mark.line, sc->sweep[i].mark.col);
        }
    }
    if (p->type == TS_PT_STRLIST || p->type == TS_PT_POINTS) {
        return sc_fail(c, k, shown,
                       "cannot be swept (got a list-valued key, expected a key that takes one "
                       "value)");
    }
    if (v->kind != TS_Y_SEQ) {
        return sc_fail(c, v, shown, "not a list (got %s, expected a non-empty list of values)",
                       got);
    }
    if (v->n == 0) {
        return sc_fail(c, v, shown, "empty list (got [], expected at least one value)");
    }
    if (v->n > SC_MAX_POINTS) {
        return sc_fail(c, v, shown, "too many values (got %zu, expected at most %d)", v->n,
                       SC_MAX_POINTS);
    }
    w.vals = calloc(v->n, sizeof *w.vals);
    w.texts = calloc(v->n, sizeof *w.texts);
    if (w.vals == NULL || w.texts == NULL) {
        sc_sweep_clear(&w);
        return sc_nomem(c->err);
    }
    w.n = v->n;
    for (size_t i = 0; i < v->n; i++) {
        ts_status st = sc_read_value(c, p, v->kids[i], shown, &w.vals[i]);
        if (st == TS_OK && (w.texts[i] = sc_value_text(p, &w.vals[i])) == NULL) {
            st = sc_nomem(c->err);
        }
        if (st != TS_OK) {
            sc_sweep_clear(&w);
            return st;
        }
    }
    size_t at = sc->n_sweep;
    for (size_t i = 0; i < sc->n_sweep; i++) {
        if (sc->sweep[i].key == key) {
            at = i;
        }
    }
    if (at == sc->n_sweep) {
        if (sc->n_sweep == SC_MAX_SWEEP_KEYS) {
            sc_sweep_clear(&w);
            return sc_fail(c, k, shown, "too many sweep keys (got %d, expected at most %d)",
                           SC_MAX_SWEEP_KEYS + 1, SC_MAX_SWEEP_KEYS);
        }
        sc->n_sweep++;
    } else {
        sc_sweep_clear(&sc->sweep[at]);
    }
    sc->sweep[at] = w;
    sc_touch(sc, sc->keys[key].path);
    return TS_OK;
}

/* ---- Variants ----------------------------------------------------------------------- */

/* Keys a variant may not hold: they are not key paths, or not meant per grid point. */
static int sc_variant_reserved(const char *key) {
    static const char *const reserved[] = {"extends", "events", "sweep", "variants"};
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
        if (strcmp(key, reserved[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* The variant's name: present, a plain identifier, unlike those before it. */
static ts_status sc_variant_name(const sc_ctx *c, const ts_ynode *item, const char *path,
                                 const sc_variant *prev, size_t n_prev, const char **name) {
    char where[80];
    char got[160];
    const ts_ynode *v = sc_map_get(item, "name");
    if (v == NULL) {
        return sc_fail(c, item, path,
                       "missing name (expected name: followed by an identifier such as "
                       "fast_hiring)");
    }
    snprintf(where, sizeof where, "%s.name", path);
    ts_yaml_describe(v, got, sizeof got);
    if (v->kind != TS_Y_SCALAR || memchr(v->text, '\0', v->len) != NULL ||
        !sc_is_identifier(v->text) || ts_yaml_needs_quotes(v->text)) {
        return sc_fail(c, v, where,
                       "not a name (got %s, expected [a-z][a-z0-9_]* of at most %d characters, "
                       "other than true, false, yes, no, on, off, y, n, null, nan, inf)",
                       got, SC_NAME_MAX);
    }
    for (size_t i = 0; i < n_prev; i++) {
        if (strcmp(prev[i].name, v->text) == 0) {
            return sc_fail(c, v, where,
                           "duplicate name (got %s, expected a name unlike that of "
                           "sweep.variants[%zu])",
                           got, i);
        }
    }
    *name = v->text;
    return TS_OK;
}

/* Moves what a variant set in its scratch scenario into `out`: every key it gave a value
 * (layer 1) and every tactic it names, which it turns on unless it says `enabled`. */
static ts_status sc_variant_collect(const sc_ctx *c, ts_scenario *scratch, const ts_ynode *item,
                                    sc_variant *out) {
    const ts_scenario *sc = c->sc;
    size_t n_set = 0;
    size_t n_opts = 0;
    for (size_t k = 0; k < sc->n_keys; k++) {
        n_set += scratch->vals[k].layer == 1;
    }
    for (size_t g = 0; g < sc->n_opt; g++) {
        n_opts += scratch->opt_present[g] != 0;
    }
    out->set = calloc(n_set + n_opts + 1, sizeof *out->set);
    out->opts = calloc(n_opts + 1, sizeof *out->opts);
    if (out->set == NULL || out->opts == NULL) {
        return sc_nomem(c->err);
    }
    for (size_t g = 0; g < sc->n_opt; g++) {
        if (!scratch->opt_present[g]) {
            continue;
        }
        out->opts[out->n_opts++] = (int)g;
        size_t e = sc->opt_enabled[g];
        if (scratch->vals[e].layer != 1) {
            sc_assign *a = &out->set[out->n_set++];
            a->key = e;
            a->implicit = 1;
            a->val.b = 1;
            a->val.r = 1;
            a->val.mark = sc_node_mark(c, item);
            a->val.layer = 1;
        }
    }
    for (size_t k = 0; k < sc->n_keys; k++) {
        if (scratch->vals[k].layer == 1) {
            out->set[out->n_set].key = k;
            out->set[out->n_set++].val = scratch->vals[k];
            memset(&scratch->vals[k], 0, sizeof scratch->vals[k]);
        }
    }
    return TS_OK;
}

/* Reads sweep.variants[index] into `out`. Its keys are applied, with every check and
 * message of a document, to a scratch scenario that shares the key index and has its
 * own empty values, so that what the variant sets is exactly what is at layer 1. */
static ts_status sc_read_variant(const sc_ctx *c, const ts_ynode *item, size_t index,
                                 const sc_variant *prev, sc_variant *out) {
    const ts_scenario *sc = c->sc;
    char path[48];
    char got[160];
    const char *name = NULL;
    ts_status st;
    snprintf(path, sizeof path, "sweep.variants[%zu]", index);
    if (item->kind != TS_Y_MAP) {
        ts_yaml_describe(item, got, sizeof got);
        return sc_fail(c, item, path, "not a mapping (got %s, expected a mapping with a name)",
                       got);
    }
    if ((st = sc_variant_name(c, item, path, prev, index, &name)) != TS_OK) {
        return st;
    }
    out->mark = sc_node_mark(c, item);
    if ((out->name = strdup(name)) == NULL) {
        return sc_nomem(c->err);
    }
    ts_scenario scratch = *sc;
    scratch.vals = calloc(sc->n_keys + 1, sizeof *scratch.vals);
    scratch.opt_present = calloc(sc->n_opt + 1, sizeof *scratch.opt_present);
    if (scratch.vals == NULL || scratch.opt_present == NULL) {
        st = sc_nomem(c->err);
    }
    sc_ctx vc = {.sc = &scratch, .src = c->src, .layer = 1, .err = c->err, .where = path};
    for (size_t i = 0; i + 1 < item->n && st == TS_OK; i += 2) {
        const ts_ynode *k = item->kids[i];
        int found;
        if ((st = sc_check_key(&vc, item, i, "")) != TS_OK || strcmp(k->text, "name") == 0) {
            continue;
        }
        if (sc_variant_reserved(k->text)) {
            st = sc_fail(&vc, k, k->text,
                         "not allowed in a variant (expected key paths or sections, such as "
                         "days or tactics.feedback)");
            continue;
        }
        st = sc_apply_path(&vc, k->text, k, k->text, item->kids[i + 1], &found);
        if (st == TS_OK && !found) {
            st = sc_unknown_key(&vc, k, "", "", k->text, 0, 0);
        }
    }
    if (st == TS_OK) {
        st = sc_variant_collect(c, &scratch, item, out);
    }
    if (scratch.vals != NULL) {
        for (size_t k = 0; k < sc->n_keys; k++) {
            sc_value_clear(&scratch.vals[k]);
        }
    }
    free(scratch.vals);
    free(scratch.opt_present);
    return st;
}

/* `variants` replaces the list read so far and becomes sweep key 0, "variant". */
static ts_status sc_apply_variants(const sc_ctx *c, const ts_ynode *k, const ts_ynode *v) {
    ts_scenario *sc = c->sc;
    char got[160];
    const char *path = "sweep.variants";
    ts_yaml_describe(v, got, sizeof got);
    if (v->kind != TS_Y_SEQ) {
        return sc_fail(c, v, path,
                       "not a list (got %s, expected a list of mappings such as {name: fast, "
                       "days: 30})",
                       got);
    }
    if (v->n == 0) {
        return sc_fail(c, v, path, "empty list (got [], expected at least one variant)");
    }
    if (v->n > SC_MAX_VARIANTS) {
        return sc_fail(c, v, path, "too many variants (got %zu, expected at most %d)", v->n,
                       SC_MAX_VARIANTS);
    }
    int has = sc->n_sweep > 0 && sc->sweep[0].key == SC_VARIANT_KEY;
    if (!has && sc->n_sweep == SC_MAX_SWEEP_KEYS) {
        return sc_fail(c, k, path, "too many sweep keys (got %d, expected at most %d)",
                       SC_MAX_SWEEP_KEYS + 1, SC_MAX_SWEEP_KEYS);
    }
    sc_sweep w = {.key = SC_VARIANT_KEY, .mark = sc_node_mark(c, k)};
    sc_variant *vs = calloc(v->n + 1, sizeof *vs);
    w.vals = calloc(v->n, sizeof *w.vals);
    w.texts = calloc(v->n, sizeof *w.texts);
    ts_status st = TS_OK;
    size_t n = 0;
    if (vs == NULL || w.vals == NULL || w.texts == NULL) {
        st = sc_nomem(c->err);
    }
    for (; st == TS_OK && n < v->n; n++) {
        st = sc_read_variant(c, v->kids[n], n, vs, &vs[n]);
        w.n = n + 1;
        if (st == TS_OK && ((w.vals[n].s = strdup(vs[n].name)) == NULL ||
                            (w.texts[n] = strdup(vs[n].name)) == NULL)) {
            st = sc_nomem(c->err);
        }
        w.vals[n].mark = vs[n].mark;
    }
    if (st != TS_OK) {
        sc_variants_free(vs, n);
        sc_sweep_clear(&w);
        return st;
    }
    if (has) {
        sc_sweep_clear(&sc->sweep[0]);
    } else {
        memmove(&sc->sweep[1], &sc->sweep[0], sc->n_sweep * sizeof *sc->sweep);
        sc->n_sweep++;
    }
    sc->sweep[0] = w;
    sc_variants_free(sc->variants, sc->n_variants);
    sc->variants = vs;
    sc->n_variants = n;
    return TS_OK;
}

static ts_status sc_apply_sweep(const sc_ctx *c, const ts_ynode *map, const char *prefix) {
    ts_scenario *sc = c->sc;
    char base[600];
    char shown[600];
    char got[160];
    ts_status st;
    snprintf(base, sizeof base, "sweep%s%s", prefix[0] ? "." : "", prefix);
    if (ts_yaml_is_null(map)) {
        return TS_OK;
    }
    if (map->kind != TS_Y_MAP) {
        ts_yaml_describe(map, got, sizeof got);
        return sc_fail(c, map, base,
                       "not a mapping (got %s, expected key paths with lists of values)", got);
    }
    st = TS_OK;
    for (size_t i = 0; i + 1 < map->n && st == TS_OK; i += 2) {
        const ts_ynode *k = map->kids[i];
        const ts_ynode *v = map->kids[i + 1];
        if ((st = sc_check_key(c, map, i, base)) != TS_OK) {
            break;
        }
        if (prefix[0] == '\0' && strcmp(k->text, "variants") == 0) {
            st = sc_apply_variants(c, k, v);
            continue;
        }
        char *full = sc_join(prefix, k->text);
        if (full == NULL) {
            return sc_nomem(c->err);
        }
        long key = sc_find_key(sc, full);
        snprintf(shown, sizeof shown, "sweep.%s", full);
        if (key >= 0) {
            st = sc_sweep_entry(c, k, (size_t)key, v, shown);
        } else if (sc_is_prefix(sc, full)) {
            st = sc_apply_sweep(c, v, full);
        } else {
            st = sc_unknown_key(c, k, "sweep.", prefix, k->text, 0, 1);
        }
        free(full);
    }
    return st;
}

/* ---- Applying a document ------------------------------------------------------------ */

/* Applies node v at the full path `full`, a key or a section; *found = 0 if neither. */
static ts_status sc_apply_path(const sc_ctx *c, const char *full, const ts_ynode *at,
                               const char *written, const ts_ynode *v, int *found) {
    ts_scenario *sc = c->sc;
    char got[160];
    long k = sc_find_key(sc, full);
    *found = 1;
    if (k >= 0) {
        sc_value tmp;
        if (sc->vals[k].layer == c->layer) {
            return sc_fail(c, at, full, "duplicate key \"%s\"", written);
        }
        ts_status st = sc_read_value(c, sc->keys[k].param, v, full, &tmp);
        if (st != TS_OK) {
            return st;
        }
        sc_value_clear(&sc->vals[k]);
        sc->vals[k] = tmp;
        sc_touch(sc, full);
        return TS_OK;
    }
    if (!sc_is_prefix(sc, full)) {
        *found = 0;
        return TS_OK;
    }
    int opt = sc_opt_exact(sc, full);
    if (ts_yaml_is_null(v)) {
        sc_touch(sc, full);
        return TS_OK;
    }
    if (v->kind == TS_Y_MAP) {
        sc_touch(sc, full);
        return sc_apply_map(c, v, full);
    }
    if (opt >= 0 && v->kind == TS_Y_SCALAR && v->plain &&
        (!strcmp(v->text, "true") || !strcmp(v->text, "false"))) {
        /* `tactics.feedback: false` is short for `tactics.feedback: {enabled: false}`. */
        return sc_apply_path(c, sc->keys[sc->opt_enabled[opt]].path, at, written, v, found);
    }
    ts_yaml_describe(v, got, sizeof got);
    return sc_fail(c, v, full, "not a mapping (got %s, expected a mapping of %s keys%s)", got, full,
                   opt >= 0 ? ", true or false" : "");
}

ts_status sc_apply_map(const sc_ctx *c, const ts_ynode *map, const char *prefix) {
    ts_status st = TS_OK;
    for (size_t i = 0; i + 1 < map->n && st == TS_OK; i += 2) {
        const ts_ynode *k = map->kids[i];
        const ts_ynode *v = map->kids[i + 1];
        if ((st = sc_check_key(c, map, i, prefix)) != TS_OK) {
            break;
        }
        if (prefix[0] == '\0') {
            if (strcmp(k->text, "extends") == 0) {
                continue; /* read before everything else */
            }
            if (strcmp(k->text, "events") == 0) {
                st = sc_apply_events(c, v);
                continue;
            }
            if (strcmp(k->text, "sweep") == 0) {
                st = sc_apply_sweep(c, v, "");
                continue;
            }
        }
        if (strcmp(prefix, "sensitivity") == 0 && strcmp(k->text, "factors") == 0) {
            st = sc_apply_factors(c, k, v, NULL);
            continue;
        }
        char *full = sc_join(prefix, k->text);
        if (full == NULL) {
            return sc_nomem(c->err);
        }
        int found;
        st = sc_apply_path(c, full, k, k->text, v, &found);
        if (st == TS_OK && !found) {
            st = sc_unknown_key(c, k, "", prefix, k->text, prefix[0] == '\0', 0);
        }
        free(full);
    }
    return st;
}

/* ---- --set -------------------------------------------------------------------------- */

ts_status sc_apply_assignment(const sc_ctx *c, const char *key, const ts_ynode *root) {
    ts_scenario *sc = c->sc;
    int found;
    if (strcmp(key, "extends") == 0) {
        return sc_fail(c, root, key, "cannot be set with --set (expected it in a scenario file)");
    }
    if (strcmp(key, "events") == 0) {
        return sc_apply_events(c, root);
    }
    if (strcmp(key, "sweep") == 0) {
        return sc_apply_sweep(c, root, "");
    }
    if (strcmp(key, "sweep.variants") == 0) {
        return sc_apply_variants(c, root, root);
    }
    if (strcmp(key, "sensitivity.factors") == 0) {
        return sc_apply_factors(c, root, root, NULL);
    }
    if (strncmp(key, "sensitivity.factors.", 20) == 0) {
        return sc_apply_factors(c, root, root, key + 20);
    }
    if (strncmp(key, "sweep.", 6) == 0) {
        const char *path = key + 6;
        long k = sc_find_key(sc, path);
        if (k >= 0) {
            return sc_sweep_entry(c, root, (size_t)k, root, key);
        }
        if (sc_is_prefix(sc, path)) {
            return sc_apply_sweep(c, root, path);
        }
        return sc_unknown_key(c, root, "sweep.", "", path, 0, 1);
    }
    ts_status st = sc_apply_path(c, key, root, key, root, &found);
    if (st == TS_OK && !found) {
        st = sc_unknown_key(c, root, "", "", key, 1, 0);
    }
    return st;
}
