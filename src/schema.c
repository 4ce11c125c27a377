/* Schema files: INI read with inih into struct schema. Every mistake in a
 * schema file is refused with the file, the line and the reason. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "schema.h"
#include "text.h"
#include "xmalloc.h"

/* The largest schema file read: far more than any schema needs. */
#define SCHEMA_FILE_MAX (1024 * 1024)

struct schema_parse {
	struct schema *schema;
	struct field *field; /* the [field NAME] section being read */
	int in_schema;	     /* inside [schema] */
	char *match_keys;    /* resolved once all fields are known */
	int match_keys_line;
	int section_line; /* where the section being read started */
	int new_section;  /* a [section] line was read since the last key */
	FILE *fp;
	int line;	     /* lines read so far: the line being handled */
	int error_line;	     /* first error: its line and reason */
	int error_read_line; /* the line inih was reading then */
	char *error;
	int *on_invalid_line; /* per field: where on_invalid was given, or 0 */
	int *collects_line;   /* per field: where collects was given, or 0 */
	char *region_field;   /* resolved once all fields are known */
	int region_field_line;
};

/* inih's reader, counting lines so that the handler knows where it is. */
static char *
schema_read_line(char *buf, int size, void *stream)
{
	struct schema_parse *sp = stream;
	char *r = fgets(buf, size, sp->fp);
	if (r != NULL) {
		sp->line++;
		const char *p = buf;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '[') {
			sp->section_line = sp->line;
			sp->new_section = 1;
		}
	}
	return r;
}

static const char *const field_type_names[] = {
	[FIELD_TEXT] = "text",
	[FIELD_EMAIL] = "email",
	[FIELD_PHONE] = "phone",
	[FIELD_DATE] = "date",
	[FIELD_NUMBER] = "number",
	[FIELD_ENUM] = "enum",
	[FIELD_LIST] = "list",
};

const char *
schema_type_name(enum field_type type)
{
	return field_type_names[type];
}

static const char *const on_invalid_names[] = {
	[ON_INVALID_REJECT_ROW] = "reject_row",
	[ON_INVALID_DROP_VALUE] = "drop_value",
};

const char *
schema_on_invalid_name(enum on_invalid on_invalid)
{
	return on_invalid_names[on_invalid];
}

const char *
schema_date_order_name(enum date_order order)
{
	return order == DATE_DMY ? "dmy" : "mdy";
}

int
schema_date_order_parse(const char *name)
{
	if (name != NULL && !strcasecmp(name, "mdy"))
		return DATE_MDY;
	if (name != NULL && !strcasecmp(name, "dmy"))
		return DATE_DMY;
	return -1;
}

/* A table or column name: it ends up in SQL as an identifier, so only
 * [A-Za-z_][A-Za-z0-9_]* is allowed, and the journal's prefix is reserved. */
int
schema_valid_identifier(const char *s)
{
	if (!(isalpha((unsigned char)*s) || *s == '_'))
		return 0;
	for (const char *p = s; *p; p++)
		if (!(isalnum((unsigned char)*p) || *p == '_'))
			return 0;
	if (strncasecmp(s, "sluice_", 7) == 0 || strcasecmp(s, "id") == 0 ||
	    strcasecmp(s, "imported_from") == 0)
		return 0;
	return strlen(s) <= 64;
}

static int
schema_parse_bool(const char *v, int *out)
{
	if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1")) {
		*out = 1;
		return 0;
	}
	if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcmp(v, "0")) {
		*out = 0;
		return 0;
	}
	return -1;
}

/* Splits a comma-separated value, trimming each item, appending to a list. */
static void
schema_append_list(char ***list, size_t *n, const char *value)
{
	const char *p = value;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *a = p, *b = p + len;
		while (a < b && isspace((unsigned char)*a))
			a++;
		while (b > a && isspace((unsigned char)b[-1]))
			b--;
		if (b > a) {
			*list = xreallocarray(*list, *n + 1, sizeof **list);
			(*list)[(*n)++] = xstrndup(a, (size_t)(b - a));
		}
		p = end ? end + 1 : p + len;
	}
}

static int
schema_fail_at(struct schema_parse *sp, int line, char *reason)
{
	if (sp->error == NULL) {
		sp->error = reason;
		sp->error_line = line;
		sp->error_read_line = sp->line;
	} else
		free(reason);
	return 0;
}

static int
schema_fail(struct schema_parse *sp, char *reason)
{
	return schema_fail_at(sp, sp->line, reason);
}

static int
schema_field_key(struct schema_parse *sp, struct field *f, const char *key, const char *value)
{
	if (!strcmp(key, "type")) {
		for (size_t t = 0; t < sizeof field_type_names / sizeof *field_type_names; t++)
			if (!strcmp(value, field_type_names[t])) {
				f->type = (enum field_type)t;
				return 1;
			}
		return schema_fail(sp,
		    xasprintf(
			_("\"%s\" is not a field type; use text, email, phone, date, number, enum or list."),
			value));
	}
	if (!strcmp(key, "label")) {
		free(f->label);
		f->label = xstrdup(value);
		return 1;
	}
	if (!strcmp(key, "required") || !strcmp(key, "decimal_comma") || !strcmp(key, "integer") ||
	    !strcmp(key, "yearless")) {
		int *dst = !strcmp(key, "required") ? &f->required :
		    !strcmp(key, "integer")	    ? &f->integer :
		    !strcmp(key, "yearless")	    ? &f->yearless :
						      &f->decimal_comma;
		if (schema_parse_bool(value, dst) != 0)
			return schema_fail(sp,
			    xasprintf(_("%s must be true or false, not \"%s\"."), key, value));
		return 1;
	}
	if (!strcmp(key, "max_length")) {
		char *end;
		errno = 0;
		unsigned long n = strtoul(value, &end, 10);
		if (errno || *end || end == value || n == 0 || value[0] == '-')
			return schema_fail(sp,
			    xasprintf(
				_("max_length must be a whole number greater than 0, not \"%s\"."),
				value));
		f->max_length = n;
		return 1;
	}
	if (!strcmp(key, "pattern")) {
		if (f->pattern != NULL) {
			regfree(&f->regex);
			free(f->pattern);
			f->pattern = NULL;
		}
		int rc = regcomp(&f->regex, value, REG_EXTENDED | REG_NOSUB);
		if (rc != 0) {
			char buf[256];
			regerror(rc, &f->regex, buf, sizeof buf);
			return schema_fail(sp,
			    xasprintf(
				_("the pattern is not a valid POSIX extended regular expression: %s."),
				buf));
		}
		f->pattern = xstrdup(value);
		return 1;
	}
	if (!strcmp(key, "separator")) {
		const char *sep = !strcmp(value, "semicolon") ? ";" :
		    !strcmp(value, "comma")		      ? "," :
		    !strcmp(value, "pipe")		      ? "|" :
		    !strcmp(value, "space")		      ? " " :
								value;
		if (*sep == '\0' || strlen(sep) > 8)
			return schema_fail(sp,
			    xasprintf(_(
				"separator must be one to eight characters, or semicolon, comma, pipe or space.")));
		free(f->separator);
		f->separator = xstrdup(sep);
		return 1;
	}
	if (!strcmp(key, "on_invalid")) {
		for (size_t i = 0; i < sizeof on_invalid_names / sizeof *on_invalid_names; i++)
			if (!strcmp(value, on_invalid_names[i])) {
				f->on_invalid = (enum on_invalid)i;
				sp->on_invalid_line[f - sp->schema->fields] = sp->line;
				return 1;
			}
		return schema_fail(sp,
		    xasprintf(_("on_invalid must be reject_row or drop_value, not \"%s\"."), value));
	}
	if (!strcmp(key, "synonyms")) {
		schema_append_list(&f->synonyms, &f->nsynonyms, value);
		return 1;
	}
	if (!strcmp(key, "values")) {
		schema_append_list(&f->values, &f->nvalues, value);
		return 1;
	}
	if (!strcmp(key, "collects")) {
		free(f->collects_name);
		f->collects_name = xstrdup(value);
		sp->collects_line[f - sp->schema->fields] = sp->line;
		return 1;
	}
	if (!strcmp(key, "skip_items")) {
		schema_append_list(&f->skip_items, &f->nskip_items, value);
		return 1;
	}
	if (!strcmp(key, "references")) {
		const char *dot = strchr(value, '.');
		char *table = dot ? xstrndup(value, (size_t)(dot - value)) : xstrdup(value);
		if (*table == '\0' ||
		    (dot != NULL &&
			(dot[1] == '\0' || strchr(dot + 1, '.') ||
			    !schema_valid_identifier(dot + 1)))) {
			free(table);
			return schema_fail(sp,
			    xasprintf(
				_("references names a table, or a table and its field: references = businesses or references = businesses.id, not \"%s\"."),
				value));
		}
		free(f->references_table);
		free(f->references_field);
		f->references_table = table;
		f->references_field = dot ? xstrdup(dot + 1) : NULL;
		return 1;
	}
	return schema_fail(sp,
	    xasprintf(
		_("\"%s\" is not a field setting; use type, label, required, max_length, pattern, separator, skip_items, collects, synonyms, values, decimal_comma, integer, yearless, on_invalid or references."),
		key));
}

static int
schema_handler(void *user, const char *section, const char *key, const char *value)
{
	struct schema_parse *sp = user;
	struct schema *s = sp->schema;

	if (!strcmp(section, "schema")) {
		sp->new_section = 0;
		if (!strcmp(key, "name")) {
			free(s->name);
			s->name = xstrdup(value);
		} else if (!strcmp(key, "table")) {
			if (!schema_valid_identifier(value))
				return schema_fail(sp,
				    xasprintf(
					_("table \"%s\" is not a usable table name: use letters, digits and _, not starting with a digit or sluice_."),
					value));
			free(s->table);
			s->table = xstrdup(value);
		} else if (!strcmp(key, "region")) {
			free(s->region);
			s->region = xstrdup(value);
		} else if (!strcmp(key, "date_order")) {
			int order = schema_date_order_parse(value);
			if (order < 0)
				return schema_fail(sp,
				    xasprintf(_("date_order must be mdy or dmy, not \"%s\"."), value));
			s->date_order = (enum date_order)order;
			s->date_order_set = 1;
		} else if (!strcmp(key, "match_keys")) {
			free(sp->match_keys);
			sp->match_keys = xstrdup(value);
			sp->match_keys_line = sp->line;
		} else if (!strcmp(key, "region_field")) {
			free(sp->region_field);
			sp->region_field = xstrdup(value);
			sp->region_field_line = sp->line;
		} else
			return schema_fail(sp,
			    xasprintf(
				_("\"%s\" is not a schema setting; use name, table, region, region_field, date_order or match_keys."),
				key));
		return 1;
	}

	if (!strncmp(section, "field ", 6)) {
		const char *name = section + 6;
		while (*name == ' ')
			name++;
		int fresh = sp->new_section;
		sp->new_section = 0;
		if (fresh || sp->field == NULL || strcmp(sp->field->name, name) != 0) {
			if (!schema_valid_identifier(name))
				return schema_fail(sp,
				    xasprintf(
					_("field \"%s\" is not a usable column name: use letters, digits and _, not starting with a digit."),
					name));
			if (schema_field_index(s, name) >= 0) {
				sp->field = NULL;
				return schema_fail_at(sp, sp->section_line,
				    xasprintf(_("field \"%s\" is defined twice."), name));
			}
			s->fields = xreallocarray(s->fields, s->nfields + 1, sizeof *s->fields);
			sp->on_invalid_line = xreallocarray(sp->on_invalid_line, s->nfields + 1,
			    sizeof *sp->on_invalid_line);
			sp->on_invalid_line[s->nfields] = 0;
			sp->collects_line = xreallocarray(sp->collects_line, s->nfields + 1,
			    sizeof *sp->collects_line);
			sp->collects_line[s->nfields] = 0;
			sp->field = &s->fields[s->nfields++];
			memset(sp->field, 0, sizeof *sp->field);
			sp->field->name = xstrdup(name);
			sp->field->type = FIELD_TEXT;
		}
		return schema_field_key(sp, sp->field, key, value);
	}
	return schema_fail(sp,
	    xasprintf(_("[%s] is not a known section; use [schema] or [field NAME]."), section));
}

/* Checks made once the whole file is read. */
static char *
schema_check(struct schema_parse *sp, int *line)
{
	struct schema *s = sp->schema;

	if (s->table == NULL)
		return xstrdup(_("the [schema] section does not name a table (table = NAME)."));
	if (s->nfields == 0)
		return xstrdup(_("there is no [field NAME] section."));
	for (size_t i = 0; i < s->nfields; i++) {
		struct field *f = &s->fields[i];
		if (f->label == NULL)
			f->label = xstrdup(f->name);
		if (f->type == FIELD_ENUM && f->nvalues == 0)
			return xasprintf(_("enum field \"%s\" lists no values (values = a, b, …)."),
			    f->name);
		if (f->type == FIELD_LIST && f->separator == NULL)
			f->separator = xstrdup(";");
	}
	for (size_t i = 0; i < s->nfields; i++) {
		struct field *f = &s->fields[i];
		if (f->collects_name == NULL)
			continue;
		int c = schema_field_index(s, f->collects_name);
		*line = sp->collects_line[i];
		if (f->type != FIELD_LIST)
			return xasprintf(
			    _("field \"%s\" is not a list field, so it cannot collect the further values of another (collects = %s)."),
			    f->name, f->collects_name);
		if (c < 0 || (size_t)c == i || s->fields[c].type == FIELD_LIST)
			return xasprintf(
			    _("collects = %s: name another field of this schema that is not a list field."),
			    f->collects_name);
		for (size_t j = 0; j < i; j++)
			if (s->fields[j].collects == &s->fields[c])
				return xasprintf(
				    _("field \"%s\" is collected by both \"%s\" and \"%s\"; one field may collect it."),
				    s->fields[c].name, s->fields[j].name, f->name);
		f->collects = &s->fields[c];
		*line = 0;
	}
	if (sp->region_field != NULL) {
		int f = schema_field_index(s, sp->region_field);
		if (f < 0 || s->fields[f].type == FIELD_LIST) {
			*line = sp->region_field_line;
			return xasprintf(
			    _("region_field = %s: name a field of this schema that holds one value, a country."),
			    sp->region_field);
		}
		s->region_field = &s->fields[f];
	}
	if (sp->match_keys == NULL)
		return xstrdup(
		    _("the [schema] section names no match keys (match_keys = field, …)."));
	char **names = NULL;
	size_t n = 0;
	schema_append_list(&names, &n, sp->match_keys);
	char *err = NULL;
	for (size_t i = 0; i < n && err == NULL; i++) {
		int f = schema_field_index(s, names[i]);
		if (f < 0)
			err = xasprintf(_("match key \"%s\" is not a field of this schema."),
			    names[i]);
		else if (s->fields[f].type == FIELD_LIST)
			err = xasprintf(
			    _("match key \"%s\" is a list field; a match key must hold one value."),
			    names[i]);
		else {
			s->match_keys =
			    xreallocarray(s->match_keys, s->nmatch_keys + 1, sizeof *s->match_keys);
			s->match_keys[s->nmatch_keys++] = (size_t)f;
		}
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (err == NULL && s->nmatch_keys == 0)
		err = xstrdup(_("match_keys is empty; name at least one field."));
	if (err != NULL) {
		*line = sp->match_keys_line;
		return err;
	}
	/* A value a row cannot do without rejects the row; any other is
	 * dropped alone unless the file says otherwise. */
	for (size_t i = 0; i < s->nfields; i++) {
		struct field *f = &s->fields[i];
		int key = schema_is_match_key(s, i);
		if ((f->required || key) && f->on_invalid == ON_INVALID_DROP_VALUE) {
			*line = sp->on_invalid_line[i];
			if (f->required)
				return xasprintf(
				    _("field \"%s\" is required, so an invalid value of it rejects the row; on_invalid = drop_value cannot be used with it."),
				    f->name);
			return xasprintf(
			    _("field \"%s\" is a match key, so an invalid value of it rejects the row; on_invalid = drop_value cannot be used with it."),
			    f->name);
		}
		if (!f->required && !key && sp->on_invalid_line[i] == 0)
			f->on_invalid = ON_INVALID_DROP_VALUE;
	}
	if (s->region == NULL)
		s->region = xstrdup("US");
	if (s->name == NULL) {
		const char *base = strrchr(s->path, '/');
		base = base ? base + 1 : s->path;
		size_t len = strcspn(base, ".");
		s->name = xstrndup(base, len);
	}
	return NULL;
}

char **
schema_dirs(void)
{
	char **dirs = xcalloc(5, sizeof *dirs);
	size_t n = 0;
	const char *env = getenv("SLUICE_SCHEMA_DIR");
	if (env != NULL && *env != '\0')
		dirs[n++] = xstrdup(env);
	dirs[n++] = xstrdup(SCHEMADIR);
	dirs[n++] = xstrdup("data/schemas");
	/* An uninstalled build finds the schemas beside it: src/../data. */
	char exe[4096];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len > 0) {
		exe[len] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash != NULL) {
			*slash = '\0';
			dirs[n++] = xasprintf("%s/../data/schemas", exe);
		}
	}
	return dirs;
}

void
schema_strings_free(char **list)
{
	if (list == NULL)
		return;
	for (char **p = list; *p != NULL; p++)
		free(*p);
	free(list);
}

static int
schema_name_order(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
schema_list(void)
{
	char **dirs = schema_dirs();
	char **names = xcalloc(1, sizeof *names);
	size_t n = 0;
	for (char **d = dirs; *d != NULL; d++) {
		DIR *dir = opendir(*d);
		if (dir == NULL)
			continue;
		struct dirent *de;
		while ((de = readdir(dir)) != NULL) {
			size_t len = strlen(de->d_name);
			if (len <= 7 || strcmp(de->d_name + len - 7, ".schema") != 0)
				continue;
			char *name = xstrndup(de->d_name, len - 7);
			int seen = 0;
			for (size_t i = 0; i < n && !seen; i++)
				seen = !strcmp(names[i], name);
			if (seen) {
				free(name);
				continue;
			}
			names = xreallocarray(names, n + 2, sizeof *names);
			names[n++] = name;
			names[n] = NULL;
		}
		closedir(dir);
	}
	schema_strings_free(dirs);
	qsort(names, n, sizeof *names, schema_name_order);
	return names;
}

static char *
schema_find(const char *name_or_path)
{
	size_t len = strlen(name_or_path);
	if (strchr(name_or_path, '/') != NULL ||
	    (len > 7 && !strcmp(name_or_path + len - 7, ".schema")))
		return xstrdup(name_or_path);

	char **dirs = schema_dirs(), *found = NULL;
	for (char **d = dirs; *d != NULL && found == NULL; d++) {
		char *path = xasprintf("%s/%s.schema", *d, name_or_path);
		struct stat st;
		if (stat(path, &st) == 0)
			found = path;
		else
			free(path);
	}
	schema_strings_free(dirs);
	return found;
}

struct schema *
schema_load(const char *name_or_path, char **cause)
{
	char *path = schema_find(name_or_path);
	if (path == NULL) {
		*cause = xasprintf(
		    _("There is no schema called \"%s\"; give a schema name such as contacts or products, or the path of a .schema file."),
		    name_or_path);
		return NULL;
	}
	char *why = NULL;
	FILE *fp = text_file_open(path, SCHEMA_FILE_MAX, &why);
	if (fp == NULL) {
		*cause = xasprintf(_("Cannot read the schema file %s: %s."), path, why);
		free(why);
		free(path);
		return NULL;
	}

	struct schema *s = xcalloc(1, sizeof *s);
	s->path = path;
	s->date_order = DATE_MDY;
	struct schema_parse sp = { .schema = s, .fp = fp };
	int line = ini_parse_stream(schema_read_line, &sp, schema_handler, &sp);
	fclose(fp);

	char *err = NULL;
	if (line > 0 && sp.error != NULL && sp.error_read_line == line)
		err = xasprintf(_("%s, line %d: %s"), path, sp.error_line, sp.error);
	else if (line > 0)
		err = xasprintf(_("%s, line %d: %s"), path, line,
		    _("this line is neither a [section] nor a key = value pair."));
	else if (line < 0)
		err = xasprintf(_("Cannot read the schema file %s."), path);
	else {
		int at = 0;
		char *why = schema_check(&sp, &at);
		if (why != NULL && at > 0)
			err = xasprintf(_("%s, line %d: %s"), path, at, why);
		else if (why != NULL)
			err = xasprintf(_("%s: %s"), path, why);
		free(why);
	}
	free(sp.error);
	free(sp.match_keys);
	free(sp.on_invalid_line);
	free(sp.collects_line);
	free(sp.region_field);
	if (err != NULL) {
		*cause = xasprintf(
		    _("The schema is not valid: %s Fix the schema file and try again."), err);
		free(err);
		schema_free(s);
		return NULL;
	}
	return s;
}

void
schema_free(struct schema *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->nfields; i++) {
		struct field *f = &s->fields[i];
		free(f->name);
		free(f->label);
		if (f->pattern != NULL) {
			regfree(&f->regex);
			free(f->pattern);
		}
		free(f->separator);
		free(f->collects_name);
		free(f->references_table);
		free(f->references_field);
		for (size_t j = 0; j < f->nsynonyms; j++)
			free(f->synonyms[j]);
		free(f->synonyms);
		for (size_t j = 0; j < f->nvalues; j++)
			free(f->values[j]);
		free(f->values);
		for (size_t j = 0; j < f->nskip_items; j++)
			free(f->skip_items[j]);
		free(f->skip_items);
	}
	free(s->fields);
	free(s->match_keys);
	free(s->name);
	free(s->path);
	free(s->table);
	free(s->region);
	free(s);
}

int
schema_field_index(const struct schema *s, const char *name)
{
	for (size_t i = 0; i < s->nfields; i++)
		if (!strcmp(s->fields[i].name, name))
			return (int)i;
	return -1;
}

int
schema_is_match_key(const struct schema *s, size_t f)
{
	for (size_t i = 0; i < s->nmatch_keys; i++)
		if (s->match_keys[i] == f)
			return 1;
	return 0;
}

char *
schema_join_fields(const struct schema *s, const size_t *fields, size_t n, int labels, const char *sep)
{
	size_t len = 1;
	for (size_t i = 0; i < n; i++) {
		const struct field *f = &s->fields[fields[i]];
		len += strlen(labels ? f->label : f->name) + strlen(sep);
	}
	char *out = xmalloc(len);
	*out = '\0';
	for (size_t i = 0; i < n; i++) {
		const struct field *f = &s->fields[fields[i]];
		if (i > 0)
			strcat(out, sep);
		strcat(out, labels ? f->label : f->name);
	}
	return out;
}
