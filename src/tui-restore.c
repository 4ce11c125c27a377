/* Restore: a file of several tables (a JSON backup, NDJSON lines naming
 * their table, a workbook's sheets) restored in one go, as sluice restore
 * does. The plan (restore_plan_make, then restore_check_tables) is made on
 * a background thread, however long the file takes to read; the screen
 * lists the tables parents first with their records, schema, match key
 * and references, or says why the file cannot be restored and what to do.
 * Enter starts `sluice restore FILE --db DB --progress jsonl` as a child
 * in a session of its own (it outlives the wizard and a dropped SSH
 * session, as the wizard's imports do, tui-worker.c); its JSON lines give
 * one bar per table and the overall bar. p pauses and resumes (SIGUSR1,
 * SIGUSR2), c cancels (SIGTERM: the batch in flight is rolled back, the
 * journal says cancelled). Once it has ended, each table's counts and the
 * way to its import's report. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "i18n.h"
#include "progress-jsonl.h"
#include "restore.h"
#include "store.h"
#include "text.h"
#include "tui-int.h"
#include "tui-text.h"
#include "tui-widgets.h"
#include "xmalloc.h"

/* --- The plan, made on a thread ----------------------------------------------- */

/* Shared by the thread and the screen; the last of the two to let go
 * frees it (the screen may be left while the file is still read). */
struct tui_restore_job {
	atomic_int refs;
	char *path, *db;
	int all_sheets;
	struct restore_plan *plan;
	char *cause;
	int db_error; /* the file is fine; the database cannot take it */
};

static void
tui_restore_job_unref(struct tui_restore_job *j)
{
	if (atomic_fetch_sub(&j->refs, 1) != 1)
		return;
	restore_plan_free(j->plan);
	free(j->cause);
	free(j->path);
	free(j->db);
	free(j);
}

static void *
tui_restore_plan_task(struct tui_task *task)
{
	struct tui_restore_job *j = task->arg;
	char *cause = NULL, *dir = restore_schema_dir(&cause);
	struct source_options so = { 0 };
	if (dir != NULL)
		j->plan = restore_plan_make(j->path, &so, j->all_sheets, dir, NULL, 0, &cause);
	free(dir);
	if (j->plan != NULL && restore_check_tables(j->plan, j->db, &cause) != 0) {
		restore_plan_free(j->plan);
		j->plan = NULL;
		j->db_error = 1;
	}
	j->cause = cause;
	tui_restore_job_unref(j);
	return NULL;
}

/* --- The child ---------------------------------------------------------------------- */

struct tui_restore_table {
	char *name;
	uint64_t processed, total;
	int64_t id; /* its import, once a snapshot named it */
	enum import_status status;
	struct counts counts;
	int seen;  /* a snapshot of its own import came */
	int quiet; /* its end is shown here, not announced (tui_announce_quiet) */
};

struct tui_restore_run {
	pid_t pid;
	int fd, efd; /* its standard output (JSON lines) and error */
	char buf[16384], ebuf[4096];
	size_t len, elen;
	int exited, code; /* code: its exit code, or -1 (a signal) */
	struct tui_restore_table *tables;
	size_t n;
	size_t current; /* the table the latest snapshot was about */
	int started;	/* a snapshot came */
	int paused;	/* asked to pause */
	int cancelling; /* asked to cancel */
	char *error;	/* what it said on its standard error */
	char *event;	/* the latest event's sentence */
	double elapsed; /* of the current table's import */
	unsigned changed;
};

static void
tui_restore_run_free(struct tui_restore_run *r)
{
	if (r == NULL)
		return;
	if (r->fd >= 0)
		close(r->fd);
	if (r->efd >= 0)
		close(r->efd);
	for (size_t i = 0; i < r->n; i++)
		free(r->tables[i].name);
	free(r->tables);
	free(r->error);
	free(r->event);
	free(r);
}

static struct tui_restore_run *
tui_restore_run_start(struct tui *t, const char *path, int all_sheets, const struct restore_plan *p,
    char **cause)
{
	/* A password typed on Home reaches it as it reaches the import's
	 * process: through a pipe it inherits (tui-worker.c says why). */
	int pw = store_password_pipe(t->w.db);
	int out[2], err[2];
	if (pipe2(out, O_CLOEXEC) != 0) {
		*cause = xasprintf(_("Cannot start the restore: %s."), strerror(errno));
		if (pw >= 0)
			close(pw);
		return NULL;
	}
	if (pipe2(err, O_CLOEXEC) != 0) {
		*cause = xasprintf(_("Cannot start the restore: %s."), strerror(errno));
		if (pw >= 0)
			close(pw);
		close(out[0]);
		close(out[1]);
		return NULL;
	}
	char batch[24], pwarg[24];
	snprintf(batch, sizeof batch, "%u", t->w.batch_size ? t->w.batch_size : ENGINE_DEFAULT_BATCH);
	snprintf(pwarg, sizeof pwarg, "%d", pw);
	char *argv[] = { "sluice", "restore", (char *)path, "--db", t->w.db, "--progress", "jsonl",
		"--batch-size", batch, NULL, NULL, NULL, NULL, NULL };
	size_t a = 9;
	if (pw >= 0) {
		argv[a++] = "--password-fd";
		argv[a++] = pwarg;
	}
	if (all_sheets) {
		argv[a++] = "--sheet";
		argv[a++] = "all";
	}
	pid_t pid = tui_spawn(t->exe, argv, out[1], err[1], pw);
	int saved = errno;
	close(out[1]);
	close(err[1]);
	if (pw >= 0)
		close(pw);
	if (pid < 0) {
		*cause = xasprintf(_("Cannot start the restore: %s."), strerror(saved));
		close(out[0]);
		close(err[0]);
		return NULL;
	}
	fcntl(out[0], F_SETFL, fcntl(out[0], F_GETFL) | O_NONBLOCK);
	fcntl(err[0], F_SETFL, fcntl(err[0], F_GETFL) | O_NONBLOCK);
	struct tui_restore_run *r = xcalloc(1, sizeof *r);
	r->pid = pid;
	r->fd = out[0];
	r->efd = err[0];
	r->n = p->ntables;
	r->tables = xcalloc(r->n ? r->n : 1, sizeof *r->tables);
	for (size_t i = 0; i < r->n; i++) {
		r->tables[i].name = xstrdup(p->tables[i].name);
		r->tables[i].total = p->tables[i].records;
	}
	return r;
}

static size_t
tui_restore_find(const struct tui_restore_run *r, const char *name)
{
	for (size_t i = 0; name != NULL && i < r->n; i++)
		if (!strcmp(r->tables[i].name, name))
			return i;
	return (size_t)-1;
}

/* One line of the child's output: a snapshot with every table's figures,
 * or an event; anything else is left out. */
static void
tui_restore_line(struct tui_restore_run *r, const char *text)
{
	json_t *o = json_loads(text, 0, NULL);
	if (o == NULL)
		return;
	const char *type = json_string_value(json_object_get(o, "type"));
	struct progress_line l;
	if (type == NULL || progress_jsonl_read(text, &l) != 0) {
		json_decref(o);
		return;
	}
	if (l.type == PROGRESS_LINE_EVENT) {
		free(r->event);
		r->event = xstrdup(l.event.message);
	} else if (l.type == PROGRESS_LINE_SNAPSHOT) {
		const char *key;
		json_t *v;
		json_object_foreach(json_object_get(o, "tables"), key, v)
		{
			size_t i = tui_restore_find(r, key);
			if (i == (size_t)-1)
				continue;
			json_int_t done = json_integer_value(json_object_get(v, "processed"));
			json_int_t total = json_integer_value(json_object_get(v, "total"));
			r->tables[i].processed = done > 0 ? (uint64_t)done : 0;
			if (total > 0)
				r->tables[i].total = (uint64_t)total;
		}
		size_t i = tui_restore_find(r, json_string_value(json_object_get(o, "table")));
		if (i != (size_t)-1) {
			struct tui_restore_table *tb = &r->tables[i];
			tb->id = l.snap.id;
			tb->status = l.snap.status;
			tb->counts = l.snap.counts;
			tb->seen = 1;
			r->current = i;
			r->started = 1;
			r->elapsed = l.snap.elapsed_s;
			if (l.snap.status == STATUS_PAUSED)
				r->paused = 1;
		}
	}
	progress_line_clear(&l);
	json_decref(o);
}

/* Reads what is there on fd into buf; each whole line goes to fn. 1 at
 * the end of the stream (fd closed). */
static int
tui_restore_drain(struct tui_restore_run *r, int *fd, char *buf, size_t size, size_t *len,
    void (*fn)(struct tui_restore_run *, const char *))
{
	while (*fd >= 0) {
		ssize_t n = read(*fd, buf + *len, size - 1 - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return 0;
		if (n == 0) {
			close(*fd);
			*fd = -1;
			if (*len > 0) {
				buf[*len] = '\0';
				fn(r, buf);
				*len = 0;
			}
			r->changed++;
			return 1;
		}
		*len += (size_t)n;
		buf[*len] = '\0';
		char *start = buf, *nl;
		while ((nl = strchr(start, '\n')) != NULL) {
			*nl = '\0';
			fn(r, start);
			start = nl + 1;
			r->changed++;
		}
		*len = strlen(start);
		memmove(buf, start, *len + 1);
		if (*len == size - 1)
			*len = 0; /* a line longer than the buffer: dropped */
	}
	return 1;
}

static void
tui_restore_error_line(struct tui_restore_run *r, const char *text)
{
	/* "sluice: The table x cannot be restored: …" says it without the
	 * program's name. */
	if (!strncmp(text, "sluice: ", 8))
		text += 8;
	if (*text == '\0')
		return;
	size_t had = r->error ? strlen(r->error) : 0;
	if (had > 2000)
		return;
	char *joined = had ? xasprintf("%s %s", r->error, text) : xstrdup(text);
	free(r->error);
	r->error = joined;
}

static void
tui_restore_poll(struct tui_restore_run *r)
{
	tui_restore_drain(r, &r->fd, r->buf, sizeof r->buf, &r->len, tui_restore_line);
	tui_restore_drain(r, &r->efd, r->ebuf, sizeof r->ebuf, &r->elen, tui_restore_error_line);
	if (r->exited || r->fd >= 0 || r->efd >= 0)
		return;
	int st;
	if (waitpid(r->pid, &st, WNOHANG) == r->pid) {
		r->exited = 1;
		r->code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		if (r->code == 127 && r->error == NULL)
			r->error = xstrdup(_(
			    "The restore could not be started (the sluice program was not found)."));
		else if (r->code == -1 && r->error == NULL)
			r->error = xasprintf(
			    _("The restore process was ended by a signal (%s); see sluice history."),
			    strsignal(WTERMSIG(st)));
		r->changed++;
	}
}

/* --- The screen ------------------------------------------------------------------ */

enum {
	REST_ENTER = TUI_ACT_SCREEN, /* start; once ended, the report */
	REST_BATCH,
	REST_PAUSE,
	REST_CANCEL,
};

/* Every key of the screen, whatever its state (the help lists these). */
static const struct tui_key restore_keys[] = {
	{ TUI_ENTER, REST_ENTER, NULL,
	    N_("Restore every table of the file, parents first; once the restore has ended, open the report of the chosen table's import.") },
	{ 'b', REST_BATCH, NULL,
	    N_("Before the restore: change how many records each transaction writes.") },
	{ 'p', REST_PAUSE, NULL,
	    N_("While it runs: pause the restore at the end of the batch being written, or resume it.") },
	{ 'c', REST_CANCEL, NULL,
	    N_("While it runs: cancel the restore after asking (the batch in flight is rolled back).") },
	{ TUI_ESC, TUI_ACT_BACK, NULL,
	    N_("Go back to the choice of a file; once the restore has started, go to the Home screen (it goes on).") },
	TUI_KEYS_COMMON,
};

static const struct tui_key restore_keys_plan[] = {
	{ TUI_ENTER, REST_ENTER, N_("restore"),
	    N_("Restore every table of the file, parents first, into the database.") },
	{ 'b', REST_BATCH, N_("batch size"), N_("Change how many records each transaction writes.") },
	{ TUI_ESC, TUI_ACT_BACK, N_("back"), N_("Go back to the choice of a file.") },
	TUI_KEYS_COMMON,
};

/* While the file is read, or when it cannot be restored. */
static const struct tui_key restore_keys_wait[] = {
	{ TUI_ESC, TUI_ACT_BACK, N_("back"), N_("Go back to the choice of a file.") },
	TUI_KEYS_COMMON,
};

static const struct tui_key restore_keys_run[] = {
	{ 'p', REST_PAUSE, N_("pause/resume"),
	    N_("Pause the restore at the end of the batch being written, or resume it.") },
	{ 'c', REST_CANCEL, N_("cancel"),
	    N_("Cancel the restore after asking: the batch in flight is rolled back.") },
	{ TUI_ESC, TUI_ACT_BACK, N_("home"), N_("Go to the Home screen; the restore goes on.") },
	TUI_KEYS_COMMON,
};

static const struct tui_key restore_keys_done[] = {
	{ TUI_ENTER, REST_ENTER, N_("report"), N_("Open the report of the chosen table's import.") },
	{ TUI_ESC, TUI_ACT_BACK, N_("home"), N_("Go to the Home screen.") },
	TUI_KEYS_COMMON,
};

struct tui_restore_screen {
	struct tui *t;
	char *path;
	int all_sheets;
	struct tui_task *task; /* the plan being made */
	struct tui_restore_job *job;
	double started; /* when the reading began */
	int shown_secs; /* the seconds last drawn while reading */
	struct restore_plan *plan;
	char *error; /* the file cannot be restored: why */
	int db_error;
	struct tui_restore_run *run;
	unsigned seen;
	int drawn_ended; /* the run had ended when last drawn */
	size_t followed; /* the table the list was last moved to */
	struct tui_list list;
};

static const struct tui_key *
tui_restore_keys(const struct tui_restore_screen *r)
{
	if (r->run == NULL)
		return r->plan != NULL ? restore_keys_plan : restore_keys_wait;
	return r->run->exited ? restore_keys_done : restore_keys_run;
}

static size_t
tui_restore_count(const struct tui_restore_screen *r)
{
	return r->run ? r->run->n : r->plan ? r->plan->ntables : 0;
}

static void tui_restore_row(void *ctx, WINDOW *w, int y, int x, int width, size_t i, int selected);

static char *
tui_restore_row_text(void *ctx, size_t i)
{
	struct tui_restore_screen *r = ctx;
	return xstrdup(r->run ? r->run->tables[i].name : r->plan->tables[i].name);
}

static void
tui_restore_init(struct screen *s, void *arg)
{
	const struct tui_restore_arg *a = arg;
	struct tui_restore_screen *r = xcalloc(1, sizeof *r);
	s->data = r;
	r->t = s->tui;
	r->path = xstrdup(a->path);
	r->all_sheets = a->all_sheets;
	r->list.ctx = r;
	r->list.draw_row = tui_restore_row;
	r->list.row_text = tui_restore_row_text;
	struct tui_restore_job *j = xcalloc(1, sizeof *j);
	atomic_init(&j->refs, 2);
	j->path = xstrdup(a->path);
	j->db = xstrdup(s->tui->w.db);
	j->all_sheets = a->all_sheets;
	r->job = j;
	r->started = tui_now();
	r->task = tui_task_start(tui_restore_plan_task, j);
}

static void
tui_restore_free(struct screen *s)
{
	struct tui_restore_screen *r = s->data;
	/* A file still being read is let go: the thread ends alone. */
	if (r->task != NULL)
		tui_task_detach(r->task);
	if (r->job != NULL)
		tui_restore_job_unref(r->job);
	/* A running restore goes on by itself: the ends of the tables not yet
	 * restored are announced again, as any import's. */
	for (size_t i = 0; r->run != NULL && !r->run->exited && i < r->run->n; i++) {
		const struct tui_restore_table *tb = &r->run->tables[i];
		if (tb->quiet && !status_is_finished(tb->status))
			tui_announce_forget(r->t, tb->id);
	}
	tui_restore_run_free(r->run);
	restore_plan_free(r->plan);
	free(r->error);
	free(r->path);
	free(r);
}

static void
tui_restore_resize(struct screen *s)
{
	struct tui_restore_screen *r = s->data;
	r->list.full = 1;
}

static void
tui_restore_batch_done(struct tui *t, void *ctx, const char *value)
{
	(void)ctx;
	if (value == NULL)
		return;
	char *end;
	unsigned long v = strtoul(value, &end, 10);
	if (*value == '\0' || *end != '\0' || v < 1 || v > 1000000) {
		tui_message(t, 1,
		    _("The batch size must be a whole number from 1 to 1000000, not \"%s\"."), value);
		return;
	}
	t->w.batch_size = (unsigned)v;
}

static void
tui_restore_cancel_answer(struct tui *t, void *ctx, int choice)
{
	(void)t;
	struct tui_restore_run *r = ctx;
	if (choice != 0 || r->exited || r->cancelling)
		return;
	r->cancelling = 1;
	kill(r->pid, SIGTERM);
	if (r->paused)
		kill(r->pid, SIGUSR2);
}

/* Enter once the restore has ended: the chosen table's report. */
static int
tui_restore_report(struct tui_restore_screen *r)
{
	struct tui *t = r->t;
	struct tui_restore_table *tb = r->list.sel < r->run->n ? &r->run->tables[r->list.sel] : NULL;
	if (tb == NULL || tb->id <= 0) {
		tui_message(t, 1,
		    _("This table was not restored by this run: it has no report here; see sluice history."));
		return TUI_HANDLED | TUI_REDRAW;
	}
	int64_t id = tb->id;
	tui_pop_to(t, &tui_home_ops);
	tui_push(t, &tui_report_ops, (void *)(intptr_t)id);
	return TUI_HANDLED | TUI_NEXT;
}

static int
tui_restore_key(struct screen *s, int action, int key)
{
	struct tui_restore_screen *r = s->data;
	struct tui *t = s->tui;
	int m = tui_list_key(&r->list, key);
	if (m)
		return m;
	const struct tui_key *keys = tui_restore_keys(r);
	switch (action) {
	case REST_ENTER: {
		if (keys == restore_keys_done)
			return tui_restore_report(r);
		if (keys == restore_keys_run)
			return TUI_HANDLED;
		if (r->plan == NULL) {
			tui_message(t, 1, "%s",
			    r->error ?
				_("This file cannot be restored as it is: see why below.") :
				_("The file is still being read; Enter works once its tables are listed."));
			return TUI_HANDLED | TUI_REDRAW;
		}
		char *cause = NULL;
		r->run = tui_restore_run_start(t, r->path, r->all_sheets, r->plan, &cause);
		if (r->run == NULL) {
			tui_message(t, 1, "%s", cause);
			free(cause);
		}
		tui_list_select(&r->list, 0);
		r->followed = 0;
		r->list.full = 1;
		return TUI_HANDLED | TUI_REDRAW;
	}
	case REST_BATCH: {
		if (r->run != NULL)
			return TUI_HANDLED;
		char buf[24];
		snprintf(buf, sizeof buf, "%u", t->w.batch_size);
		tui_prompt(t, _("Batch size"),
		    _("Records per transaction (1 to 1000000); each table's batches are committed one by one:"),
		    buf, tui_restore_batch_done, NULL);
		return TUI_HANDLED | TUI_REDRAW;
	}
	case REST_PAUSE:
		if (keys != restore_keys_run || r->run->cancelling)
			return TUI_HANDLED;
		r->run->paused = !r->run->paused;
		kill(r->run->pid, r->run->paused ? SIGUSR1 : SIGUSR2);
		tui_message(t, 0, "%s",
		    r->run->paused ?
			_("Pausing: the restore stops at the end of the batch being written.") :
			_("Resuming the restore."));
		return TUI_HANDLED | TUI_REDRAW;
	case REST_CANCEL: {
		if (keys != restore_keys_run || r->run->cancelling)
			return TUI_HANDLED;
		static struct tui_choice choices[2];
		choices[0] = (struct tui_choice){ 'y', _("Cancel the restore") };
		choices[1] = (struct tui_choice){ TUI_ESC, _("Let it go on") };
		tui_ask(t, _("Cancel the restore?"),
		    _("The batch being written is rolled back; the tables and batches before it stay committed, and restoring the same file again goes on where it stopped."),
		    choices, 2, tui_restore_cancel_answer, r->run);
		return TUI_HANDLED | TUI_REDRAW;
	}
	case TUI_ACT_BACK:
		if (r->run != NULL) {
			tui_pop_to(t, &tui_home_ops);
			return TUI_HANDLED | TUI_NEXT;
		}
		return TUI_HANDLED | TUI_BACK;
	}
	return 0;
}

static int
tui_restore_update(struct screen *s)
{
	struct tui_restore_screen *r = s->data;
	if (r->task != NULL) {
		if (!tui_task_done(r->task)) {
			int secs = (int)(tui_now() - r->started);
			if (secs != r->shown_secs) {
				r->shown_secs = secs;
				return TUI_DIRTY;
			}
			return 0;
		}
		tui_task_finish(r->task);
		r->task = NULL;
		r->plan = r->job->plan;
		r->job->plan = NULL;
		r->error = r->job->cause;
		r->job->cause = NULL;
		r->db_error = r->job->db_error;
		tui_restore_job_unref(r->job);
		r->job = NULL;
		if (r->plan == NULL && r->error == NULL)
			r->error = xstrdup(_("The file cannot be restored."));
		tui_list_set(&r->list, tui_restore_count(r));
		r->list.full = 1;
		return TUI_REDRAW;
	}
	if (r->run == NULL)
		return 0;
	tui_restore_poll(r->run);
	/* Each table's end shows on this screen: the Home screen below, which
	 * sees its import end in the database, says nothing over the restore's
	 * own messages ("Pausing…"). */
	for (size_t i = 0; i < r->run->n; i++) {
		struct tui_restore_table *tb = &r->run->tables[i];
		if (tb->id > 0 && !tb->quiet) {
			tui_announce_quiet(r->t, tb->id);
			tb->quiet = 1;
		}
	}
	/* The list follows the table being restored. */
	if (r->run->started && r->run->current != r->followed) {
		r->followed = r->run->current;
		tui_list_select(&r->list, r->followed);
		r->list.full = 1;
	}
	if (r->run->exited != r->drawn_ended)
		return TUI_REDRAW; /* the footer and the columns change */
	if (r->run->changed != r->seen) {
		r->seen = r->run->changed;
		r->list.full = 1;
		return TUI_DIRTY;
	}
	return 0;
}

/* What to do about an error of the plan, a sentence. */
static const char *
tui_restore_advice(const struct tui_restore_screen *r)
{
	if (r->db_error)
		return _(
		    "Add the missing columns to the table (or remove the table), or restore into another database: press Esc and choose the file again once it is done.");
	/* restore_plan_make's sentence for a cycle (restore.c), translated
	 * as it is there. */
	const char *cycle = _(
	    "The tables refer to each other in a cycle (%s): there is no order that restores every parent before its children.");
	if (r->error != NULL && !strncmp(r->error, cycle, strcspn(cycle, "%")))
		return _(
		    "Tables that refer to each other in a circle cannot be restored parents first: rename one of the columns that refer back, or give that table a schema file of its own (TABLE.schema) that leaves the column out.");
	return _(
	    "Fix the file (or give its tables schema files named after them), then press Esc and choose it again.");
}

/* The table's state while the restore runs, a word or two. */
static char *
tui_restore_state(const struct tui_restore_run *run, size_t i, attr_t *a, const struct tui *t)
{
	const struct tui_restore_table *tb = &run->tables[i];
	*a = A_NORMAL;
	uint64_t rej = tb->counts.n[OUTCOME_REJECTED] + tb->counts.n[OUTCOME_FAILED];
	if (!run->started || i > run->current) {
		*a = t->a.dim;
		return xstrdup(run->exited ? _("not restored") : _("waiting"));
	}
	if (i < run->current && !tb->seen)
		return xstrdup(_("restored before"));
	enum import_status st = tb->status;
	const char *word;
	if (i == run->current && !status_is_finished(st) && !run->exited)
		word = st == STATUS_PAUSED ? _("paused") :
		    run->cancelling	   ? _("cancelling") :
		    st == STATUS_RETRYING  ? _("retrying") :
					     _("running");
	else if (st == STATUS_COMPLETED || st == STATUS_COMPLETED_WITH_ERRORS)
		word = _("done");
	else {
		*a = t->a.fail;
		word = status_label(st);
	}
	if (rej == 0)
		return xstrdup(word);
	if (*a == A_NORMAL)
		*a = t->a.warn;
	char num[32];
	tui_text_thousands(num, sizeof num, rej);
	char *rejected = xasprintf(ngettext("%s rejected", "%s rejected", (unsigned long)rej), num);
	char *s = xasprintf(_("%s, %s"), word, rejected);
	free(rejected);
	return s;
}

static void
tui_restore_row(void *ctx, WINDOW *w, int y, int x, int width, size_t i, int selected)
{
	struct tui_restore_screen *r = ctx;
	struct tui *t = r->t;
	attr_t a = selected ? t->a.sel : A_NORMAL;
	char num[32], tot[32];
	int nw = width >= 100 ? 24 : 14; /* the table's name */
	if (r->run == NULL) {
		const struct restore_table *tb = &r->plan->tables[i];
		/* # name records schema key references */
		int sw = width >= 100 ? 24 : 13, kw = width >= 100 ? 14 : 9;
		int rw = width - 4 - nw - 11 - sw - kw - 4;
		tui_putf(w, y, x, 4, a, "%zu", i + 1);
		tui_put(w, y, x + 4, nw, tb->name, a);
		/* A workbook's sheets are counted as they are restored. */
		if (r->all_sheets && tb->records == 0)
			snprintf(num, sizeof num, "%s", "—");
		else
			tui_text_thousands(num, sizeof num, tb->records);
		tui_put_right(w, y, x + 4 + nw, 10, num, a);
		const char *schema = tb->inferred ? _("inferred") : strrchr(tb->schema, '/');
		schema = schema == NULL ? tb->schema : tb->inferred ? schema : schema + 1;
		tui_put(w, y, x + 4 + nw + 11, sw, "", a);
		tui_put(w, y, x + 5 + nw + 11, sw - 1, schema,
		    tb->inferred && !selected ? t->a.dim : a);
		tui_put(w, y, x + 5 + nw + 11 + sw, kw, tb->key, a);
		char *refs = NULL;
		for (size_t k = 0; k < tb->nparents; k++) {
			char *one = xasprintf(_("%s → %s"), tb->columns[k],
			    r->plan->tables[tb->parents[k]].name);
			char *joined = refs ? xasprintf("%s, %s", refs, one) : xstrdup(one);
			free(one);
			free(refs);
			refs = joined;
		}
		tui_put(w, y, x + 6 + nw + 11 + sw + kw, rw > 0 ? rw : 0, refs ? refs : "—",
		    refs || selected ? a : t->a.dim);
		free(refs);
		return;
	}
	struct tui_restore_run *run = r->run;
	struct tui_restore_table *tb = &run->tables[i];
	tui_put(w, y, x, nw, tb->name, a);
	if (run->exited) {
		/* import created updated unchanged rejected failed */
		int cw = (width - nw - 9) / 5;
		if (cw > 12)
			cw = 12;
		if (tb->id > 0)
			tui_putf(w, y, x + nw, 9, a, "  #%lld", (long long)tb->id);
		else
			tui_put(w, y, x + nw, 9, "", a);
		uint64_t v[5] = { tb->counts.n[OUTCOME_CREATED],
			tb->counts.n[OUTCOME_UPDATED] + tb->counts.n[OUTCOME_MERGED],
			tb->counts.n[OUTCOME_UNCHANGED], tb->counts.n[OUTCOME_REJECTED],
			tb->counts.n[OUTCOME_FAILED] };
		for (int k = 0; k < 5; k++) {
			if (tb->seen)
				tui_text_thousands(num, sizeof num, v[k]);
			else
				snprintf(num, sizeof num, "%s", "—");
			tui_put_right(w, y, x + nw + 9 + k * cw, cw, num,
			    k >= 3 && v[k] && !selected ? t->a.warn : a);
		}
		return;
	}
	/* name [bar] done / total state */
	int bw = width >= 100 ? 30 : 18, fw = 19;
	int stw = width - nw - bw - fw - 2;
	double frac = tb->total ? (double)tb->processed / (double)tb->total : 0;
	if (selected)
		tui_put(w, y, x, nw, tb->name, a);
	tui_draw_bar(t, y, x + nw + 1, bw, frac);
	tui_text_thousands(num, sizeof num, tb->processed);
	tui_text_thousands(tot, sizeof tot, tb->total);
	char *figures = xasprintf(_("%s / %s"), num, tot);
	tui_put_right(w, y, x + nw + 1 + bw, fw - 1, figures, A_NORMAL);
	free(figures);
	attr_t sa;
	char *state = tui_restore_state(run, i, &sa, t);
	tui_put(w, y, x + nw + 2 + bw + fw - 1, stw > 0 ? stw : 0, state, sa);
	free(state);
}

/* The sentence of the whole restore's state. */
static const char *
tui_restore_run_status(const struct tui_restore_run *run, attr_t *a, const struct tui *t)
{
	*a = A_NORMAL;
	if (!run->exited) {
		if (run->cancelling)
			return _("cancelling: the batch in flight is rolled back…");
		if (!run->started)
			return _("starting: reading the file and checking the database…");
		enum import_status st = run->tables[run->current].status;
		if (st == STATUS_PAUSED)
			return _("paused (p resumes)");
		if (run->paused)
			return _("pausing at the end of the batch…");
		if (st == STATUS_RETRYING)
			return _("retrying a batch: the database is busy");
		return _("running");
	}
	if (run->code == 0)
		return _("completed: every table was restored");
	*a = t->a.fail;
	if (run->code == 1)
		return _("completed with errors: some records were rejected or failed");
	int cancelled = 0;
	for (size_t i = 0; i < run->n; i++)
		cancelled |= run->tables[i].status == STATUS_CANCELLED;
	if (cancelled)
		return _("cancelled: what was committed before the cancel stays");
	return _("stopped before the end");
}

static void
tui_restore_draw_plan(struct tui_restore_screen *r, int full)
{
	struct tui *t = r->t;
	int y = 2 + (t->message ? 1 : 0), w = COLS - 2;
	if (full) {
		tui_put(stdscr, y, 1, 8, _("File"), t->a.bold);
		tui_put(stdscr, y, 10, w - 9, r->path, A_NORMAL);
	}
	y += 2;
	if (r->task != NULL) {
		char clock[32];
		tui_text_clock(clock, sizeof clock, tui_now() - r->started);
		char *txt = xasprintf(
		    _("Reading the file: finding its tables, their schemas and the references between them… %s"),
		    clock);
		move(y, 0);
		clrtoeol();
		move(y + 1, 0);
		clrtoeol();
		tui_put_wrapped(stdscr, y, 1, w, 2, txt, A_NORMAL);
		free(txt);
		if (full)
			tui_put_wrapped(stdscr, y + 3, 1, w, 3,
			    _("A large backup takes a while: every record is read once to count it and to infer the schemas. Esc goes back; nothing is written before Enter."),
			    t->a.dim);
		return;
	}
	if (r->plan == NULL) {
		tui_put(stdscr, y, 1, w,
		    r->db_error ? _("The database cannot take these tables:") :
				  _("This file cannot be restored:"),
		    t->a.bold);
		int n = tui_put_wrapped(stdscr, y + 1, 3, w - 2, 8, r->error, t->a.fail);
		tui_put(stdscr, y + n + 2, 1, w, _("What to do"), t->a.bold);
		tui_put_wrapped(stdscr, y + n + 3, 3, w - 2, 5, tui_restore_advice(r), A_NORMAL);
		tui_put(stdscr, LINES - 2, 1, w, _("Nothing was written."), t->a.dim);
		return;
	}
	uint64_t records = 0;
	for (size_t i = 0; i < r->plan->ntables; i++)
		records += r->plan->tables[i].records;
	char num[32];
	tui_text_thousands(num, sizeof num, records);
	char *tables =
	    xasprintf(ngettext("%zu table", "%zu tables", r->plan->ntables), r->plan->ntables);
	char *head = r->all_sheets ?
	    xasprintf(_("%s (the sheets of the workbook), restored parents first, in this order:"),
		tables) :
	    xasprintf(
		ngettext("%s, %s record, restored parents first, in this order:",
		    "%s, %s records, restored parents first, in this order:", (unsigned long)records),
		tables, num);
	free(tables);
	move(y, 0);
	clrtoeol();
	tui_put(stdscr, y, 1, w, head, A_NORMAL);
	free(head);
	y += 2;
	int nw = w >= 100 ? 24 : 14, sw = w >= 100 ? 24 : 13, kw = w >= 100 ? 14 : 9;
	move(y, 0);
	clrtoeol();
	tui_put(stdscr, y, 1, 4, "#", t->a.bold);
	tui_put(stdscr, y, 5, nw, _("Table"), t->a.bold);
	tui_put_right(stdscr, y, 5 + nw, 10, _("Records"), t->a.bold);
	tui_put(stdscr, y, 6 + nw + 11, sw - 1, _("Schema"), t->a.bold);
	tui_put(stdscr, y, 6 + nw + 11 + sw, kw, _("Key"), t->a.bold);
	tui_put(stdscr, y, 7 + nw + 11 + sw + kw, w - (6 + nw + 11 + sw + kw), _("References"),
	    t->a.bold);
	y++;
	int bottom = LINES - 4;
	r->list.height = bottom - y;
	if ((size_t)r->list.height > r->plan->ntables)
		r->list.height = (int)r->plan->ntables;
	tui_list_draw(t, &r->list, y, 1, w, full);
	if (full) {
		char batch[32];
		tui_text_thousands(batch, sizeof batch, t->w.batch_size);
		char *txt = xasprintf(
		    _("Enter restores them into %s, %s records per transaction (b changes it). Esc goes back."),
		    t->w.db, batch);
		move(LINES - 3, 0);
		clrtoeol();
		move(LINES - 2, 0);
		clrtoeol();
		tui_put_wrapped(stdscr, LINES - 3, 1, w, 2, txt, A_NORMAL);
		free(txt);
	}
}

static void
tui_restore_draw_run(struct tui_restore_screen *r, int full)
{
	struct tui *t = r->t;
	struct tui_restore_run *run = r->run;
	int y = 2 + (t->message ? 1 : 0), w = COLS - 2;
	attr_t sa;
	const char *status = tui_restore_run_status(run, &sa, t);
	move(y, 0);
	clrtoeol();
	tui_put(stdscr, y, 1, 10, _("Status"), t->a.bold);
	tui_put(stdscr, y, 12, w - 11, status, sa);
	y++;
	uint64_t done = 0, total = 0;
	for (size_t i = 0; i < run->n; i++) {
		done += run->tables[i].processed;
		total += run->tables[i].total;
	}
	double frac = total ? (double)done / (double)total : run->exited && run->code <= 1;
	int barw = w - 48;
	char pct[32], d[32], tt[32];
	tui_text_percent(pct, sizeof pct, 100.0 * frac);
	tui_text_thousands(d, sizeof d, done);
	tui_text_thousands(tt, sizeof tt, total);
	move(y, 0);
	clrtoeol();
	tui_put(stdscr, y, 1, 10, _("Overall"), t->a.bold);
	tui_draw_bar(t, y, 12, barw, frac);
	char *txt = xasprintf(_("%s  %s / %s records"), pct, d, tt);
	tui_put(stdscr, y, 13 + barw, w - barw - 12, txt, A_NORMAL);
	free(txt);
	y++;
	move(y, 0);
	clrtoeol();
	if (run->started && !run->exited) {
		char el[32];
		tui_text_clock(el, sizeof el, run->elapsed);
		txt = xasprintf(_("Table %zu of %zu: %s, elapsed %s"), run->current + 1, run->n,
		    run->tables[run->current].name, el);
		tui_put(stdscr, y, 1, w, txt, A_NORMAL);
		free(txt);
	}
	y += 2;
	int nw = w >= 100 ? 24 : 14;
	move(y, 0);
	clrtoeol();
	tui_put(stdscr, y, 1, nw, _("Table"), t->a.bold);
	if (run->exited) {
		int cw = (w - nw - 9) / 5;
		if (cw > 12)
			cw = 12;
		tui_put(stdscr, y, 1 + nw, 9, _("  Import"), t->a.bold);
		const char *heads[5] = { _("Created"), _("Updated"), _("Unchanged"), _("Rejected"),
			_("Failed") };
		for (int k = 0; k < 5; k++)
			tui_put_right(stdscr, y, 1 + nw + 9 + k * cw, cw, heads[k], t->a.bold);
	} else {
		int bw = w >= 100 ? 30 : 18;
		tui_put(stdscr, y, 2 + nw, bw, _("Progress"), t->a.bold);
		tui_put_right(stdscr, y, 2 + nw + bw, 18, _("Records"), t->a.bold);
		tui_put(stdscr, y, 3 + nw + bw + 18, w - nw - bw - 20, _("State"), t->a.bold);
	}
	y++;
	/* The log lines under the list: an error, or the latest event. */
	const char *note = run->error ? run->error : run->exited ? NULL : run->event;
	int notes = note ? tui_wrapped_lines(note, w - 2) : 0;
	if (notes > 3)
		notes = 3;
	int tail = (run->exited ? 2 : 0) + (notes ? notes + 1 : 0);
	int bottom = LINES - 1 - tail;
	r->list.height = bottom - y;
	if (r->list.height < 1)
		r->list.height = 1;
	tui_list_draw(t, &r->list, y, 1, w, full);
	for (int k = y + r->list.height; k < LINES - 1; k++) {
		move(k, 0);
		clrtoeol();
	}
	int ny = y + r->list.height + 1;
	if (note)
		tui_put_wrapped(stdscr, ny, 1, w, notes, note, run->error ? t->a.fail : t->a.dim);
	if (run->exited)
		tui_put_wrapped(stdscr, LINES - 3, 1, w, 2,
		    run->code <= 1 ?
			_("The restore has ended. Enter opens the report of the chosen table's import (also: sluice report ID); Esc goes home.") :
			_("Restoring the same file again goes on where it stopped. Enter opens the report of the chosen table's import; Esc goes home."),
		    t->a.bold);
}

static void
tui_restore_draw(struct screen *s, int full)
{
	struct tui_restore_screen *r = s->data;
	struct tui *t = s->tui;
	char *detail = xasprintf(ngettext("%zu table", "%zu tables", tui_restore_count(r)),
	    tui_restore_count(r));
	tui_draw_title(t, r->run ? _("Restoring") : _("Restore"), r->plan || r->run ? detail : NULL);
	free(detail);
	if (r->run)
		r->drawn_ended = r->run->exited;
	if (full)
		tui_draw_footer(t, tui_restore_keys(r));
	if (r->run)
		tui_restore_draw_run(r, full);
	else
		tui_restore_draw_plan(r, full);
}

const struct screen_ops tui_restore_ops = {
	.name = "restore",
	.keys = restore_keys,
	.init = tui_restore_init,
	.free = tui_restore_free,
	.resize = tui_restore_resize,
	.key = tui_restore_key,
	.update = tui_restore_update,
	.draw = tui_restore_draw,
};
