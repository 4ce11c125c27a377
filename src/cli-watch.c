/* sluice watch: follows an import running in another process, from its
 * journal, with the same progress line, until it ends. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli-progress.h"
#include "engine.h"
#include "i18n.h"
#include "journal.h"
#include "progress-jsonl.h"
#include "store.h"
#include "summary.h"

static double
cli_watch_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Seconds since an ISO 8601 UTC time written by the journal. */
static double
cli_watch_since(const char *iso)
{
	time_t t = journal_time(iso);
	return t == -1 ? 0 : difftime(time(NULL), t);
}

/* A snapshot made from the journal's line of an import. */
static void
cli_watch_snapshot(const struct import_row *row, enum import_status status,
    struct progress_snapshot *s)
{
	s->id = row->id;
	s->status = status;
	s->rows_done = row->rows_done;
	for (int k = 0; k < OUTCOME_NOT_PROCESSED; k++)
		s->counts.n[k] = row->n[k];
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
	s->elapsed_s = cli_watch_since(row->started_at);
}

/* The import as its journal shows it, with a rate smoothed over the
 * reads a second or more apart. */
struct cli_watch_journal {
	struct journal *j;
	int64_t id;
	int first;
	double last_t, rate;
	uint64_t last_rows;
};

static int
cli_watch_read(void *ctx, struct progress_snapshot *snap)
{
	struct cli_watch_journal *jw = ctx;
	struct import_row row;
	if (journal_import(jw->j, jw->id, &row) != 1)
		return -1;
	enum import_status status = journal_settle(jw->j, &row);
	*snap = (struct progress_snapshot){ .eta_s = -1 };
	cli_watch_snapshot(&row, status, snap);
	store_import_row_clear(&row);
	double now = cli_watch_now();
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

struct cli_watch_display {
	enum cli_progress_mode mode;
	int line;
};

/* Every snapshot read: the progress line, or a JSON line. */
static void
cli_watch_show(void *ctx, const struct progress_snapshot *s)
{
	const struct cli_watch_display *d = ctx;
	if (d->line)
		cli_progress_draw(stderr, s);
	else if (d->mode == CLI_PROGRESS_JSONL)
		progress_jsonl_snapshot(stderr, s);
}

const struct cli_option cli_watch_options[] = {
	{ "db", required_argument, 'd', NULL, NULL, 0 },
	{ "progress", required_argument, 'p', NULL, NULL, 0 },
	{ "help", no_argument, 'h', NULL, NULL, 0 },
	{ NULL, 0, 0, NULL, NULL, 0 },
};

int
cli_watch(int argc, char **argv)
{
	const char *db = NULL;
	int mode = CLI_PROGRESS_AUTO, c;
	opterr = 0;
	optind = 1;
	while ((c = cli_getopt(cli_watch_options, argc, argv)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'p':
			if ((mode = cli_progress_parse(optarg)) < 0) {
				fprintf(stderr,
				    _("sluice: --progress must be auto, jsonl or none, not \"%s\".\n"),
				    optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h': cli_help(argv[0]); return 0;
		default: cli_unknown_option(argv[0], argv[optind - 1]); return EXIT_USAGE;
		}
	}
	long long id;
	if (cli_import_id("watch", _("follow"), argc, argv, &id) != 0)
		return EXIT_USAGE;
	if (db == NULL || !store_target_exists(db)) {
		fprintf(stderr, _("sluice watch: name the database of the import with --db PATH.\n"));
		return EXIT_USAGE;
	}
	char *cause = NULL;
	struct store *st = store_open(db, &cause);
	if (st == NULL) {
		fprintf(stderr, "sluice: %s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	struct journal *j = journal_open(st);

	struct cli_watch_journal jw = { .j = j, .id = id, .first = 1 };
	const struct engine_watch_source src = { .read = cli_watch_read, .ctx = &jw };
	struct cli_watch_display d = {
		.mode = (enum cli_progress_mode)mode,
		.line = mode == CLI_PROGRESS_AUTO && isatty(STDERR_FILENO),
	};
	const struct engine_watcher w = {
		.snapshot = cli_watch_show,
		.ctx = &d,
		.period_ms = 250,
	};
	int rc = 0;
	if (engine_watch_source(&src, &w) != 0) {
		char *shown = store_target_shown(db);
		fprintf(stderr,
		    _("sluice watch: there is no import %lld in %s; sluice history lists them.\n"),
		    id, shown);
		free(shown);
		rc = EXIT_USAGE;
	}
	if (d.line)
		cli_progress_clear(stderr);
	if (rc == 0) {
		json_t *report = summary_from_journal(j, id, db);
		summary_print(stdout, report);
		rc = status_exit_code(
		    status_parse(json_string_value(json_object_get(report, "status"))));
		json_decref(report);
	}
	journal_close(j);
	store_close(st);
	return rc;
}
