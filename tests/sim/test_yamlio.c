/* Tests of sim/scenario/yamlio.c, the YAML helpers of the scenario loader: the node tree
 * parsed with libyaml (positions, scalars, errors with their line, column and key path,
 * anchors, aliases, tags and deep nesting refused), the number syntax of plain scalars,
 * shortest round-trip reals, quoting and escaping of strings, descriptions of nodes for
 * messages, and reading a YAML file whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "yamlio.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_yaml_helpers(void **state) {
    (void)state;
    char buf[64];
    assert_int_equal(ts_yaml_number_syntax("12"), TS_YNUM_INT);
    assert_int_equal(ts_yaml_number_syntax("-0.5e+3"), TS_YNUM_DECIMAL);
    assert_int_equal(ts_yaml_number_syntax(".5"), TS_YNUM_DECIMAL);
    assert_int_equal(ts_yaml_number_syntax("5."), TS_YNUM_DECIMAL);
    assert_int_equal(ts_yaml_number_syntax("1e"), TS_YNUM_NONE);
    assert_int_equal(ts_yaml_number_syntax("."), TS_YNUM_NONE);
    assert_int_equal(ts_yaml_number_syntax("1_000"), TS_YNUM_NONE);
    assert_int_equal(ts_yaml_number_syntax("+.INF"), TS_YNUM_NONFINITE);
    assert_int_equal(ts_yaml_number_syntax("Infinity"), TS_YNUM_NONFINITE);
    ts_yaml_format_real(0.1, buf, sizeof buf);
    assert_string_equal(buf, "0.1");
    ts_yaml_format_real(1.0 / 3.0, buf, sizeof buf);
    assert_string_equal(buf, "0.33333333333333331");
    ts_yaml_format_real(2e10, buf, sizeof buf);
    assert_string_equal(buf, "20000000000");
    assert_int_equal(ts_yaml_needs_quotes("design"), 0);
    assert_int_equal(ts_yaml_needs_quotes("results/a.h5"), 0);
    assert_int_equal(ts_yaml_needs_quotes("No"), 1);
    assert_int_equal(ts_yaml_needs_quotes("a: b"), 1);
    assert_int_equal(ts_yaml_needs_quotes("3d"), 1);
    assert_int_equal(ts_yaml_needs_quotes(""), 1);
    assert_int_equal(ts_yaml_needs_quotes("trailing "), 1);
    char *t = ts_yaml_string_text("say \"hi\"\n");
    assert_string_equal(t, "\"say \\\"hi\\\"\\n\"");
    free(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_yaml_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
