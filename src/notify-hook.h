/* The after-import command: run once through /bin/sh -c when an import
 * ends, with the import described in its environment. */
#ifndef SLUICE_NOTIFY_HOOK_H
#define SLUICE_NOTIFY_HOOK_H

#include <jansson.h>

/* Runs cmd with SLUICE_IMPORT_ID, SLUICE_STATUS, SLUICE_TABLE, SLUICE_DB
 * (its password masked) and SLUICE_REPORT_JSON (a file holding summary,
 * removed afterwards), standard input from /dev/null, for at most
 * timeout_s seconds (then its process group is killed). Returns what
 * happened, a new object: {"channel": "command", "target", "event":
 * "finished", "attempts": 1, "outcome": "delivered" (exit status 0) or
 * "failed", "detail", "exit_status" (null when killed), "output" (its
 * last lines)}. */
json_t *notify_hook_run(const char *cmd, double timeout_s, const json_t *summary, const char *db);

#endif
