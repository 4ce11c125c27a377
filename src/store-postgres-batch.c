/* A batch's upserts into PostgreSQL in a few statements instead of two
 * round trips a row: the records any row's keys name are read at once;
 * the rows are matched and resolved here, in order, against those records
 * and the ones earlier rows wrote (by the rules of store.c, as row-by-row
 * upserts would); then the new records go in with one COPY and the
 * changed ones with one UPDATE from arrays. The table is locked for
 * the batch (store_pg_begin), so nobody else changes it meanwhile. A row
 * the database refuses fails the statement: the engine then writes the
 * batch row by row, and each row gets its own answer. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "store-postgres.h"
#include "xmalloc.h"

/* A stored record as the batch knows it. */
struct batch_rec {
	int64_t id, from; /* from: imported_from, -1 when none */
	char **vals;	  /* one per field, NULL = empty */
	int created;	  /* new in this batch */
	int dirty;	  /* changed in this batch */
};

/* The records holding one value of one match key, by id. */
struct batch_slot {
	size_t k;
	char *value; /* NULL: a free slot */
	size_t *recs, n, cap;
};

struct batch {
	const struct schema *s;
	struct batch_rec *recs;
	size_t nrecs, caprecs;
	struct batch_slot *slots;
	size_t nslots, used; /* nslots: a power of two */
};

static uint64_t
batch_hash(size_t k, const char *v)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ k;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	return h;
}

/* The slot of value v of key k: its own, or (create, after batch_grow) a
 * free one. */
static struct batch_slot *
batch_slot(struct batch *b, size_t k, const char *v, int create)
{
	if (b->nslots == 0)
		return NULL;
	size_t mask = b->nslots - 1;
	for (size_t i = batch_hash(k, v) & mask;; i = (i + 1) & mask) {
		struct batch_slot *sl = &b->slots[i];
		if (sl->value == NULL) {
			if (!create)
				return NULL;
			sl->k = k;
			sl->value = xstrdup(v);
			b->used++;
			return sl;
		}
		if (sl->k == k && !strcmp(sl->value, v))
			return sl;
	}
}

static void
batch_grow(struct batch *b)
{
	if (b->nslots != 0 && (b->used + 1) * 2 <= b->nslots)
		return;
	struct batch_slot *old = b->slots;
	size_t nold = b->nslots;
	b->nslots = nold ? nold * 2 : 256;
	b->slots = xcalloc(b->nslots, sizeof *b->slots);
	b->used = 0;
	for (size_t i = 0; i < nold; i++) {
		if (old[i].value == NULL)
			continue;
		struct batch_slot *sl = batch_slot(b, old[i].k, old[i].value, 1);
		free(sl->value);
		*sl = old[i];
	}
	free(old);
}

/* Files record r under value v of key k, keeping the records in id order. */
static void
batch_index_add(struct batch *b, size_t k, const char *v, size_t r)
{
	batch_grow(b);
	struct batch_slot *sl = batch_slot(b, k, v, 1);
	if (sl->n == sl->cap) {
		sl->cap = sl->cap ? sl->cap * 2 : 1;
		sl->recs = xreallocarray(sl->recs, sl->cap, sizeof *sl->recs);
	}
	size_t at = sl->n;
	while (at > 0 && b->recs[sl->recs[at - 1]].id > b->recs[r].id)
		at--;
	memmove(sl->recs + at + 1, sl->recs + at, (sl->n - at) * sizeof *sl->recs);
	sl->recs[at] = r;
	sl->n++;
}

static void
batch_index_remove(struct batch *b, size_t k, const char *v, size_t r)
{
	struct batch_slot *sl = batch_slot(b, k, v, 0);
	for (size_t i = 0; sl != NULL && i < sl->n; i++)
		if (sl->recs[i] == r) {
			memmove(sl->recs + i, sl->recs + i + 1, (sl->n - i - 1) * sizeof *sl->recs);
			sl->n--;
			return;
		}
}

/* A record with copies of values, filed under its keys; its index. */
static size_t
batch_rec_add(struct batch *b, int64_t id, int64_t from, const char *const *values, int created)
{
	const struct schema *s = b->s;
	if (b->nrecs == b->caprecs) {
		b->caprecs = b->caprecs ? b->caprecs * 2 : 64;
		b->recs = xreallocarray(b->recs, b->caprecs, sizeof *b->recs);
	}
	size_t r = b->nrecs++;
	struct batch_rec *rec = &b->recs[r];
	rec->id = id;
	rec->from = from;
	rec->created = created;
	rec->dirty = 0;
	rec->vals = xcalloc(s->nfields, sizeof *rec->vals);
	for (size_t f = 0; f < s->nfields; f++)
		rec->vals[f] = values[f] ? xstrdup(values[f]) : NULL;
	for (size_t k = 0; k < s->nmatch_keys; k++)
		if (rec->vals[s->match_keys[k]] != NULL)
			batch_index_add(b, k, rec->vals[s->match_keys[k]], r);
	return r;
}

static void
batch_free(struct batch *b)
{
	for (size_t r = 0; r < b->nrecs; r++) {
		for (size_t f = 0; f < b->s->nfields; f++)
			free(b->recs[r].vals[f]);
		free(b->recs[r].vals);
	}
	free(b->recs);
	for (size_t i = 0; i < b->nslots; i++) {
		free(b->slots[i].value);
		free(b->slots[i].recs);
	}
	free(b->slots);
}

/* The record a row names by its keys (store-sqlite.c's store_find over the
 * batch's records): its index, or -1 when none, and in *matched the field
 * of the first key that found it; res->reason when the keys name two
 * records. */
static ssize_t
batch_find(struct batch *b, const char *const *values, size_t *matched, struct upsert_result *res)
{
	const struct schema *s = b->s;
	ssize_t found = -1;
	size_t found_key = 0;
	for (size_t k = 0; k < s->nmatch_keys; k++) {
		size_t f = s->match_keys[k];
		if (values[f] == NULL)
			continue;
		struct batch_slot *sl = batch_slot(b, k, values[f], 0);
		if (sl == NULL || sl->n == 0)
			continue;
		if (sl->n >= 2) {
			store_reject_ambiguous(s, f, b->recs[sl->recs[0]].id,
			    b->recs[sl->recs[1]].id, res);
			return -1;
		}
		if (found >= 0 && b->recs[found].id != b->recs[sl->recs[0]].id) {
			store_reject_split(s, s->match_keys[found_key], b->recs[found].id, f,
			    b->recs[sl->recs[0]].id, res);
			return -1;
		}
		if (found < 0) {
			found = (ssize_t)sl->recs[0];
			found_key = k;
		}
	}
	*matched = s->nmatch_keys > 0 ? s->match_keys[found_key] : 0;
	return found;
}

/* Gives record r the values out (copied), written by import_id. 0, or -1
 * when a key value would then be held by two records under a unique
 * index: the database would refuse it, so the batch goes row by row. */
static int
batch_rec_set(struct batch *b, const int *key_unique, size_t r, const char *const *out,
    int64_t import_id)
{
	const struct schema *s = b->s;
	struct batch_rec *rec = &b->recs[r];
	for (size_t k = 0; k < s->nmatch_keys; k++) {
		size_t f = s->match_keys[k];
		const char *old = rec->vals[f], *new = out[f];
		if (new == NULL || (old != NULL && !strcmp(old, new)) || !key_unique[k])
			continue;
		struct batch_slot *sl = batch_slot(b, k, new, 0);
		if (sl != NULL && sl->n > 0)
			return -1;
	}
	for (size_t k = 0; k < s->nmatch_keys; k++) {
		size_t f = s->match_keys[k];
		const char *old = rec->vals[f], *new = out[f];
		if (old == NULL ? new == NULL : new != NULL && !strcmp(old, new))
			continue;
		if (old != NULL)
			batch_index_remove(b, k, old, r);
		if (new != NULL)
			batch_index_add(b, k, new, r);
	}
	for (size_t f = 0; f < s->nfields; f++) {
		char *v = out[f] ? xstrdup(out[f]) : NULL;
		free(rec->vals[f]);
		rec->vals[f] = v;
	}
	rec->from = import_id;
	rec->dirty = 1;
	return 0;
}

/* --- Statements ------------------------------------------------------------------- */

void
store_pg_batch_finalize(struct store_pg *st)
{
	store_pg_deallocate(st, "s_prefetch s_bupdate");
	st->batch = 0;
	free(st->copy);
	st->copy = NULL;
	free(st->seq);
	free(st->key_unique);
	st->seq = NULL;
	st->key_unique = NULL;
}

/* The type of each field's column, without its modifier (an array of it
 * takes the values; the column's own length checks still apply). */
static char **
batch_types(struct store_pg *st, const struct schema *s)
{
	const char *p[] = { st->table };
	PGresult *res = store_pg_query(st,
	    "SELECT attname, format_type(atttypid, NULL)"
	    " FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0"
	    " AND NOT attisdropped",
	    1, p, NULL);
	if (res == NULL)
		return NULL;
	char **types = xcalloc(s->nfields, sizeof *types);
	int complete = 1;
	for (size_t f = 0; f < s->nfields; f++) {
		for (int r = 0; r < PQntuples(res) && types[f] == NULL; r++)
			if (!strcmp(PQgetvalue(res, r, 0), s->fields[f].name))
				types[f] = xstrdup(PQgetvalue(res, r, 1));
		complete &= types[f] != NULL;
	}
	PQclear(res);
	if (!complete) {
		for (size_t f = 0; f < s->nfields; f++)
			free(types[f]);
		free(types);
		types = NULL;
	}
	return types;
}

enum store_status
store_pg_batch_prepare(struct store_pg *st, const struct schema *s)
{
	const char *p[] = { st->table };
	enum store_status ss = STORE_OK;
	PGresult *res = store_pg_query(st, "SELECT pg_get_serial_sequence($1, 'id')", 1, p, &ss);
	if (res == NULL)
		return ss;
	if (!PQgetisnull(res, 0, 0))
		st->seq = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	char **types = st->seq ? batch_types(st, s) : NULL;
	if (types == NULL)
		return STORE_OK; /* row by row, then */

	struct pg_buf cols = { 0 }, prefetch = { 0 }, upd = { 0 };
	for (size_t f = 0; f < s->nfields; f++) {
		char *col = store_pg_ident(st, s->fields[f].name);
		pg_buf_printf(&cols, "%s, ", col);
		pg_buf_printf(&upd, "%s%s = u.v%zu", f ? ", " : "", col, f);
		free(col);
	}
	/* Each key value looked up through its key's index (OFFSET 0 keeps
	 * the planner from turning the look-ups into a scan of the whole
	 * table, which `key = ANY($1)` became once the table had grown). */
	pg_buf_printf(&prefetch, "SELECT DISTINCT ON (m.id) * FROM (");
	for (size_t k = 0; k < s->nmatch_keys; k++) {
		size_t f = s->match_keys[k];
		char *key = store_pg_ident(st, s->fields[f].name);
		pg_buf_printf(&prefetch,
		    "%sSELECT r.* FROM unnest($%zu::%s[]) AS k(v), LATERAL (SELECT id, %simported_from"
		    " FROM %s WHERE %s = k.v OFFSET 0) AS r",
		    k ? " UNION ALL " : "", k + 1, types[f], cols.s, st->table, key);
		free(key);
	}
	pg_buf_printf(&prefetch, ") AS m ORDER BY m.id");

	struct pg_buf arrays = { 0 }, names = { 0 };
	pg_buf_printf(&arrays, "unnest($1::bigint[]");
	pg_buf_printf(&names, "i");
	for (size_t f = 0; f < s->nfields; f++) {
		pg_buf_printf(&arrays, ", $%zu::%s[]", f + 2, types[f]);
		pg_buf_printf(&names, ", v%zu", f);
	}
	pg_buf_printf(&arrays, ", $%zu::bigint[])", s->nfields + 2);
	pg_buf_printf(&names, ", f");
	free(st->copy);
	st->copy = xasprintf("COPY %s (id, %simported_from) FROM STDIN", st->table, cols.s);
	pg_buf_printf(&upd, ", imported_from = u.f FROM %s AS u(%s) WHERE %s.id = u.i", arrays.s,
	    names.s, st->table);
	char *update = xasprintf("UPDATE %s SET %s", st->table, upd.s);

	if (s->nmatch_keys > 0)
		ss = store_pg_prepare_stmt(st, "s_prefetch", prefetch.s);
	if (ss == STORE_OK)
		ss = store_pg_prepare_stmt(st, "s_bupdate", update);
	st->batch = ss == STORE_OK;
	free(update);
	pg_buf_free(&cols);
	pg_buf_free(&prefetch);
	pg_buf_free(&upd);
	pg_buf_free(&arrays);
	pg_buf_free(&names);
	for (size_t f = 0; f < s->nfields; f++)
		free(types[f]);
	free(types);
	return ss;
}

/* --- The batch -------------------------------------------------------------------- */

static int
batch_strcmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Reads the stored records that the rows' key values name. */
static enum store_status
batch_prefetch(struct store_pg *st, struct batch *b, const char *const *const *rows, size_t n)
{
	const struct schema *s = b->s;
	if (s->nmatch_keys == 0)
		return STORE_OK;
	struct pg_buf *keys = xcalloc(s->nmatch_keys, sizeof *keys);
	const char **p = xcalloc(s->nmatch_keys, sizeof *p);
	const char **vals = xcalloc(n ? n : 1, sizeof *vals);
	for (size_t k = 0; k < s->nmatch_keys; k++) {
		/* Each value once, in order: the look-ups walk the index from
		 * one end to the other. */
		size_t nvals = 0;
		for (size_t i = 0; i < n; i++)
			if (rows[i] != NULL && rows[i][s->match_keys[k]] != NULL)
				vals[nvals++] = rows[i][s->match_keys[k]];
		qsort(vals, nvals, sizeof *vals, batch_strcmp);
		for (size_t i = 0; i < nvals; i++)
			if (i == 0 || strcmp(vals[i - 1], vals[i]) != 0)
				pg_buf_element(&keys[k], vals[i]);
		pg_buf_array_end(&keys[k]);
		p[k] = keys[k].s;
	}
	free(vals);
	enum store_status ss = STORE_OK;
	PGresult *res = store_pg_run(st, "s_prefetch", (int)s->nmatch_keys, p, &ss);
	for (size_t k = 0; k < s->nmatch_keys; k++)
		pg_buf_free(&keys[k]);
	free(keys);
	free(p);
	if (res == NULL)
		return ss;
	vals = xcalloc(s->nfields, sizeof *vals);
	for (int r = 0; r < PQntuples(res); r++) {
		for (size_t f = 0; f < s->nfields; f++)
			vals[f] = store_pg_text(res, r, (int)f + 1);
		batch_rec_add(b, store_pg_int(res, r, 0), store_pg_int(res, r, (int)s->nfields + 1),
		    vals, 0);
	}
	free(vals);
	PQclear(res);
	return STORE_OK;
}

/* A record to write, and the value its writes are ordered by. */
struct batch_order {
	const char *key;
	size_t r;
};

static int
batch_order_cmp(const void *a, const void *b)
{
	const struct batch_order *x = a, *y = b;
	if (x->key == NULL || y->key == NULL)
		return (x->key == NULL) - (y->key == NULL);
	return strcmp(x->key, y->key);
}

/* Runs s_bupdate with the records that are not new and were changed. */
static enum store_status
batch_update(struct store_pg *st, struct batch *b)
{
	const struct schema *s = b->s;
	size_t ncols = s->nfields + 2, nrows = 0;
	struct pg_buf *cols = xcalloc(ncols, sizeof *cols);
	char num[24];
	for (size_t r = 0; r < b->nrecs; r++) {
		const struct batch_rec *rec = &b->recs[r];
		if (rec->created || !rec->dirty)
			continue;
		snprintf(num, sizeof num, "%" PRId64, rec->id);
		pg_buf_element(&cols[0], num);
		for (size_t f = 0; f < s->nfields; f++)
			pg_buf_element(&cols[f + 1], rec->vals[f]);
		snprintf(num, sizeof num, "%" PRId64, rec->from);
		pg_buf_element(&cols[ncols - 1], rec->from >= 0 ? num : NULL);
		nrows++;
	}
	enum store_status ss = STORE_OK;
	if (nrows > 0) {
		const char **p = xcalloc(ncols, sizeof *p);
		for (size_t c = 0; c < ncols; c++) {
			pg_buf_array_end(&cols[c]);
			p[c] = cols[c].s;
		}
		PQclear(store_pg_run(st, "s_bupdate", (int)ncols, p, &ss));
		free(p);
	}
	for (size_t c = 0; c < ncols; c++)
		pg_buf_free(&cols[c]);
	free(cols);
	return ss;
}

/* COPYs the records the batch created into the table: cheaper for the
 * server than an INSERT from arrays (no arrays to read, the rows written
 * in bulk). They go in in the order of their first match key: one after
 * the other, they add to the same pages of its index rather than to pages
 * all over it (the ids stay as given). */
static enum store_status
batch_insert(struct store_pg *st, struct batch *b)
{
	const struct schema *s = b->s;
	size_t nrows = 0;
	struct batch_order *order = xcalloc(b->nrecs ? b->nrecs : 1, sizeof *order);
	for (size_t r = 0; r < b->nrecs; r++)
		if (b->recs[r].created) {
			order[nrows].key =
			    s->nmatch_keys > 0 ? b->recs[r].vals[s->match_keys[0]] : NULL;
			order[nrows++].r = r;
		}
	qsort(order, nrows, sizeof *order, batch_order_cmp);
	struct pg_buf data = { 0 };
	char num[24];
	for (size_t i = 0; i < nrows; i++) {
		const struct batch_rec *rec = &b->recs[order[i].r];
		snprintf(num, sizeof num, "%" PRId64, rec->id);
		pg_buf_copy_field(&data, num, 0);
		for (size_t f = 0; f < s->nfields; f++)
			pg_buf_copy_field(&data, rec->vals[f], 0);
		snprintf(num, sizeof num, "%" PRId64, rec->from);
		pg_buf_copy_field(&data, rec->from >= 0 ? num : NULL, 1);
	}
	free(order);
	enum store_status ss = STORE_OK;
	if (nrows > 0)
		ss = store_pg_copy(st, st->copy, data.s, data.len);
	pg_buf_free(&data);
	return ss;
}

/* Takes ids for the records the batch creates: the first is *next; at
 * the end the sequence goes on after the last one used. */
static enum store_status
batch_sequence(struct store_pg *st, int64_t *next, int64_t used)
{
	char num[24];
	snprintf(num, sizeof num, "%" PRId64, *next + used);
	const char *p[] = { st->seq, num };
	enum store_status ss = STORE_OK;
	PGresult *res = used < 0 ?
	    store_pg_query(st, "SELECT nextval($1::regclass)", 1, p, &ss) :
	    store_pg_query(st, "SELECT setval($1::regclass, $2, false)", 2, p, &ss);
	if (res != NULL && used < 0)
		*next = store_pg_int(res, 0, 0);
	PQclear(res);
	return ss;
}

enum store_status
store_pg_upsert_batch(struct store *base, const char *const *const *rows, size_t n,
    enum strategy strategy, enum key_conflict on_conflict, int64_t import_id,
    struct upsert_result *res)
{
	struct store_pg *st = (struct store_pg *)base;
	const struct schema *s = st->schema;
	enum store_status ss = STORE_OK;
	if (!st->batch) {
		for (size_t i = 0; i < n && ss == STORE_OK; i++)
			if (rows[i] != NULL)
				ss = store_pg_upsert(base, rows[i], strategy, on_conflict,
				    import_id, &res[i]);
		return ss;
	}
	struct batch b = { .s = s };
	/* Room for every key value of the batch, so that the index of
	 * values is not built again as it fills. */
	for (b.nslots = 256; b.nslots < 2 * (n + 1) * s->nmatch_keys;)
		b.nslots *= 2;
	b.slots = xcalloc(b.nslots, sizeof *b.slots);
	int64_t next = 0, created = 0;
	ss = batch_prefetch(st, &b, rows, n);
	if (ss == STORE_OK)
		ss = batch_sequence(st, &next, -1);
	for (size_t i = 0; i < n && ss == STORE_OK; i++) {
		const char *const *values = rows[i];
		struct upsert_result *out = &res[i];
		if (values == NULL)
			continue;
		memset(out, 0, sizeof *out);
		out->reason_field = -1;
		out->matched_from = -1;
		size_t matched = 0;
		ssize_t r = batch_find(&b, values, &matched, out);
		if (out->reason != NULL) {
			out->outcome = OUTCOME_REJECTED;
			continue;
		}
		if (r < 0) {
			size_t c = batch_rec_add(&b, next + created++, import_id, values, 1);
			out->outcome = OUTCOME_CREATED;
			out->record_id = b.recs[c].id;
			out->after_hash = store_values_hash(values, s->nfields);
			continue;
		}
		struct batch_rec *rec = &b.recs[r];
		out->record_id = rec->id;
		out->matched_from = rec->from;
		if (store_key_conflict(s, strategy, on_conflict, rec->id, matched,
			(const char *const *)rec->vals, values, out) &&
		    out->outcome == OUTCOME_REJECTED) {
			out->before = store_before_image(s, rec->id, (const char *const *)rec->vals,
			    rec->from);
			continue;
		}
		if (strategy == STRATEGY_SKIP) {
			out->outcome = OUTCOME_SKIPPED;
			continue;
		}
		int changed = store_resolve(s, strategy, (const char *const *)rec->vals, values,
		    st->merged, st->owned);
		if (changed) {
			out->before = store_before_image(s, rec->id, (const char *const *)rec->vals,
			    rec->from);
			out->after_hash = store_values_hash(st->merged, s->nfields);
			if (batch_rec_set(&b, st->key_unique, (size_t)r, st->merged, import_id) != 0) {
				free(st->errmsg);
				st->errmsg = xstrdup(_(
				    "A row would give a record a key value that another record holds."));
				ss = STORE_ROW;
			}
		}
		for (size_t f = 0; f < s->nfields; f++) {
			free(st->owned[f]);
			st->owned[f] = NULL;
		}
		out->outcome = !changed		? OUTCOME_UNCHANGED :
		    strategy == STRATEGY_UPDATE ? OUTCOME_UPDATED :
						  OUTCOME_MERGED;
	}
	if (ss == STORE_OK)
		ss = batch_sequence(st, &next, created);
	if (ss == STORE_OK)
		ss = batch_insert(st, &b);
	if (ss == STORE_OK)
		ss = batch_update(st, &b);
	batch_free(&b);
	return ss;
}
