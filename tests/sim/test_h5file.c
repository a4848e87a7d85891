/* Tests of sim/h5/h5file.c, the file beneath a results file: who holds a lock, the name a
 * replacement is written under, claiming a new name (once only, with room checked, and
 * nothing left behind when there is none), and giving back room claimed past the end. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "h5file_internal.h"

static void scratch(char *path, size_t size, const char *name) {
    snprintf(path, size, "%s/h5file_%s", TS_TEST_TMPDIR, name);
    unlink(path);
}

/* An exclusive lock is a writer's, a shared one readers'; no lock or no file is free. */
static void test_lock_holders(void **state) {
    (void)state;
    char path[512];
    scratch(path, sizeof path, "locks");
    assert_int_equal(ts_h5_lock_holders(path), TS_H5_FREE); /* no file */
    int fd = open(path, O_RDWR | O_CREAT, 0644);
    assert_true(fd >= 0);
    assert_int_equal(ts_h5_lock_holders(path), TS_H5_FREE);
    assert_int_equal(flock(fd, LOCK_SH), 0);
    assert_int_equal(ts_h5_lock_holders(path), TS_H5_READERS);
    assert_int_equal(flock(fd, LOCK_EX), 0);
    assert_int_equal(ts_h5_lock_holders(path), TS_H5_WRITER);
    assert_int_equal(flock(fd, LOCK_UN), 0);
    assert_int_equal(ts_h5_lock_holders(path), TS_H5_FREE);
    close(fd);
    unlink(path);
}

static void test_partial_name(void **state) {
    (void)state;
    char *p = ts_h5_partial_name("results/default.h5");
    assert_non_null(p);
    assert_string_equal(p, "results/default.h5.partial");
    free(p);
}

/* A name is claimed once: the file is made empty; a second claim finds it there; a
 * directory that does not exist is a failure that names the system's reason. */
static void test_claim_name(void **state) {
    (void)state;
    char path[512];
    scratch(path, sizeof path, "claimed.h5");
    ts_error err;
    ts_error_clear(&err);
    assert_int_equal(ts_h5_claim_name(path, 4096, &err), TS_OK);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_size, 0);
    assert_int_equal(ts_h5_claim_name(path, 4096, &err), TS_ERR_EXISTS);
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, "--force"));
    unlink(path);
    char missing[600];
    snprintf(missing, sizeof missing, "%s/h5file_no_such_dir/x.h5", TS_TEST_TMPDIR);
    assert_int_equal(ts_h5_claim_name(missing, 4096, &err), TS_ERR_IO);
    assert_non_null(strstr(err.msg, "cannot create the file"));
    assert_non_null(strstr(err.msg, "No such file or directory"));
}

/* Over the process's file-size limit, a claim is refused before anything is written and
 * the name is left free; with the reservation switched off for tests it goes through. */
static void test_claim_over_the_size_limit(void **state) {
    (void)state;
    char path[512];
    scratch(path, sizeof path, "limited.h5");
    struct rlimit old;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    struct rlimit low = old;
    low.rlim_cur = 1u << 20;
    if (old.rlim_max != RLIM_INFINITY && old.rlim_max < low.rlim_cur) {
        low.rlim_cur = old.rlim_max;
    }
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &low), 0);
    ts_error err;
    ts_error_clear(&err);
    ts_status st = ts_h5_claim_name(path, (uint64_t)low.rlim_cur + 1, &err);
    assert_int_equal(setenv("TRUSTSIM_TEST_NO_RESERVE", "1", 1), 0);
    ts_status unreserved = ts_h5_claim_name(path, (uint64_t)low.rlim_cur + 1, NULL);
    unsetenv("TRUSTSIM_TEST_NO_RESERVE");
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    assert_int_equal(st, TS_ERR_IO);
    assert_non_null(strstr(err.msg, "ulimit -f"));
    assert_non_null(strstr(err.msg, "the file's header"));
    assert_int_equal(unreserved, TS_OK); /* the name was free again */
    unlink(path);
}

/* Room claimed past the end of a file keeps its size; releasing it gives the blocks back
 * (where the file system preallocates at all) and keeps the size too. */
static void test_release(void **state) {
    (void)state;
    char path[512];
    scratch(path, sizeof path, "release.h5");
    ts_error err;
    ts_error_clear(&err);
    assert_int_equal(ts_h5_claim_name(path, 8u << 20, &err), TS_OK);
    struct stat claimed, released;
    assert_int_equal(stat(path, &claimed), 0);
    assert_int_equal(claimed.st_size, 0);
    ts_h5_release(path);
    assert_int_equal(stat(path, &released), 0);
    assert_int_equal(released.st_size, 0);
    assert_true(released.st_blocks <= claimed.st_blocks);
    if (claimed.st_blocks > 0) { /* it preallocated: 8 MB were held, and are no more */
        assert_true(claimed.st_blocks * 512 >= (8 << 20));
        assert_int_equal(released.st_blocks, 0);
    }
    unlink(path);
    ts_h5_release(path); /* a missing file: nothing to do */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lock_holders), cmocka_unit_test(test_partial_name),
        cmocka_unit_test(test_claim_name),   cmocka_unit_test(test_claim_over_the_size_limit),
        cmocka_unit_test(test_release),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
