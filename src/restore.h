/* A restore: many tables from one file (a JSON backup's tables, a
 * workbook's sheets), each imported by the engine in its turn, parents
 * before children. This is the plan: tables, schemas, references, order. */
#ifndef SLUICE_RESTORE_H
#define SLUICE_RESTORE_H

#include <stddef.h>
#include <stdint.h>

#include "source.h"

/* --key TABLE=COLUMN: the column table's records are matched by. */
struct restore_key {
	const char *table;
	const char *column;
};

struct restore_table {
	char *name;	  /* the member (JSON) or the sheet (workbook) */
	char *schema;	  /* path of its schema file */
	int inferred;	  /* the schema was inferred (and written to schema_dir) */
	char *target;	  /* the table its schema writes to */
	char *key;	  /* its schema's first match key: what children refer to */
	uint64_t records; /* a JSON backup's: its records; 0: not known */
	size_t *parents;  /* indexes of the tables it refers to (in the plan) */
	char **columns;	  /* the column that refers to each parent */
	char **keys;	  /* the parent's field it refers to (a schema's
			   * references = TABLE.FIELD); NULL: its key */
	size_t nparents;
};

struct restore_plan {
	struct restore_table *tables; /* parents before their children */
	size_t ntables;
	char *members; /* a JSON backup's other members (source_members()),
			* or NULL */
};

/* Reads the tables of the file at path, finds each one's schema (a schema
 * file named after the table in schema_dirs(), else inferred from its
 * records, matched by the column keys name or "id", written to
 * schema_dir as SHA-PREFIX-TABLE.schema so that a resume finds it) and
 * the references between them (declared in a schema, references =
 * TABLE or TABLE.FIELD, or a column <table>Id or <table>_id, the table's
 * name singular or plural), and orders them parents first.
 * A workbook's sheets are tables only with all_sheets (--sheet all), and
 * its empty sheets are left out. NULL
 * and *cause when the file is no backup of several tables, a key column
 * is missing, a schema refers to a table the backup does not hold, or the
 * tables refer to each other in a cycle (named). */
struct restore_plan *restore_plan_make(const char *path, const struct source_options *opts,
    int all_sheets, const char *schema_dir, const struct restore_key *keys, size_t nkeys,
    char **cause);

void restore_plan_free(struct restore_plan *p);

/* Whether the database db can take every table of the plan: each
 * table's preparation (made, or an existing table checked and its missing
 * optional columns added) tried in a transaction rolled back. 0, or -1
 * and *cause naming the table and what is wrong, before anything is
 * written. */
int restore_check_tables(const struct restore_plan *p, const char *db, char **cause);

/* The directory sluice restore writes the schemas it infers to, made when
 * missing: $XDG_STATE_HOME/sluice/schemas (~/.local/state/…); NULL with
 * *cause (a new string) when there is none or it cannot be made. */
char *restore_schema_dir(char **cause);

#endif
