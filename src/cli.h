/* The headless commands. Each returns the process exit code. */
#ifndef SLUICE_CLI_H
#define SLUICE_CLI_H

#include <stdio.h>

#include "status.h"

int cli_import(int argc, char **argv);
int cli_resume(int argc, char **argv);
int cli_watch(int argc, char **argv);
int cli_rollback(int argc, char **argv);
int cli_report(int argc, char **argv);
int cli_inspect(int argc, char **argv);
int cli_history(int argc, char **argv);
int cli_show(int argc, char **argv);
void cli_usage(FILE *fp);

/* The import id that must be the one argument left after the options
 * (argv[optind]); -1 with a message on stderr when it is not. verb says
 * what the command does to it ("resume", "follow"). */
int cli_import_id(const char *cmd, const char *verb, int argc, char **argv, long long *id);

#endif
