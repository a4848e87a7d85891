/* Trust: the beliefs a person holds about another (competence per domain, integrity,
 * goodwill), their priors at first contact and the trust score that gates delegation and
 * review (MODEL.md §2, "Mental model" and "Trust score"). The store itself (capacity,
 * forgetting) is the engine's (sim/keys.c). Keys and checks only for now; the behaviour
 * arrives with the issue "Behaviour". */
#ifndef TS_MODELS_TRUST_H
#define TS_MODELS_TRUST_H

#include "module.h"

extern const ts_module ts_module_trust;

#endif
