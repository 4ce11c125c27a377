/* The one loop that watches an import, for the CLI's progress line, the
 * wizard's import process and dry run, and sluice watch: every period it
 * passes on the watcher's wishes (cancel, pause), the new events and the
 * snapshot, until the import has ended. */
#include "config.h"

#include <errno.h>
#include <time.h>

#include "engine.h"

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
		engine_watch_sleep(w);
	}
}

int
engine_watch_source(const struct engine_watch_source *src, const struct engine_watcher *w)
{
	struct progress_snapshot snap;
	for (;;) {
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
