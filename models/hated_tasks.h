/* Hated tasks: each working day a person may take on a share of another team's unwanted
 * work (the toil its technical debt makes) for a few hours. The team sees the outsider's
 * work and is grateful: its member and manager observe the outsider and warm to it, and the
 * team's openness rises most of all the ways in; the outsider sees a little of the team's
 * work, as much as the team lets it (its openness), and pays in hours (docs/model.md
 * §7.12, seed 004). On when the section `tactics.hated_tasks` is present. Decided in act
 * (the outsider draws, from its own stream); every effect is a message applied by its
 * receiver. */
#ifndef TS_MODELS_HATED_TASKS_H
#define TS_MODELS_HATED_TASKS_H

#include "module.h"

/* The tactic's fixed numbers (docs/model.md §7.12). */
#define TS_HATED_TASKS_WEIGHT 1.0f   /* the member's and manager's observation of the outsider */
#define TS_HATED_TASKS_SEEN 1.0f     /* the outsider's view of the member, times openness */
#define TS_HATED_TASKS_GOODWILL 0.1f /* the member's and manager's gratitude */
#define TS_HATED_TASKS_EARN 0.04f    /* proof of safety to the team (models/openness.h) */

extern const ts_module ts_module_hated_tasks;

#endif
