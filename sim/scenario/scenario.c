/* Scenario lifecycle, the layer above the parser (sim/scenario/scenario_values.h lists the layers):
 * a new scenario with the schema's defaults, loading a file or text (following `extends`),
 * a --set override (all or nothing, on a copy), finalize with its check of every sweep grid
 * point (named variants included), a scenario at one grid point, copy and free. */
#include "scenario.h"
#include "scenario_design.h"
#include "scenario_parse.h"
#include "yamlio.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- A new scenario ----------------------------------------------------------------- */

/* Adds a source for marks; returns its index, or -1 when out of memory. */
static int sc_add_source(ts_scenario *sc, const char *name, int is_set) {
    if (sc->n_srcs == sc->srcs_alloc) {
        size_t n_alloc = sc->srcs_alloc ? 2 * sc->srcs_alloc : 8;
        sc_source *srcs = realloc(sc->srcs, n_alloc * sizeof *srcs);
        if (srcs == NULL) {
            return -1;
        }
        sc->srcs = srcs;
        sc->srcs_alloc = n_alloc;
    }
    sc->srcs[sc->n_srcs].name = NULL;
    sc->srcs[sc->n_srcs].is_set = is_set;
    if (name != NULL && (sc->srcs[sc->n_srcs].name = strdup(name)) == NULL) {
        return -1;
    }
    return (int)sc->n_srcs++;
}

static ts_status sc_new(const ts_schema *schema, ts_scenario **out, ts_error *err) {
    *out = NULL;
    if (schema == NULL) {
        return ts_error_set(err, TS_ERR_INTERNAL, "scenario: no schema");
    }
    ts_scenario *sc = calloc(1, sizeof *sc);
    if (sc == NULL) {
        return sc_nomem(err);
    }
    sc->schema = schema;
    sc->n_points = 1;
    sc->sweep = calloc(SC_SWEEP_SLOTS, sizeof *sc->sweep);
    sc->factors = calloc(SC_MAX_FACTORS, sizeof *sc->factors);
    ts_status st = (sc->sweep == NULL || sc->factors == NULL || sc_add_source(sc, NULL, 0) < 0)
                       ? sc_nomem(err)
                       : sc_build_index(sc, err);
    if (st != TS_OK) {
        ts_scenario_free(sc);
        return st;
    }
    *out = sc;
    return TS_OK;
}

/* ---- Files and extends -------------------------------------------------------------- */

typedef struct sc_chain {
    char *real[SC_MAX_EXTENDS + 2];
    const char *shown[SC_MAX_EXTENDS + 2];
    int n;
} sc_chain;

static ts_status sc_load_text(ts_scenario *sc, const char *text, size_t len, const char *shown,
                              const char *dir, sc_chain *chain, int depth, ts_error *err);

/* What sc_slurp returns besides 0 and an errno value. */
enum { SC_SLURP_TOO_LARGE = -1, SC_SLURP_NOT_REGULAR = -2 };

/* Opens `path` for reading only if it is a regular file, so that a FIFO, a terminal or a
 * device named as a scenario never blocks the load or reads as endless input. stat
 * first, so that no device is even opened; then the open does not wait for a FIFO's
 * writer (O_NONBLOCK), and fstat makes sure that what was opened is what was checked.
 * O_NONBLOCK may stay set: it does not change how a regular file reads. Returns the
 * stream, or NULL with *e an errno value or SC_SLURP_NOT_REGULAR. */
static FILE *sc_open_regular(const char *path, int *e) {
    struct stat sb;
    if (stat(path, &sb) != 0) {
        *e = errno ? errno : ENOENT;
        return NULL;
    }
    if (!S_ISREG(sb.st_mode)) {
        *e = SC_SLURP_NOT_REGULAR;
        return NULL;
    }
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        *e = errno ? errno : EIO;
        return NULL;
    }
    FILE *f = NULL;
    if (fstat(fd, &sb) != 0) {
        *e = errno ? errno : EIO;
    } else if (!S_ISREG(sb.st_mode)) {
        *e = SC_SLURP_NOT_REGULAR;
    } else if ((f = fdopen(fd, "rb")) == NULL) {
        *e = errno ? errno : ENOMEM;
    }
    if (f == NULL) {
        close(fd);
    }
    return f;
}

/* Reads a whole regular file of at most TS_YAML_MAX_BYTES; returns 0, or an errno value,
 * or SC_SLURP_TOO_LARGE, or SC_SLURP_NOT_REGULAR. */
static int sc_slurp(const char *path, char **out, size_t *len) {
    size_t cap = 1 << 16;
    size_t n = 0;
    char *buf;
    int e = 0;
    *out = NULL;
    FILE *f = sc_open_regular(path, &e);
    if (f == NULL) {
        return e;
    }
    buf = malloc(cap + 1);
    while (buf != NULL) {
        if (n == cap) {
            char *bigger;
            if (cap > TS_YAML_MAX_BYTES) {
                e = SC_SLURP_TOO_LARGE;
                break;
            }
            cap *= 2;
            bigger = realloc(buf, cap + 1);
            if (bigger == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n > TS_YAML_MAX_BYTES) {
            e = SC_SLURP_TOO_LARGE;
            break;
        }
        if (got == 0) {
            e = ferror(f) ? (errno ? errno : EIO) : 0;
            break;
        }
    }
    fclose(f);
    if (buf == NULL) {
        return ENOMEM;
    }
    if (e == 0 && n > TS_YAML_MAX_BYTES) {
        e = SC_SLURP_TOO_LARGE;
    }
    if (e != 0) {
        free(buf);
        return e;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

static char *sc_dirname(const char *path) {
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        return strdup("");
    }
    if (slash == path) {
        return strdup("/");
    }
    return strndup(path, (size_t)(slash - path));
}

/* Loads `path`; `from` and `at` locate the `extends` that names it (NULL for the top). */
static ts_status sc_load_file(ts_scenario *sc, const char *path, sc_chain *chain, int depth,
                              const sc_ctx *from, const ts_ynode *at, ts_error *err) {
    char *buf = NULL;
    size_t len = 0;
    int e = sc_slurp(path, &buf, &len);
    if (e == ENOMEM) {
        return sc_nomem(err);
    }
    if (e != 0) {
        /* An extends target is reported at the key that names it. */
        if (e == SC_SLURP_TOO_LARGE && from != NULL) {
            return sc_fail(from, at, "extends",
                           "cannot open \"%s\" (file too large, expected at most %zu bytes)",
                           at->text, TS_YAML_MAX_BYTES);
        }
        if (e == SC_SLURP_TOO_LARGE) {
            return ts_error_set(err, TS_ERR_SCENARIO,
                                "%s: file too large (expected at most %zu bytes)", path,
                                TS_YAML_MAX_BYTES);
        }
        const char *why = e == SC_SLURP_NOT_REGULAR ? "not a regular file" : strerror(e);
        if (from != NULL) {
            return sc_fail(from, at, "extends", "cannot open \"%s\" (%s)", at->text, why);
        }
        return ts_error_set(err, TS_ERR_SCENARIO, "%s: cannot open (%s)", path, why);
    }
    char *real = realpath(path, NULL);
    if (real == NULL && (real = strdup(path)) == NULL) {
        free(buf);
        return sc_nomem(err);
    }
    for (int i = 0; i < chain->n; i++) {
        if (strcmp(chain->real[i], real) == 0) {
            char cycle[700] = "";
            size_t used = 0;
            for (int j = i; j < chain->n && used < sizeof cycle; j++) {
                used +=
                    (size_t)snprintf(cycle + used, sizeof cycle - used, "%s -> ", chain->shown[j]);
            }
            if (used < sizeof cycle) {
                snprintf(cycle + used, sizeof cycle - used, "%s", path);
            }
            free(real);
            free(buf);
            return sc_fail(from, at, "extends", "cycle (%s)", cycle);
        }
    }
    char *dir = sc_dirname(path);
    ts_status st = TS_OK;
    if (dir == NULL) {
        st = sc_nomem(err);
    } else {
        chain->real[chain->n] = real;
        chain->shown[chain->n] = path;
        chain->n++;
        st = sc_load_text(sc, buf, len, path, dir, chain, depth, err);
        chain->n--;
    }
    free(dir);
    free(real);
    free(buf);
    return st;
}

static ts_status sc_extends(const sc_ctx *c, const ts_ynode *v, const char *dir, sc_chain *chain,
                            int depth) {
    char got[160];
    ts_yaml_describe(v, got, sizeof got);
    if (v->kind != TS_Y_SCALAR || ts_yaml_is_null(v) || memchr(v->text, '\0', v->len) != NULL) {
        return sc_fail(c, v, "extends",
                       "not a file name (got %s, expected the path of a scenario "
                       "file)",
                       got);
    }
    if (depth >= SC_MAX_EXTENDS) {
        return sc_fail(c, v, "extends",
                       "too deep (got more than %d levels of extends, expected at "
                       "most %d)",
                       SC_MAX_EXTENDS, SC_MAX_EXTENDS);
    }
    char *target;
    if (v->text[0] == '/' || dir[0] == '\0') {
        target = strdup(v->text);
    } else {
        size_t nd = strlen(dir);
        target = malloc(nd + v->len + 2);
        if (target != NULL) {
            snprintf(target, nd + v->len + 2, "%s%s%s", dir, dir[nd - 1] == '/' ? "" : "/",
                     v->text);
        }
    }
    if (target == NULL) {
        return sc_nomem(c->err);
    }
    ts_status st = sc_load_file(c->sc, target, chain, depth + 1, c, v, c->err);
    free(target);
    return st;
}

static ts_status sc_load_text(ts_scenario *sc, const char *text, size_t len, const char *shown,
                              const char *dir, sc_chain *chain, int depth, ts_error *err) {
    ts_ynode *root = NULL;
    ts_yerror yerr;
    char got[160];
    sc_ctx c = {.sc = sc, .src = sc_add_source(sc, shown, 0), .layer = 0, .err = err};
    if (c.src < 0) {
        return sc_nomem(err);
    }
    if (len > TS_YAML_MAX_BYTES) {
        return ts_error_set(err, TS_ERR_SCENARIO,
                            "%s: too large (got %zu bytes, expected at most "
                            "%zu)",
                            shown, len, TS_YAML_MAX_BYTES);
    }
    ts_status st = ts_yaml_parse(text, len, &root, &yerr);
    if (st == TS_ERR_NOMEM) {
        return sc_nomem(err);
    }
    if (st != TS_OK) {
        /* Name the key whose value was being read, as every other error does. */
        return ts_error_set(err, st, "%s:%d:%d: %s%s%s", shown, yerr.line, yerr.col, yerr.path,
                            yerr.path[0] ? ": " : "", yerr.msg);
    }
    if (root == NULL || ts_yaml_is_null(root)) {
        ts_yaml_free(root);
        return TS_OK;
    }
    if (root->kind != TS_Y_MAP) {
        ts_yaml_describe(root, got, sizeof got);
        st = sc_fail(&c, root, "", "expected a mapping at the top level (got %s)", got);
        ts_yaml_free(root);
        return st;
    }
    for (size_t i = 0; i + 1 < root->n; i += 2) {
        const ts_ynode *k = root->kids[i];
        if (k->kind == TS_Y_SCALAR && strcmp(k->text, "extends") == 0) {
            st = sc_extends(&c, root->kids[i + 1], dir, chain, depth);
            break;
        }
    }
    if (st == TS_OK) {
        c.layer = ++sc->layer;
        st = sc_apply_map(&c, root, "");
    }
    ts_yaml_free(root);
    return st;
}

/* The file's name without directory and extension, made safe as a name of its own
 * (ts_scenario_name): every character that may not stand there becomes '_' (one for a
 * whole UTF-8 sequence) and the name is cut at TS_SCENARIO_NAME_MAX characters. */
static char *sc_stem(const char *path) {
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t n = (dot != NULL && dot != base) ? (size_t)(dot - base) : strlen(base);
    char *stem = malloc(n + 1);
    size_t used = 0;
    if (stem == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < n && used < TS_SCENARIO_NAME_MAX; i++) {
        unsigned char ch = (unsigned char)base[i];
        if ((ch & 0xC0) == 0x80 && i > 0 && ((unsigned char)base[i - 1] & 0x80)) {
            continue; /* the rest of a UTF-8 sequence already replaced */
        }
        stem[used] = sc_stem_char(ch, used == 0) ? (char)ch : '_';
        used++;
    }
    stem[used] = '\0';
    return stem;
}

ts_status ts_scenario_load(const ts_schema *schema, const char *path, ts_scenario **out,
                           ts_error *err) {
    ts_scenario *sc = NULL;
    sc_chain chain = {.n = 0};
    if (out == NULL || path == NULL) {
        return ts_error_set(err, TS_ERR_INTERNAL, "ts_scenario_load: no path or output");
    }
    *out = NULL;
    ts_status st = sc_new(schema, &sc, err);
    if (st != TS_OK) {
        return st;
    }
    if ((sc->top = strdup(path)) == NULL || (sc->stem = sc_stem(path)) == NULL) {
        st = sc_nomem(err);
    } else {
        st = sc_load_file(sc, path, &chain, 0, NULL, NULL, err);
    }
    if (st != TS_OK) {
        ts_scenario_free(sc);
        return st;
    }
    *out = sc;
    return TS_OK;
}

static int sc_ends_with(const char *s, const char *tail) {
    size_t n = strlen(s);
    size_t t = strlen(tail);
    return n > t && strcmp(s + n - t, tail) == 0;
}

ts_status ts_scenario_load_string(const ts_schema *schema, const char *text,
                                  const char *display_name, const char *base_dir, ts_scenario **out,
                                  ts_error *err) {
    ts_scenario *sc = NULL;
    sc_chain chain = {.n = 0};
    const char *shown = display_name ? display_name : "<string>";
    if (out == NULL || text == NULL) {
        return ts_error_set(err, TS_ERR_INTERNAL, "ts_scenario_load_string: no text or output");
    }
    *out = NULL;
    ts_status st = sc_new(schema, &sc, err);
    if (st != TS_OK) {
        return st;
    }
    if ((sc->top = strdup(shown)) == NULL) {
        st = sc_nomem(err);
    } else if ((sc_ends_with(shown, ".yaml") || sc_ends_with(shown, ".yml")) &&
               (sc->stem = sc_stem(shown)) == NULL) {
        st = sc_nomem(err);
    } else {
        st = sc_load_text(sc, text, strlen(text), shown, base_dir ? base_dir : "", &chain, 0, err);
    }
    if (st != TS_OK) {
        ts_scenario_free(sc);
        return st;
    }
    *out = sc;
    return TS_OK;
}

/* ---- --set ------------------------------------------------------------------------- */

static void sc_swap(ts_scenario *a, ts_scenario *b) {
    ts_scenario t = *a;
    *a = *b;
    *b = t;
}

ts_status ts_scenario_set(ts_scenario *sc, const char *assignment, ts_error *err) {
    if (sc == NULL || assignment == NULL) {
        return ts_error_set(err, TS_ERR_INTERNAL, "ts_scenario_set: no scenario or assignment");
    }
    const char *eq = strchr(assignment, '=');
    if (eq == NULL) {
        return ts_error_set(err, TS_ERR_SCENARIO, "--set %s: missing '=' (expected key.path=value)",
                            assignment);
    }
    const char *k0 = assignment;
    const char *k1 = eq;
    while (k0 < k1 && (*k0 == ' ' || *k0 == '\t')) {
        k0++;
    }
    while (k1 > k0 && (k1[-1] == ' ' || k1[-1] == '\t')) {
        k1--;
    }
    if (k0 == k1) {
        return ts_error_set(err, TS_ERR_SCENARIO,
                            "--set %s: missing key path before '=' (expected key.path=value)",
                            assignment);
    }
    const char *value = eq + 1;
    size_t vlen = strlen(value);
    if (vlen > TS_YAML_MAX_BYTES) {
        return ts_error_set(err, TS_ERR_SCENARIO,
                            "--set: value too long (got %zu bytes, expected "
                            "at most %zu)",
                            vlen, TS_YAML_MAX_BYTES);
    }
    /* Work on a copy so that a failed --set leaves the scenario as it was. */
    ts_scenario *work = ts_scenario_copy(sc);
    char *key = strndup(k0, (size_t)(k1 - k0));
    ts_ynode *root = NULL;
    ts_yerror yerr;
    ts_status st = TS_OK;
    char empty[1] = "";
    ts_ynode null_node = {.kind = TS_Y_SCALAR, .plain = 1, .text = empty};
    sc_ctx c = {.sc = work, .err = err};
    if (work == NULL || key == NULL || (c.src = sc_add_source(work, assignment, 1)) < 0) {
        st = sc_nomem(err);
        goto cleanup;
    }
    st = ts_yaml_parse(value, vlen, &root, &yerr);
    if (st == TS_ERR_NOMEM) {
        st = sc_nomem(err);
        goto cleanup;
    }
    if (st != TS_OK) {
        st = ts_error_set(err, st, "--set %s: %s: %s", assignment, key, yerr.msg);
        goto cleanup;
    }
    c.layer = ++work->layer;
    st = sc_apply_assignment(&c, key, root ? root : &null_node);
    if (st == TS_OK) {
        work->finalized = 0;
        sc_swap(sc, work);
    }
cleanup:
    ts_yaml_free(root);
    free(key);
    ts_scenario_free(work);
    return st;
}

/* ---- Finalize and grid points ------------------------------------------------------- */

/* A key is either swept or set by variants: both would leave its value ambiguous. */
static ts_status sc_check_variants(const ts_scenario *sc, ts_error *err) {
    for (size_t i = 0; i < sc->n_variants; i++) {
        const sc_variant *v = &sc->variants[i];
        for (size_t j = 0; j < v->n_set; j++) {
            for (size_t k = 0; k < sc->n_sweep; k++) {
                if (sc->sweep[k].key == v->set[j].key) {
                    char path[600];
                    snprintf(path, sizeof path, "sweep.variants[%zu].%s", i,
                             sc->keys[v->set[j].key].path);
                    return sc_mark_fail(sc, v->set[j].val.mark, path, err,
                                        "also a sweep key (expected each key either swept or "
                                        "set by variants%s)",
                                        v->set[j].implicit ? "; naming the tactic turns it on"
                                                           : "");
                }
            }
        }
    }
    return TS_OK;
}

/* Puts variant v's values into sc without copying (saving what they replace), or puts
 * the saved ones back. The caller has made sure no swept key is among them. */
static void sc_variant_swap(ts_scenario *sc, const sc_variant *v, sc_value *saved, int *saved_opts,
                            int in) {
    if (v == NULL) {
        return;
    }
    if (in) {
        memcpy(saved_opts, sc->opt_present, sc->n_opt * sizeof *saved_opts);
        for (size_t j = 0; j < v->n_set; j++) {
            saved[j] = sc->vals[v->set[j].key];
            sc->vals[v->set[j].key] = v->set[j].val;
        }
        for (size_t j = 0; j < v->n_opts; j++) {
            sc->opt_present[v->opts[j]] = 1;
        }
        return;
    }
    for (size_t j = v->n_set; j-- > 0;) {
        sc->vals[v->set[j].key] = saved[j];
    }
    memcpy(sc->opt_present, saved_opts, sc->n_opt * sizeof *saved_opts);
}

static ts_status sc_check_point(const ts_scenario *sc, ts_error *err) {
    const ts_schema *s = sc->schema;
    for (size_t v = 0; v < s->n_validators; v++) {
        ts_status st = s->validators[v](sc, err);
        if (st != TS_OK) {
            if (err != NULL && err->status == TS_OK) {
                ts_error_set(err, st, "%s: rejected by a validator", sc->top ? sc->top : "");
            }
            return st;
        }
    }
    long kd = sc_find_key(sc, "days");
    int64_t days = (kd >= 0 && sc->keys[kd].param->type == TS_PT_INT) ? sc->vals[kd].i : INT64_MAX;
    for (size_t i = 0; i < sc->n_events; i++) {
        const ts_event *ev = &sc->events[i];
        if (ev->day < 1 || ev->day > days) {
            char path[64];
            snprintf(path, sizeof path, "events[%zu].day", ev->index);
            return sc_mark_fail(sc, ev->day_mark, path, err,
                                "out of range (got %" PRId64 ", expected a day in [1, %" PRId64
                                "])",
                                ev->day, days);
        }
    }
    return TS_OK;
}

/* A point where at most one key is off its first value. */
static int sc_spanning_point(const ts_scenario *sc, size_t g) {
    int moved = 0;
    for (size_t k = 0; k < sc->n_sweep; k++) {
        moved += sc_grid_index(sc, k, g) != 0;
    }
    return moved <= 1;
}

ts_status ts_scenario_finalize(ts_scenario *sc, ts_error *err) {
    if (sc == NULL) {
        return ts_error_set(err, TS_ERR_INTERNAL, "ts_scenario_finalize: no scenario");
    }
    if (sc->finalized) {
        return TS_OK;
    }
    ts_status st = sc_design_expand(sc, err);
    if (st != TS_OK) {
        return st;
    }
    size_t n = sc_grid_size(sc);
    if (n > SC_MAX_POINTS) {
        double total = 1;
        for (size_t k = 0; k < sc->n_sweep; k++) {
            total *= (double)sc->sweep[k].n;
        }
        return sc_mark_fail(sc, sc->sweep[0].mark, "sweep", err,
                            "too many grid points (got %.0f, expected at most %d)", total,
                            SC_MAX_POINTS);
    }
    /* Every grid point must be valid, so each is checked with its values swapped in.
     * Past a work budget (a hostile file with a huge grid and many events) only every
     * value of every key and the last point are checked here; ts_scenario_at_point
     * still checks each point it makes. */
    sc_value saved[SC_SWEEP_SLOTS];
    st = sc_check_variants(sc, err);
    if (st != TS_OK) {
        return st;
    }
    size_t most = 0;
    for (size_t i = 0; i < sc->n_variants; i++) {
        most = sc->variants[i].n_set > most ? sc->variants[i].n_set : most;
    }
    sc_value *vsaved = calloc(most + 1, sizeof *vsaved);
    int *osaved = calloc(sc->n_opt + 1, sizeof *osaved);
    if (vsaved == NULL || osaved == NULL) {
        free(vsaved);
        free(osaved);
        return sc_nomem(err);
    }
    int all = (double)n * (double)(1 + sc->n_events + sc->schema->n_validators) <= SC_CHECK_BUDGET;
    for (size_t g = 0; g < n && st == TS_OK; g++) {
        if (!all && g + 1 < n && !sc_spanning_point(sc, g)) {
            continue;
        }
        const sc_variant *v = sc_variant_at(sc, g);
        sc_variant_swap(sc, v, vsaved, osaved, 1);
        for (size_t k = 0; k < sc->n_sweep; k++) {
            if (sc_sweep_is_key(&sc->sweep[k])) {
                saved[k] = sc->vals[sc->sweep[k].key];
                sc->vals[sc->sweep[k].key] = sc->sweep[k].vals[sc_grid_index(sc, k, g)];
            }
        }
        st = sc_check_point(sc, err);
        for (size_t k = sc->n_sweep; k-- > 0;) {
            if (sc_sweep_is_key(&sc->sweep[k])) {
                sc->vals[sc->sweep[k].key] = saved[k];
            }
        }
        sc_variant_swap(sc, v, vsaved, osaved, 0);
    }
    free(vsaved);
    free(osaved);
    /* A branched sweep (branch_day) also runs its base, the values outside the sweep: the
     * history every grid point continues from. */
    long branch = sc_find_key(sc, "branch_day");
    if (st == TS_OK && sc->n_sweep > 0 && branch >= 0 && sc->vals[branch].i >= 0) {
        st = sc_check_point(sc, err);
        if (st != TS_OK) {
            char was[sizeof err->msg];
            snprintf(was, sizeof was, "%s", err->msg);
            ts_error_set(err, st,
                         "%s (in the sweep's base: with branch_day, the values outside the sweep "
                         "run the shared history)",
                         was);
        }
    }
    if (st == TS_OK) {
        sc->n_points = n;
        sc->finalized = 1;
    }
    return st;
}

static ts_scenario *sc_copy(const ts_scenario *sc, int with_sweep);

ts_status ts_scenario_at_point(const ts_scenario *sc, size_t g, ts_scenario **out, ts_error *err) {
    if (out == NULL || sc == NULL) {
        return ts_error_set(err, TS_ERR_INTERNAL, "ts_scenario_at_point: no scenario");
    }
    *out = NULL;
    size_t n = sc_grid_size(sc);
    if (n > SC_MAX_POINTS || g >= n) {
        return ts_error_set(err, TS_ERR_PARAM, "grid point %zu out of range (expected 0 to %zu)", g,
                            n > SC_MAX_POINTS ? (size_t)SC_MAX_POINTS - 1 : n - 1);
    }
    /* The copy leaves the sweep behind (a design's can hold 100,000 points per key): the
     * point's values are read from sc. */
    ts_scenario *d = sc_copy(sc, 0);
    if (d == NULL) {
        return sc_nomem(err);
    }
    const sc_variant *v = sc_variant_at(sc, g);
    for (size_t j = 0; v != NULL && j < v->n_set; j++) {
        size_t key = v->set[j].key;
        sc_value_clear(&d->vals[key]);
        if (!sc_value_dup(&v->set[j].val, &d->vals[key])) {
            ts_scenario_free(d);
            return sc_nomem(err);
        }
    }
    for (size_t j = 0; v != NULL && j < v->n_opts; j++) {
        d->opt_present[v->opts[j]] = 1;
    }
    for (size_t k = 0; k < sc->n_sweep; k++) {
        size_t key = sc->sweep[k].key;
        if (!sc_sweep_is_key(&sc->sweep[k])) {
            continue;
        }
        sc_value_clear(&d->vals[key]);
        if (!sc_value_dup(&sc->sweep[k].vals[sc_grid_index(sc, k, g)], &d->vals[key])) {
            ts_scenario_free(d);
            return sc_nomem(err);
        }
    }
    d->finalized = 0;
    ts_status st = ts_scenario_finalize(d, err);
    if (st != TS_OK) {
        ts_scenario_free(d);
        return st;
    }
    *out = d;
    return TS_OK;
}

/* The base of a sweep: a copy without it, every key at its value outside the sweep (a
 * branched sweep's shared history runs it). */
ts_status ts_scenario_base(const ts_scenario *sc, ts_scenario **out, ts_error *err) {
    *out = NULL;
    ts_scenario *d = sc_copy(sc, 0);
    if (d == NULL) {
        return sc_nomem(err);
    }
    d->finalized = 0;
    ts_status st = ts_scenario_finalize(d, err);
    if (st != TS_OK) {
        ts_scenario_free(d);
        return st;
    }
    *out = d;
    return TS_OK;
}

/* ---- Copy and free ------------------------------------------------------------------ */

void ts_scenario_free(ts_scenario *sc) {
    if (sc == NULL) {
        return;
    }
    for (size_t i = 0; i < sc->n_keys; i++) {
        free(sc->keys[i].path);
        sc_value_clear(&sc->vals[i]);
    }
    free(sc->keys);
    free(sc->vals);
    free(sc->sorted);
    for (size_t i = 0; i < sc->n_prefixes; i++) {
        free(sc->prefixes[i]);
    }
    free(sc->prefixes);
    for (size_t g = 0; g < sc->n_opt; g++) {
        free(sc->opt_names[g]);
    }
    free(sc->opt_names);
    free(sc->opt_present);
    free(sc->opt_enabled);
    if (sc->kind_defs != NULL) {
        for (size_t k = 0; k < sc->schema->n_event_kinds; k++) {
            if (sc->kind_defs[k] != NULL) {
                for (size_t j = 0; j < sc->schema->event_kinds[k]->n_params; j++) {
                    sc_value_clear(&sc->kind_defs[k][j]);
                }
            }
            free(sc->kind_defs[k]);
        }
    }
    free(sc->kind_defs);
    for (size_t i = 0; i < sc->n_srcs; i++) {
        free(sc->srcs[i].name);
    }
    free(sc->srcs);
    sc_events_free(sc->events, sc->n_events);
    for (size_t k = 0; k < sc->n_sweep; k++) {
        sc_sweep_clear(&sc->sweep[k]);
    }
    free(sc->sweep);
    free(sc->factors);
    sc_variants_free(sc->variants, sc->n_variants);
    free(sc->top);
    free(sc->stem);
    free(sc);
}

static int sc_copy_index(ts_scenario *d, const ts_scenario *sc) {
    size_t n_sec = sc->schema->n_sections + 1;
    d->keys = calloc(sc->n_keys + 1, sizeof *d->keys);
    d->vals = calloc(sc->n_keys + 1, sizeof *d->vals);
    d->sorted = calloc(sc->n_keys + 1, sizeof *d->sorted);
    d->prefixes = calloc(sc->n_prefixes + 1, sizeof *d->prefixes);
    d->opt_names = calloc(n_sec, sizeof *d->opt_names);
    d->opt_present = calloc(n_sec, sizeof *d->opt_present);
    d->opt_enabled = calloc(n_sec, sizeof *d->opt_enabled);
    if (!d->keys || !d->vals || !d->sorted || !d->prefixes || !d->opt_names || !d->opt_present ||
        !d->opt_enabled) {
        return 0;
    }
    for (; d->n_keys < sc->n_keys; d->n_keys++) {
        size_t i = d->n_keys;
        d->keys[i] = sc->keys[i];
        d->keys[i].path = strdup(sc->keys[i].path);
        if (d->keys[i].path == NULL || !sc_value_dup(&sc->vals[i], &d->vals[i])) {
            free(d->keys[i].path);
            return 0;
        }
    }
    for (size_t i = 0; i < sc->n_keys; i++) {
        d->sorted[i].idx = sc->sorted[i].idx;
        d->sorted[i].path = d->keys[sc->sorted[i].idx].path;
    }
    for (; d->n_prefixes < sc->n_prefixes; d->n_prefixes++) {
        if ((d->prefixes[d->n_prefixes] = strdup(sc->prefixes[d->n_prefixes])) == NULL) {
            return 0;
        }
    }
    for (; d->n_opt < sc->n_opt; d->n_opt++) {
        if ((d->opt_names[d->n_opt] = strdup(sc->opt_names[d->n_opt])) == NULL) {
            return 0;
        }
        d->opt_present[d->n_opt] = sc->opt_present[d->n_opt];
        d->opt_enabled[d->n_opt] = sc->opt_enabled[d->n_opt];
    }
    return 1;
}

static int sc_copy_kinds(ts_scenario *d, const ts_scenario *sc) {
    const ts_schema *s = sc->schema;
    d->kind_defs = calloc(s->n_event_kinds + 1, sizeof *d->kind_defs);
    if (d->kind_defs == NULL) {
        return 0;
    }
    for (size_t k = 0; k < s->n_event_kinds; k++) {
        d->kind_defs[k] = calloc(s->event_kinds[k]->n_params + 1, sizeof **d->kind_defs);
        if (d->kind_defs[k] == NULL) {
            return 0;
        }
        for (size_t j = 0; j < s->event_kinds[k]->n_params; j++) {
            if (!sc_value_dup(&sc->kind_defs[k][j], &d->kind_defs[k][j])) {
                return 0;
            }
        }
    }
    return 1;
}

static int sc_copy_event(const ts_event *src, ts_event *dst) {
    *dst = *src;
    dst->vals = calloc(src->kind->n_params + 1, sizeof *dst->vals);
    if (dst->vals == NULL) {
        return 0;
    }
    for (size_t j = 0; j < src->kind->n_params; j++) {
        if (!sc_value_dup(&src->vals[j], &dst->vals[j])) {
            return 0;
        }
    }
    return 1;
}

static int sc_copy_sweep(const sc_sweep *src, sc_sweep *dst) {
    *dst = *src;
    dst->vals = calloc(src->n, sizeof *dst->vals);
    dst->texts = calloc(src->n, sizeof *dst->texts);
    if (dst->vals == NULL || dst->texts == NULL) {
        return 0;
    }
    for (size_t i = 0; i < src->n; i++) {
        if (!sc_value_dup(&src->vals[i], &dst->vals[i]) ||
            (dst->texts[i] = strdup(src->texts[i])) == NULL) {
            return 0;
        }
    }
    return 1;
}

/* Sources, events and the top file's names; the sweep, its variants and the design's
 * factors too when with_sweep (a grid point does not need them). */
static int sc_copy_rest(ts_scenario *d, const ts_scenario *sc, int with_sweep) {
    d->srcs = calloc(sc->n_srcs + 1, sizeof *d->srcs);
    d->events = calloc(sc->n_events + 1, sizeof *d->events);
    d->sweep = calloc(SC_SWEEP_SLOTS, sizeof *d->sweep);
    d->factors = calloc(SC_MAX_FACTORS, sizeof *d->factors);
    if (!d->srcs || !d->events || !d->sweep || !d->factors) {
        return 0;
    }
    if (with_sweep) {
        memcpy(d->factors, sc->factors, sc->n_factors * sizeof *d->factors);
        d->n_factors = sc->n_factors;
        d->factors_mark = sc->factors_mark;
        d->zipped = sc->zipped;
    }
    d->srcs_alloc = sc->n_srcs + 1;
    for (; d->n_srcs < sc->n_srcs; d->n_srcs++) {
        const sc_source *s = &sc->srcs[d->n_srcs];
        d->srcs[d->n_srcs] = *s;
        if (s->name != NULL && (d->srcs[d->n_srcs].name = strdup(s->name)) == NULL) {
            return 0;
        }
    }
    for (; d->n_events < sc->n_events; d->n_events++) {
        if (!sc_copy_event(&sc->events[d->n_events], &d->events[d->n_events])) {
            d->n_events++; /* so that free releases what was copied */
            return 0;
        }
    }
    for (; with_sweep && d->n_sweep < sc->n_sweep; d->n_sweep++) {
        if (!sc_copy_sweep(&sc->sweep[d->n_sweep], &d->sweep[d->n_sweep])) {
            d->n_sweep++;
            return 0;
        }
    }
    if (with_sweep && sc->variants != NULL) {
        if ((d->variants = sc_variants_dup(sc->variants, sc->n_variants)) == NULL) {
            return 0;
        }
        d->n_variants = sc->n_variants;
    }
    if ((sc->top && (d->top = strdup(sc->top)) == NULL) ||
        (sc->stem && (d->stem = strdup(sc->stem)) == NULL)) {
        return 0;
    }
    return 1;
}

static ts_scenario *sc_copy(const ts_scenario *sc, int with_sweep) {
    if (sc == NULL) {
        return NULL;
    }
    ts_scenario *d = calloc(1, sizeof *d);
    if (d == NULL) {
        return NULL;
    }
    d->schema = sc->schema;
    d->layer = sc->layer;
    d->finalized = sc->finalized;
    d->n_points = sc->n_points;
    if (!sc_copy_index(d, sc) || !sc_copy_kinds(d, sc) || !sc_copy_rest(d, sc, with_sweep)) {
        ts_scenario_free(d);
        return NULL;
    }
    return d;
}

ts_scenario *ts_scenario_copy(const ts_scenario *sc) {
    return sc_copy(sc, 1);
}
