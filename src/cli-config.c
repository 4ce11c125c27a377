/* sluice config: the effective settings and where each came from
 * (secrets masked); and the [import] settings as defaults of sluice
 * import's options. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "engine.h"
#include "i18n.h"
#include "settings.h"
#include "text.h"
#include "xmalloc.h"

enum {
	OPT_JSON = 256,
	OPT_HELP,
};

const struct cli_option cli_config_options[] = {
	{ "json", no_argument, OPT_JSON, NULL, NULL, 0 },
	{ "help", no_argument, OPT_HELP, NULL, NULL, 0 },
	{ NULL, 0, 0, NULL, NULL, 0 },
};

/* Where a value came from, for people. */
static const char *
cli_config_origin(const struct settings *s, enum setting k)
{
	switch (s->v[k].origin) {
	case SETTING_SYSTEM: return _("system");
	case SETTING_USER: return _("user");
	case SETTING_ENV: return _("environment");
	case SETTING_COMMAND: return _("command line");
	case SETTING_UNSET: break;
	}
	return _("not set");
}

int
cli_config(int argc, char **argv)
{
	int json = 0, c;
	opterr = 0;
	optind = 1;
	while ((c = cli_getopt(cli_config_options, argc, argv)) != -1) {
		switch (c) {
		case OPT_JSON: json = 1; break;
		case OPT_HELP: cli_help(argv[0]); return EXIT_ALL_IMPORTED;
		default: cli_unknown_option(argv[0], argv[optind - 1]); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_error("usage", _("sluice config: it takes no arguments (\"%s\").\n"),
		    argv[optind]);
		return EXIT_USAGE;
	}
	struct settings s;
	settings_load(&s, stderr);
	json_t *o = json_object(), *files = json_array();
	for (int i = 0; i < 2; i++)
		if (s.path[i] != NULL)
			json_array_append_new(files, json_string(s.path[i]));
	json_object_set_new(o, "files", files);
	json_t *settings = json_object();
	if (!json) {
		printf(_("Settings files: %s (system), %s (user).\n"), s.path[0],
		    s.path[1] != NULL ? s.path[1] : "-");
	}
	const char *section = NULL;
	for (int k = 0; k < SETTING_COUNT; k++) {
		if (section == NULL || strcmp(section, settings_section((enum setting)k))) {
			section = settings_section((enum setting)k);
			if (!json)
				printf("\n[%s]\n", section);
		}
		json_t *values = json_array();
		for (size_t i = 0; i < s.v[k].n; i++) {
			char *shown = settings_shown((enum setting)k, s.v[k].values[i]);
			char *esc = text_escape(shown);
			json_array_append_new(values, json_string(esc));
			if (!json)
				printf("%-15s = %-40s ; %s%s%s\n", settings_key((enum setting)k),
				    esc, cli_config_origin(&s, (enum setting)k),
				    s.v[k].where ? ", " : "", s.v[k].where ? s.v[k].where : "");
			free(esc);
			free(shown);
		}
		if (!json && s.v[k].n == 0)
			printf("%-15s   %-40s ; %s\n", settings_key((enum setting)k), "",
			    cli_config_origin(&s, (enum setting)k));
		char *key = xasprintf("%s.%s", section, settings_key((enum setting)k));
		json_object_set_new(settings, key,
		    json_pack("{s:o, s:s, s:s?}", "values", values, "origin",
			s.v[k].origin == SETTING_UNSET	    ? "unset" :
			    s.v[k].origin == SETTING_SYSTEM ? "system" :
			    s.v[k].origin == SETTING_USER   ? "user" :
			    s.v[k].origin == SETTING_ENV    ? "environment" :
							      "command_line",
			"where", s.v[k].where));
		free(key);
	}
	json_object_set_new(o, "settings", settings);
	if (json)
		cli_json_print(o);
	json_decref(o);
	settings_clear(&s);
	return EXIT_ALL_IMPORTED;
}

int
cli_config_import_defaults(const struct settings *s, struct engine_options *o)
{
	const char *v;
	if ((v = settings_get(s, SETTING_REGION)) != NULL)
		o->region = v;
	if ((v = settings_get(s, SETTING_SCHEMA)) != NULL)
		o->schema = v;
	if ((v = settings_get(s, SETTING_STRATEGY)) != NULL) {
		int k = store_strategy_parse(v);
		if (k < 0) {
			char *esc = text_escape(v);
			cli_error("usage",
			    _("sluice: strategy (%s) must be skip, update or merge, not \"%s\".\n"),
			    s->v[SETTING_STRATEGY].where, esc);
			free(esc);
			return -1;
		}
		o->strategy = (enum strategy)k;
	}
	if ((v = settings_get(s, SETTING_BATCH_SIZE)) != NULL) {
		char *end;
		unsigned long n = strtoul(v, &end, 10);
		if (*v == '\0' || *v == '-' || *end != '\0' || n < 1 || n > 1000000) {
			char *esc = text_escape(v);
			cli_error("usage",
			    _("sluice: batch_size (%s) needs a whole number from 1 to 1000000, not \"%s\".\n"),
			    s->v[SETTING_BATCH_SIZE].where, esc);
			free(esc);
			return -1;
		}
		o->batch_size = (unsigned)n;
	}
	return 0;
}
