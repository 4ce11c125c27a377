/* sluice report: one import's report from the journal, as an XLSX workbook,
 * a PDF, the rejected rows as CSV, a CSV summary, or JSON on standard
 * output. */
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

enum {
	OPT_DB = 256,
	OPT_XLSX,
	OPT_PDF,
	OPT_PDF_ERRORS,
	OPT_PAPER,
	OPT_CSV,
	OPT_CSV_SUMMARY,
	OPT_JSON,
	OPT_FORCE,
	OPT_HELP
};

const struct cli_option cli_report_options[] = {
	{ "db", required_argument, OPT_DB, NULL, NULL, 0 },
	{ "xlsx", required_argument, OPT_XLSX, NULL, NULL, 0 },
	{ "pdf", required_argument, OPT_PDF, NULL, NULL, 0 },
	{ "pdf-errors", required_argument, OPT_PDF_ERRORS, NULL, NULL, 0 },
	{ "paper", required_argument, OPT_PAPER, NULL, NULL, 0 },
	{ "csv-rejects", required_argument, OPT_CSV, NULL, NULL, 0 },
	/* What --csv, a prefix of it, meant before --csv-summary came. */
	{ "csv", required_argument, OPT_CSV, NULL, NULL, 0 },
	{ "csv-summary", required_argument, OPT_CSV_SUMMARY, NULL, NULL, 0 },
	{ "json", no_argument, OPT_JSON, NULL, NULL, 0 },
	{ "force", no_argument, OPT_FORCE, NULL, NULL, 0 },
	{ "help", no_argument, OPT_HELP, NULL, NULL, 0 },
	{ NULL, 0, 0, NULL, NULL, 0 },
};

struct cli_report_opts {
	const char *db;
	const char *xlsx;
	const char *pdf;
	struct report_pdf_options pdf_options;
	const char *csv;
	const char *csv_summary;
	int json;
	int force; /* replace files that exist */
	const char *id;
};

static int
cli_report_args(int argc, char **argv, struct cli_report_opts *o)
{
	int c;
	opterr = 0;
	optind = 1;
	while ((c = cli_getopt(cli_report_options, argc, argv)) != -1) {
		switch (c) {
		case OPT_DB: o->db = optarg; break;
		case OPT_XLSX: o->xlsx = optarg; break;
		case OPT_PDF: o->pdf = optarg; break;
		case OPT_PDF_ERRORS: {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || optarg[0] == '-' || n > 1000000) {
				cli_error("usage",
				    _("sluice report: --pdf-errors needs a whole number from 0 to 1000000, not \"%s\".\n"),
				    optarg);
				return EXIT_USAGE;
			}
			o->pdf_options.errors = (unsigned)n;
			break;
		}
		case OPT_PAPER: {
			int paper = report_paper_parse(optarg);
			if (paper < 0) {
				cli_error("usage",
				    _("sluice report: --paper is a4 or letter, not \"%s\".\n"),
				    optarg);
				return EXIT_USAGE;
			}
			o->pdf_options.paper = (enum report_paper)paper;
			break;
		}
		case OPT_CSV: o->csv = optarg; break;
		case OPT_CSV_SUMMARY: o->csv_summary = optarg; break;
		case OPT_JSON: o->json = 1; break;
		case OPT_FORCE: o->force = 1; break;
		case OPT_HELP: cli_help(argv[0]); return 0;
		default:
			if (optopt != 0 && optopt != '?')
				cli_error("usage",
				    _("sluice report: %s needs a value; run sluice --help to see the options.\n"),
				    argv[optind - 1]);
			else
				cli_unknown_option(argv[0], argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_error("usage",
		    _("sluice report: name the import, e.g. sluice report 3 --db contacts.db --xlsx report.xlsx (sluice history lists them).\n"));
		return EXIT_USAGE;
	}
	o->id = argv[optind++];
	if (optind < argc) {
		cli_error("usage",
		    _("sluice report: unexpected argument \"%s\"; give one import id.\n"),
		    argv[optind]);
		return EXIT_USAGE;
	}
	if (o->db == NULL) {
		cli_error("usage", _("sluice report: name the database with --db PATH.\n"));
		return EXIT_USAGE;
	}
	if (o->xlsx == NULL && o->pdf == NULL && o->csv == NULL && o->csv_summary == NULL &&
	    !o->json) {
		cli_error("usage",
		    _("sluice report: say what to write: --xlsx FILE, --pdf FILE, --csv-rejects FILE, --csv-summary FILE or --json.\n"));
		return EXIT_USAGE;
	}
	if (o->xlsx != NULL && !strcmp(o->xlsx, "-")) {
		cli_error("usage",
		    _("sluice report: --xlsx needs a file name; a workbook cannot go to standard output.\n"));
		return EXIT_USAGE;
	}
	if (o->pdf != NULL && !strcmp(o->pdf, "-")) {
		cli_error("usage",
		    _("sluice report: --pdf needs a file name; a PDF cannot go to standard output.\n"));
		return EXIT_USAGE;
	}
	int to_stdout = (o->csv != NULL && !strcmp(o->csv, "-")) +
	    (o->csv_summary != NULL && !strcmp(o->csv_summary, "-")) + o->json;
	if (to_stdout > 1) {
		cli_error("usage",
		    _("sluice report: only one of --csv-rejects -, --csv-summary - and --json can write to standard output; give the others a file name.\n"));
		return EXIT_USAGE;
	}
	return -1;
}

/* Prints why a report could not be written; the exit code. */
static int
cli_report_failed(char *cause)
{
	char *esc = text_escape(cause);
	cli_error("report", "sluice report: %s\n", esc);
	free(esc);
	free(cause);
	return EXIT_USAGE;
}

int
cli_report(int argc, char **argv)
{
	struct cli_report_opts o = {
		.pdf_options = { REPORT_PAPER_LOCALE, REPORT_PDF_ERRORS },
	};
	int rc = cli_report_args(argc, argv, &o);
	if (rc >= 0)
		return rc;
	char *end;
	long long id = strtoll(o.id, &end, 10);
	if (*o.id == '\0' || *end != '\0' || id <= 0) {
		char *esc = text_escape(o.id);
		cli_error("usage",
		    _("sluice report: \"%s\" is not an import id; sluice history lists them.\n"),
		    esc);
		free(esc);
		return EXIT_USAGE;
	}

	/* Every output path is checked before any is written: never the
	 * database, never a file that exists unless --force says so (the
	 * writers refuse the imported file, once they know it). */
	char *cause = NULL;
	const char *const outputs[] = { o.xlsx, o.pdf, o.csv, o.csv_summary };
	for (size_t i = 0; i < sizeof outputs / sizeof *outputs; i++) {
		if (outputs[i] == NULL)
			continue;
		if (report_check_path(outputs[i], o.db, NULL, &cause) != 0)
			return cli_report_failed(cause);
		if (!o.force && report_path_exists(outputs[i])) {
			char *esc = text_escape(outputs[i]);
			cli_error("file",
			    _("sluice report: %s exists; give another file name, or add --force to replace it.\n"),
			    esc);
			free(esc);
			return EXIT_USAGE;
		}
	}

	/* Standard output belongs to the JSON or a CSV when one goes there. */
	FILE *info = o.json || (o.csv != NULL && !strcmp(o.csv, "-")) ||
		(o.csv_summary != NULL && !strcmp(o.csv_summary, "-")) ?
	    stderr :
	    stdout;
	struct report_stats st;
	if (o.xlsx != NULL) {
		if (report_write_xlsx(o.db, id, o.xlsx, &st, &cause) != 0)
			return cli_report_failed(cause);
		char *esc = text_escape(o.xlsx);
		fprintf(info,
		    _("Wrote the report of import %lld to %s (errors: %llu, rejected rows: %llu).\n"),
		    id, esc, (unsigned long long)st.errors, (unsigned long long)st.rejected_rows);
		free(esc);
	}
	if (o.pdf != NULL) {
		if (report_write_pdf(o.db, id, o.pdf, &o.pdf_options, &st, &cause) != 0)
			return cli_report_failed(cause);
		char *esc = text_escape(o.pdf);
		fprintf(info,
		    ngettext(
			"Wrote the PDF report of import %lld to %s (%llu page, errors listed: %llu).\n",
			"Wrote the PDF report of import %lld to %s (%llu pages, errors listed: %llu).\n",
			(unsigned long)st.pages),
		    id, esc, (unsigned long long)st.pages, (unsigned long long)st.errors);
		free(esc);
	}
	if (o.csv != NULL) {
		if (report_write_csv_rejects(o.db, id, o.csv, &st, &cause) != 0)
			return cli_report_failed(cause);
		int to_stdout = !strcmp(o.csv, "-");
		char *esc = text_escape(to_stdout ? _("standard output") : o.csv);
		if (!to_stdout)
			fprintf(info,
			    _("Wrote the rejected rows of import %lld to %s (rows: %llu).\n"), id,
			    esc, (unsigned long long)st.rejected_rows);
		if (st.neutralized > 0)
			fprintf(stderr,
			    ngettext(
				"sluice report: %llu value in %s begins with =, +, -, @, a tab or a line break; it was given a leading ' so that no spreadsheet runs it as a formula. Delete the ' where the value must be stored as it was.\n",
				"sluice report: %llu values in %s begin with =, +, -, @, a tab or a line break; each was given a leading ' so that no spreadsheet runs it as a formula. Delete the ' where the value must be stored as it was.\n",
				(unsigned long)st.neutralized),
			    (unsigned long long)st.neutralized, esc);
		free(esc);
	}
	if (o.csv_summary != NULL) {
		if (report_write_csv_summary(o.db, id, o.csv_summary, &cause) != 0)
			return cli_report_failed(cause);
		if (strcmp(o.csv_summary, "-") != 0) {
			char *esc = text_escape(o.csv_summary);
			fprintf(info, _("Wrote the summary of import %lld to %s.\n"), id, esc);
			free(esc);
		}
	}
	if (o.json && report_write_json(o.db, id, stdout, &st, &cause) != 0)
		return cli_report_failed(cause);
	return 0;
}
