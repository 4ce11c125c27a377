/* The JSON-lines progress protocol: one JSON object per line for each
 * snapshot ("progress") and event ("event") of an import, as sluice import
 * --progress=jsonl prints them, plus the lines the wizard's import process
 * adds ("started", "error", "result"). Written and read here only. */
#ifndef SLUICE_PROGRESS_JSONL_H
#define SLUICE_PROGRESS_JSONL_H

#include <stdint.h>
#include <stdio.h>

#include "progress.h"
#include "status.h"

/* Each writes one line on fp and flushes it. */
void progress_jsonl_snapshot(FILE *fp, const struct progress_snapshot *s);

/* A restore's table as its snapshots show it: rows processed of total
 * (0: not known yet). */
struct progress_table {
	const char *name;
	uint64_t processed, total;
};
/* A restore's snapshot: the current table's import as
 * progress_jsonl_snapshot writes it, with "table" (its name) and
 * "tables": {"users": {"processed": 50, "total": 50}, …} for all n, and
 * "restore": {"processed", "total"}, their sums. */
void progress_jsonl_snapshot_tables(FILE *fp, const struct progress_snapshot *s, const char *table,
    const struct progress_table *tables, size_t n);
void progress_jsonl_event(FILE *fp, const struct progress_event *ev);
/* The import has started: its id (0 for a dry run), whether it is one. */
void progress_jsonl_started(FILE *fp, int64_t id, int dry_run);
/* The import could not start: why, a sentence. */
void progress_jsonl_error(FILE *fp, const char *message);
/* The import has ended: how, and why it stopped early (or NULL). */
void progress_jsonl_result(FILE *fp, int64_t id, enum import_status status, const char *last_error);

/* Which snapshots are worth a line: the first, then one whose rows done,
 * status or exactness of the total differs from the last one written, or
 * (every_s > 0) one every_s seconds of the import after it. */
struct progress_jsonl_filter {
	double every_s;
	int written;
	uint64_t rows_done;
	enum import_status status;
	int total_exact;
	double elapsed_s;
};

/* 1 when s is worth a line (and is then taken as written), else 0. */
int progress_jsonl_filter(struct progress_jsonl_filter *f, const struct progress_snapshot *s);

enum progress_line_type {
	PROGRESS_LINE_SNAPSHOT, /* "progress" */
	PROGRESS_LINE_EVENT,	/* "event" */
	PROGRESS_LINE_STARTED,	/* "started" */
	PROGRESS_LINE_ERROR,	/* "error" */
	PROGRESS_LINE_RESULT,	/* "result" */
};

/* One line read back. */
struct progress_line {
	enum progress_line_type type;
	struct progress_snapshot snap; /* SNAPSHOT */
	struct progress_event event;   /* EVENT (an unknown kind reads as info) */
	int64_t id;		       /* STARTED, RESULT */
	int dry_run;		       /* STARTED */
	enum import_status status;     /* RESULT */
	char *message;		       /* ERROR: why; RESULT: the last error or
					 * NULL */
};

/* Reads one line (its newline left out) into *out: 0, or -1 when it is
 * not a line of the protocol. progress_line_clear frees what *out holds. */
int progress_jsonl_read(const char *line, struct progress_line *out);
void progress_line_clear(struct progress_line *l);

#endif
