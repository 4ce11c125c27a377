/* sluice history and sluice show: reading the journal. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "i18n.h"
#include "journal.h"
#include "store.h"
#include "summary.h"
#include "text.h"
#include "xmalloc.h"

struct cli_read_opts {
	const char *db;
	int json;
	const char *arg;	/* the positional argument, if any */
};

const struct cli_option cli_read_options[] = {
	{ "db", required_argument, 'd', NULL, NULL, 0 },
	{ "json", no_argument, 'j', NULL, NULL, 0 },
	{ "help", no_argument, 'h', NULL, NULL, 0 },
	{ NULL, 0, 0, NULL, NULL, 0 },
};

static int
cli_read_args(const char *cmd, int argc, char **argv, struct cli_read_opts *o, int want_arg)
{
	int c;
	opterr = 0;
	optind = 1;
	while ((c = cli_getopt(cli_read_options, argc, argv)) != -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 'j': o->json = 1; break;
		case 'h': cli_help(cmd); return 0;
		default:
			cli_unknown_option(cmd, argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (want_arg) {
		if (optind >= argc) {
			fprintf(stderr, _("sluice %s: name the import, e.g. sluice %s 3 --db contacts.db (sluice history lists them).\n"), cmd, cmd);
			return EXIT_USAGE;
		}
		o->arg = argv[optind++];
	}
	if (optind < argc) {
		fprintf(stderr, _("sluice %s: unexpected argument \"%s\".\n"), cmd, argv[optind]);
		return EXIT_USAGE;
	}
	if (o->db == NULL) {
		fprintf(stderr, _("sluice %s: name the database with --db PATH.\n"), cmd);
		return EXIT_USAGE;
	}
	if (access(o->db, F_OK) != 0) {
		fprintf(stderr, _("sluice %s: there is no database %s; give the --db path an import used.\n"), cmd, o->db);
		return EXIT_USAGE;
	}
	return -1;
}

static int
cli_open(const char *db, struct store **st, struct journal **j)
{
	char *cause = NULL;
	*st = store_open(db, &cause);
	if (*st == NULL) {
		fprintf(stderr, "sluice: %s\n", cause);
		free(cause);
		return -1;
	}
	*j = journal_open(*st);
	return 0;
}

int
cli_history(int argc, char **argv)
{
	struct cli_read_opts o = { 0 };
	int rc = cli_read_args("history", argc, argv, &o, 0);
	if (rc >= 0)
		return rc;
	struct store *st;
	struct journal *j;
	if (cli_open(o.db, &st, &j) != 0)
		return EXIT_USAGE;
	json_t *list = journal_imports_json(j, 1000);
	size_t i;
	json_t *row;
	json_array_foreach(list, i, row)
		journal_settle_status(j, row);
	if (o.json) {
		json_dumpf(list, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
		fputc('\n', stdout);
	} else if (json_array_size(list) == 0) {
		printf(_("No imports yet in %s.\n"), o.db);
	} else {
		printf("%5s  %-21s  %-20s  %8s  %9s  %9s  %9s  %9s  %s\n", _("ID"), _("STATUS"),
		    _("STARTED"), _("TOOK"), _("ROWS"), _("CREATED"), _("UPDATED"), _("REJECTED"),
		    _("FILE"));
		json_array_foreach(list, i, row) {
			const char *status = json_string_value(json_object_get(row, "status"));
			char *file = text_escape(json_string_value(json_object_get(row, "source_path")) ?: "");
			char st_buf[64], took[32] = "";
			snprintf(st_buf, sizeof st_buf, "%s%s", status ? status : "",
			    json_integer_value(json_object_get(row, "dry_run")) ? _(" (dry)") : "");
			const char *started = json_string_value(json_object_get(row, "started_at"));
			const char *finished = json_string_value(json_object_get(row, "finished_at"));
			struct tm a, b;
			memset(&a, 0, sizeof a);
			memset(&b, 0, sizeof b);
			if (started && strptime(started, "%Y-%m-%dT%H:%M:%SZ", &a)) {
				time_t end = time(NULL);
				if (finished && strptime(finished, "%Y-%m-%dT%H:%M:%SZ", &b))
					end = timegm(&b);
				long secs = (long)difftime(end, timegm(&a));
				if (secs >= 3600)
					snprintf(took, sizeof took, "%ld:%02ld:%02ld", secs / 3600, secs / 60 % 60, secs % 60);
				else
					snprintf(took, sizeof took, "%ld:%02ld", secs / 60, secs % 60);
			}
			json_t *total = json_object_get(row, "total");
			printf("%5lld  %-21s  %-20s  %8s  %9lld  %9lld  %9lld  %9lld  %s\n",
			    (long long)json_integer_value(json_object_get(row, "id")), st_buf,
			    started ? started : "", took,
			    (long long)(json_is_integer(total) ? json_integer_value(total) :
			    json_integer_value(json_object_get(row, "rows_done"))),
			    (long long)json_integer_value(json_object_get(row, "created")),
			    (long long)(json_integer_value(json_object_get(row, "updated")) +
			    json_integer_value(json_object_get(row, "merged"))),
			    (long long)(json_integer_value(json_object_get(row, "rejected")) +
			    json_integer_value(json_object_get(row, "failed"))),
			    file);
			if (status && (!strcmp(status, "running") || !strcmp(status, "paused")))
				printf(_("       running in process %lld on %s; follow it with sluice watch %lld\n"),
				    (long long)json_integer_value(json_object_get(row, "pid")),
				    json_string_value(json_object_get(row, "host")) ?: "?",
				    (long long)json_integer_value(json_object_get(row, "id")));
			free(file);
		}
	}
	json_decref(list);
	journal_close(j);
	store_close(st);
	return 0;
}

int
cli_show(int argc, char **argv)
{
	struct cli_read_opts o = { 0 };
	int rc = cli_read_args("show", argc, argv, &o, 1);
	if (rc >= 0)
		return rc;
	char *end;
	long long id = strtoll(o.arg, &end, 10);
	if (*o.arg == '\0' || *end != '\0' || id <= 0) {
		fprintf(stderr, _("sluice show: \"%s\" is not an import id; sluice history lists them.\n"), o.arg);
		return EXIT_USAGE;
	}
	struct store *st;
	struct journal *j;
	if (cli_open(o.db, &st, &j) != 0)
		return EXIT_USAGE;
	json_t *report = summary_from_journal(j, id, o.db);
	if (report == NULL) {
		fprintf(stderr, _("sluice show: there is no import %lld in %s; sluice history lists them.\n"), id, o.db);
		rc = EXIT_USAGE;
	} else {
		if (o.json) {
			json_dumpf(report, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
			fputc('\n', stdout);
		} else
			summary_print(stdout, report);
		rc = 0;
	}
	json_decref(report);
	journal_close(j);
	store_close(st);
	return rc;
}
