/* Tests of models/work.c and models/work_decide.c: sign-off chains (review, delegation,
 * escalation up to the common manager's deep dive, rubber stamps under overload), the
 * outcome report (owning up, concealing, discovery), and the day's hours in settle. The
 * module is driven by hand on a small world so every expectation is computed here. */
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
#include "work_internal.h"
#include "test_support.h"

/* The tree (span 2): 0 -> 1, 2; 1 -> 3, 4; 2 -> 5, 6. Owner 3 (team 1), partner team 2. */
typedef struct fix {
    ts_scenario *sc;
    ts_world w;
    work_state *s;
    tst_msgs msgs;
} fix;

static void setup_fix(fix *f, int stakeholders, const char *extra) {
    memset(f, 0, sizeof *f);
    char text[512];
    snprintf(text, sizeof text,
             "work: {decision_probability: 1, stakeholders: {base: %d, per_doubling: 0}, "
             "partner_teams: 1}\n%s",
             stakeholders, extra);
    ts_error err;
    f->sc = tst_scenario(text);
    assert_int_equal(ts_world_init(&f->w, 4, 32, 0.998, &err), TS_OK);
    assert_int_equal(ts_world_build_tree(&f->w, 7, 2, 0, &err), TS_OK);
    f->w.initial_headcount = 7;
    f->w.warmup_days = 0;
    void *st = NULL;
    assert_int_equal(ts_module_work.configure(f->sc, &f->w, &st, &err), TS_OK);
    f->s = st;
    assert_int_equal(ts_module_work.grow(f->s, &f->w, &err), TS_OK);
    f->s->partners[1 * WORK_MAX_PARTNERS] = 2;
    f->s->n_part[1] = 1;
    f->w.day = 10;
}

static void teardown_fix(fix *f) {
    ts_module_work.free(f->s);
    ts_world_free(&f->w);
    ts_scenario_free(f->sc);
    tst_msgs_free(&f->msgs);
}

static ts_emit emitter(fix *f, uint32_t from) {
    return tst_msgs_emit(&f->msgs, from, 1, f->w.day, 9);
}

/* Hours charged by the emitted messages to `who` in `slot`. */
static double hours_to(const fix *f, uint32_t who, int slot) {
    double h = 0.0;
    for (size_t i = 0; i < f->msgs.buf.n; i++) {
        const ts_msg *m = &f->msgs.buf.msgs[i];
        if (m->kind == TS_MK_HOURS && m->to == who && m->domain == slot) {
            h += m->w;
        }
    }
    return h;
}

/* Gives `believer` evidence about `subject` in every domain. */
static void believe(fix *f, uint32_t believer, uint32_t subject, float good, float bad,
                    float honest) {
    for (uint32_t d = 0; d < 4; d++) {
        ts_ev_observe_now(&f->w, believer, subject, d, 1, good);
        if (bad > 0) {
            ts_ev_observe_now(&f->w, believer, subject, d, 0, bad);
        }
    }
    if (honest > 0) {
        ts_ev_integrity_now(&f->w, believer, subject, honest, 0, 0);
    }
}

static const work_decider *find_decider(const work_row *row, uint32_t id) {
    for (uint32_t i = 0; i < row->n_deciders; i++) {
        if (row->dec[i].id == id) {
            return &row->dec[i];
        }
    }
    return NULL;
}

/* The manager reviews (T 0.498: one good observation); the stakeholder, a stranger,
 * escalates up its chain to the CEO, the common manager, who deep-dives. */
static void test_escalation_to_deep_dive(void **state) {
    (void)state;
    for (uint64_t seed = 1; seed <= 6; seed++) {
        fix f;
        setup_fix(&f, 1, "");
        believe(&f, 1, 3, 0.25f, 0, 0); /* 1 unit over 4 domains: a quarter each */
        for (uint32_t d = 0; d < 4; d++) {
            ts_ev_observe_now(&f.w, 1, 3, d, 1, 0.75f); /* one full success per domain */
        }
        work_row row = {.domain = 2};
        ts_rng r;
        ts_rng_init(&r, seed, 3, 10, 1);
        ts_emit e = emitter(&f, 3);
        work_decide(f.s, &f.w, 3, &row, &r, &e);
        const work_decider *mgr = find_decider(&row, 1);
        assert_non_null(mgr);
        assert_int_equal(mgr->role, WORK_REVIEWED);
        assert_int_equal(row.n_stake, 1);
        uint32_t st = row.dec[1].id;
        assert_true(st == 2 || st == 5 || st == 6);
        /* The CEO (0) is the common manager of any stakeholder in team 2 and owner 3. */
        const work_decider *ceo = find_decider(&row, 0);
        assert_non_null(ceo);
        assert_int_equal(ceo->role, WORK_DEEP_DIVE);
        assert_int_equal(row.deep_dives, 1);
        assert_int_equal(row.reviews, 1);
        uint32_t hops = st == 2 ? 1 : 2; /* 5 and 6 go through their manager 2 */
        assert_int_equal(row.escalations, hops);
        assert_float_equal(hours_to(&f, 0, TS_HOURS_DEEP_DIVE), 4.0, 1e-6);
        assert_float_equal(hours_to(&f, 3, TS_HOURS_DEEP_DIVE), 2.0, 1e-6);
        assert_float_equal(hours_to(&f, 1, TS_HOURS_REVIEW), 1.0, 1e-6);
        assert_float_equal(hours_to(&f, 3, TS_HOURS_REVIEW), 0.5, 1e-6);
        assert_float_equal(hours_to(&f, 0, TS_HOURS_ESCALATION), 0.5, 1e-6);
        assert_float_equal(hours_to(&f, 2, TS_HOURS_ESCALATION), st == 2 ? 0.5 : 1.0, 1e-6);
        /* Latency: the stakeholder's chain, one day a hop plus two for the deep dive. */
        assert_float_equal(row.latency, hops + 2.0, 1e-6);
        assert_float_equal(row.blocked_days, row.latency, 0.0);
        /* The stakeholder is in another team: its trust counts toward trust_cross. */
        assert_int_equal(row.cross_n, 1);
        assert_float_equal(row.cross_sum, 0.3820204, 1e-6);
        teardown_fix(&f);
    }
}

/* A manager who trusts the owner (T >= 0.6) approves in 0.1 h; one whose backlog is
 * full stamps it unseen and is charged nothing. */
static void test_delegate_and_rubber_stamp(void **state) {
    (void)state;
    fix f;
    setup_fix(&f, 0, "");
    believe(&f, 1, 3, 15.0f, 5.0f, 5.0f); /* T = 0.629056 */
    work_row row = {.domain = 1};
    ts_rng r;
    ts_rng_init(&r, 3, 3, 10, 1);
    ts_emit e = emitter(&f, 3);
    work_decide(f.s, &f.w, 3, &row, &r, &e);
    assert_int_equal(row.n_deciders, 1);
    assert_int_equal(row.dec[0].role, WORK_APPROVED);
    assert_float_equal(hours_to(&f, 1, TS_HOURS_REVIEW), 0.1, 1e-6);
    assert_float_equal(row.latency, 0.0, 0.0);
    /* Backlog at its limit: 3 days of 8 hours. */
    f.s->backlog[1] = 24.0f;
    work_row row2 = {.domain = 1};
    e = emitter(&f, 3);
    work_decide(f.s, &f.w, 3, &row2, &r, &e);
    assert_int_equal(row2.dec[0].role, WORK_STAMPED);
    assert_int_equal(row2.stamps, 1);
    assert_int_equal(f.msgs.buf.n, 0);
    /* A backlog below the limit lengthens the latency by its days: 12 h = 1.5 days. */
    f.s->backlog[1] = 12.0f;
    work_row row3 = {.domain = 1};
    e = emitter(&f, 3);
    work_decide(f.s, &f.w, 3, &row3, &r, &e);
    assert_int_equal(row3.dec[0].role, WORK_APPROVED);
    assert_float_equal(row3.latency, 1.5, 1e-6);
    teardown_fix(&f);
}

static int count_kind(const fix *f, uint32_t to, int kind, float *w, float *x, float *y) {
    int n = 0;
    for (size_t i = 0; i < f->msgs.buf.n; i++) {
        const ts_msg *m = &f->msgs.buf.msgs[i];
        if (m->to == to && m->kind == kind) {
            n++;
            if (w) {
                *w = m->w;
            }
            if (x) {
                *x = m->x;
            }
            if (y) {
                *y = m->y;
            }
        }
    }
    return n;
}

/* A failure reported by a candid owner in a safe team: observers see the failure and get
 * honesty evidence, both at their weight, and the apology takes back part of the
 * failure; a secretive owner shows a success (and so a kept word) and keeps a hidden
 * defect, which, once found, costs 2 units of honesty that fade and a scar of 1 that
 * does not. */
static void test_own_up_and_conceal(void **state) {
    (void)state;
    fix f;
    setup_fix(&f, 0, "tactics: {repair: {apology: 0.5}}\n");
    ts_candor(&f.w)[3] = 1.0f;
    ts_safety(&f.w)[3] = 1.0f;
    ts_empathy(&f.w)[3] = 0.6f;
    work_row *row = &f.s->rows[3];
    *row = (work_row){.state = WORK_DONE, .success = 0, .domain = 2, .size = 40.0f};
    ts_emit e = emitter(&f, 3);
    ts_module_work.act(f.s, &f.w, 3, ts_module_work.act_row(f.s, 3), &e);
    float w = 0, x = 0, y = 0;
    /* The manager (no decision: weight 0.5) sees the failure, less what the apology takes
     * back (credit 0.5 x apology 0.5 x empathy 0.6), honesty and the apology's goodwill. */
    assert_int_equal(count_kind(&f, 1, TS_MK_OBSERVE, &w, NULL, NULL), 1);
    assert_float_equal(w, 0.5 * (1.0 - 0.5 * 0.5 * 0.6), 1e-6);
    assert_int_equal(count_kind(&f, 1, TS_MK_INTEGRITY, &w, &x, &y), 1);
    assert_float_equal(w, 0.5, 1e-6);
    assert_float_equal(x + y, 0.0, 0.0);
    assert_int_equal(count_kind(&f, 1, TS_MK_GOODWILL, &w, NULL, NULL), 1);
    assert_float_equal(w, 0.1 * 0.5 * 0.6, 1e-6);
    assert_int_equal(count_kind(&f, 4, TS_MK_INTEGRITY, NULL, NULL, NULL), 1); /* teammate */
    assert_int_equal(row->owned, 1);
    /* The rework, 0.2 of the task, is the owner's next task. */
    assert_int_equal(row->state, WORK_ACTIVE);
    assert_int_equal(row->is_rework, 1);
    assert_float_equal(row->size, 0.2 * 40.0, 1e-5);

    /* Concealed (no candour, no safety): everyone sees a success. */
    ts_candor(&f.w)[3] = 0.0f;
    ts_safety(&f.w)[3] = 0.0f;
    *row = (work_row){.state = WORK_DONE, .success = 0, .domain = 2, .size = 30.0f};
    e = emitter(&f, 3);
    ts_module_work.act(f.s, &f.w, 3, ts_module_work.act_row(f.s, 3), &e);
    /* The manager takes the hidden failure for a kept word: 0.1 of its weight 0.5. */
    assert_int_equal(count_kind(&f, 1, TS_MK_INTEGRITY, &w, &x, &y), 1);
    assert_float_equal(w, 0.1 * 0.5, 1e-6);
    assert_float_equal(x + y, 0.0, 0.0);
    for (size_t i = 0; i < f.msgs.buf.n; i++) {
        if (f.msgs.buf.msgs[i].kind == TS_MK_OBSERVE && f.msgs.buf.msgs[i].to != 3) {
            assert_int_equal(f.msgs.buf.msgs[i].flags, 1);
        }
    }
    assert_int_equal(row->concealed, 1);
    assert_int_equal(row->defects[0].active, 1);
    /* It grows 10 % a day until found (3 % a day): find it within 600 days. */
    int found_day = -1;
    for (int day = 11; day < 611 && found_day < 0; day++) {
        f.w.day = day;
        ts_busy(&f.w)[3] = 1; /* keep the owner from starting new tasks */
        e = emitter(&f, 3);
        e.day = day;
        ts_module_work.act(f.s, &f.w, 3, ts_module_work.act_row(f.s, 3), &e);
        if (row->discovered) {
            found_day = day;
        }
    }
    assert_true(found_day > 0);
    assert_int_equal(count_kind(&f, 1, TS_MK_INTEGRITY, &w, &x, &y), 1);
    assert_float_equal(w, 0.0, 0.0);
    assert_float_equal(x, 2.0, 1e-6); /* dishonesty that fades */
    assert_float_equal(y, 1.0, 1e-6); /* the scar */
    assert_int_equal(count_kind(&f, 1, TS_MK_GOODWILL, &w, NULL, NULL), 1);
    assert_float_equal(w, -0.3, 1e-6);
    /* The rework owed: 0.2 * 30 grown by 10 % for each day hidden, at most 2 * 30. */
    double expect = fmin(6.0 * pow(1.1, found_day - 10), 60.0);
    assert_float_equal(row->rework, expect, expect * 1e-4);
    teardown_fix(&f);
}

/* Settle: productive hours are what overhead leaves, times ramp and blocking; overhead
 * above the day becomes backlog up to 3 days, the rest is dropped. */
static void test_hours_of_a_day(void **state) {
    (void)state;
    fix f;
    setup_fix(&f, 1, "");
    work_row *row = &f.s->rows[4];
    *row = (work_row){.state = WORK_ACTIVE, .size = 100.0f, .blocked_days = 1.5f};
    float *h = f.w.hours + 4 * TS_HOURS_SLOTS;
    h[TS_HOURS_REVIEW] = 1.5f;
    h[TS_HOURS_MEETINGS] = 0.5f;
    f.s->backlog[4] = 1.0f;
    ts_module_work.settle(f.s, &f.w, 4);
    /* (8 - 3) hours at blocked efficiency 0.5. */
    assert_float_equal(h[TS_HOURS_PRODUCTIVE], 2.5, 1e-6);
    assert_float_equal(row->done, 2.5, 1e-6);
    assert_float_equal(row->blocked_days, 0.5, 1e-6);
    assert_float_equal(f.s->backlog[4], 0.0, 0.0);
    /* 30 hours of overhead: 22 over the day, carried; 40: capped at 24. */
    memset(h, 0, TS_HOURS_SLOTS * sizeof *h);
    h[TS_HOURS_DEEP_DIVE] = 30.0f;
    ts_module_work.settle(f.s, &f.w, 4);
    assert_float_equal(f.s->backlog[4], 22.0, 1e-6);
    assert_float_equal(h[TS_HOURS_PRODUCTIVE], 0.0, 0.0);
    memset(h, 0, TS_HOURS_SLOTS * sizeof *h);
    h[TS_HOURS_DEEP_DIVE] = 20.0f;
    ts_module_work.settle(f.s, &f.w, 4);
    assert_float_equal(f.s->backlog[4], 24.0, 1e-6);
    /* A new hire halfway through ramp-up works at 0.8. */
    memset(h, 0, TS_HOURS_SLOTS * sizeof *h);
    f.s->backlog[4] = 0.0f;
    f.w.day = 100;
    f.w.hire_day[4] = 50;
    row->blocked_days = 0.0f;
    row->done = 0.0f;
    ts_module_work.settle(f.s, &f.w, 4);
    assert_float_equal(h[TS_HOURS_PRODUCTIVE], 8.0 * 0.8, 1e-5);
    /* Completion: competence 1 and no misalignment always succeed; output counts. */
    ts_competence(&f.w)[4 * 4 + 0] = 1.0f;
    row->domain = 0;
    row->done = 99.0f;
    ts_module_work.settle(f.s, &f.w, 4);
    assert_int_equal(row->state, WORK_DONE);
    assert_int_equal(row->completed, 1);
    assert_int_equal(row->failed, 0);
    assert_float_equal(row->output, 100.0, 0.0);
    teardown_fix(&f);
}

/* Tactics' hooks: what tactics add to ts_surface(w) in apply, settle takes into the row,
 * and it raises the next day's chance that a hidden defect surfaces; a status update
 * (ts_status_day(w)) is news that resets the stakeholders' uncertainty. */
static void test_surface_and_status_hooks(void **state) {
    (void)state;
    fix f;
    setup_fix(&f, 0, "");
    work_row *row = &f.s->rows[3];
    *row = (work_row){.state = WORK_ACTIVE, .size = 50.0f};
    row->defects[0] = (work_defect){.rework = 4.0f, .cap = 100.0f, .domain = 1, .active = 1};
    ts_surface(&f.w)[3] = 1.0f; /* certain to surface tomorrow */
    ts_module_work.settle(f.s, &f.w, 3);
    assert_float_equal(row->surface, 1.0, 0.0);
    assert_int_equal(row->state, WORK_ACTIVE);
    ts_emit e = emitter(&f, 3);
    ts_module_work.act(f.s, &f.w, 3, ts_module_work.act_row(f.s, 3), &e);
    assert_int_equal(row->discovered, 1);
    assert_float_equal(row->rework, 4.4, 1e-5);
    /* FUD: 2 stakeholders, decided on day 4, today 10: 0.6 each; after a status update on
     * day 8: 0.2 each. */
    row->n_stake = 2;
    row->decided_day = 4;
    double acc[64] = {0};
    f.w.day = 10;
    ts_module_work.measure(f.s, &f.w, 3, 4, acc);
    double v[64] = {0};
    ts_module_work.day_end(f.s, &f.w, acc, v);
    size_t k_fud = 0;
    while (k_fud < ts_module_work.n_metrics &&
           strcmp(ts_module_work.metrics[k_fud].name, "fud_mean") != 0) {
        k_fud++;
    }
    assert_true(k_fud < ts_module_work.n_metrics);
    assert_float_equal(v[k_fud], 0.6, 1e-9);
    ts_status_day(&f.w)[3] = 8;
    memset(acc, 0, sizeof acc);
    ts_module_work.measure(f.s, &f.w, 3, 4, acc);
    ts_module_work.day_end(f.s, &f.w, acc, v);
    assert_float_equal(v[k_fud], 0.2, 1e-9);
    teardown_fix(&f);
}

/* work.raise_early: the owner of a hidden defect raises it, before the discovery draw,
 * with a daily chance raise_early x candor x safety x its trust in its manager: never when
 * unsafe or secretive; with safety 1, candour 0.5 and raise_early 1, on a share of days
 * equal to half that trust. Raised, it is
 * owned up to the manager (no scar) and its rework as grown so far is owed; the metric is
 * the share raised among the hidden defects that ended in its window. */
static void test_raise_early(void **state) {
    (void)state;
    fix f;
    setup_fix(&f, 0, "");
    f.s->p.raise_early = 1.0f;
    believe(&f, 3, 1, 20.0f, 0.0f, 20.0f);
    double t = ts_trust_of_mean(&f.s->p.tp, &f.w, 3, 1);
    assert_true(t > 0.5 && t < 0.95);
    work_row *row = &f.s->rows[3];
    ts_busy(&f.w)[3] = 1; /* no new tasks */
    int raised = 0;
    double expect = 0.0; /* the day's chance summed: the models fade, so trust does */
    /* (candour, safety): unsafe, secretive, then half candid and safe. */
    static const float cases[3][2] = {{1.0f, 0.0f}, {0.0f, 1.0f}, {0.5f, 1.0f}};
    for (int c = 0; c < 3; c++) {
        ts_candor(&f.w)[3] = cases[c][0];
        ts_safety(&f.w)[3] = cases[c][1];
        raised = 0;
        for (int day = 11; day < 1011; day++) {
            *row = (work_row){.state = WORK_IDLE};
            row->defects[0] =
                (work_defect){.rework = 4.0f, .cap = 100.0f, .domain = 1, .active = 1};
            f.w.day = day;
            expect += (double)(cases[c][0] * cases[c][1]) *
                      ts_trust_of_mean(&f.s->p.tp, &f.w, 3, 1) / 1000.0;
            ts_emit e = emitter(&f, 3);
            ts_module_work.act(f.s, &f.w, 3, ts_module_work.act_row(f.s, 3), &e);
            if (row->raised) {
                raised++;
                assert_int_equal(row->discovered, 0);
                assert_float_equal(row->rework, 4.4, 1e-5); /* grown one day */
                float w = 0, x = 0, y = 0;
                assert_int_equal(count_kind(&f, 1, TS_MK_INTEGRITY, &w, &x, &y), 1);
                assert_true(w > 0.0f);
                assert_float_equal(x + y, 0.0, 0.0);
            }
        }
        if (c < 2) {
            assert_int_equal(raised, 0);
            assert_float_equal(expect, 0.0, 0.0);
        }
    }
    /* 1,000 days, sd below sqrt(0.25 / 1000) = 0.016: within 0.05 of the mean chance. */
    assert_true(expect < 0.5 * t && expect > 0.25);
    assert_float_equal(raised / 1000.0, expect, 0.05);
    /* The metric: one raised, then one discovered: 1, then 1 / 2. */
    size_t k = 0;
    while (k < ts_module_work.n_metrics &&
           strcmp(ts_module_work.metrics[k].name, "problems_raised_early") != 0) {
        k++;
    }
    assert_true(k < ts_module_work.n_metrics);
    double acc[64] = {0}, v[64] = {0};
    *row = (work_row){.raised = 1};
    ts_module_work.measure(f.s, &f.w, 3, 4, acc);
    ts_module_work.day_end(f.s, &f.w, acc, v);
    assert_float_equal(v[k], 1.0, 0.0);
    *row = (work_row){.discovered = 1};
    memset(acc, 0, sizeof acc);
    ts_module_work.measure(f.s, &f.w, 3, 4, acc);
    ts_module_work.day_end(f.s, &f.w, acc, v);
    assert_float_equal(v[k], 0.5, 1e-12);
    teardown_fix(&f);
}

/* The task view tactics read, the help boost and trial tasks. */
static void test_task_view_boost_and_trial(void **state) {
    (void)state;
    fix f;
    setup_fix(&f, 0, "");
    work_row *row = &f.s->rows[4];
    ts_emit e = emitter(&f, 4);
    ts_module_work.act(f.s, &f.w, 4, ts_module_work.act_row(f.s, 4),
                       &e); /* starts a task on day 10 */
    assert_int_equal(row->state, WORK_ACTIVE);
    ts_task_boost(&f.w)[4] = 0.4f; /* left from an earlier task: cleared */
    ts_module_work.settle(f.s, &f.w, 4);
    assert_int_equal(ts_task_start(&f.w)[4], 10);
    assert_int_equal(ts_task_domain(&f.w)[4], row->domain);
    assert_float_equal(ts_task_boost(&f.w)[4], 0.0, 0.0);
    /* Competence 0, but help worth 1: it succeeds. */
    ts_task_boost(&f.w)[4] = 1.0f;
    row->done = row->size;
    ts_module_work.settle(f.s, &f.w, 4);
    assert_int_equal(row->state, WORK_DONE);
    assert_int_equal(row->success, 1);
    /* A failed trial task: the manager sees it at weight 2, nobody gets honesty
     * evidence, and a tenth of the task is reworked. */
    row->success = 0;
    row->size = 30.0f;
    ts_task_trial(&f.w)[4] = 1;
    ts_candor(&f.w)[4] = 0.0f; /* would conceal, but a trial cannot be hidden */
    f.w.day = 11;
    e = emitter(&f, 4);
    e.day = 11;
    ts_module_work.act(f.s, &f.w, 4, ts_module_work.act_row(f.s, 4), &e);
    float w = 0;
    assert_int_equal(count_kind(&f, 1, TS_MK_OBSERVE, &w, NULL, NULL), 1);
    assert_float_equal(w, 2.0, 0.0);
    for (size_t i = 0; i < f.msgs.buf.n; i++) {
        if (f.msgs.buf.msgs[i].kind == TS_MK_OBSERVE && f.msgs.buf.msgs[i].to != 4) {
            assert_int_equal(f.msgs.buf.msgs[i].flags, 0);
        }
    }
    assert_int_equal(count_kind(&f, 1, TS_MK_INTEGRITY, NULL, NULL, NULL), 0);
    assert_int_equal(row->concealed, 0);
    assert_int_equal(row->is_rework, 1);
    assert_float_equal(row->size, 3.0, 1e-5);
    teardown_fix(&f);
}

/* The first day's teams draw their own partners (not all the same ones); a team that
 * appears later takes a sibling's partners. */
static void test_partner_teams(void **state) {
    (void)state;
    ts_scenario *sc = NULL;
    ts_error err;
    assert_int_equal(ts_scenario_load_string(ts_modules_schema(),
                                             "work: {partner_teams: 2}\norg: {headcount: 400}\n",
                                             "t.yaml", NULL, &sc, &err),
                     TS_OK);
    assert_int_equal(ts_scenario_finalize(sc, &err), TS_OK);
    ts_world w;
    assert_int_equal(ts_world_init(&w, 4, 32, 0.998, &err), TS_OK);
    assert_int_equal(ts_world_build_tree(&w, 400, 7, 0, &err), TS_OK);
    void *st = NULL;
    assert_int_equal(ts_module_work.configure(sc, &w, &st, &err), TS_OK);
    work_state *s = st;
    assert_int_equal(ts_module_work.grow(s, &w, &err), TS_OK);
    ts_day d = {.day = 1, .live = 1, .module = 1, .seed = 5};
    ts_module_work.org(s, &w, &d);
    /* 57 teams (managers 0..56): each has 2 partners, and they are spread out. */
    uint8_t used[400] = {0};
    uint32_t teams = 0, distinct = 0;
    for (uint32_t m = 0; m < w.n; m++) {
        if (w.n_reports[m] == 0) {
            continue;
        }
        teams++;
        assert_int_equal(s->n_part[m], 2);
        for (int i = 0; i < 2; i++) {
            uint32_t p = s->partners[m * WORK_MAX_PARTNERS + i];
            assert_true(w.n_reports[p] > 0 && p != m);
            distinct += !used[p];
            used[p] = 1;
        }
    }
    assert_int_equal(teams, 57);
    assert_true(distinct > teams / 2);
    /* A new team beside team 8 (both under manager 1): it takes 8's partners. */
    uint32_t lead, member;
    assert_int_equal(ts_world_add_agent(&w, 1, 2, &lead, &err), TS_OK);
    assert_int_equal(ts_world_add_agent(&w, lead, 2, &member, &err), TS_OK);
    assert_int_equal(ts_module_work.grow(s, &w, &err), TS_OK);
    d.day = 2;
    ts_module_work.org(s, &w, &d);
    uint32_t sib = w.first_report[1]; /* the first sibling team with partners */
    assert_int_equal(s->n_part[lead], 2);
    assert_memory_equal(&s->partners[lead * WORK_MAX_PARTNERS],
                        &s->partners[sib * WORK_MAX_PARTNERS], 2 * sizeof(uint32_t));
    ts_module_work.free(s);
    ts_world_free(&w);
    ts_scenario_free(sc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escalation_to_deep_dive),
        cmocka_unit_test(test_delegate_and_rubber_stamp),
        cmocka_unit_test(test_own_up_and_conceal),
        cmocka_unit_test(test_hours_of_a_day),
        cmocka_unit_test(test_partner_teams),
        cmocka_unit_test(test_surface_and_status_hooks),
        cmocka_unit_test(test_task_view_boost_and_trial),
        cmocka_unit_test(test_raise_early),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
