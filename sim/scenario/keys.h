/* The engine's own scenario keys: the top level (name, seed, days, domains, ...), the
 * organisation at day 0, the mental-model store (capacity, forgetting) and the output.
 * The sections are constant data; models/modules.c puts them first in the schema.
 * ts_keys_validate checks what a single key's type and range cannot (domain names). */
#ifndef TS_KEYS_H
#define TS_KEYS_H

#include "scenario.h"

#include <stddef.h>

/* The engine's sections: "" (top level), "org", "trust" (store part), "output" and the
 * optional "sensitivity". */
extern const ts_section *const ts_keys_sections[];
extern const size_t ts_keys_n_sections;

/* Longest domain name accepted, in characters, and most domains in a scenario (the
 * count range of `domains`). */
#define TS_KEYS_DOMAIN_MAX 32
#define TS_KEYS_MAX_DOMAINS 8

/* What is wrong with a list of domain names, if anything. */
typedef enum ts_keys_domain_problem {
    TS_KEYS_DOMAINS_OK,
    TS_KEYS_DOMAIN_NOT_IDENTIFIER, /* not [a-z][a-z0-9_]* of at most TS_KEYS_DOMAIN_MAX */
    TS_KEYS_DOMAIN_DUPLICATE       /* the same name as an earlier one */
} ts_keys_domain_problem;

/* Checks names[0..n) in order; on a problem, *bad is the index of the first bad name.
 * NULL names count as empty (not identifiers). */
ts_keys_domain_problem ts_keys_check_domains(const char *const *names, size_t n, size_t *bad);

/* Domain names are identifiers ([a-z][a-z0-9_]*, at most TS_KEYS_DOMAIN_MAX
 * characters) and unique. Reports at the mark of `domains`. */
ts_status ts_keys_validate(const ts_scenario *sc, ts_error *err);

#endif
