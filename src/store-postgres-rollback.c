/* Putting records back in PostgreSQL, for a rollback: loading a record of
 * the schema's table, deleting one, restoring one from its before-image
 * (upsert_result.before), and marking the import rolled back. */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "store-postgres.h"
#include "xmalloc.h"

void
store_pg_records_finalize(struct store_pg *st)
{
	PQclear(st->rb_row);
	st->rb_row = NULL;
	if (st->rb_prepared && PQstatus(st->conn) == CONNECTION_OK)
		store_pg_exec(st,
		    "DEALLOCATE rb_load; DEALLOCATE rb_del; DEALLOCATE rb_update;"
		    " DEALLOCATE rb_insert");
	st->rb_prepared = 0;
	free(st->rb_values);
	st->rb_values = NULL;
	st->rb_schema = NULL;
}

enum store_status
store_pg_records_prepare(struct store *base, const struct schema *s)
{
	struct store_pg *st = (struct store_pg *)base;
	store_pg_records_finalize(st);
	char *table = store_pg_ident(st, s->table);
	struct pg_buf cols = { 0 }, sets = { 0 }, load = { 0 }, upd = { 0 }, ins = { 0 };
	for (size_t f = 0; f < s->nfields; f++) {
		char *col = store_pg_ident(st, s->fields[f].name);
		pg_buf_printf(&cols, "%s, ", col);
		pg_buf_printf(&sets, "%s = $%zu, ", col, f + 1);
		free(col);
	}
	const char *c = cols.s ? cols.s : "", *set = sets.s ? sets.s : "";
	pg_buf_printf(&load, "SELECT %simported_from FROM %s WHERE id = $1", c, table);
	pg_buf_printf(&upd, "UPDATE %s SET %simported_from = $%zu WHERE id = $%zu", table, set,
	    s->nfields + 1, s->nfields + 2);
	pg_buf_printf(&ins, "INSERT INTO %s (%simported_from, id) VALUES (", table, c);
	for (size_t f = 0; f < s->nfields + 2; f++)
		pg_buf_printf(&ins, "%s$%zu", f ? ", " : "", f + 1);
	pg_buf_printf(&ins, ")");
	char *del = xasprintf("DELETE FROM %s WHERE id = $1", table);
	/* The rollback is the table's one writer while it runs; a reader
	 * (an export, in its read snapshot) takes no lock. */
	char *lock = xasprintf("LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE", table);
	enum store_status ss = st->reading ? STORE_OK : store_pg_exec(st, lock);
	if (ss == STORE_OK)
		ss = store_pg_prepare_stmt(st, "rb_load", load.s);
	if (ss == STORE_OK)
		ss = store_pg_prepare_stmt(st, "rb_del", del);
	if (ss == STORE_OK)
		ss = store_pg_prepare_stmt(st, "rb_update", upd.s);
	if (ss == STORE_OK)
		ss = store_pg_prepare_stmt(st, "rb_insert", ins.s);
	free(lock);
	free(del);
	free(table);
	pg_buf_free(&cols);
	pg_buf_free(&sets);
	pg_buf_free(&load);
	pg_buf_free(&upd);
	pg_buf_free(&ins);
	st->rb_schema = s;
	st->rb_values = xcalloc(s->nfields, sizeof *st->rb_values);
	st->rb_prepared = 1;
	return ss;
}

int
store_pg_record_load(struct store *base, int64_t record_id, const char *const **values,
    int64_t *imported_from)
{
	struct store_pg *st = (struct store_pg *)base;
	size_t n = st->rb_schema->nfields;
	char idv[24];
	snprintf(idv, sizeof idv, "%lld", (long long)record_id);
	const char *p[] = { idv };
	PQclear(st->rb_row);
	st->rb_row = store_pg_run(st, "rb_load", 1, p, NULL);
	if (st->rb_row == NULL)
		return -1;
	if (PQntuples(st->rb_row) == 0)
		return 0;
	for (size_t f = 0; f < n; f++)
		st->rb_values[f] = store_pg_text(st->rb_row, 0, (int)f);
	*imported_from = store_pg_int(st->rb_row, 0, (int)n);
	*values = st->rb_values;
	return 1;
}

enum store_status
store_pg_record_delete(struct store *base, int64_t record_id, int *done)
{
	struct store_pg *st = (struct store_pg *)base;
	char idv[24];
	snprintf(idv, sizeof idv, "%lld", (long long)record_id);
	const char *p[] = { idv };
	enum store_status ss = STORE_OK;
	PGresult *res = store_pg_run(st, "rb_del", 1, p, &ss);
	if (res == NULL)
		return ss;
	*done = strcmp(PQcmdTuples(res), "0") != 0;
	PQclear(res);
	return STORE_OK;
}

enum store_status
store_pg_records_unseen(struct store *base, int64_t id, size_t limit, int64_t *ids, size_t *n)
{
	struct store_pg *st = (struct store_pg *)base;
	char *table = store_pg_ident(st, st->rb_schema->table);
	char *sql = xasprintf("SELECT id FROM %s t WHERE NOT EXISTS (SELECT 1 FROM"
			      " sluice_import_seen s WHERE s.import_id = $1 AND s.record_id = t.id)"
			      " ORDER BY id LIMIT $2",
	    table);
	char idv[24], lim[24];
	snprintf(idv, sizeof idv, "%lld", (long long)id);
	snprintf(lim, sizeof lim, "%zu", limit);
	const char *p[] = { idv, lim };
	enum store_status ss = STORE_OK;
	PGresult *res = store_pg_query(st, sql, 2, p, &ss);
	free(sql);
	free(table);
	if (res == NULL)
		return ss;
	*n = 0;
	for (int i = 0; i < PQntuples(res) && *n < limit; i++)
		ids[(*n)++] = store_pg_int(res, i, 0);
	PQclear(res);
	return STORE_OK;
}

enum store_status
store_pg_record_restore(struct store *base, int64_t record_id, const char *before)
{
	struct store_pg *st = (struct store_pg *)base;
	const struct schema *s = st->rb_schema;
	size_t n = s->nfields;
	json_t *img = before ? json_loads(before, 0, NULL) : NULL;
	if (!json_is_object(img)) {
		json_decref(img);
		free(st->errmsg);
		st->errmsg = xstrdup(_("The journal's before-image of a record cannot be read."));
		return STORE_FATAL;
	}
	const char **p = xcalloc(n + 2, sizeof *p);
	char from[24], idv[24];
	for (size_t f = 0; f < n; f++)
		p[f] = json_string_value(json_object_get(img, s->fields[f].name));
	json_t *fromv = json_object_get(img, "imported_from");
	snprintf(from, sizeof from, "%lld", (long long)json_integer_value(fromv));
	p[n] = json_is_integer(fromv) ? from : NULL;
	snprintf(idv, sizeof idv, "%lld", (long long)record_id);
	p[n + 1] = idv;
	enum store_status ss = STORE_OK;
	PGresult *res = store_pg_run(st, "rb_update", (int)n + 2, p, &ss);
	/* A record deleted since (rolled back with --force) comes back with
	 * its id. */
	if (res != NULL && !strcmp(PQcmdTuples(res), "0")) {
		PQclear(res);
		res = store_pg_run(st, "rb_insert", (int)n + 2, p, &ss);
	}
	PQclear(res);
	free(p);
	json_decref(img);
	return ss;
}

enum store_status
store_pg_rolled_back(struct store *base, int64_t id, uint64_t deleted, uint64_t restored,
    uint64_t conflicts, int forced)
{
	json_t *note = json_pack("{s:I, s:I, s:I, s:b}", "deleted", (json_int_t)deleted, "restored",
	    (json_int_t)restored, "conflicts", (json_int_t)conflicts, "forced", forced);
	char *js = json_dumps(note, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(note);
	char idv[24];
	snprintf(idv, sizeof idv, "%lld", (long long)id);
	const char *p[] = { idv, js, status_name(STATUS_ROLLED_BACK) };
	enum store_status ss = STORE_OK;
	PQclear(store_pg_query((struct store_pg *)base,
	    "UPDATE sluice_imports SET status = $3,"
	    " rolled_back_at = " STORE_PG_NOW ", rollback = $2 WHERE id = $1",
	    3, p, &ss));
	free(js);
	return ss;
}
