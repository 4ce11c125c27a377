/* sluice inspect: what sluice sees in a file before importing it: its
 * format, the sheets of a workbook with their rows, the delimiter and
 * encoding of a CSV file, the header and the number of rows. Writes
 * nothing anywhere. */
#include "config.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"
#include "source.h"
#include "text.h"
#include "xmalloc.h"

/* Rows of a source after its header, and how many of them have an
 * error; -1 with *cause when the rest of the file cannot be read. */
static int
inspect_count(struct source *s, uint64_t *rows, uint64_t *bad, char **cause)
{
	struct row *row;
	int rc;

	*rows = *bad = 0;
	while ((rc = source_next(s, &row, cause)) == 1) {
		(*rows)++;
		*bad += row->error != NULL;
	}
	return rc;
}

static void
inspect_print_escaped(const char *label, const char *value)
{
	char *esc = text_escape(value), *l = text_pad(label, 12, 0);

	printf("%s%s\n", l, esc);
	free(l);
	free(esc);
}

/* The delimiter as a person names it. */
static char *
inspect_delimiter_name(int d)
{
	if (d == '\t')
		return xstrdup("TAB");
	if (d == ' ')
		return xstrdup("SPACE");
	if (d > ' ' && d < 0x7f)
		return xasprintf("'%c'", d);
	return xasprintf("0x%02X", (unsigned)d);
}

/* Counts the rows and columns of every sheet of the workbook at path, each
 * opened on its own (an empty one has neither). Fills the "sheets" array of
 * report and prints a line each. */
static void
inspect_sheets(const char *path, const struct source_options *base,
    const struct source_sheet_info *sheets, size_t n, const char *chosen, json_t *report, int json)
{
	json_t *list = json_array();
	size_t i;

	if (!json)
		printf("%s\n", _("Sheets:"));
	for (i = 0; i < n; i++) {
		struct source_options o = *base;
		json_t *item = json_object();
		char *name = text_escape(sheets[i].name), *cause = NULL;
		uint64_t rows = 0, bad = 0;
		struct source *s = NULL;
		size_t ncolumns = 0;
		int counted = 0;

		json_object_set_new(item, "number", json_integer((json_int_t)i + 1));
		json_object_set_new(item, "name", json_string(sheets[i].name));
		json_object_set_new(item, "hidden", json_boolean(sheets[i].hidden));
		json_object_set_new(item, "chart", json_boolean(sheets[i].chart));
		if (!sheets[i].chart) {
			o.sheet = sheets[i].name;
			s = source_open(path, &o, &cause);
			if (s != NULL) {
				source_header(s, &ncolumns);
				counted = inspect_count(s, &rows, &bad, &cause) == 0;
			}
		}
		if (counted) {
			json_object_set_new(item, "rows", json_integer((json_int_t)rows));
			json_object_set_new(item, "columns", json_integer((json_int_t)ncolumns));
		} else {
			json_object_set_new(item, "rows", json_null());
			json_object_set_new(item, "columns", json_null());
		}
		json_object_set_new(item, "empty", json_boolean(counted && ncolumns == 0));
		json_object_set_new(item, "read_by_default",
		    json_boolean(chosen != NULL && !strcmp(chosen, sheets[i].name)));
		json_array_append_new(list, item);
		if (!json) {
			printf("  %3zu  %-24s", i + 1, name);
			if (sheets[i].chart)
				printf("  %s", _("chart, no cells"));
			else if (counted && ncolumns == 0)
				printf("  %s%s", sheets[i].hidden ? _("hidden, ") : "", _("empty"));
			else if (counted) {
				printf("  %s", sheets[i].hidden ? _("hidden, ") : "");
				printf(ngettext("%llu row", "%llu rows", rows),
				    (unsigned long long)rows);
				printf(ngettext(", %zu column", ", %zu columns", ncolumns), ncolumns);
			} else
				printf("  %s", _("unreadable"));
			if (chosen != NULL && !strcmp(chosen, sheets[i].name))
				printf("  %s", _("(read)"));
			printf("\n");
		}
		source_close(s);
		free(cause);
		free(name);
	}
	json_object_set_new(report, "sheets", list);
}

enum { OPT_SHEET = 256, OPT_ENCODING, OPT_DELIMITER, OPT_HEADER_ROW, OPT_JSON, OPT_HELP };

const struct cli_option cli_inspect_options[] = {
	{ "sheet", required_argument, OPT_SHEET, NULL, NULL, 0 },
	{ "encoding", required_argument, OPT_ENCODING, NULL, NULL, 0 },
	{ "delimiter", required_argument, OPT_DELIMITER, NULL, NULL, 0 },
	{ "header-row", required_argument, OPT_HEADER_ROW, NULL, NULL, 0 },
	{ "json", no_argument, OPT_JSON, NULL, NULL, 0 },
	{ "help", no_argument, OPT_HELP, NULL, NULL, 0 },
	{ NULL, 0, 0, NULL, NULL, 0 },
};

int
cli_inspect(int argc, char **argv)
{
	struct source_options opts = { 0 };
	const struct source_sheet_info *sheets;
	const char *const *header;
	const char *path, *encoding, *sheet;
	char *cause = NULL, *esc;
	uint64_t rows, bad;
	struct source *s;
	json_t *report, *names;
	size_t nsheets, nheader, i;
	int json = 0, c, rc;

	opterr = 0;
	optind = 1;
	while ((c = cli_getopt(cli_inspect_options, argc, argv)) != -1) {
		switch (c) {
		case OPT_SHEET: opts.sheet = optarg; break;
		case OPT_ENCODING: opts.encoding = optarg; break;
		case OPT_DELIMITER:
			if (!strcmp(optarg, "tab") || !strcmp(optarg, "TAB") ||
			    !strcmp(optarg, "\\t"))
				opts.delimiter = '\t';
			else if (strlen(optarg) == 1 && optarg[0] != '"')
				opts.delimiter = (unsigned char)optarg[0];
			else {
				cli_error("usage",
				    _("sluice inspect: --delimiter must be one character, "
				      "or tab.\n"));
				return EXIT_USAGE;
			}
			break;
		case OPT_HEADER_ROW: {
			char *end;
			unsigned long long v = strtoull(optarg, &end, 10);
			if (end == optarg || *end != '\0' || v == 0) {
				cli_error("usage",
				    _("sluice inspect: --header-row needs a line number, 1 or more.\n"));
				return EXIT_USAGE;
			}
			opts.header_line = v;
			break;
		}
		case OPT_JSON: json = 1; break;
		case OPT_HELP: cli_help(argv[0]); return EXIT_ALL_IMPORTED;
		default: cli_unknown_option(argv[0], argv[optind - 1]); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_error("usage",
		    _("sluice inspect: name the file to inspect, e.g. sluice inspect "
		      "contacts.xlsx.\n"));
		return EXIT_USAGE;
	}
	if (optind + 1 < argc) {
		cli_error("usage",
		    _("sluice inspect: give one file at a time (\"%s\" is one too "
		      "many).\n"),
		    argv[optind + 1]);
		return EXIT_USAGE;
	}
	path = argv[optind];
	/* Every sheet is listed, empty ones too. */
	opts.empty_ok = true;

	s = source_open(path, &opts, &cause);
	if (s == NULL) {
		esc = text_escape(cause);
		cli_error("file", "sluice: %s\n", esc);
		free(esc);
		free(cause);
		return EXIT_USAGE;
	}
	report = json_object();
	json_object_set_new(report, "file", json_string(path));
	json_object_set_new(report, "format", json_string(source_format(s)));
	json_object_set_new(report, "description", json_string(source_describe(s)));
	encoding = source_encoding(s);
	sheet = source_sheet(s);
	json_object_set_new(report, "encoding", encoding ? json_string(encoding) : json_null());
	json_object_set_new(report, "header_line", json_integer((json_int_t)source_header_line(s)));
	if (!json) {
		inspect_print_escaped(_("File:"), path);
		inspect_print_escaped(_("Read as:"), source_describe(s));
	}
	if (source_delimiter(s) != 0) {
		char *d = inspect_delimiter_name(source_delimiter(s));

		json_object_set_new(report, "delimiter", json_string(d));
		if (!json) {
			printf("%-12s%s\n", _("Delimiter:"), d);
			printf("%-12s%s\n", _("Encoding:"), encoding != NULL ? encoding : "");
		}
		free(d);
	}
	sheets = source_sheets(s, &nsheets);
	if (sheets != NULL)
		inspect_sheets(path, &opts, sheets, nsheets, sheet, report, json);
	json_object_set_new(report, "sheet", sheet ? json_string(sheet) : json_null());

	header = source_header(s, &nheader);
	names = json_array();
	for (i = 0; i < nheader; i++)
		json_array_append_new(names, json_string(header[i]));
	json_object_set_new(report, "header", names);
	if (!json) {
		if (sheet != NULL)
			inspect_print_escaped(_("Sheet:"), sheet);
		printf("%-12s", _("Header:"));
		for (i = 0; i < nheader; i++) {
			esc = text_escape(header[i]);
			printf("%s%s", i > 0 ? " | " : "", esc);
			free(esc);
		}
		printf(ngettext(" (%zu column)\n", " (%zu columns)\n", nheader), nheader);
	}

	rc = inspect_count(s, &rows, &bad, &cause);
	json_object_set_new(report, "rows", json_integer((json_int_t)rows));
	json_object_set_new(report, "rows_with_errors", json_integer((json_int_t)bad));
	if (rc < 0)
		json_object_set_new(report, "error", json_string(cause));
	if (json) {
		cli_json_print(report);
	} else {
		printf("%-12s%llu", _("Rows:"), (unsigned long long)rows);
		if (bad > 0)
			printf(ngettext(" (%llu with an error)", " (%llu with errors)", bad),
			    (unsigned long long)bad);
		printf("\n");
		if (rc < 0) {
			esc = text_escape(cause);
			printf("%-12s%s\n", _("Stopped:"), esc);
			free(esc);
		}
	}
	json_decref(report);
	free(cause);
	source_close(s);
	return rc < 0 ? EXIT_USAGE : EXIT_ALL_IMPORTED;
}
