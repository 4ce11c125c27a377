/* Reports of one import, read from the journal in its database: an XLSX
 * workbook for people (Summary, Errors, Rejected rows, Batches, Mapping), a
 * PDF to pass on,
 * the rejected rows as CSV ready to correct and import again, a CSV summary
 * of counts and facts, and the JSON report with every batch and error. Whatever the import's size, each writer reads the
 * journal with streaming queries inside one read transaction and writes in
 * constant memory. */
#ifndef SLUICE_REPORT_H
#define SLUICE_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What a writer wrote that a person should hear about. */
struct report_stats {
	uint64_t errors;	/* error lines written */
	uint64_t rejected_rows; /* rejected and failed rows written */
	uint64_t neutralized;	/* CSV: values given a leading ' so no spreadsheet runs them */
	uint64_t cut;		/* values cut at a spreadsheet cell's limit */
	uint64_t left_out;	/* lines beyond a worksheet's last row, not written */
	uint64_t pages;		/* PDF: pages written */
	uint64_t records;	/* export: records written */
	uint64_t gone;		/* export: records deleted since, left out */
};

/* Each writer opens its own connection to the database at db_path (which
 * must exist; it is never created or written) and reads import id. Returns
 * 0 when the report is written; otherwise -1 and *cause (a new string) is a
 * sentence naming what went wrong and what to do: no such database or
 * import, an output path that cannot be written, a database that cannot be
 * read. The import's absence is found before any file is created; a regular
 * file left incomplete by a failure is removed. stats may be NULL. Any
 * thread may call them, even while an import writes to the database: the
 * journal is read in one snapshot. */

/* The workbook at path (replaced if it exists). Temporary files go to
 * $TMPDIR (else /tmp). */
int report_write_xlsx(const char *db_path, int64_t id, const char *path, struct report_stats *stats,
    char **cause);

/* The paper a PDF report is printed on. */
enum report_paper {
	REPORT_PAPER_LOCALE, /* A4, or Letter where the locale's country uses it */
	REPORT_PAPER_A4,
	REPORT_PAPER_LETTER,
};

/* "a4" or "letter" (any case); -1 otherwise. */
int report_paper_parse(const char *name);

/* The paper of the locale: Letter when LC_ALL, else LC_PAPER, else
 * LC_MEASUREMENT, else LANG names a country that uses it (US, CA, MX, PH
 * and others in the Americas), A4 otherwise. */
enum report_paper report_paper_from_locale(void);

struct report_pdf_options {
	enum report_paper paper;
	unsigned errors; /* the first errors listed, then how many more */
};
#define REPORT_PDF_ERRORS 200

/* The PDF report at path (replaced if it exists): page 1 the file and its
 * checksum, the target (password masked), schema, strategy, status, the
 * outcome counts, success rate, values dropped, batches, duration and
 * rows/s, charts of the outcomes and of the errors by field; then errors
 * by type and by field, the first o->errors errors, the batches in brief,
 * the mapping and the cells fixed by hand. Pages numbered, the document's
 * title set; any UTF-8 text laid out (fonts through fontconfig); values
 * escaped as text_escape() does. A handful of pages whatever the import's
 * size. stats->errors counts the errors listed, stats->pages the pages. */
int report_write_pdf(const char *db_path, int64_t id, const char *path,
    const struct report_pdf_options *o, struct report_stats *stats, char **cause);

/* The report import --report FILE writes: a PDF when FILE ends in .pdf
 * (any case), with the locale's paper and REPORT_PDF_ERRORS errors, else
 * the XLSX workbook. */
int report_write_file(const char *db_path, int64_t id, const char *path, char **cause);

/* The rejected and failed rows at path ("-" = standard output): UTF-8 with
 * a BOM, RFC 4180 (CRLF, quotes doubled), the source's header plus an
 * "error" column. Values are neutralized as report_cell_text() says, but
 * never cut: the CSV is the whole copy. */
int report_write_csv_rejects(const char *db_path, int64_t id, const char *path,
    struct report_stats *stats, char **cause);

/* The JSON report on fp: the object sluice show --json prints, with
 * duration_s and rows_per_s, "batch_details" holding every batch ({batch,
 * first_row, rows, the counts, attempts, duration_s, status}) and "errors"
 * every error of the import in row order (not the first 20), both streamed
 * one at a time. */
int report_write_json(const char *db_path, int64_t id, FILE *fp, struct report_stats *stats,
    char **cause);

/* The summary of import id at path ("-" = standard output): a header line
 * naming the columns (id, file, sha256, status, dry_run, schema, table,
 * strategy, started_at, finished_at, duration_s, rows_per_s, total, the
 * counts by outcome, success_rate, values_dropped, batches, failed_batches,
 * retries, as sluice show --json names them) and one line of its facts;
 * RFC 4180 with CRLF, values neutralized as report_cell_text() says. A file
 * starts with a UTF-8 BOM, standard output does not. */
int report_write_csv_summary(const char *db_path, int64_t id, const char *path, char **cause);

/* The same for many imports (sluice history --csv): the header line, then
 * one line for each import im of journal j; the line's -1 when the journal
 * cannot be read. */
struct journal;
struct import_row;
void report_csv_summary_header(FILE *fp);
int report_csv_summary_line(FILE *fp, struct journal *j, const struct import_row *im);

/* sluice export: the records import id created, updated or merged (those
 * whose outcome is in outcomes, bits REPORT_OUTCOME()), one line each in
 * record order: "id", "outcome" (of the import's first change to the
 * record) and a column per schema field with the value the record holds
 * now; a record deleted since is left out (stats->gone). As CSV (UTF-8
 * with a BOM, RFC 4180, values neutralized as report_cell_text() says;
 * "-" = standard output) or as an XLSX workbook (text cells, verbatim),
 * replacing what is at path as the reports do. stats->records counts the
 * lines. */
#define REPORT_OUTCOME(o) (1u << (o))
int report_export_csv(const char *db_path, int64_t id, const char *path, unsigned outcomes,
    struct report_stats *stats, char **cause);
int report_export_xlsx(const char *db_path, int64_t id, const char *path, unsigned outcomes,
    struct report_stats *stats, char **cause);
/* Parses "created,updated,merged" (any of them, comma-separated) into
 * REPORT_OUTCOME bits: 0, or -1 for an empty list or another word. */
int report_outcomes_parse(const char *list, unsigned *mask);

/* Checks, before any work, that a report can be written at path: a file
 * in a directory sluice can write to, not a directory, and not a file it
 * must keep: the database db (or its -wal, -journal and -shm files) or
 * source, the file imported (the same device and inode, links followed;
 * either may be NULL). "-" always passes. Creates and touches nothing. 0,
 * or -1 and *cause naming the path and what to do. The writers call it
 * too; sluice import --report calls it before importing, so a bad path
 * stops nothing half-way. */
int report_check_path(const char *path, const char *db, const char *source, char **cause);

/* Whether a report written at path would replace a file there (a link
 * counts: it would be replaced, not written through). */
int report_path_exists(const char *path);

/* Cell values for spreadsheets, shared by the writers and their tests. */

/* Excel's limit on the characters of one cell (UTF-16 code units). */
#define REPORT_CELL_MAX 32767

/* Whether a spreadsheet could take s for a formula: s starts with =, +, -,
 * @, TAB, CR or LF (OWASP's list for CSV injection). */
int report_cell_is_formula(const char *s);

/* What report_cell_text() did to a value. */
#define REPORT_NEUTRALIZED 0x1
#define REPORT_CUT 0x2

/* The text a spreadsheet cell gets for s, a new string. With neutralize
 * (CSV, where a spreadsheet evaluates text), a value that
 * report_cell_is_formula() gets a leading ' so that it stays text, and one
 * starting with ' gets another, so that taking one off (as sluice import
 * does with its CSV of rejected rows) gives every value back; without
 * (an XLSX string cell, never evaluated) the value is kept as it is. With max > 0, a
 * value longer than max UTF-16 code units is cut on a character boundary
 * and ends with a visible marker "… [cut: N characters]", the whole within
 * max. Bytes that are not UTF-8 become \xNN, as the journal keeps them.
 * *what (may be NULL) gets REPORT_NEUTRALIZED and REPORT_CUT bits. */
char *report_cell_text(const char *s, size_t max, int neutralize, unsigned *what);

/* s as one RFC 4180 field, a new string: in double quotes, quotes doubled,
 * when it holds a comma, a quote, CR or LF, or starts or ends with a space;
 * as it is otherwise. */
char *report_csv_quote(const char *s);

#endif
