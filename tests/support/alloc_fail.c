#include "alloc_fail.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

static size_t g_calls, g_fail_at; /* calls counted since armed; 0: never fail */

static int fail_now(void) {
    return g_fail_at != 0 && ++g_calls == g_fail_at;
}

void *__wrap_malloc(size_t n) {
    return fail_now() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size) {
    return fail_now() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n) {
    return fail_now() ? NULL : __real_realloc(p, n);
}

static void alloc_fail_at(size_t k) {
    g_calls = 0;
    g_fail_at = k;
}

void tst_alloc_stop(void) {
    g_fail_at = 0;
}

tst_alloc_sweep tst_alloc_fail_each(const char *what, int (*body)(void *ctx), void *ctx) {
    tst_alloc_sweep s = {0, 0};
    for (size_t k = 1;; k++) {
        alloc_fail_at(k);
        int reported = body(ctx);
        tst_alloc_stop();
        if (g_calls < k) {
            break; /* the turn made fewer than k allocations: none of it failed */
        }
        s.failed++;
        s.reported += reported != 0;
    }
    print_message("%s: %zu allocations failed in turn, %zu of them reported\n", what, s.failed,
                  s.reported);
    return s;
}

int tst_alloc_nomem(ts_status st, const ts_error *err) {
    if (st == TS_OK) {
        return 0;
    }
    if (st != TS_ERR_NOMEM || !strstr(err->msg, "out of memory")) {
        fail_msg("with an allocation failing: status %d, \"%s\"", (int)st, err->msg);
    }
    return 1;
}
