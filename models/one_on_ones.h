/* One-on-ones: regular private conversations between a manager and each report and
 * between peers; both sides learn about each other and hidden defects surface (MODEL.md
 * §6.1). On when its section `tactics.one_on_ones` is present unless it says enabled:
 * false. Keys only for now; the behaviour arrives with the issue "Trust-building
 * tactics". */
#ifndef TS_MODELS_ONE_ON_ONES_H
#define TS_MODELS_ONE_ON_ONES_H

#include "module.h"

extern const ts_module ts_module_one_on_ones;

#endif
