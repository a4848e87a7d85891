#include "hiring.h"

#include "evidence.h"
#include "trust.h"

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
        .units = "probability",
        .doc = "Mean chance that a person's task in a domain succeeds.",
    },
    {
        .key = "competence.sd",
        .type = TS_PT_REAL,
        .def = "0.12",
        .min = 0,
        .max = 0.5,
        .units = "probability",
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
        w->competence[(size_t)a * w->n_domains + d] = hiring_trait_draw(g, &p->competence);
    }
    w->candor[a] = hiring_trait_draw(g, &p->candor);
    w->openness[a] = hiring_trait_draw(g, &p->openness);
    w->empathy[a] = hiring_trait_draw(g, &p->empathy);
    w->safety[a] = (float)p->safety;
    w->alignment[a] = 0.0f;
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

/* ---- State ---------------------------------------------------------------------- */

/* A leaf team in the placement heap: its size when pushed and its manager. Entries go
 * stale when the team changes; a popped entry counts only if it still matches. */
typedef struct hiring_leaf {
    uint32_t size, id;
} hiring_leaf;

typedef struct hiring_state {
    ts_hiring_params p;
    ts_trust_params tp;
    int people;   /* index of the domain "people", -1 if none (then domain-averaged) */
    ts_rng place; /* the day's placement decisions (promote or hire) */
    int32_t today;
    /* Workspaces, grown with the world and reused from day to day. */
    hiring_leaf *heap; /* min-heap by (size, id) */
    size_t n_heap, heap_alloc;
    uint32_t *buf; /* a manager's reports (per-agent sized: any team fits) */
    size_t buf_alloc;
    /* Per manager: the two reports it trusts most, valid while stamp == day_stamp. */
    uint32_t *mentor1, *mentor2, *stamp;
    size_t agents_alloc;
    uint32_t day_stamp;
    uint32_t hires, leavers; /* today */
    int failed;              /* out of memory in org: reported by the next grow */
} hiring_state;

static int hiring_reserve_buf(hiring_state *s, size_t n) {
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
    uint32_t *m1 = realloc(s->mentor1, n * sizeof *m1);
    if (m1) {
        s->mentor1 = m1;
    }
    uint32_t *m2 = realloc(s->mentor2, n * sizeof *m2);
    if (m2) {
        s->mentor2 = m2;
    }
    uint32_t *st = realloc(s->stamp, n * sizeof *st);
    if (st) {
        s->stamp = st;
    }
    if (!m1 || !m2 || !st) {
        s->failed = 1;
        return 0;
    }
    memset(st + s->agents_alloc, 0, (n - s->agents_alloc) * sizeof *st);
    s->agents_alloc = n;
    return 1;
}

static int hiring_reserve_heap(hiring_state *s, size_t n) {
    if (n <= s->heap_alloc) {
        return 1;
    }
    size_t n_new = s->heap_alloc ? s->heap_alloc : 64;
    while (n_new < n) {
        n_new *= 2;
    }
    hiring_leaf *h = realloc(s->heap, n_new * sizeof *h);
    if (!h) {
        s->failed = 1;
        return 0;
    }
    s->heap = h;
    s->heap_alloc = n_new;
    return 1;
}

/* ---- Trust and the tree ---------------------------------------------------------- */

/* How much i trusts j with people: the `people` domain, else the domain average. */
static float hiring_trust(const hiring_state *s, const ts_world *w, uint32_t i, uint32_t j) {
    return s->people >= 0 ? ts_trust_of(&s->tp, w, i, j, (uint32_t)s->people)
                          : ts_trust_of_mean(&s->tp, w, i, j);
}

/* The report of m that m trusts most (ties: the lowest id), TS_NO_AGENT if none. */
static uint32_t hiring_best_report(const hiring_state *s, const ts_world *w, uint32_t m) {
    uint32_t best = TS_NO_AGENT;
    float best_t = -1.0f;
    for (uint32_t r = w->first_report[m]; r != TS_NO_AGENT; r = w->next_peer[r]) {
        float t = hiring_trust(s, w, m, r);
        if (t > best_t || (t == best_t && r < best)) {
            best = r;
            best_t = t;
        }
    }
    return best;
}

static int hiring_is_leaf(const ts_world *w, uint32_t m) {
    if (w->n_reports[m] == 0) {
        return 0;
    }
    for (uint32_t r = w->first_report[m]; r != TS_NO_AGENT; r = w->next_peer[r]) {
        if (w->n_reports[r] > 0) {
            return 0;
        }
    }
    return 1;
}

static int hiring_leaf_less(hiring_leaf a, hiring_leaf b) {
    return a.size < b.size || (a.size == b.size && a.id < b.id);
}

/* Offers m's team to the placement heap (it counts only while it is a leaf team). */
static void hiring_push(hiring_state *s, const ts_world *w, uint32_t m) {
    if (!w->active[m] || w->n_reports[m] == 0 || !hiring_reserve_heap(s, s->n_heap + 1)) {
        return;
    }
    hiring_leaf e = {w->n_reports[m], m};
    size_t i = s->n_heap++;
    while (i > 0 && hiring_leaf_less(e, s->heap[(i - 1) / 2])) {
        s->heap[i] = s->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    s->heap[i] = e;
}

static hiring_leaf hiring_pop(hiring_state *s) {
    hiring_leaf top = s->heap[0];
    hiring_leaf e = s->heap[--s->n_heap];
    size_t n = s->n_heap, i = 0;
    while (2 * i + 1 < n) {
        size_t c = 2 * i + 1;
        if (c + 1 < n && hiring_leaf_less(s->heap[c + 1], s->heap[c])) {
            c++;
        }
        if (!hiring_leaf_less(s->heap[c], e)) {
            break;
        }
        s->heap[i] = s->heap[c];
        i = c;
    }
    if (n > 0) {
        s->heap[i] = e;
    }
    return top;
}

/* The smallest leaf team (ties: the lowest manager id), TS_NO_AGENT if there is none. */
static uint32_t hiring_smallest_leaf(hiring_state *s, const ts_world *w) {
    while (s->n_heap > 0) {
        hiring_leaf e = hiring_pop(s);
        if (w->active[e.id] && w->n_reports[e.id] == e.size && hiring_is_leaf(w, e.id)) {
            return e.id;
        }
    }
    return TS_NO_AGENT;
}

/* x's place goes to the report x trusts most, who moves up and takes over x's other
 * reports. A manager who moves up leaves its own place to its most trusted report
 * first, so the promotion runs down a chain that ends at an IC and no team changes
 * shape. Afterwards x has no reports and is still under its manager. Returns the
 * replacement (TS_NO_AGENT if x had no reports or is the root). Recursion depth is at
 * most the tree's depth. */
static uint32_t hiring_vacate(hiring_state *s, ts_world *w, uint32_t x) {
    uint32_t r = hiring_best_report(s, w, x);
    uint32_t up = w->manager[x];
    if (r == TS_NO_AGENT || up == TS_NO_AGENT) {
        return TS_NO_AGENT;
    }
    if (w->n_reports[r] > 0) {
        hiring_vacate(s, w, r);
    }
    ts_world_set_manager(w, r, up);
    while (w->first_report[x] != TS_NO_AGENT) {
        ts_world_set_manager(w, w->first_report[x], r);
    }
    hiring_push(s, w, r);
    return r;
}

/* Hires one person under `manager` today; TS_NO_AGENT if out of memory. */
static uint32_t hiring_hire(hiring_state *s, ts_world *w, uint32_t manager) {
    uint32_t id;
    if (ts_world_add_agent(w, manager, s->today, &id, NULL) != TS_OK) {
        s->failed = 1;
        return TS_NO_AGENT;
    }
    ts_hiring_draw_traits(&s->p, w, id);
    s->hires++;
    return id;
}

/* Promotes the member of g[0..n) (reports of m) whom m trusts most to lead a new team:
 * an IC if there is one (taken out of g, the others keep their order), else a manager
 * of two or more (its place, and its slot in g, go to its most trusted report). With
 * fewer than two members nobody is promoted (the new team would be empty). Returns the
 * promoted person or TS_NO_AGENT. */
static uint32_t hiring_promote(hiring_state *s, ts_world *w, uint32_t m, uint32_t *g, size_t *n) {
    size_t at = *n;
    if (*n < 2) {
        return TS_NO_AGENT;
    }
    for (int leads = 0; leads <= 1 && at == *n; leads++) {
        uint32_t best = TS_NO_AGENT;
        float best_t = -1.0f;
        for (size_t i = 0; i < *n; i++) {
            uint32_t r = g[i];
            if (leads ? w->n_reports[r] < 2 : w->n_reports[r] > 0) {
                continue;
            }
            float t = hiring_trust(s, w, m, r);
            if (t > best_t || (t == best_t && r < best)) {
                best = r;
                best_t = t;
                at = i;
            }
        }
    }
    if (at == *n) {
        return TS_NO_AGENT;
    }
    uint32_t leader = g[at];
    if (w->n_reports[leader] > 0) {
        g[at] = hiring_vacate(s, w, leader);
    } else {
        memmove(g + at, g + at + 1, (*n - at - 1) * sizeof *g);
        --*n;
    }
    return leader;
}

/* The leader of a new team carved out of g (reports of m), placed under `parent`:
 * promoted with probability promote_from_within, else hired. */
static uint32_t hiring_new_lead(hiring_state *s, ts_world *w, uint32_t m, uint32_t parent,
                                uint32_t *g, size_t *n) {
    uint32_t leader = TS_NO_AGENT;
    if (ts_rng_uniform(&s->place) < s->p.promote_from_within) {
        leader = hiring_promote(s, w, m, g, n);
    }
    if (leader == TS_NO_AGENT) {
        return hiring_hire(s, w, parent);
    }
    ts_world_set_manager(w, leader, parent);
    return leader;
}

/* Copies m's reports, in list order, into the workspace; returns their number. */
static size_t hiring_reports(hiring_state *s, const ts_world *w, uint32_t m) {
    size_t n = 0;
    if (!hiring_reserve_buf(s, w->n_reports[m])) {
        return 0;
    }
    for (uint32_t r = w->first_report[m]; r != TS_NO_AGENT; r = w->next_peer[r]) {
        s->buf[n++] = r;
    }
    return n;
}

/* m (not the root) has more than span reports: a sibling team under m's manager,
 * led by a promoted report or a new hire, takes the later half of them. */
static void hiring_split(hiring_state *s, ts_world *w, uint32_t m) {
    uint32_t parent = w->manager[m];
    size_t n = hiring_reports(s, w, m);
    uint32_t leader = hiring_new_lead(s, w, m, parent, s->buf, &n);
    if (leader == TS_NO_AGENT) {
        return;
    }
    for (size_t i = n - n / 2; i < n; i++) {
        ts_world_set_manager(w, s->buf[i], leader);
    }
    hiring_push(s, w, m);
    hiring_push(s, w, leader);
}

/* The root has more than span reports: a new level of k = max(2, ceil(reports/span))
 * managers goes between it and its reports, each leading a contiguous share. */
static void hiring_insert_level(hiring_state *s, ts_world *w) {
    uint32_t root = w->root;
    size_t n = hiring_reports(s, w, root);
    size_t k = (n + w->span - 1) / w->span;
    k = k < 2 ? 2 : k;
    for (size_t g = 0; g < k; g++) {
        size_t lo = g * n / k, hi = (g + 1) * n / k;
        size_t len = hi - lo;
        uint32_t leader = hiring_new_lead(s, w, root, root, s->buf + lo, &len);
        if (leader == TS_NO_AGENT) {
            return;
        }
        for (size_t i = 0; i < len; i++) {
            ts_world_set_manager(w, s->buf[lo + i], leader);
        }
        hiring_push(s, w, leader);
    }
}

/* Splits m and then its managers upward until nobody has more than span reports. */
static void hiring_rebalance(hiring_state *s, ts_world *w, uint32_t m) {
    while (m != TS_NO_AGENT && !s->failed) {
        if (w->n_reports[m] <= w->span) {
            m = w->manager[m];
        } else if (m == w->root) {
            hiring_insert_level(s, w);
        } else {
            hiring_split(s, w, m);
        }
    }
}

/* ---- The day ---------------------------------------------------------------------- */

static void hiring_attrition(hiring_state *s, ts_world *w, const ts_day *d) {
    double p_day = s->p.attrition_annual / 365.0;
    if (!(p_day > 0.0)) {
        return;
    }
    uint32_t n = w->n;
    for (uint32_t a = 0; a < n; a++) {
        if (!w->active[a] || a == w->root) {
            continue;
        }
        ts_rng r;
        ts_day_rng(d, a, &r);
        if (ts_rng_uniform(&r) < p_day * (1.5 - (double)w->safety[a])) {
            hiring_vacate(s, w, a);
            ts_world_remove_agent(w, a, d->day);
            s->leavers++;
        }
    }
}

static void hiring_grow_org(hiring_state *s, ts_world *w, const ts_day *d) {
    double h = d->live ? ts_hiring_target(&s->p, d->day) : s->p.h0;
    double target = floor(h + 0.5);
    if (!((double)w->n_active < target)) {
        return;
    }
    ts_day_rng(d, TS_NO_AGENT, &s->place);
    s->n_heap = 0;
    for (uint32_t a = 0; a < w->n; a++) {
        if (w->active[a] && hiring_is_leaf(w, a)) {
            hiring_push(s, w, a);
        }
    }
    while ((double)w->n_active < target && !s->failed) {
        uint32_t m = hiring_smallest_leaf(s, w);
        if (m == TS_NO_AGENT) {
            m = w->root; /* only the CEO is left: the first hire reports to it */
        }
        if (m == TS_NO_AGENT || hiring_hire(s, w, m) == TS_NO_AGENT) {
            return;
        }
        if (w->n_reports[m] > w->span) {
            hiring_rebalance(s, w, m);
        } else {
            hiring_push(s, w, m);
        }
    }
}

/* The two reports of m that m trusts most (ties: the lowest id), computed once a day
 * per manager: a new hire's mentor is the first of them, or the second if the first is
 * the new hire itself. */
static void hiring_rank_team(hiring_state *s, const ts_world *w, uint32_t m) {
    uint32_t b1 = TS_NO_AGENT, b2 = TS_NO_AGENT;
    float t1 = -1.0f, t2 = -1.0f;
    for (uint32_t j = w->first_report[m]; j != TS_NO_AGENT; j = w->next_peer[j]) {
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
 * else the manager. */
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
            d->day - w->hire_day[a] >= s->p.ramp_days) {
            continue;
        }
        if (s->stamp[m] != s->day_stamp) {
            hiring_rank_team(s, w, m);
        }
        uint32_t mentor = s->mentor1[m] != a ? s->mentor1[m] : s->mentor2[m];
        ts_ev_hours_now(w, mentor != TS_NO_AGENT ? mentor : m, TS_HOURS_MENTORING, hours);
    }
}

static void hiring_org(void *state, ts_world *w, ts_day *d) {
    hiring_state *s = state;
    s->today = d->day;
    s->hires = s->leavers = 0;
    s->n_heap = 0;
    if (s->failed) {
        return;
    }
    hiring_attrition(s, w, d);
    hiring_grow_org(s, w, d);
    hiring_mentoring(s, w, d);
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
    hiring_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    ts_status st = ts_hiring_params_load(sc, &s->p, err);
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

enum { HM_HIRES, HM_LEAVERS, HM_COUNT };
static const ts_metric_decl hiring_metrics[HM_COUNT] = {
    {"hires", "people per day", "People hired on the day, managers hired for new teams included."},
    {"leavers", "people per day", "People who left the organisation on the day."},
};

static void hiring_day_end(void *state, const ts_world *w, const double *acc, double *values) {
    const hiring_state *s = state;
    (void)w;
    (void)acc;
    values[HM_HIRES] = s->hires;
    values[HM_LEAVERS] = s->leavers;
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
    .metrics = hiring_metrics,
    .n_metrics = HM_COUNT,
    .n_acc = 0,
    .day_end = hiring_day_end,
};
