/* Transitive trust: on meeting someone new, a person borrows, discounted, what its
 * manager and the newcomer's manager know about the newcomer (MODEL.md §6.8). On when
 * its section `tactics.transitive_trust` is present unless it says enabled: false. Keys
 * only for now; the behaviour arrives with the issue "Trust-building tactics". */
#ifndef TS_MODELS_TRANSITIVE_TRUST_H
#define TS_MODELS_TRANSITIVE_TRUST_H

#include "module.h"

extern const ts_module ts_module_transitive_trust;

#endif
