/* The headless commands: one table of them (main.c), each command's options
 * in one table of its own (its cli-*.c file), the usage made from both. */
#ifndef SLUICE_CLI_H
#define SLUICE_CLI_H

#include <jansson.h>
#include <stdio.h>

#include "status.h"

/* One option of a command: its getopt_long entry and, when the usage lists
 * it, how it is written and what it does. Tables end with a NULL name. */
struct cli_option {
	const char *name;     /* the long name, without -- */
	int has_arg;	      /* no_argument or required_argument */
	int val;	      /* what cli_getopt() returns for it */
	const char *synopsis; /* N_(): "--db PATH"; NULL: not listed */
	const char *help;     /* N_(): what it does; a printf format, %d is value */
	int value;	      /* the default the help shows, if any */
};

/* One command: the word after sluice, its line of the usage, its options
 * and the function that runs it (given argv from the command's name on;
 * returns the exit code). */
struct cli_command {
	const char *name;
	const char *usage;	   /* N_(): what follows "sluice NAME" in the usage */
	const char *help;	   /* N_(): what NAME --help prints; NULL: the usage */
	const char *options_title; /* N_(): heading of its options in the usage; NULL: not listed */
	const struct cli_option *options;
	int hidden; /* not for people: left out of the usage */
	int (*run)(int argc, char **argv);
};

/* The options of each command, the usage's options section included. */
extern const struct cli_option cli_import_options[];
extern const struct cli_option cli_resume_options[];
extern const struct cli_option cli_read_options[]; /* show */
extern const struct cli_option cli_history_options[];
extern const struct cli_option cli_report_options[];
extern const struct cli_option cli_export_options[];
extern const struct cli_option cli_watch_options[];
extern const struct cli_option cli_rollback_options[];
extern const struct cli_option cli_inspect_options[];
extern const struct cli_option cli_config_options[];
extern const struct cli_option cli_restore_options[];

int cli_import(int argc, char **argv);
int cli_resume(int argc, char **argv);
int cli_watch(int argc, char **argv);
int cli_rollback(int argc, char **argv);
int cli_report(int argc, char **argv);
int cli_export(int argc, char **argv);
int cli_inspect(int argc, char **argv);
int cli_history(int argc, char **argv);
int cli_show(int argc, char **argv);
/* sluice restore: every table of a backup, parents first (cli-restore.c). */
int cli_restore(int argc, char **argv);
/* sluice config: the effective settings, where each came from. */
int cli_config(int argc, char **argv);
struct settings;
struct engine_options;
/* The [import] settings (region, strategy, batch_size, schema) as the
 * defaults of o; -1 when one cannot be used (said). */
int cli_config_import_defaults(const struct settings *s, struct engine_options *o);
/* sluice wizard-import JOB: the wizard's import, run by the wizard in a
 * child process. JOB is a JSON file the wizard wrote (it is removed once
 * read). Progress and events go to standard output as JSON lines;
 * SIGUSR1 pauses, SIGUSR2 resumes, SIGTERM and SIGINT cancel. Returns the
 * exit code of sluice import for the same outcome. */
int cli_wizard_import(int argc, char **argv);

/* getopt_long() over a table of options, with the same returns. */
int cli_getopt(const struct cli_option *options, int argc, char **argv);

/* The whole usage, made from the table of commands. */
void cli_usage(FILE *fp);

/* What sluice NAME --help prints, on standard output: the command's own
 * help, or the whole usage. */
void cli_help(const char *name);

/* Says on stderr that arg is no option of the command name, and where its
 * options are listed. */
void cli_unknown_option(const char *name, const char *arg);

/* The import id that must be the one argument left after the options
 * (argv[optind]); -1 with a message on stderr when it is not. verb says
 * what the command does to it ("resume", "follow"). */
int cli_import_id(const char *cmd, const char *verb, int argc, char **argv, long long *id);

/* --password-fd N: N when it names an open file descriptor, else -1 (said).
 * cli_password_fd_read() then reads db's password from it (0), or says
 * why not (-1). Not the password itself on the command line: ps shows
 * that to everyone on the machine. */
int cli_password_fd_parse(const char *cmd, const char *arg);
int cli_password_fd_read(const char *cmd, const char *db, int fd);

/* With --json every exit prints one JSON object on standard output. A
 * command prints its own with cli_json_print; one that ends with exit 2 or
 * 3 without having done so gets, from main, the refusal its last
 * cli_error said: {"status": "refused", "error": {"kind", "message"}}. */
void cli_json_print(const json_t *o);

/* Says a refusal on stderr (fmt is the whole line, "sluice CMD: …\n") and
 * keeps it, with its kind ("usage", "file", "database", "import"), for
 * the JSON of the exit. */
void cli_error(const char *kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* {"status": "refused", "error": {"kind": kind, "message": message}}, a
 * new reference; callers add what the error concerns to "error". */
json_t *cli_refusal_json(const char *kind, const char *message);

#endif
