/* Tests of models/ask_for_help.c: who asks (self-belief below the threshold, the day
 * after its task started, with probability openness x safety), whom (the teammate it
 * trusts most in the domain, ties to the lowest id), what it costs, the boost to the
 * task's success chance and the evidence each side gets; and the tactic's behaviour in
 * the full model over several seeds against the same organisation without it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <math.h>

#include "alignment.h"
#include "shared.h"
#include "ask_for_help.h"
#include "engine.h"
#include "evidence.h"
#include "modules.h"
#include "trust.h"
#include "test_support.h"

/* ---- A hand-built world ------------------------------------------------------------- */

/* The tree (span 3): 0 -> 1, 2, 3; 1 -> 4, 5, 6; 2 -> 7, 8, 9; 3 -> 10, 11, 12.
 * Everyone is competent 0.7 in every domain, open and safe (asks for sure when unsure),
 * aligned, and knows nothing of itself; tests change what they need. */
typedef struct fix {
    ts_scenario *sc;
    ts_world w;
    void *s;
    ts_trust_params tp;
    ts_day day;
} fix;

static void setup_fix(fix *f, const char *text) {
    memset(f, 0, sizeof *f);
    ts_error err;
    f->sc = tst_scenario(text);
    ts_trust_params_load(f->sc, &f->tp);
    assert_int_equal(ts_world_init(&f->w, 4, 32, 0.998, &err), TS_OK);
    assert_int_equal(ts_shared_register(&f->w, &err), TS_OK);
    assert_int_equal(ts_world_build_tree(&f->w, 13, 3, 0, &err), TS_OK);
    for (uint32_t a = 0; a < f->w.n; a++) {
        for (uint32_t d = 0; d < 4; d++) {
            ts_competence(&f->w)[a * 4 + d] = 0.7f;
        }
        ts_openness(&f->w)[a] = 1.0f;
        ts_safety(&f->w)[a] = 1.0f;
    }
    f->w.day = 10;
    assert_int_equal(ts_module_ask_for_help.configure(f->sc, &f->w, &f->s, &err), TS_OK);
    f->day = (ts_day){.day = 10, .live = 1, .module = 14, .seed = 4242};
}

static void teardown_fix(fix *f) {
    ts_module_ask_for_help.free(f->s);
    ts_world_free(&f->w);
    ts_scenario_free(f->sc);
}

/* Agent a started a task in domain d (TS_NO_TASK: none) yesterday and has seen itself
 * fail `fails` times there. */
static void start_task(fix *f, uint32_t a, uint8_t d, float fails) {
    ts_task_domain(&f->w)[a] = d;
    ts_task_start(&f->w)[a] = f->w.day - 1;
    if (d < 4) {
        ts_self_beta(&f->w)[a * 4 + d] = fails;
    }
}

/* One day as the engine runs it: the hours start clean; act for every active agent, then
 * each receiver's messages applied in delivery order. */
static void run_org(fix *f) {
    tst_world t = {.mod = &ts_module_ask_for_help, .sc = f->sc, .w = f->w, .st = f->s};
    tst_world_org(&t, f->day.day, f->day.module, f->day.seed);
    f->w = t.w; /* the same arrays; what the day changed in the world's own fields */
}

/* The module's day-end metrics from its measure over every agent. */
static void day_metrics(fix *f, double *v, size_t n) {
    tst_world t = {.mod = &ts_module_ask_for_help, .sc = f->sc, .w = f->w, .st = f->s};
    tst_world_metrics(&t, v, n);
}

static double requests_today(fix *f) {
    double v[3] = {-1.0, -1.0, -1.0}; /* the module's three metrics, requests first */
    day_metrics(f, v, 3);
    return v[0];
}

static double hours(const fix *f, uint32_t a) {
    return f->w.hours[(size_t)a * TS_HOURS_SLOTS + TS_HOURS_MEETINGS];
}

static int read_model(const fix *f, uint32_t i, uint32_t j, ts_belief *b) {
    int slot = ts_relstore_find(&f->w.models, i, j);
    if (slot >= 0) {
        ts_relstore_read(&f->w.models, i, (uint32_t)slot, f->w.day, b);
    }
    return slot >= 0;
}

/* ---- Unit tests ------------------------------------------------------------------------ */

/* Self-belief: the trust prior (1.8, 1.2) plus the self model. */
static void test_self_belief_by_hand(void **state) {
    (void)state;
    fix f;
    setup_fix(&f, "tactics: {ask_for_help: {}}\n");
    /* Nothing seen: the prior mean 0.6, below the default threshold 0.8: someone who has
     * not yet seen itself at work in a domain is unsure of itself there. */
    assert_float_equal(ts_ask_for_help_self_belief(&f.tp, &f.w, 4, 2), 0.6, 1e-6);
    ts_self_alpha(&f.w)[4 * 4 + 2] = 2.0f;
    ts_self_beta(&f.w)[4 * 4 + 2] = 3.0f;
    assert_float_equal(ts_ask_for_help_self_belief(&f.tp, &f.w, 4, 2), 3.8 / 8.0, 1e-6);
    /* Other domains and agents are untouched. */
    assert_float_equal(ts_ask_for_help_self_belief(&f.tp, &f.w, 4, 1), 0.6, 1e-6);
    assert_float_equal(ts_ask_for_help_self_belief(&f.tp, &f.w, 5, 2), 0.6, 1e-6);
    teardown_fix(&f);
}

/* The teammate trusted most in the domain; strangers tie and the lowest id wins; the CEO
 * asks its own reports; busy or departed teammates are not asked. */
static void test_helper_choice(void **state) {
    (void)state;
    fix f;
    setup_fix(&f, "tactics: {ask_for_help: {}}\n");
    /* 4's teammates 5 and 6 are strangers to it: a tie, 5 wins. */
    assert_int_equal(ts_ask_for_help_helper(&f.tp, &f.w, 4, 2), 5);
    /* Two good observations of 6 in domain 2 put it ahead there, not elsewhere... */
    ts_ev_observe_now(&f.w, 4, 6, 2, 1, 2.0f);
    assert_int_equal(ts_ask_for_help_helper(&f.tp, &f.w, 4, 2), 6);
    assert_int_equal(ts_ask_for_help_helper(&f.tp, &f.w, 4, 1), 5);
    /* ...but a failure seen of 6 in domain 1 puts it below the stranger 5 there. */
    ts_ev_observe_now(&f.w, 4, 6, 1, 0, 1.0f);
    assert_int_equal(ts_ask_for_help_helper(&f.tp, &f.w, 4, 1), 5);
    /* A tie between two known teammates also goes to the lower id. */
    ts_ev_observe_now(&f.w, 4, 5, 2, 1, 2.0f);
    assert_int_equal(ts_ask_for_help_helper(&f.tp, &f.w, 4, 2), 5);
    /* A busy teammate cannot help today. */
    ts_busy(&f.w)[5] = 1;
    assert_int_equal(ts_ask_for_help_helper(&f.tp, &f.w, 4, 2), 6);
    ts_busy(&f.w)[6] = 1;
    assert_int_equal(ts_ask_for_help_helper(&f.tp, &f.w, 4, 2), TS_NO_AGENT);
    /* The CEO asks its reports: 3 is trusted most in domain 0. */
    ts_ev_observe_now(&f.w, 0, 3, 0, 1, 1.0f);
    assert_int_equal(ts_ask_for_help_helper(&f.tp, &f.w, 0, 0), 3);
    assert_int_equal(ts_ask_for_help_helper(&f.tp, &f.w, 0, 1), 1);
    /* A manager's teammates are its peers: 2 asks 1 or 3, never its reports. */
    assert_int_equal(ts_ask_for_help_helper(&f.tp, &f.w, 2, 0), 1);
    f.w.active[1] = 0;
    assert_int_equal(ts_ask_for_help_helper(&f.tp, &f.w, 2, 0), 3);
    teardown_fix(&f);
}

/* One request by hand. Asker 4 (competence 0.5 in domain 2, alignment error 0.2, three
 * failures seen of itself: self-belief 1.8/6 = 0.3) asks 6, whom it trusts more than 5
 * in domain 2; 6 is 0.8 competent there (no alignment error).
 *   ability 0.5 * exp(-0.2) = 0.409365, p = 1 / (1 + exp(-(0.409365 - 0.4) / 0.1))
 *   = 0.523396; the helper's p(0.8) = 0.982014; boost = (1 - p) * 0.5 * 0.982014
 *   = 0.234016. */
static void test_one_request_by_hand(void **state) {
    (void)state;
    fix f;
    setup_fix(&f, "tactics: {ask_for_help: {}}\n");
    ts_competence(&f.w)[4 * 4 + 2] = 0.5f;
    ts_competence(&f.w)[6 * 4 + 2] = 0.8f;
    ts_alignment(&f.w)[4] = 0.2f;
    ts_ev_observe_now(&f.w, 4, 6, 2, 1, 1.0f);
    start_task(&f, 4, 2, 3.0f);
    ts_task_boost(&f.w)[4] = 0.05f; /* a boost already there is added to */
    run_org(&f);
    double ability = 0.5 * (1.0 - ts_alignment_misalignment(0.2));
    assert_float_equal(ability, 0.4093654, 1e-6);
    assert_float_equal(ts_task_boost(&f.w)[4], 0.05 + 0.2340157, 1e-6);
    assert_float_equal(requests_today(&f), 1.0, 0.0);
    /* Hours: an hour for the helper, half an hour for the asker, nobody else. */
    assert_float_equal(hours(&f, 6), 1.0, 1e-6);
    assert_float_equal(hours(&f, 4), 0.5, 1e-6);
    for (uint32_t a = 0; a < f.w.n; a++) {
        if (a != 4 && a != 6) {
            assert_float_equal(hours(&f, a), 0.0, 0.0);
        }
    }
    /* The helper: honesty evidence 0.5 and goodwill 0.05 about the asker, no
     * competence evidence. */
    ts_belief b;
    assert_true(read_model(&f, 6, 4, &b));
    assert_float_equal(b.integ_a_e, 0.5, 1e-6);
    assert_float_equal(b.integ_b_e, 0.0, 0.0);
    assert_float_equal(b.goodwill, 0.05, 1e-6);
    for (uint32_t d = 0; d < 4; d++) {
        assert_float_equal(b.alpha_e[d] + b.beta_e[d], 0.0, 0.0);
    }
    /* The asker: one observation of 0.5 in domain 2 (on top of the 1 it had) and
     * goodwill 0.03 about the helper. */
    assert_true(read_model(&f, 4, 6, &b));
    assert_float_equal(b.alpha_e[2] + b.beta_e[2], 1.5, 1e-6);
    assert_true(b.alpha_e[2] >= 1.0f);
    assert_float_equal(b.goodwill, 0.03, 1e-6);
    assert_float_equal(b.integ_a_e, 0.0, 0.0);
    /* Nobody else is touched: 5 was not asked. */
    assert_false(read_model(&f, 5, 4, &b));
    assert_false(read_model(&f, 4, 5, &b));
    /* The helper's trust in the asker, a stranger to it before, rises in every domain
     * (seed 004: showing vulnerability is read as honesty):
     *   nu = 3.7 / 4.5, T = nu * (0.6 - 0.5 * 0.244949) + 0.1 * 0.05 = 0.397632,
     * against 0.382020 for a stranger. */
    for (uint32_t d = 0; d < 4; d++) {
        assert_float_equal(ts_trust_of(&f.tp, &f.w, 6, 4, d), 0.3976321, 1e-6);
    }
    /* The day's rise of the helper's trust in the asker (P19's metric): 0.397632 -
     * 0.382020 = 0.015612, the same in every domain; the asker's rise is positive only if
     * it saw the helper succeed. */
    double v[3];
    day_metrics(&f, v, 3);
    assert_float_equal(ts_trust_stranger(&f.tp), 0.3820198, 1e-6);
    assert_float_equal(v[2], 0.3976321 - 0.3820198, 1e-5);
    teardown_fix(&f);
}

/* The asker's observation of the helper is drawn from the helper's chance of success
 * (p(0.3717) = 0.430): over many requests the share of successes seen is near it. The
 * decayed share of one run has sd about sqrt(p (1 - p) (1 - 0.998) / 1.998) = 0.016;
 * the mean over four seeds about 0.008. */
static void test_observation_from_helper_competence(void **state) {
    (void)state;
    const int seeds = 4;
    double mean = 0.0;
    for (int s = 0; s < seeds; s++) {
        fix f;
        setup_fix(&f, "tactics: {ask_for_help: {}}\n");
        f.day.seed = 4242 + (uint64_t)s;
        f.day.stream = ts_module_stream_key("ask_for_help");
        ts_competence(&f.w)[5 * 4 + 1] = 0.3717f;
        /* 5 is 4's only teammate: with 6 there, 4 would turn to 6 after seeing 5 fail, and
         * the share seen of 5 would be biased low. */
        f.w.active[6] = 0;
        const int days = 3000;
        for (int k = 0; k < days; k++) {
            f.w.day = f.day.day = 100 + k;
            start_task(&f, 4, 1, 5.0f);
            run_org(&f);
        }
        /* Forgetting 0.998 a day: compare the decayed successes with the decayed total. */
        ts_belief b;
        assert_true(read_model(&f, 4, 5, &b));
        double share = b.alpha_e[1] / (b.alpha_e[1] + b.beta_e[1]);
        print_message("seed %d: observed share %.4f\n", s, share);
        mean += share / seeds;
        teardown_fix(&f);
    }
    print_message("mean share %.4f (chance of success %.4f)\n", mean, tst_success_p(0.3717));
    assert_true(fabs(mean - tst_success_p(0.3717)) < 0.03);
}

/* Who does not ask: a task not started yesterday, no task, self-belief at or above the
 * threshold, nobody open or safe, busy or inactive askers, a task view from before the
 * hire, nobody to ask. */
static void test_who_does_not_ask(void **state) {
    (void)state;
    fix f;
    setup_fix(&f, "tactics: {ask_for_help: {threshold: 0.5}}\n");
    start_task(&f, 4, 2, 0.0f); /* self-belief 0.6 >= 0.5 */
    start_task(&f, 5, 2, 1.0f); /* 1.2/3 = 0.4 < 0.5: asks */
    run_org(&f);
    assert_float_equal(requests_today(&f), 1.0, 0.0);
    assert_float_equal(hours(&f, 5), 0.5, 1e-6);
    assert_float_equal(ts_task_boost(&f.w)[4], 0.0, 0.0);
    assert_true(ts_task_boost(&f.w)[5] > 0.0f);

    struct {
        const char *what;
        int32_t start_offset; /* task_start - day */
        uint8_t domain;
        float openness, safety;
        uint8_t busy, active;
        int32_t hire_day;
    } cases[] = {
        {"started two days ago", -2, 2, 1, 1, 0, 1, 0},
        {"started today", 0, 2, 1, 1, 0, 1, 0},
        {"no task", -1, TS_NO_TASK, 1, 1, 0, 1, 0},
        {"closed", -1, 2, 0, 1, 0, 1, 0},
        {"unsafe", -1, 2, 1, 0, 0, 1, 0},
        {"busy", -1, 2, 1, 1, 1, 1, 0},
        {"inactive", -1, 2, 1, 1, 0, 0, 0},
        {"stale task view", -1, 2, 1, 1, 0, 1, 10},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        for (uint32_t a = 0; a < f.w.n; a++) {
            ts_task_domain(&f.w)[a] = TS_NO_TASK;
            ts_task_boost(&f.w)[a] = 0.0f;
        }
        start_task(&f, 5, cases[k].domain, 1.0f);
        ts_task_start(&f.w)[5] = f.w.day + cases[k].start_offset;
        ts_openness(&f.w)[5] = cases[k].openness;
        ts_safety(&f.w)[5] = cases[k].safety;
        ts_busy(&f.w)[5] = cases[k].busy;
        f.w.active[5] = cases[k].active;
        f.w.hire_day[5] = cases[k].hire_day;
        run_org(&f);
        print_message("%s\n", cases[k].what);
        assert_float_equal(requests_today(&f), 0.0, 0.0);
        assert_float_equal(hours(&f, 5), 0.0, 0.0);
        assert_float_equal(ts_task_boost(&f.w)[5], 0.0, 0.0);
        ts_openness(&f.w)[5] = ts_safety(&f.w)[5] = 1.0f;
        ts_busy(&f.w)[5] = 0;
        f.w.active[5] = 1;
        f.w.hire_day[5] = 0;
    }
    /* Nobody to ask: 5's teammates 4 and 6 are both busy. */
    ts_task_domain(&f.w)[5] = TS_NO_TASK;
    start_task(&f, 5, 2, 1.0f);
    ts_busy(&f.w)[4] = ts_busy(&f.w)[6] = 1;
    run_org(&f);
    assert_float_equal(requests_today(&f), 0.0, 0.0);
    assert_float_equal(hours(&f, 5), 0.0, 0.0);
    teardown_fix(&f);
}

/* openness x safety is the chance of asking: 0.62 x 0.6 = 0.372 over many agent-days,
 * and the draw belongs to the asker (the same whoever else asks). */
static void test_probability_openness_times_safety(void **state) {
    (void)state;
    fix f;
    setup_fix(&f, "tactics: {ask_for_help: {}}\n");
    for (uint32_t a = 4; a <= 12; a++) {
        ts_openness(&f.w)[a] = 0.62f;
        ts_safety(&f.w)[a] = 0.6f;
    }
    const int days = 800;
    double asked = 0.0, tries = 0.0;
    int same = 1;
    for (int k = 0; k < days; k++) {
        f.w.day = f.day.day = 20 + k;
        /* All of team 1 and of team 2, unsure of itself. */
        for (uint32_t a = 4; a <= 9; a++) {
            start_task(&f, a, (uint8_t)(k % 4), 4.0f);
            ts_task_boost(&f.w)[a] = 0.0f;
        }
        run_org(&f);
        asked += requests_today(&f);
        tries += 6.0;
        int ask4 = ts_task_boost(&f.w)[4] > 0.0f;
        /* The same day with 4 alone unsure: it decides the same way. */
        for (uint32_t a = 4; a <= 9; a++) {
            ts_task_domain(&f.w)[a] = TS_NO_TASK;
            ts_task_boost(&f.w)[a] = 0.0f;
        }
        start_task(&f, 4, (uint8_t)(k % 4), 4.0f);
        run_org(&f);
        same &= ask4 == (ts_task_boost(&f.w)[4] > 0.0f);
    }
    print_message("asked %.4f of the time (expected 0.372)\n", asked / tries);
    assert_true(fabs(asked / tries - 0.372) < 0.03);
    assert_true(same);
    teardown_fix(&f);
}

/* The key is checked by the scenario: a threshold outside [0, 1] is refused. */
static void test_threshold_range(void **state) {
    (void)state;
    const char *bad[] = {"tactics: {ask_for_help: {threshold: 1.5}}\n",
                         "tactics: {ask_for_help: {threshold: -0.1}}\n"};
    for (size_t k = 0; k < 2; k++) {
        ts_error err;
        assert_int_not_equal(tst_scenario_status(bad[k], &err), TS_OK);
        assert_non_null(strstr(err.msg, "threshold"));
    }
    /* On only when its section is present (and not switched off). */
    assert_true(tst_module_on(&ts_module_ask_for_help, "tactics: {ask_for_help: {}}\n"));
    assert_false(tst_module_on(&ts_module_ask_for_help, ""));
    assert_false(
        tst_module_on(&ts_module_ask_for_help, "tactics: {ask_for_help: {enabled: false}}\n"));
}

/* ---- Behaviour --------------------------------------------------------------------------- */

#define SEEDS 5

/* Means over the recorded days of the named daily series, one run. */
static void run_means(const char *text, uint64_t seed, const char *const *names, size_t n,
                      double *out) {
    tst_full(text, seed, TST_MEAN, names, n, out);
}

/* Seed 004: asking for help builds trust (goodwill both ways) and fewer tasks fail, at
 * the cost of meeting hours. The culture is made safe enough (0.8) that asking is
 * common: at the default 0.6 only one unsure owner in three or four asks. Besides the
 * goodwill of the requests themselves, the help means fewer failures, hence fewer
 * concealments discovered later (each costs goodwill 0.3): the larger share of the
 * goodwill gained. */
static void test_behaviour_on_vs_off(void **state) {
    (void)state;
    const char *base = "days: 200\norg: {headcount: 80, warmup_days: 80}\n"
                       "culture: {safety: 0.8}\n"
                       "output: {snapshot_every: 0}\n";
    char on[512];
    snprintf(on, sizeof on, "%stactics: {ask_for_help: {}}\n", base);
    const char *names[] = {"goodwill_mean", "tasks_failed", "hours_meetings", "tasks_completed"};
    enum { N = 4 };
    double mon[N] = {0}, moff[N] = {0};
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        double a[N], b[N];
        run_means(on, seed * 104729, names, N, a);
        run_means(base, seed * 104729, names, N, b);
        print_message("seed %u  on: goodwill %.4f failed %.3f meetings %.4f completed %.3f\n",
                      (unsigned)seed, a[0], a[1], a[2], a[3]);
        print_message("seed %u off: goodwill %.4f failed %.3f meetings %.4f completed %.3f\n",
                      (unsigned)seed, b[0], b[1], b[2], b[3]);
        for (size_t k = 0; k < N; k++) {
            mon[k] += a[k] / SEEDS;
            moff[k] += b[k] / SEEDS;
        }
    }
    print_message("mean  on: goodwill %.4f failed %.3f meetings %.4f completed %.3f\n", mon[0],
                  mon[1], mon[2], mon[3]);
    print_message("mean off: goodwill %.4f failed %.3f meetings %.4f completed %.3f\n", moff[0],
                  moff[1], moff[2], moff[3]);
    assert_true(mon[0] > moff[0] + 0.005);
    assert_true(mon[1] < moff[1] * 0.97);
    assert_true(mon[2] > moff[2] + 0.01);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_self_belief_by_hand),
        cmocka_unit_test(test_helper_choice),
        cmocka_unit_test(test_one_request_by_hand),
        cmocka_unit_test(test_observation_from_helper_competence),
        cmocka_unit_test(test_who_does_not_ask),
        cmocka_unit_test(test_probability_openness_times_safety),
        cmocka_unit_test(test_threshold_range),
        cmocka_unit_test(test_behaviour_on_vs_off),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
