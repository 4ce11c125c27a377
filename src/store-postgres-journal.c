/* The journal's writes in PostgreSQL: the sluice_* tables (imports, their
 * errors, rejected rows, changes, batches, fixes, notices, remembered
 * mappings) in
 * the target database, written on the store's connection in the same
 * transactions as the rows. A batch's errors and changes each go in with
 * one COPY, its rejected rows in one statement (arrays unnested on the
 * server). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store-postgres.h"
#include "xmalloc.h"

static const char journal_schema[] =
    "CREATE TABLE IF NOT EXISTS sluice_imports ("
    " id bigserial PRIMARY KEY,"
    " source_path text NOT NULL, source_size bigint, source_sha256 text,"
    " source_format text, source_description text, sheet text, encoding text,"
    " schema_name text NOT NULL, schema_path text, target_table text NOT NULL,"
    " mapping text,"
    " strategy text NOT NULL, batch_size bigint, region text,"
    " dry_run integer NOT NULL DEFAULT 0,"
    " status text NOT NULL, rows_done bigint NOT NULL DEFAULT 0,"
    " bytes_done bigint NOT NULL DEFAULT 0, total bigint,"
    " created bigint NOT NULL DEFAULT 0, updated bigint NOT NULL DEFAULT 0,"
    " merged bigint NOT NULL DEFAULT 0, unchanged bigint NOT NULL DEFAULT 0,"
    " skipped bigint NOT NULL DEFAULT 0, rejected bigint NOT NULL DEFAULT 0,"
    " failed bigint NOT NULL DEFAULT 0, not_processed bigint NOT NULL DEFAULT 0,"
    " started_at text NOT NULL, finished_at text, last_error text,"
    " pid bigint, host text, user_name text, rolled_back_at text, rollback text,"
    " invalid_values text, on_key_conflict text, deleted bigint NOT NULL DEFAULT 0,"
    " restore_id bigint, restore_members text, date_order text);"
    "ALTER TABLE sluice_imports ADD COLUMN IF NOT EXISTS deleted bigint NOT NULL DEFAULT 0;"
    "ALTER TABLE sluice_imports ADD COLUMN IF NOT EXISTS restore_id bigint;"
    "ALTER TABLE sluice_imports ADD COLUMN IF NOT EXISTS restore_members text;"
    "ALTER TABLE sluice_imports ADD COLUMN IF NOT EXISTS date_order text;"
    "CREATE TABLE IF NOT EXISTS sluice_import_errors ("
    " id bigserial PRIMARY KEY, import_id bigint NOT NULL, row_no bigint,"
    " line_no bigint, field text, type text NOT NULL, message text NOT NULL,"
    " value text, dropped integer NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS sluice_import_errors_import"
    " ON sluice_import_errors(import_id, row_no);"
    "CREATE TABLE IF NOT EXISTS sluice_import_rejects ("
    " import_id bigint NOT NULL, row_no bigint NOT NULL, line_no bigint,"
    " outcome text NOT NULL, cells text NOT NULL,"
    " PRIMARY KEY (import_id, row_no));"
    "CREATE TABLE IF NOT EXISTS sluice_import_changes ("
    " id bigserial PRIMARY KEY, import_id bigint NOT NULL, batch_no bigint,"
    " row_no bigint, record_id bigint NOT NULL, action text NOT NULL,"
    " before text, after_hash bigint);"
    "CREATE INDEX IF NOT EXISTS sluice_import_changes_import"
    " ON sluice_import_changes(import_id, record_id, id);"
    "CREATE TABLE IF NOT EXISTS sluice_import_batches ("
    " import_id bigint NOT NULL, batch_no bigint NOT NULL,"
    " first_row bigint, rows bigint, created bigint, updated bigint,"
    " merged bigint, unchanged bigint, skipped bigint, rejected bigint,"
    " failed bigint, attempts bigint, duration_ms bigint, status text,"
    " PRIMARY KEY (import_id, batch_no));"
    "CREATE TABLE IF NOT EXISTS sluice_import_fixes ("
    " import_id bigint NOT NULL, row_no bigint NOT NULL, column_no bigint NOT NULL,"
    " header text, original text, value text NOT NULL,"
    " PRIMARY KEY (import_id, row_no, column_no));"
    "CREATE TABLE IF NOT EXISTS sluice_import_seen ("
    " import_id bigint NOT NULL, record_id bigint NOT NULL,"
    " PRIMARY KEY (import_id, record_id));"
    "CREATE TABLE IF NOT EXISTS sluice_mappings ("
    " fingerprint text NOT NULL, schema_name text NOT NULL, mapping text NOT NULL,"
    " saved_at text NOT NULL, PRIMARY KEY (fingerprint, schema_name));"
    "CREATE TABLE IF NOT EXISTS sluice_import_notices ("
    " import_id bigint NOT NULL, end_key text NOT NULL, outcomes text NOT NULL,"
    " sent_at text NOT NULL, PRIMARY KEY (import_id, end_key));";

static const struct {
	const char *name, *sql;
} journal_statements[] = {
	{ "j_reject",
	    "INSERT INTO sluice_import_rejects (import_id, row_no, line_no, outcome,"
	    " cells) SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[])"
	    " ON CONFLICT (import_id, row_no) DO UPDATE SET line_no = EXCLUDED.line_no,"
	    " outcome = EXCLUDED.outcome, cells = EXCLUDED.cells" },
	{ "j_batch",
	    "INSERT INTO sluice_import_batches (import_id, batch_no, first_row, rows,"
	    " created, updated, merged, unchanged, skipped, rejected, failed, attempts,"
	    " duration_ms, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
	    " $13, $14) ON CONFLICT (import_id, batch_no) DO UPDATE SET"
	    " first_row = EXCLUDED.first_row, rows = EXCLUDED.rows, created = EXCLUDED.created,"
	    " updated = EXCLUDED.updated, merged = EXCLUDED.merged,"
	    " unchanged = EXCLUDED.unchanged, skipped = EXCLUDED.skipped,"
	    " rejected = EXCLUDED.rejected, failed = EXCLUDED.failed,"
	    " attempts = EXCLUDED.attempts, duration_ms = EXCLUDED.duration_ms,"
	    " status = EXCLUDED.status" },
	{ "j_progress",
	    "UPDATE sluice_imports SET rows_done = $2, bytes_done = $15,"
	    " total = coalesce($3, total), created = $4, updated = $5, merged = $6,"
	    " unchanged = $7, skipped = $8, rejected = $9, failed = $10,"
	    " not_processed = $11, deleted = $16, status = $12,"
	    " last_error = coalesce($13, last_error),"
	    " finished_at = CASE WHEN $14::boolean THEN " STORE_PG_NOW " ELSE finished_at END"
	    " WHERE id = $1" },
};

enum store_status
store_pg_journal_prepare(struct store *base)
{
	struct store_pg *st = (struct store_pg *)base;
	if (st->journal)
		return STORE_OK;
	/* Once the tables are there, no DDL: CREATE … IF NOT EXISTS would
	 * wait for the locks of imports writing their batches. */
	enum store_status ss = STORE_OK;
	PGresult *res = store_pg_query(st,
	    "SELECT (SELECT count(*) FROM pg_tables"
	    " WHERE schemaname = current_schema() AND tablename IN ('sluice_imports',"
	    " 'sluice_import_errors', 'sluice_import_rejects', 'sluice_import_changes',"
	    " 'sluice_import_batches', 'sluice_import_fixes', 'sluice_import_seen',"
	    " 'sluice_mappings', 'sluice_import_notices')) + (SELECT count(*) FROM"
	    " information_schema.columns WHERE table_schema = current_schema() AND"
	    " table_name = 'sluice_imports' AND column_name IN ('deleted', 'restore_id',"
	    " 'restore_members', 'date_order'))",
	    0, NULL, &ss);
	if (res == NULL)
		return ss;
	int complete = store_pg_int(res, 0, 0) == 13;
	PQclear(res);
	if (!complete) {
		/* Two importers creating the journal take turns. */
		int own = PQtransactionStatus(st->conn) == PQTRANS_IDLE;
		if (own)
			ss = store_pg_exec(st, "BEGIN");
		if (ss == STORE_OK)
			ss = store_pg_exec(st,
			    "SELECT pg_advisory_xact_lock(hashtext('sluice journal'))");
		if (ss == STORE_OK)
			ss = store_pg_exec(st, journal_schema);
		if (own)
			ss = ss == STORE_OK ? store_pg_exec(st, "COMMIT") :
					      (store_pg_exec(st, "ROLLBACK"), ss);
	}
	for (size_t i = 0;
	     i < sizeof journal_statements / sizeof *journal_statements && ss == STORE_OK; i++)
		ss = store_pg_prepare_stmt(st, journal_statements[i].name, journal_statements[i].sql);
	if (ss == STORE_OK)
		st->journal = 1;
	return ss;
}

/* Runs a statement prepared under name, or sql once, for its status. */
static enum store_status
journal_run(struct store_pg *st, const char *name, const char *sql, int n, const char *const *params)
{
	enum store_status ss = STORE_OK;
	PGresult *res =
	    name ? store_pg_run(st, name, n, params, &ss) : store_pg_query(st, sql, n, params, &ss);
	PQclear(res);
	return ss;
}

/* Decimal text of integers, for parameters. */
struct journal_nums {
	char v[16][24];
};

static const char *
journal_num(struct journal_nums *nums, int i, int64_t v)
{
	snprintf(nums->v[i], sizeof nums->v[i], "%" PRId64, v);
	return nums->v[i];
}

enum store_status
store_pg_import_start(struct store *base, const struct import_info *info, int64_t *id)
{
	struct store_pg *st = (struct store_pg *)base;
	struct journal_nums nums;
	enum store_status ss = STORE_OK;
	/* A restore's first import (restore_id -1) is the restore: its id is
	 * taken first so that its row can carry it. */
	int64_t own = 0;
	if (info->restore_id < 0) {
		PGresult *r = store_pg_query(st,
		    "SELECT nextval(pg_get_serial_sequence('sluice_imports', 'id'))", 0, NULL, &ss);
		if (r == NULL)
			return ss;
		own = store_pg_int(r, 0, 0);
		PQclear(r);
	}
	const char *p[] = {
		info->source_path,
		journal_num(&nums, 0, (int64_t)info->source_size),
		info->source_format,
		info->source_description,
		info->schema_name,
		info->target_table,
		info->mapping_json,
		info->strategy,
		journal_num(&nums, 1, (int64_t)info->batch_size),
		info->region,
		journal_num(&nums, 2, info->dry_run),
		journal_num(&nums, 3, info->pid),
		info->host,
		info->user_name,
		info->source_sha256,
		info->sheet,
		info->encoding,
		info->schema_path,
		status_name(STATUS_RUNNING),
		info->invalid_values,
		info->on_key_conflict,
		journal_num(&nums, 4, own ? own : info->restore_id),
		info->restore_members,
		own ? nums.v[4] : NULL,
		info->date_order,
	};
	PGresult *res = store_pg_query(st,
	    "INSERT INTO sluice_imports (id, source_path, source_size, source_format,"
	    " source_description, schema_name, target_table, mapping, strategy,"
	    " batch_size, region, dry_run, status, started_at, pid, host, user_name,"
	    " source_sha256, sheet, encoding, schema_path, invalid_values, on_key_conflict,"
	    " restore_id, restore_members, date_order)"
	    " VALUES (coalesce($24::bigint, nextval(pg_get_serial_sequence('sluice_imports', 'id'))),"
	    " $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $19, " STORE_PG_NOW ","
	    " $12, $13, $14, $15, $16, $17, $18, $20, $21, nullif($22::bigint, 0), $23, $25) RETURNING id",
	    (int)(sizeof p / sizeof *p), p, &ss);
	if (res == NULL)
		return ss;
	*id = store_pg_int(res, 0, 0);
	PQclear(res);
	return STORE_OK;
}

static void
journal_int_element(struct pg_buf *b, int64_t v)
{
	char num[24];
	snprintf(num, sizeof num, "%" PRId64, v);
	pg_buf_element(b, num);
}

/* Appends integer v to a COPY row. */
static void
journal_copy_int(struct pg_buf *b, int64_t v, int last)
{
	char num[24];
	snprintf(num, sizeof num, "%" PRId64, v);
	pg_buf_copy_field(b, num, last);
}

enum store_status
store_pg_journal_rows(struct store *base, int64_t id, uint64_t batch_no,
    const struct record *records, size_t n)
{
	struct store_pg *st = (struct store_pg *)base;
	/* The errors and the changes (one a record written: the most rows
	 * of the journal) go in with COPY, cheaper for the server than an
	 * INSERT from arrays; the rejected rows, which may replace the
	 * rows of an earlier attempt, as an upsert from arrays. */
	struct pg_buf e = { 0 }, rj[4] = { 0 }, ch = { 0 };
	size_t nrejects = 0;
	for (size_t i = 0; i < n; i++) {
		const struct record *r = &records[i];
		for (size_t k = 0; k < r->nerrors; k++) {
			const struct row_error *err = &r->errors[k];
			journal_copy_int(&e, id, 0);
			journal_copy_int(&e, (int64_t)r->row_no, 0);
			journal_copy_int(&e, (int64_t)r->line_no, 0);
			pg_buf_copy_field(&e, err->field_name, 0);
			pg_buf_copy_field(&e, record_error_type_name(err->type), 0);
			pg_buf_copy_field(&e, err->message, 0);
			pg_buf_copy_field(&e, err->value, 0);
			pg_buf_copy_field(&e, err->dropped ? "1" : "0", 1);
		}
		switch (r->outcome) {
		case OUTCOME_REJECTED:
		case OUTCOME_FAILED: {
			char *cells = store_cells_json(r);
			journal_int_element(&rj[0], (int64_t)r->row_no);
			journal_int_element(&rj[1], (int64_t)r->line_no);
			pg_buf_element(&rj[2], outcome_name(r->outcome));
			pg_buf_element(&rj[3], cells);
			free(cells);
			nrejects++;
			break;
		}
		case OUTCOME_CREATED:
		case OUTCOME_UPDATED:
		case OUTCOME_MERGED:
		case OUTCOME_DELETED:
			journal_copy_int(&ch, id, 0);
			journal_copy_int(&ch, (int64_t)batch_no, 0);
			journal_copy_int(&ch, (int64_t)r->row_no, 0);
			journal_copy_int(&ch, r->record_id, 0);
			pg_buf_copy_field(&ch, store_action_name(r->outcome), 0);
			pg_buf_copy_field(&ch, r->before, 0);
			journal_copy_int(&ch, (int64_t)r->after_hash, 1);
			break;
		default: break;
		}
	}
	struct journal_nums nums;
	const char *p[5];
	p[0] = journal_num(&nums, 0, id);
	enum store_status ss = STORE_OK;
	if (e.len > 0)
		ss = store_pg_copy(st,
		    "COPY sluice_import_errors (import_id, row_no, line_no, field, type,"
		    " message, value, dropped) FROM STDIN",
		    e.s, e.len);
	if (ss == STORE_OK && nrejects > 0) {
		for (int c = 0; c < 4; c++) {
			pg_buf_array_end(&rj[c]);
			p[c + 1] = rj[c].s;
		}
		ss = journal_run(st, "j_reject", NULL, 5, p);
	}
	if (ss == STORE_OK && ch.len > 0)
		ss = store_pg_copy(st,
		    "COPY sluice_import_changes (import_id, batch_no, row_no, record_id,"
		    " action, before, after_hash) FROM STDIN",
		    ch.s, ch.len);
	pg_buf_free(&e);
	for (int c = 0; c < 4; c++)
		pg_buf_free(&rj[c]);
	pg_buf_free(&ch);
	return ss;
}

enum store_status
store_pg_journal_seen(struct store *base, int64_t id, const struct record *records, size_t n)
{
	struct pg_buf ids = { 0 };
	size_t nids = 0;
	for (size_t i = 0; i < n; i++)
		if (records[i].record_id > 0) {
			journal_int_element(&ids, records[i].record_id);
			nids++;
		}
	enum store_status ss = STORE_OK;
	if (nids > 0) {
		struct journal_nums nums;
		pg_buf_array_end(&ids);
		const char *p[] = { journal_num(&nums, 0, id), ids.s };
		ss = journal_run((struct store_pg *)base, NULL,
		    "INSERT INTO sluice_import_seen (import_id, record_id)"
		    " SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING",
		    2, p);
	}
	pg_buf_free(&ids);
	return ss;
}

enum store_status
store_pg_seen_clear(struct store *base, int64_t id)
{
	struct journal_nums nums;
	const char *p[] = { journal_num(&nums, 0, id) };
	return journal_run((struct store_pg *)base, NULL,
	    "DELETE FROM sluice_import_seen WHERE import_id = $1", 1, p);
}

enum store_status
store_pg_journal_batch(struct store *base, int64_t id, const struct batch_row *b)
{
	struct journal_nums nums;
	const char *p[14];
	p[0] = journal_num(&nums, 0, id);
	p[1] = journal_num(&nums, 1, (int64_t)b->batch_no);
	p[2] = journal_num(&nums, 2, (int64_t)b->first_row);
	p[3] = journal_num(&nums, 3, (int64_t)b->rows);
	for (int o = OUTCOME_CREATED; o <= OUTCOME_FAILED; o++)
		p[4 + o] = journal_num(&nums, 4 + o, (int64_t)b->n[o]);
	p[11] = journal_num(&nums, 11, (int64_t)b->attempts);
	p[12] = journal_num(&nums, 12, (int64_t)b->duration_ms);
	p[13] = b->status;
	return journal_run((struct store_pg *)base, "j_batch", NULL, 14, p);
}

enum store_status
store_pg_journal_progress(struct store *base, int64_t id, uint64_t rows_done, uint64_t bytes_done,
    uint64_t total, const uint64_t *counts, enum import_status status, const char *last_error,
    int finished)
{
	struct journal_nums nums;
	const char *p[16];
	p[0] = journal_num(&nums, 0, id);
	p[1] = journal_num(&nums, 1, (int64_t)rows_done);
	p[2] = total > 0 ? journal_num(&nums, 2, (int64_t)total) : NULL;
	for (int o = 0; o < OUTCOME_DELETED; o++)
		p[3 + o] = journal_num(&nums, 3 + o, (int64_t)counts[o]);
	p[15] = journal_num(&nums, 13, (int64_t)counts[OUTCOME_DELETED]);
	p[11] = status_name(status);
	p[12] = last_error;
	p[13] = finished ? "true" : "false";
	p[14] = journal_num(&nums, 12, (int64_t)bytes_done);
	return journal_run((struct store_pg *)base, "j_progress", NULL, 16, p);
}

/* Runs an update of one import: STORE_ROW when it changed nothing. */
static enum store_status
journal_update_one(struct store_pg *st, const char *sql, int n, const char *const *p)
{
	enum store_status ss = STORE_OK;
	PGresult *res = store_pg_query(st, sql, n, p, &ss);
	if (res == NULL)
		return ss;
	ss = !strcmp(PQcmdTuples(res), "1") ? STORE_OK : STORE_ROW;
	PQclear(res);
	return ss;
}

enum store_status
store_pg_claim(struct store *base, int64_t id, enum import_status from, int64_t pid, const char *host)
{
	struct journal_nums nums;
	const char *p[] = {
		journal_num(&nums, 0, id),
		status_name(from),
		journal_num(&nums, 1, pid),
		host,
		status_name(STATUS_RUNNING),
	};
	return journal_update_one((struct store_pg *)base,
	    "UPDATE sluice_imports SET status = $5, pid = $3, host = $4,"
	    " finished_at = NULL, not_processed = 0 WHERE id = $1 AND status = $2",
	    5, p);
}

enum store_status
store_pg_settle(struct store *base, int64_t id, enum import_status from, enum import_status to,
    const char *last_error)
{
	struct journal_nums nums;
	const char *p[] = {
		journal_num(&nums, 0, id),
		status_name(from),
		last_error,
		status_name(to),
	};
	return journal_update_one((struct store_pg *)base,
	    "UPDATE sluice_imports SET status = $4,"
	    " last_error = coalesce(last_error, $3) WHERE id = $1 AND status = $2",
	    4, p);
}

uint64_t
store_pg_last_batch(struct store *base, int64_t id)
{
	struct journal_nums nums;
	const char *p[] = { journal_num(&nums, 0, id) };
	PGresult *res = store_pg_query((struct store_pg *)base,
	    "SELECT max(batch_no)"
	    " FROM sluice_import_batches WHERE import_id = $1",
	    1, p, NULL);
	if (res == NULL)
		return 0;
	int64_t n = store_pg_int(res, 0, 0);
	PQclear(res);
	return n > 0 ? (uint64_t)n : 0;
}

enum store_status
store_pg_journal_fixes(struct store *base, int64_t id, const struct engine_fix *fixes, size_t n,
    const char *const *headers, size_t nheaders)
{
	struct store_pg *st = (struct store_pg *)base;
	enum store_status ss = STORE_OK;
	for (size_t i = 0; i < n && ss == STORE_OK; i++) {
		struct journal_nums nums;
		const char *p[] = {
			journal_num(&nums, 0, id),
			journal_num(&nums, 1, (int64_t)fixes[i].row),
			journal_num(&nums, 2, (int64_t)fixes[i].column),
			fixes[i].column < nheaders ? headers[fixes[i].column] : NULL,
			fixes[i].original,
			fixes[i].value,
		};
		ss = journal_run(st, NULL,
		    "INSERT INTO sluice_import_fixes"
		    " (import_id, row_no, column_no, header, original, value)"
		    " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (import_id, row_no, column_no)"
		    " DO UPDATE SET header = EXCLUDED.header, original = EXCLUDED.original,"
		    " value = EXCLUDED.value",
		    6, p);
	}
	return ss;
}

enum store_status
store_pg_mapping_save(struct store *base, const char *fingerprint, const char *schema,
    const char *mapping_json)
{
	const char *p[] = { fingerprint, schema, mapping_json };
	return journal_run((struct store_pg *)base, NULL,
	    "INSERT INTO sluice_mappings"
	    " (fingerprint, schema_name, mapping, saved_at) VALUES ($1, $2, $3, " STORE_PG_NOW ")"
	    " ON CONFLICT (fingerprint, schema_name) DO UPDATE SET mapping = EXCLUDED.mapping,"
	    " saved_at = EXCLUDED.saved_at",
	    3, p);
}

char *
store_pg_mapping_load(struct store *base, const char *fingerprint, const char *schema)
{
	struct store_pg *st = (struct store_pg *)base;
	if (store_pg_table_exists(st, "sluice_mappings") != 1)
		return NULL;
	const char *p[] = { fingerprint, schema };
	PGresult *res = store_pg_query(st,
	    "SELECT mapping FROM sluice_mappings"
	    " WHERE fingerprint = $1 AND schema_name = $2",
	    2, p, NULL);
	if (res == NULL)
		return NULL;
	char *out =
	    PQntuples(res) > 0 && !PQgetisnull(res, 0, 0) ? xstrdup(PQgetvalue(res, 0, 0)) : NULL;
	PQclear(res);
	return out;
}

enum store_status
store_pg_notice_claim(struct store *base, int64_t id, const char *end)
{
	struct journal_nums nums;
	const char *p[] = { journal_num(&nums, 0, id), end };
	return journal_update_one((struct store_pg *)base,
	    "INSERT INTO sluice_import_notices (import_id, end_key, outcomes, sent_at)"
	    " VALUES ($1, $2, '[]', " STORE_PG_NOW ") ON CONFLICT (import_id, end_key) DO NOTHING",
	    2, p);
}

enum store_status
store_pg_notice_save(struct store *base, int64_t id, const char *end, const char *outcomes_json)
{
	struct journal_nums nums;
	const char *p[] = { journal_num(&nums, 0, id), end, outcomes_json };
	return journal_run((struct store_pg *)base, NULL,
	    "INSERT INTO sluice_import_notices (import_id, end_key, outcomes, sent_at)"
	    " VALUES ($1, $2, $3, " STORE_PG_NOW ") ON CONFLICT (import_id, end_key)"
	    " DO UPDATE SET outcomes = EXCLUDED.outcomes, sent_at = EXCLUDED.sent_at",
	    3, p);
}

int
store_pg_notices(struct store *base, int64_t id, char ***outcomes_json, size_t *n)
{
	struct store_pg *st = (struct store_pg *)base;
	struct journal_nums nums;
	*outcomes_json = NULL;
	*n = 0;
	int exists = store_pg_table_exists(st, "sluice_import_notices");
	if (exists != 1)
		return exists == 0 ? 0 : -1;
	const char *p[] = { journal_num(&nums, 0, id) };
	PGresult *res = store_pg_query(st,
	    "SELECT outcomes FROM sluice_import_notices WHERE import_id = $1 ORDER BY sent_at", 1,
	    p, NULL);
	if (res == NULL)
		return -1;
	int rows = PQntuples(res);
	*outcomes_json = xcalloc(rows ? (size_t)rows : 1, sizeof **outcomes_json);
	for (int i = 0; i < rows; i++)
		(*outcomes_json)[(*n)++] = xstrdup(PQgetvalue(res, i, 0));
	PQclear(res);
	return 0;
}
