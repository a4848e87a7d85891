/* Onboarding: a new hire is introduced, over its first two weeks, to its manager, its
 * reports (a hired manager), its teammates and then its department neighbours, the
 * stand-in for its usual stakeholders (MODEL.md §6.10). On when the section
 * `tactics.onboarding` is present. Runs in the parallel act phase, after every org (so a
 * hire meets people on its first day): both sides get the meeting and the hours by
 * message, applied by each in its own apply. */
#ifndef TS_MODELS_ONBOARDING_H
#define TS_MODELS_ONBOARDING_H

#include "module.h"

/* The tactic's fixed numbers (MODEL.md §6.10). */
#define TS_ONBOARDING_DAYS 10          /* the first two weeks: tenure 0 .. 9 */
#define TS_ONBOARDING_HOURS 0.5f       /* each side's time per meeting */
#define TS_ONBOARDING_WEIGHT 0.5f      /* each side's observation of the other */
#define TS_ONBOARDING_GOODWILL 0.05f   /* each side's goodwill toward the other */
#define TS_ONBOARDING_MAX_MEETINGS 100 /* the largest tactics.onboarding.intro_meetings */

extern const ts_module ts_module_onboarding;

/* The people a's introductions go through, in order, written into out (at most max):
 * a's manager, a's reports, its teammates (its manager's other reports), then for each
 * other team of its manager's manager (a sibling of its manager with reports) that
 * team's manager and its members. Lists follow the tree's report order. Returns the
 * count. */
uint32_t ts_onboarding_people(const ts_world *w, uint32_t a, uint32_t *out, uint32_t max);

/* The introductions due on tenure day t (0 .. TS_ONBOARDING_DAYS - 1) out of `meetings`
 * spread evenly over the two weeks: meeting k falls on day floor(k * 10 / meetings),
 * so the day's meetings are the positions [*lo, *hi) of the list. */
void ts_onboarding_due(uint32_t meetings, int32_t t, uint32_t *lo, uint32_t *hi);

/* Is a a new hire, for onboarding: hired after the warm-up began? */
int ts_onboarding_is_new(const ts_world *w, uint32_t a);

#endif
