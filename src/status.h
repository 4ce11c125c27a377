/* The words of an import's life, each with one table: an import's status
 * (name in the journal and in JSON, label for people, live or finished,
 * exit code, the statuses it may move to) and a row's outcome (name,
 * label). Everything else asks these tables instead of comparing strings. */
#ifndef SLUICE_STATUS_H
#define SLUICE_STATUS_H

/* The process exit codes (doc/cli-contract.md). */
enum exit_code {
	EXIT_ALL_IMPORTED = 0,
	EXIT_SOME_REJECTED = 1,
	EXIT_USAGE = 2,
	EXIT_INTERRUPTED = 3,
	EXIT_CANCELLED = 130,
};

/* Where an import is. STATUS_NONE stands for a status the journal does not
 * have (no import, or a word this sluice does not know). */
enum import_status {
	STATUS_NONE,
	STATUS_PENDING,
	STATUS_VALIDATING,
	STATUS_RUNNING,
	STATUS_RETRYING, /* the engine's snapshot only: a batch waits to be retried */
	STATUS_PAUSED,
	STATUS_COMPLETED,
	STATUS_COMPLETED_WITH_ERRORS,
	STATUS_FAILED,
	STATUS_CANCELLED,
	STATUS_INTERRUPTED,
	STATUS_ROLLED_BACK,
	STATUS_COUNT
};

/* The name the journal, --json and the progress lines use ("running",
 * "completed_with_errors"); "" for STATUS_NONE. */
const char *status_name(enum import_status s);
/* The status with this name, or STATUS_NONE (also for NULL). */
enum import_status status_parse(const char *name);
/* The status as people read it, translated ("completed with errors"). */
const char *status_label(enum import_status s);
/* The same, short enough for a list column ("with errors"). */
const char *status_short_label(enum import_status s);
/* An import whose process works on it (running, paused, retrying, …): it
 * cannot be resumed, rolled back or reported as finished. */
int status_is_live(enum import_status s);
/* An import that has ended (completed … interrupted, rolled back). */
int status_is_finished(enum import_status s);
/* A finished import that `sluice resume` may continue (interrupted or
 * cancelled). */
int status_is_resumable(enum import_status s);
/* A status that calls for attention in a list (failed, interrupted). */
int status_is_alarming(enum import_status s);
/* The exit code of a command whose import ended in s. */
enum exit_code status_exit_code(enum import_status s);
/* Whether an import may move from one status to the other (the journal
 * asserts it where a status changes). Staying is always allowed. */
int status_may_become(enum import_status from, enum import_status to);

/* What happened to one row. Every row of a file ends in exactly one of
 * those before OUTCOME_DELETED. */
enum outcome {
	OUTCOME_CREATED,
	OUTCOME_UPDATED,
	OUTCOME_MERGED,
	OUTCOME_UNCHANGED,
	OUTCOME_SKIPPED,
	OUTCOME_REJECTED,
	OUTCOME_FAILED,
	OUTCOME_NOT_PROCESSED,
	/* No row's: a stored record that --strategy replace deleted because
	 * the file does not hold its match keys. Counted with the others but
	 * outside the per-row invariant (the rows' outcomes are those before
	 * it). */
	OUTCOME_DELETED,
	OUTCOME_COUNT
};

/* "created" … "not_processed": the journal's column and the JSON key. */
const char *outcome_name(enum outcome o);
/* The outcome with this name, or -1. */
int outcome_parse(const char *name);
/* As people read it, translated ("not processed"). */
const char *outcome_label(enum outcome o);

#endif
