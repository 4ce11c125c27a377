/* The notices of sluice import and sluice resume: their options (one
 * list, added to both commands' tables), the settings under them, and
 * --detach. */
#ifndef SLUICE_CLI_NOTIFY_H
#define SLUICE_CLI_NOTIFY_H

#include <getopt.h>

#include "engine.h"
#include "notify.h"
#include "settings.h"

enum {
	CLI_NOTIFY_WEBHOOK = 512,
	CLI_NOTIFY_WEBHOOK_INTERVAL,
	CLI_NOTIFY_EMAIL,
	CLI_NOTIFY_SMTP,
	CLI_NOTIFY_MAIL_FROM,
	CLI_NOTIFY_ATTACH_REPORT,
	CLI_NOTIFY_AFTER_IMPORT,
	CLI_NOTIFY_AFTER_IMPORT_TIMEOUT,
	CLI_NOTIFY_DETACH,
};

/* The entries of struct cli_option for them (cli.h), in the usage's
 * order. */
#define CLI_NOTIFY_OPTIONS                                                                               \
	{ "webhook", required_argument, CLI_NOTIFY_WEBHOOK, N_("--webhook URL"),                         \
		N_("post JSON events (started, progress, finished) to URL;\nrepeatable; signed with "    \
		   "$SLUICE_WEBHOOK_SECRET"),                                                            \
		0 },                                                                                     \
	    { "webhook-interval", required_argument, CLI_NOTIFY_WEBHOOK_INTERVAL,                        \
		    N_("--webhook-interval D"),                                                          \
		    N_("at most one progress event per D (default: %d s)"),                              \
		    NOTIFY_DEFAULT_INTERVAL_S },                                                         \
	    { "notify-email", required_argument, CLI_NOTIFY_EMAIL, N_("--notify-email ADDRESS"),         \
		    N_("mail ADDRESS when the import ends; repeatable"), 0 },                            \
	    { "smtp", required_argument, CLI_NOTIFY_SMTP, N_("--smtp URL"),                              \
		    N_("send mail through smtp://host:port or smtps://\n(default: the local sendmail)"), \
		    0 },                                                                                 \
	    { "mail-from", required_argument, CLI_NOTIFY_MAIL_FROM, N_("--mail-from ADDRESS"),           \
		    N_("the mail's sender (default: sluice@ and the host's name)"), 0 },                 \
	    { "attach-report", no_argument, CLI_NOTIFY_ATTACH_REPORT, N_("--attach-report"),             \
		    N_("attach the --report file to the mail"), 0 },                                     \
	    { "after-import", required_argument, CLI_NOTIFY_AFTER_IMPORT, N_("--after-import CMD"),      \
		    N_("run CMD with /bin/sh -c when the import ends"), 0 },                             \
	{                                                                                                \
		"after-import-timeout", required_argument, CLI_NOTIFY_AFTER_IMPORT_TIMEOUT,              \
		    N_("--after-import-timeout D"),                                                      \
		    N_("stop the command after D (default: %d s)"), NOTIFY_DEFAULT_HOOK_TIMEOUT_S        \
	}

/* What the notices of one run need. */
struct cli_notify {
	struct settings settings;
	struct notify_options o;
	double interval_s, timeout_s; /* < 0: the default */
	int detach;
	int detach_fd; /* the pipe to the waiting parent; -1: none */
	struct notify *n;
};

/* Loads the settings. */
void cli_notify_init(struct cli_notify *cn);
void cli_notify_clear(struct cli_notify *cn);

/* Takes option c: 1 when it was one of the notices', 0 when not, -1 on a
 * bad value (said). */
int cli_notify_option(struct cli_notify *cn, int c, const char *arg);

/* After the options: the notify options from settings and command line;
 * -1 when they cannot be used (said). */
int cli_notify_ready(struct cli_notify *cn);

/* --detach: forks; the parent waits for the child to start the import
 * and returns the exit code to exit with (>= 0); the child, in a session
 * of its own, returns -1 and goes on. */
int cli_notify_detach(struct cli_notify *cn, const char *db, int json);

/* The import started (id 0: a dry run): a detached child tells its
 * parent the id and leaves the terminal; then the started event. */
void cli_notify_started(struct cli_notify *cn, int64_t id, const char *file);

struct rollback_result;
/* Import id of db was rolled back as res says: the rolled_back event to
 * the web hooks, how it went said on stderr. */
void cli_notify_rolled_back(struct cli_notify *cn, const char *db, int64_t id,
    const struct rollback_result *res);

#endif
