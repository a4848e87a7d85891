/* Checkpoints in the results file (sim/core/checkpoint.h says what a checkpoint holds): a
 * run's checkpoints written into its group, and one read back. */
#ifndef TS_CHECKPOINT_H5_H
#define TS_CHECKPOINT_H5_H

#include "checkpoint.h"
#include "h5out.h"

/* ts_h5_write_run, the run's checkpoints cks[0..n) added to its group as
 * checkpoints/dNNNNNN (docs/output.md) before its status. */
ts_status ts_ckpt_write_run(ts_h5file *f, const ts_result *r, ts_ckpt *const *cks, size_t n,
                            ts_error *err);

/* Reads the checkpoint of day `day` of run `run` of the results file at path into *out, and
 * the run's snapshots of days up to `day` into past (initialised by the caller; its
 * strings belong to *out; NULL: not read). TS_ERR_PARAM, saying what the file has, when the file is
 * not a results file, has no complete run `run` or no checkpoint of that day; *out is NULL on
 * failure. */
ts_status ts_ckpt_read(const char *path, uint64_t run, int32_t day, ts_ckpt **out, ts_result *past,
                       ts_error *err);

#endif
