/* sluice: imports contact files into a database in batches. This file holds
 * the table of commands, picks the command from it and writes the usage
 * from it; each command lives in a cli-*.c file. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "i18n.h"
#include "cli.h"
#include "fatal.h"
#include "store.h"
#include "text.h"
#include "tui.h"
#include "xmalloc.h"

static int main_help(int argc, char **argv);
static int main_version(int argc, char **argv);

/* Every command, in the order of the usage. */
static const struct cli_command main_commands[] = {
	{ "import", N_("FILE --db PATH [options]"), NULL, N_("Import options:"), cli_import_options,
	    0, cli_import },
	{ "history", N_("--db PATH [--since 7d] [--status LIST] [--file NAME] [--json|--csv]"),
	    NULL, NULL, cli_history_options, 0, cli_history },
	{ "show", N_("ID --db PATH [--json] [--map-file FILE]"), NULL, NULL, cli_read_options, 0,
	    cli_show },
	{ "report",
	    N_("ID --db PATH [--xlsx FILE] [--pdf FILE [--paper a4|letter] [--pdf-errors N]] [--csv-rejects FILE] [--csv-summary FILE] [--json] [--force]"),
	    NULL, NULL, cli_report_options, 0, cli_report },
	{ "export",
	    N_("ID --db PATH --csv FILE|--xlsx FILE [--outcome created,updated,merged] [--force] [--json]"),
	    NULL, NULL, cli_export_options, 0, cli_export },
	{ "resume",
	    N_("ID --db PATH [--json] [--progress MODE] [--max-duration D] [--max-batches N] [--max-errors N|P%] [--pace ROWS/s]"),
	    NULL, NULL, cli_resume_options, 0, cli_resume },
	{ "watch", N_("ID --db PATH"), NULL, NULL, cli_watch_options, 0, cli_watch },
	{ "inspect", N_("FILE [--sheet NAME|N] [--json]"),
	    N_("Usage: sluice inspect FILE [--sheet NAME|N] [--encoding NAME] [--delimiter C] [--header-row N] [--json]\n"
	       "Shows how sluice reads FILE: its format, its sheets and their rows and\n"
	       "columns, the delimiter and encoding of a CSV file, the line of its header\n"
	       "(lines of notes above it are skipped), the header and the rows. Writes nothing.\n"),
	    NULL, cli_inspect_options, 0, cli_inspect },
	{ "rollback", N_("ID --db PATH [--force] [--json]"), NULL, NULL, cli_rollback_options, 0,
	    cli_rollback },
	{ "restore", N_("FILE --db PATH [options]"),
	    N_("Usage: sluice restore FILE --db PATH [--key TABLE=COLUMN]... [--sheet all] [--batch-size N] [--progress MODE] [--password-fd N] [--rollback] [--json]\n"
	       "Restores every table of a JSON backup (the members of its top-level object\n"
	       "holding arrays of objects) or, with --sheet all, every sheet of a workbook:\n"
	       "one import per table, parents before children, each with the schema file\n"
	       "named after the table or a schema inferred from its records, records\n"
	       "matched by id. Run again, it creates nothing and goes on where an\n"
	       "interrupted restore stopped; --rollback undoes the whole restore.\n"),
	    N_("Restore options:"), cli_restore_options, 0, cli_restore },
	{ "config", N_("[--json]"),
	    N_("Usage: sluice config [--json]\n"
	       "Shows the settings sluice works with: from /etc/sluice/sluice.conf, then\n"
	       "$XDG_CONFIG_HOME/sluice/sluice.conf (~/.config/sluice/sluice.conf), then\n"
	       "$SLUICE_WEBHOOK_SECRET, each winning over the one before, and where each\n"
	       "came from. Secrets are masked.\n"),
	    NULL, cli_config_options, 0, cli_config },
	/* The wizard's import process (not for people: see cli-wizard-import.c). */
	{ "wizard-import", NULL, NULL, NULL, NULL, 1, cli_wizard_import },
	/* In the usage as its last line. */
	{ "--help", NULL, NULL, NULL, NULL, 1, main_help },
	{ "-h", NULL, NULL, NULL, NULL, 1, main_help },
	{ "help", NULL, NULL, NULL, NULL, 1, main_help },
	{ "--version", NULL, NULL, NULL, NULL, 1, main_version },
	{ "-V", NULL, NULL, NULL, NULL, 1, main_version },
};
#define MAIN_NCOMMANDS (sizeof main_commands / sizeof main_commands[0])

static const struct cli_command *
main_find(const char *name)
{
	for (size_t i = 0; i < MAIN_NCOMMANDS; i++)
		if (!strcmp(main_commands[i].name, name))
			return &main_commands[i];
	return NULL;
}

/* The longest option synopsis that keeps its help on the same column. */
#define MAIN_SYNOPSIS_WIDTH 20

/* One line of an options section: the synopsis, then the help with its
 * default, each further line of it under the first. */
static void
main_usage_option(FILE *fp, const struct cli_option *o)
{
	const char *synopsis = _(o->synopsis);
	char *help = xasprintf(_(o->help), o->value), *line, *nl;

	if (strlen(synopsis) <= MAIN_SYNOPSIS_WIDTH)
		fprintf(fp, "  %-*s ", MAIN_SYNOPSIS_WIDTH, synopsis);
	else
		fprintf(fp, "  %s  ", synopsis);
	for (line = help; (nl = strchr(line, '\n')) != NULL; line = nl + 1)
		fprintf(fp, "%.*s\n%*s", (int)(nl - line), line, MAIN_SYNOPSIS_WIDTH + 3, "");
	fprintf(fp, "%s\n", line);
	free(help);
}

void
cli_usage(FILE *fp)
{
	const struct cli_command *c;
	const struct cli_option *o;

	fprintf(fp, "%s\n",
	    _("Usage: sluice [FILE] [--db PATH]   the wizard (database: $SLUICE_DB or ./sluice.db)"));
	for (c = main_commands; c < main_commands + MAIN_NCOMMANDS; c++)
		if (!c->hidden)
			fprintf(fp, "       sluice %s %s\n", c->name, _(c->usage));
	fprintf(fp, "       sluice --help | --version\n\n");
	fputs(_("Imports a CSV, XLSX or XLS file into an SQLite database in batches: every row is\n"
		"validated, matched against stored records and accounted for.\n"),
	    fp);
	for (c = main_commands; c < main_commands + MAIN_NCOMMANDS; c++) {
		if (c->hidden || c->options_title == NULL)
			continue;
		fprintf(fp, "\n%s\n", _(c->options_title));
		for (o = c->options; o->name != NULL; o++)
			if (o->synopsis != NULL)
				main_usage_option(fp, o);
	}
	fputs(_("\n"
		"Exit status: 0 all rows imported, 1 some rows rejected or failed,\n"
		"2 usage error or unreadable input (nothing written), 3 failed or interrupted\n"
		"(sluice resume continues it), 130 cancelled.\n"),
	    fp);
	fputs(_("A notice that fails (web hook, e-mail, after-import command) is said on\n"
		"standard error and journaled (sluice show); it never changes the exit status.\n"),
	    fp);
}

void
cli_help(const char *name)
{
	const struct cli_command *c = main_find(name);

	if (c != NULL && c->help != NULL)
		fputs(_(c->help), stdout);
	else
		cli_usage(stdout);
}

void
cli_unknown_option(const char *name, const char *arg)
{
	const struct cli_command *c = main_find(name);

	if (c != NULL && c->help != NULL)
		cli_error("usage",
		    _("sluice %s: unknown option \"%s\"; run sluice %s --help to see the options.\n"),
		    name, arg, name);
	else
		cli_error("usage",
		    _("sluice %s: unknown option \"%s\"; run sluice --help to see the options.\n"),
		    name, arg);
}

/* What --json owes at the exit: whether the command printed its object,
 * and the last refusal said. */
static int main_json_printed;
static char *main_error, *main_error_kind;

void
cli_json_print(const json_t *o)
{
	json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	fputc('\n', stdout);
	fflush(stdout);
	main_json_printed = 1;
}

void
cli_error(const char *kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *line = xvasprintf(fmt, ap);
	va_end(ap);
	fputs(line, stderr);
	/* The JSON keeps the sentence: no "sluice CMD: ", no newline. */
	const char *msg = line, *colon = strstr(line, ": ");
	if (!strncmp(line, "sluice", 6) && colon != NULL)
		msg = colon + 2;
	free(main_error);
	main_error = text_trim(xstrdup(msg));
	free(main_error_kind);
	main_error_kind = xstrdup(kind);
	free(line);
}

json_t *
cli_refusal_json(const char *kind, const char *message)
{
	json_t *msg = json_string(message);
	if (msg == NULL) {
		char *esc = text_escape(message);
		msg = json_string(esc);
		free(esc);
	}
	return json_pack("{s:s, s:{s:s, s:o}}", "status", "refused", "error", "kind", kind,
	    "message", msg);
}

/* Whether the command's arguments ask for --json (before any "--"). */
static int
main_json_wanted(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--json"))
			return 1;
	return 0;
}

/* The most options a command has. */
#define MAIN_MAX_OPTIONS 64

int
cli_getopt(const struct cli_option *options, int argc, char **argv)
{
	struct option longopts[MAIN_MAX_OPTIONS + 1];
	size_t n = 0;

	for (const struct cli_option *o = options; o->name != NULL; o++) {
		fatal_assert(n < MAIN_MAX_OPTIONS);
		longopts[n++] = (struct option){ o->name, o->has_arg, NULL, o->val };
	}
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };
	return getopt_long(argc, argv, "", longopts, NULL);
}

int
cli_import_id(const char *cmd, const char *verb, int argc, char **argv, long long *id)
{
	char *end = NULL;
	*id = optind < argc ? strtoll(argv[optind], &end, 10) : 0;
	if (optind + 1 != argc || *argv[optind] == '\0' || *end != '\0' || *id <= 0) {
		cli_error("usage",
		    _("sluice %s: name the import to %s, e.g. sluice %s 3 --db contacts.db (sluice history lists them).\n"),
		    cmd, verb, cmd);
		return -1;
	}
	return 0;
}

int
cli_password_fd_parse(const char *cmd, const char *arg)
{
	char *end;
	errno = 0;
	long fd = strtol(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0 || fd > INT_MAX ||
	    fcntl((int)fd, F_GETFD) < 0) {
		cli_error("usage",
		    _("sluice %s: --password-fd takes the number of an open file descriptor, not %s.\n"),
		    cmd, arg);
		return -1;
	}
	return (int)fd;
}

int
cli_password_fd_read(const char *cmd, const char *db, int fd)
{
	if (store_password_take(db, fd) == 0)
		return 0;
	cli_error("usage",
	    _("sluice %s: no password could be read from file descriptor %d: it must give the password (one line of at most %d bytes), then end.\n"),
	    cmd, fd, STORE_PASSWORD_MAX);
	return -1;
}

static int
main_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_usage(stdout);
	return 0;
}

static int
main_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("sluice %s\n", PACKAGE_VERSION);
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
				fprintf(stderr,
				    _("sluice: unknown option \"%s\"; run sluice --help to see the commands and options.\n"),
				    esc);
			else
				fprintf(stderr,
				    _("sluice: \"%s\" is neither a command nor a file; run sluice --help to see the commands.\n"),
				    esc);
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
	const char *localedir = getenv("SLUICE_LOCALEDIR");

	setlocale(LC_ALL, "");
	/* Numbers in files, reports, JSON and SQL are written and read with a
	 * decimal point whatever the language; what formats a number for a
	 * person asks the user's locale for its separators itself. */
	setlocale(LC_NUMERIC, "C");
	bindtextdomain(PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
	textdomain(PACKAGE);
	/* jansson's allocations fail as sluice's do: with its out of memory
	 * message, never a NULL that a caller would dereference. */
	json_set_alloc_funcs(xmalloc, free);
	/* SQLite counts its allocations under a mutex of its own, each
	 * malloc; sluice never asks for the count. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);

	if (argc < 2)
		return tui_main(NULL, NULL);
	const struct cli_command *c = main_find(argv[1]);
	if (c != NULL) {
		int rc = c->run(argc - 1, argv + 1);
		if ((rc == EXIT_USAGE || rc == EXIT_INTERRUPTED) && !main_json_printed &&
		    main_json_wanted(argc - 1, argv + 1)) {
			json_t *o = cli_refusal_json(main_error_kind ? main_error_kind : "usage",
			    main_error ? main_error : _("The command was refused."));
			if (rc == EXIT_INTERRUPTED)
				json_object_set_new(o, "status", json_string("failed"));
			cli_json_print(o);
			json_decref(o);
		}
		free(main_error);
		free(main_error_kind);
		return rc;
	}
	return main_wizard(argc, argv);
}
