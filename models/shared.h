/* The per-agent columns several modules share, and the one way to reach them. Each has one
 * owner (the module that keeps it right) and readers. A writer other than the owner writes
 * only the receiver's entry, in its apply (handle: a message to the agent whose entry it
 * is), or where marked (org) in the serial org phase. They live in the world's column
 * registry (sim/core/world.h), which knows their sizes but not their meaning, so that the world
 * holds only what every module shares (people, tree, mental models, hours).
 *
 *   column       type      owner      other writers                     readers
 *   busy         uint8_t   incident   -                                 tactics, work
 *   surface      float     work       one_on_ones, status_updates,      work (settle)
 *                                     inspection_forums (apply)
 *   status_day   int32_t   work       status_updates, inspection_forums work (measure)
 *                                     (apply)
 *   task_domain  uint8_t   work       -                                 ask_for_help, trial_tasks
 *   task_start   int32_t   work       -                                 ask_for_help, trial_tasks
 *   task_boost   float     work       ask_for_help (apply)              work (settle)
 *   task_trial   uint8_t   work       trial_tasks (apply)               work (act)
 *   task_delay   float     work       departments, decisions (apply)    work (settle)
 *   is_ai        uint8_t   ai         - (set once, in ai's org)          every module
 *
 * The people's traits and state, drawn or set by hiring when someone joins (org):
 *
 *   column       type      owner      other writers                     readers
 *   competence   float x D hiring     feedback, accountability (apply:  work, trust, incident,
 *                                     people learn)                     broadcast, feedback ...
 *   candor       float     hiring     leader_vulnerability (apply)      repair, ...
 *   openness     float     hiring     -                                 ask_for_help
 *   empathy      float     hiring     -                                 repair
 *   safety       float     hiring     repair, leader_vulnerability,     work, decisions, openness,
 *                                     evidence (apply)                  accountability, ...
 *   alignment    float     hiring     alignment, one_on_ones,           work, broadcast, ...
 *                                     broadcast (apply)
 *   self_alpha   float x D hiring     evidence, feedback (apply)        ask_for_help,
 * declare_limits self_beta    float x D hiring     evidence, feedback (apply)        ask_for_help,
 * declare_limits
 *
 * competence is the hidden ability per domain (D = the scenario's domains), candor and
 * openness and empathy the propensities, safety the psychological safety the person feels,
 * alignment the error e >= 0 of its picture of the goals, self_alpha / self_beta its model
 * of itself (successes and failures it has seen of its own work, per domain). They start at
 * zero; hiring sets them for each person it adds (the first people included).
 *
 * busy, surface and task_delay are daily: every day starts with nobody busy, no extra
 * chance and no delay; what a module adds to task_delay (days of sign-off latency on the
 * owner's current task: a cross-department control gate, a review, a dispute, a reopened
 * team decision), work's settle adds to the task's latency that day. What
 * tactics add to surface in the apply phase, work's settle takes into its own row: it
 * raises the chance that hidden defects surface on the next day (work's act, which runs
 * before any of today's messages are applied). A module that reads or writes a column calls
 * ts_shared_register at configure, which registers all of them in this order, so the indices below
 * hold whichever modules are on: a column whose owner is off stays at its initial value (nobody
 * busy, no task). The accessors give const entries for a const world (act, measure) and writable
 * ones for a mutable world (org, apply). */
#ifndef TS_MODELS_SHARED_H
#define TS_MODELS_SHARED_H

#include "world.h"

#include <stddef.h>
#include <stdint.h>

/* The task domain of someone idle. */
#define TS_NO_TASK 255

enum {
    TS_SHARED_BUSY,
    TS_SHARED_SURFACE,
    TS_SHARED_STATUS_DAY,
    TS_SHARED_TASK_DOMAIN,
    TS_SHARED_TASK_START,
    TS_SHARED_TASK_BOOST,
    TS_SHARED_TASK_TRIAL,
    TS_SHARED_TASK_DELAY,
    TS_SHARED_COMPETENCE,
    TS_SHARED_CANDOR,
    TS_SHARED_OPENNESS,
    TS_SHARED_EMPATHY,
    TS_SHARED_SAFETY,
    TS_SHARED_ALIGNMENT,
    TS_SHARED_SELF_ALPHA,
    TS_SHARED_SELF_BETA,
    TS_SHARED_IS_AI,
    TS_SHARED_N
};

/* Grows a module's per-agent rows from *n_alloc to n_new (nothing when n_new is not more):
 * `row_size` bytes each, with an int32 at `day_offset` (the day the row's counts are
 * for); new rows are zero with that day INT32_MIN (none yet). For a module's grow hook. */
ts_status ts_rows_grow(void **rows, size_t row_size, size_t day_offset, uint32_t *n_alloc,
                       uint32_t n_new, ts_error *err);

/* Registers every shared column (idempotent). Must run before any other module registers
 * a column of its own, so that the shared ones keep the indices above. */
ts_status ts_shared_register(ts_world *w, ts_error *err);

#define TS_SHARED_(w, k, T)                                                                        \
    _Generic((w), const ts_world *: (const T *)(w)->cols[k].data, ts_world *: (T *)(w)->cols[k].data)

/* Unavailable for normal work today (on an incident). */
#define ts_busy(w) TS_SHARED_(w, TS_SHARED_BUSY, uint8_t)
/* Extra chance today that hidden problems of the agent's work surface. */
#define ts_surface(w) TS_SHARED_(w, TS_SHARED_SURFACE, float)
/* Last day the agent shared the status of its work. */
#define ts_status_day(w) TS_SHARED_(w, TS_SHARED_STATUS_DAY, int32_t)
/* Domain of the current task; TS_NO_TASK when idle. */
#define ts_task_domain(w) TS_SHARED_(w, TS_SHARED_TASK_DOMAIN, uint8_t)
/* Day the current task started. */
#define ts_task_start(w) TS_SHARED_(w, TS_SHARED_TASK_START, int32_t)
/* Extra success probability of the current task (help asked for). */
#define ts_task_boost(w) TS_SHARED_(w, TS_SHARED_TASK_BOOST, float)
/* The current task is a trial task. */
#define ts_task_trial(w) TS_SHARED_(w, TS_SHARED_TASK_TRIAL, uint8_t)
/* Days of sign-off latency added today to the current task (daily). */
#define ts_task_delay(w) TS_SHARED_(w, TS_SHARED_TASK_DELAY, float)
/* The agent is an AI teammate (models/ai.h), not a person: 1 from its creation on, 0 for
 * everyone while population.ai is off. Every module reads it (one byte) to leave AI agents
 * out as believers, deciders, meeting partners, managers, stakeholders and in people's
 * metrics; its owner, ai, sets it in org when it creates an AI agent. */
#define ts_is_ai(w) TS_SHARED_(w, TS_SHARED_IS_AI, uint8_t)

/* Code that may run on a world without the shared columns (a unit test's bare world)
 * asks ts_world_is_person (sim/core/world.h) instead: the ai module names is_ai as the
 * world's not_person column, so it answers the same, without AI at no cost. */

/* Ability per domain: agent a's domain d at [a * n_domains + d]. */
#define ts_competence(w) TS_SHARED_(w, TS_SHARED_COMPETENCE, float)
/* Propensity to own up to a failure and to speak up. */
#define ts_candor(w) TS_SHARED_(w, TS_SHARED_CANDOR, float)
/* Propensity to show vulnerability by asking for help. */
#define ts_openness(w) TS_SHARED_(w, TS_SHARED_OPENNESS, float)
/* Quality of the person's apologies: the goodwill owning up earns grows with it. */
#define ts_empathy(w) TS_SHARED_(w, TS_SHARED_EMPATHY, float)
/* Psychological safety the person feels, in [0, 1]. */
#define ts_safety(w) TS_SHARED_(w, TS_SHARED_SAFETY, float)
/* Alignment error e >= 0 of the person's picture of the goals. */
#define ts_alignment(w) TS_SHARED_(w, TS_SHARED_ALIGNMENT, float)
/* The person's model of itself: successes (alpha) and failures (beta) seen, per domain. */
#define ts_self_alpha(w) TS_SHARED_(w, TS_SHARED_SELF_ALPHA, float)
#define ts_self_beta(w) TS_SHARED_(w, TS_SHARED_SELF_BETA, float)

#endif
