#include "msg.h"

#include <stdlib.h>
#include <string.h>

int ts_msgbuf_grow(ts_msgbuf *b) {
    size_t n_new = b->n_alloc ? b->n_alloc * 2 : 4096;
    ts_msg *p = realloc(b->msgs, n_new * sizeof *p);
    if (!p) {
        return 0;
    }
    b->msgs = p;
    b->n_alloc = n_new;
    return 1;
}

void ts_msgbuf_free(ts_msgbuf *b) {
    free(b->msgs);
    memset(b, 0, sizeof *b);
}

void ts_deliver_init(ts_deliver *d) {
    memset(d, 0, sizeof *d);
}

void ts_deliver_free(ts_deliver *d) {
    free(d->tmp);
    free(d->out);
    free(d->start);
    free(d->bucket_offset);
    memset(d, 0, sizeof *d);
}

/* Makes *p hold at least n elements of `size` bytes; growth is geometric so that the
 * day loop stops allocating once the message volume is steady. */
static int reserve(void **p, size_t *n_alloc, size_t n, size_t size) {
    if (n <= *n_alloc) {
        return 1;
    }
    size_t n_new = *n_alloc ? *n_alloc : 1024;
    while (n_new < n) {
        n_new *= 2;
    }
    void *q = realloc(*p, n_new * size);
    if (!q) {
        return 0;
    }
    *p = q;
    *n_alloc = n_new;
    return 1;
}

/* Scatters block b's messages into tmp at its offsets of each bucket (advancing them). */
static void scatter_block(const ts_deliver *d, const ts_block_msgs *blocks, size_t b) {
    size_t *off = d->bucket_offset + b * d->offset_stride;
    ts_msg *tmp = d->tmp;
    unsigned bucket_shift = d->bucket_shift;
    const ts_msg *m = blocks[b].msgs;
    for (size_t i = 0; i < blocks[b].n; i++) {
        size_t k = m[i].to >> bucket_shift;
        tmp[off[k]++] = m[i];
    }
}

/* Within each bucket a counting sort by receiver; the bucket's messages start where
 * its first block's offset started (now advanced past the block). */
static void sort_bucket(const ts_deliver *d, const ts_block_msgs *blocks, size_t n_blocks,
                        size_t k) {
    const size_t *off = d->bucket_offset;
    const ts_msg *tmp = d->tmp;
    ts_msg *out = d->out;
    size_t *start = d->start;
    unsigned bucket_shift = d->bucket_shift;
    size_t n_agents = d->n_agents;
    size_t r0 = k << bucket_shift;
    size_t r1 = (k + 1) << bucket_shift;
    if (r1 > n_agents) {
        r1 = n_agents;
    }
    size_t end = off[(n_blocks - 1) * d->offset_stride + k];
    size_t begin = end;
    for (size_t b = 0; b < n_blocks; b++) {
        begin -= blocks[b].hist[k];
    }
    if (r0 >= r1) {
        return;
    }
    for (size_t r = r0; r < r1; r++) {
        start[r] = 0;
    }
    for (size_t i = begin; i < end; i++) {
        start[tmp[i].to]++;
    }
    size_t pos = begin;
    for (size_t r = r0; r < r1; r++) {
        size_t c = start[r];
        start[r] = pos;
        pos += c;
    }
    for (size_t i = begin; i < end; i++) {
        out[start[tmp[i].to]++] = tmp[i];
    }
    /* start[r] now holds the end of r's inbox, which is the start of r+1's. */
    for (size_t r = r1 - 1; r > r0; r--) {
        start[r] = start[r - 1];
    }
    start[r0] = begin;
}

ts_status ts_deliver_run(ts_deliver *d, const ts_block_msgs *blocks, size_t n_blocks,
                         size_t n_agents, uint32_t bucket_shift, int threads, ts_error *err) {
    size_t total = 0;
    if (n_blocks == 0) {
        return ts_error_set(err, TS_ERR_INTERNAL, "delivery needs at least one block");
    }
    for (size_t b = 0; b < n_blocks; b++) {
        total += blocks[b].n;
    }
    size_t n_buckets = (n_agents >> bucket_shift) + 1;
    size_t stride = ts_line_stride(n_buckets, sizeof *d->bucket_offset);
    size_t msg_alloc = d->n_alloc;
    if (!reserve((void **)&d->tmp, &msg_alloc, total, sizeof(ts_msg))) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory delivering %zu messages", total);
    }
    if (msg_alloc != d->n_alloc) {
        ts_msg *o = realloc(d->out, msg_alloc * sizeof(ts_msg));
        if (!o) {
            return ts_error_set(err, TS_ERR_NOMEM, "out of memory delivering %zu messages", total);
        }
        d->out = o;
        d->n_alloc = msg_alloc;
    }
    if (!reserve((void **)&d->start, &d->n_start_alloc, n_agents + 1, sizeof(size_t)) ||
        !reserve((void **)&d->bucket_offset, &d->n_offset_alloc, stride * n_blocks,
                 sizeof(size_t))) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory delivering messages");
    }
    d->n_agents = n_agents;
    d->n_buckets = n_buckets;
    d->bucket_shift = bucket_shift;
    d->offset_stride = stride;

    /* Offsets counted in bucket-major, block-minor order: a stable scatter by bucket. */
    size_t *off = d->bucket_offset;
    size_t run = 0;
    for (size_t k = 0; k < n_buckets; k++) {
        for (size_t b = 0; b < n_blocks; b++) {
            off[b * stride + k] = run;
            run += blocks[b].hist[k];
        }
    }
    size_t nb = n_blocks;
    if (threads <= 1) { /* no team: even a team of one pays a futex call at every barrier */
        for (size_t b = 0; b < nb; b++) {
            scatter_block(d, blocks, b);
        }
        for (size_t k = 0; k < n_buckets; k++) {
            sort_bucket(d, blocks, nb, k);
        }
    } else {
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1) default(none)                   \
    shared(d, blocks, nb)
        for (size_t b = 0; b < nb; b++) {
            scatter_block(d, blocks, b);
        }
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1) default(none)                   \
    shared(d, blocks, nb, n_buckets)
        for (size_t k = 0; k < n_buckets; k++) {
            sort_bucket(d, blocks, nb, k);
        }
    }
    size_t *start = d->start;
    start[n_agents] = total;
    return TS_OK;
}
