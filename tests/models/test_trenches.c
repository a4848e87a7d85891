/* Tests of models/trenches.c: what one session sends to whom (by hand), and the behaviour
 * over the full model with teams closed by technical debt (docs/model.md §7.12). What all
 * ways in share (partners, rates, proofs of safety applied) is tested in test_ways_in.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "evidence.h"
#include "ways_support.h"

#include "trenches.h"

/* One session (3 into team 2's war room, with 4), by hand: each sees the other at work in
 * domain 2 with weight 2 (3 succeeds, 4 fails), 4's manager 2 sees 3 with weight 1, both
 * warm by 0.05, team 2 gets a proof of safety of 0.02, 3 spends 4 hours of coordination;
 * nothing else. */
static void test_session(void **state) {
    (void)state;
    tst_world f;
    tst_way_open(&f, &ts_module_trenches, "");
    tst_msgs m = {0};
    tst_way_session(&f, &m);
    assert_int_equal(m.buf.n, 7);
    tst_way_expect(&m, 3, TS_MK_OBSERVE, 4, 0, 2.0);
    tst_way_expect(&m, 4, TS_MK_OBSERVE, 3, 1, 2.0);
    tst_way_expect(&m, 2, TS_MK_OBSERVE, 3, 1, 1.0);
    tst_way_expect(&m, 3, TS_MK_GOODWILL, 4, 0, 0.05);
    tst_way_expect(&m, 4, TS_MK_GOODWILL, 3, 0, 0.05);
    tst_way_expect(&m, 3, TS_MK_HOURS, TS_HOURS_COORDINATION, 0, 4.0);
    tst_way_expect(&m, 2, TS_MK_MODULE_BASE, 2, 0, 0.02);
    tst_msgs_free(&m);
    tst_world_close(&f);
}

/* About 5 sessions a day among 100 people (0.25 a week each), 4 hours each: 0.2 h of
 * coordination per person-day; teams open up and outsiders trust them more. */
static void test_behaviour(void **state) {
    (void)state;
    const char *names[] = {"team_openness", "trust_outsiders", "hours_coordination",
                           "trenches_held"};
    double on[4], off[4];
    tst_way_behaviour("trenches", names, 4, on, off);
    assert_true(on[3] > 3.0 && on[3] < 7.0);
    assert_true(on[2] > off[2] + 0.1);
    assert_true(on[0] > off[0] + 0.05);
    assert_true(on[1] > off[1] + 0.003);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_session),
        cmocka_unit_test(test_behaviour),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
