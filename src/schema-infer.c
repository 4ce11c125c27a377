/* A schema inferred from a table's rows when no schema file names it: one
 * field per column (integer, number, boolean, ISO date, ISO date-time or
 * text), written as a schema file that schema_load() reads. */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "schema-infer.h"
#include "text.h"
#include "xmalloc.h"

/* What the values of a column have been so far, from narrow to wide. */
enum infer_kind {
	INFER_EMPTY,
	INFER_INTEGER,
	INFER_NUMBER,
	INFER_BOOLEAN,
	INFER_DATE,
	INFER_DATETIME,
	INFER_TEXT,
};

static bool
infer_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* YYYY-MM-DD at s. */
static bool
infer_is_date(const char *s, size_t len)
{
	if (len < 10 || !infer_digits(s, 4) || s[4] != '-' || !infer_digits(s + 5, 2) ||
	    s[7] != '-' || !infer_digits(s + 8, 2))
		return false;
	int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
	return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/* YYYY-MM-DD[T ]HH:MM[:SS[.fff]][Z|±HH:MM] */
static bool
infer_is_datetime(const char *s, size_t len)
{
	if (len < 16 || !infer_is_date(s, 10) || (s[10] != 'T' && s[10] != ' ') ||
	    !infer_digits(s + 11, 2) || s[13] != ':' || !infer_digits(s + 14, 2))
		return false;
	for (size_t i = 16; i < len; i++)
		if (!strchr("0123456789:.+-Z", s[i]))
			return false;
	return true;
}

static enum infer_kind
infer_value(const char *s, size_t len)
{
	if (len == 0)
		return INFER_EMPTY;
	if (!strcmp(s, "true") || !strcmp(s, "false"))
		return INFER_BOOLEAN;
	size_t i = s[0] == '-' ? 1 : 0;
	if (i < len && infer_digits(s + i, len - i) && len - i <= 18 && (s[i] != '0' || len - i == 1))
		return INFER_INTEGER;
	char *end;
	(void)strtod(s, &end);
	if (end == s + len && strspn(s, "0123456789+-.eE") == len)
		return INFER_NUMBER;
	if (len == 10 && infer_is_date(s, len))
		return INFER_DATE;
	if (infer_is_datetime(s, len))
		return INFER_DATETIME;
	return INFER_TEXT;
}

static enum infer_kind
infer_join(enum infer_kind a, enum infer_kind b)
{
	if (a == INFER_EMPTY || a == b)
		return b;
	if (b == INFER_EMPTY)
		return a;
	if ((a == INFER_INTEGER && b == INFER_NUMBER) || (a == INFER_NUMBER && b == INFER_INTEGER))
		return INFER_NUMBER;
	if ((a == INFER_DATE && b == INFER_DATETIME) || (a == INFER_DATETIME && b == INFER_DATE))
		return INFER_DATETIME;
	return INFER_TEXT;
}

/* A column name as a field name: letters, digits and _ kept, anything
 * else _, a leading digit prefixed; the names sluice keeps for itself (id,
 * imported_from, sluice_…) and names already taken get a suffix. */
static char *
infer_field_name(const char *column, char **taken, size_t ntaken)
{
	size_t n = strlen(column);
	char *base = xmalloc(n + 2), *p = base;
	if (n == 0 || isdigit((unsigned char)column[0]))
		*p++ = '_';
	for (size_t i = 0; i < n && p - base < 60; i++)
		*p++ = isalnum((unsigned char)column[i]) ? column[i] : '_';
	*p = '\0';
	if (!strcasecmp(base, "id")) {
		free(base);
		base = xstrdup("source_id");
	} else if (!strcasecmp(base, "imported_from") || !strncasecmp(base, "sluice_", 7)) {
		char *b = xasprintf("x_%s", base);
		free(base);
		base = b;
	}
	char *name = xstrdup(base);
	for (unsigned k = 2;; k++) {
		size_t i;
		for (i = 0; i < ntaken; i++)
			if (!strcasecmp(taken[i], name))
				break;
		if (i == ntaken)
			break;
		free(name);
		name = xasprintf("%s_%u", base, k);
	}
	free(base);
	return name;
}

static void infer_append(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
infer_append(char **out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *part = xvasprintf(fmt, ap);
	va_end(ap);
	char *joined = xasprintf("%s%s", *out, part);
	free(part);
	free(*out);
	*out = joined;
}

/* A synonym as a schema file can hold it: one line, no comma. */
static bool
infer_synonym_ok(const char *s)
{
	return *s != '\0' && strpbrk(s, ",\n\r;#[]=") == NULL && s[0] != ' ';
}

char *
schema_infer(struct source *src, const char *table, const char *key, char **cause)
{
	size_t n;
	const char *const *head = source_header(src, &n);
	enum infer_kind *kinds = xcalloc(n ? n : 1, sizeof *kinds);
	struct row *row;
	int rc;
	ssize_t k = -1;

	for (size_t c = 0; c < n; c++)
		if (!strcmp(head[c], key ? key : "id"))
			k = (ssize_t)c;
	if (k < 0) {
		char *et = text_escape(table), *ek = text_escape(key ? key : "id");
		*cause = xasprintf(
		    _("The table %s has no column %s to match its records by; name one with --key %s=COLUMN."),
		    et, ek, et);
		free(et);
		free(ek);
		free(kinds);
		return NULL;
	}
	while ((rc = source_next(src, &row, cause)) == 1)
		for (size_t c = 0; c < n && c < row->ncells; c++)
			kinds[c] = infer_join(kinds[c], infer_value(row->cells[c], row->lens[c]));
	if (rc == -1) {
		free(kinds);
		return NULL;
	}

	char **names = xcalloc(n ? n : 1, sizeof *names);
	char *out = xasprintf("# Inferred by sluice from the records of the table %s.\n\n"
			      "[schema]\nname = %s\ntable = %s\n",
	    table, table, table);
	for (size_t c = 0; c < n; c++)
		names[c] = infer_field_name(head[c], names, c);
	infer_append(&out, "match_keys = %s\n", names[k]);
	for (size_t c = 0; c < n; c++) {
		static const char *const types[] = {
			[INFER_EMPTY] = "type = text\n",
			[INFER_INTEGER] = "type = number\ninteger = yes\n",
			[INFER_NUMBER] = "type = number\n",
			[INFER_BOOLEAN] = "type = enum\nvalues = true, false\n",
			[INFER_DATE] = "type = date\n",
			[INFER_DATETIME] = "type = text\n",
			[INFER_TEXT] = "type = text\n",
		};
		infer_append(&out, "\n[field %s]\n%s", names[c], types[kinds[c]]);
		if ((ssize_t)c == k)
			infer_append(&out, "required = yes\n");
		if (strcmp(names[c], head[c]) != 0 && infer_synonym_ok(head[c]))
			infer_append(&out, "synonyms = %s\n", head[c]);
	}
	for (size_t c = 0; c < n; c++)
		free(names[c]);
	free(names);
	free(kinds);
	return out;
}
