#include "feedback.h"

#include "shared.h"

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

/* Per agent: the observations it queued (written by its own apply, as the believer, and
 * emptied by its own act), what it has told its receivers, and the day's counts (its act). */
typedef struct fb_row {
    fb_record queue[TS_FEEDBACK_QUEUE];
    fb_pair pairs[TS_FEEDBACK_PAIRS];
    uint8_t n_queued;
    int32_t day;
    uint16_t given, negative; /* feedback given on `day`, and of it criticism */
} fb_row;

typedef struct fb_state {
    double probability; /* tactics.feedback.probability */
    double ratio;       /* tactics.feedback.positive_ratio */
    uint32_t n_rows;    /* agents the rows have room for */
    fb_row *rows;
} fb_state;

/* To the receiver of a piece of feedback: about = the giver, domain, flags = success (the
 * observation it was about), w = the goodwill it moves toward the giver. */
enum { FB_MK_GIVE = TS_MK_MODULE_BASE };

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
        subject >= w->n || domain >= w->n_domains || !w->active[believer] || ts_is_ai(w)[subject]) {
        return; /* no feedback to an AI agent (models/ai.h) */
    }
    fb_row *row = &s->rows[believer];
    if (row->n_queued >= TS_FEEDBACK_QUEUE) {
        return;
    }
    row->queue[row->n_queued++] =
        (fb_record){.subject = subject, .domain = (uint8_t)domain, .success = (uint8_t) !!success};
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
    fb_row *rows = realloc(s->rows, (size_t)n * sizeof *rows);
    if (!rows) {
        /* What was allocated is kept; n_rows still tells the rows in use. */
        return ts_error_set(err, TS_ERR_NOMEM, "feedback: out of memory for %u agents",
                            (unsigned)n);
    }
    s->rows = rows;
    for (uint32_t a = s->n_rows; a < n; a++) {
        memset(&rows[a], 0, sizeof rows[a]);
        rows[a].day = INT32_MIN;
        for (uint32_t i = 0; i < TS_FEEDBACK_PAIRS; i++) {
            rows[a].pairs[i] = (fb_pair){.receiver = TS_NO_AGENT};
        }
    }
    s->n_rows = n;
    return TS_OK;
}

static void fb_free(void *state) {
    fb_state *s = state;
    if (s) {
        free(s->rows);
        free(s);
    }
}

static ts_status fb_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    ts_status st = ts_shared_register(w, err); /* the people's columns */
    if (st != TS_OK) {
        return st;
    }
    fb_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    s->probability = ts_scenario_real(sc, "tactics.feedback.probability");
    s->ratio = ts_scenario_real(sc, "tactics.feedback.positive_ratio");
    st = fb_grow(s, w, err);
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
static fb_pair *fb_pair_of(fb_row *giver, uint32_t receiver) {
    fb_pair *row = giver->pairs;
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

/* One piece of feedback from giver to receiver about an observation in `domain`: the
 * giver's history with the receiver (its own row) decides how much criticism costs; the
 * receiver learns, sees itself and warms or cools to the giver in its own apply. */
static void fb_give(const fb_state *s, const ts_world *w, fb_row *giver, const fb_record *rec,
                    ts_emit *e) {
    fb_pair *h = fb_pair_of(giver, rec->subject);
    float goodwill = TS_FEEDBACK_GOODWILL_POSITIVE;
    if (rec->success) {
        if (h->positives < UINT16_MAX) {
            h->positives++;
        }
    } else {
        double buffer = ts_feedback_buffer(h->positives, h->negatives, s->ratio);
        goodwill = (float)(-(double)TS_FEEDBACK_GOODWILL_NEGATIVE * (1.0 - buffer));
        if (h->negatives < UINT16_MAX) {
            h->negatives++;
        }
        giver->negative++;
    }
    h->last_day = w->day;
    ts_emit_send(e, (ts_msg){.to = rec->subject,
                             .kind = FB_MK_GIVE,
                             .about = e->from,
                             .domain = rec->domain,
                             .flags = rec->success,
                             .w = goodwill});
    ts_ev_hours(e, e->from, TS_HOURS_MEETINGS, TS_FEEDBACK_HOURS_GIVER);
    giver->given++;
}

static void *fb_act_row(void *state, uint32_t a) {
    fb_state *s = state;
    return &s->rows[a];
}

/* Each person goes through the direct observations it made since its last act, in the
 * order it made them, and gives feedback on each with probability `probability` (one
 * draw per observation from its own stream, drawn whether or not the feedback can be
 * given). No feedback to or from someone who has left; with positive_ratio 0 only
 * criticism is given. The queue is emptied. The warm-up runs it too. Source: seed 003's
 * pro tip (a positive buffer before criticism). */
static ts_status fb_act(const void *state, const ts_world *w, uint32_t a, void *own, ts_emit *e) {
    if (ts_is_ai(w)[a]) {
        return TS_OK; /* AI agents take no part (models/ai.h) */
    }
    const fb_state *s = state;
    fb_row *row = own;
    row->day = w->day;
    row->given = row->negative = 0;
    uint32_t nq = row->n_queued;
    if (nq == 0) {
        return TS_OK;
    }
    row->n_queued = 0;
    ts_rng r;
    ts_emit_rng(e, &r);
    for (uint32_t i = 0; i < nq; i++) {
        const fb_record *rec = &row->queue[i];
        int give = ts_rng_uniform(&r) < s->probability;
        if (!give || rec->subject == a || rec->subject >= w->n || !w->active[rec->subject] ||
            (rec->success && !(s->ratio > 0.0))) {
            continue;
        }
        fb_give(s, w, row, rec, e);
    }
    return TS_OK;
}

/* The receiver's side: it learns (competence moves toward 1, more after criticism), sees
 * itself succeed or fail in its self-model, warms or cools to the giver, spends the time. */
static ts_status fb_handle(void *state, ts_world *w, const ts_msg *m) {
    (void)state;
    if (ts_evidence_handle(w, m) || m->kind != FB_MK_GIVE || m->domain >= w->n_domains) {
        return TS_OK;
    }
    size_t k = (size_t)m->to * w->n_domains + m->domain;
    float c = ts_competence(w)[k];
    if (m->flags) {
        ts_competence(w)[k] = c + TS_FEEDBACK_LEARN_POSITIVE * (1.0f - c);
        ts_self_alpha(w)[k] += TS_FEEDBACK_SELF_WEIGHT;
    } else {
        ts_competence(w)[k] = c + TS_FEEDBACK_LEARN_NEGATIVE * (1.0f - c);
        ts_self_beta(w)[k] += TS_FEEDBACK_SELF_WEIGHT;
    }
    ts_ev_goodwill_now(w, m->to, m->about, m->w);
    ts_ev_hours_now(w, m->to, TS_HOURS_MEETINGS, TS_FEEDBACK_HOURS_RECEIVER);
    return TS_OK;
}

static ts_status fb_measure(const void *state, const ts_world *w, uint32_t a0, uint32_t a1,
                            double *acc) {
    const fb_state *s = state;
    for (uint32_t a = a0; a < a1 && a < s->n_rows; a++) {
        if (s->rows[a].day == w->day) {
            acc[0] += s->rows[a].given;
            acc[1] += s->rows[a].negative;
        }
    }
    return TS_OK;
}

uint32_t ts_feedback_pending(const void *state, uint32_t agent) {
    const fb_state *s = state;
    return agent < s->n_rows ? s->rows[agent].n_queued : 0;
}

void ts_feedback_history(const void *state, uint32_t giver, uint32_t receiver, uint32_t *positives,
                         uint32_t *negatives) {
    const fb_state *s = state;
    *positives = *negatives = 0;
    if (giver >= s->n_rows) {
        return;
    }
    const fb_pair *row = s->rows[giver].pairs;
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
    (void)state;
    (void)w;
    v[0] = acc[0];
    v[1] = acc[1];
    return TS_OK;
}

/* Saved states: per agent, the observations queued (field by field: a record has
 * padding; only the entries queued) and the pairs remembered. The day's counts are not
 * saved: they are read on the day they are made. */
static ts_status feedback_state_io(void *state, ts_world *w, ts_state_io *io) {
    fb_state *s = state;
    size_t n = w->n, nq = n * TS_FEEDBACK_QUEUE, np = n * TS_FEEDBACK_PAIRS;
    uint8_t *n_queued = calloc(n + 1, 1);
    uint32_t *subject = calloc(nq + 1, sizeof *subject);
    uint8_t *bits = calloc(2 * nq + 1, 1);
    fb_pair *pairs = calloc(np + 1, sizeof *pairs);
    if (!n_queued || !subject || !bits || !pairs) {
        free(n_queued);
        free(subject);
        free(bits);
        free(pairs);
        return ts_error_set(io->err, TS_ERR_NOMEM, "out of memory");
    }
    for (size_t a = 0; a < n && !ts_sio_loading(io); a++) {
        const fb_row *row = &s->rows[a];
        n_queued[a] = row->n_queued;
        for (size_t q = 0; q < row->n_queued; q++) {
            size_t i = a * TS_FEEDBACK_QUEUE + q;
            subject[i] = row->queue[q].subject;
            bits[2 * i] = row->queue[q].domain;
            bits[2 * i + 1] = row->queue[q].success;
        }
        memcpy(pairs + a * TS_FEEDBACK_PAIRS, row->pairs, sizeof row->pairs);
    }
    ts_sio_typed(io, "n_queued", TS_SIO_U8, n_queued, n);
    ts_sio_typed(io, "queue_subject", TS_SIO_U32, subject, nq);
    ts_sio_typed(io, "queue_domain_success", TS_SIO_U8, bits, 2 * nq);
    ts_sio_array(io, "pairs", pairs, sizeof *pairs, np);
    for (size_t a = 0; a < n && ts_sio_loading(io) && ts_sio_status(io) == TS_OK; a++) {
        fb_row *row = &s->rows[a];
        row->n_queued = n_queued[a] <= TS_FEEDBACK_QUEUE ? n_queued[a] : TS_FEEDBACK_QUEUE;
        for (size_t q = 0; q < TS_FEEDBACK_QUEUE; q++) {
            size_t i = a * TS_FEEDBACK_QUEUE + q;
            row->queue[q] = (fb_record){subject[i], bits[2 * i], bits[2 * i + 1]};
        }
        memcpy(row->pairs, pairs + a * TS_FEEDBACK_PAIRS, sizeof row->pairs);
    }
    free(n_queued);
    free(subject);
    free(bits);
    free(pairs);
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
    .act = fb_act,
    .act_row = fb_act_row,
    .handle = fb_handle,
    .metrics = fb_metrics,
    .n_metrics = sizeof fb_metrics / sizeof fb_metrics[0],
    .n_acc = 2,
    .measure = fb_measure,
    .day_end = fb_day_end,
    .state_io = feedback_state_io,
};
