#include "decisions.h"

#include "evidence.h"
#include "shared.h"
#include "trust.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

static const ts_param decisions_params[] = {
    {
        .key = "every",
        .type = TS_PT_INT,
        .def = "7",
        .min = 1,
        .max = 365,
        .units = "days",
        .doc = "Days between two decisions a manager takes with its team.",
    },
    {
        .key = "concern_probability",
        .type = TS_PT_REAL,
        .def = "0.5",
        .min = 0,
        .max = 1,
        .units = "probability",
        .doc = "Chance that a member holds a concern about a decision (private information).",
    },
    {
        .key = "quality_base",
        .type = TS_PT_REAL,
        .def = "0.6",
        .min = 0,
        .max = 1,
        .units = "quality (0-1)",
        .doc = "Quality of a decision about which nobody holds a concern.",
    },
    {
        .key = "voice_gain",
        .type = TS_PT_REAL,
        .def = "0.4",
        .min = 0,
        .max = 1,
        .units = "quality",
        .doc = "Quality a decision gains when every member voices a concern (in proportion to the "
               "share of members who do).",
    },
    {
        .key = "silence_loss",
        .type = TS_PT_REAL,
        .def = "0.6",
        .min = 0,
        .max = 1,
        .units = "quality",
        .doc = "Quality a decision loses when every member keeps a concern to itself (artificial "
               "harmony; in proportion to the share of members who do).",
    },
    {
        .key = "concern_hours",
        .type = TS_PT_REAL,
        .def = "0.25",
        .min = 0,
        .max = 8,
        .units = "hours",
        .doc = "Meeting hours a voiced concern costs its member and the manager each.",
    },
    {
        .key = "reopen_probability",
        .type = TS_PT_REAL,
        .def = "0.3",
        .min = 0,
        .max = 1,
        .units = "probability",
        .doc = "Chance that each member who did not commit (kept a concern) gets the decision "
               "reopened later.",
    },
    {
        .key = "reopen_after",
        .type = TS_PT_INT,
        .def = "14",
        .min = 1,
        .max = 365,
        .units = "days",
        .doc = "Days after a decision that it is reopened.",
    },
    {
        .key = "reopen_hours",
        .type = TS_PT_REAL,
        .def = "1",
        .min = 0,
        .max = 8,
        .units = "hours",
        .doc = "Sign-off hours a reopened decision costs the manager (each member half of it).",
    },
    {
        .key = "reopen_delay",
        .type = TS_PT_REAL,
        .def = "0.5",
        .min = 0,
        .max = 10,
        .units = "days",
        .doc = "Days each member's task in progress waits when a decision is reopened (the "
               "work it rests on is back in question; at blocked efficiency meanwhile).",
    },
    {
        .key = "effect",
        .type = TS_PT_REAL,
        .def = "0.1",
        .min = 0,
        .max = 1,
        .units = "probability",
        .doc = "Chance of success a decision of quality 1 adds to each member's task in progress "
               "(quality 0 takes as much away; the change is effect x (2 quality - 1)).",
    },
};

static const ts_section decisions_section = {
    .name = "decisions",
    .optional = 0,
    .params = decisions_params,
    .n_params = sizeof decisions_params / sizeof decisions_params[0],
    .doc = "Team decisions: concerns voiced or kept (conflict), commitment, decisions reopened.",
};

static const ts_section *const decisions_sections[] = {&decisions_section};

/* Per agent, written only by its own act: the decisions it took and reopened as a manager
 * on `day`, and the days on which decisions it took earlier are reopened (lasting). */
typedef struct dec_row {
    int32_t day;
    uint16_t decisions, voiced, silent, reopened;
    float quality; /* sum over the day's decisions */
    uint32_t n_pending;
    int32_t pending[TS_DECISIONS_PENDING];
} dec_row;

typedef struct dec_state {
    ts_decisions_params p;
    ts_trust_params tp;
    dec_row *rows;
    uint32_t n_alloc;
} dec_state;

/* To a member with a task in progress: w = the chance of success the decision adds to it. */
enum { DEC_MK_EFFECT = TS_MK_MODULE_BASE, DEC_MK_DELAY };

double ts_decisions_voice_p(double safety, double trust) {
    double p = safety * trust;
    return p < 0.0 ? 0.0 : p > 1.0 ? 1.0 : p;
}

double ts_decisions_quality(const ts_decisions_params *p, uint32_t n, uint32_t voiced,
                            uint32_t silent) {
    if (n == 0) {
        return p->quality_base;
    }
    double q = p->quality_base + p->voice_gain * (double)voiced / (double)n -
               p->silence_loss * (double)silent / (double)n;
    return q < 0.0 ? 0.0 : q > 1.0 ? 1.0 : q;
}

double ts_decisions_effect(const ts_decisions_params *p, double quality) {
    return p->effect * (2.0 * quality - 1.0);
}

double ts_decisions_reopen_p(const ts_decisions_params *p, uint32_t silent) {
    return 1.0 - pow(1.0 - p->reopen_p, (double)silent);
}

static void dec_free(void *state) {
    dec_state *s = state;
    if (s) {
        free(s->rows);
    }
    free(s);
}

static ts_status dec_grow(void *state, const ts_world *w, ts_error *err) {
    dec_state *s = state;
    return ts_rows_grow((void **)&s->rows, sizeof *s->rows, offsetof(dec_row, day), &s->n_alloc,
                        w->n_alloc, err);
}

static ts_status dec_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    ts_status st = ts_shared_register(w, err);
    if (st != TS_OK) {
        return st;
    }
    dec_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    ts_decisions_params *p = &s->p;
    p->every = ts_scenario_int(sc, "decisions.every");
    p->every = p->every < 1 ? 1 : p->every;
    p->concern_p = ts_scenario_real(sc, "decisions.concern_probability");
    p->quality_base = ts_scenario_real(sc, "decisions.quality_base");
    p->voice_gain = ts_scenario_real(sc, "decisions.voice_gain");
    p->silence_loss = ts_scenario_real(sc, "decisions.silence_loss");
    p->concern_hours = ts_scenario_real(sc, "decisions.concern_hours");
    p->reopen_p = ts_scenario_real(sc, "decisions.reopen_probability");
    p->reopen_after = ts_scenario_int(sc, "decisions.reopen_after");
    p->reopen_hours = ts_scenario_real(sc, "decisions.reopen_hours");
    p->reopen_delay = ts_scenario_real(sc, "decisions.reopen_delay");
    p->effect = ts_scenario_real(sc, "decisions.effect");
    ts_trust_params_load(sc, &s->tp);
    st = dec_grow(s, w, err);
    if (st != TS_OK) {
        dec_free(s);
        return st;
    }
    *state = s;
    return TS_OK;
}

/* Member j's mean trust in the others at the table: its manager m and its teammates. */
static double dec_trust_in_team(const dec_state *s, const ts_world *w, uint32_t m, uint32_t j) {
    double t = ts_trust_of_mean(&s->tp, w, j, m);
    uint32_t n = 1;
    for (uint32_t k = w->first_report[m]; k != TS_NO_AGENT; k = w->next_peer[k]) {
        if (k != j && w->active[k] && !ts_is_ai(w)[k]) {
            t += ts_trust_of_mean(&s->tp, w, j, k);
            n++;
        }
    }
    return t / n;
}

/* A reopened decision: the manager signs it off again, each member spends half of that,
 * and each member's task in progress waits reopen_delay days (work's settle adds the
 * shared task_delay to its latency). */
static void dec_reopen(const dec_state *s, const ts_world *w, uint32_t m, ts_emit *e) {
    float h = (float)s->p.reopen_hours;
    float delay = (float)s->p.reopen_delay;
    ts_ev_hours(e, m, TS_HOURS_REVIEW, h);
    for (uint32_t j = w->first_report[m]; j != TS_NO_AGENT; j = w->next_peer[j]) {
        if (w->active[j] && !ts_is_ai(w)[j]) {
            ts_ev_hours(e, j, TS_HOURS_MEETINGS, h * TS_DECISIONS_MEMBER_SHARE);
            if (delay > 0.0f) {
                ts_emit_send(e, (ts_msg){.to = j, .about = m, .kind = DEC_MK_DELAY, .w = delay});
            }
        }
    }
}

/* Manager m's decision with its team. Per member, in the order of the reports list, two
 * draws (a concern held, voiced), made whether or not they matter; then the reopen draw. */
static void dec_decide(const dec_state *s, const ts_world *w, uint32_t m, dec_row *row, ts_rng *r,
                       ts_emit *e) {
    const ts_decisions_params *p = &s->p;
    uint32_t n = 0, voiced = 0, silent = 0;
    for (uint32_t j = w->first_report[m]; j != TS_NO_AGENT; j = w->next_peer[j]) {
        double u_held = ts_rng_uniform(r);
        double u_voice = ts_rng_uniform(r);
        if (!w->active[j] || ts_is_ai(w)[j]) {
            continue; /* AI agents are not at the table (models/ai.h) */
        }
        n++;
        if (u_held >= p->concern_p) {
            continue;
        }
        double pv = ts_decisions_voice_p(ts_safety(w)[j], dec_trust_in_team(s, w, m, j));
        if (u_voice < pv) {
            voiced++;
            ts_ev_hours(e, j, TS_HOURS_MEETINGS, (float)p->concern_hours);
        } else {
            silent++;
        }
    }
    if (n == 0) {
        return;
    }
    if (voiced > 0) {
        ts_ev_hours(e, m, TS_HOURS_MEETINGS, (float)(p->concern_hours * voiced));
    }
    double q = ts_decisions_quality(p, n, voiced, silent);
    float effect = (float)ts_decisions_effect(p, q);
    if (effect != 0.0f) {
        for (uint32_t j = w->first_report[m]; j != TS_NO_AGENT; j = w->next_peer[j]) {
            if (w->active[j] && !ts_is_ai(w)[j] && ts_task_domain(w)[j] != TS_NO_TASK) {
                ts_emit_send(e, (ts_msg){.to = j, .kind = DEC_MK_EFFECT, .w = effect});
            }
        }
    }
    if (ts_rng_uniform(r) < ts_decisions_reopen_p(p, silent) &&
        row->n_pending < TS_DECISIONS_PENDING) {
        row->pending[row->n_pending++] = w->day + (int32_t)p->reopen_after;
    }
    row->decisions++;
    row->voiced = (uint16_t)(row->voiced + voiced);
    row->silent = (uint16_t)(row->silent + silent);
    row->quality += (float)q;
}

/* A manager first reopens what is due today (a manager who has left or lost its team
 * drops what it had pending), then, every `every` days (staggered by id) and unless it is
 * on an incident, takes a decision with its team. */
static ts_status dec_act(const void *state, const ts_world *w, uint32_t x, void *own, ts_emit *e) {
    if (ts_is_ai(w)[x]) {
        return TS_OK; /* AI agents take no part (models/ai.h) */
    }
    const dec_state *s = state;
    dec_row *row = own;
    row->day = w->day;
    row->decisions = row->voiced = row->silent = row->reopened = 0;
    row->quality = 0.0f;
    if (!w->active[x] || !ts_world_is_manager(w, x)) {
        row->n_pending = 0;
        return TS_OK;
    }
    uint32_t kept = 0;
    for (uint32_t i = 0; i < row->n_pending; i++) {
        if (row->pending[i] <= w->day) {
            dec_reopen(s, w, x, e);
            row->reopened++;
        } else {
            row->pending[kept++] = row->pending[i];
        }
    }
    row->n_pending = kept;
    int64_t t = (int64_t)w->day + x;
    int64_t phase = t % s->p.every;
    if ((phase < 0 ? phase + s->p.every : phase) != 0 || ts_busy(w)[x]) {
        return TS_OK;
    }
    ts_rng r;
    ts_emit_rng(e, &r);
    dec_decide(s, w, x, row, &r, e);
    return TS_OK;
}

static void *dec_act_row(void *state, uint32_t a) {
    dec_state *s = state;
    return &s->rows[a];
}

static ts_status dec_handle(void *state, ts_world *w, const ts_msg *m) {
    (void)state;
    if (ts_evidence_handle(w, m)) {
        return TS_OK;
    }
    if (m->kind == DEC_MK_EFFECT) {
        ts_task_boost(w)[m->to] += m->w;
    } else if (m->kind == DEC_MK_DELAY) {
        ts_task_delay(w)[m->to] += m->w;
    }
    return TS_OK;
}

enum { DA_DEC, DA_VOICED, DA_SILENT, DA_QUALITY, DA_REOPENED, DA_COUNT };

static ts_status dec_measure(const void *state, const ts_world *w, uint32_t a0, uint32_t a1,
                             double *acc) {
    const dec_state *s = state;
    for (uint32_t a = a0; a < a1; a++) {
        const dec_row *row = &s->rows[a];
        if (row->day == w->day) {
            acc[DA_DEC] += row->decisions;
            acc[DA_VOICED] += row->voiced;
            acc[DA_SILENT] += row->silent;
            acc[DA_QUALITY] += row->quality;
            acc[DA_REOPENED] += row->reopened;
        }
    }
    return TS_OK;
}

enum { DM_DEC, DM_VOICED, DM_SILENT, DM_QUALITY, DM_REOPENED, DM_COUNT };

static const ts_metric_decl dec_metrics[DM_COUNT] = {
    {"team_decisions", "decisions/day", "Decisions managers took with their teams today."},
    {"concerns_voiced", "concerns/decision",
     "Concerns voiced per team decision taken today (NaN on a day without one)."},
    {"concerns_unvoiced", "concerns/decision",
     "Concerns members kept to themselves per team decision taken today (artificial harmony; NaN "
     "on a day without one)."},
    {"decision_quality", "quality (0-1)",
     "Mean quality of the team decisions taken today (NaN on a day without one)."},
    {"decisions_reopened", "decisions/day",
     "Team decisions reopened today because members had not committed to them."},
};

static ts_status dec_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    (void)state;
    (void)w;
    double n = acc[DA_DEC];
    v[DM_DEC] = n;
    v[DM_VOICED] = n > 0.0 ? acc[DA_VOICED] / n : NAN;
    v[DM_SILENT] = n > 0.0 ? acc[DA_SILENT] / n : NAN;
    v[DM_QUALITY] = n > 0.0 ? acc[DA_QUALITY] / n : NAN;
    v[DM_REOPENED] = acc[DA_REOPENED];
    return TS_OK;
}

enum { DS_QUALITY, DS_VOICED, DS_REOPENED, DS_COUNT };

static const ts_metric_decl dec_summaries[DS_COUNT] = {
    {"decision_quality_mean", "quality (0-1)",
     "Mean quality of the team decisions of the recorded days (each decision counted once)."},
    {"concerns_voiced_mean", "concerns/decision",
     "Concerns voiced per team decision over the recorded days."},
    {"reopened_per_decision", "reopens/decision",
     "Team decisions reopened over the recorded days per team decision taken."},
};

/* sum over recorded days (from day 1) of a[d] * b[d], or of a[d] when b is NULL, skipping
 * days where the product is NaN (a per-decision mean on a day without a decision). */
static double dec_sum(const ts_series *a, const ts_series *b) {
    double t = 0.0;
    for (size_t d = 1; a && d < a->n; d++) {
        double v = b ? (d < b->n ? a->values[d] * b->values[d] : NAN) : a->values[d];
        t += isnan(v) ? 0.0 : v;
    }
    return t;
}

static ts_status dec_summarize(const void *state, const ts_world *w, ts_result *res,
                               ts_error *err) {
    (void)state;
    (void)w;
    const ts_series *dec = ts_result_find_series(res, "team_decisions");
    double n = dec_sum(dec, NULL);
    double q = dec_sum(ts_result_find_series(res, "decision_quality"), dec);
    double voiced = dec_sum(ts_result_find_series(res, "concerns_voiced"), dec);
    double reopened = dec_sum(ts_result_find_series(res, "decisions_reopened"), NULL);
    const double v[DS_COUNT] = {n > 0.0 ? q / n : NAN, n > 0.0 ? voiced / n : NAN,
                                n > 0.0 ? reopened / n : NAN};
    for (size_t k = 0; k < DS_COUNT; k++) {
        const ts_metric_decl *d = &dec_summaries[k];
        ts_status st = ts_result_add_scalar(res, d->name, d->units, d->description, v[k]);
        if (st != TS_OK) {
            return ts_error_set(err, st, "out of memory for the summary");
        }
    }
    return TS_OK;
}

/* Saved states: the decisions each manager has waiting to be reopened (with the rows'
 * day counters, which the next act resets). */
static ts_status dec_state_io(void *state, ts_world *w, ts_state_io *io) {
    dec_state *s = state;
    ts_sio_array(io, "rows", s->rows, sizeof *s->rows, w->n);
    return ts_sio_status(io);
}

const ts_module ts_module_decisions = {
    .name = "decisions",
    .sections = decisions_sections,
    .n_sections = sizeof decisions_sections / sizeof decisions_sections[0],
    .configure = dec_configure,
    .free = dec_free,
    .grow = dec_grow,
    .act = dec_act,
    .act_row = dec_act_row,
    .handle = dec_handle,
    .metrics = dec_metrics,
    .n_metrics = DM_COUNT,
    .n_acc = DA_COUNT,
    .measure = dec_measure,
    .day_end = dec_day_end,
    .summaries = dec_summaries,
    .n_summaries = DS_COUNT,
    .summarize = dec_summarize,
    .state_io = dec_state_io,
};
