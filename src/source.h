/* Sources: a file read as a header followed by rows of UTF-8 cells, one row
 * at a time, in constant memory. One operation table per format
 * (source-csv.c, source-xlsx.c, source-xls.c, source-vcard.c); source.c picks the format
 * from the content. Knows nothing of schemas or databases. */
#ifndef SLUICE_SOURCE_H
#define SLUICE_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* One row of the file, owned by the source and valid until the next call
 * to source_next() or source_close(). */
struct row {
	uint64_t number; /* 1 = first row after the header */
	/* CSV: physical line (1-based) where the row starts; workbooks: the
	 * row number the spreadsheet shows. */
	uint64_t line;
	size_t ncells;
	char **cells; /* NUL-terminated UTF-8; never NULL */
	size_t *lens; /* byte length of each cell */
	/* When the row cannot be read as cells matching the header (wrong
	 * number of fields, bytes that are not UTF-8, a quote never closed),
	 * error is a sentence naming the row, the line and what is wrong, and
	 * cells hold what could be read. NULL otherwise. */
	char *error;
};

struct source_options {
	int delimiter; /* 0: sniff among , ; TAB | */
	/* Workbooks: a sheet name or 1-based number; NULL: the first visible
	 * sheet holding rows (the first visible one when none does). */
	const char *sheet;
	const char *encoding; /* CSV: force this encoding (iconv name); NULL: detect */
	/* CSV: the most bytes a field holds (0: SOURCE_FIELD_MAX_DEFAULT); a
	 * row holds at most four times that. A longer field is not kept: its
	 * row comes with an error naming the field and its size. */
	size_t max_field;
	/* The line (CSV) or spreadsheet row (workbooks) the header is on
	 * (1-based; the first record or row with a value starting there or
	 * after it); 0: the first of the first 20 with two values or more,
	 * none an e-mail or web address, a number or a sentence
	 * (source_is_data), so that notes above the header (LinkedIn) are
	 * skipped; the first when none is. */
	uint64_t header_line;
	/* Workbooks: an empty sheet opens, with no header and no rows, instead
	 * of being refused (sluice inspect lists every sheet). */
	bool empty_ok;
	/* Workbooks (XLSX): rows may be given out before all of the sheet has
	 * been read, once its header has been (a sheet of fewer than some
	 * thousands of rows is read whole first, as without it). Whether all
	 * of it could be read is then source_settle()'s to say: until it has
	 * said so, nothing read may be kept. */
	bool early;
};

#define SOURCE_FIELD_MAX_DEFAULT (1024 * 1024)
#define SOURCE_FIELD_MAX_LIMIT (256 * 1024 * 1024) /* the most max_field may be */

struct source;

/* A sheet of a workbook, as a person choosing one sees it. */
struct source_sheet_info {
	const char *name;
	bool hidden;	  /* hidden in the spreadsheet program */
	bool chart;	  /* a chart sheet: it holds no cells */
	uint64_t records; /* a JSON backup's table: its records; 0: not known */
};

struct source_ops {
	const char *name; /* "csv" */
	/* Opens path (fd already open, positioned at 0) and reads the header.
	 * Returns NULL and sets *cause on failure. Takes ownership of fd
	 * always: it is closed on failure too. */
	void *(*open)(int fd, const char *path, const struct source_options *, char **cause);
	/* The header: *n column names. */
	const char *const *(*header)(void *state, size_t *n);
	/* 1: *row set; 0: end of file; -1: the rest of the file cannot be
	 * read, *cause says why (rows already returned stand). */
	int (*next)(void *state, struct row **row, char **cause);
	/* Bytes consumed so far. */
	uint64_t (*offset)(void *state);
	/* A short description for people, e.g. "CSV, delimiter ';'". */
	const char *(*describe)(void *state);
	/* The sheet read (workbooks) and the encoding read (CSV), or NULL. */
	const char *(*sheet)(void *state);
	const char *(*encoding)(void *state);
	void (*close)(void *state);
	/* Workbooks: the sheets in the workbook's order, or NULL. */
	const struct source_sheet_info *(*sheets)(void *state, size_t *n);
	/* CSV: the delimiter read. */
	int (*delimiter)(void *state);
	/* CSV: the line the header was read on (NULL: 1). */
	uint64_t (*header_line)(void *state);
	/* A part of the file (a JSON backup's table): the bytes [start, end)
	 * the rows lie in, which progress is counted over (NULL: the file). */
	void (*extent)(void *state, uint64_t *start, uint64_t *end);
	/* A JSON backup: its members that are no table, as JSON text (NULL:
	 * none; see source_members()). */
	const char *(*members)(void *state);
	/* With source_options.early: waits until all of the file has been
	 * read: 0, or -1 with *cause (the sentence open would have given)
	 * when it could not be; settled says without waiting whether it has
	 * been (NULL: a format that never gives rows early). Both may be
	 * called from a thread other than the one reading rows. */
	int (*settle)(void *state, char **cause);
	bool (*settled)(void *state);
};

extern const struct source_ops source_csv_ops;
extern const struct source_ops source_xlsx_ops;
extern const struct source_ops source_xls_ops;
extern const struct source_ops source_vcard_ops;
extern const struct source_ops source_json_ops;

/* Opens path, decides its format from its content and reads its header.
 * Returns NULL and sets *cause (naming the file) when the file cannot be
 * read or is not a format sluice reads. */
struct source *source_open(const char *path, const struct source_options *opts, char **cause);
const char *const *source_header(struct source *s, size_t *n);
int source_next(struct source *s, struct row **row, char **cause);
/* Bytes read so far and the file's size, for progress (of a JSON
 * backup's table: the bytes of its array). */
void source_progress(struct source *s, uint64_t *done, uint64_t *total);
/* The file's size when it was opened. */
uint64_t source_file_size(struct source *s);
const char *source_describe(struct source *s);
const char *source_format(struct source *s);
/* The sheet and the encoding read, or NULL where they do not apply. */
const char *source_sheet(struct source *s);
const char *source_encoding(struct source *s);
/* Workbooks: all the sheets, in the workbook's order, valid until
 * source_close(); *n is 0 and NULL returned for CSV. A sheet is chosen by
 * its name or its 1-based number in this list (source_options.sheet). */
const struct source_sheet_info *source_sheets(struct source *s, size_t *n);
/* The most bytes of a JSON backup's other members a restore keeps. */
#define SOURCE_MEMBERS_MAX 65536
/* A JSON backup's members that are no table (its metadata, …), valid until
 * source_close(): the JSON text {"members": {NAME: VALUE, …}, "left_out":
 * [NAME, …], "more_left_out": N}, members kept whole while they fit in
 * SOURCE_MEMBERS_MAX bytes between them, the others only named in
 * left_out (up to SOURCE_MEMBERS_MAX / 16 bytes of names; N more
 * counted); NULL when it has none (and for other formats). */
const char *source_members(struct source *s);
/* The line (CSV) or spreadsheet row (workbooks) the header was read on,
 * after the ones skipped above it; 1 for other formats. */
uint64_t source_header_line(struct source *s);
/* CSV: the delimiter read; 0 for workbooks. */
int source_delimiter(struct source *s);
/* With source_options.early: 0 once all of the file has been read
 * cleanly (at once for a file read whole when it was opened), -1 with
 * *cause when it could not be, and then no row read from it may be kept:
 * the rows already given out came from a file that turned out damaged.
 * source_settled() says, without waiting, whether source_settle() would.
 * Both may be called from another thread than source_next()'s. */
int source_settle(struct source *s, char **cause);
bool source_settled(struct source *s);
void source_close(struct source *s);

#define SOURCE_HEADER_ROWS 20 /* the rows the header is looked for in */
#define SOURCE_NAME_MAX 64    /* the longest column name the search expects */

/* Whether a value (len > 0 bytes, without leading blanks) names no column:
 * an e-mail or web address, a number or a phone number, or a sentence (a
 * note above the header, as LinkedIn writes them). The header is the first
 * of the first SOURCE_HEADER_ROWS rows with two values or more, none of
 * them so. */
bool source_is_data(const char *p, size_t len);

/* The SHA-256 of the file at path as 64 hex digits into hex[65]. Returns
 * -1 and sets *cause when it cannot be read. */
int source_sha256(const char *path, char hex[65], char **cause);

#endif
