/* Trenches: each working day a person may join another team's war room (its firefighting
 * on the systems its technical debt keeps breaking, or its incident) for a few hours. Side
 * by side, both see each other at work in the team's own domain, strongly (what a war room
 * shows is not filtered by the team's openness), the team's manager sees the outsider
 * too, both warm a little, and the team learns that this outsider is safe: its openness
 * rises (docs/model.md §7.12, seed 004: "get in the trenches"). On when the section
 * `tactics.trenches` is present. Decided in act (the outsider draws, from its own
 * stream); every effect is a message applied by its receiver. */
#ifndef TS_MODELS_TRENCHES_H
#define TS_MODELS_TRENCHES_H

#include "module.h"

/* The tactic's fixed numbers (docs/model.md §7.12). */
#define TS_TRENCHES_WEIGHT 2.0f    /* each side's observation of the other */
#define TS_TRENCHES_MANAGER 1.0f   /* the team manager's observation of the outsider */
#define TS_TRENCHES_GOODWILL 0.05f /* each side's goodwill toward the other */
#define TS_TRENCHES_EARN 0.02f     /* proof of safety to the team (models/openness.h) */

extern const ts_module ts_module_trenches;

#endif
