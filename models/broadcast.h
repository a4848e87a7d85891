/* Broadcast: the CEO regularly shares its view of the strategy with everyone, which
 * realigns the attendees and lets them see a little of the CEO (MODEL.md §6.3). On when
 * its section `tactics.broadcast` is present unless it says enabled: false. Keys only
 * for now; the behaviour arrives with the issue "Trust-building tactics". */
#ifndef TS_MODELS_BROADCAST_H
#define TS_MODELS_BROADCAST_H

#include "module.h"

extern const ts_module ts_module_broadcast;

#endif
