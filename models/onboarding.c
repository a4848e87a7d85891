#include "onboarding.h"

#include "evidence.h"
#include "shared.h"
#include "work.h"

#include <stddef.h>
#include <stdlib.h>

static const ts_param onboarding_tactic_params[] = {
    {
        .key = "intro_meetings",
        .type = TS_PT_INT,
        .def = "8",
        .min = 0,
        .max = TS_ONBOARDING_MAX_MEETINGS,
        .units = "meetings",
        .doc = "Introductory meetings a new hire has in its first two weeks.",
    },
};

static const ts_section onboarding_tactic_section = {
    .name = "tactics.onboarding",
    .optional = 1,
    .params = onboarding_tactic_params,
    .n_params = sizeof onboarding_tactic_params / sizeof onboarding_tactic_params[0],
    .doc = "Introductions for new hires.",
};

static const ts_section *const onboarding_sections[] = {&onboarding_tactic_section};

/* Per agent, written only by its own act: the introductions it held on `day`. */
typedef struct ob_row {
    int32_t day;
    uint32_t held;
} ob_row;

typedef struct ob_state {
    ts_work_link link; /* the success link of what people are seen doing */
    uint32_t meetings; /* tactics.onboarding.intro_meetings */
    ob_row *rows;
    uint32_t n_alloc;
} ob_state;

static void ob_free(void *state) {
    ob_state *s = state;
    if (s) {
        free(s->rows);
    }
    free(s);
}

static ts_status ob_grow(void *state, const ts_world *w, ts_error *err) {
    ob_state *s = state;
    return ts_rows_grow((void **)&s->rows, sizeof *s->rows, offsetof(ob_row, day), &s->n_alloc,
                        w->n_alloc, err);
}

static ts_status ob_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    /* The shared columns it reads (is_ai, models/shared.h). */
    ts_status shared = ts_shared_register(w, err);
    if (shared != TS_OK) {
        return shared;
    }
    ob_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    int64_t k = ts_scenario_int(sc, "tactics.onboarding.intro_meetings");
    s->meetings = (uint32_t)(k < 0                            ? 0
                             : k > TS_ONBOARDING_MAX_MEETINGS ? TS_ONBOARDING_MAX_MEETINGS
                                                              : k);
    ts_work_link_load(sc, &s->link);
    ts_status st = ob_grow(s, w, err);
    if (st != TS_OK) {
        ob_free(s);
        return st;
    }
    *state = s;
    return TS_OK;
}

/* Appends the reports of m to the list (but a itself). */
static uint32_t ob_add_reports(const ts_world *w, uint32_t m, uint32_t a, uint32_t *out, uint32_t n,
                               uint32_t max) {
    for (uint32_t j = w->first_report[m]; j != TS_NO_AGENT && n < max; j = w->next_peer[j]) {
        if (j != a && !ts_is_ai(w)[j]) {
            out[n++] = j;
        }
    }
    return n;
}

/* The department neighbours stand in for a new hire's "usual stakeholders": the work
 * module keeps a team's partner teams to itself, and the teams next to one's own in the
 * tree are the people a newcomer is most often pointed to. */
uint32_t ts_onboarding_people(const ts_world *w, uint32_t a, uint32_t *out, uint32_t max) {
    uint32_t n = 0;
    if (a >= w->n || max == 0) {
        return 0;
    }
    uint32_t m = w->manager[a];
    if (m != TS_NO_AGENT) {
        out[n++] = m;
    }
    n = ob_add_reports(w, a, a, out, n, max);
    if (m == TS_NO_AGENT) {
        return n;
    }
    n = ob_add_reports(w, m, a, out, n, max);
    uint32_t g = w->manager[m];
    if (g == TS_NO_AGENT) {
        return n;
    }
    for (uint32_t s = w->first_report[g]; s != TS_NO_AGENT && n < max; s = w->next_peer[s]) {
        if (s == m || w->first_report[s] == TS_NO_AGENT) {
            continue; /* its own team, or an individual contributor: not a team */
        }
        out[n++] = s;
        n = ob_add_reports(w, s, a, out, n, max);
    }
    return n;
}

void ts_onboarding_due(uint32_t meetings, int32_t t, uint32_t *lo, uint32_t *hi) {
    if (t < 0 || t >= TS_ONBOARDING_DAYS) {
        *lo = *hi = 0;
        return;
    }
    /* k * 10 / M == t  <=>  t M <= 10 k < (t + 1) M  <=>  ceil(t M / 10) <= k < ceil((t+1) M / 10)
     */
    uint32_t u = (uint32_t)t;
    *lo = (u * meetings + TS_ONBOARDING_DAYS - 1) / TS_ONBOARDING_DAYS;
    *hi = ((u + 1) * meetings + TS_ONBOARDING_DAYS - 1) / TS_ONBOARDING_DAYS;
}

int ts_onboarding_is_new(const ts_world *w, uint32_t a) {
    return a < w->n && w->hire_day[a] > -w->warmup_days;
}

/* One introduction: a meeting (ts_work_meet) with a little goodwill; both spend the
 * time. */
static void ob_meet(const ts_work_link *link, const ts_world *w, uint32_t a, uint32_t b, ts_rng *r,
                    ts_emit *e) {
    ts_work_meet_emit(link, w, a, b, TS_ONBOARDING_WEIGHT, TS_ONBOARDING_GOODWILL, r, e);
    ts_ev_hours(e, a, TS_HOURS_MEETINGS, TS_ONBOARDING_HOURS);
    ts_ev_hours(e, b, TS_HOURS_MEETINGS, TS_ONBOARDING_HOURS);
}

/* Each new hire in its first TS_ONBOARDING_DAYS days (tenure 0 .. 9, hire day included)
 * holds the introductions due that day: positions [lo, hi) of its list as the tree
 * stands today. The list is rebuilt every day instead of being fixed at hire, so a
 * hire whose team split meets its new teammates; the price is that a reshuffled list
 * may repeat or skip someone. Hires during the warm-up (replacements of leavers) are
 * onboarded too. Source: Rollag, Parise & Cross 2005 (building relationships early
 * speeds a newcomer's ramp-up). */
static void *ob_act_row(void *state, uint32_t a) {
    ob_state *s = state;
    return &s->rows[a];
}

/* Act, for each new hire: today's introductions, drawn on its own stream; both sides get
 * the meeting and the hours by message. Act runs after every org, so a hire meets people
 * on its first day. */
static ts_status ob_act(const void *state, const ts_world *w, uint32_t a, void *own, ts_emit *e) {
    if (ts_is_ai(w)[a]) {
        return TS_OK; /* AI agents take no part (models/ai.h) */
    }
    const ob_state *s = state;
    ob_row *row = own;
    row->day = w->day;
    row->held = 0;
    if (s->meetings == 0 || !ts_onboarding_is_new(w, a)) {
        return TS_OK;
    }
    uint32_t lo, hi;
    ts_onboarding_due(s->meetings, w->day - w->hire_day[a], &lo, &hi);
    if (lo >= hi) {
        return TS_OK;
    }
    uint32_t people[TS_ONBOARDING_MAX_MEETINGS];
    uint32_t n = ts_onboarding_people(w, a, people, hi);
    ts_rng r;
    ts_emit_rng(e, &r);
    for (uint32_t k = lo; k < hi && k < n; k++) {
        if (w->active[people[k]]) {
            ob_meet(&s->link, w, a, people[k], &r, e);
            row->held++;
        }
    }
    return TS_OK;
}

static ts_status ob_handle(void *state, ts_world *w, const ts_msg *m) {
    (void)state;
    ts_evidence_handle(w, m);
    return TS_OK;
}

static ts_status ob_measure(const void *state, const ts_world *w, uint32_t a0, uint32_t a1,
                            double *acc) {
    const ob_state *s = state;
    for (uint32_t a = a0; a < a1; a++) {
        acc[0] += w->active[a] && s->rows[a].day == w->day ? s->rows[a].held : 0u;
    }
    return TS_OK;
}

static const ts_metric_decl ob_metrics[] = {
    {"intro_meetings_held", "meetings/day",
     "Introductory meetings of new hires held (onboarding tactic)."},
};

static ts_status ob_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    (void)state;
    (void)w;
    v[0] = acc[0];
    return TS_OK;
}

/* Saved states: each agent's act row (its day and introductions held). */
static ts_status onboarding_state_io(void *state, ts_world *w, ts_state_io *io) {
    ob_state *s = state;
    ts_sio_array(io, "rows", s->rows, sizeof *s->rows, w->n);
    return ts_sio_status(io);
}

const ts_module ts_module_onboarding = {
    .name = "onboarding",
    .sections = onboarding_sections,
    .n_sections = sizeof onboarding_sections / sizeof onboarding_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
    .configure = ob_configure,
    .free = ob_free,
    .grow = ob_grow,
    .act = ob_act,
    .act_row = ob_act_row,
    .handle = ob_handle,
    .metrics = ob_metrics,
    .n_metrics = sizeof ob_metrics / sizeof ob_metrics[0],
    .n_acc = 1,
    .measure = ob_measure,
    .day_end = ob_day_end,
    .state_io = onboarding_state_io,
};
