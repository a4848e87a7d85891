/* Alignment: each person's distance from the company's current strategy, which drifts a
 * little every day and jumps at a strategy shift; misalignment lowers the chance that
 * work succeeds (MODEL.md §2 "alignment_error", §4 and §7). Keys and the strategy_shift
 * event kind only for now; the behaviour arrives with the issue "Behaviour". */
#ifndef TS_MODELS_ALIGNMENT_H
#define TS_MODELS_ALIGNMENT_H

#include "module.h"

extern const ts_module ts_module_alignment;

#endif
