/* Tests for sim/core/relstore.c: the mental-model store (blocks, find, eviction, forgetting). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "relstore.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define FORGET 0.998

static int close_rel(double got, double want) {
    return fabs(got - want) <= 1e-5 * fabs(want) + 1e-7;
}

#define assert_close(got, want)                                                                    \
    do {                                                                                           \
        double got_ = (got), want_ = (want);                                                       \
        if (!close_rel(got_, want_)) {                                                             \
            fail_msg("%s = %.9g, expected %.9g", #got, got_, want_);                               \
        }                                                                                          \
    } while (0)

static void init_ok(ts_relstore *s, uint32_t capacity, uint32_t n_domains, uint32_t n_agents) {
    ts_error err;
    ts_error_clear(&err);
    assert_int_equal(ts_relstore_init(s, capacity, n_domains, FORGET, &err), TS_OK);
    assert_int_equal(ts_relstore_reserve(s, n_agents, &err), TS_OK);
    assert_int_equal(err.status, TS_OK);
}

static void expect_init_param(uint32_t capacity, uint32_t n_domains, double forgetting,
                              const char *needle) {
    ts_relstore s;
    ts_error err;
    ts_error_clear(&err);
    assert_int_equal(ts_relstore_init(&s, capacity, n_domains, forgetting, &err), TS_ERR_PARAM);
    assert_int_equal(err.status, TS_ERR_PARAM);
    if (!strstr(err.msg, needle)) {
        fail_msg("message '%s' lacks '%s'", err.msg, needle);
    }
    ts_relstore_free(&s); /* a failed init leaves a freeable store */
}

static void test_init_rejects_bad_params(void **state) {
    (void)state;
    expect_init_param(0, 4, FORGET, "capacity");
    expect_init_param(0x80000000u, 4, FORGET, "capacity");
    expect_init_param(TS_RELSTORE_MAX_CAPACITY + 1, 4, FORGET, "capacity"); /* 16-bit index */
    expect_init_param(128, 0, FORGET, "n_domains");
    expect_init_param(128, TS_MAX_DOMAINS + 1, FORGET, "n_domains");
    expect_init_param(128, 4, 0.0, "forgetting");
    expect_init_param(128, 4, -0.5, "forgetting");
    expect_init_param(128, 4, 1.0001, "forgetting");
    expect_init_param(128, 4, NAN, "forgetting");

    /* forgetting 1 (no decay) is allowed, and free is safe twice. */
    ts_relstore s;
    assert_int_equal(ts_relstore_init(&s, 128, 4, 1.0, NULL), TS_OK);
    assert_int_equal(ts_relstore_reserve(&s, 2, NULL), TS_OK);
    int slot = ts_relstore_insert(&s, 0, 1, 3, NULL);
    ts_relstore_add_competence(&s, 0, (uint32_t)slot, 3, 0, 0.3717f, 0.0f);
    assert_close(ts_relstore_evidence(&s, 0, (uint32_t)slot, 5003), 0.3717);
    ts_relstore_free(&s);
    ts_relstore_free(&s);
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define TST_SANITIZED 1
#endif
#endif

#ifndef TST_SANITIZED
/* The process's virtual size in bytes (the first field of /proc/self/statm, in pages). */
static size_t vm_bytes(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long pages = 0;
    if (f) {
        if (fscanf(f, "%lu", &pages) != 1) {
            pages = 0;
        }
        fclose(f);
    }
    return (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
}
#endif

static void test_reserve_nomem(void **state) {
    (void)state;
#ifdef TST_SANITIZED
    /* The sanitizers reserve terabytes of address space: a limit on it would break them. */
    skip();
#else
    /* The largest store (65,535 models of 8 domains, 6.3 MB an agent, a chunk of 6.4 GB)
     * under an address-space limit of 1 GB more than the process uses: the chunk's mapping
     * fails as it would on a machine without the memory. */
    ts_relstore s;
    ts_error err;
    ts_error_clear(&err);
    assert_int_equal(ts_relstore_init(&s, TS_RELSTORE_MAX_CAPACITY, 8, FORGET, &err), TS_OK);
    struct rlimit old, lim;
    assert_int_equal(getrlimit(RLIMIT_AS, &old), 0);
    lim = old;
    lim.rlim_cur = (rlim_t)(vm_bytes() + ((size_t)1 << 30));
    assert_int_equal(setrlimit(RLIMIT_AS, &lim), 0);
    ts_status st = ts_relstore_reserve(&s, 1, &err);
    assert_int_equal(setrlimit(RLIMIT_AS, &old), 0);
    assert_int_equal(st, TS_ERR_NOMEM);
    assert_int_equal(err.status, TS_ERR_NOMEM);
    /* Said as such, with how much was asked: "out of memory: 6422 MB asked for ...". */
    assert_int_equal(strncmp(err.msg, "out of memory: ", 15), 0);
    assert_non_null(strstr(err.msg, " MB asked for the mental models of agents 0 to 1023"));
    assert_int_equal(s.n_agents, 0);
    assert_int_equal(s.n_chunks, 0);
    ts_relstore_free(&s);
#endif
}

static void test_insert_find_id_count(void **state) {
    (void)state;
    ts_relstore s;
    init_ok(&s, 20, 4, 3);
    assert_int_equal(ts_relstore_count(&s, 1), 0);
    assert_int_equal(ts_relstore_find(&s, 1, 0), -1);
    /* 19 models: two full groups of 8 and a tail of 3, so every path of find runs. */
    for (uint32_t k = 0; k < 19; k++) {
        uint32_t other = 1000 + 37 * k;
        assert_int_equal(ts_relstore_insert(&s, 1, other, (int32_t)k, NULL), (int)k);
        assert_int_equal(ts_relstore_count(&s, 1), k + 1);
    }
    for (uint32_t k = 0; k < 19; k++) {
        uint32_t other = 1000 + 37 * k;
        assert_int_equal(ts_relstore_find(&s, 1, other), (int)k);
        assert_int_equal(ts_relstore_id(&s, 1, k), other);
    }
    assert_int_equal(ts_relstore_find(&s, 1, 1001), -1);
    assert_int_equal(ts_relstore_find(&s, 1, TS_NO_AGENT), -1);
    assert_int_equal(ts_relstore_find(&s, 0, 1000), -1); /* another agent's block */
    assert_int_equal(ts_relstore_find(&s, 2, 1000), -1);
    assert_int_equal(ts_relstore_count(&s, 0), 0);
    assert_int_equal(ts_relstore_count(&s, 2), 0);

    /* Inserting a held id returns its slot and keeps its evidence. */
    ts_relstore_add_competence(&s, 1, 5, 7, 1, 0.3717f, 0.0f);
    assert_int_equal(ts_relstore_insert(&s, 1, 1000 + 37 * 5, 7, NULL), 5);
    assert_int_equal(ts_relstore_count(&s, 1), 19);
    ts_belief b;
    ts_relstore_read(&s, 1, 5, 7, &b);
    assert_close(b.alpha_e[1], 0.3717);

    /* TS_NO_AGENT is never an id. */
    assert_int_equal(ts_relstore_insert(&s, 1, TS_NO_AGENT, 7, NULL), -1);
    assert_int_equal(ts_relstore_count(&s, 1), 19);

    /* A fresh model is empty with last_day = day. */
    assert_int_equal(ts_relstore_insert(&s, 0, 2, 41, NULL), 0);
    ts_relstore_read(&s, 0, 0, 41, &b);
    assert_int_equal(b.last_day, 41);
    assert_true(b.alpha_e[0] == 0.0f && b.beta_e[3] == 0.0f && b.integ_a_e == 0.0f);
    assert_true(b.integ_b_e == 0.0f && b.scar == 0.0f && b.goodwill == 0.0f);
    ts_relstore_free(&s);
}

static void test_reserve_growth_keeps_content(void **state) {
    (void)state;
    ts_relstore s;
    init_ok(&s, 16, 4, 10);
    assert_int_equal(s.n_chunks, 1);
    ts_relstore_insert(&s, 0, 9, 4, NULL);
    ts_relstore_add_competence(&s, 0, 0, 4, 3, 1.25f, 0.5f);
    ts_relstore_insert(&s, 9, 0, 4, NULL);
    ts_relstore_add_goodwill(&s, 9, 0, 4, 0.3717f);
    void *chunk0 = s.chunks[0];

    assert_int_equal(ts_relstore_reserve(&s, 1030, NULL), TS_OK); /* into a second chunk */
    assert_int_equal(s.n_chunks, 2);
    assert_int_equal(s.n_agents, 1030);
    ts_relstore_insert(&s, 1029, 0, 5, NULL);
    ts_relstore_add_integrity(&s, 1029, 0, 5, 2.5f, 0.0f, 0.0f);
    assert_int_equal(ts_relstore_reserve(&s, 5000, NULL), TS_OK);
    assert_int_equal(s.n_chunks, 5);
    assert_int_equal(ts_relstore_reserve(&s, 100, NULL), TS_OK); /* never shrinks */
    assert_int_equal(s.n_agents, 5000);
    assert_ptr_equal(s.chunks[0], chunk0); /* blocks never move */

    ts_belief b;
    assert_int_equal(ts_relstore_find(&s, 0, 9), 0);
    ts_relstore_read(&s, 0, 0, 4, &b);
    assert_close(b.alpha_e[3], 1.25);
    assert_close(b.beta_e[3], 0.5);
    ts_relstore_read(&s, 9, 0, 4, &b);
    assert_close(b.goodwill, 0.3717);
    ts_relstore_read(&s, 1029, 0, 5, &b);
    assert_close(b.integ_a_e, 2.5);
    for (uint32_t a = 1030; a < 5000; a++) {
        assert_int_equal(ts_relstore_count(&s, a), 0);
    }
    ts_relstore_free(&s);
}

static void test_forgetting_closed_form(void **state) {
    (void)state;
    ts_relstore s;
    init_ok(&s, 8, 4, 2);
    int slot = ts_relstore_insert(&s, 1, 0, 10, NULL);
    ts_relstore_add_competence(&s, 1, (uint32_t)slot, 10, 2, 3.0f, 0.8125f);
    ts_relstore_add_integrity(&s, 1, (uint32_t)slot, 10, 1.75f, 0.625f, 0.75f);
    ts_relstore_add_goodwill(&s, 1, (uint32_t)slot, 10, 0.3717f);

    ts_belief b;
    ts_relstore_read(&s, 1, (uint32_t)slot, 60, &b);
    double f = pow(FORGET, 50.0);
    assert_close(b.alpha_e[2], 3.0 * f); /* 2.7148... */
    assert_true(b.alpha_e[2] > 2.714f && b.alpha_e[2] < 2.715f);
    assert_close(b.beta_e[2], 0.8125 * f);
    assert_close(b.integ_a_e, 1.75 * f);
    assert_close(b.integ_b_e, 0.625 * f);
    assert_close(b.goodwill, 0.3717 * f);
    assert_true(b.scar == 0.75f); /* never decays */
    assert_int_equal(b.last_day, 10);
    assert_close(ts_relstore_evidence(&s, 1, (uint32_t)slot, 60), 3.8125 * f);

    /* A year and a half later the scar is still whole. */
    ts_relstore_read(&s, 1, (uint32_t)slot, 560, &b);
    assert_close(b.alpha_e[2], 3.0 * pow(FORGET, 550.0));
    assert_true(b.scar == 0.75f);

    /* Either side of the tabulated gaps the decay follows the same curve, one day's
     * forgetting apart. */
    for (int32_t gap = TS_RELSTORE_DECAY_DAYS - 2; gap <= TS_RELSTORE_DECAY_DAYS + 1; gap++) {
        ts_belief next;
        ts_relstore_read(&s, 1, (uint32_t)slot, 10 + gap, &b);
        ts_relstore_read(&s, 1, (uint32_t)slot, 11 + gap, &next);
        assert_close(b.alpha_e[2], 3.0 * pow(FORGET, (double)gap));
        assert_close(next.alpha_e[2] / b.alpha_e[2], FORGET);
    }

    /* Reading wrote nothing: the same day gives the stored values back exactly. */
    ts_relstore_read(&s, 1, (uint32_t)slot, 10, &b);
    assert_true(b.alpha_e[2] == 3.0f);
    assert_true(b.goodwill == 0.3717f);
    assert_int_equal(b.last_day, 10);
    ts_relstore_free(&s);
}

static void test_add_on_decayed(void **state) {
    (void)state;
    ts_relstore s;
    init_ok(&s, 8, 4, 2);
    int slot = ts_relstore_insert(&s, 0, 1, 10, NULL);
    ts_relstore_add_competence(&s, 0, (uint32_t)slot, 10, 0, 3.0f, 0.0f);
    ts_relstore_add_competence(&s, 0, (uint32_t)slot, 60, 0, 1.25f, 0.5f);
    ts_belief b;
    ts_relstore_read(&s, 0, (uint32_t)slot, 60, &b);
    double at60 = 3.0 * pow(FORGET, 50.0) + 1.25;
    assert_close(b.alpha_e[0], at60);
    assert_close(b.beta_e[0], 0.5);
    assert_int_equal(b.last_day, 60);
    ts_relstore_read(&s, 0, (uint32_t)slot, 100, &b);
    assert_close(b.alpha_e[0], at60 * pow(FORGET, 40.0));
    assert_close(b.beta_e[0], 0.5 * pow(FORGET, 40.0));

    /* Every writer decays the whole model, not only the field it adds to. */
    ts_relstore_add_integrity(&s, 0, (uint32_t)slot, 90, 0.0f, 0.0f, 0.0f);
    ts_relstore_read(&s, 0, (uint32_t)slot, 90, &b);
    assert_close(b.alpha_e[0], at60 * pow(FORGET, 30.0));
    assert_int_equal(b.last_day, 90);
    ts_relstore_add_goodwill(&s, 0, (uint32_t)slot, 95, 0.0f);
    ts_relstore_read(&s, 0, (uint32_t)slot, 95, &b);
    assert_close(b.alpha_e[0], at60 * pow(FORGET, 35.0));
    ts_relstore_free(&s);
}

static void test_past_day_does_not_amplify(void **state) {
    (void)state;
    ts_relstore s;
    init_ok(&s, 8, 4, 2);
    int slot = ts_relstore_insert(&s, 0, 1, 50, NULL);
    ts_relstore_add_competence(&s, 0, (uint32_t)slot, 50, 1, 2.5f, 0.0f);
    ts_relstore_add_goodwill(&s, 0, (uint32_t)slot, 50, -0.4f);
    ts_belief b;
    ts_relstore_read(&s, 0, (uint32_t)slot, 20, &b);
    assert_true(b.alpha_e[1] == 2.5f);
    assert_true(b.goodwill == -0.4f);
    assert_close(ts_relstore_evidence(&s, 0, (uint32_t)slot, 20), 2.5);

    /* A write dated before last_day adds without decay and keeps last_day. */
    ts_relstore_add_competence(&s, 0, (uint32_t)slot, 20, 1, 0.5f, 0.0f);
    ts_relstore_read(&s, 0, (uint32_t)slot, 50, &b);
    assert_close(b.alpha_e[1], 3.0);
    assert_int_equal(b.last_day, 50);
    ts_relstore_read(&s, 0, (uint32_t)slot, 70, &b);
    assert_close(b.alpha_e[1], 3.0 * pow(FORGET, 20.0));
    ts_relstore_free(&s);
}

static void test_goodwill_clamped(void **state) {
    (void)state;
    ts_relstore s;
    init_ok(&s, 8, 4, 2);
    int slot = ts_relstore_insert(&s, 0, 1, 0, NULL);
    ts_belief b;
    ts_relstore_add_goodwill(&s, 0, (uint32_t)slot, 0, 0.8f);
    ts_relstore_add_goodwill(&s, 0, (uint32_t)slot, 0, 0.7f);
    ts_relstore_read(&s, 0, (uint32_t)slot, 0, &b);
    assert_true(b.goodwill == 1.0f);
    ts_relstore_add_goodwill(&s, 0, (uint32_t)slot, 0, -0.3717f);
    ts_relstore_read(&s, 0, (uint32_t)slot, 0, &b);
    assert_close(b.goodwill, 1.0 - 0.3717);
    ts_relstore_add_goodwill(&s, 0, (uint32_t)slot, 10, -2.5f);
    ts_relstore_read(&s, 0, (uint32_t)slot, 10, &b);
    assert_true(b.goodwill == -1.0f);
    /* Decay from the clamp moves toward 0. */
    ts_relstore_read(&s, 0, (uint32_t)slot, 30, &b);
    assert_close(b.goodwill, -pow(FORGET, 20.0));

    b.goodwill = 3.0f;
    ts_relstore_write(&s, 0, (uint32_t)slot, &b);
    ts_relstore_read(&s, 0, (uint32_t)slot, b.last_day, &b);
    assert_true(b.goodwill == 1.0f);
    ts_relstore_free(&s);
}

static void test_eviction(void **state) {
    (void)state;
    uint32_t manager_of[20];
    for (uint32_t i = 0; i < 20; i++) {
        manager_of[i] = TS_NO_AGENT;
    }
    manager_of[5] = 2;  /* owner 5's manager */
    manager_of[7] = 5;  /* a direct report of 5 */
    manager_of[12] = 7; /* a report of a report: not protected */
    ts_relstore s;
    init_ok(&s, 4, 4, 20);
    assert_int_equal(ts_relstore_insert(&s, 5, 2, 1, manager_of), 0);
    assert_int_equal(ts_relstore_insert(&s, 5, 7, 2, manager_of), 1);
    assert_int_equal(ts_relstore_insert(&s, 5, 9, 3, manager_of), 2);
    assert_int_equal(ts_relstore_insert(&s, 5, 11, 4, manager_of), 3);
    ts_relstore_add_competence(&s, 5, 3, 4, 0, 2.0f, 1.0f);
    ts_relstore_add_integrity(&s, 5, 3, 4, 1.0f, 1.0f, 0.5f);
    ts_relstore_add_goodwill(&s, 5, 3, 4, 0.5f);
    ts_relstore_add_goodwill(&s, 5, 2, 10, 0.1f); /* 9 now last written at day 10 */

    /* Oldest are 2 (day 1) and 7 (day 2) but protected; 11 (day 4) goes. */
    assert_int_equal(ts_relstore_insert(&s, 5, 12, 11, manager_of), 3);
    assert_int_equal(ts_relstore_count(&s, 5), 4);
    assert_int_equal(ts_relstore_id(&s, 5, 3), 12);
    assert_int_equal(ts_relstore_find(&s, 5, 11), -1);
    ts_belief b;
    ts_relstore_read(&s, 5, 3, 11, &b);
    assert_true(b.alpha_e[0] == 0.0f && b.beta_e[0] == 0.0f && b.scar == 0.0f);
    assert_true(b.integ_a_e == 0.0f && b.integ_b_e == 0.0f && b.goodwill == 0.0f);
    assert_int_equal(b.last_day, 11);

    /* Next: 9 (day 10) is older than 12 (day 11). */
    assert_int_equal(ts_relstore_insert(&s, 5, 13, 12, manager_of), 2);
    assert_int_equal(ts_relstore_id(&s, 5, 2), 13);

    /* Without manager_of nothing is protected: the manager (day 1) goes. */
    assert_int_equal(ts_relstore_insert(&s, 5, 14, 13, NULL), 0);
    assert_int_equal(ts_relstore_id(&s, 5, 0), 14);
    ts_relstore_free(&s);
}

static void test_eviction_ties_lowest_slot(void **state) {
    (void)state;
    uint32_t manager_of[10];
    for (uint32_t i = 0; i < 10; i++) {
        manager_of[i] = TS_NO_AGENT; /* owner 0 has no manager and no reports */
    }
    ts_relstore s;
    init_ok(&s, 4, 4, 10);
    for (uint32_t k = 1; k <= 4; k++) {
        ts_relstore_insert(&s, 0, k, 5, manager_of);
    }
    assert_int_equal(ts_relstore_insert(&s, 0, 6, 6, manager_of), 0);
    /* Slots 1, 2, 3 tie at day 5: the lowest goes. */
    assert_int_equal(ts_relstore_insert(&s, 0, 7, 7, manager_of), 1);
    assert_int_equal(ts_relstore_insert(&s, 0, 8, 7, manager_of), 2);
    assert_int_equal(ts_relstore_id(&s, 0, 0), 6);
    assert_int_equal(ts_relstore_id(&s, 0, 1), 7);
    assert_int_equal(ts_relstore_id(&s, 0, 2), 8);
    assert_int_equal(ts_relstore_id(&s, 0, 3), 4);
    ts_relstore_free(&s);
}

static void test_eviction_all_protected(void **state) {
    (void)state;
    uint32_t manager_of[12];
    for (uint32_t i = 0; i < 12; i++) {
        manager_of[i] = TS_NO_AGENT;
    }
    manager_of[5] = 2;
    manager_of[7] = manager_of[8] = manager_of[10] = 5;
    ts_relstore s;
    init_ok(&s, 4, 4, 12);
    uint32_t held[4] = {2, 7, 8, 10};
    for (uint32_t k = 0; k < 4; k++) {
        assert_int_equal(ts_relstore_insert(&s, 5, held[k], (int32_t)k, manager_of), (int)k);
    }
    assert_int_equal(ts_relstore_insert(&s, 5, 3, 9, manager_of), -1);
    assert_int_equal(ts_relstore_count(&s, 5), 4);
    for (uint32_t k = 0; k < 4; k++) {
        assert_int_equal(ts_relstore_id(&s, 5, k), held[k]);
    }
    assert_int_equal(ts_relstore_find(&s, 5, 3), -1);
    ts_relstore_free(&s);
}

static void test_bytes_per_model(void **state) {
    (void)state;
    ts_relstore s;
    init_ok(&s, 128, 4, 0);
    /* An id, then integrity (2), scar, goodwill, last and first day, and 2 per domain, and
     * two 16-bit entries of the index. */
    assert_int_equal(ts_relstore_bytes_per_model(&s), 4 + 4 * (6 + 2 * 4) + 4);
    assert_true(ts_relstore_bytes_per_model(&s) <= 64);
    ts_relstore_free(&s);
    init_ok(&s, 128, 1, 0);
    assert_int_equal(ts_relstore_bytes_per_model(&s), 4 + 4 * (6 + 2 * 1) + 4);
    ts_relstore_free(&s);
    init_ok(&s, 128, 8, 0);
    assert_int_equal(ts_relstore_bytes_per_model(&s), 4 + 4 * (6 + 2 * 8) + 4);
    ts_relstore_free(&s);
}

/* A model remembers the day of first contact through later writes and reads; a whole
 * write sets it, and a replacement model starts its own. */
static void test_first_day(void **state) {
    (void)state;
    ts_relstore s;
    init_ok(&s, 2, 2, 4);
    int slot = ts_relstore_insert(&s, 1, 3, 37, NULL);
    assert_true(slot >= 0);
    ts_relstore_add_competence(&s, 1, (uint32_t)slot, 90, 0, 0.3717f, 0.0f);
    ts_relstore_add_integrity(&s, 1, (uint32_t)slot, 120, 0.5f, 0.0f, 0.0f);
    ts_belief b;
    ts_relstore_read(&s, 1, (uint32_t)slot, 400, &b);
    assert_int_equal(b.first_day, 37);
    assert_int_equal(b.last_day, 120);
    b.first_day = -250;
    ts_relstore_write(&s, 1, (uint32_t)slot, &b);
    ts_relstore_read(&s, 1, (uint32_t)slot, 400, &b);
    assert_int_equal(b.first_day, -250);
    /* Fill the block; the least recently written model is replaced by a new one. */
    int other = ts_relstore_insert(&s, 1, 2, 130, NULL);
    assert_true(other >= 0 && other != slot);
    int fresh = ts_relstore_insert(&s, 1, 0, 141, NULL);
    assert_int_equal(fresh, slot);
    ts_relstore_read(&s, 1, (uint32_t)fresh, 141, &b);
    assert_int_equal(b.first_day, 141);
    ts_relstore_free(&s);
}

static void test_clear(void **state) {
    (void)state;
    ts_relstore s;
    init_ok(&s, 8, 4, 3);
    for (uint32_t k = 0; k < 3; k++) {
        ts_relstore_insert(&s, 1, 10 + k, 3, NULL);
        ts_relstore_add_competence(&s, 1, k, 3, 0, 1.5f, 0.0f);
    }
    ts_relstore_insert(&s, 2, 10, 3, NULL);
    ts_relstore_clear(&s, 1);
    assert_int_equal(ts_relstore_count(&s, 1), 0);
    assert_int_equal(ts_relstore_find(&s, 1, 10), -1);
    assert_int_equal(ts_relstore_count(&s, 2), 1);
    assert_int_equal(ts_relstore_find(&s, 2, 10), 0);
    /* A reinserted model starts empty, not with the cleared evidence. */
    assert_int_equal(ts_relstore_insert(&s, 1, 11, 4, NULL), 0);
    assert_close(ts_relstore_evidence(&s, 1, 0, 4), 0.0);
    ts_relstore_free(&s);
}

static void test_evidence_sums_domains(void **state) {
    (void)state;
    ts_relstore s;
    init_ok(&s, 8, 4, 2);
    int slot = ts_relstore_insert(&s, 0, 1, 0, NULL);
    ts_relstore_add_competence(&s, 0, (uint32_t)slot, 0, 0, 1.5f, 0.25f);
    ts_relstore_add_competence(&s, 0, (uint32_t)slot, 20, 1, 0.75f, 0.0f);
    ts_relstore_add_competence(&s, 0, (uint32_t)slot, 30, 3, 0.0f, 2.125f);
    ts_relstore_add_integrity(&s, 0, (uint32_t)slot, 30, 5.0f, 5.0f, 5.0f); /* not counted */
    double want30 = 1.75 * pow(FORGET, 30.0) + 0.75 * pow(FORGET, 10.0) + 2.125;
    assert_close(ts_relstore_evidence(&s, 0, (uint32_t)slot, 30), want30);
    assert_close(ts_relstore_evidence(&s, 0, (uint32_t)slot, 80), want30 * pow(FORGET, 50.0));
    ts_relstore_free(&s);
}

static void check_domains(uint32_t n_domains) {
    ts_relstore s;
    init_ok(&s, 8, n_domains, 2);
    int slot = ts_relstore_insert(&s, 1, 0, 0, NULL);
    double sum = 0.0;
    for (uint32_t d = 0; d < n_domains; d++) {
        float w = 0.25f * (float)(d + 1);
        ts_relstore_add_competence(&s, 1, (uint32_t)slot, 0, d, w, 0.5f * w);
        sum += 1.5 * w;
    }
    ts_relstore_add_integrity(&s, 1, (uint32_t)slot, 0, 0.3717f, 0.125f, 0.0625f);
    ts_relstore_add_goodwill(&s, 1, (uint32_t)slot, 0, -0.3717f);
    ts_belief b;
    ts_relstore_read(&s, 1, (uint32_t)slot, 25, &b);
    double f = pow(FORGET, 25.0);
    for (uint32_t d = 0; d < n_domains; d++) {
        assert_close(b.alpha_e[d], 0.25 * (d + 1) * f);
        assert_close(b.beta_e[d], 0.125 * (d + 1) * f);
    }
    for (uint32_t d = n_domains; d < TS_MAX_DOMAINS; d++) {
        assert_true(b.alpha_e[d] == 0.0f && b.beta_e[d] == 0.0f);
    }
    assert_close(b.integ_a_e, 0.3717 * f);
    assert_close(b.integ_b_e, 0.125 * f);
    assert_true(b.scar == 0.0625f);
    assert_close(b.goodwill, -0.3717 * f);
    assert_close(ts_relstore_evidence(&s, 1, (uint32_t)slot, 25), sum * f);

    /* write() round-trips through read() on the same day. */
    ts_belief w;
    memset(&w, 0, sizeof w);
    for (uint32_t d = 0; d < n_domains; d++) {
        w.alpha_e[d] = 1.0f + (float)d;
        w.beta_e[d] = 0.5f + (float)d;
    }
    w.integ_a_e = 3.25f;
    w.integ_b_e = 0.375f;
    w.scar = 1.5f;
    w.goodwill = 0.3717f;
    w.last_day = 33;
    ts_relstore_write(&s, 1, (uint32_t)slot, &w);
    ts_relstore_read(&s, 1, (uint32_t)slot, 33, &b);
    assert_memory_equal(&b, &w, sizeof w);
    ts_relstore_free(&s);
}

static void test_domains_1_and_8(void **state) {
    (void)state;
    check_domains(1);
    check_domains(4);
    check_domains(8);
}

/* A value unique to (owner, slot, field) so a write landing in a wrong block shows. */
static float tag(uint32_t owner, uint32_t slot, uint32_t field) {
    return (float)(owner * 1000 + slot * 32 + field); /* exact in a float below 2^24 */
}

static void test_agents_isolated(void **state) {
    (void)state;
    const uint32_t cap = 5;
    const uint32_t owners[] = {0, 1, 513, 1022, 1023, 1024, 1025, 1535, 2047, 2048, 2099};
    const size_t n_owners = sizeof owners / sizeof owners[0];
    ts_relstore s;
    init_ok(&s, cap, 8, 2100); /* 8 domains: the widest model */
    for (size_t o = 0; o < n_owners; o++) {
        for (uint32_t k = 0; k < cap; k++) {
            uint32_t a = owners[o];
            assert_int_equal(ts_relstore_insert(&s, a, 3000 + 10 * a + k, 7, NULL), (int)k);
            ts_belief b;
            memset(&b, 0, sizeof b);
            for (uint32_t d = 0; d < 8; d++) {
                b.alpha_e[d] = tag(a, k, d);
                b.beta_e[d] = tag(a, k, 8 + d);
            }
            b.integ_a_e = tag(a, k, 16);
            b.integ_b_e = tag(a, k, 17);
            b.scar = tag(a, k, 18);
            b.goodwill = 0.1f * (float)k - 0.2f;
            b.last_day = 7;
            ts_relstore_write(&s, a, k, &b);
        }
    }
    for (size_t o = 0; o < n_owners; o++) {
        uint32_t a = owners[o];
        assert_int_equal(ts_relstore_count(&s, a), cap);
        for (uint32_t k = 0; k < cap; k++) {
            assert_int_equal(ts_relstore_id(&s, a, k), 3000 + 10 * a + k);
            ts_belief b;
            ts_relstore_read(&s, a, k, 7, &b);
            for (uint32_t d = 0; d < 8; d++) {
                assert_true(b.alpha_e[d] == tag(a, k, d));
                assert_true(b.beta_e[d] == tag(a, k, 8 + d));
            }
            assert_true(b.integ_a_e == tag(a, k, 16));
            assert_true(b.integ_b_e == tag(a, k, 17));
            assert_true(b.scar == tag(a, k, 18));
            assert_true(b.goodwill == 0.1f * (float)k - 0.2f);
        }
    }
    assert_int_equal(ts_relstore_count(&s, 2), 0);
    assert_int_equal(ts_relstore_count(&s, 1026), 0);
    ts_relstore_free(&s);
}

static long resident_bytes(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, resident = -1;
    if (f) {
        if (fscanf(f, "%ld %ld", &size, &resident) != 2) {
            resident = -1;
        }
        fclose(f);
    }
    return resident < 0 ? -1 : resident * sysconf(_SC_PAGESIZE);
}

static void test_large_reserve_is_cheap(void **state) {
    (void)state;
    /* 1,000,000 agents x 128 models x 56 bytes is 7 GB of address space; untouched
     * pages must not be committed. */
    ts_relstore s;
    /* Create and free a store first: freeing large blocks changes how a heap allocator
     * serves the next ones, and the store must stay lazy regardless. */
    init_ok(&s, 128, 4, 3 * TS_RELSTORE_CHUNK);
    ts_relstore_free(&s);
    long before = resident_bytes();
    init_ok(&s, 128, 4, 1000000);
    assert_int_equal(s.n_chunks, (1000000 + TS_RELSTORE_CHUNK - 1) / TS_RELSTORE_CHUNK);
    int slot = ts_relstore_insert(&s, 999999, 3, 1, NULL);
    ts_relstore_add_competence(&s, 999999, (uint32_t)slot, 1, 3, 0.3717f, 0.0f);
    assert_close(ts_relstore_evidence(&s, 999999, (uint32_t)slot, 1), 0.3717);
    assert_int_equal(ts_relstore_count(&s, 999998), 0);
    long after = resident_bytes();
    if (before < 0 || after < 0) {
        ts_relstore_free(&s);
        skip();
    }
    if (after - before > 64L * 1024 * 1024) {
        fail_msg("reserve committed %ld MB", (after - before) / (1024 * 1024));
    }
    ts_relstore_free(&s);
}

/* ---- Property test against a naive reference ---------------------------------- */

#define P_CAP 4
#define P_DOMAINS 3
#define P_AGENTS 1100
#define P_POOL 14

typedef struct ref_model {
    uint32_t id;
    float alpha[P_DOMAINS], beta[P_DOMAINS];
    float a, b, scar, goodwill;
    int32_t last;
} ref_model;

typedef struct ref_agent {
    uint32_t n;
    ref_model m[P_CAP];
} ref_agent;

static uint64_t lcg_next(uint64_t *x) {
    *x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
    return *x >> 33;
}

static uint32_t lcg_below(uint64_t *x, uint32_t n) {
    return (uint32_t)(lcg_next(x) % n);
}

static float lcg_weight(uint64_t *x, float scale) {
    return scale * (float)lcg_below(x, 10000) / 10000.0f;
}

static void ref_decay(ref_model *m, int32_t day) {
    if (day <= m->last) {
        return;
    }
    double f = pow(FORGET, (double)(day - m->last));
    for (int d = 0; d < P_DOMAINS; d++) {
        m->alpha[d] = (float)(m->alpha[d] * f);
        m->beta[d] = (float)(m->beta[d] * f);
    }
    m->a = (float)(m->a * f);
    m->b = (float)(m->b * f);
    m->goodwill = (float)(m->goodwill * f);
    m->last = day;
}

static int ref_insert(ref_agent *r, uint32_t owner, uint32_t other, int32_t day,
                      const uint32_t *manager_of) {
    for (uint32_t i = 0; i < r->n; i++) {
        if (r->m[i].id == other) {
            return (int)i;
        }
    }
    int slot = -1;
    if (r->n < P_CAP) {
        slot = (int)r->n++;
    } else {
        for (uint32_t i = 0; i < P_CAP; i++) {
            uint32_t id = r->m[i].id;
            if (id == manager_of[owner] || manager_of[id] == owner) {
                continue;
            }
            if (slot < 0 || r->m[i].last < r->m[slot].last) {
                slot = (int)i;
            }
        }
        if (slot < 0) {
            return -1;
        }
    }
    memset(&r->m[slot], 0, sizeof r->m[slot]);
    r->m[slot].id = other;
    r->m[slot].last = day;
    return slot;
}

static void compare_agent(const ts_relstore *s, const ref_agent *r, uint32_t owner, int32_t day) {
    assert_int_equal(ts_relstore_count(s, owner), r->n);
    for (uint32_t i = 0; i < r->n; i++) {
        const ref_model *m = &r->m[i];
        assert_int_equal(ts_relstore_id(s, owner, i), m->id);
        assert_int_equal(ts_relstore_find(s, owner, m->id), (int)i);
        ts_belief b;
        ts_relstore_read(s, owner, i, day, &b);
        double f = day > m->last ? pow(FORGET, (double)(day - m->last)) : 1.0;
        double ev = 0.0;
        for (int d = 0; d < P_DOMAINS; d++) {
            assert_close(b.alpha_e[d], m->alpha[d] * f);
            assert_close(b.beta_e[d], m->beta[d] * f);
            ev += (m->alpha[d] + m->beta[d]) * f;
        }
        assert_close(b.integ_a_e, m->a * f);
        assert_close(b.integ_b_e, m->b * f);
        assert_true(b.scar == m->scar);
        assert_close(b.goodwill, m->goodwill * f);
        assert_int_equal(b.last_day, m->last);
        assert_close(ts_relstore_evidence(s, owner, i, day), ev);
    }
    /* Every id of the pool the reference does not hold is not found (the index keeps no
     * trace of evicted or cleared models). */
    for (uint32_t id = 0; id < P_POOL; id++) {
        int held = 0;
        for (uint32_t i = 0; i < r->n; i++) {
            held |= r->m[i].id == id;
        }
        if (!held) {
            assert_int_equal(ts_relstore_find(s, owner, id), -1);
        }
    }
}

static void run_property(uint64_t seed) {
    static const uint32_t owners[] = {0, 1, 1023, 1024, 1025, 1099};
    enum { N_OWNERS = sizeof owners / sizeof owners[0] };
    static uint32_t manager_of[P_AGENTS];
    static ref_agent ref[N_OWNERS];
    uint64_t x = seed;
    memset(ref, 0, sizeof ref);
    for (uint32_t i = 0; i < P_AGENTS; i++) {
        uint32_t r = lcg_below(&x, 3);
        manager_of[i] = r == 0 ? TS_NO_AGENT : owners[lcg_below(&x, N_OWNERS)];
    }
    /* Owner 1024 has four reports and a manager in the pool: its block can fill with
     * protected models only. */
    for (uint32_t i = 0; i < 4; i++) {
        manager_of[i + 2] = 1024;
    }
    manager_of[1024] = 6;

    ts_relstore s;
    init_ok(&s, P_CAP, P_DOMAINS, 1000); /* owners past 1000 arrive with a reserve */
    int32_t day = 0;
    int refused = 0;
    for (int step = 0; step < 20000; step++) {
        if (step == 5000) {
            assert_int_equal(ts_relstore_reserve(&s, P_AGENTS, NULL), TS_OK);
        }
        uint32_t n_live = step < 5000 ? 2 : N_OWNERS;
        uint32_t o = lcg_below(&x, n_live);
        uint32_t owner = owners[o];
        ref_agent *r = &ref[o];
        uint32_t op = lcg_below(&x, 100);
        /* Mostly forward in time, sometimes a write dated in the past. */
        int32_t when = day;
        if (lcg_below(&x, 10) == 0) {
            when = day - (int32_t)lcg_below(&x, 30);
        } else {
            day += (int32_t)lcg_below(&x, 4);
            when = day;
        }
        uint32_t slot = r->n > 0 ? lcg_below(&x, r->n) : 0;
        if (op < 30 || r->n == 0) {
            uint32_t other = lcg_below(&x, P_POOL);
            int want = ref_insert(r, owner, other, when, manager_of);
            refused += want < 0;
            assert_int_equal(ts_relstore_insert(&s, owner, other, when, manager_of), want);
        } else if (op < 55) {
            uint32_t d = lcg_below(&x, P_DOMAINS);
            float sw = lcg_weight(&x, 1.0f), fw = lcg_weight(&x, 0.5f);
            ref_decay(&r->m[slot], when);
            r->m[slot].alpha[d] += sw;
            r->m[slot].beta[d] += fw;
            ts_relstore_add_competence(&s, owner, slot, when, d, sw, fw);
        } else if (op < 70) {
            float hw = lcg_weight(&x, 1.0f), dw = lcg_weight(&x, 1.0f), sc = lcg_weight(&x, 0.2f);
            ref_decay(&r->m[slot], when);
            r->m[slot].a += hw;
            r->m[slot].b += dw;
            r->m[slot].scar += sc;
            ts_relstore_add_integrity(&s, owner, slot, when, hw, dw, sc);
        } else if (op < 85) {
            float g = lcg_weight(&x, 1.4f) - 0.7f;
            ref_decay(&r->m[slot], when);
            float v = r->m[slot].goodwill + g;
            r->m[slot].goodwill = v > 1.0f ? 1.0f : (v < -1.0f ? -1.0f : v);
            ts_relstore_add_goodwill(&s, owner, slot, when, g);
        } else if (op < 88) {
            ts_belief b;
            memset(&b, 0, sizeof b);
            ref_model *m = &r->m[slot];
            for (int d = 0; d < P_DOMAINS; d++) {
                m->alpha[d] = b.alpha_e[d] = lcg_weight(&x, 3.0f);
                m->beta[d] = b.beta_e[d] = lcg_weight(&x, 3.0f);
            }
            m->a = b.integ_a_e = lcg_weight(&x, 2.0f);
            m->b = b.integ_b_e = lcg_weight(&x, 2.0f);
            m->scar = b.scar = lcg_weight(&x, 1.0f);
            m->goodwill = b.goodwill = lcg_weight(&x, 2.0f) - 1.0f;
            m->last = b.last_day = when;
            ts_relstore_write(&s, owner, slot, &b);
        } else if (op < 89) {
            r->n = 0;
            ts_relstore_clear(&s, owner);
        }
        /* Check this owner at a random day around now, past days included. */
        compare_agent(&s, r, owner, day - 20 + (int32_t)lcg_below(&x, 80));
    }
    for (uint32_t o = 0; o < N_OWNERS; o++) {
        compare_agent(&s, &ref[o], owners[o], day + 100);
    }
    assert_true(refused > 0); /* the all-protected path was exercised */
    ts_relstore_free(&s);
}

static void test_property_against_reference(void **state) {
    (void)state;
    run_property(20240607u);
    run_property(3717u);
    run_property(99991u);
}

/* Reading in blocks gives, model by model, what ts_relstore_read and ts_relstore_evidence
 * give (the same bits), over several blocks and a partial last one whose tail is zero. */
/* Reads 2 blocks and 3 models (a last block of half the lanes) with a capacity either
 * roomy (whole-block loops) or exactly full (the last block would run past it). */
static void read_block_matches_read(uint32_t capacity) {
    ts_relstore s;
    const uint32_t D = 3, n = 2 * TS_BELIEF_BLOCK + 3;
    init_ok(&s, capacity, D, 2);
    for (uint32_t k = 0; k < n; k++) {
        int32_t day = (int32_t)(k * 37 % 300); /* some models far older than others */
        int slot = ts_relstore_insert(&s, 1, 100 + k, day, NULL);
        assert_int_equal(slot, (int)k);
        ts_relstore_add_competence(&s, 1, k, day, k % D, 0.25f * (float)(k + 1), 0.1f * (float)k);
        ts_relstore_add_integrity(&s, 1, k, day, 0.3f * (float)k, 0.05f, k % 4 == 0 ? 1.0f : 0.0f);
        ts_relstore_add_goodwill(&s, 1, k, day, k % 2 ? 0.4f : -0.2f);
    }
    const int32_t today = 1500; /* gaps beyond the tabulated decay too */
    ts_belief_block blk;
    uint32_t seen = 0;
    for (uint32_t first = 0; ts_relstore_read_block(&s, 1, first, today, &blk) > 0;
         first += blk.n) {
        assert_true(blk.n <= TS_BELIEF_BLOCK);
        for (uint32_t k = 0; k < blk.n; k++) {
            ts_belief b;
            ts_relstore_read(&s, 1, first + k, today, &b);
            assert_int_equal(blk.id[k], ts_relstore_id(&s, 1, first + k));
            for (uint32_t d = 0; d < D; d++) {
                assert_memory_equal(&blk.alpha_e[d][k], &b.alpha_e[d], sizeof(float));
                assert_memory_equal(&blk.beta_e[d][k], &b.beta_e[d], sizeof(float));
            }
            assert_memory_equal(&blk.integ_a_e[k], &b.integ_a_e, sizeof(float));
            assert_memory_equal(&blk.integ_b_e[k], &b.integ_b_e, sizeof(float));
            assert_memory_equal(&blk.scar[k], &b.scar, sizeof(float));
            assert_memory_equal(&blk.goodwill[k], &b.goodwill, sizeof(float));
            float ev = ts_relstore_evidence(&s, 1, first + k, today);
            assert_memory_equal(&blk.evidence[k], &ev, sizeof(float));
        }
        uint32_t lanes = ts_belief_lanes(blk.n);
        assert_int_equal(lanes,
                         blk.n > TS_BELIEF_BLOCK / 2 ? TS_BELIEF_BLOCK : TS_BELIEF_BLOCK / 2);
        for (uint32_t k = blk.n; k < lanes; k++) {
            assert_true(blk.id[k] == 0 && blk.scar[k] == 0.0f);
            assert_true(blk.alpha_e[0][k] == 0.0f && blk.beta_e[D - 1][k] == 0.0f);
            assert_true(blk.evidence[k] == 0.0f && blk.goodwill[k] == 0.0f);
        }
        seen += blk.n;
    }
    assert_int_equal(seen, n);
    assert_int_equal(ts_relstore_read_block(&s, 0, 0, today, &blk), 0); /* no models */
    ts_relstore_free(&s);
}

/* The prefetch hints read only inside the owner's block and change nothing: every model
 * is found where it was, with the same values, whether the pair is held or not. */
static void test_prefetch_changes_nothing(void **state) {
    (void)state;
    ts_relstore s;
    init_ok(&s, 8, 2, 64);
    for (uint32_t k = 0; k < 8; k++) {
        int slot = ts_relstore_insert(&s, 5, 100 + 7 * k, 3, NULL);
        assert_int_equal(slot, (int)k);
        ts_relstore_add_competence(&s, 5, k, 3, k % 2, 0.5f + (float)k, 0.25f);
    }
    ts_belief before[8], after;
    for (uint32_t k = 0; k < 8; k++) {
        ts_relstore_read(&s, 5, k, 9, &before[k]);
    }
    for (uint32_t owner = 0; owner < 64; owner++) {
        for (uint32_t other = 0; other < 200; other++) {
            ts_relstore_prefetch_index(&s, owner, other);
            ts_relstore_prefetch_model(&s, owner, other);
        }
    }
    for (uint32_t k = 0; k < 8; k++) {
        assert_int_equal(ts_relstore_find(&s, 5, 100 + 7 * k), (int)k);
        ts_relstore_read(&s, 5, k, 9, &after);
        assert_memory_equal(&after, &before[k], sizeof after);
    }
    assert_int_equal(ts_relstore_find(&s, 5, 101), -1);
    assert_int_equal(ts_relstore_count(&s, 4), 0);
    assert_true(ts_relstore_bytes(&s) >=
                64 * (8 * sizeof(uint32_t) + 8 * s.stride * sizeof(float)));
    ts_relstore_free(&s);
}

static void test_read_block_matches_read(void **state) {
    (void)state;
    read_block_matches_read(64);
    read_block_matches_read(2 * TS_BELIEF_BLOCK + 3);
}

/* A store is "far" once its agents' blocks reach TS_RELSTORE_FAR_BYTES: derived from the
 * block size, one agent short of the threshold and exactly at it. Hints there change
 * nothing. */
static void test_far_threshold(void **state) {
    (void)state;
    ts_relstore s;
    init_ok(&s, 128, 4, 1);
    size_t block = ts_relstore_bytes(&s);
    assert_true(block > 0);
    uint32_t at = (uint32_t)((TS_RELSTORE_FAR_BYTES + block - 1) / block);
    assert_false(ts_relstore_far(&s));
    ts_error err;
    ts_error_clear(&err);
    assert_int_equal(ts_relstore_reserve(&s, at - 1, &err), TS_OK);
    assert_false(ts_relstore_far(&s));
    assert_int_equal(ts_relstore_reserve(&s, at, &err), TS_OK);
    assert_true(ts_relstore_far(&s));
    /* A batch of hints in the far store (held models, absent ones, an agent far off)
     * leaves every lookup and model as it was. */
    for (uint32_t k = 0; k < 5; k++) {
        int slot = ts_relstore_insert(&s, 3, 40 + k, 2, NULL);
        ts_relstore_add_competence(&s, 3, (uint32_t)slot, 2, k % 4, 1.0f + (float)k, 0.5f);
    }
    ts_belief before[5], after;
    for (uint32_t k = 0; k < 5; k++) {
        ts_relstore_read(&s, 3, k, 7, &before[k]);
    }
    const ts_lookup pairs[] = {{3, 40}, {3, 44}, {3, 99}, {at - 1, 3}, {0, 0}};
    ts_relstore_prefetch_lookups(&s, pairs, sizeof pairs / sizeof pairs[0]);
    for (uint32_t k = 0; k < 5; k++) {
        assert_int_equal(ts_relstore_find(&s, 3, 40 + k), (int)k);
        ts_relstore_read(&s, 3, k, 7, &after);
        assert_memory_equal(&after, &before[k], sizeof after);
    }
    assert_int_equal(ts_relstore_find(&s, 3, 99), -1);
    assert_int_equal(ts_relstore_count(&s, at - 1), 0);
    ts_relstore_free(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_rejects_bad_params),
        cmocka_unit_test(test_reserve_nomem),
        cmocka_unit_test(test_insert_find_id_count),
        cmocka_unit_test(test_reserve_growth_keeps_content),
        cmocka_unit_test(test_forgetting_closed_form),
        cmocka_unit_test(test_add_on_decayed),
        cmocka_unit_test(test_past_day_does_not_amplify),
        cmocka_unit_test(test_goodwill_clamped),
        cmocka_unit_test(test_eviction),
        cmocka_unit_test(test_eviction_ties_lowest_slot),
        cmocka_unit_test(test_eviction_all_protected),
        cmocka_unit_test(test_bytes_per_model),
        cmocka_unit_test(test_first_day),
        cmocka_unit_test(test_clear),
        cmocka_unit_test(test_evidence_sums_domains),
        cmocka_unit_test(test_domains_1_and_8),
        cmocka_unit_test(test_agents_isolated),
        cmocka_unit_test(test_large_reserve_is_cheap),
        cmocka_unit_test(test_property_against_reference),
        cmocka_unit_test(test_read_block_matches_read),
        cmocka_unit_test(test_prefetch_changes_nothing),
        cmocka_unit_test(test_far_threshold),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
