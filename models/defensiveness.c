#include "defensiveness.h"

#include "shared.h"

#include "ask_for_help.h"
#include "evidence.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>

static const ts_param acceptance_params[] = {
    {
        .key = "mean",
        .type = TS_PT_REAL,
        .def = "0.5",
        .min = 0,
        .max = 1,
        .units = "acceptance",
        .doc = "Mean acceptance of incomplete trust: 1 takes close monitoring in its stride, 0 "
               "resents all of it that seems unwarranted.",
    },
    {
        .key = "sd",
        .type = TS_PT_REAL,
        .def = "0.2",
        .min = 0,
        .max = 0.5,
        .units = "acceptance",
        .doc = "Spread of acceptance between people (a Beta distribution).",
    },
};

static const ts_section acceptance_section = {
    .name = "population.acceptance",
    .optional = 1,
    .params = acceptance_params,
    .n_params = sizeof acceptance_params / sizeof acceptance_params[0],
    .doc = "Acceptance of incomplete trust (off: everyone accepts it fully).",
};

static const ts_section *const defensiveness_sections[] = {&acceptance_section};

/* The stream of a person's acceptance (drawn once, keyed by the person alone). */
#define DEF_TRAIT_STREAM 0x44464e01u

/* Per agent, written only by its own act. */
typedef struct def_row {
    int32_t day;
    float acceptance;
    uint8_t drawn;     /* acceptance was drawn */
    uint8_t monitored; /* monitored on a new task today */
    float lost;        /* goodwill lost toward the monitor today */
} def_row;

typedef struct def_state {
    ts_trust_params tp;
    double mean, sd;
    def_row *rows;
    uint32_t n_alloc;
} def_state;

float ts_defensiveness_loss(float acc, float self, float trust) {
    float margin = self - trust;
    return margin > 0.0f ? (1.0f - acc) * TS_DEFENSIVENESS_LOSS * margin : 0.0f;
}

int ts_defensiveness_monitored(const ts_trust_params *tp, const ts_world *w, uint32_t a, uint32_t m,
                               uint32_t d) {
    return ts_task_trial(w)[a] || ts_trust_of(tp, w, m, a, d) < tp->delegate;
}

static void def_free(void *state) {
    def_state *s = state;
    if (s) {
        free(s->rows);
    }
    free(s);
}

static ts_status def_grow(void *state, const ts_world *w, ts_error *err) {
    def_state *s = state;
    return ts_rows_grow((void **)&s->rows, sizeof *s->rows, offsetof(def_row, day), &s->n_alloc,
                        w->n_alloc, err);
}

static ts_status def_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    ts_status st = ts_shared_register(w, err);
    if (st != TS_OK) {
        return st;
    }
    def_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    ts_trust_params_load(sc, &s->tp);
    s->mean = ts_scenario_real(sc, "population.acceptance.mean");
    s->sd = ts_scenario_real(sc, "population.acceptance.sd");
    st = def_grow(s, w, err);
    if (st != TS_OK) {
        def_free(s);
        return st;
    }
    *state = s;
    return TS_OK;
}

static void *def_act_row(void *state, uint32_t a) {
    def_state *s = state;
    return &s->rows[a];
}

/* A person's acceptance: a Beta draw with the given mean and sd (method of moments), the
 * mean itself without spread or when no Beta fits. */
static float def_draw(const def_state *s, uint64_t seed, uint32_t a) {
    double m = s->mean, sd = s->sd;
    if (!(sd > 0.0) || !(m > 0.0 && m < 1.0)) {
        return (float)m;
    }
    double k = m * (1.0 - m) / (sd * sd) - 1.0;
    if (!(k > 0.0)) {
        return (float)m;
    }
    ts_rng r;
    ts_rng_init(&r, seed, a, 0, DEF_TRAIT_STREAM);
    return (float)gsl_ran_beta(ts_rng_gsl(&r), m * k, (1.0 - m) * k);
}

/* The day after a new task starts (work publishes it in its settle), a person with a
 * manager checks whether it is monitored and whether it thinks that warranted. */
static ts_status def_act(const void *state, const ts_world *w, uint32_t a, void *own, ts_emit *e) {
    if (ts_is_ai(w)[a]) {
        return TS_OK; /* AI agents take no part (models/ai.h) */
    }
    const def_state *s = state;
    def_row *row = own;
    row->day = w->day;
    row->monitored = 0;
    row->lost = 0.0f;
    if (!row->drawn) {
        row->acceptance = def_draw(s, w->seed, a);
        row->drawn = 1;
    }
    uint32_t m = w->manager[a];
    uint32_t d = ts_task_domain(w)[a];
    if (m == TS_NO_AGENT || d >= w->n_domains || ts_task_start(w)[a] != w->day - 1 ||
        ts_task_start(w)[a] < w->hire_day[a]) {
        return TS_OK;
    }
    if (!ts_defensiveness_monitored(&s->tp, w, a, m, d)) {
        return TS_OK;
    }
    row->monitored = 1;
    float self = ts_ask_for_help_self_belief(&s->tp, w, a, d);
    float trust = ts_trust_of(&s->tp, w, m, a, d);
    row->lost = ts_defensiveness_loss(row->acceptance, self, trust);
    if (row->lost > 0.0f) {
        ts_ev_goodwill(e, a, m, -row->lost);
    }
    return TS_OK;
}

static ts_status def_handle(void *state, ts_world *w, const ts_msg *m) {
    (void)state;
    ts_evidence_handle(w, m);
    return TS_OK;
}

static ts_status def_measure(const void *state, const ts_world *w, uint32_t a0, uint32_t a1,
                             double *acc) {
    const def_state *s = state;
    for (uint32_t a = a0; a < a1; a++) {
        if (!w->active[a] || ts_is_ai(w)[a]) {
            continue;
        }
        acc[0] += 1.0;
        if (s->rows[a].day == w->day) {
            acc[1] += s->rows[a].lost;
            acc[2] += s->rows[a].monitored;
            acc[3] += s->rows[a].acceptance;
        }
    }
    return TS_OK;
}

static const ts_metric_decl def_metrics[] = {
    {"defensiveness_cost", "goodwill/person/day",
     "Goodwill people lost toward their managers for monitoring they thought unwarranted (reviews "
     "and trial tasks), per employed person."},
    {"monitored_tasks", "tasks/day",
     "New tasks whose owner's manager trusts it below the delegation threshold, or trial tasks."},
    {"acceptance_mean", "acceptance", "Mean acceptance of incomplete trust of those employed."},
};

static ts_status def_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    (void)state;
    (void)w;
    v[0] = acc[0] > 0.0 ? acc[1] / acc[0] : NAN;
    v[1] = acc[2];
    v[2] = acc[0] > 0.0 ? acc[3] / acc[0] : NAN;
    return TS_OK;
}

/* Saved states: each agent's row (its acceptance, once drawn). */
static ts_status defensiveness_state_io(void *state, ts_world *w, ts_state_io *io) {
    def_state *s = state;
    ts_sio_array(io, "rows", s->rows, sizeof *s->rows, w->n);
    return ts_sio_status(io);
}

const ts_module ts_module_defensiveness = {
    .name = "defensiveness",
    .sections = defensiveness_sections,
    .n_sections = sizeof defensiveness_sections / sizeof defensiveness_sections[0],
    .configure = def_configure,
    .free = def_free,
    .grow = def_grow,
    .act = def_act,
    .act_row = def_act_row,
    .handle = def_handle,
    .metrics = def_metrics,
    .n_metrics = sizeof def_metrics / sizeof def_metrics[0],
    .n_acc = 4,
    .measure = def_measure,
    .day_end = def_day_end,
    .state_io = defensiveness_state_io,
};
