#include "accountability.h"

#include "evidence.h"
#include "shared.h"
#include "trust.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

static const ts_param accountability_params[] = {
    {
        .key = "peer_probability",
        .type = TS_PT_REAL,
        .def = "0.5",
        .min = 0,
        .max = 1,
        .units = "probability",
        .doc = "Chance that a teammate who sees a peer fail calls it out, at full safety and full "
               "trust in that peer (times its safety and its trust); 0: only managers correct.",
    },
    {
        .key = "manager_delay",
        .type = TS_PT_INT,
        .def = "3",
        .min = 2,
        .max = 365,
        .units = "days",
        .doc = "Days after seeing a report fail that a manager corrects it, unless a peer called "
               "it out first.",
    },
    {
        .key = "effort",
        .type = TS_PT_REAL,
        .def = "0.05",
        .min = 0,
        .max = 1,
        .units = "probability",
        .doc = "Chance of success a call-out taken well (or a manager's correction) adds to the "
               "current task of the one called out.",
    },
    {
        .key = "learning",
        .type = TS_PT_REAL,
        .def = "0.002",
        .min = 0,
        .max = 1,
        .units = "share of the gap to 1",
        .doc = "Share of the gap to full competence, in the failed domain, that a call-out taken "
               "well (or a manager's correction) closes.",
    },
    {
        .key = "goodwill_cost",
        .type = TS_PT_REAL,
        .def = "0.05",
        .min = 0,
        .max = 1,
        .units = "goodwill",
        .doc = "Goodwill toward the caller lost by someone who takes a call-out badly.",
    },
    {
        .key = "callout_hours",
        .type = TS_PT_REAL,
        .def = "0.25",
        .min = 0,
        .max = 8,
        .units = "hours",
        .doc = "Hours a peer's call-out costs the caller and the one called out each.",
    },
    {
        .key = "manager_hours",
        .type = TS_PT_REAL,
        .def = "1",
        .min = 0,
        .max = 8,
        .units = "hours",
        .doc = "Hours a manager's correction costs the manager (the one corrected half of it).",
    },
};

static const ts_section accountability_section = {
    .name = "accountability",
    .optional = 0,
    .params = accountability_params,
    .n_params = sizeof accountability_params / sizeof accountability_params[0],
    .doc = "Peer accountability: teammates calling out each other's failures, or the manager.",
};

static const ts_section *const accountability_sections[] = {&accountability_section};

/* A report's failure a manager saw: whose, and on which day (its domain is kept beside). */
typedef struct acc_pending {
    uint32_t subject;
    int32_t day;
} acc_pending;

/* Per agent. Written by its own apply (the evidence hook: seen, pend; being called out:
 * corrected_day, taken_well, taken_badly) and its own act (consuming seen and pend, the day's
 * counts). corrected_day is written in apply only, so others' acts may read it. */
typedef struct acc_row {
    int32_t day;
    uint16_t callouts, corrections, taken_well, taken_badly;
    int32_t corrected_day; /* last day this person was called out or corrected */
    uint8_t n_seen, n_pend;
    uint32_t seen[TS_ACC_QUEUE];       /* teammates whose failure it saw since its last act */
    acc_pending pend[TS_ACC_PENDING];  /* as a manager: reports' failures waiting (lasting) */
    uint8_t seen_domain[TS_ACC_QUEUE]; /* the domains of those failures */
    uint8_t pend_domain[TS_ACC_PENDING];
} acc_row;

typedef struct acc_state {
    double peer_p;
    int32_t delay;
    float effort, learning, goodwill_cost, callout_hours, manager_hours;
    ts_trust_params tp;
    acc_row *rows;
    uint32_t n_alloc;
} acc_state;

/* To the one called out: about = the caller, domain of the failure; flags: ACC_MANAGER for
 * a manager's correction; x = the caller's draw that the receiver's trust decides on. */
enum { ACC_MK_CALLOUT = TS_MK_MODULE_BASE };
enum { ACC_MANAGER = 1 };

double ts_accountability_callout_p(double peer_probability, double safety, double trust) {
    double p = peer_probability * safety * trust;
    return p < 0.0 ? 0.0 : p > 1.0 ? 1.0 : p;
}

/* The evidence hook (the believer's apply): a failure of a teammate goes into the
 * believer's queue of the day, a failure of one of its reports into its pending list. */
static void acc_listen(void *ctx, ts_world *w, uint32_t believer, uint32_t subject, uint32_t domain,
                       int success, float weight) {
    acc_state *s = ctx;
    if (success || weight <= 0.0f || believer == subject || believer >= s->n_alloc ||
        subject >= w->n || domain >= w->n_domains || !w->active[believer] || !w->active[subject] ||
        ts_is_ai(w)[subject]) {
        return; /* an AI's failures are its delegator's to catch (models/ai.h) */
    }
    acc_row *row = &s->rows[believer];
    uint32_t m = w->manager[subject];
    if (m == believer) {
        if (row->n_pend < TS_ACC_PENDING) {
            row->pend_domain[row->n_pend] = (uint8_t)domain;
            row->pend[row->n_pend++] = (acc_pending){.subject = subject, .day = w->day};
        }
    } else if (m != TS_NO_AGENT && m == w->manager[believer]) {
        if (row->n_seen < TS_ACC_QUEUE) {
            row->seen_domain[row->n_seen] = (uint8_t)domain;
            row->seen[row->n_seen++] = subject;
        }
    }
}

static void acc_free(void *state) {
    acc_state *s = state;
    if (s) {
        free(s->rows);
    }
    free(s);
}

static ts_status acc_grow(void *state, const ts_world *w, ts_error *err) {
    acc_state *s = state;
    uint32_t old = s->n_alloc;
    ts_status st = ts_rows_grow((void **)&s->rows, sizeof *s->rows, offsetof(acc_row, day),
                                &s->n_alloc, w->n_alloc, err);
    for (uint32_t a = old; st == TS_OK && a < s->n_alloc; a++) {
        s->rows[a].corrected_day = INT32_MIN;
    }
    return st;
}

static ts_status acc_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    ts_status st = ts_shared_register(w, err);
    if (st != TS_OK) {
        return st;
    }
    acc_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    s->peer_p = ts_scenario_real(sc, "accountability.peer_probability");
    s->delay = (int32_t)ts_scenario_int(sc, "accountability.manager_delay");
    s->effort = (float)ts_scenario_real(sc, "accountability.effort");
    s->learning = (float)ts_scenario_real(sc, "accountability.learning");
    s->goodwill_cost = (float)ts_scenario_real(sc, "accountability.goodwill_cost");
    s->callout_hours = (float)ts_scenario_real(sc, "accountability.callout_hours");
    s->manager_hours = (float)ts_scenario_real(sc, "accountability.manager_hours");
    ts_trust_params_load(sc, &s->tp);
    st = acc_grow(s, w, err);
    if (st == TS_OK) {
        st = ts_evidence_add_observer(w, acc_listen, s, err);
    }
    if (st != TS_OK) {
        acc_free(s);
        return st;
    }
    *state = s;
    return TS_OK;
}

/* x's act: one draw per teammate's failure it saw yesterday (in the order seen, whether or
 * not it can still call it out): a call-out with probability peer_probability x safety x
 * trust; then, as a manager, the corrections due (no draws). */
static ts_status acc_act(const void *state, const ts_world *w, uint32_t x, void *own, ts_emit *e) {
    if (ts_is_ai(w)[x]) {
        return TS_OK; /* AI agents take no part (models/ai.h) */
    }
    const acc_state *s = state;
    acc_row *row = own;
    row->day = w->day;
    row->callouts = row->corrections = row->taken_well = row->taken_badly = 0;
    uint32_t nq = row->n_seen;
    row->n_seen = 0;
    if (!w->active[x]) {
        row->n_pend = 0;
        return TS_OK;
    }
    if (nq > 0) {
        ts_rng r;
        ts_emit_rng(e, &r);
        for (uint32_t i = 0; i < nq; i++) {
            uint32_t a = row->seen[i];
            uint8_t d = row->seen_domain[i];
            double u = ts_rng_uniform(&r);
            double v = ts_rng_uniform(&r);
            if (!w->active[a] || w->manager[a] != w->manager[x] || ts_busy(w)[x]) {
                continue;
            }
            double t = ts_trust_of(&s->tp, w, x, a, d);
            if (u >= ts_accountability_callout_p(s->peer_p, ts_safety(w)[x], t)) {
                continue;
            }
            ts_emit_send(
                e,
                (ts_msg){.to = a, .about = x, .kind = ACC_MK_CALLOUT, .domain = d, .x = (float)v});
            ts_ev_hours(e, x, TS_HOURS_MEETINGS, s->callout_hours);
            row->callouts++;
        }
    }
    uint32_t kept = 0;
    for (uint32_t i = 0; i < row->n_pend; i++) {
        const acc_pending *sn = &row->pend[i];
        uint8_t d = row->pend_domain[i];
        if (w->day < sn->day + s->delay) {
            row->pend_domain[kept] = d;
            row->pend[kept++] = *sn;
            continue;
        }
        uint32_t a = sn->subject;
        const acc_row *ra = &s->rows[a];
        if (!w->active[a] || w->manager[a] != x || ra->corrected_day >= sn->day) {
            continue; /* gone, moved, or a peer called it out first */
        }
        ts_emit_send(
            e, (ts_msg){
                   .to = a, .about = x, .kind = ACC_MK_CALLOUT, .domain = d, .flags = ACC_MANAGER});
        ts_ev_hours(e, x, TS_HOURS_MEETINGS, s->manager_hours);
        row->corrections++;
    }
    row->n_pend = (uint8_t)kept;
    return TS_OK;
}

static void *acc_act_row(void *state, uint32_t a) {
    acc_state *s = state;
    return &s->rows[a];
}

/* The one called out: a manager's correction always lands; a peer's lands when the draw
 * falls under the receiver's own trust in the caller in that domain, and otherwise costs
 * goodwill toward the caller. Landing: more effort on the current task, a little learning. */
static ts_status acc_handle(void *state, ts_world *w, const ts_msg *m) {
    acc_state *s = state;
    if (ts_evidence_handle(w, m) || m->kind != ACC_MK_CALLOUT || m->domain >= w->n_domains) {
        return TS_OK;
    }
    uint32_t a = m->to;
    acc_row *row = &s->rows[a];
    int manager = (m->flags & ACC_MANAGER) != 0;
    row->corrected_day = w->day;
    ts_ev_hours_now(w, a, TS_HOURS_MEETINGS, manager ? 0.5f * s->manager_hours : s->callout_hours);
    if (manager || m->x < ts_trust_of(&s->tp, w, a, m->about, m->domain)) {
        size_t k = (size_t)a * w->n_domains + m->domain;
        ts_competence(w)[k] += s->learning * (1.0f - ts_competence(w)[k]);
        ts_task_boost(w)[a] += s->effort;
        row->taken_well += !manager;
    } else {
        ts_ev_goodwill_now(w, a, m->about, -s->goodwill_cost);
        row->taken_badly++;
    }
    return TS_OK;
}

enum { AA_CALLOUTS, AA_CORRECTIONS, AA_WELL, AA_BADLY, AA_COUNT };

static ts_status acc_measure(const void *state, const ts_world *w, uint32_t a0, uint32_t a1,
                             double *acc) {
    const acc_state *s = state;
    for (uint32_t a = a0; a < a1; a++) {
        const acc_row *row = &s->rows[a];
        if (row->day == w->day) {
            acc[AA_CALLOUTS] += row->callouts;
            acc[AA_CORRECTIONS] += row->corrections;
            acc[AA_WELL] += row->taken_well;
            acc[AA_BADLY] += row->taken_badly;
        }
    }
    return TS_OK;
}

static const ts_metric_decl acc_metrics[AA_COUNT] = {
    {"peer_callouts", "call-outs/day", "Teammates' failures called out by a peer today."},
    {"manager_corrections", "corrections/day",
     "Reports' failures no peer called out that their manager corrected today."},
    {"callouts_taken_well", "call-outs/day",
     "Peer call-outs taken well today (the receiver trusts the caller enough)."},
    {"callouts_taken_badly", "call-outs/day",
     "Peer call-outs taken badly today (they cost goodwill toward the caller)."},
};

static ts_status acc_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    (void)state;
    (void)w;
    for (int k = 0; k < AA_COUNT; k++) {
        v[k] = acc[k];
    }
    return TS_OK;
}

static const ts_metric_decl acc_summaries[] = {
    {"peer_accountability_share", "share",
     "Corrections made by peers (call-outs) over all corrections (call-outs and managers' "
     "corrections), over the recorded days."},
};

static double acc_series_sum(const ts_series *s) {
    double t = 0.0;
    for (size_t d = 1; s && d < s->n; d++) {
        t += s->values[d];
    }
    return t;
}

static ts_status acc_summarize(const void *state, const ts_world *w, ts_result *res,
                               ts_error *err) {
    (void)state;
    (void)w;
    double peers = acc_series_sum(ts_result_find_series(res, "peer_callouts"));
    double managers = acc_series_sum(ts_result_find_series(res, "manager_corrections"));
    double all = peers + managers;
    const ts_metric_decl *d = &acc_summaries[0];
    ts_status st =
        ts_result_add_scalar(res, d->name, d->units, d->description, all > 0.0 ? peers / all : NAN);
    return st == TS_OK ? TS_OK : ts_error_set(err, st, "out of memory for the summary");
}

/* Saved states: every person's queues and pending corrections and the day it was last
 * corrected. */
static ts_status acc_state_io(void *state, ts_world *w, ts_state_io *io) {
    acc_state *s = state;
    ts_sio_array(io, "rows", s->rows, sizeof *s->rows, w->n);
    return ts_sio_status(io);
}

const ts_module ts_module_accountability = {
    .name = "accountability",
    .sections = accountability_sections,
    .n_sections = sizeof accountability_sections / sizeof accountability_sections[0],
    .configure = acc_configure,
    .free = acc_free,
    .grow = acc_grow,
    .act = acc_act,
    .act_row = acc_act_row,
    .handle = acc_handle,
    .metrics = acc_metrics,
    .n_metrics = AA_COUNT,
    .n_acc = AA_COUNT,
    .measure = acc_measure,
    .day_end = acc_day_end,
    .summaries = acc_summaries,
    .n_summaries = sizeof acc_summaries / sizeof acc_summaries[0],
    .summarize = acc_summarize,
    .state_io = acc_state_io,
};
