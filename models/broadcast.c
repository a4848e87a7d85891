#include "broadcast.h"

#include "shared.h"

#include "evidence.h"

#include <stdlib.h>

static const ts_param broadcast_tactic_params[] = {
    {
        .key = "every",
        .type = TS_PT_INT,
        .def = "14",
        .min = 1,
        .max = 365,
        .units = "days",
        .doc = "Days between two broadcasts.",
    },
    {
        .key = "attendance",
        .type = TS_PT_REAL,
        .def = "0.8",
        .min = 0,
        .max = 1,
        .units = "probability",
        .doc = "Chance that a person attends a given broadcast.",
    },
};

static const ts_section broadcast_tactic_section = {
    .name = "tactics.broadcast",
    .optional = 1,
    .params = broadcast_tactic_params,
    .n_params = sizeof broadcast_tactic_params / sizeof broadcast_tactic_params[0],
    .doc = "Regular all-hands updates from the CEO.",
};

static const ts_section *const broadcast_sections[] = {&broadcast_tactic_section};

typedef struct broadcast_state {
    int32_t every;
    float attendance;
    uint32_t attendees; /* today's, for the metric */
} broadcast_state;

static ts_status broadcast_configure(const ts_scenario *sc, ts_world *w, void **state,
                                     ts_error *err) {
    /* The shared columns this module reads or writes (models/shared.h). */
    ts_status shared = ts_shared_register(w, err);
    if (shared != TS_OK) {
        return shared;
    }
    broadcast_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    s->every = (int32_t)ts_scenario_int(sc, "tactics.broadcast.every");
    s->attendance = (float)ts_scenario_real(sc, "tactics.broadcast.attendance");
    *state = s;
    return TS_OK;
}

static void broadcast_free(void *state) {
    free(state);
}

/* The CEO speaks (unless an incident keeps it busy); each person decides on its own
 * stream whether to come, so attendance does not depend on who else was hired. */
static ts_status broadcast_org(void *state, ts_world *w, const ts_day *d) {
    broadcast_state *s = state;
    s->attendees = 0;
    uint32_t ceo = w->root;
    if (d->day % s->every != 0 || ceo == TS_NO_AGENT || !w->active[ceo] || ts_busy(w)[ceo]) {
        return TS_OK;
    }
    uint32_t D = w->n_domains;
    const float *c_ceo = w->competence + (size_t)ceo * D;
    ts_ev_hours_now(w, ceo, TS_HOURS_MEETINGS, TS_BROADCAST_HOURS_CEO);
    for (uint32_t a = 0; a < w->n; a++) {
        if (a == ceo || !w->active[a] || ts_busy(w)[a]) {
            continue;
        }
        ts_rng r;
        ts_day_rng(d, a, &r);
        if (ts_rng_uniform(&r) >= s->attendance) {
            continue;
        }
        w->alignment[a] *= TS_BROADCAST_ALIGNMENT_KEEP;
        uint32_t dom = ts_rng_below(&r, D);
        int ok = ts_rng_uniform(&r) < c_ceo[dom];
        ts_ev_observe_now(w, a, ceo, dom, ok, TS_BROADCAST_OBSERVATION);
        ts_ev_hours_now(w, a, TS_HOURS_MEETINGS, TS_BROADCAST_HOURS);
        s->attendees++;
    }
    return TS_OK;
}

static const ts_metric_decl broadcast_metrics[] = {
    {"broadcast_attendees", "people/day",
     "People who attended the CEO's broadcast that day (0 on days without one)."},
};

static ts_status broadcast_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    (void)w;
    (void)acc;
    const broadcast_state *s = state;
    v[0] = s->attendees;
    return TS_OK;
}

static const char *const broadcast_org_after[] = {"incident"};

const ts_module ts_module_broadcast = {
    .name = "broadcast",
    .org_after = broadcast_org_after,
    .n_org_after = sizeof broadcast_org_after / sizeof broadcast_org_after[0],
    .sections = broadcast_sections,
    .n_sections = sizeof broadcast_sections / sizeof broadcast_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
    .configure = broadcast_configure,
    .free = broadcast_free,
    .org = broadcast_org,
    .metrics = broadcast_metrics,
    .n_metrics = sizeof broadcast_metrics / sizeof broadcast_metrics[0],
    .n_acc = 0,
    .day_end = broadcast_day_end,
};
