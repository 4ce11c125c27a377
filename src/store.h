/* The target database behind one small interface: store_open() chooses the
 * backend from the target, and everything else goes through the wrappers
 * below, which call the backend's operation table (store-sqlite*.c;
 * PostgreSQL later). The store knows schemas and records, not files. Used
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
};

/* How a store call ended, so the engine knows what to do next. */
enum store_status {
	STORE_OK,
	STORE_TRANSIENT,	/* busy, locked: roll back, wait, retry */
	STORE_ROW,		/* this row cannot be written (constraint, too big) */
	STORE_FATAL,		/* disk full, I/O error, read-only, corrupt: stop */
};

/* The result of one upsert. */
struct upsert_result {
	enum outcome outcome;	/* created … skipped, or rejected */
	int64_t record_id;	/* the stored record's id */
	char *before;		/* JSON before-image for updated/merged, else NULL;
				 * holds every field and imported_from */
	uint64_t after_hash;	/* store_values_hash of what was written */
	int64_t matched_from;	/* the matched record's imported_from (-1: none) */
	char *reason;		/* rejected: why (a sentence), else NULL */
	int reason_field;	/* rejected: the field concerned, or -1 */
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
	 * that an existing one has every column; prepares statements. */
	enum store_status (*prepare)(struct store *, const struct schema *, char **cause);
	/* Dry runs: everything from here on happens inside one transaction
	 * that dry_run_end() rolls back; begin/commit/rollback then work on
	 * savepoints inside it. */
	enum store_status (*dry_run_begin)(struct store *);
	void (*dry_run_end)(struct store *);
	/* One batch's transaction: begin takes the write lock at once. */
	enum store_status (*begin)(struct store *);
	enum store_status (*commit)(struct store *);
	void (*rollback)(struct store *);
	/* Finds the record matching values (one per schema field, NULL =
	 * empty) by the schema's match keys and writes it by strategy. Fills
	 * *res (caller frees with store_result_clear). */
	enum store_status (*upsert)(struct store *, const char *const *values,
	    enum strategy, int64_t import_id, struct upsert_result *res);
	/* The last error as a sentence for people. */
	const char *(*errmsg)(struct store *);
};

/* Opens (creating if needed) the database at target: a file path is an
 * SQLite database; a postgresql:// or postgres:// URL names a PostgreSQL
 * database. NULL and *cause (a sentence, a new string) when it cannot. */
struct store *store_open(const char *target, char **cause);
/* Closes the connection; NULL is fine. */
void store_close(struct store *st);

/* The operations of the table above, on st. */
enum store_status store_ready(struct store *st, char **cause);
enum store_status store_prepare(struct store *st, const struct schema *s, char **cause);
enum store_status store_dry_run_begin(struct store *st);
void store_dry_run_end(struct store *st);
enum store_status store_begin(struct store *st);
enum store_status store_commit(struct store *st);
void store_rollback(struct store *st);
enum store_status store_upsert(struct store *st, const char *const *values,
    enum strategy strategy, int64_t import_id, struct upsert_result *res);
const char *store_errmsg(struct store *st);

/* Frees what an upsert put in res and empties it. */
void store_result_clear(struct upsert_result *res);

/* What a stored record becomes when incoming values meet it under a
 * strategy (ARCHITECTURE.md, Duplicates). out[f] points into stored or
 * incoming, or to a new string kept in owned[f] (list unions; the caller
 * frees owned[0..nfields)). Returns 1 when anything differs from stored. */
int store_resolve(const struct schema *schema, enum strategy strategy,
    const char *const *stored, const char *const *incoming, const char **out,
    char **owned);

/* A 64-bit fingerprint of a record's values (one per field, NULL = empty),
 * kept with each change so that a rollback can tell whether anyone has
 * changed the record since. */
uint64_t store_values_hash(const char *const *values, size_t n);

const char *store_strategy_name(enum strategy s);
/* Parses "skip", "update" or "merge"; -1 otherwise. */
int store_strategy_parse(const char *name);

#endif
