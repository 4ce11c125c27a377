/* sluice import and sluice resume: the headless import, its options, its
 * progress display, its signals and its exit code. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "cli-notify.h"
#include "cli-progress.h"
#include "engine.h"
#include "progress-jsonl.h"
#include "report.h"
#include "source.h"
#include "store.h"
#include "i18n.h"
#include "mapping.h"
#include "summary.h"
#include "text.h"
#include "xmalloc.h"

static volatile sig_atomic_t cli_interrupts; /* SIGINT, SIGTERM */
static volatile sig_atomic_t cli_hangup;     /* SIGHUP: the terminal is gone */

static void
cli_on_signal(int sig)
{
	if (sig == SIGHUP)
		cli_hangup = 1;
	else
		cli_interrupts++;
}

static void
cli_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cli_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* After SIGHUP nothing may go to the dead terminal: the import goes on,
 * writing only to the database. */
static void
cli_detach(void)
{
	int fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		return;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
}

/* Events of the setup (before engine_start returns: waiting for a locked
 * database) come through the notice hook; later ones from the ring. */
static enum cli_progress_mode cli_mode;
/* Who is told how the import went (cli-notify.h). */
static struct cli_notify cli_notices;

/* A notice for people on stderr, escaped. */
static void
cli_say(const char *message)
{
	char *esc = text_escape(message);
	fprintf(stderr, "sluice: %s\n", esc);
	free(esc);
	fflush(stderr);
}

static void
cli_setup_notice(void *ctx, const char *message)
{
	(void)ctx;
	if (cli_mode == CLI_PROGRESS_JSONL) {
		struct progress_event ev = { .kind = PROGRESS_RETRY, .setup = 1 };
		snprintf(ev.message, sizeof ev.message, "%s", message);
		progress_jsonl_event(stderr, &ev);
		return;
	}
	cli_say(message);
}

/* What the progress display knows while an import runs. */
struct cli_display {
	enum cli_progress_mode mode;
	int line;     /* a progress line is drawn on stderr */
	int detached; /* the terminal is gone: nothing is shown */
	int cancelling;
	struct progress_jsonl_filter filter;
};

/* The signals: SIGINT or SIGTERM cancels (once); SIGHUP detaches from the
 * dead terminal, the import goes on. */
static int
cli_display_should_cancel(void *ctx)
{
	struct cli_display *d = ctx;
	if (cli_interrupts && !d->cancelling) {
		d->cancelling = 1;
		if (!d->detached) {
			if (d->line)
				cli_progress_clear(stderr);
			fprintf(stderr,
			    _("sluice: cancelling: the batch being written is rolled back…\n"));
		}
	}
	if (cli_hangup && !d->detached) {
		d->detached = 1;
		d->line = 0;
		cli_detach();
	}
	return d->cancelling;
}

static void
cli_display_event(void *ctx, const struct progress_event *ev)
{
	struct cli_display *d = ctx;
	if (d->detached)
		return;
	if (d->mode == CLI_PROGRESS_JSONL) {
		progress_jsonl_event(stderr, ev);
		return;
	}
	if (d->line)
		cli_progress_clear(stderr);
	cli_say(ev->message);
}

static void
cli_display_snapshot(void *ctx, const struct progress_snapshot *s)
{
	struct cli_display *d = ctx;
	if (cli_notices.n != NULL)
		notify_progress(cli_notices.n, s);
	if (d->detached)
		return;
	if (d->line)
		cli_progress_draw(stderr, s);
	else if (d->mode == CLI_PROGRESS_JSONL && progress_jsonl_filter(&d->filter, s))
		progress_jsonl_snapshot(stderr, s);
}

/* Text from the file as JSON, new: escaped when it is not UTF-8. */
static json_t *
cli_text_json(const char *v)
{
	json_t *j = json_string(v);
	if (j == NULL) {
		char *esc = text_escape(v);
		j = json_string(esc);
		free(esc);
	}
	return j;
}

/* Strings s[which[i]] (s[i] when which is NULL) as a JSON array, new. */
static json_t *
cli_strings_json(const char *const *s, const size_t *which, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, cli_text_json(s[which ? which[i] : i]));
	return arr;
}

/* Field names of schema s as a JSON array, new. */
static json_t *
cli_fields_json(const struct schema *s, const size_t *fields, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_string(s->fields[fields[i]].name));
	return arr;
}

/* What a refused mapping concerns: the headers found, the fields still
 * missing, the columns left out and those only likely. */
static void
cli_mapping_concerns(json_t *error, const struct mapping *m, const struct schema *s)
{
	json_object_set_new(error, "headers",
	    cli_strings_json((const char *const *)m->headers, NULL, m->ncolumns));
	struct mapping_gaps gaps;
	mapping_gaps(m, s, &gaps);
	json_object_set_new(error, "fields_missing",
	    cli_fields_json(s, gaps.required, gaps.nrequired));
	json_object_set_new(error, "match_key_missing",
	    gaps.unkeyed ? cli_fields_json(s, s->match_keys, s->nmatch_keys) : json_array());
	mapping_gaps_clear(&gaps);
	size_t *out;
	size_t nout = mapping_unmapped(m, &out);
	json_object_set_new(error, "columns_left_out",
	    cli_strings_json((const char *const *)m->headers, out, nout));
	free(out);
	json_t *likely = json_array();
	for (size_t c = 0; c < m->ncolumns; c++)
		if (m->source[c] == MAPPING_LIKELY)
			json_array_append_new(likely,
			    json_pack("{s:o, s:s}", "column", cli_text_json(m->headers[c]), "field",
				s->fields[m->field[c]].name));
	json_object_set_new(error, "columns_likely", likely);
}

/* engine_start's refusal as JSON, kept for --json. */
static void
cli_refused(void *ctx, const struct engine_refusal *r)
{
	json_t **out = ctx;
	json_t *o = cli_refusal_json(engine_refusal_name(r->kind), r->message);
	json_t *error = json_object_get(o, "error");
	if (r->file != NULL)
		json_object_set_new(error, "file", cli_text_json(r->file));
	if (r->mapping != NULL && r->schema != NULL)
		cli_mapping_concerns(error, r->mapping, r->schema);
	json_decref(*out);
	*out = o;
}

/* What the engine's result does not hold: the batches as the journal
 * recorded them (a dry run records none). */
static void
cli_import_batch_facts(json_t *summary, const char *db, int64_t id)
{
	char *cause = NULL;
	struct store *st = id > 0 ? store_open(db, &cause) : NULL;
	free(cause);
	if (st == NULL) {
		json_object_set_new(summary, "batches", json_null());
		json_object_set_new(summary, "failed_batches", json_null());
		json_object_set_new(summary, "retries", json_null());
		return;
	}
	struct journal *j = journal_open(st);
	summary_batch_facts(summary, j, id);
	journal_close(j);
	store_close(st);
}

/* A JSON backup of several tables imported without --sheet: import takes
 * its first table; says so, and that sluice restore restores them all.
 * Only a file starting with '{' is looked into (a first pass over it). */
static void
cli_import_backup_notice(const char *path, const char *db, const char *sheet)
{
	if (sheet != NULL)
		return;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return;
	char head[64];
	ssize_t n = read(fd, head, sizeof head);
	close(fd);
	ssize_t i = n >= 3 && !memcmp(head, "\xef\xbb\xbf", 3) ? 3 : 0;
	while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
		i++;
	if (i >= n || head[i] != '{')
		return;
	struct source_options so = { .empty_ok = true };
	char *cause = NULL;
	struct source *s = source_open(path, &so, &cause);
	free(cause);
	if (s == NULL)
		return;
	size_t nt;
	const struct source_sheet_info *t = source_sheets(s, &nt);
	if (!strcmp(source_format(s), "json") && nt > 1) {
		char *file = text_escape(path), *first = text_escape(t[0].name);
		char *masked = store_target_shown(db), *shown = text_escape(masked);
		free(masked);
		fprintf(stderr,
		    ngettext(
			"sluice: %s is a JSON backup of %zu table; import takes only its first, %s (--sheet TABLE names another). Restore every table with: sluice restore %s --db %s\n",
			"sluice: %s is a JSON backup of %zu tables; import takes only its first, %s (--sheet TABLE names another). Restore every table with: sluice restore %s --db %s\n",
			nt),
		    file, nt, first, file, shown);
		fflush(stderr);
		free(shown);
		free(first);
		free(file);
	}
	source_close(s);
}

/* Runs an engine to its end while showing its progress, then prints the
 * summary. Returns the exit code. */
static int
cli_run(const struct engine_options *o, int json, enum cli_progress_mode mode, const char *report)
{
	cli_signals();
	char *cause = NULL;
	json_t *refusal = NULL;
	const struct engine_hooks hooks = {
		.notice = cli_setup_notice,
		.refused = cli_refused,
		.ctx = &refusal,
	};
	cli_mode = mode;
	struct engine *e = engine_start(o, &hooks, &cause);
	if (e == NULL) {
		cli_say(cause);
		free(cause);
		if (json && refusal != NULL) {
			json_object_set_new(json_object_get(refusal, "error"), "database",
			    json_string(o->db));
			cli_json_print(refusal);
		}
		json_decref(refusal);
		return EXIT_USAGE;
	}
	if (notify_wanted(&cli_notices.o))
		cli_notices.n = notify_new(&cli_notices.o, o->db);
	struct progress_snapshot started;
	progress_read(engine_progress(e), &started);
	cli_notify_started(&cli_notices, started.id, o->path);
	struct cli_display d = {
		.mode = mode,
		.line = mode == CLI_PROGRESS_AUTO && isatty(STDERR_FILENO),
	};
	const struct engine_watcher w = {
		.should_cancel = cli_display_should_cancel,
		.event = cli_display_event,
		.snapshot = cli_display_snapshot,
		.ctx = &d,
	};
	engine_watch(e, &w);
	if (d.line)
		cli_progress_clear(stderr);

	struct engine_result res;
	engine_finish(e, &res);
	json_t *summary = summary_from_result(&res, o->db);
	cli_import_batch_facts(summary, o->db, res.id);
	int rc = status_exit_code(res.status);
	if (json) {
		if (rc == EXIT_INTERRUPTED)
			json_object_set_new(summary, "error",
			    json_pack("{s:s, s:O, s:s}", "kind", status_name(res.status), "type",
				json_object_get(summary, "last_error_type"), "message",
				res.last_error ? res.last_error : status_label(res.status)));
		cli_json_print(summary);
	} else
		summary_print(stdout, summary);
	fflush(stdout);
	if (report != NULL && res.id > 0) {
		/* The rows are written whatever happens to the report: its
		 * failure is said, the import's exit code stands. */
		char *why = NULL;
		if (report_write_file(o->db, res.id, report, &why) != 0) {
			cli_say(why);
			free(why);
		}
	}
	/* The notices, once the report is there to attach; how each went is
	 * said and journaled, the exit code stands. */
	if (cli_notices.n != NULL)
		notify_end(cli_notices.n, summary, report, d.detached ? NULL : stderr);
	json_decref(summary);
	engine_result_clear(&res);
	return rc;
}

/* --strategy replace without --yes: on a terminal, a dry run counts the
 * records that would be deleted and the person types the table's name to
 * go ahead; elsewhere a refusal. 0 to go ahead, else the exit code. */
static int
cli_replace_confirm(const struct engine_options *o)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO)) {
		cli_error("usage",
		    _("sluice import: --strategy replace deletes the records of the table that are not in the file; add --yes to go ahead (--dry-run shows how many).\n"));
		return EXIT_USAGE;
	}
	struct engine_options dry = *o;
	dry.dry_run = 1;
	dry.unrecorded = 1;
	struct engine_result res;
	char *cause = NULL;
	fprintf(stderr, _("sluice: counting the records the replace would delete (a dry run)…\n"));
	/* A file or database it cannot use: the import itself says why. */
	if (engine_import(&dry, NULL, &res, &cause) != 0) {
		free(cause);
		return 0;
	}
	uint64_t n = res.counts.n[OUTCOME_DELETED];
	char *table = text_escape(res.table ? res.table : "");
	int rc = 0;
	if (n > 0) {
		fprintf(stderr,
		    ngettext(
			"This deletes %llu record of table %s that is not in the file. Type the table's name to go ahead: ",
			"This deletes %llu records of table %s that are not in the file. Type the table's name to go ahead: ",
			n),
		    (unsigned long long)n, table);
		fflush(stderr);
		char line[256];
		if (fgets(line, sizeof line, stdin) == NULL)
			line[0] = '\0';
		line[strcspn(line, "\r\n")] = '\0';
		if (strcmp(line, res.table ? res.table : "") != 0) {
			fprintf(stderr,
			    _("sluice import: not the table's name; nothing was done.\n"));
			rc = EXIT_USAGE;
		}
	}
	free(table);
	engine_result_clear(&res);
	return rc;
}

/* Parses a whole number in [min, max] for option name; -1 on error. */
static int
cli_number(const char *name, const char *arg, unsigned min, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || arg[0] == '-' || v < min || v > max) {
		cli_error("usage", _("sluice: %s needs a whole number from %u to %u, not \"%s\".\n"),
		    name, min, max, arg);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

/* A size written as bytes, or with K or M (KiB, MiB): 1M, 512K, 2MiB. */
static int
cli_size(const char *name, const char *arg, size_t min, size_t max, size_t *out)
{
	char *end;
	unsigned long long v = strtoull(arg, &end, 10);
	if (end != arg && arg[0] != '-' && (*end | 0x20) == 'k' && v <= max / 1024) {
		v *= 1024;
		end++;
	} else if (end != arg && arg[0] != '-' && (*end | 0x20) == 'm' && v <= max / (1024 * 1024)) {
		v *= 1024 * 1024;
		end++;
	}
	if (end[0] != '\0' && !strcasecmp(end, "iB"))
		end += 2;
	if (*arg == '\0' || end == arg || *end != '\0' || arg[0] == '-' || v < min || v > max) {
		cli_error("usage",
		    _("sluice: %s needs a size from %zu KiB to %zu MiB, such as 512K or 4M, not \"%s\".\n"),
		    name, min / 1024, max / (1024 * 1024), arg);
		return -1;
	}
	*out = (size_t)v;
	return 0;
}

static int
cli_delimiter(const char *arg)
{
	static const struct {
		const char *name;
		int c;
	} names[] = {
		{ ",", ',' },
		{ "comma", ',' },
		{ ";", ';' },
		{ "semicolon", ';' },
		{ "\t", '\t' },
		{ "\\t", '\t' },
		{ "tab", '\t' },
		{ "TAB", '\t' },
		{ "|", '|' },
		{ "pipe", '|' },
	};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (!strcmp(arg, names[i].name))
			return names[i].c;
	if (strlen(arg) == 1 && arg[0] != '"' && arg[0] != '\n' && arg[0] != '\r')
		return (unsigned char)arg[0];
	return -1;
}

/* Options of import and resume. */
enum {
	OPT_DB = 256,
	OPT_SCHEMA,
	OPT_MAP,
	OPT_MAP_FILE,
	OPT_STRATEGY,
	OPT_BATCH,
	OPT_RETRIES,
	OPT_RETRY_BASE,
	OPT_REGION,
	OPT_DATE_ORDER,
	OPT_DELIMITER,
	OPT_DRY_RUN,
	OPT_JSON,
	OPT_HELP,
	OPT_SHEET,
	OPT_ENCODING,
	OPT_HEADER_ROW,
	OPT_PROGRESS,
	OPT_MAX_DURATION,
	OPT_REPORT,
	OPT_FORCE,
	OPT_INVALID_VALUES,
	OPT_STRICT_MAPPING,
	OPT_KEY_CONFLICT,
	OPT_RECONNECT_FOR,
	OPT_CONNECT_TIMEOUT,
	OPT_STATEMENT_TIMEOUT,
	OPT_THREADS,
	OPT_MAX_FIELD_SIZE,
	OPT_MAX_BATCHES,
	OPT_MAX_ERRORS,
	OPT_PACE,
	OPT_BATCH_DELAY,
	OPT_YES,
};

/* In the order of the usage's "Import options:". */
const struct cli_option cli_import_options[] = {
	{ "db", required_argument, OPT_DB, N_("--db PATH"),
	    N_("the database: an SQLite file (created when missing) or a\npostgresql:// URL"), 0 },
	{ "schema", required_argument, OPT_SCHEMA, N_("--schema NAME|PATH"),
	    N_("target schema (default: contacts)"), 0 },
	{ "map", required_argument, OPT_MAP, N_("--map 'Header=field,...'"),
	    N_("map source columns to fields ('Header=-' leaves one out)"), 0 },
	{ "map-file", required_argument, OPT_MAP_FILE, N_("--map-file FILE"),
	    N_("the same, one Header=field per line"), 0 },
	{ "strict-mapping", no_argument, OPT_STRICT_MAPPING, N_("--strict-mapping"),
	    N_("refuse when a column is left out by no rule or only likely"), 0 },
	{ "strategy", required_argument, OPT_STRATEGY, N_("--strategy skip|update|merge|replace"),
	    N_("what to do with rows matching a stored record (default:\nupdate); replace also deletes the records not in the file"),
	    0 },
	{ "yes", no_argument, OPT_YES, N_("--yes"),
	    N_("go ahead with --strategy replace without asking"), 0 },
	{ "on-key-conflict", required_argument, OPT_KEY_CONFLICT,
	    N_("--on-key-conflict reject|update"),
	    N_("a row matching a record by one key but not by another:\nreject it, or write it and replace the key (default: reject)"),
	    0 },
	{ "batch-size", required_argument, OPT_BATCH, N_("--batch-size N"),
	    N_("rows per batch, each batch its own transaction (default: %d,\nof which SQLite commits several batches together)"),
	    ENGINE_DEFAULT_BATCH },
	{ "retries", required_argument, OPT_RETRIES, N_("--retries N"),
	    N_("retries of a batch when the database is busy (default: %d)"), ENGINE_DEFAULT_RETRIES },
	{ "retry-base", required_argument, OPT_RETRY_BASE, N_("--retry-base MS"),
	    N_("first wait before a retry, doubled each time (default: %d)"),
	    ENGINE_DEFAULT_RETRY_BASE_MS },
	{ "threads", required_argument, OPT_THREADS, N_("--threads N"),
	    N_("threads validating rows (default: one per core)"), 0 },
	{ "region", required_argument, OPT_REGION, N_("--region CC"),
	    N_("phone region for numbers without +country code"), 0 },
	{ "date-order", required_argument, OPT_DATE_ORDER, N_("--date-order dmy|mdy"),
	    N_("how 03/04/2024 is read: day first or month first\n(default: the schema's, else as the headers' language writes dates)"),
	    0 },
	{ "delimiter", required_argument, OPT_DELIMITER, N_("--delimiter C"),
	    N_("CSV delimiter (default: detected among , ; TAB |)"), 0 },
	{ "encoding", required_argument, OPT_ENCODING, N_("--encoding NAME"),
	    N_("CSV encoding (default: detected; UTF-8, WINDOWS-1252, UTF-16…)"), 0 },
	{ "max-field-size", required_argument, OPT_MAX_FIELD_SIZE, N_("--max-field-size SIZE"),
	    N_("CSV: a longer field rejects its row (default: 1M;\n1K to 256M)"), 0 },
	{ "sheet", required_argument, OPT_SHEET, N_("--sheet NAME|N"),
	    N_("workbook sheet (default: the first visible one holding rows)"), 0 },
	{ "header-row", required_argument, OPT_HEADER_ROW, N_("--header-row N"),
	    N_("CSV line or workbook row of the header (default: the\nfirst that looks like one)"),
	    0 },
	{ "invalid-values", required_argument, OPT_INVALID_VALUES,
	    N_("--invalid-values schema|reject-row"),
	    N_("reject-row: any invalid value rejects its row; schema\n(default): each field's on_invalid says"),
	    0 },
	{ "dry-run", no_argument, OPT_DRY_RUN, N_("--dry-run"),
	    N_("do everything but keep the writes; report what would happen"), 0 },
	{ "json", no_argument, OPT_JSON, N_("--json"), N_("print the report as one JSON object"), 0 },
	{ "report", required_argument, OPT_REPORT, N_("--report FILE.xlsx|FILE.pdf"),
	    N_("write the XLSX or PDF report at the end"), 0 },
	{ "force", no_argument, OPT_FORCE, N_("--force"),
	    N_("let --report replace a file that exists"), 0 },
	{ "progress", required_argument, OPT_PROGRESS, N_("--progress auto|jsonl|none"),
	    N_("progress on standard error (default: auto)"), 0 },
	{ "max-duration", required_argument, OPT_MAX_DURATION, N_("--max-duration D"),
	    N_("stop at a batch boundary after D (90s, 10m, 1h30m)"), 0 },
	{ "max-batches", required_argument, OPT_MAX_BATCHES, N_("--max-batches N"),
	    N_("stop at a batch boundary after N batches (resumable)"), 0 },
	{ "max-errors", required_argument, OPT_MAX_ERRORS, N_("--max-errors N|P%"),
	    N_("stop at a batch boundary once more than N rows (or P%% of\nthose written) are rejected or failed; 0: at the first"),
	    0 },
	{ "pace", required_argument, OPT_PACE, N_("--pace ROWS/s"),
	    N_("write at most ROWS rows a second, so that others sharing\nthe database are not starved"),
	    0 },
	{ "batch-delay", required_argument, OPT_BATCH_DELAY, N_("--batch-delay MS"),
	    N_("wait MS milliseconds between two batches"), 0 },
	{ "reconnect-for", required_argument, OPT_RECONNECT_FOR, N_("--reconnect-for D"),
	    N_("reconnect to a lost PostgreSQL server for up to D\n(default: %d s; 0: never)"),
	    ENGINE_DEFAULT_RECONNECT_FOR_S },
	{ "connect-timeout", required_argument, OPT_CONNECT_TIMEOUT, N_("--connect-timeout SECONDS"),
	    N_("how long a connection attempt to PostgreSQL may take\n(default: 10)"), 0 },
	{ "statement-timeout", required_argument, OPT_STATEMENT_TIMEOUT,
	    N_("--statement-timeout SECONDS"),
	    N_("how long one statement may take on PostgreSQL; no answer\nsoon after: the connection is lost (default: %d; 0: none)"),
	    ENGINE_DEFAULT_STATEMENT_TIMEOUT_S },
	CLI_NOTIFY_OPTIONS,
	{ "detach", no_argument, CLI_NOTIFY_DETACH, N_("--detach"),
	    N_("start the import in the background, print its id and return"), 0 },
	{ "help", no_argument, OPT_HELP, NULL, NULL, 0 },
	{ NULL, 0, 0, NULL, NULL, 0 },
};

/* Those resume takes: the ones of how the run is shown and how hard it
 * tries (cli_run_option), the database and --json. */
const struct cli_option cli_resume_options[] = {
	{ "db", required_argument, OPT_DB, NULL, NULL, 0 },
	{ "json", no_argument, OPT_JSON, NULL, NULL, 0 },
	{ "progress", required_argument, OPT_PROGRESS, NULL, NULL, 0 },
	{ "max-duration", required_argument, OPT_MAX_DURATION, NULL, NULL, 0 },
	{ "max-batches", required_argument, OPT_MAX_BATCHES, NULL, NULL, 0 },
	{ "max-errors", required_argument, OPT_MAX_ERRORS, NULL, NULL, 0 },
	{ "pace", required_argument, OPT_PACE, NULL, NULL, 0 },
	{ "batch-delay", required_argument, OPT_BATCH_DELAY, NULL, NULL, 0 },
	{ "retries", required_argument, OPT_RETRIES, NULL, NULL, 0 },
	{ "retry-base", required_argument, OPT_RETRY_BASE, NULL, NULL, 0 },
	{ "threads", required_argument, OPT_THREADS, NULL, NULL, 0 },
	{ "max-field-size", required_argument, OPT_MAX_FIELD_SIZE, NULL, NULL, 0 },
	{ "reconnect-for", required_argument, OPT_RECONNECT_FOR, NULL, NULL, 0 },
	{ "connect-timeout", required_argument, OPT_CONNECT_TIMEOUT, NULL, NULL, 0 },
	{ "statement-timeout", required_argument, OPT_STATEMENT_TIMEOUT, NULL, NULL, 0 },
	CLI_NOTIFY_OPTIONS,
	{ "help", no_argument, OPT_HELP, NULL, NULL, 0 },
	{ NULL, 0, 0, NULL, NULL, 0 },
};

/* The options import and resume share: how the run is shown and how hard
 * it tries. Returns 1 when c was one of them, 0 when not, -1 on a bad
 * value (said on stderr). */
static int
cli_run_option(int c, const char *arg, struct engine_options *o, int *mode)
{
	switch (c) {
	case OPT_PROGRESS:
		if ((*mode = cli_progress_parse(arg)) < 0) {
			cli_error("usage",
			    _("sluice: --progress must be auto, jsonl or none, not \"%s\".\n"), arg);
			return -1;
		}
		return 1;
	case OPT_MAX_DURATION:
		if ((o->max_duration_s = cli_duration_parse(arg)) < 0) {
			cli_error("usage",
			    _("sluice: --max-duration needs a duration such as 90s, 10m or 1h30m, not \"%s\".\n"),
			    arg);
			return -1;
		}
		return 1;
	case OPT_MAX_BATCHES:
		return cli_number("--max-batches", arg, 1, UINT_MAX, &o->max_batches) != 0 ? -1 : 1;
	case OPT_MAX_ERRORS:
		if (engine_error_budget_parse(arg, &o->max_errors) != 0) {
			cli_error("usage",
			    _("sluice: --max-errors needs a number of rows (500) or a percentage (5%%), not \"%s\".\n"),
			    arg);
			return -1;
		}
		return 1;
	case OPT_PACE: {
		char *end;
		errno = 0;
		double v = strtod(arg, &end);
		if (end != arg && (!strcmp(end, "/s") || *end == '\0') && errno == 0 && v >= 1 &&
		    v <= 1e9 && arg[0] != '-') {
			o->pace = v;
			return 1;
		}
		cli_error("usage",
		    _("sluice: --pace needs rows a second such as 500/s, not \"%s\".\n"), arg);
		return -1;
	}
	case OPT_BATCH_DELAY:
		return cli_number("--batch-delay", arg, 0, 3600000, &o->batch_delay_ms) != 0 ? -1 : 1;
	case OPT_RETRIES: return cli_number("--retries", arg, 0, 100, &o->retries) != 0 ? -1 : 1;
	case OPT_RETRY_BASE:
		return cli_number("--retry-base", arg, 1, 60000, &o->retry_base_ms) != 0 ? -1 : 1;
	case OPT_THREADS:
		return cli_number("--threads", arg, 1, ENGINE_MAX_THREADS, &o->threads) != 0 ? -1 : 1;
	case OPT_MAX_FIELD_SIZE:
		return cli_size("--max-field-size", arg, 1024, SOURCE_FIELD_MAX_LIMIT,
			   &o->max_field) != 0 ?
		    -1 :
		    1;
	case OPT_HEADER_ROW:
		return cli_number("--header-row", arg, 1, 1000000, &o->header_line) != 0 ? -1 : 1;
	case OPT_RECONNECT_FOR:
		o->reconnect_for_s = strcmp(arg, "0") == 0 ? 0 : cli_duration_parse(arg);
		if (o->reconnect_for_s < 0) {
			cli_error("usage",
			    _("sluice: --reconnect-for needs a duration such as 90s, 10m or 1h30m, or 0, not \"%s\".\n"),
			    arg);
			return -1;
		}
		return 1;
	case OPT_CONNECT_TIMEOUT:
		return cli_number("--connect-timeout", arg, 1, 3600, &o->connect_timeout_s) != 0 ?
		    -1 :
		    1;
	case OPT_STATEMENT_TIMEOUT:
		return cli_number("--statement-timeout", arg, 0, 86400, &o->statement_timeout_s) != 0 ?
		    -1 :
		    1;
	default: return cli_notify_option(&cli_notices, c, arg);
	}
}

int
cli_import(int argc, char **argv)
{
	const char *report = NULL;
	int force = 0, yes = 0;
	struct engine_options o = {
		.strategy = STRATEGY_UPDATE,
		.batch_size = ENGINE_DEFAULT_BATCH,
		.retries = ENGINE_DEFAULT_RETRIES,
		.retry_base_ms = ENGINE_DEFAULT_RETRY_BASE_MS,
		.reconnect_for_s = ENGINE_DEFAULT_RECONNECT_FOR_S,
		.statement_timeout_s = ENGINE_DEFAULT_STATEMENT_TIMEOUT_S,
	};
	int json = 0, c;
	int mode = CLI_PROGRESS_AUTO;
	cli_notify_init(&cli_notices);
	if (cli_config_import_defaults(&cli_notices.settings, &o) != 0)
		return EXIT_USAGE;
	opterr = 0;
	optind = 1;
	while ((c = cli_getopt(cli_import_options, argc, argv)) != -1) {
		int shared = cli_run_option(c, optarg, &o, &mode);
		if (shared < 0)
			return EXIT_USAGE;
		if (shared > 0)
			continue;
		switch (c) {
		case OPT_DB: o.db = optarg; break;
		case OPT_SCHEMA: o.schema = optarg; break;
		case OPT_MAP: o.map = optarg; break;
		case OPT_MAP_FILE: o.map_file = optarg; break;
		case OPT_STRICT_MAPPING: o.strict_mapping = 1; break;
		case OPT_STRATEGY: {
			int s = store_strategy_parse(optarg);
			if (s < 0) {
				cli_error("usage",
				    _("sluice: --strategy must be skip, update, merge or replace, not \"%s\".\n"),
				    optarg);
				return EXIT_USAGE;
			}
			o.strategy = (enum strategy)s;
			break;
		}
		case OPT_KEY_CONFLICT: {
			int k = store_key_conflict_parse(optarg);
			if (k < 0) {
				fprintf(stderr,
				    _("sluice: --on-key-conflict must be reject or update, not \"%s\".\n"),
				    optarg);
				return EXIT_USAGE;
			}
			o.on_key_conflict = (enum key_conflict)k;
			break;
		}
		case OPT_BATCH:
			if (cli_number("--batch-size", optarg, 1, 1000000, &o.batch_size) != 0)
				return EXIT_USAGE;
			break;
		case OPT_REGION: o.region = optarg; break;
		case OPT_DATE_ORDER:
			if (schema_date_order_parse(optarg) < 0) {
				cli_error("usage",
				    _("sluice: --date-order must be dmy or mdy, not \"%s\".\n"),
				    optarg);
				return EXIT_USAGE;
			}
			o.date_order = optarg;
			break;
		case OPT_DELIMITER:
			o.delimiter = cli_delimiter(optarg);
			if (o.delimiter < 0) {
				cli_error("usage",
				    _("sluice: --delimiter must be one character, or comma, semicolon, tab or pipe.\n"));
				return EXIT_USAGE;
			}
			break;
		case OPT_INVALID_VALUES: {
			int iv = validate_invalid_values_parse(optarg);
			if (iv < 0) {
				fprintf(stderr,
				    _("sluice: --invalid-values must be schema or reject-row, not \"%s\".\n"),
				    optarg);
				return EXIT_USAGE;
			}
			o.invalid_values = (enum invalid_values)iv;
			break;
		}
		case OPT_DRY_RUN: o.dry_run = 1; break;
		case OPT_SHEET: o.sheet = optarg; break;
		case OPT_ENCODING: o.encoding = optarg; break;
		case OPT_REPORT: report = optarg; break;
		case OPT_FORCE: force = 1; break;
		case OPT_YES: yes = 1; break;
		case OPT_JSON: json = 1; break;
		case OPT_HELP: cli_help(argv[0]); return EXIT_ALL_IMPORTED;
		default: cli_unknown_option(argv[0], argv[optind - 1]); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_error("usage",
		    _("sluice import: name the file to import, e.g. sluice import contacts.csv --db contacts.db.\n"));
		return EXIT_USAGE;
	}
	o.path = argv[optind];
	if (optind + 1 < argc) {
		cli_error("usage",
		    _("sluice import: give one file at a time (\"%s\" is one too many).\n"),
		    argv[optind + 1]);
		return EXIT_USAGE;
	}
	if (o.db == NULL) {
		cli_error("usage",
		    _("sluice import: name the database with --db PATH (it is created when missing).\n"));
		return EXIT_USAGE;
	}
	cli_import_backup_notice(o.path, o.db, o.sheet);

	if (report != NULL) {
		char *why = NULL;
		if (o.dry_run) {
			cli_error("usage",
			    _("sluice import: a dry run keeps nothing to report on; leave out --report or --dry-run.\n"));
			return EXIT_USAGE;
		}
		if (report_check_path(report, o.db, o.path, &why) != 0) {
			char *esc = text_escape(why);
			cli_error("file", "sluice: %s\n", esc);
			free(esc);
			free(why);
			return EXIT_USAGE;
		}
		if (!force && report_path_exists(report)) {
			char *esc = text_escape(report);
			cli_error("file",
			    _("sluice import: %s exists; give --report another file name, or add --force to replace it.\n"),
			    esc);
			free(esc);
			return EXIT_USAGE;
		}
	}
	/* Asked before a detached import leaves the terminal. */
	if (o.strategy == STRATEGY_REPLACE && !o.dry_run && !yes) {
		int rc = cli_replace_confirm(&o);
		if (rc != 0)
			return rc;
	}
	if (cli_notify_ready(&cli_notices) != 0)
		return EXIT_USAGE;
	if (cli_notices.detach) {
		if (o.dry_run) {
			cli_error("usage",
			    _("sluice import: a dry run is not detached; leave out --detach or --dry-run.\n"));
			return EXIT_USAGE;
		}
		int rc = cli_notify_detach(&cli_notices, o.db, json);
		if (rc >= 0)
			return rc;
		mode = CLI_PROGRESS_NONE;
	}
	return cli_run(&o, json, (enum cli_progress_mode)mode, report);
}

int
cli_resume(int argc, char **argv)
{
	struct engine_options o = {
		.batch_size = ENGINE_DEFAULT_BATCH,
		.retries = ENGINE_DEFAULT_RETRIES,
		.retry_base_ms = ENGINE_DEFAULT_RETRY_BASE_MS,
		.reconnect_for_s = ENGINE_DEFAULT_RECONNECT_FOR_S,
		.statement_timeout_s = ENGINE_DEFAULT_STATEMENT_TIMEOUT_S,
	};
	int json = 0, mode = CLI_PROGRESS_AUTO, c;
	cli_notify_init(&cli_notices);
	opterr = 0;
	optind = 1;
	while ((c = cli_getopt(cli_resume_options, argc, argv)) != -1) {
		int shared = cli_run_option(c, optarg, &o, &mode);
		if (shared < 0)
			return EXIT_USAGE;
		if (shared > 0)
			continue;
		switch (c) {
		case OPT_DB: o.db = optarg; break;
		case OPT_JSON: json = 1; break;
		case OPT_HELP: cli_help(argv[0]); return EXIT_ALL_IMPORTED;
		default: cli_unknown_option(argv[0], argv[optind - 1]); return EXIT_USAGE;
		}
	}
	long long id;
	if (cli_import_id("resume", _("resume"), argc, argv, &id) != 0)
		return EXIT_USAGE;
	if (o.db == NULL) {
		cli_error("usage", _("sluice resume: name the database with --db PATH.\n"));
		return EXIT_USAGE;
	}
	if (!store_target_exists(o.db)) {
		cli_error("database",
		    _("sluice resume: there is no database %s; give the --db path the import used.\n"),
		    o.db);
		return EXIT_USAGE;
	}
	o.resume_id = id;
	if (cli_notify_ready(&cli_notices) != 0)
		return EXIT_USAGE;
	return cli_run(&o, json, (enum cli_progress_mode)mode, NULL);
}
