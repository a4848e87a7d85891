/* A calibration's posterior for `trustsim run --posterior` (posterior.h). */
#include "posterior.h"

#include "h5util_internal.h"
#include "rng.h"

#include <hdf5.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ts_posterior {
    char *path;
    char **keys;
    size_t k, n;
    double *x; /* n x k */
    double *w; /* n, summing to 1 */
};

void ts_posterior_free(ts_posterior *p) {
    if (p == NULL) {
        return;
    }
    for (size_t i = 0; p->keys && i < p->k; i++) {
        free(p->keys[i]);
    }
    free(p->keys);
    free(p->x);
    free(p->w);
    free(p->path);
    free(p);
}

/* A float64 dataset of rank 1 or 2 read whole; *rows and *cols its shape (cols 1 for rank 1).
 * NULL when absent or malformed. */
static double *ps_read(hid_t file, const char *name, size_t *rows, size_t *cols) {
    double *v = NULL;
    hid_t d = H5Lexists(file, name, H5P_DEFAULT) > 0 ? H5Dopen2(file, name, H5P_DEFAULT)
                                                     : H5I_INVALID_HID;
    hid_t s = d >= 0 ? H5Dget_space(d) : H5I_INVALID_HID;
    int rank = s >= 0 ? H5Sget_simple_extent_ndims(s) : -1;
    hsize_t dims[2] = {0, 1};
    if ((rank == 1 || rank == 2) && H5Sget_simple_extent_dims(s, dims, NULL) == rank &&
        dims[0] > 0 && dims[1] > 0) {
        v = malloc((size_t)(dims[0] * dims[1]) * sizeof *v);
        if (v && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0) {
            free(v);
            v = NULL;
        }
    }
    *rows = (size_t)dims[0];
    *cols = rank == 2 ? (size_t)dims[1] : 1;
    ts_h5_close_id(&s);
    ts_h5_close_id(&d);
    return v;
}

ts_status ts_posterior_load(const char *path, ts_posterior **out, ts_error *err) {
    ts_h5quiet quiet;
    ts_status st = TS_OK;
    ts_posterior *p = calloc(1, sizeof *p);
    *out = NULL;
    if (p == NULL || (p->path = strdup(path)) == NULL) {
        free(p);
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    ts_h5_quiet_begin(&quiet);
    hid_t f = H5Fis_hdf5(path) > 0 ? H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT) : H5I_INVALID_HID;
    if (f < 0) {
        st =
            ts_error_set(err, TS_ERR_PARAM, "--posterior %s: cannot read it as an HDF5 file", path);
        goto cleanup;
    }
    hid_t g = H5Lexists(f, "calibration", H5P_DEFAULT) > 0 ? H5Gopen2(f, "calibration", H5P_DEFAULT)
                                                           : H5I_INVALID_HID;
    if (g >= 0) {
        p->keys = ts_h5_grid_values(g, "parameters", &p->k);
        H5Gclose(g);
    }
    for (size_t i = 0; p->keys && i < p->k; i++) {
        if (p->keys[i] == NULL) {
            ts_h5_free_cells(p->keys, p->k);
            p->keys = NULL; /* names that cannot be read as text: no posterior */
            p->k = 0;
            break;
        }
    }
    size_t rows = 0, cols = 0, wn = 0, wc = 0;
    p->x = ps_read(f, "calibration/posterior/particles", &rows, &cols);
    p->w = ps_read(f, "calibration/posterior/weights", &wn, &wc);
    p->n = rows;
    if (p->keys == NULL || p->k == 0 || p->x == NULL || p->w == NULL || cols != p->k ||
        wn != rows || wc != 1) {
        st = ts_error_set(err, TS_ERR_PARAM,
                          "--posterior %s: no calibration posterior in it (expected "
                          "/calibration/parameters, /calibration/posterior/particles and weights "
                          "of a file written by trustsim calibrate)",
                          path);
        goto cleanup;
    }
    double sum = 0.0;
    for (size_t j = 0; j < p->n; j++) {
        if (!(p->w[j] >= 0.0) || !isfinite(p->w[j])) {
            st = ts_error_set(err, TS_ERR_PARAM,
                              "--posterior %s: /calibration/posterior/weights[%zu] is %g "
                              "(expected a finite weight >= 0)",
                              path, j, p->w[j]);
            goto cleanup;
        }
        sum += p->w[j];
    }
    if (!(sum > 0.0)) {
        st = ts_error_set(err, TS_ERR_PARAM,
                          "--posterior %s: the posterior's weights sum to 0 (expected > 0)", path);
        goto cleanup;
    }
    for (size_t j = 0; j < p->n; j++) {
        p->w[j] /= sum;
    }
cleanup:
    if (f >= 0) {
        H5Fclose(f);
    }
    H5Eclear2(H5E_DEFAULT);
    ts_h5_quiet_end(&quiet);
    if (st != TS_OK) {
        ts_posterior_free(p);
        return st;
    }
    *out = p;
    return TS_OK;
}

size_t ts_posterior_n_params(const ts_posterior *p) {
    return p->k;
}

const char *ts_posterior_key(const ts_posterior *p, size_t i) {
    return i < p->k ? p->keys[i] : "";
}

size_t ts_posterior_n_particles(const ts_posterior *p) {
    return p->n;
}

double ts_posterior_value(const ts_posterior *p, size_t j, size_t i) {
    return j < p->n && i < p->k ? p->x[j * p->k + i] : NAN;
}

size_t ts_posterior_draw_index(const double *w, size_t n, uint64_t seed, uint32_t i) {
    ts_rng r;
    ts_rng_init(&r, seed, i, 0, TS_POSTERIOR_STREAM);
    double u = ts_rng_uniform(&r), acc = 0.0;
    for (size_t j = 0; j < n; j++) {
        acc += w[j];
        if (u < acc) {
            return j;
        }
    }
    return n - 1; /* rounding left u at or above the sum */
}

size_t ts_posterior_draw(const ts_posterior *p, uint64_t seed, uint32_t replicate) {
    return ts_posterior_draw_index(p->w, p->n, seed, replicate);
}

ts_status ts_posterior_apply(const ts_posterior *p, size_t j, ts_scenario *sc, ts_error *err) {
    ts_status st = TS_OK;
    for (size_t i = 0; i < p->k && st == TS_OK; i++) {
        char set[600];
        snprintf(set, sizeof set, "%s=%.17g", p->keys[i], p->x[j * p->k + i]);
        st = ts_scenario_set(sc, set, err);
    }
    return st == TS_OK ? ts_scenario_finalize(sc, err) : st;
}

ts_status ts_posterior_check(const ts_posterior *p, const ts_scenario *sc, ts_error *err) {
    for (size_t i = 0; i < p->k; i++) {
        for (size_t s = 0; s < ts_scenario_n_sweep_keys(sc); s++) {
            if (strcmp(ts_scenario_sweep_key(sc, s), p->keys[i]) == 0) {
                return ts_error_set(err, TS_ERR_SCENARIO,
                                    "--posterior %s: %s is both calibrated and swept (expected "
                                    "each key either drawn from the posterior or swept)",
                                    p->path, p->keys[i]);
            }
        }
    }
    ts_scenario *copy = ts_scenario_copy(sc);
    if (copy == NULL) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    ts_status st = ts_posterior_apply(p, 0, copy, err);
    ts_scenario_free(copy);
    if (st != TS_OK) {
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        return ts_error_set(err, TS_ERR_SCENARIO, "--posterior %s: %s", p->path, msg);
    }
    return TS_OK;
}
