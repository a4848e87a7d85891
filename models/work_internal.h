/* Private to the work module (work.c, work_decide.c): its parameters, the per-agent rows
 * (current task, its deciders, hidden defects, the day's counters) and the sign-off
 * chain. A row is written only by its agent: in act (starting tasks, reporting
 * outcomes) and in settle (progress, completion). */
#ifndef TS_MODELS_WORK_INTERNAL_H
#define TS_MODELS_WORK_INTERNAL_H

#include "ai.h"
#include "repair.h"
#include "trust.h"
#include "work.h"

#define WORK_MAX_DECIDERS 12 /* deciders remembered per task (observers at the end) */
#define WORK_MAX_DEFECTS 4   /* hidden defects an agent carries at once */
#define WORK_MAX_PARTNERS 8
/* The random stream of completion draws in settle (which has no module context): its top
 * bit is clear, unlike the keys of the engine's module streams (ts_module_stream_key). */
#define WORK_SETTLE_STREAM 0x574b5301u
/* The stream of a new team's technical debt. */
#define WORK_DEBT_STREAM 0x574b4402u
/* Trial tasks (MODEL.md §6.4): the manager's observation weight, the rework of a failure. */
#define WORK_TRIAL_WEIGHT 2.0f
#define WORK_TRIAL_REWORK 0.1f
/* The window of problems_raised_early, in days. */
#define WORK_RAISE_DAYS 30

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
    float kept_word;           /* work.kept_word */
    float raise_early;         /* work.raise_early */
    double debt_mean, debt_sd; /* work.tech_debt.mean, .sd */
    float toil_weight;         /* work.tech_debt.visibility */
    int32_t ramp_days;
    ts_trust_params tp;
    ts_repair_params rp;
    ts_work_link link;
} work_params;

/* How a setback's forced failures are handled (work_setback.c). */
enum { WORK_SETBACK_OWNED = 0, WORK_SETBACK_CONCEALED, WORK_SETBACK_SEEN };

/* The scenario's setback experiment, if any (day -1: none). */
typedef struct work_setback {
    int32_t day;
    double share;
    uint8_t failures;
    uint8_t handling;
    int32_t surface_after;
    int32_t measure_after;
} work_setback;

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
    int32_t due_day; /* a setback's concealed failure surfaces on this day at the latest */
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
    /* A setback (work_setback.c): in its cohort, failures still to force, and whether
     * the task that just ended was one of them. */
    uint8_t cohort, forced, forced_now;
    /* An AI agent's task (models/ai.h): it went through the delegator's gate, was handed
     * over without review, was reviewed, is a hallucination, was flagged by the AI; and a
     * hallucination caught today (at its review). All 0 for people. */
    uint8_t ai_gated, ai_delegated, ai_reviewed, ai_halluc, ai_flagged, ai_caught;
    /* The team whose technical debt the person works under: its team, or until its new
     * team has a debt, its old one (TS_NO_AGENT before its first day of work). */
    uint32_t debt_team;
    /* In-system hours (sign-off, escalation, deep dive, supervision) inside the owner's
     * backlog, and those worked today (leaders' in-system share counts them). */
    float backlog_sys, sys_worked;
    /* Extra chance that hidden defects surface today: what tactics added to the surface
     * column yesterday (settle moves it here, models/shared.h). */
    float surface;
    /* Rework owed, done as the next task. */
    float rework;
    uint8_t rework_domain;
    work_defect defects[WORK_MAX_DEFECTS];
    /* The day's counters (act resets them). */
    uint16_t decisions, reviews, escalations, deep_dives, stamps, stakeholders;
    uint16_t cross_n;
    float latency, cross_sum;
    uint8_t completed, failed, owned, concealed, discovered;
    uint8_t raised; /* hidden defects raised by their owner today (work.raise_early) */
    /* Over the team table's window (the last 90 recorded days): output hours, failures
     * and failures owned up (trial and setback failures count as owned: they are seen). */
    float win_output;
    uint16_t win_failed, win_owned;
    float output;
} work_row;

typedef struct work_state {
    work_params p;
    work_row *rows;
    uint32_t *partners; /* per team (manager id): WORK_MAX_PARTNERS partner managers */
    uint8_t *n_part;
    float *debt;        /* per team (manager id): technical debt, the share of a day of toil */
    float *backlog;     /* per agent: overhead hours carried over from earlier days; written
                         * by its owner's settle, read in act (a decider's load) */
    uint8_t *has_debt;  /* per team: its debt was set (drawn or inherited) */
    int debt_ready;     /* the first day's teams have drawn theirs: later teams inherit */
    int partners_ready; /* the teams present on the first day have drawn their partners */
    /* Columns of the openness mechanism (models/openness.h), found each org phase: -1
     * while nothing registered them (every team fully open, no debt published). */
    int open_col, debt_col;
    /* The declared-weak domains of declare_limits (models/declare_limits.h), found each
     * org phase: -1 while the tactic is off. */
    int limits_col;
    /* AI teammates (models/ai.h): their keys, and the ai_task column work writes for ai's
     * metrics, found each org phase (-1 while population.ai is off). */
    ts_ai_params ai;
    int ai_col;
    /* Active AI agents at the day's org (0 while population.ai is off): the headcount the
     * stakeholders grow with is people's. */
    uint32_t n_ai;
    uint32_t n_alloc;
    /* The last 7 days' sums behind trust_cross (sum, count) and the per-decision means
     * (decisions, stakeholders, latency days): windows keep the ratios defined on days
     * with no sign-off at all (the day after an offsite, a quiet weekend of a small org). */
    double ring[7][5];
    int ring_pos;
    /* The last WORK_RAISE_DAYS days' hidden defects raised early and discovered, behind
     * problems_raised_early. */
    double raise_ring[WORK_RAISE_DAYS][2];
    int raise_pos;
    work_setback setback;
} work_state;

/* Setbacks (work_setback.c). */
extern const ts_section work_setback_section; /* experiments.setback */
ts_status work_setback_validate(const ts_scenario *sc, ts_error *err);
void work_setback_configure(const ts_scenario *sc, work_setback *sb);
void work_setback_org(work_state *s, const ts_world *w, const ts_day *d);
void work_setback_measure(const work_state *s, const ts_world *w, uint32_t a, double *acc);
/* Writes the setback's two summary scalars, declared by decl[0] (before) and decl[1] (after). */
ts_status work_setback_summarize(const work_state *s, const ts_metric_decl *decl, ts_result *res,
                                 ts_error *err);

/* The team table's window: the last WORK_WINDOW_DAYS recorded days, or the whole run if
 * it is shorter. Its first day: */
#define WORK_WINDOW_DAYS 90
static inline int32_t work_window_first(const ts_world *w) {
    int32_t first = w->days - WORK_WINDOW_DAYS + 1;
    return first > 1 ? first : 1;
}

static inline int work_in_window(const ts_world *w, int32_t day) {
    return day >= work_window_first(w);
}

/* Starts owner a's decision on its new task: draws the stakeholders, runs each sign-off
 * chain, charges the hours (messages), records the deciders and the latency. */
void work_decide(const work_state *s, const ts_world *w, uint32_t a, work_row *row, ts_rng *r,
                 ts_emit *e);

/* The delegation of AI agent a's new task (models/ai.h): the hallucination and the flag
 * are drawn, then its manager's trust gates it as a sign-off (run_chain: handed over at
 * delegation-level trust, else reviewed or dug into); a flagged task is reviewed whatever
 * the trust, and the flag is honesty evidence to the manager. */
void work_delegate_ai(const work_state *s, const ts_world *w, uint32_t a, work_row *row, ts_rng *r,
                      ts_emit *e);

/* The team of an agent: its manager (the CEO is its own team). */
static inline uint32_t work_team(const ts_world *w, uint32_t a) {
    return w->manager[a] == TS_NO_AGENT ? a : w->manager[a];
}

#endif
