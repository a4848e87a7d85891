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

typedef struct ts_repair_params {
    float blame;               /* culture.blame */
    float apology;             /* tactics.repair.apology, 0 when the tactic is off */
    float credit;              /* tactics.repair.credit, 0 when the tactic is off */
    float discovery;           /* repair.discovery: daily chance a hidden defect is found */
    float deception;           /* repair.deception_weight: fading dishonesty per discovery */
    float scar;                /* repair.scar: lasting dishonesty per discovery */
    float discovered_goodwill; /* repair.discovered_goodwill */
} ts_repair_params;

void ts_repair_params_load(const ts_scenario *sc, ts_repair_params *rp);

/* The chance of owning up to a failure: safety^(1 - candor). Full candour always owns
 * up; without candour a person owns up exactly as often as it feels safe to. */
double ts_repair_own_up_p(double candor, double safety);

/* Does the owner own up to a failure? With probability ts_repair_own_up_p. */
int ts_repair_owns_up(const ts_world *w, uint32_t owner, ts_rng *r);

/* What an observer of an owned-up failure receives: the failure and honesty evidence,
 * both at the observer's weight, and, with the repair tactic, the apology's goodwill
 * 0.1 * q * empathy, with the failure's weight reduced by credit * q * empathy. */
void ts_repair_owned(const ts_repair_params *rp, const ts_world *w, ts_emit *e, uint32_t observer,
                     uint32_t owner, uint32_t domain, float weight);

/* The manager's answer to an owned-up failure: blame with probability culture.blame
 * (owner safety -0.1, teammates -0.02), otherwise curiosity (owner safety +0.05). */
void ts_repair_respond(const ts_repair_params *rp, const ts_world *w, ts_emit *e, uint32_t owner,
                       ts_rng *r);

/* What an observer receives when a concealment is discovered, all scaled by the weight
 * at which it saw the work: the failure, fading dishonesty evidence
 * (repair.deception_weight), a scar that never fades (repair.scar) and a goodwill change
 * (repair.discovered_goodwill). */
void ts_repair_discovered(const ts_repair_params *rp, ts_emit *e, uint32_t observer, uint32_t owner,
                          uint32_t domain, float weight);

#endif
