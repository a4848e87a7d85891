/* Tests of models/commiserate.c: what one talk sends to whom (by hand), the third team of
 * a talk that turns sour, and the behaviour over the full model with teams closed by
 * technical debt (docs/model.md §7.12). What all ways in share is tested in
 * test_ways_in.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "evidence.h"
#include "ways_support.h"

#include "commiserate.h"

/* One talk (3 with 4), by hand, never about a third team (risk 0): goodwill 0.1 both
 * ways, team 2 gets a proof of safety of 0.005, half an hour of meetings each; nothing
 * else. */
static void test_session(void **state) {
    (void)state;
    tst_world f;
    tst_way_open(&f, &ts_module_commiserate, ", risk: 0");
    tst_msgs m = {0};
    tst_way_session(&f, &m);
    assert_int_equal(m.buf.n, 5);
    tst_way_expect(&m, 3, TS_MK_GOODWILL, 4, 0, 0.1);
    tst_way_expect(&m, 4, TS_MK_GOODWILL, 3, 0, 0.1);
    tst_way_expect(&m, 3, TS_MK_HOURS, TS_HOURS_MEETINGS, 0, 0.5);
    tst_way_expect(&m, 4, TS_MK_HOURS, TS_HOURS_MEETINGS, 0, 0.5);
    tst_way_expect(&m, 2, TS_MK_MODULE_BASE, 2, 0, 0.005);
    tst_msgs_free(&m);
    tst_world_close(&f);
}

/* The third team, by hand: for 3 (team 1) and 4 (team 2) only team 0 is left, found with
 * probability 1 - (2/5)^8 (ids 3 and 4 are of the two sides' teams); for 1 (team 0) and 4
 * (team 2), only team 1 (id 3): 1 - (4/5)^8. */
static void test_third(void **state) {
    (void)state;
    tst_world f;
    tst_way_open(&f, &ts_module_commiserate, "");
    ts_rng r;
    ts_rng_init(&r, 1, 2, 3, 4);
    for (int k = 0; k < 20; k++) {
        uint32_t c = ts_commiserate_third(&f.w, 3, 4, &r);
        assert_true(c == 0 || c == TS_NO_AGENT);
        uint32_t c2 = ts_commiserate_third(&f.w, 1, 4, &r);
        assert_true(c2 == 1 || c2 == TS_NO_AGENT);
    }
    tst_world_close(&f);
}

/* A talk that turns sour (risk 1): besides the above, both think less (-0.1) of team 0's
 * manager 0 and of one of its reports, 1 or 2. */
static void test_sour(void **state) {
    (void)state;
    tst_world f;
    tst_way_open(&f, &ts_module_commiserate, ", risk: 1");
    tst_msgs m = {0};
    tst_way_session(&f, &m);
    assert_int_equal(m.buf.n, 9);
    for (uint32_t side = 3; side <= 4; side++) {
        assert_int_equal(tst_msgs_count(&m, side, TS_MK_GOODWILL, NULL), 3);
        int toward0 = 0, toward_member = 0;
        for (size_t k = 0; k < m.buf.n; k++) {
            const ts_msg *x = &m.buf.msgs[k];
            if (x->to == side && x->kind == TS_MK_GOODWILL && x->about != 7 - side) {
                assert_float_equal(x->w, -0.1, 1e-6);
                toward0 += x->about == 0;
                toward_member += x->about == 1 || x->about == 2;
            }
        }
        assert_int_equal(toward0, 1);
        assert_int_equal(toward_member, 1);
    }
    tst_msgs_free(&m);
    tst_world_close(&f);
}

/* About 20 talks a day among 100 people (one a week each), half an hour each side: 0.2 h
 * of meetings per person-day; teams open up a little. */
static void test_behaviour(void **state) {
    (void)state;
    const char *names[] = {"team_openness", "goodwill_mean", "hours_meetings", "commiserations"};
    double on[4], off[4];
    tst_way_behaviour("commiserate", names, 4, on, off);
    assert_true(on[3] > 15.0 && on[3] < 25.0);
    assert_true(on[2] > off[2] + 0.1);
    assert_true(on[0] > off[0] + 0.02);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_session),
        cmocka_unit_test(test_third),
        cmocka_unit_test(test_sour),
        cmocka_unit_test(test_behaviour),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
