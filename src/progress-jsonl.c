/* The JSON-lines progress protocol, both ways: snapshots, events and the
 * wizard's import lines written one per line, and read back into the same
 * structures. */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "progress-jsonl.h"
#include "xmalloc.h"

/* Writes o as one line and frees it; nothing when o could not be made
 * (a string that is not UTF-8). */
static void
progress_jsonl_put(FILE *fp, json_t *o)
{
	if (o == NULL)
		return;
	json_dumpf(o, fp, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	fputc('\n', fp);
	fflush(fp);
	json_decref(o);
}

static json_t *
progress_jsonl_snapshot_json(const struct progress_snapshot *s)
{
	json_t *o = json_pack("{s:s, s:I, s:s, s:f, s:I, s:I, s:b, s:I, s:I, s:f, s:f, s:f, s:f}",
	    "type", "progress", "id", (json_int_t)s->id, "status", status_name(s->status),
	    "percent", s->percent, "rows_done", (json_int_t)s->rows_done, "rows_total",
	    (json_int_t)s->rows_total, "total_exact", s->total_exact, "batch", (json_int_t)s->batch,
	    "batches_total", (json_int_t)s->batches_total, "elapsed_s", s->elapsed_s, "rows_per_s",
	    s->rows_per_s, "rows_per_min", s->rows_per_min, "eta_s", s->eta_s);
	for (int k = 0; k < OUTCOME_COUNT; k++)
		json_object_set_new(o, outcome_name((enum outcome)k),
		    json_integer((json_int_t)s->counts.n[k]));
	return o;
}

void
progress_jsonl_snapshot(FILE *fp, const struct progress_snapshot *s)
{
	progress_jsonl_put(fp, progress_jsonl_snapshot_json(s));
}

void
progress_jsonl_snapshot_tables(FILE *fp, const struct progress_snapshot *s, const char *table,
    const struct progress_table *tables, size_t n)
{
	json_t *o = progress_jsonl_snapshot_json(s), *all = json_object();
	uint64_t processed = 0, total = 0;
	for (size_t i = 0; i < n; i++) {
		processed += tables[i].processed;
		total += tables[i].total;
	}
	json_object_set_new(o, "restore",
	    json_pack("{s:I, s:I}", "processed", (json_int_t)processed, "total", (json_int_t)total));
	for (size_t i = 0; i < n; i++)
		json_object_set_new(all, tables[i].name,
		    json_pack("{s:I, s:I}", "processed", (json_int_t)tables[i].processed, "total",
			(json_int_t)tables[i].total));
	json_object_set_new(o, "table", json_string(table));
	json_object_set_new(o, "tables", all);
	progress_jsonl_put(fp, o);
}

void
progress_jsonl_event(FILE *fp, const struct progress_event *ev)
{
	progress_jsonl_put(fp,
	    json_pack("{s:s, s:s, s:I, s:f, s:s}", "type", "event", "kind",
		progress_event_kind_name(ev->kind), "batch", (json_int_t)ev->batch, "elapsed_s",
		ev->elapsed_s, "message", ev->message));
}

void
progress_jsonl_started(FILE *fp, int64_t id, int dry_run)
{
	progress_jsonl_put(fp,
	    json_pack("{s:s, s:I, s:b}", "type", "started", "id", (json_int_t)id, "dry_run", dry_run));
}

void
progress_jsonl_error(FILE *fp, const char *message)
{
	progress_jsonl_put(fp, json_pack("{s:s, s:s}", "type", "error", "message", message));
}

void
progress_jsonl_result(FILE *fp, int64_t id, enum import_status status, const char *last_error)
{
	progress_jsonl_put(fp,
	    json_pack("{s:s, s:I, s:s, s:s?}", "type", "result", "id", (json_int_t)id, "status",
		status_name(status), "last_error", last_error));
}

int
progress_jsonl_filter(struct progress_jsonl_filter *f, const struct progress_snapshot *s)
{
	if (f->written && s->rows_done == f->rows_done && s->status == f->status &&
	    s->total_exact == f->total_exact &&
	    (f->every_s <= 0 || s->elapsed_s - f->elapsed_s < f->every_s))
		return 0;
	f->written = 1;
	f->rows_done = s->rows_done;
	f->status = s->status;
	f->total_exact = s->total_exact;
	f->elapsed_s = s->elapsed_s;
	return 1;
}

static uint64_t
progress_jsonl_count(const json_t *o, const char *key)
{
	json_int_t v = json_integer_value(json_object_get(o, key));
	return v > 0 ? (uint64_t)v : 0;
}

static void
progress_jsonl_read_snapshot(const json_t *o, struct progress_snapshot *s)
{
	s->id = json_integer_value(json_object_get(o, "id"));
	s->status = status_parse(json_string_value(json_object_get(o, "status")));
	s->percent = json_number_value(json_object_get(o, "percent"));
	s->rows_done = progress_jsonl_count(o, "rows_done");
	s->rows_total = progress_jsonl_count(o, "rows_total");
	s->total_exact = json_is_true(json_object_get(o, "total_exact"));
	s->batch = progress_jsonl_count(o, "batch");
	s->batches_total = progress_jsonl_count(o, "batches_total");
	s->elapsed_s = json_number_value(json_object_get(o, "elapsed_s"));
	s->rows_per_s = json_number_value(json_object_get(o, "rows_per_s"));
	s->rows_per_min = json_number_value(json_object_get(o, "rows_per_min"));
	s->eta_s = json_number_value(json_object_get(o, "eta_s"));
	for (int k = 0; k < OUTCOME_COUNT; k++)
		s->counts.n[k] = progress_jsonl_count(o, outcome_name((enum outcome)k));
}

static void
progress_jsonl_read_event(const json_t *o, struct progress_event *ev)
{
	int kind = progress_event_kind_parse(json_string_value(json_object_get(o, "kind")));
	ev->kind = kind >= 0 ? (enum progress_event_kind)kind : PROGRESS_INFO;
	ev->batch = progress_jsonl_count(o, "batch");
	ev->elapsed_s = json_number_value(json_object_get(o, "elapsed_s"));
	snprintf(ev->message, sizeof ev->message, "%s",
	    json_string_value(json_object_get(o, "message")) ?: "");
}

int
progress_jsonl_read(const char *line, struct progress_line *out)
{
	memset(out, 0, sizeof *out);
	json_t *o = json_loads(line, 0, NULL);
	const char *type = json_string_value(json_object_get(o, "type"));
	const char *message = json_string_value(json_object_get(o, "message"));
	int rc = 0;
	if (type == NULL)
		rc = -1;
	else if (!strcmp(type, "progress")) {
		out->type = PROGRESS_LINE_SNAPSHOT;
		progress_jsonl_read_snapshot(o, &out->snap);
	} else if (!strcmp(type, "event")) {
		out->type = PROGRESS_LINE_EVENT;
		progress_jsonl_read_event(o, &out->event);
	} else if (!strcmp(type, "started")) {
		out->type = PROGRESS_LINE_STARTED;
		out->id = json_integer_value(json_object_get(o, "id"));
		out->dry_run = json_is_true(json_object_get(o, "dry_run"));
	} else if (!strcmp(type, "error")) {
		out->type = PROGRESS_LINE_ERROR;
		out->message = xstrdup(message ? message : "?");
	} else if (!strcmp(type, "result")) {
		const char *why = json_string_value(json_object_get(o, "last_error"));
		out->type = PROGRESS_LINE_RESULT;
		out->id = json_integer_value(json_object_get(o, "id"));
		out->status = status_parse(json_string_value(json_object_get(o, "status")));
		out->message = why ? xstrdup(why) : NULL;
	} else
		rc = -1;
	json_decref(o);
	return rc;
}

void
progress_line_clear(struct progress_line *l)
{
	free(l->message);
	l->message = NULL;
}
