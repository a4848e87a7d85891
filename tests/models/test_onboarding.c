/* Tests of models/onboarding.c: whom a new hire is introduced to and in what order, how
 * the introductions spread over its first two weeks, who counts as new, what each
 * meeting leaves on both sides and costs, and the behaviour over the full model (new
 * hires know their close colleagues sooner, at the price of meeting hours). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <math.h>

#include "engine.h"
#include "evidence.h"
#include "shared.h"
#include "modules.h"
#include "onboarding.h"
#include "test_support.h"

/* A world with no forgetting (evidence adds up exactly), its scenario and the state. */
typedef tst_world fix;

static void setup_fix(fix *f, const char *meetings) {
    char text[256];
    snprintf(text, sizeof text, "%stactics: {onboarding: {intro_meetings: %s}}\n", TST_SHARP_LINK,
             meetings);
    tst_world_open(f, &ts_module_onboarding, text, 4, 128, 0, 0);
    assert_true(ts_engine_module_on(&ts_module_onboarding, f->sc));
    f->w.warmup_days = 100;
    f->w.seed = 777;
    tst_world_configure(f);
}

static uint32_t add(ts_world *w, uint32_t manager, int32_t day) {
    ts_error err;
    uint32_t id;
    assert_int_equal(ts_world_add_agent(w, manager, day, &id, &err), TS_OK);
    return id;
}

/* The tree, everyone present since the warm-up began (day -100):
 *   0 -> 1, 2, 3;  1 -> 4, 5, 6;  2 -> 7, 8;  3 has no reports.
 * Then the new hire 9 joins team 1 on day `hire`. */
static void dept_tree(ts_world *w, int32_t hire) {
    uint32_t mgr[] = {TS_NO_AGENT, 0, 0, 0, 1, 1, 1, 2, 2};
    for (uint32_t k = 0; k < 9; k++) {
        assert_int_equal(add(w, mgr[k], -100), k);
    }
    assert_int_equal(add(w, 1, hire), 9);
}

/* One org phase on `day` (the ledger cleared first, as the engine does). Returns the
 * introductions held. */
static double run_day(fix *f, int32_t day) {
    double v;
    tst_world_org(f, day, 15, f->w.seed);
    tst_world_metrics(f, &v, 1);
    return v;
}

static float meeting_hours(const ts_world *w, uint32_t a) {
    return w->hours[(size_t)a * TS_HOURS_SLOTS + TS_HOURS_MEETINGS];
}

static void test_schedule(void **state) {
    (void)state;
    uint32_t lo, hi;
    /* 8 meetings: meeting k on day floor(10 k / 8) = 0, 1, 2, 3, 5, 6, 7, 8. */
    const uint32_t want8[10][2] = {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 4},
                                   {4, 5}, {5, 6}, {6, 7}, {7, 8}, {8, 8}};
    for (int32_t t = 0; t < 10; t++) {
        ts_onboarding_due(8, t, &lo, &hi);
        assert_int_equal(lo, want8[t][0]);
        assert_int_equal(hi, want8[t][1]);
    }
    /* 3 meetings: days 0, 3 (10/3 = 3.3) and 6 (6.7). */
    const uint32_t want3[10] = {1, 0, 0, 1, 0, 0, 1, 0, 0, 0};
    for (int32_t t = 0; t < 10; t++) {
        ts_onboarding_due(3, t, &lo, &hi);
        assert_int_equal(hi - lo, want3[t]);
    }
    /* 25 meetings: 3, 2, 3, 2, ... (k on day floor(k / 2.5)). */
    ts_onboarding_due(25, 0, &lo, &hi);
    assert_int_equal(lo, 0);
    assert_int_equal(hi, 3);
    ts_onboarding_due(25, 1, &lo, &hi);
    assert_int_equal(lo, 3);
    assert_int_equal(hi, 5);
    /* Outside the two weeks, and with no meetings, nothing is due. */
    const int32_t outside[] = {-1, 10, 11, -100000};
    for (size_t i = 0; i < 4; i++) {
        ts_onboarding_due(8, outside[i], &lo, &hi);
        assert_int_equal(hi, lo);
    }
    ts_onboarding_due(0, 0, &lo, &hi);
    assert_int_equal(hi, lo);
    /* Every meeting falls on exactly one day, for every allowed count. */
    for (uint32_t m = 0; m <= TS_ONBOARDING_MAX_MEETINGS; m++) {
        uint32_t next = 0;
        for (int32_t t = 0; t < 10; t++) {
            ts_onboarding_due(m, t, &lo, &hi);
            assert_int_equal(lo, next);
            assert_true(hi >= lo);
            next = hi;
        }
        assert_int_equal(next, m);
    }
}

static void test_people(void **state) {
    (void)state;
    fix f;
    setup_fix(&f, "8");
    dept_tree(&f.w, 1);
    uint32_t out[16];
    /* Manager 1, teammates 4, 5, 6, then the other team of 0 with reports (2: 7, 8);
     * 3 leads no team. */
    const uint32_t want9[] = {1, 4, 5, 6, 2, 7, 8};
    assert_int_equal(ts_onboarding_people(&f.w, 9, out, 16), 7);
    assert_memory_equal(out, want9, sizeof want9);
    /* Cut at max. */
    assert_int_equal(ts_onboarding_people(&f.w, 9, out, 3), 3);
    assert_memory_equal(out, want9, 3 * sizeof *out);
    assert_int_equal(ts_onboarding_people(&f.w, 9, out, 0), 0);
    assert_int_equal(ts_onboarding_people(&f.w, 99, out, 16), 0);
    /* A hired manager (10 under 0) who took over 7: its manager, its report, its
     * teammates; its manager is the CEO, so there are no department neighbours. */
    uint32_t m = add(&f.w, 0, 1);
    ts_world_set_manager(&f.w, 7, m);
    const uint32_t want10[] = {0, 7, 1, 2, 3};
    assert_int_equal(ts_onboarding_people(&f.w, m, out, 16), 5);
    assert_memory_equal(out, want10, sizeof want10);
    /* The CEO: only its reports. */
    const uint32_t want0[] = {1, 2, 3, 10};
    assert_int_equal(ts_onboarding_people(&f.w, 0, out, 16), 4);
    assert_memory_equal(out, want0, sizeof want0);
    tst_world_close(&f);
}

static void test_is_new(void **state) {
    (void)state;
    fix f;
    setup_fix(&f, "8");
    add(&f.w, TS_NO_AGENT, -100); /* present when the warm-up began */
    add(&f.w, 0, -99);            /* a replacement hired in the warm-up */
    add(&f.w, 0, 0);
    add(&f.w, 0, 37);
    assert_false(ts_onboarding_is_new(&f.w, 0));
    assert_true(ts_onboarding_is_new(&f.w, 1));
    assert_true(ts_onboarding_is_new(&f.w, 2));
    assert_true(ts_onboarding_is_new(&f.w, 3));
    assert_false(ts_onboarding_is_new(&f.w, 4)); /* no such agent */
    tst_world_close(&f);
}

/* Hire 9 on day 5 with 8 meetings and 7 people to meet: one meeting on tenure days 0, 1,
 * 2, 3, 5, 6, 7 with positions 0 .. 6 of its list; the 8th (day 8) finds nobody. */
static void test_meetings(void **state) {
    (void)state;
    fix f;
    setup_fix(&f, "8");
    dept_tree(&f.w, 5);
    const uint32_t D = 4;
    /* The hire never succeeds, the others always do (competence 0 and 1 under the sharp
     * success link): each side's observation comes from the other's chance of success. */
    for (uint32_t a = 0; a < 10; a++) {
        for (uint32_t d = 0; d < D; d++) {
            ts_competence(&f.w)[a * D + d] = a == 9 ? 0.0f : 1.0f;
        }
    }
    const uint32_t list[] = {1, 4, 5, 6, 2, 7, 8};
    const int32_t meet_day[] = {0, 1, 2, 3, 5, 6, 7}; /* tenure of each position */
    for (int32_t day = 3; day <= 20; day++) {
        double held = run_day(&f, day);
        int32_t t = day - 5;
        uint32_t who = TS_NO_AGENT;
        for (size_t k = 0; k < 7; k++) {
            if (meet_day[k] == t) {
                who = list[k];
            }
        }
        assert_true(held == (who != TS_NO_AGENT ? 1.0 : 0.0));
        for (uint32_t a = 0; a < 10; a++) {
            float h = (a == 9 || a == who) && who != TS_NO_AGENT ? 0.5f : 0.0f;
            assert_true(meeting_hours(&f.w, a) == h);
        }
    }
    /* Afterwards: the hire holds one model of each person on its list (0.5 unit of
     * successes, goodwill 0.05), each of them one of the hire (0.5 unit of failures); the
     * CEO, 3 and nobody else met anyone. */
    assert_int_equal(ts_relstore_count(&f.w.models, 9), 7);
    for (size_t k = 0; k < 7; k++) {
        ts_belief b;
        assert_true(tst_evidence(&f.w, 9, list[k], &b) == 0.5f);
        float s = 0.0f, fl = 0.0f;
        for (uint32_t d = 0; d < D; d++) {
            s += b.alpha_e[d];
            fl += b.beta_e[d];
        }
        assert_true(s == 0.5f && fl == 0.0f);
        assert_true(fabsf(b.goodwill - 0.05f) < 1e-7f);
        assert_int_equal(ts_relstore_count(&f.w.models, list[k]), 1);
        assert_true(tst_evidence(&f.w, list[k], 9, &b) == 0.5f);
        s = fl = 0.0f;
        for (uint32_t d = 0; d < D; d++) {
            s += b.alpha_e[d];
            fl += b.beta_e[d];
        }
        assert_true(s == 0.0f && fl == 0.5f);
        assert_true(fabsf(b.goodwill - 0.05f) < 1e-7f);
    }
    assert_int_equal(ts_relstore_count(&f.w.models, 0), 0);
    assert_int_equal(ts_relstore_count(&f.w.models, 3), 0);
    tst_world_close(&f);
}

/* 25 meetings with a list of 7: positions 0-2, 3-4, 5-6 on tenure days 0, 1, 2, and
 * nothing after the list runs out. A hire of the warm-up is onboarded too; the people
 * present when it began, and leavers, are not. */
static void test_many_meetings_warmup(void **state) {
    (void)state;
    fix f;
    setup_fix(&f, "25");
    dept_tree(&f.w, -40);
    uint32_t gone = add(&f.w, 2, -40); /* 10, leaves on its first day */
    ts_world_remove_agent(&f.w, gone, -40);
    const double want[] = {3, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0};
    for (int32_t t = 0; t <= 10; t++) {
        double held = run_day(&f, -40 + t);
        assert_true(held == want[t]);
        assert_true(meeting_hours(&f.w, 9) == 0.5f * (float)want[t]);
    }
    assert_int_equal(ts_relstore_count(&f.w.models, 9), 7);
    assert_int_equal(ts_relstore_count(&f.w.models, gone), 0);
    /* A hire leaving in its second week: its meetings stop. */
    fix g;
    setup_fix(&g, "8");
    dept_tree(&g.w, 1);
    for (int32_t day = 1; day <= 12; day++) {
        if (day == 4) {
            ts_world_remove_agent(&g.w, 9, day);
        }
        double held = run_day(&g, day);
        assert_true(held == (day <= 3 ? 1.0 : 0.0));
    }
    assert_int_equal(ts_relstore_count(&g.w.models, 4), 1); /* met on day 2 */
    assert_int_equal(ts_relstore_count(&g.w.models, 6), 0); /* due on day 4 */
    tst_world_close(&g);
    tst_world_close(&f);
}

/* intro_meetings 0: nothing at all. */
static void test_zero(void **state) {
    (void)state;
    fix f;
    setup_fix(&f, "0");
    dept_tree(&f.w, 1);
    for (int32_t day = 1; day <= 12; day++) {
        assert_true(run_day(&f, day) == 0.0);
        assert_true(meeting_hours(&f.w, 9) == 0.0f);
    }
    assert_int_equal(ts_relstore_count(&f.w.models, 9), 0);
    tst_world_close(&f);
}

/* ---- Behaviour over the full model ---------------------------------------------- */

#define SEEDS 4
#define HORIZON 150 /* days after hire a hire is followed */
#define AT_DAY 60   /* the day after hire at which coverage is read */

/* What one run measures about its hires. */
typedef struct ramp {
    double days_to_half; /* mean days from hire until half the close pairs are covered */
    double cov_at;       /* mean coverage of hires AT_DAY days after hire */
    double meet;         /* hours_meetings per person-day over the recorded days */
    double hires;        /* hires followed */
    double censored;     /* of which never reached half within HORIZON days */
} ramp;

/* The hire's coverage today: the share of its close pairs (manager, reports, teammates)
 * of which its model holds >= 3 units of competence evidence, the engine's `coverage`
 * threshold. -1 without close pairs. */
static double hire_coverage(const ts_world *w, uint32_t a) {
    double pairs = 0.0, covered = 0.0;
    uint32_t m = w->manager[a];
    uint32_t heads[3] = {m, w->first_report[a], m != TS_NO_AGENT ? w->first_report[m] : m};
    for (int k = 0; k < 3; k++) {
        for (uint32_t j = heads[k]; j != TS_NO_AGENT; j = k == 0 ? TS_NO_AGENT : w->next_peer[j]) {
            if (j == a) {
                continue;
            }
            pairs += 1.0;
            covered += tst_evidence(w, a, j, NULL) >= 3.0f;
        }
    }
    return pairs > 0.0 ? covered / pairs : -1.0;
}

/* Runs the full model day by day and follows every person hired on days 1 .. days -
 * HORIZON: the days from hire until its coverage first reaches 0.5 (HORIZON if never:
 * censored, which only understates a difference between the arms), and its coverage
 * AT_DAY days after hire. Leavers are followed until they leave (a leaver without a
 * day to half counts HORIZON; its coverage at AT_DAY is skipped if it left before). */
static ramp run_ramp(const char *text, uint64_t seed) {
    ts_scenario *sc = tst_scenario(text);
    ts_error err;
    int32_t days = (int32_t)ts_scenario_int(sc, "days");
    ts_engine_options eo = {.seed = seed, .threads = 2};
    ts_engine *e;
    assert_int_equal(ts_engine_create(sc, ts_modules, ts_n_modules, &eo, &e, &err), TS_OK);
    const ts_world *w = ts_engine_world(e);
    enum { MAXA = 4096 };
    int32_t half[MAXA];
    double cov_at[MAXA];
    for (size_t a = 0; a < MAXA; a++) {
        half[a] = -1;
        cov_at[a] = -1.0;
    }
    double meet = 0.0, person_days = 0.0;
    while (w->day < days) {
        assert_int_equal(ts_engine_step(e, &err), TS_OK);
        if (w->day < 1) {
            continue;
        }
        assert_true(w->n < MAXA);
        for (uint32_t a = 0; a < w->n; a++) {
            if (!w->active[a]) {
                continue;
            }
            /* Meetings and mentoring, as the metric hours_meetings counts them. */
            const float *hr = w->hours + (size_t)a * TS_HOURS_SLOTS;
            meet += hr[TS_HOURS_MEETINGS] + hr[TS_HOURS_MENTORING];
            person_days += 1.0;
            int32_t h = w->hire_day[a], t = w->day - h;
            if (h < 1 || h > days - HORIZON || t > HORIZON) {
                continue;
            }
            double c = hire_coverage(w, a);
            if (half[a] < 0 && c >= 0.5) {
                half[a] = t;
            }
            if (t == AT_DAY && c >= 0.0) {
                cov_at[a] = c;
            }
        }
    }
    ramp r = {0};
    double n20 = 0.0;
    for (uint32_t a = 0; a < w->n; a++) {
        if (w->hire_day[a] < 1 || w->hire_day[a] > days - HORIZON) {
            continue;
        }
        r.hires += 1.0;
        r.days_to_half += half[a] >= 0 ? half[a] : HORIZON;
        r.censored += half[a] < 0;
        if (cov_at[a] >= 0.0) {
            r.cov_at += cov_at[a];
            n20 += 1.0;
        }
    }
    r.days_to_half /= r.hires > 0 ? r.hires : 1.0;
    r.cov_at /= n20 > 0 ? n20 : 1.0;
    r.meet = meet / person_days;
    ts_engine_free(e);
    ts_scenario_free(sc);
    return r;
}

/* Rollag, Parise & Cross 2005: a newcomer who is introduced to its colleagues builds the
 * relationships it needs sooner. Measured on the hires of a growing company: the mean
 * days from hire until its own models of half its close colleagues (manager, reports,
 * teammates) hold 3 units of evidence — the engine's `coverage`, per hire — and its
 * coverage 60 days after hire. Both are slow in either arm: an introduction gives 0.5 of
 * the 3 units, the rest comes from seeing the teammates' outcomes (w 0.25 a task). */
static void test_behaviour(void **state) {
    (void)state;
    const char *base = "days: 300\ndomains: [design, roadmap, people, debugging]\n"
                       "org: {headcount: 100, warmup_days: 80}\n"
                       "hiring: {growth: exponential, annual_rate: 3}\n"
                       "output: {snapshot_every: 0}\n";
    char on[512];
    snprintf(on, sizeof on, "%stactics: {onboarding: {intro_meetings: 8}}\n", base);
    ramp mon = {0}, moff = {0};
    for (uint64_t k = 1; k <= SEEDS; k++) {
        ramp a = run_ramp(on, k * 7919), b = run_ramp(base, k * 7919);
        print_message(
            "seed %u on : hires %.0f (%.0f censored) days to half %.2f cov@60 %.4f meet %.4f\n",
            (unsigned)k, a.hires, a.censored, a.days_to_half, a.cov_at, a.meet);
        print_message(
            "seed %u off: hires %.0f (%.0f censored) days to half %.2f cov@60 %.4f meet %.4f\n",
            (unsigned)k, b.hires, b.censored, b.days_to_half, b.cov_at, b.meet);
        mon.days_to_half += a.days_to_half / SEEDS;
        mon.cov_at += a.cov_at / SEEDS;
        mon.meet += a.meet / SEEDS;
        moff.days_to_half += b.days_to_half / SEEDS;
        moff.cov_at += b.cov_at / SEEDS;
        moff.meet += b.meet / SEEDS;
    }
    print_message("mean on : days to half %.2f cov@60 %.4f meet %.4f\n", mon.days_to_half,
                  mon.cov_at, mon.meet);
    print_message("mean off: days to half %.2f cov@60 %.4f meet %.4f\n", moff.days_to_half,
                  moff.cov_at, moff.meet);
    assert_true(mon.days_to_half < moff.days_to_half * 0.95);
    assert_true(mon.cov_at > moff.cov_at + 0.03);
    /* 8 meetings of 1 h (both sides) per hire, ~0.8 hires a day among ~190 people. */
    assert_true(mon.meet > moff.meet + 0.02);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schedule),
        cmocka_unit_test(test_people),
        cmocka_unit_test(test_is_new),
        cmocka_unit_test(test_meetings),
        cmocka_unit_test(test_many_meetings_warmup),
        cmocka_unit_test(test_zero),
        cmocka_unit_test(test_behaviour),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
