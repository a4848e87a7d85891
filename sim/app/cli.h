/* The `trustsim` command line: subcommands (run, check, info, bench, compare, validate), their
 * options parsed with getopt_long, usage texts, and the mapping of a ts_status to a
 * message on stderr and an exit code (0 ok, 1 runtime failure, 2 bad input).
 * ts_cli_main uses getopt's global state, so it is meant to be called once per process
 * (from main); ts_cli_load_scenario is reentrant. */
#ifndef TS_CLI_H
#define TS_CLI_H

#include "scenario.h"

#include <stddef.h>

/* The whole program: parses argv, runs the subcommand and returns the exit code. May
 * reorder argv (getopt_long permutes it). */
int ts_cli_main(int argc, char **argv);

/* Loads a scenario the way `run` and `check` do: the file at `path` (NULL: the
 * scenarios/default.yaml of the current directory if it exists, else the compiled-in
 * copy, shown as "default.yaml"), then each "key.path=value" of `sets` in order, then
 * ts_scenario_finalize. The schema is that of all modules. On success *out is a
 * finalized scenario the caller frees; on failure *out is NULL and err says why. */
ts_status ts_cli_load_scenario(const char *path, const char *const *sets, size_t n_sets,
                               ts_scenario **out, ts_error *err);

#endif
