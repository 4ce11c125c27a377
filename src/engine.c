/* The batch loop. A reader thread turns source rows into records, a batch
 * at a time, into a bounded queue; validator threads (one per core) check
 * the rows in chunks, oldest batch first; the worker thread writes each
 * batch, in file order, in one transaction with its journal, retrying
 * transient failures with backoff and replaying a failing batch row by
 * row. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <stdarg.h>

#include <jansson.h>

#include "engine.h"
#include "fatal.h"
#include <signal.h>
#include "i18n.h"
#include "mapping.h"
#include "source.h"
#include "text.h"
#include "thread.h"
#include "validate.h"
#include "country.h"
#include "xmalloc.h"

/* A bump allocator for one chunk of a batch: everything its records hold
 * is freed at once when the batch is reused, and its memory kept for the
 * next rows, so that a running import does not go back to malloc. */
struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	char data[];
};

struct arena {
	struct arena_chunk *head;  /* in use, newest first */
	struct arena_chunk *spare; /* emptied by arena_reset */
};

#define ARENA_CHUNK (32 * 1024)

/* n bytes aligned for pointers (align 8) or for text (align 1). */
static void *
arena_alloc_aligned(struct arena *a, size_t n, size_t align)
{
	struct arena_chunk *c = a->head;
	if (c != NULL)
		c->used = (c->used + align - 1) & ~(align - 1);
	if (c == NULL || c->used > c->size || c->size - c->used < n) {
		if (a->spare != NULL && a->spare->size >= n) {
			c = a->spare;
			a->spare = c->next;
		} else {
			size_t size = n > ARENA_CHUNK ? n : ARENA_CHUNK;
			c = xmalloc(sizeof *c + size);
			c->size = size;
		}
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	void *p = c->data + c->used;
	c->used += n;
	return p;
}

static void *
arena_alloc(struct arena *a, size_t n)
{
	return arena_alloc_aligned(a, n, sizeof(void *));
}

static char *
arena_strdup(struct arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(arena_alloc_aligned(a, n, 1), s, n);
}

/* Empties the arena: its chunks of the usual size become spares, a
 * larger one (a huge row) is freed. */
static void
arena_reset(struct arena *a)
{
	for (struct arena_chunk *c = a->head, *next; c != NULL; c = next) {
		next = c->next;
		if (c->size == ARENA_CHUNK) {
			c->next = a->spare;
			a->spare = c;
		} else
			free(c);
	}
	a->head = NULL;
}

static void
arena_free(struct arena *a)
{
	arena_reset(a);
	for (struct arena_chunk *c = a->spare, *next; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->spare = NULL;
}

/* Rows a validator thread takes at a time: small enough that every core
 * works on the batch the writer waits for. */
#define ENGINE_CHUNK_ROWS 256

/* A batch on its way: filled by the reader, handed to the validators a
 * chunk at a time as its chunks fill, written once sealed and validated. */
struct batch {
	uint64_t number; /* 1-based */
	size_t n;	 /* rows read into it; final once sealed */
	struct record *records;
	struct arena arena;   /* the writer's: errors the store adds */
	struct arena *arenas; /* one per chunk: its rows' cells, values and
			       * validation errors */
	char **row_errors;    /* the source's complaint about each row, or NULL */
	/* Under the engine's lock: */
	size_t ready;	    /* rows handed to the validators */
	size_t taken;	    /* chunks a validator took */
	size_t validated;   /* chunks validated */
	int sealed;	    /* the reader is done with it */
	int last;	    /* the source ended after this batch */
	struct batch *next; /* in a queue, or in the writer's group */
};

static size_t
batch_chunks(size_t rows)
{
	return (rows + ENGINE_CHUNK_ROWS - 1) / ENGINE_CHUNK_ROWS;
}

/* The parts of an import's result (struct engine_result) that its
 * committed rows add to, as they were at a moment: what the rows of a
 * transaction that failed had added is taken back to it. */
struct result_mark {
	uint64_t errors_by_type[ERROR_TYPE_COUNT];
	uint64_t values_dropped;
	uint64_t new_records, matched_stored, matched_file, ambiguous, key_conflicts;
	size_t nerrors_by_field, nsamples, nmatch_samples, nconflict_samples;
	uint64_t *field_n; /* errors_by_field[i].n */
};

struct engine {
	struct engine_options o; /* a copy; for a resume, filled from the journal */
	const struct engine_hooks *hooks;
	char *owned[8]; /* strings o points to that the engine owns */
	size_t nowned;
	struct schema *schema;
	int *reference_fields;	       /* per o.references: its field, or -1 */
	struct validator **validators; /* one per validator thread */
	unsigned nthreads;
	struct source *source;
	struct mapping *mapping;
	struct store *store;
	struct journal *journal;
	int64_t id;
	struct import_row *resumed;	  /* the import a resume continues */
	int chose_settings;		  /* --region or --date-order given */
	int order_of_mapping;		  /* the date order is the mapping's */
	enum engine_refusal_kind refusal; /* what a failing setup step concerns */

	/* The queue from the reader through the validators to the writer,
	 * in file order. cond wakes the reader and the writer, vcond the
	 * validators. */
	pthread_mutex_t lock;
	pthread_cond_t cond, vcond;
	pthread_cond_t ended; /* with lock: running went to 0 */
	struct batch *batches;
	size_t nbatches;
	struct batch *free_batches;
	struct batch *full_head, *full_tail;
	int validators_quit;
	pthread_t *validator_threads;
	atomic_int stop;  /* the writer stopped: read on only to count */
	char *read_error; /* the rest of the file could not be read */
	/* A workbook given early (source_options.early), not yet read
	 * whole: nothing is committed until it has been, cleanly
	 * (engine_settle). source_failed: it was not, and nothing was. */
	int unsettled, source_failed;
	uint64_t skip_rows;   /* resume: rows before the cursor */
	uint64_t first_batch; /* resume: batches already journaled */
	int reconnected;      /* the connection was made again during setup:
			       * a step that is not to be done twice looks
			       * whether it was done */
	int error_type;	      /* the enum error_type that stopped the import
			       * (a store's failure, a file that cannot be
			       * read), or -1 */
	int journal_behind;   /* the server lost committed batches: what is
			       * counted here is not what it keeps, so the
			       * end is not journaled (resume reads the truth) */

	/* Reader progress, read by the writer for the snapshot. */
	atomic_ullong rows_read;
	atomic_ullong bytes_read;
	atomic_int read_done;
	uint64_t file_size;

	/* Control from watchers. */
	atomic_int cancel;
	atomic_int paused;
	atomic_int running;
	pthread_t worker;
	struct progress progress;

	/* Batches written in one transaction (store_groups_batches): how
	 * many since the last commit; when the transaction fails, each is
	 * written again alone. group_cap: how many one transaction takes at
	 * most (1: each its own). */
	size_t group_n, group_cap;
	double group_t0;
	struct counts group_counts;    /* their outcomes, not yet committed */
	uint64_t group_rows_done;      /* the last row they hold */
	uint64_t group_batch;	       /* the last batch they hold */
	struct result_mark group_mark; /* the result before them */
	/* The group's batches as written (their records, validated), in an
	 * unlinked temporary file, read back into redo to be written again
	 * alone when the transaction fails: memory does not grow with the
	 * group. */
	FILE *spill;
	struct spill_out *spill_out; /* the buffer spill is written through */
	char *spill_dir;	     /* where it is */
	char *spill_error;	     /* it could not be read back: why, a sentence */
	size_t group_spilled;	     /* of group_n, those in the spill file */
	struct batch *redo;

	/* The writer's state: what is committed. */
	struct counts committed;
	uint64_t rows_done;
	uint64_t rows_done_at_start;
	uint64_t batches_done;
	struct engine_result res;
	unsigned rand_state;
	char *prepare_cause; /* why the target table cannot be used */
	char sha256[65];     /* of the file, as it was when the import began */
	double t0;
	double last_publish;
	uint64_t last_rows;
	double rate;		    /* smoothed rows/s, for the ETA */
	double pace_t0;		    /* when this run's first batch began (--pace) */
	enum import_status stopped; /* why the writer stopped early (cancelled,
					 * interrupted), or STATUS_NONE */
	struct engine_fix *fixes;   /* sorted by row */
	size_t nfixes, next_fix;    /* next_fix: the reader's position */
};

/* Tells watchers something a person should notice: through the ring, and
 * during the setup (before the worker runs) through the notice hook. */
static void engine_event(struct engine *e, enum progress_event_kind kind, uint64_t batch,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static double
engine_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
engine_sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void
engine_event(struct engine *e, enum progress_event_kind kind, uint64_t batch, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	int setup = !atomic_load(&e->running);
	progress_event(&e->progress, kind, engine_now() - e->t0, batch, setup, msg);
	/* Once the import runs, watchers read it from the ring: told once. */
	if (setup && e->hooks != NULL && e->hooks->notice != NULL)
		e->hooks->notice(e->hooks->ctx, msg);
	free(msg);
}

/* Sleeps ms in short steps, returning early (1) when the import is
 * cancelled. */
static int
engine_wait_ms(struct engine *e, unsigned ms)
{
	while (ms > 0) {
		if (atomic_load(&e->cancel))
			return 1;
		unsigned step = ms < 50 ? ms : 50;
		engine_sleep_ms(step);
		ms -= step;
	}
	return atomic_load(&e->cancel);
}

static void
record_add_error(struct arena *a, struct record *r, int field, const char *field_name,
    enum error_type type, const char *message, const char *value)
{
	/* Rows rarely carry more than a few errors: grow one at a time. */
	struct row_error *errs = arena_alloc(a, (r->nerrors + 1) * sizeof *errs);
	if (r->nerrors)
		memcpy(errs, r->errors, r->nerrors * sizeof *errs);
	errs[r->nerrors] = (struct row_error){
		.field = field,
		.field_name = field_name,
		.type = type,
		.message = arena_strdup(a, message),
		.value = value ? arena_strdup(a, value) : NULL,
	};
	r->errors = errs;
	r->nerrors++;
}

/* Where validate_row's problems go: the record's errors. */
struct engine_problems {
	struct arena *a;
	struct record *r;
	const struct schema *s;
};

static void
engine_row_problem(void *ctx, int field, int column, const char *message, const char *value,
    int dropped)
{
	struct engine_problems *p = ctx;
	(void)column;
	record_add_error(p->a, p->r, field, field >= 0 ? p->s->fields[field].name : NULL,
	    ERROR_VALIDATION, message, value);
	p->r->errors[p->r->nerrors - 1].dropped = dropped;
}

/* Turns one source row into record i of b, cells copied and fixes
 * applied; validated later (engine_validate_record). The reader's. */
static void
engine_read_row(struct engine *e, struct batch *b, size_t i, const struct row *row)
{
	struct arena *a = &b->arenas[i / ENGINE_CHUNK_ROWS];
	struct record *r = &b->records[i];
	memset(r, 0, sizeof *r);
	r->row_no = row->number;
	r->line_no = row->line;
	r->ncells = row->ncells;
	r->cells = arena_alloc(a, (row->ncells + 1) * sizeof *r->cells);
	for (size_t c = 0; c < row->ncells; c++)
		r->cells[c] = arena_strdup(a, row->cells[c]);
	while (e->next_fix < e->nfixes && e->fixes[e->next_fix].row < row->number)
		e->next_fix++;
	for (size_t k = e->next_fix; k < e->nfixes && e->fixes[k].row == row->number; k++)
		if (e->fixes[k].column < row->ncells)
			r->cells[e->fixes[k].column] = arena_strdup(a, e->fixes[k].value);
	b->row_errors[i] = row->error != NULL ? arena_strdup(a, row->error) : NULL;
}

/* Validates record i of b with v: its values and validation errors go
 * into its chunk's arena. A validator thread's. */
static void
engine_validate_record(struct engine *e, struct validator *v, struct batch *b, size_t i)
{
	const struct schema *s = e->schema;
	struct arena *a = &b->arenas[i / ENGINE_CHUNK_ROWS];
	struct record *r = &b->records[i];
	r->values = arena_alloc(a, s->nfields * sizeof *r->values);
	r->outcome = OUTCOME_NOT_PROCESSED;

	struct engine_problems p = { .a = a, .r = r, .s = s };
	r->invalid =
	    validate_row(v, e->mapping->column, e->mapping->field, e->mapping->ncolumns, r->cells,
		r->ncells, b->row_errors[i], r->values, engine_row_problem, &p) > 0;
	/* The values move into the chunk's arena. */
	for (size_t f = 0; f < s->nfields; f++)
		if (r->values[f] != NULL) {
			char *val = r->values[f];
			r->values[f] = arena_strdup(a, val);
			free(val);
		}
	r->nvalidation = r->nerrors;
	if (r->invalid)
		r->outcome = OUTCOME_REJECTED;
}

/* The reader takes a free batch and puts it at the end of the queue,
 * where the validators see its chunks as they fill. */
static struct batch *
engine_take_free(struct engine *e, uint64_t number)
{
	pthread_mutex_lock(&e->lock);
	while (e->free_batches == NULL)
		pthread_cond_wait(&e->cond, &e->lock);
	struct batch *b = e->free_batches;
	e->free_batches = b->next;
	arena_reset(&b->arena);
	for (size_t c = 0; c < batch_chunks(e->o.batch_size); c++)
		arena_reset(&b->arenas[c]);
	b->number = number;
	b->n = b->ready = b->taken = b->validated = 0;
	b->sealed = b->last = 0;
	b->next = NULL;
	if (e->full_tail)
		e->full_tail->next = b;
	else
		e->full_head = b;
	e->full_tail = b;
	pthread_mutex_unlock(&e->lock);
	return b;
}

/* Hands the rows of b read so far to the validators; sealed: b is
 * complete (last: the source ended with it). */
static void
engine_hand_over(struct engine *e, struct batch *b, int sealed, int last)
{
	pthread_mutex_lock(&e->lock);
	b->ready = b->n;
	if (sealed) {
		b->sealed = 1;
		b->last = last;
		pthread_cond_broadcast(&e->cond);
	}
	pthread_cond_broadcast(&e->vcond);
	pthread_mutex_unlock(&e->lock);
}

/* The head of the queue once it is sealed and validated: rows in file
 * order, batches in file order. */
static struct batch *
engine_take_full(struct engine *e, double deadline)
{
	struct timespec until = { 0 };
	if (deadline > 0) {
		/* deadline is on engine_now's clock; the condition waits on
		 * CLOCK_REALTIME. */
		clock_gettime(CLOCK_REALTIME, &until);
		double left = deadline - engine_now();
		if (left < 0)
			left = 0;
		until.tv_sec += (time_t)left;
		until.tv_nsec += (long)((left - (double)(time_t)left) * 1e9);
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
	}
	pthread_mutex_lock(&e->lock);
	for (;;) {
		struct batch *b = e->full_head;
		if (b != NULL && b->sealed && b->validated == batch_chunks(b->n)) {
			e->full_head = b->next;
			if (e->full_head == NULL)
				e->full_tail = NULL;
			pthread_mutex_unlock(&e->lock);
			return b;
		}
		if (deadline <= 0)
			pthread_cond_wait(&e->cond, &e->lock);
		else if (pthread_cond_timedwait(&e->cond, &e->lock, &until) == ETIMEDOUT) {
			pthread_mutex_unlock(&e->lock);
			return NULL;
		}
	}
}

static void
engine_give_back(struct engine *e, struct batch *b)
{
	pthread_mutex_lock(&e->lock);
	b->next = e->free_batches;
	e->free_batches = b;
	pthread_cond_broadcast(&e->cond);
	pthread_mutex_unlock(&e->lock);
}

struct engine_validator_arg {
	struct engine *e;
	struct validator *v;
};

/* A validator thread: takes the first chunk not taken yet, oldest batch
 * first, so that the batch the writer waits for is done first, until
 * engine_run tells it to quit. */
static void *
engine_validator(void *arg)
{
	struct engine_validator_arg *va = arg;
	struct engine *e = va->e;
	pthread_mutex_lock(&e->lock);
	for (;;) {
		struct batch *b = e->full_head;
		while (b != NULL && b->taken >= batch_chunks(b->ready))
			b = b->next;
		if (b == NULL) {
			if (e->validators_quit)
				break;
			pthread_cond_wait(&e->vcond, &e->lock);
			continue;
		}
		size_t c = b->taken++;
		size_t first = c * ENGINE_CHUNK_ROWS;
		size_t end =
		    first + ENGINE_CHUNK_ROWS < b->ready ? first + ENGINE_CHUNK_ROWS : b->ready;
		pthread_mutex_unlock(&e->lock);
		for (size_t i = first; i < end; i++)
			engine_validate_record(e, va->v, b, i);
		pthread_mutex_lock(&e->lock);
		b->validated++;
		if (b->sealed && b->validated == batch_chunks(b->n))
			pthread_cond_broadcast(&e->cond);
	}
	pthread_mutex_unlock(&e->lock);
	free(va);
	return NULL;
}

/* The reader thread: fills batches until the source ends, handing each
 * chunk to the validators as it fills. On a resume it first passes over
 * the rows before the cursor. Once the writer has stopped, it only counts
 * the remaining rows, so that the import can say exactly how many were
 * not processed. */
static void *
engine_reader(void *arg)
{
	struct engine *e = arg;
	uint64_t number = e->first_batch, rows = 0;
	int done = 0;
	while (!done) {
		struct batch *b = engine_take_free(e, ++number);
		while (b->n < e->o.batch_size) {
			struct row *row;
			char *cause = NULL;
			int rc = source_next(e->source, &row, &cause);
			if (rc < 0) {
				pthread_mutex_lock(&e->lock);
				e->read_error = cause;
				pthread_mutex_unlock(&e->lock);
			}
			if (rc <= 0) {
				done = 1;
				break;
			}
			rows++;
			uint64_t offset, size;
			source_progress(e->source, &offset, &size);
			atomic_store_explicit(&e->rows_read, rows, memory_order_relaxed);
			atomic_store_explicit(&e->bytes_read, offset, memory_order_relaxed);
			if (rows <= e->skip_rows || atomic_load(&e->stop))
				continue;
			engine_read_row(e, b, b->n++, row);
			if (b->n % ENGINE_CHUNK_ROWS == 0)
				engine_hand_over(e, b, 0, 0);
		}
		if (done)
			atomic_store(&e->read_done, 1);
		/* Once the writer has stopped, a batch goes by unwritten. */
		engine_hand_over(e, b, 1, done);
	}
	return NULL;
}

static void
engine_reset_records(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		struct record *r = &b->records[i];
		r->nerrors = r->nvalidation;
		r->outcome = r->invalid ? OUTCOME_REJECTED : OUTCOME_NOT_PROCESSED;
		r->record_id = 0;
		r->matched_from = -1;
		r->key_conflict = 0;
		free(r->before);
		r->before = NULL;
	}
}

/* Takes what the store did with record r from res, and clears res. */
static void
engine_take_result(struct engine *e, struct batch *b, struct record *r, struct upsert_result *res)
{
	r->outcome = res->outcome;
	r->record_id = res->record_id;
	r->after_hash = res->after_hash;
	r->matched_from = res->matched_from;
	r->key_conflict = res->key_conflict;
	r->before = res->before;
	res->before = NULL;
	if (res->outcome == OUTCOME_REJECTED) {
		int f = res->reason_field;
		record_add_error(&b->arena, r, f, f >= 0 ? e->schema->fields[f].name : NULL,
		    ERROR_BUSINESS, res->reason, f >= 0 ? r->values[f] : NULL);
	}
	store_result_clear(res);
}

/* A restore: rejects r when a value of a reference names no record of
 * its parent table. */
static enum store_status
engine_check_references(struct engine *e, struct batch *b, struct record *r)
{
	for (size_t i = 0; i < e->o.nreferences && r->outcome != OUTCOME_REJECTED; i++) {
		int f = e->reference_fields[i];
		if (f < 0 || r->values[f] == NULL || r->values[f][0] == '\0')
			continue;
		const struct engine_reference *ref = &e->o.references[i];
		int found = 0;
		enum store_status ss =
		    store_exists(e->store, ref->table, ref->key, r->values[f], &found);
		if (ss != STORE_OK)
			return ss;
		if (found)
			continue;
		char *why = xasprintf(_("%s refers to %s %s, which is missing."), ref->column,
		    ref->table, r->values[f]);
		r->outcome = OUTCOME_REJECTED;
		record_add_error(&b->arena, r, f, e->schema->fields[f].name, ERROR_BUSINESS, why,
		    r->values[f]);
		free(why);
	}
	return STORE_OK;
}

/* Writes record r (already validated) through the store. */
static enum store_status
engine_upsert(struct engine *e, struct batch *b, struct record *r)
{
	enum store_status ss0 = engine_check_references(e, b, r);
	if (ss0 != STORE_OK)
		return ss0;
	if (r->outcome == OUTCOME_REJECTED)
		return STORE_OK;
	struct upsert_result res;
	enum store_status ss = store_upsert(e->store, (const char *const *)r->values, e->o.strategy,
	    e->o.on_key_conflict, e->id, &res);
	if (ss == STORE_OK)
		engine_take_result(e, b, r, &res);
	store_result_clear(&res);
	return ss;
}

/* Writes the batch's validated records through the store in one call,
 * for a backend that can (store_upserts_batches). */
static enum store_status
engine_upsert_all(struct engine *e, struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		enum store_status ss0 = engine_check_references(e, b, &b->records[i]);
		if (ss0 != STORE_OK)
			return ss0;
	}
	const char *const **rows = xcalloc(b->n, sizeof *rows);
	struct upsert_result *res = xcalloc(b->n, sizeof *res);
	for (size_t i = 0; i < b->n; i++)
		if (b->records[i].outcome != OUTCOME_REJECTED)
			rows[i] = (const char *const *)b->records[i].values;
	enum store_status ss = store_upsert_batch(e->store, rows, b->n, e->o.strategy,
	    e->o.on_key_conflict, e->id, res);
	for (size_t i = 0; i < b->n; i++) {
		if (ss == STORE_OK && rows[i] != NULL)
			engine_take_result(e, b, &b->records[i], &res[i]);
		store_result_clear(&res[i]);
	}
	free(res);
	free(rows);
	return ss;
}

static void
engine_count(struct counts *c, const struct record *records, size_t n)
{
	for (size_t i = 0; i < n; i++)
		c->n[records[i].outcome]++;
}

static void
counts_add(struct counts *to, const struct counts *from)
{
	for (int o = 0; o < OUTCOME_COUNT; o++)
		to->n[o] += from->n[o];
}

/* A value is dropped from a row only when the row is kept: a row the store
 * rejects or the database refuses goes with all its values. */
static void
engine_settle_drops(const struct record *records, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct record *r = &records[i];
		int kept = r->outcome != OUTCOME_REJECTED && r->outcome != OUTCOME_FAILED;
		for (size_t k = 0; k < r->nvalidation; k++)
			r->errors[k].dropped = !r->invalid && kept;
	}
}

/* Writes the journal's part of records[0..n) and moves the cursor to the
 * last of them. Inside the open transaction. */
static enum store_status
engine_journal(struct engine *e, struct batch *b, const struct record *records, size_t n,
    const struct counts *batch_counts, unsigned attempts, double t0, const char *status)
{
	engine_settle_drops(records, n);
	/* Written in a dry run too (and rolled back with it), so that it
	 * counts what would be deleted. */
	if (e->o.strategy == STRATEGY_REPLACE) {
		enum store_status ss = journal_seen(e->journal, e->id, records, n);
		if (ss != STORE_OK)
			return ss;
	}
	if (e->o.dry_run)
		return STORE_OK;
	struct counts total = e->committed;
	struct counts part = { 0 };
	engine_count(&part, records, n);
	counts_add(&total, &e->group_counts);
	counts_add(&total, &part);
	enum store_status ss = journal_rows(e->journal, e->id, b->number, records, n);
	if (ss == STORE_OK)
		ss = journal_batch(e->journal, e->id, b->number, b->records[0].row_no, b->n,
		    batch_counts, attempts, (uint64_t)((engine_now() - t0) * 1000), status);
	if (ss == STORE_OK)
		ss = journal_progress(e->journal, e->id, records[n - 1].row_no,
		    atomic_load(&e->bytes_read), 0, &total, STATUS_RUNNING, NULL, 0);
	return ss;
}

/* A matched row as the Duplicates screen shows it: what update and what
 * merge would make of the stored record, field by field; added to
 * *samples. A key conflict names the key that differs, and update shows
 * the stored value replaced. */
static void
engine_match_sample(struct engine *e, const struct record *r, struct match_sample **samples,
    size_t *nsamples)
{
	const struct schema *s = e->schema;
	json_t *before = json_loads(r->before, 0, NULL);
	if (before == NULL)
		return;
	size_t n = s->nfields;
	const char **stored = xcalloc(n, sizeof *stored);
	const char **upd = xcalloc(n, sizeof *upd), **mrg = xcalloc(n, sizeof *mrg);
	char **own_u = xcalloc(n, sizeof *own_u), **own_m = xcalloc(n, sizeof *own_m);
	for (size_t f = 0; f < n; f++)
		stored[f] = json_string_value(json_object_get(before, s->fields[f].name));
	store_resolve(s, STRATEGY_UPDATE, stored, (const char *const *)r->values, upd, own_u);
	store_resolve(s, STRATEGY_MERGE, stored, (const char *const *)r->values, mrg, own_m);
	struct match_sample m = {
		.row = (int64_t)r->row_no,
		.record_id = r->record_id,
		.from_file = r->matched_from == e->id,
		.changes = xcalloc(n, sizeof *m.changes),
	};
	if (r->key_conflict)
		for (size_t k = 0; k < s->nmatch_keys && m.key == NULL; k++) {
			size_t f = s->match_keys[k];
			if (r->values[f] != NULL && stored[f] != NULL &&
			    strcmp(r->values[f], stored[f]) != 0)
				m.key = xstrdup(s->fields[f].name);
		}
	for (size_t f = 0; f < n; f++) {
		int same_u = (upd[f] == NULL && stored[f] == NULL) ||
		    (upd[f] && stored[f] && !strcmp(upd[f], stored[f]));
		int same_m = (mrg[f] == NULL && stored[f] == NULL) ||
		    (mrg[f] && stored[f] && !strcmp(mrg[f], stored[f]));
		if (same_u && same_m)
			continue;
		m.changes[m.nchanges++] = (struct match_change){
			.field = xstrdup(s->fields[f].name),
			.stored = stored[f] ? xstrdup(stored[f]) : NULL,
			.incoming = r->values[f] ? xstrdup(r->values[f]) : NULL,
			.update = upd[f] ? xstrdup(upd[f]) : NULL,
			.merge = mrg[f] ? xstrdup(mrg[f]) : NULL,
		};
	}
	if (m.nchanges > 0) {
		*samples = xreallocarray(*samples, *nsamples + 1, sizeof **samples);
		(*samples)[(*nsamples)++] = m;
	} else {
		free(m.changes);
		free(m.key);
	}
	for (size_t f = 0; f < n; f++) {
		free(own_u[f]);
		free(own_m[f]);
	}
	free(own_u);
	free(own_m);
	free(upd);
	free(mrg);
	free(stored);
	json_decref(before);
}

/* Counts how a written row met the stored records. */
static void
engine_classify(struct engine *e, const struct record *r)
{
	struct engine_result *res = &e->res;
	if (r->key_conflict) {
		res->key_conflicts++;
		if (r->before != NULL && res->nconflict_samples < ENGINE_MAX_MATCH_SAMPLES)
			engine_match_sample(e, r, &res->conflict_samples, &res->nconflict_samples);
		return;
	}
	switch (r->outcome) {
	case OUTCOME_CREATED: res->new_records++; break;
	case OUTCOME_UPDATED:
	case OUTCOME_MERGED:
	case OUTCOME_UNCHANGED:
	case OUTCOME_SKIPPED:
		if (r->matched_from == e->id)
			res->matched_file++;
		else
			res->matched_stored++;
		if (r->before != NULL && res->nmatch_samples < ENGINE_MAX_MATCH_SAMPLES)
			engine_match_sample(e, r, &res->match_samples, &res->nmatch_samples);
		break;
	case OUTCOME_REJECTED:
		for (size_t k = r->nvalidation; k < r->nerrors; k++)
			if (r->errors[k].type == ERROR_BUSINESS) {
				res->ambiguous++;
				break;
			}
		break;
	default: break;
	}
}

static void
engine_error_row_free(struct error_row *row)
{
	free(row->field);
	free(row->message);
	free(row->value);
}

/* One more error of field (or "(row)"); the fields keep the order in
 * which they were first met. */
static void
engine_count_field(struct engine_result *res, const char *field)
{
	for (size_t i = 0; i < res->nerrors_by_field; i++)
		if (!strcmp(res->errors_by_field[i].name, field)) {
			res->errors_by_field[i].n++;
			return;
		}
	res->errors_by_field = xreallocarray(res->errors_by_field, res->nerrors_by_field + 1,
	    sizeof *res->errors_by_field);
	res->errors_by_field[res->nerrors_by_field++] = (struct name_count){
		.name = xstrdup(field),
		.n = 1,
	};
}

static void engine_result_add(struct engine *e, const struct record *records, size_t n);

/* After a commit: what was committed becomes the import's. */
static void
engine_committed(struct engine *e, const struct record *records, size_t n)
{
	engine_count(&e->committed, records, n);
	e->rows_done = records[n - 1].row_no;
	engine_result_add(e, records, n);
}

/* What committed rows add to the result (engine_committed without the
 * counts and the cursor): a group's rows add it when they are written,
 * before the commit, as their memory is then given back. */
static void
engine_result_add(struct engine *e, const struct record *records, size_t n)
{
	struct engine_result *res = &e->res;
	for (size_t i = 0; i < n; i++) {
		const struct record *r = &records[i];
		engine_classify(e, r);
		for (size_t k = 0; k < r->nerrors; k++) {
			const struct row_error *err = &r->errors[k];
			res->errors_by_type[err->type]++;
			res->values_dropped += err->dropped;
			engine_count_field(res, err->field_name ? err->field_name : "(row)");
			if (res->nsamples < ENGINE_MAX_SAMPLES)
				res->samples[res->nsamples++] = (struct error_row){
					.row_no = (int64_t)r->row_no,
					.line_no = (int64_t)r->line_no,
					.field = err->field_name ? xstrdup(err->field_name) : NULL,
					.type = err->type,
					.message = xstrdup(err->message),
					.value = err->value ? xstrdup(err->value) : NULL,
					.dropped = err->dropped,
				};
		}
	}
}

static void
engine_result_mark(const struct engine_result *res, struct result_mark *m)
{
	free(m->field_n);
	*m = (struct result_mark){
		.values_dropped = res->values_dropped,
		.new_records = res->new_records,
		.matched_stored = res->matched_stored,
		.matched_file = res->matched_file,
		.ambiguous = res->ambiguous,
		.key_conflicts = res->key_conflicts,
		.nerrors_by_field = res->nerrors_by_field,
		.nsamples = res->nsamples,
		.nmatch_samples = res->nmatch_samples,
		.nconflict_samples = res->nconflict_samples,
	};
	memcpy(m->errors_by_type, res->errors_by_type, sizeof m->errors_by_type);
	if (res->nerrors_by_field > 0) {
		m->field_n = xcalloc(res->nerrors_by_field, sizeof *m->field_n);
		for (size_t i = 0; i < res->nerrors_by_field; i++)
			m->field_n[i] = res->errors_by_field[i].n;
	}
}

static void engine_match_sample_free(struct match_sample *m);

/* Takes the result back to mark m. */
static void
engine_result_undo(struct engine_result *res, const struct result_mark *m)
{
	memcpy(res->errors_by_type, m->errors_by_type, sizeof res->errors_by_type);
	res->values_dropped = m->values_dropped;
	res->new_records = m->new_records;
	res->matched_stored = m->matched_stored;
	res->matched_file = m->matched_file;
	res->ambiguous = m->ambiguous;
	res->key_conflicts = m->key_conflicts;
	for (size_t i = m->nerrors_by_field; i < res->nerrors_by_field; i++)
		free(res->errors_by_field[i].name);
	res->nerrors_by_field = m->nerrors_by_field;
	for (size_t i = 0; i < m->nerrors_by_field; i++)
		res->errors_by_field[i].n = m->field_n[i];
	for (size_t i = m->nsamples; i < res->nsamples; i++)
		engine_error_row_free(&res->samples[i]);
	res->nsamples = m->nsamples;
	for (size_t i = m->nmatch_samples; i < res->nmatch_samples; i++)
		engine_match_sample_free(&res->match_samples[i]);
	res->nmatch_samples = m->nmatch_samples;
	for (size_t i = m->nconflict_samples; i < res->nconflict_samples; i++)
		engine_match_sample_free(&res->conflict_samples[i]);
	res->nconflict_samples = m->nconflict_samples;
}

/* Copies the state of the import into the snapshot watchers read. The
 * ETA follows a smoothed rate, so that it settles instead of jumping with
 * every batch. */
static void
engine_publish(struct engine *e, enum import_status status)
{
	double now = engine_now();
	struct progress_snapshot s = {
		.id = e->id,
		.status = status,
		.rows_done = e->rows_done,
		.counts = e->committed,
		.batch = e->batches_done,
		.elapsed_s = now - e->t0,
		.eta_s = -1,
	};
	uint64_t read = atomic_load_explicit(&e->rows_read, memory_order_relaxed);
	uint64_t bytes = atomic_load_explicit(&e->bytes_read, memory_order_relaxed);
	s.total_exact = atomic_load(&e->read_done);
	if (s.total_exact || bytes == 0 || e->file_size <= bytes)
		s.rows_total = read;
	else
		s.rows_total = (uint64_t)((double)read * (double)e->file_size / (double)bytes);
	if (s.rows_total < s.rows_done)
		s.rows_total = s.rows_done;
	if (s.rows_total > 0)
		s.percent = 100.0 * (double)s.rows_done / (double)s.rows_total;
	s.batches_total = (s.rows_total + e->o.batch_size - 1) / e->o.batch_size;
	if (s.elapsed_s > 0)
		s.rows_per_s = (double)(s.rows_done - e->rows_done_at_start) / s.elapsed_s;
	s.rows_per_min = s.rows_per_s * 60;

	double dt = now - e->last_publish;
	if (dt >= 0.1 && s.rows_done > e->last_rows) {
		double inst = (double)(s.rows_done - e->last_rows) / dt;
		e->rate = e->rate > 0 ? 0.2 * inst + 0.8 * e->rate : inst;
		e->last_publish = now;
		e->last_rows = s.rows_done;
	}
	if (e->rate > 0 && s.rows_total >= s.rows_done)
		s.eta_s = (double)(s.rows_total - s.rows_done) / e->rate;
	progress_publish(&e->progress, &s);
}

/* Waits before retry number attempt (1-based): exponential backoff with
 * jitter, so that two importers do not retry in step. Returns 1 when the
 * import was cancelled meanwhile. */
static int
engine_backoff(struct engine *e, uint64_t batch, unsigned attempt, const char *why)
{
	unsigned base = e->o.retry_base_ms;
	unsigned ms = base << (attempt - 1 < 16 ? attempt - 1 : 16);
	ms = ms / 2 + (unsigned)(rand_r(&e->rand_state) % (ms / 2 + 1));
	engine_event(e, PROGRESS_RETRY, batch,
	    _("Retrying batch %llu (attempt %u of %u) in %u ms: %s"), (unsigned long long)batch,
	    attempt + 1, e->o.retries + 1, ms, why);
	engine_publish(e, STATUS_RETRYING);
	return engine_wait_ms(e, ms);
}

enum batch_end {
	BATCH_COMMITTED,     /* every row is accounted for */
	BATCH_STORE_FAILED,  /* the store cannot go on: stop, resumable */
	BATCH_CANCELLED,     /* rolled back on request */
	BATCH_SOURCE_FAILED, /* rolled back: the file turned out damaged */
};

/* Whether the options let several batches share a transaction (the store
 * has its say too: store_groups_batches). */
static int
engine_may_group(const struct engine_options *o)
{
	return !o->dry_run && o->batch_size == ENGINE_DEFAULT_BATCH && o->max_duration_s <= 0 &&
	    o->max_batches == 0 && !o->max_errors.on && o->pace <= 0 && o->batch_delay_ms == 0;
}

/* Waits until a workbook given early has been read whole: 0 when it was
 * read cleanly (at once for any other file), -1 when it was not. Then
 * nothing of it may be committed: the import stops, its rows unwritten,
 * read_error saying why (as opening the file would have). */
static int
engine_settle(struct engine *e)
{
	if (!e->unsettled)
		return e->source_failed ? -1 : 0;
	char *cause = NULL;
	e->unsettled = 0;
	if (source_settle(e->source, &cause) == 0)
		return 0;
	e->source_failed = 1;
	e->error_type = ERROR_SYSTEM;
	pthread_mutex_lock(&e->lock);
	if (e->read_error == NULL)
		e->read_error = cause;
	else
		free(cause);
	pthread_mutex_unlock(&e->lock);
	atomic_store(&e->stop, 1);
	return -1;
}

/* Whether engine_settle() would return at once. */
static int
engine_settled(struct engine *e)
{
	return !e->unsettled || source_settled(e->source);
}

/* Test hook: SLUICE_TEST_CRASH_AFTER_COMMITS=N kills the process right
 * after its Nth commit, so that tests can check that the journal carries a
 * crash at any batch boundary. */
static void
engine_crash_hook(void)
{
	static long left = -2;
	if (left == -2) {
		const char *v = getenv("SLUICE_TEST_CRASH_AFTER_COMMITS");
		left = v ? atol(v) : -1;
	}
	if (left > 0 && --left == 0)
		raise(SIGKILL);
}

/* Test hook: SLUICE_TEST_BATCH_DELAY_MS=N gives an import that was given no
 * --batch-delay a wait of N ms between two batches, as --batch-delay would,
 * so that a test can take the database's lock between two batches of an
 * import the wizard started (the wizard has no such option). */
static void
engine_delay_hook(struct engine *e)
{
	const char *v = getenv("SLUICE_TEST_BATCH_DELAY_MS");
	if (v && e->o.batch_delay_ms == 0)
		e->o.batch_delay_ms = (unsigned)strtoul(v, NULL, 10);
}

/* Test hook: SLUICE_TEST_GROUP_CAP=N puts up to N batches (2 or more) in a
 * transaction instead of ENGINE_DEFAULT_GROUP, so that a test can make
 * several transactions of a small file. */
static size_t
engine_group_cap_hook(void)
{
	const char *v = getenv("SLUICE_TEST_GROUP_CAP");
	long n = v ? atol(v) : 0;
	return n >= 2 ? (size_t)n : ENGINE_DEFAULT_GROUP;
}

static int engine_reconnect_row(struct engine *e, const struct batch *b, const struct record *r);

/* Journals row r, which the database refused, as failed, in a transaction
 * of its own; bc holds the batch's outcomes before it. */
static enum batch_end
engine_replay_failed(struct engine *e, struct batch *b, struct record *r, const struct counts *bc,
    unsigned attempt, double t0, enum store_status *out)
{
	struct counts c = *bc;
	c.n[OUTCOME_FAILED]++;
	for (;;) {
		enum store_status ss = store_begin(e->store);
		if (ss == STORE_OK)
			ss = engine_journal(e, b, r, 1, &c, attempt, t0, "replayed");
		if (ss == STORE_OK)
			ss = store_commit(e->store);
		if (ss == STORE_OK)
			return BATCH_COMMITTED;
		store_rollback(e->store);
		int again =
		    ss == STORE_FATAL && store_lost(e->store) ? engine_reconnect_row(e, b, r) : -1;
		if (again == 1)
			return BATCH_COMMITTED;
		if (again == -2)
			return BATCH_CANCELLED;
		if (again < 0) {
			*out = ss;
			return BATCH_STORE_FAILED;
		}
	}
}

/* Replays a batch one row per transaction, so that only the rows the
 * database really refuses are failed. A lost connection is made again,
 * and the journal's cursor says whether the row in flight committed. */
static enum batch_end
engine_replay(struct engine *e, struct batch *b, double t0, enum store_status *out)
{
	engine_event(e, PROGRESS_REPLAY, b->number,
	    _("Batch %llu could not be written as a whole; writing it row by row so that only the rows that fail are left out."),
	    (unsigned long long)b->number);
	engine_reset_records(b);
	struct counts bc = { 0 };
	uint64_t failed = 0;
	for (size_t i = 0; i < b->n; i++) {
		struct record *r = &b->records[i];
		enum store_status ss;
		if (atomic_load(&e->cancel))
			return BATCH_CANCELLED;
		for (unsigned attempt = 1;; attempt++) {
			ss = store_begin(e->store);
			if (ss == STORE_OK)
				ss = engine_upsert(e, b, r);
			struct counts c = bc;
			if (ss == STORE_OK) {
				c.n[r->outcome]++;
				ss = engine_journal(e, b, r, 1, &c, attempt, t0, "replayed");
			}
			if (ss == STORE_OK)
				ss = store_commit(e->store);
			if (ss == STORE_OK)
				break;
			store_rollback(e->store);
			if (ss == STORE_FATAL) {
				int again = store_lost(e->store) ? engine_reconnect_row(e, b, r) : -1;
				if (again == 1)
					break;
				if (again == -2)
					return BATCH_CANCELLED;
				if (again < 0) {
					*out = ss;
					return BATCH_STORE_FAILED;
				}
			}
			r->nerrors = r->nvalidation;
			r->outcome = r->invalid ? OUTCOME_REJECTED : OUTCOME_NOT_PROCESSED;
			free(r->before);
			r->before = NULL;
			if (ss == STORE_FATAL)
				continue; /* connected again: the row is written again */
			if (ss == STORE_TRANSIENT && attempt <= e->o.retries) {
				if (engine_backoff(e, b->number, attempt, store_errmsg(e->store)))
					return BATCH_CANCELLED;
				continue;
			}
			if (ss != STORE_ROW) {
				*out = ss;
				return BATCH_STORE_FAILED;
			}
			/* The database refuses this row: record it as failed. */
			record_add_error(&b->arena, r, -1, NULL, ERROR_DATABASE,
			    store_errmsg(e->store), NULL);
			r->outcome = OUTCOME_FAILED;
			failed++;
			enum batch_end end = engine_replay_failed(e, b, r, &bc, attempt, t0, out);
			if (end != BATCH_COMMITTED)
				return end;
			break;
		}
		bc.n[r->outcome]++;
		engine_committed(e, r, 1);
	}
	if (failed > 0)
		engine_event(e, PROGRESS_ROWS_FAILED, b->number,
		    ngettext("Batch %llu: %llu row was refused by the database and is marked failed.",
			"Batch %llu: %llu rows were refused by the database and are marked failed.",
			failed),
		    (unsigned long long)b->number, (unsigned long long)failed);
	return BATCH_COMMITTED;
}

/* After the connection to the server was lost: connects again with
 * backoff and jitter for up to --reconnect-for, saying so in retry events
 * (batch: the batch concerned, 0 during setup), and reads what the import
 * has committed (store_reconnect). Returns 0 once connected, -1 when the
 * server stayed away (or the store cannot reconnect, or the connection
 * was not lost), -2 on cancel. */
static int
engine_connect_again(struct engine *e, uint64_t batch, uint64_t *last, uint64_t *rows_done)
{
	if (e->o.reconnect_for_s <= 0 || e->o.dry_run)
		return -1;
	/* At once first: a store that lost no connection says so here. */
	enum store_status ss = store_reconnect(e->store, e->id, last, rows_done);
	if (ss == STORE_FATAL)
		return -1;
	char *shown = store_target_shown(e->o.db);
	double deadline = engine_now() + e->o.reconnect_for_s;
	int end = 0;
	for (unsigned attempt = 1; ss != STORE_OK; attempt++) {
		unsigned ms = 500u << (attempt - 1 < 6 ? attempt - 1 : 6);
		ms = ms / 2 + (unsigned)(rand_r(&e->rand_state) % (ms / 2 + 1));
		double left = deadline - engine_now();
		if (left <= 0 || ss == STORE_FATAL) {
			end = -1;
			break;
		}
		if (ms > left * 1000)
			ms = (unsigned)(left * 1000);
		unsigned long long done = e->rows_done;
		engine_event(e, PROGRESS_RETRY, batch,
		    ngettext(
			"Connection to %s lost; reconnecting (attempt %u) in %u s; %llu row is committed.",
			"Connection to %s lost; reconnecting (attempt %u) in %u s; %llu rows are committed.",
			done),
		    shown, attempt, (ms + 999) / 1000, done);
		engine_publish(e, STATUS_RETRYING);
		if (engine_wait_ms(e, ms)) {
			end = -2;
			break;
		}
		ss = store_reconnect(e->store, e->id, last, rows_done);
	}
	if (end == -1) {
		engine_event(e, PROGRESS_RETRY, batch,
		    _("The connection to %s could not be made again within %.0f s; the import stops here, safe to resume: sluice resume %lld."),
		    shown, e->o.reconnect_for_s, (long long)e->id);
		/* Another connection holds the import's lock: it is someone
		 * else's now, and so is its journal. */
		if (ss == STORE_ROW)
			e->journal_behind = 1;
	}
	free(shown);
	return end;
}

/* Connects again after batch failed with a lost connection, and learns
 * from the journal whether it committed (its row is written in its
 * transaction). Returns 1 when it did, 0 when it is to be written again,
 * -1 when the import cannot go on, -2 on cancel. */
static int
engine_reconnect(struct engine *e, uint64_t batch)
{
	if (e->id == 0)
		return -1;
	uint64_t last = 0, rows = 0;
	int end = engine_connect_again(e, batch, &last, &rows);
	if (end != 0)
		return end;
	char *shown = store_target_shown(e->o.db);
	if (last + 1 < batch) {
		/* A server that lost transactions it had acknowledged (a crash
		 * with synchronous_commit off): only resume reads the truth. */
		engine_event(e, PROGRESS_RETRY, batch,
		    _("Connection to %s made again, but the server lost batches it had committed (it keeps those up to %llu); the import stops here, safe to resume: sluice resume %lld."),
		    shown, (unsigned long long)last, (long long)e->id);
		e->journal_behind = 1;
		end = -1;
	} else {
		end = last >= batch;
		engine_event(e, PROGRESS_RETRY, batch,
		    end ?
			_("Connection to %s lost and made again; batch %llu had committed.") :
			_("Connection to %s lost and made again; batch %llu had not committed and is written again."),
		    shown, (unsigned long long)batch);
	}
	free(shown);
	return end;
}

/* The same for row r of batch b written alone (a replay): 1 when its
 * transaction committed (the journal's cursor reached it), 0 when it is
 * to be written again, -1, -2 as engine_reconnect. */
static int
engine_reconnect_row(struct engine *e, const struct batch *b, const struct record *r)
{
	uint64_t last = 0, rows = 0;
	int end = engine_connect_again(e, b->number, &last, &rows);
	if (end != 0)
		return end;
	char *shown = store_target_shown(e->o.db);
	if (rows < e->rows_done) {
		engine_event(e, PROGRESS_RETRY, b->number,
		    _("Connection to %s made again, but the server lost rows it had committed (it keeps those up to row %llu); the import stops here, safe to resume: sluice resume %lld."),
		    shown, (unsigned long long)rows, (long long)e->id);
		e->journal_behind = 1;
		end = -1;
	} else {
		end = rows >= r->row_no;
		engine_event(e, PROGRESS_RETRY, b->number,
		    end ?
			_("Connection to %s lost and made again; row %llu had committed.") :
			_("Connection to %s lost and made again; row %llu had not committed and is written again."),
		    shown, (unsigned long long)r->row_no);
	}
	free(shown);
	return end;
}

/* Writes one batch: one transaction, retried on transient errors, replayed
 * row by row when it still fails. */
static enum batch_end
engine_write_alone(struct engine *e, struct batch *b, enum store_status *out)
{
	double t0 = engine_now();
	enum store_status ss;
	if (engine_settle(e) != 0)
		return BATCH_SOURCE_FAILED;
	for (unsigned attempt = 1;; attempt++) {
		engine_reset_records(b);
		int cancelled = 0;
		ss = store_begin(e->store);
		if (ss == STORE_OK && store_upserts_batches(e->store)) {
			cancelled = atomic_load(&e->cancel);
			if (!cancelled)
				ss = engine_upsert_all(e, b);
		} else
			for (size_t i = 0; i < b->n && ss == STORE_OK; i++) {
				if ((i & 255) == 0 && atomic_load(&e->cancel)) {
					cancelled = 1;
					break;
				}
				ss = engine_upsert(e, b, &b->records[i]);
			}
		if (cancelled) {
			store_rollback(e->store);
			return BATCH_CANCELLED;
		}
		struct counts bc = { 0 };
		engine_count(&bc, b->records, b->n);
		if (ss == STORE_OK)
			ss = engine_journal(e, b, b->records, b->n, &bc, attempt, t0, "committed");
		if (ss == STORE_OK)
			ss = store_commit(e->store);
		if (ss == STORE_OK) {
			engine_committed(e, b->records, b->n);
			engine_crash_hook();
			return BATCH_COMMITTED;
		}
		store_rollback(e->store);
		if (ss == STORE_TRANSIENT && attempt <= e->o.retries) {
			if (engine_backoff(e, b->number, attempt, store_errmsg(e->store)))
				return BATCH_CANCELLED;
			continue;
		}
		if (ss == STORE_FATAL) {
			int again = engine_reconnect(e, b->number);
			if (again == 1) {
				engine_committed(e, b->records, b->n);
				engine_crash_hook();
				return BATCH_COMMITTED;
			}
			if (again == 0)
				continue;
			if (again == -2)
				return BATCH_CANCELLED;
			*out = ss;
			return BATCH_STORE_FAILED;
		}
		return engine_replay(e, b, t0, out);
	}
}

/* A transaction holds several batches for at most this long, so that what
 * is written is committed (and seen by history and watch) within a few
 * seconds, and another writer waits no longer for the lock (the WAL's
 * checkpointer lets it in between two transactions: a 100-row import
 * started beside a 1,000,000-row one got the lock within 0.6 s). */
#define ENGINE_GROUP_S 3.0

static void
engine_release(struct engine *e, struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->records[i].before);
		b->records[i].before = NULL;
	}
	engine_give_back(e, b);
}

/* The spill file: a group's batches as the writer wrote them, each a
 * header (number, rows) and its validated records. They are encoded into
 * a buffer written whole when full: a stdio call per value took a lock
 * each time, 8% of the import's CPU at 1,000,000 rows. */
struct spill_out {
	FILE *f;
	size_t n;
	char buf[65536];
};

static void
spill_bytes(struct spill_out *o, const void *p, size_t n)
{
	if (o->n + n > sizeof o->buf) {
		fwrite(o->buf, 1, o->n, o->f);
		o->n = 0;
		if (n > sizeof o->buf) {
			fwrite(p, 1, n, o->f);
			return;
		}
	}
	memcpy(o->buf + o->n, p, n);
	o->n += n;
}

static void
spill_u64(struct spill_out *o, uint64_t v)
{
	spill_bytes(o, &v, sizeof v);
}

static void
spill_str(struct spill_out *o, const char *str)
{
	uint64_t n = str != NULL ? strlen(str) + 1 : 0;
	spill_u64(o, n);
	if (n > 1)
		spill_bytes(o, str, n - 1);
}

static int
unspill_u64(FILE *f, uint64_t *v)
{
	return fread(v, sizeof *v, 1, f) == 1 ? 0 : -1;
}

/* A string read back into a, or NULL when it was NULL. */
static int
unspill_str(FILE *f, struct arena *a, char **str)
{
	uint64_t n;
	*str = NULL;
	if (unspill_u64(f, &n) != 0 || n > ((uint64_t)1 << 40))
		return -1;
	if (n == 0)
		return 0;
	char *t = arena_alloc_aligned(a, n, 1);
	if (n > 1 && fread(t, 1, n - 1, f) != n - 1)
		return -1;
	t[n - 1] = '\0';
	*str = t;
	return 0;
}

/* Opens the spill file: 0, or -1 when no temporary file can be made (the
 * batches then each have a transaction of their own). */
static int
engine_spill_open(struct engine *e)
{
	const char *dir = getenv("TMPDIR");
	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	e->spill_dir = xstrdup(dir);
	char *path = xasprintf("%s/sluice-batches-XXXXXX", dir);
	int fd = mkstemp(path);
	if (fd >= 0)
		unlink(path);
	free(path);
	if (fd < 0)
		return -1;
	e->spill = fdopen(fd, "w+");
	if (e->spill == NULL) {
		close(fd);
		return -1;
	}
	e->spill_out = xmalloc(sizeof *e->spill_out);
	e->spill_out->f = e->spill;
	return 0;
}

/* Appends batch b, as written, to the spill file: 0, or -1 when it could
 * not be written whole. */
static int
engine_spill_batch(struct engine *e, const struct batch *b)
{
	struct spill_out *f = e->spill_out;
	f->n = 0;
	size_t nfields = e->schema->nfields;
	spill_u64(f, b->number);
	spill_u64(f, b->n);
	for (size_t i = 0; i < b->n; i++) {
		const struct record *r = &b->records[i];
		spill_u64(f, r->row_no);
		spill_u64(f, r->line_no);
		spill_u64(f, r->ncells);
		for (size_t c = 0; c < r->ncells; c++)
			spill_str(f, r->cells[c]);
		spill_str(f, b->row_errors[i]);
		spill_u64(f, (uint64_t)r->invalid);
		for (size_t k = 0; k < nfields; k++)
			spill_str(f, r->values[k]);
		spill_u64(f, r->nvalidation);
		for (size_t k = 0; k < r->nvalidation; k++) {
			const struct row_error *err = &r->errors[k];
			spill_u64(f, (uint64_t)(int64_t)err->field);
			spill_str(f, err->field_name);
			spill_u64(f, (uint64_t)err->type);
			spill_str(f, err->message);
			spill_str(f, err->value);
		}
	}
	fwrite(f->buf, 1, f->n, f->f);
	return ferror(f->f) || fflush(f->f) != 0 ? -1 : 0;
}

/* Reads the next batch of the spill file back into e->redo: 0, or -1. */
static int
engine_unspill_batch(struct engine *e)
{
	FILE *f = e->spill;
	struct batch *b = e->redo;
	size_t nfields = e->schema->nfields;
	arena_reset(&b->arena);
	for (size_t c = 0; c < batch_chunks(e->o.batch_size); c++)
		arena_reset(&b->arenas[c]);
	uint64_t number, n;
	if (unspill_u64(f, &number) != 0 || unspill_u64(f, &n) != 0 || n > e->o.batch_size)
		return -1;
	b->number = number;
	b->n = 0;
	for (size_t i = 0; i < n; i++) {
		struct arena *a = &b->arenas[i / ENGINE_CHUNK_ROWS];
		struct record *r = &b->records[i];
		memset(r, 0, sizeof *r);
		uint64_t ncells, invalid, nerrors;
		if (unspill_u64(f, &r->row_no) != 0 || unspill_u64(f, &r->line_no) != 0 ||
		    unspill_u64(f, &ncells) != 0 || ncells > ((uint64_t)1 << 24))
			return -1;
		r->ncells = ncells;
		r->cells = arena_alloc(a, (ncells + 1) * sizeof *r->cells);
		for (size_t c = 0; c < ncells; c++)
			if (unspill_str(f, a, &r->cells[c]) != 0)
				return -1;
		if (unspill_str(f, a, &b->row_errors[i]) != 0 || unspill_u64(f, &invalid) != 0)
			return -1;
		r->invalid = invalid != 0;
		r->values = arena_alloc(a, nfields * sizeof *r->values);
		for (size_t k = 0; k < nfields; k++)
			if (unspill_str(f, a, &r->values[k]) != 0)
				return -1;
		if (unspill_u64(f, &nerrors) != 0 || nerrors > ((uint64_t)1 << 24))
			return -1;
		for (size_t k = 0; k < nerrors; k++) {
			uint64_t field, type;
			char *name, *message, *value;
			if (unspill_u64(f, &field) != 0 || unspill_str(f, a, &name) != 0 ||
			    unspill_u64(f, &type) != 0 || type >= ERROR_TYPE_COUNT ||
			    unspill_str(f, a, &message) != 0 || unspill_str(f, a, &value) != 0)
				return -1;
			record_add_error(a, r, (int)(int64_t)field, name, (enum error_type)type,
			    message ? message : "", value);
		}
		r->nvalidation = r->nerrors;
		r->outcome = r->invalid ? OUTCOME_REJECTED : OUTCOME_NOT_PROCESSED;
		b->n = i + 1;
	}
	return 0;
}

/* Forgets the group: its batches are no longer pending. */
static void
engine_group_clear(struct engine *e)
{
	e->group_n = 0;
	e->group_spilled = 0;
	memset(&e->group_counts, 0, sizeof e->group_counts);
	if (e->spill != NULL)
		rewind(e->spill);
}

/* Once the group's transaction failed (rolled back): takes back what its
 * rows added to the result, then writes each of its batches again, read
 * back from the spill file, in a transaction of its own (with its retries
 * and its row-by-row replay), and then unspilled (written but not
 * spilled) alone too. Stops at the first that does not commit: it and
 * those after it are not written. */
static enum batch_end
engine_group_redo(struct engine *e, struct batch *unspilled, enum store_status *out)
{
	size_t n = e->group_spilled;
	engine_result_undo(&e->res, &e->group_mark);
	engine_group_clear(e);
	enum batch_end end = BATCH_COMMITTED;
	for (size_t k = 0; k < n && end == BATCH_COMMITTED; k++) {
		if (engine_unspill_batch(e) != 0) {
			/* The temporary file failed us: what it held is not
			 * written; the import stops before it, resumable. */
			free(e->spill_error);
			e->spill_error = xasprintf(
			    _("The batches of a transaction that failed could not be read back from sluice's temporary file in %s, so they were not written."),
			    e->spill_dir);
			*out = STORE_FATAL;
			end = BATCH_STORE_FAILED;
			break;
		}
		end = engine_write_alone(e, e->redo, out);
		if (end == BATCH_COMMITTED)
			e->batches_done = e->redo->number;
		for (size_t i = 0; i < e->redo->n; i++) {
			free(e->redo->records[i].before);
			e->redo->records[i].before = NULL;
		}
	}
	rewind(e->spill);
	if (end == BATCH_COMMITTED && unspilled != NULL) {
		end = engine_write_alone(e, unspilled, out);
		if (end == BATCH_COMMITTED)
			e->batches_done = unspilled->number;
	}
	return end;
}

/* Commits the group's transaction: its batches become the import's, in
 * file order. When the commit fails, each is written again alone
 * (engine_group_redo; unspilled: the last, when it could not be spilled). */
static enum batch_end
engine_group_commit_unspilled(struct engine *e, struct batch *unspilled, enum store_status *out)
{
	if (e->group_n == 0)
		return BATCH_COMMITTED;
	if (engine_settle(e) != 0) {
		/* A workbook read early turned out damaged: none of it. */
		store_rollback(e->store);
		engine_result_undo(&e->res, &e->group_mark);
		engine_group_clear(e);
		return BATCH_SOURCE_FAILED;
	}
	if (store_commit(e->store) != STORE_OK) {
		store_rollback(e->store);
		return engine_group_redo(e, unspilled, out);
	}
	counts_add(&e->committed, &e->group_counts);
	e->rows_done = e->group_rows_done;
	e->batches_done = e->group_batch;
	engine_group_clear(e);
	engine_crash_hook();
	return BATCH_COMMITTED;
}

static enum batch_end
engine_group_commit(struct engine *e, enum store_status *out)
{
	return engine_group_commit_unspilled(e, NULL, out);
}

/* Writes batch b into the group's transaction (beginning it when there is
 * none) and commits it once it holds group_cap batches or has been open
 * ENGINE_GROUP_S. Batch by batch, the journal and the outcomes are those
 * of batches committed one by one: each batch's rows, errors, changes and
 * its line in the journal are written together, the cursor after them.
 * b is then spilled (engine_spill_batch) and its memory given back with
 * it. When anything fails, the transaction is rolled back and its batches
 * are written again one by one, each as engine_write_alone writes one,
 * the failing one meeting its retries and its replay there. *pending: b's
 * outcomes wait for the group's commit. */
static enum batch_end
engine_group_add(struct engine *e, struct batch *b, enum store_status *out, int *pending)
{
	*pending = 0;
	if (atomic_load(&e->cancel)) {
		/* What the group holds stays committed, as batches before a
		 * cancelled one always do. */
		enum batch_end end = engine_group_commit(e, out);
		return end == BATCH_COMMITTED ? BATCH_CANCELLED : end;
	}
	double t0 = engine_now();
	if (e->group_n == 0) {
		if (store_begin(e->store) != STORE_OK) {
			/* Busy, or worse: alone, with its retries. */
			store_rollback(e->store);
			return engine_write_alone(e, b, out);
		}
		e->group_t0 = t0;
		engine_result_mark(&e->res, &e->group_mark);
	}
	engine_reset_records(b);
	enum store_status ss = STORE_OK;
	for (size_t i = 0; i < b->n && ss == STORE_OK; i++)
		ss = engine_upsert(e, b, &b->records[i]);
	struct counts bc = { 0 };
	engine_count(&bc, b->records, b->n);
	if (ss == STORE_OK)
		ss = engine_journal(e, b, b->records, b->n, &bc, 1, t0, "committed");
	if (ss != STORE_OK) {
		store_rollback(e->store);
		return engine_group_redo(e, b, out);
	}
	*pending = 1;
	engine_result_add(e, b->records, b->n);
	e->group_n++;
	counts_add(&e->group_counts, &bc);
	e->group_rows_done = b->records[b->n - 1].row_no;
	e->group_batch = b->number;
	if (engine_spill_batch(e, b) != 0) {
		/* No room for it in the temporary file: the group ends
		 * here, and the batches after it have a transaction each. */
		e->group_cap = 1;
		return engine_group_commit_unspilled(e, b, out);
	}
	e->group_spilled++;
	/* Until a workbook given early has been read whole, the group goes
	 * on past its size and its time: its commit waits for that. */
	if ((e->group_n >= e->group_cap || engine_now() - e->group_t0 >= ENGINE_GROUP_S) &&
	    engine_settled(e))
		return engine_group_commit(e, out);
	return BATCH_COMMITTED;
}

/* Writes batch b, alone or in the group's transaction (*pending: its
 * outcomes wait for the group's commit). */
static enum batch_end
engine_write_batch(struct engine *e, struct batch *b, enum store_status *out, int *pending)
{
	*pending = 0;
	if (e->group_cap > 1)
		return engine_group_add(e, b, out, pending);
	return engine_write_alone(e, b, out);
}

/* How many times one setup step connects again before it gives up (each
 * time for up to --reconnect-for). */
#define ENGINE_SETUP_RECONNECTS 5

/* Runs a store call that takes the write lock, retrying while the database
 * is busy, and connecting again (then calling it again) when the
 * connection to the server was lost. */
static enum store_status
engine_retry(struct engine *e, enum store_status (*fn)(struct engine *))
{
	enum store_status ss;
	unsigned lost = 0;
	for (unsigned attempt = 1;; attempt++) {
		ss = fn(e);
		if (ss == STORE_FATAL && store_lost(e->store) && lost++ < ENGINE_SETUP_RECONNECTS) {
			uint64_t last, rows;
			if (engine_connect_again(e, 0, &last, &rows) != 0)
				return ss;
			char *shown = store_target_shown(e->o.db);
			engine_event(e, PROGRESS_RETRY, 0,
			    _("Connection to %s lost and made again; the step in flight is done again."),
			    shown);
			free(shown);
			e->reconnected = 1;
			attempt = 0;
			continue;
		}
		if (ss != STORE_TRANSIENT || attempt > e->o.retries)
			return ss;
		unsigned ms = e->o.retry_base_ms << (attempt - 1 < 16 ? attempt - 1 : 16);
		engine_event(e, PROGRESS_RETRY, 0,
		    _("The database is busy; trying again in %u ms (attempt %u of %u)."), ms,
		    attempt + 1, e->o.retries + 1);
		engine_sleep_ms(ms);
	}
}

static enum store_status
engine_do_ready(struct engine *e)
{
	free(e->prepare_cause);
	e->prepare_cause = NULL;
	return store_ready(e->store, &e->prepare_cause);
}

static enum store_status
engine_do_journal_prepare(struct engine *e)
{
	return journal_prepare(e->journal);
}

static enum store_status
engine_do_dry_run_begin(struct engine *e)
{
	return store_dry_run_begin(e->store);
}

static enum store_status
engine_do_prepare(struct engine *e)
{
	free(e->prepare_cause);
	e->prepare_cause = NULL;
	char *added = NULL;
	enum store_status ss = store_prepare(e->store, e->schema, &added, &e->prepare_cause);
	/* Said once, by the run that added them (a retry finds them there). */
	if (added != NULL) {
		free(e->res.columns_added);
		e->res.columns_added = added;
	}
	return ss;
}

static enum store_status
engine_do_start(struct engine *e)
{
	/* The start in flight when the connection was lost may have
	 * committed: then the import is there, this process's. */
	if (e->reconnected && (e->id = journal_own_import(e->journal, 0)) != 0)
		return journal_lock(e->journal, e->id);
	struct import_info info = {
		.source_path = e->o.path,
		.source_size = source_file_size(e->source),
		.source_sha256 = e->sha256,
		.source_format = source_format(e->source),
		.sheet = source_sheet(e->source),
		.encoding = source_encoding(e->source),
		.source_description = e->res.source_description,
		.schema_name = e->schema->name,
		.schema_path = e->schema->path,
		.target_table = e->schema->table,
		.mapping_json = e->res.mapping_json,
		.strategy = store_strategy_name(e->o.strategy),
		.on_key_conflict = store_key_conflict_name(e->o.on_key_conflict),
		.batch_size = e->o.batch_size,
		.region = e->o.region ? e->o.region : e->schema->region,
		.dry_run = e->o.dry_run,
		.invalid_values = validate_invalid_values_name(e->o.invalid_values),
		.restore_id = e->o.restore_id,
		.restore_members = e->o.restore_members,
		.date_order = schema_date_order_parse(e->o.date_order) >= 0 ?
		    schema_date_order_name((enum date_order)schema_date_order_parse(e->o.date_order)) :
		    NULL,
	};
	enum store_status ss = journal_import_start(e->journal, &info, &e->id);
	/* A dry run's line is written at its end: nobody can run it. */
	if (ss == STORE_OK && !e->o.dry_run)
		ss = journal_lock(e->journal, e->id);
	return ss;
}

/* Mappings chosen with --map or --map-file, and a region or date order
 * chosen, are remembered for the next file with the same header row, as
 * the wizard's are (the wizard, which passes a whole mapping, saves its
 * own). */
static enum store_status
engine_do_remember(struct engine *e)
{
	if (e->o.mapping_json != NULL ||
	    (e->o.map == NULL && e->o.map_file == NULL && !e->chose_settings))
		return STORE_OK;
	struct mapping_settings s = { { 0 }, { 0 } };
	int order = schema_date_order_parse(e->o.date_order);
	if (e->o.region != NULL)
		snprintf(s.region, sizeof s.region, "%s", e->o.region);
	for (char *p = s.region; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	if (order >= 0)
		snprintf(s.date_order, sizeof s.date_order, "%s",
		    schema_date_order_name((enum date_order)order));
	char *fp =
	    mapping_fingerprint((const char *const *)e->mapping->headers, e->mapping->ncolumns);
	char *json = mapping_remember_json(e->mapping, e->schema, &s);
	enum store_status ss = journal_mapping_save(e->journal, fp, e->schema->name, json);
	free(json);
	free(fp);
	return ss;
}

static enum store_status
engine_do_fixes(struct engine *e)
{
	if (e->nfixes == 0)
		return STORE_OK;
	return journal_fixes(e->journal, e->id, e->fixes, e->nfixes,
	    (const char *const *)e->mapping->headers, e->mapping->ncolumns);
}

static enum store_status
engine_do_lock(struct engine *e)
{
	return journal_lock(e->journal, e->o.resume_id);
}

static enum store_status
engine_do_claim(struct engine *e)
{
	if (e->reconnected && journal_own_import(e->journal, e->o.resume_id) == e->o.resume_id)
		return STORE_OK;
	return journal_claim(e->journal, e->o.resume_id, e->resumed->status);
}

static const char *
engine_own(struct engine *e, const char *s)
{
	if (s == NULL)
		return NULL;
	fatal_assert(e->nowned < sizeof e->owned / sizeof *e->owned);
	return e->owned[e->nowned++] = xstrdup(s);
}

/* Opens the target; a server out of reach is tried again for up to
 * --reconnect-for, with retry events. */
static int
engine_open_store(struct engine *e, char **cause)
{
	double deadline = engine_now() + e->o.reconnect_for_s;
	int unreachable = 0;
	for (unsigned attempt = 1;; attempt++) {
		e->store = store_open_timed(e->o.db, e->o.connect_timeout_s,
		    e->o.statement_timeout_s, &unreachable, cause);
		double left = deadline - engine_now();
		if (e->store != NULL || !unreachable || left <= 0)
			break;
		unsigned ms = 500u << (attempt - 1 < 6 ? attempt - 1 : 6);
		ms = ms / 2 + (unsigned)(rand_r(&e->rand_state) % (ms / 2 + 1));
		if (ms > left * 1000)
			ms = (unsigned)(left * 1000);
		char *shown = store_target_shown(e->o.db);
		engine_event(e, PROGRESS_RETRY, 0,
		    _("Cannot reach %s; connecting again (attempt %u) in %u s."), shown,
		    attempt + 1, (ms + 999) / 1000);
		free(shown);
		free(*cause);
		*cause = NULL;
		if (engine_wait_ms(e, ms)) {
			*cause = xstrdup(_("Cancelled before the database could be reached."));
			return -1;
		}
	}
	if (e->store == NULL)
		return -1;
	e->journal = journal_open(e->store);
	if (engine_retry(e, engine_do_ready) != STORE_OK) {
		*cause = e->prepare_cause;
		e->prepare_cause = NULL;
		return -1;
	}
	if (engine_retry(e, engine_do_journal_prepare) != STORE_OK) {
		char *db = store_target_shown(e->o.db);
		*cause = xasprintf(_("Cannot set up sluice's journal tables in %s: %s"), db,
		    store_errmsg(e->store));
		free(db);
		return -1;
	}
	return 0;
}

/* A resume takes its file and settings from the journal, and refuses when
 * there is nothing to resume or someone else is on it. */
static int
engine_setup_resume(struct engine *e, char **cause)
{
	int64_t id = e->o.resume_id;
	struct import_row *r = e->resumed = xcalloc(1, sizeof *e->resumed);
	if (journal_import(e->journal, id, r) != 1) {
		char *db = store_target_shown(e->o.db);
		*cause = xasprintf(_("There is no import %lld in %s; sluice history lists them."),
		    (long long)id, db);
		free(db);
		return -1;
	}
	/* A connection holding the import's lock runs it, whatever the
	 * journal's row says of its process (a pid of another namespace). */
	enum store_status locked = engine_retry(e, engine_do_lock);
	if (locked != STORE_OK && locked != STORE_ROW) {
		*cause = xasprintf(_("Cannot resume import %lld: %s"), (long long)id,
		    store_errmsg(e->store));
		return -1;
	}
	enum import_status status = locked == STORE_ROW ? r->status : journal_settle(e->journal, r);
	const char *host = r->host;
	int64_t pid = r->pid >= 0 ? r->pid : 0;
	if (r->dry_run) {
		*cause = xasprintf(
		    _("Import %lld was a dry run: nothing of it was kept, so there is nothing to resume. Import the file again."),
		    (long long)id);
		return -1;
	}
	if (status_is_live(status)) {
		if (journal_process_alive(host, pid) > 0)
			*cause = xasprintf(
			    _("Import %lld is still running (process %lld on this host); follow it with sluice watch %lld."),
			    (long long)id, (long long)pid, (long long)id);
		else
			*cause = xasprintf(
			    _("Import %lld is running on host %s (process %lld); resume it there, or once it has stopped."),
			    (long long)id, host ? host : "?", (long long)pid);
		return -1;
	}
	if (locked == STORE_ROW) {
		*cause = xasprintf(
		    _("Import %lld is still running: another connection to the database holds its lock; follow it with sluice watch %lld."),
		    (long long)id, (long long)id);
		return -1;
	}
	if (!status_is_resumable(status)) {
		*cause = xasprintf(
		    _("Import %lld is %s, not interrupted or cancelled; there is nothing to resume."),
		    (long long)id, status != STATUS_NONE ? status_name(status) : "?");
		return -1;
	}
	e->o.path = engine_own(e, r->source_path);
	const char *schema = r->schema_path;
	struct stat st;
	if (schema == NULL || stat(schema, &st) != 0)
		schema = r->schema_name;
	e->o.schema = engine_own(e, schema);
	int strategy = store_strategy_parse(r->strategy ?: "");
	e->o.strategy = strategy >= 0 ? (enum strategy)strategy : STRATEGY_UPDATE;
	/* An import the journal has no word for was made by a sluice that
	 * rejected the row of every invalid value: it goes on so. */
	int iv = validate_invalid_values_parse(r->invalid_values);
	e->o.invalid_values = iv >= 0 ? (enum invalid_values)iv : INVALID_VALUES_REJECT_ROW;
	/* An import journaled before key conflicts were told apart wrote
	 * them as matches: its rest does the same. */
	int keys = store_key_conflict_parse(r->on_key_conflict ?: "");
	e->o.on_key_conflict = keys >= 0 ? (enum key_conflict)keys : KEY_CONFLICT_UPDATE;
	if (r->batch_size > 0)
		e->o.batch_size = (unsigned)r->batch_size;
	e->o.region = engine_own(e, r->region);
	/* NULL: the schema's or the headers', as when it began. */
	e->o.date_order = engine_own(e, r->date_order);
	e->o.sheet = engine_own(e, r->sheet);
	e->o.encoding = engine_own(e, r->encoding);
	e->o.map = NULL;
	e->o.map_file = NULL;
	e->o.dry_run = 0;
	if (e->o.path == NULL || stat(e->o.path, &st) != 0) {
		char *esc = text_escape(e->o.path ? e->o.path : "?");
		*cause = xasprintf(
		    _("The file of import %lld, %s, is gone; it cannot be resumed. Import the file anew when you have it."),
		    (long long)id, esc);
		free(esc);
		return -1;
	}
	if ((int64_t)st.st_size != (r->source_size >= 0 ? r->source_size : 0)) {
		char *esc = text_escape(e->o.path);
		*cause = xasprintf(
		    _("The file %s has changed since import %lld began (its size differs); resuming would mix two files. Import it anew instead."),
		    esc, (long long)id);
		free(esc);
		return -1;
	}
	return 0;
}

static void
engine_free(struct engine *e)
{
	mapping_free(e->mapping);
	free(e->reference_fields);
	if (e->source)
		source_close(e->source);
	for (unsigned t = 0; e->validators != NULL && t < e->nthreads; t++)
		validator_free(e->validators[t]);
	free(e->validators);
	free(e->validator_threads);
	journal_close(e->journal);
	if (e->store)
		store_close(e->store);
	schema_free(e->schema);
	free(e->prepare_cause);
	free(e->read_error);
	if (e->resumed != NULL)
		store_import_row_clear(e->resumed);
	free(e->resumed);
	for (size_t i = 0; i < e->nfixes; i++) {
		free((char *)e->fixes[i].value);
		free((char *)e->fixes[i].original);
	}
	free(e->fixes);
	for (size_t i = 0; i < e->nowned; i++)
		free(e->owned[i]);
	for (size_t i = 0; i < e->nbatches; i++) {
		struct batch *b = &e->batches[i];
		arena_free(&b->arena);
		for (size_t c = 0; c < batch_chunks(e->o.batch_size); c++)
			arena_free(&b->arenas[c]);
		free(b->arenas);
		free(b->row_errors);
		free(b->records);
	}
	free(e->batches);
	free(e->group_mark.field_n);
	if (e->spill != NULL)
		fclose(e->spill);
	free(e->spill_out);
	free(e->spill_dir);
	free(e->spill_error);
	pthread_mutex_destroy(&e->lock);
	pthread_cond_destroy(&e->cond);
	pthread_cond_destroy(&e->vcond);
	pthread_cond_destroy(&e->ended);
	progress_destroy(&e->progress);
	engine_result_clear(&e->res);
	free(e);
}

enum date_order
engine_date_order_choose(const struct schema *schema, const char *option,
    const char *const *headers, size_t nheaders, const char **from, const char **country)
{
	int order = schema_date_order_parse(option);

	*from = "option";
	*country = NULL;
	if (order >= 0)
		return (enum date_order)order;
	if (schema->date_order_set) {
		*from = "schema";
		return schema->date_order;
	}
	*country = country_of_headers(headers, nheaders);
	if (country_day_first(*country)) {
		*from = "headers";
		return DATE_DMY;
	}
	*country = NULL;
	*from = "default";
	return schema->date_order;
}

/* How ambiguous dates are read (engine_date_order_choose), for the
 * validators and the result. */
static void
engine_date_order(struct engine *e, const char *const *headers, size_t nheaders)
{
	const char *from, *country;
	enum date_order order =
	    engine_date_order_choose(e->schema, e->o.date_order, headers, nheaders, &from, &country);

	snprintf(e->res.date_order, sizeof e->res.date_order, "%s", schema_date_order_name(order));
	snprintf(e->res.date_order_from, sizeof e->res.date_order_from, "%s",
	    e->order_of_mapping ? "mapping" : from);
	snprintf(e->res.date_order_country, sizeof e->res.date_order_country, "%s",
	    country ? country : "");
	for (unsigned t = 0; t < e->nthreads; t++)
		validator_set_date_order(e->validators[t], order);
}

/* The region and date order a mapping file or a remembered mapping chose
 * where the command line chose none; a new region makes the validators
 * again. */
static int
engine_mapping_settings(struct engine *e, const struct mapping_settings *s, int quoted, char **cause)
{
	if (*s->date_order && e->o.date_order == NULL) {
		e->o.date_order = engine_own(e, s->date_order);
		e->order_of_mapping = 1;
	}
	if (!*s->region || e->o.region != NULL)
		return 0;
	e->o.region = engine_own(e, s->region);
	e->refusal = ENGINE_REFUSED_SCHEMA;
	for (unsigned t = 0; t < e->nthreads; t++) {
		struct validator *v = validator_new(e->schema, e->o.region, cause);
		if (v == NULL)
			return -1;
		validator_free(e->validators[t]);
		e->validators[t] = v;
		validator_set_invalid_values(v, e->o.invalid_values);
		validator_set_quoted_cells(v, quoted);
	}
	e->refusal = ENGINE_REFUSED_MAPPING;
	return 0;
}

/* Everything that can go wrong before a single row is written. */
static int
engine_setup(struct engine *e, char **cause)
{
	e->chose_settings = e->o.resume_id == 0 && (e->o.region != NULL || e->o.date_order != NULL);
	if (e->o.resume_id != 0) {
		e->refusal = ENGINE_REFUSED_DATABASE;
		if (engine_open_store(e, cause) != 0)
			return -1;
		e->refusal = ENGINE_REFUSED_RESUME;
		if (engine_setup_resume(e, cause) != 0)
			return -1;
	}
	e->refusal = ENGINE_REFUSED_SCHEMA;
	e->schema = schema_load(e->o.schema ? e->o.schema : "contacts", cause);
	if (e->schema == NULL)
		return -1;
	e->validators = xcalloc(e->nthreads, sizeof *e->validators);
	for (unsigned t = 0; t < e->nthreads; t++) {
		e->validators[t] = validator_new(e->schema, e->o.region, cause);
		if (e->validators[t] == NULL)
			return -1;
		validator_set_invalid_values(e->validators[t], e->o.invalid_values);
	}
	e->refusal = ENGINE_REFUSED_FILE;
	struct source_options so = {
		.delimiter = e->o.delimiter,
		.sheet = e->o.sheet,
		.encoding = e->o.encoding,
		.max_field = e->o.max_field,
		.header_line = e->o.header_line,
		/* Rows are then written while the rest of a workbook is
		 * read, in a transaction that waits for it. */
		.early = engine_may_group(&e->o),
	};
	e->source = source_open(e->o.path, &so, cause);
	if (e->source == NULL)
		return -1;
	size_t nhead;
	const char *const *head = source_header(e->source, &nhead);
	int quoted = validate_is_rejects_csv(source_format(e->source), head, nhead);
	for (unsigned t = 0; t < e->nthreads; t++)
		validator_set_quoted_cells(e->validators[t], quoted);
	uint64_t offset;
	source_progress(e->source, &offset, &e->file_size);
	if (source_sha256(e->o.path, e->sha256, cause) != 0)
		return -1;
	if (e->resumed != NULL) {
		const char *was = e->resumed->source_sha256;
		if (was != NULL && strcmp(was, e->sha256) != 0) {
			char *esc = text_escape(e->o.path);
			*cause = xasprintf(
			    _("The file %s has changed since import %lld began (its SHA-256 differs); resuming would mix two files. Import it anew instead."),
			    esc, (long long)e->o.resume_id);
			free(esc);
			return -1;
		}
	}
	size_t nheaders;
	const char *const *headers = source_header(e->source, &nheaders);
	/* A database that exists may remember a mapping for this header row;
	 * one that does not is not created for a mapping refused. */
	char *remembered = NULL;
	e->refusal = ENGINE_REFUSED_DATABASE;
	if (e->resumed == NULL && e->o.mapping_json == NULL && access(e->o.db, F_OK) == 0) {
		if (engine_open_store(e, cause) != 0)
			return -1;
		char *fp = mapping_fingerprint(headers, nheaders);
		remembered = journal_mapping_load(e->journal, fp, e->schema->name);
		free(fp);
	}
	e->refusal = ENGINE_REFUSED_MAPPING;
	int applied;
	e->mapping = mapping_propose(e->schema, headers, nheaders, remembered, &applied);
	/* The region and date order remembered with it, or given in the
	 * mapping file, unless the command line says others. */
	struct mapping_settings settings = { { 0 }, { 0 } };
	if (applied)
		mapping_remembered_settings(remembered, &settings);
	free(remembered);
	const char *json = e->resumed != NULL ? e->resumed->mapping : e->o.mapping_json;
	if (json != NULL && mapping_apply_json(e->mapping, e->schema, json, cause) != 0)
		return -1;
	if (e->o.map_file &&
	    mapping_read_file(e->mapping, e->schema, e->o.map_file, &settings, cause) != 0)
		return -1;
	if (engine_mapping_settings(e, &settings, quoted, cause) != 0)
		return -1;
	if (e->o.map && mapping_apply(e->mapping, e->schema, e->o.map, cause) != 0)
		return -1;
	if (mapping_check(e->mapping, e->schema, cause) != 0)
		return -1;
	/* A mapping chosen in the wizard or kept by the import showed, or
	 * showed before, each column left out. */
	if (json == NULL && mapping_contested(e->mapping, e->schema, cause) != 0)
		return -1;
	engine_date_order(e, headers, nheaders);
	/* Phones invalid in the import's region are tried in the regions the
	 * file suggests, for the summary's hint. */
	int country_column = e->schema->region_field != NULL ?
	    mapping_namesake(e->mapping, e->schema,
		(int)(e->schema->region_field - e->schema->fields)) :
	    -1;
	for (unsigned t = 0; t < e->nthreads; t++)
		validator_set_hint(e->validators[t], country_of_headers(headers, nheaders),
		    country_column);
	if (e->o.strict_mapping && mapping_strict(e->mapping, cause) != 0)
		return -1;
	e->reference_fields = xcalloc(e->o.nreferences + 1, sizeof *e->reference_fields);
	for (size_t i = 0; i < e->o.nreferences; i++) {
		e->reference_fields[i] = -1;
		for (size_t c = 0; c < e->mapping->ncolumns; c++)
			if (!strcmp(e->mapping->headers[c], e->o.references[i].column))
				e->reference_fields[i] = e->mapping->field[c];
	}
	e->refusal = ENGINE_REFUSED_DATABASE;
	if (e->store == NULL && engine_open_store(e, cause) != 0)
		return -1;
	if (e->o.dry_run && engine_retry(e, engine_do_dry_run_begin) != STORE_OK) {
		*cause = xasprintf(_("Cannot start the dry run: %s"), store_errmsg(e->store));
		return -1;
	}
	if (engine_retry(e, engine_do_prepare) != STORE_OK) {
		*cause = e->prepare_cause ? e->prepare_cause :
					    xasprintf(_("Cannot prepare the table %s: %s"),
						e->schema->table, store_errmsg(e->store));
		e->prepare_cause = NULL;
		return -1;
	}
	return 0;
}

/* Rows and errors committed by the earlier runs of a resumed import. */
static void
engine_take_over(struct engine *e)
{
	const struct import_row *r = e->resumed;
	e->id = e->o.resume_id;
	for (int o = 0; o < OUTCOME_NOT_PROCESSED; o++)
		e->committed.n[o] = r->n[o];
	e->committed.n[OUTCOME_DELETED] = r->n[OUTCOME_DELETED];
	e->rows_done = r->rows_done;
	e->skip_rows = e->rows_done;
	e->rows_done_at_start = e->rows_done;
	e->first_batch = journal_last_batch(e->journal, e->id);
	e->batches_done = e->first_batch;
}

/* A resumed import's summary covers the whole import, earlier runs
 * included: its errors are the journal's. */
static void
engine_journaled_errors(struct engine *e)
{
	struct engine_result *res = &e->res;
	for (size_t i = 0; i < res->nerrors_by_field; i++)
		free(res->errors_by_field[i].name);
	res->nerrors_by_field = 0;
	struct name_count *c;
	size_t n;
	if (journal_error_counts(e->journal, e->id, STORE_COUNT_BY_FIELD, &c, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			engine_count_field(res, c[i].name);
			res->errors_by_field[res->nerrors_by_field - 1].n = c[i].n;
		}
		journal_counts_free(c, n);
	}
	memset(res->errors_by_type, 0, sizeof res->errors_by_type);
	if (journal_error_counts(e->journal, e->id, STORE_COUNT_BY_TYPE, &c, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			int t = record_error_type_parse(c[i].name);
			if (t >= 0)
				res->errors_by_type[t] = c[i].n;
		}
		journal_counts_free(c, n);
	}
	res->values_dropped = 0;
	if (journal_error_counts(e->journal, e->id, STORE_COUNT_BY_EFFECT, &c, &n) == 0) {
		for (size_t i = 0; i < n; i++)
			if (!strcmp(c[i].name, "value_dropped"))
				res->values_dropped = c[i].n;
		journal_counts_free(c, n);
	}

	for (size_t i = 0; i < res->nsamples; i++)
		engine_error_row_free(&res->samples[i]);
	res->nsamples = 0;
	struct error_row *rows;
	if (journal_errors(e->journal, e->id, ENGINE_MAX_SAMPLES, &rows, &n) == 0) {
		/* The rows' strings become the samples'. */
		for (size_t i = 0; i < n && res->nsamples < ENGINE_MAX_SAMPLES; i++) {
			if (rows[i].message == NULL)
				rows[i].message = xstrdup("");
			res->samples[res->nsamples++] = rows[i];
			rows[i] = (struct error_row){ 0 };
		}
		journal_errors_free(rows, n);
	}
}

/* Finishes the import's accounting once the writer has stopped and the
 * reader has read (or counted) the whole file. */
static void
engine_conclude(struct engine *e, enum store_status ss)
{
	enum import_status status;
	struct counts *c = &e->committed;
	uint64_t total = atomic_load(&e->rows_read);
	c->n[OUTCOME_NOT_PROCESSED] = total - e->rows_done;
	struct engine_result *res = &e->res;
	if (e->stopped == STATUS_CANCELLED)
		status = STATUS_CANCELLED;
	else if (e->stopped != STATUS_NONE) {
		status = STATUS_INTERRUPTED;
		if (res->last_error == NULL && e->error_type == ERROR_CONNECTION)
			res->last_error = xasprintf(
			    _("%s The import stops here, safe to resume: sluice resume %lld."),
			    store_errmsg(e->store), (long long)e->id);
		else if (res->last_error == NULL && e->spill_error != NULL)
			res->last_error = xstrdup(e->spill_error);
		else if (res->last_error == NULL)
			res->last_error = xstrdup(ss != STORE_OK ? store_errmsg(e->store) :
								   _("The time limit was reached."));
	} else if (e->read_error != NULL) {
		status = STATUS_FAILED;
		res->last_error = e->read_error;
		e->read_error = NULL;
		e->error_type = ERROR_SYSTEM;
	} else
		status = c->n[OUTCOME_REJECTED] + c->n[OUTCOME_FAILED] > 0 ?
		    STATUS_COMPLETED_WITH_ERRORS :
		    STATUS_COMPLETED;

	/* The accounting invariant: every row read has exactly one outcome,
	 * and the committed ones are exactly the rows before the cursor. */
	uint64_t sum = 0;
	for (int o = 0; o < OUTCOME_DELETED; o++)
		sum += c->n[o];
	uint64_t written = sum - c->n[OUTCOME_NOT_PROCESSED];
	int finished = e->stopped == STATUS_NONE && res->last_error == NULL;
	if (sum != total || written != e->rows_done || e->rows_done > total ||
	    (finished && c->n[OUTCOME_NOT_PROCESSED] != 0)) {
		fatal(_("sluice: internal error: the rows do not add up (read %llu, accounted %llu, written %llu, cursor %llu). This is a bug; please report it with the file that caused it.\n"),
		    (unsigned long long)total, (unsigned long long)sum, (unsigned long long)written,
		    (unsigned long long)e->rows_done);
	}

	if (e->o.dry_run) {
		store_dry_run_end(e->store);
		if (e->o.unrecorded || engine_retry(e, engine_do_start) != STORE_OK)
			e->id = 0;
	}
	if (e->id != 0 && !e->journal_behind) {
		int once = 0;
		for (unsigned attempt = 1;; attempt++) {
			enum store_status fs = journal_progress(e->journal, e->id, e->rows_done,
			    atomic_load(&e->bytes_read), total, c, status, res->last_error, 1);
			if (fs == STORE_FATAL && status != STATUS_INTERRUPTED &&
			    engine_reconnect(e, e->batches_done) == 1)
				continue;
			/* Stopped by a lost connection: one more attempt at once,
			 * so that the journal says why when the server is back
			 * (and stands where this run left it). */
			uint64_t last, rows;
			if (fs == STORE_FATAL && status == STATUS_INTERRUPTED && !once++ &&
			    !e->o.dry_run && store_lost(e->store) &&
			    store_reconnect(e->store, e->id, &last, &rows) == STORE_OK &&
			    rows == e->rows_done)
				continue;
			if (fs != STORE_TRANSIENT || attempt > e->o.retries)
				break;
			engine_sleep_ms(e->o.retry_base_ms << (attempt - 1));
		}
	}
	journal_unlock(e->journal);
	if (e->resumed != NULL)
		engine_journaled_errors(e);
	res->id = e->id;
	res->status = status;
	res->total = total;
	res->counts = *c;
	res->duration_s = engine_now() - e->t0;
	res->rows_this_run = e->rows_done - e->rows_done_at_start;
	res->resumed = e->resumed != NULL;
	res->last_error_type = res->last_error != NULL ? e->error_type : -1;
	engine_publish(e, status);
}

/* --max-batches and --max-errors, asked before batch number is written:
 * 1 (with the reason in the result and an event) when the import is to
 * stop here. */
static int
engine_over_limit(struct engine *e, uint64_t number)
{
	const struct engine_error_budget *m = &e->o.max_errors;
	uint64_t bad = e->committed.n[OUTCOME_REJECTED] + e->committed.n[OUTCOME_FAILED];
	char *why;
	if (e->o.max_batches > 0 && e->batches_done - e->first_batch >= e->o.max_batches)
		why = xasprintf(ngettext("Stopped after %u batch: --max-batches %u.",
				    "Stopped after %u batches: --max-batches %u.", e->o.max_batches),
		    e->o.max_batches, e->o.max_batches);
	else if (m->on && !m->percent && bad > m->limit)
		why = xasprintf(
		    ngettext("Stopped after %llu rejected or failed row: more than --max-errors %llu.",
			"Stopped after %llu rejected or failed rows: more than --max-errors %llu.",
			bad),
		    (unsigned long long)bad, (unsigned long long)m->limit);
	else if (m->on && m->percent && (double)bad * 100.0 > (double)m->limit * (double)e->rows_done)
		why = xasprintf(
		    ngettext(
			"Stopped after %llu rejected or failed row of %llu: more than --max-errors %llu%%.",
			"Stopped after %llu rejected or failed rows of %llu: more than --max-errors %llu%%.",
			bad),
		    (unsigned long long)bad, (unsigned long long)e->rows_done,
		    (unsigned long long)m->limit);
	else
		return 0;
	free(e->res.last_error);
	e->res.last_error =
	    xasprintf(_("%s Continue with sluice resume %lld."), why, (long long)e->id);
	free(why);
	engine_event(e, PROGRESS_LIMIT, number, "%s", e->res.last_error);
	return 1;
}

/* Spreads the writes (--pace, --batch-delay): waits before the next batch
 * of this run until the rows written so far fit the pace, and for the
 * delay between two batches. The ETA follows the rate measured, waits
 * included. */
static void
engine_pace(struct engine *e)
{
	if (e->batches_done == e->first_batch) {
		e->pace_t0 = engine_now();
		return;
	}
	double wait = e->o.batch_delay_ms / 1000.0;
	if (e->o.pace > 0) {
		double due = e->pace_t0 + (double)(e->rows_done - e->rows_done_at_start) / e->o.pace;
		double left = due - engine_now();
		if (left > wait)
			wait = left;
	}
	if (wait > 0)
		engine_wait_ms(e, (unsigned)(wait * 1000.0 + 0.5));
}

/* One batch of --strategy replace's deletions, in its own transaction:
 * up to a batch size of the records no row of the file met, each
 * journaled with its before-image (a rollback puts it back), and the
 * count. *n: how many it found to delete (fewer than a batch: none is
 * left). */
static enum store_status
engine_delete_batch(struct engine *e, int64_t *ids, size_t *n)
{
	const struct schema *s = e->schema;
	struct record *recs = xcalloc(e->o.batch_size, sizeof *recs);
	enum store_status ss;
	size_t k = 0;
	for (unsigned attempt = 1;; attempt++) {
		for (size_t i = 0; i < k; i++)
			free(recs[i].before);
		k = 0;
		size_t found = 0;
		ss = store_begin(e->store);
		if (ss == STORE_OK)
			ss = store_records_prepare(e->store, s);
		if (ss == STORE_OK)
			ss = store_records_unseen(e->store, e->id, e->o.batch_size, ids, &found);
		for (size_t i = 0; i < found && ss == STORE_OK; i++) {
			const char *const *values;
			int64_t from;
			int there = store_record_load(e->store, ids[i], &values, &from);
			if (there < 0) {
				ss = STORE_FATAL;
				break;
			}
			if (there == 0)
				continue;
			char *before = store_before_image(s, ids[i], values, from);
			int done = 0;
			ss = store_record_delete(e->store, ids[i], &done);
			if (ss != STORE_OK || !done) {
				free(before);
				continue;
			}
			recs[k++] = (struct record){ .outcome = OUTCOME_DELETED,
				.record_id = ids[i],
				.before = before,
				.matched_from = -1 };
		}
		struct counts total = e->committed;
		total.n[OUTCOME_DELETED] += k;
		if (ss == STORE_OK && k > 0 && !e->o.dry_run)
			ss = journal_rows(e->journal, e->id, 0, recs, k);
		if (ss == STORE_OK && k > 0 && !e->o.dry_run)
			ss = journal_progress(e->journal, e->id, e->rows_done,
			    atomic_load(&e->bytes_read), 0, &total, STATUS_RUNNING, NULL, 0);
		if (ss == STORE_OK)
			ss = store_commit(e->store);
		if (ss == STORE_OK) {
			e->committed.n[OUTCOME_DELETED] += k;
			*n = found;
			engine_crash_hook();
			break;
		}
		store_rollback(e->store);
		if (ss != STORE_TRANSIENT || attempt > e->o.retries ||
		    engine_backoff(e, e->batches_done, attempt, store_errmsg(e->store)))
			break;
	}
	for (size_t i = 0; i < k; i++)
		free(recs[i].before);
	free(recs);
	return ss;
}

/* --strategy replace, once every row of the file is written: deletes the
 * stored records no row met, in batches of their own; a resume does the
 * rest. Nothing is deleted when rows were rejected or failed: the file may
 * hold a record's match keys in a row that was not written. */
static enum store_status
engine_replace(struct engine *e)
{
	uint64_t bad = e->committed.n[OUTCOME_REJECTED] + e->committed.n[OUTCOME_FAILED];
	if (bad > 0)
		engine_event(e, PROGRESS_INFO, e->batches_done,
		    ngettext(
			"No record was deleted: %llu row was rejected or failed, and it may hold the match keys of a record the file keeps. Fix it and import the file again.",
			"No record was deleted: %llu rows were rejected or failed, and they may hold the match keys of records the file keeps. Fix them and import the file again.",
			bad),
		    (unsigned long long)bad);
	int64_t *ids = xcalloc(e->o.batch_size, sizeof *ids);
	enum store_status ss = STORE_OK;
	while (bad == 0) {
		if (atomic_load(&e->cancel)) {
			e->stopped = STATUS_CANCELLED;
			engine_event(e, PROGRESS_CANCELLED, e->batches_done,
			    _("Cancelled while deleting the records that are not in the file: %llu are deleted; sluice resume %lld deletes the rest."),
			    (unsigned long long)e->committed.n[OUTCOME_DELETED], (long long)e->id);
			break;
		}
		size_t n = 0;
		ss = engine_delete_batch(e, ids, &n);
		if (ss != STORE_OK) {
			e->stopped = STATUS_INTERRUPTED;
			e->error_type = store_lost(e->store) ? ERROR_CONNECTION : ERROR_DATABASE;
			engine_event(e, PROGRESS_STORAGE, e->batches_done,
			    _("Stopped while deleting the records that are not in the file: %s Continue with sluice resume %lld once the problem is solved."),
			    store_errmsg(e->store), (long long)e->id);
			break;
		}
		engine_publish(e, STATUS_RUNNING);
		if (n < e->o.batch_size)
			break;
	}
	free(ids);
	/* The records the rows met are no longer needed. */
	if (e->stopped == STATUS_NONE && !e->o.dry_run) {
		ss = store_begin(e->store);
		if (ss == STORE_OK)
			ss = journal_seen_clear(e->journal, e->id);
		if (ss == STORE_OK)
			ss = store_commit(e->store);
		if (ss != STORE_OK)
			store_rollback(e->store);
		ss = STORE_OK;
	}
	return ss;
}

/* Holds the writer at a batch boundary while paused. */
static void
engine_pause_point(struct engine *e)
{
	if (!atomic_load(&e->paused))
		return;
	engine_publish(e, STATUS_PAUSED);
	pthread_mutex_lock(&e->lock);
	while (atomic_load(&e->paused) && !atomic_load(&e->cancel))
		pthread_cond_wait(&e->cond, &e->lock);
	pthread_mutex_unlock(&e->lock);
	engine_publish(e, STATUS_RUNNING);
}

/* What the end of a batch (or of the group's commit) means for the
 * import: a cancel or a store that cannot go on stops it. */
static void
engine_ended(struct engine *e, enum batch_end end, uint64_t number)
{
	if (end == BATCH_CANCELLED && e->stopped == STATUS_NONE) {
		e->stopped = STATUS_CANCELLED;
		engine_event(e, PROGRESS_CANCELLED, number,
		    _("Cancelled: batch %llu was rolled back; the batches before it stay committed."),
		    (unsigned long long)number);
	} else if (end == BATCH_STORE_FAILED && e->stopped == STATUS_NONE) {
		e->stopped = STATUS_INTERRUPTED;
		e->error_type = e->spill_error != NULL ? ERROR_SYSTEM :
		    store_lost(e->store)	       ? ERROR_CONNECTION :
							 ERROR_DATABASE;
		engine_event(e, PROGRESS_STORAGE, number,
		    _("Stopped at batch %llu: %s Continue with sluice resume %lld once the problem is solved."),
		    (unsigned long long)number,
		    e->spill_error != NULL ? e->spill_error : store_errmsg(e->store),
		    (long long)e->id);
	}
}

/* Commits the group, and says so when that fails: the import then stops
 * before the group's first batch, the one after the cursor. */
static void
engine_group_ended(struct engine *e, enum store_status *ss)
{
	enum batch_end end = engine_group_commit(e, ss);
	engine_ended(e, end, e->batches_done + 1);
}

/* The worker thread: the batch loop. */
static void *
engine_run(void *arg)
{
	struct engine *e = arg;
	pthread_t reader;
	e->validator_threads = xcalloc(e->nthreads, sizeof *e->validator_threads);
	for (unsigned t = 0; t < e->nthreads; t++) {
		struct engine_validator_arg *va = xmalloc(sizeof *va);
		*va = (struct engine_validator_arg){ .e = e, .v = e->validators[t] };
		pthread_create(&e->validator_threads[t], NULL, engine_validator, va);
	}
	pthread_create(&reader, NULL, engine_reader, e);
	engine_publish(e, STATUS_RUNNING);

	enum store_status ss = STORE_OK;
	for (;;) {
		/* An open group waits for the next batch until it is due,
		 * then commits: what is written is not held back while the
		 * file is read. */
		struct batch *b = engine_take_full(e,
		    e->group_n > 0 && engine_settled(e) ? e->group_t0 + ENGINE_GROUP_S : 0);
		if (b == NULL) {
			engine_group_ended(e, &ss);
			if (e->stopped != STATUS_NONE)
				atomic_store(&e->stop, 1);
			engine_publish(e, e->stopped != STATUS_NONE ? e->stopped : STATUS_RUNNING);
			continue;
		}
		int last = b->last, pending = 0;
		if (b->n > 0 && e->stopped == STATUS_NONE && !e->source_failed) {
			engine_pace(e);
			if (atomic_load(&e->paused) && e->group_n > 0)
				engine_group_ended(e, &ss);
			engine_pause_point(e);
			enum batch_end end = BATCH_COMMITTED;
			double elapsed = engine_now() - e->t0;
			if (e->stopped != STATUS_NONE)
				end = BATCH_STORE_FAILED;
			else if (atomic_load(&e->cancel))
				end = BATCH_CANCELLED;
			else if (e->o.max_duration_s > 0 && elapsed >= e->o.max_duration_s) {
				e->stopped = STATUS_INTERRUPTED;
				engine_event(e, PROGRESS_TIME_LIMIT, b->number,
				    _("The time limit of %.0f s is reached; stopping after batch %llu. Continue with sluice resume %lld."),
				    e->o.max_duration_s, (unsigned long long)e->batches_done,
				    (long long)e->id);
			} else if (engine_over_limit(e, b->number))
				e->stopped = STATUS_INTERRUPTED;
			else
				end = engine_write_batch(e, b, &ss, &pending);
			if (end == BATCH_COMMITTED && e->stopped == STATUS_NONE && !pending)
				e->batches_done = b->number;
			else if (end != BATCH_COMMITTED && e->stopped == STATUS_NONE)
				/* The batch after the cursor: b, or the first
				 * of a group whose commit failed. */
				engine_ended(e, end, e->batches_done + 1);
			/* The group is committed when no batch waits: what is
			 * written is not held back while the file is read. */
			if (e->group_n > 0 && (last || e->stopped != STATUS_NONE))
				engine_group_ended(e, &ss);
			if (e->stopped != STATUS_NONE)
				atomic_store(&e->stop, 1);
			engine_publish(e, e->stopped != STATUS_NONE ? e->stopped : STATUS_RUNNING);
		} else if (e->group_n > 0 && (last || e->stopped != STATUS_NONE)) {
			/* The file ended with an empty batch. */
			engine_group_ended(e, &ss);
			engine_publish(e, e->stopped != STATUS_NONE ? e->stopped : STATUS_RUNNING);
		}
		engine_release(e, b);
		if (last)
			break;
	}
	/* Whether a workbook given early was read cleanly, when nothing
	 * committed has asked yet (a replace deletes nothing otherwise). */
	if (e->stopped == STATUS_NONE)
		engine_settle(e);
	pthread_join(reader, NULL);
	pthread_mutex_lock(&e->lock);
	e->validators_quit = 1;
	pthread_cond_broadcast(&e->vcond);
	pthread_mutex_unlock(&e->lock);
	for (unsigned t = 0; t < e->nthreads; t++)
		pthread_join(e->validator_threads[t], NULL);
	if (e->o.strategy == STRATEGY_REPLACE && e->stopped == STATUS_NONE &&
	    e->read_error == NULL && !e->journal_behind)
		ss = engine_replace(e);
	engine_conclude(e, ss);
	pthread_mutex_lock(&e->lock);
	atomic_store(&e->running, 0);
	pthread_cond_broadcast(&e->ended);
	pthread_mutex_unlock(&e->lock);
	return NULL;
}

static int
engine_fix_order(const void *a, const void *b)
{
	const struct engine_fix *x = a, *y = b;
	if (x->row != y->row)
		return x->row < y->row ? -1 : 1;
	return x->column < y->column ? -1 : x->column > y->column;
}

int
engine_error_budget_parse(const char *arg, struct engine_error_budget *out)
{
	char *end;
	if (arg[0] < '0' || arg[0] > '9')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(arg, &end, 10);
	int percent = !strcmp(end, "%");
	if (errno != 0 || (*end != '\0' && !percent) || (percent && v > 100))
		return -1;
	*out = (struct engine_error_budget){ .on = 1, .percent = percent, .limit = v };
	return 0;
}

unsigned
engine_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		return 1;
	return n > ENGINE_MAX_THREADS ? ENGINE_MAX_THREADS : (unsigned)n;
}

const char *
engine_refusal_name(enum engine_refusal_kind kind)
{
	static const char *const names[] = {
		[ENGINE_REFUSED_FILE] = "file",
		[ENGINE_REFUSED_SCHEMA] = "schema",
		[ENGINE_REFUSED_MAPPING] = "mapping",
		[ENGINE_REFUSED_DATABASE] = "database",
		[ENGINE_REFUSED_RESUME] = "resume",
	};
	return (size_t)kind < sizeof names / sizeof *names ? names[kind] : "";
}

/* Tells the hooks why engine_start gives up. */
static void
engine_refuse(struct engine *e, const char *message)
{
	if (e->hooks == NULL || e->hooks->refused == NULL)
		return;
	const struct engine_refusal r = {
		.kind = e->refusal,
		.message = message,
		.file = e->o.path,
		.mapping = e->refusal == ENGINE_REFUSED_MAPPING ? e->mapping : NULL,
		.schema = e->schema,
	};
	e->hooks->refused(e->hooks->ctx, &r);
}

struct engine *
engine_start(const struct engine_options *opts, const struct engine_hooks *hooks, char **cause)
{
	struct engine *e = xcalloc(1, sizeof *e);
	e->o = *opts;
	engine_delay_hook(e);
	e->hooks = hooks;
	e->t0 = engine_now();
	e->last_publish = e->t0;
	e->rand_state = (unsigned)time(NULL) ^ (unsigned)getpid();
	e->error_type = -1;
	pthread_mutex_init(&e->lock, NULL);
	pthread_cond_init(&e->cond, NULL);
	pthread_cond_init(&e->vcond, NULL);
	/* On the monotonic clock: a watcher's period is not stretched by the
	 * wall clock being set back. */
	pthread_condattr_t mono;
	pthread_condattr_init(&mono);
	pthread_condattr_setclock(&mono, CLOCK_MONOTONIC);
	pthread_cond_init(&e->ended, &mono);
	pthread_condattr_destroy(&mono);
	progress_init(&e->progress);
	e->nthreads = opts->threads > 0 ? opts->threads : engine_default_threads();
	e->res.samples = xcalloc(ENGINE_MAX_SAMPLES, sizeof *e->res.samples);
	if (opts->nfixes > 0) {
		e->nfixes = opts->nfixes;
		e->fixes = xcalloc(opts->nfixes, sizeof *e->fixes);
		for (size_t i = 0; i < opts->nfixes; i++) {
			e->fixes[i] = opts->fixes[i];
			e->fixes[i].value = xstrdup(opts->fixes[i].value ? opts->fixes[i].value : "");
			e->fixes[i].original =
			    opts->fixes[i].original ? xstrdup(opts->fixes[i].original) : NULL;
		}
		qsort(e->fixes, e->nfixes, sizeof *e->fixes, engine_fix_order);
	}

	if (engine_setup(e, cause) != 0) {
		if (e->store && e->o.dry_run)
			store_dry_run_end(e->store);
		engine_refuse(e, *cause);
		engine_free(e);
		return NULL;
	}
	/* A workbook given early is read whole first where batches do not
	 * share a transaction that could wait for it, as it always is
	 * without early: a damaged one is then refused before anything. */
	e->unsettled = !source_settled(e->source);
	if (e->unsettled && !store_groups_batches(e->store) && engine_settle(e) != 0) {
		e->refusal = ENGINE_REFUSED_FILE;
		*cause = e->read_error;
		e->read_error = NULL;
		engine_refuse(e, *cause);
		engine_free(e);
		return NULL;
	}
	e->res.file = xstrdup(e->o.path);
	e->res.dry_run = e->o.dry_run;
	e->res.strategy = e->o.strategy;
	e->res.on_key_conflict = e->o.on_key_conflict;
	e->res.batch_size = e->o.batch_size;
	e->res.schema = xstrdup(e->schema->name);
	e->res.table = xstrdup(e->schema->table);
	e->res.source_description = xstrdup(source_describe(e->source));
	e->res.sheet = source_sheet(e->source) ? xstrdup(source_sheet(e->source)) : NULL;
	e->res.header_line = source_header_line(e->source);
	e->res.mapping_json = mapping_to_json(e->mapping, e->schema);

	if (e->resumed != NULL) {
		if (engine_retry(e, engine_do_claim) != STORE_OK) {
			*cause = xasprintf(
			    _("Import %lld was taken over by another process just now; see sluice history."),
			    (long long)e->o.resume_id);
			engine_refuse(e, *cause);
			engine_free(e);
			return NULL;
		}
		engine_take_over(e);
	} else if (!e->o.dry_run &&
	    (engine_retry(e, engine_do_start) != STORE_OK ||
		engine_retry(e, engine_do_fixes) != STORE_OK ||
		engine_retry(e, engine_do_remember) != STORE_OK)) {
		*cause = xasprintf(_("Cannot record the import in the database: %s"),
		    store_errmsg(e->store));
		e->refusal = ENGINE_REFUSED_DATABASE;
		engine_refuse(e, *cause);
		engine_free(e);
		return NULL;
	}

	/* Several batches to a transaction where commits are costly (their
	 * rows are not kept: each is spilled), ENGINE_DEFAULT_GROUP
	 * at most: with the default batch size only (a batch
	 * size someone chose is the size of the transactions they want),
	 * and when nothing asks to stop or wait between two batches
	 * (limits, pace: those count batch by batch). */
	e->group_cap = 1;
	if (store_groups_batches(e->store) && engine_may_group(&e->o))
		e->group_cap = engine_group_cap_hook();
	if (e->group_cap > 1 && engine_spill_open(e) != 0) {
		e->group_cap = 1;
		engine_event(e, PROGRESS_INFO, 0,
		    _("No temporary file can be made in %s, so each batch is committed on its own, which is slower. Set TMPDIR to a directory sluice can write to for several batches to share a transaction."),
		    e->spill_dir);
	}
	/* The batches in flight: the one being written and the one being
	 * read (and validated as its chunks fill), which is ready before the
	 * writer is done with the first, and for a database server one more,
	 * validated ahead for when the server answers sooner than usual. Into
	 * SQLite the writer is slower than the reader by far, and the memory a
	 * third would hold goes to SQLite's page cache instead (store-sqlite.c):
	 * at 1,000,000 rows two took as long as three (14.6-16.0 s against
	 * 15.5-16.1 s, alternated) in 6 MiB less. Every validator works on the
	 * oldest batch first. With a group, one more to read spilled batches
	 * back into. */
	size_t working = store_groups_batches(e->store) ? 2 : 3;
	e->nbatches = working + (e->group_cap > 1);
	e->batches = xcalloc(e->nbatches, sizeof *e->batches);
	for (size_t i = 0; i < e->nbatches; i++) {
		struct batch *b = &e->batches[i];
		b->records = xcalloc(e->o.batch_size, sizeof *b->records);
		b->row_errors = xcalloc(e->o.batch_size, sizeof *b->row_errors);
		b->arenas = xcalloc(batch_chunks(e->o.batch_size), sizeof *b->arenas);
		if (i == working) {
			e->redo = b;
			continue;
		}
		b->next = e->free_batches;
		e->free_batches = b;
	}
	if (e->o.start_paused)
		atomic_store(&e->paused, 1);
	engine_publish(e, STATUS_RUNNING);

	/* Signals are the watcher's business: the engine's threads never
	 * take them. */
	atomic_store(&e->running, 1);
	thread_start(&e->worker, engine_run, e);
	return e;
}

struct progress *
engine_progress(struct engine *e)
{
	return &e->progress;
}

void
engine_pause(struct engine *e, int paused)
{
	if (atomic_exchange(&e->paused, paused ? 1 : 0) == (paused ? 1 : 0))
		return;
	pthread_mutex_lock(&e->lock);
	pthread_cond_broadcast(&e->cond);
	pthread_mutex_unlock(&e->lock);
	progress_event(&e->progress, paused ? PROGRESS_PAUSED : PROGRESS_RESUMED,
	    engine_now() - e->t0, 0, 0,
	    paused ? _("Paused: the import stops at the end of the batch being written.") :
		     _("Resumed."));
}

void
engine_cancel(struct engine *e)
{
	if (atomic_exchange(&e->cancel, 1))
		return;
	pthread_mutex_lock(&e->lock);
	pthread_cond_broadcast(&e->cond);
	pthread_mutex_unlock(&e->lock);
}

int
engine_running(struct engine *e)
{
	return atomic_load(&e->running);
}

int
engine_wait_end(struct engine *e, unsigned ms)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += (time_t)(ms / 1000);
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&e->lock);
	while (atomic_load(&e->running))
		if (pthread_cond_timedwait(&e->ended, &e->lock, &until) == ETIMEDOUT)
			break;
	int running = atomic_load(&e->running);
	pthread_mutex_unlock(&e->lock);
	return running;
}

/* The region hint of the result: the region the file suggests (its
 * headers, its country column, its numbers' shape) that reads the phone
 * numbers invalid in the import's region, when that is worth saying. */
static void
engine_region_hint(struct engine *e)
{
	char region[3];
	uint64_t hits;

	if (e->validators != NULL && validator_hint(e->validators, e->nthreads, region, &hits)) {
		memcpy(e->res.region_hint, region, 3);
		e->res.region_hint_phones = hits;
	}
}

void
engine_finish(struct engine *e, struct engine_result *result)
{
	pthread_join(e->worker, NULL);
	engine_region_hint(e);
	for (unsigned t = 0; e->validators != NULL && t < e->nthreads; t++)
		e->res.dates_other_order += validator_dates_other_order(e->validators[t]);
	*result = e->res;
	memset(&e->res, 0, sizeof e->res);
	engine_free(e);
}

int
engine_import(const struct engine_options *opts, const struct engine_hooks *hooks,
    struct engine_result *result, char **cause)
{
	memset(result, 0, sizeof *result);
	struct engine *e = engine_start(opts, hooks, cause);
	if (e == NULL)
		return -1;
	engine_finish(e, result);
	return 0;
}

static void
engine_match_sample_free(struct match_sample *m)
{
	for (size_t k = 0; k < m->nchanges; k++) {
		free(m->changes[k].field);
		free(m->changes[k].stored);
		free(m->changes[k].incoming);
		free(m->changes[k].update);
		free(m->changes[k].merge);
	}
	free(m->changes);
	free(m->key);
}

static void
engine_match_samples_free(struct match_sample *samples, size_t n)
{
	for (size_t i = 0; i < n; i++)
		engine_match_sample_free(&samples[i]);
	free(samples);
}

void
engine_result_clear(struct engine_result *r)
{
	for (size_t i = 0; i < r->nerrors_by_field; i++)
		free(r->errors_by_field[i].name);
	free(r->errors_by_field);
	for (size_t i = 0; i < r->nsamples; i++)
		engine_error_row_free(&r->samples[i]);
	free(r->samples);
	engine_match_samples_free(r->match_samples, r->nmatch_samples);
	engine_match_samples_free(r->conflict_samples, r->nconflict_samples);
	free(r->last_error);
	free(r->file);
	free(r->schema);
	free(r->table);
	free(r->source_description);
	free(r->sheet);
	free(r->columns_added);
	free(r->mapping_json);
	memset(r, 0, sizeof *r);
}
