/* The file beneath a results file (sim/h5/h5file.c), private to the writers (sim/h5/h5out.c,
 * sim/app/compare.c): who holds HDF5's lock on a file, claiming a new name, the name a
 * replacement is written under until it is complete, and room on the disk claimed before
 * anything is written. These keep results from being lost (docs/output.md, "What is
 * guaranteed when something fails"). */
#ifndef TS_H5FILE_INTERNAL_H
#define TS_H5FILE_INTERNAL_H

#include "status.h"

#include <hdf5.h>

#include <stdint.h>

/* Who holds HDF5's lock on path (HDF5 takes a shared lock to read a file, an exclusive
 * one to write it, and holds it while the file is open): */
typedef enum ts_h5_holders {
    TS_H5_FREE = 0,    /* nobody, or path cannot be opened */
    TS_H5_READERS = 1, /* one or more readers */
    TS_H5_WRITER = 2   /* a writer */
} ts_h5_holders;

ts_h5_holders ts_h5_lock_holders(const char *path);

/* path + ".partial" (malloc'd; NULL when out of memory): where a file that replaces path
 * is written, to be renamed over path once complete. */
char *ts_h5_partial_name(const char *path);

/* Creates path as a new empty file (O_EXCL), so that it is ours to truncate or remove
 * whatever happens next, and checks that `bytes` fit on the disk (as ts_h5_reserve;
 * removing the file when they do not). TS_ERR_EXISTS when something else made it first,
 * TS_ERR_IO naming the system's reason otherwise. */
ts_status ts_h5_claim_name(const char *path, uint64_t bytes, ts_error *err);

/* Claims room for `bytes` more bytes at the end of file (an open HDF5 file), before
 * anything is written: blocks are allocated beyond the file's end without changing its
 * size, so HDF5's writes land on space already held. A full disk, a quota or the
 * file-size limit (ulimit -f) then stops a write before it starts, and the file stays as
 * it was, instead of failing half-way through HDF5's metadata. `shown` names the file and
 * `what` the write in the message ("PATH: no room to write WHAT (about 1.2 MB): No
 * space left on device"; TS_ERR_IO). Where the file system cannot preallocate, nothing is
 * claimed and TS_OK is returned. */
ts_status ts_h5_reserve(hid_t file, uint64_t bytes, const char *shown, const char *what,
                        ts_error *err);

/* Gives back the room claimed beyond the end of the file at path (best effort; after
 * the file is closed). */
void ts_h5_release(const char *path);

/* Copies what is whole in src (an open results file whose incomplete runs cannot be
 * removed: a write failed half-way) into a new file dst_path: the root attributes,
 * /sweep and the complete runs; *n_copied counts the runs. On failure dst_path is
 * removed and src is unchanged. `shown` names src in messages. */
ts_status ts_h5_salvage(hid_t src, const char *shown, const char *dst_path, size_t *n_copied,
                        ts_error *err);

#endif
