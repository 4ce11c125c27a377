/* The vCard source: contact cards (.vcf: versions 2.1, 3.0 and 4.0, as
 * phones, iCloud, Outlook and Google export them) read one card at a time
 * in constant memory, each card a row of fixed columns named as contact
 * exports name them, so that a schema's synonyms map them. Text in other
 * encodings than UTF-8 comes converted from source-encoding.c; source.c
 * chooses this source when a file starts with BEGIN:VCARD. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "i18n.h"
#include "source.h"
#include "source-encoding.h"
#include "text.h"
#include "xmalloc.h"

#define VCARD_CHUNK_SIZE (64 * 1024) /* read size */
#define VCARD_LINE_MAX (1024 * 1024) /* longest property kept */
#define VCARD_CELL_MAX (1024 * 1024) /* most text kept in one cell */
#define VCARD_PREF_NONE 101	     /* the rank of a value without PREF */
#define VCARD_BASE64 "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="

/* The columns of every card, in the header's order. The names are those
 * of contact exports (not translated: schemas' synonyms match them). */
enum vcard_column {
	VCARD_FIRST,
	VCARD_MIDDLE,
	VCARD_LAST,
	VCARD_FULL,
	VCARD_COMPANY,
	VCARD_DEPARTMENT,
	VCARD_TITLE,
	VCARD_EMAIL,
	VCARD_OTHER_EMAILS,
	VCARD_PHONE,
	VCARD_OTHER_PHONES,
	VCARD_BIRTHDAY,
	VCARD_COUNTRY,
	VCARD_TAGS,
	VCARD_NOTES,
	VCARD_NCOLUMNS
};

static const char *const vcard_header[VCARD_NCOLUMNS] = {
	"First Name",
	"Middle Name",
	"Last Name",
	"Full Name",
	"Company",
	"Department",
	"Job Title",
	"Email",
	"Other Emails",
	"Phone",
	"Other Phones",
	"Birthday",
	"Country",
	"Tags",
	"Notes",
};

/* A growing string, at most VCARD_CELL_MAX bytes kept. */
struct vcard_text {
	char *p;
	size_t len;
	size_t size;
	bool full; /* something did not fit */
};

/* One value among several (emails, phones, addresses' countries), with its
 * preference: 1 is the most preferred, VCARD_PREF_NONE none said. */
struct vcard_choice {
	char *value;
	int rank;
};

struct vcard_choices {
	struct vcard_choice *v;
	size_t n;
	size_t size;
	size_t bytes; /* the values' length, kept under VCARD_CELL_MAX */
};

/* The card being read. */
struct vcard_card {
	uint64_t line; /* of BEGIN:VCARD */
	int version;   /* 21, 30 or 40; 30 until VERSION says */
	struct vcard_text first, middle, last, full, company, department, title, birthday;
	struct vcard_text tags, notes;
	struct vcard_choices emails, phones, countries;
	char *error;	  /* the first thing wrong with it, or NULL */
	bool after_agent; /* the last property was an AGENT without a value */
	bool in_base64;	  /* the last property was a 2.1 picture in base64 */
	bool overfull;	  /* more emails, phones or addresses than kept */
	int nested;	  /* depth inside an AGENT's embedded card */
};

struct vcard_source {
	struct encoding_reader *reader; /* the file's text as UTF-8 */
	int fd;
	char *name; /* the path, escaped for messages */
	char *description;

	unsigned char *buf; /* VCARD_CHUNK_SIZE bytes of text */
	size_t len;	    /* bytes in buf */
	size_t pos;	    /* next byte of buf */
	uint64_t consumed;  /* text bytes before buf[0] */
	bool eof;
	int read_errno;

	uint64_t line; /* physical line of the next byte (1-based) */
	/* The logical line read (folded lines joined), NUL-terminated. */
	char *text;
	size_t text_len;
	size_t text_size;
	bool text_long;	    /* longer than VCARD_LINE_MAX: the rest dropped */
	uint64_t text_line; /* where it starts */
	bool pending;	    /* text holds a line read but not yet used */

	struct vcard_card card;
	uint64_t cards; /* rows returned */
	bool done;

	struct row row;
	struct vcard_text out; /* the row's cells, each NUL-terminated */
	char *cells[VCARD_NCOLUMNS];
	size_t lens[VCARD_NCOLUMNS];
	char *failure; /* why the rest cannot be read, once it cannot */
};

/* --- Reading the text ------------------------------------------------- */

/* The next byte of text without taking it, or -1 at the end (or on a read
 * error, kept in read_errno). */
static int
vcard_peek(struct vcard_source *s)
{
	if (s->pos == s->len) {
		ssize_t n;

		if (s->eof)
			return -1;
		s->consumed += s->len;
		s->len = s->pos = 0;
		do
			n = encoding_reader_read(s->reader, s->buf, VCARD_CHUNK_SIZE);
		while (n == -1 && errno == EINTR);
		if (n <= 0) {
			if (n == -1)
				s->read_errno = errno;
			s->eof = true;
			return -1;
		}
		s->len = (size_t)n;
	}
	return s->buf[s->pos];
}

static void
vcard_text_append(struct vcard_source *s, const char *p, size_t n)
{
	if (s->text_len + n > VCARD_LINE_MAX) {
		s->text_long = true;
		n = VCARD_LINE_MAX - s->text_len;
	}
	if (s->text_len + n + 1 > s->text_size) {
		s->text_size = (s->text_len + n + 1) * 2;
		if (s->text_size > VCARD_LINE_MAX + 1)
			s->text_size = VCARD_LINE_MAX + 1;
		s->text = xrealloc(s->text, s->text_size);
	}
	memcpy(s->text + s->text_len, p, n);
	s->text_len += n;
	s->text[s->text_len] = '\0';
}

/* Appends one physical line (without its end) to text; 0 when the text
 * ended before any byte of it. */
static int
vcard_physical_line(struct vcard_source *s)
{
	int c = vcard_peek(s);

	if (c == -1)
		return 0;
	for (;;) {
		size_t start = s->pos, i;

		for (i = s->pos; i < s->len && s->buf[i] != '\n' && s->buf[i] != '\r'; i++)
			;
		vcard_text_append(s, (const char *)s->buf + start, i - start);
		s->pos = i;
		if (i < s->len)
			break;
		if (vcard_peek(s) == -1)
			return 1;
	}
	/* The line's end: LF, CR LF or CR. */
	if (s->buf[s->pos++] == '\r' && vcard_peek(s) == '\n')
		s->pos++;
	s->line++;
	return 1;
}

/* Whether the logical line read so far is a 2.1 quoted-printable property
 * whose value goes on after a soft line break (a final '='). */
static bool
vcard_soft_break(const struct vcard_source *s)
{
	const char *colon;

	if (s->text_len == 0 || s->text[s->text_len - 1] != '=')
		return false;
	colon = strchr(s->text, ':');
	if (colon == NULL)
		return false;
	for (const char *p = s->text; p + 16 <= colon; p++) {
		if (strncasecmp(p, "QUOTED-PRINTABLE", 16) == 0)
			return true;
	}
	return false;
}

/* Reads the next logical line: physical lines joined where the next one
 * starts with a space or a tab (folding), or where a quoted-printable value
 * ends with '='. Blank lines are skipped. 0 at the end of the text. */
static int
vcard_logical_line(struct vcard_source *s)
{
	for (;;) {
		s->text_len = 0;
		s->text_long = false;
		if (s->text != NULL)
			s->text[0] = '\0';
		s->text_line = s->line;
		if (!vcard_physical_line(s))
			return 0;
		for (;;) {
			int c = vcard_peek(s);

			if (c == ' ' || c == '\t') {
				s->pos++;
				vcard_physical_line(s);
			} else if (c != -1 && vcard_soft_break(s)) {
				s->text[--s->text_len] = '\0';
				vcard_physical_line(s);
			} else
				break;
		}
		if (s->text_len > 0 && s->text[strspn(s->text, " \t")] != '\0')
			return 1;
	}
}

/* --- Cells -------------------------------------------------------------- */

static void
vcard_put(struct vcard_text *t, const char *p, size_t n)
{
	if (t->len + n > VCARD_CELL_MAX) {
		t->full = true;
		return;
	}
	if (t->len + n + 1 > t->size) {
		t->size = (t->len + n + 1) * 2;
		t->p = xrealloc(t->p, t->size);
	}
	memcpy(t->p + t->len, p, n);
	t->len += n;
	t->p[t->len] = '\0';
}

/* Sets t to value unless it already holds one (the first one wins). */
static void
vcard_set(struct vcard_text *t, const char *value)
{
	if (t->len == 0)
		vcard_put(t, value, strlen(value));
}

/* Adds value to t, after sep when t holds something already. */
static void
vcard_add(struct vcard_text *t, const char *sep, const char *value)
{
	if (*value == '\0')
		return;
	if (t->len > 0)
		vcard_put(t, sep, strlen(sep));
	vcard_put(t, value, strlen(value));
}

static void
vcard_choose(struct vcard_choices *c, char *value, int rank, bool *full)
{
	if (*value == '\0') {
		free(value);
		return;
	}
	if (c->bytes + strlen(value) > VCARD_CELL_MAX) {
		*full = true;
		free(value);
		return;
	}
	if (c->n == c->size) {
		c->size = c->size ? c->size * 2 : 4;
		c->v = xreallocarray(c->v, c->size, sizeof *c->v);
	}
	c->bytes += strlen(value);
	c->v[c->n++] = (struct vcard_choice){ value, rank };
}

/* The most preferred value (the first of the lowest rank) into best, the
 * others, in the card's order, into rest. */
static void
vcard_chosen(const struct vcard_choices *c, struct vcard_text *best, struct vcard_text *rest)
{
	size_t i, top = 0;

	if (c->n == 0)
		return;
	for (i = 1; i < c->n; i++) {
		if (c->v[i].rank < c->v[top].rank)
			top = i;
	}
	vcard_add(best, "", c->v[top].value);
	for (i = 0; i < c->n && rest != NULL; i++) {
		if (i != top)
			vcard_add(rest, "; ", c->v[i].value);
	}
}

static void
vcard_text_clear(struct vcard_text *t)
{
	t->len = 0;
	t->full = false;
	if (t->p != NULL)
		t->p[0] = '\0';
}

static void
vcard_choices_clear(struct vcard_choices *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].value);
	c->n = 0;
	c->bytes = 0;
}

static void
vcard_card_clear(struct vcard_card *k)
{
	struct vcard_text *texts[] = { &k->first, &k->middle, &k->last, &k->full, &k->company,
		&k->department, &k->title, &k->birthday, &k->tags, &k->notes };

	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
		vcard_text_clear(texts[i]);
	vcard_choices_clear(&k->emails);
	vcard_choices_clear(&k->phones);
	vcard_choices_clear(&k->countries);
	free(k->error);
	k->error = NULL;
	k->version = 30;
	k->after_agent = false;
	k->in_base64 = false;
	k->overfull = false;
	k->nested = 0;
}

static void
vcard_card_free(struct vcard_card *k)
{
	struct vcard_text *texts[] = { &k->first, &k->middle, &k->last, &k->full, &k->company,
		&k->department, &k->title, &k->birthday, &k->tags, &k->notes };

	vcard_card_clear(k);
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
		free(texts[i]->p);
	free(k->emails.v);
	free(k->phones.v);
	free(k->countries.v);
}

/* Keeps the first thing wrong with the card. */
static void
vcard_card_error(struct vcard_source *s, char *message)
{
	if (s->card.error == NULL)
		s->card.error = message;
	else
		free(message);
}

/* --- Values ------------------------------------------------------------- */

/* What the parameters of a property say, as far as sluice cares. */
struct vcard_params {
	int rank;	  /* 1..100 by PREF, VCARD_PREF_NONE when not said */
	bool qp;	  /* ENCODING=QUOTED-PRINTABLE */
	bool base64;	  /* ENCODING=BASE64 or b */
	char charset[64]; /* CHARSET, or empty */
};

/* Reads the parameter p[0..n): KEY=VALUE, or a bare 2.1 type (PREF, CELL,
 * QUOTED-PRINTABLE, BASE64). */
static void
vcard_param(const char *p, size_t n, struct vcard_params *pa)
{
	const char *eq = memchr(p, '=', n);
	const char *v = eq != NULL ? eq + 1 : p;
	size_t klen = eq != NULL ? (size_t)(eq - p) : 0, vlen = n - (size_t)(v - p);

	if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
		v++;
		vlen -= 2;
	}
	if (klen == 4 && strncasecmp(p, "PREF", 4) == 0) {
		int r = atoi(v);
		pa->rank = r >= 1 && r <= 100 ? r : 1;
	} else if ((klen == 8 && strncasecmp(p, "ENCODING", 8) == 0) || klen == 0) {
		if (vlen == 16 && strncasecmp(v, "QUOTED-PRINTABLE", 16) == 0)
			pa->qp = true;
		else if ((vlen == 6 && strncasecmp(v, "BASE64", 6) == 0) ||
		    (klen != 0 && vlen == 1 && (*v == 'b' || *v == 'B')))
			pa->base64 = true;
		else if (klen == 0 && vlen == 4 && strncasecmp(v, "PREF", 4) == 0)
			pa->rank = 1;
	} else if (klen == 7 && strncasecmp(p, "CHARSET", 7) == 0) {
		if (vlen < sizeof pa->charset) {
			memcpy(pa->charset, v, vlen);
			pa->charset[vlen] = '\0';
		}
	} else if (klen == 4 && strncasecmp(p, "TYPE", 4) == 0) {
		/* TYPE=pref, or a list holding pref: TYPE=work,pref */
		for (size_t i = 0; i + 4 <= vlen; i++) {
			if (strncasecmp(v + i, "pref", 4) == 0 && (i == 0 || v[i - 1] == ',') &&
			    (i + 4 == vlen || v[i + 4] == ','))
				pa->rank = 1;
		}
	}
}

static int
vcard_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decodes quoted-printable in place; an '=' not followed by two hex digits
 * stays as it is. */
static void
vcard_unqp(char *v)
{
	char *out = v;

	for (const char *p = v; *p != '\0'; p++) {
		int hi, lo;

		if (*p == '=' && (hi = vcard_hex(p[1])) >= 0 && (lo = vcard_hex(p[2])) >= 0) {
			*out++ = (char)(hi << 4 | lo);
			p += 2;
		} else
			*out++ = *p;
	}
	*out = '\0';
}

/* The n-th component (0-based) of a structured value separated by sep, with
 * backslash escapes undone, as a new string ("" when there are fewer). A
 * backslash escapes the separator, so "a\;b" is one component. */
static char *
vcard_component(const char *v, char sep, size_t n)
{
	size_t k = 0;
	const char *p = v;

	while (k < n && *p != '\0') {
		if (*p == '\\' && p[1] != '\0')
			p += 2;
		else if (*p++ == sep)
			k++;
	}
	if (k < n)
		return xstrdup("");

	char *out = xmalloc(strlen(p) + 1), *o = out;

	for (; *p != '\0' && *p != sep; p++) {
		if (*p == '\r' && p[1] == '\n')
			continue; /* line ends as the other values have them */
		if (*p == '\\' && p[1] != '\0') {
			p++;
			*o++ = *p == 'n' || *p == 'N' ? '\n' : *p;
		} else
			*o++ = *p;
	}
	*o = '\0';
	return text_trim(out);
}

/* How many components a structured value separated by sep has. */
static size_t
vcard_components(const char *v, char sep)
{
	size_t n = 1;

	for (const char *p = v; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		else if (*p == sep)
			n++;
	}
	return n;
}

/* The whole value with escapes undone (no component split). */
static char *
vcard_unescape(const char *v)
{
	return vcard_component(v, '\0', 0);
}

/* A telephone value as people write it: "tel:" URIs lose their scheme,
 * and their ";ext=" becomes " ext. ". */
static char *
vcard_phone(char *v)
{
	if (strncasecmp(v, "tel:", 4) == 0) {
		char *ext = strstr(v + 4, ";ext=");
		char *out;

		if (ext != NULL) {
			*ext = '\0';
			out = xasprintf("%s ext. %s", v + 4, ext + 5);
		} else
			out = xstrdup(v + 4);
		free(v);
		return out;
	}
	return v;
}

/* A birthday in vCard's basic forms (19960415, --0415, 1996-04-15T...)
 * in the extended ones the date fields read (1996-04-15, --04-15). */
static char *
vcard_date(char *v)
{
	size_t n = strspn(v, "0123456789");

	if (n == 8 && (v[8] == '\0' || v[8] == 'T')) {
		char *out = xasprintf("%.4s-%.2s-%.2s", v, v + 4, v + 6);
		free(v);
		return out;
	}
	if (v[0] == '-' && v[1] == '-' && strspn(v + 2, "0123456789") == 4 && v[6] == '\0') {
		char *out = xasprintf("--%.2s-%.2s", v + 2, v + 4);
		free(v);
		return out;
	}
	if (n == 4 && v[4] == '-' && strlen(v) > 10 && v[10] == 'T')
		v[10] = '\0';
	return v;
}

/* Splits the property in text into its name (group dropped), its
 * parameters and its value; false when it is not NAME[;PARAMS]:VALUE. */
static bool
vcard_split(char *text, char **name, struct vcard_params *pa, char **value)
{
	char *p = text, *colon = NULL, *dot;
	bool quoted = false;

	for (; *p != '\0'; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (*p == ':' && !quoted) {
			colon = p;
			break;
		}
	}
	if (colon == NULL)
		return false;
	*colon = '\0';
	*value = colon + 1;
	*name = text;
	*pa = (struct vcard_params){ .rank = VCARD_PREF_NONE };
	p = text + strcspn(text, ";");
	if (*p == ';') {
		*p++ = '\0';
		while (*p != '\0') {
			size_t n = 0;

			quoted = false;
			while (p[n] != '\0' && (quoted || p[n] != ';')) {
				if (p[n] == '"')
					quoted = !quoted;
				n++;
			}
			vcard_param(p, n, pa);
			p += n + (p[n] == ';');
		}
	}
	if ((dot = strrchr(*name, '.')) != NULL)
		*name = dot + 1;
	*name = text_trim(*name);
	return **name != '\0' && strcspn(*name, " \t") == strlen(*name);
}

/* Whether name is a property whose value sluice never keeps (pictures,
 * sounds, keys), so that a long one is not an error. */
static bool
vcard_skipped(const char *name)
{
	static const char *const skipped[] = { "PHOTO", "LOGO", "SOUND", "KEY" };

	for (size_t i = 0; i < sizeof skipped / sizeof *skipped; i++) {
		if (strcasecmp(name, skipped[i]) == 0)
			return true;
	}
	return false;
}

/* Takes the property in s->text into the card. */
static void
vcard_property(struct vcard_source *s)
{
	struct vcard_card *k = &s->card;
	unsigned long long line = s->text_line, card = s->cards + 1;
	struct vcard_params pa;
	char *name, *value, *raw = NULL;
	bool agent = false;

	if (strlen(s->text) != s->text_len) {
		vcard_card_error(s,
		    xasprintf(
			_("Card %llu (line %llu): line %llu holds a NUL byte; the file may be damaged."),
			card, (unsigned long long)k->line, line));
		return;
	}
	if (k->in_base64 && strspn(s->text, VCARD_BASE64 " \t") == s->text_len)
		return;
	if (!vcard_split(s->text, &name, &pa, &value)) {
		vcard_card_error(s,
		    xasprintf(
			_("Card %llu (line %llu): line %llu is not a property of the form NAME:value."),
			card, (unsigned long long)k->line, line));
		return;
	}
	k->in_base64 = false;
	if (vcard_skipped(name)) {
		/* A 2.1 picture's base64 may go on over lines not folded, up
		 * to a blank line: those lines are let pass (see above). */
		k->in_base64 = pa.base64 && k->version == 21;
		return;
	}
	if (s->text_long) {
		vcard_card_error(s,
		    xasprintf(
			_("Card %llu (line %llu): the property %s at line %llu is longer than 1 MiB; shorten it and import the file again."),
			card, (unsigned long long)k->line, name, line));
		return;
	}
	if (pa.qp)
		vcard_unqp(value);
	if (pa.charset[0] != '\0' && strcasecmp(pa.charset, "UTF-8") != 0 &&
	    strcasecmp(pa.charset, "UTF8") != 0) {
		raw = encoding_to_utf8(value, pa.charset);
		if (raw == NULL) {
			vcard_card_error(s,
			    xasprintf(
				_("Card %llu (line %llu): the value of %s at line %llu cannot be read as %s; correct its CHARSET and import the file again."),
				card, (unsigned long long)k->line, name, line, pa.charset));
			return;
		}
		value = raw;
	}
	if (text_utf8_invalid_at(value, strlen(value)) != (size_t)-1) {
		vcard_card_error(s,
		    xasprintf(
			_("Card %llu (line %llu): the value of %s at line %llu is not valid UTF-8; convert the file to UTF-8 (or give the property a CHARSET) and import it again."),
			card, (unsigned long long)k->line, name, line));
		free(raw);
		return;
	}

	if (strcasecmp(name, "VERSION") == 0) {
		if (strcmp(value, "2.1") == 0)
			k->version = 21;
		else if (strcmp(value, "4.0") == 0)
			k->version = 40;
		else
			k->version = 30;
	} else if (strcasecmp(name, "N") == 0) {
		char *family = vcard_component(value, ';', 0),
		     *given = vcard_component(value, ';', 1), *more = vcard_component(value, ';', 2);

		/* 4.0 lists several given names with commas. */
		for (char *p = given; *p != '\0'; p++)
			*p = *p == ',' ? ' ' : *p;
		for (char *p = more; *p != '\0'; p++)
			*p = *p == ',' ? ' ' : *p;
		vcard_set(&k->last, family);
		vcard_set(&k->first, given);
		vcard_set(&k->middle, more);
		free(family);
		free(given);
		free(more);
	} else if (strcasecmp(name, "FN") == 0) {
		char *v = vcard_unescape(value);
		vcard_set(&k->full, v);
		free(v);
	} else if (strcasecmp(name, "ORG") == 0) {
		char *org = vcard_component(value, ';', 0);

		vcard_set(&k->company, org);
		free(org);
		if (k->department.len == 0) {
			size_t n = vcard_components(value, ';');

			for (size_t i = 1; i < n; i++) {
				char *unit = vcard_component(value, ';', i);
				vcard_add(&k->department, ", ", unit);
				free(unit);
			}
		}
	} else if (strcasecmp(name, "TITLE") == 0) {
		char *v = vcard_unescape(value);
		vcard_set(&k->title, v);
		free(v);
	} else if (strcasecmp(name, "EMAIL") == 0) {
		char *v = vcard_unescape(value);
		size_t n = strlen(v);

		if (n >= 7 && strncasecmp(v, "mailto:", 7) == 0)
			memmove(v, v + 7, n - 7 + 1);
		vcard_choose(&k->emails, v, pa.rank, &k->overfull);
	} else if (strcasecmp(name, "TEL") == 0) {
		vcard_choose(&k->phones, vcard_phone(vcard_unescape(value)), pa.rank, &k->overfull);
	} else if (strcasecmp(name, "BDAY") == 0) {
		char *v = vcard_date(vcard_unescape(value));
		vcard_set(&k->birthday, v);
		free(v);
	} else if (strcasecmp(name, "ADR") == 0) {
		vcard_choose(&k->countries, vcard_component(value, ';', 6), pa.rank, &k->overfull);
	} else if (strcasecmp(name, "CATEGORIES") == 0) {
		size_t n = vcard_components(value, ',');

		for (size_t i = 0; i < n; i++) {
			char *tag = vcard_component(value, ',', i);
			vcard_add(&k->tags, "; ", tag);
			free(tag);
		}
	} else if (strcasecmp(name, "NOTE") == 0) {
		char *v = vcard_unescape(value);
		vcard_add(&k->notes, "\n", v);
		free(v);
	} else if (strcasecmp(name, "AGENT") == 0)
		agent = *value == '\0';
	k->after_agent = agent;
	free(raw);
}

/* --- Cards ---------------------------------------------------------------- */

/* Whether the line t is BEGIN:VCARD (what "BEGIN") or END:VCARD. */
static bool
vcard_marker(const char *t, const char *what)
{
	size_t n = strlen(what);

	t += strspn(t, " \t");
	if (strncasecmp(t, what, n) != 0 || t[n] != ':' || strncasecmp(t + n + 1, "VCARD", 5) != 0)
		return false;
	t += n + 6;
	return t[strspn(t, " \t")] == '\0';
}

/* Makes the row of the card read. */
static void
vcard_row(struct vcard_source *s)
{
	struct vcard_card *k = &s->card;
	struct vcard_text email = { 0 }, other_emails = { 0 }, phone = { 0 }, other_phones = { 0 },
			  country = { 0 };
	const struct vcard_text *cells[VCARD_NCOLUMNS];
	size_t starts[VCARD_NCOLUMNS];
	unsigned long long number = s->cards + 1, line = k->line;
	bool full;

	/* A card with a formatted name only (4.0 needs no N): the last word
	 * is the last name, the words before it the first name. */
	if (k->first.len == 0 && k->last.len == 0 && k->full.len > 0) {
		char *sp = strrchr(k->full.p, ' ');

		if (sp == NULL)
			vcard_put(&k->first, k->full.p, k->full.len);
		else {
			vcard_put(&k->first, k->full.p, (size_t)(sp - k->full.p));
			vcard_put(&k->last, sp + 1, strlen(sp + 1));
		}
	}
	vcard_chosen(&k->emails, &email, &other_emails);
	vcard_chosen(&k->phones, &phone, &other_phones);
	vcard_chosen(&k->countries, &country, NULL);

	cells[VCARD_FIRST] = &k->first;
	cells[VCARD_MIDDLE] = &k->middle;
	cells[VCARD_LAST] = &k->last;
	cells[VCARD_FULL] = &k->full;
	cells[VCARD_COMPANY] = &k->company;
	cells[VCARD_DEPARTMENT] = &k->department;
	cells[VCARD_TITLE] = &k->title;
	cells[VCARD_EMAIL] = &email;
	cells[VCARD_OTHER_EMAILS] = &other_emails;
	cells[VCARD_PHONE] = &phone;
	cells[VCARD_OTHER_PHONES] = &other_phones;
	cells[VCARD_BIRTHDAY] = &k->birthday;
	cells[VCARD_COUNTRY] = &country;
	cells[VCARD_TAGS] = &k->tags;
	cells[VCARD_NOTES] = &k->notes;

	full = k->overfull;
	vcard_text_clear(&s->out);
	for (size_t i = 0; i < VCARD_NCOLUMNS; i++) {
		full = full || cells[i]->full;
		starts[i] = s->out.len;
		s->lens[i] = cells[i]->len;
		if (cells[i]->len > 0)
			vcard_put(&s->out, cells[i]->p, cells[i]->len);
		vcard_put(&s->out, "", 1);
	}
	for (size_t i = 0; i < VCARD_NCOLUMNS; i++)
		s->cells[i] = s->out.p + starts[i];
	free(email.p);
	free(other_emails.p);
	free(phone.p);
	free(other_phones.p);
	free(country.p);

	if (full)
		vcard_card_error(s,
		    xasprintf(
			_("Card %llu (line %llu) holds more than 1 MiB in one field; split the card and import the file again."),
			number, line));
	free(s->row.error);
	s->row.error = k->error;
	k->error = NULL;
	s->row.number = ++s->cards;
	s->row.line = k->line;
	s->row.ncells = VCARD_NCOLUMNS;
	s->row.cells = s->cells;
	s->row.lens = s->lens;
}

static int
vcard_next(void *state, struct row **row, char **cause)
{
	struct vcard_source *s = state;
	bool in_card = false, junk = false;

	if (s->failure != NULL) {
		*cause = xstrdup(s->failure);
		return -1;
	}
	if (s->done)
		return 0;
	vcard_card_clear(&s->card);
	for (;;) {
		unsigned long long number = s->cards + 1;

		if (!s->pending && !vcard_logical_line(s)) {
			if (s->read_errno != 0) {
				s->failure = xasprintf(
				    _("The file %s cannot be read past line %llu: %s."), s->name,
				    (unsigned long long)s->line, strerror(s->read_errno));
				*cause = xstrdup(s->failure);
				return -1;
			}
			s->done = true;
			if (in_card)
				vcard_card_error(s,
				    xasprintf(
					_("Card %llu (line %llu) is not closed with END:VCARD before the end of the file; the file may be cut short."),
					number, (unsigned long long)s->card.line));
			else if (!junk)
				return 0;
			break;
		}
		s->pending = false;
		if (!in_card) {
			if (vcard_marker(s->text, "BEGIN")) {
				if (junk) {
					s->pending = true;
					break;
				}
				in_card = true;
				s->card.line = s->text_line;
			} else if (!junk) {
				junk = true;
				s->card.line = s->text_line;
				vcard_card_error(s,
				    xasprintf(
					_("Line %llu is outside any card: a card begins with BEGIN:VCARD and ends with END:VCARD. Correct the file and import it again."),
					(unsigned long long)s->text_line));
			}
			continue;
		}
		if (s->card.nested > 0) {
			if (vcard_marker(s->text, "BEGIN"))
				s->card.nested++;
			else if (vcard_marker(s->text, "END"))
				s->card.nested--;
			continue;
		}
		if (vcard_marker(s->text, "BEGIN")) {
			if (s->card.after_agent) {
				/* A 2.1 AGENT's card, embedded: not a contact of its own. */
				s->card.nested = 1;
				s->card.after_agent = false;
				continue;
			}
			vcard_card_error(s,
			    xasprintf(
				_("Card %llu (line %llu) has no END:VCARD before the next card begins at line %llu."),
				number, (unsigned long long)s->card.line,
				(unsigned long long)s->text_line));
			s->pending = true;
			break;
		}
		if (vcard_marker(s->text, "END"))
			break;
		vcard_property(s);
	}
	vcard_row(s);
	*row = &s->row;
	return 1;
}

static const char *const *
vcard_get_header(void *state, size_t *n)
{
	(void)state;
	*n = VCARD_NCOLUMNS;
	return vcard_header;
}

static uint64_t
vcard_offset(void *state)
{
	struct vcard_source *s = state;

	return encoding_reader_file_offset(s->reader, s->consumed + s->pos);
}

static const char *
vcard_describe(void *state)
{
	return ((struct vcard_source *)state)->description;
}

static const char *
vcard_encoding(void *state)
{
	return encoding_reader_name(((struct vcard_source *)state)->reader);
}

static void
vcard_close(void *state)
{
	struct vcard_source *s = state;

	if (s == NULL)
		return;
	vcard_card_free(&s->card);
	if (s->reader != NULL)
		encoding_reader_close(s->reader);
	if (s->fd != -1)
		close(s->fd);
	free(s->out.p);
	free(s->row.error);
	free(s->text);
	free(s->buf);
	free(s->failure);
	free(s->description);
	free(s->name);
	free(s);
}

static void *
vcard_open(int fd, const char *path, const struct source_options *opts, char **cause)
{
	struct vcard_source *s = xcalloc(1, sizeof *s);

	s->fd = fd;
	s->name = text_escape(path);
	s->card.version = 30;
	s->line = 1;
	s->buf = xmalloc(VCARD_CHUNK_SIZE);
	s->reader = encoding_reader_open(fd, opts != NULL ? opts->encoding : NULL, s->name, cause);
	if (s->reader == NULL) {
		vcard_close(s);
		return NULL;
	}
	/* UTF-8's byte order mark is left to the reader of the text. */
	if (vcard_peek(s) == 0xef && s->len >= 3 && memcmp(s->buf, "\xef\xbb\xbf", 3) == 0)
		s->pos = 3;
	if (encoding_reader_converts(s->reader))
		s->description = xasprintf(_("vCard, encoding %s"), encoding_reader_name(s->reader));
	else
		s->description = xstrdup(_("vCard"));
	return s;
}

const struct source_ops source_vcard_ops = {
	.name = "vcard",
	.open = vcard_open,
	.header = vcard_get_header,
	.next = vcard_next,
	.offset = vcard_offset,
	.describe = vcard_describe,
	.encoding = vcard_encoding,
	.close = vcard_close,
};
