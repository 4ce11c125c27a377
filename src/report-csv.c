/* The CSV exports: the rejected rows, ready to correct and import again
 * (UTF-8 with a BOM so that Excel reads it as UTF-8, RFC 4180 quoting and
 * CRLF line ends, the source's header plus an "error" column; values never
 * cut: this is the whole copy), and the summary of imports, one line of
 * counts and facts each. Values a spreadsheet would run get a leading '. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fatal.h"
#include "i18n.h"
#include "report-int.h"
#include "summary.h"
#include "text.h"
#include "validate.h"
#include "xmalloc.h"

/* English whatever the language, so that it never matches a schema's
 * header synonyms when the file is imported again, and so that the import
 * knows the file for sluice's (validate_is_rejects_csv). */
#define CSV_ERROR_COLUMN VALIDATE_REJECTS_COLUMN

static void
csv_field(FILE *fp, const char *s, int first, struct report_stats *stats)
{
	static int terminal = -1;
	unsigned what;
	char *text = report_cell_text(s ? s : "", 0, 1, &what);
	char *quoted = report_csv_quote(text);
	if (what & REPORT_NEUTRALIZED)
		stats->neutralized++;
	/* Cells never reach a terminal raw: standard output that is one
	 * gets them escaped (a file or a pipe gets the bytes). */
	if (terminal < 0)
		terminal = isatty(STDOUT_FILENO);
	if (fp == stdout && terminal) {
		char *shown = text_escape(quoted);
		free(quoted);
		quoted = shown;
	}
	if (!first)
		fputc(',', fp);
	fputs(quoted, fp);
	free(quoted);
	free(text);
}

/* Writes the rows to fp; -1 when the journal cannot be read. */
static int
csv_rows(struct report_journal *rj, FILE *fp, struct report_stats *stats)
{
	size_t n = rj->ncolumns;
	fputs("\xef\xbb\xbf", fp);
	for (size_t c = 0; c < n; c++)
		csv_field(fp, rj->headers[c], c == 0, stats);
	csv_field(fp, CSV_ERROR_COLUMN, n == 0, stats);
	fputs("\r\n", fp);

	struct report_rejects *it = report_rejects_open(rj);
	if (it == NULL)
		return -1;
	const struct report_reject *r;
	int rc;
	while ((rc = report_rejects_next(it, &r)) == 1) {
		/* Every line has every column: a short row is padded. */
		for (size_t c = 0; c < n; c++)
			csv_field(fp, c < r->ncells ? r->cells[c] : "", c == 0, stats);
		csv_field(fp, r->error, n == 0, stats);
		fputs("\r\n", fp);
		stats->rejected_rows++;
	}
	report_rejects_close(it);
	return rc == 0 ? 0 : -1;
}

/* Standard output for "-", else a file beside path (*tmp), checked and
 * created, that csv_finish puts in place; NULL and *cause when it cannot
 * be. */
static FILE *
csv_open(const struct report_journal *rj, const char *db_path, const char *path, char **tmp,
    char **cause)
{
	*tmp = NULL;
	if (!strcmp(path, "-"))
		return stdout;
	if (report_check_path(path, db_path, rj->import.source_path, cause) != 0 ||
	    (*tmp = report_temp_beside(path, cause)) == NULL)
		return NULL;
	FILE *fp = fopen(*tmp, "wb");
	if (fp == NULL) {
		*cause = xasprintf(_("Cannot write the report to %s: %s. Give a path in a "
				     "directory you can write to."),
		    path, strerror(errno));
		report_put_in_place(*tmp, path, -1, cause);
		*tmp = NULL;
	}
	return fp;
}

/* Closes fp (flushes standard output) after a writer's rc; a write that
 * failed on the way makes it -1 with *cause. A file is put in place, or
 * removed when it failed. */
static int
csv_finish(FILE *fp, char *tmp, const char *path, int to_stdout, int rc, char **cause)
{
	/* A full disk shows at the latest when the last buffer is written. */
	int failed = ferror(fp), err = errno;
	if (to_stdout ? fflush(fp) != 0 : fclose(fp) != 0) {
		failed = 1;
		err = errno;
	}
	if (rc == 0 && failed) {
		*cause = xasprintf(_("Cannot write the report to %s: %s. Give a path on a disk "
				     "with free space."),
		    to_stdout ? _("standard output") : path, strerror(err != 0 ? err : EIO));
		rc = -1;
	}
	return tmp != NULL ? report_put_in_place(tmp, path, rc, cause) : rc;
}

int
report_write_csv_rejects(const char *db_path, int64_t id, const char *path,
    struct report_stats *stats, char **cause)
{
	struct report_journal rj;
	if (report_journal_open(&rj, db_path, id, cause) != 0)
		return -1;
	int to_stdout = !strcmp(path, "-");
	char *tmp;
	FILE *fp = csv_open(&rj, db_path, path, &tmp, cause);
	if (fp == NULL) {
		report_journal_close(&rj);
		return -1;
	}
	struct report_stats st = { 0 };
	int rc = csv_rows(&rj, fp, &st);
	if (rc != 0)
		*cause = report_journal_error(&rj);
	report_journal_close(&rj);

	if (csv_finish(fp, tmp, path, to_stdout, rc, cause) != 0)
		return -1;
	if (stats != NULL)
		*stats = st;
	return 0;
}

/* --- What an import wrote (sluice export) -------------------------------------- */

static int
csv_export_rows(struct report_journal *rj, FILE *fp, unsigned outcomes, struct report_stats *st,
    char **cause)
{
	struct report_records *it = report_records_open(rj, outcomes, cause);
	if (it == NULL)
		return -2;
	const struct schema *s = report_records_schema(it);
	fputs("\xef\xbb\xbf", fp);
	csv_field(fp, "id", 1, st);
	csv_field(fp, "outcome", 0, st);
	for (size_t f = 0; f < s->nfields; f++)
		csv_field(fp, s->fields[f].name, 0, st);
	fputs("\r\n", fp);
	const struct report_record *r;
	int rc;
	while ((rc = report_records_next(it, &r)) == 1) {
		char num[24];
		snprintf(num, sizeof num, "%lld", (long long)r->id);
		csv_field(fp, num, 1, st);
		csv_field(fp, outcome_name(r->outcome), 0, st);
		for (size_t f = 0; f < s->nfields; f++)
			csv_field(fp, r->values[f], 0, st);
		fputs("\r\n", fp);
		st->records++;
	}
	st->gone = report_records_gone(it);
	report_records_close(it);
	return rc == 0 ? 0 : -1;
}

int
report_export_csv(const char *db_path, int64_t id, const char *path, unsigned outcomes,
    struct report_stats *stats, char **cause)
{
	struct report_journal rj;
	if (report_journal_open(&rj, db_path, id, cause) != 0)
		return -1;
	int to_stdout = !strcmp(path, "-");
	char *tmp;
	FILE *fp = csv_open(&rj, db_path, path, &tmp, cause);
	if (fp == NULL) {
		report_journal_close(&rj);
		return -1;
	}
	struct report_stats st = { 0 };
	int rc = csv_export_rows(&rj, fp, outcomes, &st, cause);
	if (rc == -1)
		*cause = report_journal_error(&rj);
	report_journal_close(&rj);
	/* A failure's cause stands, and its file is removed. */
	if (csv_finish(fp, tmp, path, to_stdout, rc, cause) != 0)
		return -1;
	if (stats != NULL)
		*stats = st;
	return 0;
}

/* --- The summary of imports ------------------------------------------------- */

/* The summary's columns, named as sluice show --json names the facts. */
static const char *const csv_summary_columns[] = {
	"id",
	"file",
	"sha256",
	"status",
	"dry_run",
	"schema",
	"table",
	"strategy",
	"started_at",
	"finished_at",
	"duration_s",
	"rows_per_s",
	"total",
	"created",
	"updated",
	"merged",
	"unchanged",
	"skipped",
	"rejected",
	"failed",
	"not_processed",
	"deleted",
	"success_rate",
	"values_dropped",
	"batches",
	"failed_batches",
	"retries",
	"restore_id",
};
#define CSV_SUMMARY_NCOLUMNS (sizeof csv_summary_columns / sizeof *csv_summary_columns)

void
report_csv_summary_header(FILE *fp)
{
	struct report_stats st = { 0 };
	for (size_t c = 0; c < CSV_SUMMARY_NCOLUMNS; c++)
		csv_field(fp, csv_summary_columns[c], c == 0, &st);
	fputs("\r\n", fp);
}

/* How many values import id dropped from rows it kept; -1 when unreadable. */
static int
csv_values_dropped(struct journal *j, int64_t id, uint64_t *dropped)
{
	struct name_count *counts;
	size_t n;
	*dropped = 0;
	if (journal_error_counts(j, id, STORE_COUNT_BY_EFFECT, &counts, &n) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(counts[i].name, "value_dropped"))
			*dropped = counts[i].n;
	journal_counts_free(counts, n);
	return 0;
}

int
report_csv_summary_line(FILE *fp, struct journal *j, const struct import_row *im)
{
	struct batch_facts bf;
	uint64_t dropped;
	if (journal_batch_facts(j, im->id, &bf) != 0 || csv_values_dropped(j, im->id, &dropped) != 0)
		return -1;
	uint64_t total = im->total >= 0 ? (uint64_t)im->total : im->rows_done;
	double rate = summary_success_rate(im->n, total);
	char *v[CSV_SUMMARY_NCOLUMNS];
	size_t k = 0;
	v[k++] = xasprintf("%lld", (long long)im->id);
	v[k++] = xstrdup(im->source_path ? im->source_path : "");
	v[k++] = xstrdup(im->source_sha256 ? im->source_sha256 : "");
	v[k++] = xstrdup(status_name(im->status));
	v[k++] = xstrdup(im->dry_run ? "true" : "false");
	v[k++] = xstrdup(im->schema_name ? im->schema_name : "");
	v[k++] = xstrdup(im->target_table ? im->target_table : "");
	v[k++] = xstrdup(im->strategy ? im->strategy : "");
	v[k++] = xstrdup(im->started_at ? im->started_at : "");
	v[k++] = xstrdup(im->finished_at ? im->finished_at : "");
	v[k++] =
	    im->duration_s >= 0 ? xasprintf("%.3f", report_duration(im->duration_s)) : xstrdup("");
	v[k++] = im->duration_s > 0 ? xasprintf("%.0f", (double)total / im->duration_s) : xstrdup("");
	v[k++] = xasprintf("%llu", (unsigned long long)total);
	for (int o = 0; o < OUTCOME_COUNT; o++)
		v[k++] = xasprintf("%llu", (unsigned long long)im->n[o]);
	v[k++] = rate >= 0 ? xasprintf("%.4f", rate) : xstrdup("");
	v[k++] = xasprintf("%llu", (unsigned long long)dropped);
	v[k++] = xasprintf("%llu", (unsigned long long)bf.batches);
	v[k++] = xasprintf("%llu", (unsigned long long)bf.failed_batches);
	v[k++] = xasprintf("%llu", (unsigned long long)bf.retries);
	v[k++] = im->restore_id > 0 ? xasprintf("%lld", (long long)im->restore_id) : xstrdup("");
	fatal_assert(k == CSV_SUMMARY_NCOLUMNS);
	struct report_stats st = { 0 };
	for (size_t c = 0; c < k; c++) {
		csv_field(fp, v[c], c == 0, &st);
		free(v[c]);
	}
	fputs("\r\n", fp);
	return 0;
}

int
report_write_csv_summary(const char *db_path, int64_t id, const char *path, char **cause)
{
	struct report_journal rj;
	if (report_journal_open(&rj, db_path, id, cause) != 0)
		return -1;
	int to_stdout = !strcmp(path, "-");
	char *tmp;
	FILE *fp = csv_open(&rj, db_path, path, &tmp, cause);
	if (fp == NULL) {
		report_journal_close(&rj);
		return -1;
	}
	/* A file gets a BOM for Excel; a pipe gets plain UTF-8. */
	if (!to_stdout)
		fputs("\xef\xbb\xbf", fp);
	report_csv_summary_header(fp);
	/* A restore's import: a line for each table of the restore. */
	int rc = 0;
	if (rj.nrestore > 0)
		for (size_t i = 0; i < rj.nrestore && rc == 0; i++)
			rc = report_csv_summary_line(fp, rj.journal, &rj.restore[i]);
	else
		rc = report_csv_summary_line(fp, rj.journal, &rj.import);
	if (rc != 0)
		*cause = report_journal_error(&rj);
	report_journal_close(&rj);
	return csv_finish(fp, tmp, path, to_stdout, rc, cause);
}
