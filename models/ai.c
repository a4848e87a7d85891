#include "ai.h"

#include "shared.h"

#include "hiring.h"
#include "stats.h"
#include "trust.h"

#include <math.h>
#include <stdlib.h>

static const ts_param ai_params[] = {
    {
        .key = "per_team",
        .type = TS_PT_INT,
        .def = "1",
        .min = 0,
        .max = 16,
        .units = "agents per team",
        .doc = "AI agents placed in every team (as reports of its manager) when the team first "
               "has people in it; 0: none (the module is on, nothing changes).",
    },
    {
        .key = "speed",
        .type = TS_PT_REAL,
        .def = "3",
        .min = 0.1,
        .max = 100,
        .units = "multiple of a person's hours",
        .doc = "Task work an AI agent does in a day, as a multiple of a fully ramped person's "
               "working hours (it keeps no meetings and no toil).",
    },
    {
        .key = "competence",
        .type = TS_PT_REAL,
        .def = "0.7",
        .min = 0,
        .max = 1,
        .units = "competence",
        .doc = "An AI agent's competence in every domain (as a person's: the chance that its "
               "work succeeds follows through work.difficulty and work.skill_scale).",
    },
    {
        .key = "competence_by_domain",
        .type = TS_PT_POINTS,
        .def = "[]",
        .min = 0,
        .max = 8,
        .units = "[domain index, competence]",
        .doc = "Competence in single domains, overriding `competence` there: pairs of the "
               "domain's index in `domains` (0 first) and a competence in [0, 1].",
    },
    {
        .key = "hallucination",
        .type = TS_PT_REAL,
        .def = "0.05",
        .min = 0,
        .max = 1,
        .units = "probability per task",
        .doc = "Chance that a task of an AI agent is a hallucination: a failure that looks like "
               "a success and is never owned up (a hidden defect, found as concealed defects "
               "are, unless its delegator reviewed the task or the AI flagged it).",
    },
    {
        .key = "admits_uncertainty",
        .type = TS_PT_REAL,
        .def = "0",
        .min = 0,
        .max = 1,
        .units = "fraction",
        .doc = "Share of its hallucinations an AI agent flags in advance as likely failures: the "
               "flagged task is reviewed (the failure is seen, not hidden) and the flag is "
               "honesty evidence to its delegator.",
    },
};

static const ts_section ai_section = {
    .name = "population.ai",
    .optional = 1,
    .params = ai_params,
    .n_params = sizeof ai_params / sizeof ai_params[0],
    .doc = "AI teammates: AI agents in every team, gated by trust like any delegation.",
};

static const ts_section *const ai_sections[] = {&ai_section};

/* competence_by_domain: whole domain indices below the number of domains, once each (the
 * loader keeps x increasing), competences in [0, 1]. */
static ts_status ai_validate(const ts_scenario *sc, ts_error *err) {
    if (!ts_scenario_section_on(sc, "population.ai")) {
        return TS_OK;
    }
    const char *key = "population.ai.competence_by_domain";
    size_t nd = ts_scenario_list_len(sc, "domains");
    size_t n = ts_scenario_list_len(sc, key);
    for (size_t i = 0; i < n; i++) {
        double x, y;
        ts_scenario_point(sc, key, i, &x, &y);
        if (!(x >= 0.0 && x < (double)nd && x == floor(x))) {
            return ts_scenario_fail(sc, key, err,
                                    "point %zu: domain index %g is not one of the domains "
                                    "(expected a whole number from 0 to %zu)",
                                    i + 1, x, nd ? nd - 1 : 0);
        }
        if (!(y >= 0.0 && y <= 1.0)) {
            return ts_scenario_fail(sc, key, err,
                                    "point %zu: competence %g out of range (expected a "
                                    "number from 0 to 1)",
                                    i + 1, y);
        }
    }
    return TS_OK;
}

void ts_ai_params_load(const ts_scenario *sc, ts_ai_params *p) {
    *p = (ts_ai_params){0};
    if (!ts_scenario_section_on(sc, "population.ai")) {
        return;
    }
    p->on = 1;
    p->per_team = (uint32_t)ts_scenario_int(sc, "population.ai.per_team");
    p->speed = (float)ts_scenario_real(sc, "population.ai.speed");
    p->hallucination = (float)ts_scenario_real(sc, "population.ai.hallucination");
    p->admits = (float)ts_scenario_real(sc, "population.ai.admits_uncertainty");
    float c = (float)ts_scenario_real(sc, "population.ai.competence");
    for (int d = 0; d < TS_AI_MAX_DOMAINS; d++) {
        p->competence[d] = c;
    }
    const char *key = "population.ai.competence_by_domain";
    for (size_t i = 0; i < ts_scenario_list_len(sc, key); i++) {
        double x, y;
        ts_scenario_point(sc, key, i, &x, &y);
        if (x >= 0.0 && x < TS_AI_MAX_DOMAINS) {
            p->competence[(int)x] = (float)y;
        }
    }
}

uint32_t ts_ai_reports(const ts_world *w, uint32_t m) {
    uint32_t n = 0;
    if (w->not_person < 0) {
        return 0; /* no AI agent in this world */
    }
    for (uint32_t j = w->first_report[m]; j != TS_NO_AGENT; j = w->next_peer[j]) {
        n += !ts_world_is_person(w, j);
    }
    return n;
}

uint32_t ts_ai_people_reports(const ts_world *w, uint32_t m) {
    return w->n_reports[m] - ts_ai_reports(w, m);
}

uint32_t ts_ai_count(const ts_world *w) {
    uint32_t n = 0;
    if (w->not_person < 0) {
        return 0; /* no AI agent in this world */
    }
    const uint8_t *ai = ts_is_ai(w);
    for (uint32_t a = 0; a < w->n; a++) {
        n += w->active[a] & ai[a];
    }
    return n;
}

typedef struct ai_state {
    ts_ai_params p;
    ts_trust_params tp;
    uint32_t col; /* the ai_task column */
} ai_state;

static void ai_free(void *state) {
    free(state);
}

static ts_status ai_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    ts_status st = ts_shared_register(w, err);
    if (st != TS_OK) {
        return st;
    }
    ai_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    ts_ai_params_load(sc, &s->p);
    ts_trust_params_load(sc, &s->tp);
    st = ts_world_column_add(w, TS_AI_TASK_COLUMN, sizeof(ts_ai_task), 1, NULL, &s->col, err);
    if (st != TS_OK) {
        free(s);
        return st;
    }
    w->not_person = TS_SHARED_IS_AI; /* the engine's people counts leave AI agents out */
    *state = s;
    return TS_OK;
}

/* An AI agent's traits: the configured competence, no candour, openness or empathy (it
 * never owns up, asks for help or apologises), no alignment error, no safety. */
static ts_status ai_create(ai_state *s, ts_world *w, uint32_t m, ts_error *err) {
    uint32_t id;
    ts_status st = ts_world_add_agent(w, m, w->day, &id, err);
    if (st != TS_OK) {
        return st;
    }
    for (uint32_t d = 0; d < w->n_domains; d++) {
        ts_competence(w)[(size_t)id * w->n_domains + d] =
            s->p.competence[d < TS_AI_MAX_DOMAINS ? d : TS_AI_MAX_DOMAINS - 1];
    }
    ts_candor(w)[id] = ts_openness(w)[id] = ts_empathy(w)[id] = 0.0f;
    ts_safety(w)[id] = ts_alignment(w)[id] = 0.0f;
    ts_is_ai(w)[id] = 1;
    return TS_OK;
}

/* Serial, after hiring: an AI agent whose manager left with nobody to take its team over
 * leaves with it (the team it worked for is gone); every manager with people among its
 * reports gets AI agents up to per_team. New agents join the tree at the end of the ids,
 * so the loop over managers stops at the agents of the day before. */
static ts_status ai_org(void *state, ts_world *w, const ts_day *d) {
    ai_state *s = state;
    if (s->p.per_team == 0) {
        return TS_OK;
    }
    uint32_t n = w->n;
    for (uint32_t a = 0; a < n; a++) {
        if (w->active[a] && ts_is_ai(w)[a]) {
            uint32_t m = w->manager[a];
            if (m == TS_NO_AGENT || !w->active[m]) {
                ts_world_remove_agent(w, a, d->day);
            }
        }
    }
    for (uint32_t m = 0; m < n; m++) {
        if (!w->active[m] || ts_is_ai(w)[m] || w->n_reports[m] == 0) {
            continue;
        }
        uint32_t have = ts_ai_reports(w, m);
        if (have == w->n_reports[m]) {
            continue; /* no people in the team */
        }
        for (uint32_t k = have; k < s->p.per_team; k++) {
            ts_status st = ai_create(s, w, m, d->err);
            if (st != TS_OK) {
                return st;
            }
        }
    }
    return TS_OK;
}

enum {
    AA_AI,
    AA_GATED,
    AA_DELEG,
    AA_FLAG,
    AA_FOUND,
    AA_TRUST,
    AA_TRUST_N,
    AA_OUT_AI,
    AA_OUT,
    AA_COUNT
};

/* People's trust in AI agents: the AI's manager and its teammates who are people, each
 * that holds a model of it (domain-averaged score). */
static ts_status ai_measure(const void *state, const ts_world *w, uint32_t a0, uint32_t a1,
                            double *acc) {
    const ai_state *s = state;
    const ts_ai_task *col = (const ts_ai_task *)w->cols[s->col].data;
    for (uint32_t a = a0; a < a1; a++) {
        if (!w->active[a]) {
            continue;
        }
        acc[AA_OUT] += col[a].output;
        if (!ts_is_ai(w)[a]) {
            continue;
        }
        acc[AA_AI] += 1.0;
        acc[AA_OUT_AI] += col[a].output;
        acc[AA_GATED] += col[a].gated;
        acc[AA_DELEG] += col[a].delegated;
        acc[AA_FLAG] += col[a].flagged;
        acc[AA_FOUND] += col[a].found;
        uint32_t m = w->manager[a];
        if (m == TS_NO_AGENT) {
            continue;
        }
        for (uint32_t i = m; i != TS_NO_AGENT; i = i == m ? w->first_report[m] : w->next_peer[i]) {
            if (ts_is_ai(w)[i] || !w->active[i] || ts_relstore_find(&w->models, i, a) < 0) {
                continue;
            }
            acc[AA_TRUST] += ts_trust_of_mean(&s->tp, w, i, a);
            acc[AA_TRUST_N] += 1.0;
        }
    }
    return TS_OK;
}

static const ts_metric_decl ai_metrics[] = {
    {"ai_agents", "agents", "AI agents in the organisation (the engine's headcount counts them)."},
    {"ai_share_delegated", "fraction",
     "Share of the tasks given to AI agents that day that their delegator handed over without "
     "review (trust at delegation level; NaN on a day without one)."},
    {"ai_tasks_flagged", "tasks/day", "AI tasks flagged in advance as likely failures."},
    {"ai_hallucinations_found", "tasks/day",
     "Hallucinations that came to light: caught at a review or discovered later."},
    {"trust_in_ai", "trust score",
     "Mean trust of people in the AI agents of their team (the manager and the teammates who "
     "hold a model of it, domain-averaged; NaN without one)."},
    {"ai_output_share", "fraction",
     "Share of the day's successful new task work (hours) done by AI agents (NaN without any)."},
};

static ts_status ai_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    (void)state;
    (void)w;
    v[0] = acc[AA_AI];
    v[1] = ts_stats_ratio(acc[AA_DELEG], acc[AA_GATED]);
    v[2] = acc[AA_FLAG];
    v[3] = acc[AA_FOUND];
    v[4] = ts_stats_ratio(acc[AA_TRUST], acc[AA_TRUST_N]);
    v[5] = ts_stats_ratio(acc[AA_OUT_AI], acc[AA_OUT]);
    return TS_OK;
}

/* The summaries: means of the daily series over the recorded days, NaN days left out. */
static const ts_metric_decl ai_summaries[] = {
    {"ai_share_delegated_mean", "fraction", "Mean of ai_share_delegated over the recorded days."},
    {"trust_in_ai_mean", "trust score", "Mean of trust_in_ai over the recorded days."},
    {"ai_output_share_mean", "fraction", "Mean of ai_output_share over the recorded days."},
};

static double ai_nanmean(const ts_result *res, const char *name) {
    const ts_series *s = ts_result_find_series(res, name);
    double sum = 0.0, n = 0.0;
    for (size_t d = 1; s && d < s->n; d++) {
        if (!isnan(s->values[d])) {
            sum += s->values[d];
            n += 1.0;
        }
    }
    return ts_stats_ratio(sum, n);
}

/* The summaries, and the agents table's column telling AI agents from people. */
static ts_status ai_summarize(const void *state, const ts_world *w, ts_result *res, ts_error *err) {
    (void)state;
    uint32_t *is_ai = ts_table_add_column(&res->agents, "ai", "flag",
                                          "1 for an AI agent (population.ai), 0 for a person.",
                                          TS_COL_U32, w->n, 1);
    if (w->n && !is_ai) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for the agent table");
    }
    for (uint32_t a = 0; a < w->n; a++) {
        is_ai[a] = ts_is_ai(w)[a];
    }
    const char *series[] = {"ai_share_delegated", "trust_in_ai", "ai_output_share"};
    for (size_t k = 0; k < sizeof ai_summaries / sizeof ai_summaries[0]; k++) {
        const ts_metric_decl *d = &ai_summaries[k];
        ts_status st = ts_result_add_scalar(res, d->name, d->units, d->description,
                                            ai_nanmean(res, series[k]));
        if (st != TS_OK) {
            return ts_error_set(err, st, "out of memory for the summary");
        }
    }
    return TS_OK;
}

/* Saved states: nothing lasting of its own (the AI agents are in the world and its
 * column; the ai_task column is daily). */
static ts_status ai_state_io(void *state, ts_world *w, ts_state_io *io) {
    (void)state;
    (void)w;
    return ts_sio_status(io);
}

/* The most agents a run can hold, for the memory estimate: the people (hiring's answer,
 * leavers included) and per_team AI agents for each team, teams counted as a tree of that
 * many people has them when every team holds at least half a span of people (a split
 * leaves two halves): 2 x people / span + 1. */
static uint64_t ai_peak_agents(const ts_scenario *sc, const char **keys) {
    if (!ts_scenario_section_on(sc, "population.ai")) {
        return 0;
    }
    uint64_t people = ts_module_hiring.peak_agents ? ts_module_hiring.peak_agents(sc, keys) : 0;
    uint64_t h0 = (uint64_t)ts_scenario_int(sc, "org.headcount");
    people = people > h0 ? people : h0;
    uint64_t span = (uint64_t)ts_scenario_int(sc, "org.span_of_control");
    uint64_t teams = 2 * people / (span ? span : 1) + 1;
    if (keys) {
        *keys = "org.headcount, org.span_of_control, the hiring keys, population.ai.per_team";
    }
    return people + (uint64_t)ts_scenario_int(sc, "population.ai.per_team") * teams;
}

static const char *const ai_org_after[] = {"hiring"};

const ts_module ts_module_ai = {
    .name = "ai",
    .sections = ai_sections,
    .n_sections = sizeof ai_sections / sizeof ai_sections[0],
    .validate = ai_validate,
    .org_after = ai_org_after,
    .n_org_after = sizeof ai_org_after / sizeof ai_org_after[0],
    .configure = ai_configure,
    .free = ai_free,
    .org = ai_org,
    .metrics = ai_metrics,
    .n_metrics = sizeof ai_metrics / sizeof ai_metrics[0],
    .n_acc = AA_COUNT,
    .measure = ai_measure,
    .day_end = ai_day_end,
    .summaries = ai_summaries,
    .n_summaries = sizeof ai_summaries / sizeof ai_summaries[0],
    .summarize = ai_summarize,
    .peak_agents = ai_peak_agents,
    .state_io = ai_state_io,
};
