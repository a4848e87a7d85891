/* Tests of models/hated_tasks.c: what one share of another team's unwanted work sends to
 * whom (by hand), and the behaviour over the full model with teams closed by technical
 * debt (docs/model.md §7.12). What all ways in share is tested in test_ways_in.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "evidence.h"
#include "ways_support.h"

#include "hated_tasks.h"

/* One share (3 takes on team 2's unwanted work, beside 4), by hand, with team 2's openness
 * at 0.25: 4 and its manager 2 see 3 succeed in domain 2 (weight 1) and warm to it by 0.1,
 * 3 sees 4 fail with weight 1 x 0.25, team 2 gets a proof of safety of 0.04, 3 spends 4
 * hours of coordination; nothing else. */
static void test_session(void **state) {
    (void)state;
    tst_world f;
    tst_way_open(&f, &ts_module_hated_tasks, "");
    tst_way_set_open(&f, 2, 0.25f);
    tst_msgs m = {0};
    tst_way_session(&f, &m);
    assert_int_equal(m.buf.n, 7);
    tst_way_expect(&m, 4, TS_MK_OBSERVE, 3, 1, 1.0);
    tst_way_expect(&m, 2, TS_MK_OBSERVE, 3, 1, 1.0);
    tst_way_expect(&m, 3, TS_MK_OBSERVE, 4, 0, 0.25);
    tst_way_expect(&m, 4, TS_MK_GOODWILL, 3, 0, 0.1);
    tst_way_expect(&m, 2, TS_MK_GOODWILL, 3, 0, 0.1);
    tst_way_expect(&m, 3, TS_MK_HOURS, TS_HOURS_COORDINATION, 0, 4.0);
    tst_way_expect(&m, 2, TS_MK_MODULE_BASE, 2, 0, 0.04);
    tst_msgs_free(&m);
    tst_world_close(&f);
}

/* About 5 shares a day among 100 people, 4 hours each: 0.2 h of coordination per
 * person-day; teams open up most of all the ways in and outsiders trust them more. */
static void test_behaviour(void **state) {
    (void)state;
    const char *names[] = {"team_openness", "trust_outsiders", "hours_coordination",
                           "hated_tasks_taken"};
    double on[4], off[4];
    tst_way_behaviour("hated_tasks", names, 4, on, off);
    assert_true(on[3] > 3.0 && on[3] < 7.0);
    assert_true(on[2] > off[2] + 0.1);
    assert_true(on[0] > off[0] + 0.1);
    assert_true(on[1] > off[1] + 0.002);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_session),
        cmocka_unit_test(test_behaviour),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
