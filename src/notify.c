/* Telling how an import went (notify.h): which events go where, the end
 * told once (claimed in the journal), every outcome journaled and said.
 * The deliveries themselves: notify-webhook.c, notify-mail.c,
 * notify-hook.c. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "journal.h"
#include "notify-hook.h"
#include "notify-mail.h"
#include "notify-webhook.h"
#include "notify.h"
#include "status.h"
#include "store.h"
#include "text.h"
#include "xmalloc.h"

struct notify {
	struct notify_options o;
	char *db;
	char *from;
	int64_t id;
	char *file, *table;
	double last_progress; /* monotonic seconds; 0: none yet */
	json_t *outcomes;     /* of the events before the end */
};

int
notify_address_ok(const char *a)
{
	if (strchr(a, '@') == NULL || a[0] == '-')
		return 0;
	for (const unsigned char *p = (const unsigned char *)a; *p; p++)
		if (*p <= ' ' || *p == 0x7f || strchr("<>,;\"()", *p))
			return 0;
	return 1;
}

int
notify_options_from_settings(struct notify_options *o, const struct settings *s)
{
	memset(o, 0, sizeof *o);
	o->webhooks = (const char *const *)s->v[SETTING_WEBHOOK].values;
	o->nwebhooks = s->v[SETTING_WEBHOOK].n;
	o->secret = settings_get(s, SETTING_WEBHOOK_SECRET);
	o->emails = (const char *const *)s->v[SETTING_EMAIL].values;
	o->nemails = s->v[SETTING_EMAIL].n;
	o->mail_from = settings_get(s, SETTING_MAIL_FROM);
	o->smtp = settings_get(s, SETTING_SMTP);
	o->after_import = settings_get(s, SETTING_AFTER_IMPORT);
	o->after_import_timeout_s = NOTIFY_DEFAULT_HOOK_TIMEOUT_S;
	o->webhook_interval_s = NOTIFY_DEFAULT_INTERVAL_S;
	const char *attach = settings_get(s, SETTING_ATTACH_REPORT);
	if (attach != NULL && (o->attach_report = settings_bool(attach)) < 0) {
		char *esc = text_escape(attach);
		fprintf(stderr, _("sluice: attach_report (%s) must be yes or no, not \"%s\".\n"),
		    s->v[SETTING_ATTACH_REPORT].where, esc);
		free(esc);
		return -1;
	}
	/* Addresses go into the mail's headers: one line each, no tricks. */
	const char *const *lists[] = { o->emails, &o->mail_from };
	size_t counts[] = { o->nemails, o->mail_from != NULL };
	for (size_t l = 0; l < 2; l++)
		for (size_t i = 0; i < counts[l]; i++) {
			const char *a = lists[l][i];
			if (!notify_address_ok(a)) {
				char *esc = text_escape(a);
				fprintf(stderr, _("sluice: \"%s\" is no e-mail address.\n"), esc);
				free(esc);
				return -1;
			}
		}
	return 0;
}

int
notify_wanted(const struct notify_options *o)
{
	return o->nwebhooks > 0 || o->nemails > 0 || o->after_import != NULL;
}

struct notify *
notify_new(const struct notify_options *o, const char *db)
{
	struct notify *n = xcalloc(1, sizeof *n);
	n->o = *o;
	n->db = xstrdup(db);
	n->from = o->mail_from != NULL ? xstrdup(o->mail_from) : notify_mail_default_from();
	n->outcomes = json_array();
	return n;
}

void
notify_free(struct notify *n)
{
	if (n == NULL)
		return;
	free(n->db);
	free(n->from);
	free(n->file);
	free(n->table);
	json_decref(n->outcomes);
	free(n);
}

static double
notify_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Says how one delivery went. */
static void
notify_say(FILE *say, const json_t *o)
{
	if (say == NULL)
		return;
	const char *channel = json_string_value(json_object_get(o, "channel"));
	const char *target = json_string_value(json_object_get(o, "target"));
	const char *event = json_string_value(json_object_get(o, "event"));
	const char *detail = json_string_value(json_object_get(o, "detail"));
	int attempts = (int)json_integer_value(json_object_get(o, "attempts"));
	int ok = !strcmp(json_string_value(json_object_get(o, "outcome")), "delivered");
	if (!strcmp(channel, "webhook"))
		fprintf(say,
		    ok ? ngettext("sluice: web hook %s: %s delivered (%s, %d attempt).\n",
			     "sluice: web hook %s: %s delivered (%s, %d attempts).\n", attempts) :
			 ngettext("sluice: web hook %s: %s NOT delivered (%s, %d attempt).\n",
			     "sluice: web hook %s: %s NOT delivered (%s, %d attempts).\n", attempts),
		    target, event, detail, attempts);
	else if (!strcmp(channel, "email"))
		fprintf(say,
		    ok ? _("sluice: e-mail to %s: %s.\n") : _("sluice: e-mail to %s NOT sent: %s.\n"),
		    target, detail);
	else {
		fprintf(say,
		    ok ? _("sluice: after-import command: %s.\n") :
			 _("sluice: after-import command FAILED (%s); the import stands.\n"),
		    detail);
		const char *output = json_string_value(json_object_get(o, "output"));
		if (!ok && output != NULL && *output != '\0')
			fprintf(say, "%s\n", output);
	}
	fflush(say);
}

/* The import as the started and progress events carry it, new. */
static json_t *
notify_import(const struct notify *n, const char *status)
{
	char *shown = store_target_shown(n->db);
	json_t *o = json_pack("{s:I, s:s, s:s?, s:s?, s:s}", "id", (json_int_t)n->id, "status",
	    status, "file", n->file, "table", n->table, "database", shown);
	free(shown);
	return o;
}

void
notify_started(struct notify *n, int64_t id, const char *file, const char *table)
{
	n->id = id;
	free(n->file);
	free(n->table);
	n->file = file != NULL ? xstrdup(file) : NULL;
	n->table = table != NULL ? xstrdup(table) : NULL;
	n->last_progress = notify_now();
	if (n->o.nwebhooks == 0)
		return;
	json_t *import = notify_import(n, status_name(STATUS_RUNNING));
	for (size_t i = 0; i < n->o.nwebhooks; i++)
		json_array_append_new(n->outcomes,
		    notify_webhook_send(n->o.webhooks[i], n->o.secret, "started", import, 1));
	json_decref(import);
}

void
notify_progress(struct notify *n, const struct progress_snapshot *s)
{
	double now = notify_now();
	if (n->o.nwebhooks == 0 || now - n->last_progress < n->o.webhook_interval_s)
		return;
	n->last_progress = now;
	json_t *import = notify_import(n, status_name(s->status));
	json_object_set_new(import, "rows_done", json_integer((json_int_t)s->rows_done));
	json_object_set_new(import, "rows_total", json_integer((json_int_t)s->rows_total));
	json_object_set_new(import, "total_exact", json_boolean(s->total_exact));
	json_object_set_new(import, "percent", json_real(s->percent));
	for (int k = 0; k < OUTCOME_COUNT; k++)
		json_object_set_new(import, outcome_name((enum outcome)k),
		    json_integer((json_int_t)s->counts.n[k]));
	json_object_set_new(import, "rows_per_s", json_real(s->rows_per_s));
	for (size_t i = 0; i < n->o.nwebhooks; i++) {
		json_t *o = notify_webhook_send(n->o.webhooks[i], n->o.secret, "progress", import, 0);
		/* Only the failures of progress events are worth keeping. */
		if (strcmp(json_string_value(json_object_get(o, "outcome")), "delivered"))
			json_array_append(n->outcomes, o);
		json_decref(o);
	}
	json_decref(import);
}

/* The journal of the database, ready to write; NULL when it cannot be
 * had (the notices go out all the same). */
static struct journal *
notify_journal(const struct notify *n, struct store **st)
{
	char *cause = NULL;
	*st = store_open(n->db, &cause);
	free(cause);
	if (*st == NULL)
		return NULL;
	struct journal *j = journal_open(*st);
	if (journal_prepare(j) != STORE_OK) {
		journal_close(j);
		store_close(*st);
		*st = NULL;
		return NULL;
	}
	return j;
}

/* Sends event to every web hook, adding the outcomes; returns the
 * failures. */
static int
notify_hooks(struct notify *n, const char *event, json_t *import, json_t *outcomes, FILE *say)
{
	int failed = 0;
	for (size_t i = 0; i < n->o.nwebhooks; i++) {
		json_t *o = notify_webhook_send(n->o.webhooks[i], n->o.secret, event, import, 1);
		failed += strcmp(json_string_value(json_object_get(o, "outcome")), "delivered") != 0;
		notify_say(say, o);
		json_array_append_new(outcomes, o);
	}
	return failed;
}

/* Journals outcomes for end, each marked with the status it tells. */
static void
notify_keep(struct journal *j, int64_t id, const char *end, json_t *outcomes, FILE *say)
{
	if (j == NULL || id <= 0)
		return;
	char *text = json_dumps(outcomes, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (journal_notice_save(j, id, end, text) != STORE_OK && say != NULL)
		fprintf(say, _("sluice: how the notices went could not be journaled.\n"));
	free(text);
}

int
notify_end(struct notify *n, const json_t *summary, const char *report, FILE *say)
{
	int64_t id = json_integer_value(json_object_get(summary, "id"));
	const char *status = json_string_value(json_object_get(summary, "status"));
	if (!notify_wanted(&n->o))
		return 0;
	/* The end is named by its status and when it came: a resumed import
	 * ends again, another process does not tell this end twice. */
	struct store *st = NULL;
	struct journal *j = id > 0 ? notify_journal(n, &st) : NULL;
	char *end = NULL;
	if (j != NULL) {
		struct import_row row;
		if (journal_import(j, id, &row) == 1) {
			end = xasprintf("%s %s", status_name(row.status),
			    row.finished_at != NULL ? row.finished_at : row.started_at);
			store_import_row_clear(&row);
		}
		if (end != NULL && journal_notice_claim(j, id, end) == STORE_ROW) {
			free(end);
			journal_close(j);
			store_close(st);
			return 0;
		}
	}
	if (end == NULL)
		end = xstrdup(status != NULL ? status : "");
	int failed = 0;
	json_t *outcomes = json_deep_copy(n->outcomes);
	json_array_clear(n->outcomes);
	if (n->o.after_import != NULL) {
		json_t *o =
		    notify_hook_run(n->o.after_import, n->o.after_import_timeout_s, summary, n->db);
		failed += strcmp(json_string_value(json_object_get(o, "outcome")), "delivered") != 0;
		notify_say(say, o);
		json_array_append_new(outcomes, o);
	}
	failed += notify_hooks(n, "finished", (json_t *)summary, outcomes, say);
	if (n->o.nemails > 0) {
		json_t *o = notify_mail_send(n->o.smtp, n->from, n->o.emails, n->o.nemails, summary,
		    n->o.attach_report ? report : NULL);
		failed += strcmp(json_string_value(json_object_get(o, "outcome")), "delivered") != 0;
		notify_say(say, o);
		json_array_append_new(outcomes, o);
	}
	size_t i;
	json_t *o;
	json_array_foreach(outcomes, i, o)
	    json_object_set_new(o, "status", json_string(status != NULL ? status : ""));
	notify_keep(j, id, end, outcomes, say);
	json_decref(outcomes);
	free(end);
	if (j != NULL) {
		journal_close(j);
		store_close(st);
	}
	return failed;
}

int
notify_rolled_back(struct notify *n, int64_t id, const json_t *rollback, FILE *say)
{
	if (n->o.nwebhooks == 0)
		return 0;
	json_t *outcomes = json_array();
	int failed = notify_hooks(n, "rolled_back", (json_t *)rollback, outcomes, say);
	size_t i;
	json_t *o;
	json_array_foreach(outcomes, i, o)
	    json_object_set_new(o, "status", json_string(status_name(STATUS_ROLLED_BACK)));
	struct store *st = NULL;
	struct journal *j = notify_journal(n, &st);
	char *end = xasprintf("%s", status_name(STATUS_ROLLED_BACK));
	notify_keep(j, id, end, outcomes, say);
	free(end);
	json_decref(outcomes);
	if (j != NULL) {
		journal_close(j);
		store_close(st);
	}
	return failed;
}
