/* One-on-ones (MODEL.md §6.1): each report meets its manager every `manager_every` days
 * (staggered by id) and `peers` teammates every `peer_every` days (round-robin). Both
 * sides learn about each other, the report's strategy moves toward its manager's, hidden
 * defects surface. Runs in act (the side that starts a meeting) and apply (each side its
 * part); on when `tactics.one_on_ones` is present (unless enabled: false). It reads who
 * is busy as incident's org set it. */
#ifndef TS_MODELS_ONE_ON_ONES_H
#define TS_MODELS_ONE_ON_ONES_H

#include "module.h"

#include <stdint.h>

extern const ts_module ts_module_one_on_ones;

/* What one meeting does (MODEL.md §6.1). */
#define TS_OOO_HOURS 0.5f      /* hours for each side */
#define TS_OOO_OBSERVE 0.5f    /* weight of each side's competence observation */
#define TS_OOO_GOODWILL 0.02f  /* goodwill each way */
#define TS_OOO_ALIGN_PULL 0.3f /* share of the gap to the manager's alignment error closed */
#define TS_OOO_SURFACE 0.2f    /* added to both sides' chance that hidden defects surface */

/* No partner this round (the bye of a team of odd size). */
#define TS_OOO_BYE UINT32_MAX

/* The round-robin (circle method) partner of position i in a team of n members in round
 * k (any integer, negative too): over n - 1 consecutive rounds (n even) or n rounds (n odd, one bye
 * each) everyone meets everyone else exactly once. Returns a position < n, or TS_OOO_BYE. */
uint32_t ts_one_on_ones_partner(uint32_t n, uint32_t i, int64_t k);

#endif
