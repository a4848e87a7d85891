#include "ask_for_help.h"

#include "shared.h"

#include "alignment.h"
#include "evidence.h"
#include "work.h"

#include <stdlib.h>

static const ts_param ask_for_help_tactic_params[] = {
    {
        .key = "threshold",
        .type = TS_PT_REAL,
        .def = "0.8",
        .min = 0,
        .max = 1,
        .units = "self-belief",
        .doc = "Self-belief in a domain below which a person considers asking for help.",
    },
};

static const ts_section ask_for_help_tactic_section = {
    .name = "tactics.ask_for_help",
    .optional = 1,
    .params = ask_for_help_tactic_params,
    .n_params = sizeof ask_for_help_tactic_params / sizeof ask_for_help_tactic_params[0],
    .doc = "Asking a trusted teammate for help.",
};

static const ts_section *const ask_for_help_sections[] = {&ask_for_help_tactic_section};

typedef struct afh_state {
    ts_trust_params tp;
    float threshold; /* tactics.ask_for_help.threshold */
    ts_work_link link;
    uint32_t asked; /* requests made today (written in org, read at day_end) */
} afh_state;

static ts_status afh_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    /* The shared columns this module reads or writes (models/shared.h). */
    ts_status shared = ts_shared_register(w, err);
    if (shared != TS_OK) {
        return shared;
    }
    afh_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    ts_trust_params_load(sc, &s->tp);
    s->threshold = (float)ts_scenario_real(sc, "tactics.ask_for_help.threshold");
    ts_work_link_load(sc, &s->link);
    *state = s;
    return TS_OK;
}

static void afh_free(void *state) {
    free(state);
}

float ts_ask_for_help_self_belief(const ts_trust_params *tp, const ts_world *w, uint32_t a,
                                  uint32_t d) {
    size_t k = (size_t)a * w->n_domains + d;
    double sa = (double)tp->prior_a + w->self_alpha[k];
    double sb = (double)tp->prior_b + w->self_beta[k];
    return (float)(sa / (sa + sb));
}

/* Is j a teammate a can ask today? */
static int afh_available(const ts_world *w, uint32_t a, uint32_t j) {
    return j != a && w->active[j] && !ts_busy(w)[j];
}

uint32_t ts_ask_for_help_helper(const ts_trust_params *tp, const ts_world *w, uint32_t a,
                                uint32_t d) {
    uint32_t m = w->manager[a];
    uint32_t first = m == TS_NO_AGENT ? w->first_report[a] : w->first_report[m];
    uint32_t best = TS_NO_AGENT;
    float best_t = -1.0f;
    for (uint32_t j = first; j != TS_NO_AGENT; j = w->next_peer[j]) {
        if (!afh_available(w, a, j)) {
            continue;
        }
        /* The reports list is in hiring order, not id order: break ties by id. */
        float t = ts_trust_of(tp, w, a, j, d);
        if (t > best_t || (t == best_t && j < best)) {
            best = j;
            best_t = t;
        }
    }
    return best;
}

/* One request: the helper spends an hour, the asker half of one; the task's chance of
 * success rises by a share of what is left to gain, in proportion to the helper's skill.
 * The helper sees the asker's candour (honesty) and warms to it; the asker sees the
 * helper at work and warms a little less (seed 004: asking builds more trust than
 * helping). */
static void afh_ask(const afh_state *s, ts_world *w, uint32_t a, uint32_t h, uint32_t d,
                    ts_rng *r) {
    double c_helper = ts_work_success_of(&s->link, w, h, d);
    double p = ts_work_success_of(&s->link, w, a, d);
    ts_task_boost(w)[a] += (float)((1.0 - p) * TS_ASK_FOR_HELP_BOOST * c_helper);
    ts_ev_hours_now(w, h, TS_HOURS_MEETINGS, TS_ASK_FOR_HELP_HOURS_HELPER);
    ts_ev_hours_now(w, a, TS_HOURS_MEETINGS, TS_ASK_FOR_HELP_HOURS_ASKER);
    ts_ev_integrity_now(w, h, a, TS_ASK_FOR_HELP_INTEGRITY, 0.0f, 0.0f);
    ts_ev_goodwill_now(w, h, a, TS_ASK_FOR_HELP_GOODWILL_HELPER);
    int ok = ts_rng_uniform(r) < c_helper;
    ts_ev_observe_now(w, a, h, d, ok, TS_ASK_FOR_HELP_OBSERVATION);
    ts_ev_goodwill_now(w, a, h, TS_ASK_FOR_HELP_GOODWILL_ASKER);
}

/* The day after a task starts (the work module publishes it in its settle), an owner
 * whose self-belief in the task's domain is below the threshold asks for help with
 * probability openness x safety. A task view older than the agent's hire is stale (ids
 * are not reused, but a new hire's view starts zeroed) and is skipped, as is anyone on
 * an incident today (busy). The warm-up runs it too: the habit predates day 0. */
static ts_status afh_org(void *state, ts_world *w, const ts_day *d) {
    afh_state *s = state;
    s->asked = 0;
    for (uint32_t a = 0; a < w->n; a++) {
        uint32_t dom = ts_task_domain(w)[a];
        if (!w->active[a] || ts_busy(w)[a] || dom == TS_NO_TASK || dom >= w->n_domains ||
            ts_task_start(w)[a] != d->day - 1 || ts_task_start(w)[a] < w->hire_day[a]) {
            continue;
        }
        if (ts_ask_for_help_self_belief(&s->tp, w, a, dom) >= s->threshold) {
            continue;
        }
        ts_rng r;
        ts_day_rng(d, a, &r);
        if (ts_rng_uniform(&r) >= (double)w->openness[a] * w->safety[a]) {
            continue;
        }
        uint32_t h = ts_ask_for_help_helper(&s->tp, w, a, dom);
        if (h == TS_NO_AGENT) {
            continue;
        }
        afh_ask(s, w, a, h, dom, &r);
        s->asked++;
    }
    return TS_OK;
}

static const ts_metric_decl afh_metrics[] = {
    {"help_requests", "requests/day", "Requests for help made (ask-for-help tactic)."},
};

static ts_status afh_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    const afh_state *s = state;
    (void)w;
    (void)acc;
    v[0] = s->asked;
    return TS_OK;
}

static const char *const afh_org_after[] = {"incident"};

/* Saved states: nothing lasts from one day to the next beyond the scenario's values
 * (configure) and the day's counters. */
static ts_status ask_for_help_state_io(void *state, ts_world *w, ts_state_io *io) {
    (void)state;
    (void)w;
    return ts_sio_status(io);
}

const ts_module ts_module_ask_for_help = {
    .name = "ask_for_help",
    .org_after = afh_org_after,
    .n_org_after = sizeof afh_org_after / sizeof afh_org_after[0],
    .sections = ask_for_help_sections,
    .n_sections = sizeof ask_for_help_sections / sizeof ask_for_help_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
    .configure = afh_configure,
    .free = afh_free,
    .org = afh_org,
    .metrics = afh_metrics,
    .n_metrics = sizeof afh_metrics / sizeof afh_metrics[0],
    .n_acc = 0,
    .day_end = afh_day_end,
    .state_io = ask_for_help_state_io,
};
