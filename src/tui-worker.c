/* The wizard's import as a child process. The wizard writes a job (file,
 * mapping, fixes, strategy, batch size) and starts `sluice wizard-import
 * JOB` (cli-wizard-import.c) in a session of its own: the import then
 * survives the wizard being left and the SSH session dropping (no SIGHUP
 * reaches it), and a crash of the screen cannot take the import down. The
 * child speaks JSON lines on its standard output (progress-jsonl.h); the
 * wizard reads them here, and pauses, resumes and cancels with signals.
 * Why not a thread in the wizard: a process that must outlive its terminal
 * cannot also give the shell back, and fork() without exec() is unsafe
 * once threads run.
 *
 * A password typed in the wizard reaches the child through a pipe it
 * inherits (store_password_pipe; the job names the descriptor), which it
 * reads once and closes. Not on its command line nor in its environment:
 * both can be read in /proc/PID (ps shows them); not in the job file nor
 * a PGPASSFILE: files on disk, however briefly, outlive a crash. The pipe
 * holds it in the kernel only until the child has read it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "i18n.h"
#include "journal.h"
#include "progress-jsonl.h"
#include "store.h"
#include "tui-int.h"
#include "xmalloc.h"

pid_t
tui_spawn(const char *exe, char *const argv[], int out, int err, int keep)
{
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		/* Only async-signal-safe calls until exec: threads may run in
		 * the parent. */
		setsid();
		/* Held until the child has its handlers: a pause or a cancel
		 * sent meanwhile must not kill it. */
		sigset_t hold;
		sigemptyset(&hold);
		sigaddset(&hold, SIGUSR1);
		sigaddset(&hold, SIGUSR2);
		sigaddset(&hold, SIGTERM);
		sigaddset(&hold, SIGINT);
		sigprocmask(SIG_BLOCK, &hold, NULL);
		dup2(devnull, STDIN_FILENO);
		dup2(out >= 0 ? out : devnull, STDOUT_FILENO);
		dup2(err >= 0 ? err : devnull, STDERR_FILENO);
		if (keep >= 0)
			fcntl(keep, F_SETFD, 0);
		execv(exe, argv);
		_exit(127);
	}
	int saved = errno;
	close(devnull);
	errno = saved;
	return pid;
}

static json_t *
tui_run_job(struct tui *t, int64_t resume_id, int password_fd)
{
	struct tui_wizard *w = &t->w;
	if (resume_id > 0)
		return json_pack("{s:s, s:I, s:i}", "db", w->db, "resume_id", (json_int_t)resume_id,
		    "password_fd", password_fd);
	char *mapping = mapping_to_json(w->mapping, w->schema);
	json_t *fixes = json_array();
	for (size_t i = 0; i < w->nfixes; i++)
		json_array_append_new(fixes,
		    json_pack("{s:I, s:I, s:s?, s:s}", "row", (json_int_t)w->fixes[i].row, "column",
			(json_int_t)w->fixes[i].column, "original", w->fixes[i].original, "value",
			w->fixes[i].value));
	char *budget = w->max_errors.on ?
	    xasprintf("%llu%s", (unsigned long long)w->max_errors.limit,
		w->max_errors.percent ? "%" : "") :
	    NULL;
	json_t *job =
	    json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s, s:i, s:i, s:i, s:b, s:o, s:i, s:s?}",
		"db", w->db, "path", w->file, "schema", w->schema->path, "sheet", w->sheet,
		"region", w->region, "date_order", w->date_order, "mapping", mapping, "strategy",
		(int)w->strategy, "on_key_conflict", (int)w->on_key_conflict, "batch_size",
		(int)w->batch_size, "dry_run", w->dry_run, "fixes", fixes, "password_fd",
		password_fd, "max_errors", budget);
	free(budget);
	tui_notify_job(&w->notify, job);
	free(mapping);
	return job;
}

struct tui_run *
tui_run_start(struct tui *t, int64_t resume_id, char **cause)
{
	int pwfd = store_password_pipe(t->w.db); /* -1: no password typed */
	json_t *job = tui_run_job(t, resume_id, pwfd);
	const char *dir = getenv("TMPDIR");
	char *path = xasprintf("%s/sluice-job.XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0 || json_dumpfd(job, fd, JSON_COMPACT) != 0) {
		*cause = xasprintf(_("Cannot write the import's job file %s: %s."), path,
		    strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(path);
		}
		if (pwfd >= 0)
			close(pwfd);
		free(path);
		json_decref(job);
		return NULL;
	}
	close(fd);
	json_decref(job);
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) != 0) {
		*cause = xasprintf(_("Cannot start the import: %s."), strerror(errno));
		if (pwfd >= 0)
			close(pwfd);
		unlink(path);
		free(path);
		return NULL;
	}
	char *const argv[] = { "sluice", "wizard-import", path, NULL };
	pid_t pid = tui_spawn(t->exe, argv, pipefd[1], -1, pwfd);
	int err = errno;
	close(pipefd[1]);
	if (pwfd >= 0)
		close(pwfd);
	if (pid < 0) {
		*cause = xasprintf(_("Cannot start the import: %s."), strerror(err));
		close(pipefd[0]);
		unlink(path);
		free(path);
		return NULL;
	}
	free(path);
	fcntl(pipefd[0], F_SETFL, fcntl(pipefd[0], F_GETFL) | O_NONBLOCK);
	struct tui_run *r = xcalloc(1, sizeof *r);
	r->pid = pid;
	r->fd = pipefd[0];
	r->id = resume_id;
	if (resume_id > 0)
		tui_announce_forget(t, resume_id);
	r->dry_run = resume_id > 0 ? 0 : t->w.dry_run;
	/* The preview read every row: the total is known exactly. */
	r->rows_known = resume_id > 0 ? 0 : t->w.rows_hint;
	r->snap.eta_s = -1;
	r->batch_started = tui_now();
	return r;
}

/* --- An import followed through the journal ------------------------------------ */

/* What the follower's thread shares with the screen. */
struct tui_follow {
	pthread_mutex_t lock;
	struct tui_task *task;
	char *db;
	int64_t id;
	struct progress_snapshot snap; /* under lock */
	unsigned seq;		       /* under lock: bumped with snap */
	unsigned seen;
	int failed; /* the journal could not be read: why in cause */
	char *cause;
	atomic_int stop; /* the run is freed: stop reading */
};

static int
tui_follow_cancelled(void *ctx)
{
	struct tui_follow *f = ctx;
	return atomic_load(&f->stop);
}

static void
tui_follow_snapshot(void *ctx, const struct progress_snapshot *s)
{
	struct tui_follow *f = ctx;
	pthread_mutex_lock(&f->lock);
	f->snap = *s;
	f->seq++;
	pthread_mutex_unlock(&f->lock);
}

/* Reads the journal until the import has ended, or the run is freed. */
static void *
tui_follow_task(struct tui_task *task)
{
	struct tui_follow *f = task->arg;
	char *cause = NULL;
	struct store *st = store_open(f->db, &cause);
	if (st == NULL) {
		f->cause = cause;
		f->failed = 1;
		return NULL;
	}
	struct journal *j = journal_open(st);
	struct engine_watch_journal jw;
	engine_watch_journal_init(&jw, j, f->id);
	const struct engine_watch_source src = { .read = engine_watch_journal_read, .ctx = &jw };
	/* Freeing the run stops the reads (nothing is cancelled). */
	const struct engine_watcher w = {
		.should_cancel = tui_follow_cancelled,
		.snapshot = tui_follow_snapshot,
		.ctx = f,
		.period_ms = 250,
	};
	if (engine_watch_source(&src, &w) != 0) {
		f->cause = xasprintf(_("Import %lld is no longer in the journal."), (long long)f->id);
		f->failed = 1;
	}
	journal_close(j);
	store_close(st);
	return NULL;
}

struct tui_run *
tui_run_follow(struct tui *t, int64_t id)
{
	struct tui_run *r = xcalloc(1, sizeof *r);
	struct tui_follow *f = xcalloc(1, sizeof *f);
	pthread_mutex_init(&f->lock, NULL);
	f->db = xstrdup(t->w.db);
	f->id = id;
	r->follow = f;
	r->pid = -1;
	r->fd = -1;
	r->id = id;
	r->snap.eta_s = -1;
	r->batch_started = tui_now();
	f->task = tui_task_start(tui_follow_task, f);
	return r;
}

static void tui_run_snapshot(struct tui_run *r, const struct progress_snapshot *in);

/* The follower's news: its latest snapshot, and once the import has ended
 * (the thread returned) how. */
static int
tui_follow_poll(struct tui_run *r)
{
	struct tui_follow *f = r->follow;
	int changed = 0;
	pthread_mutex_lock(&f->lock);
	if (f->seq != f->seen) {
		f->seen = f->seq;
		tui_run_snapshot(r, &f->snap);
		changed = 1;
	}
	pthread_mutex_unlock(&f->lock);
	if (!r->exited && tui_task_done(f->task)) {
		r->exited = 1;
		if (f->failed && r->start_error == NULL) {
			r->start_error = f->cause;
			f->cause = NULL;
		} else
			r->status = r->snap.status;
		changed = 1;
	}
	if (changed)
		r->changed++;
	return changed;
}

static void
tui_follow_free(struct tui_follow *f)
{
	atomic_store(&f->stop, 1);
	tui_task_finish(f->task);
	pthread_mutex_destroy(&f->lock);
	free(f->cause);
	free(f->db);
	free(f);
}

/* --- The child's lines ------------------------------------------------------------------- */

static void
tui_run_event(struct tui_run *r, enum progress_event_kind kind, const char *text)
{
	if (r->nevents == 500) {
		free(r->events[0].text);
		memmove(r->events, r->events + 1, (r->nevents - 1) * sizeof *r->events);
		r->nevents--;
	}
	r->events = xreallocarray(r->events, r->nevents + 1, sizeof *r->events);
	r->events[r->nevents].kind = kind;
	r->events[r->nevents].text = xstrdup(text);
	r->nevents++;
}

/* A snapshot from the child; the batch bar's pace comes from the batches
 * it saw end. */
static void
tui_run_snapshot(struct tui_run *r, const struct progress_snapshot *in)
{
	struct progress_snapshot *s = &r->snap;
	uint64_t batch = s->batch;
	if (in->id > 0)
		r->id = in->id;
	*s = *in;
	s->batch = batch;
	if (in->batch != batch) {
		if (r->batch_seen == 0)
			r->batch_seen = batch ? batch : in->batch;
		uint64_t done = in->batch - (r->batch_seen ? r->batch_seen - 1 : 0);
		if (done > 0 && s->elapsed_s > 0)
			r->batch_mean_s = s->elapsed_s / (double)done;
		r->batch_started = tui_now();
		s->batch = in->batch;
	}
	r->paused = s->status == STATUS_PAUSED ? 1 : r->paused;
}

static void
tui_run_line(struct tui_run *r, const char *text)
{
	struct progress_line l;
	if (progress_jsonl_read(text, &l) != 0)
		return;
	switch (l.type) {
	case PROGRESS_LINE_STARTED:
		r->id = l.id;
		r->batch_started = tui_now();
		break;
	case PROGRESS_LINE_ERROR:
		free(r->start_error);
		r->start_error = l.message;
		l.message = NULL;
		break;
	case PROGRESS_LINE_EVENT: tui_run_event(r, l.event.kind, l.event.message); break;
	case PROGRESS_LINE_SNAPSHOT: tui_run_snapshot(r, &l.snap); break;
	case PROGRESS_LINE_RESULT:
		r->id = l.id;
		r->status = l.status;
		r->snap.status = l.status;
		if (l.message != NULL)
			tui_run_event(r, PROGRESS_STORAGE, l.message);
		break;
	}
	progress_line_clear(&l);
}

int
tui_run_poll(struct tui_run *r)
{
	if (r->follow != NULL)
		return tui_follow_poll(r);
	int changed = 0;
	while (r->fd >= 0) {
		ssize_t n = read(r->fd, r->buf + r->len, sizeof r->buf - 1 - r->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (n == 0) {
			close(r->fd);
			r->fd = -1;
			r->eof = 1;
			changed = 1;
			break;
		}
		r->len += (size_t)n;
		r->buf[r->len] = '\0';
		char *start = r->buf, *nl;
		while ((nl = strchr(start, '\n')) != NULL) {
			*nl = '\0';
			tui_run_line(r, start);
			start = nl + 1;
			changed = 1;
		}
		r->len = strlen(start);
		memmove(r->buf, start, r->len + 1);
		if (r->len == sizeof r->buf - 1)
			r->len = 0; /* a line longer than the buffer: dropped */
	}
	/* Reaped only once its lines are all read: a child that writes its
	 * result and exits between a read and this wait must not look like
	 * one that died without a word. */
	if (!r->exited && r->eof) {
		int st;
		pid_t p = waitpid(r->pid, &st, WNOHANG);
		if (p == r->pid) {
			r->exited = 1;
			changed = 1;
			if (r->status == STATUS_NONE) {
				if (r->start_error == NULL && WIFEXITED(st) && WEXITSTATUS(st) == 127)
					r->start_error = xstrdup(_(
					    "The import could not be started (the sluice program was not found)."));
				else if (r->start_error == NULL && WIFSIGNALED(st))
					r->start_error =
					    xasprintf(_("The import process was ended by a "
							"signal (%s) before it said how it "
							"ended; see sluice history."),
						strsignal(WTERMSIG(st)));
				else if (r->start_error == NULL)
					r->start_error =
					    xasprintf(_("The import process exited with code "
							"%d before it said how it ended; "
							"see sluice history."),
						WIFEXITED(st) ? WEXITSTATUS(st) : -1);
			}
		}
	}
	if (changed)
		r->changed++;
	return changed;
}

int
tui_run_active(const struct tui_run *r)
{
	return r != NULL && !r->exited;
}

void
tui_run_pause(struct tui_run *r, int paused)
{
	if (!tui_run_active(r) || r->follow != NULL)
		return;
	kill(r->pid, paused ? SIGUSR1 : SIGUSR2);
	r->paused = paused;
}

void
tui_run_cancel(struct tui_run *r)
{
	if (!tui_run_active(r) || r->cancelling || r->follow != NULL)
		return;
	r->cancelling = 1;
	kill(r->pid, SIGTERM);
	if (r->paused)
		kill(r->pid, SIGUSR2);
}

void
tui_run_free(struct tui_run *r)
{
	if (r == NULL)
		return;
	if (r->fd >= 0)
		close(r->fd);
	if (r->follow != NULL)
		tui_follow_free(r->follow);
	for (size_t i = 0; i < r->nevents; i++)
		free(r->events[i].text);
	free(r->events);
	free(r->start_error);
	free(r);
}
