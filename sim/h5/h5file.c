/* The file beneath a results file: HDF5's locks seen from outside, claiming a name,
 * the ".partial" name of a replacement, and room on the disk claimed before a write (see
 * h5file_internal.h). Linux-first: fallocate with FALLOC_FL_KEEP_SIZE; elsewhere the
 * reservation quietly does nothing. */
#define _GNU_SOURCE
#include "h5file_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

ts_h5_holders ts_h5_lock_holders(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        return TS_H5_FREE;
    }
    ts_h5_holders who = TS_H5_FREE;
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
        flock(fd, LOCK_UN);
    } else if (errno == EWOULDBLOCK) {
        if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
            who = TS_H5_READERS;
            flock(fd, LOCK_UN);
        } else {
            who = TS_H5_WRITER;
        }
    }
    close(fd);
    return who;
}

char *ts_h5_partial_name(const char *path) {
    size_t n = strlen(path) + sizeof ".partial";
    char *s = malloc(n);
    if (s) {
        snprintf(s, n, "%s.partial", path);
    }
    return s;
}

static void ts_h5_size_text(char *buf, size_t n, uint64_t bytes) {
    if (bytes >= 1024u * 1024u * 1024u) {
        snprintf(buf, n, "%.1f GB", (double)bytes / (1024.0 * 1024.0 * 1024.0));
    } else if (bytes >= 1024u * 1024u) {
        snprintf(buf, n, "%.1f MB", (double)bytes / (1024.0 * 1024.0));
    } else {
        snprintf(buf, n, "%.0f kB", (double)bytes / 1024.0);
    }
}

/* The reservation on an open descriptor (see ts_h5_reserve). */
static ts_status ts_h5_reserve_fd(int fd, uint64_t bytes, const char *shown, const char *what,
                                  ts_error *err) {
    /* For tests of what happens when HDF5 itself meets a full disk. */
    const char *off = getenv("TRUSTSIM_TEST_NO_RESERVE");
    if (off && off[0] == '1') {
        return TS_OK;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        return TS_OK;
    }
    char size[32];
    ts_h5_size_text(size, sizeof size, bytes);
    /* With KEEP_SIZE the kernel does not apply the file-size limit: check it here. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        (uint64_t)sb.st_size + bytes > (uint64_t)rl.rlim_cur) {
        return ts_error_set(err, TS_ERR_IO,
                            "%s: no room to write %s (about %s): %s (the file-size limit of "
                            "this process, ulimit -f)",
                            shown, what, size, strerror(EFBIG));
    }
#ifdef FALLOC_FL_KEEP_SIZE
    if (fallocate(fd, FALLOC_FL_KEEP_SIZE, sb.st_size, (off_t)bytes) != 0) {
        int e = errno;
        if (e == EOPNOTSUPP || e == ENOSYS || e == EINVAL) {
            return TS_OK; /* the file system cannot preallocate */
        }
        return ts_error_set(err, TS_ERR_IO, "%s: no room to write %s (about %s): %s", shown, what,
                            size, strerror(e));
    }
#endif
    return TS_OK;
}

ts_status ts_h5_reserve(hid_t file, uint64_t bytes, const char *shown, const char *what,
                        ts_error *err) {
    void *handle = NULL;
    if (H5Fget_vfd_handle(file, H5P_DEFAULT, &handle) < 0 || handle == NULL) {
        H5Eclear2(H5E_DEFAULT);
        return TS_OK; /* not a plain POSIX file: nothing to claim */
    }
    return ts_h5_reserve_fd(*(int *)handle, bytes, shown, what, err);
}

ts_status ts_h5_claim_name(const char *path, uint64_t bytes, ts_error *err) {
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        int e = errno;
        if (e == EEXIST) {
            return ts_error_set(err, TS_ERR_EXISTS,
                                "%s exists: use --force to replace it or --resume to finish it",
                                path);
        }
        return ts_error_set(err, TS_ERR_IO, "%s: cannot create the file: %s", path, strerror(e));
    }
    /* Is there room for the start of the file? Asked here, before HDF5 has the file, so
     * that a full disk is met by nothing that must then be closed. */
    ts_status st = ts_h5_reserve_fd(fd, bytes, path, "the file's header", err);
    close(fd);
    if (st != TS_OK) {
        unlink(path);
    }
    return st;
}

void ts_h5_release(const char *path) {
    int fd = open(path, O_WRONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        return;
    }
    struct stat sb;
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
#ifdef FALLOC_FL_PUNCH_HOLE
        /* tmpfs keeps blocks beyond the end through a truncation to the same size;
         * punching them out frees them there. Other file systems free them on truncate. */
        (void)fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, sb.st_size, (off_t)1 << 40);
#endif
        (void)ftruncate(fd, sb.st_size);
    }
    close(fd);
}
