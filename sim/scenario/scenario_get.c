/* The getters of a resolved scenario (sim/scenario/scenario.h): typed values, sections, the name,
 * events and sweep points. They read through the key index and need nothing of loading,
 * so they sit below the design, the parser and the lifecycle (sim/scenario/scenario_values.h lists
 * the layers): the validators that finalize runs read the scenario through them. */
#include "scenario.h"
#include "scenario_index.h"

#include <math.h>
#include <string.h>

/* ---- Getters ------------------------------------------------------------------------ */

static const sc_value *sc_get(const ts_scenario *sc, const char *path, const ts_param **p) {
    if (sc == NULL || path == NULL) {
        return NULL;
    }
    long k = sc_find_key(sc, path);
    if (k < 0) {
        return NULL;
    }
    *p = sc->keys[k].param;
    return &sc->vals[k];
}

int64_t ts_scenario_int(const ts_scenario *sc, const char *path) {
    const ts_param *p = NULL;
    const sc_value *v = sc_get(sc, path, &p);
    return (v && p->type == TS_PT_INT) ? v->i : 0;
}

double ts_scenario_real(const ts_scenario *sc, const char *path) {
    const ts_param *p = NULL;
    const sc_value *v = sc_get(sc, path, &p);
    if (v && p->type == TS_PT_INT) {
        return (double)v->i;
    }
    return (v && p->type == TS_PT_REAL) ? v->r : NAN;
}

int ts_scenario_bool(const ts_scenario *sc, const char *path) {
    const ts_param *p = NULL;
    const sc_value *v = sc_get(sc, path, &p);
    if (v == NULL || p->type != TS_PT_BOOL) {
        return 0;
    }
    long k = sc_find_key(sc, path);
    if (sc->keys[k].is_enabled) {
        return ts_scenario_section_on(sc, sc->opt_names[sc->keys[k].opt]);
    }
    return v->b;
}

const char *ts_scenario_string(const ts_scenario *sc, const char *path) {
    const ts_param *p = NULL;
    const sc_value *v = sc_get(sc, path, &p);
    if (v && (p->type == TS_PT_STRING || p->type == TS_PT_ENUM) && v->s) {
        return v->s;
    }
    return "";
}

size_t ts_scenario_list_len(const ts_scenario *sc, const char *path) {
    const ts_param *p = NULL;
    const sc_value *v = sc_get(sc, path, &p);
    return (v && (p->type == TS_PT_STRLIST || p->type == TS_PT_POINTS)) ? v->n : 0;
}

const char *ts_scenario_list_item(const ts_scenario *sc, const char *path, size_t i) {
    const ts_param *p = NULL;
    const sc_value *v = sc_get(sc, path, &p);
    return (v && p->type == TS_PT_STRLIST && i < v->n) ? v->items[i] : "";
}

void ts_scenario_point(const ts_scenario *sc, const char *path, size_t i, double *x, double *y) {
    const ts_param *p = NULL;
    const sc_value *v = sc_get(sc, path, &p);
    int ok = v && p->type == TS_PT_POINTS && i < v->n;
    if (x != NULL) {
        *x = ok ? v->pts[2 * i] : NAN;
    }
    if (y != NULL) {
        *y = ok ? v->pts[2 * i + 1] : NAN;
    }
}

int ts_scenario_section_on(const ts_scenario *sc, const char *section) {
    if (sc == NULL || section == NULL) {
        return 0;
    }
    int g = sc_opt_exact(sc, section);
    if (g >= 0) {
        return sc->opt_present[g] && sc->vals[sc->opt_enabled[g]].b;
    }
    for (size_t i = 0; i < sc->schema->n_sections; i++) {
        if (strcmp(sc->schema->sections[i]->name, section) == 0) {
            return 1;
        }
    }
    return 0;
}

const char *ts_scenario_name(const ts_scenario *sc) {
    if (sc == NULL) {
        return "scenario";
    }
    const char *name = ts_scenario_string(sc, "name");
    if (name[0] != '\0') {
        return name;
    }
    if (sc->stem != NULL && sc->stem[0] != '\0') {
        return sc->stem;
    }
    return "scenario";
}

/* ---- Events ------------------------------------------------------------------------- */

size_t ts_scenario_n_events(const ts_scenario *sc) {
    return sc ? sc->n_events : 0;
}

const ts_event *ts_scenario_event(const ts_scenario *sc, size_t i) {
    return (sc && i < sc->n_events) ? &sc->events[i] : NULL;
}

int ts_event_day(const ts_event *ev) {
    return ev ? (int)ev->day : 0;
}

const char *ts_event_kind_name(const ts_event *ev) {
    return ev ? ev->kind->kind : "";
}

static const sc_value *sc_event_get(const ts_event *ev, const char *key, const ts_param **p) {
    if (ev == NULL || key == NULL) {
        return NULL;
    }
    for (size_t j = 0; j < ev->kind->n_params; j++) {
        if (strcmp(ev->kind->params[j].key, key) == 0) {
            *p = &ev->kind->params[j];
            return &ev->vals[j];
        }
    }
    return NULL;
}

double ts_event_real(const ts_event *ev, const char *key) {
    const ts_param *p = NULL;
    if (ev != NULL && key != NULL && strcmp(key, "day") == 0) {
        return (double)ev->day;
    }
    const sc_value *v = sc_event_get(ev, key, &p);
    if (v && p->type == TS_PT_INT) {
        return (double)v->i;
    }
    return (v && p->type == TS_PT_REAL) ? v->r : NAN;
}

const char *ts_event_string(const ts_event *ev, const char *key) {
    const ts_param *p = NULL;
    if (ev != NULL && key != NULL && strcmp(key, "kind") == 0) {
        return ev->kind->kind;
    }
    const sc_value *v = sc_event_get(ev, key, &p);
    if (v && (p->type == TS_PT_STRING || p->type == TS_PT_ENUM) && v->s) {
        return v->s;
    }
    return "";
}

size_t ts_event_index(const ts_event *ev) {
    return ev ? ev->index : 0;
}

/* ---- Sweep -------------------------------------------------------------------------- */

size_t ts_scenario_n_points(const ts_scenario *sc) {
    if (sc == NULL) {
        return 0;
    }
    return sc->finalized ? sc->n_points : sc_grid_size(sc);
}

size_t ts_scenario_n_sweep_keys(const ts_scenario *sc) {
    return sc ? sc->n_sweep : 0;
}

const char *ts_scenario_sweep_key(const ts_scenario *sc, size_t k) {
    return (sc && k < sc->n_sweep) ? sc_sweep_name(sc, k) : "";
}

const char *ts_scenario_sweep_value(const ts_scenario *sc, size_t k, size_t g) {
    if (sc == NULL || k >= sc->n_sweep || g >= sc_grid_size(sc)) {
        return "";
    }
    return sc->sweep[k].texts[sc_grid_index(sc, k, g)];
}

ts_ptype ts_scenario_sweep_type(const ts_scenario *sc, size_t k) {
    if (sc == NULL || k >= sc->n_sweep) {
        return TS_PT_REAL;
    }
    size_t key = sc->sweep[k].key;
    return key == SC_VARIANT_KEY ? TS_PT_STRING
           : key == SC_DUMMY_KEY ? TS_PT_REAL
                                 : sc->keys[key].param->type;
}
