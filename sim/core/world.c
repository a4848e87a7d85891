#include "world.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Agent a's entry of column c back at the column's initial value (zero when wide). */
static void column_reset(const ts_world_column *c, uint32_t a) {
    void *entry = (char *)c->data + (size_t)a * c->size;
    if (c->size > TS_WORLD_MAX_COLUMN_BYTES) {
        memset(entry, 0, c->size);
    } else {
        memcpy(entry, c->init, c->size);
    }
}

/* Asks for transparent huge pages for the whole 2 MB pages inside [p, p + bytes) when the
 * array is large (a hint: the system may ignore it, and no value depends on it). Arrays of
 * every agent's state are read at scattered agents (a colleague's row, a manager's
 * backlog): with 4 KB pages a large world misses the TLB at most of those reads. */
#define TS_WORLD_HUGE_PAGE ((uintptr_t)2 << 20)
static void advise_huge_pages(void *p, size_t bytes) {
    if (bytes < 2 * TS_WORLD_HUGE_PAGE) {
        return;
    }
    uintptr_t first = ((uintptr_t)p + TS_WORLD_HUGE_PAGE - 1) & ~(TS_WORLD_HUGE_PAGE - 1);
    uintptr_t end = ((uintptr_t)p + bytes) & ~(TS_WORLD_HUGE_PAGE - 1);
    if (end > first) {
        madvise((void *)first, end - first, MADV_HUGEPAGE);
    }
}

int ts_world_grow_array(void **p, size_t size, size_t n_old, size_t n_new) {
    void *q = realloc(*p, size * n_new);
    if (!q) {
        return 0;
    }
    advise_huge_pages(q, size * n_new); /* before the new part's first touch */
    memset((char *)q + size * n_old, 0, size * (n_new - n_old));
    *p = q;
    return 1;
}

static ts_status world_reserve(ts_world *w, uint32_t n_needed, ts_error *err) {
    if (n_needed <= w->n_alloc) {
        return TS_OK;
    }
    uint32_t n_new = w->n_alloc ? w->n_alloc : 64;
    while (n_new < n_needed) {
        n_new = n_new > UINT32_MAX / 2 ? UINT32_MAX - 1 : n_new * 2;
    }
    uint32_t n_old = w->n_alloc;
    int ok = ts_world_grow_array((void **)&w->manager, sizeof(uint32_t), n_old, n_new) &&
             ts_world_grow_array((void **)&w->first_report, sizeof(uint32_t), n_old, n_new) &&
             ts_world_grow_array((void **)&w->next_peer, sizeof(uint32_t), n_old, n_new) &&
             ts_world_grow_array((void **)&w->prev_peer, sizeof(uint32_t), n_old, n_new) &&
             ts_world_grow_array((void **)&w->n_reports, sizeof(uint32_t), n_old, n_new) &&
             ts_world_grow_array((void **)&w->depth, sizeof(uint16_t), n_old, n_new) &&
             ts_world_grow_array((void **)&w->active, sizeof(uint8_t), n_old, n_new) &&
             ts_world_grow_array((void **)&w->hire_day, sizeof(int32_t), n_old, n_new) &&
             ts_world_grow_array((void **)&w->leave_day, sizeof(int32_t), n_old, n_new) &&
             ts_world_grow_array((void **)&w->hours, sizeof(float) * TS_HOURS_SLOTS, n_old, n_new);
    for (uint32_t c = 0; c < w->n_cols && ok; c++) {
        ok = ts_world_grow_array(&w->cols[c].data, w->cols[c].size, n_old, n_new);
    }
    if (!ok) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory growing the agents to %u", n_new);
    }
    w->n_alloc = n_new;
    return ts_relstore_reserve(&w->models, n_new, err);
}

ts_status ts_world_init(ts_world *w, uint32_t n_domains, uint32_t capacity, double forgetting,
                        ts_error *err) {
    memset(w, 0, sizeof *w);
    w->n_domains = n_domains;
    w->root = TS_NO_AGENT;
    w->not_person = -1;
    return ts_relstore_init(&w->models, capacity, n_domains, forgetting, err);
}

void ts_world_free(ts_world *w) {
    free(w->manager);
    free(w->first_report);
    free(w->next_peer);
    free(w->prev_peer);
    free(w->n_reports);
    free(w->depth);
    free(w->active);
    free(w->hire_day);
    free(w->leave_day);
    free(w->hours);
    for (uint32_t c = 0; c < w->n_cols; c++) {
        free(w->cols[c].data);
    }
    ts_relstore_free(&w->models);
    memset(w, 0, sizeof *w);
}

static void link_report(ts_world *w, uint32_t a, uint32_t m) {
    w->manager[a] = m;
    w->prev_peer[a] = TS_NO_AGENT;
    w->next_peer[a] = TS_NO_AGENT;
    if (m == TS_NO_AGENT) {
        return;
    }
    /* Appending keeps the reports list in hiring order, which is deterministic. */
    uint32_t last = w->first_report[m];
    if (last == TS_NO_AGENT) {
        w->first_report[m] = a;
    } else {
        while (w->next_peer[last] != TS_NO_AGENT) {
            last = w->next_peer[last];
        }
        w->next_peer[last] = a;
        w->prev_peer[a] = last;
    }
    w->n_reports[m]++;
}

static void unlink_report(ts_world *w, uint32_t a) {
    uint32_t m = w->manager[a];
    if (m == TS_NO_AGENT) {
        return;
    }
    uint32_t p = w->prev_peer[a], nx = w->next_peer[a];
    if (p == TS_NO_AGENT) {
        w->first_report[m] = nx;
    } else {
        w->next_peer[p] = nx;
    }
    if (nx != TS_NO_AGENT) {
        w->prev_peer[nx] = p;
    }
    w->n_reports[m]--;
    w->manager[a] = TS_NO_AGENT;
    w->prev_peer[a] = w->next_peer[a] = TS_NO_AGENT;
}

ts_status ts_world_add_agent(ts_world *w, uint32_t manager, int32_t day, uint32_t *id,
                             ts_error *err) {
    if (w->n == UINT32_MAX - 1) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory: too many agents (%u)",
                            (unsigned)w->n);
    }
    ts_status st = world_reserve(w, w->n + 1, err);
    if (st != TS_OK) {
        return st;
    }
    uint32_t a = w->n++;
    w->first_report[a] = TS_NO_AGENT;
    w->n_reports[a] = 0;
    w->active[a] = 1;
    w->hire_day[a] = day;
    w->leave_day[a] = INT32_MAX;
    for (uint32_t c = 0; c < w->n_cols; c++) {
        column_reset(&w->cols[c], a);
    }
    link_report(w, a, manager);
    if (manager == TS_NO_AGENT) {
        w->root = a;
        w->depth[a] = 0;
    } else {
        w->depth[a] = (uint16_t)(w->depth[manager] + 1);
    }
    w->n_active++;
    *id = a;
    return TS_OK;
}

/* Recomputes depths below a after a move: an explicit stack walk, no recursion. */
static void update_depths(ts_world *w, uint32_t a) {
    uint32_t cur = a;
    for (;;) {
        uint32_t r = w->first_report[cur];
        if (r != TS_NO_AGENT) {
            w->depth[r] = (uint16_t)(w->depth[cur] + 1);
            cur = r;
            continue;
        }
        /* Walk up until a node with a next peer, stopping at a. */
        while (cur != a && w->next_peer[cur] == TS_NO_AGENT) {
            cur = w->manager[cur];
        }
        if (cur == a) {
            return;
        }
        cur = w->next_peer[cur];
        w->depth[cur] = (uint16_t)(w->depth[w->manager[cur]] + 1);
    }
}

void ts_world_set_manager(ts_world *w, uint32_t a, uint32_t m) {
    unlink_report(w, a);
    link_report(w, a, m);
    if (m == TS_NO_AGENT) {
        w->root = a;
        w->depth[a] = 0;
    } else {
        w->depth[a] = (uint16_t)(w->depth[m] + 1);
    }
    update_depths(w, a);
}

void ts_world_remove_agent(ts_world *w, uint32_t a, int32_t day) {
    if (!w->active[a]) {
        return;
    }
    unlink_report(w, a);
    w->active[a] = 0;
    w->leave_day[a] = day;
    w->n_active--;
    ts_relstore_clear(&w->models, a);
}

ts_status ts_world_build_tree(ts_world *w, uint32_t headcount, uint32_t span, int32_t day,
                              ts_error *err) {
    ts_status st = world_reserve(w, w->n + headcount, err);
    if (st != TS_OK || headcount == 0) {
        return st;
    }
    uint32_t first = w->n, id;
    st = ts_world_add_agent(w, TS_NO_AGENT, day, &id, err);
    /* Breadth first: agent k (k >= 1) reports to agent (k-1)/span of this build. */
    for (uint32_t k = 1; st == TS_OK && k < headcount; k++) {
        st = ts_world_add_agent(w, first + (k - 1) / span, day, &id, err);
    }
    w->span = span;
    return st;
}

uint32_t ts_world_common_manager(const ts_world *w, uint32_t a, uint32_t b) {
    if (a == TS_NO_AGENT || b == TS_NO_AGENT) {
        return TS_NO_AGENT;
    }
    /* The common manager has authority over both, so it is a strict ancestor of each
     * unless one of them manages the other. */
    while (w->depth[a] > w->depth[b]) {
        a = w->manager[a];
    }
    while (w->depth[b] > w->depth[a]) {
        b = w->manager[b];
    }
    while (a != b && a != TS_NO_AGENT && b != TS_NO_AGENT) {
        a = w->manager[a];
        b = w->manager[b];
    }
    return a == b ? a : TS_NO_AGENT;
}

uint32_t ts_world_levels(const ts_world *w) {
    uint32_t levels = 0;
    for (uint32_t a = 0; a < w->n; a++) {
        if (w->active[a] && ts_world_is_person(w, a) && (uint32_t)w->depth[a] + 1 > levels) {
            levels = (uint32_t)w->depth[a] + 1;
        }
    }
    return levels;
}

ts_status ts_world_column_add(ts_world *w, const char *name, size_t size, int daily,
                              const void *init, uint32_t *index, ts_error *err) {
    unsigned char v[TS_WORLD_MAX_COLUMN_BYTES] = {0};
    if (size == 0 || (init && size > TS_WORLD_MAX_COLUMN_BYTES)) {
        return ts_error_set(err, TS_ERR_INTERNAL, "column %s: entries of %zu bytes", name, size);
    }
    size_t n_init = size < sizeof v ? size : sizeof v;
    if (init) {
        memcpy(v, init, size);
    }
    int found = ts_world_column_find(w, name);
    if (found >= 0) {
        const ts_world_column *c = &w->cols[found];
        if (c->size != size || c->daily != daily || memcmp(c->init, v, n_init) != 0) {
            return ts_error_set(err, TS_ERR_INTERNAL,
                                "column %s registered twice with different layouts", name);
        }
        *index = (uint32_t)found;
        return TS_OK;
    }
    if (w->n_cols == TS_WORLD_MAX_COLUMNS) {
        return ts_error_set(err, TS_ERR_INTERNAL, "no room for column %s (%d columns)", name,
                            TS_WORLD_MAX_COLUMNS);
    }
    ts_world_column *c = &w->cols[w->n_cols];
    *c = (ts_world_column){.name = name, .size = size, .daily = daily};
    memcpy(c->init, v, n_init);
    if (w->n_alloc && !ts_world_grow_array(&c->data, size, 0, w->n_alloc)) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for column %s", name);
    }
    for (uint32_t a = 0; a < w->n; a++) {
        column_reset(c, a);
    }
    *index = w->n_cols++;
    return TS_OK;
}

int ts_world_column_find(const ts_world *w, const char *name) {
    for (uint32_t c = 0; c < w->n_cols; c++) {
        if (strcmp(w->cols[c].name, name) == 0) {
            return (int)c;
        }
    }
    return -1;
}

void ts_world_clear_daily(ts_world *w) {
    for (uint32_t c = 0; c < w->n_cols; c++) {
        const ts_world_column *col = &w->cols[c];
        if (!col->daily) {
            continue;
        }
        int zero = 1;
        for (size_t k = 0; k < col->size && k < TS_WORLD_MAX_COLUMN_BYTES; k++) {
            zero &= col->init[k] == 0;
        }
        if (zero) {
            memset(col->data, 0, (size_t)w->n * col->size);
            continue;
        }
        for (uint32_t a = 0; a < w->n; a++) {
            column_reset(col, a);
        }
    }
}
