/* Feedback: after watching someone's work closely the observer tells them how it went;
 * the receiver learns, and mostly positive feedback softens criticism (MODEL.md §6.2).
 * On when `tactics.feedback` is present. Owns a per-agent queue of direct observations
 * (filled by the evidence observer hook, the world's only one, on the believer's own
 * row, in its apply) and a per-giver table of pair histories; each giver gives feedback
 * in its next act, and the receiver applies it in its own apply. */
#ifndef TS_MODELS_FEEDBACK_H
#define TS_MODELS_FEEDBACK_H

#include "module.h"

/* The tactic's fixed numbers (MODEL.md §6.2). */
#define TS_FEEDBACK_MIN_WEIGHT 0.5f         /* a direct observation: weight at least this */
#define TS_FEEDBACK_LEARN_NEGATIVE 0.02f    /* competence += this * (1 - c) after criticism */
#define TS_FEEDBACK_LEARN_POSITIVE 0.005f   /* competence += this * (1 - c) after praise */
#define TS_FEEDBACK_GOODWILL_POSITIVE 0.02f /* receiver's goodwill toward the giver */
#define TS_FEEDBACK_GOODWILL_NEGATIVE 0.05f /* lost after criticism, times (1 - buffer) */
#define TS_FEEDBACK_SELF_WEIGHT 1.0f        /* the receiver's self-model observation */
#define TS_FEEDBACK_HOURS_GIVER 0.25f       /* meeting hours of the giver */
#define TS_FEEDBACK_HOURS_RECEIVER 0.1f     /* meeting hours of the receiver */
#define TS_FEEDBACK_QUEUE 8                 /* observations queued per person a day */
#define TS_FEEDBACK_PAIRS 16                /* receivers a giver remembers */
#define TS_FEEDBACK_MAX_AGENTS (1u << 26)   /* room for agents the tables can index */

extern const ts_module ts_module_feedback;

/* How much of criticism's sting a history of positives and negatives (given by the same
 * giver to the same receiver) absorbs: min(1, (positives / max(1, negatives)) / ratio);
 * 0 when ratio <= 0. */
double ts_feedback_buffer(uint32_t positives, uint32_t negatives, double ratio);

/* For tests: observations queued by `agent` for tomorrow's feedback (0 if out of range). */
uint32_t ts_feedback_pending(const void *state, uint32_t agent);

/* For tests: the feedback giver has given receiver so far (zeros if none remembered). */
void ts_feedback_history(const void *state, uint32_t giver, uint32_t receiver, uint32_t *positives,
                         uint32_t *negatives);

#endif
