/* Tests for sim/rng: Philox4x32-10 counter-based streams and their gsl_rng_type. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "rng.h"

/* A high-entropy run seed whose two 32-bit halves differ. */
#define SEED 0x3717c0ffee2468acULL
#define N_STREAM 1000
#define N_MOMENTS 1000000
/* Statistical checks allow this many standard errors: a correct generator fails one
 * with probability about 6e-7, and the seeds are fixed, so the tests are repeatable. */
#define Z_TOL 5.0

static void check_near(const char *what, double got, double want, double tol) {
    if (!(fabs(got - want) <= tol)) {
        fail_msg("%s: got %.9g, want %.9g +- %.3g", what, got, want, tol);
    }
}

/* ---- Known answers ---------------------------------------------------------------- */

/* The philox4x32 10-round lines of the Random123 distribution's known-answer file,
 * tests/kat_vectors (github.com/DEShawResearch/random123; columns: CTR[4] KEY[2]
 * EXPECTED[4]): the all-zero, all-ones and pi-digits vectors. */
static const struct {
    uint32_t ctr[4];
    uint32_t key[2];
    uint32_t want[4];
} kat[] = {
    {{0x00000000, 0x00000000, 0x00000000, 0x00000000},
     {0x00000000, 0x00000000},
     {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
    {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
     {0xffffffff, 0xffffffff},
     {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
    {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
     {0xa4093822, 0x299f31d0},
     {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
};

static void check_kat(size_t i) {
    uint32_t out[4];
    ts_rng_block(kat[i].ctr, kat[i].key, out);
    for (int w = 0; w < 4; w++) {
        if (out[w] != kat[i].want[w]) {
            fail_msg("kat %zu word %d: got %08x, want %08x", i, w, (unsigned)out[w],
                     (unsigned)kat[i].want[w]);
        }
    }
}

static void test_kat_zeros(void **state) {
    (void)state;
    check_kat(0);
}

static void test_kat_ones(void **state) {
    (void)state;
    check_kat(1);
}

static void test_kat_pi(void **state) {
    (void)state;
    check_kat(2);
}

/* ---- Stream layout ---------------------------------------------------------------- */

/* A stream is the blocks at counters (agent, day, module, 0), (…, 1), … under the key
 * (seed low, seed high), read word by word. */
static void test_init_layout(void **state) {
    (void)state;
    ts_rng r;
    ts_rng_init(&r, SEED, 37, 412, 5);
    assert_ptr_equal(r.gsl.type, ts_rng_philox);
    assert_ptr_equal(r.gsl.state, &r.st);
    assert_ptr_equal(ts_rng_gsl(&r), &r.gsl);
    assert_string_equal(gsl_rng_name(ts_rng_gsl(&r)), "philox4x32-10");
    assert_int_equal(r.st.key[0], 0xee2468acu);
    assert_int_equal(r.st.key[1], 0x3717c0ffu);
    assert_int_equal(r.st.idx, 4);

    const uint32_t key[2] = {0xee2468acu, 0x3717c0ffu};
    for (uint32_t block = 0; block < 3; block++) {
        const uint32_t ctr[4] = {37, 412, 5, block};
        uint32_t want[4];
        ts_rng_block(ctr, key, want);
        for (int w = 0; w < 4; w++) {
            assert_int_equal(ts_rng_u32(&r), want[w]);
        }
    }
    /* Three blocks used: the counter points at the fourth and the buffer is spent. */
    assert_int_equal(r.st.ctr[3], 3);
    assert_int_equal(r.st.idx, 4);
    assert_int_equal(r.st.ctr[0], 37);
    assert_int_equal(r.st.ctr[1], 412);
    assert_int_equal(r.st.ctr[2], 5);
}

static void test_gsl_type(void **state) {
    (void)state;
    assert_string_equal(ts_rng_philox->name, "philox4x32-10");
    assert_true(ts_rng_philox->max == 0xffffffffUL);
    assert_true(ts_rng_philox->min == 0);
    assert_true(ts_rng_philox->size == sizeof(ts_rng_state));
    assert_non_null(ts_rng_philox->set);
    assert_non_null(ts_rng_philox->get);
    assert_non_null(ts_rng_philox->get_double);
}

/* gsl_rng_alloc seeds with gsl_rng_default_seed (0, as gsl_rng_env_setup is never
 * called here): key 0 and counter 0, which is the all-zero known answer. */
static void test_gsl_alloc_default_seed(void **state) {
    (void)state;
    gsl_rng *g = gsl_rng_alloc(ts_rng_philox);
    assert_non_null(g);
    assert_int_equal(gsl_rng_max(g), 0xffffffffUL);
    assert_int_equal(gsl_rng_min(g), 0);
    for (int w = 0; w < 4; w++) {
        assert_int_equal(gsl_rng_get(g), kat[0].want[w]);
    }
    gsl_rng_free(g);
}

/* gsl_rng_set(g, s) is key (s, s >> 32) with a zero counter, i.e. the stream of
 * ts_rng_init(s, 0, 0, 0); setting again restarts it; a clone continues it. */
static void test_gsl_set(void **state) {
    (void)state;
    gsl_rng *g = gsl_rng_alloc(ts_rng_philox);
    assert_non_null(g);
    gsl_rng_set(g, (unsigned long)SEED);
    ts_rng r;
    ts_rng_init(&r, SEED, 0, 0, 0);
    uint32_t first[9];
    for (int i = 0; i < 9; i++) {
        first[i] = ts_rng_u32(&r);
        assert_int_equal(gsl_rng_get(g), first[i]);
    }
    gsl_rng *c = gsl_rng_clone(g);
    assert_non_null(c);
    for (int i = 0; i < 20; i++) {
        assert_int_equal(gsl_rng_get(c), gsl_rng_get(g));
    }
    gsl_rng_set(g, (unsigned long)SEED);
    for (int i = 0; i < 9; i++) {
        assert_int_equal(gsl_rng_get(g), first[i]);
    }
    /* The high half of the seed is part of the key. */
    gsl_rng_set(g, (unsigned long)(SEED ^ (1ULL << 40)));
    assert_int_not_equal(gsl_rng_get(g), first[0]);
    gsl_rng_free(c);
    gsl_rng_free(g);
}

/* ts_rng_u32, ts_rng_uniform, gsl_rng_get and gsl_rng_uniform read one sequence, and
 * the doubles are exactly u32 * 2^-32. */
static void test_draw_paths_agree(void **state) {
    (void)state;
    ts_rng a, b;
    ts_rng_init(&a, SEED, 3, 14, 15);
    ts_rng_init(&b, SEED, 3, 14, 15);
    for (int i = 0; i < 100; i++) {
        uint32_t u = ts_rng_u32(&a);
        double want = (double)u / 4294967296.0;
        switch (i % 4) {
        case 0:
            assert_true(ts_rng_uniform(&b) == want);
            break;
        case 1:
            assert_int_equal(gsl_rng_get(ts_rng_gsl(&b)), u);
            break;
        case 2:
            assert_true(gsl_rng_uniform(ts_rng_gsl(&b)) == want);
            break;
        default:
            assert_int_equal(ts_rng_u32(&b), u);
            break;
        }
    }
}

/* The extreme words map to 0 and to the largest double below 1. */
static void test_uniform_range(void **state) {
    (void)state;
    ts_rng r;
    ts_rng_init(&r, SEED, 0, 0, 0);
    r.st.buf[0] = 0xffffffffu;
    r.st.buf[1] = 0;
    r.st.buf[2] = 0xffffffffu;
    r.st.idx = 0;
    double hi = ts_rng_uniform(&r);
    assert_true(hi < 1.0);
    assert_true(hi == 1.0 - 0x1p-32);
    assert_true(ts_rng_uniform(&r) == 0.0);
    assert_true(gsl_rng_uniform(ts_rng_gsl(&r)) == 1.0 - 0x1p-32);
}

/* ---- Streams ---------------------------------------------------------------------- */

static void draw_stream(uint64_t seed, uint32_t agent, uint32_t day, uint32_t module,
                        uint32_t out[N_STREAM]) {
    ts_rng r;
    ts_rng_init(&r, seed, agent, day, module);
    for (int i = 0; i < N_STREAM; i++) {
        out[i] = ts_rng_u32(&r);
    }
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* How many values two streams share, wherever they occur (so a stream that is another
 * shifted by some draws counts too). Sorts its arguments. */
static size_t common_values(uint32_t *a, uint32_t *b, size_t n) {
    qsort(a, n, sizeof *a, cmp_u32);
    qsort(b, n, sizeof *b, cmp_u32);
    size_t i = 0, j = 0, common = 0;
    while (i < n && j < n) {
        if (a[i] < b[j]) {
            i++;
        } else if (b[j] < a[i]) {
            j++;
        } else {
            common++;
            i++;
            j++;
        }
    }
    return common;
}

static void test_streams_repeat(void **state) {
    (void)state;
    static uint32_t a[N_STREAM], b[N_STREAM];
    draw_stream(SEED, 12, 345, 6, a);
    draw_stream(SEED, 12, 345, 6, b);
    assert_memory_equal(a, b, sizeof a);

    /* Whatever the storage held before ts_rng_init does not matter. */
    ts_rng *r = malloc(sizeof *r);
    assert_non_null(r);
    memset(r, 0xa5, sizeof *r);
    ts_rng_init(r, SEED, 12, 345, 6);
    for (int i = 0; i < N_STREAM; i++) {
        assert_int_equal(ts_rng_u32(r), a[i]);
    }
    free(r);
}

/* Changing any one coordinate gives a stream with no value in common with the base
 * stream over 1000 draws (by chance about 1000^2 / 2^32 = 2e-4 would be expected). */
static void test_streams_each_coordinate_matters(void **state) {
    (void)state;
    static const struct {
        const char *what;
        uint64_t seed;
        uint32_t agent, day, module;
    } v[] = {
        {"seed + 1", SEED + 1, 12, 345, 6},
        {"seed high half", SEED ^ (1ULL << 32), 12, 345, 6},
        {"agent", SEED, 13, 345, 6},
        {"day", SEED, 12, 346, 6},
        {"module", SEED, 12, 345, 7},
        {"agent and day swapped", SEED, 345, 12, 6},
        {"day and module swapped", SEED, 12, 6, 345},
    };
    static uint32_t base[N_STREAM], other[N_STREAM];
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
        draw_stream(SEED, 12, 345, 6, base);
        draw_stream(v[k].seed, v[k].agent, v[k].day, v[k].module, other);
        if (base[0] == other[0]) {
            fail_msg("%s: same first draw", v[k].what);
        }
        size_t common = common_values(base, other, N_STREAM);
        if (common != 0) {
            fail_msg("%s: %zu values in common", v[k].what, common);
        }
    }
}

/* Draws depend only on the stream's own coordinates and position: interleaving them
 * irregularly with another stream's draws of every kind changes nothing. */
static void test_streams_interleaving(void **state) {
    (void)state;
    static uint32_t a_alone[N_STREAM], b_alone[N_STREAM];
    draw_stream(SEED, 1, 2, 3, a_alone);
    draw_stream(SEED, 2, 2, 3, b_alone);

    ts_rng a, b;
    ts_rng_init(&a, SEED, 1, 2, 3);
    ts_rng_init(&b, SEED, 2, 2, 3);
    int ia = 0, ib = 0;
    while (ia < N_STREAM || ib < N_STREAM) {
        /* Between 1 and 7 draws from one, then from the other, as chosen by a third. */
        int na = 1 + (int)(ia % 7), nb = 1 + (int)((ib * 5) % 7);
        for (int k = 0; k < na && ia < N_STREAM; k++) {
            assert_int_equal(ts_rng_u32(&a), a_alone[ia++]);
        }
        for (int k = 0; k < nb && ib < N_STREAM; k++) {
            assert_int_equal(gsl_rng_get(ts_rng_gsl(&b)), b_alone[ib++]);
        }
        /* Draws from unrelated streams in between: stack neighbours and a GSL
         * distribution consuming a variable number of words. */
        ts_rng c;
        ts_rng_init(&c, SEED, 1, 2, 3);
        (void)gsl_ran_beta(ts_rng_gsl(&c), 2.5, 4.0);
        (void)ts_rng_below(&c, 1000);
    }
}

/* ---- Moments ---------------------------------------------------------------------- */

static void test_uniform_moments(void **state) {
    (void)state;
    ts_rng r;
    ts_rng_init(&r, SEED, 101, 7, 2);
    double sum = 0.0, sum2 = 0.0, lo = 1.0, hi = 0.0;
    for (int i = 0; i < N_MOMENTS; i++) {
        double u = ts_rng_uniform(&r);
        sum += u;
        sum2 += (u - 0.5) * (u - 0.5);
        lo = u < lo ? u : lo;
        hi = u > hi ? u : hi;
    }
    double n = N_MOMENTS;
    /* Mean 1/2 with SE sqrt(1/12 / n); variance (about the known mean) 1/12 with SE
     * sqrt((E(U-1/2)^4 - 1/144) / n) = sqrt((1/80 - 1/144) / n) = sqrt(1/180 / n). */
    check_near("uniform mean", sum / n, 0.5, Z_TOL * sqrt(1.0 / 12.0 / n));
    check_near("uniform variance", sum2 / n, 1.0 / 12.0, Z_TOL * sqrt(1.0 / 180.0 / n));
    assert_true(lo >= 0.0 && lo < 1e-4);
    assert_true(hi < 1.0 && hi > 1.0 - 1e-4);
}

/* Sample mean and variance of n draws of f. */
static void sample_moments(ts_rng *r, double (*f)(gsl_rng *), int n, double *mean, double *var) {
    /* Welford's update keeps the variance accurate over a million draws. */
    double m = 0.0, s = 0.0;
    for (int i = 0; i < n; i++) {
        double x = f(ts_rng_gsl(r));
        double d = x - m;
        m += d / (i + 1);
        s += d * (x - m);
    }
    *mean = m;
    *var = s / (n - 1);
}

static double draw_beta(gsl_rng *g) {
    return gsl_ran_beta(g, 2.5, 4.0);
}

static double draw_lognormal(gsl_rng *g) {
    return gsl_ran_lognormal(g, 0.25, 0.5);
}

static void test_beta_moments(void **state) {
    (void)state;
    const double a = 2.5, b = 4.0, n = N_MOMENTS;
    /* Mean a/(a+b) = 0.384615…, variance ab/((a+b)^2 (a+b+1)) = 10/316.875 = 0.031558…
     * The SE of the sample variance is sqrt((mu4 - sigma^4) / n) with mu4 from the
     * excess kurtosis 6((a-b)^2 (a+b+1) - ab(a+b+2)) / (ab(a+b+2)(a+b+3)) = -0.5062. */
    const double mean = a / (a + b);
    const double var = a * b / ((a + b) * (a + b) * (a + b + 1.0));
    const double exkurt = 6.0 * ((a - b) * (a - b) * (a + b + 1.0) - a * b * (a + b + 2.0)) /
                          (a * b * (a + b + 2.0) * (a + b + 3.0));
    check_near("beta mean formula", mean, 0.3846153846, 1e-9);
    check_near("beta variance formula", var, 0.0315581854, 1e-9);
    check_near("beta excess kurtosis formula", exkurt, -0.5061919505, 1e-9);

    ts_rng r;
    ts_rng_init(&r, SEED, 55, 3, 9);
    double m, v;
    sample_moments(&r, draw_beta, N_MOMENTS, &m, &v);
    check_near("beta mean", m, mean, Z_TOL * sqrt(var / n));
    check_near("beta variance", v, var, Z_TOL * var * sqrt((2.0 + exkurt) / n));
}

static void test_lognormal_mean(void **state) {
    (void)state;
    const double zeta = 0.25, sigma = 0.5, n = N_MOMENTS;
    /* Mean exp(zeta + sigma^2/2) = exp(0.375) = 1.45499…, variance
     * (exp(sigma^2) - 1) exp(2 zeta + sigma^2) = 0.601282…. */
    const double mean = exp(zeta + sigma * sigma / 2.0);
    const double var = (exp(sigma * sigma) - 1.0) * exp(2.0 * zeta + sigma * sigma);
    check_near("lognormal mean formula", mean, 1.4549914146, 1e-9);
    check_near("lognormal variance formula", var, 0.6012818118, 1e-9);

    ts_rng r;
    ts_rng_init(&r, SEED, 8, 64, 1);
    double m, v;
    sample_moments(&r, draw_lognormal, N_MOMENTS, &m, &v);
    check_near("lognormal mean", m, mean, Z_TOL * sqrt(var / n));
}

/* ---- ts_rng_below ----------------------------------------------------------------- */

static void test_below_chisq(void **state) {
    (void)state;
    enum { K = 7, PER_BUCKET = 100000 };
    unsigned long count[K] = {0};
    ts_rng r;
    ts_rng_init(&r, SEED, 77, 1, 4);
    for (int i = 0; i < K * PER_BUCKET; i++) {
        uint32_t x = ts_rng_below(&r, K);
        assert_true(x < K);
        count[x]++;
    }
    double chi2 = 0.0;
    for (int k = 0; k < K; k++) {
        double d = (double)count[k] - PER_BUCKET;
        chi2 += d * d / PER_BUCKET;
    }
    double p = gsl_cdf_chisq_Q(chi2, K - 1);
    if (!(p > 0.001)) {
        fail_msg("ts_rng_below(7): chi2 %.3f, p %.3g", chi2, p);
    }
}

/* n = 3 * 2^30 makes both classic biases large: x mod n would give values below 2^30
 * half the time (not 1/3), and the multiply-shift without rejection would give
 * multiples of 3 half the time (not 1/3). */
static void test_below_no_bias(void **state) {
    (void)state;
    const uint32_t n = 0xc0000000u;
    ts_rng r;
    ts_rng_init(&r, SEED, 9, 9, 9);
    unsigned long low = 0, mult3 = 0;
    for (int i = 0; i < N_MOMENTS; i++) {
        uint32_t x = ts_rng_below(&r, n);
        assert_true(x < n);
        low += x < (1u << 30);
        mult3 += x % 3 == 0;
    }
    double se = sqrt(1.0 / 3.0 * 2.0 / 3.0 / N_MOMENTS);
    check_near("share below 2^30", (double)low / N_MOMENTS, 1.0 / 3.0, Z_TOL * se);
    check_near("share of multiples of 3", (double)mult3 / N_MOMENTS, 1.0 / 3.0, Z_TOL * se);
}

/* Hand-computed cases with the buffer set by hand. */
static void test_below_exact(void **state) {
    (void)state;
    ts_rng r;
    ts_rng_init(&r, SEED, 0, 0, 0);

    /* n = 7: 2^32 mod 7 = 4. Word 0 gives low word 0 < 4: rejected. Word 1 gives
     * 7 * 1 = 7, low word 7 >= 4: accepted, 7 >> 32 = 0. Word 2^31 gives 3.5 * 2^32:
     * 3. Word 0xffffffff gives 6. */
    r.st.buf[0] = 0;
    r.st.buf[1] = 1;
    r.st.buf[2] = 0x80000000u;
    r.st.buf[3] = 0xffffffffu;
    r.st.idx = 0;
    assert_int_equal(ts_rng_below(&r, 7), 0);
    assert_int_equal(r.st.idx, 2);
    assert_int_equal(ts_rng_below(&r, 7), 3);
    assert_int_equal(ts_rng_below(&r, 7), 6);

    /* n = 3 * 2^30: 2^32 mod n = 2^30. Word 4 gives 12 * 2^30, low word 0: rejected.
     * Word 5 gives 15 * 2^30, low word 3 * 2^30: accepted, 15/4 -> 3. */
    r.st.buf[0] = 4;
    r.st.buf[1] = 5;
    r.st.idx = 0;
    assert_int_equal(ts_rng_below(&r, 0xc0000000u), 3);
    assert_int_equal(r.st.idx, 2);

    /* n = 1 takes one word and gives 0; n = 0 (outside the contract) gives 0. */
    r.st.buf[2] = 0xdeadbeefu;
    r.st.buf[3] = 0x3717u;
    assert_int_equal(ts_rng_below(&r, 1), 0);
    assert_int_equal(r.st.idx, 3);
    assert_int_equal(ts_rng_below(&r, 0), 0);
    assert_int_equal(r.st.idx, 4);

    /* n = 2^32 - 1: all values in range; n = 2 splits evenly. */
    unsigned long ones = 0;
    for (int i = 0; i < 100000; i++) {
        assert_true(ts_rng_below(&r, 0xffffffffu) < 0xffffffffu);
        ones += ts_rng_below(&r, 2);
    }
    check_near("ts_rng_below(2) mean", ones / 1e5, 0.5, Z_TOL * 0.5 / sqrt(1e5));
}

/* ---- Independence ----------------------------------------------------------------- */

static double correlation(const double *x, const double *y, int n) {
    double mx = 0.0, my = 0.0;
    for (int i = 0; i < n; i++) {
        mx += x[i];
        my += y[i];
    }
    mx /= n;
    my /= n;
    double sxy = 0.0, sxx = 0.0, syy = 0.0;
    for (int i = 0; i < n; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / sqrt(sxx * syy);
}

/* The correlation of agents a and a + 1 over n paired draws is about N(0, 1/n). */
static void test_agent_streams_uncorrelated(void **state) {
    (void)state;
    enum { AGENTS = 100, N = 10000 };
    static double x[N], y[N];
    double sum_r = 0.0;
    for (uint32_t a = 0; a < AGENTS; a++) {
        ts_rng ra, rb;
        ts_rng_init(&ra, SEED, a, 30, 2);
        ts_rng_init(&rb, SEED, a + 1, 30, 2);
        for (int i = 0; i < N; i++) {
            x[i] = ts_rng_uniform(&ra);
            y[i] = ts_rng_uniform(&rb);
        }
        double rho = correlation(x, y, N);
        /* 100 checks at 5 SE: about 6e-5 chance of a false alarm in all. */
        check_near("correlation of successive agents", rho, 0.0, Z_TOL / sqrt(N));
        sum_r += rho;
    }
    check_near("mean correlation", sum_r / AGENTS, 0.0, Z_TOL / sqrt((double)N * AGENTS));
}

/* Successive draws of one stream, and the same agent on successive days. */
static void test_serial_uncorrelated(void **state) {
    (void)state;
    enum { N = 100000 };
    static double x[N + 1], y[N];
    ts_rng r, s;
    ts_rng_init(&r, SEED, 5, 100, 3);
    for (int i = 0; i <= N; i++) {
        x[i] = ts_rng_uniform(&r);
    }
    check_near("lag-1 autocorrelation", correlation(x, x + 1, N), 0.0, Z_TOL / sqrt(N));
    ts_rng_init(&s, SEED, 5, 101, 3);
    for (int i = 0; i < N; i++) {
        y[i] = ts_rng_uniform(&s);
    }
    check_near("successive days", correlation(x, y, N), 0.0, Z_TOL / sqrt(N));
}

/* ---- Run seeds -------------------------------------------------------------------- */

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* 4 seeds (two differing only in the high half) x 50 grid points x 50 replicates:
 * 10^4 distinct seeds, with balanced bits, recomputable one at a time. */
static void test_run_seed_distinct(void **state) {
    (void)state;
    static const uint64_t seeds[4] = {1, 1 | (1ULL << 32), 2, SEED};
    enum { GP = 50, REP = 50, N = 4 * GP * REP };
    static uint64_t all[N];
    size_t k = 0;
    double bits = 0.0;
    for (int s = 0; s < 4; s++) {
        for (uint32_t g = 0; g < GP; g++) {
            for (uint32_t rep = 0; rep < REP; rep++) {
                uint64_t v = ts_rng_run_seed(seeds[s], g, rep);
                all[k++] = v;
                for (int b = 0; b < 64; b++) {
                    bits += (double)((v >> b) & 1u);
                }
            }
        }
    }
    assert_int_equal(k, N);
    /* Any run can be recomputed alone. */
    assert_true(ts_rng_run_seed(SEED, 17, 42) == all[3 * GP * REP + 17 * REP + 42]);
    assert_true(ts_rng_run_seed(1, 0, 0) != 1);

    qsort(all, N, sizeof all[0], cmp_u64);
    for (size_t i = 1; i < N; i++) {
        if (all[i] == all[i - 1]) {
            fail_msg("run seed %016llx occurs twice", (unsigned long long)all[i]);
        }
    }
    /* Each of the 64 bits is set half the time: mean popcount 32, SE sqrt(16 / N). */
    check_near("mean popcount", bits / N, 32.0, Z_TOL * 4.0 / sqrt(N));
}

/* ts_rng_count: floor(rate) plus one with probability of the fraction, always one draw. */
static void test_count(void **state) {
    (void)state;
    ts_rng a, b;
    ts_rng_init(&a, 7, 1, 2, 3);
    ts_rng_init(&b, 7, 1, 2, 3);
    /* Whole rates: exactly the rate, and the stream moves on by one uniform. */
    assert_int_equal(ts_rng_count(&a, 3.0), 3);
    assert_int_equal(ts_rng_count(&a, 0.0), 0);
    (void)ts_rng_uniform(&b);
    (void)ts_rng_uniform(&b);
    assert_int_equal(ts_rng_u32(&a), ts_rng_u32(&b));
    /* A fractional rate: 2 or 3 as the uniform falls below 0.25, mean 2.25. */
    uint64_t sum = 0;
    enum { N = 100000 };
    for (int i = 0; i < N; i++) {
        double u = ts_rng_uniform(&b);
        uint32_t k = ts_rng_count(&a, 2.25);
        assert_int_equal(k, u < 0.25 ? 3u : 2u);
        sum += k;
    }
    assert_true(fabs((double)sum / N - 2.25) < 0.01); /* sd of the mean 0.0014 */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kat_zeros),
        cmocka_unit_test(test_kat_ones),
        cmocka_unit_test(test_kat_pi),
        cmocka_unit_test(test_init_layout),
        cmocka_unit_test(test_gsl_type),
        cmocka_unit_test(test_gsl_alloc_default_seed),
        cmocka_unit_test(test_gsl_set),
        cmocka_unit_test(test_draw_paths_agree),
        cmocka_unit_test(test_uniform_range),
        cmocka_unit_test(test_streams_repeat),
        cmocka_unit_test(test_streams_each_coordinate_matters),
        cmocka_unit_test(test_streams_interleaving),
        cmocka_unit_test(test_uniform_moments),
        cmocka_unit_test(test_beta_moments),
        cmocka_unit_test(test_lognormal_mean),
        cmocka_unit_test(test_below_chisq),
        cmocka_unit_test(test_below_no_bias),
        cmocka_unit_test(test_below_exact),
        cmocka_unit_test(test_agent_streams_uncorrelated),
        cmocka_unit_test(test_serial_uncorrelated),
        cmocka_unit_test(test_run_seed_distinct),
        cmocka_unit_test(test_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
