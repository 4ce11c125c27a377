/* The journal: sluice's own tables in the target database (sluice_*),
 * written in the same transaction as each batch's rows, so the database
 * always knows which rows of which import are in. Backend-neutral: every
 * call goes through the store's operations; rows are typed (store.h,
 * record.h). */
#ifndef SLUICE_JOURNAL_H
#define SLUICE_JOURNAL_H

#include <stdint.h>
#include <time.h>

#include "record.h"
#include "schema.h"
#include "status.h"
#include "store.h"

struct journal;

struct counts {
	uint64_t n[OUTCOME_COUNT];
};

/* A journal on the store's database. Reading needs nothing more. */
/* The journal writes times in UTC as 2026-11-30T21:10:39.123Z (older
 * journals without the milliseconds): the time iso says, or -1 when it
 * says none. Milliseconds are left out (the report's durations come from
 * the store, to the millisecond). */
time_t journal_time(const char *iso);

struct journal *journal_open(struct store *store);
/* Before writing: creates the journal tables when missing and prepares the
 * statements. Takes the write lock briefly, so may be STORE_TRANSIENT. */
enum store_status journal_prepare(struct journal *j);
void journal_close(struct journal *j);

/* Records a new import with status running (its own transaction unless
 * one is open) and sets *id. The journal adds who runs it (pid, host,
 * user). */
enum store_status journal_import_start(struct journal *j, const struct import_info *info,
    int64_t *id);

/* Writes what the journal keeps of records[0..n): errors, the original
 * cells of rejected and failed rows, and the changes (before-images) of
 * written ones. Call inside the batch's transaction. */
enum store_status journal_rows(struct journal *j, int64_t id, uint64_t batch_no,
    const struct record *records, size_t n);

/* Remembers the stored records that records[0..n) met (record_id), for
 * an import by --strategy replace: what no row met is deleted after the
 * last batch (store_records_unseen). Inside the batch's transaction. */
enum store_status journal_seen(struct journal *j, int64_t id, const struct record *records, size_t n);
/* Forgets them once the deletions are done. */
enum store_status journal_seen_clear(struct journal *j, int64_t id);

/* Records (or replaces) batch batch_no's line; status is the batch's word
 * ("committed", "replayed"). */
enum store_status journal_batch(struct journal *j, int64_t id, uint64_t batch_no,
    uint64_t first_row, uint64_t rows, const struct counts *counts, unsigned attempts,
    uint64_t duration_ms, const char *status);

/* Updates the import's cursor (rows_done), how far into the file it is
 * (bytes_done), counters and status. total is written when non-zero;
 * finished sets finished_at. Asserts that an import this journal started
 * or claimed may move to status. */
enum store_status journal_progress(struct journal *j, int64_t id, uint64_t rows_done,
    uint64_t bytes_done, uint64_t total, const struct counts *counts, enum import_status status,
    const char *last_error, int finished);

/* Takes over import id for this process (pid, host, status running) if its
 * status is still from. STORE_ROW when someone else changed it first. */
enum store_status journal_claim(struct journal *j, int64_t id, enum import_status from);

/* Takes the lock that says import id runs on this connection (a
 * PostgreSQL advisory lock; a file needs none): STORE_ROW when another
 * connection holds it, the import running elsewhere. A lost connection
 * made again takes it again; journal_unlock() or closing lets it go. */
enum store_status journal_lock(struct journal *j, int64_t id);
void journal_unlock(struct journal *j);

/* The import this process started (id 0: the latest it started) or
 * claimed (id) and is running, or 0: after a lost connection, whether the
 * start or claim in flight committed. */
int64_t journal_own_import(struct journal *j, int64_t id);

/* The highest batch number journaled for import id (0 when none). */
uint64_t journal_last_batch(struct journal *j, int64_t id);

/* Whether the process that runs an import is alive: 1 yes, 0 no (it was on
 * this host and is gone), -1 cannot tell (another host). */
int journal_process_alive(const char *host, int64_t pid);

/* The status row really has: a live import whose process is gone is
 * interrupted. Writes nothing. */
enum import_status journal_status_seen(const struct import_row *row);

/* The same, and a live import whose process is gone is marked interrupted
 * in the journal (best effort) and in row. */
enum import_status journal_settle(struct journal *j, struct import_row *row);

/* Records the cells fixed by hand for import id (headers name the
 * columns). */
enum store_status journal_fixes(struct journal *j, int64_t id, const struct engine_fix *fixes,
    size_t n, const char *const *headers, size_t nheaders);

/* Remembers the mapping (mapping_to_json) used for files whose header has
 * this fingerprint (mapping_fingerprint), for schema; the latest wins. */
enum store_status journal_mapping_save(struct journal *j, const char *fingerprint,
    const char *schema, const char *mapping_json);
/* The remembered mapping, a new string, or NULL. */
char *journal_mapping_load(struct journal *j, const char *fingerprint, const char *schema);

/* The notices of import id's ends (notify.h): end names one end (its
 * status and time). journal_notice_claim makes this process the one that
 * sends them: STORE_OK, or STORE_ROW when another one claimed that end.
 * journal_notice_save keeps what was delivered, a JSON array. */
enum store_status journal_notice_claim(struct journal *j, int64_t id, const char *end);
enum store_status journal_notice_save(struct journal *j, int64_t id, const char *end,
    const char *outcomes_json);
/* Each end's JSON array, oldest first, as new strings (free each and the
 * array); 0, or -1 when the journal cannot be read. */
int journal_notices(struct journal *j, int64_t id, char ***outcomes_json, size_t *n);

/* Marks import id, whose status was from, rolled back, with what the
 * rollback did. Inside the rollback's transaction. */
enum store_status journal_rolled_back(struct journal *j, int64_t id, enum import_status from,
    uint64_t deleted, uint64_t restored, uint64_t conflicts, int forced);

/* --- Reading -------------------------------------------------------------- */

/* Holds one snapshot of the journal, without the write lock, over every
 * read until journal_read_end(). */
enum store_status journal_read_begin(struct journal *j);
void journal_read_end(struct journal *j);

/* Import id in *row (store_import_row_clear): 1, or 0 when there is no
 * such import (or no journal yet), -1 when the journal cannot be read. */
int journal_import(struct journal *j, int64_t id, struct import_row *row);

/* The latest imports, newest first, at most limit, settled
 * (journal_settle): a new array (journal_imports_free); 0, or -1 when the
 * journal cannot be read. No journal yet: none. */
int journal_imports(struct journal *j, unsigned limit, struct import_row **rows, size_t *n);
void journal_imports_free(struct import_row *rows, size_t n);

/* The imports of restore restore_id (import_row.restore_id: one a table),
 * oldest first, settled: a new array (journal_imports_free); 0, or -1
 * when the journal cannot be read. */
int journal_restore(struct journal *j, int64_t restore_id, struct import_row **rows, size_t *n);

/* The first limit errors of import id in row order, a new array
 * (journal_errors_free); 0, or -1 when the journal cannot be read. */
int journal_errors(struct journal *j, int64_t id, unsigned limit, struct error_row **rows, size_t *n);
void journal_errors_free(struct error_row *rows, size_t n);

/* Errors of import id counted by type or by field, most first, a new array
 * (journal_counts_free); 0 or -1. */
int journal_error_counts(struct journal *j, int64_t id, enum store_count_by by,
    struct name_count **counts, size_t *n);
void journal_counts_free(struct name_count *counts, size_t n);

/* Streaming cursors over import id (store_next_*, store_iter_close); NULL
 * when the journal cannot be read. */
struct store_iter *journal_each_error(struct journal *j, int64_t id);
struct store_iter *journal_each_batch(struct journal *j, int64_t id);
struct store_iter *journal_each_fix(struct journal *j, int64_t id);
struct store_iter *journal_each_reject(struct journal *j, int64_t id);
struct store_iter *journal_each_change(struct journal *j, int64_t id, enum store_changes_order order);

/* What the batches of import id tell, read from the journal. */
struct batch_facts {
	uint64_t batches;	 /* batches committed */
	uint64_t failed_batches; /* of those, the ones the database refused as a
				  * whole, written again row by row so that only
				  * the rows it refused failed ("replayed") */
	uint64_t retries;	 /* attempts after the first, over every batch */
};
/* 0 and *f, or -1 when the journal cannot be read. */
int journal_batch_facts(struct journal *j, int64_t id, struct batch_facts *f);

/* The most cells a rejected row of import id has; 0 or -1. */
int journal_reject_width(struct journal *j, int64_t id, size_t *width);

/* The store's last error, a sentence. */
const char *journal_errmsg(struct journal *j);

#endif
