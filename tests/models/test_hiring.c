/* Tests of models/hiring.c: traits drawn at hire, the target headcount H(t), growth,
 * attrition with promotion of a leaver's most trusted report, B-tree-like placement
 * and splits, ramp-up, mentoring and determinism. Scenarios run through the engine
 * with the trust and hiring modules only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "evidence.h"
#include "shared.h"
#include "hiring.h"
#include "modules.h"
#include "trust.h"
#include "test_support.h"

/* ---- Helpers ---------------------------------------------------------------------- */

static ts_engine *engine(const ts_scenario *sc, uint64_t seed, int threads) {
    const ts_module *mods[] = {&ts_module_trust, &ts_module_hiring};
    return tst_engine(sc, mods, 2, seed, threads);
}

/* Checks the tree's structure: report lists, depths, the span, the headcount; returns
 * the number of levels. */
static uint32_t check_tree(const ts_world *w) {
    uint32_t active = 0, levels = 0;
    for (uint32_t a = 0; a < w->n; a++) {
        if (!w->active[a]) {
            assert_int_equal(w->n_reports[a], 0);
            continue;
        }
        active++;
        uint32_t m = w->manager[a];
        if (a == w->root) {
            assert_int_equal(m, TS_NO_AGENT);
            assert_int_equal(w->depth[a], 0);
        } else {
            assert_true(m != TS_NO_AGENT);
            assert_true(w->active[m]);
            assert_int_equal(w->depth[a], w->depth[m] + 1);
        }
        uint32_t k = 0;
        for (uint32_t r = w->first_report[a]; r != TS_NO_AGENT; r = w->next_peer[r]) {
            assert_int_equal(w->manager[r], a);
            k++;
        }
        assert_int_equal(k, w->n_reports[a]);
        assert_true(k <= w->span);
        if ((uint32_t)w->depth[a] + 1 > levels) {
            levels = (uint32_t)w->depth[a] + 1;
        }
    }
    assert_int_equal(active, w->n_active);
    return levels;
}

/* The reports of m, in list order, into out (at most n); returns their number. */
static uint32_t reports_of(const ts_world *w, uint32_t m, uint32_t *out, uint32_t n) {
    uint32_t k = 0;
    for (uint32_t r = w->first_report[m]; r != TS_NO_AGENT && k < n; r = w->next_peer[r]) {
        out[k++] = r;
    }
    return k;
}

static double mentoring(const ts_world *w, uint32_t a) {
    return w->hours[(size_t)a * TS_HOURS_SLOTS + TS_HOURS_MENTORING];
}

/* ---- Traits ----------------------------------------------------------------------- */

static void moments(const float *x, size_t n, size_t stride, double *mean, double *sd) {
    double s = 0.0, ss = 0.0;
    for (size_t i = 0; i < n; i++) {
        s += x[i * stride];
    }
    *mean = s / (double)n;
    for (size_t i = 0; i < n; i++) {
        double d = x[i * stride] - *mean;
        ss += d * d;
    }
    *sd = sqrt(ss / (double)(n - 1));
}

static void test_trait_moments(void **state) {
    (void)state;
    ts_scenario *sc = tst_scenario("days: 1\norg: {headcount: 5000, warmup_days: 0}\n"
                                   "culture: {safety: 0.4321}\n");
    const uint64_t seeds[] = {11, 12, 13};
    for (size_t k = 0; k < 3; k++) {
        ts_engine *e = engine(sc, seeds[k], 1);
        const ts_world *w = ts_engine_world(e);
        assert_int_equal(w->n, 5000);
        double m, sd;
        /* Beta(mean 0.7, sd 0.12) per domain: the mean of 5000 draws has sd 0.0017, the
         * sample sd about 0.0012; the margins are about four of those. */
        for (uint32_t d = 0; d < w->n_domains; d++) {
            moments(ts_competence(w) + d, w->n, w->n_domains, &m, &sd);
            assert_true(fabs(m - 0.7) < 0.007);
            assert_true(fabs(sd - 0.12) < 0.006);
        }
        /* Candor, openness, empathy: sd 0.2, mean sd 0.0028. */
        moments(ts_candor(w), w->n, 1, &m, &sd);
        assert_true(fabs(m - 0.6) < 0.012);
        assert_true(fabs(sd - 0.2) < 0.01);
        moments(ts_openness(w), w->n, 1, &m, &sd);
        assert_true(fabs(m - 0.5) < 0.012);
        assert_true(fabs(sd - 0.2) < 0.01);
        moments(ts_empathy(w), w->n, 1, &m, &sd);
        assert_true(fabs(m - 0.6) < 0.012);
        assert_true(fabs(sd - 0.2) < 0.01);
        /* Domains are drawn independently: the correlation of two is near 0. */
        double m0, s0, m1, s1, c = 0.0;
        moments(ts_competence(w), w->n, w->n_domains, &m0, &s0);
        moments(ts_competence(w) + 1, w->n, w->n_domains, &m1, &s1);
        for (uint32_t a = 0; a < w->n; a++) {
            c += (ts_competence(w)[(size_t)a * w->n_domains] - m0) *
                 (ts_competence(w)[(size_t)a * w->n_domains + 1] - m1);
        }
        assert_true(fabs(c / (w->n - 1) / (s0 * s1)) < 0.06);
        for (uint32_t a = 0; a < w->n; a++) {
            assert_true(ts_candor(w)[a] > 0.0f && ts_candor(w)[a] < 1.0f);
            assert_true(ts_safety(w)[a] == 0.4321f);
            assert_true(ts_alignment(w)[a] == 0.0f);
        }
        ts_engine_free(e);
    }
    ts_scenario_free(sc);
}

static void test_trait_sd_zero_is_the_mean(void **state) {
    (void)state;
    ts_scenario *sc = tst_scenario("days: 1\norg: {headcount: 300, warmup_days: 0}\n"
                                   "population:\n  competence: {mean: 0.7317, sd: 0}\n"
                                   "  empathy: {mean: 0.2519, sd: 0}\n");
    ts_engine *e = engine(sc, 5, 1);
    const ts_world *w = ts_engine_world(e);
    for (uint32_t a = 0; a < w->n; a++) {
        for (uint32_t d = 0; d < w->n_domains; d++) {
            assert_true(ts_competence(w)[(size_t)a * w->n_domains + d] == 0.7317f);
        }
        assert_true(ts_empathy(w)[a] == 0.2519f);
    }
    /* Candor keeps its spread. */
    assert_true(ts_candor(w)[0] != ts_candor(w)[1]);
    ts_engine_free(e);
    ts_scenario_free(sc);
}

/* A hire's traits depend only on the run's seed and its id: agent 70, hired into an
 * organisation of 60, has the traits agent 70 has when it is there from the start. */
static void test_hire_traits_keyed_by_id(void **state) {
    (void)state;
    ts_scenario *grow =
        tst_scenario("days: 60\norg: {headcount: 60, warmup_days: 0}\n"
                     "hiring: {growth: linear, annual_rate: 2, attrition_annual: 0}\n"
                     "culture: {safety: 0.35}\n");
    ts_scenario *big = tst_scenario("days: 1\norg: {headcount: 100, warmup_days: 0}\n");
    ts_engine *e1 = engine(grow, 42, 1);
    ts_engine *e2 = engine(big, 42, 1);
    for (int d = 0; d < 60; d++) {
        tst_step(e1);
    }
    const ts_world *w1 = ts_engine_world(e1), *w2 = ts_engine_world(e2);
    assert_true(w1->n > 70);
    uint32_t D = w1->n_domains;
    for (uint32_t a = 60; a < 71; a++) {
        assert_true(w1->hire_day[a] >= 1);
        assert_memory_equal(ts_competence(w1) + (size_t)a * D, ts_competence(w2) + (size_t)a * D,
                            D * sizeof(float));
        assert_true(ts_candor(w1)[a] == ts_candor(w2)[a]);
        assert_true(ts_openness(w1)[a] == ts_openness(w2)[a]);
        assert_true(ts_empathy(w1)[a] == ts_empathy(w2)[a]);
        assert_true(ts_safety(w1)[a] == 0.35f);
    }
    ts_engine_free(e1);
    ts_engine_free(e2);
    ts_scenario_free(grow);
    ts_scenario_free(big);
}

/* ---- The target headcount --------------------------------------------------------- */

static void test_target_by_hand(void **state) {
    (void)state;
    ts_hiring_params p;
    memset(&p, 0, sizeof p);
    p.h0 = 60;
    p.max_headcount = 1e7;
    p.growth = TS_HIRING_NONE;
    assert_float_equal(ts_hiring_target(&p, 200), 60.0, 0.0);
    p.growth = TS_HIRING_EXPONENTIAL;
    p.annual_rate = 2.0;
    assert_float_equal(ts_hiring_target(&p, 0), 60.0, 1e-12);
    assert_float_equal(ts_hiring_target(&p, 365), 180.0, 1e-9);
    /* 60 * 3^(100/365) = 60 * e^(1.0986123 * 0.2739726) = 60 * e^0.3009897 = 81.0717. */
    assert_float_equal(ts_hiring_target(&p, 100), 81.0717, 1e-3);
    assert_float_equal(ts_hiring_target(&p, 730), 540.0, 1e-9);
    p.max_headcount = 150;
    assert_float_equal(ts_hiring_target(&p, 365), 150.0, 0.0);
    assert_float_equal(ts_hiring_target(&p, 100), 81.0717, 1e-3);
    p.max_headcount = 1e7;
    p.growth = TS_HIRING_LINEAR;
    p.h0 = 150;
    p.annual_rate = 0.5;
    /* 150 (1 + 0.5 * 73 / 365) = 150 * 1.1 = 165. */
    assert_float_equal(ts_hiring_target(&p, 73), 165.0, 1e-9);
    assert_float_equal(ts_hiring_target(&p, 365), 225.0, 1e-9);
    p.growth = TS_HIRING_SCHEDULE;
    double xs[] = {10, 110, 210}, ys[] = {200, 300, 250};
    p.sched_day = xs;
    p.sched_people = ys;
    p.n_sched = 3;
    assert_float_equal(ts_hiring_target(&p, 0), 200.0, 0.0);
    assert_float_equal(ts_hiring_target(&p, 10), 200.0, 0.0);
    assert_float_equal(ts_hiring_target(&p, 37), 227.0, 1e-9);
    assert_float_equal(ts_hiring_target(&p, 110), 300.0, 1e-9);
    assert_float_equal(ts_hiring_target(&p, 163), 273.5, 1e-9);
    assert_float_equal(ts_hiring_target(&p, 210), 250.0, 1e-9);
    assert_float_equal(ts_hiring_target(&p, 999), 250.0, 0.0);
    p.max_headcount = 240;
    assert_float_equal(ts_hiring_target(&p, 163), 240.0, 0.0);
    assert_float_equal(ts_hiring_target(&p, 37), 227.0, 1e-9);
    p.n_sched = 0; /* no points: the starting headcount */
    assert_float_equal(ts_hiring_target(&p, 37), 150.0, 0.0);
}

static void test_params_load(void **state) {
    (void)state;
    ts_scenario *sc =
        tst_scenario("org: {headcount: 120}\nculture: {safety: 0.55}\n"
                     "hiring: {growth: schedule, schedule: [[0, 120], [100, 170]], "
                     "max_headcount: 160, attrition_annual: 0.13, promote_from_within: 0.27, "
                     "ramp_days: 45, mentoring_hours: 1.5}\n"
                     "population: {candor: {mean: 0.41, sd: 0.07}}\n");
    ts_hiring_params p;
    ts_error err;
    assert_int_equal(ts_hiring_params_load(sc, &p, &err), TS_OK);
    assert_int_equal(p.growth, TS_HIRING_SCHEDULE);
    assert_float_equal(p.h0, 120, 0);
    assert_int_equal(p.n_sched, 2);
    assert_float_equal(p.sched_day[1], 100, 0);
    assert_float_equal(p.sched_people[1], 170, 0);
    assert_float_equal(p.max_headcount, 160, 0);
    assert_float_equal(p.attrition_annual, 0.13, 1e-12);
    assert_float_equal(p.promote_from_within, 0.27, 1e-12);
    assert_int_equal(p.ramp_days, 45);
    assert_float_equal(p.mentoring_hours, 1.5, 1e-12);
    assert_float_equal(p.safety, 0.55, 1e-12);
    assert_float_equal(p.candor.mean, 0.41, 1e-12);
    assert_float_equal(p.candor.sd, 0.07, 1e-12);
    assert_float_equal(p.competence.mean, 0.7, 1e-12);
    /* (120 + 170) / 2 at day 50, capped at 160 from day 80 on. */
    assert_float_equal(ts_hiring_target(&p, 50), 145.0, 1e-9);
    assert_float_equal(ts_hiring_target(&p, 90), 160.0, 0.0);
    ts_hiring_params_free(&p);
    assert_null(p.sched_day);
    ts_hiring_params_free(&p); /* twice is harmless */
    ts_scenario_free(sc);

    const char *kinds[] = {"none", "exponential", "linear"};
    const ts_hiring_growth want[] = {TS_HIRING_NONE, TS_HIRING_EXPONENTIAL, TS_HIRING_LINEAR};
    for (int k = 0; k < 3; k++) {
        char text[128];
        snprintf(text, sizeof text, "hiring: {growth: %s}\n", kinds[k]);
        sc = tst_scenario(text);
        assert_int_equal(ts_hiring_params_load(sc, &p, &err), TS_OK);
        assert_int_equal(p.growth, want[k]);
        assert_int_equal(p.n_sched, 0);
        ts_hiring_params_free(&p);
        ts_scenario_free(sc);
    }
}

/* ---- Growth and the shape of the tree ---------------------------------------------- */

/* Runs a growth scenario day by day, checking the tree every day; the headcount of a
 * recorded day must lie in [round(H), round(H) + over] and the levels must not pass
 * ceil(log_span(headcount)) + slack. Returns the largest excess of the headcount. */
static int follow_target(const char *text, uint64_t seed, int over, int slack, uint32_t *final_n) {
    ts_scenario *sc = tst_scenario(text);
    ts_hiring_params p;
    ts_error err;
    assert_int_equal(ts_hiring_params_load(sc, &p, &err), TS_OK);
    ts_engine *e = engine(sc, seed, 1);
    const ts_world *w = ts_engine_world(e);
    int32_t days = (int32_t)ts_scenario_int(sc, "days");
    int worst = 0;
    while (w->day < days) {
        tst_step(e);
        uint32_t levels = check_tree(w);
        double target = w->day >= 1 ? floor(ts_hiring_target(&p, w->day) + 0.5) : p.h0;
        int excess = (int)w->n_active - (int)target;
        if (excess < 0 || excess > over) {
            print_error("day %d: headcount %u, target %g\n", w->day, w->n_active, target);
        }
        assert_true(excess >= 0 && excess <= over);
        worst = excess > worst ? excess : worst;
        /* Depth grows like log_span(headcount). */
        double bound = ceil(log((double)w->n_active) / log((double)w->span) - 1e-9) + slack;
        if (levels > bound) {
            print_error("day %d: %u levels for %u people\n", w->day, levels, w->n_active);
        }
        assert_true(levels <= bound);
    }
    *final_n = w->n_active;
    ts_engine_free(e);
    ts_hiring_params_free(&p);
    ts_scenario_free(sc);
    return worst;
}

static void test_exponential_growth_follows_target(void **state) {
    (void)state;
    /* Every new team is led by a promoted member: nobody is hired beyond the target. */
    const char *text = "days: 365\norg: {headcount: 60, warmup_days: 20}\n"
                       "hiring: {growth: exponential, annual_rate: 2, promote_from_within: 1, "
                       "attrition_annual: 0.1}\n";
    for (uint64_t seed = 1; seed <= 3; seed++) {
        uint32_t n;
        follow_target(text, seed, 1, 2, &n);
        assert_in_range(n, 179, 181);
    }
}

static void test_hired_managers_count_toward_target(void **state) {
    (void)state;
    /* New teams get hired managers: a split can overshoot the target by the managers it
     * hires (a leaf, its parent, a new level of two), and the target catches up. */
    const char *text = "days: 365\norg: {headcount: 60, warmup_days: 10}\n"
                       "hiring: {growth: exponential, annual_rate: 2, promote_from_within: 0, "
                       "attrition_annual: 0.1}\n";
    int worst_all = 0;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        uint32_t n;
        int worst = follow_target(text, seed, 4, 2, &n);
        worst_all = worst > worst_all ? worst : worst_all;
        assert_in_range(n, 180, 184);
    }
    /* Hired managers do overshoot at some point. */
    assert_true(worst_all >= 1);
}

static void test_large_growth_stays_balanced(void **state) {
    (void)state;
    /* 50 -> 5000 in a year with the default span 7, attrition and mixed promotion:
     * never more than ceil(log_7(headcount)) + 2 levels. */
    const char *text = "days: 365\norg: {headcount: 50, warmup_days: 5}\n"
                       "hiring: {growth: exponential, annual_rate: 99, attrition_annual: 0.3}\n";
    for (uint64_t seed = 7; seed <= 8; seed++) {
        uint32_t n;
        follow_target(text, seed, 4, 2, &n);
        assert_in_range(n, 5000, 5004);
    }
    /* A narrow span splits into halves of 2: teams are between half and full, so the
     * tree is about log(n) / log(0.7 span) deep, one level more than log_span allows for
     * here (50 -> 3000, 9 levels at the end where log_4(3000) = 5.8). */
    text = "days: 365\norg: {headcount: 50, span_of_control: 4, warmup_days: 5}\n"
           "hiring: {growth: exponential, annual_rate: 59, attrition_annual: 0.3}\n";
    uint32_t n;
    follow_target(text, 9, 4, 3, &n);
    assert_in_range(n, 3000, 3004);
}

static void test_growth_none_and_cap(void **state) {
    (void)state;
    uint32_t n;
    /* The cap holds from the day H(t) reaches it. */
    follow_target("days: 200\norg: {headcount: 40, span_of_control: 5, warmup_days: 0}\n"
                  "hiring: {growth: linear, annual_rate: 3, max_headcount: 90, "
                  "promote_from_within: 1}\n",
                  3, 1, 2, &n);
    assert_in_range(n, 90, 91);
    follow_target("days: 100\norg: {headcount: 40, span_of_control: 5, warmup_days: 30}\n"
                  "hiring: {growth: none, promote_from_within: 1, attrition_annual: 0.4}\n",
                  3, 1, 2, &n);
    assert_in_range(n, 40, 41);
}

/* ---- Splits ------------------------------------------------------------------------ */

/* Span 3, 13 people: 0 leads 1, 2, 3; 1 leads 4, 5, 6; 2 leads 7..9; 3 leads 10..12.
 * Removing 3's team leaves the CEO room for a new team, and the schedule asks for one
 * hire on day 1. Manager 1 has seen 4 do design work and 5 handle people. */
static ts_engine *split_world(const char *domains, const char *promote, ts_scenario **sc) {
    char text[512];
    snprintf(text, sizeof text,
             "days: 5\ndomains: %s\norg: {headcount: 13, span_of_control: 3, warmup_days: 0}\n"
             "hiring: {growth: schedule, schedule: [[0, 10]], promote_from_within: %s, "
             "attrition_annual: 0, mentoring_hours: 0}\n",
             domains, promote);
    *sc = tst_scenario(text);
    ts_engine *e = engine(*sc, 99, 1);
    ts_world *w = ts_engine_world_mut(e);
    ts_world_remove_agent(w, 10, 0);
    ts_world_remove_agent(w, 11, 0);
    ts_world_remove_agent(w, 12, 0);
    ts_world_remove_agent(w, 3, 0);
    assert_int_equal(w->n_active, 9);
    /* Design evidence 40: T(design) = 0.776, the domain average of four 0.469. People
     * evidence 5 (domain index 2 or 1): T = 0.664, averaged 0.441. Strangers: 0.367. */
    uint32_t people = strstr(domains, "people") ? 2 : 1;
    ts_ev_observe_now(w, 1, 4, 0, 1, 40.0f);
    ts_ev_observe_now(w, 1, 5, people, 1, 5.0f);
    return e;
}

static void test_split_promotes_most_trusted_in_people(void **state) {
    (void)state;
    ts_scenario *sc;
    ts_engine *e = split_world("[design, roadmap, people, debugging]", "1", &sc);
    const ts_world *w = ts_engine_world(e);
    tst_step(e);
    check_tree(w);
    /* Hire 13 joins team 1 (tied smallest, lowest id): 4 > 3 reports. 5 leads the new
     * team under the CEO and takes the later half of {4, 6, 13}: 13. */
    assert_int_equal(w->n, 14);
    assert_int_equal(w->n_active, 10);
    assert_int_equal(w->manager[5], 0);
    assert_int_equal(w->depth[5], 1);
    uint32_t r[8];
    assert_int_equal(reports_of(w, 5, r, 8), 1);
    assert_int_equal(r[0], 13);
    assert_int_equal(w->depth[13], 2);
    assert_int_equal(w->hire_day[13], 1);
    assert_int_equal(reports_of(w, 1, r, 8), 2);
    assert_int_equal(r[0], 4);
    assert_int_equal(r[1], 6);
    assert_int_equal(reports_of(w, 0, r, 8), 3);
    assert_int_equal(r[2], 5);
    ts_engine_free(e);
    ts_scenario_free(sc);
}

static void test_split_without_people_domain_uses_average(void **state) {
    (void)state;
    ts_scenario *sc;
    ts_engine *e = split_world("[design, debugging]", "1", &sc);
    const ts_world *w = ts_engine_world(e);
    tst_step(e);
    check_tree(w);
    /* Averaged over two domains 4 scores 0.571 and 5 0.515: 4 is promoted. */
    assert_int_equal(w->manager[4], 0);
    uint32_t r[8];
    assert_int_equal(reports_of(w, 4, r, 8), 1);
    assert_int_equal(r[0], 13);
    assert_int_equal(reports_of(w, 1, r, 8), 2);
    assert_int_equal(r[0], 5);
    assert_int_equal(r[1], 6);
    ts_engine_free(e);
    ts_scenario_free(sc);
}

static void test_split_hires_a_manager(void **state) {
    (void)state;
    ts_scenario *sc;
    ts_engine *e = split_world("[design, roadmap, people, debugging]", "0", &sc);
    const ts_world *w = ts_engine_world(e);
    tst_step(e);
    check_tree(w);
    /* 14 is hired to lead the later half of {4, 5, 6, 13}; it counts as a hire. */
    assert_int_equal(w->n, 15);
    assert_int_equal(w->n_active, 11);
    assert_int_equal(w->manager[14], 0);
    assert_int_equal(w->hire_day[14], 1);
    assert_true(ts_safety(w)[14] == 0.6f);
    assert_true(ts_candor(w)[14] > 0.0f);
    uint32_t r[8];
    assert_int_equal(reports_of(w, 14, r, 8), 2);
    assert_int_equal(r[0], 6);
    assert_int_equal(r[1], 13);
    assert_int_equal(reports_of(w, 1, r, 8), 2);
    /* Day 2: 11 people against a target of 10, nobody hired. */
    tst_step(e);
    assert_int_equal(w->n, 15);
    ts_engine_free(e);
    ts_scenario_free(sc);
}

static void test_ceo_over_span_inserts_a_level(void **state) {
    (void)state;
    const char *promote[] = {"1", "0"};
    for (int k = 0; k < 2; k++) {
        char text[256];
        /* Span 7, 8 people: the CEO leads 7 ICs; one hire makes 8. */
        snprintf(text, sizeof text,
                 "days: 5\norg: {headcount: 8, warmup_days: 0}\n"
                 "hiring: {growth: schedule, schedule: [[0, 9]], promote_from_within: %s, "
                 "attrition_annual: 0}\n",
                 promote[k]);
        ts_scenario *sc = tst_scenario(text);
        ts_engine *e = engine(sc, 3, 1);
        const ts_world *w = ts_engine_world(e);
        tst_step(e);
        assert_int_equal(check_tree(w), 3);
        uint32_t r[16];
        assert_int_equal(reports_of(w, 0, r, 16), 2);
        if (k == 0) {
            /* Groups {1, 2, 3, 4} and {5, 6, 7, 8}: the CEO knows nobody, so the lowest
             * id of each leads the rest of its group. */
            assert_int_equal(w->n_active, 9);
            assert_int_equal(r[0], 1);
            assert_int_equal(r[1], 5);
            uint32_t g[8];
            assert_int_equal(reports_of(w, 1, g, 8), 3);
            assert_int_equal(g[0], 2);
            assert_int_equal(g[2], 4);
            assert_int_equal(reports_of(w, 5, g, 8), 3);
            assert_int_equal(g[2], 8);
        } else {
            /* Two managers are hired: 9 leads {1..4}, 10 leads {5..8}. */
            assert_int_equal(w->n_active, 11);
            assert_int_equal(r[0], 9);
            assert_int_equal(r[1], 10);
            assert_int_equal(w->n_reports[9], 4);
            assert_int_equal(w->manager[8], 10);
            assert_int_equal(w->depth[8], 2);
        }
        ts_engine_free(e);
        ts_scenario_free(sc);
    }
}

static void test_one_person_org(void **state) {
    (void)state;
    ts_scenario *sc = tst_scenario("days: 5\norg: {headcount: 1, warmup_days: 0}\n"
                                   "hiring: {growth: schedule, schedule: [[0, 2], [2, 2], [3, 3]], "
                                   "attrition_annual: 0, mentoring_hours: 1.25, ramp_days: 10}\n");
    ts_engine *e = engine(sc, 8, 1);
    const ts_world *w = ts_engine_world(e);
    tst_step(e);
    check_tree(w);
    assert_int_equal(w->n_active, 2);
    assert_int_equal(w->manager[1], 0);
    /* The hire has no teammate: its manager mentors it. */
    assert_float_equal(mentoring(w, 0), 1.25, 1e-6);
    assert_float_equal(mentoring(w, 1), 0.0, 0.0);
    tst_step(e);
    tst_step(e);
    /* Day 3: 2 joins the CEO's team; each hire now mentored by the other. */
    assert_int_equal(w->n_active, 3);
    assert_int_equal(w->manager[2], 0);
    assert_float_equal(mentoring(w, 0), 0.0, 0.0);
    assert_float_equal(mentoring(w, 1), 1.25, 1e-6);
    assert_float_equal(mentoring(w, 2), 1.25, 1e-6);
    ts_engine_free(e);
    ts_scenario_free(sc);
}

/* ---- Attrition ---------------------------------------------------------------------- */

static uint32_t count_leavers(const ts_world *w) {
    uint32_t k = 0;
    for (uint32_t a = 0; a < w->n; a++) {
        k += w->leave_day[a] != INT32_MAX;
    }
    return k;
}

static double series_sum(const ts_result *r, const char *name) {
    const ts_series *s = tst_series(r, name);
    double t = 0.0;
    for (size_t i = 1; i < s->n; i++) {
        t += s->values[i];
    }
    return t;
}

static void test_attrition_rate(void **state) {
    (void)state;
    /* 400 people, growth none, safety 0.5: each of 399 leaves with 0.5/365 a day and is
     * replaced the same day. Leavers in a year: 199.5, sd 14.1; safety 0.9 scales the
     * rate by 0.6: 119.7, sd 10.9. Margins are four sds. */
    const char *safety[] = {"0.5", "0.9"};
    const double expect[] = {199.5, 119.7}, margin[] = {57, 44};
    for (int k = 0; k < 2; k++) {
        char text[256];
        snprintf(text, sizeof text,
                 "days: 365\norg: {headcount: 400, warmup_days: 0}\nculture: {safety: %s}\n"
                 "hiring: {attrition_annual: 0.5, promote_from_within: 1}\n",
                 safety[k]);
        ts_scenario *sc = tst_scenario(text);
        for (uint64_t seed = 21; seed <= 23; seed++) {
            ts_engine *e = engine(sc, seed, 2);
            ts_result res;
            ts_error err;
            ts_result_init(&res);
            assert_int_equal(ts_engine_run(e, &res, &err), TS_OK);
            const ts_world *w = ts_engine_world(e);
            uint32_t left = count_leavers(w);
            assert_true(fabs(left - expect[k]) < margin[k]);
            assert_float_equal(series_sum(&res, "leavers"), left, 0);
            assert_true(series_sum(&res, "hires") >= left);
            const ts_series *hc = ts_result_find_series(&res, "headcount");
            for (size_t d = 0; d < hc->n; d++) {
                assert_true(hc->values[d] >= 400 && hc->values[d] <= 401);
            }
            assert_true(w->active[0]); /* the CEO stays */
            check_tree(w);
            ts_result_free(&res);
            ts_engine_free(e);
        }
        ts_scenario_free(sc);
    }
}

/* Makes exactly agent `who` leave on the next day: with attrition_annual 1 its daily
 * chance 1/365 (1.5 - safety) is 1 at safety 1.5 - 365, everyone else's 0 at 1.5. */
static void doom(ts_world *w, uint32_t who) {
    for (uint32_t a = 0; a < w->n; a++) {
        ts_safety(w)[a] = a == who ? 1.5f - 365.0f : 1.5f;
    }
}

static void test_leaving_manager_replaced_by_most_trusted(void **state) {
    (void)state;
    ts_scenario *sc =
        tst_scenario("days: 5\norg: {headcount: 13, span_of_control: 3, warmup_days: 0}\n"
                     "hiring: {attrition_annual: 1, mentoring_hours: 0}\n");
    ts_engine *e = engine(sc, 17, 1);
    ts_world *w = ts_engine_world_mut(e);
    ts_ev_observe_now(w, 1, 6, 2, 1, 6.0f); /* 1 leads 4, 5, 6 and trusts 6 with people */
    ts_ev_observe_now(w, 1, 4, 0, 1, 30.0f);
    doom(w, 1);
    tst_step(e);
    check_tree(w);
    assert_false(w->active[1]);
    assert_int_equal(w->leave_day[1], 1);
    assert_int_equal(ts_relstore_count(&w->models, 1), 0);
    assert_int_equal(w->manager[6], 0);
    assert_int_equal(w->depth[6], 1);
    /* 6 leads 4 and 5, and the replacement hire 13 joins the smallest team: 6's. */
    uint32_t r[8];
    assert_int_equal(reports_of(w, 6, r, 8), 3);
    assert_int_equal(r[0], 4);
    assert_int_equal(r[1], 5);
    assert_int_equal(r[2], 13);
    assert_int_equal(w->n_active, 13);
    ts_engine_free(e);
    ts_scenario_free(sc);
}

static void test_leaving_manager_of_managers_promotes_a_chain(void **state) {
    (void)state;
    /* Span 2, 15 people: 1 leads 3 and 4; 3 leads 7, 8; 4 leads 9, 10. 1 trusts 4 most,
     * 4 trusts 10 most. When 1 leaves, 4 takes its place and 10 takes 4's. */
    ts_scenario *sc =
        tst_scenario("days: 5\norg: {headcount: 15, span_of_control: 2, warmup_days: 0}\n"
                     "hiring: {attrition_annual: 1, mentoring_hours: 0}\n");
    ts_engine *e = engine(sc, 18, 1);
    ts_world *w = ts_engine_world_mut(e);
    ts_ev_observe_now(w, 1, 4, 2, 1, 6.0f);
    ts_ev_observe_now(w, 4, 10, 2, 1, 6.0f);
    doom(w, 1);
    tst_step(e);
    check_tree(w);
    assert_false(w->active[1]);
    assert_int_equal(w->manager[4], 0);
    uint32_t r[8];
    assert_int_equal(reports_of(w, 4, r, 8), 2);
    assert_int_equal(r[0], 3);
    assert_int_equal(r[1], 10);
    assert_int_equal(w->depth[10], 2);
    /* 10 leads 9; the replacement hire 15 joins the smallest leaf team, 10's. */
    assert_int_equal(reports_of(w, 10, r, 8), 2);
    assert_int_equal(r[0], 9);
    assert_int_equal(r[1], 15);
    assert_int_equal(w->depth[9], 3);
    assert_int_equal(w->n_reports[3], 2);
    ts_engine_free(e);
    ts_scenario_free(sc);
}

/* ---- Ramp-up and mentoring ------------------------------------------------------------ */

static void test_ramp_factor(void **state) {
    (void)state;
    ts_world w;
    ts_error err;
    assert_int_equal(ts_world_init(&w, 2, 8, 0.998, &err), TS_OK);
    w.warmup_days = 250;
    assert_int_equal(ts_world_build_tree(&w, 3, 2, -250, &err), TS_OK);
    uint32_t late, warm;
    assert_int_equal(ts_world_add_agent(&w, 1, 10, &late, &err), TS_OK);
    assert_int_equal(ts_world_add_agent(&w, 1, -100, &warm, &err), TS_OK);
    w.day = 10;
    assert_float_equal(ts_hiring_ramp(&w, late, 100), 0.6, 1e-6);
    assert_float_equal(ts_hiring_ramp(&w, 1, 100), 1.0, 0.0); /* there from the start */
    w.day = 35;
    assert_float_equal(ts_hiring_ramp(&w, late, 100), 0.7, 1e-6);
    w.day = 60;
    assert_float_equal(ts_hiring_ramp(&w, late, 100), 0.8, 1e-6);
    assert_float_equal(ts_hiring_ramp(&w, late, 40), 1.0, 1e-6);
    assert_float_equal(ts_hiring_ramp(&w, late, 0), 1.0, 0.0);
    w.day = 110;
    assert_float_equal(ts_hiring_ramp(&w, late, 100), 1.0, 1e-6);
    w.day = 400;
    assert_float_equal(ts_hiring_ramp(&w, late, 100), 1.0, 1e-6);
    /* A replacement hired during the warm-up ramps up too. */
    w.day = -63;
    assert_float_equal(ts_hiring_ramp(&w, warm, 85), 0.6 + 0.4 * 37.0 / 85.0, 1e-6);
    ts_world_free(&w);
}

static void test_mentoring_by_most_trusted_teammate(void **state) {
    (void)state;
    /* Span 3, 13 people; 6 leaves before day 1, so the hire 13 joins 1's team {4, 5}.
     * 1 trusts 5 with people, 4 only with design: 5 mentors 13 while it ramps up. */
    ts_scenario *sc =
        tst_scenario("days: 9\norg: {headcount: 13, span_of_control: 3, warmup_days: 0}\n"
                     "hiring: {attrition_annual: 0, mentoring_hours: 1.75, ramp_days: 3}\n");
    ts_engine *e = engine(sc, 4, 1);
    ts_world *w = ts_engine_world_mut(e);
    ts_world_remove_agent(w, 6, 0);
    ts_ev_observe_now(w, 1, 4, 0, 1, 40.0f);
    ts_ev_observe_now(w, 1, 5, 2, 1, 5.0f);
    for (int day = 1; day <= 4; day++) {
        tst_step(e);
        assert_int_equal(w->manager[13], 1);
        double want = day <= 3 ? 1.75 : 0.0; /* tenure 0, 1, 2 < 3 */
        assert_float_equal(mentoring(w, 5), want, 1e-6);
        double others = 0.0;
        for (uint32_t a = 0; a < w->n; a++) {
            others += a == 5 ? 0.0 : mentoring(w, a);
        }
        assert_float_equal(others, 0.0, 0.0);
    }
    ts_engine_free(e);
    ts_scenario_free(sc);
}

/* ---- Determinism --------------------------------------------------------------------- */

static void run_growth(const ts_scenario *sc, uint64_t seed, int threads, ts_engine **e,
                       ts_result *res) {
    ts_error err;
    *e = engine(sc, seed, threads);
    ts_result_init(res);
    assert_int_equal(ts_engine_run(*e, res, &err), TS_OK);
}

static int same_world(const ts_world *a, const ts_world *b) {
    if (a->n != b->n || a->n_active != b->n_active) {
        return 0;
    }
    size_t n = a->n, D = a->n_domains;
    return memcmp(a->manager, b->manager, n * sizeof *a->manager) == 0 &&
           memcmp(a->first_report, b->first_report, n * sizeof *a->first_report) == 0 &&
           memcmp(a->next_peer, b->next_peer, n * sizeof *a->next_peer) == 0 &&
           memcmp(a->depth, b->depth, n * sizeof *a->depth) == 0 &&
           memcmp(a->hire_day, b->hire_day, n * sizeof *a->hire_day) == 0 &&
           memcmp(a->leave_day, b->leave_day, n * sizeof *a->leave_day) == 0 &&
           memcmp(ts_competence(a), ts_competence(b), n * D * sizeof(float)) == 0 &&
           memcmp(ts_candor(a), ts_candor(b), n * sizeof(float)) == 0 &&
           memcmp(a->hours, b->hours, n * TS_HOURS_SLOTS * sizeof *a->hours) == 0;
}

static void test_same_trees_on_1_and_2_threads(void **state) {
    (void)state;
    ts_scenario *sc = tst_scenario("days: 150\norg: {headcount: 300, warmup_days: 30}\n"
                                   "hiring: {growth: exponential, annual_rate: 3, "
                                   "attrition_annual: 0.3, ramp_days: 40}\n");
    ts_engine *e1, *e2, *e3;
    ts_result r1, r2, r3;
    run_growth(sc, 5, 1, &e1, &r1);
    run_growth(sc, 5, 2, &e2, &r2);
    run_growth(sc, 6, 2, &e3, &r3);
    const ts_world *w1 = ts_engine_world(e1);
    assert_true(w1->n > 500);
    assert_true(count_leavers(w1) > 10);
    assert_true(same_world(w1, ts_engine_world(e2)));
    assert_false(same_world(w1, ts_engine_world(e3)));
    const char *names[] = {"hires", "leavers", "headcount", "depth"};
    for (int k = 0; k < 4; k++) {
        const ts_series *s1 = ts_result_find_series(&r1, names[k]);
        const ts_series *s2 = ts_result_find_series(&r2, names[k]);
        assert_non_null(s1);
        assert_non_null(s2);
        assert_memory_equal(s1->values, s2->values, s1->n * sizeof(double));
    }
    ts_result_free(&r1);
    ts_result_free(&r2);
    ts_result_free(&r3);
    ts_engine_free(e1);
    ts_engine_free(e2);
    ts_engine_free(e3);
    ts_scenario_free(sc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trait_moments),
        cmocka_unit_test(test_trait_sd_zero_is_the_mean),
        cmocka_unit_test(test_hire_traits_keyed_by_id),
        cmocka_unit_test(test_target_by_hand),
        cmocka_unit_test(test_params_load),
        cmocka_unit_test(test_exponential_growth_follows_target),
        cmocka_unit_test(test_hired_managers_count_toward_target),
        cmocka_unit_test(test_large_growth_stays_balanced),
        cmocka_unit_test(test_growth_none_and_cap),
        cmocka_unit_test(test_split_promotes_most_trusted_in_people),
        cmocka_unit_test(test_split_without_people_domain_uses_average),
        cmocka_unit_test(test_split_hires_a_manager),
        cmocka_unit_test(test_ceo_over_span_inserts_a_level),
        cmocka_unit_test(test_one_person_org),
        cmocka_unit_test(test_attrition_rate),
        cmocka_unit_test(test_leaving_manager_replaced_by_most_trusted),
        cmocka_unit_test(test_leaving_manager_of_managers_promotes_a_chain),
        cmocka_unit_test(test_ramp_factor),
        cmocka_unit_test(test_mentoring_by_most_trusted_teammate),
        cmocka_unit_test(test_same_trees_on_1_and_2_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
