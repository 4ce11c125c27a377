/* The SQLite store: opening the database, the target table made from the
 * schema, and upserts by match key and strategy. WAL mode, one transaction
 * per batch. Its journal, reads and rollback are in store-sqlite-*.c. */
#include "config.h"

#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "store-sqlite.h"
#include "validate.h"
#include "xmalloc.h"

/* How long SQLite itself waits on a lock before a statement reports
 * SQLITE_BUSY; the engine's retries with backoff come on top. */
#define STORE_SQLITE_BUSY_MS 2000

static void
store_set_error(struct store_sqlite *st, char *msg)
{
	free(st->errmsg);
	st->errmsg = msg;
}

enum store_status
store_sqlite_classify(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW: return STORE_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return STORE_TRANSIENT;
	case SQLITE_CONSTRAINT:
	case SQLITE_MISMATCH:
	case SQLITE_TOOBIG:
	case SQLITE_RANGE: return STORE_ROW;
	default: return STORE_FATAL;
	}
}

enum store_status
store_sqlite_fail(struct store *base, int rc)
{
	struct store_sqlite *st = (struct store_sqlite *)base;
	const char *what;
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED: what = _("The database is locked by another process."); break;
	case SQLITE_FULL:
		what = _(
		    "The disk holding the database is full; free some space, then resume the import.");
		break;
	case SQLITE_IOERR:
		what = _(
		    "The database file could not be written (input/output error); check the disk.");
		break;
	case SQLITE_READONLY:
	case SQLITE_PERM:
		what = _("The database cannot be written: it is read-only for this user.");
		break;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		what = _("The database file is damaged or is not an SQLite database.");
		break;
	case SQLITE_CONSTRAINT:
		what = _("The database refused the row (a constraint failed).");
		break;
	default: what = _("The database reported an error."); break;
	}
	store_set_error(st, xasprintf(_("%s (SQLite: %s)"), what, sqlite3_errmsg(st->db)));
	enum store_status ss =
	    store_sqlite_classify(rc) == STORE_OK ? STORE_FATAL : store_sqlite_classify(rc);
	if (ss == STORE_FATAL) {
		/* Checkpoints inline from now on, so that the WAL starts
		 * again and has room to say the import was interrupted. */
		store_sqlite_checkpointer_stop(st);
		st->checkpointer_off = 1;
	}
	return ss;
}

void
store_sqlite_bind_text(sqlite3_stmt *stmt, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(stmt, i);
	else
		sqlite3_bind_text(stmt, i, s, -1, SQLITE_TRANSIENT);
}

sqlite3 *
store_sqlite_handle(struct store *base)
{
	struct store_sqlite *st = (struct store_sqlite *)base;
	return st->db;
}

static int
store_exec(struct store_sqlite *st, const char *sql)
{
	return sqlite3_exec(st->db, sql, NULL, NULL, NULL);
}

struct store *
store_sqlite_open(const char *path, char **cause)
{
	sqlite3 *db = NULL;
	/* A store is used by one thread at a time (the engine's writer, a
	 * wizard's task), never by two at once: SQLite need not lock the
	 * connection at every call (most of the 2.7% of the import's CPU
	 * still spent in mutexes once allocations went uncounted). */
	int rc = sqlite3_open_v2(path, &db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, store_sqlite_vfs());
	if (rc != SQLITE_OK) {
		*cause = xasprintf(_("Cannot open the database %s: %s."), path,
		    db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, STORE_SQLITE_BUSY_MS);
	struct store_sqlite *st = xcalloc(1, sizeof *st);
	st->base.ops = &store_sqlite_ops;
	st->db = db;
	st->path = xstrdup(path);
	return &st->base;
}

/* Settings and WAL need the database's schema, so a lock held by another
 * process (a database not yet in WAL mode) makes them busy: here, where
 * the engine retries, rather than at open. */
static enum store_status
store_sqlite_ready(struct store *base, char **cause)
{
	struct store_sqlite *st = (struct store_sqlite *)base;
	/* WAL lets readers (sluice history, the wizard) look while a batch is
	 * written; NORMAL sync is durable at every WAL checkpoint and never
	 * corrupts; a 44 MiB page cache keeps the match-key indexes warm
	 * and leaves room under sluice's 100 MiB for the two batches in
	 * flight (engine.c). At 1,000,000 rows the phone and email indexes
	 * come to 46 MB; pages the cache cannot hold are written to the WAL
	 * before the commit and read back, their frames' checksums then
	 * rewritten. Alternated, with two batches in flight (medians): 14.3 s
	 * at 32 MiB, 13.7 s at 44 MiB (peak 95 MiB), 12.1 s at 48 MiB (peak
	 * 99.7 MiB: too near the limit). A database sluice makes has pages
	 * of 16 KiB (one made before keeps its own; the pragma changes
	 * nothing there): the indexes are a level shallower, and a commit
	 * writes and reads back a quarter as many frames. At 1,000,000 rows
	 * 0.50 million reads and writes instead of 1.48 million; alternated
	 * (five runs each, medians) 12.1 s against 13.7 s, 14.6 s of CPU
	 * against 17.8 s, peak 92.4 MiB against 95.0. */
	static const char *const pragmas[] = {
		"PRAGMA page_size=16384",
		"PRAGMA synchronous=NORMAL",
		"PRAGMA cache_size=-45056",
		"PRAGMA temp_store=MEMORY",
		"PRAGMA journal_mode=WAL",
	};
	for (size_t i = 0; i < sizeof pragmas / sizeof *pragmas; i++) {
		int rc = store_exec(st, pragmas[i]);
		if (rc == SQLITE_OK)
			continue;
		enum store_status ss = store_sqlite_fail(&st->base, rc);
		if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT)
			*cause = xasprintf(
			    _("%s is not an SQLite database (or it is damaged); give another --db path."),
			    st->path);
		else
			*cause = xasprintf(_("Cannot use the database %s: %s"), st->path, st->errmsg);
		return ss;
	}
	return STORE_OK;
}

static void
store_finalize_all(struct store_sqlite *st)
{
	if (st->find != NULL && st->schema != NULL)
		for (size_t k = 0; k < st->schema->nmatch_keys; k++)
			sqlite3_finalize(st->find[k]);
	free(st->find);
	st->find = NULL;
	sqlite3_finalize(st->load);
	sqlite3_finalize(st->insert);
	sqlite3_finalize(st->update);
	sqlite3_finalize(st->insert_new);
	st->load = st->insert = st->update = st->insert_new = NULL;
	free(st->merged);
	free(st->stored);
	free(st->owned);
	st->stored = NULL;
	st->merged = NULL;
	st->owned = NULL;
}

static void
store_sqlite_close(struct store *base)
{
	struct store_sqlite *st = (struct store_sqlite *)base;
	if (st == NULL)
		return;
	store_sqlite_checkpointer_stop(st);
	store_finalize_all(st);
	store_sqlite_journal_finalize(st);
	store_sqlite_records_finalize(st);
	for (size_t i = 0; i < st->nexists; i++) {
		sqlite3_finalize(st->exists[i].stmt);
		free(st->exists[i].table);
		free(st->exists[i].column);
	}
	free(st->exists);
	sqlite3_close(st->db);
	free(st->path);
	free(st->errmsg);
	free(st);
}

/* Appends to a growing SQL string. */
static void sql_add(char **sql, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
sql_add(char **sql, size_t *len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *part = xvasprintf(fmt, ap);
	va_end(ap);
	size_t n = strlen(part);
	*sql = xrealloc(*sql, *len + n + 1);
	memcpy(*sql + *len, part, n + 1);
	*len += n;
	free(part);
}

static const char *
store_column_type(enum field_type t)
{
	return t == FIELD_NUMBER ? "NUMERIC" : "TEXT";
}

static enum store_status
store_create_table(struct store_sqlite *st, const struct schema *s, char **cause)
{
	char *sql = NULL;
	size_t len = 0;
	sql_add(&sql, &len, "CREATE TABLE \"%s\" (id INTEGER PRIMARY KEY", s->table);
	for (size_t f = 0; f < s->nfields; f++)
		sql_add(&sql, &len, ", \"%s\" %s", s->fields[f].name,
		    store_column_type(s->fields[f].type));
	sql_add(&sql, &len, ", imported_from INTEGER)");
	int rc = store_exec(st, sql);
	free(sql);
	if (rc != SQLITE_OK) {
		enum store_status ss = store_sqlite_fail(&st->base, rc);
		*cause = xasprintf(_("Cannot create the table %s: %s"), s->table, st->errmsg);
		return ss;
	}
	return STORE_OK;
}

/* What a column of declared type keeps, by SQLite's rules of affinity. */
static enum store_kind
store_sqlite_kind(const char *type)
{
	char *t = xstrdup(type);
	for (char *p = t; *p; p++)
		*p = (char)((*p >= 'a' && *p <= 'z') ? *p - 'a' + 'A' : *p);
	enum store_kind k = strstr(t, "INT") != NULL ? STORE_KIND_INTEGER :
	    strstr(t, "CHAR") != NULL || strstr(t, "CLOB") != NULL || strstr(t, "TEXT") != NULL ||
		strstr(t, "BLOB") != NULL || *t == '\0' ?
						       STORE_KIND_TEXT :
	    strstr(t, "REAL") != NULL || strstr(t, "FLOA") != NULL || strstr(t, "DOUB") != NULL ?
						       STORE_KIND_OTHER :
	    strstr(t, "DATE") != NULL ? STORE_KIND_DATE :
					STORE_KIND_NUMBER;
	free(t);
	return k;
}

/* The rows of a PRAGMA as text: *n rows of ncols columns (NULL stays
 * NULL); -1 when it fails. */
static int
store_sqlite_pragma(struct store_sqlite *st, const char *sql, int ncols, char ***out, size_t *n)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
	*out = NULL;
	*n = 0;
	if (rc != SQLITE_OK)
		return rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*out = xreallocarray(*out, (*n + 1) * (size_t)ncols, sizeof **out);
		for (int c = 0; c < ncols; c++) {
			const char *v = (const char *)sqlite3_column_text(stmt, c);
			(*out)[*n * (size_t)ncols + (size_t)c] = v != NULL ? xstrdup(v) : NULL;
		}
		(*n)++;
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static void
store_sqlite_pragma_free(char **rows, size_t n, int ncols)
{
	for (size_t i = 0; i < n * (size_t)ncols; i++)
		free(rows[i]);
	free(rows);
}

/* Whether the existing table can take the schema's rows, before anything
 * is written (store_check_existing). */
static enum store_status
store_sqlite_fit(struct store_sqlite *st, const struct schema *s, char **cause)
{
	char **info = NULL, **list = NULL, **wr = NULL;
	size_t ninfo = 0, nlist = 0, nwr = 0;
	char *sql = sqlite3_mprintf("SELECT name, type, \"notnull\", dflt_value, pk FROM "
				    "pragma_table_info(%Q)",
	    s->table);
	int rc = store_sqlite_pragma(st, sql, 5, &info, &ninfo);
	sqlite3_free(sql);
	if (rc == SQLITE_OK) {
		sql = sqlite3_mprintf(
		    "SELECT wr FROM pragma_table_list WHERE name = %Q COLLATE NOCASE", s->table);
		rc = store_sqlite_pragma(st, sql, 1, &wr, &nwr);
		sqlite3_free(sql);
	}
	if (rc == SQLITE_OK) {
		sql = sqlite3_mprintf("SELECT name, \"unique\", origin, partial FROM "
				      "pragma_index_list(%Q)",
		    s->table);
		rc = store_sqlite_pragma(st, sql, 4, &list, &nlist);
		sqlite3_free(sql);
	}
	enum store_status ss = STORE_OK;
	if (rc != SQLITE_OK) {
		ss = store_sqlite_fail(&st->base, rc);
		*cause = xasprintf(_("Cannot prepare the table %s: %s"), s->table, st->errmsg);
		goto out;
	}
	int without_rowid = nwr > 0 && wr[0] != NULL && !strcmp(wr[0], "1");
	size_t npk = 0;
	for (size_t i = 0; i < ninfo; i++)
		npk += info[i * 5 + 4] != NULL && strcmp(info[i * 5 + 4], "0") != 0;
	struct store_column *cols = xcalloc(ninfo + 1, sizeof *cols);
	char **types = xcalloc(ninfo + 1, sizeof *types);
	for (size_t i = 0; i < ninfo; i++) {
		const char *name = info[i * 5] ? info[i * 5] : "",
			   *type = info[i * 5 + 1] ? info[i * 5 + 1] : "";
		int pk = info[i * 5 + 4] != NULL && strcmp(info[i * 5 + 4], "0") != 0;
		types[i] = pk ? xasprintf("%s%sPRIMARY KEY%s", type, *type ? " " : "",
				    without_rowid ? " (WITHOUT ROWID)" : "") :
				xstrdup(*type ? type : "(no type)");
		cols[i] = (struct store_column){
			.name = name,
			.type = types[i],
			.kind = store_sqlite_kind(type),
			.not_null = info[i * 5 + 2] != NULL && !strcmp(info[i * 5 + 2], "1"),
			.has_default = info[i * 5 + 3] != NULL,
			.numbers_itself =
			    pk && npk == 1 && !without_rowid && !strcasecmp(type, "INTEGER"),
		};
		/* A rowid's alias is never NULL, whatever it says. */
		if (cols[i].numbers_itself)
			cols[i].has_default = 1;
	}
	struct store_unique *uniques = xcalloc(nlist + 1, sizeof *uniques);
	char ***ucols = xcalloc(nlist + 1, sizeof *ucols);
	size_t *nucols = xcalloc(nlist + 1, sizeof *nucols), nu = 0;
	for (size_t i = 0; i < nlist && rc == SQLITE_OK; i++) {
		if (list[i * 4 + 1] == NULL || strcmp(list[i * 4 + 1], "1") != 0 ||
		    (list[i * 4 + 2] != NULL && !strcmp(list[i * 4 + 2], "pk")))
			continue;
		char **ii = NULL;
		size_t nii = 0;
		sql = sqlite3_mprintf("SELECT name FROM pragma_index_info(%Q)", list[i * 4]);
		rc = store_sqlite_pragma(st, sql, 1, &ii, &nii);
		sqlite3_free(sql);
		ucols[nu] = ii;
		nucols[nu] = nii;
		uniques[nu] = (struct store_unique){
			.name = list[i * 4],
			.columns = (const char *const *)ii,
			.ncolumns = nii,
			.partial = list[i * 4 + 3] != NULL && !strcmp(list[i * 4 + 3], "1"),
		};
		nu++;
	}
	const char **want = xcalloc(s->nfields + 1, sizeof *want);
	for (size_t f = 0; f < s->nfields; f++)
		want[f] = store_column_type(s->fields[f].type);
	if (rc != SQLITE_OK) {
		ss = store_sqlite_fail(&st->base, rc);
		*cause = xasprintf(_("Cannot prepare the table %s: %s"), s->table, st->errmsg);
	} else if (store_check_existing(s, st->path, cols, ninfo, uniques, nu, want,
		       "INTEGER PRIMARY KEY", cause) != 0)
		ss = STORE_FATAL;
	free(want);
	for (size_t i = 0; i < nu; i++)
		store_sqlite_pragma_free(ucols[i], nucols[i], 1);
	free(ucols);
	free(nucols);
	free(uniques);
	for (size_t i = 0; i < ninfo; i++)
		free(types[i]);
	free(types);
	free(cols);
out:
	store_sqlite_pragma_free(info, ninfo, 5);
	store_sqlite_pragma_free(list, nlist, 4);
	store_sqlite_pragma_free(wr, nwr, 1);
	return ss;
}

static enum store_status
store_check_table(struct store_sqlite *st, const struct schema *s, char **added, char **cause)
{
	enum store_status fit = store_sqlite_fit(st, s, cause);
	if (fit != STORE_OK)
		return fit;

	char *sql = xasprintf("PRAGMA table_info(\"%s\")", s->table);
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
	free(sql);
	if (rc != SQLITE_OK) {
		enum store_status ss = store_sqlite_fail(&st->base, rc);
		*cause = xstrdup(st->errmsg);
		return ss;
	}
	size_t ncols = s->nfields + 1;
	int *seen = xcalloc(ncols, sizeof *seen);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(stmt, 1);
		if (name == NULL)
			continue;
		for (size_t f = 0; f < s->nfields; f++)
			if (!strcasecmp(name, s->fields[f].name))
				seen[f] = 1;
		if (!strcasecmp(name, "imported_from"))
			seen[s->nfields] = 1;
	}
	sqlite3_finalize(stmt);
	enum store_status ss = STORE_OK;
	for (size_t i = 0; i < ncols && ss == STORE_OK; i++) {
		if (seen[i])
			continue;
		const char *col = i < s->nfields ? s->fields[i].name : "imported_from";
		const char *type = i < s->nfields ? store_column_type(s->fields[i].type) : "INTEGER";
		if (i < s->nfields && store_column_may_be_added(s, i)) {
			char *sql = xasprintf("ALTER TABLE \"%s\" ADD COLUMN \"%s\" %s", s->table,
			    col, type);
			rc = store_exec(st, sql);
			free(sql);
			if (rc == SQLITE_OK) {
				store_added(added, col);
				continue;
			}
			ss = store_sqlite_fail(&st->base, rc);
			*cause = xasprintf(_("Cannot add the column %s to the table %s: %s"), col,
			    s->table, st->errmsg);
			break;
		}
		*cause = xasprintf(
		    _("The table %s in %s has no column %s, which schema %s needs. Add it (ALTER TABLE %s ADD COLUMN %s %s) or import into another database; nothing was imported."),
		    s->table, st->path, col, s->name, s->table, col, type);
		ss = STORE_FATAL;
	}
	free(seen);
	return ss;
}

static int
store_prepare_stmt(struct store_sqlite *st, const char *sql, sqlite3_stmt **out)
{
	return sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL);
}

/* INSERT of every field and imported_from (?1 .. ?nfields+1), then tail. */
static int
store_prepare_insert(struct store_sqlite *st, const struct schema *s, const char *tail,
    sqlite3_stmt **out)
{
	char *sql = NULL;
	size_t len = 0;
	sql_add(&sql, &len, "INSERT INTO \"%s\" (", s->table);
	for (size_t f = 0; f < s->nfields; f++)
		sql_add(&sql, &len, "\"%s\", ", s->fields[f].name);
	sql_add(&sql, &len, "imported_from) VALUES (");
	for (size_t f = 0; f <= s->nfields; f++)
		sql_add(&sql, &len, "%s?%zu", f ? ", " : "", f + 1);
	sql_add(&sql, &len, ")%s", tail);
	int rc = store_prepare_stmt(st, sql, out);
	free(sql);
	return rc;
}

/* When every match key has a unique index of its own, a row no stored
 * record matches is one the table takes with "ON CONFLICT DO NOTHING":
 * one write instead of a look-up per key and then the write (most rows of
 * a first import). st->insert_new stays NULL otherwise. */
static int
store_prepare_insert_new(struct store_sqlite *st, const struct schema *s)
{
	sqlite3_stmt *q;
	int rc = sqlite3_prepare_v2(st->db,
	    "SELECT 1 FROM pragma_index_list(?1) AS l WHERE l.\"unique\""
	    " AND (SELECT count(*) FROM pragma_index_info(l.name)) = 1"
	    " AND (SELECT name FROM pragma_index_info(l.name)) = ?2",
	    -1, &q, NULL);
	if (rc != SQLITE_OK)
		return rc;
	int unique = s->nmatch_keys > 0;
	for (size_t k = 0; k < s->nmatch_keys && unique; k++) {
		sqlite3_bind_text(q, 1, s->table, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, s->fields[s->match_keys[k]].name, -1, SQLITE_STATIC);
		rc = sqlite3_step(q);
		unique = rc == SQLITE_ROW;
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return rc;
	st->insert_credit = 0;
	st->insert_tries = 0;
	if (!unique)
		return SQLITE_OK;

	return store_prepare_insert(st, s, " ON CONFLICT DO NOTHING", &st->insert_new);
}

static enum store_status
store_sqlite_prepare(struct store *base, const struct schema *s, char **added, char **cause)
{
	struct store_sqlite *st = (struct store_sqlite *)base;
	store_finalize_all(st);
	st->schema = s;

	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(st->db,
	    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE", -1,
	    &stmt, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(stmt, 1, s->table, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	enum store_status ss;
	if (rc == SQLITE_ROW)
		ss = store_check_table(st, s, added, cause);
	else if (rc == SQLITE_DONE)
		ss = store_create_table(st, s, cause);
	else
		goto fail;
	if (ss != STORE_OK)
		return ss;

	/* A unique index per match key. A table that already holds duplicate
	 * keys cannot take one; a plain index then keeps look-ups fast, and
	 * rows matching two records are rejected as ambiguous. */
	for (size_t k = 0; k < s->nmatch_keys; k++) {
		const char *key = s->fields[s->match_keys[k]].name;
		char *sql =
		    xasprintf("CREATE UNIQUE INDEX IF NOT EXISTS \"%s_%s_key\" ON \"%s\"(\"%s\")",
			s->table, key, s->table, key);
		rc = store_exec(st, sql);
		free(sql);
		if ((rc & 0xff) == SQLITE_CONSTRAINT) {
			sql = xasprintf("CREATE INDEX IF NOT EXISTS \"%s_%s_idx\" ON \"%s\"(\"%s\")",
			    s->table, key, s->table, key);
			rc = store_exec(st, sql);
			free(sql);
		}
		if (rc != SQLITE_OK)
			goto fail;
	}

	rc = store_prepare_insert_new(st, s);
	if (rc != SQLITE_OK)
		goto fail;

	st->find = xcalloc(s->nmatch_keys, sizeof *st->find);
	for (size_t k = 0; k < s->nmatch_keys; k++) {
		char *sql = xasprintf("SELECT id FROM \"%s\" WHERE \"%s\" = ?1 LIMIT 2", s->table,
		    s->fields[s->match_keys[k]].name);
		rc = store_prepare_stmt(st, sql, &st->find[k]);
		free(sql);
		if (rc != SQLITE_OK)
			goto fail;
	}

	char *sql = NULL;
	size_t len = 0;
	sql_add(&sql, &len, "SELECT ");
	for (size_t f = 0; f < s->nfields; f++)
		sql_add(&sql, &len, "%s\"%s\"", f ? ", " : "", s->fields[f].name);
	sql_add(&sql, &len, ", imported_from FROM \"%s\" WHERE id = ?1", s->table);
	rc = store_prepare_stmt(st, sql, &st->load);
	free(sql);
	if (rc != SQLITE_OK)
		goto fail;

	rc = store_prepare_insert(st, s, "", &st->insert);
	if (rc != SQLITE_OK)
		goto fail;

	sql = NULL;
	len = 0;
	sql_add(&sql, &len, "UPDATE \"%s\" SET ", s->table);
	for (size_t f = 0; f < s->nfields; f++)
		sql_add(&sql, &len, "\"%s\" = ?%zu, ", s->fields[f].name, f + 1);
	sql_add(&sql, &len, "imported_from = ?%zu WHERE id = ?%zu", s->nfields + 1, s->nfields + 2);
	rc = store_prepare_stmt(st, sql, &st->update);
	free(sql);
	if (rc != SQLITE_OK)
		goto fail;

	st->merged = xcalloc(s->nfields, sizeof *st->merged);
	st->stored = xcalloc(s->nfields, sizeof *st->stored);
	st->owned = xcalloc(s->nfields, sizeof *st->owned);
	return STORE_OK;

fail:
	ss = store_sqlite_fail(&st->base, rc);
	*cause = xasprintf(_("Cannot prepare the table %s: %s"), s->table, st->errmsg);
	return ss;
}

static enum store_status
store_run(struct store_sqlite *st, const char *sql)
{
	int rc = store_exec(st, sql);
	return rc == SQLITE_OK ? STORE_OK : store_sqlite_fail(&st->base, rc);
}

static enum store_status
store_sqlite_dry_run_begin(struct store *base)
{
	struct store_sqlite *st = (struct store_sqlite *)base;
	/* The dry run is one transaction, each batch a savepoint in it: the
	 * pages a batch changes are kept for its rollback in a statement
	 * journal, which in memory would grow with the table; in a file it
	 * stays off the heap past 64 KiB. The WAL takes the rest. */
	enum store_status ss = store_run(st, "PRAGMA temp_store=FILE");
	if (ss == STORE_OK)
		ss = store_run(st, "BEGIN IMMEDIATE");
	if (ss == STORE_OK)
		st->dry_run = 1;
	return ss;
}

static void
store_sqlite_dry_run_end(struct store *base)
{
	struct store_sqlite *st = (struct store_sqlite *)base;
	if (st->dry_run)
		store_exec(st, "ROLLBACK");
	store_exec(st, "PRAGMA temp_store=MEMORY");
	st->dry_run = 0;
}

static enum store_status
store_sqlite_begin(struct store *base)
{
	struct store_sqlite *st = (struct store_sqlite *)base;
	if (st->dry_run)
		return store_run(st, "SAVEPOINT batch");
	store_sqlite_checkpointer_before_begin(st);
	return store_run(st, "BEGIN IMMEDIATE");
}

static enum store_status
store_sqlite_commit(struct store *base)
{
	struct store_sqlite *st = (struct store_sqlite *)base;
	/* A record a rollback loaded is read no more. */
	if (st->rb_load != NULL)
		sqlite3_reset(st->rb_load);
	if (st->dry_run)
		return store_run(st, "RELEASE batch");
	enum store_status ss = store_run(st, "COMMIT");
	if (ss == STORE_OK)
		store_sqlite_checkpointer_start(st);
	return ss;
}

static void
store_sqlite_rollback(struct store *base)
{
	struct store_sqlite *st = (struct store_sqlite *)base;
	if (st->rb_load != NULL)
		sqlite3_reset(st->rb_load);
	if (st->dry_run)
		store_exec(st, "ROLLBACK TO batch; RELEASE batch");
	else if (!sqlite3_get_autocommit(st->db))
		store_exec(st, "ROLLBACK");
}

static void
store_bind_values(sqlite3_stmt *stmt, const char *const *values, size_t n)
{
	for (size_t f = 0; f < n; f++) {
		if (values[f] == NULL)
			sqlite3_bind_null(stmt, (int)f + 1);
		else
			sqlite3_bind_text(stmt, (int)f + 1, values[f], -1, SQLITE_STATIC);
	}
}

/* Finds the stored record for values. Returns STORE_OK with *id = 0 when
 * none matches, or the record's id and in *matched the field of the first
 * key that found it; sets res->reason when the keys point to different
 * records. */
static enum store_status
store_find(struct store_sqlite *st, const char *const *values, int64_t *id, size_t *matched,
    struct upsert_result *res)
{
	const struct schema *s = st->schema;
	int64_t found = 0;
	size_t found_key = 0;
	*id = 0;
	for (size_t k = 0; k < s->nmatch_keys; k++) {
		size_t f = s->match_keys[k];
		if (values[f] == NULL)
			continue;
		sqlite3_stmt *q = st->find[k];
		sqlite3_bind_text(q, 1, values[f], -1, SQLITE_STATIC);
		int rc;
		int64_t ids[2];
		int n = 0;
		while ((rc = sqlite3_step(q)) == SQLITE_ROW)
			ids[n++] = sqlite3_column_int64(q, 0);
		sqlite3_reset(q);
		if (rc != SQLITE_DONE)
			return store_sqlite_fail(&st->base, rc);
		if (n == 2) {
			store_reject_ambiguous(s, f, ids[0], ids[1], res);
			return STORE_OK;
		}
		if (n == 0)
			continue;
		if (found != 0 && found != ids[0]) {
			store_reject_split(s, s->match_keys[found_key], found, f, ids[0], res);
			return STORE_OK;
		}
		if (found == 0) {
			found = ids[0];
			found_key = k;
		}
	}
	*id = found;
	*matched = s->match_keys[found_key];
	return STORE_OK;
}

static enum store_status
store_sqlite_upsert(struct store *base, const char *const *values, enum strategy strategy,
    enum key_conflict on_conflict, int64_t import_id, struct upsert_result *res)
{
	struct store_sqlite *st = (struct store_sqlite *)base;
	const struct schema *s = st->schema;
	size_t n = s->nfields;
	int rc = SQLITE_DONE;
	int64_t id;
	size_t matched = 0;

	memset(res, 0, sizeof *res);
	res->reason_field = -1;
	res->matched_from = -1;
	/* Insert first while that mostly creates; when rows mostly match
	 * (a re-import), look up first, trying again now and then. */
	if (st->insert_new != NULL && (st->insert_credit >= 0 || ++st->insert_tries % 64 == 0)) {
		store_bind_values(st->insert_new, values, n);
		sqlite3_bind_int64(st->insert_new, (int)n + 1, import_id);
		rc = sqlite3_step(st->insert_new);
		sqlite3_reset(st->insert_new);
		if (rc != SQLITE_DONE)
			return store_sqlite_fail(&st->base, rc);
		if (sqlite3_changes(st->db) == 1) {
			if (st->insert_credit < 64)
				st->insert_credit++;
			res->outcome = OUTCOME_CREATED;
			res->record_id = sqlite3_last_insert_rowid(st->db);
			res->after_hash = store_values_hash(values, n);
			return STORE_OK;
		}
		if (st->insert_credit > -64)
			st->insert_credit -= 2;
	}
	enum store_status ss = store_find(st, values, &id, &matched, res);
	if (ss != STORE_OK)
		return ss;
	if (res->reason != NULL) {
		res->outcome = OUTCOME_REJECTED;
		return STORE_OK;
	}

	if (id == 0) {
		store_bind_values(st->insert, values, n);
		sqlite3_bind_int64(st->insert, (int)n + 1, import_id);
		rc = sqlite3_step(st->insert);
		sqlite3_reset(st->insert);
		if (rc != SQLITE_DONE)
			return store_sqlite_fail(&st->base, rc);
		res->outcome = OUTCOME_CREATED;
		res->record_id = sqlite3_last_insert_rowid(st->db);
		res->after_hash = store_values_hash(values, n);
		return STORE_OK;
	}

	res->record_id = id;
	sqlite3_bind_int64(st->load, 1, id);
	rc = sqlite3_step(st->load);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st->load);
		return store_sqlite_fail(&st->base, rc == SQLITE_DONE ? SQLITE_INTERNAL : rc);
	}
	res->matched_from = sqlite3_column_type(st->load, (int)n) == SQLITE_NULL ?
	    -1 :
	    sqlite3_column_int64(st->load, (int)n);
	const char **stored = st->stored;
	for (size_t f = 0; f < n; f++)
		stored[f] = (const char *)sqlite3_column_text(st->load, (int)f);
	if (store_key_conflict(s, strategy, on_conflict, id, matched, stored, values, res) &&
	    res->outcome == OUTCOME_REJECTED) {
		res->before = store_before_image(s, id, stored, res->matched_from);
		sqlite3_reset(st->load);
		return STORE_OK;
	}
	if (strategy == STRATEGY_SKIP) {
		sqlite3_reset(st->load);
		res->outcome = OUTCOME_SKIPPED;
		return STORE_OK;
	}
	int changed = store_resolve(s, strategy, stored, values, st->merged, st->owned);
	if (changed) {
		res->before = store_before_image(s, id, stored, res->matched_from);
		res->after_hash = store_values_hash(st->merged, n);
		store_bind_values(st->update, st->merged, n);
		sqlite3_bind_int64(st->update, (int)n + 1, import_id);
		sqlite3_bind_int64(st->update, (int)n + 2, id);
		rc = sqlite3_step(st->update);
		sqlite3_reset(st->update);
	}
	/* The stored values bound above belong to the load statement: reset
	 * it only after the update ran. */
	sqlite3_reset(st->load);
	for (size_t f = 0; f < n; f++) {
		free(st->owned[f]);
		st->owned[f] = NULL;
	}
	if (changed && rc != SQLITE_DONE) {
		free(res->before);
		res->before = NULL;
		return store_sqlite_fail(&st->base, rc);
	}
	res->outcome = !changed		? OUTCOME_UNCHANGED :
	    strategy == STRATEGY_UPDATE ? OUTCOME_UPDATED :
					  OUTCOME_MERGED;
	return STORE_OK;
}

static const char *
store_sqlite_errmsg(struct store *base)
{
	struct store_sqlite *st = (struct store_sqlite *)base;
	return st->errmsg ? st->errmsg : "";
}

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.close = store_sqlite_close,
	.ready = store_sqlite_ready,
	.prepare = store_sqlite_prepare,
	.groups_batches = 1,
	.dry_run_begin = store_sqlite_dry_run_begin,
	.dry_run_end = store_sqlite_dry_run_end,
	.begin = store_sqlite_begin,
	.commit = store_sqlite_commit,
	.rollback = store_sqlite_rollback,
	.upsert = store_sqlite_upsert,
	.errmsg = store_sqlite_errmsg,
	.journal_prepare = store_sqlite_journal_prepare,
	.import_start = store_sqlite_import_start,
	.journal_rows = store_sqlite_journal_rows,
	.journal_batch = store_sqlite_journal_batch,
	.journal_seen = store_sqlite_journal_seen,
	.seen_clear = store_sqlite_seen_clear,
	.journal_progress = store_sqlite_journal_progress,
	.claim = store_sqlite_claim,
	.settle = store_sqlite_settle,
	.last_batch = store_sqlite_last_batch,
	.journal_fixes = store_sqlite_journal_fixes,
	.mapping_save = store_sqlite_mapping_save,
	.mapping_load = store_sqlite_mapping_load,
	.notice_claim = store_sqlite_notice_claim,
	.notice_save = store_sqlite_notice_save,
	.notices = store_sqlite_notices,
	.read_begin = store_sqlite_read_begin,
	.read_end = store_sqlite_read_end,
	.import_get = store_sqlite_import_get,
	.imports = store_sqlite_imports,
	.errors = store_sqlite_errors,
	.batches = store_sqlite_batches,
	.fixes = store_sqlite_fixes,
	.rejects = store_sqlite_rejects,
	.changes = store_sqlite_changes,
	.error_counts = store_sqlite_error_counts,
	.reject_width = store_sqlite_reject_width,
	.records_prepare = store_sqlite_records_prepare,
	.record_load = store_sqlite_record_load,
	.record_delete = store_sqlite_record_delete,
	.record_restore = store_sqlite_record_restore,
	.records_unseen = store_sqlite_records_unseen,
	.rolled_back = store_sqlite_rolled_back,
	.exists = store_sqlite_exists,
};
