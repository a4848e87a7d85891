/* Setbacks: a controlled experiment on the work module's tasks. The optional section
 * `experiments.setback` makes a fixed cohort of people fail their next few tasks from a
 * given day on and says how those failures are handled (owned up, concealed and later found out, or
 * simply seen), so that repair trajectories (Schweitzer, Hershey & Bradlow 2006) and first
 * impressions can be measured against an arm with the same cohort and no failures. The cohort is
 * drawn once, on the first recorded day, from a stream keyed by the run's seed and the
 * agent alone, so arms that differ in the event's day or failures share their cohort.
 * Everything here runs in the work module's own phases and writes only its rows. */
#include "work_internal.h"

#include "trust.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The cohort's stream, far from the engine's module * 4 + phase streams and from the
 * settle stream. */
#define WORK_SETBACK_STREAM 0x53424b01u

static const ts_param work_setback_params[] = {
    {
        .key = "day",
        .type = TS_PT_INT,
        .def = "60",
        .min = 2,
        .max = 100000,
        .units = "day",
        .doc = "Recorded day on which the cohort's forced failures begin (from day 2: the "
               "cohort is drawn on day 1, so the day before the setback is measured).",
    },
    {
        .key = "share",
        .type = TS_PT_REAL,
        .def = "0.2",
        .min = 0,
        .max = 1,
        .units = "fraction",
        .doc = "Chance that a person (other than the CEO) employed on the first recorded day "
               "belongs to the cohort; the cohort is drawn once and is the same whatever the "
               "setback's day or failures.",
    },
    {
        .key = "failures",
        .type = TS_PT_INT,
        .def = "3",
        .min = 0,
        .max = 100,
        .units = "tasks",
        .doc = "Tasks each cohort member completes from the setback's day on that fail "
               "whatever its competence (0: a control arm with the same cohort).",
    },
    {
        .key = "handling",
        .type = TS_PT_ENUM,
        .def = "owned",
        .min = 0,
        .max = 0,
        .choices = "owned|concealed|seen",
        .units = "choice",
        .doc = "How the forced failures are handled: owned up (whatever the person's candour), "
               "concealed and found out surface_after days later, or seen as they are with "
               "no chance to own up or hide (like a trial task).",
    },
    {
        .key = "surface_after",
        .type = TS_PT_INT,
        .def = "10",
        .min = 1,
        .max = 3650,
        .units = "days",
        .doc = "With handling: concealed, days after which a hidden failure surfaces at the "
               "latest.",
    },
    {
        .key = "measure_after",
        .type = TS_PT_INT,
        .def = "150",
        .min = 0,
        .max = 3650,
        .units = "days",
        .doc = "Days after the setback's day at which the summary setback_trust_after is read.",
    },
};

const ts_section work_setback_section = {
    .name = "experiments.setback",
    .optional = 1,
    .params = work_setback_params,
    .n_params = sizeof work_setback_params / sizeof work_setback_params[0],
    .doc = "An experiment: a cohort fails its next tasks, handled one chosen way (on when "
           "present).",
};

/* The setback must start within the recorded run. */
ts_status work_setback_validate(const ts_scenario *sc, ts_error *err) {
    if (!ts_scenario_section_on(sc, "experiments.setback")) {
        return TS_OK;
    }
    int64_t day = ts_scenario_int(sc, "experiments.setback.day");
    int64_t days = ts_scenario_int(sc, "days");
    if (day > days) {
        return ts_scenario_fail(sc, "experiments.setback.day", err,
                                "after the run's last day (got %lld, expected <= days = %lld)",
                                (long long)day, (long long)days);
    }
    return TS_OK;
}

void work_setback_configure(const ts_scenario *sc, work_setback *sb) {
    memset(sb, 0, sizeof *sb);
    sb->day = -1;
    if (!ts_scenario_section_on(sc, "experiments.setback")) {
        return;
    }
    const char *h = ts_scenario_string(sc, "experiments.setback.handling");
    sb->day = (int32_t)ts_scenario_int(sc, "experiments.setback.day");
    sb->share = ts_scenario_real(sc, "experiments.setback.share");
    sb->failures = (uint8_t)ts_scenario_int(sc, "experiments.setback.failures");
    sb->handling = strcmp(h, "concealed") == 0 ? WORK_SETBACK_CONCEALED
                   : strcmp(h, "seen") == 0    ? WORK_SETBACK_SEEN
                                               : WORK_SETBACK_OWNED;
    sb->surface_after = (int32_t)ts_scenario_int(sc, "experiments.setback.surface_after");
    sb->measure_after = (int32_t)ts_scenario_int(sc, "experiments.setback.measure_after");
}

/* Serial (org): draws the cohort on the first recorded day and hands out the failures
 * on the event's day. */
void work_setback_org(work_state *s, const ts_world *w, const ts_day *d) {
    const work_setback *sb = &s->setback;
    if (sb->day < 0 || !d->live) {
        return;
    }
    if (d->day == 1) {
        for (uint32_t a = 0; a < w->n; a++) {
            ts_rng r;
            ts_rng_init(&r, w->seed, a, 0, WORK_SETBACK_STREAM);
            s->rows[a].cohort = w->active[a] && a != w->root && ts_rng_uniform(&r) < sb->share;
        }
    }
    if (d->day == sb->day) {
        for (uint32_t a = 0; a < w->n; a++) {
            if (s->rows[a].cohort) {
                s->rows[a].forced = sb->failures;
            }
        }
    }
}

/* Mean trust of the cohort's managers in them, domain-averaged, into acc[0..1]. */
void work_setback_measure(const work_state *s, const ts_world *w, uint32_t a, double *acc) {
    const work_row *row = &s->rows[a];
    uint32_t m = w->manager[a];
    if (row->cohort && m != TS_NO_AGENT && w->active[m]) {
        acc[0] += ts_trust_of_mean(&s->p.tp, w, m, a);
        acc[1] += 1.0;
    }
}

ts_status work_setback_summarize(const work_state *s, const ts_metric_decl *decl, ts_result *res,
                                 ts_error *err) {
    const ts_series *t = ts_result_find_series(res, "trust_setback");
    const work_setback *sb = &s->setback;
    double before = NAN, after = NAN;
    if (t && sb->day >= 1) {
        size_t b = (size_t)sb->day - 1, a = (size_t)sb->day + (size_t)sb->measure_after;
        before = b < t->n ? t->values[b] : NAN;
        after = a < t->n ? t->values[a] : NAN;
    }
    ts_status st =
        ts_result_add_scalar(res, decl[0].name, decl[0].units, decl[0].description, before);
    if (st == TS_OK) {
        st = ts_result_add_scalar(res, decl[1].name, decl[1].units, decl[1].description, after);
    }
    return st == TS_OK ? TS_OK : ts_error_set(err, st, "out of memory for the summary");
}
