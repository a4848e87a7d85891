/* Reports of the trust module besides its daily belief metrics: coverage (how much of
 * the close pairs' models rests on real evidence) and the snapshots of beliefs. */
#include "trust_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void trust_coverage_pair(const ts_world *w, uint32_t a, uint32_t j, double *acc) {
    acc[0] += 1.0;
    int slot = ts_relstore_find(&w->models, a, j);
    if (slot >= 0 &&
        ts_relstore_evidence(&w->models, a, (uint32_t)slot, w->day) >= TRUST_COVERAGE_EVIDENCE) {
        acc[1] += 1.0;
    }
}

/* The department of an agent: its ancestor at depth 1 (the CEO is its own). */
static uint32_t department_of(const ts_world *w, uint32_t a) {
    while (w->depth[a] > 1) {
        a = w->manager[a];
    }
    return a;
}

ts_status trust_snapshot(const void *state, const ts_world *w, ts_snapshot *snap, ts_error *err) {
    const trust_state *st = state;
    const ts_relstore *rs = &w->models;
    uint32_t D = w->n_domains;
    /* The sample: every k-th employed agent, so it spreads over the whole tree. */
    uint32_t want = st->snapshot_agents < w->n_active ? st->snapshot_agents : w->n_active;
    uint32_t stride = want ? (w->n_active + want - 1) / want : 1;
    size_t n_edges = 0;
    uint32_t seen = 0;
    for (uint32_t a = 0; a < w->n && want; a++) {
        if (w->active[a] && seen++ % stride == 0) {
            n_edges += ts_relstore_count(rs, a);
        }
    }
    uint32_t *from = ts_table_add_column(&snap->edges, "from", "agent id", "The believer.",
                                         TS_COL_U32, n_edges, 1);
    uint32_t *to = ts_table_add_column(&snap->edges, "to", "agent id", "The person believed about.",
                                       TS_COL_U32, n_edges, 1);
    float *mean = ts_table_add_column(&snap->edges, "mean", "probability",
                                      "Believed competence per domain (posterior mean).",
                                      TS_COL_F32, n_edges, D);
    float *sd = ts_table_add_column(&snap->edges, "sd", "probability",
                                    "Uncertainty of the belief per domain (posterior sd).",
                                    TS_COL_F32, n_edges, D);
    float *trust = ts_table_add_column(&snap->edges, "trust", "trust score",
                                       "Trust score T per domain.", TS_COL_F32, n_edges, D);
    float *integ =
        ts_table_add_column(&snap->edges, "integrity", "probability",
                            "Believed honesty (posterior mean).", TS_COL_F32, n_edges, 1);
    float *good = ts_table_add_column(&snap->edges, "goodwill", "score in [-1,1]",
                                      "Affect toward the person.", TS_COL_F32, n_edges, 1);
    if ((n_edges && (!from || !to || !mean || !sd || !trust || !integ || !good))) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for a snapshot");
    }
    /* Each sampled believer's models a block at a time: the values ts_relstore_read and
     * ts_trust_scores give model by model. */
    size_t k = 0;
    seen = 0;
    ts_belief_block blk;
    float score[TS_MAX_DOMAINS][TS_BELIEF_BLOCK], mu[TS_MAX_DOMAINS][TS_BELIEF_BLOCK];
    float sigma[TS_MAX_DOMAINS][TS_BELIEF_BLOCK], nu[TS_BELIEF_BLOCK];
    for (uint32_t a = 0; a < w->n && want; a++) {
        if (!w->active[a] || seen++ % stride != 0) {
            continue;
        }
        for (uint32_t first = 0; ts_relstore_read_block(rs, a, first, w->day, &blk) > 0;
             first += blk.n) {
            ts_trust_scores_block_each(&st->tp, &blk, D, score, mu, sigma, nu);
            for (uint32_t i = 0; i < blk.n; i++, k++) {
                from[k] = a;
                to[k] = blk.id[i];
                for (uint32_t d = 0; d < D; d++) {
                    trust[k * D + d] = score[d][i];
                    mean[k * D + d] = mu[d][i];
                    sd[k * D + d] = sigma[d][i];
                }
                integ[k] = nu[i];
                good[k] = blk.goodwill[i];
            }
        }
    }
    /* Team-by-team trust of the top two levels: departments are the CEO's reports. */
    size_t nd = 0;
    uint32_t *dept_index = calloc(w->n ? w->n : 1, sizeof *dept_index);
    if (!dept_index) {
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for a snapshot");
    }
    for (uint32_t a = 0; a < w->n; a++) {
        dept_index[a] = UINT32_MAX;
        if (w->active[a] && w->depth[a] <= 1) {
            dept_index[a] = (uint32_t)nd++;
        }
    }
    snap->k = nd;
    snap->team_ids = calloc(nd ? nd : 1, sizeof *snap->team_ids);
    size_t n_cells = nd * nd > 0 ? nd * nd : 1;
    snap->team_trust = calloc(n_cells, sizeof *snap->team_trust);
    double *sum = calloc(n_cells, sizeof *sum);
    double *cnt = calloc(n_cells, sizeof *cnt);
    if (!snap->team_ids || !snap->team_trust || !sum || !cnt) {
        free(dept_index);
        free(sum);
        free(cnt);
        return ts_error_set(err, TS_ERR_NOMEM, "out of memory for a snapshot");
    }
    for (uint32_t a = 0; a < w->n; a++) {
        if (dept_index[a] != UINT32_MAX) {
            snap->team_ids[dept_index[a]] = a;
        }
    }
    /* Every employed believer's models of employed people, a block at a time (the block
     * sums each model's scores in domain order, as ts_trust_scores gives them). */
    double t[TS_BELIEF_BLOCK];
    for (uint32_t a = 0; a < w->n; a++) {
        if (!w->active[a]) {
            continue;
        }
        size_t da = dept_index[department_of(w, a)];
        for (uint32_t first = 0; ts_relstore_read_block(rs, a, first, w->day, &blk) > 0;
             first += blk.n) {
            ts_trust_scores_block(&st->tp, &blk, D, t, mu, nu);
            for (uint32_t k = 0; k < blk.n; k++) {
                uint32_t j = blk.id[k];
                if (!w->active[j]) {
                    continue;
                }
                size_t dj = dept_index[department_of(w, j)];
                sum[da * nd + dj] += t[k] / D;
                cnt[da * nd + dj] += 1.0;
            }
        }
    }
    for (size_t i = 0; i < nd * nd; i++) {
        snap->team_trust[i] = cnt[i] > 0 ? (float)(sum[i] / cnt[i]) : NAN;
    }
    free(dept_index);
    free(sum);
    free(cnt);
    return TS_OK;
}
