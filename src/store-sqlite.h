/* The SQLite store as its own files see it (store-sqlite.c: connection,
 * table and upserts; store-sqlite-journal.c: the journal's writes;
 * store-sqlite-read.c: the journal's reads; store-sqlite-rollback.c:
 * putting records back). Nothing outside store*.c includes it, except unit
 * tests that look into the database. */
#ifndef SLUICE_STORE_SQLITE_H
#define SLUICE_STORE_SQLITE_H

#include <sqlite3.h>

#include "record.h"
#include "store.h"

struct store_sqlite {
	struct store base; /* first: the store's operations */
	sqlite3 *db;
	char *path;
	char *errmsg;
	const struct schema *schema;
	int dry_run;	     /* inside the dry run's outer transaction */
	sqlite3_stmt **find; /* per match key */
	sqlite3_stmt *load;
	sqlite3_stmt *insert;
	sqlite3_stmt *update;
	sqlite3_stmt *insert_new; /* insert unless a unique key holds it; NULL: no */
	int insert_credit;	  /* recent rows insert_new created, less misses */
	unsigned insert_tries;	  /* rows since insert_new was last tried */
	const char **merged;	  /* scratch: one value per field */
	const char **stored;	  /* scratch: the matched record's values */
	char **owned;		  /* scratch: values allocated for a merge */

	/* The journal's statements (store-sqlite-journal.c). */
	sqlite3_stmt *j_error, *j_reject, *j_change, *j_changes, *j_batch, *j_progress;

	/* The rollback's (store-sqlite-rollback.c), for rb_schema's table. */
	const struct schema *rb_schema;
	sqlite3_stmt *rb_load, *rb_del, *rb_update, *rb_insert;
	const char **rb_values; /* scratch, one per field */

	/* store_exists' statements, one per table and column asked about,
	 * kept until the store is closed. */
	struct store_sqlite_exists {
		char *table, *column;
		sqlite3_stmt *stmt;
	} * exists;
	size_t nexists;

	/* The WAL's checkpoints on a thread of their own
	 * (store-sqlite-checkpoint.c), from the first commit; off: not to
	 * be tried again (no WAL, or it could not start). */
	struct store_sqlite_checkpointer *checkpointer;
	int checkpointer_off;
	int checkpoint_wait_frames;  /* 0: STORE_SQLITE_CHECKPOINT_WAIT_FRAMES */
	int checkpoint_small_frames; /* 0: STORE_SQLITE_CHECKPOINT_SMALL */
	uint64_t checkpoint_room;    /* 0: STORE_SQLITE_CHECKPOINT_ROOM */
};

/* Opens (creating if needed) the SQLite database at path; store_open()
 * calls it for any target that is not a URL. */
struct store *store_sqlite_open(const char *path, char **cause);

extern const struct store_ops store_sqlite_ops;

/* A transaction that would begin after this many commits since the WAL
 * last started again, or with this many pages in the WAL, waits for the
 * checkpoint under way, so that the WAL starts again: every other
 * transaction, and 128 MiB with 4 KiB pages (about three transactions of
 * three 10,000-row batches at 1,000,000 rows). */
#define STORE_SQLITE_CHECKPOINT_EVERY 2
/* A transaction that wrote fewer pages than this (4 MiB) is followed by
 * one that waits for its checkpoint. */
#define STORE_SQLITE_CHECKPOINT_SMALL 1024
#define STORE_SQLITE_CHECKPOINT_WAIT_FRAMES 32768
/* With less room than this on its disk, every transaction waits for the
 * checkpoint, as for SQLite's own: 256 MiB, twice the WAL's limit. */
#define STORE_SQLITE_CHECKPOINT_ROOM ((uint64_t)256 << 20)

/* store-sqlite-checkpoint.c: start the checkpointer after a commit (once;
 * nothing happens when it cannot), give it a moment before a transaction
 * begins when the WAL has grown, stop it before the connection closes or
 * after an error that stops the import. */
void store_sqlite_checkpointer_start(struct store_sqlite *st);
void store_sqlite_checkpointer_before_begin(struct store_sqlite *st);
void store_sqlite_checkpointer_stop(struct store_sqlite *st);

/* The connection behind an SQLite store. */
sqlite3 *store_sqlite_handle(struct store *store);

/* Maps an SQLite result code to what the engine should do with it. */
enum store_status store_sqlite_classify(int rc);

/* Records the current SQLite error as the store's message. */
enum store_status store_sqlite_fail(struct store *store, int rc);

/* Binds s as text, or NULL. */
void store_sqlite_bind_text(sqlite3_stmt *stmt, int i, const char *s);

/* store-sqlite-vfs.c: the name of the VFS that writes each WAL frame in one
 * system call (the system's own otherwise), or NULL (SQLite's default)
 * when it cannot be registered. */
#define STORE_SQLITE_VFS "sluice"
const char *store_sqlite_vfs(void);

/* store-sqlite-journal.c */
enum store_status store_sqlite_journal_prepare(struct store *);
void store_sqlite_journal_finalize(struct store_sqlite *st);
/* 1 when the journal's table has column: a journal an older sluice made
 * may lack the columns added since (until a sluice writes to it). */
int store_sqlite_journal_has(struct store *, const char *table, const char *column);
enum store_status store_sqlite_import_start(struct store *, const struct import_info *, int64_t *id);
enum store_status store_sqlite_journal_rows(struct store *, int64_t id, uint64_t batch_no,
    const struct record *records, size_t n);
enum store_status store_sqlite_journal_seen(struct store *, int64_t id,
    const struct record *records, size_t n);
enum store_status store_sqlite_seen_clear(struct store *, int64_t id);
enum store_status store_sqlite_journal_batch(struct store *, int64_t id,
    const struct batch_row *batch);
enum store_status store_sqlite_journal_progress(struct store *, int64_t id, uint64_t rows_done,
    uint64_t bytes_done, uint64_t total, const uint64_t *counts, enum import_status status,
    const char *last_error, int finished);
enum store_status store_sqlite_claim(struct store *, int64_t id, enum import_status from,
    int64_t pid, const char *host);
enum store_status store_sqlite_settle(struct store *, int64_t id, enum import_status from,
    enum import_status to, const char *last_error);
uint64_t store_sqlite_last_batch(struct store *, int64_t id);
enum store_status store_sqlite_journal_fixes(struct store *, int64_t id,
    const struct engine_fix *fixes, size_t n, const char *const *headers, size_t nheaders);
enum store_status store_sqlite_mapping_save(struct store *, const char *fingerprint,
    const char *schema, const char *mapping_json);
char *store_sqlite_mapping_load(struct store *, const char *fingerprint, const char *schema);
enum store_status store_sqlite_notice_claim(struct store *, int64_t id, const char *end);
enum store_status store_sqlite_notice_save(struct store *, int64_t id, const char *end,
    const char *outcomes_json);
int store_sqlite_notices(struct store *, int64_t id, char ***outcomes_json, size_t *n);

/* store-sqlite-read.c */
enum store_status store_sqlite_read_begin(struct store *);
void store_sqlite_read_end(struct store *);
int store_sqlite_import_get(struct store *, int64_t id, struct import_row *row);
struct store_iter *store_sqlite_imports(struct store *, unsigned limit);
struct store_iter *store_sqlite_errors(struct store *, int64_t id, unsigned limit);
struct store_iter *store_sqlite_batches(struct store *, int64_t id);
struct store_iter *store_sqlite_fixes(struct store *, int64_t id);
struct store_iter *store_sqlite_rejects(struct store *, int64_t id);
struct store_iter *store_sqlite_changes(struct store *, int64_t id, enum store_changes_order order);
int store_sqlite_error_counts(struct store *, int64_t id, enum store_count_by by,
    struct name_count **out, size_t *n);
int store_sqlite_reject_width(struct store *, int64_t id, size_t *width);

/* store-sqlite-rollback.c */
enum store_status store_sqlite_records_prepare(struct store *, const struct schema *);
void store_sqlite_records_finalize(struct store_sqlite *st);
int store_sqlite_record_load(struct store *, int64_t record_id, const char *const **values,
    int64_t *imported_from);
enum store_status store_sqlite_record_delete(struct store *, int64_t record_id, int *done);
enum store_status store_sqlite_records_unseen(struct store *, int64_t id, size_t limit,
    int64_t *ids, size_t *n);
enum store_status store_sqlite_record_restore(struct store *, int64_t record_id, const char *before);
enum store_status store_sqlite_rolled_back(struct store *, int64_t id, uint64_t deleted,
    uint64_t restored, uint64_t conflicts, int forced);
enum store_status store_sqlite_exists(struct store *, const char *table, const char *column,
    const char *value, int *found);

#endif
