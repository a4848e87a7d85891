/* Helpers for the tests of the ways into closed teams (models/ways_in.h: trenches,
 * hated_tasks, overview_listening, commiserate): a hand-built world where exactly one
 * session can happen, the capture of one session's messages, the expected message by
 * hand, the rate of sessions, and the tactic on against off over the full model. Every
 * helper asserts with cmocka, so it may only be called from inside a test. */
#ifndef TST_WAYS_SUPPORT_H
#define TST_WAYS_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include "test_support.h"

/* The tactic `mod` (section tactics.NAME) at per_week 5 (one session a day), with a sharp
 * success link and `extra` keys appended (", risk: 0"), on the tree 0 -> 1, 2; 1 -> 3;
 * 2 -> 4 (teams: 0 of 0, 1 and 2; 1 of 3; 2 of 4), everyone but 3 and 4 busy, so that 3's
 * only possible partner is 4, of team 2, whose domain is 2 % 4 = 2. 3 succeeds at
 * everything, 4 fails at everything. */
void tst_way_open(tst_world *f, const ts_module *mod, const char *extra);

/* Runs 3's act on days 1, 2, ... until it holds a session (it finds 4 with probability
 * 1 - (4/5)^8 = 0.83 a day); its messages in *m. */
void tst_way_session(tst_world *f, tst_msgs *m);

/* Sets the openness of team `team` (its manager's entry of team_openness). */
void tst_way_set_open(tst_world *f, uint32_t team, float v);

/* Asserts that exactly one message of `kind` went to `to`, about `about`, with weight w;
 * for an observation (TS_MK_OBSERVE) also in domain 2 with success `flags`; for hours
 * (TS_MK_HOURS) `about` is the slot. */
void tst_way_expect(const tst_msgs *m, uint32_t to, int kind, uint32_t about, int flags, double w);

/* Sessions started per person-day by `mod` at `per_week` over `days` days in a 100-person
 * tree. */
double tst_way_rate(const ts_module *mod, const char *per_week, int days);

/* The tactic tactics.NAME at its defaults against none, 3 seeds, 100 people at a steady
 * headcount with teams closed by heavy technical debt (openness on): the means over seeds
 * of names[0..n) into on[] and, of names[0..n-1) (the last is the tactic's own count),
 * into off[]. */
void tst_way_behaviour(const char *name, const char *const *names, size_t n, double *on,
                       double *off);

#endif
