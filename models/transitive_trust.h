/* Transitive trust (MODEL.md §6.8): at first contact with j, a person borrows,
 * discounted, what its manager and j's manager know about j. On when its section
 * `tactics.transitive_trust` is present. It owns a small per-agent queue of first
 * contacts, filled by the first-contact hook (believer's row only, in its apply) and
 * drained by the believer's next act, which reads its recommenders' models and sends it
 * their evidence, discounted, to add in its own apply. */
#ifndef TS_MODELS_TRANSITIVE_TRUST_H
#define TS_MODELS_TRANSITIVE_TRUST_H

#include "module.h"

extern const ts_module ts_module_transitive_trust;

/* First contacts a person can have pending in one day; more are dropped. */
#define TS_TRANSITIVE_QUEUE 8
/* Hours a recommendation costs the believer and the recommender (TS_HOURS_MEETINGS). */
#define TS_TRANSITIVE_HOURS 0.1f

#endif
