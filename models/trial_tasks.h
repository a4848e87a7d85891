/* Trial tasks: a manager unsure of a report in a domain gives it a monitored trial task
 * there, whose outcome is seen clearly and whose failures always surface (MODEL.md
 * §6.4). On when its section `tactics.trial_tasks` is present unless it says enabled:
 * false. Keys only for now; the behaviour arrives with the issue "Trust-building
 * tactics". */
#ifndef TS_MODELS_TRIAL_TASKS_H
#define TS_MODELS_TRIAL_TASKS_H

#include "module.h"

extern const ts_module ts_module_trial_tasks;

#endif
