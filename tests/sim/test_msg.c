/* Tests of sim/core/msg.c: message buffers and delivery by receiver. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "msg.h"

#define SHIFT 2 /* buckets of 4 receivers, so a handful of agents spans several */

/* Blocks of hand-made messages: aux numbers each message in emission order. */
typedef struct fixture {
    ts_msg msgs[3][8];
    uint32_t hist[3][8];
    ts_block_msgs blocks[3];
} fixture;

static void add(fixture *f, int b, uint32_t to, uint32_t from, uint32_t aux) {
    size_t n = f->blocks[b].n++;
    f->msgs[b][n] = (ts_msg){.to = to, .from = from, .aux = aux};
    f->hist[b][to >> SHIFT]++;
}

static void setup_fixture(fixture *f) {
    memset(f, 0, sizeof *f);
    for (int b = 0; b < 3; b++) {
        f->blocks[b].msgs = f->msgs[b];
        f->blocks[b].hist = f->hist[b];
    }
    /* Senders 0-3 are block 0, 4-7 block 1, 8-11 block 2; 10 receivers. */
    add(f, 0, 9, 1, 100);
    add(f, 0, 2, 1, 101);
    add(f, 0, 9, 3, 102);
    add(f, 1, 2, 4, 103);
    add(f, 1, 0, 6, 104);
    add(f, 1, 9, 6, 105);
    add(f, 2, 2, 8, 106);
    add(f, 2, 5, 11, 107);
    add(f, 2, 2, 11, 108);
}

static void check_order(const ts_deliver *d) {
    /* Receiver 2 gets 101 (sender 1), 103 (sender 4), 106 (8), 108 (11). */
    assert_int_equal(d->start[0], 0);
    assert_int_equal(d->start[1], 1);
    assert_int_equal(d->start[2], 1);
    assert_int_equal(d->start[3], 5);
    assert_int_equal(d->start[5], 5);
    assert_int_equal(d->start[6], 6);
    assert_int_equal(d->start[9], 6);
    assert_int_equal(d->start[10], 9);
    uint32_t expect[9] = {104, 101, 103, 106, 108, 107, 100, 102, 105};
    for (int i = 0; i < 9; i++) {
        assert_int_equal(d->out[i].aux, expect[i]);
    }
}

static void test_delivery_order(void **state) {
    (void)state;
    fixture f;
    setup_fixture(&f);
    ts_deliver d;
    ts_deliver_init(&d);
    ts_error err;
    assert_int_equal(ts_deliver_run(&d, f.blocks, 3, 10, SHIFT, 1, &err), TS_OK);
    check_order(&d);
    /* Reused on a second day with two threads: the same order. */
    assert_int_equal(ts_deliver_run(&d, f.blocks, 3, 10, SHIFT, 2, &err), TS_OK);
    check_order(&d);
    ts_deliver_free(&d);
}

static void test_no_messages(void **state) {
    (void)state;
    ts_msg none[1];
    uint32_t hist[4] = {0};
    ts_block_msgs b = {.msgs = none, .n = 0, .hist = hist};
    ts_deliver d;
    ts_deliver_init(&d);
    ts_error err;
    assert_int_equal(ts_deliver_run(&d, &b, 1, 7, SHIFT, 2, &err), TS_OK);
    for (int r = 0; r <= 7; r++) {
        assert_int_equal(d.start[r], 0);
    }
    assert_int_equal(ts_deliver_run(&d, &b, 0, 7, SHIFT, 2, &err), TS_ERR_INTERNAL);
    ts_deliver_free(&d);
}

/* Many random messages: the result is sorted by receiver, stable in block order, and
 * identical for 1 and 2 threads. */
static void test_random_stable_sort(void **state) {
    (void)state;
    enum { NB = 7, PER = 3000, NA = 1000 };
    const uint32_t shift = 5;
    size_t n_buckets = (NA >> shift) + 1;
    ts_msg *msgs = calloc(NB * PER, sizeof *msgs);
    uint32_t *hist = calloc(NB * n_buckets, sizeof *hist);
    ts_block_msgs blocks[NB];
    ts_rng r;
    ts_rng_init(&r, 42, 0, 0, 0);
    for (int b = 0; b < NB; b++) {
        blocks[b].msgs = msgs + b * PER;
        blocks[b].hist = hist + b * n_buckets;
        blocks[b].n = PER - (size_t)b * 100;
        for (size_t i = 0; i < blocks[b].n; i++) {
            ts_msg *m = &msgs[b * PER + i];
            m->to = ts_rng_below(&r, NA);
            m->aux = (uint32_t)(b * PER + i);
            hist[b * n_buckets + (m->to >> shift)]++;
        }
    }
    ts_deliver d1, d2;
    ts_deliver_init(&d1);
    ts_deliver_init(&d2);
    ts_error err;
    assert_int_equal(ts_deliver_run(&d1, blocks, NB, NA, shift, 1, &err), TS_OK);
    assert_int_equal(ts_deliver_run(&d2, blocks, NB, NA, shift, 2, &err), TS_OK);
    size_t total = d1.start[NA];
    assert_int_equal(total, NB * PER - 100 * (NB - 1) * NB / 2);
    assert_memory_equal(d1.out, d2.out, total * sizeof(ts_msg));
    assert_memory_equal(d1.start, d2.start, (NA + 1) * sizeof(size_t));
    for (uint32_t a = 0; a < NA; a++) {
        for (size_t i = d1.start[a]; i < d1.start[a + 1]; i++) {
            assert_int_equal(d1.out[i].to, a);
            if (i > d1.start[a]) {
                assert_true(d1.out[i].aux > d1.out[i - 1].aux);
            }
        }
    }
    ts_deliver_free(&d1);
    ts_deliver_free(&d2);
    free(msgs);
    free(hist);
}

static void test_emit_fills_sender_and_module(void **state) {
    (void)state;
    ts_msgbuf buf = {0};
    uint32_t hist[4] = {0};
    ts_emit e = {.buf = &buf, .hist = hist, .bucket_shift = SHIFT, .from = 7, .module = 3};
    for (int i = 0; i < 5000; i++) { /* past the first allocation */
        ts_emit_send(&e, (ts_msg){.to = (uint32_t)(i % 12), .w = 0.25f});
    }
    assert_false(e.failed);
    assert_int_equal(buf.n, 5000);
    assert_int_equal(buf.msgs[4999].from, 7);
    assert_int_equal(buf.msgs[4999].module, 3);
    assert_int_equal(hist[0] + hist[1] + hist[2], 5000);
    /* 5000 = 12 * 416 + 8: the remainder goes to receivers 0..7, so 8..11 get 416 each. */
    assert_int_equal(hist[2], 4 * 416);
    assert_true(sizeof(ts_msg) <= 32);
    ts_msgbuf_free(&buf);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delivery_order),
        cmocka_unit_test(test_no_messages),
        cmocka_unit_test(test_random_stable_sort),
        cmocka_unit_test(test_emit_fills_sender_and_module),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
