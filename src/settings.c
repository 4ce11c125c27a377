/* Settings in one place: the INI files read with inih (the system's, then
 * the user's), the environment's secret, and the command line's values on
 * top, each with where it came from. Nothing here knows what a setting
 * does: the commands use them. */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "i18n.h"
#include "settings.h"
#include "text.h"
#include "xmalloc.h"

static const struct {
	const char *section, *key;
	int list, secret;
} settings_table[SETTING_COUNT] = {
	[SETTING_WEBHOOK] = { "notify", "webhook", 1, 0 },
	[SETTING_WEBHOOK_SECRET] = { "notify", "webhook_secret", 0, 1 },
	[SETTING_EMAIL] = { "notify", "email", 1, 0 },
	[SETTING_MAIL_FROM] = { "notify", "mail_from", 0, 0 },
	[SETTING_SMTP] = { "notify", "smtp", 0, 0 },
	[SETTING_AFTER_IMPORT] = { "notify", "after_import", 0, 0 },
	[SETTING_ATTACH_REPORT] = { "notify", "attach_report", 0, 0 },
	[SETTING_REGION] = { "import", "region", 0, 0 },
	[SETTING_STRATEGY] = { "import", "strategy", 0, 0 },
	[SETTING_BATCH_SIZE] = { "import", "batch_size", 0, 0 },
	[SETTING_SCHEMA] = { "import", "schema", 0, 0 },
};

const char *
settings_section(enum setting k)
{
	return settings_table[k].section;
}

const char *
settings_key(enum setting k)
{
	return settings_table[k].key;
}

int
settings_secret(enum setting k)
{
	return settings_table[k].secret;
}

const char *
settings_get(const struct settings *s, enum setting k)
{
	return s->v[k].n > 0 ? s->v[k].values[0] : NULL;
}

static void
settings_drop(struct settings *s, enum setting k)
{
	for (size_t i = 0; i < s->v[k].n; i++)
		free(s->v[k].values[i]);
	free(s->v[k].values);
	free(s->v[k].where);
	s->v[k].values = NULL;
	s->v[k].where = NULL;
	s->v[k].n = 0;
	s->v[k].origin = SETTING_UNSET;
}

/* value from origin (at where): a stronger origin replaces what a weaker
 * one said; the same origin adds to a list, or replaces a single value. */
static void
settings_put(struct settings *s, enum setting k, const char *value, enum setting_origin origin,
    const char *where)
{
	if (s->v[k].origin != origin || !settings_table[k].list)
		settings_drop(s, k);
	if (s->v[k].where == NULL)
		s->v[k].where = xstrdup(where);
	s->v[k].origin = origin;
	s->v[k].values = xreallocarray(s->v[k].values, s->v[k].n + 1, sizeof *s->v[k].values);
	s->v[k].values[s->v[k].n++] = xstrdup(value);
}

void
settings_set(struct settings *s, enum setting k, const char *value)
{
	settings_put(s, k, value, SETTING_COMMAND, _("command line"));
}

void
settings_unset(struct settings *s, enum setting k)
{
	settings_drop(s, k);
}

int
settings_bool(const char *v)
{
	static const char *const yes[] = { "1", "yes", "true", "on" };
	static const char *const no[] = { "0", "no", "false", "off" };
	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(v, yes[i]))
			return 1;
		if (!strcasecmp(v, no[i]))
			return 0;
	}
	return -1;
}

/* A URL's user:password@ with the password masked, new; other text as is. */
static char *
settings_url_shown(const char *v)
{
	const char *rest = strstr(v, "://");
	if (rest == NULL)
		return xstrdup(v);
	rest += 3;
	size_t auth = strcspn(rest, "/?#");
	const char *at = memchr(rest, '@', auth);
	const char *colon = at ? memchr(rest, ':', (size_t)(at - rest)) : NULL;
	if (colon == NULL)
		return xstrdup(v);
	return xasprintf("%.*s****%s", (int)(colon + 1 - v), v, at);
}

char *
settings_shown(enum setting k, const char *v)
{
	if (settings_table[k].secret)
		return xstrdup("****");
	return settings_url_shown(v);
}

/* Whether a value of k holds a secret: the secret itself, or a URL with
 * a password. */
static int
settings_holds_secret(enum setting k, const char *v)
{
	if (settings_table[k].secret)
		return 1;
	char *shown = settings_url_shown(v);
	int masked = strcmp(shown, v) != 0;
	free(shown);
	return masked;
}

struct settings_reader {
	struct settings *s;
	FILE *fp, *warn;
	const char *path;
	int line; /* of the last line read */
	enum setting_origin origin;
	int secret; /* a value read holds a secret */
};

/* fgets for inih, counting lines so that each value knows its own. */
static char *
settings_read_line(char *str, int num, void *ctx)
{
	struct settings_reader *r = ctx;
	char *line = fgets(str, num, r->fp);
	if (line != NULL && strchr(line, '\n') != NULL)
		r->line++;
	return line;
}

static int
settings_handler(void *ctx, const char *section, const char *name, const char *value)
{
	struct settings_reader *r = ctx;
	int line = r->line;
	char *esc, *sec;
	for (int k = 0; k < SETTING_COUNT; k++) {
		if (strcmp(section, settings_table[k].section) || strcmp(name, settings_table[k].key))
			continue;
		char *where = xasprintf("%s:%d", r->path, line);
		settings_put(r->s, (enum setting)k, value, r->origin, where);
		free(where);
		r->secret |= settings_holds_secret((enum setting)k, value);
		return 1;
	}
	if (r->warn == NULL)
		return 1;
	esc = text_escape(name);
	sec = text_escape(section);
	fprintf(r->warn,
	    _("sluice: %s, line %d: there is no setting \"%s\" in [%s]; it is left out.\n"),
	    r->path, line, esc, sec);
	free(sec);
	free(esc);
	return 1;
}

/* Reads one file; a missing one is no error. */
static void
settings_read(struct settings *s, const char *path, enum setting_origin origin, FILE *warn)
{
	FILE *fp = fopen(path, "r");
	if (fp == NULL) {
		if (warn != NULL && errno != ENOENT && errno != ENOTDIR)
			fprintf(warn, _("sluice: the settings file %s cannot be read: %s.\n"), path,
			    strerror(errno));
		return;
	}
	struct settings_reader r = { .s = s, .fp = fp, .warn = warn, .path = path, .origin = origin };
	int bad = ini_parse_stream(settings_read_line, &r, settings_handler, &r);
	if (warn != NULL && bad > 0)
		fprintf(warn,
		    _("sluice: %s, line %d: this is no \"key = value\" line nor a [section]; it is left out.\n"),
		    path, bad);
	struct stat sb;
	if (warn != NULL && r.secret && fstat(fileno(fp), &sb) == 0 &&
	    (sb.st_mode & (S_IRGRP | S_IROTH)))
		fprintf(warn,
		    _("sluice: warning: %s holds a secret but others may read it; chmod 600 it.\n"),
		    path);
	fclose(fp);
}

void
settings_load(struct settings *s, FILE *warn)
{
	memset(s, 0, sizeof *s);
	const char *sys = getenv("SLUICE_SYSTEM_CONFIG");
	s->path[0] = xstrdup(sys != NULL && *sys != '\0' ? sys : "/etc/sluice/sluice.conf");
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (xdg != NULL && xdg[0] == '/')
		s->path[1] = xasprintf("%s/sluice/sluice.conf", xdg);
	else if (home != NULL && *home != '\0')
		s->path[1] = xasprintf("%s/.config/sluice/sluice.conf", home);
	settings_read(s, s->path[0], SETTING_SYSTEM, warn);
	if (s->path[1] != NULL)
		settings_read(s, s->path[1], SETTING_USER, warn);
	const char *secret = getenv("SLUICE_WEBHOOK_SECRET");
	if (secret != NULL && *secret != '\0')
		settings_put(s, SETTING_WEBHOOK_SECRET, secret, SETTING_ENV, "SLUICE_WEBHOOK_SECRET");
}

void
settings_clear(struct settings *s)
{
	for (int k = 0; k < SETTING_COUNT; k++)
		settings_drop(s, (enum setting)k);
	free(s->path[0]);
	free(s->path[1]);
	memset(s, 0, sizeof *s);
}
