#include "commiserate.h"

#include "shared.h"

#include "evidence.h"
#include "openness.h"
#include "ways_in.h"
#include "work.h"

static const ts_param commiserate_params[] = {
    TS_WAY_IN_PARAMS("1", "Times each person commiserates with someone of another team in a week.",
                     "0.5", "Hours of one talk, for each side."),
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
static void session(const ts_way_in *s, const ts_world *w, uint32_t a, uint32_t b, ts_rng *r,
                    ts_emit *e) {
    ts_ev_goodwill(e, a, b, TS_COMMISERATE_GOODWILL);
    ts_ev_goodwill(e, b, a, TS_COMMISERATE_GOODWILL);
    ts_way_in_earn(e, ts_openness_team(w, b), TS_COMMISERATE_EARN);
    ts_ev_hours(e, a, TS_HOURS_MEETINGS, s->hours);
    ts_ev_hours(e, b, TS_HOURS_MEETINGS, s->hours);
    if (ts_rng_uniform(r) >= s->extra) {
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
    const uint32_t who[2] = {c, ts_is_ai(w)[m] ? c : m}; /* people only (models/ai.h) */
    for (int k = 0; k < 2; k++) {
        if (who[k] != a && who[k] != b) {
            ts_ev_goodwill(e, a, who[k], TS_COMMISERATE_THIRD);
            ts_ev_goodwill(e, b, who[k], TS_COMMISERATE_THIRD);
        }
    }
}

static ts_status cm_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    ts_way_in *s = NULL;
    ts_status st = ts_way_in_configure(sc, w, "tactics.commiserate", session, &s, err);
    if (st == TS_OK) {
        s->extra = (float)ts_scenario_real(sc, "tactics.commiserate.risk");
        *state = s;
    }
    return st;
}

static const ts_metric_decl cm_metrics[] = {
    {"commiserations", "talks/day",
     "Talks commiserating with someone of another team (commiserate tactic)."},
};

const ts_module ts_module_commiserate = {
    .name = "commiserate",
    .sections = commiserate_sections,
    .n_sections = sizeof commiserate_sections / sizeof commiserate_sections[0],
    .configure = cm_configure,
    .free = ts_way_in_free,
    .grow = ts_way_in_grow,
    .act = ts_way_in_act,
    .act_row = ts_way_in_act_row,
    .handle = ts_way_in_handle,
    .metrics = cm_metrics,
    .n_metrics = 1,
    .n_acc = 1,
    .measure = ts_way_in_measure,
    .day_end = ts_way_in_day_end,
    .state_io = ts_way_in_state_io,
};
