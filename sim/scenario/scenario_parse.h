/* The parser of the scenario loader (sim/scenario/scenario_parse.c), above the design and below the
 * lifecycle (sim/scenario/scenario_values.h lists the layers). */
#ifndef TS_SCENARIO_PARSE_H
#define TS_SCENARIO_PARSE_H

#include "scenario_index.h"

/* Applies the mapping `map` of a document at the section `prefix` ("" for the top). */
ts_status sc_apply_map(const sc_ctx *c, const ts_ynode *map, const char *prefix);
/* Applies one --set assignment: `key`, a path (or extends, events, sweep..., to be refused
 * or read as such), and its value `root` read as YAML. */
ts_status sc_apply_assignment(const sc_ctx *c, const char *key, const ts_ynode *root);

#endif
