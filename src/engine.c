/* The batch loop. A reader thread turns source rows into validated records,
 * a batch at a time, into a bounded queue; the calling thread writes each
 * batch in one transaction with its journal, retrying transient failures
 * with backoff and replaying a failing batch row by row. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <stdarg.h>

#include "engine.h"
#include "i18n.h"
#include "mapping.h"
#include "source.h"
#include "text.h"
#include "validate.h"
#include "xmalloc.h"

/* A bump allocator for one batch: everything a batch's records hold is
 * freed at once when the batch is reused. */
struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	char data[];
};

struct arena {
	struct arena_chunk *head;
};

#define ARENA_CHUNK (256 * 1024)

static void *
arena_alloc(struct arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	struct arena_chunk *c = a->head;
	if (c == NULL || c->size - c->used < n) {
		size_t size = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		c = xmalloc(sizeof *c + size);
		c->size = size;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	void *p = c->data + c->used;
	c->used += n;
	return p;
}

static char *
arena_strdup(struct arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(arena_alloc(a, n), s, n);
}

/* Keeps the largest chunk for the next batch, frees the others. */
static void
arena_reset(struct arena *a)
{
	struct arena_chunk *keep = NULL;
	for (struct arena_chunk *c = a->head, *next; c != NULL; c = next) {
		next = c->next;
		if (keep == NULL || c->size > keep->size) {
			free(keep);
			keep = c;
		} else
			free(c);
	}
	if (keep != NULL) {
		keep->used = 0;
		keep->next = NULL;
	}
	a->head = keep;
}

struct batch {
	uint64_t number;	/* 1-based */
	size_t n;
	struct record *records;
	struct arena arena;
	int last;		/* the source ended after this batch */
	struct batch *next;	/* in a queue */
};

struct engine {
	const struct engine_options *opts;
	const struct engine_hooks *hooks;
	struct schema *schema;
	struct validator *validator;
	struct source *source;
	struct mapping *mapping;
	const struct store_ops *ops;
	struct store *store;
	struct journal *journal;
	int64_t id;

	/* The queue between the reader and the writer. */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct batch *free_batches;
	struct batch *full_head, *full_tail;
	atomic_int stop;	/* the writer stopped: read on only to count */
	uint64_t rows_read;	/* set by the reader when it ends */
	char *read_error;	/* the rest of the file could not be read */

	/* The writer's state: what is committed. */
	struct counts committed;
	uint64_t rows_done;
	uint64_t batches;
	struct engine_result *result;
	unsigned rand_state;
	char *prepare_cause;	/* why the target table cannot be used */
	char sha256[65];	/* of the file, as it was when the import began */
};

static void
engine_notice(struct engine *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
engine_notice(struct engine *e, const char *fmt, ...)
{
	if (e->hooks == NULL || e->hooks->notice == NULL)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	e->hooks->notice(e->hooks->ctx, msg);
	free(msg);
}

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

/* Turns one source row into a validated record. */
static void
engine_validate_row(struct engine *e, struct batch *b, const struct row *row,
    struct record *r)
{
	const struct schema *s = e->schema;
	struct arena *a = &b->arena;
	memset(r, 0, sizeof *r);
	r->row_no = row->number;
	r->line_no = row->line;
	r->ncells = row->ncells;
	r->cells = arena_alloc(a, (row->ncells + 1) * sizeof *r->cells);
	for (size_t c = 0; c < row->ncells; c++)
		r->cells[c] = arena_strdup(a, row->cells[c]);
	r->values = arena_alloc(a, s->nfields * sizeof *r->values);
	memset(r->values, 0, s->nfields * sizeof *r->values);
	r->outcome = OUTCOME_NOT_PROCESSED;

	if (row->error != NULL) {
		record_add_error(a, r, -1, NULL, ERROR_VALIDATION, row->error, NULL);
	} else {
		for (size_t f = 0; f < s->nfields; f++) {
			int col = e->mapping->column[f];
			const struct field *fd = &s->fields[f];
			if (col < 0 || (size_t)col >= row->ncells) {
				if (fd->required && col < 0)
					record_add_error(a, r, (int)f, fd->name, ERROR_VALIDATION,
					    _("This field is required but no column is mapped to it."), NULL);
				continue;
			}
			char *out = NULL, *why = NULL;
			if (validate_value(e->validator, f, row->cells[col], &out, &why) != 0) {
				record_add_error(a, r, (int)f, fd->name, ERROR_VALIDATION, why,
				    row->cells[col]);
				free(why);
				continue;
			}
			if (out != NULL) {
				r->values[f] = arena_strdup(a, out);
				free(out);
			} else if (fd->required) {
				char *msg = xasprintf(_("%s is required but empty in this row."), fd->label);
				record_add_error(a, r, (int)f, fd->name, ERROR_VALIDATION, msg, NULL);
				free(msg);
			}
		}
		if (r->nerrors == 0) {
			int keyed = 0;
			for (size_t k = 0; k < s->nmatch_keys; k++)
				keyed |= r->values[s->match_keys[k]] != NULL;
			if (!keyed) {
				char keys[256] = "";
				for (size_t k = 0; k < s->nmatch_keys; k++) {
					if (k)
						strncat(keys, _(" or "), sizeof keys - strlen(keys) - 1);
					strncat(keys, s->fields[s->match_keys[k]].name,
					    sizeof keys - strlen(keys) - 1);
				}
				char *msg = xasprintf(_("The row has no %s; it needs one to find the record again."), keys);
				record_add_error(a, r, -1, NULL, ERROR_VALIDATION, msg, NULL);
				free(msg);
			}
		}
	}
	r->nvalidation = r->nerrors;
	if (r->nerrors > 0)
		r->outcome = OUTCOME_REJECTED;
}

static struct batch *
engine_take_free(struct engine *e)
{
	pthread_mutex_lock(&e->lock);
	while (e->free_batches == NULL)
		pthread_cond_wait(&e->cond, &e->lock);
	struct batch *b = e->free_batches;
	e->free_batches = b->next;
	pthread_mutex_unlock(&e->lock);
	arena_reset(&b->arena);
	b->n = 0;
	b->last = 0;
	b->next = NULL;
	return b;
}

static void
engine_push_full(struct engine *e, struct batch *b)
{
	pthread_mutex_lock(&e->lock);
	if (e->full_tail)
		e->full_tail->next = b;
	else
		e->full_head = b;
	e->full_tail = b;
	pthread_cond_broadcast(&e->cond);
	pthread_mutex_unlock(&e->lock);
}

static struct batch *
engine_take_full(struct engine *e)
{
	pthread_mutex_lock(&e->lock);
	while (e->full_head == NULL)
		pthread_cond_wait(&e->cond, &e->lock);
	struct batch *b = e->full_head;
	e->full_head = b->next;
	if (e->full_head == NULL)
		e->full_tail = NULL;
	pthread_mutex_unlock(&e->lock);
	return b;
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

/* The reader thread: fills batches until the source ends. Once the writer
 * has stopped, it only counts the remaining rows, so that the import can
 * say exactly how many were not processed. */
static void *
engine_reader(void *arg)
{
	struct engine *e = arg;
	uint64_t number = 0, rows = 0;
	int done = 0;
	while (!done) {
		struct batch *b = engine_take_free(e);
		b->number = ++number;
		while (b->n < e->opts->batch_size) {
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
			if (atomic_load(&e->stop))
				continue;
			engine_validate_row(e, b, row, &b->records[b->n++]);
		}
		b->last = done;
		if (atomic_load(&e->stop) && !done) {
			engine_give_back(e, b);
			continue;
		}
		pthread_mutex_lock(&e->lock);
		if (done)
			e->rows_read = rows;
		pthread_mutex_unlock(&e->lock);
		engine_push_full(e, b);
	}
	return NULL;
}

static void
engine_reset_records(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		struct record *r = &b->records[i];
		r->nerrors = r->nvalidation;
		r->outcome = r->nvalidation ? OUTCOME_REJECTED : OUTCOME_NOT_PROCESSED;
		r->record_id = 0;
		free(r->before);
		r->before = NULL;
	}
}

/* Writes record r (already validated) through the store. */
static enum store_status
engine_upsert(struct engine *e, struct batch *b, struct record *r)
{
	if (r->outcome == OUTCOME_REJECTED)
		return STORE_OK;
	struct upsert_result res;
	enum store_status ss = e->ops->upsert(e->store, (const char *const *)r->values,
	    e->opts->strategy, e->id, &res);
	if (ss != STORE_OK) {
		store_result_clear(&res);
		return ss;
	}
	r->outcome = res.outcome;
	r->record_id = res.record_id;
	r->before = res.before;
	res.before = NULL;
	if (res.outcome == OUTCOME_REJECTED) {
		int f = res.reason_field;
		record_add_error(&b->arena, r, f, f >= 0 ? e->schema->fields[f].name : NULL,
		    ERROR_BUSINESS, res.reason, f >= 0 ? r->values[f] : NULL);
	}
	store_result_clear(&res);
	return STORE_OK;
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

/* Writes the journal's part of records[0..n) and moves the cursor to the
 * last of them. Inside the open transaction. */
static enum store_status
engine_journal(struct engine *e, struct batch *b, const struct record *records,
    size_t n, const struct counts *batch_counts, unsigned attempts, double t0,
    const char *status)
{
	if (e->opts->dry_run)
		return STORE_OK;
	struct counts total = e->committed;
	struct counts part = { 0 };
	engine_count(&part, records, n);
	counts_add(&total, &part);
	enum store_status ss = journal_rows(e->journal, e->id, b->number, records, n);
	if (ss == STORE_OK)
		ss = journal_batch(e->journal, e->id, b->number, b->records[0].row_no,
		    b->n, batch_counts, attempts, (uint64_t)((engine_now() - t0) * 1000), status);
	if (ss == STORE_OK)
		ss = journal_progress(e->journal, e->id, records[n - 1].row_no, 0, &total,
		    "running", NULL, 0);
	return ss;
}

/* After a commit: what was committed becomes the import's. */
static void
engine_committed(struct engine *e, const struct record *records, size_t n)
{
	engine_count(&e->committed, records, n);
	e->rows_done = records[n - 1].row_no;
	struct engine_result *res = e->result;
	for (size_t i = 0; i < n; i++) {
		const struct record *r = &records[i];
		for (size_t k = 0; k < r->nerrors; k++) {
			const struct row_error *err = &r->errors[k];
			res->errors_by_type[err->type]++;
			const char *key = err->field_name ? err->field_name : "(row)";
			json_t *cur = json_object_get(res->errors_by_field, key);
			json_object_set_new(res->errors_by_field, key,
			    json_integer(cur ? json_integer_value(cur) + 1 : 1));
			if (json_array_size(res->samples) < ENGINE_MAX_SAMPLES) {
				json_t *v = err->value ? json_string(err->value) : json_null();
				if (v == NULL) {
					char *esc = text_escape(err->value);
					v = json_string(esc);
					free(esc);
				}
				json_array_append_new(res->samples, json_pack("{s:I, s:I, s:s?, s:s, s:s, s:o}",
				    "row", (json_int_t)r->row_no, "line", (json_int_t)r->line_no,
				    "field", err->field_name, "type", record_error_type_name(err->type),
				    "message", err->message, "value", v));
			}
		}
	}
}

/* Waits before retry number attempt (1-based): exponential backoff with
 * jitter, so that two importers do not retry in step. */
static void
engine_backoff(struct engine *e, uint64_t batch, unsigned attempt, const char *why)
{
	unsigned base = e->opts->retry_base_ms;
	unsigned ms = base << (attempt - 1 < 16 ? attempt - 1 : 16);
	ms = ms / 2 + (unsigned)(rand_r(&e->rand_state) % (ms / 2 + 1));
	engine_notice(e, _("Retrying batch %llu (attempt %u of %u) in %u ms: %s"),
	    (unsigned long long)batch, attempt + 1, e->opts->retries + 1, ms, why);
	engine_sleep_ms(ms);
}

/* Replays a batch one row per transaction, so that only the rows the
 * database really refuses are failed. STORE_OK when every row is
 * accounted for. */
static enum store_status
engine_replay(struct engine *e, struct batch *b, double t0)
{
	engine_notice(e, _("Batch %llu could not be written as a whole; writing it row by row so that only the rows that fail are left out."),
	    (unsigned long long)b->number);
	engine_reset_records(b);
	struct counts bc = { 0 };
	for (size_t i = 0; i < b->n; i++) {
		struct record *r = &b->records[i];
		enum store_status ss;
		for (unsigned attempt = 1;; attempt++) {
			ss = e->ops->begin(e->store);
			if (ss == STORE_OK)
				ss = engine_upsert(e, b, r);
			struct counts c = bc;
			if (ss == STORE_OK) {
				c.n[r->outcome]++;
				ss = engine_journal(e, b, r, 1, &c, attempt, t0, "replayed");
			}
			if (ss == STORE_OK)
				ss = e->ops->commit(e->store);
			if (ss == STORE_OK)
				break;
			e->ops->rollback(e->store);
			r->nerrors = r->nvalidation;
			r->outcome = r->nvalidation ? OUTCOME_REJECTED : OUTCOME_NOT_PROCESSED;
			free(r->before);
			r->before = NULL;
			if (ss == STORE_TRANSIENT && attempt <= e->opts->retries) {
				engine_backoff(e, b->number, attempt, e->ops->errmsg(e->store));
				continue;
			}
			if (ss != STORE_ROW)
				return ss;
			/* The database refuses this row: record it as failed. */
			record_add_error(&b->arena, r, -1, NULL, ERROR_DATABASE,
			    e->ops->errmsg(e->store), NULL);
			r->outcome = OUTCOME_FAILED;
			c = bc;
			c.n[OUTCOME_FAILED]++;
			ss = e->ops->begin(e->store);
			if (ss == STORE_OK)
				ss = engine_journal(e, b, r, 1, &c, attempt, t0, "replayed");
			if (ss == STORE_OK)
				ss = e->ops->commit(e->store);
			if (ss != STORE_OK) {
				e->ops->rollback(e->store);
				return ss;
			}
			break;
		}
		bc.n[r->outcome]++;
		engine_committed(e, r, 1);
	}
	return STORE_OK;
}

/* Writes one batch: one transaction, retried on transient errors, replayed
 * row by row when it still fails. */
static enum store_status
engine_write_batch(struct engine *e, struct batch *b)
{
	double t0 = engine_now();
	enum store_status ss;
	for (unsigned attempt = 1;; attempt++) {
		engine_reset_records(b);
		ss = e->ops->begin(e->store);
		for (size_t i = 0; i < b->n && ss == STORE_OK; i++)
			ss = engine_upsert(e, b, &b->records[i]);
		struct counts bc = { 0 };
		engine_count(&bc, b->records, b->n);
		if (ss == STORE_OK)
			ss = engine_journal(e, b, b->records, b->n, &bc, attempt, t0,
			    "committed");
		if (ss == STORE_OK)
			ss = e->ops->commit(e->store);
		if (ss == STORE_OK) {
			engine_committed(e, b->records, b->n);
			return STORE_OK;
		}
		e->ops->rollback(e->store);
		if (ss == STORE_TRANSIENT && attempt <= e->opts->retries) {
			engine_backoff(e, b->number, attempt, e->ops->errmsg(e->store));
			continue;
		}
		if (ss == STORE_FATAL)
			return ss;
		return engine_replay(e, b, t0);
	}
}

/* Runs a store call that takes the write lock, retrying while the database
 * is busy. */
static enum store_status
engine_retry(struct engine *e, enum store_status (*fn)(struct engine *))
{
	enum store_status ss;
	for (unsigned attempt = 1;; attempt++) {
		ss = fn(e);
		if (ss != STORE_TRANSIENT || attempt > e->opts->retries)
			return ss;
		unsigned ms = e->opts->retry_base_ms << (attempt - 1);
		engine_notice(e, _("The database is busy; trying again in %u ms (attempt %u of %u)."),
		    ms, attempt + 1, e->opts->retries + 1);
		engine_sleep_ms(ms);
	}
}

static enum store_status
engine_do_journal_prepare(struct engine *e)
{
	return journal_prepare(e->journal);
}

static enum store_status
engine_do_dry_run_begin(struct engine *e)
{
	return e->ops->dry_run_begin(e->store);
}

static enum store_status
engine_do_prepare(struct engine *e)
{
	free(e->prepare_cause);
	e->prepare_cause = NULL;
	return e->ops->prepare(e->store, e->schema, &e->prepare_cause);
}

static struct import_info
engine_import_info(struct engine *e)
{
	return (struct import_info){
		.source_path = e->result->file,
		.source_size = 0,
		.source_sha256 = e->sha256,
		.source_format = source_format(e->source),
		.sheet = source_sheet(e->source),
		.encoding = source_encoding(e->source),
		.source_description = e->result->source_description,
		.schema_name = e->schema->name,
		.target_table = e->schema->table,
		.mapping_json = e->result->mapping_json,
		.strategy = store_strategy_name(e->opts->strategy),
		.batch_size = e->opts->batch_size,
		.region = e->opts->region ? e->opts->region : e->schema->region,
		.dry_run = e->opts->dry_run,
	};
}

static enum store_status
engine_do_start(struct engine *e)
{
	struct import_info info = engine_import_info(e);
	uint64_t done, size;
	source_progress(e->source, &done, &size);
	info.source_size = size;
	return journal_import_start(e->journal, &info, &e->id);
}

static void
engine_free(struct engine *e)
{
	mapping_free(e->mapping);
	if (e->source)
		source_close(e->source);
	validator_free(e->validator);
	journal_close(e->journal);
	if (e->store)
		e->ops->close(e->store);
	schema_free(e->schema);
	free(e->prepare_cause);
}

/* Everything that can go wrong before a single row is written. */
static int
engine_setup(struct engine *e, char **cause)
{
	const struct engine_options *o = e->opts;
	e->schema = schema_load(o->schema ? o->schema : "contacts", cause);
	if (e->schema == NULL)
		return -1;
	e->validator = validator_new(e->schema, o->region, cause);
	if (e->validator == NULL)
		return -1;
	struct source_options so = {
		.delimiter = o->delimiter,
		.sheet = o->sheet,
		.encoding = o->encoding,
	};
	e->source = source_open(o->path, &so, cause);
	if (e->source == NULL)
		return -1;
	if (source_sha256(o->path, e->sha256, cause) != 0)
		return -1;
	size_t nheaders;
	const char *const *headers = source_header(e->source, &nheaders);
	e->mapping = mapping_suggest(e->schema, headers, nheaders);
	if (o->map_file && mapping_apply_file(e->mapping, e->schema, o->map_file, cause) != 0)
		return -1;
	if (o->map && mapping_apply(e->mapping, e->schema, o->map, cause) != 0)
		return -1;
	if (mapping_check(e->mapping, e->schema, cause) != 0)
		return -1;
	e->ops = &store_sqlite_ops;
	e->store = e->ops->open(o->db, cause);
	if (e->store == NULL)
		return -1;
	e->journal = journal_open(e->store);
	if (engine_retry(e, engine_do_journal_prepare) != STORE_OK) {
		*cause = xasprintf(_("Cannot set up sluice's journal tables in %s: %s"), o->db,
		    e->ops->errmsg(e->store));
		return -1;
	}
	if (o->dry_run && engine_retry(e, engine_do_dry_run_begin) != STORE_OK) {
		*cause = xasprintf(_("Cannot start the dry run: %s"), e->ops->errmsg(e->store));
		return -1;
	}
	if (engine_retry(e, engine_do_prepare) != STORE_OK) {
		*cause = e->prepare_cause ? e->prepare_cause :
		    xasprintf(_("Cannot prepare the table %s: %s"), e->schema->table,
		    e->ops->errmsg(e->store));
		e->prepare_cause = NULL;
		return -1;
	}
	return 0;
}

int
engine_import(const struct engine_options *opts, const struct engine_hooks *hooks,
    struct engine_result *result, char **cause)
{
	struct engine e = {
		.opts = opts,
		.hooks = hooks,
		.result = result,
		.rand_state = (unsigned)time(NULL) ^ (unsigned)getpid(),
	};
	memset(result, 0, sizeof *result);
	result->errors_by_field = json_object();
	result->samples = json_array();
	result->file = xstrdup(opts->path);
	result->dry_run = opts->dry_run;
	result->strategy = opts->strategy;
	result->batch_size = opts->batch_size;
	double t0 = engine_now();

	if (engine_setup(&e, cause) != 0) {
		if (e.store && opts->dry_run)
			e.ops->dry_run_end(e.store);
		engine_free(&e);
		return -1;
	}
	result->schema = xstrdup(e.schema->name);
	result->table = xstrdup(e.schema->table);
	result->source_description = xstrdup(source_describe(e.source));
	result->mapping_json = mapping_to_json(e.mapping, e.schema);

	if (!opts->dry_run && engine_retry(&e, engine_do_start) != STORE_OK) {
		*cause = xasprintf(_("Cannot record the import in the database: %s"),
		    e.ops->errmsg(e.store));
		engine_free(&e);
		return -1;
	}

	pthread_mutex_init(&e.lock, NULL);
	pthread_cond_init(&e.cond, NULL);
	enum { NBATCHES = 3 };
	struct batch batches[NBATCHES];
	memset(batches, 0, sizeof batches);
	for (int i = 0; i < NBATCHES; i++) {
		batches[i].records = xcalloc(opts->batch_size, sizeof *batches[i].records);
		batches[i].next = e.free_batches;
		e.free_batches = &batches[i];
	}
	pthread_t reader;
	pthread_create(&reader, NULL, engine_reader, &e);

	enum store_status ss = STORE_OK;
	for (;;) {
		struct batch *b = engine_take_full(&e);
		int last = b->last;
		if (b->n > 0 && ss == STORE_OK) {
			ss = engine_write_batch(&e, b);
			if (ss != STORE_OK)
				atomic_store(&e.stop, 1);
		}
		for (size_t i = 0; i < b->n; i++) {
			free(b->records[i].before);
			b->records[i].before = NULL;
		}
		engine_give_back(&e, b);
		if (last)
			break;
	}
	pthread_join(reader, NULL);

	const char *status;
	struct counts *c = &e.committed;
	uint64_t total = e.rows_read;
	c->n[OUTCOME_NOT_PROCESSED] = total - e.rows_done;
	if (ss != STORE_OK) {
		status = "interrupted";
		result->last_error = xstrdup(e.ops->errmsg(e.store));
	} else if (e.read_error != NULL) {
		status = "failed";
		result->last_error = e.read_error;
		e.read_error = NULL;
	} else
		status = c->n[OUTCOME_REJECTED] + c->n[OUTCOME_FAILED] > 0 ?
		    "completed_with_errors" : "completed";

	/* The accounting invariant: every row read has exactly one outcome,
	 * and the committed ones are exactly the rows before the cursor. */
	uint64_t sum = 0, written = 0;
	for (int o = 0; o < OUTCOME_COUNT; o++)
		sum += c->n[o];
	written = sum - c->n[OUTCOME_NOT_PROCESSED];
	int finished = ss == STORE_OK && result->last_error == NULL;
	if (sum != total || written != e.rows_done || e.rows_done > total ||
	    (finished && c->n[OUTCOME_NOT_PROCESSED] != 0)) {
		fprintf(stderr, _("sluice: internal error: the rows do not add up (read %llu, accounted %llu, written %llu, cursor %llu). This is a bug; please report it with the file that caused it.\n"),
		    (unsigned long long)total, (unsigned long long)sum,
		    (unsigned long long)written, (unsigned long long)e.rows_done);
		abort();
	}

	if (opts->dry_run) {
		e.ops->dry_run_end(e.store);
		if (engine_retry(&e, engine_do_start) != STORE_OK)
			e.id = 0;
	}
	if (e.id != 0) {
		for (unsigned attempt = 1;; attempt++) {
			enum store_status fs = journal_progress(e.journal, e.id, e.rows_done, total, c,
			    status, result->last_error, 1);
			if (fs != STORE_TRANSIENT || attempt > opts->retries)
				break;
			engine_sleep_ms(opts->retry_base_ms << (attempt - 1));
		}
	}

	result->id = e.id;
	result->status = status;
	result->total = total;
	result->counts = *c;
	result->duration_s = engine_now() - t0;

	for (int i = 0; i < NBATCHES; i++) {
		arena_reset(&batches[i].arena);
		free(batches[i].arena.head);
		free(batches[i].records);
	}
	pthread_mutex_destroy(&e.lock);
	pthread_cond_destroy(&e.cond);
	free(e.read_error);
	engine_free(&e);
	return 0;
}

void
engine_result_clear(struct engine_result *r)
{
	json_decref(r->errors_by_field);
	json_decref(r->samples);
	free(r->last_error);
	free(r->file);
	free(r->schema);
	free(r->table);
	free(r->source_description);
	free(r->mapping_json);
	memset(r, 0, sizeof *r);
}
