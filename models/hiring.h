/* Hiring: the traits people are drawn with, growth of the headcount, attrition,
 * placement in the tree (B-tree-like splits), ramp-up and the mentoring drag of new
 * hires (MODEL.md §2 "Agent" and §3 "The organisation and its growth"). Everything it
 * changes, it changes in the serial org phase; ts_hiring_ramp and ts_hiring_target are
 * pure and may be called from any phase and thread. */
#ifndef TS_MODELS_HIRING_H
#define TS_MODELS_HIRING_H

#include "module.h"

extern const ts_module ts_module_hiring;

/* The random stream of a person's hidden traits: ts_rng_init(r, w->seed, agent,
 * TS_HIRING_TRAIT_DAY, TS_HIRING_TRAIT_STREAM). Its top bit is clear, unlike the keys of
 * the engine's module streams (ts_module_stream_key), so no other module draws from it;
 * traits depend only on the run's seed and the agent's id. */
#define TS_HIRING_TRAIT_STREAM 0x68697265u /* "hire" */
#define TS_HIRING_TRAIT_DAY 0u

typedef enum ts_hiring_growth {
    TS_HIRING_NONE = 0,
    TS_HIRING_EXPONENTIAL,
    TS_HIRING_LINEAR,
    TS_HIRING_SCHEDULE
} ts_hiring_growth;

/* A trait's Beta: mean and sd (sd 0: exactly the mean). */
typedef struct ts_hiring_trait {
    double mean, sd;
} ts_hiring_trait;

/* The module's parameters. sched_day/sched_people hold n_sched points with strictly
 * increasing days; ts_hiring_params_load allocates them (free with
 * ts_hiring_params_free), a caller filling the struct by hand may point them anywhere. */
typedef struct ts_hiring_params {
    ts_hiring_growth growth;
    double h0;            /* headcount at day 0 (org.headcount) */
    double annual_rate;   /* hiring.annual_rate */
    double max_headcount; /* hiring.max_headcount */
    double *sched_day, *sched_people;
    size_t n_sched;
    double attrition_annual;
    double promote_from_within;
    int32_t ramp_days;
    double mentoring_hours;
    double safety; /* culture.safety: a new person's safety */
    ts_hiring_trait competence, candor, openness, empathy;
} ts_hiring_params;

/* Reads population.*, hiring.*, org.headcount and culture.safety. */
ts_status ts_hiring_params_load(const ts_scenario *sc, ts_hiring_params *p, ts_error *err);
/* Frees the schedule of a loaded parameter set (safe on a zeroed struct). */
void ts_hiring_params_free(ts_hiring_params *p);

/* The target headcount H(day) of the recorded run, before rounding: h0 for growth none,
 * h0 (1 + annual_rate)^(day/365) exponential, h0 (1 + annual_rate day/365) linear, the
 * schedule's points joined by straight lines (flat outside them), each capped by
 * max_headcount. The org phase uses h0 during the warm-up instead. */
double ts_hiring_target(const ts_hiring_params *p, int32_t day);

/* Draws agent a's hidden traits (competence per domain, candor, openness, empathy) from
 * its own trait stream and sets its safety to p->safety and its alignment error to 0. */
void ts_hiring_draw_traits(const ts_hiring_params *p, ts_world *w, uint32_t a);

/* How much of its worth a's hours count at today: 0.6 + 0.4 min(1, tenure / ramp_days),
 * tenure = w->day - hire_day; 1 for ramp_days <= 0 and for the people present when the
 * warm-up began (hire_day <= -warmup_days). */
float ts_hiring_ramp(const ts_world *w, uint32_t a, int32_t ramp_days);

#endif
