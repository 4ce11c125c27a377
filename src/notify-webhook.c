/* Web hook events (notify-webhook.h): the body, the X-Sluice-* headers,
 * the HMAC-SHA256 signature (Nettle), and the retry schedule. The HTTP
 * itself goes through notify-curl.c. */
#include "config.h"

#include <nettle/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "notify-curl.h"
#include "notify-webhook.h"
#include "settings.h"
#include "text.h"
#include "xmalloc.h"

#define NOTIFY_WEBHOOK_ATTEMPTS 5
#define NOTIFY_WEBHOOK_RETRY_BASE_MS 4000
#define NOTIFY_WEBHOOK_TIMEOUT_S 10L

void
notify_webhook_sign(const char *key, const char *body, char hex[65])
{
	struct hmac_sha256_ctx ctx;
	uint8_t mac[SHA256_DIGEST_SIZE];
	hmac_sha256_set_key(&ctx, strlen(key), (const uint8_t *)key);
	hmac_sha256_update(&ctx, strlen(body), (const uint8_t *)body);
	hmac_sha256_digest(&ctx, sizeof mac, mac);
	for (size_t i = 0; i < sizeof mac; i++)
		snprintf(hex + 2 * i, 3, "%02x", mac[i]);
}

void
notify_webhook_id(char id[33])
{
	uint8_t b[16];
	if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) {
		/* No entropy to be had: time and pid still tell deliveries apart. */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		snprintf(id, 33, "%016llx%08lx%08x", (unsigned long long)ts.tv_sec,
		    (unsigned long)ts.tv_nsec, (unsigned)getpid());
		return;
	}
	for (size_t i = 0; i < sizeof b; i++)
		snprintf(id + 2 * i, 3, "%02x", b[i]);
}

/* The wait before attempt k + 1 (k from 1): base doubled each time, with
 * jitter between half and all of it. */
static unsigned
notify_webhook_wait_ms(unsigned k)
{
	const char *env = getenv("SLUICE_WEBHOOK_RETRY_BASE_MS");
	unsigned long base = NOTIFY_WEBHOOK_RETRY_BASE_MS;
	if (env != NULL && *env != '\0')
		base = strtoul(env, NULL, 10);
	unsigned long full = base << (k - 1);
	uint32_t r = 0;
	if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
		r = (uint32_t)rand();
	return (unsigned)(full / 2 + (full / 2 + 1) * (r % 1000) / 1000);
}

static void
notify_webhook_sleep(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0)
		;
}

/* The time now as 2026-11-30T21:10:39Z. */
static void
notify_webhook_now(char *buf, size_t n)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

json_t *
notify_webhook_send(const char *url, const char *secret, const char *event, json_t *import, int retry)
{
	char delivery[33], sent_at[32], sig[65];
	notify_webhook_id(delivery);
	notify_webhook_now(sent_at, sizeof sent_at);
	json_t *o = json_pack("{s:s, s:s, s:s, s:O}", "event", event, "delivery", delivery,
	    "sent_at", sent_at, "import", import);
	char *body = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	char *headers[3];
	size_t nheaders = 0;
	headers[nheaders++] = xasprintf("X-Sluice-Event: %s", event);
	headers[nheaders++] = xasprintf("X-Sluice-Delivery: %s", delivery);
	if (secret != NULL && *secret != '\0') {
		notify_webhook_sign(secret, body, sig);
		headers[nheaders++] = xasprintf("X-Sluice-Signature: sha256=%s", sig);
	}
	unsigned attempts = 0, max = retry ? NOTIFY_WEBHOOK_ATTEMPTS : 1;
	int delivered = 0;
	char *detail = NULL;
	for (;;) {
		long status = 0;
		char *cause = NULL;
		attempts++;
		int again;
		free(detail);
		if (notify_curl_post(url, (const char *const *)headers, nheaders, body,
			NOTIFY_WEBHOOK_TIMEOUT_S, &status, &cause) == 0) {
			detail = xasprintf("HTTP %ld", status);
			delivered = status >= 200 && status < 300;
			again = status == 429 || status >= 500;
		} else {
			detail = text_escape(cause);
			free(cause);
			again = 1;
		}
		if (delivered || !again || attempts >= max)
			break;
		notify_webhook_sleep(notify_webhook_wait_ms(attempts));
	}
	for (size_t i = 0; i < nheaders; i++)
		free(headers[i]);
	free(body);
	/* A password in the URL is not kept, nor said. */
	char *masked = settings_shown(SETTING_WEBHOOK, url), *shown = text_escape(masked);
	free(masked);
	json_t *out = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:s}", "channel", "webhook",
	    "target", shown, "event", event, "delivery", delivery, "attempts", (int)attempts,
	    "outcome", delivered ? "delivered" : "failed", "detail", detail);
	free(shown);
	free(detail);
	return out;
}
