/* A restore's plan: the tables of a JSON backup (or the sheets of a
 * workbook), each with its schema file (found, or inferred and written),
 * the references between them, and the order that restores parents before
 * their children. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "restore.h"
#include "schema-infer.h"
#include "schema.h"
#include "source.h"
#include "store.h"
#include "text.h"
#include "xmalloc.h"

void
restore_plan_free(struct restore_plan *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->ntables; i++) {
		struct restore_table *t = &p->tables[i];
		free(t->name);
		free(t->schema);
		free(t->target);
		free(t->key);
		for (size_t r = 0; r < t->nparents; r++) {
			free(t->columns[r]);
			free(t->keys[r]);
		}
		free(t->columns);
		free(t->keys);
		free(t->parents);
	}
	free(p->tables);
	free(p->members);
	free(p);
}

/* The schema file NAME.schema in the first schema directory holding one,
 * or NULL. */
static char *
restore_schema_file(const char *name)
{
	/* A name that is no file name (a '/', a control character) has none:
	 * it is then refused as a table's name. */
	for (const unsigned char *c = (const unsigned char *)name; *c; c++)
		if (*c == '/' || *c < 0x20 || *c == 0x7f)
			return NULL;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return NULL;
	char **dirs = schema_dirs(), *found = NULL;
	for (size_t i = 0; dirs[i] != NULL && found == NULL; i++) {
		char *path = xasprintf("%s/%s.schema", dirs[i], name);
		if (access(path, R_OK) == 0)
			found = path;
		else
			free(path);
	}
	schema_strings_free(dirs);
	return found;
}

/* Whether column names a reference to the table called parent: parent's
 * name, or its singular, followed by Id or _id (case ignored). */
static int
restore_is_reference(const char *column, const char *parent)
{
	size_t n = strlen(parent), c = strlen(column);
	char *forms[2];
	int yes = 0;

	forms[0] = xstrdup(parent);
	if (n > 3 && !strcasecmp(parent + n - 3, "ies"))
		forms[1] = xasprintf("%.*sy", (int)(n - 3), parent);
	else if (n > 4 &&
	    (!strcasecmp(parent + n - 4, "sses") || !strcasecmp(parent + n - 4, "ches") ||
		!strcasecmp(parent + n - 4, "shes") || !strcasecmp(parent + n - 3, "xes")))
		forms[1] = xstrndup(parent, n - 2);
	else if (n > 1 && (parent[n - 1] == 's' || parent[n - 1] == 'S'))
		forms[1] = xstrndup(parent, n - 1);
	else
		forms[1] = xstrdup(parent);
	for (int i = 0; i < 2 && !yes; i++) {
		size_t f = strlen(forms[i]);
		if (c < f + 2 || strncasecmp(column, forms[i], f) != 0)
			continue;
		yes = !strcasecmp(column + f, "id") || !strcasecmp(column + f, "_id");
	}
	free(forms[0]);
	free(forms[1]);
	return yes;
}

/* Depth first: t's parents, then t, into order. 0, or -1 with *cause
 * naming the cycle met. */
static int
restore_visit(struct restore_plan *p, size_t t, int *state, size_t *stack, size_t depth,
    size_t *order, size_t *norder, char **cause)
{
	if (state[t] == 2)
		return 0;
	stack[depth] = t;
	if (state[t] == 1) {
		size_t from = depth;
		while (from > 0 && stack[from - 1] != t)
			from--;
		from = from > 0 ? from - 1 : 0;
		char *cycle = xstrdup(p->tables[stack[from]].name);
		for (size_t i = from + 1; i <= depth; i++) {
			char *c = xasprintf("%s → %s", cycle, p->tables[stack[i]].name);
			free(cycle);
			cycle = c;
		}
		char *esc = text_escape(cycle);
		*cause = xasprintf(
		    _("The tables refer to each other in a cycle (%s): there is no order that restores every parent before its children."),
		    esc);
		free(esc);
		free(cycle);
		return -1;
	}
	state[t] = 1;
	for (size_t r = 0; r < p->tables[t].nparents; r++)
		if (restore_visit(p, p->tables[t].parents[r], state, stack, depth + 1, order,
			norder, cause) != 0)
			return -1;
	state[t] = 2;
	order[(*norder)++] = t;
	return 0;
}

/* The key column --key gave for table, or NULL. */
static const char *
restore_key_for(const struct restore_key *keys, size_t nkeys, const char *table)
{
	for (size_t i = 0; i < nkeys; i++)
		if (!strcmp(keys[i].table, table))
			return keys[i].column;
	return NULL;
}

/* Writes text to dir/NAME.schema (through a temporary file and a
 * rename); the path, or NULL and *cause. */
static char *
restore_write_schema(const char *dir, const char *name, const char *text, char **cause)
{
	char *path = xasprintf("%s/%s.schema", dir, name);
	char *tmp = xasprintf("%s.%ld.tmp", path, (long)getpid());
	FILE *fp = fopen(tmp, "w");
	if (fp == NULL || fputs(text, fp) == EOF || fclose(fp) != 0 || rename(tmp, path) != 0) {
		char *esc = text_escape(path);
		*cause = xasprintf(_("The inferred schema %s cannot be written: %s."), esc,
		    strerror(errno));
		free(esc);
		unlink(tmp);
		free(tmp);
		free(path);
		return NULL;
	}
	free(tmp);
	return path;
}

/* Adds the reference of column to the table parent (key: the parent's
 * field referred to, or NULL for its key), unless the column refers to it
 * already. */
static void
restore_add_parent(struct restore_table *t, size_t parent, const char *column, const char *key)
{
	for (size_t r = 0; r < t->nparents; r++)
		if (t->parents[r] == parent && !strcmp(t->columns[r], column))
			return;
	t->parents = xreallocarray(t->parents, t->nparents + 1, sizeof *t->parents);
	t->columns = xreallocarray(t->columns, t->nparents + 1, sizeof *t->columns);
	t->keys = xreallocarray(t->keys, t->nparents + 1, sizeof *t->keys);
	t->parents[t->nparents] = parent;
	t->keys[t->nparents] = key ? xstrdup(key) : NULL;
	t->columns[t->nparents++] = xstrdup(column);
}

struct restore_plan *
restore_plan_make(const char *path, const struct source_options *opts, int all_sheets,
    const char *schema_dir, const struct restore_key *keys, size_t nkeys, char **cause)
{
	struct source_options o = *opts;
	o.sheet = NULL;
	o.empty_ok = true;
	struct source *s = source_open(path, &o, cause);
	if (s == NULL)
		return NULL;
	size_t nsheets;
	const struct source_sheet_info *sheets = source_sheets(s, &nsheets);
	if (nsheets > 0 && !all_sheets && strcmp(source_format(s), "json") != 0) {
		char *esc = text_escape(path);
		*cause = xasprintf(
		    _("%s is a workbook: restore every sheet with --sheet all, or import one with sluice import --sheet."),
		    esc);
		free(esc);
		source_close(s);
		return NULL;
	}
	if (nsheets == 0) {
		char *esc = text_escape(path);
		*cause = xasprintf(
		    _("%s holds a single table; import it with sluice import instead."), esc);
		free(esc);
		source_close(s);
		return NULL;
	}
	struct restore_plan *p = xcalloc(1, sizeof *p);
	p->tables = xcalloc(nsheets, sizeof *p->tables);
	for (size_t i = 0; i < nsheets; i++)
		if (!sheets[i].chart) {
			p->tables[p->ntables].records = sheets[i].records;
			p->tables[p->ntables++].name = xstrdup(sheets[i].name);
		}
	if (source_members(s) != NULL)
		p->members = xstrdup(source_members(s));
	source_close(s);

	char sha[65];
	if (source_sha256(path, sha, cause) != 0)
		goto fail;
	char ***headers = xcalloc(p->ntables, sizeof *headers);
	size_t *nheaders = xcalloc(p->ntables, sizeof *nheaders);
	int failed = 0;
	for (size_t i = 0; i < p->ntables && !failed; i++) {
		struct restore_table *t = &p->tables[i];
		o.sheet = t->name;
		if ((s = source_open(path, &o, cause)) == NULL) {
			failed = 1;
			break;
		}
		size_t n;
		const char *const *h = source_header(s, &n);
		if (n == 0) {
			/* An empty sheet is no table. */
			source_close(s);
			t->name[0] = '\0';
			continue;
		}
		headers[i] = xcalloc(n + 1, sizeof **headers);
		for (size_t c = 0; c < n; c++)
			headers[i][c] = xstrdup(h[c]);
		nheaders[i] = n;
		t->schema = restore_schema_file(t->name);
		if (t->schema == NULL && !schema_valid_identifier(t->name)) {
			char *esc = text_escape(t->name);
			*cause = xasprintf(
			    _("The table %s cannot be made: a table's name has letters, digits and _, does not start with a digit or sluice_, and a schema file %s.schema may give it another."),
			    esc, esc);
			free(esc);
			source_close(s);
			failed = 1;
			break;
		}
		if (t->schema == NULL) {
			char *text =
			    schema_infer(s, t->name, restore_key_for(keys, nkeys, t->name), cause);
			if (text == NULL)
				failed = 1;
			else {
				char *name = xasprintf("%.16s-%s", sha, t->name);
				t->schema = restore_write_schema(schema_dir, name, text, cause);
				failed = t->schema == NULL;
				free(name);
				free(text);
				t->inferred = 1;
			}
		}
		source_close(s);
	}
	/* The empty sheets are left out. */
	size_t kept = 0;
	for (size_t i = 0; i < p->ntables; i++) {
		if (p->tables[i].name[0] == '\0' && !failed) {
			free(p->tables[i].name);
			free(headers[i]);
			continue;
		}
		headers[kept] = headers[i];
		nheaders[kept] = nheaders[i];
		p->tables[kept++] = p->tables[i];
	}
	if (!failed)
		p->ntables = kept;
	struct schema **schemas = xcalloc(p->ntables ? p->ntables : 1, sizeof *schemas);
	for (size_t i = 0; i < p->ntables && !failed; i++) {
		struct schema *sc = schema_load(p->tables[i].schema, cause);
		if (sc == NULL) {
			failed = 1;
			break;
		}
		p->tables[i].target = xstrdup(sc->table);
		p->tables[i].key = xstrdup(sc->fields[sc->match_keys[0]].name);
		schemas[i] = sc;
	}
	/* The references a schema declares (references = TABLE[.FIELD]):
	 * the file's column of the field (its name or a synonym) refers to
	 * the backup's table TABLE (by its name, or the table it writes to). */
	for (size_t i = 0; i < p->ntables && !failed; i++)
		for (size_t f = 0; f < schemas[i]->nfields && !failed; f++) {
			const struct field *fd = &schemas[i]->fields[f];
			if (fd->references_table == NULL)
				continue;
			size_t j;
			for (j = 0; j < p->ntables; j++)
				if (!strcmp(p->tables[j].name, fd->references_table) ||
				    !strcmp(p->tables[j].target, fd->references_table))
					break;
			if (j == p->ntables || j == i) {
				char *esc = text_escape(fd->references_table);
				char *path = text_escape(p->tables[i].schema);
				*cause = xasprintf(
				    _("The schema %s says that the field %s references the table %s, which the backup does not hold besides it; correct its references line or restore a backup that holds that table."),
				    path, fd->name, esc);
				free(path);
				free(esc);
				failed = 1;
				break;
			}
			int known = fd->references_field == NULL;
			for (size_t g = 0; g < schemas[j]->nfields && !known; g++)
				known = !strcmp(schemas[j]->fields[g].name, fd->references_field);
			if (!known) {
				char *path = text_escape(p->tables[i].schema);
				*cause = xasprintf(
				    _("The schema %s says that the field %s references %s.%s, but the table %s has no field %s; correct its references line."),
				    path, fd->name, p->tables[j].name, fd->references_field,
				    p->tables[j].name, fd->references_field);
				free(path);
				failed = 1;
				break;
			}
			const char *column = NULL;
			for (size_t c = 0; c < nheaders[i] && column == NULL; c++) {
				if (!strcasecmp(headers[i][c], fd->name))
					column = headers[i][c];
				for (size_t y = 0; y < fd->nsynonyms && column == NULL; y++)
					if (!strcasecmp(headers[i][c], fd->synonyms[y]))
						column = headers[i][c];
			}
			if (column == NULL)
				continue; /* not in the file: nothing to check */
			restore_add_parent(&p->tables[i], j, column, fd->references_field);
		}
	for (size_t i = 0; i < p->ntables; i++)
		schema_free(schemas[i]);
	free(schemas);
	/* The references inferred: a column naming another table. */
	for (size_t i = 0; i < p->ntables && !failed; i++)
		for (size_t c = 0; c < nheaders[i]; c++)
			for (size_t j = 0; j < p->ntables; j++) {
				if (j == i || !restore_is_reference(headers[i][c], p->tables[j].name))
					continue;
				restore_add_parent(&p->tables[i], j, headers[i][c], NULL);
			}
	for (size_t i = 0; i < p->ntables; i++) {
		for (size_t c = 0; headers[i] != NULL && c < nheaders[i]; c++)
			free(headers[i][c]);
		free(headers[i]);
	}
	free(headers);
	free(nheaders);
	if (failed)
		goto fail;

	/* Parents first. */
	int *state = xcalloc(p->ntables, sizeof *state);
	size_t *stack = xcalloc(p->ntables + 1, sizeof *stack);
	size_t *order = xcalloc(p->ntables, sizeof *order), norder = 0;
	for (size_t i = 0; i < p->ntables && !failed; i++)
		failed = restore_visit(p, i, state, stack, 0, order, &norder, cause) != 0;
	if (!failed) {
		struct restore_table *sorted = xcalloc(p->ntables, sizeof *sorted);
		size_t *where = xcalloc(p->ntables, sizeof *where);
		for (size_t i = 0; i < p->ntables; i++) {
			sorted[i] = p->tables[order[i]];
			where[order[i]] = i;
		}
		for (size_t i = 0; i < p->ntables; i++)
			for (size_t r = 0; r < sorted[i].nparents; r++)
				sorted[i].parents[r] = where[sorted[i].parents[r]];
		free(p->tables);
		p->tables = sorted;
		free(where);
	}
	free(state);
	free(stack);
	free(order);
	if (failed)
		goto fail;
	return p;
fail:
	restore_plan_free(p);
	return NULL;
}

int
restore_check_tables(const struct restore_plan *p, const char *db, char **cause)
{
	struct store *st = store_open(db, cause);
	if (st == NULL)
		return -1;
	int rc = 0;
	/* The store keeps the schema it was prepared with until it is
	 * prepared again or closed: each lives until the store is closed. */
	struct schema **loaded = xcalloc(p->ntables ? p->ntables : 1, sizeof *loaded);
	for (size_t i = 0; i < p->ntables && rc == 0; i++) {
		struct schema *s = schema_load(p->tables[i].schema, cause);
		if (s == NULL) {
			rc = -1;
			break;
		}
		loaded[i] = s;
		char *added = NULL, *why = NULL;
		enum store_status ss = store_dry_run_begin(st);
		if (ss == STORE_OK) {
			ss = store_prepare(st, s, &added, &why);
			store_dry_run_end(st);
		}
		if (ss != STORE_OK) {
			char *esc = text_escape(p->tables[i].name);
			*cause = xasprintf(_("The table %s cannot be restored: %s"), esc,
			    why ? why : store_errmsg(st));
			free(esc);
			rc = -1;
		}
		free(added);
		free(why);
	}
	store_close(st);
	for (size_t i = 0; i < p->ntables; i++)
		schema_free(loaded[i]);
	free(loaded);
	return rc;
}

/* The state directory inferred schemas are written to, made when
 * missing: $XDG_STATE_HOME/sluice/schemas (~/.local/state/…). */
char *
restore_schema_dir(char **cause)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char *base = state != NULL && *state == '/' ? xstrdup(state) :
	    home != NULL && *home == '/'	    ? xasprintf("%s/.local/state", home) :
						      NULL;
	if (base == NULL) {
		*cause = xstrdup(_(
		    "Neither XDG_STATE_HOME nor HOME is set: there is no place for the inferred schemas."));
		return NULL;
	}
	char *dir = xasprintf("%s/sluice/schemas", base);
	free(base);
	/* mkdir -p: each directory of the path, from the top. */
	for (char *p = dir + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char was = *p;
		*p = '\0';
		int bad = mkdir(dir, 0700) != 0 && errno != EEXIST;
		if (bad) {
			char *esc = text_escape(dir);
			*cause = xasprintf(_("The directory %s cannot be made: %s."), esc,
			    strerror(errno));
			free(esc);
			free(dir);
			return NULL;
		}
		*p = was;
		if (was == '\0')
			break;
	}
	return dir;
}
