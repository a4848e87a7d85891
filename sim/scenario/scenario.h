/* Scenario files: YAML read with libyaml, validated against a schema of typed keys
 * that the engine and the modules declare, resolved with defaults, `extends`, `--set`
 * overrides and a `sweep` grid. A ts_scenario is immutable once finalized and may be
 * read from many threads; every getter is cheap enough for configure time but is
 * not meant for hot loops (modules copy what they need into their own parameters). */
#ifndef TS_SCENARIO_H
#define TS_SCENARIO_H

#include "status.h"

#include <stddef.h>
#include <stdint.h>

/* ---- Schema: what keys exist, their types, defaults and ranges ---------------- */

typedef enum ts_ptype {
    TS_PT_INT,     /* integer; min/max inclusive */
    TS_PT_REAL,    /* finite number; min/max inclusive */
    TS_PT_BOOL,    /* true/false */
    TS_PT_STRING,  /* free text; max = longest length accepted */
    TS_PT_ENUM,    /* one of `choices` ("none|exponential|linear") */
    TS_PT_STRLIST, /* list of unique identifiers; min/max = count range */
    TS_PT_POINTS   /* list of [x, y] number pairs, x strictly increasing; min/max = count */
} ts_ptype;

/* What text a TS_PT_STRING key accepts, besides its length. */
typedef enum ts_pformat {
    TS_PF_TEXT = 0, /* any text */
    TS_PF_STEM,     /* empty, or safe as a file name (results/<name>.h5): ASCII letters,
                     * digits, '.', '_' and '-', the first neither '.' nor '-' (so no path
                     * separator, no "..", no hidden file, nothing read as an option) */
    TS_PF_INTEGERS  /* TS_PT_STRLIST only: the items are integers (decimal, optional minus
                     * sign) instead of identifiers; their range is the key's validator's */
} ts_pformat;

/* The longest scenario name (`name`, or the stem of the file it is derived from). */
#define TS_SCENARIO_NAME_MAX 64

/* One key. `key` is relative to its section and may itself contain dots
 * ("stakeholders.base" in section "work" is the path "work.stakeholders.base"). */
typedef struct ts_param {
    const char *key;
    ts_ptype type;
    const char *def; /* default, as YAML text: "0.6", "none", "[design, roadmap]" */
    double min, max;
    const char *choices; /* TS_PT_ENUM only */
    const char *units;   /* "probability", "days", "hours", "people", "" */
    const char *doc;     /* one sentence: what it means */
    ts_pformat format;   /* TS_PT_STRING only; TS_PF_TEXT when left out */
} ts_param;

/* A group of keys under one path ("" for top level, "trust", "tactics.feedback").
 * Several sections may share a name (the engine and a module both own keys under
 * "trust"); they are printed together. An optional section is a tactic: it is on when
 * present in the scenario (or named by --set or sweep) unless it says enabled: false.
 * Every optional section implicitly has the boolean key `enabled`. */
typedef struct ts_section {
    const char *name;
    int optional;
    const ts_param *params;
    size_t n_params;
    const char *doc;
} ts_section;

/* A kind of scheduled event (`events: [{day: 90, kind: incident, ...}]`). Every event
 * has `day` (1..days) and `kind`; the kind declares its other fields. */
typedef struct ts_event_kind {
    const char *kind;
    const ts_param *params;
    size_t n_params;
    const char *doc;
} ts_event_kind;

typedef struct ts_scenario ts_scenario;

/* Cross-key checks (review <= delegate threshold, an event's domain is a known
 * domain, ...). Report with ts_scenario_fail so the message carries the location. */
typedef ts_status (*ts_validate_fn)(const ts_scenario *sc, ts_error *err);

typedef struct ts_schema {
    const ts_section *const *sections;
    size_t n_sections;
    const ts_event_kind *const *event_kinds;
    size_t n_event_kinds;
    const ts_validate_fn *validators;
    size_t n_validators;
} ts_schema;

/* The key at the full `path` ("seed", "trust.prior_mean") in `schema`, or NULL: for a
 * caller that takes a value outside a scenario file (a command-line option) to check it
 * against the key's own range rather than a copy. */
const ts_param *ts_scenario_schema_param(const ts_schema *schema, const char *path);

/* Where a value came from, for error messages. file is "--set" for overrides and
 * "default" for defaults; line and col are 1-based (0 when not from a file). */
typedef struct ts_mark {
    const char *file;
    int line, col;
} ts_mark;

/* ---- Loading -------------------------------------------------------------------- */

/* Reads a scenario file (following `extends`, relative to the file). Values are type-
 * and range-checked as they are read. Call ts_scenario_finalize after any --set. */
ts_status ts_scenario_load(const ts_schema *schema, const char *path, ts_scenario **out,
                           ts_error *err);

/* The same from text in memory; `display_name` is used in messages and `base_dir`
 * resolves `extends` (NULL: the current directory). */
ts_status ts_scenario_load_string(const ts_schema *schema, const char *text,
                                  const char *display_name, const char *base_dir, ts_scenario **out,
                                  ts_error *err);

/* Applies one "key.path=value" override; the value is read as YAML. Errors name the
 * option: "--set key.path=value: key.path: ...". */
ts_status ts_scenario_set(ts_scenario *sc, const char *assignment, ts_error *err);

/* Runs the cross-key validators and expands the sweep grid. Must be called once after
 * loading and overrides, before any getter of the sweep or any run. */
ts_status ts_scenario_finalize(ts_scenario *sc, ts_error *err);

ts_scenario *ts_scenario_copy(const ts_scenario *sc);
void ts_scenario_free(ts_scenario *sc);

/* The resolved scenario as YAML: every key with its value, defaults filled in, tactics
 * that are off left out, events and sweep included; loading it gives the same scenario.
 * The caller frees the string. */
char *ts_scenario_to_yaml(const ts_scenario *sc);

/* ---- Reading values (paths are full: "trust.prior_mean") ------------------------- */

/* The getters of an undeclared path or of the wrong type return 0 / NaN / "" / 0 items;
 * that is a programming error, caught by the tests of each module. */
int64_t ts_scenario_int(const ts_scenario *sc, const char *path);
double ts_scenario_real(const ts_scenario *sc, const char *path); /* INT keys too */
int ts_scenario_bool(const ts_scenario *sc, const char *path);
const char *ts_scenario_string(const ts_scenario *sc, const char *path); /* STRING, ENUM */
size_t ts_scenario_list_len(const ts_scenario *sc, const char *path);    /* STRLIST, POINTS */
const char *ts_scenario_list_item(const ts_scenario *sc, const char *path, size_t i);
/* POINTS: the i-th pair. */
void ts_scenario_point(const ts_scenario *sc, const char *path, size_t i, double *x, double *y);

/* Is an optional section (a tactic) on? Non-optional sections are always on. */
int ts_scenario_section_on(const ts_scenario *sc, const char *section);

/* Where a key's value came from; returns 0 if the path is unknown. */
int ts_scenario_mark_of(const ts_scenario *sc, const char *path, ts_mark *out);

/* Builds "FILE:LINE:COL: path: MESSAGE" from the mark of `path` (or "--set ...: path:"
 * for an override), stores it in err and returns TS_ERR_SCENARIO. */
ts_status ts_scenario_fail(const ts_scenario *sc, const char *path, ts_error *err, const char *fmt,
                           ...) __attribute__((format(printf, 4, 5)));

/* The scenario's name: the `name` key, else the file's stem, else "scenario". The stem
 * is made safe as TS_PF_STEM says: each other character becomes '_' (one for a whole
 * UTF-8 sequence) and it is cut at TS_SCENARIO_NAME_MAX characters. */
const char *ts_scenario_name(const ts_scenario *sc);

/* ---- Events -------------------------------------------------------------------- */

typedef struct ts_event ts_event;

size_t ts_scenario_n_events(const ts_scenario *sc);
/* Events are sorted by day, then by their order in the file. */
const ts_event *ts_scenario_event(const ts_scenario *sc, size_t i);
int ts_event_day(const ts_event *ev);
const char *ts_event_kind_name(const ts_event *ev);
double ts_event_real(const ts_event *ev, const char *key); /* INT fields too */
const char *ts_event_string(const ts_event *ev, const char *key);
/* The event's position in the `events` list as written, for messages ("events[2].day"). */
size_t ts_event_index(const ts_event *ev);

/* ---- Sweep ---------------------------------------------------------------------- */

/* Grid points are the cartesian product of the sweep lists, the last key varying
 * fastest. A scenario without sweep has exactly one grid point. Named variants
 * (`sweep: {variants: [{name: a, key.path: value, ...}, ...]}`) are sweep key 0,
 * "variant", of type TS_PT_STRING, whose values are the names: they vary slowest, and
 * ts_scenario_at_point applies the assignments of the variant at the point. */
size_t ts_scenario_n_points(const ts_scenario *sc);
size_t ts_scenario_n_sweep_keys(const ts_scenario *sc);
const char *ts_scenario_sweep_key(const ts_scenario *sc, size_t k);
/* The value of sweep key k at grid point g as YAML text ("0.5", "linear", "true"). */
const char *ts_scenario_sweep_value(const ts_scenario *sc, size_t k, size_t g);
/* The type of sweep key k (so a results file can store numbers as numbers). */
ts_ptype ts_scenario_sweep_type(const ts_scenario *sc, size_t k);

/* A copy of the scenario at grid point g: the swept keys set, no sweep left. */
ts_status ts_scenario_at_point(const ts_scenario *sc, size_t g, ts_scenario **out, ts_error *err);

/* A copy of the scenario without its sweep: every key at its value outside the sweep (its
 * default when the file gives none), no variant applied. */
ts_status ts_scenario_base(const ts_scenario *sc, ts_scenario **out, ts_error *err);

/* Do the grid points share their runs' seeds, replicate by replicate (common random numbers
 * across the arms of a sweep)? Yes, except in a sensitivity design, whose points each have
 * their own, so that the dummy factor shows the noise between runs. */
int ts_scenario_points_share_seeds(const ts_scenario *sc);

/* ---- Sensitivity design -------------------------------------------------------------- */

/* A finalized scenario whose `sensitivity` section is on and names factors is a design: its
 * grid points are the design points of sensitivity.method (sim/maths/sensitivity.h) over the
 * factors and a dummy factor that sets nothing. Its sweep keys are the factors' key paths
 * in the order written, then "sensitivity.dummy"; point g takes value g of every key (the
 * keys are not crossed). A sensitivity design and a sweep cannot be combined. */
int ts_scenario_is_design(const ts_scenario *sc);
/* The factors of a design, the dummy not counted (0 when not a design). */
size_t ts_scenario_n_factors(const ts_scenario *sc);
const char *ts_scenario_factor_key(const ts_scenario *sc, size_t i);
void ts_scenario_factor_range(const ts_scenario *sc, size_t i, double *low, double *high);
/* Where factor i (i = ts_scenario_n_factors: the dummy) stands at design point g in its
 * range, 0 at low and 1 at high (integer keys: after rounding); NaN out of range. */
double ts_scenario_factor_unit(const ts_scenario *sc, size_t i, size_t g);

#endif
