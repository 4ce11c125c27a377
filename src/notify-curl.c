/* The one door to libcurl (notify-curl.h): one HTTP POST, one SMTP
 * submission. TLS peers are verified (libcurl's default, never turned
 * off), redirects are not followed, and every transfer has time limits. */
#include "config.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "notify-curl.h"
#include "xmalloc.h"

#define NOTIFY_CURL_CONNECT_TIMEOUT_S 10L

static pthread_once_t notify_curl_once = PTHREAD_ONCE_INIT;

static void
notify_curl_global(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static CURL *
notify_curl_new(const char *url, long timeout_s, char *errbuf)
{
	pthread_once(&notify_curl_once, notify_curl_global);
	CURL *c = curl_easy_init();
	if (c == NULL)
		return NULL;
	errbuf[0] = '\0';
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, NOTIFY_CURL_CONNECT_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	return c;
}

/* Why a transfer failed, new. */
static char *
notify_curl_cause(CURLcode rc, const char *errbuf)
{
	return xstrdup(errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc));
}

/* The answer's body is not kept. */
static size_t
notify_curl_discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

int
notify_curl_post(const char *url, const char *const *headers, size_t nheaders, const char *body,
    long timeout_s, long *status, char **cause)
{
	char errbuf[CURL_ERROR_SIZE];
	CURL *c = notify_curl_new(url, timeout_s, errbuf);
	if (c == NULL) {
		*cause = xstrdup(_("libcurl could not start a transfer"));
		return -1;
	}
	struct curl_slist *hl = curl_slist_append(NULL, "Content-Type: application/json");
	for (size_t i = 0; i < nheaders; i++)
		hl = curl_slist_append(hl, headers[i]);
	hl = curl_slist_append(hl, "Expect:");
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, notify_curl_discard);
	CURLcode rc = curl_easy_perform(c);
	int ret = 0;
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	else {
		*cause = notify_curl_cause(rc, errbuf);
		ret = -1;
	}
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
	return ret;
}

/* Hands the message to libcurl, piece by piece. */
struct notify_curl_reader {
	const char *p;
	size_t left;
};

static size_t
notify_curl_read(char *buf, size_t size, size_t n, void *ctx)
{
	struct notify_curl_reader *r = ctx;
	size_t len = size * n < r->left ? size * n : r->left;
	memcpy(buf, r->p, len);
	r->p += len;
	r->left -= len;
	return len;
}

int
notify_curl_smtp(const char *url, const char *from, const char *const *rcpts, size_t n,
    const char *message, long timeout_s, char **cause)
{
	char errbuf[CURL_ERROR_SIZE];
	CURL *c = notify_curl_new(url, timeout_s, errbuf);
	if (c == NULL) {
		*cause = xstrdup(_("libcurl could not start a transfer"));
		return -1;
	}
	char *mail_from = xasprintf("<%s>", from);
	struct curl_slist *to = NULL;
	for (size_t i = 0; i < n; i++) {
		char *a = xasprintf("<%s>", rcpts[i]);
		to = curl_slist_append(to, a);
		free(a);
	}
	struct notify_curl_reader r = { message, strlen(message) };
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	curl_easy_setopt(c, CURLOPT_NETRC, (long)CURL_NETRC_OPTIONAL);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, to);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, notify_curl_read);
	curl_easy_setopt(c, CURLOPT_READDATA, &r);
	CURLcode rc = curl_easy_perform(c);
	if (rc != CURLE_OK)
		*cause = notify_curl_cause(rc, errbuf);
	curl_slist_free_all(to);
	free(mail_from);
	curl_easy_cleanup(c);
	return rc == CURLE_OK ? 0 : -1;
}
