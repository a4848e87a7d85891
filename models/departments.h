/* Departments and the technology-business gap (docs/model.md §7.11, essay 001). The keys
 * `org.departments` and `org.department_split` cut the organisation into named groups with
 * shares of the headcount, each with its own objective weight on speed versus reliability
 * of work. A person belongs to the department of its depth-1 ancestor in the tree (the
 * initial tree is cut between the CEO's direct reports by cumulative headcount), and a
 * hire to its manager's. Three mechanisms, all idle with one department (the default,
 * which leaves every output as it was):
 *  - a transactional history: at first contact with someone of another department, a
 *    believer's integrity prior is lowered by org.cross_department_prior (concealment-like
 *    evidence, which fades with forgetting), less for a believer who understands the other
 *    side's context (models/understanding.h);
 *  - sign-off: a share of new tasks touches another department and needs the sign-off of a
 *    member of it, gated by that member's trust in the owner (delegate: approved, review:
 *    reviewed, below: contested); a sign-off may end in a dispute, more likely the further
 *    apart the two departments' objectives and the lower the trust, less likely the better
 *    the signer understands the owner's side and the more shared the goals
 *    (models/shared_goals.h). A dispute costs both sides hours, latency and goodwill;
 *  - control gates (`work.control_gates`): formal approval of every cross-department
 *    sign-off, whatever the trust: more review hours and latency, and a signal of distrust
 *    that lowers the owner's goodwill toward the signer.
 * The department of each person is a world column (TS_DEPT_COLUMN), written in the serial
 * org phase only, read by the listener and by the tactics. */
#ifndef TS_MODELS_DEPARTMENTS_H
#define TS_MODELS_DEPARTMENTS_H

#include "module.h"

#include <stdint.h>

extern const ts_module ts_module_departments;

#define TS_DEPT_MAX 8
/* The world column of departments (uint8_t per agent); TS_DEPT_NONE before assignment. */
#define TS_DEPT_COLUMN "department"
#define TS_DEPT_NONE 255u

/* The mechanism's fixed numbers (docs/model.md §7.11). */
#define TS_DEPT_APPROVE_HOURS 0.1f     /* a trusting signer's approval */
#define TS_DEPT_REVIEW_HOURS 1.0f      /* a review: the signer's hours */
#define TS_DEPT_OWNER_HOURS 0.5f       /* a review: the owner's hours */
#define TS_DEPT_REVIEW_DAYS 1.0f       /* a review's latency */
#define TS_DEPT_DISPUTE_HOURS 1.0f     /* a dispute: each side's coordination hours */
#define TS_DEPT_DISPUTE_DAYS 2.0f      /* a dispute's extra latency */
#define TS_DEPT_DISPUTE_GOODWILL 0.05f /* each side's goodwill lost in a dispute */

/* The department (0-based) whose share of the headcount holds the cumulative share `at`
 * (in [0, 1]): the first k with at <= upper[k] (the last one past the end). */
uint32_t ts_departments_pick(const double *upper, uint32_t n_dept, double at);

/* Concealment-like evidence a believer adds at first contact with someone of another
 * department, so that the integrity prior's mean a / (a + b) is lowered by the share
 * `cut` (org.cross_department_prior): (a + b) * cut / (1 - cut), times (1 - understanding)
 * of the believer. */
float ts_departments_penalty(float integ_a, float integ_b, double cut, double understanding);

/* Chance that a cross-department sign-off ends in a dispute: 0 for a signer who trusts the
 * owner enough to delegate; else (1 - understanding) * (gap + (1 - gap) * shortfall), where
 * shortfall = (review - trust) / review below the review threshold and 0 above it. `gap`
 * is |speed weight of one - of the other| after shared goals. */
double ts_departments_dispute_p(double trust, double delegate, double review, double gap,
                                double understanding);

#endif
