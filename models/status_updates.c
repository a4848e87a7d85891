#include "status_updates.h"

#include "shared.h"

#include "evidence.h"
#include "work.h"

#include <stddef.h>
#include <stdlib.h>

static const ts_param status_updates_tactic_params[] = {
    {
        .key = "every",
        .type = TS_PT_INT,
        .def = "5",
        .min = 1,
        .max = 365,
        .units = "days",
        .doc = "Days between two status updates of a task.",
    },
};

static const ts_section status_updates_tactic_section = {
    .name = "tactics.status_updates",
    .optional = 1,
    .params = status_updates_tactic_params,
    .n_params = sizeof status_updates_tactic_params / sizeof status_updates_tactic_params[0],
    .doc = "Regular written status of every task.",
};

static const ts_section *const status_updates_sections[] = {&status_updates_tactic_section};

/* Per agent, written only by its own act: whether it posted on `day`. */
typedef struct su_row {
    int32_t day;
    uint8_t posted;
} su_row;

typedef struct su_state {
    ts_work_link link; /* the success link of what people are seen doing */
    int32_t every;
    su_row *rows;
    uint32_t n_alloc;
} su_state;

/* To the writer: it posted (hours, status_day, surface). To its manager: it read the post
 * (hours, and what it saw of the writer's work: about, domain, flags = success). */
enum { SU_MK_POST = TS_MK_MODULE_BASE, SU_MK_READ };

static void su_free(void *state) {
    su_state *s = state;
    if (s) {
        free(s->rows);
    }
    free(s);
}

static ts_status su_grow(void *state, const ts_world *w, ts_error *err) {
    su_state *s = state;
    return ts_rows_grow((void **)&s->rows, sizeof *s->rows, offsetof(su_row, day), &s->n_alloc,
                        w->n_alloc, err);
}

static ts_status su_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    /* The shared columns this module reads or writes (models/shared.h). */
    ts_status st = ts_shared_register(w, err);
    if (st != TS_OK) {
        return st;
    }
    su_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    s->every = (int32_t)ts_scenario_int(sc, "tactics.status_updates.every");
    ts_work_link_load(sc, &s->link);
    st = su_grow(s, w, err);
    if (st != TS_OK) {
        su_free(s);
        return st;
    }
    *state = s;
    return TS_OK;
}

/* x mod n in [0, n), also for the negative days of the warm-up. */
static int64_t su_mod(int64_t x, int64_t n) {
    int64_t r = x % n;
    return r < 0 ? r + n : r;
}

static void *su_act_row(void *state, uint32_t a) {
    su_state *s = state;
    return &s->rows[a];
}

/* Each active, available person posts on its own days (staggered by id, so the posts of a
 * team spread over the period). The manager stands in for the readers: the stakeholders
 * of a task are private to the work module, which instead reads status_day as news for
 * all of them (fud_mean). Writer and manager apply their parts in their own apply. */
static ts_status su_act(const void *state, const ts_world *w, uint32_t a, void *own, ts_emit *e) {
    if (ts_is_ai(w)[a]) {
        return TS_OK; /* AI agents take no part (models/ai.h) */
    }
    const su_state *s = state;
    su_row *row = own;
    row->day = w->day;
    row->posted = 0;
    if (ts_busy(w)[a] || su_mod((int64_t)w->day + a, s->every) != 0) {
        return TS_OK;
    }
    ts_emit_send(e, (ts_msg){.to = a, .kind = SU_MK_POST});
    row->posted = 1;
    uint32_t m = w->manager[a];
    if (m == TS_NO_AGENT || !w->active[m]) {
        return TS_OK;
    }
    ts_rng r;
    ts_emit_rng(e, &r);
    uint32_t dom = ts_rng_below(&r, w->n_domains);
    int ok = ts_rng_uniform(&r) < ts_work_success_of(&s->link, w, a, dom);
    ts_emit_send(
        e,
        (ts_msg){
            .to = m, .about = a, .kind = SU_MK_READ, .domain = (uint8_t)dom, .flags = (uint8_t)ok});
    return TS_OK;
}

static ts_status su_handle(void *state, ts_world *w, const ts_msg *m) {
    (void)state;
    if (ts_evidence_handle(w, m)) {
        return TS_OK;
    }
    if (m->kind == SU_MK_POST) {
        ts_ev_hours_now(w, m->to, TS_HOURS_MEETINGS, TS_STATUS_UPDATES_WRITE_HOURS);
        ts_status_day(w)[m->to] = w->day;
        ts_surface(w)[m->to] += TS_STATUS_UPDATES_SURFACE;
    } else if (m->kind == SU_MK_READ) {
        ts_ev_hours_now(w, m->to, TS_HOURS_MEETINGS, TS_STATUS_UPDATES_READ_HOURS);
        ts_ev_observe_now(w, m->to, m->about, m->domain, m->flags, TS_STATUS_UPDATES_WEIGHT);
    }
    return TS_OK;
}

static ts_status su_measure(const void *state, const ts_world *w, uint32_t a0, uint32_t a1,
                            double *acc) {
    const su_state *s = state;
    for (uint32_t a = a0; a < a1; a++) {
        if (s->rows[a].day == w->day) {
            acc[0] += s->rows[a].posted;
        }
    }
    return TS_OK;
}

static const ts_metric_decl su_metrics[] = {
    {"status_updates_posted", "updates/day", "Status updates posted (status-updates tactic)."},
};

static ts_status su_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    (void)state;
    (void)w;
    v[0] = acc[0];
    return TS_OK;
}

/* Saved states: nothing lasts from one day to the next beyond the scenario's values
 * (configure) and the day's counters. */
static ts_status status_updates_state_io(void *state, ts_world *w, ts_state_io *io) {
    (void)state;
    (void)w;
    return ts_sio_status(io);
}

const ts_module ts_module_status_updates = {
    .name = "status_updates",
    .sections = status_updates_sections,
    .n_sections = sizeof status_updates_sections / sizeof status_updates_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
    .configure = su_configure,
    .free = su_free,
    .grow = su_grow,
    .act = su_act,
    .act_row = su_act_row,
    .handle = su_handle,
    .metrics = su_metrics,
    .n_metrics = sizeof su_metrics / sizeof su_metrics[0],
    .n_acc = 1,
    .measure = su_measure,
    .day_end = su_day_end,
    .state_io = status_updates_state_io,
};
