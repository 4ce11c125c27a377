/* The JSON backup source: one top-level object whose members holding arrays
 * of objects are tables, or NDJSON whose objects name their table in a
 * _table member. A first pass with yajl finds each table's array or lines
 * (byte offsets, records, the union of their keys); then the chosen table
 * (the sheet option) is streamed from its place, one record a row. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

#include "i18n.h"
#include "source.h"
#include "text.h"
#include "xmalloc.h"

#define JSON_CHUNK 16384
/* The most keys the records of one table may have between them. */
#define JSON_MAX_KEYS 4096

struct json_table {
	char *name;
	uint64_t start; /* offset of its '[' (NDJSON: of its first record) */
	uint64_t end;	/* offset just past its ']' (NDJSON: its last record) */
	uint64_t line;	/* the line start is on */
	uint64_t records;
	char **keys;
	size_t nkeys;
	bool objects; /* every element so far is an object */
};

struct json_state {
	int fd;
	char *name; /* the path, escaped */
	yajl_handle h;
	unsigned char buf[JSON_CHUNK];
	uint64_t base;	/* file offset of buf[0] */
	size_t scanned; /* bytes of buf whose newlines are counted */
	uint64_t line;	/* the line at buf[scanned] */
	int indexing;	/* the first pass, else streaming a table */
	unsigned depth; /* nesting of the value being read */
	char *error;	/* a callback's refusal */
	struct json_table *tables;
	size_t ntables;
	struct json_table *member; /* indexing: the member being read */
	char *member_name;
	/* NDJSON: the top-level values met, the tables their _table names,
	 * and the value being indexed: its start, line, keys, table. */
	uint64_t ntop;
	bool ndjson;
	struct json_table *lines;
	size_t nlines;
	uint64_t top_start, top_line;
	char **top_keys;
	size_t ntop_keys;
	char *top_table;
	bool top_key_is_table;
	char *rec_table; /* streaming NDJSON: the record's _table */
	unsigned rd;	 /* streaming: the depth records open at */
	struct source_sheet_info *infos;
	struct json_table *t; /* the table read */
	char *describe;
	/* Indexing one object: its members that are no table, written as
	 * JSON (keep) while they fit in SOURCE_MEMBERS_MAX bytes between
	 * them; those that did not are named in left_out. */
	yajl_gen keep;
	char *keep_name;
	size_t kept;
	bool keep_cut;
	yajl_gen kept_gen;  /* {"NAME": VALUE, …} so far */
	yajl_gen left_gen;  /* ["NAME", …] so far */
	uint64_t left_more; /* members not kept beyond those named */
	char *members;

	/* Streaming. */
	bool started, finished;
	int column;   /* the key being read, or -1 */
	yajl_gen gen; /* a nested value being written as JSON text */
	unsigned gen_depth;
	char **cells;
	size_t *lens;
	uint64_t record_line;
	struct row *queue; /* records read, not yet returned */
	size_t nqueue, queue_head, queue_alloc;
	struct row current;
	uint64_t number;
};

/* Counts the newlines of buf up to upto (an offset in the chunk). */
static void
json_count_lines(struct json_state *st, size_t upto)
{
	while (st->scanned < upto) {
		const unsigned char *nl = memchr(st->buf + st->scanned, '\n', upto - st->scanned);
		if (nl == NULL) {
			st->scanned = upto;
			break;
		}
		st->line++;
		st->scanned = (size_t)(nl - st->buf) + 1;
	}
}

/* The file offset of the byte yajl reads now. */
static uint64_t
json_here(struct json_state *st)
{
	return st->base + yajl_get_bytes_consumed(st->h);
}

static int
json_refuse(struct json_state *st, char *message)
{
	if (st->error == NULL)
		st->error = message;
	else
		free(message);
	return 0;
}

static void
json_row_free(struct row *r)
{
	for (size_t i = 0; i < r->ncells; i++)
		free(r->cells[i]);
	free(r->cells);
	free(r->lens);
	free(r->error);
	memset(r, 0, sizeof *r);
}

/* Streaming: a value of the record being read, as text. */
static void
json_cell(struct json_state *st, const char *v, size_t len)
{
	if (st->column == -2) {
		free(st->rec_table);
		st->rec_table = xstrndup(v, len);
	}
	if (st->column < 0)
		return;
	free(st->cells[st->column]);
	st->cells[st->column] = xmalloc(len + 1);
	memcpy(st->cells[st->column], v, len);
	st->cells[st->column][len] = '\0';
	st->lens[st->column] = len;
	st->column = -1;
}

/* A nested value's text, once it is closed. */
static void
json_gen_done(struct json_state *st)
{
	const unsigned char *out;
	size_t len;

	yajl_gen_get_buf(st->gen, &out, &len);
	json_cell(st, (const char *)out, len);
	yajl_gen_clear(st->gen);
	yajl_gen_reset(st->gen, NULL);
}

/* Adds key[0..len) to keys unless it is there; -1 past JSON_MAX_KEYS. */
static int
json_key_add(char ***keys, size_t *n, const unsigned char *key, size_t len)
{
	for (size_t i = 0; i < *n; i++)
		if (strlen((*keys)[i]) == len && memcmp((*keys)[i], key, len) == 0)
			return 0;
	if (*n == JSON_MAX_KEYS)
		return -1;
	*keys = xreallocarray(*keys, *n + 1, sizeof **keys);
	(*keys)[(*n)++] = xstrndup((const char *)key, len);
	return 0;
}

static void
json_keys_free(char **keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
}

/* Indexing NDJSON: the top-level object just closed is a record of the
 * table its _table names. */
static int
json_index_line(struct json_state *st)
{
	if (st->top_table == NULL) {
		json_keys_free(st->top_keys, st->ntop_keys);
		st->top_keys = NULL;
		st->ntop_keys = 0;
		return 1;
	}
	struct json_table *t = NULL;
	for (size_t i = 0; i < st->nlines && t == NULL; i++)
		if (!strcmp(st->lines[i].name, st->top_table))
			t = &st->lines[i];
	if (t == NULL) {
		st->lines = xreallocarray(st->lines, st->nlines + 1, sizeof *st->lines);
		t = &st->lines[st->nlines++];
		memset(t, 0, sizeof *t);
		t->name = st->top_table;
		st->top_table = NULL;
		t->start = st->top_start;
		t->line = st->top_line;
		t->objects = true;
	}
	free(st->top_table);
	st->top_table = NULL;
	t->records++;
	t->end = json_here(st);
	for (size_t i = 0; i < st->ntop_keys; i++)
		if (json_key_add(&t->keys, &t->nkeys, (const unsigned char *)st->top_keys[i],
			strlen(st->top_keys[i])) != 0)
			return json_refuse(st,
			    xasprintf(_("The table %s of %s has more than %d different keys."),
				t->name, st->name, JSON_MAX_KEYS));
	json_keys_free(st->top_keys, st->ntop_keys);
	st->top_keys = NULL;
	st->ntop_keys = 0;
	return 1;
}

/* Indexing: an element of a member's array that is not an object makes
 * the member no table. */
static void
json_index_element(struct json_state *st, bool object)
{
	if (st->member != NULL && st->depth == 2) {
		if (object)
			st->member->records++;
		else
			st->member->objects = false;
	}
}

/* Indexing the first top-level object: a member's value starts (depth
 * 1); another top-level value (NDJSON) keeps none. */
static void
json_keep_begin(struct json_state *st)
{
	if (!st->indexing || st->ntop != 1 || st->depth != 1 || st->member_name == NULL)
		return;
	st->keep = yajl_gen_alloc(NULL);
	st->keep_cut = false;
	free(st->keep_name);
	st->keep_name = xstrdup(st->member_name);
}

/* After each piece written: a value grown past what is left is cut. */
static void
json_keep_check(struct json_state *st)
{
	if (st->keep == NULL)
		return;
	const unsigned char *buf;
	size_t len;
	yajl_gen_get_buf(st->keep, &buf, &len);
	if (st->kept + len > SOURCE_MEMBERS_MAX) {
		yajl_gen_free(st->keep);
		st->keep = NULL;
		st->keep_cut = true;
	}
}

/* The member's value ended (depth back to 1): kept unless it is a table
 * (an array of objects). */
static void
json_keep_end(struct json_state *st, bool table)
{
	if (st->keep == NULL && !st->keep_cut)
		return;
	const unsigned char *buf;
	size_t len;
	if (table)
		;
	else if (st->keep != NULL) {
		yajl_gen_get_buf(st->keep, &buf, &len);
		if (st->kept_gen == NULL) {
			st->kept_gen = yajl_gen_alloc(NULL);
			yajl_gen_map_open(st->kept_gen);
		}
		yajl_gen_string(st->kept_gen, (const unsigned char *)st->keep_name,
		    strlen(st->keep_name));
		/* The value's text as written (a number's way in). */
		yajl_gen_number(st->kept_gen, (const char *)buf, len);
		st->kept += len + strlen(st->keep_name) + 4;
	} else {
		if (st->left_gen == NULL) {
			st->left_gen = yajl_gen_alloc(NULL);
			yajl_gen_array_open(st->left_gen);
		}
		/* Their names are bounded too: the others are counted. */
		yajl_gen_get_buf(st->left_gen, &buf, &len);
		if (len + strlen(st->keep_name) > SOURCE_MEMBERS_MAX / 16)
			st->left_more++;
		else
			yajl_gen_string(st->left_gen, (const unsigned char *)st->keep_name,
			    strlen(st->keep_name));
	}
	if (st->keep != NULL)
		yajl_gen_free(st->keep);
	st->keep = NULL;
	st->keep_cut = false;
}

/* The members kept, as source_members() says; NULL when none. */
static char *
json_members_text(struct json_state *st)
{
	if (st->kept_gen == NULL && st->left_gen == NULL)
		return NULL;
	const unsigned char *kb = (const unsigned char *)"{", *lb = (const unsigned char *)"[";
	size_t kl = 1, ll = 1;
	if (st->kept_gen != NULL) {
		yajl_gen_map_close(st->kept_gen);
		yajl_gen_get_buf(st->kept_gen, &kb, &kl);
	}
	if (st->left_gen != NULL) {
		yajl_gen_array_close(st->left_gen);
		yajl_gen_get_buf(st->left_gen, &lb, &ll);
	}
	return xasprintf("{\"members\": %.*s%s, \"left_out\": %.*s%s, \"more_left_out\": %llu}",
	    (int)kl, (const char *)kb, st->kept_gen == NULL ? "}" : "", (int)ll, (const char *)lb,
	    st->left_gen == NULL ? "]" : "", (unsigned long long)st->left_more);
}

/* A scalar value: v[0..len) as the cell's text. */
static int
json_scalar(struct json_state *st, const char *v, size_t len)
{
	if (st->indexing) {
		json_keep_check(st);
		if (st->depth == 1)
			json_keep_end(st, false);
		json_index_element(st, false);
		if (st->depth == 0)
			return json_refuse(st,
			    xasprintf(
				_("%s is not a JSON backup: it holds a single value, not an object of tables."),
				st->name));
		return 1;
	}
	if (st->gen_depth > 0)
		return 1; /* written by the caller's yajl_gen_* */
	if (st->depth == st->rd + 1 && v != NULL)
		json_cell(st, v, len);
	else if (st->depth == st->rd + 1)
		st->column = -1;
	return 1;
}

static int
json_null(void *ctx)
{
	struct json_state *st = ctx;
	json_keep_begin(st);
	if (st->keep != NULL)
		yajl_gen_null(st->keep);
	if (st->gen_depth > 0)
		yajl_gen_null(st->gen);
	return json_scalar(st, NULL, 0);
}

static int
json_boolean(void *ctx, int b)
{
	struct json_state *st = ctx;
	json_keep_begin(st);
	if (st->keep != NULL)
		yajl_gen_bool(st->keep, b);
	if (st->gen_depth > 0)
		yajl_gen_bool(st->gen, b);
	return json_scalar(st, b ? "true" : "false", b ? 4 : 5);
}

static int
json_number(void *ctx, const char *v, size_t len)
{
	struct json_state *st = ctx;
	json_keep_begin(st);
	if (st->keep != NULL)
		yajl_gen_number(st->keep, v, len);
	if (st->gen_depth > 0)
		yajl_gen_number(st->gen, v, len);
	return json_scalar(st, v, len);
}

static int
json_string(void *ctx, const unsigned char *v, size_t len)
{
	struct json_state *st = ctx;
	json_keep_begin(st);
	if (st->keep != NULL)
		yajl_gen_string(st->keep, v, len);
	if (st->gen_depth > 0)
		yajl_gen_string(st->gen, v, len);
	if (st->indexing && st->depth == 1 && st->top_key_is_table) {
		free(st->top_table);
		st->top_table = xstrndup((const char *)v, len);
		st->top_key_is_table = false;
	}
	return json_scalar(st, (const char *)v, len);
}

static int
json_start(struct json_state *st, bool map)
{
	if (st->indexing) {
		if (st->depth == 0 && !map)
			return json_refuse(st,
			    xasprintf(
				_("%s is not a JSON backup: it is an array, not an object of tables."),
				st->name));
		if (st->depth == 0) {
			st->ntop++;
			st->top_start = json_here(st) - 1;
			json_count_lines(st, yajl_get_bytes_consumed(st->h));
			st->top_line = st->line;
			free(st->top_table);
			st->top_table = NULL;
		}
		st->top_key_is_table = false;
		json_keep_begin(st);
		if (st->keep != NULL) {
			if (map)
				yajl_gen_map_open(st->keep);
			else
				yajl_gen_array_open(st->keep);
			json_keep_check(st);
		}
		if (st->depth == 1 && !map && st->member_name != NULL) {
			st->tables = xreallocarray(st->tables, st->ntables + 1, sizeof *st->tables);
			st->member = &st->tables[st->ntables++];
			memset(st->member, 0, sizeof *st->member);
			st->member->name = st->member_name;
			st->member_name = NULL;
			st->member->start = json_here(st) - 1;
			json_count_lines(st, yajl_get_bytes_consumed(st->h));
			st->member->line = st->line;
			st->member->objects = true;
		} else
			json_index_element(st, map);
		st->depth++;
		return 1;
	}
	if (st->gen_depth > 0 || st->depth == st->rd + 1) {
		if (map)
			yajl_gen_map_open(st->gen);
		else
			yajl_gen_array_open(st->gen);
		st->gen_depth++;
		return 1;
	}
	if (st->depth == 0 && map != st->ndjson)
		return json_refuse(st,
		    xasprintf(_("The table of %s changed while it was read."), st->name));
	if (st->depth == st->rd) {
		if (!map)
			return json_refuse(st,
			    xasprintf(_("The table of %s changed while it was read."), st->name));
		json_count_lines(st, yajl_get_bytes_consumed(st->h));
		st->record_line = st->line;
		st->column = -1;
		free(st->rec_table);
		st->rec_table = NULL;
	}
	st->depth++;
	return 1;
}

static int
json_start_map(void *ctx)
{
	return json_start(ctx, true);
}

static int
json_start_array(void *ctx)
{
	return json_start(ctx, false);
}

/* Streaming: the record just closed goes to the queue. */
static void
json_record_done(struct json_state *st)
{
	size_t n = st->t->nkeys;

	if (st->ndjson && (st->rec_table == NULL || strcmp(st->rec_table, st->t->name) != 0)) {
		/* Another table's line. */
		for (size_t i = 0; i < n; i++) {
			free(st->cells[i]);
			st->cells[i] = NULL;
			st->lens[i] = 0;
		}
		return;
	}
	if (st->nqueue == st->queue_alloc) {
		st->queue_alloc = st->queue_alloc ? st->queue_alloc * 2 : 64;
		st->queue = xreallocarray(st->queue, st->queue_alloc, sizeof *st->queue);
	}
	struct row *r = &st->queue[st->nqueue++];
	memset(r, 0, sizeof *r);
	r->number = ++st->number;
	r->line = st->record_line;
	r->ncells = n;
	r->cells = st->cells;
	r->lens = st->lens;
	for (size_t i = 0; i < n; i++)
		if (r->cells[i] == NULL)
			r->cells[i] = xstrdup("");
	st->cells = xcalloc(n ? n : 1, sizeof *st->cells);
	st->lens = xcalloc(n ? n : 1, sizeof *st->lens);
}

static int
json_end(struct json_state *st, bool map)
{
	if (st->indexing) {
		st->depth--;
		if (st->keep != NULL) {
			if (map)
				yajl_gen_map_close(st->keep);
			else
				yajl_gen_array_close(st->keep);
			json_keep_check(st);
		}
		if (st->depth == 1)
			json_keep_end(st,
			    !map && st->member != NULL && st->member->objects &&
				st->member->records > 0);
		if (st->depth == 1 && !map && st->member != NULL) {
			st->member->end = json_here(st);
			st->member = NULL;
		}
		if (st->depth == 0)
			return json_index_line(st);
		return 1;
	}
	if (st->gen_depth > 0) {
		if (map)
			yajl_gen_map_close(st->gen);
		else
			yajl_gen_array_close(st->gen);
		if (--st->gen_depth == 0)
			json_gen_done(st);
		return 1;
	}
	st->depth--;
	if (st->depth == st->rd && map)
		json_record_done(st);
	if (st->depth == 0 && (!st->ndjson || json_here(st) >= st->t->end)) {
		st->finished = true;
		return 0; /* the rest of the file is other tables */
	}
	return 1;
}

static int
json_end_map(void *ctx)
{
	return json_end(ctx, true);
}

static int
json_end_array(void *ctx)
{
	return json_end(ctx, false);
}

static int
json_map_key(void *ctx, const unsigned char *key, size_t len)
{
	struct json_state *st = ctx;

	if (st->gen_depth > 0) {
		yajl_gen_string(st->gen, key, len);
		return 1;
	}
	if (st->indexing) {
		if (st->keep != NULL && st->depth > 1) {
			yajl_gen_string(st->keep, key, len);
			json_keep_check(st);
		}
		if (st->depth == 1) {
			free(st->member_name);
			st->member_name = xstrndup((const char *)key, len);
			st->top_key_is_table = len == 6 && memcmp(key, "_table", 6) == 0;
			if (!st->top_key_is_table &&
			    json_key_add(&st->top_keys, &st->ntop_keys, key, len) != 0)
				return json_refuse(st,
				    xasprintf(_("A line of %s has more than %d keys."), st->name,
					JSON_MAX_KEYS));
		} else if (st->depth == 3 && st->member != NULL) {
			struct json_table *t = st->member;
			for (size_t i = 0; i < t->nkeys; i++)
				if (strlen(t->keys[i]) == len && memcmp(t->keys[i], key, len) == 0)
					return 1;
			if (t->nkeys == JSON_MAX_KEYS)
				return json_refuse(st,
				    xasprintf(_("The table %s of %s has more than %d different keys."),
					t->name, st->name, JSON_MAX_KEYS));
			t->keys = xreallocarray(t->keys, t->nkeys + 1, sizeof *t->keys);
			t->keys[t->nkeys++] = xstrndup((const char *)key, len);
		}
		return 1;
	}
	st->column = -1;
	if (st->ndjson && st->depth == 1 && len == 6 && memcmp(key, "_table", 6) == 0) {
		st->column = -2;
		return 1;
	}
	if (st->depth == st->rd + 1)
		for (size_t i = 0; i < st->t->nkeys; i++)
			if (strlen(st->t->keys[i]) == len && memcmp(st->t->keys[i], key, len) == 0) {
				st->column = (int)i;
				break;
			}
	return 1;
}

static const yajl_callbacks json_callbacks = {
	.yajl_null = json_null,
	.yajl_boolean = json_boolean,
	.yajl_number = json_number,
	.yajl_string = json_string,
	.yajl_start_map = json_start_map,
	.yajl_map_key = json_map_key,
	.yajl_end_map = json_end_map,
	.yajl_start_array = json_start_array,
	.yajl_end_array = json_end_array,
};

/* The sentence for a yajl error or a callback's refusal. */
static char *
json_error(struct json_state *st)
{
	if (st->error != NULL) {
		char *e = st->error;
		st->error = NULL;
		return e;
	}
	unsigned char *msg = yajl_get_error(st->h, 0, NULL, 0);
	char *plain = xstrdup((const char *)msg);
	for (char *p = plain; *p; p++)
		if (*p == '\n')
			*p = ' ';
	size_t n = strlen(plain);
	while (n > 0 && plain[n - 1] == ' ')
		plain[--n] = '\0';
	char *esc = text_escape(plain);
	free(plain);
	char *e = xasprintf(_("%s is not valid JSON on line %llu: %s."), st->name,
	    (unsigned long long)st->line, esc);
	free(esc);
	yajl_free_error(st->h, msg);
	return e;
}

/* Reads the next chunk at st->base and parses it. 1: more to read; 0: the
 * end (of the file or of the table); -1: *cause. */
static int
json_feed(struct json_state *st, char **cause)
{
	ssize_t n;

	do
		n = pread(st->fd, st->buf, sizeof st->buf, (off_t)st->base);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		*cause = xasprintf(_("The file %s cannot be read: %s."), st->name, strerror(errno));
		return -1;
	}
	st->scanned = 0;
	yajl_status s = n == 0 ? yajl_complete_parse(st->h) : yajl_parse(st->h, st->buf, (size_t)n);
	if (s == yajl_status_client_canceled && st->finished)
		return 0;
	if (s != yajl_status_ok) {
		if (n > 0)
			json_count_lines(st, yajl_get_bytes_consumed(st->h));
		*cause = json_error(st);
		return -1;
	}
	if (n == 0)
		return 0;
	json_count_lines(st, (size_t)n);
	st->base += (uint64_t)n;
	return 1;
}

static void json_close(void *state);

/* The table the sheet option names: its name or its 1-based number. */
static struct json_table *
json_choose(struct json_state *st, const char *sheet, char **cause)
{
	if (sheet == NULL)
		return &st->tables[0];
	for (size_t i = 0; i < st->ntables; i++)
		if (strcmp(st->tables[i].name, sheet) == 0)
			return &st->tables[i];
	char *end;
	errno = 0;
	unsigned long k = strtoul(sheet, &end, 10);
	if (*sheet >= '1' && *sheet <= '9' && *end == '\0' && errno == 0 && k <= st->ntables)
		return &st->tables[k - 1];
	size_t len = 0;
	for (size_t i = 0; i < st->ntables; i++)
		len += strlen(st->tables[i].name) + 2;
	char *list = xcalloc(1, len + 1);
	for (size_t i = 0; i < st->ntables; i++) {
		if (i > 0)
			strcat(list, ", ");
		strcat(list, st->tables[i].name);
	}
	char *esc = text_escape(sheet), *lesc = text_escape(list);
	*cause =
	    xasprintf(_("The JSON backup %s has no table %s; its tables: %s."), st->name, esc, lesc);
	free(esc);
	free(lesc);
	free(list);
	return NULL;
}

static void *
json_open(int fd, const char *path, const struct source_options *opts, char **cause)
{
	struct json_state *st = xcalloc(1, sizeof *st);
	int rc;

	st->fd = fd;
	st->name = text_escape(path);
	st->line = 1;
	st->indexing = 1;
	unsigned char bom[3];
	if (pread(fd, bom, 3, 0) == 3 && memcmp(bom, "\xef\xbb\xbf", 3) == 0)
		st->base = 3;
	st->h = yajl_alloc(&json_callbacks, NULL, st);
	yajl_config(st->h, yajl_allow_multiple_values, 1);
	while ((rc = json_feed(st, cause)) == 1)
		;
	if (rc == -1)
		goto fail;
	if (st->ntop == 0) {
		*cause = xasprintf(_("%s is not a JSON backup: it holds no object."), st->name);
		goto fail;
	}
	/* Several top-level objects, or one naming its table: NDJSON, whose
	 * tables are the _table names, every line naming one. */
	uint64_t named = 0;
	for (size_t i = 0; i < st->nlines; i++)
		named += st->lines[i].records;
	if (st->ntop > 1 || named > 0) {
		if (named != st->ntop) {
			*cause = xasprintf(
			    ngettext(
				"%s is not a JSON backup: %llu of its %llu objects names no table (a _table member holding its name).",
				"%s is not a JSON backup: %llu of its %llu objects name no table (a _table member holding its name).",
				(unsigned long)(st->ntop - named)),
			    st->name, (unsigned long long)(st->ntop - named),
			    (unsigned long long)st->ntop);
			goto fail;
		}
		for (size_t i = 0; i < st->ntables; i++) {
			free(st->tables[i].name);
			json_keys_free(st->tables[i].keys, st->tables[i].nkeys);
		}
		free(st->tables);
		st->tables = st->lines;
		st->ntables = st->nlines;
		st->lines = NULL;
		st->nlines = 0;
		st->ndjson = true;
	}
	/* Only the members holding objects are tables. */
	size_t k = 0;
	for (size_t i = 0; i < st->ntables; i++) {
		struct json_table *t = &st->tables[i];
		if (t->objects && t->records > 0)
			st->tables[k++] = *t;
		else {
			free(t->name);
			for (size_t j = 0; j < t->nkeys; j++)
				free(t->keys[j]);
			free(t->keys);
		}
	}
	st->ntables = k;
	for (size_t i = 0; i < st->ntables; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(st->tables[i].name, st->tables[j].name) == 0) {
				char *esc = text_escape(st->tables[i].name);
				*cause = xasprintf(_("The JSON backup %s holds the table %s twice."),
				    st->name, esc);
				free(esc);
				goto fail;
			}
	if (st->ntables == 0) {
		*cause = xasprintf(
		    _("%s is not a JSON backup: none of its members is an array of objects."),
		    st->name);
		goto fail;
	}
	if (!st->ndjson)
		st->members = json_members_text(st);
	st->infos = xcalloc(st->ntables, sizeof *st->infos);
	for (size_t i = 0; i < st->ntables; i++) {
		st->infos[i].name = st->tables[i].name;
		st->infos[i].records = st->tables[i].records;
	}
	if ((st->t = json_choose(st, opts->sheet, cause)) == NULL)
		goto fail;
	if (st->ndjson)
		st->describe = xasprintf(
		    ngettext("NDJSON, table %s of %zu", "NDJSON, table %s of %zu", st->ntables),
		    st->t->name, st->ntables);
	else
		st->describe = xasprintf(ngettext("JSON backup, table %s of %zu",
					     "JSON backup, table %s of %zu", st->ntables),
		    st->t->name, st->ntables);

	/* Streaming from the table's '['. */
	yajl_free(st->h);
	st->h = yajl_alloc(&json_callbacks, NULL, st);
	yajl_config(st->h, st->ndjson ? yajl_allow_multiple_values : yajl_allow_trailing_garbage, 1);
	st->rd = st->ndjson ? 0 : 1;
	st->gen = yajl_gen_alloc(NULL);
	st->indexing = 0;
	st->depth = 0;
	st->base = st->t->start;
	st->line = st->t->line;
	st->column = -1;
	st->cells = xcalloc(st->t->nkeys ? st->t->nkeys : 1, sizeof *st->cells);
	st->lens = xcalloc(st->t->nkeys ? st->t->nkeys : 1, sizeof *st->lens);
	return st;
fail:
	json_close(st);
	return NULL;
}

static const char *const *
json_header(void *state, size_t *n)
{
	struct json_state *st = state;
	*n = st->t->nkeys;
	return (const char *const *)st->t->keys;
}

static int
json_next(void *state, struct row **row, char **cause)
{
	struct json_state *st = state;

	json_row_free(&st->current);
	while (st->queue_head == st->nqueue) {
		st->queue_head = st->nqueue = 0;
		if (st->finished)
			return 0;
		int rc = json_feed(st, cause);
		if (rc == -1)
			return -1;
		if (rc == 0 && st->queue_head == st->nqueue) {
			if (!st->finished) {
				*cause = xasprintf(_("The file %s ends inside the table %s."),
				    st->name, st->t->name);
				return -1;
			}
			return 0;
		}
	}
	st->current = st->queue[st->queue_head++];
	*row = &st->current;
	return 1;
}

static uint64_t
json_offset(void *state)
{
	struct json_state *st = state;
	if (st->finished)
		return st->t->end;
	return st->base > st->t->end ? st->t->end : st->base;
}

static const char *
json_describe(void *state)
{
	return ((struct json_state *)state)->describe;
}

static const char *
json_sheet(void *state)
{
	return ((struct json_state *)state)->t->name;
}

static const struct source_sheet_info *
json_sheets(void *state, size_t *n)
{
	struct json_state *st = state;
	*n = st->ntables;
	return st->infos;
}

static void
json_extent(void *state, uint64_t *start, uint64_t *end)
{
	struct json_state *st = state;
	*start = st->t->start;
	*end = st->t->end;
}

static const char *
json_members(void *state)
{
	return ((struct json_state *)state)->members;
}

static void
json_close(void *state)
{
	struct json_state *st = state;

	if (st->fd != -1)
		close(st->fd);
	if (st->h)
		yajl_free(st->h);
	if (st->gen)
		yajl_gen_free(st->gen);
	json_row_free(&st->current);
	for (size_t i = st->queue_head; i < st->nqueue; i++)
		json_row_free(&st->queue[i]);
	free(st->queue);
	if (st->t != NULL)
		for (size_t i = 0; i < st->t->nkeys && st->cells != NULL; i++)
			free(st->cells[i]);
	free(st->cells);
	free(st->lens);
	for (size_t i = 0; i < st->ntables; i++) {
		free(st->tables[i].name);
		for (size_t j = 0; j < st->tables[i].nkeys; j++)
			free(st->tables[i].keys[j]);
		free(st->tables[i].keys);
	}
	free(st->tables);
	for (size_t i = 0; i < st->nlines; i++) {
		free(st->lines[i].name);
		json_keys_free(st->lines[i].keys, st->lines[i].nkeys);
	}
	free(st->lines);
	json_keys_free(st->top_keys, st->ntop_keys);
	free(st->top_table);
	free(st->rec_table);
	free(st->member_name);
	free(st->infos);
	free(st->describe);
	if (st->keep)
		yajl_gen_free(st->keep);
	if (st->kept_gen)
		yajl_gen_free(st->kept_gen);
	if (st->left_gen)
		yajl_gen_free(st->left_gen);
	free(st->keep_name);
	free(st->members);
	free(st->error);
	free(st->name);
	free(st);
}

const struct source_ops source_json_ops = {
	.name = "json",
	.open = json_open,
	.header = json_header,
	.next = json_next,
	.offset = json_offset,
	.describe = json_describe,
	.sheet = json_sheet,
	.close = json_close,
	.sheets = json_sheets,
	.extent = json_extent,
	.members = json_members,
};
