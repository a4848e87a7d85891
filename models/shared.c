#include "shared.h"

#include <limits.h>
#include <string.h>

ts_status ts_rows_grow(void **rows, size_t row_size, size_t day_offset, uint32_t *n_alloc,
                       uint32_t n_new, ts_error *err) {
    if (n_new <= *n_alloc) {
        return TS_OK;
    }
    if (!ts_world_grow_array(rows, row_size, *n_alloc, n_new)) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    const int32_t none = INT32_MIN;
    for (uint32_t a = *n_alloc; a < n_new; a++) {
        memcpy((unsigned char *)*rows + (size_t)a * row_size + day_offset, &none, sizeof none);
    }
    *n_alloc = n_new;
    return TS_OK;
}

ts_status ts_shared_register(ts_world *w, ts_error *err) {
    static const int32_t never = INT32_MIN;
    static const uint8_t no_task = TS_NO_TASK;
    const size_t per_domain = sizeof(float) * w->n_domains;
    const struct {
        const char *name;
        size_t size;
        int daily;
        const void *init;
    } cols[TS_SHARED_N] = {
        [TS_SHARED_BUSY] = {"busy", sizeof(uint8_t), 1, NULL},
        [TS_SHARED_SURFACE] = {"surface", sizeof(float), 1, NULL},
        [TS_SHARED_STATUS_DAY] = {"status_day", sizeof(int32_t), 0, &never},
        [TS_SHARED_TASK_DOMAIN] = {"task_domain", sizeof(uint8_t), 0, &no_task},
        [TS_SHARED_TASK_START] = {"task_start", sizeof(int32_t), 0, &never},
        [TS_SHARED_TASK_BOOST] = {"task_boost", sizeof(float), 0, NULL},
        [TS_SHARED_TASK_TRIAL] = {"task_trial", sizeof(uint8_t), 0, NULL},
        [TS_SHARED_TASK_DELAY] = {"task_delay", sizeof(float), 1, NULL},
        [TS_SHARED_COMPETENCE] = {"competence", per_domain, 0, NULL},
        [TS_SHARED_CANDOR] = {"candor", sizeof(float), 0, NULL},
        [TS_SHARED_OPENNESS] = {"openness", sizeof(float), 0, NULL},
        [TS_SHARED_EMPATHY] = {"empathy", sizeof(float), 0, NULL},
        [TS_SHARED_SAFETY] = {"safety", sizeof(float), 0, NULL},
        [TS_SHARED_ALIGNMENT] = {"alignment", sizeof(float), 0, NULL},
        [TS_SHARED_SELF_ALPHA] = {"self_alpha", per_domain, 0, NULL},
        [TS_SHARED_SELF_BETA] = {"self_beta", per_domain, 0, NULL},
        [TS_SHARED_IS_AI] = {"is_ai", sizeof(uint8_t), 0, NULL},
    };
    for (uint32_t k = 0; k < TS_SHARED_N; k++) {
        uint32_t index;
        ts_status st = ts_world_column_add(w, cols[k].name, cols[k].size, cols[k].daily,
                                           cols[k].init, &index, err);
        if (st != TS_OK) {
            return st;
        }
        if (index != k) {
            return ts_error_set(err, TS_ERR_INTERNAL,
                                "shared column %s registered after another module's column",
                                cols[k].name);
        }
    }
    return TS_OK;
}
