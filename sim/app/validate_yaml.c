/* Reading the patterns file's YAML tree (validate_internal.h): typed values with messages
 * that name FILE:LINE:COL and the key path, a subtree written back as YAML for the
 * scenario loader, and the text of one mapping alone with its positions kept, so that the
 * scenario loader reports errors inside a pattern's scenario where they are in the file. */
#include "validate_internal.h"

#include <yaml.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Messages --------------------------------------------------------------------------- */

int ts_vfmt(char *buf, size_t cap, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}

static void vy_join(char *buf, size_t cap, const char *path, const char *key) {
    if (snprintf(buf, cap, "%s%s%s", path, path[0] && key[0] ? "." : "", key) >= (int)cap) {
        buf[cap - 1] = '\0';
    }
}

void ts_vyaml_at(const ts_vyctx *c, const ts_ynode *at, const char *path, char *buf, size_t cap) {
    int n;
    if (at) {
        n = snprintf(buf, cap, "%s:%d:%d: %s", c->file, at->line, at->col, path);
    } else {
        n = snprintf(buf, cap, "%s: %s", c->file, path);
    }
    if (n >= (int)cap) {
        buf[cap - 1] = '\0';
    }
}

ts_status ts_vyaml_fail(const ts_vyctx *c, const ts_ynode *at, const char *path, const char *fmt,
                        ...) {
    char where[TS_V_AT], msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ts_vyaml_at(c, at, path, where, sizeof where);
    return ts_error_set(c->err, TS_ERR_SCENARIO, "%s%s%s", where, path[0] ? ": " : "", msg);
}

/* ---- Mappings and typed values ---------------------------------------------------------- */

const ts_ynode *ts_vyaml_get(const ts_ynode *map, const char *key) {
    if (!map || map->kind != TS_Y_MAP) {
        return NULL;
    }
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const ts_ynode *k = map->kids[i];
        if (k->kind == TS_Y_SCALAR && strcmp(k->text, key) == 0) {
            return map->kids[i + 1];
        }
    }
    return NULL;
}

ts_status ts_vyaml_keys(const ts_vyctx *c, const ts_ynode *map, const char *path,
                        const char *const *allowed) {
    char got[160], list[400] = "", p[TS_V_AT];
    if (!map || map->kind != TS_Y_MAP) {
        ts_yaml_describe(map, got, sizeof got);
        return ts_vyaml_fail(c, map, path, "not a mapping (got %s)", got);
    }
    for (size_t a = 0; allowed[a]; a++) {
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", a ? ", " : "", allowed[a]);
    }
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const ts_ynode *k = map->kids[i];
        if (k->kind != TS_Y_SCALAR || ts_yaml_is_null(k) || strlen(k->text) != k->len) {
            ts_yaml_describe(k, got, sizeof got);
            return ts_vyaml_fail(c, k, path, "not a key (got %s, expected one of: %s)", got, list);
        }
        vy_join(p, sizeof p, path, k->text);
        int known = 0;
        for (size_t a = 0; allowed[a] && !known; a++) {
            known = strcmp(allowed[a], k->text) == 0;
        }
        if (!known) {
            return ts_vyaml_fail(c, k, p, "unknown key (expected one of: %s)", list);
        }
        for (size_t j = 0; j < i; j += 2) {
            if (strcmp(map->kids[j]->text, k->text) == 0) {
                return ts_vyaml_fail(c, k, p, "duplicate key (first at line %d)",
                                     map->kids[j]->line);
            }
        }
    }
    return TS_OK;
}

/* map[key], or a "missing" failure (required) / NULL with *st TS_OK (optional). */
static const ts_ynode *vy_value_of(const ts_vyctx *c, const ts_ynode *map, const char *path,
                                   const char *key, int required, const char *expected,
                                   ts_status *st) {
    char p[TS_V_AT];
    const ts_ynode *v = ts_vyaml_get(map, key);
    *st = TS_OK;
    if (!v && required) {
        vy_join(p, sizeof p, path, key);
        *st = ts_vyaml_fail(c, map, p, "missing (expected %s)", expected);
    }
    return v;
}

ts_status ts_vyaml_string(const ts_vyctx *c, const ts_ynode *map, const char *path, const char *key,
                          int required, const char **out) {
    char p[TS_V_AT], got[160];
    ts_status st;
    const ts_ynode *v = vy_value_of(c, map, path, key, required, "a text", &st);
    if (!v) {
        return st;
    }
    if (v->kind != TS_Y_SCALAR || ts_yaml_is_null(v) || strlen(v->text) != v->len ||
        strpbrk(v->text, "\r\n") != NULL) {
        vy_join(p, sizeof p, path, key);
        ts_yaml_describe(v, got, sizeof got);
        return ts_vyaml_fail(c, v, p, "not a text (got %s, expected one line of text)", got);
    }
    *out = v->text;
    return TS_OK;
}

ts_status ts_vyaml_number(const ts_vyctx *c, const ts_ynode *map, const char *path, const char *key,
                          int required, double *out) {
    char p[TS_V_AT], got[160];
    ts_status st;
    const ts_ynode *v = vy_value_of(c, map, path, key, required, "a number", &st);
    if (!v) {
        return st;
    }
    ts_ynum syn =
        v->kind == TS_Y_SCALAR && v->plain ? ts_yaml_number_syntax(v->text) : TS_YNUM_NONE;
    if (syn != TS_YNUM_INT && syn != TS_YNUM_DECIMAL) {
        vy_join(p, sizeof p, path, key);
        ts_yaml_describe(v, got, sizeof got);
        return ts_vyaml_fail(c, v, p, "not a number (got %s, expected a finite number)", got);
    }
    double x = strtod(v->text, NULL);
    if (!isfinite(x)) {
        vy_join(p, sizeof p, path, key);
        return ts_vyaml_fail(c, v, p, "out of range (got %s, expected a finite number)", v->text);
    }
    *out = x;
    return TS_OK;
}

/* A scalar integer in [min, max]; p names it. */
static ts_status vy_int_node(const ts_vyctx *c, const ts_ynode *v, const char *p, long min,
                             long max, long *out) {
    char got[160];
    ts_yaml_describe(v, got, sizeof got);
    if (v->kind != TS_Y_SCALAR || !v->plain || ts_yaml_number_syntax(v->text) != TS_YNUM_INT) {
        return ts_vyaml_fail(c, v, p, "not an integer (got %s, expected an integer in [%ld, %ld])",
                             got, min, max);
    }
    errno = 0;
    long x = strtol(v->text, NULL, 10);
    if (errno == ERANGE || x < min || x > max) {
        return ts_vyaml_fail(c, v, p, "out of range (got %s, expected an integer in [%ld, %ld])",
                             got, min, max);
    }
    *out = x;
    return TS_OK;
}

ts_status ts_vyaml_int(const ts_vyctx *c, const ts_ynode *map, const char *path, const char *key,
                       long min, long max, int required, long *out) {
    char p[TS_V_AT];
    ts_status st;
    const ts_ynode *v = vy_value_of(c, map, path, key, required, "an integer", &st);
    if (!v) {
        return st;
    }
    vy_join(p, sizeof p, path, key);
    return vy_int_node(c, v, p, min, max, out);
}

ts_status ts_vyaml_choice(const ts_vyctx *c, const ts_ynode *map, const char *path, const char *key,
                          const char *const *choices, int required, int *out) {
    char p[TS_V_AT], got[160], list[300] = "one of ";
    for (size_t i = 0; choices[i]; i++) {
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", choices[i]);
    }
    ts_status st;
    const ts_ynode *v = vy_value_of(c, map, path, key, required, list, &st);
    if (!v) {
        return st;
    }
    for (int i = 0; v->kind == TS_Y_SCALAR && choices[i]; i++) {
        if (strcmp(v->text, choices[i]) == 0 && strlen(v->text) == v->len) {
            *out = i;
            return TS_OK;
        }
    }
    vy_join(p, sizeof p, path, key);
    ts_yaml_describe(v, got, sizeof got);
    return ts_vyaml_fail(c, v, p, "unknown value (got %s, expected %s)", got, list);
}

ts_status ts_vyaml_int_pair(const ts_vyctx *c, const ts_ynode *map, const char *path,
                            const char *key, int required, long out[2]) {
    char p[TS_V_AT], got[160];
    ts_status st;
    const ts_ynode *v = vy_value_of(c, map, path, key, required, "[FROM, TO]", &st);
    if (!v) {
        return st;
    }
    vy_join(p, sizeof p, path, key);
    if (v->kind != TS_Y_SEQ || v->n != 2) {
        ts_yaml_describe(v, got, sizeof got);
        return ts_vyaml_fail(c, v, p,
                             "not a window (got %s, expected [FROM, TO]: two day indices, "
                             "negative ones counting from the end)",
                             got);
    }
    for (size_t i = 0; i < 2; i++) {
        char q[TS_V_AT + 8];
        snprintf(q, sizeof q, "%s[%zu]", p, i);
        st = vy_int_node(c, v->kids[i], q, -1000000, 1000000, &out[i]);
        if (st != TS_OK) {
            return st;
        }
    }
    /* With both ends counted the same way an empty window is known now; mixed ones are
     * checked against each run. */
    if ((out[0] >= 0) == (out[1] >= 0) && out[0] > out[1]) {
        return ts_vyaml_fail(c, v, p, "empty window (got [%ld, %ld], expected FROM <= TO)", out[0],
                             out[1]);
    }
    return TS_OK;
}

ts_status ts_vyaml_name_pair(const ts_vyctx *c, const ts_ynode *map, const char *path,
                             const char *key, const char *out[2]) {
    size_t n = 0;
    return ts_vyaml_name_list(c, map, path, key, 2, 2, out, &n);
}

ts_status ts_vyaml_name_list(const ts_vyctx *c, const ts_ynode *map, const char *path,
                             const char *key, size_t n_a, size_t n_b, const char **out, size_t *n) {
    char p[TS_V_AT], got[160], want[64];
    ts_status st;
    if (n_a == n_b) {
        ts_vfmt(want, sizeof want, "a list of %s names", n_a == 2 ? "two" : "four");
    } else {
        ts_vfmt(want, sizeof want, "a list of two or four names");
    }
    const ts_ynode *v = vy_value_of(c, map, path, key, 1, want, &st);
    if (!v) {
        return st;
    }
    vy_join(p, sizeof p, path, key);
    int ok = v->kind == TS_Y_SEQ && (v->n == n_a || v->n == n_b);
    for (size_t i = 0; ok && i < v->n; i++) {
        const ts_ynode *k = v->kids[i];
        ok = k->kind == TS_Y_SCALAR && !ts_yaml_is_null(k) && strlen(k->text) == k->len;
        out[i] = ok ? k->text : NULL;
    }
    if (!ok) {
        ts_yaml_describe(v, got, sizeof got);
        const char *shape = n_a != n_b ? "[A, B] or [A, B, C, D]"
                            : n_a == 2 ? "[A, B]"
                                       : "[A, B, C, D]";
        return ts_vyaml_fail(c, v, p, "not %s (got %s, expected %s)",
                             n_a == 2 && n_b == 2 ? "a pair of names" : want, got, shape);
    }
    *n = v->n;
    return TS_OK;
}

/* ---- Writing a subtree back as YAML ----------------------------------------------------- */

static void vy_scalar(FILE *f, const ts_ynode *n) {
    if (n->plain) {
        fwrite(n->text, 1, n->len, f);
        return;
    }
    fputc('"', f);
    for (size_t i = 0; i < n->len; i++) {
        unsigned char ch = (unsigned char)n->text[i];
        const unsigned char *p = (const unsigned char *)n->text + i;
        if (ch == '"' || ch == '\\') {
            fputc('\\', f);
            fputc(ch, f);
        } else if (ch == '\n') {
            fputs("\\n", f);
        } else if (ch == '\t') {
            fputs("\\t", f);
        } else if (ch < 0x20 || ch == 0x7F) {
            fprintf(f, "\\x%02X", ch);
        } else if (ch == 0xC2 && i + 1 < n->len && p[1] == 0x85) {
            fputs("\\N", f);
            i++;
        } else if (ch == 0xE2 && i + 2 < n->len && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)) {
            fputs(p[2] == 0xA8 ? "\\L" : "\\P", f);
            i += 2;
        } else {
            fputc(ch, f);
        }
    }
    fputc('"', f);
}

static void vy_indent(FILE *f, int indent) {
    for (int i = 0; i < indent; i++) {
        fputc(' ', f);
    }
}

static void vy_key(FILE *f, const ts_ynode *k) {
    if (k->kind == TS_Y_SCALAR) {
        vy_scalar(f, k);
    } else {
        fputs("\"?\"", f); /* callers accept scalar keys only */
    }
    fputc(':', f);
}

/* A value after "key:" or "-" on the current line, its children at `indent`. */
static void vy_value(FILE *f, const ts_ynode *n, int indent) {
    if (n->kind == TS_Y_SCALAR) {
        if (!(n->plain && n->len == 0)) {
            fputc(' ', f);
            vy_scalar(f, n);
        }
        fputc('\n', f);
        return;
    }
    if (n->n == 0) {
        fputs(n->kind == TS_Y_MAP ? " {}\n" : " []\n", f);
        return;
    }
    fputc('\n', f);
    if (n->kind == TS_Y_MAP) {
        for (size_t i = 0; i + 1 < n->n; i += 2) {
            vy_indent(f, indent);
            vy_key(f, n->kids[i]);
            vy_value(f, n->kids[i + 1], indent + 2);
        }
        return;
    }
    for (size_t i = 0; i < n->n; i++) {
        vy_indent(f, indent);
        fputc('-', f);
        vy_value(f, n->kids[i], indent + 2);
    }
}

char *ts_vyaml_emit(const ts_ynode *node) {
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (!f) {
        return NULL;
    }
    if (node->kind == TS_Y_SCALAR) {
        vy_scalar(f, node);
    } else if (node->n == 0) {
        fputs(node->kind == TS_Y_MAP ? "{}" : "[]", f);
    } else if (node->kind == TS_Y_MAP) {
        for (size_t i = 0; i + 1 < node->n; i += 2) {
            vy_key(f, node->kids[i]);
            vy_value(f, node->kids[i + 1], 2);
        }
    } else {
        for (size_t i = 0; i < node->n; i++) {
            fputc('-', f);
            vy_value(f, node->kids[i], 2);
        }
    }
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* ---- One mapping alone, positions kept -------------------------------------------------- */

/* Bytes of the line break at s (libyaml's: CR LF, CR, LF, NEL, LS, PS), 0 if none. */
static size_t vy_break(const char *s, size_t n) {
    const unsigned char *u = (const unsigned char *)s;
    if (n >= 2 && u[0] == '\r' && u[1] == '\n') {
        return 2;
    }
    if (u[0] == '\r' || u[0] == '\n') {
        return 1;
    }
    if (n >= 2 && u[0] == 0xC2 && u[1] == 0x85) {
        return 2;
    }
    if (n >= 3 && u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0xA8 || u[2] == 0xA9)) {
        return 3;
    }
    return 0;
}

/* Bytes of the UTF-8 character at s (the text was checked by the parser). */
static size_t vy_char(const char *s, size_t n) {
    unsigned char c = (unsigned char)s[0];
    size_t w = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    return w <= n ? w : n;
}

static size_t vy_bom(const char *t, size_t len) {
    return len >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

/* The byte offset of 1-based (line, col) as libyaml counts them (characters). */
static size_t vy_offset(const char *t, size_t len, int line, int col) {
    size_t i = vy_bom(t, len);
    int l = 1, c = 1;
    while (i < len && (l < line || c < col)) {
        size_t b = vy_break(t + i, len - i);
        if (b) {
            if (l == line) {
                break;
            }
            i += b;
            l++;
            c = 1;
            continue;
        }
        i += vy_char(t + i, len - i);
        c++;
    }
    return i;
}

/* Finds the mapping that starts at (line, col) and where it ends (libyaml's end mark of
 * its MAPPING-END event: past a '}', or where the next token of a block starts). */
static int vy_extent(const char *text, size_t len, int line, int col, int *eline, int *ecol) {
    yaml_parser_t parser;
    yaml_event_t ev;
    int depth = 0, found = 0, done = 0;
    if (!yaml_parser_initialize(&parser)) {
        return 0;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    while (!done && yaml_parser_parse(&parser, &ev)) {
        int start = ev.type == YAML_MAPPING_START_EVENT || ev.type == YAML_SEQUENCE_START_EVENT;
        int end = ev.type == YAML_MAPPING_END_EVENT || ev.type == YAML_SEQUENCE_END_EVENT;
        if (ev.type == YAML_STREAM_END_EVENT) {
            done = 1;
        } else if (depth == 0 && ev.type == YAML_MAPPING_START_EVENT &&
                   (int)ev.start_mark.line + 1 == line && (int)ev.start_mark.column + 1 == col) {
            depth = 1;
        } else if (depth > 0 && start) {
            depth++;
        } else if (depth > 0 && end && --depth == 0) {
            *eline = (int)ev.end_mark.line + 1;
            *ecol = (int)ev.end_mark.column + 1;
            found = done = 1;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    return found;
}

char *ts_vyaml_isolate(const char *text, size_t len, const ts_ynode *node) {
    int eline, ecol;
    if (!node || node->kind != TS_Y_MAP ||
        !vy_extent(text, len, node->line, node->col, &eline, &ecol)) {
        return NULL;
    }
    size_t from = vy_offset(text, len, node->line, node->col);
    size_t to = vy_offset(text, len, eline, ecol);
    char *out = malloc(len + 1);
    if (!out) {
        return NULL;
    }
    size_t o = 0;
    for (size_t i = vy_bom(text, len); i < len;) {
        size_t b = vy_break(text + i, len - i);
        size_t w = b ? b : vy_char(text + i, len - i);
        if (b || (i >= from && i < to)) {
            memcpy(out + o, text + i, w);
            o += w;
        } else {
            out[o++] = ' ';
        }
        i += w;
    }
    out[o] = '\0';
    return out;
}

/* ---- Finding a key path in a tree ------------------------------------------------------- */

const ts_ynode *ts_vyaml_locate(const ts_ynode *map, const char *path) {
    const ts_ynode *node = map, *found = map;
    const char *p = path;
    while (*p && node) {
        if (*p == '[' && node->kind == TS_Y_SEQ) {
            char *end = NULL;
            long j = strtol(p + 1, &end, 10);
            if (!end || *end != ']' || j < 0 || (size_t)j >= node->n) {
                break;
            }
            node = found = node->kids[j];
            p = end + 1;
        } else if (node->kind == TS_Y_MAP) {
            /* The longest key that is a whole prefix of the path: "org.headcount" before
             * "org". */
            size_t best = 0, best_len = 0;
            for (size_t i = 0; i + 1 < node->n; i += 2) {
                const ts_ynode *k = node->kids[i];
                size_t kl = k->kind == TS_Y_SCALAR ? strlen(k->text) : 0;
                if (kl > best_len && strncmp(p, k->text, kl) == 0 &&
                    (p[kl] == '\0' || p[kl] == '.' || p[kl] == '[')) {
                    best = i;
                    best_len = kl;
                }
            }
            if (best_len == 0) {
                break;
            }
            found = node->kids[best];
            node = node->kids[best + 1];
            p += best_len;
        } else {
            break;
        }
        if (*p == '.') {
            p++;
        }
    }
    return found;
}
