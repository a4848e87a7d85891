/* Tests of sim/core/clock.c: the monotonic clock never goes back and measures a sleep. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "clock.h"

#include <time.h>

/* Readings never decrease, and a 20 ms sleep reads as at least 20 ms (a sleep may last
 * longer, never shorter) and less than a few seconds. */
static void test_monotonic_and_measures_a_sleep(void **state) {
    (void)state;
    double prev = ts_clock_seconds();
    for (int k = 0; k < 1000; k++) {
        double t = ts_clock_seconds();
        assert_true(t >= prev);
        prev = t;
    }
    double t0 = ts_clock_seconds();
    struct timespec nap = {0, 20 * 1000 * 1000};
    while (nanosleep(&nap, &nap) != 0) {
    }
    double dt = ts_clock_seconds() - t0;
    assert_true(dt >= 0.020 - 1e-6);
    assert_true(dt < 5.0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_monotonic_and_measures_a_sleep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
