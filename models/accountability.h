/* Peer accountability (docs/model.md §7.16, the Lencioni pyramid's fourth layer): a person
 * who sees a teammate fail calls it out the next day with probability
 * peer_probability x its safety x its trust in that teammate. The teammate takes it well
 * with probability equal to its own trust in the caller: it then puts in more effort on its
 * current task (a higher chance of success) and learns a little; taken badly, it costs
 * goodwill toward the caller. Both spend a little time. A failure the manager saw and no
 * peer called out within `manager_delay` days the manager corrects itself: later, and at
 * more cost to the manager. Part of the baseline model. Sightings are queued by the
 * evidence hook in the observer's apply; the observer decides in its act; the one called
 * out applies the call-out in its own apply. */
#ifndef TS_MODELS_ACCOUNTABILITY_H
#define TS_MODELS_ACCOUNTABILITY_H

#include "module.h"

#include <stdint.h>

extern const ts_module ts_module_accountability;

#define TS_ACC_QUEUE 8   /* teammates' failures a person queues in a day */
#define TS_ACC_PENDING 8 /* reports' failures a manager keeps waiting to correct */

/* Chance that a peer with safety s and trust t in the teammate it saw fail calls it out:
 * clamp(peer_probability * s * t, 0, 1). */
double ts_accountability_callout_p(double peer_probability, double safety, double trust);

#endif
