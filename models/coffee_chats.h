/* Coffee chats: each working day an available person may have an informal chat with a
 * random person of another team; both come away with a first impression (a model is
 * created if absent), a little evidence and a little goodwill (MODEL.md §6.7). On when
 * the section `tactics.coffee_chats` is present. Runs in the parallel act phase (the
 * starter draws, from its own stream): beliefs and hours change by messages to both sides,
 * applied by each in its own apply. */
#ifndef TS_MODELS_COFFEE_CHATS_H
#define TS_MODELS_COFFEE_CHATS_H

#include "module.h"

/* The tactic's fixed numbers (MODEL.md §6.7). */
#define TS_COFFEE_CHATS_HOURS 0.5f     /* each side's time per chat */
#define TS_COFFEE_CHATS_WEIGHT 0.5f    /* each side's observation of the other */
#define TS_COFFEE_CHATS_GOODWILL 0.05f /* each side's goodwill toward the other */
#define TS_COFFEE_CHATS_TRIES 8        /* draws to find a partner before giving up */

extern const ts_module ts_module_coffee_chats;

/* May a and b have a coffee chat today? Both active and not busy, b not a, of different
 * teams (managers), and neither the other's manager. */
int ts_coffee_chats_eligible(const ts_world *w, uint32_t a, uint32_t b);

#endif
