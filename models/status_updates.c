#include "status_updates.h"

#include "shared.h"

#include "evidence.h"
#include "work.h"

#include <stdlib.h>

static const ts_param status_updates_tactic_params[] = {
    {
        .key = "every",
        .type = TS_PT_INT,
        .def = "5",
        .min = 1,
        .max = 365,
        .units = "days",
        .doc = "Days between two status updates of a task.",
    },
};

static const ts_section status_updates_tactic_section = {
    .name = "tactics.status_updates",
    .optional = 1,
    .params = status_updates_tactic_params,
    .n_params = sizeof status_updates_tactic_params / sizeof status_updates_tactic_params[0],
    .doc = "Regular written status of every task.",
};

static const ts_section *const status_updates_sections[] = {&status_updates_tactic_section};

typedef struct su_state {
    ts_work_link link; /* the success link of what people are seen doing */
    int32_t every;
    uint32_t posted; /* updates posted today (written in org, read at day_end) */
} su_state;

static ts_status su_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    /* The shared columns this module reads or writes (models/shared.h). */
    ts_status shared = ts_shared_register(w, err);
    if (shared != TS_OK) {
        return shared;
    }
    su_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    s->every = (int32_t)ts_scenario_int(sc, "tactics.status_updates.every");
    ts_work_link_load(sc, &s->link);
    *state = s;
    return TS_OK;
}

static void su_free(void *state) {
    free(state);
}

/* x mod n in [0, n), also for the negative days of the warm-up. */
static int64_t su_mod(int64_t x, int64_t n) {
    int64_t r = x % n;
    return r < 0 ? r + n : r;
}

/* Each active, available person posts on its own days (staggered by id, so the posts of a
 * team spread over the period). The manager stands in for the readers: the stakeholders
 * of a task are private to the work module, which instead reads status_day as news for
 * all of them (fud_mean). */
static ts_status su_org(void *state, ts_world *w, const ts_day *d) {
    su_state *s = state;
    s->posted = 0;
    for (uint32_t a = 0; a < w->n; a++) {
        if (!w->active[a] || ts_busy(w)[a] || su_mod((int64_t)d->day + a, s->every) != 0) {
            continue;
        }
        ts_ev_hours_now(w, a, TS_HOURS_MEETINGS, TS_STATUS_UPDATES_WRITE_HOURS);
        ts_status_day(w)[a] = d->day;
        ts_surface(w)[a] += TS_STATUS_UPDATES_SURFACE;
        s->posted++;
        uint32_t m = w->manager[a];
        if (m == TS_NO_AGENT || !w->active[m]) {
            continue;
        }
        ts_rng r;
        ts_day_rng(d, a, &r);
        uint32_t dom = ts_rng_below(&r, w->n_domains);
        int ok = ts_rng_uniform(&r) < ts_work_success_of(&s->link, w, a, dom);
        ts_ev_hours_now(w, m, TS_HOURS_MEETINGS, TS_STATUS_UPDATES_READ_HOURS);
        ts_ev_observe_now(w, m, a, dom, ok, TS_STATUS_UPDATES_WEIGHT);
    }
    return TS_OK;
}

static const ts_metric_decl su_metrics[] = {
    {"status_updates_posted", "updates/day", "Status updates posted (status-updates tactic)."},
};

static ts_status su_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    const su_state *s = state;
    (void)w;
    (void)acc;
    v[0] = s->posted;
    return TS_OK;
}

static const char *const su_org_after[] = {"incident"};

/* Saved states: nothing lasts from one day to the next beyond the scenario's values
 * (configure) and the day's counters. */
static ts_status status_updates_state_io(void *state, ts_world *w, ts_state_io *io) {
    (void)state;
    (void)w;
    return ts_sio_status(io);
}

const ts_module ts_module_status_updates = {
    .name = "status_updates",
    .org_after = su_org_after,
    .n_org_after = sizeof su_org_after / sizeof su_org_after[0],
    .sections = status_updates_sections,
    .n_sections = sizeof status_updates_sections / sizeof status_updates_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
    .configure = su_configure,
    .free = su_free,
    .org = su_org,
    .metrics = su_metrics,
    .n_metrics = sizeof su_metrics / sizeof su_metrics[0],
    .n_acc = 0,
    .day_end = su_day_end,
    .state_io = status_updates_state_io,
};
