#include "trial_tasks.h"

#include "shared.h"

#include "evidence.h"

#include <stdlib.h>
#include <string.h>

static const ts_param trial_tasks_tactic_params[] = {
    {
        .key = "uncertainty",
        .type = TS_PT_REAL,
        .def = "0.15",
        .min = 0,
        .max = 1,
        .units = "belief sd",
        .doc = "Standard deviation of a manager's competence belief above which the report's next "
               "task in that domain is a trial.",
    },
};

static const ts_section trial_tasks_tactic_section = {
    .name = "tactics.trial_tasks",
    .optional = 1,
    .params = trial_tasks_tactic_params,
    .n_params = sizeof trial_tasks_tactic_params / sizeof trial_tasks_tactic_params[0],
    .doc = "Trying people out on monitored tasks.",
};

static const ts_section *const trial_tasks_sections[] = {&trial_tasks_tactic_section};

typedef struct tt_state {
    ts_trust_params tp;
    float uncertainty;  /* tactics.trial_tasks.uncertainty */
    uint32_t started;   /* tasks made trials today (written in org, read at day_end) */
    uint32_t monitored; /* trials under way that a manager watched today */
} tt_state;

static ts_status tt_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    /* The shared columns this module reads or writes (models/shared.h). */
    ts_status shared = ts_shared_register(w, err);
    if (shared != TS_OK) {
        return shared;
    }
    tt_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    ts_trust_params_load(sc, &s->tp);
    s->uncertainty = (float)ts_scenario_real(sc, "tactics.trial_tasks.uncertainty");
    *state = s;
    return TS_OK;
}

static void tt_free(void *state) {
    free(state);
}

float ts_trial_tasks_sigma(const ts_trust_params *tp, const ts_world *w, uint32_t m, uint32_t a,
                           uint32_t d) {
    ts_belief b;
    memset(&b, 0, sizeof b);
    int slot = ts_relstore_find(&w->models, m, a);
    if (slot >= 0) {
        ts_relstore_read(&w->models, m, (uint32_t)slot, w->day, &b);
    }
    float mu, sigma;
    ts_trust_competence(tp, &b, d, &mu, &sigma);
    return sigma;
}

/* For each active agent with an (active) manager: a task that started yesterday (the
 * work module publishes it in its settle) becomes a trial if the manager's sd about the
 * agent in its domain exceeds the threshold; every trial under way, including one made
 * today, costs the manager 0.5 h of monitoring today. A task view older than the
 * agent's hire is stale and skipped. The warm-up runs it too: the habit predates day 0.
 * Source: seed 003 ("try people out"). */
static ts_status tt_org(void *state, ts_world *w, const ts_day *d) {
    tt_state *s = state;
    s->started = s->monitored = 0;
    for (uint32_t a = 0; a < w->n; a++) {
        uint32_t m = w->manager[a];
        uint32_t dom = ts_task_domain(w)[a];
        if (!w->active[a] || m == TS_NO_AGENT || !w->active[m] || dom == TS_NO_TASK ||
            dom >= w->n_domains || ts_task_start(w)[a] < w->hire_day[a]) {
            continue;
        }
        if (!ts_task_trial(w)[a] && ts_task_start(w)[a] == d->day - 1 &&
            ts_trial_tasks_sigma(&s->tp, w, m, a, dom) > s->uncertainty) {
            ts_task_trial(w)[a] = 1;
            s->started++;
        }
        if (ts_task_trial(w)[a]) {
            ts_ev_hours_now(w, m, TS_HOURS_MEETINGS, TS_TRIAL_TASKS_HOURS);
            s->monitored++;
        }
    }
    return TS_OK;
}

static const ts_metric_decl tt_metrics[] = {
    {"trial_tasks_started", "tasks/day",
     "Tasks made trials by the owner's manager (trial-tasks "
     "tactic)."},
    {"trial_tasks_active", "tasks", "Trial tasks under way that a manager monitored that day."},
};

static ts_status tt_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    const tt_state *s = state;
    (void)w;
    (void)acc;
    v[0] = s->started;
    v[1] = s->monitored;
    return TS_OK;
}

/* Saved states: nothing lasts from one day to the next beyond the scenario's values
 * (configure) and the day's counters. */
static ts_status trial_tasks_state_io(void *state, ts_world *w, ts_state_io *io) {
    (void)state;
    (void)w;
    return ts_sio_status(io);
}

const ts_module ts_module_trial_tasks = {
    .name = "trial_tasks",
    .sections = trial_tasks_sections,
    .n_sections = sizeof trial_tasks_sections / sizeof trial_tasks_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
    .configure = tt_configure,
    .free = tt_free,
    .org = tt_org,
    .metrics = tt_metrics,
    .n_metrics = sizeof tt_metrics / sizeof tt_metrics[0],
    .n_acc = 0,
    .day_end = tt_day_end,
    .state_io = trial_tasks_state_io,
};
