/* Tests of models/incident.c: the commander, the responders and their streams, the daily
 * coordination and supervision hours, the supervision bottleneck, progress and resolution,
 * busy flags, trench observations, metrics, summaries and the incidents table, and the
 * headline behaviour: a high-trust organisation resolves the same incident much faster. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <math.h>

#include "engine.h"
#include "shared.h"
#include "evidence.h"
#include "incident.h"
#include "modules.h"
#include "trust.h"
#include "test_support.h"

/* No forgetting, so seeded beliefs stay as written; ramp-up is over after a day. */
/* Beliefs here are set by hand: no forgetting, and evidence weighs what it says (no first
 * impressions, no confirmation bias: those are tested in test_trust.c). */
#define BASE                                                                                       \
    "domains: [a, b]\n"                                                                            \
    "trust: {forgetting: 1, first_impression: 1, confirmation_bias: 0}\n"                          \
    "hiring: {ramp_days: 1}\noutput: {snapshot_every: 0}\n"

enum { DA = 0, DB = 1 };

typedef struct fixture {
    ts_scenario *sc;
    ts_engine *e;
    ts_world *w;
    const void *st;
} fixture;

static void fx_open(fixture *f, const char *yaml, uint64_t seed) {
    static const ts_module *const mods[] = {&ts_module_trust, &ts_module_incident};
    ts_engine_options eo = {.seed = seed, .threads = 1};
    ts_error err;
    f->sc = tst_scenario(yaml);
    assert_int_equal(ts_engine_create(f->sc, mods, 2, &eo, &f->e, &err), TS_OK);
    f->w = ts_engine_world_mut(f->e);
    f->st = ts_engine_module_state(f->e, "incident");
    assert_non_null(f->st);
}

static void fx_close(fixture *f) {
    ts_engine_free(f->e);
    ts_scenario_free(f->sc);
}

static void fx_step(fixture *f) {
    ts_error err;
    assert_int_equal(ts_engine_step(f->e, &err), TS_OK);
}

static ts_incident_info fx_info(const fixture *f, size_t k) {
    ts_incident_info info;
    ts_error err;
    assert_int_equal(ts_incident_get(f->st, k, &info, &err), TS_OK);
    return info;
}

static void set_comp(ts_world *w, uint32_t a, uint32_t d, float c) {
    ts_competence(w)[(size_t)a * w->n_domains + d] = c;
}

static float hours_of(const ts_world *w, uint32_t a, int slot) {
    return w->hours[(size_t)a * TS_HOURS_SLOTS + (size_t)slot];
}

/* Does ids[0..n) hold exactly the set want[0..m)? */
static int same_set(const uint32_t *ids, uint32_t n, const uint32_t *want, uint32_t m) {
    if (n != m) {
        return 0;
    }
    for (uint32_t i = 0; i < m; i++) {
        int found = 0;
        for (uint32_t k = 0; k < n; k++) {
            found |= ids[k] == want[i];
        }
        if (!found) {
            return 0;
        }
    }
    return 1;
}

/* ---- Who does what ------------------------------------------------------------------- */

/* 13 people, span 3: CEO 0; managers 1, 2, 3; 1 -> 4 5 6, 2 -> 7 8 9, 3 -> 10 11 12. */
#define ORG13 "org: {headcount: 13, span_of_control: 3, warmup_days: 0}\ndays: 5\n"

static void test_commander_is_the_ceos_most_trusted_manager(void **state) {
    (void)state;
    fixture f;
    fx_open(&f,
            BASE ORG13 "events: [{day: 1, kind: incident, domain: b, work_hours: 1000, "
                       "responders: 3, workstreams: 1}]\n",
            11);
    /* The CEO trusts 3 most in domain a, 2 most in b (the incident's domain), and an IC
     * (4) more than anyone: only managers command. */
    ts_ev_observe_now(f.w, 0, 3, DA, 1, 30.0f);
    ts_ev_observe_now(f.w, 0, 1, DB, 1, 2.0f);
    ts_ev_observe_now(f.w, 0, 2, DB, 1, 5.0f);
    ts_ev_observe_now(f.w, 0, 4, DB, 1, 50.0f);
    assert_int_equal(ts_incident_count(f.st), 0);
    fx_step(&f);
    assert_int_equal(ts_incident_count(f.st), 1);
    ts_incident_info info = fx_info(&f, 0);
    assert_int_equal(info.commander, 2);
    assert_int_equal(info.domain, DB);
    assert_int_equal(info.start_day, 1);
    assert_int_equal(info.end_day, -1);
    for (uint32_t i = 0; i < info.n_responders; i++) {
        assert_int_not_equal(info.responders[i], 2); /* never the commander itself */
    }
    fx_close(&f);

    /* Nobody known: all managers tie at the stranger's score, the lowest id commands. */
    fx_open(&f,
            BASE ORG13 "events: [{day: 1, kind: incident, domain: b, work_hours: 1000, "
                       "responders: 3, workstreams: 1}]\n",
            11);
    fx_step(&f);
    ts_incident_info tie = fx_info(&f, 0);
    assert_int_equal(tie.commander, 1);
    /* Commander 1 trusts only its own team: 4 5 6 respond. */
    uint32_t team1[] = {4, 5, 6};
    assert_true(same_set(tie.responders, tie.n_responders, team1, 3));
    /* One supervised stream of three: 1 h plus 0.5 h for each member but the lead. */
    assert_float_equal(hours_of(f.w, 1, TS_HOURS_SUPERVISION), 2.0, 1e-6);
    /* When the commander leaves, the CEO's next choice takes over the supervision. */
    for (uint32_t a = 4; a <= 6; a++) {
        ts_world_set_manager(f.w, a, 2);
    }
    ts_world_remove_agent(f.w, 1, 1);
    fx_step(&f);
    assert_int_equal(fx_info(&f, 0).commander, 2);
    assert_float_equal(hours_of(f.w, 2, TS_HOURS_SUPERVISION), 2.0, 1e-6);
    assert_float_equal(hours_of(f.w, 1, TS_HOURS_SUPERVISION), 0.0, 0.0);
    fx_close(&f);

    /* A CEO with only ICs commands itself. */
    fx_open(&f,
            BASE "org: {headcount: 4, span_of_control: 3, warmup_days: 0}\ndays: 2\n"
                 "events: [{day: 1, kind: incident, domain: b, responders: 3, workstreams: 1}]\n",
            11);
    fx_step(&f);
    ts_incident_info alone = fx_info(&f, 0);
    assert_int_equal(alone.commander, 0);
    uint32_t all[] = {1, 2, 3};
    assert_true(same_set(alone.responders, alone.n_responders, all, 3));
    fx_close(&f);
}

/* Commander 2 trusts its own team (7 8 9) and manager 3's (3 10 11 12), not 1's. */
static void seed_responder_beliefs(ts_world *w) {
    ts_ev_observe_now(w, 0, 2, DB, 1, 5.0f); /* the CEO picks 2 */
    /* Domain-averaged trust in 3: (0.7188 + 0.3669) / 2 = 0.543 >= review; b untouched. */
    ts_ev_observe_now(w, 2, 3, DA, 1, 10.0f);
    /* Belief means in b: 10 0.886, 8 0.8, 12 0.733, 4 0.933 (untrusted team), 9 0.4,
     * 7 0.3; the others at the prior 0.6. */
    ts_ev_observe_now(w, 2, 10, DB, 1, 5.0f);
    ts_ev_observe_now(w, 2, 8, DB, 1, 2.0f);
    ts_ev_observe_now(w, 2, 12, DB, 1, 1.0f);
    ts_ev_observe_now(w, 2, 4, DB, 1, 10.0f);
    ts_ev_observe_now(w, 2, 9, DB, 0, 1.0f);
    ts_ev_observe_now(w, 2, 7, DB, 0, 2.0f);
}

static void test_responders_are_the_best_believed_from_trusted_teams(void **state) {
    (void)state;
    fixture f;
    fx_open(&f,
            BASE ORG13 "events: [{day: 1, kind: incident, domain: b, work_hours: 1000, "
                       "responders: 4, workstreams: 2}]\n",
            3);
    seed_responder_beliefs(f.w);
    fx_step(&f);
    ts_incident_info info = fx_info(&f, 0);
    assert_int_equal(info.commander, 2);
    /* 10, 8, 12, then 3 (lowest id at the prior); not 4, whose manager is not trusted. */
    uint32_t want[] = {10, 8, 12, 3};
    assert_int_equal(info.n_responders, 4);
    assert_true(same_set(info.responders, info.n_responders, want, 4));
    assert_int_equal(ts_busy(f.w)[4], 0);
    assert_int_equal(ts_busy(f.w)[10], 1);
    fx_close(&f);

    /* Nine wanted, seven in the trusted teams: the best believed of the rest fill in
     * (4 at 0.933, then the CEO, lowest id at the prior). */
    fx_open(&f,
            BASE ORG13 "events: [{day: 1, kind: incident, domain: b, work_hours: 1000, "
                       "responders: 9, workstreams: 2}]\n",
            3);
    seed_responder_beliefs(f.w);
    fx_step(&f);
    info = fx_info(&f, 0);
    uint32_t want9[] = {3, 7, 8, 9, 10, 11, 12, 4, 0};
    assert_true(same_set(info.responders, info.n_responders, want9, 9));
    fx_close(&f);

    /* More wanted than there are people: everyone but the commander. */
    fx_open(&f,
            BASE ORG13 "events: [{day: 1, kind: incident, domain: b, work_hours: 1000, "
                       "responders: 40, workstreams: 20}]\n",
            3);
    seed_responder_beliefs(f.w);
    fx_step(&f);
    info = fx_info(&f, 0);
    assert_int_equal(info.n_responders, 12);
    assert_int_equal(info.n_streams, 12);
    fx_close(&f);
}

/* 8 people, span 7: the CEO and seven ICs; the CEO commands. Responders 6 of 7 in two
 * streams. The CEO's trust in b: 5 0.758 (>= delegate), 3 0.538, 7 0.478, 2 4 6 at the
 * stranger's 0.382; 1 is believed worst (mean 0.45) and left out. */
#define ORG8 "org: {headcount: 8, span_of_control: 7, warmup_days: 0}\ndays: 5\n"

static void seed_split(ts_world *w) {
    ts_ev_observe_now(w, 0, 5, DB, 1, 30.0f);
    ts_ev_observe_now(w, 0, 3, DB, 1, 2.0f);
    ts_ev_observe_now(w, 0, 7, DB, 1, 1.0f);
    ts_ev_observe_now(w, 0, 1, DB, 0, 1.0f);
    const float comp[8] = {0.3f, 0.35f, 0.45f, 0.8f, 0.65f, 0.9f, 0.7f, 0.55f};
    for (uint32_t a = 0; a < 8; a++) {
        set_comp(w, a, DB, comp[a]);
        set_comp(w, a, DA, 0.1f);
    }
}

static void test_streams_leads_and_a_day_of_coordination(void **state) {
    (void)state;
    fixture f;
    fx_open(&f,
            BASE ORG8 "events: [{day: 1, kind: incident, domain: b, work_hours: 1000, "
                      "responders: 6, workstreams: 2}]\n",
            7);
    seed_split(f.w);
    fx_step(&f);
    ts_incident_info info = fx_info(&f, 0);
    assert_int_equal(info.commander, 0);
    /* Trust order 5 3 7 2 4 6: leads 5 and 3, the rest dealt round-robin. */
    const uint32_t order[6] = {5, 3, 7, 2, 4, 6};
    const uint32_t stream[6] = {0, 1, 0, 1, 0, 1};
    assert_int_equal(info.n_responders, 6);
    assert_int_equal(info.n_streams, 2);
    for (int i = 0; i < 6; i++) {
        assert_int_equal(info.responders[i], order[i]);
        assert_int_equal(info.stream[i], stream[i]);
    }
    assert_int_equal(info.leads[0], 5);
    assert_int_equal(info.leads[1], 3);
    assert_int_equal(info.independent[0], 1); /* 0.758 >= 0.6 */
    assert_int_equal(info.independent[1], 0); /* 0.538 < 0.6: supervised */
    assert_int_equal(info.n_independent, 1);

    /* Day 1, everyone a stranger to everyone but the CEO:
     *   the CEO supervises stream 1 (a lead and two members): 1 + 2 * 0.5 = 2 h;
     *   stream 1 (3 2 6) syncs: 0.5 h each; stream 0 (5 7 4) does not;
     *   leads 5 and 3 below review of each other: 0.5 h each;
     *   each lead checks its two members: 1 h for the lead, 0.25 h per member.
     * Coordination: 5 1.5, 7 0.25, 4 0.25, 3 2.0, 2 0.75, 6 0.75. */
    const uint32_t who[6] = {5, 7, 4, 3, 2, 6};
    const float coord[6] = {1.5f, 0.25f, 0.25f, 2.0f, 0.75f, 0.75f};
    for (int i = 0; i < 6; i++) {
        assert_float_equal(hours_of(f.w, who[i], TS_HOURS_COORDINATION), coord[i], 1e-6);
        assert_float_equal(hours_of(f.w, who[i], TS_HOURS_INCIDENT), 8.0 - coord[i], 1e-6);
        assert_int_equal(ts_busy(f.w)[who[i]], 1);
    }
    assert_float_equal(hours_of(f.w, 0, TS_HOURS_SUPERVISION), 2.0, 1e-6);
    assert_float_equal(hours_of(f.w, 0, TS_HOURS_INCIDENT), 0.0, 0.0);
    assert_int_equal(ts_busy(f.w)[0], 0); /* the commander keeps its own work */
    assert_int_equal(ts_busy(f.w)[1], 0);
    info = fx_info(&f, 0);
    assert_float_equal(info.coordination_hours, 2.0 + 5.5, 1e-6);
    /* Progress: remaining hours times competence in b (ramp-up over, no bottleneck), less
     * the 30 % each stream loses while its lead distrusts the other lead's direction. */
    double p0 = 6.5 * 0.9 + 7.75 * 0.55 + 7.75 * 0.65, p1 = 6.0 * 0.8 + 7.25 * 0.45 + 7.25 * 0.7;
    double p = p0 + p1;
    assert_float_equal(p, 28.2875, 1e-9);
    assert_float_equal(info.progress, 0.7 * p, 1e-5);
    fx_close(&f);

    /* Leads argue unless each trusts the other: 5 trusting 3 is not enough... */
    fx_open(&f,
            BASE ORG8 "events: [{day: 1, kind: incident, domain: b, work_hours: 1000, "
                      "responders: 6, workstreams: 2}]\n",
            7);
    seed_split(f.w);
    ts_ev_observe_now(f.w, 5, 3, DB, 1, 5.0f);
    fx_step(&f);
    assert_float_equal(hours_of(f.w, 5, TS_HOURS_COORDINATION), 1.5, 1e-6);
    assert_float_equal(hours_of(f.w, 3, TS_HOURS_COORDINATION), 2.0, 1e-6);
    /* 5's stream no longer loses work to the conflict; 3's still does. */
    assert_float_equal(fx_info(&f, 0).progress, p0 + 0.7 * p1, 1e-5);
    fx_close(&f);
    /* ...once 3 trusts 5 too, both gain the half hour (0.5 * 0.9 + 0.5 * 0.8 more) and no
     * stream loses work to the conflict. */
    fx_open(&f,
            BASE ORG8 "events: [{day: 1, kind: incident, domain: b, work_hours: 1000, "
                      "responders: 6, workstreams: 2}]\n",
            7);
    seed_split(f.w);
    ts_ev_observe_now(f.w, 5, 3, DB, 1, 5.0f);
    ts_ev_observe_now(f.w, 3, 5, DB, 1, 5.0f);
    fx_step(&f);
    assert_float_equal(hours_of(f.w, 5, TS_HOURS_COORDINATION), 1.0, 1e-6);
    assert_float_equal(hours_of(f.w, 3, TS_HOURS_COORDINATION), 1.5, 1e-6);
    assert_float_equal(fx_info(&f, 0).progress, p + 0.5 * 0.9 + 0.5 * 0.8, 1e-5);
    fx_close(&f);
}

/* 21 people, span 20: the CEO commands 20 ICs of competence 0.6, all strangers, so every
 * stream is supervised and every lead distrusts all the others (30 % of progress lost). */
#define ORG21 "org: {headcount: 21, span_of_control: 20, warmup_days: 0}\ndays: 3\n"

static void test_supervision_bottleneck(void **state) {
    (void)state;
    fixture f;
    /* 10 streams of two: the CEO would need 10 * (1 + 0.5) = 15 h of supervision and has
     * 8. Leads argue with 9 other leads (4.5 h), sync (0.5 h) and check their member
     * (0.5 h): 5.5 h, leaving 2.5 h; members sync and are checked: 0.75 h, leaving
     * 7.25 h. Every stream gets 8/15 of the supervision it needs: progress = 8/15 * 0.6 *
     * (10 * 2.5 + 10 * 7.25) * 0.7 = 21.84. */
    fx_open(&f,
            BASE ORG21 "events: [{day: 1, kind: incident, domain: b, work_hours: 5000, "
                       "responders: 20, workstreams: 10}]\n",
            5);
    for (uint32_t a = 0; a < 21; a++) {
        set_comp(f.w, a, DB, 0.6f);
    }
    fx_step(&f);
    ts_incident_info info = fx_info(&f, 0);
    assert_int_equal(info.n_independent, 0);
    assert_int_equal(info.n_streams, 10);
    assert_float_equal(hours_of(f.w, 0, TS_HOURS_SUPERVISION), 8.0, 1e-6);
    assert_float_equal(hours_of(f.w, info.leads[3], TS_HOURS_COORDINATION), 5.5, 1e-6);
    assert_float_equal(hours_of(f.w, info.leads[3], TS_HOURS_INCIDENT), 2.5, 1e-6);
    assert_float_equal(info.progress, 8.0 / 15.0 * 0.6 * (10 * 2.5 + 10 * 7.25) * 0.7, 1e-4);
    assert_float_equal(info.coordination_hours, 8.0 + 10 * 5.5 + 10 * 0.75, 1e-4);
    fx_close(&f);

    /* 5 streams of two need 7.5 h of the CEO's 8: no cap. Leads: 2 + 0.5 + 0.5 h. */
    fx_open(&f,
            BASE ORG21 "events: [{day: 1, kind: incident, domain: b, work_hours: 5000, "
                       "responders: 10, workstreams: 5}]\n",
            5);
    for (uint32_t a = 0; a < 21; a++) {
        set_comp(f.w, a, DB, 0.6f);
    }
    fx_step(&f);
    info = fx_info(&f, 0);
    assert_float_equal(hours_of(f.w, 0, TS_HOURS_SUPERVISION), 7.5, 1e-6);
    assert_float_equal(info.progress, 0.6 * (5 * 5.0 + 5 * 7.25) * 0.7, 1e-4);
    fx_close(&f);
}

/* ---- Progress, resolution and what is recorded ------------------------------------------ */

/* The CEO (0) commands its two ICs, 1 (competence 0.5) and 2 (0.8). Ties put 1 in the
 * lead; 1 already trusts 2 (five successes), so there are no checks. The stream is
 * supervised: 1 h plus 0.5 h for its member for the CEO, a 0.5 h sync each. Each day:
 * 7.5 * 0.5 + 7.5 * 0.8 = 9.75 of progress and 2.5 h of coordination; 30 hours are done on
 * the fourth day. */
#define TINY                                                                                       \
    "org: {headcount: 3, span_of_control: 2, warmup_days: 0}\ndays: 10\n"                          \
    "events: [{day: 3, kind: incident, domain: b, work_hours: 30, responders: 2, "                 \
    "workstreams: 1}]\n"

static void seed_tiny(ts_world *w) {
    set_comp(w, 1, DB, 0.5f);
    set_comp(w, 2, DB, 0.8f);
    ts_ev_observe_now(w, 1, 2, DB, 1, 5.0f);
}

static void test_progress_resolution_and_busy_flags(void **state) {
    (void)state;
    fixture f;
    fx_open(&f, BASE TINY, 9);
    seed_tiny(f.w);
    const double want[] = {0, 0, 0, 9.75, 19.5, 29.25, 39.0, 39.0};
    for (int day = 1; day <= 7; day++) {
        fx_step(&f);
        int on = day >= 3 && day <= 6;
        assert_int_equal(ts_busy(f.w)[1], on);
        assert_int_equal(ts_busy(f.w)[2], on);
        assert_int_equal(ts_busy(f.w)[0], 0);
        assert_float_equal(hours_of(f.w, 0, TS_HOURS_SUPERVISION), on ? 1.5 : 0.0, 1e-6);
        assert_float_equal(hours_of(f.w, 2, TS_HOURS_INCIDENT), on ? 7.5 : 0.0, 1e-6);
        assert_float_equal(hours_of(f.w, 2, TS_HOURS_COORDINATION), on ? 0.5 : 0.0, 1e-6);
        assert_int_equal(ts_incident_count(f.st), day >= 3);
        if (day >= 3) {
            ts_incident_info info = fx_info(&f, 0);
            assert_float_equal(info.progress, want[day], 1e-5);
            assert_int_equal(info.end_day, day >= 6 ? 6 : -1);
            assert_int_equal(info.leads[0], 1);
            assert_int_equal(info.n_independent, 0);
        }
    }
    fx_close(&f);

    /* A slow ramp-up: hired on day 1 (after the warm-up began) with ramp_days 10, the
     * responders work at 0.68 of their worth on day 3 and 0.72 on day 4. */
    fx_open(&f,
            "domains: [a, b]\ntrust: {forgetting: 1}\nhiring: {ramp_days: 10}\n"
            "output: {snapshot_every: 0}\n" TINY,
            9);
    seed_tiny(f.w);
    f.w->hire_day[1] = 1;
    f.w->hire_day[2] = 1;
    for (int day = 1; day <= 4; day++) {
        fx_step(&f);
    }
    assert_float_equal(fx_info(&f, 0).progress, 9.75 * 0.68 + 9.75 * 0.72, 1e-5);
    fx_close(&f);

    /* A leaver simply stops: 2 leaves after day 3; on day 4 only 1 works (7.5 h at 0.5),
     * its checks of 2 and 2's hours stop. */
    fx_open(&f, BASE TINY, 9);
    seed_tiny(f.w);
    for (int day = 1; day <= 3; day++) {
        fx_step(&f);
    }
    ts_world_remove_agent(f.w, 2, 3);
    fx_step(&f);
    assert_float_equal(fx_info(&f, 0).progress, 9.75 + 3.75, 1e-5);
    assert_int_equal(ts_busy(f.w)[2], 0);
    assert_int_equal(ts_busy(f.w)[1], 1);
    assert_float_equal(hours_of(f.w, 2, TS_HOURS_INCIDENT), 0.0, 0.0);
    fx_close(&f);
}

static void test_metrics_summaries_and_table(void **state) {
    (void)state;
    fixture f;
    fx_open(&f, BASE TINY, 9);
    seed_tiny(f.w);
    ts_result r;
    ts_result_init(&r);
    ts_error err;
    assert_int_equal(ts_engine_run(f.e, &r, &err), TS_OK);
    const ts_series *active = ts_result_find_series(&r, "incident_active");
    const ts_series *progress = ts_result_find_series(&r, "incident_progress");
    assert_non_null(active);
    assert_non_null(progress);
    assert_string_equal(active->units, "flag");
    assert_string_equal(progress->units, "fraction");
    assert_int_equal(active->n, 11);
    const double want_p[11] = {0, 0, 0, 0.325, 0.65, 0.975, 1, 1, 1, 1, 1};
    for (int d = 0; d <= 10; d++) {
        assert_float_equal(active->values[d], d >= 3 && d <= 6 ? 1.0 : 0.0, 0.0);
        assert_float_equal(progress->values[d], want_p[d], 1e-6);
    }
    const ts_scalar *days = ts_result_find_scalar(&r, "incident_days");
    const ts_scalar *coord = ts_result_find_scalar(&r, "incident_coordination_hours");
    assert_non_null(days);
    assert_non_null(coord);
    assert_float_equal(days->value, 4.0, 0.0); /* days 3, 4, 5 and 6 */
    assert_float_equal(coord->value, 4 * 2.5, 1e-5);
    assert_string_equal(days->units, "days");
    const ts_table *t = &r.incidents;
    assert_int_equal(t->n_cols, 7);
    const char *names[7] = {"start_day",         "end_day",     "work_hours",
                            "responders",        "workstreams", "independent_streams",
                            "coordination_hours"};
    for (int k = 0; k < 7; k++) {
        const ts_column *c = ts_table_find_column(t, names[k]);
        assert_non_null(c);
        assert_int_equal(c->n, 1);
        assert_true(strlen(c->units) > 0);
        assert_true(strlen(c->description) > 0);
    }
    assert_int_equal(((int32_t *)ts_table_find_column(t, "start_day")->data)[0], 3);
    assert_int_equal(((int32_t *)ts_table_find_column(t, "end_day")->data)[0], 6);
    assert_float_equal(((double *)ts_table_find_column(t, "work_hours")->data)[0], 30.0, 0.0);
    assert_int_equal(((uint32_t *)ts_table_find_column(t, "responders")->data)[0], 2);
    assert_int_equal(((uint32_t *)ts_table_find_column(t, "workstreams")->data)[0], 1);
    assert_int_equal(((uint32_t *)ts_table_find_column(t, "independent_streams")->data)[0], 0);
    assert_float_equal(((double *)ts_table_find_column(t, "coordination_hours")->data)[0], 10.0,
                       1e-5);
    ts_result_free(&r);
    fx_close(&f);
}

/* Two incidents at once: the second (day 2) cannot take the first's responders and is
 * resolved the same day; the first outlives the run, so incident_days (of the first) is
 * NaN. */
static void test_several_and_unresolved_incidents(void **state) {
    (void)state;
    fixture f;
    fx_open(&f,
            BASE ORG8 "events:\n"
                      "  - {day: 1, kind: incident, domain: b, work_hours: 1000000, responders: 3,"
                      " workstreams: 1}\n"
                      "  - {day: 2, kind: incident, domain: a, work_hours: 7, responders: 3,"
                      " workstreams: 3, conflict_loss: 0}\n",
            4);
    for (uint32_t a = 0; a < 8; a++) {
        set_comp(f.w, a, DA, 0.5f);
        set_comp(f.w, a, DB, 0.5f);
    }
    ts_result r;
    ts_result_init(&r);
    ts_error err;
    assert_int_equal(ts_engine_run(f.e, &r, &err), TS_OK);
    assert_int_equal(ts_incident_count(f.st), 2);
    ts_incident_info first = fx_info(&f, 0), second = fx_info(&f, 1);
    /* Both at the prior: the lowest ids, 1 2 3, then 4 5 6. */
    uint32_t w1[] = {1, 2, 3}, w2[] = {4, 5, 6};
    assert_true(same_set(first.responders, 3, w1, 3));
    assert_true(same_set(second.responders, 3, w2, 3));
    /* Three supervised streams of one (no loss to conflicting directions asked for): no
     * checks, but each lead syncs (0.5 h) and argues with the two others (1 h); the CEO
     * supervises 3 h: 3 * 6.5 * 0.5 = 9.75 >= 7 on
     * the first day, with 3 + 3 * 1.5 = 7.5 h of coordination. */
    assert_int_equal(second.end_day, 2);
    assert_float_equal(second.progress, 9.75, 1e-5);
    assert_float_equal(second.coordination_hours, 7.5, 1e-5);
    assert_int_equal(first.end_day, -1);
    assert_true(isnan(ts_result_find_scalar(&r, "incident_days")->value));
    assert_true(ts_result_find_scalar(&r, "incident_coordination_hours")->value > 0.0);
    /* The metrics follow the latest incident: resolved, so progress 1. */
    const ts_series *progress = ts_result_find_series(&r, "incident_progress");
    /* Day 1, the first incident alone: lead 1 syncs and checks 2 and 3 (1.5 h), they
     * sync and are checked (0.75 h): (6.5 + 2 * 7.25) * 0.5 = 10.5 of 1e6 hours. From
     * day 2 the second, resolved that day. */
    assert_float_equal(progress->values[1], 10.5e-6, 1e-11);
    for (int d = 2; d <= 5; d++) {
        assert_float_equal(progress->values[d], 1.0, 0.0);
    }
    assert_float_equal(ts_result_find_series(&r, "incident_active")->values[5], 1.0, 0.0);
    const ts_column *end = ts_table_find_column(&r.incidents, "end_day");
    assert_int_equal(end->n, 2);
    assert_int_equal(((int32_t *)end->data)[0], -1);
    assert_int_equal(((int32_t *)end->data)[1], 2);
    ts_result_free(&r);
    fx_close(&f);
}

static void test_no_incident(void **state) {
    (void)state;
    fixture f;
    fx_open(&f, BASE ORG8, 4);
    ts_result r;
    ts_result_init(&r);
    ts_error err;
    assert_int_equal(ts_engine_run(f.e, &r, &err), TS_OK);
    assert_float_equal(ts_result_find_scalar(&r, "incident_days")->value, -1.0, 0.0);
    assert_true(isnan(ts_result_find_scalar(&r, "incident_coordination_hours")->value));
    assert_int_equal(r.incidents.n_cols, 7);
    assert_int_equal(ts_table_find_column(&r.incidents, "start_day")->n, 0);
    const ts_series *active = ts_result_find_series(&r, "incident_active");
    const ts_series *progress = ts_result_find_series(&r, "incident_progress");
    for (size_t d = 0; d < active->n; d++) {
        assert_float_equal(active->values[d], 0.0, 0.0);
        assert_float_equal(progress->values[d], 0.0, 0.0);
    }
    ts_incident_info info;
    assert_int_equal(ts_incident_get(f.st, 0, &info, &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "no incident 0"));
    assert_int_equal(ts_incident_get(NULL, 0, &info, &err), TS_ERR_PARAM);
    assert_int_equal(ts_incident_count(NULL), 0);
    ts_result_free(&r);
    fx_close(&f);
}

/* A scenario that skipped its validation (no finalize) with an unknown domain is refused
 * at configure. */
static void test_unknown_domain_refused(void **state) {
    (void)state;
    ts_scenario *sc = NULL;
    ts_error err;
    assert_int_equal(ts_scenario_load_string(ts_modules_schema(),
                                             BASE ORG8 "events: [{day: 1, kind: incident, "
                                                       "domain: sales}]\n",
                                             "t.yaml", NULL, &sc, &err),
                     TS_OK);
    const ts_module *mods[] = {&ts_module_trust, &ts_module_incident};
    ts_engine_options eo = {.seed = 1, .threads = 1};
    ts_engine *e = NULL;
    assert_int_equal(ts_engine_create(sc, mods, 2, &eo, &e, &err), TS_ERR_INTERNAL);
    assert_non_null(strstr(err.msg, "events[0].domain"));
    assert_null(e);
    ts_scenario_free(sc);
}

/* ---- The trenches ------------------------------------------------------------------------ */

static void test_trench_observations_accumulate(void **state) {
    (void)state;
    fixture f;
    /* Responders 1 2 3 4 (all at the prior), streams {1, 3} and {2, 4}. 3 always fails,
     * the others always succeed. */
    fx_open(&f,
            BASE ORG8 "events: [{day: 1, kind: incident, domain: b, work_hours: 1000000, "
                      "responders: 4, workstreams: 2}]\n",
            21);
    const float comp[8] = {0.5f, 1.0f, 1.0f, 0.0f, 1.0f, 0.5f, 0.5f, 0.5f};
    for (uint32_t a = 0; a < 8; a++) {
        set_comp(f.w, a, DB, comp[a]);
        set_comp(f.w, a, DA, 0.5f);
    }
    ts_belief b;
    for (int day = 1; day <= 3; day++) {
        fx_step(&f);
        float ev = 0.3f * (float)day;
        int s13 = ts_relstore_find(&f.w->models, 1, 3);
        int s31 = ts_relstore_find(&f.w->models, 3, 1);
        int s24 = ts_relstore_find(&f.w->models, 2, 4);
        int s42 = ts_relstore_find(&f.w->models, 4, 2);
        assert_true(s13 >= 0 && s31 >= 0 && s24 >= 0 && s42 >= 0);
        ts_relstore_read(&f.w->models, 1, (uint32_t)s13, f.w->day, &b);
        assert_float_equal(b.alpha_e[DB], 0.0, 0.0);
        assert_float_equal(b.beta_e[DB], ev, 1e-6);
        assert_float_equal(b.alpha_e[DA], 0.0, 0.0);
        ts_relstore_read(&f.w->models, 3, (uint32_t)s31, f.w->day, &b);
        assert_float_equal(b.alpha_e[DB], ev, 1e-6);
        ts_relstore_read(&f.w->models, 2, (uint32_t)s24, f.w->day, &b);
        assert_float_equal(b.alpha_e[DB], ev, 1e-6);
        assert_float_equal(ts_relstore_evidence(&f.w->models, 4, (uint32_t)s42, f.w->day), ev,
                           1e-6);
        /* Across streams and with the commander: nothing seen. */
        assert_int_equal(ts_relstore_find(&f.w->models, 1, 2), -1);
        assert_int_equal(ts_relstore_find(&f.w->models, 0, 1), -1);
        assert_int_equal(ts_relstore_find(&f.w->models, 1, 0), -1);
    }
    /* Trust built in the trenches ends the checks: on day 1 lead 2 checked 4 (0.5 h),
     * on day 2 (after one success, T = 0.4168) it no longer does. Lead 1 keeps checking
     * 3, who always fails. */
    assert_float_equal(hours_of(f.w, 2, TS_HOURS_COORDINATION), 0.5 + 0.5, 1e-6);
    assert_float_equal(hours_of(f.w, 1, TS_HOURS_COORDINATION), 0.5 + 0.5 + 0.5, 1e-6);
    fx_close(&f);
}

/* ---- The headline -------------------------------------------------------------------------- */

/* 60 people; 25 responders; competence drawn per seed, the same in both organisations.
 * In the high-trust one everybody has seen everybody succeed 20 times in both domains
 * (T 0.740 >= delegate): every stream runs independently at no cost. In the low-trust
 * one nobody knows anybody: every stream is supervised. Returns incident_days. */
static double headline_days(uint64_t seed, int high_trust, int streams) {
    fixture f;
    char yaml[512];
    snprintf(yaml, sizeof yaml,
             BASE "org: {headcount: 60, span_of_control: 7, warmup_days: 0}\ndays: 200\n"
                  "events: [{day: 1, kind: incident, domain: b, work_hours: 3000, "
                  "responders: 25, workstreams: %d}]\n",
             streams);
    fx_open(&f, yaml, seed);
    ts_rng rng;
    ts_rng_init(&rng, seed, 0, 0, 99);
    for (uint32_t a = 0; a < f.w->n; a++) {
        set_comp(f.w, a, DA, (float)(0.55 + 0.3 * ts_rng_uniform(&rng)));
        set_comp(f.w, a, DB, (float)(0.55 + 0.3 * ts_rng_uniform(&rng)));
    }
    for (uint32_t i = 0; high_trust && i < f.w->n; i++) {
        for (uint32_t j = 0; j < f.w->n; j++) {
            if (i != j) {
                ts_ev_observe_now(f.w, i, j, DA, 1, 20.0f);
                ts_ev_observe_now(f.w, i, j, DB, 1, 20.0f);
            }
        }
    }
    ts_result r;
    ts_result_init(&r);
    ts_error err;
    assert_int_equal(ts_engine_run(f.e, &r, &err), TS_OK);
    double days = ts_result_find_scalar(&r, "incident_days")->value;
    const ts_column *indep = ts_table_find_column(&r.incidents, "independent_streams");
    assert_int_equal(((uint32_t *)indep->data)[0], high_trust ? (uint32_t)streams : 0);
    ts_result_free(&r);
    fx_close(&f);
    return days;
}

/* In the low-trust organisation every stream is supervised: with 6 streams of about four
 * the commander would need 6 * (1 + 0.5 * 3.2) = 15.5 h a day and has 8, so every
 * stream progresses at about half speed, less the 30 % lost to leads pulling in
 * different directions, on top of the syncs, the leads' arguments and the checks:
 * about a third of the speed (measured 0.31-0.33 of the days over these seeds). With 12
 * streams it would need about 18.5 h: parallel work collapses further. Seed 003: a
 * high-trust organisation resolves in a fraction of the time. */
static void test_high_trust_resolves_faster(void **state) {
    (void)state;
    double sum6 = 0.0;
    for (uint64_t seed = 1; seed <= 5; seed++) {
        double high = headline_days(seed, 1, 6);
        double low = headline_days(seed, 0, 6);
        assert_true(high >= 15.0 && high <= 30.0); /* 3000 h at ~200 * 0.7 h a day */
        assert_true(high / low <= 0.4);
        sum6 += high / low;
        double high12 = headline_days(seed, 1, 12);
        double low12 = headline_days(seed, 0, 12);
        assert_float_equal(high12, high, 1.0);
        assert_true(high12 / low12 < 0.25);
        assert_true(low12 > low);
    }
    assert_true(sum6 / 5.0 < 0.36);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commander_is_the_ceos_most_trusted_manager),
        cmocka_unit_test(test_responders_are_the_best_believed_from_trusted_teams),
        cmocka_unit_test(test_streams_leads_and_a_day_of_coordination),
        cmocka_unit_test(test_supervision_bottleneck),
        cmocka_unit_test(test_progress_resolution_and_busy_flags),
        cmocka_unit_test(test_metrics_summaries_and_table),
        cmocka_unit_test(test_several_and_unresolved_incidents),
        cmocka_unit_test(test_no_incident),
        cmocka_unit_test(test_unknown_domain_refused),
        cmocka_unit_test(test_trench_observations_accumulate),
        cmocka_unit_test(test_high_trust_resolves_faster),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
