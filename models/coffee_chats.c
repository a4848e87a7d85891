#include "coffee_chats.h"

#include "shared.h"

#include "evidence.h"
#include "work.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

static const ts_param coffee_chats_tactic_params[] = {
    {
        .key = "per_week",
        .type = TS_PT_REAL,
        .def = "1",
        .min = 0,
        .max = 35,
        .units = "chats per week",
        .doc = "Chats each person starts in a week (it also joins the chats others start).",
    },
};

static const ts_section coffee_chats_tactic_section = {
    .name = "tactics.coffee_chats",
    .optional = 1,
    .params = coffee_chats_tactic_params,
    .n_params = sizeof coffee_chats_tactic_params / sizeof coffee_chats_tactic_params[0],
    .doc = "Informal chats across teams.",
};

static const ts_section *const coffee_chats_sections[] = {&coffee_chats_tactic_section};

/* Per agent, written only by its own act: the chats it started on `day`. */
typedef struct cc_row {
    int32_t day;
    uint32_t started;
} cc_row;

typedef struct cc_state {
    double per_day; /* chats a person starts per working day: per_week / 5 */
    ts_work_link link;
    cc_row *rows;
    uint32_t n_alloc;
} cc_state;

static void cc_free(void *state) {
    cc_state *s = state;
    if (s) {
        free(s->rows);
    }
    free(s);
}

static ts_status cc_grow(void *state, const ts_world *w, ts_error *err) {
    cc_state *s = state;
    return ts_rows_grow((void **)&s->rows, sizeof *s->rows, offsetof(cc_row, day), &s->n_alloc,
                        w->n_alloc, err);
}

static ts_status cc_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    /* The shared columns this module reads (models/shared.h). */
    ts_status st = ts_shared_register(w, err);
    if (st != TS_OK) {
        return st;
    }
    cc_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    s->per_day = ts_scenario_real(sc, "tactics.coffee_chats.per_week") / 5.0;
    ts_work_link_load(sc, &s->link);
    st = cc_grow(s, w, err);
    if (st != TS_OK) {
        cc_free(s);
        return st;
    }
    *state = s;
    return TS_OK;
}

int ts_coffee_chats_eligible(const ts_world *w, uint32_t a, uint32_t b) {
    if (a == b || a >= w->n || b >= w->n) {
        return 0;
    }
    if (!w->active[a] || !w->active[b] || ts_busy(w)[a] || ts_busy(w)[b] || ts_is_ai(w)[a] ||
        ts_is_ai(w)[b]) {
        return 0; /* AI agents have no coffee chats (models/ai.h) */
    }
    return w->manager[a] != w->manager[b] && w->manager[a] != b && w->manager[b] != a;
}

/* Each active, available person starts floor(p) chats today and one more with
 * probability frac(p), p = per_week / 5 (one a week at the default). The partner is drawn
 * uniformly among everyone by rejection: a few draws of an id until one is eligible (in
 * another team, not its manager or report, available); a person who finds nobody in
 * TS_COFFEE_CHATS_TRIES draws skips that chat. A chat is a meeting (ts_work_meet_emit)
 * with a little goodwill, and both spend the time: messages to both, applied by each in
 * its own apply. The warm-up runs it too: the habit predates day 0. Source: seed 003's
 * comments (informal contact). */
static void *cc_act_row(void *state, uint32_t a) {
    cc_state *s = state;
    return &s->rows[a];
}

static ts_status cc_act(const void *state, const ts_world *w, uint32_t a, void *own, ts_emit *e) {
    if (ts_is_ai(w)[a]) {
        return TS_OK; /* AI agents take no part (models/ai.h) */
    }
    const cc_state *s = state;
    cc_row *row = own;
    row->day = w->day;
    row->started = 0;
    if (ts_busy(w)[a]) {
        return TS_OK;
    }
    ts_rng r;
    ts_emit_rng(e, &r);
    uint32_t chats = ts_rng_count(&r, s->per_day);
    for (uint32_t c = 0; c < chats; c++) {
        for (int t = 0; t < TS_COFFEE_CHATS_TRIES; t++) {
            uint32_t b = ts_rng_below(&r, w->n);
            if (ts_coffee_chats_eligible(w, a, b)) {
                ts_work_meet_emit(&s->link, w, a, b, TS_COFFEE_CHATS_WEIGHT,
                                  TS_COFFEE_CHATS_GOODWILL, &r, e);
                ts_ev_hours(e, a, TS_HOURS_MEETINGS, TS_COFFEE_CHATS_HOURS);
                ts_ev_hours(e, b, TS_HOURS_MEETINGS, TS_COFFEE_CHATS_HOURS);
                row->started++;
                break;
            }
        }
    }
    return TS_OK;
}

static ts_status cc_handle(void *state, ts_world *w, const ts_msg *m) {
    (void)state;
    ts_evidence_handle(w, m);
    return TS_OK;
}

static ts_status cc_measure(const void *state, const ts_world *w, uint32_t a0, uint32_t a1,
                            double *acc) {
    const cc_state *s = state;
    for (uint32_t a = a0; a < a1; a++) {
        if (w->active[a] && s->rows[a].day == w->day) {
            acc[0] += s->rows[a].started;
        }
    }
    return TS_OK;
}

static const ts_metric_decl cc_metrics[] = {
    {"coffee_chats_held", "chats/day", "Coffee chats held (coffee-chats tactic)."},
};

static ts_status cc_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    (void)state;
    (void)w;
    v[0] = acc[0];
    return TS_OK;
}

/* Saved states: each agent's act row (its day and chats started). */
static ts_status coffee_chats_state_io(void *state, ts_world *w, ts_state_io *io) {
    cc_state *s = state;
    ts_sio_array(io, "rows", s->rows, sizeof *s->rows, w->n);
    return ts_sio_status(io);
}

const ts_module ts_module_coffee_chats = {
    .name = "coffee_chats",
    .sections = coffee_chats_sections,
    .n_sections = sizeof coffee_chats_sections / sizeof coffee_chats_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
    .configure = cc_configure,
    .free = cc_free,
    .grow = cc_grow,
    .act = cc_act,
    .act_row = cc_act_row,
    .handle = cc_handle,
    .metrics = cc_metrics,
    .n_metrics = sizeof cc_metrics / sizeof cc_metrics[0],
    .n_acc = 1,
    .measure = cc_measure,
    .day_end = cc_day_end,
    .state_io = coffee_chats_state_io,
};
