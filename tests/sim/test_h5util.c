/* Tests of sim/h5/h5util.c, the helpers the writer, `trustsim info` and `compare` share:
 * numbers and run names parsed, attributes and grids read back from a file made here,
 * groups listed in the order asked for, and text tables aligned. (That the writer's files
 * use ts_h5_file_create is tests/sim/test_h5out.c's test_chunk_index_rank.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <hdf5.h>

#include "h5util_internal.h"
#include "test_support.h"

/* A file in the tests' scratch directory, made by ts_h5_file_create. */
static hid_t scratch(const char *name, char *path, size_t size) {
    snprintf(path, size, "%s/h5util_%s.h5", TS_TEST_TMPDIR, name);
    hid_t file = ts_h5_file_create(path);
    assert_true(file >= 0);
    return file;
}

/* A fixed-length string attribute (the writer's are variable: tst_h5_string_attr). */
static void put_fixed_string_attr(hid_t loc, const char *name, const char *value) {
    hid_t type = H5Tcopy(H5T_C_S1);
    assert_true(type >= 0);
    assert_true(H5Tset_size(type, strlen(value)) >= 0);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(attr >= 0);
    assert_true(H5Awrite(attr, type, value) >= 0);
    H5Aclose(attr);
    H5Sclose(space);
    H5Tclose(type);
}

/* A results file is made with chunk B-trees of rank TS_H5_ISTORE_K and opened so that an
 * object's metadata leaves the cache when it is closed, when made and when opened again to
 * write more (--resume). */
static void test_file_create_and_access(void **state) {
    (void)state;
    char path[512];
    hid_t file = scratch("create", path, sizeof path);
    hid_t fcpl = H5Fget_create_plist(file);
    unsigned k = 0;
    assert_true(H5Pget_istore_k(fcpl, &k) >= 0);
    assert_int_equal(k, TS_H5_ISTORE_K);
    H5Pclose(fcpl);
    /* While it is open, HDF5 lets this process open it again only with the same setting. */
    hid_t fapl = ts_h5_file_access();
    assert_true(fapl >= 0);
    hid_t again = H5Fopen(path, H5F_ACC_RDONLY, fapl);
    assert_true(again >= 0);
    H5Fclose(again);
    H5Pclose(fapl);
    ts_h5quiet q;
    ts_h5_quiet_begin(&q);
    again = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    ts_h5_quiet_end(&q);
    assert_true(again < 0);
    H5Fclose(file);
    /* Opened again to write more (--resume): the same setting. */
    file = ts_h5_file_open_rw(path);
    assert_true(file >= 0);
    ts_h5_quiet_begin(&q);
    again = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    ts_h5_quiet_end(&q);
    assert_true(again < 0);
    H5Fclose(file);
    fapl = ts_h5_file_access();
    assert_true(fapl >= 0);
    hbool_t evict = 0;
    assert_true(H5Pget_evict_on_close(fapl, &evict) >= 0);
    assert_true(evict);
    H5Pclose(fapl);
    remove(path);
}

/* The whole text must be one finite number. */
static void test_parse_number(void **state) {
    (void)state;
    double v = -1.0;
    assert_int_equal(ts_h5_parse_number("1.5", &v), 1);
    assert_float_equal(v, 1.5, 0.0);
    assert_int_equal(ts_h5_parse_number("-2e3", &v), 1);
    assert_float_equal(v, -2000.0, 0.0);
    const char *not_numbers[] = {"", "abc", "1.5x", "inf", "nan", "1e999", "-"};
    for (size_t i = 0; i < sizeof not_numbers / sizeof not_numbers[0]; i++) {
        v = 7.0;
        assert_int_equal(ts_h5_parse_number(not_numbers[i], &v), 0);
        assert_float_equal(v, 7.0, 0.0); /* left alone */
    }
    assert_int_equal(ts_h5_parse_number(NULL, &v), 0);
}

/* "r" and six to fifteen digits name a run. */
static void test_run_index(void **state) {
    (void)state;
    uint64_t k = 99;
    assert_int_equal(ts_h5_run_index("r000000", &k), 1);
    assert_int_equal(k, 0);
    assert_int_equal(ts_h5_run_index("r000123", &k), 1);
    assert_int_equal(k, 123);
    assert_int_equal(ts_h5_run_index("r123456789012345", &k), 1);
    assert_int_equal(k, UINT64_C(123456789012345));
    const char *not_runs[] = {"r12345", "x000001", "r00000a", "r1234567890123456", "run0001", ""};
    for (size_t i = 0; i < sizeof not_runs / sizeof not_runs[0]; i++) {
        k = 99;
        assert_int_equal(ts_h5_run_index(not_runs[i], &k), 0);
        assert_int_equal(k, 99);
    }
}

/* String attributes come back whether HDF5 stored them variable or fixed; anything else,
 * or nothing, is NULL. A run is complete only as a group whose status says so. */
static void test_attributes_and_status(void **state) {
    (void)state;
    char path[512];
    hid_t file = scratch("attrs", path, sizeof path);
    hid_t runs = H5Gcreate2(file, "runs", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(runs >= 0);
    const char *names[] = {"r000000", "r000001", "r000002"};
    const char *status[] = {"complete", "running", NULL};
    for (int i = 0; i < 3; i++) {
        hid_t g = H5Gcreate2(runs, names[i], H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        assert_true(g >= 0);
        if (status[i] && i == 0) {
            tst_h5_string_attr(g, "status", status[i]);
        } else if (status[i]) {
            put_fixed_string_attr(g, "status", status[i]);
        }
        H5Gclose(g);
    }
    /* A dataset named like a run, with a complete status, is not a run. */
    hsize_t one = 1;
    hid_t space = H5Screate_simple(1, &one, NULL);
    hid_t d = H5Dcreate2(runs, "r000003", H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT,
                         H5P_DEFAULT);
    assert_true(d >= 0);
    tst_h5_string_attr(d, "status", "complete");
    put_fixed_string_attr(d, "fixed", "twelve chars");
    int number = 7;
    hid_t s1 = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(d, "number", H5T_NATIVE_INT, s1, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(H5Awrite(a, H5T_NATIVE_INT, &number) >= 0);
    H5Aclose(a);
    H5Sclose(s1);

    char *v = ts_h5_read_string_attr(d, "status");
    assert_non_null(v);
    assert_string_equal(v, "complete");
    free(v);
    v = ts_h5_read_string_attr(d, "fixed");
    assert_non_null(v);
    assert_string_equal(v, "twelve chars");
    free(v);
    assert_null(ts_h5_read_string_attr(d, "number"));
    assert_null(ts_h5_read_string_attr(d, "absent"));
    /* What is there to read, told apart from what is not (a NULL for want of memory). */
    assert_int_equal(ts_h5_has_string_attr(d, "status"), 1);
    assert_int_equal(ts_h5_has_string_attr(d, "fixed"), 1);
    assert_int_equal(ts_h5_has_string_attr(d, "number"), 0);
    assert_int_equal(ts_h5_has_string_attr(d, "absent"), 0);
    int got = 0;
    assert_int_equal(ts_h5_read_attr(d, "number", H5T_NATIVE_INT, &got), 1);
    assert_int_equal(got, 7);
    assert_int_equal(ts_h5_read_attr(d, "absent", H5T_NATIVE_INT, &got), 0);

    assert_int_equal(ts_h5_is_complete(runs, "r000000"), 1);
    assert_int_equal(ts_h5_is_complete(runs, "r000001"), 0);
    assert_int_equal(ts_h5_is_complete(runs, "r000002"), 0);
    assert_int_equal(ts_h5_is_complete(runs, "r000003"), 0);
    ts_h5quiet q;
    ts_h5_quiet_begin(&q);
    assert_int_equal(ts_h5_is_complete(runs, "r000009"), 0);
    ts_h5_quiet_end(&q);
    H5Dclose(d);
    H5Sclose(space);
    H5Gclose(runs);
    H5Fclose(file);
    remove(path);
}

static void make_grid_dataset(hid_t grid, const char *name, int strings) {
    hsize_t n = 3;
    hid_t space = H5Screate_simple(1, &n, NULL);
    hid_t type = strings ? ts_h5_string_type() : H5Tcopy(H5T_NATIVE_DOUBLE);
    hid_t d = H5Dcreate2(grid, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(d >= 0);
    if (strings) {
        const char *v[3] = {"none", "one_on_ones", "feedback"};
        assert_true(H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    } else {
        const double v[3] = {0.5, 2.0, 1.0 / 3.0};
        assert_true(H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    }
    H5Dclose(d);
    H5Tclose(type);
    H5Sclose(space);
}

/* Links listed by name or by creation order; grid keys in creation order when the group
 * tracked it, by name otherwise; grid values as text cells. */
static void test_lists_and_grids(void **state) {
    (void)state;
    char path[512];
    hid_t file = scratch("grid", path, sizeof path);
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    assert_true(H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) >=
                0);
    hid_t tracked = H5Gcreate2(file, "tracked", H5P_DEFAULT, gcpl, H5P_DEFAULT);
    hid_t plain = H5Gcreate2(file, "plain", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(tracked >= 0 && plain >= 0);
    H5Pclose(gcpl);
    const char *order[] = {"zeta", "alpha", "mid"};
    for (int i = 0; i < 3; i++) {
        make_grid_dataset(tracked, order[i], i == 1);
        make_grid_dataset(plain, order[i], i == 1);
    }
    ts_h5names l;
    assert_int_equal(ts_h5_list(tracked, H5_INDEX_NAME, &l), 0);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.names[0], "alpha");
    assert_string_equal(l.names[1], "mid");
    assert_string_equal(l.names[2], "zeta");
    ts_h5names_free(&l);
    assert_int_equal(l.n, 0);
    assert_int_equal(ts_h5_grid_keys(tracked, &l), 0);
    assert_int_equal(l.n, 3);
    for (int i = 0; i < 3; i++) {
        assert_string_equal(l.names[i], order[i]);
    }
    ts_h5names_free(&l);
    ts_h5quiet q;
    ts_h5_quiet_begin(&q);
    assert_int_equal(ts_h5_grid_keys(plain, &l), 0); /* no creation order: by name */
    ts_h5_quiet_end(&q);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.names[0], "alpha");
    assert_string_equal(l.names[2], "zeta");
    ts_h5names_free(&l);

    size_t n = 0;
    char **cells = ts_h5_grid_values(tracked, "alpha", &n);
    assert_non_null(cells);
    assert_int_equal(n, 3);
    assert_string_equal(cells[0], "none");
    assert_string_equal(cells[2], "feedback");
    ts_h5_free_cells(cells, n);
    cells = ts_h5_grid_values(tracked, "zeta", &n);
    assert_non_null(cells);
    assert_int_equal(n, 3);
    assert_string_equal(cells[0], "0.5");
    assert_string_equal(cells[1], "2");
    assert_string_equal(cells[2], "0.333333333333333");
    ts_h5_free_cells(cells, n);
    ts_h5_quiet_begin(&q);
    cells = ts_h5_grid_values(tracked, "absent", &n);
    ts_h5_quiet_end(&q);
    assert_null(cells);
    assert_int_equal(n, 0);
    H5Gclose(tracked);
    H5Gclose(plain);
    H5Fclose(file);
    remove(path);
}

/* Columns padded to their widest cell (code points, not bytes), numbers right-aligned
 * below a header, text left-aligned, no blanks at the ends of lines. */
static void test_text_table(void **state) {
    (void)state;
    ts_txt t = {.n_cols = 3};
    ts_txt_add(&t, "%s", "name");
    ts_txt_add(&t, "%s", "value");
    ts_txt_add(&t, "%s", "note");
    ts_txt_add(&t, "%s", "équipe-α");
    ts_txt_add(&t, "%.2f", 1.5);
    ts_txt_add(&t, "%s", "first");
    ts_txt_add(&t, "%s", "b");
    ts_txt_add(&t, "%d", 12345);
    ts_txt_add(&t, "%s", "x");
    assert_int_equal(t.failed, 0);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    ts_txt_print(&t, out, "  ");
    fclose(out);
    assert_string_equal(text, "  name      value  note\n"
                              "  équipe-α   1.50  first\n"
                              "  b         12345  x\n");
    free(text);
    ts_txt_free(&t);
    assert_int_equal(t.n, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_create_and_access),
        cmocka_unit_test(test_parse_number),
        cmocka_unit_test(test_run_index),
        cmocka_unit_test(test_attributes_and_status),
        cmocka_unit_test(test_lists_and_grids),
        cmocka_unit_test(test_text_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
