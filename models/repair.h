/* Repair: what follows a failure (owning up or concealing, apology, the manager's blame
 * or curiosity) and the psychological safety that drives candour (MODEL.md §5, "Failure,
 * owning up and repair"; the tactic is MODEL.md §6.12). Keys only for now; the behaviour
 * arrives with the issue "Trust-building tactics". */
#ifndef TS_MODELS_REPAIR_H
#define TS_MODELS_REPAIR_H

#include "module.h"

extern const ts_module ts_module_repair;

#endif
