/* Inspection forums: leaders (depth 0 and 1) regularly review the work in their part of
 * the tree with the managers who present it; the review is news of that work's status
 * (status_day), finds concealed defects (surface) and shows the leader how each presenter
 * performs (MODEL.md §6.6). On when the section `tactics.inspection_forums` is present.
 * Runs in act (the leader) and apply (everyone its part); it reads busy as incident's org
 * set it. */
#ifndef TS_MODELS_INSPECTION_FORUMS_H
#define TS_MODELS_INSPECTION_FORUMS_H

#include "module.h"

/* The tactic's fixed numbers (MODEL.md §6.6). */
#define TS_INSPECTION_FORUMS_LEADER_HOURS 2.0f    /* the leader's time per forum */
#define TS_INSPECTION_FORUMS_PRESENTER_HOURS 0.5f /* each presenting manager's time */
#define TS_INSPECTION_FORUMS_WEIGHT 0.3f          /* the leader's observation of a presenter */

extern const ts_module ts_module_inspection_forums;

#endif
