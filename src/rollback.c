/* Rolling an import back from its journal of changes: the checks that it
 * may be, conflict detection, force and retries. The records are read and
 * written through the store (store-sqlite-rollback.c for SQLite). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "rollback.h"
#include "schema.h"
#include "xmalloc.h"

static void
rollback_conflict(struct rollback_result *res, int64_t record, const char *reason)
{
	res->conflicts++;
	if (res->nconflict_list < ROLLBACK_MAX_LISTED) {
		struct rollback_conflict *c = &res->conflict_list[res->nconflict_list++];
		c->record_id = record;
		c->reason = xstrdup(reason);
	}
}

/* Finds the records changed since the import: for each record, its last
 * change by this import must still be what the table holds. */
static enum store_status
rollback_check(struct store *store, struct journal *j, const struct schema *s, int64_t id,
    struct rollback_result *res)
{
	struct store_iter *it = journal_each_change(j, id, STORE_CHANGES_BY_RECORD);
	if (it == NULL)
		return STORE_FATAL;
	int64_t previous = -1;
	const struct change_row *c;
	int rc;
	while ((rc = store_next_change(it, &c)) == 1) {
		if (c->record_id == previous)
			continue;
		previous = c->record_id;
		const char *const *values;
		int64_t by;
		int found = store_record_load(store, c->record_id, &values, &by);
		if (found < 0) {
			rc = -1;
			break;
		}
		/* A record --strategy replace deleted is to be still gone. */
		if (c->outcome == OUTCOME_DELETED) {
			if (found == 1)
				rollback_conflict(res, c->record_id,
				    _("deleted by the import, and there again since"));
		} else if (found == 0)
			rollback_conflict(res, c->record_id, _("deleted since"));
		else if (by != id) {
			char *why = xasprintf(_("changed since by import %lld"), (long long)by);
			rollback_conflict(res, c->record_id, why);
			free(why);
		} else if (store_values_hash(values, s->nfields) != c->after_hash)
			rollback_conflict(res, c->record_id, _("changed since by another program"));
	}
	store_iter_close(it);
	return rc == 0 ? STORE_OK : STORE_FATAL;
}

/* Undoes the changes, newest first: a record created is deleted, one
 * updated, merged or deleted (--strategy replace) is put back as its
 * before-image says. */
static enum store_status
rollback_apply(struct store *store, struct journal *j, int64_t id, struct rollback_result *res)
{
	struct store_iter *it = journal_each_change(j, id, STORE_CHANGES_NEWEST_FIRST);
	if (it == NULL)
		return STORE_FATAL;
	const struct change_row *c;
	enum store_status ss = STORE_OK;
	int rc;
	while (ss == STORE_OK && (rc = store_next_change(it, &c)) == 1) {
		if (c->outcome == OUTCOME_CREATED) {
			int deleted = 0;
			ss = store_record_delete(store, c->record_id, &deleted);
			if (ss == STORE_OK && deleted)
				res->deleted++;
		} else {
			ss = store_record_restore(store, c->record_id, c->before);
			if (ss == STORE_OK && c->outcome == OUTCOME_DELETED)
				res->recreated++;
			else if (ss == STORE_OK)
				res->restored++;
		}
	}
	store_iter_close(it);
	if (ss == STORE_OK && rc != 0)
		ss = STORE_FATAL;
	return ss;
}

/* Checks the import may be rolled back; loads its schema and sets *from to
 * the status it has. */
static struct schema *
rollback_schema(struct journal *j, int64_t id, enum import_status *from, char **cause)
{
	struct import_row row;
	if (journal_import(j, id, &row) != 1) {
		*cause = xasprintf(
		    _("There is no import %lld in this database; sluice history lists them."),
		    (long long)id);
		return NULL;
	}
	enum import_status status = *from = journal_settle(j, &row);
	struct schema *s = NULL;
	if (row.dry_run)
		*cause = xasprintf(
		    _("Import %lld was a dry run: it wrote nothing, so there is nothing to roll back."),
		    (long long)id);
	else if (status_is_live(status))
		*cause = xasprintf(
		    _("Import %lld is still running; cancel it first (Ctrl-C where it runs), then roll it back."),
		    (long long)id);
	else if (status == STATUS_ROLLED_BACK)
		*cause = xasprintf(_("Import %lld is already rolled back."), (long long)id);
	else {
		char *why = NULL;
		s = row.schema_path ? schema_load(row.schema_path, &why) : NULL;
		if (s == NULL) {
			free(why);
			why = NULL;
			s = schema_load(row.schema_name ? row.schema_name : "contacts", &why);
		}
		const char *table = row.target_table;
		if (s == NULL)
			*cause = xasprintf(_("Cannot load the schema import %lld used: %s"),
			    (long long)id, why);
		else if (table == NULL || strcmp(table, s->table) != 0) {
			*cause = xasprintf(
			    _("The schema %s now writes to table %s, not %s as when import %lld ran; restore the schema file first."),
			    s->name, s->table, table ? table : "?", (long long)id);
			schema_free(s);
			s = NULL;
		}
		free(why);
	}
	store_import_row_clear(&row);
	return s;
}

int
rollback_import(struct store *store, struct journal *j, int64_t id, int force, unsigned retries,
    struct rollback_result *res, char **cause)
{
	memset(res, 0, sizeof *res);
	enum import_status from;
	struct schema *s = rollback_schema(j, id, &from, cause);
	if (s == NULL)
		return -1;
	enum store_status ss = STORE_TRANSIENT;
	for (unsigned attempt = 0; attempt <= retries && ss == STORE_TRANSIENT; attempt++) {
		if (attempt > 0) {
			long ms = 200L << (attempt - 1 < 3 ? attempt - 1 : 3);
			struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
			nanosleep(&ts, NULL);
		}
		ss = store_begin(store);
	}
	if (ss == STORE_OK)
		ss = store_records_prepare(store, s);
	if (ss == STORE_OK)
		ss = rollback_check(store, j, s, id, res);
	if (ss == STORE_OK && res->conflicts > 0 && !force) {
		res->refused = 1;
		store_rollback(store);
		schema_free(s);
		return 0;
	}
	if (ss == STORE_OK)
		ss = rollback_apply(store, j, id, res);
	if (ss == STORE_OK)
		ss = journal_rolled_back(j, id, from, res->deleted, res->restored + res->recreated,
		    res->conflicts, force);
	if (ss == STORE_OK)
		ss = store_commit(store);
	if (ss != STORE_OK) {
		*cause =
		    xasprintf(_("Import %lld was not rolled back, and the database is unchanged: %s"),
			(long long)id, store_errmsg(store));
		store_rollback(store);
	}
	schema_free(s);
	return ss == STORE_OK ? 0 : -1;
}

void
rollback_result_clear(struct rollback_result *res)
{
	for (size_t i = 0; i < res->nconflict_list; i++)
		free(res->conflict_list[i].reason);
	memset(res, 0, sizeof *res);
}
