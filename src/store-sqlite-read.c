/* The journal's reads in SQLite: one import, the imports newest first, and
 * streaming cursors over an import's errors, batches, fixes, rejected rows
 * and changes, each a prepared statement stepped one row at a time. Reports
 * read inside one read transaction (read_begin/read_end), so every cursor
 * sees the same snapshot. */
#include "config.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "store-sqlite.h"
#include "xmalloc.h"

/* A small page cache: a reader reads each journal page once. */
#define READ_CACHE_KIB 4096

struct sqlite_iter {
	struct store_iter base;
	struct store_sqlite *st;
	sqlite3_stmt *stmt; /* NULL: an empty cursor */
	int done;	    /* at the end: stepping again would start over */
	void (*decode)(struct sqlite_iter *);
	union {
		struct import_row import;
		struct error_row error;
		struct batch_row batch;
		struct fix_row fix;
		struct reject_row reject;
		struct change_row change;
	} row;
	json_t *cells; /* rejects: the decoded cells */
	size_t cells_alloc;
};

static char *
col_text(sqlite3_stmt *st, int c)
{
	return (char *)sqlite3_column_text(st, c);
}

/* An integer column, or -1 when it is NULL. */
static int64_t
col_int_or_none(sqlite3_stmt *st, int c)
{
	return sqlite3_column_type(st, c) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, c);
}

static int
sqlite_iter_next(struct store_iter *base, const void **row)
{
	struct sqlite_iter *it = (struct sqlite_iter *)base;
	if (it->stmt == NULL || it->done)
		return 0;
	int rc = sqlite3_step(it->stmt);
	if (rc == SQLITE_DONE) {
		it->done = 1;
		return 0;
	}
	if (rc != SQLITE_ROW) {
		store_sqlite_fail(&it->st->base, rc);
		return -1;
	}
	it->decode(it);
	*row = &it->row;
	return 1;
}

static void
sqlite_iter_close(struct store_iter *base)
{
	struct sqlite_iter *it = (struct sqlite_iter *)base;
	sqlite3_finalize(it->stmt);
	json_decref(it->cells);
	if (it->base.kind == STORE_ITER_REJECTS)
		free(it->row.reject.cells);
	free(it);
}

/* A cursor over sql with ?1 = id and ?2 = limit (all when 0). NULL after
 * recording the error, unless empty_when_missing and the statement names
 * a table the journal lacks: then an empty cursor. */
static struct store_iter *
sqlite_iter_open(struct store *base, enum store_iter_kind kind, const char *sql, int64_t id,
    unsigned limit, void (*decode)(struct sqlite_iter *), int empty_when_missing)
{
	struct store_sqlite *st = (struct store_sqlite *)base;
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		store_sqlite_fail(base, rc);
		if (!empty_when_missing || rc != SQLITE_ERROR)
			return NULL;
		stmt = NULL;
	} else {
		sqlite3_bind_int64(stmt, 1, id);
		if (sqlite3_bind_parameter_count(stmt) >= 2)
			sqlite3_bind_int64(stmt, 2, limit > 0 ? (sqlite3_int64)limit : -1);
	}
	struct sqlite_iter *it = xcalloc(1, sizeof *it);
	it->base.kind = kind;
	it->base.next = sqlite_iter_next;
	it->base.close = sqlite_iter_close;
	it->st = st;
	it->stmt = stmt;
	it->decode = decode;
	return &it->base;
}

enum store_status
store_sqlite_read_begin(struct store *base)
{
	char sql[96];
	snprintf(sql, sizeof sql, "PRAGMA cache_size=-%d; PRAGMA query_only=1; BEGIN",
	    READ_CACHE_KIB);
	int rc = sqlite3_exec(store_sqlite_handle(base), sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? STORE_OK : store_sqlite_fail(base, rc);
}

void
store_sqlite_read_end(struct store *base)
{
	sqlite3_exec(store_sqlite_handle(base), "COMMIT; PRAGMA query_only=0", NULL, NULL, NULL);
}

/* --- Imports ---------------------------------------------------------------- */

/* The import query with its condition (where): a journal an older sluice
 * made has no invalid_values, on_key_conflict or date_order column, and NULL stands for
 * it. A new string. */
static char *
import_query(struct store *base, const char *where)
{
	return xasprintf(
	    "SELECT id, source_path, source_size, source_sha256, source_format,"
	    " source_description, sheet, encoding, schema_name, schema_path, target_table,"
	    " mapping, strategy, batch_size, region, dry_run, status, rows_done, bytes_done,"
	    " total, created, updated, merged, unchanged, skipped, rejected, failed,"
	    " not_processed, started_at, finished_at, last_error, pid, host, user_name,"
	    " rolled_back_at, rollback, %s, %s, %s, %s, %s, %s, CASE WHEN finished_at IS NOT NULL"
	    "  THEN (julianday(finished_at) - julianday(started_at)) * 86400.0 END"
	    " FROM sluice_imports %s",
	    store_sqlite_journal_has(base, "sluice_imports", "invalid_values") ? "invalid_values" :
										 "NULL",
	    store_sqlite_journal_has(base, "sluice_imports", "on_key_conflict") ? "on_key_conflict" :
										  "NULL",
	    store_sqlite_journal_has(base, "sluice_imports", "deleted") ? "deleted" : "0",
	    store_sqlite_journal_has(base, "sluice_imports", "restore_id") ? "restore_id" : "NULL",
	    store_sqlite_journal_has(base, "sluice_imports", "restore_members") ? "restore_members" :
										  "NULL",
	    store_sqlite_journal_has(base, "sluice_imports", "date_order") ? "date_order" : "NULL",
	    where);
}

static void
decode_import(struct sqlite_iter *it)
{
	sqlite3_stmt *s = it->stmt;
	struct import_row *r = &it->row.import;
	int c = 0;
	r->id = sqlite3_column_int64(s, c++);
	r->source_path = col_text(s, c++);
	r->source_size = col_int_or_none(s, c++);
	r->source_sha256 = col_text(s, c++);
	r->source_format = col_text(s, c++);
	r->source_description = col_text(s, c++);
	r->sheet = col_text(s, c++);
	r->encoding = col_text(s, c++);
	r->schema_name = col_text(s, c++);
	r->schema_path = col_text(s, c++);
	r->target_table = col_text(s, c++);
	r->mapping = col_text(s, c++);
	r->strategy = col_text(s, c++);
	r->batch_size = col_int_or_none(s, c++);
	r->region = col_text(s, c++);
	r->dry_run = sqlite3_column_int(s, c++);
	r->status = status_parse(col_text(s, c++));
	r->rows_done = (uint64_t)sqlite3_column_int64(s, c++);
	r->bytes_done = (uint64_t)sqlite3_column_int64(s, c++);
	r->total = col_int_or_none(s, c++);
	for (int o = 0; o < OUTCOME_DELETED; o++)
		r->n[o] = (uint64_t)sqlite3_column_int64(s, c++);
	r->started_at = col_text(s, c++);
	r->finished_at = col_text(s, c++);
	r->last_error = col_text(s, c++);
	r->pid = col_int_or_none(s, c++);
	r->host = col_text(s, c++);
	r->user_name = col_text(s, c++);
	r->rolled_back_at = col_text(s, c++);
	r->rollback = col_text(s, c++);
	r->invalid_values = col_text(s, c++);
	r->on_key_conflict = col_text(s, c++);
	r->n[OUTCOME_DELETED] = (uint64_t)sqlite3_column_int64(s, c++);
	r->restore_id = sqlite3_column_int64(s, c++);
	r->restore_members = col_text(s, c++);
	r->date_order = col_text(s, c++);
	r->duration_s = sqlite3_column_type(s, c) == SQLITE_NULL ? -1 : sqlite3_column_double(s, c);
}

int
store_sqlite_import_get(struct store *base, int64_t id, struct import_row *row)
{
	char *sql = import_query(base, "WHERE id = ?1");
	struct store_iter *it =
	    sqlite_iter_open(base, STORE_ITER_IMPORTS, sql, id, 0, decode_import, 1);
	free(sql);
	if (it == NULL)
		return -1;
	const struct import_row *r;
	int rc = store_next_import(it, &r);
	if (rc == 1)
		store_import_row_copy(row, r);
	store_iter_close(it);
	return rc;
}

struct store_iter *
store_sqlite_imports(struct store *base, unsigned limit)
{
	char *sql = import_query(base, "WHERE ?1 = ?1 ORDER BY id DESC LIMIT ?2");
	struct store_iter *it =
	    sqlite_iter_open(base, STORE_ITER_IMPORTS, sql, 0, limit, decode_import, 1);
	free(sql);
	return it;
}

/* --- Errors ----------------------------------------------------------------- */

static void
decode_error(struct sqlite_iter *it)
{
	sqlite3_stmt *s = it->stmt;
	struct error_row *r = &it->row.error;
	r->row_no = sqlite3_column_int64(s, 0);
	r->line_no = sqlite3_column_int64(s, 1);
	r->field = col_text(s, 2);
	int t = record_error_type_parse(col_text(s, 3));
	r->type = t >= 0 ? (enum error_type)t : ERROR_SYSTEM;
	r->message = col_text(s, 4);
	r->value = col_text(s, 5);
	r->dropped = sqlite3_column_int(s, 6);
}

/* Whether an error dropped a value, as SQL: a journal an older sluice made
 * has no dropped column, and no value dropped. */
static const char *
errors_dropped(struct store *base)
{
	return store_sqlite_journal_has(base, "sluice_import_errors", "dropped") ? "dropped" : "0";
}

struct store_iter *
store_sqlite_errors(struct store *base, int64_t id, unsigned limit)
{
	char *sql =
	    xasprintf("SELECT row_no, line_no, field, type, message, value, %s"
		      " FROM sluice_import_errors WHERE import_id = ?1 ORDER BY row_no, id LIMIT ?2",
		errors_dropped(base));
	struct store_iter *it =
	    sqlite_iter_open(base, STORE_ITER_ERRORS, sql, id, limit, decode_error, 1);
	free(sql);
	return it;
}

int
store_sqlite_error_counts(struct store *base, int64_t id, enum store_count_by by,
    struct name_count **out, size_t *n)
{
	char *effect = by == STORE_COUNT_BY_EFFECT ?
	    xasprintf("CASE WHEN %s THEN 'value_dropped' ELSE 'row' END", errors_dropped(base)) :
	    NULL;
	char *sql = xasprintf("SELECT %s, count(*) FROM sluice_import_errors WHERE import_id = ?1"
			      " GROUP BY 1 ORDER BY 2 DESC",
	    by == STORE_COUNT_BY_TYPE	   ? "type" :
		by == STORE_COUNT_BY_FIELD ? "coalesce(field, '(row)')" :
					     effect);
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(store_sqlite_handle(base), sql, -1, &st, NULL);
	free(sql);
	free(effect);
	if (rc != SQLITE_OK) {
		store_sqlite_fail(base, rc);
		/* No journal yet: no errors. */
		return rc == SQLITE_ERROR ? 0 : -1;
	}
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *k = col_text(st, 0);
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		(*out)[*n].name = xstrdup(k ? k : "");
		(*out)[*n].n = (uint64_t)sqlite3_column_int64(st, 1);
		(*n)++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_sqlite_fail(base, rc);
		return -1;
	}
	return 0;
}

/* --- Batches and fixes -------------------------------------------------------- */

static void
decode_batch(struct sqlite_iter *it)
{
	sqlite3_stmt *s = it->stmt;
	struct batch_row *r = &it->row.batch;
	r->batch_no = (uint64_t)sqlite3_column_int64(s, 0);
	r->first_row = (uint64_t)sqlite3_column_int64(s, 1);
	r->rows = (uint64_t)sqlite3_column_int64(s, 2);
	for (int o = 0; o < OUTCOME_NOT_PROCESSED; o++)
		r->n[o] = (uint64_t)sqlite3_column_int64(s, 3 + o);
	r->attempts = (unsigned)sqlite3_column_int64(s, 10);
	r->duration_ms = (uint64_t)sqlite3_column_int64(s, 11);
	r->status = col_text(s, 12);
}

struct store_iter *
store_sqlite_batches(struct store *base, int64_t id)
{
	return sqlite_iter_open(base, STORE_ITER_BATCHES,
	    "SELECT batch_no, first_row, rows, created, updated, merged,"
	    " unchanged, skipped, rejected, failed, attempts, duration_ms, status"
	    " FROM sluice_import_batches WHERE import_id = ?1 ORDER BY batch_no",
	    id, 0, decode_batch, 0);
}

static void
decode_fix(struct sqlite_iter *it)
{
	sqlite3_stmt *s = it->stmt;
	struct fix_row *r = &it->row.fix;
	r->row_no = (uint64_t)sqlite3_column_int64(s, 0);
	r->column_no = (uint64_t)sqlite3_column_int64(s, 1);
	r->header = col_text(s, 2);
	r->original = col_text(s, 3);
	r->value = col_text(s, 4);
}

struct store_iter *
store_sqlite_fixes(struct store *base, int64_t id)
{
	/* A journal made by an older sluice has no fixes table. */
	return sqlite_iter_open(base, STORE_ITER_FIXES,
	    "SELECT row_no, column_no, header, original, value FROM sluice_import_fixes"
	    " WHERE import_id = ?1 ORDER BY row_no, column_no",
	    id, 0, decode_fix, 1);
}

/* --- Rejected rows ------------------------------------------------------------ */

static void
decode_reject(struct sqlite_iter *it)
{
	sqlite3_stmt *s = it->stmt;
	struct reject_row *r = &it->row.reject;
	r->row_no = sqlite3_column_int64(s, 0);
	r->line_no = sqlite3_column_int64(s, 1);
	int o = outcome_parse(col_text(s, 2));
	r->outcome = o >= 0 ? (enum outcome)o : OUTCOME_FAILED;
	store_cells_read(col_text(s, 3), &it->cells, r, &it->cells_alloc);
}

struct store_iter *
store_sqlite_rejects(struct store *base, int64_t id)
{
	return sqlite_iter_open(base, STORE_ITER_REJECTS,
	    "SELECT row_no, line_no, outcome, cells FROM sluice_import_rejects"
	    " WHERE import_id = ?1 ORDER BY row_no",
	    id, 0, decode_reject, 0);
}

int
store_sqlite_reject_width(struct store *base, int64_t id, size_t *width)
{
	sqlite3_stmt *st;
	*width = 0;
	int rc = sqlite3_prepare_v2(store_sqlite_handle(base),
	    "SELECT max(json_array_length(cells))"
	    " FROM sluice_import_rejects WHERE import_id = ?1",
	    -1, &st, NULL);
	if (rc != SQLITE_OK) {
		store_sqlite_fail(base, rc);
		return -1;
	}
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0)
		*width = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW) {
		store_sqlite_fail(base, rc);
		return -1;
	}
	return 0;
}

/* --- Changes ------------------------------------------------------------------ */

static void
decode_change(struct sqlite_iter *it)
{
	sqlite3_stmt *s = it->stmt;
	struct change_row *r = &it->row.change;
	r->record_id = sqlite3_column_int64(s, 0);
	r->outcome = store_action_parse(col_text(s, 1));
	r->before = col_text(s, 2);
	r->after_hash = (uint64_t)sqlite3_column_int64(s, 3);
}

struct store_iter *
store_sqlite_changes(struct store *base, int64_t id, enum store_changes_order order)
{
	return sqlite_iter_open(base, STORE_ITER_CHANGES,
	    order == STORE_CHANGES_BY_RECORD ?
		"SELECT record_id, action, before, after_hash FROM sluice_import_changes"
		" WHERE import_id = ?1 ORDER BY record_id, id DESC" :
		"SELECT record_id, action, before, after_hash FROM sluice_import_changes"
		" WHERE import_id = ?1 ORDER BY id DESC",
	    id, 0, decode_change, 0);
}

enum store_status
store_sqlite_exists(struct store *base, const char *table, const char *column, const char *value,
    int *found)
{
	struct store_sqlite *st = (struct store_sqlite *)base;
	/* Asked once a row of a restore's child table: each table and column
	 * gets its statement, prepared once. */
	sqlite3_stmt *stmt = NULL;
	for (size_t i = 0; i < st->nexists && stmt == NULL; i++)
		if (!strcmp(st->exists[i].table, table) && !strcmp(st->exists[i].column, column))
			stmt = st->exists[i].stmt;
	if (stmt == NULL) {
		/* table and column are a schema's identifiers, checked when it
		 * was loaded; the value is bound. */
		char *sql = xasprintf("SELECT 1 FROM \"%s\" WHERE \"%s\" = ? LIMIT 1", table, column);
		int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
		free(sql);
		if (rc != SQLITE_OK)
			return store_sqlite_fail(base, rc);
		st->exists = xreallocarray(st->exists, st->nexists + 1, sizeof *st->exists);
		st->exists[st->nexists++] =
		    (struct store_sqlite_exists){ xstrdup(table), xstrdup(column), stmt };
	}
	store_sqlite_bind_text(stmt, 1, value);
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sqlite_fail(base, rc);
	*found = rc == SQLITE_ROW;
	return STORE_OK;
}
