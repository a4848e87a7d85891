/* Private layout of a ts_scenario (sim/scenario.c only; tests may look but not touch).
 * A scenario owns everything it points to except the schema, which is constant data.
 * Marks refer to sources by index so that a copy needs no pointer fix-ups: source 0
 * is "default", the others a file's display name or a --set assignment. */
#ifndef TS_SCENARIO_INTERNAL_H
#define TS_SCENARIO_INTERNAL_H

#include "scenario.h"

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

typedef struct sc_sweep {
    size_t key;
    sc_mark mark;
    sc_value *vals;
    char **texts; /* each value as YAML text */
    size_t n;
} sc_sweep;

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
    char *top;  /* display name of the top file, or NULL */
    char *stem; /* its stem, or NULL */
    int layer;
    int finalized;
    size_t n_points;
};

#endif
