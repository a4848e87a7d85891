#include "inspection_forums.h"

#include "shared.h"

#include "evidence.h"
#include "work.h"

#include <stddef.h>
#include <stdlib.h>

static const ts_param inspection_forums_tactic_params[] = {
    {
        .key = "every",
        .type = TS_PT_INT,
        .def = "7",
        .min = 1,
        .max = 365,
        .units = "days",
        .doc = "Days between two forums.",
    },
    {
        .key = "discovery",
        .type = TS_PT_REAL,
        .def = "0.3",
        .min = 0,
        .max = 1,
        .units = "probability",
        .doc = "Chance that a forum finds a given concealed defect.",
    },
};

static const ts_section inspection_forums_tactic_section = {
    .name = "tactics.inspection_forums",
    .optional = 1,
    .params = inspection_forums_tactic_params,
    .n_params = sizeof inspection_forums_tactic_params / sizeof inspection_forums_tactic_params[0],
    .doc = "Regular reviews of the work by leaders.",
};

static const ts_section *const inspection_forums_sections[] = {&inspection_forums_tactic_section};

/* Per agent, written only by its own act: the forum it held on `day` as a leader. */
typedef struct if_row {
    int32_t day;
    uint8_t held;
    uint32_t presenters; /* managers who presented */
    uint32_t reviewed;   /* people whose work was reviewed */
} if_row;

typedef struct if_state {
    ts_work_link link; /* the success link of what people are seen doing */
    int32_t every;
    float discovery;
    if_row *rows;
    uint32_t n_alloc;
} if_state;

/* To a member of a presenting team: its work was reviewed (status_day, surface). */
enum { IF_MK_REVIEWED = TS_MK_MODULE_BASE };

static void if_free(void *state) {
    if_state *s = state;
    if (s) {
        free(s->rows);
    }
    free(s);
}

static ts_status if_grow(void *state, const ts_world *w, ts_error *err) {
    if_state *s = state;
    return ts_rows_grow((void **)&s->rows, sizeof *s->rows, offsetof(if_row, day), &s->n_alloc,
                        w->n_alloc, err);
}

static ts_status if_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    /* The shared columns this module reads or writes (models/shared.h). */
    ts_status st = ts_shared_register(w, err);
    if (st != TS_OK) {
        return st;
    }
    if_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    s->every = (int32_t)ts_scenario_int(sc, "tactics.inspection_forums.every");
    s->discovery = (float)ts_scenario_real(sc, "tactics.inspection_forums.discovery");
    ts_work_link_load(sc, &s->link);
    st = if_grow(s, w, err);
    if (st != TS_OK) {
        if_free(s);
        return st;
    }
    *state = s;
    return TS_OK;
}

/* Is p a manager who can present today? A busy one (on an incident) does not. */
static int if_presents(const ts_world *w, uint32_t p) {
    return w->active[p] && !ts_busy(w)[p] && ts_world_is_manager(w, p);
}

static void *if_act_row(void *state, uint32_t a) {
    if_state *s = state;
    return &s->rows[a];
}

/* All leaders (depth 0 and 1) hold their forums on the same day, every `every` days,
 * the warm-up included; a leader on an incident holds none. In a leader's forum each
 * presenting manager (a direct report with a team) shows its team's work: the leader
 * learns where that work stands (status_day of the members), a concealed defect among it
 * is found with probability `discovery` (surface, from the next day), and the leader sees
 * each presenter perform (draws from the leader's stream, in the reports list's order).
 * Everyone applies its part in its own apply. */
static ts_status if_act(const void *state, const ts_world *w, uint32_t leader, void *own,
                        ts_emit *e) {
    if (ts_is_ai(w)[leader]) {
        return TS_OK; /* AI agents take no part (models/ai.h) */
    }
    const if_state *s = state;
    if_row *row = own;
    *row = (if_row){.day = w->day};
    if (w->day % s->every != 0 || ts_busy(w)[leader] || w->depth[leader] > 1) {
        return TS_OK;
    }
    uint32_t n_presenting = 0;
    for (uint32_t p = w->first_report[leader]; p != TS_NO_AGENT; p = w->next_peer[p]) {
        n_presenting += (uint32_t)if_presents(w, p);
    }
    if (n_presenting == 0) {
        return TS_OK; /* nothing to review below this leader: no forum */
    }
    ts_ev_hours(e, leader, TS_HOURS_MEETINGS, TS_INSPECTION_FORUMS_LEADER_HOURS);
    row->held = 1;
    ts_rng r;
    ts_emit_rng(e, &r);
    for (uint32_t p = w->first_report[leader]; p != TS_NO_AGENT; p = w->next_peer[p]) {
        if (!if_presents(w, p)) {
            continue;
        }
        ts_ev_hours(e, p, TS_HOURS_MEETINGS, TS_INSPECTION_FORUMS_PRESENTER_HOURS);
        row->presenters++;
        for (uint32_t m = w->first_report[p]; m != TS_NO_AGENT; m = w->next_peer[m]) {
            ts_emit_send(e, (ts_msg){.to = m, .kind = IF_MK_REVIEWED, .w = s->discovery});
            row->reviewed++;
        }
        uint32_t dom = ts_rng_below(&r, w->n_domains);
        int ok = ts_rng_uniform(&r) < ts_work_success_of(&s->link, w, p, dom);
        ts_ev_observe(e, leader, p, dom, ok, TS_INSPECTION_FORUMS_WEIGHT);
    }
    return TS_OK;
}

static ts_status if_handle(void *state, ts_world *w, const ts_msg *m) {
    (void)state;
    if (!ts_evidence_handle(w, m) && m->kind == IF_MK_REVIEWED) {
        ts_status_day(w)[m->to] = w->day;
        ts_surface(w)[m->to] += m->w;
    }
    return TS_OK;
}

static ts_status if_measure(const void *state, const ts_world *w, uint32_t a0, uint32_t a1,
                            double *acc) {
    const if_state *s = state;
    for (uint32_t a = a0; a < a1; a++) {
        if (s->rows[a].day == w->day) {
            acc[0] += s->rows[a].held;
            acc[1] += s->rows[a].reviewed;
        }
    }
    return TS_OK;
}

static const ts_metric_decl if_metrics[] = {
    {"forums_held", "forums/day", "Inspection forums held by leaders (depth 0 and 1)."},
    {"forum_reviewed", "people/day",
     "People whose work an inspection forum reviewed (members of the presenting teams)."},
};

static ts_status if_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    (void)state;
    (void)w;
    v[0] = acc[0];
    v[1] = acc[1];
    return TS_OK;
}

/* Saved states: nothing lasts from one day to the next beyond the scenario's values
 * (configure) and the day's counters. */
static ts_status inspection_forums_state_io(void *state, ts_world *w, ts_state_io *io) {
    (void)state;
    (void)w;
    return ts_sio_status(io);
}

const ts_module ts_module_inspection_forums = {
    .name = "inspection_forums",
    .sections = inspection_forums_sections,
    .n_sections = sizeof inspection_forums_sections / sizeof inspection_forums_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
    .configure = if_configure,
    .free = if_free,
    .grow = if_grow,
    .act = if_act,
    .act_row = if_act_row,
    .handle = if_handle,
    .metrics = if_metrics,
    .n_metrics = sizeof if_metrics / sizeof if_metrics[0],
    .n_acc = 2,
    .measure = if_measure,
    .day_end = if_day_end,
    .state_io = inspection_forums_state_io,
};
