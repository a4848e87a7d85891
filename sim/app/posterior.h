/* A calibration's posterior (/calibration/posterior of a `trustsim calibrate` file) as
 * `trustsim run --posterior` uses it: each replicate of a sweep runs at one weighted draw of
 * the kept particles, the same draw at every grid point, so that the arms of a comparison
 * stay paired while the calibration's uncertainty enters through the replicates. A
 * ts_posterior is read-only once loaded and may be used from many threads. */
#ifndef TS_POSTERIOR_H
#define TS_POSTERIOR_H

#include "scenario.h"
#include "status.h"

#include <stddef.h>
#include <stdint.h>

typedef struct ts_posterior ts_posterior;

/* Reads the parameter keys, their integer flags (from the targets' keys in sc's schema),
 * the particles and their weights. Errors: TS_ERR_PARAM (exit 2) for a file that cannot be
 * read or holds no /calibration/posterior, malformed datasets, weights that are not
 * positive; TS_ERR_NOMEM. */
ts_status ts_posterior_load(const char *path, ts_posterior **out, ts_error *err);
void ts_posterior_free(ts_posterior *p);

size_t ts_posterior_n_params(const ts_posterior *p);
const char *ts_posterior_key(const ts_posterior *p, size_t i);
size_t ts_posterior_n_particles(const ts_posterior *p);
/* Particle j's value of parameter i. */
double ts_posterior_value(const ts_posterior *p, size_t j, size_t i);

/* Index of a weighted draw from weights w[0..n) (summing to 1), draw i from the stream
 * (seed, i) of TS_POSTERIOR_STREAM: the same seed and i give the same index. */
#define TS_POSTERIOR_STREAM 0x43414c44u /* "CALD" */
size_t ts_posterior_draw_index(const double *w, size_t n, uint64_t seed, uint32_t i);

/* The particle replicate r of a run with scenario seed `seed` takes. */
size_t ts_posterior_draw(const ts_posterior *p, uint64_t seed, uint32_t replicate);

/* Checks that every parameter is a number-valued key of sc that is not swept (exit 2 with
 * the file's name otherwise), by setting particle 0 on a copy. */
ts_status ts_posterior_check(const ts_posterior *p, const ts_scenario *sc, ts_error *err);

/* Sets particle j's values on *sc (a scenario without sweep, e.g. a grid point) and
 * finalizes it again. Errors: those of ts_scenario_set. */
ts_status ts_posterior_apply(const ts_posterior *p, size_t j, ts_scenario *sc, ts_error *err);

#endif
