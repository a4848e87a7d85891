#include "overview_listening.h"

#include "evidence.h"
#include "openness.h"
#include "ways_in.h"
#include "work.h"

static const ts_param overview_listening_params[] = {
    TS_WAY_IN_PARAMS("0.5", "Overviews each person asks for in a week.", "1",
                     "Hours of an overview, for each side."),
};

static const ts_section overview_listening_section = {
    .name = "tactics.overview_listening",
    .optional = 1,
    .params = overview_listening_params,
    .n_params = sizeof overview_listening_params / sizeof overview_listening_params[0],
    .doc = "Asking other teams for an overview and listening.",
};

static const ts_section *const overview_listening_sections[] = {&overview_listening_section};

/* One overview: a sees b at work in b's team's domain (TS_OVERVIEW_LISTENING_WEIGHT x
 * openness), b warms to its listener, a a little to b, the team earns trust in outsiders;
 * an hour of meetings each. */
static void session(const ts_way_in *s, const ts_world *w, uint32_t a, uint32_t b, ts_rng *r,
                    ts_emit *e) {
    uint32_t team = ts_openness_team(w, b);
    uint32_t d = ts_way_in_domain(w, b);
    int ok_b = ts_rng_uniform(r) < ts_work_success_of(&s->link, w, b, d);
    float open = ts_openness_of(w, s->open_col, team);
    ts_ev_observe(e, a, b, d, ok_b, TS_OVERVIEW_LISTENING_WEIGHT * open);
    ts_ev_goodwill(e, b, a, TS_OVERVIEW_LISTENING_GOODWILL);
    ts_ev_goodwill(e, a, b, TS_OVERVIEW_LISTENING_LISTENER);
    ts_way_in_earn(e, team, TS_OVERVIEW_LISTENING_EARN);
    ts_ev_hours(e, a, TS_HOURS_MEETINGS, s->hours);
    ts_ev_hours(e, b, TS_HOURS_MEETINGS, s->hours);
}

static ts_status ol_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    ts_way_in *s = NULL;
    ts_status st = ts_way_in_configure(sc, w, "tactics.overview_listening", session, &s, err);
    if (st == TS_OK) {
        *state = s;
    }
    return st;
}

static const ts_metric_decl ol_metrics[] = {
    {"overviews_held", "overviews/day",
     "Overviews asked for and listened to (overview-listening tactic)."},
};

const ts_module ts_module_overview_listening = {
    .name = "overview_listening",
    .sections = overview_listening_sections,
    .n_sections = sizeof overview_listening_sections / sizeof overview_listening_sections[0],
    .configure = ol_configure,
    .free = ts_way_in_free,
    .grow = ts_way_in_grow,
    .act = ts_way_in_act,
    .act_row = ts_way_in_act_row,
    .handle = ts_way_in_handle,
    .metrics = ol_metrics,
    .n_metrics = 1,
    .n_acc = 1,
    .measure = ts_way_in_measure,
    .day_end = ts_way_in_day_end,
    .state_io = ts_way_in_state_io,
};
