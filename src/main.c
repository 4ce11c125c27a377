/* sluice: imports contact files into a database in batches. This file only
 * picks the command; each lives in a cli-*.c file. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "cli.h"
#include "text.h"
#include "tui.h"

void
cli_usage(FILE *fp)
{
	fprintf(fp, _("Usage: sluice [FILE] [--db PATH]   the wizard (database: $SLUICE_DB or ./sluice.db)\n"
	    "       sluice import FILE --db PATH [options]\n"
	    "       sluice history --db PATH [--json]\n"
	    "       sluice show ID --db PATH [--json]\n"
	    "       sluice report ID --db PATH [--xlsx FILE] [--csv-rejects FILE] [--json]\n"
	    "       sluice resume ID --db PATH [--json] [--progress MODE] [--max-duration D]\n"
	    "       sluice watch ID --db PATH\n"
	    "       sluice inspect FILE [--sheet NAME|N] [--json]\n"
	    "       sluice rollback ID --db PATH [--force] [--json]\n"
	    "       sluice --help | --version\n"
	    "\n"
	    "Imports a CSV, XLSX or XLS file into an SQLite database in batches: every row is\n"
	    "validated, matched against stored records and accounted for.\n"
	    "\n"
	    "Import options:\n"
	    "  --db PATH            the SQLite database (created when missing)\n"
	    "  --schema NAME|PATH   target schema (default: contacts)\n"
	    "  --map 'Header=field,...'  map source columns to fields ('Header=-' leaves one out)\n"
	    "  --map-file FILE      the same, one Header=field per line\n"
	    "  --strategy skip|update|merge  what to do with rows matching a stored record\n"
	    "                       (default: update)\n"
	    "  --batch-size N       rows per transaction (default: %d)\n"
	    "  --retries N          retries of a batch when the database is busy (default: %d)\n"
	    "  --retry-base MS      first wait before a retry, doubled each time (default: %d)\n"
	    "  --region CC          phone region for numbers without +country code\n"
	    "  --delimiter C        CSV delimiter (default: detected among , ; TAB |)\n"
	    "  --encoding NAME      CSV encoding (default: detected; UTF-8, WINDOWS-1252, UTF-16…)\n"
	    "  --sheet NAME|N       workbook sheet (default: the first visible one)\n"
	    "  --dry-run            do everything but keep the writes; report what would happen\n"
	    "  --json               print the report as one JSON object\n"
	    "  --report FILE.xlsx   write the XLSX report at the end\n"
	    "  --progress auto|jsonl|none  progress on standard error (default: auto)\n"
	    "  --max-duration D     stop at a batch boundary after D (90s, 10m, 1h30m)\n"
	    "\n"
	    "Exit status: 0 all rows imported, 1 some rows rejected or failed,\n"
	    "2 usage error or unreadable input (nothing written), 3 failed or interrupted\n"
	    "(sluice resume continues it), 130 cancelled.\n"),
	    10000, 3, 200);
}

int
cli_import_id(const char *cmd, const char *verb, int argc, char **argv, long long *id)
{
	char *end = NULL;
	*id = optind < argc ? strtoll(argv[optind], &end, 10) : 0;
	if (optind + 1 != argc || *argv[optind] == '\0' || *end != '\0' || *id <= 0) {
		fprintf(stderr, _("sluice %s: name the import to %s, e.g. sluice %s 3 --db contacts.db (sluice history lists them).\n"),
		    cmd, verb, cmd);
		return -1;
	}
	return 0;
}

/* sluice [FILE] [--db PATH]: the wizard, FILE preselected. A word that is
 * neither a command nor a file is a mistyped command. */
static int
main_wizard(int argc, char **argv)
{
	const char *file = NULL, *db = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc)
			db = argv[++i];
		else if (!strncmp(argv[i], "--db=", 5))
			db = argv[i] + 5;
		else if (argv[i][0] == '-' || file != NULL || access(argv[i], F_OK) != 0) {
			char *esc = text_escape(argv[i]);
			if (argv[i][0] == '-')
				fprintf(stderr, _("sluice: unknown option \"%s\"; run sluice --help to see the commands and options.\n"), esc);
			else
				fprintf(stderr, _("sluice: \"%s\" is neither a command nor a file; run sluice --help to see the commands.\n"), esc);
			free(esc);
			return EXIT_USAGE;
		} else
			file = argv[i];
	}
	return tui_main(file, db);
}

int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, LOCALEDIR);
	textdomain(PACKAGE);

	if (argc < 2)
		return tui_main(NULL, NULL);
	const char *cmd = argv[1];
	/* The wizard's import process (not for people: see tui-worker.c). */
	if (!strcmp(cmd, "wizard-import"))
		return tui_worker_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		cli_usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		printf("sluice %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "import"))
		return cli_import(argc - 1, argv + 1);
	if (!strcmp(cmd, "resume"))
		return cli_resume(argc - 1, argv + 1);
	if (!strcmp(cmd, "inspect"))
		return cli_inspect(argc - 1, argv + 1);
	if (!strcmp(cmd, "report"))
		return cli_report(argc - 1, argv + 1);
	if (!strcmp(cmd, "rollback"))
		return cli_rollback(argc - 1, argv + 1);
	if (!strcmp(cmd, "watch"))
		return cli_watch(argc - 1, argv + 1);
	if (!strcmp(cmd, "history"))
		return cli_history(argc - 1, argv + 1);
	if (!strcmp(cmd, "show"))
		return cli_show(argc - 1, argv + 1);
	return main_wizard(argc, argv);
}
