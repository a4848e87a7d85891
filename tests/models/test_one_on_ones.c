/* Tests of models/one_on_ones.c: the round-robin rotation, who meets whom on which day
 * (manager 1:1s staggered by id, peer rounds staggered by team), what one meeting
 * gives each side and costs, busy people skipping, the daily metrics, and the expected
 * behaviour over several seeds (MODEL.md §6.1: better models, more coverage). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <math.h>

#include "engine.h"
#include "shared.h"
#include "evidence.h"
#include "modules.h"
#include "one_on_ones.h"
#include "test_support.h"

/* ---- A hand-built world with the module's org hook called directly --------------- */

typedef struct fixture {
    ts_scenario *sc;
    ts_world w;
    void *state;
} fixture;

/* A tree of `headcount` people, span `span`, every competence `comp` in `domains`
 * domains, no forgetting; the tactic configured from `keys` (the inside of
 * tactics.one_on_ones). */
static void fx_init(fixture *f, const char *keys, uint32_t headcount, uint32_t span,
                    uint32_t domains, float comp) {
    char text[256];
    snprintf(text, sizeof text, "tactics:\n  one_on_ones: {%s}\n", keys);
    ts_error err;
    f->sc = NULL;
    f->state = NULL;
    f->sc = tst_scenario(text);
    assert_true(ts_scenario_section_on(f->sc, "tactics.one_on_ones"));
    assert_int_equal(ts_world_init(&f->w, domains, 64, 1.0, &err), TS_OK);
    assert_int_equal(ts_shared_register(&f->w, &err), TS_OK);
    assert_int_equal(ts_world_build_tree(&f->w, headcount, span, 0, &err), TS_OK);
    for (size_t k = 0; k < (size_t)headcount * domains; k++) {
        ts_competence(&f->w)[k] = comp;
    }
    assert_int_equal(ts_module_one_on_ones.configure(f->sc, &f->w, &f->state, &err), TS_OK);
    assert_non_null(f->state);
}

static void fx_free(fixture *f) {
    ts_module_one_on_ones.free(f->state);
    ts_world_free(&f->w);
    ts_scenario_free(f->sc);
}

/* One day of the module as the engine runs it (act, then each receiver's messages applied
 * in delivery order), the daily fields cleared first as the engine does; busy is left to
 * the caller. Returns the day's metrics (held, skipped). */
static void fx_day(fixture *f, int32_t day, double *held, double *skipped) {
    ts_world *w = &f->w;
    memset(ts_surface(w), 0, (size_t)w->n * sizeof *ts_surface(w));
    tst_world t = {.mod = &ts_module_one_on_ones, .sc = f->sc, .w = *w, .st = f->state};
    tst_world_org(&t, day, 6, 12345);
    double v[2];
    tst_world_metrics(&t, v, 2);
    *w = t.w; /* the same arrays; what the day changed in the world's own fields */
    if (held) {
        *held = v[0];
    }
    if (skipped) {
        *skipped = v[1];
    }
}

static float meet_hours(const ts_world *w, uint32_t a) {
    return w->hours[(size_t)a * TS_HOURS_SLOTS + TS_HOURS_MEETINGS];
}

/* a's model of b (zero evidence if a holds none); returns whether a holds one. */
static int belief(const ts_world *w, uint32_t a, uint32_t b, ts_belief *out) {
    memset(out, 0, sizeof *out);
    int slot = ts_relstore_find(&w->models, a, b);
    if (slot < 0) {
        return 0;
    }
    ts_relstore_read(&w->models, a, (uint32_t)slot, w->day, out);
    return 1;
}

/* Competence evidence a holds about b, summed over domains. */
static float evidence(const ts_world *w, uint32_t a, uint32_t b) {
    ts_belief bl;
    if (!belief(w, a, b, &bl)) {
        return 0.0f;
    }
    float t = 0.0f;
    for (uint32_t d = 0; d < w->n_domains; d++) {
        t += bl.alpha_e[d] + bl.beta_e[d];
    }
    return t;
}

/* ---- The rotation ------------------------------------------------------------------ */

static void test_partner_round_robin(void **state) {
    (void)state;
    /* Hand-worked circle method, 4 members (rounds of 3): round 0 pairs 0-3 and 1-2,
     * round 1 pairs 1-3 and 0-2, round 2 pairs 2-3 and 0-1. */
    assert_int_equal(ts_one_on_ones_partner(4, 0, 0), 3);
    assert_int_equal(ts_one_on_ones_partner(4, 3, 0), 0);
    assert_int_equal(ts_one_on_ones_partner(4, 1, 0), 2);
    assert_int_equal(ts_one_on_ones_partner(4, 3, 1), 1);
    assert_int_equal(ts_one_on_ones_partner(4, 0, 1), 2);
    assert_int_equal(ts_one_on_ones_partner(4, 0, 2), 1);
    assert_int_equal(ts_one_on_ones_partner(4, 2, 2), 3);
    /* 3 members: seat 3 is empty, so whoever faces it has the bye. */
    assert_int_equal(ts_one_on_ones_partner(3, 0, 0), TS_OOO_BYE);
    assert_int_equal(ts_one_on_ones_partner(3, 1, 0), 2);
    /* Nobody to meet, or not a member. */
    assert_int_equal(ts_one_on_ones_partner(0, 0, 0), TS_OOO_BYE);
    assert_int_equal(ts_one_on_ones_partner(1, 0, 5), TS_OOO_BYE);
    assert_int_equal(ts_one_on_ones_partner(4, 4, 0), TS_OOO_BYE);
    /* For every size: symmetric, never oneself, and over one cycle of rounds every pair
     * meets exactly once; odd sizes give each member exactly one bye. */
    for (uint32_t n = 2; n <= 12; n++) {
        uint32_t rounds = n % 2 ? n : n - 1;
        int met[12][12] = {{0}};
        int byes[12] = {0};
        for (int64_t k = 0; k < rounds; k++) {
            for (uint32_t i = 0; i < n; i++) {
                uint32_t p = ts_one_on_ones_partner(n, i, k);
                if (p == TS_OOO_BYE) {
                    byes[i]++;
                    continue;
                }
                assert_true(p < n);
                assert_int_not_equal(p, i);
                assert_int_equal(ts_one_on_ones_partner(n, p, k), i);
                met[i][p]++;
                /* Negative rounds (warm-up) continue the same cycle. */
                assert_int_equal(ts_one_on_ones_partner(n, i, k - (int64_t)rounds), p);
            }
        }
        for (uint32_t i = 0; i < n; i++) {
            assert_int_equal(byes[i], n % 2);
            for (uint32_t j = 0; j < n; j++) {
                assert_int_equal(met[i][j], i == j ? 0 : 1);
            }
        }
    }
}

/* ---- Manager 1:1s ------------------------------------------------------------------ */

/* CEO 0 with reports 1..7, manager_every 7: report x meets on the days (day + x) % 7
 * == 0, warm-up days included, so the CEO has exactly one 1:1 every day. */
static void test_manager_schedule(void **state) {
    (void)state;
    fixture f;
    fx_init(&f, "peers: 0", 8, 7, 1, 1.0f);
    int meetings[8] = {0};
    for (int32_t day = -6; day <= 7; day++) {
        double held, skipped;
        fx_day(&f, day, &held, &skipped);
        assert_float_equal(held, 1.0, 0.0);
        assert_float_equal(skipped, 0.0, 0.0);
        assert_float_equal(meet_hours(&f.w, 0), 0.5, 1e-7);
        for (uint32_t x = 1; x < 8; x++) {
            int due = (((day + (int32_t)x) % 7) + 7) % 7 == 0;
            assert_float_equal(meet_hours(&f.w, x), due ? 0.5 : 0.0, 1e-7);
            meetings[x] += due;
        }
    }
    for (uint32_t x = 1; x < 8; x++) {
        assert_int_equal(meetings[x], 2);
        /* Two meetings, 0.5 of (successful) evidence each way each time. */
        assert_float_equal(evidence(&f.w, 0, x), 1.0, 1e-6);
        assert_float_equal(evidence(&f.w, x, 0), 1.0, 1e-6);
    }
    fx_free(&f);

    /* The key is read: every 3 days, report x meets when (day + x) % 3 == 0; on day 0
     * reports 3 and 6. */
    fx_init(&f, "manager_every: 3, peers: 0", 8, 7, 1, 1.0f);
    double held;
    fx_day(&f, 0, &held, NULL);
    assert_float_equal(held, 2.0, 0.0);
    assert_float_equal(meet_hours(&f.w, 0), 1.0, 1e-7);
    assert_float_equal(meet_hours(&f.w, 3), 0.5, 1e-7);
    assert_float_equal(meet_hours(&f.w, 6), 0.5, 1e-7);
    assert_float_equal(meet_hours(&f.w, 1), 0.0, 0.0);
    fx_free(&f);
}

/* Everything one manager 1:1 does, on a day only report 3 meets the CEO (day 4). */
static void test_manager_meeting_effects(void **state) {
    (void)state;
    fixture f;
    fx_init(&f, "", 8, 7, 1, 1.0f);
    ts_world *w = &f.w;
    ts_competence(w)[3] = 0.0f; /* report 3 fails whatever it is observed doing */
    for (uint32_t x = 0; x < 8; x++) {
        ts_alignment(w)[x] = 0.1f * (float)x;
    }
    ts_alignment(w)[0] = 0.2f;
    double held;
    fx_day(&f, 4, &held, NULL); /* peers: (4 + 0) % 14 is no peer day */
    assert_float_equal(held, 1.0, 0.0);
    /* Hours: 0.5 each side, in the meetings slot only. */
    for (uint32_t x = 0; x < 8; x++) {
        float expect = (x == 0 || x == 3) ? 0.5f : 0.0f;
        for (int k = 0; k < TS_HOURS_SLOTS; k++) {
            assert_float_equal(w->hours[(size_t)x * TS_HOURS_SLOTS + (size_t)k],
                               k == TS_HOURS_MEETINGS ? expect : 0.0f, 1e-7);
        }
    }
    /* Each side observed the other (w 0.5, success drawn from true competence: 3 is
     * always wrong, the CEO always right), goodwill +0.02 each way. */
    ts_belief b;
    assert_true(belief(w, 0, 3, &b));
    assert_float_equal(b.alpha_e[0], 0.0, 1e-7);
    assert_float_equal(b.beta_e[0], 0.5, 1e-7);
    assert_float_equal(b.goodwill, 0.02, 1e-7);
    assert_float_equal(b.integ_a_e + b.integ_b_e + b.scar, 0.0, 0.0);
    assert_true(belief(w, 3, 0, &b));
    assert_float_equal(b.alpha_e[0], 0.5, 1e-7);
    assert_float_equal(b.beta_e[0], 0.0, 1e-7);
    assert_float_equal(b.goodwill, 0.02, 1e-7);
    /* Nobody else learned anything. */
    assert_false(belief(w, 0, 1, &b));
    assert_false(belief(w, 1, 0, &b));
    assert_false(belief(w, 3, 4, &b));
    /* The report's alignment error moves 30 % of the way to its manager's:
     * 0.3 + 0.3 (0.2 - 0.3) = 0.27; the manager's and everyone else's stay. */
    assert_float_equal(ts_alignment(w)[3], 0.27, 1e-6);
    assert_float_equal(ts_alignment(w)[0], 0.2, 1e-7);
    assert_float_equal(ts_alignment(w)[4], 0.4, 1e-7);
    /* Both sides' hidden defects are likelier to surface today. */
    assert_float_equal(ts_surface(w)[0], 0.2, 1e-7);
    assert_float_equal(ts_surface(w)[3], 0.2, 1e-7);
    assert_float_equal(ts_surface(w)[4], 0.0, 0.0);
    /* Next week the same pair again: evidence and goodwill add up. */
    fx_day(&f, 11, &held, NULL);
    assert_true(belief(w, 0, 3, &b));
    assert_float_equal(b.beta_e[0], 1.0, 1e-7);
    assert_float_equal(b.goodwill, 0.04, 1e-7);
    assert_float_equal(ts_alignment(w)[3], 0.27f + 0.3f * (0.2f - 0.27f), 1e-6);
    fx_free(&f);
}

/* Success is drawn from the observed person's chance of success in a random domain. */
static void test_observation_draws(void **state) {
    (void)state;
    fixture f;
    fx_init(&f, "manager_every: 1, peers: 0", 2, 2, 2, 1.0f);
    ts_world *w = &f.w;
    ts_competence(w)[1 * 2 + 0] = 0.2f; /* the report: poor in domain 0, */
    ts_competence(w)[1 * 2 + 1] = 0.9f; /* strong in domain 1 */
    for (int32_t day = 1; day <= 800; day++) {
        fx_day(&f, day, NULL, NULL);
    }
    ts_belief b;
    assert_true(belief(w, 0, 1, &b));
    double n0 = (b.alpha_e[0] + b.beta_e[0]) / 0.5, n1 = (b.alpha_e[1] + b.beta_e[1]) / 0.5;
    assert_float_equal(n0 + n1, 800.0, 1e-3);
    /* Domains about even (sd of the share 0.018), success near the chance of success
     * (p(0.2) = 0.119, sd 0.016; p(0.9) = 0.993, sd 0.004). */
    assert_true(fabs(n0 / 800.0 - 0.5) < 0.07);
    assert_true(fabs(b.alpha_e[0] / (b.alpha_e[0] + b.beta_e[0]) - tst_success_p(0.2)) < 0.07);
    assert_true(fabs(b.alpha_e[1] / (b.alpha_e[1] + b.beta_e[1]) - tst_success_p(0.9)) < 0.05);
    /* The report saw a CEO of competence 1 (p 0.9975) succeed all but a rare time: about
     * one failure in 800 meetings is expected, more than four would be a 1-in-300 draw. */
    assert_true(belief(w, 1, 0, &b));
    assert_true(b.beta_e[0] + b.beta_e[1] <= 4 * 0.5 + 1e-6);
    assert_float_equal(b.alpha_e[0] + b.alpha_e[1] + b.beta_e[0] + b.beta_e[1], 400.0, 1e-3);
    /* Goodwill saturates at 1. */
    assert_float_equal(b.goodwill, 1.0, 1e-6);
    fx_free(&f);

    /* The same seed gives the same draws. */
    fixture g;
    fx_init(&g, "manager_every: 1, peers: 0", 2, 2, 2, 0.5f);
    fixture h;
    fx_init(&h, "manager_every: 1, peers: 0", 2, 2, 2, 0.5f);
    for (int32_t day = 1; day <= 50; day++) {
        fx_day(&g, day, NULL, NULL);
        fx_day(&h, day, NULL, NULL);
    }
    ts_belief bg, bh;
    assert_true(belief(&g.w, 0, 1, &bg));
    assert_true(belief(&h.w, 0, 1, &bh));
    assert_memory_equal(bg.alpha_e, bh.alpha_e, sizeof bg.alpha_e);
    assert_memory_equal(bg.beta_e, bh.beta_e, sizeof bg.beta_e);
    /* Competence 0.5 over 50 meetings: both outcomes seen. */
    assert_true(bg.alpha_e[0] + bg.alpha_e[1] > 0.0f);
    assert_true(bg.beta_e[0] + bg.beta_e[1] > 0.0f);
    fx_free(&g);
    fx_free(&h);
}

/* ---- Peer 1:1s --------------------------------------------------------------------- */

/* CEO 0 with reports 1..4 (positions 0..3), peers 2, peer_every 14: rounds on days 0
 * and 7 of each period (the CEO's team starts its periods on day % 14 == 0), rounds 0,
 * 1, 2, 0, 1, 2 over 42 days: {1-4, 2-3}, {2-4, 1-3}, {3-4, 1-2}, ... No manager 1:1
 * falls in these days (manager_every 365). */
static void test_peer_rotation(void **state) {
    (void)state;
    fixture f;
    fx_init(&f, "manager_every: 365, peers: 2, peer_every: 14", 5, 4, 1, 1.0f);
    ts_world *w = &f.w;
    static const uint32_t pairs[3][2][2] = {{{1, 4}, {2, 3}}, {{2, 4}, {1, 3}}, {{3, 4}, {1, 2}}};
    int round = 0;
    for (int32_t day = 0; day < 42; day++) {
        double held;
        fx_day(&f, day, &held, NULL);
        assert_float_equal(meet_hours(w, 0), 0.0, 0.0);
        if (day % 7 != 0) {
            assert_float_equal(held, 0.0, 0.0);
            for (uint32_t x = 1; x <= 4; x++) {
                assert_float_equal(meet_hours(w, x), 0.0, 0.0);
            }
            continue;
        }
        assert_float_equal(held, 2.0, 0.0);
        for (uint32_t x = 1; x <= 4; x++) {
            assert_float_equal(meet_hours(w, x), 0.5, 1e-7);
        }
        /* Today's pairs have one more meeting's evidence (0.5) than before. */
        int cycle = round / 3;
        for (int p = 0; p < 2; p++) {
            uint32_t a = pairs[round % 3][p][0], b = pairs[round % 3][p][1];
            assert_float_equal(evidence(w, a, b), 0.5 * (cycle + 1), 1e-6);
            assert_float_equal(evidence(w, b, a), 0.5 * (cycle + 1), 1e-6);
            assert_float_equal(ts_surface(w)[a], 0.2, 1e-7);
            assert_float_equal(ts_surface(w)[b], 0.2, 1e-7);
        }
        round++;
    }
    /* Every pair met twice; nobody met the CEO. */
    for (uint32_t a = 1; a <= 4; a++) {
        assert_float_equal(evidence(w, 0, a), 0.0, 0.0);
        for (uint32_t b = 1; b <= 4; b++) {
            assert_float_equal(evidence(w, a, b), a == b ? 0.0 : 1.0, 1e-6);
        }
    }
    fx_free(&f);
}

/* Over a whole number of rotation cycles every pair of teammates meets equally often,
 * whatever the team size, `peers` (capped at the teammates there are) and period. */
static void test_peer_cycles(void **state) {
    (void)state;
    static const struct {
        const char *keys;
        uint32_t span, days;
        float per_pair; /* meetings of each pair over `days` */
    } cases[] = {
        /* 3 reports (odd: one bye a round), 2 rounds a period, 3 rounds a cycle. */
        {"manager_every: 365, peers: 2, peer_every: 14", 3, 42, 2.0f},
        /* 4 reports, peers capped at 3: rounds on offsets 0, 4, 9; one cycle a period. */
        {"manager_every: 365, peers: 100, peer_every: 14", 4, 14, 1.0f},
        /* 7 reports (odd), 5 rounds every 2 days (3 on offset 0, 2 on offset 1):
         * 7 periods = 35 rounds = 5 cycles of 7. */
        {"manager_every: 365, peers: 5, peer_every: 2", 7, 14, 5.0f},
        /* 6 reports, one round a week: 2 cycles of 5 in 70 days. */
        {"manager_every: 365, peers: 1, peer_every: 7", 6, 70, 2.0f},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        fixture f;
        fx_init(&f, cases[c].keys, cases[c].span + 1, cases[c].span, 1, 1.0f);
        double total = 0.0;
        for (int32_t day = 0; day < (int32_t)cases[c].days; day++) {
            double held;
            fx_day(&f, day, &held, NULL);
            total += held;
        }
        uint32_t n = cases[c].span;
        assert_float_equal(total, cases[c].per_pair * n * (n - 1) / 2.0, 1e-9);
        for (uint32_t a = 1; a <= n; a++) {
            for (uint32_t b = 1; b <= n; b++) {
                assert_float_equal(evidence(&f.w, a, b), a == b ? 0.0 : 0.5 * cases[c].per_pair,
                                   1e-5);
            }
        }
        fx_free(&f);
    }
}

/* Teams hold their peer rounds on different days: team m on (day + m) % peer_every ==
 * 0. CEO 0 leads 1, 2, 3; they lead 4-6, 7-9, 10-12. peers 1, peer_every 7: one pair a
 * round in each team of three (the third has the bye). */
static void test_peer_stagger(void **state) {
    (void)state;
    fixture f;
    fx_init(&f, "manager_every: 365, peers: 1, peer_every: 7", 13, 3, 1, 1.0f);
    ts_world *w = &f.w;
    for (int32_t day = 1; day <= 14; day++) {
        double held;
        fx_day(&f, day, &held, NULL);
        int teams = 0;
        for (uint32_t m = 0; m < 4; m++) {
            float h = 0.0f;
            int meeting = 0;
            for (uint32_t x = w->first_report[m]; x != TS_NO_AGENT; x = w->next_peer[x]) {
                h += meet_hours(w, x);
                meeting += meet_hours(w, x) > 0.0f;
            }
            int due = (day + (int32_t)m) % 7 == 0;
            assert_float_equal(h, due ? 1.0f : 0.0f, 1e-7);
            assert_int_equal(meeting, due ? 2 : 0);
            teams += due;
        }
        assert_float_equal(held, teams, 0.0);
        assert_float_equal(meet_hours(w, 0), 0.0, 0.0); /* the CEO is nobody's peer */
    }
    fx_free(&f);
}

/* ---- Incidents, leavers ------------------------------------------------------------ */

/* CEO 0, reports 1..7 (positions 0..6), manager_every 7, peers 2, peer_every 7: peer
 * rounds on offsets 0 and 3. Day 7: report 7 meets the CEO; round 2: positions pair as
 * i + j = 4 (mod 7), position 2 has the bye: 1-5, 2-4, 6-7. Day 14: round 4 (i + j = 8):
 * 1-2, 3-7, 4-6, 5 has the bye. */
static void test_busy_skip(void **state) {
    (void)state;
    fixture f;
    fx_init(&f, "manager_every: 7, peers: 2, peer_every: 7", 8, 7, 1, 1.0f);
    ts_world *w = &f.w;
    double held, skipped;
    ts_busy(w)[7] = 1; /* on an incident: no 1:1 with the CEO, none with 6 */
    fx_day(&f, 7, &held, &skipped);
    assert_float_equal(held, 2.0, 0.0);
    assert_float_equal(skipped, 2.0, 0.0);
    static const float day7[8] = {0.0f, 0.5f, 0.5f, 0.0f, 0.5f, 0.5f, 0.0f, 0.0f};
    for (uint32_t x = 0; x < 8; x++) {
        assert_float_equal(meet_hours(w, x), day7[x], 1e-7);
    }
    assert_float_equal(evidence(w, 1, 5), 0.5, 1e-6);
    assert_float_equal(evidence(w, 4, 2), 0.5, 1e-6);
    assert_false(ts_relstore_find(&w->models, 7, 0) >= 0);
    assert_false(ts_relstore_find(&w->models, 6, 7) >= 0);
    assert_float_equal(ts_surface(w)[7], 0.0, 0.0);
    assert_float_equal(ts_surface(w)[6], 0.0, 0.0);
    ts_busy(w)[7] = 0;

    ts_busy(w)[0] = 1; /* the CEO is busy: report 7's 1:1 is off, the peers meet */
    fx_day(&f, 14, &held, &skipped);
    assert_float_equal(held, 3.0, 0.0);
    assert_float_equal(skipped, 1.0, 0.0);
    static const float day14[8] = {0.0f, 0.5f, 0.5f, 0.5f, 0.5f, 0.0f, 0.5f, 0.5f};
    for (uint32_t x = 0; x < 8; x++) {
        assert_float_equal(meet_hours(w, x), day14[x], 1e-7);
    }
    assert_float_equal(evidence(w, 7, 3), 0.5, 1e-6);
    assert_false(ts_relstore_find(&w->models, 7, 0) >= 0);
    ts_busy(w)[0] = 0;

    /* A leaver is out of the tree and out of the rotation: the six left meet in
     * rounds of three pairs, no byes. */
    ts_world_remove_agent(w, 7, 15);
    for (int32_t day = 15; day < 22; day++) {
        fx_day(&f, day, &held, &skipped);
        assert_float_equal(meet_hours(w, 7), 0.0, 0.0);
        int peer_day = day % 7 == 0 || day % 7 == 3;
        int mgr = 0;
        for (uint32_t x = 1; x < 7; x++) {
            mgr += (day + (int32_t)x) % 7 == 0;
        }
        assert_float_equal(held, (peer_day ? 3.0 : 0.0) + mgr, 0.0);
    }
    fx_free(&f);
}

/* ---- The full model ---------------------------------------------------------------- */

#define SEEDS 5

static void run_arm(const char *text, uint64_t seed, double *out) {
    static const char *const names[] = {"model_error_final", "coverage_final", "model_error",
                                        "coverage", "hours_meetings"};
    tst_fullrun fr;
    tst_fullrun_open(&fr, text, seed);
    for (size_t k = 0; k < 5; k++) {
        out[k] = tst_value(&fr.r, names[k]);
    }
    /* The tactic's own metric exists exactly when it is on. */
    const ts_series *held = ts_result_find_series(&fr.r, "one_on_ones_held");
    if (strstr(text, "one_on_ones")) {
        assert_non_null(held);
        assert_true(held->values[held->n - 1] > 0.0);
    } else {
        assert_null(held);
    }
    tst_fullrun_close(&fr);
}

/* Seeds 001 and 003: regular 1:1s make people's models of their closest colleagues
 * better informed (coverage) and closer to the truth (model error), at a cost in
 * meeting hours. */
static void test_behaviour(void **state) {
    (void)state;
    const char *base = "days: 300\norg: {headcount: 100, warmup_days: 100}\n"
                       "output: {snapshot_every: 0}\n";
    char on[512];
    snprintf(on, sizeof on, "%stactics:\n  one_on_ones: {}\n", base);
    double m_on[5] = {0}, m_off[5] = {0};
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        double a[5], b[5];
        run_arm(on, seed * 7919, a);
        run_arm(base, seed * 7919, b);
        print_message("seed %u on : me_final %.4f cov_final %.4f me %.4f cov %.4f hm %.4f\n",
                      (unsigned)seed, a[0], a[1], a[2], a[3], a[4]);
        print_message("seed %u off: me_final %.4f cov_final %.4f me %.4f cov %.4f hm %.4f\n",
                      (unsigned)seed, b[0], b[1], b[2], b[3], b[4]);
        for (int k = 0; k < 5; k++) {
            m_on[k] += a[k] / SEEDS;
            m_off[k] += b[k] / SEEDS;
        }
    }
    print_message("mean on : me_final %.4f cov_final %.4f me %.4f cov %.4f hm %.4f\n", m_on[0],
                  m_on[1], m_on[2], m_on[3], m_on[4]);
    print_message("mean off: me_final %.4f cov_final %.4f me %.4f cov %.4f hm %.4f\n", m_off[0],
                  m_off[1], m_off[2], m_off[3], m_off[4]);
    assert_true(m_on[0] < m_off[0] - 0.0015); /* model error lower at the end */
    assert_true(m_on[2] < m_off[2] - 0.0015); /* and over the run */
    assert_true(m_on[1] > m_off[1] + 0.05);   /* coverage higher at the end */
    assert_true(m_on[3] > m_off[3] + 0.05);   /* and over the run */
    assert_true(m_on[4] > m_off[4] + 0.1);    /* at a cost in meeting hours */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_partner_round_robin),
        cmocka_unit_test(test_manager_schedule),
        cmocka_unit_test(test_manager_meeting_effects),
        cmocka_unit_test(test_observation_draws),
        cmocka_unit_test(test_peer_rotation),
        cmocka_unit_test(test_peer_cycles),
        cmocka_unit_test(test_peer_stagger),
        cmocka_unit_test(test_busy_skip),
        cmocka_unit_test(test_behaviour),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
