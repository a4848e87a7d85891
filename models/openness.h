/* Team openness: how far a team lets outsiders see its work and how readily its people
 * consult outsiders (docs/model.md §7.12). It falls with the team's technical debt (the
 * embarrassment of a system held together by duct tape) and with the blame the team has
 * taken (the safety its members lost below the culture's), and rises as outsiders prove
 * safe (the ways-in tactics: trenches, hated_tasks, overview_listening, commiserate).
 * On when the section `openness` is present; off, every team is fully open (1).
 *
 * The per-agent columns of the mechanism (sim/core/world.h's registry), each entry of a
 * team kept at its manager's id:
 *   column           type   owner     other writers                readers
 *   team_openness    float  openness  -                            work (act), ways in (act)
 *   openness_earned  float  openness  ways in (apply, to managers) openness (settle)
 *   tech_debt        float  work (org, when registered)            openness (act)
 * team_openness starts at 1 and is written by a manager's own settle; openness_earned is
 * daily (what outsiders proved today, cleared each day); tech_debt mirrors work's debt. */
#ifndef TS_MODELS_OPENNESS_H
#define TS_MODELS_OPENNESS_H

#include "module.h"

#include <stdint.h>

extern const ts_module ts_module_openness;

#define TS_OPENNESS_COLUMN "team_openness"
#define TS_OPENNESS_EARNED_COLUMN "openness_earned"
#define TS_OPENNESS_DEBT_COLUMN "tech_debt"

/* The column indices of the mechanism in a world. */
typedef struct ts_openness_cols {
    uint32_t open, earned, debt;
} ts_openness_cols;

/* Registers the three columns (idempotent; after ts_shared_register). For the openness
 * module and every tactic that reads or raises openness, at configure. */
ts_status ts_openness_register(ts_world *w, ts_openness_cols *c, ts_error *err);

/* The openness of team `team` (a manager id) through the column at index `col`; 1 for
 * col < 0 (the mechanism is not registered) or an id out of range. */
static inline float ts_openness_of(const ts_world *w, int col, uint32_t team) {
    if (col < 0 || team >= w->n) {
        return 1.0f;
    }
    return ((const float *)w->cols[col].data)[team];
}

/* The team of agent a: its manager (the CEO is its own team). */
static inline uint32_t ts_openness_team(const ts_world *w, uint32_t a) {
    return w->manager[a] == TS_NO_AGENT ? a : w->manager[a];
}

/* The closed-team's base openness, before what outsiders earned: 1 - debt_weight x debt -
 * blame_weight x max(0, culture_safety - team_safety), at least `floor`, at most 1. */
double ts_openness_base(double debt, double team_safety, double culture_safety, double debt_weight,
                        double blame_weight, double floor);

/* Openness with what outsiders earned (0..1): base + earned x (1 - base). */
double ts_openness_value(double base, double earned);

/* What one proof of safety of strength g (0..1) does to what outsiders earned:
 * earned + g x (1 - earned). */
double ts_openness_earn(double earned, double g);

/* For the ways-in tactics: a person `a` who may approach `b` as an outsider today: both
 * active and not busy, different teams, neither the other's manager. */
int ts_openness_outsider_pair(const ts_world *w, uint32_t a, uint32_t b);

/* Draws b for outsider a (up to `tries` uniform draws of an id; TS_NO_AGENT if none is
 * eligible). */
uint32_t ts_openness_draw_insider(const ts_world *w, uint32_t a, int tries, ts_rng *r);

#endif
