#include "cli.h"
#include "cli_internal.h"

#include "bench.h"
#include "build_info.h"
#include "compare.h"
#include "h5out.h"
#include "memory.h"
#include "mpi_runner.h"
#include "posterior.h"
#include "modules.h"
#include "runner.h"
#include "validate.h"

#include <errno.h>
#include <inttypes.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Where `run` looks for the default scenario before falling back to the embedded copy. */
#define TS_CLI_DEFAULT_SCENARIO "scenarios/default.yaml"

/* ---- Usage texts ------------------------------------------------------------------ */

static const char usage_main[] =
    "Usage: trustsim COMMAND [OPTIONS] [ARGS]\n"
    "       trustsim --help | --version\n"
    "\n"
    "An agent-based simulator of trust in growing organisations.\n"
    "\n"
    "Commands:\n"
    "  run [SCENARIO]     run a scenario (every sweep point x replicate) into an HDF5 file\n"
    "  check SCENARIO     validate a scenario and print it resolved\n"
    "  info FILE.h5       describe what is in a results file\n"
    "  bench              time the engine on a synthetic organisation\n"
    "  compare FILE.h5    compare the grid points of a sweep\n"
    "  sensitivity SCENARIO  which factors drive the results (Morris, Sobol')\n"
    "  calibrate SCENARIO --targets FILE  which parameter values reproduce your figures\n"
    "  validate [FILE]    check the stylised facts of a patterns file; print a scorecard\n"
    "\n"
    "Options:\n"
    "  -h, --help         show this help and exit\n"
    "  -V, --version      show the version and exit\n"
    "\n"
    "Run 'trustsim COMMAND --help' for the options of a command.\n"
    "Exit status: 0 ok, 1 runtime failure, 2 bad input.\n";

static const char usage_run[] =
    "Usage: trustsim run [SCENARIO] [OPTIONS]\n"
    "\n"
    "Runs every grid point x replicate of SCENARIO and writes the results to an HDF5 file.\n"
    "Without SCENARIO, runs scenarios/default.yaml (a built-in copy if it is not there).\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE     results file (default: output.file, else results/NAME.h5)\n"
    "      --set KEY=VALUE   override a scenario key, value read as YAML (repeatable)\n"
    "      --threads N       threads to use (0: all cores; default 0)\n"
    "      --seed N          same as --set seed=N\n"
    "      --replicates N    same as --set replicates=N\n"
    "      --force           replace an existing results file\n"
    "      --force-memory    run even if the memory estimate exceeds what is available\n"
    "      --resume          keep the runs already complete in the file, run the rest\n"
    "      --posterior CAL.h5  run each replicate at a draw of the posterior of a\n"
    "                        `trustsim calibrate` file (the same draw at every grid point)\n"
    "      --from FILE.h5    continue the state saved in FILE (output.checkpoints) instead\n"
    "                        of starting afresh: every grid point goes on from it, with\n"
    "                        its seed (one replicate); needs --run and --day\n"
    "      --run N           the run of FILE whose state is continued (its index, from 0)\n"
    "      --day D           the recorded day at whose end the state was saved\n"
    "      --quiet           no progress on stderr\n"
    "      --verbose         on a failure to read or write HDF5, also print HDF5's\n"
    "                        own error stack\n"
    "  -h, --help            show this help and exit\n";

static const char usage_check[] =
    "Usage: trustsim check SCENARIO [OPTIONS]\n"
    "\n"
    "Validates SCENARIO and prints it resolved (defaults filled in) as YAML, followed by\n"
    "comments with the memory its runs need and the tactics that are on. A scenario that\n"
    "needs more memory than is available (with all cores) is refused (exit 2).\n"
    "\n"
    "Options:\n"
    "      --set KEY=VALUE   override a scenario key, value read as YAML (repeatable)\n"
    "      --force-memory    do not refuse a scenario for its memory estimate\n"
    "  -h, --help            show this help and exit\n";

static const char usage_info[] = "Usage: trustsim info FILE.h5\n"
                                 "\n"
                                 "Prints the attributes, the sweep grid and the runs of a "
                                 "results file.\n"
                                 "\n"
                                 "Options:\n"
                                 "  -h, --help            show this help and exit\n";

static const char usage_bench[] =
    "Usage: trustsim bench [OPTIONS]\n"
    "\n"
    "Times the engine with the full model on an organisation of --agents people\n"
    "(no warm-up, trust.capacity 128, every other key at its default).\n"
    "\n"
    "Options:\n"
    "      --agents N        agents in the organisation (default 100000)\n"
    "      --days N          days to simulate (default 250)\n"
    "      --threads N       threads to use (0: all cores; default 0)\n"
    "      --json            print one JSON object instead of text\n"
    "      --set KEY=VALUE   change the bench scenario (repeatable), e.g.\n"
    "                        --set 'tactics.one_on_ones={}' to time a tactic\n"
    "      --sweep RUNS      time a sweep instead: RUNS replicates of the default\n"
    "                        scenario run and written as `trustsim run` does (to a\n"
    "                        temporary file), reported as runs per minute\n"
    "      --repeat K        with --sweep: run the sweep K times (1 to 100) and report\n"
    "                        the median rate, the smallest, the largest and each one\n"
    "      --scaling PAIRS   time thread scaling instead: PAIRS pairs of runs of the\n"
    "                        organisation, each one thread then --threads (at least 2;\n"
    "                        0: all cores) back to back, reported as the median of the\n"
    "                        pairs' speedups (a noisy machine moves both runs of a pair)\n"
    "  -h, --help            show this help and exit\n"
    "\n"
    "Besides the run's rates, bench measures this machine's random-access limit (random\n"
    "64-bit updates of a 256 MB table on the same threads) and prints the share of it\n"
    "the engine's messages reach (message_rate_share).\n";

static const char usage_compare[] =
    "Usage: trustsim compare FILE.h5 [OPTIONS]\n"
    "\n"
    "Prints, per grid point, the mean and 95% confidence interval over replicates of each\n"
    "summary metric, and its difference from the baseline grid point: paired by replicate\n"
    "(paired t-test) when the grid points share their seeds, as trustsim run gives them,\n"
    "else Welch's t-test.\n"
    "\n"
    "Options:\n"
    "      --metric NAME     compare only this metric (repeatable; default: all)\n"
    "      --baseline N      index of the baseline grid point (default 0)\n"
    "      --csv FILE        also write the table as CSV to FILE\n"
    "      --unpaired        Welch's test even when the grid points share their seeds\n"
    "                        (by default they are compared pair by pair, by replicate)\n"
    "      --verbose         on a failure to read or write HDF5, also print HDF5's\n"
    "                        own error stack\n"
    "  -h, --help            show this help and exit\n";

static const char usage_validate[] =
    "Usage: trustsim validate [PATTERNS.yaml] [OPTIONS]\n"
    "\n"
    "Runs the patterns (stylised facts) of PATTERNS.yaml, each a scenario with named arms\n"
    "over several seeds and checks of a measure against a target, and prints a scorecard.\n"
    "Without PATTERNS.yaml, runs scenarios/validation.yaml (a built-in copy if it is not\n"
    "there); its top comment describes the format. All arms of a pattern run with the same\n"
    "seed for the same replicate. Every run and the scorecard go to one HDF5 file, written\n"
    "whole or not at all.\n"
    "\n"
    "Options:\n"
    "      --pattern ID      run only this pattern (repeatable)\n"
    "      --quick           each pattern's quick: overrides and seeds (smaller, fewer)\n"
    "      --set KEY=VALUE   override a key of every pattern's scenario, value read as\n"
    "                        YAML, before its arms (repeatable)\n"
    "  -o, --output FILE     results file (default: " TS_VALIDATE_DEFAULT_OUTPUT ")\n"
    "      --force           replace an existing results file\n"
    "      --threads N       threads to use (0: all cores; default 0)\n"
    "      --quiet           no progress on stderr\n"
    "      --verbose         on a failure to read or write HDF5, also print HDF5's\n"
    "                        own error stack\n"
    "  -h, --help            show this help and exit\n"
    "\n"
    "Exit status: 0 every pattern passes, 1 a pattern fails (or a runtime failure),\n"
    "2 bad input (patterns file, --pattern, --set, a measure the runs do not have).\n";

/* ---- Messages --------------------------------------------------------------------- */

/* "trustsim CMD: MESSAGE" and the hint to the command's help; returns the usage exit
 * code. cmd is NULL for the top level. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int cli_usage_error(const char *cmd, const char *fmt, ...) {
    va_list ap;
    fprintf(stderr, "trustsim%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'trustsim%s%s --help'.\n", cmd ? " " : "", cmd ? cmd : "");
    return TS_CLI_USAGE_EXIT;
}

/* Reports a failed status as "trustsim: MESSAGE" and returns its exit code. */
int cli_report(ts_status st, const ts_error *err) {
    /* The ranks of an MPI sweep other than 0 leave the telling to rank 0. */
    if (ts_mpi_rank() != 0 && !err->msg[0]) {
        return ts_status_exit_code(st);
    }
    const char *msg = err->msg[0] ? err->msg : ts_status_message(st);
    fprintf(stderr, "trustsim: %s\n", msg);
    return ts_status_exit_code(st);
}

/* Turns what getopt_long returned for a bad option ('?' or ':') into a message. With
 * glibc, an unknown long option leaves optopt 0; an unknown short option sets optopt
 * to the character; a long option given an argument it does not take sets optopt to
 * the option's value; a missing argument returns ':' (the optstring starts with ':'). */
int cli_option_error(const char *cmd, int c, const char *optstring, const struct option *opts,
                     char **argv) {
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    int len = (int)strcspn(arg, "=");

    if (c == ':') {
        if (strncmp(arg, "--", 2) == 0) {
            return cli_usage_error(cmd, "option '%.*s' requires an argument", len, arg);
        }
        return cli_usage_error(cmd, "option '-%c' requires an argument", optopt);
    }
    if (optopt > 0 && optopt < 256 && (optopt == ':' || !strchr(optstring, optopt))) {
        return cli_usage_error(cmd, "unknown option '-%c'", optopt);
    }
    if (optopt == 0) {
        /* getopt_long accepts unique prefixes; say so when the prefix is not unique. */
        int matches = 0;
        for (const struct option *o = opts; len > 2 && o->name; o++) {
            matches += strncmp(o->name, arg + 2, (size_t)len - 2) == 0;
        }
        if (matches > 1) {
            return cli_usage_error(cmd, "option '%.*s' is ambiguous", len, arg);
        }
        return cli_usage_error(cmd, "unknown option '%.*s'", len, arg);
    }
    return cli_usage_error(cmd, "option '%.*s' does not take an argument", len, arg);
}

/* Parses a whole string as a decimal integer in [min, max]; on failure prints a usage
 * error naming the option and returns the usage exit code, else 0. */
int cli_parse_int(const char *cmd, const char *opt, const char *text, long long min, long long max,
                  long long *out) {
    const char *p = text;
    char *end = NULL;
    long long v;

    if (*p == '-' || *p == '+') {
        p++;
    }
    if (*p < '0' || *p > '9') {
        goto bad;
    }
    errno = 0;
    v = strtoll(text, &end, 10);
    if (errno == ERANGE || *end != '\0' || v < min || v > max) {
        goto bad;
    }
    *out = v;
    return 0;
bad:
    return cli_usage_error(cmd, "%s: invalid value '%s' (expected an integer from %lld to %lld)",
                           opt, text, min, max);
}

/* A --set argument must look like "key.path=value" (the value may be empty YAML). */
int cli_check_assignment(const char *cmd, const char *text) {
    const char *eq = strchr(text, '=');
    if (!eq || eq == text) {
        return cli_usage_error(cmd, "--set: invalid value '%s' (expected key.path=value)", text);
    }
    return 0;
}

int cli_too_many(const char *cmd, int optind_, int argc, char **argv, int max) {
    if (argc - optind_ > max) {
        return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind_ + max]);
    }
    return 0;
}

int cli_run_flag(const char *cmd, int c, cli_run_flags *f, int *rc) {
    long long v;
    *rc = 0;
    switch (c) {
    case 'o':
        if (optarg[0] == '\0') {
            *rc = cli_usage_error(cmd, "-o: the output file name is empty");
        }
        f->output = optarg;
        return 1;
    case OPT_SET:
        if ((*rc = cli_check_assignment(cmd, optarg)) == 0) {
            f->sets[f->n_sets++] = optarg;
        }
        return 1;
    case OPT_THREADS:
        if ((*rc = cli_parse_int(cmd, "--threads", optarg, 0, 4096, &v)) == 0) {
            f->threads = (int)v;
        }
        return 1;
    case OPT_FORCE:
        f->force = 1;
        return 1;
    case OPT_FORCE_MEMORY:
        f->force_memory = 1;
        return 1;
    case OPT_RESUME:
        f->resume = 1;
        return 1;
    case OPT_QUIET:
        f->quiet = 1;
        return 1;
    case OPT_VERBOSE:
        ts_h5_set_verbose(1);
        return 1;
    default:
        return 0;
    }
}

ts_run_options cli_run_options(const cli_run_flags *f, const char *command_line) {
    return (ts_run_options){.output = f->output,
                            .threads = f->threads,
                            .force = f->force,
                            .resume = f->resume,
                            .quiet = f->quiet,
                            .command_line = command_line,
                            .modules = ts_modules,
                            .n_modules = ts_n_modules};
}

/* ---- Scenario loading ------------------------------------------------------------- */

static int cli_is_regular_file(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

ts_status ts_cli_load_scenario(const char *path, const char *const *sets, size_t n_sets,
                               ts_scenario **out, ts_error *err) {
    const ts_schema *schema = ts_modules_schema();
    ts_scenario *sc = NULL;
    ts_status st;

    *out = NULL;
    ts_error_clear(err);
    if (!schema) {
        return ts_error_set(err, TS_ERR_INTERNAL, "the module table outgrew the schema storage");
    }
    if (path) {
        struct stat sb;
        /* A missing or unreadable scenario is bad input (exit 2), whatever the loader
         * would call it. */
        if (stat(path, &sb) != 0) {
            return ts_error_set(err, TS_ERR_SCENARIO, "%s: cannot read the scenario: %s", path,
                                strerror(errno));
        }
        if (!S_ISREG(sb.st_mode)) {
            return ts_error_set(err, TS_ERR_SCENARIO,
                                "%s: cannot read the scenario: not a regular file", path);
        }
        if (access(path, R_OK) != 0) {
            return ts_error_set(err, TS_ERR_SCENARIO, "%s: cannot read the scenario: %s", path,
                                strerror(errno));
        }
        st = ts_scenario_load(schema, path, &sc, err);
    } else if (cli_is_regular_file(TS_CLI_DEFAULT_SCENARIO)) {
        st = ts_scenario_load(schema, TS_CLI_DEFAULT_SCENARIO, &sc, err);
    } else {
        st = ts_scenario_load_string(schema, ts_default_scenario_yaml, "default.yaml", NULL, &sc,
                                     err);
    }
    if (st != TS_OK) {
        goto cleanup;
    }
    for (size_t i = 0; i < n_sets; i++) {
        st = ts_scenario_set(sc, sets[i], err);
        if (st != TS_OK) {
            goto cleanup;
        }
    }
    st = ts_scenario_finalize(sc, err);
    if (st != TS_OK) {
        goto cleanup;
    }
    *out = sc;
    sc = NULL;
cleanup:
    ts_scenario_free(sc);
    return st;
}

/* ---- run -------------------------------------------------------------------------- */

static int cli_run(int argc, char **argv, const char *command_line) {
    static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
                                         {"set", required_argument, NULL, OPT_SET},
                                         {"threads", required_argument, NULL, OPT_THREADS},
                                         {"seed", required_argument, NULL, OPT_SEED},
                                         {"replicates", required_argument, NULL, OPT_REPLICATES},
                                         {"force", no_argument, NULL, OPT_FORCE},
                                         {"force-memory", no_argument, NULL, OPT_FORCE_MEMORY},
                                         {"resume", no_argument, NULL, OPT_RESUME},
                                         {"quiet", no_argument, NULL, OPT_QUIET},
                                         {"verbose", no_argument, NULL, OPT_VERBOSE},
                                         {"posterior", required_argument, NULL, OPT_POSTERIOR},
                                         {"from", required_argument, NULL, OPT_FROM},
                                         {"run", required_argument, NULL, OPT_RUN},
                                         {"day", required_argument, NULL, OPT_DAY},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    static const char optstring[] = ":ho:";
    const char *cmd = "run";
    const char *posterior = NULL;
    const char *from = NULL;
    long long from_run = -1, from_day = -1;
    ts_posterior *post = NULL;
    /* --set values, then seed and replicates: at most argc + 2 entries. */
    cli_run_flags fl = {.sets = calloc((size_t)argc + 2, sizeof *fl.sets)};
    char seed_set[64], replicates_set[64];
    int have_seed = 0, have_replicates = 0;
    ts_scenario *sc = NULL;
    ts_error err;
    int rc = 0, c;
    long long v;

    ts_error_clear(&err);
    if (!fl.sets) {
        return cli_report(ts_error_set(&err, TS_ERR_NOMEM, "out of memory"), &err);
    }
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, optstring, opts, NULL)) != -1) {
        if (cli_run_flag(cmd, c, &fl, &rc)) {
            if (rc != 0) {
                goto cleanup;
            }
            continue;
        }
        switch (c) {
        case 'h':
            fputs(usage_run, stdout);
            goto cleanup;
        case OPT_SEED: {
            /* The range is the `seed` key's, so --seed promises what the scenario accepts. */
            const ts_param *seed = ts_scenario_schema_param(ts_modules_schema(), "seed");
            if (seed == NULL) {
                rc = cli_report(ts_error_set(&err, TS_ERR_INTERNAL, "the schema has no seed key"),
                                &err);
                goto cleanup;
            }
            if ((rc = cli_parse_int(cmd, "--seed", optarg, (long long)seed->min,
                                    (long long)seed->max, &v)) != 0) {
                goto cleanup;
            }
            snprintf(seed_set, sizeof seed_set, "seed=%lld", v);
            have_seed = 1;
            break;
        }
        case OPT_REPLICATES:
            if ((rc = cli_parse_int(cmd, "--replicates", optarg, 1, INT_MAX, &v)) != 0) {
                goto cleanup;
            }
            snprintf(replicates_set, sizeof replicates_set, "replicates=%lld", v);
            have_replicates = 1;
            break;
        case OPT_POSTERIOR:
            posterior = optarg;
            break;
        case OPT_FROM:
            if (optarg[0] == '\0') {
                rc = cli_usage_error(cmd, "--from: the file name is empty");
                goto cleanup;
            }
            from = optarg;
            break;
        case OPT_RUN:
            if ((rc = cli_parse_int(cmd, "--run", optarg, 0, (long long)UINT32_MAX, &v)) != 0) {
                goto cleanup;
            }
            from_run = v;
            break;
        case OPT_DAY:
            if ((rc = cli_parse_int(cmd, "--day", optarg, 0, 36499, &v)) != 0) {
                goto cleanup;
            }
            from_day = v;
            break;
        default:
            rc = cli_option_error(cmd, c, optstring, opts, argv);
            goto cleanup;
        }
    }
    if ((rc = cli_too_many(cmd, optind, argc, argv, 1)) != 0) {
        goto cleanup;
    }
    if (fl.force && fl.resume) {
        rc = cli_usage_error(cmd, "--force and --resume cannot be used together");
        goto cleanup;
    }
    if (from && (from_run < 0 || from_day < 0)) {
        rc = cli_usage_error(cmd, "--from needs --run N and --day D (missing %s)",
                             from_run < 0 && from_day < 0 ? "both"
                             : from_run < 0               ? "--run"
                                                          : "--day");
        goto cleanup;
    }
    if (!from && (from_run >= 0 || from_day >= 0)) {
        rc = cli_usage_error(cmd, "%s needs --from FILE.h5", from_run >= 0 ? "--run" : "--day");
        goto cleanup;
    }
    if (from && posterior) {
        rc = cli_usage_error(cmd, "--from and --posterior cannot be used together");
        goto cleanup;
    }
    if (have_seed) {
        fl.sets[fl.n_sets++] = seed_set;
    }
    if (have_replicates) {
        fl.sets[fl.n_sets++] = replicates_set;
    }
    ts_run_options ro = cli_run_options(&fl, command_line);
    ro.from = from;
    ro.from_run = from ? (uint64_t)from_run : 0;
    ro.from_day = from ? (int32_t)from_day : 0;

    ts_status st =
        ts_cli_load_scenario(optind < argc ? argv[optind] : NULL, fl.sets, fl.n_sets, &sc, &err);
    if (st == TS_OK && posterior != NULL) {
        st = ts_posterior_load(posterior, &post, &err);
        if (st == TS_OK) {
            st = ts_posterior_check(post, sc, &err);
        }
        ro.posterior = post;
    }
    /* Refused before the results file exists: nothing is written. */
    if (st == TS_OK && !fl.force_memory) {
        st = ts_memory_check_scenario(sc, ro.modules, ro.n_modules, ro.threads, NULL, 0, &err);
    }
    if (st == TS_OK) {
        st = ts_runner_run(sc, &ro, &err);
    }
    if (st != TS_OK) {
        rc = cli_report(st, &err);
    }
cleanup:
    ts_posterior_free(post);
    ts_scenario_free(sc);
    free(fl.sets);
    return rc;
}

/* ---- check ------------------------------------------------------------------------ */

/* "# tactics on: a, b" (and "# experiments on: ..." when there are any) from the optional
 * sections of the schema that are on, each named once, without its group's prefix. */
static void cli_print_on(const ts_scenario *sc, FILE *out, const char *prefix, const char *what,
                         int always) {
    const ts_schema *schema = ts_modules_schema();
    size_t plen = strlen(prefix);
    int any = 0;
    for (size_t i = 0; schema && i < schema->n_sections; i++) {
        const char *name = schema->sections[i]->name;
        int seen = 0;
        if (!schema->sections[i]->optional || strncmp(name, prefix, plen) != 0 ||
            !ts_scenario_section_on(sc, name)) {
            continue;
        }
        for (size_t j = 0; j < i && !seen; j++) {
            seen = schema->sections[j]->optional && strcmp(schema->sections[j]->name, name) == 0;
        }
        if (seen) {
            continue;
        }
        fprintf(out, "%s %s", any ? "," : what, name + plen);
        any = 1;
    }
    if (any) {
        fputc('\n', out);
    } else if (always) {
        fprintf(out, "%s none\n", what);
    }
}

static void cli_print_tactics(const ts_scenario *sc, FILE *out) {
    cli_print_on(sc, out, "tactics.", "# tactics on:", 1);
    cli_print_on(sc, out, "experiments.", "# experiments on:", 0);
}

static int cli_check(int argc, char **argv) {
    static const struct option opts[] = {{"set", required_argument, NULL, OPT_SET},
                                         {"force-memory", no_argument, NULL, OPT_FORCE_MEMORY},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    static const char optstring[] = ":h";
    const char *cmd = "check";
    int force_memory = 0;
    char memory[1024];
    ts_error mem_err;
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    size_t n_sets = 0;
    ts_scenario *sc = NULL;
    char *yaml = NULL;
    ts_error err;
    int rc = 0, c;

    ts_error_clear(&err);
    if (!sets) {
        return cli_report(ts_error_set(&err, TS_ERR_NOMEM, "out of memory"), &err);
    }
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, optstring, opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(usage_check, stdout);
            goto cleanup;
        case OPT_SET:
            if ((rc = cli_check_assignment(cmd, optarg)) != 0) {
                goto cleanup;
            }
            sets[n_sets++] = optarg;
            break;
        case OPT_FORCE_MEMORY:
            force_memory = 1;
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

    ts_status st = ts_cli_load_scenario(argv[optind], sets, n_sets, &sc, &err);
    if (st != TS_OK) {
        rc = cli_report(st, &err);
        goto cleanup;
    }
    yaml = ts_scenario_to_yaml(sc);
    if (!yaml) {
        rc = cli_report(ts_error_set(&err, TS_ERR_NOMEM, "out of memory"), &err);
        goto cleanup;
    }
    fputs(yaml, stdout);
    if (yaml[0] && yaml[strlen(yaml) - 1] != '\n') {
        fputc('\n', stdout);
    }
    /* With all cores, as `trustsim run` without --threads. */
    ts_error_clear(&mem_err);
    st = ts_memory_check_scenario(sc, ts_modules, ts_n_modules, 0, memory, sizeof memory, &mem_err);
    if (memory[0]) {
        printf("# memory: %s\n", memory);
    }
    cli_print_tactics(sc, stdout);
    if (ts_scenario_is_design(sc)) {
        size_t n = ts_scenario_n_points(sc);
        int64_t reps = ts_scenario_int(sc, "replicates");
        printf("# sensitivity design: %s, %zu factor%s and the dummy, %zu design points x %" PRId64
               " run%s = %.0f runs\n",
               ts_scenario_string(sc, "sensitivity.method"), ts_scenario_n_factors(sc),
               ts_scenario_n_factors(sc) == 1 ? "" : "s", n, reps, reps == 1 ? "" : "s",
               (double)n * (double)reps);
    }
    if (st != TS_OK && !force_memory) {
        fflush(stdout);
        rc = cli_report(st, &mem_err);
    }
cleanup:
    free(yaml);
    ts_scenario_free(sc);
    free(sets);
    return rc;
}

/* ---- info ------------------------------------------------------------------------- */

static int cli_info(int argc, char **argv) {
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    static const char optstring[] = ":h";
    const char *cmd = "info";
    ts_error err;
    int c;

    ts_error_clear(&err);
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, optstring, opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage_info, stdout);
            return 0;
        }
        return cli_option_error(cmd, c, optstring, opts, argv);
    }
    if (optind >= argc) {
        return cli_usage_error(cmd, "missing FILE.h5");
    }
    if (cli_too_many(cmd, optind, argc, argv, 1) != 0) {
        return TS_CLI_USAGE_EXIT;
    }
    const char *path = argv[optind];
    struct stat sb;
    /* A results file that is not there is bad input, not an HDF5 failure. */
    if (stat(path, &sb) != 0) {
        return cli_report(ts_error_set(&err, TS_ERR_PARAM, "%s: cannot read the results file: %s",
                                       path, strerror(errno)),
                          &err);
    }
    ts_status st = ts_h5_info(path, stdout, &err);
    return st == TS_OK ? 0 : cli_report(st, &err);
}

/* ---- bench ------------------------------------------------------------------------ */

static int cli_bench(int argc, char **argv) {
    static const struct option opts[] = {{"agents", required_argument, NULL, OPT_AGENTS},
                                         {"days", required_argument, NULL, OPT_DAYS},
                                         {"threads", required_argument, NULL, OPT_THREADS},
                                         {"json", no_argument, NULL, OPT_JSON},
                                         {"set", required_argument, NULL, OPT_SET},
                                         {"sweep", required_argument, NULL, OPT_SWEEP},
                                         {"scaling", required_argument, NULL, OPT_SCALING},
                                         {"repeat", required_argument, NULL, OPT_REPEAT},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    static const char optstring[] = ":h";
    const char *cmd = "bench";
    long sweep_runs = 0, scaling_pairs = 0, repeat = 0;
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    size_t n_sets = 0;
    if (!sets) {
        fputs("trustsim: out of memory\n", stderr);
        return 1;
    }
    /* The full model, as `trustsim bench` promises (NULL would be a synthetic one). */
    ts_bench_options bo = {.agents = 100000,
                           .days = 250,
                           .threads = 0,
                           .json = 0,
                           .modules = ts_modules,
                           .n_modules = ts_n_modules,
                           .schema = ts_modules_schema()};
    ts_error err;
    long long v;
    int rc, c;

    ts_error_clear(&err);
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, optstring, opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            free(sets);
            fputs(usage_bench, stdout);
            return 0;
        case OPT_AGENTS:
            if ((rc = cli_parse_int(cmd, "--agents", optarg, 1, 1000000000, &v)) != 0) {
                free(sets);
                return rc;
            }
            bo.agents = (long)v;
            break;
        case OPT_DAYS:
            if ((rc = cli_parse_int(cmd, "--days", optarg, 1, 1000000, &v)) != 0) {
                free(sets);
                return rc;
            }
            bo.days = (long)v;
            break;
        case OPT_THREADS:
            if ((rc = cli_parse_int(cmd, "--threads", optarg, 0, 4096, &v)) != 0) {
                free(sets);
                return rc;
            }
            bo.threads = (int)v;
            break;
        case OPT_JSON:
            bo.json = 1;
            break;
        case OPT_SET:
            sets[n_sets++] = optarg;
            break;
        case OPT_SWEEP:
            if ((rc = cli_parse_int(cmd, "--sweep", optarg, 1, 1000000, &v)) != 0) {
                free(sets);
                return rc;
            }
            sweep_runs = (long)v;
            break;
        case OPT_SCALING:
            if ((rc = cli_parse_int(cmd, "--scaling", optarg, 1, 1000, &v)) != 0) {
                free(sets);
                return rc;
            }
            scaling_pairs = (long)v;
            break;
        case OPT_REPEAT:
            if ((rc = cli_parse_int(cmd, "--repeat", optarg, 1, TS_BENCH_MAX_REPEAT, &v)) != 0) {
                free(sets);
                return rc;
            }
            repeat = (long)v;
            break;
        default:
            free(sets);
            return cli_option_error(cmd, c, optstring, opts, argv);
        }
    }
    if (cli_too_many(cmd, optind, argc, argv, 0) != 0) {
        free(sets);
        return TS_CLI_USAGE_EXIT;
    }
    if (sweep_runs > 0 && scaling_pairs > 0) {
        free(sets);
        return cli_usage_error(cmd, "--sweep and --scaling time different things; give one");
    }
    if (repeat > 0 && sweep_runs == 0) {
        free(sets);
        return cli_usage_error(cmd, "--repeat repeats a --sweep; give --sweep RUNS with it");
    }
    if (sweep_runs > 0) {
        free(sets);
        if (n_sets > 0) {
            return cli_usage_error(cmd, "--sweep runs the default scenario as it is; --set "
                                        "does not apply to it");
        }
        ts_bench_sweep_options so = {.runs = sweep_runs,
                                     .repeat = repeat,
                                     .threads = bo.threads,
                                     .json = bo.json,
                                     .modules = ts_modules,
                                     .n_modules = ts_n_modules,
                                     .schema = ts_modules_schema()};
        ts_status sst = ts_bench_sweep(&so, stdout, &err);
        return sst == TS_OK ? 0 : cli_report(sst, &err);
    }
    bo.sets = sets;
    bo.n_sets = n_sets;
    ts_status st = scaling_pairs > 0 ? ts_bench_scaling(&bo, scaling_pairs, stdout, &err)
                                     : ts_bench_run(&bo, stdout, &err);
    free(sets);
    return st == TS_OK ? 0 : cli_report(st, &err);
}

/* ---- compare ---------------------------------------------------------------------- */

static int cli_compare(int argc, char **argv) {
    static const struct option opts[] = {{"metric", required_argument, NULL, OPT_METRIC},
                                         {"baseline", required_argument, NULL, OPT_BASELINE},
                                         {"csv", required_argument, NULL, OPT_CSV},
                                         {"unpaired", no_argument, NULL, OPT_UNPAIRED},
                                         {"verbose", no_argument, NULL, OPT_VERBOSE},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    static const char optstring[] = ":h";
    const char *cmd = "compare";
    const char **metrics = calloc((size_t)argc + 1, sizeof *metrics);
    ts_compare_options co = {
        .path = NULL, .metrics = NULL, .n_metrics = 0, .baseline = 0, .csv = NULL};
    ts_error err;
    int rc = 0, c;
    long long v;

    ts_error_clear(&err);
    if (!metrics) {
        return cli_report(ts_error_set(&err, TS_ERR_NOMEM, "out of memory"), &err);
    }
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, optstring, opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(usage_compare, stdout);
            goto cleanup;
        case OPT_METRIC:
            if (optarg[0] == '\0') {
                rc = cli_usage_error(cmd, "--metric: the metric name is empty");
                goto cleanup;
            }
            metrics[co.n_metrics++] = optarg;
            break;
        case OPT_BASELINE:
            if ((rc = cli_parse_int(cmd, "--baseline", optarg, 0, INT_MAX, &v)) != 0) {
                goto cleanup;
            }
            co.baseline = (size_t)v;
            break;
        case OPT_CSV:
            if (optarg[0] == '\0') {
                rc = cli_usage_error(cmd, "--csv: the file name is empty");
                goto cleanup;
            }
            co.csv = optarg;
            break;
        case OPT_UNPAIRED:
            co.unpaired = 1;
            break;
        case OPT_VERBOSE:
            ts_h5_set_verbose(1);
            break;
        default:
            rc = cli_option_error(cmd, c, optstring, opts, argv);
            goto cleanup;
        }
    }
    if (optind >= argc) {
        rc = cli_usage_error(cmd, "missing FILE.h5");
        goto cleanup;
    }
    if (cli_too_many(cmd, optind, argc, argv, 1) != 0) {
        rc = TS_CLI_USAGE_EXIT;
        goto cleanup;
    }
    co.path = argv[optind];
    co.metrics = metrics;
    ts_status st = ts_compare(&co, stdout, &err);
    rc = st == TS_OK ? 0 : cli_report(st, &err);
cleanup:
    free(metrics);
    return rc;
}

/* ---- validate ----------------------------------------------------------------------- */

static int cli_validate(int argc, char **argv, const char *command_line) {
    static const struct option opts[] = {{"pattern", required_argument, NULL, OPT_PATTERN},
                                         {"quick", no_argument, NULL, OPT_QUICK},
                                         {"set", required_argument, NULL, OPT_SET},
                                         {"output", required_argument, NULL, 'o'},
                                         {"force", no_argument, NULL, OPT_FORCE},
                                         {"threads", required_argument, NULL, OPT_THREADS},
                                         {"quiet", no_argument, NULL, OPT_QUIET},
                                         {"verbose", no_argument, NULL, OPT_VERBOSE},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    static const char optstring[] = ":ho:";
    const char *cmd = "validate";
    const char **ids = calloc((size_t)argc + 1, sizeof *ids);
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    ts_validate_options vo = {.command_line = command_line,
                              .modules = ts_modules,
                              .n_modules = ts_n_modules,
                              .schema = ts_modules_schema()};
    ts_validate_outcome outcome;
    ts_error err;
    int rc = 0, c;
    long long v;

    ts_error_clear(&err);
    if (!ids || !sets) {
        free(ids);
        free(sets);
        return cli_report(ts_error_set(&err, TS_ERR_NOMEM, "out of memory"), &err);
    }
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, optstring, opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(usage_validate, stdout);
            goto cleanup;
        case OPT_PATTERN:
            if (optarg[0] == '\0') {
                rc = cli_usage_error(cmd, "--pattern: the pattern id is empty");
                goto cleanup;
            }
            ids[vo.n_ids++] = optarg;
            break;
        case OPT_QUICK:
            vo.quick = 1;
            break;
        case OPT_SET:
            if ((rc = cli_check_assignment(cmd, optarg)) != 0) {
                goto cleanup;
            }
            sets[vo.n_sets++] = optarg;
            break;
        case 'o':
            if (optarg[0] == '\0') {
                rc = cli_usage_error(cmd, "-o: the output file name is empty");
                goto cleanup;
            }
            vo.output = optarg;
            break;
        case OPT_FORCE:
            vo.force = 1;
            break;
        case OPT_THREADS:
            if ((rc = cli_parse_int(cmd, "--threads", optarg, 0, 4096, &v)) != 0) {
                goto cleanup;
            }
            vo.threads = (int)v;
            break;
        case OPT_QUIET:
            vo.quiet = 1;
            break;
        case OPT_VERBOSE:
            ts_h5_set_verbose(1);
            break;
        default:
            rc = cli_option_error(cmd, c, optstring, opts, argv);
            goto cleanup;
        }
    }
    if ((rc = cli_too_many(cmd, optind, argc, argv, 1)) != 0) {
        goto cleanup;
    }
    if (!vo.schema) {
        rc = cli_report(
            ts_error_set(&err, TS_ERR_INTERNAL, "the module table outgrew the schema storage"),
            &err);
        goto cleanup;
    }
    vo.patterns = optind < argc ? argv[optind] : NULL;
    vo.ids = ids;
    vo.sets = sets;
    ts_status st = ts_validate(&vo, stdout, &outcome, &err);
    if (st != TS_OK) {
        rc = cli_report(st, &err);
    } else if (outcome.n_failed > 0) {
        fflush(stdout);
        fprintf(stderr, "trustsim: %zu of %zu pattern%s FAIL: %s\n", outcome.n_failed,
                outcome.n_patterns, outcome.n_patterns == 1 ? "" : "s", outcome.failed);
        rc = 1;
    }
cleanup:
    free(ids);
    free(sets);
    return rc;
}

/* ---- main ------------------------------------------------------------------------- */

/* Whether a word can be stored as is in a shell command line. */
static int cli_is_shell_safe(const char *w) {
    if (!*w) {
        return 0;
    }
    for (; *w; w++) {
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./=:,+-@%",
                    *w)) {
            return 0;
        }
    }
    return 1;
}

/* The command line as typed, arguments joined with spaces and single-quoted where the
 * shell would need it, so the line stored in a results file can be run again. Built
 * before getopt_long permutes argv. */
static char *cli_join(int argc, char **argv) {
    size_t len = 1;
    char *s, *p;

    for (int i = 0; i < argc; i++) {
        /* Worst case: every character is a quote ('\'' is 4 bytes), plus 2 quotes and a
         * space. */
        len += 4 * strlen(argv[i]) + 3;
    }
    s = malloc(len);
    if (!s) {
        return NULL;
    }
    p = s;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (i > 0) {
            *p++ = ' ';
        }
        if (cli_is_shell_safe(a)) {
            size_t n = strlen(a);
            memcpy(p, a, n);
            p += n;
            continue;
        }
        *p++ = '\'';
        for (; *a; a++) {
            if (*a == '\'') {
                memcpy(p, "'\\''", 4);
                p += 4;
            } else {
                *p++ = *a;
            }
        }
        *p++ = '\'';
    }
    *p = '\0';
    return s;
}

static int cli_dispatch(int argc, char **argv, const char *command_line) {
    const char *sub = argc > 1 ? argv[1] : NULL;

    if (!sub) {
        return cli_usage_error(NULL, "missing command");
    }
    int help = strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0;
    int version = strcmp(sub, "--version") == 0 || strcmp(sub, "-V") == 0;
    if (help || version) {
        if (argc > 2) {
            return cli_usage_error(NULL, "unexpected argument '%s'", argv[2]);
        }
        if (help) {
            fputs(usage_main, stdout);
        } else {
            const char *mpi = ts_mpi_library();
            fputs("trustsim " TRUSTSIM_VERSION "\n", stdout);
            printf("build: %s\n", ts_build_info);
            if (mpi) {
                printf("sweeps over MPI: %s\n", mpi);
            }
        }
        return 0;
    }
    if (sub[0] == '-') {
        return cli_usage_error(NULL, "unknown option '%s'", sub);
    }
    /* Under mpirun, only `run` and `sensitivity` have work for the ranks other than 0. */
    if (ts_mpi_rank() != 0 && strcmp(sub, "run") != 0 && strcmp(sub, "sensitivity") != 0) {
        return 0;
    }
    /* Each subcommand parses argv[1..]: its name is its argv[0]. */
    if (strcmp(sub, "run") == 0) {
        return cli_run(argc - 1, argv + 1, command_line);
    }
    if (strcmp(sub, "check") == 0) {
        return cli_check(argc - 1, argv + 1);
    }
    if (strcmp(sub, "info") == 0) {
        return cli_info(argc - 1, argv + 1);
    }
    if (strcmp(sub, "bench") == 0) {
        return cli_bench(argc - 1, argv + 1);
    }
    if (strcmp(sub, "compare") == 0) {
        return cli_compare(argc - 1, argv + 1);
    }
    if (strcmp(sub, "validate") == 0) {
        return cli_validate(argc - 1, argv + 1, command_line);
    }
    if (strcmp(sub, "sensitivity") == 0) {
        return cli_sensitivity(argc - 1, argv + 1, command_line);
    }
    if (strcmp(sub, "calibrate") == 0) {
        return cli_calibrate(argc - 1, argv + 1, command_line);
    }
    return cli_usage_error(NULL, "unknown command '%s'", sub);
}

int ts_cli_main(int argc, char **argv) {
    char *command_line = cli_join(argc, argv);
    int rc;

    if (!command_line) {
        fputs("trustsim: out of memory\n", stderr);
        return ts_status_exit_code(TS_ERR_NOMEM);
    }
    rc = cli_dispatch(argc, argv, command_line);
    free(command_line);
    /* Output that could not be written (a full disk, a closed pipe) is a failure. */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "trustsim: cannot write to standard output: %s\n", strerror(errno));
        if (rc == 0) {
            rc = ts_status_exit_code(TS_ERR_IO);
        }
    }
    return rc;
}
