/* Tests across the trust-building tactics (models/ one file each): every tactic costs
 * hours — hours_meetings rises when it alone is on — and a scenario with every tactic on
 * runs with every metric finite. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <math.h>

#include "engine.h"
#include "modules.h"
#include "test_support.h"

static const char *const TACTICS[] = {
    "one_on_ones",    "feedback",          "broadcast",    "trial_tasks",
    "status_updates", "inspection_forums", "coffee_chats", "transitive_trust",
    "ask_for_help",   "onboarding",        "offsites",
};
#define N_TACTICS (sizeof TACTICS / sizeof TACTICS[0])

/* A growing company, so onboarding, trial tasks and transitive trust have new hires. */
static const char *BASE = "days: 200\norg: {headcount: 80, warmup_days: 30}\n"
                          "hiring: {growth: exponential, annual_rate: 1.5}\n"
                          "output: {snapshot_every: 0}\n";

/* Runs the full model; returns the mean of hours_meetings over the recorded days and
 * checks that no metric is NaN or infinite. */
static double run_meetings(const char *text, uint64_t seed) {
    tst_fullrun fr;
    tst_fullrun_open(&fr, text, seed);
    for (size_t k = 0; k < fr.r.n_metrics; k++) {
        for (size_t d = 0; d < fr.r.metrics[k].n; d++) {
            /* The setback experiment's metric is NaN when the experiment is off; the
             * departments' with one department; problems_raised_early on days whose
             * window has no hidden problem that ended (NaN: nothing to divide by). */
            const char *name = fr.r.metrics[k].name;
            if (!isfinite(fr.r.metrics[k].values[d]) && strcmp(name, "trust_setback") != 0 &&
                strcmp(name, "problems_raised_early") != 0 &&
                strcmp(name, "trust_between_departments") != 0 &&
                strcmp(name, "trust_within_departments") != 0 &&
                strcmp(name, "cross_department_latency") != 0) {
                fail_msg("%s is %g on day %zu", fr.r.metrics[k].name, fr.r.metrics[k].values[d], d);
            }
        }
    }
    const ts_series *h = tst_series(&fr.r, "hours_meetings");
    double t = 0.0;
    for (size_t d = 1; d < h->n; d++) {
        t += h->values[d];
    }
    double mean = t / (double)(h->n - 1);
    tst_fullrun_close(&fr);
    return mean;
}

static void test_every_tactic_costs_hours(void **state) {
    (void)state;
    for (uint64_t seed = 1; seed <= 2; seed++) {
        double none = run_meetings(BASE, seed);
        for (size_t k = 0; k < N_TACTICS; k++) {
            char text[1024];
            snprintf(text, sizeof text, "%stactics: {%s: {}}\n", BASE, TACTICS[k]);
            double on = run_meetings(text, seed);
            print_message("seed %u %-18s hours_meetings %.4f (none %.4f)\n", (unsigned)seed,
                          TACTICS[k], on, none);
            if (!(on > none + 1e-3)) {
                fail_msg("%s does not raise hours_meetings (%.5f vs %.5f)", TACTICS[k], on, none);
            }
        }
    }
}

static void test_all_tactics_run(void **state) {
    (void)state;
    char text[2048];
    size_t n = (size_t)snprintf(text, sizeof text, "%stactics:\n", BASE);
    for (size_t k = 0; k < N_TACTICS; k++) {
        n += (size_t)snprintf(text + n, sizeof text - n, "  %s: {}\n", TACTICS[k]);
    }
    snprintf(text + n, sizeof text - n, "  repair: {apology: 0.8}\n");
    double all = run_meetings(text, 3);
    double none = run_meetings(BASE, 3);
    print_message("all tactics: hours_meetings %.4f (none %.4f)\n", all, none);
    assert_true(all > none + 0.1);
    assert_true(all < 8.0); /* meetings never take more than the working day */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_tactic_costs_hours),
        cmocka_unit_test(test_all_tactics_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
