/* Growing a flat buffer and reading it back (sim/h5/results_pack.c), shared by what sim/h5
 * packs for another process of a sweep: a run's results and its compressed chunks
 * (h5out.c). Values in the machine's own layout; not part of the API. */
#ifndef TS_PACK_INTERNAL_H
#define TS_PACK_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* A buffer being filled: after a failure (out of memory) every put is a no-op and failed
 * stays set. Start from all zero; free buf. */
typedef struct ts_pk {
    unsigned char *buf;
    size_t n, cap;
    int failed;
} ts_pk;

void ts_pk_bytes(ts_pk *p, const void *data, size_t len);
void ts_pk_u64(ts_pk *p, uint64_t v);

/* A buffer being read: after a read past its end (or a value that makes no sense) every
 * read fails and bad names what was being read. */
typedef struct ts_up {
    const unsigned char *buf;
    size_t n, at;
    const char *bad; /* what was being read when the buffer ran out or made no sense */
} ts_up;

int ts_up_bytes(ts_up *u, void *out, size_t len, const char *what);
uint64_t ts_up_u64(ts_up *u, const char *what);
/* A count of items of at least `item` bytes each: no more than the buffer could hold. */
size_t ts_up_count(ts_up *u, size_t item, const char *what);

#endif
