/* The sensitivity design of a scenario, a layer above the getters and below the parser
 * (sim/scenario/scenario_values.h lists the layers): reading `sensitivity.factors`, turning the
 * scenario into its design when it is finalized (sim/maths/sensitivity.h draws the points),
 * writing the factors back as YAML, and the getters of the design. */
#include "scenario_design.h"
#include "sensitivity.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- Reading the factors ---------------------------------------------------------------- */

/* Keys that cannot be a factor: what the design itself decides, or what decides the design. */
static int sd_reserved(const char *path) {
    return strcmp(path, "seed") == 0 || strcmp(path, "replicates") == 0 ||
           strncmp(path, "sensitivity.", 12) == 0;
}

/* Reads one factor, `name: [low, high]`, into f. `at` is the node of its name. */
static ts_status sd_read_factor(const sc_ctx *c, const ts_ynode *at, const char *name,
                                const ts_ynode *v, sc_factor *f) {
    ts_scenario *sc = c->sc;
    char shown[600];
    char got[160];
    snprintf(shown, sizeof shown, "sensitivity.factors.%s", name);
    long k = sc_find_key(sc, name);
    if (k < 0) {
        if (sc_is_prefix(sc, name)) {
            return sc_fail(c, at, shown,
                           "a section, not a key (expected the path of a number-valued key, "
                           "such as culture.safety)");
        }
        return sc_unknown_key(c, at, "sensitivity.factors.", "", name, 0, 1);
    }
    const ts_param *p = sc->keys[k].param;
    if (p->type != TS_PT_INT && p->type != TS_PT_REAL) {
        return sc_fail(c, at, shown,
                       "not a number-valued key (got a key of type %s, expected an int or real "
                       "key)",
                       p->type == TS_PT_BOOL   ? "bool"
                       : p->type == TS_PT_ENUM ? "enum"
                                               : "text");
    }
    if (sd_reserved(sc->keys[k].path)) {
        return sc_fail(c, at, shown,
                       "cannot be a factor (expected a model parameter; the design sets the "
                       "seeds and the runs of its points itself)");
    }
    ts_yaml_describe(v, got, sizeof got);
    if (v->kind != TS_Y_SEQ || v->n != 2) {
        return sc_fail(c, v, shown, "not a range (got %s, expected [low, high])", got);
    }
    sc_value lo, hi;
    memset(&lo, 0, sizeof lo);
    memset(&hi, 0, sizeof hi);
    ts_status st = sc_read_value(c, p, v->kids[0], shown, &lo);
    if (st == TS_OK) {
        st = sc_read_value(c, p, v->kids[1], shown, &hi);
    }
    if (st == TS_OK && !(lo.r < hi.r)) {
        char a[40], b[40];
        ts_yaml_format_real(lo.r, a, sizeof a);
        ts_yaml_format_real(hi.r, b, sizeof b);
        st = sc_fail(c, v, shown,
                     "empty range (got [%s, %s], expected [low, high] with low < high)", a, b);
    }
    f->key = (size_t)k;
    f->low = lo.r;
    f->high = hi.r;
    f->mark = sc_node_mark(c, at);
    sc_value_clear(&lo);
    sc_value_clear(&hi);
    return st;
}

/* Adds f, or replaces the factor of the same key. */
static ts_status sd_put(const sc_ctx *c, const ts_ynode *at, const char *shown, const sc_factor *f,
                        sc_factor *list, size_t *n) {
    for (size_t i = 0; i < *n; i++) {
        if (list[i].key == f->key) {
            list[i] = *f;
            return TS_OK;
        }
    }
    if (*n == SC_MAX_FACTORS) {
        return sc_fail(c, at, shown, "too many factors (got %d, expected at most %d)",
                       SC_MAX_FACTORS + 1, SC_MAX_FACTORS);
    }
    list[(*n)++] = *f;
    return TS_OK;
}

ts_status sc_apply_factors(const sc_ctx *c, const ts_ynode *at, const ts_ynode *v,
                           const char *key) {
    ts_scenario *sc = c->sc;
    sc_factor list[SC_MAX_FACTORS];
    size_t n = 0;
    ts_status st = TS_OK;
    char got[160];
    if (key != NULL) {
        /* One factor: the others stay. */
        memcpy(list, sc->factors, sc->n_factors * sizeof *list);
        n = sc->n_factors;
        sc_factor f;
        st = sd_read_factor(c, at, key, v, &f);
        if (st == TS_OK) {
            st = sd_put(c, at, "sensitivity.factors", &f, list, &n);
        }
    } else if (!ts_yaml_is_null(v)) {
        if (v->kind != TS_Y_MAP) {
            ts_yaml_describe(v, got, sizeof got);
            return sc_fail(c, v, "sensitivity.factors",
                           "not a mapping (got %s, expected key paths with their ranges, such "
                           "as {culture.safety: [0.2, 0.9]})",
                           got);
        }
        for (size_t i = 0; i + 1 < v->n && st == TS_OK; i += 2) {
            sc_factor f;
            st = sc_check_key(c, v, i, "sensitivity.factors");
            if (st == TS_OK) {
                st = sd_read_factor(c, v->kids[i], v->kids[i]->text, v->kids[i + 1], &f);
            }
            if (st == TS_OK) {
                st = sd_put(c, v->kids[i], "sensitivity.factors", &f, list, &n);
            }
        }
    }
    if (st != TS_OK) {
        return st;
    }
    memcpy(sc->factors, list, n * sizeof *list);
    sc->n_factors = n;
    sc->factors_mark = sc_node_mark(c, at);
    sc_touch(sc, "sensitivity");
    return TS_OK;
}

/* ---- The design ------------------------------------------------------------------------- */

/* Sweep entry i of the design: factor i's values at the n design points of the unit design u
 * (n x k), scaled to its range; integer keys take the nearest integer. */
static ts_status sd_entry(ts_scenario *sc, size_t i, const double *u, size_t n, size_t k,
                          sc_sweep *w, ts_error *err) {
    const sc_factor *f = &sc->factors[i];
    const ts_param *p = sc->keys[f->key].param;
    w->key = f->key;
    w->mark = f->mark;
    w->vals = calloc(n, sizeof *w->vals);
    w->texts = calloc(n, sizeof *w->texts);
    if (w->vals == NULL || w->texts == NULL) {
        return sc_nomem(err);
    }
    w->n = n;
    for (size_t g = 0; g < n; g++) {
        double x;
        ts_sens_scale(1, 1, &u[g * k + i], &f->low, &f->high, &x, NULL);
        sc_value *v = &w->vals[g];
        v->mark = f->mark;
        v->layer = sc->layer;
        if (p->type == TS_PT_INT) {
            v->i = (int64_t)llround(x);
            v->r = (double)v->i;
        } else {
            v->r = x;
        }
        if ((w->texts[g] = sc_value_text(p, v)) == NULL) {
            return sc_nomem(err);
        }
    }
    return TS_OK;
}

/* The dummy: its unit-cube values, set on nothing. */
static ts_status sd_dummy(const ts_scenario *sc, const double *u, size_t n, size_t k, sc_sweep *w,
                          ts_error *err) {
    w->key = SC_DUMMY_KEY;
    w->mark = sc->factors_mark;
    w->vals = calloc(n, sizeof *w->vals);
    w->texts = calloc(n, sizeof *w->texts);
    if (w->vals == NULL || w->texts == NULL) {
        return sc_nomem(err);
    }
    w->n = n;
    for (size_t g = 0; g < n; g++) {
        char buf[40];
        w->vals[g].r = u[g * k + k - 1];
        w->vals[g].mark = sc->factors_mark;
        ts_yaml_format_real(w->vals[g].r, buf, sizeof buf);
        if ((w->texts[g] = strdup(buf)) == NULL) {
            return sc_nomem(err);
        }
    }
    return TS_OK;
}

/* A Morris step moves a factor by Delta = p / (2 (p - 1)) of its range; an integer key must
 * move by at least 1, or rounding could leave a step that moves nothing. */
static ts_status sd_check_integer_steps(const ts_scenario *sc, int64_t levels, ts_error *err) {
    double delta = (double)levels / (2.0 * (double)(levels - 1));
    for (size_t i = 0; i < sc->n_factors; i++) {
        const sc_factor *f = &sc->factors[i];
        if (sc->keys[f->key].param->type == TS_PT_INT && delta * (f->high - f->low) < 1.0) {
            char path[600];
            snprintf(path, sizeof path, "sensitivity.factors.%s", sc->keys[f->key].path);
            return sc_mark_fail(
                sc, f->mark, path, err,
                "range too narrow for an integer key (got [%.17g, %.17g] with %" PRId64
                " levels, a step of %.3g, expected high - low >= %.3g so that "
                "each step moves it)",
                f->low, f->high, levels, delta * (f->high - f->low), 1.0 / delta);
        }
    }
    return TS_OK;
}

ts_status sc_design_expand(ts_scenario *sc, ts_error *err) {
    if (sc->zipped || sc->n_factors == 0 || !ts_scenario_section_on(sc, "sensitivity")) {
        return TS_OK;
    }
    if (sc->n_sweep > 0) {
        return sc_mark_fail(sc, sc->factors_mark, "sensitivity.factors", err,
                            "a sensitivity design and a sweep together (got sweep.%s, expected "
                            "one or the other: the design is the sweep)",
                            sc_sweep_name(sc, 0));
    }
    int sobol = strcmp(ts_scenario_string(sc, "sensitivity.method"), "sobol") == 0;
    size_t r = (size_t)ts_scenario_int(sc, "sensitivity.samples");
    int64_t levels = ts_scenario_int(sc, "sensitivity.levels");
    size_t k = sc->n_factors + 1;
    size_t n = sobol ? ts_sens_saltelli_runs(k, r) : ts_sens_morris_runs(k, r);
    if (n == 0 || n > SC_MAX_POINTS) {
        return ts_scenario_fail(sc, "sensitivity.samples", err,
                                "too many design points (got %zu x (%zu factors + %d) = %.0f, "
                                "expected at most %d)",
                                r, k, sobol ? 2 : 1, (double)r * (double)(k + (sobol ? 2 : 1)),
                                SC_MAX_POINTS);
    }
    if (!sobol && levels % 2 != 0) {
        return ts_scenario_fail(sc, "sensitivity.levels", err,
                                "odd number of levels (got %" PRId64
                                ", expected an even number, so that every level has a "
                                "neighbour one step away)",
                                levels);
    }
    ts_status st = sobol ? TS_OK : sd_check_integer_steps(sc, levels, err);
    if (st != TS_OK) {
        return st;
    }
    double *u = malloc(n * k * sizeof *u);
    if (u == NULL) {
        return sc_nomem(err);
    }
    /* The Morris design is random: its stream comes from the scenario's seed. */
    st = sobol ? ts_sens_saltelli_design(k, r, u, err)
               : ts_sens_morris_design(k, r, (size_t)levels, (uint64_t)ts_scenario_int(sc, "seed"),
                                       u, err);
    for (size_t i = 0; i < sc->n_factors && st == TS_OK; i++) {
        st = sd_entry(sc, i, u, n, k, &sc->sweep[i], err);
        sc->n_sweep = i + 1;
    }
    if (st == TS_OK) {
        st = sd_dummy(sc, u, n, k, &sc->sweep[k - 1], err);
        sc->n_sweep = k;
    }
    free(u);
    if (st != TS_OK) {
        for (size_t i = 0; i < sc->n_sweep; i++) {
            sc_sweep_clear(&sc->sweep[i]);
        }
        sc->n_sweep = 0;
        return st;
    }
    sc->zipped = 1;
    int64_t reps = ts_scenario_int(sc, "sensitivity.replicates");
    long kr = sc_find_key(sc, "replicates");
    if (reps > 0 && kr >= 0) {
        sc->vals[kr].i = reps;
        sc->vals[kr].r = (double)reps;
    }
    return TS_OK;
}

void sc_design_write(FILE *f, const ts_scenario *sc, int indent) {
    if (sc->n_factors == 0) {
        return;
    }
    fprintf(f, "%*sfactors:\n", indent, "");
    for (size_t i = 0; i < sc->n_factors; i++) {
        const sc_factor *x = &sc->factors[i];
        const ts_param *p = sc->keys[x->key].param;
        char lo[40], hi[40];
        if (p->type == TS_PT_INT) {
            snprintf(lo, sizeof lo, "%" PRId64, (int64_t)x->low);
            snprintf(hi, sizeof hi, "%" PRId64, (int64_t)x->high);
        } else {
            ts_yaml_format_real(x->low, lo, sizeof lo);
            ts_yaml_format_real(x->high, hi, sizeof hi);
        }
        fprintf(f, "%*s%s: [%s, %s]\n", indent + 2, "", sc->keys[x->key].path, lo, hi);
    }
}

/* ---- Getters ---------------------------------------------------------------------------- */

int ts_scenario_is_design(const ts_scenario *sc) {
    return sc != NULL && sc->zipped;
}

int ts_scenario_points_share_seeds(const ts_scenario *sc) {
    return !ts_scenario_is_design(sc);
}

size_t ts_scenario_n_factors(const ts_scenario *sc) {
    return ts_scenario_is_design(sc) ? sc->n_factors : 0;
}

const char *ts_scenario_factor_key(const ts_scenario *sc, size_t i) {
    return i < ts_scenario_n_factors(sc) ? sc->keys[sc->factors[i].key].path : "";
}

void ts_scenario_factor_range(const ts_scenario *sc, size_t i, double *low, double *high) {
    int ok = i < ts_scenario_n_factors(sc);
    *low = ok ? sc->factors[i].low : NAN;
    *high = ok ? sc->factors[i].high : NAN;
}

double ts_scenario_factor_unit(const ts_scenario *sc, size_t i, size_t g) {
    size_t n = ts_scenario_n_factors(sc);
    if (i > n || g >= sc->n_points || sc->n_sweep != n + 1) {
        return NAN;
    }
    double x = sc->sweep[i].vals[g].r;
    if (i == n) {
        return x; /* the dummy holds its unit values */
    }
    const sc_factor *f = &sc->factors[i];
    return (x - f->low) / (f->high - f->low);
}
