/* Inside the report module: reading one import's journal for the writers
 * (report-xlsx.c, report-pdf.c, report-csv.c, report-json.c). Other
 * modules use report.h. */
#ifndef SLUICE_REPORT_INT_H
#define SLUICE_REPORT_INT_H

#include <stdint.h>

#include "journal.h"
#include "report.h"
#include "store.h"

/* One source column of the import's mapping, in the journal's order. */
struct report_column {
	int64_t column; /* 0-based */
	char *header;	/* or NULL */
	char *field;	/* NULL: not imported */
};

/* An open database with one import's journal, read inside one read
 * snapshot so that every cursor sees the same journal. */
/* A new empty file beside path (in its directory, so that a rename moves
 * it onto path at once) for a writer to write, or path itself when it is a
 * device or a pipe; NULL and *cause when there can be none. */
char *report_temp_beside(const char *path, char **cause);

/* Ends a writer's work in tmp: when rc is 0 tmp is renamed onto path (a
 * file there, or a link, is replaced whole, at once), else removed, so that
 * a report is never left half-written and what was at path stays. Frees
 * tmp; returns rc, or -1 and *cause when the rename fails. */
int report_put_in_place(char *tmp, const char *path, int rc, char **cause);

struct report_journal {
	char *db_path; /* as people may see it: password masked */
	struct store *store;
	struct journal *journal;
	struct import_row import;      /* its status as journal_status_seen() */
	uint64_t total;		       /* its rows: total, or rows_done while unknown */
	char **headers;		       /* the source's headers, by column */
	size_t ncolumns;	       /* columns of the Rejected rows: headers or widest row */
	struct report_column *mapping; /* column → field */
	size_t nmapping;
	struct import_row *restore; /* a restore's import: the restore's
				     * imports, one a table, oldest first
				     * (journal_restore); else NULL */
	size_t nrestore;
};

/* Opens db_path and reads import id; -1 and *cause when the database or
 * the import is missing or unreadable. */
int report_journal_open(struct report_journal *rj, const char *db_path, int64_t id, char **cause);
void report_journal_close(struct report_journal *rj);

/* A sentence for a failed read of the journal, a new string. */
char *report_journal_error(struct report_journal *rj);

/* The rejected and failed rows in row order, each with all its errors. */
struct report_reject {
	int64_t row_no, line_no;
	enum outcome outcome;
	char **cells; /* the cells as read */
	size_t ncells;
	char *error; /* its errors as one text, "row 8 (line 9), email: …; …" */
};
struct report_rejects;
struct report_rejects *report_rejects_open(struct report_journal *rj);
/* 1 and *out (valid until the next call) for a row, 0 at the end, -1 when
 * the journal cannot be read. */
int report_rejects_next(struct report_rejects *it, const struct report_reject **out);
void report_rejects_close(struct report_rejects *it);

/* The records an import wrote (report-export.c), with their values now. */
struct report_record {
	int64_t id;
	enum outcome outcome;	   /* created, updated or merged */
	const char *const *values; /* one per schema field; NULL: empty */
};
struct report_records;
struct schema;
/* Loads the import's schema and starts reading its changes; NULL and
 * *cause when the schema is gone or writes elsewhere now. outcomes:
 * REPORT_OUTCOME bits. */
struct report_records *report_records_open(struct report_journal *rj, unsigned outcomes,
    char **cause);
const struct schema *report_records_schema(const struct report_records *it);
/* 1 and *out (valid until the next call), 0 at the end, -1 when the
 * journal or the table cannot be read. */
int report_records_next(struct report_records *it, const struct report_record **out);
/* The records left out because they were deleted since. */
uint64_t report_records_gone(const struct report_records *it);
void report_records_close(struct report_records *it);

/* An import's duration as reports show it: the journal's, to the
 * millisecond (its floating-point noise removed). */
double report_duration(double duration_s);

#endif
