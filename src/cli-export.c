/* sluice export: the records one import created, updated or merged, with
 * the values they hold now and the outcome of each, as CSV or XLSX (the
 * "download partial results" of an import that stopped). */
#include "config.h"

#include <getopt.h>
#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"
#include "report.h"
#include "text.h"

enum { OPT_DB = 256, OPT_CSV, OPT_XLSX, OPT_OUTCOME, OPT_FORCE, OPT_JSON, OPT_HELP };

const struct cli_option cli_export_options[] = {
	{ "db", required_argument, OPT_DB, NULL, NULL, 0 },
	{ "csv", required_argument, OPT_CSV, NULL, NULL, 0 },
	{ "xlsx", required_argument, OPT_XLSX, NULL, NULL, 0 },
	{ "outcome", required_argument, OPT_OUTCOME, NULL, NULL, 0 },
	{ "force", no_argument, OPT_FORCE, NULL, NULL, 0 },
	{ "json", no_argument, OPT_JSON, NULL, NULL, 0 },
	{ "help", no_argument, OPT_HELP, NULL, NULL, 0 },
	{ NULL, 0, 0, NULL, NULL, 0 },
};

int
cli_export(int argc, char **argv)
{
	const char *db = NULL, *csv = NULL, *xlsx = NULL;
	unsigned outcomes = REPORT_OUTCOME(OUTCOME_CREATED) | REPORT_OUTCOME(OUTCOME_UPDATED) |
	    REPORT_OUTCOME(OUTCOME_MERGED);
	int force = 0, json = 0, c;
	opterr = 0;
	optind = 1;
	while ((c = cli_getopt(cli_export_options, argc, argv)) != -1) {
		switch (c) {
		case OPT_DB: db = optarg; break;
		case OPT_CSV: csv = optarg; break;
		case OPT_XLSX: xlsx = optarg; break;
		case OPT_OUTCOME:
			if (report_outcomes_parse(optarg, &outcomes) != 0) {
				char *esc = text_escape(optarg);
				cli_error("usage",
				    _("sluice export: --outcome is a list of created, updated and merged, not \"%s\".\n"),
				    esc);
				free(esc);
				return EXIT_USAGE;
			}
			break;
		case OPT_FORCE: force = 1; break;
		case OPT_JSON: json = 1; break;
		case OPT_HELP: cli_help(argv[0]); return 0;
		default: cli_unknown_option(argv[0], argv[optind - 1]); return EXIT_USAGE;
		}
	}
	long long id;
	if (cli_import_id("export", _("export"), argc, argv, &id) != 0)
		return EXIT_USAGE;
	if (db == NULL) {
		cli_error("usage", _("sluice export: name the database with --db PATH.\n"));
		return EXIT_USAGE;
	}
	if ((csv == NULL) == (xlsx == NULL)) {
		cli_error("usage",
		    _("sluice export: say where to write the records: --csv FILE or --xlsx FILE (one of them).\n"));
		return EXIT_USAGE;
	}
	const char *path = csv != NULL ? csv : xlsx;
	if (xlsx != NULL && !strcmp(xlsx, "-")) {
		cli_error("usage",
		    _("sluice export: --xlsx needs a file name; a workbook cannot go to standard output.\n"));
		return EXIT_USAGE;
	}
	if (json && !strcmp(path, "-")) {
		cli_error("usage",
		    _("sluice export: --csv - and --json cannot both have standard output; give the CSV a file name.\n"));
		return EXIT_USAGE;
	}
	/* As the reports: never the database, never a file that exists
	 * unless --force (the writers refuse the imported file too). */
	char *cause = NULL;
	if (report_check_path(path, db, NULL, &cause) == 0 && !force && report_path_exists(path)) {
		char *esc = text_escape(path);
		cli_error("file",
		    _("sluice export: %s exists; give another file name, or add --force to replace it.\n"),
		    esc);
		free(esc);
		return EXIT_USAGE;
	}
	struct report_stats st;
	if (cause == NULL &&
	    (csv != NULL ? report_export_csv(db, id, csv, outcomes, &st, &cause) :
			   report_export_xlsx(db, id, xlsx, outcomes, &st, &cause)) == 0) {
		if (json) {
			json_t *o = json_pack("{s:I, s:s, s:I, s:I, s:I}", "id", (json_int_t)id,
			    "file", path, "records", (json_int_t)st.records, "gone",
			    (json_int_t)st.gone, "left_out", (json_int_t)st.left_out);
			cli_json_print(o);
			json_decref(o);
		} else if (strcmp(path, "-") != 0) {
			char *esc = text_escape(path);
			printf(ngettext("Wrote %llu record of import %lld to %s.\n",
				   "Wrote %llu records of import %lld to %s.\n",
				   (unsigned long)st.records),
			    (unsigned long long)st.records, id, esc);
			free(esc);
		}
		if (st.gone > 0)
			fprintf(stderr,
			    ngettext(
				"sluice export: %llu record the import wrote was deleted since; it is left out.\n",
				"sluice export: %llu records the import wrote were deleted since; they are left out.\n",
				(unsigned long)st.gone),
			    (unsigned long long)st.gone);
		if (st.left_out > 0)
			fprintf(stderr,
			    ngettext(
				"sluice export: %llu record did not fit in the sheet; export to --csv to have all.\n",
				"sluice export: %llu records did not fit in the sheet; export to --csv to have all.\n",
				(unsigned long)st.left_out),
			    (unsigned long long)st.left_out);
		return 0;
	}
	char *esc = text_escape(cause);
	cli_error("report", "sluice export: %s\n", esc);
	free(esc);
	free(cause);
	return EXIT_USAGE;
}
