#include "incident.h"

#include "shared.h"

#include "evidence.h"
#include "work.h"
#include "hiring.h"
#include "trust.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const ts_param incident_incident_params[] = {
    {
        .key = "domain",
        .type = TS_PT_STRING,
        .def = "debugging",
        .min = 0,
        .max = 32,
        .units = "domain",
        .doc = "Domain of the incident; it must be one of the scenario's domains.",
    },
    {
        .key = "work_hours",
        .type = TS_PT_REAL,
        .def = "2000",
        .min = 1,
        .max = 1e9,
        .units = "hours",
        .doc = "Hours of competent work needed to resolve the incident.",
    },
    {
        .key = "responders",
        .type = TS_PT_INT,
        .def = "25",
        .min = 1,
        .max = 100000,
        .units = "people",
        .doc = "People the commander pulls in to work on the incident.",
    },
    {
        .key = "workstreams",
        .type = TS_PT_INT,
        .def = "6",
        .min = 1,
        .max = 1000,
        .units = "streams",
        .doc = "Streams the commander splits the work into, each with a lead.",
    },
    {
        .key = "conflict_loss",
        .type = TS_PT_REAL,
        .def = "0.3",
        .min = 0,
        .max = 1,
        .units = "fraction",
        .doc = "Share of a stream's progress lost to conflicting technical directions when its "
               "lead trusts none of the other leads enough to review their work; in proportion "
               "to the share of leads it distrusts.",
    },
};

static const ts_event_kind incident_incident_kind = {
    .kind = "incident",
    .params = incident_incident_params,
    .n_params = sizeof incident_incident_params / sizeof incident_incident_params[0],
    .doc = "A hard problem in one domain that needs many responders.",
};

static const ts_event_kind *const incident_event_kinds[] = {&incident_incident_kind};

static int incident_known_domain(const ts_scenario *sc, const char *domain) {
    size_t n = ts_scenario_list_len(sc, "domains");
    for (size_t i = 0; i < n; i++) {
        const char *d = ts_scenario_list_item(sc, "domains", i);
        if (d != NULL && strcmp(d, domain) == 0) {
            return 1;
        }
    }
    return 0;
}

/* "a, b, c": the scenario's domains, for the message (truncated if too long). */
static void incident_list_domains(const ts_scenario *sc, char *buf, size_t size) {
    size_t used = 0;
    size_t n = ts_scenario_list_len(sc, "domains");
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++) {
        const char *d = ts_scenario_list_item(sc, "domains", i);
        int w = snprintf(buf + used, size - used, "%s%s", i > 0 ? ", " : "", d ? d : "");
        if (w < 0) {
            break;
        }
        used += (size_t)w;
    }
}

static ts_status incident_validate(const ts_scenario *sc, ts_error *err) {
    size_t n = ts_scenario_n_events(sc);
    for (size_t i = 0; i < n; i++) {
        const ts_event *ev = ts_scenario_event(sc, i);
        const char *kind = ts_event_kind_name(ev);
        if (kind == NULL || strcmp(kind, "incident") != 0) {
            continue;
        }
        char path[64];
        size_t index = ts_event_index(ev);
        const char *domain = ts_event_string(ev, "domain");
        if (domain == NULL) {
            domain = "";
        }
        if (!incident_known_domain(sc, domain)) {
            char expected[512];
            incident_list_domains(sc, expected, sizeof expected);
            snprintf(path, sizeof path, "events[%zu].domain", index);
            return ts_scenario_fail(sc, path, err, "unknown domain (got %s, expected one of %s)",
                                    domain, expected);
        }
        double responders = ts_event_real(ev, "responders");
        double workstreams = ts_event_real(ev, "workstreams");
        if (workstreams > responders) {
            snprintf(path, sizeof path, "events[%zu].workstreams", index);
            return ts_scenario_fail(sc, path, err,
                                    "must not exceed responders (got %.0f, expected <= %.0f)",
                                    workstreams, responders);
        }
    }
    return TS_OK;
}

/* ---- Behaviour (MODEL.md §7) ------------------------------------------------------------
 * Everything happens in the serial org phase of live days. Choices where §7 leaves room:
 * - Responders come from the trusted teams first; if those hold too few people, the
 *   best believed of everyone else fill the rest. People responding to another incident
 *   under way are not available. The commander is never a responder and keeps its work.
 * - The split, the leads and which streams are supervised are decided on the first day;
 *   syncs, arguments and checks are re-evaluated each day from the beliefs at the start
 *   of the day, so trust built in the trenches lowers them.
 * - A responder's coordination is capped at its working day. A commander who leaves is
 *   replaced by the CEO's next choice (not one of the responders).
 * - incident_days counts working days with start and resolution days included.
 * The arrays of an incident are allocated on its first day (an event, not every day). */

/* ---- State ---------------------------------------------------------------------------- */

/* Observation weight of a day in the trenches, each way, for every pair of a stream. */
#define INCIDENT_TRENCH_WEIGHT 0.3f
/* Daily costs (hours). */
#define INCIDENT_SUPERVISION 1.0        /* the commander, per supervised stream */
#define INCIDENT_SUPERVISION_MEMBER 0.5 /* ...and per member besides its lead (docs/model.md) */
#define INCIDENT_SYNC 0.5               /* each member of a supervised stream */
#define INCIDENT_ARGUMENT 0.5           /* each lead of a pair of leads below review */
#define INCIDENT_CHECK_LEAD 0.5         /* a lead, per member it trusts below review */
#define INCIDENT_CHECK_MEMBER 0.25      /* that member */

/* An incident event of the scenario. */
typedef struct incident_def {
    int32_t day;
    uint32_t domain;
    double work_hours;
    uint32_t responders, workstreams;
    double conflict_loss;
} incident_def;

/* An incident that started. Every array is owned and allocated when it starts. */
typedef struct incident_run {
    const incident_def *def;
    int32_t start_day, end_day; /* end_day -1 while unresolved */
    int active;
    uint32_t commander;
    uint32_t n_resp, n_streams, n_independent;
    uint32_t *resp;       /* n_resp ids in the commander's trust order: leads first */
    uint32_t *stream;     /* n_resp: the stream of each responder */
    uint32_t *leads;      /* n_streams ids */
    uint8_t *independent; /* n_streams */
    float *coord;         /* n_resp: today's coordination hours (workspace) */
    float *conflict;      /* n_streams: today's share of the other leads its lead distrusts */
    double progress, coord_hours;
} incident_run;

/* What org assigned a person today, for its act to send as messages: the hours it spends
 * on an incident and, for a responder, the incident and its place among the responders
 * (whose stream's members it sees work). Written by org, read by the person's act. */
typedef struct incident_row {
    int32_t day;                               /* the day the rest is for (INT32_MIN: none yet) */
    float supervision, coordination, incident; /* hours */
    uint32_t run; /* 1 + index of the incident it responds to; 0: none */
    uint32_t pos; /* its index among that incident's responders */
} incident_row;

typedef struct incident_state {
    ts_work_link link; /* the success link of what people are seen doing */
    ts_trust_params tp;
    double hours_per_day;
    int32_t ramp_days;
    incident_def *defs; /* owned; the scenario's incidents in day order */
    size_t n_defs;
    incident_run *runs; /* owned; n_defs entries, the first n_runs started */
    size_t n_runs;
    size_t next_def;    /* the first event not started or skipped yet */
    int worked_today;   /* an incident was worked in today's org phase */
    incident_row *rows; /* owned; n_alloc entries */
    uint32_t n_alloc;
    int failed; /* out of memory starting an incident: reported by summarize */
} incident_state;

static void incident_run_free(incident_run *r) {
    free(r->resp);
    free(r->stream);
    free(r->leads);
    free(r->independent);
    free(r->coord);
    free(r->conflict);
}

static void incident_free(void *state) {
    incident_state *s = state;
    if (!s) {
        return;
    }
    for (size_t i = 0; i < s->n_runs; i++) {
        incident_run_free(&s->runs[i]);
    }
    free(s->runs);
    free(s->defs);
    free(s->rows);
    free(s);
}

static ts_status incident_grow(void *state, const ts_world *w, ts_error *err) {
    incident_state *s = state;
    return ts_rows_grow((void **)&s->rows, sizeof *s->rows, offsetof(incident_row, day),
                        &s->n_alloc, w->n_alloc, err);
}

/* a's row for today, emptied the first time today. */
static incident_row *incident_duty(incident_state *s, const ts_world *w, uint32_t a) {
    incident_row *row = &s->rows[a];
    if (row->day != w->day) {
        *row = (incident_row){.day = w->day};
    }
    return row;
}

static uint32_t incident_domain_index(const ts_scenario *sc, const char *domain) {
    size_t n = ts_scenario_list_len(sc, "domains");
    for (size_t i = 0; i < n; i++) {
        const char *d = ts_scenario_list_item(sc, "domains", i);
        if (d != NULL && domain != NULL && strcmp(d, domain) == 0) {
            return (uint32_t)i;
        }
    }
    return UINT32_MAX;
}

static ts_status incident_configure(const ts_scenario *sc, ts_world *w, void **state,
                                    ts_error *err) {
    /* The shared columns this module reads or writes (models/shared.h). */
    ts_status shared = ts_shared_register(w, err);
    if (shared != TS_OK) {
        return shared;
    }
    ts_status st = TS_OK;
    incident_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    ts_trust_params_load(sc, &s->tp);
    s->hours_per_day = ts_scenario_real(sc, "work.hours_per_day");
    s->ramp_days = (int32_t)ts_scenario_int(sc, "hiring.ramp_days");
    size_t n_events = ts_scenario_n_events(sc);
    s->defs = calloc(n_events ? n_events : 1, sizeof *s->defs);
    s->runs = calloc(n_events ? n_events : 1, sizeof *s->runs);
    if (!s->defs || !s->runs) {
        st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < n_events; i++) {
        const ts_event *ev = ts_scenario_event(sc, i);
        const char *kind = ts_event_kind_name(ev);
        if (kind == NULL || strcmp(kind, "incident") != 0) {
            continue;
        }
        incident_def *def = &s->defs[s->n_defs];
        def->day = ts_event_day(ev);
        def->domain = incident_domain_index(sc, ts_event_string(ev, "domain"));
        def->work_hours = ts_event_real(ev, "work_hours");
        def->responders = (uint32_t)ts_event_real(ev, "responders");
        def->workstreams = (uint32_t)ts_event_real(ev, "workstreams");
        def->conflict_loss = ts_event_real(ev, "conflict_loss");
        if (def->domain >= w->n_domains) {
            /* The validator rejects unknown domains; a scenario that skipped it is a bug. */
            st = ts_error_set(err, TS_ERR_INTERNAL, "events[%zu].domain: unknown domain",
                              ts_event_index(ev));
            goto cleanup;
        }
        s->n_defs++;
    }
    ts_work_link_load(sc, &s->link);
    *state = s;
    return TS_OK;
cleanup:
    incident_free(s);
    return st;
}

/* ---- Choosing people ------------------------------------------------------------------ */

/* i's belief mean about j's competence in d: from its model, else the prior mean. */
static float incident_belief_mean(const incident_state *s, const ts_world *w, uint32_t i,
                                  uint32_t j, uint32_t d) {
    int slot = ts_relstore_find(&w->models, i, j);
    if (slot < 0) {
        return s->tp.prior_a / (s->tp.prior_a + s->tp.prior_b);
    }
    ts_belief b;
    ts_relstore_read(&w->models, i, (uint32_t)slot, w->day, &b);
    float mu, sigma;
    ts_trust_competence(&s->tp, &b, d, &mu, &sigma);
    return mu;
}

/* A person with a sort key; sorted by key (highest first), ties by id (lowest first). */
typedef struct incident_ranked {
    float key;
    uint32_t id;
} incident_ranked;

static int incident_rank_cmp(const void *pa, const void *pb) {
    const incident_ranked *a = pa, *b = pb;
    if (a->key != b->key) {
        return a->key > b->key ? -1 : 1;
    }
    return a->id < b->id ? -1 : a->id > b->id ? 1 : 0;
}

static int incident_is_responder(const incident_run *r, uint32_t a) {
    for (uint32_t i = 0; i < r->n_resp; i++) {
        if (r->resp[i] == a) {
            return 1;
        }
    }
    return 0;
}

/* The commander: of the employed managers (agents with reports) other than the CEO, the
 * one the CEO trusts most in the domain (ties: lowest id); the CEO if there is none.
 * `skip` (may be NULL) excludes the responders of an incident under way. */
static uint32_t incident_pick_commander(const incident_state *s, const ts_world *w, uint32_t d,
                                        const incident_run *skip) {
    uint32_t best = w->root;
    float best_t = -1.0f;
    for (uint32_t x = 0; x < w->n; x++) {
        if (!w->active[x] || x == w->root || w->n_reports[x] == 0) {
            continue;
        }
        if (skip && incident_is_responder(skip, x)) {
            continue;
        }
        float t = ts_trust_of(&s->tp, w, w->root, x, d);
        if (t > best_t) {
            best_t = t;
            best = x;
        }
    }
    return best;
}

/* Marks in `pool` (w->n entries, zeroed) the members of the teams of the managers the
 * commander c trusts (domain-averaged trust >= review; its own team always counts):
 * a team is its manager and the manager's reports. */
static void incident_mark_trusted_teams(const incident_state *s, const ts_world *w, uint32_t c,
                                        uint8_t *pool) {
    for (uint32_t m = 0; m < w->n; m++) {
        if (!w->active[m] || w->n_reports[m] == 0) {
            continue;
        }
        if (m != c && ts_trust_of_mean(&s->tp, w, c, m) < s->tp.review) {
            continue;
        }
        pool[m] = 1;
        for (uint32_t j = w->first_report[m]; j != TS_NO_AGENT; j = w->next_peer[j]) {
            pool[j] = 1;
        }
    }
}

/* Picks the responders of run r (commander already set) into r->resp, best believed
 * first: from the trusted teams, then, if those are too few, from everyone else. Agents
 * responding to another incident under way are not available. `work` holds w->n
 * entries of scratch. Returns the number picked. */
static uint32_t incident_pick_responders(const incident_state *s, const ts_world *w,
                                         incident_run *r, uint8_t *pool, incident_ranked *work) {
    uint32_t c = r->commander, d = r->def->domain;
    incident_mark_trusted_teams(s, w, c, pool);
    /* 2 marks "not available". */
    for (size_t k = 0; k < s->n_runs; k++) {
        const incident_run *o = &s->runs[k];
        if (o != r && o->active) {
            for (uint32_t i = 0; i < o->n_resp; i++) {
                pool[o->resp[i]] = 2;
            }
        }
    }
    uint32_t want = r->def->responders, picked = 0;
    for (int pass = 1; pass >= 0 && picked < want; pass--) {
        uint32_t n = 0;
        for (uint32_t x = 0; x < w->n; x++) {
            if (w->active[x] && x != c && pool[x] == (uint8_t)pass && !ts_is_ai(w)[x]) {
                work[n++] = (incident_ranked){incident_belief_mean(s, w, c, x, d), x};
            }
        }
        qsort(work, n, sizeof *work, incident_rank_cmp);
        for (uint32_t i = 0; i < n && picked < want; i++) {
            r->resp[picked++] = work[i].id;
        }
    }
    return picked;
}

/* Orders the responders by the commander's trust in the domain, makes the first
 * n_streams of them leads and deals the rest round-robin in that order, so the members of
 * stream t are the responders t, t + n_streams, t + 2 n_streams, ...; a stream whose lead
 * the commander trusts at least to delegate runs independently. */
static void incident_split(const incident_state *s, const ts_world *w, incident_run *r,
                           incident_ranked *work) {
    uint32_t c = r->commander, d = r->def->domain, n = r->n_resp, k = r->n_streams;
    for (uint32_t i = 0; i < n; i++) {
        work[i] = (incident_ranked){ts_trust_of(&s->tp, w, c, r->resp[i], d), r->resp[i]};
    }
    qsort(work, n, sizeof *work, incident_rank_cmp);
    r->n_independent = 0;
    for (uint32_t i = 0; i < n; i++) {
        r->resp[i] = work[i].id;
        r->stream[i] = i % k;
        if (i < k) {
            r->leads[i] = work[i].id;
            r->independent[i] = work[i].key >= s->tp.delegate;
            r->n_independent += r->independent[i];
        }
    }
}

/* Starts the incident of def on today's day: a commander, responders and streams. */
static void incident_start(incident_state *s, ts_world *w, const incident_def *def) {
    incident_run *r = &s->runs[s->n_runs];
    memset(r, 0, sizeof *r);
    r->def = def;
    r->start_day = w->day;
    r->end_day = -1;
    uint32_t n = def->responders;
    uint32_t k = def->workstreams < n ? def->workstreams : n;
    uint8_t *pool = calloc(w->n ? w->n : 1, 1);
    incident_ranked *work = calloc(w->n ? w->n : 1, sizeof *work);
    r->resp = calloc(n, sizeof *r->resp);
    r->stream = calloc(n, sizeof *r->stream);
    r->leads = calloc(k, sizeof *r->leads);
    r->independent = calloc(k, sizeof *r->independent);
    r->coord = calloc(n, sizeof *r->coord);
    r->conflict = calloc(k, sizeof *r->conflict);
    s->n_runs++; /* owned by the state from here on, freed with it */
    if (!pool || !work || !r->resp || !r->stream || !r->leads || !r->independent || !r->coord ||
        !r->conflict) {
        s->failed = 1;
        goto cleanup;
    }
    r->commander = incident_pick_commander(s, w, def->domain, NULL);
    r->n_resp = incident_pick_responders(s, w, r, pool, work);
    r->n_streams = k < r->n_resp ? k : r->n_resp;
    incident_split(s, w, r, work);
    r->active = 1;
cleanup:
    free(pool);
    free(work);
}

/* ---- A day of the incident ------------------------------------------------------------ */

static int incident_trusts_below_review(const incident_state *s, const ts_world *w, uint32_t i,
                                        uint32_t j, uint32_t d) {
    return ts_trust_of(&s->tp, w, i, j, d) < s->tp.review;
}

/* Today's coordination hours of each responder (r->coord) from the beliefs as they stand
 * at the start of the day; returns the commander's supervision hours needed. */
static double incident_coordination(const incident_state *s, const ts_world *w, incident_run *r) {
    uint32_t d = r->def->domain;
    double supervision = 0.0;
    memset(r->coord, 0, r->n_resp * sizeof *r->coord);
    uint32_t k = r->n_streams;
    for (uint32_t t = 0; t < k; t++) {
        uint32_t live = 0;
        for (uint32_t i = t; i < r->n_resp; i += k) {
            live += w->active[r->resp[i]];
        }
        if (live == 0 || r->independent[t]) {
            continue;
        }
        /* Supervising a stream means looking at each member's work, not just its lead's. */
        supervision += INCIDENT_SUPERVISION + INCIDENT_SUPERVISION_MEMBER * (live - 1);
        for (uint32_t i = t; i < r->n_resp; i += k) {
            if (w->active[r->resp[i]]) {
                r->coord[i] += (float)INCIDENT_SYNC;
            }
        }
    }
    /* Leads are responders 0 .. n_streams-1. */
    memset(r->conflict, 0, k * sizeof *r->conflict);
    for (uint32_t a = 0; a < k; a++) {
        for (uint32_t b = a + 1; b < k; b++) {
            uint32_t la = r->leads[a], lb = r->leads[b];
            if (!w->active[la] || !w->active[lb]) {
                continue;
            }
            int ab = incident_trusts_below_review(s, w, la, lb, d);
            int ba = incident_trusts_below_review(s, w, lb, la, d);
            if (ab || ba) {
                r->coord[a] += (float)INCIDENT_ARGUMENT;
                r->coord[b] += (float)INCIDENT_ARGUMENT;
            }
            r->conflict[a] += (float)ab;
            r->conflict[b] += (float)ba;
        }
    }
    for (uint32_t i = k; i < r->n_resp; i++) {
        uint32_t t = r->stream[i], lead = r->leads[t], m = r->resp[i];
        if (w->active[lead] && w->active[m] && incident_trusts_below_review(s, w, lead, m, d)) {
            r->coord[t] += (float)INCIDENT_CHECK_LEAD;
            r->coord[i] += (float)INCIDENT_CHECK_MEMBER;
        }
    }
    for (uint32_t a = 0; k > 1 && a < k; a++) {
        r->conflict[a] /= (float)(k - 1);
    }
    return supervision;
}

static void incident_work_day(incident_state *s, ts_world *w, incident_run *r) {
    uint32_t d = r->def->domain, D = w->n_domains;
    double hpd = s->hours_per_day;
    if (!w->active[r->commander]) {
        r->commander = incident_pick_commander(s, w, d, r);
    }
    double needed = incident_coordination(s, w, r);
    /* The commander has one working day for supervision: beyond it, supervised streams
     * get only their share of its attention. */
    double supervision = needed < hpd ? needed : hpd;
    double bottleneck = needed > hpd ? hpd / needed : 1.0;
    if (supervision > 0.0) {
        incident_duty(s, w, r->commander)->supervision += (float)supervision;
        r->coord_hours += supervision;
    }
    double progress = 0.0;
    for (uint32_t i = 0; i < r->n_resp; i++) {
        uint32_t a = r->resp[i];
        if (!w->active[a]) {
            continue;
        }
        ts_busy(w)[a] = 1;
        double coord = r->coord[i] < hpd ? r->coord[i] : hpd;
        double hours = hpd - coord;
        incident_row *row = incident_duty(s, w, a);
        if (coord > 0.0) {
            row->coordination += (float)coord;
            r->coord_hours += coord;
        }
        row->incident += (float)hours;
        row->run = (uint32_t)(r - s->runs) + 1;
        row->pos = i;
        double p = hours * (double)ts_hiring_ramp(w, a, s->ramp_days) *
                   ts_competence(w)[(size_t)a * D + d];
        /* A stream whose lead distrusts the others' direction loses work to the conflict
         * (seed 003: low-trust teams stall in disputes over direction). */
        uint32_t t = r->stream[i];
        p *= 1.0 - r->def->conflict_loss * r->conflict[t];
        progress += r->independent[t] ? p : p * bottleneck;
    }
    r->progress += progress;
    if (r->progress >= r->def->work_hours) {
        r->end_day = w->day;
        r->active = 0;
    }
}

static ts_status incident_org(void *state, ts_world *w, const ts_day *day) {
    incident_state *s = state;
    s->worked_today = 0;
    if (!day->live) {
        return TS_OK;
    }
    /* Events before today (day < 1, never live) are skipped. */
    while (s->next_def < s->n_defs && s->defs[s->next_def].day < day->day) {
        s->next_def++;
    }
    while (s->next_def < s->n_defs && s->defs[s->next_def].day == day->day) {
        incident_start(s, w, &s->defs[s->next_def++]);
    }
    for (size_t k = 0; k < s->n_runs; k++) {
        if (s->runs[k].active) {
            incident_work_day(s, w, &s->runs[k]);
            s->worked_today = 1;
        }
    }
    return TS_OK;
}

/* Act, for each person org gave incident work today: it sends itself its hours and, as a
 * responder, what it sees in the trenches: every other employed member of its stream
 * succeeds or fails with that member's chance of success in the incident's domain (its
 * own stream of draws), applied in its own apply. */
static ts_status incident_act(const void *state, const ts_world *w, uint32_t a, void *row_out,
                              ts_emit *e) {
    if (ts_is_ai(w)[a]) {
        return TS_OK; /* AI agents take no part (models/ai.h) */
    }
    (void)row_out;
    const incident_state *s = state;
    const incident_row *row = a < s->n_alloc ? &s->rows[a] : NULL;
    if (!row || row->day != w->day) {
        return TS_OK;
    }
    if (row->supervision > 0.0f) {
        ts_ev_hours(e, a, TS_HOURS_SUPERVISION, row->supervision);
    }
    if (row->coordination > 0.0f) {
        ts_ev_hours(e, a, TS_HOURS_COORDINATION, row->coordination);
    }
    if (row->run == 0) {
        return TS_OK;
    }
    ts_ev_hours(e, a, TS_HOURS_INCIDENT, row->incident);
    const incident_run *r = &s->runs[row->run - 1];
    uint32_t d = r->def->domain, k = r->n_streams;
    ts_rng rng;
    ts_emit_rng(e, &rng);
    for (uint32_t q = r->stream[row->pos]; q < r->n_resp; q += k) {
        uint32_t j = r->resp[q];
        if (j == a || !w->active[j]) {
            continue;
        }
        int success = ts_rng_uniform(&rng) < ts_work_success_of(&s->link, w, j, d);
        ts_ev_observe(e, a, j, d, success, INCIDENT_TRENCH_WEIGHT);
    }
    return TS_OK;
}

static ts_status incident_handle(void *state, ts_world *w, const ts_msg *m) {
    (void)state;
    ts_evidence_handle(w, m);
    return TS_OK;
}

/* ---- Metrics and summaries ------------------------------------------------------------ */

enum { IM_ACTIVE, IM_PROGRESS, IM_COUNT };
static const ts_metric_decl incident_metrics[IM_COUNT] = {
    {"incident_active", "flag",
     "1 on a day an incident was worked (its start and resolution days included), else 0."},
    {"incident_progress", "fraction",
     "Share of the work of the most recently started incident done so far (capped at 1); 0 "
     "before any incident."},
};

static ts_status incident_day_end(void *state, const ts_world *w, const double *acc,
                                  double *values) {
    const incident_state *s = state;
    (void)w;
    (void)acc;
    values[IM_ACTIVE] = s->worked_today ? 1.0 : 0.0;
    values[IM_PROGRESS] = 0.0;
    if (s->n_runs > 0) {
        const incident_run *r = &s->runs[s->n_runs - 1];
        double f = r->progress / r->def->work_hours;
        values[IM_PROGRESS] = f < 1.0 ? f : 1.0;
    }
    return TS_OK;
}

enum { IS_DAYS, IS_COORD, IS_COUNT };
static const ts_metric_decl incident_summaries[IS_COUNT] = {
    {"incident_days", "days",
     "Working days the first incident took, its start and resolution days included; -1 if no "
     "incident started, NaN if it was still unresolved at the end."},
    {"incident_coordination_hours", "hours",
     "Coordination and supervision hours of the first incident (so far, if unresolved); NaN if "
     "no incident started."},
};

static ts_status add_summary(ts_result *res, const ts_metric_decl *d, double v) {
    return ts_result_add_scalar(res, d->name, d->units, d->description, v);
}

static ts_status incident_summarize(const void *state, const ts_world *w, ts_result *res,
                                    ts_error *err) {
    const incident_state *s = state;
    (void)w;
    if (s->failed) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory starting an incident");
    }
    double days = -1.0, coord = NAN;
    if (s->n_runs > 0) {
        const incident_run *r = &s->runs[0];
        days = r->end_day >= 0 ? (double)(r->end_day - r->start_day + 1) : NAN;
        coord = r->coord_hours;
    }
    ts_status st = add_summary(res, &incident_summaries[IS_DAYS], days);
    if (st == TS_OK) {
        st = add_summary(res, &incident_summaries[IS_COORD], coord);
    }
    if (st != TS_OK) {
        return ts_error_set(err, st, "out of memory");
    }
    size_t n = s->n_runs;
    ts_table *t = &res->incidents;
    int32_t *start =
        ts_table_add_column(t, "start_day", "day", "Day the incident started.", TS_COL_I32, n, 1);
    int32_t *end = ts_table_add_column(
        t, "end_day", "day", "Day the incident was resolved; -1 if unresolved at the end.",
        TS_COL_I32, n, 1);
    double *hours = ts_table_add_column(
        t, "work_hours", "hours", "Hours of competent work the incident needed.", TS_COL_F64, n, 1);
    uint32_t *resp = ts_table_add_column(t, "responders", "people",
                                         "Responders pulled in (fewer than asked for if the "
                                         "organisation was too small).",
                                         TS_COL_U32, n, 1);
    uint32_t *streams =
        ts_table_add_column(t, "workstreams", "streams",
                            "Streams the work was split into, each with a lead.", TS_COL_U32, n, 1);
    uint32_t *indep =
        ts_table_add_column(t, "independent_streams", "streams",
                            "Streams whose lead the commander trusted enough to delegate to "
                            "(the rest were supervised).",
                            TS_COL_U32, n, 1);
    double *ch = ts_table_add_column(t, "coordination_hours", "hours",
                                     "Coordination (syncs, arguments, checks) and supervision "
                                     "hours spent on the incident.",
                                     TS_COL_F64, n, 1);
    if (!start || !end || !hours || !resp || !streams || !indep || !ch) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for the incident table");
    }
    for (size_t k = 0; k < n; k++) {
        const incident_run *r = &s->runs[k];
        start[k] = r->start_day;
        end[k] = r->end_day;
        hours[k] = r->def->work_hours;
        resp[k] = r->n_resp;
        streams[k] = r->n_streams;
        indep[k] = r->n_independent;
        ch[k] = r->coord_hours;
    }
    return TS_OK;
}

size_t ts_incident_count(const void *state) {
    const incident_state *s = state;
    return s ? s->n_runs : 0;
}

ts_status ts_incident_get(const void *state, size_t k, ts_incident_info *out, ts_error *err) {
    const incident_state *s = state;
    if (!s || k >= s->n_runs) {
        return ts_error_set(err, TS_ERR_PARAM, "no incident %zu (got %zu started)", k,
                            ts_incident_count(state));
    }
    const incident_run *r = &s->runs[k];
    *out = (ts_incident_info){.start_day = r->start_day,
                              .end_day = r->end_day,
                              .domain = r->def->domain,
                              .commander = r->commander,
                              .work_hours = r->def->work_hours,
                              .progress = r->progress,
                              .coordination_hours = r->coord_hours,
                              .n_responders = r->n_resp,
                              .n_streams = r->n_streams,
                              .n_independent = r->n_independent,
                              .responders = r->resp,
                              .stream = r->stream,
                              .leads = r->leads,
                              .independent = r->independent};
    return TS_OK;
}

/* Saved states: which events have started, and every incident started (its responders,
 * streams and progress). Loading allocates each incident's arrays. */
static ts_status incident_state_io(void *state, ts_world *w, ts_state_io *io) {
    incident_state *s = state;
    (void)w;
    ts_sio_size(io, "next_def", &s->next_def);
    ts_sio_int(io, "failed", &s->failed);
    size_t n_runs = s->n_runs;
    ts_sio_size(io, "n_runs", &n_runs);
    if (ts_sio_loading(io) && ts_sio_status(io) == TS_OK) {
        if (n_runs > s->n_defs || s->next_def > s->n_defs || s->n_runs != 0) {
            return ts_error_set(io->err, TS_ERR_PARAM,
                                "%s holds %zu incidents started (expected at most the "
                                "scenario's %zu incident events)",
                                io->source, n_runs, s->n_defs);
        }
    }
    for (size_t i = 0; i < n_runs && ts_sio_status(io) == TS_OK; i++) {
        incident_run *r = &s->runs[i];
        char name[64];
        uint64_t def = r->def ? (uint64_t)(r->def - s->defs) : 0;
#define INCIDENT_FIELD(f) (snprintf(name, sizeof name, "run%zu/" f, i), name)
        ts_sio_u64(io, INCIDENT_FIELD("event"), &def);
        ts_sio_i32(io, INCIDENT_FIELD("start_day"), &r->start_day);
        ts_sio_i32(io, INCIDENT_FIELD("end_day"), &r->end_day);
        ts_sio_int(io, INCIDENT_FIELD("active"), &r->active);
        ts_sio_u32(io, INCIDENT_FIELD("commander"), &r->commander);
        ts_sio_u32(io, INCIDENT_FIELD("n_resp"), &r->n_resp);
        ts_sio_u32(io, INCIDENT_FIELD("n_streams"), &r->n_streams);
        ts_sio_u32(io, INCIDENT_FIELD("n_independent"), &r->n_independent);
        ts_sio_f64(io, INCIDENT_FIELD("progress"), &r->progress);
        ts_sio_f64(io, INCIDENT_FIELD("coord_hours"), &r->coord_hours);
        if (ts_sio_loading(io) && ts_sio_status(io) == TS_OK) {
            if (def >= s->n_defs) {
                return ts_error_set(io->err, TS_ERR_PARAM,
                                    "%s: incident %zu is of event %llu (expected one of the "
                                    "scenario's %zu incident events)",
                                    io->source, i, (unsigned long long)def, s->n_defs);
            }
            r->def = &s->defs[def];
            r->resp = calloc(r->n_resp + 1, sizeof *r->resp);
            r->stream = calloc(r->n_resp + 1, sizeof *r->stream);
            r->coord = calloc(r->n_resp + 1, sizeof *r->coord);
            r->leads = calloc(r->n_streams + 1, sizeof *r->leads);
            r->independent = calloc(r->n_streams + 1, sizeof *r->independent);
            r->conflict = calloc(r->n_streams + 1, sizeof *r->conflict);
            s->n_runs = i + 1; /* owned by the state from here on, freed with it */
            if (!r->resp || !r->stream || !r->coord || !r->leads || !r->independent ||
                !r->conflict) {
                return ts_error_set(io->err, TS_ERR_NOMEM, "out of memory");
            }
        }
        ts_sio_typed(io, INCIDENT_FIELD("responders"), TS_SIO_U32, r->resp, r->n_resp);
        ts_sio_typed(io, INCIDENT_FIELD("stream"), TS_SIO_U32, r->stream, r->n_resp);
        ts_sio_typed(io, INCIDENT_FIELD("leads"), TS_SIO_U32, r->leads, r->n_streams);
        ts_sio_typed(io, INCIDENT_FIELD("independent"), TS_SIO_U8, r->independent, r->n_streams);
#undef INCIDENT_FIELD
    }
    return ts_sio_status(io);
}

const ts_module ts_module_incident = {
    .name = "incident",
    .sections = NULL,
    .n_sections = 0,
    .event_kinds = incident_event_kinds,
    .n_event_kinds = sizeof incident_event_kinds / sizeof incident_event_kinds[0],
    .validate = incident_validate,
    .configure = incident_configure,
    .free = incident_free,
    .grow = incident_grow,
    .org = incident_org,
    .act = incident_act,
    .handle = incident_handle,
    .metrics = incident_metrics,
    .n_metrics = IM_COUNT,
    .n_acc = 0,
    .measure = NULL,
    .day_end = incident_day_end,
    .summaries = incident_summaries,
    .n_summaries = IS_COUNT,
    .summarize = incident_summarize,
    .state_io = incident_state_io,
};
