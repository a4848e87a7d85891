/* Copying what is whole out of a damaged results file (see h5file_internal.h): the root
 * attributes, /sweep and every complete run go to a new file; incomplete runs, which a
 * write that failed half-way may have left unreadable or undeletable, stay behind. */
#include "h5file_internal.h"
#include "h5util_internal.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Copies one attribute of the root group, whatever its type: variable-length strings
 * through pointers HDF5 allocates (and reclaims), anything else as raw bytes. */
static herr_t salvage_attr(hid_t loc, const char *name, const H5A_info_t *info, void *data) {
    (void)info;
    hid_t dst = *(hid_t *)data;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    hid_t type = a >= 0 ? H5Aget_type(a) : H5I_INVALID_HID;
    hid_t space = a >= 0 ? H5Aget_space(a) : H5I_INVALID_HID;
    hid_t out = H5I_INVALID_HID;
    hssize_t n = space >= 0 ? H5Sget_simple_extent_npoints(space) : -1;
    size_t size = type >= 0 ? H5Tget_size(type) : 0;
    void *buf = n >= 0 && size > 0 ? calloc((size_t)(n > 0 ? n : 1), size) : NULL;
    herr_t rc = -1;
    if (buf && H5Aread(a, type, buf) >= 0) {
        out = H5Acreate2(dst, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
        rc = out >= 0 && H5Awrite(out, type, buf) >= 0 ? 0 : -1;
        if (H5Tis_variable_str(type) > 0 || H5Tdetect_class(type, H5T_VLEN) > 0) {
            ts_h5_reclaim(type, space, buf);
        }
    }
    free(buf);
    ts_h5_close_id(&out);
    ts_h5_close_id(&space);
    ts_h5_close_id(&type);
    ts_h5_close_id(&a);
    return rc;
}

ts_status ts_h5_salvage(hid_t src, const char *shown, const char *dst_path, size_t *n_copied,
                        ts_error *err) {
    ts_status st = TS_OK;
    hid_t dst = H5I_INVALID_HID, root = H5I_INVALID_HID, runs = H5I_INVALID_HID;
    hid_t out_runs = H5I_INVALID_HID;
    ts_h5names names = {NULL, 0};
    *n_copied = 0;
    if (unlink(dst_path) != 0) {
        H5Eclear2(H5E_DEFAULT); /* nothing there: the usual case */
    }
    st = ts_h5_claim_name(dst_path, 64u * 1024u, err);
    if (st != TS_OK) {
        return st;
    }
    dst = ts_h5_file_create(dst_path);
    if (dst < 0) {
        st = ts_h5_fail(err, dst_path, "create", "the file");
        goto cleanup;
    }
    root = H5Gopen2(dst, "/", H5P_DEFAULT);
    if (root < 0 ||
        H5Aiterate2(src, H5_INDEX_CRT_ORDER, H5_ITER_INC, NULL, salvage_attr, &root) < 0) {
        H5Eclear2(H5E_DEFAULT);
        if (root < 0 ||
            H5Aiterate2(src, H5_INDEX_NAME, H5_ITER_INC, NULL, salvage_attr, &root) < 0) {
            st = ts_h5_fail(err, shown, "copy", "the root attributes");
            goto cleanup;
        }
    }
    if (H5Lexists(src, "sweep", H5P_DEFAULT) > 0 &&
        H5Ocopy(src, "sweep", dst, "sweep", H5P_DEFAULT, H5P_DEFAULT) < 0) {
        st = ts_h5_fail(err, shown, "copy", "/sweep");
        goto cleanup;
    }
    runs = H5Gopen2(src, "runs", H5P_DEFAULT);
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    out_runs = gcpl >= 0 ? H5Gcreate2(dst, "runs", H5P_DEFAULT, gcpl, H5P_DEFAULT) : gcpl;
    ts_h5_close_id(&gcpl);
    int rc = runs >= 0 && out_runs >= 0 ? ts_h5_list(runs, H5_INDEX_NAME, &names) : -1;
    if (rc != 0) {
        st = rc == -2 ? ts_error_set(err, TS_ERR_NOMEM, "%s: out of memory", shown)
                      : ts_h5_fail(err, shown, "list", "/runs");
        goto cleanup;
    }
    for (size_t i = 0; i < names.n && st == TS_OK; i++) {
        uint64_t index;
        if (!ts_h5_run_index(names.names[i], &index) || !ts_h5_is_complete(runs, names.names[i])) {
            continue;
        }
        if (H5Ocopy(runs, names.names[i], out_runs, names.names[i], H5P_DEFAULT, H5P_DEFAULT) < 0) {
            char obj[64];
            snprintf(obj, sizeof obj, "/runs/%s", names.names[i]);
            st = ts_h5_fail(err, shown, "copy", obj);
        } else {
            (*n_copied)++;
        }
    }
    if (st == TS_OK && H5Fflush(dst, H5F_SCOPE_GLOBAL) < 0) {
        st = ts_h5_fail(err, dst_path, "flush", "the file");
    }
cleanup:
    ts_h5names_free(&names);
    ts_h5_close_id(&out_runs);
    ts_h5_close_id(&runs);
    ts_h5_close_id(&root);
    ts_h5_close_id(&dst);
    if (st != TS_OK) {
        unlink(dst_path);
    }
    return st;
}
