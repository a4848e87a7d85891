/* Understanding the other side's context (tactics.understanding; docs/model.md §7.11,
 * essay 001): cross-department listening sessions. Each working day of the recorded run a
 * person in an organisation of several departments starts sessions at a rate of per_month
 * a month with a random available person of another department. A session is a meeting
 * (both see the other at work once and warm a little) and it raises both sides'
 * understanding u of the other side's context (a per-person state in [0, 1], the world
 * column TS_UNDERSTANDING_COLUMN): u += rate * (1 - u). What a person understands it no
 * longer reads as bad faith: each gain du credits the believer's models of people of other
 * departments with honest evidence, du times what cancels the transactional prior of
 * org.cross_department_prior (models/departments.h); and the departments' sign-offs are
 * disputed less by a signer who understands (ts_departments_dispute_p). The sessions run
 * in act (the starter draws, from its own stream); the effects go to both sides as
 * messages, applied by each in its own apply. Off by default. */
#ifndef TS_MODELS_UNDERSTANDING_H
#define TS_MODELS_UNDERSTANDING_H

#include "module.h"

#include <stdint.h>

extern const ts_module ts_module_understanding;

/* The world column of understanding (float per agent, 0 at hire). */
#define TS_UNDERSTANDING_COLUMN "understanding"

/* The tactic's fixed numbers (docs/model.md §7.11). */
#define TS_UNDERSTANDING_WEIGHT 0.5f    /* each side's observation of the other */
#define TS_UNDERSTANDING_GOODWILL 0.05f /* each side's goodwill toward the other */
#define TS_UNDERSTANDING_TRIES 8        /* draws to find a partner before giving up */

/* Understanding after one session: u + rate * (1 - u). */
float ts_understanding_gain(float u, double rate);

/* Honest evidence a gain du of understanding credits to one model of someone of another
 * department: du * penalty * integ_a / integ_b, where `penalty` is the full transactional
 * prior (ts_departments_penalty with no understanding): with du summing to 1 it restores
 * the integrity prior's mean. */
float ts_understanding_credit(float integ_a, float integ_b, float penalty, float du);

/* Agent a's understanding: 0 when the tactic is off (no column) or a is out of range. */
float ts_understanding_of(const ts_world *w, uint32_t a);

#endif
