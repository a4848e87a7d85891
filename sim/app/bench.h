/* `trustsim bench`: a synthetic organisation run through the engine with the full
 * model (or a synthetic evidence workload while no module acts), timed; prints agents,
 * days, threads, workload, seconds, agent_days_per_second, messages_per_second,
 * peak_rss_mb, bytes_per_model, models_per_agent, and the machine's random-access rate
 * (random_updates_per_second) with the share of it the messages reach
 * (message_rate_share), text or one JSON object. `trustsim bench --sweep` times a sweep
 * of default runs instead, `trustsim bench --scaling` one thread against several. */
#ifndef TS_BENCH_H
#define TS_BENCH_H

#include "module.h"
#include "status.h"

#include <stdio.h>

typedef struct ts_bench_options {
    long agents; /* default 100000 */
    long days;   /* default 250 */
    int threads; /* 0: all cores */
    int json;
    /* The model to run; NULL: a synthetic module that sends about 10 evidence messages
     * per agent-day to the people an agent works with. */
    const ts_module *const *modules;
    size_t n_modules;
    const ts_schema *schema; /* to build the bench scenario (models/modules.h) */
    const char *const *sets; /* "key=value" overrides of the bench scenario */
    size_t n_sets;
} ts_bench_options;

ts_status ts_bench_run(const ts_bench_options *opt, FILE *out, ts_error *err);

/* Thread scaling: `pairs` pairs of runs of the bench organisation, each pair one run on one
 * thread and then one on opt->threads (0: all cores; at least 2), back to back so that both
 * meet the machine in the same minute. Prints the median seconds of each, the median of the
 * pairs' ratios (`speedup`, one thread's time over the threads') and the smallest and largest
 * ratio; JSON also lists every pair's seconds, in the order run. No random-access probe. */
ts_status ts_bench_scaling(const ts_bench_options *opt, long pairs, FILE *out, ts_error *err);

/* The machine's random-access limit, GUPS-style: `threads` threads (0: all cores) each
 * XOR pseudo-random 64-bit words into random entries of one shared table of 2^log2_words
 * words (far larger than the caches), as many updates as words. Returns updates per
 * second; *seconds gets the time taken. Races between threads lose updates, as in the
 * HPC Challenge benchmark, and do not matter to the rate. */
double ts_bench_random_access(int threads, unsigned log2_words, double *seconds);

/* Sweep throughput: `runs` replicates of the default scenario (scenarios/default.yaml,
 * compiled in) run as `trustsim run` runs them (on `threads` threads, each run written to
 * a results file in dir, removed afterwards), the whole sweep `repeat` times; prints runs,
 * threads, seconds and runs_per_minute (the medians over the repeats), the repeats, the
 * smallest and largest rate and every repeat's rate (text or one JSON object). */
#define TS_BENCH_MAX_REPEAT 100
typedef struct ts_bench_sweep_options {
    long runs;   /* replicates of the default scenario */
    long repeat; /* times the sweep is run (0 or 1: once) */
    int threads; /* 0: all cores */
    int json;
    const char *dir; /* where the temporary results file goes (NULL: $TMPDIR or /tmp) */
    const ts_module *const *modules;
    size_t n_modules;
    const ts_schema *schema;
} ts_bench_sweep_options;

ts_status ts_bench_sweep(const ts_bench_sweep_options *opt, FILE *out, ts_error *err);

#endif
