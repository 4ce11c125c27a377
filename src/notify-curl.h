/* The one door to libcurl: a POST to a web hook and a mail handed to an
 * SMTP server, each one attempt with TLS verified and time limits; the
 * retrying is the caller's. */
#ifndef SLUICE_NOTIFY_CURL_H
#define SLUICE_NOTIFY_CURL_H

#include <stddef.h>

/* POSTs body (JSON) to url (http or https, no redirects followed) with
 * the extra headers ("Name: value"). 0 when the server answered, its HTTP
 * status in *status; -1 when it did not (no connection, timeout), with
 * a sentence in *cause (new). Takes at most timeout_s seconds. */
int notify_curl_post(const char *url, const char *const *headers, size_t nheaders, const char *body,
    long timeout_s, long *status, char **cause);

/* Sends message (a whole RFC 5322 message, CRLF lines) from from to the
 * n addresses rcpts through the server of url (smtp:// with STARTTLS when
 * the server offers it, or smtps://; credentials from the URL or
 * ~/.netrc). 0 when the server took it; -1 with a sentence in *cause
 * (new). */
int notify_curl_smtp(const char *url, const char *from, const char *const *rcpts, size_t n,
    const char *message, long timeout_s, char **cause);

#endif
