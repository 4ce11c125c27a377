/* Progress: the running import as its child process reports it — the
 * overall bar, the batch bar, counts per outcome, rows/s and rows/min,
 * elapsed, ETA, and a scrolling log of events (retries stand out,
 * failures more). p pauses and resumes, c cancels after asking, while it
 * runs. An import another process runs, opened from Home, is followed
 * through the journal. Only the numbers and the log are drawn again as
 * they change. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "tui-int.h"
#include "tui-text.h"
#include "tui-widgets.h"
#include "xmalloc.h"

enum {
	PROG_PAUSE = TUI_ACT_SCREEN,
	PROG_CANCEL,
	PROG_REPORT,
};

static const struct tui_key progress_keys[] = {
	{ 'p', PROG_PAUSE, N_("pause/resume"),
	    N_("Pause the import at the end of the batch being written, or resume it.") },
	{ 'c', PROG_CANCEL, N_("cancel"),
	    N_("Cancel the import after asking: the batch in flight is rolled back.") },
	{ TUI_ENTER, PROG_REPORT, N_("report"), N_("Once the import has ended: open its report.") },
	{ TUI_ESC, TUI_ACT_BACK, N_("home"), N_("Go to the Home screen; the import goes on.") },
	TUI_KEYS_COMMON,
};

/* Once it has ended, or for an import of another process: nothing to
 * pause or cancel from here. */
static const struct tui_key progress_keys_watch[] = {
	{ TUI_ENTER, PROG_REPORT, N_("report"), N_("Once the import has ended: open its report.") },
	{ TUI_ESC, TUI_ACT_BACK, N_("home"), N_("Go to the Home screen; the import goes on.") },
	TUI_KEYS_COMMON,
};

struct tui_progress_screen {
	struct tui *t;
	struct tui_run *run; /* t->w.run, or the followed import (owned) */
	int owned;
	int ended; /* when last drawn */
	struct tui_list log;
	unsigned seen;
	int follow; /* the log shows its newest line */
	int body_y;
};

static int
tui_progress_failure(enum progress_event_kind k)
{
	return k == PROGRESS_ROWS_FAILED || k == PROGRESS_STORAGE || k == PROGRESS_CANCELLED ||
	    k == PROGRESS_DROPPED;
}

static void
tui_progress_log_row(void *ctx, WINDOW *w, int y, int x, int width, size_t i, int selected)
{
	struct tui_progress_screen *p = ctx;
	struct tui *t = p->t;
	struct tui_run *r = p->run;
	if (r == NULL || i >= r->nevents)
		return;
	enum progress_event_kind k = r->events[i].kind;
	attr_t a = A_NORMAL;
	const char *mark = "  ";
	if (tui_progress_failure(k)) {
		a = t->a.fail;
		mark = "!!";
	} else if (k == PROGRESS_RETRY || k == PROGRESS_REPLAY || k == PROGRESS_TIME_LIMIT ||
	    k == PROGRESS_LIMIT) {
		a = t->a.warn;
		mark = "! ";
	}
	if (selected && !p->follow)
		a = t->a.sel;
	tui_put(w, y, x, 3, mark, a);
	tui_put(w, y, x + 3, width - 3, r->events[i].text, a);
}

static void
tui_progress_init(struct screen *s, void *arg)
{
	struct tui_progress_screen *p = xcalloc(1, sizeof *p);
	s->data = p;
	p->t = s->tui;
	p->run = arg != NULL ? arg : s->tui->w.run;
	p->owned = arg != NULL;
	p->follow = 1;
	p->log.ctx = p;
	p->log.draw_row = tui_progress_log_row;
}

static void
tui_progress_free(struct screen *s)
{
	struct tui_progress_screen *p = s->data;
	if (p->owned)
		tui_run_free(p->run);
	free(p);
}

static void
tui_progress_resize(struct screen *s)
{
	struct tui_progress_screen *p = s->data;
	p->log.full = 1;
}

static int
tui_progress_done(const struct tui_run *r)
{
	return r == NULL || !tui_run_active(r);
}

static void
tui_progress_cancel_answer(struct tui *t, void *ctx, int choice)
{
	struct tui_run *r = ctx;
	/* The import may have ended while the question was up. */
	if (choice == 0 && r == t->w.run)
		tui_run_cancel(r);
}

/* The keys that mean something now. */
static const struct tui_key *
tui_progress_keys(const struct tui_progress_screen *p)
{
	return tui_progress_done(p->run) || p->run->follow != NULL ? progress_keys_watch :
								     progress_keys;
}

static int
tui_progress_key(struct screen *s, int action, int key)
{
	struct tui_progress_screen *p = s->data;
	struct tui *t = s->tui;
	struct tui_run *r = p->run;
	int m = tui_list_key(&p->log, key);
	if (m) {
		p->follow = p->log.sel + 1 >= p->log.n;
		return m;
	}
	switch (action) {
	case PROG_PAUSE:
		if (tui_progress_keys(p) != progress_keys)
			return TUI_HANDLED;
		tui_run_pause(r, !r->paused);
		tui_message(t, 0, "%s",
		    r->paused ? _("Pausing: the import stops at the end of the batch being written.") :
				_("Resuming the import."));
		return TUI_HANDLED | TUI_REDRAW;
	case PROG_CANCEL: {
		if (tui_progress_keys(p) != progress_keys)
			return TUI_HANDLED;
		static struct tui_choice choices[2];
		choices[0] = (struct tui_choice){ 'y', _("Cancel the import") };
		choices[1] = (struct tui_choice){ TUI_ESC, _("Let it go on") };
		tui_ask(t, _("Cancel the import?"),
		    _("The batch being written is rolled back; the batches before it stay committed, and the import can be resumed later from the Home screen."),
		    choices, 2, tui_progress_cancel_answer, r);
		return TUI_HANDLED | TUI_REDRAW;
	}
	case PROG_REPORT:
		if (!tui_progress_done(r) || r->id <= 0) {
			if (r && r->start_error)
				return TUI_HANDLED | TUI_BACK;
			tui_message(t, 1, _("The report opens once the import has ended."));
			return TUI_HANDLED | TUI_REDRAW;
		}
		{
			int64_t id = r->id; /* r goes with this screen */
			tui_pop_to(t, &tui_home_ops);
			tui_push(t, &tui_report_ops, (void *)(intptr_t)id);
			return TUI_HANDLED | TUI_NEXT;
		}
	case TUI_ACT_BACK: tui_pop_to(t, &tui_home_ops); return TUI_HANDLED | TUI_NEXT;
	}
	return 0;
}

static int
tui_progress_update(struct screen *s)
{
	struct tui_progress_screen *p = s->data;
	struct tui_run *r = p->run;
	if (r == NULL)
		return 0;
	tui_run_poll(r);
	int dirty = 0;
	if (!tui_run_active(r) && r->id > 0 && r->start_error == NULL &&
	    tui_announce_end(s->tui, r->id, r->status))
		return TUI_REDRAW;
	if (tui_progress_done(r) != p->ended)
		return TUI_REDRAW; /* the footer changes */
	if (r->changed != p->seen) {
		p->seen = r->changed;
		dirty = 1;
	}
	if (p->log.n != r->nevents) {
		tui_list_set(&p->log, r->nevents);
		if (p->follow && r->nevents)
			tui_list_select(&p->log, r->nevents - 1);
		p->log.full = 1;
	}
	/* The batch bar moves with time between reports. */
	if (tui_run_active(r) && r->batch_mean_s > 0)
		dirty = 1;
	return dirty ? TUI_DIRTY : 0;
}

/* While a batch waits to be retried: the retry's own sentence ("Retrying
 * batch 4 (attempt 2 of 4) in 700 ms: the database is locked…"). */
static const char *
tui_progress_waiting(const struct tui_run *r)
{
	if (!tui_run_active(r) || r->snap.status != STATUS_RETRYING || r->nevents == 0 ||
	    r->events[r->nevents - 1].kind != PROGRESS_RETRY)
		return NULL;
	return r->events[r->nevents - 1].text;
}

static const char *
tui_progress_status_text(const struct tui_run *r)
{
	enum import_status st = r->status != STATUS_NONE ? r->status : r->snap.status;
	if (r->start_error)
		return _("could not start");
	if (r->cancelling && tui_run_active(r))
		return _("cancelling: the batch in flight is rolled back…");
	switch (st) {
	case STATUS_NONE: return _("starting… (waiting for the database)");
	case STATUS_RUNNING:
		return r->paused ? _("pausing at the end of the batch…") : status_label(st);
	case STATUS_PAUSED: return _("paused (p resumes)");
	case STATUS_RETRYING: return _("retrying a batch: the database is busy");
	case STATUS_COMPLETED: return _("completed: every row was imported");
	case STATUS_COMPLETED_WITH_ERRORS:
		return _("completed with errors: some rows were rejected or failed");
	case STATUS_CANCELLED: return _("cancelled: the batches before the cancel stay committed");
	case STATUS_INTERRUPTED: return _("interrupted: it can be resumed from the Home screen");
	default: return status_label(st);
	}
}

static void
tui_progress_draw(struct screen *s, int full)
{
	struct tui_progress_screen *p = s->data;
	struct tui *t = s->tui;
	struct tui_run *r = p->run;
	if (r == NULL)
		return;
	{
		char *detail = r->id > 0 ? xasprintf(_("import %lld"), (long long)r->id) : NULL;
		tui_draw_title(t,
		    r->dry_run		  ? _("Dry run") :
			r->follow != NULL ? _("Import (another process runs it)") :
					    _("Importing"),
		    detail);
		free(detail);
		p->ended = tui_progress_done(r);
		if (full)
			tui_draw_footer(t, tui_progress_keys(p));
	}
	const struct progress_snapshot *sn = &r->snap;
	int y = 2 + (t->message ? 1 : 0);
	int w = COLS - 2;
	char done[32], total[32], num[32];
	/* An estimate from the bytes read until the import has counted the
	 * rows; the preview's count when it had one. */
	int exact = sn->total_exact || r->rows_known > 0;
	uint64_t rows_total = sn->total_exact || r->rows_known == 0 ? sn->rows_total : r->rows_known;
	double percent = sn->total_exact || r->rows_known == 0 ?
	    sn->percent :
	    100.0 * (double)sn->rows_done / (double)r->rows_known;
	tui_text_thousands(done, sizeof done, sn->rows_done);
	tui_text_thousands(total, sizeof total, rows_total);

	/* Status. */
	move(y, 0);
	clrtoeol();
	tui_put(stdscr, y, 1, 10, _("Status"), t->a.bold);
	attr_t sa = A_NORMAL;
	if (r->start_error || status_is_alarming(r->status))
		sa = t->a.fail;
	tui_put(stdscr, y, 12, w - 11, tui_progress_status_text(r), sa);
	y++;
	if (r->start_error) {
		move(y, 0);
		clrtobot();
		tui_put_wrapped(stdscr, y + 1, 2, COLS - 4, 6, r->start_error, t->a.fail);
		tui_put(stdscr, y + 8, 2, COLS - 4,
		    _("Press Esc to go back and change what is needed."), A_NORMAL);
		tui_draw_footer(t, tui_progress_keys(p));
		return;
	}
	y++;
	/* Overall bar. */
	int barw = w - 48;
	tui_put(stdscr, y, 1, 10, _("Overall"), t->a.bold);
	tui_draw_bar(t, y, 12, barw, percent / 100.0);
	char pct[32];
	tui_text_percent(pct, sizeof pct, percent);
	char *txt = xasprintf(_("%s  %s / %s%s rows"), pct, done, exact ? "" : "~", total);
	tui_put(stdscr, y, 13 + barw, w - barw - 12, txt, A_NORMAL);
	free(txt);
	y++;
	/* Batch bar: the batch in flight, estimated from the batches so far. */
	double frac = 0;
	int active = tui_run_active(r);
	if (!active)
		frac = 1;
	else if (r->batch_mean_s > 0) {
		frac = (tui_now() - r->batch_started) / r->batch_mean_s;
		if (frac > 0.99)
			frac = 0.99;
	}
	tui_put(stdscr, y, 1, 10, _("Batch"), t->a.bold);
	tui_draw_bar(t, y, 12, barw, frac);
	uint64_t bt = sn->batches_total, cur = active ? sn->batch + 1 : sn->batch;
	if (bt < cur)
		bt = cur;
	txt = xasprintf(_("batch %llu of %s%llu"), (unsigned long long)cur,
	    sn->total_exact ? "" : "~", (unsigned long long)bt);
	tui_put(stdscr, y, 13 + barw, w - barw - 12, txt, A_NORMAL);
	free(txt);
	y += 2;
	/* Counts per outcome, in two columns of four. */
	int cw = w / 2 > 40 ? 40 : w / 2;
	for (int k = 0; k < OUTCOME_DELETED; k++) {
		int row = y + k % 4, col = 1 + (k / 4) * cw;
		tui_text_thousands(num, sizeof num, sn->counts.n[k]);
		attr_t a = (k == OUTCOME_REJECTED || k == OUTCOME_FAILED) && sn->counts.n[k] ?
		    t->a.warn :
		    A_NORMAL;
		tui_put(stdscr, row, col, cw - 14, outcome_label((enum outcome)k), A_NORMAL);
		tui_put_right(stdscr, row, col + cw - 14, 11, num, a);
	}
	y += 5;
	/* Speed and time. */
	char el[32], eta[32], rps[32], rpm[32];
	tui_text_clock(el, sizeof el, sn->elapsed_s);
	tui_text_clock(eta, sizeof eta, active ? sn->eta_s : 0);
	tui_text_thousands(rps, sizeof rps, (unsigned long long)(sn->rows_per_s + 0.5));
	tui_text_thousands(rpm, sizeof rpm, (unsigned long long)(sn->rows_per_min + 0.5));
	const char *waiting = tui_progress_waiting(r);
	if (waiting != NULL)
		/* A batch waits for a lock: the ETA would stand still. */
		txt = xasprintf(_("elapsed %s   waiting for the database: %s"), el, waiting);
	else
		txt =
		    xasprintf(_("%s rows/s   %s rows/min   elapsed %s   ETA %s"), rps, rpm, el, eta);
	move(y, 0);
	clrtoeol();
	tui_put(stdscr, y, 1, w, txt, A_NORMAL);
	free(txt);
	y += 2;
	if (full)
		tui_put(stdscr, y, 1, w, _("Events"), t->a.bold);
	y++;
	if (!active && r->id > 0) {
		tui_put(stdscr, LINES - 2, 1, w,
		    _("The import has ended. Press Enter for its report."), t->a.bold);
		p->log.height = LINES - 2 - y;
	} else
		p->log.height = LINES - 1 - y;
	if (r->nevents == 0 && full)
		tui_put(stdscr, y, 3, w - 2,
		    _("No events yet: retries, failures and pauses appear here."), t->a.dim);
	tui_list_draw(t, &p->log, y, 1, w, full);
}

const struct screen_ops tui_progress_ops = {
	.name = "progress",
	.keys = progress_keys,
	.init = tui_progress_init,
	.free = tui_progress_free,
	.resize = tui_progress_resize,
	.key = tui_progress_key,
	.update = tui_progress_update,
	.draw = tui_progress_draw,
};
