/* Incident: crunch time (MODEL.md §7). A scheduled event names a commander (the CEO's
 * most trusted manager in the domain), pulls responders off their work, splits the work
 * into streams led by trusted people and shows how trust limits parallel work: supervised
 * streams, syncs, arguments and checks cost hours; the trenches build trust. Everything
 * runs in the serial org phase; nothing in act or handle. */
#ifndef TS_MODELS_INCIDENT_H
#define TS_MODELS_INCIDENT_H

#include "module.h"

extern const ts_module ts_module_incident;

/* One incident that started, as the module's state holds it (for tests and tools). The
 * arrays are borrowed from the state and valid until the engine is freed. */
typedef struct ts_incident_info {
    int32_t start_day;
    int32_t end_day; /* -1 while unresolved */
    uint32_t domain;
    uint32_t commander; /* the current commander (re-picked if the first one left) */
    double work_hours;
    double progress;           /* cumulative progress in hours of competent work */
    double coordination_hours; /* coordination + supervision hours charged so far */
    uint32_t n_responders, n_streams, n_independent;
    const uint32_t *responders; /* n_responders ids in the commander's trust order: leads first */
    const uint32_t *stream;     /* the stream of each responder (same order) */
    const uint32_t *leads;      /* n_streams ids: leads[s] == responders[s] */
    const uint8_t *independent; /* n_streams flags: 1 runs independently, 0 is supervised */
} ts_incident_info;

/* Incidents that have started so far; `state` is the module's state
 * (ts_engine_module_state(e, "incident")). */
size_t ts_incident_count(const void *state);
/* The k-th incident in start order; TS_ERR_PARAM if k >= ts_incident_count. */
ts_status ts_incident_get(const void *state, size_t k, ts_incident_info *out, ts_error *err);

#endif
