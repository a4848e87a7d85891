#include "transitive_trust.h"

#include "shared.h"

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

/* Per agent: the people it met for the first time since its last act (written by its own
 * apply, as the believer, and emptied by its own act), and its act's count on `day`. */
typedef struct tt_row {
    uint32_t queue[TS_TRANSITIVE_QUEUE];
    uint8_t pending;
    int32_t day;
    uint16_t used; /* recommendations passed on to it */
} tt_row;

typedef struct tt_state {
    float weight;
    ts_trust_params tp;
    int people;   /* index of the "people" domain, -1: trust is domain-averaged */
    uint32_t cap; /* agents with a row */
    tt_row *rows;
} tt_state;

/* To the believer: a recommender's evidence about `about`, discounted: in one domain
 * (w successes, x failures), or of integrity (w honest acts, x concealments). */
enum { TT_MK_COMPETENCE = TS_MK_MODULE_BASE, TT_MK_INTEGRITY };

/* Gives rows to agents 0 .. n-1 (never shrinks). */
static ts_status tt_reserve(tt_state *s, uint32_t n, ts_error *err) {
    if (n <= s->cap) {
        return TS_OK;
    }
    if (!ts_world_grow_array((void **)&s->rows, sizeof *s->rows, s->cap, n)) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    for (uint32_t a = s->cap; a < n; a++) {
        s->rows[a].day = INT32_MIN;
    }
    s->cap = n;
    return TS_OK;
}

/* Apply phase (or org): records the request in the believer's own row only. */
static void tt_first_contact(void *ctx, ts_world *w, uint32_t believer, uint32_t subject,
                             uint32_t slot) {
    tt_state *s = ctx;
    (void)w;
    (void)slot;
    if (believer >= s->cap) {
        return;
    }
    tt_row *row = &s->rows[believer];
    if (row->pending < TS_TRANSITIVE_QUEUE) {
        row->queue[row->pending++] = subject;
    }
}

static void tt_free(void *state) {
    tt_state *s = state;
    if (s) {
        free(s->rows);
        free(s);
    }
}

static ts_status tt_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    /* The shared columns it reads (is_ai, models/shared.h). */
    ts_status shared = ts_shared_register(w, err);
    if (shared != TS_OK) {
        return shared;
    }
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
    if (st == TS_OK) {
        st = ts_evidence_add_first_contact(w, tt_first_contact, s, err);
    }
    if (st != TS_OK) {
        tt_free(s);
        return st;
    }
    *state = s;
    return TS_OK;
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

/* Sends i recommender r's evidence about j (r's model in slot rj), discounted by f: the
 * domains with any, then integrity; i adds it to its model of j in its apply. */
static void tt_pass_on(const ts_world *w, uint32_t i, uint32_t j, uint32_t r, uint32_t rj, float f,
                       ts_emit *e) {
    ts_belief rec;
    ts_relstore_read(&w->models, r, rj, w->day, &rec);
    for (uint32_t d = 0; d < w->n_domains; d++) {
        if (rec.alpha_e[d] != 0.0f || rec.beta_e[d] != 0.0f) {
            ts_emit_send(e, (ts_msg){.to = i,
                                     .about = j,
                                     .kind = TT_MK_COMPETENCE,
                                     .domain = (uint8_t)d,
                                     .w = f * rec.alpha_e[d],
                                     .x = f * rec.beta_e[d]});
        }
    }
    if (rec.integ_a_e != 0.0f || rec.integ_b_e != 0.0f) {
        ts_emit_send(e, (ts_msg){.to = i,
                                 .about = j,
                                 .kind = TT_MK_INTEGRITY,
                                 .w = f * rec.integ_a_e,
                                 .x = f * rec.integ_b_e});
    }
}

/* i met j: each recommender r (i's manager, j's manager) who models j passes on its
 * evidence about j, discounted by weight * T(i -> r). When i does not know j's manager,
 * the recommendation comes through i's own manager, who does: weight * T(i -> m_i) *
 * T(m_i -> r), subjective logic's discounting along a chain (leaders who trust each
 * other lend that trust to their reports, seed 003's comments). Read from the world as
 * org left it; i applies the evidence, everyone involved charges the time. */
static void tt_recommend(const tt_state *s, const ts_world *w, uint32_t i, uint32_t j, tt_row *row,
                         ts_emit *e) {
    const ts_relstore *rs = &w->models;
    if (j >= w->n || !w->active[j]) {
        return;
    }
    if (ts_relstore_find(rs, i, j) < 0) {
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
                ts_ev_hours(e, mi, TS_HOURS_MEETINGS, TS_TRANSITIVE_HOURS);
            }
        }
        if (t < 0.0f) {
            continue;
        }
        tt_pass_on(w, i, j, r, (uint32_t)rj, s->weight * t, e);
        ts_ev_hours(e, i, TS_HOURS_MEETINGS, TS_TRANSITIVE_HOURS);
        ts_ev_hours(e, r, TS_HOURS_MEETINGS, TS_TRANSITIVE_HOURS);
        row->used++;
    }
}

/* Asks for the models tt_recommend will look up for each queued contact, all at once
 * (ts_relstore_prefetch_lookups: hints, in a store far beyond the caches only): i's model
 * of the contact and of the recommenders, the recommenders' models of the contact, and i's
 * manager's of the contact's manager. */
static void tt_prefetch(const ts_world *w, uint32_t i, const tt_row *row, uint8_t k) {
    uint32_t mi = w->manager[i];
    ts_lookup pairs[1 + 5 * TS_TRANSITIVE_QUEUE];
    size_t n = 0;
    if (mi != TS_NO_AGENT) {
        pairs[n++] = (ts_lookup){i, mi};
    }
    for (uint8_t q = 0; q < k; q++) {
        uint32_t j = row->queue[q];
        if (j >= w->n) {
            continue;
        }
        uint32_t mj = w->manager[j];
        pairs[n++] = (ts_lookup){i, j};
        if (mi != TS_NO_AGENT) {
            pairs[n++] = (ts_lookup){mi, j};
        }
        if (mj != TS_NO_AGENT && mj != mi) {
            pairs[n++] = (ts_lookup){mj, j};
            pairs[n++] = (ts_lookup){i, mj};
            if (mi != TS_NO_AGENT) {
                pairs[n++] = (ts_lookup){mi, mj};
            }
        }
    }
    ts_relstore_prefetch_lookups(&w->models, pairs, n);
}

static void *tt_act_row(void *state, uint32_t a) {
    tt_state *s = state;
    return &s->rows[a];
}

/* The first contacts the agent made since its last act (in its apply, or in an org phase
 * since), in the order it made them. */
static ts_status tt_act(const void *state, const ts_world *w, uint32_t i, void *own, ts_emit *e) {
    if (ts_is_ai(w)[i]) {
        return TS_OK; /* AI agents take no part (models/ai.h) */
    }
    const tt_state *s = state;
    tt_row *row = own;
    row->day = w->day;
    row->used = 0;
    uint8_t k = row->pending;
    row->pending = 0;
    if (k > 0) {
        tt_prefetch(w, i, row, k);
    }
    for (uint8_t q = 0; q < k; q++) {
        tt_recommend(s, w, i, row->queue[q], row, e);
    }
    return TS_OK;
}

/* The believer adds what it was passed on to its model of the subject, if it still holds
 * one (decayed to today first, as every write). */
static ts_status tt_handle(void *state, ts_world *w, const ts_msg *m) {
    (void)state;
    if (ts_evidence_handle(w, m)) {
        return TS_OK;
    }
    int slot = ts_relstore_find(&w->models, m->to, m->about);
    if (slot < 0) {
        return TS_OK;
    }
    if (m->kind == TT_MK_COMPETENCE && m->domain < w->n_domains) {
        ts_relstore_add_competence(&w->models, m->to, (uint32_t)slot, w->day, m->domain, m->w,
                                   m->x);
    } else if (m->kind == TT_MK_INTEGRITY) {
        ts_relstore_add_integrity(&w->models, m->to, (uint32_t)slot, w->day, m->w, m->x, 0.0f);
    }
    return TS_OK;
}

static ts_status tt_measure(const void *state, const ts_world *w, uint32_t a0, uint32_t a1,
                            double *acc) {
    const tt_state *s = state;
    for (uint32_t a = a0; a < a1 && a < s->cap; a++) {
        if (s->rows[a].day == w->day) {
            acc[0] += s->rows[a].used;
        }
    }
    return TS_OK;
}

static const ts_metric_decl tt_metrics[] = {
    {"transitive_recommendations", "recommendations per day",
     "Recommendations passed on at first contact (a manager's evidence about a newly met "
     "person, discounted into the new model) that day."},
};

static ts_status tt_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    (void)state;
    (void)w;
    v[0] = acc[0];
    return TS_OK;
}

/* Saved states: the requests queued per agent. */
static ts_status transitive_trust_state_io(void *state, ts_world *w, ts_state_io *io) {
    tt_state *s = state;
    size_t n = w->n, nq = n * TS_TRANSITIVE_QUEUE;
    uint32_t *queue = calloc(nq + 1, sizeof *queue);
    uint8_t *pending = calloc(n + 1, 1);
    if (!queue || !pending) {
        free(queue);
        free(pending);
        return ts_error_set(io->err, TS_ERR_NOMEM, "out of memory");
    }
    for (size_t a = 0; a < n && !ts_sio_loading(io); a++) {
        /* only the requests pending: what lies past them is left over from earlier days */
        pending[a] = s->rows[a].pending;
        memcpy(queue + a * TS_TRANSITIVE_QUEUE, s->rows[a].queue,
               s->rows[a].pending * sizeof s->rows[a].queue[0]);
    }
    ts_sio_typed(io, "queue", TS_SIO_U32, queue, nq);
    ts_sio_typed(io, "pending", TS_SIO_U8, pending, n);
    for (size_t a = 0; a < n && ts_sio_loading(io) && ts_sio_status(io) == TS_OK; a++) {
        s->rows[a].pending = pending[a] <= TS_TRANSITIVE_QUEUE ? pending[a] : TS_TRANSITIVE_QUEUE;
        memcpy(s->rows[a].queue, queue + a * TS_TRANSITIVE_QUEUE, sizeof s->rows[a].queue);
    }
    free(queue);
    free(pending);
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
    .act = tt_act,
    .act_row = tt_act_row,
    .handle = tt_handle,
    .metrics = tt_metrics,
    .n_metrics = 1,
    .n_acc = 1,
    .measure = tt_measure,
    .day_end = tt_day_end,
    .state_io = transitive_trust_state_io,
};
