/* Settings in one place: /etc/sluice/sluice.conf, then the user's
 * $XDG_CONFIG_HOME/sluice/sluice.conf, then the command line, each
 * winning over the one before; where each value came from is kept, for
 * sluice config. */
#ifndef SLUICE_SETTINGS_H
#define SLUICE_SETTINGS_H

#include <stddef.h>
#include <stdio.h>

/* Every setting, by section: [notify], then [import]. */
enum setting {
	SETTING_WEBHOOK, /* a list */
	SETTING_WEBHOOK_SECRET,
	SETTING_EMAIL, /* a list */
	SETTING_MAIL_FROM,
	SETTING_SMTP,
	SETTING_AFTER_IMPORT,
	SETTING_ATTACH_REPORT,
	SETTING_REGION,
	SETTING_STRATEGY,
	SETTING_BATCH_SIZE,
	SETTING_SCHEMA,
	SETTING_COUNT
};

/* Where a value came from, weakest first. */
enum setting_origin {
	SETTING_UNSET,
	SETTING_SYSTEM,	 /* the system's file */
	SETTING_USER,	 /* the user's file */
	SETTING_ENV,	 /* an environment variable (SLUICE_WEBHOOK_SECRET) */
	SETTING_COMMAND, /* the command line */
};

struct settings {
	struct {
		char **values; /* one, or several for a list */
		size_t n;
		enum setting_origin origin;
		char *where; /* file:line, or the variable's name */
	} v[SETTING_COUNT];
	char *path[2]; /* the system's file and the user's */
};

/* Reads both files (a missing file is no error), then
 * SLUICE_WEBHOOK_SECRET. What is wrong with a file (unreadable, a line it
 * cannot read, an unknown key, a secret others may read) is said on warn
 * (NULL: not said) and the rest is kept. The system's file is
 * $SLUICE_SYSTEM_CONFIG when set, for tests. */
void settings_load(struct settings *s, FILE *warn);
void settings_clear(struct settings *s);

/* The setting's section and key ("notify", "webhook"). */
const char *settings_section(enum setting k);
const char *settings_key(enum setting k);
/* Whether its value is a secret (masked when shown). */
int settings_secret(enum setting k);

/* The value (the first of a list), or NULL when unset. */
const char *settings_get(const struct settings *s, enum setting k);

/* A value from the command line: the first replaces what the files said,
 * the next ones add to a list. */
void settings_set(struct settings *s, enum setting k, const char *value);

/* Unsets k, as the command line may (no one to mail for this import). */
void settings_unset(struct settings *s, enum setting k);

/* Whether a value says yes (1, yes, true, on); -1 when it is no boolean. */
int settings_bool(const char *v);

/* The value as shown: a secret as ****, a URL's password masked. New. */
char *settings_shown(enum setting k, const char *v);

#endif
