#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ways_support.h"

#include "engine.h"
#include "evidence.h"
#include "openness.h"
#include "shared.h"

void tst_way_open(tst_world *f, const ts_module *mod, const char *extra) {
    char text[512];
    snprintf(text, sizeof text, TST_SHARP_LINK "tactics: {%s: {per_week: 5%s}}\n", mod->name,
             extra);
    tst_world_open(f, mod, text, 4, 64, 0, 0);
    assert_true(ts_engine_module_on(mod, f->sc));
    f->w.warmup_days = 100;
    f->w.seed = 4242;
    tst_world_configure(f);
    ts_world *w = &f->w;
    ts_error err;
    uint32_t id;
    const uint32_t mgr[5] = {TS_NO_AGENT, 0, 0, 1, 2};
    for (uint32_t a = 0; a < 5; a++) {
        assert_int_equal(ts_world_add_agent(w, mgr[a], -100, &id, &err), TS_OK);
    }
    for (uint32_t d = 0; d < 4; d++) {
        ts_competence(w)[3 * 4 + d] = 0.8f;
        ts_competence(w)[4 * 4 + d] = 0.2f;
    }
    assert_int_equal(mod->grow(f->st, w, &err), TS_OK);
    for (uint32_t a = 0; a < 3; a++) {
        ts_busy(w)[a] = 1;
    }
}

void tst_way_session(tst_world *f, tst_msgs *m) {
    for (int32_t day = 1; day <= 30; day++) {
        f->w.day = day;
        ts_emit e = tst_msgs_emit(m, 3, 1, day, f->w.seed);
        void *row = f->mod->act_row(f->st, 3);
        assert_int_equal(f->mod->act(f->st, &f->w, 3, row, &e), TS_OK);
        if (m->buf.n > 0) {
            return;
        }
    }
    fail_msg("no session in 30 days");
}

void tst_way_set_open(tst_world *f, uint32_t team, float v) {
    int col = ts_world_column_find(&f->w, TS_OPENNESS_COLUMN);
    assert_true(col >= 0);
    ((float *)f->w.cols[col].data)[team] = v;
}

void tst_way_expect(const tst_msgs *m, uint32_t to, int kind, uint32_t about, int flags, double w) {
    ts_msg x = tst_msgs_only(m, to, kind);
    if (kind == TS_MK_HOURS) {
        assert_int_equal(x.domain, about);
    } else {
        assert_int_equal(x.about, about);
    }
    if (kind == TS_MK_OBSERVE) {
        assert_int_equal(x.domain, 2);
        assert_int_equal(x.flags, flags);
    }
    assert_float_equal(x.w, w, 1e-6);
}

double tst_way_rate(const ts_module *mod, const char *per_week, int days) {
    tst_world f;
    char text[256];
    snprintf(text, sizeof text, "tactics: {%s: {per_week: %s}}\n", mod->name, per_week);
    tst_world_open(&f, mod, text, 4, 64, 0, 0);
    f.w.warmup_days = 100;
    tst_world_configure(&f);
    ts_error err;
    assert_int_equal(ts_world_build_tree(&f.w, 100, 7, -100, &err), TS_OK);
    double held = 0.0, v;
    for (int day = 1; day <= days; day++) {
        tst_world_org(&f, day, 12, 99);
        tst_world_metrics(&f, &v, 1);
        held += v;
    }
    tst_world_close(&f);
    return held / (100.0 * days);
}

void tst_way_behaviour(const char *name, const char *const *names, size_t n, double *on,
                       double *off) {
    enum { SEEDS = 3 };
    const char *base = "days: 150\ndomains: [design, roadmap, people, debugging]\n"
                       "org: {headcount: 100, warmup_days: 100}\nhiring: {growth: none}\n"
                       "culture: {blame: 0.4}\nwork: {tech_debt: {mean: 0.3, sd: 0.15}}\n"
                       "openness: {}\noutput: {snapshot_every: 0}\n";
    char text[768];
    snprintf(text, sizeof text, "%stactics: {%s: {}}\n", base, name);
    double von[32], voff[32];
    assert_true(n >= 1 && n <= 32);
    for (size_t i = 0; i < n; i++) {
        on[i] = off[i] = 0.0;
    }
    for (uint64_t k = 1; k <= SEEDS; k++) {
        tst_full(text, k * 7919, TST_MEAN, names, n, von);
        tst_full(base, k * 7919, TST_MEAN, names, n - 1, voff);
        for (size_t i = 0; i < n; i++) {
            print_message("seed %u %s: on %.4f off %.4f\n", (unsigned)k, names[i], von[i],
                          i + 1 < n ? voff[i] : 0.0);
            on[i] += von[i] / SEEDS;
            off[i] += i + 1 < n ? voff[i] / SEEDS : 0.0;
        }
    }
}
