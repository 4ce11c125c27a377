/* The outcome of one import as a JSON report (what --json prints) and as a
 * readable summary for people. Built from an engine result right after an
 * import, or from the journal later (sluice show). */
#ifndef SLUICE_SUMMARY_H
#define SLUICE_SUMMARY_H

#include <jansson.h>
#include <stdio.h>

#include "engine.h"
#include "journal.h"

/* The sentence naming the region phone numbers seem to come from and the
 * fix: "412 phone numbers look German; run with --region DE or map a
 * country column." A new string; for a region without an adjective
 * (country_adjective), its code: "3 phone numbers are valid in KE; ...". */
char *summary_region_hint(const char *region, unsigned long long phones);

/* New references. */
json_t *summary_from_result(const struct engine_result *r, const char *db);
json_t *summary_from_journal(struct journal *j, int64_t id, const char *db);

/* Pieces of a report, new references: an error row ({row, line, field,
 * type, message, value}; a value that is not UTF-8 is escaped), and counts
 * by name ({name: n}, in the order given). */
json_t *summary_error_json(const struct error_row *e);
json_t *summary_counts_json(const struct name_count *counts, size_t n);

/* The success rate of an import, 0..1: the rows that ended as the import
 * meant them to (created, updated, merged, unchanged, skipped) over all its
 * rows (total, the rejected, failed and not processed included); -1 when
 * it has no rows. n is by outcome (enum outcome). */
double summary_success_rate(const uint64_t *n, uint64_t total);

/* Sets "batches", "failed_batches" and "retries" of o from the journal's
 * batches of import id (struct batch_facts; null when unreadable). */
void summary_batch_facts(json_t *o, struct journal *j, int64_t id);

/* A restore's tables (journal_restore(): rows[0..n), oldest first) as
 * JSON: {"id": restore_id, "tables": [{"import", "table", "status",
 * "total", "processed", and a count per outcome}, …], "overall": {the same
 * counts summed}, "members": the backup's other members or null,
 * "left_out": the names of those too large to keep}. A new reference. */
json_t *summary_restore_json(const struct import_row *rows, size_t n, int64_t restore_id);

/* Prints the report for people: counts by outcome, errors by type and by
 * field, the first errors with row, field and value, duration and speed.
 * Cell values are escaped so the terminal never sees control bytes. */
void summary_print(FILE *fp, const json_t *report);

/* A status as people read it ("completed with errors"). */
const char *summary_status_text(const char *status);

#endif
