/* Private parts of `trustsim validate`, shared by sim/app/validate*.c and their tests:
 *   validate_yaml.c      reading the patterns file's YAML tree (typed values, messages
 *                        with FILE:LINE:COL and key path), writing a subtree back as YAML,
 *                        and the text of one node alone with its positions kept;
 *   validate_measure.c   measures (parsed from a check, evaluated on one run) and the
 *                        scoring of a check over seeds;
 *   validate_patterns.c  the patterns file: patterns, arms, checks, and each pattern's
 *                        scenario built with the scenario loader (arms = sweep variants);
 *   validate_h5.c        /validation in the output file: writing and reading back;
 *   validate_print.c     the scorecard as text;
 *   validate.c           the command: runs, scorecard, output file.
 * Everything here is used from one thread, except ts_vmeasure_eval (any thread, on its
 * own result). */
#ifndef TS_VALIDATE_INTERNAL_H
#define TS_VALIDATE_INTERNAL_H

#include "results.h"
#include "scenario.h"
#include "stats.h"
#include "validate.h"
#include "yamlio.h"

#include <hdf5.h>

#include <stddef.h>
#include <stdint.h>

/* Room for "FILE:LINE:COL: key.path" of something to be reported after parsing. */
#define TS_V_AT 512

/* Most patterns in a file, checks in a pattern, seeds of a pattern. */
enum { TS_V_MAX_PATTERNS = 1000, TS_V_MAX_CHECKS = 1000, TS_V_MAX_SEEDS = 100000 };

/* ---- validate_yaml.c -------------------------------------------------------------------- */

/* snprintf for paths and messages, whose truncation is harmless (they only name things in
 * messages); returns what snprintf returns. */
int ts_vfmt(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The file being read: its name in messages and the error to fill. */
typedef struct ts_vyctx {
    const char *file;
    ts_error *err;
} ts_vyctx;

/* "FILE:LINE:COL: path: message" at node `at` (its position; no position: "FILE: "),
 * TS_ERR_SCENARIO. */
ts_status ts_vyaml_fail(const ts_vyctx *c, const ts_ynode *at, const char *path, const char *fmt,
                        ...) __attribute__((format(printf, 4, 5)));

/* "FILE:LINE:COL: path" of a node, for messages written later. */
void ts_vyaml_at(const ts_vyctx *c, const ts_ynode *at, const char *path, char *buf, size_t cap);

/* The value of `key` in mapping `map`, or NULL. */
const ts_ynode *ts_vyaml_get(const ts_ynode *map, const char *key);

/* Checks that `map` (at `path`) is a mapping whose keys are plain scalars among
 * allowed[0..n) (NULL-terminated), each once. */
ts_status ts_vyaml_keys(const ts_vyctx *c, const ts_ynode *map, const char *path,
                        const char *const *allowed);

/* Typed values of map[key] at "path.key". The *_opt forms leave *out as it is when the
 * key is absent; the others fail ("missing key"). */
ts_status ts_vyaml_string(const ts_vyctx *c, const ts_ynode *map, const char *path, const char *key,
                          int required, const char **out);
ts_status ts_vyaml_number(const ts_vyctx *c, const ts_ynode *map, const char *path, const char *key,
                          int required, double *out);
ts_status ts_vyaml_int(const ts_vyctx *c, const ts_ynode *map, const char *path, const char *key,
                       long min, long max, int required, long *out);
/* One of choices[] (NULL-terminated); *out is its index. */
ts_status ts_vyaml_choice(const ts_vyctx *c, const ts_ynode *map, const char *path, const char *key,
                          const char *const *choices, int required, int *out);
/* A list of exactly two integers (window) or two strings (names). */
ts_status ts_vyaml_int_pair(const ts_vyctx *c, const ts_ynode *map, const char *path,
                            const char *key, int required, long out[2]);
ts_status ts_vyaml_name_pair(const ts_vyctx *c, const ts_ynode *map, const char *path,
                             const char *key, const char *out[2]);
/* A list of n_a or n_b names at map[key] into out (room for the larger), its length in
 * *n. */
ts_status ts_vyaml_name_list(const ts_vyctx *c, const ts_ynode *map, const char *path,
                             const char *key, size_t n_a, size_t n_b, const char **out, size_t *n);

/* `node` written as a YAML document in block style that reads back as the same tree
 * (plain scalars as written, quoted ones double-quoted); the caller frees it. NULL when
 * out of memory. */
char *ts_vyaml_emit(const ts_ynode *node);

/* The text of mapping `node` alone: text[0..len) with every character outside the
 * node's extent made a space (line breaks kept), so that it parses as the node and
 * every position in it is the position in text. NULL when out of memory or when the
 * node cannot be found in text (which ts_yaml_parse made the tree from). */
char *ts_vyaml_isolate(const char *text, size_t len, const ts_ynode *node);

/* The deepest node of mapping `map` named by the dotted `path` (keys may hold dots:
 * "org.headcount" is found as the key "org.headcount" or as "headcount" in "org"); the
 * key node found last, or `map` when none matches. */
const ts_ynode *ts_vyaml_locate(const ts_ynode *map, const char *path);

/* ---- validate_measure.c ------------------------------------------------------------------ */

typedef enum ts_vkind {
    TS_VM_SUMMARY,   /* a summary scalar */
    TS_VM_METRIC,    /* a statistic of a daily series over a window */
    TS_VM_RATIO,     /* sum of one series over a window / sum of another */
    TS_VM_CHANGE,    /* a metric or ratio over window `to`, minus or over window `from` */
    TS_VM_CORRELATE, /* correlation of two columns of a table */
    TS_VM_COLUMN     /* a statistic of one column of a table */
} ts_vkind;

typedef enum ts_vstat {
    TS_VS_MEAN,
    TS_VS_SUM,
    TS_VS_MIN,
    TS_VS_MAX,
    TS_VS_FIRST,
    TS_VS_LAST,
    TS_VS_MEDIAN,
    TS_VS_COUNT
} ts_vstat;

/* Recorded days from .. to, inclusive; a negative index counts from the end (-1: the
 * last row). */
typedef struct ts_vwindow {
    long from, to;
} ts_vwindow;

/* Rows of a table are kept when column's value is in [min, max] (-inf, inf: open). */
typedef struct ts_vwhere {
    const char *column;
    double min, max;
} ts_vwhere;

/* A measure: one number from one run. Strings are borrowed from the patterns file's tree. */
typedef struct ts_vmeasure {
    ts_vkind kind;
    ts_vkind base;    /* TS_VM_CHANGE: TS_VM_METRIC or TS_VM_RATIO */
    const char *name; /* summary, metric or column; ratio: the numerator */
    const char *den;  /* ratio: the denominator */
    ts_vstat stat;
    ts_vwindow days;     /* metric, ratio */
    ts_vwindow from, to; /* change */
    int as_ratio;        /* change: to / from rather than to - from */
    int agents;          /* table: agents (else teams) */
    const char *x, *y;   /* correlate */
    int spearman;
    ts_vwhere *where; /* owned */
    size_t n_where;
    char at[TS_V_AT]; /* "FILE:LINE:COL: patterns[i].checks[j].measure" */
} ts_vmeasure;

/* Reads the measure mapping `node` at `path`; *m is filled (free with
 * ts_vmeasure_clear). */
ts_status ts_vmeasure_parse(const ts_vyctx *c, const ts_ynode *node, const char *path,
                            ts_vmeasure *m);
void ts_vmeasure_clear(ts_vmeasure *m);

/* The measure's value on run r (NaN when undefined: nothing in the window, a ratio over
 * 0, fewer than 3 rows to correlate) and its units (borrowed from r's names, which
 * outlive it; "" when none). TS_ERR_PARAM, the message starting with m->at, when r has
 * no such summary, metric, table column or a window outside its days. */
ts_status ts_vmeasure_eval(const ts_vmeasure *m, const ts_result *r, double *value,
                           const char **units, ts_error *err);

/* How a check's arms are combined seed by seed: one arm's value, A / B, A - B, or the
 * difference in differences (A - B) - (C - D). */
typedef enum ts_vcmp { TS_VC_SINGLE, TS_VC_RATIO, TS_VC_DIFFERENCE, TS_VC_DID } ts_vcmp;

/* The arms a check reads (1, 2 or 4). */
static inline size_t ts_vcmp_arms(ts_vcmp cmp) {
    return cmp == TS_VC_SINGLE ? 1 : cmp == TS_VC_DID ? 4 : 2;
}

/* A check: a measure on one arm, or on two (four) arms compared seed by seed, and its
 * target. */
typedef struct ts_vcheck {
    const char *name;
    ts_vcmp cmp;
    size_t arm, arm_b;   /* arm_b: the second arm of a comparison */
    size_t arm_c, arm_d; /* the third and fourth arm of a difference in differences */
    ts_vmeasure m;
    double min, max;     /* target (NaN: open) */
    double t_min, t_max; /* bounds on Welch's t of arm vs arm_b (NaN: none) */
    double d_min, d_max; /* bounds on Cohen's d */
} ts_vcheck;

/* Why a check fails (all 0: it passes). */
typedef struct ts_vverdict {
    int target, t, d, n; /* mean off target or NaN; t or d out of bounds or NaN; n < 2 */
} ts_vverdict;

/* The verdict on a check's numbers (a scorecard row: value, n, target, t, d and bounds;
 * NaN bounds are open). */
ts_vverdict ts_vjudge(const ts_vrow *r);

/* A scored check. */
typedef struct ts_vscore {
    ts_stats s;  /* of the values (single arm) or of the paired ratios or differences */
    double t, d; /* comparison: Welch's t and Cohen's d of arm vs arm_b (for a difference
                  * in differences: of the A - B values vs the C - D values); else NaN */
    int pass;
    int fail_target, fail_t, fail_d, fail_n; /* why it fails (ts_vjudge) */
} ts_vscore;

/* Scores c from the per-seed values v[k][0..n) of its arms in order (arm, arm_b, arm_c,
 * arm_d; only the first ts_vcmp_arms(c->cmp) are read); NaN values are left out (a seed
 * with a NaN, or a ratio over 0). work holds 3 n doubles. */
void ts_vcheck_score(const ts_vcheck *c, const double *const *v, size_t n, double *work,
                     ts_vscore *out);

/* ---- validate_patterns.c ------------------------------------------------------------------- */

typedef struct ts_vpattern {
    const char *id, *title, *question, *source;
    ts_scenario *sc;      /* finalized; its sweep is the arms (variants), replicates = seeds */
    size_t n_arms, seeds; /* grid point g of sc is arm g */
    ts_vcheck *checks;    /* owned */
    size_t n_checks;
    int selected;
} ts_vpattern;

typedef struct ts_vset {
    char *file; /* the name in messages (owned) */
    char *text; /* the file's text (owned) */
    ts_ynode *root;
    const char *description;
    ts_vpattern *p; /* owned */
    size_t n;
} ts_vset;

typedef struct ts_vload {
    const char *text; /* the patterns file */
    const char *file; /* its name in messages */
    const char *dir;  /* where `extends` of its scenarios is resolved ("": here) */
    const ts_schema *schema;
    int quick;
    const char *const *sets;
    size_t n_sets;
    const char *const *ids; /* select these (n_ids 0: all) */
    size_t n_ids;
} ts_vload;

/* Reads and checks the whole patterns file and builds the scenario of every pattern
 * (the --sets only in the selected ones). TS_ERR_SCENARIO / TS_ERR_PARAM for bad input. */
ts_status ts_vset_load(const ts_vload *o, ts_vset **out, ts_error *err);
void ts_vset_free(ts_vset *s);

/* The name of arm a of pattern p. */
const char *ts_vpattern_arm(const ts_vpattern *p, size_t a);

/* ---- validate_h5.c -------------------------------------------------------------------------- */

/* What /validation holds besides the scorecard: one entry per pattern run. */
typedef struct ts_vh5pattern {
    const char *id, *title, *question, *source;
    const char *scenario_yaml; /* the pattern's scenario with its arms as variants */
    char *const *arm_yaml;     /* per arm: the scenario at that arm, runnable alone */
    const char *const *arms;
    size_t n_arms, seeds;
    int pass;
} ts_vh5pattern;

/* Writes /validation/patterns/<id> and /validation/scorecard/<column> into file (an open
 * HDF5 file id; `path` for messages). */
ts_status ts_vh5_write(hid_t file, const char *path, const ts_vh5pattern *pats, size_t n_pats,
                       const ts_vrow *rows, size_t n_rows, ts_error *err);

/* `trustsim info` on a validation file: prints the scorecard read back from /validation. */
ts_status ts_vh5_print(hid_t file, const char *path, FILE *out, ts_error *err);

#endif
