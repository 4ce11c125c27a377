/* sluice history and sluice show: reading the journal. History lists the
 * imports, filtered by start time, status and file, for people, as JSON or
 * as the CSV summary. */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli-progress.h"
#include "i18n.h"
#include "journal.h"
#include "mapping.h"
#include "report.h"
#include "store.h"
#include "summary.h"
#include "text.h"
#include "xmalloc.h"

struct cli_read_opts {
	const char *db;
	int json;
	const char *arg; /* the positional argument, if any */
	/* show's */
	const char *map_file; /* write the import's mapping file here */
	/* history's */
	int csv;
	const char *since;  /* as given: 7d, 2026-11-01 */
	const char *status; /* a list: failed,interrupted */
	const char *file;   /* a name or a pattern */
};

const struct cli_option cli_read_options[] = {
	{ "db", required_argument, 'd', NULL, NULL, 0 },
	{ "json", no_argument, 'j', NULL, NULL, 0 },
	{ "map-file", required_argument, 'm', NULL, NULL, 0 },
	{ "help", no_argument, 'h', NULL, NULL, 0 },
	{ NULL, 0, 0, NULL, NULL, 0 },
};

const struct cli_option cli_history_options[] = {
	{ "db", required_argument, 'd', NULL, NULL, 0 },
	{ "json", no_argument, 'j', NULL, NULL, 0 },
	{ "csv", no_argument, 'c', NULL, NULL, 0 },
	{ "since", required_argument, 's', NULL, NULL, 0 },
	{ "status", required_argument, 't', NULL, NULL, 0 },
	{ "file", required_argument, 'f', NULL, NULL, 0 },
	{ "help", no_argument, 'h', NULL, NULL, 0 },
	{ NULL, 0, 0, NULL, NULL, 0 },
};

static int
cli_read_args(const char *cmd, const struct cli_option *options, int argc, char **argv,
    struct cli_read_opts *o, int want_arg)
{
	int c;
	opterr = 0;
	optind = 1;
	while ((c = cli_getopt(options, argc, argv)) != -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 'j': o->json = 1; break;
		case 'c': o->csv = 1; break;
		case 's': o->since = optarg; break;
		case 't': o->status = optarg; break;
		case 'f': o->file = optarg; break;
		case 'm': o->map_file = optarg; break;
		case 'h': cli_help(cmd); return 0;
		default:
			if (optopt != 0 && optopt != '?')
				cli_error("usage",
				    _("sluice %s: %s needs a value; run sluice --help to see the options.\n"),
				    cmd, argv[optind - 1]);
			else
				cli_unknown_option(cmd, argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (want_arg) {
		if (optind >= argc) {
			cli_error("usage",
			    _("sluice %s: name the import, e.g. sluice %s 3 --db contacts.db (sluice history lists them).\n"),
			    cmd, cmd);
			return EXIT_USAGE;
		}
		o->arg = argv[optind++];
	}
	if (optind < argc) {
		cli_error("usage", _("sluice %s: unexpected argument \"%s\".\n"), cmd, argv[optind]);
		return EXIT_USAGE;
	}
	if (o->db == NULL) {
		cli_error("usage", _("sluice %s: name the database with --db PATH.\n"), cmd);
		return EXIT_USAGE;
	}
	if (!store_target_exists(o->db)) {
		cli_error("database",
		    _("sluice %s: there is no database %s; give the --db path an import used.\n"),
		    cmd, o->db);
		return EXIT_USAGE;
	}
	return -1;
}

static int
cli_open(const char *db, struct store **st, struct journal **j)
{
	char *cause = NULL;
	*st = store_open(db, &cause);
	if (*st == NULL) {
		cli_error("database", "sluice: %s\n", cause);
		free(cause);
		return -1;
	}
	*j = journal_open(*st);
	/* A journal that cannot be read (a file that is no database) is said
	 * so, not shown as a history without imports. One without sluice's
	 * tables reads as empty. */
	struct import_row *rows;
	size_t n;
	int rc = journal_imports(*j, 1, &rows, &n);
	journal_imports_free(rows, n);
	if (rc < 0) {
		char *shown = store_target_shown(db);
		char *why = text_escape(journal_errmsg(*j));
		cli_error("database",
		    _("sluice: cannot read the imports in %s: %s Give the --db path of a database sluice imported into.\n"),
		    shown, why);
		free(why);
		free(shown);
		journal_close(*j);
		store_close(*st);
		return -1;
	}
	return 0;
}

/* Text from the journal as JSON: null when there is none, "" when it is
 * not UTF-8. */
static json_t *
cli_json_text(const char *s)
{
	json_t *v = s != NULL ? json_string(s) : json_null();
	return v != NULL ? v : json_string("");
}

static json_t *
cli_json_int(int64_t n)
{
	return n >= 0 ? json_integer((json_int_t)n) : json_null();
}

/* One import as history --json prints it: every column of the journal's
 * sluice_imports, in its order. */
static json_t *
cli_import_json(const struct import_row *r)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer((json_int_t)r->id));
	json_object_set_new(o, "source_path", cli_json_text(r->source_path));
	json_object_set_new(o, "source_size", cli_json_int(r->source_size));
	json_object_set_new(o, "source_sha256", cli_json_text(r->source_sha256));
	json_object_set_new(o, "source_format", cli_json_text(r->source_format));
	json_object_set_new(o, "source_description", cli_json_text(r->source_description));
	json_object_set_new(o, "sheet", cli_json_text(r->sheet));
	json_object_set_new(o, "encoding", cli_json_text(r->encoding));
	json_object_set_new(o, "schema_name", cli_json_text(r->schema_name));
	json_object_set_new(o, "schema_path", cli_json_text(r->schema_path));
	json_object_set_new(o, "target_table", cli_json_text(r->target_table));
	json_object_set_new(o, "mapping", cli_json_text(r->mapping));
	json_object_set_new(o, "strategy", cli_json_text(r->strategy));
	json_object_set_new(o, "on_key_conflict", cli_json_text(r->on_key_conflict));
	json_object_set_new(o, "batch_size", cli_json_int(r->batch_size));
	json_object_set_new(o, "region", cli_json_text(r->region));
	json_object_set_new(o, "dry_run", json_integer(r->dry_run));
	json_object_set_new(o, "status", json_string(status_name(r->status)));
	json_object_set_new(o, "rows_done", json_integer((json_int_t)r->rows_done));
	json_object_set_new(o, "bytes_done", json_integer((json_int_t)r->bytes_done));
	json_object_set_new(o, "total", cli_json_int(r->total));
	for (int k = 0; k < OUTCOME_COUNT; k++)
		json_object_set_new(o, outcome_name(k), json_integer((json_int_t)r->n[k]));
	json_object_set_new(o, "started_at", cli_json_text(r->started_at));
	json_object_set_new(o, "finished_at", cli_json_text(r->finished_at));
	json_object_set_new(o, "last_error", cli_json_text(r->last_error));
	json_object_set_new(o, "pid", cli_json_int(r->pid));
	json_object_set_new(o, "host", cli_json_text(r->host));
	json_object_set_new(o, "user_name", cli_json_text(r->user_name));
	json_object_set_new(o, "rolled_back_at", cli_json_text(r->rolled_back_at));
	json_object_set_new(o, "rollback", cli_json_text(r->rollback));
	json_object_set_new(o, "restore_id",
	    r->restore_id > 0 ? json_integer(r->restore_id) : json_null());
	return o;
}

/* What history keeps: imports started at or after since (an ISO time,
 * "" for all), with a status in statuses (all when none), whose file's path
 * or base name matches the pattern file (NULL for all). */
struct cli_history_filter {
	char since[32];
	int statuses[STATUS_COUNT];
	int any_status;
	const char *file;
};

/* --since 7d (a duration back from now) or 2026-11-01 (a UTC day, with
 * THH:MM:SS if wanted) as an ISO time like the journal's; -1 on error. */
static int
cli_history_since(const char *arg, char *out, size_t size)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	const char *end = strptime(arg, "%Y-%m-%d", &tm);
	if (end != NULL && *end == 'T')
		end = strptime(end, "T%H:%M:%S", &tm);
	/* With milliseconds, as the journal writes them (an older journal's
	 * time without them, in the same second, still compares after). */
	if (end != NULL && (*end == '\0' || !strcmp(end, "Z"))) {
		strftime(out, size, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
		return 0;
	}
	double back = cli_duration_parse(arg);
	if (back < 0)
		return -1;
	time_t t = time(NULL) - (time_t)back;
	strftime(out, size, "%Y-%m-%dT%H:%M:%S.000Z", gmtime_r(&t, &tm));
	return 0;
}

static int
cli_history_filter_parse(const struct cli_read_opts *o, struct cli_history_filter *f)
{
	memset(f, 0, sizeof *f);
	f->any_status = 1;
	f->file = o->file;
	if (o->since != NULL && cli_history_since(o->since, f->since, sizeof f->since) != 0) {
		cli_error("usage",
		    _("sluice history: --since needs a time back such as 7d, 12h or 30m, or a day such as 2026-11-01, not \"%s\".\n"),
		    o->since);
		return -1;
	}
	if (o->status == NULL)
		return 0;
	f->any_status = 0;
	char *list = xstrdup(o->status), *save = NULL;
	for (char *w = strtok_r(list, ", ", &save); w != NULL; w = strtok_r(NULL, ", ", &save)) {
		enum import_status st = status_parse(w);
		if (st == STATUS_NONE) {
			char *esc = text_escape(w);
			cli_error("usage",
			    _("sluice history: \"%s\" is not a status; give a list of running, completed, completed_with_errors, interrupted, failed, cancelled, rolled_back.\n"),
			    esc);
			free(esc);
			free(list);
			return -1;
		}
		f->statuses[st] = 1;
	}
	free(list);
	return 0;
}

static int
cli_history_keeps(const struct cli_history_filter *f, const struct import_row *r)
{
	if (f->since[0] != '\0' && (r->started_at == NULL || strcmp(r->started_at, f->since) < 0))
		return 0;
	if (!f->any_status && (r->status == STATUS_NONE || !f->statuses[r->status]))
		return 0;
	if (f->file != NULL) {
		const char *path = r->source_path ? r->source_path : "";
		const char *base = strrchr(path, '/');
		base = base ? base + 1 : path;
		if (fnmatch(f->file, path, 0) != 0 && fnmatch(f->file, base, 0) != 0)
			return 0;
	}
	return 1;
}

/* The imports history shows: the newest CLI_HISTORY_MAX that f keeps. */
#define CLI_HISTORY_MAX 1000

int
cli_history(int argc, char **argv)
{
	struct cli_read_opts o = { 0 };
	int rc = cli_read_args("history", cli_history_options, argc, argv, &o, 0);
	if (rc >= 0)
		return rc;
	if (o.json && o.csv) {
		cli_error("usage",
		    _("sluice history: --json and --csv would both write to standard output; give one.\n"));
		return EXIT_USAGE;
	}
	struct cli_history_filter f;
	if (cli_history_filter_parse(&o, &f) != 0)
		return EXIT_USAGE;
	struct store *st;
	struct journal *j;
	if (cli_open(o.db, &st, &j) != 0)
		return EXIT_USAGE;
	/* The journal holds few imports: every one is read and the filters
	 * applied here, the same for every backend. */
	struct import_row *rows;
	size_t all, n = 0;
	journal_imports(j, 0, &rows, &all);
	for (size_t i = 0; i < all; i++) {
		if (n < CLI_HISTORY_MAX && cli_history_keeps(&f, &rows[i])) {
			if (n != i)
				rows[n] = rows[i];
			n++;
		} else
			store_import_row_clear(&rows[i]);
	}
	if (o.csv) {
		report_csv_summary_header(stdout);
		for (size_t i = 0; i < n && rc < 0; i++)
			if (report_csv_summary_line(stdout, j, &rows[i]) != 0) {
				cli_error("database",
				    _("sluice history: cannot read the journal: %s\n"),
				    journal_errmsg(j));
				rc = EXIT_USAGE;
			}
	} else if (o.json) {
		json_t *list = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(list, cli_import_json(&rows[i]));
		cli_json_print(list);
		json_decref(list);
	} else if (n == 0) {
		char *shown = store_target_shown(o.db);
		if (o.since || o.status || o.file)
			printf(_("No imports in %s match.\n"), shown);
		else
			printf(_("No imports yet in %s.\n"), shown);
		free(shown);
	} else {
		/* Padded by the columns they take: the headings and the
		 * statuses are translated, and printf pads by bytes. */
		static const struct {
			const char *heading;
			int width, right;
		} cols[] = {
			{ N_("ID"), 5, 1 },
			{ N_("STATUS"), 21, 0 },
			{ N_("STARTED"), 20, 0 },
			{ N_("TOOK"), 8, 1 },
			{ N_("ROWS"), 9, 1 },
			{ N_("CREATED"), 9, 1 },
			{ N_("UPDATED"), 9, 1 },
			{ N_("REJECTED"), 9, 1 },
			{ N_("TABLE"), 16, 0 },
		};
		for (size_t c = 0; c < sizeof cols / sizeof *cols; c++) {
			char *h = text_pad(_(cols[c].heading), cols[c].width, cols[c].right);
			printf("%s  ", h);
			free(h);
		}
		printf("%s\n", _("FILE"));
		for (size_t i = 0; i < n; i++) {
			const struct import_row *row = &rows[i];
			char *file = text_escape(row->source_path ?: "");
			/* The table names each of a restore's imports (one a
			 * table), so they read as counts per table. */
			char *shown_table = text_escape(row->target_table ?: "");
			char *table = text_pad(shown_table, 16, 0);
			free(shown_table);
			char st_buf[64], took[32] = "";
			snprintf(st_buf, sizeof st_buf, "%s%s", status_label(row->status),
			    row->dry_run ? _(" (dry)") : "");
			char *status = text_pad(st_buf, 21, 0);
			const char *started = row->started_at;
			const char *finished = row->finished_at;
			time_t begun = journal_time(started);
			if (begun != -1) {
				time_t end = journal_time(finished);
				if (end == -1)
					end = time(NULL);
				long secs = (long)difftime(end, begun);
				if (secs >= 3600)
					snprintf(took, sizeof took, "%ld:%02ld:%02ld", secs / 3600,
					    secs / 60 % 60, secs % 60);
				else
					snprintf(took, sizeof took, "%ld:%02ld", secs / 60,
					    secs % 60);
			}
			printf("%5lld  %s  %-20s  %8s  %9lld  %9lld  %9lld  %9lld  %s  %s\n",
			    (long long)row->id, status, started ? started : "", took,
			    (long long)(row->total >= 0 ? (uint64_t)row->total : row->rows_done),
			    (long long)row->n[OUTCOME_CREATED],
			    (long long)(row->n[OUTCOME_UPDATED] + row->n[OUTCOME_MERGED]),
			    (long long)(row->n[OUTCOME_REJECTED] + row->n[OUTCOME_FAILED]), table,
			    file);
			if (status_is_live(row->status))
				printf(
				    _("       running in process %lld on %s; follow it with sluice watch %lld\n"),
				    (long long)(row->pid >= 0 ? row->pid : 0), row->host ?: "?",
				    (long long)row->id);
			free(status);
			free(table);
			free(file);
		}
	}
	journal_imports_free(rows, n);
	journal_close(j);
	store_close(st);
	return rc < 0 ? 0 : rc;
}

/* show --map-file: the import's mapping, region and date order as a
 * mapping file that import --map-file reads. */
static int
cli_show_map_file(struct journal *j, int64_t id, const char *path)
{
	struct import_row row;
	if (journal_import(j, id, &row) != 1)
		return -1;
	struct mapping_settings s = { { 0 }, { 0 } };
	for (size_t i = 0; row.region && i < 2 && row.region[i]; i++)
		s.region[i] = (char)(row.region[i] >= 'a' && row.region[i] <= 'z' ?
			row.region[i] - 'a' + 'A' :
			row.region[i]);
	if (row.date_order != NULL)
		snprintf(s.date_order, sizeof s.date_order, "%s", row.date_order);
	char *text = mapping_file_text(row.mapping, row.schema_name ?: "?", &s);
	FILE *fp = fopen(path, "w");
	int rc = fp != NULL && fputs(text, fp) >= 0 ? 0 : -1;
	if (fp != NULL && fclose(fp) != 0)
		rc = -1;
	if (rc != 0) {
		char *esc = text_escape(path);
		cli_error("file", _("sluice show: cannot write the mapping file %s: %s.\n"), esc,
		    strerror(errno));
		free(esc);
	}
	free(text);
	store_import_row_clear(&row);
	return rc;
}

int
cli_show(int argc, char **argv)
{
	struct cli_read_opts o = { 0 };
	int rc = cli_read_args("show", cli_read_options, argc, argv, &o, 1);
	if (rc >= 0)
		return rc;
	char *end;
	long long id = strtoll(o.arg, &end, 10);
	if (*o.arg == '\0' || *end != '\0' || id <= 0) {
		cli_error("usage",
		    _("sluice show: \"%s\" is not an import id; sluice history lists them.\n"),
		    o.arg);
		return EXIT_USAGE;
	}
	struct store *st;
	struct journal *j;
	if (cli_open(o.db, &st, &j) != 0)
		return EXIT_USAGE;
	json_t *report = summary_from_journal(j, id, o.db);
	if (report != NULL && o.map_file != NULL && cli_show_map_file(j, id, o.map_file) != 0) {
		rc = EXIT_USAGE;
	} else if (report == NULL) {
		char *shown = store_target_shown(o.db);
		cli_error("import",
		    _("sluice show: there is no import %lld in %s; sluice history lists them.\n"),
		    id, shown);
		free(shown);
		rc = EXIT_USAGE;
	} else {
		if (o.json) {
			cli_json_print(report);
		} else
			summary_print(stdout, report);
		rc = 0;
	}
	json_decref(report);
	journal_close(j);
	store_close(st);
	return rc;
}
