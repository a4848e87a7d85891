/* Declare limits: people know what they can and cannot be trusted on and make sure others
 * know it (docs/model.md §7.13, seed 000). With the tactic on, each person tells its
 * manager every `every` days what its self-model says: the domains it believes itself
 * weak in (self-belief below `threshold`) and those it believes itself strong in. The
 * manager takes it as evidence (a success seen in each declared-strong domain, a failure
 * in each declared-weak one, and the candour as honesty) and routes the person's new tasks
 * in declared-weak domains to a domain it did not declare weak (work's choice of a new
 * task's domain reads the declared domains, models/work.c); a task that cannot be routed
 * (rework, or every domain declared weak) is paired with the teammate the manager trusts
 * most in its domain, which raises its chance of success. On when the section
 * `tactics.declare_limits` is present. The person decides in act; the manager, the
 * teammate and the person apply their parts (beliefs, hours, the task's boost, the
 * published domains) in their own apply. */
#ifndef TS_MODELS_DECLARE_LIMITS_H
#define TS_MODELS_DECLARE_LIMITS_H

#include "module.h"

#include <stdint.h>

extern const ts_module ts_module_declare_limits;

/* The column of declared-weak domains (uint8 bit mask per agent, bit d for domain d),
 * written by its owner's settle, read by work when it draws a new task's domain. */
#define TS_DECLARE_LIMITS_COLUMN "declared_weak"

/* The numbers of the mechanism (docs/model.md §7.13), public for the tests. */
#define TS_DECLARE_LIMITS_CANDOUR 0.5f /* honesty evidence per unit of weight */
#define TS_DECLARE_LIMITS_BOOST 0.5f   /* pairing boost = (1 - p) x this x c_partner */
#define TS_DECLARE_LIMITS_HOURS 2.0f   /* the partner's hours on a paired task */

/* The weak-domain mask of agent a's self-model: bit d set when its self-belief in d (the
 * trust prior plus its self-model, ts_ask_for_help_self_belief) is below threshold. */
uint8_t ts_declare_limits_mask(const ts_world *w, float prior_a, float prior_b, uint32_t a,
                               float threshold);

/* The domain a new task of agent a in domain d goes to, given the mask in the column at
 * index col (col < 0: none): d itself unless a declared d weak; then one of the domains a
 * did not declare weak, uniformly (one draw of r), or d when it declared every domain
 * weak. */
uint32_t ts_declare_limits_route(const ts_world *w, int col, uint32_t a, uint32_t d, ts_rng *r);

#endif
