/* Mapping: which source column feeds which schema field. Suggested from the
 * schema's header synonyms, overridden by the user, and stored with each
 * import as JSON. */
#ifndef SLUICE_MAPPING_H
#define SLUICE_MAPPING_H

#include <stddef.h>

#include "schema.h"

struct mapping {
	size_t ncolumns;
	char **headers;		/* copies of the source headers */
	int *field;		/* per column: schema field index, or -1 */
	int *column;		/* per schema field: source column, or -1 */
	size_t nfields;
};

/* Suggests a mapping from the headers: a header maps to the field whose name
 * or synonym it equals, ignoring case, accents, spaces and punctuation. Each
 * field takes the first column that matches it. */
struct mapping *mapping_suggest(const struct schema *schema,
    const char *const *headers, size_t nheaders);
void mapping_free(struct mapping *m);

/* Applies overrides written as "Header=field,Other Header=field": field "-"
 * (or nothing) leaves the column out. Headers are compared exactly first,
 * then folded. Returns -1 and sets *cause for an unknown header or field, or
 * a header that appears twice in the file. */
int mapping_apply(struct mapping *m, const struct schema *schema,
    const char *spec, char **cause);

/* Reads overrides from a file, one "Header=field" per line; blank lines and
 * lines starting with # are ignored. */
int mapping_apply_file(struct mapping *m, const struct schema *schema,
    const char *path, char **cause);

/* What a mapping lacks before a row can be imported: the required fields
 * without a column, and whether no match key has one. */
struct mapping_gaps {
	size_t *required;	/* field indexes, in the schema's order */
	size_t nrequired;
	int unkeyed;		/* none of the match keys has a column */
};

/* The one rule of a complete mapping: every required field has a column
 * and at least one match key does. Fills *gaps (mapping_gaps_clear frees
 * it); returns 0 when the mapping is complete, -1 when something is
 * missing. */
int mapping_gaps(const struct mapping *m, const struct schema *schema,
    struct mapping_gaps *gaps);
void mapping_gaps_clear(struct mapping_gaps *gaps);

/* mapping_gaps for the command line: returns -1 and sets *cause to a
 * sentence naming the headers found and the fields still needed. */
int mapping_check(const struct mapping *m, const struct schema *schema,
    char **cause);

/* Restores a mapping stored with an import (mapping_to_json) onto the same
 * file's headers. Returns -1 with *cause when the headers differ or a field
 * is gone from the schema. */
int mapping_apply_json(struct mapping *m, const struct schema *schema,
    const char *json, char **cause);

/* A fingerprint of a header row (folded headers in order), so that a
 * mapping chosen once is offered again for files with the same header.
 * A new string of 16 hex digits. */
char *mapping_fingerprint(const char *const *headers, size_t n);

/* The mapping as JSON, a new string: an array of
 * {"column": 0, "header": "E-mail", "field": "email" or null}. */
char *mapping_to_json(const struct mapping *m, const struct schema *schema);

#endif
