/* Alignment: each person's distance from the company's current strategy, which drifts a
 * little every day and jumps at a strategy shift; misalignment lowers the chance that
 * work succeeds (MODEL.md §2 "alignment_error", §4 and §7). Keys and the strategy_shift
 * event kind. Each day (settle, owner only) everyone but the CEO drifts by alignment.drift;
 * a strategy_shift event (org phase) adds its magnitude at once. Other mechanisms pull
 * the error back (1:1s, broadcasts) by writing world.alignment in their own phases. */
#ifndef TS_MODELS_ALIGNMENT_H
#define TS_MODELS_ALIGNMENT_H

#include "module.h"

extern const ts_module ts_module_alignment;

/* The share of a task's success lost to misalignment: 1 - exp(-e). */
double ts_alignment_misalignment(double error);

#endif
