#include "inspection_forums.h"

#include "shared.h"

#include "evidence.h"
#include "work.h"

#include <stdlib.h>

static const ts_param inspection_forums_tactic_params[] = {
    {
        .key = "every",
        .type = TS_PT_INT,
        .def = "7",
        .min = 1,
        .max = 365,
        .units = "days",
        .doc = "Days between two forums.",
    },
    {
        .key = "discovery",
        .type = TS_PT_REAL,
        .def = "0.3",
        .min = 0,
        .max = 1,
        .units = "probability",
        .doc = "Chance that a forum finds a given concealed defect.",
    },
};

static const ts_section inspection_forums_tactic_section = {
    .name = "tactics.inspection_forums",
    .optional = 1,
    .params = inspection_forums_tactic_params,
    .n_params = sizeof inspection_forums_tactic_params / sizeof inspection_forums_tactic_params[0],
    .doc = "Regular reviews of the work by leaders.",
};

static const ts_section *const inspection_forums_sections[] = {&inspection_forums_tactic_section};

typedef struct if_state {
    ts_work_link link; /* the success link of what people are seen doing */
    int32_t every;
    float discovery;
    uint32_t held;       /* forums held today (written in org, read at day_end) */
    uint32_t presenters; /* managers who presented today */
    uint32_t reviewed;   /* people whose work was reviewed today */
} if_state;

static ts_status if_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    /* The shared columns this module reads or writes (models/shared.h). */
    ts_status shared = ts_shared_register(w, err);
    if (shared != TS_OK) {
        return shared;
    }
    if_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    s->every = (int32_t)ts_scenario_int(sc, "tactics.inspection_forums.every");
    s->discovery = (float)ts_scenario_real(sc, "tactics.inspection_forums.discovery");
    ts_work_link_load(sc, &s->link);
    *state = s;
    return TS_OK;
}

static void if_free(void *state) {
    free(state);
}

/* Is p a manager who can present today? A busy one (on an incident) does not. */
static int if_presents(const ts_world *w, uint32_t p) {
    return w->active[p] && !ts_busy(w)[p] && ts_world_is_manager(w, p);
}

/* One leader's forum: each presenting manager (a direct report with a team) shows its
 * team's work. The leader learns where that work stands (status_day of the members), a
 * concealed defect among it is found with probability `discovery` (surface), and the
 * leader sees each presenter perform. */
static void if_forum(if_state *s, ts_world *w, const ts_day *d, uint32_t leader) {
    uint32_t n_presenting = 0;
    for (uint32_t p = w->first_report[leader]; p != TS_NO_AGENT; p = w->next_peer[p]) {
        n_presenting += (uint32_t)if_presents(w, p);
    }
    if (n_presenting == 0) {
        return; /* nothing to review below this leader: no forum */
    }
    ts_ev_hours_now(w, leader, TS_HOURS_MEETINGS, TS_INSPECTION_FORUMS_LEADER_HOURS);
    s->held++;
    for (uint32_t p = w->first_report[leader]; p != TS_NO_AGENT; p = w->next_peer[p]) {
        if (!if_presents(w, p)) {
            continue;
        }
        ts_ev_hours_now(w, p, TS_HOURS_MEETINGS, TS_INSPECTION_FORUMS_PRESENTER_HOURS);
        s->presenters++;
        for (uint32_t m = w->first_report[p]; m != TS_NO_AGENT; m = w->next_peer[m]) {
            ts_status_day(w)[m] = d->day;
            ts_surface(w)[m] += s->discovery;
            s->reviewed++;
        }
        /* p has one manager, so its id keys a stream no other draw of the day uses. */
        ts_rng r;
        ts_day_rng(d, p, &r);
        uint32_t dom = ts_rng_below(&r, w->n_domains);
        int ok = ts_rng_uniform(&r) < ts_work_success_of(&s->link, w, p, dom);
        ts_ev_observe_now(w, leader, p, dom, ok, TS_INSPECTION_FORUMS_WEIGHT);
    }
}

/* All leaders (depth 0 and 1) hold their forums on the same day, every `every` days,
 * the warm-up included. A leader on an incident holds none. */
static ts_status if_org(void *state, ts_world *w, const ts_day *d) {
    if_state *s = state;
    s->held = s->presenters = s->reviewed = 0;
    int32_t r = d->day % s->every;
    if (r != 0) {
        return TS_OK;
    }
    for (uint32_t a = 0; a < w->n; a++) {
        if (w->active[a] && !ts_busy(w)[a] && w->depth[a] <= 1) {
            if_forum(s, w, d, a);
        }
    }
    return TS_OK;
}

static const ts_metric_decl if_metrics[] = {
    {"forums_held", "forums/day", "Inspection forums held by leaders (depth 0 and 1)."},
    {"forum_reviewed", "people/day",
     "People whose work an inspection forum reviewed (members of the presenting teams)."},
};

static ts_status if_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    const if_state *s = state;
    (void)w;
    (void)acc;
    v[0] = s->held;
    v[1] = s->reviewed;
    return TS_OK;
}

static const char *const if_org_after[] = {"incident"};

/* Saved states: nothing lasts from one day to the next beyond the scenario's values
 * (configure) and the day's counters. */
static ts_status inspection_forums_state_io(void *state, ts_world *w, ts_state_io *io) {
    (void)state;
    (void)w;
    return ts_sio_status(io);
}

const ts_module ts_module_inspection_forums = {
    .name = "inspection_forums",
    .org_after = if_org_after,
    .n_org_after = sizeof if_org_after / sizeof if_org_after[0],
    .sections = inspection_forums_sections,
    .n_sections = sizeof inspection_forums_sections / sizeof inspection_forums_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
    .configure = if_configure,
    .free = if_free,
    .org = if_org,
    .metrics = if_metrics,
    .n_metrics = sizeof if_metrics / sizeof if_metrics[0],
    .n_acc = 0,
    .day_end = if_day_end,
    .state_io = inspection_forums_state_io,
};
