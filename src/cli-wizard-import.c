/* sluice wizard-import JOB: the wizard's import, in a process of its own.
 * It reads the job the wizard wrote (file, mapping, fixes, strategy, batch
 * size; tui-worker.c writes it), runs the engine, and speaks the JSON-lines
 * protocol (progress-jsonl.h) on its standard output: snapshots and events
 * as sluice import --progress=jsonl writes them, plus "started", "error"
 * and "result". SIGUSR1 pauses, SIGUSR2 resumes, SIGTERM and SIGINT
 * cancel; SIGHUP is ignored, so that the import outlives the terminal. A
 * password typed in the wizard comes on the pipe the job names (why a
 * pipe: tui-worker.c). */
#include "config.h"

#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli-notify.h"
#include "cli.h"
#include "engine.h"
#include "i18n.h"
#include "progress-jsonl.h"
#include "store.h"
#include "summary.h"
#include "text.h"
#include "xmalloc.h"

static volatile sig_atomic_t cli_wizard_cancel, cli_wizard_pause, cli_wizard_resume;
/* Who the settings say is told how the import went (cli-notify.h). */
static struct cli_notify cli_wizard_notices;

static void
cli_wizard_on_signal(int sig)
{
	if (sig == SIGUSR1)
		cli_wizard_pause = 1;
	else if (sig == SIGUSR2)
		cli_wizard_resume = 1;
	else
		cli_wizard_cancel = 1;
}

static void
cli_wizard_notice(void *ctx, const char *message)
{
	(void)ctx;
	struct progress_event ev = { .kind = PROGRESS_RETRY, .setup = 1 };
	snprintf(ev.message, sizeof ev.message, "%s", message);
	progress_jsonl_event(stdout, &ev);
}

static int
cli_wizard_should_cancel(void *ctx)
{
	(void)ctx;
	return cli_wizard_cancel;
}

/* SIGUSR1 pauses, SIGUSR2 resumes. */
static int
cli_wizard_should_pause(void *ctx)
{
	(void)ctx;
	if (cli_wizard_pause) {
		cli_wizard_pause = 0;
		return 1;
	}
	if (cli_wizard_resume) {
		cli_wizard_resume = 0;
		return 0;
	}
	return -1;
}

static void
cli_wizard_event(void *ctx, const struct progress_event *ev)
{
	(void)ctx;
	progress_jsonl_event(stdout, ev);
}

static void
cli_wizard_snapshot(void *ctx, const struct progress_snapshot *s)
{
	if (cli_wizard_notices.n != NULL)
		notify_progress(cli_wizard_notices.n, s);
	if (progress_jsonl_filter(ctx, s))
		progress_jsonl_snapshot(stdout, s);
}

int
cli_wizard_import(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr,
		    _("sluice wizard-import: this command is run by the wizard (sluice with no command).\n"));
		return EXIT_USAGE;
	}
	json_error_t jerr;
	json_t *job = json_load_file(argv[1], 0, &jerr);
	unlink(argv[1]);
	if (!json_is_object(job)) {
		progress_jsonl_error(stdout, _("The wizard's job could not be read."));
		return EXIT_USAGE;
	}
	const char *db = json_string_value(json_object_get(job, "db"));
	int pwfd = (int)json_integer_value(json_object_get(job, "password_fd"));
	if (db != NULL && pwfd > STDERR_FILENO && store_password_take(db, pwfd) != 0) {
		progress_jsonl_error(stdout,
		    _("The password typed in the wizard could not be read."));
		json_decref(job);
		return EXIT_USAGE;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = cli_wizard_on_signal;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	sigset_t held;
	sigemptyset(&held);
	sigaddset(&held, SIGUSR1);
	sigaddset(&held, SIGUSR2);
	sigaddset(&held, SIGTERM);
	sigaddset(&held, SIGINT);
	sigprocmask(SIG_UNBLOCK, &held, NULL);

	struct engine_options o = {
		.db = db,
		.path = json_string_value(json_object_get(job, "path")),
		.schema = json_string_value(json_object_get(job, "schema")),
		.sheet = json_string_value(json_object_get(job, "sheet")),
		.region = json_string_value(json_object_get(job, "region")),
		.date_order = json_string_value(json_object_get(job, "date_order")),
		.strategy = (enum strategy)json_integer_value(json_object_get(job, "strategy")),
		.on_key_conflict =
		    (enum key_conflict)json_integer_value(json_object_get(job, "on_key_conflict")),
		.batch_size = (unsigned)json_integer_value(json_object_get(job, "batch_size")),
		.retries = ENGINE_DEFAULT_RETRIES,
		.retry_base_ms = ENGINE_DEFAULT_RETRY_BASE_MS,
		.reconnect_for_s = ENGINE_DEFAULT_RECONNECT_FOR_S,
		.statement_timeout_s = ENGINE_DEFAULT_STATEMENT_TIMEOUT_S,
		.dry_run = json_is_true(json_object_get(job, "dry_run")),
		.resume_id = json_integer_value(json_object_get(job, "resume_id")),
		.mapping_json = json_string_value(json_object_get(job, "mapping")),
	};
	if (o.batch_size == 0)
		o.batch_size = ENGINE_DEFAULT_BATCH;
	const char *budget = json_string_value(json_object_get(job, "max_errors"));
	if (budget != NULL)
		engine_error_budget_parse(budget, &o.max_errors);
	json_t *fixes = json_object_get(job, "fixes");
	size_t nfixes = json_array_size(fixes);
	struct engine_fix *fx = xcalloc(nfixes ? nfixes : 1, sizeof *fx);
	for (size_t i = 0; i < nfixes; i++) {
		json_t *f = json_array_get(fixes, i);
		fx[i].row = (uint64_t)json_integer_value(json_object_get(f, "row"));
		fx[i].column = (size_t)json_integer_value(json_object_get(f, "column"));
		fx[i].original = json_string_value(json_object_get(f, "original"));
		fx[i].value = json_string_value(json_object_get(f, "value"));
	}
	o.fixes = fx;
	o.nfixes = nfixes;

	static const struct engine_hooks hooks = { .notice = cli_wizard_notice };
	char *cause = NULL;
	struct engine *e = engine_start(&o, &hooks, &cause);
	if (e == NULL) {
		char *esc = text_escape(cause);
		progress_jsonl_error(stdout, esc);
		free(esc);
		free(cause);
		free(fx);
		json_decref(job);
		store_password_forget();
		return EXIT_USAGE;
	}
	struct progress_snapshot snap;
	progress_read(engine_progress(e), &snap);
	progress_jsonl_started(stdout, snap.id, o.dry_run);
	/* The settings' notices, as the Confirm screen changed them for this
	 * import (tui-notify.c). */
	cli_notify_init(&cli_wizard_notices);
	json_t *told = json_object_get(job, "notify");
	json_t *emails = json_object_get(told, "emails");
	if (json_is_array(emails)) {
		settings_unset(&cli_wizard_notices.settings, SETTING_EMAIL);
		size_t i;
		json_t *a;
		json_array_foreach(emails, i, a) if (json_is_string(a))
		    settings_set(&cli_wizard_notices.settings, SETTING_EMAIL, json_string_value(a));
	}
	if (!json_is_true(json_object_get(told, "off")) &&
	    cli_notify_ready(&cli_wizard_notices) == 0 && notify_wanted(&cli_wizard_notices.o))
		cli_wizard_notices.n = notify_new(&cli_wizard_notices.o, db);
	cli_notify_started(&cli_wizard_notices, snap.id, o.path);
	/* Snapshots when they say something new, and once a second anyway:
	 * the wizard's batch bar moves with them. */
	struct progress_jsonl_filter filter = { .every_s = 1 };
	const struct engine_watcher w = {
		.should_cancel = cli_wizard_should_cancel,
		.should_pause = cli_wizard_should_pause,
		.event = cli_wizard_event,
		.snapshot = cli_wizard_snapshot,
		.ctx = &filter,
	};
	engine_watch(e, &w);
	struct engine_result res;
	engine_finish(e, &res);
	progress_jsonl_result(stdout, res.id, res.status, res.last_error);
	fflush(stdout);
	/* The notices go out after the screen has its result, from a
	 * process of their own, so that the wizard (which waits for this one
	 * to exit) need not wait for their retries. */
	if (cli_wizard_notices.n != NULL && fork() == 0) {
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		json_t *summary = summary_from_result(&res, db);
		notify_end(cli_wizard_notices.n, summary, NULL, NULL);
		json_decref(summary);
		_exit(0);
	}
	cli_notify_clear(&cli_wizard_notices);
	int rc = status_exit_code(res.status);
	engine_result_clear(&res);
	free(fx);
	json_decref(job);
	store_password_forget();
	return rc;
}
