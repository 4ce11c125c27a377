/* The rejected rows as CSV, ready to correct and import again: UTF-8 with a
 * BOM so that Excel reads it as UTF-8, RFC 4180 quoting and CRLF line ends,
 * the source's header plus an "error" column. Values are never cut: this is
 * the whole copy; values a spreadsheet would run get a leading '. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "report-int.h"
#include "xmalloc.h"

/* English whatever the language, so that it never matches a schema's
 * header synonyms when the file is imported again. */
#define CSV_ERROR_COLUMN "error"

static void
csv_field(FILE *fp, const char *s, int first, struct report_stats *stats)
{
	unsigned what;
	char *text = report_cell_text(s ? s : "", 0, 1, &what);
	char *quoted = report_csv_quote(text);
	if (what & REPORT_NEUTRALIZED)
		stats->neutralized++;
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

int
report_write_csv_rejects(const char *db_path, int64_t id, const char *path,
    struct report_stats *stats, char **cause)
{
	struct report_journal rj;
	if (report_journal_open(&rj, db_path, id, cause) != 0)
		return -1;
	int to_stdout = !strcmp(path, "-");
	if (!to_stdout && report_check_path(path, cause) != 0) {
		report_journal_close(&rj);
		return -1;
	}
	FILE *fp = to_stdout ? stdout : fopen(path, "wb");
	if (fp == NULL) {
		*cause = xasprintf(_("Cannot write the report to %s: %s. Give a path in a "
				     "directory you can write to."),
		    path, strerror(errno));
		report_journal_close(&rj);
		return -1;
	}
	struct report_stats st = { 0 };
	int rc = csv_rows(&rj, fp, &st);
	if (rc != 0)
		*cause = report_journal_error(&rj);
	report_journal_close(&rj);

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
	if (rc != 0) {
		report_remove_partial(path);
		return -1;
	}
	if (stats != NULL)
		*stats = st;
	return 0;
}
