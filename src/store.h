/* The target database behind one small interface: store_open() chooses the
 * backend from the target, and everything else goes through the wrappers
 * below, which call the backend's operation table (store-sqlite*.c,
 * store-postgres*.c). The store knows schemas and records, not files. Used
 * by one thread at a time. */
#ifndef SLUICE_STORE_H
#define SLUICE_STORE_H

#include <stdint.h>

#include "schema.h"
#include "status.h"

/* What to do with a row that matches a stored record. */
enum strategy {
	STRATEGY_SKIP,
	STRATEGY_UPDATE,
	STRATEGY_MERGE,
	STRATEGY_REPLACE, /* update; and after the last batch, delete the
			   * stored records no row of the file met */
};

/* What to do with a key conflict: a row that matches a record by one match
 * key but holds a different non-empty value for another match key the
 * record has (ARCHITECTURE.md, Duplicates). */
enum key_conflict {
	KEY_CONFLICT_REJECT, /* the row is rejected (business error) */
	KEY_CONFLICT_UPDATE, /* the row is written by strategy, as a match */
};

/* How a store call ended, so the engine knows what to do next. */
enum store_status {
	STORE_OK,
	STORE_TRANSIENT, /* busy, locked: roll back, wait, retry */
	STORE_ROW,	 /* this row cannot be written (constraint, too big) */
	STORE_FATAL,	 /* disk full, I/O error, read-only, corrupt: stop */
};

/* The result of one upsert. */
struct upsert_result {
	enum outcome outcome; /* created … skipped, or rejected */
	int64_t record_id;    /* the stored record's id */
	char *before;	      /* JSON before-image for updated/merged, else NULL;
				 * holds every field and imported_from */
	uint64_t after_hash;  /* store_values_hash of what was written */
	int64_t matched_from; /* the matched record's imported_from (-1: none) */
	char *reason;	      /* rejected: why (a sentence), else NULL */
	int reason_field;     /* rejected: the field concerned, or -1; a key
				 * conflict: the match key whose value differs */
	int key_conflict;     /* the row met record_id with a key conflict:
				 * rejected (reason; before holds the record)
				 * or, under KEY_CONFLICT_UPDATE, written */
};

/* The journal's rows (sluice_* tables) as the store reads them. In a row an
 * iterator gives, the strings belong to the iterator and last until its
 * next call; a row the journal hands out (journal.h) owns them. */

/* One import (sluice_imports). Strings are NULL when the journal has none;
 * so are the integers marked -1. */
struct import_row {
	int64_t id;
	char *source_path;
	int64_t source_size; /* -1: none */
	char *source_sha256, *source_format, *source_description, *sheet, *encoding;
	char *schema_name, *schema_path, *target_table, *mapping, *strategy;
	char *on_key_conflict; /* NULL: journaled before key conflicts
					 * were told apart (they were updated) */
	int64_t batch_size;    /* -1: none */
	char *region;
	int dry_run;
	enum import_status status; /* STATUS_NONE: a word this sluice does not know */
	uint64_t rows_done, bytes_done;
	int64_t total;		   /* -1: not known yet */
	uint64_t n[OUTCOME_COUNT]; /* rows by outcome */
	char *started_at, *finished_at, *last_error;
	int64_t pid; /* -1: none */
	char *host, *user_name, *rolled_back_at, *rollback;
	char *invalid_values;  /* "schema" or "reject-row"; NULL: an import
					 * by a sluice that rejected the row of any
					 * invalid value */
	double duration_s;     /* finished_at - started_at; < 0: not finished */
	int64_t restore_id;    /* the restore it is a table of (the id of
					 * the restore's first import); 0: none */
	char *restore_members; /* the restore's first import: the backup's
					 * other members (restore_members_json) */
	char *date_order;      /* "dmy", "mdy": as chosen for the import (an
			   * option, a mapping file, a remembered
			   * mapping); NULL: the schema's or the
			   * headers' (or an older sluice's import) */
};

/* One batch (sluice_import_batches). */
struct batch_row {
	uint64_t batch_no, first_row, rows;
	uint64_t n[OUTCOME_NOT_PROCESSED]; /* created … failed */
	unsigned attempts;
	uint64_t duration_ms;
	char *status; /* "committed", "replayed" */
};

/* A cell fixed by hand before the import (sluice_import_fixes). */
struct fix_row {
	uint64_t row_no, column_no; /* column_no: 0-based */
	char *header, *original, *value;
};

/* A rejected or failed row with the cells as read (sluice_import_rejects). */
struct reject_row {
	int64_t row_no, line_no;
	enum outcome outcome;
	char **cells;
	size_t ncells;
};

/* What an import did to one record (sluice_import_changes). */
struct change_row {
	int64_t record_id;
	enum outcome outcome; /* created, updated or merged */
	char *before;	      /* the before-image (upsert_result), or NULL */
	uint64_t after_hash;
};

/* The iterators' kinds: what their rows are. */
enum store_iter_kind {
	STORE_ITER_IMPORTS,
	STORE_ITER_ERRORS,
	STORE_ITER_BATCHES,
	STORE_ITER_FIXES,
	STORE_ITER_REJECTS,
	STORE_ITER_CHANGES,
};

/* A cursor over journal rows, streamed: one row in memory at a time. */
struct store_iter {
	enum store_iter_kind kind;
	/* 1 and *row for a row, 0 at the end, -1 when the journal cannot be
	 * read (the store's errmsg says why). */
	int (*next)(struct store_iter *, const void **row);
	void (*close)(struct store_iter *);
};

/* How the changes of an import are walked. */
enum store_changes_order {
	STORE_CHANGES_BY_RECORD, /* by record, each record's last change first */
	STORE_CHANGES_NEWEST_FIRST,
};

/* What error counts are grouped by. */
enum store_count_by {
	STORE_COUNT_BY_TYPE,
	STORE_COUNT_BY_FIELD,  /* "(row)" for errors of the whole row */
	STORE_COUNT_BY_EFFECT, /* "value_dropped": values dropped from
					 * rows that were kept; "row": errors of
					 * rows rejected or failed */
};

struct error_row;
struct name_count;
struct record;
struct engine_fix;

/* The import as journal_import_start() records it. */
struct import_info {
	const char *source_path;
	uint64_t source_size;
	const char *source_sha256; /* 64 hex digits */
	const char *source_format; /* "csv" */
	const char *sheet;	   /* or NULL */
	const char *encoding;	   /* or NULL */
	const char *source_description;
	const char *schema_name;
	const char *schema_path;
	const char *target_table;
	const char *mapping_json;
	const char *strategy;
	const char *on_key_conflict; /* store_key_conflict_name() */
	unsigned batch_size;
	const char *region;
	int dry_run;
	const char *invalid_values;  /* validate_invalid_values_name */
	int64_t restore_id;	     /* a restore's table: the restore's id; -1:
				     * this import starts a restore (its id is
				     * the restore's); 0: no restore */
	const char *restore_members; /* or NULL: the backup's other members */
	const char *date_order;	     /* "dmy" or "mdy" as chosen (an option, a
				 * mapping file or a remembered mapping), or
				 * NULL: the schema's or the headers' */
	/* Filled by the journal: who runs it. */
	int64_t pid;
	const char *host;
	const char *user_name;
};

struct store_ops;

/* What every backend's store starts with. */
struct store {
	const struct store_ops *ops;
};

/* One backend's operations; store.c's wrappers call them. */
struct store_ops {
	const char *name;
	void (*close)(struct store *);
	/* Makes the connection ready to write (settings, WAL). May be
	 * STORE_TRANSIENT while another process holds the database. */
	enum store_status (*ready)(struct store *, char **cause);
	/* Creates the target table from the schema when missing (with unique
	 * indexes on the match keys and an imported_from column) or checks
	 * that an existing one has every column: the columns of optional
	 * fields (neither required nor match keys) that a table made before
	 * the schema had them lacks are added, and named in *added ("a, b",
	 * a new string; NULL when none was; added may be NULL); a missing
	 * column of a required field or a match key refuses. Prepares
	 * statements. */
	enum store_status (
	    *prepare)(struct store *, const struct schema *, char **added, char **cause);
	/* Dry runs: everything from here on happens inside one transaction
	 * that dry_run_end() rolls back; begin/commit/rollback then work on
	 * savepoints inside it. */
	enum store_status (*dry_run_begin)(struct store *);
	void (*dry_run_end)(struct store *);
	/* One batch's transaction: begin takes the write lock at once. */
	enum store_status (*begin)(struct store *);
	/* Whether a commit costs every page the transaction changed, so
	 * that batches committed together cost far less (SQLite: each
	 * commit puts the pages of the unique indexes, on random keys, in
	 * the WAL): the engine may then write several batches in one
	 * transaction (store_groups_batches). */
	int groups_batches;
	enum store_status (*commit)(struct store *);
	void (*rollback)(struct store *);
	/* Finds the record matching values (one per schema field, NULL =
	 * empty) by the schema's match keys and writes it by strategy; a key
	 * conflict goes as store_key_conflict() says. Fills *res (caller
	 * frees with store_result_clear). */
	enum store_status (*upsert)(struct store *, const char *const *values, enum strategy,
	    enum key_conflict, int64_t import_id, struct upsert_result *res);
	/* Optional (NULL: the engine upserts row by row). The n rows of a
	 * batch at once, in order, with the outcomes n calls of upsert would
	 * have; rows[i] NULL is a row left out, res[i] then untouched. When a
	 * row cannot be written (STORE_ROW) the batch is to be rolled back
	 * and written row by row. */
	enum store_status (*upsert_batch)(struct store *, const char *const *const *rows, size_t n,
	    enum strategy, enum key_conflict, int64_t import_id, struct upsert_result *res);
	/* The last error as a sentence for people. */
	const char *(*errmsg)(struct store *);
	/* Optional (NULL: a lost connection is fatal). After a call that
	 * failed because the connection to the server was lost: connects
	 * again, makes the connection ready for the schema and the journal
	 * as before, takes the lock of the import it held (lock_import)
	 * again, and reads what import id (0: none yet) has committed:
	 * its last batch into *last_batch and its cursor (rows_done) into
	 * *rows_done. STORE_TRANSIENT while the server cannot be reached,
	 * STORE_ROW when it can but another connection holds the import's
	 * lock, STORE_FATAL when the connection was not lost. */
	enum store_status (
	    *reconnect)(struct store *, int64_t id, uint64_t *last_batch, uint64_t *rows_done);
	/* Optional (NULL: never). Whether the last call failed because the
	 * connection to the server was lost. */
	int (*lost)(struct store *);
	/* Optional (NULL: the journal's status and process check are the
	 * only guard, as for a file). Takes, for this connection, the lock
	 * that says import id runs here: STORE_OK, or STORE_ROW when
	 * another connection holds it (the import runs elsewhere). Held
	 * until unlock_import or the connection's end. */
	enum store_status (*lock_import)(struct store *, int64_t id);
	void (*unlock_import)(struct store *);

	/* The journal's tables, as journal.h describes each call. */
	enum store_status (*journal_prepare)(struct store *);
	enum store_status (*import_start)(struct store *, const struct import_info *, int64_t *id);
	enum store_status (*journal_rows)(struct store *, int64_t id, uint64_t batch_no,
	    const struct record *records, size_t n);
	enum store_status (*journal_batch)(struct store *, int64_t id, const struct batch_row *batch);
	enum store_status (
	    *journal_seen)(struct store *, int64_t id, const struct record *records, size_t n);
	enum store_status (*seen_clear)(struct store *, int64_t id);
	enum store_status (*journal_progress)(struct store *, int64_t id, uint64_t rows_done,
	    uint64_t bytes_done, uint64_t total, const uint64_t *counts, enum import_status status,
	    const char *last_error, int finished);
	/* Sets status to (and pid, host when given) where the import's status
	 * is still from; claim also clears finished_at and not_processed, a
	 * settle keeps last_error when there is one. STORE_ROW when the status
	 * was no longer from. */
	enum store_status (*claim)(struct store *, int64_t id, enum import_status from, int64_t pid,
	    const char *host);
	enum store_status (*settle)(struct store *, int64_t id, enum import_status from,
	    enum import_status to, const char *last_error);
	uint64_t (*last_batch)(struct store *, int64_t id);
	enum store_status (*journal_fixes)(struct store *, int64_t id,
	    const struct engine_fix *fixes, size_t n, const char *const *headers, size_t nheaders);
	enum store_status (*mapping_save)(struct store *, const char *fingerprint,
	    const char *schema, const char *mapping_json);
	char *(*mapping_load)(struct store *, const char *fingerprint, const char *schema);
	/* The notices of an import's ends (notify.h): one row per end, named
	 * by end. notice_claim inserts it empty: STORE_OK, or STORE_ROW when
	 * another process claimed that end first; notice_save writes what
	 * was delivered (a JSON array); notices gives each end's array, in
	 * the order they were sent, as new strings (0, or -1 on failure; no
	 * table: none). */
	enum store_status (*notice_claim)(struct store *, int64_t id, const char *end);
	enum store_status (
	    *notice_save)(struct store *, int64_t id, const char *end, const char *outcomes_json);
	int (*notices)(struct store *, int64_t id, char ***outcomes_json, size_t *n);

	/* Reading. read_begin/read_end hold one snapshot (and no write lock)
	 * over every read in between. */
	enum store_status (*read_begin)(struct store *);
	void (*read_end)(struct store *);
	/* 1 and *row (new strings: store_import_row_clear), 0 when there is
	 * no such import or no journal, -1 when it cannot be read. */
	int (*import_get)(struct store *, int64_t id, struct import_row *row);
	/* The iterators; NULL when the journal cannot be read. limit 0: all. */
	struct store_iter *(*imports)(struct store *, unsigned limit);
	struct store_iter *(*errors)(struct store *, int64_t id, unsigned limit);
	struct store_iter *(*batches)(struct store *, int64_t id);
	/* An empty iterator when the journal has no fixes table. */
	struct store_iter *(*fixes)(struct store *, int64_t id);
	struct store_iter *(*rejects)(struct store *, int64_t id);
	struct store_iter *(*changes)(struct store *, int64_t id, enum store_changes_order);
	/* Error counts, most first; *out is a new array of new names. */
	int (*error_counts)(struct store *, int64_t id, enum store_count_by,
	    struct name_count **out, size_t *n);
	/* The most cells a rejected row of import id has; -1 on failure. */
	int (*reject_width)(struct store *, int64_t id, size_t *width);

	/* Rollback, inside begin/commit: the records of the schema's table.
	 * Inside read_begin/read_end, records_prepare and record_load read
	 * them (an export). */
	enum store_status (*records_prepare)(struct store *, const struct schema *);
	/* 1 with *values (one per field, valid until the next call) and
	 * *imported_from (-1: none), 0 when the record is gone, -1 on failure. */
	int (*record_load)(struct store *, int64_t record_id, const char *const **values,
	    int64_t *imported_from);
	/* *done is 1 when the record was there. */
	enum store_status (*record_delete)(struct store *, int64_t record_id, int *done);
	/* Puts a before-image back (inserting the record again when it has
	 * been deleted since). STORE_FATAL when the image is unreadable. */
	enum store_status (*record_restore)(struct store *, int64_t record_id, const char *before);
	/* The ids of up to limit records of the table, lowest first, that no
	 * row of import id met (journal_seen): what --strategy replace
	 * deletes. ids holds limit; *n says how many. */
	enum store_status (
	    *records_unseen)(struct store *, int64_t id, size_t limit, int64_t *ids, size_t *n);
	/* Marks import id rolled back, with what the rollback did. */
	enum store_status (*rolled_back)(struct store *, int64_t id, uint64_t deleted,
	    uint64_t restored, uint64_t conflicts, int forced);
	/* Whether a record of table has value in column (a restore's
	 * reference to a parent): *found 1 or 0. */
	enum store_status (*exists)(struct store *, const char *table, const char *column,
	    const char *value, int *found);
};

/* Opens (creating if needed) the database at target: a file path is an
 * SQLite database; a postgresql:// or postgres:// URL names a PostgreSQL
 * database. NULL and *cause (a sentence, a new string) when it cannot. */
struct store *store_open(const char *target, char **cause);
/* Whether target is a PostgreSQL URL (postgresql://, postgres://) rather
 * than the path of an SQLite file. */
int store_target_is_postgresql(const char *target);
/* Whether target may name a database to read: an existing file, or any
 * PostgreSQL URL (the server says whether the database is there). */
int store_target_exists(const char *target);
/* The target as people may see it: a PostgreSQL URL with its password
 * (user:PASSWORD@, password=PASSWORD) masked as ***; a new string. */
char *store_target_shown(const char *target);
/* The same, with connect_timeout_s (0: the default) as the time a
 * connection attempt to a server may take, and statement_timeout_s (0:
 * none) as the time a statement may take once the store is ready (a
 * server that does not answer a little after that is taken for lost);
 * *unreachable (when not NULL) becomes 1 when the server could not be
 * reached or did not accept connections yet (worth trying again), 0
 * otherwise. */
struct store *store_open_timed(const char *target, unsigned connect_timeout_s,
    unsigned statement_timeout_s, int *unreachable, char **cause);

/* Whether a failed connection was about a password. */
enum store_auth {
	STORE_AUTH_NONE,    /* no: the server is away, the URI wrong, … */
	STORE_AUTH_NEEDED,  /* the server asks for a password that neither the
			     * target, PGPASSWORD, ~/.pgpass nor
			     * store_password_set() gives */
	STORE_AUTH_REFUSED, /* a password was given and the connection still
			     * failed: a wrong password, or the user or database
			     * refused after it (*cause says which) */
};
/* store_open() that says, when it fails, whether a password would help. */
struct store *store_open_auth(const char *target, enum store_auth *auth, char **cause);

/* The longest password store_password_set() holds, in bytes. */
#define STORE_PASSWORD_MAX 1023

/* Holds password for target: from now on, opening target (store_open*)
 * gives it to the server when the target itself has none. One target at a
 * time; kept in locked memory, never written, printed nor journaled;
 * wiped by store_password_forget(). -1 when it is too long. */
int store_password_set(const char *target, const char *password);
/* Wipes the password held (explicit_bzero), if any. */
void store_password_forget(void);
/* For a child process: the read end (close-on-exec) of a new pipe that
 * holds the password held for target, the write end closed; -1 when none
 * is held for target. */
int store_password_pipe(const char *target);
/* Reads a password for target from fd to its end (a newline ending it
 * left out), holds it as store_password_set() does, wipes what it read and
 * closes fd: 0, or -1 when there was none or it was too long. */
int store_password_take(const char *target, int fd);
/* Closes the connection; NULL is fine. */
void store_close(struct store *st);

/* The operations of the table above, on st. */
enum store_status store_ready(struct store *st, char **cause);
/* Whether the column of field f may be added to an existing table: the
 * field is optional (neither required nor a match key). For backends. */
int store_column_may_be_added(const struct schema *s, size_t f);
/* Appends col to *added ("a, b"); added may be NULL. For backends. */
void store_added(char **added, const char *col);

/* What a column of an existing table keeps, as its backend reads its
 * declared type. For backends. */
enum store_kind {
	STORE_KIND_TEXT,    /* text as written (SQLite TEXT or BLOB affinity) */
	STORE_KIND_NUMBER,  /* exact numbers; other text kept as text */
	STORE_KIND_INTEGER, /* whole numbers */
	STORE_KIND_DATE,    /* dates */
	STORE_KIND_OTHER,   /* floating point, padded text, … */
};

/* A column of an existing table, as its backend describes it. */
struct store_column {
	const char *name;
	const char *type; /* as declared, for messages */
	enum store_kind kind;
	int not_null, has_default;
	int numbers_itself; /* id: an integer primary key that gives each new
			     * row its number (SQLite: INTEGER PRIMARY KEY of a
			     * rowid table; PostgreSQL: bigserial, identity) */
};

/* A unique index or constraint of an existing table other than its primary
 * key: the columns in it (NULL for an expression), and whether it is
 * partial. */
struct store_unique {
	const char *name;
	const char *const *columns;
	size_t ncolumns;
	int partial;
};

/* Whether an existing table can take the schema's rows before anything is
 * written: an id column that numbers the rows itself; each field's column
 * of a kind that keeps its values as sluice writes them (want[f]: the type
 * to name); no column NOT NULL without a default that rows may leave
 * empty; no unique index but one per match key, on that key alone, whole.
 * Columns missing are the backend's business (added or refused before).
 * Returns -1 with *cause naming the column (or index), what it is and
 * what is expected; where names the database for people. */
int store_check_existing(const struct schema *s, const char *where, const struct store_column *cols,
    size_t ncols, const struct store_unique *uniques, size_t nuniques, const char *const *want,
    const char *want_id, char **cause);
enum store_status store_prepare(struct store *st, const struct schema *s, char **added, char **cause);
enum store_status store_dry_run_begin(struct store *st);
void store_dry_run_end(struct store *st);
enum store_status store_begin(struct store *st);
enum store_status store_commit(struct store *st);
void store_rollback(struct store *st);
enum store_status store_upsert(struct store *st, const char *const *values, enum strategy strategy,
    enum key_conflict on_conflict, int64_t import_id, struct upsert_result *res);
const char *store_errmsg(struct store *st);
enum store_status store_reconnect(struct store *st, int64_t id, uint64_t *last_batch,
    uint64_t *rows_done);
int store_lost(struct store *st);
/* The import's lock (the operation table's lock_import); a backend
 * without one always gives it. */
enum store_status store_lock_import(struct store *st, int64_t id);
void store_unlock_import(struct store *st);
/* Whether several batches may share one transaction (the operation
 * table's groups_batches), outside a dry run. */
int store_groups_batches(struct store *st);
/* Whether the backend writes a batch's rows in one call
 * (store_upsert_batch), rather than one store_upsert each. */
int store_upserts_batches(struct store *st);
enum store_status store_upsert_batch(struct store *st, const char *const *const *rows, size_t n,
    enum strategy strategy, enum key_conflict on_conflict, int64_t import_id,
    struct upsert_result *res);

/* A rollback's access to the records of a table, inside store_begin() …
 * store_commit(): prepare for the schema's table first; the others are as
 * the operation table above says. */
enum store_status store_records_prepare(struct store *st, const struct schema *s);
int store_record_load(struct store *st, int64_t record_id, const char *const **values,
    int64_t *imported_from);
enum store_status store_record_delete(struct store *st, int64_t record_id, int *done);
enum store_status store_record_restore(struct store *st, int64_t record_id, const char *before);
enum store_status store_records_unseen(struct store *st, int64_t id, size_t limit, int64_t *ids,
    size_t *n);
/* Whether a record of table (an identifier of a schema) has value in
 * column: *found 1 or 0. Inside or outside a transaction. */
enum store_status store_exists(struct store *st, const char *table, const char *column,
    const char *value, int *found);

/* The typed iterators: 1 and *row (valid until the next call), 0 at the
 * end, -1 on failure. Each takes an iterator of its kind. */
int store_next_import(struct store_iter *it, const struct import_row **row);
int store_next_error(struct store_iter *it, const struct error_row **row);
int store_next_batch(struct store_iter *it, const struct batch_row **row);
int store_next_fix(struct store_iter *it, const struct fix_row **row);
int store_next_reject(struct store_iter *it, const struct reject_row **row);
int store_next_change(struct store_iter *it, const struct change_row **row);
/* Ends an iterator; NULL is fine. */
void store_iter_close(struct store_iter *it);

/* *dst becomes a copy of src with strings of its own. */
void store_import_row_copy(struct import_row *dst, const struct import_row *src);
/* Frees the strings of a copied row and empties it. */
void store_import_row_clear(struct import_row *row);

/* Frees what an upsert put in res and empties it. */
void store_result_clear(struct upsert_result *res);

/* What a stored record becomes when incoming values meet it under a
 * strategy (ARCHITECTURE.md, Duplicates). out[f] points into stored or
 * incoming, or to a new string kept in owned[f] (list unions; the caller
 * frees owned[0..nfields)). Returns 1 when anything differs from stored. */
int store_resolve(const struct schema *schema, enum strategy strategy, const char *const *stored,
    const char *const *incoming, const char **out, char **owned);

/* Match keys are identity: whether incoming values that matched stored
 * record id (stored: its values) by the match key field matched_field hold
 * a different non-empty value for another match key the record has. If so
 * sets res->key_conflict and res->reason_field to that key and returns 1;
 * under KEY_CONFLICT_REJECT also makes res rejected, with a reason naming
 * the record (id and name), the key that matched and both values. Returns 0
 * when there is no conflict. Every backend's upsert calls it once it has
 * loaded the matched record, before writing. */
int store_key_conflict(const struct schema *schema, enum strategy strategy,
    enum key_conflict on_conflict, int64_t id, size_t matched_field, const char *const *stored,
    const char *const *incoming, struct upsert_result *res);

/* A 64-bit fingerprint of a record's values (one per field, NULL = empty),
 * kept with each change so that a rollback can tell whether anyone has
 * changed the record since. */
uint64_t store_values_hash(const char *const *values, size_t n);

/* Rejections of a row that names more than one stored record: its key
 * field f matches records a and b; or its key field fa matches record a
 * and its key field fb record b. Set res->reason and res->reason_field. */
void store_reject_ambiguous(const struct schema *s, size_t f, int64_t a, int64_t b,
    struct upsert_result *res);
void store_reject_split(const struct schema *s, size_t fa, int64_t a, size_t fb, int64_t b,
    struct upsert_result *res);

/* The before-image of record id (upsert_result.before): a JSON object of
 * its id, every field (null when empty) and imported_from (null: -1); a
 * new string, which a rollback's record_restore reads back. */
char *store_before_image(const struct schema *s, int64_t id, const char *const *values,
    int64_t imported_from);

/* The original cells of a rejected or failed row as the journal keeps
 * them: a JSON array of strings, a cell that is not UTF-8 kept escaped
 * (\xNN); a new string. */
char *store_cells_json(const struct record *r);
/* And back, for a reader of sluice_import_rejects: r->cells and
 * r->ncells from text (not a JSON array: no cells). The strings stay in
 * *holder, which the previous row's are released from; r->cells grows as
 * *alloc says. Both belong to the iterator, which frees them at its end. */
struct json_t;
void store_cells_read(const char *text, struct json_t **holder, struct reject_row *r, size_t *alloc);

/* The journal's word for what a written row (created, updated, merged)
 * did to its record: "insert", "update", "merge"; and back. */
const char *store_action_name(enum outcome o);
enum outcome store_action_parse(const char *action);

const char *store_strategy_name(enum strategy s);
/* Parses "skip", "update", "merge" or "replace"; -1 otherwise. */
int store_strategy_parse(const char *name);

const char *store_key_conflict_name(enum key_conflict k);
/* Parses "reject" or "update"; -1 otherwise. */
int store_key_conflict_parse(const char *name);

#endif
