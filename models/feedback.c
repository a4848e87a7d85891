#include "feedback.h"

#include "evidence.h"

#include <stdlib.h>
#include <string.h>

static const ts_param feedback_tactic_params[] = {
    {
        .key = "probability",
        .type = TS_PT_REAL,
        .def = "0.3",
        .min = 0,
        .max = 1,
        .units = "probability",
        .doc = "Chance that a close observation of someone's work is followed by feedback.",
    },
    {
        .key = "positive_ratio",
        .type = TS_PT_REAL,
        .def = "3",
        .min = 0,
        .max = 100,
        .units = "positive per negative",
        .doc =
            "Ratio of positive to negative feedback in a pair's history at which criticism stops "
            "costing goodwill.",
    },
};

static const ts_section feedback_tactic_section = {
    .name = "tactics.feedback",
    .optional = 1,
    .params = feedback_tactic_params,
    .n_params = sizeof feedback_tactic_params / sizeof feedback_tactic_params[0],
    .doc = "Telling people how their work went.",
};

static const ts_section *const feedback_sections[] = {&feedback_tactic_section};

/* One direct observation waiting for feedback: what the believer saw of `subject`. */
typedef struct fb_record {
    uint32_t subject;
    uint8_t domain;
    uint8_t success;
} fb_record;

/* What one giver has told one receiver so far. Kept per pair (not per giver): each
 * giver remembers its TS_FEEDBACK_PAIRS most recent receivers; a forgotten receiver
 * starts again with no history (no buffer). */
typedef struct fb_pair {
    uint32_t receiver; /* TS_NO_AGENT: free */
    uint16_t positives, negatives;
    int32_t last_day;
} fb_pair;

typedef struct fb_state {
    double probability; /* tactics.feedback.probability */
    double ratio;       /* tactics.feedback.positive_ratio */
    uint32_t n_rows;    /* agents the tables have room for */
    uint8_t *n_queued;  /* per agent */
    fb_record *queue;   /* n_rows x TS_FEEDBACK_QUEUE, each row its believer's */
    fb_pair *pairs;     /* n_rows x TS_FEEDBACK_PAIRS, each row its giver's */
    uint32_t given;     /* feedback given today (written in org, read at day_end) */
    uint32_t negative;  /* of which negative */
} fb_state;

double ts_feedback_buffer(uint32_t positives, uint32_t negatives, double ratio) {
    if (!(ratio > 0.0)) {
        return 0.0;
    }
    double b = ((double)positives / (double)(negatives > 1 ? negatives : 1)) / ratio;
    return b < 1.0 ? b : 1.0;
}

/* The evidence hook: runs in the believer's apply (or in a serial org phase) and writes
 * only the believer's own row. Observations weaker than a direct one, of oneself, by or
 * of someone the tables have no room for yet (hired in today's org), or past the day's
 * queue are dropped. */
static void fb_listen(void *ctx, ts_world *w, uint32_t believer, uint32_t subject, uint32_t domain,
                      int success, float weight) {
    fb_state *s = ctx; /* our own state, handed over as the hook's context */
    if (weight < TS_FEEDBACK_MIN_WEIGHT || believer == subject || believer >= s->n_rows ||
        subject >= w->n || domain >= w->n_domains || !w->active[believer]) {
        return;
    }
    uint8_t k = s->n_queued[believer];
    if (k >= TS_FEEDBACK_QUEUE) {
        return;
    }
    s->queue[(size_t)believer * TS_FEEDBACK_QUEUE + k] =
        (fb_record){.subject = subject, .domain = (uint8_t)domain, .success = (uint8_t) !!success};
    s->n_queued[believer] = (uint8_t)(k + 1);
}

static ts_status fb_grow(void *state, const ts_world *w, ts_error *err) {
    fb_state *s = state;
    uint32_t n = w->n_alloc;
    if (n <= s->n_rows) {
        return TS_OK;
    }
    if (n > TS_FEEDBACK_MAX_AGENTS) {
        return ts_error_set(err, TS_ERR_NOMEM,
                            "out of memory: the feedback tactic keeps queues for at most %u "
                            "agents (%u asked)",
                            (unsigned)TS_FEEDBACK_MAX_AGENTS, (unsigned)n);
    }
    uint8_t *nq = realloc(s->n_queued, (size_t)n * sizeof *nq);
    if (nq) {
        s->n_queued = nq;
    }
    fb_record *q = nq ? realloc(s->queue, (size_t)n * TS_FEEDBACK_QUEUE * sizeof *q) : NULL;
    if (q) {
        s->queue = q;
    }
    fb_pair *p = q ? realloc(s->pairs, (size_t)n * TS_FEEDBACK_PAIRS * sizeof *p) : NULL;
    if (!p) {
        /* What was reallocated is kept; n_rows still tells the rows in use. */
        return ts_error_set(err, TS_ERR_NOMEM, "feedback: out of memory for %u agents",
                            (unsigned)n);
    }
    s->pairs = p;
    memset(s->n_queued + s->n_rows, 0, (size_t)(n - s->n_rows) * sizeof *s->n_queued);
    for (size_t i = (size_t)s->n_rows * TS_FEEDBACK_PAIRS; i < (size_t)n * TS_FEEDBACK_PAIRS; i++) {
        s->pairs[i] = (fb_pair){.receiver = TS_NO_AGENT};
    }
    s->n_rows = n;
    return TS_OK;
}

static void fb_free(void *state) {
    fb_state *s = state;
    if (s) {
        free(s->n_queued);
        free(s->queue);
        free(s->pairs);
        free(s);
    }
}

static ts_status fb_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    fb_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    s->probability = ts_scenario_real(sc, "tactics.feedback.probability");
    s->ratio = ts_scenario_real(sc, "tactics.feedback.positive_ratio");
    ts_status st = fb_grow(s, w, err);
    if (st != TS_OK) {
        fb_free(s);
        return st;
    }
    st = ts_evidence_add_observer(w, fb_listen, s, err);
    if (st != TS_OK) {
        fb_free(s);
        return st;
    }
    *state = s;
    return TS_OK;
}

/* The giver's history with receiver: found, or a free entry, or the least recently used
 * one (lowest index on a tie) started afresh. */
static fb_pair *fb_pair_of(fb_state *s, uint32_t giver, uint32_t receiver) {
    fb_pair *row = s->pairs + (size_t)giver * TS_FEEDBACK_PAIRS;
    fb_pair *slot = NULL;
    for (uint32_t i = 0; i < TS_FEEDBACK_PAIRS; i++) {
        if (row[i].receiver == receiver) {
            return &row[i];
        }
        if (row[i].receiver == TS_NO_AGENT) {
            if (!slot || slot->receiver != TS_NO_AGENT) {
                slot = &row[i];
            }
        } else if (!slot || (slot->receiver != TS_NO_AGENT && row[i].last_day < slot->last_day)) {
            slot = &row[i];
        }
    }
    *slot = (fb_pair){.receiver = receiver};
    return slot;
}

/* One piece of feedback from giver to receiver about an observation in `domain`. */
static void fb_give(fb_state *s, ts_world *w, uint32_t giver, const fb_record *rec) {
    uint32_t receiver = rec->subject;
    uint32_t D = w->n_domains;
    size_t k = (size_t)receiver * D + rec->domain;
    fb_pair *h = fb_pair_of(s, giver, receiver);
    float c = w->competence[k];
    if (rec->success) {
        w->competence[k] = c + TS_FEEDBACK_LEARN_POSITIVE * (1.0f - c);
        w->self_alpha[k] += TS_FEEDBACK_SELF_WEIGHT;
        ts_ev_goodwill_now(w, receiver, giver, TS_FEEDBACK_GOODWILL_POSITIVE);
        if (h->positives < UINT16_MAX) {
            h->positives++;
        }
    } else {
        double buffer = ts_feedback_buffer(h->positives, h->negatives, s->ratio);
        w->competence[k] = c + TS_FEEDBACK_LEARN_NEGATIVE * (1.0f - c);
        w->self_beta[k] += TS_FEEDBACK_SELF_WEIGHT;
        ts_ev_goodwill_now(w, receiver, giver,
                           (float)(-(double)TS_FEEDBACK_GOODWILL_NEGATIVE * (1.0 - buffer)));
        if (h->negatives < UINT16_MAX) {
            h->negatives++;
        }
        s->negative++;
    }
    h->last_day = w->day;
    ts_ev_hours_now(w, giver, TS_HOURS_MEETINGS, TS_FEEDBACK_HOURS_GIVER);
    ts_ev_hours_now(w, receiver, TS_HOURS_MEETINGS, TS_FEEDBACK_HOURS_RECEIVER);
    s->given++;
}

/* Each person (in id order) goes through the direct observations it made since the last
 * org phase, in the order it made them, and gives feedback on each with probability
 * `probability` (one draw per observation from its own stream, drawn whether or not the
 * feedback can be given). No feedback to or from someone who has left; with
 * positive_ratio 0 only criticism is given. Every queue is emptied. The warm-up runs it
 * too. Source: seed 003's pro tip (a positive buffer before criticism). */
static ts_status fb_org(void *state, ts_world *w, const ts_day *d) {
    fb_state *s = state;
    s->given = 0;
    s->negative = 0;
    uint32_t n = w->n < s->n_rows ? w->n : s->n_rows;
    for (uint32_t a = 0; a < n; a++) {
        uint32_t nq = s->n_queued[a];
        if (nq == 0) {
            continue;
        }
        s->n_queued[a] = 0;
        ts_rng r;
        ts_day_rng(d, a, &r);
        for (uint32_t i = 0; i < nq; i++) {
            const fb_record *rec = &s->queue[(size_t)a * TS_FEEDBACK_QUEUE + i];
            int give = ts_rng_uniform(&r) < s->probability;
            if (!give || !w->active[a] || rec->subject == a || rec->subject >= w->n ||
                !w->active[rec->subject] || (rec->success && !(s->ratio > 0.0))) {
                continue;
            }
            fb_give(s, w, a, rec);
        }
    }
    return TS_OK;
}

uint32_t ts_feedback_pending(const void *state, uint32_t agent) {
    const fb_state *s = state;
    return agent < s->n_rows ? s->n_queued[agent] : 0;
}

void ts_feedback_history(const void *state, uint32_t giver, uint32_t receiver, uint32_t *positives,
                         uint32_t *negatives) {
    const fb_state *s = state;
    *positives = *negatives = 0;
    if (giver >= s->n_rows) {
        return;
    }
    const fb_pair *row = s->pairs + (size_t)giver * TS_FEEDBACK_PAIRS;
    for (uint32_t i = 0; i < TS_FEEDBACK_PAIRS; i++) {
        if (row[i].receiver == receiver) {
            *positives = row[i].positives;
            *negatives = row[i].negatives;
            return;
        }
    }
}

static const ts_metric_decl fb_metrics[] = {
    {"feedback_given", "feedback/day", "Pieces of feedback given (feedback tactic)."},
    {"feedback_negative", "feedback/day",
     "Pieces of feedback given on a failure: criticism (feedback tactic)."},
};

static ts_status fb_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    const fb_state *s = state;
    (void)w;
    (void)acc;
    v[0] = s->given;
    v[1] = s->negative;
    return TS_OK;
}

/* Saved states: the observations queued (field by field: a record has padding; only the
 * entries queued) and the pairs remembered. */
static ts_status feedback_state_io(void *state, ts_world *w, ts_state_io *io) {
    fb_state *s = state;
    size_t nq = (size_t)w->n * TS_FEEDBACK_QUEUE;
    uint32_t *subject = calloc(nq + 1, sizeof *subject);
    uint8_t *bits = calloc(2 * nq + 1, 1);
    if (!subject || !bits) {
        free(subject);
        free(bits);
        return ts_error_set(io->err, TS_ERR_NOMEM, "out of memory");
    }
    /* Only the entries queued (the rest of a row is whatever was there). */
    for (size_t i = 0; i < nq && !ts_sio_loading(io); i++) {
        if (i % TS_FEEDBACK_QUEUE >= s->n_queued[i / TS_FEEDBACK_QUEUE]) {
            continue;
        }
        subject[i] = s->queue[i].subject;
        bits[2 * i] = s->queue[i].domain;
        bits[2 * i + 1] = s->queue[i].success;
    }
    ts_sio_typed(io, "n_queued", TS_SIO_U8, s->n_queued, w->n);
    ts_sio_typed(io, "queue_subject", TS_SIO_U32, subject, nq);
    ts_sio_typed(io, "queue_domain_success", TS_SIO_U8, bits, 2 * nq);
    for (size_t i = 0; i < nq && ts_sio_loading(io) && ts_sio_status(io) == TS_OK; i++) {
        s->queue[i] = (fb_record){subject[i], bits[2 * i], bits[2 * i + 1]};
    }
    free(subject);
    free(bits);
    ts_sio_array(io, "pairs", s->pairs, sizeof *s->pairs, (size_t)w->n * TS_FEEDBACK_PAIRS);
    return ts_sio_status(io);
}

const ts_module ts_module_feedback = {
    .name = "feedback",
    .sections = feedback_sections,
    .n_sections = sizeof feedback_sections / sizeof feedback_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
    .configure = fb_configure,
    .free = fb_free,
    .grow = fb_grow,
    .org = fb_org,
    .metrics = fb_metrics,
    .n_metrics = sizeof fb_metrics / sizeof fb_metrics[0],
    .n_acc = 0,
    .day_end = fb_day_end,
    .state_io = feedback_state_io,
};
