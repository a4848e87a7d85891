/* The patterns file of `trustsim validate` (validate_internal.h; its format is described at
 * the top of scenarios/validation.yaml). Each pattern's scenario is made by the scenario
 * loader itself, so that it means exactly what a scenario file means: the `scenario:`
 * mapping is loaded from the file's own text (everything else blanked, so errors carry the
 * file's positions), then the `quick:` overrides, the --set assignments and the arms, as
 * `sweep.variants`, are applied as assignments; errors of those are given back their place
 * in the patterns file. Grid point g of a pattern's scenario is its arm g. */
#include "validate_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Seeds of a pattern that names none, and under --quick. */
enum { VP_DEFAULT_SEEDS = 5, VP_DEFAULT_QUICK_SEEDS = 3 };

static const char *const vp_top_keys[] = {"description", "defaults", "patterns", NULL};
static const char *const vp_defaults_keys[] = {"seeds", "quick", NULL};
static const char *const vp_quick_keys[] = {"seeds", "scenario", NULL};
static const char *const vp_pattern_keys[] = {"id",   "title", "question", "source", "scenario",
                                              "arms", "seeds", "quick",    "checks", NULL};
static const char *const vp_check_keys[] = {"name",        "arm",     "compare",     "measure",
                                            "target",      "welch_t", "welch_t_max", "cohen_d",
                                            "cohen_d_max", NULL};
static const char *const vp_compare_keys[] = {"arms", "as", NULL};
static const char *const vp_target_keys[] = {"min", "max", NULL};

/* ---- Giving assignment errors back their place in the file ------------------------------ */

typedef enum vp_kind { VP_QUICK, VP_ARMS, VP_ARM, VP_OTHER } vp_kind;

/* An assignment made to a pattern's scenario on the file's behalf. */
typedef struct vp_applied {
    char *assign; /* owned */
    vp_kind kind;
    const ts_ynode *node; /* the quick.scenario mapping, the arms list, one arm */
    char prefix[96];      /* the key path of node */
} vp_applied;

/* What the scenario of one pattern is built from. */
typedef struct vp_build {
    const ts_vload *o;
    ts_vyctx c;
    const ts_ynode *pattern, *scenario, *arms;
    char path[32]; /* "patterns[i]" */
    const char *id;
    vp_applied applied[64];
    size_t n_applied;
} vp_build;

/* s with every `from` replaced by `to`, into buf. */
static void vp_replace(char *buf, size_t cap, const char *s, const char *from, const char *to) {
    size_t o = 0, nf = strlen(from), nt = strlen(to);
    while (*s && o + 1 < cap) {
        if (nf && strncmp(s, from, nf) == 0 && o + nt + 1 < cap) {
            memcpy(buf + o, to, nt);
            o += nt;
            s += nf;
        } else {
            buf[o++] = *s++;
        }
    }
    buf[o] = '\0';
}

/* The key path at the start of a message ("a.b[2].c: ..."): its length, 0 if none. */
static size_t vp_path_len(const char *s) {
    size_t n = strcspn(s, ": ");
    return s[n] == ':' && s[n + 1] == ' ' ? n : 0;
}

/* "FILE:LINE:COL: " of a node. */
static void vp_place(const vp_build *b, const ts_ynode *at, char *buf, size_t cap) {
    ts_vfmt(buf, cap, "%s:%d:%d: ", b->c.file, at ? at->line : 0, at ? at->col : 0);
}

static void vp_relocate_applied(const vp_build *b, const vp_applied *a, const char *rest,
                                ts_error *err) {
    char place[300], text[1024], path[300];
    const ts_ynode *at = a->node;
    if (a->kind == VP_ARMS && strncmp(rest, "sweep.variants", 14) == 0) {
        /* An arm's own error: sweep.variants[j].key is arms[j].key in the file. */
        vp_replace(text, sizeof text, rest, "sweep.variants", a->prefix);
        char *end = NULL;
        long j = rest[14] == '[' ? strtol(rest + 15, &end, 10) : -1;
        if (at && at->kind == TS_Y_SEQ && end && *end == ']' && j >= 0 && (size_t)j < at->n) {
            size_t n = vp_path_len(rest);
            size_t skip = (size_t)(end + 1 - rest);
            skip += rest[skip] == '.';
            ts_vfmt(path, sizeof path, "%.*s", n > skip ? (int)(n - skip) : 0, rest + skip);
            at = ts_vyaml_locate(at->kids[j], path);
        }
    } else if (a->kind == VP_ARM && strncmp(rest, "sweep.variants[0]", 17) == 0) {
        /* One arm tried alone: it is variant 0 there. */
        vp_replace(text, sizeof text, rest, "sweep.variants[0]", a->prefix);
        size_t n = vp_path_len(rest), skip = 17 + (rest[17] == '.');
        ts_vfmt(path, sizeof path, "%.*s", n > skip ? (int)(n - skip) : 0, rest + skip);
        at = ts_vyaml_locate(a->node, path);
    } else if (a->kind == VP_QUICK && vp_path_len(rest) > 0) {
        size_t n = vp_path_len(rest);
        ts_vfmt(path, sizeof path, "%.*s", (int)n, rest);
        at = ts_vyaml_locate(a->node, path);
        ts_vfmt(text, sizeof text, "%s.%s", a->prefix, rest);
    } else {
        ts_vfmt(text, sizeof text, "%s: %s", a->prefix, rest);
    }
    vp_place(b, at, place, sizeof place);
    ts_error_set(err, err->status, "%s%s", place, text);
}

/* Rewrites the scenario loader's message so that it says where in the patterns file; the
 * assignments made are those of b and `extra` (may be NULL). */
static void vp_relocate_with(const vp_build *b, const vp_applied *extra, ts_error *err) {
    char rest[1024], place[300];
    const char *msg = err->msg;
    size_t nf = strlen(b->c.file);
    for (size_t i = 0; i <= b->n_applied; i++) {
        const vp_applied *a = i < b->n_applied ? &b->applied[i] : extra;
        if (!a) {
            break;
        }
        size_t na = strlen(a->assign);
        if (strncmp(msg, "--set ", 6) == 0 && strncmp(msg + 6, a->assign, na) == 0 &&
            strncmp(msg + 6 + na, ": ", 2) == 0) {
            ts_vfmt(rest, sizeof rest, "%s", msg + 8 + na);
            vp_relocate_applied(b, a, rest, err);
            return;
        }
    }
    if (strncmp(msg, b->c.file, nf) == 0 && msg[nf] == ':' && isdigit((unsigned char)msg[nf + 1])) {
        /* FILE:LINE:COL: inside the scenario mapping: its key path is under the pattern's. */
        const char *p = msg + nf + 1;
        while (isdigit((unsigned char)*p) || *p == ':') {
            p++;
        }
        if (*p == ' ') {
            p++;
        }
        char head[300];
        ts_vfmt(head, sizeof head, "%.*s", (int)(p - msg), msg);
        ts_vfmt(rest, sizeof rest, "%s", p);
        int at_path = vp_path_len(rest) > 0;
        ts_error_set(err, err->status, "%s%s.scenario%s%s", head, b->path, at_path ? "." : ": ",
                     rest);
        return;
    }
    if (strncmp(msg, b->c.file, nf) == 0 && strncmp(msg + nf, ": ", 2) == 0) {
        /* A default value that a cross-key check refused: the scenario as a whole. */
        ts_vfmt(rest, sizeof rest, "%s", msg + nf + 2);
        vp_place(b, b->scenario, place, sizeof place);
        ts_error_set(err, err->status, "%s%s.scenario: %s", place, b->path, rest);
        return;
    }
    /* A --set of the command line, or a file named by extends: say which pattern. */
    ts_vfmt(rest, sizeof rest, "%s", msg);
    ts_error_set(err, err->status, "%s (in pattern %s)", rest, b->id);
}

static void vp_relocate(const vp_build *b, ts_error *err) {
    vp_relocate_with(b, NULL, err);
}

/* Applies "KEY=" + YAML of node to sc, remembering it for vp_relocate. */
static ts_status vp_assign(vp_build *b, ts_scenario *sc, const char *key, const ts_ynode *value,
                           const char *text, vp_kind kind, const ts_ynode *node, const char *prefix,
                           ts_error *err) {
    if (b->n_applied == sizeof b->applied / sizeof b->applied[0]) {
        return ts_error_set(err, TS_ERR_SCENARIO, "%s:%d:%d: %s: too many overrides (at most %zu)",
                            b->c.file, node->line, node->col, prefix,
                            sizeof b->applied / sizeof b->applied[0]);
    }
    char *yaml = value ? ts_vyaml_emit(value) : strdup(text);
    size_t n = strlen(key) + (yaml ? strlen(yaml) : 0) + 2;
    char *assign = yaml ? malloc(n) : NULL;
    if (!assign) {
        free(yaml);
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    ts_vfmt(assign, n, "%s=%s", key, yaml);
    free(yaml);
    vp_applied *a = &b->applied[b->n_applied++];
    a->assign = assign;
    a->kind = kind;
    a->node = node;
    ts_vfmt(a->prefix, sizeof a->prefix, "%s", prefix);
    ts_status st = ts_scenario_set(sc, assign, err);
    if (st != TS_OK) {
        vp_relocate(b, err);
    }
    return st;
}

/* ---- A pattern's scenario --------------------------------------------------------------- */

/* The quick overrides of one `quick.scenario` mapping, in order. */
static ts_status vp_quick(vp_build *b, ts_scenario *sc, const ts_ynode *map, const char *prefix,
                          ts_error *err) {
    char p[160];
    for (size_t i = 0; map && i + 1 < map->n; i += 2) {
        const ts_ynode *k = map->kids[i];
        ts_vfmt(p, sizeof p, "%s.%s", prefix, k->text);
        if (strcmp(k->text, "extends") == 0 || strcmp(k->text, "sweep") == 0 ||
            strcmp(k->text, "replicates") == 0 || strncmp(k->text, "sweep.", 6) == 0) {
            return ts_vyaml_fail(&b->c, k, p,
                                 "not allowed in quick overrides (expected scenario keys; a "
                                 "pattern's arms are its variants and its seeds its replicates)");
        }
        ts_status st =
            vp_assign(b, sc, k->text, map->kids[i + 1], NULL, VP_QUICK, map, prefix, err);
        if (st != TS_OK) {
            return st;
        }
    }
    return TS_OK;
}

/* Each arm alone, on a copy of the scenario, before all of them: the scenario loader names
 * the assignment in every message about its values, and the one of every arm at once could
 * cut the message short. Alone, an arm's assignment is short and it is variant 0. Names
 * are compared here for the same reason. */
static ts_status vp_arm_trials(vp_build *b, const ts_scenario *sc, ts_error *err) {
    for (size_t j = 0; b->arms && j < b->arms->n; j++) {
        ts_ynode *kid = b->arms->kids[j];
        ts_ynode one = {.kind = TS_Y_SEQ, .line = kid->line, .col = kid->col, .kids = &kid, .n = 1};
        vp_applied a = {.kind = VP_ARM, .node = kid};
        ts_vfmt(a.prefix, sizeof a.prefix, "%s.arms[%zu]", b->path, j);
        char *yaml = ts_vyaml_emit(&one);
        size_t n = yaml ? strlen(yaml) + 16 : 0;
        a.assign = yaml ? malloc(n) : NULL;
        ts_scenario *trial = a.assign ? ts_scenario_copy(sc) : NULL;
        ts_status st = trial ? TS_OK : ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        if (st == TS_OK) {
            ts_vfmt(a.assign, n, "sweep.variants=%s", yaml);
            st = ts_scenario_set(trial, a.assign, err);
        }
        if (st == TS_OK) {
            st = ts_scenario_finalize(trial, err);
        }
        if (st != TS_OK && err->status != TS_ERR_NOMEM) {
            vp_relocate_with(b, &a, err);
        }
        ts_scenario_free(trial);
        free(a.assign);
        free(yaml);
        const ts_ynode *name = ts_vyaml_get(kid, "name");
        for (size_t k = 0; st == TS_OK && name && k < j; k++) {
            const ts_ynode *other = ts_vyaml_get(b->arms->kids[k], "name");
            if (other && strcmp(other->text, name->text) == 0) {
                char p[160];
                ts_vfmt(p, sizeof p, "%s.name", a.prefix);
                st = ts_vyaml_fail(&b->c, name, p,
                                   "duplicate name (got \"%s\", expected a name unlike that of "
                                   "%s.arms[%zu])",
                                   name->text, b->path, k);
            }
        }
        if (st != TS_OK) {
            return st;
        }
    }
    return TS_OK;
}

static ts_status vp_scenario(vp_build *b, const ts_ynode *def_quick, const ts_ynode *quick,
                             size_t seeds, int selected, ts_scenario **out, ts_error *err) {
    const ts_vload *o = b->o;
    ts_scenario *sc = NULL;
    char prefix[96], seeds_text[32];
    *out = NULL;
    char *iso = ts_vyaml_isolate(o->text, strlen(o->text), b->scenario);
    if (!iso) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    ts_status st = ts_scenario_load_string(o->schema, iso, b->c.file, o->dir, &sc, err);
    free(iso);
    if (st != TS_OK) {
        vp_relocate(b, err);
        return st;
    }
    if (o->quick) {
        st = vp_quick(b, sc, def_quick, "defaults.quick.scenario", err);
        ts_vfmt(prefix, sizeof prefix, "%s.quick.scenario", b->path);
        if (st == TS_OK) {
            st = vp_quick(b, sc, quick, prefix, err);
        }
    }
    for (size_t i = 0; st == TS_OK && selected && i < o->n_sets; i++) {
        st = ts_scenario_set(sc, o->sets[i], err);
        if (st != TS_OK) {
            vp_relocate(b, err);
        }
    }
    /* The arms are the scenario's variants, which replace any it extends. */
    ts_vfmt(prefix, sizeof prefix, "%s.arms", b->path);
    if (st == TS_OK) {
        st = vp_arm_trials(b, sc, err);
    }
    if (st == TS_OK) {
        st = vp_assign(b, sc, "sweep.variants", b->arms, "[{name: base}]", VP_ARMS,
                       b->arms ? b->arms : b->pattern, prefix, err);
    }
    ts_vfmt(seeds_text, sizeof seeds_text, "%zu", seeds);
    if (st == TS_OK) {
        st = vp_assign(b, sc, "replicates", NULL, seeds_text, VP_OTHER, b->pattern, b->path, err);
    }
    if (st == TS_OK) {
        st = ts_scenario_finalize(sc, err);
        if (st != TS_OK) {
            vp_relocate(b, err);
        }
    }
    if (st == TS_OK && ts_scenario_n_sweep_keys(sc) != 1) {
        ts_vfmt(prefix, sizeof prefix, "%s.scenario", b->path);
        st = ts_vyaml_fail(&b->c, b->scenario, prefix,
                           "sweeps %s (through extends; expected no sweep: a pattern varies "
                           "only through its arms)",
                           ts_scenario_sweep_key(sc, 1));
    }
    if (st != TS_OK) {
        ts_scenario_free(sc);
        return st;
    }
    *out = sc;
    return TS_OK;
}

/* ---- Checks ----------------------------------------------------------------------------- */

const char *ts_vpattern_arm(const ts_vpattern *p, size_t a) {
    return ts_scenario_sweep_value(p->sc, 0, a);
}

static ts_status vp_arm_index(const ts_vyctx *c, const ts_vpattern *p, const ts_ynode *at,
                              const char *path, const char *name, size_t *out) {
    char list[400] = "";
    for (size_t a = 0; a < p->n_arms; a++) {
        if (strcmp(ts_vpattern_arm(p, a), name) == 0) {
            *out = a;
            return TS_OK;
        }
        size_t used = strlen(list);
        ts_vfmt(list + used, sizeof list - used, "%s%s", a ? ", " : "", ts_vpattern_arm(p, a));
    }
    return ts_vyaml_fail(c, at, path, "unknown arm \"%s\" (expected one of %s)", name, list);
}

static ts_status vp_target(const ts_vyctx *c, const ts_ynode *node, const char *path,
                           ts_vcheck *k) {
    char p[TS_V_AT];
    const ts_ynode *t = ts_vyaml_get(node, "target");
    ts_vfmt(p, sizeof p, "%s.target", path);
    if (!t) {
        return ts_vyaml_fail(c, node, p, "missing (expected {min: X}, {max: Y} or both)");
    }
    ts_status st = ts_vyaml_keys(c, t, p, vp_target_keys);
    if (st == TS_OK) {
        st = ts_vyaml_number(c, t, p, "min", 0, &k->min);
    }
    if (st == TS_OK) {
        st = ts_vyaml_number(c, t, p, "max", 0, &k->max);
    }
    if (st == TS_OK && t->n == 0) {
        st = ts_vyaml_fail(c, t, p, "empty (expected {min: X}, {max: Y} or both)");
    }
    if (st == TS_OK && k->min > k->max) {
        st = ts_vyaml_fail(c, t, p, "empty range (got min %g > max %g)", k->min, k->max);
    }
    return st;
}

static ts_status vp_check_arms(const ts_vyctx *c, const ts_vpattern *p, const ts_ynode *node,
                               const char *path, ts_vcheck *k) {
    static const char *const as[] = {"ratio", "difference", "difference_in_differences", NULL};
    char q[TS_V_AT];
    const ts_ynode *arm = ts_vyaml_get(node, "arm"), *cmp = ts_vyaml_get(node, "compare");
    const char *name = NULL;
    ts_status st = TS_OK;
    if (arm && cmp) {
        return ts_vyaml_fail(c, node, path, "give arm or compare, not both");
    }
    if (cmp) {
        const char *names[4] = {NULL, NULL, NULL, NULL};
        size_t n_names = 0;
        int which = 0;
        ts_vfmt(q, sizeof q, "%s.compare", path);
        st = ts_vyaml_keys(c, cmp, q, vp_compare_keys);
        if (st == TS_OK) {
            st = ts_vyaml_choice(c, cmp, q, "as", as, 1, &which);
        }
        k->cmp = which == 0 ? TS_VC_RATIO : which == 1 ? TS_VC_DIFFERENCE : TS_VC_DID;
        size_t want = ts_vcmp_arms(k->cmp);
        if (st == TS_OK) {
            st = ts_vyaml_name_list(c, cmp, q, "arms", want, want, names, &n_names);
        }
        ts_vfmt(q, sizeof q, "%s.compare.arms", path);
        const ts_ynode *arms = ts_vyaml_get(cmp, "arms");
        size_t *idx[4] = {&k->arm, &k->arm_b, &k->arm_c, &k->arm_d};
        for (size_t i = 0; i < n_names && st == TS_OK; i++) {
            st = vp_arm_index(c, p, arms->kids[i], q, names[i], idx[i]);
        }
        for (size_t i = 0; i < n_names && st == TS_OK; i++) {
            for (size_t j = i + 1; j < n_names && st == TS_OK; j++) {
                if (*idx[i] == *idx[j]) {
                    st = ts_vyaml_fail(c, arms, q,
                                       "an arm twice (got %s twice, expected different arms)",
                                       names[i]);
                }
            }
        }
        return st;
    }
    k->cmp = TS_VC_SINGLE;
    if (arm) {
        st = ts_vyaml_string(c, node, path, "arm", 1, &name);
        ts_vfmt(q, sizeof q, "%s.arm", path);
        return st == TS_OK ? vp_arm_index(c, p, arm, q, name, &k->arm) : st;
    }
    if (p->n_arms > 1) {
        char list[400] = "";
        for (size_t a = 0; a < p->n_arms; a++) {
            size_t used = strlen(list);
            ts_vfmt(list + used, sizeof list - used, "%s%s", a ? ", " : "", ts_vpattern_arm(p, a));
        }
        return ts_vyaml_fail(c, node, path,
                             "which arm? (expected arm: NAME or compare: {arms: [A, B], as: "
                             "ratio|difference}, or {arms: [A, B, C, D], as: "
                             "difference_in_differences}; the arms are %s)",
                             list);
    }
    k->arm = 0;
    return TS_OK;
}

static ts_status vp_check(const ts_vyctx *c, const ts_vpattern *p, const ts_ynode *node,
                          const char *path, ts_vcheck *k) {
    static const char *const stat_keys[] = {"welch_t", "welch_t_max", "cohen_d", "cohen_d_max"};
    char q[TS_V_AT];
    double *bounds[] = {&k->t_min, &k->t_max, &k->d_min, &k->d_max};
    k->min = k->max = k->t_min = k->t_max = k->d_min = k->d_max = NAN;
    ts_status st = ts_vyaml_keys(c, node, path, vp_check_keys);
    if (st == TS_OK) {
        st = ts_vyaml_string(c, node, path, "name", 1, &k->name);
    }
    if (st == TS_OK) {
        st = vp_check_arms(c, p, node, path, k);
    }
    const ts_ynode *m = ts_vyaml_get(node, "measure");
    ts_vfmt(q, sizeof q, "%s.measure", path);
    if (st == TS_OK && !m) {
        st = ts_vyaml_fail(c, node, q,
                           "missing (expected a measure: summary, metric, ratio, "
                           "change or table)");
    }
    if (st == TS_OK) {
        st = ts_vmeasure_parse(c, m, q, &k->m);
    }
    if (st == TS_OK) {
        st = vp_target(c, node, path, k);
    }
    for (size_t i = 0; i < 4 && st == TS_OK; i++) {
        const ts_ynode *v = ts_vyaml_get(node, stat_keys[i]);
        st = ts_vyaml_number(c, node, path, stat_keys[i], 0, bounds[i]);
        if (st == TS_OK && v && k->cmp == TS_VC_SINGLE) {
            ts_vfmt(q, sizeof q, "%s.%s", path, stat_keys[i]);
            st = ts_vyaml_fail(c, v, q,
                               "only for a comparison (expected compare: {arms: [A, B], "
                               "as: ...} in this check)");
        }
    }
    return st;
}

static ts_status vp_checks(const ts_vyctx *c, ts_vpattern *p, const ts_ynode *pattern,
                           const char *path) {
    char q[TS_V_AT], got[160];
    const ts_ynode *list = ts_vyaml_get(pattern, "checks");
    ts_vfmt(q, sizeof q, "%s.checks", path);
    if (!list || list->kind != TS_Y_SEQ || list->n == 0 || list->n > TS_V_MAX_CHECKS) {
        ts_yaml_describe(list, got, sizeof got);
        return ts_vyaml_fail(c, list ? list : pattern, q,
                             "not a list of checks (got %s, expected 1 to %d checks)", got,
                             TS_V_MAX_CHECKS);
    }
    p->checks = calloc(list->n, sizeof *p->checks);
    if (!p->checks) {
        return ts_error_set(c->err, TS_ERR_NOMEM, "out of memory");
    }
    for (size_t j = 0; j < list->n; j++) {
        ts_vfmt(q, sizeof q, "%s.checks[%zu]", path, j);
        ts_status st = vp_check(c, p, list->kids[j], q, &p->checks[j]);
        p->n_checks = j + 1;
        for (size_t i = 0; st == TS_OK && i < j; i++) {
            if (strcmp(p->checks[i].name, p->checks[j].name) == 0) {
                ts_vfmt(q, sizeof q, "%s.checks[%zu].name", path, j);
                st = ts_vyaml_fail(c, ts_vyaml_get(list->kids[j], "name"), q,
                                   "duplicate check name (the same as checks[%zu])", i);
            }
        }
        if (st != TS_OK) {
            return st;
        }
    }
    return TS_OK;
}

/* ---- Patterns --------------------------------------------------------------------------- */

static int vp_id_ok(const char *id) {
    size_t n = strlen(id);
    if (n == 0 || n > 32 || !isalpha((unsigned char)id[0])) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)id[i];
        if (!isalnum(ch) && ch != '_' && ch != '-' && ch != '.') {
            return 0;
        }
    }
    return 1;
}

/* The structure of one pattern and its id (pass 1). */
static ts_status vp_pattern_head(const ts_vyctx *c, const ts_ynode *node, const char *path,
                                 ts_vpattern *p) {
    char q[TS_V_AT], got[160];
    ts_status st = ts_vyaml_keys(c, node, path, vp_pattern_keys);
    if (st == TS_OK) {
        st = ts_vyaml_string(c, node, path, "id", 1, &p->id);
    }
    if (st == TS_OK && !vp_id_ok(p->id)) {
        ts_vfmt(q, sizeof q, "%s.id", path);
        st = ts_vyaml_fail(c, ts_vyaml_get(node, "id"), q,
                           "not an id (got \"%s\", expected a letter, then letters, digits, "
                           "'_', '-' or '.', at most 32)",
                           p->id);
    }
    if (st == TS_OK) {
        st = ts_vyaml_string(c, node, path, "title", 1, &p->title);
    }
    if (st == TS_OK) {
        st = ts_vyaml_string(c, node, path, "question", 1, &p->question);
    }
    if (st == TS_OK) {
        st = ts_vyaml_string(c, node, path, "source", 1, &p->source);
    }
    const ts_ynode *sc = ts_vyaml_get(node, "scenario");
    ts_vfmt(q, sizeof q, "%s.scenario", path);
    if (st == TS_OK && (!sc || sc->kind != TS_Y_MAP)) {
        ts_yaml_describe(sc, got, sizeof got);
        st = ts_vyaml_fail(c, sc ? sc : node, q,
                           "%s (got %s, expected a mapping of scenario keys, {} for the defaults)",
                           sc ? "not a scenario" : "missing", got);
    }
    const char *const banned[] = {"sweep", "replicates"};
    for (size_t i = 0; st == TS_OK && i < 2; i++) {
        for (size_t k = 0; k + 1 < sc->n; k += 2) {
            const ts_ynode *key = sc->kids[k];
            if (key->kind == TS_Y_SCALAR && strncmp(key->text, banned[i], strlen(banned[i])) == 0 &&
                (key->text[strlen(banned[i])] == '\0' || key->text[strlen(banned[i])] == '.')) {
                ts_vfmt(q, sizeof q, "%s.scenario.%s", path, key->text);
                st = ts_vyaml_fail(c, key, q, "not allowed in a pattern (expected %s instead)",
                                   i == 0 ? "arms" : "seeds");
                break;
            }
        }
    }
    const ts_ynode *arms = ts_vyaml_get(node, "arms");
    ts_vfmt(q, sizeof q, "%s.arms", path);
    if (st == TS_OK && arms && (arms->kind != TS_Y_SEQ || arms->n == 0)) {
        ts_yaml_describe(arms, got, sizeof got);
        st = ts_vyaml_fail(c, arms, q,
                           "not a list of arms (got %s, expected [{name: A, ...}, ...])", got);
    }
    return st;
}

/* Seeds of a pattern: its own, else the defaults', else VP_DEFAULT_SEEDS; under quick the
 * quick ones, else the defaults' quick ones, else at most VP_DEFAULT_QUICK_SEEDS. */
static ts_status vp_seeds(const ts_vyctx *c, const ts_ynode *node, const char *path,
                          const ts_ynode *defaults, int quick, size_t *seeds) {
    char q[TS_V_AT];
    long n = VP_DEFAULT_SEEDS, nq = -1;
    const ts_ynode *dq = ts_vyaml_get(defaults, "quick"), *pq = ts_vyaml_get(node, "quick");
    ts_status st = TS_OK;
    if (defaults) {
        st = ts_vyaml_int(c, defaults, "defaults", "seeds", 1, TS_V_MAX_SEEDS, 0, &n);
    }
    if (st == TS_OK && dq) {
        st = ts_vyaml_int(c, dq, "defaults.quick", "seeds", 1, TS_V_MAX_SEEDS, 0, &nq);
    }
    if (st == TS_OK) {
        st = ts_vyaml_int(c, node, path, "seeds", 1, TS_V_MAX_SEEDS, 0, &n);
    }
    ts_vfmt(q, sizeof q, "%s.quick", path);
    if (st == TS_OK && pq) {
        st = ts_vyaml_keys(c, pq, q, vp_quick_keys);
    }
    if (st == TS_OK && pq) {
        st = ts_vyaml_int(c, pq, q, "seeds", 1, TS_V_MAX_SEEDS, 0, &nq);
    }
    const ts_ynode *qs = ts_vyaml_get(pq, "scenario");
    ts_vfmt(q, sizeof q, "%s.quick.scenario", path);
    if (st == TS_OK && qs && qs->kind != TS_Y_MAP) {
        st = ts_vyaml_fail(c, qs, q, "not a mapping of scenario keys");
    }
    if (nq < 0) {
        nq = n < VP_DEFAULT_QUICK_SEEDS ? n : VP_DEFAULT_QUICK_SEEDS;
    }
    *seeds = (size_t)(quick ? nq : n);
    return st;
}

static ts_status vp_pattern(const ts_vload *o, ts_vset *s, size_t i, const ts_ynode *defaults,
                            ts_error *err) {
    ts_vpattern *p = &s->p[i];
    vp_build *b = calloc(1, sizeof *b);
    if (!b) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    const ts_ynode *node = ts_vyaml_get(s->root, "patterns")->kids[i];
    b->o = o;
    b->c = (ts_vyctx){s->file, err};
    b->pattern = node;
    b->scenario = ts_vyaml_get(node, "scenario");
    b->arms = ts_vyaml_get(node, "arms");
    b->id = p->id;
    ts_vfmt(b->path, sizeof b->path, "patterns[%zu]", i);
    const ts_ynode *dq = ts_vyaml_get(ts_vyaml_get(defaults, "quick"), "scenario");
    const ts_ynode *pq = ts_vyaml_get(ts_vyaml_get(node, "quick"), "scenario");
    ts_status st = vp_seeds(&b->c, node, b->path, defaults, o->quick, &p->seeds);
    if (st == TS_OK) {
        st = vp_scenario(b, dq, pq, p->seeds, p->selected, &p->sc, err);
    }
    if (st == TS_OK) {
        p->n_arms = ts_scenario_n_points(p->sc);
        st = vp_checks(&b->c, p, node, b->path);
    }
    for (size_t k = 0; k < b->n_applied; k++) {
        free(b->applied[k].assign);
    }
    free(b);
    return st;
}

/* ---- The file --------------------------------------------------------------------------- */

static ts_status vp_top(const ts_vyctx *c, ts_vset *s, const ts_ynode **defaults) {
    char got[160];
    const ts_ynode *root = s->root;
    ts_status st = ts_vyaml_keys(c, root, "", vp_top_keys);
    if (st == TS_OK) {
        st = ts_vyaml_string(c, root, "", "description", 0, &s->description);
    }
    *defaults = ts_vyaml_get(root, "defaults");
    if (st == TS_OK && *defaults) {
        st = ts_vyaml_keys(c, *defaults, "defaults", vp_defaults_keys);
    }
    const ts_ynode *dq = ts_vyaml_get(*defaults, "quick");
    if (st == TS_OK && dq) {
        st = ts_vyaml_keys(c, dq, "defaults.quick", vp_quick_keys);
    }
    const ts_ynode *dqs = ts_vyaml_get(dq, "scenario");
    if (st == TS_OK && dqs && dqs->kind != TS_Y_MAP) {
        st = ts_vyaml_fail(c, dqs, "defaults.quick.scenario", "not a mapping of scenario keys");
    }
    const ts_ynode *list = ts_vyaml_get(root, "patterns");
    if (st == TS_OK &&
        (!list || list->kind != TS_Y_SEQ || list->n == 0 || list->n > TS_V_MAX_PATTERNS)) {
        ts_yaml_describe(list, got, sizeof got);
        st = ts_vyaml_fail(c, list ? list : root, "patterns",
                           "%s (got %s, expected a list of 1 to %d patterns)",
                           list ? "not a list of patterns" : "missing", got, TS_V_MAX_PATTERNS);
    }
    return st;
}

/* Marks the patterns named by o->ids; an unknown one is bad input. */
static ts_status vp_select(const ts_vload *o, ts_vset *s, ts_error *err) {
    for (size_t i = 0; i < s->n; i++) {
        s->p[i].selected = o->n_ids == 0;
    }
    for (size_t k = 0; k < o->n_ids; k++) {
        int found = 0;
        for (size_t i = 0; i < s->n; i++) {
            if (strcmp(s->p[i].id, o->ids[k]) == 0) {
                s->p[i].selected = found = 1;
            }
        }
        if (!found) {
            char list[600] = "";
            for (size_t i = 0; i < s->n; i++) {
                size_t used = strlen(list);
                if (used + strlen(s->p[i].id) + 8 >= sizeof list) {
                    strcat(list, ", ...");
                    break;
                }
                ts_vfmt(list + used, sizeof list - used, "%s%s", i ? ", " : "", s->p[i].id);
            }
            return ts_error_set(err, TS_ERR_PARAM,
                                "--pattern %s: no such pattern in %s (expected one of %s)",
                                o->ids[k], s->file, list);
        }
    }
    return TS_OK;
}

ts_status ts_vset_load(const ts_vload *o, ts_vset **out, ts_error *err) {
    ts_yerror yerr;
    const ts_ynode *defaults = NULL;
    ts_vset *s = calloc(1, sizeof *s);
    *out = NULL;
    if (!s || !(s->file = strdup(o->file)) || !(s->text = strdup(o->text))) {
        ts_vset_free(s);
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    ts_vyctx c = {s->file, err};
    ts_status st = ts_yaml_parse(s->text, strlen(s->text), &s->root, &yerr);
    if (st == TS_ERR_NOMEM) {
        st = ts_error_set(err, st, "out of memory");
    } else if (st != TS_OK) {
        st = ts_error_set(err, st, "%s:%d:%d: %s%s%s", s->file, yerr.line, yerr.col, yerr.path,
                          yerr.path[0] ? ": " : "", yerr.msg);
    } else if (!s->root) {
        st = ts_error_set(err, TS_ERR_SCENARIO, "%s: no patterns (the file is empty)", s->file);
    } else {
        st = vp_top(&c, s, &defaults);
    }
    const ts_ynode *list = st == TS_OK ? ts_vyaml_get(s->root, "patterns") : NULL;
    if (st == TS_OK && !(s->p = calloc(list->n, sizeof *s->p))) {
        st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; st == TS_OK && i < list->n; i++) {
        char path[32], q[48];
        ts_vfmt(path, sizeof path, "patterns[%zu]", i);
        st = vp_pattern_head(&c, list->kids[i], path, &s->p[i]);
        s->n = i + 1;
        for (size_t j = 0; st == TS_OK && j < i; j++) {
            if (strcmp(s->p[j].id, s->p[i].id) == 0) {
                ts_vfmt(q, sizeof q, "%s.id", path);
                st =
                    ts_vyaml_fail(&c, ts_vyaml_get(list->kids[i], "id"), q,
                                  "duplicate id \"%s\" (the same as patterns[%zu])", s->p[i].id, j);
            }
        }
    }
    if (st == TS_OK) {
        st = vp_select(o, s, err);
    }
    for (size_t i = 0; st == TS_OK && i < s->n; i++) {
        st = vp_pattern(o, s, i, defaults, err);
    }
    if (st != TS_OK) {
        ts_vset_free(s);
        return st;
    }
    *out = s;
    return TS_OK;
}

void ts_vset_free(ts_vset *s) {
    if (!s) {
        return;
    }
    for (size_t i = 0; i < s->n; i++) {
        for (size_t j = 0; j < s->p[i].n_checks; j++) {
            ts_vmeasure_clear(&s->p[i].checks[j].m);
        }
        free(s->p[i].checks);
        ts_scenario_free(s->p[i].sc);
    }
    free(s->p);
    ts_yaml_free(s->root);
    free(s->text);
    free(s->file);
    free(s);
}
