/* Tests of models/evidence.c: the shared message kinds and the listener lists (the learning
 * rules are covered by tests/models/test_learning.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "evidence.h"
#include "shared.h"

typedef struct calls {
    int n;
    uint32_t last_believer, last_subject;
} calls;

static void on_contact(void *ctx, ts_world *w, uint32_t believer, uint32_t subject, uint32_t slot) {
    (void)w;
    (void)slot;
    calls *c = ctx;
    c->n++;
    c->last_believer = believer;
    c->last_subject = subject;
}

static void on_observe(void *ctx, ts_world *w, uint32_t believer, uint32_t subject, uint32_t domain,
                       int success, float weight) {
    (void)w;
    (void)domain;
    (void)success;
    (void)weight;
    calls *c = ctx;
    c->n++;
    c->last_believer = believer;
    c->last_subject = subject;
}

static void build(ts_world *w) {
    ts_error err;
    assert_int_equal(ts_world_init(w, 2, 8, 1.0, &err), TS_OK);
    assert_int_equal(ts_shared_register(w, &err), TS_OK);
    assert_int_equal(ts_world_build_tree(w, 6, 2, 0, &err), TS_OK);
}

/* Two listeners of each kind are both called (a second does not replace the first); a
 * full list refuses one more. */
static void test_listener_lists(void **state) {
    (void)state;
    ts_world w;
    ts_error err;
    build(&w);
    calls a = {0}, b = {0}, c = {0}, d = {0};
    assert_int_equal(ts_evidence_add_first_contact(&w, on_contact, &a, &err), TS_OK);
    assert_int_equal(ts_evidence_add_first_contact(&w, on_contact, &b, &err), TS_OK);
    assert_int_equal(ts_evidence_add_observer(&w, on_observe, &c, &err), TS_OK);
    assert_int_equal(ts_evidence_add_observer(&w, on_observe, &d, &err), TS_OK);
    ts_ev_observe_now(&w, 3, 5, 1, 1, 0.3717f);
    ts_ev_observe_now(&w, 3, 5, 0, 0, 0.3717f);
    assert_int_equal(a.n, 1); /* one model made */
    assert_int_equal(b.n, 1);
    assert_int_equal(c.n, 2); /* two observations */
    assert_int_equal(d.n, 2);
    assert_int_equal(d.last_believer, 3);
    assert_int_equal(d.last_subject, 5);
    for (int k = 2; k < TS_WORLD_MAX_LISTENERS; k++) {
        assert_int_equal(ts_evidence_add_observer(&w, on_observe, &c, &err), TS_OK);
    }
    assert_int_equal(ts_evidence_add_observer(&w, on_observe, &c, &err), TS_ERR_INTERNAL);
    ts_world_free(&w);
}

/* Shared kinds are applied to the receiver; other kinds are left to the module. */
static void test_shared_kinds(void **state) {
    (void)state;
    ts_world w;
    build(&w);
    ts_safety(&w)[2] = 0.9f;
    ts_msg m = {.to = 2, .kind = TS_MK_SAFETY, .w = 0.3717f};
    assert_true(ts_evidence_handle(&w, &m));
    assert_float_equal(ts_safety(&w)[2], 1.0f, 0.0f); /* clamped */
    m = (ts_msg){.to = 2, .kind = TS_MK_HOURS, .domain = TS_HOURS_MEETINGS, .w = 0.75f};
    assert_true(ts_evidence_handle(&w, &m));
    assert_float_equal(w.hours[2 * TS_HOURS_SLOTS + TS_HOURS_MEETINGS], 0.75f, 0.0f);
    m = (ts_msg){.to = 2, .kind = TS_MK_MODULE_BASE};
    assert_false(ts_evidence_handle(&w, &m));
    ts_world_free(&w);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_listener_lists),
        cmocka_unit_test(test_shared_kinds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
