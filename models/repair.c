#include "repair.h"

#include "shared.h"

#include "evidence.h"

#include <math.h>
#include <stdlib.h>

static const ts_param repair_culture_params[] = {
    {
        .key = "safety",
        .type = TS_PT_REAL,
        .def = "0.6",
        .min = 0,
        .max = 1,
        .units = "level (0-1)",
        .doc = "Psychological safety everyone starts with; it scales the chance of owning up.",
    },
    {
        .key = "safety_recovery",
        .type = TS_PT_REAL,
        .def = "0.005",
        .min = 0,
        .max = 1,
        .units = "share per day",
        .doc = "Share of the gap between a person's safety and culture.safety that closes each "
               "day: the culture people return to between good and bad experiences.",
    },
    {
        .key = "blame",
        .type = TS_PT_REAL,
        .def = "0.2",
        .min = 0,
        .max = 1,
        .units = "probability",
        .doc =
            "Chance that a manager answers an owned-up failure with blame rather than curiosity.",
    },
};

static const ts_param repair_repair_params[] = {
    {
        .key = "discovery",
        .type = TS_PT_REAL,
        .def = "0.03",
        .min = 0,
        .max = 1,
        .units = "probability per day",
        .doc = "Daily chance that a hidden defect is found without any tactic helping.",
    },
    {
        .key = "deception_weight",
        .type = TS_PT_REAL,
        .def = "2",
        .min = 0,
        .max = 100,
        .units = "observations",
        .doc = "Dishonesty evidence a discovered concealment gives an observer who saw the work "
               "at full weight; it fades like other evidence.",
    },
    {
        .key = "scar",
        .type = TS_PT_REAL,
        .def = "1",
        .min = 0,
        .max = 100,
        .units = "observations",
        .doc = "Dishonesty evidence of a discovered concealment that never fades (full weight).",
    },
    {
        .key = "discovered_goodwill",
        .type = TS_PT_REAL,
        .def = "-0.3",
        .min = -1,
        .max = 0,
        .units = "score in [-1,1]",
        .doc = "Goodwill change of a full-weight observer when a concealment is discovered.",
    },
};

static const ts_section repair_repair_section = {
    .name = "repair",
    .optional = 0,
    .params = repair_repair_params,
    .n_params = sizeof repair_repair_params / sizeof repair_repair_params[0],
    .doc = "What a discovered concealment does to the people who see it.",
};

static const ts_section repair_culture_section = {
    .name = "culture",
    .optional = 0,
    .params = repair_culture_params,
    .n_params = sizeof repair_culture_params / sizeof repair_culture_params[0],
    .doc = "Psychological safety and how managers respond to failure.",
};

static const ts_param repair_tactic_params[] = {
    {
        .key = "apology",
        .type = TS_PT_REAL,
        .def = "0.8",
        .min = 0,
        .max = 1,
        .units = "intensity",
        .doc = "Strength of the apology that follows an owned-up failure; the goodwill it earns "
               "also grows with empathy.",
    },
    {
        .key = "credit",
        .type = TS_PT_REAL,
        .def = "0.5",
        .min = 0,
        .max = 1,
        .units = "fraction",
        .doc = "Share of an owned-up failure's competence evidence that an apology of full "
               "strength and full empathy takes back (scaled by apology x empathy).",
    },
};

static const ts_section repair_tactic_section = {
    .name = "tactics.repair",
    .optional = 1,
    .params = repair_tactic_params,
    .n_params = sizeof repair_tactic_params / sizeof repair_tactic_params[0],
    .doc = "Apologising after an owned-up failure (a tactic: on when present).",
};

static const ts_section *const repair_sections[] = {&repair_culture_section, &repair_repair_section,
                                                    &repair_tactic_section};

void ts_repair_params_load(const ts_scenario *sc, ts_repair_params *rp) {
    rp->blame = (float)ts_scenario_real(sc, "culture.blame");
    rp->discovery = (float)ts_scenario_real(sc, "repair.discovery");
    rp->deception = (float)ts_scenario_real(sc, "repair.deception_weight");
    rp->scar = (float)ts_scenario_real(sc, "repair.scar");
    rp->discovered_goodwill = (float)ts_scenario_real(sc, "repair.discovered_goodwill");
    int on = ts_scenario_section_on(sc, "tactics.repair");
    rp->apology = on ? (float)ts_scenario_real(sc, "tactics.repair.apology") : 0.0f;
    rp->credit = on ? (float)ts_scenario_real(sc, "tactics.repair.credit") : 0.0f;
}

double ts_repair_own_up_p(double candor, double safety) {
    return pow(safety, 1.0 - candor);
}

int ts_repair_owns_up(const ts_world *w, uint32_t owner, ts_rng *r) {
    return ts_rng_uniform(r) < ts_repair_own_up_p(ts_candor(w)[owner], ts_safety(w)[owner]);
}

void ts_repair_owned(const ts_repair_params *rp, const ts_world *w, ts_emit *e, uint32_t observer,
                     uint32_t owner, uint32_t domain, float weight) {
    /* An apology that names the failure and shows empathy makes it look less likely to
     * recur: it takes back part of the competence evidence (Kim et al. 2004). */
    float taken_back = rp->apology > 0.0f ? rp->credit * rp->apology * ts_empathy(w)[owner] : 0.0f;
    ts_ev_observe(e, observer, owner, domain, 0, weight * (1.0f - taken_back));
    ts_ev_integrity(e, observer, owner, weight, 0.0f, 0.0f);
    if (rp->apology > 0.0f) {
        ts_ev_goodwill(e, observer, owner, 0.1f * rp->apology * ts_empathy(w)[owner]);
    }
}

void ts_repair_respond(const ts_repair_params *rp, const ts_world *w, ts_emit *e, uint32_t owner,
                       ts_rng *r) {
    uint32_t m = w->manager[owner];
    if (m == TS_NO_AGENT) {
        return; /* the CEO answers to no one */
    }
    if (ts_rng_uniform(r) < rp->blame) {
        ts_ev_safety(e, owner, -0.1f);
        for (uint32_t j = w->first_report[m]; j != TS_NO_AGENT; j = w->next_peer[j]) {
            if (j != owner) {
                ts_ev_safety(e, j, -0.02f);
            }
        }
    } else {
        ts_ev_safety(e, owner, 0.05f);
    }
}

void ts_repair_discovered(const ts_repair_params *rp, ts_emit *e, uint32_t observer, uint32_t owner,
                          uint32_t domain, float weight) {
    ts_ev_observe(e, observer, owner, domain, 0, weight);
    ts_ev_integrity(e, observer, owner, 0.0f, rp->deception * weight, rp->scar * weight);
    ts_ev_goodwill(e, observer, owner, rp->discovered_goodwill * weight);
}

/* ---- The module: safety drifts toward the team's mean -------------------------------- */

/* Share of the gap to the team's mean safety closed each day. */
#define REPAIR_SAFETY_DRIFT 0.05f

/* Per agent, written only by its own act: the mean safety of its team (its manager's
 * reports) as the day began, which its settle drifts toward. */
typedef struct repair_row {
    float mean;
    uint8_t in_team; /* it has a manager: there is a team to drift toward */
} repair_row;

typedef struct repair_state {
    float culture;  /* culture.safety: where safety returns to */
    float recovery; /* culture.safety_recovery */
    repair_row *rows;
    uint32_t n_alloc;
} repair_state;

static void repair_free(void *state) {
    repair_state *s = state;
    if (s) {
        free(s->rows);
    }
    free(s);
}

static ts_status repair_grow(void *state, const ts_world *w, ts_error *err) {
    repair_state *s = state;
    if (w->n_alloc > s->n_alloc) {
        if (!ts_world_grow_array((void **)&s->rows, sizeof *s->rows, s->n_alloc, w->n_alloc)) {
            return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
        }
        s->n_alloc = w->n_alloc;
    }
    return TS_OK;
}

static ts_status repair_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    ts_status st = ts_shared_register(w, err); /* the people's columns */
    if (st != TS_OK) {
        return st;
    }
    repair_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    s->culture = (float)ts_scenario_real(sc, "culture.safety");
    s->recovery = (float)ts_scenario_real(sc, "culture.safety_recovery");
    st = repair_grow(s, w, err);
    if (st != TS_OK) {
        repair_free(s);
        return st;
    }
    *state = s;
    return TS_OK;
}

static void *repair_act_row(void *state, uint32_t a) {
    repair_state *s = state;
    return &s->rows[a];
}

/* Each person reads its team's mean safety as org left it (no one reads a value being
 * changed), in its own row. */
static ts_status repair_act(const void *state, const ts_world *w, uint32_t a, void *own,
                            ts_emit *e) {
    if (ts_is_ai(w)[a]) {
        return TS_OK; /* AI agents take no part (models/ai.h) */
    }
    (void)state;
    (void)e;
    repair_row *row = own;
    uint32_t m = w->manager[a];
    row->in_team = m != TS_NO_AGENT && w->n_reports[m] > 0;
    if (!row->in_team) {
        return TS_OK;
    }
    double sum = 0.0;
    uint32_t n = 0;
    for (uint32_t j = w->first_report[m]; j != TS_NO_AGENT; j = w->next_peer[j]) {
        if (!ts_is_ai(w)[j]) { /* the team's people (models/ai.h); a is one of them */
            sum += ts_safety(w)[j];
            n++;
        }
    }
    row->mean = (float)(sum / n);
    return TS_OK;
}

/* After the day's experiences (the inbox), safety drifts toward the team's mean of the
 * morning, then settles back toward what the culture says is safe. */
static ts_status repair_settle(void *state, ts_world *w, uint32_t a) {
    const repair_state *s = state;
    const repair_row *row = &s->rows[a];
    if (row->in_team) {
        ts_safety(w)[a] += REPAIR_SAFETY_DRIFT * (row->mean - ts_safety(w)[a]);
    }
    ts_safety(w)[a] += s->recovery * (s->culture - ts_safety(w)[a]);
    return TS_OK;
}

static const ts_metric_decl repair_metrics[] = {
    {"safety_mean", "level (0-1)", "Mean perceived psychological safety of employed agents."},
};

static ts_status repair_measure(const void *state, const ts_world *w, uint32_t a0, uint32_t a1,
                                double *acc) {
    (void)state;
    for (uint32_t a = a0; a < a1; a++) {
        if (w->active[a] && !ts_is_ai(w)[a]) {
            acc[0] += ts_safety(w)[a];
            acc[1] += 1.0;
        }
    }
    return TS_OK;
}

static ts_status repair_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    (void)state;
    (void)w;
    v[0] = acc[1] > 0.0 ? acc[0] / acc[1] : NAN;
    return TS_OK;
}

static const ts_metric_decl repair_summaries[] = {
    {"safety_final", "level (0-1)", "safety_mean on the last day."},
};

static ts_status repair_summarize(const void *state, const ts_world *w, ts_result *res,
                                  ts_error *err) {
    (void)state;
    const ts_series *s = ts_result_find_series(res, "safety_mean");
    const ts_metric_decl *d = &repair_summaries[0];
    ts_status st = ts_result_add_scalar(res, d->name, d->units, d->description,
                                        s && s->n ? s->values[s->n - 1] : NAN);
    if (st != TS_OK) {
        return ts_error_set(err, st, "out of memory for the summary");
    }
    /* The agent table's safety column: each person's at the end. */
    float *own =
        ts_table_add_column(&res->agents, "safety", "score in [0,1]",
                            "Perceived psychological safety at the end.", TS_COL_F32, w->n, 1);
    if (w->n && !own) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for the agent table");
    }
    for (uint32_t a = 0; a < w->n; a++) {
        own[a] = ts_safety(w)[a];
    }
    /* The team table's safety column: the members' mean at the end. */
    size_t k;
    const uint32_t *mgr = ts_result_team_managers(res, &k);
    float *safety = ts_table_add_column(&res->teams, "safety", "level (0-1)",
                                        "Mean psychological safety of the members at the end.",
                                        TS_COL_F32, k, 1);
    if (k && !safety) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for the team table");
    }
    for (size_t i = 0; i < k; i++) {
        double sum = 0.0;
        uint32_t n = 0;
        for (uint32_t j = w->first_report[mgr[i]]; j != TS_NO_AGENT; j = w->next_peer[j]) {
            sum += ts_safety(w)[j];
            n++;
        }
        safety[i] = n ? (float)(sum / n) : NAN;
    }
    return TS_OK;
}

/* Saved states: nothing lasts from one day to the next beyond the scenario's values
 * (configure) and a per-day scratch of team means. */
static ts_status repair_state_io(void *state, ts_world *w, ts_state_io *io) {
    (void)state;
    (void)w;
    return ts_sio_status(io);
}

const ts_module ts_module_repair = {
    .name = "repair",
    .sections = repair_sections,
    .n_sections = sizeof repair_sections / sizeof repair_sections[0],
    .configure = repair_configure,
    .free = repair_free,
    .grow = repair_grow,
    .act = repair_act,
    .act_row = repair_act_row,
    .settle = repair_settle,
    .metrics = repair_metrics,
    .n_metrics = 1,
    .n_acc = 2,
    .measure = repair_measure,
    .day_end = repair_day_end,
    .summaries = repair_summaries,
    .n_summaries = sizeof repair_summaries / sizeof repair_summaries[0],
    .summarize = repair_summarize,
    .state_io = repair_state_io,
};
