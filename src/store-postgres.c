/* The PostgreSQL store (libpq): connecting, what an error means, the
 * target table made from the schema, and upserts by match key and
 * strategy with the same rules as SQLite's. One transaction per batch;
 * the batch's table is locked against other writers for it, as SQLite's
 * write lock does. Its journal, reads and rollback are in
 * store-postgres-*.c. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "fatal.h"
#include "i18n.h"
#include "store-postgres.h"
#include "validate.h"
#include "xmalloc.h"

/* How long a statement waits on a lock before it reports 55P03; the
 * engine's retries with backoff come on top (as SQLite's busy timeout). */
#define STORE_PG_LOCK_TIMEOUT "2s"

/* Seconds past the statement timeout an answer is still waited for. */
#define STORE_PG_ANSWER_MARGIN_S 2

/* Seconds a connection attempt may take (the URI's connect_timeout wins). */
#define STORE_PG_CONNECT_TIMEOUT "10"

/* --- Buffers and identifiers -------------------------------------------------- */

void
pg_buf_add(struct pg_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
pg_buf_printf(struct pg_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *part = xvasprintf(fmt, ap);
	va_end(ap);
	pg_buf_add(b, part, strlen(part));
	free(part);
}

void
pg_buf_element(struct pg_buf *b, const char *v)
{
	pg_buf_add(b, b->len == 0 ? "{" : ",", 1);
	if (v == NULL) {
		pg_buf_add(b, "NULL", 4);
		return;
	}
	pg_buf_add(b, "\"", 1);
	for (const char *p = v;;) {
		size_t plain = strcspn(p, "\"\\");
		pg_buf_add(b, p, plain);
		p += plain;
		if (*p == '\0')
			break;
		pg_buf_add(b, "\\", 1);
		pg_buf_add(b, p++, 1);
	}
	pg_buf_add(b, "\"", 1);
}

void
pg_buf_array_end(struct pg_buf *b)
{
	if (b->len == 0)
		pg_buf_add(b, "{", 1);
	pg_buf_add(b, "}", 1);
}

void
pg_buf_free(struct pg_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof *b);
}

char *
store_pg_ident(struct store_pg *st, const char *name)
{
	char *q = PQescapeIdentifier(st->conn, name, strlen(name));
	if (q == NULL)
		fatal(_("sluice: cannot quote the name %s: %s"), name, PQerrorMessage(st->conn));
	char *out = xstrdup(q);
	PQfreemem(q);
	return out;
}

/* --- Errors ------------------------------------------------------------------ */

/* What a lost connection means, before libpq's detail. */
#define STORE_PG_LOST                                                                              \
	N_("The connection to the PostgreSQL server was lost. What was committed stays, and the journal knows which batches that is.")

static void
store_pg_set_error(struct store_pg *st, char *msg)
{
	free(st->errmsg);
	st->errmsg = msg;
}

/* Whether the SQLSTATE says the connection or the server went away. */
static int
store_pg_is_connection(const char *state)
{
	return state == NULL || strncmp(state, "08", 2) == 0 || !strcmp(state, "57P01") ||
	    !strcmp(state, "57P02") || !strcmp(state, "57P03");
}

enum store_status
store_pg_classify(const char *state)
{
	if (store_pg_is_connection(state))
		return STORE_FATAL;
	/* Serialization, deadlock, a lock wait or a statement that took
	 * longer than the statement timeout: try again. */
	if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03") ||
	    !strcmp(state, "57014"))
		return STORE_TRANSIENT;
	/* Integrity constraints and data exceptions (a value the column's
	 * type refuses): this row. */
	if (!strncmp(state, "23", 2) || !strncmp(state, "22", 2))
		return STORE_ROW;
	return STORE_FATAL;
}

/* The first line of a libpq message, without "ERROR:  " and the newline. */
static char *
store_pg_first_line(const char *msg)
{
	if (msg == NULL)
		msg = "";
	if (!strncmp(msg, "ERROR:  ", 8))
		msg += 8;
	size_t n = strcspn(msg, "\n");
	return xstrndup(msg, n);
}

enum store_status
store_pg_fail(struct store_pg *st, PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char *detail = store_pg_first_line(primary ? primary :
		res && *PQresultErrorMessage(res)  ? PQresultErrorMessage(res) :
						     PQerrorMessage(st->conn));
	/* No SQLSTATE on a live connection: libpq itself refused (memory,
	 * protocol), not a lost server. */
	if (state == NULL && PQstatus(st->conn) == CONNECTION_OK)
		state = "XX000";
	const char *what;
	enum store_status ss = store_pg_classify(state);
	st->lost = store_pg_is_connection(state);
	if (st->lost && st->silent)
		what = _(
		    "The PostgreSQL server did not answer within the statement timeout; the connection is taken for lost. What was committed stays, and the journal knows which batches that is.");
	else if (st->lost)
		what = _(STORE_PG_LOST);
	else if (ss == STORE_TRANSIENT)
		what = _("The table is locked by another transaction.");
	else if (!strncmp(state, "53", 2))
		what = _(
		    "The PostgreSQL server has run out of a resource (disk, memory or connections); resume the import once it has been freed.");
	else if (!strncmp(state, "42501", 5))
		what = _("The database cannot be written: this user lacks the privilege.");
	else if (!strncmp(state, "23", 2))
		what = _("The database refused the row (a constraint failed).");
	else if (!strncmp(state, "22", 2))
		what = _("The database refused a value of the row.");
	else
		what = _("The database reported an error.");
	store_pg_set_error(st, xasprintf(_("%s (PostgreSQL: %s)"), what, detail));
	free(detail);
	PQclear(res);
	st->silent = 0;
	return ss;
}

/* --- Running statements ---------------------------------------------------------- */

static PGresult *
store_pg_check(struct store_pg *st, PGresult *res, enum store_status *ss)
{
	ExecStatusType t = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK)
		return res;
	enum store_status s = store_pg_fail(st, res);
	if (ss != NULL)
		*ss = s;
	return NULL;
}

/* Sends what is queued and waits until the answer is in, for up to the
 * answer time when there is one: 0, or -1 when it did not come. */
static int
store_pg_wait(struct store_pg *st)
{
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		int unsent = PQflush(st->conn);
		if (unsent < 0 || !PQconsumeInput(st->conn))
			return 0; /* lost: PQgetResult says so */
		if (unsent == 0 && !PQisBusy(st->conn))
			return 0;
		int wait = -1;
		if (st->answer_ms > 0) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			long long ms =
			    (now.tv_sec - t0.tv_sec) * 1000LL + (now.tv_nsec - t0.tv_nsec) / 1000000;
			if (ms >= st->answer_ms)
				return -1;
			wait = (int)(st->answer_ms - ms);
		}
		struct pollfd p = {
			.fd = PQsocket(st->conn),
			.events = POLLIN | (unsent ? POLLOUT : 0),
		};
		if (poll(&p, 1, wait) < 0 && errno != EINTR)
			return 0;
	}
}

/* The answer to what was just sent (sent: whether libpq took it), as
 * PQexec gives it: the last result, or the first error. A server that
 * does not answer in time is taken for gone: the socket is shut, so that
 * the call fails as a lost connection does. */
static PGresult *
store_pg_answer(struct store_pg *st, int sent)
{
	if (!sent)
		return NULL;
	if (store_pg_wait(st) != 0) {
		st->silent = 1;
		shutdown(PQsocket(st->conn), SHUT_RDWR);
	}
	PGresult *last = NULL, *res;
	while ((res = PQgetResult(st->conn)) != NULL) {
		if (last != NULL && PQresultStatus(last) == PGRES_FATAL_ERROR) {
			PQclear(res);
			continue;
		}
		PQclear(last);
		last = res;
	}
	return last;
}

PGresult *
store_pg_query(struct store_pg *st, const char *sql, int n, const char *const *params,
    enum store_status *ss)
{
	return store_pg_check(st,
	    store_pg_answer(st, PQsendQueryParams(st->conn, sql, n, NULL, params, NULL, NULL, 0)),
	    ss);
}

PGresult *
store_pg_run(struct store_pg *st, const char *name, int n, const char *const *params,
    enum store_status *ss)
{
	return store_pg_check(st,
	    store_pg_answer(st, PQsendQueryPrepared(st->conn, name, n, params, NULL, NULL, 0)), ss);
}

PGresult *
store_pg_exec_result(struct store_pg *st, const char *sql)
{
	return store_pg_answer(st, PQsendQuery(st->conn, sql));
}

enum store_status
store_pg_exec(struct store_pg *st, const char *sql)
{
	enum store_status ss = STORE_OK;
	PGresult *res = store_pg_check(st, store_pg_exec_result(st, sql), &ss);
	PQclear(res);
	return ss;
}

/* Sends what libpq holds (after PQputCopyData or PQputCopyEnd said it was
 * full): 0, or -1 when the server did not take it in time (the socket is
 * then shut, as for an answer that does not come). */
static int
store_pg_copy_flush(struct store_pg *st)
{
	if (store_pg_wait(st) == 0)
		return 0;
	st->silent = 1;
	shutdown(PQsocket(st->conn), SHUT_RDWR);
	return -1;
}

enum store_status
store_pg_copy(struct store_pg *st, const char *sql, const char *data, size_t len)
{
	enum store_status ss = STORE_OK;
	if (!PQsendQuery(st->conn, sql))
		return store_pg_fail(st, NULL);
	PGresult *res = NULL;
	if (store_pg_copy_flush(st) == 0)
		res = PQgetResult(st->conn);
	if (res == NULL || PQresultStatus(res) != PGRES_COPY_IN) {
		/* Refused at once, or lost: the error, then the end. */
		PGresult *more;
		while (res != NULL && (more = PQgetResult(st->conn)) != NULL)
			PQclear(more);
		return store_pg_fail(st, res);
	}
	PQclear(res);
	/* A row the server refuses ends the COPY on its side; libpq then
	 * takes no more data (-1), and the answer below says why. */
	int sending = 1;
	for (size_t off = 0; sending && off < len;) {
		int part = len - off > 65536 ? 65536 : (int)(len - off);
		int r = PQputCopyData(st->conn, data + off, part);
		if (r < 0 || (r == 0 && store_pg_copy_flush(st) != 0))
			sending = 0;
		else if (r > 0)
			off += (size_t)part;
	}
	for (int r = 0; sending && r == 0;) {
		r = PQputCopyEnd(st->conn, NULL);
		if (r < 0 || (r == 0 && store_pg_copy_flush(st) != 0))
			sending = 0;
	}
	if (!sending) {
		/* The server did not take the rows: taken for lost, as a
		 * server that does not answer (libpq still thinks the COPY
		 * goes on, and would say so for ever). */
		shutdown(PQsocket(st->conn), SHUT_RDWR);
		for (int i = 0; i < 100 && PQstatus(st->conn) == CONNECTION_OK; i++)
			PQconsumeInput(st->conn);
		while ((res = PQgetResult(st->conn)) != NULL) {
			int copying = PQresultStatus(res) == PGRES_COPY_IN;
			PQclear(res);
			if (copying)
				break;
		}
		return store_pg_fail(st, NULL);
	}
	PQclear(store_pg_check(st, store_pg_answer(st, 1), &ss));
	return ss;
}

void
pg_buf_copy_field(struct pg_buf *b, const char *v, int last)
{
	if (v == NULL)
		pg_buf_add(b, "\\N", 2);
	for (const char *p = v; p != NULL;) {
		size_t plain = strcspn(p, "\\\t\n\r");
		pg_buf_add(b, p, plain);
		p += plain;
		if (*p == '\0')
			break;
		pg_buf_add(b,
		    *p == '\\'	   ? "\\\\" :
			*p == '\t' ? "\\t" :
			*p == '\n' ? "\\n" :
				     "\\r",
		    2);
		p++;
	}
	pg_buf_add(b, last ? "\n" : "\t", 1);
}

enum store_status
store_pg_prepare_stmt(struct store_pg *st, const char *name, const char *sql)
{
	enum store_status ss = STORE_OK;
	PQclear(store_pg_check(st, store_pg_answer(st, PQsendPrepare(st->conn, name, sql, 0, NULL)),
	    &ss));
	return ss;
}

int64_t
store_pg_int(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return -1;
	return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

char *
store_pg_text(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

int
store_pg_table_exists(struct store_pg *st, const char *name)
{
	const char *p[] = { name };
	PGresult *res = store_pg_query(st,
	    "SELECT 1 FROM information_schema.tables"
	    " WHERE table_schema = current_schema() AND table_name = $1",
	    1, p, NULL);
	if (res == NULL)
		return -1;
	int n = PQntuples(res);
	PQclear(res);
	return n > 0;
}

/* --- Opening ------------------------------------------------------------------- */

/* Notices (a table that already exists, …) are not for the user. */
static void
store_pg_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* Masks every occurrence of password in *s. */
static void
store_pg_mask(char **s, const char *password)
{
	if (password == NULL || *password == '\0')
		return;
	char *at;
	size_t n = strlen(password);
	while ((at = strstr(*s, password)) != NULL) {
		char *masked = xasprintf("%.*s***%s", (int)(at - *s), *s, at + n);
		free(*s);
		*s = masked;
	}
}

/* libpq's message about a connection to uri, its first line, with the
 * password (the URI's and the one given) masked wherever it shows. NULL
 * when uri cannot be parsed: the message might then hold any part of it. */
static char *
store_pg_scrub(const char *uri, const char *password, const char *msg)
{
	PQconninfoOption *opts = PQconninfoParse(uri, NULL);
	if (opts == NULL)
		return NULL;
	char *out = store_pg_first_line(msg);
	for (PQconninfoOption *o = opts; o->keyword != NULL; o++)
		if (strcmp(o->keyword, "password") == 0)
			store_pg_mask(&out, o->val);
	store_pg_mask(&out, password);
	PQconninfoFree(opts);
	return out;
}

/* Why conn failed, when a password is the matter: the server asked for
 * one that nothing gave, or refused the one given. *cause then says so
 * with the user, host and port libpq tried (from the URI, PG*
 * variables or a service file), for people to type the right one. */
static enum store_auth
store_pg_auth(PGconn *conn, const char *shown, const char *why, char **cause)
{
	if (conn == NULL || (!PQconnectionNeedsPassword(conn) && !PQconnectionUsedPassword(conn)))
		return STORE_AUTH_NONE;
	const char *host = PQhost(conn), *port = PQport(conn), *user = PQuser(conn);
	char *server = xasprintf("%s:%s", host && *host ? host : "localhost", port ? port : "");
	enum store_auth auth;
	if (PQconnectionNeedsPassword(conn)) {
		auth = STORE_AUTH_NEEDED;
		*cause = xasprintf(
		    _("Connecting to %s: the server %s asks for the password of the user %s, and neither ~/.pgpass nor PGPASSWORD gives it."),
		    shown, server, user ? user : "?");
	} else {
		auth = STORE_AUTH_REFUSED;
		*cause = xasprintf(
		    _("Connecting to %s: the server %s refused the user %s with the password given: %s."),
		    shown, server, user ? user : "?", why ? why : "?");
	}
	free(server);
	return auth;
}

struct store *
store_pg_open(const char *uri, unsigned connect_timeout_s, unsigned statement_timeout_s,
    const char *password, enum store_auth *auth, int *unreachable, char **cause)
{
	char timeout[16];
	snprintf(timeout, sizeof timeout, "%u", connect_timeout_s);
	char *shown = store_target_shown(uri);
	/* Defaults that the URI's own parameters override (libpq takes the
	 * last value of a keyword, and the URI comes last): a connection
	 * attempt that ends, and a peer gone silent noticed in about a
	 * minute by TCP keepalives and the user timeout. */
	static const char *const keywords[] = {
		"connect_timeout",
		"keepalives",
		"keepalives_idle",
		"keepalives_interval",
		"keepalives_count",
		"tcp_user_timeout",
		"application_name",
		"dbname",
		"password", /* after the URI: it replaces a password there */
		NULL,
	};
	const char *const values[] = {
		connect_timeout_s > 0 ? timeout : STORE_PG_CONNECT_TIMEOUT,
		"1",
		"30",
		"10",
		"3",
		"60000",
		"sluice",
		uri,
		password, /* NULL: libpq ignores the keyword */
		NULL,
	};
	PGconn *conn = PQconnectdbParams(keywords, values, 1);
	if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
		char *why = store_pg_scrub(uri, password, conn ? PQerrorMessage(conn) : NULL);
		*auth = store_pg_auth(conn, shown, why, cause);
		/* A server that answers a ping refused this user, password or
		 * database: asking again will not help. */
		PGPing ping =
		    *auth == STORE_AUTH_NONE ? PQpingParams(keywords, values, 1) : PQPING_OK;
		*unreachable = ping == PQPING_NO_RESPONSE || ping == PQPING_REJECT;
		if (*auth == STORE_AUTH_NONE && why != NULL)
			*cause = xasprintf(_("Cannot connect to the PostgreSQL database %s: %s."),
			    shown, why);
		else if (*auth == STORE_AUTH_NONE)
			*cause = xasprintf(
			    _("Cannot connect to the PostgreSQL database %s: the URI cannot be read; write it as postgresql://user@host:port/database?parameter=value."),
			    shown);
		free(why);
		free(shown);
		PQfinish(conn);
		return NULL;
	}
	PQsetNoticeProcessor(conn, store_pg_notice, NULL);
	/* Never blocked sending to a server that stopped reading. */
	PQsetnonblocking(conn, 1);
	struct store_pg *st = xcalloc(1, sizeof *st);
	st->base.ops = &store_pg_ops;
	st->conn = conn;
	st->backend_pid = PQbackendPID(conn);
	st->shown = shown;
	st->statement_s = statement_timeout_s;
	return &st->base;
}

static enum store_status
store_pg_ready(struct store *base, char **cause)
{
	struct store_pg *st = (struct store_pg *)base;
	/* Text in UTF-8 both ways, dates as the validator writes them, a
	 * lock wait that ends (55P03: busy, retried), and no JIT: a batch's
	 * look-ups are estimated dear enough to be compiled, which costs
	 * more than they take. */
	char *sql = xasprintf("SET client_encoding = 'UTF8';"
			      " SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 3;"
			      " SET lock_timeout = '" STORE_PG_LOCK_TIMEOUT "';"
			      " SET statement_timeout = '%us';"
			      " SET jit = off;"
			      " SET client_min_messages = warning",
	    st->statement_s);
	enum store_status ss = store_pg_exec(st, sql);
	free(sql);
	if (ss != STORE_OK)
		*cause = xasprintf(_("Cannot use the database %s: %s"), st->shown, st->errmsg);
	/* The server ends a statement that runs longer than its timeout and
	 * says so: no answer a while after that is a server gone silent. */
	if (ss == STORE_OK && st->statement_s > 0)
		st->answer_ms = (st->statement_s + STORE_PG_ANSWER_MARGIN_S) * 1000LL;
	return ss;
}

static enum store_status store_pg_prepare(struct store *, const struct schema *, char **, char **);
static enum store_status store_pg_lock_import(struct store *, int64_t);

/* Connects again with the same parameters and prepares what the lost
 * connection had prepared; then reads the truth about the batches. */
static enum store_status
store_pg_reconnect(struct store *base, int64_t id, uint64_t *last_batch, uint64_t *rows_done)
{
	struct store_pg *st = (struct store_pg *)base;
	/* A dry run's outer transaction went with the connection. */
	if ((!st->lost && PQstatus(st->conn) == CONNECTION_OK) || st->dry_run)
		return STORE_FATAL;
	st->lost = 1;
	int old = st->backend_pid;
	PQreset(st->conn);
	if (PQstatus(st->conn) != CONNECTION_OK) {
		char *detail = store_pg_first_line(PQerrorMessage(st->conn));
		store_pg_set_error(st, xasprintf(_("%s (PostgreSQL: %s)"), _(STORE_PG_LOST), detail));
		free(detail);
		return STORE_TRANSIENT;
	}
	PQsetNoticeProcessor(st->conn, store_pg_notice, NULL);
	PQsetnonblocking(st->conn, 1);
	st->backend_pid = PQbackendPID(st->conn);
	if (old > 0) {
		/* The server may still hold the session lost (a peer gone
		 * silent leaves it waiting): ended, it lets go of its locks
		 * (the table's, which the statements below would wait for,
		 * and the import's, which is only taken again once its
		 * transaction has settled one way or the other). */
		char num[32];
		snprintf(num, sizeof num, "%d", old);
		const char *p[] = { num };
		PQclear(store_pg_query(st,
		    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
		    " WHERE pid = $1 AND usename = current_user",
		    1, p, NULL));
	}
	/* The server forgot the statements prepared on the old connection. */
	st->prepared = st->batch = st->journal = 0;
	store_pg_exists_forget(st);
	char *cause = NULL;
	enum store_status ss = store_pg_ready(base, &cause);
	if (ss == STORE_OK && st->schema != NULL)
		ss = store_pg_prepare(base, st->schema, NULL, &cause);
	if (ss == STORE_OK)
		ss = store_pg_journal_prepare(base);
	free(cause);
	if (ss == STORE_OK && st->locked != 0) {
		/* The session lost may still be ending on the server, holding
		 * the lock a little longer: the caller tries again. */
		int64_t locked = st->locked;
		ss = store_pg_lock_import(base, locked);
		if (ss == STORE_ROW) {
			st->locked = locked;
			return STORE_ROW;
		}
	}
	PGresult *res = NULL;
	if (ss == STORE_OK && id != 0) {
		char num[32];
		snprintf(num, sizeof num, "%lld", (long long)id);
		const char *p[] = { num };
		res = store_pg_query(st,
		    "SELECT coalesce((SELECT max(batch_no) FROM sluice_import_batches"
		    " WHERE import_id = $1), 0), coalesce((SELECT rows_done FROM sluice_imports"
		    " WHERE id = $1), 0)",
		    1, p, &ss);
		if (res == NULL && ss == STORE_OK)
			ss = STORE_FATAL;
	}
	if (ss != STORE_OK)
		return st->lost ? STORE_TRANSIENT : ss;
	*last_batch = res ? (uint64_t)store_pg_int(res, 0, 0) : 0;
	*rows_done = res ? (uint64_t)store_pg_int(res, 0, 1) : 0;
	PQclear(res);
	st->lost = 0;
	return STORE_OK;
}

static int
store_pg_lost(struct store *base)
{
	return ((struct store_pg *)base)->lost;
}

/* The advisory lock of an import: two keys, sluice's for imports and the
 * id (wrapping past 2^31 imports, where a clash only refuses). */
#define STORE_PG_IMPORT_KEY "hashtext('sluice import'), ($1::bigint % 2147483648)::int"

static enum store_status
store_pg_lock_import(struct store *base, int64_t id)
{
	struct store_pg *st = (struct store_pg *)base;
	char num[32];
	snprintf(num, sizeof num, "%lld", (long long)id);
	const char *p[] = { num };
	enum store_status ss = STORE_OK;
	PGresult *res =
	    store_pg_query(st, "SELECT pg_try_advisory_lock(" STORE_PG_IMPORT_KEY ")", 1, p, &ss);
	if (res == NULL)
		return ss;
	int taken = !strcmp(PQgetvalue(res, 0, 0), "t");
	PQclear(res);
	if (!taken) {
		store_pg_set_error(st,
		    xasprintf(_("Import %lld is running: another connection to %s holds its lock."),
			(long long)id, st->shown));
		return STORE_ROW;
	}
	st->locked = id;
	return STORE_OK;
}

static void
store_pg_unlock_import(struct store *base)
{
	struct store_pg *st = (struct store_pg *)base;
	if (st->locked == 0)
		return;
	char num[32];
	snprintf(num, sizeof num, "%lld", (long long)st->locked);
	const char *p[] = { num };
	st->locked = 0;
	PQclear(store_pg_query(st, "SELECT pg_advisory_unlock(" STORE_PG_IMPORT_KEY ")", 1, p, NULL));
}

void
store_pg_deallocate(struct store_pg *st, const char *names)
{
	if (PQstatus(st->conn) != CONNECTION_OK)
		return;
	const char *p[] = { names };
	PGresult *res = store_pg_query(st,
	    "SELECT name FROM pg_prepared_statements WHERE name = ANY (string_to_array($1, ' '))",
	    1, p, NULL);
	for (int r = 0; res != NULL && r < PQntuples(res); r++) {
		char *sql = xasprintf("DEALLOCATE %s", PQgetvalue(res, r, 0));
		store_pg_exec(st, sql);
		free(sql);
	}
	PQclear(res);
}

static void
store_pg_unprepare(struct store_pg *st)
{
	/* Also those of a prepare that failed half way (a lock wait that
	 * ended), so that it can be tried again. */
	store_pg_deallocate(st, "s_find s_insert s_update");
	st->prepared = 0;
	store_pg_batch_finalize(st);
	free(st->table);
	free(st->merged);
	free(st->stored);
	free(st->owned);
	free(st->params);
	st->table = NULL;
	st->merged = st->stored = st->params = NULL;
	st->owned = NULL;
}

static void
store_pg_close(struct store *base)
{
	struct store_pg *st = (struct store_pg *)base;
	if (st == NULL)
		return;
	store_pg_records_finalize(st);
	store_pg_exists_forget(st);
	/* The statements go with the connection. */
	free(st->copy);
	free(st->seq);
	free(st->key_unique);
	free(st->table);
	free(st->merged);
	free(st->stored);
	free(st->owned);
	free(st->params);
	PQfinish(st->conn);
	free(st->shown);
	free(st->errmsg);
	free(st);
}

/* --- The table --------------------------------------------------------------------- */

static const char *
store_pg_column_type(const struct field *f)
{
	/* A date without a year (--07-04) is no PostgreSQL date: text. */
	return f->type == FIELD_NUMBER		  ? "numeric" :
	    f->type == FIELD_DATE && !f->yearless ? "date" :
						    "text";
}

static enum store_status
store_pg_create_table(struct store_pg *st, const struct schema *s, char **cause)
{
	struct pg_buf sql = { 0 };
	pg_buf_printf(&sql, "CREATE TABLE %s (id bigserial PRIMARY KEY", st->table);
	for (size_t f = 0; f < s->nfields; f++) {
		char *col = store_pg_ident(st, s->fields[f].name);
		pg_buf_printf(&sql, ", %s %s", col, store_pg_column_type(&s->fields[f]));
		free(col);
	}
	pg_buf_printf(&sql, ", imported_from bigint)");
	enum store_status ss = store_pg_exec(st, sql.s);
	pg_buf_free(&sql);
	if (ss != STORE_OK)
		*cause = xasprintf(_("Cannot create the table %s: %s"), s->table, st->errmsg);
	return ss;
}

/* What a column of PostgreSQL type typname keeps. */
static enum store_kind
store_pg_kind(const char *typname)
{
	if (!strcmp(typname, "text") || !strcmp(typname, "varchar") || !strcmp(typname, "citext"))
		return STORE_KIND_TEXT;
	if (!strcmp(typname, "int2") || !strcmp(typname, "int4") || !strcmp(typname, "int8"))
		return STORE_KIND_INTEGER;
	if (!strcmp(typname, "numeric"))
		return STORE_KIND_NUMBER;
	if (!strcmp(typname, "date"))
		return STORE_KIND_DATE;
	return STORE_KIND_OTHER;
}

/* Whether the existing table can take the schema's rows, before anything
 * is written (store_check_existing). */
static enum store_status
store_pg_fit(struct store_pg *st, const struct schema *s, char **cause)
{
	const char *p[] = { s->table };
	enum store_status ss = STORE_OK;
	PGresult *cols = store_pg_query(st,
	    "SELECT a.attname, format_type(a.atttypid, a.atttypmod), t.typname, a.attnotnull,"
	    " a.atthasdef OR a.attidentity <> '',"
	    " a.attidentity = 'd' OR coalesce(pg_get_expr(d.adbin, d.adrelid), '') LIKE 'nextval(%'"
	    " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
	    " JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid"
	    " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
	    " WHERE n.nspname = current_schema() AND c.relname = $1 AND a.attnum > 0"
	    " AND NOT a.attisdropped ORDER BY a.attnum",
	    1, p, &ss);
	PGresult *idx = cols == NULL ?
	    NULL :
	    store_pg_query(st,
		"SELECT ic.relname, i.indisprimary, i.indpred IS NOT NULL,"
		" array_to_string(ARRAY(SELECT coalesce(a.attname, '')"
		" FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, ord)"
		" LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid"
		" AND a.attnum = k.num ORDER BY k.ord), chr(31))"
		" FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid"
		" JOIN pg_class c ON c.oid = i.indrelid"
		" JOIN pg_namespace n ON n.oid = c.relnamespace"
		" WHERE n.nspname = current_schema() AND c.relname = $1"
		" AND i.indisunique",
		1, p, &ss);
	if (cols == NULL || idx == NULL) {
		*cause = xasprintf(_("Cannot prepare the table %s: %s"), s->table, st->errmsg);
		PQclear(cols);
		return ss;
	}
	/* Is id the primary key, alone? */
	int id_pk = 0;
	for (int r = 0; r < PQntuples(idx); r++)
		if (!strcmp(PQgetvalue(idx, r, 1), "t") && !strcmp(PQgetvalue(idx, r, 3), "id"))
			id_pk = 1;
	size_t ncols = (size_t)PQntuples(cols), nu = 0;
	struct store_column *c = xcalloc(ncols + 1, sizeof *c);
	char **types = xcalloc(ncols + 1, sizeof *types);
	for (size_t i = 0; i < ncols; i++) {
		int r = (int)i;
		const char *name = PQgetvalue(cols, r, 0);
		int is_id = !strcmp(name, "id");
		int serial = !strcmp(PQgetvalue(cols, r, 5), "t");
		enum store_kind kind = store_pg_kind(PQgetvalue(cols, r, 2));
		types[i] = is_id && id_pk ? xasprintf("%s PRIMARY KEY%s", PQgetvalue(cols, r, 1),
						serial ? "" : _(" without a default")) :
					    xstrdup(PQgetvalue(cols, r, 1));
		c[i] = (struct store_column){
			.name = name,
			.type = types[i],
			.kind = kind,
			.not_null = !strcmp(PQgetvalue(cols, r, 3), "t"),
			.has_default = !strcmp(PQgetvalue(cols, r, 4), "t"),
			.numbers_itself = is_id && id_pk && serial && kind == STORE_KIND_INTEGER,
		};
	}
	struct store_unique *u = xcalloc((size_t)PQntuples(idx) + 1, sizeof *u);
	char ***ucols = xcalloc((size_t)PQntuples(idx) + 1, sizeof *ucols);
	for (int r = 0; r < PQntuples(idx); r++) {
		if (!strcmp(PQgetvalue(idx, r, 1), "t"))
			continue;
		char *list = xstrdup(PQgetvalue(idx, r, 3));
		size_t n = 1;
		for (char *q = list; *q; q++)
			n += *q == 31;
		char **names = xcalloc(n + 1, sizeof *names);
		names[0] = list;
		n = 1;
		for (char *q = list; *q; q++)
			if (*q == 31) {
				*q = '\0';
				names[n++] = q + 1;
			}
		/* An expression has no column name. */
		for (size_t k = 0; k < n; k++)
			if (*names[k] == '\0')
				names[k] = NULL;
		ucols[nu] = names;
		u[nu++] = (struct store_unique){
			.name = PQgetvalue(idx, r, 0),
			.columns = (const char *const *)names,
			.ncolumns = n,
			.partial = !strcmp(PQgetvalue(idx, r, 2), "t"),
		};
		/* names[0] may be NULL now: free the list through ucols. */
		names[n] = list;
	}
	const char **want = xcalloc(s->nfields + 1, sizeof *want);
	for (size_t f = 0; f < s->nfields; f++)
		want[f] = store_pg_column_type(&s->fields[f]);
	if (store_check_existing(s, st->shown, c, ncols, u, nu, want, "bigserial PRIMARY KEY",
		cause) != 0)
		ss = STORE_FATAL;
	free(want);
	for (size_t i = 0; i < nu; i++) {
		free(ucols[i][u[i].ncolumns]);
		free(ucols[i]);
	}
	free(ucols);
	free(u);
	for (size_t i = 0; i < ncols; i++)
		free(types[i]);
	free(types);
	free(c);
	PQclear(cols);
	PQclear(idx);
	return ss;
}

static enum store_status
store_pg_check_table(struct store_pg *st, const struct schema *s, char **added, char **cause)
{
	enum store_status fit = store_pg_fit(st, s, cause);
	if (fit != STORE_OK)
		return fit;

	const char *p[] = { s->table };
	enum store_status ss = STORE_OK;
	PGresult *res = store_pg_query(st,
	    "SELECT column_name FROM information_schema.columns"
	    " WHERE table_schema = current_schema() AND table_name = $1",
	    1, p, &ss);
	if (res == NULL) {
		*cause = xstrdup(st->errmsg);
		return ss;
	}
	size_t ncols = s->nfields + 1;
	int *seen = xcalloc(ncols, sizeof *seen);
	for (int r = 0; r < PQntuples(res); r++) {
		const char *name = PQgetvalue(res, r, 0);
		for (size_t f = 0; f < s->nfields; f++)
			if (!strcasecmp(name, s->fields[f].name))
				seen[f] = 1;
		if (!strcasecmp(name, "imported_from"))
			seen[s->nfields] = 1;
	}
	PQclear(res);
	for (size_t i = 0; i < ncols && ss == STORE_OK; i++) {
		if (seen[i])
			continue;
		const char *col = i < s->nfields ? s->fields[i].name : "imported_from";
		const char *type = i < s->nfields ? store_pg_column_type(&s->fields[i]) : "bigint";
		if (i < s->nfields && store_column_may_be_added(s, i)) {
			char *ident = store_pg_ident(st, col);
			char *sql =
			    xasprintf("ALTER TABLE %s ADD COLUMN %s %s", st->table, ident, type);
			ss = store_pg_exec(st, sql);
			free(sql);
			free(ident);
			if (ss == STORE_OK) {
				store_added(added, col);
				continue;
			}
			*cause = xasprintf(_("Cannot add the column %s to the table %s: %s"), col,
			    s->table, st->errmsg);
			break;
		}
		*cause = xasprintf(
		    _("The table %s in %s has no column %s, which schema %s needs. Add it (ALTER TABLE %s ADD COLUMN %s %s) or import into another database; nothing was imported."),
		    s->table, st->shown, col, s->name, s->table, col, type);
		ss = STORE_FATAL;
	}
	free(seen);
	return ss;
}

/* A unique index per match key. A table that already holds duplicate keys
 * cannot take one; a plain index then keeps look-ups fast, and rows
 * matching two records are rejected as ambiguous. */
static enum store_status
store_pg_index(struct store_pg *st, const struct schema *s, size_t k)
{
	const char *key = s->fields[s->match_keys[k]].name;
	char *name = xasprintf("%s_%s_key", s->table, key);
	/* A unique index there already: no DDL, which would wait for the
	 * lock of an import writing a batch into the table. */
	const char *p[] = { name };
	enum store_status ss = STORE_OK;
	PGresult *res = store_pg_query(st,
	    "SELECT i.indisunique FROM pg_index i"
	    " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
	    " WHERE n.nspname = current_schema() AND c.relname = $1",
	    1, p, &ss);
	int unique = res != NULL && PQntuples(res) > 0 && !strcmp(PQgetvalue(res, 0, 0), "t");
	PQclear(res);
	if (ss != STORE_OK || unique) {
		st->key_unique[k] = unique;
		free(name);
		return ss;
	}
	char *iname = store_pg_ident(st, name);
	char *col = store_pg_ident(st, key);
	char *sql =
	    xasprintf("SAVEPOINT sluice_index; CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (%s)",
		iname, st->table, col);
	res = store_pg_exec_result(st, sql);
	free(sql);
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (PQresultStatus(res) == PGRES_COMMAND_OK) {
		PQclear(res);
		ss = store_pg_exec(st, "RELEASE SAVEPOINT sluice_index");
		st->key_unique[k] = 1;
	} else if (state != NULL && !strcmp(state, "23505")) {
		PQclear(res);
		free(name);
		free(iname);
		name = xasprintf("%s_%s_idx", s->table, key);
		iname = store_pg_ident(st, name);
		sql = xasprintf("ROLLBACK TO SAVEPOINT sluice_index; RELEASE SAVEPOINT sluice_index;"
				" CREATE INDEX IF NOT EXISTS %s ON %s (%s)",
		    iname, st->table, col);
		ss = store_pg_exec(st, sql);
		free(sql);
	} else
		ss = store_pg_fail(st, res);
	free(name);
	free(iname);
	free(col);
	return ss;
}

/* The statements of an upsert: the records matching each key (with their
 * values, so that a match needs no second look-up), insert, update. */
static enum store_status
store_pg_statements(struct store_pg *st, const struct schema *s)
{
	struct pg_buf cols = { 0 }, sql = { 0 };
	for (size_t f = 0; f < s->nfields; f++) {
		char *col = store_pg_ident(st, s->fields[f].name);
		pg_buf_printf(&cols, "%s, ", col);
		free(col);
	}
	pg_buf_printf(&sql, "SELECT * FROM (");
	for (size_t k = 0; k < s->nmatch_keys; k++) {
		char *key = store_pg_ident(st, s->fields[s->match_keys[k]].name);
		pg_buf_printf(&sql,
		    "%s(SELECT %zu, id, %simported_from FROM %s WHERE %s = $%zu"
		    " ORDER BY id LIMIT 2)",
		    k ? " UNION ALL " : "", k, cols.s ? cols.s : "", st->table, key, k + 1);
		free(key);
	}
	pg_buf_printf(&sql, ") AS matches ORDER BY 1, 2");
	enum store_status ss = store_pg_prepare_stmt(st, "s_find", sql.s);
	pg_buf_free(&sql);

	if (ss == STORE_OK) {
		pg_buf_printf(&sql, "INSERT INTO %s (%simported_from) VALUES (", st->table,
		    cols.s ? cols.s : "");
		for (size_t f = 0; f <= s->nfields; f++)
			pg_buf_printf(&sql, "%s$%zu", f ? ", " : "", f + 1);
		pg_buf_printf(&sql, ") RETURNING id");
		ss = store_pg_prepare_stmt(st, "s_insert", sql.s);
		pg_buf_free(&sql);
	}
	if (ss == STORE_OK) {
		pg_buf_printf(&sql, "UPDATE %s SET ", st->table);
		for (size_t f = 0; f < s->nfields; f++) {
			char *col = store_pg_ident(st, s->fields[f].name);
			pg_buf_printf(&sql, "%s = $%zu, ", col, f + 1);
			free(col);
		}
		pg_buf_printf(&sql, "imported_from = $%zu WHERE id = $%zu", s->nfields + 1,
		    s->nfields + 2);
		ss = store_pg_prepare_stmt(st, "s_update", sql.s);
		pg_buf_free(&sql);
	}
	pg_buf_free(&cols);
	return ss;
}

static enum store_status
store_pg_prepare(struct store *base, const struct schema *s, char **added, char **cause)
{
	struct store_pg *st = (struct store_pg *)base;
	store_pg_unprepare(st);
	st->schema = s;
	st->table = store_pg_ident(st, s->table);
	st->key_unique = xcalloc(s->nmatch_keys + 1, sizeof *st->key_unique);

	/* Two importers creating the same table take turns. */
	int own = PQtransactionStatus(st->conn) == PQTRANS_IDLE;
	const char *p[] = { s->table };
	enum store_status ss = own ? store_pg_exec(st, "BEGIN") : STORE_OK;
	if (ss == STORE_OK)
		PQclear(store_pg_query(st,
		    "SELECT pg_advisory_xact_lock(hashtext('sluice table ' || $1))", 1, p, &ss));
	int exists = ss == STORE_OK ? store_pg_table_exists(st, s->table) : -1;
	if (ss != STORE_OK || exists < 0) {
		if (ss == STORE_OK)
			ss = STORE_FATAL;
		*cause = xasprintf(_("Cannot prepare the table %s: %s"), s->table, st->errmsg);
	} else if (exists)
		ss = store_pg_check_table(st, s, added, cause);
	else
		ss = store_pg_create_table(st, s, cause);
	for (size_t k = 0; k < s->nmatch_keys && ss == STORE_OK; k++) {
		ss = store_pg_index(st, s, k);
		if (ss != STORE_OK)
			*cause =
			    xasprintf(_("Cannot prepare the table %s: %s"), s->table, st->errmsg);
	}
	if (own) {
		if (ss == STORE_OK)
			ss = store_pg_exec(st, "COMMIT");
		else
			store_pg_exec(st, "ROLLBACK");
		if (ss != STORE_OK && *cause == NULL)
			*cause =
			    xasprintf(_("Cannot prepare the table %s: %s"), s->table, st->errmsg);
	}
	if (ss != STORE_OK)
		return ss;

	ss = store_pg_statements(st, s);
	if (ss == STORE_OK)
		ss = store_pg_batch_prepare(st, s);
	if (ss != STORE_OK) {
		*cause = xasprintf(_("Cannot prepare the table %s: %s"), s->table, st->errmsg);
		return ss;
	}
	st->prepared = 1;
	st->merged = xcalloc(s->nfields, sizeof *st->merged);
	st->stored = xcalloc(s->nfields, sizeof *st->stored);
	st->owned = xcalloc(s->nfields, sizeof *st->owned);
	st->params = xcalloc(s->nfields + 2, sizeof *st->params);
	return STORE_OK;
}

/* --- Transactions ---------------------------------------------------------------- */

static enum store_status
store_pg_dry_run_begin(struct store *base)
{
	struct store_pg *st = (struct store_pg *)base;
	enum store_status ss = store_pg_exec(st, "BEGIN");
	if (ss == STORE_OK)
		st->dry_run = 1;
	return ss;
}

static void
store_pg_dry_run_end(struct store *base)
{
	struct store_pg *st = (struct store_pg *)base;
	if (st->dry_run)
		store_pg_exec(st, "ROLLBACK");
	st->dry_run = 0;
}

static enum store_status
store_pg_begin(struct store *base)
{
	struct store_pg *st = (struct store_pg *)base;
	enum store_status ss = store_pg_exec(st, st->dry_run ? "SAVEPOINT batch" : "BEGIN");
	/* One writer of the table at a time, as SQLite's write lock: a row
	 * of another import's batch in flight is matched once it is
	 * committed, never raced. Readers are not held. */
	if (ss == STORE_OK && st->prepared) {
		char *sql = xasprintf("LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE", st->table);
		ss = store_pg_exec(st, sql);
		free(sql);
	}
	return ss;
}

static enum store_status
store_pg_commit(struct store *base)
{
	struct store_pg *st = (struct store_pg *)base;
	PQclear(st->rb_row);
	st->rb_row = NULL;
	if (st->dry_run)
		return store_pg_exec(st, "RELEASE SAVEPOINT batch");
	enum store_status ss = STORE_OK;
	PGresult *res = store_pg_check(st, store_pg_exec_result(st, "COMMIT"), &ss);
	/* COMMIT of a failed transaction rolls it back without an error. */
	if (res != NULL && strcmp(PQcmdStatus(res), "COMMIT") != 0) {
		store_pg_set_error(st,
		    xstrdup(_("The database rolled the transaction back instead of committing it.")));
		ss = STORE_FATAL;
	}
	PQclear(res);
	return ss;
}

static void
store_pg_rollback(struct store *base)
{
	struct store_pg *st = (struct store_pg *)base;
	PQclear(st->rb_row);
	st->rb_row = NULL;
	if (PQstatus(st->conn) != CONNECTION_OK)
		return;
	if (st->dry_run) {
		store_pg_exec(st, "ROLLBACK TO SAVEPOINT batch; RELEASE SAVEPOINT batch");
		return;
	}
	if (PQtransactionStatus(st->conn) != PQTRANS_IDLE)
		store_pg_exec(st, "ROLLBACK");
}

/* --- Upserts ---------------------------------------------------------------------- */

/* Finds the stored record for values, as store-sqlite.c's store_find:
 * *row is its row in *found (or -1 when none matches) and *matched the
 * field of the first key that found it; res->reason says why when the
 * keys point to different records. */
static enum store_status
store_pg_find(struct store_pg *st, const char *const *values, PGresult **found, int *row,
    size_t *matched, struct upsert_result *res)
{
	const struct schema *s = st->schema;
	for (size_t k = 0; k < s->nmatch_keys; k++)
		st->params[k] = values[s->match_keys[k]];
	enum store_status ss = STORE_OK;
	PGresult *q = store_pg_run(st, "s_find", (int)s->nmatch_keys, st->params, &ss);
	*found = q;
	*row = -1;
	if (q == NULL)
		return ss;
	int64_t id = 0;
	size_t found_key = 0;
	int nrows = PQntuples(q);
	for (int r = 0; r < nrows;) {
		size_t k = (size_t)store_pg_int(q, r, 0);
		size_t f = s->match_keys[k];
		int64_t first = store_pg_int(q, r, 1);
		int n = 1;
		while (r + n < nrows && (size_t)store_pg_int(q, r + n, 0) == k)
			n++;
		if (n == 2) {
			store_reject_ambiguous(s, f, first, store_pg_int(q, r + 1, 1), res);
			return STORE_OK;
		}
		if (id != 0 && id != first) {
			store_reject_split(s, s->match_keys[found_key], id, f, first, res);
			return STORE_OK;
		}
		if (id == 0) {
			id = first;
			found_key = k;
			*row = r;
		}
		r += n;
	}
	*matched = s->nmatch_keys > 0 ? s->match_keys[found_key] : 0;
	return STORE_OK;
}

enum store_status
store_pg_upsert(struct store *base, const char *const *values, enum strategy strategy,
    enum key_conflict on_conflict, int64_t import_id, struct upsert_result *res)
{
	struct store_pg *st = (struct store_pg *)base;
	const struct schema *s = st->schema;
	size_t n = s->nfields;
	char num[2][24];

	memset(res, 0, sizeof *res);
	res->reason_field = -1;
	res->matched_from = -1;
	PGresult *found;
	int r;
	size_t matched = 0;
	enum store_status ss = store_pg_find(st, values, &found, &r, &matched, res);
	if (ss != STORE_OK)
		return ss;
	if (res->reason != NULL) {
		PQclear(found);
		res->outcome = OUTCOME_REJECTED;
		return STORE_OK;
	}
	snprintf(num[0], sizeof num[0], "%lld", (long long)import_id);

	if (r < 0) {
		PQclear(found);
		for (size_t f = 0; f < n; f++)
			st->params[f] = values[f];
		st->params[n] = num[0];
		PGresult *ins = store_pg_run(st, "s_insert", (int)n + 1, st->params, &ss);
		if (ins == NULL)
			return ss;
		res->outcome = OUTCOME_CREATED;
		res->record_id = store_pg_int(ins, 0, 0);
		res->after_hash = store_values_hash(values, n);
		PQclear(ins);
		return STORE_OK;
	}

	int64_t id = store_pg_int(found, r, 1);
	res->record_id = id;
	res->matched_from = store_pg_int(found, r, (int)n + 2);
	for (size_t f = 0; f < n; f++)
		st->stored[f] = store_pg_text(found, r, (int)f + 2);
	if (store_key_conflict(s, strategy, on_conflict, id, matched, st->stored, values, res) &&
	    res->outcome == OUTCOME_REJECTED) {
		res->before = store_before_image(s, id, st->stored, res->matched_from);
		PQclear(found);
		return STORE_OK;
	}
	if (strategy == STRATEGY_SKIP) {
		PQclear(found);
		res->outcome = OUTCOME_SKIPPED;
		return STORE_OK;
	}
	int changed = store_resolve(s, strategy, st->stored, values, st->merged, st->owned);
	if (changed) {
		res->before = store_before_image(s, id, st->stored, res->matched_from);
		res->after_hash = store_values_hash(st->merged, n);
		for (size_t f = 0; f < n; f++)
			st->params[f] = st->merged[f];
		snprintf(num[1], sizeof num[1], "%lld", (long long)id);
		st->params[n] = num[0];
		st->params[n + 1] = num[1];
		PQclear(store_pg_run(st, "s_update", (int)n + 2, st->params, &ss));
	}
	/* The stored values above belong to found: clear it after the update. */
	PQclear(found);
	for (size_t f = 0; f < n; f++) {
		free(st->owned[f]);
		st->owned[f] = NULL;
	}
	if (ss != STORE_OK) {
		free(res->before);
		res->before = NULL;
		return ss;
	}
	res->outcome = !changed		? OUTCOME_UNCHANGED :
	    strategy == STRATEGY_UPDATE ? OUTCOME_UPDATED :
					  OUTCOME_MERGED;
	return STORE_OK;
}

static const char *
store_pg_errmsg(struct store *base)
{
	struct store_pg *st = (struct store_pg *)base;
	return st->errmsg ? st->errmsg : "";
}

const struct store_ops store_pg_ops = {
	.name = "postgresql",
	.close = store_pg_close,
	.ready = store_pg_ready,
	.prepare = store_pg_prepare,
	.dry_run_begin = store_pg_dry_run_begin,
	.dry_run_end = store_pg_dry_run_end,
	.begin = store_pg_begin,
	.commit = store_pg_commit,
	.rollback = store_pg_rollback,
	.upsert = store_pg_upsert,
	.upsert_batch = store_pg_upsert_batch,
	.errmsg = store_pg_errmsg,
	.journal_prepare = store_pg_journal_prepare,
	.import_start = store_pg_import_start,
	.journal_rows = store_pg_journal_rows,
	.journal_batch = store_pg_journal_batch,
	.journal_seen = store_pg_journal_seen,
	.seen_clear = store_pg_seen_clear,
	.journal_progress = store_pg_journal_progress,
	.claim = store_pg_claim,
	.settle = store_pg_settle,
	.last_batch = store_pg_last_batch,
	.reconnect = store_pg_reconnect,
	.lost = store_pg_lost,
	.lock_import = store_pg_lock_import,
	.unlock_import = store_pg_unlock_import,
	.journal_fixes = store_pg_journal_fixes,
	.mapping_save = store_pg_mapping_save,
	.mapping_load = store_pg_mapping_load,
	.notice_claim = store_pg_notice_claim,
	.notice_save = store_pg_notice_save,
	.notices = store_pg_notices,
	.read_begin = store_pg_read_begin,
	.read_end = store_pg_read_end,
	.import_get = store_pg_import_get,
	.imports = store_pg_imports,
	.errors = store_pg_errors,
	.batches = store_pg_batches,
	.fixes = store_pg_fixes,
	.rejects = store_pg_rejects,
	.changes = store_pg_changes,
	.error_counts = store_pg_error_counts,
	.reject_width = store_pg_reject_width,
	.records_prepare = store_pg_records_prepare,
	.record_load = store_pg_record_load,
	.record_delete = store_pg_record_delete,
	.record_restore = store_pg_record_restore,
	.records_unseen = store_pg_records_unseen,
	.rolled_back = store_pg_rolled_back,
	.exists = store_pg_exists,
};
