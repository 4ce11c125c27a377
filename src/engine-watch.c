/* The one loop that watches an import, for the CLI's progress line, the
 * wizard's import process and dry run, and sluice watch: every period it
 * passes on the watcher's wishes (cancel, pause), the new events and the
 * snapshot, until the import has ended. */
#include "config.h"

#include <errno.h>
#include <time.h>

#include "engine.h"
#include "journal.h"

static void
engine_watch_sleep(const struct engine_watcher *w)
{
	unsigned ms = w->period_ms ? w->period_ms : ENGINE_WATCH_PERIOD_MS;
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Hands the events waiting in p to the watcher, oldest first. */
static void
engine_watch_events(struct progress *p, const struct engine_watcher *w)
{
	struct progress_event events[16];
	size_t n;
	while ((n = progress_take(p, events, sizeof events / sizeof *events)) > 0)
		for (size_t i = 0; i < n; i++)
			if (!events[i].setup && w->event != NULL)
				w->event(w->ctx, &events[i]);
}

void
engine_watch(struct engine *e, const struct engine_watcher *w)
{
	struct progress *p = engine_progress(e);
	struct progress_snapshot snap;
	for (;;) {
		if (w->should_cancel != NULL && w->should_cancel(w->ctx))
			engine_cancel(e);
		int pause = w->should_pause != NULL ? w->should_pause(w->ctx) : -1;
		if (pause >= 0)
			engine_pause(e, pause);
		/* Whether it runs is read before the snapshot: once the worker
		 * has ended, the snapshot read after is its last. */
		int running = engine_running(e);
		engine_watch_events(p, w);
		progress_read(p, &snap);
		if (w->snapshot != NULL)
			w->snapshot(w->ctx, &snap);
		if (!running)
			return;
		engine_wait_end(e, w->period_ms ? w->period_ms : ENGINE_WATCH_PERIOD_MS);
	}
}

int
engine_watch_source(const struct engine_watch_source *src, const struct engine_watcher *w)
{
	struct progress_snapshot snap;
	for (;;) {
		/* Nothing to cancel from here: the watcher stops watching. */
		if (w->should_cancel != NULL && w->should_cancel(w->ctx))
			return 0;
		int running = src->read(src->ctx, &snap);
		if (running < 0)
			return -1;
		if (w->snapshot != NULL)
			w->snapshot(w->ctx, &snap);
		if (!running)
			return 0;
		engine_watch_sleep(w);
	}
}

/* --- An import followed through its journal ---------------------------------------------- */

static double
engine_watch_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Seconds since an ISO 8601 UTC time written by the journal. */
static double
engine_watch_since(const char *iso)
{
	time_t t = journal_time(iso);
	return t == -1 ? 0 : difftime(time(NULL), t);
}

/* A snapshot made from the journal's line of an import. */
static void
engine_watch_row(const struct import_row *row, enum import_status status, struct progress_snapshot *s)
{
	s->id = row->id;
	s->status = status;
	s->rows_done = row->rows_done;
	for (int k = 0; k < OUTCOME_NOT_PROCESSED; k++)
		s->counts.n[k] = row->n[k];
	s->counts.n[OUTCOME_DELETED] = row->n[OUTCOME_DELETED];
	uint64_t size = row->source_size > 0 ? (uint64_t)row->source_size : 0;
	uint64_t bytes = row->bytes_done;
	s->total_exact = row->total >= 0;
	if (s->total_exact)
		s->rows_total = (uint64_t)row->total;
	else if (bytes > 0 && size > bytes)
		s->rows_total = (uint64_t)((double)s->rows_done * (double)size / (double)bytes);
	else
		s->rows_total = s->rows_done;
	s->percent = s->rows_total ? 100.0 * (double)s->rows_done / (double)s->rows_total : 0;
	s->elapsed_s = engine_watch_since(row->started_at);
}

void
engine_watch_journal_init(struct engine_watch_journal *jw, struct journal *j, int64_t id)
{
	*jw = (struct engine_watch_journal){ .j = j, .id = id, .first = 1 };
}

int
engine_watch_journal_read(void *ctx, struct progress_snapshot *snap)
{
	struct engine_watch_journal *jw = ctx;
	struct import_row row;
	if (journal_import(jw->j, jw->id, &row) != 1)
		return -1;
	enum import_status status = journal_settle(jw->j, &row);
	*snap = (struct progress_snapshot){ .eta_s = -1 };
	engine_watch_row(&row, status, snap);
	store_import_row_clear(&row);
	double now = engine_watch_now();
	if (jw->first) {
		jw->first = 0;
		jw->last_t = now;
		jw->last_rows = snap->rows_done;
	} else if (now - jw->last_t >= 1.0) {
		double inst = (double)(snap->rows_done - jw->last_rows) / (now - jw->last_t);
		jw->rate = jw->rate > 0 ? 0.3 * inst + 0.7 * jw->rate : inst;
		jw->last_rows = snap->rows_done;
		jw->last_t = now;
	}
	snap->rows_per_s = jw->rate;
	snap->rows_per_min = jw->rate * 60;
	if (jw->rate > 0 && snap->rows_total > snap->rows_done)
		snap->eta_s = (double)(snap->rows_total - snap->rows_done) / jw->rate;
	return status_is_live(status);
}
