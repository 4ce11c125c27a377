/* Import reports: one JSON shape for --json, show and the readable summary. */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "mapping.h"
#include "source.h"
#include "country.h"
#include "summary.h"
#include "text.h"
#include "xmalloc.h"

/* The journal keeps the mapping by column (headers may repeat); reports
 * show it as "mapping" {"Header": "field" or null}, "mapping_sources"
 * {"Header": "synonym", …} for the columns a rule or a choice mapped or
 * left out, and "unmapped_columns" ["Header", …], naming a repeated
 * header's column. Sets the three keys of o (null when unknown). */
static void
summary_mapping(json_t *o, const char *mapping_json)
{
	json_t *arr = mapping_json ? json_loads(mapping_json, 0, NULL) : NULL;
	if (!json_is_array(arr)) {
		json_decref(arr);
		json_object_set_new(o, "mapping", json_null());
		json_object_set_new(o, "mapping_sources", json_null());
		json_object_set_new(o, "unmapped_columns", json_null());
		return;
	}
	json_t *obj = json_object(), *sources = json_object(), *unmapped = json_array();
	size_t i;
	json_t *m;
	json_array_foreach(arr, i, m)
	{
		const char *header = json_string_value(json_object_get(m, "header"));
		if (header == NULL)
			continue;
		json_t *field = json_object_get(m, "field");
		const char *source = json_string_value(json_object_get(m, "source"));
		char *key = json_object_get(obj, header) == NULL ?
		    xstrdup(header) :
		    xasprintf("%s (column %lld)", header,
			(long long)json_integer_value(json_object_get(m, "column")) + 1);
		json_object_set(obj, key, field);
		if (source != NULL)
			json_object_set_new(sources, key, json_string(source));
		if (!json_is_string(field))
			json_array_append_new(unmapped, json_string(key));
		free(key);
	}
	json_decref(arr);
	json_object_set_new(o, "mapping", obj);
	json_object_set_new(o, "mapping_sources", sources);
	json_object_set_new(o, "unmapped_columns", unmapped);
}

json_t *
summary_error_json(const struct error_row *e)
{
	json_t *v = e->value ? json_string(e->value) : json_null();
	if (v == NULL) {
		char *esc = text_escape(e->value);
		v = json_string(esc);
		free(esc);
	}
	return json_pack("{s:I, s:I, s:s?, s:s, s:s, s:o, s:b}", "row", (json_int_t)e->row_no, "line",
	    (json_int_t)e->line_no, "field", e->field, "type", record_error_type_name(e->type),
	    "message", e->message, "value", v, "value_dropped", e->dropped);
}

json_t *
summary_counts_json(const struct name_count *counts, size_t n)
{
	json_t *o = json_object();
	for (size_t i = 0; i < n; i++)
		json_object_set_new(o, counts[i].name, json_integer((json_int_t)counts[i].n));
	return o;
}

double
summary_success_rate(const uint64_t *n, uint64_t total)
{
	if (total == 0)
		return -1;
	uint64_t ok = 0;
	for (int o = OUTCOME_CREATED; o <= OUTCOME_SKIPPED; o++)
		ok += n[o];
	return ok >= total ? 1.0 : (double)ok / (double)total;
}

static json_t *
summary_rate_json(const uint64_t *n, uint64_t total)
{
	double rate = summary_success_rate(n, total);
	return rate >= 0 ? json_real(rate) : json_null();
}

void
summary_batch_facts(json_t *o, struct journal *j, int64_t id)
{
	struct batch_facts f;
	int ok = journal_batch_facts(j, id, &f) == 0;
	json_object_set_new(o, "batches", ok ? json_integer((json_int_t)f.batches) : json_null());
	json_object_set_new(o, "failed_batches",
	    ok ? json_integer((json_int_t)f.failed_batches) : json_null());
	json_object_set_new(o, "retries", ok ? json_integer((json_int_t)f.retries) : json_null());
}

static json_t *
summary_match_sample(const struct match_sample *m)
{
	json_t *changes = json_array();
	for (size_t i = 0; i < m->nchanges; i++) {
		const struct match_change *c = &m->changes[i];
		json_array_append_new(changes,
		    json_pack("{s:s, s:s?, s:s?, s:s?, s:s?}", "field", c->field, "stored",
			c->stored, "incoming", c->incoming, "update", c->update, "merge", c->merge));
	}
	json_t *o = json_pack("{s:I, s:I}", "row", (json_int_t)m->row, "record_id",
	    (json_int_t)m->record_id);
	if (m->key != NULL)
		json_object_set_new(o, "key", json_string(m->key));
	json_object_set_new(o, "changes", changes);
	return o;
}

/* The database as people may see it: a URL's password masked. */
static json_t *
summary_target(const char *db)
{
	char *shown = store_target_shown(db);
	json_t *v = json_string(shown);
	free(shown);
	return v;
}

char *
summary_region_hint(const char *region, unsigned long long phones)
{
	const char *adjective = country_adjective(region);

	if (adjective == NULL)
		return xasprintf(ngettext("%llu phone number is valid in %s; run with --region %s or "
					  "map a country column.",
				     "%llu phone numbers are valid in %s; run with --region %s or "
				     "map a country column.",
				     phones),
		    phones, region, region);
	return xasprintf(ngettext("%llu phone number looks %s; run with --region %s or map a "
				  "country column.",
			     "%llu phone numbers look %s; run with --region %s or map a "
			     "country column.",
			     phones),
	    phones, adjective, region);
}

/* How ambiguous dates were read, as JSON: {"order": "dmy", "from":
 * "headers", "message": …} (a message only when the headers chose it),
 * and the hint that the file's dates are in the other order, or null. */
static void
summary_date_order(json_t *o, const struct engine_result *r)
{
	json_t *d = json_pack("{s:s, s:s}", "order", r->date_order, "from", r->date_order_from);
	const char *adjective = country_adjective(r->date_order_country);

	if (!strcmp(r->date_order_from, "headers") && adjective != NULL) {
		char *m = xasprintf(
		    _("Dates such as 03/04/2024 were read day first, as the %s headers suggest; "
		      "run with --date-order mdy to read them month first."),
		    adjective);
		json_object_set_new(d, "message", json_string(m));
		free(m);
	}
	json_object_set_new(o, "date_order", r->date_order[0] ? d : json_null());
	if (!r->date_order[0])
		json_decref(d);
	if (r->dates_other_order == 0 || !r->date_order[0]) {
		json_object_set_new(o, "date_order_hint", json_null());
		return;
	}
	int dmy = !strcmp(r->date_order, "mdy");
	unsigned long long n = (unsigned long long)r->dates_other_order;
	char *m = dmy ?
	    xasprintf(ngettext("%llu date is valid only day first (such as 25/12/1980); "
			       "run with --date-order dmy.",
			  "%llu dates are valid only day first (such as 25/12/1980); "
			  "run with --date-order dmy.",
			  n),
		n) :
	    xasprintf(ngettext("%llu date is valid only month first (such as 12/25/1980); "
			       "run with --date-order mdy.",
			  "%llu dates are valid only month first (such as 12/25/1980); "
			  "run with --date-order mdy.",
			  n),
		n);
	json_object_set_new(o, "date_order_hint",
	    json_pack("{s:s, s:I, s:s}", "order", dmy ? "dmy" : "mdy", "dates", (json_int_t)n,
		"message", m));
	free(m);
}

json_t *
summary_from_result(const struct engine_result *r, const char *db)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", r->id ? json_integer(r->id) : json_null());
	json_object_set_new(o, "status", json_string(status_name(r->status)));
	json_object_set_new(o, "dry_run", json_boolean(r->dry_run));
	json_object_set_new(o, "file", json_string(r->file));
	json_object_set_new(o, "database", summary_target(db));
	json_object_set_new(o, "source", json_string(r->source_description));
	json_object_set_new(o, "sheet", r->sheet ? json_string(r->sheet) : json_null());
	json_object_set_new(o, "header_line", json_integer((json_int_t)r->header_line));
	char *hint = r->region_hint[0] ?
	    summary_region_hint(r->region_hint, (unsigned long long)r->region_hint_phones) :
	    NULL;
	json_object_set_new(o, "region_hint",
	    hint != NULL ? json_pack("{s:s, s:I, s:s}", "region", r->region_hint, "phones",
			       (json_int_t)r->region_hint_phones, "message", hint) :
			   json_null());
	free(hint);
	summary_date_order(o, r);
	json_object_set_new(o, "schema", json_string(r->schema));
	json_object_set_new(o, "table", json_string(r->table));
	json_object_set_new(o, "strategy", json_string(store_strategy_name(r->strategy)));
	json_object_set_new(o, "on_key_conflict",
	    json_string(store_key_conflict_name(r->on_key_conflict)));
	json_object_set_new(o, "batch_size", json_integer(r->batch_size));
	json_object_set_new(o, "total", json_integer((json_int_t)r->total));
	for (int k = 0; k < OUTCOME_COUNT; k++)
		json_object_set_new(o, outcome_name((enum outcome)k),
		    json_integer((json_int_t)r->counts.n[k]));
	json_object_set_new(o, "success_rate", summary_rate_json(r->counts.n, r->total));
	json_object_set_new(o, "values_dropped", json_integer((json_int_t)r->values_dropped));
	json_t *added = json_array();
	for (const char *p = r->columns_added; p != NULL && *p != '\0';) {
		size_t n = strcspn(p, ",");
		json_array_append_new(added, json_stringn(p, n));
		p += n;
		p += strspn(p, ", ");
	}
	json_object_set_new(o, "columns_added", added);
	json_t *bt = json_object();
	for (int t = 0; t < ERROR_TYPE_COUNT; t++)
		if (r->errors_by_type[t])
			json_object_set_new(bt, record_error_type_name(t),
			    json_integer((json_int_t)r->errors_by_type[t]));
	json_object_set_new(o, "errors_by_type", bt);
	json_object_set_new(o, "errors_by_field",
	    summary_counts_json(r->errors_by_field, r->nerrors_by_field));
	json_t *errors = json_array();
	for (size_t i = 0; i < r->nsamples; i++)
		json_array_append_new(errors, summary_error_json(&r->samples[i]));
	json_object_set_new(o, "errors", errors);
	if (!r->resumed)
		json_object_set_new(o, "duplicates",
		    json_pack("{s:I, s:I, s:I, s:I, s:I}", "new", (json_int_t)r->new_records,
			"match_stored", (json_int_t)r->matched_stored, "repeat_in_file",
			(json_int_t)r->matched_file, "ambiguous", (json_int_t)r->ambiguous,
			"key_conflict", (json_int_t)r->key_conflicts));
	json_t *ms = json_array();
	for (size_t i = 0; i < r->nmatch_samples; i++)
		json_array_append_new(ms, summary_match_sample(&r->match_samples[i]));
	json_object_set_new(o, "match_samples", ms);
	json_t *cs = json_array();
	for (size_t i = 0; i < r->nconflict_samples; i++)
		json_array_append_new(cs, summary_match_sample(&r->conflict_samples[i]));
	json_object_set_new(o, "key_conflict_samples", cs);
	json_object_set_new(o, "duration_s", json_real(r->duration_s));
	json_object_set_new(o, "rows_per_s",
	    json_real(r->duration_s > 0 ? (double)r->rows_this_run / r->duration_s : 0));
	summary_mapping(o, r->mapping_json);
	json_object_set_new(o, "last_error",
	    r->last_error ? json_string(r->last_error) : json_null());
	json_object_set_new(o, "last_error_type",
	    r->last_error && r->last_error_type >= 0 ?
		json_string(record_error_type_name((enum error_type)r->last_error_type)) :
		json_null());
	return o;
}

/* Text from the journal: null when there is none, "" when it is not
 * UTF-8. */
static json_t *
summary_journal_text(const char *s)
{
	json_t *v = s != NULL ? json_string(s) : json_null();
	return v != NULL ? v : json_string("");
}

/* Errors of import id counted by, as {name: n}. */
static json_t *
summary_journal_counts(struct journal *j, int64_t id, enum store_count_by by)
{
	struct name_count *c;
	size_t n;
	if (journal_error_counts(j, id, by, &c, &n) != 0)
		return NULL;
	json_t *o = summary_counts_json(c, n);
	journal_counts_free(c, n);
	return o;
}

/* How many values import id dropped from rows it kept. */
static json_t *
summary_journal_dropped(struct journal *j, int64_t id)
{
	struct name_count *c;
	size_t n;
	uint64_t dropped = 0;
	if (journal_error_counts(j, id, STORE_COUNT_BY_EFFECT, &c, &n) != 0)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(c[i].name, "value_dropped"))
			dropped = c[i].n;
	journal_counts_free(c, n);
	return json_integer((json_int_t)dropped);
}

/* The first errors of import id. */
static json_t *
summary_journal_errors(struct journal *j, int64_t id)
{
	struct error_row *e;
	size_t n;
	if (journal_errors(j, id, ENGINE_MAX_SAMPLES, &e, &n) != 0)
		return NULL;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, summary_error_json(&e[i]));
	journal_errors_free(e, n);
	return arr;
}

/* What the notices of import id's ends did (notify.h), oldest first: one
 * array of every delivery's outcome. */
static json_t *
summary_journal_notices(struct journal *j, int64_t id)
{
	char **ends;
	size_t n;
	json_t *all = json_array();
	if (journal_notices(j, id, &ends, &n) != 0)
		return all;
	for (size_t i = 0; i < n; i++) {
		json_t *arr = json_loads(ends[i], 0, NULL);
		if (json_is_array(arr))
			json_array_extend(all, arr);
		json_decref(arr);
		free(ends[i]);
	}
	free(ends);
	return all;
}

/* One table's counts (or the sum of every table's) in o. */
static void
summary_restore_counts(json_t *o, uint64_t total, const uint64_t *n)
{
	json_object_set_new(o, "total", json_integer((json_int_t)total));
	json_object_set_new(o, "processed",
	    json_integer(
		(json_int_t)(total >= n[OUTCOME_NOT_PROCESSED] ? total - n[OUTCOME_NOT_PROCESSED] :
								 0)));
	for (int k = 0; k < OUTCOME_DELETED; k++)
		json_object_set_new(o, outcome_name((enum outcome)k), json_integer((json_int_t)n[k]));
}

json_t *
summary_restore_json(const struct import_row *rows, size_t n, int64_t restore_id)
{
	json_t *r = json_object(), *tables = json_array(), *members = json_null();
	json_t *left_out = json_array();
	json_int_t more = 0;
	uint64_t sum[OUTCOME_COUNT] = { 0 }, all = 0;
	for (size_t i = 0; i < n; i++) {
		const struct import_row *im = &rows[i];
		uint64_t total = im->total >= 0 ? (uint64_t)im->total : im->rows_done;
		json_t *t = json_object();
		json_object_set_new(t, "import", json_integer((json_int_t)im->id));
		json_object_set_new(t, "table", summary_journal_text(im->sheet));
		json_object_set_new(t, "target_table", summary_journal_text(im->target_table));
		json_object_set_new(t, "status", json_string(status_name(im->status)));
		summary_restore_counts(t, total, im->n);
		json_array_append_new(tables, t);
		/* An import rolled back or run again counts once: the
		 * restore's latest import of each table is summed. */
		int later = 0;
		for (size_t k = i + 1; k < n; k++)
			later |= rows[k].sheet != NULL && im->sheet != NULL &&
			    !strcmp(rows[k].sheet, im->sheet);
		if (!later) {
			all += total;
			for (int k = 0; k < OUTCOME_COUNT; k++)
				sum[k] += im->n[k];
		}
		if (im->id == restore_id && im->restore_members != NULL) {
			json_t *m = json_loads(im->restore_members, 0, NULL);
			if (json_is_object(json_object_get(m, "members"))) {
				json_decref(members);
				members = json_incref(json_object_get(m, "members"));
			}
			if (json_is_array(json_object_get(m, "left_out")))
				json_array_extend(left_out, json_object_get(m, "left_out"));
			more = json_integer_value(json_object_get(m, "more_left_out"));
			json_decref(m);
		}
	}
	json_t *overall = json_object();
	summary_restore_counts(overall, all, sum);
	json_object_set_new(r, "id", json_integer((json_int_t)restore_id));
	json_object_set_new(r, "tables", tables);
	json_object_set_new(r, "overall", overall);
	json_object_set_new(r, "members", members);
	json_object_set_new(r, "left_out", left_out);
	json_object_set_new(r, "more_left_out", json_integer(more));
	return r;
}

json_t *
summary_from_journal(struct journal *j, int64_t id, const char *db)
{
	struct import_row row;
	if (journal_import(j, id, &row) != 1)
		return NULL;
	journal_settle(j, &row);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(id));
	json_object_set_new(o, "status", json_string(status_name(row.status)));
	json_object_set_new(o, "dry_run", json_boolean(row.dry_run));
	json_object_set_new(o, "file", summary_journal_text(row.source_path));
	json_object_set_new(o, "database", summary_target(db));
	json_object_set_new(o, "source", summary_journal_text(row.source_description));
	json_object_set_new(o, "sheet", row.sheet ? summary_journal_text(row.sheet) : json_null());
	json_object_set_new(o, "schema", summary_journal_text(row.schema_name));
	json_object_set_new(o, "table", summary_journal_text(row.target_table));
	json_object_set_new(o, "strategy", summary_journal_text(row.strategy));
	if (row.on_key_conflict != NULL)
		json_object_set_new(o, "on_key_conflict", summary_journal_text(row.on_key_conflict));
	json_object_set_new(o, "batch_size",
	    row.batch_size >= 0 ? json_integer((json_int_t)row.batch_size) : json_null());
	json_object_set_new(o, "total",
	    json_integer((json_int_t)(row.total >= 0 ? (uint64_t)row.total : row.rows_done)));
	for (int k = 0; k < OUTCOME_COUNT; k++)
		json_object_set_new(o, outcome_name((enum outcome)k),
		    json_integer((json_int_t)row.n[k]));
	json_object_set_new(o, "success_rate",
	    summary_rate_json(row.n, row.total >= 0 ? (uint64_t)row.total : row.rows_done));
	json_object_set_new(o, "values_dropped", summary_journal_dropped(j, id));
	summary_batch_facts(o, j, id);
	json_object_set_new(o, "errors_by_type", summary_journal_counts(j, id, STORE_COUNT_BY_TYPE));
	json_object_set_new(o, "errors_by_field",
	    summary_journal_counts(j, id, STORE_COUNT_BY_FIELD));
	json_object_set_new(o, "errors", summary_journal_errors(j, id));
	json_object_set_new(o, "started_at", summary_journal_text(row.started_at));
	json_object_set_new(o, "finished_at", summary_journal_text(row.finished_at));
	json_object_set_new(o, "user", summary_journal_text(row.user_name));
	json_object_set_new(o, "host", summary_journal_text(row.host));
	summary_mapping(o, row.mapping);
	json_object_set_new(o, "last_error", summary_journal_text(row.last_error));
	json_object_set_new(o, "notices", summary_journal_notices(j, id));
	if (row.restore_id > 0) {
		struct import_row *rows;
		size_t n;
		if (journal_restore(j, row.restore_id, &rows, &n) == 0)
			json_object_set_new(o, "restore",
			    summary_restore_json(rows, n, row.restore_id));
		journal_imports_free(rows, n);
	}
	store_import_row_clear(&row);
	return o;
}

static const char *
summary_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static long long
summary_int(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* One line of the counts: the label in 16 columns, the number in 10. */
static void
summary_print_count(FILE *fp, const char *label, long long n)
{
	char *l = text_pad(label, 16, 0), *num = text_number((double)n, 0);
	char *cell = text_pad(num, 10, 1);
	fprintf(fp, "  %s %s\n", l, cell);
	free(l);
	free(num);
	free(cell);
}

/* The label of a key of errors_by_type or errors_by_field. */
static const char *
summary_count_label(const char *key, int by_type)
{
	if (by_type) {
		int t = record_error_type_parse(key);
		return t >= 0 ? record_error_type_label((enum error_type)t) : key;
	}
	return !strcmp(key, "(row)") ? _("(row)") : key;
}

static void
summary_print_counts(FILE *fp, const char *title, const json_t *obj, int by_type)
{
	if (json_object_size(obj) == 0)
		return;
	fprintf(fp, "%s", title);
	const char *k;
	json_t *v;
	int first = 1;
	json_object_foreach((json_t *)obj, k, v)
	{
		char *esc = text_escape(summary_count_label(k, by_type));
		char *n = text_number((double)json_integer_value(v), 0);
		fprintf(fp, "%s%s %s", first ? " " : ", ", esc, n);
		free(n);
		free(esc);
		first = 0;
	}
	fputc('\n', fp);
}

/* The value of an error, its start when it is long (a whole notes field). */
static void
summary_print_value(FILE *fp, const char *value)
{
	char *esc = text_escape(value);
	size_t len = strlen(esc), cut = 120;
	if (len > cut) {
		while (cut > 0 && ((unsigned char)esc[cut] & 0xc0) == 0x80)
			cut--;
		fprintf(fp, _(" Value: \"%.*s…\" (%zu bytes)"), (int)cut, esc, len);
	} else
		fprintf(fp, _(" Value: \"%s\""), esc);
	free(esc);
}

/* The report's errors that dropped a value (dropped 1) or went with their
 * row (0), under title; total is how many there are in all. */
static void
summary_print_errors(FILE *fp, const json_t *r, int dropped, const char *title, long long total,
    int dry)
{
	json_t *errors = json_object_get(r, "errors");
	long long shown = 0;
	size_t i;
	json_t *e;
	json_array_foreach(errors, i, e)
	{
		if (json_is_true(json_object_get(e, "value_dropped")) != dropped)
			continue;
		if (shown++ == 0)
			fputs(title, fp);
		const char *field = json_string_value(json_object_get(e, "field"));
		char *msg = text_escape(summary_str(e, "message"));
		if (field)
			fprintf(fp, _("  row %lld (line %lld), %s: %s"), summary_int(e, "row"),
			    summary_int(e, "line"), field, msg);
		else
			fprintf(fp, _("  row %lld (line %lld): %s"), summary_int(e, "row"),
			    summary_int(e, "line"), msg);
		free(msg);
		const char *value = json_string_value(json_object_get(e, "value"));
		if (value)
			summary_print_value(fp, value);
		fputc('\n', fp);
	}
	if (shown == 0) {
		if (total == 0 || dry)
			return;
		fputs(title, fp);
	}
	if (total > shown && !dry)
		fprintf(fp,
		    _("  … and %lld more: see them all with sluice show %lld --db DB --json.\n"),
		    total - shown, summary_int(r, "id"));
}

/* How each column was mapped, and the columns left out. */
/* The date order's notice (when the headers chose it) and hint. */
static void
summary_print_dates(FILE *fp, const json_t *r)
{
	const char *notice =
	    json_string_value(json_object_get(json_object_get(r, "date_order"), "message"));
	const char *hint =
	    json_string_value(json_object_get(json_object_get(r, "date_order_hint"), "message"));

	if (notice != NULL)
		fprintf(fp, "%s\n\n", notice);
	if (hint != NULL)
		fprintf(fp, "%s\n\n", hint);
}

static void
summary_print_mapping(FILE *fp, const json_t *r)
{
	const json_t *mapping = json_object_get(r, "mapping");
	const json_t *sources = json_object_get(r, "mapping_sources");
	if (json_object_size(mapping) == 0)
		return;
	fprintf(fp, _("Columns:\n"));
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)mapping, k, v)
	{
		char *esc = text_escape(k), *col = text_pad(esc, 28, 0);
		enum mapping_source src =
		    mapping_source_parse(json_string_value(json_object_get(sources, k)));
		if (json_is_string(v))
			fprintf(fp, _("  %s \xe2\x86\x92 %s (%s)\n"), col, json_string_value(v),
			    mapping_source_label(src));
		else if (src == MAPPING_NONE)
			fprintf(fp, _("  %s left out: no rule maps it\n"), col);
		else
			fprintf(fp, _("  %s left out (%s)\n"), col, mapping_source_label(src));
		free(col);
		free(esc);
	}
	const json_t *unmapped = json_object_get(r, "unmapped_columns");
	if (json_array_size(unmapped) > 0) {
		fprintf(fp, _("Left out:"));
		size_t i;
		json_array_foreach((json_t *)unmapped, i, v)
		{
			char *esc = text_escape(json_string_value(v));
			fprintf(fp, "%s\"%s\"", i > 0 ? ", " : " ", esc);
			free(esc);
		}
		fprintf(fp, _(" (map a column with --map 'Header=field').\n"));
	}
	const json_t *added = json_object_get(r, "columns_added");
	if (json_array_size(added) > 0) {
		fprintf(fp,
		    ngettext("Added to the table %s, made before schema %s had this field:",
			"Added to the table %s, made before schema %s had these fields:",
			json_array_size(added)),
		    json_string_value(json_object_get(r, "table")),
		    json_string_value(json_object_get(r, "schema")));
		size_t i;
		json_array_foreach((json_t *)added, i, v)
		{
			fprintf(fp, "%s%s", i > 0 ? ", " : " ", json_string_value(v));
		}
		fputs(".\n", fp);
	}
	fputc('\n', fp);
}

const char *
summary_status_text(const char *status)
{
	return status == NULL			? "" :
	    status_parse(status) == STATUS_NONE ? status :
						  status_label(status_parse(status));
}

/* Who was told what, one line each (the journal's texts are escaped when
 * written; they are escaped again, as they come from the database). */
static void
summary_print_notices(FILE *fp, const json_t *notices)
{
	if (json_array_size(notices) == 0)
		return;
	fprintf(fp, "%s", _("\nNotices:\n"));
	size_t i;
	json_t *o;
	json_array_foreach(notices, i, o)
	{
		char *target = text_escape(summary_str(o, "target"));
		char *detail = text_escape(summary_str(o, "detail"));
		int ok = !strcmp(summary_str(o, "outcome"), "delivered");
		fprintf(fp, "  %-8s %-12s %-10s %s (%s; %s)\n", summary_str(o, "channel"),
		    summary_str(o, "event"), summary_str(o, "status"), target,
		    ok ? _("delivered") : _("failed"), detail);
		free(detail);
		free(target);
	}
}

/* A member's JSON text, its start when it is long. */
static void
summary_print_member(FILE *fp, const char *name, const json_t *value, long long id)
{
	char *text = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
	char *n = text_escape(name), *esc = text_escape(text ? text : "");
	size_t len = strlen(esc), cut = 200;
	if (len > cut) {
		while (cut > 0 && ((unsigned char)esc[cut] & 0xc0) == 0x80)
			cut--;
		fprintf(fp, _("  %s: %.*s… (%zu bytes; sluice show %lld --json gives it whole)\n"),
		    n, (int)cut, esc, len, id);
	} else
		fprintf(fp, "  %s: %s\n", n, esc);
	free(esc);
	free(n);
	free(text);
}

/* A restore's tables, their counts and the backup's other members. */
static void
summary_print_restore(FILE *fp, const json_t *restore)
{
	if (restore == NULL)
		return;
	const json_t *tables = json_object_get(restore, "tables");
	size_t nt = json_array_size(tables);
	fprintf(fp,
	    ngettext("\nRestore %lld, its %zu table:\n", "\nRestore %lld, its %zu tables:\n", nt),
	    summary_int(restore, "id"), nt);
	size_t i;
	const json_t *t;
	json_array_foreach((json_t *)tables, i, t)
	{
		char *name = text_escape(summary_str(t, "table"));
		char *cell = text_pad(name, 16, 0);
		char *status = text_pad(summary_status_text(summary_str(t, "status")), 21, 0);
		fprintf(fp,
		    _("  %s import %-5lld %s %9lld processed: %lld created, %lld updated, %lld unchanged, %lld skipped, %lld rejected, %lld failed, %lld not processed\n"),
		    cell, summary_int(t, "import"), status, summary_int(t, "processed"),
		    summary_int(t, "created"), summary_int(t, "updated") + summary_int(t, "merged"),
		    summary_int(t, "unchanged"), summary_int(t, "skipped"),
		    summary_int(t, "rejected"), summary_int(t, "failed"),
		    summary_int(t, "not_processed"));
		free(status);
		free(cell);
		free(name);
	}
	const json_t *o = json_object_get(restore, "overall");
	char *all = text_pad(_("all tables"), 16, 0);
	fprintf(fp,
	    ngettext(
		"  %s %9lld of %lld row processed: %lld created, %lld updated, %lld unchanged, %lld skipped, %lld rejected, %lld failed, %lld not processed\n",
		"  %s %9lld of %lld rows processed: %lld created, %lld updated, %lld unchanged, %lld skipped, %lld rejected, %lld failed, %lld not processed\n",
		(unsigned long)summary_int(o, "total")),
	    all, summary_int(o, "processed"), summary_int(o, "total"), summary_int(o, "created"),
	    summary_int(o, "updated") + summary_int(o, "merged"), summary_int(o, "unchanged"),
	    summary_int(o, "skipped"), summary_int(o, "rejected"), summary_int(o, "failed"),
	    summary_int(o, "not_processed"));
	free(all);
	const json_t *members = json_object_get(restore, "members");
	const json_t *left = json_object_get(restore, "left_out");
	long long more = summary_int(restore, "more_left_out");
	if (json_object_size(members) > 0 || json_array_size(left) > 0 || more > 0)
		fprintf(fp, "%s", _("\nThe backup's other members, kept in the journal:\n"));
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)members, k, v)
	    summary_print_member(fp, k, v, summary_int(restore, "id"));
	json_array_foreach((json_t *)left, i, t)
	{
		char *esc = text_escape(json_string_value(t) ? json_string_value(t) : "");
		fprintf(fp,
		    _("  %s: not kept: the other members may hold %d KiB between them and this one did not fit.\n"),
		    esc, SOURCE_MEMBERS_MAX / 1024);
		free(esc);
	}
	if (more > 0)
		fprintf(fp,
		    ngettext("  and %lld more member, not kept either.\n",
			"  and %lld more members, not kept either.\n", (unsigned long)more),
		    more);
}

void
summary_print(FILE *fp, const json_t *r)
{
	char *file = text_escape(summary_str(r, "file"));
	char *db = text_escape(summary_str(r, "database"));
	int dry = json_is_true(json_object_get(r, "dry_run"));
	const char *status = summary_status_text(summary_str(r, "status"));
	if (dry)
		fprintf(fp, _("Dry run of %s into table %s of %s: %s. Nothing was written.\n"),
		    file, summary_str(r, "table"), db, status);
	else
		fprintf(fp, _("Import %lld of %s into table %s of %s: %s.\n"), summary_int(r, "id"),
		    file, summary_str(r, "table"), db, status);
	if (json_object_get(r, "on_key_conflict") != NULL)
		fprintf(fp,
		    _("  %s; schema %s; strategy %s, key conflicts %s; batches of %lld rows.\n\n"),
		    summary_str(r, "source"), summary_str(r, "schema"), summary_str(r, "strategy"),
		    summary_str(r, "on_key_conflict"), summary_int(r, "batch_size"));
	else
		fprintf(fp, _("  %s; schema %s; strategy %s; batches of %lld rows.\n\n"),
		    summary_str(r, "source"), summary_str(r, "schema"), summary_str(r, "strategy"),
		    summary_int(r, "batch_size"));
	free(file);
	free(db);

	summary_print_count(fp, _("rows"), summary_int(r, "total"));
	for (int k = 0; k < OUTCOME_DELETED; k++) {
		long long n = summary_int(r, outcome_name((enum outcome)k));
		if (n != 0 || k <= OUTCOME_UPDATED || k == OUTCOME_REJECTED)
			summary_print_count(fp, outcome_label((enum outcome)k), n);
	}
	fputc('\n', fp);
	json_t *rate = json_object_get(r, "success_rate");
	if (json_is_number(rate)) {
		char *label = text_pad(_("success rate"), 16, 0);
		char *pct = text_number(100 * json_number_value(rate), 1);
		char *cell = text_pad(pct, 9, 1);
		fprintf(fp, "  %s %s%%\n\n", label, cell);
		free(label);
		free(pct);
		free(cell);
	}
	/* Not rows of the file: the stored records --strategy replace
	 * deleted (or, in a dry run, would delete). */
	if (summary_int(r, "deleted") > 0 || !strcmp(summary_str(r, "strategy"), "replace")) {
		summary_print_count(fp, _("records deleted"), summary_int(r, "deleted"));
		fputc('\n', fp);
	}
	/* Not a row outcome: values left out of rows counted above. */
	if (summary_int(r, "values_dropped") > 0) {
		summary_print_count(fp, _("values dropped"), summary_int(r, "values_dropped"));
		fputc('\n', fp);
	}
	if (summary_int(r, "batches") > 0)
		fprintf(fp,
		    _("Batches: %lld committed; refused as a whole (written row by row): %lld; retries: %lld.\n\n"),
		    summary_int(r, "batches"), summary_int(r, "failed_batches"),
		    summary_int(r, "retries"));
	const char *hint =
	    json_string_value(json_object_get(json_object_get(r, "region_hint"), "message"));
	if (hint != NULL)
		fprintf(fp, "%s\n\n", hint);
	summary_print_dates(fp, r);
	summary_print_mapping(fp, r);

	json_t *dup = json_object_get(r, "duplicates");
	if (dup != NULL)
		fprintf(fp,
		    _("Matching: %lld new, %lld matched stored records, %lld repeated earlier rows of the file, %lld matched two records, %lld had a key conflict.\n"),
		    summary_int(dup, "new"), summary_int(dup, "match_stored"),
		    summary_int(dup, "repeat_in_file"), summary_int(dup, "ambiguous"),
		    summary_int(dup, "key_conflict"));
	summary_print_counts(fp, _("Errors by type:"), json_object_get(r, "errors_by_type"), 1);
	summary_print_counts(fp, _("Errors by field:"), json_object_get(r, "errors_by_field"), 0);

	/* The errors of rows left out, then the values left out of rows
	 * that were kept: each list with the total it is the start of. */
	long long nerr = 0, ndropped = summary_int(r, "values_dropped");
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(r, "errors_by_type"), k, v) nerr +=
	    (long long)json_integer_value(v);
	summary_print_errors(fp, r, 0, _("\nFirst errors:\n"), nerr - ndropped, dry);
	summary_print_errors(fp, r, 1,
	    _("\nValues dropped (their rows were imported without them):\n"), ndropped, dry);
	const char *last = json_string_value(json_object_get(r, "last_error"));
	const char *type = json_string_value(json_object_get(r, "last_error_type"));
	if (last) {
		char *esc = text_escape(last);
		if (type != NULL)
			fprintf(fp, _("\nStopped early (error type %s): %s\n"), type, esc);
		else
			fprintf(fp, _("\nStopped early: %s\n"), esc);
		free(esc);
	}
	if (!dry && status_is_resumable(status_parse(summary_str(r, "status")))) {
		char *esc = text_escape(summary_str(r, "database"));
		long long left = summary_int(r, "not_processed");
		fprintf(fp,
		    _("\n%lld rows are committed; %lld were not processed. Continue with: sluice resume %lld --db %s\n"),
		    summary_int(r, "total") - left, left, summary_int(r, "id"), esc);
		free(esc);
	}
	summary_print_notices(fp, json_object_get(r, "notices"));
	summary_print_restore(fp, json_object_get(r, "restore"));
	json_t *dur = json_object_get(r, "duration_s");
	if (dur)
		fprintf(fp, _("\nTook %.2f s, %.0f rows/s.\n"), json_number_value(dur),
		    json_number_value(json_object_get(r, "rows_per_s")));
	else if (json_object_get(r, "started_at"))
		fprintf(fp, _("\nStarted %s, finished %s.\n"), summary_str(r, "started_at"),
		    summary_str(r, "finished_at"));
}
