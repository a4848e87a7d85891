#include "offsites.h"

#include "shared.h"

#include "evidence.h"
#include "work.h"

#include <stdlib.h>
#include <string.h>

static const ts_param offsites_tactic_params[] = {
    {
        .key = "every",
        .type = TS_PT_INT,
        .def = "180",
        .min = 1,
        .max = 3650,
        .units = "days",
        .doc = "Days between two offsites.",
    },
    {
        .key = "meetings",
        .type = TS_PT_INT,
        .def = "10",
        .min = 0,
        .max = 1000,
        .units = "meetings",
        .doc = "People of its department each person meets at an offsite.",
    },
};

static const ts_section offsites_tactic_section = {
    .name = "tactics.offsites",
    .optional = 1,
    .params = offsites_tactic_params,
    .n_params = sizeof offsites_tactic_params / sizeof offsites_tactic_params[0],
    .doc = "Regular department offsites.",
};

static const ts_section *const offsites_sections[] = {&offsites_tactic_section};

/* Per agent, written only by its own act: the meetings it started on `day`. */
typedef struct offsites_row {
    int32_t day;
    uint32_t started;
} offsites_row;

/* The most meetings a person starts (the key's maximum), and the room its draw needs: the
 * small-pool draw copies a department of at most 2 x meetings + 1 people. */
#define OFFSITES_MAX_MEETINGS 1000u
#define OFFSITES_PICK (2u * OFFSITES_MAX_MEETINGS + 1u)

typedef struct offsites_state {
    ts_work_link link; /* the success link of what people are seen doing */
    int32_t every;
    uint32_t meetings;
    float hours;   /* work.hours_per_day: the offsite takes the whole day */
    int32_t today; /* the day of the offsite org prepared (INT32_MIN: none yet) */
    uint32_t nh;   /* the heads listed today */
    /* Workspaces of n_alloc agents (owned), rebuilt in org on every offsite day and only
     * read in act. */
    uint32_t n_alloc;
    uint32_t *dept;    /* head of the agent's department; TS_NO_AGENT if not taking part */
    uint32_t *start;   /* n_alloc + 1: department h is members[start[h] .. start[h + 1]) */
    uint32_t *members; /* the people taking part, by department, in id order */
    uint32_t *heads;   /* the depth-1 managers taking part (the CEO's meetings), id order */
    /* Per agent: the last day it met someone (written in its own apply), and its act row. */
    int32_t *met_day;
    offsites_row *rows;
} offsites_state;

/* The module's own message: the receiver met someone at today's offsite. */
enum { OFFSITES_MK_MET = TS_MK_MODULE_BASE };

/* Grows the workspaces and rows to n agents; 0 when out of memory (the old ones stay
 * valid). New agents have not met anyone. */
static int offsites_reserve(offsites_state *s, uint32_t n) {
    if (n <= s->n_alloc) {
        return 1;
    }
    uint32_t **arrays[] = {&s->dept, &s->members, &s->heads};
    for (size_t k = 0; k < sizeof arrays / sizeof arrays[0]; k++) {
        uint32_t *p = realloc(*arrays[k], n * sizeof *p);
        if (!p) {
            return 0;
        }
        *arrays[k] = p;
    }
    uint32_t *st = realloc(s->start, ((size_t)n + 1) * sizeof *st);
    if (!st) {
        return 0;
    }
    s->start = st;
    if (!ts_world_grow_array((void **)&s->met_day, sizeof *s->met_day, s->n_alloc, n) ||
        !ts_world_grow_array((void **)&s->rows, sizeof *s->rows, s->n_alloc, n)) {
        return 0;
    }
    for (uint32_t a = s->n_alloc; a < n; a++) {
        s->met_day[a] = INT32_MIN;
        s->rows[a].day = INT32_MIN;
    }
    s->n_alloc = n;
    return 1;
}

static void offsites_free(void *state) {
    offsites_state *s = state;
    if (s) {
        free(s->dept);
        free(s->start);
        free(s->members);
        free(s->heads);
        free(s->met_day);
        free(s->rows);
        free(s);
    }
}

static ts_status offsites_configure(const ts_scenario *sc, ts_world *w, void **state,
                                    ts_error *err) {
    /* The shared columns this module reads or writes (models/shared.h). */
    ts_status shared = ts_shared_register(w, err);
    if (shared != TS_OK) {
        return shared;
    }
    offsites_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    s->every = (int32_t)ts_scenario_int(sc, "tactics.offsites.every");
    s->meetings = (uint32_t)ts_scenario_int(sc, "tactics.offsites.meetings");
    s->hours = (float)ts_scenario_real(sc, "work.hours_per_day");
    s->today = INT32_MIN;
    if (!offsites_reserve(s, w->n_alloc)) {
        offsites_free(s);
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for the offsites' workspace");
    }
    ts_work_link_load(sc, &s->link);
    *state = s;
    return TS_OK;
}

static ts_status offsites_grow(void *state, const ts_world *w, ts_error *err) {
    offsites_state *s = state;
    if (!offsites_reserve(s, w->n_alloc)) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for the offsites' workspace");
    }
    return TS_OK;
}

/* Sorts the people taking part (employed, not busy, not the CEO) into their departments
 * (counting sort by the department's head, so each department lists its members in id
 * order) and lists the heads for the CEO. */
static uint32_t offsites_departments(offsites_state *s, const ts_world *w) {
    uint32_t n = w->n, nh = 0;
    memset(s->start, 0, ((size_t)n + 1) * sizeof *s->start);
    for (uint32_t a = 0; a < n; a++) {
        s->dept[a] = TS_NO_AGENT;
        if (a == w->root || !w->active[a] || ts_busy(w)[a] || ts_is_ai(w)[a]) {
            continue; /* AI agents do not attend (models/ai.h) */
        }
        uint32_t h = a;
        while (w->depth[h] > 1) {
            h = w->manager[h];
        }
        s->dept[a] = h;
        s->start[h + 1]++;
        if (h == a) {
            s->heads[nh++] = a;
        }
    }
    for (uint32_t h = 0; h < n; h++) {
        s->start[h + 1] += s->start[h];
    }
    /* start[h] serves as department h's cursor, which leaves it at start[h + 1]... */
    for (uint32_t a = 0; a < n; a++) {
        if (s->dept[a] != TS_NO_AGENT) {
            s->members[s->start[s->dept[a]]++] = a;
        }
    }
    /* ...so shifting by one restores the beginnings. */
    for (uint32_t h = n; h > 0; h--) {
        s->start[h] = s->start[h - 1];
    }
    s->start[0] = 0;
    return nh;
}

/* Draws up to `want` distinct partners for `self` from list[0..m) into out (which has
 * room for m); self, if listed, is never drawn. Returns how many were drawn. */
static uint32_t offsites_choose(const uint32_t *list, uint32_t m, uint32_t self, uint32_t want,
                                uint32_t *out, ts_rng *r) {
    uint32_t others = 0;
    for (uint32_t i = 0; i < m && others == 0; i++) {
        others = list[i] == self;
    }
    others = m - others;
    uint32_t k = want < others ? want : others;
    if (others <= 2u * (uint64_t)k) {
        /* A small pool: a partial Fisher-Yates shuffle of a copy. */
        uint32_t j = 0;
        for (uint32_t i = 0; i < m; i++) {
            if (list[i] != self) {
                out[j++] = list[i];
            }
        }
        for (uint32_t i = 0; i < k; i++) {
            uint32_t x = i + ts_rng_below(r, others - i);
            uint32_t t = out[i];
            out[i] = out[x];
            out[x] = t;
        }
        return k;
    }
    /* A large pool (more than twice the draws): rejection, at most half rejected. */
    for (uint32_t i = 0; i < k;) {
        uint32_t b = list[ts_rng_below(r, m)];
        int dup = b == self;
        for (uint32_t q = 0; q < i && !dup; q++) {
            dup = out[q] == b;
        }
        if (!dup) {
            out[i++] = b;
        }
    }
    return k;
}

/* Org on an offsite day: who takes part (employed, not busy), by department. Global and
 * serial; the meetings themselves are drawn in act. */
static ts_status offsites_org(void *state, ts_world *w, const ts_day *d) {
    offsites_state *s = state;
    if (d->day % s->every != 0 || s->meetings == 0 || w->n == 0) {
        return TS_OK;
    }
    /* Today's hires may have outgrown the workspaces before the engine's grow call. */
    if (!offsites_reserve(s, w->n)) {
        return ts_error_set(d->err, TS_ERR_NOMEM, "out of memory for the offsites' workspace");
    }
    s->nh = offsites_departments(s, w);
    s->today = d->day;
    return TS_OK;
}

static void *offsites_act_row(void *state, uint32_t a) {
    offsites_state *s = state;
    return &s->rows[a];
}

/* Act: everyone taking part draws its partners on its own stream; a pair may meet twice
 * when each draws the other. Each meeting goes to both sides as messages (the meeting's
 * observations and goodwill, and "met"), so each charges the day once, in its own apply. */
static ts_status offsites_act(const void *state, const ts_world *w, uint32_t a, void *own,
                              ts_emit *e) {
    if (ts_is_ai(w)[a]) {
        return TS_OK; /* AI agents take no part (models/ai.h) */
    }
    const offsites_state *s = state;
    offsites_row *row = own;
    row->day = w->day;
    row->started = 0;
    if (s->today != w->day) {
        return TS_OK;
    }
    const uint32_t *list;
    uint32_t m;
    if (a == w->root && !ts_busy(w)[a]) {
        list = s->heads;
        m = s->nh;
    } else if (s->dept[a] != TS_NO_AGENT) {
        list = s->members + s->start[s->dept[a]];
        m = s->start[s->dept[a] + 1] - s->start[s->dept[a]];
    } else {
        return TS_OK;
    }
    uint32_t pick[OFFSITES_PICK];
    ts_rng r;
    ts_emit_rng(e, &r);
    uint32_t want = s->meetings < OFFSITES_MAX_MEETINGS ? s->meetings : OFFSITES_MAX_MEETINGS;
    uint32_t k = offsites_choose(list, m, a, want, pick, &r);
    for (uint32_t i = 0; i < k; i++) {
        /* One conversation: each side sees the other work once. */
        ts_work_meet_emit(&s->link, w, a, pick[i], TS_OFFSITES_OBSERVATION, TS_OFFSITES_GOODWILL,
                          &r, e);
        ts_emit_send(e, (ts_msg){.to = a, .kind = OFFSITES_MK_MET});
        ts_emit_send(e, (ts_msg){.to = pick[i], .kind = OFFSITES_MK_MET});
    }
    row->started = k;
    return TS_OK;
}

static ts_status offsites_handle(void *state, ts_world *w, const ts_msg *m) {
    offsites_state *s = state;
    if (ts_evidence_handle(w, m)) {
        return TS_OK;
    }
    if (m->kind == OFFSITES_MK_MET && s->met_day[m->to] != w->day) {
        s->met_day[m->to] = w->day;
        ts_ev_hours_now(w, m->to, TS_HOURS_MEETINGS, s->hours);
    }
    return TS_OK;
}

static ts_status offsites_measure(const void *state, const ts_world *w, uint32_t a0, uint32_t a1,
                                  double *acc) {
    const offsites_state *s = state;
    for (uint32_t a = a0; a < a1; a++) {
        acc[0] += s->rows[a].day == w->day ? s->rows[a].started : 0u;
        acc[1] += s->met_day[a] == w->day;
    }
    return TS_OK;
}

static const ts_metric_decl offsites_metrics[] = {
    {"offsite_meetings", "meetings/day",
     "Conversations held at that day's offsite (0 on days without one)."},
    {"offsite_attendees", "people/day",
     "People who spent that day at an offsite (0 on days without one)."},
};

static ts_status offsites_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    (void)state;
    (void)w;
    v[0] = acc[0];
    v[1] = acc[1];
    return TS_OK;
}

static const char *const offsites_org_after[] = {"incident"};

/* Saved states: the day each agent last met at an offsite and its act row; the day's
 * departments are remade on the next offsite day. */
static ts_status offsites_state_io(void *state, ts_world *w, ts_state_io *io) {
    offsites_state *s = state;
    ts_sio_typed(io, "met_day", TS_SIO_I32, s->met_day, w->n);
    ts_sio_array(io, "rows", s->rows, sizeof *s->rows, w->n);
    return ts_sio_status(io);
}

const ts_module ts_module_offsites = {
    .name = "offsites",
    .org_after = offsites_org_after,
    .n_org_after = sizeof offsites_org_after / sizeof offsites_org_after[0],
    .sections = offsites_sections,
    .n_sections = sizeof offsites_sections / sizeof offsites_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
    .configure = offsites_configure,
    .free = offsites_free,
    .grow = offsites_grow,
    .org = offsites_org,
    .act = offsites_act,
    .act_row = offsites_act_row,
    .handle = offsites_handle,
    .metrics = offsites_metrics,
    .n_metrics = sizeof offsites_metrics / sizeof offsites_metrics[0],
    .n_acc = 2,
    .measure = offsites_measure,
    .day_end = offsites_day_end,
    .state_io = offsites_state_io,
};
