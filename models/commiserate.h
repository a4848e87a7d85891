/* Commiserate: each working day a person may commiserate with someone of another team
 * about their shared troubles. Goodwill comes fast both ways and the team's openness rises
 * a little, but with probability `risk` the complaint is about a third team, and both come
 * away thinking less of its manager and one of its members (docs/model.md §7.12, seed 004:
 * "carefully"). No competence is shown. On when the section `tactics.commiserate` is
 * present. Decided in act (the outsider draws, from its own stream); every effect is a
 * message applied by its receiver. */
#ifndef TS_MODELS_COMMISERATE_H
#define TS_MODELS_COMMISERATE_H

#include "module.h"

/* The tactic's fixed numbers (docs/model.md §7.12). */
#define TS_COMMISERATE_GOODWILL 0.1f /* each side's goodwill toward the other */
#define TS_COMMISERATE_THIRD -0.1f   /* each side's goodwill toward the third team's people */
#define TS_COMMISERATE_EARN 0.005f   /* proof of safety to the team */

extern const ts_module ts_module_commiserate;

/* The third team of a talk that turns sour: a team (a manager with reports) other than
 * a's and b's, found in up to 8 draws of an id (taking the drawn person's team), or
 * TS_NO_AGENT. */
uint32_t ts_commiserate_third(const ts_world *w, uint32_t a, uint32_t b, ts_rng *r);

#endif
