/* The journal, backend-neutral: who runs an import and whether that process
 * still lives, the status rules where a status changes, and typed reads,
 * all through the store's operations (the SQLite ones are in
 * store-sqlite-journal.c and store-sqlite-read.c). */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fatal.h"
#include "i18n.h"
#include "journal.h"
#include "xmalloc.h"

struct journal {
	struct store *store;
	const struct store_ops *ops;
	int64_t id;		   /* the import this journal started or claimed */
	enum import_status status; /* and the status it last gave it */
};

static const char *const error_type_names[ERROR_TYPE_COUNT] = {
	[ERROR_VALIDATION] = "validation",
	[ERROR_DATABASE] = "database",
	[ERROR_SYSTEM] = "system",
	[ERROR_BUSINESS] = "business",
	[ERROR_CONNECTION] = "connection",
};

static const char *const error_type_labels[ERROR_TYPE_COUNT] = {
	[ERROR_VALIDATION] = NC_("error type", "validation"),
	[ERROR_DATABASE] = NC_("error type", "database"),
	[ERROR_SYSTEM] = NC_("error type", "system"),
	[ERROR_BUSINESS] = NC_("error type", "business"),
	[ERROR_CONNECTION] = NC_("error type", "connection"),
};

const char *
record_error_type_name(enum error_type t)
{
	return error_type_names[t];
}

const char *
record_error_type_label(enum error_type t)
{
	return i18n_context(error_type_labels[t]);
}

int
record_error_type_parse(const char *name)
{
	for (int t = 0; name != NULL && t < ERROR_TYPE_COUNT; t++)
		if (!strcmp(name, error_type_names[t]))
			return t;
	return -1;
}

struct journal *
journal_open(struct store *store)
{
	struct journal *j = xcalloc(1, sizeof *j);
	j->store = store;
	j->ops = store->ops;
	return j;
}

enum store_status
journal_prepare(struct journal *j)
{
	return j->ops->journal_prepare(j->store);
}

void
journal_close(struct journal *j)
{
	free(j);
}

static void
journal_host(char *host, size_t size)
{
	host[0] = '\0';
	gethostname(host, size - 1);
	host[size - 1] = '\0';
}

/* Remembers the status this journal gave import id, after checking the
 * move is allowed. */
static void
journal_set_status(struct journal *j, int64_t id, enum import_status from, enum import_status to)
{
	fatal_assert(status_may_become(from, to));
	j->id = id;
	j->status = to;
}

enum store_status
journal_import_start(struct journal *j, const struct import_info *info, int64_t *id)
{
	char host[256];
	journal_host(host, sizeof host);
	struct passwd *pw = getpwuid(getuid());
	struct import_info full = *info;
	full.pid = (int64_t)getpid();
	full.host = host;
	full.user_name = pw ? pw->pw_name : NULL;
	enum store_status ss = j->ops->import_start(j->store, &full, id);
	if (ss == STORE_OK)
		journal_set_status(j, *id, STATUS_RUNNING, STATUS_RUNNING);
	return ss;
}

enum store_status
journal_rows(struct journal *j, int64_t id, uint64_t batch_no, const struct record *records, size_t n)
{
	return j->ops->journal_rows(j->store, id, batch_no, records, n);
}

enum store_status
journal_seen(struct journal *j, int64_t id, const struct record *records, size_t n)
{
	return j->ops->journal_seen(j->store, id, records, n);
}

enum store_status
journal_seen_clear(struct journal *j, int64_t id)
{
	return j->ops->seen_clear(j->store, id);
}

enum store_status
journal_batch(struct journal *j, int64_t id, uint64_t batch_no, uint64_t first_row, uint64_t rows,
    const struct counts *c, unsigned attempts, uint64_t duration_ms, const char *status)
{
	struct batch_row b = {
		.batch_no = batch_no,
		.first_row = first_row,
		.rows = rows,
		.attempts = attempts,
		.duration_ms = duration_ms,
		.status = (char *)status,
	};
	memcpy(b.n, c->n, sizeof b.n);
	return j->ops->journal_batch(j->store, id, &b);
}

enum store_status
journal_progress(struct journal *j, int64_t id, uint64_t rows_done, uint64_t bytes_done,
    uint64_t total, const struct counts *c, enum import_status status, const char *last_error,
    int finished)
{
	if (j->id == id)
		journal_set_status(j, id, j->status, status);
	return j->ops->journal_progress(j->store, id, rows_done, bytes_done, total, c->n, status,
	    last_error, finished);
}

enum store_status
journal_claim(struct journal *j, int64_t id, enum import_status from)
{
	char host[256];
	journal_host(host, sizeof host);
	enum store_status ss = j->ops->claim(j->store, id, from, (int64_t)getpid(), host);
	if (ss == STORE_OK)
		journal_set_status(j, id, from, STATUS_RUNNING);
	return ss;
}

enum store_status
journal_lock(struct journal *j, int64_t id)
{
	return store_lock_import(j->store, id);
}

void
journal_unlock(struct journal *j)
{
	store_unlock_import(j->store);
}

/* Whether row is an import this process runs. */
static int
journal_mine(const struct import_row *r)
{
	char me[256];
	journal_host(me, sizeof me);
	return status_is_live(r->status) && r->pid == (int64_t)getpid() && r->host != NULL &&
	    !strcmp(r->host, me) && !r->dry_run;
}

int64_t
journal_own_import(struct journal *j, int64_t id)
{
	int64_t found = 0;
	if (id != 0) {
		struct import_row row;
		if (j->ops->import_get(j->store, id, &row) == 1) {
			if (journal_mine(&row))
				found = id;
			store_import_row_clear(&row);
		}
	} else {
		/* Its start is the latest of this process's. */
		struct store_iter *it = j->ops->imports(j->store, 10);
		const struct import_row *r;
		while (it != NULL && found == 0 && store_next_import(it, &r) == 1)
			if (journal_mine(r))
				found = r->id;
		store_iter_close(it);
	}
	if (found != 0)
		journal_set_status(j, found, STATUS_RUNNING, STATUS_RUNNING);
	return found;
}

uint64_t
journal_last_batch(struct journal *j, int64_t id)
{
	return j->ops->last_batch(j->store, id);
}

int
journal_process_alive(const char *host, int64_t pid)
{
	char me[256];
	journal_host(me, sizeof me);
	if (host == NULL || strcmp(host, me) != 0)
		return -1;
	if (pid <= 0 || (kill((pid_t)pid, 0) != 0 && errno != EPERM))
		return 0;
	/* A process killed but not yet reaped by its parent is gone too. */
	char path[64], comm[64] = "";
	snprintf(path, sizeof path, "/proc/%lld/stat", (long long)pid);
	FILE *sf = fopen(path, "r");
	if (sf != NULL) {
		char buf[512];
		size_t n = fread(buf, 1, sizeof buf - 1, sf);
		fclose(sf);
		buf[n] = '\0';
		const char *paren = strrchr(buf, ')');
		if (paren != NULL && (paren[2] == 'Z' || paren[2] == 'X'))
			return 0;
	}
	/* The pid may have been reused by another program since. */
	snprintf(path, sizeof path, "/proc/%lld/comm", (long long)pid);
	FILE *fp = fopen(path, "r");
	if (fp != NULL) {
		if (fgets(comm, sizeof comm, fp) == NULL)
			comm[0] = '\0';
		fclose(fp);
		return strncmp(comm, "sluice", 6) == 0 || strncmp(comm, "lt-sluice", 9) == 0;
	}
	return 1;
}

enum import_status
journal_status_seen(const struct import_row *row)
{
	if (status_is_live(row->status) && journal_process_alive(row->host, row->pid) == 0)
		return STATUS_INTERRUPTED;
	return row->status;
}

enum import_status
journal_settle(struct journal *j, struct import_row *row)
{
	enum import_status seen = journal_status_seen(row);
	if (seen == row->status)
		return seen;
	/* Its process died (kill -9, reboot): what is committed stands, and
	 * resume continues from the cursor. Best effort: a locked database
	 * is settled next time. */
	fatal_assert(status_may_become(row->status, seen));
	j->ops->settle(j->store, row->id, row->status, seen,
	    _("The process running the import ended without finishing it."));
	row->status = seen;
	return seen;
}

enum store_status
journal_fixes(struct journal *j, int64_t id, const struct engine_fix *fixes, size_t n,
    const char *const *headers, size_t nheaders)
{
	return j->ops->journal_fixes(j->store, id, fixes, n, headers, nheaders);
}

enum store_status
journal_mapping_save(struct journal *j, const char *fingerprint, const char *schema,
    const char *mapping_json)
{
	return j->ops->mapping_save(j->store, fingerprint, schema, mapping_json);
}

char *
journal_mapping_load(struct journal *j, const char *fingerprint, const char *schema)
{
	return j->ops->mapping_load(j->store, fingerprint, schema);
}

enum store_status
journal_notice_claim(struct journal *j, int64_t id, const char *end)
{
	return j->ops->notice_claim(j->store, id, end);
}

enum store_status
journal_notice_save(struct journal *j, int64_t id, const char *end, const char *outcomes_json)
{
	return j->ops->notice_save(j->store, id, end, outcomes_json);
}

int
journal_notices(struct journal *j, int64_t id, char ***outcomes_json, size_t *n)
{
	return j->ops->notices(j->store, id, outcomes_json, n);
}

enum store_status
journal_rolled_back(struct journal *j, int64_t id, enum import_status from, uint64_t deleted,
    uint64_t restored, uint64_t conflicts, int forced)
{
	fatal_assert(from == STATUS_NONE || status_may_become(from, STATUS_ROLLED_BACK));
	return j->ops->rolled_back(j->store, id, deleted, restored, conflicts, forced);
}

/* --- Reading -------------------------------------------------------------- */

enum store_status
journal_read_begin(struct journal *j)
{
	return j->ops->read_begin(j->store);
}

void
journal_read_end(struct journal *j)
{
	j->ops->read_end(j->store);
}

int
journal_import(struct journal *j, int64_t id, struct import_row *row)
{
	memset(row, 0, sizeof *row);
	return j->ops->import_get(j->store, id, row);
}

int
journal_imports(struct journal *j, unsigned limit, struct import_row **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	struct store_iter *it = j->ops->imports(j->store, limit);
	if (it == NULL)
		return -1;
	const struct import_row *r;
	int rc;
	while ((rc = store_next_import(it, &r)) == 1) {
		*rows = xreallocarray(*rows, *n + 1, sizeof **rows);
		store_import_row_copy(&(*rows)[(*n)++], r);
	}
	store_iter_close(it);
	/* Settled once the cursor is done with the table. */
	for (size_t i = 0; i < *n; i++)
		journal_settle(j, &(*rows)[i]);
	return rc;
}

int
journal_restore(struct journal *j, int64_t restore_id, struct import_row **rows, size_t *n)
{
	/* A journal holds few imports: every one is read, the restore's kept
	 * (the same for every backend, and for journals without the column). */
	struct import_row *all;
	size_t nall, k = 0;
	int rc = journal_imports(j, 0, &all, &nall);
	*rows = xcalloc(nall ? nall : 1, sizeof **rows);
	for (size_t i = nall; i-- > 0;) {
		if (rc == 0 && all[i].restore_id == restore_id)
			(*rows)[k++] = all[i];
		else
			store_import_row_clear(&all[i]);
	}
	free(all);
	*n = k;
	return rc;
}

void
journal_imports_free(struct import_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		store_import_row_clear(&rows[i]);
	free(rows);
}

static char *
journal_strdup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

int
journal_errors(struct journal *j, int64_t id, unsigned limit, struct error_row **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	struct store_iter *it = j->ops->errors(j->store, id, limit);
	if (it == NULL)
		return -1;
	const struct error_row *e;
	int rc;
	while ((rc = store_next_error(it, &e)) == 1) {
		*rows = xreallocarray(*rows, *n + 1, sizeof **rows);
		struct error_row *c = &(*rows)[(*n)++];
		*c = *e;
		c->field = journal_strdup(e->field);
		c->message = journal_strdup(e->message);
		c->value = journal_strdup(e->value);
	}
	store_iter_close(it);
	return rc;
}

void
journal_errors_free(struct error_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].field);
		free(rows[i].message);
		free(rows[i].value);
	}
	free(rows);
}

int
journal_error_counts(struct journal *j, int64_t id, enum store_count_by by,
    struct name_count **counts, size_t *n)
{
	return j->ops->error_counts(j->store, id, by, counts, n);
}

void
journal_counts_free(struct name_count *counts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(counts[i].name);
	free(counts);
}

struct store_iter *
journal_each_error(struct journal *j, int64_t id)
{
	return j->ops->errors(j->store, id, 0);
}

struct store_iter *
journal_each_batch(struct journal *j, int64_t id)
{
	return j->ops->batches(j->store, id);
}

int
journal_batch_facts(struct journal *j, int64_t id, struct batch_facts *f)
{
	memset(f, 0, sizeof *f);
	struct store_iter *it = journal_each_batch(j, id);
	if (it == NULL)
		return -1;
	const struct batch_row *b;
	int rc;
	while ((rc = store_next_batch(it, &b)) == 1) {
		f->batches++;
		if (b->status != NULL && !strcmp(b->status, "replayed"))
			f->failed_batches++;
		if (b->attempts > 1)
			f->retries += b->attempts - 1;
	}
	store_iter_close(it);
	return rc == 0 ? 0 : -1;
}

struct store_iter *
journal_each_fix(struct journal *j, int64_t id)
{
	return j->ops->fixes(j->store, id);
}

struct store_iter *
journal_each_reject(struct journal *j, int64_t id)
{
	return j->ops->rejects(j->store, id);
}

struct store_iter *
journal_each_change(struct journal *j, int64_t id, enum store_changes_order order)
{
	return j->ops->changes(j->store, id, order);
}

int
journal_reject_width(struct journal *j, int64_t id, size_t *width)
{
	return j->ops->reject_width(j->store, id, width);
}

const char *
journal_errmsg(struct journal *j)
{
	return store_errmsg(j->store);
}

time_t
journal_time(const char *iso)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof tm);
	if (iso == NULL || (end = strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL)
		return -1;
	/* The milliseconds, then Z. */
	if (*end == '.')
		end += 1 + strspn(end + 1, "0123456789");
	if (strcmp(end, "Z") != 0)
		return -1;
	return timegm(&tm);
}
