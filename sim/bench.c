#include "bench.h"

#include "engine.h"
#include "rng.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* The synthetic workload: each employed agent sends TS_BENCH_FANOUT evidence messages
 * a day, first to the people it works with (manager, teammates, reports), then to
 * colleagues drawn from a window of nearby ids (its wider department). A receiver
 * records a success or failure of the sender in a random domain, creating the model
 * at first contact, as the full model's observations do. */
#define TS_BENCH_FANOUT 10
#define TS_BENCH_WINDOW 2048u

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

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

ts_status ts_bench_run(const ts_bench_options *opt, FILE *out, ts_error *err) {
    if (!opt->schema) {
        return ts_error_set(err, TS_ERR_INTERNAL, "bench: no scenario schema");
    }
    if (opt->agents < 1 || opt->agents > 10000000 || opt->days < 1 || opt->days > 36500) {
        return ts_error_set(err, TS_ERR_PARAM,
                            "bench: agents must be in [1, 10000000] and days in [1, 36500]");
    }
    int threads = opt->threads > 0 ? opt->threads : omp_get_num_procs();
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
    int model_acts = 0;
    for (size_t m = 0; opt->modules && m < opt->n_modules; m++) {
        model_acts |= opt->modules[m]->act != NULL;
    }
    const ts_module *synthetic[] = {&bench_module};
    const ts_module *const *mods = model_acts ? opt->modules : synthetic;
    size_t n_mods = model_acts ? opt->n_modules : 1;
    const char *workload = model_acts ? "model" : "synthetic";
    ts_status st = ts_scenario_load_string(opt->schema, text, "bench", NULL, &sc, err);
    for (size_t k = 0; st == TS_OK && k < opt->n_sets; k++) {
        st = ts_scenario_set(sc, opt->sets[k], err);
    }
    if (st == TS_OK) {
        st = ts_scenario_finalize(sc, err);
    }
    if (st != TS_OK) {
        goto cleanup;
    }
    ts_engine_options eo = {.seed = ts_rng_run_seed(1, 0, 0), .threads = threads};
    double t0 = now_seconds();
    st = ts_engine_create(sc, mods, n_mods, &eo, &eng, err);
    if (st == TS_OK) {
        st = ts_engine_run(eng, &res, err);
    }
    if (st != TS_OK) {
        goto cleanup;
    }
    double secs = now_seconds() - t0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double rss_mb = (double)ru.ru_maxrss / 1024.0;
    double agent_days = (double)opt->agents * (double)opt->days;
    double msgs = (double)ts_engine_messages(eng);
    size_t bpm = ts_relstore_bytes_per_model(&ts_engine_world(eng)->models);
    /* Models held per agent at the end: shows how full the stores were. */
    const ts_series *acq = ts_result_find_series(&res, "acquaintances");
    double held = acq && acq->n ? acq->values[acq->n - 1] : 0.0;
    if (opt->json) {
        fprintf(out,
                "{\"agents\": %ld, \"days\": %ld, \"threads\": %d, \"workload\": \"%s\", "
                "\"seconds\": %.3f, "
                "\"agent_days_per_second\": %.0f, \"messages_per_second\": %.0f, "
                "\"peak_rss_mb\": %.1f, \"bytes_per_model\": %zu, \"models_per_agent\": %.1f}\n",
                opt->agents, opt->days, threads, workload, secs, agent_days / secs, msgs / secs,
                rss_mb, bpm, held);
    } else {
        fprintf(out,
                "agents                 %ld\ndays                   %ld\n"
                "threads                %d\nworkload               %s\n"
                "seconds                %.3f\n"
                "agent_days_per_second  %.0f\nmessages_per_second    %.0f\n"
                "peak_rss_mb            %.1f\nbytes_per_model        %zu\n"
                "models_per_agent       %.1f\n",
                opt->agents, opt->days, threads, workload, secs, agent_days / secs, msgs / secs,
                rss_mb, bpm, held);
    }
cleanup:
    ts_result_free(&res);
    ts_engine_free(eng);
    ts_scenario_free(sc);
    return st;
}
