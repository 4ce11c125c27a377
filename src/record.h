/* A record: one source row on its way through validation and the store,
 * with everything the journal keeps of it. Shared by engine and journal. */
#ifndef SLUICE_RECORD_H
#define SLUICE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

enum error_type {
	ERROR_VALIDATION, /* the value is wrong */
	ERROR_DATABASE,	  /* the database refused the row */
	ERROR_SYSTEM,	  /* disk, memory, file */
	ERROR_BUSINESS,	  /* the row matches two records, or a record
				 * whose other match key differs */
	ERROR_CONNECTION, /* the connection to the database server was
				 * lost and not made again: an import's stop,
				 * never a row's */
	ERROR_TYPE_COUNT
};

struct row_error {
	int field;		/* schema field, or -1 for the whole row */
	const char *field_name; /* the schema's name of it, or NULL */
	enum error_type type;
	char *message;
	char *value; /* the offending value as read, or NULL */
	int dropped; /* the value was left out, the row kept */
};

struct record {
	uint64_t row_no;  /* 1 = first data row */
	uint64_t line_no; /* physical line where it starts */
	char **values;	  /* one per schema field, normalized; NULL = empty */
	char **cells;	  /* the source cells as read */
	size_t ncells;
	struct row_error *errors;
	size_t nerrors;
	size_t nvalidation;   /* errors[0..nvalidation) came from validation */
	int invalid;	      /* they reject the row; else they are values
				 * dropped from it */
	enum outcome outcome; /* rejected by validation, else set when written */
	int64_t record_id;    /* the stored record written or matched */
	char *before;	      /* JSON before-image for updated/merged */
	uint64_t after_hash;  /* fingerprint of what was written */
	int64_t matched_from; /* imported_from of the record it matched, -1: none */
	int key_conflict;     /* it met record_id with a key conflict */
};

/* A cell fixed by hand before the import (the wizard's preview): applied
 * when the row is read, before validation, and recorded in the journal. */
struct engine_fix {
	uint64_t row;	      /* 1 = first data row */
	size_t column;	      /* source column, 0-based */
	const char *original; /* what the file holds, for the journal */
	const char *value;    /* what to import instead */
};

const char *record_error_type_name(enum error_type t);
/* The error type as people read it, translated ("validation"). */
const char *record_error_type_label(enum error_type t);
/* The error type with this name, or -1. */
int record_error_type_parse(const char *name);

/* One journaled error as history, show, the reports and the engine's
 * result read it. The strings belong to whoever filled the row. */
struct error_row {
	int64_t row_no;	 /* 1 = first data row; 0: the whole import */
	int64_t line_no; /* physical line, or 0 */
	char *field;	 /* the schema's field name, or NULL */
	enum error_type type;
	char *message;
	char *value; /* the offending value as read, or NULL */
	int dropped; /* a value dropped from a row that was kept,
				 * not an error that rejected the row */
};

/* A name with a count: errors by field, by type. */
struct name_count {
	char *name;
	uint64_t n;
};

#endif
