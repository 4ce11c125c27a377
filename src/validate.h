/* Per-field normalization and checks: each source value becomes the value
 * stored, or an error a person can act on; and the one check of a whole
 * row, shared by the engine and the wizard's preview. Knows schemas, not
 * files or databases. */
#ifndef SLUICE_VALIDATE_H
#define SLUICE_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schema.h"

struct validator;

/* What invalid values cost in one import (sluice import --invalid-values). */
enum invalid_values {
	INVALID_VALUES_SCHEMA,	   /* as each field's on_invalid says */
	INVALID_VALUES_REJECT_ROW, /* every invalid value rejects its row */
};

/* The word for it on the command line and in the journal ("schema",
 * "reject-row"); parse returns -1 for any other word. */
const char *validate_invalid_values_name(enum invalid_values iv);
int validate_invalid_values_parse(const char *name);

/* A validator for schema; region overrides the schema's phone region when
 * not NULL. Returns NULL and sets *cause when the region is unknown. A
 * validator is used by one thread at a time. */
struct validator *validator_new(const struct schema *schema, const char *region, char **cause);
void validator_free(struct validator *v);

/* The phone region, other than except, in which most of the numbers are
 * valid, when that is at least half of them: a suggestion for a file of
 * national numbers read in the wrong region. NULL when none is. The
 * regions tried are those of the countries sluice's users most often
 * export from. */
const char *validate_guess_region(const char *const *numbers, size_t n, const char *except);

/* Sets how an ambiguous date such as 03/04/2024 is read (the schema's
 * date_order until set). */
void validator_set_date_order(struct validator *v, enum date_order order);

/* How many dates were refused so far for a month out of range that the
 * other date order reads (25/12/1980 read month first): a hint that the
 * file's dates are in the other order. */
uint64_t validator_dates_other_order(const struct validator *v);

/* Sets what invalid values cost in validate_row (INVALID_VALUES_SCHEMA
 * until set). */
void validator_set_invalid_values(struct validator *v, enum invalid_values iv);

/* The last column of sluice's CSV of rejected rows (report-csv.c): the
 * error, named in English whatever the language. */
#define VALIDATE_REJECTS_COLUMN "error"

/* Whether a file of format ("csv", …) with these headers is sluice's CSV
 * of rejected rows: a CSV file whose last column is VALIDATE_REJECTS_COLUMN. */
int validate_is_rejects_csv(const char *format, const char *const *headers, size_t n);

/* Sets whether the values come from sluice's CSV of rejected rows, whose
 * cells starting with = + - @ TAB CR LF or ' were given one more leading '
 * (taken off again by validate_value). 0 until set: a leading ' is the
 * value's own. */
void validator_set_quoted_cells(struct validator *v, int quoted);
/* What the file says of where its national phone numbers come from: its
 * headers' language (country_of_headers, or NULL; ignored when it is the
 * validator's own region) and the column naming each row's country that
 * is not read as the row's region (-1: none). validate_row tries each
 * phone number invalid in the validator's own region (not in a row's
 * country) in those regions and in the one the numbers' own shape
 * suggests (validate_guess_region over the first of them). */
void validator_set_hint(struct validator *v, const char *region, int country_column);

/* The region hint of validators v[0..n), which checked the rows of one
 * file: sets *region to the region that reads the most of the phone
 * numbers invalid in their own region and *hits to how many it reads, and
 * returns true, when that is worth telling people (some, and half of those
 * invalid or more); false otherwise. Call it once the rows are checked. */
bool validator_hint(struct validator *const *v, size_t n, char region[3], uint64_t *hits);

/* Normalizes value (UTF-8, NUL-terminated) for field f of the schema.
 * Returns 0 and sets *out to the value to store (a new string), or to NULL
 * when the value is empty after trimming (required fields then fail);
 * returns -1 and sets *cause to a sentence saying what is wrong and what is
 * expected (a new string, without the value itself, which the caller shows
 * beside it).
 *   text:   trimmed.
 *   email:  trimmed, lower-case, one '@', a dotted domain, no spaces.
 *   phone:  E.164 through libphonenumber.
 *   date:   ISO 8601 (YYYY-MM-DD) from common formats; the schema's date
 *           order settles 03/04/2024.
 *   number: locale-independent canonical form ("1234.5"); a decimal comma
 *           when the field allows it.
 *   enum:   one of the values, case-insensitively, in its canonical case.
 *   list:   items split on the separator, trimmed, empty and repeated items
 *           dropped, joined with the separator.
 * Then max_length (characters) and pattern are checked. */
int validate_value(const struct validator *v, size_t f, const char *value, char **out, char **cause);

/* A problem validate_row found: the schema field (-1: the whole row), the
 * source column it was read from (-1: none), a sentence, the offending
 * value as read (NULL when there is none to show, as for an empty required
 * field), and whether it only drops the value (1: the row goes on without
 * it) or rejects the row (0). The strings are valid during the call only. */
typedef void validate_problem_fn(void *ctx, int field, int column, const char *message,
    const char *value, int dropped);

/* Checks one row as the import does. row_error (the source's complaint
 * about the whole row, or NULL) rejects the row by itself. Otherwise each
 * field f with a column (column[f], -1: none) has its cell normalized with
 * validate_value; a list field's cell is those of every column feeding it
 * (feeds: per column, the field it feeds, nfeeds entries; NULL: only
 * column[f]), joined. The first of several values joined by " ::: " in
 * a field another one collects is its value, the others go to the
 * collecting field; a row without a value for that field takes the
 * collecting field's first item (the first phone of the row); a required field without a column, or empty in this row,
 * is a problem too; and a row without problems that reject it needs a
 * value for at least one match key. An invalid value of a field whose
 * on_invalid is drop_value (unless the validator's invalid values reject
 * rows) drops the value: its slot stays empty and the row goes on, unless
 * another problem rejects the row, which then all of its problems do. With
 * values (nfields slots) set, each slot receives the normalized value (a
 * new string) or NULL. Calls problem for each problem, in field order, the
 * row's own last; returns how many reject the row (0: the row goes on). */
size_t validate_row(const struct validator *v, const int *column, const int *feeds, size_t nfeeds,
    char *const *cells, size_t ncells, const char *row_error, char **values,
    validate_problem_fn *problem, void *ctx);

/* Merges two normalized list values (union, order of first appearance)
 * with separator sep. Either may be NULL. Returns a new string or NULL. */
char *validate_list_union(const char *a, const char *b, const char *sep);

#endif
