/* Work: tasks, the decisions that need sign-off from the owner's manager and from
 * stakeholders in partner teams, overload and the hours of a day (MODEL.md §4, "Work and
 * decisions"). Keys only for now; the behaviour arrives with the issue "Behaviour". */
#ifndef TS_MODELS_WORK_H
#define TS_MODELS_WORK_H

#include "module.h"

extern const ts_module ts_module_work;

#endif
