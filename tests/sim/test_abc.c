/* Tests of sim/app/abc.c: the adaptive population Monte Carlo ABC run as an ask/tell loop over toy
 * models whose posteriors are known (the mean of normal observations, with an uninformative
 * second parameter, with failed simulations truncating it, with an integer parameter), its
 * determinism whatever order the batch is simulated in, the budget, the tolerance that never
 * increases, the stop reasons, the summaries, the distance and every error path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <gsl/gsl_randist.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "abc.h"
#include "rng.h"

/* The stream of the toy simulators ("TOYS"), keyed by (seed, proposal, generation). */
#define TOY_STREAM 0x544f5953u

/* ---- The ask/tell loop over a toy model -------------------------------------------------- */

/* A toy model: m statistics of the parameter vector theta, drawn from stream r. */
typedef void (*toy_model)(const double *theta, ts_rng *r, double *stats);

typedef struct toy {
    toy_model model;
    size_t m;
    const double *targets, *scales;
    uint64_t sim_seed;
    int order; /* 0: the batch forwards, 1: backwards, 2: odd rows then even rows */
} toy;

/* What the loop saw besides the final state. */
typedef struct toy_trace {
    size_t points_asked; /* the sum of the batch sizes */
    size_t generations;
} toy_trace;

/* Row `step` of a batch of n in the toy's order. */
static size_t toy_row(const toy *t, size_t step, size_t n) {
    if (t->order == 1) {
        return n - 1 - step;
    }
    if (t->order == 2) {
        size_t n_odd = n / 2;
        return step < n_odd ? 2 * step + 1 : 2 * (step - n_odd);
    }
    return step;
}

/* Runs the loop to the end, checking on the way what holds of every run: the budget, the
 * tolerance that never increases, acceptance rates in [0, 1], runs = points asked. */
static ts_abc *toy_run(const ts_abc_config *cfg, const toy *t, toy_trace *trace) {
    ts_abc *a = NULL;
    ts_error err;
    ts_error_clear(&err);
    assert_int_equal(ts_abc_create(cfg, &a, &err), TS_OK);
    double *dist = malloc(cfg->n_particles * sizeof *dist);
    double *stats = malloc(t->m * sizeof *stats);
    assert_non_null(dist);
    assert_non_null(stats);
    memset(trace, 0, sizeof *trace);
    while (!ts_abc_done(a)) {
        size_t n;
        const double *pts;
        assert_int_equal(ts_abc_ask(a, &n, &pts, &err), TS_OK);
        assert_true(n > 0);
        size_t g = ts_abc_generation(a);
        for (size_t step = 0; step < n; step++) {
            size_t j = toy_row(t, step, n);
            ts_rng r;
            ts_rng_init(&r, t->sim_seed, (uint32_t)j, (uint32_t)g, TOY_STREAM);
            t->model(pts + j * cfg->k, &r, stats);
            dist[j] = ts_abc_distance(t->m, stats, t->targets, t->scales);
        }
        assert_int_equal(ts_abc_tell(a, dist, &err), TS_OK);
        trace->points_asked += n;
        size_t gens = ts_abc_generation(a);
        const double *eps = ts_abc_epsilons(a), *acc = ts_abc_acceptance(a);
        assert_int_equal(gens, g + 1);
        if (gens > 1) {
            assert_true(eps[gens - 1] <= eps[gens - 2]);
        }
        assert_true(acc[gens - 1] >= 0.0 && acc[gens - 1] <= 1.0);
        assert_true(ts_abc_runs(a) <= cfg->max_runs);
        assert_int_equal(ts_abc_runs(a), trace->points_asked);
    }
    trace->generations = ts_abc_generation(a);
    free(dist);
    free(stats);
    return a;
}

/* ---- Toy 1: y ~ Normal(theta, 1), n observations summarised by their mean ----------------
 *
 * With a flat prior wide enough to hold the likelihood, the posterior of theta given the
 * observed mean ybar is Normal(ybar, 1/n); ybar is sufficient, so the ABC posterior tends to
 * it as epsilon goes to 0 (a tolerance epsilon on the scaled distance adds a variance of
 * epsilon^2/(3 n), under 1 % of 1/n at the tolerances reached here). */

#define NORM_N_OBS 25
#define NORM_YBAR 1.3717
/* The 95 % quantile of the standard normal: the 90 % interval is ybar -+ 1.6449 / sqrt(n). */
#define Z95 1.6448536269514722

static void norm_model(const double *theta, ts_rng *r, double *stats) {
    double s = 0.0;
    for (int i = 0; i < NORM_N_OBS; i++) {
        s += theta[0] + gsl_ran_ugaussian(ts_rng_gsl(r));
    }
    stats[0] = s / NORM_N_OBS;
}

static const double NORM_TARGET[] = {NORM_YBAR};
static const double NORM_SCALE[] = {0.2}; /* the sd of the mean, 1/sqrt(25) */

static void norm_config(ts_abc_config *cfg, const double *low, const double *high, size_t k,
                        uint64_t seed) {
    ts_abc_config_init(cfg);
    cfg->k = k;
    cfg->low = low;
    cfg->high = high;
    cfg->n_particles = 1000;
    cfg->max_runs = 50000;
    cfg->seed = seed;
}

static void test_normal_mean_posterior(void **state) {
    (void)state;
    const double low[] = {-10.0}, high[] = {10.0};
    const uint64_t seeds[] = {1, 0x3717, 0x9e3779b97f4a7c15u};
    const double sd = 1.0 / sqrt((double)NORM_N_OBS);
    const double lo90 = NORM_YBAR - Z95 * sd, hi90 = NORM_YBAR + Z95 * sd;
    for (size_t s = 0; s < 3; s++) {
        ts_abc_config cfg;
        norm_config(&cfg, low, high, 1, seeds[s]);
        toy t = {norm_model, 1, NORM_TARGET, NORM_SCALE, seeds[s] + 11, 0};
        toy_trace tr;
        ts_abc *a = toy_run(&cfg, &t, &tr);
        assert_int_equal(ts_abc_stop_reason(a), TS_ABC_STOP_ACCEPTANCE);
        ts_abc_summary sum;
        ts_error err;
        assert_int_equal(ts_abc_summarize(a, 0.9, &sum, &err), TS_OK);
        print_message("normal mean, seed %#llx: %zu generations, %zu runs, eps %.4f; mean %.4f "
                      "(analytic %.4f), sd %.4f (%.4f), 90 %% [%.4f, %.4f] ([%.4f, %.4f])\n",
                      (unsigned long long)seeds[s], tr.generations, ts_abc_runs(a),
                      ts_abc_epsilons(a)[tr.generations - 1], sum.mean, NORM_YBAR, sum.sd, sd,
                      sum.low, sum.high, lo90, hi90);
        /* Margins: about 4 Monte Carlo sds of each estimate for ~500 weighted particles. */
        assert_float_equal(sum.mean, NORM_YBAR, 0.04);
        assert_float_equal(sum.sd, sd, 0.03);
        assert_float_equal(sum.low, lo90, 0.06);
        assert_float_equal(sum.high, hi90, 0.06);
        /* Every acceptance after generation 0 but the last is at least p_acc_min. */
        const double *acc = ts_abc_acceptance(a);
        assert_true(acc[0] == 1.0);
        for (size_t g = 1; g + 1 < tr.generations; g++) {
            assert_true(acc[g] >= cfg.p_acc_min);
        }
        assert_true(acc[tr.generations - 1] < cfg.p_acc_min);
        /* The cost: N + (N - N_alpha) per later generation. */
        assert_int_equal(ts_abc_runs(a), 1000 + 500 * (tr.generations - 1));
        /* Weights sum to 1; particles are sorted by distance, all within epsilon. */
        const double *w = ts_abc_weights(a), *d = ts_abc_distances(a);
        double sw = 0.0;
        assert_int_equal(ts_abc_n_kept(a), 500);
        for (size_t p = 0; p < 500; p++) {
            sw += w[p];
            assert_true(w[p] > 0.0);
            assert_true(p == 0 || d[p] >= d[p - 1]);
        }
        assert_float_equal(sw, 1.0, 1e-12);
        assert_true(d[499] == ts_abc_epsilons(a)[tr.generations - 1]);
        ts_abc_free(a);
    }
}

/* Toy 2: the same with a second parameter the model never reads. Its posterior is its prior,
 * U(0, 1): mean 0.5, sd 1/sqrt(12), 90 % interval [0.05, 0.95]; the first is identified. */
static void norm_model_2(const double *theta, ts_rng *r, double *stats) {
    norm_model(theta, r, stats);
}

static void test_unidentifiable_parameter(void **state) {
    (void)state;
    const double low[] = {-10.0, 0.0}, high[] = {10.0, 1.0};
    const uint64_t seeds[] = {5, 6, 7};
    for (size_t s = 0; s < 3; s++) {
        ts_abc_config cfg;
        norm_config(&cfg, low, high, 2, seeds[s]);
        toy t = {norm_model_2, 1, NORM_TARGET, NORM_SCALE, seeds[s] * 31, 2};
        toy_trace tr;
        ts_abc *a = toy_run(&cfg, &t, &tr);
        ts_abc_summary sum[2];
        ts_error err;
        assert_int_equal(ts_abc_summarize(a, 0.9, sum, &err), TS_OK);
        print_message("two parameters, seed %llu: theta1 mean %.4f sd ratio %.4f; theta2 mean "
                      "%.4f sd %.4f (prior %.4f) ratio %.3f, 90 %% [%.3f, %.3f]\n",
                      (unsigned long long)seeds[s], sum[0].mean, sum[0].sd_ratio, sum[1].mean,
                      sum[1].sd, sum[1].prior_sd, sum[1].sd_ratio, sum[1].low, sum[1].high);
        assert_float_equal(sum[0].mean, NORM_YBAR, 0.04);
        /* Identified: 0.2 / (20 / sqrt(12)) = 0.035. */
        assert_float_equal(sum[0].prior_sd, 20.0 / sqrt(12.0), 1e-12);
        assert_true(sum[0].sd_ratio < 0.05);
        /* Not identified: the prior's spread, within the noise of ~500 weighted particles. */
        assert_float_equal(sum[1].prior_sd, 1.0 / sqrt(12.0), 1e-12);
        assert_float_equal(sum[1].mean, 0.5, 0.06);
        assert_in_range((long)(1000 * sum[1].sd_ratio), 850, 1120);
        assert_float_equal(sum[1].low, 0.05, 0.05);
        assert_float_equal(sum[1].high, 0.95, 0.05);
        ts_abc_free(a);
    }
}

/* Toy 3: simulations fail (NaN statistic) for theta > ybar. The posterior is the normal one
 * truncated there: a half normal below ybar, of mean ybar - sd sqrt(2/pi). */
static void failing_model(const double *theta, ts_rng *r, double *stats) {
    norm_model(theta, r, stats);
    if (theta[0] > NORM_YBAR) {
        stats[0] = NAN;
    }
}

static void test_failed_simulations_are_never_kept(void **state) {
    (void)state;
    const double low[] = {-10.0}, high[] = {10.0};
    const double sd = 1.0 / sqrt((double)NORM_N_OBS);
    const double truth = NORM_YBAR - sd * sqrt(2.0 / M_PI);
    const uint64_t seeds[] = {21, 22};
    for (size_t s = 0; s < 2; s++) {
        ts_abc_config cfg;
        norm_config(&cfg, low, high, 1, seeds[s]);
        toy t = {failing_model, 1, NORM_TARGET, NORM_SCALE, seeds[s], 1};
        toy_trace tr;
        ts_abc *a = toy_run(&cfg, &t, &tr);
        const double *x = ts_abc_particles(a);
        for (size_t p = 0; p < ts_abc_n_kept(a); p++) {
            assert_true(x[p] <= NORM_YBAR);
            assert_true(isfinite(ts_abc_distances(a)[p]));
        }
        ts_abc_summary sum;
        ts_error err;
        assert_int_equal(ts_abc_summarize(a, 0.9, &sum, &err), TS_OK);
        print_message("failures above ybar, seed %llu: mean %.4f (analytic %.4f), high %.4f\n",
                      (unsigned long long)seeds[s], sum.mean, truth, sum.high);
        assert_float_equal(sum.mean, truth, 0.04);
        /* Generation 0's acceptance is the share of finite distances: 0.5686 of the prior. */
        assert_float_equal(ts_abc_acceptance(a)[0], (NORM_YBAR + 10.0) / 20.0, 0.05);
        ts_abc_free(a);
    }
}

/* Every simulation fails: the run stops after generation 0 with no posterior. */
static void nan_model(const double *theta, ts_rng *r, double *stats) {
    (void)theta;
    (void)r;
    stats[0] = NAN;
}

static void test_all_failed(void **state) {
    (void)state;
    const double low[] = {0.0}, high[] = {1.0};
    ts_abc_config cfg;
    norm_config(&cfg, low, high, 1, 3);
    cfg.n_particles = 40;
    toy t = {nan_model, 1, NORM_TARGET, NORM_SCALE, 3, 0};
    toy_trace tr;
    ts_abc *a = toy_run(&cfg, &t, &tr);
    assert_int_equal(ts_abc_stop_reason(a), TS_ABC_STOP_FAILED);
    assert_int_equal(ts_abc_generation(a), 1);
    assert_int_equal(ts_abc_runs(a), 40);
    assert_int_equal(ts_abc_n_kept(a), 0);
    assert_true(ts_abc_acceptance(a)[0] == 0.0);
    assert_true(isinf(ts_abc_epsilons(a)[0]));
    ts_abc_summary sum;
    ts_error err;
    assert_int_equal(ts_abc_summarize(a, 0.9, &sum, &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "no simulation produced"));
    size_t n = 7;
    const double *pts = NULL;
    assert_int_equal(ts_abc_ask(a, &n, &pts, &err), TS_OK);
    assert_int_equal(n, 0);
    assert_null(pts);
    ts_abc_free(a);
}

/* ---- Determinism --------------------------------------------------------------------------- */

static void test_determinism_any_order(void **state) {
    (void)state;
    const double low[] = {-10.0, 0.0}, high[] = {10.0, 1.0};
    ts_abc_config cfg;
    norm_config(&cfg, low, high, 2, 0x5eed);
    cfg.n_particles = 300;
    ts_abc *runs[4];
    toy_trace tr;
    for (int o = 0; o < 3; o++) {
        toy t = {norm_model_2, 1, NORM_TARGET, NORM_SCALE, 77, o};
        runs[o] = toy_run(&cfg, &t, &tr);
    }
    cfg.seed = 0x5eee;
    toy t = {norm_model_2, 1, NORM_TARGET, NORM_SCALE, 77, 0};
    runs[3] = toy_run(&cfg, &t, &tr);
    const ts_abc *a = runs[0];
    size_t m = ts_abc_n_kept(a), g = ts_abc_generation(a);
    for (int o = 1; o < 3; o++) {
        const ts_abc *b = runs[o];
        assert_int_equal(ts_abc_n_kept(b), m);
        assert_int_equal(ts_abc_generation(b), g);
        assert_memory_equal(ts_abc_particles(a), ts_abc_particles(b), m * 2 * sizeof(double));
        assert_memory_equal(ts_abc_weights(a), ts_abc_weights(b), m * sizeof(double));
        assert_memory_equal(ts_abc_distances(a), ts_abc_distances(b), m * sizeof(double));
        assert_memory_equal(ts_abc_epsilons(a), ts_abc_epsilons(b), g * sizeof(double));
        assert_memory_equal(ts_abc_acceptance(a), ts_abc_acceptance(b), g * sizeof(double));
    }
    /* Another seed, other particles. */
    assert_memory_not_equal(ts_abc_particles(a), ts_abc_particles(runs[3]), m * 2 * sizeof(double));
    for (int o = 0; o < 4; o++) {
        ts_abc_free(runs[o]);
    }
}

/* Generation 0's point j is the prior draw of stream (seed, j, 0, TS_ABC_STREAM), so it can be
 * recomputed alone; asking twice gives the same batch. */
static void test_prior_batch_known_answer(void **state) {
    (void)state;
    const double low[] = {-3.14, 0.2, 1.0}, high[] = {3.14, 1.7, 6.0};
    const int integer[] = {0, 0, 1};
    ts_abc_config cfg;
    ts_abc_config_init(&cfg);
    cfg.k = 3;
    cfg.low = low;
    cfg.high = high;
    cfg.integer = integer;
    cfg.n_particles = 2000;
    cfg.max_runs = 3000;
    cfg.seed = 0x3717;
    ts_abc *a;
    ts_error err;
    assert_int_equal(ts_abc_create(&cfg, &a, &err), TS_OK);
    assert_int_equal(ts_abc_n_params(a), 3);
    size_t n, n2;
    const double *pts, *pts2;
    assert_int_equal(ts_abc_ask(a, &n, &pts, &err), TS_OK);
    assert_int_equal(ts_abc_ask(a, &n2, &pts2, &err), TS_OK);
    assert_int_equal(n, 2000);
    assert_true(n2 == n && pts2 == pts);
    size_t count[6] = {0};
    for (size_t j = 0; j < n; j++) {
        ts_rng r;
        ts_rng_init(&r, 0x3717, (uint32_t)j, 0, TS_ABC_STREAM);
        double u0 = ts_rng_uniform(&r), u1 = ts_rng_uniform(&r), u2 = ts_rng_uniform(&r);
        assert_true(pts[j * 3] == -3.14 + u0 * 6.28);
        assert_true(pts[j * 3 + 1] == 0.2 + u1 * (1.7 - 0.2));
        /* The integer's latent is uniform on [0.5, 6.5), rounded. */
        assert_true(pts[j * 3 + 2] == floor(0.5 + u2 * 6.0 + 0.5));
        assert_true(pts[j * 3 + 2] >= 1.0 && pts[j * 3 + 2] <= 6.0);
        count[(size_t)pts[j * 3 + 2] - 1]++;
    }
    /* Discrete uniform: 333 each, sd 16.7. */
    for (size_t v = 0; v < 6; v++) {
        assert_in_range(count[v], 263, 403);
    }
    ts_abc_free(a);
}

/* ---- Budget and stop reasons --------------------------------------------------------------- */

static void test_budget_never_exceeded(void **state) {
    (void)state;
    const double low[] = {-10.0}, high[] = {10.0};
    /* p_acc_min = 0: only the budget stops the run. 3333 runs hold 200 + 31 x 100. */
    const size_t budgets[] = {3333, 3300, 300, 399};
    const size_t expect_runs[] = {3300, 3300, 300, 300};
    for (size_t b = 0; b < 4; b++) {
        ts_abc_config cfg;
        norm_config(&cfg, low, high, 1, 40 + b);
        cfg.n_particles = 200;
        cfg.p_acc_min = 0.0;
        cfg.max_runs = budgets[b];
        toy t = {norm_model, 1, NORM_TARGET, NORM_SCALE, 41, 0};
        toy_trace tr;
        ts_abc *a = toy_run(&cfg, &t, &tr);
        assert_int_equal(ts_abc_stop_reason(a), TS_ABC_STOP_BUDGET);
        assert_int_equal(ts_abc_runs(a), expect_runs[b]);
        assert_int_equal(tr.points_asked, expect_runs[b]);
        assert_int_equal(tr.generations, 1 + (expect_runs[b] - 200) / 100);
        ts_abc_free(a);
    }
}

/* Proposals that cannot land in the box: eight parameters crowded into a corner of [0, 1]^8
 * (the distance is their norm) and one kernel draw allowed per proposal. */
static void corner_model(const double *theta, ts_rng *r, double *stats) {
    (void)r;
    memcpy(stats, theta, 8 * sizeof *stats);
}

static void test_kernel_exhausted(void **state) {
    (void)state;
    double low[8], high[8], zero[8], one[8];
    for (size_t i = 0; i < 8; i++) {
        low[i] = zero[i] = 0.0;
        high[i] = one[i] = 1.0;
    }
    const uint64_t seeds[] = {1, 2, 3};
    for (size_t s = 0; s < 3; s++) {
        ts_abc_config cfg;
        norm_config(&cfg, low, high, 8, seeds[s]);
        cfg.n_particles = 100;
        cfg.max_draws = 1;
        ts_abc *a;
        ts_error err;
        assert_int_equal(ts_abc_create(&cfg, &a, &err), TS_OK);
        ts_status st = TS_OK;
        double dist[100], stats[8];
        while (st == TS_OK && !ts_abc_done(a)) {
            size_t n;
            const double *pts;
            st = ts_abc_ask(a, &n, &pts, &err);
            for (size_t j = 0; st == TS_OK && j < n; j++) {
                corner_model(pts + 8 * j, NULL, stats);
                dist[j] = ts_abc_distance(8, stats, zero, one);
            }
            if (st == TS_OK) {
                assert_int_equal(ts_abc_tell(a, dist, &err), TS_OK);
            }
        }
        assert_int_equal(st, TS_ERR_INTERNAL);
        assert_non_null(strstr(err.msg, "1 kernel draws all fell outside the prior box"));
        assert_true(ts_abc_done(a));
        assert_int_equal(ts_abc_stop_reason(a), TS_ABC_STOP_KERNEL);
        /* The last generation's particles stay readable. */
        assert_int_equal(ts_abc_n_kept(a), 50);
        ts_abc_summary sum[8];
        assert_int_equal(ts_abc_summarize(a, 0.9, sum, &err), TS_OK);
        assert_true(sum[0].mean < 0.5);
        size_t n = 1;
        const double *pts;
        assert_int_equal(ts_abc_ask(a, &n, &pts, &err), TS_OK);
        assert_int_equal(n, 0);
        ts_abc_free(a);
    }
}

/* ---- Integer parameters -------------------------------------------------------------------
 *
 * theta1 in {1, ..., 20} (discrete uniform), theta2 in [-1, 1]; statistics: the mean of 4
 * observations Normal(theta1, 1) (sd 0.5) and theta2 + Normal(0, 0.1). Targets 7.3 and 0.25 with
 * their sds as scales. The posterior of theta1 is proportional to exp(-(m - 7.3)^2 / (2 0.25)):
 * 0.6694 at 7, 0.3008 at 8, 0.0273 at 6, 0.0025 at 9; mean 7.2784. theta2's is Normal(0.25,
 * 0.1^2). */

static void int_model(const double *theta, ts_rng *r, double *stats) {
    double s = 0.0;
    for (int i = 0; i < 4; i++) {
        s += theta[0] + gsl_ran_ugaussian(ts_rng_gsl(r));
    }
    stats[0] = s / 4.0;
    stats[1] = theta[1] + 0.1 * gsl_ran_ugaussian(ts_rng_gsl(r));
}

static void test_integer_parameter(void **state) {
    (void)state;
    const double low[] = {1.0, -1.0}, high[] = {20.0, 1.0};
    const int integer[] = {1, 0};
    const double targets[] = {7.3, 0.25}, scales[] = {0.5, 0.1};
    double pmf[21] = {0}, z = 0.0, truth_mean = 0.0;
    for (int v = 1; v <= 20; v++) {
        pmf[v] = exp(-(v - 7.3) * (v - 7.3) / 0.5);
        z += pmf[v];
    }
    for (int v = 1; v <= 20; v++) {
        pmf[v] /= z;
        truth_mean += v * pmf[v];
    }
    assert_float_equal(pmf[7], 0.6694, 1e-4);
    assert_float_equal(truth_mean, 7.2784, 1e-4);
    const uint64_t seeds[] = {8, 9, 10};
    for (size_t s = 0; s < 3; s++) {
        ts_abc_config cfg;
        norm_config(&cfg, low, high, 2, seeds[s]);
        cfg.integer = integer;
        toy t = {int_model, 2, targets, scales, seeds[s] + 100, 0};
        toy_trace tr;
        ts_abc *a = toy_run(&cfg, &t, &tr);
        const double *x = ts_abc_particles(a), *w = ts_abc_weights(a);
        double got[21] = {0};
        for (size_t p = 0; p < ts_abc_n_kept(a); p++) {
            double v = x[2 * p];
            assert_true(v == floor(v) && v >= 1.0 && v <= 20.0);
            got[(int)v] += w[p];
        }
        ts_abc_summary sum[2];
        ts_error err;
        assert_int_equal(ts_abc_summarize(a, 0.9, sum, &err), TS_OK);
        print_message("integer, seed %llu: %zu runs; P(6) %.3f (%.3f), P(7) %.3f (%.3f), P(8) %.3f "
                      "(%.3f), mean "
                      "%.4f (%.4f), 90 %% [%g, %g]; theta2 mean %.4f sd %.4f (0.25, 0.1)\n",
                      (unsigned long long)seeds[s], ts_abc_runs(a), got[6], pmf[6], got[7], pmf[7],
                      got[8], pmf[8], sum[0].mean, truth_mean, sum[0].low, sum[0].high, sum[1].mean,
                      sum[1].sd);
        assert_float_equal(got[7], pmf[7], 0.08);
        assert_float_equal(got[8], pmf[8], 0.08);
        assert_float_equal(sum[0].mean, truth_mean, 0.08);
        /* Quantiles of an integer are integers: 7 and 8 for the exact posterior, but its mass
         * below 7 (0.028) is close enough to 5 % for the ABC posterior's to reach it. */
        assert_true((sum[0].low == 6.0 || sum[0].low == 7.0) && sum[0].high == 8.0);
        /* The discrete uniform's sd over 20 values: sqrt(399 / 12). */
        assert_float_equal(sum[0].prior_sd, sqrt(399.0 / 12.0), 1e-12);
        assert_float_equal(sum[1].mean, 0.25, 0.02);
        assert_float_equal(sum[1].sd, 0.1, 0.02);
        ts_abc_free(a);
    }
}

/* ---- Summaries and the distance ------------------------------------------------------------ */

static void test_weighted_mean_and_quantile(void **state) {
    (void)state;
    /* Sorted: 1 (0.2), 2 (0.3), 3 (0.1), 5 (0.4); cumulative 0.2, 0.5, 0.6, 1.0. As the second
     * column of a 4 x 2 matrix, to use the stride. */
    const double x[] = {9.0, 3.0, 9.0, 1.0, 9.0, 2.0, 9.0, 5.0};
    const double w[] = {0.1, 0.2, 0.3, 0.4};
    double q;
    ts_error err;
    assert_float_equal(ts_abc_weighted_mean(4, x + 1, 2, w), 3.1, 1e-12);
    const double qs[] = {0.0, 0.05, 0.45, 0.55, 0.95, 1.0};
    const double want[] = {1.0, 1.0, 2.0, 3.0, 5.0, 5.0};
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(ts_abc_weighted_quantile(4, x + 1, 2, w, qs[i], &q, &err), TS_OK);
        assert_true(q == want[i]);
    }
    /* Weights need not sum to 1; a value of weight 0 is never a quantile. */
    const double x2[] = {0.3717, 2.0, 4.0}, w2[] = {0.0, 3.0, 1.0};
    assert_float_equal(ts_abc_weighted_mean(3, x2, 1, w2), 2.5, 1e-12);
    assert_int_equal(ts_abc_weighted_quantile(3, x2, 1, w2, 0.0, &q, &err), TS_OK);
    assert_true(q == 2.0);
    assert_int_equal(ts_abc_weighted_quantile(3, x2, 1, w2, 0.76, &q, &err), TS_OK);
    assert_true(q == 4.0);
    assert_true(isnan(ts_abc_weighted_mean(0, x2, 1, w2)));
    const double zero[] = {0.0, 0.0, 0.0}, neg[] = {0.5, -0.1, 0.6};
    assert_true(isnan(ts_abc_weighted_mean(3, x2, 1, zero)));
    /* Errors. */
    assert_int_equal(ts_abc_weighted_quantile(0, x2, 1, w2, 0.5, &q, &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "no values"));
    assert_int_equal(ts_abc_weighted_quantile(3, x2, 1, w2, 1.5, &q, &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "q in [0, 1]"));
    assert_int_equal(ts_abc_weighted_quantile(3, x2, 1, w2, NAN, &q, &err), TS_ERR_PARAM);
    assert_int_equal(ts_abc_weighted_quantile(3, x2, 1, neg, 0.5, &q, &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "value 1 is 2 with weight -0.1"));
    assert_int_equal(ts_abc_weighted_quantile(3, x2, 1, zero, 0.5, &q, &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "sum to 0"));
}

static void test_distance(void **state) {
    (void)state;
    /* ((0.3717 - 0.4) / 0.05)^2 + ((12.5 - 10) / 2)^2 = 0.320356 + 1.5625 = 1.882856. */
    const double stats[] = {0.3717, 12.5}, targets[] = {0.4, 10.0}, scales[] = {0.05, 2.0};
    assert_float_equal(ts_abc_distance(2, stats, targets, scales), sqrt(1.882856), 1e-12);
    assert_float_equal(ts_abc_distance(2, stats, targets, scales), 1.3721720, 1e-7);
    assert_true(ts_abc_distance(0, stats, targets, scales) == 0.0);
    const double nan_stats[] = {0.3717, NAN}, inf_stats[] = {INFINITY, 1.0};
    assert_true(isnan(ts_abc_distance(2, nan_stats, targets, scales)));
    assert_true(isinf(ts_abc_distance(2, inf_stats, targets, scales)));
    const double bad_scales[] = {0.05, 0.0};
    assert_true(isnan(ts_abc_distance(2, stats, targets, bad_scales)));
}

static void test_counts_and_messages(void **state) {
    (void)state;
    assert_int_equal(ts_abc_n_alpha(200, 0.5), 100);
    assert_int_equal(ts_abc_n_alpha(7, 0.3717), 2);
    assert_int_equal(ts_abc_n_alpha(200, 1.0), 0);
    assert_int_equal(ts_abc_n_alpha(200, NAN), 0);
    assert_int_equal(ts_abc_min_runs(200, 0.5), 300);
    assert_int_equal(ts_abc_min_runs(1000, 0.3717), 1629);
    assert_int_equal(ts_abc_min_runs(SIZE_MAX, 0.5), 0);
    for (int s = TS_ABC_RUNNING; s <= TS_ABC_STOP_KERNEL; s++) {
        assert_true(strlen(ts_abc_stop_message((ts_abc_stop)s)) > 10);
    }
    assert_string_equal(ts_abc_stop_message((ts_abc_stop)99), "unknown");
}

/* ---- Errors -------------------------------------------------------------------------------- */

static void expect_config_error(const ts_abc_config *cfg, const char *want) {
    ts_abc *a = (ts_abc *)1;
    ts_error err;
    ts_error_clear(&err);
    assert_int_equal(ts_abc_create(cfg, &a, &err), TS_ERR_PARAM);
    assert_null(a);
    assert_int_equal(err.status, TS_ERR_PARAM);
    if (!strstr(err.msg, want)) {
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
    }
}

static void test_bad_configs(void **state) {
    (void)state;
    const double low[] = {0.0, 1.0}, high[] = {1.0, 5.0};
    const int integer[] = {0, 1};
    ts_abc_config good;
    ts_abc_config_init(&good);
    assert_float_equal(good.alpha, 0.5, 0.0);
    assert_float_equal(good.p_acc_min, 0.05, 0.0);
    good.k = 2;
    good.low = low;
    good.high = high;
    good.integer = integer;
    good.n_particles = 100;
    good.max_runs = 150;
    ts_error err;
    assert_int_equal(ts_abc_config_check(&good, &err), TS_OK);

    ts_abc_config c = good;
    c.k = 0;
    expect_config_error(&c, "k: got 0 parameters (expected 1 to 64)");
    c.k = 65;
    expect_config_error(&c, "k: got 65");
    c = good;
    c.low = NULL;
    expect_config_error(&c, "low, high: missing");
    const double rev_high[] = {1.0, 0.5}, nan_low[] = {NAN, 1.0}, frac_high[] = {1.0, 5.5};
    const double huge_high[] = {1.0, 1e300};
    c = good;
    c.high = rev_high;
    expect_config_error(&c, "low[1], high[1]: got [1, 0.5] (expected finite bounds with low < "
                            "high)");
    c = good;
    c.low = nan_low;
    expect_config_error(&c, "low[0], high[0]: got [nan, 1]");
    c = good;
    c.high = frac_high;
    expect_config_error(&c, "for an integer parameter (expected integers");
    c.high = huge_high;
    expect_config_error(&c, "for an integer parameter");
    c.integer = NULL; /* the same bounds are fine for a continuous parameter */
    assert_int_equal(ts_abc_config_check(&c, &err), TS_OK);
    c = good;
    c.alpha = 0.0;
    expect_config_error(&c, "alpha: got 0 (expected a number in (0, 1))");
    c.alpha = 1.0;
    expect_config_error(&c, "alpha: got 1");
    c.alpha = NAN;
    expect_config_error(&c, "alpha: got nan");
    c = good;
    c.n_particles = 5; /* keeps 2 < k + 1 */
    expect_config_error(&c, "n_particles: got 5 with alpha 0.5, which keeps 2");
    c.n_particles = 0;
    expect_config_error(&c, "n_particles: got 0");
    c.n_particles = TS_ABC_MAX_PARTICLES + 1;
    expect_config_error(&c, "n_particles: got 100001 (expected at most 100000)");
    c = good;
    c.p_acc_min = -0.1;
    expect_config_error(&c, "p_acc_min: got -0.1 (expected a number in [0, 1))");
    c.p_acc_min = 1.0;
    expect_config_error(&c, "p_acc_min: got 1");
    c = good;
    c.max_runs = 149;
    expect_config_error(&c, "max_runs: got 149 (expected at least N + (N - N_alpha) = 150");
    c.max_runs = SIZE_MAX;
    expect_config_error(&c, "fewer than 2^32 - 1 generations");
    /* Without an error object, the status alone. */
    ts_abc *a;
    c.max_runs = 10;
    assert_int_equal(ts_abc_create(&c, &a, NULL), TS_ERR_PARAM);
}

static void test_call_order(void **state) {
    (void)state;
    const double low[] = {-10.0}, high[] = {10.0};
    ts_abc_config cfg;
    norm_config(&cfg, low, high, 1, 1);
    cfg.n_particles = 10;
    cfg.max_runs = 15;
    ts_abc *a;
    ts_error err;
    assert_int_equal(ts_abc_create(&cfg, &a, &err), TS_OK);
    double dist[10];
    for (size_t j = 0; j < 10; j++) {
        dist[j] = 0.3717 * (double)j;
    }
    /* A tell before any ask. */
    assert_int_equal(ts_abc_tell(a, dist, &err), TS_ERR_INTERNAL);
    assert_non_null(strstr(err.msg, "call ts_abc_ask first"));
    assert_int_equal(ts_abc_n_kept(a), 0);
    assert_int_equal(ts_abc_summarize(a, 0.9, NULL, &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "nothing was told yet"));
    size_t n;
    const double *pts;
    assert_int_equal(ts_abc_ask(a, &n, &pts, &err), TS_OK);
    assert_int_equal(n, 10);
    /* A negative distance: refused, the state unchanged, then told again corrected. */
    dist[3] = -0.5;
    assert_int_equal(ts_abc_tell(a, dist, &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "distance 3 of generation 0: got -0.5"));
    dist[3] = -INFINITY;
    assert_int_equal(ts_abc_tell(a, dist, &err), TS_ERR_PARAM);
    assert_int_equal(ts_abc_generation(a), 0);
    dist[3] = 0.3717 * 3.0;
    dist[4] = INFINITY;
    assert_int_equal(ts_abc_tell(a, dist, &err), TS_OK);
    assert_int_equal(ts_abc_generation(a), 1);
    assert_true(ts_abc_acceptance(a)[0] == 0.9);
    /* Kept: the 5 smallest finite, 0 1 2 3 5, so epsilon is distance 5. */
    assert_int_equal(ts_abc_n_kept(a), 5);
    assert_true(ts_abc_epsilons(a)[0] == 0.3717 * 5.0);
    assert_true(ts_abc_distances(a)[4] == 0.3717 * 5.0);
    /* A second tell without a new ask. */
    assert_int_equal(ts_abc_tell(a, dist, &err), TS_ERR_INTERNAL);
    /* Generation 1 (5 runs) fits the budget of 15 exactly; no third. Its proposals tie with
     * the kept particles at distance 0.3717: the kept ones come first. */
    assert_false(ts_abc_done(a));
    assert_int_equal(ts_abc_ask(a, &n, &pts, &err), TS_OK);
    assert_int_equal(n, 5);
    for (size_t j = 0; j < 5; j++) {
        dist[j] = 0.3717;
    }
    assert_int_equal(ts_abc_tell(a, dist, &err), TS_OK);
    assert_true(ts_abc_done(a));
    assert_int_equal(ts_abc_stop_reason(a), TS_ABC_STOP_BUDGET);
    assert_int_equal(ts_abc_runs(a), 15);
    /* 0, 0.3717 (kept), then the five new at 0.3717 before the kept 0.7434. */
    const double *d = ts_abc_distances(a);
    assert_true(d[0] == 0.0 && d[1] == 0.3717 && d[4] == 0.3717);
    /* Proposals at distance 0.3717 are below epsilon 1.8585: all accepted. */
    assert_true(ts_abc_acceptance(a)[1] == 1.0);
    assert_int_equal(ts_abc_ask(a, &n, &pts, &err), TS_OK);
    assert_int_equal(n, 0);
    ts_abc_summary sum;
    assert_int_equal(ts_abc_summarize(a, 0.0, &sum, &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "level: got 0"));
    assert_int_equal(ts_abc_summarize(a, 1.0, &sum, &err), TS_ERR_PARAM);
    ts_abc_free(a);
    ts_abc_free(NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normal_mean_posterior),
        cmocka_unit_test(test_unidentifiable_parameter),
        cmocka_unit_test(test_failed_simulations_are_never_kept),
        cmocka_unit_test(test_all_failed),
        cmocka_unit_test(test_determinism_any_order),
        cmocka_unit_test(test_prior_batch_known_answer),
        cmocka_unit_test(test_budget_never_exceeded),
        cmocka_unit_test(test_kernel_exhausted),
        cmocka_unit_test(test_integer_parameter),
        cmocka_unit_test(test_weighted_mean_and_quantile),
        cmocka_unit_test(test_distance),
        cmocka_unit_test(test_counts_and_messages),
        cmocka_unit_test(test_bad_configs),
        cmocka_unit_test(test_call_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
