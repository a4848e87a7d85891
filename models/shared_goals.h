/* Shared goals (tactics.shared_goals; docs/model.md §7.11, essay 001): the departments
 * set joint objectives. Two effects, both on the cross-department sign-offs of
 * models/departments.c, which reads these parameters: the gap between the departments'
 * objective weights (speed versus reliability) that makes a sign-off disputed shrinks by
 * gap_cut; and a sign-off that ends without a dispute is an outcome both sides see as
 * shared: each warms to the other by `goodwill`, and the signer takes `credit` honest
 * evidence of the owner. The module itself runs the joint planning: every person of an
 * organisation of several departments spends hours_per_week of meetings a week (a fifth of
 * it each working day of the recorded run), and once a week on average plans with someone
 * of another department (a meeting: each sees the other at work and warms by `goodwill`).
 * Off by default. */
#ifndef TS_MODELS_SHARED_GOALS_H
#define TS_MODELS_SHARED_GOALS_H

#include "module.h"

extern const ts_module ts_module_shared_goals;

#define TS_SHARED_GOALS_WEIGHT 0.25f /* each side's observation in a planning meeting */
#define TS_SHARED_GOALS_TRIES 8      /* draws to find a partner before giving up */

typedef struct ts_shared_goals {
    int on;          /* the section is on */
    double gap_cut;  /* share of the objective gap removed */
    float goodwill;  /* each side's goodwill after an undisputed sign-off */
    float credit;    /* the signer's honest evidence of the owner then */
    float hours_day; /* planning hours a working day: hours_per_week / 5 */
} ts_shared_goals;

/* Reads tactics.shared_goals (everything 0 when it is off). */
void ts_shared_goals_load(const ts_scenario *sc, ts_shared_goals *g);

/* The objective gap a sign-off sees: gap * (1 - gap_cut) with shared goals, else gap. */
double ts_shared_goals_gap(const ts_shared_goals *g, double gap);

#endif
