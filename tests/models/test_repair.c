/* Tests of models/repair.c: the chance of owning up (safety^(1 - candor)) by hand, the
 * messages an observer receives for an owned-up failure (with and without the repair
 * tactic's apology and its credit), for a discovered concealment and for the manager's
 * answer; the module's daily pull of safety toward the team's mean and back toward
 * culture.safety, by hand over one and several org phases; and, over several seeds of the
 * full model, where safety settles under heavy and light blame. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <math.h>

#include "evidence.h"
#include "shared.h"
#include "modules.h"
#include "repair.h"
#include "test_support.h"

/* ---- Owning up ---------------------------------------------------------------------------- */

/* ts_repair_own_up_p(candor, safety) = safety^(1 - candor). */
static void test_own_up_p_known_answers(void **state) {
    (void)state;
    assert_float_equal(ts_repair_own_up_p(0.6, 0.6), 0.8151931096059227, 1e-15);
    assert_float_equal(ts_repair_own_up_p(0.2731, 0.3717), 0.48704935512906217, 1e-15);
    /* Full candour owns up whatever the safety; no candour exactly as often as safe. */
    const double safeties[] = {0.0, 0.3717, 1.0};
    for (size_t k = 0; k < 3; k++) {
        assert_float_equal(ts_repair_own_up_p(1.0, safeties[k]), 1.0, 0.0);
        assert_float_equal(ts_repair_own_up_p(0.0, safeties[k]), safeties[k], 0.0);
    }
    /* No safety: never, unless the candour is full. pow(0, 0) is 1 in C, and the code
     * keeps it: a fully candid person owns up even where it feels no safety at all. */
    assert_float_equal(ts_repair_own_up_p(0.2731, 0.0), 0.0, 0.0);
    assert_float_equal(ts_repair_own_up_p(0.99, 0.0), 0.0, 0.0);
    assert_float_equal(ts_repair_own_up_p(1.0, 0.0), 1.0, 0.0);
    /* Rising in both candour and safety. */
    for (double c = 0.0; c < 0.95; c += 0.1) {
        for (double s = 0.05; s < 0.95; s += 0.1) {
            assert_true(ts_repair_own_up_p(c + 0.1, s) > ts_repair_own_up_p(c, s));
            assert_true(ts_repair_own_up_p(c, s + 0.1) > ts_repair_own_up_p(c, s));
        }
    }
}

/* ts_repair_owns_up draws against the owner's candour and safety. */
static void test_owns_up_draws(void **state) {
    (void)state;
    ts_world w;
    ts_error err;
    assert_int_equal(ts_world_init(&w, 4, 8, 1.0, &err), TS_OK);
    assert_int_equal(ts_shared_register(&w, &err), TS_OK);
    assert_int_equal(ts_world_build_tree(&w, 3, 2, 0, &err), TS_OK);
    ts_candor(&w)[1] = 0.2731f;
    ts_safety(&w)[1] = 0.3717f;
    ts_candor(&w)[2] = 1.0f;
    ts_safety(&w)[2] = 0.0f;
    int owned = 0, full = 0, none = 0;
    const int n = 20000;
    for (int k = 0; k < n; k++) {
        ts_rng r;
        ts_rng_init(&r, 12345, 1, (uint32_t)k, 9);
        owned += ts_repair_owns_up(&w, 1, &r);
        full += ts_repair_owns_up(&w, 2, &r);
        ts_candor(&w)[2] = 0.5f;
        none += ts_repair_owns_up(&w, 2, &r);
        ts_candor(&w)[2] = 1.0f;
    }
    double want = ts_repair_own_up_p((double)0.2731f, (double)0.3717f);
    print_message("owned up %.4f of %d failures (want %.4f)\n", (double)owned / n, n, want);
    assert_float_equal((double)owned / n, want, 0.015); /* sd 0.0035 */
    assert_int_equal(full, n);
    assert_int_equal(none, 0);
    ts_world_free(&w);
}

/* ---- Messages ------------------------------------------------------------------------------ */

static ts_emit msgs_emit(tst_msgs *m, uint32_t from) {
    return tst_msgs_emit(m, from, 2, 10, 3);
}

static int n_kind(const tst_msgs *m, int kind) {
    int n = 0;
    for (size_t i = 0; i < m->buf.n; i++) {
        n += m->buf.msgs[i].kind == kind;
    }
    return n;
}

static void params_of(const char *yaml, ts_repair_params *rp) {
    ts_scenario *sc = tst_scenario(yaml);
    ts_repair_params_load(sc, rp);
    ts_scenario_free(sc);
}

/* A small world for the message functions: 0 -> 1, 2; 1 -> 3, 4; 2 -> 5, 6. */
static void small_world(ts_world *w) {
    ts_error err;
    assert_int_equal(ts_world_init(w, 4, 8, 1.0, &err), TS_OK);
    assert_int_equal(ts_shared_register(w, &err), TS_OK);
    assert_int_equal(ts_world_build_tree(w, 7, 2, 0, &err), TS_OK);
}

/* Without the tactic an observer of an owned-up failure gets the failure and as much
 * honesty evidence, both at its weight, and no goodwill, whatever the owner's empathy. */
static void test_owned_without_tactic(void **state) {
    (void)state;
    const char *yamls[] = {"", "tactics: {repair: {apology: 0.9, credit: 0.8, enabled: false}}\n"};
    ts_world w;
    small_world(&w);
    ts_empathy(&w)[3] = 0.9f;
    tst_msgs m = {0};
    for (size_t k = 0; k < 2; k++) {
        ts_repair_params rp;
        params_of(yamls[k], &rp);
        assert_float_equal(rp.apology, 0.0, 0.0);
        assert_float_equal(rp.credit, 0.0, 0.0);
        ts_emit e = msgs_emit(&m, 3);
        ts_repair_owned(&rp, &w, &e, 1, 3, 2, 0.3717f);
        assert_int_equal(m.buf.n, 2);
        ts_msg o = tst_msgs_only(&m, 1, TS_MK_OBSERVE);
        assert_int_equal(o.about, 3);
        assert_int_equal(o.domain, 2);
        assert_int_equal(o.flags, 0);
        assert_float_equal(o.w, 0.3717, 1e-7);
        ts_msg i = tst_msgs_only(&m, 1, TS_MK_INTEGRITY);
        assert_int_equal(i.about, 3);
        assert_float_equal(i.w, 0.3717, 1e-7);
        assert_float_equal(i.x, 0.0, 0.0);
        assert_float_equal(i.y, 0.0, 0.0);
        assert_int_equal(n_kind(&m, TS_MK_GOODWILL), 0);
    }
    tst_msgs_free(&m);
    ts_world_free(&w);
}

/* With the tactic the apology takes back credit x apology x empathy of the failure and
 * earns goodwill 0.1 x apology x empathy; the honesty evidence stays at the weight. */
static void test_owned_with_tactic(void **state) {
    (void)state;
    ts_world w;
    small_world(&w);
    ts_empathy(&w)[3] = 0.6f;
    tst_msgs m = {0};
    ts_repair_params rp;
    params_of("tactics: {repair: {apology: 0.8123, credit: 0.37}}\n", &rp);
    ts_emit e = msgs_emit(&m, 3);
    ts_repair_owned(&rp, &w, &e, 4, 3, 1, 0.25f);
    assert_int_equal(m.buf.n, 3);
    double back = 0.37 * 0.8123 * 0.6; /* 0.18033 */
    assert_float_equal(tst_msgs_only(&m, 4, TS_MK_OBSERVE).w, 0.25 * (1.0 - back), 1e-6);
    assert_float_equal(tst_msgs_only(&m, 4, TS_MK_INTEGRITY).w, 0.25, 1e-7);
    assert_float_equal(tst_msgs_only(&m, 4, TS_MK_GOODWILL).w, 0.1 * 0.8123 * 0.6, 1e-7);
    /* The defaults (apology 0.8, credit 0.5) at full empathy and weight 1: 0.6 of it. */
    params_of("tactics: {repair: {}}\n", &rp);
    assert_float_equal(rp.apology, 0.8, 1e-7);
    assert_float_equal(rp.credit, 0.5, 1e-7);
    ts_empathy(&w)[3] = 1.0f;
    e = msgs_emit(&m, 3);
    ts_repair_owned(&rp, &w, &e, 1, 3, 0, 1.0f);
    assert_float_equal(tst_msgs_only(&m, 1, TS_MK_OBSERVE).w, 0.6, 1e-6);
    assert_float_equal(tst_msgs_only(&m, 1, TS_MK_GOODWILL).w, 0.08, 1e-7);
    /* No empathy: nothing taken back, a goodwill message of 0. */
    ts_empathy(&w)[3] = 0.0f;
    e = msgs_emit(&m, 3);
    ts_repair_owned(&rp, &w, &e, 1, 3, 0, 0.5f);
    assert_float_equal(tst_msgs_only(&m, 1, TS_MK_OBSERVE).w, 0.5, 0.0);
    assert_float_equal(tst_msgs_only(&m, 1, TS_MK_GOODWILL).w, 0.0, 0.0);
    /* The tactic on with apology 0: no apology, so no credit and no goodwill. */
    params_of("tactics: {repair: {apology: 0, credit: 0.9}}\n", &rp);
    ts_empathy(&w)[3] = 0.9f;
    e = msgs_emit(&m, 3);
    ts_repair_owned(&rp, &w, &e, 1, 3, 0, 0.5f);
    assert_int_equal(m.buf.n, 2);
    assert_float_equal(tst_msgs_only(&m, 1, TS_MK_OBSERVE).w, 0.5, 0.0);
    tst_msgs_free(&m);
    ts_world_free(&w);
}

/* A discovered concealment: the failure at the weight, fading dishonesty
 * deception_weight x w, a scar scar x w, goodwill discovered_goodwill x w; the apology
 * tactic changes none of it. */
static void test_discovered(void **state) {
    (void)state;
    const char *yamls[] = {
        "repair: {deception_weight: 2.7, scar: 0.37, discovered_goodwill: -0.21}\n",
        "repair: {deception_weight: 2.7, scar: 0.37, discovered_goodwill: -0.21}\n"
        "tactics: {repair: {apology: 1, credit: 1}}\n"};
    tst_msgs m = {0};
    for (size_t k = 0; k < 2; k++) {
        ts_repair_params rp;
        params_of(yamls[k], &rp);
        ts_emit e = msgs_emit(&m, 5);
        ts_repair_discovered(&rp, &e, 2, 5, 3, 0.25f);
        assert_int_equal(m.buf.n, 3);
        ts_msg o = tst_msgs_only(&m, 2, TS_MK_OBSERVE);
        assert_int_equal(o.about, 5);
        assert_int_equal(o.domain, 3);
        assert_int_equal(o.flags, 0);
        assert_float_equal(o.w, 0.25, 0.0);
        ts_msg i = tst_msgs_only(&m, 2, TS_MK_INTEGRITY);
        assert_float_equal(i.w, 0.0, 0.0);
        assert_float_equal(i.x, 2.7 * 0.25, 1e-6);
        assert_float_equal(i.y, 0.37 * 0.25, 1e-7);
        assert_float_equal(tst_msgs_only(&m, 2, TS_MK_GOODWILL).w, -0.21 * 0.25, 1e-7);
    }
    /* The defaults at full weight: 2 that fade, a scar of 1, goodwill -0.3. */
    ts_repair_params rp;
    params_of("", &rp);
    ts_emit e = msgs_emit(&m, 5);
    ts_repair_discovered(&rp, &e, 2, 5, 0, 1.0f);
    ts_msg i = tst_msgs_only(&m, 2, TS_MK_INTEGRITY);
    assert_float_equal(i.x, 2.0, 0.0);
    assert_float_equal(i.y, 1.0, 0.0);
    assert_float_equal(tst_msgs_only(&m, 2, TS_MK_GOODWILL).w, -0.3, 1e-7);
    tst_msgs_free(&m);
}

/* The manager's answer: blame (owner -0.1, each teammate -0.02, the manager nothing) or
 * curiosity (owner +0.05); the CEO answers to no one. */
static void test_respond(void **state) {
    (void)state;
    ts_world w;
    small_world(&w);
    tst_msgs m = {0};
    ts_repair_params rp;
    ts_rng r;
    ts_rng_init(&r, 1, 2, 3, 4);
    params_of("culture: {blame: 1}\n", &rp);
    ts_emit e = msgs_emit(&m, 4);
    ts_repair_respond(&rp, &w, &e, 4, &r);
    assert_int_equal(m.buf.n, 2);
    assert_float_equal(tst_msgs_only(&m, 4, TS_MK_SAFETY).w, -0.1, 1e-7);
    assert_float_equal(tst_msgs_only(&m, 3, TS_MK_SAFETY).w, -0.02, 1e-7);
    /* A bigger team: every other member hears it. */
    uint32_t extra;
    ts_error err;
    assert_int_equal(ts_world_add_agent(&w, 1, 0, &extra, &err), TS_OK);
    e = msgs_emit(&m, 4);
    ts_repair_respond(&rp, &w, &e, 4, &r);
    assert_int_equal(m.buf.n, 3);
    assert_float_equal(tst_msgs_only(&m, extra, TS_MK_SAFETY).w, -0.02, 1e-7);
    params_of("culture: {blame: 0}\n", &rp);
    e = msgs_emit(&m, 4);
    ts_repair_respond(&rp, &w, &e, 4, &r);
    assert_int_equal(m.buf.n, 1);
    assert_float_equal(tst_msgs_only(&m, 4, TS_MK_SAFETY).w, 0.05, 1e-7);
    e = msgs_emit(&m, 0);
    ts_repair_respond(&rp, &w, &e, 0, &r);
    assert_int_equal(m.buf.n, 0);
    /* Blame 0.3717: that share of answers are blame. */
    params_of("culture: {blame: 0.3717}\n", &rp);
    int blamed = 0;
    const int n = 10000;
    for (int k = 0; k < n; k++) {
        e = msgs_emit(&m, 4);
        ts_rng_init(&r, 99, 4, (uint32_t)k, 7);
        ts_repair_respond(&rp, &w, &e, 4, &r);
        blamed += tst_msgs_only(&m, 4, TS_MK_SAFETY).w < 0.0f;
    }
    print_message("blamed %.4f of %d answers (want 0.3717)\n", (double)blamed / n, n);
    assert_float_equal((double)blamed / n, 0.3717, 0.02); /* sd 0.0048 */
    tst_msgs_free(&m);
    ts_world_free(&w);
}

/* ---- Safety over days ----------------------------------------------------------------------- */

static void repair_world(tst_world *f, const char *yaml, const float *safety) {
    tst_world_open(f, &ts_module_repair, yaml, 4, 8, 7, 2);
    tst_world_configure(f);
    ts_error err;
    assert_int_equal(f->mod->grow(f->st, &f->w, &err), TS_OK);
    for (uint32_t a = 0; a < 7; a++) {
        ts_safety(&f->w)[a] = safety[a];
    }
}

/* One org phase: each member moves 5 % toward its team's mean (yesterday's values), then
 * everyone employed closes culture.safety_recovery of its gap to culture.safety. */
static void test_safety_one_phase(void **state) {
    (void)state;
    const float s0[7] = {0.9f, 0.2f, 0.7f, 0.1f, 0.5f, 0.3717f, 0.8f};
    tst_world f;
    repair_world(&f, "culture: {safety: 0.55, safety_recovery: 0.0371}\n", s0);
    tst_world_org(&f, 4, 2, 1);
    /* Team means 0.45 (1, 2), 0.3 (3, 4), 0.58585 (5, 6); the CEO is in no team. */
    const double want[7] = {0.887015, 0.22502125,  0.68239875, 0.126324,
                            0.492226, 0.388625182, 0.780414748};
    for (uint32_t a = 0; a < 7; a++) {
        assert_float_equal(ts_safety(&f.w)[a], want[a], 5e-7);
    }
    double v[1];
    double acc[2] = {0};
    f.mod->measure(f.st, &f.w, 0, 7, acc);
    f.mod->day_end(f.st, &f.w, acc, v);
    double mean = 0.0;
    for (uint32_t a = 0; a < 7; a++) {
        mean += want[a] / 7.0;
    }
    assert_float_equal(v[0], mean, 1e-6);
    tst_world_close(&f);
}

/* The same by a reference over 60 phases, with a leaver from day 20 (its safety frozen,
 * its teammate alone in the team), against the module. */
static void test_safety_many_phases(void **state) {
    (void)state;
    const float s0[7] = {0.9f, 0.2f, 0.7f, 0.1f, 0.5f, 0.3717f, 0.8f};
    tst_world f;
    repair_world(&f, "culture: {safety: 0.55, safety_recovery: 0.0371}\n", s0);
    double s[7];
    for (uint32_t a = 0; a < 7; a++) {
        s[a] = s0[a];
    }
    const int team_of[7] = {-1, 0, 0, 1, 1, 2, 2};
    int active[7] = {1, 1, 1, 1, 1, 1, 1};
    for (int day = 1; day <= 60; day++) {
        if (day == 20) {
            ts_world_remove_agent(&f.w, 6, day);
            active[6] = 0;
        }
        double sum[3] = {0}, cnt[3] = {0};
        for (int a = 0; a < 7; a++) {
            if (active[a] && team_of[a] >= 0) {
                sum[team_of[a]] += s[a];
                cnt[team_of[a]] += 1.0;
            }
        }
        for (int a = 0; a < 7; a++) {
            if (active[a] && team_of[a] >= 0) {
                s[a] += 0.05 * (sum[team_of[a]] / cnt[team_of[a]] - s[a]);
            }
        }
        for (int a = 0; a < 7; a++) {
            if (active[a]) {
                s[a] += 0.0371 * (0.55 - s[a]);
            }
        }
        tst_world_org(&f, day, 2, 1);
    }
    for (uint32_t a = 0; a < 7; a++) {
        assert_float_equal(ts_safety(&f.w)[a], s[a], 1e-5);
    }
    /* The leaver's safety stayed where it was on day 19. */
    assert_true(fabs(s[6] - 0.55) > 0.05);
    tst_world_close(&f);
}

/* Without recovery the drift keeps each team's mean and shrinks every member's distance
 * to it by 0.95 a phase; in a team already at one level, recovery alone closes the gap
 * to culture.safety as (1 - r)^k. */
static void test_safety_closed_forms(void **state) {
    (void)state;
    const float s0[7] = {0.9f, 0.2f, 0.7f, 0.1f, 0.5f, 0.3717f, 0.8f};
    tst_world f;
    repair_world(&f, "culture: {safety: 0.55, safety_recovery: 0}\n", s0);
    for (int day = 1; day <= 30; day++) {
        tst_world_org(&f, day, 2, 1);
    }
    double k30 = pow(0.95, 30);
    assert_float_equal(ts_safety(&f.w)[0], 0.9, 1e-7);
    assert_float_equal(ts_safety(&f.w)[1], 0.45 - 0.25 * k30, 1e-5);
    assert_float_equal(ts_safety(&f.w)[2], 0.45 + 0.25 * k30, 1e-5);
    assert_float_equal(ts_safety(&f.w)[3], 0.3 - 0.2 * k30, 1e-5);
    assert_float_equal(ts_safety(&f.w)[5], 0.58585 - 0.21415 * k30, 1e-5);
    tst_world_close(&f);
    const float flat[7] = {0.2731f, 0.2731f, 0.2731f, 0.2731f, 0.2731f, 0.2731f, 0.2731f};
    repair_world(&f, "culture: {safety: 0.8123, safety_recovery: 0.0371}\n", flat);
    for (int day = 1; day <= 45; day++) {
        tst_world_org(&f, day, 2, 1);
    }
    double want = 0.8123 + (0.2731 - 0.8123) * pow(1.0 - 0.0371, 45);
    for (uint32_t a = 0; a < 7; a++) {
        assert_float_equal(ts_safety(&f.w)[a], want, 1e-5);
    }
    tst_world_close(&f);
}

/* ---- Behaviour ------------------------------------------------------------------------------- */

static void measure_safety(const char *yaml, uint64_t seed, double *out, void *ctx) {
    (void)ctx;
    tst_fullrun x;
    tst_fullrun_open(&x, yaml, seed);
    const ts_series *s = tst_series(&x.r, "safety_mean");
    assert_int_equal(s->n, 401);
    out[0] = tst_series_mean(&x.r, "safety_mean", 371);
    double t = 0.0;
    for (size_t d = 341; d < 371; d++) {
        t += s->values[d];
    }
    out[1] = t / 30.0;
    tst_fullrun_close(&x);
}

static void report_safety(uint64_t seed, const double *a, const double *b, void *ctx) {
    (void)ctx;
    print_message("seed %u: blame 0.6 safety %.4f (30 days before %.4f), blame 0.05 %.4f (%.4f)\n",
                  (unsigned)seed, a[0], a[1], b[0], b[1]);
}

/* A long run (a year, no warm-up) of a 150-person company at culture.safety 0.6: under blame
 * 0.6 safety falls but recovery holds it well above 0, where it settles; under blame 0.05
 * curiosity lifts it above the culture's level. */
static void test_blame_long_run(void **state) {
    (void)state;
    const char *heavy = "days: 400\norg: {headcount: 150, warmup_days: 0}\nculture: {blame: 0.6}\n";
    const char *light =
        "days: 400\norg: {headcount: 150, warmup_days: 0}\nculture: {blame: 0.05}\n";
    double a[2], b[2];
    tst_pair(heavy, light, 3, 4099, 2, measure_safety, report_safety, NULL, a, b);
    assert_true(a[0] > 0.2 && a[0] < 0.5);
    assert_true(fabs(a[0] - a[1]) < 0.02); /* settled */
    assert_true(b[0] > 0.62);
    assert_true(b[0] - a[0] > 0.2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_own_up_p_known_answers),
        cmocka_unit_test(test_owns_up_draws),
        cmocka_unit_test(test_owned_without_tactic),
        cmocka_unit_test(test_owned_with_tactic),
        cmocka_unit_test(test_discovered),
        cmocka_unit_test(test_respond),
        cmocka_unit_test(test_safety_one_phase),
        cmocka_unit_test(test_safety_many_phases),
        cmocka_unit_test(test_safety_closed_forms),
        cmocka_unit_test(test_blame_long_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
