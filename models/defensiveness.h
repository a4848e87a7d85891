/* Defensiveness: a person monitored more closely than it thinks warranted loses goodwill
 * toward the monitor, unless it accepts that it starts out with incomplete trust (docs/
 * model.md §7.14, seed 003 and its comments). Each person has an acceptance in [0, 1] (a
 * trait, `population.acceptance`, drawn once per person from its own stream). On the day
 * after a new task starts, the person is monitored when its manager trusts it below the
 * delegation threshold in the task's domain (its decisions are reviewed, not approved) or
 * the task is a trial task; it thinks that unwarranted by the margin its self-belief in
 * the domain exceeds the manager's trust. Its goodwill toward the manager falls by
 * (1 - acceptance) x TS_DEFENSIVENESS_LOSS x that margin. On when the section
 * `population.acceptance` is present; absent, everyone accepts fully (no loss). Decided in
 * act; the person applies the loss to its own model in its own apply. */
#ifndef TS_MODELS_DEFENSIVENESS_H
#define TS_MODELS_DEFENSIVENESS_H

#include "module.h"
#include "trust.h"

extern const ts_module ts_module_defensiveness;

/* Goodwill lost per unit of unwarranted monitoring by someone who accepts nothing. */
#define TS_DEFENSIVENESS_LOSS 0.2f

/* The goodwill a person of acceptance `acc` loses toward a monitor whose trust in it is
 * `trust` while its self-belief is `self`, when monitored: (1 - acc) x LOSS x (self -
 * trust), 0 when self <= trust. */
float ts_defensiveness_loss(float acc, float self, float trust);

/* Whether agent a is monitored on its current task by its manager m in domain d: m trusts
 * a below tp->delegate there, or the task is a trial task. */
int ts_defensiveness_monitored(const ts_trust_params *tp, const ts_world *w, uint32_t a, uint32_t m,
                               uint32_t d);

#endif
