/* The engine: one import from a file to the store, in numbered batches,
 * each committed with its journal in one transaction. A reader thread
 * parses and validates batch k+1 while batch k is written. Knows nothing of
 * terminals. */
#ifndef SLUICE_ENGINE_H
#define SLUICE_ENGINE_H

#include <jansson.h>
#include <stdint.h>

#include "journal.h"
#include "record.h"
#include "store.h"

#define ENGINE_DEFAULT_BATCH 10000
#define ENGINE_DEFAULT_RETRIES 3
#define ENGINE_DEFAULT_RETRY_BASE_MS 200
#define ENGINE_MAX_SAMPLES 20

struct engine_options {
	const char *path;	/* the file to import */
	const char *db;		/* the SQLite database */
	const char *schema;	/* name or path; default "contacts" */
	const char *map;	/* "Header=field,…" or NULL */
	const char *map_file;	/* or NULL */
	enum strategy strategy;
	unsigned batch_size;
	unsigned retries;
	unsigned retry_base_ms;
	const char *region;	/* NULL: the schema's */
	int delimiter;		/* 0: sniff */
	const char *sheet;	/* workbooks: name or 1-based number; NULL: first visible */
	const char *encoding;	/* CSV: forced encoding; NULL: detect */
	int dry_run;
};

/* Called on the engine's thread for things a person should notice (retry,
 * replay); message is a full sentence. */
struct engine_hooks {
	void (*notice)(void *ctx, const char *message);
	void *ctx;
};

/* What an import did, for the summary. */
struct engine_result {
	int64_t id;
	const char *status;	/* completed, completed_with_errors, interrupted, failed */
	int dry_run;
	uint64_t total;
	struct counts counts;
	uint64_t errors_by_type[ERROR_TYPE_COUNT];
	json_t *errors_by_field;	/* {field: n} */
	json_t *samples;		/* first errors: [{row, line, field, type, message, value}] */
	double duration_s;
	char *last_error;		/* why it stopped early, or NULL */
	char *file;
	char *schema;
	char *table;
	char *source_description;
	char *mapping_json;
	enum strategy strategy;
	unsigned batch_size;
};

/* Runs one import. Returns 0 when the import ran (result says how it
 * ended), or -1 when it could not start: *cause then says why (bad file,
 * schema, mapping or database) and nothing was written. */
int engine_import(const struct engine_options *opts, const struct engine_hooks *hooks,
    struct engine_result *result, char **cause);

void engine_result_clear(struct engine_result *result);

#endif
