/* sluice rollback: undoes one import, refusing when its records were
 * changed since unless --force. */
#include "config.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli-notify.h"
#include "cli.h"
#include "i18n.h"
#include "journal.h"
#include "rollback.h"
#include "store.h"
#include "text.h"

const struct cli_option cli_rollback_options[] = {
	{ "db", required_argument, 'd', NULL, NULL, 0 },
	{ "force", no_argument, 'f', NULL, NULL, 0 },
	{ "json", no_argument, 'j', NULL, NULL, 0 },
	{ "webhook", required_argument, CLI_NOTIFY_WEBHOOK, NULL, NULL, 0 },
	{ "help", no_argument, 'h', NULL, NULL, 0 },
	{ NULL, 0, 0, NULL, NULL, 0 },
};

/* Who is told of the rollback: the web hooks of the settings and of
 * --webhook. */
static struct cli_notify cli_rollback_notices;

int
cli_rollback(int argc, char **argv)
{
	const char *db = NULL;
	int force = 0, json = 0, c;
	cli_notify_init(&cli_rollback_notices);
	opterr = 0;
	optind = 1;
	while ((c = cli_getopt(cli_rollback_options, argc, argv)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'f': force = 1; break;
		case 'j': json = 1; break;
		case CLI_NOTIFY_WEBHOOK:
			if (cli_notify_option(&cli_rollback_notices, c, optarg) < 0)
				return EXIT_USAGE;
			break;
		case 'h': cli_help(argv[0]); return 0;
		default: cli_unknown_option(argv[0], argv[optind - 1]); return EXIT_USAGE;
		}
	}
	long long id;
	if (cli_import_id("rollback", _("undo"), argc, argv, &id) != 0)
		return EXIT_USAGE;
	if (db == NULL || !store_target_exists(db)) {
		cli_error("usage",
		    _("sluice rollback: name the database of the import with --db PATH.\n"));
		return EXIT_USAGE;
	}
	char *cause = NULL;
	struct store *st = store_open(db, &cause);
	if (st == NULL) {
		cli_error("database", "sluice: %s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	struct journal *j = journal_open(st);
	struct rollback_result res;
	int rc = rollback_import(st, j, id, force, 5, &res, &cause);
	if (rc != 0) {
		char *esc = text_escape(cause);
		cli_error("rollback", "sluice: %s\n", esc);
		free(esc);
		free(cause);
		rc = EXIT_USAGE;
	} else if (json) {
		json_t *list = json_array();
		for (size_t i = 0; i < res.nconflict_list; i++)
			json_array_append_new(list,
			    json_pack("{s:I, s:s}", "record_id",
				(json_int_t)res.conflict_list[i].record_id, "reason",
				res.conflict_list[i].reason));
		json_t *o = json_pack("{s:I, s:s, s:I, s:I, s:I, s:I, s:o}", "id", (json_int_t)id,
		    "status", res.refused ? "refused" : status_name(STATUS_ROLLED_BACK), "deleted",
		    (json_int_t)res.deleted, "restored", (json_int_t)res.restored, "recreated",
		    (json_int_t)res.recreated, "conflicts", (json_int_t)res.conflicts,
		    "conflict_list", list);
		cli_json_print(o);
		json_decref(o);
		rc = res.refused ? EXIT_USAGE : 0;
	} else if (res.refused) {
		fprintf(stderr,
		    ngettext(
			"sluice: import %lld was not rolled back: %llu of its records was changed since it ran:\n",
			"sluice: import %lld was not rolled back: %llu of its records were changed since it ran:\n",
			res.conflicts),
		    id, (unsigned long long)res.conflicts);
		for (size_t i = 0; i < res.nconflict_list; i++)
			fprintf(stderr, _("  record %lld: %s\n"),
			    (long long)res.conflict_list[i].record_id, res.conflict_list[i].reason);
		if (res.conflicts > res.nconflict_list)
			fprintf(stderr, _("  … and %llu more.\n"),
			    (unsigned long long)(res.conflicts - res.nconflict_list));
		fprintf(stderr,
		    _("Roll back the later imports first, or use --force to put the before-images back anyway (later changes to those records are then lost).\n"));
		rc = EXIT_USAGE;
	} else {
		printf(
		    _("Rolled back import %lld: deleted %llu records it created and restored %llu it had updated or merged.\n"),
		    id, (unsigned long long)res.deleted, (unsigned long long)res.restored);
		if (res.recreated > 0)
			printf(ngettext("Put back %llu record it had deleted (--strategy replace).\n",
				   "Put back %llu records it had deleted (--strategy replace).\n",
				   res.recreated),
			    (unsigned long long)res.recreated);
		if (res.conflicts > 0)
			printf(_("Forced over %llu records that were changed since.\n"),
			    (unsigned long long)res.conflicts);
		rc = 0;
	}
	if (rc == 0)
		cli_notify_rolled_back(&cli_rollback_notices, db, id, &res);
	rollback_result_clear(&res);
	journal_close(j);
	store_close(st);
	return rc;
}
