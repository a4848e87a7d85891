/* Tests of models/ai.c: the keys and their refusals, the competence per domain by hand, the
 * placement of AI agents in teams (org) and their leaving with a team that is gone, that an
 * AI agent holds no mental models while people model it, the metrics by hand from the
 * ai_task column; and the behaviour over the full model, seed by seed: hallucinations
 * lower trust in AI and the share delegated, admitting uncertainty raises it, AI output
 * raises output per head, people's headcount and metrics leave AI agents out, AI agents
 * never manage, and 1 and 2 threads give the same series. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <math.h>

#include "ai.h"
#include "hiring.h"
#include "engine.h"
#include "evidence.h"
#include "shared.h"
#include "test_support.h"
#include "trust.h"
#include "work_internal.h"

typedef tst_world fix;

/* The tree of 5 built breadth first with span 2: 0 -> 1, 2; 1 -> 3, 4 (2 is an IC). */
static void setup_fix(fix *f, const char *ai) {
    char yaml[256];
    snprintf(yaml, sizeof yaml, "population: {ai: %s}\n", ai);
    tst_world_open(f, &ts_module_ai, yaml, 4, 16, 5, 2);
    tst_world_configure(f);
}

static void test_keys(void **state) {
    (void)state;
    ts_error err;
    assert_int_equal(tst_scenario_status("population: {ai: {per_team: -1}}\n", &err),
                     TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "per_team"));
    assert_int_equal(tst_scenario_status("population: {ai: {hallucination: 1.5}}\n", &err),
                     TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "hallucination"));
    assert_int_equal(tst_scenario_status("population: {ai: {admits_uncertainty: -0.1}}\n", &err),
                     TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "admits_uncertainty"));
    /* Four domains by default: index 4 is none of them, 1.5 no competence. */
    assert_int_equal(
        tst_scenario_status("population: {ai: {competence_by_domain: [[4, 0.5]]}}\n", &err),
        TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "population.ai.competence_by_domain"));
    assert_non_null(strstr(err.msg, "from 0 to 3"));
    assert_int_equal(
        tst_scenario_status("population: {ai: {competence_by_domain: [[0.5, 0.5]]}}\n", &err),
        TS_ERR_SCENARIO);
    assert_int_equal(
        tst_scenario_status("population: {ai: {competence_by_domain: [[1, 1.5]]}}\n", &err),
        TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "competence 1.5"));
    assert_int_equal(
        tst_scenario_status("population: {ai: {competence_by_domain: [[1, 0.9]]}}\n", &err), TS_OK);
    /* Off unless the section is there. */
    assert_false(tst_module_on(&ts_module_ai, "days: 10\n"));
    assert_true(tst_module_on(&ts_module_ai, "population: {ai: {}}\n"));
}

/* competence 0.6 everywhere but domain 1 (0.9) and domain 3 (0.2); the rest as written. */
static void test_params(void **state) {
    (void)state;
    ts_scenario *sc = tst_scenario("population: {ai: {competence: 0.6, competence_by_domain: "
                                   "[[1, 0.9], [3, 0.2]], speed: 2.5, per_team: 3, "
                                   "hallucination: 0.1, admits_uncertainty: 0.4}}\n");
    ts_ai_params p;
    ts_ai_params_load(sc, &p);
    assert_true(p.on);
    assert_int_equal(p.per_team, 3);
    assert_float_equal(p.speed, 2.5f, 1e-6);
    assert_float_equal(p.hallucination, 0.1f, 1e-6);
    assert_float_equal(p.admits, 0.4f, 1e-6);
    const float want[4] = {0.6f, 0.9f, 0.6f, 0.2f};
    for (int d = 0; d < 4; d++) {
        assert_float_equal(p.competence[d], want[d], 1e-6);
    }
    ts_scenario_free(sc);
    sc = tst_scenario("days: 10\n");
    ts_ai_params_load(sc, &p);
    assert_false(p.on);
    assert_int_equal(p.per_team, 0);
    ts_scenario_free(sc);
}

/* Managers 0 and 1 have people reports: two AI agents each (ids 5, 6 under 0, 7, 8 under 1),
 * with the configured competence, marked AI, no candour or safety; 2, 3 and 4 get none.
 * A second day adds nobody. */
static void test_placement(void **state) {
    (void)state;
    fix f;
    setup_fix(&f, "{per_team: 2, competence: 0.55, competence_by_domain: [[2, 0.95]]}");
    tst_world_org(&f, 0, 0, 1);
    ts_world *w = &f.w;
    assert_int_equal(w->n, 9);
    const uint32_t mgr[9] = {TS_NO_AGENT, 0, 0, 1, 1, 0, 0, 1, 1};
    for (uint32_t a = 0; a < 9; a++) {
        assert_int_equal(w->manager[a], mgr[a]);
        assert_int_equal(ts_is_ai(w)[a], a >= 5);
        assert_int_equal(!ts_world_is_person(w, a), a >= 5);
    }
    assert_int_equal(ts_ai_reports(w, 0), 2);
    assert_int_equal(ts_ai_people_reports(w, 0), 2);
    assert_int_equal(ts_ai_people_reports(w, 1), 2);
    assert_int_equal(ts_ai_reports(w, 2), 0);
    assert_int_equal(ts_ai_count(w), 4);
    for (uint32_t d = 0; d < 4; d++) {
        assert_float_equal(ts_competence(w)[7 * 4 + d], d == 2 ? 0.95f : 0.55f, 1e-6);
    }
    assert_float_equal(ts_candor(w)[6], 0.0f, 0.0);
    assert_float_equal(ts_safety(w)[6], 0.0f, 0.0);
    tst_world_org(&f, 1, 0, 1);
    assert_int_equal(w->n, 9);
    /* Manager 1 leaves with nobody to take its team: its people move elsewhere, its AI
     * agents stay behind and leave with it the next day. */
    ts_world_set_manager(w, 3, 0);
    ts_world_set_manager(w, 4, 0);
    ts_world_remove_agent(w, 1, 2);
    tst_world_org(&f, 2, 0, 1);
    assert_false(w->active[7]);
    assert_false(w->active[8]);
    assert_true(w->active[5] && w->active[6]);
    assert_int_equal(ts_ai_count(w), 2);
    tst_world_close(&f);
}

/* The memory estimate's agents: hiring's people (150 steady, attrition 0.1 at safety 0.6
 * over 250 + 365 days: ceil(150 x 0.09 x 615 / 365) = 23 leavers, 173) and 2 AI agents for
 * each of 2 x 173 / 7 + 1 = 50 teams: 273; none while the section is absent. */
static void test_peak_agents(void **state) {
    (void)state;
    ts_scenario *sc = tst_scenario("days: 365\norg: {headcount: 150, span_of_control: 7, "
                                   "warmup_days: 250}\nhiring: {growth: none, attrition_annual: "
                                   "0.1}\nculture: {safety: 0.6}\n"
                                   "population: {ai: {per_team: 2}}\n");
    const char *keys = NULL;
    assert_int_equal(ts_module_hiring.peak_agents(sc, NULL), 173);
    assert_int_equal(ts_module_ai.peak_agents(sc, &keys), 173 + 2 * 50);
    assert_non_null(strstr(keys, "population.ai.per_team"));
    ts_scenario_free(sc);
    sc = tst_scenario("days: 365\n");
    assert_int_equal(ts_module_ai.peak_agents(sc, NULL), 0);
    ts_scenario_free(sc);
}

/* per_team 0: on, nobody added. */
static void test_none(void **state) {
    (void)state;
    fix f;
    setup_fix(&f, "{per_team: 0}");
    tst_world_org(&f, 0, 0, 1);
    assert_int_equal(f.w.n, 5);
    assert_int_equal(ts_ai_count(&f.w), 0);
    tst_world_close(&f);
}

/* An AI agent holds no models: evidence sent to it is dropped; a person's evidence about it
 * builds an ordinary model. */
static void test_no_models(void **state) {
    (void)state;
    fix f;
    setup_fix(&f, "{per_team: 1}");
    tst_world_org(&f, 0, 0, 1);
    ts_world *w = &f.w;
    uint32_t ai = 5;
    assert_true(ts_is_ai(w)[ai]);
    ts_ev_observe_now(w, ai, 1, 0, 1, 1.0f);
    ts_ev_goodwill_now(w, ai, 1, 0.5f);
    ts_ev_integrity_now(w, ai, 1, 1.0f, 0.0f, 0.0f);
    assert_true(ts_relstore_find(&w->models, ai, 1) < 0);
    assert_int_equal(ts_evidence_model(w, ai, 2), -1);
    ts_ev_observe_now(w, 0, ai, 0, 1, 1.0f);
    assert_true(ts_relstore_find(&w->models, 0, ai) >= 0);
    assert_float_equal(tst_evidence(w, 0, ai, NULL), 1.0f, 1e-6);
    tst_world_close(&f);
}

/* The metrics by hand from the ai_task column: two AI agents (5 under 0, 6 under 1) and three
 * people with output. Gated 2, delegated 1: 0.5; output AI 10 + 6 of 10 + 6 + 4 + 20: 16/40;
 * flagged 1; found 2; trust in AI from the one person holding a model (0 of 5). */
static void test_metrics(void **state) {
    (void)state;
    fix f;
    setup_fix(&f, "{per_team: 1}");
    tst_world_org(&f, 0, 0, 1);
    ts_world *w = &f.w;
    int col = ts_world_column_find(w, TS_AI_TASK_COLUMN);
    assert_true(col >= 0);
    ts_ai_task *t = w->cols[col].data;
    assert_int_equal(w->n, 7);
    t[5] = (ts_ai_task){.output = 10.0f, .gated = 1, .delegated = 1, .found = 2};
    t[6] = (ts_ai_task){.output = 6.0f, .gated = 1, .flagged = 1};
    t[2] = (ts_ai_task){.output = 4.0f};
    t[3] = (ts_ai_task){.output = 20.0f};
    ts_ev_observe_now(w, 0, 5, 0, 1, 2.0f);
    double v[6];
    tst_world_metrics(&f, v, 6);
    assert_float_equal(v[0], 2.0, 0.0);
    assert_float_equal(v[1], 0.5, 1e-12);
    assert_float_equal(v[2], 1.0, 0.0);
    assert_float_equal(v[3], 2.0, 0.0);
    ts_trust_params tp;
    ts_trust_params_load(f.sc, &tp);
    assert_float_equal(v[4], ts_trust_of_mean(&tp, w, 0, 5), 1e-6);
    assert_float_equal(v[5], 16.0 / 40.0, 1e-12);
    /* A day without AI tasks: the ratios are undefined. */
    for (uint32_t a = 0; a < w->n; a++) {
        t[a] = (ts_ai_task){0};
    }
    ts_world_remove_agent(w, 0, 1);
    tst_world_metrics(&f, v, 6);
    assert_true(isnan(v[1]));
    assert_true(isnan(v[4]));
    assert_true(isnan(v[5]));
    tst_world_close(&f);
}

/* work's hooks for AI agents (models/work_decide.c, models/work.c) on the tree (span 2)
 * 0 -> 1, 2; 1 -> 3, 4; 2 -> 5, 6, with agent 3 an AI under manager 1; every expectation by
 * hand. */
typedef struct wfix {
    ts_scenario *sc;
    ts_world w;
    work_state *s;
    tst_msgs msgs;
} wfix;

static void setup_work(wfix *f, const char *ai) {
    memset(f, 0, sizeof *f);
    char text[256];
    snprintf(text, sizeof text, "population: {ai: %s}\n", ai);
    ts_error err;
    f->sc = tst_scenario(text);
    assert_int_equal(ts_world_init(&f->w, 4, 32, 0.998, &err), TS_OK);
    assert_int_equal(ts_world_build_tree(&f->w, 7, 2, 0, &err), TS_OK);
    f->w.initial_headcount = 7;
    void *st = NULL;
    assert_int_equal(ts_module_work.configure(f->sc, &f->w, &st, &err), TS_OK);
    f->s = st;
    assert_int_equal(ts_module_work.grow(f->s, &f->w, &err), TS_OK);
    ts_is_ai(&f->w)[3] = 1;
    f->w.day = 10;
}

static void teardown_work(wfix *f) {
    ts_module_work.free(f->s);
    ts_world_free(&f->w);
    ts_scenario_free(f->sc);
    tst_msgs_free(&f->msgs);
}

/* Hours of `slot` the captured messages charge to `who`. */
static double work_hours_to(const wfix *f, uint32_t who, int slot) {
    double h = 0.0;
    for (size_t i = 0; i < f->msgs.buf.n; i++) {
        const ts_msg *m = &f->msgs.buf.msgs[i];
        h += m->kind == TS_MK_HOURS && m->to == who && m->domain == slot ? m->w : 0.0f;
    }
    return h;
}

/* Manager 1's trust in the AI: 15 successes, 5 failures in every domain and 5 honest acts
 * give T = 0.629 (tests/models/test_work.c), above the delegation threshold 0.6. */
static void trust_ai(wfix *f) {
    for (uint32_t d = 0; d < 4; d++) {
        ts_ev_observe_now(&f->w, 1, 3, d, 1, 15.0f);
        ts_ev_observe_now(&f->w, 1, 3, d, 0, 5.0f);
    }
    ts_ev_integrity_now(&f->w, 1, 3, 5.0f, 0.0f, 0.0f);
}

/* The gate: trusted and no hallucination, handed over in 0.1 h with no wait and no
 * stakeholder; a stranger's task dug into; a flagged hallucination reviewed whatever the
 * trust (1 h, a day), with one unit of honesty to the manager. */
static void test_gate(void **state) {
    (void)state;
    wfix f;
    setup_work(&f, "{hallucination: 0}");
    trust_ai(&f);
    ts_rng r;
    ts_rng_init(&r, 1, 3, 10, 1);
    work_row row = {.domain = 1};
    ts_emit e = tst_msgs_emit(&f.msgs, 3, 1, 10, 9);
    work_delegate_ai(f.s, &f.w, 3, &row, &r, &e);
    assert_int_equal(row.n_deciders, 1);
    assert_int_equal(row.dec[0].id, 1);
    assert_int_equal(row.dec[0].role, WORK_APPROVED);
    assert_int_equal(row.n_stake, 0);
    assert_true(row.ai_gated && row.ai_delegated && !row.ai_reviewed);
    assert_false(row.ai_halluc || row.ai_flagged);
    assert_float_equal(work_hours_to(&f, 1, TS_HOURS_REVIEW), 0.1, 1e-6);
    assert_float_equal(row.latency, 0.0, 0.0);
    /* A stranger: the prior alone, below the review threshold: the manager digs in (4 h,
     * the AI 2 h, two days); being its common manager, it never escalates. */
    ts_trust_params tp;
    ts_trust_params_load(f.sc, &tp);
    assert_true(ts_trust_stranger(&tp) < tp.review);
    row = (work_row){.domain = 1};
    e = tst_msgs_emit(&f.msgs, 4, 1, 10, 9);
    ts_is_ai(&f.w)[4] = 1;
    work_delegate_ai(f.s, &f.w, 4, &row, &r, &e);
    assert_int_equal(row.n_deciders, 1);
    assert_int_equal(row.dec[0].role, WORK_DEEP_DIVE);
    assert_int_equal(row.escalations, 0);
    assert_true(row.ai_reviewed && !row.ai_delegated);
    assert_float_equal(work_hours_to(&f, 1, TS_HOURS_DEEP_DIVE), 4.0, 1e-6);
    assert_float_equal(work_hours_to(&f, 4, TS_HOURS_DEEP_DIVE), 2.0, 1e-6);
    assert_float_equal(row.latency, 2.0, 0.0);
    teardown_work(&f);

    setup_work(&f, "{hallucination: 1, admits_uncertainty: 1}");
    trust_ai(&f);
    row = (work_row){.domain = 1};
    e = tst_msgs_emit(&f.msgs, 3, 1, 10, 9);
    work_delegate_ai(f.s, &f.w, 3, &row, &r, &e);
    assert_true(row.ai_halluc && row.ai_flagged && row.ai_reviewed && !row.ai_delegated);
    assert_int_equal(row.dec[0].role, WORK_REVIEWED);
    assert_int_equal(row.reviews, 1);
    assert_float_equal(work_hours_to(&f, 1, TS_HOURS_REVIEW), 1.0, 1e-6);
    ts_msg last;
    assert_int_equal(tst_msgs_count(&f.msgs, 1, TS_MK_INTEGRITY, &last), 1);
    assert_float_equal(last.w, TS_AI_FLAG_HONESTY, 0.0);
    assert_float_equal(last.x + last.y, 0.0, 0.0);
    assert_float_equal(row.latency, 1.0, 0.0);
    teardown_work(&f);
}

/* The outcome of a hallucination (size 40, domain 2): handed over unreviewed it looks done
 * to the manager (a success seen at weight 0.5 and a kept word of 0.1 x 0.5) and hides as
 * a defect; reviewed, the manager sees the failure and the AI owes 0.1 x 40 of rework. No
 * self-model either way. */
static void test_hallucination_outcome(void **state) {
    (void)state;
    wfix f;
    setup_work(&f, "{hallucination: 1}");
    work_row *row = &f.s->rows[3];
    *row = (work_row){.state = WORK_DONE,
                      .success = 0,
                      .domain = 2,
                      .size = 40.0f,
                      .ai_gated = 1,
                      .ai_halluc = 1,
                      .n_deciders = 1,
                      .dec = {{.id = 1, .role = WORK_APPROVED, .is_manager = 1}}};
    ts_emit e = tst_msgs_emit(&f.msgs, 3, 1, 10, 9);
    ts_module_work.act(f.s, &f.w, 3, ts_module_work.act_row(f.s, 3), &e);
    ts_msg last;
    assert_int_equal(tst_msgs_count(&f.msgs, 1, TS_MK_OBSERVE, &last), 1);
    assert_int_equal(last.flags, 1);
    assert_float_equal(last.w, 0.5, 1e-6);
    assert_int_equal(tst_msgs_count(&f.msgs, 1, TS_MK_INTEGRITY, &last), 1);
    assert_float_equal(last.w, 0.1 * 0.5, 1e-6);
    assert_int_equal(tst_msgs_count(&f.msgs, 3, TS_MK_SELF, NULL), 0);
    assert_int_equal(row->concealed, 1);
    assert_int_equal(row->ai_caught, 0);
    assert_int_equal(row->defects[0].active, 1);
    assert_float_equal(row->defects[0].rework, TS_REPAIR_REWORK_OWNED * 40.0, 1e-4);

    *row = (work_row){.state = WORK_DONE,
                      .success = 0,
                      .domain = 2,
                      .size = 40.0f,
                      .ai_gated = 1,
                      .ai_halluc = 1,
                      .ai_reviewed = 1,
                      .n_deciders = 1,
                      .dec = {{.id = 1, .role = WORK_REVIEWED, .is_manager = 1}}};
    e = tst_msgs_emit(&f.msgs, 3, 1, 10, 9);
    ts_module_work.act(f.s, &f.w, 3, ts_module_work.act_row(f.s, 3), &e);
    assert_int_equal(tst_msgs_count(&f.msgs, 1, TS_MK_OBSERVE, &last), 1);
    assert_int_equal(last.flags, 0);
    assert_float_equal(last.w, 1.0, 1e-6);
    assert_int_equal(tst_msgs_count(&f.msgs, 1, TS_MK_INTEGRITY, NULL), 0);
    assert_int_equal(row->concealed, 0);
    assert_int_equal(row->ai_caught, 1);
    assert_int_equal(row->defects[0].active, 0);
    /* The rework is the AI's next task: 0.1 of the task. */
    assert_int_equal(row->is_rework, 1);
    assert_float_equal(row->size, 0.1 * 40.0, 1e-5);
    teardown_work(&f);
}

#define BASE                                                                                       \
    "days: 150\ndomains: [design, roadmap, people, debugging]\n"                                   \
    "org: {headcount: 120, warmup_days: 150}\n"                                                    \
    "tactics: {one_on_ones: {}}\noutput: {snapshot_every: 0}\n"

/* Full runs over three seeds: more hallucination, less trust and less delegation; flagging
 * at equal accuracy, more delegation; AI output raises output per head. */
static void test_behaviour(void **state) {
    (void)state;
    const char *names[] = {"ai_share_delegated_mean", "trust_in_ai_mean", "output_per_head_mean",
                           "ai_tasks_flagged", "ai_hallucinations_found"};
    enum { SEEDS = 3, N = 5 };
    const char *arms[4] = {"{hallucination: 0}", "{hallucination: 0.1}",
                           "{hallucination: 0.1, admits_uncertainty: 0.9}", "{per_team: 0}"};
    double mean[4][N] = {{0}};
    for (uint64_t k = 1; k <= SEEDS; k++) {
        for (int arm = 0; arm < 4; arm++) {
            char yaml[640];
            snprintf(yaml, sizeof yaml, "%shiring: {growth: none}\npopulation: {ai: %s}\n", BASE,
                     arms[arm]);
            double v[N];
            tst_full(yaml, k * 31, TST_VALUE_NAN, names, N, v);
            print_message("seed %u %s: delegated %.3f trust %.3f output %.3f flagged %.3f "
                          "found %.3f\n",
                          (unsigned)k, arms[arm], v[0], v[1], v[2], v[3], v[4]);
            for (int i = 0; i < N; i++) {
                mean[arm][i] += v[i] / SEEDS;
            }
        }
    }
    /* Without hallucinations nearly everything is delegated; at 0.1 a minority. */
    assert_true(mean[0][0] > 0.9);
    assert_true(mean[1][0] < 0.5 * mean[0][0]);
    assert_true(mean[1][1] < mean[0][1] - 0.05);
    /* Flagging 90 % of them: more delegation, more trust, flags on record. */
    assert_true(mean[2][0] > mean[1][0] + 0.15);
    assert_true(mean[2][1] > mean[1][1]);
    assert_true(mean[2][3] > 0.0 && mean[1][3] == 0.0 && mean[0][3] == 0.0);
    /* Hallucinations come to light only where there are some. */
    assert_true(mean[1][4] > 0.0 && mean[0][4] == 0.0);
    /* One AI per team at three times a person's speed: more output per person. */
    assert_true(mean[0][2] > mean[3][2] * 1.2);
    /* per_team 0: no AI, no ratios. */
    assert_true(isnan(mean[3][0]) && isnan(mean[3][1]));
}

/* The people stay at the target headcount, which is the engine's headcount (AI agents are
 * not people: the world's not_person column); no AI agent manages, holds a model or
 * leaves; people's trust never counts AI subjects. */
static void test_people(void **state) {
    (void)state;
    char yaml[640];
    snprintf(yaml, sizeof yaml,
             "%spopulation: {ai: {per_team: 2, hallucination: 0.05}}\nhiring: {growth: none, "
             "attrition_annual: 0.5}\n",
             BASE);
    for (uint64_t seed = 1; seed <= 2; seed++) {
        tst_fullrun x;
        tst_fullrun_open(&x, yaml, seed);
        const ts_series *hc = tst_series(&x.r, "headcount");
        const ts_series *ai = tst_series(&x.r, "ai_agents");
        /* Hiring fills the target with people (a split may hire a new lead beyond it); if AI
         * agents counted, some 40 of them would take the place of people. */
        for (size_t d = 0; d < hc->n; d++) {
            assert_true(hc->values[d] >= 120.0 && hc->values[d] <= 126.0);
            assert_true(ai->values[d] >= 30.0);
        }
        const ts_world *w = ts_engine_world(x.e);
        uint32_t n_ai = 0, n_people = 0;
        double models = 0.0;
        for (uint32_t a = 0; a < w->n; a++) {
            if (!ts_is_ai(w)[a]) {
                n_people += w->active[a];
                models += w->active[a] ? ts_relstore_count(&w->models, a) : 0;
                continue;
            }
            n_ai += w->active[a];
            assert_int_equal(w->n_reports[a], 0);
            assert_int_equal(ts_relstore_count(&w->models, a), 0);
            if (w->active[a]) {
                assert_false(ts_is_ai(w)[w->manager[a]]);
                assert_int_equal(w->leave_day[a], INT32_MAX);
            }
        }
        assert_int_equal(n_ai, (uint32_t)ai->values[ai->n - 1]);
        /* The engine's last day: people only, and their models only. */
        assert_int_equal(n_people, (uint32_t)hc->values[hc->n - 1]);
        const ts_series *acq = tst_series(&x.r, "acquaintances");
        assert_float_equal(acq->values[acq->n - 1], models / n_people, 1e-9);
        tst_fullrun_close(&x);
    }
}

/* With AI on and every mechanism and tactic that reads is_ai on too (two departments,
 * gates, incidents, openness, acceptance, every tactic), in a growing company with
 * attrition, 1 and 2 threads give the same series bit for bit. */
static const char *EVERYTHING =
    "days: 80\ndomains: [design, roadmap, people, debugging]\n"
    "org: {headcount: 80, span_of_control: 6, warmup_days: 40, departments: [tech, biz], "
    "department_split: [[0.5, 0.3], [1, 0.8]], cross_department_prior: 0.3}\n"
    "hiring: {growth: exponential, annual_rate: 1.5, ramp_days: 30, attrition_annual: 0.4}\n"
    "work: {control_gates: {enabled: true}, raise_early: 0.1}\n"
    "openness: {}\n"
    "population: {acceptance: {}, ai: {per_team: 2, hallucination: 0.1, "
    "admits_uncertainty: 0.5}}\n"
    "events:\n"
    "  - {day: 20, kind: incident, domain: debugging, work_hours: 600, responders: 12, "
    "workstreams: 4}\n"
    "output: {snapshot_every: 25, snapshot_agents: 40}\n"
    "tactics:\n"
    "  one_on_ones: {}\n  feedback: {}\n  broadcast: {}\n  trial_tasks: {}\n"
    "  status_updates: {}\n  inspection_forums: {}\n  coffee_chats: {}\n"
    "  transitive_trust: {}\n  ask_for_help: {}\n  onboarding: {}\n  offsites: {every: 30}\n"
    "  repair: {}\n  understanding: {}\n  shared_goals: {}\n  trenches: {}\n"
    "  hated_tasks: {}\n  overview_listening: {}\n  commiserate: {}\n  declare_limits: {}\n"
    "  leader_vulnerability: {}\n";

static void test_threads(void **state) {
    (void)state;
    ts_scenario *sc = tst_scenario(EVERYTHING);
    ts_result r1, r2;
    tst_run(sc, NULL, 0, 7, 1, &r1);
    tst_run(sc, NULL, 0, 7, 2, &r2);
    const char *names[] = {"ai_share_delegated", "trust_in_ai", "ai_output_share", "trust_mean",
                           "output_per_head",    "headcount",   "ai_agents",       "safety_mean"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        const ts_series *a = tst_series(&r1, names[k]), *b = tst_series(&r2, names[k]);
        assert_int_equal(a->n, b->n);
        assert_memory_equal(a->values, b->values, a->n * sizeof *a->values);
    }
    assert_true(tst_series_mean(&r1, "ai_agents", 1) > 20.0);
    ts_result_free(&r1);
    ts_result_free(&r2);
    ts_scenario_free(sc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_placement),
        cmocka_unit_test(test_none),
        cmocka_unit_test(test_no_models),
        cmocka_unit_test(test_metrics),
        cmocka_unit_test(test_peak_agents),
        cmocka_unit_test(test_gate),
        cmocka_unit_test(test_hallucination_outcome),
        cmocka_unit_test(test_behaviour),
        cmocka_unit_test(test_people),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
