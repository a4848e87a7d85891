/* The key index of a scenario (sim/scenario/scenario_index.c), one layer above its values
 * (sim/scenario/scenario_values.h lists the layers). */
#ifndef TS_SCENARIO_INDEX_H
#define TS_SCENARIO_INDEX_H

#include "scenario_values.h"

/* Builds the index of a new scenario from its schema, with every key at its default. */
ts_status sc_build_index(ts_scenario *sc, ts_error *err);
/* Index of the key at `path`, or -1. */
long sc_find_key(const ts_scenario *sc, const char *path);
/* Is `path` a section (a proper prefix of some key path)? */
int sc_is_prefix(const ts_scenario *sc, const char *path);
/* The optional section named exactly `name`, or -1. */
int sc_opt_exact(const ts_scenario *sc, const char *name);
/* The optional section that contains `path` (or is it), or -1. */
int sc_opt_of(const ts_scenario *sc, const char *path);
/* The scenario names something in (or the whole of) an optional section: it is present. */
void sc_touch(ts_scenario *sc, const char *path);
/* An unknown key `key` in the mapping at `prefix`; `shown` prefixes the path in the
 * message ("sweep." inside the sweep). Suggests the closest declared key or section. */
ts_status sc_unknown_key(const sc_ctx *c, const ts_ynode *at, const char *shown, const char *prefix,
                         const char *key, int top_level, int scalars_only);

#endif
