/* Schemas inferred from a table's rows (a JSON backup's table, a sheet):
 * the columns, their types and the match key, as the text of a schema
 * file. */
#ifndef SLUICE_SCHEMA_INFER_H
#define SLUICE_SCHEMA_INFER_H

#include "source.h"

/* Reads the rest of src's rows and returns a schema file's text (a new
 * string) naming table: a field per column, typed integer, number,
 * boolean (an enum of true and false), ISO date or text (ISO date-times,
 * nested values, anything else), matched by the column key (NULL: "id"),
 * which is required. Column names sluice keeps for itself (id, …) or that
 * are no identifiers get another field name and keep theirs as a synonym.
 * NULL and *cause when the key column is missing or the rows cannot be
 * read. */
char *schema_infer(struct source *src, const char *table, const char *key, char **cause);

#endif
