#include "departments.h"

#include "shared.h"

#include "evidence.h"
#include "shared_goals.h"
#include "trust.h"
#include "understanding.h"
#include "stats.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* ---- Keys --------------------------------------------------------------------------- */

static const ts_param departments_org_params[] = {
    {
        .key = "departments",
        .type = TS_PT_STRLIST,
        .def = "[all]",
        .min = 1,
        .max = TS_DEPT_MAX,
        .units = "names",
        .doc = "Departments of the organisation (one: no departments, the model as without).",
    },
    {
        .key = "department_split",
        .type = TS_PT_POINTS,
        .def = "[[1, 0.5]]",
        .min = 1,
        .max = TS_DEPT_MAX,
        .units = "[cumulative share, speed weight]",
        .doc = "One pair per department, in the order of org.departments: the cumulative "
               "share of the headcount up to and including it (increasing, the last 1) and "
               "its objective weight on speed versus reliability of work (0..1).",
    },
    {
        .key = "cross_department_prior",
        .type = TS_PT_REAL,
        .def = "0",
        .min = 0,
        .max = 0.9,
        .units = "fraction",
        .doc = "Share by which the integrity prior's mean is lowered at first contact with "
               "someone of another department (a transactional history; fades with "
               "forgetting).",
    },
    {
        .key = "cross_department_share",
        .type = TS_PT_REAL,
        .def = "0.3",
        .min = 0,
        .max = 1,
        .units = "probability",
        .doc = "Chance that a new task touches another department and needs the sign-off of "
               "one of its members (only with several departments).",
    },
};

static const ts_section departments_org_section = {
    .name = "org",
    .optional = 0,
    .params = departments_org_params,
    .n_params = sizeof departments_org_params / sizeof departments_org_params[0],
    .doc = "Departments: named shares of the headcount with their own objectives.",
};

static const ts_param departments_gates_params[] = {
    {
        .key = "control_gates.enabled",
        .type = TS_PT_BOOL,
        .def = "false",
        .min = 0,
        .max = 1,
        .units = "switch",
        .doc = "Formal approval of every cross-department sign-off, whatever the signer's "
               "trust (only with several departments).",
    },
    {
        .key = "control_gates.review_hours",
        .type = TS_PT_REAL,
        .def = "2",
        .min = 0,
        .max = 40,
        .units = "hours",
        .doc = "The signer's hours of a formal approval of cross-department work.",
    },
    {
        .key = "control_gates.owner_hours",
        .type = TS_PT_REAL,
        .def = "1",
        .min = 0,
        .max = 40,
        .units = "hours",
        .doc = "The owner's hours preparing it.",
    },
    {
        .key = "control_gates.latency_days",
        .type = TS_PT_REAL,
        .def = "2",
        .min = 0,
        .max = 60,
        .units = "days",
        .doc = "Latency of a formal approval.",
    },
    {
        .key = "control_gates.goodwill_cost",
        .type = TS_PT_REAL,
        .def = "0.1",
        .min = 0,
        .max = 1,
        .units = "goodwill",
        .doc = "Goodwill the owner loses toward the signer at each gate (a signal of distrust).",
    },
};

static const ts_section departments_gates_section = {
    .name = "work",
    .optional = 0,
    .params = departments_gates_params,
    .n_params = sizeof departments_gates_params / sizeof departments_gates_params[0],
    .doc = "Control gates: formal approvals of cross-department work (departments).",
};

static const ts_section *const departments_sections[] = {&departments_org_section,
                                                         &departments_gates_section};

/* Names unique (the loader checks), one split pair per name, shares increasing to 1 (the
 * loader checks the increase), speed weights in [0, 1]. */
static ts_status departments_validate(const ts_scenario *sc, ts_error *err) {
    size_t n = ts_scenario_list_len(sc, "org.departments");
    size_t k = ts_scenario_list_len(sc, "org.department_split");
    if (k != n) {
        return ts_scenario_fail(sc, "org.department_split", err,
                                "one pair per department (got %zu, expected %zu)", k, n);
    }
    for (size_t i = 0; i < k; i++) {
        double x, y;
        ts_scenario_point(sc, "org.department_split", i, &x, &y);
        if (!(x > 0.0 && x <= 1.0)) {
            return ts_scenario_fail(sc, "org.department_split", err,
                                    "pair %zu: cumulative share %g (expected in (0, 1])", i + 1, x);
        }
        if (!(y >= 0.0 && y <= 1.0)) {
            return ts_scenario_fail(sc, "org.department_split", err,
                                    "pair %zu: speed weight %g (expected in [0, 1])", i + 1, y);
        }
        if (i + 1 == k && x != 1.0) {
            return ts_scenario_fail(sc, "org.department_split", err,
                                    "the last cumulative share is %g (expected 1)", x);
        }
    }
    return TS_OK;
}

/* ---- Pure parts ------------------------------------------------------------------------ */

uint32_t ts_departments_pick(const double *upper, uint32_t n_dept, double at) {
    for (uint32_t k = 0; k < n_dept; k++) {
        if (at <= upper[k]) {
            return k;
        }
    }
    return n_dept ? n_dept - 1 : 0;
}

float ts_departments_penalty(float integ_a, float integ_b, double cut, double understanding) {
    if (!(cut > 0.0)) {
        return 0.0f;
    }
    double u = understanding < 0.0 ? 0.0 : understanding > 1.0 ? 1.0 : understanding;
    return (float)(((double)integ_a + integ_b) * cut / (1.0 - cut) * (1.0 - u));
}

double ts_departments_dispute_p(double trust, double delegate, double review, double gap,
                                double understanding) {
    if (trust >= delegate) {
        return 0.0;
    }
    double shortfall = trust >= review || !(review > 0.0) ? 0.0 : (review - trust) / review;
    double base = gap + (1.0 - gap) * shortfall;
    double p = (1.0 - understanding) * base;
    return p < 0.0 ? 0.0 : p > 1.0 ? 1.0 : p;
}

/* ---- State ---------------------------------------------------------------------------- */

/* Per agent, written only by its own act: the day's cross-department sign-off. */
/* The module's message: days of sign-off latency for the owner's task (to the owner). */
enum { DEPT_MK_DELAY = TS_MK_MODULE_BASE };

typedef struct dept_row {
    int32_t day;
    uint8_t cross, disputed, gated;
    float latency;
} dept_row;

typedef struct dept_state {
    uint32_t n_dept;
    double upper[TS_DEPT_MAX]; /* cumulative shares */
    double speed[TS_DEPT_MAX]; /* objective weight on speed */
    double prior_cut;          /* org.cross_department_prior */
    double cross_share;
    int gates;
    float gate_hours, gate_owner_hours, gate_days, gate_goodwill;
    ts_shared_goals goals;
    ts_trust_params tp;
    uint32_t col;      /* the department column's index */
    uint32_t assigned; /* agents [0, assigned) have a department */
    dept_row *rows;
    uint32_t n_alloc;
    /* Scratch rebuilt by every org: the active members of each department, by id. */
    uint32_t *members;
    uint32_t start[TS_DEPT_MAX + 1];
    uint32_t members_alloc;
    /* The last 7 days' latency sums and sign-offs behind cross_department_latency. */
    double ring[7][2];
    int ring_pos;
} dept_state;

static uint8_t *dept_col(ts_world *w, const dept_state *s) {
    return (uint8_t *)w->cols[s->col].data;
}

static const uint8_t *dept_col_c(const ts_world *w, const dept_state *s) {
    return (const uint8_t *)w->cols[s->col].data;
}

/* Apply phase (or org): a first contact across departments starts with the transactional
 * prior, on the believer's own model. */
static void dept_first_contact(void *ctx, ts_world *w, uint32_t believer, uint32_t subject,
                               uint32_t slot) {
    const dept_state *s = ctx;
    const uint8_t *dep = dept_col_c(w, s);
    if (dep[believer] == TS_DEPT_NONE || dep[subject] == TS_DEPT_NONE ||
        dep[believer] == dep[subject]) {
        return;
    }
    float k = ts_departments_penalty(s->tp.integ_a, s->tp.integ_b, s->prior_cut,
                                     ts_understanding_of(w, believer));
    if (s->goals.on && w->day >= 1) {
        /* Joint objectives make the other side a partner rather than a provider. */
        k *= (float)(1.0 - s->goals.gap_cut);
    }
    if (k > 0.0f) {
        ts_relstore_add_integrity(&w->models, believer, slot, w->day, 0.0f, k, 0.0f);
    }
}

static void dept_free(void *state) {
    dept_state *s = state;
    if (s) {
        free(s->rows);
        free(s->members);
    }
    free(s);
}

static ts_status dept_grow(void *state, const ts_world *w, ts_error *err) {
    dept_state *s = state;
    return ts_rows_grow((void **)&s->rows, sizeof *s->rows, offsetof(dept_row, day), &s->n_alloc,
                        w->n_alloc, err);
}

/* The initial tree: each subtree of the CEO's direct reports goes whole to the department
 * whose share holds the middle of its cumulative headcount (in the order of the reports);
 * the CEO to the first. */
static void assign_initial(dept_state *s, ts_world *w) {
    uint8_t *dep = dept_col(w, s);
    uint32_t n = w->n;
    if (n == 0) {
        return;
    }
    uint32_t root = w->root;
    if (s->n_dept < 2) {
        memset(dep, 0, n);
        s->assigned = n;
        return;
    }
    uint32_t others = n > 1 ? n - 1 : 1;
    double cum = 0.0;
    for (uint32_t r = w->first_report[root]; r != TS_NO_AGENT; r = w->next_peer[r]) {
        uint32_t size = 0;
        for (uint32_t a = 0; a < n; a++) {
            uint32_t x = a;
            while (x != TS_NO_AGENT && x != r && w->depth[x] > 1) {
                x = w->manager[x];
            }
            size += x == r;
        }
        uint32_t k = ts_departments_pick(s->upper, s->n_dept, (cum + 0.5 * size) / others);
        for (uint32_t a = 0; a < n; a++) {
            uint32_t x = a;
            while (x != TS_NO_AGENT && x != r && w->depth[x] > 1) {
                x = w->manager[x];
            }
            if (x == r) {
                dep[a] = (uint8_t)k;
            }
        }
        cum += size;
    }
    dep[root] = 0;
    s->assigned = n;
}

static ts_status dept_configure(const ts_scenario *sc, ts_world *w, void **state, ts_error *err) {
    ts_status st = ts_shared_register(w, err);
    if (st != TS_OK) {
        return st;
    }
    dept_state *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    s->n_dept = (uint32_t)ts_scenario_list_len(sc, "org.departments");
    for (uint32_t k = 0; k < s->n_dept && k < TS_DEPT_MAX; k++) {
        ts_scenario_point(sc, "org.department_split", k, &s->upper[k], &s->speed[k]);
    }
    s->prior_cut = ts_scenario_real(sc, "org.cross_department_prior");
    s->cross_share = ts_scenario_real(sc, "org.cross_department_share");
    s->gates = ts_scenario_bool(sc, "work.control_gates.enabled");
    if (s->gates) {
        s->gate_hours = (float)ts_scenario_real(sc, "work.control_gates.review_hours");
        s->gate_owner_hours = (float)ts_scenario_real(sc, "work.control_gates.owner_hours");
        s->gate_days = (float)ts_scenario_real(sc, "work.control_gates.latency_days");
        s->gate_goodwill = (float)ts_scenario_real(sc, "work.control_gates.goodwill_cost");
    }
    ts_shared_goals_load(sc, &s->goals);
    ts_trust_params_load(sc, &s->tp);
    const uint8_t none = TS_DEPT_NONE;
    st = ts_world_column_add(w, TS_DEPT_COLUMN, sizeof(uint8_t), 0, &none, &s->col, err);
    if (st == TS_OK) {
        st = dept_grow(s, w, err);
    }
    if (st == TS_OK && s->n_dept > 1 && s->prior_cut > 0.0) {
        st = ts_evidence_add_first_contact(w, dept_first_contact, s, err);
    }
    if (st != TS_OK) {
        dept_free(s);
        return st;
    }
    assign_initial(s, w);
    *state = s;
    return TS_OK;
}

/* ---- Org: departments of the day's hires, the members' lists ----------------------- */

/* The department furthest below its share of the active headcount. */
static uint32_t most_below_share(const dept_state *s, const uint32_t *count, uint32_t total) {
    uint32_t best = 0;
    double best_gap = -INFINITY;
    for (uint32_t k = 0; k < s->n_dept; k++) {
        double share = s->upper[k] - (k ? s->upper[k - 1] : 0.0);
        double gap = share - (total ? (double)count[k] / total : 0.0);
        if (gap > best_gap) {
            best_gap = gap;
            best = k;
        }
    }
    return best;
}

static ts_status dept_org(void *state, ts_world *w, const ts_day *d) {
    dept_state *s = state;
    uint8_t *dep = dept_col(w, s);
    uint32_t count[TS_DEPT_MAX] = {0};
    uint32_t total = 0;
    for (uint32_t a = 0; a < s->assigned && a < w->n; a++) {
        if (w->active[a] && !ts_is_ai(w)[a] && dep[a] < s->n_dept) {
            count[dep[a]]++;
            total++;
        }
    }
    /* A hire joins its manager's department; under the CEO (or before its manager has
     * one), the one furthest below its share. */
    for (uint32_t a = s->assigned; a < w->n; a++) {
        uint32_t m = w->manager[a];
        uint32_t k = m != TS_NO_AGENT && m != w->root && dep[m] < s->n_dept
                         ? dep[m]
                         : most_below_share(s, count, total);
        if (s->n_dept == 1) {
            k = 0;
        }
        dep[a] = (uint8_t)k;
        if (w->active[a] && !ts_is_ai(w)[a]) { /* AI agents sign nothing off (models/ai.h) */
            count[k]++;
            total++;
        }
    }
    s->assigned = w->n;
    if (s->n_dept < 2) {
        return TS_OK;
    }
    if (s->members_alloc < w->n) {
        uint32_t *p = realloc(s->members, (size_t)w->n_alloc * sizeof *p);
        if (!p) {
            return ts_error_set(d->err, TS_ERR_NOMEM, "out of memory for the departments");
        }
        s->members = p;
        s->members_alloc = w->n_alloc;
    }
    s->start[0] = 0;
    for (uint32_t k = 0; k < s->n_dept; k++) {
        s->start[k + 1] = s->start[k] + count[k];
    }
    uint32_t fill[TS_DEPT_MAX];
    memcpy(fill, s->start, sizeof fill);
    for (uint32_t a = 0; a < w->n; a++) {
        if (w->active[a] && !ts_is_ai(w)[a] && dep[a] < s->n_dept) {
            s->members[fill[dep[a]]++] = a;
        }
    }
    return TS_OK;
}

/* ---- Act: the sign-off of the other department ----------------------------------------- */

static void *dept_act_row(void *state, uint32_t a) {
    dept_state *s = state;
    return &s->rows[a];
}

/* A task started yesterday (work's settle set its start) touches another department with
 * probability cross_department_share: a random member of another department signs it off.
 * Everything it changes goes out as messages; the owner's row counts it. */
static ts_status dept_act(const void *state, const ts_world *w, uint32_t a, void *own, ts_emit *e) {
    if (ts_is_ai(w)[a]) {
        return TS_OK; /* AI agents take no part (models/ai.h) */
    }
    const dept_state *s = state;
    dept_row *row = own;
    row->day = w->day;
    row->cross = row->disputed = row->gated = 0;
    row->latency = 0.0f;
    if (s->n_dept < 2 || ts_busy(w)[a] || ts_task_domain(w)[a] == TS_NO_TASK ||
        ts_task_start(w)[a] != w->day - 1) {
        return TS_OK;
    }
    const uint8_t *dep = dept_col_c(w, s);
    uint32_t da = dep[a];
    if (da >= s->n_dept) {
        return TS_OK;
    }
    ts_rng r;
    ts_emit_rng(e, &r);
    if (!(ts_rng_uniform(&r) < s->cross_share)) {
        return TS_OK;
    }
    uint32_t od = s->n_dept == 2 ? 1 - da : (da + 1 + ts_rng_below(&r, s->n_dept - 1)) % s->n_dept;
    uint32_t size = s->start[od + 1] - s->start[od];
    if (size == 0) {
        return TS_OK;
    }
    uint32_t b = s->members[s->start[od] + ts_rng_below(&r, size)];
    uint32_t domain = ts_task_domain(w)[a];
    float t = ts_trust_of(&s->tp, w, b, a, domain);
    float latency = 0.0f;
    if (s->gates) {
        /* A formal approval, whatever the trust: a signal of distrust to the owner. */
        ts_ev_hours(e, b, TS_HOURS_REVIEW, s->gate_hours);
        ts_ev_hours(e, a, TS_HOURS_REVIEW, s->gate_owner_hours);
        latency += s->gate_days;
        if (s->gate_goodwill > 0.0f) {
            ts_ev_goodwill(e, a, b, -s->gate_goodwill);
        }
        row->gated = 1;
    } else if (t >= s->tp.delegate) {
        ts_ev_hours(e, b, TS_HOURS_REVIEW, TS_DEPT_APPROVE_HOURS);
    } else {
        ts_ev_hours(e, b, TS_HOURS_REVIEW, TS_DEPT_REVIEW_HOURS);
        ts_ev_hours(e, a, TS_HOURS_REVIEW, TS_DEPT_OWNER_HOURS);
        latency += TS_DEPT_REVIEW_DAYS;
    }
    double gap = ts_shared_goals_gap(&s->goals, fabs(s->speed[da] - s->speed[od]));
    double p =
        ts_departments_dispute_p(t, s->tp.delegate, s->tp.review, gap, ts_understanding_of(w, b));
    int disputed = ts_rng_uniform(&r) < p;
    if (disputed) {
        ts_ev_hours(e, a, TS_HOURS_COORDINATION, TS_DEPT_DISPUTE_HOURS);
        ts_ev_hours(e, b, TS_HOURS_COORDINATION, TS_DEPT_DISPUTE_HOURS);
        ts_ev_goodwill(e, a, b, -TS_DEPT_DISPUTE_GOODWILL);
        ts_ev_goodwill(e, b, a, -TS_DEPT_DISPUTE_GOODWILL);
        latency += TS_DEPT_DISPUTE_DAYS;
    } else if (s->goals.on) {
        /* An outcome both sides see as shared. */
        if (s->goals.goodwill > 0.0f) {
            ts_ev_goodwill(e, a, b, s->goals.goodwill);
            ts_ev_goodwill(e, b, a, s->goals.goodwill);
        }
        if (s->goals.credit > 0.0f) {
            ts_ev_integrity(e, b, a, s->goals.credit, 0.0f, 0.0f);
        }
    }
    row->cross = 1;
    row->disputed = (uint8_t)disputed;
    row->latency = latency;
    if (latency > 0.0f) {
        /* The owner's task waits for the sign-off: work adds it to the task's latency. */
        ts_emit_send(e, (ts_msg){.to = a, .about = b, .kind = DEPT_MK_DELAY, .w = latency});
    }
    return TS_OK;
}

static ts_status dept_handle(void *state, ts_world *w, const ts_msg *m) {
    (void)state;
    if (ts_evidence_handle(w, m) || m->kind != DEPT_MK_DELAY) {
        return TS_OK;
    }
    ts_task_delay(w)[m->to] += m->w;
    return TS_OK;
}

/* ---- Metrics ----------------------------------------------------------------------------- */

enum { DM_BETWEEN, DM_WITHIN, DM_CROSS, DM_DISPUTED, DM_GATED, DM_LATENCY, DM_COUNT };

static const ts_metric_decl dept_metrics[DM_COUNT] = {
    {"trust_between_departments", "trust score",
     "Mean trust (domain-averaged) over stored models of people in members of other "
     "departments (NaN with one department)."},
    {"trust_within_departments", "trust score",
     "Mean trust (domain-averaged) over stored models of people in members of their own "
     "department (NaN with one department)."},
    {"cross_department_decisions", "decisions/day",
     "New tasks that needed the sign-off of another department."},
    {"disputed_decisions", "decisions/day", "Cross-department sign-offs that ended in a dispute."},
    {"control_gates_passed", "decisions/day",
     "Cross-department sign-offs that went through a formal approval (work.control_gates)."},
    {"cross_department_latency", "days",
     "Mean latency of the cross-department sign-offs started over the last 7 days."},
};

enum {
    DA_BETWEEN,
    DA_BETWEEN_N,
    DA_WITHIN,
    DA_WITHIN_N,
    DA_CROSS,
    DA_DISPUTED,
    DA_GATED,
    DA_LATENCY,
    DA_COUNT
};

static ts_status dept_measure(const void *state, const ts_world *w, uint32_t a0, uint32_t a1,
                              double *acc) {
    const dept_state *s = state;
    if (s->n_dept < 2) {
        return TS_OK;
    }
    const uint8_t *dep = dept_col_c(w, s);
    uint32_t D = w->n_domains;
    ts_belief_block blk;
    double t[TS_BELIEF_BLOCK];
    float mu[TS_MAX_DOMAINS][TS_BELIEF_BLOCK], nu[TS_BELIEF_BLOCK];
    for (uint32_t a = a0; a < a1; a++) {
        if (!w->active[a]) {
            continue;
        }
        const dept_row *row = &s->rows[a];
        if (row->day == w->day) {
            acc[DA_CROSS] += row->cross;
            acc[DA_DISPUTED] += row->disputed;
            acc[DA_GATED] += row->gated;
            acc[DA_LATENCY] += row->latency;
        }
        for (uint32_t first = 0; ts_relstore_read_block(&w->models, a, first, w->day, &blk) > 0;
             first += blk.n) {
            ts_trust_scores_block(&s->tp, &blk, D, t, mu, nu);
            for (uint32_t k = 0; k < blk.n; k++) {
                uint8_t dj = dep[blk.id[k]];
                if (dj == TS_DEPT_NONE) {
                    continue;
                }
                int same = dj == dep[a];
                acc[same ? DA_WITHIN : DA_BETWEEN] += t[k] / D;
                acc[same ? DA_WITHIN_N : DA_BETWEEN_N] += 1.0;
            }
        }
    }
    return TS_OK;
}

static ts_status dept_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    dept_state *s = state;
    (void)w;
    v[DM_BETWEEN] = ts_stats_ratio(acc[DA_BETWEEN], acc[DA_BETWEEN_N]);
    v[DM_WITHIN] = ts_stats_ratio(acc[DA_WITHIN], acc[DA_WITHIN_N]);
    v[DM_CROSS] = acc[DA_CROSS];
    v[DM_DISPUTED] = acc[DA_DISPUTED];
    v[DM_GATED] = acc[DA_GATED];
    s->ring[s->ring_pos][0] = acc[DA_LATENCY];
    s->ring[s->ring_pos][1] = acc[DA_CROSS];
    s->ring_pos = (s->ring_pos + 1) % 7;
    double sum = 0.0, n = 0.0;
    for (int k = 0; k < 7; k++) {
        sum += s->ring[k][0];
        n += s->ring[k][1];
    }
    v[DM_LATENCY] = ts_stats_ratio(sum, n);
    return TS_OK;
}

/* Saved states: the act rows, how many agents have a department (the column itself is the
 * world's, saved with it), the week's latency ring. The members' lists are scratch. */
static ts_status dept_state_io(void *state, ts_world *w, ts_state_io *io) {
    dept_state *s = state;
    ts_sio_array(io, "rows", s->rows, sizeof *s->rows, w->n);
    ts_sio_u32(io, "assigned", &s->assigned);
    ts_sio_typed(io, "ring", TS_SIO_F64, s->ring, sizeof s->ring / sizeof s->ring[0][0]);
    ts_sio_int(io, "ring_pos", &s->ring_pos);
    return ts_sio_status(io);
}

static const char *const dept_org_after[] = {"hiring"};

const ts_module ts_module_departments = {
    .name = "departments",
    .sections = departments_sections,
    .n_sections = sizeof departments_sections / sizeof departments_sections[0],
    .event_kinds = NULL,
    .n_event_kinds = 0,
    .validate = departments_validate,
    .org_after = dept_org_after,
    .n_org_after = sizeof dept_org_after / sizeof dept_org_after[0],
    .configure = dept_configure,
    .free = dept_free,
    .grow = dept_grow,
    .org = dept_org,
    .act = dept_act,
    .act_row = dept_act_row,
    .handle = dept_handle,
    .metrics = dept_metrics,
    .n_metrics = DM_COUNT,
    .n_acc = DA_COUNT,
    .measure = dept_measure,
    .day_end = dept_day_end,
    .state_io = dept_state_io,
};
