#include "understanding.h"

#include "shared.h"

#include "departments.h"
#include "evidence.h"
#include "trust.h"
#include "work.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

static const ts_param understanding_tactic_params[] = {
    {
        .key = "per_month",
        .type = TS_PT_REAL,
        .def = "1",
        .min = 0,
        .max = 40,
        .units = "sessions per month",
        .doc = "Listening sessions each person starts in a month of 20 working days, with "
               "someone of another department (it also joins those others start).",
    },
    {
        .key = "rate",
        .type = TS_PT_REAL,
        .def = "0.1",
        .min = 0,
        .max = 1,
        .units = "fraction",
        .doc = "Share of what is left to understand that one session closes, for each side.",
    },
    {
        .key = "hours",
        .type = TS_PT_REAL,
        .def = "1",
        .min = 0,
        .max = 8,
        .units = "hours",
        .doc = "Each side's time per session.",
    },
};

static const ts_section understanding_tactic_section = {
    .name = "tactics.understanding",
    .optional = 1,
    .params = understanding_tactic_params,
    .n_params = sizeof understanding_tactic_params / sizeof understanding_tactic_params[0],
    .doc = "Cross-department listening sessions: understanding the other side's context.",
};

static const ts_section *const understanding_sections[] = {&understanding_tactic_section};

/* ---- Pure parts ----------------------------------------------------------------------- */

float ts_understanding_gain(float u, double rate) {
    return (float)(u + rate * (1.0 - u));
}

float ts_understanding_credit(float integ_a, float integ_b, float penalty, float du) {
    if (!(integ_b > 0.0f) || !(penalty > 0.0f) || !(du > 0.0f)) {
        return 0.0f;
    }
    return (float)((double)du * penalty * integ_a / integ_b);
}

float ts_understanding_of(const ts_world *w, uint32_t a) {
    int c = ts_world_column_find(w, TS_UNDERSTANDING_COLUMN);
    if (c < 0 || a >= w->n) {
        return 0.0f;
    }
    return ((const float *)w->cols[c].data)[a];
}

/* ---- State ---------------------------------------------------------------------------- */

/* Per agent, written only by its own act: the sessions it started on `day`. */
typedef struct und_row {
    int32_t day;
    uint32_t started;
} und_row;

typedef struct und_state {
    double per_day; /* sessions a person starts per working day: per_month / 20 */
    double rate;
    float hours;
    float penalty; /* the full transactional prior (models/departments.h) */
    ts_trust_params tp;
    ts_work_link link;
    int multi;    /* several departments */
    uint32_t col; /* the understanding column */
    int dept_col; /* the departments' column, -1 without */
    und_row *rows;
    uint32_t n_alloc;
} und_state;

/* To both sides of a session: raise the receiver's understanding (about: the other). */
enum { UND_MK_SESSION = TS_MK_MODULE_BASE };

static void und_free(void *state) {
    und_state *s = state;
    if (s) {
        free(s->rows);
    }
    free(s);
}

static ts_status und_grow(void *state, const ts_world *w, ts_error *err) {
    und_state *s = state;
    return ts_rows_grow((void **)&s->rows, sizeof *s->rows, offsetof(und_row, day), &s->n_alloc,
                        w->n_alloc, err);
}

static ts_status und_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    ts_status st = ts_shared_register(w, err);
    if (st != TS_OK) {
        return st;
    }
    und_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    s->per_day = ts_scenario_real(sc, "tactics.understanding.per_month") / 20.0;
    s->rate = ts_scenario_real(sc, "tactics.understanding.rate");
    s->hours = (float)ts_scenario_real(sc, "tactics.understanding.hours");
    ts_trust_params_load(sc, &s->tp);
    ts_work_link_load(sc, &s->link);
    s->penalty = ts_departments_penalty(s->tp.integ_a, s->tp.integ_b,
                                        ts_scenario_real(sc, "org.cross_department_prior"), 0.0);
    s->multi = ts_scenario_list_len(sc, "org.departments") > 1;
    s->dept_col = ts_world_column_find(w, TS_DEPT_COLUMN);
    st = ts_world_column_add(w, TS_UNDERSTANDING_COLUMN, sizeof(float), 0, NULL, &s->col, err);
    if (st == TS_OK) {
        st = und_grow(s, w, err);
    }
    if (st != TS_OK) {
        und_free(s);
        return st;
    }
    *state = s;
    return TS_OK;
}

static const uint8_t *und_dept(const ts_world *w, const und_state *s) {
    return (const uint8_t *)w->cols[s->dept_col].data;
}

/* May a and b hold a session today? Both active and available, of two departments. */
static int und_eligible(const und_state *s, const ts_world *w, uint32_t a, uint32_t b) {
    if (a == b || b >= w->n || !w->active[b] || ts_busy(w)[b] || ts_is_ai(w)[b]) {
        return 0;
    }
    const uint8_t *dep = und_dept(w, s);
    return dep[b] != TS_DEPT_NONE && dep[b] != dep[a];
}

static void *und_act_row(void *state, uint32_t a) {
    und_state *s = state;
    return &s->rows[a];
}

/* From the first recorded day (the tactic is what the organisation starts doing then):
 * floor(p) sessions and one more with probability frac(p), p = per_month / 20, each with
 * a partner drawn uniformly by rejection among the people of other departments. */
static ts_status und_act(const void *state, const ts_world *w, uint32_t a, void *own, ts_emit *e) {
    if (ts_is_ai(w)[a]) {
        return TS_OK; /* AI agents take no part (models/ai.h) */
    }
    const und_state *s = state;
    und_row *row = own;
    row->day = w->day;
    row->started = 0;
    if (!s->multi || s->dept_col < 0 || w->day < 1 || ts_busy(w)[a] ||
        und_dept(w, s)[a] == TS_DEPT_NONE) {
        return TS_OK;
    }
    ts_rng r;
    ts_emit_rng(e, &r);
    uint32_t sessions = ts_rng_count(&r, s->per_day);
    for (uint32_t c = 0; c < sessions; c++) {
        for (int t = 0; t < TS_UNDERSTANDING_TRIES; t++) {
            uint32_t b = ts_rng_below(&r, w->n);
            if (!und_eligible(s, w, a, b)) {
                continue;
            }
            ts_work_meet_emit(&s->link, w, a, b, TS_UNDERSTANDING_WEIGHT, TS_UNDERSTANDING_GOODWILL,
                              &r, e);
            ts_ev_hours(e, a, TS_HOURS_MEETINGS, s->hours);
            ts_ev_hours(e, b, TS_HOURS_MEETINGS, s->hours);
            ts_emit_send(e, (ts_msg){.to = a, .about = b, .kind = UND_MK_SESSION});
            ts_emit_send(e, (ts_msg){.to = b, .about = a, .kind = UND_MK_SESSION});
            row->started++;
            break;
        }
    }
    return TS_OK;
}

/* The receiver's understanding rises; its models of people of other departments are
 * credited for the gain (its own state only). */
static ts_status und_handle(void *state, ts_world *w, const ts_msg *m) {
    const und_state *s = state;
    if (ts_evidence_handle(w, m) || m->kind != UND_MK_SESSION) {
        return TS_OK;
    }
    float *u = (float *)w->cols[s->col].data;
    float before = u[m->to];
    float after = ts_understanding_gain(before, s->rate);
    u[m->to] = after;
    float credit =
        ts_understanding_credit(s->tp.integ_a, s->tp.integ_b, s->penalty, after - before);
    if (credit <= 0.0f) {
        return TS_OK;
    }
    const uint8_t *dep = und_dept(w, s);
    uint32_t n = ts_relstore_count(&w->models, m->to);
    for (uint32_t slot = 0; slot < n; slot++) {
        uint32_t j = ts_relstore_id(&w->models, m->to, slot);
        if (dep[j] != TS_DEPT_NONE && dep[j] != dep[m->to]) {
            ts_relstore_add_integrity(&w->models, m->to, slot, w->day, credit, 0.0f, 0.0f);
        }
    }
    return TS_OK;
}

/* ---- Metrics ----------------------------------------------------------------------------- */

static const ts_metric_decl und_metrics[] = {
    {"understanding_sessions", "sessions/day",
     "Cross-department listening sessions held (understanding tactic)."},
    {"understanding_mean", "fraction",
     "Mean understanding of the other departments' context over employed people."},
};

static ts_status und_measure(const void *state, const ts_world *w, uint32_t a0, uint32_t a1,
                             double *acc) {
    const und_state *s = state;
    const float *u = (const float *)w->cols[s->col].data;
    for (uint32_t a = a0; a < a1; a++) {
        if (!w->active[a] || ts_is_ai(w)[a]) {
            continue;
        }
        if (s->rows[a].day == w->day) {
            acc[0] += s->rows[a].started;
        }
        acc[1] += u[a];
        acc[2] += 1.0;
    }
    return TS_OK;
}

static ts_status und_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    (void)state;
    (void)w;
    v[0] = acc[0];
    v[1] = acc[2] > 0.0 ? acc[1] / acc[2] : NAN;
    return TS_OK;
}

/* Saved states: each agent's act row (understanding itself is a world column). */
static ts_status und_state_io(void *state, ts_world *w, ts_state_io *io) {
    und_state *s = state;
    ts_sio_array(io, "rows", s->rows, sizeof *s->rows, w->n);
    return ts_sio_status(io);
}

const ts_module ts_module_understanding = {
    .name = "understanding",
    .sections = understanding_sections,
    .n_sections = sizeof understanding_sections / sizeof understanding_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
    .configure = und_configure,
    .free = und_free,
    .grow = und_grow,
    .act = und_act,
    .act_row = und_act_row,
    .handle = und_handle,
    .metrics = und_metrics,
    .n_metrics = sizeof und_metrics / sizeof und_metrics[0],
    .n_acc = 3,
    .measure = und_measure,
    .day_end = und_day_end,
    .state_io = und_state_io,
};
