/* Tests of models/trust.c and models/evidence.c: the trust score against hand-computed
 * values, evidence messages applied to the believer's own model, first contact, the
 * deception scar, and the daily belief metrics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <math.h>

#include "engine.h"
#include "evidence.h"
#include "shared.h"
#include "modules.h"
#include "trust.h"
#include "test_support.h"

static void default_params(ts_trust_params *tp) {
    ts_scenario *sc = tst_scenario("");
    ts_trust_params_load(sc, tp);
    ts_scenario_free(sc);
}

/* Defaults: prior mean 0.6 with strength 3, integrity 0.8 with strength 4, z = 0.5. */
static void test_scores_by_hand(void **state) {
    (void)state;
    ts_trust_params tp;
    default_params(&tp);
    ts_belief b;
    memset(&b, 0, sizeof b);
    /* A stranger: 0.8 * (0.6 - 0.5 * sqrt(0.24 / 4)) = 0.382020, just below review. */
    assert_float_equal(ts_trust_stranger(&tp), 0.3820204, 1e-6);
    assert_true(ts_trust_stranger(&tp) < tp.review);
    /* One good observation lifts a stranger to review: mu 2.8/4, T = 0.478024. */
    b.alpha_e[1] = 1.0f;
    assert_float_equal(ts_trust_score(&tp, &b, 1), 0.4780244, 1e-6);
    assert_true(ts_trust_score(&tp, &b, 1) >= tp.review);
    /* Twenty observations of a typical colleague, who succeeds about nine times in ten
     * (18 good, 2 bad): 0.660438, delegation even before anything is known of its
     * honesty... */
    b.alpha_e[1] = 18.0f;
    b.beta_e[1] = 2.0f;
    assert_float_equal(ts_trust_score(&tp, &b, 1), 0.6604381, 1e-6);
    assert_true(ts_trust_score(&tp, &b, 1) >= tp.delegate);
    /* ...more once its two failures were owned up: nu = 5.2/6, T = 0.715475. */
    b.integ_a_e = 2.0f;
    assert_float_equal(ts_trust_score(&tp, &b, 1), 0.7154746, 1e-6);
    /* A discovered concealment (2 units that fade, a scar of 1 that does not): nu = 5.2/9,
     * T = 0.476983, back to review. */
    b.integ_b_e = 2.0f;
    b.scar = 1.0f;
    assert_float_equal(ts_trust_integrity(&tp, &b), 5.2 / 9.0, 1e-6);
    assert_float_equal(ts_trust_score(&tp, &b, 1), 0.4769831, 1e-6);
    assert_true(ts_trust_score(&tp, &b, 1) < tp.delegate);
    /* Goodwill adds a tenth of itself; the score is clamped to [0, 1]. */
    b.goodwill = 0.5f;
    assert_float_equal(ts_trust_score(&tp, &b, 1), 0.5269831, 1e-6);
    b.goodwill = -1.0f;
    b.alpha_e[1] = 0.0f;
    b.beta_e[1] = 40.0f;
    assert_float_equal(ts_trust_score(&tp, &b, 1), 0.0, 0.0);
}

typedef struct hook_log {
    int calls;
    uint32_t owner, other;
} hook_log;

static void log_first_contact(void *ctx, ts_world *w, uint32_t owner, uint32_t other,
                              uint32_t slot) {
    hook_log *log = ctx;
    (void)w;
    (void)slot;
    log->calls++;
    log->owner = owner;
    log->other = other;
}

static void test_evidence_applies_to_the_believer(void **state) {
    (void)state;
    ts_world w;
    ts_error err;
    assert_int_equal(ts_world_init(&w, 4, 8, 0.998, &err), TS_OK);
    assert_int_equal(ts_shared_register(&w, &err), TS_OK);
    assert_int_equal(ts_world_build_tree(&w, 5, 2, 0, &err), TS_OK);
    hook_log log = {0};
    assert_int_equal(ts_evidence_add_first_contact(&w, log_first_contact, &log, &err), TS_OK);
    w.day = 10;
    ts_msg m = {.to = 3, .about = 4, .kind = TS_MK_OBSERVE, .domain = 2, .flags = 1, .w = 0.25f};
    assert_true(ts_evidence_handle(&w, &m));
    assert_int_equal(log.calls, 1);
    assert_int_equal(log.owner, 3);
    assert_int_equal(log.other, 4);
    m.flags = 0;
    m.w = 0.75f;
    assert_true(ts_evidence_handle(&w, &m));
    assert_int_equal(log.calls, 1); /* the model exists now */
    int slot = ts_relstore_find(&w.models, 3, 4);
    assert_true(slot >= 0);
    assert_int_equal(ts_relstore_find(&w.models, 4, 3), -1); /* only the believer changed */
    ts_belief b;
    ts_relstore_read(&w.models, 3, (uint32_t)slot, 10, &b);
    assert_float_equal(b.alpha_e[2], 0.25, 1e-7);
    assert_float_equal(b.beta_e[2], 0.75, 1e-7);
    ts_msg integ = {.to = 3, .about = 4, .kind = TS_MK_INTEGRITY, .w = 1.0f, .x = 3.0f, .y = 3.0f};
    ts_msg good = {.to = 3, .about = 4, .kind = TS_MK_GOODWILL, .w = -0.3f};
    assert_true(ts_evidence_handle(&w, &integ));
    assert_true(ts_evidence_handle(&w, &good));
    /* 500 days later the evidence has faded, the scar has not. */
    ts_relstore_read(&w.models, 3, (uint32_t)slot, 510, &b);
    double f = pow(0.998, 500);
    assert_float_equal(b.integ_a_e, f, 1e-5);
    assert_float_equal(b.integ_b_e, 3.0 * f, 1e-5);
    assert_float_equal(b.scar, 3.0, 0.0);
    assert_float_equal(b.goodwill, -0.3 * f, 1e-5);
    /* Hours, safety and the self model are the receiver's own state. */
    ts_msg hours = {.to = 1, .kind = TS_MK_HOURS, .domain = TS_HOURS_REVIEW, .w = 1.5f};
    assert_true(ts_evidence_handle(&w, &hours));
    assert_true(ts_evidence_handle(&w, &hours));
    assert_float_equal(w.hours[1 * TS_HOURS_SLOTS + TS_HOURS_REVIEW], 3.0, 0.0);
    ts_safety(&w)[1] = 0.95f;
    ts_msg safety = {.to = 1, .kind = TS_MK_SAFETY, .w = 0.1f};
    assert_true(ts_evidence_handle(&w, &safety));
    assert_float_equal(ts_safety(&w)[1], 1.0, 0.0);
    ts_msg self = {.to = 1, .kind = TS_MK_SELF, .domain = 3, .flags = 0, .w = 1.0f};
    assert_true(ts_evidence_handle(&w, &self));
    assert_float_equal(ts_self_beta(&w)[1 * 4 + 3], 1.0, 0.0);
    /* Nobody models itself; a module's own kinds are not evidence. */
    ts_msg own = {.to = 2, .about = 2, .kind = TS_MK_OBSERVE, .domain = 0, .flags = 1, .w = 1};
    assert_true(ts_evidence_handle(&w, &own));
    assert_int_equal(ts_relstore_count(&w.models, 2), 0);
    ts_msg other = {.to = 2, .about = 1, .kind = TS_MK_MODULE_BASE};
    assert_false(ts_evidence_handle(&w, &other));
    ts_world_free(&w);
}

/* With no evidence at all, every close pair sits at the stranger score. */
static void test_metrics_of_strangers(void **state) {
    (void)state;
    ts_scenario *sc =
        tst_scenario("days: 3\norg: {headcount: 30, span_of_control: 4, warmup_days: 0}\n"
                     "output: {snapshot_every: 0}\n");
    const ts_module *mods[] = {&ts_module_trust};
    ts_result r;
    ts_engine *e = tst_run_engine(sc, mods, 1, 5, 2, &r);
    const ts_series *team = ts_result_find_series(&r, "trust_team");
    const ts_series *mean = ts_result_find_series(&r, "trust_mean");
    assert_non_null(team);
    assert_float_equal(team->values[3], 0.3820204, 1e-6);
    assert_true(isnan(mean->values[3])); /* no models held */
    const ts_scalar *tf = ts_result_find_scalar(&r, "trust_final");
    assert_non_null(tf);
    assert_true(isnan(tf->value));
    assert_non_null(ts_result_find_scalar(&r, "coverage_final"));
    ts_result_free(&r);
    ts_engine_free(e);
    ts_scenario_free(sc);
}

/* Direct evidence in the org phase moves the metrics by hand-computable amounts. */
static ts_status seed_org(void *state, ts_world *w, const ts_day *d) {
    (void)state;
    if (d->day == 1) {
        /* Agent 1 sees agent 2 succeed 3 times in domain 0 on the first day of their
         * relationship, when first impressions weigh double: mu0 = 7.8/9. */
        for (int k = 0; k < 3; k++) {
            ts_ev_observe_now(w, 1, 2, 0, 1, 1.0f);
        }
    }
    return TS_OK;
}

static void test_metrics_from_one_model(void **state) {
    (void)state;
    static const ts_module seeder = {.name = "seeder", .org = seed_org};
    ts_scenario *sc = tst_scenario("days: 2\ndomains: [a, b]\n"
                                   "org: {headcount: 3, span_of_control: 4, warmup_days: 0}\n"
                                   "output: {snapshot_every: 0}\n");
    const ts_module *mods[] = {&ts_module_trust, &seeder};
    ts_engine_options eo = {.seed = 5, .threads = 1};
    ts_engine *e;
    ts_result r;
    ts_result_init(&r);
    ts_error err;
    assert_int_equal(ts_engine_create(sc, mods, 2, &eo, &e, &err), TS_OK);
    ts_world *w = ts_engine_world_mut(e);
    ts_competence(w)[2 * 2 + 0] = 0.5f;
    ts_competence(w)[2 * 2 + 1] = 0.75f;
    assert_int_equal(ts_engine_run(e, &r, &err), TS_OK);
    /* T0 = 0.8 * (mu0 - 0.5 * sqrt(mu0 (1 - mu0) / 10)), T1 = the stranger's. */
    double mu0 = 7.8 / 9.0;
    double t0 = 0.8 * (mu0 - 0.5 * sqrt(mu0 * (1.0 - mu0) / 10.0));
    double t1 = 0.3820204;
    assert_float_equal(ts_result_find_series(&r, "trust_mean")->values[1], (t0 + t1) / 2, 1e-6);
    /* Model error is against the chance of success, 1 / (1 + exp(-(c - 0.4) / 0.1)) with no
     * alignment error: |mu0 - p(0.5)| and |0.6 - p(0.75)| averaged. */
    double p0 = 1.0 / (1.0 + exp(-1.0)), p1 = 1.0 / (1.0 + exp(-3.5));
    assert_float_equal(ts_result_find_series(&r, "model_error")->values[1],
                       (fabs(mu0 - p0) + fabs(0.6 - p1)) / 2, 1e-6);
    assert_float_equal(ts_result_find_series(&r, "integrity_mean")->values[1], 0.8, 1e-6);
    ts_result_free(&r);
    ts_engine_free(e);
    ts_scenario_free(sc);
}

/* Lane k of a block as the one model it holds. */
static ts_belief lane_belief(const ts_belief_block *blk, uint32_t k, uint32_t D) {
    ts_belief b;
    memset(&b, 0, sizeof b);
    for (uint32_t d = 0; d < D; d++) {
        b.alpha_e[d] = blk->alpha_e[d][k];
        b.beta_e[d] = blk->beta_e[d][k];
    }
    b.integ_a_e = blk->integ_a_e[k];
    b.integ_b_e = blk->integ_b_e[k];
    b.scar = blk->scar[k];
    b.goodwill = blk->goodwill[k];
    return b;
}

/* The block scores equal, bit for bit, the model-by-model scores: t the domain sum of
 * ts_trust_scores' scores, mu and nu its parts (clamped scores at both ends included). */
static void test_scores_block_match(void **state) {
    (void)state;
    ts_trust_params tp;
    default_params(&tp);
    const uint32_t D = 4;
    ts_belief_block blk;
    memset(&blk, 0, sizeof blk);
    blk.n = TS_BELIEF_BLOCK;
    for (uint32_t k = 0; k < TS_BELIEF_BLOCK; k++) {
        for (uint32_t d = 0; d < D; d++) {
            blk.alpha_e[d][k] = (float)((k * 7 + d * 3) % 23) * 0.75f;
            blk.beta_e[d][k] = (float)((k * 5 + d) % 11) * (k % 3 == 0 ? 4.0f : 0.3f);
        }
        blk.integ_a_e[k] = 0.5f * (float)(k % 5);
        blk.integ_b_e[k] = 0.25f * (float)(k % 3);
        blk.scar[k] = k % 4 == 1 ? 1.0f : 0.0f;
        blk.goodwill[k] = k % 2 ? 1.0f : -1.0f;
    }
    double t[TS_BELIEF_BLOCK];
    float mu[TS_MAX_DOMAINS][TS_BELIEF_BLOCK], nu[TS_BELIEF_BLOCK];
    ts_trust_scores_block(&tp, &blk, D, t, mu, nu);
    int clamped = 0;
    for (uint32_t k = 0; k < TS_BELIEF_BLOCK; k++) {
        ts_belief b = lane_belief(&blk, k, D);
        float score[TS_MAX_DOMAINS], m[TS_MAX_DOMAINS], integ;
        ts_trust_scores(&tp, &b, D, score, m, NULL, &integ);
        double sum = 0.0;
        for (uint32_t d = 0; d < D; d++) {
            sum += score[d];
            clamped += score[d] == 0.0f || score[d] == 1.0f;
            assert_memory_equal(&mu[d][k], &m[d], sizeof(float));
        }
        assert_memory_equal(&t[k], &sum, sizeof(double));
        assert_memory_equal(&nu[k], &integ, sizeof(float));
    }
    assert_true(clamped > 0); /* the clamp is exercised */
}

/* The per-domain block scores equal, bit for bit, ts_trust_scores model by model (score,
 * mean, sd and integrity), in a full block and in a block read in half its lanes. */
static void test_scores_block_each_match(void **state) {
    (void)state;
    ts_trust_params tp;
    default_params(&tp);
    const uint32_t D = 3;
    const uint32_t sizes[] = {TS_BELIEF_BLOCK, 5};
    int clamped = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        ts_belief_block blk;
        memset(&blk, 0, sizeof blk);
        blk.n = sizes[i];
        for (uint32_t k = 0; k < blk.n; k++) {
            for (uint32_t d = 0; d < D; d++) {
                blk.alpha_e[d][k] = (float)((k * 5 + d * 7) % 19) * 0.6f;
                blk.beta_e[d][k] = (float)((k * 3 + d) % 13) * (k % 4 == 0 ? 5.0f : 0.2f);
            }
            blk.integ_a_e[k] = 0.4f * (float)(k % 6);
            blk.integ_b_e[k] = 0.3f * (float)(k % 4);
            blk.scar[k] = k % 5 == 2 ? 1.0f : 0.0f;
            blk.goodwill[k] = k % 3 == 0 ? 1.0f : (k % 3 == 1 ? -1.0f : 0.25f);
        }
        float score[TS_MAX_DOMAINS][TS_BELIEF_BLOCK], mu[TS_MAX_DOMAINS][TS_BELIEF_BLOCK];
        float sigma[TS_MAX_DOMAINS][TS_BELIEF_BLOCK], nu[TS_BELIEF_BLOCK];
        ts_trust_scores_block_each(&tp, &blk, D, score, mu, sigma, nu);
        for (uint32_t k = 0; k < blk.n; k++) {
            ts_belief b = lane_belief(&blk, k, D);
            float sc[TS_MAX_DOMAINS], m[TS_MAX_DOMAINS], sd[TS_MAX_DOMAINS], integ;
            ts_trust_scores(&tp, &b, D, sc, m, sd, &integ);
            for (uint32_t d = 0; d < D; d++) {
                clamped += sc[d] == 0.0f || sc[d] == 1.0f;
                assert_memory_equal(&score[d][k], &sc[d], sizeof(float));
                assert_memory_equal(&mu[d][k], &m[d], sizeof(float));
                assert_memory_equal(&sigma[d][k], &sd[d], sizeof(float));
            }
            assert_memory_equal(&nu[k], &integ, sizeof(float));
        }
    }
    assert_true(clamped > 0); /* the clamp is exercised */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scores_by_hand),
        cmocka_unit_test(test_evidence_applies_to_the_believer),
        cmocka_unit_test(test_metrics_of_strangers),
        cmocka_unit_test(test_metrics_from_one_model),
        cmocka_unit_test(test_scores_block_match),
        cmocka_unit_test(test_scores_block_each_match),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
