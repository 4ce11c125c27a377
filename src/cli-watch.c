/* sluice watch: follows an import running in another process, from its
 * journal, with the same progress line, until it ends. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli-progress.h"
#include "engine.h"
#include "i18n.h"
#include "journal.h"
#include "progress-jsonl.h"
#include "store.h"
#include "summary.h"

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

	struct engine_watch_journal jw;
	engine_watch_journal_init(&jw, j, id);
	const struct engine_watch_source src = { .read = engine_watch_journal_read, .ctx = &jw };
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
