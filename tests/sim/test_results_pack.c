/* Tests of sim/h5/results_pack.c: a run's results packed and unpacked are the same to the
 * bit, field by field; a damaged or cut-short buffer is refused, never read past. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alloc_fail.h"
#include "results_pack.h"

/* A result with every kind of content, values that no bug reproduces. */
static void build(ts_result *r) {
    ts_result_init(r);
    r->run_index = 17;
    r->grid_point = 5;
    r->replicate = 2;
    r->seed = 0x0123456789abcdefull;
    r->wall_seconds = 1.25;
    r->threads = 3;
    for (int m = 0; m < 3; m++) {
        static const char *names[] = {"alpha", "beta", "gamma"};
        double *v = ts_result_add_series(r, names[m], "units", "a series", 50 + (size_t)m);
        assert_non_null(v);
        for (int i = 0; i < 50 + m; i++) {
            v[i] = 0.001 * i * (m + 1) - 0.5;
        }
    }
    assert_int_equal(ts_result_add_scalar(r, "s1", "u", "first", 3.5), TS_OK);
    assert_int_equal(ts_result_add_scalar(r, "s2", "", "", -0.0), TS_OK);
    uint32_t *ids = ts_table_add_column(&r->agents, "id", "agent id", "ids", TS_COL_U32, 40, 1);
    float *pair = ts_table_add_column(&r->agents, "pair", "", "two a row", TS_COL_F32, 40, 2);
    assert_non_null(ids);
    assert_non_null(pair);
    for (uint32_t i = 0; i < 40; i++) {
        ids[i] = i * 7u;
        pair[2 * i] = (float)i / 3.0f;
        pair[2 * i + 1] = -(float)i;
    }
    for (int k = 0; k < 2; k++) {
        ts_snapshot *s = ts_result_add_snapshot(r, 10 * (k + 1));
        assert_non_null(s);
        int32_t *from = ts_table_add_column(&s->edges, "from", "", "", TS_COL_I32, 5, 1);
        double *w = ts_table_add_column(&s->edges, "w", "", "", TS_COL_F64, 5, 1);
        assert_non_null(from);
        assert_non_null(w);
        for (int i = 0; i < 5; i++) {
            from[i] = -i;
            w[i] = 0.1 * i + k;
        }
        assert_int_equal(ts_snapshot_set_teams(s, 3), TS_OK);
        for (size_t i = 0; i < 9; i++) {
            s->team_trust[i] = 0.05f * (float)i;
        }
        for (size_t i = 0; i < 3; i++) {
            s->team_ids[i] = 100u + (uint32_t)i;
        }
    }
    assert_non_null(ts_table_add_column(&r->teams, "manager", "agent id", "", TS_COL_U32, 0, 1));
}

static void same_table(const ts_table *a, const ts_table *b) {
    assert_int_equal(a->n_cols, b->n_cols);
    for (size_t i = 0; i < a->n_cols; i++) {
        const ts_column *x = &a->cols[i], *y = &b->cols[i];
        assert_string_equal(x->name, y->name);
        assert_string_equal(x->units, y->units);
        assert_string_equal(x->description, y->description);
        assert_int_equal(x->type, y->type);
        assert_int_equal(x->n, y->n);
        assert_int_equal(x->width, y->width);
        size_t bytes = x->n * x->width * ts_coltype_size(x->type);
        if (bytes) {
            assert_memory_equal(x->data, y->data, bytes);
        }
    }
}

static void test_round_trip(void **state) {
    (void)state;
    ts_result a, b;
    ts_error err;
    unsigned char *buf = NULL;
    size_t len = 0;
    build(&a);
    assert_int_equal(ts_result_pack(&a, &buf, &len, &err), TS_OK);
    assert_int_equal(ts_result_unpack(buf, len, &b, &err), TS_OK);
    assert_int_equal(b.run_index, 17);
    assert_int_equal(b.grid_point, 5);
    assert_int_equal(b.replicate, 2);
    assert_true(b.seed == a.seed);
    assert_memory_equal(&b.wall_seconds, &a.wall_seconds, sizeof a.wall_seconds);
    assert_int_equal(b.threads, 3);
    assert_int_equal(b.n_metrics, a.n_metrics);
    for (size_t i = 0; i < a.n_metrics; i++) {
        assert_string_equal(b.metrics[i].name, a.metrics[i].name);
        assert_string_equal(b.metrics[i].units, a.metrics[i].units);
        assert_string_equal(b.metrics[i].description, a.metrics[i].description);
        assert_int_equal(b.metrics[i].n, a.metrics[i].n);
        assert_memory_equal(b.metrics[i].values, a.metrics[i].values,
                            a.metrics[i].n * sizeof(double));
    }
    assert_int_equal(b.n_summary, 2);
    for (size_t i = 0; i < a.n_summary; i++) {
        assert_string_equal(b.summary[i].name, a.summary[i].name);
        assert_memory_equal(&b.summary[i].value, &a.summary[i].value, sizeof(double));
    }
    same_table(&a.agents, &b.agents);
    same_table(&a.incidents, &b.incidents);
    same_table(&a.teams, &b.teams);
    assert_int_equal(b.n_snapshots, 2);
    for (size_t i = 0; i < a.n_snapshots; i++) {
        assert_int_equal(b.snapshots[i].day, a.snapshots[i].day);
        same_table(&a.snapshots[i].edges, &b.snapshots[i].edges);
        assert_int_equal(b.snapshots[i].k, 3);
        assert_memory_equal(b.snapshots[i].team_trust, a.snapshots[i].team_trust,
                            9 * sizeof(float));
        assert_memory_equal(b.snapshots[i].team_ids, a.snapshots[i].team_ids, 3 * sizeof(uint32_t));
    }
    /* Names point into the buffer, values are the result's own. */
    assert_true((const unsigned char *)b.metrics[0].name >= buf &&
                (const unsigned char *)b.metrics[0].name < buf + len);
    assert_false((unsigned char *)b.metrics[0].values >= buf &&
                 (unsigned char *)b.metrics[0].values < buf + len);
    ts_result_free(&b);
    free(buf);
    ts_result_free(&a);
}

/* Every cut-short buffer, a wrong header and bytes left over are refused with a message,
 * and the result left empty (the sanitizers check nothing is read past or leaked). */
static void test_damaged(void **state) {
    (void)state;
    ts_result a, b;
    ts_error err;
    unsigned char *buf = NULL;
    size_t len = 0;
    build(&a);
    assert_int_equal(ts_result_pack(&a, &buf, &len, &err), TS_OK);
    for (size_t cut = 0; cut < len; cut += 1 + cut / 16) {
        assert_int_equal(ts_result_unpack(buf, cut, &b, &err), TS_ERR_INTERNAL);
        assert_non_null(strstr(err.msg, "damaged"));
        assert_int_equal(b.n_metrics, 0);
        assert_int_equal(b.agents.n_cols, 0);
    }
    unsigned char *longer = malloc(len + 1);
    assert_non_null(longer);
    memcpy(longer, buf, len);
    longer[len] = 0;
    assert_int_equal(ts_result_unpack(longer, len + 1, &b, &err), TS_ERR_INTERNAL);
    assert_non_null(strstr(err.msg, "left over"));
    longer[0] = 'X';
    assert_int_equal(ts_result_unpack(longer, len, &b, &err), TS_ERR_INTERNAL);
    assert_non_null(strstr(err.msg, "header"));
    /* A huge count (the first metric's length) is refused, not allocated. */
    memcpy(longer, buf, len);
    uint64_t huge = UINT64_MAX / 2;
    size_t at = 4 + 12 + 8 + 8 + 8 + 8; /* magic, indices, seed, wall, threads, n_metrics */
    memcpy(longer + at, &huge, sizeof huge);
    assert_int_equal(ts_result_unpack(longer, len, &b, &err), TS_ERR_INTERNAL);
    free(longer);
    free(buf);
    ts_result_free(&a);
}

/* What a rank and rank 0 do with a run (ctx): pack it, unpack it. */
static int pack_failing(void *ctx) {
    const ts_result *r = ctx;
    unsigned char *buf = NULL;
    size_t len = 0;
    ts_result b;
    ts_result_init(&b);
    ts_error err;
    ts_status st = ts_result_pack(r, &buf, &len, &err);
    if (st == TS_OK) {
        st = ts_result_unpack(buf, len, &b, &err);
    }
    tst_alloc_stop();
    ts_result_free(&b);
    free(buf);
    return tst_alloc_nomem(st, &err);
}

/* Every allocation of packing a run and unpacking it fails once, in turn: each time the
 * status is TS_ERR_NOMEM with its message (not a damaged buffer), and nothing crashes or
 * leaks (the sanitizer tree). */
static void test_out_of_memory(void **state) {
    (void)state;
    ts_result a;
    build(&a);
    tst_alloc_sweep s = tst_alloc_fail_each("a run packed and unpacked", pack_failing, &a);
    assert_true(s.failed >= 5 && s.reported == s.failed);
    ts_result_free(&a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_damaged),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
