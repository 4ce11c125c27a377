/* Who is told when the wizard's import ends: the notices the settings
 * name (web hooks, e-mail, the after-import command), shown on Confirm,
 * turned off or mailed elsewhere for this import, and handed to the
 * import process in its job. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "notify.h"
#include "tui-int.h"
#include "xmalloc.h"

/* The settings, read once (quietly: the screen is the terminal's). */
static struct settings *
tui_notify_settings(struct tui_notify *n)
{
	if (!n->loaded) {
		settings_load(&n->settings, NULL);
		n->loaded = 1;
	}
	return &n->settings;
}

/* Appends part to a "; "-separated list. */
static void
tui_notify_add(char **list, char *part)
{
	char *joined = xasprintf("%s%s%s", *list ? *list : "", *list ? "; " : "", part);
	free(*list);
	free(part);
	*list = joined;
}

char *
tui_notify_describe(struct tui_notify *n)
{
	struct settings *s = tui_notify_settings(n);
	if (n->off)
		return xstrdup(_("no one, for this import (n turns the notices back on)."));
	char *list = NULL;
	size_t hooks = s->v[SETTING_WEBHOOK].n;
	if (hooks > 0) {
		char *url = settings_shown(SETTING_WEBHOOK, s->v[SETTING_WEBHOOK].values[0]);
		tui_notify_add(&list,
		    hooks == 1 ? xasprintf(_("web hook %s"), url) :
				 xasprintf(_("web hooks %s and %zu more"), url, hooks - 1));
		free(url);
	}
	if (n->emails != NULL)
		tui_notify_add(&list, xasprintf(_("mail to %s"), n->emails));
	else if (s->v[SETTING_EMAIL].n > 0) {
		char *to = NULL;
		for (size_t i = 0; i < s->v[SETTING_EMAIL].n; i++) {
			char *joined = xasprintf("%s%s%s", to ? to : "", to ? ", " : "",
			    s->v[SETTING_EMAIL].values[i]);
			free(to);
			to = joined;
		}
		tui_notify_add(&list, xasprintf(_("mail to %s"), to));
		free(to);
	}
	const char *cmd = settings_get(s, SETTING_AFTER_IMPORT);
	if (cmd != NULL)
		tui_notify_add(&list, xasprintf(_("the command %s"), cmd));
	if (list == NULL)
		return xstrdup(_("no one (m sets whom to mail; sluice config shows the settings)."));
	return list;
}

void
tui_notify_toggle(struct tui_notify *n)
{
	n->off = !n->off;
}

static void
tui_notify_mail_done(struct tui *t, void *ctx, const char *value)
{
	(void)ctx;
	struct tui_notify *n = &t->w.notify;
	if (value == NULL)
		return;
	free(n->emails);
	n->emails = NULL;
	/* Addresses separated by commas or spaces, each checked as the
	 * import process will. */
	char *copy = xstrdup(value), *save = NULL, *list = NULL;
	for (char *a = strtok_r(copy, ", ", &save); a != NULL; a = strtok_r(NULL, ", ", &save)) {
		if (!notify_address_ok(a)) {
			tui_message(t, 1, _("\"%s\" is no e-mail address."), a);
			free(list);
			free(copy);
			return;
		}
		char *joined = xasprintf("%s%s%s", list ? list : "", list ? ", " : "", a);
		free(list);
		list = joined;
	}
	free(copy);
	n->emails = list != NULL ? list : xstrdup("");
	n->off = 0;
}

void
tui_notify_ask_mail(struct tui *t)
{
	struct tui_notify *n = &t->w.notify;
	struct settings *s = tui_notify_settings(n);
	char *initial = n->emails != NULL ? xstrdup(n->emails) : NULL;
	if (initial == NULL) {
		initial = xstrdup("");
		for (size_t i = 0; i < s->v[SETTING_EMAIL].n; i++) {
			char *joined = xasprintf("%s%s%s", initial, *initial ? ", " : "",
			    s->v[SETTING_EMAIL].values[i]);
			free(initial);
			initial = joined;
		}
	}
	tui_prompt(t, _("Mail"),
	    _("Whom to mail when this import ends (addresses separated by commas; empty: no one):"),
	    initial, tui_notify_mail_done, NULL);
	free(initial);
}

void
tui_notify_job(const struct tui_notify *n, json_t *job)
{
	json_t *o = json_pack("{s:b}", "off", n->off);
	if (n->emails != NULL) {
		json_t *to = json_array();
		char *copy = xstrdup(n->emails), *save = NULL;
		for (char *a = strtok_r(copy, ", ", &save); a != NULL;
		     a = strtok_r(NULL, ", ", &save))
			json_array_append_new(to, json_string(a));
		free(copy);
		json_object_set_new(o, "emails", to);
	}
	json_object_set_new(job, "notify", o);
}

void
tui_notify_reset(struct tui_notify *n)
{
	n->off = 0;
	free(n->emails);
	n->emails = NULL;
}

void
tui_notify_free(struct tui_notify *n)
{
	tui_notify_reset(n);
	if (n->loaded)
		settings_clear(&n->settings);
	n->loaded = 0;
}
