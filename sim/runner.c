#include "runner.h"

#include "engine.h"
#include "h5out.h"
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
 * flight and stop; 2 (a second Ctrl-C) = stop the runs in flight too. */
static volatile sig_atomic_t ts_runner_interrupt;

static void on_sigint(int sig) {
    (void)sig;
    if (ts_runner_interrupt < 2) {
        ts_runner_interrupt++;
    }
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Progress shared by the runs in flight; updated with atomics, printed under a lock. */
typedef struct progress {
    int show;
    double t0, last_print;
    uint64_t days_done, days_total;
    size_t runs_done, runs_total;
} progress;

static void progress_print(progress *p, int final) {
    double t = now_seconds() - p->t0;
    double rate = t > 0 ? (double)p->days_done / t : 0.0;
    double left = rate > 0 ? (double)(p->days_total - p->days_done) / rate : 0.0;
    fprintf(stderr, "\r  runs %zu/%zu  %.0f days/s  %s %d:%02d ", p->runs_done, p->runs_total, rate,
            final ? "took" : "left", (int)((final ? t : left) / 60),
            (int)fmod(final ? t : left, 60.0));
    if (final) {
        fputc('\n', stderr);
    }
    fflush(stderr);
}

static void on_day(void *ctx, int32_t day) {
    (void)day;
    progress *p = ctx;
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

/* The results file: the --output option, else output.file, else results/<name>.h5. */
static char *output_path(const ts_scenario *sc, const ts_run_options *opt) {
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
    uint64_t seed;
    size_t n_points;
    int inner_threads;
    progress prog;
    double agent_days;
} run_ctx;

/* Runs one grid point x replicate and writes it. Safe to call from several threads:
 * everything but the file write is private to the run. */
static ts_status run_one(run_ctx *c, size_t index, ts_error *err) {
    /* Replicate-major: adding replicates appends runs, so a file resumed with more
     * replicates keeps the runs it has. */
    size_t g = index % c->n_points, r = index / c->n_points;
    ts_scenario *point = NULL;
    ts_engine *eng = NULL;
    ts_result res;
    ts_result_init(&res);
    ts_param_value *pv = NULL;
    size_t n_keys = ts_scenario_n_sweep_keys(c->sc);
    double t0 = now_seconds();
    ts_status st = ts_scenario_at_point(c->sc, g, &point, err);
    if (st != TS_OK) {
        goto cleanup;
    }
    ts_engine_options eo = {.seed = ts_rng_run_seed(c->seed, (uint32_t)g, (uint32_t)r),
                            .threads = c->inner_threads,
                            .progress = on_day,
                            .progress_ctx = &c->prog,
                            .stop = NULL};
    /* Only a second Ctrl-C stops a run in flight. */
    static const int never = 0;
    eo.stop = &never;
    st = ts_engine_create(point, c->opt->modules, c->opt->n_modules, &eo, &eng, err);
    if (st != TS_OK) {
        goto cleanup;
    }
    st = ts_engine_run(eng, &res, err);
    if (st != TS_OK) {
        goto cleanup;
    }
    pv = calloc(n_keys ? n_keys : 1, sizeof *pv);
    if (!pv) {
        st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        goto cleanup;
    }
    fill_params(c->sc, g, pv, n_keys);
    res.run_index = (uint32_t)index;
    res.grid_point = (uint32_t)g;
    res.replicate = (uint32_t)r;
    res.seed = eo.seed;
    res.threads = c->inner_threads;
    res.params = pv;
    res.n_params = n_keys;
    res.wall_seconds = now_seconds() - t0;
    const ts_series *hc = ts_result_find_series(&res, "headcount");
    double ad = 0.0;
    for (size_t d = 1; hc && d < hc->n; d++) {
        ad += hc->values[d];
    }
#pragma omp critical(ts_runner_file)
    {
        st = ts_h5_write_run(c->file, &res, err);
        c->prog.runs_done++;
        c->agent_days += ad;
    }
cleanup:
    res.params = NULL;
    free(pv);
    ts_result_free(&res);
    ts_engine_free(eng);
    ts_scenario_free(point);
    return st;
}

ts_status ts_runner_run(const ts_scenario *sc, const ts_run_options *opt, ts_error *err) {
    ts_status st = TS_OK;
    char *path = output_path(sc, opt);
    char *yaml = ts_scenario_to_yaml(sc);
    unsigned char *done = NULL;
    size_t *pending = NULL;
    ts_h5file *file = NULL;
    struct sigaction old_sa, sa;
    int handler_set = 0;
    if (!path || !yaml) {
        st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        goto cleanup;
    }
    size_t n_points = ts_scenario_n_points(sc);
    size_t reps = (size_t)ts_scenario_int(sc, "replicates");
    size_t n_runs = n_points * reps;
    done = calloc(n_runs, 1);
    pending = calloc(n_runs, sizeof *pending);
    if (!done || !pending) {
        st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        goto cleanup;
    }
    ts_h5meta meta = {.scenario_name = ts_scenario_name(sc),
                      .scenario_yaml = yaml,
                      .command_line = opt->command_line ? opt->command_line : ""};
    struct stat sb;
    if (opt->resume && stat(path, &sb) == 0) {
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

    int threads = opt->threads > 0 ? opt->threads : omp_get_num_procs();
    int64_t headcount = ts_scenario_int(sc, "org.headcount");
    int across = n_pending > 1 && headcount <= TS_RUNNER_SMALL_ORG && threads > 1;
    run_ctx c = {.sc = sc,
                 .opt = opt,
                 .file = file,
                 .seed = (uint64_t)ts_scenario_int(sc, "seed"),
                 .n_points = n_points,
                 .inner_threads = across ? 1 : threads};
    int32_t days = (int32_t)ts_scenario_int(sc, "days");
    int32_t warm = (int32_t)ts_scenario_int(sc, "org.warmup_days");
    c.prog.show = !opt->quiet && isatty(STDERR_FILENO);
    c.prog.t0 = now_seconds();
    c.prog.runs_total = n_pending;
    c.prog.days_total = (uint64_t)n_pending * (uint64_t)(days + warm);

    ts_runner_interrupt = 0;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, &old_sa) == 0) {
        handler_set = 1;
    }

    ts_status first = TS_OK;
    ts_error first_err;
    ts_error_clear(&first_err);
    size_t next = 0;
#pragma omp parallel num_threads(across ? threads : 1) default(none)                               \
    shared(c, pending, n_pending, next, first, first_err, ts_runner_interrupt)
    {
        for (;;) {
            size_t k;
#pragma omp atomic capture
            k = next++;
            if (k >= n_pending || ts_runner_interrupt) {
                break;
            }
            int failed;
#pragma omp atomic read
            failed = first;
            if (failed != TS_OK) {
                break;
            }
            ts_error e;
            ts_error_clear(&e);
            ts_status s = run_one(&c, pending[k], &e);
            if (s != TS_OK) {
#pragma omp critical(ts_runner_error)
                if (first == TS_OK) {
                    first = s;
                    first_err = e;
                }
            }
        }
    }
    if (c.prog.show) {
        progress_print(&c.prog, 1);
    }
    ts_status cst = ts_h5_close(file, first == TS_OK ? err : NULL);
    file = NULL;
    if (first != TS_OK) {
        *err = first_err;
        st = first;
        goto cleanup;
    }
    if (cst != TS_OK) {
        st = cst;
        goto cleanup;
    }
    double secs = now_seconds() - c.prog.t0;
    if (ts_runner_interrupt) {
        st = ts_error_set(err, TS_ERR_INTERRUPTED,
                          "interrupted: %zu of %zu runs written to %s; finish with --resume",
                          c.prog.runs_done + (n_runs - n_pending), n_runs, path);
        goto cleanup;
    }
    fprintf(stderr,
            "trustsim: %zu run%s (%zu grid point%s x %zu replicate%s%s) in %.2f s, "
            "%.3g agent-days/s -> %s\n",
            c.prog.runs_done, c.prog.runs_done == 1 ? "" : "s", n_points, n_points == 1 ? "" : "s",
            reps, reps == 1 ? "" : "s", n_pending < n_runs ? ", resumed" : "", secs,
            secs > 0 ? c.agent_days / secs : 0.0, path);
cleanup:
    if (handler_set) {
        sigaction(SIGINT, &old_sa, NULL);
    }
    if (file) {
        ts_h5_close(file, NULL);
    }
    free(pending);
    free(done);
    free(yaml);
    free(path);
    return st;
}
