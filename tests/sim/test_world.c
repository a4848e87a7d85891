/* Tests of sim/core/world.c: the agents' arrays and the org tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "world.h"

#include <string.h>

static void build(ts_world *w, uint32_t n, uint32_t span) {
    ts_error err;
    assert_int_equal(ts_world_init(w, 4, 16, 0.998, &err), TS_OK);
    assert_int_equal(ts_world_build_tree(w, n, span, -5, &err), TS_OK);
}

static void test_tree_is_balanced(void **state) {
    (void)state;
    ts_world w;
    /* 1 + 7 + 49 = 57 fill three levels exactly; the 58th starts a fourth. */
    build(&w, 57, 7);
    assert_int_equal(w.n, 57);
    assert_int_equal(w.n_active, 57);
    assert_int_equal(ts_world_levels(&w), 3);
    assert_int_equal(w.root, 0);
    assert_int_equal(w.manager[0], TS_NO_AGENT);
    assert_int_equal(w.n_reports[0], 7);
    assert_int_equal(w.manager[8], 1);
    assert_int_equal(w.manager[56], 7);
    assert_int_equal(w.depth[56], 2);
    assert_int_equal(w.hire_day[30], -5);
    uint32_t id;
    ts_error err;
    assert_int_equal(ts_world_add_agent(&w, 8, 3, &id, &err), TS_OK);
    assert_int_equal(id, 57);
    assert_int_equal(ts_world_levels(&w), 4);
    ts_world_free(&w);
}

static void test_reports_list_order_and_removal(void **state) {
    (void)state;
    ts_world w;
    build(&w, 9, 3); /* 0 -> 1,2,3; 1 -> 4,5,6; 2 -> 7,8 */
    uint32_t seen[3], k = 0;
    for (uint32_t j = w.first_report[1]; j != TS_NO_AGENT; j = w.next_peer[j]) {
        seen[k++] = j;
    }
    assert_int_equal(k, 3);
    assert_int_equal(seen[0], 4);
    assert_int_equal(seen[2], 6);
    ts_world_remove_agent(&w, 5, 10);
    assert_int_equal(w.n_reports[1], 2);
    assert_int_equal(w.next_peer[4], 6);
    assert_int_equal(w.prev_peer[6], 4);
    assert_false(w.active[5]);
    assert_int_equal(w.leave_day[5], 10);
    assert_int_equal(w.n_active, 8);
    /* Removing twice changes nothing. */
    ts_world_remove_agent(&w, 5, 11);
    assert_int_equal(w.n_active, 8);
    assert_int_equal(w.leave_day[5], 10);
    ts_world_free(&w);
}

static void test_move_updates_subtree_depths(void **state) {
    (void)state;
    ts_world w;
    build(&w, 13, 3); /* agent k reports to (k-1)/3: 4,5,6 -> 1 and 10,11,12 -> 3 */
    assert_int_equal(w.depth[12], 2);
    ts_error err;
    uint32_t a, b;
    assert_int_equal(ts_world_add_agent(&w, 12, 0, &a, &err), TS_OK);
    assert_int_equal(ts_world_add_agent(&w, a, 0, &b, &err), TS_OK);
    assert_int_equal(w.depth[b], 4);
    /* Move 12 (with its chain a -> b) under agent 5 at depth 2. */
    ts_world_set_manager(&w, 12, 5);
    assert_int_equal(w.manager[12], 5);
    assert_int_equal(w.depth[12], 3);
    assert_int_equal(w.depth[a], 4);
    assert_int_equal(w.depth[b], 5);
    assert_int_equal(w.n_reports[3], 2);
    assert_int_equal(w.n_reports[5], 1);
    ts_world_free(&w);
}

static void test_common_manager(void **state) {
    (void)state;
    ts_world w;
    build(&w, 40, 3); /* 4,5,6 under 1; 13.. under 4; 7,8,9 under 2 */
    assert_int_equal(ts_world_common_manager(&w, 13, 5), 1);
    assert_int_equal(ts_world_common_manager(&w, 13, 14), 4);
    assert_int_equal(ts_world_common_manager(&w, 13, 7), 0);
    /* A manager and its report: the manager has authority over both. */
    assert_int_equal(ts_world_common_manager(&w, 4, 13), 4);
    assert_int_equal(ts_world_common_manager(&w, 0, 39), 0);
    assert_int_equal(ts_world_common_manager(&w, 13, TS_NO_AGENT), TS_NO_AGENT);
    ts_world_free(&w);
}

static void test_growth_keeps_content(void **state) {
    (void)state;
    ts_world w;
    build(&w, 10, 4);
    w.hours[9 * TS_HOURS_SLOTS + 2] = 0.3717f;
    w.hours[3 * TS_HOURS_SLOTS] = 0.6124f;
    ts_error err;
    uint32_t id = 0;
    for (int k = 0; k < 5000; k++) {
        assert_int_equal(ts_world_add_agent(&w, (uint32_t)(k % 10), 1, &id, &err), TS_OK);
    }
    assert_int_equal(id, 5009);
    assert_true(w.n_alloc >= 5010);
    assert_float_equal(w.hours[9 * TS_HOURS_SLOTS + 2], 0.3717f, 0.0f);
    assert_float_equal(w.hours[3 * TS_HOURS_SLOTS], 0.6124f, 0.0f);
    assert_float_equal(w.hours[5009 * TS_HOURS_SLOTS], 0.0f, 0.0f);
    assert_int_equal(w.models.n_agents >= 5010 || w.models.n_alloc >= 5010, 1);
    ts_world_free(&w);
}

/* Registered columns: agents present and future start at the initial value, growth keeps
 * the content, a daily column is reset, and the same name registers once. */
static void test_columns(void **state) {
    (void)state;
    ts_world w;
    ts_error err;
    build(&w, 5, 2);
    const int32_t never = -77;
    uint32_t daily, kept, again;
    assert_int_equal(ts_world_column_add(&w, "flag", sizeof(float), 1, NULL, &daily, &err), TS_OK);
    assert_int_equal(ts_world_column_add(&w, "since", sizeof(int32_t), 0, &never, &kept, &err),
                     TS_OK);
    assert_int_equal(daily, 0);
    assert_int_equal(kept, 1);
    assert_int_equal(ts_world_column_find(&w, "since"), 1);
    assert_int_equal(ts_world_column_find(&w, "absent"), -1);
    int32_t *since = w.cols[kept].data;
    for (uint32_t a = 0; a < 5; a++) {
        assert_int_equal(since[a], -77);
    }
    /* The same layout finds the column; another layout is refused. */
    assert_int_equal(ts_world_column_add(&w, "since", sizeof(int32_t), 0, &never, &again, &err),
                     TS_OK);
    assert_int_equal(again, kept);
    assert_int_equal(ts_world_column_add(&w, "since", sizeof(int32_t), 1, &never, &again, &err),
                     TS_ERR_INTERNAL);
    /* An entry wider than an initial value can be: only starting at zero. */
    const double twice[2] = {1.0, 2.0};
    assert_int_equal(ts_world_column_add(&w, "wide", sizeof twice, 0, twice, &again, &err),
                     TS_ERR_INTERNAL);
    uint32_t wide;
    assert_int_equal(ts_world_column_add(&w, "wide", sizeof twice, 1, NULL, &wide, &err), TS_OK);
    since[3] = 41;
    ((double *)w.cols[wide].data)[2 * 4 + 1] = 0.5;
    ((float *)w.cols[daily].data)[2] = 0.3717f;
    uint32_t id = 0;
    for (int k = 0; k < 200; k++) {
        assert_int_equal(ts_world_add_agent(&w, 0, 1, &id, &err), TS_OK);
    }
    since = w.cols[kept].data;
    assert_int_equal(since[3], 41);
    assert_int_equal(since[id], -77);
    float *flag = w.cols[daily].data;
    assert_float_equal(flag[2], 0.3717f, 0.0f);
    assert_float_equal(flag[id], 0.0f, 0.0f);
    const double *wd = w.cols[wide].data;
    assert_float_equal(wd[2 * 4 + 1], 0.5, 0.0);
    assert_float_equal(wd[2 * id] + wd[2 * id + 1], 0.0, 0.0);
    ts_world_clear_daily(&w);
    assert_float_equal(flag[2], 0.0f, 0.0f);
    assert_float_equal(wd[2 * 4 + 1], 0.0, 0.0);
    assert_int_equal(since[3], 41);
    ts_world_free(&w);
}

/* A full registry refuses one more column. */
static void test_columns_full(void **state) {
    (void)state;
    ts_world w;
    ts_error err;
    static char names[TS_WORLD_MAX_COLUMNS + 1][16]; /* the registry keeps the pointers */
    for (int k = 0; k <= TS_WORLD_MAX_COLUMNS; k++) {
        snprintf(names[k], sizeof names[k], "c%d", k);
    }
    build(&w, 3, 2);
    uint32_t i;
    for (int k = 0; k < TS_WORLD_MAX_COLUMNS; k++) {
        assert_int_equal(ts_world_column_add(&w, names[k], 1, 0, NULL, &i, &err), TS_OK);
    }
    assert_int_equal(ts_world_column_add(&w, names[TS_WORLD_MAX_COLUMNS], 1, 0, NULL, &i, &err),
                     TS_ERR_INTERNAL);
    ts_world_free(&w);
}

/* Growing an array keeps what it held and zeroes what it gained, for small arrays and for
 * arrays large enough (several 2 MB pages) to be given huge pages; the hint changes no value. */
static void test_grow_array_large(void **state) {
    (void)state;
    const size_t sizes[] = {1000, (size_t)3 << 20};
    for (size_t k = 0; k < 2; k++) {
        uint32_t *a = NULL;
        size_t n0 = sizes[k] / 2, n1 = sizes[k];
        assert_true(ts_world_grow_array((void **)&a, sizeof *a, 0, n0));
        for (size_t i = 0; i < n0; i++) {
            assert_int_equal(a[i], 0);
            a[i] = (uint32_t)(i * 2654435761u);
        }
        assert_true(ts_world_grow_array((void **)&a, sizeof *a, n0, n1));
        for (size_t i = 0; i < n0; i++) {
            assert_int_equal(a[i], (uint32_t)(i * 2654435761u));
        }
        for (size_t i = n0; i < n1; i++) {
            assert_int_equal(a[i], 0);
        }
        free(a);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree_is_balanced),
        cmocka_unit_test(test_reports_list_order_and_removal),
        cmocka_unit_test(test_move_updates_subtree_depths),
        cmocka_unit_test(test_common_manager),
        cmocka_unit_test(test_growth_keeps_content),
        cmocka_unit_test(test_columns),
        cmocka_unit_test(test_columns_full),
        cmocka_unit_test(test_grow_array_large),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
