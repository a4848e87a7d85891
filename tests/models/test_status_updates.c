/* Tests of models/status_updates.c: who posts on which day, what it costs the writer and
 * its manager, the manager's observation, the status_day and surface hooks, the metric,
 * the scenario keys, and the behaviour over several seeds (hidden defects found sooner,
 * less status uncertainty, more hours in meetings). */
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
#include "status_updates.h"
#include "work_internal.h"
#include "test_support.h"

/* A hand-built world of 13 people, span 3: CEO 0; managers 1, 2, 3; 1 -> 4 5 6,
 * 2 -> 7 8 9, 3 -> 10 11 12; two domains; no forgetting. Competence 0.5 everywhere but
 * where a test sets it. */
typedef tst_world fixture;

static void fx_open(fixture *f, const char *yaml) {
    tst_world_open(f, &ts_module_status_updates, yaml, 2, 16, 13, 3);
    tst_world_competence(f, 0.5f);
    tst_world_configure(f);
}

/* One day on `day`, as the engine runs it: hours, busy and surface start clean. */
static void fx_org(fixture *f, int32_t day) {
    memset(ts_surface(&f->w), 0, (size_t)f->w.n * sizeof *ts_surface(&f->w));
    tst_world_org(f, day, 10, 4242);
}

/* i's evidence about j in each domain (successes, failures), 0 without a model. */
static void evidence(const ts_world *w, uint32_t i, uint32_t j, float *succ, float *fail) {
    int slot = ts_relstore_find(&w->models, i, j);
    succ[0] = succ[1] = fail[0] = fail[1] = 0.0f;
    if (slot < 0) {
        return;
    }
    ts_belief b;
    ts_relstore_read(&w->models, i, (uint32_t)slot, w->day, &b);
    for (int d = 0; d < 2; d++) {
        succ[d] = b.alpha_e[d];
        fail[d] = b.beta_e[d];
    }
}

static double metric(fixture *f) {
    double v = -1.0;
    tst_world_metrics(f, &v, 1);
    return v;
}

#define ON5 "tactics: {status_updates: {every: 5}}\n"

/* Day 3, every 5: (3 + id) % 5 == 0 for ids 2, 7 and 12. */
static void test_who_posts_and_what_it_costs(void **state) {
    (void)state;
    fixture f;
    fx_open(&f, ON5);
    fx_org(&f, 3);
    const uint32_t writers[] = {2, 7, 12};
    for (uint32_t a = 0; a < f.w.n; a++) {
        int writes = a == 2 || a == 7 || a == 12;
        assert_int_equal(ts_status_day(&f.w)[a], writes ? 3 : INT32_MIN);
        assert_float_equal(ts_surface(&f.w)[a], writes ? 0.1 : 0.0, 1e-6);
        assert_float_equal(tst_hours_except(&f.w, a, TS_HOURS_MEETINGS), 0.0, 1e-9);
    }
    /* Writers 0.25 h; readers 0.05 h per report posting: 0 reads 2, 2 reads 7, 3 reads 12. */
    assert_float_equal(tst_hours(&f.w, 0, TS_HOURS_MEETINGS), 0.05, 1e-6);
    assert_float_equal(tst_hours(&f.w, 2, TS_HOURS_MEETINGS), 0.25 + 0.05, 1e-6);
    assert_float_equal(tst_hours(&f.w, 3, TS_HOURS_MEETINGS), 0.05, 1e-6);
    assert_float_equal(tst_hours(&f.w, 7, TS_HOURS_MEETINGS), 0.25, 1e-6);
    assert_float_equal(tst_hours(&f.w, 12, TS_HOURS_MEETINGS), 0.25, 1e-6);
    double total = 0.0;
    for (uint32_t a = 0; a < f.w.n; a++) {
        total += tst_hours(&f.w, a, TS_HOURS_MEETINGS);
    }
    assert_float_equal(total, 3 * 0.30, 1e-5);
    /* Each manager holds one observation of weight 0.1 of its writer, no one else one. */
    const uint32_t readers[] = {0, 2, 3};
    for (int k = 0; k < 3; k++) {
        float s[2], fl[2];
        evidence(&f.w, readers[k], writers[k], s, fl);
        assert_float_equal(s[0] + s[1] + fl[0] + fl[1], 0.1, 1e-6);
        evidence(&f.w, writers[k], readers[k], s, fl);
        assert_float_equal(s[0] + s[1] + fl[0] + fl[1], 0.0, 1e-9);
    }
    assert_int_equal(ts_relstore_count(&f.w.models, 1), 0);
    assert_float_equal(metric(&f), 3.0, 1e-9);
    tst_world_close(&f);
}

/* The observation's outcome follows the writer's chance of success. */
static void test_observation_follows_competence(void **state) {
    (void)state;
    fixture f;
    fx_open(&f, ON5);
    /* 7 nearly never fails (p(1) = 0.9975), 12 nearly never succeeds (p(0) = 0.018); 2 is
     * right p(0.3717) = 0.430 of the time. */
    ts_competence(&f.w)[7 * 2] = ts_competence(&f.w)[7 * 2 + 1] = 1.0f;
    ts_competence(&f.w)[12 * 2] = ts_competence(&f.w)[12 * 2 + 1] = 0.0f;
    ts_competence(&f.w)[2 * 2] = ts_competence(&f.w)[2 * 2 + 1] = 0.3717f;
    double succ2 = 0.0;
    int days = 0;
    float dom_seen[2] = {0.0f, 0.0f};
    for (int32_t day = 3; day < 3 + 5 * 400; day += 5) {
        fx_org(&f, day);
        days++;
    }
    float s[2], fl[2];
    evidence(&f.w, 2, 7, s, fl);
    assert_float_equal(s[0] + s[1] + fl[0] + fl[1], 0.1 * days, 1e-3);
    assert_true(fl[0] + fl[1] <= 0.1 * 5 + 1e-6); /* expected 1 failure in 400 */
    dom_seen[0] = s[0];
    dom_seen[1] = s[1];
    /* Random domains: each gets about half of 400 draws (sd 10 draws). */
    assert_true(dom_seen[0] > 0.1 * 160 && dom_seen[1] > 0.1 * 160);
    evidence(&f.w, 3, 12, s, fl);
    assert_float_equal(s[0] + s[1] + fl[0] + fl[1], 0.1 * days, 1e-3);
    assert_true(s[0] + s[1] <= 0.1 * 20); /* expected 7 successes in 400, sd 2.6 */
    evidence(&f.w, 0, 2, s, fl);
    succ2 = (s[0] + s[1]) / (s[0] + s[1] + fl[0] + fl[1]);
    /* 400 draws at 0.430: sd 0.025. */
    assert_true(fabs(succ2 - tst_success_p(0.3717)) < 0.075);
    tst_world_close(&f);
}

/* Busy and inactive people do not post; the warm-up's negative days count; the root
 * posts with no one to read it. */
static void test_busy_inactive_warmup_and_root(void **state) {
    (void)state;
    fixture f;
    fx_open(&f, ON5);
    /* Day -3: (-3 + id) % 5 == 0 for ids 3, 8 (and 13, not hired). */
    ts_busy(&f.w)[8] = 1;
    fx_org(&f, -3);
    assert_int_equal(ts_status_day(&f.w)[3], -3);
    assert_int_equal(ts_status_day(&f.w)[8], INT32_MIN);
    assert_float_equal(tst_hours(&f.w, 8, TS_HOURS_MEETINGS), 0.0, 1e-9);
    /* 8's manager reads nothing */
    assert_float_equal(tst_hours(&f.w, 2, TS_HOURS_MEETINGS), 0.0, 1e-9);
    assert_float_equal(tst_hours(&f.w, 0, TS_HOURS_MEETINGS), 0.05, 1e-6);
    assert_float_equal(metric(&f), 1.0, 1e-9);
    ts_busy(&f.w)[8] = 0;
    /* A leaver is out: 11 leaves; on day 4, (4 + id) % 5 == 0 for 1, 6 and 11. */
    ts_world_remove_agent(&f.w, 11, 3);
    fx_org(&f, 4);
    assert_int_equal(ts_status_day(&f.w)[11], INT32_MIN);
    assert_int_equal(ts_status_day(&f.w)[1], 4);
    assert_int_equal(ts_status_day(&f.w)[6], 4);
    assert_float_equal(tst_hours(&f.w, 3, TS_HOURS_MEETINGS), 0.0, 1e-9);
    assert_float_equal(metric(&f), 2.0, 1e-9);
    /* Day 5: the root (id 0) posts; no manager reads it and it observes no one. */
    fx_org(&f, 5);
    assert_int_equal(ts_status_day(&f.w)[0], 5);
    assert_float_equal(tst_hours(&f.w, 0, TS_HOURS_MEETINGS), 0.25, 1e-6);
    assert_float_equal(ts_surface(&f.w)[0], 0.1, 1e-6);
    tst_world_close(&f);
}

/* every: 1 has everyone post every day; the root reads its three reports. */
static void test_every_day(void **state) {
    (void)state;
    fixture f;
    fx_open(&f, "tactics: {status_updates: {every: 1}}\n");
    fx_org(&f, 17);
    assert_float_equal(tst_hours(&f.w, 0, TS_HOURS_MEETINGS), 0.25 + 3 * 0.05, 1e-6);
    assert_float_equal(tst_hours(&f.w, 1, TS_HOURS_MEETINGS), 0.25 + 3 * 0.05, 1e-6);
    assert_float_equal(tst_hours(&f.w, 9, TS_HOURS_MEETINGS), 0.25, 1e-6);
    assert_float_equal(metric(&f), 13.0, 1e-9);
    for (uint32_t a = 0; a < f.w.n; a++) {
        assert_int_equal(ts_status_day(&f.w)[a], 17);
    }
    tst_world_close(&f);
}

/* The keys: `every` defaults to 5 and must be 1..365; the module is on only with its
 * section. */
static void test_keys_and_switch(void **state) {
    (void)state;
    ts_scenario *sc = tst_scenario("tactics: {status_updates: {}}\n");
    assert_int_equal(ts_scenario_int(sc, "tactics.status_updates.every"), 5);
    assert_true(ts_engine_module_on(&ts_module_status_updates, sc));
    ts_scenario_free(sc);
    assert_false(tst_module_on(&ts_module_status_updates, "days: 3\n"));
    const char *bad[] = {
        "tactics: {status_updates: {every: 0}}\n", "tactics: {status_updates: {every: 366}}\n",
        "tactics: {status_updates: {every: 2.5}}\n", "tactics: {status_updates: {often: 2}}\n"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        assert_int_not_equal(tst_scenario_status(bad[k], NULL), TS_OK);
    }
}

/* Through the engine: the metric is recorded, and the posts follow the schedule. */
static void test_engine_run(void **state) {
    (void)state;
    ts_scenario *sc = tst_scenario("days: 20\norg: {headcount: 30, warmup_days: 5}\n"
                                   "output: {snapshot_every: 0}\n" ON5);
    ts_engine_options eo = {.seed = 3, .threads = 2};
    ts_engine *e;
    ts_error err;
    ts_result r;
    ts_result_init(&r);
    assert_int_equal(ts_engine_create(sc, ts_modules, ts_n_modules, &eo, &e, &err), TS_OK);
    assert_non_null(ts_engine_module_state(e, "status_updates"));
    assert_int_equal(ts_engine_run(e, &r, &err), TS_OK);
    const ts_series *s = tst_series(&r, "status_updates_posted");
    assert_int_equal(s->n, 21);
    /* 30 people, none busy: 6 posts a day. */
    for (size_t d = 1; d < s->n; d++) {
        assert_float_equal(s->values[d], 6.0, 1e-9);
    }
    ts_result_free(&r);
    ts_engine_free(e);
    ts_scenario_free(sc);
}

/* ---- Behaviour: on vs off over several seeds ------------------------------------------ */

#define SEEDS 5

static void test_behaviour(void **state) {
    (void)state;
    const char *base = "days: 250\norg: {headcount: 100, warmup_days: 80}\n"
                       "domains: [design, roadmap, people, debugging]\n"
                       "output: {snapshot_every: 0}\n";
    char on[512];
    snprintf(on, sizeof on, "%s" ON5, base);
    tst_discovery off, on_;
    tst_discovery_pair(base, on, SEEDS, 104729, &off, &on_);
    /* Found sooner: a larger share of concealments found within the run, a shorter time
     * hidden. Surface +0.1 one day in 5 on top of 0.03 a day: 1 / 0.05 = 20 days hidden
     * instead of 1 / 0.03 = 33 (fewer when the 4-defect cap or a departure loses some). */
    assert_true(on_.found_share > off.found_share + 0.015);
    assert_true(on_.hiding_days < off.hiding_days * 0.8);
    assert_true(on_.fud < off.fud * 0.8);
    assert_true(on_.meetings > off.meetings + 0.03);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_who_posts_and_what_it_costs),
        cmocka_unit_test(test_observation_follows_competence),
        cmocka_unit_test(test_busy_inactive_warmup_and_root),
        cmocka_unit_test(test_every_day),
        cmocka_unit_test(test_keys_and_switch),
        cmocka_unit_test(test_engine_run),
        cmocka_unit_test(test_behaviour),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
