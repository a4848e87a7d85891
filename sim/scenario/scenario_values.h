/* The scenario loader is layered; each layer is one source file with its header, and a
 * file includes and calls only the layers below its own (tests/check_layers.py checks it):
 *
 *   scenario_values.c   values: read from YAML and checked, copied, cleared, as text;
 *                       located errors; suggestions; events, sweep entries, variants
 *   scenario_index.c    the key index built from the schema; lookups by path; marks
 *   scenario_get.c      the getters of sim/scenario/scenario.h (values, sections, events, sweep)
 *   scenario_design.c   the sensitivity design: its factors, the sweep it becomes, getters
 *   scenario_parse.c    YAML applied to a scenario: documents, events, sweep, variants
 *   scenario.c          lifecycle: new, load (files, extends), --set, finalize, grid
 *                       points, copy, free
 *   scenario_yaml.c     the resolved scenario written back as YAML
 *
 * The getters sit below the lifecycle, so the schema's validators that finalize calls may
 * read the scenario through them without a cycle.
 *
 * This header is the bottom layer: the private layout of a ts_scenario (tests may look but
 * not touch) and the functions of sim/scenario/scenario_values.c. A scenario owns everything it
 * points to except the schema, which is constant data. Marks refer to sources by index so
 * that a copy needs no pointer fix-ups: source 0 is "default", the others a file's display
 * name or a --set assignment. */
#ifndef TS_SCENARIO_VALUES_H
#define TS_SCENARIO_VALUES_H

#include "scenario.h"
#include "yamlio.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Where a value came from: a source index and a 1-based position (0 if none). */
typedef struct sc_mark {
    int src;
    int line, col;
} sc_mark;

typedef struct sc_source {
    char *name; /* display name of a file, or the assignment of a --set; NULL for 0 */
    int is_set;
} sc_source;

/* One typed value; which fields mean something depends on the key's ts_ptype. */
typedef struct sc_value {
    int64_t i;    /* INT */
    double r;     /* REAL, and INT as a double */
    int b;        /* BOOL */
    char *s;      /* STRING, ENUM */
    char **items; /* STRLIST: n names */
    double *pts;  /* POINTS: n pairs, x then y */
    size_t n;
    sc_mark mark;
    int layer; /* which document set it (0 = default), to catch a key given twice */
} sc_value;

typedef struct sc_key {
    char *path;
    const ts_param *param;
    int opt;        /* optional section (tactic) the key belongs to, or -1 */
    int is_enabled; /* the implicit `enabled` key of an optional section */
} sc_key;

typedef struct sc_entry {
    const char *path;
    size_t idx;
} sc_entry;

struct ts_event {
    const ts_event_kind *kind;
    int64_t day;
    size_t index; /* position in the `events` list as written */
    sc_mark mark, day_mark, kind_mark;
    sc_value *vals; /* one per kind->params */
};

/* The sweep key of the named variants ("variant"): not a schema key. It is always
 * sweep[0], so that variants vary slowest. */
#define SC_VARIANT_KEY ((size_t)-1)

/* The sweep key of a sensitivity design's dummy factor ("sensitivity.dummy"): its values
 * set nothing. It is the last sweep entry of a design. */
#define SC_DUMMY_KEY ((size_t)-2)

typedef struct sc_sweep {
    size_t key; /* key index, SC_VARIANT_KEY or SC_DUMMY_KEY */
    sc_mark mark;
    int layer; /* which document swept it, to catch a key swept twice in one */
    sc_value *vals;
    char **texts; /* each value as YAML text */
    size_t n;
} sc_sweep;

/* One value a variant gives a key. */
typedef struct sc_assign {
    size_t key;
    sc_value val;
    int implicit; /* `enabled: true` because the variant names the tactic; not printed */
} sc_assign;

/* A named variant of `sweep.variants`: its assignments, applied at its grid points. */
typedef struct sc_variant {
    char *name;
    sc_mark mark; /* of the variant's mapping */
    sc_assign *set;
    size_t n_set;
    int *opts; /* optional sections (tactics) the variant names: on at its points */
    size_t n_opts;
} sc_variant;

/* One factor of `sensitivity.factors`: a numeric key and the range it is varied over. */
typedef struct sc_factor {
    size_t key;
    double low, high;
    sc_mark mark; /* of the factor's key in the mapping */
} sc_factor;

struct ts_scenario {
    const ts_schema *schema;
    sc_key *keys; /* schema order; the enabled keys of optional sections last */
    size_t n_keys;
    sc_entry *sorted; /* keys sorted by path */
    char **prefixes;  /* every proper dotted prefix of a key path, sorted */
    size_t n_prefixes;
    char **opt_names; /* names of the optional sections */
    int *opt_present;
    size_t *opt_enabled; /* index of each one's `enabled` key */
    size_t n_opt;
    sc_value *vals;       /* one per key */
    sc_value **kind_defs; /* defaults of each event kind's fields */
    sc_source *srcs;
    size_t n_srcs, srcs_alloc;
    ts_event *events; /* sorted by day, then index */
    size_t n_events;
    sc_sweep *sweep;
    size_t n_sweep;
    sc_variant *variants; /* those of the sweep entry SC_VARIANT_KEY, in order */
    size_t n_variants;
    sc_factor *factors; /* sensitivity.factors in the order written (SC_MAX_FACTORS slots) */
    size_t n_factors;
    sc_mark factors_mark; /* of the `factors` mapping */
    int zipped;           /* the sweep is a sensitivity design: every entry has one value per grid
                           * point, and point g takes value g of each (not a cartesian product) */
    char *top;            /* display name of the top file, or NULL */
    char *stem;           /* its stem, or NULL */
    int layer;
    int finalized;
    size_t n_points;
};

/* Limits on what a scenario may hold. */
enum {
    SC_MAX_EXTENDS = 16,
    SC_MAX_SWEEP_KEYS = 16,
    SC_MAX_FACTORS = 19, /* sensitivity factors: with the dummy, as many as a Saltelli
                          * design takes (ts_sens_saltelli_max_factors) */
    SC_SWEEP_SLOTS = 20, /* entries allocated for a sweep: the larger of the two limits */
    SC_MAX_POINTS = 100000,
    SC_MAX_VARIANTS = 1000, /* named variants in a sweep (names are compared pairwise) */
    SC_MAX_EVENTS = 100000,
    SC_NAME_MAX = 32,          /* longest item of a STRLIST */
    SC_LIST_CHOICES = 12,      /* unknown keys list the allowed ones when there are this few */
    SC_CHECK_BUDGET = 20000000 /* grid points x checks per point that finalize runs */
};

/* The document being read: where its values go, the source and layer they get, and
 * where errors are reported. */
typedef struct sc_ctx {
    ts_scenario *sc;
    int src;
    int layer;
    ts_error *err;
    const char *where; /* prefix of every path in messages ("sweep.variants[1]"), or NULL */
} sc_ctx;

/* The closest candidate to `word` seen so far, for "did you mean". */
typedef struct sc_suggest {
    const char *word;
    size_t best_d;
    char best[256];
} sc_suggest;

/* ---- Values ---------------------------------------------------------------------------- */

/* "prefix.key", or "key" for an empty prefix; NULL when out of memory. */
char *sc_join(const char *prefix, const char *key);
void sc_value_clear(sc_value *v);
int sc_value_dup(const sc_value *src, sc_value *dst);
/* A value's text as YAML, for sweep values ("0.5", "linear", "true"); NULL when out of
 * memory. */
char *sc_value_text(const ts_param *p, const sc_value *v);
/* [a-z][a-z0-9_]* of at most SC_NAME_MAX characters. */
int sc_is_identifier(const char *s);
/* May the character ch stand in a safe file stem (TS_PF_STEM), at its start when
 * `first`? */
int sc_stem_char(int ch, int first);
ts_status sc_read_value(const sc_ctx *c, const ts_param *p, const ts_ynode *n, const char *path,
                        sc_value *out);
/* Key i of a mapping is a scalar name, not given earlier in the same mapping. */
ts_status sc_check_key(const sc_ctx *c, const ts_ynode *map, size_t i, const char *prefix);

/* ---- Messages and suggestions ------------------------------------------------------------- */

sc_mark sc_node_mark(const sc_ctx *c, const ts_ynode *at);
ts_status sc_fail(const sc_ctx *c, const ts_ynode *at, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
ts_status sc_mark_fail(const ts_scenario *sc, sc_mark m, const char *path, ts_error *err,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
ts_status sc_vfail(const ts_scenario *sc, sc_mark m, const char *path, ts_error *err,
                   const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
ts_status sc_nomem(ts_error *err);

void sc_suggest_init(sc_suggest *s, const char *word);
void sc_suggest_try(sc_suggest *s, const char *cand, size_t len);
int sc_suggest_found(const sc_suggest *s);
void sc_list_add(char *list, size_t cap, size_t *count, const char *name, size_t len);

/* ---- Events, sweep entries and variants --------------------------------------------------- */

void sc_events_free(ts_event *evs, size_t n);
void sc_sweep_clear(sc_sweep *w);
/* The name of sweep key k: a key path, "variant" or "sensitivity.dummy". */
const char *sc_sweep_name(const ts_scenario *sc, size_t k);
/* Is sweep entry w a scenario key (not the variants, not the dummy)? */
int sc_sweep_is_key(const sc_sweep *w);
/* Number of sweep grid points; stops growing once past SC_MAX_POINTS. */
size_t sc_grid_size(const ts_scenario *sc);
/* Index into sweep key k's list at grid point g (the last key varies fastest). */
size_t sc_grid_index(const ts_scenario *sc, size_t k, size_t g);
/* The variant at grid point g, or NULL when the sweep has no variants. */
const sc_variant *sc_variant_at(const ts_scenario *sc, size_t g);
void sc_variants_free(sc_variant *vs, size_t n);
/* Deep copy of n variants; NULL when out of memory. */
sc_variant *sc_variants_dup(const sc_variant *vs, size_t n);

#endif
