/* Mapping: which source column feeds which schema field, and how each came
 * to be. Suggested from the schema's header synonyms and likely matches, a
 * mapping remembered for the same header row wins over the suggestion, the
 * user's overrides win over both; stored with each import as JSON. */
#ifndef SLUICE_MAPPING_H
#define SLUICE_MAPPING_H

#include <stddef.h>

#include "schema.h"

/* How a column came to its field (or to none). */
enum mapping_source {
	MAPPING_NONE,	    /* no rule maps the column: it is left out */
	MAPPING_SYNONYM,    /* the header is the field's name or a synonym */
	MAPPING_LIKELY,	    /* the header contains a name or synonym */
	MAPPING_REMEMBERED, /* as chosen before for the same header row */
	MAPPING_OPTION,	    /* --map or --map-file */
	MAPPING_WIZARD,	    /* chosen in the wizard */
	MAPPING_SOURCE_COUNT
};

/* Its name in JSON ("synonym", "likely", …; "" for none), its label for
 * people (translated), and the source a name stands for (MAPPING_NONE
 * when unknown). */
const char *mapping_source_name(enum mapping_source s);
const char *mapping_source_label(enum mapping_source s);
enum mapping_source mapping_source_parse(const char *name);

struct mapping {
	size_t ncolumns;
	char **headers;		     /* copies of the source headers */
	int *field;		     /* per column: schema field index, or -1 */
	enum mapping_source *source; /* per column */
	int *column;		     /* per schema field: its first column, or -1 */
	unsigned char *several;	     /* per schema field: several columns may feed it */
	size_t nfields;
};

/* Suggests a mapping from the headers: a header maps to the field whose name
 * or synonym it equals, ignoring case, accents, spaces and punctuation. Each
 * field takes the column matching its earliest synonym (its name counts as
 * the first, unless a synonym repeats it). A list field may be
 * fed by several columns (its items are theirs, in column order): it also
 * takes the other columns matching its names, and, when it collects a
 * field, the columns matching that field's names that lost to the one
 * feeding it (Business Phone and Home Phone beside Mobile Phone). */
struct mapping *mapping_suggest(const struct schema *schema, const char *const *headers,
    size_t nheaders);
void mapping_free(struct mapping *m);

/* Maps the columns mapping_suggest left out whose folded header contains a
 * free field's name or synonym of four letters or more (the longest wins):
 * "Organization Name" is likely the company. */
void mapping_suggest_likely(struct mapping *m, const struct schema *schema);

/* The whole suggestion, as the wizard and sluice import make it: synonyms,
 * likely matches, then the mapping remembered for this header row
 * (mapping_to_json, or NULL) in their place. Sets *remembered_applied to
 * whether the remembered mapping fitted (as many columns) and was applied. */
struct mapping *mapping_propose(const struct schema *schema, const char *const *headers,
    size_t nheaders, const char *remembered, int *remembered_applied);

/* Maps column c to field f (-1: none) with source s. Unless f is a list
 * field (which several columns may feed), the column that fed f before is
 * left out (MAPPING_NONE); the caller decides whether that may happen
 * (mapping_holder). */
void mapping_map(struct mapping *m, size_t c, int f, enum mapping_source s);

/* The column other than c that feeds field f, or -1 (always for a list
 * field: another column feeding it is no conflict). */
int mapping_holder(const struct mapping *m, int f, size_t c);

/* Applies overrides written as "Header=field,Other Header=field": field "-"
 * (or nothing) leaves the column out; the columns named get MAPPING_OPTION.
 * Headers are compared exactly first, then folded; "Header (column N)"
 * names column N of two with one header. An override takes a
 * field from the column a suggestion or remembered mapping gave it to,
 * leaving that column out (MAPPING_OPTION: by choice).
 * Returns -1 and sets *cause for an unknown header or field, a header that
 * appears twice in the file, or two columns given the same field (naming
 * both). */
int mapping_apply(struct mapping *m, const struct schema *schema, const char *spec, char **cause);

/* The phone region and the date order chosen with a mapping: a mapping
 * file's --region and --date-order lines, or a remembered mapping's. ""
 * when it says none. */
struct mapping_settings {
	char region[4];	    /* "DE", upper case */
	char date_order[4]; /* "dmy" or "mdy" */
};

/* Reads overrides from a file, one "Header=field" per line; blank lines and
 * lines starting with # are ignored. The same rules as mapping_apply, the
 * whole file being one set of overrides. Lines "--region CC" and
 * "--date-order dmy|mdy" (or with '=') fill *settings (when not NULL;
 * otherwise they are checked and left alone); one with another value
 * refuses, naming the line. */
int mapping_apply_file(struct mapping *m, const struct schema *schema, const char *path,
    char **cause);
int mapping_read_file(struct mapping *m, const struct schema *schema, const char *path,
    struct mapping_settings *settings, char **cause);

/* A mapping file's text for a mapping kept as JSON (mapping_to_json or
 * mapping_remember_json) under schema, with settings (NULL: none): a
 * comment, one "Header=field" line per column ("Header=-" for one left
 * out; "Header (column N)" for columns sharing a header), then
 * the settings' lines. mapping_read_file reads it back. A new string. */
char *mapping_file_text(const char *mapping_json, const char *schema,
    const struct mapping_settings *settings);

/* A column that no rule gave a field and no choice left out, although its
 * header is another column's (Phone, Phone; compared folded), which feeds
 * a field: it would be left out unseen. (Different headers matching one
 * field are settled by the schema's order of synonyms.) Returns -1 and
 * sets *cause naming both columns and how --map says which feeds the
 * field; 0 when there is none. */
int mapping_contested(const struct mapping *m, const struct schema *schema, char **cause);

/* What a mapping lacks before a row can be imported: the required fields
 * without a column, and whether no match key has one. */
struct mapping_gaps {
	size_t *required; /* field indexes, in the schema's order */
	size_t nrequired;
	int unkeyed; /* none of the match keys has a column */
};

/* The one rule of a complete mapping: every required field has a column
 * and at least one match key does. Fills *gaps (mapping_gaps_clear frees
 * it); returns 0 when the mapping is complete, -1 when something is
 * missing. */
int mapping_gaps(const struct mapping *m, const struct schema *schema, struct mapping_gaps *gaps);
void mapping_gaps_clear(struct mapping_gaps *gaps);

/* mapping_gaps for the command line: returns -1 and sets *cause to a
 * sentence naming the headers found and the fields still needed. */
int mapping_check(const struct mapping *m, const struct schema *schema, char **cause);

/* --strict-mapping: returns -1 and sets *cause to a sentence naming the
 * columns no rule maps (left out without being chosen so) and those only
 * likely; 0 when every column is mapped by a synonym, a remembered mapping
 * or a choice. */
int mapping_strict(const struct mapping *m, char **cause);

/* A column whose header is a name of field f (its name or a synonym, as
 * mapping_suggest matches them) but that does not feed it, or -1: a
 * second Country column, or one a mapping left out. */
int mapping_namesake(const struct mapping *m, const struct schema *schema, int f);

/* Columns left out (whatever the reason): their count, and their indexes
 * in *columns (a new array, NULL when none). */
size_t mapping_unmapped(const struct mapping *m, size_t **columns);

/* Restores a mapping stored with an import (mapping_to_json) onto the same
 * file's headers, sources included. Returns -1 with *cause when the headers
 * differ, a field is gone from the schema, or two columns have one field. */
int mapping_apply_json(struct mapping *m, const struct schema *schema, const char *json,
    char **cause);

/* A fingerprint of a header row (folded headers in order), so that a
 * mapping chosen once is offered again for files with the same header.
 * A new string of 16 hex digits. */
char *mapping_fingerprint(const char *const *headers, size_t n);

/* The mapping as JSON, a new string: an array of {"column": 0, "header":
 * "E-mail", "field": "email" or null, "source": "synonym"} (no source for
 * a column no rule maps). */
char *mapping_to_json(const struct mapping *m, const struct schema *schema);

/* A mapping as it is remembered for its header row, with the region and
 * date order chosen with it: mapping_to_json's array when settings is NULL
 * or says none, else {"columns": [that array], "region": "DE",
 * "date_order": "dmy"}. mapping_propose reads either. A new string. */
char *mapping_remember_json(const struct mapping *m, const struct schema *schema,
    const struct mapping_settings *settings);

/* The settings a remembered mapping (mapping_remember_json) was saved with;
 * none for an array or anything else. */
void mapping_remembered_settings(const char *remembered, struct mapping_settings *settings);

#endif
