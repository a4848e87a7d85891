#include "ask_for_help.h"

#include "shared.h"

#include "alignment.h"
#include "evidence.h"
#include "work.h"

#include <stddef.h>
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

/* Per agent, written only by its own act (and, for the day's trust gains, by its own
 * apply): whether it asked for help on `day`, and how much its trust in the other side of
 * today's requests rose (domain-averaged) as asker and as helper. */
typedef struct afh_row {
    int32_t day;
    uint8_t asked;
    float gain_asker, gain_helper;
} afh_row;

typedef struct afh_state {
    ts_trust_params tp;
    float threshold; /* tactics.ask_for_help.threshold */
    ts_work_link link;
    afh_row *rows;
    uint32_t n_alloc;
} afh_state;

/* To the asker: about = the helper, domain and flags = success of what it saw the helper
 * do, w = the boost to its task's chance of success. To the helper: about = the asker. */
enum { AFH_MK_HELPED = TS_MK_MODULE_BASE, AFH_MK_HELPER };

static void afh_free(void *state) {
    afh_state *s = state;
    if (s) {
        free(s->rows);
    }
    free(s);
}

static ts_status afh_grow(void *state, const ts_world *w, ts_error *err) {
    afh_state *s = state;
    return ts_rows_grow((void **)&s->rows, sizeof *s->rows, offsetof(afh_row, day), &s->n_alloc,
                        w->n_alloc, err);
}

static ts_status afh_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    /* The shared columns this module reads or writes (models/shared.h). */
    ts_status st = ts_shared_register(w, err);
    if (st != TS_OK) {
        return st;
    }
    afh_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    ts_trust_params_load(sc, &s->tp);
    s->threshold = (float)ts_scenario_real(sc, "tactics.ask_for_help.threshold");
    ts_work_link_load(sc, &s->link);
    st = afh_grow(s, w, err);
    if (st != TS_OK) {
        afh_free(s);
        return st;
    }
    *state = s;
    return TS_OK;
}

float ts_ask_for_help_self_belief(const ts_trust_params *tp, const ts_world *w, uint32_t a,
                                  uint32_t d) {
    size_t k = (size_t)a * w->n_domains + d;
    double sa = (double)tp->prior_a + ts_self_alpha(w)[k];
    double sb = (double)tp->prior_b + ts_self_beta(w)[k];
    return (float)(sa / (sa + sb));
}

/* Is j a teammate a can ask today? */
static int afh_available(const ts_world *w, uint32_t a, uint32_t j) {
    return j != a && w->active[j] && !ts_busy(w)[j] && !ts_is_ai(w)[j];
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
 * helping). Each side applies its part in its own apply. */
static void afh_ask(const afh_state *s, const ts_world *w, uint32_t a, uint32_t h, uint32_t d,
                    ts_rng *r, ts_emit *e) {
    double c_helper = ts_work_success_of(&s->link, w, h, d);
    double p = ts_work_success_of(&s->link, w, a, d);
    int ok = ts_rng_uniform(r) < c_helper;
    ts_emit_send(e, (ts_msg){.to = h, .about = a, .kind = AFH_MK_HELPER});
    ts_emit_send(e, (ts_msg){.to = a,
                             .about = h,
                             .kind = AFH_MK_HELPED,
                             .domain = (uint8_t)d,
                             .flags = (uint8_t)ok,
                             .w = (float)((1.0 - p) * TS_ASK_FOR_HELP_BOOST * c_helper)});
}

static void *afh_act_row(void *state, uint32_t a) {
    afh_state *s = state;
    return &s->rows[a];
}

/* The day after a task starts (the work module publishes it in its settle), an owner
 * whose self-belief in the task's domain is below the threshold asks for help with
 * probability openness x safety. A task view older than the agent's hire is stale (ids
 * are not reused, but a new hire's view starts zeroed) and is skipped, as is anyone on
 * an incident today (busy). The warm-up runs it too: the habit predates day 0. */
static ts_status afh_act(const void *state, const ts_world *w, uint32_t a, void *own, ts_emit *e) {
    if (ts_is_ai(w)[a]) {
        return TS_OK; /* AI agents take no part (models/ai.h) */
    }
    const afh_state *s = state;
    afh_row *row = own;
    row->day = w->day;
    row->asked = 0;
    row->gain_asker = row->gain_helper = 0.0f;
    uint32_t dom = ts_task_domain(w)[a];
    if (ts_busy(w)[a] || dom == TS_NO_TASK || dom >= w->n_domains ||
        ts_task_start(w)[a] != w->day - 1 || ts_task_start(w)[a] < w->hire_day[a]) {
        return TS_OK;
    }
    if (ts_ask_for_help_self_belief(&s->tp, w, a, dom) >= s->threshold) {
        return TS_OK;
    }
    ts_rng r;
    ts_emit_rng(e, &r);
    if (ts_rng_uniform(&r) >= (double)ts_openness(w)[a] * ts_safety(w)[a]) {
        return TS_OK;
    }
    uint32_t h = ts_ask_for_help_helper(&s->tp, w, a, dom);
    if (h == TS_NO_AGENT) {
        return TS_OK;
    }
    afh_ask(s, w, a, h, dom, &r, e);
    row->asked = 1;
    return TS_OK;
}

/* The asker: its task's boost (the shared column task_boost, which work's settle reads
 * after this), the hours, what it saw of the helper, goodwill. The helper: the hours, the
 * asker's candour, goodwill. */
static ts_status afh_handle(void *state, ts_world *w, const ts_msg *m) {
    afh_state *s = state;
    if (ts_evidence_handle(w, m)) {
        return TS_OK;
    }
    /* The receiver's trust in the other side, before and after (the metrics of P19). */
    float before = ts_trust_of_mean(&s->tp, w, m->to, m->about);
    if (m->kind == AFH_MK_HELPED) {
        ts_task_boost(w)[m->to] += m->w;
        ts_ev_hours_now(w, m->to, TS_HOURS_MEETINGS, TS_ASK_FOR_HELP_HOURS_ASKER);
        ts_ev_observe_now(w, m->to, m->about, m->domain, m->flags, TS_ASK_FOR_HELP_OBSERVATION);
        ts_ev_goodwill_now(w, m->to, m->about, TS_ASK_FOR_HELP_GOODWILL_ASKER);
    } else if (m->kind == AFH_MK_HELPER) {
        ts_ev_hours_now(w, m->to, TS_HOURS_MEETINGS, TS_ASK_FOR_HELP_HOURS_HELPER);
        ts_ev_integrity_now(w, m->to, m->about, TS_ASK_FOR_HELP_INTEGRITY, 0.0f, 0.0f);
        ts_ev_goodwill_now(w, m->to, m->about, TS_ASK_FOR_HELP_GOODWILL_HELPER);
    }
    float gain = ts_trust_of_mean(&s->tp, w, m->to, m->about) - before;
    if (m->kind == AFH_MK_HELPED) {
        s->rows[m->to].gain_asker += gain;
    } else if (m->kind == AFH_MK_HELPER) {
        s->rows[m->to].gain_helper += gain;
    }
    return TS_OK;
}

static ts_status afh_measure(const void *state, const ts_world *w, uint32_t a0, uint32_t a1,
                             double *acc) {
    const afh_state *s = state;
    for (uint32_t a = a0; a < a1; a++) {
        if (s->rows[a].day == w->day) {
            acc[0] += s->rows[a].asked;
            acc[1] += s->rows[a].gain_asker;
            acc[2] += s->rows[a].gain_helper;
        }
    }
    return TS_OK;
}

static const ts_metric_decl afh_metrics[] = {
    {"help_requests", "requests/day", "Requests for help made (ask-for-help tactic)."},
    {"help_trust_gain_asker", "trust score/day",
     "Rise of askers' trust (domain-averaged) in their helpers from the day's requests, summed."},
    {"help_trust_gain_helper", "trust score/day",
     "Rise of helpers' trust (domain-averaged) in those who asked them, summed."},
};

static ts_status afh_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    (void)state;
    (void)w;
    v[0] = acc[0];
    v[1] = acc[1];
    v[2] = acc[2];
    return TS_OK;
}

/* Saved states: nothing lasts from one day to the next beyond the scenario's values
 * (configure) and the day's counters. */
static ts_status ask_for_help_state_io(void *state, ts_world *w, ts_state_io *io) {
    (void)state;
    (void)w;
    return ts_sio_status(io);
}

const ts_module ts_module_ask_for_help = {
    .name = "ask_for_help",
    .sections = ask_for_help_sections,
    .n_sections = sizeof ask_for_help_sections / sizeof ask_for_help_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
    .configure = afh_configure,
    .free = afh_free,
    .grow = afh_grow,
    .act = afh_act,
    .act_row = afh_act_row,
    .handle = afh_handle,
    .metrics = afh_metrics,
    .n_metrics = sizeof afh_metrics / sizeof afh_metrics[0],
    .n_acc = 3,
    .measure = afh_measure,
    .day_end = afh_day_end,
    .state_io = ask_for_help_state_io,
};
