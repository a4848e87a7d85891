#include "trenches.h"

#include "evidence.h"
#include "openness.h"
#include "ways_in.h"
#include "work.h"

static const ts_param trenches_params[] = {
    TS_WAY_IN_PARAMS("0.25", "War-room sessions each person joins in a week.", "4",
                     "Hours the outsider spends in a team's war room per session."),
};

static const ts_section trenches_section = {
    .name = "tactics.trenches",
    .optional = 1,
    .params = trenches_params,
    .n_params = sizeof trenches_params / sizeof trenches_params[0],
    .doc = "Outsiders join other teams' war rooms.",
};

static const ts_section *const trenches_sections[] = {&trenches_section};

/* One session: the outsider a works beside b on b's team's systems (its own domain, as
 * toil is), each sees the other succeed or fail at it with weight TS_TRENCHES_WEIGHT, the
 * team's manager sees the outsider (TS_TRENCHES_MANAGER), both warm, and the team earns
 * trust in outsiders. The outsider's hours are coordination. */
static void session(const ts_way_in *s, const ts_world *w, uint32_t a, uint32_t b, ts_rng *r,
                    ts_emit *e) {
    uint32_t team = ts_openness_team(w, b);
    uint32_t d = ts_way_in_domain(w, b);
    int ok_b = ts_rng_uniform(r) < ts_work_success_of(&s->link, w, b, d);
    int ok_a = ts_rng_uniform(r) < ts_work_success_of(&s->link, w, a, d);
    ts_ev_observe(e, a, b, d, ok_b, TS_TRENCHES_WEIGHT);
    ts_ev_observe(e, b, a, d, ok_a, TS_TRENCHES_WEIGHT);
    if (team != b) {
        ts_ev_observe(e, team, a, d, ok_a, TS_TRENCHES_MANAGER);
    }
    ts_ev_goodwill(e, a, b, TS_TRENCHES_GOODWILL);
    ts_ev_goodwill(e, b, a, TS_TRENCHES_GOODWILL);
    ts_way_in_earn(e, team, TS_TRENCHES_EARN);
    ts_ev_hours(e, a, TS_HOURS_COORDINATION, s->hours);
}

static ts_status tr_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    ts_way_in *s = NULL;
    ts_status st = ts_way_in_configure(sc, w, "tactics.trenches", session, &s, err);
    if (st == TS_OK) {
        *state = s;
    }
    return st;
}

static const ts_metric_decl tr_metrics[] = {
    {"trenches_held", "sessions/day", "War-room sessions joined by outsiders (trenches tactic)."},
};

const ts_module ts_module_trenches = {
    .name = "trenches",
    .sections = trenches_sections,
    .n_sections = sizeof trenches_sections / sizeof trenches_sections[0],
    .configure = tr_configure,
    .free = ts_way_in_free,
    .grow = ts_way_in_grow,
    .act = ts_way_in_act,
    .act_row = ts_way_in_act_row,
    .handle = ts_way_in_handle,
    .metrics = tr_metrics,
    .n_metrics = 1,
    .n_acc = 1,
    .measure = ts_way_in_measure,
    .day_end = ts_way_in_day_end,
    .state_io = ts_way_in_state_io,
};
