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
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (iso == NULL || strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &tm) == NULL)
		return 0;
	return difftime(time(NULL), timegm(&tm));
}

/* A snapshot made from the journal's line of an import. */
static void
cli_watch_snapshot(json_t *row, enum import_status status, struct progress_snapshot *s)
{
	s->id = json_integer_value(json_object_get(row, "id"));
	s->status = status;
	s->rows_done = (uint64_t)json_integer_value(json_object_get(row, "rows_done"));
	for (int k = 0; k < OUTCOME_NOT_PROCESSED; k++)
		s->counts.n[k] = (uint64_t)json_integer_value(json_object_get(row,
		    outcome_name((enum outcome)k)));
	json_t *total = json_object_get(row, "total");
	uint64_t size = (uint64_t)json_integer_value(json_object_get(row, "source_size"));
	uint64_t bytes = (uint64_t)json_integer_value(json_object_get(row, "bytes_done"));
	s->total_exact = json_is_integer(total);
	if (s->total_exact)
		s->rows_total = (uint64_t)json_integer_value(total);
	else if (bytes > 0 && size > bytes)
		s->rows_total = (uint64_t)((double)s->rows_done * (double)size / (double)bytes);
	else
		s->rows_total = s->rows_done;
	s->percent = s->rows_total ? 100.0 * (double)s->rows_done / (double)s->rows_total : 0;
	s->elapsed_s = cli_watch_since(json_string_value(json_object_get(row, "started_at")));
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
				fprintf(stderr, _("sluice: --progress must be auto, jsonl or none, not \"%s\".\n"), optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h': cli_help(argv[0]); return 0;
		default:
			cli_unknown_option(argv[0], argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	long long id;
	if (cli_import_id("watch", _("follow"), argc, argv, &id) != 0)
		return EXIT_USAGE;
	if (db == NULL || access(db, F_OK) != 0) {
		fprintf(stderr, _("sluice watch: name the database of the import with --db PATH.\n"));
		return EXIT_USAGE;
	}
	char *cause = NULL;
	struct store *st = store_sqlite_ops.open(db, &cause);
	if (st == NULL) {
		fprintf(stderr, "sluice: %s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	struct journal *j = journal_open(st);

	int line = mode == CLI_PROGRESS_AUTO && isatty(STDERR_FILENO);
	double t0 = cli_watch_now(), last_t = t0, rate = 0;
	uint64_t first_rows = UINT64_MAX, last_rows = 0;
	int rc = 0;
	for (;;) {
		json_t *row = journal_import_json(j, id);
		if (row == NULL) {
			fprintf(stderr, _("sluice watch: there is no import %lld in %s; sluice history lists them.\n"), id, db);
			rc = EXIT_USAGE;
			break;
		}
		enum import_status status = status_parse(journal_settle_status(j, row));
		struct progress_snapshot snap = { .eta_s = -1 };
		cli_watch_snapshot(row, status, &snap);
		double now = cli_watch_now();
		if (first_rows == UINT64_MAX) {
			first_rows = last_rows = snap.rows_done;
		} else if (now - last_t >= 1.0) {
			double inst = (double)(snap.rows_done - last_rows) / (now - last_t);
			rate = rate > 0 ? 0.3 * inst + 0.7 * rate : inst;
			last_rows = snap.rows_done;
			last_t = now;
		}
		snap.rows_per_s = rate;
		snap.rows_per_min = rate * 60;
		if (rate > 0 && snap.rows_total > snap.rows_done)
			snap.eta_s = (double)(snap.rows_total - snap.rows_done) / rate;
		if (line)
			cli_progress_draw(stderr, &snap);
		else if (mode == CLI_PROGRESS_JSONL)
			progress_jsonl_snapshot(stderr, &snap);
		json_decref(row);
		if (status != STATUS_RUNNING && status != STATUS_PAUSED)
			break;
		struct timespec ts = { 0, 250 * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (line)
		cli_progress_clear(stderr);
	if (rc == 0) {
		json_t *report = summary_from_journal(j, id, db);
		summary_print(stdout, report);
		rc = status_exit_code(status_parse(json_string_value(json_object_get(report, "status"))));
		json_decref(report);
	}
	journal_close(j);
	store_sqlite_ops.close(st);
	return rc;
}
