/* Allocation failures on demand, for tests of what the program does when memory runs out.
 * A test that uses these is linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc
 * (ts_wrap_allocations in CMakeLists.txt): the program's own calls to malloc, calloc and
 * realloc then go through counting wrappers (those made inside libc, HDF5, libyaml or the
 * OpenMP runtime do not). Single-threaded use only: the count is not atomic. */
#ifndef TS_ALLOC_FAIL_H
#define TS_ALLOC_FAIL_H

#include <stddef.h>

#include "status.h"

/* From now on, count allocations and fail the k-th (k >= 1); k = 0 stops failing and
 * counting. */
void tst_alloc_fail_at(size_t k);
/* Stops failing and counting; the count stays readable. */
void tst_alloc_stop(void);
/* Allocations counted since the last tst_alloc_fail_at. */
size_t tst_alloc_calls(void);

/* Runs body(ctx) with the 1st, 2nd, ... allocation failing in turn, until a run makes fewer
 * allocations than the one to fail (every allocation has then failed once), and returns how
 * many runs met their failure. body does the work, calls tst_alloc_stop() and then checks
 * its outcome (cmocka asserts), so that a failed check leaves nothing armed; a crash fails
 * the test. */
size_t tst_alloc_fail_each(void (*body)(void *ctx), void *ctx);

/* The outcome of work done while an allocation failed, read after tst_alloc_stop(): fails
 * the test unless st is TS_OK (the allocation was optional) or TS_ERR_NOMEM with a message
 * that says "out of memory"; returns 1 for the latter, 0 for the former. */
int tst_alloc_nomem(ts_status st, const ts_error *err);

#endif
