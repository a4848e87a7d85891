/* Repair: what follows a failure (owning up or concealing, the apology, the manager's
 * blame or curiosity) and the psychological safety that drives candour (MODEL.md §5; the
 * apology is the tactic of §6.12). The work module calls the functions below when an
 * owner's task fails or a concealed defect is found; the module itself lets safety drift
 * toward the team's mean each day and measures it. */
#ifndef TS_MODELS_REPAIR_H
#define TS_MODELS_REPAIR_H

#include "module.h"

extern const ts_module ts_module_repair;

/* Constants of MODEL.md §5. */
#define TS_REPAIR_REWORK_OWNED 0.2f  /* rework of an owned-up failure, share of the task */
#define TS_REPAIR_DEFECT_GROWTH 1.1f /* a hidden defect's rework grows 10 % a day */
#define TS_REPAIR_DEFECT_CAP 2.0f    /* ...up to twice the task's size (docs/model.md) */
#define TS_REPAIR_DISCOVERY 0.03     /* daily chance a hidden defect is found */
#define TS_REPAIR_SCAR 3.0f          /* integrity disbelief of a discovered concealment */
#define TS_REPAIR_DISCOVERED_GOODWILL (-0.3f)

typedef struct ts_repair_params {
    float blame;   /* culture.blame */
    float apology; /* tactics.repair.apology, 0 when the tactic is off */
} ts_repair_params;

void ts_repair_params_load(const ts_scenario *sc, ts_repair_params *rp);

/* Does the owner own up to a failure? With probability candor * safety. */
int ts_repair_owns_up(const ts_world *w, uint32_t owner, ts_rng *r);

/* What an observer of an owned-up failure receives: the failure (weight), honesty
 * evidence (+1) and, with the repair tactic, the apology's goodwill 0.1 * q * empathy. */
void ts_repair_owned(const ts_repair_params *rp, const ts_world *w, ts_emit *e, uint32_t observer,
                     uint32_t owner, uint32_t domain, float weight);

/* The manager's answer to an owned-up failure: blame with probability culture.blame
 * (owner safety -0.1, teammates -0.02), otherwise curiosity (owner safety +0.05). */
void ts_repair_respond(const ts_repair_params *rp, const ts_world *w, ts_emit *e, uint32_t owner,
                       ts_rng *r);

/* What an observer receives when a concealment is discovered: the failure (weight), the
 * scar of 3 units of integrity disbelief that never decays, and goodwill -0.3. */
void ts_repair_discovered(ts_emit *e, uint32_t observer, uint32_t owner, uint32_t domain,
                          float weight);

#endif
