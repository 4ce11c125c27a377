/* One web hook event delivered: the JSON body, its headers and signature,
 * and the retries with exponential backoff and jitter. */
#ifndef SLUICE_NOTIFY_WEBHOOK_H
#define SLUICE_NOTIFY_WEBHOOK_H

#include <jansson.h>

/* Posts {"event", "delivery", "sent_at", "import"} to url, signed with
 * secret when not NULL (X-Sluice-Signature: sha256=HEX of HMAC-SHA256
 * over the body). With retry, connection failures, timeouts, 429 and 5xx
 * are tried again, up to 5 attempts about a minute apart in all
 * ($SLUICE_WEBHOOK_RETRY_BASE_MS sets the first wait, 4000 ms, for
 * tests). Returns what happened, a new object: {"channel": "webhook",
 * "target", "event", "delivery", "attempts", "outcome": "delivered" or
 * "failed", "detail"}. */
json_t *notify_webhook_send(const char *url, const char *secret, const char *event, json_t *import,
    int retry);

/* The hex HMAC-SHA256 of body under key, into hex (65 bytes). */
void notify_webhook_sign(const char *key, const char *body, char hex[65]);

/* A new random delivery id (32 hex digits) into id. */
void notify_webhook_id(char id[33]);

#endif
