/* Hiring's org tree (MODEL.md §3): placing hires in the smallest leaf team, splitting
 * an over-span team under a promoted report or a hired manager, a new level under an
 * over-span CEO, a leaving manager replaced by its most trusted report, and the
 * min-heap of leaf teams the placement draws from. */
#include "hiring_internal.h"

#include "ai.h"
#include "shared.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- The leaf-team heap and the tree --------------------------------------------- */

int hiring_reserve_heap(hiring_state *s, size_t n) {
    if (n <= s->heap_alloc) {
        return 1;
    }
    size_t n_new = s->heap_alloc ? s->heap_alloc : 64;
    while (n_new < n) {
        n_new *= 2;
    }
    hiring_leaf *h = realloc(s->heap, n_new * sizeof *h);
    if (!h) {
        s->failed = 1;
        return 0;
    }
    s->heap = h;
    s->heap_alloc = n_new;
    return 1;
}

/* The report of m that m trusts most (ties: the lowest id), TS_NO_AGENT if none. */
static uint32_t hiring_best_report(const hiring_state *s, const ts_world *w, uint32_t m) {
    uint32_t best = TS_NO_AGENT;
    float best_t = -1.0f;
    for (uint32_t r = w->first_report[m]; r != TS_NO_AGENT; r = w->next_peer[r]) {
        if (ts_is_ai(w)[r]) {
            continue; /* an AI agent never takes over a team (models/ai.h) */
        }
        float t = hiring_trust(s, w, m, r);
        if (t > best_t || (t == best_t && r < best)) {
            best = r;
            best_t = t;
        }
    }
    return best;
}

static int hiring_is_leaf(const ts_world *w, uint32_t m) {
    if (w->n_reports[m] == 0) {
        return 0;
    }
    for (uint32_t r = w->first_report[m]; r != TS_NO_AGENT; r = w->next_peer[r]) {
        if (w->n_reports[r] > 0) {
            return 0;
        }
    }
    return 1;
}

static int hiring_leaf_less(hiring_leaf a, hiring_leaf b) {
    return a.size < b.size || (a.size == b.size && a.id < b.id);
}

/* Offers m's team to the placement heap (it counts only while it is a leaf team). */
static void hiring_push(hiring_state *s, const ts_world *w, uint32_t m) {
    if (!w->active[m] || w->n_reports[m] == 0 || !hiring_reserve_heap(s, s->n_heap + 1)) {
        return;
    }
    hiring_leaf e = {w->n_reports[m], m};
    size_t i = s->n_heap++;
    while (i > 0 && hiring_leaf_less(e, s->heap[(i - 1) / 2])) {
        s->heap[i] = s->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    s->heap[i] = e;
}

static hiring_leaf hiring_pop(hiring_state *s) {
    hiring_leaf top = s->heap[0];
    hiring_leaf e = s->heap[--s->n_heap];
    size_t n = s->n_heap, i = 0;
    while (2 * i + 1 < n) {
        size_t c = 2 * i + 1;
        if (c + 1 < n && hiring_leaf_less(s->heap[c + 1], s->heap[c])) {
            c++;
        }
        if (!hiring_leaf_less(s->heap[c], e)) {
            break;
        }
        s->heap[i] = s->heap[c];
        i = c;
    }
    if (n > 0) {
        s->heap[i] = e;
    }
    return top;
}

/* The smallest leaf team (ties: the lowest manager id), TS_NO_AGENT if there is none. */
static uint32_t hiring_smallest_leaf(hiring_state *s, const ts_world *w) {
    while (s->n_heap > 0) {
        hiring_leaf e = hiring_pop(s);
        if (w->active[e.id] && w->n_reports[e.id] == e.size && hiring_is_leaf(w, e.id)) {
            return e.id;
        }
    }
    return TS_NO_AGENT;
}

uint32_t hiring_vacate(hiring_state *s, ts_world *w, uint32_t x) {
    uint32_t r = hiring_best_report(s, w, x);
    uint32_t up = w->manager[x];
    if (r == TS_NO_AGENT || up == TS_NO_AGENT) {
        return TS_NO_AGENT;
    }
    if (w->n_reports[r] > 0) {
        hiring_vacate(s, w, r);
    }
    ts_world_set_manager(w, r, up);
    while (w->first_report[x] != TS_NO_AGENT) {
        ts_world_set_manager(w, w->first_report[x], r);
    }
    hiring_push(s, w, r);
    return r;
}

/* Hires one person under `manager` today; TS_NO_AGENT if out of memory. */
static uint32_t hiring_hire(hiring_state *s, ts_world *w, uint32_t manager) {
    uint32_t id;
    if (ts_world_add_agent(w, manager, s->today, &id, NULL) != TS_OK) {
        s->failed = 1;
        return TS_NO_AGENT;
    }
    ts_hiring_draw_traits(&s->p, w, id);
    s->hires++;
    return id;
}

/* Promotes the member of g[0..n) (reports of m) whom m trusts most to lead a new team:
 * an IC if there is one (taken out of g, the others keep their order), else a manager
 * of two or more (its place, and its slot in g, go to its most trusted report). With
 * fewer than two members nobody is promoted (the new team would be empty). Returns the
 * promoted person or TS_NO_AGENT. */
static uint32_t hiring_promote(hiring_state *s, ts_world *w, uint32_t m, uint32_t *g, size_t *n) {
    size_t at = *n;
    if (*n < 2) {
        return TS_NO_AGENT;
    }
    for (int leads = 0; leads <= 1 && at == *n; leads++) {
        uint32_t best = TS_NO_AGENT;
        float best_t = -1.0f;
        for (size_t i = 0; i < *n; i++) {
            uint32_t r = g[i];
            if (ts_is_ai(w)[r] || (leads ? w->n_reports[r] < 2 : w->n_reports[r] > 0)) {
                continue;
            }
            float t = hiring_trust(s, w, m, r);
            if (t > best_t || (t == best_t && r < best)) {
                best = r;
                best_t = t;
                at = i;
            }
        }
    }
    if (at == *n) {
        return TS_NO_AGENT;
    }
    uint32_t leader = g[at];
    if (w->n_reports[leader] > 0) {
        g[at] = hiring_vacate(s, w, leader);
    } else {
        memmove(g + at, g + at + 1, (*n - at - 1) * sizeof *g);
        --*n;
    }
    return leader;
}

/* The leader of a new team carved out of g (reports of m), placed under `parent`:
 * promoted with probability promote_from_within, else hired. */
static uint32_t hiring_new_lead(hiring_state *s, ts_world *w, uint32_t m, uint32_t parent,
                                uint32_t *g, size_t *n) {
    uint32_t leader = TS_NO_AGENT;
    if (ts_rng_uniform(&s->place) < s->p.promote_from_within) {
        leader = hiring_promote(s, w, m, g, n);
    }
    if (leader == TS_NO_AGENT) {
        return hiring_hire(s, w, parent);
    }
    ts_world_set_manager(w, leader, parent);
    return leader;
}

/* Copies m's reports, in list order, into the workspace; returns their number. */
static size_t hiring_reports(hiring_state *s, const ts_world *w, uint32_t m) {
    size_t n = 0;
    if (!hiring_reserve_buf(s, w->n_reports[m])) {
        return 0;
    }
    for (uint32_t r = w->first_report[m]; r != TS_NO_AGENT; r = w->next_peer[r]) {
        s->buf[n++] = r;
    }
    return n;
}

/* m (not the root) has more than span reports: a sibling team under m's manager,
 * led by a promoted report or a new hire, takes the later half of them. */
static void hiring_split(hiring_state *s, ts_world *w, uint32_t m) {
    uint32_t parent = w->manager[m];
    size_t n = hiring_reports(s, w, m);
    uint32_t leader = hiring_new_lead(s, w, m, parent, s->buf, &n);
    if (leader == TS_NO_AGENT) {
        return;
    }
    for (size_t i = n - n / 2; i < n; i++) {
        ts_world_set_manager(w, s->buf[i], leader);
    }
    hiring_push(s, w, m);
    hiring_push(s, w, leader);
}

/* The root has more than span reports: a new level of k = max(2, ceil(reports/span))
 * managers goes between it and its reports, each leading a contiguous share. */
static void hiring_insert_level(hiring_state *s, ts_world *w) {
    uint32_t root = w->root;
    size_t n = hiring_reports(s, w, root);
    size_t k = (n + w->span - 1) / w->span;
    k = k < 2 ? 2 : k;
    for (size_t g = 0; g < k; g++) {
        size_t lo = g * n / k, hi = (g + 1) * n / k;
        size_t len = hi - lo;
        uint32_t leader = hiring_new_lead(s, w, root, root, s->buf + lo, &len);
        if (leader == TS_NO_AGENT) {
            return;
        }
        for (size_t i = 0; i < len; i++) {
            ts_world_set_manager(w, s->buf[lo + i], leader);
        }
        hiring_push(s, w, leader);
    }
}

/* Splits m and then its managers upward until nobody has more than span reports. */
static void hiring_rebalance(hiring_state *s, ts_world *w, uint32_t m) {
    while (m != TS_NO_AGENT && !s->failed) {
        /* The span counts people: AI teammates (models/ai.h) do not fill a team. */
        if (w->n_reports[m] <= w->span || ts_ai_people_reports(w, m) <= w->span) {
            m = w->manager[m];
        } else if (m == w->root) {
            hiring_insert_level(s, w);
        } else {
            hiring_split(s, w, m);
        }
    }
}

/* ---- Placement ------------------------------------------------------------------- */

void hiring_grow_org(hiring_state *s, ts_world *w, const ts_day *d) {
    double h = d->live ? ts_hiring_target(&s->p, d->day) : s->p.h0;
    double target = floor(h + 0.5);
    /* The target counts people: AI agents (models/ai.h) are no headcount. */
    uint32_t n_ai = ts_ai_count(w);
    if (!((double)(w->n_active - n_ai) < target)) {
        return;
    }
    ts_day_rng(d, TS_NO_AGENT, &s->place);
    s->n_heap = 0;
    for (uint32_t a = 0; a < w->n; a++) {
        if (w->active[a] && hiring_is_leaf(w, a)) {
            hiring_push(s, w, a);
        }
    }
    while ((double)(w->n_active - n_ai) < target && !s->failed) {
        uint32_t m = hiring_smallest_leaf(s, w);
        if (m == TS_NO_AGENT) {
            m = w->root; /* only the CEO is left: the first hire reports to it */
        }
        if (m == TS_NO_AGENT || hiring_hire(s, w, m) == TS_NO_AGENT) {
            return;
        }
        if (w->n_reports[m] > w->span && ts_ai_people_reports(w, m) > w->span) {
            hiring_rebalance(s, w, m);
        } else {
            hiring_push(s, w, m);
        }
    }
}
