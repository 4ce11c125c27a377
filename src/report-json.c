/* The JSON report: the object sluice show --json prints, with every batch
 * ("batch_details") and every error of the import instead of the first 20.
 * Batches and errors are streamed one at a time after the rest of the
 * object, so a million of them take no more memory than one. */
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
	char *t = report_cell_text(s, 0, 0, NULL);
	v = json_string(t);
	free(t);
	return v != NULL ? v : json_string("");
}

/* Writes {row, line, field, type, message, value, value_dropped} for each
 * error; -1 when the journal cannot be read. */
static int
json_errors(struct report_journal *rj, FILE *fp, struct report_stats *stats)
{
	struct store_iter *it = journal_each_error(rj->journal, rj->import.id);
	if (it == NULL)
		return -1;
	const struct error_row *r;
	int rc;
	while ((rc = store_next_error(it, &r)) == 1) {
		json_t *e = json_object();
		json_object_set_new(e, "row", json_integer((json_int_t)r->row_no));
		json_object_set_new(e, "line", json_integer((json_int_t)r->line_no));
		json_object_set_new(e, "field", json_text(r->field));
		json_object_set_new(e, "type", json_text(record_error_type_name(r->type)));
		json_object_set_new(e, "message", json_text(r->message));
		json_object_set_new(e, "value", json_text(r->value));
		json_object_set_new(e, "value_dropped", json_boolean(r->dropped));
		fputs(stats->errors++ ? ",\n    " : "\n    ", fp);
		json_dumpf(e, fp, JSON_FLAGS);
		json_decref(e);
	}
	store_iter_close(it);
	return rc == 0 ? 0 : -1;
}

/* Writes {batch, first_row, rows, created … failed, attempts, duration_s,
 * status} for each batch; -1 when the journal cannot be read. */
static int
json_batches(struct report_journal *rj, FILE *fp)
{
	struct store_iter *it = journal_each_batch(rj->journal, rj->import.id);
	if (it == NULL)
		return -1;
	const struct batch_row *b;
	int rc, n = 0;
	while ((rc = store_next_batch(it, &b)) == 1) {
		json_t *o = json_object();
		json_object_set_new(o, "batch", json_integer((json_int_t)b->batch_no));
		json_object_set_new(o, "first_row", json_integer((json_int_t)b->first_row));
		json_object_set_new(o, "rows", json_integer((json_int_t)b->rows));
		for (int k = OUTCOME_CREATED; k < OUTCOME_NOT_PROCESSED; k++)
			json_object_set_new(o, outcome_name((enum outcome)k),
			    json_integer((json_int_t)b->n[k]));
		json_object_set_new(o, "attempts", json_integer((json_int_t)b->attempts));
		json_object_set_new(o, "duration_s", json_real((double)b->duration_ms / 1000.0));
		json_object_set_new(o, "status", json_text(b->status));
		fputs(n++ ? ",\n    " : "\n    ", fp);
		json_dumpf(o, fp, JSON_FLAGS);
		json_decref(o);
	}
	store_iter_close(it);
	fputs(n > 0 ? "\n  ]" : "]", fp);
	return rc == 0 ? 0 : -1;
}

int
report_write_json(const char *db_path, int64_t id, FILE *fp, struct report_stats *stats, char **cause)
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
	const struct import_row *im = &rj.import;
	if (json_object_get(o, "duration_s") == NULL)
		json_object_set_new(o, "duration_s",
		    im->duration_s >= 0 ? json_real(report_duration(im->duration_s)) : json_null());
	if (json_object_get(o, "rows_per_s") == NULL)
		json_object_set_new(o, "rows_per_s",
		    im->duration_s > 0 ? json_real((double)rj.total / im->duration_s) :
					 json_integer(0));
	json_object_del(o, "errors");

	/* The object without its closing brace, then the batches and the
	 * errors, then it. */
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
	fputs(len > 1 ? ",\n  \"batch_details\": [" : "\n  \"batch_details\": [", fp);
	free(head);

	struct report_stats st = { 0 };
	int rc = json_batches(&rj, fp);
	fputs(",\n  \"errors\": [", fp);
	if (rc == 0)
		rc = json_errors(&rj, fp, &st);
	fputs(st.errors > 0 ? "\n  ]\n}\n" : "]\n}\n", fp);
	if (rc != 0)
		*cause = report_journal_error(&rj);
	report_journal_close(&rj);
	if (rc == 0 && (fflush(fp) != 0 || ferror(fp))) {
		*cause = xasprintf(_("Cannot write the JSON report: %s. Give it a place with free "
				     "space."),
		    strerror(errno != 0 ? errno : EIO));
		rc = -1;
	}
	if (rc == 0 && stats != NULL)
		*stats = st;
	return rc;
}
