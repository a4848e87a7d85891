/* A small scenario schema and the helpers that load it, shared by the suites of the
 * scenario loader (tests/sim/test_scenario*.c): top-level keys of every type, two
 * sections that share the name "trust" (as the engine and a module do), a section with
 * dotted keys, two optional sections (tactics), seventeen integers to reach the sweep's
 * limit of sixteen keys, two event kinds and two validators. Every helper asserts with
 * cmocka, so it may only be called from inside a test. */
#ifndef TST_SCENARIO_FIXTURE_H
#define TST_SCENARIO_FIXTURE_H

#include <stddef.h>

#include "scenario.h"
#include "yamlio.h"

/* The schema; its parameter tables are named so that lookups can be checked by address. */
extern const ts_schema tst_sc_schema;
extern const ts_param tst_sc_top_params[5];      /* name, days, seed, domains, note */
extern const ts_param tst_sc_trust_a_params[2];  /* trust: prior_mean, delegate */
extern const ts_param tst_sc_trust_b_params[2];  /* trust: review, capacity */
extern const ts_param tst_sc_work_params[5];     /* work: stakeholders.base, growth, schedule,
                                                  * flag, stakeholders.extra */
extern const ts_param tst_sc_feedback_params[2]; /* tactics.feedback: probability, every */

/* A scenario with named variants: chats off in the base (per_week 4), seeds 1 and 2, and
 * the variants none, feedback, chats (days 30) and tuned (feedback every 3, prior_mean
 * 0.9), written after the seed key. */
extern const char tst_sc_variants_text[];

/* cmocka 1.1 compares floats as float; this compares doubles and shows both. */
void tst_check_near(double got, double want, double eps, const char *file, int line);
#define assert_near(got, want, eps) tst_check_near((got), (want), (eps), __FILE__, __LINE__)

/* Parses YAML text into a node tree (NULL when it holds no document), failing the test
 * unless it parses; the caller frees it with ts_yaml_free. */
ts_ynode *tst_sc_parse(const char *text);

/* Loads text as "s.yaml" against the schema and finalizes; fails the test on any error. */
ts_scenario *tst_sc_load_ok(const char *text);

/* Loading text as "s.yaml" (then finalizing) fails with exactly this message. */
void tst_sc_expect_error(const char *text, const char *msg);

/* Applying --set to an empty scenario fails with exactly this message. */
void tst_sc_expect_set_error(const char *assignment, const char *msg);

/* Applies --set `assignment` to sc, failing the test on error; returns sc. */
ts_scenario *tst_sc_set_ok(ts_scenario *sc, const char *assignment);

/* The scenario at grid point g of sc, failing the test on error (the caller frees it). */
ts_scenario *tst_sc_point_ok(const ts_scenario *sc, size_t g);

#endif
