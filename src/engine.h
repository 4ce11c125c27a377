/* The engine: one import from a file to the store, in numbered batches,
 * each committed with its journal in one transaction. It runs on a worker
 * thread; a reader thread parses batch k+1 and validator threads (one per
 * core) check its rows while batch k is written. Watchers read a progress snapshot and an event ring (progress.h)
 * and may pause, resume or cancel. Knows nothing of terminals. */
#ifndef SLUICE_ENGINE_H
#define SLUICE_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "journal.h"
#include "progress.h"
#include "record.h"
#include "status.h"
#include "store.h"
#include "validate.h"

#define ENGINE_DEFAULT_BATCH 10000
/* With the default batch size, up to this many batches share a
 * transaction where commits are costly (SQLite): engine.c. At 1,000,000
 * rows, 20 took 12.9-13.0 s against 13.6-13.7 s for 10 (alternated), and
 * 3 took 19.9 s against 16.9 s for 10 before, in the same memory (each
 * batch is spilled to a file once written). Commits still come at most
 * three seconds apart (ENGINE_GROUP_S). */
#define ENGINE_DEFAULT_GROUP 20
#define ENGINE_DEFAULT_RETRIES 3
#define ENGINE_DEFAULT_RETRY_BASE_MS 200
/* How long a lost connection to a database server is tried again. */
#define ENGINE_DEFAULT_RECONNECT_FOR_S 120
/* How long one statement may take on a database server; an answer that
 * does not come a little after that is a server gone silent. */
#define ENGINE_DEFAULT_STATEMENT_TIMEOUT_S 300
/* The most validator threads an import may have (--threads). */
#define ENGINE_MAX_THREADS 256
#define ENGINE_MAX_SAMPLES 20
#define ENGINE_MAX_MATCH_SAMPLES 5

/* How many rejected and failed rows an import may have before it stops
 * at a batch boundary (--max-errors): a number, or a percentage of the
 * rows written so far. */
struct engine_error_budget {
	int on;	     /* 0: no limit */
	int percent; /* limit is a percentage */
	uint64_t limit;
};

/* A restore's reference from a column of this table to another table's
 * records: a row whose value in column names no record of table (by its
 * key field) is rejected as a business error. */
struct engine_reference {
	const char *column; /* the file's column */
	const char *table;  /* the parent's table */
	const char *key;    /* the parent's key field */
};

struct engine_options {
	const char *path;	  /* the file to import */
	const char *db;		  /* the SQLite database */
	const char *schema;	  /* name or path; default "contacts" */
	const char *map;	  /* "Header=field,…" or NULL */
	const char *map_file;	  /* or NULL */
	const char *mapping_json; /* a whole mapping chosen elsewhere (the
				 * wizard; mapping_to_json): it replaces the
				 * suggestion and any remembered mapping */
	int strict_mapping;	  /* refuse columns no rule maps, or only likely */
	enum strategy strategy;
	enum invalid_values invalid_values; /* what an invalid value costs */
	enum key_conflict on_key_conflict;  /* default: reject */
	unsigned batch_size;
	unsigned retries;
	unsigned retry_base_ms;
	unsigned threads;   /* validator threads; 0: one per core */
	const char *region; /* NULL: the schema's */
	int delimiter;	    /* 0: sniff */
	const char *sheet; /* workbooks: name or 1-based number; NULL: the first visible holding rows */
	const char *encoding; /* CSV: forced encoding; NULL: detect */
	size_t max_field;     /* CSV: the most bytes a field holds; 0: 1 MiB
			       * (source_options.max_field) */
	unsigned header_line; /* CSV: the header's line; 0: found (source_options) */
	int dry_run;
	int unrecorded;			       /* a dry run that leaves no line in the history
				 * (the wizard's preview checks) */
	double max_duration_s;		       /* stop at a batch boundary after this; 0: none */
	unsigned max_batches;		       /* stop at a batch boundary after this many
				 * batches of this run; 0: none */
	struct engine_error_budget max_errors; /* rejected + failed rows allowed */
	double pace;			       /* rows per second at most; 0: as fast as it goes */
	unsigned batch_delay_ms;	       /* a wait between two batches; 0: none */
	double reconnect_for_s;		/* reconnect to a lost server for this long; 0: never */
	unsigned connect_timeout_s;	/* a connection attempt's limit; 0: the default */
	unsigned statement_timeout_s;	/* a statement's limit on a server; 0: none */
	int start_paused;		/* wait for engine_pause(e, 0) before the first batch */
	const struct engine_fix *fixes; /* in any order; copied by engine_start */
	size_t nfixes;
	/* A restore's references (valid until engine_finish), checked
	 * before each row is written; on a resume too. */
	const struct engine_reference *references;
	size_t nreferences;
	/* How 03/04/2024 is read, "dmy" or "mdy"; NULL: the schema's when it
	 * says one, else as the headers' language writes dates. */
	const char *date_order;
	int64_t restore_id;	     /* a restore's table (import_info.restore_id) */
	const char *restore_members; /* the backup's other members, or NULL */
	int64_t resume_id;	     /* continue this import instead of starting one:
				 * file, schema, mapping, strategy, key conflicts,
				 * batch size, region and date order then come
				 * from the journal */
};

/* What engine_start refused to start for, besides its sentence. */
enum engine_refusal_kind {
	ENGINE_REFUSED_FILE,	 /* the file cannot be read, or changed */
	ENGINE_REFUSED_SCHEMA,	 /* the schema or the phone region */
	ENGINE_REFUSED_MAPPING,	 /* the mapping is incomplete or refused */
	ENGINE_REFUSED_DATABASE, /* the database cannot be used */
	ENGINE_REFUSED_RESUME,	 /* there is nothing to resume */
};

/* Parses a --max-errors value, "500" or "5%" (a percentage up to 100):
 * 0, or -1 when it is neither. */
int engine_error_budget_parse(const char *arg, struct engine_error_budget *out);

/* How an import reads ambiguous dates such as 03/04/2024: as option
 * ("dmy", "mdy") says, else as the schema says when it says one, else day
 * first when the headers are written in the language of a country that
 * writes the day first (French and Spanish Outlook exports write birthdays
 * 25/12/1980), else the schema's default, month first. Sets *from to what
 * chose it ("option", "schema", "headers", "default") and *country to that
 * country for "headers" (else NULL). */
enum date_order engine_date_order_choose(const struct schema *schema, const char *option,
    const char *const *headers, size_t nheaders, const char **from, const char **country);

/* Validator threads when engine_options.threads is 0: one per core. */
unsigned engine_default_threads(void);

/* Its name in JSON: "file", "schema", "mapping", "database", "resume". */
const char *engine_refusal_name(enum engine_refusal_kind kind);

struct mapping;

/* A refusal: the sentence, the file, and for a mapping refusal the mapping
 * as far as it got (or NULL) under its schema. Valid during the hook. */
struct engine_refusal {
	enum engine_refusal_kind kind;
	const char *message;
	const char *file;
	const struct mapping *mapping;
	const struct schema *schema;
};

/* notice is called for things a person should notice (a retry) during
 * engine_start's setup only, before the worker runs (its events are marked
 * setup in the ring, which watchers skip); once the import runs, every
 * event comes through the ring alone. message is a full sentence. refused,
 * when set, is called by engine_start before it returns NULL. */
struct engine_hooks {
	void (*notice)(void *ctx, const char *message);
	void (*refused)(void *ctx, const struct engine_refusal *refusal);
	void *ctx;
};

/* A field of a matched record that update or merge would change: the
 * stored value, the row's, and what each strategy makes of them (NULL:
 * empty). */
struct match_change {
	char *field;
	char *stored;
	char *incoming;
	char *update;
	char *merge;
};

/* A matched row and the fields of its record that would change. */
struct match_sample {
	int64_t row;
	int64_t record_id;
	int from_file; /* the record was written by an earlier row of this
			* import (the file repeats itself), not stored before */
	char *key;     /* a key conflict: the match key whose value
				 * differs (update shows it replaced), else NULL */
	struct match_change *changes;
	size_t nchanges;
};

/* What an import did, for the summary. Everything in it belongs to it
 * (engine_result_clear). */
struct engine_result {
	int64_t id;
	enum import_status status; /* completed, completed with errors,
					 * interrupted, failed, cancelled */
	int dry_run;
	uint64_t total;
	struct counts counts;
	uint64_t errors_by_type[ERROR_TYPE_COUNT];
	/* Of those errors, the values dropped from rows that were kept. */
	uint64_t values_dropped;
	/* Errors by field, in the order the fields were first met ("(row)":
	 * errors of the whole row). */
	struct name_count *errors_by_field;
	size_t nerrors_by_field;
	/* The first errors, ENGINE_MAX_SAMPLES at most. */
	struct error_row *samples;
	size_t nsamples;
	/* How the written rows met the stored records (committed rows only):
	 * new, matching a record stored before, repeating an earlier row of
	 * the file, matching two records, matching a record whose other match
	 * key differs (rejected, or written under KEY_CONFLICT_UPDATE). */
	uint64_t new_records, matched_stored, matched_file, ambiguous, key_conflicts;
	/* A few matched rows (ENGINE_MAX_MATCH_SAMPLES at most) and what each
	 * strategy makes of them: only rows with a field that changes under
	 * update or merge. */
	struct match_sample *match_samples;
	size_t nmatch_samples;
	/* The same for a few key conflicts: what update and merge would make
	 * of the record under KEY_CONFLICT_UPDATE. */
	struct match_sample *conflict_samples;
	size_t nconflict_samples;
	double duration_s;
	uint64_t rows_this_run; /* rows processed by this run (a resume's own) */
	int resumed;		/* this run continued an earlier one: the
					 * matching counts cover this run only */
	char *last_error;	/* why it stopped early, or NULL */
	int last_error_type;	/* the enum error_type of last_error
					 * (connection: the server stayed away),
					 * or -1 (none, or a time limit) */
	char *file;
	char *schema;
	char *table;
	char *source_description;
	char *sheet;	      /* workbooks: the sheet read; NULL otherwise */
	uint64_t header_line; /* the line of the header (CSV: lines above it skipped) */
	/* The region the file's headers suggest ("DE") when half or more of
	 * the phone numbers invalid in the import's region (not in a row's
	 * country) are valid there, and how many are; "" and 0 otherwise. */
	char region_hint[3];
	uint64_t region_hint_phones;
	/* How ambiguous dates were read: "dmy" or "mdy"; what chose it:
	 * "option", "mapping" (a mapping file's or a remembered mapping's),
	 * "schema", "headers" (the country whose language they are written
	 * in, date_order_country) or "default"; and how many dates
	 * were refused that the other order reads (25/12/1980 month first). */
	char date_order[4];
	char date_order_from[8];
	char date_order_country[3];
	uint64_t dates_other_order;
	/* The columns this run added to the target table, made before the
	 * schema had their fields ("a, b"), or NULL. */
	char *columns_added;
	char *mapping_json;
	enum strategy strategy;
	enum key_conflict on_key_conflict;
	unsigned batch_size;
};

struct engine;

/* Checks everything that can be checked before a row is written (file,
 * schema, mapping, database; for a resume, that the file is unchanged and
 * the import not running elsewhere), records the import, and starts the
 * worker thread. Returns NULL with *cause when it cannot start: nothing was
 * written then. opts and hooks must outlive the engine. */
struct engine *engine_start(const struct engine_options *opts, const struct engine_hooks *hooks,
    char **cause);

/* The snapshot and events of a running engine; valid until engine_finish. */
struct progress *engine_progress(struct engine *e);

/* Any thread: pause (at the next batch boundary) or resume; cancel (the
 * batch in flight is rolled back). Harmless when repeated. */
void engine_pause(struct engine *e, int paused);
void engine_cancel(struct engine *e);

/* 1 while the worker runs. */
int engine_running(struct engine *e);
/* Waits up to ms for the worker to end: 1 if it still runs. A watcher
 * sleeping its period this way sees the end at once, not up to a period
 * later (a 200-row import took 0.37 s, 0.1 s of it the last sleep). */
int engine_wait_end(struct engine *e, unsigned ms);

/* Waits for the worker, fills *result and frees the engine. */
void engine_finish(struct engine *e, struct engine_result *result);

/* engine_start + engine_finish: runs one import to its end. Returns 0 when
 * the import ran (result says how it ended), or -1 with *cause when it
 * could not start. */
int engine_import(const struct engine_options *opts, const struct engine_hooks *hooks,
    struct engine_result *result, char **cause);

void engine_result_clear(struct engine_result *result);

/* --- Watching an import (engine-watch.c) --- */

#define ENGINE_WATCH_PERIOD_MS 100

/* Whoever watches an import: told, once a period, what happened and how it
 * stands. Any callback may be NULL. */
struct engine_watcher {
	/* Asked first: 1 cancels the import (the batch in flight is rolled
	 * back); saying so again is harmless. */
	int (*should_cancel)(void *ctx);
	/* Asked next: 1 pauses the import, 0 resumes it, -1 leaves it. */
	int (*should_pause)(void *ctx);
	/* The events since the last period, oldest first; not those of the
	 * setup (engine_start's notice hook told them). */
	void (*event)(void *ctx, const struct progress_event *ev);
	/* Then the snapshot; the last one is how the import ended. */
	void (*snapshot)(void *ctx, const struct progress_snapshot *s);
	void *ctx;
	unsigned period_ms; /* 0: ENGINE_WATCH_PERIOD_MS */
};

/* Watches e until its worker has ended; engine_finish then returns at
 * once. */
void engine_watch(struct engine *e, const struct engine_watcher *w);

/* An import another process runs, as far as it can be seen from here
 * (sluice watch reads the journal). */
struct engine_watch_source {
	/* Fills *s: returns 1 while the import runs, 0 once it has ended (*s
	 * is then its end), -1 when it cannot be read. */
	int (*read)(void *ctx, struct progress_snapshot *s);
	void *ctx;
};

/* The same watch over src: snapshots only (no events, and nothing to
 * cancel or pause from here: should_cancel stops the watch). 0 once the
 * import has ended or the watch was stopped, -1 when src could not read
 * it. */
int engine_watch_source(const struct engine_watch_source *src, const struct engine_watcher *w);

/* A source that reads an import's line in the journal (sluice watch, the
 * wizard following an import from Home), with a rate smoothed over reads
 * a second or more apart. */
struct journal;
struct engine_watch_journal {
	struct journal *j;
	int64_t id;
	int first;
	double last_t, rate;
	uint64_t last_rows;
};
void engine_watch_journal_init(struct engine_watch_journal *jw, struct journal *j, int64_t id);
/* engine_watch_source's read over a struct engine_watch_journal. */
int engine_watch_journal_read(void *ctx, struct progress_snapshot *s);

#endif
