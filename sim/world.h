/* The world of one run: agents as a structure of arrays, the org tree, the people's
 * traits and state that several mechanisms read, and the mental-model store.
 * Agents are added by hiring and never removed: a leaver is marked inactive and its id
 * is not reused within a run. The tree (manager, reports, depth) changes only in the
 * serial org phase; traits and per-person state are written by their owner in apply
 * (or by the org phase). Arrays grow by doubling; pointers into them are invalidated
 * by ts_world_add_agent, so modules re-read them every day. */
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
typedef void (*ts_first_contact_fn)(const void *ctx, struct ts_world *w, uint32_t believer,
                                    uint32_t subject, uint32_t slot);
/* A competence observation was applied. */
typedef void (*ts_observe_fn)(const void *ctx, struct ts_world *w, uint32_t believer,
                              uint32_t subject, uint32_t domain, int success, float weight);
typedef struct ts_world_listeners {
    ts_first_contact_fn first_contact[TS_WORLD_MAX_LISTENERS];
    const void *first_contact_ctx[TS_WORLD_MAX_LISTENERS];
    size_t n_first_contact;
    ts_observe_fn observe[TS_WORLD_MAX_LISTENERS];
    const void *observe_ctx[TS_WORLD_MAX_LISTENERS];
    size_t n_observe;
} ts_world_listeners;

/* Slots of the daily hours ledger; what each slot means is the models' business. */
#define TS_NO_TASK 255
#define TS_HOURS_SLOTS 10

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

    /* Hidden traits, drawn at hire. competence is n_alloc x n_domains. */
    float *competence;
    float *candor;
    float *openness;
    float *empathy;

    /* Per-person state that several mechanisms share. */
    float *safety;
    float *alignment;    /* alignment error e >= 0 */
    float *self_alpha;   /* the agent's model of itself: successes seen, n_alloc x n_domains */
    float *self_beta;    /* failures seen, n_alloc x n_domains */
    float *hours;        /* hours spent today, n_alloc x TS_HOURS_SLOTS */
    float *backlog;      /* overhead hours carried over from earlier days */
    uint8_t *busy;       /* unavailable for normal work today (set in org, cleared daily) */
    float *surface;      /* extra chance today that hidden problems surface (cleared daily) */
    int32_t *status_day; /* last day the agent shared the status of its work */
    /* What each person works on, written by the work module for its own agent; tactics
     * read it in org and may set the boost and trial flag of a task under way. */
    uint8_t *task_domain; /* domain of the current task; TS_NO_TASK when idle */
    int32_t *task_start;  /* day the current task started */
    float *task_boost;    /* extra success probability of the current task (help) */
    uint8_t *task_trial;  /* the current task is a trial task */

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
 * returns its id in *id. Traits and state start at zero. */
ts_status ts_world_add_agent(ts_world *w, uint32_t manager, int32_t day, uint32_t *id,
                             ts_error *err);

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

/* The tree's depth: the largest depth of an active agent, plus one. */
uint32_t ts_world_levels(const ts_world *w);

#endif
