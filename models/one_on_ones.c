#include "one_on_ones.h"

#include "shared.h"

#include "evidence.h"
#include "work.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

static const ts_param one_on_ones_tactic_params[] = {
    {
        .key = "manager_every",
        .type = TS_PT_INT,
        .def = "7",
        .min = 1,
        .max = 365,
        .units = "days",
        .doc = "Days between a person's 1:1s with its manager.",
    },
    {
        .key = "peers",
        .type = TS_PT_INT,
        .def = "2",
        .min = 0,
        .max = 100,
        .units = "people",
        .doc = "Peers each person holds regular 1:1s with.",
    },
    {
        .key = "peer_every",
        .type = TS_PT_INT,
        .def = "14",
        .min = 1,
        .max = 365,
        .units = "days",
        .doc = "Days between two 1:1s with the same peer.",
    },
};

static const ts_section one_on_ones_tactic_section = {
    .name = "tactics.one_on_ones",
    .optional = 1,
    .params = one_on_ones_tactic_params,
    .n_params = sizeof one_on_ones_tactic_params / sizeof one_on_ones_tactic_params[0],
    .doc = "Regular 1:1 meetings with the manager and with peers.",
};

static const ts_section *const one_on_ones_sections[] = {&one_on_ones_tactic_section};

/* Per agent, written only by its own act: the meetings it started on `day` (each meeting
 * is started, drawn for and counted by one side: the report in a manager 1:1, the member
 * earlier in the reports list in a peer 1:1). */
typedef struct ooo_row {
    int32_t day;
    uint16_t held, skipped; /* held, and skipped because one side was on an incident */
} ooo_row;

typedef struct ooo_state {
    ts_work_link link;     /* the success link of what people are seen doing */
    int64_t manager_every; /* days between a report's 1:1s with its manager */
    int64_t peers;         /* teammates each person meets per peer period */
    int64_t peer_every;    /* days of a peer period */
    ooo_row *rows;
    uint32_t n_alloc;
} ooo_state;

/* One side of a meeting, to the side that applies it: about = the other side, domain and
 * success of what it saw (flags OOO_SAW), and for a report meeting its manager the
 * manager's alignment error in x (flags OOO_PULL). */
enum { OOO_MK_MEET = TS_MK_MODULE_BASE };
enum { OOO_SUCCESS = 1, OOO_SAW = 2, OOO_PULL = 4 };

/* a mod m in [0, m), m > 0, for negative a too (warm-up days are negative). */
static int64_t ooo_mod(int64_t a, int64_t m) {
    int64_t r = a % m;
    return r < 0 ? r + m : r;
}

/* floor(a / m), m > 0. */
static int64_t ooo_floordiv(int64_t a, int64_t m) {
    return (a - ooo_mod(a, m)) / m;
}

uint32_t ts_one_on_ones_partner(uint32_t n, uint32_t i, int64_t k) {
    if (n < 2 || i >= n) {
        return TS_OOO_BYE;
    }
    /* Circle method: N (even) seats, seat N-1 fixed, the others rotate; with n odd seat
     * N-1 is empty and whoever faces it sits the round out. */
    uint32_t seats = n + (n & 1u);
    uint32_t rounds = seats - 1;
    uint32_t q = (uint32_t)ooo_mod(k, rounds);
    if (i == seats - 1) {
        return q;
    }
    if (i == q) {
        return seats - 1 < n ? seats - 1 : TS_OOO_BYE;
    }
    return (uint32_t)(((uint64_t)2 * q + rounds - i) % rounds);
}

static void ooo_free(void *state) {
    ooo_state *s = state;
    if (s) {
        free(s->rows);
    }
    free(s);
}

static ts_status ooo_grow(void *state, const ts_world *w, ts_error *err) {
    ooo_state *s = state;
    return ts_rows_grow((void **)&s->rows, sizeof *s->rows, offsetof(ooo_row, day), &s->n_alloc,
                        w->n_alloc, err);
}

static ts_status ooo_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    /* The shared columns this module reads or writes (models/shared.h). */
    ts_status shared = ts_shared_register(w, err);
    if (shared != TS_OK) {
        return shared;
    }
    ooo_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    s->manager_every = ts_scenario_int(sc, "tactics.one_on_ones.manager_every");
    s->peers = ts_scenario_int(sc, "tactics.one_on_ones.peers");
    s->peer_every = ts_scenario_int(sc, "tactics.one_on_ones.peer_every");
    /* The schema keeps them in range; guard the divisions all the same. */
    s->manager_every = s->manager_every < 1 ? 1 : s->manager_every;
    s->peer_every = s->peer_every < 1 ? 1 : s->peer_every;
    s->peers = s->peers < 0 ? 0 : s->peers;
    ts_work_link_load(sc, &s->link);
    ts_status st = ooo_grow(s, w, err);
    if (st != TS_OK) {
        ooo_free(s);
        return st;
    }
    *state = s;
    return TS_OK;
}

/* One meeting of x (who draws, from its own stream) and y. Each side observes the other
 * in a random domain, success drawn from the other's chance of success; goodwill both
 * ways; both sides' hidden defects are likelier to surface (from tomorrow: work reads
 * the column in its settle); in a manager 1:1 (y is x's manager) x's alignment error
 * moves toward y's. The draws are made even when the meeting is skipped, so one skipped
 * meeting does not shift the next. Each side applies its part in its own apply. */
static void ooo_meet(const ooo_state *s, const ts_world *w, uint32_t x, uint32_t y, ts_rng *r,
                     int manager, ooo_row *row, ts_emit *e) {
    uint32_t nd = w->n_domains;
    uint32_t dx = ts_rng_below(r, nd);
    double ux = ts_rng_uniform(r);
    uint32_t dy = ts_rng_below(r, nd);
    double uy = ts_rng_uniform(r);
    if (!w->active[x] || !w->active[y]) {
        return;
    }
    if (ts_busy(w)[x] || ts_busy(w)[y]) {
        row->skipped++;
        return;
    }
    ts_msg to_x = {.to = x, .about = y, .kind = OOO_MK_MEET, .domain = (uint8_t)dx};
    ts_msg to_y = {.to = y, .about = x, .kind = OOO_MK_MEET, .domain = (uint8_t)dy};
    if (nd > 0) {
        to_x.flags = (uint8_t)(OOO_SAW | (ux < ts_work_success_of(&s->link, w, y, dx)));
        to_y.flags = (uint8_t)(OOO_SAW | (uy < ts_work_success_of(&s->link, w, x, dy)));
    }
    if (manager) {
        to_x.flags |= OOO_PULL;
        to_x.x = ts_alignment(w)[y];
    }
    ts_emit_send(e, to_x);
    ts_emit_send(e, to_y);
    row->held++;
}

/* x's meetings today in the team of its manager m: its 1:1 with m when due, and the peer
 * matchings due today. A team's peer period starts on the days (day + m) % peer_every
 * == 0; its p = min(peers, size - 1) round-robin rounds are spread evenly over the
 * period (round j on offset floor(j * peer_every / p)), and successive periods take
 * the next p rounds, so everyone meets p teammates a period (p - 1 in a period where a
 * team of odd size gives it the bye) and, over time, all of them. Positions are places
 * in the reports list (hiring order). Each meeting is held once: the member earlier
 * in the list starts it and draws for it. */
static ts_status ooo_act(const void *state, const ts_world *w, uint32_t x, void *own, ts_emit *e) {
    if (ts_is_ai(w)[x]) {
        return TS_OK; /* AI agents take no part (models/ai.h) */
    }
    const ooo_state *s = state;
    ooo_row *row = own;
    row->day = w->day;
    row->held = row->skipped = 0;
    uint32_t m = w->manager[x];
    if (m == TS_NO_AGENT || !w->active[m]) {
        return TS_OK;
    }
    uint32_t n = 0, i = 0;
    for (uint32_t j = w->first_report[m]; j != TS_NO_AGENT; j = w->next_peer[j]) {
        if (ts_is_ai(w)[j]) {
            continue; /* positions are people's: AI agents hold no 1:1s (models/ai.h) */
        }
        i = j == x ? n : i;
        n++;
    }
    int64_t p = s->peers < (int64_t)n - 1 ? s->peers : (int64_t)n - 1;
    int64_t j_lo = 0, j_hi = 0, k0 = 0;
    if (p > 0) {
        int64_t t = (int64_t)w->day + m;
        int64_t phase = ooo_mod(t, s->peer_every);
        /* Rounds j with floor(j P / p) == phase, P = peer_every: j in
         * [ceil(phase p / P), ceil((phase + 1) p / P)). */
        j_lo = (phase * p + s->peer_every - 1) / s->peer_every;
        j_hi = ((phase + 1) * p + s->peer_every - 1) / s->peer_every;
        k0 = ooo_floordiv(t, s->peer_every) * p;
    }
    ts_rng r;
    ts_emit_rng(e, &r);
    if (ooo_mod((int64_t)w->day + x, s->manager_every) == 0) {
        ooo_meet(s, w, x, m, &r, 1, row, e);
    }
    for (int64_t j = j_lo; j < j_hi; j++) {
        uint32_t at = ts_one_on_ones_partner(n, i, k0 + j);
        if (at == TS_OOO_BYE || at <= i) {
            continue;
        }
        uint32_t y = x;
        for (uint32_t step = i; step < at; step++) {
            do {
                y = w->next_peer[y];
            } while (ts_is_ai(w)[y]);
        }
        ooo_meet(s, w, x, y, &r, 0, row, e);
    }
    return TS_OK;
}

static void *ooo_act_row(void *state, uint32_t a) {
    ooo_state *s = state;
    return &s->rows[a];
}

/* The receiver's side of a meeting, in this order: the hours, what it saw, goodwill, the
 * pull toward its manager's alignment, the surfacing chance. */
static ts_status ooo_handle(void *state, ts_world *w, const ts_msg *m) {
    (void)state;
    if (ts_evidence_handle(w, m) || m->kind != OOO_MK_MEET) {
        return TS_OK;
    }
    ts_ev_hours_now(w, m->to, TS_HOURS_MEETINGS, TS_OOO_HOURS);
    if (m->flags & OOO_SAW) {
        ts_ev_observe_now(w, m->to, m->about, m->domain, m->flags & OOO_SUCCESS, TS_OOO_OBSERVE);
    }
    ts_ev_goodwill_now(w, m->to, m->about, TS_OOO_GOODWILL);
    if (m->flags & OOO_PULL) {
        ts_alignment(w)[m->to] += TS_OOO_ALIGN_PULL * (m->x - ts_alignment(w)[m->to]);
    }
    ts_surface(w)[m->to] += TS_OOO_SURFACE;
    return TS_OK;
}

static ts_status ooo_measure(const void *state, const ts_world *w, uint32_t a0, uint32_t a1,
                             double *acc) {
    const ooo_state *s = state;
    for (uint32_t a = a0; a < a1; a++) {
        if (s->rows[a].day == w->day) {
            acc[0] += s->rows[a].held;
            acc[1] += s->rows[a].skipped;
        }
    }
    return TS_OK;
}

static const ts_metric_decl ooo_metrics[] = {
    {"one_on_ones_held", "meetings/day",
     "1:1 meetings held today, with a manager or a peer (each meeting counted once)."},
    {"one_on_ones_skipped", "meetings/day",
     "1:1 meetings due today but skipped because one side was on an incident."},
};

static ts_status ooo_day_end(void *state, const ts_world *w, const double *acc, double *values) {
    (void)state;
    (void)w;
    values[0] = acc[0];
    values[1] = acc[1];
    return TS_OK;
}

/* Saved states: nothing lasts from one day to the next beyond the scenario's values
 * (configure) and the day's counters. */
static ts_status one_on_ones_state_io(void *state, ts_world *w, ts_state_io *io) {
    (void)state;
    (void)w;
    return ts_sio_status(io);
}

const ts_module ts_module_one_on_ones = {
    .name = "one_on_ones",
    .sections = one_on_ones_sections,
    .n_sections = sizeof one_on_ones_sections / sizeof one_on_ones_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = NULL,
    .configure = ooo_configure,
    .free = ooo_free,
    .grow = ooo_grow,
    .act = ooo_act,
    .act_row = ooo_act_row,
    .handle = ooo_handle,
    .metrics = ooo_metrics,
    .n_metrics = sizeof ooo_metrics / sizeof ooo_metrics[0],
    .n_acc = 2,
    .measure = ooo_measure,
    .day_end = ooo_day_end,
    .state_io = one_on_ones_state_io,
};
