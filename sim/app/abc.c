/* Adaptive population Monte Carlo ABC (abc.h): the kept particles, their kernel, the batch of
 * proposals and the history of one calibration run. GSL supplies the multivariate normal draws
 * and the triangular solves; sim/maths/rng.h the random streams. The Cholesky factor is computed
 * here rather than by gsl_linalg_cholesky_decomp1, whose failure on a matrix that is not positive
 * definite goes through GSL's error handler (by default an abort), which library code must not
 * risk; the ridge makes that failure all but impossible, and here it is a status. */
#include "abc.h"

#include "rng.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_vector.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The ridge added to the kernel's diagonal, as a share of each parameter's prior width. */
#define TS_ABC_RIDGE 1e-6

/* A candidate for the kept set: its distance and its position (kept particles first, in their
 * order, then the batch in its order), which breaks ties. */
typedef struct abc_cand {
    double d;
    size_t pos;
} abc_cand;

struct ts_abc {
    size_t k, n, n_alpha, n_new; /* parameters, N, N_alpha, N - N_alpha */
    size_t max_runs, max_draws;
    double p_acc_min;
    uint64_t seed;
    double *low, *high; /* k: the prior bounds as given (owned) */
    double *lo, *hi;    /* k: the latent box, integers widened by 1/2 on each side (owned) */
    int *integer;       /* k (owned) */
    double log_prior;   /* log density of the latent uniform prior */

    /* The kept particles, sorted by distance (each array owned, room for N_alpha rows). */
    size_t n_kept;
    double *u;    /* latent values, N_alpha x k */
    double *x;    /* values as simulated, N_alpha x k */
    double *logw; /* log weights, unnormalised */
    double *w;    /* weights normalised to sum 1 */
    double *cw;   /* cumulative sums of w, for picking a particle */
    double *d;    /* distances */

    /* The kernel of the next proposals (owned): its lower Cholesky factor L (k x k, zeros
     * above the diagonal), the log of its normalising constant, and z_p = L^-1 u_p. */
    double *chol;
    double log_norm;
    double *z;

    /* The batch (owned, room for N rows). */
    int batch_ready;
    size_t n_batch;
    double *bu, *bx, *blogw;

    /* Scratch (owned): the merge's candidates (N_alpha + N), the next kept set's arrays, and
     * k (k + 2) doubles for the covariance, the mean and one solved vector. */
    abc_cand *cand;
    double *su, *sx, *slogw, *sd;
    double *terms; /* N_alpha: the log terms of one mixture density */
    double *work;

    /* History, one entry per generation told (owned, grown as needed). */
    double *eps, *acc;
    size_t n_gen, n_hist;
    size_t runs;
    ts_abc_stop stop;
};

/* ---- Configuration ----------------------------------------------------------------------- */

void ts_abc_config_init(ts_abc_config *cfg) {
    memset(cfg, 0, sizeof *cfg);
    cfg->alpha = TS_ABC_DEFAULT_ALPHA;
    cfg->p_acc_min = TS_ABC_DEFAULT_P_ACC_MIN;
}

size_t ts_abc_n_alpha(size_t n_particles, double alpha) {
    if (!(alpha > 0.0 && alpha < 1.0)) {
        return 0;
    }
    return (size_t)floor(alpha * (double)n_particles);
}

size_t ts_abc_min_runs(size_t n_particles, double alpha) {
    if (n_particles > SIZE_MAX / 2) {
        return 0;
    }
    return n_particles + (n_particles - ts_abc_n_alpha(n_particles, alpha));
}

/* The prior bounds of parameter i. */
static ts_status abc_check_bounds(const ts_abc_config *cfg, size_t i, ts_error *err) {
    double lo = cfg->low[i], hi = cfg->high[i];
    if (!isfinite(lo) || !isfinite(hi) || !(lo < hi)) {
        return ts_error_set(err, TS_ERR_PARAM,
                            "abc: low[%zu], high[%zu]: got [%g, %g] (expected finite bounds with "
                            "low < high)",
                            i, i, lo, hi);
    }
    /* Beyond 2^52 a double no longer holds every half-integer the latent needs. */
    if (cfg->integer && cfg->integer[i] &&
        (lo != floor(lo) || hi != floor(hi) || fabs(lo) > 0x1p52 || fabs(hi) > 0x1p52)) {
        return ts_error_set(err, TS_ERR_PARAM,
                            "abc: low[%zu], high[%zu]: got [%.17g, %.17g] for an integer parameter "
                            "(expected integers of magnitude at most 2^52)",
                            i, i, lo, hi);
    }
    return TS_OK;
}

ts_status ts_abc_config_check(const ts_abc_config *cfg, ts_error *err) {
    if (cfg->k < 1 || cfg->k > TS_ABC_MAX_PARAMS) {
        return ts_error_set(err, TS_ERR_PARAM, "abc: k: got %zu parameters (expected 1 to %d)",
                            cfg->k, TS_ABC_MAX_PARAMS);
    }
    if (!cfg->low || !cfg->high) {
        return ts_error_set(err, TS_ERR_PARAM,
                            "abc: low, high: missing (expected k = %zu prior bounds each)", cfg->k);
    }
    for (size_t i = 0; i < cfg->k; i++) {
        ts_status st = abc_check_bounds(cfg, i, err);
        if (st != TS_OK) {
            return st;
        }
    }
    if (!(cfg->alpha > 0.0 && cfg->alpha < 1.0)) {
        return ts_error_set(err, TS_ERR_PARAM, "abc: alpha: got %g (expected a number in (0, 1))",
                            cfg->alpha);
    }
    if (cfg->n_particles > TS_ABC_MAX_PARTICLES) {
        return ts_error_set(err, TS_ERR_PARAM, "abc: n_particles: got %zu (expected at most %d)",
                            cfg->n_particles, TS_ABC_MAX_PARTICLES);
    }
    size_t n_alpha = ts_abc_n_alpha(cfg->n_particles, cfg->alpha);
    if (n_alpha < cfg->k + 1 || n_alpha >= cfg->n_particles) {
        return ts_error_set(err, TS_ERR_PARAM,
                            "abc: n_particles: got %zu with alpha %g, which keeps %zu (expected "
                            "floor(alpha N) between k + 1 = %zu, for a kernel covariance in every "
                            "direction, and N - 1)",
                            cfg->n_particles, cfg->alpha, n_alpha, cfg->k + 1);
    }
    if (!(cfg->p_acc_min >= 0.0 && cfg->p_acc_min < 1.0)) {
        return ts_error_set(err, TS_ERR_PARAM,
                            "abc: p_acc_min: got %g (expected a number in [0, 1))", cfg->p_acc_min);
    }
    size_t min_runs = ts_abc_min_runs(cfg->n_particles, cfg->alpha);
    if (cfg->max_runs < min_runs) {
        return ts_error_set(err, TS_ERR_PARAM,
                            "abc: max_runs: got %zu (expected at least N + (N - N_alpha) = %zu, "
                            "the runs of two generations)",
                            cfg->max_runs, min_runs);
    }
    /* Generations are counted in 32 bits (they key the random streams). */
    if ((cfg->max_runs - cfg->n_particles) / (cfg->n_particles - n_alpha) >= UINT32_MAX) {
        return ts_error_set(err, TS_ERR_PARAM,
                            "abc: max_runs: got %zu (expected fewer than 2^32 - 1 generations)",
                            cfg->max_runs);
    }
    return TS_OK;
}

/* ---- Lifecycle --------------------------------------------------------------------------- */

static double *abc_doubles(size_t n) {
    return malloc((n ? n : 1) * sizeof(double));
}

ts_status ts_abc_create(const ts_abc_config *cfg, ts_abc **out, ts_error *err) {
    *out = NULL;
    ts_status st = ts_abc_config_check(cfg, err);
    if (st != TS_OK) {
        return st;
    }
    ts_abc *a = calloc(1, sizeof *a);
    if (!a) {
        return ts_error_set(err, TS_ERR_NOMEM, "abc: out of memory");
    }
    const size_t k = cfg->k, n = cfg->n_particles;
    a->k = k;
    a->n = n;
    a->n_alpha = ts_abc_n_alpha(n, cfg->alpha);
    a->n_new = n - a->n_alpha;
    a->max_runs = cfg->max_runs;
    a->max_draws = cfg->max_draws ? cfg->max_draws : TS_ABC_DEFAULT_MAX_DRAWS;
    a->p_acc_min = cfg->p_acc_min;
    a->seed = cfg->seed;
    a->low = abc_doubles(k);
    a->high = abc_doubles(k);
    a->lo = abc_doubles(k);
    a->hi = abc_doubles(k);
    a->integer = calloc(k, sizeof *a->integer);
    a->u = abc_doubles(a->n_alpha * k);
    a->x = abc_doubles(a->n_alpha * k);
    a->logw = abc_doubles(a->n_alpha);
    a->w = abc_doubles(a->n_alpha);
    a->cw = abc_doubles(a->n_alpha);
    a->d = abc_doubles(a->n_alpha);
    a->chol = abc_doubles(k * k);
    a->z = abc_doubles(a->n_alpha * k);
    a->bu = abc_doubles(n * k);
    a->bx = abc_doubles(n * k);
    a->blogw = abc_doubles(n);
    a->cand = malloc((a->n_alpha + n) * sizeof *a->cand);
    a->su = abc_doubles(a->n_alpha * k);
    a->sx = abc_doubles(a->n_alpha * k);
    a->slogw = abc_doubles(a->n_alpha);
    a->sd = abc_doubles(a->n_alpha);
    a->work = abc_doubles(k * (k + 2));
    a->terms = abc_doubles(a->n_alpha);
    if (!a->low || !a->high || !a->lo || !a->hi || !a->integer || !a->u || !a->x || !a->logw ||
        !a->w || !a->cw || !a->d || !a->chol || !a->z || !a->bu || !a->bx || !a->blogw ||
        !a->cand || !a->su || !a->sx || !a->slogw || !a->sd || !a->work || !a->terms) {
        ts_abc_free(a);
        return ts_error_set(err, TS_ERR_NOMEM, "abc: out of memory");
    }
    a->log_prior = 0.0;
    for (size_t i = 0; i < k; i++) {
        a->low[i] = cfg->low[i];
        a->high[i] = cfg->high[i];
        a->integer[i] = cfg->integer ? cfg->integer[i] != 0 : 0;
        double half = a->integer[i] ? 0.5 : 0.0;
        a->lo[i] = cfg->low[i] - half;
        a->hi[i] = cfg->high[i] + half;
        a->log_prior -= log(a->hi[i] - a->lo[i]);
    }
    *out = a;
    return TS_OK;
}

void ts_abc_free(ts_abc *a) {
    if (!a) {
        return;
    }
    double *arrays[] = {a->low, a->high,  a->lo, a->hi,   a->u,     a->x,   a->logw,  a->w,
                        a->cw,  a->d,     a->z,  a->chol, a->bu,    a->bx,  a->blogw, a->su,
                        a->sx,  a->slogw, a->sd, a->work, a->terms, a->eps, a->acc};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++) {
        free(arrays[i]);
    }
    free(a->integer);
    free(a->cand);
    free(a);
}

/* ---- Asking ------------------------------------------------------------------------------ */

/* The value the model sees for latent u of parameter i. */
static double abc_value(const ts_abc *a, size_t i, double u) {
    if (!a->integer[i]) {
        return u;
    }
    /* u < high + 1/2, but a rounding of the prior draw could still reach it. */
    return fmin(floor(u + 0.5), a->high[i]);
}

/* Is the latent point u inside the prior box? Integer latents exclude the top end, which
 * would round past high. */
static int abc_inside(const ts_abc *a, const double *u) {
    for (size_t i = 0; i < a->k; i++) {
        if (!(u[i] >= a->lo[i] && (a->integer[i] ? u[i] < a->hi[i] : u[i] <= a->hi[i]))) {
            return 0;
        }
    }
    return 1;
}

/* Generation 0: N points from the prior, each of weight 1. */
static void abc_ask_prior(ts_abc *a) {
    for (size_t j = 0; j < a->n; j++) {
        ts_rng r;
        ts_rng_init(&r, a->seed, (uint32_t)j, 0, TS_ABC_STREAM);
        for (size_t i = 0; i < a->k; i++) {
            double u = a->lo[i] + ts_rng_uniform(&r) * (a->hi[i] - a->lo[i]);
            a->bu[j * a->k + i] = u;
            a->bx[j * a->k + i] = abc_value(a, i, u);
        }
        a->blogw[j] = 0.0;
    }
    a->n_batch = a->n;
}

/* A kept particle with probability its normalised weight: inverse CDF by bisection. */
static size_t abc_pick(const ts_abc *a, gsl_rng *g) {
    double target = gsl_rng_uniform(g) * a->cw[a->n_kept - 1];
    size_t lo = 0, hi = a->n_kept - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a->cw[mid] > target) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return lo;
}

/* The log density of the (unrestricted) proposal mixture at the latent point u:
 * log sum_p wbar_p K(u | u_p), by log-sum-exp over the kept particles. Uses work[k (k + 1)..]. */
static double abc_log_mixture(const ts_abc *a, const double *u) {
    const size_t k = a->k;
    double *y = a->work + k * (k + 1);
    memcpy(y, u, k * sizeof *y);
    gsl_matrix_const_view L = gsl_matrix_const_view_array(a->chol, k, k);
    gsl_vector_view yv = gsl_vector_view_array(y, k);
    gsl_blas_dtrsv(CblasLower, CblasNoTrans, CblasNonUnit, &L.matrix, &yv.vector);
    double best = -INFINITY, sum = 0.0;
    /* Two passes: the largest term first, so that no exponential overflows or all underflow. */
    for (size_t p = 0; p < a->n_kept; p++) {
        double q = 0.0;
        for (size_t i = 0; i < k; i++) {
            double e = y[i] - a->z[p * k + i];
            q += e * e;
        }
        double t = log(a->w[p]) - 0.5 * q;
        a->terms[p] = t;
        best = t > best ? t : best;
    }
    for (size_t p = 0; p < a->n_kept; p++) {
        sum += exp(a->terms[p] - best);
    }
    return a->log_norm + best + log(sum);
}

/* Generation g >= 1: N - N_alpha proposals moved from the kept particles, and their weights. */
static ts_status abc_ask_kernel(ts_abc *a, ts_error *err) {
    const size_t k = a->k, g = a->n_gen;
    gsl_matrix_const_view L = gsl_matrix_const_view_array(a->chol, k, k);
    size_t draws = 0;
    for (size_t j = 0; j < a->n_new; j++) {
        ts_rng r;
        ts_rng_init(&r, a->seed, (uint32_t)j, (uint32_t)g, TS_ABC_STREAM);
        double *u = a->bu + j * k;
        gsl_vector_view out = gsl_vector_view_array(u, k);
        size_t t = 0;
        int inside = 0;
        while (!inside && t < a->max_draws) {
            /* A particle anew on each draw: the proposal is the mixture restricted to the box,
             * whose normalisation is one number per generation (see abc.h). */
            size_t p = abc_pick(a, ts_rng_gsl(&r));
            gsl_vector_const_view mu = gsl_vector_const_view_array(a->u + p * k, k);
            gsl_ran_multivariate_gaussian(ts_rng_gsl(&r), &mu.vector, &L.matrix, &out.vector);
            inside = abc_inside(a, u);
            t++;
        }
        draws += t;
        if (!inside) {
            a->stop = TS_ABC_STOP_KERNEL;
            return ts_error_set(err, TS_ERR_INTERNAL,
                                "abc: proposal %zu of generation %zu: %zu kernel draws all fell "
                                "outside the prior box; the run stops with the particles of "
                                "generation %zu",
                                j, g, t, g - 1);
        }
        for (size_t i = 0; i < k; i++) {
            a->bx[j * k + i] = abc_value(a, i, u[i]);
        }
    }
    double log_z = log((double)a->n_new) - log((double)draws);
    for (size_t j = 0; j < a->n_new; j++) {
        a->blogw[j] = a->log_prior + log_z - abc_log_mixture(a, a->bu + j * k);
    }
    a->n_batch = a->n_new;
    return TS_OK;
}

ts_status ts_abc_ask(ts_abc *a, size_t *n, const double **points, ts_error *err) {
    *n = 0;
    *points = NULL;
    if (a->stop != TS_ABC_RUNNING) {
        return TS_OK;
    }
    if (!a->batch_ready) {
        if (a->n_gen == 0) {
            abc_ask_prior(a);
        } else {
            ts_status st = abc_ask_kernel(a, err);
            if (st != TS_OK) {
                return st;
            }
        }
        a->batch_ready = 1;
    }
    *n = a->n_batch;
    *points = a->bx;
    return TS_OK;
}

/* ---- Telling ----------------------------------------------------------------------------- */

static int abc_cand_cmp(const void *pa, const void *pb) {
    const abc_cand *ca = pa, *cb = pb;
    if (ca->d != cb->d) {
        return ca->d < cb->d ? -1 : 1;
    }
    return ca->pos < cb->pos ? -1 : ca->pos > cb->pos;
}

/* Lower Cholesky factor of the k x k matrix m into l (zeros above the diagonal); 0 when m is
 * not (numerically) positive definite. */
static int abc_cholesky(size_t k, const double *m, double *l) {
    memset(l, 0, k * k * sizeof *l);
    for (size_t j = 0; j < k; j++) {
        double s = m[j * k + j];
        for (size_t p = 0; p < j; p++) {
            s -= l[j * k + p] * l[j * k + p];
        }
        if (!(s > 0.0) || !isfinite(s)) {
            return 0;
        }
        l[j * k + j] = sqrt(s);
        for (size_t i = j + 1; i < k; i++) {
            double t = m[i * k + j];
            for (size_t p = 0; p < j; p++) {
                t -= l[i * k + p] * l[j * k + p];
            }
            l[i * k + j] = t / l[j * k + j];
        }
    }
    return 1;
}

/* Normalised weights, their cumulative sums and the kernel of the next proposals, from the
 * kept particles. */
static ts_status abc_kernel(ts_abc *a, ts_error *err) {
    const size_t k = a->k, m = a->n_kept;
    double *cov = a->work, *mean = a->work + k * k;
    double top = -INFINITY, sum = 0.0, sum_sq = 0.0;
    for (size_t p = 0; p < m; p++) {
        top = a->logw[p] > top ? a->logw[p] : top;
    }
    for (size_t p = 0; p < m; p++) {
        a->w[p] = exp(a->logw[p] - top);
        sum += a->w[p];
    }
    for (size_t p = 0; p < m; p++) {
        a->w[p] /= sum;
        a->cw[p] = (p ? a->cw[p - 1] : 0.0) + a->w[p];
        sum_sq += a->w[p] * a->w[p];
    }
    for (size_t i = 0; i < k; i++) {
        mean[i] = 0.0;
        for (size_t p = 0; p < m; p++) {
            mean[i] += a->w[p] * a->u[p * k + i];
        }
    }
    double factor = m >= 2 && sum_sq < 1.0 ? 2.0 / (1.0 - sum_sq) : 0.0;
    for (size_t i = 0; i < k; i++) {
        for (size_t l = 0; l <= i; l++) {
            double c = 0.0;
            for (size_t p = 0; p < m; p++) {
                c += a->w[p] * (a->u[p * k + i] - mean[i]) * (a->u[p * k + l] - mean[l]);
            }
            cov[i * k + l] = cov[l * k + i] = factor * c;
        }
        double ridge = TS_ABC_RIDGE * (a->hi[i] - a->lo[i]);
        cov[i * k + i] += ridge * ridge;
    }
    if (!abc_cholesky(k, cov, a->chol)) {
        return ts_error_set(err, TS_ERR_INTERNAL,
                            "abc: the kernel covariance of generation %zu is not positive "
                            "definite",
                            a->n_gen);
    }
    a->log_norm = -0.5 * (double)k * log(2.0 * M_PI);
    for (size_t i = 0; i < k; i++) {
        a->log_norm -= log(a->chol[i * k + i]);
    }
    gsl_matrix_const_view L = gsl_matrix_const_view_array(a->chol, k, k);
    for (size_t p = 0; p < m; p++) {
        memcpy(a->z + p * k, a->u + p * k, k * sizeof *a->z);
        gsl_vector_view zv = gsl_vector_view_array(a->z + p * k, k);
        gsl_blas_dtrsv(CblasLower, CblasNoTrans, CblasNonUnit, &L.matrix, &zv.vector);
    }
    return TS_OK;
}

/* The N_alpha smallest finite distances of the kept particles and the batch become the kept
 * set; returns how many there are. */
static size_t abc_merge(ts_abc *a, const double *dist) {
    const size_t k = a->k;
    size_t n_cand = 0;
    for (size_t p = 0; p < a->n_kept; p++) {
        a->cand[n_cand++] = (abc_cand){a->d[p], p};
    }
    for (size_t j = 0; j < a->n_batch; j++) {
        if (isfinite(dist[j])) {
            a->cand[n_cand++] = (abc_cand){dist[j], a->n_kept + j};
        }
    }
    qsort(a->cand, n_cand, sizeof *a->cand, abc_cand_cmp);
    size_t m = n_cand < a->n_alpha ? n_cand : a->n_alpha;
    for (size_t c = 0; c < m; c++) {
        size_t pos = a->cand[c].pos;
        int old = pos < a->n_kept;
        size_t j = old ? pos : pos - a->n_kept;
        memcpy(a->su + c * k, (old ? a->u : a->bu) + j * k, k * sizeof *a->su);
        memcpy(a->sx + c * k, (old ? a->x : a->bx) + j * k, k * sizeof *a->sx);
        a->slogw[c] = old ? a->logw[j] : a->blogw[j];
        a->sd[c] = a->cand[c].d;
    }
    double *t;
    t = a->u, a->u = a->su, a->su = t;
    t = a->x, a->x = a->sx, a->sx = t;
    t = a->logw, a->logw = a->slogw, a->slogw = t;
    t = a->d, a->d = a->sd, a->sd = t;
    a->n_kept = m;
    return m;
}

/* Appends one generation's epsilon and acceptance rate. */
static ts_status abc_record(ts_abc *a, double eps, double acc, ts_error *err) {
    if (a->n_gen == a->n_hist) {
        size_t cap = a->n_hist ? 2 * a->n_hist : 16;
        double *e = realloc(a->eps, cap * sizeof *e);
        if (e) {
            a->eps = e;
        }
        double *r = e ? realloc(a->acc, cap * sizeof *r) : NULL;
        if (!e || !r) {
            return ts_error_set(err, TS_ERR_NOMEM, "abc: out of memory");
        }
        a->acc = r;
        a->n_hist = cap;
    }
    a->eps[a->n_gen] = eps;
    a->acc[a->n_gen] = acc;
    return TS_OK;
}

ts_status ts_abc_tell(ts_abc *a, const double *distances, ts_error *err) {
    if (!a->batch_ready) {
        return ts_error_set(err, TS_ERR_INTERNAL,
                            "abc: a tell without a batch (call ts_abc_ask first, and only while "
                            "the run is not done)");
    }
    for (size_t j = 0; j < a->n_batch; j++) {
        if (distances[j] < 0.0) {
            return ts_error_set(err, TS_ERR_PARAM,
                                "abc: distance %zu of generation %zu: got %g (expected >= 0, or "
                                "NaN or inf for a failed simulation)",
                                j, a->n_gen, distances[j]);
        }
    }
    /* Room for this generation's entry first, so that nothing below can fail half-way
     * except the kernel, whose failure ends the run anyway. */
    ts_status st = abc_record(a, NAN, NAN, err);
    if (st != TS_OK) {
        return st;
    }
    double eps_prev = a->n_gen == 0 ? INFINITY : a->eps[a->n_gen - 1];
    size_t accepted = 0;
    for (size_t j = 0; j < a->n_batch; j++) {
        accepted += isfinite(distances[j]) && distances[j] < eps_prev;
    }
    double rate = (double)accepted / (double)a->n_batch;
    size_t m = abc_merge(a, distances);
    double eps = m == a->n_alpha ? a->d[m - 1] : INFINITY;
    a->eps[a->n_gen] = eps;
    a->acc[a->n_gen] = rate;
    a->runs += a->n_batch;
    a->n_gen++;
    a->batch_ready = 0;
    if (m == 0) {
        a->stop = TS_ABC_STOP_FAILED;
        return TS_OK;
    }
    st = abc_kernel(a, err);
    if (st != TS_OK) {
        a->stop = TS_ABC_STOP_KERNEL;
        return st;
    }
    if (a->n_gen > 1 && rate < a->p_acc_min) {
        a->stop = TS_ABC_STOP_ACCEPTANCE;
    } else if (a->runs + a->n_new > a->max_runs) {
        a->stop = TS_ABC_STOP_BUDGET;
    }
    return TS_OK;
}

/* ---- Reading the state ------------------------------------------------------------------- */

int ts_abc_done(const ts_abc *a) {
    return a->stop != TS_ABC_RUNNING;
}

ts_abc_stop ts_abc_stop_reason(const ts_abc *a) {
    return a->stop;
}

const char *ts_abc_stop_message(ts_abc_stop stop) {
    switch (stop) {
    case TS_ABC_RUNNING:
        return "the run goes on";
    case TS_ABC_STOP_ACCEPTANCE:
        return "the acceptance rate fell below p_acc_min";
    case TS_ABC_STOP_BUDGET:
        return "another generation would exceed max_runs";
    case TS_ABC_STOP_FAILED:
        return "no simulation produced its statistics";
    case TS_ABC_STOP_KERNEL:
        return "the kernel could not propose a point inside the prior box";
    }
    return "unknown";
}

size_t ts_abc_n_params(const ts_abc *a) {
    return a->k;
}

size_t ts_abc_generation(const ts_abc *a) {
    return a->n_gen;
}

size_t ts_abc_runs(const ts_abc *a) {
    return a->runs;
}

const double *ts_abc_epsilons(const ts_abc *a) {
    return a->eps;
}

const double *ts_abc_acceptance(const ts_abc *a) {
    return a->acc;
}

size_t ts_abc_n_kept(const ts_abc *a) {
    return a->n_kept;
}

const double *ts_abc_particles(const ts_abc *a) {
    return a->x;
}

const double *ts_abc_weights(const ts_abc *a) {
    return a->w;
}

const double *ts_abc_distances(const ts_abc *a) {
    return a->d;
}

/* ---- Posterior summaries ----------------------------------------------------------------- */

double ts_abc_weighted_mean(size_t n, const double *x, size_t stride, const double *w) {
    double sw = 0.0, s = 0.0;
    for (size_t j = 0; j < n; j++) {
        sw += w[j];
        s += w[j] * x[j * stride];
    }
    return n > 0 && sw > 0.0 ? s / sw : NAN;
}

/* A value with its weight and position, for sorting. */
typedef struct abc_wval {
    double x, w;
    size_t pos;
} abc_wval;

static int abc_wval_cmp(const void *pa, const void *pb) {
    const abc_wval *va = pa, *vb = pb;
    if (va->x != vb->x) {
        return va->x < vb->x ? -1 : 1;
    }
    return va->pos < vb->pos ? -1 : va->pos > vb->pos;
}

ts_status ts_abc_weighted_quantile(size_t n, const double *x, size_t stride, const double *w,
                                   double q, double *out, ts_error *err) {
    if (n == 0) {
        return ts_error_set(err, TS_ERR_PARAM, "abc: a weighted quantile of no values");
    }
    if (!(q >= 0.0 && q <= 1.0)) {
        return ts_error_set(err, TS_ERR_PARAM, "abc: quantile: got %g (expected q in [0, 1])", q);
    }
    double total = 0.0;
    for (size_t j = 0; j < n; j++) {
        if (!(w[j] >= 0.0) || !isfinite(w[j]) || !isfinite(x[j * stride])) {
            return ts_error_set(err, TS_ERR_PARAM,
                                "abc: quantile: value %zu is %g with weight %g (expected a finite "
                                "value and a finite weight >= 0)",
                                j, x[j * stride], w[j]);
        }
        total += w[j];
    }
    if (!(total > 0.0)) {
        return ts_error_set(err, TS_ERR_PARAM, "abc: quantile: the weights sum to 0");
    }
    abc_wval *v = malloc(n * sizeof *v);
    if (!v) {
        return ts_error_set(err, TS_ERR_NOMEM, "abc: out of memory");
    }
    for (size_t j = 0; j < n; j++) {
        v[j] = (abc_wval){x[j * stride], w[j], j};
    }
    qsort(v, n, sizeof *v, abc_wval_cmp);
    /* The cumulative sum in sorted order ends at exactly its own total, so q = 1 reaches it. */
    double sorted_total = 0.0;
    for (size_t j = 0; j < n; j++) {
        sorted_total += v[j].w;
    }
    double target = q * sorted_total, cum = 0.0;
    size_t found = n - 1;
    for (size_t j = 0; j < n; j++) {
        cum += v[j].w;
        if (v[j].w > 0.0 && cum >= target) {
            found = j;
            break;
        }
    }
    *out = v[found].x;
    free(v);
    return TS_OK;
}

ts_status ts_abc_summarize(const ts_abc *a, double level, ts_abc_summary *out, ts_error *err) {
    if (!(level > 0.0 && level < 1.0)) {
        return ts_error_set(err, TS_ERR_PARAM, "abc: level: got %g (expected a number in (0, 1))",
                            level);
    }
    if (a->n_kept == 0) {
        return ts_error_set(err, TS_ERR_PARAM, "abc: no kept particles to summarise (%s)",
                            a->n_gen == 0 ? "nothing was told yet" : ts_abc_stop_message(a->stop));
    }
    const size_t k = a->k, m = a->n_kept;
    for (size_t i = 0; i < k; i++) {
        ts_abc_summary *s = &out[i];
        s->mean = ts_abc_weighted_mean(m, a->x + i, k, a->w);
        double v = 0.0;
        for (size_t p = 0; p < m; p++) {
            double e = a->x[p * k + i] - s->mean;
            v += a->w[p] * e * e;
        }
        s->sd = sqrt(v);
        ts_status st =
            ts_abc_weighted_quantile(m, a->x + i, k, a->w, (1.0 - level) / 2.0, &s->low, err);
        if (st == TS_OK) {
            st = ts_abc_weighted_quantile(m, a->x + i, k, a->w, (1.0 + level) / 2.0, &s->high, err);
        }
        if (st != TS_OK) {
            return st;
        }
        double width = a->high[i] - a->low[i];
        s->prior_sd =
            a->integer[i] ? sqrt(((width + 1.0) * (width + 1.0) - 1.0) / 12.0) : width / sqrt(12.0);
        s->sd_ratio = s->sd / s->prior_sd;
    }
    return TS_OK;
}

/* ---- The distance ------------------------------------------------------------------------ */

double ts_abc_distance(size_t m, const double *stats, const double *targets, const double *scales) {
    double s = 0.0;
    for (size_t i = 0; i < m; i++) {
        if (isnan(stats[i]) || !(scales[i] > 0.0)) {
            return NAN;
        }
        double e = (stats[i] - targets[i]) / scales[i];
        s += e * e;
    }
    return sqrt(s);
}
