#include "broadcast.h"

#include "shared.h"

#include "evidence.h"

#include <stdlib.h>

static const ts_param broadcast_tactic_params[] = {
    {
        .key = "every",
        .type = TS_PT_INT,
        .def = "14",
        .min = 1,
        .max = 365,
        .units = "days",
        .doc = "Days between two broadcasts.",
    },
    {
        .key = "attendance",
        .type = TS_PT_REAL,
        .def = "0.8",
        .min = 0,
        .max = 1,
        .units = "probability",
        .doc = "Chance that a person attends a given broadcast.",
    },
};

static const ts_section broadcast_tactic_section = {
    .name = "tactics.broadcast",
    .optional = 1,
    .params = broadcast_tactic_params,
    .n_params = sizeof broadcast_tactic_params / sizeof broadcast_tactic_params[0],
    .doc = "Regular all-hands updates from the CEO.",
};

static const ts_section *const broadcast_sections[] = {&broadcast_tactic_section};

typedef struct broadcast_state {
    int32_t every;
    float attendance;
    /* Per agent: the last day it attended (written by its own apply), for the metric. */
    int32_t *attended;
    uint32_t n_alloc;
} broadcast_state;

/* The module's own message: the receiver attended today's broadcast. */
enum { BROADCAST_MK_ATTEND = TS_MK_MODULE_BASE };

static void broadcast_free(void *state) {
    broadcast_state *s = state;
    if (s) {
        free(s->attended);
    }
    free(s);
}

static ts_status broadcast_grow(void *state, const ts_world *w, ts_error *err) {
    broadcast_state *s = state;
    if (w->n_alloc <= s->n_alloc) {
        return TS_OK;
    }
    if (!ts_world_grow_array((void **)&s->attended, sizeof *s->attended, s->n_alloc, w->n_alloc)) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    for (uint32_t a = s->n_alloc; a < w->n_alloc; a++) {
        s->attended[a] = INT32_MIN;
    }
    s->n_alloc = w->n_alloc;
    return TS_OK;
}

static ts_status broadcast_configure(const ts_scenario *sc, ts_world *w, void **state,
                                     ts_error *err) {
    /* The shared columns this module reads (models/shared.h). */
    ts_status st = ts_shared_register(w, err);
    if (st != TS_OK) {
        return st;
    }
    broadcast_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    s->every = (int32_t)ts_scenario_int(sc, "tactics.broadcast.every");
    s->attendance = (float)ts_scenario_real(sc, "tactics.broadcast.attendance");
    st = broadcast_grow(s, w, err);
    if (st != TS_OK) {
        broadcast_free(s);
        return st;
    }
    *state = s;
    return TS_OK;
}

/* Act, for each person: on a broadcast day, with the CEO present (not busy on an
 * incident), the CEO charges its preparation and each other person who is not busy decides
 * on its own stream whether to come, so attendance does not depend on who else was hired.
 * An attendee sends itself the effects, applied in its own apply: the smaller alignment
 * error, the observation of the CEO, the hour. */
static ts_status broadcast_act(const void *state, const ts_world *w, uint32_t a, void *row,
                               ts_emit *e) {
    if (ts_is_ai(w)[a]) {
        return TS_OK; /* AI agents take no part (models/ai.h) */
    }
    (void)row;
    const broadcast_state *s = state;
    uint32_t ceo = w->root;
    if (w->day % s->every != 0 || ceo == TS_NO_AGENT || !w->active[ceo] || ts_busy(w)[ceo]) {
        return TS_OK;
    }
    if (a == ceo) {
        ts_ev_hours(e, ceo, TS_HOURS_MEETINGS, TS_BROADCAST_HOURS_CEO);
        return TS_OK;
    }
    if (ts_busy(w)[a]) {
        return TS_OK;
    }
    ts_rng r;
    ts_emit_rng(e, &r);
    if (ts_rng_uniform(&r) >= s->attendance) {
        return TS_OK;
    }
    uint32_t D = w->n_domains;
    uint32_t dom = ts_rng_below(&r, D);
    int ok = ts_rng_uniform(&r) < ts_competence(w)[(size_t)ceo * D + dom];
    ts_emit_send(e, (ts_msg){.to = a, .kind = BROADCAST_MK_ATTEND});
    ts_ev_observe(e, a, ceo, dom, ok, TS_BROADCAST_OBSERVATION);
    ts_ev_hours(e, a, TS_HOURS_MEETINGS, TS_BROADCAST_HOURS);
    return TS_OK;
}

static ts_status broadcast_handle(void *state, ts_world *w, const ts_msg *m) {
    broadcast_state *s = state;
    if (ts_evidence_handle(w, m)) {
        return TS_OK;
    }
    if (m->kind == BROADCAST_MK_ATTEND) {
        ts_alignment(w)[m->to] *= TS_BROADCAST_ALIGNMENT_KEEP;
        s->attended[m->to] = w->day;
    }
    return TS_OK;
}

static ts_status broadcast_measure(const void *state, const ts_world *w, uint32_t a0, uint32_t a1,
                                   double *acc) {
    const broadcast_state *s = state;
    for (uint32_t a = a0; a < a1; a++) {
        acc[0] += w->active[a] && s->attended[a] == w->day;
    }
    return TS_OK;
}

static const ts_metric_decl broadcast_metrics[] = {
    {"broadcast_attendees", "people/day",
     "People who attended the CEO's broadcast that day (0 on days without one)."},
};

static ts_status broadcast_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    (void)state;
    (void)w;
    v[0] = acc[0];
    return TS_OK;
}

/* Saved states: the day each agent last attended. */
static ts_status broadcast_state_io(void *state, ts_world *w, ts_state_io *io) {
    broadcast_state *s = state;
    ts_sio_typed(io, "attended", TS_SIO_I32, s->attended, w->n);
    return ts_sio_status(io);
}

const ts_module ts_module_broadcast = {
    .name = "broadcast",
    .sections = broadcast_sections,
    .n_sections = sizeof broadcast_sections / sizeof broadcast_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
    .configure = broadcast_configure,
    .free = broadcast_free,
    .grow = broadcast_grow,
    .act = broadcast_act,
    .handle = broadcast_handle,
    .metrics = broadcast_metrics,
    .n_metrics = sizeof broadcast_metrics / sizeof broadcast_metrics[0],
    .n_acc = 1,
    .measure = broadcast_measure,
    .day_end = broadcast_day_end,
    .state_io = broadcast_state_io,
};
