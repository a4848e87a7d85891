/* Offsites: every `every` days each person spends a day away with its department
 * (MODEL.md §6.11) and meets `meetings` colleagues of it, drawn at random; both sides of
 * a meeting see each other work and like each other a little more. A department is the
 * subtree of a depth-1 manager; the CEO meets its direct reports. Org (serial) lists who
 * takes part by department; act draws each person's meetings and sends both sides their
 * effects (also during the warm-up); on when its section `tactics.offsites` is present. */
#ifndef TS_MODELS_OFFSITES_H
#define TS_MODELS_OFFSITES_H

#include "module.h"

extern const ts_module ts_module_offsites;

/* The numbers of the mechanism (MODEL.md §6.11), public for the tests. */
#define TS_OFFSITES_OBSERVATION 0.3f /* weight of each side's observation of the other */
#define TS_OFFSITES_GOODWILL 0.03f   /* goodwill each side gains toward the other */

#endif
