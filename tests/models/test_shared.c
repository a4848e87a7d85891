/* Tests of models/shared.c: the per-agent columns several modules share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "shared.h"

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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_register_twice),
        cmocka_unit_test(test_const_view),
        cmocka_unit_test(test_registered_after_another),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
