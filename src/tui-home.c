/* Home: the recent imports of the database, read from its journal once a
 * second on a background thread, so that a running import (this wizard's
 * or one started in another terminal) shows live counts. From here: a new
 * import, an import's report, a resume, a rollback, another database (an
 * SQLite file or a PostgreSQL URI), and the password a PostgreSQL server
 * asks for. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "journal.h"
#include "rollback.h"
#include "store.h"
#include "tui-int.h"
#include "tui-text.h"
#include "tui-widgets.h"
#include "xmalloc.h"

enum {
	HOME_NEW = TUI_ACT_SCREEN,
	HOME_OPEN,
	HOME_RESUME,
	HOME_ROLLBACK,
	HOME_REFRESH,
	HOME_DATABASE,
	HOME_PASSWORD,
};

static const struct tui_key home_keys[] = {
	{ 'n', HOME_NEW, N_("new import"), N_("Start a new import: choose a file.") },
	{ TUI_ENTER, HOME_OPEN, N_("open"),
	    N_("Open the selected import: its report, or its live progress while it runs.") },
	{ 'r', HOME_RESUME, N_("resume"),
	    N_("Resume the selected import where it stopped (interrupted or cancelled).") },
	{ 'R', HOME_ROLLBACK, N_("roll back"), N_("Undo the selected import, after asking.") },
	{ 'd', HOME_DATABASE, N_("database"),
	    N_("Choose the database: an SQLite file or a PostgreSQL URI (postgresql://user@host:port/database).") },
	{ 'p', HOME_PASSWORD, NULL,
	    N_("Type the password the PostgreSQL server asks for (it is never shown nor kept).") },
	{ TUI_CTRL('r'), HOME_REFRESH, NULL, N_("Read the journal again now.") },
	TUI_KEYS_COMMON,
};

/* A list of imports as the poller read it, shared with the screen; its
 * references are taken and dropped under the poller's lock. */
struct tui_home_list {
	unsigned refs;
	struct import_row *rows;
	size_t n;
};

/* What the poller shares with the screen. */
struct tui_home_poll {
	pthread_mutex_t lock;
	char *db;		       /* under lock: another may be chosen */
	struct tui_home_list *imports; /* under lock */
	unsigned generation;	       /* under lock */
	char *error;		       /* under lock */
	enum store_auth auth;	       /* under lock: a password would help */
	atomic_int refresh;
};

struct home {
	struct tui_home_poll *poll;
	struct tui_task *poller;
	unsigned seen;
	struct tui_home_list *imports;
	struct tui_list list;
	struct tui *t;
	struct tui_task *rollback;
	int64_t rollback_id;
	char *error;	      /* the journal cannot be read: why */
	enum store_auth auth; /* and whether a password would help */
	int ask;	      /* ask for the password at the next such answer */
	int wanted;	      /* that answer came: ask once Home is on top */
	int connecting;	      /* with a password just typed */
};

static struct tui_home_list *
tui_home_list_ref(struct tui_home_list *l)
{
	l->refs++;
	return l;
}

static void
tui_home_list_unref(struct tui_home_list *l)
{
	if (l == NULL || --l->refs > 0)
		return;
	journal_imports_free(l->rows, l->n);
	free(l);
}

static void *
tui_home_poller(struct tui_task *task)
{
	struct tui_home_poll *p = task->arg;
	while (!atomic_load(&task->cancel)) {
		struct tui_home_list *list = xcalloc(1, sizeof *list);
		char *cause = NULL;
		enum store_auth auth = STORE_AUTH_NONE;
		list->refs = 1;
		pthread_mutex_lock(&p->lock);
		char *db = xstrdup(p->db);
		pthread_mutex_unlock(&p->lock);
		if (store_target_exists(db)) {
			struct store *st = store_open_auth(db, &auth, &cause);
			if (st != NULL) {
				struct journal *j = journal_open(st);
				journal_imports(j, 500, &list->rows, &list->n);
				journal_close(j);
				store_close(st);
			}
		}
		pthread_mutex_lock(&p->lock);
		if (strcmp(db, p->db) == 0) {
			tui_home_list_unref(p->imports);
			p->imports = list;
			free(p->error);
			p->error = cause;
			p->auth = auth;
			p->generation++;
		} else {
			/* Read from the database chosen before. */
			tui_home_list_unref(list);
			free(cause);
		}
		pthread_mutex_unlock(&p->lock);
		free(db);
		/* Again in a second; when a password is wanted, only once the
		 * wizard has one (or is asked to): the same attempt would fail
		 * the same way. */
		for (int i = 0; (i < 10 || auth != STORE_AUTH_NONE) &&
		     !atomic_load(&task->cancel) && !atomic_load(&p->refresh);
		     i++)
			usleep(100000);
		atomic_store(&p->refresh, 0);
	}
	return NULL;
}

static const struct import_row *
tui_home_row(struct home *h, size_t i)
{
	return i < h->imports->n ? &h->imports->rows[i] : NULL;
}

/* The status as the list shows it. */
static const char *
tui_home_status_label(enum import_status s)
{
	return s != STATUS_NONE ? status_short_label(s) : "?";
}

/* "2026-11-28T12:40:43Z" as local "11-28 13:40" ("28.11 13:40" in German). */
static void
tui_home_when(const char *iso, char *buf, size_t n)
{
	time_t t = journal_time(iso);
	if (t == -1) {
		snprintf(buf, n, "?");
		return;
	}
	tui_text_when(buf, n, t, 0);
}

struct tui_home_cols {
	int id, status, when, rows, created, updated, rejected, file;
};

static struct tui_home_cols
tui_home_layout(int width)
{
	struct tui_home_cols c = { 4, 17, 11, 9, 8, 8, 8, 0 };
	if (width < 100)
		c.updated = 0; /* narrow: created and rejected say enough */
	int used = c.id + c.status + c.when + c.rows + c.created + c.updated + c.rejected + 7 +
	    (c.updated ? 1 : 0);
	c.file = width - used;
	if (c.file < 8)
		c.file = 8;
	return c;
}

static void
tui_home_draw_row(void *ctx, WINDOW *w, int y, int x, int width, size_t i, int selected)
{
	struct home *h = ctx;
	struct tui *t = h->t;
	const struct import_row *row = tui_home_row(h, i);
	struct tui_home_cols c = tui_home_layout(width);
	attr_t base = selected ? t->a.sel : A_NORMAL;
	enum import_status status = row->status;
	int dry = row->dry_run != 0;
	char buf[64], when[32], rows[48], n1[24], n2[24], n3[24];
	snprintf(buf, sizeof buf, "%lld", (long long)row->id);
	tui_put_right(w, y, x, c.id, buf, base);
	x += c.id + 1;
	char *st = dry ? xasprintf(_("%s (dry)"), tui_home_status_label(status)) :
			 xstrdup(tui_home_status_label(status));
	attr_t sa = base;
	if (!selected && status_is_alarming(status))
		sa = t->a.fail;
	else if (!selected && status_is_live(status))
		sa = t->a.bold;
	tui_put(w, y, x, c.status, st, sa);
	free(st);
	x += c.status + 1;
	tui_home_when(row->started_at, when, sizeof when);
	tui_put(w, y, x, c.when, when, base);
	x += c.when + 1;
	tui_text_thousands(n1, sizeof n1, (unsigned long long)row->rows_done);
	if (row->total >= 0 && !status_is_live(status))
		tui_text_thousands(rows, sizeof rows, (unsigned long long)row->total);
	else
		snprintf(rows, sizeof rows, "%s", n1);
	tui_put_right(w, y, x, c.rows, rows, base);
	x += c.rows + 1;
	tui_text_thousands(n1, sizeof n1, (unsigned long long)row->n[OUTCOME_CREATED]);
	tui_text_thousands(n2, sizeof n2,
	    (unsigned long long)(row->n[OUTCOME_UPDATED] + row->n[OUTCOME_MERGED]));
	tui_text_thousands(n3, sizeof n3,
	    (unsigned long long)(row->n[OUTCOME_REJECTED] + row->n[OUTCOME_FAILED]));
	tui_put_right(w, y, x, c.created, n1, base);
	x += c.created + 1;
	if (c.updated) {
		tui_put_right(w, y, x, c.updated, n2, base);
		x += c.updated + 1;
	}
	tui_put_right(w, y, x, c.rejected, n3, base);
	x += c.rejected + 1;
	const char *path = row->source_path;
	const char *base_name = path ? strrchr(path, '/') : NULL;
	tui_put(w, y, x, c.file, base_name ? base_name + 1 : path ? path : "", base);
}

static char *
tui_home_row_text(void *ctx, size_t i)
{
	struct home *h = ctx;
	const struct import_row *row = tui_home_row(h, i);
	return xasprintf("%lld %s %s", (long long)row->id, status_name(row->status),
	    row->source_path ?: "");
}

static void
tui_home_init(struct screen *s, void *arg)
{
	(void)arg;
	struct home *h = xcalloc(1, sizeof *h);
	s->data = h;
	h->t = s->tui;
	h->poll = xcalloc(1, sizeof *h->poll);
	pthread_mutex_init(&h->poll->lock, NULL);
	h->poll->db = xstrdup(s->tui->w.db);
	h->poller = tui_task_start(tui_home_poller, h->poll);
	h->imports = xcalloc(1, sizeof *h->imports);
	h->imports->refs = 1;
	h->list.ctx = h;
	h->list.draw_row = tui_home_draw_row;
	h->list.row_text = tui_home_row_text;
	h->ask = 1;
}

static void
tui_home_free(struct screen *s)
{
	struct home *h = s->data;
	tui_task_finish(h->poller);
	if (h->rollback)
		free(tui_task_finish(h->rollback));
	tui_home_list_unref(h->poll->imports);
	free(h->poll->error);
	free(h->poll->db);
	pthread_mutex_destroy(&h->poll->lock);
	free(h->poll);
	tui_home_list_unref(h->imports);
	free(h->error);
	free(h);
}

static void
tui_home_resize(struct screen *s)
{
	struct home *h = s->data;
	h->list.full = 1;
	atomic_store(&h->poll->refresh, 1);
}

static const struct import_row *
tui_home_selected(struct home *h)
{
	if (h->imports->n == 0)
		return NULL;
	return tui_home_row(h, h->list.sel);
}

/* --- Rollback -------------------------------------------------------------- */

struct tui_home_rollback_job {
	char *db;
	int64_t id;
	char *text; /* the outcome, for people */
	int failed;
};

static void *
tui_home_rollback_task(struct tui_task *task)
{
	struct tui_home_rollback_job *job = task->arg;
	char *cause = NULL;
	struct store *st = store_open(job->db, &cause);
	if (st == NULL) {
		job->text = cause;
		job->failed = 1;
		return job;
	}
	struct journal *j = journal_open(st);
	struct rollback_result res;
	memset(&res, 0, sizeof res);
	if (rollback_import(st, j, job->id, 0, 5, &res, &cause) != 0) {
		job->text = cause;
		job->failed = 1;
	} else if (res.refused) {
		job->text = xasprintf(
		    ngettext(
			"Import %lld was not rolled back: %llu of its records was changed since it ran. Roll back the later imports first, or use sluice rollback %lld --force.",
			"Import %lld was not rolled back: %llu of its records were changed since it ran. Roll back the later imports first, or use sluice rollback %lld --force.",
			res.conflicts),
		    (long long)job->id, (unsigned long long)res.conflicts, (long long)job->id);
		job->failed = 1;
	} else
		job->text = xasprintf(
		    _("Rolled back import %lld: deleted %llu records it created and restored %llu it had updated or merged."),
		    (long long)job->id, (unsigned long long)res.deleted,
		    (unsigned long long)res.restored);
	rollback_result_clear(&res);
	journal_close(j);
	store_close(st);
	return job;
}

static void
tui_home_rollback_answer(struct tui *t, void *ctx, int choice)
{
	struct home *h = ctx;
	if (choice != 0 || h->rollback != NULL)
		return;
	struct tui_home_rollback_job *job = xcalloc(1, sizeof *job);
	job->db = xstrdup(t->w.db);
	job->id = h->rollback_id;
	h->rollback = tui_task_start(tui_home_rollback_task, job);
	tui_message(t, 0, _("Rolling back import %lld…"), (long long)h->rollback_id);
}

/* --- The database and its password ------------------------------------------- */

static void
tui_home_password_done(struct tui *t, void *ctx, const char *value)
{
	struct home *h = ctx;
	if (value == NULL) {
		/* Esc: Home says why the journal cannot be read; p asks again. */
		store_password_forget();
		return;
	}
	if (store_password_set(t->w.db, value) != 0) {
		tui_message(t, 1, _("That password is longer than %d bytes; sluice cannot send it."),
		    STORE_PASSWORD_MAX);
		return;
	}
	h->ask = 1;
	h->connecting = 1;
	/* Said on Home only: other screens draw no news of it. */
	if (t->top->ops == &tui_home_ops)
		tui_message(t, 0, _("Connecting…"));
	atomic_store(&h->poll->refresh, 1);
}

/* Asks for the password of the database, saying why (h->error). */
static void
tui_home_ask_password(struct home *h)
{
	struct tui *t = h->t;
	char *text = xasprintf("%s\n%s", h->error ? h->error : "",
	    h->auth == STORE_AUTH_REFUSED ?
		_("Type the password again, or press Esc.") :
		_("Type it here: it is used while the wizard runs, and never kept."));
	tui_prompt_secret(t, _("Password"), text, tui_home_password_done, h);
	free(text);
}

static void
tui_home_database_done(struct tui *t, void *ctx, const char *value)
{
	struct home *h = ctx;
	if (value == NULL || *value == '\0' || strcmp(value, t->w.db) == 0)
		return;
	/* The password typed was for the database chosen before. */
	store_password_forget();
	free(t->w.db);
	t->w.db = xstrdup(value);
	t->w.generation++; /* the dry run checks against the new one */
	pthread_mutex_lock(&h->poll->lock);
	free(h->poll->db);
	h->poll->db = xstrdup(value);
	pthread_mutex_unlock(&h->poll->lock);
	free(h->error);
	h->error = NULL;
	h->auth = STORE_AUTH_NONE;
	h->ask = 1;
	h->wanted = 0;
	tui_list_set(&h->list, 0);
	atomic_store(&h->poll->refresh, 1);
}

/* Asks which database to use, starting from the current one unless it
 * holds a password. */
static void
tui_home_choose_database(struct home *h)
{
	struct tui *t = h->t;
	char *shown = store_target_shown(t->w.db);
	int secret = strcmp(shown, t->w.db) != 0;
	tui_prompt_path(t, _("Database"),
	    _("The database to import into, whose journal Home lists: an SQLite file (a path; it is created when missing) or a PostgreSQL URI, such as postgresql://user@host:5432/database (postgresql:///database takes the rest from the PG* variables or a service file)."),
	    secret ? "" : t->w.db, tui_home_database_done, h);
	free(shown);
}

static int
tui_home_key(struct screen *s, int action, int key)
{
	struct home *h = s->data;
	struct tui *t = s->tui;
	const struct import_row *row = tui_home_selected(h);
	int r = tui_list_key(&h->list, key);
	if (r)
		return r;
	switch (action) {
	case HOME_NEW: tui_push(t, &tui_file_ops, NULL); return TUI_HANDLED | TUI_NEXT;
	case HOME_REFRESH: atomic_store(&h->poll->refresh, 1); return TUI_HANDLED;
	case HOME_DATABASE:
		if (t->w.run != NULL && tui_run_active(t->w.run)) {
			tui_message(t, 1,
			    _("An import is running from this wizard; choose another database once it has ended."));
			return TUI_HANDLED | TUI_REDRAW;
		}
		tui_home_choose_database(h);
		return TUI_HANDLED | TUI_REDRAW;
	case HOME_PASSWORD:
		if (h->auth == STORE_AUTH_NONE) {
			tui_message(t, 1, _("The database asks for no password."));
			return TUI_HANDLED | TUI_REDRAW;
		}
		tui_home_ask_password(h);
		return TUI_HANDLED | TUI_REDRAW;
	case HOME_OPEN:
		if (row == NULL)
			return TUI_HANDLED;
		/* A running import: its live progress, whose Enter opens the
		 * report once it has ended. */
		if (t->w.run != NULL && t->w.run->id == row->id && tui_run_active(t->w.run))
			tui_push(t, &tui_progress_ops, NULL);
		else if (status_is_live(row->status))
			tui_push(t, &tui_progress_ops, tui_run_follow(t, row->id));
		else
			tui_push(t, &tui_report_ops, (void *)(intptr_t)row->id);
		return TUI_HANDLED | TUI_NEXT;
	case HOME_RESUME: {
		if (row == NULL)
			return TUI_HANDLED;
		if (!status_is_resumable(row->status) || row->dry_run) {
			tui_message(t, 1,
			    _("Import %lld is %s; only an interrupted or cancelled import can be resumed."),
			    (long long)row->id, tui_home_status_label(row->status));
			return TUI_HANDLED | TUI_REDRAW;
		}
		if (t->w.run != NULL && tui_run_active(t->w.run)) {
			tui_message(t, 1,
			    _("An import is already running from this wizard; wait for it to end."));
			return TUI_HANDLED | TUI_REDRAW;
		}
		char *cause = NULL;
		if (t->w.run)
			tui_run_free(t->w.run);
		t->w.run = tui_run_start(t, row->id, &cause);
		if (t->w.run == NULL) {
			tui_message(t, 1, "%s", cause);
			free(cause);
			return TUI_HANDLED | TUI_REDRAW;
		}
		tui_push(t, &tui_progress_ops, NULL);
		return TUI_HANDLED | TUI_NEXT;
	}
	case HOME_ROLLBACK: {
		if (row == NULL)
			return TUI_HANDLED;
		static struct tui_choice choices[2];
		choices[0] = (struct tui_choice){ 'y', _("Roll it back") };
		choices[1] = (struct tui_choice){ TUI_ESC, _("Keep it") };
		h->rollback_id = row->id;
		char *text = xasprintf(
		    _("Roll back import %lld? The records it created are deleted and the ones it updated or merged get their earlier values back, in one transaction."),
		    (long long)h->rollback_id);
		tui_ask(t, _("Roll back"), text, choices, 2, tui_home_rollback_answer, h);
		free(text);
		return TUI_HANDLED | TUI_REDRAW;
	}
	case TUI_ACT_SEARCH_NEXT:
		if (t->last_search && !tui_list_search(&h->list, t->last_search))
			tui_message(t, 1, _("Nothing matches \"%s\"."), t->last_search);
		return TUI_HANDLED | TUI_REDRAW;
	}
	return 0;
}

static int
tui_home_update(struct screen *s)
{
	struct home *h = s->data;
	struct tui *t = s->tui;
	int r = 0;
	if (h->rollback != NULL && tui_task_done(h->rollback)) {
		struct tui_home_rollback_job *job = tui_task_finish(h->rollback);
		h->rollback = NULL;
		tui_message(t, job->failed, "%s", job->text);
		free(job->text);
		free(job->db);
		free(job);
		atomic_store(&h->poll->refresh, 1);
		r |= TUI_REDRAW;
	}
	pthread_mutex_lock(&h->poll->lock);
	if (h->poll->generation != h->seen) {
		h->seen = h->poll->generation;
		const struct import_row *sel = tui_home_selected(h);
		/* At the top, the selection stays on the newest import. */
		int64_t sel_id = sel && h->list.sel > 0 ? sel->id : -1;
		/* An import seen running that has ended is announced. */
		struct tui_home_list *was = h->imports;
		for (size_t i = 0; i < h->poll->imports->n; i++) {
			const struct import_row *now = &h->poll->imports->rows[i];
			for (size_t k = 0; k < was->n && !status_is_live(now->status); k++)
				if (was->rows[k].id == now->id &&
				    status_is_live(was->rows[k].status) &&
				    tui_announce_end(t, now->id, now->status))
					r |= TUI_REDRAW;
		}
		tui_home_list_unref(h->imports);
		h->imports = tui_home_list_ref(h->poll->imports);
		tui_list_set(&h->list, h->imports->n);
		for (size_t i = 0; i < h->imports->n; i++)
			if (tui_home_row(h, i)->id == sel_id)
				tui_list_select(&h->list, i);
		int was_error = h->error != NULL;
		free(h->error);
		h->error = h->poll->error ? xstrdup(h->poll->error) : NULL;
		h->auth = h->poll->auth;
		if (h->auth != STORE_AUTH_NONE && h->ask) {
			h->ask = 0;
			h->wanted = 1;
		}
		r |= was_error || h->error ? TUI_REDRAW : TUI_DIRTY;
		if (h->connecting) {
			/* The password typed has its answer. */
			h->connecting = 0;
			if (h->error == NULL) {
				char *db = store_target_shown(t->w.db);
				if (s == t->top)
					tui_message(t, 0, _("Connected to %s."), db);
				free(db);
				/* A dry run that could not connect runs
				 * again when a screen next asks for one. */
				pthread_mutex_lock(&t->w.check.lock);
				int failed = t->w.check.failed;
				pthread_mutex_unlock(&t->w.check.lock);
				if (failed)
					tui_check_stop(&t->w);
			} else if (s == t->top) {
				free(t->message);
				t->message = NULL;
			}
			r |= TUI_REDRAW;
		}
	}
	pthread_mutex_unlock(&h->poll->lock);
	/* Over whichever screen is up (sluice FILE starts on File), but not
	 * over another dialog. */
	if (h->wanted && !t->top->ops->modal) {
		h->wanted = 0;
		tui_home_ask_password(h);
		r |= TUI_REDRAW;
	}
	return r;
}

/* What to do when the journal cannot be read. */
static const char *
tui_home_next_step(const struct home *h)
{
	if (h->auth != STORE_AUTH_NONE)
		return _("Press p to type the password, or d to choose another database.");
	if (store_target_is_postgresql(h->t->w.db))
		return _(
		    "Check that the PostgreSQL server runs and accepts connections at that address (host and port); sluice tries again every second (Ctrl-R: now). Press d to choose another database.");
	return _(
	    "sluice tries again every second (Ctrl-R: now). Press d to choose another database.");
}

static void
tui_home_draw(struct screen *s, int full)
{
	struct home *h = s->data;
	struct tui *t = s->tui;
	if (full) {
		char *db = store_target_shown(t->w.db);
		tui_draw_title(t, _("Home"), db);
		free(db);
		tui_put(stdscr, 2, 1, COLS - 2, _("Recent imports"), t->a.bold);
		struct tui_home_cols c = tui_home_layout(COLS - 2);
		int x = 1;
		tui_put_right(stdscr, 3, x, c.id, _("ID"), t->a.dim);
		x += c.id + 1;
		tui_put(stdscr, 3, x, c.status, _("Status"), t->a.dim);
		x += c.status + 1;
		tui_put(stdscr, 3, x, c.when, _("Started"), t->a.dim);
		x += c.when + 1;
		tui_put_right(stdscr, 3, x, c.rows, _("Rows"), t->a.dim);
		x += c.rows + 1;
		tui_put_right(stdscr, 3, x, c.created, _("Created"), t->a.dim);
		x += c.created + 1;
		if (c.updated) {
			tui_put_right(stdscr, 3, x, c.updated, _("Updated"), t->a.dim);
			x += c.updated + 1;
		}
		tui_put_right(stdscr, 3, x, c.rejected, _("Rejected"), t->a.dim);
		x += c.rejected + 1;
		tui_put(stdscr, 3, x, c.file, _("File"), t->a.dim);
		tui_draw_footer(t, home_keys);
	}
	h->list.height = LINES - 6;
	if (h->imports->n == 0) {
		move(4, 0);
		clrtobot();
		if (h->error != NULL) {
			int y = 5 +
			    tui_put_wrapped(stdscr, 5, 2, COLS - 4, LINES - 10, h->error, t->a.bold);
			tui_put_wrapped(stdscr, y + 1, 2, COLS - 4, LINES - y - 3,
			    tui_home_next_step(h), A_NORMAL);
			tui_draw_footer(t, home_keys);
			return;
		}
		char *db = store_target_shown(t->w.db);
		char *text = xasprintf(_("No imports yet in %s. Press n to import a file."), db);
		free(db);
		tui_put_wrapped(stdscr, 5, 2, COLS - 4, 3, text, A_NORMAL);
		free(text);
		tui_draw_footer(t, home_keys);
		return;
	}
	tui_list_draw(t, &h->list, 4, 1, COLS - 2, full);
}

const struct screen_ops tui_home_ops = {
	.name = "home",
	.keys = home_keys,
	.init = tui_home_init,
	.free = tui_home_free,
	.resize = tui_home_resize,
	.key = tui_home_key,
	.update = tui_home_update,
	.draw = tui_home_draw,
};
