/* What the engine thread shares with whoever watches it (the CLI's progress
 * line, the wizard): a snapshot copied under a mutex, and a bounded ring of
 * events a person should notice. The engine never waits for the reader. */
#ifndef SLUICE_PROGRESS_H
#define SLUICE_PROGRESS_H

#include <pthread.h>
#include <stdint.h>

#include "journal.h"
#include "status.h"

enum progress_event_kind {
	PROGRESS_INFO,
	PROGRESS_RETRY,	      /* a batch is retried after a transient error */
	PROGRESS_REPLAY,      /* a batch is written row by row */
	PROGRESS_ROWS_FAILED, /* rows the database refused */
	PROGRESS_TIME_LIMIT,  /* --max-duration reached */
	PROGRESS_LIMIT,	      /* --max-batches or --max-errors reached */
	PROGRESS_STORAGE,     /* disk full, I/O error, lost database */
	PROGRESS_PAUSED,
	PROGRESS_RESUMED,
	PROGRESS_CANCELLED,
	PROGRESS_DROPPED, /* events were lost because nobody read them */
};

struct progress_event {
	enum progress_event_kind kind;
	double elapsed_s;  /* since the import started */
	uint64_t batch;	   /* the batch concerned, or 0 */
	int setup;	   /* before the worker started (also told to the
				 * notice hook of engine_start's caller) */
	char message[384]; /* a sentence for people */
};

struct progress_snapshot {
	int64_t id;		   /* the import's id (0 for a dry run) */
	enum import_status status; /* validating, running, paused, retrying,
					 * completed, … */
	double percent;		   /* 0–100 */
	uint64_t rows_done;	   /* rows processed and committed */
	uint64_t rows_total;	   /* exact once the file is read, else estimated */
	int total_exact;
	struct counts counts;
	uint64_t batch;		/* batches committed */
	uint64_t batches_total; /* exact or estimated, like rows_total */
	double elapsed_s;
	double rows_per_s;
	double rows_per_min;
	double eta_s; /* smoothed; negative when unknown */
};

#define PROGRESS_RING 64

struct progress {
	pthread_mutex_t lock;
	struct progress_snapshot snap;
	struct progress_event ring[PROGRESS_RING];
	unsigned head, count;
	uint64_t dropped;
};

void progress_init(struct progress *p);
void progress_destroy(struct progress *p);

/* Engine side: replaces the snapshot; adds an event (never blocks: when
 * the ring is full the oldest event is dropped and counted, and a
 * PROGRESS_DROPPED event says how many). */
void progress_publish(struct progress *p, const struct progress_snapshot *snap);
void progress_event(struct progress *p, enum progress_event_kind kind, double elapsed_s,
    uint64_t batch, int setup, const char *message);

/* Watcher side: copies the snapshot; takes up to max events, oldest first,
 * returning how many. */
void progress_read(struct progress *p, struct progress_snapshot *out);
size_t progress_take(struct progress *p, struct progress_event *out, size_t max);

/* The kind's name in the JSON-lines protocol ("retry"); its kind back, or
 * -1 for a name it does not know. */
const char *progress_event_kind_name(enum progress_event_kind kind);
int progress_event_kind_parse(const char *name);

#endif
