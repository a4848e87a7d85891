/* Approximate Bayesian computation by sequential Monte Carlo (the adaptive population Monte Carlo
 * of Lenormand, Jabot & Deffuant 2013) as an ask/tell state machine. A ts_abc owns its particles
 * and batch but runs no model: the caller simulates the points in any order on any threads and
 * tells the distances, so results never depend on the thread count. One ts_abc is used from one
 * thread at a time; the free functions at the end are pure. */
#ifndef TS_ABC_H
#define TS_ABC_H

#include "status.h"

#include <stddef.h>
#include <stdint.h>

/* ---- The method, in brief ----------------------------------------------------------------
 *
 * N = n_particles, N_alpha = floor(alpha N) (ts_abc_n_alpha). Generation 0 draws N points from
 * the prior; the N_alpha with the smallest distances are kept, each with weight 1, and the
 * tolerance epsilon is the largest kept distance. Each later generation g proposes N - N_alpha
 * points, each by picking a kept particle with probability its normalised weight and moving it
 * with a Gaussian kernel whose covariance is twice the weighted covariance of the kept particles
 * (Beaumont et al. 2009); after the distances come back, the N_alpha smallest of the kept and
 * new particles together are kept (ties broken by position: kept particles in their order, then
 * the batch in its order) and epsilon becomes the largest of them. So epsilon never increases.
 * The acceptance rate of generation g is the share of its proposals whose distance is below the
 * tolerance in force when they were proposed (strictly; generation 0's tolerance is infinite, so
 * its rate is the share of finite distances). The run stops when a generation's rate falls below
 * p_acc_min or when the next generation would take the runs used past max_runs.
 *
 * Weights. A kept particle from generation 0 has weight 1. A proposal of generation g >= 1 at
 * theta has the importance weight prior(theta) / q_g(theta), q_g being the density of the
 * proposals: the mixture sum_j wbar_j K(theta | theta_j) over the particles kept before g,
 * restricted to the prior box (proposals are redrawn while outside it, picking a particle anew
 * each time) and renormalised by Z_g, the mixture's mass inside the box. Z_g is estimated by the
 * share of the generation's kernel draws that fell inside the box (ts_abc_ask counts them), so
 * weights of different generations stay on one scale, which matters because the kept set mixes
 * generations. Weights are held as logarithms and normalised to sum 1 for the caller.
 *
 * The kernel covariance is 2 sum_j wbar_j (theta_j - m)(theta_j - m)' / (1 - sum_j wbar_j^2),
 * m the weighted mean (the unbiased weighted covariance, as in the authors' reference code),
 * plus a ridge of (1e-6 (high_i - low_i))^2 on its diagonal so that it stays positive definite
 * when fewer than k + 1 particles are kept or they lie on a line. It is 0 plus the ridge when a
 * single particle is kept (a degenerate run: nearly every simulation failed).
 *
 * Integer parameters (integer[i] != 0; low[i] and high[i] must then be integers). The prior of
 * the value simulated is the discrete uniform on {low, ..., high}. Internally the parameter is a
 * continuous latent u, uniform on [low - 1/2, high + 1/2), and the model sees round(u) =
 * floor(u + 1/2); proposals move u with the Gaussian kernel and are then rounded. Every integer
 * gets exactly the prior mass 1 / (high - low + 1) and the kernel weights are the exact
 * densities of the latent's proposals, so the importance weights are exact, not a
 * midpoint-rule approximation of the probability that the kernel rounds to a value (which is
 * poor when the kernel is narrower than 1). Since the model cannot tell two latents of one
 * integer apart, the posterior of the integer is that of the latent, rounded. Points handed to
 * the caller and particles read back hold the rounded values; the latent stays inside.
 *
 * Failed simulations. A distance that is NaN or +infinity means the simulation did not produce
 * its statistics: it is never accepted nor kept, and it counts in the runs used. If fewer than
 * N_alpha particles have finite distances the kept set is smaller and epsilon is +infinity (any
 * finite distance would still be kept); if none has, the run stops (TS_ABC_STOP_FAILED) with no
 * posterior.
 *
 * Randomness. Point j (0-based) of generation g draws from its own stream,
 *     ts_rng_init(&r, seed, j, g, TS_ABC_STREAM),
 * so the batch depends only on (seed, kept particles and weights), and any proposal can be
 * recomputed alone: its picks, kernel draws and redraws all come from that stream. */
#define TS_ABC_STREAM 0x41424353u /* "ABCS" */

#define TS_ABC_DEFAULT_ALPHA 0.5
#define TS_ABC_DEFAULT_P_ACC_MIN 0.05
/* Kernel draws one proposal may take to land inside the prior box before ts_abc_ask gives up. */
#define TS_ABC_DEFAULT_MAX_DRAWS 10000
/* Most parameters and particles: beyond them the quadratic cost of the weights (N_alpha times
 * N - N_alpha kernel densities per generation) and the memory are not worth supporting. */
#define TS_ABC_MAX_PARAMS 64
#define TS_ABC_MAX_PARTICLES 100000

typedef struct ts_abc_config {
    size_t k;                 /* parameters, 1 .. TS_ABC_MAX_PARAMS */
    const double *low, *high; /* k bounds of the uniform priors, finite, low < high (copied) */
    const int *integer;       /* k flags (copied), or NULL: every parameter is continuous */
    size_t n_particles;       /* N; N_alpha must be >= k + 1 and N - N_alpha >= 1 */
    double alpha;             /* share kept each generation, in (0, 1) */
    double p_acc_min;         /* stop below this acceptance rate, in [0, 1); 0: never */
    size_t max_runs;          /* budget of simulations, >= N + (N - N_alpha): two generations */
    size_t max_draws;         /* kernel draws per proposal; 0: TS_ABC_DEFAULT_MAX_DRAWS */
    uint64_t seed;
} ts_abc_config;

/* Why the run stopped. */
typedef enum ts_abc_stop {
    TS_ABC_RUNNING = 0,
    TS_ABC_STOP_ACCEPTANCE, /* a generation's acceptance rate fell below p_acc_min */
    TS_ABC_STOP_BUDGET,     /* the next generation would exceed max_runs */
    TS_ABC_STOP_FAILED,     /* no simulation so far produced a finite distance */
    TS_ABC_STOP_KERNEL      /* a proposal took max_draws kernel draws, all outside the box */
} ts_abc_stop;

typedef struct ts_abc ts_abc;

/* Sets the defaults: alpha TS_ABC_DEFAULT_ALPHA, p_acc_min TS_ABC_DEFAULT_P_ACC_MIN, max_draws
 * 0; every other field 0 or NULL (the caller must set k, the bounds, N and max_runs). */
void ts_abc_config_init(ts_abc_config *cfg);

/* N_alpha = floor(alpha N) for alpha in (0, 1); 0 for anything else. */
size_t ts_abc_n_alpha(size_t n_particles, double alpha);

/* The runs of the first two generations, N + (N - N_alpha): the least max_runs accepted. */
size_t ts_abc_min_runs(size_t n_particles, double alpha);

/* Checks every field of cfg; TS_ERR_PARAM with a message naming the field and the range
 * expected. */
ts_status ts_abc_config_check(const ts_abc_config *cfg, ts_error *err);

/* A new run in generation 0. Errors: those of ts_abc_config_check; TS_ERR_NOMEM. */
ts_status ts_abc_create(const ts_abc_config *cfg, ts_abc **out, ts_error *err);
void ts_abc_free(ts_abc *a);

/* The batch of points to simulate next: *n rows of k values (row-major) at *points, owned by
 * a and valid until the next ts_abc_tell or ts_abc_free. The batch belongs to generation
 * ts_abc_generation(a): N points from the prior in generation 0, N - N_alpha proposals after.
 * Asking again before telling gives the same batch. When the run is done, *n = 0 and *points =
 * NULL. Errors: TS_ERR_INTERNAL when a proposal drew max_draws kernel points all outside the
 * prior box (the run is then done with TS_ABC_STOP_KERNEL; the kept particles of the last
 * generation stay readable). */
ts_status ts_abc_ask(ts_abc *a, size_t *n, const double **points, ts_error *err);

/* The distances of the batch's points, in the batch's order (NaN or +inf: the simulation
 * failed; see above). Updates the kept particles, epsilon, the weights, the acceptance rate,
 * the generation counter, the runs used and the stop reason. Errors: TS_ERR_INTERNAL when no
 * batch was asked for since the last tell; TS_ERR_PARAM for a negative distance (the state is
 * then unchanged and the same distances may be told again, corrected). */
ts_status ts_abc_tell(ts_abc *a, const double *distances, ts_error *err);

/* ---- Reading the state ------------------------------------------------------------------- */

int ts_abc_done(const ts_abc *a);
ts_abc_stop ts_abc_stop_reason(const ts_abc *a);
/* A sentence saying why the run stopped ("the acceptance rate fell below p_acc_min", ...). */
const char *ts_abc_stop_message(ts_abc_stop stop);
size_t ts_abc_n_params(const ts_abc *a);
/* Generations told so far (the generation the next batch belongs to). */
size_t ts_abc_generation(const ts_abc *a);
/* Simulations told so far: N + (N - N_alpha) (generations - 1). Never more than max_runs. */
size_t ts_abc_runs(const ts_abc *a);
/* epsilon and the acceptance rate after each generation, ts_abc_generation(a) values. */
const double *ts_abc_epsilons(const ts_abc *a);
const double *ts_abc_acceptance(const ts_abc *a);

/* The kept particles: ts_abc_n_kept(a) rows (<= N_alpha; 0 before the first tell) of k values
 * as simulated, sorted by distance; their weights (normalised to sum 1) and distances. The
 * pointers stay valid until the next ts_abc_tell or ts_abc_free. */
size_t ts_abc_n_kept(const ts_abc *a);
const double *ts_abc_particles(const ts_abc *a);
const double *ts_abc_weights(const ts_abc *a);
const double *ts_abc_distances(const ts_abc *a);

/* ---- Posterior summaries ----------------------------------------------------------------- */

/* What the kept particles say of one parameter. */
typedef struct ts_abc_summary {
    double mean, sd;  /* weighted mean and sd (sum wbar (x - mean)^2, no correction) */
    double low, high; /* the weighted (1 - level)/2 and (1 + level)/2 quantiles */
    double prior_sd;  /* sd of the prior: (high - low)/sqrt(12), or sqrt((n^2 - 1)/12) for n
                       * integers */
    double sd_ratio;  /* sd / prior_sd: near 1, the targets say little of the parameter */
} ts_abc_summary;

/* Fills out[0..k-1] from the kept particles with central intervals of the given level (0.9
 * for 90 % intervals). Errors (TS_ERR_PARAM): level not in (0, 1), no kept particle;
 * TS_ERR_NOMEM. */
ts_status ts_abc_summarize(const ts_abc *a, double level, ts_abc_summary *out, ts_error *err);

/* The weighted mean of x[0], x[stride], ..., x[(n-1) stride] with weights w[0..n-1] (>= 0, not
 * all 0; they need not sum to 1). NaN when n is 0 or the weights sum to 0. */
double ts_abc_weighted_mean(size_t n, const double *x, size_t stride, const double *w);

/* The weighted q-quantile of the same values: the smallest x whose cumulative weight (values
 * in increasing order) reaches q times the total, i.e. the inverse of the weighted empirical
 * distribution function, with no interpolation (so an integer parameter's quantiles are
 * integers). q = 0 gives the smallest value with positive weight. Errors (TS_ERR_PARAM): n = 0,
 * q not in [0, 1], weights negative, not finite or summing to 0; TS_ERR_NOMEM. */
ts_status ts_abc_weighted_quantile(size_t n, const double *x, size_t stride, const double *w,
                                   double q, double *out, ts_error *err);

/* ---- The distance ------------------------------------------------------------------------ */

/* sqrt(sum_i ((stats[i] - targets[i]) / scales[i])^2) over m statistics. scales[i] > 0 is the
 * size of a difference that matters for target i: its sd when the target is an estimate with a
 * known uncertainty, its tolerance when it says how close is close enough; each term is then a
 * difference in those units, so targets of different units weigh alike. NaN when any stat is
 * NaN (a run that did not produce a statistic: never accepted) or any scale is not > 0; +inf
 * when a stat is infinite. */
double ts_abc_distance(size_t m, const double *stats, const double *targets, const double *scales);

#endif
