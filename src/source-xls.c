/* The XLS source: a legacy Excel 97-2003 (BIFF) workbook read through
 * FreeXL, which loads the chosen sheet's cells when the sheet is selected
 * (at most 65,536 rows of 256 columns in that format); rows are given out
 * one at a time from there. Numbers and dates are written as for XLSX, by
 * source-sheet.c. */
#include "config.h"

#include <errno.h>

#include <signal.h>

#include <sys/wait.h>

#include <freexl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "source.h"
#include "source-sheet.h"
#include "text.h"
#include "xmalloc.h"

struct xls_source {
	const void *handle;
	int fd;
	char *name; /* the path, escaped */
	uint64_t size;
	struct source_sheet_info *infos;
	char **names;
	size_t nsheets;
	size_t sheet;
	char *description;
	unsigned nrows;
	unsigned short ncols;
	unsigned next; /* the next row to read, 0-based */
	struct sheet_rows rows;
	char *failure;
};

static char *
xls_open_error(const char *name, int rc)
{
	switch (rc) {
	case FREEXL_INSUFFICIENT_MEMORY:
		return xasprintf(_("There is not enough memory to read the workbook %s."), name);
	case FREEXL_CRAFTED_FILE:
		return xasprintf(
		    _("%s is refused: its structure is damaged in a way that looks "
		      "crafted. Save it again from the spreadsheet program, or ask for a new copy "
		      "of the file."),
		    name);
	case FREEXL_BIFF_WORKBOOK_NOT_FOUND:
		return xasprintf(
		    _("%s is an Office file but not an Excel workbook (or it is "
		      "encrypted); sluice reads XLSX, XLS and CSV files: save it in one of those "
		      "formats and import that."),
		    name);
	default:
		return xasprintf(_("%s cannot be read as an Excel 97-2003 workbook: it is "
				   "damaged or not a workbook. Save it again from the spreadsheet program "
				   "(as XLSX or CSV), or ask for a new copy of the file."),
		    name);
	}
}

/* The text of cell (row, col) into buf or pointing into FreeXL's memory;
 * *len 0 for an empty cell. */
static const char *
xls_cell_text(struct xls_source *s, unsigned row, unsigned short col, char *buf, size_t *len)
{
	FreeXL_CellValue v;
	const char *text;
	int n;

	*len = 0;
	if (freexl_get_cell_value(s->handle, row, col, &v) != FREEXL_OK)
		return "";
	switch (v.type) {
	case FREEXL_CELL_INT:
		n = snprintf(buf, SHEET_NUMBER_SIZE, "%d", v.value.int_value);
		*len = (size_t)n;
		return buf;
	case FREEXL_CELL_DOUBLE: *len = sheet_format_number(v.value.double_value, buf); return buf;
	case FREEXL_CELL_TEXT:
	case FREEXL_CELL_SST_TEXT:
	case FREEXL_CELL_TIME:
	case FREEXL_CELL_DATE:
		text = v.value.text_value != NULL ? v.value.text_value : "";
		*len = strlen(text);
		return text;
	case FREEXL_CELL_DATETIME:
		text = v.value.text_value != NULL ? v.value.text_value : "";
		*len = strlen(text);
		if (*len >= SHEET_NUMBER_SIZE)
			*len = SHEET_NUMBER_SIZE - 1;
		memcpy(buf, text, *len);
		buf[*len] = '\0';
		if (*len > 10 && buf[10] == ' ')
			buf[10] = 'T';
		return buf;
	default: return "";
	}
}

/* Reads rows until one holds a value: 1, or 0 at the end of the sheet, or
 * -1 with s->failure set. *line is its row number as the spreadsheet
 * shows it. */
static int
xls_read_row(struct xls_source *s, uint64_t *line)
{
	char buf[SHEET_NUMBER_SIZE], *cause = NULL;
	const char *text;
	unsigned short c;
	size_t len;

	while (s->next < s->nrows) {
		unsigned r = s->next++;

		sheet_row_begin(&s->rows);
		for (c = 0; c < s->ncols; c++) {
			text = xls_cell_text(s, r, c, buf, &len);
			if (len == 0)
				continue;
			if (sheet_row_add(&s->rows, c, text, len, (uint64_t)r + 1, &cause) != 0) {
				s->failure = cause;
				return -1;
			}
		}
		if (!sheet_row_empty(&s->rows)) {
			*line = (uint64_t)r + 1;
			return 1;
		}
	}
	return 0;
}

static void xls_close(void *);

/* FreeXL trusts the file's structure (a malformed OLE2 file overflows a
 * buffer inside freexl_open, found by fuzzing). So a child process reads
 * the whole workbook first: if FreeXL crashes or hangs there, the file is
 * refused and sluice goes on. Returns 0 when the child read it all. */
static int
xls_probe(const char *path)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return 0; /* no probe possible: read it as before */
	if (pid == 0) {
		const void *h = NULL;
		unsigned int count = 0, rows, i, r;
		unsigned short cols, c;
		FreeXL_CellValue cell;
		alarm(60);
		if (freexl_open(path, &h) != FREEXL_OK)
			_exit(0); /* the parent reports FreeXL's error */
		if (freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &count) != FREEXL_OK)
			count = 0;
		for (i = 0; i < count; i++) {
			if (freexl_select_active_worksheet(h, (unsigned short)i) != FREEXL_OK ||
			    freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK)
				continue;
			for (r = 0; r < rows; r++)
				for (c = 0; c < cols; c++)
					freexl_get_cell_value(h, r, c, &cell);
		}
		freexl_close(h);
		_exit(0);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void *
xls_open(int fd, const char *path, const struct source_options *opts, char **cause)
{
	struct xls_source *s = xcalloc(1, sizeof *s);
	unsigned int info, count, i;
	const char *sheet_name;
	char fdpath[64], *esc;
	struct stat sb;
	uint64_t line;
	long chosen;
	int rc;

	s->fd = fd;
	s->name = text_escape(path);
	sheet_rows_init(&s->rows, s->name);
	if (fstat(fd, &sb) == 0)
		s->size = (uint64_t)sb.st_size;
	/* FreeXL opens by name: the descriptor's name reads the very file
	 * that was sniffed. */
	snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", fd);
	if (xls_probe(access(fdpath, R_OK) == 0 ? fdpath : path) != 0) {
		*cause = xasprintf(
		    _("%s is a damaged XLS workbook: the XLS reader could not get "
		      "through it. Open it in the spreadsheet program and save it again (as XLSX "
		      "if you can), then import that."),
		    s->name);
		goto fail;
	}
	rc = freexl_open(access(fdpath, R_OK) == 0 ? fdpath : path, &s->handle);
	if (rc != FREEXL_OK) {
		s->handle = NULL;
		*cause = xls_open_error(s->name, rc);
		goto fail;
	}
	if (freexl_get_info(s->handle, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK &&
	    info == FREEXL_BIFF_OBFUSCATED) {
		*cause = xasprintf(_("%s is protected by a password; open it in the spreadsheet "
				     "program, remove the password, save it and import it again."),
		    s->name);
		goto fail;
	}
	if (freexl_get_info(s->handle, FREEXL_BIFF_SHEET_COUNT, &count) != FREEXL_OK)
		count = 0;
	s->infos = xcalloc(count > 0 ? count : 1, sizeof *s->infos);
	s->names = xcalloc(count > 0 ? count : 1, sizeof *s->names);
	for (i = 0; i < count; i++) {
		if (freexl_get_worksheet_name(s->handle, (unsigned short)i, &sheet_name) != FREEXL_OK ||
		    sheet_name == NULL)
			sheet_name = "";
		s->names[i] = xstrdup(sheet_name);
		s->infos[i].name = s->names[i];
	}
	s->nsheets = count;
	chosen =
	    sheet_choose(s->infos, s->nsheets, opts != NULL ? opts->sheet : NULL, s->name, cause);
	if (chosen < 0)
		goto fail;
	s->sheet = (size_t)chosen;
	esc = text_escape(s->names[s->sheet]);
	s->description = xasprintf(_("XLS, sheet \"%s\""), esc);
	if (freexl_select_active_worksheet(s->handle, (unsigned short)s->sheet) != FREEXL_OK ||
	    freexl_worksheet_dimensions(s->handle, &s->nrows, &s->ncols) != FREEXL_OK) {
		*cause = xasprintf(_("The sheet \"%s\" of %s cannot be read: the workbook is "
				     "damaged. Save it again from the spreadsheet program."),
		    esc, s->name);
		free(esc);
		goto fail;
	}
	switch (xls_read_row(s, &line)) {
	case 1: break;
	case 0:
		*cause =
		    xasprintf(_("The sheet \"%s\" of %s is empty: there is no header row. "
				"Choose another sheet with --sheet (sluice inspect %s lists them)."),
			esc, s->name, s->name);
		free(esc);
		goto fail;
	default:
		*cause = s->failure;
		s->failure = NULL;
		free(esc);
		goto fail;
	}
	free(esc);
	sheet_take_header(&s->rows);
	return s;

fail:
	xls_close(s);
	return NULL;
}

static const char *const *
xls_header(void *state, size_t *n)
{
	struct xls_source *s = state;

	*n = s->rows.nheader;
	return (const char *const *)s->rows.header;
}

static int
xls_next(void *state, struct row **row, char **cause)
{
	struct xls_source *s = state;
	uint64_t line;

	if (s->failure != NULL) {
		*cause = xstrdup(s->failure);
		return -1;
	}
	switch (xls_read_row(s, &line)) {
	case 1: *row = sheet_row_make(&s->rows, line); return 1;
	case 0: return 0;
	default: *cause = xstrdup(s->failure); return -1;
	}
}

/* The share of the sheet's rows read, in bytes of the file. */
static uint64_t
xls_offset(void *state)
{
	struct xls_source *s = state;

	if (s->nrows == 0 || s->next >= s->nrows)
		return s->size;
	return (uint64_t)((double)s->size * (double)s->next / (double)s->nrows);
}

static const char *
xls_describe(void *state)
{
	struct xls_source *s = state;

	return s->description;
}

static const char *
xls_sheet_name(void *state)
{
	struct xls_source *s = state;

	return s->names[s->sheet];
}

static const struct source_sheet_info *
xls_sheets(void *state, size_t *n)
{
	struct xls_source *s = state;

	*n = s->nsheets;
	return s->infos;
}

static void
xls_close(void *state)
{
	struct xls_source *s = state;
	size_t i;

	if (s == NULL)
		return;
	if (s->handle != NULL)
		freexl_close(s->handle);
	if (s->fd != -1)
		close(s->fd);
	for (i = 0; i < s->nsheets; i++)
		free(s->names[i]);
	free(s->names);
	free(s->infos);
	free(s->description);
	free(s->failure);
	sheet_rows_free(&s->rows);
	free(s->name);
	free(s);
}

const struct source_ops source_xls_ops = {
	.name = "xls",
	.open = xls_open,
	.header = xls_header,
	.next = xls_next,
	.offset = xls_offset,
	.describe = xls_describe,
	.sheet = xls_sheet_name,
	.close = xls_close,
	.sheets = xls_sheets,
};
