/* Preview: every row of the file checked before anything is written. A
 * background thread reads the file once, checks each row as the engine
 * will, and keeps the rows in a spool file (the grid then scrolls through
 * any number of rows with one offset per row in memory, whatever the
 * format); the dry run (tui-wizard.c) gives the summary. The grid shows
 * invalid cells highlighted, those whose row is rejected apart from those
 * left out of a row that is kept; n/N jump between rows with errors, e shows
 * only them, Space explains a cell, E fixes it (the fix is applied during
 * the import and recorded in the journal); Enter goes on. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "country.h"
#include "i18n.h"
#include "source.h"
#include "summary.h"
#include "text.h"
#include "tui-int.h"
#include "tui-text.h"
#include "tui-widgets.h"
#include "validate.h"
#include "xmalloc.h"

enum {
	PRE_NEXT_ERR = TUI_ACT_SCREEN,
	PRE_PREV_ERR,
	PRE_FILTER,
	PRE_CELL,
	PRE_EDIT,
	PRE_GO,
	PRE_LEFT,
	PRE_RIGHT,
	PRE_REGION,
	PRE_DATES,
};

/* Enter goes on, as on every step of the walk. The footer leaves room for
 * longer words in other languages: what it lacks (Space, n, N, c) the
 * keys' help (?) names, and the line above it explains the cell. */
static const struct tui_key preview_keys[] = {
	{ TUI_ENTER, PRE_GO, N_("continue"), N_("Go on to the duplicates.") },
	{ 'c', PRE_GO, NULL, N_("Go on to the duplicates, as Enter does.") },
	{ ' ', PRE_CELL, NULL, N_("Show the cell: its error, the value in the file and any fix.") },
	{ 'n', PRE_NEXT_ERR, NULL, N_("Jump to the next row with an error.") },
	{ 'N', PRE_PREV_ERR, NULL, N_("Jump to the previous row with an error.") },
	{ 'e', PRE_FILTER, N_("errors"), N_("Show only the rows with errors, or all rows again.") },
	{ 'E', PRE_EDIT, N_("edit"),
	    N_("Fix the cell's value for the import (the file is not changed).") },
	{ 'r', PRE_REGION, N_("region"),
	    N_("Choose the country whose national phone numbers the file holds (DE reads 0151 2345678 as +49 151 2345678); the preview checks the rows again at once.") },
	{ 'd', PRE_DATES, N_("dates"),
	    N_("Read dates such as 03/04/2024 day first or month first; the preview checks the rows again at once.") },
	{ TUI_FKEY(KEY_LEFT), PRE_LEFT, NULL, N_("Move to the column on the left.") },
	{ TUI_FKEY(KEY_RIGHT), PRE_RIGHT, NULL, N_("Move to the column on the right.") },
	{ TUI_ESC, TUI_ACT_BACK, N_("back"), N_("Go back to the mapping.") },
	TUI_KEYS_COMMON,
};

#define PREVIEW_CACHE 256

/* What the scan thread reads and writes. */
struct tui_preview_scan {
	char *path, *sheet, *schema_path, *region;
	enum date_order date_order;
	uint64_t dates_other_order; /* dates valid only in the other order */
	int *column;		    /* per field: the source column, or -1 */
	int *feeds;		    /* per column: the field it feeds, or -1 */
	size_t nfeeds;
	size_t nfields;
	int country_column;	  /* a Country column not read as the rows' region */
	struct engine_fix *fixes; /* copies, sorted */
	size_t nfixes;
	FILE *spool;
	uint64_t *off; /* nrows + 1 offsets into the spool */
	size_t nrows, cap;
	uint64_t *err; /* rows (0-based) with an error */
	size_t nerr, errcap;
	unsigned char *dropped; /* per row: values left out of it (at most 255) */
	uint64_t ndropped;	/* in all */
	char *error;		/* the file could not be read to its end */
	char *region_hint;	/* "412 phone numbers look German; ...", or NULL */
	atomic_ullong rows_read, bytes_read, bytes_total;
};

/* A cell's mark in the grid: what its invalid value costs. */
enum {
	PREVIEW_OK,
	PREVIEW_REJECTS, /* the row is rejected */
	PREVIEW_DROPPED, /* the value is left out, the row kept */
};

/* One row as the grid shows it. */
struct prow {
	size_t idx; /* 0-based */
	int valid;  /* the slot holds idx */
	uint64_t line;
	size_t ncells;
	char **cells;	    /* as in the file */
	char *row_error;    /* the source's own complaint, or NULL */
	unsigned char *bad; /* per cell */
	char **msgs;	    /* per cell: the error, or NULL */
	char *row_msg;	    /* an error of the whole row */
	int nerrors;	    /* problems that reject the row */
	int ndropped;	    /* values left out of it, the row kept */
};

struct preview {
	struct tui *t;
	struct tui_task *scanner;
	struct tui_preview_scan *scan; /* the finished scan */
	struct validator *validator;   /* the UI thread's own */
	struct prow cache[PREVIEW_CACHE];
	int *widths;
	size_t cur_row; /* index into the view */
	size_t cur_col;
	size_t top;  /* first view row shown */
	size_t left; /* first column shown */
	int filter;  /* only rows with errors */
	int grid_y, grid_h;
	unsigned check_gen; /* generation the summary was drawn for */
	int checking;
};

/* --- Checking a row as the engine does ------------------------------------ */

/* Where validate_row's problems go: per cell, bad and the first message
 * (msgs, when set); the row's own, row_msg (when set). */
struct tui_preview_marks {
	unsigned char *bad;
	char **msgs;
	char **row_msg;
	int ndropped;
};

static void
tui_preview_problem(void *ctx, int field, int column, const char *message, const char *value,
    int dropped)
{
	struct tui_preview_marks *m = ctx;
	(void)field;
	(void)value;
	if (column >= 0) {
		m->bad[column] = dropped ? PREVIEW_DROPPED : PREVIEW_REJECTS;
		m->ndropped += dropped;
		if (m->msgs && m->msgs[column] == NULL)
			m->msgs[column] = xstrdup(message);
	} else if (m->row_msg && *m->row_msg == NULL)
		*m->row_msg = xstrdup(message);
}

/* The engine's check (validate_row) of a row's cells, fixes applied;
 * returns the number of problems that reject the row, and sets *dropped to
 * the number of values left out of a row that is kept. */
static int
tui_preview_check(const struct validator *v, const int *column, const int *feeds, size_t nfeeds,
    char **cells, size_t ncells, const char *row_error, unsigned char *bad, char **msgs,
    char **row_msg, int *dropped)
{
	struct tui_preview_marks m = { .bad = bad, .msgs = msgs, .row_msg = row_msg };
	int n = (int)validate_row(v, column, feeds, nfeeds, cells, ncells, row_error, NULL,
	    tui_preview_problem, &m);
	*dropped = m.ndropped;
	return n;
}

/* --- The scan thread ---------------------------------------------------------- */

static void
tui_preview_spool_u32(FILE *fp, uint32_t v)
{
	fwrite(&v, sizeof v, 1, fp);
}

static void
tui_preview_spool_str(FILE *fp, const char *s, size_t len)
{
	tui_preview_spool_u32(fp, (uint32_t)len);
	fwrite(s, 1, len, fp);
}

static void
tui_preview_scan_error_row(struct tui_preview_scan *sc, size_t idx)
{
	if (sc->nerr == sc->errcap)
		sc->err = xreallocarray(sc->err, sc->errcap = sc->errcap * 2 + 64, sizeof *sc->err);
	sc->err[sc->nerr++] = idx;
}

static void *
tui_preview_scan_task(struct tui_task *task)
{
	struct tui_preview_scan *sc = task->arg;
	char *cause = NULL;
	struct schema *schema = schema_load(sc->schema_path, &cause);
	struct validator *v = schema ? validator_new(schema, sc->region, &cause) : NULL;
	struct source_options so = { .sheet = sc->sheet };
	struct source *src = v ? source_open(sc->path, &so, &cause) : NULL;
	sc->spool = tmpfile();
	if (src == NULL || sc->spool == NULL) {
		sc->error = cause ?
		    cause :
		    xasprintf(_("Cannot make a temporary file: %s."), strerror(errno));
		goto out;
	}
	size_t nheaders;
	const char *const *headers = source_header(src, &nheaders);
	validator_set_hint(v, country_of_headers(headers, nheaders), sc->country_column);
	validator_set_date_order(v, sc->date_order);
	uint64_t done, total;
	source_progress(src, &done, &total);
	atomic_store(&sc->bytes_total, total);
	size_t next_fix = 0;
	unsigned char *bad = NULL;
	size_t badcap = 0;
	char **fixed = NULL;
	size_t fixedcap = 0;
	struct row *row;
	int rc;
	while (!atomic_load(&task->cancel) && (rc = source_next(src, &row, &cause)) == 1) {
		if (sc->nrows + 2 > sc->cap) {
			sc->off =
			    xreallocarray(sc->off, sc->cap = sc->cap * 2 + 1024, sizeof *sc->off);
			sc->dropped = xrealloc(sc->dropped, sc->cap);
		}
		sc->off[sc->nrows] = (uint64_t)ftello(sc->spool);
		if (row->ncells > badcap) {
			bad = xrealloc(bad, badcap = row->ncells * 2);
			fixed = xreallocarray(fixed, fixedcap = badcap, sizeof *fixed);
		}
		(void)fixedcap;
		memset(bad, 0, row->ncells);
		for (size_t c = 0; c < row->ncells; c++)
			fixed[c] = row->cells[c];
		while (next_fix < sc->nfixes && sc->fixes[next_fix].row < row->number)
			next_fix++;
		for (size_t i = next_fix; i < sc->nfixes && sc->fixes[i].row == row->number; i++)
			if (sc->fixes[i].column < row->ncells)
				fixed[sc->fixes[i].column] = (char *)sc->fixes[i].value;
		int dropped;
		int n = tui_preview_check(v, sc->column, sc->feeds, sc->nfeeds, fixed, row->ncells,
		    row->error, bad, NULL, NULL, &dropped);
		if (n > 0)
			tui_preview_scan_error_row(sc, sc->nrows);
		sc->dropped[sc->nrows] = (unsigned char)(dropped < 255 ? dropped : 255);
		sc->ndropped += sc->dropped[sc->nrows];
		uint64_t line = row->line;
		fwrite(&line, sizeof line, 1, sc->spool);
		tui_preview_spool_u32(sc->spool, row->error ? 1 : 0);
		tui_preview_spool_u32(sc->spool, (uint32_t)row->ncells);
		if (row->error)
			tui_preview_spool_str(sc->spool, row->error, strlen(row->error));
		for (size_t c = 0; c < row->ncells; c++)
			tui_preview_spool_str(sc->spool, row->cells[c],
			    row->lens ? row->lens[c] : strlen(row->cells[c]));
		sc->nrows++;
		source_progress(src, &done, &total);
		atomic_store(&sc->rows_read, sc->nrows);
		atomic_store(&sc->bytes_read, done);
	}
	if (rc < 0)
		sc->error = cause;
	if (sc->off == NULL) {
		sc->off = xcalloc(1, sizeof *sc->off);
		sc->dropped = xcalloc(1, 1);
	}
	sc->off[sc->nrows] = (uint64_t)ftello(sc->spool);
	fflush(sc->spool);
	sc->dates_other_order = validator_dates_other_order(v);
	/* The engine's hint, from the same evidence (validator_hint). */
	char region[3];
	uint64_t hits;
	if (validator_hint(&v, 1, region, &hits))
		sc->region_hint = summary_region_hint(region, (unsigned long long)hits);
	free(bad);
	free(fixed);
out:
	if (src)
		source_close(src);
	validator_free(v);
	schema_free(schema);
	return sc;
}

static void
tui_preview_scan_free(struct tui_preview_scan *sc)
{
	if (sc == NULL)
		return;
	if (sc->spool)
		fclose(sc->spool);
	free(sc->off);
	free(sc->err);
	free(sc->dropped);
	free(sc->region_hint);
	free(sc->error);
	free(sc->path);
	free(sc->sheet);
	free(sc->schema_path);
	free(sc->region);
	free(sc->column);
	free(sc->feeds);
	for (size_t i = 0; i < sc->nfixes; i++) {
		free((char *)sc->fixes[i].value);
		free((char *)sc->fixes[i].original);
	}
	free(sc->fixes);
	free(sc);
}

/* --- Rows from the spool --------------------------------------------------- */

static void
tui_preview_prow_clear(struct prow *r)
{
	for (size_t c = 0; c < r->ncells; c++) {
		free(r->cells[c]);
		free(r->msgs[c]);
	}
	free(r->cells);
	free(r->msgs);
	free(r->bad);
	free(r->row_error);
	free(r->row_msg);
	memset(r, 0, sizeof *r);
}

static size_t
tui_preview_nview(const struct preview *p)
{
	if (p->scan == NULL)
		return 0;
	return p->filter ? p->scan->nerr : p->scan->nrows;
}

static size_t
tui_preview_view_row(const struct preview *p, size_t i)
{
	return p->filter ? p->scan->err[i] : i;
}

/* Reads a 32-bit length and that many bytes from buf. */
static char *
tui_preview_prow_take(const unsigned char **buf, const unsigned char *end)
{
	uint32_t len;
	if (*buf + sizeof len > end)
		return xstrdup("");
	memcpy(&len, *buf, sizeof len);
	*buf += sizeof len;
	if (*buf + len > end)
		len = (uint32_t)(end - *buf);
	char *s = xstrndup((const char *)*buf, len);
	*buf += len;
	return s;
}

/* The row at file index idx, read and checked (with the fixes), cached. */
static struct prow *
tui_preview_row(struct preview *p, size_t idx)
{
	struct prow *r = &p->cache[idx % PREVIEW_CACHE];
	if (r->valid && r->idx == idx)
		return r;
	tui_preview_prow_clear(r);
	struct tui_preview_scan *sc = p->scan;
	uint64_t from = sc->off[idx], to = sc->off[idx + 1];
	size_t size = (size_t)(to - from);
	unsigned char *buf = xmalloc(size + 1);
	ssize_t got = pread(fileno(sc->spool), buf, size, (off_t)from);
	if (got < 0)
		got = 0;
	const unsigned char *q = buf, *end = buf + got;
	uint32_t flags = 0, ncells = 0;
	if (end - q >= 16) {
		memcpy(&r->line, q, 8);
		memcpy(&flags, q + 8, 4);
		memcpy(&ncells, q + 12, 4);
		q += 16;
	}
	if (flags & 1)
		r->row_error = tui_preview_prow_take(&q, end);
	r->idx = idx;
	r->valid = 1;
	r->ncells = ncells;
	r->cells = xcalloc(ncells + 1, sizeof *r->cells);
	r->msgs = xcalloc(ncells + 1, sizeof *r->msgs);
	r->bad = xcalloc(ncells + 1, 1);
	for (uint32_t c = 0; c < ncells; c++)
		r->cells[c] = tui_preview_prow_take(&q, end);
	free(buf);
	/* Check the row with the fixes as they are now. */
	struct tui_wizard *w = &p->t->w;
	char **shown = xcalloc(ncells + 1, sizeof *shown);
	for (uint32_t c = 0; c < ncells; c++) {
		const struct engine_fix *f = tui_wizard_fix_at(w, idx + 1, c);
		shown[c] = f ? (char *)f->value : r->cells[c];
	}
	if (p->validator)
		r->nerrors = tui_preview_check(p->validator, w->mapping->column, w->mapping->field,
		    w->mapping->ncolumns, shown, ncells, r->row_error, r->bad, r->msgs, &r->row_msg,
		    &r->ndropped);
	free(shown);
	return r;
}

static const char *
tui_preview_value(struct preview *p, struct prow *r, size_t c)
{
	const struct engine_fix *f = tui_wizard_fix_at(&p->t->w, r->idx + 1, c);
	return f ? f->value : c < r->ncells ? r->cells[c] : "";
}

/* After a fix: the row's place among the rows with errors. */
static void
tui_preview_recheck(struct preview *p, size_t idx)
{
	p->cache[idx % PREVIEW_CACHE].valid = 0;
	struct prow *r = tui_preview_row(p, idx);
	struct tui_preview_scan *sc = p->scan;
	unsigned char dropped = (unsigned char)(r->ndropped < 255 ? r->ndropped : 255);
	sc->ndropped = sc->ndropped - sc->dropped[idx] + dropped;
	sc->dropped[idx] = dropped;
	size_t lo = 0, hi = sc->nerr;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (sc->err[mid] < idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	int listed = lo < sc->nerr && sc->err[lo] == idx;
	if (r->nerrors > 0 && !listed) {
		tui_preview_scan_error_row(sc, 0); /* grows the array */
		sc->nerr--;
		memmove(sc->err + lo + 1, sc->err + lo, (sc->nerr - lo) * sizeof *sc->err);
		sc->err[lo] = idx;
		sc->nerr++;
	} else if (r->nerrors == 0 && listed && !p->filter) {
		memmove(sc->err + lo, sc->err + lo + 1, (sc->nerr - lo - 1) * sizeof *sc->err);
		sc->nerr--;
	}
}

/* --- The screen ------------------------------------------------------------------ */

/* The UI thread's validator, for the phone region and date order chosen. */
static void
tui_preview_new_validator(struct preview *p)
{
	struct tui_wizard *w = &p->t->w;
	char *cause = NULL;
	const char *from, *country;

	validator_free(p->validator);
	p->validator = validator_new(w->schema, w->region, &cause);
	free(cause);
	if (p->validator != NULL)
		validator_set_date_order(p->validator, tui_wizard_date_order(w, &from, &country));
}

static void
tui_preview_start_scan(struct preview *p)
{
	struct tui_wizard *w = &p->t->w;
	struct tui_preview_scan *sc = xcalloc(1, sizeof *sc);
	sc->path = xstrdup(w->file);
	sc->sheet = w->sheet ? xstrdup(w->sheet) : NULL;
	sc->schema_path = xstrdup(w->schema->path);
	sc->region = w->region ? xstrdup(w->region) : NULL;
	const char *from, *country;
	sc->date_order = tui_wizard_date_order(w, &from, &country);
	sc->nfields = w->schema->nfields;
	sc->column = xcalloc(sc->nfields, sizeof *sc->column);
	memcpy(sc->column, w->mapping->column, sc->nfields * sizeof *sc->column);
	sc->nfeeds = w->mapping->ncolumns;
	sc->feeds = xcalloc(sc->nfeeds ? sc->nfeeds : 1, sizeof *sc->feeds);
	memcpy(sc->feeds, w->mapping->field, sc->nfeeds * sizeof *sc->feeds);
	sc->country_column = w->schema->region_field != NULL ?
	    mapping_namesake(w->mapping, w->schema,
		(int)(w->schema->region_field - w->schema->fields)) :
	    -1;
	sc->nfixes = w->nfixes;
	sc->fixes = xcalloc(w->nfixes ? w->nfixes : 1, sizeof *sc->fixes);
	for (size_t i = 0; i < w->nfixes; i++) {
		sc->fixes[i] = w->fixes[i];
		sc->fixes[i].value = xstrdup(w->fixes[i].value);
		sc->fixes[i].original = w->fixes[i].original ? xstrdup(w->fixes[i].original) : NULL;
	}
	p->scanner = tui_task_start(tui_preview_scan_task, sc);
}

/* The region and date order a remembered mapping brought back, said
 * until a key is pressed (the title keeps naming them). */
static void
tui_preview_say_remembered(struct preview *p)
{
	struct tui_wizard *w = &p->t->w;
	if (!w->remembered_settings)
		return;
	int dmy = w->date_order != NULL && !strcmp(w->date_order, "dmy");
	if (w->region != NULL && w->date_order != NULL)
		tui_message(p->t, 0,
		    dmy ?
			_("Phone region %s and dates day first, as chosen before for these columns.") :
			_("Phone region %s and dates month first, as chosen before for these columns."),
		    w->region);
	else if (w->region != NULL)
		tui_message(p->t, 0, _("Phone region %s, as chosen before for these columns."),
		    w->region);
	else
		tui_message(p->t, 0,
		    dmy ? _("Dates are read day first, as chosen before for these columns.") :
			  _("Dates are read month first, as chosen before for these columns."));
}

static void
tui_preview_init(struct screen *s, void *arg)
{
	(void)arg;
	struct preview *p = xcalloc(1, sizeof *p);
	s->data = p;
	p->t = s->tui;
	struct tui_wizard *w = &s->tui->w;
	tui_preview_new_validator(p);
	tui_preview_say_remembered(p);
	p->widths = xcalloc(w->ncolumns ? w->ncolumns : 1, sizeof *p->widths);
	for (size_t c = 0; c < w->ncolumns; c++) {
		char *h = tui_text_clean(w->headers[c]);
		int width = tui_text_width(h);
		free(h);
		for (int k = 0; k < 3; k++) {
			char *v = tui_text_clean(w->samples[c * 3 + (size_t)k]);
			int vw = tui_text_width(v);
			free(v);
			if (vw > width)
				width = vw;
		}
		p->widths[c] = width < 6 ? 6 : width > 22 ? 22 : width;
	}
	tui_preview_start_scan(p);
	tui_check_ensure(s->tui);
	p->checking = 1;
}

static void
tui_preview_free(struct screen *s)
{
	struct preview *p = s->data;
	if (p->scanner)
		tui_preview_scan_free(tui_task_finish(p->scanner));
	tui_preview_scan_free(p->scan);
	for (size_t i = 0; i < PREVIEW_CACHE; i++)
		tui_preview_prow_clear(&p->cache[i]);
	validator_free(p->validator);
	free(p->widths);
	free(p);
}

static void
tui_preview_resize(struct screen *s)
{
	struct preview *p = s->data;
	/* Back from a later screen, the dry run may be for older fixes. */
	tui_check_ensure(s->tui);
	p->checking = 1;
}

/* Moves the cursor to view row i and the first column with an error. */
static void
tui_preview_goto(struct preview *p, size_t i, int to_error)
{
	size_t n = tui_preview_nview(p);
	if (n == 0)
		return;
	p->cur_row = i < n ? i : n - 1;
	if (to_error) {
		struct prow *r = tui_preview_row(p, tui_preview_view_row(p, p->cur_row));
		for (size_t c = 0; c < r->ncells; c++)
			if (r->bad[c]) {
				p->cur_col = c;
				break;
			}
	}
}

static void
tui_preview_jump(struct preview *p, int dir)
{
	struct tui_preview_scan *sc = p->scan;
	if (sc == NULL || sc->nerr == 0) {
		tui_message(p->t, 0, _("No row has an error."));
		return;
	}
	if (p->filter) {
		size_t i = p->cur_row;
		if (dir > 0 && i + 1 < sc->nerr)
			tui_preview_goto(p, i + 1, 1);
		else if (dir < 0 && i > 0)
			tui_preview_goto(p, i - 1, 1);
		else
			tui_message(p->t, 0,
			    dir > 0 ? _("This is the last row with an error.") :
				      _("This is the first row with an error."));
		return;
	}
	size_t cur = p->cur_row;
	/* The first error row after (or before) cur. */
	size_t lo = 0, hi = sc->nerr;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (sc->err[mid] <= cur)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (dir > 0) {
		if (lo < sc->nerr)
			tui_preview_goto(p, sc->err[lo], 1);
		else
			tui_message(p->t, 0, _("This is the last row with an error."));
	} else {
		size_t k = lo;
		while (k > 0 && sc->err[k - 1] >= cur)
			k--;
		if (k > 0)
			tui_preview_goto(p, sc->err[k - 1], 1);
		else
			tui_message(p->t, 0, _("This is the first row with an error."));
	}
}

static void
tui_preview_edit_done(struct tui *t, void *ctx, const char *value)
{
	struct preview *p = ctx;
	if (value == NULL || p->scan == NULL || tui_preview_nview(p) == 0)
		return;
	size_t idx = tui_preview_view_row(p, p->cur_row);
	struct prow *r = tui_preview_row(p, idx);
	const char *orig = p->cur_col < r->ncells ? r->cells[p->cur_col] : "";
	tui_wizard_fix(&t->w, idx + 1, p->cur_col, orig, value);
	tui_preview_recheck(p, idx);
	/* The dry run's counts follow the fix. */
	tui_check_ensure(t);
	p->checking = 1;
	r = tui_preview_row(p, idx);
	if (r->bad[p->cur_col])
		tui_message(t, 1, _("Fixed, but the new value is not valid either: %s"),
		    r->msgs[p->cur_col] ? r->msgs[p->cur_col] : "");
	else
		tui_message(t, 0,
		    ngettext(
			"Fixed. %zu cell fixed by hand: the import applies it, the journal keeps it.",
			"Fixed. %zu cells fixed by hand: the import applies them, the journal keeps them.",
			t->w.nfixes),
		    t->w.nfixes);
}

/* Every row is read and checked again (a new phone region or date
 * order), and the dry run too. */
static void
tui_preview_read_again(struct preview *p)
{
	tui_preview_new_validator(p);
	if (p->scanner)
		tui_preview_scan_free(tui_task_finish(p->scanner));
	p->scanner = NULL;
	tui_preview_scan_free(p->scan);
	p->scan = NULL;
	for (size_t i = 0; i < PREVIEW_CACHE; i++)
		tui_preview_prow_clear(&p->cache[i]);
	p->cur_row = p->top = 0;
	tui_preview_start_scan(p);
	tui_check_ensure(p->t);
	p->checking = 1;
}

/* The other date order: the rows are checked again with it. */
static void
tui_preview_toggle_dates(struct preview *p)
{
	struct tui_wizard *w = &p->t->w;
	const char *from, *country;
	enum date_order order =
	    tui_wizard_date_order(w, &from, &country) == DATE_DMY ? DATE_MDY : DATE_DMY;

	tui_wizard_set_date_order(w, order);
	tui_preview_read_again(p);
	tui_message(p->t, 0,
	    order == DATE_DMY ? _("Dates such as 03/04/2024 are read day first: 3 April 2024.") :
				_("Dates such as 03/04/2024 are read month first: March 4, 2024."));
}

/* What the rows' dates suggest, once they are read, when nothing else is
 * said: dates valid only in the other order, with the key that reads them
 * so (short enough for 80 columns with a count of ten digits); else that
 * the headers' language chose day first. */
static void
tui_preview_suggest_dates(struct preview *p)
{
	struct tui *t = p->t;
	const char *from, *country;
	enum date_order order = tui_wizard_date_order(&t->w, &from, &country);
	unsigned long long n = (unsigned long long)p->scan->dates_other_order;
	char count[32];
	tui_text_thousands(count, sizeof count, n);

	if (n > 0 && order == DATE_MDY)
		tui_message(t, 1,
		    ngettext("%s date is valid only day first, such as 25/12/1980: press d.",
			"%s dates are valid only day first, such as 25/12/1980: press d.", n),
		    count);
	else if (n > 0)
		tui_message(t, 1,
		    ngettext("%s date is valid only month first, such as 12/25/1980: press d.",
			"%s dates are valid only month first, such as 12/25/1980: press d.", n),
		    count);
	else if (!strcmp(from, "headers") && country_adjective(country) != NULL)
		tui_message(t, 0,
		    _("Dates are read day first, as the %s headers suggest (d: month first)."),
		    country_adjective(country));
}

/* A new phone region: every row is read and checked again with it, and
 * the dry run too. */
static void
tui_preview_region_done(struct tui *t, void *ctx, const char *value)
{
	struct preview *p = ctx;
	char *cause = NULL;
	if (value == NULL)
		return;
	if (tui_wizard_region(&t->w, value, &cause) != 0) {
		tui_message(t, 1, "%s", cause);
		free(cause);
		return;
	}
	tui_preview_read_again(p);
	if (t->w.region)
		tui_message(t, 0,
		    _("Phone numbers without a country code are read as numbers of %s."),
		    t->w.region);
	else
		tui_message(t, 0, _("Phone numbers are read in the schema's region again."));
}

static void
tui_preview_cell(struct preview *p)
{
	struct tui *t = p->t;
	struct tui_wizard *w = &t->w;
	size_t idx = tui_preview_view_row(p, p->cur_row);
	struct prow *r = tui_preview_row(p, idx);
	size_t c = p->cur_col;
	int f = c < w->ncolumns ? w->mapping->field[c] : -1;
	const struct engine_fix *fx = tui_wizard_fix_at(w, idx + 1, c);
	char *esc_orig = c < r->ncells ? xstrdup(r->cells[c]) : xstrdup("");
	char *what;
	if (r->row_msg && !r->bad[c])
		what = xasprintf(_("The row is rejected: %s"), r->row_msg);
	else if (r->bad[c] == PREVIEW_DROPPED)
		what = xasprintf(_("Left out: the row is imported without this value. %s"),
		    r->msgs[c] ? r->msgs[c] : "?");
	else if (r->bad[c])
		what = xasprintf(_("Error: %s"), r->msgs[c] ? r->msgs[c] : "?");
	else if (f < 0)
		what = xstrdup(_("This column is not imported."));
	else {
		char *out = NULL, *why = NULL;
		validate_value(p->validator, (size_t)f, tui_preview_value(p, r, c), &out, &why);
		what = out ? xasprintf(_("Valid: it is stored as \"%s\"."), out) :
			     xstrdup(_("Valid: it is empty, so nothing is stored."));
		free(out);
		free(why);
	}
	char *head = xasprintf(_("Row %zu (line %llu), column \"%s\" (%s)."), idx + 1,
	    (unsigned long long)r->line, w->headers[c],
	    f >= 0 ? w->schema->fields[f].name : _("not imported"));
	char *held = xasprintf(_("The file holds: \"%s\"."), esc_orig);
	char *fixed = fx ? xasprintf(_("Fixed by hand to: \"%s\"."), fx->value) : xstrdup("");
	/* One sentence a line (the dialog breaks lines at newlines). */
	char *text = xasprintf("%s\n%s\n%s\n%s", head, what, held, fixed);
	free(head);
	free(held);
	free(fixed);
	tui_tell(t, _("Cell"), text);
	free(text);
	free(what);
	free(esc_orig);
}

static int
tui_preview_search(struct preview *p, const char *needle)
{
	size_t n = tui_preview_nview(p);
	char *want = text_fold_header(needle);
	for (size_t k = 1; k <= n; k++) {
		size_t i = (p->cur_row + k) % n;
		struct prow *r = tui_preview_row(p, tui_preview_view_row(p, i));
		for (size_t c = 0; c < r->ncells; c++) {
			const char *v = tui_preview_value(p, r, c);
			char *folded = text_fold_header(v);
			int hit =
			    (*want && strstr(folded, want)) || (!*want && strcasestr(v, needle));
			free(folded);
			if (hit) {
				p->cur_row = i;
				p->cur_col = c;
				free(want);
				return 1;
			}
		}
	}
	free(want);
	return 0;
}

static int
tui_preview_key(struct screen *s, int action, int key)
{
	struct preview *p = s->data;
	struct tui *t = s->tui;
	size_t n = tui_preview_nview(p);
	size_t page = p->grid_h > 1 ? (size_t)p->grid_h - 1 : 1;
	if (p->scan == NULL && action != TUI_ACT_BACK && action != TUI_ACT_HELP &&
	    action != TUI_ACT_QUIT) {
		if (action != TUI_ACT_NONE)
			tui_message(t, 0, _("The rows are still being read; a moment."));
		return TUI_HANDLED | TUI_REDRAW;
	}
	switch (key) {
	case TUI_FKEY(KEY_UP):
		if (p->cur_row > 0)
			p->cur_row--;
		return TUI_HANDLED | TUI_DIRTY;
	case TUI_FKEY(KEY_DOWN):
		if (p->cur_row + 1 < n)
			p->cur_row++;
		return TUI_HANDLED | TUI_DIRTY;
	case TUI_FKEY(KEY_PPAGE):
		p->cur_row = p->cur_row > page ? p->cur_row - page : 0;
		return TUI_HANDLED | TUI_DIRTY;
	case TUI_FKEY(KEY_NPAGE):
		p->cur_row = n == 0 ? 0 : p->cur_row + page < n ? p->cur_row + page : n - 1;
		return TUI_HANDLED | TUI_DIRTY;
	case TUI_FKEY(KEY_HOME): p->cur_row = 0; return TUI_HANDLED | TUI_DIRTY;
	case TUI_FKEY(KEY_END): p->cur_row = n ? n - 1 : 0; return TUI_HANDLED | TUI_DIRTY;
	}
	switch (action) {
	case PRE_LEFT:
		if (p->cur_col > 0)
			p->cur_col--;
		return TUI_HANDLED | TUI_DIRTY;
	case PRE_RIGHT:
		if (p->cur_col + 1 < t->w.ncolumns)
			p->cur_col++;
		return TUI_HANDLED | TUI_DIRTY;
	case PRE_NEXT_ERR: tui_preview_jump(p, 1); return TUI_HANDLED | TUI_REDRAW;
	case PRE_PREV_ERR: tui_preview_jump(p, -1); return TUI_HANDLED | TUI_REDRAW;
	case PRE_FILTER: {
		size_t idx = n ? tui_preview_view_row(p, p->cur_row) : 0;
		p->filter = !p->filter;
		p->top = 0;
		p->cur_row = 0;
		if (!p->filter)
			p->cur_row = idx;
		else
			for (size_t i = 0; i < p->scan->nerr; i++)
				if (p->scan->err[i] >= idx) {
					p->cur_row = i;
					break;
				}
		if (p->filter && p->scan->nerr == 0)
			tui_message(t, 0, _("No row has an error."));
		return TUI_HANDLED | TUI_REDRAW;
	}
	case PRE_CELL:
		if (n)
			tui_preview_cell(p);
		return TUI_HANDLED | TUI_REDRAW;
	case PRE_EDIT: {
		if (n == 0)
			return TUI_HANDLED;
		size_t idx = tui_preview_view_row(p, p->cur_row);
		struct prow *r = tui_preview_row(p, idx);
		char *title =
		    xasprintf(_("Fix row %zu, column %s"), idx + 1, t->w.headers[p->cur_col]);
		tui_prompt(t, title,
		    _("The value to import instead of the file's (the file itself is not changed):"),
		    tui_preview_value(p, r, p->cur_col), tui_preview_edit_done, p);
		free(title);
		return TUI_HANDLED | TUI_REDRAW;
	}
	case PRE_REGION:
		tui_prompt(t, _("Phone region"),
		    _("The country whose national phone numbers the file holds, as a two-letter code (DE, FR, ES, GB, US…); empty: the schema's. A row's own country column comes first."),
		    t->w.region ? t->w.region : "", tui_preview_region_done, p);
		return TUI_HANDLED | TUI_REDRAW;
	case PRE_DATES: tui_preview_toggle_dates(p); return TUI_HANDLED | TUI_REDRAW;
	case PRE_GO:
		/* Remembered again, with the region and date order chosen. */
		tui_wizard_remember(&t->w);
		tui_push(t, &tui_dupes_ops, NULL);
		return TUI_HANDLED | TUI_NEXT;
	case TUI_ACT_SEARCH_NEXT:
		if (t->last_search && !tui_preview_search(p, t->last_search))
			tui_message(t, 1, _("No cell holds \"%s\"."), t->last_search);
		return TUI_HANDLED | TUI_REDRAW;
	}
	return 0;
}

static int
tui_preview_update(struct screen *s)
{
	struct preview *p = s->data;
	int r = 0;
	if (p->scanner) {
		if (tui_task_done(p->scanner)) {
			p->scan = tui_task_finish(p->scanner);
			p->scanner = NULL;
			s->tui->w.rows_hint = p->scan->nrows;
			if (p->scan->error)
				tui_message(s->tui, 1, "%s", p->scan->error);
			else if (p->scan->region_hint)
				tui_message(s->tui, 1, "%s", p->scan->region_hint);
			if (s->tui->message == NULL && !p->scan->error)
				tui_preview_suggest_dates(p);
			if (p->scan->nerr > 0 && p->scan->err[0] == 0)
				tui_preview_goto(p, 0, 1);
			r |= TUI_REDRAW;
		} else
			r |= TUI_DIRTY;
	}
	if (p->checking) {
		if (!tui_check_poll(s->tui)) {
			p->checking = 0;
			r |= TUI_REDRAW;
		} else
			r |= TUI_DIRTY;
	}
	return r;
}

static void
tui_preview_summary(struct preview *p, int y)
{
	struct tui *t = p->t;
	struct tui_check *c = &t->w.check;
	for (int i = 0; i < 3; i++) {
		move(y + i, 0);
		clrtoeol();
	}
	if (c->failed) {
		tui_put_wrapped(stdscr, y, 1, COLS - 2, 3, c->cause ? c->cause : "?", t->a.fail);
		return;
	}
	if (!c->finished) {
		tui_put(stdscr, y, 1, 30, _("Dry run against the database"), A_NORMAL);
		tui_draw_bar(t, y, 32, COLS - 44, c->snap.percent / 100.0);
		char pct[32];
		tui_text_percent(pct, sizeof pct, c->snap.percent);
		tui_put(stdscr, y, COLS - 11, 10, pct, A_NORMAL);
	} else {
		const struct engine_result *res = &c->result;
		char total[32], valid[32], bad[32];
		uint64_t rejected = res->counts.n[OUTCOME_REJECTED];
		tui_text_thousands(total, sizeof total, res->total);
		tui_text_thousands(valid, sizeof valid, res->total - rejected);
		tui_text_thousands(bad, sizeof bad, rejected);
		char *line = xasprintf(_("%s rows: %s valid, %s with errors (dry run%s)."), total,
		    valid, bad,
		    c->generation != t->w.generation ? _(", before your latest fixes") : "");
		if (res->values_dropped > 0) {
			char n[32];
			tui_text_thousands(n, sizeof n, res->values_dropped);
			char *more =
			    xasprintf(ngettext("%s %s value will be left out.",
					  "%s %s values will be left out.", res->values_dropped),
				line, n);
			free(line);
			line = more;
		}
		tui_put(stdscr, y, 1, COLS - 2, line, rejected ? t->a.bold : A_NORMAL);
		free(line);
		char by[512] = "";
		for (int k = 0; k < ERROR_TYPE_COUNT; k++)
			if (res->errors_by_type[k]) {
				char part[64];
				snprintf(part, sizeof part, "%s%s %llu", *by ? ", " : "",
				    record_error_type_name((enum error_type)k),
				    (unsigned long long)res->errors_by_type[k]);
				strncat(by, part, sizeof by - strlen(by) - 1);
			}
		line = xasprintf(_("Errors by type: %s"), *by ? by : _("none"));
		tui_put(stdscr, y + 1, 1, COLS - 2, line, A_NORMAL);
		free(line);
		*by = '\0';
		for (size_t i = 0; i < res->nerrors_by_field; i++) {
			char part[96];
			snprintf(part, sizeof part, "%s%s %llu", *by ? ", " : "",
			    res->errors_by_field[i].name,
			    (unsigned long long)res->errors_by_field[i].n);
			strncat(by, part, sizeof by - strlen(by) - 1);
		}
		line = xasprintf(_("Errors by field: %s"), *by ? by : _("none"));
		tui_put(stdscr, y + 2, 1, COLS - 2, line, A_NORMAL);
		free(line);
	}
}

static void
tui_preview_grid(struct preview *p)
{
	struct tui *t = p->t;
	struct tui_wizard *w = &t->w;
	int y = p->grid_y, h = p->grid_h;
	size_t n = tui_preview_nview(p);
	const int numw = 7;
	/* Scroll to keep the cursor in sight. */
	if (p->cur_row < p->top)
		p->top = p->cur_row;
	if (p->cur_row >= p->top + (size_t)h)
		p->top = p->cur_row - (size_t)h + 1;
	if (p->cur_col < p->left)
		p->left = p->cur_col;
	for (;;) {
		int x = 1 + numw;
		size_t c;
		for (c = p->left; c <= p->cur_col; c++)
			x += p->widths[c] + 1;
		if (x <= COLS - 1 || p->left == p->cur_col)
			break;
		p->left++;
	}
	for (int i = 0; i < h + 2; i++) {
		move(y + i, 0);
		clrtoeol();
	}
	/* Headers, and the field each column goes to. */
	int x = 1 + numw;
	tui_put_right(stdscr, y, 1, numw - 1, _("Row"), t->a.dim);
	for (size_t c = p->left; c < w->ncolumns && x < COLS - 1; c++) {
		int cw = p->widths[c];
		if (x + cw > COLS - 1)
			cw = COLS - 1 - x;
		tui_put(stdscr, y, x, cw, w->headers[c], A_BOLD);
		int f = w->mapping->field[c];
		tui_put(stdscr, y + 1, x, cw, f >= 0 ? w->schema->fields[f].name : _("(out)"),
		    t->a.dim);
		x += p->widths[c] + 1;
	}
	if (n == 0) {
		tui_put(stdscr, y + 2, 2, COLS - 4,
		    p->filter ? _("No row has an error (e shows all rows).") :
				_("The file has no rows after its header."),
		    A_NORMAL);
		return;
	}
	for (int i = 0; i < h && p->top + (size_t)i < n; i++) {
		size_t vi = p->top + (size_t)i;
		size_t idx = tui_preview_view_row(p, vi);
		struct prow *r = tui_preview_row(p, idx);
		int yy = y + 2 + i;
		char num[32];
		snprintf(num, sizeof num, "%s%zu",
		    r->nerrors	    ? "!" :
			r->ndropped ? "~" :
				      "",
		    idx + 1);
		tui_put_right(stdscr, yy, 1, numw - 1, num,
		    r->row_msg	   ? t->a.fail :
			r->nerrors ? t->a.warn :
				     t->a.dim);
		x = 1 + numw;
		for (size_t c = p->left; c < w->ncolumns && x < COLS - 1; c++) {
			int cw = p->widths[c];
			if (x + cw > COLS - 1)
				cw = COLS - 1 - x;
			int cursor = vi == p->cur_row && c == p->cur_col;
			int fixed = tui_wizard_fix_at(w, idx + 1, c) != NULL;
			attr_t a = A_NORMAL;
			int bad = c < r->ncells ? r->bad[c] : PREVIEW_OK;
			/* A value left out of a kept row is a warning; one that
			 * rejects its row, an error. */
			if (bad == PREVIEW_REJECTS)
				a = t->a.error;
			else if (bad == PREVIEW_DROPPED)
				a = t->a.warn;
			if (fixed)
				a |= A_BOLD;
			if (cursor)
				a = t->a.sel | (bad ? A_BOLD : 0);
			const char *v = c < r->ncells || fixed ? tui_preview_value(p, r, c) : "";
			/* Without colour, a marker says what the colour would. */
			if (!t->a.color && (bad || fixed)) {
				char *m = xasprintf("%s%s",
				    bad == PREVIEW_REJECTS     ? "!" :
					bad == PREVIEW_DROPPED ? "~" :
								 "*",
				    v);
				tui_put(stdscr, yy, x, cw, m, a);
				free(m);
			} else
				tui_put(stdscr, yy, x, cw, v, a);
			x += p->widths[c] + 1;
		}
	}
	/* What the cursor is on. */
	size_t idx = tui_preview_view_row(p, p->cur_row);
	struct prow *r = tui_preview_row(p, idx);
	size_t c = p->cur_col;
	char *where;
	if (c < r->ncells && r->bad[c] == PREVIEW_DROPPED)
		where = xasprintf(_("Row %zu, %s, left out (the row is imported without it): %s"),
		    idx + 1, w->headers[c], r->msgs[c] ? r->msgs[c] : "");
	else if (c < r->ncells && r->bad[c])
		where = xasprintf(_("Row %zu, %s: %s"), idx + 1, w->headers[c],
		    r->msgs[c] ? r->msgs[c] : "");
	else if (r->row_msg)
		where = xasprintf(_("Row %zu: %s"), idx + 1, r->row_msg);
	else {
		char total[32];
		tui_text_thousands(total, sizeof total, p->scan->nrows);
		where = xasprintf(_("Row %zu of %s, line %llu, column %s%s"), idx + 1, total,
		    (unsigned long long)r->line, w->headers[c],
		    p->filter ? _(" (rows with errors only)") : "");
	}
	move(LINES - 2, 0);
	clrtoeol();
	tui_put(stdscr, LINES - 2, 1, COLS - 2, where,
	    (c < r->ncells && r->bad[c] == PREVIEW_DROPPED) ? t->a.warn :
		(c < r->ncells && r->bad[c]) || r->row_msg  ? t->a.fail :
							      t->a.dim);
	free(where);
}

static void
tui_preview_draw(struct screen *s, int full)
{
	struct preview *p = s->data;
	struct tui *t = s->tui;
	int y = 2 + (t->message ? 1 : 0);
	if (full) {
		const char *region = t->w.region ? t->w.region : t->w.schema->region;
		/* The file's name only: the region and the date order must
		 * fit at 80 columns. */
		const char *slash = strrchr(t->w.file, '/');
		char *detail = xasprintf(_("%s · phone region %s"), slash ? slash + 1 : t->w.file,
		    region && *region ? region : _("none"));
		const char *from, *country;
		char *more = xasprintf("%s · %s", detail,
		    tui_wizard_date_order(&t->w, &from, &country) == DATE_DMY ?
			_("dates day/month/year") :
			_("dates month/day/year"));
		tui_draw_title(t, _("Preview"), more);
		free(more);
		free(detail);
		tui_draw_footer(t, preview_keys);
	}
	tui_preview_summary(p, y);
	y += 3;
	move(y, 0);
	clrtoeol();
	if (p->scan == NULL) {
		struct tui_preview_scan *sc = p->scanner ? p->scanner->arg : NULL;
		unsigned long long done = sc ? atomic_load(&sc->bytes_read) : 0;
		unsigned long long total = sc ? atomic_load(&sc->bytes_total) : 0;
		char rows[32];
		tui_text_thousands(rows, sizeof rows, sc ? atomic_load(&sc->rows_read) : 0);
		tui_put(stdscr, y, 1, 30, _("Reading and checking rows"), A_NORMAL);
		tui_draw_bar(t, y, 32, COLS - 52, total ? (double)done / (double)total : 0);
		tui_putf(stdscr, y, COLS - 19, 18, A_NORMAL, _("%s rows"), rows);
		return;
	}
	char errs[32], rows[32], dropped[32];
	tui_text_thousands(errs, sizeof errs, p->scan->nerr);
	tui_text_thousands(rows, sizeof rows, p->scan->nrows);
	tui_text_thousands(dropped, sizeof dropped, p->scan->ndropped);
	char *left = p->scan->ndropped == 0 ?
	    xstrdup("") :
	    xasprintf(ngettext("; %s value left out (its row is kept)",
			  "; %s values left out (their rows are kept)", p->scan->ndropped),
		dropped);
	char *fixed = t->w.nfixes == 0 ?
	    xstrdup("") :
	    xasprintf(ngettext(" %zu cell fixed by hand.", " %zu cells fixed by hand.", t->w.nfixes),
		t->w.nfixes);
	char *line = xasprintf(_("%s rows read; %s with errors%s.%s"), rows, errs, left, fixed);
	free(fixed);
	free(left);
	/* Wrapped rather than cut when the counts are long (two lines). */
	move(y + 1, 0);
	clrtoeol();
	int used = tui_put_wrapped(stdscr, y, 1, COLS - 2, 2, line, t->a.dim);
	free(line);
	p->grid_y = y + (used > 1 ? used : 1);
	p->grid_h = LINES - p->grid_y - 2 - 2;
	if (p->grid_h < 1)
		p->grid_h = 1;
	tui_preview_grid(p);
}

const struct screen_ops tui_preview_ops = {
	.name = "preview",
	.keys = preview_keys,
	.init = tui_preview_init,
	.free = tui_preview_free,
	.resize = tui_preview_resize,
	.key = tui_preview_key,
	.update = tui_preview_update,
	.draw = tui_preview_draw,
};
