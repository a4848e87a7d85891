/* Evidence: the one way beliefs change (MODEL.md §2 "Evidence"). Every mechanism that
 * makes someone see something sends an evidence message to the believer; the believer
 * applies it to its own mental model in the apply phase. The message kinds below are
 * shared by all modules (kinds under TS_MK_MODULE_BASE); each module's handler passes
 * messages to ts_evidence_handle first; a module's own message kinds apply their effects
 * to the receiver with the *_now functions, as the serial org phase does. Not a module: a
 * library the modules share. */
#ifndef TS_MODELS_EVIDENCE_H
#define TS_MODELS_EVIDENCE_H

#include "module.h"

/* Shared message kinds. A module's own kinds start at TS_MK_MODULE_BASE. */
enum {
    TS_MK_OBSERVE = 1,   /* about, domain, flags = success, w = weight */
    TS_MK_INTEGRITY = 2, /* about, w = honest act, x = concealment seen, y = scar */
    TS_MK_GOODWILL = 3,  /* about, w = delta */
    TS_MK_HOURS = 4,     /* domain = hours slot, w = hours */
    TS_MK_SAFETY = 5,    /* w = delta of the receiver's safety */
    TS_MK_SELF = 6,      /* domain, flags = success, w = weight: the self model */
    TS_MK_MODULE_BASE = 32
};

/* Slots of the daily hours ledger (world.hours). */
enum {
    TS_HOURS_PRODUCTIVE = 0, /* task work done (after ramp-up and blocking) */
    TS_HOURS_REVIEW,         /* sign-off: approvals and reviews */
    TS_HOURS_ESCALATION,     /* handling escalations */
    TS_HOURS_DEEP_DIVE,      /* deep dives by a common manager */
    TS_HOURS_MEETINGS,       /* 1:1s, broadcasts, forums, feedback, coffee, offsites */
    TS_HOURS_MENTORING,      /* mentoring new hires */
    TS_HOURS_COORDINATION,   /* incident syncs, arguments and checks */
    TS_HOURS_INCIDENT,       /* incident work */
    TS_HOURS_SUPERVISION,    /* supervising incident workstreams */
    TS_HOURS_TOIL,           /* keeping the team's systems running (its technical debt) */
    TS_HOURS_N
};

/* The believer's model of subject, created if absent; -1 if the store refused (every
 * model protected) or subject is the believer. */
int ts_evidence_model(ts_world *w, uint32_t believer, uint32_t subject);

/* Applies a shared-kind message to its receiver; returns 1 if the kind was shared. */
int ts_evidence_handle(ts_world *w, const ts_msg *m);

/* Emitters (act phase). */
static inline void ts_ev_observe(ts_emit *e, uint32_t believer, uint32_t subject, uint32_t domain,
                                 int success, float weight) {
    ts_emit_send(e, (ts_msg){.to = believer,
                             .about = subject,
                             .kind = TS_MK_OBSERVE,
                             .domain = (uint8_t)domain,
                             .flags = (uint8_t)(success != 0),
                             .w = weight});
}

static inline void ts_ev_integrity(ts_emit *e, uint32_t believer, uint32_t subject, float honest,
                                   float deceit, float scar) {
    ts_emit_send(e, (ts_msg){.to = believer,
                             .about = subject,
                             .kind = TS_MK_INTEGRITY,
                             .w = honest,
                             .x = deceit,
                             .y = scar});
}

static inline void ts_ev_goodwill(ts_emit *e, uint32_t believer, uint32_t subject, float delta) {
    ts_emit_send(e, (ts_msg){.to = believer, .about = subject, .kind = TS_MK_GOODWILL, .w = delta});
}

static inline void ts_ev_hours(ts_emit *e, uint32_t who, int slot, float hours) {
    ts_emit_send(e, (ts_msg){.to = who, .kind = TS_MK_HOURS, .domain = (uint8_t)slot, .w = hours});
}

static inline void ts_ev_safety(ts_emit *e, uint32_t who, float delta) {
    ts_emit_send(e, (ts_msg){.to = who, .kind = TS_MK_SAFETY, .w = delta});
}

static inline void ts_ev_self(ts_emit *e, uint32_t who, uint32_t domain, int success,
                              float weight) {
    ts_emit_send(e, (ts_msg){.to = who,
                             .kind = TS_MK_SELF,
                             .domain = (uint8_t)domain,
                             .flags = (uint8_t)(success != 0),
                             .w = weight});
}

/* Direct writers (same effect as the messages): for a module's handle, on its receiver
 * (m->to) only, and for the serial org phase. */
void ts_ev_observe_now(ts_world *w, uint32_t believer, uint32_t subject, uint32_t domain,
                       int success, float weight);
void ts_ev_integrity_now(ts_world *w, uint32_t believer, uint32_t subject, float honest,
                         float deceit, float scar);
void ts_ev_goodwill_now(ts_world *w, uint32_t believer, uint32_t subject, float delta);
void ts_ev_hours_now(ts_world *w, uint32_t who, int slot, float hours);

/* Adds a listener called for every competence observation applied, after it is added
 * (the feedback tactic listens; ts_observe_fn in sim/core/world.h). TS_ERR_INTERNAL when
 * TS_WORLD_MAX_LISTENERS are already registered. */
ts_status ts_evidence_add_observer(ts_world *w, ts_observe_fn fn, void *ctx, ts_error *err);

/* How beliefs weigh what they are shown (docs/model.md §7.1):
 * - first impressions: evidence seen `age` days after first contact weighs
 *   1 + (first_impression - 1) * exp(-age / first_impression_days);
 * - confirmation bias (Rabin & Schrag 1999): a competence observation that goes against
 *   the believer's current leaning in that domain (a success while its belief is below
 *   the prior mean, a failure while above) weighs (1 - confirmation_bias). */
#define TS_LEARNING_FADE_DAYS 1024
typedef struct ts_learning {
    double first_impression, first_impression_days;
    double confirmation_bias;
    double prior_a, prior_b; /* the competence prior, to tell the leaning */
    /* exp(-age / first_impression_days) for whole ages below TS_LEARNING_FADE_DAYS, filled
     * by ts_learning_prepare: the same values, looked up for every observation. */
    double fade[TS_LEARNING_FADE_DAYS];
} ts_learning;

/* Fills l->fade from l->first_impression_days. */
void ts_learning_prepare(ts_learning *l);

/* Registers the learning rules (the pointer must outlive the run). */
void ts_evidence_set_learning(ts_world *w, const ts_learning *l);

/* Adds a listener called at first contact, after the model was created empty (the prior
 * is implicit) and before the evidence is added (ts_first_contact_fn in sim/core/world.h), at
 * configure. Listeners run in the order they were added. TS_ERR_INTERNAL when
 * TS_WORLD_MAX_LISTENERS are already registered. */
ts_status ts_evidence_add_first_contact(ts_world *w, ts_first_contact_fn fn, void *ctx,
                                        ts_error *err);

#endif
