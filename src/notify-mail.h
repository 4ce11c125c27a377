/* The e-mail sent when an import ends: a MIME message (UTF-8, encoded
 * headers, Date, Message-ID, the report attached when asked), handed to
 * an SMTP server or to the local sendmail. */
#ifndef SLUICE_NOTIFY_MAIL_H
#define SLUICE_NOTIFY_MAIL_H

#include <jansson.h>

/* The message to the n addresses to, from from, about the import summary
 * describes (what --json prints), with the file attach attached when not
 * NULL; CRLF line ends. New; NULL with a sentence in *cause when attach
 * cannot be read. */
char *notify_mail_message(const char *from, const char *const *to, size_t n, const json_t *summary,
    const char *attach, char **cause);

/* The sender when none is set: sluice@ and the host's name. New. */
char *notify_mail_default_from(void);

/* Sends the mail through smtp (a URL) or, when it is NULL, the local
 * sendmail. Returns what happened, a new object: {"channel": "email",
 * "target" (the addresses), "event": "finished", "attempts": 1,
 * "outcome": "delivered" or "failed", "detail"}. */
json_t *notify_mail_send(const char *smtp, const char *from, const char *const *to, size_t n,
    const json_t *summary, const char *attach);

#endif
