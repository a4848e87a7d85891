/* Onboarding: a new hire is introduced to its manager, teammates and usual stakeholders
 * in its first two weeks (MODEL.md §6.10). On when its section `tactics.onboarding` is
 * present unless it says enabled: false. Keys only for now; the behaviour arrives with
 * the issue "Trust-building tactics". */
#ifndef TS_MODELS_ONBOARDING_H
#define TS_MODELS_ONBOARDING_H

#include "module.h"

extern const ts_module ts_module_onboarding;

#endif
