/* Column → field mapping: suggestion from synonyms, user overrides, checks. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "mapping.h"
#include "text.h"
#include "xmalloc.h"

static void
mapping_set(struct mapping *m, size_t column, int field)
{
	int old = m->field[column];
	if (old >= 0)
		m->column[old] = -1;
	if (field >= 0 && m->column[field] >= 0)
		m->field[m->column[field]] = -1;
	m->field[column] = field;
	if (field >= 0)
		m->column[field] = (int)column;
}

struct mapping *
mapping_suggest(const struct schema *schema, const char *const *headers,
    size_t nheaders)
{
	struct mapping *m = xcalloc(1, sizeof *m);
	m->ncolumns = nheaders;
	m->nfields = schema->nfields;
	m->headers = xcalloc(nheaders, sizeof *m->headers);
	m->field = xcalloc(nheaders, sizeof *m->field);
	m->column = xcalloc(schema->nfields, sizeof *m->column);
	for (size_t f = 0; f < schema->nfields; f++)
		m->column[f] = -1;

	/* Fold every synonym once, not once per header. */
	char ***folded = xcalloc(schema->nfields, sizeof *folded);
	for (size_t f = 0; f < schema->nfields; f++) {
		const struct field *fd = &schema->fields[f];
		folded[f] = xcalloc(fd->nsynonyms + 2, sizeof **folded);
		folded[f][0] = text_fold_header(fd->name);
		for (size_t i = 0; i < fd->nsynonyms; i++)
			folded[f][i + 1] = text_fold_header(fd->synonyms[i]);
	}

	for (size_t c = 0; c < nheaders; c++) {
		m->headers[c] = xstrdup(headers[c]);
		m->field[c] = -1;
		char *h = text_fold_header(headers[c]);
		for (size_t f = 0; f < schema->nfields && *h; f++) {
			if (m->column[f] >= 0)
				continue;
			for (char **p = folded[f]; *p; p++)
				if (!strcmp(*p, h)) {
					mapping_set(m, c, (int)f);
					break;
				}
			if (m->field[c] >= 0)
				break;
		}
		free(h);
	}

	for (size_t f = 0; f < schema->nfields; f++) {
		for (char **p = folded[f]; *p; p++)
			free(*p);
		free(folded[f]);
	}
	free(folded);
	return m;
}

void
mapping_free(struct mapping *m)
{
	if (m == NULL)
		return;
	for (size_t c = 0; c < m->ncolumns; c++)
		free(m->headers[c]);
	free(m->headers);
	free(m->field);
	free(m->column);
	free(m);
}

/* The column whose header is name: exact match first, then folded. -1 when
 * none, -2 when two columns carry that header. */
static int
mapping_find_column(const struct mapping *m, const char *name)
{
	int found = -1;
	for (size_t c = 0; c < m->ncolumns; c++)
		if (!strcmp(m->headers[c], name)) {
			if (found >= 0)
				return -2;
			found = (int)c;
		}
	if (found >= 0)
		return found;
	char *want = text_fold_header(name);
	for (size_t c = 0; c < m->ncolumns && *want; c++) {
		char *h = text_fold_header(m->headers[c]);
		int same = !strcmp(h, want);
		free(h);
		if (same) {
			if (found >= 0) {
				found = -2;
				break;
			}
			found = (int)c;
		}
	}
	free(want);
	return found;
}

static int
mapping_apply_one(struct mapping *m, const struct schema *schema,
    const char *item, char **cause)
{
	const char *eq = strrchr(item, '=');
	if (eq == NULL) {
		*cause = xasprintf(_("The mapping \"%s\" has no '='; write it as Source Header=field."), item);
		return -1;
	}
	char *header = text_trim(xstrndup(item, (size_t)(eq - item)));
	char *name = text_trim(xstrdup(eq + 1));
	int rc = 0;
	int column = mapping_find_column(m, header);
	if (column == -1) {
		char *esc = text_escape(header);
		*cause = xasprintf(_("The mapping names the column \"%s\", but the file has no such header."), esc);
		free(esc);
		rc = -1;
	} else if (column == -2) {
		char *esc = text_escape(header);
		*cause = xasprintf(_("The file has more than one column headed \"%s\"; rename one of them in the file before mapping it."), esc);
		free(esc);
		rc = -1;
	} else if (*name == '\0' || !strcmp(name, "-")) {
		mapping_set(m, (size_t)column, -1);
	} else {
		int f = schema_field_index(schema, name);
		if (f < 0) {
			char *esc = text_escape(name);
			*cause = xasprintf(_("The mapping names the field \"%s\", which schema %s does not have."), esc, schema->name);
			free(esc);
			rc = -1;
		} else
			mapping_set(m, (size_t)column, f);
	}
	free(header);
	free(name);
	return rc;
}

int
mapping_apply(struct mapping *m, const struct schema *schema, const char *spec,
    char **cause)
{
	char *copy = xstrdup(spec);
	int rc = 0;
	char *save = NULL;
	for (char *item = strtok_r(copy, ",", &save); item && rc == 0;
	    item = strtok_r(NULL, ",", &save))
		rc = mapping_apply_one(m, schema, item, cause);
	free(copy);
	return rc;
}

int
mapping_apply_file(struct mapping *m, const struct schema *schema,
    const char *path, char **cause)
{
	FILE *fp = fopen(path, "r");
	if (fp == NULL) {
		*cause = xasprintf(_("Cannot read the mapping file %s: %s."), path, strerror(errno));
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;
	unsigned lineno = 0;
	while (rc == 0 && getline(&line, &cap, fp) != -1) {
		lineno++;
		text_trim(line);
		if (*line == '\0' || *line == '#')
			continue;
		char *why = NULL;
		rc = mapping_apply_one(m, schema, line, &why);
		if (rc != 0) {
			*cause = xasprintf(_("%s, line %u: %s"), path, lineno, why);
			free(why);
		}
	}
	free(line);
	fclose(fp);
	return rc;
}

static char *
mapping_headers_list(const struct mapping *m)
{
	size_t len = 1;
	char **esc = xcalloc(m->ncolumns + 1, sizeof *esc);
	for (size_t c = 0; c < m->ncolumns; c++) {
		esc[c] = text_escape(m->headers[c]);
		len += strlen(esc[c]) + 4;
	}
	char *out = xmalloc(len);
	*out = '\0';
	for (size_t c = 0; c < m->ncolumns; c++) {
		if (c > 0)
			strcat(out, ", ");
		strcat(out, "\"");
		strcat(out, esc[c]);
		strcat(out, "\"");
		free(esc[c]);
	}
	free(esc);
	return out;
}

int
mapping_gaps(const struct mapping *m, const struct schema *schema, struct mapping_gaps *gaps)
{
	memset(gaps, 0, sizeof *gaps);
	gaps->required = xcalloc(schema->nfields ? schema->nfields : 1, sizeof *gaps->required);
	for (size_t f = 0; f < schema->nfields; f++)
		if (schema->fields[f].required && m->column[f] < 0)
			gaps->required[gaps->nrequired++] = f;
	int keyed = 0;
	for (size_t k = 0; k < schema->nmatch_keys; k++)
		keyed |= m->column[schema->match_keys[k]] >= 0;
	gaps->unkeyed = !keyed;
	return gaps->nrequired > 0 || gaps->unkeyed ? -1 : 0;
}

void
mapping_gaps_clear(struct mapping_gaps *gaps)
{
	free(gaps->required);
	memset(gaps, 0, sizeof *gaps);
}

int
mapping_check(const struct mapping *m, const struct schema *schema, char **cause)
{
	struct mapping_gaps gaps;
	if (mapping_gaps(m, schema, &gaps) == 0) {
		mapping_gaps_clear(&gaps);
		return 0;
	}
	char *headers = mapping_headers_list(m);
	if (gaps.nrequired > 0) {
		char *missing = schema_join_fields(schema, gaps.required, gaps.nrequired, 0, ", ");
		*cause = xasprintf(_("No column is mapped to the required field(s) %s. The file's headers are: %s. Map them with --map 'Header=field' and try again; nothing was imported."), missing, headers);
		free(missing);
	} else {
		char *keys = schema_join_fields(schema, schema->match_keys, schema->nmatch_keys, 0,
		    _(" or "));
		*cause = xasprintf(_("No column is mapped to a match key (%s), so records could not be found again. The file's headers are: %s. Map one with --map 'Header=field' and try again; nothing was imported."), keys, headers);
		free(keys);
	}
	free(headers);
	mapping_gaps_clear(&gaps);
	return -1;
}

char *
mapping_to_json(const struct mapping *m, const struct schema *schema)
{
	json_t *arr = json_array();
	for (size_t c = 0; c < m->ncolumns; c++) {
		int f = m->field[c];
		json_t *header = json_string(m->headers[c]);
		if (header == NULL) {
			char *esc = text_escape(m->headers[c]);
			header = json_string(esc);
			free(esc);
		}
		json_array_append_new(arr, json_pack("{s:I, s:o, s:o}",
		    "column", (json_int_t)c, "header", header,
		    "field", f >= 0 ? json_string(schema->fields[f].name) : json_null()));
	}
	char *s = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	char *out = xstrdup(s);
	free(s);
	return out;
}

int
mapping_apply_json(struct mapping *m, const struct schema *schema, const char *json,
    char **cause)
{
	json_t *arr = json ? json_loads(json, 0, NULL) : NULL;
	if (!json_is_array(arr) || json_array_size(arr) != m->ncolumns) {
		json_decref(arr);
		*cause = xstrdup(_("The file's columns are not those the import was started with; import the file anew."));
		return -1;
	}
	for (size_t c = 0; c < m->ncolumns; c++)
		mapping_set(m, c, -1);
	int rc = 0;
	size_t i;
	json_t *item;
	json_array_foreach(arr, i, item) {
		const char *header = json_string_value(json_object_get(item, "header"));
		const char *field = json_string_value(json_object_get(item, "field"));
		if (header == NULL || strcmp(header, m->headers[i]) != 0) {
			*cause = xstrdup(_("The file's columns are not those the import was started with; import the file anew."));
			rc = -1;
			break;
		}
		if (field == NULL)
			continue;
		int f = schema_field_index(schema, field);
		if (f < 0) {
			*cause = xasprintf(_("The import mapped a column to the field %s, which the schema no longer has; import the file anew."), field);
			rc = -1;
			break;
		}
		mapping_set(m, i, f);
	}
	json_decref(arr);
	return rc;
}

char *
mapping_fingerprint(const char *const *headers, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t c = 0; c < n; c++) {
		char *folded = text_fold_header(headers[c]);
		for (const unsigned char *p = (const unsigned char *)folded; *p; p++)
			h = (h ^ *p) * 0x100000001b3ULL;
		h = (h ^ 0x1f) * 0x100000001b3ULL;
		free(folded);
	}
	return xasprintf("%016llx", (unsigned long long)h);
}
