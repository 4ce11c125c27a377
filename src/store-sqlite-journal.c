/* The journal's writes in SQLite: the sluice_* tables (imports, their
 * errors, rejected rows, changes, batches, fixes, notices, remembered
 * mappings),
 * written on the store's connection in the same transactions as the rows. */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store-sqlite.h"
#include "xmalloc.h"

static const char journal_schema[] =
    "CREATE TABLE IF NOT EXISTS sluice_imports ("
    " id INTEGER PRIMARY KEY,"
    " source_path TEXT NOT NULL, source_size INTEGER, source_sha256 TEXT,"
    " source_format TEXT, source_description TEXT, sheet TEXT, encoding TEXT,"
    " schema_name TEXT NOT NULL, schema_path TEXT, target_table TEXT NOT NULL,"
    " mapping TEXT,"
    " strategy TEXT NOT NULL, batch_size INTEGER, region TEXT,"
    " dry_run INTEGER NOT NULL DEFAULT 0,"
    " status TEXT NOT NULL, rows_done INTEGER NOT NULL DEFAULT 0,"
    " bytes_done INTEGER NOT NULL DEFAULT 0, total INTEGER,"
    " created INTEGER NOT NULL DEFAULT 0, updated INTEGER NOT NULL DEFAULT 0,"
    " merged INTEGER NOT NULL DEFAULT 0, unchanged INTEGER NOT NULL DEFAULT 0,"
    " skipped INTEGER NOT NULL DEFAULT 0, rejected INTEGER NOT NULL DEFAULT 0,"
    " failed INTEGER NOT NULL DEFAULT 0, not_processed INTEGER NOT NULL DEFAULT 0,"
    " started_at TEXT NOT NULL, finished_at TEXT, last_error TEXT,"
    " pid INTEGER, host TEXT, user_name TEXT, rolled_back_at TEXT, rollback TEXT,"
    " invalid_values TEXT, deleted INTEGER NOT NULL DEFAULT 0,"
    " restore_id INTEGER, restore_members TEXT, date_order TEXT);"
    "CREATE TABLE IF NOT EXISTS sluice_import_errors ("
    " id INTEGER PRIMARY KEY, import_id INTEGER NOT NULL, row_no INTEGER,"
    " line_no INTEGER, field TEXT, type TEXT NOT NULL, message TEXT NOT NULL,"
    " value TEXT, dropped INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS sluice_import_errors_import"
    " ON sluice_import_errors(import_id, row_no);"
    "CREATE TABLE IF NOT EXISTS sluice_import_rejects ("
    " import_id INTEGER NOT NULL, row_no INTEGER NOT NULL, line_no INTEGER,"
    " outcome TEXT NOT NULL, cells TEXT NOT NULL,"
    " PRIMARY KEY (import_id, row_no));"
    "CREATE TABLE IF NOT EXISTS sluice_import_changes ("
    " id INTEGER PRIMARY KEY, import_id INTEGER NOT NULL, batch_no INTEGER,"
    " row_no INTEGER, record_id INTEGER NOT NULL, action TEXT NOT NULL,"
    " before TEXT, after_hash INTEGER);"
    "CREATE INDEX IF NOT EXISTS sluice_import_changes_import"
    " ON sluice_import_changes(import_id, record_id, id);"
    "CREATE TABLE IF NOT EXISTS sluice_import_batches ("
    " import_id INTEGER NOT NULL, batch_no INTEGER NOT NULL,"
    " first_row INTEGER, rows INTEGER, created INTEGER, updated INTEGER,"
    " merged INTEGER, unchanged INTEGER, skipped INTEGER, rejected INTEGER,"
    " failed INTEGER, attempts INTEGER, duration_ms INTEGER, status TEXT,"
    " PRIMARY KEY (import_id, batch_no));"
    "CREATE TABLE IF NOT EXISTS sluice_import_fixes ("
    " import_id INTEGER NOT NULL, row_no INTEGER NOT NULL, column_no INTEGER NOT NULL,"
    " header TEXT, original TEXT, value TEXT NOT NULL,"
    " PRIMARY KEY (import_id, row_no, column_no));"
    "CREATE TABLE IF NOT EXISTS sluice_import_seen ("
    " import_id INTEGER NOT NULL, record_id INTEGER NOT NULL,"
    " PRIMARY KEY (import_id, record_id)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS sluice_mappings ("
    " fingerprint TEXT NOT NULL, schema_name TEXT NOT NULL, mapping TEXT NOT NULL,"
    " saved_at TEXT NOT NULL, PRIMARY KEY (fingerprint, schema_name));"
    "CREATE TABLE IF NOT EXISTS sluice_import_notices ("
    " import_id INTEGER NOT NULL, end_key TEXT NOT NULL, outcomes TEXT NOT NULL,"
    " sent_at TEXT NOT NULL, PRIMARY KEY (import_id, end_key));";

/* Columns added since the first journal: a journal an older sluice made
 * gets them when missing. The values they hold for its imports are those
 * that sluice worked by (NULL invalid_values: every invalid value rejected
 * its row; NULL on_key_conflict: key conflicts were written as matches). */
static const struct {
	const char *table, *column, *sql;
} journal_added[] = {
	{ "sluice_imports", "invalid_values",
	    "ALTER TABLE sluice_imports ADD COLUMN invalid_values TEXT" },
	{ "sluice_import_errors", "dropped",
	    "ALTER TABLE sluice_import_errors ADD COLUMN dropped INTEGER NOT NULL DEFAULT 0" },
	{ "sluice_imports", "on_key_conflict",
	    "ALTER TABLE sluice_imports ADD COLUMN on_key_conflict TEXT" },
	{ "sluice_imports", "deleted",
	    "ALTER TABLE sluice_imports ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0" },
	{ "sluice_imports", "restore_id", "ALTER TABLE sluice_imports ADD COLUMN restore_id INTEGER" },
	{ "sluice_imports", "restore_members",
	    "ALTER TABLE sluice_imports ADD COLUMN restore_members TEXT" },
	{ "sluice_imports", "date_order", "ALTER TABLE sluice_imports ADD COLUMN date_order TEXT" },
};

int
store_sqlite_journal_has(struct store *base, const char *table, const char *column)
{
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(store_sqlite_handle(base),
		"SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", -1, &stmt, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, column, -1, SQLITE_STATIC);
	int has = sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_finalize(stmt);
	return has;
}

/* The changes of a batch are written JOURNAL_GROUP to a statement: one
 * statement's run opens the table and its index once for all its rows,
 * which costs a row about half of what a statement a row does (measured;
 * see doc/architecture.md). */
#define JOURNAL_GROUP 32
#define JOURNAL_CHANGE_PARAMS 7

static char *
journal_changes_sql(void)
{
	static const char head[] = "INSERT INTO sluice_import_changes (import_id, batch_no,"
				   " row_no, record_id, action, before, after_hash) VALUES ";
	size_t cap = sizeof head + JOURNAL_GROUP * 64, n;
	char *sql = xmalloc(cap);
	n = (size_t)snprintf(sql, cap, "%s", head);
	for (int g = 0; g < JOURNAL_GROUP; g++) {
		int p = g * JOURNAL_CHANGE_PARAMS;
		n += (size_t)snprintf(sql + n, cap - n, "%s(?%d, ?%d, ?%d, ?%d, ?%d, ?%d, ?%d)",
		    g ? ", " : "", p + 1, p + 2, p + 3, p + 4, p + 5, p + 6, p + 7);
	}
	return sql;
}

enum store_status
store_sqlite_journal_prepare(struct store *base)
{
	struct store_sqlite *st = (struct store_sqlite *)base;
	if (st->j_progress != NULL)
		return STORE_OK;
	int rc = sqlite3_exec(st->db, journal_schema, NULL, NULL, NULL);
	/* Under the write lock, so that two sluices do not both add one. */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc == SQLITE_OK) {
		for (size_t i = 0;
		     i < sizeof journal_added / sizeof *journal_added && rc == SQLITE_OK; i++)
			if (!store_sqlite_journal_has(base, journal_added[i].table,
				journal_added[i].column))
				rc = sqlite3_exec(st->db, journal_added[i].sql, NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	}
	const struct {
		sqlite3_stmt **stmt;
		const char *sql;
	} stmts[] = {
		{ &st->j_error,
		    "INSERT INTO sluice_import_errors (import_id, row_no, line_no,"
		    " field, type, message, value, dropped) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)" },
		{ &st->j_reject,
		    "INSERT OR REPLACE INTO sluice_import_rejects (import_id, row_no,"
		    " line_no, outcome, cells) VALUES (?1, ?2, ?3, ?4, ?5)" },
		{ &st->j_change,
		    "INSERT INTO sluice_import_changes (import_id, batch_no, row_no,"
		    " record_id, action, before, after_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)" },
		{ &st->j_changes, NULL },
		{ &st->j_batch,
		    "INSERT OR REPLACE INTO sluice_import_batches (import_id, batch_no,"
		    " first_row, rows, created, updated, merged, unchanged, skipped, rejected,"
		    " failed, attempts, duration_ms, status) VALUES"
		    " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)" },
		{ &st->j_progress,
		    "UPDATE sluice_imports SET rows_done = ?2, bytes_done = ?15,"
		    " total = coalesce(?3, total), created = ?4, updated = ?5, merged = ?6,"
		    " unchanged = ?7, skipped = ?8, rejected = ?9, failed = ?10,"
		    " not_processed = ?11, deleted = ?16, status = ?12,"
		    " last_error = coalesce(?13, last_error),"
		    " finished_at = CASE WHEN ?14 THEN strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
		    " ELSE finished_at END WHERE id = ?1" },
	};
	char *group = journal_changes_sql();
	for (size_t i = 0; i < sizeof stmts / sizeof *stmts && rc == SQLITE_OK; i++)
		rc = sqlite3_prepare_v3(st->db, stmts[i].sql != NULL ? stmts[i].sql : group, -1,
		    SQLITE_PREPARE_PERSISTENT, stmts[i].stmt, NULL);
	free(group);
	if (rc != SQLITE_OK) {
		store_sqlite_journal_finalize(st);
		return store_sqlite_fail(base, rc);
	}
	return STORE_OK;
}

void
store_sqlite_journal_finalize(struct store_sqlite *st)
{
	sqlite3_stmt **stmts[] = {
		&st->j_error,
		&st->j_reject,
		&st->j_change,
		&st->j_changes,
		&st->j_batch,
		&st->j_progress,
	};
	for (size_t i = 0; i < sizeof stmts / sizeof *stmts; i++) {
		sqlite3_finalize(*stmts[i]);
		*stmts[i] = NULL;
	}
}

static enum store_status
journal_step(struct store *base, sqlite3_stmt *stmt)
{
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	if (rc == SQLITE_DONE)
		return STORE_OK;
	return store_sqlite_fail(base, rc);
}

/* Prepares sql for one use; NULL after recording the error. */
static sqlite3_stmt *
journal_once(struct store *base, const char *sql, enum store_status *ss)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(store_sqlite_handle(base), sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		*ss = store_sqlite_fail(base, rc);
		return NULL;
	}
	return stmt;
}

enum store_status
store_sqlite_import_start(struct store *base, const struct import_info *info, int64_t *id)
{
	enum store_status ss = STORE_OK;
	sqlite3_stmt *st = journal_once(base,
	    "INSERT INTO sluice_imports (source_path, source_size, source_format,"
	    " source_description, schema_name, target_table, mapping, strategy,"
	    " batch_size, region, dry_run, status, started_at, pid, host, user_name,"
	    " source_sha256, sheet, encoding, schema_path, invalid_values, on_key_conflict,"
	    " restore_id, restore_members, date_order)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?19,"
	    " strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?20, ?21,"
	    /* A restore's first import: its own id, the next rowid (the
	     * highest plus one, under the write lock). */
	    " CASE WHEN ?22 < 0 THEN (SELECT coalesce(max(id), 0) + 1 FROM sluice_imports)"
	    " ELSE nullif(?22, 0) END, ?23, ?24)",
	    &ss);
	if (st == NULL)
		return ss;
	store_sqlite_bind_text(st, 1, info->source_path);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)info->source_size);
	store_sqlite_bind_text(st, 3, info->source_format);
	store_sqlite_bind_text(st, 4, info->source_description);
	store_sqlite_bind_text(st, 5, info->schema_name);
	store_sqlite_bind_text(st, 6, info->target_table);
	store_sqlite_bind_text(st, 7, info->mapping_json);
	store_sqlite_bind_text(st, 8, info->strategy);
	sqlite3_bind_int(st, 9, (int)info->batch_size);
	store_sqlite_bind_text(st, 10, info->region);
	sqlite3_bind_int(st, 11, info->dry_run);
	sqlite3_bind_int64(st, 12, (sqlite3_int64)info->pid);
	store_sqlite_bind_text(st, 13, info->host);
	store_sqlite_bind_text(st, 14, info->user_name);
	store_sqlite_bind_text(st, 15, info->source_sha256);
	store_sqlite_bind_text(st, 16, info->sheet);
	store_sqlite_bind_text(st, 17, info->encoding);
	store_sqlite_bind_text(st, 18, info->schema_path);
	store_sqlite_bind_text(st, 19, status_name(STATUS_RUNNING));
	store_sqlite_bind_text(st, 20, info->invalid_values);
	store_sqlite_bind_text(st, 21, info->on_key_conflict);
	sqlite3_bind_int64(st, 22, (sqlite3_int64)info->restore_id);
	store_sqlite_bind_text(st, 23, info->restore_members);
	store_sqlite_bind_text(st, 24, info->date_order);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_sqlite_fail(base, rc);
	*id = sqlite3_last_insert_rowid(store_sqlite_handle(base));
	return STORE_OK;
}

/* Binds the change of r to stmt's parameters from the (first + 1)-th on. */
static void
journal_bind_change(sqlite3_stmt *stmt, int first, int64_t id, uint64_t batch_no,
    const struct record *r)
{
	sqlite3_bind_int64(stmt, first + 1, id);
	sqlite3_bind_int64(stmt, first + 2, (sqlite3_int64)batch_no);
	sqlite3_bind_int64(stmt, first + 3, (sqlite3_int64)r->row_no);
	sqlite3_bind_int64(stmt, first + 4, r->record_id);
	store_sqlite_bind_text(stmt, first + 5, store_action_name(r->outcome));
	store_sqlite_bind_text(stmt, first + 6, r->before);
	sqlite3_bind_int64(stmt, first + 7, (sqlite3_int64)r->after_hash);
}

/* Writes the changes of the n records named by which, in their order. */
static enum store_status
journal_changes(struct store *base, int64_t id, uint64_t batch_no, const struct record *records,
    const size_t *which, size_t n)
{
	struct store_sqlite *st = (struct store_sqlite *)base;
	enum store_status ss = STORE_OK;
	size_t i = 0;
	for (; n - i >= JOURNAL_GROUP && ss == STORE_OK; i += JOURNAL_GROUP) {
		for (int g = 0; g < JOURNAL_GROUP; g++)
			journal_bind_change(st->j_changes, g * JOURNAL_CHANGE_PARAMS, id, batch_no,
			    &records[which[i + (size_t)g]]);
		ss = journal_step(base, st->j_changes);
	}
	for (; i < n && ss == STORE_OK; i++) {
		journal_bind_change(st->j_change, 0, id, batch_no, &records[which[i]]);
		ss = journal_step(base, st->j_change);
	}
	return ss;
}

enum store_status
store_sqlite_journal_rows(struct store *base, int64_t id, uint64_t batch_no,
    const struct record *records, size_t n)
{
	struct store_sqlite *st = (struct store_sqlite *)base;
	enum store_status ss = STORE_OK;
	size_t *changed = xcalloc(n > 0 ? n : 1, sizeof *changed), nchanged = 0;
	for (size_t i = 0; i < n && ss == STORE_OK; i++) {
		const struct record *r = &records[i];
		for (size_t e = 0; e < r->nerrors && ss == STORE_OK; e++) {
			const struct row_error *err = &r->errors[e];
			sqlite3_bind_int64(st->j_error, 1, id);
			sqlite3_bind_int64(st->j_error, 2, (sqlite3_int64)r->row_no);
			sqlite3_bind_int64(st->j_error, 3, (sqlite3_int64)r->line_no);
			store_sqlite_bind_text(st->j_error, 4, err->field_name);
			store_sqlite_bind_text(st->j_error, 5, record_error_type_name(err->type));
			store_sqlite_bind_text(st->j_error, 6, err->message);
			store_sqlite_bind_text(st->j_error, 7, err->value);
			sqlite3_bind_int(st->j_error, 8, err->dropped);
			ss = journal_step(base, st->j_error);
		}
		if (ss != STORE_OK)
			break;
		switch (r->outcome) {
		case OUTCOME_REJECTED:
		case OUTCOME_FAILED: {
			char *cells = store_cells_json(r);
			sqlite3_bind_int64(st->j_reject, 1, id);
			sqlite3_bind_int64(st->j_reject, 2, (sqlite3_int64)r->row_no);
			sqlite3_bind_int64(st->j_reject, 3, (sqlite3_int64)r->line_no);
			store_sqlite_bind_text(st->j_reject, 4, outcome_name(r->outcome));
			store_sqlite_bind_text(st->j_reject, 5, cells);
			ss = journal_step(base, st->j_reject);
			free(cells);
			break;
		}
		case OUTCOME_CREATED:
		case OUTCOME_UPDATED:
		case OUTCOME_MERGED:
		case OUTCOME_DELETED: changed[nchanged++] = i; break;
		default: break;
		}
	}
	if (ss == STORE_OK)
		ss = journal_changes(base, id, batch_no, records, changed, nchanged);
	free(changed);
	return ss;
}

enum store_status
store_sqlite_journal_seen(struct store *base, int64_t id, const struct record *records, size_t n)
{
	enum store_status ss = STORE_OK;
	sqlite3_stmt *st = journal_once(base,
	    "INSERT OR IGNORE INTO sluice_import_seen (import_id, record_id) VALUES (?1, ?2)", &ss);
	if (st == NULL)
		return ss;
	for (size_t i = 0; i < n && ss == STORE_OK; i++) {
		if (records[i].record_id <= 0)
			continue;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, records[i].record_id);
		int rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			ss = store_sqlite_fail(base, rc);
	}
	sqlite3_finalize(st);
	return ss;
}

enum store_status
store_sqlite_seen_clear(struct store *base, int64_t id)
{
	enum store_status ss = STORE_OK;
	sqlite3_stmt *st =
	    journal_once(base, "DELETE FROM sluice_import_seen WHERE import_id = ?1", &ss);
	if (st == NULL)
		return ss;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : store_sqlite_fail(base, rc);
}

enum store_status
store_sqlite_journal_batch(struct store *base, int64_t id, const struct batch_row *b)
{
	sqlite3_stmt *st = ((struct store_sqlite *)base)->j_batch;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)b->batch_no);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)b->first_row);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)b->rows);
	for (int o = OUTCOME_CREATED; o <= OUTCOME_FAILED; o++)
		sqlite3_bind_int64(st, 5 + o, (sqlite3_int64)b->n[o]);
	sqlite3_bind_int(st, 12, (int)b->attempts);
	sqlite3_bind_int64(st, 13, (sqlite3_int64)b->duration_ms);
	store_sqlite_bind_text(st, 14, b->status);
	return journal_step(base, st);
}

enum store_status
store_sqlite_journal_progress(struct store *base, int64_t id, uint64_t rows_done,
    uint64_t bytes_done, uint64_t total, const uint64_t *counts, enum import_status status,
    const char *last_error, int finished)
{
	sqlite3_stmt *st = ((struct store_sqlite *)base)->j_progress;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)rows_done);
	sqlite3_bind_int64(st, 15, (sqlite3_int64)bytes_done);
	if (total > 0)
		sqlite3_bind_int64(st, 3, (sqlite3_int64)total);
	else
		sqlite3_bind_null(st, 3);
	for (int o = 0; o < OUTCOME_DELETED; o++)
		sqlite3_bind_int64(st, 4 + o, (sqlite3_int64)counts[o]);
	sqlite3_bind_int64(st, 16, (sqlite3_int64)counts[OUTCOME_DELETED]);
	store_sqlite_bind_text(st, 12, status_name(status));
	store_sqlite_bind_text(st, 13, last_error);
	sqlite3_bind_int(st, 14, finished);
	return journal_step(base, st);
}

enum store_status
store_sqlite_claim(struct store *base, int64_t id, enum import_status from, int64_t pid,
    const char *host)
{
	enum store_status ss = STORE_OK;
	sqlite3_stmt *st = journal_once(base,
	    "UPDATE sluice_imports SET status = ?5, pid = ?3, host = ?4,"
	    " finished_at = NULL, not_processed = 0 WHERE id = ?1 AND status = ?2",
	    &ss);
	if (st == NULL)
		return ss;
	sqlite3_bind_int64(st, 1, id);
	store_sqlite_bind_text(st, 2, status_name(from));
	sqlite3_bind_int64(st, 3, (sqlite3_int64)pid);
	store_sqlite_bind_text(st, 4, host);
	store_sqlite_bind_text(st, 5, status_name(STATUS_RUNNING));
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_sqlite_fail(base, rc);
	return sqlite3_changes(store_sqlite_handle(base)) == 1 ? STORE_OK : STORE_ROW;
}

enum store_status
store_sqlite_settle(struct store *base, int64_t id, enum import_status from, enum import_status to,
    const char *last_error)
{
	enum store_status ss = STORE_OK;
	sqlite3_stmt *st = journal_once(base,
	    "UPDATE sluice_imports SET status = ?4,"
	    " last_error = coalesce(last_error, ?3) WHERE id = ?1 AND status = ?2",
	    &ss);
	if (st == NULL)
		return ss;
	sqlite3_bind_int64(st, 1, id);
	store_sqlite_bind_text(st, 2, status_name(from));
	store_sqlite_bind_text(st, 3, last_error);
	store_sqlite_bind_text(st, 4, status_name(to));
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_sqlite_fail(base, rc);
	return sqlite3_changes(store_sqlite_handle(base)) == 1 ? STORE_OK : STORE_ROW;
}

uint64_t
store_sqlite_last_batch(struct store *base, int64_t id)
{
	sqlite3_stmt *st;
	uint64_t n = 0;
	if (sqlite3_prepare_v2(store_sqlite_handle(base),
		"SELECT max(batch_no)"
		" FROM sluice_import_batches WHERE import_id = ?1",
		-1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

enum store_status
store_sqlite_journal_fixes(struct store *base, int64_t id, const struct engine_fix *fixes, size_t n,
    const char *const *headers, size_t nheaders)
{
	enum store_status ss = STORE_OK;
	sqlite3_stmt *st = journal_once(base,
	    "INSERT OR REPLACE INTO sluice_import_fixes"
	    " (import_id, row_no, column_no, header, original, value)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	    &ss);
	if (st == NULL)
		return ss;
	ss = STORE_OK;
	for (size_t i = 0; i < n && ss == STORE_OK; i++) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)fixes[i].row);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)fixes[i].column);
		store_sqlite_bind_text(st, 4,
		    fixes[i].column < nheaders ? headers[fixes[i].column] : NULL);
		store_sqlite_bind_text(st, 5, fixes[i].original);
		store_sqlite_bind_text(st, 6, fixes[i].value);
		ss = journal_step(base, st);
	}
	sqlite3_finalize(st);
	return ss;
}

enum store_status
store_sqlite_mapping_save(struct store *base, const char *fingerprint, const char *schema,
    const char *mapping_json)
{
	enum store_status ss = STORE_OK;
	sqlite3_stmt *st = journal_once(base,
	    "INSERT OR REPLACE INTO sluice_mappings"
	    " (fingerprint, schema_name, mapping, saved_at)"
	    " VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
	    &ss);
	if (st == NULL)
		return ss;
	store_sqlite_bind_text(st, 1, fingerprint);
	store_sqlite_bind_text(st, 2, schema);
	store_sqlite_bind_text(st, 3, mapping_json);
	ss = journal_step(base, st);
	sqlite3_finalize(st);
	return ss;
}

char *
store_sqlite_mapping_load(struct store *base, const char *fingerprint, const char *schema)
{
	sqlite3_stmt *st;
	char *out = NULL;
	if (sqlite3_prepare_v2(store_sqlite_handle(base),
		"SELECT mapping FROM sluice_mappings"
		" WHERE fingerprint = ?1 AND schema_name = ?2",
		-1, &st, NULL) != SQLITE_OK)
		return NULL;
	store_sqlite_bind_text(st, 1, fingerprint);
	store_sqlite_bind_text(st, 2, schema);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
		out = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out;
}

enum store_status
store_sqlite_notice_claim(struct store *base, int64_t id, const char *end)
{
	enum store_status ss = STORE_OK;
	sqlite3_stmt *st = journal_once(base,
	    "INSERT OR IGNORE INTO sluice_import_notices (import_id, end_key, outcomes, sent_at)"
	    " VALUES (?1, ?2, '[]', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
	    &ss);
	if (st == NULL)
		return ss;
	sqlite3_bind_int64(st, 1, id);
	store_sqlite_bind_text(st, 2, end);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_sqlite_fail(base, rc);
	return sqlite3_changes(store_sqlite_handle(base)) == 1 ? STORE_OK : STORE_ROW;
}

enum store_status
store_sqlite_notice_save(struct store *base, int64_t id, const char *end, const char *outcomes_json)
{
	enum store_status ss = STORE_OK;
	sqlite3_stmt *st = journal_once(base,
	    "INSERT OR REPLACE INTO sluice_import_notices (import_id, end_key, outcomes, sent_at)"
	    " VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
	    &ss);
	if (st == NULL)
		return ss;
	sqlite3_bind_int64(st, 1, id);
	store_sqlite_bind_text(st, 2, end);
	store_sqlite_bind_text(st, 3, outcomes_json);
	ss = journal_step(base, st);
	sqlite3_finalize(st);
	return ss;
}

int
store_sqlite_notices(struct store *base, int64_t id, char ***outcomes_json, size_t *n)
{
	sqlite3_stmt *st;
	*outcomes_json = NULL;
	*n = 0;
	if (!store_sqlite_journal_has(base, "sluice_import_notices", "outcomes"))
		return 0;
	if (sqlite3_prepare_v2(store_sqlite_handle(base),
		"SELECT outcomes FROM sluice_import_notices WHERE import_id = ?1"
		" ORDER BY sent_at, rowid",
		-1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		*outcomes_json = xreallocarray(*outcomes_json, *n + 1, sizeof **outcomes_json);
		(*outcomes_json)[(*n)++] = xstrdup(v != NULL ? v : "[]");
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}
