/* AI teammates (docs/model.md §7.17, seed 003 and its comments): `population.ai` places
 * `per_team` AI agents in every team, as reports of the team's manager, when the team
 * first has people in it (at creation and when teams form under hiring). An AI agent is a
 * world agent marked in the shared column is_ai (models/shared.h; this module is its
 * owner): it takes tasks of its team like anyone, works `speed` times a person's hours,
 * succeeds by its competence per domain, and hallucinates: a share `hallucination` of its
 * tasks are failures that look like successes and are never owned up (work's hidden
 * defects, discovered as concealed defects are). It flags a share `admits_uncertainty` of
 * those in advance (its way of owning up): the flagged task is reviewed, and the flag is
 * honesty evidence to its delegator. Every task of an AI goes through its delegator's
 * (its manager's) trust gate, work's sign-off chain (models/work_decide.c): delegated
 * without review at delegation-level trust, else reviewed (a review of the output, which
 * catches a hallucination as a failure seen). People model AI agents with the same
 * evidence machinery; AI agents hold no models (models/evidence.c), and every other
 * module leaves them out as believers, deciders, meeting partners, managers and
 * stakeholders. Off unless the section is present. */
#ifndef TS_MODELS_AI_H
#define TS_MODELS_AI_H

#include "module.h"

#include <stdint.h>

extern const ts_module ts_module_ai;

/* The most domains whose AI competence is kept: every domain a scenario may have. */
#define TS_AI_MAX_DOMAINS TS_MAX_DOMAINS

/* Honesty evidence the delegator takes from a flagged task (per flag). */
#define TS_AI_FLAG_HONESTY 1.0f

/* The keys of population.ai that work reads (its delegation and hallucination hooks). */
typedef struct ts_ai_params {
    int on; /* the section is present */
    uint32_t per_team;
    float speed; /* multiple of a person's productive hours */
    float hallucination;
    float admits; /* admits_uncertainty */
    float competence[TS_AI_MAX_DOMAINS];
} ts_ai_params;

/* Reads population.ai (everything 0 when the section is absent); n_domains from the
 * scenario's domains. */
void ts_ai_params_load(const ts_scenario *sc, ts_ai_params *p);

/* The daily column of an AI task's day, written by work's settle for every agent (its own
 * entry) while the AI mechanism is on; read by ai's measure. */
#define TS_AI_TASK_COLUMN "ai_task"
typedef struct ts_ai_task {
    float output;      /* hours of successful new task work completed today */
    uint8_t gated;     /* an AI task went through its delegator's gate today */
    uint8_t delegated; /* ... and was delegated without review (trust at delegation level) */
    uint8_t flagged;   /* ... and the AI flagged it as a likely failure */
    uint8_t found;     /* a hallucination of the AI came to light today (review or later) */
} ts_ai_task;

/* The number of active AI agents among the reports of m. */
uint32_t ts_ai_reports(const ts_world *w, uint32_t m);

/* The number of m's active reports who are people. */
uint32_t ts_ai_people_reports(const ts_world *w, uint32_t m);

/* Active AI agents in the world (a scan of the column; 0 without the column). */
uint32_t ts_ai_count(const ts_world *w);

#endif
