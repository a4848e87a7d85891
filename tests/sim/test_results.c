/* Tests of sim/core/results.c: the in-memory run result (growable arrays, lookups, free). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "results.h"

/* Static names, as modules declare them; the result only borrows them. */
static const char *const names[] = {"trust_mean", "hours_worked", "delegations", "reviews",
                                    "incidents",  "attrition",    "hires",       "feedback"};

static void test_init_is_empty(void **state) {
    (void)state;
    ts_result r;
    memset(&r, 0x5A, sizeof r);
    ts_result_init(&r);
    assert_int_equal(r.n_metrics, 0);
    assert_int_equal(r.n_summary, 0);
    assert_int_equal(r.n_snapshots, 0);
    assert_int_equal(r.n_params, 0);
    assert_int_equal(r.agents.n_cols, 0);
    assert_int_equal(r.incidents.n_cols, 0);
    assert_null(r.metrics);
    assert_null(r.params);
    assert_int_equal(r.seed, 0);
    /* Freeing an empty result (and NULL) is harmless. */
    ts_result_free(&r);
    ts_result_free(NULL);
    ts_table_free(NULL);
}

static void test_series_grow_and_find(void **state) {
    (void)state;
    ts_result r;
    ts_result_init(&r);
    double *values[100];
    char labels[100][16];
    for (size_t i = 0; i < 100; i++) {
        snprintf(labels[i], sizeof labels[i], "m%03zu", i);
        values[i] = ts_result_add_series(&r, labels[i], "probability", "a test series", i + 1);
        assert_non_null(values[i]);
        for (size_t d = 0; d <= i; d++) {
            assert_true(values[i][d] == 0.0); /* zeroed */
            values[i][d] = 0.3717 * (double)(i + 1) + (double)d;
        }
    }
    assert_int_equal(r.n_metrics, 100);
    assert_true(r.n_metrics_alloc >= 100);
    for (size_t i = 0; i < 100; i++) {
        const ts_series *s = ts_result_find_series(&r, labels[i]);
        assert_non_null(s);
        assert_ptr_equal(s, &r.metrics[i]);
        /* The values pointer handed out first is still the one held, after growth. */
        assert_ptr_equal(s->values, values[i]);
        assert_int_equal(s->n, i + 1);
        assert_string_equal(s->units, "probability");
        assert_true(s->values[i] == 0.3717 * (double)(i + 1) + (double)i);
    }
    assert_null(ts_result_find_series(&r, "m100"));
    assert_null(ts_result_find_series(&r, ""));
    ts_result_free(&r);
    assert_int_equal(r.n_metrics, 0);
    assert_null(r.metrics);
}

static void test_series_empty_and_too_large(void **state) {
    (void)state;
    ts_result r;
    ts_result_init(&r);
    /* An empty series still gets a pointer (NULL only means out of memory). */
    assert_non_null(ts_result_add_series(&r, "empty", "", "", 0));
    assert_int_equal(r.metrics[0].n, 0);
    /* A size whose byte count overflows is refused, and nothing is added. */
    assert_null(ts_result_add_series(&r, "huge", "", "", SIZE_MAX));
    assert_int_equal(r.n_metrics, 1);
    assert_null(ts_result_find_series(&r, "huge"));
    ts_result_free(&r);
}

static void test_scalars(void **state) {
    (void)state;
    ts_result r;
    ts_result_init(&r);
    for (size_t i = 0; i < 8; i++) {
        assert_int_equal(
            ts_result_add_scalar(&r, names[i], "hours", "a test scalar", 0.3717 + (double)i * 1.25),
            TS_OK);
    }
    /* Past the first capacity (8) the array moves; every entry must survive. */
    assert_int_equal(ts_result_add_scalar(&r, "ninth", "", "", -4.5), TS_OK);
    assert_int_equal(r.n_summary, 9);
    for (size_t i = 0; i < 8; i++) {
        const ts_scalar *s = ts_result_find_scalar(&r, names[i]);
        assert_non_null(s);
        assert_true(s->value == 0.3717 + (double)i * 1.25);
        assert_string_equal(s->description, "a test scalar");
    }
    assert_true(ts_result_find_scalar(&r, "ninth")->value == -4.5);
    assert_null(ts_result_find_scalar(&r, "tenth"));
    ts_result_free(&r);
    assert_int_equal(r.n_summary, 0);
}

static void test_columns(void **state) {
    (void)state;
    ts_table t = {0};
    uint32_t *id = ts_table_add_column(&t, "id", "", "agent id", TS_COL_U32, 7, 1);
    int32_t *team = ts_table_add_column(&t, "team", "", "team", TS_COL_I32, 7, 1);
    float *beliefs = ts_table_add_column(&t, "beliefs", "probability", "", TS_COL_F32, 7, 4);
    double *score = ts_table_add_column(&t, "score", "", "", TS_COL_F64, 7, 1);
    void *none = ts_table_add_column(&t, "none", "", "", TS_COL_U32, 0, 1);
    assert_non_null(id);
    assert_non_null(team);
    assert_non_null(beliefs);
    assert_non_null(score);
    assert_non_null(none);
    /* All zero, and every byte writable (ASan catches a short allocation). */
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(id[i], 0);
        assert_int_equal(team[i], 0);
        assert_true(score[i] == 0.0);
        id[i] = (uint32_t)(1000 + i);
        team[i] = -(int32_t)i;
        score[i] = 0.3717 * (double)i;
    }
    for (size_t i = 0; i < 28; i++) {
        assert_true(beliefs[i] == 0.0f);
        beliefs[i] = 0.25f * (float)i;
    }
    assert_int_equal(t.n_cols, 5);
    const ts_column *c = ts_table_find_column(&t, "beliefs");
    assert_non_null(c);
    assert_int_equal(c->type, TS_COL_F32);
    assert_int_equal(c->n, 7);
    assert_int_equal(c->width, 4);
    assert_ptr_equal(c->data, beliefs);
    assert_true(((float *)c->data)[27] == 6.75f);
    assert_ptr_equal(ts_table_find_column(&t, "id")->data, id);
    assert_null(ts_table_find_column(&t, "ID"));
    /* Width 0 or an overflowing size is refused without adding a column. */
    assert_null(ts_table_add_column(&t, "w0", "", "", TS_COL_F64, 3, 0));
    assert_null(ts_table_add_column(&t, "big", "", "", TS_COL_F64, SIZE_MAX / 2, 3));
    assert_null(ts_table_add_column(&t, "big1", "", "", TS_COL_F64, SIZE_MAX / 4, 1));
    assert_int_equal(t.n_cols, 5);
    ts_table_free(&t);
    assert_int_equal(t.n_cols, 0);
    assert_null(t.cols);
    /* A freed table can be filled again. */
    assert_non_null(ts_table_add_column(&t, "again", "", "", TS_COL_I32, 2, 1));
    ts_table_free(&t);
}

static void test_many_columns_keep_data(void **state) {
    (void)state;
    ts_table t = {0};
    double *data[40];
    char labels[40][8];
    for (size_t i = 0; i < 40; i++) {
        snprintf(labels[i], sizeof labels[i], "c%zu", i);
        data[i] = ts_table_add_column(&t, labels[i], "", "", TS_COL_F64, 3, 1);
        assert_non_null(data[i]);
        data[i][2] = 0.3717 + (double)i;
    }
    for (size_t i = 0; i < 40; i++) {
        const ts_column *c = ts_table_find_column(&t, labels[i]);
        assert_ptr_equal(c->data, data[i]);
        assert_true(((double *)c->data)[2] == 0.3717 + (double)i);
    }
    ts_table_free(&t);
}

/* The team table's rows as modules read them: none before the engine's manager column,
 * then its ids, still valid after more columns are added; a manager column of another
 * type is not taken for ids. */
static void test_team_managers(void **state) {
    (void)state;
    ts_result r;
    ts_result_init(&r);
    size_t k = 99;
    assert_null(ts_result_team_managers(&r, &k));
    assert_int_equal(k, 0);
    uint32_t *mgr = ts_table_add_column(&r.teams, "manager", "agent id", "d", TS_COL_U32, 3, 1);
    assert_non_null(mgr);
    mgr[0] = 0;
    mgr[1] = 4;
    mgr[2] = 9;
    for (int c = 0; c < 20; c++) {
        assert_non_null(ts_table_add_column(&r.teams, "x", "u", "d", TS_COL_F32, 3, 1));
    }
    const uint32_t *got = ts_result_team_managers(&r, &k);
    assert_int_equal(k, 3);
    assert_ptr_equal(got, mgr);
    assert_int_equal(got[2], 9);
    ts_result_free(&r);
    assert_non_null(ts_table_add_column(&r.teams, "manager", "agent id", "d", TS_COL_F32, 2, 1));
    assert_null(ts_result_team_managers(&r, &k));
    assert_int_equal(k, 0);
    ts_result_free(&r);
}

static void test_coltype_size(void **state) {
    (void)state;
    assert_int_equal(ts_coltype_size(TS_COL_U32), 4);
    assert_int_equal(ts_coltype_size(TS_COL_I32), 4);
    assert_int_equal(ts_coltype_size(TS_COL_F32), 4);
    assert_int_equal(ts_coltype_size(TS_COL_F64), 8);
    assert_int_equal(ts_coltype_size((ts_coltype)99), 0);
}

static void test_snapshots(void **state) {
    (void)state;
    ts_result r;
    ts_result_init(&r);
    for (int32_t d = 0; d < 20; d++) {
        ts_snapshot *s = ts_result_add_snapshot(&r, 90 * d);
        assert_non_null(s);
        assert_int_equal(s->day, 90 * d);
        assert_int_equal(s->k, 0);
        assert_null(s->team_trust);
        assert_int_equal(s->edges.n_cols, 0);
        float *mean =
            ts_table_add_column(&s->edges, "mean", "probability", "", TS_COL_F32, (size_t)d, 1);
        assert_non_null(mean);
        assert_int_equal(ts_snapshot_set_teams(s, (size_t)d % 5), TS_OK);
        for (size_t i = 0; i < s->k * s->k; i++) {
            assert_true(s->team_trust[i] == 0.0f);
            s->team_trust[i] = 0.3717f;
        }
        for (size_t i = 0; i < s->k; i++) {
            assert_int_equal(s->team_ids[i], 0);
            s->team_ids[i] = (uint32_t)i * 7;
        }
    }
    assert_int_equal(r.n_snapshots, 20);
    for (size_t i = 0; i < 20; i++) {
        const ts_snapshot *s = &r.snapshots[i];
        assert_int_equal(s->day, 90 * (int32_t)i);
        assert_int_equal(s->k, i % 5);
        assert_int_equal(s->edges.cols[0].n, i);
        if (s->k > 0) {
            assert_true(s->team_trust[s->k * s->k - 1] == 0.3717f);
            assert_int_equal(s->team_ids[s->k - 1], (s->k - 1) * 7);
        }
    }
    /* Setting teams again replaces (and frees) the previous arrays. */
    assert_int_equal(ts_snapshot_set_teams(&r.snapshots[4], 2), TS_OK);
    assert_int_equal(r.snapshots[4].k, 2);
    assert_true(r.snapshots[4].team_trust[3] == 0.0f);
    assert_int_equal(ts_snapshot_set_teams(&r.snapshots[3], 0), TS_OK);
    assert_int_equal(r.snapshots[3].k, 0);
    /* k * k overflows: refused, and the snapshot is left without teams. */
    assert_int_equal(ts_snapshot_set_teams(&r.snapshots[2], SIZE_MAX / 2), TS_ERR_NOMEM);
    assert_int_equal(r.snapshots[2].k, 0);
    assert_null(r.snapshots[2].team_trust);
    ts_result_free(&r);
    assert_int_equal(r.n_snapshots, 0);
    assert_null(r.snapshots);
}

static void test_params(void **state) {
    (void)state;
    ts_result r;
    ts_result_init(&r);
    ts_param_value *p = ts_result_alloc_params(&r, 3);
    assert_non_null(p);
    assert_int_equal(r.n_params, 3);
    assert_null(p[2].key);
    assert_int_equal(p[2].is_number, 0);
    p[0] = (ts_param_value){
        .key = "trust.prior_mean", .text = "0.3717", .is_number = 1, .number = 0.3717};
    /* A second allocation replaces the first (ASan reports the first if it leaks). */
    p = ts_result_alloc_params(&r, 1);
    assert_non_null(p);
    assert_int_equal(r.n_params, 1);
    assert_null(p[0].key);
    assert_null(ts_result_alloc_params(&r, 0));
    assert_int_equal(r.n_params, 0);
    assert_null(r.params);
    ts_result_alloc_params(&r, 2);
    ts_result_free(&r);
    assert_null(r.params);
    assert_int_equal(r.n_params, 0);
}

/* Everything at once, freed once: LeakSanitizer (in the sanitizer build) checks that
 * ts_result_free releases every array. */
static void test_free_everything(void **state) {
    (void)state;
    ts_result r;
    ts_result_init(&r);
    r.run_index = 3;
    r.seed = 0x9E3779B97F4A7C15u;
    ts_result_alloc_params(&r, 2);
    for (size_t i = 0; i < 8; i++) {
        assert_non_null(ts_result_add_series(&r, names[i], "", "", 365));
        assert_int_equal(ts_result_add_scalar(&r, names[i], "", "", 0.3717), TS_OK);
        assert_non_null(ts_table_add_column(&r.agents, names[i], "", "", TS_COL_F32, 50, 4));
        assert_non_null(ts_table_add_column(&r.incidents, names[i], "", "", TS_COL_I32, 3, 1));
    }
    for (int32_t d = 90; d <= 720; d += 90) {
        ts_snapshot *s = ts_result_add_snapshot(&r, d);
        assert_non_null(ts_table_add_column(&s->edges, "from", "", "", TS_COL_U32, 100, 1));
        assert_non_null(ts_table_add_column(&s->edges, "trust", "", "", TS_COL_F32, 100, 4));
        assert_int_equal(ts_snapshot_set_teams(s, 6), TS_OK);
    }
    ts_result_free(&r);
    assert_int_equal(r.run_index, 0);
    assert_int_equal(r.seed, 0);
    assert_int_equal(r.agents.n_cols, 0);
    assert_int_equal(r.incidents.n_cols, 0);
    /* The result is reusable after free. */
    assert_non_null(ts_result_add_series(&r, "again", "", "", 2));
    ts_result_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_is_empty),
        cmocka_unit_test(test_series_grow_and_find),
        cmocka_unit_test(test_series_empty_and_too_large),
        cmocka_unit_test(test_scalars),
        cmocka_unit_test(test_columns),
        cmocka_unit_test(test_many_columns_keep_data),
        cmocka_unit_test(test_team_managers),
        cmocka_unit_test(test_coltype_size),
        cmocka_unit_test(test_snapshots),
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_free_everything),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
