/* Sweeps over MPI (see mpi_runner.h). Protocol, all on MPI_COMM_WORLD:
 *   rank 0 -> all   broadcast: go (TS_OK) or the status that stopped rank 0
 *   worker -> 0     READY (empty): a slot (one of the worker's threads) wants a run
 *   rank 0 -> all   broadcast: the runs already written (one byte a run, --resume)
 *   0 -> worker     JOB (one uint64: the run index, or a branched sweep's replicate) or STOP
 *   worker -> 0     RESULT (the job's runs, packed by the runner) or FAIL (a ts_error)
 *   worker -> 0     BYE (empty): all of its slots are stopped
 * A worker's slots make their MPI calls one at a time (a critical section; MPI is started
 * with MPI_THREAD_SERIALIZED), and a READY and its answer are one exchange inside it, so
 * answers cannot cross between slots. */
#include "mpi_runner.h"

#include "clock.h"

#include <omp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef TS_HAVE_MPI
#include <mpi.h>
#endif

#ifndef TS_HAVE_MPI

void ts_mpi_start(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
}
void ts_mpi_stop(void) {}
int ts_mpi_rank(void) {
    return 0;
}
int ts_mpi_size(void) {
    return 1;
}
const char *ts_mpi_library(void) {
    return NULL;
}
ts_status ts_mpi_go(ts_status st, ts_error *err) {
    (void)err;
    return st;
}
void ts_mpi_share(void *buf, size_t len) {
    (void)buf;
    (void)len;
}
ts_status ts_mpi_run_sweep(const ts_mpi_sweep *s, const volatile sig_atomic_t *interrupt,
                           ts_mpi_outcome *out, ts_error *err) {
    (void)s;
    (void)interrupt;
    memset(out, 0, sizeof *out);
    return ts_error_set(err, TS_ERR_UNAVAILABLE, "this trustsim was built without MPI");
}

#else

enum { TAG_READY = 1, TAG_JOB, TAG_STOP, TAG_RESULT, TAG_FAIL, TAG_BYE };

static int mpi_started, mpi_rank, mpi_size = 1;

/* Launched as one of several ranks? The launchers' own variables say so before
 * MPI_Init, which a plain run should not pay for (nor, as root, be refused by): Open
 * MPI's mpirun, a PMI launcher (MPICH's Hydra, srun --mpi=pmi2), or a Slurm job step of
 * several tasks (srun; not the batch script around it). */
static int mpi_launched(void) {
    static const char *const sizes[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_STEP_NUM_TASKS"};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        const char *v = getenv(sizes[i]);
        if (v && atoi(v) > 1) {
            return 1;
        }
    }
    return 0;
}

void ts_mpi_start(int *argc, char ***argv) {
    if (!mpi_launched()) {
        return;
    }
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS) {
        fprintf(stderr, "trustsim: cannot start MPI\n");
        exit(1);
    }
    mpi_started = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &mpi_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &mpi_size);
    if (mpi_size > 1 && provided < MPI_THREAD_SERIALIZED) {
        if (mpi_rank == 0) {
            fprintf(stderr, "trustsim: this MPI cannot serve several threads of a rank "
                            "(MPI_THREAD_SERIALIZED)\n");
        }
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
}

void ts_mpi_stop(void) {
    if (mpi_started) {
        MPI_Finalize();
        mpi_started = 0;
    }
}

int ts_mpi_rank(void) {
    return mpi_rank;
}

int ts_mpi_size(void) {
    return mpi_size;
}

const char *ts_mpi_library(void) {
    static char text[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0;
    if (!text[0] && MPI_Get_library_version(text, &len) == MPI_SUCCESS) {
        text[strcspn(text, ",\n")] = '\0';
    }
    return text;
}

void ts_mpi_share(void *buf, size_t len) {
    /* In pieces that fit an int count. */
    for (size_t off = 0; off < len; off += (size_t)INT32_MAX) {
        size_t n = len - off < (size_t)INT32_MAX ? len - off : (size_t)INT32_MAX;
        MPI_Bcast((unsigned char *)buf + off, (int)n, MPI_BYTE, 0, MPI_COMM_WORLD);
    }
}

ts_status ts_mpi_go(ts_status st, ts_error *err) {
    int code = (int)st;
    MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (mpi_rank != 0 && code != TS_OK) {
        if (err) {
            err->status = (ts_status)code;
            err->msg[0] = '\0';
        }
    }
    return (ts_status)code;
}

/* ---- Rank 0: deal, receive, write ------------------------------------------------------ */

static void mpi_progress(size_t done, size_t total, double t0, int final) {
    double t = ts_clock_seconds() - t0;
    fprintf(stderr, "\r  runs %zu/%zu on %d ranks  %d:%02d %s ", done, total, mpi_size - 1,
            (int)(t / 60), (int)t % 60, final ? "took" : "elapsed");
    if (final) {
        fputc('\n', stderr);
    }
    fflush(stderr);
}

static ts_status mpi_coordinate(const ts_mpi_sweep *s, const volatile sig_atomic_t *interrupt,
                                ts_mpi_outcome *out, ts_error *err) {
    size_t next = 0;
    int workers = mpi_size - 1;
    ts_status first = TS_OK;
    double t0 = ts_clock_seconds(), last = 0.0;
    unsigned char *buf = NULL;
    size_t cap = 0;
    while (workers > 0) {
        MPI_Status ms;
        int count = 0;
        MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &ms);
        MPI_Get_count(&ms, MPI_BYTE, &count);
        if ((size_t)count > cap) {
            unsigned char *grown = realloc(buf, (size_t)count);
            if (!grown) {
                /* Nothing can be received: stop everything rather than hang. */
                fprintf(stderr, "trustsim: out of memory receiving %d bytes\n", count);
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
            buf = grown;
            cap = (size_t)count;
        }
        MPI_Recv(buf, count, MPI_BYTE, ms.MPI_SOURCE, ms.MPI_TAG, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
        if (ms.MPI_TAG == TAG_READY) {
            int stop = first != TS_OK || next >= s->n_jobs || (interrupt && *interrupt);
            if (stop) {
                out->interrupted |= next < s->n_jobs && first == TS_OK;
                MPI_Send(NULL, 0, MPI_BYTE, ms.MPI_SOURCE, TAG_STOP, MPI_COMM_WORLD);
            } else {
                uint64_t job = s->jobs[next++];
                MPI_Send(&job, sizeof job, MPI_BYTE, ms.MPI_SOURCE, TAG_JOB, MPI_COMM_WORLD);
            }
        } else if (ms.MPI_TAG == TAG_RESULT) {
            ts_error e;
            size_t runs = 0;
            ts_error_clear(&e);
            ts_status st = s->write(s->ctx, buf, (size_t)count, &runs, &e);
            out->runs_done += runs;
            if (st != TS_OK && first == TS_OK) {
                first = st;
                *err = e;
            }
        } else if (ms.MPI_TAG == TAG_FAIL) {
            if (first == TS_OK) {
                ts_error e;
                memset(&e, 0, sizeof e);
                memcpy(&e, buf, (size_t)count < sizeof e ? (size_t)count : sizeof e);
                e.msg[sizeof e.msg - 1] = '\0';
                first = e.status != TS_OK ? e.status : TS_ERR_INTERNAL;
                ts_error_set(err, first, "rank %d: %s", ms.MPI_SOURCE, e.msg);
            }
        } else if (ms.MPI_TAG == TAG_BYE) {
            workers--;
        }
        if (s->show_progress && ts_clock_seconds() - last >= 0.25) {
            last = ts_clock_seconds();
            mpi_progress(out->runs_done, s->n_runs ? s->n_runs : s->n_jobs, t0, 0);
        }
    }
    if (s->show_progress) {
        mpi_progress(out->runs_done, s->n_runs ? s->n_runs : s->n_jobs, t0, 1);
    }
    free(buf);
    out->seconds = ts_clock_seconds() - t0;
    return first;
}

/* ---- The other ranks: ask, run, send back ------------------------------------------------ */

/* Threads for this rank: the cores of its machine shared among the working ranks on it
 * (rank 0 only deals and writes). */
static int mpi_threads(int asked) {
    if (asked > 0) {
        return asked;
    }
    MPI_Comm node;
    int local = 1, local_rank = 0;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Comm_size(node, &local);
    MPI_Comm_rank(node, &local_rank);
    MPI_Comm_free(&node);
    /* Is rank 0 on this machine? It then takes no share. */
    int zero_here = 0;
    int mine = mpi_rank == 0;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Allreduce(&mine, &zero_here, 1, MPI_INT, MPI_MAX, node);
    MPI_Comm_free(&node);
    int working = local - zero_here;
    int procs = omp_get_num_procs();
    int t = working > 0 ? procs / working : procs;
    return t > 0 ? t : 1;
}

static void mpi_slot(const ts_mpi_sweep *s, int inner, ts_status *failed) {
    for (;;) {
        uint64_t job = 0;
        int tag = TAG_STOP;
#pragma omp critical(ts_mpi)
        {
            MPI_Status ms;
            MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_READY, MPI_COMM_WORLD);
            MPI_Recv(&job, sizeof job, MPI_BYTE, 0, MPI_ANY_TAG, MPI_COMM_WORLD, &ms);
            tag = ms.MPI_TAG;
        }
        if (tag != TAG_JOB) {
            return;
        }
        ts_error e;
        ts_error_clear(&e);
        unsigned char *buf = NULL;
        size_t len = 0;
        ts_status st = s->compute(s->ctx, (size_t)job, inner, &buf, &len, &e);
        if (st == TS_OK && len > (size_t)INT32_MAX) {
            st = ts_error_set(&e, TS_ERR_UNAVAILABLE,
                              "run %llu's results (%zu bytes) are too large to send over MPI "
                              "(at most 2 GB a run): run this sweep in one process",
                              (unsigned long long)job, len);
        }
#pragma omp critical(ts_mpi)
        {
            if (st == TS_OK) {
                MPI_Send(buf, (int)len, MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD);
            } else {
                *failed = st;
                MPI_Send(&e, sizeof e, MPI_BYTE, 0, TAG_FAIL, MPI_COMM_WORLD);
            }
        }
        free(buf);
    }
}

static ts_status mpi_work(const ts_mpi_sweep *s, ts_error *err) {
    int threads = mpi_threads(s->threads);
    int slots = s->large ? 1 : threads;
    int inner = s->large ? threads : 1;
    ts_status failed = TS_OK;
#pragma omp parallel num_threads(slots) default(none) shared(s, inner, failed)
    mpi_slot(s, inner, &failed);
    MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_BYE, MPI_COMM_WORLD);
    if (failed != TS_OK && err) {
        err->status = failed;
        err->msg[0] = '\0'; /* rank 0 reports it */
    }
    return failed;
}

ts_status ts_mpi_run_sweep(const ts_mpi_sweep *s, const volatile sig_atomic_t *interrupt,
                           ts_mpi_outcome *out, ts_error *err) {
    memset(out, 0, sizeof *out);
    /* Every rank takes part in working out the threads (collective). */
    if (mpi_rank == 0) {
        (void)mpi_threads(s->threads);
        return mpi_coordinate(s, interrupt, out, err);
    }
    return mpi_work(s, err);
}

#endif
