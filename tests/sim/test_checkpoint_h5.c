/* Tests of sim/checkpoint_h5.c: checkpoints written with a run come back from the file
 * field by field (names, types, sizes, values, identity attributes), with the run's
 * snapshots up to the checkpoint's day; a file without that run or that day, or not a
 * results file, is refused with what it does hold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alloc_fail.h"
#include "checkpoint_h5.h"
#include "h5out.h"

#define PATH TS_TEST_TMPDIR "/checkpoint_h5.h5"

static ts_ckpt *make_ckpt(int32_t day) {
    ts_ckpt *ck = ts_ckpt_new();
    ck->day = day;
    ck->seed = 0xfedcba9876543210ull;
    ck->run_index = 1;
    ck->grid_point = 1;
    ck->headcount = 20;
    ck->capacity = 8;
    ck->warmup_days = 30;
    ck->version = strdup("9.9.9");
    ck->modules = strdup("trust, work");
    ck->domains = strdup("design, people");
    uint32_t ids[4] = {4, 3, 2, 1};
    float f[3] = {0.5f, -1.0f, 1e-30f};
    double m[2] = {1.25, NAN};
    unsigned char rows[2][6] = {{1, 2, 3, 4, 5, 6}, {7, 8, 9, 10, 11, 12}};
    int32_t k = -7;
    assert_non_null(ts_ckpt_add(ck, "world/manager", TS_SIO_U32, 4, 4, 0, ids));
    assert_non_null(ts_ckpt_add(ck, "world/n", TS_SIO_U32, 4, 1, 1, &ids[0]));
    assert_non_null(ts_ckpt_add(ck, "modules/work/debt", TS_SIO_F32, 4, 3, 0, f));
    assert_non_null(ts_ckpt_add(ck, "modules/work/rows", TS_SIO_BYTES, 6, 2, 0, rows));
    assert_non_null(ts_ckpt_add(ck, "modules/work/ring_pos", TS_SIO_I32, 4, 1, 1, &k));
    assert_non_null(ts_ckpt_add(ck, "modules/hiring/failed", TS_SIO_I32, 4, 1, 1, &k));
    assert_non_null(ts_ckpt_add(ck, "metrics/trust_mean", TS_SIO_F64, 8, 2, 0, m));
    assert_non_null(ts_ckpt_add(ck, "world/empty", TS_SIO_U8, 1, 0, 0, NULL));
    return ck;
}

static void write_file(void) {
    ts_h5meta meta = {.scenario_name = "t", .scenario_yaml = "name: t\n", .command_line = ""};
    ts_h5file *f = NULL;
    ts_error err;
    assert_int_equal(ts_h5_create(PATH, 1, &meta, NULL, &f, &err), TS_OK);
    for (uint32_t run = 0; run < 2; run++) {
        ts_result r;
        ts_result_init(&r);
        r.run_index = run;
        double *v = ts_result_add_series(&r, "trust_mean", "trust score", "d", 3);
        v[1] = 0.25;
        for (int32_t d = 10; d <= 30; d += 10) {
            ts_snapshot *s = ts_result_add_snapshot(&r, d);
            float *mean = ts_table_add_column(&s->edges, "mean", "", "m", TS_COL_F32, 2, 3);
            for (int i = 0; i < 6; i++) {
                mean[i] = (float)(d + i);
            }
            assert_int_equal(ts_snapshot_set_teams(s, 2), TS_OK);
            s->team_ids[1] = 5;
            s->team_trust[3] = 0.75f;
        }
        ts_ckpt *cks[2] = {make_ckpt(0), make_ckpt(20)};
        assert_int_equal(ts_ckpt_write_run(f, &r, cks, run == 1 ? 2 : 0, &err), TS_OK);
        ts_ckpt_free(cks[0]);
        ts_ckpt_free(cks[1]);
        ts_result_free(&r);
    }
    assert_int_equal(ts_h5_finish(f, &err), TS_OK);
}

static void test_round_trip(void **state) {
    (void)state;
    write_file();
    ts_ckpt *want = make_ckpt(20), *got = NULL;
    ts_result past;
    ts_result_init(&past);
    ts_error err;
    assert_int_equal(ts_ckpt_read(PATH, 1, 20, &got, &past, &err), TS_OK);
    assert_int_equal(got->day, 20);
    assert_int_equal(got->seed, want->seed);
    assert_int_equal(got->headcount, 20);
    assert_int_equal(got->capacity, 8);
    assert_int_equal(got->warmup_days, 30);
    assert_string_equal(got->version, "9.9.9");
    assert_string_equal(got->modules, "trust, work");
    assert_string_equal(got->domains, "design, people");
    assert_int_equal(got->n, want->n);
    for (size_t i = 0; i < want->n; i++) {
        const ts_ckpt_item *w = &want->items[i], *g = ts_ckpt_find(got, w->name);
        if (!g) {
            fail_msg("%s not read back", w->name);
        }
        assert_int_equal(g->type, w->type);
        assert_int_equal(g->elem, w->elem);
        assert_int_equal(g->count, w->count);
        assert_int_equal(g->scalar, w->scalar);
        assert_memory_equal(g->data, w->data, w->elem * w->count);
    }
    /* The snapshots of days 10 and 20, not 30. */
    assert_int_equal(past.n_snapshots, 2);
    assert_int_equal(past.snapshots[1].day, 20);
    const ts_column *mean = ts_table_find_column(&past.snapshots[1].edges, "mean");
    assert_non_null(mean);
    assert_int_equal(mean->width, 3);
    assert_true(((const float *)mean->data)[5] == 25.0f);
    assert_int_equal(past.snapshots[1].k, 2);
    assert_int_equal(past.snapshots[1].team_ids[1], 5);
    assert_true(past.snapshots[1].team_trust[3] == 0.75f);
    ts_result_free(&past);
    ts_ckpt_free(got);
    ts_ckpt_free(want);
}

static void test_refusals(void **state) {
    (void)state;
    write_file();
    ts_ckpt *ck = NULL;
    ts_error err;
    assert_int_equal(ts_ckpt_read(PATH, 2, 0, &ck, NULL, &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "has no complete run 2 (expected one of its 2 complete runs"));
    assert_null(ck);
    assert_int_equal(ts_ckpt_read(PATH, 1, 5, &ck, NULL, &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "no checkpoint of day 5 (expected one of its checkpoint "
                                    "days: 0, 20"));
    assert_int_equal(ts_ckpt_read(PATH, 0, 0, &ck, NULL, &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "checkpoint days: none"));
    FILE *f = fopen(TS_TEST_TMPDIR "/not_h5.h5", "w");
    fputs("text\n", f);
    fclose(f);
    assert_int_equal(ts_ckpt_read(TS_TEST_TMPDIR "/not_h5.h5", 0, 0, &ck, NULL, &err),
                     TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "not a trustsim results file"));
}

static int read_failing(void *ctx) {
    (void)ctx;
    ts_ckpt *got = NULL;
    ts_result past;
    ts_result_init(&past);
    ts_error err;
    ts_status st = ts_ckpt_read(PATH, 1, 20, &got, &past, &err);
    tst_alloc_stop();
    ts_result_free(&past);
    ts_ckpt_free(got);
    return tst_alloc_nomem(st, &err);
}

/* Every allocation of reading a checkpoint and its snapshots back fails once, in turn: each
 * time the read reports TS_ERR_NOMEM with its message, and nothing crashes or leaks (the
 * sanitizer tree). */
static void test_read_out_of_memory(void **state) {
    (void)state;
    write_file();
    tst_alloc_sweep s = tst_alloc_fail_each("a checkpoint read back", read_failing, NULL);
    assert_true(s.failed >= 5 && s.reported == s.failed);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_read_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
