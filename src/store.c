/* The backend-neutral half of the store: store_open() choosing the backend
 * from the target, the password a person typed for it, the wrappers that
 * call its operation table, and what every backend shares (resolving a
 * match by strategy, key conflicts, fingerprints, strategy names). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fatal.h"
#include "i18n.h"
#include "record.h"
#include "store-postgres.h"
#include "store-sqlite.h"
#include "store.h"
#include "validate.h"
#include "xmalloc.h"

int
store_target_is_postgresql(const char *target)
{
	return strncasecmp(target, "postgresql://", 13) == 0 ||
	    strncasecmp(target, "postgres://", 11) == 0;
}

/* --- The password typed for a target ----------------------------------------- */

/* The one password this process holds (store_password_set): in a page of
 * its own, locked so that it is never swapped out and left out of core
 * dumps, wiped when forgotten; with the target it is for. Copies made to
 * connect are wiped as soon as libpq has taken its own (which libpq wipes
 * when the connection ends). */
static pthread_mutex_t store_secret_lock = PTHREAD_MUTEX_INITIALIZER;
static char *store_secret;	  /* STORE_PASSWORD_MAX + 1 bytes, or NULL */
static char *store_secret_target; /* under store_secret_lock */

/* Wipes and frees a copy of the password; NULL is fine. */
static void
store_secret_free(char *copy)
{
	if (copy == NULL)
		return;
	explicit_bzero(copy, strlen(copy));
	free(copy);
}

/* The page for the password, made when first needed; under the lock. */
static char *
store_secret_page(void)
{
	if (store_secret == NULL) {
		void *p = mmap(NULL, STORE_PASSWORD_MAX + 1, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			fatal(_("sluice: out of memory for a password: %s"), strerror(errno));
		/* Best effort: without the privilege to lock memory the
		 * page may be swapped, and is wiped all the same. */
		(void)mlock(p, STORE_PASSWORD_MAX + 1);
		(void)madvise(p, STORE_PASSWORD_MAX + 1, MADV_DONTDUMP);
		store_secret = p;
	}
	return store_secret;
}

int
store_password_set(const char *target, const char *password)
{
	size_t n = strlen(password);
	if (n > STORE_PASSWORD_MAX)
		return -1;
	pthread_mutex_lock(&store_secret_lock);
	char *page = store_secret_page();
	memset(page, 0, STORE_PASSWORD_MAX + 1); /* the page is read later: not elided */
	memcpy(page, password, n);
	free(store_secret_target);
	store_secret_target = xstrdup(target);
	pthread_mutex_unlock(&store_secret_lock);
	return 0;
}

void
store_password_forget(void)
{
	pthread_mutex_lock(&store_secret_lock);
	if (store_secret != NULL)
		explicit_bzero(store_secret, STORE_PASSWORD_MAX + 1);
	free(store_secret_target);
	store_secret_target = NULL;
	pthread_mutex_unlock(&store_secret_lock);
}

/* A copy of the password held for target (store_secret_free it), or NULL. */
static char *
store_secret_copy(const char *target)
{
	char *copy = NULL;
	pthread_mutex_lock(&store_secret_lock);
	if (store_secret_target != NULL && strcmp(store_secret_target, target) == 0)
		copy = xstrdup(store_secret);
	pthread_mutex_unlock(&store_secret_lock);
	return copy;
}

int
store_password_pipe(const char *target)
{
	int fd[2];
	char *pw = store_secret_copy(target);
	if (pw == NULL || pipe2(fd, O_CLOEXEC) != 0) {
		store_secret_free(pw);
		return -1;
	}
	/* Far less than a pipe holds: the write does not wait for a reader. */
	size_t n = strlen(pw);
	ssize_t w = write(fd[1], pw, n);
	store_secret_free(pw);
	close(fd[1]);
	if (w != (ssize_t)n) {
		close(fd[0]);
		return -1;
	}
	return fd[0];
}

int
store_password_take(const char *target, int fd)
{
	char buf[STORE_PASSWORD_MAX + 2];
	size_t len = 0;
	ssize_t n;
	while (len < sizeof buf - 1 &&
	    ((n = read(fd, buf + len, sizeof buf - 1 - len)) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0)
			len += (size_t)n;
	close(fd);
	/* One line ending it (echo, a here-string) is not part of it. */
	if (len > 0 && buf[len - 1] == '\n') {
		len--;
		if (len > 0 && buf[len - 1] == '\r')
			len--;
	}
	buf[len] = '\0';
	int rc = len > 0 && strlen(buf) == len ? store_password_set(target, buf) : -1;
	explicit_bzero(buf, sizeof buf);
	return rc;
}

/* --- Opening ---------------------------------------------------------------------- */

struct store *
store_open(const char *target, char **cause)
{
	return store_open_timed(target, 0, 0, NULL, cause);
}

/* Opens target with the password held for it, if any. */
static struct store *
store_open_as(const char *target, unsigned connect_timeout_s, unsigned statement_timeout_s,
    enum store_auth *auth, int *unreachable, char **cause)
{
	int away = 0;
	*auth = STORE_AUTH_NONE;
	if (unreachable != NULL)
		*unreachable = 0;
	if (!store_target_is_postgresql(target))
		return store_sqlite_open(target, cause);
	char *password = store_secret_copy(target);
	struct store *st = store_pg_open(target, connect_timeout_s, statement_timeout_s, password,
	    auth, &away, cause);
	store_secret_free(password);
	if (unreachable != NULL)
		*unreachable = away;
	return st;
}

struct store *
store_open_timed(const char *target, unsigned connect_timeout_s, unsigned statement_timeout_s,
    int *unreachable, char **cause)
{
	enum store_auth auth;
	return store_open_as(target, connect_timeout_s, statement_timeout_s, &auth, unreachable,
	    cause);
}

struct store *
store_open_auth(const char *target, enum store_auth *auth, char **cause)
{
	return store_open_as(target, 0, 0, auth, NULL, cause);
}

int
store_target_exists(const char *target)
{
	return store_target_is_postgresql(target) || access(target, F_OK) == 0;
}

/* Appends n bytes of s to the string *out of length *len. */
static void
store_append(char **out, size_t *len, const char *s, size_t n)
{
	*out = xrealloc(*out, *len + n + 1);
	memcpy(*out + *len, s, n);
	*len += n;
	(*out)[*len] = '\0';
}

char *
store_target_shown(const char *target)
{
	if (!store_target_is_postgresql(target))
		return xstrdup(target);
	char *out = NULL;
	size_t len = 0;
	const char *rest = strstr(target, "://") + 3;
	store_append(&out, &len, target, (size_t)(rest - target));
	/* user:password@ before the host */
	size_t auth = strcspn(rest, "/?#");
	const char *at = memchr(rest, '@', auth);
	const char *colon = at ? memchr(rest, ':', (size_t)(at - rest)) : NULL;
	if (colon != NULL) {
		store_append(&out, &len, rest, (size_t)(colon - rest) + 1);
		store_append(&out, &len, "***", 3);
		rest = at;
	}
	/* password=… among the parameters */
	const char *q = strchr(rest, '?');
	if (q == NULL) {
		store_append(&out, &len, rest, strlen(rest));
		return out;
	}
	store_append(&out, &len, rest, (size_t)(q - rest) + 1);
	for (const char *p = q + 1; *p != '\0';) {
		size_t n = strcspn(p, "&");
		if (strncasecmp(p, "password=", 9) == 0) {
			store_append(&out, &len, p, 9);
			store_append(&out, &len, "***", 3);
		} else
			store_append(&out, &len, p, n);
		p += n;
		if (*p == '&') {
			store_append(&out, &len, "&", 1);
			p++;
		}
	}
	return out;
}

void
store_close(struct store *st)
{
	if (st != NULL)
		st->ops->close(st);
}

enum store_status
store_ready(struct store *st, char **cause)
{
	return st->ops->ready(st, cause);
}

int
store_column_may_be_added(const struct schema *s, size_t f)
{
	return !s->fields[f].required && !schema_is_match_key(s, f);
}

void
store_added(char **added, const char *col)
{
	if (added == NULL)
		return;
	char *was = *added;
	*added = was == NULL ? xstrdup(col) : xasprintf("%s, %s", was, col);
	free(was);
}

/* The column named name (compared ignoring case), or NULL. */
static const struct store_column *
store_column_named(const struct store_column *cols, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(cols[i].name, name))
			return &cols[i];
	return NULL;
}

/* Whether a column of kind keeps the values sluice writes for field f. */
static int
store_kind_fits(const struct field *f, enum store_kind kind)
{
	if (kind == STORE_KIND_TEXT)
		return 1;
	if (f->type == FIELD_NUMBER)
		return kind == STORE_KIND_NUMBER || kind == STORE_KIND_INTEGER;
	if (f->type == FIELD_DATE)
		return kind == STORE_KIND_DATE;
	return 0;
}

int
store_check_existing(const struct schema *s, const char *where, const struct store_column *cols,
    size_t ncols, const struct store_unique *uniques, size_t nuniques, const char *const *want,
    const char *want_id, char **cause)
{
	const struct store_column *id = store_column_named(cols, ncols, "id");
	if (id == NULL || !id->numbers_itself) {
		*cause = xasprintf(
		    _("The table %s in %s has %s%s; sluice needs a column id that numbers the rows itself (%s), to find each record again. Import into another table or database; nothing was imported."),
		    s->table, where, id != NULL ? _("the column id as ") : _("no column id"),
		    id != NULL ? id->type : "", want_id);
		return -1;
	}
	for (size_t f = 0; f < s->nfields; f++) {
		const struct field *fd = &s->fields[f];
		const struct store_column *c = store_column_named(cols, ncols, fd->name);
		if (c == NULL || store_kind_fits(fd, c->kind))
			continue;
		*cause = xasprintf(
		    _("The column %s of the table %s in %s is %s, which does not keep %s values as sluice writes them (a value that looks like a number would lose its + or leading zeros, and every import would change the row again); it must be %s. Change the column, or import into another table or database; nothing was imported."),
		    fd->name, s->table, where, c->type, schema_type_name(fd->type), want[f]);
		return -1;
	}
	for (size_t i = 0; i < ncols; i++) {
		const struct store_column *c = &cols[i];
		if (c == id || !c->not_null || c->has_default)
			continue;
		int f = schema_field_index(s, c->name);
		if (f >= 0 && s->fields[f].required)
			continue;
		*cause = f >= 0 ?
		    xasprintf(
			_("The column %s of the table %s in %s is NOT NULL without a default, but %s is optional in schema %s: every row without it would fail. Allow NULL there or give it a default; nothing was imported."),
			c->name, s->table, where, c->name, s->name) :
		    xasprintf(
			_("The column %s of the table %s in %s is NOT NULL without a default, and schema %s has no field for it: every row would fail. Allow NULL there or give it a default; nothing was imported."),
			c->name, s->table, where, s->name);
		return -1;
	}
	for (size_t i = 0; i < nuniques; i++) {
		const struct store_unique *u = &uniques[i];
		int key = -1;
		if (u->ncolumns == 1 && u->columns[0] != NULL)
			key = schema_field_index(s, u->columns[0]);
		if (key >= 0 && schema_is_match_key(s, (size_t)key) && !u->partial)
			continue;
		char *on = NULL,
		     *keys = schema_join_fields(s, s->match_keys, s->nmatch_keys, 0, _(" or "));
		for (size_t k = 0; k < u->ncolumns; k++)
			store_added(&on, u->columns[k] != NULL ? u->columns[k] : _("an expression"));
		*cause = xasprintf(
		    _("The table %s in %s has a unique index %s on %s%s, which is not one match key of schema %s alone (%s): rows the schema allows would be refused one by one. Drop it, or import into another table or database; nothing was imported."),
		    s->table, where, u->name, on != NULL ? on : "?",
		    u->partial ? _(" (partial)") : "", s->name, keys);
		free(on);
		free(keys);
		return -1;
	}
	return 0;
}

enum store_status
store_prepare(struct store *st, const struct schema *s, char **added, char **cause)
{
	if (added != NULL)
		*added = NULL;
	return st->ops->prepare(st, s, added, cause);
}

enum store_status
store_dry_run_begin(struct store *st)
{
	return st->ops->dry_run_begin(st);
}

void
store_dry_run_end(struct store *st)
{
	st->ops->dry_run_end(st);
}

enum store_status
store_begin(struct store *st)
{
	return st->ops->begin(st);
}

enum store_status
store_commit(struct store *st)
{
	return st->ops->commit(st);
}

void
store_rollback(struct store *st)
{
	st->ops->rollback(st);
}

enum store_status
store_upsert(struct store *st, const char *const *values, enum strategy strategy,
    enum key_conflict on_conflict, int64_t import_id, struct upsert_result *res)
{
	/* Replace writes the rows as update does; its deletions come after. */
	if (strategy == STRATEGY_REPLACE)
		strategy = STRATEGY_UPDATE;
	return st->ops->upsert(st, values, strategy, on_conflict, import_id, res);
}

int
store_groups_batches(struct store *st)
{
	return st->ops->groups_batches;
}

int
store_upserts_batches(struct store *st)
{
	return st->ops->upsert_batch != NULL;
}

enum store_status
store_upsert_batch(struct store *st, const char *const *const *rows, size_t n, enum strategy strategy,
    enum key_conflict on_conflict, int64_t import_id, struct upsert_result *res)
{
	if (strategy == STRATEGY_REPLACE)
		strategy = STRATEGY_UPDATE;
	return st->ops->upsert_batch(st, rows, n, strategy, on_conflict, import_id, res);
}

const char *
store_errmsg(struct store *st)
{
	return st->ops->errmsg(st);
}

enum store_status
store_reconnect(struct store *st, int64_t id, uint64_t *last_batch, uint64_t *rows_done)
{
	if (st->ops->reconnect == NULL)
		return STORE_FATAL;
	return st->ops->reconnect(st, id, last_batch, rows_done);
}

int
store_lost(struct store *st)
{
	return st->ops->lost != NULL && st->ops->lost(st);
}

enum store_status
store_lock_import(struct store *st, int64_t id)
{
	return st->ops->lock_import != NULL ? st->ops->lock_import(st, id) : STORE_OK;
}

void
store_unlock_import(struct store *st)
{
	if (st->ops->unlock_import != NULL)
		st->ops->unlock_import(st);
}

enum store_status
store_records_prepare(struct store *st, const struct schema *s)
{
	return st->ops->records_prepare(st, s);
}

enum store_status
store_exists(struct store *st, const char *table, const char *column, const char *value, int *found)
{
	return st->ops->exists(st, table, column, value, found);
}

int
store_record_load(struct store *st, int64_t record_id, const char *const **values,
    int64_t *imported_from)
{
	return st->ops->record_load(st, record_id, values, imported_from);
}

enum store_status
store_record_delete(struct store *st, int64_t record_id, int *done)
{
	return st->ops->record_delete(st, record_id, done);
}

enum store_status
store_record_restore(struct store *st, int64_t record_id, const char *before)
{
	return st->ops->record_restore(st, record_id, before);
}

enum store_status
store_records_unseen(struct store *st, int64_t id, size_t limit, int64_t *ids, size_t *n)
{
	return st->ops->records_unseen(st, id, limit, ids, n);
}

static int
store_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

int
store_resolve(const struct schema *s, enum strategy strategy, const char *const *stored,
    const char *const *incoming, const char **out, char **owned)
{
	int changed = 0;
	for (size_t f = 0; f < s->nfields; f++) {
		const char *v;
		owned[f] = NULL;
		if (strategy == STRATEGY_SKIP)
			v = stored[f];
		else if (strategy == STRATEGY_UPDATE)
			v = incoming[f] != NULL ? incoming[f] : stored[f];
		else if (s->fields[f].type == FIELD_LIST)
			v = owned[f] =
			    validate_list_union(stored[f], incoming[f], s->fields[f].separator);
		else
			v = stored[f] != NULL ? stored[f] : incoming[f];
		out[f] = v;
		changed |= !store_same(v, stored[f]);
	}
	return changed;
}

/* A record as people name it: its non-empty name fields ("name" or
 * "..._name", text), joined with spaces; NULL when it has none. */
static char *
store_record_name(const struct schema *s, const char *const *values)
{
	char *name = NULL;
	for (size_t f = 0; f < s->nfields; f++) {
		const char *fn = s->fields[f].name;
		size_t len = strlen(fn);
		if (s->fields[f].type != FIELD_TEXT || values[f] == NULL ||
		    !(strcmp(fn, "name") == 0 || (len > 5 && strcmp(fn + len - 5, "_name") == 0)))
			continue;
		char *joined = name ? xasprintf("%s %s", name, values[f]) : xstrdup(values[f]);
		free(name);
		name = joined;
	}
	return name;
}

int
store_key_conflict(const struct schema *s, enum strategy strategy, enum key_conflict on_conflict,
    int64_t id, size_t matched, const char *const *stored, const char *const *incoming,
    struct upsert_result *res)
{
	for (size_t k = 0; k < s->nmatch_keys; k++) {
		size_t f = s->match_keys[k];
		if (f == matched || incoming[f] == NULL || stored[f] == NULL ||
		    strcmp(incoming[f], stored[f]) == 0)
			continue;
		res->key_conflict = 1;
		res->reason_field = (int)f;
		if (on_conflict == KEY_CONFLICT_UPDATE)
			return 1;
		const char *then = strategy == STRATEGY_UPDATE ?
		    _("import it with --on-key-conflict update to replace it.") :
		    strategy == STRATEGY_MERGE ?
		    _("import it with --on-key-conflict update to merge the row into that record all the same.") :
		    _("import it with --on-key-conflict update to skip it as a match of that record.");
		char *name = store_record_name(s, stored);
		if (name != NULL)
			res->reason = xasprintf(
			    _("The %s matches record %lld (%s), but the %s %s differs from the stored %s; %s"),
			    s->fields[matched].name, (long long)id, name, s->fields[f].name,
			    incoming[f], stored[f], then);
		else
			res->reason = xasprintf(
			    _("The %s matches record %lld, but the %s %s differs from the stored %s; %s"),
			    s->fields[matched].name, (long long)id, s->fields[f].name, incoming[f],
			    stored[f], then);
		free(name);
		res->outcome = OUTCOME_REJECTED;
		res->record_id = id;
		return 1;
	}
	return 0;
}

uint64_t
store_values_hash(const char *const *values, size_t n)
{
	/* FNV-1a, with a marker between values and for NULL. */
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t f = 0; f < n; f++) {
		if (values[f] == NULL)
			h = (h ^ 0xfe) * 0x100000001b3ULL;
		else
			for (const unsigned char *p = (const unsigned char *)values[f]; *p; p++)
				h = (h ^ *p) * 0x100000001b3ULL;
		h = (h ^ 0xff) * 0x100000001b3ULL;
	}
	return h;
}

void
store_result_clear(struct upsert_result *res)
{
	free(res->before);
	free(res->reason);
	memset(res, 0, sizeof *res);
	res->reason_field = -1;
}

static const char *const strategy_names[] = {
	[STRATEGY_SKIP] = "skip",
	[STRATEGY_UPDATE] = "update",
	[STRATEGY_MERGE] = "merge",
	[STRATEGY_REPLACE] = "replace",
};

const char *
store_strategy_name(enum strategy s)
{
	return strategy_names[s];
}

int
store_strategy_parse(const char *name)
{
	for (size_t i = 0; i < sizeof strategy_names / sizeof *strategy_names; i++)
		if (!strcmp(name, strategy_names[i]))
			return (int)i;
	return -1;
}

static const char *const key_conflict_names[] = {
	[KEY_CONFLICT_REJECT] = "reject",
	[KEY_CONFLICT_UPDATE] = "update",
};

const char *
store_key_conflict_name(enum key_conflict k)
{
	return key_conflict_names[k];
}

int
store_key_conflict_parse(const char *name)
{
	for (size_t i = 0; i < sizeof key_conflict_names / sizeof *key_conflict_names; i++)
		if (!strcmp(name, key_conflict_names[i]))
			return (int)i;
	return -1;
}

void
store_reject_ambiguous(const struct schema *s, size_t f, int64_t a, int64_t b,
    struct upsert_result *res)
{
	res->reason = xasprintf(
	    _("Its %s matches two stored records (%lld and %lld), so sluice cannot tell which one the row is; merge those records first."),
	    s->fields[f].name, (long long)a, (long long)b);
	res->reason_field = (int)f;
}

void
store_reject_split(const struct schema *s, size_t fa, int64_t a, size_t fb, int64_t b,
    struct upsert_result *res)
{
	res->reason = xasprintf(
	    _("Its %s matches stored record %lld but its %s matches stored record %lld, so sluice cannot tell which one the row is; correct the row or merge those records first."),
	    s->fields[fa].name, (long long)a, s->fields[fb].name, (long long)b);
	res->reason_field = (int)fb;
}

char *
store_before_image(const struct schema *s, int64_t id, const char *const *values,
    int64_t imported_from)
{
	json_t *obj = json_object();
	json_object_set_new(obj, "id", json_integer(id));
	for (size_t f = 0; f < s->nfields; f++)
		json_object_set_new(obj, s->fields[f].name,
		    values[f] ? json_string(values[f]) : json_null());
	json_object_set_new(obj, "imported_from",
	    imported_from < 0 ? json_null() : json_integer(imported_from));
	char *js = json_dumps(obj, JSON_PRESERVE_ORDER | JSON_COMPACT);
	json_decref(obj);
	return js;
}

char *
store_cells_json(const struct record *r)
{
	json_t *arr = json_array();
	for (size_t c = 0; c < r->ncells; c++) {
		json_t *s = json_string(r->cells[c]);
		if (s == NULL) {
			size_t len = strlen(r->cells[c]);
			char *esc = xmalloc(len * 4 + 1), *o = esc;
			for (const unsigned char *p = (const unsigned char *)r->cells[c]; *p; p++)
				o += *p < 0x80 ? sprintf(o, "%c", *p) : sprintf(o, "\\x%02x", *p);
			s = json_string(esc);
			free(esc);
		}
		json_array_append_new(arr, s ? s : json_string(""));
	}
	char *js = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	return js;
}

void
store_cells_read(const char *text, json_t **holder, struct reject_row *r, size_t *alloc)
{
	json_decref(*holder);
	*holder = json_loads(text ? text : "", 0, NULL);
	size_t n = json_array_size(*holder);
	if (n + 1 > *alloc) {
		*alloc = n + 1;
		r->cells = xreallocarray(r->cells, *alloc, sizeof *r->cells);
	}
	for (size_t c = 0; c < n; c++) {
		const char *v = json_string_value(json_array_get(*holder, c));
		r->cells[c] = (char *)(v ? v : "");
	}
	r->ncells = n;
}

const char *
store_action_name(enum outcome o)
{
	return o == OUTCOME_CREATED ? "insert" :
	    o == OUTCOME_UPDATED    ? "update" :
	    o == OUTCOME_DELETED    ? "delete" :
				      "merge";
}

enum outcome
store_action_parse(const char *action)
{
	return action == NULL	      ? OUTCOME_UPDATED :
	    !strcmp(action, "insert") ? OUTCOME_CREATED :
	    !strcmp(action, "merge")  ? OUTCOME_MERGED :
	    !strcmp(action, "delete") ? OUTCOME_DELETED :
					OUTCOME_UPDATED;
}

/* --- Journal rows ------------------------------------------------------------- */

static int
store_next(struct store_iter *it, enum store_iter_kind kind, const void **row)
{
	fatal_assert(it->kind == kind);
	return it->next(it, row);
}

int
store_next_import(struct store_iter *it, const struct import_row **row)
{
	return store_next(it, STORE_ITER_IMPORTS, (const void **)row);
}

int
store_next_error(struct store_iter *it, const struct error_row **row)
{
	return store_next(it, STORE_ITER_ERRORS, (const void **)row);
}

int
store_next_batch(struct store_iter *it, const struct batch_row **row)
{
	return store_next(it, STORE_ITER_BATCHES, (const void **)row);
}

int
store_next_fix(struct store_iter *it, const struct fix_row **row)
{
	return store_next(it, STORE_ITER_FIXES, (const void **)row);
}

int
store_next_reject(struct store_iter *it, const struct reject_row **row)
{
	return store_next(it, STORE_ITER_REJECTS, (const void **)row);
}

int
store_next_change(struct store_iter *it, const struct change_row **row)
{
	return store_next(it, STORE_ITER_CHANGES, (const void **)row);
}

void
store_iter_close(struct store_iter *it)
{
	if (it != NULL)
		it->close(it);
}

/* The string members of an import row, for copying and freeing them. */
#define IMPORT_ROW_STRINGS(r)                                                                      \
	&(r)->source_path, &(r)->source_sha256, &(r)->source_format, &(r)->source_description,     \
	    &(r)->sheet, &(r)->encoding, &(r)->schema_name, &(r)->schema_path, &(r)->target_table, \
	    &(r)->mapping, &(r)->strategy, &(r)->region, &(r)->started_at, &(r)->finished_at,      \
	    &(r)->last_error, &(r)->host, &(r)->user_name, &(r)->rolled_back_at, &(r)->rollback,   \
	    &(r)->invalid_values, &(r)->on_key_conflict, &(r)->restore_members, &(r)->date_order

void
store_import_row_copy(struct import_row *dst, const struct import_row *src)
{
	*dst = *src;
	char **strings[] = { IMPORT_ROW_STRINGS(dst) };
	for (size_t i = 0; i < sizeof strings / sizeof *strings; i++)
		if (*strings[i] != NULL)
			*strings[i] = xstrdup(*strings[i]);
}

void
store_import_row_clear(struct import_row *row)
{
	char **strings[] = { IMPORT_ROW_STRINGS(row) };
	for (size_t i = 0; i < sizeof strings / sizeof *strings; i++)
		free(*strings[i]);
	memset(row, 0, sizeof *row);
}
