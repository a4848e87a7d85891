#include "onboarding.h"

#include "evidence.h"
#include "work.h"

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

typedef struct ob_state {
    ts_work_link link; /* the success link of what people are seen doing */
    uint32_t meetings; /* tactics.onboarding.intro_meetings */
    uint32_t held;     /* introductions held today (written in org, read at day_end) */
} ob_state;

static ts_status ob_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    (void)w;
    ob_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    int64_t k = ts_scenario_int(sc, "tactics.onboarding.intro_meetings");
    s->meetings = (uint32_t)(k < 0                            ? 0
                             : k > TS_ONBOARDING_MAX_MEETINGS ? TS_ONBOARDING_MAX_MEETINGS
                                                              : k);
    ts_work_link_load(sc, &s->link);
    *state = s;
    return TS_OK;
}

static void ob_free(void *state) {
    free(state);
}

/* Appends the reports of m to the list (but a itself). */
static uint32_t ob_add_reports(const ts_world *w, uint32_t m, uint32_t a, uint32_t *out, uint32_t n,
                               uint32_t max) {
    for (uint32_t j = w->first_report[m]; j != TS_NO_AGENT && n < max; j = w->next_peer[j]) {
        if (j != a) {
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
static void ob_meet(const ts_work_link *link, ts_world *w, uint32_t a, uint32_t b, ts_rng *r) {
    ts_work_meet(link, w, a, b, TS_ONBOARDING_WEIGHT, TS_ONBOARDING_GOODWILL, r);
    ts_ev_hours_now(w, a, TS_HOURS_MEETINGS, TS_ONBOARDING_HOURS);
    ts_ev_hours_now(w, b, TS_HOURS_MEETINGS, TS_ONBOARDING_HOURS);
}

/* Each new hire in its first TS_ONBOARDING_DAYS days (tenure 0 .. 9, hire day included)
 * holds the introductions due that day: positions [lo, hi) of its list as the tree
 * stands today. The list is rebuilt every day instead of being fixed at hire, so a
 * hire whose team split meets its new teammates; the price is that a reshuffled list
 * may repeat or skip someone. Hires during the warm-up (replacements of leavers) are
 * onboarded too. Source: Rollag, Parise & Cross 2005 (building relationships early
 * speeds a newcomer's ramp-up). */
static ts_status ob_org(void *state, ts_world *w, const ts_day *d) {
    ob_state *s = state;
    s->held = 0;
    if (s->meetings == 0) {
        return TS_OK;
    }
    uint32_t people[TS_ONBOARDING_MAX_MEETINGS];
    for (uint32_t a = 0; a < w->n; a++) {
        if (!w->active[a] || !ts_onboarding_is_new(w, a)) {
            continue;
        }
        uint32_t lo, hi;
        ts_onboarding_due(s->meetings, w->day - w->hire_day[a], &lo, &hi);
        if (lo >= hi) {
            continue;
        }
        uint32_t n = ts_onboarding_people(w, a, people, hi);
        ts_rng r;
        ts_day_rng(d, a, &r);
        for (uint32_t k = lo; k < hi && k < n; k++) {
            if (w->active[people[k]]) {
                ob_meet(&s->link, w, a, people[k], &r);
                s->held++;
            }
        }
    }
    return TS_OK;
}

static const ts_metric_decl ob_metrics[] = {
    {"intro_meetings_held", "meetings/day",
     "Introductory meetings of new hires held (onboarding tactic)."},
};

static ts_status ob_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    const ob_state *s = state;
    (void)w;
    (void)acc;
    v[0] = s->held;
    return TS_OK;
}

static const char *const ob_org_after[] = {"hiring"};

const ts_module ts_module_onboarding = {
    .name = "onboarding",
    .org_after = ob_org_after,
    .n_org_after = sizeof ob_org_after / sizeof ob_org_after[0],
    .sections = onboarding_sections,
    .n_sections = sizeof onboarding_sections / sizeof onboarding_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
    .configure = ob_configure,
    .free = ob_free,
    .org = ob_org,
    .metrics = ob_metrics,
    .n_metrics = sizeof ob_metrics / sizeof ob_metrics[0],
    .n_acc = 0,
    .day_end = ob_day_end,
};
