/* `trustsim calibrate`: loads the scenario and the targets file, checks both before anything
 * runs, and calibrates (sim/app/calibrate.h). */
#include "cli.h"
#include "cli_internal.h"

#include "calibrate.h"
#include "h5out.h"
#include "memory.h"
#include "modules.h"
#include "runner.h"
#include "targets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_calibrate[] =
    "Usage: trustsim calibrate SCENARIO --targets FILE [OPTIONS]\n"
    "\n"
    "Which values of the parameters reproduce an organisation's own figures? Approximate\n"
    "Bayesian computation (ABC-SMC) over the parameters and prior ranges of the targets\n"
    "file: runs of SCENARIO at proposed values are compared with the targets, generation\n"
    "by generation, until the acceptance rate falls below p_acc_min or the run budget is\n"
    "spent. Prints the posterior of each parameter and a posterior predictive check, and\n"
    "writes both, the check's runs and every simulation to an HDF5 file at the end\n"
    "(docs/calibration.md). `trustsim run --posterior FILE.h5` then runs any scenario\n"
    "over the posterior.\n"
    "\n"
    "Options:\n"
    "      --targets FILE    the targets file (required; its format: docs/calibration.md)\n"
    "      --check-runs N    runs of the posterior predictive check (default 40; 0: none)\n"
    "  -o, --output FILE     results file (default: output.file, else results/NAME.h5)\n"
    "      --set KEY=VALUE   override a scenario key, value read as YAML (repeatable)\n"
    "      --seed N          same as --set seed=N\n"
    "      --threads N       threads to use (0: all cores; default 0)\n"
    "      --force           replace an existing results file\n"
    "      --force-memory    run even if the memory estimate exceeds what is available\n"
    "      --quiet           no progress on stderr\n"
    "      --verbose         on a failure to read or write HDF5, also print HDF5's\n"
    "                        own error stack\n"
    "  -h, --help            show this help and exit\n";

int cli_calibrate(int argc, char **argv, const char *command_line) {
    static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
                                         {"targets", required_argument, NULL, OPT_TARGETS},
                                         {"check-runs", required_argument, NULL, OPT_CHECK_RUNS},
                                         {"set", required_argument, NULL, OPT_SET},
                                         {"seed", required_argument, NULL, OPT_SEED},
                                         {"threads", required_argument, NULL, OPT_THREADS},
                                         {"force", no_argument, NULL, OPT_FORCE},
                                         {"force-memory", no_argument, NULL, OPT_FORCE_MEMORY},
                                         {"quiet", no_argument, NULL, OPT_QUIET},
                                         {"verbose", no_argument, NULL, OPT_VERBOSE},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    static const char optstring[] = ":ho:";
    const char *cmd = "calibrate";
    cli_run_flags fl = {.sets = calloc((size_t)argc + 2, sizeof *fl.sets)};
    char seed_set[64];
    const char *targets_path = NULL;
    ts_calibrate_options co = {.check_runs = 40,
                               .command_line = command_line,
                               .modules = ts_modules,
                               .n_modules = ts_n_modules};
    int rc = 0, c;
    ts_scenario *sc = NULL;
    ts_targets *targets = NULL;
    char *path = NULL;
    ts_error err;
    long long v;

    ts_error_clear(&err);
    if (!fl.sets) {
        return cli_report(ts_error_set(&err, TS_ERR_NOMEM, "out of memory"), &err);
    }
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, optstring, opts, NULL)) != -1) {
        if (c != OPT_RESUME && cli_run_flag(cmd, c, &fl, &rc)) {
            if (rc != 0) {
                goto cleanup;
            }
            continue;
        }
        switch (c) {
        case 'h':
            fputs(usage_calibrate, stdout);
            goto cleanup;
        case OPT_TARGETS:
            targets_path = optarg;
            break;
        case OPT_CHECK_RUNS:
            if ((rc = cli_parse_int(cmd, "--check-runs", optarg, 0, 100000, &v)) != 0) {
                goto cleanup;
            }
            co.check_runs = (size_t)v;
            break;
        case OPT_SEED:
            if ((rc = cli_parse_int(cmd, "--seed", optarg, 0, 9007199254740991LL, &v)) != 0) {
                goto cleanup;
            }
            snprintf(seed_set, sizeof seed_set, "seed=%lld", v);
            fl.sets[fl.n_sets++] = seed_set;
            break;
        default:
            rc = cli_option_error(cmd, c, optstring, opts, argv);
            goto cleanup;
        }
    }
    if (optind >= argc) {
        rc = cli_usage_error(cmd, "missing SCENARIO");
        goto cleanup;
    }
    if ((rc = cli_too_many(cmd, optind, argc, argv, 1)) != 0) {
        goto cleanup;
    }
    if (targets_path == NULL) {
        rc = cli_usage_error(cmd, "missing --targets FILE");
        goto cleanup;
    }
    co.threads = fl.threads;
    co.force = fl.force;
    co.quiet = fl.quiet;
    ts_status st = ts_cli_load_scenario(argv[optind], fl.sets, fl.n_sets, &sc, &err);
    ts_calibrate_model model = {
        .schema = ts_modules_schema(), .sc = sc, .modules = ts_modules, .n_modules = ts_n_modules};
    ts_targets_model tm;
    ts_calibrate_model_init(&model, &tm);
    if (st == TS_OK) {
        st = ts_targets_load(targets_path, &tm, &targets, &err);
    }
    if (st == TS_OK) {
        st = ts_calibrate_check(sc, targets, &err);
    }
    /* Refused before anything runs. */
    if (st == TS_OK && !fl.force_memory) {
        st = ts_memory_check_scenario(sc, ts_modules, ts_n_modules, co.threads, NULL, 0, &err);
    }
    if (st == TS_OK) {
        ts_run_options ro = {.output = fl.output};
        path = ts_runner_output_path(sc, &ro);
        if (path == NULL) {
            st = ts_error_set(&err, TS_ERR_NOMEM, "out of memory");
        }
    }
    if (st == TS_OK) {
        co.sc = sc;
        co.targets = targets;
        co.targets_text = targets->text;
        co.output = path;
        st = ts_calibrate(&co, stdout, &err);
    }
    if (st != TS_OK) {
        rc = cli_report(st, &err);
    }
cleanup:
    ts_targets_free(targets);
    ts_scenario_free(sc);
    free(fl.sets);
    free(path);
    return rc;
}
