/* Broadcast: every `every` days the CEO shares its view of the strategy with everyone
 * (MODEL.md §6.3). Each active person who is not busy attends with probability
 * `attendance`; attendees' alignment error shrinks to 0.4 of itself and they get a weak
 * observation of the CEO. Runs in the parallel act phase (also during the warm-up): each
 * attendee sends itself the effects, applied in its own apply, so the day's work still
 * sees the alignment of the morning; on when its section `tactics.broadcast` is present. */
#ifndef TS_MODELS_BROADCAST_H
#define TS_MODELS_BROADCAST_H

#include "module.h"

extern const ts_module ts_module_broadcast;

/* The numbers of the mechanism (MODEL.md §6.3), public for the tests. */
#define TS_BROADCAST_ALIGNMENT_KEEP 0.4f /* attendees keep this share of their error */
#define TS_BROADCAST_OBSERVATION 0.1f    /* weight of the observation of the CEO */
#define TS_BROADCAST_HOURS 1.0f          /* per attendee */
#define TS_BROADCAST_HOURS_CEO 3.0f      /* preparing and giving it */

#endif
