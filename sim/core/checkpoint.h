/* Saved states of a run (output.checkpoints, `trustsim run --from`, branched sweeps): the
 * whole state of a run at the end of a recorded day, as a flat list of named arrays in
 * memory (a ts_ckpt) that sim/h5/checkpoint_h5.c writes into a run's group and reads back.
 *
 * What a checkpoint holds: the world (agents, tree, traits, shared per-person state, every
 * registered per-agent column, the day's hours), the mental models held (counts and the
 * used slots only), each module's state through its state_io hook, the metric rows
 * recorded so far, and what it was made by (format, version, modules, domains, seed, and
 * the keys that act only when the organisation is created). Random streams are
 * counter-based (sim/maths/rng.h: keyed by seed, day, agent, module): no generator state is
 * saved.
 *
 * Modules save and load through one symmetric function (ts_module.state_io): the same
 * calls name each field, and ts_sio_loading() tells the rare module that must allocate
 * before reading (a variable-length list) which way it goes. Every helper is sticky: after
 * the first failure the others do nothing and return it, so a state_io is straight-line
 * code ending in `return ts_sio_status(io);`. */
#ifndef TS_CHECKPOINT_H
#define TS_CHECKPOINT_H

#include "results.h"
#include "status.h"
#include "world.h"

#include <stddef.h>
#include <stdint.h>

/* Version of the layout of a checkpoint (not of the model: trustsim_version says that). */
#define TS_CKPT_FORMAT 1u

typedef enum ts_sio_type {
    TS_SIO_U8,
    TS_SIO_U16,
    TS_SIO_U32,
    TS_SIO_I32,
    TS_SIO_U64,
    TS_SIO_F32,
    TS_SIO_F64,
    TS_SIO_BYTES /* opaque entries of elem bytes (a module's rows of plain data) */
} ts_sio_type;

/* One named field: count entries of elem bytes. A scalar is one value, written as an
 * attribute of its group; anything else is a dataset ([count], or [count][elem] bytes). */
typedef struct ts_ckpt_item {
    char *name; /* "world/manager", "modules/work/rows": groups separated by '/' */
    ts_sio_type type;
    size_t elem, count;
    int scalar;
    int used; /* loading: read by someone */
    void *data;
} ts_ckpt_item;

typedef struct ts_ckpt {
    int32_t day; /* the end of this recorded day */
    uint32_t format;
    uint64_t seed; /* the run's seed */
    uint32_t run_index, grid_point, replicate;
    char *version; /* trustsim version that made it */
    char *modules; /* the modules that were on, ", "-separated, in table order */
    char *domains; /* the scenario's domains, ", "-separated */
    /* Keys that act only when the organisation is created. */
    uint32_t headcount, capacity;
    int32_t warmup_days;
    ts_ckpt_item *items;
    size_t n, n_alloc;
    /* Names and units of the snapshots read with it from a file (ts_ckpt_read), owned. */
    char **strs;
    size_t n_strs;
} ts_ckpt;

/* An empty checkpoint (NULL when out of memory); free with ts_ckpt_free (NULL: nothing). */
ts_ckpt *ts_ckpt_new(void);
void ts_ckpt_free(ts_ckpt *ck);
/* A deep copy, or NULL when out of memory. */
ts_ckpt *ts_ckpt_copy(const ts_ckpt *ck);
/* Adds a field (data copied; NULL data gives zeros). Returns the item or NULL when out of
 * memory. */
ts_ckpt_item *ts_ckpt_add(ts_ckpt *ck, const char *name, ts_sio_type type, size_t elem,
                          size_t count, int scalar, const void *data);
/* The field called name, or NULL. */
ts_ckpt_item *ts_ckpt_find(const ts_ckpt *ck, const char *name);
/* Bytes of one entry of a type (elem for TS_SIO_BYTES). */
size_t ts_sio_type_size(ts_sio_type type);
/* An upper bound of the bytes the checkpoint adds to a file. */
uint64_t ts_ckpt_bytes(const ts_ckpt *ck);

/* Flattens a checkpoint into one malloc'd buffer and back (to send between MPI ranks;
 * the machine's own byte order). TS_ERR_INTERNAL for a buffer that is not one. */
ts_status ts_ckpt_pack(const ts_ckpt *ck, unsigned char **buf, size_t *len, ts_error *err);
ts_status ts_ckpt_unpack(const unsigned char *buf, size_t len, ts_ckpt **out, ts_error *err);

/* ---- The visitor -------------------------------------------------------------------- */

typedef struct ts_state_io {
    ts_ckpt *ck;
    int loading;
    char prefix[96];    /* "modules/work/" */
    const char *source; /* for messages: "checkpoint day 30 of run 0 in FILE" */
    ts_status st;
    ts_error *err;
} ts_state_io;

/* A visitor saving into ck (loading = 0) or loading from it (1), under `prefix`. */
void ts_sio_begin(ts_state_io *io, ts_ckpt *ck, int loading, const char *prefix, const char *source,
                  ts_error *err);

static inline int ts_sio_loading(const ts_state_io *io) {
    return io->loading;
}
static inline ts_status ts_sio_status(const ts_state_io *io) {
    return io->st;
}

/* Scalars. Loading a field the checkpoint lacks, or has with another type or size, fails
 * with TS_ERR_PARAM naming it (a checkpoint of another model version). */
ts_status ts_sio_u32(ts_state_io *io, const char *name, uint32_t *v);
ts_status ts_sio_i32(ts_state_io *io, const char *name, int32_t *v);
ts_status ts_sio_u64(ts_state_io *io, const char *name, uint64_t *v);
ts_status ts_sio_f32(ts_state_io *io, const char *name, float *v);
ts_status ts_sio_f64(ts_state_io *io, const char *name, double *v);
/* An int or a size_t, stored as int32 and uint64. */
ts_status ts_sio_int(ts_state_io *io, const char *name, int *v);
ts_status ts_sio_size(ts_state_io *io, const char *name, size_t *v);
/* count entries of a type at ptr (ptr may be NULL when count is 0). */
ts_status ts_sio_typed(ts_state_io *io, const char *name, ts_sio_type type, void *ptr,
                       size_t count);
/* count entries of elem_size bytes of plain data (no pointers) at ptr. */
ts_status ts_sio_array(ts_state_io *io, const char *name, void *ptr, size_t elem_size,
                       size_t count);

/* The world: its scalars, per-agent arrays of its n agents, registered columns and mental
 * models. Loading, the world is first grown to the checkpoint's agents (its capacity
 * rounded as the run would have); a column the checkpoint has that is not registered here
 * (a module switched off at a branch) is left out, a registered one it lacks (a module
 * switched on) keeps its initial value. */
ts_status ts_ckpt_world_io(ts_state_io *io, ts_world *w);

/* Fails (TS_ERR_PARAM) when a field under `prefix` was not read while loading: the
 * checkpoint was made by a module with more state (another model version). */
ts_status ts_ckpt_check_used(const ts_ckpt *ck, const char *prefix, const char *source,
                             ts_error *err);

/* Appends deep copies of the snapshots of `from` with day <= max_day to `to`. */
ts_status ts_ckpt_copy_snapshots(const ts_result *from, int32_t max_day, ts_result *to,
                                 ts_error *err);

#endif
