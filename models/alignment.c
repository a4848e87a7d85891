#include "alignment.h"

#include "shared.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const ts_param alignment_alignment_params[] = {
    {
        .key = "drift",
        .type = TS_PT_REAL,
        .def = "0.005",
        .min = 0,
        .max = 10,
        .units = "alignment error per day",
        .doc = "Growth of everyone's alignment error each day without shared updates.",
    },
    {
        .key = "recovery",
        .type = TS_PT_REAL,
        .def = "0.05",
        .min = 0,
        .max = 1,
        .units = "share per day",
        .doc = "Share of the alignment error that everyday work corrects each day; without "
               "tactics the error settles at drift / recovery.",
    },
};

static const ts_section alignment_alignment_section = {
    .name = "alignment",
    .optional = 0,
    .params = alignment_alignment_params,
    .n_params = sizeof alignment_alignment_params / sizeof alignment_alignment_params[0],
    .doc = "How fast people drift away from the current strategy.",
};

static const ts_param alignment_strategy_shift_params[] = {
    {
        .key = "magnitude",
        .type = TS_PT_REAL,
        .def = "0.5",
        .min = 0,
        .max = 100,
        .units = "alignment error",
        .doc = "Alignment error added to everyone but the CEO on that day.",
    },
};

static const ts_event_kind alignment_strategy_shift_kind = {
    .kind = "strategy_shift",
    .params = alignment_strategy_shift_params,
    .n_params = sizeof alignment_strategy_shift_params / sizeof alignment_strategy_shift_params[0],
    .doc = "The company changes course: everyone but the CEO is suddenly misaligned.",
};

static const ts_section *const alignment_sections[] = {&alignment_alignment_section};

static const ts_event_kind *const alignment_event_kinds[] = {&alignment_strategy_shift_kind};

double ts_alignment_misalignment(double error) {
    return 1.0 - exp(-error);
}

typedef struct shift {
    int32_t day;
    float magnitude;
} shift;

typedef struct align_state {
    float drift;
    float recovery;
    shift *shifts; /* strategy_shift events, by day */
    size_t n_shifts;
} align_state;

static ts_status align_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    ts_status st = ts_shared_register(w, err); /* the people's columns */
    if (st != TS_OK) {
        return st;
    }
    align_state *s = calloc(1, sizeof *s);
    size_t n = ts_scenario_n_events(sc);
    if (s) {
        s->shifts = calloc(n ? n : 1, sizeof *s->shifts);
    }
    if (!s || !s->shifts) {
        free(s);
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    s->drift = (float)ts_scenario_real(sc, "alignment.drift");
    s->recovery = (float)ts_scenario_real(sc, "alignment.recovery");
    for (size_t i = 0; i < n; i++) {
        const ts_event *ev = ts_scenario_event(sc, i);
        if (strcmp(ts_event_kind_name(ev), "strategy_shift") == 0) {
            s->shifts[s->n_shifts].day = ts_event_day(ev);
            s->shifts[s->n_shifts].magnitude = (float)ts_event_real(ev, "magnitude");
            s->n_shifts++;
        }
    }
    *state = s;
    return TS_OK;
}

static void align_free(void *state) {
    align_state *s = state;
    free(s->shifts);
    free(s);
}

/* A strategy shift moves the strategy away from everyone's model of it but the CEO's. */
static ts_status align_org(void *state, ts_world *w, const ts_day *d) {
    const align_state *s = state;
    if (!d->live) {
        return TS_OK;
    }
    for (size_t i = 0; i < s->n_shifts; i++) {
        if (s->shifts[i].day != d->day) {
            continue;
        }
        for (uint32_t a = 0; a < w->n; a++) {
            if (w->active[a] && a != w->root && !ts_is_ai(w)[a]) {
                ts_alignment(w)[a] += s->shifts[i].magnitude;
            }
        }
    }
    return TS_OK;
}

/* Drift away, and everyday work pulls a share of the error back: e += drift - r * e. */
static ts_status align_settle(void *state, ts_world *w, uint32_t a) {
    const align_state *s = state;
    if (a != w->root && !ts_is_ai(w)[a]) { /* an AI agent holds no model of the strategy */
        ts_alignment(w)[a] += s->drift - s->recovery * ts_alignment(w)[a];
    }
    return TS_OK;
}

static const ts_metric_decl align_metrics[] = {
    {"alignment_error", "alignment error",
     "Mean distance of employed agents' model of the strategy from the current one."},
};

static ts_status align_measure(const void *state, const ts_world *w, uint32_t a0, uint32_t a1,
                               double *acc) {
    (void)state;
    for (uint32_t a = a0; a < a1; a++) {
        if (w->active[a] && !ts_is_ai(w)[a]) {
            acc[0] += ts_alignment(w)[a];
            acc[1] += 1.0;
        }
    }
    return TS_OK;
}

static ts_status align_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    (void)state;
    (void)w;
    v[0] = acc[1] > 0.0 ? acc[0] / acc[1] : NAN;
    return TS_OK;
}

/* Saved states: nothing lasts from one day to the next beyond the scenario's values
 * (configure) and the day's counters. */
static ts_status alignment_state_io(void *state, ts_world *w, ts_state_io *io) {
    (void)state;
    (void)w;
    return ts_sio_status(io);
}

const ts_module ts_module_alignment = {
    .name = "alignment",
    .sections = alignment_sections,
    .n_sections = sizeof alignment_sections / sizeof alignment_sections[0],
    .event_kinds = alignment_event_kinds,
    .n_event_kinds = sizeof alignment_event_kinds / sizeof alignment_event_kinds[0],
    .validate = NULL,
    .configure = align_configure,
    .free = align_free,
    .org = align_org,
    .settle = align_settle,
    .metrics = align_metrics,
    .n_metrics = 1,
    .n_acc = 2,
    .measure = align_measure,
    .day_end = align_day_end,
    .state_io = alignment_state_io,
};
