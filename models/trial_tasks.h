/* Trial tasks: a manager unsure of a report in a domain makes the report's new task
 * there a trial (the shared column task_trial, models/shared.h) and spends 0.5 h a day watching it
 * (MODEL.md §6.4); the work module does the rest (outcome seen with weight 2, failures always
 * surface, 0.1 of the task as rework). On when its section `tactics.trial_tasks` is present. Runs
 * in act (warm-up included): the owner's act decides, the owner sets task_trial and the
 * manager charges the hours in their own apply. */
#ifndef TS_MODELS_TRIAL_TASKS_H
#define TS_MODELS_TRIAL_TASKS_H

#include "module.h"
#include "trust.h"

extern const ts_module ts_module_trial_tasks;

/* The manager's monitoring of a trial under way, per day (MODEL.md §6.4). */
#define TS_TRIAL_TASKS_HOURS 0.5f

/* The sd of m's competence belief about a in domain d today: from m's model of a, or
 * the prior's sd if m holds none. */
float ts_trial_tasks_sigma(const ts_trust_params *tp, const ts_world *w, uint32_t m, uint32_t a,
                           uint32_t d);

#endif
