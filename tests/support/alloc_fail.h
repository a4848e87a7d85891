/* Allocation failures on demand, for tests of what the program does when memory runs out.
 * A test that uses these is linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc
 * (the list of such tests in CMakeLists.txt): the program's own calls to malloc, calloc and
 * realloc then go through counting wrappers (those made inside libc, HDF5, libyaml or the
 * OpenMP runtime do not). Single-threaded use only: the count is not atomic. */
#ifndef TS_ALLOC_FAIL_H
#define TS_ALLOC_FAIL_H

#include <stddef.h>

#include "status.h"

/* Stops failing and counting allocations (the count of this turn stays kept). */
void tst_alloc_stop(void);

/* The outcome of work done while an allocation failed, read after tst_alloc_stop(): fails
 * the test unless st is TS_OK (the allocation was optional) or TS_ERR_NOMEM with a message
 * that says "out of memory"; returns 1 for the latter, 0 for the former. */
int tst_alloc_nomem(ts_status st, const ts_error *err);

/* What tst_alloc_fail_each saw: allocations failed (one a turn), and the turns that ended
 * in the out-of-memory error. */
typedef struct tst_alloc_sweep {
    size_t failed, reported;
} tst_alloc_sweep;

/* Runs body(ctx) with the 1st, 2nd, ... allocation failing in turn, until a turn makes fewer
 * allocations than the one to fail (every allocation has then failed once), and prints
 * what it saw under `what`. body does the work, calls tst_alloc_stop(), checks its outcome
 * (cmocka asserts, so that a failed check leaves nothing armed) and returns 1 when the work
 * ended in the out-of-memory error (tst_alloc_nomem), 0 when it finished; a crash fails the
 * test. */
tst_alloc_sweep tst_alloc_fail_each(const char *what, int (*body)(void *ctx), void *ctx);

#endif
