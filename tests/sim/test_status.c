/* Tests of sim/core/status.c: every status has a message of its own and the exit code the
 * command line promises (2 for bad input, 1 for a failure, 0 for success), and an error
 * object carries a formatted message, cut to its buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "status.h"

/* Each status names itself: non-empty, and no two alike. */
static void test_messages_distinct(void **state) {
    (void)state;
    for (int a = 0; a < TS_STATUS_COUNT; a++) {
        const char *ma = ts_status_message((ts_status)a);
        assert_non_null(ma);
        assert_true(strlen(ma) > 0);
        assert_string_not_equal(ma, "unknown status");
        for (int b = a + 1; b < TS_STATUS_COUNT; b++) {
            assert_string_not_equal(ma, ts_status_message((ts_status)b));
        }
    }
    /* Outside the list: a message and the failure exit code, never an out-of-range read. */
    assert_string_equal(ts_status_message(TS_STATUS_COUNT), "unknown status");
    assert_string_equal(ts_status_message((ts_status)-1), "unknown status");
    assert_int_equal(ts_status_exit_code(TS_STATUS_COUNT), 1);
    assert_int_equal(ts_status_exit_code((ts_status)-1), 1);
}

/* Bad input (usage, scenario, parameter, an output in the way) exits 2; every other
 * failure 1; success 0. */
static void test_exit_codes(void **state) {
    (void)state;
    const ts_status bad_input[] = {TS_ERR_USAGE, TS_ERR_SCENARIO, TS_ERR_PARAM, TS_ERR_EXISTS};
    for (int s = 0; s < TS_STATUS_COUNT; s++) {
        int expected = 1;
        if (s == TS_OK) {
            expected = 0;
        }
        for (size_t k = 0; k < sizeof bad_input / sizeof bad_input[0]; k++) {
            if ((ts_status)s == bad_input[k]) {
                expected = 2;
            }
        }
        assert_int_equal(ts_status_exit_code((ts_status)s), expected);
    }
}

/* ts_error_set formats into the object and returns the status it was given; a message
 * longer than the buffer is cut and stays terminated; a NULL object is allowed. */
static void test_error_set_and_clear(void **state) {
    (void)state;
    ts_error err;
    ts_error_clear(&err);
    assert_int_equal(err.status, TS_OK);
    assert_string_equal(err.msg, "");
    assert_int_equal(ts_error_set(&err, TS_ERR_PARAM, "%s:%d:%d: %s", "a.yaml", 3, 12, "bad"),
                     TS_ERR_PARAM);
    assert_int_equal(err.status, TS_ERR_PARAM);
    assert_string_equal(err.msg, "a.yaml:3:12: bad");
    char longer[3 * sizeof err.msg];
    memset(longer, 'x', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    assert_int_equal(ts_error_set(&err, TS_ERR_IO, "%s", longer), TS_ERR_IO);
    assert_int_equal(strlen(err.msg), sizeof err.msg - 1);
    assert_int_equal(ts_error_set(NULL, TS_ERR_NOMEM, "nowhere %d", 1), TS_ERR_NOMEM);
    ts_error_clear(&err);
    assert_int_equal(err.status, TS_OK);
    assert_string_equal(err.msg, "");
    ts_error_clear(NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_messages_distinct),
        cmocka_unit_test(test_exit_codes),
        cmocka_unit_test(test_error_set_and_clear),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
