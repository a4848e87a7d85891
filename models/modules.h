/* The table of behaviour modules and the scenario schema they make with the engine's
 * keys. Adding a mechanism adds one line to the table in modules.c; nothing in sim/
 * changes. The table is constant; the schema is assembled once, on the first call of
 * ts_modules_schema, which must happen on the main thread before any parallel region. */
#ifndef TS_MODELS_MODULES_H
#define TS_MODELS_MODULES_H

#include "module.h"

#include <stddef.h>

/* Every module, in the order the engine calls them (the org phase runs them in this order;
 * act, apply and measure call them in this order for each agent): trust, work, repair,
 * hiring, incident, alignment, then the tactics in the order of MODEL.md §6. The one
 * meaning the order carries is declared by the modules themselves: a module whose org
 * reads what another's org writes the same day names it in org_after (the tactics that
 * skip the busy in org follow incident). ts_engine_create refuses a
 * table that breaks a declaration, and tests/models/test_modules.c checks this table.
 * Random streams are keyed by module name, not place, so the order moves no draw. */
extern const ts_module *const ts_modules[];
extern const size_t ts_n_modules;

/* The full schema: the engine's sections (sim/scenario/keys.h) first, then each module's
 * sections; the modules' event kinds; ts_keys_validate, then each module's validator.
 * Built in static storage on the first call and never freed; not thread-safe on the
 * first call (call once from the main thread before starting threads). Returns NULL
 * only if the table outgrows the static storage, a programming error the tests catch. */
const ts_schema *ts_modules_schema(void);

#endif
