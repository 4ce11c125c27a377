/* sluice import: the headless import, its options and its exit code. */
#include "config.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "engine.h"
#include "i18n.h"
#include "summary.h"
#include "text.h"
#include "xmalloc.h"

static void
cli_notice(void *ctx, const char *message)
{
	(void)ctx;
	char *esc = text_escape(message);
	fprintf(stderr, "sluice: %s\n", esc);
	free(esc);
	fflush(stderr);
}

/* Parses a whole number in [min, max] for option name; -1 on error. */
static int
cli_number(const char *name, const char *arg, unsigned min, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || arg[0] == '-' || v < min || v > max) {
		fprintf(stderr, _("sluice: %s needs a whole number from %u to %u, not \"%s\".\n"),
		    name, min, max, arg);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

static int
cli_delimiter(const char *arg)
{
	static const struct {
		const char *name;
		int c;
	} names[] = {
		{ ",", ',' }, { "comma", ',' }, { ";", ';' }, { "semicolon", ';' },
		{ "\t", '\t' }, { "\\t", '\t' }, { "tab", '\t' }, { "TAB", '\t' },
		{ "|", '|' }, { "pipe", '|' },
	};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (!strcmp(arg, names[i].name))
			return names[i].c;
	if (strlen(arg) == 1 && arg[0] != '"' && arg[0] != '\n' && arg[0] != '\r')
		return (unsigned char)arg[0];
	return -1;
}

int
cli_import(int argc, char **argv)
{
	enum { OPT_DB = 256, OPT_SCHEMA, OPT_MAP, OPT_MAP_FILE, OPT_STRATEGY, OPT_BATCH,
		OPT_RETRIES, OPT_RETRY_BASE, OPT_REGION, OPT_DELIMITER, OPT_DRY_RUN,
		OPT_JSON, OPT_HELP, OPT_SHEET, OPT_ENCODING };
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, OPT_DB },
		{ "schema", required_argument, NULL, OPT_SCHEMA },
		{ "map", required_argument, NULL, OPT_MAP },
		{ "map-file", required_argument, NULL, OPT_MAP_FILE },
		{ "strategy", required_argument, NULL, OPT_STRATEGY },
		{ "batch-size", required_argument, NULL, OPT_BATCH },
		{ "retries", required_argument, NULL, OPT_RETRIES },
		{ "retry-base", required_argument, NULL, OPT_RETRY_BASE },
		{ "region", required_argument, NULL, OPT_REGION },
		{ "delimiter", required_argument, NULL, OPT_DELIMITER },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "sheet", required_argument, NULL, OPT_SHEET },
		{ "encoding", required_argument, NULL, OPT_ENCODING },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct engine_options o = {
		.strategy = STRATEGY_UPDATE,
		.batch_size = ENGINE_DEFAULT_BATCH,
		.retries = ENGINE_DEFAULT_RETRIES,
		.retry_base_ms = ENGINE_DEFAULT_RETRY_BASE_MS,
	};
	int json = 0, c;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DB: o.db = optarg; break;
		case OPT_SCHEMA: o.schema = optarg; break;
		case OPT_MAP: o.map = optarg; break;
		case OPT_MAP_FILE: o.map_file = optarg; break;
		case OPT_STRATEGY: {
			int s = store_strategy_parse(optarg);
			if (s < 0) {
				fprintf(stderr, _("sluice: --strategy must be skip, update or merge, not \"%s\".\n"), optarg);
				return EXIT_USAGE;
			}
			o.strategy = (enum strategy)s;
			break;
		}
		case OPT_BATCH:
			if (cli_number("--batch-size", optarg, 1, 1000000, &o.batch_size) != 0)
				return EXIT_USAGE;
			break;
		case OPT_RETRIES:
			if (cli_number("--retries", optarg, 0, 100, &o.retries) != 0)
				return EXIT_USAGE;
			break;
		case OPT_RETRY_BASE:
			if (cli_number("--retry-base", optarg, 1, 60000, &o.retry_base_ms) != 0)
				return EXIT_USAGE;
			break;
		case OPT_REGION: o.region = optarg; break;
		case OPT_DELIMITER:
			o.delimiter = cli_delimiter(optarg);
			if (o.delimiter < 0) {
				fprintf(stderr, _("sluice: --delimiter must be one character, or comma, semicolon, tab or pipe.\n"));
				return EXIT_USAGE;
			}
			break;
		case OPT_DRY_RUN: o.dry_run = 1; break;
		case OPT_SHEET: o.sheet = optarg; break;
		case OPT_ENCODING: o.encoding = optarg; break;
		case OPT_JSON: json = 1; break;
		case OPT_HELP:
			cli_usage(stdout);
			return EXIT_ALL_IMPORTED;
		default:
			fprintf(stderr, _("sluice import: unknown option \"%s\"; run sluice --help to see the options.\n"),
			    argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, _("sluice import: name the file to import, e.g. sluice import contacts.csv --db contacts.db.\n"));
		return EXIT_USAGE;
	}
	o.path = argv[optind];
	if (optind + 1 < argc) {
		fprintf(stderr, _("sluice import: give one file at a time (\"%s\" is one too many).\n"),
		    argv[optind + 1]);
		return EXIT_USAGE;
	}
	if (o.db == NULL) {
		fprintf(stderr, _("sluice import: name the database with --db PATH (it is created when missing).\n"));
		return EXIT_USAGE;
	}

	struct engine_hooks hooks = { .notice = cli_notice };
	struct engine_result res;
	char *cause = NULL;
	if (engine_import(&o, &hooks, &res, &cause) != 0) {
		char *esc = text_escape(cause);
		fprintf(stderr, "sluice: %s\n", esc);
		free(esc);
		free(cause);
		engine_result_clear(&res);
		return EXIT_USAGE;
	}
	json_t *report = summary_from_result(&res, o.db);
	if (json) {
		json_dumpf(report, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
		fputc('\n', stdout);
	} else
		summary_print(stdout, report);
	json_decref(report);

	int rc;
	if (!strcmp(res.status, "completed"))
		rc = EXIT_ALL_IMPORTED;
	else if (!strcmp(res.status, "completed_with_errors"))
		rc = EXIT_SOME_REJECTED;
	else
		rc = EXIT_INTERRUPTED;
	engine_result_clear(&res);
	return rc;
}
