/* The `trustsim` binary: everything lives in cli.c so the tests can link it. */
#include "cli.h"

int main(int argc, char **argv) {
    return ts_cli_main(argc, argv);
}
