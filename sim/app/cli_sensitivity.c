/* `trustsim sensitivity`: loads a scenario with its sensitivity design (the `sensitivity:`
 * section, or the options that fill it), checks the metrics before anything runs, runs the
 * design like any sweep (sim/app/runner.h: progress, --resume, threads, MPI ranks) and reports
 * (sim/app/sensitivity_report.h). */
#include "cli.h"
#include "cli_internal.h"

#include "engine.h"
#include "h5out.h"
#include "memory.h"
#include "modules.h"
#include "mpi_runner.h"
#include "runner.h"
#include "sensitivity_report.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_sensitivity[] =
    "Usage: trustsim sensitivity SCENARIO [OPTIONS]\n"
    "\n"
    "Which parameters drive the results? Runs the sensitivity design of SCENARIO (its\n"
    "sensitivity: section, completed by the options below) like a sweep into an HDF5 file,\n"
    "then estimates each factor's effect on each summary metric, next to a dummy factor\n"
    "that changes nothing, prints a table and writes it to /sensitivity in the file.\n"
    "Morris screening costs samples x (factors + 2) runs, Sobol' indices samples x\n"
    "(factors + 3), times the replicates (docs/analysis.md). --metric and --bootstrap\n"
    "are options of the analysis: with --resume they analyse a finished design again.\n"
    "\n"
    "Options:\n"
    "      --factor KEY=LOW:HIGH  vary the number-valued KEY over [LOW, HIGH] (repeatable;\n"
    "                        added to the section's factors)\n"
    "      --metric NAME     analyse this summary metric (repeatable; default: the section's\n"
    "                        metrics, else every one the scenario's modules write)\n"
    "      --method M        morris or sobol (default: the section's, else morris)\n"
    "      --samples N       Morris trajectories or Sobol' base rows\n"
    "      --levels P        Morris grid levels (even)\n"
    "      --replicates N    runs of every design point, averaged\n"
    "      --bootstrap B     resamples of the 95% intervals (default: the section's)\n"
    "      --csv FILE        also write the table as CSV to FILE\n"
    "  -o, --output FILE     results file (default: output.file, else results/NAME.h5)\n"
    "      --set KEY=VALUE   override a scenario key, value read as YAML (repeatable)\n"
    "      --threads N       threads to use (0: all cores; default 0)\n"
    "      --force           replace an existing results file\n"
    "      --force-memory    run even if the memory estimate exceeds what is available\n"
    "      --resume          keep the runs already complete in the file, run the rest\n"
    "      --quiet           no progress on stderr\n"
    "      --verbose         on a failure to read or write HDF5, also print HDF5's\n"
    "                        own error stack\n"
    "  -h, --help            show this help and exit\n";

/* The assignments the options make, after and among the --set ones, kept until the
 * scenario is loaded: those built here are owned. */
typedef struct cs_sets {
    cli_run_flags *fl; /* fl->sets: every assignment, in the order of the options */
    char **owned;
    size_t n_owned;
} cs_sets;

/* Adds "key=value" built from a format; 0 when out of memory. */
static int cs_add(cs_sets *s, const char *fmt, const char *a, const char *b) {
    size_t len = strlen(fmt) + strlen(a) + (b ? strlen(b) : 0) + 1;
    char *t = malloc(len);
    if (t == NULL) {
        return 0;
    }
    snprintf(t, len, fmt, a, b ? b : "");
    s->owned[s->n_owned++] = t;
    s->fl->sets[s->fl->n_sets++] = t;
    return 1;
}

/* --factor KEY=LOW:HIGH as the assignment sensitivity.factors.KEY=[LOW, HIGH]. */
static int cs_factor(const char *cmd, cs_sets *s, const char *text) {
    const char *eq = strchr(text, '=');
    const char *colon = eq ? strchr(eq + 1, ':') : NULL;
    if (eq == NULL || eq == text || colon == NULL || colon == eq + 1 || colon[1] == '\0') {
        return cli_usage_error(cmd, "--factor: invalid value '%s' (expected KEY=LOW:HIGH)", text);
    }
    size_t len = strlen(text) + 48;
    char *t = malloc(len);
    if (t == NULL) {
        return cli_usage_error(cmd, "out of memory");
    }
    snprintf(t, len, "sensitivity.factors.%.*s=[%.*s, %s]", (int)(eq - text), text,
             (int)(colon - eq - 1), eq + 1, colon + 1);
    s->owned[s->n_owned++] = t;
    s->fl->sets[s->fl->n_sets++] = t;
    return 0;
}

/* The metrics to analyse: the section's list, else every summary the modules write. Each
 * is checked here, before anything runs. *names is allocated; its strings are not. */
static ts_status cs_metrics(const ts_scenario *sc, const char *const *given, size_t n_given,
                            const char ***names, size_t *n, ts_error *err) {
    size_t listed = n_given ? n_given : ts_scenario_list_len(sc, "sensitivity.metrics");
    size_t most = listed;
    for (size_t m = 0; m < ts_n_modules; m++) {
        most += ts_modules[m]->n_summaries;
    }
    const char **out = calloc(most + 1, sizeof *out);
    *n = 0;
    if (out == NULL) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < listed; i++) {
        const char *name = n_given ? given[i] : ts_scenario_list_item(sc, "sensitivity.metrics", i);
        if (ts_engine_summary_find(ts_modules, ts_n_modules, sc, name) == NULL) {
            char known[2048];
            ts_engine_summary_list(ts_modules, ts_n_modules, sc, known, sizeof known);
            free(out);
            if (n_given) {
                return ts_error_set(err, TS_ERR_SCENARIO,
                                    "--metric %s: unknown metric (got %s, expected the summary "
                                    "scalars the scenario's runs write: %s)",
                                    name, name, known);
            }
            return ts_scenario_fail(sc, "sensitivity.metrics", err,
                                    "unknown metric (got %s, expected the summary scalars the "
                                    "scenario's runs write: %s)",
                                    name, known);
        }
        out[(*n)++] = name;
    }
    for (size_t m = 0; listed == 0 && m < ts_n_modules; m++) {
        const ts_module *mod = ts_modules[m];
        for (size_t i = 0; i < mod->n_summaries; i++) {
            if (ts_engine_summary_find(ts_modules, ts_n_modules, sc, mod->summaries[i].name)) {
                out[(*n)++] = mod->summaries[i].name;
            }
        }
    }
    *names = out;
    return TS_OK;
}

int cli_sensitivity(int argc, char **argv, const char *command_line) {
    static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
                                         {"set", required_argument, NULL, OPT_SET},
                                         {"factor", required_argument, NULL, OPT_FACTOR},
                                         {"metric", required_argument, NULL, OPT_METRIC},
                                         {"method", required_argument, NULL, OPT_METHOD},
                                         {"samples", required_argument, NULL, OPT_SAMPLES},
                                         {"levels", required_argument, NULL, OPT_LEVELS},
                                         {"replicates", required_argument, NULL, OPT_REPLICATES},
                                         {"bootstrap", required_argument, NULL, OPT_BOOTSTRAP},
                                         {"csv", required_argument, NULL, OPT_CSV},
                                         {"threads", required_argument, NULL, OPT_THREADS},
                                         {"force", no_argument, NULL, OPT_FORCE},
                                         {"force-memory", no_argument, NULL, OPT_FORCE_MEMORY},
                                         {"resume", no_argument, NULL, OPT_RESUME},
                                         {"quiet", no_argument, NULL, OPT_QUIET},
                                         {"verbose", no_argument, NULL, OPT_VERBOSE},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    static const char optstring[] = ":ho:";
    const char *cmd = "sensitivity";
    cli_run_flags fl = {.sets = calloc((size_t)argc + 8, sizeof *fl.sets)};
    cs_sets sets = {&fl, calloc((size_t)argc + 8, sizeof *sets.owned), 0};
    /* The metrics named by --metric and the resamples of --bootstrap: options of the
     * analysis, not of the scenario, so that a finished design can be analysed again
     * (--resume) without being taken for another scenario. */
    const char **metrics = calloc((size_t)argc + 1, sizeof *metrics);
    size_t n_metrics = 0;
    long long bootstrap = -1;
    const char **names = NULL;
    const char *csv = NULL;
    ts_scenario *sc = NULL;
    char *path = NULL;
    ts_error err;
    int rc = 0, c;
    long long v;

    ts_error_clear(&err);
    if (!fl.sets || !sets.owned || !metrics) {
        rc = cli_report(ts_error_set(&err, TS_ERR_NOMEM, "out of memory"), &err);
        goto cleanup;
    }
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, optstring, opts, NULL)) != -1) {
        const char *key = NULL;
        long long lo = 0, hi = 0;
        if (cli_run_flag(cmd, c, &fl, &rc)) {
            if (rc != 0) {
                goto cleanup;
            }
            continue;
        }
        switch (c) {
        case 'h':
            fputs(usage_sensitivity, stdout);
            goto cleanup;
        case OPT_FACTOR:
            if ((rc = cs_factor(cmd, &sets, optarg)) != 0) {
                goto cleanup;
            }
            break;
        case OPT_METRIC:
            metrics[n_metrics++] = optarg;
            break;
        case OPT_METHOD:
            if (strcmp(optarg, "morris") != 0 && strcmp(optarg, "sobol") != 0) {
                rc = cli_usage_error(cmd, "--method: invalid value '%s' (expected morris or sobol)",
                                     optarg);
                goto cleanup;
            }
            if (!cs_add(&sets, "sensitivity.method=%s%s", optarg, NULL)) {
                rc = cli_report(ts_error_set(&err, TS_ERR_NOMEM, "out of memory"), &err);
                goto cleanup;
            }
            break;
        case OPT_SAMPLES:
            key = "samples";
            lo = 2;
            hi = 100000;
            break;
        case OPT_LEVELS:
            key = "levels";
            lo = 2;
            hi = 1000;
            break;
        case OPT_REPLICATES:
            key = "replicates";
            lo = 1;
            hi = 100000;
            break;
        case OPT_BOOTSTRAP:
            if ((rc = cli_parse_int(cmd, "--bootstrap", optarg, 0, 100000, &v)) != 0) {
                goto cleanup;
            }
            bootstrap = v;
            break;
        case OPT_CSV:
            csv = optarg;
            break;
        default:
            rc = cli_option_error(cmd, c, optstring, opts, argv);
            goto cleanup;
        }
        if (key != NULL) {
            char opt[32], num[32];
            snprintf(opt, sizeof opt, "--%s", key);
            if ((rc = cli_parse_int(cmd, opt, optarg, lo, hi, &v)) != 0) {
                goto cleanup;
            }
            snprintf(num, sizeof num, "%lld", v);
            if (!cs_add(&sets, "sensitivity.%s=%s", key, num)) {
                rc = cli_report(ts_error_set(&err, TS_ERR_NOMEM, "out of memory"), &err);
                goto cleanup;
            }
        }
    }
    if (optind >= argc) {
        rc = cli_usage_error(cmd, "missing SCENARIO");
        goto cleanup;
    }
    if ((rc = cli_too_many(cmd, optind, argc, argv, 1)) != 0) {
        goto cleanup;
    }
    if (fl.force && fl.resume) {
        rc = cli_usage_error(cmd, "--force and --resume cannot be used together");
        goto cleanup;
    }
    size_t n_names = 0;
    ts_run_options ro = cli_run_options(&fl, command_line);
    ts_status st = ts_cli_load_scenario(argv[optind], fl.sets, fl.n_sets, &sc, &err);
    if (st == TS_OK && !ts_scenario_is_design(sc)) {
        st = ts_error_set(&err, TS_ERR_SCENARIO,
                          "%s: no sensitivity factors (expected a sensitivity: section with "
                          "factors: {key.path: [low, high], ...}, or --factor KEY=LOW:HIGH)",
                          argv[optind]);
    }
    /* Refused before the results file exists: nothing is written. */
    if (st == TS_OK) {
        st = cs_metrics(sc, metrics, n_metrics, &names, &n_names, &err);
    }
    if (st == TS_OK && !fl.force_memory) {
        st = ts_memory_check_scenario(sc, ro.modules, ro.n_modules, ro.threads, NULL, 0, &err);
    }
    if (st == TS_OK) {
        st = ts_runner_run(sc, &ro, &err);
    }
    if (st == TS_OK && ts_mpi_rank() == 0) {
        path = ts_runner_output_path(sc, &ro);
        ts_sensitivity_options so = {.path = path,
                                     .sc = sc,
                                     .metrics = names,
                                     .n_metrics = n_names,
                                     .bootstrap = bootstrap,
                                     .csv = csv};
        st = path ? ts_sensitivity_report(&so, stdout, &err)
                  : ts_error_set(&err, TS_ERR_NOMEM, "out of memory");
    }
    if (st != TS_OK) {
        rc = cli_report(st, &err);
    }
cleanup:
    ts_scenario_free(sc);
    for (size_t i = 0; i < sets.n_owned; i++) {
        free(sets.owned[i]);
    }
    free(sets.owned);
    free(fl.sets);
    free(metrics);
    free(names);
    free(path);
    return rc;
}
