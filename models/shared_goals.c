#include "shared_goals.h"

#include "shared.h"

#include "departments.h"
#include "evidence.h"
#include "work.h"

#include <stdlib.h>

static const ts_param shared_goals_tactic_params[] = {
    {
        .key = "gap_cut",
        .type = TS_PT_REAL,
        .def = "0.5",
        .min = 0,
        .max = 1,
        .units = "fraction",
        .doc = "Share of the gap between two departments' objective weights (speed versus "
               "reliability) that joint objectives remove from their sign-offs.",
    },
    {
        .key = "goodwill",
        .type = TS_PT_REAL,
        .def = "0.02",
        .min = 0,
        .max = 1,
        .units = "goodwill",
        .doc = "Goodwill each side gains toward the other at a cross-department sign-off "
               "without a dispute (an outcome seen as shared).",
    },
    {
        .key = "credit",
        .type = TS_PT_REAL,
        .def = "0.25",
        .min = 0,
        .max = 10,
        .units = "observations",
        .doc = "Honest-act evidence the signer takes of the owner then.",
    },
    {
        .key = "hours_per_week",
        .type = TS_PT_REAL,
        .def = "0.5",
        .min = 0,
        .max = 40,
        .units = "hours",
        .doc = "Each person's joint planning time a week (a fifth each working day).",
    },
};

static const ts_section shared_goals_tactic_section = {
    .name = "tactics.shared_goals",
    .optional = 1,
    .params = shared_goals_tactic_params,
    .n_params = sizeof shared_goals_tactic_params / sizeof shared_goals_tactic_params[0],
    .doc = "Joint objectives across departments.",
};

static const ts_section *const shared_goals_sections[] = {&shared_goals_tactic_section};

void ts_shared_goals_load(const ts_scenario *sc, ts_shared_goals *g) {
    *g = (ts_shared_goals){0};
    g->on = ts_scenario_section_on(sc, "tactics.shared_goals");
    if (!g->on) {
        return;
    }
    g->gap_cut = ts_scenario_real(sc, "tactics.shared_goals.gap_cut");
    g->goodwill = (float)ts_scenario_real(sc, "tactics.shared_goals.goodwill");
    g->credit = (float)ts_scenario_real(sc, "tactics.shared_goals.credit");
    g->hours_day = (float)(ts_scenario_real(sc, "tactics.shared_goals.hours_per_week") / 5.0);
}

double ts_shared_goals_gap(const ts_shared_goals *g, double gap) {
    return g->on ? gap * (1.0 - g->gap_cut) : gap;
}

typedef struct sg_state {
    ts_shared_goals g;
    int multi;    /* several departments */
    int dept_col; /* the departments' column, -1 without */
    ts_work_link link;
} sg_state;

static ts_status sg_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    ts_status st = ts_shared_register(w, err);
    if (st != TS_OK) {
        return st;
    }
    sg_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    ts_shared_goals_load(sc, &s->g);
    s->multi = ts_scenario_list_len(sc, "org.departments") > 1;
    s->dept_col = ts_world_column_find(w, TS_DEPT_COLUMN);
    ts_work_link_load(sc, &s->link);
    *state = s;
    return TS_OK;
}

static void sg_free(void *state) {
    free(state);
}

/* The joint planning of the recorded run: each available person's hours of the day, and
 * on one working day in five (drawn) a planning meeting with someone of another department
 * (found by rejection, TS_SHARED_GOALS_TRIES draws): a meeting (ts_work_meet_emit) with the
 * key's goodwill. */
static ts_status sg_act(const void *state, const ts_world *w, uint32_t a, void *own, ts_emit *e) {
    if (ts_is_ai(w)[a]) {
        return TS_OK; /* AI agents take no part (models/ai.h) */
    }
    const sg_state *s = state;
    (void)own;
    if (!s->multi || s->dept_col < 0 || w->day < 1 || ts_busy(w)[a]) {
        return TS_OK;
    }
    if (s->g.hours_day > 0.0f) {
        ts_ev_hours(e, a, TS_HOURS_MEETINGS, s->g.hours_day);
    }
    const uint8_t *dep = (const uint8_t *)w->cols[s->dept_col].data;
    ts_rng r;
    ts_emit_rng(e, &r);
    if (dep[a] == TS_DEPT_NONE || !(ts_rng_uniform(&r) < 0.2)) {
        return TS_OK;
    }
    for (int t = 0; t < TS_SHARED_GOALS_TRIES; t++) {
        uint32_t b = ts_rng_below(&r, w->n);
        if (b != a && w->active[b] && !ts_busy(w)[b] && !ts_is_ai(w)[b] && dep[b] != TS_DEPT_NONE &&
            dep[b] != dep[a]) {
            ts_work_meet_emit(&s->link, w, a, b, TS_SHARED_GOALS_WEIGHT, s->g.goodwill, &r, e);
            break;
        }
    }
    return TS_OK;
}

static ts_status sg_handle(void *state, ts_world *w, const ts_msg *m) {
    (void)state;
    ts_evidence_handle(w, m);
    return TS_OK;
}

/* Saved states: nothing lasts from one day to the next. */
static ts_status sg_state_io(void *state, ts_world *w, ts_state_io *io) {
    (void)state;
    (void)w;
    return ts_sio_status(io);
}

const ts_module ts_module_shared_goals = {
    .name = "shared_goals",
    .sections = shared_goals_sections,
    .n_sections = sizeof shared_goals_sections / sizeof shared_goals_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
    .configure = sg_configure,
    .free = sg_free,
    .act = sg_act,
    .handle = sg_handle,
    .state_io = sg_state_io,
};
