/* Tests of models/offsites.c: on which days offsites happen, who meets whom (the
 * department, the CEO with its direct reports), what each side of a meeting learns and
 * what the day costs, busy and departed people, large departments, workspaces that grow
 * mid-day, the metrics, the scenario keys, and the behaviour over several seeds (more
 * colleagues of one's department known, more hours in meetings on offsite days). */
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
#include "modules.h"
#include "offsites.h"
#include "test_support.h"

/* A hand-built world: 13 people, span 3 (CEO 0; department heads 1, 2, 3; 1 -> 4 5 6,
 * 2 -> 7 8 9, 3 -> 10 11 12), unless `manual` builds it; two domains; no forgetting.
 * Everyone always succeeds in domain 0 and always fails in domain 1 (competence 1 and 0
 * under a sharp success link), so an observation is a success exactly when its domain
 * is 0. */
typedef tst_world fixture;

static void fx_open(fixture *f, const char *yaml, int manual) {
    char text[512];
    snprintf(text, sizeof text, "%s%s", yaml, strstr(yaml, "work:") ? "" : TST_SHARP_LINK);
    tst_world_open(f, &ts_module_offsites, text, 2, 128, manual ? 0 : 13, 3);
}

/* Sets the competences and configures the module (after the world is built). */
static void fx_configure(fixture *f) {
    for (uint32_t a = 0; a < f->w.n; a++) {
        ts_competence(&f->w)[a * 2] = 1.0f;
        ts_competence(&f->w)[a * 2 + 1] = 0.0f;
    }
    tst_world_configure(f);
}

/* One org phase on `day`, as the engine runs it: the hours ledger starts clean. */
static void fx_org(fixture *f, int32_t day) {
    tst_world_org(f, day, 16, 4242);
}

/* i's model of j: its total evidence (checking that every observation was a success in
 * domain 0 or a failure in domain 1) and its goodwill; -1 without a model. */
static double evidence(const ts_world *w, uint32_t i, uint32_t j, double *goodwill) {
    int slot = ts_relstore_find(&w->models, i, j);
    if (goodwill) {
        *goodwill = 0.0;
    }
    if (slot < 0) {
        return -1.0;
    }
    ts_belief b;
    ts_relstore_read(&w->models, i, (uint32_t)slot, w->day, &b);
    assert_float_equal(b.alpha_e[1] + b.beta_e[0], 0.0, 0.0);
    if (goodwill) {
        *goodwill = b.goodwill;
    }
    return b.alpha_e[0] + b.beta_e[1];
}

static void metrics(fixture *f, double *held, double *attendees) {
    double v[2] = {-1.0, -1.0};
    tst_world_metrics(f, v, 2);
    *held = v[0];
    *attendees = v[1];
}

/* The department in the 13-person world: the head (1-3), or 0 for the CEO. */
static uint32_t dept13(uint32_t a) {
    return a == 0 ? 0 : a <= 3 ? a : 1 + (a - 4) / 3;
}

/* meetings 10 is more than anyone's pool, so everyone meets all of its pool: members of
 * a department meet each other twice (each draws the other): 0.6 of evidence and 0.06
 * of goodwill each way; the CEO meets each head once: 0.3 and 0.03. Nobody meets another
 * department. The day costs everyone work.hours_per_day (7.25) once, in meetings.
 * Meetings: 3 by the CEO, 3 by each of the other 12 = 39; 13 attendees. */
static void test_everyone_meets_the_department(void **state) {
    (void)state;
    fixture f;
    fx_open(&f,
            "work: {hours_per_day: 7.25, skill_scale: 0.001}\n"
            "tactics: {offsites: {every: 180, meetings: 10}}\n",
            0);
    fx_configure(&f);
    fx_org(&f, 180);
    double held, att, g;
    metrics(&f, &held, &att);
    assert_float_equal(held, 39.0, 0.0);
    assert_float_equal(att, 13.0, 0.0);
    for (uint32_t i = 0; i < 13; i++) {
        assert_float_equal(tst_hours(&f.w, i, TS_HOURS_MEETINGS), 7.25, 1e-6);
        assert_float_equal(tst_hours_except(&f.w, i, TS_HOURS_MEETINGS), 0.0, 0.0);
        for (uint32_t j = 0; j < 13; j++) {
            double ev = evidence(&f.w, i, j, &g);
            int ceo_pair = (i == 0 && j >= 1 && j <= 3) || (j == 0 && i >= 1 && i <= 3);
            if (i != j && i != 0 && j != 0 && dept13(i) == dept13(j)) {
                assert_float_equal(ev, 0.6, 1e-6);
                assert_float_equal(g, 0.06, 1e-6);
            } else if (ceo_pair) {
                assert_float_equal(ev, 0.3, 1e-6);
                assert_float_equal(g, 0.03, 1e-6);
            } else {
                assert_float_equal(ev, -1.0, 0.0);
            }
        }
    }
    tst_world_close(&f);
}

/* meetings 1: everyone draws exactly one partner in its pool (13 meetings, 7.8 units of
 * evidence in all), nobody outside it; everyone took part. */
static void test_one_meeting_each(void **state) {
    (void)state;
    fixture f;
    fx_open(&f, "tactics: {offsites: {every: 90, meetings: 1}}\n", 0);
    fx_configure(&f);
    fx_org(&f, 90);
    double held, att, total = 0.0;
    metrics(&f, &held, &att);
    assert_float_equal(held, 13.0, 0.0);
    assert_float_equal(att, 13.0, 0.0);
    for (uint32_t i = 0; i < 13; i++) {
        assert_float_equal(tst_hours(&f.w, i, TS_HOURS_MEETINGS), 8.0, 1e-6);
        assert_true(ts_relstore_count(&f.w.models, i) >= 1);
        for (uint32_t j = 0; j < 13; j++) {
            double ev = evidence(&f.w, i, j, NULL);
            if (ev < 0.0) {
                continue;
            }
            total += ev;
            int ceo_pair = (i == 0 && j <= 3) || (j == 0 && i <= 3);
            assert_true(ceo_pair || (i != 0 && j != 0 && dept13(i) == dept13(j)));
            /* 0.3 per meeting: met once or twice. */
            assert_true(fabs(ev - 0.3) < 1e-6 || fabs(ev - 0.6) < 1e-6);
        }
    }
    assert_float_equal(total, 7.8, 1e-5);
    tst_world_close(&f);
}

/* Offsites on multiples of `every` only, the warm-up's too; meetings 0 holds none. */
static void test_schedule(void **state) {
    (void)state;
    fixture f;
    fx_open(&f, "tactics: {offsites: {every: 180}}\n", 0);
    fx_configure(&f);
    const int32_t days[] = {-181, -180, -1, 0, 179, 360};
    const int held_on[] = {0, 1, 0, 1, 0, 1};
    for (size_t k = 0; k < sizeof days / sizeof days[0]; k++) {
        double held, att;
        fx_org(&f, days[k]);
        metrics(&f, &held, &att);
        assert_float_equal(held, held_on[k] ? 39.0 : 0.0, 0.0);
        assert_float_equal(att, held_on[k] ? 13.0 : 0.0, 0.0);
        assert_float_equal(tst_hours(&f.w, 7, TS_HOURS_MEETINGS), held_on[k] ? 8.0 : 0.0, 1e-6);
    }
    /* Three offsites: 1.8 units about each department colleague. */
    assert_float_equal(evidence(&f.w, 7, 9, NULL), 1.8, 1e-5);
    tst_world_close(&f);

    fx_open(&f, "tactics: {offsites: {every: 1, meetings: 0}}\n", 0);
    fx_configure(&f);
    fx_org(&f, 5);
    for (uint32_t i = 0; i < 13; i++) {
        assert_float_equal(tst_hours(&f.w, i, TS_HOURS_MEETINGS), 0.0, 0.0);
        assert_int_equal(ts_relstore_count(&f.w.models, i), 0);
    }
    tst_world_close(&f);
}

/* A busy person (5) and a leaver (12) neither draw nor are drawn and pay nothing; a busy
 * CEO meets nobody, and its reports still meet their departments. */
static void test_busy_and_departed(void **state) {
    (void)state;
    fixture f;
    fx_open(&f, "tactics: {offsites: {every: 7}}\n", 0);
    fx_configure(&f);
    ts_busy(&f.w)[5] = 1;
    ts_world_remove_agent(&f.w, 12, 0);
    fx_org(&f, 7);
    double held, att;
    metrics(&f, &held, &att);
    /* CEO 3; department 1 without 5: 3 people x 2; department 2: 4 x 3; department 3
     * without 12: 3 x 2. */
    assert_float_equal(held, 3.0 + 6.0 + 12.0 + 6.0, 0.0);
    assert_float_equal(att, 11.0, 0.0);
    for (uint32_t i = 0; i < 13; i++) {
        int out = i == 5 || i == 12;
        assert_float_equal(tst_hours(&f.w, i, TS_HOURS_MEETINGS), out ? 0.0 : 8.0, 1e-6);
        assert_float_equal(evidence(&f.w, i, 5, NULL), -1.0, 0.0);
        assert_float_equal(evidence(&f.w, i, 12, NULL), -1.0, 0.0);
    }
    assert_int_equal(ts_relstore_count(&f.w.models, 5), 0);
    assert_float_equal(evidence(&f.w, 4, 6, NULL), 0.6, 1e-6);
    tst_world_close(&f);

    fx_open(&f, "tactics: {offsites: {every: 7}}\n", 0);
    fx_configure(&f);
    ts_busy(&f.w)[0] = 1;
    fx_org(&f, 14);
    metrics(&f, &held, &att);
    assert_float_equal(held, 36.0, 0.0);
    assert_float_equal(att, 12.0, 0.0);
    assert_float_equal(tst_hours(&f.w, 0, TS_HOURS_MEETINGS), 0.0, 0.0);
    assert_int_equal(ts_relstore_count(&f.w.models, 0), 0);
    assert_float_equal(evidence(&f.w, 1, 0, NULL), -1.0, 0.0);
    assert_float_equal(evidence(&f.w, 1, 4, NULL), 0.6, 1e-6);
    tst_world_close(&f);
}

/* A large department (head 1 with 100 reports 2..101) and a department of one (head 102
 * without reports). Each of 1..101 draws 10 distinct colleagues (the rejection path:
 * 100 others > 2 x 10), never itself and nobody outside; 102 has nobody to draw but the
 * CEO draws it (the CEO's pool is {1, 102}), so 102 is at the offsite too. Meetings:
 * 101 x 10 + 2 = 1012; evidence in all 2 x 0.3 x 1012 = 607.2. Everyone is drawn by
 * others about 10 times (each of 100 colleagues draws it with probability 0.1): the
 * spread of that count across people stays near a binomial's (sd 3). */
static void test_large_department(void **state) {
    (void)state;
    fixture f;
    ts_error err;
    uint32_t id;
    fx_open(&f, "tactics: {offsites: {every: 30, meetings: 10}}\n", 1);
    assert_int_equal(ts_world_add_agent(&f.w, TS_NO_AGENT, 0, &id, &err), TS_OK);
    assert_int_equal(ts_world_add_agent(&f.w, 0, 0, &id, &err), TS_OK);
    for (uint32_t k = 0; k < 100; k++) {
        assert_int_equal(ts_world_add_agent(&f.w, 1, 0, &id, &err), TS_OK);
    }
    assert_int_equal(ts_world_add_agent(&f.w, 0, 0, &id, &err), TS_OK);
    assert_int_equal(id, 102);
    fx_configure(&f);
    fx_org(&f, 30);
    double held, att, total = 0.0, sum = 0.0, sum2 = 0.0;
    metrics(&f, &held, &att);
    assert_float_equal(held, 1012.0, 0.0);
    assert_float_equal(att, 103.0, 0.0);
    for (uint32_t i = 0; i < 103; i++) {
        assert_float_equal(tst_hours(&f.w, i, TS_HOURS_MEETINGS), 8.0, 1e-6);
        uint32_t held_models = 0;
        for (uint32_t j = 0; j < 103; j++) {
            double ev = evidence(&f.w, i, j, NULL);
            if (ev < 0.0) {
                continue;
            }
            held_models++;
            total += ev;
            int ceo_pair = (i == 0 && (j == 1 || j == 102)) || (j == 0 && (i == 1 || i == 102));
            assert_true(ceo_pair || (i >= 1 && i <= 101 && j >= 1 && j <= 101));
        }
        if (i >= 1 && i <= 101) {
            assert_true(held_models >= 10);
            /* Evidence about i held by the department: 0.3 x (10 drawn + drawn by). */
            double by = 0.0;
            for (uint32_t j = 1; j <= 101; j++) {
                double ev = evidence(&f.w, j, i, NULL);
                by += ev > 0.0 ? ev : 0.0;
            }
            double drawn_by = by / 0.3 - 10.0;
            sum += drawn_by;
            sum2 += drawn_by * drawn_by;
        }
    }
    assert_int_equal(ts_relstore_count(&f.w.models, 102), 1);
    assert_float_equal(total, 607.2, 1e-3);
    double mean = sum / 101.0, sd = sqrt(sum2 / 101.0 - mean * mean);
    print_message("drawn by others: mean %.3f sd %.3f\n", mean, sd);
    assert_float_equal(mean, 10.0, 0.01);
    assert_true(sd > 2.0 && sd < 4.0);
    tst_world_close(&f);
}

/* People hired after the last grow call (today's hires, before the engine tells the
 * modules) take part all the same; the grow hook keeps up with the world. */
static void test_hires_outgrow_the_workspace(void **state) {
    (void)state;
    fixture f;
    ts_error err;
    fx_open(&f, "tactics: {offsites: {every: 10}}\n", 0);
    fx_configure(&f);
    uint32_t id = 0;
    for (uint32_t k = 0; k < 300; k++) {
        assert_int_equal(ts_world_add_agent(&f.w, 4 + k % 9, 5, &id, &err), TS_OK);
    }
    assert_int_equal(id, 312);
    for (uint32_t a = 13; a < f.w.n; a++) {
        ts_competence(&f.w)[a * 2] = 1.0f;
    }
    fx_org(&f, 10);
    double held, att;
    metrics(&f, &held, &att);
    assert_float_equal(att, 313.0, 0.0);
    assert_float_equal(held, 3.0 + 312.0 * 10.0, 0.0);
    assert_float_equal(tst_hours(&f.w, 312, TS_HOURS_MEETINGS), 8.0, 1e-6);
    /* Hire j works under 4 + (j - 13) % 9: 312 under 6, department 1. */
    for (uint32_t j = 0; j < f.w.n; j++) {
        if (evidence(&f.w, 312, j, NULL) >= 0.0) {
            assert_int_equal(dept13(j < 13 ? j : 4 + (j - 13) % 9), 1);
        }
    }
    assert_int_equal(ts_module_offsites.grow(f.st, &f.w, &err), TS_OK);
    tst_world_close(&f);
}

/* Keys out of range are refused; enabled: false keeps it off; the defaults. */
static void test_keys(void **state) {
    (void)state;
    const char *bad[] = {
        "tactics: {offsites: {every: 0}}\n", "tactics: {offsites: {every: 3651}}\n",
        "tactics: {offsites: {meetings: -1}}\n", "tactics: {offsites: {meetings: 1001}}\n"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        assert_int_equal(tst_scenario_status(bad[k], NULL), TS_ERR_SCENARIO);
    }
    ts_scenario *sc = tst_scenario("tactics: {offsites: {enabled: false}}\n");
    assert_false(ts_scenario_section_on(sc, "tactics.offsites"));
    ts_scenario_free(sc);
    sc = tst_scenario("tactics: {offsites: {}}\n");
    assert_true(ts_scenario_section_on(sc, "tactics.offsites"));
    assert_int_equal(ts_scenario_int(sc, "tactics.offsites.every"), 180);
    assert_int_equal(ts_scenario_int(sc, "tactics.offsites.meetings"), 10);
    ts_scenario_free(sc);
}

/* Through the engine with every module: the metrics are recorded and follow the
 * schedule, and an offsite day costs its attendees a full day in meetings. */
static void test_engine_run(void **state) {
    (void)state;
    ts_scenario *sc = tst_scenario("days: 30\norg: {headcount: 40, warmup_days: 10}\n"
                                   "output: {snapshot_every: 0}\n"
                                   "tactics: {offsites: {every: 12, meetings: 3}}\n");
    ts_engine_options eo = {.seed = 3, .threads = 2};
    ts_engine *e;
    ts_error err;
    ts_result r;
    ts_result_init(&r);
    assert_int_equal(ts_engine_create(sc, ts_modules, ts_n_modules, &eo, &e, &err), TS_OK);
    assert_non_null(ts_engine_module_state(e, "offsites"));
    assert_int_equal(ts_engine_run(e, &r, &err), TS_OK);
    const ts_series *held = ts_result_find_series(&r, "offsite_meetings");
    const ts_series *att = ts_result_find_series(&r, "offsite_attendees");
    const ts_series *hm = ts_result_find_series(&r, "hours_meetings");
    const ts_series *hc = ts_result_find_series(&r, "headcount");
    assert_non_null(held);
    assert_non_null(att);
    assert_non_null(hm);
    assert_non_null(hc);
    for (size_t d = 0; d < held->n; d++) {
        int on = d % 12 == 0;
        /* Everyone draws 3 (the CEO at most its reports); about everyone attends. */
        assert_true(on ? held->values[d] > 3.0 * (hc->values[d] - 5.0) : held->values[d] == 0.0);
        assert_true(on ? att->values[d] > 0.9 * hc->values[d] : att->values[d] == 0.0);
        if (on) {
            assert_true(hm->values[d] >= 8.0 * att->values[d] / hc->values[d] - 1e-6);
        }
    }
    ts_result_free(&r);
    ts_engine_free(e);
    ts_scenario_free(sc);
}

/* ---- Behaviour: on vs off over several seeds ------------------------------------------ */

#define SEEDS 5

/* Within-department coverage of the world after the run: the share of ordered pairs
 * (i, j) of employed people of the same department (the subtree of a depth-1 manager;
 * the CEO belongs to none) in which i holds a model of j with at least `min_ev` units of
 * competence evidence left. With min_ev 0 it counts any model; a higher bar asks that
 * the acquaintance still carries evidence (forgetting and the store's capacity erode
 * what an offsite gave). Teammates see each other's work every day anyway; an offsite
 * adds the rest of the department. */
static double dept_coverage(const ts_world *w, double min_ev) {
    uint32_t *dept = calloc(w->n, sizeof *dept);
    assert_non_null(dept);
    for (uint32_t a = 0; a < w->n; a++) {
        uint32_t h = a;
        while (w->active[a] && w->depth[h] > 1) {
            h = w->manager[h];
        }
        dept[a] = w->active[a] && w->depth[a] >= 1 ? h : TS_NO_AGENT;
    }
    double pairs = 0.0, known = 0.0;
    for (uint32_t i = 0; i < w->n; i++) {
        for (uint32_t j = 0; j < w->n && dept[i] != TS_NO_AGENT; j++) {
            if (j == i || dept[j] != dept[i]) {
                continue;
            }
            pairs += 1.0;
            int slot = ts_relstore_find(&w->models, i, j);
            if (slot >= 0 &&
                ts_relstore_evidence(&w->models, i, (uint32_t)slot, w->day) >= min_ev) {
                known += 1.0;
            }
        }
    }
    free(dept);
    return pairs > 0.0 ? known / pairs : NAN;
}

enum { B_ANY, B_EV1, B_MEET_OFFSITE, B_MEET, B_N };

/* The coverage after the run, the mean hours in meetings on offsite days (multiples of
 * `every` among the recorded days) and over all recorded days. */
static void run_arm(const char *text, uint64_t seed, double *out, void *ctx) {
    int32_t every = *(const int32_t *)ctx;
    tst_fullrun fr;
    tst_fullrun_open(&fr, text, seed);
    out[B_ANY] = dept_coverage(ts_engine_world(fr.e), 0.0);
    out[B_EV1] = dept_coverage(ts_engine_world(fr.e), 1.0);
    const ts_series *ser = tst_series(&fr.r, "hours_meetings");
    double t_off = 0.0, t = 0.0, n_off = 0.0;
    for (size_t d = 1; d < ser->n; d++) {
        t += ser->values[d];
        if (d % (size_t)every == 0) {
            t_off += ser->values[d];
            n_off += 1.0;
        }
    }
    out[B_MEET_OFFSITE] = t_off / n_off;
    out[B_MEET] = t / (double)(ser->n - 1);
    tst_fullrun_close(&fr);
}

static void report(uint64_t seed, const double *a, const double *b, void *ctx) {
    (void)ctx;
    print_message("seed %u off: coverage %.4f (>=1: %.4f) meetings offsite days %.3f all %.4f\n",
                  (unsigned)seed, a[B_ANY], a[B_EV1], a[B_MEET_OFFSITE], a[B_MEET]);
    print_message("seed %u on:  coverage %.4f (>=1: %.4f) meetings offsite days %.3f all %.4f\n",
                  (unsigned)seed, b[B_ANY], b[B_EV1], b[B_MEET_OFFSITE], b[B_MEET]);
}

/* Seed 004's shared experiences: department offsites every 60 days (the default 10
 * meetings) leave people knowing more of their department than without them. */
static void test_behaviour(void **state) {
    (void)state;
    const char *base = "days: 200\norg: {headcount: 120, warmup_days: 60}\n"
                       "domains: [design, roadmap, people, debugging]\n"
                       "output: {snapshot_every: 0}\n";
    char on[512];
    snprintf(on, sizeof on, "%stactics: {offsites: {every: 60}}\n", base);
    double m_off[B_N], m_on[B_N];
    int32_t every = 60;
    tst_pair(base, on, SEEDS, 104729, B_N, run_arm, report, &every, m_off, m_on);
    print_message("mean off: coverage %.4f (>=1: %.4f) meetings offsite days %.3f all %.4f\n",
                  m_off[B_ANY], m_off[B_EV1], m_off[B_MEET_OFFSITE], m_off[B_MEET]);
    print_message("mean on:  coverage %.4f (>=1: %.4f) meetings offsite days %.3f all %.4f\n",
                  m_on[B_ANY], m_on[B_EV1], m_on[B_MEET_OFFSITE], m_on[B_MEET]);
    assert_true(m_on[B_ANY] > m_off[B_ANY] + 0.2);
    assert_true(m_on[B_MEET_OFFSITE] > m_off[B_MEET_OFFSITE] + 5.0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_everyone_meets_the_department),
        cmocka_unit_test(test_one_meeting_each),
        cmocka_unit_test(test_schedule),
        cmocka_unit_test(test_busy_and_departed),
        cmocka_unit_test(test_large_department),
        cmocka_unit_test(test_hires_outgrow_the_workspace),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_engine_run),
        cmocka_unit_test(test_behaviour),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
