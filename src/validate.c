/* Per-field normalization and checks behind validate.h: one normalizer per
 * field type, then the length and pattern rules every type shares; and the
 * check of a whole row (required fields, a match key) that the engine and
 * the wizard's preview share. Phone numbers go through validate-phone.cc;
 * files and databases are not known here. */
#include "config.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "country.h"
#include "fatal.h"
#include "i18n.h"
#include "text.h"
#include "validate-phone.h"
#include "validate.h"
#include "xmalloc.h"

#define HINT_SAMPLE 16	/* numbers kept to guess a region from their shape */
#define HINT_REGIONS 16 /* regions counted */

/* The phone numbers invalid in the validator's own region, and how many of
 * them each region the file suggests would read: its headers' language,
 * the row's country (a column not read as the rows' region) and the
 * numbers' own shape, guessed from the first HINT_SAMPLE of them. */
struct validator_hint {
	char region[3];	    /* the headers' region, "" when none */
	int country_column; /* -1 when none */
	char shape[3];	    /* the numbers' shape's region, "" when none */
	bool guessed;	    /* shape is settled and sample counted */
	struct {
		char *number;
		char row_region[3];
	} sample[HINT_SAMPLE];
	size_t nsample;
	uint64_t failed;
	struct {
		char region[3];
		uint64_t hits;
	} tally[HINT_REGIONS];
};

struct validator {
	const struct schema *schema;
	char *region; /* effective phone region, upper case; NULL if none */
	enum invalid_values invalid_values;
	int quoted_cells;	     /* the file is sluice's CSV of rejected rows */
	struct validator_hint *hint; /* counted while rows are checked */
	enum date_order date_order;  /* the schema's unless set */
	uint64_t *dates_other_order; /* dates refused that the other order reads */
};

/* A normalizer gets the trimmed, non-empty value (its own copy, which it may
 * change) and sets *out or *cause as validate_value() promises. */
typedef int (*validate_fn)(const struct validator *, const struct field *, char *, char **, char **);

/* A string that grows. */
struct validate_buf {
	char *s;
	size_t len;
	size_t size;
};

static void
validate_buf_add(struct validate_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->size) {
		b->size = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->size);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static int
validate_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
validate_is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char
validate_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Compares ASCII letters without regard to case, in any locale; other bytes
 * must be equal. */
static int
validate_equal_nocase(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (validate_lower(a[i]) != validate_lower(b[i]))
			return 0;
		if (a[i] == '\0')
			return 1;
	}
	return 1;
}

static int
validate_text(const struct validator *v, const struct field *f, char *s, char **out, char **cause)
{
	(void)v;
	(void)f;
	(void)cause;
	*out = xstrdup(s);
	return 0;
}

static int
validate_email(const struct validator *v, const struct field *f, char *s, char **out, char **cause)
{
	const char *at = NULL, *domain, *p;
	size_t ats = 0;
	char *q;

	(void)v;
	(void)f;
	for (p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= ' ' || c == 0x7f || (c == 0xc2 && (unsigned char)p[1] == 0xa0)) {
			*cause = xstrdup(_("An email address cannot contain spaces; write only the "
					   "address, such as name@example.com."));
			return -1;
		}
		if (strchr("\"(),:;<>[\\]", c) != NULL) {
			*cause = xstrdup(_("This email address contains a character addresses "
					   "cannot have, such as a comma, a quote or < >; write "
					   "only the address, such as name@example.com."));
			return -1;
		}
		if (c == '@') {
			at = p;
			ats++;
		}
	}
	if (ats == 0) {
		*cause = xstrdup(_("This is not an email address: it needs one @ and a domain such "
				   "as example.com."));
		return -1;
	}
	if (ats > 1) {
		*cause = xstrdup(_("This email address has more than one @; an address has exactly "
				   "one, as in name@example.com, and a cell holds one address."));
		return -1;
	}
	if (at == s) {
		*cause = xstrdup(_("This email address has nothing before the @; it needs a name "
				   "before it, as in name@example.com."));
		return -1;
	}
	domain = at + 1;
	if (*domain == '\0' || strchr(domain, '.') == NULL || *domain == '.' ||
	    domain[strlen(domain) - 1] == '.' || strstr(domain, "..") != NULL) {
		*cause = xstrdup(
		    _("The domain after the @ in this email address is not a domain name: it needs "
		      "a dot and a name on each side of it, such as example.com."));
		return -1;
	}
	for (q = s; *q != '\0'; q++)
		*q = validate_lower(*q);
	*out = xstrdup(s);
	return 0;
}

static int
validate_phone(const struct validator *v, const struct field *f, char *s, char **out, char **cause)
{
	char e164[32];

	(void)f;
	switch (phone_normalize(s, v->region, e164, sizeof e164)) {
	case PHONE_OK: *out = xstrdup(e164); return 0;
	case PHONE_NOT_A_NUMBER:
		*cause = xstrdup(
		    _("This is not a phone number: it should be digits, with + and the country "
		      "code (such as +49 30 1234567) or as dialled within the country."));
		break;
	case PHONE_UNKNOWN_COUNTRY:
		if (v->region == NULL)
			*cause = xstrdup(
			    _("This phone number has no country code and no phone region is set; "
			      "write it with + and the country code, such as +49 30 1234567."));
		else
			*cause = xstrdup(_("This phone number's country code is not a country's; "
					   "check the digits after the + or the 00."));
		break;
	case PHONE_TOO_SHORT:
		*cause = xstrdup(_("This phone number has too few digits for its country; check "
				   "that no digit is missing and that the country code is right."));
		break;
	case PHONE_TOO_LONG:
		*cause = xstrdup(_("This phone number has too many digits for its country; a cell "
				   "holds one number, and the country code must be right."));
		break;
	case PHONE_INVALID:
		*cause = xstrdup(_("This is not a valid phone number in its country; check the "
				   "digits and the country code."));
		break;
	}
	return -1;
}

/* Why a date was refused; each has its sentence in validate_date(). */
enum date_problem {
	DATE_OK,
	DATE_FORM,
	DATE_SHORT_YEAR,
	DATE_YEAR,
	DATE_MONTH,
	DATE_MONTH_ORDER, /* month out of range where date_order chose it */
	DATE_DAY,
	DATE_MONTH_NAME,
};

static const char *const date_months[] = {
	"january",
	"february",
	"march",
	"april",
	"may",
	"june",
	"july",
	"august",
	"september",
	"october",
	"november",
	"december",
};

/* Reads a run of digits at *pp; returns how many there were and, when they
 * fit, their value. */
static int
date_number(const char **pp, int *value)
{
	const char *p = *pp;
	int n = 0;

	*value = 0;
	for (; validate_is_digit(*p); p++, n++) {
		if (n < 9)
			*value = *value * 10 + (*p - '0');
	}
	*pp = p;
	return n;
}

/* Reads an English month name or abbreviation at *pp: 1 to 12, 0 when there
 * is no word, -1 for a word that is not a month. */
static int
date_month(const char **pp)
{
	const char *p = *pp;
	size_t n = 0, full;
	int m;

	while (validate_is_alpha(p[n]))
		n++;
	if (n == 0)
		return 0;
	*pp = p + n;
	if (n == 4 && validate_equal_nocase(p, "sept", 4))
		return 9;
	for (m = 0; m < 12; m++) {
		full = strlen(date_months[m]);
		if ((n == 3 || n == full) && validate_equal_nocase(p, date_months[m], n))
			return m + 1;
	}
	return -1;
}

/* Skips "st", "nd", "rd" or "th" after a day. */
static void
date_skip_ordinal(const char **pp)
{
	static const char *const suffixes[] = { "st", "nd", "rd", "th" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (validate_equal_nocase(*pp, suffixes[i], 2) && !validate_is_alpha((*pp)[2])) {
			*pp += 2;
			return;
		}
	}
}

/* Skips the separators between a month name and numbers; returns how many. */
static int
date_skip_separators(const char **pp)
{
	int n = 0;

	while (**pp != '\0' && strchr(" ,.-/", **pp) != NULL) {
		(*pp)++;
		n++;
	}
	return n;
}

/* Reads two digits between 0 and max. */
static int
date_two_digits(const char **pp, int max)
{
	const char *p = *pp;
	int value;

	if (!validate_is_digit(p[0]) || !validate_is_digit(p[1]))
		return 0;
	value = (p[0] - '0') * 10 + (p[1] - '0');
	if (value > max)
		return 0;
	*pp = p + 2;
	return 1;
}

/* A time after the date: HH:MM[:SS[.fraction]], then an optional AM or PM
 * and an optional zone (Z, +HH, +HHMM or +HH:MM). Its value is dropped. */
static int
date_time_ok(const char *p)
{
	if (validate_is_digit(p[0]) && p[1] == ':')
		p++; /* a one-digit hour, as in 9:30 AM */
	else if (!date_two_digits(&p, 23))
		return 0;
	if (*p++ != ':' || !date_two_digits(&p, 59))
		return 0;
	if (*p == ':') {
		p++;
		if (!date_two_digits(&p, 60))
			return 0;
		if ((*p == '.' || *p == ',') && validate_is_digit(p[1])) {
			p++;
			while (validate_is_digit(*p))
				p++;
		}
	}
	while (*p == ' ')
		p++;
	if ((validate_equal_nocase(p, "am", 2) || validate_equal_nocase(p, "pm", 2)) &&
	    !validate_is_alpha(p[2]))
		p += 2;
	if (*p == 'Z')
		p++;
	else if (*p == '+' || *p == '-') {
		p++;
		if (!date_two_digits(&p, 23))
			return 0;
		if (*p == ':')
			p++;
		if (validate_is_digit(*p) && !date_two_digits(&p, 59))
			return 0;
	}
	return *p == '\0';
}

/* What may follow a date: nothing, or a time after spaces (or after 'T' for
 * an ISO 8601 date and time). */
static int
date_rest_ok(const char *p, int iso)
{
	if (*p == '\0')
		return 1;
	if (*p == 'T' && iso)
		return date_time_ok(p + 1);
	if (*p != ' ')
		return 0;
	while (*p == ' ')
		p++;
	return date_time_ok(p);
}

static int
date_is_leap(int year)
{
	return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

static enum date_problem
date_check(int year, int month, int day, int ordered)
{
	static const int days[] = {
		31,
		28,
		31,
		30,
		31,
		30,
		31,
		31,
		30,
		31,
		30,
		31,
	};

	if (year < 1000 || year > 9999)
		return DATE_YEAR;
	if (month < 1 || month > 12)
		return ordered ? DATE_MONTH_ORDER : DATE_MONTH;
	if (day < 1 || day > days[month - 1] + (month == 2 && date_is_leap(year)))
		return DATE_DAY;
	return DATE_OK;
}

/* The end of "15 March 2024", "15th Mar. 2024" or "15-Mar-2024" after the
 * day, which has been read. */
static enum date_problem
date_parse_day_first(const char *p, int day, int *year, int *month)
{
	int n;

	date_skip_ordinal(&p);
	if (date_skip_separators(&p) == 0)
		return DATE_FORM;
	*month = date_month(&p);
	if (*month == 0)
		return DATE_FORM;
	if (*month < 0)
		return DATE_MONTH_NAME;
	if (date_skip_separators(&p) == 0)
		return DATE_FORM;
	n = date_number(&p, year);
	if (n == 2)
		return DATE_SHORT_YEAR;
	if (n != 4 || !date_rest_ok(p, 0))
		return DATE_FORM;
	return date_check(*year, *month, day, 0);
}

/* "March 15, 2024", "Mar 15 2024" or "Mar. 15th, 2024". */
static enum date_problem
date_parse_month_first(const char *p, int *year, int *month, int *day)
{
	int n;

	*month = date_month(&p);
	/* "Mars 15, 2024" is a date with a foreign month; "n/a" is no date. */
	if (*month < 0)
		return strpbrk(p, "0123456789") != NULL ? DATE_MONTH_NAME : DATE_FORM;
	if (date_skip_separators(&p) == 0)
		return DATE_FORM;
	n = date_number(&p, day);
	if (n < 1 || n > 2)
		return DATE_FORM;
	date_skip_ordinal(&p);
	if (date_skip_separators(&p) == 0)
		return DATE_FORM;
	n = date_number(&p, year);
	if (n == 2)
		return DATE_SHORT_YEAR;
	if (n != 4 || !date_rest_ok(p, 0))
		return DATE_FORM;
	return date_check(*year, *month, *day, 0);
}

static enum date_problem
date_parse(const char *s, enum date_order order, int *year, int *month, int *day)
{
	const char *p = s;
	int a, b, c, na, nb, nc;
	char sep;

	if (validate_is_alpha(*p))
		return date_parse_month_first(p, year, month, day);
	na = date_number(&p, &a);
	if (na == 0)
		return DATE_FORM;
	if (na == 8 && date_rest_ok(p, 0)) {
		*year = a / 10000;
		*month = a / 100 % 100;
		*day = a % 100;
		return date_check(*year, *month, *day, 0);
	}
	if ((*p != '-' && *p != '/' && *p != '.') || !validate_is_digit(p[1])) {
		*day = a;
		if (na <= 2)
			return date_parse_day_first(p, *day, year, month);
		return DATE_FORM;
	}
	sep = *p++;
	nb = date_number(&p, &b);
	if (*p != sep || !validate_is_digit(p[1]))
		return DATE_FORM;
	p++;
	nc = date_number(&p, &c);
	if (!date_rest_ok(p, na == 4 && sep == '-'))
		return DATE_FORM;
	if (na == 4 && nb <= 2 && nc <= 2) {
		*year = a;
		*month = b;
		*day = c;
		return date_check(*year, *month, *day, 0);
	}
	if (na > 2 || nb > 2)
		return DATE_FORM;
	if (nc == 2)
		return DATE_SHORT_YEAR;
	if (nc != 4)
		return DATE_FORM;
	*year = c;
	/* Dotted dates are day first everywhere they are written. */
	if (sep == '.') {
		*day = a;
		*month = b;
		return date_check(*year, *month, *day, 0);
	}
	*day = order == DATE_DMY ? a : b;
	*month = order == DATE_DMY ? b : a;
	return date_check(*year, *month, *day, 1);
}

/* Whether s is how a program writes "no date": three groups of digits
 * (separated by '.', '/' or '-') with a year of zero and a day or month of
 * zero: Outlook's 0.0.00, 1/0/00 and 00.00.0000, MySQL's 0000-00-00. */
static int
date_is_none(const char *s)
{
	long g[3];
	size_t len[3];
	const char *p = s;

	for (int i = 0; i < 3; i++) {
		len[i] = strspn(p, "0123456789");
		if (len[i] == 0 || len[i] > 4)
			return 0;
		g[i] = strtol(p, NULL, 10);
		p += len[i];
		if (i < 2 && *p != '.' && *p != '/' && *p != '-')
			return 0;
		if (i < 2)
			p++;
	}
	if (*p != '\0')
		return 0;
	/* The year is last, or first when it has four digits (0000-00-00). */
	int y = len[0] == 4 ? 0 : 2;
	return g[y] == 0 && (g[(y + 1) % 3] == 0 || g[(y + 2) % 3] == 0);
}

static int
validate_date(const struct validator *v, const struct field *f, char *s, char **out, char **cause)
{
	int year = 0, month = 0, day = 0;

	if (date_is_none(s)) {
		*out = NULL; /* empty, as the program meant */
		return 0;
	}
	/* A day without a year, as vCard and Google write a birthday:
	 * --07-04 or --0704. */
	size_t digits = s[0] == '-' && s[1] == '-' ? strspn(s + 2, "0123456789") : 0;
	if (f->yearless &&
	    ((digits == 2 && s[4] == '-' && strspn(s + 5, "0123456789") == 2 && s[7] == '\0') ||
		(digits == 4 && s[6] == '\0'))) {
		month = (s[2] - '0') * 10 + (s[3] - '0');
		day = s[4] == '-' ? (s[5] - '0') * 10 + (s[6] - '0') :
				    (s[4] - '0') * 10 + (s[5] - '0');
		/* Any year: 29 February is a birthday too (2000 was leap). */
		if (date_check(2000, month, day, 0) == DATE_OK) {
			*out = xasprintf("--%02d-%02d", month, day);
			return 0;
		}
	}
	enum date_problem problem = date_parse(s, v->date_order, &year, &month, &day);
	/* Counted for the hint that the file's dates are in the other order. */
	if (problem == DATE_MONTH_ORDER &&
	    date_parse(s, v->date_order == DATE_DMY ? DATE_MDY : DATE_DMY, &year, &month, &day) ==
		DATE_OK)
		(*v->dates_other_order)++;
	switch (problem) {
	case DATE_OK: *out = xasprintf("%04d-%02d-%02d", year, month, day); return 0;
	case DATE_FORM:
		*cause = xstrdup(_("This is not a date: write it as year-month-day, such as "
				   "2024-03-15, or with the month's name, such as 15 March 2024."));
		break;
	case DATE_SHORT_YEAR:
		*cause = xstrdup(_("This date has a two-digit year, which could belong to either "
				   "century; write the year with four digits, such as 2024-03-15."));
		break;
	case DATE_YEAR:
		*cause = xstrdup(_("This date's year is not between 1000 and 9999; write a "
				   "four-digit year, as in 2024-03-15."));
		break;
	case DATE_MONTH:
		*cause = xstrdup(_("This date has a month that is not between 1 and 12; write it "
				   "as year-month-day, such as 2024-03-15."));
		break;
	case DATE_MONTH_ORDER:
		if (v->date_order == DATE_DMY)
			*cause = xstrdup(_("This date has a month that is not between 1 and 12: this "
					   "field reads dates such as 03/04/2024 as day/month/year. "
					   "Write it as year-month-day, such as 2024-04-03."));
		else
			*cause = xstrdup(_("This date has a month that is not between 1 and 12: this "
					   "field reads dates such as 03/04/2024 as month/day/year. "
					   "Write it as year-month-day, such as 2024-03-04."));
		break;
	case DATE_DAY:
		*cause = xstrdup(_("This date does not exist: its month has no such day (29 "
				   "February only in leap years); check the day and the month."));
		break;
	case DATE_MONTH_NAME:
		*cause =
		    xstrdup(_("This date has a month name that is not known; write the month in "
			      "English, such as March or Mar, or as a number, as in 2024-03-15."));
		break;
	}
	return -1;
}

/* Length of a thousands separator at s for a number field (0 when there is
 * none): a space, U+00A0, U+2009, U+202F, an apostrophe or U+2019, and
 * besides the one of ',' and '.' that does not mark the decimals. */
static size_t
number_group_at(const char *s, char decimal)
{
	const unsigned char *u = (const unsigned char *)s;

	if (*s == ' ' || *s == '\'' || *s == (decimal == '.' ? ',' : '.'))
		return 1;
	if (u[0] == 0xc2 && u[1] == 0xa0)
		return 2;
	if (u[0] == 0xe2 &&
	    ((u[1] == 0x80 && u[2] == 0x89) || (u[1] == 0x80 && u[2] == 0xaf) ||
		(u[1] == 0x80 && u[2] == 0x99)))
		return 3;
	return 0;
}

enum number_problem {
	NUMBER_OK,
	NUMBER_FORM,
	NUMBER_GROUPS,
	NUMBER_FRACTION,
};

/* Writes the canonical form of s to *out, or says what is wrong. */
static enum number_problem
number_parse(const char *s, char decimal, int integer, char **out)
{
	struct validate_buf whole = { NULL, 0, 0 }, frac = { NULL, 0, 0 };
	const char *p = s, *group = NULL;
	size_t group_len = 0, n, digits = 0, run = 0, groups = 0;
	int negative = 0;
	enum number_problem problem = NUMBER_FORM;

	if (*p == '+' || *p == '-')
		negative = *p++ == '-';
	else if (strncmp(p, "\xe2\x88\x92", 3) == 0) { /* U+2212 minus */
		negative = 1;
		p += 3;
	}
	for (;;) {
		if (validate_is_digit(*p)) {
			validate_buf_add(&whole, p++, 1);
			run++;
			continue;
		}
		n = number_group_at(p, decimal);
		if (n == 0 || !validate_is_digit(p[n]))
			break;
		/* The same separator between each group of three digits. */
		if (run == 0 || (groups == 0 && run > 3) || (groups > 0 && run != 3) ||
		    (group != NULL && (n != group_len || memcmp(p, group, n) != 0))) {
			problem = NUMBER_GROUPS;
			goto out;
		}
		group = p;
		group_len = n;
		groups++;
		run = 0;
		p += n;
	}
	if (groups > 0 && run != 3) {
		problem = NUMBER_GROUPS;
		goto out;
	}
	digits = whole.len;
	if (*p == decimal) {
		for (p++; validate_is_digit(*p); p++)
			validate_buf_add(&frac, p, 1);
		digits += frac.len;
	}
	if (*p != '\0' || digits == 0) {
		/* A comma or dot where the other was meant, as in "1.2,5". */
		if (digits > 0 && (*p == ',' || *p == '.'))
			problem = NUMBER_GROUPS;
		goto out;
	}

	while (frac.len > 0 && frac.s[frac.len - 1] == '0')
		frac.s[--frac.len] = '\0';
	if (integer && frac.len > 0) {
		problem = NUMBER_FRACTION;
		goto out;
	}
	p = whole.s != NULL ? whole.s : "";
	while (*p == '0')
		p++;
	if (*p == '\0' && frac.len == 0)
		*out = xstrdup("0");
	else
		*out = xasprintf("%s%s%s%s", negative ? "-" : "", *p != '\0' ? p : "0",
		    frac.len > 0 ? "." : "", frac.len > 0 ? frac.s : "");
	problem = NUMBER_OK;
out:
	free(whole.s);
	free(frac.s);
	return problem;
}

static int
validate_number(const struct validator *v, const struct field *f, char *s, char **out, char **cause)
{
	(void)v;
	switch (number_parse(s, f->decimal_comma ? ',' : '.', f->integer, out)) {
	case NUMBER_OK: return 0;
	case NUMBER_FORM:
		if (f->decimal_comma)
			*cause = xstrdup(_("This is not a number: write digits with an optional "
					   "minus sign and a decimal comma, such as -1234,5."));
		else
			*cause = xstrdup(_("This is not a number: write digits with an optional "
					   "minus sign and a decimal point, such as -1234.5."));
		break;
	case NUMBER_GROUPS:
		if (f->decimal_comma)
			*cause =
			    xstrdup(_("This number's separators are out of place: this field takes "
				      "a comma before the decimals, and dots or spaces only "
				      "between groups of three digits, as in 1.234.567,5."));
		else
			*cause = xstrdup(_("This number's separators are out of place: this field "
					   "takes a point before the decimals, and commas only "
					   "between groups of three digits, as in 1,234,567.5."));
		break;
	case NUMBER_FRACTION:
		*cause = xstrdup(
		    _("This field takes whole numbers only; write the number without decimals."));
		break;
	}
	return -1;
}

static int
validate_enum(const struct validator *v, const struct field *f, char *s, char **out, char **cause)
{
	struct validate_buf allowed = { NULL, 0, 0 };
	size_t i, len = strlen(s);

	(void)v;
	for (i = 0; i < f->nvalues; i++) {
		if (strlen(f->values[i]) == len && validate_equal_nocase(s, f->values[i], len)) {
			*out = xstrdup(f->values[i]);
			return 0;
		}
	}
	for (i = 0; i < f->nvalues; i++) {
		if (i > 0)
			validate_buf_add(&allowed, ", ", 2);
		validate_buf_add(&allowed, f->values[i], strlen(f->values[i]));
	}
	*cause = xasprintf(_("This field takes one of these values: %s."),
	    allowed.s != NULL ? allowed.s : "");
	free(allowed.s);
	return -1;
}

/* A list field's separator; a schema without one gets ";". */
static const char *
list_separator(const char *sep)
{
	return sep != NULL && *sep != '\0' ? sep : ";";
}

/* The items of a list value, in order, each once. */
struct list_items {
	char **item;
	size_t n;
};

/* Google Contacts joins the values of one field with this, in every
 * language: a list's items are split on it too. */
#define LIST_GOOGLE_SEPARATOR " ::: "

/* Whether item is one the field leaves out (skip_items, case ignored). */
static int
list_skipped(const struct field *f, const char *item)
{
	for (size_t i = 0; f != NULL && i < f->nskip_items; i++) {
		if (strcasecmp(item, f->skip_items[i]) == 0)
			return 1;
	}
	return 0;
}

/* Adds the items of list (split on sep and on Google's " ::: ", trimmed)
 * to items, leaving out empty items, items it already has, and those field
 * f skips (f may be NULL). */
static void
list_add(struct list_items *items, const char *list, const char *sep, const struct field *f)
{
	size_t seplen = strlen(sep), len, i;
	const char *p = list, *end, *google;
	char *item;

	while (p != NULL) {
		end = strstr(p, sep);
		google = strstr(p, LIST_GOOGLE_SEPARATOR);
		if (google != NULL && (end == NULL || google < end)) {
			end = google;
			len = (size_t)(end - p);
			item = text_trim(xstrndup(p, len));
			p = end + strlen(LIST_GOOGLE_SEPARATOR);
		} else {
			len = end != NULL ? (size_t)(end - p) : strlen(p);
			item = text_trim(xstrndup(p, len));
			p = end != NULL ? end + seplen : NULL;
		}
		for (i = 0; i < items->n; i++) {
			if (strcmp(items->item[i], item) == 0)
				break;
		}
		if (*item != '\0' && i == items->n && !list_skipped(f, item)) {
			items->item = xreallocarray(items->item, items->n + 1, sizeof *items->item);
			items->item[items->n++] = item;
		} else
			free(item);
	}
}

/* Joins the items with sep and frees them; NULL when there are none. */
static char *
list_join(struct list_items *items, const char *sep)
{
	struct validate_buf b = { NULL, 0, 0 };
	size_t i;

	for (i = 0; i < items->n; i++) {
		if (i > 0)
			validate_buf_add(&b, sep, strlen(sep));
		validate_buf_add(&b, items->item[i], strlen(items->item[i]));
		free(items->item[i]);
	}
	free(items->item);
	return b.s;
}

static int
validate_list(const struct validator *v, const struct field *f, char *s, char **out, char **cause)
{
	struct list_items items = { NULL, 0 };
	const char *sep = list_separator(f->separator);

	(void)cause;
	list_add(&items, s, sep, f);
	/* A list of another field's further values: each as that field
	 * stores its values when it can be (a phone in E.164), else as
	 * written: kept either way. */
	for (size_t i = 0; f->collects != NULL && i < items.n; i++) {
		char *norm = NULL, *why = NULL;
		size_t c = (size_t)(f->collects - v->schema->fields);
		if (validate_value(v, c, items.item[i], &norm, &why) == 0 && norm != NULL) {
			free(items.item[i]);
			items.item[i] = norm;
		} else
			free(norm);
		free(why);
	}
	*out = list_join(&items, sep); /* NULL when every item was empty */
	return 0;
}

char *
validate_list_union(const char *a, const char *b, const char *sep)
{
	struct list_items items = { NULL, 0 };

	sep = list_separator(sep);
	if (a != NULL)
		list_add(&items, a, sep, NULL);
	if (b != NULL)
		list_add(&items, b, sep, NULL);
	return list_join(&items, sep);
}

/* clang-format off */
static const validate_fn validate_types[] = {
	[FIELD_TEXT] = validate_text,
	[FIELD_EMAIL] = validate_email,
	[FIELD_PHONE] = validate_phone,
	[FIELD_DATE] = validate_date,
	[FIELD_NUMBER] = validate_number,
	[FIELD_ENUM] = validate_enum,
	[FIELD_LIST] = validate_list,
};
/* clang-format on */

struct validator *
validator_new(const struct schema *schema, const char *region, char **cause)
{
	struct validator *v;
	char *p;

	if (region == NULL)
		region = schema->region;
	if (region != NULL && *region != '\0' && !phone_region_known(region)) {
		*cause = xasprintf(_("The phone region \"%s\" is not a known ISO 3166 country "
				     "code, such as US or DE."),
		    region);
		return NULL;
	}
	v = xcalloc(1, sizeof *v);
	v->schema = schema;
	v->hint = xcalloc(1, sizeof *v->hint);
	v->hint->country_column = -1;
	v->date_order = schema->date_order;
	v->dates_other_order = xcalloc(1, sizeof *v->dates_other_order);
	if (region != NULL && *region != '\0') {
		v->region = xstrdup(region);
		for (p = v->region; *p != '\0'; p++) {
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		}
	}
	return v;
}

static const char *const invalid_values_names[] = {
	[INVALID_VALUES_SCHEMA] = "schema",
	[INVALID_VALUES_REJECT_ROW] = "reject-row",
};

const char *
validate_invalid_values_name(enum invalid_values iv)
{
	return invalid_values_names[iv];
}

int
validate_invalid_values_parse(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof invalid_values_names / sizeof *invalid_values_names; i++) {
		if (name != NULL && strcmp(name, invalid_values_names[i]) == 0)
			return (int)i;
	}
	return -1;
}

void
validator_set_invalid_values(struct validator *v, enum invalid_values iv)
{
	v->invalid_values = iv;
}

const char *
validate_guess_region(const char *const *numbers, size_t n, const char *except)
{
	/* On a tie the first wins: Britain and Ireland before Italy, whose
	 * plan reads their national numbers too (020 is London and Milan). */
	static const char *const regions[] = { "DE", "AT", "CH", "FR", "BE", "ES", "GB", "IE", "IT",
		"NL", "PT", "PL", "SE", "DK", "NO", "FI", "US", "CA", "AU", "MX", "AR", "BR" };
	const char *best = NULL;
	size_t best_valid = 0;
	char e164[64];
	for (size_t r = 0; r < sizeof regions / sizeof *regions; r++) {
		if (except != NULL && strcasecmp(except, regions[r]) == 0)
			continue;
		size_t valid = 0;
		for (size_t i = 0; i < n; i++)
			if (phone_normalize(numbers[i], regions[r], e164, sizeof e164) == PHONE_OK)
				valid++;
		if (valid > best_valid) {
			best = regions[r];
			best_valid = valid;
		}
	}
	return n > 0 && best_valid * 2 >= n ? best : NULL;
}

void
validator_set_quoted_cells(struct validator *v, int quoted)
{
	v->quoted_cells = quoted;
}

int
validate_is_rejects_csv(const char *format, const char *const *headers, size_t n)
{
	return format != NULL && !strcmp(format, "csv") && n > 0 &&
	    !strcmp(headers[n - 1], VALIDATE_REJECTS_COLUMN);
}

void
validator_set_date_order(struct validator *v, enum date_order order)
{
	v->date_order = order;
}

uint64_t
validator_dates_other_order(const struct validator *v)
{
	return *v->dates_other_order;
}

void
validator_set_hint(struct validator *v, const char *region, int country_column)
{
	v->hint->region[0] = '\0';
	if (region != NULL && strlen(region) == 2 && phone_region_known(region) &&
	    (v->region == NULL || strcmp(v->region, region) != 0))
		memcpy(v->hint->region, region, 3);
	v->hint->country_column = country_column;
}

/* Counts number (trimmed) for each region suggested for it that reads it:
 * the headers', the row's country's, the shape's; each once. */
static void
validate_hint_try(const struct validator *v, const char *number, const char *row_region)
{
	struct validator_hint *h = v->hint;
	const char *tried[3] = { h->region, row_region, h->shape };
	char e164[32];

	for (size_t i = 0; i < 3; i++) {
		const char *r = tried[i];
		if (r[0] == '\0' || (v->region != NULL && strcmp(v->region, r) == 0) ||
		    (i > 0 && strcmp(r, tried[0]) == 0) || (i > 1 && strcmp(r, tried[1]) == 0) ||
		    phone_normalize(number, r, e164, sizeof e164) != PHONE_OK)
			continue;
		size_t t = 0;
		while (t < HINT_REGIONS && h->tally[t].region[0] != '\0' &&
		    strcmp(h->tally[t].region, r) != 0)
			t++;
		if (t == HINT_REGIONS)
			continue; /* more countries than are worth naming */
		memcpy(h->tally[t].region, r, 3);
		h->tally[t].hits++;
	}
}

/* Guesses the region of the numbers kept from their shape (when three at
 * least are), then counts them. */
static void
validate_hint_settle(const struct validator *v)
{
	struct validator_hint *h = v->hint;
	const char *numbers[HINT_SAMPLE];

	if (h->guessed)
		return;
	for (size_t i = 0; i < h->nsample; i++)
		numbers[i] = h->sample[i].number;
	const char *g =
	    h->nsample >= 3 ? validate_guess_region(numbers, h->nsample, v->region) : NULL;
	if (g != NULL)
		memcpy(h->shape, g, 3);
	h->guessed = true;
	for (size_t i = 0; i < h->nsample; i++) {
		validate_hint_try(v, h->sample[i].number, h->sample[i].row_region);
		free(h->sample[i].number);
	}
	h->nsample = 0;
}

bool
validator_hint(struct validator *const *v, size_t n, char region[3], uint64_t *hits)
{
	struct {
		char region[3];
		uint64_t hits;
	} sum[HINT_REGIONS];
	size_t nsum = 0, best = 0;
	uint64_t failed = 0;

	for (size_t i = 0; i < n; i++) {
		struct validator_hint *h = v[i]->hint;
		validate_hint_settle(v[i]);
		failed += h->failed;
		for (size_t t = 0; t < HINT_REGIONS && h->tally[t].region[0] != '\0'; t++) {
			size_t k = 0;
			while (k < nsum && strcmp(sum[k].region, h->tally[t].region) != 0)
				k++;
			if (k == HINT_REGIONS)
				continue;
			if (k == nsum) {
				memcpy(sum[k].region, h->tally[t].region, 3);
				sum[k].hits = 0;
				nsum++;
			}
			sum[k].hits += h->tally[t].hits;
		}
	}
	for (size_t k = 1; k < nsum; k++)
		if (sum[k].hits > sum[best].hits)
			best = k;
	if (nsum == 0 || 2 * sum[best].hits < failed)
		return false;
	memcpy(region, sum[best].region, 3);
	*hits = sum[best].hits;
	return true;
}

/* A phone number invalid in the validator's own region: counted, and
 * which of the regions the file suggests would read it (row_region: the
 * row's country, "" when none). */
static void
validate_hint_phone(const struct validator *v, const char *value, const char *row_region)
{
	struct validator_hint *h = v->hint;
	char *s;

	if (value == NULL)
		return;
	s = text_trim(xstrdup(value));
	if (*s == '\0') {
		free(s);
		return;
	}
	h->failed++;
	if (!h->guessed) {
		h->sample[h->nsample].number = s;
		memcpy(h->sample[h->nsample].row_region, row_region, 3);
		if (++h->nsample == HINT_SAMPLE)
			validate_hint_settle(v);
		return;
	}
	validate_hint_try(v, s, row_region);
	free(s);
}

void
validator_free(struct validator *v)
{
	if (v == NULL)
		return;
	free(v->region);
	for (size_t i = 0; i < v->hint->nsample; i++)
		free(v->hint->sample[i].number);
	free(v->hint);
	free(v->dates_other_order);
	free(v);
}

int
validate_value(const struct validator *v, size_t f, const char *value, char **out, char **cause)
{
	const struct field *field;
	char *s;
	size_t length;

	fatal_assert(f < v->schema->nfields);
	fatal_assert(
	    (size_t)v->schema->fields[f].type < sizeof validate_types / sizeof validate_types[0]);
	field = &v->schema->fields[f];
	*out = NULL;
	if (value == NULL)
		return 0;
	if (text_utf8_invalid_at(value, strlen(value)) != (size_t)-1) {
		*cause = xstrdup(_("This value is not valid UTF-8 text; save the file as UTF-8, or "
				   "choose its encoding, and import it again."));
		return -1;
	}
	s = text_trim(xstrdup(value));
	if (*s == '\0') {
		free(s);
		return 0;
	}
	/* sluice's CSV of rejected rows writes a value that a spreadsheet
	 * would run as a formula with a leading quote (=SUM… as '=SUM…), and
	 * one that begins with a quote with another ('x as ''x): imported
	 * again, it gets the value back as it was. In any other file a
	 * leading quote is the value's own. */
	if (v->quoted_cells && s[0] == '\'' && s[1] != '\0' && strchr("=+-@\t\r\n'", s[1]) != NULL)
		memmove(s, s + 1, strlen(s));
	if (validate_types[field->type](v, field, s, out, cause) != 0) {
		free(s);
		*out = NULL;
		return -1;
	}
	free(s);
	if (*out == NULL)
		return 0;

	length = text_utf8_length(*out);
	if (field->max_length != 0 && length > field->max_length) {
		*cause = xasprintf(
		    ngettext("This value is too long: this field takes at most %zu character.",
			"This value is too long: this field takes at most %zu characters.",
			field->max_length),
		    field->max_length);
		goto fail;
	}
	if (field->pattern != NULL && regexec(&field->regex, *out, 0, NULL, 0) != 0) {
		*cause = xasprintf(_("This value does not have the form this field expects: it "
				     "must match the pattern %s."),
		    field->pattern);
		goto fail;
	}
	return 0;

fail:
	free(*out);
	*out = NULL;
	return -1;
}

/* A problem of a row, held until the whole row is checked: only then is it
 * known whether a value that would drop alone goes with its row. */
struct row_problem {
	int field, column;
	char *message;
	const char *value;
	int drops; /* would drop the value alone */
};

static void
row_problem_add(struct row_problem *p, size_t *n, int field, int column, char *message,
    const char *value, int drops)
{
	p[*n] = (struct row_problem){ field, column, message, value, drops };
	(*n)++;
}

/* Whether s holds nothing but spaces. */
static int
validate_blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

/* Appends value to the list *list, after a " ::: " when it holds some. */
static void
validate_join(char **list, const char *value)
{
	char *old = *list;

	*list = old != NULL ? xasprintf("%s%s%s", old, LIST_GOOGLE_SEPARATOR, value) : xstrdup(value);
	free(old);
}

/* Sets *head to list's first item (up to sep or " ::: "), returns the rest
 * (a new string, or NULL when there is none). */
static char *
validate_split_first(const char *list, const char *sep, char **head)
{
	const char *end = strstr(list, sep), *google = strstr(list, LIST_GOOGLE_SEPARATOR);
	size_t skip = strlen(sep);

	if (google != NULL && (end == NULL || google < end)) {
		end = google;
		skip = strlen(LIST_GOOGLE_SEPARATOR);
	}
	if (end == NULL) {
		*head = xstrdup(list);
		return NULL;
	}
	*head = xstrndup(list, (size_t)(end - list));
	return xstrdup(end + skip);
}

size_t
validate_row(const struct validator *v, const int *column, const int *feeds, size_t nfeeds,
    char *const *cells, size_t ncells, const char *row_error, char **values,
    validate_problem_fn *problem, void *ctx)
{
	const struct schema *s = v->schema;
	struct row_problem *found;
	size_t n = 0, rejecting = 0, f, i;
	int keyed = 0;

	if (values != NULL)
		memset(values, 0, s->nfields * sizeof *values);
	if (row_error != NULL) {
		problem(ctx, -1, -1, row_error, NULL, 0);
		return 1;
	}
	/* A list field's cell: those of every column feeding it, in column
	 * order (Outlook's Business, Home and Other Phone). */
	char **first = xcalloc(s->nfields, sizeof *first);
	char **further = xcalloc(s->nfields, sizeof *further);
	int *from = xcalloc(s->nfields, sizeof *from);
	for (f = 0; f < s->nfields; f++) {
		from[f] = column[f];
		if (s->fields[f].type != FIELD_LIST)
			continue;
		for (i = 0; i < ncells; i++) {
			if ((feeds != NULL ? i >= nfeeds || feeds[i] != (int)f : column[f] != (int)i) ||
			    validate_blank(cells[i]))
				continue;
			if (further[f] == NULL)
				from[f] = (int)i;
			validate_join(&further[f], cells[i]);
		}
	}
	/* A cell of several values joined by " ::: " (Google Contacts) in a
	 * field another one collects: the first is the field's value, the
	 * others go to the collecting field. A row without a value for that
	 * field takes the collecting field's first item: Business Phone when
	 * Mobile Phone is empty. */
	for (f = 0; f < s->nfields; f++) {
		const struct field *cf = s->fields[f].collects;
		int c = cf != NULL ? (int)(cf - s->fields) : -1, col = c >= 0 ? column[c] : -1;
		const char *cut;

		if (c < 0)
			continue;
		if (col >= 0 && (size_t)col < ncells &&
		    (cut = strstr(cells[col], LIST_GOOGLE_SEPARATOR)) != NULL) {
			first[c] = xstrndup(cells[col], (size_t)(cut - cells[col]));
			if (further[f] == NULL)
				from[f] = col;
			validate_join(&further[f], cut + strlen(LIST_GOOGLE_SEPARATOR));
		} else if ((col < 0 || (size_t)col >= ncells || validate_blank(cells[col])) &&
		    further[f] != NULL) {
			char *rest = validate_split_first(further[f],
			    list_separator(s->fields[f].separator), &first[c]);
			free(further[f]);
			further[f] = rest;
			from[c] = from[f];
		}
	}
	/* The row's country, when the schema names the field that holds it
	 * (region_field), is the region its national phone numbers are read
	 * in: before --region and the schema's own. */
	struct validator row_v = *v;
	int own_region = 1;	 /* national numbers read in the validator's region */
	char row_region[3] = ""; /* the row's country, for the hint only */
	int hc = v->hint->country_column;
	const char *code;
	if (hc >= 0 && (size_t)hc < ncells && (code = country_code(cells[hc])) != NULL &&
	    strlen(code) == 2)
		memcpy(row_region, code, 3);
	if (s->region_field != NULL) {
		int col = column[s->region_field - s->fields];
		if (col >= 0 && (size_t)col < ncells && (code = country_code(cells[col])) != NULL &&
		    phone_region_known(code)) {
			row_v.region = (char *)code;
			own_region = 0;
		}
		v = &row_v;
	}
	/* At most one problem per field, and the row's own. */
	found = xcalloc(s->nfields + 1, sizeof *found);
	for (f = 0; f < s->nfields; f++) {
		const struct field *fd = &s->fields[f];
		int col = from[f];
		char *out = NULL, *why = NULL;
		const char *cell;

		if (col < 0 || (size_t)col >= ncells) {
			if (fd->required && col < 0)
				row_problem_add(found, &n, (int)f, -1,
				    xstrdup(_("This field is required but no column is "
					      "mapped to it.")),
				    NULL, 0);
			continue;
		}
		cell = first[f] != NULL	   ? first[f] :
		    fd->type == FIELD_LIST ? (further[f] != NULL ? further[f] : "") :
					     cells[col];
		if (validate_value(v, f, cell, &out, &why) != 0) {
			if (fd->type == FIELD_PHONE && own_region)
				validate_hint_phone(v, cell, row_region);
			row_problem_add(found, &n, (int)f, col, why, cell,
			    fd->on_invalid == ON_INVALID_DROP_VALUE &&
				v->invalid_values == INVALID_VALUES_SCHEMA);
			continue;
		}
		if (out == NULL && fd->required)
			row_problem_add(found, &n, (int)f, col,
			    xasprintf(_("%s is required but empty in this row."), fd->label), NULL,
			    0);
		if (out != NULL && schema_is_match_key(s, f))
			keyed = 1;
		if (values != NULL)
			values[f] = out;
		else
			free(out);
	}
	for (i = 0; i < n; i++)
		rejecting += !found[i].drops;
	if (rejecting == 0 && !keyed) {
		char *keys = schema_join_fields(s, s->match_keys, s->nmatch_keys, 0, _(" or "));

		row_problem_add(found, &n, -1, -1,
		    xasprintf(_("The row has no %s; it needs one to find the record "
				"again."),
			keys),
		    NULL, 0);
		free(keys);
		rejecting++;
	}
	/* A rejected row is rejected with all its problems: none of its
	 * values is dropped alone. */
	for (i = 0; i < n; i++) {
		problem(ctx, found[i].field, found[i].column, found[i].message, found[i].value,
		    rejecting == 0);
		free(found[i].message);
	}
	free(found);
	for (f = 0; f < s->nfields; f++) {
		free(first[f]);
		free(further[f]);
	}
	free(first);
	free(further);
	free(from);
	return rejecting > 0 ? n : 0;
}
