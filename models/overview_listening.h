/* Overview listening: each working day a person may ask someone of another team for an
 * overview of its team's work and listen without judgment. The outsider comes to
 * understand the team's work (it sees the member at work in the team's domain, as much
 * as the team lets it: its openness); the member, heard without blame, warms to the
 * outsider, and the team's openness rises a little; it costs an hour each (docs/model.md
 * §7.12, seed 004: "ask for an overview and listen"). On when the section
 * `tactics.overview_listening` is present. Decided in act (the outsider draws, from its
 * own stream); every effect is a message applied by its receiver. */
#ifndef TS_MODELS_OVERVIEW_LISTENING_H
#define TS_MODELS_OVERVIEW_LISTENING_H

#include "module.h"

/* The tactic's fixed numbers (docs/model.md §7.12). */
#define TS_OVERVIEW_LISTENING_WEIGHT 1.0f    /* the outsider's view, times openness */
#define TS_OVERVIEW_LISTENING_GOODWILL 0.08f /* the member's goodwill toward the listener */
#define TS_OVERVIEW_LISTENING_LISTENER 0.03f /* the listener's goodwill toward the member */
#define TS_OVERVIEW_LISTENING_EARN 0.01f     /* proof of safety to the team */

extern const ts_module ts_module_overview_listening;

#endif
