/* The notices of sluice import and sluice resume (cli-notify.h): their
 * options over the settings, and --detach (the import in a session of its
 * own, its id given back to the parent through a pipe). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli-notify.h"
#include "cli-progress.h"
#include "cli.h"
#include "i18n.h"
#include "rollback.h"
#include "store.h"
#include "text.h"
#include "xmalloc.h"

void
cli_notify_init(struct cli_notify *cn)
{
	memset(cn, 0, sizeof *cn);
	settings_load(&cn->settings, stderr);
	cn->interval_s = cn->timeout_s = -1;
	cn->detach_fd = -1;
}

void
cli_notify_clear(struct cli_notify *cn)
{
	notify_free(cn->n);
	settings_clear(&cn->settings);
	if (cn->detach_fd >= 0)
		close(cn->detach_fd);
	memset(cn, 0, sizeof *cn);
	cn->detach_fd = -1;
}

/* A duration for option name; -1 when it is none (said). */
static int
cli_notify_duration(const char *name, const char *arg, double *out)
{
	*out = cli_duration_parse(arg);
	if (*out <= 0) {
		cli_error("usage",
		    _("sluice: %s needs a duration such as 90s, 10m or 1h30m, not \"%s\".\n"), name,
		    arg);
		return -1;
	}
	return 0;
}

int
cli_notify_option(struct cli_notify *cn, int c, const char *arg)
{
	switch (c) {
	case CLI_NOTIFY_WEBHOOK:
		if (strncmp(arg, "http://", 7) && strncmp(arg, "https://", 8)) {
			cli_error("usage",
			    _("sluice: --webhook needs an http:// or https:// URL, not \"%s\".\n"),
			    arg);
			return -1;
		}
		settings_set(&cn->settings, SETTING_WEBHOOK, arg);
		return 1;
	case CLI_NOTIFY_EMAIL: settings_set(&cn->settings, SETTING_EMAIL, arg); return 1;
	case CLI_NOTIFY_SMTP:
		if (strncmp(arg, "smtp://", 7) && strncmp(arg, "smtps://", 8)) {
			cli_error("usage",
			    _("sluice: --smtp needs an smtp:// or smtps:// URL, not \"%s\".\n"), arg);
			return -1;
		}
		settings_set(&cn->settings, SETTING_SMTP, arg);
		return 1;
	case CLI_NOTIFY_MAIL_FROM: settings_set(&cn->settings, SETTING_MAIL_FROM, arg); return 1;
	case CLI_NOTIFY_ATTACH_REPORT:
		settings_set(&cn->settings, SETTING_ATTACH_REPORT, "yes");
		return 1;
	case CLI_NOTIFY_AFTER_IMPORT:
		settings_set(&cn->settings, SETTING_AFTER_IMPORT, arg);
		return 1;
	case CLI_NOTIFY_WEBHOOK_INTERVAL:
		return cli_notify_duration("--webhook-interval", arg, &cn->interval_s) ? -1 : 1;
	case CLI_NOTIFY_AFTER_IMPORT_TIMEOUT:
		return cli_notify_duration("--after-import-timeout", arg, &cn->timeout_s) ? -1 : 1;
	case CLI_NOTIFY_DETACH: cn->detach = 1; return 1;
	default: return 0;
	}
}

int
cli_notify_ready(struct cli_notify *cn)
{
	if (notify_options_from_settings(&cn->o, &cn->settings) != 0)
		return -1;
	if (cn->interval_s > 0)
		cn->o.webhook_interval_s = cn->interval_s;
	if (cn->timeout_s > 0)
		cn->o.after_import_timeout_s = cn->timeout_s;
	return 0;
}

int
cli_notify_detach(struct cli_notify *cn, const char *db, int json)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0) {
		cli_error("import", _("sluice import: --detach failed: %s.\n"), strerror(errno));
		return EXIT_USAGE;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		cli_error("import", _("sluice import: --detach failed: %s.\n"), strerror(errno));
		return EXIT_USAGE;
	}
	if (pid == 0) {
		close(fds[0]);
		setsid();
		cn->detach_fd = fds[1];
		return -1;
	}
	close(fds[1]);
	char buf[32];
	size_t len = 0;
	ssize_t r;
	while (len < sizeof buf - 1 &&
	    ((r = read(fds[0], buf + len, sizeof buf - 1 - len)) > 0 || (r < 0 && errno == EINTR)))
		if (r > 0)
			len += (size_t)r;
	close(fds[0]);
	buf[len] = '\0';
	long long id = strtoll(buf, NULL, 10);
	if (len == 0) {
		/* The child said why it did not start, and exits as import
		 * would: so does this. */
		int status;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		fflush(NULL);
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_INTERRUPTED);
	}
	if (json) {
		json_t *o = json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", "running");
		cli_json_print(o);
		json_decref(o);
	} else {
		char *shown = store_target_shown(db), *esc = text_escape(shown);
		printf("%lld\n", id);
		fprintf(stderr,
		    _("sluice: import %lld runs in the background; follow it with: sluice watch %lld --db '%s'\n"),
		    id, id, esc);
		free(esc);
		free(shown);
	}
	return EXIT_ALL_IMPORTED;
}

void
cli_notify_started(struct cli_notify *cn, int64_t id, const char *file)
{
	if (cn->detach_fd >= 0) {
		char buf[32];
		int len = snprintf(buf, sizeof buf, "%" PRId64 "\n", id);
		if (write(cn->detach_fd, buf, (size_t)len) != len)
			return;
		close(cn->detach_fd);
		cn->detach_fd = -1;
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
			if (null > STDERR_FILENO)
				close(null);
		}
	}
	if (cn->n != NULL)
		notify_started(cn->n, id, file, NULL);
}

void
cli_notify_rolled_back(struct cli_notify *cn, const char *db, int64_t id,
    const struct rollback_result *res)
{
	if (cli_notify_ready(cn) != 0 || cn->o.nwebhooks == 0)
		return;
	char *shown = store_target_shown(db);
	json_t *o = json_pack("{s:I, s:s, s:s, s:I, s:I, s:I}", "id", (json_int_t)id, "status",
	    status_name(STATUS_ROLLED_BACK), "database", shown, "deleted", (json_int_t)res->deleted,
	    "restored", (json_int_t)res->restored, "conflicts", (json_int_t)res->conflicts);
	free(shown);
	cn->n = notify_new(&cn->o, db);
	notify_rolled_back(cn->n, id, o, stderr);
	json_decref(o);
}
