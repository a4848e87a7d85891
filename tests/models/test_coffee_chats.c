/* Tests of models/coffee_chats.c: who may chat with whom, how often chats happen (the
 * rejection draw of a partner, fractional rates), what each side sees, feels and spends,
 * and the behaviour over the full model (more acquaintances, more meeting hours). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <math.h>

#include "coffee_chats.h"
#include "shared.h"
#include "engine.h"
#include "evidence.h"
#include "modules.h"
#include "test_support.h"

/* A world with no forgetting (so evidence adds up exactly), its scenario and the
 * module's state. */
typedef tst_world fix;

static void setup_fix(fix *f, const char *per_week) {
    char text[256];
    snprintf(text, sizeof text, "tactics: {coffee_chats: {per_week: %s}}\n", per_week);
    tst_world_open(f, &ts_module_coffee_chats, text, 4, 128, 0, 0);
    assert_true(ts_engine_module_on(&ts_module_coffee_chats, f->sc));
    f->w.warmup_days = 100;
    f->w.seed = 4242;
    tst_world_configure(f);
}

/* The tree 0 -> 1, 2; 1 -> 3. */
static void small_tree(ts_world *w) {
    ts_error err;
    uint32_t id;
    assert_int_equal(ts_world_add_agent(w, TS_NO_AGENT, -100, &id, &err), TS_OK);
    assert_int_equal(ts_world_add_agent(w, 0, -100, &id, &err), TS_OK);
    assert_int_equal(ts_world_add_agent(w, 0, -100, &id, &err), TS_OK);
    assert_int_equal(ts_world_add_agent(w, 1, -100, &id, &err), TS_OK);
    assert_int_equal(w->n, 4);
}

/* One org phase on day `day` (the engine clears the ledger and busy each day; the tests
 * clear the ledger, and set busy themselves). Returns the chats held. */
static double run_day(fix *f, int32_t day) {
    double v;
    tst_world_org(f, day, 12, f->w.seed);
    tst_world_metrics(f, &v, 1);
    return v;
}

static float meeting_hours(const ts_world *w, uint32_t a) {
    return w->hours[(size_t)a * TS_HOURS_SLOTS + TS_HOURS_MEETINGS];
}

static void test_eligible(void **state) {
    (void)state;
    fix f;
    setup_fix(&f, "1");
    small_tree(&f.w);
    /* Expected by hand: 1 and 2 share the manager 0; 0 manages 1 and 2; 1 manages 3.
     * Left: (0, 3), the CEO and someone two levels down, and (2, 3), another team. */
    const int expect[4][4] = {{0, 0, 0, 1}, {0, 0, 0, 0}, {0, 0, 0, 1}, {1, 0, 1, 0}};
    for (uint32_t a = 0; a < 4; a++) {
        for (uint32_t b = 0; b < 4; b++) {
            assert_int_equal(ts_coffee_chats_eligible(&f.w, a, b), expect[a][b]);
        }
    }
    assert_int_equal(ts_coffee_chats_eligible(&f.w, 2, 4), 0); /* no such agent */
    assert_int_equal(ts_coffee_chats_eligible(&f.w, 4, 2), 0);
    ts_busy(&f.w)[3] = 1;
    assert_int_equal(ts_coffee_chats_eligible(&f.w, 2, 3), 0);
    assert_int_equal(ts_coffee_chats_eligible(&f.w, 3, 0), 0);
    ts_busy(&f.w)[3] = 0;
    ts_world_remove_agent(&f.w, 2, 0);
    assert_int_equal(ts_coffee_chats_eligible(&f.w, 2, 3), 0);
    assert_int_equal(ts_coffee_chats_eligible(&f.w, 3, 2), 0);
    assert_int_equal(ts_coffee_chats_eligible(&f.w, 0, 3), 1);
    tst_world_close(&f);
}

/* per_week 5: everyone starts one chat a day. In the small tree agents 0 and 2 each have
 * one eligible partner among 4 ids, so a partner is found with probability
 * 1 - (3/4)^8 = 0.89989; agent 3 has two (0 and 2): 1 - (1/2)^8 = 0.99609; agent 1 none.
 * Chats a day: 2 * 0.89989 + 0.99609 = 2.79587; agent 3 is in all of them (1.39794 h a
 * day), agent 0 in 0.89989 + 0.99609 / 2 = 1.39794 (0.69897 h). */
static void test_partner_draw(void **state) {
    (void)state;
    fix f;
    setup_fix(&f, "5");
    small_tree(&f.w);
    const uint32_t D = 4;
    for (uint32_t d = 0; d < D; d++) {
        ts_competence(&f.w)[0 * D + d] = 0.8f;
        ts_competence(&f.w)[2 * D + d] = 0.8f;
        ts_competence(&f.w)[3 * D + d] = 0.3717f;
    }
    const int days = 600;
    double held = 0.0, h[4] = {0, 0, 0, 0};
    for (int day = 1; day <= days; day++) {
        held += run_day(&f, day);
        for (uint32_t a = 0; a < 4; a++) {
            h[a] += meeting_hours(&f.w, a);
        }
    }
    print_message("chats/day %.4f, hours/day of 0..3: %.4f %.4f %.4f %.4f\n", held / days,
                  h[0] / days, h[1] / days, h[2] / days, h[3] / days);
    assert_true(fabs(held / days - 2.79587) < 0.06);
    assert_true(fabs(h[3] / days - 1.39794) < 0.03);
    assert_true(fabs(h[0] / days - 0.69897) < 0.04);
    assert_true(fabs(h[2] / days - 0.69897) < 0.04);
    /* Everyone spends what the chats cost: one hour for the two sides of each chat. */
    assert_true(fabs(h[0] + h[1] + h[2] + h[3] - held) < 1e-3 * held);
    /* Agent 1 may chat with nobody; the others only along the eligible pairs. */
    assert_int_equal(ts_relstore_count(&f.w.models, 1), 0);
    assert_int_equal(ts_relstore_count(&f.w.models, 0), 1);
    assert_int_equal(ts_relstore_count(&f.w.models, 2), 1);
    assert_int_equal(ts_relstore_count(&f.w.models, 3), 2);
    /* 0.5 units of evidence and 0.5 h for each chat, on both sides. */
    ts_belief b;
    float e03 = tst_evidence(&f.w, 0, 3, &b);
    assert_true(fabs(e03 - h[0]) < 1e-3 * h[0]);
    assert_true(fabs(tst_evidence(&f.w, 3, 0, NULL) - e03) < 1e-3f);
    assert_true(fabs(tst_evidence(&f.w, 2, 3, NULL) - h[2]) < 1e-3 * h[2]);
    /* What 0 saw of 3 comes from 3's chance of success (p(0.3717) = 0.430), not its own
     * (p(0.8) = 0.982); about 420 chats, sd of the share ~0.024. */
    double a = 0.0, bb = 0.0;
    for (uint32_t d = 0; d < D; d++) {
        a += b.alpha_e[d];
        bb += b.beta_e[d];
    }
    print_message("0 saw 3 succeed %.4f of %.0f units\n", a / (a + bb), a + bb);
    assert_true(fabs(a / (a + bb) - tst_success_p(0.3717)) < 0.07);
    assert_true(fabs(b.goodwill - 1.0f) < 1e-6f); /* 0.05 a chat, clamped at 1 */
    tst_world_close(&f);
}

/* One day in a 100-person tree: what each chat leaves on both sides. Busy people and
 * leavers take no part. */
static void test_one_day(void **state) {
    (void)state;
    fix f;
    setup_fix(&f, "5");
    ts_error err;
    assert_int_equal(ts_world_build_tree(&f.w, 100, 7, -100, &err), TS_OK);
    for (size_t k = 0; k < (size_t)100 * 4; k++) {
        ts_competence(&f.w)[k] = 0.65f;
    }
    for (uint32_t a = 10; a < 20; a++) {
        ts_busy(&f.w)[a] = 1;
    }
    /* A leaver (an IC: 99 reports to 14). */
    ts_world_remove_agent(&f.w, 99, -10);
    double held = run_day(&f, -7); /* warm-up days too */
    /* 89 available people each start one chat; about a fifth of the ids are not eligible
     * for a given person (busy, gone, its team, itself), so one fails to find a partner
     * in 8 draws with probability ~0.2^8 = 3e-6. */
    assert_true(held == 89.0);
    double hours = 0.0;
    for (uint32_t a = 0; a < 100; a++) {
        float ev = 0.0f;
        uint32_t c = ts_relstore_count(&f.w.models, a);
        if (ts_busy(&f.w)[a] || a == 99) {
            assert_int_equal(c, 0);
            assert_true(meeting_hours(&f.w, a) == 0.0f);
            continue;
        }
        assert_true(c >= 1); /* it started one */
        for (uint32_t s = 0; s < c; s++) {
            uint32_t b = ts_relstore_id(&f.w.models, a, s);
            assert_true(ts_coffee_chats_eligible(&f.w, a, b));
            ts_belief bel;
            float e = tst_evidence(&f.w, a, b, &bel);
            /* Pairs chat once or (rarely) twice: 0.5 or 1 unit, goodwill 0.05 each. */
            assert_true(fabs(e - 0.5f) < 1e-6f || fabs(e - 1.0f) < 1e-6f);
            assert_true(fabs(bel.goodwill - 0.1f * e) < 1e-6f);
            assert_true(fabs(tst_evidence(&f.w, b, a, NULL) - e) < 1e-6f);
            assert_true(bel.integ_a_e == 0.0f && bel.integ_b_e == 0.0f);
            ev += e;
        }
        assert_true(fabs(meeting_hours(&f.w, a) - ev) < 1e-5f);
        hours += meeting_hours(&f.w, a);
        for (int slot = 0; slot < TS_HOURS_SLOTS; slot++) {
            if (slot != TS_HOURS_MEETINGS) {
                assert_true(f.w.hours[(size_t)a * TS_HOURS_SLOTS + (size_t)slot] == 0.0f);
            }
        }
    }
    assert_true(fabs(hours - held) < 1e-4);
    /* The same day again gives the same chats: draws depend on (seed, agent, day). */
    fix g;
    setup_fix(&g, "5");
    assert_int_equal(ts_world_build_tree(&g.w, 100, 7, -100, &err), TS_OK);
    memcpy(ts_competence(&g.w), ts_competence(&f.w), (size_t)100 * 4 * sizeof(float));
    memcpy(ts_busy(&g.w), ts_busy(&f.w), 100);
    ts_world_remove_agent(&g.w, 99, -10);
    assert_true(run_day(&g, -7) == held);
    for (uint32_t a = 0; a < 100; a++) {
        assert_int_equal(ts_relstore_count(&g.w.models, a), ts_relstore_count(&f.w.models, a));
        assert_true(meeting_hours(&g.w, a) == meeting_hours(&f.w, a));
    }
    tst_world_close(&g);
    tst_world_close(&f);
}

/* Rates: per_week / 5 chats started per person-day, whole and fractional parts. In a
 * 100-person tree nearly every draw finds a partner (see test_one_day). */
static double mean_rate(const char *per_week, int days) {
    fix f;
    setup_fix(&f, per_week);
    ts_error err;
    assert_int_equal(ts_world_build_tree(&f.w, 100, 7, -100, &err), TS_OK);
    double held = 0.0;
    for (int day = 1; day <= days; day++) {
        held += run_day(&f, day);
    }
    tst_world_close(&f);
    return held / (100.0 * days);
}

static void test_rates(void **state) {
    (void)state;
    double r0 = mean_rate("0", 20), r1 = mean_rate("1", 200), r75 = mean_rate("7.5", 100);
    print_message("chats per person-day: %.4f %.4f %.4f\n", r0, r1, r75);
    assert_true(r0 == 0.0);
    /* 0.2 a day; sd of the mean sqrt(0.16 / 20000) = 0.0028. */
    assert_true(fabs(r1 - 0.2) < 0.012);
    /* 1 + Bernoulli(0.5); sd of the mean sqrt(0.25 / 10000) = 0.005. */
    assert_true(fabs(r75 - 1.5) < 0.02);
}

/* ---- Behaviour over the full model ---------------------------------------------- */

#define SEEDS 4

static void run_summary(const char *text, uint64_t seed, const char *const *names, size_t n,
                        double *out) {
    tst_full(text, seed, TST_VALUE_NAN, names, n, out);
}

/* Informal contact across teams (seed 003's comments): people know more people, at the
 * price of meeting hours. Whether cross-team sign-offs escalate less is reported, not
 * asserted: stakeholders come from partner teams, and a random chat partner is rarely
 * one of them. */
static void test_behaviour(void **state) {
    (void)state;
    const char *base = "days: 200\ndomains: [design, roadmap, people, debugging]\n"
                       "org: {headcount: 100, warmup_days: 80}\n"
                       "output: {snapshot_every: 0}\n";
    char on[512];
    snprintf(on, sizeof on, "%stactics: {coffee_chats: {per_week: 1}}\n", base);
    const char *names[] = {"acquaintances", "hours_meetings", "escalations_per_decision",
                           "trust_cross", "coffee_chats_held"};
    enum { N = 5 };
    double mon[N] = {0}, moff[N] = {0}, von[N], voff[N];
    for (uint64_t k = 1; k <= SEEDS; k++) {
        run_summary(on, k * 7919, names, N, von);
        run_summary(base, k * 7919, names, N - 1, voff);
        print_message("seed %u on : acq %.3f meet %.4f esc/dec %.4f trust_cross %.4f chats %.2f\n",
                      (unsigned)k, von[0], von[1], von[2], von[3], von[4]);
        print_message("seed %u off: acq %.3f meet %.4f esc/dec %.4f trust_cross %.4f\n",
                      (unsigned)k, voff[0], voff[1], voff[2], voff[3]);
        for (size_t i = 0; i < N; i++) {
            mon[i] += von[i] / SEEDS;
            moff[i] += i < N - 1 ? voff[i] / SEEDS : 0.0;
        }
    }
    print_message("mean on : acq %.3f meet %.4f esc/dec %.4f trust_cross %.4f chats %.2f\n", mon[0],
                  mon[1], mon[2], mon[3], mon[4]);
    print_message("mean off: acq %.3f meet %.4f esc/dec %.4f trust_cross %.4f\n", moff[0], moff[1],
                  moff[2], moff[3]);
    /* About 20 chats a day among 100 people: roughly 0.2 h per person-day more meetings. */
    assert_true(mon[4] > 15.0 && mon[4] < 25.0);
    assert_true(mon[0] > moff[0] * 1.10);
    assert_true(mon[1] > moff[1] + 0.1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eligible),  cmocka_unit_test(test_partner_draw),
        cmocka_unit_test(test_one_day),   cmocka_unit_test(test_rates),
        cmocka_unit_test(test_behaviour),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
