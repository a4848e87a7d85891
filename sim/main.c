/* The `trustsim` binary: everything lives in cli.c so the tests can link it. */
#include "cli.h"
#include "h5out.h"
#include "mpi_runner.h"

#include <signal.h>

int main(int argc, char **argv) {
    /* A write beyond the file-size limit (ulimit -f) then fails with EFBIG and is
     * reported like a full disk, instead of killing the process. */
    signal(SIGXFSZ, SIG_IGN);
    ts_mpi_start(&argc, &argv);
    ts_h5_library_open();
    int rc = ts_cli_main(argc, argv);
    ts_h5_library_close();
    ts_mpi_stop();
    return rc;
}
