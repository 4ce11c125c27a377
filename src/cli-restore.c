/* sluice restore: every table of a JSON backup (or every sheet of a
 * workbook) imported in dependency order, one import per table; an
 * interrupted table's import resumed; --rollback undoes them all. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli-progress.h"
#include "cli.h"
#include "engine.h"
#include "i18n.h"
#include "journal.h"
#include "progress-jsonl.h"
#include "restore.h"
#include "rollback.h"
#include "store.h"
#include "summary.h"
#include "text.h"
#include "xmalloc.h"

const struct cli_option cli_restore_options[] = {
	{ "db", required_argument, 'd', N_("--db PATH"),
	    N_("the database (a path, or postgresql://…)"), 0 },
	{ "key", required_argument, 'k', N_("--key TABLE=COLUMN"),
	    N_("the column TABLE's records are matched by (default: id)"), 0 },
	{ "sheet", required_argument, 's', N_("--sheet all"),
	    N_("workbooks: restore every sheet, each a table"), 0 },
	{ "batch-size", required_argument, 'b', N_("--batch-size N"), N_("rows per batch"),
	    ENGINE_DEFAULT_BATCH },
	{ "progress", required_argument, 'p', N_("--progress MODE"),
	    N_("auto (a line on a terminal), jsonl or none"), 0 },
	{ "password-fd", required_argument, 'P', N_("--password-fd N"),
	    N_("read the database's password from file descriptor N"), 0 },
	{ "rollback", no_argument, 'r', N_("--rollback"),
	    N_("undo every import of the backup's tables, children first"), 0 },
	{ "json", no_argument, 'j', NULL, NULL, 0 },
	{ "help", no_argument, 'h', NULL, NULL, 0 },
	{ NULL, 0, 0, NULL, NULL, 0 },
};

static volatile sig_atomic_t cli_restore_stop, cli_restore_pause, cli_restore_resume;

/* SIGINT and SIGTERM cancel; SIGUSR1 pauses and SIGUSR2 resumes (the
 * wizard's restore, tui-restore.c). */
static void
cli_restore_on_signal(int sig)
{
	if (sig == SIGUSR1)
		cli_restore_pause = 1;
	else if (sig == SIGUSR2)
		cli_restore_resume = 1;
	else
		cli_restore_stop = 1;
}

struct cli_restore_display {
	enum cli_progress_mode mode;
	int line;
	const char *table;
	size_t index, ntables;
	struct progress_table *tables; /* each table's rows, for JSON lines */
	int paused;		       /* this table's import was asked to pause */
};

/* A pause not yet resumed: a table's import that starts meanwhile (the
 * one asked may have ended first) is paused too. */
static int cli_restore_paused;

static int
cli_restore_should_pause(void *ctx)
{
	struct cli_restore_display *d = ctx;
	if (cli_restore_pause) {
		cli_restore_pause = 0;
		cli_restore_paused = d->paused = 1;
		return 1;
	}
	if (cli_restore_resume) {
		cli_restore_resume = 0;
		cli_restore_paused = d->paused = 0;
		return 0;
	}
	if (cli_restore_paused && !d->paused) {
		d->paused = 1;
		return 1;
	}
	return -1;
}

static int
cli_restore_should_cancel(void *ctx)
{
	(void)ctx;
	return cli_restore_stop;
}

static void
cli_restore_event(void *ctx, const struct progress_event *ev)
{
	struct cli_restore_display *d = ctx;
	if (d->mode == CLI_PROGRESS_JSONL)
		progress_jsonl_event(stdout, ev);
}

static void
cli_restore_snapshot(void *ctx, const struct progress_snapshot *s)
{
	struct cli_restore_display *d = ctx;
	if (d->mode == CLI_PROGRESS_JSONL) {
		struct progress_table *t = &d->tables[d->index];
		t->processed = s->rows_done;
		if (s->total_exact || t->total == 0)
			t->total = s->rows_total;
		progress_jsonl_snapshot_tables(stdout, s, d->table, d->tables, d->ntables);
		fflush(stdout);
	} else if (d->line) {
		fprintf(stderr, "\r%s (%zu/%zu) ", d->table, d->index + 1, d->ntables);
		cli_progress_draw(stderr, s);
	}
}

/* The imports of the backup's table (same file content, same sheet) in
 * the journal, newest first. */
static size_t
cli_restore_imports(const struct import_row *rows, size_t n, const char *sha, const char *table,
    const struct import_row **out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (rows[i].source_sha256 != NULL && !strcmp(rows[i].source_sha256, sha) &&
		    rows[i].sheet != NULL && !strcmp(rows[i].sheet, table))
			out[k++] = &rows[i];
	return k;
}

/* Undoes every import of the backup's tables, children first and each
 * table's newest import first. */
static int
cli_restore_rollback(const char *db, const struct restore_plan *p, const struct import_row *rows,
    size_t nrows, const char *sha, int json)
{
	char *cause = NULL;
	struct store *st = store_open(db, &cause);
	if (st == NULL) {
		cli_error("database", "sluice: %s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	struct journal *j = journal_open(st);
	const struct import_row **mine = xcalloc(nrows ? nrows : 1, sizeof *mine);
	json_t *tables = json_object();
	int rc = 0;
	for (size_t t = p->ntables; t-- > 0 && rc == 0;) {
		size_t k = cli_restore_imports(rows, nrows, sha, p->tables[t].name, mine);
		uint64_t deleted = 0, restored = 0;
		json_t *ids = json_array();
		for (size_t i = 0; i < k && rc == 0; i++) {
			if (mine[i]->status == STATUS_ROLLED_BACK || mine[i]->dry_run)
				continue;
			struct rollback_result res;
			if (rollback_import(st, j, mine[i]->id, 0, 5, &res, &cause) != 0) {
				char *esc = text_escape(cause);
				cli_error("rollback", "sluice: %s\n", esc);
				free(esc);
				free(cause);
				rc = EXIT_USAGE;
				break;
			}
			if (res.refused) {
				cli_error("rollback",
				    ngettext(
					"sluice: import %lld of the table %s was not rolled back: %llu of its records was changed since; roll it back with sluice rollback %lld --force.\n",
					"sluice: import %lld of the table %s was not rolled back: %llu of its records were changed since; roll it back with sluice rollback %lld --force.\n",
					(unsigned long)res.conflicts),
				    (long long)mine[i]->id, p->tables[t].name,
				    (unsigned long long)res.conflicts, (long long)mine[i]->id);
				rc = EXIT_USAGE;
			}
			deleted += res.deleted;
			restored += res.restored;
			json_array_append_new(ids, json_integer(mine[i]->id));
			rollback_result_clear(&res);
		}
		if (!json) {
			char *d = xasprintf(ngettext("deleted %llu record the restore created",
						"deleted %llu records the restore created",
						(unsigned long)deleted),
			    (unsigned long long)deleted);
			char *r =
			    xasprintf(ngettext("restored %llu it had updated",
					  "restored %llu it had updated", (unsigned long)restored),
				(unsigned long long)restored);
			/* TRANSLATORS: Table users: deleted 3 records the
			 * restore created and restored 2 it had updated. */
			printf(_("Table %s: %s and %s.\n"), p->tables[t].name, d, r);
			free(d);
			free(r);
		}
		json_object_set_new(tables, p->tables[t].name,
		    json_pack("{s:o, s:I, s:I}", "imports", ids, "deleted", (json_int_t)deleted,
			"restored", (json_int_t)restored));
	}
	if (json && rc == 0) {
		json_t *o = json_pack("{s:s, s:o}", "status", status_name(STATUS_ROLLED_BACK),
		    "tables", tables);
		cli_json_print(o);
		json_decref(o);
	} else
		json_decref(tables);
	free(mine);
	journal_close(j);
	store_close(st);
	return rc;
}

int
cli_restore(int argc, char **argv)
{
	const char *db = NULL, *sheet = NULL;
	struct restore_key *keys = NULL;
	size_t nkeys = 0;
	unsigned batch = 0;
	int json = 0, rollback = 0, c, mode = CLI_PROGRESS_AUTO, rc = 0, pwfd = -1;

	opterr = 0;
	optind = 1;
	while ((c = cli_getopt(cli_restore_options, argc, argv)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 's': sheet = optarg; break;
		case 'j': json = 1; break;
		case 'r': rollback = 1; break;
		case 'k': {
			char *eq = strchr(optarg, '=');
			if (eq == NULL || eq == optarg || eq[1] == '\0') {
				cli_error("usage",
				    _("sluice restore: --key takes TABLE=COLUMN, not %s.\n"), optarg);
				free(keys);
				return EXIT_USAGE;
			}
			*eq = '\0';
			keys = xreallocarray(keys, nkeys + 1, sizeof *keys);
			keys[nkeys++] = (struct restore_key){ optarg, eq + 1 };
			break;
		}
		case 'b': {
			char *end;
			errno = 0;
			unsigned long v = strtoul(optarg, &end, 10);
			if (*optarg < '1' || *optarg > '9' || *end != '\0' || errno != 0 ||
			    v > 10000000) {
				cli_error("usage",
				    _("sluice restore: --batch-size takes a number from 1 to 10000000, not %s.\n"),
				    optarg);
				free(keys);
				return EXIT_USAGE;
			}
			batch = (unsigned)v;
			break;
		}
		case 'P':
			if ((pwfd = cli_password_fd_parse("restore", optarg)) < 0) {
				free(keys);
				return EXIT_USAGE;
			}
			break;
		case 'p':
			if ((mode = cli_progress_parse(optarg)) < 0) {
				cli_error("usage",
				    _("sluice restore: --progress is auto, jsonl or none, not %s.\n"),
				    optarg);
				free(keys);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			cli_help(argv[0]);
			free(keys);
			return 0;
		default:
			cli_unknown_option(argv[0], argv[optind - 1]);
			free(keys);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1 || db == NULL) {
		cli_error("usage",
		    _("sluice restore: name one backup file and the database: sluice restore FILE --db PATH.\n"));
		free(keys);
		return EXIT_USAGE;
	}
	if (pwfd >= 0 && cli_password_fd_read("restore", db, pwfd) != 0) {
		free(keys);
		return EXIT_USAGE;
	}
	if (sheet != NULL && strcmp(sheet, "all") != 0) {
		cli_error("usage",
		    _("sluice restore: --sheet takes all (every sheet is a table); import one sheet with sluice import --sheet.\n"));
		free(keys);
		return EXIT_USAGE;
	}
	const char *path = argv[optind];
	char *cause = NULL, *dir = restore_schema_dir(&cause);
	struct restore_plan *p = NULL;
	struct source_options so = { 0 };
	if (dir != NULL)
		p = restore_plan_make(path, &so, sheet != NULL, dir, keys, nkeys, &cause);
	free(dir);
	for (size_t k = 0; p != NULL && k < nkeys; k++) {
		size_t t;
		for (t = 0; t < p->ntables && strcmp(p->tables[t].name, keys[k].table); t++)
			;
		if (t == p->ntables) {
			char *esc = text_escape(keys[k].table);
			cause = xasprintf(
			    _("--key names the table %s, which the backup does not hold."), esc);
			free(esc);
			restore_plan_free(p);
			p = NULL;
		}
	}
	free(keys);
	if (p == NULL) {
		char *esc = text_escape(cause);
		cli_error("file", "sluice: %s\n", esc);
		free(esc);
		free(cause);
		return EXIT_USAGE;
	}
	char sha[65];
	struct import_row *rows = NULL;
	size_t nrows = 0;
	if (source_sha256(path, sha, &cause) != 0) {
		cli_error("file", "sluice: %s\n", cause);
		free(cause);
		restore_plan_free(p);
		return EXIT_USAGE;
	}
	if (store_target_exists(db)) {
		struct store *st = store_open(db, &cause);
		if (st == NULL) {
			cli_error("database", "sluice: %s\n", cause);
			free(cause);
			restore_plan_free(p);
			return EXIT_USAGE;
		}
		struct journal *j = journal_open(st);
		if (journal_imports(j, 100000, &rows, &nrows) != 0) {
			cli_error("database", _("sluice: the journal of %s cannot be read.\n"), db);
			rc = EXIT_USAGE;
		}
		journal_close(j);
		store_close(st);
		if (rc != 0) {
			restore_plan_free(p);
			return rc;
		}
	}
	if (!rollback && restore_check_tables(p, db, &cause) != 0) {
		cli_error("database", "sluice: %s\n", cause);
		free(cause);
		journal_imports_free(rows, nrows);
		restore_plan_free(p);
		return EXIT_USAGE;
	}
	if (rollback) {
		rc = cli_restore_rollback(db, p, rows, nrows, sha, json);
		journal_imports_free(rows, nrows);
		restore_plan_free(p);
		return rc;
	}

	signal(SIGINT, cli_restore_on_signal);
	signal(SIGTERM, cli_restore_on_signal);
	signal(SIGUSR1, cli_restore_on_signal);
	signal(SIGUSR2, cli_restore_on_signal);
	/* The wizard holds these until the handlers are set. */
	sigset_t held;
	sigemptyset(&held);
	sigaddset(&held, SIGINT);
	sigaddset(&held, SIGTERM);
	sigaddset(&held, SIGUSR1);
	sigaddset(&held, SIGUSR2);
	sigprocmask(SIG_UNBLOCK, &held, NULL);
	json_t *tables = json_object(), *order = json_array();
	const struct import_row **mine = xcalloc(nrows ? nrows : 1, sizeof *mine);
	enum import_status worst = STATUS_COMPLETED;
	/* A restore that stopped part-way (a table's import interrupted) goes
	 * on: the tables it finished are left as they are. Otherwise every
	 * table is imported again (creating nothing it created before). */
	struct progress_table *progress = xcalloc(p->ntables, sizeof *progress);
	for (size_t t = 0; t < p->ntables; t++)
		progress[t] = (struct progress_table){ p->tables[t].name, 0, p->tables[t].records };
	int continuing = 0;
	/* The restore's id: the id of its first import (which keeps the
	 * backup's other members); a restore going on keeps its own. */
	int64_t restore_id = -1;
	for (size_t t = 0; t < p->ntables; t++)
		if (cli_restore_imports(rows, nrows, sha, p->tables[t].name, mine) > 0 &&
		    status_is_resumable(mine[0]->status)) {
			continuing = 1;
			if (mine[0]->restore_id > 0)
				restore_id = mine[0]->restore_id;
		}
	for (size_t t = 0; t < p->ntables; t++) {
		struct restore_table *rt = &p->tables[t];
		json_array_append_new(order, json_string(rt->name));
		struct engine_options o = {
			.path = path,
			.db = db,
			.schema = rt->schema,
			.strategy = STRATEGY_UPDATE,
			.on_key_conflict = KEY_CONFLICT_REJECT,
			.batch_size = batch ? batch : ENGINE_DEFAULT_BATCH,
			.retries = ENGINE_DEFAULT_RETRIES,
			.retry_base_ms = ENGINE_DEFAULT_RETRY_BASE_MS,
			.reconnect_for_s = ENGINE_DEFAULT_RECONNECT_FOR_S,
			.statement_timeout_s = ENGINE_DEFAULT_STATEMENT_TIMEOUT_S,
			.sheet = rt->name,
			.restore_id = restore_id,
			.restore_members = restore_id < 0 ? p->members : NULL,
		};
		/* An import of this table that stopped part-way goes on. */
		size_t k = cli_restore_imports(rows, nrows, sha, rt->name, mine);
		if (k > 0 && status_is_resumable(mine[0]->status))
			o.resume_id = mine[0]->id;
		else if (continuing && k > 0 && status_is_finished(mine[0]->status) &&
		    mine[0]->status != STATUS_ROLLED_BACK && mine[0]->status != STATUS_FAILED) {
			if (!json)
				printf(_("Table %s: restored before by import %lld (%s).\n"),
				    rt->name, (long long)mine[0]->id, status_label(mine[0]->status));
			json_object_set_new(tables, rt->name,
			    json_pack("{s:I, s:s, s:b}", "id", (json_int_t)mine[0]->id, "status",
				status_name(mine[0]->status), "restored_before", 1));
			if (mine[0]->status != STATUS_COMPLETED)
				worst = mine[0]->status;
			progress[t].processed = progress[t].total;
			continue;
		}
		struct cli_restore_display d = {
			.mode = mode,
			.line = mode == CLI_PROGRESS_AUTO && isatty(STDERR_FILENO),
			.table = rt->name,
			.index = t,
			.ntables = p->ntables,
			.tables = progress,
		};
		struct engine_reference *refs = xcalloc(rt->nparents + 1, sizeof *refs);
		for (size_t r = 0; r < rt->nparents; r++)
			refs[r] = (struct engine_reference){ rt->columns[r],
				p->tables[rt->parents[r]].target,
				rt->keys[r] ? rt->keys[r] : p->tables[rt->parents[r]].key };
		o.references = refs;
		o.nreferences = rt->nparents;
		struct engine *e = engine_start(&o, NULL, &cause);
		if (e == NULL) {
			free(refs);
			char *esc = text_escape(cause);
			cli_error("import", _("sluice: the table %s cannot be restored: %s\n"),
			    rt->name, esc);
			free(esc);
			free(cause);
			rc = EXIT_USAGE;
			break;
		}
		const struct engine_watcher w = {
			.should_cancel = cli_restore_should_cancel,
			.should_pause = cli_restore_should_pause,
			.event = cli_restore_event,
			.snapshot = cli_restore_snapshot,
			.ctx = &d,
		};
		engine_watch(e, &w);
		if (d.line)
			cli_progress_clear(stderr);
		struct engine_result res;
		engine_finish(e, &res);
		free(refs);
		if (restore_id < 0 && res.id > 0)
			restore_id = res.id;
		json_t *summary = summary_from_result(&res, db);
		json_object_set_new(summary, "schema_inferred", json_boolean(rt->inferred));
		json_t *parents = json_array();
		for (size_t r = 0; r < rt->nparents; r++)
			json_array_append_new(parents,
			    json_pack("{s:s, s:s, s:s}", "table", p->tables[rt->parents[r]].name,
				"column", rt->columns[r], "key",
				rt->keys[r] ? rt->keys[r] : p->tables[rt->parents[r]].key));
		json_object_set_new(summary, "references", parents);
		if (!json) {
			const struct counts *n = &res.counts;
			uint64_t updated = n->n[OUTCOME_UPDATED] + n->n[OUTCOME_MERGED];
			char *counts[] = {
				xasprintf(ngettext("%llu record", "%llu records",
					      (unsigned long)res.total),
				    (unsigned long long)res.total),
				xasprintf(ngettext("%llu created", "%llu created",
					      (unsigned long)n->n[OUTCOME_CREATED]),
				    (unsigned long long)n->n[OUTCOME_CREATED]),
				xasprintf(ngettext("%llu updated", "%llu updated",
					      (unsigned long)updated),
				    (unsigned long long)updated),
				xasprintf(ngettext("%llu unchanged", "%llu unchanged",
					      (unsigned long)n->n[OUTCOME_UNCHANGED]),
				    (unsigned long long)n->n[OUTCOME_UNCHANGED]),
				xasprintf(ngettext("%llu rejected", "%llu rejected",
					      (unsigned long)n->n[OUTCOME_REJECTED]),
				    (unsigned long long)n->n[OUTCOME_REJECTED]),
				xasprintf(ngettext("%llu failed", "%llu failed",
					      (unsigned long)n->n[OUTCOME_FAILED]),
				    (unsigned long long)n->n[OUTCOME_FAILED]),
			};
			/* TRANSLATORS: Table items (import 3, completed): 300
			 * records: 299 created, 0 updated, 0 unchanged, 1
			 * rejected, 0 failed. */
			printf(_("Table %s (import %lld, %s): %s: %s, %s, %s, %s, %s.\n"), rt->name,
			    (long long)res.id, status_label(res.status), counts[0], counts[1],
			    counts[2], counts[3], counts[4], counts[5]);
			for (size_t c = 0; c < sizeof counts / sizeof *counts; c++)
				free(counts[c]);
			fflush(stdout);
		}
		json_object_set_new(tables, rt->name, summary);
		enum import_status s = res.status;
		progress[t].processed = res.total - res.counts.n[OUTCOME_NOT_PROCESSED];
		engine_result_clear(&res);
		if (s != STATUS_COMPLETED)
			worst = s;
		if (!status_is_finished(s) || s == STATUS_FAILED || s == STATUS_CANCELLED)
			break;
	}
	free(mine);
	free(progress);
	if (rc == 0)
		rc = status_exit_code(worst);
	if (json) {
		json_t *o = json_pack("{s:s, s:s, s:o, s:o}", "file", path, "status",
		    status_name(worst), "order", order, "tables", tables);
		if (restore_id > 0)
			json_object_set_new(o, "restore", json_integer(restore_id));
		cli_json_print(o);
		json_decref(o);
	} else {
		json_decref(order);
		json_decref(tables);
	}
	journal_imports_free(rows, nrows);
	restore_plan_free(p);
	return rc;
}
