/* Inside the report module: reading one import's journal for the writers
 * (report-xlsx.c, report-csv.c, report-json.c). Other modules use
 * report.h. */
#ifndef SLUICE_REPORT_INT_H
#define SLUICE_REPORT_INT_H

#include <sqlite3.h>
#include <stdint.h>

#include "journal.h"
#include "report.h"
#include "store.h"

/* One sluice_imports row; strings are NULL when the journal has none. */
struct report_import {
	int64_t id;
	char *source_path, *source_sha256, *source_format, *source_description;
	char *sheet, *encoding, *schema_name, *target_table, *mapping, *strategy;
	char *status, *started_at, *finished_at, *host, *user_name, *last_error;
	int64_t source_size, batch_size, total, pid;
	int dry_run;
	int64_t counts[OUTCOME_COUNT];	/* by enum outcome */
	double duration_s;		/* < 0: not finished */
};

/* An open database with one import's journal, read inside one read
 * transaction so every query sees the same snapshot. */
struct report_journal {
	const char *db_path;
	struct store *store;
	struct journal *journal;
	sqlite3 *db;
	struct report_import import;
	char **headers;		/* the source's headers, by column */
	size_t ncolumns;	/* columns of the Rejected rows: headers or widest row */
};

/* Opens db_path and reads import id; -1 and *cause when the database or
 * the import is missing or unreadable. */
int report_journal_open(struct report_journal *rj, const char *db_path, int64_t id,
    char **cause);
void report_journal_close(struct report_journal *rj);

/* A sentence for a failed read of the journal, a new string. */
char *report_journal_error(struct report_journal *rj);

/* The outcome names of the journal's columns and their labels for people
 * (translated by the caller), by enum outcome. */
extern const char *const report_outcome_keys[OUTCOME_COUNT];
extern const char *const report_outcome_labels[OUTCOME_COUNT];


/* The errors of the import in row order: row_no, line_no, field, type,
 * message, value. A prepared statement for the caller to step and
 * finalize; NULL on failure. */
sqlite3_stmt *report_errors_query(struct report_journal *rj);

/* Its batches in order: batch_no, first_row, rows, created … failed,
 * attempts, duration_ms, status. */
sqlite3_stmt *report_batches_query(struct report_journal *rj);

/* The cells fixed by hand before the import, in row and column order:
 * row_no, column_no, header, original, value. NULL when the journal has
 * no such table (made by an older sluice). */
sqlite3_stmt *report_fixes_query(struct report_journal *rj);

/* The rejected and failed rows in row order, each with all its errors. */
struct report_reject {
	int64_t row_no, line_no;
	const char *outcome;
	char **cells;		/* the cells as read */
	size_t ncells;
	char *error;		/* its errors as one text, "row 8 (line 9), email: …; …" */
};
struct report_rejects;
struct report_rejects *report_rejects_open(struct report_journal *rj);
/* 1 and *out (valid until the next call) for a row, 0 at the end, -1 when
 * the journal cannot be read. */
int report_rejects_next(struct report_rejects *it, const struct report_reject **out);
void report_rejects_close(struct report_rejects *it);

/* Removes what a failed writer left at path, if it is a regular file. */
void report_remove_partial(const char *path);

#endif
