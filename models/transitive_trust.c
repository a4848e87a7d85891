#include "transitive_trust.h"

#include "evidence.h"
#include "trust.h"

#include <stdlib.h>
#include <string.h>

static const ts_param transitive_trust_tactic_params[] = {
    {
        .key = "weight",
        .type = TS_PT_REAL,
        .def = "0.5",
        .min = 0,
        .max = 1,
        .units = "discount factor",
        .doc = "Fraction of a trusted recommender's evidence that enters a new prior, before "
               "scaling by trust in the recommender.",
    },
};

static const ts_section transitive_trust_tactic_section = {
    .name = "tactics.transitive_trust",
    .optional = 1,
    .params = transitive_trust_tactic_params,
    .n_params = sizeof transitive_trust_tactic_params / sizeof transitive_trust_tactic_params[0],
    .doc = "Borrowing trust through managers at first contact.",
};

static const ts_section *const transitive_trust_sections[] = {&transitive_trust_tactic_section};

typedef struct tt_state {
    float weight;
    ts_trust_params tp;
    int people;       /* index of the "people" domain, -1: trust is domain-averaged */
    uint32_t cap;     /* agents with a row */
    uint32_t *queue;  /* cap x TS_TRANSITIVE_QUEUE subjects met for the first time */
    uint8_t *pending; /* cap: requests queued in the row */
    double used;      /* recommendations used in today's org phase */
} tt_state;

/* Gives rows to agents 0 .. n-1 (never shrinks). */
static ts_status tt_reserve(tt_state *s, uint32_t n, ts_error *err) {
    if (n <= s->cap) {
        return TS_OK;
    }
    if (!ts_world_grow_array((void **)&s->queue, TS_TRANSITIVE_QUEUE * sizeof *s->queue, s->cap,
                             n) ||
        !ts_world_grow_array((void **)&s->pending, sizeof *s->pending, s->cap, n)) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    s->cap = n;
    return TS_OK;
}

/* Apply phase (or org): records the request in the believer's own row only. */
static void tt_first_contact(void *ctx, ts_world *w, uint32_t believer, uint32_t subject,
                             uint32_t slot) {
    const tt_state *s = ctx;
    (void)w;
    (void)slot;
    if (believer >= s->cap) {
        return;
    }
    uint8_t k = s->pending[believer];
    if (k < TS_TRANSITIVE_QUEUE) {
        s->queue[(size_t)believer * TS_TRANSITIVE_QUEUE + k] = subject;
        s->pending[believer] = (uint8_t)(k + 1);
    }
}

static void tt_free(void *state);

static ts_status tt_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    tt_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    s->weight = (float)ts_scenario_real(sc, "tactics.transitive_trust.weight");
    ts_trust_params_load(sc, &s->tp);
    s->people = -1;
    size_t nd = ts_scenario_list_len(sc, "domains");
    for (size_t d = 0; d < nd && d < w->n_domains; d++) {
        if (strcmp(ts_scenario_list_item(sc, "domains", d), "people") == 0) {
            s->people = (int)d;
            break;
        }
    }
    ts_status st = tt_reserve(s, w->n_alloc, err);
    if (st != TS_OK) {
        free(s->queue);
        free(s->pending);
        free(s);
        return st;
    }
    st = ts_evidence_add_first_contact(w, tt_first_contact, s, err);
    if (st != TS_OK) {
        tt_free(s);
        return st;
    }
    *state = s;
    return TS_OK;
}

static void tt_free(void *state) {
    tt_state *s = state;
    if (s) {
        free(s->queue);
        free(s->pending);
        free(s);
    }
}

static ts_status tt_grow(void *state, const ts_world *w, ts_error *err) {
    return tt_reserve(state, w->n_alloc, err);
}

/* i's trust in r in the people domain (domain-averaged without one). */
static float tt_trust(const tt_state *s, const ts_world *w, const ts_belief *b) {
    if (s->people >= 0) {
        return ts_trust_score(&s->tp, b, (uint32_t)s->people);
    }
    double t = 0.0;
    for (uint32_t d = 0; d < w->n_domains; d++) {
        t += ts_trust_score(&s->tp, b, d);
    }
    return (float)(t / w->n_domains);
}

/* i's trust in r (people domain) from i's model of r, or -1 without one. With `vouched`,
 * i's own manager counts at least as a stranger: the organisation vouches for the people
 * it puts in charge, before i has seen anything of them. */
static float tt_trust_in(const tt_state *s, const ts_world *w, uint32_t i, uint32_t r,
                         int vouched) {
    int slot = ts_relstore_find(&w->models, i, r);
    if (slot < 0) {
        return vouched && w->manager[i] == r ? ts_trust_stranger(&s->tp) : -1.0f;
    }
    ts_belief b;
    ts_relstore_read(&w->models, i, (uint32_t)slot, w->day, &b);
    return tt_trust(s, w, &b);
}

/* Adds recommender r's evidence about j, discounted by f, to i's model of j (slot). */
static void tt_pass_on(ts_world *w, uint32_t i, uint32_t slot, uint32_t r, uint32_t rj, float f) {
    ts_relstore *rs = &w->models;
    ts_belief rec, mine;
    ts_relstore_read(rs, r, rj, w->day, &rec);
    ts_relstore_read(rs, i, slot, w->day, &mine);
    for (uint32_t d = 0; d < w->n_domains; d++) {
        mine.alpha_e[d] += f * rec.alpha_e[d];
        mine.beta_e[d] += f * rec.beta_e[d];
    }
    mine.integ_a_e += f * rec.integ_a_e;
    mine.integ_b_e += f * rec.integ_b_e;
    if (mine.last_day < w->day) {
        mine.last_day = w->day;
    }
    ts_relstore_write(rs, i, slot, &mine);
}

/* i met j: each recommender r (i's manager, j's manager) who models j passes on its
 * evidence about j, discounted by weight * T(i -> r). When i does not know j's manager,
 * the recommendation comes through i's own manager, who does: weight * T(i -> m_i) *
 * T(m_i -> r), subjective logic's discounting along a chain (leaders who trust each
 * other lend that trust to their reports, seed 003's comments). */
static void tt_recommend(tt_state *s, ts_world *w, uint32_t i, uint32_t j) {
    ts_relstore *rs = &w->models;
    if (j >= w->n || !w->active[i] || !w->active[j]) {
        return;
    }
    int slot = ts_relstore_find(rs, i, j);
    if (slot < 0) {
        return; /* forgotten since */
    }
    uint32_t mi = w->manager[i];
    uint32_t recs[2] = {mi, w->manager[j]};
    for (int k = 0; k < 2; k++) {
        uint32_t r = recs[k];
        if (r == TS_NO_AGENT || r == i || r == j || (k == 1 && r == recs[0]) || !w->active[r]) {
            continue;
        }
        int rj = ts_relstore_find(rs, r, j);
        if (rj < 0) {
            continue;
        }
        float t = tt_trust_in(s, w, i, r, 1);
        if (t < 0.0f && k == 1 && mi != TS_NO_AGENT && mi != j && w->active[mi]) {
            /* Along the chain only i's own manager is vouched for: m_i must know r. */
            float t_mi = tt_trust_in(s, w, i, mi, 1);
            float t_link = tt_trust_in(s, w, mi, r, 0);
            t = t_mi >= 0.0f && t_link >= 0.0f ? t_mi * t_link : -1.0f;
            if (t >= 0.0f) {
                ts_ev_hours_now(w, mi, TS_HOURS_MEETINGS, TS_TRANSITIVE_HOURS);
            }
        }
        if (t < 0.0f) {
            continue;
        }
        tt_pass_on(w, i, (uint32_t)slot, r, (uint32_t)rj, s->weight * t);
        ts_ev_hours_now(w, i, TS_HOURS_MEETINGS, TS_TRANSITIVE_HOURS);
        ts_ev_hours_now(w, r, TS_HOURS_MEETINGS, TS_TRANSITIVE_HOURS);
        s->used += 1.0;
    }
}

/* Serial: yesterday's (and earlier modules' today) first contacts, in agent-id order. */
static ts_status tt_org(void *state, ts_world *w, const ts_day *d) {
    tt_state *s = state;
    (void)d;
    s->used = 0.0;
    uint32_t n = w->n < s->cap ? w->n : s->cap;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t k = s->pending[i];
        s->pending[i] = 0;
        for (uint8_t q = 0; q < k; q++) {
            tt_recommend(s, w, i, s->queue[(size_t)i * TS_TRANSITIVE_QUEUE + q]);
        }
    }
    /* Rows for today's hires, whose first contacts may come later today; on failure the
     * grow hook reports the shortage right after this phase. */
    ts_error err;
    (void)tt_reserve(s, w->n_alloc, &err);
    return TS_OK;
}

static const ts_metric_decl tt_metrics[] = {
    {"transitive_recommendations", "recommendations per day",
     "Recommendations passed on at first contact (a manager's evidence about a newly met "
     "person, discounted into the new model) that day."},
};

static ts_status tt_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    const tt_state *s = state;
    (void)w;
    (void)acc;
    v[0] = s->used;
    return TS_OK;
}

/* Saved states: the requests queued per agent. */
static ts_status transitive_trust_state_io(void *state, ts_world *w, ts_state_io *io) {
    tt_state *s = state;
    ts_sio_typed(io, "queue", TS_SIO_U32, s->queue, (size_t)w->n * TS_TRANSITIVE_QUEUE);
    ts_sio_typed(io, "pending", TS_SIO_U8, s->pending, w->n);
    return ts_sio_status(io);
}

const ts_module ts_module_transitive_trust = {
    .name = "transitive_trust",
    .sections = transitive_trust_sections,
    .n_sections = sizeof transitive_trust_sections / sizeof transitive_trust_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
    .configure = tt_configure,
    .free = tt_free,
    .grow = tt_grow,
    .org = tt_org,
    .metrics = tt_metrics,
    .n_metrics = 1,
    .n_acc = 0,
    .day_end = tt_day_end,
    .state_io = transitive_trust_state_io,
};
