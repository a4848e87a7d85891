#include "incident.h"

#include <stdio.h>
#include <string.h>

static const ts_param incident_incident_params[] = {
    {
        .key = "domain",
        .type = TS_PT_STRING,
        .def = "debugging",
        .min = 0,
        .max = 32,
        .units = "domain",
        .doc = "Domain of the incident; it must be one of the scenario's domains.",
    },
    {
        .key = "work_hours",
        .type = TS_PT_REAL,
        .def = "2000",
        .min = 1,
        .max = 1e9,
        .units = "hours",
        .doc = "Hours of competent work needed to resolve the incident.",
    },
    {
        .key = "responders",
        .type = TS_PT_INT,
        .def = "25",
        .min = 1,
        .max = 100000,
        .units = "people",
        .doc = "People the commander pulls in to work on the incident.",
    },
    {
        .key = "workstreams",
        .type = TS_PT_INT,
        .def = "6",
        .min = 1,
        .max = 1000,
        .units = "streams",
        .doc = "Streams the commander splits the work into, each with a lead.",
    },
};

static const ts_event_kind incident_incident_kind = {
    .kind = "incident",
    .params = incident_incident_params,
    .n_params = sizeof incident_incident_params / sizeof incident_incident_params[0],
    .doc = "A hard problem in one domain that needs many responders.",
};

static const ts_event_kind *const incident_event_kinds[] = {&incident_incident_kind};

static int incident_known_domain(const ts_scenario *sc, const char *domain) {
    size_t n = ts_scenario_list_len(sc, "domains");
    for (size_t i = 0; i < n; i++) {
        const char *d = ts_scenario_list_item(sc, "domains", i);
        if (d != NULL && strcmp(d, domain) == 0) {
            return 1;
        }
    }
    return 0;
}

/* "a, b, c": the scenario's domains, for the message (truncated if too long). */
static void incident_list_domains(const ts_scenario *sc, char *buf, size_t size) {
    size_t used = 0;
    size_t n = ts_scenario_list_len(sc, "domains");
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++) {
        const char *d = ts_scenario_list_item(sc, "domains", i);
        int w = snprintf(buf + used, size - used, "%s%s", i > 0 ? ", " : "", d ? d : "");
        if (w < 0) {
            break;
        }
        used += (size_t)w;
    }
}

static ts_status incident_validate(const ts_scenario *sc, ts_error *err) {
    size_t n = ts_scenario_n_events(sc);
    for (size_t i = 0; i < n; i++) {
        const ts_event *ev = ts_scenario_event(sc, i);
        const char *kind = ts_event_kind_name(ev);
        if (kind == NULL || strcmp(kind, "incident") != 0) {
            continue;
        }
        char path[64];
        size_t index = ts_event_index(ev);
        const char *domain = ts_event_string(ev, "domain");
        if (domain == NULL) {
            domain = "";
        }
        if (!incident_known_domain(sc, domain)) {
            char expected[512];
            incident_list_domains(sc, expected, sizeof expected);
            snprintf(path, sizeof path, "events[%zu].domain", index);
            return ts_scenario_fail(sc, path, err, "unknown domain (got %s, expected one of %s)",
                                    domain, expected);
        }
        double responders = ts_event_real(ev, "responders");
        double workstreams = ts_event_real(ev, "workstreams");
        if (workstreams > responders) {
            snprintf(path, sizeof path, "events[%zu].workstreams", index);
            return ts_scenario_fail(sc, path, err,
                                    "must not exceed responders (got %.0f, expected <= %.0f)",
                                    workstreams, responders);
        }
    }
    return TS_OK;
}

const ts_module ts_module_incident = {
    .name = "incident",
    .sections = NULL,
    .n_sections = 0,
    .event_kinds = incident_event_kinds,
    .n_event_kinds = sizeof incident_event_kinds / sizeof incident_event_kinds[0],
    .validate = incident_validate,
};
