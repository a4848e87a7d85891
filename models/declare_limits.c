#include "declare_limits.h"

#include "shared.h"

#include "evidence.h"
#include "trust.h"
#include "work.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

static const ts_param declare_limits_params[] = {
    {
        .key = "every",
        .type = TS_PT_INT,
        .def = "30",
        .min = 1,
        .max = 3650,
        .units = "days",
        .doc = "Days between a person's declarations of what it can and cannot be trusted on.",
    },
    {
        .key = "threshold",
        .type = TS_PT_REAL,
        .def = "0.5",
        .min = 0,
        .max = 1,
        .units = "self-belief",
        .doc = "Self-belief in a domain below which a person declares itself weak in it.",
    },
    {
        .key = "weight",
        .type = TS_PT_REAL,
        .def = "0.5",
        .min = 0,
        .max = 10,
        .units = "observation weight",
        .doc = "Weight of the evidence the manager takes from a declaration, in each domain.",
    },
};

static const ts_section declare_limits_section = {
    .name = "tactics.declare_limits",
    .optional = 1,
    .params = declare_limits_params,
    .n_params = sizeof declare_limits_params / sizeof declare_limits_params[0],
    .doc = "Telling the manager which domains one is weak and strong in.",
};

static const ts_section *const declare_limits_sections[] = {&declare_limits_section};

/* Per agent, written only by its own act (and read by its own settle): the domains it
 * declared weak at its last declaration, and what it did today. */
typedef struct dl_row {
    int32_t day;
    uint8_t mask;     /* declared weak, since the last declaration */
    uint8_t declared; /* it declared today */
    uint8_t paired;   /* its new task was paired today */
} dl_row;

typedef struct dl_state {
    ts_trust_params tp;
    int32_t every;
    float threshold, weight;
    ts_work_link link;
    uint32_t col; /* the declared_weak column */
    dl_row *rows;
    uint32_t n_alloc;
} dl_state;

/* To the partner: about = the owner (hours). To the owner: w = the task's boost. */
enum { DL_MK_PARTNER = TS_MK_MODULE_BASE, DL_MK_PAIRED };

uint8_t ts_declare_limits_mask(const ts_world *w, float prior_a, float prior_b, uint32_t a,
                               float threshold) {
    uint8_t mask = 0;
    for (uint32_t d = 0; d < w->n_domains; d++) {
        size_t k = (size_t)a * w->n_domains + d;
        double sa = (double)prior_a + ts_self_alpha(w)[k];
        double sb = (double)prior_b + ts_self_beta(w)[k];
        if (sa / (sa + sb) < threshold) {
            mask |= (uint8_t)(1u << d);
        }
    }
    return mask;
}

uint32_t ts_declare_limits_route(const ts_world *w, int col, uint32_t a, uint32_t d, ts_rng *r) {
    uint8_t mask = col < 0 ? 0 : ((const uint8_t *)w->cols[col].data)[a];
    if (!((mask >> d) & 1u)) {
        return d;
    }
    uint32_t open = 0;
    for (uint32_t k = 0; k < w->n_domains; k++) {
        open += !((mask >> k) & 1u);
    }
    if (open == 0) {
        return d;
    }
    uint32_t pick = ts_rng_below(r, open);
    for (uint32_t k = 0; k < w->n_domains; k++) {
        if (!((mask >> k) & 1u) && pick-- == 0) {
            return k;
        }
    }
    return d;
}

static void dl_free(void *state) {
    dl_state *s = state;
    if (s) {
        free(s->rows);
    }
    free(s);
}

static ts_status dl_grow(void *state, const ts_world *w, ts_error *err) {
    dl_state *s = state;
    return ts_rows_grow((void **)&s->rows, sizeof *s->rows, offsetof(dl_row, day), &s->n_alloc,
                        w->n_alloc, err);
}

static ts_status dl_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    /* The shared columns this module reads or writes (models/shared.h), then its own. */
    ts_status st = ts_shared_register(w, err);
    if (st != TS_OK) {
        return st;
    }
    dl_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    st = ts_world_column_add(w, TS_DECLARE_LIMITS_COLUMN, sizeof(uint8_t), 0, NULL, &s->col, err);
    if (st != TS_OK) {
        free(s);
        return st;
    }
    ts_trust_params_load(sc, &s->tp);
    s->every = (int32_t)ts_scenario_int(sc, "tactics.declare_limits.every");
    s->threshold = (float)ts_scenario_real(sc, "tactics.declare_limits.threshold");
    s->weight = (float)ts_scenario_real(sc, "tactics.declare_limits.weight");
    ts_work_link_load(sc, &s->link);
    st = dl_grow(s, w, err);
    if (st != TS_OK) {
        dl_free(s);
        return st;
    }
    *state = s;
    return TS_OK;
}

static void *dl_act_row(void *state, uint32_t a) {
    dl_state *s = state;
    return &s->rows[a];
}

/* The teammate manager m trusts most in d for owner a's task: among m's other active,
 * available reports, ties to the lowest id; TS_NO_AGENT if none. */
static uint32_t dl_partner(const dl_state *s, const ts_world *w, uint32_t m, uint32_t a,
                           uint32_t d) {
    uint32_t best = TS_NO_AGENT;
    float best_t = -1.0f;
    for (uint32_t j = w->first_report[m]; j != TS_NO_AGENT; j = w->next_peer[j]) {
        if (j == a || !w->active[j] || ts_busy(w)[j] || ts_is_ai(w)[j]) {
            continue;
        }
        float t = ts_trust_of(&s->tp, w, m, j, d);
        if (t > best_t || (t == best_t && j < best)) {
            best = j;
            best_t = t;
        }
    }
    return best;
}

/* Declaration days are staggered: agent a declares on the days with (day + a) divisible
 * by `every`. A person with a manager declares: evidence to the manager in every domain
 * (a success seen where it declares itself strong, a failure where weak, weight `weight`)
 * and its candour (honesty, TS_DECLARE_LIMITS_CANDOUR x weight). The day after a task in
 * a declared-weak domain started (one work could not route elsewhere), the manager pairs
 * it with the teammate it trusts most there: the task's chance of success rises by
 * (1 - p) x TS_DECLARE_LIMITS_BOOST x c_partner, and the partner spends the hours. */
static ts_status dl_act(const void *state, const ts_world *w, uint32_t a, void *own, ts_emit *e) {
    if (ts_is_ai(w)[a]) {
        return TS_OK; /* AI agents take no part (models/ai.h) */
    }
    const dl_state *s = state;
    dl_row *row = own;
    row->day = w->day;
    row->declared = row->paired = 0;
    uint32_t m = w->manager[a];
    if (m == TS_NO_AGENT) {
        return TS_OK;
    }
    int64_t phase = ((int64_t)w->day + a) % s->every;
    if (phase == 0) {
        row->mask = ts_declare_limits_mask(w, s->tp.prior_a, s->tp.prior_b, a, s->threshold);
        row->declared = 1;
        for (uint32_t d = 0; d < w->n_domains && s->weight > 0.0f; d++) {
            ts_ev_observe(e, m, a, d, !((row->mask >> d) & 1u), s->weight);
        }
        ts_ev_integrity(e, m, a, TS_DECLARE_LIMITS_CANDOUR * s->weight, 0.0f, 0.0f);
    }
    uint32_t dom = ts_task_domain(w)[a];
    if (ts_busy(w)[a] || dom >= w->n_domains || ts_task_start(w)[a] != w->day - 1 ||
        ts_task_start(w)[a] < w->hire_day[a] || !((row->mask >> dom) & 1u)) {
        return TS_OK;
    }
    uint32_t h = dl_partner(s, w, m, a, dom);
    if (h == TS_NO_AGENT) {
        return TS_OK;
    }
    double p = ts_work_success_of(&s->link, w, a, dom);
    double c = ts_work_success_of(&s->link, w, h, dom);
    ts_emit_send(e, (ts_msg){.to = h, .about = a, .kind = DL_MK_PARTNER});
    ts_emit_send(e, (ts_msg){.to = a,
                             .about = h,
                             .kind = DL_MK_PAIRED,
                             .w = (float)((1.0 - p) * TS_DECLARE_LIMITS_BOOST * c)});
    row->paired = 1;
    return TS_OK;
}

static ts_status dl_handle(void *state, ts_world *w, const ts_msg *m) {
    (void)state;
    if (ts_evidence_handle(w, m)) {
        return TS_OK;
    }
    if (m->kind == DL_MK_PAIRED) {
        ts_task_boost(w)[m->to] += m->w;
    } else if (m->kind == DL_MK_PARTNER) {
        ts_ev_hours_now(w, m->to, TS_HOURS_COORDINATION, TS_DECLARE_LIMITS_HOURS);
    }
    return TS_OK;
}

/* The owner publishes the domains it declared weak (for work's choice of domain). */
static ts_status dl_settle(void *state, ts_world *w, uint32_t a) {
    dl_state *s = state;
    ((uint8_t *)w->cols[s->col].data)[a] = s->rows[a].mask;
    return TS_OK;
}

static ts_status dl_measure(const void *state, const ts_world *w, uint32_t a0, uint32_t a1,
                            double *acc) {
    const dl_state *s = state;
    for (uint32_t a = a0; a < a1; a++) {
        if (!w->active[a] || s->rows[a].day != w->day) {
            continue;
        }
        const dl_row *row = &s->rows[a];
        if (row->declared) {
            uint32_t weak = 0;
            for (uint32_t d = 0; d < w->n_domains; d++) {
                weak += (row->mask >> d) & 1u;
            }
            acc[0] += 1.0;
            acc[1] += weak;
        }
        acc[2] += row->paired;
    }
    return TS_OK;
}

static const ts_metric_decl dl_metrics[] = {
    {"limits_declared", "declarations/day", "Declarations of limits made (declare-limits tactic)."},
    {"limits_weak_share", "fraction",
     "Share of domains declared weak in the day's declarations (NaN on a day without one)."},
    {"limits_paired", "tasks/day", "Tasks in a declared-weak domain paired with a teammate."},
};

static ts_status dl_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    (void)state;
    v[0] = acc[0];
    v[1] = acc[0] > 0.0 ? acc[1] / (acc[0] * w->n_domains) : NAN;
    v[2] = acc[2];
    return TS_OK;
}

/* Saved states: each agent's row (the domains it declared weak last). */
static ts_status declare_limits_state_io(void *state, ts_world *w, ts_state_io *io) {
    dl_state *s = state;
    ts_sio_array(io, "rows", s->rows, sizeof *s->rows, w->n);
    return ts_sio_status(io);
}

const ts_module ts_module_declare_limits = {
    .name = "declare_limits",
    .sections = declare_limits_sections,
    .n_sections = sizeof declare_limits_sections / sizeof declare_limits_sections[0],
    .configure = dl_configure,
    .free = dl_free,
    .grow = dl_grow,
    .act = dl_act,
    .act_row = dl_act_row,
    .handle = dl_handle,
    .settle = dl_settle,
    .metrics = dl_metrics,
    .n_metrics = sizeof dl_metrics / sizeof dl_metrics[0],
    .n_acc = 3,
    .measure = dl_measure,
    .day_end = dl_day_end,
    .state_io = declare_limits_state_io,
};
