/* The world of one run: agents as a structure of arrays, the org tree, the hours ledger,
 * the mental-model store, and the per-agent columns the modules register (their traits
 * and state, whose meaning is the models' business).
 * Agents are added by hiring and never removed: a leaver is marked inactive and its id
 * is not reused within a run. The tree (manager, reports, depth) changes only in the
 * serial org phase; columns are written by their owner in apply (or by the org phase). Arrays grow
 * by doubling; pointers into them are invalidated by ts_world_add_agent, so modules re-read them
 * every day. */
#ifndef TS_WORLD_H
#define TS_WORLD_H

#include "relstore.h"
#include "status.h"

#include <stdint.h>

struct ts_world;

/* Listeners of the models' evidence code (models/evidence.h registers and calls them):
 * lists, so that a second module listening adds to the first instead of replacing it. A
 * listener runs where the evidence is applied (in apply, on the believer's thread) and
 * may write only the believer's own state. */
#define TS_WORLD_MAX_LISTENERS 4
/* A model was created (empty: the prior is implicit), before its first evidence. */
typedef void (*ts_first_contact_fn)(void *ctx, struct ts_world *w, uint32_t believer,
                                    uint32_t subject, uint32_t slot);
/* A competence observation was applied. */
typedef void (*ts_observe_fn)(void *ctx, struct ts_world *w, uint32_t believer, uint32_t subject,
                              uint32_t domain, int success, float weight);
typedef struct ts_world_listeners {
    ts_first_contact_fn first_contact[TS_WORLD_MAX_LISTENERS];
    void *first_contact_ctx[TS_WORLD_MAX_LISTENERS]; /* the listening module's state */
    size_t n_first_contact;
    ts_observe_fn observe[TS_WORLD_MAX_LISTENERS];
    void *observe_ctx[TS_WORLD_MAX_LISTENERS];
    size_t n_observe;
} ts_world_listeners;

/* Slots of the daily hours ledger; what each slot means is the models' business. */
#define TS_HOURS_SLOTS 10

/* A registered per-agent column: n_alloc entries of `size` bytes. New agents start at
 * `init` (zero when all its bytes are zero); a daily column is reset to `init` at the
 * start of every day (ts_world_clear_daily). An entry may be wider than an initial value
 * can be (TS_WORLD_MAX_COLUMN_BYTES: one value per domain, say); such a column starts at
 * zero. */
#define TS_WORLD_MAX_COLUMNS 32
#define TS_WORLD_MAX_COLUMN_BYTES 8
typedef struct ts_world_column {
    const char *name; /* static storage: the registering module's */
    size_t size;
    int daily;
    unsigned char init[TS_WORLD_MAX_COLUMN_BYTES];
    void *data;
} ts_world_column;

typedef struct ts_world {
    uint32_t n;        /* agents ever hired: ids 0 .. n-1 */
    uint32_t n_alloc;  /* capacity of the per-agent arrays */
    uint32_t n_active; /* agents currently employed */
    uint32_t n_domains;
    uint32_t root; /* the CEO (depth 0) */
    int32_t day;   /* current day; negative during warm-up */
    int32_t days;  /* recorded days of the run (metrics have days+1 rows) */
    int32_t warmup_days;
    uint32_t span; /* org.span_of_control */
    uint32_t initial_headcount;
    uint64_t seed; /* the run's seed, for random streams */

    /* Org tree. */
    uint32_t *manager;      /* TS_NO_AGENT for the root and for leavers */
    uint32_t *first_report; /* head of the reports list, TS_NO_AGENT if none */
    uint32_t *next_peer;    /* next report of the same manager */
    uint32_t *prev_peer;
    uint32_t *n_reports;
    uint16_t *depth;
    uint8_t *active;
    int32_t *hire_day;
    int32_t *leave_day; /* INT32_MAX while employed */

    float *hours; /* hours spent today, n_alloc x TS_HOURS_SLOTS */

    /* Columns the modules register (ts_world_column_add): per-agent traits and state one
     * module owns and others read, by name. The world only stores, grows, checkpoints and
     * (daily ones) clears them; what they mean is the models' business (models/shared.h). */
    ts_world_column cols[TS_WORLD_MAX_COLUMNS];
    uint32_t n_cols;

    /* The index of a registered uint8 column whose nonzero entries mark agents that are
     * not people (AI teammates, say), or -1 (everyone is a person): the engine's people
     * counts (headcount, managers, depth, acquaintances) leave them out. Set at configure
     * by the module that owns the column. */
    int32_t not_person;

    ts_relstore models;
    ts_world_listeners listeners;
    /* How the models weigh new evidence (models/evidence.h); opaque to the engine, set
     * by a module at configure and only read afterwards. NULL: evidence as it comes. */
    const void *learning;
} ts_world;

ts_status ts_world_init(ts_world *w, uint32_t n_domains, uint32_t capacity, double forgetting,
                        ts_error *err);
void ts_world_free(ts_world *w);

/* Grows an array of `size`-byte entries from n_old to n_new entries, zeroing the new
 * ones: the per-agent arrays of the world, and of modules in their grow hooks. Returns 0
 * (leaving *p as it was) when out of memory. */
int ts_world_grow_array(void **p, size_t size, size_t n_old, size_t n_new);

/* Adds an agent under `manager` (TS_NO_AGENT makes it the root) hired on `day`;
 * returns its id in *id. Its hours start at zero and its columns at their initial values. */
ts_status ts_world_add_agent(ts_world *w, uint32_t manager, int32_t day, uint32_t *id,
                             ts_error *err);

/* Registers the column `name` of `size`-byte entries (or finds it, if registered with
 * the same size, daily flag and initial value) and gives its index in *index: agents
 * present and future start at *init (NULL: zero; only NULL when `size` is more than
 * TS_WORLD_MAX_COLUMN_BYTES). TS_ERR_INTERNAL when the same name
 * was registered differently, or the world has no room left. Call at configure. */
ts_status ts_world_column_add(ts_world *w, const char *name, size_t size, int daily,
                              const void *init, uint32_t *index, ts_error *err);
/* The index of column `name`, or -1. */
int ts_world_column_find(const ts_world *w, const char *name);
/* Resets every daily column of agents [0, n) to its initial value. */
void ts_world_clear_daily(ts_world *w);

/* Moves agent a (with its subtree) under manager m, updating depths. */
void ts_world_set_manager(ts_world *w, uint32_t a, uint32_t m);

/* Marks a leaver: out of the tree (its reports must have been moved first), inactive,
 * its models dropped. */
void ts_world_remove_agent(ts_world *w, uint32_t a, int32_t day);

/* Builds the initial tree of `headcount` agents, breadth first, each manager with up
 * to `span` reports, hired on `day`: a balanced tree of depth ~log_span(headcount). */
ts_status ts_world_build_tree(ts_world *w, uint32_t headcount, uint32_t span, int32_t day,
                              ts_error *err);

/* The lowest common manager of a and b (the person with authority over both). */
uint32_t ts_world_common_manager(const ts_world *w, uint32_t a, uint32_t b);

/* Is a a manager (has reports)? */
static inline int ts_world_is_manager(const ts_world *w, uint32_t a) {
    return w->n_reports[a] > 0;
}

/* Is agent a a person (not marked by the world's not_person column)? */
static inline int ts_world_is_person(const ts_world *w, uint32_t a) {
    return w->not_person < 0 || !((const uint8_t *)w->cols[w->not_person].data)[a];
}

/* The tree's depth: the largest depth of an active person, plus one. */
uint32_t ts_world_levels(const ts_world *w);

#endif
