/* Ask for help: a person unsure of itself in its new task's domain asks the teammate it
 * trusts most there; asking raises the task's success chance and builds trust both ways,
 * the asker's vulnerability more than the help (MODEL.md §6.9). On when its section
 * `tactics.ask_for_help` is present. Runs in act (warm-up included): the asker decides and
 * asks; asker and helper apply their parts (beliefs, hours, and for the asker the task's
 * boost, the shared column task_boost, models/shared.h) in their own apply. */
#ifndef TS_MODELS_ASK_FOR_HELP_H
#define TS_MODELS_ASK_FOR_HELP_H

#include "module.h"
#include "trust.h"

extern const ts_module ts_module_ask_for_help;

/* The numbers of the mechanism (MODEL.md §6.9), public for the tests. */
#define TS_ASK_FOR_HELP_HOURS_HELPER 1.0f
#define TS_ASK_FOR_HELP_HOURS_ASKER 0.5f
#define TS_ASK_FOR_HELP_BOOST 0.5f            /* boost = (1 - p) * this * c_helper */
#define TS_ASK_FOR_HELP_INTEGRITY 0.5f        /* helper's honesty evidence about the asker */
#define TS_ASK_FOR_HELP_GOODWILL_HELPER 0.05f /* helper's goodwill toward the asker */
#define TS_ASK_FOR_HELP_OBSERVATION 0.5f      /* asker's observation of the helper */
#define TS_ASK_FOR_HELP_GOODWILL_ASKER 0.03f  /* asker's goodwill toward the helper */

/* Agent a's belief in its own competence in domain d: the trust prior plus its self
 * model, (prior_a + self_alpha) / (prior_a + prior_b + self_alpha + self_beta). */
float ts_ask_for_help_self_belief(const ts_trust_params *tp, const ts_world *w, uint32_t a,
                                  uint32_t d);

/* The teammate a would ask in domain d: among the other active, available (not busy)
 * reports of a's manager (for the CEO, its own reports) the one a trusts most in d
 * (ts_trust_of), ties to the lowest id; TS_NO_AGENT if there is none. */
uint32_t ts_ask_for_help_helper(const ts_trust_params *tp, const ts_world *w, uint32_t a,
                                uint32_t d);

#endif
