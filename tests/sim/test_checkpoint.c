/* Tests of sim/core/checkpoint.c (and of the engine's save and restore through it): fields
 * saved and loaded by the same calls come back to the bit; a missing field, one of another
 * type or size, or one no one reads is refused by name; the failures are sticky; packing
 * round-trips and refuses a cut buffer; the world (tree, traits, columns, mental models)
 * round-trips into a freshly built world; every module of the table can be saved, and an
 * engine restored from a checkpoint runs on to the same rows as the engine it was saved
 * from, on 1 and 2 threads, for two seeds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alloc_fail.h"
#include "checkpoint.h"
#include "engine.h"
#include "modules.h"
#include "test_support.h"

#include <math.h>

typedef struct toy {
    uint32_t a;
    int32_t b;
    double c;
    size_t n;
    float v[5];
    struct {
        uint16_t x;
        uint8_t y[2];
    } rows[3];
} toy;

static ts_status toy_io(toy *t, ts_state_io *io) {
    ts_sio_u32(io, "a", &t->a);
    ts_sio_i32(io, "b", &t->b);
    ts_sio_f64(io, "c", &t->c);
    ts_sio_size(io, "n", &t->n);
    ts_sio_typed(io, "v", TS_SIO_F32, t->v, 5);
    ts_sio_array(io, "rows", t->rows, sizeof t->rows[0], 3);
    return ts_sio_status(io);
}

static void test_fields_round_trip(void **state) {
    (void)state;
    toy t = {.a = 7, .b = -3, .c = 0.1, .n = 12345678901ull, .v = {1, -2, 0.5f, NAN, -0.0f}};
    for (int i = 0; i < 3; i++) {
        t.rows[i].x = (uint16_t)(1000 + i);
        t.rows[i].y[0] = (uint8_t)i;
        t.rows[i].y[1] = (uint8_t)(9 - i);
    }
    ts_ckpt *ck = ts_ckpt_new();
    ts_state_io io;
    ts_error err;
    ts_sio_begin(&io, ck, 0, "modules/toy/", "test", &err);
    assert_int_equal(toy_io(&t, &io), TS_OK);
    assert_non_null(ts_ckpt_find(ck, "modules/toy/rows"));
    assert_int_equal(ts_ckpt_find(ck, "modules/toy/rows")->elem, sizeof t.rows[0]);
    assert_true(ts_ckpt_find(ck, "modules/toy/a")->scalar);

    /* Packed and unpacked, then loaded: the same bits. */
    unsigned char *buf = NULL;
    size_t len = 0;
    assert_int_equal(ts_ckpt_pack(ck, &buf, &len, &err), TS_OK);
    ts_ckpt *back = NULL;
    assert_int_equal(ts_ckpt_unpack(buf, len - 1, &back, &err), TS_ERR_INTERNAL);
    assert_null(back);
    assert_int_equal(ts_ckpt_unpack(buf, len, &back, &err), TS_OK);
    toy u;
    memset(&u, 0, sizeof u);
    ts_sio_begin(&io, back, 1, "modules/toy/", "test", &err);
    assert_int_equal(toy_io(&u, &io), TS_OK);
    assert_memory_equal(&t, &u, sizeof t);
    assert_int_equal(ts_ckpt_check_used(back, "modules/toy/", "test", &err), TS_OK);
    free(buf);
    ts_ckpt_free(back);

    /* A field the loader does not read is refused by name. */
    assert_non_null(ts_ckpt_add(ck, "modules/toy/extra", TS_SIO_U8, 1, 4, 0, NULL));
    ts_sio_begin(&io, ck, 1, "modules/toy/", "test", &err);
    assert_int_equal(toy_io(&u, &io), TS_OK);
    assert_int_equal(ts_ckpt_check_used(ck, "modules/toy/", "ckpt X", &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "ckpt X holds modules/toy/extra"));
    ts_ckpt_free(ck);
}

static void test_mismatches_refused_and_sticky(void **state) {
    (void)state;
    toy t;
    memset(&t, 0, sizeof t);
    ts_ckpt *ck = ts_ckpt_new();
    ts_state_io io;
    ts_error err;
    ts_sio_begin(&io, ck, 0, "m/", "test", &err);
    assert_int_equal(toy_io(&t, &io), TS_OK);
    ts_ckpt_item *v = ts_ckpt_find(ck, "m/v");
    v->count = 4; /* another model version keeps 4 */
    ts_sio_begin(&io, ck, 1, "m/", "the file", &err);
    t.a = 99;
    assert_int_equal(toy_io(&t, &io), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "the file: m/v holds 4 float32 values"));
    /* Sticky: fields after the failure are not read. */
    assert_int_equal(t.a, 0);
    assert_int_equal(ts_sio_u32(&io, "a", &t.a), TS_ERR_PARAM);

    ts_ckpt *empty = ts_ckpt_new();
    ts_sio_begin(&io, empty, 1, "m/", "the file", &err);
    assert_int_equal(ts_sio_u32(&io, "a", &t.a), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "the file has no m/a"));
    ts_ckpt_free(empty);
    ts_ckpt_free(ck);
}

/* A world of 20 agents, 3 more hired, models, a column and a wide column (a value per
 * domain, as the people's competence). */
static void build_world(ts_world *w, int populate) {
    ts_error err;
    uint32_t idx, wide, id;
    assert_int_equal(ts_world_init(w, 3, 8, 0.99, &err), TS_OK);
    assert_int_equal(ts_world_column_add(w, "score", sizeof(float), 0, NULL, &idx, &err), TS_OK);
    assert_int_equal(ts_world_column_add(w, "ability", 3 * sizeof(float), 0, NULL, &wide, &err),
                     TS_OK);
    assert_int_equal(ts_world_build_tree(w, 20, 4, -10, &err), TS_OK);
    if (!populate) {
        return;
    }
    for (int k = 0; k < 3; k++) {
        assert_int_equal(ts_world_add_agent(w, 2, 5, &id, &err), TS_OK);
    }
    ts_world_remove_agent(w, 21, 7);
    w->day = 9;
    for (uint32_t a = 0; a < w->n; a++) {
        ((float *)w->cols[wide].data)[a * 3 + 1] = 0.5f + 0.001f * (float)a;
        w->hours[a * TS_HOURS_SLOTS + 2] = (float)a / 7.0f;
        ((float *)w->cols[idx].data)[a] = -(float)a;
        for (uint32_t j = 0; j < 1 + a % 5; j++) {
            uint32_t other = (a + 3 * j + 1) % w->n;
            int slot = ts_relstore_insert(&w->models, a, other, (int32_t)j, NULL);
            if (slot >= 0) {
                ts_relstore_add_competence(&w->models, a, (uint32_t)slot, 4 + (int32_t)j, 1, 1.5f,
                                           0.25f);
                ts_relstore_add_goodwill(&w->models, a, (uint32_t)slot, 6, 0.3f);
            }
        }
    }
}

static void test_world_round_trip(void **state) {
    (void)state;
    ts_world a, b;
    ts_error err;
    build_world(&a, 1);
    build_world(&b, 0);
    ts_ckpt *ck = ts_ckpt_new();
    ts_state_io io;
    ts_sio_begin(&io, ck, 0, "", "test", &err);
    assert_int_equal(ts_ckpt_world_io(&io, &a), TS_OK);
    ts_sio_begin(&io, ck, 1, "", "test", &err);
    assert_int_equal(ts_ckpt_world_io(&io, &b), TS_OK);
    assert_int_equal(b.n, a.n);
    assert_int_equal(b.n_active, a.n_active);
    assert_int_equal(b.root, a.root);
    assert_int_equal(b.day, 9);
    assert_memory_equal(b.manager, a.manager, a.n * sizeof *a.manager);
    assert_memory_equal(b.next_peer, a.next_peer, a.n * sizeof *a.next_peer);
    assert_memory_equal(b.leave_day, a.leave_day, a.n * sizeof *a.leave_day);
    assert_memory_equal(b.hours, a.hours, a.n * TS_HOURS_SLOTS * sizeof *a.hours);
    assert_memory_equal(b.cols[0].data, a.cols[0].data, a.n * sizeof(float));
    assert_memory_equal(b.cols[1].data, a.cols[1].data, a.n * 3 * sizeof(float));
    for (uint32_t x = 0; x < a.n; x++) {
        assert_int_equal(ts_relstore_count(&b.models, x), ts_relstore_count(&a.models, x));
        for (uint32_t s = 0; s < ts_relstore_count(&a.models, x); s++) {
            ts_belief p, q;
            ts_relstore_read(&a.models, x, s, 30, &p);
            ts_relstore_read(&b.models, x, s, 30, &q);
            assert_int_equal(ts_relstore_id(&b.models, x, s), ts_relstore_id(&a.models, x, s));
            assert_memory_equal(&p, &q, sizeof p);
        }
    }
    /* A store too small for what was saved is refused, naming the capacity. */
    ts_world c;
    assert_int_equal(ts_world_init(&c, 3, 4, 0.99, &err), TS_OK);
    uint32_t idx;
    assert_int_equal(ts_world_column_add(&c, "score", sizeof(float), 0, NULL, &idx, &err), TS_OK);
    assert_int_equal(ts_world_build_tree(&c, 20, 4, -10, &err), TS_OK);
    ts_sio_begin(&io, ck, 1, "", "test", &err);
    assert_int_equal(ts_ckpt_world_io(&io, &c), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "more than trust.capacity 4"));
    ts_world_free(&c);
    ts_ckpt_free(ck);
    ts_world_free(&a);
    ts_world_free(&b);
}

/* Every tactic, an incident under way at the checkpoint. */
static const char *ALL = "days: 50\norg: {headcount: 60, span_of_control: 5, warmup_days: 20}\n"
                         "hiring: {growth: exponential, annual_rate: 2, ramp_days: 20}\n"
                         "events: [{day: 15, kind: incident, domain: debugging, work_hours: "
                         "900, responders: 10, workstreams: 3}]\n"
                         "output: {snapshot_every: 10, snapshot_agents: 20}\n"
                         "tactics: {one_on_ones: {}, feedback: {}, broadcast: {}, trial_tasks: "
                         "{}, status_updates: {}, inspection_forums: {}, coffee_chats: {}, "
                         "transitive_trust: {}, ask_for_help: {}, onboarding: {}, offsites: {}, "
                         "repair: {}}\n";

static void test_every_module_saves(void **state) {
    (void)state;
    for (size_t m = 0; m < ts_n_modules; m++) {
        if (!ts_modules[m]->state_io) {
            fail_msg("module %s has no state_io", ts_modules[m]->name);
        }
    }
}

static void test_engine_restored_runs_on_the_same(void **state) {
    (void)state;
    ts_scenario *sc = tst_scenario(ALL);
    ts_error err;
    for (uint64_t seed = 3; seed <= 4; seed++) {
        for (int threads = 1; threads <= 2; threads++) {
            ts_result whole, half, rest;
            ts_engine *e = tst_engine(sc, NULL, 0, seed, threads);
            ts_result_init(&whole);
            ts_result_init(&half);
            assert_int_equal(ts_engine_run_to(e, &half, 22, &err), TS_OK);
            ts_ckpt *ck = NULL;
            assert_int_equal(ts_engine_save(e, &half, &ck, &err), TS_OK);
            assert_int_equal(ck->day, 22);
            assert_int_equal(ck->seed, seed);
            assert_non_null(strstr(ck->modules, "incident"));
            assert_int_equal(ts_engine_run(e, &half, &err), TS_OK);
            ts_engine_free(e);

            ts_engine *f = tst_engine(sc, NULL, 0, seed, 3 - threads);
            ts_result_init(&rest);
            assert_int_equal(ts_engine_restore(f, ck, &half, &rest, "test", &err), TS_OK);
            assert_int_equal(ts_engine_world(f)->day, 22);
            assert_int_equal(ts_engine_run(f, &rest, &err), TS_OK);
            ts_engine_free(f);

            assert_int_equal(rest.n_metrics, half.n_metrics);
            for (size_t i = 0; i < half.n_metrics; i++) {
                assert_string_equal(rest.metrics[i].name, half.metrics[i].name);
                assert_memory_equal(rest.metrics[i].values, half.metrics[i].values,
                                    half.metrics[i].n * sizeof(double));
            }
            assert_int_equal(rest.n_summary, half.n_summary);
            for (size_t i = 0; i < half.n_summary; i++) {
                assert_memory_equal(&rest.summary[i].value, &half.summary[i].value, sizeof(double));
            }
            assert_int_equal(rest.n_snapshots, half.n_snapshots);
            for (size_t i = 0; i < half.n_snapshots; i++) {
                assert_int_equal(rest.snapshots[i].day, half.snapshots[i].day);
                assert_int_equal(rest.snapshots[i].edges.n_cols, half.snapshots[i].edges.n_cols);
            }
            /* The run did go on after the checkpoint: hires after day 22. */
            const ts_series *hc = ts_result_find_series(&rest, "headcount");
            assert_true(hc->values[50] > hc->values[22]);
            ts_ckpt_free(ck);
            ts_result_free(&whole);
            ts_result_free(&half);
            ts_result_free(&rest);
        }
    }
    ts_scenario_free(sc);
}

static void test_restore_refuses_another_organisation(void **state) {
    (void)state;
    ts_scenario *sc = tst_scenario(ALL);
    ts_scenario *other = tst_scenario("days: 50\norg: {headcount: 61, warmup_days: 20}\n");
    ts_scenario *short_run = tst_scenario("days: 10\norg: {headcount: 60, span_of_control: 5, "
                                          "warmup_days: 20}\n");
    ts_error err;
    ts_result r;
    ts_result_init(&r);
    ts_engine *e = tst_engine(sc, NULL, 0, 1, 1);
    assert_int_equal(ts_engine_run_to(e, &r, 12, &err), TS_OK);
    ts_ckpt *ck = NULL;
    assert_int_equal(ts_engine_save(e, &r, &ck, &err), TS_OK);
    ts_engine_free(e);
    ts_result_free(&r);

    ts_engine *f = tst_engine(other, NULL, 0, 1, 1);
    assert_int_equal(ts_engine_restore(f, ck, NULL, &r, "ck", &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "org.headcount 60"));
    ts_engine_free(f);
    ts_result_free(&r);
    f = tst_engine(short_run, NULL, 0, 1, 1);
    assert_int_equal(ts_engine_restore(f, ck, NULL, &r, "ck", &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "ck is of day 12 (expected a day from 0 to 9"));
    ts_engine_free(f);
    ts_result_free(&r);
    free(ck->version);
    ck->version = strdup("0.0.0");
    f = tst_engine(sc, NULL, 0, 1, 1);
    assert_int_equal(ts_engine_restore(f, ck, NULL, &r, "ck", &err), TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "made by trustsim 0.0.0"));
    ts_engine_free(f);
    ts_result_free(&r);
    ts_ckpt_free(ck);
    ts_scenario_free(sc);
    ts_scenario_free(other);
    ts_scenario_free(short_run);
}

/* ---- Running out of memory ------------------------------------------------------- */

typedef struct oom_restore {
    const ts_scenario *sc;
    const unsigned char *buf; /* a packed checkpoint */
    size_t len;
    const ts_result *past; /* the rows recorded up to it */
} oom_restore;

/* What a branched sweep or `run --from` does with a saved state: unpack it (an MPI rank's
 * copy), create an engine, restore and run to the end. */
static int restore_failing(void *ctx) {
    oom_restore *o = ctx;
    ts_engine_options eo = {.seed = 8, .threads = 1};
    ts_ckpt *ck = NULL;
    ts_engine *e = NULL;
    ts_result rest;
    ts_result_init(&rest);
    ts_error err;
    ts_status st = ts_ckpt_unpack(o->buf, o->len, &ck, &err);
    if (st == TS_OK) {
        st = ts_engine_create(o->sc, ts_modules, ts_n_modules, &eo, &e, &err);
    }
    if (st == TS_OK) {
        st = ts_engine_restore(e, ck, o->past, &rest, "test", &err);
    }
    if (st == TS_OK) {
        st = ts_engine_run(e, &rest, &err);
    }
    tst_alloc_stop();
    ts_result_free(&rest);
    ts_engine_free(e);
    ts_ckpt_free(ck);
    return tst_alloc_nomem(st, &err);
}

/* Every allocation of continuing a run from its saved state, every module on, fails once,
 * in turn: each time the run reports TS_ERR_NOMEM with its message, and nothing crashes or
 * leaks (the sanitizer tree). */
static void test_restore_out_of_memory(void **state) {
    (void)state;
    char yaml[4096];
    tst_every_module_yaml(yaml, sizeof yaml,
                          "days: 61\norg: {headcount: 20, warmup_days: 2}\n"
                          "output: {snapshot_every: 30}\n");
    ts_scenario *sc = tst_scenario(yaml);
    ts_engine *e = tst_engine(sc, NULL, 0, 8, 1);
    ts_result past;
    ts_result_init(&past);
    ts_error err;
    assert_int_equal(ts_engine_run_to(e, &past, 59, &err), TS_OK);
    ts_ckpt *ck = NULL;
    assert_int_equal(ts_engine_save(e, &past, &ck, &err), TS_OK);
    oom_restore o = {.sc = sc, .past = &past};
    unsigned char *buf = NULL;
    assert_int_equal(ts_ckpt_pack(ck, &buf, &o.len, &err), TS_OK);
    o.buf = buf;
    tst_alloc_sweep s = tst_alloc_fail_each("a saved state continued", restore_failing, &o);
    assert_true(s.failed >= 10 && s.reported == s.failed);
    free(buf);
    ts_ckpt_free(ck);
    ts_result_free(&past);
    ts_engine_free(e);
    ts_scenario_free(sc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_round_trip),
        cmocka_unit_test(test_mismatches_refused_and_sticky),
        cmocka_unit_test(test_world_round_trip),
        cmocka_unit_test(test_every_module_saves),
        cmocka_unit_test(test_engine_restored_runs_on_the_same),
        cmocka_unit_test(test_restore_refuses_another_organisation),
        cmocka_unit_test(test_restore_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
