/* Sweeps over MPI (docs/cluster.md). Under `mpirun -n N` or `srun`, rank 0 deals the runs
 * of a sweep to the other ranks one at a time, longest expected first, and writes every
 * result into the one results file as it arrives, with the same writer as a run in one
 * process: the file is the same, bit for bit, but for wall times and thread counts.
 * Ranks 1..N-1 run what they are dealt on their own OpenMP threads and send the results
 * back packed (sim/h5/results_pack.c). MPI is initialised only when the process was
 * launched as one of several ranks; a build without MPI, or a plain `trustsim run`,
 * never touches it. */
#ifndef TS_MPI_RUNNER_H
#define TS_MPI_RUNNER_H

#include "results.h"
#include "status.h"

#include <signal.h>
#include <stddef.h>

/* Starts MPI when this process is one of several ranks of an MPI launch (Open MPI's
 * mpirun, Slurm's srun, MPICH's Hydra); otherwise does nothing. Call first in main. */
void ts_mpi_start(int *argc, char ***argv);
/* Ends MPI if ts_mpi_start started it. Call last in main. */
void ts_mpi_stop(void);
/* This process's rank and the number of ranks (0 and 1 without MPI). */
int ts_mpi_rank(void);
int ts_mpi_size(void);
/* "Open MPI 4.1.4"-like text of the MPI this binary was built with, or NULL. */
const char *ts_mpi_library(void);

/* A sweep dealt over the ranks. Rank 0 fills jobs, write and show_progress; the other
 * ranks only compute. */
typedef struct ts_mpi_sweep {
    const size_t *jobs; /* rank 0: run indices in the order to deal them */
    size_t n_jobs;
    size_t n_runs; /* rank 0: the runs the jobs write (0: one a job), for progress */
    /* Any rank but 0: run job `index` with `threads` threads and pack its runs into *buf
     * (malloc'd, *len bytes): a run (sim/h5/results_pack.h) with its checkpoints, or a
     * branched sweep's replicate, several (sim/app/runner.c packs them). */
    ts_status (*compute)(void *ctx, size_t index, int threads, unsigned char **buf, size_t *len,
                         ts_error *err);
    /* Rank 0: write what a job's compute packed; the runs written in *runs. */
    ts_status (*write)(void *ctx, const unsigned char *buf, size_t len, size_t *runs,
                       ts_error *err);
    void *ctx;
    int threads;       /* per rank; 0: the cores of the machine shared by its ranks */
    int large;         /* runs of large organisations: one at a time with every thread */
    int show_progress; /* rank 0: runs written so far on stderr */
} ts_mpi_sweep;

typedef struct ts_mpi_outcome {
    size_t runs_done; /* written by rank 0 */
    double seconds;
    int interrupted; /* rank 0 stopped dealing on SIGINT */
} ts_mpi_outcome;

/* Runs the sweep on every rank (collective: every rank calls it, after rank 0 has called
 * ts_mpi_go). The first failure anywhere stops the dealing; rank 0 returns it once the
 * runs in flight are written; the other ranks return TS_OK or their own failure. */
ts_status ts_mpi_run_sweep(const ts_mpi_sweep *s, const volatile sig_atomic_t *interrupt,
                           ts_mpi_outcome *out, ts_error *err);

/* Collective, before ts_mpi_run_sweep: rank 0 says whether the sweep goes ahead (st ==
 * TS_OK) or not (its failure; every rank then returns that status, the others with an
 * empty message). */
ts_status ts_mpi_go(ts_status st, ts_error *err);

/* Collective, after ts_mpi_go: rank 0's len bytes at buf copied to every rank's buf (the
 * runs already written, so that a branched replicate's worker runs only the missing ones).
 * Nothing without MPI. */
void ts_mpi_share(void *buf, size_t len);

#endif
