/* What the workbook sources (source-xlsx.c, source-xls.c) share: numbers
 * and dates written as a person sees them in the spreadsheet, and rows of
 * cells placed by column under the header row. */
#ifndef SLUICE_SOURCE_SHEET_H
#define SLUICE_SOURCE_SHEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source.h"

#define SHEET_COLUMNS_MAX 16384 /* XFD, as Excel */
#define SHEET_ROWS_MAX 1048576
#define SHEET_CELL_MAX (1024 * 1024) /* text of one cell */
#define SHEET_ROW_TEXT_MAX (4 * 1024 * 1024)
#define SHEET_NUMBER_SIZE 40 /* room for any number or date */

/* How a cell's number format shows its number. */
enum sheet_kind {
	SHEET_NUMBER,
	SHEET_DATE,	/* YYYY-MM-DD */
	SHEET_DATETIME, /* YYYY-MM-DDTHH:MM:SS */
	SHEET_TIME,	/* HH:MM:SS, the time of day */
	SHEET_ELAPSED,	/* HH:MM:SS, hours counted past 24 ([h]:mm) */
};

/* The kind of the built-in number format id (0-163). */
enum sheet_kind sheet_builtin_kind(unsigned id);
/* The kind of a number format code such as "yyyy-mm-dd" or "0.00". */
enum sheet_kind sheet_format_kind(const char *code);

/* v as a person reads it: integers without ".0", no exponent from 1e-7 to
 * 1e21 (phone numbers in full), and the shortest decimal that reads back
 * as v (0.1, not 0.1000000000000000055). Returns the length written to
 * out[SHEET_NUMBER_SIZE]. */
size_t sheet_format_number(double v, char *out);

/* Reads the number written as text in s (with a '.', whatever the
 * locale) into *v; false when s is not a number. */
bool sheet_parse_number(const char *s, double *v);

/* The same for the number written as text in s (as an XLSX file holds
 * it); returns 0 when s is not a number. */
size_t sheet_format_number_text(const char *s, char *out);

/* The serial date v (days since the workbook's epoch; date1904 for the
 * Macintosh 1904 date system) in ISO 8601 for kind. Dates before the epoch
 * or after 9999-12-31 come out as numbers. Returns the length written to
 * out[SHEET_NUMBER_SIZE]. */
size_t sheet_format_date(double v, enum sheet_kind kind, bool date1904, char *out);

/* "A" for column 0, "XFD" for 16383; out holds 4 bytes. */
void sheet_column_name(unsigned col, char out[4]);

/* The first visible sheet of cells after sheet after, or -1: where a
 * workbook opened without a choice looks when a sheet is empty. */
long sheet_next_with_cells(const struct source_sheet_info *infos, size_t n, size_t after);

/* Picks the sheet asked for among infos[0..n): by its name, then its name
 * ignoring case, then its 1-based number; without a choice (want NULL), the
 * first visible sheet of cells. file is the file's name, escaped, and kind
 * "XLSX" or "XLS" for messages. Returns the index, or -1 with *cause set. */
long sheet_choose(const struct source_sheet_info *infos, size_t n, const char *want,
    const char *file, char **cause);

/* The rows of a sheet: the first row with a value is the header; the
 * cells of each row after it are placed in their columns, missing ones
 * empty, up to the header's width. */
struct sheet_rows {
	const char *name; /* the file's name, escaped */
	/* The row being read. */
	char *text; /* its cells' text, text[0] = '\0' for empty cells */
	size_t text_len, text_size;
	unsigned *cols;
	size_t *offs, *lens;
	size_t ncells, cells_size;
	/* What is wrong with a cell of it (the first thing found, without
	 * the row's number), or NULL: the row is then given out with an
	 * error, and a header with one is refused by the source. */
	char *problem;
	/* The header. */
	char **header;
	size_t nheader;
	char *header_text;
	bool have_header;
	/* The row given out. */
	struct row row;
	size_t row_size;
	uint64_t rows; /* data rows given out */
};

void sheet_rows_init(struct sheet_rows *r, const char *name);
void sheet_rows_free(struct sheet_rows *r);
/* Starts a new row. */
void sheet_row_begin(struct sheet_rows *r);
/* Adds the value v[0..n) of column col (n > 0); v NULL only counts it,
 * for a pass that checks the rows without giving them out. Returns -1 and
 * sets *cause when the row holds more cells or text than sluice reads. A
 * second value for a column the row already has is not added: it is the
 * row's problem (neither value silently wins). */
int sheet_row_add(struct sheet_rows *r, unsigned col, const char *v, size_t n, uint64_t line,
    char **cause);
/* Notes what is wrong with a cell of the row being read: why (a new
 * string, taken) becomes its problem unless it has one already. */
void sheet_row_problem(struct sheet_rows *r, char *why);
/* Whether the row holds no value. */
bool sheet_row_empty(const struct sheet_rows *r);
/* Whether the row being read, the nth with a value (0-based) of its sheet
 * at spreadsheet row line, is the header by source_options.header_line
 * want: the first at row want or after it; without want (0), the first of
 * the first SOURCE_HEADER_ROWS with two values or more, none of them data
 * (source_is_data). Without want and such a row, the first row with a
 * value is the header: the caller's to decide when none was found. */
bool sheet_row_is_header(const struct sheet_rows *r, size_t nth, uint64_t line, uint64_t want);
/* description with the header's row named and the rows with values above
 * it, skipped (when there are some): a new string. */
char *sheet_describe_header(const char *description, uint64_t line, uint64_t skipped);
/* Keeps the row as the header. */
void sheet_take_header(struct sheet_rows *r);
/* The row as a source row at spreadsheet row line, with an error when it
 * has values beyond the header's width. */
struct row *sheet_row_make(struct sheet_rows *r, uint64_t line);

#endif
