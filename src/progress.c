/* The snapshot and event ring between the engine thread and its watchers. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "progress.h"

void
progress_init(struct progress *p)
{
	memset(p, 0, sizeof *p);
	pthread_mutex_init(&p->lock, NULL);
	p->snap.status = STATUS_VALIDATING;
	p->snap.eta_s = -1;
}

void
progress_destroy(struct progress *p)
{
	pthread_mutex_destroy(&p->lock);
}

void
progress_publish(struct progress *p, const struct progress_snapshot *snap)
{
	pthread_mutex_lock(&p->lock);
	p->snap = *snap;
	pthread_mutex_unlock(&p->lock);
}

static void
progress_push(struct progress *p, const struct progress_event *ev)
{
	if (p->count == PROGRESS_RING) {
		p->head = (p->head + 1) % PROGRESS_RING;
		p->count--;
		p->dropped++;
	}
	p->ring[(p->head + p->count) % PROGRESS_RING] = *ev;
	p->count++;
}

void
progress_event(struct progress *p, enum progress_event_kind kind, double elapsed_s, uint64_t batch,
    int setup, const char *message)
{
	struct progress_event ev = {
		.kind = kind,
		.elapsed_s = elapsed_s,
		.batch = batch,
		.setup = setup,
	};
	snprintf(ev.message, sizeof ev.message, "%s", message);
	pthread_mutex_lock(&p->lock);
	progress_push(p, &ev);
	pthread_mutex_unlock(&p->lock);
}

void
progress_read(struct progress *p, struct progress_snapshot *out)
{
	pthread_mutex_lock(&p->lock);
	*out = p->snap;
	pthread_mutex_unlock(&p->lock);
}

size_t
progress_take(struct progress *p, struct progress_event *out, size_t max)
{
	size_t n = 0;
	pthread_mutex_lock(&p->lock);
	if (p->dropped > 0 && max > 0) {
		/* Say first that some were lost, so nothing goes silently. */
		out[n] = (struct progress_event){ .kind = PROGRESS_DROPPED };
		snprintf(out[n].message, sizeof out[n].message,
		    ngettext("%llu event was dropped because the display fell behind.",
			"%llu events were dropped because the display fell behind.", p->dropped),
		    (unsigned long long)p->dropped);
		p->dropped = 0;
		n++;
	}
	while (n < max && p->count > 0) {
		out[n++] = p->ring[p->head];
		p->head = (p->head + 1) % PROGRESS_RING;
		p->count--;
	}
	pthread_mutex_unlock(&p->lock);
	return n;
}

static const char *const progress_kind_names[] = {
	[PROGRESS_INFO] = "info",
	[PROGRESS_RETRY] = "retry",
	[PROGRESS_REPLAY] = "replay",
	[PROGRESS_ROWS_FAILED] = "rows_failed",
	[PROGRESS_TIME_LIMIT] = "time_limit",
	[PROGRESS_LIMIT] = "limit",
	[PROGRESS_STORAGE] = "storage",
	[PROGRESS_PAUSED] = "paused",
	[PROGRESS_RESUMED] = "resumed",
	[PROGRESS_CANCELLED] = "cancelled",
	[PROGRESS_DROPPED] = "dropped",
};

const char *
progress_event_kind_name(enum progress_event_kind kind)
{
	return progress_kind_names[kind];
}

int
progress_event_kind_parse(const char *name)
{
	for (size_t k = 0;
	     name != NULL && k < sizeof progress_kind_names / sizeof *progress_kind_names; k++)
		if (!strcmp(name, progress_kind_names[k]))
			return (int)k;
	return -1;
}
