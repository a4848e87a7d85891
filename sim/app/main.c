/* The `trustsim` binary: everything lives in cli.c so the tests can link it. */
#include "cli.h"
#include "h5out.h"
#include "mpi_runner.h"

#include <signal.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

int main(int argc, char **argv) {
    /* A write beyond the file-size limit (ulimit -f) then fails with EFBIG and is
     * reported like a full disk, instead of killing the process. */
    signal(SIGXFSZ, SIG_IGN);
#if defined(__GLIBC__)
    /* A sweep allocates and frees the same few megabytes run after run: keep them in the
     * heap instead of handing them back to the kernel after every run and faulting them
     * in again (a tenth of a default run's time went to page faults and TLB flushes). */
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
    ts_mpi_start(&argc, &argv);
    ts_h5_library_open();
    int rc = ts_cli_main(argc, argv);
    ts_h5_library_close();
    ts_mpi_stop();
    return rc;
}
