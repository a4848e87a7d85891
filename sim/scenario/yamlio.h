/* YAML helpers of the scenario loader: a small node tree built with libyaml's event
 * parser (nesting depth bounded while parsing; anchors, aliases and tags refused) and
 * the scalar syntax the scenario format reads and prints (decimal numbers, quoting).
 * Trees and strings are owned by the caller; there is no global state, so every
 * function may be called from any thread on its own data. */
#ifndef TS_YAMLIO_H
#define TS_YAMLIO_H

#include "status.h"

#include <stddef.h>
#include <stdio.h>

/* Deepest nesting of mappings and lists accepted; checked while parsing. */
#define TS_YAML_MAX_DEPTH 32
/* Largest input accepted, in bytes (4 MiB). */
#define TS_YAML_MAX_BYTES ((size_t)4 << 20)

typedef enum ts_ykind { TS_Y_SCALAR, TS_Y_MAP, TS_Y_SEQ } ts_ykind;

/* One node. A mapping keeps its keys and values alternately in `kids` (key 0, value
 * 0, key 1, ...), in the order written; a list keeps its items. */
typedef struct ts_ynode {
    ts_ykind kind;
    int line, col; /* 1-based position of the node's first character */
    int plain;     /* scalar written without quotes (so it may be a number) */
    char *text;    /* scalar text, NUL-terminated (owned); may hold NULs: see len */
    size_t len;
    struct ts_ynode **kids; /* owned */
    size_t n, n_alloc;
} ts_ynode;

/* Where and what a parse error is: msg is "syntax error: ...", "invalid text: ...";
 * path is the key path of the mapping or list being read when it failed ("trust",
 * "events[2]"), empty at the top level. */
typedef struct ts_yerror {
    int line, col;
    char msg[512];
    char path[256];
} ts_yerror;

/* Parses one YAML document from buf[0..len). *root is NULL when the text holds no
 * document (empty, or only comments). Returns TS_OK, TS_ERR_SCENARIO with yerr
 * filled, or TS_ERR_NOMEM. */
ts_status ts_yaml_parse(const char *buf, size_t len, ts_ynode **root, ts_yerror *yerr);

/* Reads the YAML file at path whole into *text (NUL-terminated, *len bytes; the caller frees
 * it). Errors are bad input, TS_ERR_SCENARIO, named after `what` ("the targets file"):
 * "PATH: cannot read the targets file: REASON" for a missing, unreadable or non-regular
 * file, "PATH: too large (got N bytes, expected at most TS_YAML_MAX_BYTES)", and a file that
 * changed while read or holds NUL bytes; TS_ERR_NOMEM. */
ts_status ts_yaml_read_file(const char *path, const char *what, char **text, size_t *len,
                            ts_error *err);
void ts_yaml_free(ts_ynode *node);

/* A plain empty scalar, "~" or "null": a value left out. NULL counts as null. */
int ts_yaml_is_null(const ts_ynode *node);

/* The number syntax of plain scalars. */
typedef enum ts_ynum {
    TS_YNUM_NONE,     /* not a number */
    TS_YNUM_INT,      /* [+-]?[0-9]+ */
    TS_YNUM_DECIMAL,  /* with a fraction and/or an exponent */
    TS_YNUM_NONFINITE /* nan, .nan, inf, .inf, infinity (any case, signed) */
} ts_ynum;
ts_ynum ts_yaml_number_syntax(const char *s);

/* Shortest of "%.15g" and "%.17g" that reads back as exactly x. cap >= 32. */
void ts_yaml_format_real(double x, char *buf, size_t cap);

/* Whether a string must be quoted to read back as the same string. */
int ts_yaml_needs_quotes(const char *s);
/* Writes s plain when it can, else double-quoted with escapes. */
void ts_yaml_write_string(FILE *f, const char *s);
/* The same into a new string (caller frees); NULL when out of memory. */
char *ts_yaml_string_text(const char *s);

/* A short description of a node for messages: numbers as written, other scalars in
 * double quotes (escaped, cut after 48 characters), "nothing", "a mapping", "a list". */
void ts_yaml_describe(const ts_ynode *node, char *buf, size_t cap);

#endif
