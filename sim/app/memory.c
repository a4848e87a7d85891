#include "memory.h"

#include "engine.h"
#include "relstore.h"
#include "runner.h"

#include <errno.h>
#include <inttypes.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* ---- The estimate ------------------------------------------------------------------ */

/* Costs besides the stores, from docs/performance.md ("Memory estimate"), which says how
 * they were measured; they are rounded up so the estimate stays above the peak resident
 * size.
 *
 * Per slot of the world's per-agent arrays (sim/core/world.h; they grow by doubling from 64 and
 * are zeroed, so every slot is resident): 118 bytes a slot for the arrays of one value
 * (the store's count among them) plus 12 bytes a slot per domain (competence,
 * self_alpha, self_beta). */
#define TS_MEMORY_WORLD_SLOT_BYTES(domains) (118u + 12u * (domains))
/* Per agent besides the store and the world's arrays: the modules' per-agent state and the
 * day's messages (act arenas, the delivery's sorted copy and its index). Measured at
 * 1.7 KiB as the peak resident size of runs with trust.capacity 4, less the rest. */
#define TS_MEMORY_AGENT_BYTES 2048u
/* Daily series of the engine itself (headcount, managers, depth, acquaintances),
 * with room to spare. */
#define TS_MEMORY_ENGINE_SERIES 8u
/* Per agent of the end-of-run tables (agents/<column>: the engine's and the modules'
 * columns), besides 4 bytes per domain of competence. */
#define TS_MEMORY_ROW_BYTES 96u

/* The store's block of one agent and the bytes of one model, from the store's own layout
 * (forgetting does not change it). */
static void store_layout(uint32_t capacity, uint32_t domains, size_t *block, size_t *model) {
    ts_relstore rs;
    if (ts_relstore_init(&rs, capacity, domains, 1.0, NULL) == TS_OK) {
        *block = rs.block_bytes;
        *model = ts_relstore_bytes_per_model(&rs);
    } else {
        /* Out of the store's range: the scenario's own checks refuse it before a run. */
        *model = sizeof(uint32_t) + (6u + 2u * domains) * sizeof(float);
        *block = (size_t)capacity * *model;
    }
    ts_relstore_free(&rs);
}

static uint64_t sat_add(uint64_t a, uint64_t b) {
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t sat_mul(uint64_t a, uint64_t b) {
    return b != 0 && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

void ts_memory_estimate_run(const ts_scenario *point, const ts_module *const *modules,
                            size_t n_modules, ts_memory_run *out) {
    memset(out, 0, sizeof *out);
    uint64_t agents = (uint64_t)ts_scenario_int(point, "org.headcount");
    const char *keys = "org.headcount";
    uint64_t n_series = TS_MEMORY_ENGINE_SERIES;
    for (size_t m = 0; m < n_modules; m++) {
        if (!ts_engine_module_on(modules[m], point)) {
            continue;
        }
        n_series += modules[m]->n_metrics;
        if (modules[m]->peak_agents) {
            const char *k = NULL;
            uint64_t peak = modules[m]->peak_agents(point, &k);
            if (peak > agents) {
                agents = peak;
                keys = k ? k : keys;
            }
        }
    }
    uint32_t domains = (uint32_t)ts_scenario_list_len(point, "domains");
    uint32_t capacity = (uint32_t)ts_scenario_int(point, "trust.capacity");
    uint64_t days = (uint64_t)ts_scenario_int(point, "days");
    uint64_t every = (uint64_t)ts_scenario_int(point, "output.snapshot_every");
    uint64_t sampled = (uint64_t)ts_scenario_int(point, "output.snapshot_agents");
    size_t block = 0, model = 0;
    store_layout(capacity, domains, &block, &model);

    /* The world's arrays grow by doubling from 64 slots; the store's chunks are mapped
     * for every slot but only the blocks of agents that exist are ever touched. */
    uint64_t slots = 64;
    while (slots < agents) {
        slots *= 2;
    }
    /* Nobody holds more models than there are others. A store holding fewer than its
     * capacity touches only the pages of its first ids and payloads (ids first, payloads
     * after all the ids: two runs, each perhaps straddling a page more). */
    uint64_t held = agents > 1 ? agents - 1 : 1;
    held = held < capacity ? held : capacity;
    uint64_t store = block;
    if (held < capacity) {
        long page = sysconf(_SC_PAGESIZE);
        uint64_t touched = held * model + 4 * (uint64_t)(page > 0 ? page : 4096);
        store = touched < block ? touched : block;
    }
    out->agents = agents;
    out->keys = keys;
    out->capacity = capacity;
    out->model_bytes = model;
    out->models = sat_mul(agents, store);
    out->tables = sat_add(sat_mul(slots, TS_MEMORY_WORLD_SLOT_BYTES(domains)),
                          sat_mul(agents, TS_MEMORY_AGENT_BYTES));

    /* Kept until the run is written: the series, the snapshots (each sampled believer
     * holding all it can: from, to, mean, sd and trust per domain, integrity, goodwill) and the
     * per-agent tables of the end. (Their compressed copy, made by the run's thread before it
     * writes them, is smaller than the engine's models and tables, freed by then.) */
    uint64_t series = sat_mul(n_series, (days + 1) * sizeof(double));
    uint64_t n_snap = every > 0 ? days / every : 0;
    uint64_t edge = 4 * sizeof(uint32_t) + 3 * (uint64_t)domains * sizeof(float);
    uint64_t per_snap = sat_mul(sat_mul(sampled < agents ? sampled : agents, held), edge);
    uint64_t rows = sat_mul(agents, TS_MEMORY_ROW_BYTES + 4u * domains);
    out->results = sat_add(sat_add(series, sat_mul(n_snap, per_snap)), rows);
    out->total = sat_add(sat_add(out->models, out->tables), out->results);
}

ts_status ts_memory_estimate_scenario(const ts_scenario *sc, const ts_module *const *modules,
                                      size_t n_modules, int threads, ts_memory_estimate *out,
                                      ts_error *err) {
    memset(out, 0, sizeof *out);
    out->n_points = ts_scenario_n_points(sc);
    for (size_t g = 0; g < out->n_points; g++) {
        ts_scenario *point = NULL;
        ts_status st = ts_scenario_at_point(sc, g, &point, err);
        if (st != TS_OK) {
            return st;
        }
        ts_memory_run r;
        ts_memory_estimate_run(point, modules, n_modules, &r);
        ts_scenario_free(point);
        if (g == 0 || r.total > out->run.total) {
            out->run = r;
            out->point = g;
        }
    }
    /* As ts_runner_run schedules them: every grid point is small or large as the
     * scenario's own org.headcount is, small ones run one per thread. */
    uint64_t n_threads = threads > 0 ? (uint64_t)threads : (uint64_t)omp_get_num_procs();
    uint64_t n_runs = sat_mul(out->n_points, (uint64_t)ts_scenario_int(sc, "replicates"));
    out->runs_at_once = ts_runner_is_large(sc) ? 1 : (n_threads < n_runs ? n_threads : n_runs);
    if (out->runs_at_once < 1) {
        out->runs_at_once = 1;
    }
    out->per_run = sat_add(TS_MEMORY_FIXED_BYTES, out->run.total);
    out->total = sat_add(TS_MEMORY_FIXED_BYTES, sat_mul(out->runs_at_once, out->run.total));
    return TS_OK;
}

/* ---- The memory available --------------------------------------------------------- */

/* Reads a small file whole into buf (NUL-terminated); 0 if it cannot be read. */
static int read_small(const char *root, const char *path, char *buf, size_t n) {
    char full[4096];
    if ((size_t)snprintf(full, sizeof full, "%s%s", root, path) >= sizeof full) {
        return 0;
    }
    FILE *f = fopen(full, "r");
    if (!f) {
        return 0;
    }
    size_t got = fread(buf, 1, n - 1, f);
    fclose(f);
    buf[got] = '\0';
    return 1;
}

static void consider(ts_memory_avail *a, uint64_t bytes, const char *source) {
    if (bytes < a->bytes) {
        a->bytes = bytes;
        a->source = source;
    }
}

static int meminfo_available(const char *root, uint64_t *out) {
    char text[8192];
    if (!read_small(root, "/proc/meminfo", text, sizeof text)) {
        return 0;
    }
    const char *p = strstr(text, "MemAvailable:");
    unsigned long long kb;
    if (!p || sscanf(p + strlen("MemAvailable:"), "%llu", &kb) != 1) {
        return 0;
    }
    *out = sat_mul(kb, 1024);
    return 1;
}

/* The smallest limit in `file` of the cgroup at `path` under `base` and of its ancestors,
 * the root included. Values from 2^60 up are v1's way of saying "no limit"; v2 says "max". */
static int cgroup_limit(const char *root, const char *base, const char *path, const char *file,
                        uint64_t *out) {
    char dir[2048], rel[4096], text[64];
    int found = 0;
    if ((size_t)snprintf(dir, sizeof dir, "%s", path) >= sizeof dir) {
        return 0;
    }
    for (;;) {
        size_t len = strlen(dir);
        while (len > 1 && dir[len - 1] == '/') {
            dir[--len] = '\0';
        }
        snprintf(rel, sizeof rel, "%s%s/%s", base, strcmp(dir, "/") == 0 ? "" : dir, file);
        unsigned long long v;
        if (read_small(root, rel, text, sizeof text) && sscanf(text, "%llu", &v) == 1 &&
            v < (1ull << 60) && (!found || v < *out)) {
            *out = v;
            found = 1;
        }
        char *slash = strrchr(dir, '/');
        if (!slash || len <= 1) {
            break;
        }
        slash[slash == dir ? 1 : 0] = '\0';
    }
    return found;
}

/* This process's cgroup limits: v2 ("0::/path") and v1 (a "memory" controller line). */
static void cgroup_limits(const char *root, ts_memory_avail *a) {
    char text[8192];
    if (!read_small(root, "/proc/self/cgroup", text, sizeof text)) {
        return;
    }
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *c1 = strchr(line, ':');
        char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2) {
            continue;
        }
        *c1 = '\0';
        *c2 = '\0';
        const char *controllers = c1 + 1, *path = c2 + 1;
        uint64_t v;
        if (strcmp(line, "0") == 0 && controllers[0] == '\0') {
            if (cgroup_limit(root, "/sys/fs/cgroup", path, "memory.max", &v)) {
                consider(a, v, "the cgroup's memory.max");
            }
            continue;
        }
        /* "memory" among the comma-separated controllers of a v1 hierarchy. */
        for (const char *p = controllers; (p = strstr(p, "memory")) != NULL; p += 6) {
            int starts = p == controllers || p[-1] == ',';
            int ends = p[6] == '\0' || p[6] == ',';
            if (starts && ends) {
                if (cgroup_limit(root, "/sys/fs/cgroup/memory", path, "memory.limit_in_bytes",
                                 &v)) {
                    consider(a, v, "the cgroup's memory.limit_in_bytes");
                }
                break;
            }
        }
    }
}

void ts_memory_available_in(const char *root, ts_memory_avail *out) {
    uint64_t v;
    out->bytes = UINT64_MAX;
    out->source = "unknown";
    if (meminfo_available(root, &v)) {
        consider(out, v, "MemAvailable in /proc/meminfo");
    } else if (root[0] == '\0') {
        long pages = sysconf(_SC_AVPHYS_PAGES), size = sysconf(_SC_PAGESIZE);
        if (pages > 0 && size > 0) {
            consider(out, sat_mul((uint64_t)pages, (uint64_t)size), "free physical memory");
        }
    }
    cgroup_limits(root, out);
}

/* The address space this process already uses (the first field of /proc/self/statm). */
static uint64_t address_space_used(void) {
    char text[256];
    unsigned long long pages;
    long size = sysconf(_SC_PAGESIZE);
    if (!read_small("", "/proc/self/statm", text, sizeof text) ||
        sscanf(text, "%llu", &pages) != 1 || size <= 0) {
        return 0;
    }
    return sat_mul(pages, (uint64_t)size);
}

int ts_memory_parse_size(const char *text, uint64_t *out) {
    const char *p = text;
    uint64_t v = 0;
    if (*p < '0' || *p > '9') {
        return 0;
    }
    for (; *p >= '0' && *p <= '9'; p++) {
        uint64_t d = (uint64_t)(*p - '0');
        if (v > (UINT64_MAX - d) / 10) {
            return 0;
        }
        v = v * 10 + d;
    }
    static const char units[] = "KMGT";
    const char *u = *p ? strchr(units, *p == 'k' ? 'K' : *p) : NULL;
    if (u) {
        unsigned shift = 10u * (unsigned)(u - units + 1);
        if (v > (UINT64_MAX >> shift)) {
            return 0;
        }
        v <<= shift;
        p++;
        if (strcmp(p, "iB") == 0 || strcmp(p, "B") == 0) {
            p += strlen(p);
        }
    } else if (strcmp(p, "B") == 0) {
        p++;
    }
    if (*p != '\0') {
        return 0;
    }
    *out = v;
    return 1;
}

ts_status ts_memory_available(ts_memory_avail *out, ts_error *err) {
    ts_memory_available_in("", out);
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        uint64_t used = address_space_used();
        uint64_t cap = (uint64_t)rl.rlim_cur;
        consider(out, cap > used ? cap - used : 0, "RLIMIT_AS (ulimit -v) less what is in use");
    }
    const char *env = getenv(TS_MEMORY_LIMIT_ENV);
    if (env && env[0]) {
        uint64_t v;
        if (!ts_memory_parse_size(env, &v)) {
            return ts_error_set(err, TS_ERR_PARAM,
                                "%s: invalid value '%s' (expected a size in bytes, e.g. "
                                "8000000000 or 8G)",
                                TS_MEMORY_LIMIT_ENV, env);
        }
        consider(out, v, TS_MEMORY_LIMIT_ENV);
    }
    return TS_OK;
}

/* ---- Messages ---------------------------------------------------------------------- */

void ts_memory_format(uint64_t bytes, char *buf, size_t n) {
    double b = (double)bytes;
    if (b >= 1024.0 * 1024 * 1024) {
        snprintf(buf, n, "%.1f GiB", b / (1024.0 * 1024 * 1024));
    } else if (b >= 1024.0 * 1024) {
        snprintf(buf, n, "%.0f MiB", b / (1024.0 * 1024));
    } else if (b >= 1024.0) {
        snprintf(buf, n, "%.0f KiB", b / 1024.0);
    } else {
        snprintf(buf, n, "%" PRIu64 " B", bytes);
    }
}

/* "up to 16690 agents x trust.capacity 128 models of 60 bytes" (with the keys that set the
 * agents when `keys`) and, for a sweep, the grid point of the largest run. */
static void describe_drivers(const ts_memory_estimate *e, int keys, char *buf, size_t n) {
    int k =
        snprintf(buf, n, "up to %" PRIu64 " agents%s%s%s x trust.capacity %u models of %zu bytes",
                 e->run.agents, keys ? " (set by " : "",
                 keys ? (e->run.keys ? e->run.keys : "org.headcount") : "", keys ? ")" : "",
                 (unsigned)e->run.capacity, e->run.model_bytes);
    if (e->n_points > 1 && k > 0 && (size_t)k < n) {
        snprintf(buf + k, n - (size_t)k, ", at grid point %zu of %zu", e->point, e->n_points);
    }
}

void ts_memory_describe(const ts_memory_estimate *e, const ts_memory_avail *a, char *buf,
                        size_t n) {
    char per[32], total[32], avail[32], why[512];
    ts_memory_format(e->per_run, per, sizeof per);
    ts_memory_format(e->total, total, sizeof total);
    describe_drivers(e, 0, why, sizeof why);
    int k;
    if (e->runs_at_once > 1) {
        k = snprintf(buf, n, "about %s per run (%s), %" PRIu64 " runs at once: %s", per, why,
                     e->runs_at_once, total);
    } else {
        k = snprintf(buf, n, "about %s per run (%s), one run at a time", per, why);
    }
    if (k < 0 || (size_t)k >= n) {
        return;
    }
    if (a->bytes == UINT64_MAX) {
        snprintf(buf + k, n - (size_t)k, "; the memory available is unknown");
    } else {
        ts_memory_format(a->bytes, avail, sizeof avail);
        snprintf(buf + k, n - (size_t)k, "; this machine has %s available (%s)", avail, a->source);
    }
}

ts_status ts_memory_check(const ts_memory_estimate *e, const ts_memory_avail *a, ts_error *err) {
    if (e->total <= a->bytes) {
        return TS_OK;
    }
    char per[32], total[32], avail[32], why[512], at_once[96] = "";
    ts_memory_format(e->per_run, per, sizeof per);
    ts_memory_format(e->total, total, sizeof total);
    ts_memory_format(a->bytes, avail, sizeof avail);
    describe_drivers(e, 1, why, sizeof why);
    if (e->runs_at_once > 1) {
        snprintf(at_once, sizeof at_once, ", %" PRIu64 " runs at once", e->runs_at_once);
    }
    return ts_error_set(err, TS_ERR_PARAM,
                        "the scenario needs about %s of memory (%s per run%s: %s) but only %s "
                        "is available (%s); lower trust.capacity or the headcount, %spass "
                        "--force-memory to run anyway",
                        total, per, at_once, why, avail, a->source,
                        e->runs_at_once > 1 ? "use fewer --threads, or " : "or ");
}

ts_status ts_memory_check_scenario(const ts_scenario *sc, const ts_module *const *modules,
                                   size_t n_modules, int threads, char *line, size_t n,
                                   ts_error *err) {
    ts_memory_estimate e;
    ts_memory_avail a;
    if (line && n > 0) {
        line[0] = '\0';
    }
    ts_status st = ts_memory_estimate_scenario(sc, modules, n_modules, threads, &e, err);
    if (st == TS_OK) {
        st = ts_memory_available(&a, err);
    }
    if (st != TS_OK) {
        return st;
    }
    if (line && n > 0) {
        ts_memory_describe(&e, &a, line, n);
    }
    return ts_memory_check(&e, &a, err);
}
