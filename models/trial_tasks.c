#include "trial_tasks.h"

#include "shared.h"

#include "evidence.h"

#include <stddef.h>
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

/* Per agent, written only by its own act: on `day`, whether its task was made a trial, and
 * whether a trial of its was watched. */
typedef struct tt_row {
    int32_t day;
    uint8_t started, monitored;
} tt_row;

typedef struct tt_state {
    ts_trust_params tp;
    float uncertainty; /* tactics.trial_tasks.uncertainty */
    tt_row *rows;
    uint32_t n_alloc;
} tt_state;

/* To the owner: its current task is a trial (the shared column task_trial). */
enum { TT_MK_TRIAL = TS_MK_MODULE_BASE };

static void tt_free(void *state) {
    tt_state *s = state;
    if (s) {
        free(s->rows);
    }
    free(s);
}

static ts_status tt_grow(void *state, const ts_world *w, ts_error *err) {
    tt_state *s = state;
    return ts_rows_grow((void **)&s->rows, sizeof *s->rows, offsetof(tt_row, day), &s->n_alloc,
                        w->n_alloc, err);
}

static ts_status tt_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    /* The shared columns this module reads or writes (models/shared.h). */
    ts_status st = ts_shared_register(w, err);
    if (st != TS_OK) {
        return st;
    }
    tt_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    ts_trust_params_load(sc, &s->tp);
    s->uncertainty = (float)ts_scenario_real(sc, "tactics.trial_tasks.uncertainty");
    st = tt_grow(s, w, err);
    if (st != TS_OK) {
        tt_free(s);
        return st;
    }
    *state = s;
    return TS_OK;
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

static void *tt_act_row(void *state, uint32_t a) {
    tt_state *s = state;
    return &s->rows[a];
}

/* For each active agent with an (active) manager: a task that started yesterday (the
 * work module publishes it in its settle) becomes a trial if the manager's sd about the
 * agent in its domain exceeds the threshold (the owner sets task_trial in its apply);
 * every trial under way, including one made today, costs the manager 0.5 h of monitoring
 * today. A task view older than the agent's hire is stale and skipped. The warm-up runs it
 * too: the habit predates day 0. Source: seed 003 ("try people out"). */
static ts_status tt_act(const void *state, const ts_world *w, uint32_t a, void *own, ts_emit *e) {
    if (ts_is_ai(w)[a]) {
        return TS_OK; /* AI agents take no part (models/ai.h) */
    }
    const tt_state *s = state;
    tt_row *row = own;
    *row = (tt_row){.day = w->day};
    uint32_t m = w->manager[a];
    uint32_t dom = ts_task_domain(w)[a];
    if (m == TS_NO_AGENT || !w->active[m] || dom == TS_NO_TASK || dom >= w->n_domains ||
        ts_task_start(w)[a] < w->hire_day[a]) {
        return TS_OK;
    }
    int trial = ts_task_trial(w)[a];
    if (!trial && ts_task_start(w)[a] == w->day - 1 &&
        ts_trial_tasks_sigma(&s->tp, w, m, a, dom) > s->uncertainty) {
        ts_emit_send(e, (ts_msg){.to = a, .kind = TT_MK_TRIAL});
        row->started = 1;
        trial = 1;
    }
    if (trial) {
        ts_ev_hours(e, m, TS_HOURS_MEETINGS, TS_TRIAL_TASKS_HOURS);
        row->monitored = 1;
    }
    return TS_OK;
}

static ts_status tt_handle(void *state, ts_world *w, const ts_msg *m) {
    (void)state;
    if (!ts_evidence_handle(w, m) && m->kind == TT_MK_TRIAL) {
        ts_task_trial(w)[m->to] = 1;
    }
    return TS_OK;
}

static ts_status tt_measure(const void *state, const ts_world *w, uint32_t a0, uint32_t a1,
                            double *acc) {
    const tt_state *s = state;
    for (uint32_t a = a0; a < a1; a++) {
        if (s->rows[a].day == w->day) {
            acc[0] += s->rows[a].started;
            acc[1] += s->rows[a].monitored;
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
    (void)state;
    (void)w;
    v[0] = acc[0];
    v[1] = acc[1];
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
    .grow = tt_grow,
    .act = tt_act,
    .act_row = tt_act_row,
    .handle = tt_handle,
    .metrics = tt_metrics,
    .n_metrics = sizeof tt_metrics / sizeof tt_metrics[0],
    .n_acc = 2,
    .measure = tt_measure,
    .day_end = tt_day_end,
    .state_io = trial_tasks_state_io,
};
