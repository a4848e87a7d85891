/* Private helpers of the HDF5 results file, shared by the writer (sim/h5/h5out.c),
 * `trustsim info` (sim/app/h5info.c) and `trustsim compare` (sim/app/compare.c); not part of the
 * API. They are called with HDF5's
 * error printing silenced (ts_h5_quiet_begin) and, like HDF5, by one thread at a time. */
#ifndef TS_H5UTIL_INTERNAL_H
#define TS_H5UTIL_INTERNAL_H

#include "status.h"

#include <hdf5.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* HDF5 prints its error stack to stderr by default; these functions report through
 * ts_error instead and put the caller's setting back when they return. */
typedef struct ts_h5quiet {
    H5E_auto2_t func;
    void *data;
} ts_h5quiet;

void ts_h5_quiet_begin(ts_h5quiet *q);
void ts_h5_quiet_end(const ts_h5quiet *q);

/* "FILE: cannot ACTION OBJECT: REASON", TS_ERR_HDF5, where REASON is the system's
 * (strerror of the errno HDF5 quotes: "No space left on device"), "the file is open in
 * another program" for a lock, else HDF5's innermost description cut before its
 * internal details. HDF5's whole error stack goes to stderr only with --verbose
 * (ts_h5_set_verbose in h5out.h). Clears the stack. */
ts_status ts_h5_fail(ts_error *err, const char *file, const char *action, const char *object);

/* A file whose H5Fclose failed stays half-open inside HDF5, and HDF5's own exit handler
 * would then crash on it: mark it, and ts_h5_library_close skips that handler. */
void ts_h5_mark_unclosed(void);
int ts_h5_unclosed(void);

/* Closes any kind of HDF5 handle (never a predefined type) and marks it closed. */
void ts_h5_close_id(hid_t *id);

/* Frees what HDF5 allocated when it read variable-length data (strings) into buf. */
void ts_h5_reclaim(hid_t type, hid_t space, void *buf);

/* A new variable-length UTF-8 string type (close it), or a negative id. */
hid_t ts_h5_string_type(void);

/* Creates (truncates) a results file at path, as every writer here makes one: chunk B-trees
 * of rank TS_H5_ISTORE_K (HDF5's default of 32 makes each chunked dataset, most of which hold
 * one or two chunks, carry an index node sized for 64: with 4, a default run's file is 16 %
 * smaller and one of many small datasets half the size; files keep HDF5's earliest format
 * otherwise, readable by HDF5 1.6 and later). The file id, or a negative id. */
#define TS_H5_ISTORE_K 4
hid_t ts_h5_file_create(const char *path);

/* How a results file is opened for writing (ts_h5_file_create, ts_h5_file_open_rw): an object's
 * metadata leaves HDF5's cache when the object is closed (H5Pset_evict_on_close). A run
 * is written once and never read back, but a cache that kept every run's headers made
 * each run's flush walk all of them: 16 default runs on one thread 2.09 -> 1.92 s. A file
 * access property list (close it), or a negative id. */
hid_t ts_h5_file_access(void);

/* Opens an existing results file to write more runs into it (--resume), with that access
 * list. The file id, or a negative id. */
hid_t ts_h5_file_open_rw(const char *path);

/* Parses the whole of text as a finite number; returns 1 when it is one. */
int ts_h5_parse_number(const char *text, double *out);

/* A string attribute (variable-length or fixed) as a malloc'd string; NULL when it is
 * absent, not a scalar string, or cannot be read. */
char *ts_h5_read_string_attr(hid_t loc, const char *name);
/* Is there a scalar string attribute `name` at loc (what ts_h5_read_string_attr reads)? Tells
 * a NULL from it for want of memory apart from an attribute that is absent or not a string. */
int ts_h5_has_string_attr(hid_t loc, const char *name);

/* A run group's index from its name "r" + at least 6 digits; returns 1 when it is one. */
int ts_h5_run_index(const char *name, uint64_t *index);

/* Is runs/name a group whose status attribute is "complete"? */
int ts_h5_is_complete(hid_t runs, const char *name);

/* The names of the links in a group, by name order (run names sort by index). */
typedef struct ts_h5names {
    char **names;
    size_t n;
} ts_h5names;

void ts_h5names_free(ts_h5names *l);

/* Lists the links of group in the order of index into out (free it with
 * ts_h5names_free). Returns 0 when listed, -1 for an HDF5 failure, -2 when out of memory. */
int ts_h5_list(hid_t group, H5_index_t index, ts_h5names *out);

/* A scalar attribute read as mem_type; returns 1 when read. */
int ts_h5_read_attr(hid_t loc, const char *name, hid_t mem_type, void *value);

/* The keys of /sweep/grid in sweep order (creation order when it was tracked, else by
 * name); same returns as ts_h5_list. */
int ts_h5_grid_keys(hid_t grid, ts_h5names *keys);

/* One grid dataset's values as text cells (strings, or numbers as %.15g), *n of them;
 * NULL (and *n 0) when it cannot be read. A cell may be NULL when out of memory. Free
 * with ts_h5_free_cells. */
char **ts_h5_grid_values(hid_t grid, const char *key, size_t *n);
void ts_h5_free_cells(char **cells, size_t n);

/* A text table: cells are added row by row (n_cols per row) and printed with aligned
 * columns. Initialise with {.n_cols = N}; an allocation failure sets failed and later
 * adds do nothing. */
typedef struct ts_txt {
    size_t n_cols;
    char **cells;
    size_t n, n_alloc;
    int failed;
} ts_txt;

void ts_txt_add(ts_txt *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints with two spaces between columns (the first 64 are aligned), each row after
 * indent. A column whose cells below the header are all numbers (or "-") is
 * right-aligned. The last column is not padded, so lines carry no trailing blanks. */
void ts_txt_print(const ts_txt *t, FILE *out, const char *indent);
void ts_txt_free(ts_txt *t);

#endif
