/* Tests of sim/app/validate_yaml.c: typed values of the patterns file with their messages
 * (FILE:LINE:COL: key.path), a subtree written back as YAML that reads back as the same
 * tree (plain and quoted scalars, escapes, empty and nested collections), one mapping
 * isolated from its file with every position kept (flow and block style, multi-byte
 * characters before it on its line, CR LF line ends), and key paths found in a tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate_internal.h"

static ts_ynode *parse(const char *text) {
    ts_ynode *root = NULL;
    ts_yerror yerr;
    ts_status st = ts_yaml_parse(text, strlen(text), &root, &yerr);
    if (st != TS_OK) {
        fail_msg("parse: %d:%d: %s", yerr.line, yerr.col, yerr.msg);
    }
    assert_non_null(root);
    return root;
}

/* Same kinds, texts, plainness and children. */
static int same_tree(const ts_ynode *a, const ts_ynode *b) {
    if (a->kind != b->kind || a->n != b->n) {
        return 0;
    }
    if (a->kind == TS_Y_SCALAR) {
        return a->len == b->len && memcmp(a->text, b->text, a->len) == 0 && a->plain == b->plain;
    }
    for (size_t i = 0; i < a->n; i++) {
        if (!same_tree(a->kids[i], b->kids[i])) {
            return 0;
        }
    }
    return 1;
}

static void test_typed_values(void **state) {
    (void)state;
    ts_error err;
    ts_vyctx c = {"p.yaml", &err};
    ts_ynode *m = parse("a: 0.3717\nb: -42\nc: [3, -1]\nd: text\ne: [x, y]\nf: ratio\ng: 1e999\n");
    double x = 0;
    long n = 0, w[2];
    const char *s = NULL, *pair[2];
    int k = -1;
    static const char *const kinds[] = {"difference", "ratio", NULL};
    assert_int_equal(ts_vyaml_number(&c, m, "p", "a", 1, &x), TS_OK);
    assert_float_equal(x, 0.3717, 0.0);
    assert_int_equal(ts_vyaml_int(&c, m, "p", "b", -100, 100, 1, &n), TS_OK);
    assert_int_equal(n, -42);
    assert_int_equal(ts_vyaml_int_pair(&c, m, "p", "c", 1, w), TS_OK);
    assert_true(w[0] == 3 && w[1] == -1);
    assert_int_equal(ts_vyaml_string(&c, m, "p", "d", 1, &s), TS_OK);
    assert_string_equal(s, "text");
    assert_int_equal(ts_vyaml_name_pair(&c, m, "p", "e", pair), TS_OK);
    assert_string_equal(pair[1], "y");
    assert_int_equal(ts_vyaml_choice(&c, m, "p", "f", kinds, 1, &k), TS_OK);
    assert_int_equal(k, 1);
    /* Absent and optional: left as it was. */
    x = 0.25;
    assert_int_equal(ts_vyaml_number(&c, m, "p", "zz", 0, &x), TS_OK);
    assert_float_equal(x, 0.25, 0.0);
    /* Errors name the place and the key path. */
    assert_int_equal(ts_vyaml_number(&c, m, "p", "zz", 1, &x), TS_ERR_SCENARIO);
    assert_string_equal(err.msg, "p.yaml:1:1: p.zz: missing (expected a number)");
    assert_int_equal(ts_vyaml_number(&c, m, "p", "d", 1, &x), TS_ERR_SCENARIO);
    assert_string_equal(err.msg,
                        "p.yaml:4:4: p.d: not a number (got \"text\", expected a finite number)");
    assert_int_equal(ts_vyaml_number(&c, m, "p", "g", 1, &x), TS_ERR_SCENARIO);
    assert_string_equal(err.msg, "p.yaml:7:4: p.g: out of range (got 1e999, expected a finite "
                                 "number)");
    assert_int_equal(ts_vyaml_int(&c, m, "p", "b", 0, 10, 1, &n), TS_ERR_SCENARIO);
    assert_string_equal(err.msg,
                        "p.yaml:2:4: p.b: out of range (got -42, expected an integer in [0, 10])");
    assert_int_equal(ts_vyaml_int(&c, m, "p", "a", 0, 10, 1, &n), TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "p.a: not an integer (got 0.3717"));
    assert_int_equal(ts_vyaml_string(&c, m, "p", "c", 1, &s), TS_ERR_SCENARIO);
    assert_string_equal(err.msg, "p.yaml:3:4: p.c: not a text (got a list, expected one line of "
                                 "text)");
    assert_int_equal(ts_vyaml_choice(&c, m, "p", "d", kinds, 1, &k), TS_ERR_SCENARIO);
    assert_string_equal(err.msg, "p.yaml:4:4: p.d: unknown value (got \"text\", expected one of "
                                 "difference, ratio)");
    assert_int_equal(ts_vyaml_int_pair(&c, m, "p", "e", 1, w), TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "p.yaml:5:5: p.e[0]: not an integer (got \"x\""));
    assert_int_equal(ts_vyaml_name_pair(&c, m, "p", "c", pair), TS_OK); /* numbers are names */
    assert_int_equal(ts_vyaml_name_pair(&c, m, "p", "d", pair), TS_ERR_SCENARIO);
    assert_non_null(strstr(err.msg, "p.d: not a pair of names"));
    ts_yaml_free(m);
}

static void test_keys(void **state) {
    (void)state;
    ts_error err;
    ts_vyctx c = {"k.yaml", &err};
    static const char *const allowed[] = {"min", "max", NULL};
    ts_ynode *m = parse("t: {min: 1, max: 2}\nu: {min: 1, mni: 2}\nv: {min: 1, min: 2}\nw: 3\n");
    assert_int_equal(ts_vyaml_keys(&c, ts_vyaml_get(m, "t"), "t", allowed), TS_OK);
    assert_int_equal(ts_vyaml_keys(&c, ts_vyaml_get(m, "u"), "u", allowed), TS_ERR_SCENARIO);
    assert_string_equal(err.msg, "k.yaml:2:13: u.mni: unknown key (expected one of: min, max)");
    assert_int_equal(ts_vyaml_keys(&c, ts_vyaml_get(m, "v"), "v", allowed), TS_ERR_SCENARIO);
    assert_string_equal(err.msg, "k.yaml:3:13: v.min: duplicate key (first at line 3)");
    assert_int_equal(ts_vyaml_keys(&c, ts_vyaml_get(m, "w"), "w", allowed), TS_ERR_SCENARIO);
    assert_string_equal(err.msg, "k.yaml:4:4: w: not a mapping (got 3)");
    ts_yaml_free(m);
}

static void test_emit_round_trip(void **state) {
    (void)state;
    const char *texts[] = {
        "- {name: growth, hiring.growth: exponential}\n- name: steady\n  culture: {blame: 0.05}\n",
        "a: \"quoted: with \\\"escapes\\\"\\n and\\ttabs\"\nb: 'single'\nc: plain text, with "
        "comma\nd:\ne: {}\nf: []\ng: [1, [2, 3], {x: y}]\nh: \"0.5\"\ni: true\n",
        "[]",
        "{}",
        "\"\\u00e9t\\u00e9 \\x01 \\u2028\"",
        "just a scalar",
        "- - nested\n  - list\n- ~\n-\n"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        ts_ynode *a = parse(texts[i]);
        char *out = ts_vyaml_emit(a);
        assert_non_null(out);
        ts_ynode *b = parse(out);
        if (!same_tree(a, b)) {
            fail_msg("emit of %s gave %s", texts[i], out);
        }
        ts_yaml_free(b);
        free(out);
        ts_yaml_free(a);
    }
    /* Block style: a value that was flow comes back in block style. */
    ts_ynode *a = parse("{name: a, org: {headcount: 40}}");
    char *out = ts_vyaml_emit(a);
    assert_string_equal(out, "name: a\norg:\n  headcount: 40\n");
    free(out);
    ts_yaml_free(a);
}

/* Isolates the mapping at key path `path` of text and checks that the result parses as
 * the same tree at the same positions, and is as long in lines. */
static void check_isolate(const char *text, const char *key, int line, int col) {
    ts_ynode *root = parse(text);
    const ts_ynode *node = root;
    for (const char *k = key; *k;) {
        size_t n = strcspn(k, ".");
        char part[64];
        snprintf(part, sizeof part, "%.*s", (int)n, k);
        node = part[0] == '0' && node->kind == TS_Y_SEQ ? node->kids[0] : ts_vyaml_get(node, part);
        assert_non_null(node);
        k += n + (k[n] == '.');
    }
    assert_int_equal(node->line, line);
    assert_int_equal(node->col, col);
    char *iso = ts_vyaml_isolate(text, strlen(text), node);
    assert_non_null(iso);
    ts_ynode *alone = parse(iso);
    if (!same_tree(node, alone) || alone->line != line || alone->col != col) {
        fail_msg("isolated %s at %d:%d: %s", key, alone->line, alone->col, iso);
    }
    /* Nothing but the mapping is left. */
    for (size_t i = 0; iso[i]; i++) {
        assert_true(iso[i] != '#' || strstr(text, "# inside") != NULL);
    }
    ts_yaml_free(alone);
    free(iso);
    ts_yaml_free(root);
}

static void test_isolate(void **state) {
    (void)state;
    /* Block mapping followed by a key at the outer level. */
    check_isolate("patterns:\n  - id: P1\n    scenario:\n      days: 30\n      org: {headcount: "
                  "20}\n    checks: []\n",
                  "patterns.0.scenario", 4, 7);
    /* Flow mapping after multi-byte characters on its line, inside flow collections. */
    check_isolate("x: [{tïtlé: \"é\", scenario: {days: 3, tactics: {feedback: {}}}}]\n",
                  "x.0.scenario", 1, 28);
    /* CR LF line ends and a comment inside the mapping. */
    check_isolate("p:\r\n  s:\r\n    a: 1 # inside\r\n    b: [1, 2]\r\n  t: 2\r\n", "p.s", 3, 5);
    /* The last mapping of the file, without a final line break. */
    check_isolate("a: 1\nb:\n  c: {d: é}\n  e: 5", "b", 3, 3);
    /* A node that is not a mapping cannot be isolated. */
    ts_ynode *root = parse("a: [1, 2]\n");
    assert_null(ts_vyaml_isolate("a: [1, 2]\n", 10, ts_vyaml_get(root, "a")));
    ts_yaml_free(root);
}

static void test_locate(void **state) {
    (void)state;
    ts_ynode *m = parse("name: b\norg.warmup_days: 3\norg:\n  headcount: 20\n  span: 7\n"
                        "list: [{k: 1}, {k: 2}]\n");
    const ts_ynode *n = ts_vyaml_locate(m, "org.warmup_days");
    assert_true(n->line == 2 && n->col == 1);
    n = ts_vyaml_locate(m, "org.span");
    assert_true(n->line == 5 && n->col == 3);
    n = ts_vyaml_locate(m, "list[1].k");
    assert_true(n->line == 6 && n->col == 17);
    /* As deep as the path goes: the key "org" when its value lacks the rest. */
    n = ts_vyaml_locate(m, "org.spam");
    assert_true(n->line == 3 && n->col == 1);
    assert_ptr_equal(ts_vyaml_locate(m, "nothing"), m);
    ts_yaml_free(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_typed_values),    cmocka_unit_test(test_keys),
        cmocka_unit_test(test_emit_round_trip), cmocka_unit_test(test_isolate),
        cmocka_unit_test(test_locate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
