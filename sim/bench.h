/* `trustsim bench`: a synthetic organisation run through the engine with the full
 * model (or a synthetic evidence workload while no module acts), timed; prints agents,
 * days, threads, workload, seconds, agent_days_per_second, messages_per_second,
 * peak_rss_mb, bytes_per_model, models_per_agent (text or one JSON object). */
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

#endif
