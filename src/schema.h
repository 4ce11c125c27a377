/* Target schemas: the fields a record has, their types and rules, the match
 * keys that find an existing record, and the header synonyms used to map
 * source columns. Read from INI files (data/schemas/NAME.schema) with inih. */
#ifndef SLUICE_SCHEMA_H
#define SLUICE_SCHEMA_H

#include <regex.h>
#include <stddef.h>

enum field_type {
	FIELD_TEXT,
	FIELD_EMAIL,
	FIELD_PHONE,
	FIELD_DATE,
	FIELD_NUMBER,
	FIELD_ENUM,
	FIELD_LIST,
};

/* How an ambiguous date such as 03/04/2024 is read. */
enum date_order {
	DATE_MDY,
	DATE_DMY,
};

/* Its word ("mdy", "dmy"), and the order a word names (-1 for any other). */
const char *schema_date_order_name(enum date_order order);
int schema_date_order_parse(const char *name);

/* What an invalid value of a field costs (on_invalid in schema files). */
enum on_invalid {
	ON_INVALID_REJECT_ROW, /* the whole row is rejected */
	ON_INVALID_DROP_VALUE, /* the value is left out, the row kept */
};

struct field {
	char *name;  /* column name in the target table */
	char *label; /* what a person calls it; defaults to name */
	enum field_type type;
	int required;	   /* an empty value rejects the row */
	size_t max_length; /* in characters, after normalization; 0 = none */
	char *pattern;	   /* POSIX ERE the normalized value must match, or NULL */
	regex_t regex;	   /* compiled pattern, valid when pattern != NULL */
	char *separator;   /* list fields: separator in the source and the store */
	char **skip_items; /* list fields: items left out (case ignored), such
			    * as Google's system labels */
	size_t nskip_items;
	/* List fields: the field whose further values this one keeps
	 * (collects = NAME): a cell of that field holding several values
	 * joined by " ::: " keeps its first, and the others come here, each
	 * normalized as that field's values are when it can be. NULL: none. */
	const struct field *collects;
	char *collects_name; /* as the file names it, until checked */
	char **synonyms;     /* header names that map to this field */
	size_t nsynonyms;
	char **values; /* enum fields: allowed values, canonical spelling */
	size_t nvalues;
	int decimal_comma;	    /* number fields: "1.234,5" and "12,5" are accepted */
	int integer;		    /* number fields: only whole numbers */
	int yearless;		    /* date fields: a day without a year
				     * (--MM-DD, as vCard and Google write
				     * a birthday) is a date too */
	enum on_invalid on_invalid; /* schema_load: drop_value for optional
					 * fields that are no match key, unless
					 * the file says reject_row */
	/* A restore's reference (references = TABLE or TABLE.FIELD): the
	 * field's values are keys of the backup's table TABLE, its match key
	 * or FIELD. NULL: none (an import of one file leaves it alone). */
	char *references_table;
	char *references_field; /* or NULL: the table's match key */
};

struct schema {
	char *name;
	char *path;   /* the file it was read from */
	char *table;  /* target table */
	char *region; /* default phone region (ISO 3166 alpha-2) */
	/* The field whose value, a country, gives the phone region of its row
	 * (region_field = NAME), or NULL. */
	const struct field *region_field;
	enum date_order date_order;
	int date_order_set; /* the file says date_order (else MDY by default) */
	struct field *fields;
	size_t nfields;
	size_t *match_keys; /* field indexes, in priority order */
	size_t nmatch_keys;
};

/* The directories schemas are looked up in, in order: $SLUICE_SCHEMA_DIR
 * (when set and not empty), the installed schema directory, ./data/schemas,
 * and data/schemas beside the program (src/../data/schemas: a build run
 * from its tree). A NULL-terminated array of new strings. */
char **schema_dirs(void);

/* The schemas a person can choose from: the names (without ".schema") of
 * the schema files in the directories of schema_dirs, each once, in byte
 * order. A NULL-terminated array of new strings. */
char **schema_list(void);

/* Frees a list schema_dirs or schema_list returned. */
void schema_strings_free(char **list);

/* Loads a schema by NAME (looked up in the directories of schema_dirs, the
 * first that has NAME.schema) or by PATH (anything containing a
 * '/' or ending in ".schema"). On failure returns NULL and sets *cause to a
 * sentence naming the file, the line and the reason (caller frees). */
struct schema *schema_load(const char *name_or_path, char **cause);

void schema_free(struct schema *schema);

/* Whether s can name a table or a field: [A-Za-z_][A-Za-z0-9_]*, 64
 * bytes at most, neither id, imported_from nor sluice_…. */
int schema_valid_identifier(const char *s);

/* Index of the field called name, or -1. */
int schema_field_index(const struct schema *schema, const char *name);

/* 1 if field index f is one of the match keys. */
int schema_is_match_key(const struct schema *schema, size_t f);

/* The names (or, with labels set, the labels) of the fields at indexes
 * fields[0..n), joined with sep: "email or phone". A new string. */
char *schema_join_fields(const struct schema *schema, const size_t *fields, size_t n, int labels,
    const char *sep);

/* The word of schema files for on_invalid ("reject_row", "drop_value"). */
const char *schema_on_invalid_name(enum on_invalid on_invalid);

/* Name of a field type as written in schema files ("email", …). */
const char *schema_type_name(enum field_type type);

#endif
