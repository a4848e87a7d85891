/* `trustsim calibrate` (calibrate.h): the ABC loop over runs of the scenario, the posterior
 * predictive check, the tables and /calibration. */
#include "calibrate.h"

#include "abc.h"
#include "engine.h"
#include "h5out.h"
#include "h5out_internal.h"
#include "h5util_internal.h"
#include "posterior.h"
#include "rng.h"
#include "runner.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <hdf5.h>
#include <omp.h>

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- The model for the parser ----------------------------------------------------------- */

static int cal_kind(void *ctx, const char *name) {
    const ts_calibrate_model *m = ctx;
    if (ts_engine_summary_find(m->modules, m->n_modules, m->sc, name) != NULL) {
        return TS_TARGET_SUMMARY;
    }
    return ts_engine_metric_find(m->modules, m->n_modules, m->sc, name) != NULL ? TS_TARGET_DAILY
                                                                                : 0;
}

static const char *cal_name(void *ctx, size_t i) {
    const ts_calibrate_model *m = ctx;
    const ts_metric_decl *d = ts_engine_metric_at(m->modules, m->n_modules, m->sc, i);
    if (d != NULL) {
        return d->name;
    }
    size_t n_daily = 0;
    while (ts_engine_metric_at(m->modules, m->n_modules, m->sc, n_daily) != NULL) {
        n_daily++;
    }
    size_t j = i - n_daily;
    for (size_t k = 0; k < m->n_modules; k++) {
        const ts_module *mod = m->modules[k];
        if (j < mod->n_summaries) {
            return ts_engine_summary_find(m->modules, m->n_modules, m->sc, mod->summaries[j].name)
                       ? mod->summaries[j].name
                       : "";
        }
        j -= mod->n_summaries;
    }
    return NULL;
}

static const ts_param *cal_param(void *ctx, const char *path) {
    const ts_calibrate_model *m = ctx;
    return ts_scenario_schema_param(m->schema, path);
}

void ts_calibrate_model_init(ts_calibrate_model *ctx, ts_targets_model *out) {
    memset(out, 0, sizeof *out);
    out->ctx = ctx;
    out->kind = cal_kind;
    out->name = cal_name;
    out->param = cal_param;
}

ts_status ts_calibrate_check(const ts_scenario *sc, const ts_targets *t, ts_error *err) {
    if (ts_scenario_is_design(sc) || ts_scenario_n_sweep_keys(sc) > 0) {
        return ts_error_set(err, TS_ERR_SCENARIO,
                            "%s: the scenario has a %s (expected one grid point: calibration "
                            "varies the parameters of its targets file itself)",
                            t->file, ts_scenario_is_design(sc) ? "sensitivity design" : "sweep");
    }
    int64_t days = ts_scenario_int(sc, "days");
    for (size_t i = 0; i < t->n_targets; i++) {
        const ts_target *x = &t->targets[i];
        if (x->has_window && x->to > days) {
            return ts_error_set(err, TS_ERR_SCENARIO,
                                "%s: window ends after the run's last recorded day (got day %ld, "
                                "expected at most days = %" PRId64 ")",
                                x->window_at, x->to, days);
        }
    }
    return TS_OK;
}

double ts_calibrate_stat(const ts_target *t, const ts_result *res) {
    if (t->kind == TS_TARGET_SUMMARY) {
        const ts_scalar *s = ts_result_find_scalar(res, t->metric);
        return s ? s->value : NAN;
    }
    const ts_series *s = ts_result_find_series(res, t->metric);
    if (s == NULL || s->n == 0) {
        return NAN;
    }
    size_t from = t->has_window ? (size_t)t->from : 0;
    size_t to = t->has_window ? (size_t)t->to : s->n - 1;
    if (to >= s->n || from > to) {
        return NAN;
    }
    if (t->stat == TS_TARGET_STAT_LAST) {
        return s->values[to];
    }
    double sum = 0.0;
    size_t n = 0;
    for (size_t d = from; d <= to; d++) {
        if (isfinite(s->values[d])) {
            sum += s->values[d];
            n++;
        }
    }
    return n ? sum / (double)n : NAN;
}

/* ---- Runs -------------------------------------------------------------------------------- */

/* A batch of runs at parameter points, as ts_runner_pool_run's jobs. */
typedef struct cal_batch {
    const ts_calibrate_options *o;
    const double *points; /* n x k */
    uint32_t stream;      /* the grid point of ts_rng_run_seed: generation + 1, or 0 (check) */
    double *stats;        /* n x m */
    double *dist;         /* n */
    ts_result *keep;      /* n results kept (the check), or NULL */
    size_t *invalid;      /* proposals that were not valid scenarios (rejected), counted */
    char *first_invalid;  /* the first one's message (TS_ERROR_MSG bytes) */
} cal_batch;

/* The scenario at one parameter point: the parameters set as --set would set them. */
static ts_status cal_point(const ts_scenario *sc, const ts_targets *t, const double *x,
                           ts_scenario **out, ts_error *err) {
    ts_scenario *pt = ts_scenario_copy(sc);
    ts_status st = pt ? TS_OK : ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < t->n_params && st == TS_OK; i++) {
        char set[600];
        if (t->params[i].integer) {
            snprintf(set, sizeof set, "%s=%lld", t->params[i].key, (long long)llround(x[i]));
        } else {
            snprintf(set, sizeof set, "%s=%.17g", t->params[i].key, x[i]);
        }
        st = ts_scenario_set(pt, set, err);
    }
    if (st == TS_OK) {
        st = ts_scenario_finalize(pt, err);
    }
    if (st != TS_OK) {
        ts_scenario_free(pt);
        pt = NULL;
    }
    *out = pt;
    return st;
}

static ts_status cal_job(void *ctx, size_t job, int threads, ts_runner_pool *pool, ts_error *err) {
    cal_batch *b = ctx;
    const ts_targets *t = b->o->targets;
    ts_scenario *pt = NULL;
    ts_result res;
    ts_result_init(&res);
    ts_status st = cal_point(b->o->sc, t, &b->points[job * t->n_params], &pt, err);
    if (st == TS_ERR_SCENARIO) {
        /* The prior box holds combinations the scenario refuses (a Beta's sd too large for
         * its mean, ...): such a proposal is a simulation that failed, and is rejected. */
        for (size_t i = 0; i < t->n_targets; i++) {
            b->stats[job * t->n_targets + i] = NAN;
        }
        b->dist[job] = NAN;
#pragma omp critical(ts_calibrate_invalid)
        {
            if ((*b->invalid)++ == 0) {
                snprintf(b->first_invalid, sizeof err->msg, "%s", err->msg);
            }
        }
        ts_error_clear(err);
        return TS_OK;
    }
    /* A calibration point's statistics are the means over the scenario's replicates, each
     * run with its own seed (the check's runs are one replicate each). */
    size_t reps = b->keep ? 1 : (size_t)ts_scenario_int(b->o->sc, "replicates");
    uint64_t base = (uint64_t)ts_scenario_int(b->o->sc, "seed"), seed = 0;
    double *s = &b->stats[job * t->n_targets];
    for (size_t i = 0; i < t->n_targets; i++) {
        s[i] = 0.0;
    }
    for (size_t r = 0; r < reps && st == TS_OK; r++) {
        seed = ts_rng_run_seed(base, b->stream, (uint32_t)(job * reps + r));
        if (r > 0) {
            ts_result_free(&res);
        }
        st =
            ts_runner_run_point(pt, seed, threads, b->o->modules, b->o->n_modules, pool, &res, err);
        for (size_t i = 0; i < t->n_targets && st == TS_OK; i++) {
            s[i] += ts_calibrate_stat(&t->targets[i], &res) / (double)reps;
        }
    }
    ts_scenario_free(pt);
    if (st != TS_OK) {
        return st;
    }
    b->dist[job] = ts_abc_distance(t->n_targets, s, t->values, t->scales);
    if (b->keep != NULL) {
        res.seed = seed;
        res.run_index = (uint32_t)job;
        res.replicate = (uint32_t)job;
        b->keep[job] = res;
    } else {
        ts_result_free(&res);
    }
    return TS_OK;
}

static ts_status cal_run_batch(cal_batch *b, size_t n, int *interrupted, ts_error *err) {
    const ts_scenario *sc = b->o->sc;
    uint64_t days =
        (uint64_t)(ts_scenario_int(sc, "days") + ts_scenario_int(sc, "org.warmup_days"));
    unsigned char *large = calloc(n ? n : 1, 1);
    if (large == NULL) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    memset(large, ts_runner_is_large(sc) ? 1 : 0, n);
    ts_runner_batch rb = {
        .n_jobs = n,
        .large = large,
        .run = cal_job,
        .ctx = b,
        .threads = b->o->threads > 0 ? b->o->threads : omp_get_num_procs(),
        .show_progress = !b->o->quiet && isatty(STDERR_FILENO),
        .days_total = days * n * (b->keep ? 1 : (uint64_t)ts_scenario_int(sc, "replicates"))};
    ts_runner_outcome oc;
    ts_status st = ts_runner_pool_run(&rb, &oc, err);
    free(large);
    *interrupted = oc.interrupted || (st == TS_OK && oc.runs_done < n);
    return st;
}

/* ---- The record of every simulation ------------------------------------------------------ */

typedef struct cal_history {
    size_t n, cap, k, m;
    double *points, *stats, *dist;
    uint32_t *generation;
} cal_history;

static int cal_history_add(cal_history *h, const double *points, const double *stats,
                           const double *dist, size_t n, uint32_t generation) {
    if (h->n + n > h->cap) {
        size_t cap = h->cap ? h->cap : 256;
        while (cap < h->n + n) {
            cap *= 2;
        }
        double *p = realloc(h->points, cap * h->k * sizeof *p);
        h->points = p ? p : h->points;
        double *s = realloc(h->stats, cap * h->m * sizeof *s);
        h->stats = s ? s : h->stats;
        double *d = realloc(h->dist, cap * sizeof *d);
        h->dist = d ? d : h->dist;
        uint32_t *g = realloc(h->generation, cap * sizeof *g);
        h->generation = g ? g : h->generation;
        if (!p || !s || !d || !g) {
            return 0;
        }
        h->cap = cap;
    }
    memcpy(&h->points[h->n * h->k], points, n * h->k * sizeof *points);
    memcpy(&h->stats[h->n * h->m], stats, n * h->m * sizeof *stats);
    memcpy(&h->dist[h->n], dist, n * sizeof *dist);
    for (size_t i = 0; i < n; i++) {
        h->generation[h->n + i] = generation;
    }
    h->n += n;
    return 1;
}

static void cal_history_free(cal_history *h) {
    free(h->points);
    free(h->stats);
    free(h->dist);
    free(h->generation);
}

/* The statistics of a kept particle: those of the simulation it came from. */
static const double *cal_history_stats(const cal_history *h, const double *x, double d) {
    for (size_t i = h->n; i-- > 0;) {
        if (h->dist[i] == d && memcmp(&h->points[i * h->k], x, h->k * sizeof *x) == 0) {
            return &h->stats[i * h->m];
        }
    }
    return NULL;
}

/* ---- The calibration ---------------------------------------------------------------------- */

/* What the calibration found, for the tables and the file. */
typedef struct cal_out {
    ts_abc *abc;
    cal_history hist;
    ts_abc_summary *post; /* k: the posterior of each parameter */
    double *kept_stats;   /* n_kept x m */
    size_t n_check;
    double *check_points; /* n_check x k: the posterior draws of the check */
    double *check_stats;  /* n_check x m */
    double *check_dist;
    ts_result *check_res; /* n_check */
    double *pred;         /* m x 4: mean, 5 % and 95 % quantiles, inside (0/1) */
    int interrupted;
    size_t invalid; /* proposals that were not valid scenarios */
    char first_invalid[sizeof(((ts_error *)0)->msg)];
} cal_out;

static void cal_out_free(cal_out *c) {
    ts_abc_free(c->abc);
    cal_history_free(&c->hist);
    free(c->post);
    free(c->kept_stats);
    free(c->check_points);
    free(c->check_stats);
    free(c->check_dist);
    for (size_t i = 0; c->check_res && i < c->n_check; i++) {
        ts_result_free(&c->check_res[i]);
    }
    free(c->check_res);
    free(c->pred);
}

static ts_status cal_abc(const ts_calibrate_options *o, cal_out *c, ts_error *err) {
    const ts_targets *t = o->targets;
    ts_abc_config cfg;
    ts_targets_abc_config(t, (uint64_t)ts_scenario_int(o->sc, "seed"), &cfg);
    ts_status st = ts_abc_create(&cfg, &c->abc, err);
    c->hist.k = t->n_params;
    c->hist.m = t->n_targets;
    double *stats = calloc(t->particles * t->n_targets + 1, sizeof *stats);
    double *dist = calloc(t->particles + 1, sizeof *dist);
    if (st == TS_OK && (!stats || !dist)) {
        st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    while (st == TS_OK && !ts_abc_done(c->abc)) {
        size_t n = 0;
        const double *points = NULL;
        uint32_t g = (uint32_t)ts_abc_generation(c->abc);
        st = ts_abc_ask(c->abc, &n, &points, err);
        if (st != TS_OK || n == 0) {
            break;
        }
        cal_batch b = {.o = o,
                       .points = points,
                       .stream = g + 1,
                       .stats = stats,
                       .dist = dist,
                       .invalid = &c->invalid,
                       .first_invalid = c->first_invalid};
        st = cal_run_batch(&b, n, &c->interrupted, err);
        if (st != TS_OK || c->interrupted) {
            break; /* the batch is incomplete: the posterior is that of the generations told */
        }
        if (!cal_history_add(&c->hist, points, stats, dist, n, g)) {
            st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
            break;
        }
        st = ts_abc_tell(c->abc, dist, err);
        if (st == TS_OK && !o->quiet) {
            size_t gen = ts_abc_generation(c->abc);
            fprintf(stderr,
                    "trustsim: generation %zu: %zu runs, tolerance %.4g, acceptance %.3f; "
                    "%zu of at most %zu runs\n",
                    gen - 1, n, ts_abc_epsilons(c->abc)[gen - 1],
                    ts_abc_acceptance(c->abc)[gen - 1], ts_abc_runs(c->abc), t->max_runs);
        }
    }
    free(stats);
    free(dist);
    return st;
}

/* The posterior of each parameter and the statistics of the kept particles. */
static ts_status cal_posterior(const ts_calibrate_options *o, cal_out *c, ts_error *err) {
    const ts_targets *t = o->targets;
    size_t n = ts_abc_n_kept(c->abc);
    if (n == 0) {
        return ts_error_set(err, TS_ERR_IO,
                            "%s: no posterior: %s (every run so far failed to produce the "
                            "targets' statistics)",
                            t->file, ts_abc_stop_message(ts_abc_stop_reason(c->abc)));
    }
    c->post = calloc(t->n_params, sizeof *c->post);
    c->kept_stats = calloc(n * t->n_targets, sizeof *c->kept_stats);
    if (!c->post || !c->kept_stats) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    const double *x = ts_abc_particles(c->abc);
    const double *d = ts_abc_distances(c->abc);
    for (size_t i = 0; i < n; i++) {
        const double *s = cal_history_stats(&c->hist, &x[i * t->n_params], d[i]);
        for (size_t j = 0; j < t->n_targets; j++) {
            c->kept_stats[i * t->n_targets + j] = s ? s[j] : NAN;
        }
    }
    return ts_abc_summarize(c->abc, 0.9, c->post, err);
}

/* The posterior predictive check: runs at posterior draws; for each target the mean and the
 * 90 % interval of its statistic over them, and whether the target lies inside. */
static ts_status cal_check(const ts_calibrate_options *o, cal_out *c, ts_error *err) {
    const ts_targets *t = o->targets;
    size_t k = t->n_params, m = t->n_targets, n = o->check_runs;
    c->n_check = n;
    c->pred = calloc(m * 4, sizeof *c->pred);
    if (!c->pred) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    if (n == 0) {
        for (size_t j = 0; j < m * 4; j++) {
            c->pred[j] = NAN;
        }
        return TS_OK;
    }
    c->check_points = calloc(n * k, sizeof *c->check_points);
    c->check_stats = calloc(n * m, sizeof *c->check_stats);
    c->check_dist = calloc(n, sizeof *c->check_dist);
    c->check_res = calloc(n, sizeof *c->check_res);
    double *col = calloc(n, sizeof *col);
    if (!c->check_points || !c->check_stats || !c->check_dist || !c->check_res || !col) {
        free(col);
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    size_t n_kept = ts_abc_n_kept(c->abc);
    const double *x = ts_abc_particles(c->abc), *w = ts_abc_weights(c->abc);
    uint64_t seed = (uint64_t)ts_scenario_int(o->sc, "seed");
    for (size_t i = 0; i < n; i++) {
        size_t j = ts_posterior_draw_index(w, n_kept, seed, (uint32_t)i);
        memcpy(&c->check_points[i * k], &x[j * k], k * sizeof *x);
    }
    cal_batch b = {.o = o,
                   .points = c->check_points,
                   .stream = 0,
                   .stats = c->check_stats,
                   .dist = c->check_dist,
                   .keep = c->check_res,
                   .invalid = &c->invalid,
                   .first_invalid = c->first_invalid};
    ts_status st = cal_run_batch(&b, n, &c->interrupted, err);
    for (size_t j = 0; st == TS_OK && !c->interrupted && j < m; j++) {
        size_t got = 0;
        for (size_t i = 0; i < n; i++) {
            double v = c->check_stats[i * m + j];
            if (isfinite(v)) {
                col[got++] = v;
            }
        }
        double *p = &c->pred[j * 4];
        p[0] = p[1] = p[2] = NAN;
        p[3] = 0.0;
        if (got > 0) {
            gsl_sort(col, 1, got);
            p[0] = gsl_stats_mean(col, 1, got);
            p[1] = gsl_stats_quantile_from_sorted_data(col, 1, got, 0.05);
            p[2] = gsl_stats_quantile_from_sorted_data(col, 1, got, 0.95);
            p[3] = t->values[j] >= p[1] && t->values[j] <= p[2];
        }
    }
    free(col);
    return st;
}

/* ---- Tables ------------------------------------------------------------------------------ */

static void cal_target_name(const ts_target *x, char *buf, size_t cap) {
    if (x->kind == TS_TARGET_SUMMARY) {
        snprintf(buf, cap, "%s", x->metric);
    } else if (x->has_window) {
        snprintf(buf, cap, "%s %s [%ld, %ld]", x->metric,
                 x->stat == TS_TARGET_STAT_LAST ? "last" : "mean", x->from, x->to);
    } else {
        snprintf(buf, cap, "%s %s", x->metric, x->stat == TS_TARGET_STAT_LAST ? "last" : "mean");
    }
}

static void cal_print(const ts_calibrate_options *o, const cal_out *c, FILE *out) {
    const ts_targets *t = o->targets;
    size_t gens = ts_abc_generation(c->abc);
    fprintf(out,
            "%s: ABC-SMC (adaptive population Monte Carlo), %zu particles, alpha %.2g: %zu "
            "generations, %zu runs; stopped: %s%s\n",
            t->file, t->particles, t->alpha, gens, ts_abc_runs(c->abc),
            c->interrupted ? "interrupted" : ts_abc_stop_message(ts_abc_stop_reason(c->abc)),
            c->interrupted ? " (the posterior of the generations finished)" : "");
    if (c->invalid > 0) {
        fprintf(out, "%zu proposal%s not valid scenarios and rejected, the first: %s\n", c->invalid,
                c->invalid == 1 ? " was" : "s were", c->first_invalid);
    }
    fprintf(out,
            "final tolerance %.4g (distance: root of the summed squared differences from the "
            "targets, each in units of its sd or tolerance)\n",
            gens ? ts_abc_epsilons(c->abc)[gens - 1] : NAN);
    fprintf(out, "\nposterior (weighted kept particles; 90%% intervals; sd ratio: posterior sd / "
                 "prior sd, near 1 when the targets say little)\n");
    fprintf(out, "  %-34s %21s %10s %21s %8s\n", "parameter", "prior", "mean", "90% interval",
            "sd ratio");
    for (size_t i = 0; i < t->n_params; i++) {
        const ts_abc_summary *p = &c->post[i];
        fprintf(out, "  %-34s [%8.4g, %8.4g] %10.4g [%8.4g, %8.4g] %8.3f\n", t->params[i].key,
                t->params[i].low, t->params[i].high, p->mean, p->low, p->high, p->sd_ratio);
    }
    if (c->n_check == 0 || c->interrupted) {
        return;
    }
    fprintf(out,
            "\nposterior predictive check (%zu runs at posterior draws; 90%% interval of "
            "each statistic)\n",
            c->n_check);
    fprintf(out, "  %-44s %10s %10s %21s  %s\n", "target", "value", "predicted", "90% interval",
            "inside");
    for (size_t j = 0; j < t->n_targets; j++) {
        char name[300];
        const double *p = &c->pred[j * 4];
        cal_target_name(&t->targets[j], name, sizeof name);
        fprintf(out, "  %-44s %10.4g %10.4g [%8.4g, %8.4g]  %s\n", name, t->values[j], p[0], p[1],
                p[2], p[3] != 0.0 ? "yes" : "no");
    }
}

/* ---- /calibration ------------------------------------------------------------------------ */

static ts_status cal_matrix(const ts_h5w *w, hid_t g, const char *where, const char *name,
                            const double *v, size_t rows, size_t cols, const char *units,
                            const char *desc) {
    hsize_t dims[2] = {rows, cols};
    return ts_h5_dataset(w, g, where, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, cols ? 2 : 1, dims,
                         v, rows * (cols ? cols : 1) > 256, units, desc);
}

static ts_status cal_strings(const ts_h5w *w, hid_t g, const char *where, const char *name,
                             const char **v, size_t n, const char *units, const char *desc) {
    hsize_t dims[1] = {n};
    hid_t str = ts_h5_string_type();
    ts_status st = ts_h5_dataset(w, g, where, name, str, str, 1, dims, v, 0, units, desc);
    H5Tclose(str);
    return st;
}

static ts_status cal_write_setup(const ts_calibrate_options *o, const ts_h5w *w, hid_t g) {
    const ts_targets *t = o->targets;
    size_t k = t->n_params, m = t->n_targets;
    const char **names = calloc(k + m + 1, sizeof *names);
    char(*tn)[300] = calloc(m + 1, sizeof *tn);
    if (!names || !tn) {
        free(names);
        free(tn);
        return ts_error_set(w->err, TS_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < k; i++) {
        names[i] = t->params[i].key;
    }
    ts_status st = cal_strings(w, g, "/calibration", "parameters", names, k, "key path",
                               "the parameters calibrated, as in the targets file");
    if (st == TS_OK) {
        st = cal_matrix(w, g, "/calibration", "prior_low", t->low, k, 0, "the key's units",
                        "low end of each parameter's uniform prior");
    }
    if (st == TS_OK) {
        st = cal_matrix(w, g, "/calibration", "prior_high", t->high, k, 0, "the key's units",
                        "high end of each parameter's uniform prior");
    }
    for (size_t j = 0; j < m; j++) {
        cal_target_name(&t->targets[j], tn[j], sizeof tn[j]);
        names[j] = tn[j];
    }
    if (st == TS_OK) {
        st = cal_strings(w, g, "/calibration", "targets", names, m, "text",
                         "each target's statistic: a summary scalar, or a daily metric's mean or "
                         "last value with its window of recorded days");
    }
    if (st == TS_OK) {
        st = cal_matrix(w, g, "/calibration", "target_value", t->values, m, 0, "the metric's",
                        "each target's value");
    }
    if (st == TS_OK) {
        st = cal_matrix(w, g, "/calibration", "target_scale", t->scales, m, 0, "the metric's",
                        "each target's sd or tolerance: the unit of its difference in the "
                        "distance");
    }
    free(names);
    free(tn);
    return st;
}

static ts_status cal_write_abc(const ts_calibrate_options *o, const cal_out *c, const ts_h5w *w,
                               hid_t g) {
    const ts_targets *t = o->targets;
    size_t k = t->n_params, m = t->n_targets, gens = ts_abc_generation(c->abc);
    size_t n = ts_abc_n_kept(c->abc);
    ts_status st =
        cal_matrix(w, g, "/calibration", "tolerance", ts_abc_epsilons(c->abc), gens, 0, "distance",
                   "the tolerance (largest kept distance) after each "
                   "generation");
    if (st == TS_OK) {
        st = cal_matrix(w, g, "/calibration", "acceptance", ts_abc_acceptance(c->abc), gens, 0,
                        "fraction",
                        "the share of each generation's runs closer than the "
                        "tolerance in force");
    }
    ts_status s2 = TS_OK;
    hid_t post =
        st == TS_OK ? ts_h5_group(w, g, "/calibration", "posterior", 1, &s2) : H5I_INVALID_HID;
    st = st == TS_OK ? s2 : st;
    const char *at = "/calibration/posterior";
    if (st == TS_OK) {
        st = cal_matrix(w, post, at, "particles", ts_abc_particles(c->abc), n, k, "the keys' units",
                        "the kept particles, one row each, sorted by distance");
    }
    if (st == TS_OK) {
        st = cal_matrix(w, post, at, "weights", ts_abc_weights(c->abc), n, 0, "fraction",
                        "each particle's importance weight, normalised to sum 1");
    }
    if (st == TS_OK) {
        st = cal_matrix(w, post, at, "distances", ts_abc_distances(c->abc), n, 0, "distance",
                        "each particle's distance from the targets");
    }
    if (st == TS_OK) {
        st = cal_matrix(w, post, at, "stats", c->kept_stats, n, m, "the metrics'",
                        "each particle's run's statistics, in the order of /calibration/targets");
    }
    double *sum = calloc(k * 5 + 1, sizeof *sum);
    if (st == TS_OK && sum == NULL) {
        st = ts_error_set(w->err, TS_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; st == TS_OK && i < k; i++) {
        const ts_abc_summary *p = &c->post[i];
        double v[] = {p->mean, p->sd, p->low, p->high, p->sd_ratio};
        for (size_t c5 = 0; c5 < 5; c5++) {
            sum[c5 * k + i] = v[c5];
        }
    }
    static const char *const names[] = {"mean", "sd", "q05", "q95", "sd_ratio"};
    static const char *const what[] = {
        "weighted posterior mean of each parameter", "weighted posterior sd of each parameter",
        "5 % weighted quantile of each parameter", "95 % weighted quantile of each parameter",
        "posterior sd / prior sd of each parameter (near 1: not identified by the targets)"};
    for (size_t c5 = 0; st == TS_OK && c5 < 5; c5++) {
        st = cal_matrix(w, post, at, names[c5], &sum[c5 * k], k, 0,
                        c5 == 4 ? "ratio" : "the keys' units", what[c5]);
    }
    free(sum);
    ts_h5_close_id(&post);
    /* Every simulation, in the order run. */
    hid_t hist =
        st == TS_OK ? ts_h5_group(w, g, "/calibration", "history", 1, &s2) : H5I_INVALID_HID;
    st = st == TS_OK ? s2 : st;
    at = "/calibration/history";
    if (st == TS_OK) {
        st = cal_matrix(w, hist, at, "points", c->hist.points, c->hist.n, k, "the keys' units",
                        "every simulated parameter point, in the order run");
    }
    if (st == TS_OK) {
        st = cal_matrix(w, hist, at, "stats", c->hist.stats, c->hist.n, m, "the metrics'",
                        "its run's statistics");
    }
    if (st == TS_OK) {
        st = cal_matrix(w, hist, at, "distances", c->hist.dist, c->hist.n, 0, "distance",
                        "its distance from the targets (NaN: a statistic was missing)");
    }
    if (st == TS_OK) {
        hsize_t dims[1] = {c->hist.n};
        st = ts_h5_dataset(w, hist, at, "generation", H5T_STD_U32LE, H5T_NATIVE_UINT32, 1, dims,
                           c->hist.generation, c->hist.n > 256, "generation",
                           "the generation it was proposed in (0: drawn from the prior)");
    }
    ts_h5_close_id(&hist);
    return st;
}

static ts_status cal_write_check(const ts_calibrate_options *o, const cal_out *c, const ts_h5w *w,
                                 hid_t g) {
    const ts_targets *t = o->targets;
    size_t m = t->n_targets;
    ts_status st = TS_OK;
    hid_t chk = ts_h5_group(w, g, "/calibration", "check", 1, &st);
    if (chk < 0) {
        return st;
    }
    const char *at = "/calibration/check";
    double *col = calloc(m * 4 + 1, sizeof *col);
    if (col == NULL) {
        ts_h5_close_id(&chk);
        return ts_error_set(w->err, TS_ERR_NOMEM, "out of memory");
    }
    static const char *const names[] = {"predicted_mean", "predicted_q05", "predicted_q95",
                                        "inside"};
    static const char *const what[] = {
        "mean of each target's statistic over the check's runs",
        "5 % quantile of each target's statistic over the check's runs",
        "95 % quantile of each target's statistic over the check's runs",
        "1 where the target's value lies inside the 90 % predictive interval"};
    for (size_t c4 = 0; c4 < 4; c4++) {
        for (size_t j = 0; j < m; j++) {
            col[c4 * m + j] = c->pred[j * 4 + c4];
        }
        if (st == TS_OK) {
            st = cal_matrix(w, chk, at, names[c4], &col[c4 * m], m, 0,
                            c4 == 3 ? "flag" : "the metric's", what[c4]);
        }
    }
    free(col);
    if (st == TS_OK && c->n_check > 0) {
        st = cal_matrix(w, chk, at, "points", c->check_points, c->n_check, t->n_params,
                        "the keys' units", "the posterior draw of each check run (/runs/rNNNNNN)");
    }
    if (st == TS_OK && c->n_check > 0) {
        st = cal_matrix(w, chk, at, "stats", c->check_stats, c->n_check, m, "the metrics'",
                        "each check run's statistics");
    }
    ts_h5_close_id(&chk);
    return st;
}

static ts_status cal_write_group(const ts_calibrate_options *o, const cal_out *c, ts_h5file *f,
                                 ts_error *err) {
    const ts_targets *t = o->targets;
    ts_h5w w = {ts_h5_written_path(f), err, NULL};
    ts_status st = TS_OK;
    hid_t g = ts_h5_group(&w, ts_h5file_id(f), "/", "calibration", 1, &st);
    if (g < 0) {
        return st;
    }
    uint64_t attrs[] = {t->particles, t->max_runs, ts_abc_runs(c->abc), ts_abc_generation(c->abc),
                        c->n_check};
    const char *names[] = {"particles", "max_runs", "runs", "generations", "check_runs"};
    for (size_t i = 0; i < 5 && st == TS_OK; i++) {
        st = ts_h5_attr(&w, g, "/calibration", names[i], H5T_STD_U64LE, H5T_NATIVE_UINT64,
                        &attrs[i]);
    }
    double reals[] = {t->alpha, t->p_acc_min};
    const char *rnames[] = {"alpha", "p_acc_min"};
    for (size_t i = 0; i < 2 && st == TS_OK; i++) {
        st = ts_h5_attr(&w, g, "/calibration", rnames[i], H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                        &reals[i]);
    }
    const char *texts[][2] = {
        {"method", "ABC-SMC: adaptive population Monte Carlo (Lenormand, Jabot and Deffuant "
                   "2013)"},
        {"stopped",
         c->interrupted ? "interrupted" : ts_abc_stop_message(ts_abc_stop_reason(c->abc))},
        {"targets_file", t->file},
        {"targets_yaml", o->targets_text ? o->targets_text : ""}};
    for (size_t i = 0; i < 4 && st == TS_OK; i++) {
        st = ts_h5_attr_string(&w, g, "/calibration", texts[i][0], texts[i][1]);
    }
    if (st == TS_OK) {
        st = cal_write_setup(o, &w, g);
    }
    if (st == TS_OK) {
        st = cal_write_abc(o, c, &w, g);
    }
    if (st == TS_OK && !c->interrupted) {
        st = cal_write_check(o, c, &w, g);
    }
    ts_h5_close_id(&g);
    return st;
}

/* The results file: the check's runs as its runs (grid point 0, replicate i, the posterior
 * draw as the run's parameter attributes), then /calibration. */
static ts_status cal_write(const ts_calibrate_options *o, cal_out *c, const char *path,
                           ts_error *err) {
    const ts_targets *t = o->targets;
    char *yaml = ts_scenario_to_yaml(o->sc);
    ts_h5meta meta = {.scenario_name = ts_scenario_name(o->sc),
                      .scenario_yaml = yaml,
                      .command_line = o->command_line ? o->command_line : ""};
    ts_h5file *f = NULL;
    ts_status st = yaml ? ts_h5_create(path, o->force, &meta, o->sc, &f, err)
                        : ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    ts_param_value *pv = calloc(t->n_params + 1, sizeof *pv);
    char(*texts)[40] = calloc(t->n_params + 1, sizeof *texts);
    if (st == TS_OK && (!pv || !texts)) {
        st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; st == TS_OK && !c->interrupted && i < c->n_check; i++) {
        ts_result *r = &c->check_res[i];
        for (size_t j = 0; j < t->n_params; j++) {
            double v = c->check_points[i * t->n_params + j];
            snprintf(texts[j], sizeof texts[j], "%.17g", v);
            pv[j] = (ts_param_value){
                .key = t->params[j].key, .text = texts[j], .is_number = 1, .number = v};
        }
        r->params = pv;
        r->n_params = t->n_params;
        r->grid_point = 0;
        r->threads = o->threads;
        st = ts_h5_write_run(f, r, err);
        r->params = NULL;
        r->n_params = 0;
    }
    if (st == TS_OK) {
        st = cal_write_group(o, c, f, err);
    }
    if (f != NULL) {
        ts_status fin = st == TS_OK ? ts_h5_finish(f, err) : ts_h5_close(f, NULL);
        st = st == TS_OK ? fin : st;
    }
    free(pv);
    free(texts);
    free(yaml);
    return st;
}

ts_status ts_calibrate(const ts_calibrate_options *o, FILE *out, ts_error *err) {
    cal_out c;
    memset(&c, 0, sizeof c);
    struct stat sb;
    if (!o->force && stat(o->output, &sb) == 0) {
        return ts_error_set(err, TS_ERR_EXISTS, "%s exists: use --force to replace it", o->output);
    }
    ts_status st = cal_abc(o, &c, err);
    if (st == TS_OK) {
        st = cal_posterior(o, &c, err);
    }
    if (st == TS_OK && !c.interrupted) {
        st = cal_check(o, &c, err);
    }
    if (st == TS_OK) {
        cal_print(o, &c, out);
        st = cal_write(o, &c, o->output, err);
    }
    if (st == TS_OK) {
        fprintf(out, "\nwritten to %s:/calibration%s\n", o->output,
                c.interrupted ? "" : " and the check's runs to /runs");
        if (c.interrupted) {
            st = ts_error_set(err, TS_ERR_IO,
                              "interrupted: the posterior of the %zu generations finished is in "
                              "%s, without the predictive check",
                              ts_abc_generation(c.abc), o->output);
        }
    }
    cal_out_free(&c);
    return st;
}
