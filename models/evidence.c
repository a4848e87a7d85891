#include "evidence.h"

#include "shared.h"

#include <math.h>

int ts_evidence_model(ts_world *w, uint32_t believer, uint32_t subject) {
    if (believer == subject || subject >= w->n) {
        return -1;
    }
    ts_relstore *rs = &w->models;
    int slot = ts_relstore_find(rs, believer, subject);
    if (slot >= 0) {
        return slot;
    }
    /* AI agents hold no mental models (models/ai.h): evidence sent to one is dropped. Read
     * only at a first contact, so the evidence of people who know each other pays nothing. */
    if (!ts_world_is_person(w, believer)) {
        return -1;
    }
    slot = ts_relstore_insert(rs, believer, subject, w->day, w->manager);
    const ts_world_listeners *l = &w->listeners;
    for (size_t k = 0; slot >= 0 && k < l->n_first_contact; k++) {
        l->first_contact[k](l->first_contact_ctx[k], w, believer, subject, (uint32_t)slot);
    }
    return slot;
}

void ts_learning_prepare(ts_learning *l) {
    for (int age = 0; age < TS_LEARNING_FADE_DAYS; age++) {
        l->fade[age] = exp(-(double)age / l->first_impression_days);
    }
}

/* The first-impression multiple of evidence added today to a model first made on
 * first_day. */
static double primacy(const ts_learning *l, int32_t first_day, int32_t day) {
    if (!l || l->first_impression == 1.0) {
        return 1.0;
    }
    int64_t age = (int64_t)day - (int64_t)first_day;
    age = age > 0 ? age : 0;
    double fade =
        age < TS_LEARNING_FADE_DAYS ? l->fade[age] : exp(-(double)age / l->first_impression_days);
    return 1.0 + (l->first_impression - 1.0) * fade;
}

/* The weight a believer gives an observation: first impressions, and less when it goes
 * against the believer's current leaning in that domain. The leaning needs no decay:
 * with prior (a0, b0) and stored evidence (a, b), both scaled by the same forgetting
 * factor f, the mean (a0 + f a) / (a0 + b0 + f (a + b)) is below the prior mean
 * a0 / (a0 + b0) exactly when a b0 < b a0. */
static float learned_weight(const ts_world *w, uint32_t believer, uint32_t slot, uint32_t domain,
                            int success, float weight) {
    const ts_learning *l = w->learning;
    if (!l) {
        return weight;
    }
    float a, b;
    int32_t first_day;
    ts_relstore_peek(&w->models, believer, slot, domain, &a, &b, &first_day);
    double k = primacy(l, first_day, w->day);
    if (l->confirmation_bias > 0.0) {
        double below = (double)a * l->prior_b - (double)b * l->prior_a;
        if ((success && below < 0.0) || (!success && below > 0.0)) {
            k *= 1.0 - l->confirmation_bias;
        }
    }
    return (float)(k * weight);
}

void ts_ev_observe_now(ts_world *w, uint32_t believer, uint32_t subject, uint32_t domain,
                       int success, float weight) {
    int slot = ts_evidence_model(w, believer, subject);
    if (slot >= 0 && domain < w->n_domains) {
        float lw = learned_weight(w, believer, (uint32_t)slot, domain, success, weight);
        ts_relstore_add_competence(&w->models, believer, (uint32_t)slot, w->day, domain,
                                   success ? lw : 0.0f, success ? 0.0f : lw);
        const ts_world_listeners *l = &w->listeners;
        for (size_t k = 0; k < l->n_observe; k++) {
            l->observe[k](l->observe_ctx[k], w, believer, subject, domain, success, weight);
        }
    }
}

void ts_ev_integrity_now(ts_world *w, uint32_t believer, uint32_t subject, float honest,
                         float deceit, float scar) {
    int slot = ts_evidence_model(w, believer, subject);
    if (slot >= 0) {
        double k = 1.0;
        if (w->learning) {
            float a, b;
            int32_t first_day;
            ts_relstore_peek(&w->models, believer, (uint32_t)slot, 0, &a, &b, &first_day);
            k = primacy(w->learning, first_day, w->day);
        }
        ts_relstore_add_integrity(&w->models, believer, (uint32_t)slot, w->day, (float)(k * honest),
                                  (float)(k * deceit), (float)(k * scar));
    }
}

void ts_ev_goodwill_now(ts_world *w, uint32_t believer, uint32_t subject, float delta) {
    int slot = ts_evidence_model(w, believer, subject);
    if (slot >= 0) {
        ts_relstore_add_goodwill(&w->models, believer, (uint32_t)slot, w->day, delta);
    }
}

void ts_ev_hours_now(ts_world *w, uint32_t who, int slot, float hours) {
    if (slot >= 0 && slot < TS_HOURS_SLOTS) {
        w->hours[(size_t)who * TS_HOURS_SLOTS + (size_t)slot] += hours;
    }
}

int ts_evidence_handle(ts_world *w, const ts_msg *m) {
    switch (m->kind) {
    case TS_MK_OBSERVE:
        ts_ev_observe_now(w, m->to, m->about, m->domain, m->flags, m->w);
        return 1;
    case TS_MK_INTEGRITY:
        ts_ev_integrity_now(w, m->to, m->about, m->w, m->x, m->y);
        return 1;
    case TS_MK_GOODWILL:
        ts_ev_goodwill_now(w, m->to, m->about, m->w);
        return 1;
    case TS_MK_HOURS:
        ts_ev_hours_now(w, m->to, m->domain, m->w);
        return 1;
    case TS_MK_SAFETY: {
        float s = ts_safety(w)[m->to] + m->w;
        ts_safety(w)[m->to] = s < 0.0f ? 0.0f : s > 1.0f ? 1.0f : s;
        return 1;
    }
    case TS_MK_SELF:
        if (m->domain < w->n_domains) {
            size_t k = (size_t)m->to * w->n_domains + m->domain;
            if (m->flags) {
                ts_self_alpha(w)[k] += m->w;
            } else {
                ts_self_beta(w)[k] += m->w;
            }
        }
        return 1;
    default:
        return 0;
    }
}

ts_status ts_evidence_add_observer(ts_world *w, ts_observe_fn fn, void *ctx, ts_error *err) {
    ts_world_listeners *l = &w->listeners;
    if (l->n_observe == TS_WORLD_MAX_LISTENERS) {
        return ts_error_set(err, TS_ERR_INTERNAL, "more than %d observation listeners",
                            TS_WORLD_MAX_LISTENERS);
    }
    l->observe[l->n_observe] = fn;
    l->observe_ctx[l->n_observe++] = ctx;
    return TS_OK;
}

void ts_evidence_set_learning(ts_world *w, const ts_learning *l) {
    w->learning = l;
}

ts_status ts_evidence_add_first_contact(ts_world *w, ts_first_contact_fn fn, void *ctx,
                                        ts_error *err) {
    ts_world_listeners *l = &w->listeners;
    if (l->n_first_contact == TS_WORLD_MAX_LISTENERS) {
        return ts_error_set(err, TS_ERR_INTERNAL, "more than %d first-contact listeners",
                            TS_WORLD_MAX_LISTENERS);
    }
    l->first_contact[l->n_first_contact] = fn;
    l->first_contact_ctx[l->n_first_contact++] = ctx;
    return TS_OK;
}
