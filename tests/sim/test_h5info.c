/* Tests of sim/app/h5info.c (`trustsim info`): what it prints of a results file is what
 * the file holds, read back here with HDF5 (runs and their seeds, the sweep grid, every
 * dataset of the first complete run with its units), an incomplete run is told apart, and
 * what is not a results file is refused with its name, and running out of memory anywhere
 * is reported, never a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include <hdf5.h>

#include "alloc_fail.h"
#include "h5out.h"
#include "h5util_internal.h"
#include "test_support.h"

static char g_file[512];

/* A small sweep written by the binary: 2 grid points x 2 replicates of 20 people. */
static int make_file(void **state) {
    (void)state;
    snprintf(g_file, sizeof g_file, "%s/h5info_sweep.h5", TS_TEST_TMPDIR);
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "'%s' run '%s/scenarios/default.yaml' -o '%s' --force --quiet --threads 1 "
             "--set days=5 --set org.warmup_days=2 --set 'events=[]' --set org.headcount=20 "
             "--replicates 2 --set 'sweep={tactics.feedback.probability: [0.1, 0.5]}' >/dev/null",
             TS_BINARY, TS_SOURCE_DIR, g_file);
    return system(cmd) == 0 ? 0 : -1;
}

static char *info_of(const char *path, ts_status *st, ts_error *err) {
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    ts_error_clear(err);
    *st = ts_h5_info(path, out, err);
    fclose(out);
    return text;
}

/* The line of `text` that starts (after blanks) with `head` followed by a blank. */
static const char *line_starting(const char *text, const char *head) {
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        const char *q = p;
        while (*q == ' ') {
            q++;
        }
        if (strncmp(q, head, strlen(head)) == 0 && q[strlen(head)] == ' ') {
            return q;
        }
    }
    return NULL;
}

typedef struct seen {
    const char *text;
    size_t n;
} seen;

/* Every dataset of the run is on a line of its own with its units (the table is the
 * output's last part, so the search starts at its heading). */
static herr_t check_dataset(hid_t g, const char *name, const H5L_info_t *info, void *data) {
    (void)info;
    seen *s = data;
    hid_t obj = H5Oopen(g, name, H5P_DEFAULT);
    int is_dataset = obj >= 0 && H5Iget_type(obj) == H5I_DATASET;
    if (obj >= 0) {
        H5Oclose(obj);
    }
    if (!is_dataset) {
        return 0;
    }
    const char *row = line_starting(s->text, name);
    if (!row) {
        fail_msg("dataset %s is not listed", name);
    }
    hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
    char *units = ts_h5_read_string_attr(d, "units");
    H5Dclose(d);
    const char *end = strchr(row, '\n');
    if (units && units[0]) {
        const char *u = strstr(row, units);
        if (!u || (end && u > end)) {
            fail_msg("dataset %s: units '%s' not on its line", name, units);
        }
    }
    free(units);
    s->n++;
    return 0;
}

static void test_info_matches_the_file(void **state) {
    (void)state;
    ts_status st;
    ts_error err;
    char *text = info_of(g_file, &st, &err);
    assert_int_equal(st, TS_OK);
    assert_non_null(strstr(text, "sweep grid: 1 keys, 2 points"));
    assert_non_null(strstr(text, "runs: 4 complete\n"));
    hid_t file = H5Fopen(g_file, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    hid_t runs = H5Gopen2(file, "runs", H5P_DEFAULT);
    ts_h5names names;
    assert_int_equal(ts_h5_list(runs, H5_INDEX_NAME, &names), 0);
    assert_int_equal(names.n, 4);
    for (size_t i = 0; i < names.n; i++) {
        /* run i's row: its index first, then its grid point, replicate and seed */
        hid_t g = H5Gopen2(runs, names.names[i], H5P_DEFAULT);
        uint64_t seed = 0;
        int point = -1, rep = -1;
        assert_int_equal(ts_h5_read_attr(g, "seed", H5T_NATIVE_UINT64, &seed), 1);
        assert_int_equal(ts_h5_read_attr(g, "grid_point", H5T_NATIVE_INT, &point), 1);
        assert_int_equal(ts_h5_read_attr(g, "replicate", H5T_NATIVE_INT, &rep), 1);
        H5Gclose(g);
        char head[32];
        snprintf(head, sizeof head, "%zu", i);
        const char *row = line_starting(strstr(text, "runs: "), head);
        assert_non_null(row);
        uint64_t shown_index = 99, shown_seed = 0;
        int shown_point = -1, shown_rep = -1;
        assert_int_equal(sscanf(row, "%" SCNu64 " %d %d %" SCNu64, &shown_index, &shown_point,
                                &shown_rep, &shown_seed),
                         4);
        assert_int_equal(shown_index, i);
        assert_int_equal(shown_point, point);
        assert_int_equal(shown_rep, rep);
        assert_true(shown_seed == seed);
    }
    ts_h5names_free(&names);
    /* The dataset table, for the first complete run. */
    const char *table = strstr(text, "datasets of /runs/r000000");
    assert_non_null(table);
    seen s = {table, 0};
    hid_t r0 = H5Gopen2(runs, "r000000", H5P_DEFAULT);
    assert_true(H5Lvisit(r0, H5_INDEX_NAME, H5_ITER_INC, check_dataset, &s) >= 0);
    assert_true(s.n > 50);
    H5Gclose(r0);
    H5Gclose(runs);
    H5Fclose(file);
    free(text);
}

/* A run whose status is not "complete" is counted and shown as incomplete. */
static void test_info_incomplete_run(void **state) {
    (void)state;
    char copy[600], cmd[1400];
    snprintf(copy, sizeof copy, "%s/h5info_incomplete.h5", TS_TEST_TMPDIR);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", g_file, copy);
    assert_int_equal(system(cmd), 0);
    hid_t file = H5Fopen(copy, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(file >= 0);
    hid_t g = H5Gopen2(file, "runs/r000002", H5P_DEFAULT);
    tst_h5_string_attr(g, "status", "running");
    H5Gclose(g);
    H5Fclose(file);
    ts_status st;
    ts_error err;
    char *text = info_of(copy, &st, &err);
    assert_int_equal(st, TS_OK);
    assert_non_null(strstr(text, "runs: 3 complete, 1 incomplete\n"));
    const char *row = line_starting(strstr(text, "runs: "), "2");
    assert_non_null(row);
    const char *end = strchr(row, '\n');
    const char *at = strstr(row, "incomplete");
    assert_true(at && at < end);
    free(text);
    remove(copy);
}

/* A missing file, a file that is not HDF5 and an HDF5 file without /runs: refused, named. */
static void test_info_refusals(void **state) {
    (void)state;
    char path[600];
    ts_status st;
    ts_error err;
    snprintf(path, sizeof path, "%s/h5info_missing.h5", TS_TEST_TMPDIR);
    remove(path);
    free(info_of(path, &st, &err));
    assert_int_equal(st, TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, "No such file"));

    snprintf(path, sizeof path, "%s/h5info_text.h5", TS_TEST_TMPDIR);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("not a results file\n", f);
    fclose(f);
    free(info_of(path, &st, &err));
    assert_int_equal(st, TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "not HDF5"));
    remove(path);

    snprintf(path, sizeof path, "%s/h5info_empty.h5", TS_TEST_TMPDIR);
    hid_t file = ts_h5_file_create(path);
    assert_true(file >= 0);
    H5Fclose(file);
    free(info_of(path, &st, &err));
    assert_int_equal(st, TS_ERR_PARAM);
    assert_non_null(strstr(err.msg, "no /runs"));
    remove(path);
}

typedef struct oom_count {
    const char *path;
    int scorecard; /* a validation file: its scorecard is printed */
    size_t cut;    /* turns whose scorecard left its table out */
} oom_count;

static int info_failing(void *ctx) {
    oom_count *c = ctx;
    ts_status st;
    ts_error err;
    char *text = info_of(c->path, &st, &err);
    tst_alloc_stop();
    int nomem = tst_alloc_nomem(st, &err);
    if (!nomem && c->scorecard) {
        /* The table of checks, or a line saying it is left out; the verdicts either way. */
        int cut = strstr(text, "(out of memory: the table of checks is left out)") != NULL;
        assert_true(cut || strstr(text, "mean [95% CI]"));
        assert_non_null(strstr(text, "T2  FAIL"));
        c->cut += (size_t)cut;
    }
    free(text);
    return nomem;
}

/* Every allocation `info` makes of a sweep's file, then of a validation file (its
 * scorecard), fails once, in turn: each time it returns TS_OK (a column it could not read
 * printed as missing) or TS_ERR_NOMEM with its message, and never crashes or leaks (the
 * sanitizer tree). The grid's column of counts failing after its column of values crashed
 * the cleanup; the scorecard's list of patterns failing was reported as "not a validation
 * file?". */
static void test_info_out_of_memory(void **state) {
    (void)state;
    char validation[600], cmd[2048];
    snprintf(validation, sizeof validation, "%s/h5info_validation.h5", TS_TEST_TMPDIR);
    /* tests/fixtures/validation/tiny.yaml: T2 fails by design (exit 1), the file is whole. */
    snprintf(cmd, sizeof cmd,
             "'%s' validate '%s/tests/fixtures/validation/tiny.yaml' -o '%s' --force --quiet "
             ">/dev/null 2>&1",
             TS_BINARY, TS_SOURCE_DIR, validation);
    assert_int_equal(WEXITSTATUS(system(cmd)), 1);
    const char *paths[] = {g_file, validation};
    for (size_t i = 0; i < 2; i++) {
        oom_count c = {.path = paths[i], .scorecard = i == 1};
        tst_alloc_sweep s = tst_alloc_fail_each(paths[i], info_failing, &c);
        /* Each file's tables allocate their columns: some failures must have been met. */
        assert_true(s.failed >= 2 && s.reported >= 1);
        assert_true(i == 0 || c.cut >= 1); /* the scorecard's table did meet a failure */
    }
    remove(validation);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_info_matches_the_file),
        cmocka_unit_test(test_info_incomplete_run),
        cmocka_unit_test(test_info_refusals),
        cmocka_unit_test(test_info_out_of_memory),
    };
    return cmocka_run_group_tests(tests, make_file, NULL);
}
