/* Telling people and systems how an import went: web hooks (events
 * started, progress, finished, rolled_back), one e-mail and the
 * after-import command when it ends. Each end of an import is told once
 * (claimed in the journal), and what each delivery did is journaled. */
#ifndef SLUICE_NOTIFY_H
#define SLUICE_NOTIFY_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "progress.h"
#include "settings.h"

#define NOTIFY_DEFAULT_INTERVAL_S 10
#define NOTIFY_DEFAULT_HOOK_TIMEOUT_S 300

/* Who is told, and how. Strings are borrowed (from the settings). */
struct notify_options {
	const char *const *webhooks;
	size_t nwebhooks;
	const char *secret; /* signs the web hooks' bodies; NULL: unsigned */
	const char *const *emails;
	size_t nemails;
	const char *mail_from; /* NULL: sluice@ and the host's name */
	const char *smtp;      /* NULL: the local sendmail */
	const char *after_import;
	double after_import_timeout_s;
	double webhook_interval_s; /* between progress events */
	int attach_report;
};

/* The options the settings give (borrowing their strings); the timeouts
 * and the interval get their defaults. -1 with a sentence on stderr when
 * a value cannot be used (attach_report that is no yes or no). */
int notify_options_from_settings(struct notify_options *o, const struct settings *s);

/* Whether a is an e-mail address sluice writes into a mail's headers: an
 * @, no space, control character or <>,;"(). */
int notify_address_ok(const char *a);

/* Whether anyone is to be told anything. */
int notify_wanted(const struct notify_options *o);

/* The notices of one import in the database db (kept, borrowed). */
struct notify *notify_new(const struct notify_options *o, const char *db);
void notify_free(struct notify *n);

/* The import id started (web hooks: started, retried). */
void notify_started(struct notify *n, int64_t id, const char *file, const char *table);
/* A snapshot: a progress event when the interval has passed since the
 * last (one attempt, never retried). */
void notify_progress(struct notify *n, const struct progress_snapshot *s);

/* The import ended: summary is what --json prints for it. Unless another
 * process told this end already: runs the after-import command, sends
 * finished to the web hooks and the e-mail (with report attached when
 * asked and there is one), retrying as each allows, journals every
 * outcome, and says on say (when not NULL) how each went. Returns the
 * number of deliveries that failed. */
int notify_end(struct notify *n, const json_t *summary, const char *report, FILE *say);

/* Import id was rolled back (rollback is what sluice rollback --json
 * prints): rolled_back to the web hooks, journaled. */
int notify_rolled_back(struct notify *n, int64_t id, const json_t *rollback, FILE *say);

#endif
