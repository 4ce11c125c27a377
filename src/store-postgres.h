/* The PostgreSQL store as its own files see it (store-postgres.c:
 * connection, errors, the table and upserts; store-postgres-journal.c: the
 * journal's writes; store-postgres-read.c: the journal's reads and cursors;
 * store-postgres-rollback.c: putting records back). Nothing outside
 * store*.c includes it. */
#ifndef SLUICE_STORE_POSTGRES_H
#define SLUICE_STORE_POSTGRES_H

#include <libpq-fe.h>

#include "record.h"
#include "store.h"

struct store_pg {
	struct store base; /* first: the store's operations */
	PGconn *conn;
	char *shown; /* the target with its password masked */
	int reading; /* inside read_begin … read_end: read only */
	char *errmsg;
	int lost;	      /* the last error was a lost connection */
	int64_t locked;	      /* the import whose lock this connection holds, or 0 */
	unsigned statement_s; /* the server's statement timeout (0: none) */
	long long answer_ms;  /* how long an answer is waited for (0: ever) */
	int silent;	      /* the last answer did not come in time */
	int backend_pid;      /* the server's process for the connection */
	const struct schema *schema;
	char *table;	     /* the schema's table, quoted */
	int dry_run;	     /* inside the dry run's outer transaction */
	int prepared;	     /* the upsert's statements are prepared */
	int batch;	     /* and those of upsert_batch (store-postgres-batch.c) */
	char *seq;	     /* the sequence of the table's ids */
	char *copy;	     /* the COPY of a batch's new records */
	int *key_unique;     /* per match key: a unique index holds it */
	int journal;	     /* the journal's statements are prepared */
	unsigned cursors;    /* cursors declared so far, for their names */
	const char **merged; /* scratch: one value per field */
	const char **stored; /* scratch: the matched record's values */
	char **owned;	     /* scratch: values allocated for a merge */
	const char **params; /* scratch: parameters of one statement */

	/* The rollback's (store-postgres-rollback.c), for rb_schema's table. */
	const struct schema *rb_schema;
	int rb_prepared;
	PGresult *rb_row;	/* the record record_load gave */
	const char **rb_values; /* scratch, one per field */

	/* store_exists' statements (s_exists0, …), one per table and column
	 * asked about; forgotten with the connection. */
	struct store_pg_exists {
		char *table, *column;
		int integer; /* the column holds integers: values compared as
			      * bigint (its index used); else as text */
		int text;    /* the column holds text: compared as it is */
	} * exists;
	size_t nexists;
};

/* Forgets store_exists' statements (closing, or a new connection). */
void store_pg_exists_forget(struct store_pg *st);

/* The current time as the journal writes it (as SQLite's strftime). */
#define STORE_PG_NOW                                                                               \
	"to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

/* Connects to the PostgreSQL database a postgresql:// or postgres:// URL
 * (any libpq connection URI) names, an attempt taking up to
 * connect_timeout_s (0: the default; the URI's connect_timeout wins),
 * with password (or NULL) when the server asks for one; store_open()
 * calls it. Once ready, a statement that runs longer than
 * statement_timeout_s (0: no limit) is ended by the server, and a server
 * that does not answer a little after that is taken for lost. When it
 * cannot connect, *auth says whether a password is the matter, and
 * *unreachable whether the server was out of reach or not accepting
 * connections yet (rather than refusing this user, password or
 * database). */
struct store *store_pg_open(const char *uri, unsigned connect_timeout_s, unsigned statement_timeout_s,
    const char *password, enum store_auth *auth, int *unreachable, char **cause);

extern const struct store_ops store_pg_ops;

/* What the engine should do about an error with this SQLSTATE (NULL: no
 * answer from the server, the connection is gone). */
enum store_status store_pg_classify(const char *sqlstate);

/* Records the error of res (or of the connection, when res has none) as
 * the store's message, clears res, and says what it means. */
enum store_status store_pg_fail(struct store_pg *st, PGresult *res);

/* Runs sql with n text parameters (NULL: SQL NULL): the result when it
 * succeeded (PQclear it), else NULL after store_pg_fail() put its status
 * in *ss (when ss is not NULL). */
PGresult *store_pg_query(struct store_pg *st, const char *sql, int n, const char *const *params,
    enum store_status *ss);
/* The same for a statement prepared under name. */
PGresult *store_pg_run(struct store_pg *st, const char *name, int n, const char *const *params,
    enum store_status *ss);
/* Runs sql (one or more statements) without parameters: PQexec's result,
 * or NULL. */
PGresult *store_pg_exec_result(struct store_pg *st, const char *sql);
/* Runs sql without parameters, for its status only. */
enum store_status store_pg_exec(struct store_pg *st, const char *sql);
/* Runs sql, a COPY … FROM STDIN, with data (len bytes: rows in COPY's
 * text format) as its input, for its status. */
enum store_status store_pg_copy(struct store_pg *st, const char *sql, const char *data, size_t len);
/* Deallocates those of the space-separated statement names that are
 * prepared on the connection. */
void store_pg_deallocate(struct store_pg *st, const char *names);
/* Prepares sql under name. */
enum store_status store_pg_prepare_stmt(struct store_pg *st, const char *name, const char *sql);

/* An integer column of a result row, or -1 when it is NULL. */
int64_t store_pg_int(const PGresult *res, int row, int col);
/* A text column, or NULL. */
char *store_pg_text(const PGresult *res, int row, int col);
/* Whether the table name (unquoted) exists in the current schema: 1, 0,
 * or -1 when that cannot be asked. */
int store_pg_table_exists(struct store_pg *st, const char *name);

/* A growing string for SQL text and array parameters. */
struct pg_buf {
	char *s;
	size_t len, cap;
};
void pg_buf_add(struct pg_buf *b, const char *s, size_t n);
void pg_buf_printf(struct pg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends one element of a PostgreSQL array literal (NULL: a NULL
 * element), with a comma before it unless it is the first. */
void pg_buf_element(struct pg_buf *b, const char *v);
/* The array literal ends; its text is b->s. */
void pg_buf_array_end(struct pg_buf *b);
void pg_buf_free(struct pg_buf *b);
/* Appends one field of a row in COPY's text format (NULL: \N), then a
 * tab, or the newline that ends the row when it is the last. */
void pg_buf_copy_field(struct pg_buf *b, const char *v, int last);
/* An identifier, quoted for SQL; a new string. */
char *store_pg_ident(struct store_pg *st, const char *name);

/* One row's upsert (the operation table's upsert). */
enum store_status store_pg_upsert(struct store *, const char *const *values, enum strategy,
    enum key_conflict, int64_t import_id, struct upsert_result *res);

/* store-postgres-batch.c */
/* Prepares upsert_batch's statements for the schema's table; without a
 * sequence for its ids, upsert_batch goes row by row. */
enum store_status store_pg_batch_prepare(struct store_pg *st, const struct schema *s);
void store_pg_batch_finalize(struct store_pg *st);
enum store_status store_pg_upsert_batch(struct store *, const char *const *const *rows, size_t n,
    enum strategy, enum key_conflict, int64_t import_id, struct upsert_result *res);

/* store-postgres-journal.c */
enum store_status store_pg_journal_prepare(struct store *);
enum store_status store_pg_import_start(struct store *, const struct import_info *, int64_t *id);
enum store_status store_pg_journal_rows(struct store *, int64_t id, uint64_t batch_no,
    const struct record *records, size_t n);
enum store_status store_pg_journal_batch(struct store *, int64_t id, const struct batch_row *batch);
enum store_status store_pg_journal_seen(struct store *, int64_t id, const struct record *records,
    size_t n);
enum store_status store_pg_seen_clear(struct store *, int64_t id);
enum store_status store_pg_journal_progress(struct store *, int64_t id, uint64_t rows_done,
    uint64_t bytes_done, uint64_t total, const uint64_t *counts, enum import_status status,
    const char *last_error, int finished);
enum store_status store_pg_claim(struct store *, int64_t id, enum import_status from, int64_t pid,
    const char *host);
enum store_status store_pg_settle(struct store *, int64_t id, enum import_status from,
    enum import_status to, const char *last_error);
uint64_t store_pg_last_batch(struct store *, int64_t id);
enum store_status store_pg_journal_fixes(struct store *, int64_t id, const struct engine_fix *fixes,
    size_t n, const char *const *headers, size_t nheaders);
enum store_status store_pg_mapping_save(struct store *, const char *fingerprint, const char *schema,
    const char *mapping_json);
char *store_pg_mapping_load(struct store *, const char *fingerprint, const char *schema);
enum store_status store_pg_notice_claim(struct store *, int64_t id, const char *end);
enum store_status store_pg_notice_save(struct store *, int64_t id, const char *end,
    const char *outcomes_json);
int store_pg_notices(struct store *, int64_t id, char ***outcomes_json, size_t *n);

/* store-postgres-read.c */
enum store_status store_pg_read_begin(struct store *);
void store_pg_read_end(struct store *);
int store_pg_import_get(struct store *, int64_t id, struct import_row *row);
struct store_iter *store_pg_imports(struct store *, unsigned limit);
struct store_iter *store_pg_errors(struct store *, int64_t id, unsigned limit);
struct store_iter *store_pg_batches(struct store *, int64_t id);
struct store_iter *store_pg_fixes(struct store *, int64_t id);
struct store_iter *store_pg_rejects(struct store *, int64_t id);
struct store_iter *store_pg_changes(struct store *, int64_t id, enum store_changes_order order);
int store_pg_error_counts(struct store *, int64_t id, enum store_count_by by,
    struct name_count **out, size_t *n);
int store_pg_reject_width(struct store *, int64_t id, size_t *width);

/* store-postgres-rollback.c */
enum store_status store_pg_records_prepare(struct store *, const struct schema *);
void store_pg_records_finalize(struct store_pg *st);
int store_pg_record_load(struct store *, int64_t record_id, const char *const **values,
    int64_t *imported_from);
enum store_status store_pg_record_delete(struct store *, int64_t record_id, int *done);
enum store_status store_pg_records_unseen(struct store *, int64_t id, size_t limit, int64_t *ids,
    size_t *n);
enum store_status store_pg_record_restore(struct store *, int64_t record_id, const char *before);
enum store_status store_pg_rolled_back(struct store *, int64_t id, uint64_t deleted,
    uint64_t restored, uint64_t conflicts, int forced);
enum store_status store_pg_exists(struct store *, const char *table, const char *column,
    const char *value, int *found);

#endif
