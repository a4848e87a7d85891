/* Tests of models/overview_listening.c: what one overview sends to whom (by hand), and the
 * behaviour over the full model with teams closed by technical debt (docs/model.md §7.12).
 * What all ways in share is tested in test_ways_in.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "evidence.h"
#include "ways_support.h"

#include "overview_listening.h"

/* One overview (3 asks 4), by hand, with team 2's openness at 0.25: 3 sees 4 fail in
 * domain 2 with weight 1 x 0.25 and warms to it by 0.03; 4, heard out, warms to 3 by 0.08;
 * team 2 gets a proof of safety of 0.01; an hour of meetings each; nothing else. */
static void test_session(void **state) {
    (void)state;
    tst_world f;
    tst_way_open(&f, &ts_module_overview_listening, "");
    tst_way_set_open(&f, 2, 0.25f);
    tst_msgs m = {0};
    tst_way_session(&f, &m);
    assert_int_equal(m.buf.n, 6);
    tst_way_expect(&m, 3, TS_MK_OBSERVE, 4, 0, 0.25);
    tst_way_expect(&m, 3, TS_MK_GOODWILL, 4, 0, 0.03);
    tst_way_expect(&m, 4, TS_MK_GOODWILL, 3, 0, 0.08);
    tst_way_expect(&m, 3, TS_MK_HOURS, TS_HOURS_MEETINGS, 0, 1.0);
    tst_way_expect(&m, 4, TS_MK_HOURS, TS_HOURS_MEETINGS, 0, 1.0);
    tst_way_expect(&m, 2, TS_MK_MODULE_BASE, 2, 0, 0.01);
    tst_msgs_free(&m);
    tst_world_close(&f);
}

/* About 10 overviews a day among 100 people (0.5 a week each), an hour each side: 0.2 h of
 * meetings per person-day; teams open up and goodwill rises. */
static void test_behaviour(void **state) {
    (void)state;
    const char *names[] = {"team_openness", "goodwill_mean", "hours_meetings", "overviews_held"};
    double on[4], off[4];
    tst_way_behaviour("overview_listening", names, 4, on, off);
    assert_true(on[3] > 7.0 && on[3] < 13.0);
    assert_true(on[2] > off[2] + 0.1);
    assert_true(on[0] > off[0] + 0.05);
    assert_true(on[1] > off[1]);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_session),
        cmocka_unit_test(test_behaviour),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
