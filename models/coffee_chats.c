#include "coffee_chats.h"

#include "shared.h"

#include "evidence.h"
#include "work.h"

#include <math.h>
#include <stdlib.h>

static const ts_param coffee_chats_tactic_params[] = {
    {
        .key = "per_week",
        .type = TS_PT_REAL,
        .def = "1",
        .min = 0,
        .max = 35,
        .units = "chats per week",
        .doc = "Chats each person starts in a week (it also joins the chats others start).",
    },
};

static const ts_section coffee_chats_tactic_section = {
    .name = "tactics.coffee_chats",
    .optional = 1,
    .params = coffee_chats_tactic_params,
    .n_params = sizeof coffee_chats_tactic_params / sizeof coffee_chats_tactic_params[0],
    .doc = "Informal chats across teams.",
};

static const ts_section *const coffee_chats_sections[] = {&coffee_chats_tactic_section};

typedef struct cc_state {
    double per_day; /* chats a person starts per working day: per_week / 5 */
    ts_work_link link;
    uint32_t held; /* chats held today (written in org, read at day_end) */
} cc_state;

static ts_status cc_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    /* The shared columns this module reads or writes (models/shared.h). */
    ts_status shared = ts_shared_register(w, err);
    if (shared != TS_OK) {
        return shared;
    }
    cc_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    s->per_day = ts_scenario_real(sc, "tactics.coffee_chats.per_week") / 5.0;
    ts_work_link_load(sc, &s->link);
    *state = s;
    return TS_OK;
}

static void cc_free(void *state) {
    free(state);
}

int ts_coffee_chats_eligible(const ts_world *w, uint32_t a, uint32_t b) {
    if (a == b || a >= w->n || b >= w->n) {
        return 0;
    }
    if (!w->active[a] || !w->active[b] || ts_busy(w)[a] || ts_busy(w)[b]) {
        return 0;
    }
    return w->manager[a] != w->manager[b] && w->manager[a] != b && w->manager[b] != a;
}

/* One chat: a meeting (ts_work_meet) with a little goodwill; both spend the time. */
static void cc_chat(const ts_work_link *link, ts_world *w, uint32_t a, uint32_t b, ts_rng *r) {
    ts_work_meet(link, w, a, b, TS_COFFEE_CHATS_WEIGHT, TS_COFFEE_CHATS_GOODWILL, r);
    ts_ev_hours_now(w, a, TS_HOURS_MEETINGS, TS_COFFEE_CHATS_HOURS);
    ts_ev_hours_now(w, b, TS_HOURS_MEETINGS, TS_COFFEE_CHATS_HOURS);
}

/* Each active, available person starts floor(p) chats today and one more with
 * probability frac(p), p = per_week / 5 (one a week at the default). The partner is drawn
 * uniformly among everyone by rejection: a few draws of an id until one is eligible (in
 * another team, not its manager or report, available); a person who finds nobody in
 * TS_COFFEE_CHATS_TRIES draws skips that chat. The warm-up runs it too: the habit
 * predates day 0. Source: seed 003's comments (informal contact). */
static ts_status cc_org(void *state, ts_world *w, const ts_day *d) {
    cc_state *s = state;
    s->held = 0;
    double whole = floor(s->per_day);
    double frac = s->per_day - whole;
    for (uint32_t a = 0; a < w->n; a++) {
        if (!w->active[a] || ts_busy(w)[a]) {
            continue;
        }
        ts_rng r;
        ts_day_rng(d, a, &r);
        uint32_t chats = (uint32_t)whole + (ts_rng_uniform(&r) < frac);
        for (uint32_t c = 0; c < chats; c++) {
            for (int t = 0; t < TS_COFFEE_CHATS_TRIES; t++) {
                uint32_t b = ts_rng_below(&r, w->n);
                if (ts_coffee_chats_eligible(w, a, b)) {
                    cc_chat(&s->link, w, a, b, &r);
                    s->held++;
                    break;
                }
            }
        }
    }
    return TS_OK;
}

static const ts_metric_decl cc_metrics[] = {
    {"coffee_chats_held", "chats/day", "Coffee chats held (coffee-chats tactic)."},
};

static ts_status cc_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    const cc_state *s = state;
    (void)w;
    (void)acc;
    v[0] = s->held;
    return TS_OK;
}

static const char *const cc_org_after[] = {"incident"};

const ts_module ts_module_coffee_chats = {
    .name = "coffee_chats",
    .org_after = cc_org_after,
    .n_org_after = sizeof cc_org_after / sizeof cc_org_after[0],
    .sections = coffee_chats_sections,
    .n_sections = sizeof coffee_chats_sections / sizeof coffee_chats_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
    .configure = cc_configure,
    .free = cc_free,
    .org = cc_org,
    .metrics = cc_metrics,
    .n_metrics = sizeof cc_metrics / sizeof cc_metrics[0],
    .n_acc = 0,
    .day_end = cc_day_end,
};
