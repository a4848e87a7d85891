/* Tests of models/shared.c: the per-agent columns several modules share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "shared.h"

#include <stdlib.h>

static void build(ts_world *w) {
    ts_error err;
    assert_int_equal(ts_world_init(w, 3, 16, 0.998, &err), TS_OK);
    assert_int_equal(ts_world_build_tree(w, 9, 3, 0, &err), TS_OK);
}

/* Registering twice (two modules that use them) keeps one set, at the enum's indices, with
 * their starting values: nobody busy, no task, no status shared yet. */
static void test_register_twice(void **state) {
    (void)state;
    ts_world w;
    ts_error err;
    build(&w);
    assert_int_equal(ts_shared_register(&w, &err), TS_OK);
    assert_int_equal(ts_shared_register(&w, &err), TS_OK);
    assert_int_equal(w.n_cols, TS_SHARED_N);
    assert_int_equal(ts_world_column_find(&w, "busy"), TS_SHARED_BUSY);
    assert_int_equal(ts_world_column_find(&w, "task_trial"), TS_SHARED_TASK_TRIAL);
    for (uint32_t a = 0; a < w.n; a++) {
        assert_int_equal(ts_busy(&w)[a], 0);
        assert_int_equal(ts_task_domain(&w)[a], TS_NO_TASK);
        assert_int_equal(ts_status_day(&w)[a], INT32_MIN);
        assert_int_equal(ts_task_start(&w)[a], INT32_MIN);
    }
    /* busy and surface are daily; the task's state is not. */
    ts_busy(&w)[4] = 1;
    ts_surface(&w)[4] = 0.3717f;
    ts_task_boost(&w)[4] = 0.25f;
    ts_world_clear_daily(&w);
    assert_int_equal(ts_busy(&w)[4], 0);
    assert_float_equal(ts_surface(&w)[4], 0.0f, 0.0f);
    assert_float_equal(ts_task_boost(&w)[4], 0.25f, 0.0f);
    ts_world_free(&w);
}

/* A const world gives const entries: what act and measure see cannot be written. */
static void test_const_view(void **state) {
    (void)state;
    ts_world w;
    ts_error err;
    build(&w);
    assert_int_equal(ts_shared_register(&w, &err), TS_OK);
    const ts_world *view = &w;
    int is_const = _Generic(ts_busy(view), const uint8_t * : 1, default : 0);
    int is_mut = _Generic(ts_busy(&w), uint8_t * : 1, default : 0);
    assert_true(is_const);
    assert_true(is_mut);
    ts_world_free(&w);
}

/* A module's own column registered first would shift the indices: refused by name. */
static void test_registered_after_another(void **state) {
    (void)state;
    ts_world w;
    ts_error err;
    build(&w);
    uint32_t i;
    assert_int_equal(ts_world_column_add(&w, "mine", 4, 0, NULL, &i, &err), TS_OK);
    assert_int_equal(ts_shared_register(&w, &err), TS_ERR_INTERNAL);
    ts_world_free(&w);
}

/* A module's rows grow keeping what they held; new rows are zero with no day yet; asking
 * for no more rows changes nothing. */
typedef struct row_t {
    double count;
    int32_t day;
    uint8_t flag;
} row_t;

static void test_rows_grow(void **state) {
    (void)state;
    row_t *rows = NULL;
    uint32_t n = 0;
    ts_error err;
    assert_int_equal(ts_rows_grow((void **)&rows, sizeof *rows, offsetof(row_t, day), &n, 3, &err),
                     TS_OK);
    assert_int_equal(n, 3);
    rows[1] = (row_t){2.5, 7, 1};
    assert_int_equal(ts_rows_grow((void **)&rows, sizeof *rows, offsetof(row_t, day), &n, 2, &err),
                     TS_OK);
    assert_int_equal(n, 3);
    assert_int_equal(ts_rows_grow((void **)&rows, sizeof *rows, offsetof(row_t, day), &n, 9, &err),
                     TS_OK);
    assert_int_equal(n, 9);
    assert_true(rows[1].count == 2.5 && rows[1].day == 7 && rows[1].flag == 1);
    for (uint32_t a = 0; a < 9; a++) {
        if (a != 1) {
            assert_true(rows[a].count == 0.0 && rows[a].flag == 0);
            assert_int_equal(rows[a].day, INT32_MIN);
        }
    }
    free(rows);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_register_twice),
        cmocka_unit_test(test_rows_grow),
        cmocka_unit_test(test_const_view),
        cmocka_unit_test(test_registered_after_another),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
