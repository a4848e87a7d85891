/* Status codes and the error object every fallible function reports through.
 * The codes and their messages come from one X-macro list; each code also names the
 * process exit code it maps to (0 ok, 1 runtime failure, 2 bad input).
 * A ts_error is owned by the caller; library code fills it and never exits. */
#ifndef TS_STATUS_H
#define TS_STATUS_H

#include <stddef.h>

#define TS_STATUS_LIST(X)                                                                          \
    X(TS_OK, 0, "ok")                                                                              \
    X(TS_ERR_USAGE, 2, "bad usage")                                                                \
    X(TS_ERR_SCENARIO, 2, "bad scenario")                                                          \
    X(TS_ERR_PARAM, 2, "bad parameter")                                                            \
    X(TS_ERR_EXISTS, 2, "output file exists")                                                      \
    X(TS_ERR_IO, 1, "input/output failure")                                                        \
    X(TS_ERR_NOMEM, 1, "out of memory")                                                            \
    X(TS_ERR_HDF5, 1, "HDF5 failure")                                                              \
    X(TS_ERR_INTERRUPTED, 1, "interrupted")                                                        \
    X(TS_ERR_UNAVAILABLE, 1, "not available in this version")                                      \
    X(TS_ERR_INTERNAL, 1, "internal error")

typedef enum ts_status {
#define TS_STATUS_ENUM(name, exit_code, message) name,
    TS_STATUS_LIST(TS_STATUS_ENUM)
#undef TS_STATUS_ENUM
        TS_STATUS_COUNT
} ts_status;

/* An error with its context, e.g. "a.yaml:3:12: trust.prior_mean: ...". */
typedef struct ts_error {
    ts_status status;
    char msg[1024];
} ts_error;

const char *ts_status_message(ts_status st);
int ts_status_exit_code(ts_status st);

/* Clears an error object (status TS_OK, empty message). */
void ts_error_clear(ts_error *err);

/* Fills err (may be NULL) with a printf-formatted message; returns st. */
ts_status ts_error_set(ts_error *err, ts_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
