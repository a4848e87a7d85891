/* Feedback: after watching someone's work closely the observer tells them how it went;
 * the receiver learns, and a history of mostly positive feedback softens criticism
 * (MODEL.md §6.2). On when its section `tactics.feedback` is present unless it says
 * enabled: false. Keys only for now; the behaviour arrives with the issue
 * "Trust-building tactics". */
#ifndef TS_MODELS_FEEDBACK_H
#define TS_MODELS_FEEDBACK_H

#include "module.h"

extern const ts_module ts_module_feedback;

#endif
