#include "status.h"

#include <stdarg.h>
#include <stdio.h>

static const char *const ts_status_messages[] = {
#define TS_STATUS_MSG(name, exit_code, message) message,
    TS_STATUS_LIST(TS_STATUS_MSG)
#undef TS_STATUS_MSG
};

static const int ts_status_exit_codes[] = {
#define TS_STATUS_EXIT(name, exit_code, message) exit_code,
    TS_STATUS_LIST(TS_STATUS_EXIT)
#undef TS_STATUS_EXIT
};

const char *ts_status_message(ts_status st) {
    if ((int)st < 0 || st >= TS_STATUS_COUNT) {
        return "unknown status";
    }
    return ts_status_messages[st];
}

int ts_status_exit_code(ts_status st) {
    if ((int)st < 0 || st >= TS_STATUS_COUNT) {
        return 1;
    }
    return ts_status_exit_codes[st];
}

void ts_error_clear(ts_error *err) {
    if (err) {
        err->status = TS_OK;
        err->msg[0] = '\0';
    }
}

ts_status ts_error_set(ts_error *err, ts_status st, const char *fmt, ...) {
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->status = st;
    }
    return st;
}
