/* Status updates: every active, available person regularly posts where its work stands;
 * its manager reads it (and learns a little of the writer), the stakeholders stop
 * guessing (status_day) and hidden defects come out sooner (surface) (MODEL.md §6.5).
 * On when the section `tactics.status_updates` is present. Runs in act (the writer) and
 * apply (writer and manager each apply their part); it reads busy as incident's org set it. */
#ifndef TS_MODELS_STATUS_UPDATES_H
#define TS_MODELS_STATUS_UPDATES_H

#include "module.h"

/* The tactic's fixed numbers (MODEL.md §6.5). */
#define TS_STATUS_UPDATES_WRITE_HOURS 0.25f /* the writer's time per update */
#define TS_STATUS_UPDATES_READ_HOURS 0.05f  /* the manager's reading time */
#define TS_STATUS_UPDATES_WEIGHT 0.1f       /* the manager's observation of the writer */
#define TS_STATUS_UPDATES_SURFACE 0.1f      /* extra chance today of the writer's defects */

extern const ts_module ts_module_status_updates;

#endif
