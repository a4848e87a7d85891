/* The HDF5 results file (layout in docs/output.md): root attributes, one group per run
 * written whole when the run ends and flushed at once, the sweep grid. Not thread-safe:
 * one thread at a time (HDF5 itself is not). HDF5 failures come back as ts_error, never
 * printed: each function silences HDF5's error printing and restores it on return. */
#ifndef TS_H5OUT_H
#define TS_H5OUT_H

#include "results.h"
#include "scenario.h"

#include <stdio.h>

/* The deflate level of chunked datasets (after the shuffle filter): level 1 is as good as
 * 4 within 2 % on the snapshot edges and agent tables, for a fifth less time in zlib. */
#define TS_H5_DEFLATE_LEVEL 1

typedef struct ts_h5file ts_h5file;

/* The process's use of the HDF5 library. ts_h5_library_open first (before any other HDF5
 * call: it keeps HDF5 from registering its exit handler), ts_h5_library_close last: it
 * shuts HDF5 down, unless a file could not be closed (a failed write can leave one
 * half-open, and shutting down would then crash), in which case the process just exits.
 * Programs that never call them (the tests) get HDF5's own exit handler. */
void ts_h5_library_open(void);
void ts_h5_library_close(void);

/* With on, every HDF5 failure prints HDF5's whole error stack to stderr (--verbose)
 * before the one-line message; off (the default), users see only that line. */
void ts_h5_set_verbose(int on);

typedef struct ts_h5meta {
    const char *scenario_name;
    const char *scenario_yaml; /* the resolved scenario, as `trustsim check` prints it */
    const char *command_line;
} ts_h5meta;

/* Creates the file with its root attributes, /runs and /sweep/grid (from the scenario's
 * sweep; sc may be NULL: no swept keys, one grid point) and creates the missing
 * directories above path. meta and its strings may be NULL (stored as ""). Fails with
 * TS_ERR_EXISTS ("PATH exists: use --force to replace it or --resume to finish it") when
 * the file exists and force is 0, leaving it untouched. With force, an existing file is
 * not touched either: the new one is written as PATH.partial and takes its place at
 * ts_h5_finish (TS_ERR_IO when another process is writing PATH or PATH.partial).
 * TS_ERR_IO when a directory cannot be made or the disk is full, TS_ERR_HDF5 (naming the
 * object) when HDF5 fails; a file half-made by a failure is removed. *out is NULL on failure. Call
 * it only once the scenario is validated: nothing is written for a bad scenario. */
ts_status ts_h5_create(const char *path, int force, const ts_h5meta *meta, const ts_scenario *sc,
                       ts_h5file **out, ts_error *err);

/* The root attributes a validation file has besides those of ts_h5meta. */
typedef struct ts_h5vmeta {
    const char *patterns_file; /* the patterns file as named on the command line */
    const char *patterns_yaml; /* its text */
    const char *sets;          /* the --set assignments, one a line ("" for none) */
    int quick;                 /* --quick */
} ts_h5vmeta;

/* Creates a validation file (docs/output.md, "Validation files"): the root attributes of
 * meta and v and an empty /runs; no /sweep. An existing file at path is replaced: callers
 * write to a temporary file and rename it into place when it is complete. Errors as for
 * ts_h5_create; *out is NULL on failure. */
ts_status ts_h5_create_validation(const char *path, const ts_h5meta *meta, const ts_h5vmeta *v,
                                  ts_h5file **out, ts_error *err);

/* Opens an existing file to finish it: PATH.partial when there is one (an unfinished
 * replacement; ts_h5_finish puts it in place), else PATH. Fails (TS_ERR_PARAM, "PATH was written
 * for a different scenario; use --force to replace it") if its scenario_yaml is not
 * meta->scenario_yaml, and then changes nothing. Only the top-level `replicates:` line
 * may differ (runs are numbered replicate-major, so more replicates add runs); when
 * meta's count is larger, it replaces the file's scenario_yaml. done (n_runs entries)
 * is cleared, then done[i] is set to 1 for each run index i < n_runs whose group has
 * status "complete"; groups /runs/rNNNNNN without it (left by a crash) are deleted so
 * they can be written again. Other errors: TS_ERR_PARAM when the file cannot be read
 * (the runner creates a missing one instead) or is not a results file, TS_ERR_HDF5. */
ts_status ts_h5_open_resume(const char *path, const ts_h5meta *meta, size_t n_runs,
                            unsigned char *done, ts_h5file **out, ts_error *err);

/* Writes /runs/rNNNNNN (N = run_index, 6 digits) whole, status "complete" last, then
 * flushes the file. r is only read. A swept key named like a run attribute (seed,
 * replicate, grid_point, wall_seconds, threads, status) is not written as one. Errors:
 * TS_ERR_INTERNAL for a run written twice, a dataset without a name or a column with
 * rows but no data; TS_ERR_HDF5 naming the object (e.g. two metrics of one name). On
 * failure the group is removed, so the run can be written again. */
ts_status ts_h5_write_run(ts_h5file *f, const ts_result *r, ts_error *err);

/* A run's arrays compressed ahead of writing. Deflating is most of the time a run's write
 * takes, and runs are written one at a time: a sweep's threads compress their own run
 * with ts_h5_precompress (no HDF5 call: any thread, outside the file's lock), then write it
 * with ts_h5_set_precompressed in force, so the lock is held only for HDF5's own work.
 * The file's bytes are those the run would have without it. */
typedef struct ts_h5pre ts_h5pre;
/* Shuffles and deflates, chunk by chunk as ts_h5_write_run would, the compressed datasets
 * of r (series, tables, snapshots); NULL in *out and TS_ERR_NOMEM when memory runs out. */
ts_status ts_h5_precompress(const ts_result *r, ts_h5pre **out, ts_error *err);
void ts_h5_pre_free(ts_h5pre *p); /* NULL: nothing to do */
/* Runs written to f from now on take their chunks from p for each array p holds the
 * compressed form of: the same element size and shape, and the same CRC-32 and Adler-32 of its
 * bytes (equal arrays make equal chunks, so it may be another copy of the run's values); the
 * others, and an array changed since, are compressed as they are written. NULL: none. p must
 * outlive its use. */
void ts_h5_set_precompressed(ts_h5file *f, const ts_h5pre *p);
/* p as bytes for another process of the sweep (an MPI rank compresses its runs before
 * sending them), and back. Unpacking refuses bytes that are cut short or inconsistent
 * (TS_ERR_INTERNAL). */
ts_status ts_h5_pre_pack(const ts_h5pre *p, unsigned char **buf, size_t *len, ts_error *err);
ts_status ts_h5_pre_unpack(const unsigned char *buf, size_t len, ts_h5pre **out, ts_error *err);

/* Closes the file and frees f (NULL: nothing to do). A replacement written as
 * PATH.partial stays there (unfinished: --resume finishes it); the file at PATH is
 * untouched. When the close fails (a full disk), HDF5 keeps the file half-open: see
 * ts_h5_library_close. */
ts_status ts_h5_close(ts_h5file *f, ts_error *err);
/* Closes the file, complete, and frees f: a replacement written as PATH.partial is
 * renamed over PATH (atomic: a reader of the old PATH keeps its file). */
ts_status ts_h5_finish(ts_h5file *f, ts_error *err);
/* The name of the file being written: PATH, or PATH.partial for a replacement. */
const char *ts_h5_written_path(const ts_h5file *f);
/* Is there something at path (or an unfinished replacement of it) to resume? */
int ts_h5_resumable(const char *path);
/* The room on the disk claimed before a run is written: an upper bound of the bytes it
 * adds to the file (its values uncompressed, plus each object's overhead). */
uint64_t ts_h5_run_bytes(const ts_result *r);

/* `trustsim info` (defined in sim/app/h5info.c): prints the root attributes (the scenario's
 * YAML as a line count), the sweep grid, one line per run (index, grid point, replicate,
 * seed, wall seconds, threads, status, swept values) and the datasets of the first
 * complete run with shape, type and units, in aligned columns. For a validation file, the
 * runs show their pattern and arm instead of the grid, and the scorecard follows. Errors:
 * TS_ERR_PARAM (the file cannot be read or is not a trustsim results file: bad input), TS_ERR_HDF5.
 */
ts_status ts_h5_info(const char *path, FILE *out, ts_error *err);

#endif
