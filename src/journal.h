/* The journal: sluice's own tables in the target database (sluice_*),
 * written in the same transaction as each batch's rows, so the database
 * always knows which rows of which import are in. */
#ifndef SLUICE_JOURNAL_H
#define SLUICE_JOURNAL_H

#include <jansson.h>
#include <stdint.h>

#include "record.h"
#include "schema.h"
#include "store.h"

struct journal;

struct import_info {
	const char *source_path;
	uint64_t source_size;
	const char *source_sha256;	/* 64 hex digits */
	const char *source_format;	/* "csv" */
	const char *sheet;		/* or NULL */
	const char *encoding;		/* or NULL */
	const char *source_description;
	const char *schema_name;
	const char *schema_path;
	const char *target_table;
	const char *mapping_json;
	const char *strategy;
	unsigned batch_size;
	const char *region;
	int dry_run;
};

struct counts {
	uint64_t n[OUTCOME_COUNT];
};

/* A journal on the store's database. Reading needs nothing more. */
struct journal *journal_open(struct store *store);
/* Before writing: creates the journal tables when missing and prepares the
 * statements. Takes the write lock briefly, so may be STORE_TRANSIENT. */
enum store_status journal_prepare(struct journal *j);
void journal_close(struct journal *j);

/* Records a new import with status "running" (its own transaction unless
 * one is open) and sets *id. */
enum store_status journal_import_start(struct journal *j,
    const struct import_info *info, int64_t *id);

/* Writes what the journal keeps of records[0..n): errors, the original
 * cells of rejected and failed rows, and the changes (before-images) of
 * written ones. Call inside the batch's transaction. */
enum store_status journal_rows(struct journal *j, int64_t id, uint64_t batch_no,
    const struct record *records, size_t n);

/* Records (or replaces) batch batch_no's line in sluice_import_batches. */
enum store_status journal_batch(struct journal *j, int64_t id, uint64_t batch_no,
    uint64_t first_row, uint64_t rows, const struct counts *counts,
    unsigned attempts, uint64_t duration_ms, const char *status);

/* Updates the import's cursor (rows_done), how far into the file it is
 * (bytes_done), counters and status. total is written when non-zero;
 * finished sets finished_at. */
enum store_status journal_progress(struct journal *j, int64_t id,
    uint64_t rows_done, uint64_t bytes_done, uint64_t total,
    const struct counts *counts, const char *status, const char *last_error,
    int finished);

/* Takes over import id for this process (pid, host, status running) if its
 * status is still from_status. STORE_ROW when someone else changed it
 * first. */
enum store_status journal_claim(struct journal *j, int64_t id, const char *from_status);

/* The highest batch number journaled for import id (0 when none). */
uint64_t journal_last_batch(struct journal *j, int64_t id);

/* Whether the process that runs an import is alive: 1 yes, 0 no (it was on
 * this host and is gone), -1 cannot tell (another host). */
int journal_process_alive(const char *host, int64_t pid);

/* A running import whose process is gone is marked interrupted. Returns
 * the status the import really has (a static string or the one given). */
const char *journal_settle_status(struct journal *j, json_t *import_row);

/* Records the cells fixed by hand for import id (headers name the
 * columns). */
enum store_status journal_fixes(struct journal *j, int64_t id,
    const struct engine_fix *fixes, size_t n, const char *const *headers,
    size_t nheaders);

/* Remembers the mapping (mapping_to_json) used for files whose header has
 * this fingerprint (mapping_fingerprint), for schema; the latest wins. */
enum store_status journal_mapping_save(struct journal *j, const char *fingerprint,
    const char *schema, const char *mapping_json);
/* The remembered mapping, a new string, or NULL. */
char *journal_mapping_load(struct journal *j, const char *fingerprint, const char *schema);

/* Reading, for history and show. Each returns a new reference, or NULL
 * when there is nothing (no such import, no journal yet). */
json_t *journal_import_json(struct journal *j, int64_t id);
json_t *journal_imports_json(struct journal *j, unsigned limit);
/* Errors of one import: {row, line, field, type, message, value}. */
json_t *journal_errors_json(struct journal *j, int64_t id, unsigned limit);
/* {type: n} and {field: n} of one import. */
json_t *journal_error_counts_json(struct journal *j, int64_t id, const char *by);

#endif
