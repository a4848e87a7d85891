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

#include "scenario_fixture.h"
#include "test_support.h"
#include "yamlio.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Parsing text fails as bad input at line:col with exactly `msg`, the open key path `path`. */
static void expect_parse_error(const char *text, size_t len, int line, int col, const char *msg,
                               const char *path) {
    ts_ynode *root = NULL;
    ts_yerror yerr;
    assert_int_equal(ts_yaml_parse(text, len, &root, &yerr), TS_ERR_SCENARIO);
    assert_null(root);
    assert_string_equal(yerr.msg, msg);
    assert_string_equal(yerr.path, path);
    assert_int_equal(yerr.line, line);
    assert_int_equal(yerr.col, col);
}

/* The tree keeps mappings as alternate keys and values in the order written, with the
 * 1-based position of each node's first character (a quoted scalar's at its quote). */
static void test_parse_tree_and_positions(void **state) {
    (void)state;
    ts_ynode *root = tst_sc_parse("a: [1, 'x']\nb:\n  c: ~\nd: \"p\\0q\"\n");
    assert_int_equal(root->kind, TS_Y_MAP);
    assert_int_equal(root->n, 6);
    const ts_ynode *a = root->kids[0];
    const ts_ynode *list = root->kids[1];
    assert_int_equal(a->kind, TS_Y_SCALAR);
    assert_string_equal(a->text, "a");
    assert_int_equal(a->line, 1);
    assert_int_equal(a->col, 1);
    assert_int_equal(list->kind, TS_Y_SEQ);
    assert_int_equal(list->n, 2);
    assert_int_equal(list->col, 4);
    assert_string_equal(list->kids[0]->text, "1");
    assert_int_equal(list->kids[0]->plain, 1);
    assert_int_equal(list->kids[0]->col, 5);
    assert_string_equal(list->kids[1]->text, "x");
    assert_int_equal(list->kids[1]->plain, 0);
    assert_int_equal(list->kids[1]->col, 8);
    const ts_ynode *b = root->kids[3];
    assert_int_equal(b->kind, TS_Y_MAP);
    assert_int_equal(b->line, 3);
    assert_int_equal(b->col, 3);
    assert_int_equal(b->n, 2);
    assert_int_equal(ts_yaml_is_null(b->kids[1]), 1);
    /* A scalar may hold a NUL: its length says where it ends. */
    const ts_ynode *d = root->kids[5];
    assert_int_equal(d->len, 3);
    assert_int_equal(d->text[1], '\0');
    assert_int_equal(d->text[2], 'q');
    ts_yaml_free(root);
    ts_yaml_free(NULL);
}

static void test_parse_empty_documents(void **state) {
    (void)state;
    ts_ynode *root = tst_sc_parse("");
    assert_null(root);
    root = tst_sc_parse("# only a comment\n\n");
    assert_null(root);
    /* An explicit empty document is one null scalar. */
    root = tst_sc_parse("---\n...\n");
    assert_non_null(root);
    assert_int_equal(ts_yaml_is_null(root), 1);
    ts_yaml_free(root);
}

static void test_is_null(void **state) {
    (void)state;
    char empty[] = "";
    char tilde[] = "~";
    char word[] = "null";
    char title[] = "Null";
    char upper[] = "NULL";
    char odd[] = "nULL";
    ts_ynode plain = {.kind = TS_Y_SCALAR, .plain = 1};
    assert_int_equal(ts_yaml_is_null(NULL), 1);
    plain.text = empty;
    plain.len = 0;
    assert_int_equal(ts_yaml_is_null(&plain), 1);
    char *nulls[] = {tilde, word, title, upper};
    for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++) {
        plain.text = nulls[i];
        plain.len = strlen(nulls[i]);
        assert_int_equal(ts_yaml_is_null(&plain), 1);
    }
    plain.text = odd;
    plain.len = 4;
    assert_int_equal(ts_yaml_is_null(&plain), 0);
    /* Quoted, "null" is a string; a mapping is never null. */
    ts_ynode quoted = {.kind = TS_Y_SCALAR, .plain = 0, .text = word, .len = 4};
    assert_int_equal(ts_yaml_is_null(&quoted), 0);
    ts_ynode map = {.kind = TS_Y_MAP, .plain = 0};
    assert_int_equal(ts_yaml_is_null(&map), 0);
}

/* Errors name the position and the key path of the mapping or list being read. */
static void test_parse_errors_are_located(void **state) {
    (void)state;
    static const char unclosed[] = "a: [1, 2\n";
    expect_parse_error(unclosed, strlen(unclosed), 2, 1,
                       "syntax error: did not find expected ',' or ']' (while parsing a flow "
                       "sequence)",
                       "a");
    static const char anchor[] = "x:\n  - {y: &k 1}\n";
    expect_parse_error(anchor, strlen(anchor), 2, 9, "anchors are not supported (got &k)",
                       "x[0].y");
    static const char alias[] = "a: 1\nb: *z\n";
    expect_parse_error(alias, strlen(alias), 2, 4, "aliases are not supported (got *z)", "b");
    static const char tag[] = "a: !foo 1\n";
    expect_parse_error(tag, strlen(tag), 1, 4, "tags are not supported (got !foo)", "a");
    static const char two_docs[] = "a: 1\n---\nb: 2\n";
    expect_parse_error(two_docs, strlen(two_docs), 2, 1,
                       "more than one document (expected a single YAML document) (got \"---\")",
                       "");
    /* Reader errors give a byte offset, turned into line and column here. */
    static const char bad_byte[] = "a: b\nc: \xff\n";
    expect_parse_error(bad_byte, strlen(bad_byte), 2, 4,
                       "invalid text: invalid leading UTF-8 octet (got byte 0xFF)", "");
    static const char nonchar[] = "a: \xef\xbf\xbe\n";
    expect_parse_error(nonchar, strlen(nonchar), 1, 4,
                       "invalid text: control characters are not allowed (got character U+FFFE)",
                       "");
}

/* 32 levels of nesting are read; the 33rd is refused where it opens, and the path names
 * only the start of the nesting (cut with "..." once past 48 characters). */
static void test_parse_depth_limit(void **state) {
    (void)state;
    char text[2 * TS_YAML_MAX_DEPTH + 4];
    memset(text, '[', TS_YAML_MAX_DEPTH);
    memset(text + TS_YAML_MAX_DEPTH, ']', TS_YAML_MAX_DEPTH);
    text[2 * TS_YAML_MAX_DEPTH] = '\0';
    ts_ynode *root = tst_sc_parse(text);
    const ts_ynode *inner = root;
    for (int d = 1; d < TS_YAML_MAX_DEPTH; d++) {
        assert_int_equal(inner->n, 1);
        inner = inner->kids[0];
    }
    assert_int_equal(inner->kind, TS_Y_SEQ);
    assert_int_equal(inner->n, 0);
    ts_yaml_free(root);

    memset(text, '[', TS_YAML_MAX_DEPTH + 1);
    memset(text + TS_YAML_MAX_DEPTH + 1, ']', TS_YAML_MAX_DEPTH + 1);
    /* 17 times "[0]" is 51 characters, the first past 48. */
    expect_parse_error(text, 2 * TS_YAML_MAX_DEPTH + 2, 1, TS_YAML_MAX_DEPTH + 1,
                       "nesting too deep (got more than 32 levels, expected at most 32)",
                       "[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]...");
}

static void test_number_syntax_edges(void **state) {
    (void)state;
    assert_int_equal(ts_yaml_number_syntax("+5"), TS_YNUM_INT);
    assert_int_equal(ts_yaml_number_syntax("-007"), TS_YNUM_INT);
    assert_int_equal(ts_yaml_number_syntax("1e+5"), TS_YNUM_DECIMAL);
    assert_int_equal(ts_yaml_number_syntax("2E-3"), TS_YNUM_DECIMAL);
    assert_int_equal(ts_yaml_number_syntax("-"), TS_YNUM_NONE);
    assert_int_equal(ts_yaml_number_syntax(""), TS_YNUM_NONE);
    assert_int_equal(ts_yaml_number_syntax("1.2.3"), TS_YNUM_NONE);
    assert_int_equal(ts_yaml_number_syntax("1e5x"), TS_YNUM_NONE);
    assert_int_equal(ts_yaml_number_syntax("0x10"), TS_YNUM_NONE);
    assert_int_equal(ts_yaml_number_syntax(" 1"), TS_YNUM_NONE);
    assert_int_equal(ts_yaml_number_syntax("-inf"), TS_YNUM_NONFINITE);
    assert_int_equal(ts_yaml_number_syntax("NaN"), TS_YNUM_NONFINITE);
    assert_int_equal(ts_yaml_number_syntax("-.Inf"), TS_YNUM_NONFINITE);
    assert_int_equal(ts_yaml_number_syntax("infinit"), TS_YNUM_NONE);
}

/* The 15-digit form when it reads back exactly, else the 17-digit one. */
static void test_format_real_shortest_exact(void **state) {
    (void)state;
    char buf[40];
    ts_yaml_format_real(0.1 + 0.2, buf, sizeof buf);
    assert_string_equal(buf, "0.30000000000000004");
    ts_yaml_format_real(1e-7, buf, sizeof buf);
    assert_string_equal(buf, "1e-07");
    ts_yaml_format_real(-0.0, buf, sizeof buf);
    assert_string_equal(buf, "-0");
    ts_yaml_format_real(1e21, buf, sizeof buf);
    assert_string_equal(buf, "1e+21");
    ts_yaml_format_real(123456789012345678.0, buf, sizeof buf);
    assert_string_equal(buf, "1.2345678901234568e+17");
    assert_true(strtod(buf, NULL) == 123456789012345678.0);
}

static void test_quoting_and_escapes(void **state) {
    (void)state;
    static const struct {
        const char *s;
        int quoted;
    } words[] = {
        {"/abs/path", 0}, {"_x", 0},  {"two words", 0}, {"x-1.2", 0},
        {"Yes", 1},       {"INF", 1}, {"-x", 1},        {"a#b", 1},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        assert_int_equal(ts_yaml_needs_quotes(words[i].s), words[i].quoted);
    }
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"design", "design"},
        {"a\tb", "\"a\\tb\""},
        {"del\x7f", "\"del\\x7F\""},
        {"bell\x07", "\"bell\\x07\""},
        {"x\xc2\x85y", "\"x\\Ny\""},        /* U+0085 NEXT LINE */
        {"\xe2\x80\xa8", "\"\\L\""},        /* U+2028 LINE SEPARATOR */
        {"\xe2\x80\xa9", "\"\\P\""},        /* U+2029 PARAGRAPH SEPARATOR */
        {"caf\xc3\xa9", "\"caf\xc3\xa9\""}, /* other UTF-8 as it is */
        {"back\\slash", "\"back\\\\slash\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *t = ts_yaml_string_text(cases[i].in);
        assert_non_null(t);
        assert_string_equal(t, cases[i].out);
        /* What is written reads back as the same string. */
        ts_ynode *root = tst_sc_parse(t);
        assert_string_equal(root->text, cases[i].in);
        ts_yaml_free(root);
        free(t);
    }
}

/* Numbers as written, other scalars quoted with escapes and cut after 48 bytes (never
 * inside a UTF-8 sequence), and the other kinds by name. */
static void test_describe_nodes(void **state) {
    (void)state;
    static const char *const shown[] = {"12",         "1e3",       "\"abc\"", "\"12\"",
                                        "nothing",    "a mapping", "a list",  "\"a\\\"b\\\\c\"",
                                        "\"t\\x09q\""};
    char buf[160];
    ts_ynode *root = tst_sc_parse("[12, 1e3, abc, '12', ~, {a: 1}, [1], 'a\"b\\c', \"t\\tq\"]");
    assert_int_equal(root->n, sizeof shown / sizeof shown[0]);
    for (size_t i = 0; i < root->n; i++) {
        ts_yaml_describe(root->kids[i], buf, sizeof buf);
        assert_string_equal(buf, shown[i]);
    }
    ts_yaml_free(root);
    ts_yaml_describe(NULL, buf, sizeof buf);
    assert_string_equal(buf, "nothing");

    char text[80];
    char want[80];
    char long_x[61];
    memset(long_x, 'x', 60);
    long_x[60] = '\0';
    ts_ynode node = {.kind = TS_Y_SCALAR, .plain = 1, .text = long_x, .len = 60};
    ts_yaml_describe(&node, buf, sizeof buf);
    snprintf(want, sizeof want, "\"%.48s...\"", long_x);
    assert_string_equal(buf, want);
    /* 47 letters and a two-byte é: byte 48 is inside it, so the cut comes after it. */
    memset(text, 'a', 47);
    memcpy(text + 47,
           "\xc3\xa9"
           "bc",
           5);
    node.text = text;
    node.len = 51;
    text[51] = '\0';
    ts_yaml_describe(&node, buf, sizeof buf);
    snprintf(want, sizeof want, "\"%.49s...\"", text);
    assert_string_equal(buf, want);
    /* A small buffer holds what fits and stays terminated. */
    node.text = long_x;
    ts_yaml_describe(&node, buf, 12);
    assert_string_equal(buf, "\"xxx");
}

static void test_read_file(void **state) {
    (void)state;
    char path[1024];
    char expected[1200];
    char *text = NULL;
    size_t len = 0;
    ts_error err = {0};
    snprintf(path, sizeof path, "%s/yamlio_read.yaml", TS_TEST_TMPDIR);
    tst_write_file(path, "a: 1\nb: [x]\n");
    assert_int_equal(ts_yaml_read_file(path, "the test file", &text, &len, &err), TS_OK);
    assert_string_equal(text, "a: 1\nb: [x]\n");
    assert_int_equal(len, 12);
    free(text);

    /* NUL bytes (here the zeros a longer size adds). */
    assert_int_equal(truncate(path, 20), 0);
    assert_int_equal(ts_yaml_read_file(path, "the test file", &text, &len, &err), TS_ERR_SCENARIO);
    assert_null(text);
    snprintf(expected, sizeof expected,
             "%s: cannot read the test file (it changed while read, or holds NUL bytes)", path);
    assert_string_equal(err.msg, expected);

    /* One byte over the limit. */
    assert_int_equal(truncate(path, (off_t)TS_YAML_MAX_BYTES + 1), 0);
    assert_int_equal(ts_yaml_read_file(path, "the test file", &text, &len, &err), TS_ERR_SCENARIO);
    snprintf(expected, sizeof expected,
             "%s: too large (got 4194305 bytes, expected at most 4194304)", path);
    assert_string_equal(err.msg, expected);
    unlink(path);

    assert_int_equal(ts_yaml_read_file(path, "the test file", &text, &len, &err), TS_ERR_SCENARIO);
    snprintf(expected, sizeof expected, "%s: cannot read the test file: No such file or directory",
             path);
    assert_string_equal(err.msg, expected);
    assert_int_equal(ts_yaml_read_file(TS_TEST_TMPDIR, "the test file", &text, &len, &err),
                     TS_ERR_SCENARIO);
    assert_string_equal(err.msg, TS_TEST_TMPDIR ": cannot read the test file: not a regular file");
    assert_int_equal(len, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_yaml_helpers),
        cmocka_unit_test(test_parse_tree_and_positions),
        cmocka_unit_test(test_parse_empty_documents),
        cmocka_unit_test(test_is_null),
        cmocka_unit_test(test_parse_errors_are_located),
        cmocka_unit_test(test_parse_depth_limit),
        cmocka_unit_test(test_number_syntax_edges),
        cmocka_unit_test(test_format_real_shortest_exact),
        cmocka_unit_test(test_quoting_and_escapes),
        cmocka_unit_test(test_describe_nodes),
        cmocka_unit_test(test_read_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
