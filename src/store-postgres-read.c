/* The journal's reads in PostgreSQL: one import, the imports newest first,
 * and streaming cursors over an import's errors, batches, fixes, rejected
 * rows and changes. Each cursor is a server-side cursor fetched a chunk at
 * a time, so memory stays small whatever the import's size and other
 * statements (a rollback's) can run between two rows. Reports read inside
 * one repeatable-read transaction (read_begin/read_end). */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "store-postgres.h"
#include "xmalloc.h"

/* Rows fetched from a cursor at a time. */
#define PG_FETCH_ROWS 1000

struct pg_iter {
	struct store_iter base;
	struct store_pg *st;
	char name[32]; /* the cursor's; "" for an empty iterator */
	PGresult *res; /* the chunk being read */
	int at, nrows; /* the next row of res, and its rows */
	int last;      /* the chunk is the cursor's last */
	void (*decode)(struct pg_iter *);
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

static uint64_t
col_u64(const PGresult *res, int r, int c)
{
	int64_t v = store_pg_int(res, r, c);
	return v < 0 ? 0 : (uint64_t)v;
}

static int
pg_iter_next(struct store_iter *base, const void **row)
{
	struct pg_iter *it = (struct pg_iter *)base;
	if (it->name[0] == '\0')
		return 0;
	if (it->at >= it->nrows) {
		if (it->last)
			return 0;
		PQclear(it->res);
		char sql[64];
		snprintf(sql, sizeof sql, "FETCH %d FROM %s", PG_FETCH_ROWS, it->name);
		it->res = store_pg_query(it->st, sql, 0, NULL, NULL);
		if (it->res == NULL)
			return -1;
		it->nrows = PQntuples(it->res);
		it->at = 0;
		it->last = it->nrows < PG_FETCH_ROWS;
		if (it->nrows == 0)
			return 0;
	}
	it->decode(it);
	it->at++;
	*row = &it->row;
	return 1;
}

static void
pg_iter_close(struct store_iter *base)
{
	struct pg_iter *it = (struct pg_iter *)base;
	PQclear(it->res);
	/* A cursor of a failed transaction is gone with it. */
	if (it->name[0] != '\0' && PQstatus(it->st->conn) == CONNECTION_OK &&
	    PQtransactionStatus(it->st->conn) != PQTRANS_INERROR) {
		char sql[64];
		snprintf(sql, sizeof sql, "CLOSE %s", it->name);
		store_pg_exec(it->st, sql);
	}
	json_decref(it->cells);
	if (it->base.kind == STORE_ITER_REJECTS)
		free(it->row.reject.cells);
	free(it);
}

static struct pg_iter *
pg_iter_new(struct store_pg *st, enum store_iter_kind kind, void (*decode)(struct pg_iter *))
{
	struct pg_iter *it = xcalloc(1, sizeof *it);
	it->base.kind = kind;
	it->base.next = pg_iter_next;
	it->base.close = pg_iter_close;
	it->st = st;
	it->decode = decode;
	return it;
}

/* A cursor over sql with $1 = id and, when it has one, $2 = limit (all
 * when 0). An empty cursor when the journal has no table (a database no
 * import has written to). Outside a transaction the cursor is held past
 * its statement (WITH HOLD). NULL after recording the error. */
static struct store_iter *
pg_iter_open(struct store *base, enum store_iter_kind kind, const char *table, const char *sql,
    int64_t id, unsigned limit, void (*decode)(struct pg_iter *))
{
	struct store_pg *st = (struct store_pg *)base;
	int exists = store_pg_table_exists(st, table);
	if (exists < 0)
		return NULL;
	struct pg_iter *it = pg_iter_new(st, kind, decode);
	if (!exists)
		return &it->base;
	snprintf(it->name, sizeof it->name, "sluice_cursor_%u", ++st->cursors);
	int hold = PQtransactionStatus(st->conn) == PQTRANS_IDLE;
	char *declare = xasprintf("DECLARE %s NO SCROLL CURSOR%s FOR %s", it->name,
	    hold ? " WITH HOLD" : "", sql);
	char idv[24], limitv[24];
	snprintf(idv, sizeof idv, "%lld", (long long)id);
	snprintf(limitv, sizeof limitv, "%u", limit);
	const char *p[] = { idv, limit > 0 ? limitv : NULL };
	int n = strstr(sql, "$2") != NULL ? 2 : 1;
	PGresult *res = store_pg_query(st, declare, n, p, NULL);
	free(declare);
	if (res == NULL) {
		it->name[0] = '\0';
		pg_iter_close(&it->base);
		return NULL;
	}
	PQclear(res);
	return &it->base;
}

enum store_status
store_pg_read_begin(struct store *base)
{
	struct store_pg *st = (struct store_pg *)base;
	enum store_status ss = store_pg_exec(st, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	st->reading = ss == STORE_OK;
	return ss;
}

void
store_pg_read_end(struct store *base)
{
	struct store_pg *st = (struct store_pg *)base;
	st->reading = 0;
	if (PQtransactionStatus(st->conn) != PQTRANS_IDLE)
		store_pg_exec(st, "COMMIT");
}

/* --- Imports ---------------------------------------------------------------- */

#define IMPORT_COLUMNS                                                                             \
	"SELECT id, source_path, source_size, source_sha256, source_format,"                       \
	" source_description, sheet, encoding, schema_name, schema_path, target_table,"            \
	" mapping, strategy, batch_size, region, dry_run, status, rows_done, bytes_done,"          \
	" total, created, updated, merged, unchanged, skipped, rejected, failed,"                  \
	" not_processed, started_at, finished_at, last_error, pid, host, user_name,"               \
	" rolled_back_at, rollback, invalid_values, on_key_conflict,"                              \
	" coalesce((to_jsonb(sluice_imports.*) ->> 'deleted')::bigint, 0),"                        \
	" coalesce((to_jsonb(sluice_imports.*) ->> 'restore_id')::bigint, 0),"                     \
	" to_jsonb(sluice_imports.*) ->> 'restore_members',"                                       \
	" to_jsonb(sluice_imports.*) ->> 'date_order',"                                            \
	" CASE WHEN finished_at IS NOT NULL THEN"                                                  \
	"  extract(epoch FROM finished_at::timestamptz - started_at::timestamptz)::float8 END"     \
	" FROM sluice_imports"

static void
decode_import(struct pg_iter *it)
{
	const PGresult *s = it->res;
	int i = it->at;
	struct import_row *r = &it->row.import;
	int c = 0;
	r->id = store_pg_int(s, i, c++);
	r->source_path = store_pg_text(s, i, c++);
	r->source_size = store_pg_int(s, i, c++);
	r->source_sha256 = store_pg_text(s, i, c++);
	r->source_format = store_pg_text(s, i, c++);
	r->source_description = store_pg_text(s, i, c++);
	r->sheet = store_pg_text(s, i, c++);
	r->encoding = store_pg_text(s, i, c++);
	r->schema_name = store_pg_text(s, i, c++);
	r->schema_path = store_pg_text(s, i, c++);
	r->target_table = store_pg_text(s, i, c++);
	r->mapping = store_pg_text(s, i, c++);
	r->strategy = store_pg_text(s, i, c++);
	r->batch_size = store_pg_int(s, i, c++);
	r->region = store_pg_text(s, i, c++);
	r->dry_run = (int)store_pg_int(s, i, c++);
	r->status = status_parse(store_pg_text(s, i, c++));
	r->rows_done = col_u64(s, i, c++);
	r->bytes_done = col_u64(s, i, c++);
	r->total = store_pg_int(s, i, c++);
	for (int o = 0; o < OUTCOME_DELETED; o++)
		r->n[o] = col_u64(s, i, c++);
	r->started_at = store_pg_text(s, i, c++);
	r->finished_at = store_pg_text(s, i, c++);
	r->last_error = store_pg_text(s, i, c++);
	r->pid = store_pg_int(s, i, c++);
	r->host = store_pg_text(s, i, c++);
	r->user_name = store_pg_text(s, i, c++);
	r->rolled_back_at = store_pg_text(s, i, c++);
	r->rollback = store_pg_text(s, i, c++);
	r->invalid_values = store_pg_text(s, i, c++);
	r->on_key_conflict = store_pg_text(s, i, c++);
	r->n[OUTCOME_DELETED] = col_u64(s, i, c++);
	r->restore_id = store_pg_int(s, i, c++);
	r->restore_members = store_pg_text(s, i, c++);
	r->date_order = store_pg_text(s, i, c++);
	r->duration_s = PQgetisnull(s, i, c) ? -1 : strtod(PQgetvalue(s, i, c), NULL);
}

int
store_pg_import_get(struct store *base, int64_t id, struct import_row *row)
{
	struct store_iter *it = pg_iter_open(base, STORE_ITER_IMPORTS, "sluice_imports",
	    IMPORT_COLUMNS " WHERE id = $1", id, 0, decode_import);
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
store_pg_imports(struct store *base, unsigned limit)
{
	return pg_iter_open(base, STORE_ITER_IMPORTS, "sluice_imports",
	    IMPORT_COLUMNS " WHERE $1::bigint IS NOT NULL ORDER BY id DESC LIMIT $2::bigint", 0,
	    limit, decode_import);
}

/* --- Errors ----------------------------------------------------------------- */

static void
decode_error(struct pg_iter *it)
{
	const PGresult *s = it->res;
	int i = it->at;
	struct error_row *r = &it->row.error;
	r->row_no = store_pg_int(s, i, 0);
	r->line_no = store_pg_int(s, i, 1);
	r->field = store_pg_text(s, i, 2);
	int t = record_error_type_parse(store_pg_text(s, i, 3));
	r->type = t >= 0 ? (enum error_type)t : ERROR_SYSTEM;
	r->message = store_pg_text(s, i, 4);
	r->value = store_pg_text(s, i, 5);
	r->dropped = (int)store_pg_int(s, i, 6) > 0;
}

struct store_iter *
store_pg_errors(struct store *base, int64_t id, unsigned limit)
{
	return pg_iter_open(base, STORE_ITER_ERRORS, "sluice_import_errors",
	    "SELECT row_no, line_no, field, type, message, value, dropped FROM sluice_import_errors"
	    " WHERE import_id = $1 ORDER BY row_no, id LIMIT $2::bigint",
	    id, limit, decode_error);
}

int
store_pg_error_counts(struct store *base, int64_t id, enum store_count_by by,
    struct name_count **out, size_t *n)
{
	struct store_pg *st = (struct store_pg *)base;
	*out = NULL;
	*n = 0;
	int exists = store_pg_table_exists(st, "sluice_import_errors");
	if (exists <= 0)
		return exists;
	char *sql = xasprintf("SELECT %s, count(*) FROM sluice_import_errors WHERE import_id = $1"
			      " GROUP BY 1 ORDER BY 2 DESC",
	    by == STORE_COUNT_BY_TYPE ? "type" :
		by == STORE_COUNT_BY_FIELD ?
					"coalesce(field, '(row)')" :
					"CASE WHEN dropped <> 0 THEN 'value_dropped' ELSE 'row' END");
	char idv[24];
	snprintf(idv, sizeof idv, "%lld", (long long)id);
	const char *p[] = { idv };
	PGresult *res = store_pg_query(st, sql, 1, p, NULL);
	free(sql);
	if (res == NULL)
		return -1;
	int rows = PQntuples(res);
	if (rows > 0)
		*out = xreallocarray(NULL, (size_t)rows, sizeof **out);
	for (int r = 0; r < rows; r++) {
		const char *k = store_pg_text(res, r, 0);
		(*out)[r].name = xstrdup(k ? k : "");
		(*out)[r].n = col_u64(res, r, 1);
	}
	*n = (size_t)rows;
	PQclear(res);
	return 0;
}

/* --- Batches and fixes -------------------------------------------------------- */

static void
decode_batch(struct pg_iter *it)
{
	const PGresult *s = it->res;
	int i = it->at;
	struct batch_row *r = &it->row.batch;
	r->batch_no = col_u64(s, i, 0);
	r->first_row = col_u64(s, i, 1);
	r->rows = col_u64(s, i, 2);
	for (int o = 0; o < OUTCOME_NOT_PROCESSED; o++)
		r->n[o] = col_u64(s, i, 3 + o);
	r->attempts = (unsigned)col_u64(s, i, 10);
	r->duration_ms = col_u64(s, i, 11);
	r->status = store_pg_text(s, i, 12);
}

struct store_iter *
store_pg_batches(struct store *base, int64_t id)
{
	return pg_iter_open(base, STORE_ITER_BATCHES, "sluice_import_batches",
	    "SELECT batch_no, first_row, rows, created, updated, merged,"
	    " unchanged, skipped, rejected, failed, attempts, duration_ms, status"
	    " FROM sluice_import_batches WHERE import_id = $1 ORDER BY batch_no",
	    id, 0, decode_batch);
}

static void
decode_fix(struct pg_iter *it)
{
	const PGresult *s = it->res;
	int i = it->at;
	struct fix_row *r = &it->row.fix;
	r->row_no = col_u64(s, i, 0);
	r->column_no = col_u64(s, i, 1);
	r->header = store_pg_text(s, i, 2);
	r->original = store_pg_text(s, i, 3);
	r->value = store_pg_text(s, i, 4);
}

struct store_iter *
store_pg_fixes(struct store *base, int64_t id)
{
	return pg_iter_open(base, STORE_ITER_FIXES, "sluice_import_fixes",
	    "SELECT row_no, column_no, header, original, value FROM sluice_import_fixes"
	    " WHERE import_id = $1 ORDER BY row_no, column_no",
	    id, 0, decode_fix);
}

/* --- Rejected rows ------------------------------------------------------------ */

static void
decode_reject(struct pg_iter *it)
{
	const PGresult *s = it->res;
	int i = it->at;
	struct reject_row *r = &it->row.reject;
	r->row_no = store_pg_int(s, i, 0);
	r->line_no = store_pg_int(s, i, 1);
	int o = outcome_parse(store_pg_text(s, i, 2));
	r->outcome = o >= 0 ? (enum outcome)o : OUTCOME_FAILED;
	store_cells_read(store_pg_text(s, i, 3), &it->cells, r, &it->cells_alloc);
}

struct store_iter *
store_pg_rejects(struct store *base, int64_t id)
{
	return pg_iter_open(base, STORE_ITER_REJECTS, "sluice_import_rejects",
	    "SELECT row_no, line_no, outcome, cells FROM sluice_import_rejects"
	    " WHERE import_id = $1 ORDER BY row_no",
	    id, 0, decode_reject);
}

int
store_pg_reject_width(struct store *base, int64_t id, size_t *width)
{
	struct store_pg *st = (struct store_pg *)base;
	*width = 0;
	int exists = store_pg_table_exists(st, "sluice_import_rejects");
	if (exists <= 0)
		return exists;
	char idv[24];
	snprintf(idv, sizeof idv, "%lld", (long long)id);
	const char *p[] = { idv };
	PGresult *res = store_pg_query(st,
	    "SELECT max(json_array_length(cells::json))"
	    " FROM sluice_import_rejects WHERE import_id = $1",
	    1, p, NULL);
	if (res == NULL)
		return -1;
	int64_t w = store_pg_int(res, 0, 0);
	*width = w > 0 ? (size_t)w : 0;
	PQclear(res);
	return 0;
}

/* --- Changes ------------------------------------------------------------------ */

static void
decode_change(struct pg_iter *it)
{
	const PGresult *s = it->res;
	int i = it->at;
	struct change_row *r = &it->row.change;
	r->record_id = store_pg_int(s, i, 0);
	r->outcome = store_action_parse(store_pg_text(s, i, 1));
	r->before = store_pg_text(s, i, 2);
	r->after_hash = PQgetisnull(s, i, 3) ? 0 : (uint64_t)strtoll(PQgetvalue(s, i, 3), NULL, 10);
}

struct store_iter *
store_pg_changes(struct store *base, int64_t id, enum store_changes_order order)
{
	return pg_iter_open(base, STORE_ITER_CHANGES, "sluice_import_changes",
	    order == STORE_CHANGES_BY_RECORD ?
		"SELECT record_id, action, before, after_hash FROM sluice_import_changes"
		" WHERE import_id = $1 ORDER BY record_id, id DESC" :
		"SELECT record_id, action, before, after_hash FROM sluice_import_changes"
		" WHERE import_id = $1 ORDER BY id DESC",
	    id, 0, decode_change);
}

void
store_pg_exists_forget(struct store_pg *st)
{
	for (size_t i = 0; i < st->nexists; i++) {
		free(st->exists[i].table);
		free(st->exists[i].column);
	}
	free(st->exists);
	st->exists = NULL;
	st->nexists = 0;
}

/* Whether value is an integer a bigint holds (digits, a sign, at most 18
 * of them). */
static int
exists_is_integer(const char *v)
{
	size_t n = 0;
	if (*v == '-' || *v == '+')
		v++;
	for (; v[n] >= '0' && v[n] <= '9'; n++)
		;
	return n > 0 && n <= 18 && v[n] == '\0';
}

enum store_status
store_pg_exists(struct store *base, const char *table, const char *column, const char *value,
    int *found)
{
	struct store_pg *st = (struct store_pg *)base;
	enum store_status ss = STORE_OK;
	/* Asked once a row of a restore's child table: each table and column
	 * gets its statement, prepared once on the connection. */
	size_t k;
	for (k = 0; k < st->nexists; k++)
		if (!strcmp(st->exists[k].table, table) && !strcmp(st->exists[k].column, column))
			break;
	if (k == st->nexists) {
		const char *p[] = { table, column };
		PGresult *res = store_pg_query(st,
		    "SELECT data_type FROM information_schema.columns WHERE table_schema ="
		    " current_schema() AND table_name = $1 AND column_name = $2",
		    2, p, &ss);
		if (res == NULL)
			return ss;
		const char *type = PQntuples(res) > 0 ? PQgetvalue(res, 0, 0) : "";
		int integer = !strcmp(type, "bigint") || !strcmp(type, "integer") ||
		    !strcmp(type, "smallint");
		int text = !strcmp(type, "text") || !strcmp(type, "character varying");
		PQclear(res);
		/* table and column are a schema's identifiers, checked when it
		 * was loaded; the value is a parameter. An integer column is
		 * compared as bigint and a text one as it is (each through its
		 * index); any other as text, so that any value can be asked. */
		char name[32];
		snprintf(name, sizeof name, "s_exists%zu", k);
		char *sql = xasprintf("SELECT 1 FROM \"%s\" WHERE \"%s\"%s = $1%s LIMIT 1", table,
		    column, integer || text ? "" : "::text", integer ? "::bigint" : "");
		ss = store_pg_prepare_stmt(st, name, sql);
		free(sql);
		if (ss != STORE_OK)
			return ss;
		st->exists = xreallocarray(st->exists, st->nexists + 1, sizeof *st->exists);
		st->exists[st->nexists++] =
		    (struct store_pg_exists){ xstrdup(table), xstrdup(column), integer, text };
	}
	/* A value no bigint holds is no integer column's. */
	if (st->exists[k].integer && !exists_is_integer(value)) {
		*found = 0;
		return STORE_OK;
	}
	char name[32];
	snprintf(name, sizeof name, "s_exists%zu", k);
	PGresult *res = store_pg_run(st, name, 1, &value, &ss);
	if (res == NULL)
		return ss;
	*found = PQntuples(res) > 0;
	PQclear(res);
	return STORE_OK;
}
