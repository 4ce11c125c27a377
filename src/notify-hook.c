/* The after-import command (notify-hook.h): a child in a process group of
 * its own, its output gathered (the last lines kept), its time limited. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "notify-hook.h"
#include "store.h"
#include "text.h"
#include "xmalloc.h"

/* How much of the command's output is kept, and of that how many lines. */
#define NOTIFY_HOOK_TAIL 4096
#define NOTIFY_HOOK_LINES 10

static double
notify_hook_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The summary in a temporary file, its name new; NULL when it cannot be
 * written. */
static char *
notify_hook_report(const json_t *summary)
{
	const char *dir = getenv("TMPDIR");
	char *path =
	    xasprintf("%s/sluice-report-XXXXXX.json", dir != NULL && *dir != '\0' ? dir : "/tmp");
	int fd = mkstemps(path, 5);
	if (fd < 0) {
		free(path);
		return NULL;
	}
	if (json_dumpfd(summary, fd, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0) {
		close(fd);
		unlink(path);
		free(path);
		return NULL;
	}
	close(fd);
	return path;
}

static void
notify_hook_child(const char *cmd, int out, const json_t *summary, const char *db, const char *report)
{
	setpgid(0, 0);
	int null = open("/dev/null", O_RDONLY);
	if (null >= 0)
		dup2(null, STDIN_FILENO);
	dup2(out, STDOUT_FILENO);
	dup2(out, STDERR_FILENO);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	char id[24];
	snprintf(id, sizeof id, "%" JSON_INTEGER_FORMAT,
	    json_integer_value(json_object_get(summary, "id")));
	const char *status = json_string_value(json_object_get(summary, "status"));
	const char *table = json_string_value(json_object_get(summary, "table"));
	char *shown = store_target_shown(db);
	setenv("SLUICE_IMPORT_ID", id, 1);
	setenv("SLUICE_STATUS", status != NULL ? status : "", 1);
	setenv("SLUICE_TABLE", table != NULL ? table : "", 1);
	setenv("SLUICE_DB", shown, 1);
	/* The signing secret is not the command's to see (nor to print into
	 * the journal with its output). */
	unsetenv("SLUICE_WEBHOOK_SECRET");
	if (report != NULL)
		setenv("SLUICE_REPORT_JSON", report, 1);
	else
		unsetenv("SLUICE_REPORT_JSON");
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

/* Keeps the last NOTIFY_HOOK_TAIL bytes read from fd in tail. */
static int
notify_hook_read(int fd, char *tail, size_t *len)
{
	char buf[4096];
	ssize_t r = read(fd, buf, sizeof buf);
	if (r <= 0)
		return r < 0 && (errno == EINTR || errno == EAGAIN) ? 1 : 0;
	size_t n = (size_t)r;
	if (n >= NOTIFY_HOOK_TAIL) {
		memcpy(tail, buf + n - NOTIFY_HOOK_TAIL, NOTIFY_HOOK_TAIL);
		*len = NOTIFY_HOOK_TAIL;
	} else {
		size_t keep = *len + n > NOTIFY_HOOK_TAIL ? NOTIFY_HOOK_TAIL - n : *len;
		memmove(tail, tail + *len - keep, keep);
		memcpy(tail + keep, buf, n);
		*len = keep + n;
	}
	return 1;
}

/* The last NOTIFY_HOOK_LINES lines of tail, escaped, new. */
static char *
notify_hook_lines(const char *tail, size_t len)
{
	while (len > 0 && tail[len - 1] == '\n')
		len--;
	size_t start = len, lines = 0;
	while (start > 0 && lines < NOTIFY_HOOK_LINES) {
		start--;
		if (tail[start] == '\n' && ++lines == NOTIFY_HOOK_LINES) {
			start++;
			break;
		}
	}
	char *raw = xasprintf("%.*s", (int)(len - start), tail + start);
	/* Keep the line ends, escape everything else a terminal would act on. */
	char *out = xstrdup("");
	for (char *line = raw, *nl; line != NULL; line = nl) {
		nl = strchr(line, '\n');
		if (nl != NULL)
			*nl++ = '\0';
		char *esc = text_escape(line), *joined;
		joined = xasprintf("%s%s%s", out, *out != '\0' ? "\n" : "", esc);
		free(esc);
		free(out);
		out = joined;
	}
	free(raw);
	return out;
}

json_t *
notify_hook_run(const char *cmd, double timeout_s, const json_t *summary, const char *db)
{
	char *report = notify_hook_report(summary);
	int fds[2] = { -1, -1 };
	pid_t pid = -1;
	if (pipe2(fds, O_CLOEXEC) == 0) {
		pid = fork();
		if (pid == 0)
			notify_hook_child(cmd, fds[1], summary, db, report);
		close(fds[1]);
	}
	char *detail = NULL, tail[NOTIFY_HOOK_TAIL];
	size_t len = 0;
	int wstatus = 0, timed_out = 0;
	if (pid < 0) {
		detail = xasprintf(_("could not be started: %s"), strerror(errno));
		if (fds[0] >= 0)
			close(fds[0]);
	} else {
		setpgid(pid, pid);
		double deadline = notify_hook_now() + timeout_s;
		int open_ = 1, exited = 0;
		/* Until the command has exited and its output is read (what it
		 * left running in the background may hold the pipe open). */
		while (!exited || open_) {
			if (!exited && waitpid(pid, &wstatus, WNOHANG) == pid)
				exited = 1;
			double left = deadline - notify_hook_now();
			if (!exited && left <= 0) {
				timed_out = 1;
				break;
			}
			struct pollfd p = { .fd = fds[0], .events = POLLIN };
			int r = open_ ? poll(&p, 1, exited ? 0 : 100) : 0;
			if (r > 0)
				open_ = notify_hook_read(fds[0], tail, &len);
			else if (exited)
				break;
			else if (!open_) {
				struct timespec ts = { 0, 50000000L };
				nanosleep(&ts, NULL);
			}
		}
		if (timed_out) {
			kill(-pid, SIGTERM);
			struct timespec ts = { 1, 0 };
			nanosleep(&ts, NULL);
			kill(-pid, SIGKILL);
			while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
				;
		}
		close(fds[0]);
	}
	if (report != NULL) {
		unlink(report);
		free(report);
	}
	int delivered = 0;
	json_t *exit_status = json_null();
	if (detail == NULL) {
		if (timed_out)
			detail = xasprintf(_("stopped after %.0f s, its time limit"), timeout_s);
		else if (WIFEXITED(wstatus)) {
			delivered = WEXITSTATUS(wstatus) == 0;
			exit_status = json_integer(WEXITSTATUS(wstatus));
			detail = xasprintf(_("exit status %d"), WEXITSTATUS(wstatus));
		} else
			detail = xasprintf(_("killed by signal %d"), WTERMSIG(wstatus));
	}
	char *output = notify_hook_lines(tail, len), *shown = text_escape(cmd);
	json_t *o = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:o, s:s}", "channel", "command",
	    "target", shown, "event", "finished", "attempts", 1, "outcome",
	    delivered ? "delivered" : "failed", "detail", detail, "exit_status", exit_status,
	    "output", output);
	free(shown);
	free(output);
	free(detail);
	return o;
}
