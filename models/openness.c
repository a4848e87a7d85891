#include "openness.h"

#include "shared.h"

#include "trust.h"
#include "stats.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

static const ts_param openness_params[] = {
    {
        .key = "debt_weight",
        .type = TS_PT_REAL,
        .def = "2",
        .min = 0,
        .max = 20,
        .units = "openness per share of a day",
        .doc = "Openness a team loses per unit of technical debt (work.tech_debt: the share of "
               "the day spent on toil); at 2, a team with the mean debt of 0.2 starts at 0.6.",
    },
    {
        .key = "blame_weight",
        .type = TS_PT_REAL,
        .def = "2",
        .min = 0,
        .max = 20,
        .units = "openness per unit of safety",
        .doc = "Openness a team loses per unit of safety its members lost to blame (culture.safety "
               "minus their mean safety, when positive).",
    },
    {
        .key = "floor",
        .type = TS_PT_REAL,
        .def = "0.05",
        .min = 0,
        .max = 1,
        .units = "openness",
        .doc = "Least openness of a team before outsiders earn any (its base is never lower).",
    },
    {
        .key = "memory_days",
        .type = TS_PT_REAL,
        .def = "90",
        .min = 1,
        .max = 100000,
        .units = "days",
        .doc = "Days over which what outsiders earned by proving safe fades by a factor e.",
    },
};

static const ts_section openness_section = {
    .name = "openness",
    .optional = 1,
    .params = openness_params,
    .n_params = sizeof openness_params / sizeof openness_params[0],
    .doc = "Teams closed to outsiders by technical debt and blame (off: every team open).",
};

static const ts_section *const openness_sections[] = {&openness_section};

/* Per agent, written only by its own act (base, is_team) and settle (earned). For a
 * manager: its team's base openness today and what outsiders earned so far. */
typedef struct open_row {
    int32_t day;
    float base;
    float earned;
    uint8_t is_team;
} open_row;

typedef struct open_state {
    double debt_weight, blame_weight, floor;
    double keep;    /* exp(-1 / memory_days): what earned keeps from one day to the next */
    double culture; /* culture.safety */
    ts_trust_params tp;
    ts_openness_cols cols;
    open_row *rows;
    uint32_t n_alloc;
} open_state;

ts_status ts_openness_register(ts_world *w, ts_openness_cols *c, ts_error *err) {
    static const float one = 1.0f;
    ts_status st =
        ts_world_column_add(w, TS_OPENNESS_COLUMN, sizeof(float), 0, &one, &c->open, err);
    if (st == TS_OK) {
        st = ts_world_column_add(w, TS_OPENNESS_EARNED_COLUMN, sizeof(float), 1, NULL, &c->earned,
                                 err);
    }
    if (st == TS_OK) {
        st = ts_world_column_add(w, TS_OPENNESS_DEBT_COLUMN, sizeof(float), 0, NULL, &c->debt, err);
    }
    return st;
}

double ts_openness_base(double debt, double team_safety, double culture_safety, double debt_weight,
                        double blame_weight, double floor) {
    double lost = culture_safety - team_safety;
    double base = 1.0 - debt_weight * debt - blame_weight * (lost > 0.0 ? lost : 0.0);
    base = base < floor ? floor : base;
    return base > 1.0 ? 1.0 : base;
}

double ts_openness_value(double base, double earned) {
    return base + earned * (1.0 - base);
}

double ts_openness_earn(double earned, double g) {
    g = g < 0.0 ? 0.0 : (g > 1.0 ? 1.0 : g);
    return earned + g * (1.0 - earned);
}

int ts_openness_outsider_pair(const ts_world *w, uint32_t a, uint32_t b) {
    if (a == b || a >= w->n || b >= w->n) {
        return 0;
    }
    if (!w->active[a] || !w->active[b] || ts_busy(w)[a] || ts_busy(w)[b] || ts_is_ai(w)[a] ||
        ts_is_ai(w)[b]) {
        return 0; /* the ways in are people's (models/ai.h) */
    }
    return ts_openness_team(w, a) != ts_openness_team(w, b) && w->manager[a] != b &&
           w->manager[b] != a;
}

uint32_t ts_openness_draw_insider(const ts_world *w, uint32_t a, int tries, ts_rng *r) {
    for (int t = 0; t < tries; t++) {
        uint32_t b = ts_rng_below(r, w->n);
        if (ts_openness_outsider_pair(w, a, b)) {
            return b;
        }
    }
    return TS_NO_AGENT;
}

static void open_free(void *state) {
    open_state *s = state;
    if (s) {
        free(s->rows);
    }
    free(s);
}

static ts_status open_grow(void *state, const ts_world *w, ts_error *err) {
    open_state *s = state;
    return ts_rows_grow((void **)&s->rows, sizeof *s->rows, offsetof(open_row, day), &s->n_alloc,
                        w->n_alloc, err);
}

static ts_status open_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    ts_status st = ts_shared_register(w, err);
    open_state *s = st == TS_OK ? calloc(1, sizeof *s) : NULL;
    if (st != TS_OK) {
        return st;
    }
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    st = ts_openness_register(w, &s->cols, err);
    if (st != TS_OK) {
        free(s);
        return st;
    }
    s->debt_weight = ts_scenario_real(sc, "openness.debt_weight");
    s->blame_weight = ts_scenario_real(sc, "openness.blame_weight");
    s->floor = ts_scenario_real(sc, "openness.floor");
    s->keep = exp(-1.0 / ts_scenario_real(sc, "openness.memory_days"));
    s->culture = ts_scenario_real(sc, "culture.safety");
    ts_trust_params_load(sc, &s->tp);
    st = open_grow(s, w, err);
    if (st != TS_OK) {
        open_free(s);
        return st;
    }
    *state = s;
    return TS_OK;
}

static void *open_act_row(void *state, uint32_t a) {
    open_state *s = state;
    return &s->rows[a];
}

/* A manager works out its team's base openness from the world as org left it: the debt
 * work published and its reports' mean safety. */
static ts_status open_act(const void *state, const ts_world *w, uint32_t a, void *own, ts_emit *e) {
    if (ts_is_ai(w)[a]) {
        return TS_OK; /* AI agents take no part (models/ai.h) */
    }
    (void)e;
    const open_state *s = state;
    open_row *row = own;
    row->day = w->day;
    row->is_team = w->n_reports[a] > 0;
    if (!row->is_team) {
        return TS_OK;
    }
    double sum = 0.0;
    uint32_t n = 0;
    for (uint32_t j = w->first_report[a]; j != TS_NO_AGENT; j = w->next_peer[j]) {
        if (ts_is_ai(w)[j]) {
            continue; /* the members' safety: people's (models/ai.h) */
        }
        sum += ts_safety(w)[j];
        n++;
    }
    double debt = ((const float *)w->cols[s->cols.debt].data)[a];
    row->base = (float)ts_openness_base(debt, n ? sum / n : s->culture, s->culture, s->debt_weight,
                                        s->blame_weight, s->floor);
    return TS_OK;
}

/* After its inbox: what outsiders proved today (the daily column the ways in raised)
 * adds to what they earned, which fades; the team's openness is published for tomorrow. */
static ts_status open_settle(void *state, ts_world *w, uint32_t a) {
    open_state *s = state;
    open_row *row = &s->rows[a];
    float *open = w->cols[s->cols.open].data;
    if (row->day != w->day || !row->is_team) {
        open[a] = 1.0f;
        return TS_OK;
    }
    double g = ((const float *)w->cols[s->cols.earned].data)[a];
    row->earned = (float)ts_openness_earn(row->earned * s->keep, g);
    open[a] = (float)ts_openness_value(row->base, row->earned);
    return TS_OK;
}

enum { OA_OPEN, OA_TEAMS, OA_OUT, OA_OUT_N, OA_CLOSED, OA_CLOSED_N, OA_COUNT };

/* Is subject j an outsider to believer a: in another team, and neither's manager? */
static int is_outsider(const ts_world *w, uint32_t a, uint32_t j) {
    return ts_openness_team(w, a) != ts_openness_team(w, j) && w->manager[a] != j &&
           w->manager[j] != a;
}

static ts_status open_measure(const void *state, const ts_world *w, uint32_t a0, uint32_t a1,
                              double *acc) {
    const open_state *s = state;
    const float *open = w->cols[s->cols.open].data;
    uint32_t D = w->n_domains;
    ts_belief_block blk;
    double t[TS_BELIEF_BLOCK];
    float mu[TS_MAX_DOMAINS][TS_BELIEF_BLOCK], nu[TS_BELIEF_BLOCK];
    for (uint32_t a = a0; a < a1; a++) {
        if (!w->active[a]) {
            continue;
        }
        if (w->n_reports[a] > 0) {
            acc[OA_OPEN] += open[a];
            acc[OA_TEAMS] += 1.0;
        }
        for (uint32_t first = 0; ts_relstore_read_block(&w->models, a, first, w->day, &blk) > 0;
             first += blk.n) {
            ts_trust_scores_block(&s->tp, &blk, D, t, mu, nu);
            for (uint32_t k = 0; k < blk.n; k++) {
                uint32_t j = blk.id[k];
                if (!w->active[j] || !is_outsider(w, a, j) || ts_is_ai(w)[j]) {
                    continue;
                }
                acc[OA_OUT] += t[k] / D;
                acc[OA_OUT_N] += 1.0;
                if (open[ts_openness_team(w, j)] < 0.5f) {
                    acc[OA_CLOSED] += t[k] / D;
                    acc[OA_CLOSED_N] += 1.0;
                }
            }
        }
    }
    return TS_OK;
}

static const ts_metric_decl open_metrics[] = {
    {"team_openness", "openness", "Mean openness of the teams to outsiders (openness mechanism)."},
    {"trust_outsiders", "trust score",
     "Mean trust (domain-averaged) of the models people hold of active people of other teams "
     "(not their manager or reports)."},
    {"trust_in_closed", "trust score",
     "Mean trust (domain-averaged) of the models people hold of active people of other teams "
     "whose team's openness is below 0.5 (NaN when there are none)."},
};

static ts_status open_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    (void)state;
    (void)w;
    v[0] = ts_stats_ratio(acc[OA_OPEN], acc[OA_TEAMS]);
    v[1] = ts_stats_ratio(acc[OA_OUT], acc[OA_OUT_N]);
    v[2] = ts_stats_ratio(acc[OA_CLOSED], acc[OA_CLOSED_N]);
    return TS_OK;
}

/* The team table's `openness` column: each team's openness at the end. */
static ts_status open_summarize(const void *state, const ts_world *w, ts_result *res,
                                ts_error *err) {
    const open_state *s = state;
    size_t k;
    const uint32_t *mgr = ts_result_team_managers(res, &k);
    float *col = ts_table_add_column(&res->teams, "openness", "openness",
                                     "The team's openness to outsiders at the end (openness "
                                     "mechanism; 1 is fully open).",
                                     TS_COL_F32, k, 1);
    if (k && !col) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for the team table");
    }
    for (size_t i = 0; i < k; i++) {
        col[i] = ts_openness_of(w, (int)s->cols.open, mgr[i]);
    }
    return TS_OK;
}

/* Saved states: each agent's row (a manager's base and what outsiders earned); the
 * columns are the world's and saved with it. */
static ts_status openness_state_io(void *state, ts_world *w, ts_state_io *io) {
    open_state *s = state;
    ts_sio_array(io, "rows", s->rows, sizeof *s->rows, w->n);
    return ts_sio_status(io);
}

const ts_module ts_module_openness = {
    .name = "openness",
    .sections = openness_sections,
    .n_sections = sizeof openness_sections / sizeof openness_sections[0],
    .configure = open_configure,
    .free = open_free,
    .grow = open_grow,
    .act = open_act,
    .act_row = open_act_row,
    .settle = open_settle,
    .metrics = open_metrics,
    .n_metrics = sizeof open_metrics / sizeof open_metrics[0],
    .n_acc = OA_COUNT,
    .measure = open_measure,
    .day_end = open_day_end,
    .summarize = open_summarize,
    .state_io = openness_state_io,
};
