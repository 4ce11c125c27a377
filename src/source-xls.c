/* The XLS source, the parent's half: a legacy Excel 97-2003 (BIFF)
 * workbook is parsed by a child process (source-xls-child.c, the only
 * caller of FreeXL), which streams its sheets and cells here as frames
 * (source-xls.h). Every frame is checked; a child that crashes, is killed,
 * runs out of time or says anything malformed makes the file "damaged".
 * Rows are given out one at a time, placed by source-sheet.c. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "i18n.h"
#include "source-sheet.h"
#include "source-xls.h"
#include "source.h"
#include "text.h"
#include "xmalloc.h"

#define XLS_WAIT_MS (120 * 1000) /* the longest the child may keep silent */

struct xls_source {
	int in;	 /* frames from the child */
	int cmd; /* the sheet chosen, to the child */
	pid_t pid;
	char *name; /* the path, escaped */
	uint64_t size;
	struct source_sheet_info *infos;
	char **names;
	size_t nsheets;
	size_t sheet;
	char *description;
	uint32_t nrows;
	uint32_t ncols;
	uint32_t next;	      /* the row after the last read, 0-based */
	uint64_t header_line; /* the header's spreadsheet row */
	bool ended;
	struct sheet_rows rows;
	long missing_col; /* the first formula without a result in the row, or -1 */
	char *failure;
	uint8_t *frame; /* the frame read */
	uint32_t frame_len;
};

static char *
xls_damaged(const char *name)
{
	return xasprintf(_("%s is a damaged XLS workbook: the XLS reader could not get "
			   "through it. Open it in the spreadsheet program and save it again (as XLSX "
			   "if you can), then import that."),
	    name);
}

/* What the child's failure code says, naming the file. */
static char *
xls_failure_text(const char *name, unsigned code)
{
	switch (code) {
	case XLS_NO_MEMORY:
		return xasprintf(_("There is not enough memory to read the workbook %s."), name);
	case XLS_CRAFTED:
		return xasprintf(
		    _("%s is refused: its structure is damaged in a way that looks "
		      "crafted. Save it again from the spreadsheet program, or ask for a new copy "
		      "of the file."),
		    name);
	case XLS_NOT_BOOK:
		return xasprintf(
		    _("%s is an Office file but not an Excel workbook; sluice reads XLSX, "
		      "XLS and CSV files: save it in one of those formats and import that."),
		    name);
	case XLS_ENCRYPTED:
		return xasprintf(
		    _("%s is encrypted with a password, and sluice cannot read encrypted "
		      "workbooks. Ask for a copy without a password (or open it in the "
		      "spreadsheet program, remove the password and save it), then import that."),
		    name);
	case XLS_OLD_BIFF:
		return xasprintf(
		    _("%s is a workbook of Excel 5.0/95 or older (BIFF2 to BIFF5), which the "
		      "XLS reader cannot read. Open it in the spreadsheet program and save it as "
		      "XLSX, then import that."),
		    name);
	case XLS_STREAM_CASE:
		return xasprintf(
		    _("%s holds its workbook under a name in other letters than \"Workbook\" "
		      "(as some programs other than Excel write it), which the XLS reader does "
		      "not find. Open it in the spreadsheet program and save it as XLSX, then "
		      "import that."),
		    name);
	default: return xls_damaged(name);
	}
}

/* Reads exactly n bytes from the child; -1 at its end, on an error, or
 * when it keeps silent too long. */
static int
xls_read(struct xls_source *s, void *buf, size_t n)
{
	struct pollfd pfd = { .fd = s->in, .events = POLLIN };
	char *p = buf;
	ssize_t got;
	int rc;

	while (n > 0) {
		rc = poll(&pfd, 1, XLS_WAIT_MS);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0)
			return -1;
		got = read(s->in, p, n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

/* Reads the next frame: its type, or -1 when there is none whole. */
static int
xls_frame(struct xls_source *s)
{
	uint8_t head[5];
	uint32_t len;

	if (xls_read(s, head, sizeof head) != 0)
		return -1;
	len = (uint32_t)head[1] | (uint32_t)head[2] << 8 | (uint32_t)head[3] << 16 |
	    (uint32_t)head[4] << 24;
	if (len > XLS_FRAME_MAX)
		return -1;
	if (s->frame == NULL)
		s->frame = xmalloc(XLS_FRAME_MAX + 1);
	if (xls_read(s, s->frame, len) != 0)
		return -1;
	s->frame[len] = '\0';
	s->frame_len = len;
	return head[0];
}

static uint32_t
xls_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Whether p[0..n) is UTF-8 text without NUL. */
static bool
xls_text_ok(const uint8_t *p, size_t n)
{
	return memchr(p, '\0', n) == NULL && text_utf8_invalid_at((const char *)p, n) == (size_t)-1;
}

/* The message for a frame that is not the one expected: the child's own
 * failure when it is one, else "damaged". */
static char *
xls_unexpected(struct xls_source *s, int type)
{
	if (type == 'F' && s->frame_len == 1 && s->frame[0] > XLS_OK && s->frame[0] <= XLS_STREAM_CASE)
		return xls_failure_text(s->name, s->frame[0]);
	return xls_damaged(s->name);
}

/* Reads the next row with a value: 1, 0 at the end of the sheet, -1 with
 * s->failure set. *line is its row number as the spreadsheet shows it. */
static int
xls_read_row(struct xls_source *s, uint64_t *line)
{
	char *cause = NULL;
	uint32_t row, col;
	long last_col;
	int type;

	if (s->ended)
		return 0;
	type = xls_frame(s);
	if (type == 'E' && s->frame_len == 0) {
		s->ended = true;
		s->next = s->nrows;
		return 0;
	}
	if (type != 'R' || s->frame_len != 4 || (row = xls_u32(s->frame)) >= s->nrows ||
	    (s->next > 0 && row < s->next)) {
		s->failure = xls_unexpected(s, type);
		return -1;
	}
	s->next = row + 1;
	sheet_row_begin(&s->rows);
	s->missing_col = -1;
	last_col = -1;
	while ((type = xls_frame(s)) == 'C') {
		if (s->frame_len < 3)
			goto damaged;
		col = (uint32_t)s->frame[0] | (uint32_t)s->frame[1] << 8;
		if (col >= s->ncols || (long)col <= last_col || s->frame[2] > XLS_CELL_NO_VALUE ||
		    s->frame_len - 3 > SHEET_CELL_MAX ||
		    (s->frame[2] == XLS_CELL_NO_VALUE) != (s->frame_len == 3) ||
		    !xls_text_ok(s->frame + 3, s->frame_len - 3))
			goto damaged;
		last_col = (long)col;
		if (s->frame[2] == XLS_CELL_NO_VALUE) {
			if (s->missing_col < 0)
				s->missing_col = (long)col;
			continue;
		}
		if (sheet_row_add(&s->rows, col, (const char *)s->frame + 3, s->frame_len - 3,
			(uint64_t)row + 1, &cause) != 0) {
			s->failure = cause;
			return -1;
		}
	}
	if (type != 'W' || s->frame_len != 0 || last_col < 0)
		goto damaged;
	*line = (uint64_t)row + 1;
	return 1;
damaged:
	s->failure = xls_unexpected(s, type);
	return -1;
}

static void xls_close(void *);

/* The sheet list, up to its 'L'. */
static int
xls_read_sheets(struct xls_source *s, char **cause)
{
	int type;

	while ((type = xls_frame(s)) == 'S') {
		if (s->frame_len < 1 || s->frame_len > 1 + XLS_SHEET_NAME_MAX || s->frame[0] > 3 ||
		    !xls_text_ok(s->frame + 1, s->frame_len - 1) || s->nsheets == XLS_SHEETS_MAX)
			goto damaged;
		s->names = xreallocarray(s->names, s->nsheets + 1, sizeof *s->names);
		s->names[s->nsheets++] = xstrdup((const char *)s->frame + 1);
		s->infos = xreallocarray(s->infos, s->nsheets, sizeof *s->infos);
		s->infos[s->nsheets - 1].hidden = (s->frame[0] & 1) != 0;
		s->infos[s->nsheets - 1].chart = (s->frame[0] & 2) != 0;
	}
	if (type != 'L' || s->frame_len != 4 || xls_u32(s->frame) != s->nsheets || s->nsheets == 0)
		goto damaged;
	for (size_t i = 0; i < s->nsheets; i++)
		s->infos[i].name = s->names[i];
	return 0;
damaged:
	*cause = xls_unexpected(s, type);
	return -1;
}

/* Tells the child which sheet to send; -1 when it is gone. */
static int
xls_choose(struct xls_source *s)
{
	uint8_t b[4] = { (uint8_t)s->sheet, (uint8_t)(s->sheet >> 8), (uint8_t)(s->sheet >> 16),
		(uint8_t)(s->sheet >> 24) };
	size_t done = 0;
	ssize_t n;

	while (done < sizeof b) {
		n = send(s->cmd, b + done, sizeof b - done, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

/* Asks the child for sheet s->sheet from its beginning (after the sheet
 * asked before, if any, was read to its end) and reads its size. */
static int
xls_start_sheet(struct xls_source *s, char **cause)
{
	int type;

	s->ended = false;
	s->next = 0;
	type = xls_choose(s) == 0 ? xls_frame(s) : -1;
	if (type != 'D' || s->frame_len != 6 || xls_u32(s->frame) > XLS_ROWS_MAX ||
	    (uint32_t)(s->frame[4] | s->frame[5] << 8) > XLS_COLUMNS_MAX) {
		*cause = xls_unexpected(s, type);
		return -1;
	}
	s->nrows = xls_u32(s->frame);
	s->ncols = (uint32_t)(s->frame[4] | s->frame[5] << 8);
	return 0;
}

/* Reads the rest of the sheet, to its end, and asks for it again. */
static int
xls_restart_sheet(struct xls_source *s, char **cause)
{
	uint64_t line;
	int rc;

	while ((rc = xls_read_row(s, &line)) == 1)
		continue;
	if (rc < 0) {
		*cause = s->failure;
		s->failure = NULL;
		return -1;
	}
	return xls_start_sheet(s, cause);
}

/* Reads the rows of the sheet up to its header (sheet_row_is_header),
 * which it leaves read: 1, with *line its row and *skip the rows with
 * values above it; 0 for an empty sheet; -1 with *cause set. */
static int
xls_find_header(struct xls_source *s, uint64_t want, uint64_t *line, uint64_t *skip, char **cause)
{
	size_t nth = 0;
	int rc;

	*skip = 0;
	while ((rc = xls_read_row(s, line)) == 1) {
		/* One column: no row holds two values, the first is the header. */
		if (sheet_row_is_header(&s->rows, nth, *line, want) || (want == 0 && s->ncols < 2)) {
			*skip = nth;
			return 1;
		}
		if (want == 0 && nth + 1 >= SOURCE_HEADER_ROWS)
			break;
		nth++;
	}
	if (rc < 0) {
		*cause = s->failure;
		s->failure = NULL;
		return -1;
	}
	if (nth == 0 && rc == 0)
		return 0;
	if (want != 0) {
		char *esc = text_escape(s->names[s->sheet]);
		*cause = xasprintf(_("The sheet \"%s\" of %s has no row with a value on row %llu or "
				     "after it: there is no header row there."),
		    esc, s->name, (unsigned long long)want);
		free(esc);
		return -1;
	}
	/* No row looks like a header: the first row with a value is it. */
	if (xls_restart_sheet(s, cause) != 0)
		return -1;
	rc = xls_read_row(s, line);
	if (rc != 1) {
		*cause = rc < 0 ? s->failure : xls_unexpected(s, 'E');
		s->failure = NULL;
		return -1;
	}
	return 1;
}

void *
xls_stream_open(int in, int cmd, pid_t pid, const char *name, const struct source_options *opts,
    char **cause)
{
	struct xls_source *s = xcalloc(1, sizeof *s);
	const char *want = opts != NULL ? opts->sheet : NULL;
	uint64_t line, skip;
	long chosen, first;
	char *esc, *d;
	int type, rc;

	s->in = in;
	s->cmd = cmd;
	s->pid = pid;
	s->name = text_escape(name);
	sheet_rows_init(&s->rows, s->name);
	type = xls_frame(s);
	if (type != 'O' || s->frame_len != 2 || s->frame[0] != XLS_OK) {
		*cause = xls_unexpected(s, type);
		goto fail;
	}
	if (xls_read_sheets(s, cause) != 0)
		goto fail;
	chosen = sheet_choose(s->infos, s->nsheets, want, s->name, cause);
	if (chosen < 0)
		goto fail;
	/* Without a choice, the first sheet holding rows is read. */
	first = chosen;
	for (;;) {
		s->sheet = (size_t)chosen;
		if (s->sheet != (size_t)first && xls_restart_sheet(s, cause) != 0)
			goto fail;
		if (s->sheet == (size_t)first && xls_start_sheet(s, cause) != 0)
			goto fail;
		rc = xls_find_header(s, opts != NULL ? opts->header_line : 0, &line, &skip, cause);
		if (rc < 0)
			goto fail;
		if (rc == 1 || want != NULL ||
		    (chosen = sheet_next_with_cells(s->infos, s->nsheets, s->sheet)) < 0)
			break;
	}
	esc = text_escape(s->names[s->sheet]);
	if (rc == 1 && want == NULL && s->sheet != (size_t)first) {
		char *skipped = text_escape(s->names[first]);
		s->description = xasprintf(
		    _("XLS, sheet \"%s\" (the first with data: \"%s\" is empty)"), esc, skipped);
		free(skipped);
	} else
		s->description = xasprintf(_("XLS, sheet \"%s\""), esc);
	if (rc == 0) {
		if (opts != NULL && opts->empty_ok) {
			free(esc);
			return s; /* no header, no rows: sluice inspect lists it */
		}
		if (want == NULL) {
			free(esc);
			esc = text_escape(s->names[first]);
		}
		*cause = want != NULL ?
		    xasprintf(_("The sheet \"%s\" of %s is empty: there is no header row. "
				"Choose another sheet with --sheet (sluice inspect %s lists them)."),
			esc, s->name, s->name) :
		    xasprintf(_("Every sheet of %s is empty: there is no header row to "
				"read (sluice inspect %s lists the sheets)."),
			s->name, s->name);
		free(esc);
		goto fail;
	}
	free(esc);
	if (s->missing_col >= 0) {
		char column[4];
		sheet_column_name((unsigned)s->missing_col, column);
		*cause = xasprintf(
		    _("The header cell %s%llu of %s is a formula whose result is not saved in the "
		      "file. Open it in the spreadsheet program, save it again and import that."),
		    column, (unsigned long long)line, s->name);
		goto fail;
	}
	s->header_line = line;
	d = sheet_describe_header(s->description, line, skip);
	free(s->description);
	s->description = d;
	sheet_take_header(&s->rows);
	return s;

fail:
	xls_close(s);
	return NULL;
}

/* Starts the child on fd and reads what it sends. */
static void *
xls_open(int fd, const char *path, const struct source_options *opts, char **cause)
{
	int frames[2] = { -1, -1 }, cmd[2] = { -1, -1 }, err;
	struct xls_source *s;
	struct stat sb;
	uint64_t size = 0;
	char *esc;
	pid_t pid = -1;

	if (fstat(fd, &sb) == 0)
		size = (uint64_t)sb.st_size;
	if (pipe2(frames, O_CLOEXEC) == 0 &&
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, cmd) == 0) {
		fflush(NULL);
		pid = fork();
		if (pid == 0)
			xls_child_run(fd, frames[1], cmd[1]);
	}
	err = errno;
	close(fd);
	if (frames[1] != -1)
		close(frames[1]);
	if (cmd[1] != -1)
		close(cmd[1]);
	if (pid < 0) {
		esc = text_escape(path);
		*cause = xasprintf(_("The file %s cannot be read: %s."), esc, strerror(err));
		free(esc);
		if (frames[0] != -1)
			close(frames[0]);
		if (cmd[0] != -1)
			close(cmd[0]);
		return NULL;
	}
	s = xls_stream_open(frames[0], cmd[0], pid, path, opts, cause);
	if (s != NULL)
		s->size = size;
	return s;
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
	struct row *r;
	uint64_t line;
	char column[4];

	if (s->failure != NULL) {
		*cause = xstrdup(s->failure);
		return -1;
	}
	switch (xls_read_row(s, &line)) {
	case 1: break;
	case 0: return 0;
	default: *cause = xstrdup(s->failure); return -1;
	}
	r = sheet_row_make(&s->rows, line);
	if (s->missing_col >= 0 && r->error == NULL) {
		sheet_column_name((unsigned)s->missing_col, column);
		r->error = xasprintf(
		    _("Row %llu (spreadsheet row %llu): the cell %s%llu is a formula whose result "
		      "is not saved in the file, so its value cannot be read; open the file in the "
		      "spreadsheet program, save it again and import that."),
		    (unsigned long long)r->number, (unsigned long long)line, column,
		    (unsigned long long)line);
	}
	*row = r;
	return 1;
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

static uint64_t
xls_header_line(void *state)
{
	struct xls_source *s = state;

	return s->header_line != 0 ? s->header_line : 1;
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
	int status;

	if (s == NULL)
		return;
	close(s->in);
	close(s->cmd);
	if (s->pid > 0) {
		kill(s->pid, SIGKILL);
		while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
			continue;
	}
	for (i = 0; i < s->nsheets; i++)
		free(s->names[i]);
	free(s->names);
	free(s->infos);
	free(s->description);
	free(s->failure);
	free(s->frame);
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
	.header_line = xls_header_line,
};
