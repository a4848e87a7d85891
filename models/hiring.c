/* Hiring (MODEL.md §2-3): the scenario keys and their validation, the parameters,
 * the target headcount, the traits drawn at hire, attrition, ramp-up, the mentoring
 * drag of new hires and the module itself. Where hires go in the tree, and who
 * replaces a leaving manager, is in hiring_tree.c. */
#include "hiring_internal.h"

#include "evidence.h"
#include "shared.h"

#include <gsl/gsl_randist.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const ts_param hiring_population_params[] = {
    {
        .key = "competence.mean",
        .type = TS_PT_REAL,
        .def = "0.7",
        .min = 0,
        .max = 1,
        .units = "competence",
        .doc = "Mean competence (ability) of a person in a domain; the chance that its work "
               "succeeds follows from it through work.difficulty and work.skill_scale.",
    },
    {
        .key = "competence.sd",
        .type = TS_PT_REAL,
        .def = "0.12",
        .min = 0,
        .max = 0.5,
        .units = "competence",
        .doc = "Spread of competence between people and domains.",
    },
    {
        .key = "candor.mean",
        .type = TS_PT_REAL,
        .def = "0.6",
        .min = 0,
        .max = 1,
        .units = "propensity",
        .doc = "Mean propensity to own up to a failure and to speak up.",
    },
    {
        .key = "candor.sd",
        .type = TS_PT_REAL,
        .def = "0.2",
        .min = 0,
        .max = 0.5,
        .units = "propensity",
        .doc = "Spread of candour between people.",
    },
    {
        .key = "openness.mean",
        .type = TS_PT_REAL,
        .def = "0.5",
        .min = 0,
        .max = 1,
        .units = "propensity",
        .doc = "Mean propensity to show vulnerability by asking for help.",
    },
    {
        .key = "openness.sd",
        .type = TS_PT_REAL,
        .def = "0.2",
        .min = 0,
        .max = 0.5,
        .units = "propensity",
        .doc = "Spread of openness between people.",
    },
    {
        .key = "empathy.mean",
        .type = TS_PT_REAL,
        .def = "0.6",
        .min = 0,
        .max = 1,
        .units = "propensity",
        .doc = "Mean quality of a person's apologies.",
    },
    {
        .key = "empathy.sd",
        .type = TS_PT_REAL,
        .def = "0.2",
        .min = 0,
        .max = 0.5,
        .units = "propensity",
        .doc = "Spread of empathy between people.",
    },
};

static const ts_section hiring_population_section = {
    .name = "population",
    .optional = 0,
    .params = hiring_population_params,
    .n_params = sizeof hiring_population_params / sizeof hiring_population_params[0],
    .doc = "Hidden traits drawn at hire, each from a Beta with this mean and standard deviation.",
};

static const ts_param hiring_hiring_params[] = {
    {
        .key = "growth",
        .type = TS_PT_ENUM,
        .def = "none",
        .min = 0,
        .max = 0,
        .choices = "none|exponential|linear|schedule",
        .units = "choice",
        .doc = "How the target headcount grows: not at all, by a yearly rate compounded, linearly, "
               "or along a schedule.",
    },
    {
        .key = "annual_rate",
        .type = TS_PT_REAL,
        .def = "0",
        .min = 0,
        .max = 100,
        .units = "fraction per year",
        .doc =
            "Yearly growth as a fraction of the headcount, compounded for exponential growth and "
            "of the starting headcount for linear growth.",
    },
    {
        .key = "max_headcount",
        .type = TS_PT_INT,
        .def = "10000000",
        .min = 1,
        .max = 10000000,
        .units = "people",
        .doc = "Ceiling on the target headcount (the default is no practical ceiling).",
    },
    {
        .key = "schedule",
        .type = TS_PT_POINTS,
        .def = "[]",
        .min = 0,
        .max = 1000,
        .units = "[day, people]",
        .doc = "Target headcount at given days, joined by straight lines, for growth: schedule.",
    },
    {
        .key = "attrition_annual",
        .type = TS_PT_REAL,
        .def = "0.1",
        .min = 0,
        .max = 1,
        .units = "probability per year",
        .doc = "Chance that a person leaves within a year at average safety.",
    },
    {
        .key = "promote_from_within",
        .type = TS_PT_REAL,
        .def = "0.5",
        .min = 0,
        .max = 1,
        .units = "probability",
        .doc = "Chance that a new team is led by a promoted member rather than a manager hired for "
               "it.",
    },
    {
        .key = "ramp_days",
        .type = TS_PT_INT,
        .def = "100",
        .min = 0,
        .max = 3650,
        .units = "days",
        .doc = "Days a new hire takes to reach full speed.",
    },
    {
        .key = "mentoring_hours",
        .type = TS_PT_REAL,
        .def = "2",
        .min = 0,
        .max = 24,
        .units = "hours per day",
        .doc = "Hours a day a mentor spends on a new hire during its ramp-up.",
    },
};

static const ts_section hiring_hiring_section = {
    .name = "hiring",
    .optional = 0,
    .params = hiring_hiring_params,
    .n_params = sizeof hiring_hiring_params / sizeof hiring_hiring_params[0],
    .doc = "Growth of the headcount, attrition and the cost of new hires.",
};

static const ts_section *const hiring_sections[] = {&hiring_population_section,
                                                    &hiring_hiring_section};

static const char *const hiring_traits[] = {"competence", "candor", "openness", "empathy"};

/* A Beta with this mean and sd exists: 0 < mean < 1 and sd^2 < mean (1 - mean). */
static ts_status hiring_validate_trait(const ts_scenario *sc, const char *trait, ts_error *err) {
    char mean_path[64];
    char sd_path[64];
    snprintf(mean_path, sizeof mean_path, "population.%s.mean", trait);
    snprintf(sd_path, sizeof sd_path, "population.%s.sd", trait);
    double mean = ts_scenario_real(sc, mean_path);
    double sd = ts_scenario_real(sc, sd_path);
    if (!(mean > 0.0 && mean < 1.0)) {
        return ts_scenario_fail(
            sc, mean_path, err,
            "no Beta distribution has this mean (got %g, expected 0 < mean < 1)", mean);
    }
    double var_max = mean * (1.0 - mean);
    if (sd * sd >= var_max) {
        return ts_scenario_fail(sc, sd_path, err,
                                "too large for a Beta distribution with mean %g (got %g, expected "
                                "< %.4g)",
                                mean, sd, sqrt(var_max));
    }
    return TS_OK;
}

static ts_status hiring_validate(const ts_scenario *sc, ts_error *err) {
    for (size_t i = 0; i < sizeof hiring_traits / sizeof hiring_traits[0]; i++) {
        ts_status st = hiring_validate_trait(sc, hiring_traits[i], err);
        if (st != TS_OK) {
            return st;
        }
    }
    if (strcmp(ts_scenario_string(sc, "hiring.growth"), "schedule") == 0 &&
        ts_scenario_list_len(sc, "hiring.schedule") == 0) {
        /* Located where the user wrote something: at hiring.schedule when it was given
         * (empty), else at hiring.growth, the key that asks for a schedule. */
        ts_mark mark;
        if (ts_scenario_mark_of(sc, "hiring.schedule", &mark) && mark.line > 0) {
            return ts_scenario_fail(sc, "hiring.schedule", err,
                                    "required when hiring.growth is schedule (got [], expected "
                                    "at least one [day, headcount] point)");
        }
        return ts_scenario_fail(sc, "hiring.growth", err,
                                "schedule needs hiring.schedule (got no points, expected at "
                                "least one [day, headcount] point)");
    }
    int64_t max_headcount = ts_scenario_int(sc, "hiring.max_headcount");
    int64_t headcount = ts_scenario_int(sc, "org.headcount");
    if (max_headcount < headcount) {
        return ts_scenario_fail(sc, "hiring.max_headcount", err,
                                "must be at least org.headcount (got %" PRId64
                                ", expected >= %" PRId64 ")",
                                max_headcount, headcount);
    }
    return TS_OK;
}

/* ---- Parameters and pure functions ------------------------------------------------ */

static void hiring_trait_load(const ts_scenario *sc, const char *trait, ts_hiring_trait *t) {
    char path[64];
    snprintf(path, sizeof path, "population.%s.mean", trait);
    t->mean = ts_scenario_real(sc, path);
    snprintf(path, sizeof path, "population.%s.sd", trait);
    t->sd = ts_scenario_real(sc, path);
}

ts_status ts_hiring_params_load(const ts_scenario *sc, ts_hiring_params *p, ts_error *err) {
    memset(p, 0, sizeof *p);
    const char *growth = ts_scenario_string(sc, "hiring.growth");
    p->growth = strcmp(growth, "exponential") == 0 ? TS_HIRING_EXPONENTIAL
                : strcmp(growth, "linear") == 0    ? TS_HIRING_LINEAR
                : strcmp(growth, "schedule") == 0  ? TS_HIRING_SCHEDULE
                                                   : TS_HIRING_NONE;
    p->h0 = (double)ts_scenario_int(sc, "org.headcount");
    p->annual_rate = ts_scenario_real(sc, "hiring.annual_rate");
    p->max_headcount = (double)ts_scenario_int(sc, "hiring.max_headcount");
    p->attrition_annual = ts_scenario_real(sc, "hiring.attrition_annual");
    p->promote_from_within = ts_scenario_real(sc, "hiring.promote_from_within");
    p->ramp_days = (int32_t)ts_scenario_int(sc, "hiring.ramp_days");
    p->mentoring_hours = ts_scenario_real(sc, "hiring.mentoring_hours");
    p->safety = ts_scenario_real(sc, "culture.safety");
    hiring_trait_load(sc, "competence", &p->competence);
    hiring_trait_load(sc, "candor", &p->candor);
    hiring_trait_load(sc, "openness", &p->openness);
    hiring_trait_load(sc, "empathy", &p->empathy);
    size_t n = ts_scenario_list_len(sc, "hiring.schedule");
    if (n > 0) {
        p->sched_day = malloc(n * sizeof *p->sched_day);
        p->sched_people = malloc(n * sizeof *p->sched_people);
        if (!p->sched_day || !p->sched_people) {
            ts_hiring_params_free(p);
            return ts_error_set(err, TS_ERR_NOMEM, "out of memory for hiring.schedule");
        }
        for (size_t i = 0; i < n; i++) {
            ts_scenario_point(sc, "hiring.schedule", i, &p->sched_day[i], &p->sched_people[i]);
        }
        p->n_sched = n;
    }
    return TS_OK;
}

void ts_hiring_params_free(ts_hiring_params *p) {
    free(p->sched_day);
    free(p->sched_people);
    p->sched_day = p->sched_people = NULL;
    p->n_sched = 0;
}

/* The schedule at day t: its points joined by straight lines, flat outside them. */
static double hiring_schedule_at(const ts_hiring_params *p, double t) {
    size_t n = p->n_sched;
    if (n == 0) {
        return p->h0;
    }
    if (t <= p->sched_day[0]) {
        return p->sched_people[0];
    }
    for (size_t i = 1; i < n; i++) {
        if (t < p->sched_day[i]) {
            double x0 = p->sched_day[i - 1], y0 = p->sched_people[i - 1];
            double f = (t - x0) / (p->sched_day[i] - x0);
            return y0 + f * (p->sched_people[i] - y0);
        }
    }
    return p->sched_people[n - 1];
}

double ts_hiring_target(const ts_hiring_params *p, int32_t day) {
    double t = (double)day;
    double h = p->h0;
    switch (p->growth) {
    case TS_HIRING_EXPONENTIAL:
        h = p->h0 * pow(1.0 + p->annual_rate, t / 365.0);
        break;
    case TS_HIRING_LINEAR:
        h = p->h0 * (1.0 + p->annual_rate * t / 365.0);
        break;
    case TS_HIRING_SCHEDULE:
        h = hiring_schedule_at(p, t);
        break;
    case TS_HIRING_NONE:
        break;
    }
    return h < p->max_headcount ? h : p->max_headcount;
}

/* One draw of a trait: Beta with the trait's mean and sd (the method of moments), or
 * exactly the mean when there is no spread or no Beta fits. */
static float hiring_trait_draw(gsl_rng *g, const ts_hiring_trait *t) {
    double m = t->mean;
    if (!(t->sd > 0.0) || !(m > 0.0 && m < 1.0)) {
        return (float)m;
    }
    double k = m * (1.0 - m) / (t->sd * t->sd) - 1.0;
    if (!(k > 0.0)) {
        return (float)m;
    }
    return (float)gsl_ran_beta(g, m * k, (1.0 - m) * k);
}

void ts_hiring_draw_traits(const ts_hiring_params *p, ts_world *w, uint32_t a) {
    ts_rng r;
    ts_rng_init(&r, w->seed, a, TS_HIRING_TRAIT_DAY, TS_HIRING_TRAIT_STREAM);
    gsl_rng *g = ts_rng_gsl(&r);
    for (uint32_t d = 0; d < w->n_domains; d++) {
        ts_competence(w)[(size_t)a * w->n_domains + d] = hiring_trait_draw(g, &p->competence);
    }
    ts_candor(w)[a] = hiring_trait_draw(g, &p->candor);
    ts_openness(w)[a] = hiring_trait_draw(g, &p->openness);
    ts_empathy(w)[a] = hiring_trait_draw(g, &p->empathy);
    ts_safety(w)[a] = (float)p->safety;
    ts_alignment(w)[a] = 0.0f;
}

float ts_hiring_ramp(const ts_world *w, uint32_t a, int32_t ramp_days) {
    int32_t hired = w->hire_day[a];
    if (ramp_days <= 0 || hired <= -w->warmup_days) {
        return 1.0f;
    }
    double f = (double)(w->day - hired) / ramp_days;
    f = f < 0.0 ? 0.0 : f > 1.0 ? 1.0 : f;
    return (float)(0.6 + 0.4 * f);
}

/* ---- Workspaces and trust -------------------------------------------------------- */

int hiring_reserve_buf(hiring_state *s, size_t n) {
    if (n <= s->buf_alloc) {
        return 1;
    }
    uint32_t *b = realloc(s->buf, n * sizeof *b);
    if (!b) {
        s->failed = 1;
        return 0;
    }
    s->buf = b;
    s->buf_alloc = n;
    return 1;
}

static int hiring_reserve_agents(hiring_state *s, size_t n) {
    if (n <= s->agents_alloc) {
        return 1;
    }
    if (!ts_world_grow_array((void **)&s->mentor1, sizeof *s->mentor1, s->agents_alloc, n) ||
        !ts_world_grow_array((void **)&s->mentor2, sizeof *s->mentor2, s->agents_alloc, n) ||
        !ts_world_grow_array((void **)&s->stamp, sizeof *s->stamp, s->agents_alloc, n) ||
        !ts_world_grow_array((void **)&s->mentor_of, sizeof *s->mentor_of, s->agents_alloc, n) ||
        !ts_world_grow_array((void **)&s->mentor_day, sizeof *s->mentor_day, s->agents_alloc, n)) {
        s->failed = 1;
        return 0;
    }
    for (size_t a = s->agents_alloc; a < n; a++) {
        s->mentor_day[a] = INT32_MIN;
    }
    s->agents_alloc = n;
    return 1;
}

float hiring_trust(const hiring_state *s, const ts_world *w, uint32_t i, uint32_t j) {
    return s->people >= 0 ? ts_trust_of(&s->tp, w, i, j, (uint32_t)s->people)
                          : ts_trust_of_mean(&s->tp, w, i, j);
}

/* ---- The day ---------------------------------------------------------------------- */

static void hiring_attrition(hiring_state *s, ts_world *w, const ts_day *d) {
    double p_day = s->p.attrition_annual / 365.0;
    if (!(p_day > 0.0)) {
        return;
    }
    uint32_t n = w->n;
    for (uint32_t a = 0; a < n; a++) {
        if (!w->active[a] || a == w->root || ts_is_ai(w)[a]) {
            continue; /* AI agents do not leave (models/ai.h) */
        }
        ts_rng r;
        ts_day_rng(d, a, &r);
        if (ts_rng_uniform(&r) < p_day * (1.5 - (double)ts_safety(w)[a])) {
            hiring_vacate(s, w, a);
            ts_world_remove_agent(w, a, d->day);
            s->leavers++;
        }
    }
}

/* The two reports of m that m trusts most (ties: the lowest id), computed once a day
 * per manager: a new hire's mentor is the first of them, or the second if the first is
 * the new hire itself. */
#define HIRING_RANK_HINTS 32
static void hiring_rank_team(hiring_state *s, const ts_world *w, uint32_t m) {
    uint32_t b1 = TS_NO_AGENT, b2 = TS_NO_AGENT;
    float t1 = -1.0f, t2 = -1.0f;
    /* m's models of the team asked for at once (hints; the first HIRING_RANK_HINTS). */
    ts_lookup pairs[HIRING_RANK_HINTS];
    size_t n = 0;
    for (uint32_t j = w->first_report[m]; j != TS_NO_AGENT && n < HIRING_RANK_HINTS;
         j = w->next_peer[j]) {
        pairs[n++] = (ts_lookup){m, j};
    }
    ts_relstore_prefetch_lookups(&w->models, pairs, n);
    for (uint32_t j = w->first_report[m]; j != TS_NO_AGENT; j = w->next_peer[j]) {
        if (ts_is_ai(w)[j]) {
            continue; /* an AI agent mentors nobody */
        }
        float t = hiring_trust(s, w, m, j);
        if (t > t1 || (t == t1 && j < b1)) {
            b2 = b1;
            t2 = t1;
            b1 = j;
            t1 = t;
        } else if (t > t2 || (t == t2 && j < b2)) {
            b2 = j;
            t2 = t;
        }
    }
    s->mentor1[m] = b1;
    s->mentor2[m] = b2;
    s->stamp[m] = s->day_stamp;
}

/* Each new hire in ramp-up costs a mentor hours: the teammate its manager trusts most,
 * else the manager. Org picks the mentor (the rankings are cached per manager for the
 * day); the hire's act sends it the hours. */
static void hiring_mentoring(hiring_state *s, ts_world *w, const ts_day *d) {
    float hours = (float)s->p.mentoring_hours;
    if (!(hours > 0.0f) || s->p.ramp_days <= 0 || !hiring_reserve_agents(s, w->n_alloc)) {
        return;
    }
    /* Stamps tell today's rankings from older ones; 0 is never a valid stamp. */
    if (++s->day_stamp == 0) {
        memset(s->stamp, 0, s->agents_alloc * sizeof *s->stamp);
        s->day_stamp = 1;
    }
    for (uint32_t a = 0; a < w->n; a++) {
        uint32_t m = w->manager[a];
        if (!w->active[a] || m == TS_NO_AGENT || w->hire_day[a] <= -w->warmup_days ||
            d->day - w->hire_day[a] >= s->p.ramp_days || ts_is_ai(w)[a]) {
            continue;
        }
        if (s->stamp[m] != s->day_stamp) {
            hiring_rank_team(s, w, m);
        }
        uint32_t mentor = s->mentor1[m] != a ? s->mentor1[m] : s->mentor2[m];
        s->mentor_of[a] = mentor != TS_NO_AGENT ? mentor : m;
        s->mentor_day[a] = d->day;
    }
}

/* Act, for each new hire with a mentor today: the mentor's hours, by message. */
static ts_status hiring_act(const void *state, const ts_world *w, uint32_t a, void *row,
                            ts_emit *e) {
    if (ts_is_ai(w)[a]) {
        return TS_OK; /* AI agents take no part (models/ai.h) */
    }
    (void)row;
    const hiring_state *s = state;
    if (a < s->agents_alloc && s->mentor_day[a] == w->day) {
        ts_ev_hours(e, s->mentor_of[a], TS_HOURS_MENTORING, (float)s->p.mentoring_hours);
    }
    return TS_OK;
}

static ts_status hiring_handle(void *state, ts_world *w, const ts_msg *m) {
    (void)state;
    ts_evidence_handle(w, m);
    return TS_OK;
}

static ts_status hiring_org(void *state, ts_world *w, const ts_day *d) {
    hiring_state *s = state;
    s->today = d->day;
    s->hires = s->leavers = 0;
    s->n_heap = 0;
    if (s->failed) {
        return TS_OK;
    }
    hiring_attrition(s, w, d);
    hiring_grow_org(s, w, d);
    hiring_mentoring(s, w, d);
    return TS_OK;
}

/* ---- The module ------------------------------------------------------------------- */

static void hiring_free(void *state) {
    hiring_state *s = state;
    if (!s) {
        return;
    }
    ts_hiring_params_free(&s->p);
    free(s->heap);
    free(s->buf);
    free(s->mentor1);
    free(s->mentor2);
    free(s->stamp);
    free(s->mentor_of);
    free(s->mentor_day);
    free(s);
}

static ts_status hiring_grow(void *state, const ts_world *w, ts_error *err) {
    hiring_state *s = state;
    if (s->failed || !hiring_reserve_buf(s, w->n_alloc) || !hiring_reserve_agents(s, w->n_alloc) ||
        !hiring_reserve_heap(s, (size_t)w->n_alloc + 64)) {
        return ts_error_set(err, TS_ERR_NOMEM, "hiring: out of memory for %u agents", w->n_alloc);
    }
    return TS_OK;
}

static ts_status hiring_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    ts_status st = ts_shared_register(w, err); /* the people's columns */
    if (st != TS_OK) {
        return st;
    }
    hiring_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    st = ts_hiring_params_load(sc, &s->p, err);
    if (st != TS_OK) {
        hiring_free(s);
        return st;
    }
    ts_trust_params_load(sc, &s->tp);
    s->people = -1;
    size_t nd = ts_scenario_list_len(sc, "domains");
    for (size_t i = 0; i < nd && s->people < 0; i++) {
        if (strcmp(ts_scenario_list_item(sc, "domains", i), "people") == 0) {
            s->people = (int)i;
        }
    }
    for (uint32_t a = 0; a < w->n; a++) {
        ts_hiring_draw_traits(&s->p, w, a);
    }
    st = hiring_grow(s, w, err);
    if (st != TS_OK) {
        hiring_free(s);
        return st;
    }
    *state = s;
    return TS_OK;
}

/* The most agents a run can hold, for the memory estimate: the largest target headcount
 * of the recorded days (org.headcount during the warm-up), rounded as hiring_grow_org
 * rounds it, plus the ids of the people who leave and are replaced, since ids are not
 * reused. Leavers are counted at the attrition of a person at the culture's starting
 * safety, over the warm-up and the recorded days, as if the headcount were at its peak
 * all along: an upper-ish figure, not an exact one. */
static uint64_t hiring_peak_agents(const ts_scenario *sc, const char **keys) {
    ts_hiring_params p;
    if (ts_hiring_params_load(sc, &p, NULL) != TS_OK) {
        return 0;
    }
    int32_t days = (int32_t)ts_scenario_int(sc, "days");
    double peak = p.h0;
    for (int32_t d = 0; d <= days; d++) {
        double h = ts_hiring_target(&p, d);
        peak = h > peak ? h : peak;
    }
    peak = floor(peak + 0.5);
    double years = (double)(days + ts_scenario_int(sc, "org.warmup_days")) / 365.0;
    double rate = p.attrition_annual * (1.5 - p.safety);
    double leavers = ceil(peak * (rate > 0.0 ? rate : 0.0) * years);
    if (keys) {
        *keys = p.growth == TS_HIRING_NONE       ? "org.headcount, hiring.attrition_annual"
                : p.growth == TS_HIRING_SCHEDULE ? "hiring.schedule, hiring.max_headcount, "
                                                   "hiring.attrition_annual"
                                                 : "org.headcount, hiring.annual_rate, "
                                                   "hiring.max_headcount, hiring.attrition_annual";
    }
    ts_hiring_params_free(&p);
    return (uint64_t)(peak + leavers);
}

enum { HM_HIRES, HM_LEAVERS, HM_COUNT };
static const ts_metric_decl hiring_metrics[HM_COUNT] = {
    {"hires", "people per day", "People hired on the day, managers hired for new teams included."},
    {"leavers", "people per day", "People who left the organisation on the day."},
};

static ts_status hiring_day_end(void *state, const ts_world *w, const double *acc, double *values) {
    const hiring_state *s = state;
    (void)w;
    (void)acc;
    values[HM_HIRES] = s->hires;
    values[HM_LEAVERS] = s->leavers;
    return TS_OK;
}

/* The agent table's traits: hiring draws them, so it reports them. */
static ts_status hiring_summarize(const void *state, const ts_world *w, ts_result *res,
                                  ts_error *err) {
    (void)state;
    size_t n = w->n;
    uint32_t D = w->n_domains;
    ts_table *t = &res->agents;
    float *comp =
        ts_table_add_column(t, "competence", "competence",
                            "True competence per domain (hidden trait); the chance of success "
                            "follows from it (docs/model.md §7.3).",
                            TS_COL_F32, n, D);
    float *candor = ts_table_add_column(t, "candor", "probability",
                                        "Propensity to own up (hidden trait).", TS_COL_F32, n, 1);
    float *open =
        ts_table_add_column(t, "openness", "probability",
                            "Propensity to ask for help (hidden trait).", TS_COL_F32, n, 1);
    if (n && (!comp || !candor || !open)) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for the agent table");
    }
    for (uint32_t a = 0; a < n; a++) {
        memcpy(comp + (size_t)a * D, ts_competence(w) + (size_t)a * D, D * sizeof *comp);
        candor[a] = ts_candor(w)[a];
        open[a] = ts_openness(w)[a];
    }
    return TS_OK;
}

/* Saved states: hiring keeps only its failure flag from day to day (its heap, rankings
 * and stream are remade every day). */
static ts_status hiring_state_io(void *state, ts_world *w, ts_state_io *io) {
    hiring_state *s = state;
    (void)w;
    ts_sio_int(io, "failed", &s->failed);
    return ts_sio_status(io);
}

const ts_module ts_module_hiring = {
    .name = "hiring",
    .sections = hiring_sections,
    .n_sections = sizeof hiring_sections / sizeof hiring_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = hiring_validate,
    .configure = hiring_configure,
    .free = hiring_free,
    .grow = hiring_grow,
    .org = hiring_org,
    .act = hiring_act,
    .handle = hiring_handle,
    .metrics = hiring_metrics,
    .n_metrics = HM_COUNT,
    .n_acc = 0,
    .day_end = hiring_day_end,
    .summarize = hiring_summarize,
    .peak_agents = hiring_peak_agents,
    .state_io = hiring_state_io,
};
