/* The end-of-import e-mail (notify-mail.h): its subject and plain-text
 * body (the summary people read, and the commands to see more), MIME
 * with base64 parts (Nettle's encoder), and its delivery: libcurl's SMTP
 * through notify-curl.c, or the local sendmail in a child process. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/base64.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "notify-curl.h"
#include "notify-mail.h"
#include "notify-webhook.h"
#include "settings.h"
#include "store.h"
#include "summary.h"
#include "text.h"
#include "xmalloc.h"

#define NOTIFY_MAIL_TIMEOUT_S 60L

char *
notify_mail_default_from(void)
{
	char host[256];
	if (gethostname(host, sizeof host) != 0 || host[0] == '\0')
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	return xasprintf("sluice@%s", host);
}

/* data as base64, 76 characters a line, CRLF. */
static void
notify_mail_base64(FILE *fp, const uint8_t *data, size_t n)
{
	char line[77];
	for (size_t off = 0; off < n; off += 57) {
		size_t k = n - off < 57 ? n - off : 57;
		base64_encode_raw(line, k, data + off);
		fprintf(fp, "%.*s\r\n", (int)BASE64_ENCODE_RAW_LENGTH(k), line);
	}
}

/* A header's value: as is when it is printable ASCII, else RFC 2047
 * encoded words (base64 of whole UTF-8 characters). */
static void
notify_mail_header(FILE *fp, const char *name, const char *value)
{
	int ascii = 1;
	for (const unsigned char *p = (const unsigned char *)value; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			ascii = 0;
	if (ascii) {
		fprintf(fp, "%s: %s\r\n", name, value);
		return;
	}
	fprintf(fp, "%s:", name);
	size_t n = strlen(value);
	for (size_t off = 0; off < n;) {
		size_t k = n - off < 45 ? n - off : 45;
		while (off + k < n && ((unsigned char)value[off + k] & 0xc0) == 0x80)
			k--;
		char enc[BASE64_ENCODE_RAW_LENGTH(48) + 1];
		base64_encode_raw(enc, k, (const uint8_t *)value + off);
		fprintf(fp, " =?UTF-8?B?%.*s?=\r\n", (int)BASE64_ENCODE_RAW_LENGTH(k), enc);
		off += k;
	}
}

/* The date as RFC 5322 wants it, in English whatever the locale. */
static void
notify_mail_date(char *buf, size_t n)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
		"Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	snprintf(buf, n, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
	    months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static long long
notify_mail_int(const json_t *s, const char *key)
{
	return (long long)json_integer_value(json_object_get(s, key));
}

/* "sluice: import 12 of contacts.csv completed with errors (3 rejected)",
 * new. */
static char *
notify_mail_subject(const json_t *s)
{
	const char *file = json_string_value(json_object_get(s, "file"));
	const char *base = file != NULL && strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	char *esc = text_escape(base != NULL ? base : "");
	const char *status = summary_status_text(json_string_value(json_object_get(s, "status")));
	char *counts = xstrdup("");
	static const struct {
		const char *key, *label;
	} parts[] = {
		{ "rejected", N_("%lld rejected") },
		{ "failed", N_("%lld failed") },
		{ "not_processed", N_("%lld not processed") },
	};
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
		long long v = notify_mail_int(s, parts[i].key);
		if (v == 0)
			continue;
		char *part = xasprintf(_(parts[i].label), v);
		char *joined = xasprintf("%s%s%s", counts, *counts ? ", " : "", part);
		free(part);
		free(counts);
		counts = joined;
	}
	char *subject;
	if (*counts)
		subject = xasprintf(_("sluice: import %lld of %s %s (%s)"),
		    notify_mail_int(s, "id"), esc, status, counts);
	else
		subject = xasprintf(_("sluice: import %lld of %s %s"), notify_mail_int(s, "id"),
		    esc, status);
	free(counts);
	free(esc);
	return subject;
}

/* The plain text: the summary people read, then how to see more. New. */
static char *
notify_mail_text(const json_t *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	summary_print(fp, s);
	const char *db = json_string_value(json_object_get(s, "database"));
	char *shown = store_target_shown(db != NULL ? db : "");
	char *esc = text_escape(shown);
	long long id = notify_mail_int(s, "id");
	fprintf(fp, "\n%s\n", _("To see more:"));
	fprintf(fp, "  sluice show %lld --db '%s'\n", id, esc);
	fprintf(fp, "  sluice report %lld --db '%s' --xlsx import-%lld.xlsx\n", id, esc, id);
	fprintf(fp, "  sluice rollback %lld --db '%s'\n", id, esc);
	free(esc);
	free(shown);
	fclose(fp);
	return text;
}

/* The text with CRLF line ends, new. */
static char *
notify_mail_crlf(const char *text, size_t *n)
{
	size_t len = strlen(text), k = 0;
	char *out = xmalloc(2 * len + 1);
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r'))
			out[k++] = '\r';
		out[k++] = text[i];
	}
	out[k] = '\0';
	*n = k;
	return out;
}

/* The whole file, new; NULL with errno. */
static uint8_t *
notify_mail_slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	if (fp == NULL)
		return NULL;
	uint8_t *data = NULL;
	size_t cap = 0;
	*n = 0;
	for (;;) {
		if (*n == cap)
			data = xrealloc(data, cap = cap ? 2 * cap : 65536);
		size_t r = fread(data + *n, 1, cap - *n, fp);
		*n += r;
		if (r == 0)
			break;
	}
	int err = ferror(fp);
	fclose(fp);
	if (err) {
		free(data);
		errno = EIO;
		return NULL;
	}
	return data;
}

char *
notify_mail_message(const char *from, const char *const *to, size_t n, const json_t *summary,
    const char *attach, char **cause)
{
	uint8_t *data = NULL;
	size_t ndata = 0;
	if (attach != NULL && (data = notify_mail_slurp(attach, &ndata)) == NULL) {
		char *esc = text_escape(attach);
		*cause = xasprintf(_("the report %s cannot be attached: %s"), esc, strerror(errno));
		free(esc);
		return NULL;
	}
	char *msg = NULL, date[64], id[33], boundary[33];
	size_t len = 0;
	FILE *fp = open_memstream(&msg, &len);
	notify_mail_date(date, sizeof date);
	notify_webhook_id(id);
	notify_webhook_id(boundary);
	fprintf(fp, "From: %s\r\nTo: ", from);
	for (size_t i = 0; i < n; i++)
		fprintf(fp, "%s%s", i ? ", " : "", to[i]);
	fprintf(fp, "\r\n");
	char *subject = notify_mail_subject(summary);
	notify_mail_header(fp, "Subject", subject);
	free(subject);
	const char *at = strchr(from, '@');
	fprintf(fp, "Date: %s\r\nMessage-ID: <%s@%s>\r\nMIME-Version: 1.0\r\n", date, id,
	    at != NULL ? at + 1 : "localhost");
	fprintf(fp, "Auto-Submitted: auto-generated\r\n");
	if (data != NULL)
		fprintf(fp,
		    "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n"
		    "This is a MIME message.\r\n--%s\r\n",
		    boundary, boundary);
	fprintf(fp,
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n");
	char *text = notify_mail_text(summary);
	size_t ntext;
	char *crlf = notify_mail_crlf(text, &ntext);
	notify_mail_base64(fp, (const uint8_t *)crlf, ntext);
	free(crlf);
	free(text);
	if (data != NULL) {
		const char *base = strrchr(attach, '/') ? strrchr(attach, '/') + 1 : attach;
		size_t blen = strlen(base);
		const char *type = blen > 4 && !strcasecmp(base + blen - 4, ".pdf") ?
		    "application/pdf" :
		    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
		/* The name as RFC 2231 writes any bytes: percent-encoded UTF-8. */
		fprintf(fp,
		    "--%s\r\nContent-Type: %s\r\nContent-Transfer-Encoding: base64\r\n"
		    "Content-Disposition: attachment; filename*=UTF-8''",
		    boundary, type);
		for (const unsigned char *p = (const unsigned char *)base; *p; p++)
			if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || strchr("-._", *p))
				fputc(*p, fp);
			else
				fprintf(fp, "%%%02X", *p);
		fprintf(fp, "\r\n\r\n");
		notify_mail_base64(fp, data, ndata);
		fprintf(fp, "--%s--\r\n", boundary);
		free(data);
	}
	fclose(fp);
	return msg;
}

/* Hands message to sendmail (found on PATH, or in /usr/sbin or /usr/lib):
 * 0, or -1 with a sentence in *cause. */
static int
notify_mail_sendmail(const char *from, const char *const *to, size_t n, const char *message,
    char **cause)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0) {
		*cause = xasprintf(_("sendmail could not be started: %s"), strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[0], STDIN_FILENO);
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		signal(SIGPIPE, SIG_DFL);
		const char *path = getenv("PATH");
		char *full =
		    xasprintf("%s:/usr/sbin:/usr/lib", path != NULL ? path : "/usr/bin:/bin");
		setenv("PATH", full, 1);
		const char **argv = xcalloc(n + 6, sizeof *argv);
		size_t k = 0;
		argv[k++] = "sendmail";
		argv[k++] = "-i";
		argv[k++] = "-f";
		argv[k++] = from;
		argv[k++] = "--";
		for (size_t i = 0; i < n; i++)
			argv[k++] = to[i];
		execvp("sendmail", (char *const *)argv);
		_exit(127);
	}
	close(fds[0]);
	if (pid < 0) {
		close(fds[1]);
		*cause = xasprintf(_("sendmail could not be started: %s"), strerror(errno));
		return -1;
	}
	/* sendmail takes the message with the system's line ends. */
	size_t len = strlen(message);
	int werr = 0;
	for (size_t i = 0; i < len && !werr;) {
		size_t k = strcspn(message + i, "\r");
		if (k > 0 && write(fds[1], message + i, k) != (ssize_t)k)
			werr = 1;
		i += k;
		if (message[i] == '\r')
			i++;
	}
	close(fds[1]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && !werr)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		*cause = xstrdup(
		    _("there is no sendmail on this machine; set an SMTP server with --smtp"));
	else
		*cause = xasprintf(_("sendmail failed (exit status %d)"),
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return -1;
}

json_t *
notify_mail_send(const char *smtp, const char *from, const char *const *to, size_t n,
    const json_t *summary, const char *attach)
{
	char *cause = NULL, *detail;
	int sent = 0;
	char *message = notify_mail_message(from, to, n, summary, attach, &cause);
	if (message != NULL && smtp != NULL) {
		sent =
		    notify_curl_smtp(smtp, from, to, n, message, NOTIFY_MAIL_TIMEOUT_S, &cause) == 0;
	} else if (message != NULL)
		sent = notify_mail_sendmail(from, to, n, message, &cause) == 0;
	free(message);
	if (sent) {
		char *shown = smtp != NULL ? settings_shown(SETTING_SMTP, smtp) : xstrdup("sendmail");
		detail = xasprintf(_("sent through %s"), shown);
		free(shown);
	} else {
		detail = text_escape(cause);
	}
	free(cause);
	char *targets = xstrdup("");
	for (size_t i = 0; i < n; i++) {
		char *esc = text_escape(to[i]);
		char *joined = xasprintf("%s%s%s", targets, i ? ", " : "", esc);
		free(esc);
		free(targets);
		targets = joined;
	}
	json_t *o = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s}", "channel", "email", "target",
	    targets, "event", "finished", "attempts", 1, "outcome", sent ? "delivered" : "failed",
	    "detail", detail);
	free(targets);
	free(detail);
	return o;
}
