/* The wizard's state between screens: the file and its header, the
 * mapping and how sure each suggestion is, the cell fixes, strategy and
 * batch size; the dry run that checks them on the engine's thread; and
 * the background tasks screens start. No curses here. */
#include "config.h"

#include <signal.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "journal.h"
#include "store.h"
#include "text.h"
#include "thread.h"
#include "tui-int.h"
#include "validate.h"
#include "xmalloc.h"

/* --- Tasks ------------------------------------------------------------------- */

static void *
tui_task_main(void *arg)
{
	struct tui_task *t = arg;
	t->result = t->fn(t);
	/* 2: nobody waits for this task (tui_task_detach). */
	if (atomic_exchange(&t->done, 1) == 2)
		free(t);
	return NULL;
}

struct tui_task *
tui_task_start(void *(*fn)(struct tui_task *), void *arg)
{
	struct tui_task *t = xcalloc(1, sizeof *t);
	t->fn = fn;
	t->arg = arg;
	/* The wizard's signals are the loop's business. */
	thread_start(&t->thread, tui_task_main, t);
	return t;
}

void
tui_task_detach(struct tui_task *t)
{
	pthread_detach(t->thread);
	if (atomic_exchange(&t->done, 2) == 1)
		free(t);
}

int
tui_task_done(struct tui_task *t)
{
	if (t == NULL)
		return 0;
	if (!atomic_load(&t->done))
		return 0;
	if (!t->joined) {
		pthread_join(t->thread, NULL);
		t->joined = 1;
	}
	return 1;
}

void *
tui_task_finish(struct tui_task *t)
{
	if (t == NULL)
		return NULL;
	atomic_store(&t->cancel, 1);
	if (!t->joined)
		pthread_join(t->thread, NULL);
	void *r = t->result;
	free(t);
	return r;
}

/* --- State --------------------------------------------------------------------- */

void
tui_wizard_init(struct tui_wizard *w, const char *db)
{
	memset(w, 0, sizeof *w);
	w->db = xstrdup(db);
	w->schema_name = xstrdup("contacts");
	w->strategy = STRATEGY_UPDATE;
	w->batch_size = ENGINE_DEFAULT_BATCH;
	pthread_mutex_init(&w->check.lock, NULL);
}

static void
tui_wizard_free_fixes(struct tui_wizard *w)
{
	for (size_t i = 0; i < w->nfixes; i++) {
		free((char *)w->fixes[i].value);
		free((char *)w->fixes[i].original);
	}
	free(w->fixes);
	w->fixes = NULL;
	w->nfixes = 0;
}

void
tui_wizard_reset(struct tui_wizard *w)
{
	tui_check_stop(w);
	free(w->file);
	free(w->sheet);
	free(w->region);
	free(w->date_order);
	free(w->format);
	free(w->description);
	free(w->fingerprint);
	for (size_t c = 0; c < w->ncolumns; c++) {
		free(w->headers[c]);
		for (int k = 0; k < 3; k++)
			free(w->samples[c * 3 + k]);
	}
	free(w->headers);
	free(w->samples);
	mapping_free(w->mapping);
	schema_free(w->schema);
	tui_wizard_free_fixes(w);
	w->file = w->sheet = w->region = w->format = w->description = w->fingerprint = NULL;
	w->date_order = NULL;
	w->headers = w->samples = NULL;
	w->mapping = NULL;
	w->schema = NULL;
	w->ncolumns = 0;
	w->remembered = 0;
	w->remembered_settings = 0;
	w->rows_hint = 0;
	w->generation++;
	w->strategy = STRATEGY_UPDATE;
	w->on_key_conflict = KEY_CONFLICT_REJECT;
	w->batch_size = ENGINE_DEFAULT_BATCH;
	w->dry_run = 0;
	tui_notify_reset(&w->notify);
	w->max_errors = (struct engine_error_budget){ 0 };
}

void
tui_wizard_free(struct tui_wizard *w)
{
	tui_wizard_reset(w);
	if (w->run)
		tui_run_free(w->run);
	free(w->db);
	free(w->schema_name);
	tui_notify_free(&w->notify);
	pthread_mutex_destroy(&w->check.lock);
}

int
tui_wizard_region(struct tui_wizard *w, const char *region, char **cause)
{
	if (region != NULL && *region == '\0')
		region = NULL;
	/* The validator knows the regions, and says why one is unknown. */
	struct validator *v = validator_new(w->schema, region, cause);
	if (v == NULL)
		return -1;
	validator_free(v);
	free(w->region);
	w->region = region ? xstrdup(region) : NULL;
	w->remembered_settings = 0;
	for (char *p = w->region; p && *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	w->generation++;
	return 0;
}

enum date_order
tui_wizard_date_order(const struct tui_wizard *w, const char **from, const char **country)
{
	return engine_date_order_choose(w->schema, w->date_order, (const char *const *)w->headers,
	    w->ncolumns, from, country);
}

void
tui_wizard_set_date_order(struct tui_wizard *w, enum date_order order)
{
	free(w->date_order);
	w->date_order = xstrdup(schema_date_order_name(order));
	w->remembered_settings = 0;
	w->generation++;
}

void
tui_wizard_map(struct tui_wizard *w, size_t c, int f)
{
	struct mapping *m = w->mapping;
	if (c >= m->ncolumns)
		return;
	/* The column that fed f takes c's field: nothing is dropped unseen. */
	int other = mapping_holder(m, f, c);
	int old = m->field[c];
	mapping_map(m, c, f, MAPPING_WIZARD);
	if (other >= 0)
		mapping_map(m, (size_t)other, old, MAPPING_WIZARD);
	w->generation++;
}

/* Suggests a mapping for the wizard's header under its schema, as sluice
 * import does: synonyms, likely matches, then a remembered mapping. */
static void
tui_wizard_suggest(struct tui_wizard *w, const char *remembered)
{
	mapping_free(w->mapping);
	w->mapping = NULL;
	schema_free(w->schema);
	char *cause = NULL;
	w->schema = schema_load(w->schema_name, &cause);
	free(cause);
	w->remembered = 0;
	if (w->schema == NULL)
		return;
	w->mapping = mapping_propose(w->schema, (const char *const *)w->headers, w->ncolumns,
	    remembered, &w->remembered);
	w->generation++;
}

void
tui_wizard_take_file(struct tui_wizard *w, struct tui_file_info *fi)
{
	tui_wizard_reset(w);
	w->file = fi->path;
	w->sheet = fi->sheet;
	w->format = fi->format;
	w->description = fi->description;
	w->ncolumns = fi->ncolumns;
	w->headers = fi->headers;
	w->samples = fi->samples;
	fi->path = fi->sheet = fi->format = fi->description = NULL;
	fi->headers = fi->samples = NULL;
	fi->ncolumns = 0;
	w->fingerprint = mapping_fingerprint((const char *const *)w->headers, w->ncolumns);
	tui_wizard_suggest(w, fi->remembered);
	/* The region and date order chosen with the remembered mapping come
	 * back with it. */
	struct mapping_settings s;
	mapping_remembered_settings(w->remembered ? fi->remembered : NULL, &s);
	char *cause = NULL;
	int got = 0;
	if (*s.region && w->schema != NULL && tui_wizard_region(w, s.region, &cause) == 0)
		got = 1;
	free(cause);
	if (*s.date_order) {
		w->date_order = xstrdup(s.date_order);
		got = 1;
	}
	w->remembered_settings = got;
}

void
tui_wizard_schema(struct tui_wizard *w, const char *name)
{
	free(w->schema_name);
	w->schema_name = xstrdup(name);
	tui_wizard_free_fixes(w);
	tui_wizard_suggest(w, NULL);
}

static int
tui_fix_order(const void *a, const void *b)
{
	const struct engine_fix *x = a, *y = b;
	if (x->row != y->row)
		return x->row < y->row ? -1 : 1;
	return x->column < y->column ? -1 : x->column > y->column;
}

const struct engine_fix *
tui_wizard_fix_at(const struct tui_wizard *w, uint64_t row, size_t column)
{
	struct engine_fix key = { .row = row, .column = column };
	if (w->nfixes == 0)
		return NULL;
	return bsearch(&key, w->fixes, w->nfixes, sizeof *w->fixes, tui_fix_order);
}

void
tui_wizard_fix(struct tui_wizard *w, uint64_t row, size_t column, const char *original,
    const char *value)
{
	struct engine_fix *f = (struct engine_fix *)tui_wizard_fix_at(w, row, column);
	w->generation++;
	if (f != NULL) {
		if (original != NULL && !strcmp(original, value)) {
			free((char *)f->value);
			free((char *)f->original);
			size_t i = (size_t)(f - w->fixes);
			memmove(f, f + 1, (w->nfixes - i - 1) * sizeof *f);
			w->nfixes--;
			return;
		}
		free((char *)f->value);
		f->value = xstrdup(value);
		return;
	}
	if (original != NULL && !strcmp(original, value))
		return;
	w->fixes = xreallocarray(w->fixes, w->nfixes + 1, sizeof *w->fixes);
	w->fixes[w->nfixes++] = (struct engine_fix){
		.row = row,
		.column = column,
		.original = original ? xstrdup(original) : NULL,
		.value = xstrdup(value),
	};
	qsort(w->fixes, w->nfixes, sizeof *w->fixes, tui_fix_order);
}

char *
tui_wizard_missing(const struct tui_wizard *w)
{
	if (w->schema == NULL || w->mapping == NULL)
		return NULL;
	const struct schema *s = w->schema;
	struct mapping_gaps gaps;
	if (mapping_gaps(w->mapping, s, &gaps) == 0) {
		mapping_gaps_clear(&gaps);
		return NULL;
	}
	char *req = schema_join_fields(s, gaps.required, gaps.nrequired, 1, ", ");
	char *keys = schema_join_fields(s, s->match_keys, s->nmatch_keys, 1, _(" or "));
	char *out;
	if (gaps.nrequired > 0 && gaps.unkeyed)
		out = xasprintf(
		    _("Still needed: a column for %s, and one for %s so that records can be found again."),
		    req, keys);
	else if (gaps.nrequired > 0)
		out = xasprintf(_("Still needed: a column for the required field(s) %s."), req);
	else
		out = xasprintf(
		    _("Still needed: a column for %s, so that records can be found again."), keys);
	free(req);
	free(keys);
	mapping_gaps_clear(&gaps);
	return out;
}

struct tui_remember {
	char *db, *fingerprint, *schema, *json;
};

static void *
tui_remember_task(struct tui_task *t)
{
	struct tui_remember *r = t->arg;
	char *cause = NULL;
	struct store *st = store_open(r->db, &cause);
	if (st != NULL) {
		struct journal *j = journal_open(st);
		for (int attempt = 0; attempt < 20; attempt++) {
			enum store_status ss = journal_prepare(j);
			if (ss == STORE_OK)
				ss = journal_mapping_save(j, r->fingerprint, r->schema, r->json);
			if (ss != STORE_TRANSIENT)
				break;
			usleep(100000);
		}
		journal_close(j);
		store_close(st);
	}
	free(cause);
	free(r->db);
	free(r->fingerprint);
	free(r->schema);
	free(r->json);
	free(r);
	return NULL;
}

/* Saving a mapping is a short write: its task is left to finish alone. */
void
tui_wizard_remember(struct tui_wizard *w)
{
	if (w->mapping == NULL || w->fingerprint == NULL || w->schema == NULL)
		return;
	struct tui_remember *r = xcalloc(1, sizeof *r);
	r->db = xstrdup(w->db);
	r->fingerprint = xstrdup(w->fingerprint);
	r->schema = xstrdup(w->schema->name);
	struct mapping_settings s = { { 0 }, { 0 } };
	if (w->region != NULL)
		snprintf(s.region, sizeof s.region, "%s", w->region);
	if (w->date_order != NULL)
		snprintf(s.date_order, sizeof s.date_order, "%s", w->date_order);
	r->json = mapping_remember_json(w->mapping, w->schema, &s);
	/* The task frees its argument; nobody waits for it. */
	tui_task_detach(tui_task_start(tui_remember_task, r));
}

/* --- The dry run ------------------------------------------------------------- */

struct tui_check_job {
	struct tui_check *c;
	struct engine_options o;
	struct engine_fix *fixes;
	size_t nfixes;
	char *path, *db, *schema, *sheet, *region, *date_order, *mapping_json;
};

static int
tui_check_cancelled(void *ctx)
{
	struct tui_task *t = ctx;
	return atomic_load(&t->cancel);
}

static void
tui_check_snapshot(void *ctx, const struct progress_snapshot *s)
{
	struct tui_task *t = ctx;
	struct tui_check *c = ((struct tui_check_job *)t->arg)->c;
	pthread_mutex_lock(&c->lock);
	c->latest = *s;
	pthread_mutex_unlock(&c->lock);
}

static void *
tui_check_task(struct tui_task *t)
{
	struct tui_check_job *job = t->arg;
	struct tui_check *c = job->c;
	char *cause = NULL;
	struct engine *e = engine_start(&job->o, NULL, &cause);
	if (e == NULL) {
		pthread_mutex_lock(&c->lock);
		c->failed = 1;
		c->cause = cause;
		pthread_mutex_unlock(&c->lock);
	} else {
		const struct engine_watcher w = {
			.should_cancel = tui_check_cancelled,
			.snapshot = tui_check_snapshot,
			.ctx = t,
			.period_ms = 50,
		};
		engine_watch(e, &w);
		struct engine_result res;
		engine_finish(e, &res);
		pthread_mutex_lock(&c->lock);
		engine_result_clear(&c->result);
		c->result = res;
		c->finished = 1;
		pthread_mutex_unlock(&c->lock);
	}
	for (size_t i = 0; i < job->nfixes; i++) {
		free((char *)job->fixes[i].value);
		free((char *)job->fixes[i].original);
	}
	free(job->fixes);
	free(job->path);
	free(job->db);
	free(job->schema);
	free(job->sheet);
	free(job->region);
	free(job->date_order);
	free(job->mapping_json);
	free(job);
	return NULL;
}

void
tui_check_stop(struct tui_wizard *w)
{
	struct tui_check *c = &w->check;
	if (c->task != NULL)
		tui_task_finish(c->task);
	c->task = NULL;
	engine_result_clear(&c->result);
	free(c->cause);
	c->cause = NULL;
	c->finished = c->failed = 0;
	memset(&c->snap, 0, sizeof c->snap);
	memset(&c->latest, 0, sizeof c->latest);
}

void
tui_check_ensure(struct tui *t)
{
	struct tui_wizard *w = &t->w;
	struct tui_check *c = &w->check;
	if (c->task != NULL && c->generation == w->generation)
		return;
	if (w->mapping == NULL)
		return;
	tui_check_stop(w);
	struct tui_check_job *job = xcalloc(1, sizeof *job);
	job->c = c;
	job->path = xstrdup(w->file);
	job->db = xstrdup(w->db);
	job->schema = xstrdup(w->schema ? w->schema->path : w->schema_name);
	job->sheet = w->sheet ? xstrdup(w->sheet) : NULL;
	job->region = w->region ? xstrdup(w->region) : NULL;
	job->date_order = w->date_order ? xstrdup(w->date_order) : NULL;
	job->mapping_json = mapping_to_json(w->mapping, w->schema);
	job->nfixes = w->nfixes;
	job->fixes = xcalloc(w->nfixes ? w->nfixes : 1, sizeof *job->fixes);
	for (size_t i = 0; i < w->nfixes; i++) {
		job->fixes[i] = w->fixes[i];
		job->fixes[i].value = xstrdup(w->fixes[i].value);
		job->fixes[i].original = w->fixes[i].original ? xstrdup(w->fixes[i].original) : NULL;
	}
	job->o = (struct engine_options){
		.path = job->path,
		.db = job->db,
		.schema = job->schema,
		.mapping_json = job->mapping_json,
		/* update, whatever is chosen: its samples show what update and
		 * merge would change, and the counts do not depend on it. Key
		 * conflicts rejected, whatever is chosen: so they are counted
		 * apart, with what replacing the key would do. */
		.strategy = STRATEGY_UPDATE,
		.on_key_conflict = KEY_CONFLICT_REJECT,
		.batch_size = w->batch_size,
		.retries = ENGINE_DEFAULT_RETRIES,
		.retry_base_ms = ENGINE_DEFAULT_RETRY_BASE_MS,
		.sheet = job->sheet,
		.region = job->region,
		.date_order = job->date_order,
		.dry_run = 1,
		.unrecorded = 1,
		.fixes = job->fixes,
		.nfixes = job->nfixes,
	};
	c->generation = w->generation;
	c->task = tui_task_start(tui_check_task, job);
}

int
tui_check_poll(struct tui *t)
{
	struct tui_check *c = &t->w.check;
	if (c->task == NULL)
		return 0;
	pthread_mutex_lock(&c->lock);
	c->snap = c->latest;
	int running = !c->finished && !c->failed;
	pthread_mutex_unlock(&c->lock);
	if (!running)
		tui_task_done(c->task);
	return running;
}
