#include "work_internal.h"

#include "shared.h"

#include "alignment.h"
#include "declare_limits.h"
#include "evidence.h"
#include "openness.h"
#include "stats.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const ts_param work_work_params[] = {
    {
        .key = "hours_per_day",
        .type = TS_PT_REAL,
        .def = "8",
        .min = 1,
        .max = 24,
        .units = "hours",
        .doc = "Working hours in one simulated day.",
    },
    {
        .key = "task_hours",
        .type = TS_PT_REAL,
        .def = "40",
        .min = 1,
        .max = 10000,
        .units = "hours",
        .doc = "Mean size of a task (lognormal).",
    },
    {
        .key = "task_hours_sd",
        .type = TS_PT_REAL,
        .def = "20",
        .min = 0,
        .max = 10000,
        .units = "hours",
        .doc = "Standard deviation of the size of a task.",
    },
    {
        .key = "difficulty",
        .type = TS_PT_REAL,
        .def = "0.4",
        .min = -10,
        .max = 10,
        .units = "competence",
        .doc = "Ability at which a piece of work succeeds half the time (the item-response "
               "curve's midpoint): ability = competence * exp(-alignment error).",
    },
    {
        .key = "skill_scale",
        .type = TS_PT_REAL,
        .def = "0.1",
        .min = 0.001,
        .max = 10,
        .units = "competence",
        .doc = "How sharply success rises with ability around the difficulty: the success "
               "odds grow e-fold for each skill_scale of ability.",
    },
    {
        .key = "tech_debt.mean",
        .type = TS_PT_REAL,
        .def = "0.2",
        .min = 0,
        .max = 0.95,
        .units = "share of a day",
        .doc = "Mean technical debt of a team: the share of its members' working day spent on "
               "toil keeping its systems running (drawn per team when it first appears; a team "
               "split off an existing one inherits its debt).",
    },
    {
        .key = "tech_debt.sd",
        .type = TS_PT_REAL,
        .def = "0.1",
        .min = 0,
        .max = 0.5,
        .units = "share of a day",
        .doc = "Spread of technical debt between teams (a Beta distribution).",
    },
    {
        .key = "tech_debt.visibility",
        .type = TS_PT_REAL,
        .def = "0.1",
        .min = 0,
        .max = 10,
        .units = "observation weight",
        .doc = "Weight at which a person's manager and teammates see it on a day of toil (a "
               "share of days equal to the team's debt): firefighting is done together.",
    },
    {
        .key = "kept_word",
        .type = TS_PT_REAL,
        .def = "0.1",
        .min = 0,
        .max = 10,
        .units = "observations per observation",
        .doc = "Honesty evidence an observer takes from work it sees delivered, per unit of "
               "the observation's weight (an owned-up failure gives 1 per unit).",
    },
    {
        .key = "raise_early",
        .type = TS_PT_REAL,
        .def = "0.05",
        .min = 0,
        .max = 1,
        .units = "probability per day",
        .doc = "Daily chance that the owner of a hidden (concealed) problem raises it before it "
               "is discovered, times the owner's candour, its safety and its trust in its "
               "manager (0: problems stay hidden until found).",
    },
    {
        .key = "decision_probability",
        .type = TS_PT_REAL,
        .def = "0.5",
        .min = 0,
        .max = 1,
        .units = "probability",
        .doc = "Chance that a task starts with a decision needing sign-off.",
    },
    {
        .key = "stakeholders.base",
        .type = TS_PT_REAL,
        .def = "1",
        .min = 0,
        .max = 100,
        .units = "people",
        .doc =
            "Stakeholders who sign off a decision while the organisation is at its starting size.",
    },
    {
        .key = "stakeholders.per_doubling",
        .type = TS_PT_REAL,
        .def = "0.5",
        .min = 0,
        .max = 100,
        .units = "people per doubling",
        .doc = "Extra stakeholders per doubling of the headcount since day 0.",
    },
    {
        .key = "max_backlog_days",
        .type = TS_PT_REAL,
        .def = "3",
        .min = 0,
        .max = 365,
        .units = "days",
        .doc = "Overhead a person carries into later days before dropping the rest and "
               "rubber-stamping.",
    },
    {
        .key = "blocked_efficiency",
        .type = TS_PT_REAL,
        .def = "0.5",
        .min = 0,
        .max = 1,
        .units = "fraction",
        .doc = "Share of normal speed at which an owner works while waiting for sign-off.",
    },
    {
        .key = "partner_teams",
        .type = TS_PT_INT,
        .def = "2",
        .min = 0,
        .max = 100,
        .units = "teams",
        .doc = "Other teams each team works with and draws its stakeholders from.",
    },
    {
        .key = "partner_visibility",
        .type = TS_PT_REAL,
        .def = "0.15",
        .min = 0,
        .max = 1,
        .units = "observation weight",
        .doc = "Weight of the outcome observation that members of partner teams get of each task.",
    },
};

static const ts_section work_work_section = {
    .name = "work",
    .optional = 0,
    .params = work_work_params,
    .n_params = sizeof work_work_params / sizeof work_work_params[0],
    .doc = "Tasks, sign-offs, stakeholders and the working day.",
};

static const ts_section *const work_sections[] = {&work_work_section, &work_setback_section};

/* ---- The success link ------------------------------------------------------------------ */

void ts_work_link_load(const ts_scenario *sc, ts_work_link *link) {
    link->difficulty = ts_scenario_real(sc, "work.difficulty");
    link->scale = ts_scenario_real(sc, "work.skill_scale");
}

/* The item-response curve itself, at an ability. */
static double success_at(const ts_work_link *link, double ability) {
    return 1.0 / (1.0 + exp(-(ability - link->difficulty) / link->scale));
}

double ts_work_success_p(const ts_work_link *link, double competence, double alignment_error) {
    return success_at(link, competence * (1.0 - ts_alignment_misalignment(alignment_error)));
}

double ts_work_success_of(const ts_work_link *link, const ts_world *w, uint32_t a, uint32_t d) {
    return ts_work_success_p(link, ts_competence(w)[(size_t)a * w->n_domains + d],
                             ts_alignment(w)[a]);
}

void ts_work_success_all(const ts_work_link *link, const ts_world *w, uint32_t a, double *p) {
    /* As ts_work_success_p, the alignment factor computed once. */
    double keep = 1.0 - ts_alignment_misalignment(ts_alignment(w)[a]);
    const float *c = ts_competence(w) + (size_t)a * w->n_domains;
    for (uint32_t d = 0; d < w->n_domains; d++) {
        p[d] = success_at(link, (double)c[d] * keep);
    }
}

void ts_work_meet(const ts_work_link *link, ts_world *w, uint32_t a, uint32_t b, float weight,
                  float goodwill, ts_rng *r) {
    uint32_t D = w->n_domains;
    uint32_t da = ts_rng_below(r, D);
    int ok_a = ts_rng_uniform(r) < ts_work_success_of(link, w, b, da);
    uint32_t db = ts_rng_below(r, D);
    int ok_b = ts_rng_uniform(r) < ts_work_success_of(link, w, a, db);
    ts_ev_observe_now(w, a, b, da, ok_a, weight);
    ts_ev_observe_now(w, b, a, db, ok_b, weight);
    ts_ev_goodwill_now(w, a, b, goodwill);
    ts_ev_goodwill_now(w, b, a, goodwill);
}

void ts_work_meet_emit(const ts_work_link *link, const ts_world *w, uint32_t a, uint32_t b,
                       float weight, float goodwill, ts_rng *r, ts_emit *e) {
    uint32_t D = w->n_domains;
    uint32_t da = ts_rng_below(r, D);
    int ok_a = ts_rng_uniform(r) < ts_work_success_of(link, w, b, da);
    uint32_t db = ts_rng_below(r, D);
    int ok_b = ts_rng_uniform(r) < ts_work_success_of(link, w, a, db);
    ts_ev_observe(e, a, b, da, ok_a, weight);
    ts_ev_observe(e, b, a, db, ok_b, weight);
    ts_ev_goodwill(e, a, b, goodwill);
    ts_ev_goodwill(e, b, a, goodwill);
}

/* ---- Configuration and state --------------------------------------------------------- */

static ts_status work_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    /* The shared columns this module reads or writes (models/shared.h). */
    ts_status shared = ts_shared_register(w, err);
    if (shared != TS_OK) {
        return shared;
    }
    work_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    work_params *p = &s->p;
    p->hpd = (float)ts_scenario_real(sc, "work.hours_per_day");
    /* Lognormal with the configured mean and sd. */
    double m = ts_scenario_real(sc, "work.task_hours");
    double sd = ts_scenario_real(sc, "work.task_hours_sd");
    p->size_sigma = sqrt(log(1.0 + sd * sd / (m * m)));
    p->size_zeta = log(m) - 0.5 * p->size_sigma * p->size_sigma;
    p->decision_p = (float)ts_scenario_real(sc, "work.decision_probability");
    p->stake_base = (float)ts_scenario_real(sc, "work.stakeholders.base");
    p->stake_per_doubling = (float)ts_scenario_real(sc, "work.stakeholders.per_doubling");
    p->max_backlog = (float)(ts_scenario_real(sc, "work.max_backlog_days") * p->hpd);
    p->blocked_eff = (float)ts_scenario_real(sc, "work.blocked_efficiency");
    int64_t np = ts_scenario_int(sc, "work.partner_teams");
    p->n_partners = (uint32_t)(np > WORK_MAX_PARTNERS ? WORK_MAX_PARTNERS : np);
    p->partner_vis = (float)ts_scenario_real(sc, "work.partner_visibility");
    p->ramp_days = (int32_t)ts_scenario_int(sc, "hiring.ramp_days");
    ts_trust_params_load(sc, &p->tp);
    ts_repair_params_load(sc, &p->rp);
    ts_work_link_load(sc, &p->link);
    p->kept_word = (float)ts_scenario_real(sc, "work.kept_word");
    p->raise_early = (float)ts_scenario_real(sc, "work.raise_early");
    p->debt_mean = ts_scenario_real(sc, "work.tech_debt.mean");
    p->debt_sd = ts_scenario_real(sc, "work.tech_debt.sd");
    p->toil_weight = (float)ts_scenario_real(sc, "work.tech_debt.visibility");
    work_setback_configure(sc, &s->setback);
    s->open_col = s->debt_col = s->limits_col = -1;
    ts_ai_params_load(sc, &s->ai);
    s->ai_col = -1;
    *state = s;
    return TS_OK;
}

static void work_free(void *state) {
    work_state *s = state;
    free(s->rows);
    free(s->partners);
    free(s->n_part);
    free(s->debt);
    free(s->has_debt);
    free(s->backlog);
    free(s);
}

static ts_status work_grow(void *state, const ts_world *w, ts_error *err) {
    work_state *s = state;
    if (w->n_alloc <= s->n_alloc) {
        return TS_OK;
    }
    size_t n_old = s->n_alloc, n_new = w->n_alloc;
    if (!ts_world_grow_array((void **)&s->rows, sizeof *s->rows, n_old, n_new) ||
        !ts_world_grow_array((void **)&s->partners, WORK_MAX_PARTNERS * sizeof *s->partners, n_old,
                             n_new) ||
        !ts_world_grow_array((void **)&s->n_part, sizeof *s->n_part, n_old, n_new) ||
        !ts_world_grow_array((void **)&s->debt, sizeof *s->debt, n_old, n_new) ||
        !ts_world_grow_array((void **)&s->has_debt, sizeof *s->has_debt, n_old, n_new) ||
        !ts_world_grow_array((void **)&s->backlog, sizeof *s->backlog, n_old, n_new)) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for the work rows");
    }
    for (size_t a = n_old; a < n_new; a++) {
        s->rows[a].debt_team = TS_NO_AGENT;
    }
    s->n_alloc = (uint32_t)n_new;
    return TS_OK;
}

/* The ramp-up factor of MODEL.md §3: new hires work at 60 % speed, reaching full speed
 * after ramp_days; the people present when the run starts are fully ramped. */
static float work_ramp(const ts_world *w, uint32_t a, int32_t ramp_days) {
    if (ramp_days <= 0 || w->hire_day[a] <= -w->warmup_days) {
        return 1.0f;
    }
    float t = (float)(w->day - w->hire_day[a]) / (float)ramp_days;
    return 0.6f + 0.4f * (t < 1.0f ? t : 1.0f);
}

/* ---- Org: partner teams ------------------------------------------------------------- */

static int is_team(const ts_world *w, uint32_t m) {
    return m < w->n && w->active[m] && w->n_reports[m] > 0;
}

/* The partners a new team takes: those of a sibling team (the team it split from has
 * the same parent), else those of its parent team; none for the first day's teams. */
static uint32_t inherit_partners(const work_state *s, const ts_world *w, uint32_t m, uint32_t *pm,
                                 uint32_t want) {
    uint32_t parent = w->manager[m];
    if (!s->partners_ready || parent == TS_NO_AGENT) {
        return 0;
    }
    uint32_t src = TS_NO_AGENT;
    for (uint32_t j = w->first_report[parent]; j != TS_NO_AGENT && src == TS_NO_AGENT;
         j = w->next_peer[j]) {
        if (j != m && is_team(w, j) && s->n_part[j] > 0) {
            src = j;
        }
    }
    if (src == TS_NO_AGENT && s->n_part[parent] > 0) {
        src = parent;
    }
    uint32_t k = 0;
    for (uint32_t i = 0; src != TS_NO_AGENT && i < s->n_part[src] && k < want; i++) {
        uint32_t p = s->partners[(size_t)src * WORK_MAX_PARTNERS + i];
        if (is_team(w, p) && p != m) {
            pm[k++] = p;
        }
    }
    return k;
}

/* A Beta draw with the given mean and sd (method of moments); the mean itself when there
 * is no spread or no Beta fits. */
static double beta_draw(ts_rng *r, double m, double sd) {
    if (!(sd > 0.0) || !(m > 0.0 && m < 1.0)) {
        return m;
    }
    double k = m * (1.0 - m) / (sd * sd) - 1.0;
    return k > 0.0 ? gsl_ran_beta(ts_rng_gsl(r), m * k, (1.0 - m) * k) : m;
}

/* A team's technical debt. The teams of the first day draw theirs. A later team takes
 * the debt of the team its people worked in (the debt its first member still works under:
 * the team it split from, or the same team under a new manager), else — a team of people
 * new to the organisation — that of a sibling team, else of its parent's team, else it
 * draws one. */
static void set_debt(work_state *s, const ts_world *w, const ts_day *d, uint32_t m) {
    uint32_t src = TS_NO_AGENT;
    for (uint32_t j = w->first_report[m]; s->debt_ready && j != TS_NO_AGENT && src == TS_NO_AGENT;
         j = w->next_peer[j]) {
        uint32_t t = s->rows[j].debt_team;
        if (t != TS_NO_AGENT && t != m && s->has_debt[t]) {
            src = t;
        }
    }
    uint32_t parent = w->manager[m];
    for (uint32_t j = parent == TS_NO_AGENT ? TS_NO_AGENT : w->first_report[parent];
         s->debt_ready && j != TS_NO_AGENT && src == TS_NO_AGENT; j = w->next_peer[j]) {
        if (j != m && is_team(w, j) && s->has_debt[j]) {
            src = j;
        }
    }
    if (s->debt_ready && src == TS_NO_AGENT && parent != TS_NO_AGENT && s->has_debt[parent]) {
        src = parent;
    }
    if (src != TS_NO_AGENT) {
        s->debt[m] = s->debt[src];
    } else {
        ts_rng r;
        ts_rng_init(&r, d->seed, m, (uint32_t)d->day, WORK_DEBT_STREAM);
        s->debt[m] = (float)beta_draw(&r, s->p.debt_mean, s->p.debt_sd);
    }
    s->has_debt[m] = 1;
}

/* Each team works with a few other teams, so the same people meet again: drawn at random
 * by the teams present on the first day, inherited by teams created later; a partner
 * that is no longer a team is replaced at random. A team's technical debt is set when
 * it first appears. */
static ts_status work_org(void *state, ts_world *w, const ts_day *d) {
    work_state *s = state;
    work_setback_org(s, w, d);
    for (uint32_t m = 0; m < w->n; m++) {
        if (is_team(w, m) && !s->has_debt[m]) {
            set_debt(s, w, d, m);
        }
    }
    s->debt_ready = 1;
    /* The openness mechanism (models/openness.h), when on, reads the debt and is read. */
    s->open_col = ts_world_column_find(w, TS_OPENNESS_COLUMN);
    s->debt_col = ts_world_column_find(w, TS_OPENNESS_DEBT_COLUMN);
    s->limits_col = ts_world_column_find(w, TS_DECLARE_LIMITS_COLUMN);
    s->ai_col = ts_world_column_find(w, TS_AI_TASK_COLUMN);
    s->n_ai = s->ai.on ? ts_ai_count(w) : 0;
    if (s->debt_col >= 0) {
        memcpy(w->cols[s->debt_col].data, s->debt, (size_t)w->n * sizeof *s->debt);
    }
    uint32_t P = s->p.n_partners;
    if (P == 0) {
        return TS_OK;
    }
    uint32_t n_teams = 0;
    for (uint32_t m = 0; m < w->n; m++) {
        n_teams += is_team(w, m);
    }
    if (n_teams < 2) {
        return TS_OK;
    }
    uint32_t want = P < n_teams - 1 ? P : n_teams - 1;
    for (uint32_t m = 0; m < w->n; m++) {
        if (!is_team(w, m)) {
            continue;
        }
        uint32_t *pm = s->partners + (size_t)m * WORK_MAX_PARTNERS;
        uint32_t k = 0;
        for (uint32_t i = 0; i < s->n_part[m]; i++) {
            if (is_team(w, pm[i]) && pm[i] != m) {
                pm[k++] = pm[i];
            }
        }
        if (s->n_part[m] == 0) {
            k = inherit_partners(s, w, m, pm, want);
        }
        ts_rng r;
        ts_day_rng(d, m, &r);
        for (int tries = 0; k < want && tries < 64; tries++) {
            uint32_t c = ts_rng_below(&r, w->n);
            int ok = is_team(w, c) && c != m;
            for (uint32_t i = 0; i < k && ok; i++) {
                ok = pm[i] != c;
            }
            if (ok) {
                pm[k++] = c;
            }
        }
        s->n_part[m] = (uint8_t)k;
    }
    s->partners_ready = 1;
    return TS_OK;
}

/* ---- Act: report yesterday's outcome, tend hidden defects, start a task ---------------- */

static uint32_t draw_domain(const ts_world *w, uint32_t a, ts_rng *r) {
    /* A team's mix: half its work in its own domain, the rest spread evenly. */
    uint32_t primary = work_team(w, a) % w->n_domains;
    return ts_rng_uniform(r) < 0.5 ? primary : ts_rng_below(r, w->n_domains);
}

/* Sends the outcome to one observer: the failure as it is, or what the owner shows. */
typedef struct outcome {
    uint32_t owner, domain;
    int shown_success; /* what observers see */
    int owned;         /* a failure owned up to */
} outcome;

static void tell(const work_state *s, const ts_world *w, ts_emit *e, const outcome *o,
                 uint32_t observer, float weight) {
    if (observer == o->owner || observer == TS_NO_AGENT || weight <= 0.0f) {
        return;
    }
    if (o->owned) {
        ts_repair_owned(&s->p.rp, w, e, observer, o->owner, o->domain, weight);
    } else {
        ts_ev_observe(e, observer, o->owner, o->domain, o->shown_success, weight);
        if (o->shown_success && s->p.kept_word > 0.0f) {
            /* Work delivered as promised is also a little evidence of being reliable. */
            ts_ev_integrity(e, observer, o->owner, s->p.kept_word * weight, 0.0f, 0.0f);
        }
    }
}

static float decider_weight(const work_decider *dk) {
    switch (dk->role) {
    case WORK_REVIEWED:
    case WORK_DEEP_DIVE:
        return 1.0f;
    case WORK_APPROVED:
    case WORK_ESCALATED:
        return dk->is_manager ? 0.5f : 0.25f;
    default:
        return 0.0f; /* a rubber stamp sees nothing */
    }
}

/* A concealed failure becomes a hidden defect. Someone already hiding as many as a row
 * holds adds it to the last one: its rework and cap add up, and it surfaces when the
 * earlier of the two would have. */
static void hide_defect(const work_state *s, const ts_world *w, work_row *row, uint32_t m,
                        int forced) {
    work_defect fresh = {.rework = TS_REPAIR_REWORK_OWNED * row->size,
                         .cap = TS_REPAIR_DEFECT_CAP * row->size,
                         .domain = row->domain,
                         .active = 1,
                         .due_day = forced ? w->day + s->setback.surface_after : INT32_MAX};
    for (uint32_t i = 0; i < row->n_deciders && fresh.n_obs < 3; i++) {
        if (row->dec[i].id != m && decider_weight(&row->dec[i]) >= 1.0f) {
            fresh.obs[fresh.n_obs++] = row->dec[i].id;
        }
    }
    for (int k = 0; k < WORK_MAX_DEFECTS; k++) {
        if (!row->defects[k].active) {
            row->defects[k] = fresh;
            return;
        }
    }
    work_defect *last = &row->defects[WORK_MAX_DEFECTS - 1];
    last->rework += fresh.rework;
    last->cap += fresh.cap;
    last->due_day = fresh.due_day < last->due_day ? fresh.due_day : last->due_day;
}

static void report(const work_state *s, const ts_world *w, uint32_t a, work_row *row, ts_rng *r,
                   ts_emit *e) {
    outcome o = {.owner = a, .domain = row->domain, .shown_success = 1, .owned = 0};
    int concealed = 0;
    int trial = ts_task_trial(w)[a];
    /* A setback's failure is handled as the experiment says; others as people do. */
    int forced = row->forced_now;
    int handling = s->setback.handling;
    /* An AI agent never owns up: its failures are seen as they are, but a hallucination
     * looks like a success unless its delegator reviewed the output (models/ai.h). */
    int ai = ts_is_ai(w)[a];
    int ai_seen = ai && (!row->ai_halluc || row->ai_reviewed);
    if (!row->success && (trial || (forced && handling == WORK_SETBACK_SEEN) || ai_seen)) {
        /* A trial task's failure always surfaces: seen as it is, no choice to own up. */
        o.shown_success = 0;
        row->owned++;
        row->ai_caught = row->ai_halluc;
    } else if (!row->success && ai) {
        concealed = 1; /* a hallucination handed over unreviewed: it looks done */
        row->concealed++;
    } else if (!row->success) {
        int owns = forced ? handling == WORK_SETBACK_OWNED : ts_repair_owns_up(w, a, r);
        if (owns) {
            o.owned = 1;
            o.shown_success = 0;
            row->owned++;
        } else {
            concealed = 1; /* to everyone else it looks done */
            row->concealed++;
        }
    }
    if (!row->success && !concealed && work_in_window(w, w->day - 1)) {
        row->win_owned++; /* the failure was counted on the day it ended, yesterday */
    }
    if (!ai) {
        ts_ev_self(e, a, row->domain, row->success, 1.0f);
    }
    uint32_t m = w->manager[a];
    int manager_decided = 0;
    for (uint32_t i = 0; i < row->n_deciders; i++) {
        int is_m = row->dec[i].id == m;
        manager_decided |= is_m;
        tell(s, w, e, &o, row->dec[i].id,
             trial && is_m ? WORK_TRIAL_WEIGHT : decider_weight(&row->dec[i]));
    }
    if (m != TS_NO_AGENT && !manager_decided) {
        /* A manager who watched a trial task sees it closely. */
        tell(s, w, e, &o, m, trial ? WORK_TRIAL_WEIGHT : 0.5f);
    }
    if (m != TS_NO_AGENT) {
        for (uint32_t j = w->first_report[m]; j != TS_NO_AGENT; j = w->next_peer[j]) {
            tell(s, w, e, &o, j, 0.25f);
        }
    }
    /* Members of the partner teams see the work go by, when the owner shows it to them:
     * people who feel unsafe keep their work to their own team (seed 004). */
    uint32_t team = work_team(w, a);
    /* A team closed to outsiders (models/openness.h) shows them less. */
    int shown = ts_rng_uniform(r) < ts_safety(w)[a] * ts_openness_of(w, s->open_col, team);
    for (uint32_t i = 0; shown && i < s->n_part[team] && s->p.partner_vis > 0.0f; i++) {
        uint32_t p = s->partners[(size_t)team * WORK_MAX_PARTNERS + i];
        if (!w->active[p]) {
            continue;
        }
        tell(s, w, e, &o, p, s->p.partner_vis);
        for (uint32_t j = w->first_report[p]; j != TS_NO_AGENT; j = w->next_peer[j]) {
            tell(s, w, e, &o, j, s->p.partner_vis);
        }
    }
    if (o.owned) {
        ts_repair_respond(&s->p.rp, w, e, a, r);
        row->rework += TS_REPAIR_REWORK_OWNED * row->size;
        row->rework_domain = row->domain;
    } else if ((trial || forced || ai_seen) && !row->success) {
        row->rework += WORK_TRIAL_REWORK * row->size;
        row->rework_domain = row->domain;
    }
    if (concealed) {
        hide_defect(s, w, row, m, forced);
    }
}

/* Hidden defects grow and may surface; the one who hid it then owes the rework. */
static void tend_defects(const work_state *s, const ts_world *w, uint32_t a, work_row *row,
                         ts_rng *r, ts_emit *e) {
    uint32_t m = w->manager[a];
    for (int k = 0; k < WORK_MAX_DEFECTS; k++) {
        work_defect *df = &row->defects[k];
        if (!df->active) {
            continue;
        }
        df->rework *= TS_REPAIR_DEFECT_GROWTH;
        df->rework = df->rework < df->cap ? df->rework : df->cap;
        if (s->p.raise_early > 0.0f && m != TS_NO_AGENT &&
            ts_rng_uniform(r) < s->p.raise_early * ts_candor(w)[a] * ts_safety(w)[a] *
                                    ts_trust_of_mean(&s->p.tp, w, a, m)) {
            /* Raised before it is found: owned up to the manager, the rework as it stands. */
            ts_repair_owned(&s->p.rp, w, e, m, a, df->domain, 1.0f);
            row->rework += df->rework;
            row->rework_domain = df->domain;
            row->raised++;
            df->active = 0;
            continue;
        }
        /* Tactics (status updates, 1:1s, forums) raised today's chance (row->surface). */
        if (ts_rng_uniform(r) >= s->p.rp.discovery + row->surface && w->day < df->due_day) {
            continue;
        }
        if (m != TS_NO_AGENT) {
            ts_repair_discovered(&s->p.rp, e, m, a, df->domain, 1.0f);
            for (uint32_t j = w->first_report[m]; j != TS_NO_AGENT; j = w->next_peer[j]) {
                if (j != a) {
                    ts_repair_discovered(&s->p.rp, e, j, a, df->domain, 0.25f);
                }
            }
        }
        for (uint32_t i = 0; i < df->n_obs; i++) {
            ts_repair_discovered(&s->p.rp, e, df->obs[i], a, df->domain, 1.0f);
        }
        row->rework += df->rework;
        row->rework_domain = df->domain;
        row->discovered++;
        df->active = 0;
    }
}

static void start_task(const work_state *s, const ts_world *w, uint32_t a, work_row *row, ts_rng *r,
                       ts_emit *e) {
    row->n_deciders = 0;
    row->n_stake = 0;
    row->done = 0.0f;
    row->blocked_days = 0.0f;
    row->state = WORK_ACTIVE;
    row->started_day = w->day;
    row->ai_gated = row->ai_delegated = row->ai_reviewed = row->ai_halluc = row->ai_flagged = 0;
    if (row->rework > 0.0f) {
        row->size = row->rework;
        row->domain = row->rework_domain;
        row->is_rework = 1;
        row->rework = 0.0f;
        return;
    }
    row->is_rework = 0;
    row->domain = (uint8_t)draw_domain(w, a, r);
    /* The manager routes a task in a domain the owner declared weak elsewhere. */
    row->domain = (uint8_t)ts_declare_limits_route(w, s->limits_col, a, row->domain, r);
    row->size = (float)gsl_ran_lognormal(ts_rng_gsl(r), s->p.size_zeta, s->p.size_sigma);
    if (ts_is_ai(w)[a]) {
        /* Every task of an AI agent goes through its delegator's trust gate. */
        work_delegate_ai(s, w, a, row, r, e);
        return;
    }
    if (ts_rng_uniform(r) < s->p.decision_p) {
        work_decide(s, w, a, row, r, e);
    }
}

/* Toil is done together: on a day of firefighting (a share of days equal to the team's
 * debt) a person's teammates and manager see it at work on the team's systems, in the
 * team's own domain (seed 004: shared time in the trenches builds trust inside a team). */
static void toil_together(const work_state *s, const ts_world *w, uint32_t a, ts_rng *r,
                          ts_emit *e) {
    uint32_t m = w->manager[a];
    if (m == TS_NO_AGENT || ts_busy(w)[a] || s->p.toil_weight <= 0.0f || ts_is_ai(w)[a]) {
        return; /* AI agents do no toil */
    }
    double u = ts_rng_uniform(r), v = ts_rng_uniform(r);
    if (u >= s->debt[m]) {
        return;
    }
    uint32_t d = m % w->n_domains;
    int ok = v < ts_work_success_of(&s->p.link, w, a, d);
    ts_ev_observe(e, m, a, d, ok, s->p.toil_weight);
    for (uint32_t j = w->first_report[m]; j != TS_NO_AGENT; j = w->next_peer[j]) {
        if (j != a) {
            ts_ev_observe(e, j, a, d, ok, s->p.toil_weight);
        }
    }
}

/* The acting agent's row, handed to act by the engine (which holds the state writable). */
static void *work_act_row(void *state, uint32_t a) {
    work_state *s = state;
    return &s->rows[a];
}

static ts_status work_act(const void *state, const ts_world *w, uint32_t a, void *own, ts_emit *e) {
    const work_state *s = state;
    work_row *row = own;
    row->decisions = row->reviews = row->escalations = row->deep_dives = 0;
    row->stamps = row->stakeholders = row->cross_n = 0;
    row->latency = row->cross_sum = 0.0f;
    row->owned = row->concealed = row->discovered = row->raised = row->ai_caught = 0;
    ts_rng r;
    ts_emit_rng(e, &r);
    /* Defects hidden before today first, so a new one starts growing tomorrow. */
    tend_defects(s, w, a, row, &r, e);
    if (row->state == WORK_DONE) {
        report(s, w, a, row, &r, e);
        row->state = WORK_IDLE;
    }
    if (row->state == WORK_IDLE && !ts_busy(w)[a]) {
        start_task(s, w, a, row, &r, e);
    }
    toil_together(s, w, a, &r, e);
    return TS_OK;
}

static ts_status work_handle(void *state, ts_world *w, const ts_msg *m) {
    (void)state;
    ts_evidence_handle(w, m);
    return TS_OK;
}

/* ---- Settle: the day's hours, progress and completion --------------------------------- */

static ts_status work_settle_task(work_state *s, ts_world *w, uint32_t a) {
    const work_params *p = &s->p;
    int ai = ts_is_ai(w)[a];
    work_row *row = &s->rows[a];
    row->completed = row->failed = 0;
    row->output = 0.0f;
    /* What tactics added to the surface column today (in their apply, before this) raises
     * tomorrow's chance that hidden defects surface. */
    row->surface = ts_surface(w)[a];
    /* Latency other modules added today to the task in progress (a cross-department
     * sign-off): it waits that much longer, working at blocked efficiency. */
    if (row->state == WORK_ACTIVE && ts_task_delay(w)[a] > 0.0f) {
        row->blocked_days += ts_task_delay(w)[a];
    }
    /* The task view tactics read (the owner's own state): a new task clears the help
     * boost and the trial flag tactics may have set on the last one. */
    if (row->state == WORK_ACTIVE && ts_task_start(w)[a] != row->started_day) {
        ts_task_start(w)[a] = row->started_day;
        ts_task_domain(w)[a] = row->domain;
        ts_task_boost(w)[a] = 0.0f;
        ts_task_trial(w)[a] = 0;
    } else if (row->state == WORK_IDLE) {
        ts_task_domain(w)[a] = TS_NO_TASK;
    }
    uint32_t team = work_team(w, a);
    if (s->has_debt[team]) {
        row->debt_team = team;
    }
    if (ts_busy(w)[a]) {
        row->sys_worked = 0.0f;
        return TS_OK; /* on an incident: its hours are the incident's */
    }
    float *h = w->hours + (size_t)a * TS_HOURS_SLOTS;
    float overhead = s->backlog[a];
    for (int k = 0; k < TS_HOURS_N; k++) {
        overhead += k == TS_HOURS_PRODUCTIVE || k == TS_HOURS_TOIL ? 0.0f : h[k];
    }
    float sys = row->backlog_sys + h[TS_HOURS_REVIEW] + h[TS_HOURS_ESCALATION] +
                h[TS_HOURS_DEEP_DIVE] + h[TS_HOURS_SUPERVISION];
    /* Toil on the team's systems comes off the day first; it is never carried over. A
     * person keeps working under its old team's debt until its new team has one. */
    float toil = row->debt_team != TS_NO_AGENT && !ai ? p->hpd * s->debt[row->debt_team] : 0.0f;
    h[TS_HOURS_TOIL] = toil;
    float avail = p->hpd - toil - overhead;
    if (avail < 0.0f) {
        /* Overload: the day goes to overhead, in-system work in its share of it; the
         * rest is carried as backlog up to the limit, and what is beyond is dropped. */
        float share = sys / overhead;
        s->backlog[a] = -avail < p->max_backlog ? -avail : p->max_backlog;
        row->sys_worked = (p->hpd - toil) * share;
        row->backlog_sys = s->backlog[a] * share;
        avail = 0.0f;
    } else {
        s->backlog[a] = 0.0f;
        row->sys_worked = sys;
        row->backlog_sys = 0.0f;
    }
    if (row->state != WORK_ACTIVE) {
        return TS_OK;
    }
    /* An AI agent works at its speed, never ramping up (models/ai.h). */
    float pace = ai ? s->ai.speed : work_ramp(w, a, p->ramp_days);
    float eff = pace * (row->blocked_days > 0.0f ? p->blocked_eff : 1.0f);
    float prod = avail * eff;
    h[TS_HOURS_PRODUCTIVE] += prod;
    row->done += prod;
    row->blocked_days = row->blocked_days > 1.0f ? row->blocked_days - 1.0f : 0.0f;
    if (row->done < row->size) {
        return TS_OK;
    }
    ts_rng r;
    ts_rng_init(&r, w->seed, a, (uint32_t)w->day, WORK_SETTLE_STREAM);
    /* Help asked for (a tactic) adds its boost to the chance of success. */
    double ps = ts_work_success_of(&p->link, w, a, row->domain) + ts_task_boost(w)[a];
    row->success = ts_rng_uniform(&r) < ps && !row->ai_halluc;
    row->forced_now = row->forced > 0;
    if (row->forced_now) {
        row->success = 0; /* a setback's failure, whatever the draw */
        row->forced--;
    }
    row->completed = 1;
    row->failed = !row->success;
    if (work_in_window(w, w->day)) {
        row->win_failed += row->failed;
    }
    if (row->success && !row->is_rework) {
        row->output = row->size;
        if (work_in_window(w, w->day)) {
            row->win_output += row->size;
        }
    }
    row->state = WORK_DONE;
    return TS_OK;
}

static ts_status work_settle(void *state, ts_world *w, uint32_t a) {
    work_state *s = state;
    ts_status st = work_settle_task(s, w, a);
    if (s->ai_col >= 0) {
        /* The day's task for ai's metrics (models/ai.h): the agent's own entry. */
        const work_row *row = &s->rows[a];
        int today = row->state != WORK_IDLE && row->started_day == w->day;
        ((ts_ai_task *)w->cols[s->ai_col].data)[a] = (ts_ai_task){
            .output = row->output,
            .gated = (uint8_t)(today && row->ai_gated),
            .delegated = (uint8_t)(today && row->ai_delegated),
            .flagged = (uint8_t)(today && row->ai_flagged),
            .found = (uint8_t)(row->ai_caught + row->discovered),
        };
    }
    return st;
}

/* ---- Metrics ---------------------------------------------------------------------------- */

enum {
    WM_DECISIONS,
    WM_REVIEWS,
    WM_ESCALATIONS,
    WM_DEEP_DIVES,
    WM_STAMPS,
    WM_STAKE,
    WM_LATENCY,
    WM_H_PROD,
    WM_H_REVIEW,
    WM_H_DEEP,
    WM_H_MEET,
    WM_H_COORD,
    WM_H_INCIDENT,
    WM_H_TOIL,
    WM_LEADER,
    WM_COMPLETED,
    WM_FAILED,
    WM_OUTPUT,
    WM_OWNED,
    WM_CONCEALED,
    WM_DISCOVERED,
    WM_CROSS,
    WM_FUD,
    WM_SETBACK,
    WM_RAISED,
    WM_COUNT
};

static const ts_metric_decl work_metrics[WM_COUNT] = {
    {"decisions", "decisions/day", "Tasks started with a decision that needs sign-off."},
    {"reviews", "reviews/day", "Sign-offs done as a review (trust between the thresholds)."},
    {"escalations", "hops/day", "Escalation hops up the tree (every hop counted)."},
    {"deep_dives", "deep dives/day", "Decisions the common manager dug into."},
    {"rubber_stamps", "sign-offs/day", "Sign-offs approved unseen by overloaded deciders."},
    {"stakeholders_per_decision", "people",
     "Mean stakeholders asked per decision started, over the last 7 days."},
    {"decision_latency", "days", "Mean sign-off latency of the decisions started, last 7 days."},
    {"hours_productive", "hours/person/day", "Task work done per employed person."},
    {"hours_review", "hours/person/day", "Approvals, reviews and escalations per person."},
    {"hours_deep_dive", "hours/person/day", "Deep dives (deciders and owners) per person."},
    {"hours_meetings", "hours/person/day", "Meetings and mentoring per person."},
    {"hours_coordination", "hours/person/day", "Coordination (syncs, arguments) per person."},
    {"hours_incident", "hours/person/day", "Incident work and supervision per person."},
    {"hours_toil", "hours/person/day",
     "Toil on the teams' systems (their technical debt) per person."},
    {"leader_in_system", "fraction",
     "Share of leaders' (depth 0-1) working hours spent on reviews, deep dives, escalations "
     "and incident supervision."},
    {"tasks_completed", "tasks/day", "Tasks finished that day, failed or not."},
    {"tasks_failed", "tasks/day", "Tasks finished that day that failed."},
    {"output_per_head", "hours/person/day",
     "Hours of successfully completed new task work per employed person."},
    {"failures_owned", "failures/day", "Failures owned up to."},
    {"failures_concealed", "failures/day", "Failures hidden (they look done)."},
    {"concealed_discovered", "defects/day", "Hidden defects discovered."},
    {"trust_cross", "trust score",
     "Mean trust of stakeholders in owners of other teams at sign-off, last 7 days."},
    {"fud_mean", "uncertainty",
     "Mean status uncertainty of stakeholder-task pairs of open decisions (+0.1 a day without "
     "news)."},
    {"trust_setback", "trust score",
     "Mean trust of the managers of the setback experiment's cohort in them, domain-averaged "
     "(NaN without experiments.setback)."},
    {"problems_raised_early", "fraction",
     "Share of the hidden problems that ended over the last 30 days (raised or discovered) "
     "that their owner raised before they were discovered (work.raise_early)."},
};

enum {
    WA_N,
    WA_DEC,
    WA_REV,
    WA_ESC,
    WA_DEEP,
    WA_STAMP,
    WA_STAKE,
    WA_LAT,
    WA_H, /* TS_HOURS_N slots follow */
    WA_LEAD_N = WA_H + TS_HOURS_N,
    WA_LEAD_SYS,
    WA_COMP,
    WA_FAIL,
    WA_OUT,
    WA_OWN,
    WA_CONC,
    WA_DISC,
    WA_CROSS_SUM,
    WA_CROSS_N,
    WA_FUD_SUM,
    WA_FUD_N,
    WA_SETBACK_SUM,
    WA_SETBACK_N,
    WA_RAISED,
    WA_COUNT
};

static ts_status work_measure(const void *state, const ts_world *w, uint32_t a0, uint32_t a1,
                              double *acc) {
    const work_state *s = state;
    for (uint32_t a = a0; a < a1; a++) {
        if (!w->active[a]) {
            continue;
        }
        const work_row *row = &s->rows[a];
        if (ts_is_ai(w)[a]) {
            /* Output per head is the organisation's output per person: an AI agent's
             * output counts, the AI is no head; the sign-offs of its tasks are people's
             * work (models/ai.h). */
            acc[WA_OUT] += row->output;
            acc[WA_REV] += row->reviews;
            acc[WA_DEEP] += row->deep_dives;
            acc[WA_STAMP] += row->stamps;
            continue;
        }
        const float *h = w->hours + (size_t)a * TS_HOURS_SLOTS;
        acc[WA_N] += 1.0;
        acc[WA_DEC] += row->decisions;
        acc[WA_REV] += row->reviews;
        acc[WA_ESC] += row->escalations;
        acc[WA_DEEP] += row->deep_dives;
        acc[WA_STAMP] += row->stamps;
        acc[WA_STAKE] += row->stakeholders;
        acc[WA_LAT] += row->latency;
        for (int k = 0; k < TS_HOURS_N; k++) {
            acc[WA_H + k] += h[k];
        }
        if (w->depth[a] <= 1) {
            /* Hours worked in the system today, backlog included; a responder's hours
             * are the incident's (supervision, charged to the commander, counts). */
            double in = ts_busy(w)[a] ? (double)h[TS_HOURS_SUPERVISION] : row->sys_worked;
            acc[WA_LEAD_N] += 1.0;
            acc[WA_LEAD_SYS] += in < s->p.hpd ? in : s->p.hpd;
        }
        acc[WA_COMP] += row->completed;
        acc[WA_FAIL] += row->failed;
        acc[WA_OUT] += row->output;
        acc[WA_OWN] += row->owned;
        acc[WA_CONC] += row->concealed;
        acc[WA_DISC] += row->discovered;
        acc[WA_RAISED] += row->raised;
        acc[WA_CROSS_SUM] += row->cross_sum;
        acc[WA_CROSS_N] += row->cross_n;
        if (row->state == WORK_ACTIVE && row->n_stake > 0) {
            /* News is the decision itself or the owner's latest status update. */
            int32_t news =
                row->decided_day > ts_status_day(w)[a] ? row->decided_day : ts_status_day(w)[a];
            acc[WA_FUD_SUM] += row->n_stake * 0.1 * (w->day - news);
            acc[WA_FUD_N] += row->n_stake;
        }
        work_setback_measure(s, w, a, acc + WA_SETBACK_SUM);
    }
    return TS_OK;
}

static ts_status work_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    work_state *s = state;
    (void)w;
    double n = acc[WA_N];
    const double *h = acc + WA_H;
    v[WM_DECISIONS] = acc[WA_DEC];
    v[WM_REVIEWS] = acc[WA_REV];
    v[WM_ESCALATIONS] = acc[WA_ESC];
    v[WM_DEEP_DIVES] = acc[WA_DEEP];
    v[WM_STAMPS] = acc[WA_STAMP];
    v[WM_H_PROD] = ts_stats_ratio(h[TS_HOURS_PRODUCTIVE], n);
    v[WM_H_REVIEW] = ts_stats_ratio(h[TS_HOURS_REVIEW] + h[TS_HOURS_ESCALATION], n);
    v[WM_H_DEEP] = ts_stats_ratio(h[TS_HOURS_DEEP_DIVE], n);
    v[WM_H_MEET] = ts_stats_ratio(h[TS_HOURS_MEETINGS] + h[TS_HOURS_MENTORING], n);
    v[WM_H_COORD] = ts_stats_ratio(h[TS_HOURS_COORDINATION], n);
    v[WM_H_INCIDENT] = ts_stats_ratio(h[TS_HOURS_INCIDENT] + h[TS_HOURS_SUPERVISION], n);
    v[WM_H_TOIL] = ts_stats_ratio(h[TS_HOURS_TOIL], n);
    v[WM_LEADER] = ts_stats_ratio(acc[WA_LEAD_SYS], acc[WA_LEAD_N] * s->p.hpd);
    v[WM_COMPLETED] = acc[WA_COMP];
    v[WM_FAILED] = acc[WA_FAIL];
    v[WM_OUTPUT] = ts_stats_ratio(acc[WA_OUT], n);
    v[WM_OWNED] = acc[WA_OWN];
    v[WM_CONCEALED] = acc[WA_CONC];
    v[WM_DISCOVERED] = acc[WA_DISC];
    double *slot = s->ring[s->ring_pos];
    slot[0] = acc[WA_CROSS_SUM];
    slot[1] = acc[WA_CROSS_N];
    slot[2] = acc[WA_DEC];
    slot[3] = acc[WA_STAKE];
    slot[4] = acc[WA_LAT];
    s->ring_pos = (s->ring_pos + 1) % 7;
    double win[5] = {0};
    for (int k = 0; k < 7; k++) {
        for (int j = 0; j < 5; j++) {
            win[j] += s->ring[k][j];
        }
    }
    v[WM_CROSS] = ts_stats_ratio(win[0], win[1]);
    v[WM_STAKE] = ts_stats_ratio(win[3], win[2]);
    v[WM_LATENCY] = ts_stats_ratio(win[4], win[2]);
    v[WM_FUD] = ts_stats_ratio(acc[WA_FUD_SUM], acc[WA_FUD_N]);
    v[WM_SETBACK] = ts_stats_ratio(acc[WA_SETBACK_SUM], acc[WA_SETBACK_N]);
    s->raise_ring[s->raise_pos][0] = acc[WA_RAISED];
    s->raise_ring[s->raise_pos][1] = acc[WA_DISC];
    s->raise_pos = (s->raise_pos + 1) % WORK_RAISE_DAYS;
    double raised = 0.0, found = 0.0;
    for (int k = 0; k < WORK_RAISE_DAYS; k++) {
        raised += s->raise_ring[k][0];
        found += s->raise_ring[k][1];
    }
    v[WM_RAISED] = ts_stats_ratio(raised, raised + found);
    return TS_OK;
}

/* The work columns of the team table: output, failures and failures owned up by the
 * team's members over the window (work_in_window), and the team's technical debt. */
static ts_status work_team_columns(const work_state *s, const ts_world *w, ts_result *res,
                                   ts_error *err) {
    size_t k;
    const uint32_t *mgr = ts_result_team_managers(res, &k);
    float *out = ts_table_add_column(
        &res->teams, "output_per_head", "hours/person/day",
        "Hours of successfully completed new task work per member per day over the last 90 "
        "recorded days (the whole run if shorter).",
        TS_COL_F32, k, 1);
    uint32_t *failed = ts_table_add_column(&res->teams, "failures", "tasks",
                                           "Tasks of the members that failed over the same window.",
                                           TS_COL_U32, k, 1);
    uint32_t *owned = ts_table_add_column(
        &res->teams, "failures_owned", "tasks",
        "Of those failures, the ones owned up to or seen as they were (not concealed).", TS_COL_U32,
        k, 1);
    float *debt = ts_table_add_column(
        &res->teams, "tech_debt", "share of a day",
        "The team's technical debt: the share of its members' day spent on toil.", TS_COL_F32, k,
        1);
    if (k && (!out || !failed || !owned || !debt)) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for the team table");
    }
    int32_t first = work_window_first(w);
    double span = w->days >= first ? (double)(w->days - first + 1) : 0.0;
    for (size_t i = 0; i < k; i++) {
        double hours = 0.0;
        uint32_t n = 0, f = 0, o = 0;
        for (uint32_t j = w->first_report[mgr[i]]; j != TS_NO_AGENT; j = w->next_peer[j]) {
            hours += s->rows[j].win_output;
            if (ts_is_ai(w)[j]) {
                continue; /* its output counts, it is no head (models/ai.h) */
            }
            f += s->rows[j].win_failed;
            o += s->rows[j].win_owned;
            n++;
        }
        out[i] = n && span > 0.0 ? (float)(hours / (n * span)) : NAN;
        failed[i] = f;
        owned[i] = o;
        debt[i] = s->debt[mgr[i]];
    }
    return TS_OK;
}

/* Sum of a series over recorded days [from, n). */
static double series_sum(const ts_series *s, size_t from) {
    double t = 0.0;
    for (size_t d = from; s && d < s->n; d++) {
        t += s->values[d];
    }
    return t;
}

static double series_mean(const ts_series *s, size_t from) {
    return s && s->n > from ? series_sum(s, from) / (double)(s->n - from) : NAN;
}

/* The summary scalars: the first WS_OWN from work's series here, the setback's two from
 * work_setback.c. */
enum { WS_OWN = 5, WS_COUNT = 7 };
static const ts_metric_decl work_summaries[WS_COUNT] = {
    {"escalations_per_decision", "hops/decision", "Escalation hops per decision, all days."},
    {"deep_dives_per_decision", "deep dives/decision", "Deep dives per decision, all days."},
    {"leader_in_system_mean", "fraction", "Mean of leader_in_system over the recorded days."},
    {"output_per_head_mean", "hours/person/day", "Mean of output_per_head over the recorded days."},
    {"output_per_head_last90", "hours/person/day",
     "Mean of output_per_head over the last 90 days."},
    {"setback_trust_before", "trust score",
     "trust_setback on the day before the setback (NaN without one)."},
    {"setback_trust_after", "trust score",
     "trust_setback measure_after days after the setback's day (NaN without one, or if the run "
     "ends sooner)."},
};

static ts_status work_summarize(const void *state, const ts_world *w, ts_result *res,
                                ts_error *err) {
    const ts_series *dec = ts_result_find_series(res, "decisions");
    const ts_series *esc = ts_result_find_series(res, "escalations");
    const ts_series *deep = ts_result_find_series(res, "deep_dives");
    const ts_series *lead = ts_result_find_series(res, "leader_in_system");
    const ts_series *out = ts_result_find_series(res, "output_per_head");
    double n_dec = series_sum(dec, 1);
    size_t last90 = out && out->n > 90 ? out->n - 90 : 1;
    const double v[WS_OWN] = {ts_stats_ratio(series_sum(esc, 1), n_dec),
                              ts_stats_ratio(series_sum(deep, 1), n_dec), series_mean(lead, 1),
                              series_mean(out, 1), series_mean(out, last90)};
    for (size_t k = 0; k < WS_OWN; k++) {
        const ts_metric_decl *d = &work_summaries[k];
        ts_status st = ts_result_add_scalar(res, d->name, d->units, d->description, v[k]);
        if (st != TS_OK) {
            return ts_error_set(err, st, "out of memory for the summary");
        }
    }
    ts_status st = work_team_columns(state, w, res, err);
    return st == TS_OK ? work_setback_summarize(state, &work_summaries[WS_OWN], res, err) : st;
}

/* Saved states: every agent's task, defects and windows, the teams' partners and debt,
 * the week's ring of sign-off sums. */
static ts_status work_state_io(void *state, ts_world *w, ts_state_io *io) {
    work_state *s = state;
    ts_sio_array(io, "rows", s->rows, sizeof *s->rows, w->n);
    ts_sio_typed(io, "partners", TS_SIO_U32, s->partners, (size_t)w->n * WORK_MAX_PARTNERS);
    ts_sio_typed(io, "n_partners", TS_SIO_U8, s->n_part, w->n);
    ts_sio_typed(io, "backlog", TS_SIO_F32, s->backlog, w->n);
    ts_sio_typed(io, "debt", TS_SIO_F32, s->debt, w->n);
    ts_sio_typed(io, "has_debt", TS_SIO_U8, s->has_debt, w->n);
    ts_sio_int(io, "debt_ready", &s->debt_ready);
    ts_sio_int(io, "partners_ready", &s->partners_ready);
    ts_sio_typed(io, "ring", TS_SIO_F64, s->ring, sizeof s->ring / sizeof s->ring[0][0]);
    ts_sio_int(io, "ring_pos", &s->ring_pos);
    ts_sio_typed(io, "raise_ring", TS_SIO_F64, s->raise_ring,
                 sizeof s->raise_ring / sizeof s->raise_ring[0][0]);
    ts_sio_int(io, "raise_pos", &s->raise_pos);
    return ts_sio_status(io);
}

const ts_module ts_module_work = {
    .name = "work",
    .sections = work_sections,
    .n_sections = sizeof work_sections / sizeof work_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = work_setback_validate,
    .configure = work_configure,
    .free = work_free,
    .grow = work_grow,
    .org = work_org,
    .act = work_act,
    .act_row = work_act_row,
    .handle = work_handle,
    .settle = work_settle,
    .metrics = work_metrics,
    .n_metrics = WM_COUNT,
    .n_acc = WA_COUNT,
    .measure = work_measure,
    .day_end = work_day_end,
    .summaries = work_summaries,
    .n_summaries = WS_COUNT,
    .summarize = work_summarize,
    .state_io = work_state_io,
};
