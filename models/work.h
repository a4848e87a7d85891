/* Work: tasks, the decisions that need sign-off from the owner's manager and from
 * stakeholders in partner teams, overload and the hours of a day (docs/model.md §7.3).
 * It also owns the link from a person's competence to the chance that a piece of their
 * work succeeds, which every mechanism that shows someone's work (meetings, incidents,
 * tactics) uses, so that what people see of each other is one consistent thing. */
#ifndef TS_MODELS_WORK_H
#define TS_MODELS_WORK_H

#include "module.h"

extern const ts_module ts_module_work;

/* The success link (docs/model.md §7.3): an item-response curve. A person of competence
 * c with alignment error e does work of ability c * exp(-e); a piece of work succeeds
 * with probability 1 / (1 + exp(-(ability - difficulty) / scale)). */
typedef struct ts_work_link {
    double difficulty; /* work.difficulty */
    double scale;      /* work.skill_scale */
} ts_work_link;

/* Reads work.difficulty and work.skill_scale. */
void ts_work_link_load(const ts_scenario *sc, ts_work_link *link);

/* Chance that work of competence c at alignment error e succeeds. */
double ts_work_success_p(const ts_work_link *link, double competence, double alignment_error);

/* The same for agent a in domain d, with its current competence and alignment. */
double ts_work_success_of(const ts_work_link *link, const ts_world *w, uint32_t a, uint32_t d);

/* Agent a's chance of success in every domain into p[0 .. n_domains). */
void ts_work_success_all(const ts_work_link *link, const ts_world *w, uint32_t a, double *p);

/* A meeting (serial, org phase): a and b each see the other at work once, in a domain
 * drawn at random, succeeding with the other's chance of success there (an observation
 * of `weight` each way), and warm to each other by `goodwill`. Draws a's domain and
 * outcome, then b's. The first contact creates the models. */
void ts_work_meet(const ts_work_link *link, ts_world *w, uint32_t a, uint32_t b, float weight,
                  float goodwill, ts_rng *r);

/* The same meeting from the act phase: the same draws, the effects sent as messages to a
 * and b, applied by each in its own apply. */
void ts_work_meet_emit(const ts_work_link *link, const ts_world *w, uint32_t a, uint32_t b,
                       float weight, float goodwill, ts_rng *r, ts_emit *e);

#endif
