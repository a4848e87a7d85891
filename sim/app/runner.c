#include "runner.h"

#include "posterior.h"

#include "checkpoint_h5.h"

#include "clock.h"
#include "engine.h"
#include "h5out.h"
#include "mpi_runner.h"
#include "results_pack.h"
#include "rng.h"

#include <math.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Organisations up to this size run one per thread; larger ones get every thread. */
#define TS_RUNNER_SMALL_ORG 5000

/* The one piece of process-wide state: what SIGINT asked for. 1 = finish the runs in
 * flight and stop; 2 (a second Ctrl-C) = stop the runs in flight too, at the end of their
 * current day (ts_runner_stop_now is what the engines poll). */
static volatile sig_atomic_t ts_runner_interrupt;
static volatile sig_atomic_t ts_runner_stop_now;

static void on_sigint(int sig) {
    (void)sig;
    static const char first[] = "\ntrustsim: finishing the runs in flight (Ctrl-C again to "
                                "stop them now)\n";
    static const char second[] = "\ntrustsim: stopping the runs in flight\n";
    if (ts_runner_interrupt < 2) {
        ts_runner_interrupt++;
    }
    if (ts_runner_interrupt >= 2) {
        ts_runner_stop_now = 1;
    }
    /* write(2) is safe in a handler; stdio is not. */
    ssize_t ignored = ts_runner_interrupt >= 2 ? write(STDERR_FILENO, second, sizeof second - 1)
                                               : write(STDERR_FILENO, first, sizeof first - 1);
    (void)ignored;
}

/* ---- The pool of runs ------------------------------------------------------------------ */

/* Progress shared by the runs in flight; updated with atomics, printed under a lock. */
struct ts_runner_pool {
    int show, elapsed;
    double t0, last_print;
    uint64_t days_done, days_total;
    size_t runs_done, runs_total;
    const char *unit; /* what a job is: "runs", or "replicates" in a branched sweep */
};

static void progress_print(ts_runner_pool *p, int final) {
    double t = ts_clock_seconds() - p->t0;
    double rate = t > 0 ? (double)p->days_done / t : 0.0;
    double left = rate > 0 ? (double)(p->days_total - p->days_done) / rate : 0.0;
    fprintf(stderr, "\r  %s %zu/%zu  %.0f days/s  ", p->unit, p->runs_done, p->runs_total, rate);
    if (p->elapsed && !final) {
        fprintf(stderr, "%d:%02d elapsed, ", (int)(t / 60), (int)fmod(t, 60.0));
    }
    fprintf(stderr, "%s %d:%02d ", final ? "took" : "left", (int)((final ? t : left) / 60),
            (int)fmod(final ? t : left, 60.0));
    if (final) {
        fputc('\n', stderr);
    }
    fflush(stderr);
}

static void on_day(void *ctx, int32_t day) {
    (void)day;
    ts_runner_pool *p = ctx;
    uint64_t done;
#pragma omp atomic capture
    done = ++p->days_done;
    if (!p->show || (done & 63) != 0) {
        return;
    }
#pragma omp critical(ts_runner_progress)
    {
        double t = ts_clock_seconds();
        if (t - p->last_print >= 0.25) {
            p->last_print = t;
            progress_print(p, 0);
        }
    }
}

int ts_runner_is_large(const ts_scenario *sc) {
    return ts_scenario_int(sc, "org.headcount") > TS_RUNNER_SMALL_ORG;
}

ts_status ts_runner_run_point(const ts_scenario *point, uint64_t seed, int threads,
                              const ts_module *const *modules, size_t n_modules,
                              ts_runner_pool *pool, ts_result *res, ts_error *err) {
    ts_engine *eng = NULL;
    ts_result_init(res);
    ts_engine_options eo = {.seed = seed,
                            .threads = threads,
                            .progress = pool ? on_day : NULL,
                            .progress_ctx = pool,
                            .stop = &ts_runner_stop_now};
    ts_status st = ts_engine_create(point, modules, n_modules, &eo, &eng, err);
    if (st == TS_OK) {
        st = ts_engine_run(eng, res, err);
    }
    ts_engine_free(eng);
    if (st != TS_OK) {
        ts_result_free(res);
    }
    return st;
}

/* Runs jobs[0..n) in order, `across` threads taking one job at a time each (1: in this
 * thread), each job given `inner` threads. The first failure stops the taking of jobs. */
static void pool_phase(const ts_runner_batch *b, ts_runner_pool *p, const size_t *jobs, size_t n,
                       int across, int inner, ts_status *first, ts_error *first_err) {
    size_t next = 0;
#pragma omp parallel num_threads(across) default(none)                                             \
    shared(b, p, jobs, n, inner, next, first, first_err, ts_runner_interrupt, ts_runner_stop_now)
    {
        for (;;) {
            size_t k;
#pragma omp atomic capture
            k = next++;
            if (k >= n || ts_runner_interrupt) {
                break;
            }
            int failed;
#pragma omp atomic read
            failed = *first;
            if (failed != TS_OK) {
                break;
            }
            ts_error e;
            ts_error_clear(&e);
            ts_status s = b->run(b->ctx, jobs[k], inner, p, &e);
            if (s == TS_ERR_INTERRUPTED && ts_runner_stop_now) {
                break; /* stopped by a second Ctrl-C: not a failure, not written */
            }
            if (s != TS_OK) {
#pragma omp critical(ts_runner_error)
                if (*first == TS_OK) {
                    *first = s;
                    *first_err = e;
                }
            } else {
#pragma omp atomic update
                p->runs_done++;
            }
        }
    }
}

ts_status ts_runner_pool_run(const ts_runner_batch *b, ts_runner_outcome *out, ts_error *err) {
    ts_runner_pool p = {.show = b->show_progress,
                        .elapsed = b->show_elapsed,
                        .t0 = ts_clock_seconds(),
                        .days_total = b->days_total,
                        .runs_total = b->n_jobs,
                        .unit = b->unit ? b->unit : "runs"};
    size_t *jobs = calloc(b->n_jobs ? b->n_jobs : 1, sizeof *jobs);
    struct sigaction old_sa, sa;
    int handler_set = 0;
    memset(out, 0, sizeof *out);
    if (!jobs) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    ts_runner_interrupt = 0;
    ts_runner_stop_now = 0;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, &old_sa) == 0) {
        handler_set = 1;
    }
    ts_status first = TS_OK;
    ts_error first_err;
    ts_error_clear(&first_err);
    int threads = b->threads > 0 ? b->threads : 1;
    /* Small organisations first, one per thread; then the large ones, one at a time with
     * every thread inside. A single run gets every thread either way. */
    for (int large = 0; large <= 1 && first == TS_OK && !ts_runner_interrupt; large++) {
        size_t n = 0;
        for (size_t i = 0; i < b->n_jobs; i++) {
            if ((b->large && b->large[i]) == large) {
                jobs[n++] = i;
            }
        }
        int across = !large && n > 1 && threads > 1;
        pool_phase(b, &p, jobs, n, across ? threads : 1, across ? 1 : threads, &first, &first_err);
    }
    if (p.show) {
        progress_print(&p, 1);
    }
    if (handler_set) {
        sigaction(SIGINT, &old_sa, NULL);
    }
    free(jobs);
    out->runs_done = p.runs_done;
    out->interrupted = ts_runner_interrupt != 0;
    out->seconds = ts_clock_seconds() - p.t0;
    if (first != TS_OK) {
        *err = first_err;
    }
    return first;
}

/* ---- trustsim run ------------------------------------------------------------------------ */

/* The results file: the --output option, else output.file, else results/<name>.h5. */
char *ts_runner_output_path(const ts_scenario *sc, const ts_run_options *opt) {
    const char *p = opt->output;
    if (!p || !*p) {
        p = ts_scenario_string(sc, "output.file");
    }
    if (p && *p) {
        return strdup(p);
    }
    const char *name = ts_scenario_name(sc);
    size_t n = strlen(name) + 16;
    char *s = malloc(n);
    if (s) {
        snprintf(s, n, "results/%s.h5", name);
    }
    return s;
}

/* A swept key's value is stored as a number when the key is numeric (as in /sweep/grid). */
static void fill_params(const ts_scenario *sc, size_t g, ts_param_value *pv, size_t n) {
    for (size_t k = 0; k < n; k++) {
        const char *text = ts_scenario_sweep_value(sc, k, g);
        ts_ptype t = ts_scenario_sweep_type(sc, k);
        pv[k].key = ts_scenario_sweep_key(sc, k);
        pv[k].text = text;
        pv[k].is_number = t == TS_PT_INT || t == TS_PT_REAL;
        pv[k].number = pv[k].is_number ? strtod(text, NULL) : NAN;
    }
}

typedef struct run_ctx {
    const ts_scenario *sc;
    const ts_run_options *opt;
    ts_h5file *file;
    size_t n_points;
    const size_t *pending;
    const unsigned char *done; /* per run: already in the file (--resume) */
    double agent_days;
    /* Branched (branch_day >= 0) or continued (--from): the jobs are replicates, each
     * continuing one history; `base` is the scenario the histories run. */
    int branched;
    int32_t branch_day;
    ts_scenario *base;
    const struct history *from; /* --from: the saved state every grid point continues */
    size_t runs_written;
    uint64_t days_simulated;
} run_ctx;

/* A run's output: its result and the checkpoints it saved. */
typedef struct run_out {
    ts_result res;
    ts_ckpt **cks;
    size_t n_cks;
    ts_h5pre *pre; /* its arrays compressed by the rank that ran it (MPI), or NULL */
} run_out;

static void run_out_free(run_out *o) {
    ts_h5_pre_free(o->pre);
    o->pre = NULL;
    ts_result_free(&o->res);
    for (size_t i = 0; i < o->n_cks; i++) {
        ts_ckpt_free(o->cks[i]);
    }
    free(o->cks);
    o->cks = NULL;
    o->n_cks = 0;
}

/* A shared history: the state at its last day, the rows and snapshots recorded so far,
 * and the checkpoints saved on the way (output.checkpoints up to that day). */
typedef struct history {
    ts_ckpt *at;
    ts_result past;
    ts_ckpt **cks;
    size_t n_cks;
    char source[1200]; /* names it in messages */
} history;

static void history_free(history *h) {
    ts_ckpt_free(h->at);
    h->at = NULL;
    ts_result_free(&h->past);
    for (size_t i = 0; i < h->n_cks; i++) {
        ts_ckpt_free(h->cks[i]);
    }
    free(h->cks);
    h->cks = NULL;
    h->n_cks = 0;
}

/* output.checkpoints of sc, the days after `after` only (INT32_MIN: all), in *n. */
static int32_t *checkpoint_days(const ts_scenario *sc, int32_t after, size_t *n) {
    size_t len = ts_scenario_list_len(sc, "output.checkpoints");
    int32_t *days = calloc(len + 1, sizeof *days);
    *n = 0;
    for (size_t i = 0; days && i < len; i++) {
        long d = strtol(ts_scenario_list_item(sc, "output.checkpoints", i), NULL, 10);
        if (d > after) {
            days[(*n)++] = (int32_t)d;
        }
    }
    return days;
}

/* Runs `point` with `seed` into o (initialised here), continuing h (NULL: from the start),
 * up to the end of day `last` (-1: the whole run, with its end tables). */
static ts_status run_engine(run_ctx *c, const ts_scenario *point, uint64_t seed, int threads,
                            ts_runner_pool *pool, const history *h, int32_t last, run_out *o,
                            ts_engine **keep, ts_error *err) {
    memset(o, 0, sizeof *o);
    ts_result_init(&o->res);
    size_t n_days = 0;
    int32_t *days = checkpoint_days(point, h ? h->at->day : INT32_MIN, &n_days);
    if (!days) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    ts_engine *eng = NULL;
    ts_engine_options eo = {.seed = seed,
                            .threads = threads,
                            .progress = pool ? on_day : NULL,
                            .progress_ctx = pool,
                            .stop = &ts_runner_stop_now,
                            .checkpoint_days = days,
                            .n_checkpoint_days = n_days};
    ts_status st = ts_engine_create(point, c->opt->modules, c->opt->n_modules, &eo, &eng, err);
    int32_t first = eng ? ts_engine_world(eng)->day : 0;
    if (st == TS_OK && h) {
        st = ts_engine_restore(eng, h->at, &h->past, &o->res, h->source, err);
        first = ts_engine_world(eng)->day;
    }
    /* The history's checkpoints come first, as if this run had saved them. */
    for (size_t i = 0; st == TS_OK && h && i < h->n_cks; i++) {
        ts_ckpt **p = realloc(o->cks, (o->n_cks + 1) * sizeof *p);
        if (!p || !(p[o->n_cks] = ts_ckpt_copy(h->cks[i]))) {
            o->cks = p ? p : o->cks;
            st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
            break;
        }
        o->cks = p;
        o->n_cks++;
    }
    if (st == TS_OK) {
        st = last >= 0 ? ts_engine_run_to(eng, &o->res, last, err)
                       : ts_engine_run(eng, &o->res, err);
    }
    if (st == TS_OK) {
        size_t n = 0;
        ts_ckpt **mine = ts_engine_take_checkpoints(eng, &n);
        ts_ckpt **p = n ? realloc(o->cks, (o->n_cks + n) * sizeof *p) : o->cks;
        if (n && !p) {
            st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        }
        for (size_t i = 0; i < n; i++) {
            if (p) {
                p[o->n_cks++] = mine[i];
            } else {
                ts_ckpt_free(mine[i]);
            }
        }
        o->cks = p ? p : o->cks;
        free(mine);
        uint64_t steps = (uint64_t)((int64_t)ts_engine_world(eng)->day - first);
#pragma omp atomic update
        c->days_simulated += steps;
    }
    if (st == TS_OK && keep) {
        *keep = eng;
    } else {
        ts_engine_free(eng);
    }
    free(days);
    if (st != TS_OK) {
        run_out_free(o);
    }
    return st;
}

/* The scenario of grid point g, replicate r: the point, with the replicate's posterior
 * draw when there is one. */
static ts_status point_of(run_ctx *c, size_t g, size_t r, ts_scenario **point, ts_error *err) {
    ts_status st = g == SIZE_MAX ? ts_scenario_base(c->sc, point, err)
                                 : ts_scenario_at_point(c->sc, g, point, err);
    if (st == TS_OK && c->opt->posterior != NULL) {
        const ts_posterior *post = c->opt->posterior;
        size_t j = ts_posterior_draw(post, (uint64_t)ts_scenario_int(c->sc, "seed"), (uint32_t)r);
        st = ts_posterior_apply(post, j, *point, err);
    }
    return st;
}

/* Runs grid point x replicate `index` into *o (initialised here; on failure empty),
 * continuing h when given. Safe to call from several threads: everything is private to
 * the run. */
static ts_status compute_run(run_ctx *c, size_t index, int threads, ts_runner_pool *pool,
                             const history *h, run_out *o, ts_error *err) {
    /* Replicate-major: adding replicates appends runs, so a file resumed with more
     * replicates keeps the runs it has. */
    size_t g = index % c->n_points, r = index / c->n_points;
    ts_scenario *point = NULL;
    double t0 = ts_clock_seconds();
    memset(o, 0, sizeof *o);
    ts_result_init(&o->res);
    ts_status st = point_of(c, g, r, &point, err);
    /* Every grid point of a replicate runs with the same seed (common random numbers):
     * arms of a comparison differ only in what the sweep changes, and `compare` pairs
     * them by replicate. The point's own `seed` counts, so a sweep over seed varies it.
     * The points of a sensitivity design each have their own seeds instead, so that the
     * dummy factor's effect is the noise between runs. A run continued from a saved state
     * keeps the seed of the run that saved it. */
    uint64_t seed = 0;
    if (st == TS_OK) {
        uint32_t own = ts_scenario_points_share_seeds(c->sc) ? 0 : (uint32_t)g + 1;
        seed = h ? h->at->seed
                 : ts_rng_run_seed((uint64_t)ts_scenario_int(point, "seed"), own, (uint32_t)r);
        st = run_engine(c, point, seed, threads, pool, h, -1, o, NULL, err);
    }
    ts_scenario_free(point);
    if (st == TS_OK) {
        o->res.run_index = (uint32_t)index;
        o->res.grid_point = (uint32_t)g;
        o->res.replicate = (uint32_t)r;
        o->res.seed = seed;
        o->res.threads = threads;
        o->res.wall_seconds = ts_clock_seconds() - t0;
        for (size_t i = 0; i < o->n_cks; i++) {
            o->cks[i]->run_index = (uint32_t)index;
            o->cks[i]->grid_point = (uint32_t)g;
            o->cks[i]->replicate = (uint32_t)r;
        }
    }
    return st;
}

/* The shared history of replicate r: the base scenario (with the replicate's posterior
 * draw) up to the end of branch_day, its checkpoints on the way. */
static ts_status make_history(run_ctx *c, size_t r, int threads, ts_runner_pool *pool, history *h,
                              ts_error *err) {
    ts_scenario *base = NULL;
    memset(h, 0, sizeof *h);
    ts_result_init(&h->past);
    ts_status st = point_of(c, SIZE_MAX, r, &base, err);
    ts_engine *eng = NULL;
    run_out o;
    uint64_t seed = 0;
    if (st == TS_OK) {
        seed = ts_rng_run_seed((uint64_t)ts_scenario_int(base, "seed"), 0, (uint32_t)r);
        st = run_engine(c, base, seed, threads, pool, NULL, c->branch_day, &o, &eng, err);
    }
    if (st == TS_OK) {
        st = ts_engine_save(eng, &o.res, &h->at, err);
        h->past = o.res;
        ts_result_init(&o.res);
        h->cks = o.cks;
        h->n_cks = o.n_cks;
        o.cks = NULL;
        o.n_cks = 0;
        run_out_free(&o);
    }
    ts_engine_free(eng);
    ts_scenario_free(base);
    snprintf(h->source, sizeof h->source, "the shared history of replicate %zu (day %d)", r,
             (int)c->branch_day);
    if (st != TS_OK) {
        history_free(h);
    }
    return st;
}

/* Writes a finished run, with its swept values and checkpoints, to the file (one thread at
 * a time). */
static ts_status write_run(run_ctx *c, run_out *o, ts_error *err) {
    ts_result *res = &o->res;
    size_t n_keys = ts_scenario_n_sweep_keys(c->sc);
    const ts_posterior *post = c->opt->posterior;
    size_t n_post = post ? ts_posterior_n_params(post) : 0;
    ts_param_value *pv = calloc(n_keys + n_post + 1, sizeof *pv);
    char(*texts)[40] = calloc(n_post + 1, sizeof *texts);
    ts_status st = TS_OK;
    if (!pv || !texts) {
        free(pv);
        free(texts);
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    fill_params(c->sc, res->grid_point, pv, n_keys);
    /* The posterior draw of the run's replicate, next to the swept values. */
    size_t j =
        post ? ts_posterior_draw(post, (uint64_t)ts_scenario_int(c->sc, "seed"), res->replicate)
             : 0;
    for (size_t i = 0; i < n_post; i++) {
        double v = ts_posterior_value(post, j, i);
        snprintf(texts[i], sizeof texts[i], "%.17g", v);
        pv[n_keys + i] = (ts_param_value){
            .key = ts_posterior_key(post, i), .text = texts[i], .is_number = 1, .number = v};
    }
    res->params = pv;
    res->n_params = n_keys + n_post;
    const ts_series *hc = ts_result_find_series(res, "headcount");
    double ad = 0.0;
    for (size_t d = 1; hc && d < hc->n; d++) {
        ad += hc->values[d];
    }
    /* Compressed here, by this run's thread (or already by the rank that ran it), so that
     * the file's lock is held only for HDF5's part of the write (out of memory: compressed
     * while written, as before). */
    ts_h5pre *made = NULL;
    if (!o->pre && ts_h5_precompress(res, &made, NULL) != TS_OK) {
        made = NULL;
    }
    const ts_h5pre *pre = o->pre ? o->pre : made;
#pragma omp critical(ts_runner_file)
    {
        ts_h5_set_precompressed(c->file, pre);
        st = ts_ckpt_write_run(c->file, res, o->cks, o->n_cks, err);
        ts_h5_set_precompressed(c->file, NULL);
        c->agent_days += ad;
        c->runs_written += st == TS_OK;
    }
    res->params = NULL;
    res->n_params = 0;
    ts_h5_pre_free(made);
    free(pv);
    free(texts);
    return st;
}

/* ---- Packing runs for MPI ---------------------------------------------------------------- */

typedef struct packbuf {
    unsigned char *buf;
    size_t len;
} packbuf;

static int pack_put(packbuf *p, const void *data, size_t n) {
    unsigned char *b = realloc(p->buf, p->len + n + 1);
    if (!b) {
        return 0;
    }
    p->buf = b;
    memcpy(p->buf + p->len, data, n);
    p->len += n;
    return 1;
}

/* Appends a run (its result, then its checkpoints), each part after its length. */
static ts_status pack_run(const run_out *o, packbuf *p, ts_error *err) {
    unsigned char *b = NULL;
    size_t len = 0;
    ts_status st = ts_result_pack(&o->res, &b, &len, err);
    uint64_t n = len, k = o->n_cks;
    if (st == TS_OK &&
        (!pack_put(p, &n, sizeof n) || !pack_put(p, b, len) || !pack_put(p, &k, sizeof k))) {
        st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    free(b);
    for (size_t i = 0; i < o->n_cks && st == TS_OK; i++) {
        st = ts_ckpt_pack(o->cks[i], &b, &len, err);
        n = len;
        if (st == TS_OK && (!pack_put(p, &n, sizeof n) || !pack_put(p, b, len))) {
            st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        }
        free(b);
        b = NULL;
    }
    /* The run's arrays compressed here, so that rank 0 only writes them (none: length 0,
     * rank 0 compresses them itself). */
    ts_h5pre *pre = NULL;
    b = NULL;
    len = 0;
    if (st == TS_OK && ts_h5_precompress(&o->res, &pre, NULL) == TS_OK &&
        ts_h5_pre_pack(pre, &b, &len, NULL) != TS_OK) {
        len = 0;
    }
    n = len;
    if (st == TS_OK && (!pack_put(p, &n, sizeof n) || (len > 0 && !pack_put(p, b, len)))) {
        st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    free(b);
    ts_h5_pre_free(pre);
    return st;
}

/* ---- Jobs ------------------------------------------------------------------------------------ */

/* A job of a branched sweep or of --from: replicate r's history (simulated once, or the
 * saved state), then every grid point of r still missing continues from it. Each run is
 * handed to `sink` as it ends: written, or packed for rank 0. */
static ts_status run_replicate(run_ctx *c, size_t r, int threads, ts_runner_pool *pool,
                               ts_status (*sink)(run_ctx *, run_out *, void *, ts_error *),
                               void *sink_ctx, ts_error *err) {
    history own;
    const history *h = c->from;
    ts_status st = TS_OK;
    if (!h) {
        st = make_history(c, r, threads, pool, &own, err);
        h = &own;
    }
    for (size_t g = 0; g < c->n_points && st == TS_OK; g++) {
        size_t index = r * c->n_points + g;
        if (c->done && c->done[index]) {
            continue;
        }
        run_out o;
        st = compute_run(c, index, threads, pool, h, &o, err);
        if (st == TS_OK) {
            st = sink(c, &o, sink_ctx, err);
        }
        run_out_free(&o);
    }
    if (h == &own) {
        history_free(&own);
    }
    return st;
}

static ts_status sink_write(run_ctx *c, run_out *o, void *ctx, ts_error *err) {
    (void)ctx;
    return write_run(c, o, err);
}

static ts_status sink_pack(run_ctx *c, run_out *o, void *ctx, ts_error *err) {
    (void)c;
    packbuf *p = ctx;
    uint64_t one = 1;
    /* The count of runs leads the message; each run adds one. */
    if (p->len == 0 && !pack_put(p, &one, sizeof one)) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    if (p->len > sizeof one) {
        uint64_t n;
        memcpy(&n, p->buf, sizeof n);
        n++;
        memcpy(p->buf, &n, sizeof n);
    }
    return pack_run(o, p, err);
}

/* A job of the pool: run and write pending run `job`, or with branches, replicate `job`. */
static ts_status run_one(void *ctx, size_t job, int threads, ts_runner_pool *pool, ts_error *err) {
    run_ctx *c = ctx;
    if (c->branched) {
        return run_replicate(c, c->pending[job], threads, pool, sink_write, NULL, err);
    }
    run_out o;
    ts_status st = compute_run(c, c->pending[job], threads, pool, NULL, &o, err);
    if (st == TS_OK) {
        st = write_run(c, &o, err);
    }
    run_out_free(&o);
    return st;
}

/* The same, as the MPI sweep calls them (sim/app/mpi_runner.h): a job's runs packed, one or
 * (branched) every missing grid point of a replicate. */
static ts_status mpi_compute(void *ctx, size_t index, int threads, unsigned char **buf, size_t *len,
                             ts_error *err) {
    run_ctx *c = ctx;
    packbuf p = {NULL, 0};
    ts_status st;
    if (c->branched) {
        st = run_replicate(c, index, threads, NULL, sink_pack, &p, err);
    } else {
        run_out o;
        st = compute_run(c, index, threads, NULL, NULL, &o, err);
        if (st == TS_OK) {
            st = sink_pack(c, &o, &p, err);
        }
        run_out_free(&o);
    }
    if (st != TS_OK) {
        free(p.buf);
        return st;
    }
    *buf = p.buf;
    *len = p.len;
    return TS_OK;
}

static int unpack_get(const unsigned char *buf, size_t len, size_t *pos, void *out, size_t n) {
    if (n > len - *pos) {
        return 0;
    }
    memcpy(out, buf + *pos, n);
    *pos += n;
    return 1;
}

static ts_status mpi_write(void *ctx, const unsigned char *buf, size_t len, size_t *runs,
                           ts_error *err) {
    run_ctx *c = ctx;
    size_t pos = 0;
    uint64_t n_runs = 0;
    *runs = 0;
    ts_status st = unpack_get(buf, len, &pos, &n_runs, sizeof n_runs)
                       ? TS_OK
                       : ts_error_set(err, TS_ERR_INTERNAL, "a packed run is cut short");
    for (uint64_t i = 0; i < n_runs && st == TS_OK; i++) {
        run_out o;
        uint64_t n = 0, k = 0;
        memset(&o, 0, sizeof o);
        ts_result_init(&o.res);
        if (!unpack_get(buf, len, &pos, &n, sizeof n) || n > len - pos) {
            st = ts_error_set(err, TS_ERR_INTERNAL, "a packed run is cut short");
            break;
        }
        st = ts_result_unpack(buf + pos, (size_t)n, &o.res, err);
        pos += (size_t)n;
        if (st == TS_OK && (!unpack_get(buf, len, &pos, &k, sizeof k) || k > len)) {
            st = ts_error_set(err, TS_ERR_INTERNAL, "a packed run is cut short");
        }
        o.cks = st == TS_OK ? calloc((size_t)k + 1, sizeof *o.cks) : NULL;
        if (st == TS_OK && !o.cks) {
            st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        }
        for (uint64_t j = 0; j < k && st == TS_OK; j++) {
            if (!unpack_get(buf, len, &pos, &n, sizeof n) || n > len - pos) {
                st = ts_error_set(err, TS_ERR_INTERNAL, "a packed run is cut short");
                break;
            }
            st = ts_ckpt_unpack(buf + pos, (size_t)n, &o.cks[o.n_cks], err);
            o.n_cks += st == TS_OK;
            pos += (size_t)n;
        }
        if (st == TS_OK && (!unpack_get(buf, len, &pos, &n, sizeof n) || n > len - pos)) {
            st = ts_error_set(err, TS_ERR_INTERNAL, "a packed run is cut short");
        }
        if (st == TS_OK && n > 0) {
            st = ts_h5_pre_unpack(buf + pos, (size_t)n, &o.pre, err);
        }
        pos += st == TS_OK ? (size_t)n : 0;
        if (st == TS_OK) {
            st = write_run(c, &o, err);
            *runs += st == TS_OK;
        }
        /* The result's strings point into buf: free it before buf goes. */
        run_out_free(&o);
    }
    return st;
}

/* Expected cost of a grid point's runs: people x simulated days at the start. */
static double point_cost(const ts_scenario *sc, size_t g) {
    ts_scenario *point = NULL;
    ts_error e;
    double cost = 0.0;
    if (ts_scenario_at_point(sc, g, &point, &e) == TS_OK) {
        cost = (double)ts_scenario_int(point, "org.headcount") *
               (double)(ts_scenario_int(point, "days") + ts_scenario_int(point, "org.warmup_days"));
    }
    ts_scenario_free(point);
    return cost;
}

typedef struct job_cost {
    size_t index;
    double cost;
} job_cost;

static int by_cost_desc(const void *a, const void *b) {
    const job_cost *x = a, *y = b;
    if (x->cost != y->cost) {
        return x->cost < y->cost ? 1 : -1;
    }
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Orders pending runs longest expected first (ties by index), so that the last runs
 * dealt are short ones and no rank is left with a long run at the end. */
static ts_status longest_first(const ts_scenario *sc, size_t n_points, size_t *pending, size_t n,
                               ts_error *err) {
    job_cost *jc = calloc(n ? n : 1, sizeof *jc);
    double *cost = calloc(n_points ? n_points : 1, sizeof *cost);
    if (!jc || !cost) {
        free(jc);
        free(cost);
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    for (size_t g = 0; g < n_points; g++) {
        cost[g] = point_cost(sc, g);
    }
    for (size_t i = 0; i < n; i++) {
        jc[i] = (job_cost){pending[i], cost[pending[i] % n_points]};
    }
    qsort(jc, n, sizeof *jc, by_cost_desc);
    for (size_t i = 0; i < n; i++) {
        pending[i] = jc[i].index;
    }
    free(jc);
    free(cost);
    return TS_OK;
}

/* Keys a grid point may not change when its runs share a history: they act when the
 * organisation is created or before the branch. */
static const char *const branch_fixed[] = {"seed", "org.headcount", "org.warmup_days",
                                           "trust.capacity", "branch_day"};

ts_status ts_runner_check_branch(const ts_scenario *sc, const ts_run_options *opt, ts_error *err) {
    int32_t branch = (int32_t)ts_scenario_int(sc, "branch_day");
    int from = opt && opt->from;
    if (branch < 0 && !from) {
        return TS_OK;
    }
    const char *why =
        from ? "continue one saved state (run --from)" : "share one history (branch_day)";
    if (from && branch >= 0) {
        return ts_scenario_fail(sc, "branch_day", err,
                                "not with --from (got %d, expected -1: the saved state is the "
                                "shared history)",
                                (int)branch);
    }
    if (from && ts_scenario_int(sc, "replicates") != 1) {
        return ts_scenario_fail(sc, "replicates", err,
                                "not with --from (got %lld, expected 1: a saved state is one "
                                "history, continued with its own seed)",
                                (long long)ts_scenario_int(sc, "replicates"));
    }
    if (ts_scenario_is_design(sc)) {
        return ts_scenario_fail(sc, from ? "sensitivity" : "branch_day", err,
                                "a sensitivity design cannot %s (expected a sweep, or no "
                                "branch_day)",
                                why);
    }
    ts_scenario *base = NULL;
    ts_status st = ts_scenario_base(sc, &base, err);
    size_t n = ts_scenario_n_points(sc);
    for (size_t g = 0; g < n && st == TS_OK && ts_scenario_n_sweep_keys(sc) > 0; g++) {
        ts_scenario *pt = NULL;
        st = ts_scenario_at_point(sc, g, &pt, err);
        for (size_t k = 0; k < sizeof branch_fixed / sizeof branch_fixed[0] && st == TS_OK; k++) {
            const char *key = branch_fixed[k];
            if (from && strcmp(key, "seed") == 0) {
                continue; /* the saved run's seed is used anyway */
            }
            if (ts_scenario_int(pt, key) != ts_scenario_int(base, key)) {
                st = ts_scenario_fail(sc, "sweep", err,
                                      "%s differs at grid point %zu (got %lld, expected %lld as "
                                      "outside the sweep: the grid points %s, and %s acts "
                                      "before it)",
                                      key, g, (long long)ts_scenario_int(pt, key),
                                      (long long)ts_scenario_int(base, key), why, key);
            }
        }
        size_t nd = ts_scenario_list_len(pt, "domains");
        int same = nd == ts_scenario_list_len(base, "domains");
        for (size_t i = 0; i < nd && same; i++) {
            same = strcmp(ts_scenario_list_item(pt, "domains", i),
                          ts_scenario_list_item(base, "domains", i)) == 0;
        }
        if (st == TS_OK && !same) {
            st = ts_scenario_fail(sc, "sweep", err,
                                  "domains differ at grid point %zu (expected the domains outside "
                                  "the sweep: the grid points %s)",
                                  g, why);
        }
        if (st == TS_OK && !from && ts_scenario_int(pt, "days") <= branch) {
            st = ts_scenario_fail(sc, "sweep", err,
                                  "days at grid point %zu is %lld (expected more than branch_day "
                                  "%d)",
                                  g, (long long)ts_scenario_int(pt, "days"), (int)branch);
        }
        ts_scenario_free(pt);
    }
    ts_scenario_free(base);
    return st;
}

/* Sets up the shared histories: branch_day's, or --from's saved state (read here). */
static ts_status branch_setup(run_ctx *c, history *from, ts_error *err) {
    int32_t branch = (int32_t)ts_scenario_int(c->sc, "branch_day");
    if (branch < 0 && !c->opt->from) {
        return TS_OK;
    }
    c->branched = 1;
    c->branch_day = branch;
    if (!c->opt->from) {
        return TS_OK;
    }
    memset(from, 0, sizeof *from);
    ts_result_init(&from->past);
    ts_status st =
        ts_ckpt_read(c->opt->from, c->opt->from_run, c->opt->from_day, &from->at, &from->past, err);
    if (st != TS_OK) {
        return st;
    }
    snprintf(from->source, sizeof from->source, "--from %s (run %llu, day %d)", c->opt->from,
             (unsigned long long)c->opt->from_run, (int)c->opt->from_day);
    c->from = from;
    c->branch_day = from->at->day;
    /* The checkpoints of the scenario up to the saved day, as the file has them (the
     * saved day's own is the state itself). */
    size_t n_days = 0;
    int32_t *days = checkpoint_days(c->sc, INT32_MIN, &n_days);
    if (!days) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n_days && st == TS_OK; i++) {
        if (days[i] > from->at->day) {
            continue;
        }
        ts_ckpt *ck = NULL;
        if (days[i] == from->at->day) {
            ck = ts_ckpt_copy(from->at);
            st = ck ? TS_OK : ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        } else {
            ts_error e2;
            ck = NULL;
            if (ts_ckpt_read(c->opt->from, c->opt->from_run, days[i], &ck, NULL, &e2) != TS_OK) {
                ck = NULL; /* not in the file: the continued run cannot have it either */
            }
        }
        if (ck) {
            ts_ckpt **p = realloc(from->cks, (from->n_cks + 1) * sizeof *p);
            if (!p) {
                ts_ckpt_free(ck);
                st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
                break;
            }
            from->cks = p;
            from->cks[from->n_cks++] = ck;
        }
    }
    free(days);
    return st;
}

/* A rank other than 0 of an MPI sweep: it computes what rank 0 deals it. */
static ts_status run_as_worker(const ts_scenario *sc, const ts_run_options *opt, ts_error *err) {
    ts_status st = ts_mpi_go(TS_OK, err);
    if (st != TS_OK) {
        return st;
    }
    size_t n_points = ts_scenario_n_points(sc);
    size_t n_runs = n_points * (size_t)ts_scenario_int(sc, "replicates");
    unsigned char *done = calloc(n_runs + 1, 1);
    if (!done) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    ts_mpi_share(done, n_runs);
    run_ctx c = {.sc = sc, .opt = opt, .n_points = n_points, .done = done};
    history from;
    memset(&from, 0, sizeof from);
    ts_result_init(&from.past);
    st = branch_setup(&c, &from, err);
    ts_mpi_sweep sw = {.compute = mpi_compute,
                       .ctx = &c,
                       .threads = opt->threads,
                       .large = ts_runner_is_large(sc)};
    ts_mpi_outcome oc;
    /* Every rank takes part in the sweep (collective), even one that could not read --from:
     * its jobs then fail. */
    if (st != TS_OK) {
        c.from = NULL;
        c.branched = 0;
    }
    ts_status rs = ts_mpi_run_sweep(&sw, &ts_runner_interrupt, &oc, err);
    history_free(&from);
    free(done);
    return st != TS_OK ? st : rs;
}

/* Rank 0 of an MPI sweep: deals the pending jobs and writes what comes back. SIGINT stops
 * the dealing, as in one process. */
static ts_status run_as_coordinator(run_ctx *c, size_t *pending, size_t n_pending,
                                    unsigned char *done, size_t n_runs, size_t n_pending_runs,
                                    ts_runner_outcome *out, ts_error *err) {
    ts_status st = c->branched ? TS_OK : longest_first(c->sc, c->n_points, pending, n_pending, err);
    if (ts_mpi_go(st, err) != TS_OK) {
        return st;
    }
    ts_mpi_share(done, n_runs);
    struct sigaction old_sa, sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    int handler_set = sigaction(SIGINT, &sa, &old_sa) == 0;
    ts_runner_interrupt = 0;
    ts_mpi_sweep sw = {.jobs = pending,
                       .n_jobs = n_pending,
                       .n_runs = n_pending_runs,
                       .write = mpi_write,
                       .ctx = c,
                       .threads = c->opt->threads,
                       .large = ts_runner_is_large(c->sc),
                       .show_progress = !c->opt->quiet && isatty(STDERR_FILENO)};
    ts_mpi_outcome oc;
    st = ts_mpi_run_sweep(&sw, &ts_runner_interrupt, &oc, err);
    if (handler_set) {
        sigaction(SIGINT, &old_sa, NULL);
    }
    out->runs_done = oc.runs_done;
    out->interrupted = oc.interrupted;
    out->seconds = oc.seconds;
    return st;
}

ts_status ts_runner_run(const ts_scenario *sc, const ts_run_options *opt, ts_error *err) {
    if (ts_mpi_size() > 1 && ts_mpi_rank() != 0) {
        return run_as_worker(sc, opt, err);
    }
    ts_status st = TS_OK;
    char *path = ts_runner_output_path(sc, opt);
    char *yaml = ts_scenario_to_yaml(sc);
    unsigned char *done = NULL, *large = NULL;
    size_t *pending = NULL;
    ts_h5file *file = NULL;
    int mpi = ts_mpi_size() > 1, dealt = 0;
    history from;
    memset(&from, 0, sizeof from);
    ts_result_init(&from.past);
    run_ctx c = {.sc = sc, .opt = opt};
    if (!path || !yaml) {
        st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        goto cleanup;
    }
    size_t n_points = ts_scenario_n_points(sc);
    size_t reps = (size_t)ts_scenario_int(sc, "replicates");
    size_t n_runs = n_points * reps;
    done = calloc(n_runs, 1);
    large = calloc(n_runs, 1);
    pending = calloc(n_runs, sizeof *pending);
    if (!done || !large || !pending) {
        st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        goto cleanup;
    }
    /* Branches and saved states are checked (and --from read) before anything is written. */
    c.n_points = n_points;
    st = ts_runner_check_branch(sc, opt, err);
    if (st == TS_OK) {
        st = branch_setup(&c, &from, err);
    }
    /* A first engine on the saved state finds what does not fit (another version, domain
     * list, organisation, module schema) before the file is made. */
    for (size_t g = 0; st == TS_OK && c.from && g < n_points; g++) {
        ts_scenario *pt = NULL;
        ts_engine *eng = NULL;
        ts_result probe;
        ts_result_init(&probe);
        ts_engine_options eo = {.seed = from.at->seed, .threads = 1};
        st = point_of(&c, g, 0, &pt, err);
        if (st == TS_OK) {
            st = ts_engine_create(pt, opt->modules, opt->n_modules, &eo, &eng, err);
        }
        if (st == TS_OK) {
            st = ts_engine_restore(eng, from.at, NULL, &probe, from.source, err);
        }
        ts_engine_free(eng);
        ts_result_free(&probe);
        ts_scenario_free(pt);
    }
    if (st != TS_OK) {
        goto cleanup;
    }
    ts_h5meta meta = {.scenario_name = ts_scenario_name(sc),
                      .scenario_yaml = yaml,
                      .command_line = opt->command_line ? opt->command_line : ""};
    if (opt->resume && ts_h5_resumable(path)) {
        st = ts_h5_open_resume(path, &meta, n_runs, done, &file, err);
    } else {
        st = ts_h5_create(path, opt->force, &meta, sc, &file, err);
    }
    if (st != TS_OK) {
        goto cleanup;
    }
    size_t n_pending = 0, n_pending_runs = 0;
    for (size_t i = 0; i < n_runs; i++) {
        if (!done[i]) {
            pending[n_pending++] = i;
        }
    }
    n_pending_runs = n_pending;
    if (c.branched) {
        /* The jobs are the replicates that still miss a run. */
        n_pending = 0;
        for (size_t r = 0; r < reps; r++) {
            size_t missing = 0;
            for (size_t g = 0; g < n_points; g++) {
                missing += !done[r * n_points + g];
            }
            if (missing) {
                pending[n_pending++] = r;
            }
        }
    }
    /* Every grid point has the scenario's initial headcount. */
    memset(large, ts_runner_is_large(sc), n_runs);

    int32_t days = (int32_t)ts_scenario_int(sc, "days");
    int32_t warm = (int32_t)ts_scenario_int(sc, "org.warmup_days");
    /* Days to simulate, for the time left: a branched replicate runs its history once
     * (the warm-up and the days up to the branch) and each missing arm from there on. */
    uint64_t days_total = (uint64_t)n_pending_runs * (uint64_t)(days + warm);
    if (c.branched && c.branch_day >= 0 && c.branch_day < days) {
        uint64_t history = c.from ? 0 : (uint64_t)(warm + c.branch_day); /* --from: read */
        days_total = (uint64_t)n_pending * history +
                     (uint64_t)n_pending_runs * (uint64_t)(days - c.branch_day);
    }
    c.file = file;
    c.pending = pending;
    c.done = done;
    ts_runner_outcome oc;
    ts_status first;
    if (mpi) {
        dealt = 1;
        first = run_as_coordinator(&c, pending, n_pending, done, n_runs, n_pending_runs, &oc, err);
    } else {
        ts_runner_batch batch = {.n_jobs = n_pending,
                                 .large = large,
                                 .run = run_one,
                                 .ctx = &c,
                                 .threads = opt->threads > 0 ? opt->threads : omp_get_num_procs(),
                                 .show_progress = !opt->quiet && isatty(STDERR_FILENO),
                                 .days_total = days_total,
                                 .unit = c.branched ? "replicates" : "runs"};
        first = ts_runner_pool_run(&batch, &oc, err);
    }
    size_t written = c.runs_written + (n_runs - n_pending_runs);
    int complete = first == TS_OK && written == n_runs;
    /* Only a complete file takes the place of the one it replaces. */
    const char *where = ts_h5_written_path(file);
    char *written_to = strdup(where);
    ts_status cst =
        complete ? ts_h5_finish(file, err) : ts_h5_close(file, first == TS_OK ? err : NULL);
    file = NULL;
    if (!written_to) {
        st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        goto cleanup;
    }
    if (first != TS_OK || cst != TS_OK) {
        st = first != TS_OK ? first : cst;
        if (written_to[0]) {
            /* Say what is safe and how to go on, after the reason. A file that could not
             * be closed may be damaged past its complete runs: --resume copies those out. */
            size_t len = strlen(err->msg);
            snprintf(err->msg + len, sizeof err->msg - len,
                     "\n  %zu of %zu runs are %s in %s; finish with --resume", written, n_runs,
                     cst == TS_OK ? "safe" : "complete", written_to);
        }
        free(written_to);
        goto cleanup;
    }
    if (oc.interrupted) {
        st = ts_error_set(err, TS_ERR_INTERRUPTED,
                          "interrupted: %zu of %zu runs written to %s; finish with --resume",
                          written, n_runs, written_to);
        free(written_to);
        goto cleanup;
    }
    free(written_to);
    char ranks[48] = "";
    if (mpi) {
        snprintf(ranks, sizeof ranks, " on %d MPI ranks", ts_mpi_size());
    }
    /* Branched: how the histories were shared (the days simulated, in one process). */
    char shared[160] = "";
    if (c.from) {
        snprintf(shared, sizeof shared, ", continued from day %d", (int)c.branch_day);
    } else if (c.branched && !mpi) {
        snprintf(shared, sizeof shared,
                 ", branched at day %d: %zu shared histor%s, %llu days simulated",
                 (int)c.branch_day, n_pending, n_pending == 1 ? "y" : "ies",
                 (unsigned long long)c.days_simulated);
    } else if (c.branched) {
        snprintf(shared, sizeof shared, ", branched at day %d: %zu shared histor%s",
                 (int)c.branch_day, n_pending, n_pending == 1 ? "y" : "ies");
    }
    fprintf(stderr,
            "trustsim: %zu run%s (%zu grid point%s x %zu replicate%s%s%s)%s in %.2f s, "
            "%.3g agent-days/s -> %s\n",
            c.runs_written, c.runs_written == 1 ? "" : "s", n_points, n_points == 1 ? "" : "s",
            reps, reps == 1 ? "" : "s", n_pending_runs < n_runs ? ", resumed" : "", shared, ranks,
            oc.seconds, oc.seconds > 0 ? c.agent_days / oc.seconds : 0.0, path);
cleanup:
    if (mpi && !dealt) {
        /* The other ranks wait to hear whether the sweep goes ahead: it does not. */
        ts_mpi_go(st != TS_OK ? st : TS_ERR_INTERNAL, NULL);
    }
    if (file) {
        ts_h5_close(file, NULL);
    }
    history_free(&from);
    free(pending);
    free(large);
    free(done);
    free(yaml);
    free(path);
    return st;
}
