/* The HDF5 results file writer (layout in docs/output.md): ts_h5_create with the root
 * attributes and the sweep grid (ts_h5_create_validation for validation files),
 * ts_h5_write_run, ts_h5_open_resume and ts_h5_close; the writing helpers that
 * sim/app/validate_h5.c uses too (h5out_internal.h). `trustsim info` is in sim/app/h5info.c;
 * shared helpers in sim/h5util.c. */
#include "h5out.h"
#include "h5file_internal.h"
#include "h5out_internal.h"
#include "h5util_internal.h"
#include "pack_internal.h"

#include <hdf5.h>
#include <libdeflate.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Rows per chunk are chosen so that a chunk holds about this many values. */
#define TS_H5_CHUNK_VALUES 4096

/* Room claimed on the disk before a run is written (h5file_internal.h): per dataset or
 * group (object header, its units and description, chunk index, link), and for
 * everything else a file gains. Raw values are counted uncompressed, an upper bound. */
#define TS_H5_OBJECT_BYTES 3072u
#define TS_H5_BASE_BYTES (64u * 1024u)

struct ts_h5file {
    hid_t file;
    char *path;    /* owned: where the results go */
    char *partial; /* owned: the file written when it replaces path once complete (NULL:
                      written in place) */
    ts_h5zip zip;  /* owned: the compression scratch every run written reuses */
};

/* ---- Writing helpers (h5out_internal.h) ------------------------------------------- */

hid_t ts_h5file_id(const ts_h5file *f) {
    return f->file;
}

const char *ts_h5file_path(const ts_h5file *f) {
    return f->path;
}

/* A path too long for buf is cut short; it only ever names an object in a message. */
static void ts_h5_join(char *buf, size_t size, const char *where, const char *name) {
    if (snprintf(buf, size, "%s/%s", strcmp(where, "/") == 0 ? "" : where, name) >= (int)size) {
        buf[size - 1] = '\0';
    }
}

ts_status ts_h5_attr(const ts_h5w *w, hid_t loc, const char *where, const char *name,
                     hid_t file_type, hid_t mem_type, const void *value) {
    ts_status st = TS_OK;
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = H5I_INVALID_HID;
    if (space >= 0) {
        attr = H5Acreate2(loc, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT);
    }
    if (attr < 0 || H5Awrite(attr, mem_type, value) < 0) {
        char obj[1024];
        snprintf(obj, sizeof obj, "attribute %s of %s", name, where);
        st = ts_h5_fail(w->err, w->file, "write", obj);
    }
    ts_h5_close_id(&attr);
    ts_h5_close_id(&space);
    return st;
}

ts_status ts_h5_attr_string(const ts_h5w *w, hid_t loc, const char *where, const char *name,
                            const char *value) {
    const char *v = value ? value : "";
    hid_t type = ts_h5_string_type();
    if (type < 0) {
        return ts_h5_fail(w->err, w->file, "make the string type for", name);
    }
    ts_status st = ts_h5_attr(w, loc, where, name, type, type, &v);
    H5Tclose(type);
    return st;
}

hid_t ts_h5_group(const ts_h5w *w, hid_t loc, const char *where, const char *name, int track_order,
                  ts_status *st) {
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    hid_t g = H5I_INVALID_HID;
    if (gcpl >= 0 &&
        (!track_order ||
         H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) >= 0)) {
        g = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    }
    if (g < 0) {
        char obj[1024];
        ts_h5_join(obj, sizeof obj, where, name);
        *st = ts_h5_fail(w->err, w->file, "create group", obj);
    }
    ts_h5_close_id(&gcpl);
    return g;
}

void ts_h5zip_free(ts_h5zip *zip) {
    libdeflate_free_compressor(zip->z);
    free(zip->raw);
    free(zip->shuf);
    free(zip->out);
    memset(zip, 0, sizeof *zip);
}

/* Makes zip hold a compressor and buffers for chunks of `bytes` raw bytes (kept when they
 * are large enough already); 0 when out of memory (zip stays freeable). */
static int zip_room(ts_h5zip *zip, size_t bytes) {
    if (!zip->z) {
        zip->z = libdeflate_alloc_compressor(TS_H5_DEFLATE_LEVEL);
        if (!zip->z) {
            return 0;
        }
    }
    if (bytes <= zip->bytes) {
        return 1;
    }
    size_t bound = libdeflate_zlib_compress_bound(zip->z, bytes);
    unsigned char *raw = realloc(zip->raw, bytes);
    zip->raw = raw ? raw : zip->raw;
    unsigned char *shuf = raw ? realloc(zip->shuf, bytes) : NULL;
    zip->shuf = shuf ? shuf : zip->shuf;
    unsigned char *out = shuf ? realloc(zip->out, bound) : NULL;
    zip->out = out ? out : zip->out;
    if (!out) {
        return 0;
    }
    zip->bytes = bytes;
    zip->out_bytes = bound;
    return 1;
}

/* HDF5's shuffle of n values of elem bytes: byte b of every value, then byte b + 1 of every
 * value. The common sizes get loops of their own, which the compiler can vectorise. */
static inline __attribute__((always_inline)) void
shuffle_of(unsigned char *restrict dst, const unsigned char *restrict src, size_t n, size_t elem) {
    for (size_t b = 0; b < elem; b++) {
        for (size_t i = 0; i < n; i++) {
            dst[b * n + i] = src[i * elem + b];
        }
    }
}

static void shuffle(unsigned char *restrict dst, const unsigned char *restrict src, size_t n,
                    size_t elem) {
    switch (elem) {
    case 4:
        shuffle_of(dst, src, n, 4);
        break;
    case 8:
        shuffle_of(dst, src, n, 8);
        break;
    default:
        shuffle_of(dst, src, n, elem);
        break;
    }
}

/* The chunks of a compressed dataset: whole rows, about TS_H5_CHUNK_VALUES values each. */
static void chunk_shape(int rank, const hsize_t *dims, hsize_t chunk[2]) {
    hsize_t row = rank > 1 ? dims[1] : 1;
    hsize_t rows = row >= TS_H5_CHUNK_VALUES ? 1 : TS_H5_CHUNK_VALUES / row;
    chunk[0] = dims[0] < rows ? dims[0] : rows;
    chunk[1] = row;
}

/* Shuffles and deflates the chunk of data whose first row is r0 into zip->out (zip_room
 * made room for chunks of this shape) and returns its size, 0 on failure. An edge chunk is
 * padded with zeros, the fill value, as HDF5 pads it. */
static size_t deflate_chunk(ts_h5zip *zip, const hsize_t *dims, const hsize_t *chunk, size_t elem,
                            const void *data, hsize_t r0) {
    size_t n = (size_t)(chunk[0] * chunk[1]); /* values a chunk */
    size_t raw_bytes = n * elem;
    hsize_t rows = dims[0] - r0 < chunk[0] ? dims[0] - r0 : chunk[0];
    size_t have = (size_t)(rows * chunk[1]) * elem;
    memcpy(zip->raw, (const unsigned char *)data + (size_t)(r0 * chunk[1]) * elem, have);
    memset(zip->raw + have, 0, raw_bytes - have);
    shuffle(zip->shuf, zip->raw, n, elem);
    return libdeflate_zlib_compress(zip->z, zip->shuf, raw_bytes, zip->out, zip->out_bytes);
}

/* ---- Chunks compressed ahead of writing ---------------------------------------------- */

typedef struct pre_set {
    uint32_t crc, adler; /* of the array's raw bytes: what the writer finds a set by */
    size_t elem;
    int rank;
    hsize_t dims[2];
    size_t n_chunks;
    size_t *end;          /* chunk c is bytes [end[c-1] (0 for c = 0), end[c]) */
    unsigned char *bytes; /* the chunks, one after the other */
} pre_set;

struct ts_h5pre {
    pre_set *sets;
    size_t n, cap;
};

/* The raw bytes of an array of a set's shape. */
static size_t array_bytes(size_t elem, const hsize_t *dims) {
    return (size_t)(dims[0] * dims[1]) * elem;
}

void ts_h5_pre_free(ts_h5pre *p) {
    if (!p) {
        return;
    }
    for (size_t i = 0; i < p->n; i++) {
        free(p->sets[i].end);
        free(p->sets[i].bytes);
    }
    free(p->sets);
    free(p);
}

/* Compresses one array (rank 1 or 2, not empty) into a new set of p; 0 out of memory. */
static int pre_add(ts_h5pre *p, ts_h5zip *zip, const void *data, size_t elem, int rank,
                   const hsize_t *dims) {
    if (!data || dims[0] == 0 || (rank > 1 && dims[1] == 0)) {
        return 1; /* stored contiguous, not compressed */
    }
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 64;
        pre_set *sets = realloc(p->sets, cap * sizeof *sets);
        if (!sets) {
            return 0;
        }
        p->sets = sets;
        p->cap = cap;
    }
    pre_set *ps = &p->sets[p->n];
    memset(ps, 0, sizeof *ps);
    ps->elem = elem;
    ps->rank = rank;
    ps->dims[0] = dims[0];
    ps->dims[1] = rank > 1 ? dims[1] : 1;
    size_t raw = array_bytes(elem, ps->dims);
    ps->crc = libdeflate_crc32(0, data, raw);
    ps->adler = libdeflate_adler32(1, data, raw);
    hsize_t chunk[2];
    chunk_shape(rank, ps->dims, chunk);
    if (!zip_room(zip, (size_t)(chunk[0] * chunk[1]) * elem)) {
        return 0;
    }
    ps->n_chunks = (size_t)((dims[0] + chunk[0] - 1) / chunk[0]);
    ps->end = malloc(ps->n_chunks * sizeof *ps->end);
    if (!ps->end) {
        return 0;
    }
    p->n++; /* from here on freed with p */
    size_t used = 0, cap = 0;
    for (size_t c = 0; c < ps->n_chunks; c++) {
        size_t size = deflate_chunk(zip, ps->dims, chunk, elem, data, (hsize_t)c * chunk[0]);
        if (size == 0) {
            return 0;
        }
        if (used + size > cap) {
            size_t want = cap ? 2 * cap : 2 * size * ps->n_chunks;
            want = want < used + size ? used + size : want;
            unsigned char *bytes = realloc(ps->bytes, want);
            if (!bytes) {
                return 0;
            }
            ps->bytes = bytes;
            cap = want;
        }
        memcpy(ps->bytes + used, zip->out, size);
        used += size;
        ps->end[c] = used;
    }
    return 1;
}

static int pre_table(ts_h5pre *p, ts_h5zip *zip, const ts_table *t) {
    for (size_t i = 0; i < t->n_cols; i++) {
        const ts_column *c = &t->cols[i];
        hsize_t dims[2] = {c->n, c->width};
        if (!pre_add(p, zip, c->data, ts_coltype_size(c->type), c->width > 1 ? 2 : 1, dims)) {
            return 0;
        }
    }
    return 1;
}

ts_status ts_h5_precompress(const ts_result *r, ts_h5pre **out, ts_error *err) {
    ts_h5pre *p = calloc(1, sizeof *p);
    ts_h5zip zip = {0};
    int ok = p != NULL;
    /* In the order ts_h5_run_contents writes them (a lookup looks from the last one on). */
    for (size_t i = 0; ok && i < r->n_metrics; i++) {
        hsize_t dims[1] = {r->metrics[i].n};
        ok = pre_add(p, &zip, r->metrics[i].values, sizeof(double), 1, dims);
    }
    ok = ok && pre_table(p, &zip, &r->agents);
    for (size_t i = 0; ok && i < r->n_snapshots; i++) {
        const ts_snapshot *sn = &r->snapshots[i];
        hsize_t dims[2] = {sn->k, sn->k};
        ok = pre_table(p, &zip, &sn->edges) &&
             pre_add(p, &zip, sn->team_trust, sizeof(float), 2, dims) &&
             pre_add(p, &zip, sn->team_ids, sizeof(uint32_t), 1, dims);
    }
    ok = ok && pre_table(p, &zip, &r->incidents) && pre_table(p, &zip, &r->teams);
    ts_h5zip_free(&zip);
    if (!ok) {
        ts_h5_pre_free(p);
        *out = NULL;
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory compressing run %u",
                            (unsigned)r->run_index);
    }
    *out = p;
    return TS_OK;
}

/* The set of zip's precompressed chunks for this array, or NULL: one of the same shape whose
 * array's bytes had the same CRC-32 and Adler-32 (equal arrays make equal chunks), wherever it
 * was compressed; an array changed since is compressed again. */
static const pre_set *pre_find(ts_h5zip *zip, const void *data, size_t elem, int rank,
                               const hsize_t *dims) {
    const ts_h5pre *p = zip->pre;
    if (!p || p->n == 0) {
        return NULL;
    }
    hsize_t shape[2] = {dims[0], rank > 1 ? dims[1] : 1};
    size_t raw = array_bytes(elem, shape);
    uint32_t crc = libdeflate_crc32(0, data, raw), adler = libdeflate_adler32(1, data, raw);
    for (size_t k = 0; k < p->n; k++) {
        size_t i = (zip->pre_next + k) % p->n;
        const pre_set *ps = &p->sets[i];
        if (ps->crc == crc && ps->adler == adler && ps->elem == elem && ps->rank == rank &&
            ps->dims[0] == shape[0] && ps->dims[1] == shape[1]) {
            zip->pre_next = i + 1;
            return ps;
        }
    }
    return NULL;
}

/* Packing (pack_internal.h): the number of sets, then each set's element size, rank, dims,
 * chunk count, checksums, chunk ends and bytes. */
ts_status ts_h5_pre_pack(const ts_h5pre *p, unsigned char **buf, size_t *len, ts_error *err) {
    ts_pk k = {NULL, 0, 0, 0};
    size_t n_sets = p ? p->n : 0;
    ts_pk_u64(&k, n_sets);
    for (size_t i = 0; i < n_sets; i++) {
        const pre_set *ps = &p->sets[i];
        uint64_t head[5] = {ps->elem, (uint64_t)ps->rank, ps->dims[0], ps->dims[1], ps->n_chunks};
        uint32_t sums[2] = {ps->crc, ps->adler};
        ts_pk_bytes(&k, head, sizeof head);
        ts_pk_bytes(&k, sums, sizeof sums);
        for (size_t c = 0; c < ps->n_chunks; c++) {
            ts_pk_u64(&k, ps->end[c]);
        }
        ts_pk_bytes(&k, ps->bytes, ps->n_chunks ? ps->end[ps->n_chunks - 1] : 0);
    }
    if (k.failed) {
        free(k.buf);
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory packing compressed chunks");
    }
    *buf = k.buf;
    *len = k.n;
    return TS_OK;
}

ts_status ts_h5_pre_unpack(const unsigned char *buf, size_t len, ts_h5pre **out, ts_error *err) {
    const char *what = "compressed chunks";
    ts_up u = {buf, len, 0, NULL};
    ts_h5pre *p = calloc(1, sizeof *p);
    size_t n_sets = p ? ts_up_count(&u, 5 * sizeof(uint64_t), what) : 0;
    int nomem = !p || (n_sets > 0 && !(p->sets = calloc(n_sets, sizeof *p->sets)));
    for (size_t i = 0; !nomem && !u.bad && i < n_sets; i++) {
        pre_set *ps = &p->sets[p->n++];
        uint64_t head[5] = {0};
        uint32_t sums[2] = {0};
        ts_up_bytes(&u, head, sizeof head, what);
        ts_up_bytes(&u, sums, sizeof sums, what);
        if (!u.bad && ((head[1] != 1 && head[1] != 2) || head[4] > (len - u.at) / 8)) {
            u.bad = what;
        }
        ps->elem = (size_t)head[0];
        ps->rank = (int)head[1];
        ps->dims[0] = head[2];
        ps->dims[1] = head[3];
        ps->n_chunks = u.bad ? 0 : (size_t)head[4];
        ps->crc = sums[0];
        ps->adler = sums[1];
        ps->end = malloc((ps->n_chunks ? ps->n_chunks : 1) * sizeof *ps->end);
        nomem = !ps->end;
        for (size_t c = 0; !nomem && !u.bad && c < ps->n_chunks; c++) {
            uint64_t end = ts_up_u64(&u, what);
            if (!u.bad && (end > len || (c > 0 && end < ps->end[c - 1]))) {
                u.bad = what;
            }
            ps->end[c] = (size_t)end;
        }
        size_t bytes = !nomem && !u.bad && ps->n_chunks ? ps->end[ps->n_chunks - 1] : 0;
        ps->bytes = nomem ? NULL : malloc(bytes ? bytes : 1);
        nomem = nomem || !ps->bytes;
        if (!nomem) {
            ts_up_bytes(&u, ps->bytes, bytes, what);
        }
    }
    if (nomem || u.bad || u.at != len) {
        ts_h5_pre_free(p);
        *out = NULL;
        return nomem ? ts_error_set(err, TS_ERR_NOMEM, "out of memory unpacking compressed chunks")
                     : ts_error_set(err, TS_ERR_INTERNAL, "packed compressed chunks are cut short");
    }
    *out = p;
    return TS_OK;
}

void ts_h5_set_precompressed(ts_h5file *f, const ts_h5pre *p) {
    if (f) {
        f->zip.pre = p;
        f->zip.pre_next = 0;
    }
}

/* Writes a chunked, shuffled and deflated dataset chunk by chunk, compressing the chunks
 * here rather than through HDF5's filters (or taking them from zip->pre): the same two
 * filters are declared on the dataset, so every reader unshuffles and inflates them as
 * usual (the chunks are zlib streams), but they are deflated by libdeflate, the faster
 * deflate that HDF5 itself can be built with: at level 1 it takes about half the time zlib's
 * level 1 took in a sweep of default runs (8.5 % of the sweep against 15 %), for a file of
 * the same size (docs/performance.md). The values are the file type's bytes (mem_type
 * equals file_type). Returns 0 on success, -1 on an HDF5 failure, -2 out of memory. */
static int write_chunks(ts_h5zip *zip, hid_t dset, int rank, const hsize_t *dims,
                        const hsize_t *chunk, size_t elem, const void *data) {
    const pre_set *ps = pre_find(zip, data, elem, rank, dims);
    if (ps) {
        for (size_t c = 0; c < ps->n_chunks; c++) {
            size_t begin = c ? ps->end[c - 1] : 0;
            hsize_t offset[2] = {(hsize_t)c * chunk[0], 0};
            if (H5Dwrite_chunk(dset, H5P_DEFAULT, 0, offset, ps->end[c] - begin,
                               ps->bytes + begin) < 0) {
                return -1;
            }
        }
        return 0;
    }
    if (!zip_room(zip, (size_t)(chunk[0] * chunk[1]) * elem)) {
        return -2;
    }
    for (hsize_t r0 = 0; r0 < dims[0]; r0 += chunk[0]) {
        size_t size = deflate_chunk(zip, dims, chunk, elem, data, r0);
        hsize_t offset[2] = {r0, 0};
        if (size == 0) {
            return -2; /* cannot happen with the bound's room */
        }
        if (H5Dwrite_chunk(dset, H5P_DEFAULT, 0, offset, size, zip->out) < 0) {
            return -1;
        }
    }
    return 0;
}

/* With compress, a non-empty array is chunked (about TS_H5_CHUNK_VALUES values a chunk:
 * whole rows), shuffled and deflated. Everything else is contiguous: scalars, small
 * tables like the grid, and empty arrays (a chunk cannot be larger than a fixed dimension
 * of size 0). */
ts_status ts_h5_dataset(const ts_h5w *w, hid_t loc, const char *where, const char *name,
                        hid_t file_type, hid_t mem_type, int rank, const hsize_t *dims,
                        const void *data, int compress, const char *units,
                        const char *description) {
    ts_status st = TS_OK;
    hid_t space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID, dset = H5I_INVALID_HID;
    char obj[1024];
    const char *action = "create dataset";
    hsize_t n_values = 1;
    for (int i = 0; i < rank; i++) {
        n_values *= dims[i];
    }
    if (name == NULL || name[0] == '\0') {
        st = ts_error_set(w->err, TS_ERR_INTERNAL, "%s: a dataset in %s has no name", w->file,
                          where);
        goto cleanup;
    }
    ts_h5_join(obj, sizeof obj, where, name);
    if (n_values > 0 && data == NULL) {
        st = ts_error_set(w->err, TS_ERR_INTERNAL, "%s: dataset %s has no data", w->file, obj);
        goto cleanup;
    }
    space = rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, dims, NULL);
    dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (space < 0 || dcpl < 0) {
        goto fail;
    }
    int chunked = compress && rank > 0 && n_values > 0;
    hsize_t chunk[2] = {rank > 0 ? dims[0] : 1, rank > 1 ? dims[1] : 1};
    if (chunked) {
        chunk_shape(rank, dims, chunk);
        if (H5Pset_chunk(dcpl, rank, chunk) < 0) {
            goto fail;
        }
        if (H5Pset_shuffle(dcpl) < 0 || H5Pset_deflate(dcpl, TS_H5_DEFLATE_LEVEL) < 0) {
            goto fail;
        }
    }
    dset = H5Dcreate2(loc, name, file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (dset < 0) {
        goto fail;
    }
    action = "write dataset";
    if (chunked && H5Tequal(file_type, mem_type) > 0) {
        ts_h5zip own = {0};
        ts_h5zip *zip = w->zip ? w->zip : &own;
        int rc = write_chunks(zip, dset, rank, dims, chunk, H5Tget_size(file_type), data);
        ts_h5zip_free(&own);
        if (rc == -2) {
            st = ts_error_set(w->err, TS_ERR_NOMEM, "%s: out of memory compressing dataset %s",
                              w->file, obj);
            goto cleanup;
        }
        if (rc < 0) {
            goto fail;
        }
    } else if (n_values > 0 && H5Dwrite(dset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
        goto fail;
    }
    st = ts_h5_attr_string(w, dset, obj, "units", units);
    if (st == TS_OK) {
        st = ts_h5_attr_string(w, dset, obj, "description", description);
    }
    goto cleanup;
fail:
    st = ts_h5_fail(w->err, w->file, action, obj);
cleanup:
    ts_h5_close_id(&dset);
    ts_h5_close_id(&dcpl);
    ts_h5_close_id(&space);
    return st;
}

static hid_t ts_h5_coltype_file(ts_coltype t) {
    switch (t) {
    case TS_COL_U32:
        return H5T_STD_U32LE;
    case TS_COL_I32:
        return H5T_STD_I32LE;
    case TS_COL_F32:
        return H5T_IEEE_F32LE;
    case TS_COL_F64:
        break;
    }
    return H5T_IEEE_F64LE;
}

static hid_t ts_h5_coltype_mem(ts_coltype t) {
    switch (t) {
    case TS_COL_U32:
        return H5T_NATIVE_UINT32;
    case TS_COL_I32:
        return H5T_NATIVE_INT32;
    case TS_COL_F32:
        return H5T_NATIVE_FLOAT;
    case TS_COL_F64:
        break;
    }
    return H5T_NATIVE_DOUBLE;
}

/* Every column of a table as a dataset in loc: 1-D when width is 1, else 2-D. */
static ts_status ts_h5_table(const ts_h5w *w, hid_t loc, const char *where, const ts_table *t) {
    for (size_t i = 0; i < t->n_cols; i++) {
        const ts_column *c = &t->cols[i];
        hsize_t dims[2] = {c->n, c->width};
        int rank = c->width > 1 ? 2 : 1;
        ts_status st = ts_h5_dataset(w, loc, where, c->name, ts_h5_coltype_file(c->type),
                                     ts_h5_coltype_mem(c->type), rank, dims, c->data, 1, c->units,
                                     c->description);
        if (st != TS_OK) {
            return st;
        }
    }
    return TS_OK;
}

/* ---- Creating a file ------------------------------------------------------------------ */

/* Creates the directories above path (like mkdir -p on its dirname). */
static ts_status ts_h5_make_parents(const char *path, ts_error *err) {
    ts_status st = TS_OK;
    char *p = strdup(path);
    if (!p) {
        return ts_error_set(err, TS_ERR_NOMEM, "%s: out of memory", path);
    }
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') {
            continue;
        }
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            st = ts_error_set(err, TS_ERR_IO, "%s: cannot create directory %s: %s", path, p,
                              strerror(errno));
            break;
        }
        *s = '/';
    }
    free(p);
    return st;
}

/* /sweep/grid/<key path>: float64 when every value of the key is a number, else UTF-8
 * strings; one value per grid point. The group tracks creation order, so the keys can
 * be read back in sweep order (the last one varies fastest). */
static ts_status ts_h5_write_grid(const ts_h5w *w, hid_t grid, const ts_scenario *sc) {
    ts_status st = TS_OK;
    size_t n_keys = sc ? ts_scenario_n_sweep_keys(sc) : 0;
    size_t n = sc ? ts_scenario_n_points(sc) : 1;
    uint64_t n_points = n;
    double *numbers = NULL;
    const char **texts = NULL;
    hid_t strtype = H5I_INVALID_HID;

    st =
        ts_h5_attr(w, grid, "/sweep/grid", "n_points", H5T_STD_U64LE, H5T_NATIVE_UINT64, &n_points);
    if (st != TS_OK || n_keys == 0) {
        return st;
    }
    numbers = calloc(n ? n : 1, sizeof *numbers);
    texts = calloc(n ? n : 1, sizeof *texts);
    strtype = ts_h5_string_type();
    if (!numbers || !texts) {
        st = ts_error_set(w->err, TS_ERR_NOMEM, "%s: out of memory", w->file);
        goto cleanup;
    }
    if (strtype < 0) {
        st = ts_h5_fail(w->err, w->file, "make the string type for", "/sweep/grid");
        goto cleanup;
    }
    for (size_t k = 0; k < n_keys && st == TS_OK; k++) {
        const char *key = ts_scenario_sweep_key(sc, k);
        int all_numbers = 1;
        for (size_t g = 0; g < n; g++) {
            texts[g] = ts_scenario_sweep_value(sc, k, g);
            if (!texts[g]) {
                texts[g] = "";
            }
            all_numbers = all_numbers && ts_h5_parse_number(texts[g], &numbers[g]);
        }
        hsize_t dims[1] = {n};
        if (all_numbers) {
            st = ts_h5_dataset(w, grid, "/sweep/grid", key, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1,
                               dims, numbers, 0, "", "value of the swept key at each grid point");
        } else {
            st = ts_h5_dataset(w, grid, "/sweep/grid", key, strtype, strtype, 1, dims, texts, 0, "",
                               "value of the swept key at each grid point (YAML text)");
        }
    }
cleanup:
    ts_h5_close_id(&strtype);
    free(numbers);
    free(texts);
    return st;
}

/* The root attributes (those of v too when it is not NULL), /runs and, unless this is
 * a validation file (v), /sweep/grid. */
static ts_status ts_h5_write_root(const ts_h5w *w, hid_t file, const ts_h5meta *meta,
                                  const ts_h5vmeta *v, const ts_scenario *sc) {
    char created[32];
    time_t now = time(NULL);
    struct tm tm;
    hid_t sweep = H5I_INVALID_HID, grid = H5I_INVALID_HID, runs = H5I_INVALID_HID;
    ts_status st = TS_OK;
    if (gmtime_r(&now, &tm) == NULL ||
        strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
        snprintf(created, sizeof created, "unknown");
    }
    /* Every file's attributes, then a validation file's three. */
    enum { N_EVERY = 5 };
    const char *names[] = {"trustsim_version", "scenario_name", "scenario_yaml", "created_utc",
                           "command_line",     "patterns_file", "patterns_yaml", "sets"};
    const char *values[] = {TRUSTSIM_VERSION,
                            meta ? meta->scenario_name : NULL,
                            meta ? meta->scenario_yaml : NULL,
                            created,
                            meta ? meta->command_line : NULL,
                            v ? v->patterns_file : NULL,
                            v ? v->patterns_yaml : NULL,
                            v ? v->sets : NULL};
    size_t n_names = v ? sizeof names / sizeof names[0] : N_EVERY;
    for (size_t i = 0; i < n_names && st == TS_OK; i++) {
        st = ts_h5_attr_string(w, file, "/", names[i], values[i]);
    }
    if (st == TS_OK && v) {
        uint8_t quick = v->quick != 0;
        st = ts_h5_attr(w, file, "/", "quick", H5T_STD_U8LE, H5T_NATIVE_UINT8, &quick);
    }
    if (st != TS_OK) {
        return st;
    }
    runs = ts_h5_group(w, file, "/", "runs", 0, &st);
    if (runs >= 0 && !v) {
        sweep = ts_h5_group(w, file, "/", "sweep", 0, &st);
    }
    if (sweep >= 0) {
        grid = ts_h5_group(w, sweep, "/sweep", "grid", 1, &st);
    }
    if (grid >= 0) {
        st = ts_h5_write_grid(w, grid, sc);
    }
    /* A branched sweep says from which day its grid points share each replicate's history. */
    int64_t branch_day = sc ? ts_scenario_int(sc, "branch_day") : -1;
    if (st == TS_OK && grid >= 0 && branch_day >= 0) {
        st = ts_h5_attr(w, grid, "/sweep/grid", "branch_day", H5T_STD_I64LE, H5T_NATIVE_INT64,
                        &branch_day);
    }
    ts_h5_close_id(&grid);
    ts_h5_close_id(&sweep);
    ts_h5_close_id(&runs);
    return st;
}

static ts_h5file *ts_h5file_new(const char *path, const char *partial, hid_t file) {
    ts_h5file *f = malloc(sizeof *f);
    char *copy = strdup(path);
    char *pcopy = partial ? strdup(partial) : NULL;
    if (!f || !copy || (partial && !pcopy)) {
        free(f);
        free(copy);
        free(pcopy);
        return NULL;
    }
    memset(f, 0, sizeof *f);
    f->file = file;
    f->path = copy;
    f->partial = pcopy;
    return f;
}

/* The name of the file being written, for messages. */
static const char *ts_h5file_written(const ts_h5file *f) {
    return f->partial ? f->partial : f->path;
}

/* Room for the root attributes and the grid of a new file. */
static uint64_t ts_h5_root_bytes(const ts_h5meta *meta, const ts_h5vmeta *v,
                                 const ts_scenario *sc) {
    uint64_t n = TS_H5_BASE_BYTES;
    const char *texts[] = {meta ? meta->scenario_yaml : NULL, meta ? meta->command_line : NULL,
                           v ? v->patterns_yaml : NULL, v ? v->sets : NULL};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        n += texts[i] ? 2 * (uint64_t)strlen(texts[i]) : 0;
    }
    if (sc) {
        n += (uint64_t)ts_scenario_n_sweep_keys(sc) *
             (TS_H5_OBJECT_BYTES + 64 * (uint64_t)ts_scenario_n_points(sc));
    }
    return n;
}

/* Replacing an existing file (force): refuse while another process writes it (a reader
 * keeps its own copy: the new file goes under another name and is renamed over it), and
 * clear a stale partial file. Returns the name to write (malloc'd) or NULL with err set. */
static char *ts_h5_replacement_name(const char *path, ts_error *err) {
    if (ts_h5_lock_holders(path) == TS_H5_WRITER) {
        ts_error_set(err, TS_ERR_IO,
                     "%s is being written by another process; wait for it to finish or "
                     "write to another file (-o)",
                     path);
        return NULL;
    }
    char *partial = ts_h5_partial_name(path);
    if (!partial) {
        ts_error_set(err, TS_ERR_NOMEM, "%s: out of memory", path);
        return NULL;
    }
    if (ts_h5_lock_holders(partial) != TS_H5_FREE) {
        ts_error_set(err, TS_ERR_IO,
                     "%s is being written by another process (a replacement of %s); wait for "
                     "it to finish or write to another file (-o)",
                     partial, path);
        free(partial);
        return NULL;
    }
    if (unlink(partial) != 0 && errno != ENOENT) {
        ts_error_set(err, TS_ERR_IO, "%s: cannot remove the unfinished replacement: %s", partial,
                     strerror(errno));
        free(partial);
        return NULL;
    }
    return partial;
}

/* A new file is written in place (there is nothing to lose); a file that replaces an
 * existing one (force) is written beside it as PATH.partial and renamed over it by
 * ts_h5_finish, so the old results stay whole, and readable by whoever has them open,
 * until the new ones are complete. A validation file (v) is always written in place: its
 * caller writes to a temporary name and renames. */
static ts_status ts_h5_create_any(const char *path, int force, const ts_h5meta *meta,
                                  const ts_h5vmeta *v, const ts_scenario *sc, ts_h5file **out,
                                  ts_error *err) {
    ts_h5quiet quiet;
    hid_t file = H5I_INVALID_HID;
    ts_status st = TS_OK;
    struct stat sb;
    char *partial = NULL;
    const char *target = path;
    *out = NULL;
    int exists = stat(path, &sb) == 0;
    if (!force && exists) {
        return ts_error_set(err, TS_ERR_EXISTS,
                            "%s exists: use --force to replace it or --resume to finish it", path);
    }
    if (exists && !S_ISREG(sb.st_mode)) {
        return ts_error_set(err, TS_ERR_IO, "%s: cannot create the file: %s is in the way", path,
                            S_ISDIR(sb.st_mode) ? "a directory" : "something other than a file");
    }
    st = ts_h5_make_parents(path, err);
    if (st != TS_OK) {
        return st;
    }
    if (exists && v) {
        if (unlink(path) != 0) {
            return ts_error_set(err, TS_ERR_IO, "%s: cannot replace the file: %s", path,
                                strerror(errno));
        }
    } else if (exists) {
        partial = ts_h5_replacement_name(path, err);
        if (!partial) {
            return err ? err->status : TS_ERR_IO;
        }
        target = partial;
    }
    /* The name is ours from here on: whatever fails below removes it. */
    uint64_t header = ts_h5_root_bytes(meta, v, sc);
    st = ts_h5_claim_name(target, header, err);
    if (st != TS_OK) {
        free(partial);
        return st;
    }
    ts_h5w w = {target, err, NULL};
    ts_h5_quiet_begin(&quiet);
    file = ts_h5_file_create(target);
    if (file < 0) {
        st = ts_h5_fail(err, target, "create", "the file");
        goto cleanup;
    }
    st = ts_h5_reserve(file, header, target, "the file's header", err);
    if (st == TS_OK) {
        st = ts_h5_write_root(&w, file, meta, v, sc);
    }
    if (st == TS_OK && H5Fflush(file, H5F_SCOPE_GLOBAL) < 0) {
        st = ts_h5_fail(err, target, "flush", "the file");
    }
    if (st == TS_OK) {
        *out = ts_h5file_new(path, partial, file);
        if (!*out) {
            st = ts_error_set(err, TS_ERR_NOMEM, "%s: out of memory", path);
        }
    }
cleanup:
    if (st != TS_OK) {
        /* A half-made file is of no use to anyone; an existing one was never touched. */
        ts_h5_close_id(&file);
        unlink(target);
    }
    ts_h5_quiet_end(&quiet);
    free(partial);
    return st;
}

ts_status ts_h5_create(const char *path, int force, const ts_h5meta *meta, const ts_scenario *sc,
                       ts_h5file **out, ts_error *err) {
    return ts_h5_create_any(path, force, meta, NULL, sc, out, err);
}

ts_status ts_h5_create_validation(const char *path, const ts_h5meta *meta, const ts_h5vmeta *v,
                                  ts_h5file **out, ts_error *err) {
    return ts_h5_create_any(path, 1, meta, v, NULL, out, err);
}

/* ---- Writing a run -------------------------------------------------------------------- */

static ts_status ts_h5_write_snapshot(const ts_h5w *w, hid_t snaps, const char *parent,
                                      const ts_snapshot *s) {
    char name[32], where[1024];
    ts_status st = TS_OK;
    snprintf(name, sizeof name, "d%06d", (int)s->day);
    ts_h5_join(where, sizeof where, parent, name);
    hid_t g = ts_h5_group(w, snaps, parent, name, 0, &st);
    if (g < 0) {
        return st;
    }
    int32_t day = s->day;
    st = ts_h5_attr(w, g, where, "day", H5T_STD_I32LE, H5T_NATIVE_INT32, &day);
    if (st == TS_OK) {
        st = ts_h5_table(w, g, where, &s->edges);
    }
    hsize_t dims[2] = {s->k, s->k};
    if (st == TS_OK) {
        st = ts_h5_dataset(w, g, where, "team_trust", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 2, dims,
                           s->team_trust, 1, "trust score",
                           "mean trust of the members of team a (row) in those of team b "
                           "(column); teams in the order of team_ids");
    }
    if (st == TS_OK) {
        st = ts_h5_dataset(w, g, where, "team_ids", H5T_STD_U32LE, H5T_NATIVE_UINT32, 1, dims,
                           s->team_ids, 1, "agent id",
                           "the id of each team's manager, in the order of the rows of "
                           "team_trust");
    }
    ts_h5_close_id(&g);
    return st;
}

/* Run attributes that a swept key of the same name must not replace; such a key's value
 * is in /sweep/grid (the seed attribute is the run's own derived seed). */
static int ts_h5_reserved_attr(const char *name) {
    static const char *const reserved[] = {"seed",         "replicate", "grid_point",
                                           "wall_seconds", "threads",   "status"};
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
        if (strcmp(name, reserved[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* The run's attributes except status, which is written last of all. */
static ts_status ts_h5_run_attrs(const ts_h5w *w, hid_t g, const char *where, const ts_result *r) {
    int32_t threads = r->threads;
    ts_status st = ts_h5_attr(w, g, where, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &r->seed);
    if (st == TS_OK) {
        st = ts_h5_attr(w, g, where, "replicate", H5T_STD_U32LE, H5T_NATIVE_UINT32, &r->replicate);
    }
    if (st == TS_OK) {
        st =
            ts_h5_attr(w, g, where, "grid_point", H5T_STD_U32LE, H5T_NATIVE_UINT32, &r->grid_point);
    }
    if (st == TS_OK) {
        st = ts_h5_attr(w, g, where, "wall_seconds", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                        &r->wall_seconds);
    }
    if (st == TS_OK) {
        st = ts_h5_attr(w, g, where, "threads", H5T_STD_I32LE, H5T_NATIVE_INT32, &threads);
    }
    for (size_t i = 0; i < r->n_params && st == TS_OK; i++) {
        const ts_param_value *p = &r->params[i];
        if (!p->key || ts_h5_reserved_attr(p->key)) {
            continue;
        }
        if (p->is_number) {
            st = ts_h5_attr(w, g, where, p->key, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &p->number);
        } else {
            st = ts_h5_attr_string(w, g, where, p->key, p->text);
        }
    }
    return st;
}

static ts_status ts_h5_run_contents(const ts_h5w *w, hid_t g, const char *run, const ts_result *r) {
    ts_status st = TS_OK;
    char where[1024];
    ts_h5_join(where, sizeof where, run, "metrics");
    hid_t sub = ts_h5_group(w, g, run, "metrics", 0, &st);
    for (size_t i = 0; i < r->n_metrics && st == TS_OK; i++) {
        const ts_series *s = &r->metrics[i];
        hsize_t dims[1] = {s->n};
        st = ts_h5_dataset(w, sub, where, s->name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, dims,
                           s->values, 1, s->units, s->description);
    }
    ts_h5_close_id(&sub);
    ts_h5_join(where, sizeof where, run, "summary");
    if (st == TS_OK) {
        sub = ts_h5_group(w, g, run, "summary", 0, &st);
    }
    for (size_t i = 0; i < r->n_summary && st == TS_OK; i++) {
        const ts_scalar *s = &r->summary[i];
        st = ts_h5_dataset(w, sub, where, s->name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 0, NULL,
                           &s->value, 0, s->units, s->description);
    }
    ts_h5_close_id(&sub);
    ts_h5_join(where, sizeof where, run, "agents");
    if (st == TS_OK) {
        sub = ts_h5_group(w, g, run, "agents", 0, &st);
    }
    if (st == TS_OK) {
        st = ts_h5_table(w, sub, where, &r->agents);
    }
    ts_h5_close_id(&sub);
    ts_h5_join(where, sizeof where, run, "snapshots");
    if (st == TS_OK) {
        sub = ts_h5_group(w, g, run, "snapshots", 0, &st);
    }
    for (size_t i = 0; i < r->n_snapshots && st == TS_OK; i++) {
        st = ts_h5_write_snapshot(w, sub, where, &r->snapshots[i]);
    }
    ts_h5_close_id(&sub);
    ts_h5_join(where, sizeof where, run, "incidents");
    if (st == TS_OK) {
        sub = ts_h5_group(w, g, run, "incidents", 0, &st);
    }
    if (st == TS_OK) {
        st = ts_h5_table(w, sub, where, &r->incidents);
    }
    ts_h5_close_id(&sub);
    ts_h5_join(where, sizeof where, run, "teams");
    if (st == TS_OK) {
        sub = ts_h5_group(w, g, run, "teams", 0, &st);
    }
    if (st == TS_OK) {
        st = ts_h5_table(w, sub, where, &r->teams);
    }
    ts_h5_close_id(&sub);
    return st;
}

static uint64_t ts_h5_table_bytes(const ts_table *t) {
    uint64_t n = 0;
    for (size_t i = 0; i < t->n_cols; i++) {
        const ts_column *c = &t->cols[i];
        n += TS_H5_OBJECT_BYTES + (uint64_t)c->n * c->width * ts_coltype_size(c->type);
    }
    return n;
}

uint64_t ts_h5_run_bytes(const ts_result *r) {
    uint64_t n = TS_H5_BASE_BYTES + 8 * (uint64_t)TS_H5_OBJECT_BYTES; /* groups, attributes */
    n += (uint64_t)r->n_params * 512;
    for (size_t i = 0; i < r->n_metrics; i++) {
        n += TS_H5_OBJECT_BYTES + 8 * (uint64_t)r->metrics[i].n;
    }
    n += (uint64_t)r->n_summary * TS_H5_OBJECT_BYTES;
    n += ts_h5_table_bytes(&r->agents) + ts_h5_table_bytes(&r->incidents) +
         ts_h5_table_bytes(&r->teams);
    for (size_t i = 0; i < r->n_snapshots; i++) {
        const ts_snapshot *sn = &r->snapshots[i];
        n += 3 * (uint64_t)TS_H5_OBJECT_BYTES + ts_h5_table_bytes(&sn->edges) +
             4 * (uint64_t)sn->k * sn->k + 4 * (uint64_t)sn->k;
    }
    /* Deflate may grow incompressible data by a little; HDF5 may grow its indices. */
    return n + n / 8;
}

ts_status ts_h5_write_run(ts_h5file *f, const ts_result *r, ts_error *err) {
    return ts_h5_write_run_with(f, r, NULL, NULL, 0, err);
}

ts_status ts_h5_write_run_with(ts_h5file *f, const ts_result *r, ts_h5_run_extra_fn extra,
                               void *ctx, uint64_t extra_bytes, ts_error *err) {
    ts_h5quiet quiet;
    char gname[32];
    hid_t g = H5I_INVALID_HID, gcpl = H5I_INVALID_HID;
    ts_status st = TS_OK;
    if (!f || !r) {
        return ts_error_set(err, TS_ERR_INTERNAL, "ts_h5_write_run: no file or no result");
    }
    snprintf(gname, sizeof gname, "/runs/r%06" PRIu32, r->run_index);
    const char *shown = ts_h5file_written(f);
    ts_h5w w = {shown, err, &f->zip};
    ts_h5_quiet_begin(&quiet);
    htri_t exists = H5Lexists(f->file, gname, H5P_DEFAULT);
    if (exists != 0) {
        st = exists > 0 ? ts_error_set(err, TS_ERR_INTERNAL, "%s: run group %s exists already",
                                       shown, gname)
                        : ts_h5_fail(err, shown, "look up", gname);
        goto cleanup;
    }
    /* Before anything is written: a full disk stops here and leaves the file whole. */
    char what[64];
    snprintf(what, sizeof what, "run %" PRIu32, r->run_index);
    st = ts_h5_reserve(f->file, ts_h5_run_bytes(r) + extra_bytes, shown, what, err);
    if (st != TS_OK) {
        goto cleanup;
    }
    /* Attribute creation order is tracked so that readers can see status came last. */
    gcpl = H5Pcreate(H5P_GROUP_CREATE);
    if (gcpl >= 0 &&
        H5Pset_attr_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) >= 0) {
        g = H5Gcreate2(f->file, gname, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    }
    if (g < 0) {
        st = ts_h5_fail(err, shown, "create group", gname);
        goto cleanup;
    }
    st = ts_h5_run_attrs(&w, g, gname, r);
    if (st == TS_OK) {
        st = ts_h5_run_contents(&w, g, gname, r);
    }
    if (st == TS_OK && extra) {
        st = extra(ctx, &w, g, gname);
    }
    if (st == TS_OK) {
        st = ts_h5_attr_string(&w, g, gname, "status", "complete");
    }
    ts_h5_close_id(&g);
    if (st == TS_OK && H5Fflush(f->file, H5F_SCOPE_GLOBAL) < 0) {
        st = ts_h5_fail(err, shown, "flush", "the file");
    }
    if (st != TS_OK) {
        /* Without status the group would be deleted on --resume anyway; deleting it now
         * lets the caller write the run again. */
        H5Ldelete(f->file, gname, H5P_DEFAULT);
        H5Eclear2(H5E_DEFAULT);
    }
cleanup:
    ts_h5_close_id(&g);
    ts_h5_close_id(&gcpl);
    ts_h5_quiet_end(&quiet);
    return st;
}

static void ts_h5file_free(ts_h5file *f) {
    ts_h5zip_free(&f->zip);
    free(f->path);
    free(f->partial);
    free(f);
}

static ts_status ts_h5_close_file(ts_h5file *f, ts_error *err) {
    ts_status st = TS_OK;
    ts_h5quiet quiet;
    ts_h5_quiet_begin(&quiet);
    if (H5Fclose(f->file) < 0) {
        st = ts_h5_fail(err, ts_h5file_written(f), "close", "the file");
        ts_h5_mark_unclosed();
    } else {
        ts_h5_release(ts_h5file_written(f));
    }
    ts_h5_quiet_end(&quiet);
    return st;
}

ts_status ts_h5_close(ts_h5file *f, ts_error *err) {
    if (!f) {
        return TS_OK;
    }
    ts_status st = ts_h5_close_file(f, err);
    ts_h5file_free(f);
    return st;
}

ts_status ts_h5_finish(ts_h5file *f, ts_error *err) {
    if (!f) {
        return TS_OK;
    }
    ts_status st = ts_h5_close_file(f, err);
    if (st == TS_OK && f->partial && rename(f->partial, f->path) != 0) {
        st = ts_error_set(err, TS_ERR_IO,
                          "%s: cannot put the new results in place of %s: %s (they are "
                          "complete in %s)",
                          f->partial, f->path, strerror(errno), f->partial);
    }
    ts_h5file_free(f);
    return st;
}

const char *ts_h5_written_path(const ts_h5file *f) {
    return f ? ts_h5file_written(f) : "";
}

int ts_h5_resumable(const char *path) {
    struct stat sb;
    char *partial = ts_h5_partial_name(path);
    int yes = stat(path, &sb) == 0 || (partial && stat(partial, &sb) == 0);
    free(partial);
    return yes;
}

/* ---- Resuming ------------------------------------------------------------------------- */

/* The top-level `replicates: N` line of a resolved scenario: where it starts (NULL when
 * absent) and N (0 when absent or unreadable). */
static const char *ts_h5_replicates_line(const char *yaml, uint64_t *n) {
    static const char key[] = "replicates:";
    *n = 0;
    for (const char *line = yaml; line && *line;) {
        if (strncmp(line, key, sizeof key - 1) == 0) {
            char *end = NULL;
            unsigned long long v = strtoull(line + sizeof key - 1, &end, 10);
            if (end != line + sizeof key - 1) {
                *n = (uint64_t)v;
            }
            return line;
        }
        line = strchr(line, '\n');
        line = line ? line + 1 : NULL;
    }
    return NULL;
}

/* Are two resolved scenarios the same but for their number of replicates? Runs are
 * numbered replicate-major, so a file resumed with more replicates keeps its runs. */
static int ts_h5_same_scenario(const char *a, const char *b) {
    uint64_t na, nb;
    const char *ra = ts_h5_replicates_line(a, &na), *rb = ts_h5_replicates_line(b, &nb);
    if (!ra || !rb) {
        return strcmp(a, b) == 0;
    }
    const char *ea = strchr(ra, '\n'), *eb = strchr(rb, '\n');
    ea = ea ? ea : ra + strlen(ra);
    eb = eb ? eb : rb + strlen(rb);
    return ra - a == rb - b && strncmp(a, b, (size_t)(ra - a)) == 0 && strcmp(ea, eb) == 0;
}

/* Copies the whole runs of the damaged file `opened` into PATH.partial (through a
 * temporary name when `opened` is PATH.partial itself), to be finished by a resume. */
static ts_status ts_h5_salvage_resume(hid_t file, const char *opened, const char *path,
                                      int opened_partial, ts_error *err) {
    char *partial = ts_h5_partial_name(path);
    size_t n = strlen(path) + sizeof ".partial.salvage";
    char *tmp = malloc(n);
    ts_status st = TS_OK;
    size_t copied = 0;
    if (!partial || !tmp) {
        st = ts_error_set(err, TS_ERR_NOMEM, "%s: out of memory", path);
        goto cleanup;
    }
    snprintf(tmp, n, "%s.partial.salvage", path);
    ts_error_clear(err);
    st = ts_h5_salvage(file, opened, opened_partial ? tmp : partial, &copied, err);
    if (st == TS_OK && opened_partial && rename(tmp, partial) != 0) {
        st = ts_error_set(err, TS_ERR_IO, "%s: cannot replace the damaged %s: %s", tmp, partial,
                          strerror(errno));
        unlink(tmp);
    }
    if (st != TS_OK) {
        size_t len = strlen(err->msg);
        snprintf(err->msg + len, sizeof err->msg - len,
                 " (while copying the complete runs out of the damaged %s, which is unchanged)",
                 opened);
    }
cleanup:
    free(tmp);
    free(partial);
    return st;
}

/* ts_h5_open_resume; may_salvage: a damaged file may be copied out once. */
static ts_status ts_h5_resume_any(const char *path, const ts_h5meta *meta, size_t n_runs,
                                  unsigned char *done, int may_salvage, ts_h5file **out,
                                  ts_error *err) {
    ts_h5quiet quiet;
    hid_t file = H5I_INVALID_HID, runs = H5I_INVALID_HID;
    char *yaml = NULL;
    ts_h5names names = {NULL, 0};
    ts_status st = TS_OK;
    struct stat sb;
    int damaged = 0;
    *out = NULL;
    for (size_t i = 0; i < n_runs; i++) {
        done[i] = 0;
    }
    /* An unfinished replacement of path is what is to be finished. */
    char *partial = ts_h5_partial_name(path);
    if (!partial) {
        return ts_error_set(err, TS_ERR_NOMEM, "%s: out of memory", path);
    }
    if (stat(partial, &sb) != 0) {
        free(partial);
        partial = NULL;
    }
    const char *opened = partial ? partial : path;
    if (stat(opened, &sb) != 0) {
        return ts_error_set(err, TS_ERR_PARAM, "%s: cannot resume: %s", path, strerror(errno));
    }
    if (ts_h5_lock_holders(opened) == TS_H5_WRITER) {
        st = ts_error_set(err, TS_ERR_IO,
                          "%s is being written by another process; wait for it to finish", opened);
        free(partial);
        return st;
    }
    ts_h5_quiet_begin(&quiet);
    if (H5Fis_hdf5(opened) <= 0) {
        st =
            ts_error_set(err, TS_ERR_PARAM, "%s is not a trustsim results file (not HDF5)", opened);
        goto cleanup;
    }
    file = ts_h5_file_open_rw(opened);
    if (file < 0) {
        st = ts_h5_fail(err, opened, "open", "the file for writing");
        goto cleanup;
    }
    st = ts_h5_reserve(file,
                       TS_H5_BASE_BYTES + 2 * (uint64_t)strlen(meta && meta->scenario_yaml
                                                                   ? meta->scenario_yaml
                                                                   : ""),
                       opened, "the resumed file's header", err);
    if (st != TS_OK) {
        goto cleanup;
    }
    yaml = ts_h5_read_string_attr(file, "scenario_yaml");
    if (H5Lexists(file, "runs", H5P_DEFAULT) <= 0 || yaml == NULL) {
        H5Eclear2(H5E_DEFAULT);
        st = ts_error_set(err, TS_ERR_PARAM,
                          "%s is not a trustsim results file (no /runs or no scenario_yaml)",
                          opened);
        goto cleanup;
    }
    const char *want = meta && meta->scenario_yaml ? meta->scenario_yaml : "";
    if (!ts_h5_same_scenario(yaml, want)) {
        st = ts_error_set(err, TS_ERR_PARAM,
                          "%s was written for a different scenario; use --force to replace it",
                          path);
        goto cleanup;
    }
    /* With more replicates the file will hold more runs: its scenario must say so. (With
     * fewer, the runs beyond are kept, and so is the scenario that describes them.) */
    uint64_t had, will;
    ts_h5_replicates_line(yaml, &had);
    ts_h5_replicates_line(want, &will);
    if (will > had) {
        ts_h5w w = {opened, err, NULL};
        if (H5Adelete(file, "scenario_yaml") < 0) {
            st = ts_h5_fail(err, opened, "replace", "attribute scenario_yaml of /");
            goto cleanup;
        }
        st = ts_h5_attr_string(&w, file, "/", "scenario_yaml", want);
        if (st != TS_OK) {
            goto cleanup;
        }
    }
    runs = H5Gopen2(file, "runs", H5P_DEFAULT);
    int rc = runs < 0 ? -1 : ts_h5_list(runs, H5_INDEX_NAME, &names);
    if (rc != 0) {
        st = rc == -2 ? ts_error_set(err, TS_ERR_NOMEM, "%s: out of memory", opened)
                      : ts_h5_fail(err, opened, "list", "/runs");
        goto cleanup;
    }
    /* Deleting while listing would shift the indices, so the list comes first. */
    for (size_t i = 0; i < names.n; i++) {
        uint64_t index;
        if (!ts_h5_run_index(names.names[i], &index)) {
            continue;
        }
        if (ts_h5_is_complete(runs, names.names[i])) {
            if (index < n_runs) {
                done[index] = 1;
            }
        } else if (H5Ldelete(runs, names.names[i], H5P_DEFAULT) < 0) {
            char obj[64];
            snprintf(obj, sizeof obj, "incomplete run /runs/%s", names.names[i]);
            st = ts_h5_fail(err, opened, "delete", obj);
            damaged = 1;
            break;
        }
    }
    if (damaged && may_salvage) {
        /* A write that failed half-way (an old file, a disk that failed under HDF5) can
         * leave a run that cannot even be deleted: copy the complete runs out into the
         * file that will replace this one, and go on from that copy. */
        st = ts_h5_salvage_resume(file, opened, path, partial != NULL, err);
        ts_h5_close_id(&runs);
        ts_h5_close_id(&file);
        if (st == TS_OK) {
            st = ts_h5_resume_any(path, meta, n_runs, done, 0, out, err);
        }
        goto cleanup;
    }
    if (damaged) {
        goto cleanup;
    }
    if (H5Fflush(file, H5F_SCOPE_GLOBAL) < 0) {
        st = ts_h5_fail(err, opened, "flush", "the file");
        goto cleanup;
    }
    *out = ts_h5file_new(path, partial, file);
    if (!*out) {
        st = ts_error_set(err, TS_ERR_NOMEM, "%s: out of memory", opened);
        goto cleanup;
    }
    file = H5I_INVALID_HID; /* owned by *out now */
cleanup:
    if (st != TS_OK) {
        for (size_t i = 0; i < n_runs; i++) {
            done[i] = 0;
        }
    }
    ts_h5names_free(&names);
    free(partial);
    free(yaml);
    ts_h5_close_id(&runs);
    ts_h5_close_id(&file);
    ts_h5_quiet_end(&quiet);
    return st;
}

ts_status ts_h5_open_resume(const char *path, const ts_h5meta *meta, size_t n_runs,
                            unsigned char *done, ts_h5file **out, ts_error *err) {
    return ts_h5_resume_any(path, meta, n_runs, done, 1, out, err);
}
