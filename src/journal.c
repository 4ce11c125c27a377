/* The sluice_* tables: imports, their errors, rejected rows, changes and
 * batches. SQLite-specific, like the store it shares a connection with. */
#include "config.h"

#include <jansson.h>
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "journal.h"
#include "store-sqlite.h"
#include "xmalloc.h"

struct journal {
	struct store *store;
	sqlite3 *db;
	sqlite3_stmt *error;
	sqlite3_stmt *reject;
	sqlite3_stmt *change;
	sqlite3_stmt *batch;
	sqlite3_stmt *progress;
};

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
    " pid INTEGER, host TEXT, user_name TEXT, rolled_back_at TEXT, rollback TEXT);"
    "CREATE TABLE IF NOT EXISTS sluice_import_errors ("
    " id INTEGER PRIMARY KEY, import_id INTEGER NOT NULL, row_no INTEGER,"
    " line_no INTEGER, field TEXT, type TEXT NOT NULL, message TEXT NOT NULL,"
    " value TEXT);"
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
    "CREATE TABLE IF NOT EXISTS sluice_mappings ("
    " fingerprint TEXT NOT NULL, schema_name TEXT NOT NULL, mapping TEXT NOT NULL,"
    " saved_at TEXT NOT NULL, PRIMARY KEY (fingerprint, schema_name));";

static const char *const error_type_names[ERROR_TYPE_COUNT] = {
	[ERROR_VALIDATION] = "validation",
	[ERROR_DATABASE] = "database",
	[ERROR_SYSTEM] = "system",
	[ERROR_BUSINESS] = "business",
};

const char *
record_error_type_name(enum error_type t)
{
	return error_type_names[t];
}

struct journal *
journal_open(struct store *store)
{
	struct journal *j = xcalloc(1, sizeof *j);
	j->store = store;
	j->db = store_sqlite_handle(store);
	return j;
}

enum store_status
journal_prepare(struct journal *j)
{
	if (j->progress != NULL)
		return STORE_OK;
	int rc = sqlite3_exec(j->db, journal_schema, NULL, NULL, NULL);
	const struct {
		sqlite3_stmt **stmt;
		const char *sql;
	} stmts[] = {
		{ &j->error, "INSERT INTO sluice_import_errors (import_id, row_no, line_no,"
		    " field, type, message, value) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)" },
		{ &j->reject, "INSERT OR REPLACE INTO sluice_import_rejects (import_id, row_no,"
		    " line_no, outcome, cells) VALUES (?1, ?2, ?3, ?4, ?5)" },
		{ &j->change, "INSERT INTO sluice_import_changes (import_id, batch_no, row_no,"
		    " record_id, action, before, after_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)" },
		{ &j->batch, "INSERT OR REPLACE INTO sluice_import_batches (import_id, batch_no,"
		    " first_row, rows, created, updated, merged, unchanged, skipped, rejected,"
		    " failed, attempts, duration_ms, status) VALUES"
		    " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)" },
		{ &j->progress, "UPDATE sluice_imports SET rows_done = ?2, bytes_done = ?15,"
		    " total = coalesce(?3, total), created = ?4, updated = ?5, merged = ?6,"
		    " unchanged = ?7, skipped = ?8, rejected = ?9, failed = ?10,"
		    " not_processed = ?11, status = ?12, last_error = coalesce(?13, last_error),"
		    " finished_at = CASE WHEN ?14 THEN strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
		    " ELSE finished_at END WHERE id = ?1" },
	};
	for (size_t i = 0; i < sizeof stmts / sizeof *stmts && rc == SQLITE_OK; i++)
		rc = sqlite3_prepare_v3(j->db, stmts[i].sql, -1, SQLITE_PREPARE_PERSISTENT,
		    stmts[i].stmt, NULL);
	if (rc != SQLITE_OK) {
		for (size_t i = 0; i < sizeof stmts / sizeof *stmts; i++) {
			sqlite3_finalize(*stmts[i].stmt);
			*stmts[i].stmt = NULL;
		}
		return store_sqlite_fail(j->store, rc);
	}
	return STORE_OK;
}

void
journal_close(struct journal *j)
{
	if (j == NULL)
		return;
	sqlite3_finalize(j->error);
	sqlite3_finalize(j->reject);
	sqlite3_finalize(j->change);
	sqlite3_finalize(j->batch);
	sqlite3_finalize(j->progress);
	free(j);
}

static void
bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

static enum store_status
journal_step(struct journal *j, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_DONE)
		return STORE_OK;
	return store_sqlite_fail(j->store, rc);
}

enum store_status
journal_import_start(struct journal *j, const struct import_info *info, int64_t *id)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(j->db,
	    "INSERT INTO sluice_imports (source_path, source_size, source_format,"
	    " source_description, schema_name, target_table, mapping, strategy,"
	    " batch_size, region, dry_run, status, started_at, pid, host, user_name,"
	    " source_sha256, sheet, encoding, schema_path)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'running',"
	    " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_sqlite_fail(j->store, rc);
	char host[256] = "";
	gethostname(host, sizeof host - 1);
	struct passwd *pw = getpwuid(getuid());
	bind_text_or_null(st, 1, info->source_path);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)info->source_size);
	bind_text_or_null(st, 3, info->source_format);
	bind_text_or_null(st, 4, info->source_description);
	bind_text_or_null(st, 5, info->schema_name);
	bind_text_or_null(st, 6, info->target_table);
	bind_text_or_null(st, 7, info->mapping_json);
	bind_text_or_null(st, 8, info->strategy);
	sqlite3_bind_int(st, 9, (int)info->batch_size);
	bind_text_or_null(st, 10, info->region);
	sqlite3_bind_int(st, 11, info->dry_run);
	sqlite3_bind_int64(st, 12, (sqlite3_int64)getpid());
	bind_text_or_null(st, 13, host);
	bind_text_or_null(st, 14, pw ? pw->pw_name : NULL);
	bind_text_or_null(st, 15, info->source_sha256);
	bind_text_or_null(st, 16, info->sheet);
	bind_text_or_null(st, 17, info->encoding);
	bind_text_or_null(st, 18, info->schema_path);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_sqlite_fail(j->store, rc);
	*id = sqlite3_last_insert_rowid(j->db);
	return STORE_OK;
}

/* The original cells as a JSON array. Cells that are not valid UTF-8 are
 * kept escaped, since JSON cannot hold them. */
static char *
journal_cells_json(const struct record *r)
{
	json_t *arr = json_array();
	for (size_t c = 0; c < r->ncells; c++) {
		json_t *s = json_string(r->cells[c]);
		if (s == NULL) {
			size_t len = strlen(r->cells[c]);
			char *esc = xmalloc(len * 4 + 1), *o = esc;
			for (const unsigned char *p = (const unsigned char *)r->cells[c]; *p; p++)
				o += *p < 0x80 ? sprintf(o, "%c", *p) : sprintf(o, "\\x%02x", *p);
			s = json_string(esc);
			free(esc);
		}
		json_array_append_new(arr, s ? s : json_string(""));
	}
	char *js = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	return js;
}

enum store_status
journal_rows(struct journal *j, int64_t id, uint64_t batch_no,
    const struct record *records, size_t n)
{
	(void)batch_no;
	enum store_status ss = STORE_OK;
	for (size_t i = 0; i < n && ss == STORE_OK; i++) {
		const struct record *r = &records[i];
		for (size_t e = 0; e < r->nerrors && ss == STORE_OK; e++) {
			const struct row_error *err = &r->errors[e];
			sqlite3_bind_int64(j->error, 1, id);
			sqlite3_bind_int64(j->error, 2, (sqlite3_int64)r->row_no);
			sqlite3_bind_int64(j->error, 3, (sqlite3_int64)r->line_no);
			bind_text_or_null(j->error, 4, err->field_name);
			bind_text_or_null(j->error, 5, record_error_type_name(err->type));
			bind_text_or_null(j->error, 6, err->message);
			bind_text_or_null(j->error, 7, err->value);
			ss = journal_step(j, j->error);
		}
		if (ss != STORE_OK)
			break;
		switch (r->outcome) {
		case OUTCOME_REJECTED:
		case OUTCOME_FAILED: {
			char *cells = journal_cells_json(r);
			sqlite3_bind_int64(j->reject, 1, id);
			sqlite3_bind_int64(j->reject, 2, (sqlite3_int64)r->row_no);
			sqlite3_bind_int64(j->reject, 3, (sqlite3_int64)r->line_no);
			bind_text_or_null(j->reject, 4, outcome_name(r->outcome));
			bind_text_or_null(j->reject, 5, cells);
			ss = journal_step(j, j->reject);
			free(cells);
			break;
		}
		case OUTCOME_CREATED:
		case OUTCOME_UPDATED:
		case OUTCOME_MERGED:
			sqlite3_bind_int64(j->change, 1, id);
			sqlite3_bind_int64(j->change, 2, (sqlite3_int64)batch_no);
			sqlite3_bind_int64(j->change, 3, (sqlite3_int64)r->row_no);
			sqlite3_bind_int64(j->change, 4, r->record_id);
			bind_text_or_null(j->change, 5, r->outcome == OUTCOME_CREATED ? "insert" :
			    r->outcome == OUTCOME_UPDATED ? "update" : "merge");
			bind_text_or_null(j->change, 6, r->before);
			sqlite3_bind_int64(j->change, 7, (sqlite3_int64)r->after_hash);
			ss = journal_step(j, j->change);
			break;
		default:
			break;
		}
	}
	return ss;
}

enum store_status
journal_batch(struct journal *j, int64_t id, uint64_t batch_no, uint64_t first_row,
    uint64_t rows, const struct counts *c, unsigned attempts, uint64_t duration_ms,
    const char *status)
{
	sqlite3_stmt *st = j->batch;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)batch_no);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)first_row);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)rows);
	for (int o = OUTCOME_CREATED; o <= OUTCOME_FAILED; o++)
		sqlite3_bind_int64(st, 5 + o, (sqlite3_int64)c->n[o]);
	sqlite3_bind_int(st, 12, (int)attempts);
	sqlite3_bind_int64(st, 13, (sqlite3_int64)duration_ms);
	bind_text_or_null(st, 14, status);
	return journal_step(j, st);
}

enum store_status
journal_progress(struct journal *j, int64_t id, uint64_t rows_done, uint64_t bytes_done,
    uint64_t total, const struct counts *c, const char *status, const char *last_error,
    int finished)
{
	sqlite3_stmt *st = j->progress;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)rows_done);
	sqlite3_bind_int64(st, 15, (sqlite3_int64)bytes_done);
	if (total > 0)
		sqlite3_bind_int64(st, 3, (sqlite3_int64)total);
	else
		sqlite3_bind_null(st, 3);
	for (int o = 0; o < OUTCOME_COUNT; o++)
		sqlite3_bind_int64(st, 4 + o, (sqlite3_int64)c->n[o]);
	bind_text_or_null(st, 12, status);
	bind_text_or_null(st, 13, last_error);
	sqlite3_bind_int(st, 14, finished);
	return journal_step(j, st);
}

static void
journal_host(char *host, size_t size)
{
	host[0] = '\0';
	gethostname(host, size - 1);
	host[size - 1] = '\0';
}

enum store_status
journal_claim(struct journal *j, int64_t id, const char *from_status)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(j->db,
	    "UPDATE sluice_imports SET status = 'running', pid = ?3, host = ?4,"
	    " finished_at = NULL, not_processed = 0 WHERE id = ?1 AND status = ?2",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_sqlite_fail(j->store, rc);
	char host[256];
	journal_host(host, sizeof host);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, from_status, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)getpid());
	sqlite3_bind_text(st, 4, host, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_sqlite_fail(j->store, rc);
	return sqlite3_changes(j->db) == 1 ? STORE_OK : STORE_ROW;
}

uint64_t
journal_last_batch(struct journal *j, int64_t id)
{
	sqlite3_stmt *st;
	uint64_t n = 0;
	if (sqlite3_prepare_v2(j->db, "SELECT max(batch_no) FROM sluice_import_batches"
	    " WHERE import_id = ?1", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int
journal_process_alive(const char *host, int64_t pid)
{
	char me[256];
	journal_host(me, sizeof me);
	if (host == NULL || strcmp(host, me) != 0)
		return -1;
	if (pid <= 0 || (kill((pid_t)pid, 0) != 0 && errno != EPERM))
		return 0;
	/* A process killed but not yet reaped by its parent is gone too. */
	char path[64], comm[64] = "";
	snprintf(path, sizeof path, "/proc/%lld/stat", (long long)pid);
	FILE *sf = fopen(path, "r");
	if (sf != NULL) {
		char buf[512];
		size_t n = fread(buf, 1, sizeof buf - 1, sf);
		fclose(sf);
		buf[n] = '\0';
		const char *paren = strrchr(buf, ')');
		if (paren != NULL && (paren[2] == 'Z' || paren[2] == 'X'))
			return 0;
	}
	/* The pid may have been reused by another program since. */
	snprintf(path, sizeof path, "/proc/%lld/comm", (long long)pid);
	FILE *fp = fopen(path, "r");
	if (fp != NULL) {
		if (fgets(comm, sizeof comm, fp) == NULL)
			comm[0] = '\0';
		fclose(fp);
		return strncmp(comm, "sluice", 6) == 0 || strncmp(comm, "lt-sluice", 9) == 0;
	}
	return 1;
}

const char *
journal_settle_status(struct journal *j, json_t *row)
{
	const char *status = json_string_value(json_object_get(row, "status"));
	if (status == NULL || (strcmp(status, "running") != 0 && strcmp(status, "paused") != 0))
		return status;
	const char *host = json_string_value(json_object_get(row, "host"));
	json_int_t pid = json_integer_value(json_object_get(row, "pid"));
	if (journal_process_alive(host, pid) != 0)
		return status;
	/* Its process died (kill -9, reboot): what is committed stands, and
	 * resume continues from the cursor. Best effort: a locked database
	 * is settled next time. */
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(j->db, "UPDATE sluice_imports SET status = 'interrupted',"
	    " last_error = coalesce(last_error, ?3) WHERE id = ?1 AND status = ?2",
	    -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, json_integer_value(json_object_get(row, "id")));
		sqlite3_bind_text(st, 2, status, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, _("The process running the import ended without finishing it."), -1, SQLITE_TRANSIENT);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	json_object_set_new(row, "status", json_string("interrupted"));
	return "interrupted";
}

enum store_status
journal_fixes(struct journal *j, int64_t id, const struct engine_fix *fixes, size_t n,
    const char *const *headers, size_t nheaders)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(j->db, "INSERT OR REPLACE INTO sluice_import_fixes"
	    " (import_id, row_no, column_no, header, original, value)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_sqlite_fail(j->store, rc);
	enum store_status ss = STORE_OK;
	for (size_t i = 0; i < n && ss == STORE_OK; i++) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)fixes[i].row);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)fixes[i].column);
		bind_text_or_null(st, 4, fixes[i].column < nheaders ? headers[fixes[i].column] : NULL);
		bind_text_or_null(st, 5, fixes[i].original);
		bind_text_or_null(st, 6, fixes[i].value);
		ss = journal_step(j, st);
	}
	sqlite3_finalize(st);
	return ss;
}

enum store_status
journal_mapping_save(struct journal *j, const char *fingerprint, const char *schema,
    const char *mapping_json)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(j->db, "INSERT OR REPLACE INTO sluice_mappings"
	    " (fingerprint, schema_name, mapping, saved_at)"
	    " VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_sqlite_fail(j->store, rc);
	bind_text_or_null(st, 1, fingerprint);
	bind_text_or_null(st, 2, schema);
	bind_text_or_null(st, 3, mapping_json);
	enum store_status ss = journal_step(j, st);
	sqlite3_finalize(st);
	return ss;
}

char *
journal_mapping_load(struct journal *j, const char *fingerprint, const char *schema)
{
	sqlite3_stmt *st;
	char *out = NULL;
	if (sqlite3_prepare_v2(j->db, "SELECT mapping FROM sluice_mappings"
	    " WHERE fingerprint = ?1 AND schema_name = ?2", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	bind_text_or_null(st, 1, fingerprint);
	bind_text_or_null(st, 2, schema);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
		out = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out;
}

/* One result row as a JSON object keyed by column name. */
static json_t *
journal_row_json(sqlite3_stmt *st)
{
	json_t *obj = json_object();
	for (int c = 0; c < sqlite3_column_count(st); c++) {
		const char *name = sqlite3_column_name(st, c);
		json_t *v;
		switch (sqlite3_column_type(st, c)) {
		case SQLITE_INTEGER:
			v = json_integer(sqlite3_column_int64(st, c));
			break;
		case SQLITE_FLOAT:
			v = json_real(sqlite3_column_double(st, c));
			break;
		case SQLITE_NULL:
			v = json_null();
			break;
		default:
			v = json_string((const char *)sqlite3_column_text(st, c));
			if (v == NULL)
				v = json_string("");
		}
		json_object_set_new(obj, name, v);
	}
	return obj;
}

static json_t *
journal_query(struct journal *j, const char *sql, int64_t id, int64_t limit, int one)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(j->db, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, limit);
	json_t *out = one ? NULL : json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *row = journal_row_json(st);
		if (one) {
			out = row;
			break;
		}
		json_array_append_new(out, row);
	}
	sqlite3_finalize(st);
	return out;
}

json_t *
journal_import_json(struct journal *j, int64_t id)
{
	return journal_query(j, "SELECT * FROM sluice_imports WHERE id = ?1", id, 0, 1);
}

json_t *
journal_imports_json(struct journal *j, unsigned limit)
{
	return journal_query(j, "SELECT * FROM sluice_imports WHERE ?1 = ?1"
	    " ORDER BY id DESC LIMIT ?2", 0, limit, 0);
}

json_t *
journal_errors_json(struct journal *j, int64_t id, unsigned limit)
{
	return journal_query(j, "SELECT row_no AS row, line_no AS line, field, type,"
	    " message, value FROM sluice_import_errors WHERE import_id = ?1"
	    " ORDER BY row_no, id LIMIT ?2", id, limit, 0);
}

json_t *
journal_error_counts_json(struct journal *j, int64_t id, const char *by)
{
	const char *sql = !strcmp(by, "type") ?
	    "SELECT type, count(*) FROM sluice_import_errors WHERE import_id = ?1 GROUP BY 1 ORDER BY 2 DESC" :
	    "SELECT coalesce(field, '(row)'), count(*) FROM sluice_import_errors WHERE import_id = ?1 GROUP BY 1 ORDER BY 2 DESC";
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(j->db, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	json_t *obj = json_object();
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		json_object_set_new(obj, k ? k : "", json_integer(sqlite3_column_int64(st, 1)));
	}
	sqlite3_finalize(st);
	return obj;
}
