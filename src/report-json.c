/* The JSON report: the object sluice show --json prints, with every error
 * of the import instead of the first 20. The errors are streamed one at a
 * time after the rest of the object, so a million of them take no more
 * memory than one. */
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "report-int.h"
#include "summary.h"
#include "xmalloc.h"

#define JSON_FLAGS (JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII)

/* Text from the journal; bytes that are not UTF-8 are kept as \xNN. */
static json_t *
json_text(const char *s)
{
	if (s == NULL)
		return json_null();
	json_t *v = json_string(s);
	if (v != NULL)
		return v;
	unsigned what;
	char *t = report_cell_text(s, 0, &what);
	v = json_string(t + ((what & REPORT_NEUTRALIZED) ? 1 : 0));
	free(t);
	return v != NULL ? v : json_string("");
}

/* Writes {row, line, field, type, message, value} for each error; -1 when
 * the journal cannot be read. */
static int
json_errors(struct report_journal *rj, FILE *fp, struct report_stats *stats)
{
	sqlite3_stmt *st = report_errors_query(rj);
	if (st == NULL)
		return -1;
	static const char *const keys[] = { "row", "line", "field", "type", "message", "value" };
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *e = json_object();
		for (int c = 0; c < 6; c++)
			json_object_set_new(e, keys[c], c < 2 ?
			    json_integer(sqlite3_column_int64(st, c)) :
			    json_text((const char *)sqlite3_column_text(st, c)));
		fputs(stats->errors++ ? ",\n    " : "\n    ", fp);
		json_dumpf(e, fp, JSON_FLAGS);
		json_decref(e);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
report_write_json(const char *db_path, int64_t id, FILE *fp, struct report_stats *stats,
    char **cause)
{
	struct report_journal rj;
	if (report_journal_open(&rj, db_path, id, cause) != 0)
		return -1;
	json_t *o = summary_from_journal(rj.journal, id, db_path);
	if (o == NULL) {
		*cause = report_journal_error(&rj);
		report_journal_close(&rj);
		return -1;
	}
	/* What sluice import --json has and the journal does not say. */
	const struct report_import *im = &rj.import;
	if (json_object_get(o, "duration_s") == NULL)
		json_object_set_new(o, "duration_s",
		    im->duration_s >= 0 ? json_real(im->duration_s) : json_null());
	if (json_object_get(o, "rows_per_s") == NULL)
		json_object_set_new(o, "rows_per_s", im->duration_s > 0 ?
		    json_real((double)im->total / im->duration_s) : json_integer(0));
	json_object_del(o, "errors");

	/* The object without its closing brace, then the errors, then it. */
	char *head = json_dumps(o, JSON_INDENT(2) | JSON_FLAGS);
	json_decref(o);
	size_t len = strlen(head);
	while (len > 0 && head[len - 1] != '}')
		len--;
	if (len > 0)
		len--;
	while (len > 0 && (head[len - 1] == '\n' || head[len - 1] == ' '))
		len--;
	fwrite(head, 1, len, fp);
	fputs(len > 1 ? ",\n  \"errors\": [" : "\n  \"errors\": [", fp);
	free(head);

	struct report_stats st = { 0 };
	int rc = json_errors(&rj, fp, &st);
	fputs(st.errors > 0 ? "\n  ]\n}\n" : "]\n}\n", fp);
	if (rc != 0)
		*cause = report_journal_error(&rj);
	report_journal_close(&rj);
	if (rc == 0 && (fflush(fp) != 0 || ferror(fp))) {
		*cause = xasprintf(_("Cannot write the JSON report: %s. Give it a place with free "
		    "space."), strerror(errno != 0 ? errno : EIO));
		rc = -1;
	}
	if (rc == 0 && stats != NULL)
		*stats = st;
	return rc;
}
