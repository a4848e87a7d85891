#include "hated_tasks.h"

#include "evidence.h"
#include "openness.h"
#include "ways_in.h"
#include "work.h"

static const ts_param hated_tasks_params[] = {
    TS_WAY_IN_PARAMS("0.25",
                     "Shares of another team's unwanted work each person takes on in a week.", "4",
                     "Hours of the other team's unwanted work the outsider does per share."),
};

static const ts_section hated_tasks_section = {
    .name = "tactics.hated_tasks",
    .optional = 1,
    .params = hated_tasks_params,
    .n_params = sizeof hated_tasks_params / sizeof hated_tasks_params[0],
    .doc = "Outsiders take on other teams' unwanted work.",
};

static const ts_section *const hated_tasks_sections[] = {&hated_tasks_section};

/* One share: the outsider a does part of b's team's toil (its own domain). b and the
 * team's manager see how it went (TS_HATED_TASKS_WEIGHT) and warm to a; a sees b at work
 * as far as the team shows it (TS_HATED_TASKS_SEEN x openness); the team earns trust in
 * outsiders. The outsider's hours are coordination (they come off its own tasks). */
static void session(const ts_way_in *s, const ts_world *w, uint32_t a, uint32_t b, ts_rng *r,
                    ts_emit *e) {
    uint32_t team = ts_openness_team(w, b);
    uint32_t d = ts_way_in_domain(w, b);
    int ok_a = ts_rng_uniform(r) < ts_work_success_of(&s->link, w, a, d);
    int ok_b = ts_rng_uniform(r) < ts_work_success_of(&s->link, w, b, d);
    float open = ts_openness_of(w, s->open_col, team);
    ts_ev_observe(e, b, a, d, ok_a, TS_HATED_TASKS_WEIGHT);
    ts_ev_goodwill(e, b, a, TS_HATED_TASKS_GOODWILL);
    if (team != b) {
        ts_ev_observe(e, team, a, d, ok_a, TS_HATED_TASKS_WEIGHT);
        ts_ev_goodwill(e, team, a, TS_HATED_TASKS_GOODWILL);
    }
    ts_ev_observe(e, a, b, d, ok_b, TS_HATED_TASKS_SEEN * open);
    ts_way_in_earn(e, team, TS_HATED_TASKS_EARN);
    ts_ev_hours(e, a, TS_HOURS_COORDINATION, s->hours);
}

static ts_status ht_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    ts_way_in *s = NULL;
    ts_status st = ts_way_in_configure(sc, w, "tactics.hated_tasks", session, &s, err);
    if (st == TS_OK) {
        *state = s;
    }
    return st;
}

static const ts_metric_decl ht_metrics[] = {
    {"hated_tasks_taken", "shares/day",
     "Shares of other teams' unwanted work taken on by outsiders (hated-tasks tactic)."},
};

const ts_module ts_module_hated_tasks = {
    .name = "hated_tasks",
    .sections = hated_tasks_sections,
    .n_sections = sizeof hated_tasks_sections / sizeof hated_tasks_sections[0],
    .configure = ht_configure,
    .free = ts_way_in_free,
    .grow = ts_way_in_grow,
    .act = ts_way_in_act,
    .act_row = ts_way_in_act_row,
    .handle = ts_way_in_handle,
    .metrics = ht_metrics,
    .n_metrics = 1,
    .n_acc = 1,
    .measure = ts_way_in_measure,
    .day_end = ts_way_in_day_end,
    .state_io = ts_way_in_state_io,
};
