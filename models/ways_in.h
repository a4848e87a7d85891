/* Ways into closed teams: what the four tactics of docs/model.md §7.12 (trenches,
 * hated_tasks, overview_listening, commiserate) share. Not a module: a library they call.
 * Each tactic is a module of its own (its keys, its session, its metric); the rest is
 * here: each active, available person starts floor(p) sessions a day and one more with
 * probability frac(p), p = per_week / 5, with someone of another team drawn by rejection
 * (ts_openness_draw_insider: TS_WAY_IN_TRIES draws); the session (the tactic's own
 * function) emits its messages; proofs of safety are applied by the team's manager into
 * the daily openness_earned column (models/openness.h), evidence, goodwill and hours as
 * everywhere (models/evidence.h). Each person's row counts the sessions it started today. */
#ifndef TS_MODELS_WAYS_IN_H
#define TS_MODELS_WAYS_IN_H

#include "module.h"
#include "openness.h"
#include "work.h"

/* Draws to find someone of another team before a session is skipped. */
#define TS_WAY_IN_TRIES 8

/* The two keys every way in has, with its own defaults and words. */
#define TS_WAY_IN_PARAMS(per_week_def, per_week_doc, hours_def, hours_doc)                         \
    {                                                                                              \
        .key = "per_week",                                                                         \
        .type = TS_PT_REAL,                                                                        \
        .def = per_week_def,                                                                       \
        .min = 0,                                                                                  \
        .max = 35,                                                                                 \
        .units = "per person per week",                                                            \
        .doc = per_week_doc,                                                                       \
    },                                                                                             \
    {                                                                                              \
        .key = "hours", .type = TS_PT_REAL, .def = hours_def, .min = 0, .max = 24,                 \
        .units = "hours", .doc = hours_doc,                                                        \
    }

/* Per agent, written only by its own act: the sessions it started on `day`. */
typedef struct ts_way_row {
    int32_t day;
    uint32_t held;
} ts_way_row;

typedef struct ts_way_in ts_way_in;

/* One session of outsider a with b, of another team (act phase: messages only). */
typedef void (*ts_way_session_fn)(const ts_way_in *s, const ts_world *w, uint32_t a, uint32_t b,
                                  ts_rng *r, ts_emit *e);

struct ts_way_in {
    double per_day; /* sessions a person starts per working day: per_week / 5 */
    float hours;    /* the section's `hours` */
    float extra;    /* a tactic's own number (commiserate's risk), 0 otherwise */
    ts_work_link link;
    ts_openness_cols cols;
    int open_col; /* the team_openness column, for ts_openness_of */
    ts_way_session_fn session;
    ts_way_row *rows;
    uint32_t n_alloc;
};

/* The configure of a way in whose section is `section` ("tactics.trenches"): registers the
 * shared and openness columns, reads per_week and hours, sets the session. */
ts_status ts_way_in_configure(const ts_scenario *sc, ts_world *w, const char *section,
                              ts_way_session_fn session, ts_way_in **out, ts_error *err);

/* The module hooks a way in uses as they are. */
void ts_way_in_free(void *state);
ts_status ts_way_in_grow(void *state, const ts_world *w, ts_error *err);
void *ts_way_in_act_row(void *state, uint32_t a);
ts_status ts_way_in_act(const void *state, const ts_world *w, uint32_t a, void *own, ts_emit *e);
ts_status ts_way_in_handle(void *state, ts_world *w, const ts_msg *m);
/* One accumulator: the sessions started today. */
ts_status ts_way_in_measure(const void *state, const ts_world *w, uint32_t a0, uint32_t a1,
                            double *acc);
ts_status ts_way_in_day_end(void *state, const ts_world *w, const double *acc, double *v);
ts_status ts_way_in_state_io(void *state, ts_world *w, ts_state_io *io);

/* A proof of safety of strength g to `team` (its manager), applied in its apply. */
void ts_way_in_earn(ts_emit *e, uint32_t team, float g);

/* The domain of b's team's own work (its manager's id mod the domains), as its toil. */
static inline uint32_t ts_way_in_domain(const ts_world *w, uint32_t b) {
    return ts_openness_team(w, b) % w->n_domains;
}

#endif
