/* A run's results as one flat buffer, to send from the rank that ran it to the rank that
 * writes the file (sim/app/mpi_runner.c). The format is the machine's own (byte order, float
 * layout): ranks of one job run the same binary on the same kind of machine. Names, units
 * and descriptions of an unpacked result point into the buffer, which must outlive it;
 * values are copied into the result's own arrays. */
#ifndef TS_RESULTS_PACK_H
#define TS_RESULTS_PACK_H

#include "results.h"

#include <stddef.h>

/* Packs everything of r but its params (the writer derives those from the scenario):
 * indices, seed, wall seconds, threads, metrics, summary, agents, snapshots, incidents,
 * teams. *buf is malloc'd (free it). TS_ERR_NOMEM when out of memory. */
ts_status ts_result_pack(const ts_result *r, unsigned char **buf, size_t *len, ts_error *err);

/* Fills r (initialised here) from buf[0..len); TS_ERR_INTERNAL naming what is wrong when
 * the buffer is not a whole packed result (r is then freed and empty), TS_ERR_NOMEM. */
ts_status ts_result_unpack(const unsigned char *buf, size_t len, ts_result *r, ts_error *err);

#endif
