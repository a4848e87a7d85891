/* Memory: an estimate of the peak resident memory the runs of a scenario need, and of the
 * memory the machine has for them, so that `trustsim run` and `check` can refuse a
 * scenario that would be killed for want of memory before anything is written. The
 * estimate is an upper-ish bound built from the store layout (sim/core/relstore.h: every
 * agent's store full) and per-agent costs measured in docs/performance.md; the modules
 * say how many agents a run can reach (ts_module's peak_agents). No shared state: the
 * available memory is read from /proc, /sys, the environment and getrlimit each call. */
#ifndef TS_MEMORY_H
#define TS_MEMORY_H

#include "module.h"
#include "scenario.h"
#include "status.h"

#include <stddef.h>
#include <stdint.h>

/* Fixed cost of the process: the program, its libraries, the threads' stacks. */
#define TS_MEMORY_FIXED_BYTES (24ull << 20)

/* The environment variable that caps the memory the check counts on (bytes, or with a
 * K, M, G or T suffix, powers of 1024): for tests, and for users who want a lower cap
 * than the machine's. */
#define TS_MEMORY_LIMIT_ENV "TRUSTSIM_MEMORY_LIMIT"

/* The peak memory of one run, in bytes, by part. */
typedef struct ts_memory_run {
    uint64_t agents;    /* most agents the run can hold (ids, leavers included) */
    const char *keys;   /* the key paths that set `agents` (static text) */
    uint32_t capacity;  /* trust.capacity */
    size_t model_bytes; /* bytes per model (ts_relstore_bytes_per_model) */
    uint64_t models;    /* the mental-model stores, every one full (or holding everyone) */
    uint64_t tables;    /* per-agent arrays of the world and the modules, messages */
    uint64_t results;   /* daily series, snapshots and end-of-run tables held in memory */
    uint64_t total;     /* models + tables + results (the process's fixed cost aside) */
} ts_memory_run;

/* The peak memory of all the runs of a scenario, as `trustsim run` schedules them. */
typedef struct ts_memory_estimate {
    ts_memory_run run;     /* the largest run over the grid points */
    size_t point;          /* its grid point */
    size_t n_points;       /* grid points of the scenario */
    uint64_t runs_at_once; /* runs in flight together: one per thread for small orgs */
    uint64_t per_run;      /* run.total + the fixed cost: one run alone */
    uint64_t total;        /* the fixed cost + runs_at_once x run.total */
} ts_memory_estimate;

/* One run of `point` (a scenario without sweep) with the modules that are on in it. */
void ts_memory_estimate_run(const ts_scenario *point, const ts_module *const *modules,
                            size_t n_modules, ts_memory_run *out);

/* Every grid point of a finalized scenario (the largest run counts) and the runs in
 * flight at once on `threads` threads (0: all cores), as ts_runner_run would run them:
 * small organisations one run per thread, large ones one at a time. TS_ERR_NOMEM or the
 * status of ts_scenario_at_point on failure. */
ts_status ts_memory_estimate_scenario(const ts_scenario *sc, const ts_module *const *modules,
                                      size_t n_modules, int threads, ts_memory_estimate *out,
                                      ts_error *err);

/* The memory available to the runs: the smallest of MemAvailable (/proc/meminfo, else
 * sysconf's available physical pages), a cgroup v2 or v1 memory limit on this process's
 * cgroup or its ancestors, RLIMIT_AS less the address space already in use, and
 * TRUSTSIM_MEMORY_LIMIT. `source` names the one that was smallest. */
typedef struct ts_memory_avail {
    uint64_t bytes;
    const char *source; /* static text, e.g. "MemAvailable in /proc/meminfo" */
} ts_memory_avail;

/* TS_ERR_PARAM when TRUSTSIM_MEMORY_LIMIT is set but is not a size. */
ts_status ts_memory_available(ts_memory_avail *out, ts_error *err);

/* The part of ts_memory_available that reads files, under `root` ("" for the real /proc
 * and /sys; a test directory laid out the same way for tests). UINT64_MAX with source
 * "unknown" when nothing could be read. */
void ts_memory_available_in(const char *root, ts_memory_avail *out);

/* Parses a size: digits with an optional K, M, G or T suffix (powers of 1024, an
 * optional "iB" or "B" after it). Returns 0 when the text is not one. */
int ts_memory_parse_size(const char *text, uint64_t *out);

/* "1.9 GiB", "620 MiB", "12 KiB", "800 B". */
void ts_memory_format(uint64_t bytes, char *buf, size_t n);

/* One line for `trustsim check`: "about 1.9 GiB per run, 2 runs at once: 3.8 GiB; this
 * machine has 21.3 GiB available (MemAvailable in /proc/meminfo)". */
void ts_memory_describe(const ts_memory_estimate *e, const ts_memory_avail *a, char *buf, size_t n);

/* TS_OK if the estimate fits the memory available, else TS_ERR_PARAM with a message that
 * says how much is needed and available, names the keys that drive it and how to get
 * past it (fewer threads, --force-memory). */
ts_status ts_memory_check(const ts_memory_estimate *e, const ts_memory_avail *a, ts_error *err);

/* For `trustsim run` and `check`: the estimate of ts_memory_estimate_scenario against
 * ts_memory_available, as ts_memory_check says; `line` (n bytes, may be NULL) receives the
 * summary of ts_memory_describe, or "" when the estimate could not be made. */
ts_status ts_memory_check_scenario(const ts_scenario *sc, const ts_module *const *modules,
                                   size_t n_modules, int threads, char *line, size_t n,
                                   ts_error *err);

#endif
