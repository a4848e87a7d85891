/* Helpers shared by the cmocka tests (see test_support.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hdf5.h>
#include <sys/stat.h>

#include "modules.h"
#include "shared.h"
#include "work_internal.h"
#include "test_support.h"

#define TST_MAX_VALUES 32

ts_scenario *tst_scenario(const char *yaml) {
    ts_scenario *sc = NULL;
    ts_error err;
    ts_status st = ts_scenario_load_string(ts_modules_schema(), yaml, "t.yaml", NULL, &sc, &err);
    if (st == TS_OK) {
        st = ts_scenario_finalize(sc, &err);
    }
    if (st != TS_OK) {
        ts_scenario_free(sc);
        fail_msg("%s", err.msg);
    }
    return sc;
}

ts_status tst_scenario_status(const char *yaml, ts_error *err) {
    ts_scenario *sc = NULL;
    ts_error own;
    if (!err) {
        err = &own;
    }
    ts_status st = ts_scenario_load_string(ts_modules_schema(), yaml, "t.yaml", NULL, &sc, err);
    if (st == TS_OK) {
        st = ts_scenario_finalize(sc, err);
    }
    ts_scenario_free(sc);
    return st;
}

void tst_every_module_yaml(char *buf, size_t size, const char *head) {
    const ts_schema *schema = ts_modules_schema();
    size_t len = (size_t)snprintf(buf, size, "%s", head);
    for (size_t i = 0; i < schema->n_sections && len < size; i++) {
        if (schema->sections[i]->optional) {
            len += (size_t)snprintf(buf + len, size - len, "%s: {}\n", schema->sections[i]->name);
        }
    }
    assert_true(len < size);
}

int tst_module_on(const ts_module *m, const char *yaml) {
    ts_scenario *sc = tst_scenario(yaml);
    int on = ts_engine_module_on(m, sc);
    ts_scenario_free(sc);
    return on;
}

ts_engine *tst_engine(const ts_scenario *sc, const ts_module *const *mods, size_t n, uint64_t seed,
                      int threads) {
    ts_engine_options eo = {.seed = seed, .threads = threads};
    ts_engine *e = NULL;
    ts_error err;
    if (!mods) {
        mods = ts_modules;
        n = ts_n_modules;
    }
    ts_status st = ts_engine_create(sc, mods, n, &eo, &e, &err);
    if (st != TS_OK) {
        fail_msg("ts_engine_create: %s", err.msg);
    }
    return e;
}

void tst_step(ts_engine *e) {
    ts_error err;
    ts_status st = ts_engine_step(e, &err);
    if (st != TS_OK) {
        fail_msg("ts_engine_step: %s", err.msg);
    }
}

ts_engine *tst_run_engine(const ts_scenario *sc, const ts_module *const *mods, size_t n,
                          uint64_t seed, int threads, ts_result *out) {
    ts_error err;
    ts_result_init(out);
    ts_engine *e = tst_engine(sc, mods, n, seed, threads);
    ts_status st = ts_engine_run(e, out, &err);
    if (st != TS_OK) {
        ts_engine_free(e);
        fail_msg("ts_engine_run: %s", err.msg);
    }
    return e;
}

void tst_run(const ts_scenario *sc, const ts_module *const *mods, size_t n, uint64_t seed,
             int threads, ts_result *out) {
    ts_engine_free(tst_run_engine(sc, mods, n, seed, threads, out));
}

const ts_series *tst_series(const ts_result *r, const char *name) {
    const ts_series *s = ts_result_find_series(r, name);
    if (!s) {
        fail_msg("no series %s", name);
    }
    return s;
}

void tst_fullrun_open(tst_fullrun *x, const char *yaml, uint64_t seed) {
    x->sc = tst_scenario(yaml);
    x->e = tst_run_engine(x->sc, NULL, 0, seed, 2, &x->r);
}

void tst_fullrun_close(tst_fullrun *x) {
    ts_result_free(&x->r);
    ts_engine_free(x->e);
    ts_scenario_free(x->sc);
}

double tst_series_mean(const ts_result *r, const char *name, size_t from) {
    const ts_series *s = tst_series(r, name);
    assert_true(s->n > from);
    double t = 0.0;
    for (size_t d = from; d < s->n; d++) {
        t += s->values[d];
    }
    return t / (double)(s->n - from);
}

double tst_series_nanmean(const ts_result *r, const char *name, size_t from) {
    const ts_series *s = tst_series(r, name);
    double t = 0.0;
    size_t n = 0;
    for (size_t d = from; d < s->n; d++) {
        if (!isnan(s->values[d])) {
            t += s->values[d];
            n++;
        }
    }
    return n ? t / (double)n : NAN;
}

double tst_get(const ts_result *r, const char *name, tst_mode mode) {
    if (mode == TST_VALUE || mode == TST_VALUE_NAN) {
        const ts_scalar *s = ts_result_find_scalar(r, name);
        if (s) {
            return s->value;
        }
    }
    return mode == TST_MEAN || mode == TST_VALUE ? tst_series_mean(r, name, 1)
                                                 : tst_series_nanmean(r, name, 1);
}

double tst_value(const ts_result *r, const char *name) {
    return tst_get(r, name, TST_VALUE);
}

void tst_full(const char *yaml, uint64_t seed, tst_mode mode, const char *const *names, size_t n,
              double *out) {
    tst_fullrun x;
    tst_fullrun_open(&x, yaml, seed);
    for (size_t k = 0; k < n; k++) {
        out[k] = tst_get(&x.r, names[k], mode);
    }
    tst_fullrun_close(&x);
}

void tst_arm(const char *yaml, uint64_t seeds, uint64_t stride, size_t n, tst_measure_fn measure,
             void *ctx, double *mean) {
    double v[TST_MAX_VALUES];
    assert_true(n <= TST_MAX_VALUES);
    for (size_t k = 0; k < n; k++) {
        mean[k] = 0.0;
    }
    for (uint64_t seed = 1; seed <= seeds; seed++) {
        measure(yaml, seed * stride, v, ctx);
        for (size_t k = 0; k < n; k++) {
            mean[k] += v[k] / (double)seeds;
        }
    }
}

void tst_pair(const char *yaml_a, const char *yaml_b, uint64_t seeds, uint64_t stride, size_t n,
              tst_measure_fn measure, tst_report_fn report, void *ctx, double *mean_a,
              double *mean_b) {
    double a[TST_MAX_VALUES], b[TST_MAX_VALUES];
    assert_true(n <= TST_MAX_VALUES);
    for (size_t k = 0; k < n; k++) {
        mean_a[k] = mean_b[k] = 0.0;
    }
    for (uint64_t seed = 1; seed <= seeds; seed++) {
        measure(yaml_a, seed * stride, a, ctx);
        measure(yaml_b, seed * stride, b, ctx);
        if (report) {
            report(seed, a, b, ctx);
        }
        for (size_t k = 0; k < n; k++) {
            mean_a[k] += a[k] / (double)seeds;
            mean_b[k] += b[k] / (double)seeds;
        }
    }
}

typedef struct tst_names {
    tst_mode mode;
    const char *const *names;
    size_t n;
} tst_names;

static void measure_full(const char *yaml, uint64_t seed, double *out, void *ctx) {
    const tst_names *nm = ctx;
    tst_full(yaml, seed, nm->mode, nm->names, nm->n, out);
}

void tst_arm_full(const char *yaml, uint64_t seeds, uint64_t stride, tst_mode mode,
                  const char *const *names, size_t n, double *mean) {
    tst_names nm = {mode, names, n};
    tst_arm(yaml, seeds, stride, n, measure_full, &nm, mean);
}

double tst_success_p(double competence) {
    return 1.0 / (1.0 + exp(-(competence - 0.4) / 0.1));
}

void tst_world_open(tst_world *f, const ts_module *mod, const char *yaml, uint32_t domains,
                    uint32_t capacity, uint32_t headcount, uint32_t span) {
    ts_error err;
    memset(f, 0, sizeof *f);
    f->mod = mod;
    f->sc = tst_scenario(yaml);
    assert_int_equal(ts_world_init(&f->w, domains, capacity, 1.0, &err), TS_OK);
    /* As in the engine, where the first module (trust) registers them: the people's columns. */
    assert_int_equal(ts_shared_register(&f->w, &err), TS_OK);
    if (headcount > 0) {
        assert_int_equal(ts_world_build_tree(&f->w, headcount, span, 0, &err), TS_OK);
    }
}

void tst_world_competence(tst_world *f, float c) {
    for (size_t k = 0; k < (size_t)f->w.n * f->w.n_domains; k++) {
        ts_competence(&f->w)[k] = c;
    }
}

void tst_world_configure(tst_world *f) {
    ts_error err;
    ts_status st = f->mod->configure(f->sc, &f->w, &f->st, &err);
    if (st != TS_OK) {
        fail_msg("%s configure: %s", f->mod->name, err.msg);
    }
    assert_non_null(f->st);
    /* As the engine does: the module follows the agents already in the world. */
    if (f->mod->grow && f->mod->grow(f->st, &f->w, &err) != TS_OK) {
        fail_msg("%s grow: %s", f->mod->name, err.msg);
    }
}

void tst_world_close(tst_world *f) {
    if (f->st) {
        f->mod->free(f->st);
    }
    ts_world_free(&f->w);
    ts_scenario_free(f->sc);
}

/* A message of the day and its place in emission order (senders act in id order, so the
 * place orders by sender, then emission, as the engine's delivery does). */
typedef struct tst_placed {
    ts_msg m;
    size_t at;
} tst_placed;

static int tst_by_receiver(const void *x, const void *y) {
    const tst_placed *a = x, *b = y;
    if (a->m.to != b->m.to) {
        return a->m.to < b->m.to ? -1 : 1;
    }
    return a->at < b->at ? -1 : a->at > b->at;
}

void tst_world_org(tst_world *f, int32_t day, uint8_t module, uint64_t seed) {
    ts_world *w = &f->w;
    memset(w->hours, 0, (size_t)w->n * TS_HOURS_SLOTS * sizeof *w->hours);
    w->day = day;
    ts_error err;
    ts_day d = {.day = day, .live = day >= 1, .module = module, .seed = seed, .err = &err};
    /* Agents the test added since configure, then those org adds: the engine tells the
     * modules after its creation and after each org phase. */
    if (f->mod->grow) {
        assert_int_equal(f->mod->grow(f->st, w, &err), TS_OK);
    }
    if (f->mod->org) {
        assert_int_equal(f->mod->org(f->st, w, &d), TS_OK);
    }
    if (f->mod->grow) {
        assert_int_equal(f->mod->grow(f->st, w, &err), TS_OK);
    }
    if (!f->mod->act) {
        return;
    }
    /* Act for every active agent, then each receiver's inbox applied in order. */
    ts_msgbuf buf = {0};
    uint32_t hist[1] = {0};
    for (uint32_t a = 0; a < w->n; a++) {
        if (!w->active[a]) {
            continue;
        }
        ts_emit e = {.buf = &buf,
                     .hist = hist,
                     .bucket_shift = 31,
                     .from = a,
                     .module = module,
                     .stream = ts_module_stream_key(f->mod->name),
                     .day = day,
                     .seed = seed};
        void *row = f->mod->act_row ? f->mod->act_row(f->st, a) : NULL;
        assert_int_equal(f->mod->act(f->st, w, a, row, &e), TS_OK);
        assert_false(e.failed);
    }
    tst_placed *p = calloc(buf.n ? buf.n : 1, sizeof *p);
    assert_non_null(p);
    for (size_t k = 0; k < buf.n; k++) {
        p[k] = (tst_placed){buf.msgs[k], k};
    }
    qsort(p, buf.n, sizeof *p, tst_by_receiver);
    size_t k = 0;
    for (uint32_t a = 0; a < w->n; a++) {
        for (; k < buf.n && p[k].m.to == a; k++) {
            if (f->mod->handle) {
                assert_int_equal(f->mod->handle(f->st, w, &p[k].m), TS_OK);
            }
        }
        if (w->active[a] && f->mod->settle) {
            assert_int_equal(f->mod->settle(f->st, w, a), TS_OK);
        }
    }
    free(p);
    ts_msgbuf_free(&buf);
}

void tst_world_metrics(tst_world *f, double *v, size_t n) {
    for (size_t k = 0; k < n; k++) {
        v[k] = -1.0;
    }
    double acc[64] = {0};
    assert_true(f->mod->n_acc <= 64);
    if (f->mod->measure_prepare) {
        assert_int_equal(f->mod->measure_prepare(f->st, &f->w, 0, f->w.n), TS_OK);
    }
    if (f->mod->measure) {
        assert_int_equal(f->mod->measure(f->st, &f->w, 0, f->w.n, acc), TS_OK);
    }
    f->mod->day_end(f->st, &f->w, f->mod->n_acc ? acc : NULL, v);
}

float tst_evidence(const ts_world *w, uint32_t a, uint32_t b, ts_belief *bel) {
    int slot = ts_relstore_find(&w->models, a, b);
    if (slot < 0) {
        return 0.0f;
    }
    if (bel) {
        ts_relstore_read(&w->models, a, (uint32_t)slot, w->day, bel);
    }
    return ts_relstore_evidence(&w->models, a, (uint32_t)slot, w->day);
}

double tst_hours(const ts_world *w, uint32_t a, int slot) {
    return w->hours[(size_t)a * TS_HOURS_SLOTS + (size_t)slot];
}

double tst_hours_except(const ts_world *w, uint32_t a, int except) {
    double t = 0.0;
    for (int k = 0; k < TS_HOURS_SLOTS; k++) {
        t += k == except ? 0.0 : w->hours[(size_t)a * TS_HOURS_SLOTS + (size_t)k];
    }
    return t;
}

double tst_hidden_defects(const ts_engine *e) {
    const work_state *ws = ts_engine_module_state(e, "work");
    const ts_world *w = ts_engine_world(e);
    assert_non_null(ws);
    double n = 0.0;
    for (uint32_t a = 0; a < w->n; a++) {
        for (int k = 0; k < WORK_MAX_DEFECTS && w->active[a]; k++) {
            n += ws->rows[a].defects[k].active;
        }
    }
    return n;
}

/* ---- Discovery experiments ----------------------------------------------------------- */

enum { D_CONC, D_DISC, D_FUD, D_MEET, D_TRUST, D_N, D_HIDDEN = D_N, D_ALL };
static const char *const d_names[D_N] = {"failures_concealed", "concealed_discovered", "fud_mean",
                                         "hours_meetings", "trust_mean"};

static void discovery_measure(const char *text, uint64_t seed, double *out, void *ctx) {
    (void)ctx;
    tst_fullrun fr;
    tst_fullrun_open(&fr, text, seed);
    for (size_t k = 0; k < D_N; k++) {
        out[k] = tst_series_nanmean(&fr.r, d_names[k], 1);
    }
    out[D_HIDDEN] = tst_hidden_defects(fr.e);
    tst_fullrun_close(&fr);
}

static void discovery_report(uint64_t seed, const double *a, const double *b, void *ctx) {
    (void)ctx;
    const double *arms[2] = {a, b};
    for (int k = 0; k < 2; k++) {
        const double *x = arms[k];
        print_message("seed %u %s: concealed %.3f discovered %.3f (%.3f) hidden %3.0f "
                      "(%.1f days) fud %.3f meetings %.3f trust %.4f\n",
                      (unsigned)seed, k ? "on " : "off", x[D_CONC], x[D_DISC],
                      x[D_DISC] / x[D_CONC], x[D_HIDDEN], x[D_HIDDEN] / x[D_CONC], x[D_FUD],
                      x[D_MEET], x[D_TRUST]);
    }
}

static void discovery_fill(const double *m, tst_discovery *d) {
    d->concealed = m[D_CONC];
    d->discovered = m[D_DISC];
    d->fud = m[D_FUD];
    d->meetings = m[D_MEET];
    d->trust = m[D_TRUST];
    d->hidden = m[D_HIDDEN];
    d->found_share = m[D_DISC] / m[D_CONC];
    d->hiding_days = m[D_HIDDEN] / m[D_CONC];
}

void tst_discovery_pair(const char *yaml_off, const char *yaml_on, uint64_t seeds, uint64_t stride,
                        tst_discovery *off, tst_discovery *on) {
    double m_off[D_ALL], m_on[D_ALL];
    tst_pair(yaml_off, yaml_on, seeds, stride, D_ALL, discovery_measure, discovery_report, NULL,
             m_off, m_on);
    discovery_fill(m_off, off);
    discovery_fill(m_on, on);
    print_message("mean off: discovered/concealed %.3f hiding %.1f days fud %.3f meetings %.3f\n",
                  off->found_share, off->hiding_days, off->fud, off->meetings);
    print_message("mean on:  discovered/concealed %.3f hiding %.1f days fud %.3f meetings %.3f\n",
                  on->found_share, on->hiding_days, on->fud, on->meetings);
}

/* ---- Running the binary and reading files ---------------------------------------------- */

int tst_exec_limited(const char *const argv[], const char *cwd, const char *out_path,
                     const char *err_path, uint64_t max_file_bytes) {
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* Only async-signal-safe calls between fork and exec. */
        struct rlimit rl;
        int in = open("/dev/null", O_RDONLY);
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 ||
            dup2(err, 2) < 0 || (cwd && chdir(cwd) != 0) || getrlimit(RLIMIT_FSIZE, &rl) != 0) {
            _exit(127);
        }
        if (max_file_bytes > 0) {
            rl.rlim_cur = (rlim_t)max_file_bytes;
            signal(SIGXFSZ, SIG_IGN);
            if (setrlimit(RLIMIT_FSIZE, &rl) != 0) {
                _exit(127);
            }
        }
        execv(argv[0], (char *const *)(uintptr_t)argv);
        _exit(127);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int tst_exec(const char *const argv[], const char *cwd, const char *out_path,
             const char *err_path) {
    return tst_exec_limited(argv, cwd, out_path, err_path, 0);
}

char *tst_slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    char chunk[4096];
    assert_non_null(f);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + n + 1 > cap) {
            cap = 2 * (len + n + 1);
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        memcpy(buf + len, chunk, n);
        len += n;
    }
    fclose(f);
    if (!buf) {
        buf = calloc(1, 1);
        assert_non_null(buf);
    }
    buf[len] = '\0';
    return buf;
}

void tst_write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
}

ts_emit tst_msgs_emit(tst_msgs *m, uint32_t from, uint8_t module, int32_t day, uint64_t seed) {
    m->buf.n = 0;
    memset(m->hist, 0, sizeof m->hist);
    return (ts_emit){.buf = &m->buf,
                     .hist = m->hist,
                     .bucket_shift = 10,
                     .from = from,
                     .module = module,
                     .day = day,
                     .seed = seed};
}

int tst_msgs_count(const tst_msgs *m, uint32_t to, int kind, ts_msg *last) {
    int n = 0;
    for (size_t i = 0; i < m->buf.n; i++) {
        if (m->buf.msgs[i].to == to && m->buf.msgs[i].kind == kind) {
            n++;
            if (last) {
                *last = m->buf.msgs[i];
            }
        }
    }
    return n;
}

ts_msg tst_msgs_only(const tst_msgs *m, uint32_t to, int kind) {
    ts_msg found = {0};
    int n = tst_msgs_count(m, to, kind, &found);
    if (n != 1) {
        fail_msg("%d messages of kind %d to %u, expected 1", n, kind, (unsigned)to);
    }
    return found;
}

void tst_msgs_free(tst_msgs *m) {
    ts_msgbuf_free(&m->buf);
}

int tst_same_runs(const char *a, const char *b, int n_runs) {
    char cmd[8192];
    int k = snprintf(cmd, sizeof cmd, "h5diff -q");
    for (int i = 0; i < n_runs && k < (int)sizeof cmd; i++) {
        k += snprintf(cmd + k, sizeof cmd - (size_t)k, " --exclude-attribute /runs/r%06d", i);
    }
    assert_true(k < (int)sizeof cmd - 1024);
    snprintf(cmd + k, sizeof cmd - (size_t)k, " %s %s /runs /runs", a, b);
    int st = system(cmd);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        return 0;
    }
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c \"import h5py, sys; A = h5py.File('%s'); B = h5py.File('%s');"
             " sys.exit(0 if sorted(A['runs']) == sorted(B['runs']) and all("
             "{k: str(v) for k, v in A['runs'][r].attrs.items() if k not in ('wall_seconds', "
             "'threads')} == {k: str(v) for k, v in B['runs'][r].attrs.items() if k not in "
             "('wall_seconds', 'threads')} for r in A['runs']) else 1)\"",
             a, b);
    st = system(cmd);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int tst_run_tagged(const char *dir, const char *const argv[], const char *tag) {
    char out[1024], err[1024];
    snprintf(out, sizeof out, "%s/%s.out", dir, tag);
    snprintf(err, sizeof err, "%s/%s.err", dir, tag);
    return tst_exec(argv, NULL, out, err);
}

char *tst_tagged_output(const char *dir, const char *tag, const char *stream) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.%s", dir, tag, stream);
    return tst_slurp(path);
}

int tst_exists(const char *path) {
    struct stat sb;
    return stat(path, &sb) == 0;
}

void tst_h5_string_attr(int64_t loc, const char *name, const char *value) {
    if (H5Aexists((hid_t)loc, name) > 0) {
        assert_true(H5Adelete((hid_t)loc, name) >= 0);
    }
    hid_t type = H5Tcopy(H5T_C_S1);
    assert_true(type >= 0);
    assert_true(H5Tset_size(type, H5T_VARIABLE) >= 0);
    assert_true(H5Tset_cset(type, H5T_CSET_UTF8) >= 0);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2((hid_t)loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(a >= 0);
    assert_true(H5Awrite(a, type, &value) >= 0);
    H5Aclose(a);
    H5Sclose(space);
    H5Tclose(type);
}

void tst_h5_doubles(int64_t file, const char *name, double *v, size_t n) {
    hid_t d = H5Dopen2((hid_t)file, name, H5P_DEFAULT);
    if (d < 0) {
        fail_msg("no dataset %s", name);
    }
    hid_t s = H5Dget_space(d);
    hssize_t got = H5Sget_simple_extent_npoints(s);
    H5Sclose(s);
    if (got != (hssize_t)n) {
        H5Dclose(d);
        fail_msg("%s has %lld values, expected %zu", name, (long long)got, n);
    }
    assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    H5Dclose(d);
}
