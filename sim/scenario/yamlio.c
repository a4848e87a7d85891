#include "yamlio.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

/* ---- Tree ------------------------------------------------------------------------ */

void ts_yaml_free(ts_ynode *node) {
    if (node == NULL) {
        return;
    }
    for (size_t i = 0; i < node->n; i++) {
        ts_yaml_free(node->kids[i]);
    }
    free(node->kids);
    free(node->text);
    free(node);
}

static ts_ynode *yaml_node_new(ts_ykind kind, const yaml_mark_t *mark) {
    ts_ynode *node = calloc(1, sizeof *node);
    if (node != NULL) {
        node->kind = kind;
        node->line = (int)mark->line + 1;
        node->col = (int)mark->column + 1;
    }
    return node;
}

static int yaml_node_add(ts_ynode *parent, ts_ynode *kid) {
    if (parent->n == parent->n_alloc) {
        size_t n_alloc = parent->n_alloc ? 2 * parent->n_alloc : 8;
        ts_ynode **kids = realloc(parent->kids, n_alloc * sizeof *kids);
        if (kids == NULL) {
            return 0;
        }
        parent->kids = kids;
        parent->n_alloc = n_alloc;
    }
    parent->kids[parent->n++] = kid;
    return 1;
}

int ts_yaml_is_null(const ts_ynode *node) {
    if (node == NULL) {
        return 1;
    }
    if (node->kind != TS_Y_SCALAR || !node->plain) {
        return 0;
    }
    return node->len == 0 || strcmp(node->text, "~") == 0 || strcmp(node->text, "null") == 0 ||
           strcmp(node->text, "Null") == 0 || strcmp(node->text, "NULL") == 0;
}

/* Line and column (1-based) of a byte offset, for reader errors that only give one. */
static void yaml_offset_position(const char *buf, size_t len, size_t offset, int *line, int *col) {
    size_t start = 0;
    int l = 1;
    if (offset > len) {
        offset = len;
    }
    for (size_t i = 0; i < offset; i++) {
        if (buf[i] == '\n') {
            l++;
            start = i + 1;
        }
    }
    *line = l;
    *col = (int)(offset - start) + 1;
}

static ts_status yaml_parser_failure(const yaml_parser_t *p, const char *buf, size_t len,
                                     ts_yerror *yerr) {
    const char *problem = p->problem ? p->problem : "unknown problem";
    switch (p->error) {
    case YAML_MEMORY_ERROR:
        return TS_ERR_NOMEM;
    case YAML_READER_ERROR:
        yaml_offset_position(buf, len, p->problem_offset, &yerr->line, &yerr->col);
        if (p->problem_value < 0) {
            snprintf(yerr->msg, sizeof yerr->msg, "invalid text: %s", problem);
        } else if (p->problem_value <= 0xFF) {
            snprintf(yerr->msg, sizeof yerr->msg, "invalid text: %s (got byte 0x%02X)", problem,
                     (unsigned)p->problem_value);
        } else {
            snprintf(yerr->msg, sizeof yerr->msg, "invalid text: %s (got character U+%04X)",
                     problem, (unsigned)p->problem_value);
        }
        return TS_ERR_SCENARIO;
    default:
        yerr->line = (int)p->problem_mark.line + 1;
        yerr->col = (int)p->problem_mark.column + 1;
        if (p->context != NULL) {
            snprintf(yerr->msg, sizeof yerr->msg, "syntax error: %s (%s)", problem, p->context);
        } else {
            snprintf(yerr->msg, sizeof yerr->msg, "syntax error: %s", problem);
        }
        return TS_ERR_SCENARIO;
    }
}

static ts_status yaml_fail_at(ts_yerror *yerr, const yaml_mark_t *mark, const char *what,
                              const char *name) {
    yerr->line = (int)mark->line + 1;
    yerr->col = (int)mark->column + 1;
    snprintf(yerr->msg, sizeof yerr->msg, "%s (got %.100s)", what, name);
    return TS_ERR_SCENARIO;
}

/* Anchors and tags are refused: aliases could expand a small file into a huge tree,
 * and a scenario has no use for either. */
static ts_status yaml_check_props(const yaml_event_t *ev, ts_yerror *yerr) {
    const yaml_char_t *anchor = NULL;
    const yaml_char_t *tag = NULL;
    char name[128];
    if (ev->type == YAML_SCALAR_EVENT) {
        anchor = ev->data.scalar.anchor;
        tag = ev->data.scalar.tag;
    } else if (ev->type == YAML_SEQUENCE_START_EVENT) {
        anchor = ev->data.sequence_start.anchor;
        tag = ev->data.sequence_start.tag;
    } else if (ev->type == YAML_MAPPING_START_EVENT) {
        anchor = ev->data.mapping_start.anchor;
        tag = ev->data.mapping_start.tag;
    }
    if (anchor != NULL) {
        snprintf(name, sizeof name, "&%.100s", (const char *)anchor);
        return yaml_fail_at(yerr, &ev->start_mark, "anchors are not supported", name);
    }
    if (tag != NULL) {
        snprintf(name, sizeof name, "%.100s", (const char *)tag);
        return yaml_fail_at(yerr, &ev->start_mark, "tags are not supported", name);
    }
    return TS_OK;
}

/* Builds the node of one event, or NULL for events that make none. */
static ts_status yaml_event_node(const yaml_event_t *ev, ts_ynode **node) {
    *node = NULL;
    if (ev->type == YAML_SCALAR_EVENT) {
        ts_ynode *s = yaml_node_new(TS_Y_SCALAR, &ev->start_mark);
        if (s == NULL) {
            return TS_ERR_NOMEM;
        }
        s->len = ev->data.scalar.length;
        s->text = malloc(s->len + 1);
        if (s->text == NULL) {
            free(s);
            return TS_ERR_NOMEM;
        }
        if (s->len > 0) {
            memcpy(s->text, ev->data.scalar.value, s->len);
        }
        s->text[s->len] = '\0';
        s->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        *node = s;
    } else if (ev->type == YAML_MAPPING_START_EVENT || ev->type == YAML_SEQUENCE_START_EVENT) {
        *node = yaml_node_new(ev->type == YAML_MAPPING_START_EVENT ? TS_Y_MAP : TS_Y_SEQ,
                              &ev->start_mark);
        if (*node == NULL) {
            return TS_ERR_NOMEM;
        }
    }
    return TS_OK;
}

/* The key path of the value being read when parsing stopped, from the open nodes. */
static void yaml_open_path(ts_ynode *const *stack, int depth, char *buf, size_t cap) {
    size_t k = 0;
    buf[0] = '\0';
    for (int i = 0; i < depth && k < cap; i++) {
        const ts_ynode *node = stack[i];
        int inner = i + 1 < depth; /* the last kid of this node is the next open node */
        int n;
        if (node->kind == TS_Y_MAP) {
            const ts_ynode *key = NULL;
            if (node->n % 2 == 1) {
                key = node->kids[node->n - 1]; /* a key waiting for its value */
            } else if (inner && node->n >= 2) {
                key = node->kids[node->n - 2];
            }
            if (!key || key->kind != TS_Y_SCALAR) {
                return;
            }
            n = snprintf(buf + k, cap - k, "%s%.64s", k ? "." : "", key->text);
        } else if (node->kind == TS_Y_SEQ && inner && node->n > 0) {
            n = snprintf(buf + k, cap - k, "[%zu]", node->n - 1);
        } else {
            return;
        }
        if (n < 0 || (size_t)n >= cap - k) {
            return;
        }
        k += (size_t)n;
        /* A hostile nesting would make an unreadable path: name its start only. */
        if (k > 48 && i + 1 < depth && k + 4 < cap) {
            memcpy(buf + k, "...", 4);
            return;
        }
    }
}

ts_status ts_yaml_parse(const char *buf, size_t len, ts_ynode **root, ts_yerror *yerr) {
    yaml_parser_t parser;
    yaml_event_t ev;
    ts_ynode *stack[TS_YAML_MAX_DEPTH];
    ts_ynode *top = NULL;
    int depth = 0;
    int docs = 0;
    int done = 0;
    ts_status st = TS_OK;

    *root = NULL;
    yerr->line = 0;
    yerr->col = 0;
    yerr->msg[0] = '\0';
    yerr->path[0] = '\0';
    if (!yaml_parser_initialize(&parser)) {
        return TS_ERR_NOMEM;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    while (!done && st == TS_OK) {
        ts_ynode *node = NULL;
        if (!yaml_parser_parse(&parser, &ev)) {
            st = yaml_parser_failure(&parser, buf, len, yerr);
            break;
        }
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (docs++ > 0) {
                st = yaml_fail_at(yerr, &ev.start_mark,
                                  "more than one document (expected a single YAML document)",
                                  "\"---\"");
            }
            break;
        case YAML_ALIAS_EVENT: {
            char name[128];
            snprintf(name, sizeof name, "*%.100s", (const char *)ev.data.alias.anchor);
            st = yaml_fail_at(yerr, &ev.start_mark, "aliases are not supported", name);
            break;
        }
        case YAML_SCALAR_EVENT:
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            st = yaml_check_props(&ev, yerr);
            if (st == TS_OK && ev.type != YAML_SCALAR_EVENT && depth >= TS_YAML_MAX_DEPTH) {
                yerr->line = (int)ev.start_mark.line + 1;
                yerr->col = (int)ev.start_mark.column + 1;
                snprintf(yerr->msg, sizeof yerr->msg,
                         "nesting too deep (got more than %d levels, expected at most %d)",
                         TS_YAML_MAX_DEPTH, TS_YAML_MAX_DEPTH);
                st = TS_ERR_SCENARIO;
            }
            if (st == TS_OK) {
                st = yaml_event_node(&ev, &node);
            }
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            depth--;
            break;
        default:
            break;
        }
        if (node != NULL) {
            if (depth == 0) {
                top = node;
            } else if (!yaml_node_add(stack[depth - 1], node)) {
                ts_yaml_free(node);
                st = TS_ERR_NOMEM;
            }
            if (st == TS_OK && node->kind != TS_Y_SCALAR) {
                stack[depth++] = node;
            }
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    if (st != TS_OK) {
        yaml_open_path(stack, depth, yerr->path, sizeof yerr->path);
        ts_yaml_free(top);
        return st;
    }
    *root = top;
    return TS_OK;
}

/* ---- Scalars --------------------------------------------------------------------- */

ts_ynum ts_yaml_number_syntax(const char *s) {
    static const char *const nonfinite[] = {"nan", ".nan", "inf", ".inf", "infinity"};
    const char *p = s;
    int digits = 0;
    int decimal = 0;
    if (*p == '+' || *p == '-') {
        p++;
    }
    for (size_t i = 0; i < sizeof nonfinite / sizeof nonfinite[0]; i++) {
        if (strcasecmp(p, nonfinite[i]) == 0) {
            return TS_YNUM_NONFINITE;
        }
    }
    while (isdigit((unsigned char)*p)) {
        p++;
        digits++;
    }
    if (*p == '.') {
        decimal = 1;
        p++;
        while (isdigit((unsigned char)*p)) {
            p++;
            digits++;
        }
    }
    if (digits == 0) {
        return TS_YNUM_NONE;
    }
    if (*p == 'e' || *p == 'E') {
        int exp_digits = 0;
        decimal = 1;
        p++;
        if (*p == '+' || *p == '-') {
            p++;
        }
        while (isdigit((unsigned char)*p)) {
            p++;
            exp_digits++;
        }
        if (exp_digits == 0) {
            return TS_YNUM_NONE;
        }
    }
    if (*p != '\0') {
        return TS_YNUM_NONE;
    }
    return decimal ? TS_YNUM_DECIMAL : TS_YNUM_INT;
}

void ts_yaml_format_real(double x, char *buf, size_t cap) {
    snprintf(buf, cap, "%.15g", x);
    if (strtod(buf, NULL) != x) {
        snprintf(buf, cap, "%.17g", x);
    }
}

int ts_yaml_needs_quotes(const char *s) {
    static const char *const reserved[] = {"true", "false", "yes",  "no",  "on",  "off",
                                           "y",    "n",     "null", "nan", "inf", "infinity"};
    size_t n = strlen(s);
    if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_' || s[0] == '/')) {
        return 1;
    }
    if (s[n - 1] == ' ') {
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(isalnum(c) || c == '_' || c == '.' || c == '/' || c == '-' || c == ' ')) {
            return 1;
        }
    }
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
        if (strcasecmp(s, reserved[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

void ts_yaml_write_string(FILE *f, const char *s) {
    if (!ts_yaml_needs_quotes(s)) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        unsigned char c = *p;
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc(c, f);
        } else if (c == '\n') {
            fputs("\\n", f);
        } else if (c == '\t') {
            fputs("\\t", f);
        } else if (c < 0x20 || c == 0x7F) {
            fprintf(f, "\\x%02X", c);
        } else if (c == 0xC2 && p[1] == 0x85) {
            /* U+0085 NEXT LINE is a line break to YAML: escape it. */
            fputs("\\N", f);
            p++;
        } else if (c == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)) {
            /* U+2028 and U+2029, the Unicode line and paragraph separators. */
            fputs(p[2] == 0xA8 ? "\\L" : "\\P", f);
            p += 2;
        } else {
            fputc(c, f);
        }
    }
    fputc('"', f);
}

char *ts_yaml_string_text(const char *s) {
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (f == NULL) {
        return NULL;
    }
    ts_yaml_write_string(f, s);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

void ts_yaml_describe(const ts_ynode *node, char *buf, size_t cap) {
    enum { SHOWN = 48 };
    size_t used = 0;
    if (cap == 0) {
        return;
    }
    buf[0] = '\0';
    if (node == NULL || ts_yaml_is_null(node)) {
        snprintf(buf, cap, "nothing");
        return;
    }
    if (node->kind == TS_Y_MAP) {
        snprintf(buf, cap, "a mapping");
        return;
    }
    if (node->kind == TS_Y_SEQ) {
        snprintf(buf, cap, "a list");
        return;
    }
    if (node->plain && node->len <= SHOWN && ts_yaml_number_syntax(node->text) != TS_YNUM_NONE) {
        snprintf(buf, cap, "%s", node->text);
        return;
    }
    /* Quoted, with control characters escaped so the message stays on one line. */
    for (size_t i = 0; i <= node->len && used + 8 < cap; i++) {
        unsigned char c = i < node->len ? (unsigned char)node->text[i] : 0;
        if (i == 0) {
            buf[used++] = '"';
        }
        /* Cut after SHOWN bytes, but never inside a UTF-8 sequence. */
        if (i == node->len || (i >= SHOWN && (c & 0xC0) != 0x80)) {
            if (i < node->len) {
                used += (size_t)snprintf(buf + used, cap - used, "...");
            }
            buf[used++] = '"';
            break;
        }
        if (c == '"' || c == '\\') {
            buf[used++] = '\\';
            buf[used++] = (char)c;
        } else if (c < 0x20 || c == 0x7F) {
            used += (size_t)snprintf(buf + used, cap - used, "\\x%02X", c);
        } else {
            buf[used++] = (char)c;
        }
    }
    buf[used < cap ? used : cap - 1] = '\0';
}

ts_status ts_yaml_read_file(const char *path, const char *what, char **text, size_t *len,
                            ts_error *err) {
    struct stat sb;
    *text = NULL;
    *len = 0;
    if (stat(path, &sb) != 0) {
        return ts_error_set(err, TS_ERR_SCENARIO, "%s: cannot read %s: %s", path, what,
                            strerror(errno));
    }
    if (!S_ISREG(sb.st_mode)) {
        return ts_error_set(err, TS_ERR_SCENARIO, "%s: cannot read %s: not a regular file", path,
                            what);
    }
    if ((size_t)sb.st_size > TS_YAML_MAX_BYTES) {
        return ts_error_set(err, TS_ERR_SCENARIO,
                            "%s: too large (got %lld bytes, expected at most %zu)", path,
                            (long long)sb.st_size, TS_YAML_MAX_BYTES);
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        return ts_error_set(err, TS_ERR_SCENARIO, "%s: cannot read %s: %s", path, what,
                            strerror(errno));
    }
    char *buf = malloc((size_t)sb.st_size + 1);
    size_t got = buf ? fread(buf, 1, (size_t)sb.st_size, f) : 0;
    int bad = ferror(f);
    fclose(f);
    if (!buf) {
        return ts_error_set(err, TS_ERR_NOMEM, "%s: out of memory", path);
    }
    if (bad || got != (size_t)sb.st_size || memchr(buf, '\0', got)) {
        free(buf);
        return ts_error_set(err, TS_ERR_SCENARIO, "%s: cannot read %s%s", path, what,
                            bad ? "" : " (it changed while read, or holds NUL bytes)");
    }
    buf[got] = '\0';
    *text = buf;
    *len = got;
    return TS_OK;
}
