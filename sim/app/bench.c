#include "bench.h"

#include "build_info.h"
#include "clock.h"
#include "engine.h"
#include "rng.h"
#include "runner.h"
#include "stats.h"

#include <gsl/gsl_statistics_double.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* The synthetic workload: each employed agent sends TS_BENCH_FANOUT evidence messages
 * a day, first to the people it works with (manager, teammates, reports), then to
 * colleagues drawn from a window of nearby ids (its wider department). A receiver
 * records a success or failure of the sender in a random domain, creating the model
 * at first contact, as the full model's observations do. */
#define TS_BENCH_FANOUT 10
#define TS_BENCH_WINDOW 2048u

/* The random-access probe's table: 2^25 words (256 MB), far beyond any cache. */
#define TS_BENCH_PROBE_LOG2_WORDS 25u

static ts_status bench_act(const void *state, const ts_world *w, uint32_t a, void *row,
                           ts_emit *out) {
    (void)row;
    (void)state;
    uint32_t targets[TS_BENCH_FANOUT];
    int n = 0;
    uint32_t m = w->manager[a];
    if (m != TS_NO_AGENT) {
        targets[n++] = m;
        for (uint32_t j = w->first_report[m]; j != TS_NO_AGENT && n < TS_BENCH_FANOUT;
             j = w->next_peer[j]) {
            if (j != a) {
                targets[n++] = j;
            }
        }
    }
    for (uint32_t j = w->first_report[a]; j != TS_NO_AGENT && n < TS_BENCH_FANOUT;
         j = w->next_peer[j]) {
        targets[n++] = j;
    }
    ts_rng r;
    ts_emit_rng(out, &r);
    uint32_t lo = a > TS_BENCH_WINDOW / 2 ? a - TS_BENCH_WINDOW / 2 : 0;
    uint32_t span = w->n - lo < TS_BENCH_WINDOW ? w->n - lo : TS_BENCH_WINDOW;
    while (n < TS_BENCH_FANOUT) {
        uint32_t j = lo + ts_rng_below(&r, span);
        targets[n++] = j;
    }
    for (int k = 0; k < n; k++) {
        uint32_t j = targets[k];
        if (j == a || !w->active[j]) {
            continue;
        }
        ts_msg msg = {.to = j,
                      .about = a,
                      .domain = (uint8_t)ts_rng_below(&r, w->n_domains),
                      .flags = ts_rng_uniform(&r) < 0.7,
                      .w = 0.5f};
        ts_emit_send(out, msg);
    }
    return TS_OK;
}

static ts_status bench_handle(void *state, ts_world *w, const ts_msg *m) {
    (void)state;
    ts_relstore *rs = &w->models;
    int slot = ts_relstore_find(rs, m->to, m->about);
    if (slot < 0) {
        slot = ts_relstore_insert(rs, m->to, m->about, w->day, w->manager);
    }
    if (slot >= 0) {
        ts_relstore_add_competence(rs, m->to, (uint32_t)slot, w->day, m->domain,
                                   m->flags ? m->w : 0.0f, m->flags ? 0.0f : m->w);
    }
    return TS_OK;
}

static const ts_module bench_module = {
    .name = "bench_evidence",
    .act = bench_act,
    .handle = bench_handle,
};

double ts_bench_random_access(int threads, unsigned log2_words, double *seconds) {
    size_t n = (size_t)1 << log2_words;
    uint64_t *table = malloc(n * sizeof *table);
    if (!table) {
        *seconds = 0.0;
        return 0.0;
    }
    int nt = threads > 0 ? threads : omp_get_num_procs();
    /* Pages touched (and the table filled) before the clock starts. */
#pragma omp parallel for num_threads(nt) schedule(static)
    for (size_t i = 0; i < n; i++) {
        table[i] = i;
    }
    uint64_t updates = (uint64_t)n;
    double t0 = ts_clock_seconds();
#pragma omp parallel num_threads(nt)
    {
        int t = omp_get_thread_num(), k = omp_get_num_threads();
        uint64_t share = updates / (uint64_t)k;
        /* xorshift64: a cheap stream of addresses, one per thread */
        uint64_t x = 0x9E3779B97F4A7C15ull * (uint64_t)(t + 1);
        for (uint64_t u = 0; u < share; u++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            table[x & (n - 1)] ^= x;
        }
    }
    *seconds = ts_clock_seconds() - t0;
    /* Keep the table's content live so the loop is not optimised away. */
    volatile uint64_t sink = table[updates % n];
    (void)sink;
    free(table);
    return *seconds > 0.0 ? (double)updates / *seconds : 0.0;
}

/* The median, the smallest and the largest of x[0 .. n-1], n >= 1 (the median reorders x). */
typedef struct bench_spread {
    double median, min, max;
} bench_spread;

static bench_spread bench_spread_of(double *x, size_t n) {
    bench_spread s;
    gsl_stats_minmax(&s.min, &s.max, x, 1, n);
    s.median = ts_stats_median(x, n);
    return s;
}

/* The sweep's figures: medians over the repeats, the spread of the rates, and each repeat's
 * rate in the order run. */
static void bench_sweep_print(const ts_bench_sweep_options *opt, int threads, long repeat,
                              const double *secs, const double *rate, FILE *out) {
    double scratch[TS_BENCH_MAX_REPEAT];
    memcpy(scratch, secs, (size_t)repeat * sizeof *secs);
    double med_secs = ts_stats_median(scratch, (size_t)repeat);
    memcpy(scratch, rate, (size_t)repeat * sizeof *rate);
    bench_spread r = bench_spread_of(scratch, (size_t)repeat);
    if (opt->json) {
        fprintf(out,
                "{\"sweep\": \"default\", \"runs\": %ld, \"threads\": %d, \"seconds\": %.3f, "
                "\"runs_per_minute\": %.1f, \"repeats\": %ld, \"runs_per_minute_min\": %.1f, "
                "\"runs_per_minute_max\": %.1f, \"runs_per_minute_each\": [",
                opt->runs, threads, med_secs, r.median, repeat, r.min, r.max);
        for (long k = 0; k < repeat; k++) {
            fprintf(out, "%s%.1f", k ? ", " : "", rate[k]);
        }
        fprintf(out, "], \"build\": \"%s\"}\n", ts_build_info);
    } else {
        fprintf(out,
                "sweep                  default\nruns                   %ld\n"
                "threads                %d\nseconds                %.3f\n"
                "runs_per_minute        %.1f\nrepeats                %ld\n"
                "runs_per_minute_min    %.1f\nruns_per_minute_max    %.1f\n"
                "runs_per_minute_each  ",
                opt->runs, threads, med_secs, r.median, repeat, r.min, r.max);
        for (long k = 0; k < repeat; k++) {
            fprintf(out, " %.1f", rate[k]);
        }
        fprintf(out, "\nbuild                  %s\n", ts_build_info);
    }
}

ts_status ts_bench_sweep(const ts_bench_sweep_options *opt, FILE *out, ts_error *err) {
    if (opt->runs < 1 || opt->runs > 1000000) {
        return ts_error_set(err, TS_ERR_PARAM, "bench: --sweep takes 1 to 1000000 runs");
    }
    if (opt->repeat < 0 || opt->repeat > TS_BENCH_MAX_REPEAT) {
        return ts_error_set(err, TS_ERR_PARAM, "bench: --repeat takes 1 to %d",
                            TS_BENCH_MAX_REPEAT);
    }
    const char *dir = opt->dir ? opt->dir : getenv("TMPDIR");
    if (!dir || !*dir) {
        dir = "/tmp";
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/trustsim-bench-XXXXXX.h5", dir);
    int fd = mkstemps(path, 3);
    if (fd < 0) {
        return ts_error_set(err, TS_ERR_IO, "bench: cannot create a results file in %s", dir);
    }
    close(fd);
    int threads = opt->threads > 0 ? opt->threads : omp_get_num_procs();
    ts_scenario *sc = NULL;
    char reps[64];
    snprintf(reps, sizeof reps, "replicates=%ld", opt->runs);
    ts_status st = ts_scenario_load_string(opt->schema, ts_default_scenario_yaml, "default.yaml",
                                           NULL, &sc, err);
    if (st == TS_OK) {
        st = ts_scenario_set(sc, reps, err);
    }
    if (st == TS_OK) {
        st = ts_scenario_finalize(sc, err);
    }
    long repeat = opt->repeat > 1 ? opt->repeat : 1;
    double secs[TS_BENCH_MAX_REPEAT], rate[TS_BENCH_MAX_REPEAT];
    for (long r = 0; st == TS_OK && r < repeat; r++) {
        ts_run_options ro = {.output = path,
                             .threads = threads,
                             .force = 1,
                             .quiet = 1,
                             .command_line = "trustsim bench --sweep",
                             .modules = opt->modules,
                             .n_modules = opt->n_modules};
        double t0 = ts_clock_seconds();
        st = ts_runner_run(sc, &ro, err);
        secs[r] = ts_clock_seconds() - t0;
        rate[r] = secs[r] > 0.0 ? 60.0 * (double)opt->runs / secs[r] : 0.0;
    }
    unlink(path);
    ts_scenario_free(sc);
    if (st == TS_OK) {
        bench_sweep_print(opt, threads, repeat, secs, rate, out);
    }
    return st;
}

/* Does a module of the bench act (the full model), or is it the synthetic workload? */
static int bench_model_acts(const ts_bench_options *opt) {
    for (size_t m = 0; opt->modules && m < opt->n_modules; m++) {
        if (opt->modules[m]->act) {
            return 1;
        }
    }
    return 0;
}

/* One timed run of the bench organisation on `threads` threads (0: all cores): what it
 * measured, for ts_bench_run and ts_bench_scaling. */
typedef struct bench_figures {
    double seconds;  /* engine creation and the run, to its summary */
    double messages; /* delivered */
    size_t bytes_per_model;
    double models_held;           /* mean models held per agent at the end */
    double create;                /* of seconds, the engine's creation */
    double phase[TS_TIMED_COUNT]; /* of seconds, each phase of the run (engine.h) */
} bench_figures;

static ts_status bench_once(const ts_bench_options *opt, int threads, bench_figures *f,
                            ts_error *err) {
    char text[512];
    snprintf(text, sizeof text,
             "name: bench\ndays: %ld\norg: {headcount: %ld, warmup_days: 0}\n"
             "trust: {capacity: 128}\noutput: {snapshot_every: 0}\n",
             opt->days, opt->agents);
    ts_scenario *sc = NULL;
    ts_engine *eng = NULL;
    ts_result res;
    ts_result_init(&res);
    /* The full model where it acts; until a module does, the synthetic workload. */
    int model_acts = bench_model_acts(opt);
    const ts_module *synthetic[] = {&bench_module};
    const ts_module *const *mods = model_acts ? opt->modules : synthetic;
    size_t n_mods = model_acts ? opt->n_modules : 1;
    ts_status st = ts_scenario_load_string(opt->schema, text, "bench", NULL, &sc, err);
    for (size_t k = 0; st == TS_OK && k < opt->n_sets; k++) {
        st = ts_scenario_set(sc, opt->sets[k], err);
    }
    if (st == TS_OK) {
        st = ts_scenario_finalize(sc, err);
    }
    if (st == TS_OK) {
        ts_engine_options eo = {.seed = ts_rng_run_seed(1, 0, 0), .threads = threads};
        double t0 = ts_clock_seconds();
        st = ts_engine_create(sc, mods, n_mods, &eo, &eng, err);
        f->create = ts_clock_seconds() - t0;
        if (st == TS_OK) {
            st = ts_engine_run(eng, &res, err);
        }
        f->seconds = ts_clock_seconds() - t0;
    }
    if (st == TS_OK) {
        f->messages = (double)ts_engine_messages(eng);
        for (int p = 0; p < TS_TIMED_COUNT; p++) {
            f->phase[p] = ts_engine_phase_seconds(eng, (ts_timed_phase)p);
        }
        f->bytes_per_model = ts_relstore_bytes_per_model(&ts_engine_world(eng)->models);
        /* Models held per agent at the end: shows how full the stores were. */
        const ts_series *acq = ts_result_find_series(&res, "acquaintances");
        f->models_held = acq && acq->n ? acq->values[acq->n - 1] : 0.0;
    }
    ts_result_free(&res);
    ts_engine_free(eng);
    ts_scenario_free(sc);
    return st;
}

static ts_status bench_check(const ts_bench_options *opt, ts_error *err) {
    if (!opt->schema) {
        return ts_error_set(err, TS_ERR_INTERNAL, "bench: no scenario schema");
    }
    if (opt->agents < 1 || opt->agents > 10000000 || opt->days < 1 || opt->days > 36500) {
        return ts_error_set(err, TS_ERR_PARAM,
                            "bench: agents must be in [1, 10000000] and days in [1, 36500]");
    }
    return TS_OK;
}

ts_status ts_bench_run(const ts_bench_options *opt, FILE *out, ts_error *err) {
    ts_status st = bench_check(opt, err);
    if (st != TS_OK) {
        return st;
    }
    int threads = opt->threads > 0 ? opt->threads : omp_get_num_procs();
    const char *workload = bench_model_acts(opt) ? "model" : "synthetic";
    bench_figures f = {0};
    st = bench_once(opt, threads, &f, err);
    if (st != TS_OK) {
        return st;
    }
    double secs = f.seconds, msgs = f.messages;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double rss_mb = (double)ru.ru_maxrss / 1024.0;
    double agent_days = (double)opt->agents * (double)opt->days;
    /* The machine's random-access limit on the same threads, after the run. */
    double probe_secs;
    double gups = ts_bench_random_access(threads, TS_BENCH_PROBE_LOG2_WORDS, &probe_secs);
    double share = gups > 0.0 ? msgs / secs / gups : 0.0;
    if (opt->json) {
        fprintf(out,
                "{\"agents\": %ld, \"days\": %ld, \"threads\": %d, \"workload\": \"%s\", "
                "\"seconds\": %.3f, "
                "\"agent_days_per_second\": %.0f, \"messages_per_second\": %.0f, "
                "\"peak_rss_mb\": %.1f, \"bytes_per_model\": %zu, \"models_per_agent\": %.1f, "
                "\"random_updates_per_second\": %.0f, \"message_rate_share\": %.4f, "
                "\"seconds_by_phase\": {\"create\": %.3f",
                opt->agents, opt->days, threads, workload, secs, agent_days / secs, msgs / secs,
                rss_mb, f.bytes_per_model, f.models_held, gups, share, f.create);
        for (int p = 0; p < TS_TIMED_COUNT; p++) {
            fprintf(out, ", \"%s\": %.3f", ts_engine_phase_name((ts_timed_phase)p), f.phase[p]);
        }
        fprintf(out, "}, \"build\": \"%s\"}\n", ts_build_info);
    } else {
        fprintf(out,
                "agents                 %ld\ndays                   %ld\n"
                "threads                %d\nworkload               %s\n"
                "seconds                %.3f\n"
                "agent_days_per_second  %.0f\nmessages_per_second    %.0f\n"
                "peak_rss_mb            %.1f\nbytes_per_model        %zu\n"
                "models_per_agent       %.1f\n"
                "random_updates_per_second %.0f\nmessage_rate_share     %.4f\n"
                "seconds_create         %.3f\n",
                opt->agents, opt->days, threads, workload, secs, agent_days / secs, msgs / secs,
                rss_mb, f.bytes_per_model, f.models_held, gups, share, f.create);
        for (int p = 0; p < TS_TIMED_COUNT; p++) {
            const char *name = ts_engine_phase_name((ts_timed_phase)p);
            fprintf(out, "seconds_%s%*s%.3f\n", name, (int)(15 - strlen(name)), "", f.phase[p]);
        }
        fprintf(out, "build                  %s\n", ts_build_info);
    }
    return TS_OK;
}

ts_status ts_bench_scaling(const ts_bench_options *opt, long pairs, FILE *out, ts_error *err) {
    ts_status st = bench_check(opt, err);
    if (st != TS_OK) {
        return st;
    }
    int threads = opt->threads > 0 ? opt->threads : omp_get_num_procs();
    if (pairs < 1 || pairs > 1000) {
        return ts_error_set(err, TS_ERR_PARAM, "bench: --scaling takes 1 to 1000 pairs");
    }
    if (threads < 2) {
        return ts_error_set(err, TS_ERR_PARAM,
                            "bench: --scaling compares one thread with more: --threads must be "
                            "at least 2 (got %d%s)",
                            threads, opt->threads > 0 ? "" : ", all cores of this machine");
    }
    double *one = malloc((size_t)pairs * sizeof *one);
    double *many = malloc((size_t)pairs * sizeof *many);
    double *ratio = malloc((size_t)pairs * sizeof *ratio);
    if (!one || !many || !ratio) {
        free(one);
        free(many);
        free(ratio);
        return ts_error_set(err, TS_ERR_NOMEM, "bench: out of memory");
    }
    /* Each pair in the same minute of the machine: one thread, then the threads. */
    for (long k = 0; k < pairs && st == TS_OK; k++) {
        bench_figures f1 = {0}, fn = {0};
        st = bench_once(opt, 1, &f1, err);
        if (st == TS_OK) {
            st = bench_once(opt, threads, &fn, err);
        }
        one[k] = f1.seconds;
        many[k] = fn.seconds;
        ratio[k] = fn.seconds > 0.0 ? f1.seconds / fn.seconds : 0.0;
    }
    if (st == TS_OK) {
        /* The pairs as measured, before the medians reorder them. */
        if (opt->json) {
            fprintf(out, "{\"agents\": %ld, \"days\": %ld, \"threads\": %d, \"pairs\": [",
                    opt->agents, opt->days, threads);
            for (long k = 0; k < pairs; k++) {
                fprintf(out, "%s[%.3f, %.3f]", k ? ", " : "", one[k], many[k]);
            }
        }
        double m1 = ts_stats_median(one, (size_t)pairs);
        double mn = ts_stats_median(many, (size_t)pairs);
        bench_spread sp = bench_spread_of(ratio, (size_t)pairs);
        double speedup = sp.median, lo = sp.min, hi = sp.max;
        if (opt->json) {
            fprintf(out,
                    "], \"seconds_one_thread\": %.3f, \"seconds_threads\": %.3f, "
                    "\"speedup\": %.3f, \"speedup_min\": %.3f, \"speedup_max\": %.3f, "
                    "\"build\": \"%s\"}\n",
                    m1, mn, speedup, lo, hi, ts_build_info);
        } else {
            fprintf(out,
                    "agents                 %ld\ndays                   %ld\n"
                    "threads                %d\npairs                  %ld\n"
                    "seconds_one_thread     %.3f\nseconds_threads        %.3f\n"
                    "speedup                %.3f\nspeedup_min            %.3f\n"
                    "speedup_max            %.3f\nbuild                  %s\n",
                    opt->agents, opt->days, threads, pairs, m1, mn, speedup, lo, hi, ts_build_info);
        }
    }
    free(one);
    free(many);
    free(ratio);
    return st;
}
