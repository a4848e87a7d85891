#include "commiserate.h"

#include "shared.h"

#include "evidence.h"
#include "openness.h"
#include "work.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

static const ts_param commiserate_params[] = {
    {
        .key = "per_week",
        .type = TS_PT_REAL,
        .def = "1",
        .min = 0,
        .max = 35,
        .units = "per person per week",
        .doc = "Times each person commiserates with someone of another team in a week.",
    },
    {
        .key = "hours",
        .type = TS_PT_REAL,
        .def = "0.5",
        .min = 0,
        .max = 24,
        .units = "hours",
        .doc = "Hours of one talk, for each side.",
    },
    {
        .key = "risk",
        .type = TS_PT_REAL,
        .def = "0.3",
        .min = 0,
        .max = 1,
        .units = "probability",
        .doc = "Chance that a talk turns against a third team, whose manager and one member both "
               "sides then think less of.",
    },
};

static const ts_section commiserate_section = {
    .name = "tactics.commiserate",
    .optional = 1,
    .params = commiserate_params,
    .n_params = sizeof commiserate_params / sizeof commiserate_params[0],
    .doc = "Commiserating with other teams.",
};

static const ts_section *const commiserate_sections[] = {&commiserate_section};

/* Per agent, written only by its own act: the sessions it started on `day`. */
typedef struct way_row {
    int32_t day;
    uint32_t held;
} way_row;

typedef struct way_state {
    double per_day; /* sessions a person starts per working day: per_week / 5 */
    float hours;
    float risk; /* tactics.commiserate.risk */
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
    s->per_day = ts_scenario_real(sc, "tactics.commiserate.per_week") / 5.0;
    s->hours = (float)ts_scenario_real(sc, "tactics.commiserate.hours");
    s->risk = (float)ts_scenario_real(sc, "tactics.commiserate.risk");
    ts_work_link_load(sc, &s->link);
    st = way_grow(s, w, err);
    if (st != TS_OK) {
        way_free(s);
        return st;
    }
    *state = s;
    return TS_OK;
}

/* The third team of a talk that turns sour: a team (a manager with reports) other than
 * a's and b's, found in up to 8 draws of an id (its manager's team), or TS_NO_AGENT. */
uint32_t ts_commiserate_third(const ts_world *w, uint32_t a, uint32_t b, ts_rng *r) {
    uint32_t ta = ts_openness_team(w, a), tb = ts_openness_team(w, b);
    for (int t = 0; t < 8; t++) {
        uint32_t c = ts_openness_team(w, ts_rng_below(r, w->n));
        if (c != ta && c != tb && w->active[c] && w->n_reports[c] > 0) {
            return c;
        }
    }
    return TS_NO_AGENT;
}

/* One talk: goodwill both ways, the team earns a little trust in outsiders, half an hour
 * each; with probability risk both think less of a third team's manager and of one of its
 * members drawn at random. */
static void session(const way_state *s, const ts_world *w, uint32_t a, uint32_t b, ts_rng *r,
                    ts_emit *e) {
    ts_ev_goodwill(e, a, b, TS_COMMISERATE_GOODWILL);
    ts_ev_goodwill(e, b, a, TS_COMMISERATE_GOODWILL);
    way_earn(e, ts_openness_team(w, b), TS_COMMISERATE_EARN);
    ts_ev_hours(e, a, TS_HOURS_MEETINGS, s->hours);
    ts_ev_hours(e, b, TS_HOURS_MEETINGS, s->hours);
    if (ts_rng_uniform(r) >= s->risk) {
        return;
    }
    uint32_t c = ts_commiserate_third(w, a, b, r);
    if (c == TS_NO_AGENT) {
        return;
    }
    uint32_t pick = ts_rng_below(r, w->n_reports[c]);
    uint32_t m = w->first_report[c];
    for (; pick > 0 && w->next_peer[m] != TS_NO_AGENT; pick--) {
        m = w->next_peer[m];
    }
    const uint32_t who[2] = {c, m};
    for (int k = 0; k < 2; k++) {
        if (who[k] != a && who[k] != b) {
            ts_ev_goodwill(e, a, who[k], TS_COMMISERATE_THIRD);
            ts_ev_goodwill(e, b, who[k], TS_COMMISERATE_THIRD);
        }
    }
}

static void *way_act_row(void *state, uint32_t a) {
    way_state *s = state;
    return &s->rows[a];
}

/* Each active, available person starts floor(p) sessions today and one more with
 * probability frac(p), p = per_week / 5; the other side is drawn uniformly among everyone
 * by rejection (ts_openness_draw_insider: another team, not its manager or report,
 * available), a session skipped when nobody is found in TS_COMMISERATE_TRIES draws. The
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
        uint32_t b = ts_openness_draw_insider(w, a, TS_COMMISERATE_TRIES, &r);
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
    {"commiserations", "talks/day",
     "Talks commiserating with someone of another team (commiserate tactic)."},
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

const ts_module ts_module_commiserate = {
    .name = "commiserate",
    .sections = commiserate_sections,
    .n_sections = sizeof commiserate_sections / sizeof commiserate_sections[0],
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
