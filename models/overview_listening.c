#include "overview_listening.h"

#include "shared.h"

#include "evidence.h"
#include "openness.h"
#include "work.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

static const ts_param overview_listening_params[] = {
    {
        .key = "per_week",
        .type = TS_PT_REAL,
        .def = "0.5",
        .min = 0,
        .max = 35,
        .units = "per person per week",
        .doc = "Overviews each person asks for in a week.",
    },
    {
        .key = "hours",
        .type = TS_PT_REAL,
        .def = "1",
        .min = 0,
        .max = 24,
        .units = "hours",
        .doc = "Hours of an overview, for each side.",
    },
};

static const ts_section overview_listening_section = {
    .name = "tactics.overview_listening",
    .optional = 1,
    .params = overview_listening_params,
    .n_params = sizeof overview_listening_params / sizeof overview_listening_params[0],
    .doc = "Asking other teams for an overview and listening.",
};

static const ts_section *const overview_listening_sections[] = {&overview_listening_section};

/* Per agent, written only by its own act: the sessions it started on `day`. */
typedef struct way_row {
    int32_t day;
    uint32_t held;
} way_row;

typedef struct way_state {
    double per_day; /* sessions a person starts per working day: per_week / 5 */
    float hours;
    ts_work_link link;
    ts_openness_cols cols;
    int open_col; /* the team_openness column (read in act) */
    way_row *rows;
    uint32_t n_alloc;
} way_state;

/* To a team's manager: w = strength of a proof that outsiders are safe. */
enum { WAY_MK_EARN = TS_MK_MODULE_BASE };

static void way_earn(ts_emit *e, uint32_t team, float g) {
    ts_emit_send(e, (ts_msg){.to = team, .about = team, .kind = WAY_MK_EARN, .w = g});
}

static void way_free(void *state) {
    way_state *s = state;
    if (s) {
        free(s->rows);
    }
    free(s);
}

static ts_status way_grow(void *state, const ts_world *w, ts_error *err) {
    way_state *s = state;
    return ts_rows_grow((void **)&s->rows, sizeof *s->rows, offsetof(way_row, day), &s->n_alloc,
                        w->n_alloc, err);
}

static ts_status way_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    /* The shared columns (models/shared.h) and openness's (models/openness.h). */
    ts_status st = ts_shared_register(w, err);
    if (st != TS_OK) {
        return st;
    }
    way_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    st = ts_openness_register(w, &s->cols, err);
    if (st != TS_OK) {
        free(s);
        return st;
    }
    s->open_col = (int)s->cols.open;
    s->per_day = ts_scenario_real(sc, "tactics.overview_listening.per_week") / 5.0;
    s->hours = (float)ts_scenario_real(sc, "tactics.overview_listening.hours");
    ts_work_link_load(sc, &s->link);
    st = way_grow(s, w, err);
    if (st != TS_OK) {
        way_free(s);
        return st;
    }
    *state = s;
    return TS_OK;
}

/* One overview: a sees b at work in b's team's domain (TS_OVERVIEW_LISTENING_WEIGHT x
 * openness), b warms to its listener, a a little to b, the team earns trust in outsiders;
 * an hour of meetings each. */
static void session(const way_state *s, const ts_world *w, uint32_t a, uint32_t b, ts_rng *r,
                    ts_emit *e) {
    uint32_t team = ts_openness_team(w, b);
    uint32_t d = team % w->n_domains;
    int ok_b = ts_rng_uniform(r) < ts_work_success_of(&s->link, w, b, d);
    float open = ts_openness_of(w, s->open_col, team);
    ts_ev_observe(e, a, b, d, ok_b, TS_OVERVIEW_LISTENING_WEIGHT * open);
    ts_ev_goodwill(e, b, a, TS_OVERVIEW_LISTENING_GOODWILL);
    ts_ev_goodwill(e, a, b, TS_OVERVIEW_LISTENING_LISTENER);
    way_earn(e, team, TS_OVERVIEW_LISTENING_EARN);
    ts_ev_hours(e, a, TS_HOURS_MEETINGS, s->hours);
    ts_ev_hours(e, b, TS_HOURS_MEETINGS, s->hours);
}

static void *way_act_row(void *state, uint32_t a) {
    way_state *s = state;
    return &s->rows[a];
}

/* Each active, available person starts floor(p) sessions today and one more with
 * probability frac(p), p = per_week / 5; the other side is drawn uniformly among everyone
 * by rejection (ts_openness_draw_insider: another team, not its manager or report,
 * available), a session skipped when nobody is found in TS_OVERVIEW_LISTENING_TRIES draws. The
 * warm-up runs it too: the habit predates day 0. */
static ts_status way_act(const void *state, const ts_world *w, uint32_t a, void *own, ts_emit *e) {
    const way_state *s = state;
    way_row *row = own;
    row->day = w->day;
    row->held = 0;
    if (ts_busy(w)[a]) {
        return TS_OK;
    }
    double whole = floor(s->per_day);
    double frac = s->per_day - whole;
    ts_rng r;
    ts_emit_rng(e, &r);
    uint32_t n = (uint32_t)whole + (ts_rng_uniform(&r) < frac);
    for (uint32_t c = 0; c < n; c++) {
        uint32_t b = ts_openness_draw_insider(w, a, TS_OVERVIEW_LISTENING_TRIES, &r);
        if (b != TS_NO_AGENT) {
            session(s, w, a, b, &r, e);
            row->held++;
        }
    }
    return TS_OK;
}

/* Evidence, goodwill and hours as usual; a proof of safety adds to the team manager's
 * entry of the daily openness_earned column, which openness's settle takes in. */
static ts_status way_handle(void *state, ts_world *w, const ts_msg *m) {
    way_state *s = state;
    if (ts_evidence_handle(w, m)) {
        return TS_OK;
    }
    if (m->kind == WAY_MK_EARN) {
        ((float *)w->cols[s->cols.earned].data)[m->to] += m->w;
    }
    return TS_OK;
}

static ts_status way_measure(const void *state, const ts_world *w, uint32_t a0, uint32_t a1,
                             double *acc) {
    const way_state *s = state;
    for (uint32_t a = a0; a < a1; a++) {
        if (w->active[a] && s->rows[a].day == w->day) {
            acc[0] += s->rows[a].held;
        }
    }
    return TS_OK;
}

static const ts_metric_decl way_metrics[] = {
    {"overviews_held", "overviews/day",
     "Overviews asked for and listened to (overview-listening tactic)."},
};

static ts_status way_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    (void)state;
    (void)w;
    v[0] = acc[0];
    return TS_OK;
}

/* Saved states: each agent's act row (its day and sessions started). */
static ts_status way_state_io(void *state, ts_world *w, ts_state_io *io) {
    way_state *s = state;
    ts_sio_array(io, "rows", s->rows, sizeof *s->rows, w->n);
    return ts_sio_status(io);
}

const ts_module ts_module_overview_listening = {
    .name = "overview_listening",
    .sections = overview_listening_sections,
    .n_sections = sizeof overview_listening_sections / sizeof overview_listening_sections[0],
    .configure = way_configure,
    .free = way_free,
    .grow = way_grow,
    .act = way_act,
    .act_row = way_act_row,
    .handle = way_handle,
    .metrics = way_metrics,
    .n_metrics = sizeof way_metrics / sizeof way_metrics[0],
    .n_acc = 1,
    .measure = way_measure,
    .day_end = way_day_end,
    .state_io = way_state_io,
};
