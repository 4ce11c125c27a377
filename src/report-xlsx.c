/* The XLSX report: Summary, Errors, Rejected rows, Batches and Mapping
 * sheets, written by libxlsxwriter in constant memory mode: each sheet's rows
 * strictly in order, spooled to $TMPDIR. Every value from the journal is
 * written as a text cell, verbatim: a string cell is never evaluated, so a
 * value starting with = needs no leading '. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "i18n.h"
#include "report-int.h"
#include "summary.h"
#include "xmalloc.h"

/* The last row index of a sheet; it holds the note of what did not fit. */
#define XLSX_LAST_ROW (LXW_ROW_MAX - 1)

/* The column of the Rejected rows that says why; named in English whatever
 * the language, so that it never matches a schema's header synonyms. */
#define XLSX_ERROR_COLUMN "error"

struct xlsx {
	struct report_journal *rj;
	lxw_workbook *wb;
	lxw_worksheet *summary, *errors, *rejects, *batches, *mapping;
	lxw_format *title, *header, *label, *integer, *seconds, *percent, *note;
	struct report_stats stats;
};

/* Writes s as a text cell, as it is unless cut at the cell limit (counted). */
static void
xlsx_text(struct xlsx *x, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s,
    lxw_format *f)
{
	if (s == NULL || *s == '\0')
		return;
	unsigned what;
	char *t = report_cell_text(s, REPORT_CELL_MAX, 0, &what);
	if (what & REPORT_CUT)
		x->stats.cut++;
	worksheet_write_string(ws, row, col, t, f);
	free(t);
}

/* A sheet's first row: bold titles, frozen and repeated on each printed
 * page; the sheet printed landscape, one page wide. */
static void
xlsx_table_start(struct xlsx *x, lxw_worksheet *ws, const char *const *titles, const double *widths,
    size_t n)
{
	for (size_t c = 0; c < n; c++) {
		xlsx_text(x, ws, 0, (lxw_col_t)c, titles[c], x->header);
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL);
	}
	worksheet_freeze_panes(ws, 1, 0);
	worksheet_repeat_rows(ws, 0, 0);
	worksheet_set_landscape(ws);
	worksheet_fit_to_pages(ws, 1, 0);
}

/* Ends a table of rows [1, row): autofilter on its columns, and on the
 * sheet's last row a note of the left_out lines that did not fit. */
static void
xlsx_table_end(struct xlsx *x, lxw_worksheet *ws, lxw_row_t row, size_t ncols, uint64_t left_out)
{
	worksheet_autofilter(ws, 0, 0, row > 1 ? row - 1 : 0, (lxw_col_t)(ncols - 1));
	if (left_out == 0)
		return;
	char *note =
	    xasprintf(_("%llu more lines did not fit: a sheet holds %d rows. "
			"sluice report %lld --json lists every error, and --csv-rejects FILE every "
			"rejected row."),
		(unsigned long long)left_out, LXW_ROW_MAX, (long long)x->rj->import.id);
	xlsx_text(x, ws, XLSX_LAST_ROW, 0, note, x->label);
	free(note);
	x->stats.left_out += left_out;
}

/* What an error cost: the value alone, or its row. */
static const char *
xlsx_error_effect(const struct error_row *e)
{
	if (e->dropped)
		return _("value dropped");
	return e->type == ERROR_DATABASE ? _("row failed") : _("row rejected");
}

static int
xlsx_errors(struct xlsx *x)
{
	lxw_worksheet *ws = x->errors;
	const char *const titles[] = {
		_("Row"),
		_("Line"),
		_("Field"),
		_("Type"),
		_("Message"),
		_("Value"),
		_("Effect"),
	};
	static const double widths[] = { 9, 9, 16, 12, 90, 40, 14 };
	xlsx_table_start(x, ws, titles, widths, 7);

	struct store_iter *it = journal_each_error(x->rj->journal, x->rj->import.id);
	if (it == NULL)
		return -1;
	lxw_row_t row = 1;
	uint64_t left_out = 0;
	const struct error_row *e;
	int rc;
	while ((rc = store_next_error(it, &e)) == 1) {
		if (row >= XLSX_LAST_ROW) {
			left_out++;
			continue;
		}
		worksheet_write_number(ws, row, 0, (double)e->row_no, NULL);
		worksheet_write_number(ws, row, 1, (double)e->line_no, NULL);
		xlsx_text(x, ws, row, 2, e->field ? e->field : "(row)", NULL);
		xlsx_text(x, ws, row, 3, record_error_type_name(e->type), NULL);
		xlsx_text(x, ws, row, 4, e->message, NULL);
		xlsx_text(x, ws, row, 5, e->value, NULL);
		xlsx_text(x, ws, row, 6, xlsx_error_effect(e), NULL);
		row++;
		x->stats.errors++;
	}
	store_iter_close(it);
	if (rc != 0)
		return -1;
	xlsx_table_end(x, ws, row, 7, left_out);
	return 0;
}

/* The rejected rows as the source had them, plus the error column: saved
 * as CSV and corrected, the sheet imports again. */
static int
xlsx_rejects(struct xlsx *x)
{
	lxw_worksheet *ws = x->rejects;
	size_t n = x->rj->ncolumns;
	if (n > LXW_COL_MAX - 1)
		n = LXW_COL_MAX - 1;
	const char **titles = xcalloc(n + 1, sizeof *titles);
	double *widths = xcalloc(n + 1, sizeof *widths);
	for (size_t c = 0; c < n; c++) {
		titles[c] = x->rj->headers[c] ? x->rj->headers[c] : "";
		widths[c] = 18;
	}
	titles[n] = XLSX_ERROR_COLUMN;
	widths[n] = 80;
	xlsx_table_start(x, ws, titles, widths, n + 1);
	free(titles);
	free(widths);

	struct report_rejects *it = report_rejects_open(x->rj);
	if (it == NULL)
		return -1;
	const struct report_reject *r;
	lxw_row_t row = 1;
	uint64_t left_out = 0;
	int rc;
	while ((rc = report_rejects_next(it, &r)) == 1) {
		if (row >= XLSX_LAST_ROW) {
			left_out++;
			continue;
		}
		for (size_t c = 0; c < r->ncells && c < n; c++)
			xlsx_text(x, ws, row, (lxw_col_t)c, r->cells[c], NULL);
		xlsx_text(x, ws, row, (lxw_col_t)n, r->error, NULL);
		row++;
		x->stats.rejected_rows++;
	}
	report_rejects_close(it);
	if (rc != 0)
		return -1;
	xlsx_table_end(x, ws, row, n + 1, left_out);
	return 0;
}

static int
xlsx_batches(struct xlsx *x)
{
	lxw_worksheet *ws = x->batches;
	const char *titles[13] = { _("Batch"), _("First row"), _("Rows") };
	double widths[13] = { 8, 10, 10 };
	for (int o = OUTCOME_CREATED; o <= OUTCOME_FAILED; o++) {
		titles[3 + o] = outcome_label(o);
		widths[3 + o] = 11;
	}
	titles[10] = _("Attempts");
	titles[11] = _("Duration (s)");
	titles[12] = _("Status");
	widths[10] = 10;
	widths[11] = 12;
	widths[12] = 14;
	xlsx_table_start(x, ws, titles, widths, 13);

	struct store_iter *it = journal_each_batch(x->rj->journal, x->rj->import.id);
	if (it == NULL)
		return -1;
	lxw_row_t row = 1;
	uint64_t left_out = 0;
	const struct batch_row *b;
	int rc;
	while ((rc = store_next_batch(it, &b)) == 1) {
		if (row >= XLSX_LAST_ROW) {
			left_out++;
			continue;
		}
		double cols[11] = { (double)b->batch_no, (double)b->first_row, (double)b->rows };
		for (int o = OUTCOME_CREATED; o <= OUTCOME_FAILED; o++)
			cols[3 + o] = (double)b->n[o];
		cols[10] = (double)b->attempts;
		for (int c = 0; c <= 10; c++)
			worksheet_write_number(ws, row, (lxw_col_t)c, cols[c],
			    c >= 1 && c <= 9 ? x->integer : NULL);
		worksheet_write_number(ws, row, 11, (double)b->duration_ms / 1000.0, x->seconds);
		xlsx_text(x, ws, row, 12, b->status, NULL);
		row++;
	}
	store_iter_close(it);
	if (rc != 0)
		return -1;
	xlsx_table_end(x, ws, row, 13, left_out);
	return 0;
}

/* Source column → field, then the cells fixed by hand before the import
 * when there are any. */
static int
xlsx_mapping(struct xlsx *x)
{
	lxw_worksheet *ws = x->mapping;
	const char *const titles[] = { _("Column"), _("Source column"), _("Field") };
	static const double widths[] = { 8, 36, 24, 24 };
	xlsx_table_start(x, ws, titles, widths, 3);
	worksheet_set_column(ws, 3, 3, widths[3], NULL);
	lxw_row_t row = 1;
	for (size_t i = 0; i < x->rj->nmapping; i++) {
		const struct report_column *m = &x->rj->mapping[i];
		worksheet_write_number(ws, row, 0, (double)m->column + 1, NULL);
		xlsx_text(x, ws, row, 1, m->header, NULL);
		xlsx_text(x, ws, row, 2, m->field ? m->field : _("(not imported)"), NULL);
		row++;
	}
	xlsx_table_end(x, ws, row, 3, 0);

	struct store_iter *it = journal_each_fix(x->rj->journal, x->rj->import.id);
	if (it == NULL)
		return 0;
	const struct fix_row *f;
	int rc, first = 1;
	while ((rc = store_next_fix(it, &f)) == 1 && row + 3 < XLSX_LAST_ROW) {
		if (first) {
			const char *const fix_titles[] = {
				_("Row"),
				_("Source column"),
				_("Was"),
				_("Fixed to"),
			};
			row++;
			xlsx_text(x, ws, row++, 0, _("Cells fixed before the import"), x->label);
			for (lxw_col_t c = 0; c < 4; c++)
				xlsx_text(x, ws, row, c, fix_titles[c], x->header);
			row++;
			first = 0;
		}
		const char *header = f->header;
		char *column =
		    header ? NULL : xasprintf(_("column %lld"), (long long)f->column_no + 1);
		worksheet_write_number(ws, row, 0, (double)f->row_no, NULL);
		xlsx_text(x, ws, row, 1, header ? header : column, NULL);
		xlsx_text(x, ws, row, 2, f->original, NULL);
		xlsx_text(x, ws, row, 3, f->value, NULL);
		free(column);
		row++;
	}
	store_iter_close(it);
	return rc >= 0 ? 0 : -1;
}

/* --- Summary --------------------------------------------------------------- */

static void
xlsx_pair(struct xlsx *x, lxw_row_t *row, const char *label, const char *value)
{
	if (value == NULL || *value == '\0')
		return;
	xlsx_text(x, x->summary, *row, 0, label, x->label);
	xlsx_text(x, x->summary, *row, 1, value, NULL);
	(*row)++;
}

static void
xlsx_pair_number(struct xlsx *x, lxw_row_t *row, const char *label, double value, lxw_format *f)
{
	xlsx_text(x, x->summary, *row, 0, label, x->label);
	worksheet_write_number(x->summary, *row, 1, value, f);
	(*row)++;
}

/* A two-column table {name: count} from the journal, under its titles. */
static void
xlsx_counts(struct xlsx *x, lxw_row_t *row, const char *title, enum store_count_by by)
{
	struct name_count *counts;
	size_t n;
	if (journal_error_counts(x->rj->journal, x->rj->import.id, by, &counts, &n) != 0)
		return;
	if (n == 0) {
		journal_counts_free(counts, n);
		return;
	}
	(*row)++;
	xlsx_text(x, x->summary, *row, 0, title, x->header);
	xlsx_text(x, x->summary, *row, 1, _("Errors"), x->header);
	(*row)++;
	for (size_t i = 0; i < n; i++) {
		xlsx_text(x, x->summary, *row, 0, counts[i].name, NULL);
		worksheet_write_number(x->summary, *row, 1, (double)counts[i].n, x->integer);
		(*row)++;
	}
	journal_counts_free(counts, n);
}

/* The values dropped from rows that were kept (not a row outcome: those
 * rows are counted above), when there are any. */
static void
xlsx_values_dropped(struct xlsx *x, lxw_row_t *row)
{
	struct name_count *counts;
	size_t n;
	if (journal_error_counts(x->rj->journal, x->rj->import.id, STORE_COUNT_BY_EFFECT, &counts,
		&n) != 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(counts[i].name, "value_dropped"))
			xlsx_pair_number(x, row, _("Values dropped"), (double)counts[i].n,
			    x->integer);
	journal_counts_free(counts, n);
}

static void
xlsx_note(struct xlsx *x, lxw_row_t *row, char *text)
{
	worksheet_set_row(x->summary, *row, 48, NULL);
	xlsx_text(x, x->summary, *row, 1, text, x->note);
	(*row)++;
	free(text);
}

/* A restore's import: one line per table of the restore with its
 * counts, then the line of every table. */
static void
xlsx_restore(struct xlsx *x, lxw_row_t *row)
{
	const struct report_journal *rj = x->rj;
	if (rj->nrestore == 0)
		return;
	lxw_worksheet *ws = x->summary;
	json_t *r = summary_restore_json(rj->restore, rj->nrestore, rj->import.restore_id);
	(*row)++;
	char *s = xasprintf(
	    ngettext("Restore %lld: its %zu table", "Restore %lld: its %zu tables", rj->nrestore),
	    (long long)rj->import.restore_id, rj->nrestore);
	xlsx_text(x, ws, *row, 0, s, x->label);
	free(s);
	(*row)++;
	static const char *const keys[] = { "processed", "created", "updated", "unchanged",
		"skipped", "rejected", "failed", "not_processed" };
	const char *heads[] = { _("Table"), _("Import"), _("Status"), _("Processed"), _("Created"),
		_("Updated"), _("Unchanged"), _("Skipped"), _("Rejected"), _("Failed"),
		_("Not processed") };
	for (lxw_col_t c = 0; c < sizeof heads / sizeof *heads; c++)
		xlsx_text(x, ws, *row, c, heads[c], x->header);
	(*row)++;
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(r, "tables"), i, t)
	{
		xlsx_text(x, ws, *row, 0, json_string_value(json_object_get(t, "table")), NULL);
		worksheet_write_number(ws, *row, 1,
		    (double)json_integer_value(json_object_get(t, "import")), NULL);
		xlsx_text(x, ws, *row, 2,
		    summary_status_text(json_string_value(json_object_get(t, "status"))), NULL);
		for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
			json_int_t n = json_integer_value(json_object_get(t, keys[k]));
			if (!strcmp(keys[k], "updated"))
				n += json_integer_value(json_object_get(t, "merged"));
			worksheet_write_number(ws, *row, (lxw_col_t)(3 + k), (double)n, x->integer);
		}
		(*row)++;
	}
	json_t *o = json_object_get(r, "overall");
	xlsx_text(x, ws, *row, 0, _("All tables"), x->label);
	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
		json_int_t n = json_integer_value(json_object_get(o, keys[k]));
		if (!strcmp(keys[k], "updated"))
			n += json_integer_value(json_object_get(o, "merged"));
		worksheet_write_number(ws, *row, (lxw_col_t)(3 + k), (double)n, x->integer);
	}
	(*row)++;
	json_decref(r);
}

static void
xlsx_summary(struct xlsx *x)
{
	lxw_worksheet *ws = x->summary;
	const struct import_row *im = &x->rj->import;
	lxw_row_t row = 0;

	worksheet_set_column(ws, 0, 0, 26, NULL);
	worksheet_set_column(ws, 1, 1, 68, NULL);
	worksheet_set_column(ws, 2, 2, 10, NULL);
	worksheet_set_landscape(ws);
	worksheet_fit_to_pages(ws, 1, 1);

	char *s = xasprintf(_("Import %lld of %s"), (long long)im->id,
	    im->source_path ? im->source_path : "");
	xlsx_text(x, ws, row, 0, s, x->title);
	free(s);
	row += 2;

	xlsx_pair_number(x, &row, _("Import"), (double)im->id, NULL);
	xlsx_pair(x, &row, _("Status"), status_label(im->status));
	if (im->dry_run)
		xlsx_pair(x, &row, _("Dry run"), _("yes: nothing was written"));
	xlsx_pair(x, &row, _("File"), im->source_path);
	xlsx_pair_number(x, &row, _("Size (bytes)"),
	    (double)(im->source_size >= 0 ? im->source_size : 0), x->integer);
	xlsx_pair(x, &row, _("SHA-256"), im->source_sha256);
	xlsx_pair(x, &row, _("Sheet"), im->sheet);
	xlsx_pair(x, &row, _("Encoding"), im->encoding);
	xlsx_pair(x, &row, _("Read as"), im->source_description);
	xlsx_pair(x, &row, _("Schema"), im->schema_name);
	xlsx_pair(x, &row, _("Table"), im->target_table);
	xlsx_pair(x, &row, _("Strategy"), im->strategy);
	if (im->on_key_conflict != NULL)
		xlsx_pair(x, &row, _("Key conflicts"), im->on_key_conflict);
	xlsx_pair_number(x, &row, _("Batch size"),
	    (double)(im->batch_size >= 0 ? im->batch_size : 0), x->integer);
	xlsx_pair(x, &row, _("Database"), x->rj->db_path);
	s = xasprintf(_("%s@%s (process %lld)"), im->user_name ? im->user_name : "?",
	    im->host ? im->host : "?", (long long)(im->pid >= 0 ? im->pid : 0));
	xlsx_pair(x, &row, _("Run by"), s);
	free(s);
	xlsx_pair(x, &row, _("Started"), im->started_at);
	xlsx_pair(x, &row, _("Finished"), im->finished_at);
	if (im->duration_s >= 0) {
		xlsx_pair_number(x, &row, _("Duration (s)"), report_duration(im->duration_s),
		    x->seconds);
		if (im->duration_s > 0)
			xlsx_pair_number(x, &row, _("Rows per second"),
			    (double)x->rj->total / im->duration_s, x->integer);
	}
	xlsx_pair(x, &row, _("Stopped early"), im->last_error);

	/* Outcomes: a table and its chart beside it. */
	row++;
	lxw_row_t table = row;
	xlsx_text(x, ws, row, 0, _("Outcome"), x->header);
	xlsx_text(x, ws, row, 1, _("Rows"), x->header);
	xlsx_text(x, ws, row, 2, _("Share"), x->header);
	row++;
	double total = (double)x->rj->total;
	for (int o = 0; o < OUTCOME_DELETED; o++) {
		xlsx_text(x, ws, row, 0, outcome_label(o), NULL);
		worksheet_write_number(ws, row, 1, (double)im->n[o], x->integer);
		if (total > 0)
			worksheet_write_number(ws, row, 2, (double)im->n[o] / total, x->percent);
		row++;
	}
	xlsx_text(x, ws, row, 0, _("Total"), x->label);
	worksheet_write_number(ws, row, 1, total, x->integer);
	row++;
	if (total > 0) {
		xlsx_text(x, ws, row, 0, _("Success rate"), x->label);
		worksheet_write_number(ws, row, 1, summary_success_rate(im->n, x->rj->total),
		    x->percent);
		row++;
	}
	xlsx_values_dropped(x, &row);
	/* Not rows of the file: records --strategy replace deleted. */
	if (im->n[OUTCOME_DELETED] > 0)
		xlsx_pair_number(x, &row, _("Records deleted"), (double)im->n[OUTCOME_DELETED],
		    x->integer);
	struct batch_facts bf;
	if (journal_batch_facts(x->rj->journal, im->id, &bf) == 0) {
		xlsx_pair_number(x, &row, _("Batches"), (double)bf.batches, x->integer);
		xlsx_pair_number(x, &row, _("Failed batches"), (double)bf.failed_batches, x->integer);
		xlsx_pair_number(x, &row, _("Retries"), (double)bf.retries, x->integer);
	}

	lxw_chart *chart = workbook_add_chart(x->wb, LXW_CHART_COLUMN);
	lxw_chart_series *series = chart_add_series(chart, NULL, NULL);
	const char *sheet = ws->name;
	chart_series_set_categories(series, sheet, table + 1, 0, table + OUTCOME_DELETED, 0);
	chart_series_set_values(series, sheet, table + 1, 1, table + OUTCOME_DELETED, 1);
	chart_series_set_labels(series);
	chart_title_set_name(chart, _("Rows by outcome"));
	chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
	lxw_chart_options where = { .x_offset = 10, .x_scale = 1.2, .y_scale = 1.1 };
	worksheet_insert_chart_opt(ws, table, 3, chart, &where);

	xlsx_counts(x, &row, _("Errors by type"), STORE_COUNT_BY_TYPE);
	xlsx_counts(x, &row, _("Errors by field"), STORE_COUNT_BY_FIELD);
	xlsx_restore(x, &row);

	/* What the report did to values, counted over every sheet. Rows are
	 * written in order: the title goes first. */
	row++;
	const struct report_stats *st = &x->stats;
	if (st->cut > 0 || st->left_out > 0)
		xlsx_text(x, ws, row, 0, _("Notes"), x->label);
	if (st->cut > 0)
		xlsx_note(x, &row,
		    xasprintf(
			ngettext("%llu value was longer than a cell holds (%d characters) and was cut; its "
				 "end says how long it was. sluice report %lld --csv-rejects FILE writes the "
				 "rejected rows whole, and --json every offending value.",
			    "%llu values were longer than a cell holds (%d characters) and were cut; "
			    "each ends saying how long it was. sluice report %lld --csv-rejects FILE "
			    "writes the rejected rows whole, and --json every offending value.",
			    (unsigned long)st->cut),
			(unsigned long long)st->cut, REPORT_CELL_MAX, (long long)im->id));
	if (st->left_out > 0)
		xlsx_note(x, &row,
		    xasprintf(
			_("%llu lines did not fit in their sheets "
			  "(a sheet holds %d rows); sluice report %lld --json lists every error."),
			(unsigned long long)st->left_out, LXW_ROW_MAX, (long long)im->id));
}

/* --- The workbook ---------------------------------------------------------- */

/* libxlsxwriter says what goes wrong on standard error, as "[ERROR]"
 * lines nobody asked for: sluice says it once, in its own words. These
 * silence standard error around the library's calls that write files, and
 * give it back. */
static int
xlsx_quiet(void)
{
	int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	fflush(stderr);
	if (saved != -1 && null != -1)
		dup2(null, STDERR_FILENO);
	if (null != -1)
		close(null);
	return saved;
}

static void
xlsx_loud(int saved)
{
	if (saved == -1)
		return;
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
}

static lxw_format *
xlsx_format(lxw_workbook *wb, int bold, const char *num_format)
{
	lxw_format *f = workbook_add_format(wb);
	if (bold)
		format_set_bold(f);
	if (num_format != NULL)
		format_set_num_format(f, num_format);
	return f;
}

static int
xlsx_open(struct xlsx *x, const char *file, const char *path, char **cause)
{
	const char *tmpdir = getenv("TMPDIR");
	lxw_workbook_options options = {
		.constant_memory = LXW_TRUE,
		.tmpdir = tmpdir != NULL && *tmpdir != '\0' ? (char *)tmpdir : NULL,
	};
	int quiet = xlsx_quiet();
	x->wb = workbook_new_opt(file, &options);
	xlsx_loud(quiet);
	if (x->wb == NULL) {
		*cause = xasprintf(_("Cannot start the report %s: out of memory."), path);
		return -1;
	}
	lxw_worksheet **sheets[] = { &x->summary, &x->errors, &x->rejects, &x->batches, &x->mapping };
	const char *names[] = { _("Summary"), _("Errors"), _("Rejected rows"), _("Batches"),
		_("Mapping") };
	for (size_t i = 0; i < sizeof sheets / sizeof *sheets; i++) {
		quiet = xlsx_quiet();
		*sheets[i] = workbook_add_worksheet(x->wb, names[i]);
		xlsx_loud(quiet);
		if (*sheets[i] == NULL) {
			*cause = xasprintf(
			    _("Cannot create the report's temporary files in %s; "
			      "set TMPDIR to a directory you can write to, with free space."),
			    options.tmpdir ? options.tmpdir : "/tmp");
			lxw_workbook_free(x->wb);
			x->wb = NULL;
			return -1;
		}
	}
	x->title = xlsx_format(x->wb, 1, NULL);
	format_set_font_size(x->title, 14);
	x->header = xlsx_format(x->wb, 1, NULL);
	format_set_bottom(x->header, LXW_BORDER_THIN);
	format_set_bg_color(x->header, 0xDDE4EE);
	x->label = xlsx_format(x->wb, 1, NULL);
	x->integer = xlsx_format(x->wb, 0, "#,##0");
	x->seconds = xlsx_format(x->wb, 0, "#,##0.000");
	x->percent = xlsx_format(x->wb, 0, "0.0%");
	x->note = xlsx_format(x->wb, 0, NULL);
	format_set_text_wrap(x->note);
	format_set_align(x->note, LXW_ALIGN_VERTICAL_TOP);
	return 0;
}

/* Room the closing of the workbook needs in $TMPDIR beyond its largest
 * sheet: the sheet's head and tail, and the small parts. */
#define XLSX_CLOSE_MARGIN (1024 * 1024)

/* Whether every row spooled to the sheets' temporary files got there, and
 * whether the closing, which copies each sheet to another temporary file
 * before zipping it, has room to: the library does not look at either, and
 * a full disk would leave a report cut short that says nothing of it. 0,
 * or the errno to tell. */
static int
xlsx_spooled(struct xlsx *x, const char *tmpdir)
{
	unsigned long long largest = 0;
	struct statvfs vfs;
	struct rlimit lim;
	lxw_worksheet *sheet;

	LXW_FOREACH_WORKSHEET(sheet, x->wb)
	{
		FILE *fp = sheet->optimize_tmpfile;
		long size;

		if (fp == NULL)
			continue;
		errno = 0;
		if (fflush(fp) != 0 || ferror(fp))
			return errno != 0 ? errno : EIO;
		if ((size = ftell(fp)) > 0 && (unsigned long long)size > largest)
			largest = (unsigned long long)size;
	}
	largest += XLSX_CLOSE_MARGIN;
	if (getrlimit(RLIMIT_FSIZE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY &&
	    lim.rlim_cur < largest)
		return EFBIG;
	if (statvfs(tmpdir, &vfs) == 0 && (unsigned long long)vfs.f_bavail * vfs.f_frsize < largest)
		return ENOSPC;
	return 0;
}

/* Closes the workbook at tmp, quietly, and puts it at path (a workbook
 * cut short by a full disk is never put there): 0, or -1 and *cause. */
static int
xlsx_close(struct xlsx *x, char *tmp, const char *path, char **cause)
{
	const char *tmpdir = getenv("TMPDIR");
	if (tmpdir == NULL || *tmpdir == '\0')
		tmpdir = "/tmp";
	int spooled = xlsx_spooled(x, tmpdir);
	if (spooled != 0) {
		lxw_workbook_free(x->wb);
		*cause = xasprintf(_("Cannot write the report to %s: its temporary files in %s "
				     "cannot be written (%s). Set TMPDIR to a directory with free "
				     "space, or free some, and write the report again."),
		    path, tmpdir, strerror(spooled));
		return report_put_in_place(tmp, path, -1, cause);
	}
	int quiet = xlsx_quiet();
	errno = 0;
	lxw_error rc = workbook_close(x->wb);
	int err = errno;
	xlsx_loud(quiet);
	if (rc != LXW_NO_ERROR) {
		/* The system's reason says more than the library's, when there
		 * is one. */
		char *why = xstrdup(err != 0 ? strerror(err) : lxw_strerror(rc));
		size_t n = strlen(why);
		while (n > 0 && why[n - 1] == '.')
			why[--n] = '\0';
		*cause = xasprintf(_("Cannot write the report to %s: %s. Give a path in a "
				     "directory you can write to, on a disk with free space."),
		    path, why);
		free(why);
		return report_put_in_place(tmp, path, -1, cause);
	}
	return report_put_in_place(tmp, path, 0, cause);
}

int
report_write_xlsx(const char *db_path, int64_t id, const char *path, struct report_stats *stats,
    char **cause)
{
	struct report_journal rj;
	if (report_journal_open(&rj, db_path, id, cause) != 0)
		return -1;
	char *tmp = NULL;
	if (report_check_path(path, db_path, rj.import.source_path, cause) != 0 ||
	    (tmp = report_temp_beside(path, cause)) == NULL) {
		report_journal_close(&rj);
		return -1;
	}
	struct xlsx x = { .rj = &rj };
	if (xlsx_open(&x, tmp, path, cause) != 0) {
		report_journal_close(&rj);
		return report_put_in_place(tmp, path, -1, cause);
	}
	/* The Summary comes first in the workbook but is written last: its
	 * notes count what the other sheets did to their values. */
	if (xlsx_errors(&x) != 0 || xlsx_rejects(&x) != 0 || xlsx_batches(&x) != 0 ||
	    xlsx_mapping(&x) != 0) {
		*cause = report_journal_error(&rj);
		lxw_workbook_free(x.wb);
		report_journal_close(&rj);
		return report_put_in_place(tmp, path, -1, cause);
	}
	xlsx_summary(&x);
	report_journal_close(&rj);
	if (xlsx_close(&x, tmp, path, cause) != 0)
		return -1;
	if (stats != NULL)
		*stats = x.stats;
	return 0;
}

/* --- What an import wrote (sluice export) -------------------------------------- */

int
report_export_xlsx(const char *db_path, int64_t id, const char *path, unsigned outcomes,
    struct report_stats *stats, char **cause)
{
	struct report_journal rj;
	if (report_journal_open(&rj, db_path, id, cause) != 0)
		return -1;
	char *tmp = NULL;
	if (report_check_path(path, db_path, rj.import.source_path, cause) != 0 ||
	    (tmp = report_temp_beside(path, cause)) == NULL) {
		report_journal_close(&rj);
		return -1;
	}
	struct report_records *it = report_records_open(&rj, outcomes, cause);
	if (it == NULL) {
		report_journal_close(&rj);
		return report_put_in_place(tmp, path, -1, cause);
	}
	const char *tmpdir = getenv("TMPDIR");
	lxw_workbook_options options = {
		.constant_memory = LXW_TRUE,
		.tmpdir = tmpdir != NULL && *tmpdir != '\0' ? (char *)tmpdir : NULL,
	};
	struct xlsx x = { .rj = &rj };
	x.wb = workbook_new_opt(tmp, &options);
	lxw_worksheet *ws = x.wb ? workbook_add_worksheet(x.wb, _("Records")) : NULL;
	if (ws == NULL) {
		*cause = xasprintf(_("Cannot create the report's temporary files in %s; "
				     "set TMPDIR to a directory you can write to, with free space."),
		    options.tmpdir ? options.tmpdir : "/tmp");
		lxw_workbook_free(x.wb);
		report_records_close(it);
		report_journal_close(&rj);
		return report_put_in_place(tmp, path, -1, cause);
	}
	x.header = xlsx_format(x.wb, 1, NULL);
	format_set_bottom(x.header, LXW_BORDER_THIN);
	format_set_bg_color(x.header, 0xDDE4EE);
	const struct schema *s = report_records_schema(it);
	size_t n = s->nfields + 2;
	const char **titles = xcalloc(n, sizeof *titles);
	double *widths = xcalloc(n, sizeof *widths);
	titles[0] = "id";
	titles[1] = "outcome";
	widths[0] = 10;
	widths[1] = 12;
	for (size_t f = 0; f < s->nfields; f++) {
		titles[f + 2] = s->fields[f].name;
		widths[f + 2] = 20;
	}
	xlsx_table_start(&x, ws, titles, widths, n);
	free(titles);
	free(widths);
	const struct report_record *r;
	int rc;
	lxw_row_t row = 1;
	while ((rc = report_records_next(it, &r)) == 1) {
		if (row > XLSX_LAST_ROW) {
			x.stats.left_out++;
			continue;
		}
		worksheet_write_number(ws, row, 0, (double)r->id, NULL);
		xlsx_text(&x, ws, row, 1, outcome_name(r->outcome), NULL);
		for (size_t f = 0; f < s->nfields; f++)
			xlsx_text(&x, ws, row, (lxw_col_t)(f + 2), r->values[f], NULL);
		row++;
		x.stats.records++;
	}
	worksheet_autofilter(ws, 0, 0, row > 1 ? row - 1 : 0, (lxw_col_t)(n - 1));
	x.stats.gone = report_records_gone(it);
	report_records_close(it);
	if (rc != 0) {
		*cause = report_journal_error(&rj);
		lxw_workbook_free(x.wb);
		report_journal_close(&rj);
		return report_put_in_place(tmp, path, -1, cause);
	}
	report_journal_close(&rj);
	if (xlsx_close(&x, tmp, path, cause) != 0)
		return -1;
	if (stats != NULL)
		*stats = x.stats;
	return 0;
}
