/* The sensitivity design of a scenario (sim/scenario/scenario_design.c), above the getters and
 * below the parser (sim/scenario/scenario_values.h lists the layers). */
#ifndef TS_SCENARIO_DESIGN_H
#define TS_SCENARIO_DESIGN_H

#include "scenario_index.h"

#include <stdio.h>

/* Reads `sensitivity.factors` (v, the mapping; it replaces the factors read so far) or, with
 * `key` non-NULL, one factor `sensitivity.factors.<key>` (added or replaced). */
ts_status sc_apply_factors(const sc_ctx *c, const ts_ynode *at, const ts_ynode *v, const char *key);
/* At finalize: when the sensitivity section is on and has factors, turns the scenario into
 * its design (a zipped sweep, the dummy last); TS_OK and nothing done otherwise. */
ts_status sc_design_expand(ts_scenario *sc, ts_error *err);
/* Writes `factors:` of the sensitivity section at `indent`, if there are factors. */
void sc_design_write(FILE *f, const ts_scenario *sc, int indent);

#endif
