/* Putting records back in SQLite, for a rollback: loading a record of the
 * schema's table, deleting one, restoring one from its before-image
 * (upsert_result.before), and marking the import rolled back. */
#include "config.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store-sqlite.h"
#include "xmalloc.h"

static char *
records_sql(const struct schema *s, const char *kind)
{
	size_t cap = 256;
	for (size_t f = 0; f < s->nfields; f++)
		cap += strlen(s->fields[f].name) * 2 + 16;
	char *sql = xmalloc(cap);
	size_t n = 0;
	if (!strcmp(kind, "load")) {
		n += (size_t)snprintf(sql + n, cap - n, "SELECT ");
		for (size_t f = 0; f < s->nfields; f++)
			n += (size_t)snprintf(sql + n, cap - n, "\"%s\", ", s->fields[f].name);
		snprintf(sql + n, cap - n, "imported_from FROM \"%s\" WHERE id = ?1", s->table);
	} else if (!strcmp(kind, "update")) {
		n += (size_t)snprintf(sql + n, cap - n, "UPDATE \"%s\" SET ", s->table);
		for (size_t f = 0; f < s->nfields; f++)
			n += (size_t)snprintf(sql + n, cap - n, "\"%s\" = ?%zu, ",
			    s->fields[f].name, f + 1);
		snprintf(sql + n, cap - n, "imported_from = ?%zu WHERE id = ?%zu", s->nfields + 1,
		    s->nfields + 2);
	} else if (!strcmp(kind, "insert")) {
		n += (size_t)snprintf(sql + n, cap - n, "INSERT INTO \"%s\" (", s->table);
		for (size_t f = 0; f < s->nfields; f++)
			n += (size_t)snprintf(sql + n, cap - n, "\"%s\", ", s->fields[f].name);
		n += (size_t)snprintf(sql + n, cap - n, "imported_from, id) VALUES (");
		for (size_t f = 0; f < s->nfields + 2; f++)
			n += (size_t)snprintf(sql + n, cap - n, "%s?%zu", f ? ", " : "", f + 1);
		snprintf(sql + n, cap - n, ")");
	} else
		snprintf(sql, cap, "DELETE FROM \"%s\" WHERE id = ?1", s->table);
	return sql;
}

void
store_sqlite_records_finalize(struct store_sqlite *st)
{
	sqlite3_finalize(st->rb_load);
	sqlite3_finalize(st->rb_del);
	sqlite3_finalize(st->rb_update);
	sqlite3_finalize(st->rb_insert);
	st->rb_load = st->rb_del = st->rb_update = st->rb_insert = NULL;
	free(st->rb_values);
	st->rb_values = NULL;
	st->rb_schema = NULL;
}

enum store_status
store_sqlite_records_prepare(struct store *base, const struct schema *s)
{
	struct store_sqlite *st = (struct store_sqlite *)base;
	store_sqlite_records_finalize(st);
	const char *kinds[] = { "delete", "load", "update", "insert" };
	sqlite3_stmt **stmts[] = { &st->rb_del, &st->rb_load, &st->rb_update, &st->rb_insert };
	int rc = SQLITE_OK;
	for (size_t i = 0; i < 4 && rc == SQLITE_OK; i++) {
		char *sql = records_sql(s, kinds[i]);
		rc = sqlite3_prepare_v2(st->db, sql, -1, stmts[i], NULL);
		free(sql);
	}
	st->rb_schema = s;
	st->rb_values = xcalloc(s->nfields, sizeof *st->rb_values);
	return rc == SQLITE_OK ? STORE_OK : store_sqlite_fail(base, rc);
}

int
store_sqlite_record_load(struct store *base, int64_t record_id, const char *const **values,
    int64_t *imported_from)
{
	struct store_sqlite *st = (struct store_sqlite *)base;
	size_t n = st->rb_schema->nfields;
	sqlite3_reset(st->rb_load);
	sqlite3_bind_int64(st->rb_load, 1, record_id);
	int rc = sqlite3_step(st->rb_load);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st->rb_load);
		return 0;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st->rb_load);
		store_sqlite_fail(base, rc);
		return -1;
	}
	for (size_t f = 0; f < n; f++)
		st->rb_values[f] = (const char *)sqlite3_column_text(st->rb_load, (int)f);
	*imported_from = sqlite3_column_type(st->rb_load, (int)n) == SQLITE_NULL ?
	    -1 :
	    sqlite3_column_int64(st->rb_load, (int)n);
	*values = st->rb_values;
	return 1;
}

enum store_status
store_sqlite_record_delete(struct store *base, int64_t record_id, int *done)
{
	struct store_sqlite *st = (struct store_sqlite *)base;
	sqlite3_bind_int64(st->rb_del, 1, record_id);
	int rc = sqlite3_step(st->rb_del);
	sqlite3_reset(st->rb_del);
	if (rc != SQLITE_DONE)
		return store_sqlite_fail(base, rc);
	*done = sqlite3_changes(st->db) > 0;
	return STORE_OK;
}

enum store_status
store_sqlite_records_unseen(struct store *base, int64_t id, size_t limit, int64_t *ids, size_t *n)
{
	struct store_sqlite *st = (struct store_sqlite *)base;
	char *sql = xasprintf("SELECT id FROM \"%s\" t WHERE NOT EXISTS (SELECT 1 FROM"
			      " sluice_import_seen s WHERE s.import_id = ?1 AND s.record_id = t.id)"
			      " ORDER BY id LIMIT ?2",
	    st->rb_schema->table);
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return store_sqlite_fail(base, rc);
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)limit);
	*n = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		ids[(*n)++] = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? STORE_OK : store_sqlite_fail(base, rc);
}

enum store_status
store_sqlite_record_restore(struct store *base, int64_t record_id, const char *before)
{
	struct store_sqlite *st = (struct store_sqlite *)base;
	const struct schema *s = st->rb_schema;
	size_t n = s->nfields;
	json_t *img = before ? json_loads(before, 0, NULL) : NULL;
	if (!json_is_object(img)) {
		json_decref(img);
		return store_sqlite_fail(base, SQLITE_CORRUPT);
	}
	json_t *from = json_object_get(img, "imported_from");
	sqlite3_stmt *w = st->rb_update;
	int rc = SQLITE_DONE;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t f = 0; f < n; f++)
			store_sqlite_bind_text(w, (int)f + 1,
			    json_string_value(json_object_get(img, s->fields[f].name)));
		if (json_is_integer(from))
			sqlite3_bind_int64(w, (int)n + 1, json_integer_value(from));
		else
			sqlite3_bind_null(w, (int)n + 1);
		sqlite3_bind_int64(w, (int)n + 2, record_id);
		rc = sqlite3_step(w);
		sqlite3_reset(w);
		/* A record deleted since (rolled back with --force) comes back
		 * with its id. */
		if (rc != SQLITE_DONE || w == st->rb_insert || sqlite3_changes(st->db) > 0)
			break;
		w = st->rb_insert;
	}
	json_decref(img);
	return rc == SQLITE_DONE ? STORE_OK : store_sqlite_fail(base, rc);
}

enum store_status
store_sqlite_rolled_back(struct store *base, int64_t id, uint64_t deleted, uint64_t restored,
    uint64_t conflicts, int forced)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(store_sqlite_handle(base),
	    "UPDATE sluice_imports SET status = ?3,"
	    " rolled_back_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), rollback = ?2"
	    " WHERE id = ?1",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_sqlite_fail(base, rc);
	json_t *note = json_pack("{s:I, s:I, s:I, s:b}", "deleted", (json_int_t)deleted, "restored",
	    (json_int_t)restored, "conflicts", (json_int_t)conflicts, "forced", forced);
	char *js = json_dumps(note, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(note);
	sqlite3_bind_int64(st, 1, id);
	store_sqlite_bind_text(st, 2, js);
	store_sqlite_bind_text(st, 3, status_name(STATUS_ROLLED_BACK));
	free(js);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : store_sqlite_fail(base, rc);
}
