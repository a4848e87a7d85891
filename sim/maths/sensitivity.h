/* Global sensitivity analysis of a model's outputs to its parameters ("factors"): the designs
 * (which runs to make) and the estimators (what the outputs of those runs say), for Morris's
 * elementary effects and for Sobol' indices with Saltelli's sampling. The module owns no state:
 * every function works on the caller's arrays, so any thread may call any of them. Designs are
 * in the unit hypercube; the caller scales them (ts_sens_scale) and runs the model. */
#ifndef TS_SENSITIVITY_H
#define TS_SENSITIVITY_H

#include "status.h"

#include <stddef.h>
#include <stdint.h>

/* Matrices are row-major arrays of doubles: row j of an n x k matrix m is m[j k .. j k + k-1].
 *
 * Randomness. The Morris design and both bootstraps draw from sim/maths/rng.h's Philox
 * streams keyed by the caller's 64-bit seed, one stream per trajectory or per resample:
 *   Morris trajectory t:     ts_rng_init(&r, seed, t, 0, TS_SENS_STREAM_MORRIS)
 *   Morris resample b:       ts_rng_init(&r, seed, b, 0, TS_SENS_STREAM_MORRIS_BOOT)
 *   Sobol' resample b:       ts_rng_init(&r, seed, b, 0, TS_SENS_STREAM_SOBOL_BOOT)
 * so the same seed gives bitwise the same design and the same intervals, whatever else runs
 * (no thread is involved), and any trajectory or resample can be recomputed alone. The Saltelli
 * design has no randomness at all: it is the Sobol' sequence. */
#define TS_SENS_STREAM_MORRIS 0x4d52544au      /* "MRTJ" */
#define TS_SENS_STREAM_MORRIS_BOOT 0x4d524253u /* "MRBS" */
#define TS_SENS_STREAM_SOBOL_BOOT 0x53424253u  /* "SBBS" */

/* Bootstrap intervals are 95 % percentile intervals: the 2.5 % and 97.5 % quantiles of the
 * n_boot resampled estimates (GSL's gsl_stats_quantile_from_sorted_data, which interpolates
 * linearly between order statistics). n_boot = 0 asks for no bootstrap: the bounds are NaN. */
#define TS_SENS_CI_LEVEL 0.95

/* ---- Scaling ---------------------------------------------------------------------------- */

/* Maps the n x k unit-cube points unit to the box [low[i], high[i]] of each factor i:
 * out = (1 - u) low + u high, exact at both ends (u = 0 gives low, u = 1 gives high). out may
 * be unit (in place). Errors: TS_ERR_PARAM when a bound is not finite or low[i] > high[i]. */
ts_status ts_sens_scale(size_t n, size_t k, const double *unit, const double *low,
                        const double *high, double *out, ts_error *err);

/* ---- Morris elementary effects ---------------------------------------------------------- */

/* The number of model runs of a Morris design, r (k + 1); 0 when that overflows size_t. */
size_t ts_sens_morris_runs(size_t k, size_t r);

/* Fills points (r (k + 1) rows x k columns, in [0, 1]) with r Morris trajectories over k
 * factors on the p-level grid {0, 1/(p-1), ..., 1} (Morris 1991). p must be even and >= 2;
 * the step is Delta = p / (2 (p - 1)), i.e. p/2 grid levels, so every level has exactly one
 * neighbour at distance Delta inside [0, 1].
 *
 * Trajectory t is rows t (k+1) .. t (k+1) + k. Its first row draws each factor's level uniformly
 * from the p levels (factor 0 first); then a uniformly random order of the factors (gsl_ran_shuffle
 * on the same stream) says which factor each of the k steps moves, by +Delta when its level is in
 * the lower half of the grid and by -Delta otherwise. So every factor moves exactly once per
 * trajectory, half the time up and half the time down, and each point's values are uniform on
 * the grid, which is Morris's scheme (a random base point and random signs) restated.
 *
 * Errors (TS_ERR_PARAM): k = 0, r = 0, p odd or < 2, k, r or p beyond 2^32 - 1 (stream, draw
 * and grid counters are 32-bit), a design size that overflows size_t; TS_ERR_NOMEM. */
ts_status ts_sens_morris_design(size_t k, size_t r, size_t p, uint64_t seed, double *points,
                                ts_error *err);

/* What the elementary effects of one factor say. */
typedef struct ts_sens_morris_factor {
    double mu;           /* mean elementary effect: the sign says the direction of the effect */
    double mu_star;      /* mean |elementary effect| (Campolongo et al. 2007): its size */
    double sigma;        /* sd of the elementary effects (r - 1): nonlinearity, interactions */
    double mu_star_low;  /* bootstrap 95 % interval of mu_star (NaN when n_boot = 0) */
    double mu_star_high; /* ... */
} ts_sens_morris_factor;

/* The elementary effects of the design points (exactly as ts_sens_morris_design wrote them, in
 * the unit cube) whose model outputs are y (one per row, same order): for each step of each
 * trajectory, EE = (y after - y before) / (x after - x before) of the factor the step moved.
 * Because x is the unit-cube value, an effect is in output units per whole range of the factor
 * (a model f = c x_scaled over [low, high] has EE = c (high - low)), so factors with different
 * units compare directly. Fills out[0..k-1]: mu and sigma over the r trajectories
 * (sim/maths/stats.h's ts_stats_describe; sigma is NaN when r = 1), mu_star (gsl_stats_mean, as in
 * the bootstrap, so that effects of one constant size give an interval equal to mu_star) and the
 * bootstrap interval of mu_star from n_boot resamples of the r trajectories, drawn with
 * replacement.
 *
 * Errors (TS_ERR_PARAM): k = 0, r = 0, an overflowing size, a non-finite output (the message
 * names the run), points that are not a Morris design (a step that moves no factor or several,
 * or a factor moved twice in one trajectory; the message names the trajectory and step);
 * TS_ERR_NOMEM. */
ts_status ts_sens_morris_effects(size_t k, size_t r, const double *points, const double *y,
                                 size_t n_boot, uint64_t seed, ts_sens_morris_factor *out,
                                 ts_error *err);

/* ---- Sobol' indices with Saltelli's sampling -------------------------------------------- */

/* The most factors a Saltelli design takes: GSL's Sobol' sequence has at most 40 dimensions
 * and the design uses two per factor, so 20 (with the dummy factor, 19 real ones). */
size_t ts_sens_saltelli_max_factors(void);

/* The number of model runs of a Saltelli design, n (k + 2); 0 when that overflows size_t. */
size_t ts_sens_saltelli_runs(size_t k, size_t n);

/* The row of base row j (0 <= j < n) of a Saltelli design with k factors that holds
 * A_j (which = 0), B_j (which = 1) or A_B^(i)_j (which = 2 + i, 0 <= i < k). */
static inline size_t ts_sens_saltelli_row(size_t k, size_t j, size_t which) {
    return j * (k + 2) + which;
}

/* Fills points (n (k + 2) rows x k columns, in (0, 1)) with Saltelli's design (Saltelli 2002,
 * Saltelli et al. 2010): base row j comes from one point of the Sobol' sequence of dimension
 * 2 k (gsl_qrng_sobol), A_j = its first k coordinates, B_j = its last k.
 *
 * Which points. The sequence's point 0 is all zeros and its point 1 is all halves; both have
 * A_j = B_j, so every run of their base row would be the same point and would add nothing but
 * the corner or the centre of the box to each estimate. GSL's generator starts at point 1 (it
 * never emits the zeros); the design skips that one too, so base row j is point j + 2 of the
 * sequence (GSL's output j + 1).
 *
 * Rows are grouped by base row (ts_sens_saltelli_row): for each j, A_j, B_j, then A_B^(0)_j ..
 * A_B^(k-1)_j, where A_B^(i) is A with column i taken from B. The grouping makes the design for n
 * the first n (k + 2) rows of the design for any larger n, so a run set can be extended.
 *
 * Errors (TS_ERR_PARAM): k = 0, k > ts_sens_saltelli_max_factors(), n = 0, n > 2^29 (GSL's
 * Sobol' generator counts its points in 30 bits; far beyond any affordable design anyway), a
 * size that overflows size_t; TS_ERR_NOMEM; TS_ERR_INTERNAL if GSL's generator fails. */
ts_status ts_sens_saltelli_design(size_t k, size_t n, double *points, ts_error *err);

/* First-order and total Sobol' indices of one factor with their bootstrap intervals. */
typedef struct ts_sens_sobol_index {
    double s, s_low, s_high;    /* first order S_i and its 95 % interval */
    double st, st_low, st_high; /* total S_Ti and its 95 % interval */
} ts_sens_sobol_index;

/* The indices of the k factors from the outputs y of the n (k + 2) runs of a Saltelli design
 * (one per row, in ts_sens_saltelli_row's order). With V the sample variance (2 n - 1
 * denominator, gsl_stats_variance) of the 2 n outputs f(A) and f(B) together,
 *   S_i  = (1/n)  sum_j f(B)_j (f(A_B^(i))_j - f(A)_j) / V     (Saltelli et al. 2010)
 *   S_Ti = (1/2n) sum_j (f(A)_j - f(A_B^(i))_j)^2 / V           (Jansen 1999)
 * the estimators Saltelli et al. (2010) recommend. V(Y) is estimated from f(A) and f(B)
 * together because those 2 n runs are the design's independent draws of all inputs. The
 * outputs are first centred on the mean of those 2 n: S_i's sum multiplies f(B) itself, so an
 * output far from 0 would inflate its error, while what it estimates does not depend on the
 * centre (S_Ti and V do not change at all).
 *
 * The bootstrap draws n base rows with replacement (all k + 2 runs of a row go together, and V
 * is recomputed from the drawn rows; the centre stays that of the full sample), n_boot times;
 * resamples whose outputs do not vary (V = 0) are left out of the quantiles. variance (may be
 * NULL) receives V. Estimates are not clipped to [0, 1]: a value a little below 0 is what a
 * factor without effect looks like.
 *
 * Errors (TS_ERR_PARAM): k = 0 or too large (as for the design), n < 2, an overflowing size, a
 * non-finite output (the message names the run), outputs that do not vary at all (V = 0, no
 * index is defined); TS_ERR_NOMEM. */
ts_status ts_sens_sobol_indices(size_t k, size_t n, const double *y, size_t n_boot, uint64_t seed,
                                ts_sens_sobol_index *out, double *variance, ts_error *err);

/* ---- The dummy factor ------------------------------------------------------------------- */

/* Is a factor's effect distinguishable from that of the dummy factor, a factor the model never
 * reads? Given the factor's interval [lo, hi] and the dummy's [lo_dummy, hi_dummy] for the same
 * measure (mu_star for Morris; S_T, or S, for Sobol'), the answer is 1 exactly when the factor's
 * interval lies entirely above the dummy's, lo > hi_dummy. Intervals are closed: touching
 * (lo == hi_dummy) is overlapping. Any overlap gives 0, "not distinguishable from noise"; so does
 * an interval entirely below the dummy's (no factor truly acts less than one that does nothing, so
 * that signals estimation trouble, not influence) and a NaN bound. */
int ts_sens_distinguishable(double lo, double hi, double lo_dummy, double hi_dummy);

#endif
