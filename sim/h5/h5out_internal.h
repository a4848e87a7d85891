/* Private writing helpers of the HDF5 results file (sim/h5out.c), shared with the writer
 * of a validation file's /validation group (sim/app/validate_h5.c); not part of the API. Like
 * all of HDF5 they are used by one thread at a time, with HDF5's error printing silenced
 * (ts_h5_quiet_begin); failures come back as ts_error naming the file and the object. */
#ifndef TS_H5OUT_INTERNAL_H
#define TS_H5OUT_INTERNAL_H

#include "h5out.h"

#include <hdf5.h>

/* What compressing a dataset's chunks needs (h5out.c): a libdeflate compressor and three
 * buffers of `bytes` each. A writer that writes many datasets keeps one so that each dataset
 * does not allocate (and fault in) its own; all zero is empty. */
struct libdeflate_compressor;
typedef struct ts_h5zip {
    struct libdeflate_compressor *z;
    unsigned char *raw, *shuf, *out;
    size_t bytes, out_bytes;
    const struct ts_h5pre *pre; /* chunks compressed ahead (ts_h5_precompress), or NULL */
    size_t pre_next;            /* where the next lookup in pre starts */
} ts_h5zip;

/* Frees what a ts_h5zip holds and empties it. */
void ts_h5zip_free(ts_h5zip *zip);

/* Where a write goes, for messages: the file, and the error to fill; zip, when not NULL,
 * the scratch its compressed datasets reuse (else each allocates its own). */
typedef struct ts_h5w {
    const char *file;
    ts_error *err;
    ts_h5zip *zip;
} ts_h5w;

/* The HDF5 file id of an open results file (still owned by f), and its path. */
hid_t ts_h5file_id(const ts_h5file *f);
const char *ts_h5file_path(const ts_h5file *f);

/* A scalar attribute of loc (named `where` in messages); value points at one value of
 * mem_type. */
ts_status ts_h5_attr(const ts_h5w *w, hid_t loc, const char *where, const char *name,
                     hid_t file_type, hid_t mem_type, const void *value);

/* A scalar variable-length UTF-8 string attribute (NULL: ""). */
ts_status ts_h5_attr_string(const ts_h5w *w, hid_t loc, const char *where, const char *name,
                            const char *value);

/* A new group (link creation order tracked when track_order); a negative id and *st set
 * on failure. */
hid_t ts_h5_group(const ts_h5w *w, hid_t loc, const char *where, const char *name, int track_order,
                  ts_status *st);

/* A dataset of rank 0 (scalar), 1 or 2 with its units and description attributes; data
 * holds the values as mem_type (for strings: an array of char pointers). */
ts_status ts_h5_dataset(const ts_h5w *w, hid_t loc, const char *where, const char *name,
                        hid_t file_type, hid_t mem_type, int rank, const hsize_t *dims,
                        const void *data, int compress, const char *units, const char *description);

/* More contents of a run's group (its checkpoints, sim/checkpoint_h5.c), written after
 * its datasets and before its status: g is the run's group, `where` its path. */
typedef ts_status (*ts_h5_run_extra_fn)(void *ctx, const ts_h5w *w, hid_t g, const char *where);

/* ts_h5_write_run with `extra` (NULL: none) adding to the group, extra_bytes more claimed
 * on the disk first. */
ts_status ts_h5_write_run_with(ts_h5file *f, const ts_result *r, ts_h5_run_extra_fn extra,
                               void *ctx, uint64_t extra_bytes, ts_error *err);

#endif
