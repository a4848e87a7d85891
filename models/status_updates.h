/* Status updates: task owners regularly post where their work stands; readers stop
 * guessing and concealed problems come out sooner (MODEL.md §6.5). On when its section
 * `tactics.status_updates` is present unless it says enabled: false. Keys only for now;
 * the behaviour arrives with the issue "Trust-building tactics". */
#ifndef TS_MODELS_STATUS_UPDATES_H
#define TS_MODELS_STATUS_UPDATES_H

#include "module.h"

extern const ts_module ts_module_status_updates;

#endif
