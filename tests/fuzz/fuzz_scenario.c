/* Fuzz target of the scenario loader (sim/scenario/scenario*.c, sim/scenario/yamlio.c) against the
 * real schema (models/modules.c): the bytes are loaded as a scenario file the way trustsim run
 * reads one, then overridden with fixed --set assignments, finalized, printed back and loaded again
 * (which must give the same text), and a few sweep grid points are made. Everything is freed; a
 * crash, a leak, a hang or a round trip that differs is a finding. Built with libFuzzer by `make
 * fuzz`, and replayed over tests/fuzz/corpus by the ctest case fuzz/scenario_corpus
 * (tests/fuzz/replay.c). */
#include "modules.h"
#include "scenario.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where `extends` is resolved from: the corpus, so that inputs can extend its files. */
#ifndef TS_FUZZ_BASE_DIR
#define TS_FUZZ_BASE_DIR NULL
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken promise of the loader: stop with the input as the fuzzer's finding. */
static void fuzz_require(int ok, const char *what, const ts_error *err) {
    if (!ok) {
        fprintf(stderr, "fuzz_scenario: %s%s%s\n", what, err ? ": " : "", err ? err->msg : "");
        abort();
    }
}

/* A failed call returns no scenario and says why. */
static void fuzz_check_failure(ts_status st, const ts_scenario *sc, const ts_error *err) {
    fuzz_require(st != TS_ERR_INTERNAL, "internal error", err);
    fuzz_require(sc == NULL, "a scenario returned with an error", err);
    fuzz_require(err->status == st && err->msg[0] != '\0', "an error without a message", err);
}

/* Loads and finalizes text as the file "fuzz.yaml"; NULL when it is refused. */
static ts_scenario *fuzz_load(const char *text, ts_error *err) {
    ts_scenario *sc = NULL;
    ts_status st =
        ts_scenario_load_string(ts_modules_schema(), text, "fuzz.yaml", TS_FUZZ_BASE_DIR, &sc, err);
    if (st != TS_OK) {
        fuzz_check_failure(st, sc, err);
        return NULL;
    }
    st = ts_scenario_finalize(sc, err);
    if (st != TS_OK) {
        fuzz_require(st != TS_ERR_INTERNAL, "internal error in finalize", err);
        ts_scenario_free(sc);
        return NULL;
    }
    return sc;
}

/* The printed scenario loads again and prints the same. */
static void fuzz_round_trip(const ts_scenario *sc) {
    ts_error err = {0};
    char *yaml = ts_scenario_to_yaml(sc);
    fuzz_require(yaml != NULL, "ts_scenario_to_yaml gave nothing", NULL);
    ts_scenario *again = fuzz_load(yaml, &err);
    if (again == NULL) {
        fprintf(stderr, "--- printed:\n%s", yaml);
    }
    fuzz_require(again != NULL, "the printed scenario does not load", &err);
    char *yaml2 = ts_scenario_to_yaml(again);
    fuzz_require(yaml2 != NULL, "ts_scenario_to_yaml gave nothing", NULL);
    if (strcmp(yaml, yaml2) != 0) {
        fprintf(stderr, "--- printed:\n%s--- printed again:\n%s", yaml, yaml2);
    }
    fuzz_require(strcmp(yaml, yaml2) == 0, "the round trip changed the scenario", NULL);
    free(yaml2);
    free(yaml);
    ts_scenario_free(again);
}

/* Reads what a run would read at grid point g. */
static void fuzz_point(const ts_scenario *sc, size_t g) {
    ts_error err = {0};
    ts_scenario *pt = NULL;
    ts_status st = ts_scenario_at_point(sc, g, &pt, &err);
    if (st != TS_OK) {
        fuzz_check_failure(st, pt, &err);
        return;
    }
    fuzz_require(ts_scenario_n_points(pt) == 1, "a grid point with a sweep", NULL);
    fuzz_require(ts_scenario_name(pt)[0] != '\0', "an empty name", NULL);
    for (size_t i = 0; i < ts_scenario_n_events(pt); i++) {
        const ts_event *ev = ts_scenario_event(pt, i);
        fuzz_require(ts_event_day(ev) >= 1 && ts_event_day(ev) <= ts_scenario_int(pt, "days"),
                     "an event outside the run", NULL);
        (void)ts_event_kind_name(ev);
    }
    ts_scenario_free(pt);
}

/* Some grid points: the first, the second, one in the middle and the last. */
static void fuzz_points(const ts_scenario *sc) {
    size_t n = ts_scenario_n_points(sc);
    size_t at[] = {0, 1, n / 2, n - 1};
    for (size_t k = 0; k < sizeof at / sizeof at[0]; k++) {
        if (at[k] < n && (k == 0 || at[k] > at[k - 1])) {
            fuzz_point(sc, at[k]);
        }
    }
    for (size_t k = 0; k < ts_scenario_n_sweep_keys(sc); k++) {
        (void)ts_scenario_sweep_key(sc, k);
        (void)ts_scenario_sweep_value(sc, k, n - 1);
    }
}

/* Fixed --set assignments on a copy of the loaded scenario, then finalize, as the
 * command line does: a scalar, a tactic turned on by one of its keys, a map, a list. */
static void fuzz_overrides(const ts_scenario *sc) {
    static const char *const sets[] = {"seed=7", "tactics.feedback.probability=0.3717",
                                       "trust={prior_mean: 0.5261}", "domains=[design, ops]"};
    ts_scenario *cp = ts_scenario_copy(sc);
    fuzz_require(cp != NULL, "ts_scenario_copy gave nothing", NULL);
    ts_error err = {0};
    ts_status st = TS_OK;
    for (size_t i = 0; i < sizeof sets / sizeof sets[0] && st == TS_OK; i++) {
        st = ts_scenario_set(cp, sets[i], &err);
    }
    if (st == TS_OK) {
        st = ts_scenario_finalize(cp, &err);
    }
    fuzz_require(st != TS_ERR_INTERNAL, "internal error after --set", &err);
    ts_scenario_free(cp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1);
    if (text == NULL) {
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    ts_error err = {0};
    ts_scenario *sc = NULL;
    ts_status st = ts_scenario_load_string(ts_modules_schema(), text, "fuzz.yaml", TS_FUZZ_BASE_DIR,
                                           &sc, &err);
    free(text);
    if (st != TS_OK) {
        fuzz_check_failure(st, sc, &err);
        return 0;
    }
    fuzz_overrides(sc);
    st = ts_scenario_finalize(sc, &err);
    fuzz_require(st != TS_ERR_INTERNAL, "internal error in finalize", &err);
    if (st == TS_OK) {
        fuzz_round_trip(sc);
        fuzz_points(sc);
    }
    ts_scenario_free(sc);
    return 0;
}
