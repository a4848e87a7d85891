/* The resolved scenario written back as YAML (ts_scenario_to_yaml), the top layer of the
 * loader (sim/scenario/scenario_values.h lists the layers): every key with its value, tactics that
 * are off left out, events, the sweep with its variants and the design's factors. */
#include "scenario.h"
#include "scenario_design.h"
#include "yamlio.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Output as YAML ----------------------------------------------------------------- */

/* Keys are printed as nested maps, so they go through a small tree of path components. */
typedef struct sc_tnode {
    const char *name;
    size_t len;
    long key;    /* key index of a leaf, -1 for a map */
    int literal; /* 1: print true, 2: print false instead of the key's value */
    struct sc_tnode **kids;
    size_t n, n_alloc;
} sc_tnode;

static void sc_tree_free(sc_tnode *t) {
    if (t == NULL) {
        return;
    }
    for (size_t i = 0; i < t->n; i++) {
        sc_tree_free(t->kids[i]);
    }
    free(t->kids);
    free(t);
}

static int sc_tree_add(sc_tnode *t, const char *path, long key, int literal) {
    const char *p = path;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        sc_tnode *kid = NULL;
        for (size_t i = 0; i < t->n; i++) {
            if (t->kids[i]->len == len && strncmp(t->kids[i]->name, p, len) == 0) {
                kid = t->kids[i];
            }
        }
        if (kid == NULL) {
            if (t->n == t->n_alloc) {
                size_t n_alloc = t->n_alloc ? 2 * t->n_alloc : 8;
                sc_tnode **kids = realloc(t->kids, n_alloc * sizeof *kids);
                if (kids == NULL) {
                    return 0;
                }
                t->kids = kids;
                t->n_alloc = n_alloc;
            }
            if ((kid = calloc(1, sizeof *kid)) == NULL) {
                return 0;
            }
            kid->name = p;
            kid->len = len;
            kid->key = -1;
            t->kids[t->n++] = kid;
        }
        if (dot == NULL) {
            kid->key = key;
            kid->literal = literal;
            return 1;
        }
        t = kid;
        p = dot + 1;
    }
}

static void sc_write_value(FILE *f, const ts_param *p, const sc_value *v) {
    char buf[40];
    switch (p->type) {
    case TS_PT_INT:
        fprintf(f, "%" PRId64, v->i);
        break;
    case TS_PT_REAL:
        ts_yaml_format_real(v->r, buf, sizeof buf);
        fputs(buf, f);
        break;
    case TS_PT_BOOL:
        fputs(v->b ? "true" : "false", f);
        break;
    case TS_PT_STRING:
    case TS_PT_ENUM:
        ts_yaml_write_string(f, v->s ? v->s : "");
        break;
    case TS_PT_STRLIST:
        fputc('[', f);
        for (size_t i = 0; i < v->n; i++) {
            fputs(i ? ", " : "", f);
            ts_yaml_write_string(f, v->items[i]);
        }
        fputc(']', f);
        break;
    case TS_PT_POINTS:
        fputc('[', f);
        for (size_t i = 0; i < v->n; i++) {
            char y[40];
            ts_yaml_format_real(v->pts[2 * i], buf, sizeof buf);
            ts_yaml_format_real(v->pts[2 * i + 1], y, sizeof y);
            fprintf(f, "%s[%s, %s]", i ? ", " : "", buf, y);
        }
        fputc(']', f);
        break;
    }
}

static void sc_tree_print(FILE *f, const ts_scenario *sc, const sc_tnode *t, int indent) {
    for (size_t i = 0; i < t->n; i++) {
        const sc_tnode *kid = t->kids[i];
        fprintf(f, "%*s%.*s:", indent, "", (int)kid->len, kid->name);
        if (kid->key < 0) {
            fputc('\n', f);
            sc_tree_print(f, sc, kid, indent + 2);
            if (indent == 0 && kid->len == 11 && strncmp(kid->name, "sensitivity", 11) == 0) {
                sc_design_write(f, sc, indent + 2);
            }
            continue;
        }
        const sc_key *k = &sc->keys[kid->key];
        fputc(' ', f);
        if (kid->literal) {
            fputs(kid->literal == 1 ? "true" : "false", f);
        } else if (strcmp(k->path, "name") == 0 && k->param->type == TS_PT_STRING) {
            ts_yaml_write_string(f, ts_scenario_name(sc));
        } else {
            sc_write_value(f, k->param, &sc->vals[kid->key]);
        }
        fputc('\n', f);
    }
}

static int sc_sweeps_inside(const ts_scenario *sc, int opt) {
    for (size_t k = 0; k < sc->n_sweep; k++) {
        if (sc_sweep_is_key(&sc->sweep[k]) && sc->keys[sc->sweep[k].key].opt == opt) {
            return 1;
        }
    }
    return 0;
}

/* Does some variant name the optional section `opt` (and so turn it on)? */
static int sc_variant_names(const ts_scenario *sc, int opt) {
    for (size_t i = 0; i < sc->n_variants; i++) {
        for (size_t j = 0; j < sc->variants[i].n_opts; j++) {
            if (sc->variants[i].opts[j] == opt) {
                return 1;
            }
        }
    }
    return 0;
}

/* Adds the keys of every section called `name` (all sections of that name at once). */
static int sc_tree_section(sc_tnode *root, const ts_scenario *sc, size_t first) {
    const ts_schema *s = sc->schema;
    const char *name = s->sections[first]->name;
    int opt = sc_opt_exact(sc, name);
    size_t n_params = 0;
    int off = opt >= 0 && !ts_scenario_section_on(sc, name);
    if (off) {
        /* Off and left out, unless the sweep names a key inside: then it must say so.
         * A variant turns it on with the keys given here, so those are written too. */
        if (!sc->opt_present[opt]) {
            return 1;
        }
        int named = sc_variant_names(sc, opt);
        if (!named && !sc_sweeps_inside(sc, opt)) {
            return 1;
        }
        size_t e = sc->opt_enabled[opt];
        if (!sc_tree_add(root, sc->keys[e].path, (long)e, 2) || !named) {
            return named ? 0 : 1;
        }
    }
    for (size_t j = first; j < s->n_sections; j++) {
        const ts_section *sec = s->sections[j];
        if (strcmp(sec->name, name) != 0) {
            continue;
        }
        for (size_t i = 0; i < sec->n_params; i++, n_params++) {
            char *path = sc_join(name, sec->params[i].key);
            long k = path ? sc_find_key(sc, path) : -1;
            free(path);
            /* The tree points into the key's own path, which outlives it. */
            if (k < 0 || !sc_tree_add(root, sc->keys[k].path, k, 0)) {
                return 0;
            }
        }
    }
    if (opt >= 0 && n_params == 0 && !off) {
        size_t e = sc->opt_enabled[opt];
        return sc_tree_add(root, sc->keys[e].path, (long)e, 1);
    }
    return 1;
}

static void sc_write_events(FILE *f, const ts_scenario *sc) {
    if (sc->n_events == 0) {
        return;
    }
    fputs("events:\n", f);
    for (size_t i = 0; i < sc->n_events; i++) {
        const ts_event *ev = &sc->events[i];
        fprintf(f, "  - {day: %" PRId64 ", kind: ", ev->day);
        ts_yaml_write_string(f, ev->kind->kind);
        for (size_t j = 0; j < ev->kind->n_params; j++) {
            fprintf(f, ", %s: ", ev->kind->params[j].key);
            sc_write_value(f, &ev->kind->params[j], &ev->vals[j]);
        }
        fputs("}\n", f);
    }
}

/* One variant as a block mapping item: its name, each key it sets as a full path, and
 * `section: {}` for a tactic it names without setting a key inside. */
static void sc_write_variant(FILE *f, const ts_scenario *sc, const sc_variant *v) {
    fprintf(f, "    - name: %s\n", v->name);
    for (size_t j = 0; j < v->n_set; j++) {
        const sc_assign *a = &v->set[j];
        if (!a->implicit) {
            fprintf(f, "      %s: ", sc->keys[a->key].path);
            sc_write_value(f, sc->keys[a->key].param, &a->val);
            fputc('\n', f);
        }
    }
    for (size_t j = 0; j < v->n_opts; j++) {
        int named = 0;
        for (size_t i = 0; i < v->n_set && !named; i++) {
            named = !v->set[i].implicit && sc->keys[v->set[i].key].opt == v->opts[j];
        }
        if (!named) {
            fprintf(f, "      %s: {}\n", sc->opt_names[v->opts[j]]);
        }
    }
}

static void sc_write_sweep(FILE *f, const ts_scenario *sc) {
    /* A design is written as its factors, in the sensitivity section. */
    if (sc->n_sweep == 0 || sc->zipped) {
        return;
    }
    fputs("sweep:\n", f);
    for (size_t k = 0; k < sc->n_sweep; k++) {
        const sc_sweep *w = &sc->sweep[k];
        if (w->key == SC_VARIANT_KEY) {
            fputs("  variants:\n", f);
            for (size_t i = 0; i < sc->n_variants; i++) {
                sc_write_variant(f, sc, &sc->variants[i]);
            }
            continue;
        }
        fprintf(f, "  %s: [", sc->keys[w->key].path);
        for (size_t i = 0; i < w->n; i++) {
            fprintf(f, "%s%s", i ? ", " : "", w->texts[i]);
        }
        fputs("]\n", f);
    }
}

char *ts_scenario_to_yaml(const ts_scenario *sc) {
    char *buf = NULL;
    size_t size = 0;
    if (sc == NULL) {
        return NULL;
    }
    sc_tnode *root = calloc(1, sizeof *root);
    /* Tree nodes point into key paths, which outlive the tree. Build it from those. */
    int ok = root != NULL;
    const ts_schema *s = sc->schema;
    for (size_t i = 0; i < s->n_sections && ok; i++) {
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++) {
            seen = strcmp(s->sections[j]->name, s->sections[i]->name) == 0;
        }
        if (!seen) {
            ok = sc_tree_section(root, sc, i);
        }
    }
    FILE *f = ok ? open_memstream(&buf, &size) : NULL;
    if (f != NULL) {
        sc_tree_print(f, sc, root, 0);
        sc_write_events(f, sc);
        sc_write_sweep(f, sc);
        if (fclose(f) != 0) {
            free(buf);
            buf = NULL;
        }
    }
    sc_tree_free(root);
    return buf;
}
