/* What the subcommands of sim/app/cli.c share with those in their own files (cli_*.c): the
 * long-option values, usage errors and option parsing. Not part of the API. */
#ifndef TS_CLI_INTERNAL_H
#define TS_CLI_INTERNAL_H

#include "runner.h"
#include "status.h"

#include <getopt.h>

/* Exit code of a usage error (wrong subcommand, option, argument or number). */
#define TS_CLI_USAGE_EXIT 2

/* Long-only options get values above any character so they never collide with a short
 * option, which keeps the error reporting in cli_option_error unambiguous. */
enum {
    OPT_SET = 256,
    OPT_THREADS,
    OPT_SEED,
    OPT_REPLICATES,
    OPT_FORCE,
    OPT_FORCE_MEMORY,
    OPT_RESUME,
    OPT_QUIET,
    OPT_AGENTS,
    OPT_DAYS,
    OPT_JSON,
    OPT_SWEEP,
    OPT_SCALING,
    OPT_REPEAT,
    OPT_METRIC,
    OPT_BASELINE,
    OPT_CSV,
    OPT_PATTERN,
    OPT_QUICK,
    OPT_VERBOSE,
    OPT_UNPAIRED,
    OPT_FACTOR,
    OPT_METHOD,
    OPT_SAMPLES,
    OPT_LEVELS,
    OPT_BOOTSTRAP,
    OPT_POSTERIOR,
    OPT_TARGETS,
    OPT_CHECK_RUNS,
    OPT_FROM,
    OPT_RUN,
    OPT_DAY
};

/* "trustsim CMD: MESSAGE" and the hint to the command's help; returns the usage exit
 * code. cmd is NULL for the top level. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reports a failed status as "trustsim: MESSAGE" and returns its exit code. */
int cli_report(ts_status st, const ts_error *err);

/* Turns what getopt_long returned for a bad option ('?' or ':') into a usage error. */
int cli_option_error(const char *cmd, int c, const char *optstring, const struct option *opts,
                     char **argv);

/* Parses a whole string as a decimal integer in [min, max]; on failure prints a usage
 * error naming the option and returns the usage exit code, else 0. */
int cli_parse_int(const char *cmd, const char *opt, const char *text, long long min, long long max,
                  long long *out);

/* A --set argument must look like "key.path=value"; else a usage error. */
int cli_check_assignment(const char *cmd, const char *text);

/* A usage error when more than max arguments follow the options. */
int cli_too_many(const char *cmd, int optind_, int argc, char **argv, int max);

/* The options of the commands that run the model: -o, --set (collected in sets, which
 * must hold one entry per argument), --threads, --force, --force-memory, --resume, --quiet
 * and --verbose (which turns HDF5's error stacks on at once). */
typedef struct cli_run_flags {
    const char *output;
    int threads, force, force_memory, resume, quiet;
    const char **sets;
    size_t n_sets;
} cli_run_flags;

/* Takes option c (as getopt_long returned it, optarg set) when it is one of those: returns
 * 1 with *rc 0, or with *rc the exit code of a usage error already printed; returns 0 for
 * any other option. */
int cli_run_flag(const char *cmd, int c, cli_run_flags *f, int *rc);

/* The runner's options from the flags, with the full module table. */
ts_run_options cli_run_options(const cli_run_flags *f, const char *command_line);

/* `trustsim sensitivity` (sim/app/cli_sensitivity.c). */
int cli_sensitivity(int argc, char **argv, const char *command_line);

/* `trustsim calibrate` (sim/app/cli_calibrate.c). */
int cli_calibrate(int argc, char **argv, const char *command_line);

#endif
