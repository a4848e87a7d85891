/* `trustsim validate` (validate.h): loads the patterns, runs every (pattern, arm, seed) of
 * the selected ones through the runner's pool, measures each run as it ends, scores the
 * checks, writes every run and the scorecard to a temporary file beside the output and
 * renames it into place once complete, then prints the scorecard. All arms of a pattern
 * use the same run seed for the same replicate: ts_rng_run_seed(seed, 0, replicate), the
 * seed `trustsim run` gives grid point 0 (so each arm's scenario_yaml in the file, run
 * with `trustsim run`, gives that arm's runs again, bit for bit). */
#include "validate_internal.h"

#include "clock.h"
#include "h5out.h"
#include "h5out_internal.h"
#include "rng.h"
#include "runner.h"

#include <errno.h>
#include <math.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- The patterns file ------------------------------------------------------------------ */

/* The patterns file's text, its name in messages and the directory of its extends. */
typedef struct vd_source {
    char *text;
    const char *shown;
    char *dir;
    int builtin;
} vd_source;

static ts_status vd_read(const ts_validate_options *o, vd_source *src, ts_error *err) {
    struct stat sb;
    const char *path = o->patterns;
    if (!path && stat(TS_VALIDATE_DEFAULT_PATTERNS, &sb) == 0 && S_ISREG(sb.st_mode)) {
        path = TS_VALIDATE_DEFAULT_PATTERNS;
    }
    if (!path) {
        /* The compiled-in copy; its scenarios are inline, so no directory is needed. */
        src->builtin = 1;
        src->shown = "validation.yaml";
        src->text = strdup(ts_validation_patterns_yaml);
        src->dir = strdup("");
        return src->text && src->dir ? TS_OK : ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    src->shown = path;
    size_t len;
    ts_status st = ts_yaml_read_file(path, "the patterns file", &src->text, &len, err);
    if (st != TS_OK) {
        return st;
    }
    const char *slash = strrchr(path, '/');
    src->dir = slash ? strndup(path, (size_t)(slash - path) + 1) : strdup("");
    return src->dir ? TS_OK : ts_error_set(err, TS_ERR_NOMEM, "out of memory");
}

/* ---- The runs --------------------------------------------------------------------------- */

typedef struct vd_job {
    size_t p, arm, rep;
    uint32_t run_index;
} vd_job;

/* What the measures of one pattern's runs come to: value and units of check c on arm a
 * and replicate r at [(c * n_arms + a) * seeds + r] (NaN until measured). */
typedef struct vd_values {
    double *v;
    const char **units;
    ts_scenario **points; /* the scenario at each arm */
} vd_values;

typedef struct vd_ctx {
    const ts_validate_options *o;
    const ts_vset *set;
    ts_h5file *file;
    vd_job *jobs;
    vd_values *vals; /* per pattern */
} vd_ctx;

static size_t vd_slot(const ts_vpattern *p, size_t c, size_t a, size_t r) {
    return (c * p->n_arms + a) * p->seeds + r;
}

/* Measures run res of pattern p, arm a, replicate r with every check that looks at arm a.
 * Each job writes only its own slots. */
static ts_status vd_measure(const ts_vpattern *p, vd_values *v, size_t a, size_t r,
                            const ts_result *res, ts_error *err) {
    for (size_t c = 0; c < p->n_checks; c++) {
        const ts_vcheck *k = &p->checks[c];
        size_t n_arms = ts_vcmp_arms(k->cmp);
        const size_t arms[4] = {k->arm, k->arm_b, k->arm_c, k->arm_d};
        int reads = 0;
        for (size_t i = 0; i < n_arms; i++) {
            reads |= arms[i] == a;
        }
        if (!reads) {
            continue;
        }
        size_t s = vd_slot(p, c, a, r);
        ts_status st = ts_vmeasure_eval(&k->m, res, &v->v[s], &v->units[s], err);
        if (st != TS_OK) {
            return st;
        }
    }
    return TS_OK;
}

static ts_status vd_job_run(void *ctx, size_t job, int threads, ts_runner_pool *pool,
                            ts_error *err) {
    vd_ctx *c = ctx;
    const vd_job *j = &c->jobs[job];
    const ts_vpattern *p = &c->set->p[j->p];
    vd_values *v = &c->vals[j->p];
    uint64_t seed = ts_rng_run_seed((uint64_t)ts_scenario_int(p->sc, "seed"), 0, (uint32_t)j->rep);
    ts_result res;
    double t0 = ts_clock_seconds();
    ts_status st = ts_runner_run_point(v->points[j->arm], seed, threads, c->o->modules,
                                       c->o->n_modules, pool, &res, err);
    if (st != TS_OK) {
        return st;
    }
    st = vd_measure(p, v, j->arm, j->rep, &res, err);
    ts_param_value pv[2] = {{.key = "pattern", .text = p->id, .is_number = 0, .number = NAN},
                            {.key = "arm", .text = ts_vpattern_arm(p, j->arm), .number = NAN}};
    res.run_index = j->run_index;
    res.grid_point = (uint32_t)j->arm;
    res.replicate = (uint32_t)j->rep;
    res.seed = seed;
    res.threads = threads;
    res.params = pv;
    res.n_params = 2;
    res.wall_seconds = ts_clock_seconds() - t0;
    if (st == TS_OK) {
#pragma omp critical(ts_validate_file)
        st = ts_h5_write_run(c->file, &res, err);
    }
    res.params = NULL; /* on the stack */
    ts_result_free(&res);
    return st;
}

/* The jobs, replicate-major across patterns (so that a measure that does not fit the runs
 * shows after the first round); runs are numbered pattern by pattern, then replicate-major
 * within a pattern as in `trustsim run`. */
static vd_job *vd_plan(const ts_vset *s, const vd_values *vals, size_t *n_jobs,
                       unsigned char **large, uint64_t *days) {
    size_t n = 0, most = 0, base = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (s->p[i].selected) {
            n += s->p[i].n_arms * s->p[i].seeds;
            most = s->p[i].seeds > most ? s->p[i].seeds : most;
        }
    }
    vd_job *jobs = calloc(n ? n : 1, sizeof *jobs);
    *large = calloc(n ? n : 1, 1);
    if (!jobs || !*large) {
        free(jobs);
        free(*large);
        *large = NULL;
        return NULL;
    }
    size_t *first = calloc(s->n + 1, sizeof *first);
    if (!first) {
        free(jobs);
        free(*large);
        *large = NULL;
        return NULL;
    }
    for (size_t i = 0; i < s->n; i++) {
        first[i] = base;
        base += s->p[i].selected ? s->p[i].n_arms * s->p[i].seeds : 0;
    }
    size_t k = 0;
    *days = 0;
    for (size_t r = 0; r < most; r++) {
        for (size_t i = 0; i < s->n; i++) {
            const ts_vpattern *p = &s->p[i];
            for (size_t a = 0; p->selected && r < p->seeds && a < p->n_arms; a++) {
                jobs[k] = (vd_job){i, a, r, (uint32_t)(first[i] + r * p->n_arms + a)};
                const ts_scenario *pt = vals[i].points[a];
                (*large)[k] = (unsigned char)ts_runner_is_large(pt);
                *days += (uint64_t)(ts_scenario_int(pt, "days") +
                                    ts_scenario_int(pt, "org.warmup_days"));
                k++;
            }
        }
    }
    free(first);
    *n_jobs = n;
    return jobs;
}

/* ---- Scoring ---------------------------------------------------------------------------- */

typedef struct vd_card {
    ts_vrow *rows;
    size_t n_rows;
    ts_vprow *pats;
    ts_vh5pattern *h5;
    size_t n_pats;
    char **arms_text; /* per row: "a" or "a,b" */
    char **arm_yaml;  /* per pattern and arm, flattened */
    const char **arm_names;
    char **pattern_yaml;
} vd_card;

static void vd_card_free(vd_card *k, size_t n_arms_total) {
    for (size_t i = 0; k->arms_text && i < k->n_rows; i++) {
        free(k->arms_text[i]);
    }
    for (size_t i = 0; k->arm_yaml && i < n_arms_total; i++) {
        free(k->arm_yaml[i]);
    }
    for (size_t i = 0; k->pattern_yaml && i < k->n_pats; i++) {
        free(k->pattern_yaml[i]);
    }
    free(k->arms_text);
    free(k->arm_yaml);
    free(k->arm_names);
    free(k->pattern_yaml);
    free(k->rows);
    free(k->pats);
    free(k->h5);
}

/* The scorecard row of check c of pattern p. */
static int vd_row(const ts_vpattern *p, const vd_values *v, size_t c, double *work, ts_vrow *row,
                  char **arms_text) {
    const ts_vcheck *k = &p->checks[c];
    ts_vscore s;
    size_t n_arms = ts_vcmp_arms(k->cmp);
    const size_t arms[4] = {k->arm, k->arm_b, k->arm_c, k->arm_d};
    const double *vv[4];
    for (size_t i = 0; i < 4; i++) {
        vv[i] = v->v + vd_slot(p, c, arms[i < n_arms ? i : 0], 0);
    }
    ts_vcheck_score(k, vv, p->seeds, work, &s);
    const char *units = "";
    for (size_t r = 0; r < p->seeds; r++) {
        const char *u = v->units[vd_slot(p, c, k->arm, r)];
        if (u) {
            units = u;
            break;
        }
    }
    size_t len = 1;
    for (size_t i = 0; i < n_arms; i++) {
        len += strlen(ts_vpattern_arm(p, arms[i])) + 1;
    }
    *arms_text = malloc(len);
    if (!*arms_text) {
        return 0;
    }
    (*arms_text)[0] = '\0';
    for (size_t i = 0; i < n_arms; i++) {
        size_t used = strlen(*arms_text);
        ts_vfmt(*arms_text + used, len - used, "%s%s", i ? "," : "", ts_vpattern_arm(p, arms[i]));
    }
    *row = (ts_vrow){.pattern = p->id,
                     .check = k->name,
                     .arms = *arms_text,
                     .as = k->cmp == TS_VC_RATIO        ? "ratio"
                           : k->cmp == TS_VC_DIFFERENCE ? "difference"
                           : k->cmp == TS_VC_DID        ? "difference_in_differences"
                                                        : "",
                     .units = k->cmp == TS_VC_RATIO ? "" : units,
                     .value = s.s.mean,
                     .sd = s.s.sd,
                     .ci95_low = s.s.ci95_low,
                     .ci95_high = s.s.ci95_high,
                     .target_min = k->min,
                     .target_max = k->max,
                     .welch_t = s.t,
                     .welch_t_min = k->t_min,
                     .welch_t_max = k->t_max,
                     .cohen_d = s.d,
                     .cohen_d_min = k->d_min,
                     .cohen_d_max = k->d_max,
                     .n = (uint32_t)s.s.n,
                     .pass = s.pass};
    return 1;
}

static ts_status vd_score(const ts_vset *s, const vd_values *vals, vd_card *k, size_t *n_arms_total,
                          ts_error *err) {
    size_t n_rows = 0, n_pats = 0, arms = 0, most = 1;
    for (size_t i = 0; i < s->n; i++) {
        if (s->p[i].selected) {
            n_rows += s->p[i].n_checks;
            n_pats++;
            arms += s->p[i].n_arms;
            most = s->p[i].seeds > most ? s->p[i].seeds : most;
        }
    }
    *n_arms_total = arms;
    k->rows = calloc(n_rows + 1, sizeof *k->rows);
    k->arms_text = calloc(n_rows + 1, sizeof *k->arms_text);
    k->pats = calloc(n_pats + 1, sizeof *k->pats);
    k->h5 = calloc(n_pats + 1, sizeof *k->h5);
    k->arm_yaml = calloc(arms + 1, sizeof *k->arm_yaml);
    k->arm_names = calloc(arms + 1, sizeof *k->arm_names);
    k->pattern_yaml = calloc(n_pats + 1, sizeof *k->pattern_yaml);
    double *work = calloc(4 * most, sizeof *work);
    int ok = k->rows && k->arms_text && k->pats && k->h5 && k->arm_yaml && k->arm_names &&
             k->pattern_yaml && work;
    size_t row = 0, pat = 0, arm = 0;
    for (size_t i = 0; ok && i < s->n; i++) {
        const ts_vpattern *p = &s->p[i];
        if (!p->selected) {
            continue;
        }
        int pass = 1;
        for (size_t c = 0; ok && c < p->n_checks; c++, row++) {
            ok = vd_row(p, &vals[i], c, work, &k->rows[row], &k->arms_text[row]);
            pass = pass && ok && k->rows[row].pass;
            k->n_rows = row + 1;
        }
        k->pats[pat] = (ts_vprow){p->id, p->title};
        k->pattern_yaml[pat] = ts_scenario_to_yaml(p->sc);
        k->n_pats = pat + 1;
        ok = ok && k->pattern_yaml[pat];
        k->h5[pat] = (ts_vh5pattern){.id = p->id,
                                     .title = p->title,
                                     .question = p->question,
                                     .source = p->source,
                                     .scenario_yaml = k->pattern_yaml[pat],
                                     .arm_yaml = k->arm_yaml + arm,
                                     .arms = k->arm_names + arm,
                                     .n_arms = p->n_arms,
                                     .seeds = p->seeds,
                                     .pass = pass};
        for (size_t a = 0; ok && a < p->n_arms; a++, arm++) {
            k->arm_names[arm] = ts_vpattern_arm(p, a);
            k->arm_yaml[arm] = ts_scenario_to_yaml(vals[i].points[a]);
            ok = k->arm_yaml[arm] != NULL;
        }
        pat++;
    }
    free(work);
    return ok ? TS_OK : ts_error_set(err, TS_ERR_NOMEM, "out of memory");
}

/* ---- The output file -------------------------------------------------------------------- */

/* The --set list as stored: one assignment a line. */
static char *vd_sets_text(const ts_validate_options *o) {
    size_t n = 1;
    for (size_t i = 0; i < o->n_sets; i++) {
        n += strlen(o->sets[i]) + 1;
    }
    char *s = calloc(n, 1);
    for (size_t i = 0; s && i < o->n_sets; i++) {
        strcat(s, o->sets[i]);
        strcat(s, "\n");
    }
    return s;
}

/* Puts the finished temporary file in place: without force, never over a file that
 * appeared meanwhile (link fails if it exists; where hard links are not supported, a
 * rename after a last look). On failure the temporary file is kept, and named, so that
 * the results are not lost. */
static ts_status vd_install(const char *tmp, const char *path, int force, ts_error *err) {
    struct stat sb;
    int e = 0;
    if (!force && link(tmp, path) == 0) {
        unlink(tmp);
        return TS_OK;
    }
    if (!force) {
        e = errno;
        if (e == EEXIST || (stat(path, &sb) == 0)) {
            return ts_error_set(err, TS_ERR_EXISTS,
                                "%s exists: use --force to replace it (the results are in %s)",
                                path, tmp);
        }
    }
    if (rename(tmp, path) != 0) {
        e = errno;
        return ts_error_set(err, TS_ERR_IO,
                            "%s: cannot put the results in place: %s (they are in %s)", path,
                            strerror(e), tmp);
    }
    return TS_OK;
}

/* Runs the batch and writes the runs into file; vals gets the measures. */
static ts_status vd_run(const ts_validate_options *o, const ts_vset *s, ts_h5file *file,
                        vd_values *vals, ts_runner_outcome *oc, ts_error *err) {
    size_t n_jobs = 0;
    unsigned char *large = NULL;
    uint64_t days = 0;
    vd_job *jobs = vd_plan(s, vals, &n_jobs, &large, &days);
    if (!jobs) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    vd_ctx c = {.o = o, .set = s, .file = file, .jobs = jobs, .vals = vals};
    ts_runner_batch b = {.n_jobs = n_jobs,
                         .large = large,
                         .run = vd_job_run,
                         .ctx = &c,
                         .threads = o->threads > 0 ? o->threads : omp_get_num_procs(),
                         .show_progress = !o->quiet && isatty(STDERR_FILENO),
                         .show_elapsed = 1,
                         .days_total = days};
    ts_status st = ts_runner_pool_run(&b, oc, err);
    free(large);
    free(jobs);
    return st;
}

static ts_status vd_values_alloc(const ts_vset *s, vd_values *vals, ts_error *err) {
    for (size_t i = 0; i < s->n; i++) {
        const ts_vpattern *p = &s->p[i];
        if (!p->selected) {
            continue;
        }
        size_t n = p->n_checks * p->n_arms * p->seeds;
        vals[i].v = malloc(n * sizeof *vals[i].v);
        vals[i].units = calloc(n, sizeof *vals[i].units);
        vals[i].points = calloc(p->n_arms, sizeof *vals[i].points);
        if (!vals[i].v || !vals[i].units || !vals[i].points) {
            return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        }
        for (size_t k = 0; k < n; k++) {
            vals[i].v[k] = NAN;
        }
        for (size_t a = 0; a < p->n_arms; a++) {
            ts_status st = ts_scenario_at_point(p->sc, a, &vals[i].points[a], err);
            if (st != TS_OK) {
                return st;
            }
        }
    }
    return TS_OK;
}

static void vd_values_free(const ts_vset *s, vd_values *vals) {
    for (size_t i = 0; vals && s && i < s->n; i++) {
        for (size_t a = 0; vals[i].points && a < s->p[i].n_arms; a++) {
            ts_scenario_free(vals[i].points[a]);
        }
        free(vals[i].points);
        free(vals[i].units);
        free(vals[i].v);
    }
    free(vals);
}

/* Prints the scorecard and fills the outcome. */
static void vd_report(const ts_validate_options *o, const vd_source *src, const vd_card *card,
                      const ts_runner_outcome *oc, FILE *out, ts_validate_outcome *outcome) {
    char what[600];
    ts_vfmt(what, sizeof what, "scorecard of %s%s: %zu pattern%s, %zu check%s, %zu run%s in %.1f s",
            src->shown, o->quick ? " (--quick)" : "", card->n_pats, card->n_pats == 1 ? "" : "s",
            card->n_rows, card->n_rows == 1 ? "" : "s", oc->runs_done,
            oc->runs_done == 1 ? "" : "s", oc->seconds);
    outcome->n_patterns = card->n_pats;
    outcome->n_failed =
        ts_validate_print(out, what, card->pats, card->n_pats, card->rows, card->n_rows);
    for (size_t i = 0, k = 0; i < card->n_pats; i++) {
        if (!card->h5[i].pass) {
            size_t used = strlen(outcome->failed);
            ts_vfmt(outcome->failed + used, sizeof outcome->failed - used, "%s%s", k++ ? ", " : "",
                    card->pats[i].id);
        }
    }
}

/* ---- ts_validate ------------------------------------------------------------------------ */

ts_status ts_validate(const ts_validate_options *o, FILE *out, ts_validate_outcome *outcome,
                      ts_error *err) {
    vd_source src = {0};
    ts_vset *set = NULL;
    vd_values *vals = NULL;
    vd_card card = {0};
    size_t n_arms_total = 0;
    ts_h5file *file = NULL;
    char *tmp = NULL, *sets = NULL;
    const char *path = o->output ? o->output : TS_VALIDATE_DEFAULT_OUTPUT;
    struct stat sb;
    memset(outcome, 0, sizeof *outcome);
    ts_status st = vd_read(o, &src, err);
    if (st == TS_OK) {
        ts_vload lo = {.text = src.text,
                       .file = src.shown,
                       .dir = src.dir,
                       .schema = o->schema,
                       .quick = o->quick,
                       .sets = o->sets,
                       .n_sets = o->n_sets,
                       .ids = o->ids,
                       .n_ids = o->n_ids};
        st = ts_vset_load(&lo, &set, err);
    }
    if (st == TS_OK && !o->force && stat(path, &sb) == 0) {
        st = ts_error_set(err, TS_ERR_EXISTS, "%s exists: use --force to replace it", path);
    }
    if (st == TS_OK && (!(vals = calloc(set->n, sizeof *vals)) || !(sets = vd_sets_text(o)))) {
        st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    if (st == TS_OK) {
        st = vd_values_alloc(set, vals, err);
    }
    if (st == TS_OK) {
        size_t n = strlen(path) + 32;
        tmp = malloc(n);
        if (!tmp) {
            st = ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        } else {
            ts_vfmt(tmp, n, "%s.tmp%ld", path, (long)getpid());
        }
    }
    /* From the temporary file on, Ctrl-C is ignored but while the runs run (the pool has
     * its own handler): an interrupted run leaves nothing, and the moment it takes to
     * write a finished file completes it. */
    struct sigaction ignore, orig;
    memset(&ignore, 0, sizeof ignore);
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    int ignoring = st == TS_OK && sigaction(SIGINT, &ignore, &orig) == 0;
    if (st == TS_OK) {
        ts_h5meta meta = {.scenario_name = "validation",
                          .scenario_yaml = "",
                          .command_line = o->command_line ? o->command_line : ""};
        ts_h5vmeta vm = {.patterns_file = src.builtin ? "(built-in) validation.yaml" : src.shown,
                         .patterns_yaml = src.text,
                         .sets = sets,
                         .quick = o->quick};
        st = ts_h5_create_validation(tmp, &meta, &vm, &file, err);
    }
    ts_runner_outcome oc = {0};
    if (st == TS_OK) {
        st = vd_run(o, set, file, vals, &oc, err);
    }
    if (st == TS_OK && oc.interrupted) {
        st = ts_error_set(err, TS_ERR_INTERRUPTED, "interrupted: nothing written%s",
                          stat(path, &sb) == 0 ? " (the existing file is as it was)" : "");
    }
    if (st == TS_OK) {
        st = vd_score(set, vals, &card, &n_arms_total, err);
    }
    if (st == TS_OK) {
        st = ts_vh5_write(ts_h5file_id(file), tmp, card.h5, card.n_pats, card.rows, card.n_rows,
                          err);
    }
    if (file) {
        ts_status cst = ts_h5_close(file, st == TS_OK ? err : NULL);
        st = st == TS_OK ? cst : st;
        file = NULL;
    }
    if (st != TS_OK && tmp) {
        unlink(tmp); /* incomplete: of no use */
    }
    if (st == TS_OK) {
        vd_report(o, &src, &card, &oc, out, outcome);
        st = vd_install(tmp, path, o->force, err);
    }
    if (st == TS_OK) {
        fprintf(out, "written to %s\n", path);
    }
    if (ignoring) {
        sigaction(SIGINT, &orig, NULL);
    }
    vd_card_free(&card, n_arms_total);
    vd_values_free(set, vals);
    ts_vset_free(set);
    free(tmp);
    free(sets);
    free(src.text);
    free(src.dir);
    return st;
}
