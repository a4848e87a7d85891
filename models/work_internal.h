/* Private to the work module (work.c, work_decide.c): its parameters, the per-agent rows
 * (current task, its deciders, hidden defects, the day's counters) and the sign-off
 * chain. A row is written only by its agent: in act (starting tasks, reporting
 * outcomes) and in settle (progress, completion). */
#ifndef TS_MODELS_WORK_INTERNAL_H
#define TS_MODELS_WORK_INTERNAL_H

#include "repair.h"
#include "trust.h"
#include "work.h"

#define WORK_MAX_DECIDERS 12 /* deciders remembered per task (observers at the end) */
#define WORK_MAX_DEFECTS 4   /* hidden defects an agent carries at once */
#define WORK_MAX_PARTNERS 8
/* The random stream of completion draws in settle (which has no module index): far above
 * the engine's module * 4 + phase streams. */
#define WORK_SETTLE_STREAM 0x574b5301u
/* Trial tasks (MODEL.md §6.4): the manager's observation weight, the rework of a failure. */
#define WORK_TRIAL_WEIGHT 2.0f
#define WORK_TRIAL_REWORK 0.1f

/* What a decider did with a decision. */
enum {
    WORK_APPROVED = 1, /* trusted the owner: approved (0.1 h) */
    WORK_REVIEWED,     /* reviewed (1 h, owner 0.5 h, +1 day) */
    WORK_ESCALATED,    /* passed it up (0.5 h each, +1 day) */
    WORK_DEEP_DIVE,    /* the common manager dug in (4 h, owner 2 h, +2 days) */
    WORK_STAMPED       /* overloaded: approved unseen */
};

/* Task states. */
enum { WORK_IDLE = 0, WORK_ACTIVE, WORK_DONE };

typedef struct work_params {
    float hpd;        /* work.hours_per_day */
    double size_zeta; /* lognormal of task sizes */
    double size_sigma;
    float decision_p;
    float stake_base, stake_per_doubling;
    float max_backlog; /* hours */
    float blocked_eff;
    uint32_t n_partners;
    float partner_vis;
    int32_t ramp_days;
    ts_trust_params tp;
    ts_repair_params rp;
} work_params;

typedef struct work_decider {
    uint32_t id;
    uint8_t role;
    uint8_t is_manager; /* the owner's own manager (observes with more weight) */
} work_decider;

typedef struct work_defect {
    float rework; /* hours, growing while hidden */
    float cap;    /* the most it can grow to: TS_REPAIR_DEFECT_CAP x the task's size */
    uint8_t domain;
    uint8_t active;
    uint8_t n_obs;
    uint32_t obs[3]; /* deciders who saw the task go by, besides manager and team */
} work_defect;

typedef struct work_row {
    /* The current task. */
    float size, done;
    float blocked_days; /* sign-off latency still ahead: work at blocked efficiency */
    int32_t started_day;
    int32_t decided_day;
    uint8_t state, domain, success, is_rework;
    uint8_t n_deciders, n_stake;
    work_decider dec[WORK_MAX_DECIDERS];
    /* Rework owed, done as the next task. */
    float rework;
    uint8_t rework_domain;
    work_defect defects[WORK_MAX_DEFECTS];
    /* The day's counters (act resets them). */
    uint16_t decisions, reviews, escalations, deep_dives, stamps, stakeholders;
    uint16_t cross_n;
    float latency, cross_sum;
    uint8_t completed, failed, owned, concealed, discovered;
    float output;
} work_row;

typedef struct work_state {
    work_params p;
    work_row *rows;
    uint32_t *partners; /* per team (manager id): WORK_MAX_PARTNERS partner managers */
    uint8_t *n_part;
    int partners_ready; /* the teams present on the first day have drawn their partners */
    uint32_t n_alloc;
    /* The last 7 days' sums behind trust_cross (sum, count) and the per-decision means
     * (decisions, stakeholders, latency days): windows keep the ratios defined on days
     * with no sign-off at all (the day after an offsite, a quiet weekend of a small org). */
    double ring[7][5];
    int ring_pos;
} work_state;

/* Starts owner a's decision on its new task: draws the stakeholders, runs each sign-off
 * chain, charges the hours (messages), records the deciders and the latency. */
void work_decide(const work_state *s, const ts_world *w, uint32_t a, work_row *row, ts_rng *r,
                 ts_emit *e);

/* The team of an agent: its manager (the CEO is its own team). */
static inline uint32_t work_team(const ts_world *w, uint32_t a) {
    return w->manager[a] == TS_NO_AGENT ? a : w->manager[a];
}

#endif
