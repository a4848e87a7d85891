#include "ways_in.h"

#include "shared.h"

#include "evidence.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

/* To a team's manager: w = strength of a proof that outsiders are safe. */
enum { WAY_MK_EARN = TS_MK_MODULE_BASE };

void ts_way_in_earn(ts_emit *e, uint32_t team, float g) {
    ts_emit_send(e, (ts_msg){.to = team, .about = team, .kind = WAY_MK_EARN, .w = g});
}

void ts_way_in_free(void *state) {
    ts_way_in *s = state;
    if (s) {
        free(s->rows);
    }
    free(s);
}

ts_status ts_way_in_grow(void *state, const ts_world *w, ts_error *err) {
    ts_way_in *s = state;
    return ts_rows_grow((void **)&s->rows, sizeof *s->rows, offsetof(ts_way_row, day), &s->n_alloc,
                        w->n_alloc, err);
}

ts_status ts_way_in_configure(const ts_scenario *sc, ts_world *w, const char *section,
                              ts_way_session_fn session, ts_way_in **out, ts_error *err) {
    ts_status st = ts_shared_register(w, err);
    if (st != TS_OK) {
        return st;
    }
    ts_way_in *s = calloc(1, sizeof *s);
    if (!s) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory");
    }
    st = ts_openness_register(w, &s->cols, err);
    if (st != TS_OK) {
        free(s);
        return st;
    }
    char key[128];
    snprintf(key, sizeof key, "%s.per_week", section);
    s->per_day = ts_scenario_real(sc, key) / 5.0;
    snprintf(key, sizeof key, "%s.hours", section);
    s->hours = (float)ts_scenario_real(sc, key);
    s->open_col = (int)s->cols.open;
    s->session = session;
    ts_work_link_load(sc, &s->link);
    st = ts_way_in_grow(s, w, err);
    if (st != TS_OK) {
        ts_way_in_free(s);
        return st;
    }
    *out = s;
    return TS_OK;
}

void *ts_way_in_act_row(void *state, uint32_t a) {
    ts_way_in *s = state;
    return &s->rows[a];
}

/* The warm-up runs it too: the habit predates day 0. */
ts_status ts_way_in_act(const void *state, const ts_world *w, uint32_t a, void *own, ts_emit *e) {
    if (ts_is_ai(w)[a]) {
        return TS_OK; /* AI agents take no part (models/ai.h) */
    }
    const ts_way_in *s = state;
    ts_way_row *row = own;
    row->day = w->day;
    row->held = 0;
    if (ts_busy(w)[a]) {
        return TS_OK;
    }
    ts_rng r;
    ts_emit_rng(e, &r);
    uint32_t n = ts_rng_count(&r, s->per_day);
    for (uint32_t c = 0; c < n; c++) {
        uint32_t b = ts_openness_draw_insider(w, a, TS_WAY_IN_TRIES, &r);
        if (b != TS_NO_AGENT) {
            s->session(s, w, a, b, &r, e);
            row->held++;
        }
    }
    return TS_OK;
}

ts_status ts_way_in_handle(void *state, ts_world *w, const ts_msg *m) {
    ts_way_in *s = state;
    if (ts_evidence_handle(w, m)) {
        return TS_OK;
    }
    if (m->kind == WAY_MK_EARN) {
        ((float *)w->cols[s->cols.earned].data)[m->to] += m->w;
    }
    return TS_OK;
}

ts_status ts_way_in_measure(const void *state, const ts_world *w, uint32_t a0, uint32_t a1,
                            double *acc) {
    const ts_way_in *s = state;
    for (uint32_t a = a0; a < a1; a++) {
        if (w->active[a] && s->rows[a].day == w->day) {
            acc[0] += s->rows[a].held;
        }
    }
    return TS_OK;
}

ts_status ts_way_in_day_end(void *state, const ts_world *w, const double *acc, double *v) {
    (void)state;
    (void)w;
    v[0] = acc[0];
    return TS_OK;
}

/* Saved states: each agent's act row (its day and sessions started). */
ts_status ts_way_in_state_io(void *state, ts_world *w, ts_state_io *io) {
    ts_way_in *s = state;
    ts_sio_array(io, "rows", s->rows, sizeof *s->rows, w->n);
    return ts_sio_status(io);
}
