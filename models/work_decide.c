/* The sign-off of a decision (MODEL.md §4): who signs off, and the chain each sign-off
 * runs up the tree until someone trusts the owner enough or the common manager digs in.
 * Runs in the owner's act: everything it reads is yesterday's, everything it changes
 * goes out as messages (hours) or into the owner's own row. */
#include "work_internal.h"

#include "evidence.h"
#include "shared.h"
#include "openness.h"

#include <math.h>

/* A member of one of the owner's team's partner teams, or TS_NO_AGENT. */
static uint32_t draw_stakeholder(const work_state *s, const ts_world *w, uint32_t a, ts_rng *r) {
    uint32_t team = work_team(w, a);
    uint32_t np = s->n_part[team];
    if (np == 0) {
        return TS_NO_AGENT;
    }
    uint32_t p = s->partners[(size_t)team * WORK_MAX_PARTNERS + ts_rng_below(r, np)];
    if (!w->active[p]) {
        return TS_NO_AGENT;
    }
    /* The partner team: its manager and its reports. */
    uint32_t pick = ts_rng_below(r, w->n_reports[p] + 1);
    uint32_t j = p;
    for (uint32_t k = w->first_report[p]; pick > 0 && k != TS_NO_AGENT; k = w->next_peer[k]) {
        j = k;
        pick--;
    }
    /* AI agents are no stakeholders (models/ai.h). */
    return ts_is_ai(w)[j] ? TS_NO_AGENT : j;
}

static void remember(work_row *row, uint32_t id, uint8_t role, uint8_t is_manager) {
    if (row->n_deciders < WORK_MAX_DECIDERS) {
        row->dec[row->n_deciders++] =
            (work_decider){.id = id, .role = role, .is_manager = is_manager};
    }
}

/* One sign-off chain from `start`; returns its latency in days. */
static float run_chain(const work_state *s, const ts_world *w, uint32_t a, uint32_t start,
                       uint8_t is_manager, work_row *row, ts_emit *e) {
    const work_params *p = &s->p;
    uint32_t lcm = ts_world_common_manager(w, start, a);
    uint32_t cur = start;
    float days = 0.0f;
    for (int hop = 0; hop < 64; hop++) {
        float backlog = s->backlog[cur];
        if (backlog > 0.0f && backlog >= p->max_backlog) {
            /* Overloaded: it approves what reaches it, unseen. */
            remember(row, cur, WORK_STAMPED, is_manager);
            row->stamps++;
            break;
        }
        days += backlog / p->hpd;
        float t = ts_trust_of(&p->tp, w, cur, a, row->domain);
        if (hop == 0 && !is_manager && work_team(w, cur) != work_team(w, a)) {
            row->cross_sum += t;
            row->cross_n++;
        }
        if (t >= p->tp.delegate) {
            ts_ev_hours(e, cur, TS_HOURS_REVIEW, 0.1f);
            remember(row, cur, WORK_APPROVED, is_manager);
            break;
        }
        if (t >= p->tp.review) {
            ts_ev_hours(e, cur, TS_HOURS_REVIEW, 1.0f);
            ts_ev_hours(e, a, TS_HOURS_REVIEW, 0.5f);
            days += 1.0f;
            row->reviews++;
            remember(row, cur, WORK_REVIEWED, is_manager);
            break;
        }
        if (cur == lcm || w->manager[cur] == TS_NO_AGENT) {
            /* The person with authority over both still lacks trust: a deep dive. */
            ts_ev_hours(e, cur, TS_HOURS_DEEP_DIVE, 4.0f);
            ts_ev_hours(e, a, TS_HOURS_DEEP_DIVE, 2.0f);
            days += 2.0f;
            row->deep_dives++;
            remember(row, cur, WORK_DEEP_DIVE, is_manager);
            break;
        }
        uint32_t up = w->manager[cur];
        ts_ev_hours(e, cur, TS_HOURS_ESCALATION, 0.5f);
        ts_ev_hours(e, up, TS_HOURS_ESCALATION, 0.5f);
        days += 1.0f;
        row->escalations++;
        remember(row, cur, WORK_ESCALATED, is_manager);
        cur = up;
    }
    return days;
}

void work_decide(const work_state *s, const ts_world *w, uint32_t a, work_row *row, ts_rng *r,
                 ts_emit *e) {
    const work_params *p = &s->p;
    row->decisions = 1;
    row->decided_day = w->day;
    /* Stakeholders grow with the organisation: base + per_doubling * log2(n / H0). */
    /* People only: AI agents (models/ai.h) are no stakeholders. */
    double growth =
        (double)(w->n_active - s->n_ai) / (w->initial_headcount ? w->initial_headcount : 1);
    double k_real = p->stake_base + p->stake_per_doubling * log2(growth > 1.0 ? growth : 1.0);
    uint32_t k = (uint32_t)k_real;
    if (ts_rng_uniform(r) < k_real - k) {
        k++;
    }
    float latency = 0.0f;
    uint32_t m = w->manager[a];
    if (m != TS_NO_AGENT) {
        latency = run_chain(s, w, a, m, 1, row, e);
    }
    uint32_t chosen[16];
    uint32_t n_chosen = 0;
    for (uint32_t i = 0; i < k && n_chosen < 16; i++) {
        uint32_t st = TS_NO_AGENT;
        for (int tries = 0; tries < 4 && st == TS_NO_AGENT; tries++) {
            uint32_t c = draw_stakeholder(s, w, a, r);
            int dup = c == a || c == m;
            for (uint32_t j = 0; j < n_chosen && !dup; j++) {
                dup = chosen[j] == c;
            }
            st = dup ? TS_NO_AGENT : c;
        }
        /* People of a team closed to outsiders consult them less (models/openness.h). */
        float open = ts_openness_of(w, s->open_col, work_team(w, a));
        if (st == TS_NO_AGENT || (open < 1.0f && ts_rng_uniform(r) >= open)) {
            continue;
        }
        chosen[n_chosen++] = st;
        float d = run_chain(s, w, a, st, 0, row, e);
        latency = d > latency ? d : latency;
    }
    row->n_stake = (uint8_t)n_chosen;
    row->stakeholders = (uint16_t)n_chosen;
    row->latency = latency;
    row->blocked_days = latency;
}

void work_delegate_ai(const work_state *s, const ts_world *w, uint32_t a, work_row *row, ts_rng *r,
                      ts_emit *e) {
    row->ai_gated = 1;
    row->ai_halluc = ts_rng_uniform(r) < s->ai.hallucination;
    row->ai_flagged = row->ai_halluc && ts_rng_uniform(r) < s->ai.admits;
    row->decided_day = w->day;
    uint32_t m = w->manager[a];
    float latency = 0.0f;
    if (m != TS_NO_AGENT && row->ai_flagged) {
        /* Flagged as a likely failure: the delegator reviews it, and takes the flag as the
         * AI's way of owning up. */
        ts_ev_hours(e, m, TS_HOURS_REVIEW, 1.0f);
        ts_ev_integrity(e, m, a, TS_AI_FLAG_HONESTY, 0.0f, 0.0f);
        latency = 1.0f;
        row->reviews++;
        remember(row, m, WORK_REVIEWED, 1);
    } else if (m != TS_NO_AGENT) {
        latency = run_chain(s, w, a, m, 1, row, e);
    }
    uint8_t role = row->n_deciders > 0 ? row->dec[0].role : 0;
    row->ai_delegated = role == WORK_APPROVED;
    row->ai_reviewed = role == WORK_REVIEWED || role == WORK_DEEP_DIVE;
    row->latency = latency;
    row->blocked_days = latency;
}
