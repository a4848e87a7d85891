/* Tests of models/work_setback.c, the experiment experiments.setback: the cohort (drawn on
 * recorded day 1 from the run's seed and the agent alone, so the same whatever the
 * setback's day, failures or handling; the CEO never in it; its share), the forced
 * failures in settle and their handling in the outcome report (owned up, concealed until
 * surface_after, seen), the daily trust_setback and the summaries read from it, a control
 * arm (failures 0) that equals a run without the section bit for bit, and the validator.
 * Hand-built worlds for the mechanics; small runs of the full model for the counts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "evidence.h"
#include "shared.h"
#include "modules.h"
#include "work_internal.h"
#include "test_support.h"

/* ---- The work module by hand ---------------------------------------------------------------- */

typedef struct fix {
    ts_scenario *sc;
    ts_world w;
    work_state *s;
    tst_msgs msgs;
} fix;

/* A tree of `headcount` (span `span`, hired on day 0) with the work module configured. */
static void fix_open(fix *f, const char *yaml, uint32_t headcount, uint32_t span, uint64_t seed) {
    memset(f, 0, sizeof *f);
    ts_error err;
    f->sc = tst_scenario(yaml);
    assert_int_equal(ts_world_init(&f->w, 4, 16, 1.0, &err), TS_OK);
    assert_int_equal(ts_world_build_tree(&f->w, headcount, span, 0, &err), TS_OK);
    f->w.initial_headcount = headcount;
    f->w.days = 50;
    f->w.seed = seed;
    void *st = NULL;
    assert_int_equal(ts_module_work.configure(f->sc, &f->w, &st, &err), TS_OK);
    f->s = st;
    assert_int_equal(ts_module_work.grow(f->s, &f->w, &err), TS_OK);
}

static void fix_close(fix *f) {
    ts_module_work.free(f->s);
    ts_world_free(&f->w);
    ts_scenario_free(f->sc);
    tst_msgs_free(&f->msgs);
}

static void setback_org(fix *f, int32_t day) {
    ts_error err;
    assert_int_equal(ts_module_work.grow(f->s, &f->w, &err), TS_OK);
    f->w.day = day;
    ts_day d = {.day = day, .live = day >= 1, .module = 1, .seed = f->w.seed};
    work_setback_org(f->s, &f->w, &d);
}

static ts_emit emitter(fix *f, uint32_t from, int32_t day) {
    f->w.day = day;
    return tst_msgs_emit(&f->msgs, from, 1, day, 5);
}

static uint32_t cohort_size(const fix *f) {
    uint32_t n = 0;
    for (uint32_t a = 0; a < f->w.n; a++) {
        n += f->s->rows[a].cohort;
    }
    return n;
}

/* The cohort: drawn once, on recorded day 1, among the people then employed but the CEO,
 * each with probability share; not on warm-up days; the same for any day, failures and
 * handling of the setback, another for another seed. */
static void test_cohort_draw(void **state) {
    (void)state;
    fix f;
    fix_open(&f, "experiments:\n  setback: {day: 30, share: 0.3717, failures: 2, handling: seen}\n",
             5001, 5, 777);
    ts_world_remove_agent(&f.w, 4999, -3); /* left before the run */
    setback_org(&f, -1);
    setback_org(&f, 0);
    assert_int_equal(cohort_size(&f), 0);
    setback_org(&f, 1);
    uint32_t n = cohort_size(&f);
    double share = (double)n / 4999.0;
    print_message("cohort %u of 4999 (%.4f, want 0.3717)\n", (unsigned)n, share);
    assert_float_equal(share, 0.3717, 0.03); /* sd 0.0068 */
    assert_int_equal(f.s->rows[f.w.root].cohort, 0);
    assert_int_equal(f.s->rows[4999].cohort, 0);
    /* Not redrawn later; a later hire is never in it. */
    uint8_t *first = malloc(f.w.n);
    assert_non_null(first);
    for (uint32_t a = 0; a < f.w.n; a++) {
        first[a] = f.s->rows[a].cohort;
    }
    uint32_t late;
    ts_error err;
    assert_int_equal(ts_world_add_agent(&f.w, 3, 2, &late, &err), TS_OK);
    setback_org(&f, 2);
    setback_org(&f, 1); /* even a second day-1 call draws the same */
    for (uint32_t a = 0; a < 5001; a++) {
        assert_int_equal(f.s->rows[a].cohort, first[a]);
    }
    assert_int_equal(f.s->rows[late].cohort, 0);
    /* Other days, failures and handling: the same cohort. Another seed: another one. */
    const char *others[] = {
        "experiments:\n  setback: {day: 2, share: 0.3717, failures: 0}\n",
        "experiments:\n  setback: {day: 90, share: 0.3717, failures: 9, handling: concealed}\n"};
    for (int k = 0; k < 3; k++) {
        fix g;
        fix_open(&g, others[k < 2 ? k : 0], 5001, 5, k < 2 ? 777 : 778);
        ts_world_remove_agent(&g.w, 4999, -3);
        setback_org(&g, 1);
        uint32_t differ = 0;
        for (uint32_t a = 0; a < 5001; a++) {
            differ += g.s->rows[a].cohort != first[a];
        }
        if (k < 2) {
            assert_int_equal(differ, 0);
        } else {
            assert_true(differ > 1000); /* independent draws differ in about 47 % */
        }
        fix_close(&g);
    }
    free(first);
    fix_close(&f);
    /* A smaller share takes a subset: the same draws against a lower bar. */
    fix a, b;
    fix_open(&a, "experiments:\n  setback: {share: 0.2}\n", 2001, 5, 31);
    fix_open(&b, "experiments:\n  setback: {share: 0.6}\n", 2001, 5, 31);
    setback_org(&a, 1);
    setback_org(&b, 1);
    for (uint32_t x = 0; x < 2001; x++) {
        assert_true(!a.s->rows[x].cohort || b.s->rows[x].cohort);
    }
    assert_true(cohort_size(&a) < cohort_size(&b));
    fix_close(&a);
    fix_close(&b);
    /* Share 1: everyone but the CEO; no section: no one. */
    fix_open(&a, "experiments:\n  setback: {share: 1}\n", 101, 5, 31);
    setback_org(&a, 1);
    assert_int_equal(cohort_size(&a), 100);
    assert_int_equal(a.s->rows[0].cohort, 0);
    fix_close(&a);
    fix_open(&a, "", 101, 5, 31);
    assert_int_equal(a.s->setback.day, -1);
    setback_org(&a, 1);
    assert_int_equal(cohort_size(&a), 0);
    fix_close(&a);
}

/* The cohort's failures are handed out on the setback's day, not before. */
static void test_failures_handed_out(void **state) {
    (void)state;
    fix f;
    fix_open(&f, "experiments:\n  setback: {day: 6, share: 0.5, failures: 3}\n", 40, 3, 9);
    for (int32_t day = 1; day <= 5; day++) {
        setback_org(&f, day);
    }
    for (uint32_t a = 0; a < 40; a++) {
        assert_int_equal(f.s->rows[a].forced, 0);
    }
    setback_org(&f, 6);
    for (uint32_t a = 0; a < 40; a++) {
        assert_int_equal(f.s->rows[a].forced, f.s->rows[a].cohort ? 3 : 0);
    }
    assert_true(cohort_size(&f) > 5);
    /* Once taken, not handed out again. */
    for (uint32_t a = 0; a < 40; a++) {
        f.s->rows[a].forced = 0;
    }
    for (int32_t day = 7; day <= 9; day++) {
        setback_org(&f, day);
    }
    for (uint32_t a = 0; a < 40; a++) {
        assert_int_equal(f.s->rows[a].forced, 0);
    }
    fix_close(&f);
}

/* A forced failure: the task ends failed whatever the draw, one fewer is owed; once they
 * are taken, tasks succeed as competence says. */
static void test_forced_in_settle(void **state) {
    (void)state;
    fix f;
    fix_open(&f, TST_SHARP_LINK "experiments:\n  setback: {day: 3, share: 1, failures: 2}\n", 7, 2,
             9);
    f.w.day = 20;
    for (uint32_t d = 0; d < 4; d++) {
        ts_competence(&f.w)[4 * 4 + d] = 1.0f; /* succeeds whenever not forced */
    }
    work_row *row = &f.s->rows[4];
    row->forced = 2;
    for (int k = 0; k < 3; k++) {
        row->state = WORK_ACTIVE;
        row->size = 10.0f;
        row->done = 10.0f;
        ts_module_work.settle(f.s, &f.w, 4);
        assert_int_equal(row->state, WORK_DONE);
        assert_int_equal(row->completed, 1);
        assert_int_equal(row->success, k == 2);
        assert_int_equal(row->failed, k < 2);
        assert_int_equal(row->forced_now, k < 2);
        assert_int_equal(row->forced, k < 2 ? 1 - k : 0);
    }
    fix_close(&f);
}

/* Owner 3's forced failure (task of 40 hours in domain 2) reported on day 11. */
static void report_forced(fix *f, int forced_now) {
    f->s->rows[3] = (work_row){.state = WORK_DONE,
                               .success = 0,
                               .forced_now = (uint8_t)forced_now,
                               .domain = 2,
                               .size = 40.0f};
    ts_emit e = emitter(f, 3, 11);
    ts_module_work.act(f->s, &f->w, 3, ts_module_work.act_row(f->s, 3), &e);
}

/* handling: owned owns up even for someone who would hide it (candour and safety 0):
 * the manager sees the failure and honesty at weight 0.5, answers it, and a fifth of the
 * task is rework. Natural failures of the cohort are handled as people do. */
static void test_handling_owned(void **state) {
    (void)state;
    fix f;
    fix_open(&f, "experiments:\n  setback: {day: 3, handling: owned}\n", 7, 2, 9);
    ts_candor(&f.w)[3] = 0.0f;
    ts_safety(&f.w)[3] = 0.0f;
    report_forced(&f, 1);
    work_row *row = &f.s->rows[3];
    ts_msg m;
    assert_int_equal(tst_msgs_count(&f.msgs, 1, TS_MK_OBSERVE, &m), 1);
    assert_int_equal(m.flags, 0);
    assert_float_equal(m.w, 0.5, 0.0);
    assert_int_equal(tst_msgs_count(&f.msgs, 1, TS_MK_INTEGRITY, &m), 1);
    assert_float_equal(m.w, 0.5, 0.0);
    assert_int_equal(tst_msgs_count(&f.msgs, 3, TS_MK_SAFETY, NULL), 1); /* the manager's answer */
    assert_int_equal(row->owned, 1);
    assert_int_equal(row->concealed, 0);
    assert_int_equal(row->win_owned, 1);
    assert_int_equal(row->is_rework, 1);
    assert_float_equal(row->size, 8.0, 1e-6);
    /* The same person's own failure, not forced: hidden. */
    report_forced(&f, 0);
    assert_int_equal(row->concealed, 1);
    assert_int_equal(row->owned, 0);
    assert_int_equal(row->defects[0].due_day, INT32_MAX);
    fix_close(&f);
}

/* handling: concealed hides it even for the candid: observers see a success; the defect
 * surfaces by day + surface_after at the latest (never earlier here: discovery 0). */
static void test_handling_concealed(void **state) {
    (void)state;
    fix f;
    fix_open(&f,
             "repair: {discovery: 0}\n"
             "experiments:\n  setback: {day: 3, handling: concealed, surface_after: 7}\n",
             7, 2, 9);
    ts_candor(&f.w)[3] = 1.0f;
    ts_safety(&f.w)[3] = 1.0f;
    report_forced(&f, 1);
    work_row *row = &f.s->rows[3];
    ts_msg m;
    assert_int_equal(tst_msgs_count(&f.msgs, 1, TS_MK_OBSERVE, &m), 1);
    assert_int_equal(m.flags, 1);
    assert_int_equal(row->concealed, 1);
    assert_int_equal(row->owned, 0);
    assert_int_equal(row->win_owned, 0);
    assert_int_equal(row->defects[0].active, 1);
    assert_int_equal(row->defects[0].due_day, 18);
    for (int32_t day = 12; day <= 18; day++) {
        ts_busy(&f.w)[3] = 1; /* no new tasks */
        ts_emit e = emitter(&f, 3, day);
        ts_module_work.act(f.s, &f.w, 3, ts_module_work.act_row(f.s, 3), &e);
        assert_int_equal(row->discovered, day == 18);
        assert_int_equal(row->defects[0].active, day < 18);
    }
    /* Found out: the manager's dishonesty evidence, at full weight. */
    assert_int_equal(tst_msgs_count(&f.msgs, 1, TS_MK_INTEGRITY, &m), 1);
    assert_float_equal(m.x, 2.0, 0.0);
    assert_float_equal(m.y, 1.0, 0.0);
    assert_float_equal(row->rework, 8.0 * pow(1.1, 7), 1e-4);
    fix_close(&f);
}

/* A person holds at most WORK_MAX_DEFECTS (4) hidden defects; a fifth concealment joins
 * the last one, so that every forced concealment surfaces by day + surface_after: with
 * five hidden for 30 days, four defects are found (the last holding two) and none is left
 * hidden. */
static void test_concealed_beyond_four_defects(void **state) {
    (void)state;
    fix f;
    fix_open(&f,
             "repair: {discovery: 0}\n"
             "experiments:\n  setback: {day: 3, failures: 5, handling: concealed, "
             "surface_after: 30}\n",
             7, 2, 9);
    work_row *row = &f.s->rows[3];
    int concealed = 0, discovered = 0;
    for (int32_t day = 11; day <= 60; day++) {
        if (day <= 15) {
            row->state = WORK_DONE; /* a forced failure ended yesterday */
            row->success = 0;
            row->forced_now = 1;
            row->domain = 2;
            row->size = 40.0f;
        }
        ts_busy(&f.w)[3] = day > 15; /* no new tasks after the five */
        ts_emit e = emitter(&f, 3, day);
        ts_module_work.act(f.s, &f.w, 3, ts_module_work.act_row(f.s, 3), &e);
        concealed += row->concealed;
        discovered += row->discovered;
    }
    assert_int_equal(concealed, 5);
    assert_int_equal(discovered, 4);
    for (int k = 0; k < WORK_MAX_DEFECTS; k++) {
        assert_false(row->defects[k].active);
    }
    fix_close(&f);
}

/* handling: seen shows the failure as it is, like a trial task: no owning up, no honesty
 * evidence, no answer from the manager; a tenth of the task is rework. */
static void test_handling_seen(void **state) {
    (void)state;
    fix f;
    fix_open(&f, "tactics: {repair: {apology: 1}}\nexperiments:\n  setback: {handling: seen}\n", 7,
             2, 9);
    ts_candor(&f.w)[3] = 1.0f;
    ts_safety(&f.w)[3] = 1.0f;
    ts_empathy(&f.w)[3] = 1.0f;
    report_forced(&f, 1);
    work_row *row = &f.s->rows[3];
    ts_msg m;
    assert_int_equal(tst_msgs_count(&f.msgs, 1, TS_MK_OBSERVE, &m), 1);
    assert_int_equal(m.flags, 0);
    assert_float_equal(m.w, 0.5, 0.0); /* no apology credit */
    assert_int_equal(tst_msgs_count(&f.msgs, 4, TS_MK_OBSERVE, &m), 1);
    assert_float_equal(m.w, 0.25, 0.0);
    for (uint32_t a = 0; a < 7; a++) {
        assert_int_equal(tst_msgs_count(&f.msgs, a, TS_MK_INTEGRITY, NULL), 0);
        assert_int_equal(tst_msgs_count(&f.msgs, a, TS_MK_GOODWILL, NULL), 0);
        assert_int_equal(tst_msgs_count(&f.msgs, a, TS_MK_SAFETY, NULL), 0);
    }
    assert_int_equal(row->owned, 1);
    assert_int_equal(row->win_owned, 1);
    assert_int_equal(row->concealed, 0);
    assert_int_equal(row->is_rework, 1);
    assert_float_equal(row->size, 4.0, 1e-6);
    fix_close(&f);
}

/* trust_setback: the managers' domain-averaged trust in the cohort's members. */
static void test_trust_setback_metric(void **state) {
    (void)state;
    fix f;
    fix_open(&f, "experiments:\n  setback: {share: 0}\n", 7, 2, 9);
    f.w.day = 30;
    size_t k = 0;
    while (strcmp(ts_module_work.metrics[k].name, "trust_setback") != 0) {
        k++;
    }
    double acc[128] = {0}, v[64];
    ts_module_work.measure(f.s, &f.w, 0, 7, acc);
    ts_module_work.day_end(f.s, &f.w, acc, v);
    assert_true(isnan(v[k])); /* nobody in the cohort */
    f.s->rows[4].cohort = 1;
    f.s->rows[5].cohort = 1;
    ts_ev_observe_now(&f.w, 1, 4, 2, 1, 3.0f);
    ts_ev_observe_now(&f.w, 1, 4, 0, 0, 1.0f);
    double want = (ts_trust_of_mean(&f.s->p.tp, &f.w, 1, 4) + ts_trust_stranger(&f.s->p.tp)) / 2;
    memset(acc, 0, sizeof acc);
    ts_module_work.measure(f.s, &f.w, 0, 7, acc);
    ts_module_work.day_end(f.s, &f.w, acc, v);
    assert_float_equal(v[k], want, 1e-7);
    assert_true(fabs(v[k] - ts_trust_stranger(&f.s->p.tp)) > 0.01);
    fix_close(&f);
}

/* ---- Runs of the full model --------------------------------------------------------------------
 */

#define RUN_DAYS 70
#define RUN_HEAD 150

typedef struct arm {
    double failed, owned, concealed, discovered; /* sums over days [from, days] */
    uint32_t cohort;                             /* cohort size (drawn on day 1) */
    uint32_t forced_left; /* forced failures employed people have not yet taken */
    uint32_t overdue;     /* forced concealments still hidden after their due day */
    uint8_t in[RUN_HEAD]; /* cohort flags of the first RUN_HEAD ids */
} arm;

static double window_sum(const ts_result *r, const char *name, int from) {
    const ts_series *s = tst_series(r, name);
    double t = 0.0;
    for (size_t d = (size_t)from; d < s->n; d++) {
        t += s->values[d];
    }
    return t;
}

/* One run of a 150-person company for `days` days (no warm-up) with `setback` (a flow
 * mapping, or NULL for no section); sums from day `from`. */
static void run_arm(const char *setback, uint64_t seed, int from, int days, arm *out) {
    char yaml[512];
    snprintf(yaml, sizeof yaml, "days: %d\norg: {headcount: %d, warmup_days: 0}\n%s%s\n", days,
             RUN_HEAD, setback ? "experiments:\n  setback: " : "", setback ? setback : "");
    tst_fullrun x;
    tst_fullrun_open(&x, yaml, seed);
    memset(out, 0, sizeof *out);
    out->failed = window_sum(&x.r, "tasks_failed", from);
    out->owned = window_sum(&x.r, "failures_owned", from);
    out->concealed = window_sum(&x.r, "failures_concealed", from);
    out->discovered = window_sum(&x.r, "concealed_discovered", from);
    const work_state *ws = ts_engine_module_state(x.e, "work");
    const ts_world *w = ts_engine_world(x.e);
    for (uint32_t a = 0; a < w->n; a++) {
        const work_row *row = &ws->rows[a];
        out->cohort += row->cohort;
        if (a < RUN_HEAD) {
            out->in[a] = row->cohort;
        } else {
            assert_int_equal(row->cohort, 0); /* hired after day 1 */
        }
        if (w->active[a]) {
            out->forced_left += row->forced;
            for (int k = 0; k < WORK_MAX_DEFECTS; k++) {
                const work_defect *df = &row->defects[k];
                out->overdue += df->active && df->due_day != INT32_MAX && df->due_day <= w->day;
            }
        }
    }
    assert_int_equal(out->in[0], 0); /* agent 0, the CEO on day 1 */
    tst_fullrun_close(&x);
}

/* The cohort is the same in arms that differ in day, failures and handling. */
static void test_cohort_same_across_arms(void **state) {
    (void)state;
    const char *arms[] = {"{day: 5, share: 0.3717, failures: 0}",
                          "{day: 40, share: 0.3717, failures: 3, handling: concealed}",
                          "{day: 20, share: 0.3717, failures: 7, handling: seen}"};
    double share = 0.0;
    for (uint64_t seed = 1; seed <= 2; seed++) {
        arm ref, other;
        run_arm(arms[0], seed * 3571, 1, 40, &ref);
        for (int k = 1; k < 3; k++) {
            run_arm(arms[k], seed * 3571, 1, 40, &other);
            assert_memory_equal(ref.in, other.in, sizeof ref.in);
            assert_int_equal(ref.cohort, other.cohort);
        }
        share += ref.cohort / (2.0 * (RUN_HEAD - 1));
    }
    print_message("cohort share over 2 runs: %.4f (want 0.3717)\n", share);
    assert_float_equal(share, 0.3717, 0.085); /* sd 0.028 */
}

static void report_arm(const char *name, const arm *a, const arm *c) {
    print_message("%-9s cohort %3u: failed %+6.1f owned %+6.1f concealed %+6.1f discovered "
                  "%+6.1f (vs control); left %u overdue %u\n",
                  name, (unsigned)a->cohort, a->failed - c->failed, a->owned - c->owned,
                  a->concealed - c->concealed, a->discovered - c->discovered,
                  (unsigned)a->forced_left, (unsigned)a->overdue);
}

/* Against a control with the same cohort and failures 0, from the setback's day: about
 * share x headcount x failures more failed tasks (measured: 1.03 to 1.07 per forced
 * failure, the rework tasks they cause failing in turn, less the tasks that would have
 * failed anyway), owned up (owned), hidden and all found out by their due day
 * (concealed), or seen (counted with the owned ones, seen); all forced failures taken. */
static void test_forced_failures_counted(void **state) {
    (void)state;
    const char *handling[] = {"owned", "concealed", "seen"};
    double d_failed[3] = {0}, d_owned[3] = {0}, d_conc[3] = {0}, d_disc[3] = {0}, forced = 0.0;
    for (uint64_t seed = 1; seed <= 2; seed++) {
        arm control, a;
        run_arm("{day: 10, share: 0.3717, failures: 0}", seed * 7717, 10, RUN_DAYS, &control);
        forced += 3.0 * control.cohort;
        for (int h = 0; h < 3; h++) {
            char sb[128];
            snprintf(sb, sizeof sb, "{day: 10, share: 0.3717, failures: 3, handling: %s}",
                     handling[h]);
            run_arm(sb, seed * 7717, 10, RUN_DAYS, &a);
            report_arm(handling[h], &a, &control);
            assert_int_equal(a.cohort, control.cohort);
            assert_int_equal(a.forced_left, 0);
            assert_int_equal(a.overdue, 0);
            d_failed[h] += a.failed - control.failed;
            d_owned[h] += a.owned - control.owned;
            d_conc[h] += a.concealed - control.concealed;
            d_disc[h] += a.discovered - control.discovered;
        }
    }
    /* The cohorts' forced failures against share x (headcount - CEO) x failures. */
    double expected = 2 * 0.3717 * (RUN_HEAD - 1) * 3;
    print_message("forced %.0f, share x headcount x failures %.1f\n", forced, expected);
    assert_true(forced / expected > 0.75 && forced / expected < 1.25);
    for (int h = 0; h < 3; h++) {
        print_message("%-9s per forced failure: failed %.3f owned %.3f concealed %.3f "
                      "discovered %.3f\n",
                      handling[h], d_failed[h] / forced, d_owned[h] / forced, d_conc[h] / forced,
                      d_disc[h] / forced);
        assert_true(d_failed[h] / forced > 0.8 && d_failed[h] / forced < 1.25);
    }
    /* Owned and seen: the extra failures are in the open. */
    for (int h = 0; h < 3; h += 2) {
        assert_true(d_owned[h] / forced > 0.8 && d_owned[h] / forced < 1.25);
        assert_true(fabs(d_conc[h]) / forced < 0.1);
    }
    /* Concealed: hidden, and found out within the run. */
    assert_true(d_conc[1] / forced > 0.85 && d_conc[1] / forced < 1.2);
    assert_true(d_disc[1] / forced > 0.85 && d_disc[1] / forced < 1.2);
    assert_true(fabs(d_owned[1]) / forced < 0.15);
}

/* trust_setback is NaN without the section; with it NaN on day 0 (the cohort is drawn on
 * day 1) and finite from day 1; the summaries are its rows day - 1 and day +
 * measure_after, NaN past the run's end or without the section. */
static void test_trust_setback_rows(void **state) {
    (void)state;
    tst_fullrun x;
    tst_fullrun_open(&x, "days: 40\norg: {headcount: 60, warmup_days: 5}\n", 11);
    const ts_series *s = tst_series(&x.r, "trust_setback");
    for (size_t d = 0; d < s->n; d++) {
        assert_true(isnan(s->values[d]));
    }
    assert_true(isnan(tst_value(&x.r, "setback_trust_before")));
    assert_true(isnan(tst_value(&x.r, "setback_trust_after")));
    tst_fullrun_close(&x);
    tst_fullrun_open(&x,
                     "days: 40\norg: {headcount: 60, warmup_days: 5}\nexperiments:\n"
                     "  setback: {day: 13, share: 0.4, measure_after: 17}\n",
                     11);
    s = tst_series(&x.r, "trust_setback");
    assert_int_equal(s->n, 41);
    assert_true(isnan(s->values[0]));
    for (size_t d = 1; d < s->n; d++) {
        assert_true(isfinite(s->values[d]));
    }
    assert_float_equal(tst_value(&x.r, "setback_trust_before"), s->values[12], 0.0);
    assert_float_equal(tst_value(&x.r, "setback_trust_after"), s->values[30], 0.0);
    tst_fullrun_close(&x);
    /* Read past the end: NaN; on the last day itself: that row. */
    tst_fullrun_open(&x,
                     "days: 40\norg: {headcount: 60, warmup_days: 5}\nexperiments:\n"
                     "  setback: {day: 30, measure_after: 11}\n",
                     11);
    assert_true(isnan(tst_value(&x.r, "setback_trust_after")));
    assert_true(isfinite(tst_value(&x.r, "setback_trust_before")));
    tst_fullrun_close(&x);
    tst_fullrun_open(&x,
                     "days: 40\norg: {headcount: 60, warmup_days: 5}\nexperiments:\n"
                     "  setback: {day: 30, measure_after: 10}\n",
                     11);
    assert_float_equal(tst_value(&x.r, "setback_trust_after"),
                       tst_series(&x.r, "trust_setback")->values[40], 0.0);
    tst_fullrun_close(&x);
}

/* The cohort is drawn on day 1, so the setback's day is 2 or later: day 1 is refused with
 * the key named, and a day-2 setback reads a measured day before it. */
static void test_trust_before_an_early_setback(void **state) {
    (void)state;
    const char *base = "days: 20\norg: {headcount: 60, warmup_days: 5}\nexperiments:\n";
    char text[256];
    snprintf(text, sizeof text, "%s  setback: {day: 1, share: 0.5}\n", base);
    ts_error err;
    assert_int_equal(tst_scenario_status(text, &err), TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "experiments.setback.day"));
    snprintf(text, sizeof text, "%s  setback: {day: 2, share: 0.5}\n", base);
    tst_fullrun x;
    tst_fullrun_open(&x, text, 11);
    assert_true(isfinite(tst_value(&x.r, "setback_trust_before")));
    assert_float_equal(tst_value(&x.r, "setback_trust_before"),
                       tst_series(&x.r, "trust_setback")->values[1], 0.0);
    tst_fullrun_close(&x);
}

static int skip_name(const char *name) {
    return strcmp(name, "trust_setback") == 0 || strcmp(name, "setback_trust_before") == 0 ||
           strcmp(name, "setback_trust_after") == 0;
}

static void tables_equal(const ts_table *a, const ts_table *b) {
    assert_int_equal(a->n_cols, b->n_cols);
    for (size_t k = 0; k < a->n_cols; k++) {
        const ts_column *ca = &a->cols[k], *cb = &b->cols[k];
        assert_string_equal(ca->name, cb->name);
        assert_int_equal(ca->n, cb->n);
        assert_int_equal(ca->width, cb->width);
        assert_int_equal(ca->type, cb->type);
        assert_memory_equal(ca->data, cb->data, ca->n * ca->width * ts_coltype_size(ca->type));
    }
}

/* A control arm (failures 0) is the run without the section, bit for bit, in every
 * metric, summary and table but the setback's own. */
static void test_control_equals_no_section(void **state) {
    (void)state;
    const char *base = "days: 90\norg: {headcount: 80, warmup_days: 20}\n"
                       "hiring: {growth: exponential, annual_rate: 0.5}\n"
                       "tactics: {one_on_ones: {}, repair: {}}\n";
    char with[512];
    snprintf(with, sizeof with,
             "%sexperiments:\n  setback: {day: 15, share: 0.6, failures: 0, handling: concealed}\n",
             base);
    tst_fullrun a, b;
    tst_fullrun_open(&a, base, 4321);
    tst_fullrun_open(&b, with, 4321);
    assert_int_equal(a.r.n_metrics, b.r.n_metrics);
    for (size_t k = 0; k < a.r.n_metrics; k++) {
        const ts_series *sa = &a.r.metrics[k], *sb = &b.r.metrics[k];
        assert_string_equal(sa->name, sb->name);
        assert_int_equal(sa->n, sb->n);
        if (!skip_name(sa->name)) {
            assert_memory_equal(sa->values, sb->values, sa->n * sizeof *sa->values);
        }
    }
    assert_int_equal(a.r.n_summary, b.r.n_summary);
    for (size_t k = 0; k < a.r.n_summary; k++) {
        assert_string_equal(a.r.summary[k].name, b.r.summary[k].name);
        if (!skip_name(a.r.summary[k].name)) {
            assert_memory_equal(&a.r.summary[k].value, &b.r.summary[k].value, sizeof(double));
        }
    }
    tables_equal(&a.r.agents, &b.r.agents);
    tables_equal(&a.r.teams, &b.r.teams);
    tables_equal(&a.r.incidents, &b.r.incidents);
    /* The control arm has a cohort and a trust_setback; the plain run neither. */
    assert_true(isnan(tst_series(&a.r, "trust_setback")->values[30]));
    assert_true(isfinite(tst_series(&b.r, "trust_setback")->values[30]));
    tst_fullrun_close(&a);
    tst_fullrun_close(&b);
}

/* The validator: a setback after the run's last day is refused, naming the key; on the
 * last day it is accepted; a section switched off is not checked. The binary exits 2
 * with the message. */
static void test_validator(void **state) {
    (void)state;
    ts_error err;
    memset(&err, 0, sizeof err);
    ts_status st = tst_scenario_status("days: 60\nexperiments:\n  setback: {day: 61}\n", &err);
    assert_int_equal(st, TS_ERR_SCENARIO);
    print_message("%s\n", err.msg);
    assert_non_null(strstr(err.msg, "experiments.setback.day"));
    assert_non_null(strstr(err.msg, "61"));
    assert_int_equal(tst_scenario_status("days: 60\nexperiments:\n  setback: {day: 60}\n", NULL),
                     TS_OK);
    assert_int_equal(
        tst_scenario_status("days: 60\nexperiments:\n  setback: {day: 61, enabled: false}\n", NULL),
        TS_OK);
    assert_int_equal(tst_scenario_status("days: 60\nexperiments:\n  setback: {day: 0}\n", NULL),
                     TS_ERR_SCENARIO);
    const char *path = TS_TEST_TMPDIR "/setback_late.yaml";
    tst_write_file(path, "days: 60\nexperiments:\n  setback: {day: 61}\n");
    const char *argv[] = {TS_BINARY, "check", path, NULL};
    int code = tst_exec(argv, NULL, TS_TEST_TMPDIR "/setback_late.out",
                        TS_TEST_TMPDIR "/setback_late.err");
    assert_int_equal(code, 2);
    char *msg = tst_slurp(TS_TEST_TMPDIR "/setback_late.err");
    print_message("trustsim check: %s", msg);
    assert_non_null(strstr(msg, "experiments.setback.day"));
    free(msg);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cohort_draw),
        cmocka_unit_test(test_failures_handed_out),
        cmocka_unit_test(test_forced_in_settle),
        cmocka_unit_test(test_handling_owned),
        cmocka_unit_test(test_handling_concealed),
        cmocka_unit_test(test_concealed_beyond_four_defects),
        cmocka_unit_test(test_handling_seen),
        cmocka_unit_test(test_trust_setback_metric),
        cmocka_unit_test(test_cohort_same_across_arms),
        cmocka_unit_test(test_forced_failures_counted),
        cmocka_unit_test(test_trust_setback_rows),
        cmocka_unit_test(test_trust_before_an_early_setback),
        cmocka_unit_test(test_control_equals_no_section),
        cmocka_unit_test(test_validator),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
