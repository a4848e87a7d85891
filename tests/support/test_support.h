/* Helpers shared by the cmocka tests: a scenario from YAML text (failing the test with
 * the loader's message), runs of the full model or of a module list over a scenario and
 * seed, the summary scalars and daily-series means of a result, means over seeds for an
 * "arm", and a small hand-built world for calling one module's hooks directly. Every
 * helper asserts with cmocka, so it may only be called from inside a test. */
#ifndef TST_SUPPORT_H
#define TST_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "module.h"
#include "results.h"
#include "scenario.h"
#include "world.h"

/* Loads `yaml` against ts_modules_schema() and finalizes it; fails the test on error. */
ts_scenario *tst_scenario(const char *yaml);

/* Loads and finalizes `yaml`, frees it and returns the status (for keys to be refused);
 * the message in *err unless err is NULL. */
ts_status tst_scenario_status(const char *yaml, ts_error *err);

/* Writes into buf `head` followed by one line `SECTION: {}` for each optional section of
 * ts_modules_schema(): every tactic, experiment and mechanism on at its defaults. Fails the
 * test when it does not fit in size bytes. */
void tst_every_module_yaml(char *buf, size_t size, const char *head);

/* Whether module m is on in the scenario `yaml`. */
int tst_module_on(const ts_module *m, const char *yaml);

/* Creates an engine over `sc` with `mods` (NULL: the full model), asserting success. */
ts_engine *tst_engine(const ts_scenario *sc, const ts_module *const *mods, size_t n, uint64_t seed,
                      int threads);

/* Runs one day of `e`, asserting success. */
void tst_step(ts_engine *e);

/* Runs `sc` to the end into `out` (initialised here); returns the engine (caller frees). */
ts_engine *tst_run_engine(const ts_scenario *sc, const ts_module *const *mods, size_t n,
                          uint64_t seed, int threads, ts_result *out);

/* Runs `sc` to the end into `out` (initialised here; the caller frees it). */
void tst_run(const ts_scenario *sc, const ts_module *const *mods, size_t n, uint64_t seed,
             int threads, ts_result *out);

/* One run of the full model: its scenario, engine (at the end) and result. */
typedef struct tst_fullrun {
    ts_scenario *sc;
    ts_engine *e;
    ts_result r;
} tst_fullrun;

/* Runs the full model on `yaml` with `seed` on 2 threads to the end, into *x. */
void tst_fullrun_open(tst_fullrun *x, const char *yaml, uint64_t seed);

/* Frees the result, engine and scenario of *x. */
void tst_fullrun_close(tst_fullrun *x);

/* The series `name`, failing the test when it is absent. */
const ts_series *tst_series(const ts_result *r, const char *name);

/* Mean of series `name` over days from .. n-1 (1: the recorded days). */
double tst_series_mean(const ts_result *r, const char *name, size_t from);

/* As tst_series_mean, skipping NaN days; NAN when every day is NaN. */
double tst_series_nanmean(const ts_result *r, const char *name, size_t from);

/* What tst_get reads: TST_MEAN the mean of a daily series over the recorded days,
 * TST_NANMEAN the same with NaN days left out; TST_VALUE and TST_VALUE_NAN a summary scalar
 * if there is one by that name, else that mean. */
typedef enum tst_mode { TST_MEAN, TST_NANMEAN, TST_VALUE, TST_VALUE_NAN } tst_mode;

/* The quantity `name` of a result, read as `mode` says. */
double tst_get(const ts_result *r, const char *name, tst_mode mode);

/* The summary scalar `name`, or else the mean of the daily series over the recorded days. */
double tst_value(const ts_result *r, const char *name);

/* Runs the full model on `yaml` with `seed` (2 threads); out[k] = tst_get of names[k]. */
void tst_full(const char *yaml, uint64_t seed, tst_mode mode, const char *const *names, size_t n,
              double *out);

/* Measures n quantities of one run of `yaml` with `seed` into out. */
typedef void (*tst_measure_fn)(const char *yaml, uint64_t seed, double *out, void *ctx);

/* mean[k] = sum over seed 1..seeds of measure(yaml, seed * stride)[k] / seeds (n <= 32). */
void tst_arm(const char *yaml, uint64_t seeds, uint64_t stride, size_t n, tst_measure_fn measure,
             void *ctx, double *mean);

/* Shows one seed's measures of arms a and b (seed: 1 .. seeds). */
typedef void (*tst_report_fn)(uint64_t seed, const double *a, const double *b, void *ctx);

/* Two arms seed by seed: for seed 1..seeds measures yaml_a then yaml_b with seed * stride,
 * reports them (report may be NULL) and adds a[k] / seeds to mean_a[k], b to mean_b
 * (n <= 32). */
void tst_pair(const char *yaml_a, const char *yaml_b, uint64_t seeds, uint64_t stride, size_t n,
              tst_measure_fn measure, tst_report_fn report, void *ctx, double *mean_a,
              double *mean_b);

/* tst_arm over tst_full: means over seeds of the named quantities of the full model. */
void tst_arm_full(const char *yaml, uint64_t seeds, uint64_t stride, tst_mode mode,
                  const char *const *names, size_t n, double *mean);

/* A success link so steep (work.skill_scale 0.001) that competence above work.difficulty
 * (0.4) always succeeds and competence below it always fails: for tests that check who
 * sees what, not how likely it is. */
#define TST_SHARP_LINK "work: {skill_scale: 0.001}\n"

/* The default success link by hand: 1 / (1 + exp(-(c - 0.4) / 0.1)), no alignment error. */
double tst_success_p(double competence);

/* A hand-built world with one module's state, for calling its hooks directly. */
typedef struct tst_world {
    const ts_module *mod;
    ts_scenario *sc;
    ts_world w;
    void *st;
} tst_world;

/* Loads `yaml`, inits a world (`domains`, `capacity` models each, no forgetting) and,
 * when headcount > 0, builds the tree (span, hired on day 0). Not yet configured. */
void tst_world_open(tst_world *f, const ts_module *mod, const char *yaml, uint32_t domains,
                    uint32_t capacity, uint32_t headcount, uint32_t span);

/* Sets every person's competence in every domain to c. */
void tst_world_competence(tst_world *f, float c);

/* Runs the module's configure, asserting success and a non-NULL state, then its grow (as the
 * engine does). */
void tst_world_configure(tst_world *f);

/* Frees the module state (if any), the world and the scenario. */
void tst_world_close(tst_world *f);

/* One day of the module on `day` as the engine runs it: the hours ledger cleared (the
 * daily shared columns are the test's, as another module's org would set them), org, then act for
 * every active agent and each receiver's messages applied in delivery order (receiver, sender,
 * emission), then settle. */
void tst_world_org(tst_world *f, int32_t day, uint8_t module, uint64_t seed);

/* The module's n day-end metrics into v (each -1 first, so a metric left unset shows),
 * from its measure (after measure_prepare) over every agent when it has one. */
void tst_world_metrics(tst_world *f, double *v, size_t n);

/* Competence evidence of a's model of b today (0 without a model); its belief in *bel
 * unless bel is NULL (left as it was without a model). */
float tst_evidence(const ts_world *w, uint32_t a, uint32_t b, ts_belief *bel);

/* Hours of `a` in ledger slot `slot`. */
double tst_hours(const ts_world *w, uint32_t a, int slot);

/* Hours of `a` over every ledger slot but `except` (-1: all slots). */
double tst_hours_except(const ts_world *w, uint32_t a, int except);

/* The active (concealed, undiscovered) defects carried by the people employed. */
double tst_hidden_defects(const ts_engine *e);

/* ---- Running the binary and reading files (integration tests) ---------------------- */

/* Runs argv (argv[0]: the program) in cwd (NULL: here) with stdin from /dev/null and
 * stdout and stderr written to out_path and err_path; returns its exit code, or 128 +
 * the signal that ended it. */
int tst_exec(const char *const argv[], const char *cwd, const char *out_path, const char *err_path);

/* tst_exec with files limited to max_file_bytes (RLIMIT_FSIZE; SIGXFSZ ignored, so a
 * write beyond fails with EFBIG as on a full disk); 0: no limit. */
int tst_exec_limited(const char *const argv[], const char *cwd, const char *out_path,
                     const char *err_path, uint64_t max_file_bytes);

/* The whole file as a NUL-terminated string (the caller frees it); fails the test if the
 * file cannot be read. */
char *tst_slurp(const char *path);

/* tst_exec of argv with stdout and stderr to DIR/TAG.out and DIR/TAG.err. */
int tst_run_tagged(const char *dir, const char *const argv[], const char *tag);

/* The text tst_run_tagged left in DIR/TAG.STREAM ("out" or "err"); the caller frees it. */
char *tst_tagged_output(const char *dir, const char *tag, const char *stream);

/* Is there something at path? */
int tst_exists(const char *path);

/* n doubles of the dataset `name` of an open HDF5 file (hid_t, passed as int64_t so that
 * this header needs no HDF5): fails the test when it is absent or has another size. */
void tst_h5_doubles(int64_t file, const char *name, double *v, size_t n);

/* Sets the scalar UTF-8 string attribute `name` of an open HDF5 object (hid_t as int64_t)
 * to value, as the writer stores one (variable length), replacing one of that name. */
void tst_h5_string_attr(int64_t loc, const char *name, const char *value);

/* Messages a hook emits, captured for a test to read (organisations under 1,024 people:
 * one bucket). */
typedef struct tst_msgs {
    ts_msgbuf buf;
    uint32_t hist[8];
} tst_msgs;

/* Empties the capture and returns an emitter into it, for messages from `from` by
 * module `module` on `day`, with the run seed `seed` (for ts_emit_rng). */
ts_emit tst_msgs_emit(tst_msgs *m, uint32_t from, uint8_t module, int32_t day, uint64_t seed);

/* The captured messages of `kind` to `to`; the last of them into *last unless NULL. */
int tst_msgs_count(const tst_msgs *m, uint32_t to, int kind, ts_msg *last);

/* The only captured message of `kind` to `to` (fails the test unless there is one). */
ts_msg tst_msgs_only(const tst_msgs *m, uint32_t to, int kind);

void tst_msgs_free(tst_msgs *m);

/* Writes text to path, failing the test on any error. */
void tst_write_file(const char *path, const char *text);

/* Do two results files hold the same runs r000000 .. r(n_runs-1)? Their data compared
 * with h5diff; their attributes, but wall_seconds and threads (which measure the machine,
 * not the model), with h5py. */
int tst_same_runs(const char *a, const char *b, int n_runs);

/* How fast hidden defects are found, one arm of a discovery experiment: means over the
 * seeds of the daily failures_concealed, concealed_discovered, fud_mean, hours_meetings
 * and trust_mean, the hidden defects carried on the last day, and from them the share
 * of concealments found and (Little's law: stock / concealment rate) the mean days a
 * defect stays hidden. */
typedef struct tst_discovery {
    double concealed, discovered, fud, meetings, trust, hidden;
    double found_share, hiding_days;
} tst_discovery;

/* Runs the tactic-off and tactic-on scenarios seed by seed (seed k * stride for k =
 * 1..seeds), prints each seed's and the mean figures, and fills off and on. */
void tst_discovery_pair(const char *yaml_off, const char *yaml_on, uint64_t seeds, uint64_t stride,
                        tst_discovery *off, tst_discovery *on);

#endif
