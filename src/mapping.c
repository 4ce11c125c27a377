/* Column → field mapping: suggestion from synonyms and likely matches, the
 * remembered mapping, user overrides, the source of each column, checks. */
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

/* The largest mapping file read: far more than any mapping needs. */
#define MAPPING_FILE_MAX (1024 * 1024)

static const struct {
	const char *name;
	const char *label;
} mapping_sources[MAPPING_SOURCE_COUNT] = {
	[MAPPING_NONE] = { "", N_("no rule") },
	[MAPPING_SYNONYM] = { "synonym", N_("synonym") },
	[MAPPING_LIKELY] = { "likely", N_("likely") },
	[MAPPING_REMEMBERED] = { "remembered", N_("remembered") },
	[MAPPING_OPTION] = { "option", N_("--map") },
	[MAPPING_WIZARD] = { "wizard", N_("chosen in the wizard") },
};

const char *
mapping_source_name(enum mapping_source s)
{
	return s < MAPPING_SOURCE_COUNT ? mapping_sources[s].name : "";
}

const char *
mapping_source_label(enum mapping_source s)
{
	return _(mapping_sources[s < MAPPING_SOURCE_COUNT ? s : MAPPING_NONE].label);
}

enum mapping_source
mapping_source_parse(const char *name)
{
	for (int s = MAPPING_NONE + 1; name != NULL && s < MAPPING_SOURCE_COUNT; s++)
		if (!strcmp(name, mapping_sources[s].name))
			return (enum mapping_source)s;
	return MAPPING_NONE;
}

/* Field f's first column, after a column stopped feeding it. */
static void
mapping_refresh(struct mapping *m, int f)
{
	m->column[f] = -1;
	for (size_t c = 0; c < m->ncolumns; c++)
		if (m->field[c] == f) {
			m->column[f] = (int)c;
			break;
		}
}

void
mapping_map(struct mapping *m, size_t c, int f, enum mapping_source s)
{
	if (c >= m->ncolumns)
		return;
	int old = m->field[c];
	m->field[c] = -1;
	if (old >= 0)
		mapping_refresh(m, old);
	if (f >= 0 && !m->several[f] && m->column[f] >= 0 && (size_t)m->column[f] != c) {
		size_t other = (size_t)m->column[f];
		m->field[other] = -1;
		m->source[other] = MAPPING_NONE;
	}
	m->field[c] = f;
	m->source[c] = s;
	if (f >= 0)
		mapping_refresh(m, f);
}

int
mapping_holder(const struct mapping *m, int f, size_t c)
{
	if (f < 0 || (size_t)f >= m->nfields || m->several[f] || m->column[f] < 0 ||
	    (size_t)m->column[f] == c)
		return -1;
	return m->column[f];
}

/* Whether folded header h is one of field f's folded names (folded[f], a
 * NULL-terminated list). */
static int
mapping_is_synonym(char **folded, const char *h)
{
	for (size_t i = 0; folded[i] != NULL; i++)
		if (!strcmp(folded[i], h))
			return 1;
	return 0;
}

struct mapping *
mapping_suggest(const struct schema *schema, const char *const *headers, size_t nheaders)
{
	struct mapping *m = xcalloc(1, sizeof *m);
	m->ncolumns = nheaders;
	m->nfields = schema->nfields;
	m->headers = xcalloc(nheaders, sizeof *m->headers);
	m->field = xcalloc(nheaders, sizeof *m->field);
	m->source = xcalloc(nheaders ? nheaders : 1, sizeof *m->source);
	m->column = xcalloc(schema->nfields, sizeof *m->column);
	m->several = xcalloc(schema->nfields ? schema->nfields : 1, sizeof *m->several);
	for (size_t f = 0; f < schema->nfields; f++) {
		m->column[f] = -1;
		m->several[f] = schema->fields[f].type == FIELD_LIST;
	}

	/* Fold every synonym once, not once per header. */
	char ***folded = xcalloc(schema->nfields, sizeof *folded);
	for (size_t f = 0; f < schema->nfields; f++) {
		const struct field *fd = &schema->fields[f];
		folded[f] = xcalloc(fd->nsynonyms + 2, sizeof **folded);
		folded[f][0] = text_fold_header(fd->name);
		for (size_t i = 0; i < fd->nsynonyms; i++)
			folded[f][i + 1] = text_fold_header(fd->synonyms[i]);
	}

	/* Each field, in the schema's order, takes the column whose header is
	 * its earliest synonym (its name first, unless the synonyms list it
	 * too), so that the order of the synonyms says which of several
	 * columns feeds it (Outlook's Mobile Phone before its Business Phone,
	 * Salesforce's Mobile before its Phone); on a tie, the first column. */
	unsigned char *named = xcalloc(schema->nfields ? schema->nfields : 1, 1);
	for (size_t f = 0; f < schema->nfields; f++)
		for (size_t i = 1; folded[f][i] != NULL && !named[f]; i++)
			named[f] = !strcmp(folded[f][i], folded[f][0]);
	char **h = xcalloc(nheaders ? nheaders : 1, sizeof *h);
	for (size_t c = 0; c < nheaders; c++) {
		m->headers[c] = xstrdup(headers[c]);
		m->field[c] = -1;
		h[c] = text_fold_header(headers[c]);
	}
	for (size_t f = 0; f < schema->nfields; f++) {
		size_t best = 0, best_rank = SIZE_MAX;
		for (size_t c = 0; c < nheaders; c++) {
			if (m->field[c] >= 0 || *h[c] == '\0')
				continue;
			for (size_t i = 0; folded[f][i] != NULL && i < best_rank; i++)
				if (!strcmp(folded[f][i], h[c]) && (i > 0 || !named[f])) {
					best = c;
					best_rank = i;
					break;
				}
		}
		if (best_rank != SIZE_MAX)
			mapping_map(m, best, (int)f, MAPPING_SYNONYM);
	}
	/* A list field also takes the other columns headed by one of its
	 * names, and those of the field it collects that lost to the one
	 * feeding that field: Outlook's Business and Home Phone beside its
	 * Mobile Phone go to other_phones, in the file's order. */
	for (size_t f = 0; f < schema->nfields; f++) {
		const struct field *cf = schema->fields[f].collects;
		if (!m->several[f])
			continue;
		for (size_t c = 0; c < nheaders; c++)
			if (m->field[c] < 0 && *h[c] != '\0' &&
			    (mapping_is_synonym(folded[f], h[c]) ||
				(cf != NULL && mapping_is_synonym(folded[cf - schema->fields], h[c]))))
				mapping_map(m, c, (int)f, MAPPING_SYNONYM);
	}
	for (size_t c = 0; c < nheaders; c++)
		free(h[c]);
	free(h);
	free(named);

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
	free(m->source);
	free(m->column);
	free(m->several);
	free(m);
}

/* The free field whose folded name or synonym (four letters or more) the
 * folded header contains, the longest one; -1 when none. */
static int
mapping_likely_field(const struct mapping *m, const struct schema *s, const char *header)
{
	char *h = text_fold_header(header);
	int best = -1;
	size_t best_len = 0;
	for (size_t f = 0; f < s->nfields && *h; f++) {
		if (m->column[f] >= 0)
			continue;
		const struct field *fd = &s->fields[f];
		for (size_t i = 0; i <= fd->nsynonyms; i++) {
			char *syn = text_fold_header(i == 0 ? fd->name : fd->synonyms[i - 1]);
			size_t len = strlen(syn);
			if (len >= 4 && len > best_len && strstr(h, syn) != NULL) {
				best = (int)f;
				best_len = len;
			}
			free(syn);
		}
	}
	free(h);
	return best;
}

void
mapping_suggest_likely(struct mapping *m, const struct schema *schema)
{
	for (size_t c = 0; c < m->ncolumns; c++) {
		if (m->field[c] >= 0)
			continue;
		int f = mapping_likely_field(m, schema, m->headers[c]);
		if (f >= 0)
			mapping_map(m, c, f, MAPPING_LIKELY);
	}
}

/* The column whose header is name: exact match first, then folded. -1 when
 * none, -2 when two columns carry that header. "Header (column N)", as the
 * JSON report names the second of two columns with one header, is column
 * N when its header is Header. */
static int
mapping_find_column(const struct mapping *m, const char *name)
{
	int found = -1;
	const char *open = strrchr(name, '(');
	unsigned long n;
	char *end;
	if (open != NULL && open > name && open[-1] == ' ' && !strncmp(open, "(column ", 8) &&
	    (n = strtoul(open + 8, &end, 10)) >= 1 && n <= m->ncolumns && !strcmp(end, ")") &&
	    strlen(m->headers[n - 1]) == (size_t)(open - 1 - name) &&
	    !strncmp(m->headers[n - 1], name, (size_t)(open - 1 - name)))
		return (int)(n - 1);
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

/* The sentence for two columns given one field. */
static char *
mapping_conflict(const struct mapping *m, const struct schema *schema, size_t a, size_t b, int f)
{
	char *ea = text_escape(m->headers[a]), *eb = text_escape(m->headers[b]);
	char *out = xasprintf(
	    _("The columns \"%s\" and \"%s\" are both mapped to the field %s; map one of them to another field, or leave it out with 'Header=-'."),
	    ea, eb, schema->fields[f].name);
	free(ea);
	free(eb);
	return out;
}

/* One override; chosen marks the columns this set of overrides has mapped
 * so far, so that two of them on one field are refused. */
static int
mapping_apply_one(struct mapping *m, const struct schema *schema, const char *item,
    unsigned char *chosen, char **cause)
{
	const char *eq = strrchr(item, '=');
	if (eq == NULL) {
		*cause = xasprintf(
		    _("The mapping \"%s\" has no '='; write it as Source Header=field."), item);
		return -1;
	}
	char *header = text_trim(xstrndup(item, (size_t)(eq - item)));
	char *name = text_trim(xstrdup(eq + 1));
	int rc = 0;
	int column = mapping_find_column(m, header);
	if (column == -1) {
		char *esc = text_escape(header);
		*cause = xasprintf(
		    _("The mapping names the column \"%s\", but the file has no such header."), esc);
		free(esc);
		rc = -1;
	} else if (column == -2) {
		char *esc = text_escape(header);
		*cause = xasprintf(
		    _("The file has more than one column headed \"%s\"; rename one of them in the file before mapping it."),
		    esc);
		free(esc);
		rc = -1;
	} else if (*name == '\0' || !strcmp(name, "-")) {
		mapping_map(m, (size_t)column, -1, MAPPING_OPTION);
		chosen[column] = 1;
	} else {
		int f = schema_field_index(schema, name);
		if (f < 0) {
			char *esc = text_escape(name);
			*cause = xasprintf(
			    _("The mapping names the field \"%s\", which schema %s does not have."),
			    esc, schema->name);
			free(esc);
			rc = -1;
		} else if (mapping_holder(m, f, (size_t)column) < 0 ||
		    !chosen[mapping_holder(m, f, (size_t)column)]) {
			/* Free, or taken from a suggestion: an override, which
			 * leaves the suggested column out by choice. */
			int other = mapping_holder(m, f, (size_t)column);
			mapping_map(m, (size_t)column, f, MAPPING_OPTION);
			if (other >= 0)
				m->source[other] = MAPPING_OPTION;
			chosen[column] = 1;
		} else {
			*cause = mapping_conflict(m, schema,
			    (size_t)mapping_holder(m, f, (size_t)column), (size_t)column, f);
			rc = -1;
		}
	}
	free(header);
	free(name);
	return rc;
}

int
mapping_contested(const struct mapping *m, const struct schema *schema, char **cause)
{
	for (size_t c = 0; c < m->ncolumns; c++) {
		if (m->field[c] >= 0 || m->source[c] != MAPPING_NONE)
			continue;
		char *h = text_fold_header(m->headers[c]);
		int other = -1, f = -1;
		for (size_t d = 0; d < m->ncolumns && *h && other < 0; d++) {
			if (d == c || m->field[d] < 0)
				continue;
			char *hd = text_fold_header(m->headers[d]);
			if (!strcmp(hd, h))
				other = (int)d;
			free(hd);
		}
		if (other >= 0)
			f = m->field[other];
		free(h);
		if (other < 0 || f < 0)
			continue;
		char *ec = text_escape(m->headers[c]), *eo = text_escape(m->headers[other]);
		char *name = !strcmp(m->headers[c], m->headers[other]) ?
		    xasprintf("%s (column %zu)", ec, c + 1) :
		    xstrdup(ec);
		*cause = xasprintf(
		    _("The columns \"%s\" (column %d) and \"%s\" (column %zu) have the same header, which matches the field %s; only column %d would feed it and column %zu would be left out unseen. Say which one feeds %s, e.g. --map '%s=%s', or give it another field or leave it out, e.g. --map '%s=-'."),
		    eo, other + 1, ec, c + 1, schema->fields[f].name, other + 1, c + 1,
		    schema->fields[f].name, name, schema->fields[f].name, name);
		free(name);
		free(ec);
		free(eo);
		return -1;
	}
	return 0;
}

int
mapping_apply(struct mapping *m, const struct schema *schema, const char *spec, char **cause)
{
	char *copy = xstrdup(spec);
	unsigned char *chosen = xcalloc(m->ncolumns ? m->ncolumns : 1, 1);
	int rc = 0;
	char *save = NULL;
	for (char *item = strtok_r(copy, ",", &save); item && rc == 0;
	     item = strtok_r(NULL, ",", &save))
		rc = mapping_apply_one(m, schema, item, chosen, cause);
	free(chosen);
	free(copy);
	return rc;
}

/* A mapping file's setting line ("--region DE", "--date-order=dmy") into
 * *settings (when not NULL). Returns 1 for a setting, 0 for another line,
 * -1 with *cause for a setting with a bad value. */
static int
mapping_setting(const char *line, struct mapping_settings *settings, char **cause)
{
	static const char region[] = "--region", order[] = "--date-order";
	const char *value;
	int is_region;
	if (!strncmp(line, region, sizeof region - 1) &&
	    (line[sizeof region - 1] == ' ' || line[sizeof region - 1] == '=' ||
		line[sizeof region - 1] == '\t'))
		value = line + sizeof region - 1, is_region = 1;
	else if (!strncmp(line, order, sizeof order - 1) &&
	    (line[sizeof order - 1] == ' ' || line[sizeof order - 1] == '=' ||
		line[sizeof order - 1] == '\t'))
		value = line + sizeof order - 1, is_region = 0;
	else
		return 0;
	while (*value == ' ' || *value == '\t' || *value == '=')
		value++;
	if (is_region) {
		size_t n = strlen(value);
		int ok = n == 2;
		for (size_t i = 0; ok && i < n; i++)
			ok = (value[i] >= 'A' && value[i] <= 'Z') ||
			    (value[i] >= 'a' && value[i] <= 'z');
		if (!ok) {
			char *esc = text_escape(value);
			*cause = xasprintf(
			    _("--region wants a region's two-letter code, such as DE or US, not \"%s\"."),
			    esc);
			free(esc);
			return -1;
		}
		if (settings != NULL) {
			for (size_t i = 0; i < n; i++)
				settings->region[i] =
				    (char)(value[i] >= 'a' ? value[i] - 'a' + 'A' : value[i]);
			settings->region[n] = '\0';
		}
		return 1;
	}
	int o = schema_date_order_parse(value);
	if (o < 0) {
		char *esc = text_escape(value);
		*cause = xasprintf(_("--date-order must be dmy or mdy, not \"%s\"."), esc);
		free(esc);
		return -1;
	}
	if (settings != NULL)
		snprintf(settings->date_order, sizeof settings->date_order, "%s",
		    schema_date_order_name((enum date_order)o));
	return 1;
}

int
mapping_apply_file(struct mapping *m, const struct schema *schema, const char *path, char **cause)
{
	return mapping_read_file(m, schema, path, NULL, cause);
}

int
mapping_read_file(struct mapping *m, const struct schema *schema, const char *path,
    struct mapping_settings *settings, char **cause)
{
	char *why = NULL;
	FILE *fp = text_file_open(path, MAPPING_FILE_MAX, &why);
	if (fp == NULL) {
		*cause = xasprintf(_("Cannot read the mapping file %s: %s."), path, why);
		free(why);
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;
	unsigned lineno = 0;
	unsigned char *chosen = xcalloc(m->ncolumns ? m->ncolumns : 1, 1);
	while (rc == 0 && getline(&line, &cap, fp) != -1) {
		lineno++;
		text_trim(line);
		if (*line == '\0' || *line == '#')
			continue;
		char *why = NULL;
		rc = mapping_setting(line, settings, &why);
		if (rc == 0)
			rc = mapping_apply_one(m, schema, line, chosen, &why);
		else if (rc > 0)
			rc = 0;
		if (rc != 0) {
			*cause = xasprintf(_("%s, line %u: %s"), path, lineno, why);
			free(why);
		}
	}
	free(chosen);
	free(line);
	fclose(fp);
	return rc;
}

/* The headers of the given columns (all when columns is NULL), quoted and
 * escaped, separated by commas: a new string. */
static char *
mapping_headers_list(const struct mapping *m, const size_t *columns, size_t n)
{
	if (columns == NULL)
		n = m->ncolumns;
	size_t len = 1;
	char **esc = xcalloc(n + 1, sizeof *esc);
	for (size_t i = 0; i < n; i++) {
		esc[i] = text_escape(m->headers[columns ? columns[i] : i]);
		len += strlen(esc[i]) + 4;
	}
	char *out = xmalloc(len);
	*out = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			strcat(out, ", ");
		strcat(out, "\"");
		strcat(out, esc[i]);
		strcat(out, "\"");
		free(esc[i]);
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
	char *headers = mapping_headers_list(m, NULL, 0);
	if (gaps.nrequired > 0) {
		char *missing = schema_join_fields(schema, gaps.required, gaps.nrequired, 0, ", ");
		*cause = xasprintf(
		    _("No column is mapped to the required field(s) %s. The file's headers are: %s. Map them with --map 'Header=field' and try again; nothing was imported."),
		    missing, headers);
		free(missing);
	} else {
		char *keys = schema_join_fields(schema, schema->match_keys, schema->nmatch_keys, 0,
		    _(" or "));
		*cause = xasprintf(
		    _("No column is mapped to a match key (%s), so records could not be found again. The file's headers are: %s. Map one with --map 'Header=field' and try again; nothing was imported."),
		    keys, headers);
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
		json_t *item = json_pack("{s:I, s:o, s:o}", "column", (json_int_t)c, "header",
		    header, "field", f >= 0 ? json_string(schema->fields[f].name) : json_null());
		if (m->source[c] != MAPPING_NONE)
			json_object_set_new(item, "source",
			    json_string(mapping_source_name(m->source[c])));
		json_array_append_new(arr, item);
	}
	char *s = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	char *out = xstrdup(s);
	free(s);
	return out;
}

/* Puts a mapping kept as JSON onto m, column by column. exact: the headers
 * must be the same (a resume); otherwise the caller has matched them by
 * fingerprint and every column gets source (a remembered mapping, whose
 * fields gone from the schema are left out). */
static int
mapping_apply_stored(struct mapping *m, const struct schema *schema, const char *json, int exact,
    enum mapping_source source, char **cause)
{
	json_t *root = json ? json_loads(json, 0, NULL) : NULL;
	/* A remembered mapping saved with its settings holds its columns. */
	json_t *arr = json_is_object(root) ? json_object_get(root, "columns") : root;
	if (!json_is_array(arr) || json_array_size(arr) != m->ncolumns) {
		json_decref(root);
		*cause = xstrdup(_(
		    "The file's columns are not those the import was started with; import the file anew."));
		return -1;
	}
	for (size_t c = 0; c < m->ncolumns; c++)
		mapping_map(m, c, -1, exact ? MAPPING_NONE : source);
	int rc = 0;
	size_t i;
	json_t *item;
	json_array_foreach(arr, i, item)
	{
		const char *header = json_string_value(json_object_get(item, "header"));
		const char *field = json_string_value(json_object_get(item, "field"));
		enum mapping_source s = exact ?
		    mapping_source_parse(json_string_value(json_object_get(item, "source"))) :
		    source;
		if (exact && (header == NULL || strcmp(header, m->headers[i]) != 0)) {
			*cause = xstrdup(_(
			    "The file's columns are not those the import was started with; import the file anew."));
			rc = -1;
			break;
		}
		if (field == NULL) {
			m->source[i] = s;
			continue;
		}
		int f = schema_field_index(schema, field);
		if (f < 0 && exact) {
			*cause = xasprintf(
			    _("The import mapped a column to the field %s, which the schema no longer has; import the file anew."),
			    field);
			rc = -1;
			break;
		}
		if (mapping_holder(m, f, i) >= 0) {
			*cause = mapping_conflict(m, schema, (size_t)mapping_holder(m, f, i), i, f);
			rc = -1;
			break;
		}
		mapping_map(m, i, f, s);
	}
	json_decref(root);
	return rc;
}

int
mapping_apply_json(struct mapping *m, const struct schema *schema, const char *json, char **cause)
{
	return mapping_apply_stored(m, schema, json, 1, MAPPING_NONE, cause);
}

struct mapping *
mapping_propose(const struct schema *schema, const char *const *headers, size_t nheaders,
    const char *remembered, int *remembered_applied)
{
	struct mapping *m = mapping_suggest(schema, headers, nheaders);
	mapping_suggest_likely(m, schema);
	*remembered_applied = 0;
	if (remembered == NULL)
		return m;
	/* A remembered mapping that does not fit leaves the suggestion. */
	struct mapping *r = mapping_suggest(schema, headers, nheaders);
	char *cause = NULL;
	if (mapping_apply_stored(r, schema, remembered, 0, MAPPING_REMEMBERED, &cause) == 0) {
		mapping_free(m);
		m = r;
		*remembered_applied = 1;
	} else
		mapping_free(r);
	free(cause);
	return m;
}

int
mapping_strict(const struct mapping *m, char **cause)
{
	size_t *out = xcalloc(m->ncolumns + 1, sizeof *out), nout = 0;
	size_t *likely = xcalloc(m->ncolumns + 1, sizeof *likely), nlikely = 0;
	for (size_t c = 0; c < m->ncolumns; c++)
		if (m->source[c] == MAPPING_NONE)
			out[nout++] = c;
		else if (m->source[c] == MAPPING_LIKELY)
			likely[nlikely++] = c;
	if (nout > 0 || nlikely > 0) {
		char *o = mapping_headers_list(m, out, nout);
		char *l = mapping_headers_list(m, likely, nlikely);
		if (nout > 0 && nlikely > 0)
			*cause = xasprintf(
			    _("--strict-mapping: no rule maps the column(s) %s, and %s are only likely matches. Map each with --map 'Header=field' or leave it out with --map 'Header=-'; nothing was imported."),
			    o, l);
		else if (nout > 0)
			*cause = xasprintf(
			    _("--strict-mapping: no rule maps the column(s) %s. Map each with --map 'Header=field' or leave it out with --map 'Header=-'; nothing was imported."),
			    o);
		else
			*cause = xasprintf(
			    _("--strict-mapping: the column(s) %s are only likely matches. Confirm each with --map 'Header=field' or leave it out with --map 'Header=-'; nothing was imported."),
			    l);
		free(o);
		free(l);
	}
	free(out);
	free(likely);
	return nout > 0 || nlikely > 0 ? -1 : 0;
}

int
mapping_namesake(const struct mapping *m, const struct schema *schema, int f)
{
	const struct field *fd = &schema->fields[f];
	int found = -1;

	for (size_t c = 0; c < m->ncolumns && found < 0; c++) {
		if (m->field[c] == f)
			continue;
		char *h = text_fold_header(m->headers[c]);
		for (size_t i = 0; i <= fd->nsynonyms && found < 0; i++) {
			char *syn = text_fold_header(i == 0 ? fd->name : fd->synonyms[i - 1]);
			if (*h != '\0' && !strcmp(h, syn))
				found = (int)c;
			free(syn);
		}
		free(h);
	}
	return found;
}

size_t
mapping_unmapped(const struct mapping *m, size_t **columns)
{
	size_t n = 0;
	*columns = NULL;
	for (size_t c = 0; c < m->ncolumns; c++)
		if (m->field[c] < 0) {
			*columns = xreallocarray(*columns, n + 1, sizeof **columns);
			(*columns)[n++] = c;
		}
	return n;
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

char *
mapping_remember_json(const struct mapping *m, const struct schema *schema,
    const struct mapping_settings *settings)
{
	char *columns = mapping_to_json(m, schema);
	if (settings == NULL || (!*settings->region && !*settings->date_order))
		return columns;
	json_t *o = json_object();
	json_object_set_new(o, "columns", json_loads(columns, 0, NULL));
	if (*settings->region)
		json_object_set_new(o, "region", json_string(settings->region));
	if (*settings->date_order)
		json_object_set_new(o, "date_order", json_string(settings->date_order));
	free(columns);
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	char *out = xstrdup(s);
	free(s);
	return out;
}

void
mapping_remembered_settings(const char *remembered, struct mapping_settings *settings)
{
	memset(settings, 0, sizeof *settings);
	json_t *o = remembered ? json_loads(remembered, 0, NULL) : NULL;
	const char *region = json_string_value(json_object_get(o, "region"));
	const char *order = json_string_value(json_object_get(o, "date_order"));
	char *cause = NULL;
	struct mapping_settings read = { { 0 }, { 0 } };
	/* Checked as a mapping file's lines are: a journal is not trusted. */
	if (region != NULL) {
		char *line = xasprintf("--region %s", region);
		if (mapping_setting(line, &read, &cause) > 0)
			memcpy(settings->region, read.region, sizeof read.region);
		free(line);
		free(cause);
		cause = NULL;
	}
	if (order != NULL) {
		char *line = xasprintf("--date-order %s", order);
		if (mapping_setting(line, &read, &cause) > 0)
			memcpy(settings->date_order, read.date_order, sizeof read.date_order);
		free(line);
		free(cause);
	}
	json_decref(o);
}

char *
mapping_file_text(const char *mapping_json, const char *schema,
    const struct mapping_settings *settings)
{
	json_t *root = mapping_json ? json_loads(mapping_json, 0, NULL) : NULL;
	json_t *arr = json_is_object(root) ? json_object_get(root, "columns") : root;
	size_t n = json_array_size(arr), len = 0, cap = 256;
	char *out = xmalloc(cap);
	*out = '\0';
	for (size_t c = 0; c <= n + 2; c++) {
		char *line = NULL;
		if (c == 0) {
			line = xasprintf(
			    _("# sluice --map-file for schema %s: Header=field, one a line (- leaves a column out)\n"),
			    schema);
		} else if (c <= n) {
			json_t *item = json_array_get(arr, c - 1);
			const char *h = json_string_value(json_object_get(item, "header"));
			const char *f = json_string_value(json_object_get(item, "field"));
			/* Columns sharing a header are named by their number,
			 * as mapping_apply reads them. */
			int twice = 0;
			for (size_t d = 0; h != NULL && d < n && !twice; d++) {
				const char *o = json_string_value(
				    json_object_get(json_array_get(arr, d), "header"));
				twice = d != c - 1 && o != NULL && !strcmp(o, h);
			}
			if (h != NULL && twice)
				line = xasprintf("%s (column %zu)=%s\n", h, c, f ? f : "-");
			else if (h != NULL)
				line = xasprintf("%s=%s\n", h, f ? f : "-");
		} else if (c == n + 1 && settings && *settings->region)
			line = xasprintf("--region %s\n", settings->region);
		else if (c == n + 2 && settings && *settings->date_order)
			line = xasprintf("--date-order %s\n", settings->date_order);
		if (line == NULL)
			continue;
		size_t k = strlen(line);
		if (len + k + 1 > cap) {
			cap = (len + k + 1) * 2;
			out = xrealloc(out, cap);
		}
		memcpy(out + len, line, k + 1);
		len += k;
		free(line);
	}
	json_decref(root);
	return out;
}
