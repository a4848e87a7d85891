/* Private to the hiring module (hiring.c, hiring_tree.c): its state and the few
 * functions the two files share. Everything runs in the serial org phase (hiring_grow
 * and configure aside); the workspaces grow with the world and are reused daily. An
 * allocation failure sets `failed`, which the next grow reports. */
#ifndef TS_MODELS_HIRING_INTERNAL_H
#define TS_MODELS_HIRING_INTERNAL_H

#include "hiring.h"
#include "trust.h"

/* A leaf team in the placement heap: its size when pushed and its manager. Entries go
 * stale when the team changes; a popped entry counts only if it still matches. */
typedef struct hiring_leaf {
    uint32_t size, id;
} hiring_leaf;

typedef struct hiring_state {
    ts_hiring_params p;
    ts_trust_params tp;
    int people;   /* index of the domain "people", -1 if none (then domain-averaged) */
    ts_rng place; /* the day's placement decisions (promote or hire) */
    int32_t today;
    /* Workspaces, grown with the world and reused from day to day. */
    hiring_leaf *heap; /* min-heap by (size, id) */
    size_t n_heap, heap_alloc;
    uint32_t *buf; /* a manager's reports (per-agent sized: any team fits) */
    size_t buf_alloc;
    /* Per manager: the two reports it trusts most, valid while stamp == day_stamp. */
    uint32_t *mentor1, *mentor2, *stamp;
    /* Per new hire in ramp-up: who mentors it on mentor_day (org writes, the hire's act
     * sends the mentor the hours). */
    uint32_t *mentor_of;
    int32_t *mentor_day;
    size_t agents_alloc;
    uint32_t day_stamp;
    uint32_t hires, leavers; /* today */
    int failed;              /* out of memory in org: reported by the next grow */
} hiring_state;

/* Grow buf (a manager's reports) to n entries and the leaf-team heap to at least n;
 * each returns 1, or 0 with `failed` set when out of memory. */
int hiring_reserve_buf(hiring_state *s, size_t n);
int hiring_reserve_heap(hiring_state *s, size_t n);

/* How much i trusts j with people: the `people` domain, else the domain average. */
float hiring_trust(const hiring_state *s, const ts_world *w, uint32_t i, uint32_t j);

/* x's place goes to the report x trusts most, who moves up and takes over x's other
 * reports. A manager who moves up leaves its own place to its most trusted report
 * first, so the promotion runs down a chain that ends at an IC and no team changes
 * shape. Afterwards x has no reports and is still under its manager. Returns the
 * replacement (TS_NO_AGENT if x had no reports or is the root). Recursion depth is at
 * most the tree's depth. */
uint32_t hiring_vacate(hiring_state *s, ts_world *w, uint32_t x);

/* Hires people into the smallest leaf teams, splitting teams that outgrow the span,
 * until the headcount reaches the day's target (h0 during the warm-up). */
void hiring_grow_org(hiring_state *s, ts_world *w, const ts_day *d);

#endif
