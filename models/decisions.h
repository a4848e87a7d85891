/* Conflict and commitment: team decisions (docs/model.md §7.15, the Lencioni pyramid's
 * second and third layers). Every `decisions.every` days a manager takes a decision with
 * its team. Each member may hold a concern about it (private information); it voices the
 * concern with probability safety x trust in the others (vulnerability-based trust).
 * Voiced concerns raise the decision's quality and cost meeting hours; unvoiced ones
 * (artificial harmony) lower it; a decision changes the chance of success of its members'
 * tasks in progress (the shared task_boost column) by effect x (2 quality - 1). Members who were
 * heard, or had nothing to say, commit; each member who kept a concern to itself may get the
 * decision reopened later (more sign-off hours). Part of the baseline model: on in every scenario.
 * The manager decides in its act (reading its team's safety and trust); each member applies its
 * part in its own apply. */
#ifndef TS_MODELS_DECISIONS_H
#define TS_MODELS_DECISIONS_H

#include "module.h"

#include <stdint.h>

extern const ts_module ts_module_decisions;

/* Decisions a manager keeps waiting to be reopened. */
#define TS_DECISIONS_PENDING 8
/* Hours a member spends on a reopened decision, as a share of the manager's. */
#define TS_DECISIONS_MEMBER_SHARE 0.5f

/* The parameters of a decision (the scenario's decisions.* keys). */
typedef struct ts_decisions_params {
    int64_t every;        /* days between a team's decisions */
    double concern_p;     /* chance a member holds a concern */
    double quality_base;  /* quality with no concern held */
    double voice_gain;    /* quality gained by voicing every member's concern */
    double silence_loss;  /* quality lost by every member keeping its concern */
    double concern_hours; /* hours a voiced concern costs its member and the manager */
    double reopen_p;      /* chance each uncommitted member gets the decision reopened */
    int64_t reopen_after; /* days until a decision is reopened */
    double reopen_hours;  /* the manager's hours on a reopened decision */
    double reopen_delay;  /* days each member's task waits when a decision is reopened */
    double effect;        /* chance of success a decision of quality 1 adds to a task */
} ts_decisions_params;

/* Chance that a member with safety s and mean trust t in its team voices a concern:
 * clamp(s * t, 0, 1). */
double ts_decisions_voice_p(double safety, double trust);

/* Quality of a decision of a team of n members of whom `voiced` voiced a concern and
 * `silent` kept one: clamp(base + gain * voiced / n - loss * silent / n, 0, 1); base
 * without members. */
double ts_decisions_quality(const ts_decisions_params *p, uint32_t n, uint32_t voiced,
                            uint32_t silent);

/* What a decision of quality q adds to the chance of success of a member's task in
 * progress: effect * (2 q - 1) (negative below quality 0.5). */
double ts_decisions_effect(const ts_decisions_params *p, double quality);

/* Chance that a decision with `silent` uncommitted members is reopened:
 * 1 - (1 - reopen_p)^silent. */
double ts_decisions_reopen_p(const ts_decisions_params *p, uint32_t silent);

#endif
