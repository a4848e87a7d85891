#include "runner.h"

#include "posterior.h"

#include "engine.h"
#include "h5out.h"
#include "mpi_runner.h"
#include "rng.h"

#include <math.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
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

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- The pool of runs ------------------------------------------------------------------ */

/* Progress shared by the runs in flight; updated with atomics, printed under a lock. */
struct ts_runner_pool {
    int show, elapsed;
    double t0, last_print;
    uint64_t days_done, days_total;
    size_t runs_done, runs_total;
};

static void progress_print(ts_runner_pool *p, int final) {
    double t = now_seconds() - p->t0;
    double rate = t > 0 ? (double)p->days_done / t : 0.0;
    double left = rate > 0 ? (double)(p->days_total - p->days_done) / rate : 0.0;
    fprintf(stderr, "\r  runs %zu/%zu  %.0f days/s  ", p->runs_done, p->runs_total, rate);
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
        double t = now_seconds();
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
                        .t0 = now_seconds(),
                        .days_total = b->days_total,
                        .runs_total = b->n_jobs};
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
    out->seconds = now_seconds() - p.t0;
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
    double agent_days;
} run_ctx;

/* Runs grid point x replicate `index` into *res (initialised here; on failure empty).
 * Safe to call from several threads: everything is private to the run. */
static ts_status compute_run(run_ctx *c, size_t index, int threads, ts_runner_pool *pool,
                             ts_result *res, ts_error *err) {
    /* Replicate-major: adding replicates appends runs, so a file resumed with more
     * replicates keeps the runs it has. */
    size_t g = index % c->n_points, r = index / c->n_points;
    ts_scenario *point = NULL;
    double t0 = now_seconds();
    ts_result_init(res);
    ts_status st = ts_scenario_at_point(c->sc, g, &point, err);
    if (st == TS_OK && c->opt->posterior != NULL) {
        const ts_posterior *post = c->opt->posterior;
        size_t j = ts_posterior_draw(post, (uint64_t)ts_scenario_int(c->sc, "seed"), (uint32_t)r);
        st = ts_posterior_apply(post, j, point, err);
    }
    /* Every grid point of a replicate runs with the same seed (common random numbers):
     * arms of a comparison differ only in what the sweep changes, and `compare` pairs
     * them by replicate. The point's own `seed` counts, so a sweep over seed varies it.
     * The points of a sensitivity design each have their own seeds instead, so that the
     * dummy factor's effect is the noise between runs. */
    uint64_t seed = 0;
    if (st == TS_OK) {
        uint32_t own = ts_scenario_points_share_seeds(c->sc) ? 0 : (uint32_t)g + 1;
        seed = ts_rng_run_seed((uint64_t)ts_scenario_int(point, "seed"), own, (uint32_t)r);
        st = ts_runner_run_point(point, seed, threads, c->opt->modules, c->opt->n_modules, pool,
                                 res, err);
    }
    ts_scenario_free(point);
    if (st == TS_OK) {
        res->run_index = (uint32_t)index;
        res->grid_point = (uint32_t)g;
        res->replicate = (uint32_t)r;
        res->seed = seed;
        res->threads = threads;
        res->wall_seconds = now_seconds() - t0;
    }
    return st;
}

/* Writes a finished run, with its swept values, to the file (one thread at a time). */
static ts_status write_run(run_ctx *c, ts_result *res, ts_error *err) {
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
#pragma omp critical(ts_runner_file)
    {
        st = ts_h5_write_run(c->file, res, err);
        c->agent_days += ad;
    }
    res->params = NULL;
    res->n_params = 0;
    free(pv);
    free(texts);
    return st;
}

/* A job of the pool: run and write pending run `job`. */
static ts_status run_one(void *ctx, size_t job, int threads, ts_runner_pool *pool, ts_error *err) {
    run_ctx *c = ctx;
    ts_result res;
    ts_status st = compute_run(c, c->pending[job], threads, pool, &res, err);
    if (st == TS_OK) {
        st = write_run(c, &res, err);
    }
    ts_result_free(&res);
    return st;
}

/* The same, as the MPI sweep calls them (sim/mpi_runner.h). */
static ts_status mpi_compute(void *ctx, size_t index, int threads, ts_result *res, ts_error *err) {
    return compute_run(ctx, index, threads, NULL, res, err);
}

static ts_status mpi_write(void *ctx, ts_result *res, ts_error *err) {
    return write_run(ctx, res, err);
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

/* A rank other than 0 of an MPI sweep: it computes what rank 0 deals it. */
static ts_status run_as_worker(const ts_scenario *sc, const ts_run_options *opt, ts_error *err) {
    ts_status st = ts_mpi_go(TS_OK, err);
    if (st != TS_OK) {
        return st;
    }
    run_ctx c = {.sc = sc, .opt = opt, .n_points = ts_scenario_n_points(sc)};
    ts_mpi_sweep sw = {.compute = mpi_compute,
                       .ctx = &c,
                       .threads = opt->threads,
                       .large = ts_runner_is_large(sc)};
    ts_mpi_outcome oc;
    return ts_mpi_run_sweep(&sw, &ts_runner_interrupt, &oc, err);
}

/* Rank 0 of an MPI sweep: deals the pending runs and writes what comes back. SIGINT stops
 * the dealing, as in one process. */
static ts_status run_as_coordinator(run_ctx *c, size_t *pending, size_t n_pending,
                                    ts_runner_outcome *out, ts_error *err) {
    ts_status st = longest_first(c->sc, c->n_points, pending, n_pending, err);
    if (ts_mpi_go(st, err) != TS_OK) {
        return st;
    }
    struct sigaction old_sa, sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    int handler_set = sigaction(SIGINT, &sa, &old_sa) == 0;
    ts_runner_interrupt = 0;
    ts_mpi_sweep sw = {.jobs = pending,
                       .n_jobs = n_pending,
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
    size_t n_pending = 0;
    for (size_t i = 0; i < n_runs; i++) {
        if (!done[i]) {
            pending[n_pending++] = i;
        }
    }
    /* Every grid point has the scenario's initial headcount. */
    memset(large, ts_runner_is_large(sc), n_runs);

    int32_t days = (int32_t)ts_scenario_int(sc, "days");
    int32_t warm = (int32_t)ts_scenario_int(sc, "org.warmup_days");
    run_ctx c = {.sc = sc, .opt = opt, .file = file, .n_points = n_points, .pending = pending};
    ts_runner_outcome oc;
    ts_status first;
    if (mpi) {
        dealt = 1;
        first = run_as_coordinator(&c, pending, n_pending, &oc, err);
    } else {
        ts_runner_batch batch = {.n_jobs = n_pending,
                                 .large = large,
                                 .run = run_one,
                                 .ctx = &c,
                                 .threads = opt->threads > 0 ? opt->threads : omp_get_num_procs(),
                                 .show_progress = !opt->quiet && isatty(STDERR_FILENO),
                                 .days_total = (uint64_t)n_pending * (uint64_t)(days + warm)};
        first = ts_runner_pool_run(&batch, &oc, err);
    }
    size_t written = oc.runs_done + (n_runs - n_pending);
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
    fprintf(stderr,
            "trustsim: %zu run%s (%zu grid point%s x %zu replicate%s%s)%s in %.2f s, "
            "%.3g agent-days/s -> %s\n",
            oc.runs_done, oc.runs_done == 1 ? "" : "s", n_points, n_points == 1 ? "" : "s", reps,
            reps == 1 ? "" : "s", n_pending < n_runs ? ", resumed" : "", ranks, oc.seconds,
            oc.seconds > 0 ? c.agent_days / oc.seconds : 0.0, path);
cleanup:
    if (mpi && !dealt) {
        /* The other ranks wait to hear whether the sweep goes ahead: it does not. */
        ts_mpi_go(st != TS_OK ? st : TS_ERR_INTERNAL, NULL);
    }
    if (file) {
        ts_h5_close(file, NULL);
    }
    free(pending);
    free(large);
    free(done);
    free(yaml);
    free(path);
    return st;
}
