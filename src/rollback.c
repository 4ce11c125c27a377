/* Rolling an import back from its journal of changes. SQLite-specific, like
 * the journal. */
#include "config.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "rollback.h"
#include "schema.h"
#include "store-sqlite.h"
#include "xmalloc.h"

#define ROLLBACK_MAX_LISTED 20

struct rollback {
	sqlite3 *db;
	struct store *store;
	const struct schema *schema;
	int64_t id;
	sqlite3_stmt *load;	/* fields…, imported_from of one record */
	sqlite3_stmt *del;
	sqlite3_stmt *update;	/* fields…, imported_from, id */
	sqlite3_stmt *insert;	/* id, fields…, imported_from */
	const char **values;	/* scratch, one per field */
};

static char *
rollback_sql(const struct schema *s, const char *kind)
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
			n += (size_t)snprintf(sql + n, cap - n, "\"%s\" = ?%zu, ", s->fields[f].name, f + 1);
		snprintf(sql + n, cap - n, "imported_from = ?%zu WHERE id = ?%zu",
		    s->nfields + 1, s->nfields + 2);
	} else {
		n += (size_t)snprintf(sql + n, cap - n, "INSERT INTO \"%s\" (", s->table);
		for (size_t f = 0; f < s->nfields; f++)
			n += (size_t)snprintf(sql + n, cap - n, "\"%s\", ", s->fields[f].name);
		n += (size_t)snprintf(sql + n, cap - n, "imported_from, id) VALUES (");
		for (size_t f = 0; f < s->nfields + 2; f++)
			n += (size_t)snprintf(sql + n, cap - n, "%s?%zu", f ? ", " : "", f + 1);
		snprintf(sql + n, cap - n, ")");
	}
	return sql;
}

static int
rollback_prepare(struct rollback *rb)
{
	const struct schema *s = rb->schema;
	char *sql = xasprintf("DELETE FROM \"%s\" WHERE id = ?1", s->table);
	int rc = sqlite3_prepare_v2(rb->db, sql, -1, &rb->del, NULL);
	free(sql);
	const char *kinds[] = { "load", "update", "insert" };
	sqlite3_stmt **stmts[] = { &rb->load, &rb->update, &rb->insert };
	for (size_t i = 0; i < 3 && rc == SQLITE_OK; i++) {
		sql = rollback_sql(s, kinds[i]);
		rc = sqlite3_prepare_v2(rb->db, sql, -1, stmts[i], NULL);
		free(sql);
	}
	rb->values = xcalloc(s->nfields, sizeof *rb->values);
	return rc;
}

static void
rollback_finalize(struct rollback *rb)
{
	sqlite3_finalize(rb->load);
	sqlite3_finalize(rb->del);
	sqlite3_finalize(rb->update);
	sqlite3_finalize(rb->insert);
	free(rb->values);
}

static void
rollback_conflict(struct rollback_result *res, int64_t record, const char *reason)
{
	res->conflicts++;
	if (json_array_size(res->conflict_list) < ROLLBACK_MAX_LISTED)
		json_array_append_new(res->conflict_list, json_pack("{s:I, s:s}",
		    "record_id", (json_int_t)record, "reason", reason));
}

/* Finds the records changed since the import: for each record, its last
 * change by this import must still be what the table holds. */
static int
rollback_check(struct rollback *rb, struct rollback_result *res)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(rb->db,
	    "SELECT record_id, after_hash FROM sluice_import_changes WHERE import_id = ?1"
	    " ORDER BY record_id, id DESC", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, rb->id);
	int64_t previous = -1;
	size_t n = rb->schema->nfields;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t record = sqlite3_column_int64(st, 0);
		if (record == previous)
			continue;
		previous = record;
		uint64_t after = (uint64_t)sqlite3_column_int64(st, 1);
		sqlite3_bind_int64(rb->load, 1, record);
		int lrc = sqlite3_step(rb->load);
		if (lrc == SQLITE_DONE)
			rollback_conflict(res, record, _("deleted since"));
		else if (lrc != SQLITE_ROW) {
			sqlite3_reset(rb->load);
			rc = lrc;
			break;
		} else {
			int64_t by = sqlite3_column_int64(rb->load, (int)n);
			for (size_t f = 0; f < n; f++)
				rb->values[f] = (const char *)sqlite3_column_text(rb->load, (int)f);
			if (by != rb->id) {
				char *why = xasprintf(_("changed since by import %lld"), (long long)by);
				rollback_conflict(res, record, why);
				free(why);
			} else if (store_values_hash(rb->values, n) != after)
				rollback_conflict(res, record, _("changed since by another program"));
		}
		sqlite3_reset(rb->load);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Undoes the changes, newest first. */
static int
rollback_apply(struct rollback *rb, struct rollback_result *res)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(rb->db,
	    "SELECT record_id, action, before FROM sluice_import_changes WHERE import_id = ?1"
	    " ORDER BY id DESC", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, rb->id);
	size_t n = rb->schema->nfields;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t record = sqlite3_column_int64(st, 0);
		const char *action = (const char *)sqlite3_column_text(st, 1);
		const char *before = (const char *)sqlite3_column_text(st, 2);
		int wrc;
		if (action != NULL && !strcmp(action, "insert")) {
			sqlite3_bind_int64(rb->del, 1, record);
			wrc = sqlite3_step(rb->del);
			sqlite3_reset(rb->del);
			if (wrc == SQLITE_DONE && sqlite3_changes(rb->db) > 0)
				res->deleted++;
		} else {
			json_t *img = before ? json_loads(before, 0, NULL) : NULL;
			if (!json_is_object(img)) {
				json_decref(img);
				rc = SQLITE_CORRUPT;
				break;
			}
			for (size_t f = 0; f < n; f++)
				rb->values[f] = json_string_value(json_object_get(img,
				    rb->schema->fields[f].name));
			json_t *from = json_object_get(img, "imported_from");
			sqlite3_stmt *w = rb->update;
			for (int pass = 0; pass < 2; pass++) {
				for (size_t f = 0; f < n; f++) {
					if (rb->values[f])
						sqlite3_bind_text(w, (int)f + 1, rb->values[f], -1, SQLITE_STATIC);
					else
						sqlite3_bind_null(w, (int)f + 1);
				}
				if (json_is_integer(from))
					sqlite3_bind_int64(w, (int)n + 1, json_integer_value(from));
				else
					sqlite3_bind_null(w, (int)n + 1);
				sqlite3_bind_int64(w, (int)n + 2, record);
				wrc = sqlite3_step(w);
				sqlite3_reset(w);
				/* A record deleted since (rolled back with --force)
				 * comes back with its id. */
				if (wrc != SQLITE_DONE || w == rb->insert || sqlite3_changes(rb->db) > 0)
					break;
				w = rb->insert;
			}
			json_decref(img);
			if (wrc == SQLITE_DONE)
				res->restored++;
		}
		if (wrc != SQLITE_DONE) {
			rc = wrc;
			break;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int
rollback_record(struct rollback *rb, const struct rollback_result *res, int force)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(rb->db,
	    "UPDATE sluice_imports SET status = 'rolled_back',"
	    " rolled_back_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), rollback = ?2"
	    " WHERE id = ?1", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	json_t *note = json_pack("{s:I, s:I, s:I, s:b}", "deleted", (json_int_t)res->deleted,
	    "restored", (json_int_t)res->restored, "conflicts", (json_int_t)res->conflicts,
	    "forced", force);
	char *js = json_dumps(note, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(note);
	sqlite3_bind_int64(st, 1, rb->id);
	sqlite3_bind_text(st, 2, js, -1, SQLITE_TRANSIENT);
	free(js);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Checks the import may be rolled back; loads its schema. */
static struct schema *
rollback_schema(struct journal *j, int64_t id, char **cause)
{
	json_t *row = journal_import_json(j, id);
	if (row == NULL) {
		*cause = xasprintf(_("There is no import %lld in this database; sluice history lists them."), (long long)id);
		return NULL;
	}
	const char *status = journal_settle_status(j, row);
	struct schema *s = NULL;
	if (json_integer_value(json_object_get(row, "dry_run")))
		*cause = xasprintf(_("Import %lld was a dry run: it wrote nothing, so there is nothing to roll back."), (long long)id);
	else if (status && (!strcmp(status, "running") || !strcmp(status, "paused")))
		*cause = xasprintf(_("Import %lld is still running; cancel it first (Ctrl-C where it runs), then roll it back."), (long long)id);
	else if (status && !strcmp(status, "rolled_back"))
		*cause = xasprintf(_("Import %lld is already rolled back."), (long long)id);
	else {
		const char *path = json_string_value(json_object_get(row, "schema_path"));
		const char *name = json_string_value(json_object_get(row, "schema_name"));
		char *why = NULL;
		s = path ? schema_load(path, &why) : NULL;
		if (s == NULL) {
			free(why);
			why = NULL;
			s = schema_load(name ? name : "contacts", &why);
		}
		const char *table = json_string_value(json_object_get(row, "target_table"));
		if (s == NULL)
			*cause = xasprintf(_("Cannot load the schema import %lld used: %s"), (long long)id, why);
		else if (table == NULL || strcmp(table, s->table) != 0) {
			*cause = xasprintf(_("The schema %s now writes to table %s, not %s as when import %lld ran; restore the schema file first."),
			    s->name, s->table, table ? table : "?", (long long)id);
			schema_free(s);
			s = NULL;
		}
		free(why);
	}
	json_decref(row);
	return s;
}

int
rollback_import(struct store *store, struct journal *j, int64_t id, int force,
    unsigned retries, struct rollback_result *res, char **cause)
{
	memset(res, 0, sizeof *res);
	res->conflict_list = json_array();
	struct schema *s = rollback_schema(j, id, cause);
	if (s == NULL)
		return -1;
	struct rollback rb = { .db = store_sqlite_handle(store), .store = store, .schema = s, .id = id };
	int rc = SQLITE_BUSY;
	for (unsigned attempt = 0; attempt <= retries && (rc & 0xff) == SQLITE_BUSY; attempt++) {
		if (attempt > 0) {
			long ms = 200L << (attempt - 1 < 3 ? attempt - 1 : 3);
			struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
			nanosleep(&ts, NULL);
		}
		rc = sqlite3_exec(rb.db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	}
	if (rc == SQLITE_OK)
		rc = rollback_prepare(&rb);
	if (rc == SQLITE_OK)
		rc = rollback_check(&rb, res);
	if (rc == SQLITE_OK && res->conflicts > 0 && !force) {
		res->refused = 1;
		sqlite3_exec(rb.db, "ROLLBACK", NULL, NULL, NULL);
		rollback_finalize(&rb);
		schema_free(s);
		return 0;
	}
	if (rc == SQLITE_OK)
		rc = rollback_apply(&rb, res);
	if (rc == SQLITE_OK)
		rc = rollback_record(&rb, res, force);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(rb.db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		store_sqlite_fail(store, rc);
		*cause = xasprintf(_("Import %lld was not rolled back, and the database is unchanged: %s"),
		    (long long)id, store_errmsg(store));
		if (!sqlite3_get_autocommit(rb.db))
			sqlite3_exec(rb.db, "ROLLBACK", NULL, NULL, NULL);
	}
	rollback_finalize(&rb);
	schema_free(s);
	return rc == SQLITE_OK ? 0 : -1;
}

void
rollback_result_clear(struct rollback_result *res)
{
	json_decref(res->conflict_list);
	memset(res, 0, sizeof *res);
}
