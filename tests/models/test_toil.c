/* Tests of models/work.c's success link and of its technical debt: the item-response curve
 * by hand, toil in settle (taken off the day first, never carried), each team's debt (drawn
 * from a Beta when the first day's teams appear, inherited by a team that splits off
 * later), the toil that manager and teammates see, the honesty evidence of delivered work,
 * partner teams seeing a task only as often as the owner feels safe, and the in-system
 * hours of leaders that count backlog worked off. The module is driven by hand on small
 * worlds; one engine run checks inheritance under hiring growth.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "evidence.h"
#include "shared.h"
#include "modules.h"
#include "work_internal.h"
#include "test_support.h"

/* The tree (span 2): 0 -> 1, 2; 1 -> 3, 4; 2 -> 5, 6. Teams are named by their manager. */
typedef struct fix {
    ts_scenario *sc;
    ts_world w;
    work_state *s;
    tst_msgs msgs;
} fix;

static void fix_open(fix *f, const char *yaml, uint32_t headcount) {
    memset(f, 0, sizeof *f);
    ts_error err;
    f->sc = tst_scenario(yaml);
    assert_int_equal(ts_world_init(&f->w, 4, 32, 1.0, &err), TS_OK);
    assert_int_equal(ts_world_build_tree(&f->w, headcount, 2, 0, &err), TS_OK);
    f->w.initial_headcount = headcount;
    f->w.warmup_days = 0;
    f->w.days = 365;
    void *st = NULL;
    assert_int_equal(ts_module_work.configure(f->sc, &f->w, &st, &err), TS_OK);
    f->s = st;
    assert_int_equal(ts_module_work.grow(f->s, &f->w, &err), TS_OK);
    f->w.day = 10;
}

static void fix_close(fix *f) {
    ts_module_work.free(f->s);
    ts_world_free(&f->w);
    ts_scenario_free(f->sc);
    tst_msgs_free(&f->msgs);
}

static ts_emit emitter(fix *f, uint32_t from, int32_t day) {
    f->w.day = day;
    return tst_msgs_emit(&f->msgs, from, 1, day, 77);
}

/* Runs the work module's org as the engine would on `day`. */
static void fix_org(fix *f, int32_t day, uint64_t seed) {
    ts_error err;
    assert_int_equal(ts_module_work.grow(f->s, &f->w, &err), TS_OK);
    f->w.day = day;
    ts_day d = {.day = day, .live = day >= 1, .module = 1, .seed = seed};
    ts_module_work.org(f->s, &f->w, &d);
}

static float *hours_of(fix *f, uint32_t a) {
    return f->w.hours + (size_t)a * TS_HOURS_SLOTS;
}

static size_t metric_index(const char *name) {
    for (size_t k = 0; k < ts_module_work.n_metrics; k++) {
        if (strcmp(ts_module_work.metrics[k].name, name) == 0) {
            return k;
        }
    }
    fail_msg("no work metric %s", name);
    return 0;
}

/* The work metrics over agents [a0, a1) as they stand. */
static double work_metric(fix *f, uint32_t a0, uint32_t a1, const char *name) {
    double acc[128] = {0}, v[64];
    assert_true(ts_module_work.n_acc <= 128 && ts_module_work.n_metrics <= 64);
    ts_module_work.measure(f->s, &f->w, a0, a1, acc);
    ts_module_work.day_end(f->s, &f->w, acc, v);
    return v[metric_index(name)];
}

/* The debt a team m drawn on `day` of run `seed` gets with the default mean and sd: the
 * Beta(m k, (1 - m) k) draw of the stream (seed, team, day, debt stream), k from the
 * method of moments. */
static double default_debt_draw(uint64_t seed, uint32_t team, int32_t day) {
    double m = 0.2, sd = 0.1;
    double k = m * (1.0 - m) / (sd * sd) - 1.0;
    ts_rng r;
    ts_rng_init(&r, seed, team, (uint32_t)day, WORK_DEBT_STREAM);
    return gsl_ran_beta(ts_rng_gsl(&r), m * k, (1.0 - m) * k);
}

/* ---- The success link ---------------------------------------------------------------- */

/* 1 / (1 + exp(-(c * exp(-e) - difficulty) / scale)), computed outside the code. */
static void test_success_link_known_answers(void **state) {
    (void)state;
    ts_scenario *sc = tst_scenario("");
    ts_work_link link;
    ts_work_link_load(sc, &link);
    ts_scenario_free(sc);
    assert_float_equal(link.difficulty, 0.4, 1e-15);
    assert_float_equal(link.scale, 0.1, 1e-15);
    /* c 0.7, e 0.1: ability 0.7 * exp(-0.1) = 0.633387, p = 0.911642910. */
    assert_float_equal(ts_work_success_p(&link, 0.7, 0.1), 0.9116429102786818, 1e-12);
    /* At the difficulty without misalignment, even odds exactly. */
    assert_float_equal(ts_work_success_p(&link, 0.4, 0.0), 0.5, 0.0);
    assert_float_equal(ts_work_success_p(&link, 0.55, 0.0), tst_success_p(0.55), 1e-15);
    /* Another curve: difficulty 0.3717, scale 0.05; c 0.5 at e 0.3717 gives 0.368562. */
    sc = tst_scenario("work: {difficulty: 0.3717, skill_scale: 0.05}\n");
    ts_work_link_load(sc, &link);
    ts_scenario_free(sc);
    assert_float_equal(ts_work_success_p(&link, 0.5, 0.3717), 0.3685623744773018, 1e-12);
    assert_float_equal(ts_work_success_p(&link, 0.3717, 0.0), 0.5, 1e-15);
    /* Rising in competence, falling in alignment error, strictly where it is not flat. */
    double prev = -1.0;
    for (double c = 0.05; c <= 1.0; c += 0.05) {
        double p = ts_work_success_p(&link, c, 0.2);
        assert_true(p > prev && p > 0.0 && p < 1.0);
        prev = p;
    }
    prev = 2.0;
    for (double e = 0.0; e <= 1.0; e += 0.05) {
        double p = ts_work_success_p(&link, 0.45, e);
        assert_true(p < prev);
        prev = p;
    }
}

/* ts_work_success_of reads the agent's competence in the domain and its alignment error. */
static void test_success_of_reads_the_world(void **state) {
    (void)state;
    fix f;
    fix_open(&f, "", 7);
    ts_competence(&f.w)[5 * 4 + 2] = 0.7f;
    ts_competence(&f.w)[5 * 4 + 3] = 0.2f;
    ts_alignment(&f.w)[5] = 0.1f;
    double want = ts_work_success_p(&f.s->p.link, (double)0.7f, (double)0.1f);
    assert_float_equal(ts_work_success_of(&f.s->p.link, &f.w, 5, 2), want, 0.0);
    assert_float_equal(want, 0.9116429102786818, 1e-6);
    assert_float_equal(ts_work_success_of(&f.s->p.link, &f.w, 5, 3),
                       ts_work_success_p(&f.s->p.link, (double)0.2f, (double)0.1f), 0.0);
    fix_close(&f);
}

/* ---- Toil in settle -------------------------------------------------------------------- */

/* Toil, hpd x the team's debt, comes off the day before overhead; productive hours are
 * what is left times the efficiency; overhead that does not fit is carried, toil never. */
static void test_toil_in_settle(void **state) {
    (void)state;
    fix f;
    fix_open(&f, "", 7);
    f.s->debt[1] = 0.2731f; /* team 1: agents 3 and 4 */
    f.s->has_debt[1] = 1;
    const double toil = 8.0 * 0.2731;
    work_row *row = &f.s->rows[4];
    *row = (work_row){.state = WORK_ACTIVE, .size = 1000.0f};
    float *h = hours_of(&f, 4);
    h[TS_HOURS_REVIEW] = 1.5f;
    h[TS_HOURS_MEETINGS] = 0.5f;
    f.s->backlog[4] = 1.0f;
    ts_module_work.settle(f.s, &f.w, 4);
    assert_float_equal(h[TS_HOURS_TOIL], toil, 1e-5);
    /* (8 - 8 * 0.2731 - 3) x 1 = 2.8152 */
    assert_float_equal(h[TS_HOURS_PRODUCTIVE], 8.0 - toil - 3.0, 1e-5);
    assert_float_equal(row->done, 2.8152, 1e-5);
    assert_float_equal(f.s->backlog[4], 0.0, 0.0);
    /* Waiting for sign-off: efficiency 0.5, (8 - 2.1848 - 2) x 0.5 = 1.9076. */
    memset(h, 0, TS_HOURS_SLOTS * sizeof *h);
    h[TS_HOURS_COORDINATION] = 2.0f;
    row->blocked_days = 1.0f;
    ts_module_work.settle(f.s, &f.w, 4);
    assert_float_equal(h[TS_HOURS_PRODUCTIVE], (8.0 - toil - 2.0) * 0.5, 1e-5);
    assert_float_equal(h[TS_HOURS_TOIL], toil, 1e-5);
    /* 20 hours of deep dive: what does not fit beside the toil, 14.1848 h, is carried. */
    memset(h, 0, TS_HOURS_SLOTS * sizeof *h);
    h[TS_HOURS_DEEP_DIVE] = 20.0f;
    ts_module_work.settle(f.s, &f.w, 4);
    double carried = 20.0 - (8.0 - toil);
    assert_float_equal(f.s->backlog[4], carried, 1e-5);
    assert_float_equal(h[TS_HOURS_PRODUCTIVE], 0.0, 0.0);
    assert_float_equal(h[TS_HOURS_TOIL], toil, 1e-5);
    /* The days after: the backlog shrinks by 8 - toil a day; each day's toil is the same
     * 2.1848 h (the toil of an overloaded day is not owed later). */
    for (int day = 0; day < 2; day++) {
        memset(h, 0, TS_HOURS_SLOTS * sizeof *h);
        ts_module_work.settle(f.s, &f.w, 4);
        carried -= 8.0 - toil;
        assert_float_equal(f.s->backlog[4], carried, 1e-4);
        assert_float_equal(h[TS_HOURS_TOIL], toil, 1e-5);
        assert_float_equal(h[TS_HOURS_PRODUCTIVE], 0.0, 0.0);
    }
    assert_float_equal(carried, 2.5544, 1e-9);
    memset(h, 0, TS_HOURS_SLOTS * sizeof *h);
    ts_module_work.settle(f.s, &f.w, 4);
    assert_float_equal(f.s->backlog[4], 0.0, 0.0);
    assert_float_equal(h[TS_HOURS_PRODUCTIVE], 8.0 - toil - 2.5544, 1e-4);
    /* A debt of nearly the whole day leaves less than an hour; one more hour of
     * overhead is carried as 0.6 h, the toil itself is not: the next day's is 7.6 h again. */
    f.s->debt[1] = 0.95f;
    f.s->has_debt[1] = 1;
    memset(h, 0, TS_HOURS_SLOTS * sizeof *h);
    h[TS_HOURS_MEETINGS] = 1.0f;
    ts_module_work.settle(f.s, &f.w, 4);
    assert_float_equal(f.s->backlog[4], 0.6, 1e-5);
    memset(h, 0, TS_HOURS_SLOTS * sizeof *h);
    ts_module_work.settle(f.s, &f.w, 4);
    assert_float_equal(h[TS_HOURS_TOIL], 7.6, 1e-5);
    assert_float_equal(f.s->backlog[4], 0.2, 1e-5);
    fix_close(&f);
}

/* Toil is the member's team's (its manager's) debt; the CEO's is its own team's; a busy
 * person does none; hours_toil is per employed person. */
static void test_toil_whose_debt_and_metric(void **state) {
    (void)state;
    fix f;
    fix_open(&f, "", 7);
    f.s->debt[0] = 0.1234f;
    f.s->has_debt[0] = 1;
    f.s->debt[1] = 0.2731f;
    f.s->has_debt[1] = 1;
    f.s->debt[2] = 0.3717f;
    f.s->has_debt[2] = 1;
    ts_busy(&f.w)[6] = 1;
    double want[7] = {0.1234, 0.1234, 0.1234, 0.2731, 0.2731, 0.3717, 0.0};
    double total = 0.0;
    for (uint32_t a = 0; a < 7; a++) {
        ts_module_work.settle(f.s, &f.w, a);
        assert_float_equal(hours_of(&f, a)[TS_HOURS_TOIL], 8.0 * want[a], 1e-5);
        total += 8.0 * want[a];
    }
    assert_float_equal(hours_of(&f, 6)[TS_HOURS_PRODUCTIVE], 0.0, 0.0);
    assert_float_equal(work_metric(&f, 0, 7, "hours_toil"), total / 7.0, 1e-5);
    /* A leaver is not counted: the same hours over six people. */
    ts_world_remove_agent(&f.w, 6, 10);
    assert_float_equal(work_metric(&f, 0, 7, "hours_toil"), total / 6.0, 1e-5);
    fix_close(&f);
}

/* ---- Each team's debt ------------------------------------------------------------------- */

/* Mean and sd of the debts of the teams (managers) of f's world. */
static void debt_moments(const fix *f, double *mean, double *sd, uint32_t *n) {
    double s = 0.0, s2 = 0.0;
    *n = 0;
    for (uint32_t m = 0; m < f->w.n; m++) {
        if (f->w.n_reports[m] > 0) {
            assert_true(f->s->has_debt[m]);
            double x = f->s->debt[m];
            assert_true(x >= 0.0 && x <= 1.0);
            s += x;
            s2 += x * x;
            (*n)++;
        } else {
            assert_false(f->s->has_debt[m]);
        }
    }
    *mean = s / *n;
    *sd = sqrt(fmax(0.0, s2 - s * s / *n) / (*n - 1));
}

/* The first day's teams draw their debt from a Beta with the configured mean and sd;
 * without spread, or when no Beta has that mean and sd, every team gets the mean. */
static void test_debt_drawn_distribution(void **state) {
    (void)state;
    struct {
        const char *yaml;
        double mean, sd;
        int exact;
    } cases[] = {
        {"", 0.2, 0.1, 0},
        {"work: {tech_debt: {mean: 0.3717, sd: 0.0731}}\n", 0.3717, 0.0731, 0},
        {"work: {tech_debt: {mean: 0.2731, sd: 0}}\n", 0.2731, 0.0, 1},
        {"work: {tech_debt: {mean: 0, sd: 0.1}}\n", 0.0, 0.0, 1},
        /* sd 0.45 around 0.2 needs m(1-m)/sd^2 - 1 < 0: no Beta, the mean. */
        {"work: {tech_debt: {mean: 0.2, sd: 0.45}}\n", 0.2, 0.0, 1},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        fix f;
        fix_open(&f, cases[c].yaml, 3001); /* 1500 teams */
        fix_org(&f, -30, 4242);
        double mean, sd;
        uint32_t n;
        debt_moments(&f, &mean, &sd, &n);
        assert_int_equal(n, 1500);
        print_message("debt case %zu (mean %g, sd %g): mean %.4f sd %.4f over %u teams\n", c,
                      cases[c].mean, cases[c].sd, mean, sd, (unsigned)n);
        if (cases[c].exact) {
            for (uint32_t m = 0; m < 1500; m++) {
                assert_float_equal(f.s->debt[m], (float)cases[c].mean, 0.0);
            }
        } else {
            /* Standard errors about sd / 39 for the mean and sd / 55 for the sd. */
            assert_float_equal(mean, cases[c].mean, 0.012);
            assert_float_equal(sd, cases[c].sd, 0.01);
        }
        /* A second org (a later day, another seed) leaves every debt as it was. */
        float before = f.s->debt[17];
        fix_org(&f, 5, 99);
        assert_float_equal(f.s->debt[17], before, 0.0);
        fix_close(&f);
    }
}

/* A draw is the Beta(m k, (1 - m) k) draw of the stream (seed, team, day, debt stream),
 * k = m (1 - m) / sd^2 - 1: the same seed gives the same debts, another seed others. */
static void test_debt_draw_stream(void **state) {
    (void)state;
    fix a, b, c;
    fix_open(&a, "", 15);
    fix_open(&b, "", 15);
    fix_open(&c, "", 15);
    fix_org(&a, -7, 31337);
    fix_org(&b, -7, 31337);
    fix_org(&c, -7, 31338);
    int differ = 0;
    for (uint32_t m = 0; m < 7; m++) {
        assert_float_equal(a.s->debt[m], default_debt_draw(31337, m, -7), 1e-6);
        assert_float_equal(a.s->debt[m], b.s->debt[m], 0.0);
        differ += a.s->debt[m] != c.s->debt[m];
    }
    assert_int_equal(differ, 7);
    fix_close(&a);
    fix_close(&b);
    fix_close(&c);
}

/* Adds a hire under `manager` on `day`. */
static uint32_t hire(fix *f, uint32_t manager, int32_t day) {
    uint32_t id;
    ts_error err;
    assert_int_equal(ts_world_add_agent(&f->w, manager, day, &id, &err), TS_OK);
    return id;
}

/* The first day's three teams with debts of our choosing, and a day of work in them
 * (each person then works under its team's debt). */
static void three_teams(fix *f, const char *yaml) {
    fix_open(f, yaml, 7);
    fix_org(f, 0, 5);
    for (uint32_t m = 0; m < 3; m++) {
        assert_true(f->s->has_debt[m]);
    }
    f->s->debt[0] = 0.1234f;
    f->s->has_debt[0] = 1;
    f->s->debt[1] = 0.2731f;
    f->s->has_debt[1] = 1;
    f->s->debt[2] = 0.3717f;
    f->s->has_debt[2] = 1;
    for (uint32_t a = 0; a < f->w.n; a++) {
        ts_module_work.settle(f->s, &f->w, a);
        assert_int_equal(f->s->rows[a].debt_team,
                         f->w.manager[a] == TS_NO_AGENT ? a : f->w.manager[a]);
    }
}

/* Later teams inherit: a team takes the debt of the team its people came from; a team
 * of newcomers takes a sibling team's debt, else its parent team's; one whose parent
 * team is itself new and unset (a report promoted under a new manager) draws its own. */
static void test_debt_inherited(void **state) {
    (void)state;
    fix f;
    three_teams(&f, "");
    /* Team 1 splits: 7 under 0 takes 4. */
    uint32_t lead = hire(&f, 0, 3);
    ts_world_set_manager(&f.w, 4, lead);
    /* Agent 5 of team 2 gets a report: team 5 has no sibling team under 2. */
    hire(&f, 5, 3);
    /* Agent 6 of team 2 gets a report and moves under a new manager 10 (under 0): team 6
     * (id below 10) is set before its parent team 10 has a debt, and has no sibling. */
    uint32_t x = hire(&f, 6, 3);
    uint32_t boss = hire(&f, 0, 3);
    ts_world_set_manager(&f.w, 6, boss);
    assert_int_equal(lead, 7);
    assert_int_equal(x, 9);
    assert_int_equal(boss, 10);
    fix_org(&f, 3, 5);
    assert_float_equal(f.s->debt[7], 0.2731f, 0.0);  /* 4 came from team 1 */
    assert_float_equal(f.s->debt[5], 0.3717f, 0.0);  /* a newcomer: parent 2 */
    assert_float_equal(f.s->debt[10], 0.3717f, 0.0); /* 6 came from team 2 */
    assert_float_equal(f.s->debt[6], default_debt_draw(5, 6, 3), 1e-6);
    assert_true(f.s->debt[6] != 0.2731f && f.s->debt[6] != 0.3717f);
    for (uint32_t m = 0; m < f.w.n; m++) {
        assert_int_equal(f.s->has_debt[m], f.w.n_reports[m] > 0);
    }
    fix_close(&f);
}

/* A team split off an existing one inherits that team's debt, not the first sibling's:
 * team 2 (debt 0.3717) splits under the CEO beside team 1 (0.2731). */
static void test_debt_inherited_from_the_team_split(void **state) {
    (void)state;
    fix f;
    three_teams(&f, "");
    uint32_t lead = hire(&f, 0, 3);
    ts_world_set_manager(&f.w, 6, lead); /* team 2 splits: 6 moves to the new team */
    fix_org(&f, 3, 5);
    assert_float_equal(f.s->debt[lead], 0.3717f, 0.0);
    fix_close(&f);
}

/* Inheritance does not depend on partner teams: with work.partner_teams 0 a team split
 * off team 1 still takes its debt. */
static void test_debt_inherited_without_partner_teams(void **state) {
    (void)state;
    fix f;
    three_teams(&f, "work: {partner_teams: 0}\n");
    uint32_t lead = hire(&f, 0, 3);
    ts_world_set_manager(&f.w, 4, lead);
    fix_org(&f, 3, 5);
    assert_float_equal(f.s->debt[lead], 0.2731f, 0.0);
    fix_close(&f);
}

/* Under hiring growth the teams that appear inherit: at the end every team's debt is one
 * the first day's teams drew. */
static void test_debt_under_growth(void **state) {
    (void)state;
    ts_scenario *sc = tst_scenario("days: 150\norg: {headcount: 60, span_of_control: 5, "
                                   "warmup_days: 3}\nhiring: {growth: exponential, "
                                   "annual_rate: 3}\n");
    for (uint64_t seed = 1; seed <= 2; seed++) {
        ts_engine *e = tst_engine(sc, NULL, 0, seed * 7919, 1);
        const work_state *ws = ts_engine_module_state(e, "work");
        const ts_world *w = ts_engine_world(e);
        tst_step(e); /* the first org: the day's teams draw */
        float first[64];
        uint8_t was_team[64] = {0};
        uint32_t n_first = 0;
        for (uint32_t m = 0; m < w->n; m++) {
            if (w->n_reports[m] > 0) {
                assert_true(n_first < 64);
                first[n_first++] = ws->debt[m];
                was_team[m] = 1;
            }
        }
        while (w->day < 150) {
            tst_step(e);
        }
        uint32_t teams = 0, new_teams = 0;
        for (uint32_t m = 0; m < w->n; m++) {
            if (!w->active[m] || w->n_reports[m] == 0) {
                continue;
            }
            teams++;
            new_teams += m >= 64 || !was_team[m];
            int found = 0;
            for (uint32_t k = 0; k < n_first && !found; k++) {
                found = ws->debt[m] == first[k];
            }
            assert_true(found);
        }
        print_message("seed %u: %u teams at the start, %u at the end, %u new; %u people\n",
                      (unsigned)seed, (unsigned)n_first, (unsigned)teams, (unsigned)new_teams,
                      (unsigned)w->n_active);
        assert_true(new_teams >= 4);
        ts_engine_free(e);
    }
    ts_scenario_free(sc);
}

/* ---- What the toil shows ------------------------------------------------------------------ */

/* Toil observations of agent a over `days` days (its task never ends): the share of days
 * with any, the share of those whose outcome was a success; checks every message. */
static void toil_days(fix *f, uint32_t a, int days, const uint32_t *to, int n_to, uint32_t domain,
                      float weight, double *share, double *ok_share) {
    int seen = 0, ok = 0;
    f->s->rows[a] = (work_row){.state = WORK_ACTIVE, .size = 1e9f};
    for (int day = 1; day <= days; day++) {
        ts_emit e = emitter(f, a, day);
        ts_module_work.act(f->s, &f->w, a, ts_module_work.act_row(f->s, a), &e);
        if (f->msgs.buf.n == 0) {
            continue;
        }
        assert_int_equal(f->msgs.buf.n, (size_t)n_to);
        for (size_t i = 0; i < f->msgs.buf.n; i++) {
            const ts_msg *m = &f->msgs.buf.msgs[i];
            int listed = 0;
            for (int k = 0; k < n_to; k++) {
                listed |= m->to == to[k];
            }
            assert_true(listed);
            assert_int_equal(m->kind, TS_MK_OBSERVE);
            assert_int_equal(m->about, a);
            assert_int_equal(m->domain, domain);
            assert_float_equal(m->w, weight, 0.0);
            assert_int_equal(m->flags, f->msgs.buf.msgs[0].flags); /* one outcome, seen by all */
        }
        seen++;
        ok += f->msgs.buf.msgs[0].flags;
    }
    *share = (double)seen / days;
    *ok_share = seen ? (double)ok / seen : NAN;
}

/* On a share of days equal to the team's debt, the manager and the teammates (nobody
 * else) see the person at work in the team's domain (manager id % domains) at the
 * visibility weight; the outcome follows the success link. */
static void test_toil_observations(void **state) {
    (void)state;
    fix f;
    /* TST_SHARP_LINK's skill_scale, with the visibility, in one work section. */
    fix_open(&f, "work: {skill_scale: 0.001, tech_debt: {visibility: 0.2731}}\n", 7);
    f.s->debt[0] = 0.1234f;
    f.s->has_debt[0] = 1;
    f.s->debt[1] = 0.3717f;
    f.s->has_debt[1] = 1;
    for (uint32_t d = 0; d < 4; d++) {
        ts_competence(&f.w)[4 * 4 + d] = d == 1 ? 0.9f : 0.1f;
        ts_competence(&f.w)[1 * 4 + d] = d == 0 ? 0.1f : 0.9f;
    }
    double share, ok;
    /* Agent 4 of team 1: manager 1, teammate 3; domain 1 % 4 = 1, where it is able. */
    const uint32_t to4[] = {1, 3};
    toil_days(&f, 4, 4000, to4, 2, 1, 0.2731f, &share, &ok);
    print_message("agent 4: toil seen on %.4f of days (debt 0.3717), ok %.3f\n", share, ok);
    assert_float_equal(share, 0.3717, 0.03); /* sd 0.0076 */
    assert_float_equal(ok, 1.0, 0.0);
    /* Agent 1 of team 0: the CEO and teammate 2 see it, in domain 0, where it is weak;
     * its own reports do not. */
    const uint32_t to1[] = {0, 2};
    toil_days(&f, 1, 4000, to1, 2, 0, 0.2731f, &share, &ok);
    print_message("agent 1: toil seen on %.4f of days (debt 0.1234), ok %.3f\n", share, ok);
    assert_float_equal(share, 0.1234, 0.025); /* sd 0.0052 */
    assert_float_equal(ok, 0.0, 0.0);
    fix_close(&f);
    /* The default link: an agent of competence 0.45 looks able on 62 % of toil days. */
    fix_open(&f, "", 7);
    f.s->debt[1] = 0.5f;
    f.s->has_debt[1] = 1;
    for (uint32_t d = 0; d < 4; d++) {
        ts_competence(&f.w)[4 * 4 + d] = 0.45f;
    }
    toil_days(&f, 4, 4000, to4, 2, 1, 0.1f, &share, &ok);
    print_message("default link: toil seen on %.4f of days, ok %.4f (want %.4f)\n", share, ok,
                  tst_success_p(0.45));
    assert_float_equal(share, 0.5, 0.03);
    assert_float_equal(ok, tst_success_p(0.45), 0.045); /* sd 0.011 */
    fix_close(&f);
}

/* Nobody sees toil that is not done: a busy person, the CEO (no manager), a team without
 * debt, or visibility 0. */
static void test_toil_observation_guards(void **state) {
    (void)state;
    double share, ok;
    const uint32_t none[] = {TS_NO_AGENT};
    fix f;
    fix_open(&f, "", 7);
    for (uint32_t m = 0; m < 3; m++) {
        f.s->debt[m] = 0.95f;
        f.s->has_debt[m] = 1;
    }
    ts_busy(&f.w)[4] = 1;
    toil_days(&f, 4, 200, none, 0, 0, 0.0f, &share, &ok);
    assert_float_equal(share, 0.0, 0.0);
    toil_days(&f, 0, 200, none, 0, 0, 0.0f, &share, &ok);
    assert_float_equal(share, 0.0, 0.0);
    f.s->debt[2] = 0.0f;
    f.s->has_debt[2] = 1;
    toil_days(&f, 5, 200, none, 0, 0, 0.0f, &share, &ok);
    assert_float_equal(share, 0.0, 0.0);
    fix_close(&f);
    fix_open(&f, "work: {tech_debt: {visibility: 0}}\n", 7);
    f.s->debt[1] = 0.95f;
    f.s->has_debt[1] = 1;
    toil_days(&f, 3, 200, none, 0, 0, 0.0f, &share, &ok);
    assert_float_equal(share, 0.0, 0.0);
    fix_close(&f);
}

/* ---- Delivered work and partner teams ------------------------------------------------------ */

/* Team 1 works with team 2 (manager 2, members 5 and 6). */
static void partner_fix(fix *f, const char *yaml) {
    fix_open(f, yaml, 7);
    f->s->partners[1 * WORK_MAX_PARTNERS] = 2;
    f->s->n_part[1] = 1;
}

/* Reports owner 3's finished task on `day`. */
static void report_task(fix *f, int success, int32_t day) {
    f->s->rows[3] =
        (work_row){.state = WORK_DONE, .success = (uint8_t)success, .domain = 2, .size = 40.0f};
    ts_emit e = emitter(f, 3, day);
    ts_module_work.act(f->s, &f->w, 3, ts_module_work.act_row(f->s, 3), &e);
}

/* Work delivered is kept_word x the observation's weight of honesty evidence for each
 * observer; an owned-up failure gives the full weight instead; kept_word 0 gives none. */
static void test_kept_word(void **state) {
    (void)state;
    fix f;
    partner_fix(&f, "work: {kept_word: 0.37}\n");
    ts_safety(&f.w)[3] = 1.0f; /* always shown to the partner team */
    ts_candor(&f.w)[3] = 1.0f;
    report_task(&f, 1, 10);
    const struct {
        uint32_t to;
        double w;
    } obs[] = {{1, 0.5}, {4, 0.25}, {2, 0.15}, {5, 0.15}, {6, 0.15}};
    ts_msg m;
    for (size_t k = 0; k < sizeof obs / sizeof obs[0]; k++) {
        assert_int_equal(tst_msgs_count(&f.msgs, obs[k].to, TS_MK_OBSERVE, &m), 1);
        assert_int_equal(m.flags, 1);
        assert_float_equal(m.w, obs[k].w, 1e-7);
        assert_int_equal(tst_msgs_count(&f.msgs, obs[k].to, TS_MK_INTEGRITY, &m), 1);
        assert_float_equal(m.w, 0.37 * obs[k].w, 1e-6);
        assert_float_equal(m.x, 0.0, 0.0);
        assert_float_equal(m.y, 0.0, 0.0);
    }
    assert_int_equal(tst_msgs_count(&f.msgs, 0, TS_MK_INTEGRITY, NULL), 0);
    assert_int_equal(tst_msgs_count(&f.msgs, 3, TS_MK_INTEGRITY, NULL), 0);
    /* Owned up (full candour): honesty at the observer's weight, not the kept word. */
    report_task(&f, 0, 11);
    assert_int_equal(tst_msgs_count(&f.msgs, 1, TS_MK_INTEGRITY, &m), 1);
    assert_float_equal(m.w, 0.5, 1e-7);
    assert_int_equal(tst_msgs_count(&f.msgs, 5, TS_MK_INTEGRITY, &m), 1);
    assert_float_equal(m.w, 0.15, 1e-7);
    fix_close(&f);
    partner_fix(&f, "work: {kept_word: 0}\n");
    ts_safety(&f.w)[3] = 1.0f;
    report_task(&f, 1, 10);
    assert_int_equal(tst_msgs_count(&f.msgs, 1, TS_MK_OBSERVE, NULL), 1);
    for (uint32_t a = 0; a < 7; a++) {
        assert_int_equal(tst_msgs_count(&f.msgs, a, TS_MK_INTEGRITY, NULL), 0);
    }
    fix_close(&f);
}

/* Share of n reports on days 1..n in which the partner team saw owner 3's task. */
static double partner_share(fix *f, int n) {
    int shown = 0;
    for (int day = 1; day <= n; day++) {
        report_task(f, 1, day);
        int k = tst_msgs_count(&f->msgs, 2, TS_MK_OBSERVE, NULL);
        assert_int_equal(tst_msgs_count(&f->msgs, 5, TS_MK_OBSERVE, NULL), k);
        assert_int_equal(tst_msgs_count(&f->msgs, 6, TS_MK_OBSERVE, NULL), k);
        assert_int_equal(tst_msgs_count(&f->msgs, 1, TS_MK_OBSERVE, NULL),
                         1); /* the own team always */
        shown += k;
    }
    return (double)shown / n;
}

/* The owner shows a task to its partner teams with probability equal to its safety. */
static void test_partner_visibility_is_safety(void **state) {
    (void)state;
    fix f;
    partner_fix(&f, "");
    ts_safety(&f.w)[3] = 0.3717f;
    double share = partner_share(&f, 4000);
    print_message("safety 0.3717: partner team saw %.4f of tasks\n", share);
    assert_float_equal(share, 0.3717, 0.03); /* sd 0.0076 */
    ts_safety(&f.w)[3] = 0.8123f;
    share = partner_share(&f, 2000);
    print_message("safety 0.8123: partner team saw %.4f of tasks\n", share);
    assert_float_equal(share, 0.8123, 0.035); /* sd 0.0087 */
    ts_safety(&f.w)[3] = 0.0f;
    assert_float_equal(partner_share(&f, 300), 0.0, 0.0);
    ts_safety(&f.w)[3] = 1.0f;
    assert_float_equal(partner_share(&f, 300), 1.0, 0.0);
    fix_close(&f);
    /* Visibility 0: nobody in the partner team, however safe the owner. */
    partner_fix(&f, "work: {partner_visibility: 0}\n");
    ts_safety(&f.w)[3] = 1.0f;
    assert_float_equal(partner_share(&f, 50), 0.0, 0.0);
    fix_close(&f);
}

/* ---- Leaders' in-system hours --------------------------------------------------------------- */

/* A leader (depth 1) over the day: the day's 8 hours less toil go to overhead in its
 * in-system share; the backlog keeps that share, and when it is worked off the in-system
 * part counts that day. leader_in_system is min(in-system hours, 8) / 8 per leader. */
static void test_in_system_hours_with_backlog(void **state) {
    (void)state;
    fix f;
    fix_open(&f, "", 7);
    f.s->debt[0] = 0.2731f; /* agent 1 is in the CEO's team */
    f.s->has_debt[0] = 1;
    const double toil = 8.0 * 0.2731, day = 8.0 - toil;
    work_row *row = &f.s->rows[1];
    float *h = hours_of(&f, 1);
    f.s->backlog[1] = 5.0f;
    row->backlog_sys = 3.0f;
    h[TS_HOURS_REVIEW] = 4.0f;
    h[TS_HOURS_ESCALATION] = 0.5f;
    h[TS_HOURS_DEEP_DIVE] = 3.0f;
    h[TS_HOURS_MEETINGS] = 2.0f;
    ts_module_work.settle(f.s, &f.w, 1);
    /* Overhead 14.5 h, 10.5 of them in the system; 5.8152 h of day for them. */
    double share = 10.5 / 14.5, backlog = 14.5 - day;
    assert_float_equal(row->sys_worked, day * share, 1e-5);
    assert_float_equal(f.s->backlog[1], backlog, 1e-5);
    assert_float_equal(row->backlog_sys, backlog * share, 1e-5);
    assert_float_equal(work_metric(&f, 1, 2, "leader_in_system"), day * share / 8.0, 1e-6);
    /* Next day, nothing new: the backlog alone overflows again, in the same share. */
    memset(h, 0, TS_HOURS_SLOTS * sizeof *h);
    ts_module_work.settle(f.s, &f.w, 1);
    backlog -= day;
    assert_float_equal(row->sys_worked, day * share, 1e-5);
    assert_float_equal(f.s->backlog[1], backlog, 1e-5);
    /* Then it fits: its in-system part is worked off today, and the backlog is empty. */
    memset(h, 0, TS_HOURS_SLOTS * sizeof *h);
    ts_module_work.settle(f.s, &f.w, 1);
    assert_float_equal(row->sys_worked, backlog * share, 1e-5);
    assert_float_equal(backlog * share, 2.0779862, 1e-6);
    assert_float_equal(f.s->backlog[1], 0.0, 0.0);
    assert_float_equal(row->backlog_sys, 0.0, 0.0);
    assert_float_equal(work_metric(&f, 1, 2, "leader_in_system"), backlog * share / 8.0, 1e-6);
    memset(h, 0, TS_HOURS_SLOTS * sizeof *h);
    ts_module_work.settle(f.s, &f.w, 1);
    assert_float_equal(row->sys_worked, 0.0, 0.0);
    /* Three leaders (0, 1, 2) and an IC (3, not counted): the mean over leaders. */
    f.s->rows[0].sys_worked = 3.0f;
    f.s->rows[3].sys_worked = 8.0f;
    assert_float_equal(work_metric(&f, 0, 4, "leader_in_system"), 3.0 / 24.0, 1e-9);
    /* A busy leader counts its incident supervision, at most the day. */
    ts_busy(&f.w)[1] = 1;
    h[TS_HOURS_SUPERVISION] = 9.5f;
    ts_module_work.settle(f.s, &f.w, 1);
    assert_float_equal(row->sys_worked, 0.0, 0.0);
    assert_float_equal(work_metric(&f, 1, 2, "leader_in_system"), 1.0, 0.0);
    fix_close(&f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_success_link_known_answers),
        cmocka_unit_test(test_success_of_reads_the_world),
        cmocka_unit_test(test_toil_in_settle),
        cmocka_unit_test(test_toil_whose_debt_and_metric),
        cmocka_unit_test(test_debt_drawn_distribution),
        cmocka_unit_test(test_debt_draw_stream),
        cmocka_unit_test(test_debt_inherited),
        cmocka_unit_test(test_debt_inherited_from_the_team_split),
        cmocka_unit_test(test_debt_inherited_without_partner_teams),
        cmocka_unit_test(test_debt_under_growth),
        cmocka_unit_test(test_toil_observations),
        cmocka_unit_test(test_toil_observation_guards),
        cmocka_unit_test(test_kept_word),
        cmocka_unit_test(test_partner_visibility_is_safety),
        cmocka_unit_test(test_in_system_hours_with_backlog),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
