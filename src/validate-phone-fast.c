/* The fast phone matcher: libphonenumber's own metadata compiled once into
 * PCRE2 (JIT) patterns, and its parse and validity rules followed step by
 * step for the common shapes; anything else is left to libphonenumber. */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fatal.h"
#include "validate-phone-int.h"
#include "xmalloc.h"

/* Bounds of what this file handles; past them libphonenumber answers. */
#define PHONE_FAST_MAX_TEXT 64	  /* bytes of a cell */
#define PHONE_FAST_MAX_LENGTHS 32 /* possible lengths of one description */
#define PHONE_FAST_MAX_REGIONS 32 /* regions sharing one calling code */
#define PHONE_FAST_NCODES 1000	  /* calling codes are 1 to 3 digits */

/* libphonenumber's constants (PhoneNumberUtil). */
#define PHONE_MIN_NSN 2
#define PHONE_MAX_NSN 17

struct phone_fast_desc {
	pcre2_code *pattern; /* anchored at both ends; NULL: matches nothing */
	int lengths[PHONE_FAST_MAX_LENGTHS];
	int nlengths;
	int local_lengths[PHONE_FAST_MAX_LENGTHS];
	int nlocal_lengths;
};

struct phone_fast_meta {
	int ok; /* all of it compiled and within what this file follows */
	int country_code;
	char cc_string[8];
	pcre2_code *idd;     /* international_prefix, anchored at the start */
	pcre2_code *np;	     /* national_prefix_for_parsing; NULL if none */
	uint32_t np_groups;  /* capturing groups of np */
	char *transform;     /* national_prefix_transform_rule; NULL if none */
	pcre2_code *leading; /* leading_digits; NULL if the metadata has none */
	int same_mobile_and_fixed_line;
	struct phone_fast_desc desc[PHONE_NDESC];
};

/* The regions of one calling code, main region first; nregions -1 when one
 * of them could not be compiled. */
struct phone_fast_code {
	int nregions;
	struct phone_fast_meta *regions[PHONE_FAST_MAX_REGIONS];
};

/* Built once under pthread_once and never changed after: shared by all
 * threads without locks. Each thread has its own match data (key). */
static struct {
	int ok;
	struct phone_fast_meta *by_region[26 * 26];
	struct phone_fast_meta *nongeo[PHONE_FAST_NCODES];
	struct phone_fast_code codes[PHONE_FAST_NCODES];
	uint32_t max_groups;
	int jit; /* every pattern JIT-compiled: matched through pcre2_jit_match() */
	pcre2_general_context *memory; /* PCRE2 allocating with xmalloc */
	pthread_key_t match_key;
} phone_fast;
static pthread_once_t phone_fast_once = PTHREAD_ONCE_INIT;

/* libphonenumber's ErrorType, and the lengths' ValidationResult. */
enum phone_fast_error {
	PHONE_FAST_NO_ERROR,
	PHONE_FAST_INVALID_COUNTRY_CODE,
	PHONE_FAST_NOT_A_NUMBER,
	PHONE_FAST_TOO_SHORT_AFTER_IDD,
	PHONE_FAST_TOO_SHORT_NSN,
	PHONE_FAST_TOO_LONG_NSN,
	PHONE_FAST_GIVE_UP,
};

enum phone_fast_length {
	PHONE_LENGTH_POSSIBLE,
	PHONE_LENGTH_POSSIBLE_LOCAL_ONLY,
	PHONE_LENGTH_TOO_SHORT,
	PHONE_LENGTH_INVALID,
	PHONE_LENGTH_TOO_LONG,
};

/* A string of ASCII digits (no NUL needed: lengths are explicit). */
struct phone_fast_digits {
	char s[PHONE_FAST_MAX_TEXT * 2];
	size_t n;
};

/* The metadata's patterns use digits, \d, classes, groups, alternation,
 * counted repeats and $, which ICU (libphonenumber's engine here) and PCRE2
 * read alike on subjects of ASCII digits ($: the end, there being no line
 * ends); a pattern with anything else is not compiled, and its region is
 * left to libphonenumber. */
static int
phone_fast_pattern_plain(const char *p)
{
	for (; *p != '\0'; p++) {
		if (*p == '\\') {
			if (p[1] != 'd')
				return 0;
			p++;
		} else if (strchr("0123456789[]()?:|{},-*+$", *p) == NULL)
			return 0;
	}
	return 1;
}

static pcre2_code *
phone_fast_compile(const char *pattern, uint32_t options, int *ok)
{
	pcre2_code *code;
	PCRE2_SIZE offset;
	uint32_t groups;
	int error;

	if (!phone_fast_pattern_plain(pattern)) {
		*ok = 0;
		return NULL;
	}
	code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, options, &error, &offset,
	    NULL);
	if (code == NULL) {
		*ok = 0;
		return NULL;
	}
	/* Without JIT (no support on this machine) PCRE2 interprets: slower,
	 * same answers. */
	if (pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) != 0)
		phone_fast.jit = 0;
	if (pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &groups) == 0 &&
	    groups > phone_fast.max_groups)
		phone_fast.max_groups = groups;
	return code;
}

static int
phone_fast_lengths(const int *from, int n, int *to, int *nto)
{
	if (n > PHONE_FAST_MAX_LENGTHS)
		return 0;
	if (n > 0)
		memcpy(to, from, (size_t)n * sizeof *to);
	*nto = n;
	return 1;
}

/* A transform rule is digits and $1 … $9 (no $ followed by two digits,
 * no escapes): what this file substitutes as ICU's appendReplacement does. */
static int
phone_fast_transform_plain(const char *rule)
{
	for (; *rule != '\0'; rule++) {
		if (*rule == '$') {
			if (rule[1] < '1' || rule[1] > '9' || (rule[2] >= '0' && rule[2] <= '9'))
				return 0;
			rule++;
		} else if (*rule < '0' || *rule > '9')
			return 0;
	}
	return 1;
}

static void
phone_fast_add(const struct phone_metadata *pm, void *arg)
{
	struct phone_fast_meta *m;
	const char *id = pm->id;
	int k, ok = 1;

	(void)arg;
	m = xcalloc(1, sizeof *m);
	m->country_code = pm->country_code;
	snprintf(m->cc_string, sizeof m->cc_string, "%d", pm->country_code);
	m->idd = phone_fast_compile(pm->international_prefix, PCRE2_ANCHORED, &ok);
	if (*pm->national_prefix_for_parsing != '\0') {
		m->np = phone_fast_compile(pm->national_prefix_for_parsing, PCRE2_ANCHORED, &ok);
		if (m->np != NULL)
			pcre2_pattern_info(m->np, PCRE2_INFO_CAPTURECOUNT, &m->np_groups);
	}
	if (*pm->national_prefix_transform_rule != '\0') {
		if (strlen(pm->national_prefix_transform_rule) > PHONE_FAST_MAX_TEXT / 2 ||
		    !phone_fast_transform_plain(pm->national_prefix_transform_rule))
			ok = 0;
		m->transform = xstrdup(pm->national_prefix_transform_rule);
	}
	if (pm->has_leading_digits)
		m->leading = phone_fast_compile(pm->leading_digits, PCRE2_ANCHORED, &ok);
	m->same_mobile_and_fixed_line = pm->same_mobile_and_fixed_line_pattern;
	for (k = 0; k < PHONE_NDESC; k++) {
		const struct phone_number_desc *d = &pm->desc[k];

		if (*d->pattern != '\0')
			m->desc[k].pattern =
			    phone_fast_compile(d->pattern, PCRE2_ANCHORED | PCRE2_ENDANCHORED, &ok);
		if (!phone_fast_lengths(d->lengths, d->nlengths, m->desc[k].lengths,
			&m->desc[k].nlengths) ||
		    !phone_fast_lengths(d->local_lengths, d->nlocal_lengths,
			m->desc[k].local_lengths, &m->desc[k].nlocal_lengths))
			ok = 0;
	}
	/* libphonenumber reads the general lengths' first element unchecked. */
	if (m->desc[PHONE_DESC_GENERAL].nlengths == 0)
		ok = 0;
	m->ok = ok;
	if (strcmp(id, "001") == 0) {
		if (m->country_code > 0 && m->country_code < PHONE_FAST_NCODES)
			phone_fast.nongeo[m->country_code] = m;
	} else if (id[0] >= 'A' && id[0] <= 'Z' && id[1] >= 'A' && id[1] <= 'Z' && id[2] == '\0')
		phone_fast.by_region[(id[0] - 'A') * 26 + (id[1] - 'A')] = m;
}

static void
phone_fast_match_free(void *md)
{
	pcre2_match_data_free(md);
}

static void *
phone_fast_malloc(PCRE2_SIZE size, void *arg)
{
	(void)arg;
	return xmalloc(size);
}

static void
phone_fast_free(void *p, void *arg)
{
	(void)arg;
	free(p);
}

/* The metadata of a region code exactly as libphonenumber's map holds it
 * (upper case, two letters), or NULL. */
static struct phone_fast_meta *
phone_fast_region(const char *region)
{
	if (region[0] < 'A' || region[0] > 'Z' || region[1] < 'A' || region[1] > 'Z' ||
	    region[2] != '\0')
		return NULL;
	return phone_fast.by_region[(region[0] - 'A') * 26 + (region[1] - 'A')];
}

static void
phone_fast_init(void)
{
	char regions[PHONE_FAST_MAX_REGIONS][4];
	struct phone_fast_code *c;
	struct phone_fast_meta *m;
	int cc, i, n;

	phone_fast.memory = pcre2_general_context_create(phone_fast_malloc, phone_fast_free, NULL);
	phone_fast.jit = 1;
	if (phone_metadata_each(phone_fast_add, NULL) != 0)
		return;
	for (cc = 1; cc < PHONE_FAST_NCODES; cc++) {
		c = &phone_fast.codes[cc];
		n = phone_calling_code_regions(cc, regions, PHONE_FAST_MAX_REGIONS);
		c->nregions = n > PHONE_FAST_MAX_REGIONS ? -1 : n;
		for (i = 0; i < n && c->nregions > 0; i++) {
			if (strcmp(regions[i], "001") == 0)
				m = phone_fast.nongeo[cc];
			else
				m = phone_fast_region(regions[i]);
			if (m == NULL || !m->ok || m->country_code != cc)
				c->nregions = -1;
			else
				c->regions[i] = m;
		}
	}
	if (pthread_key_create(&phone_fast.match_key, phone_fast_match_free) != 0)
		return;
	phone_fast.ok = 1;
}

/* This thread's match data, made on its first number. */
static pcre2_match_data *
phone_fast_match_data(void)
{
	pcre2_match_data *md;

	md = pthread_getspecific(phone_fast.match_key);
	if (md == NULL) {
		md = pcre2_match_data_create(phone_fast.max_groups + 1, phone_fast.memory);
		fatal_assert(md != NULL);
		fatal_assert(pthread_setspecific(phone_fast.match_key, md) == 0);
	}
	return md;
}

static int
phone_fast_match(const pcre2_code *code, const char *s, size_t n, pcre2_match_data *md)
{
	if (phone_fast.jit)
		return pcre2_jit_match(code, (PCRE2_SPTR)s, n, 0, 0, md, NULL);
	return pcre2_match(code, (PCRE2_SPTR)s, n, 0, 0, md, NULL);
}

/* libphonenumber's FullMatch of a national number against a pattern. */
static int
phone_fast_full(const pcre2_code *code, const char *s, size_t n)
{
	if (code == NULL)
		return 0;
	return phone_fast_match(code, s, n, phone_fast_match_data()) >= 0;
}

/* libphonenumber's Consume: a match at the start; the ovector is left in
 * this thread's match data. Returns pcre2_match()'s count, < 0 for none. */
static int
phone_fast_consume(const pcre2_code *code, const char *s, size_t n, PCRE2_SIZE **ovector)
{
	pcre2_match_data *md = phone_fast_match_data();
	int rc;

	rc = phone_fast_match(code, s, n, md);
	*ovector = pcre2_get_ovector_pointer(md);
	return rc;
}

static int
phone_fast_has_length(const int *lengths, int n, int length)
{
	int i;

	for (i = 0; i < n; i++) {
		if (lengths[i] == length)
			return 1;
	}
	return 0;
}

/* TestNumberLength(number, metadata) for the UNKNOWN type. */
static enum phone_fast_length
phone_fast_test_length(const struct phone_fast_meta *m, size_t n)
{
	const struct phone_fast_desc *g = &m->desc[PHONE_DESC_GENERAL];
	int length = (int)n;

	if (g->lengths[0] == -1)
		return PHONE_LENGTH_INVALID;
	if (phone_fast_has_length(g->local_lengths, g->nlocal_lengths, length))
		return PHONE_LENGTH_POSSIBLE_LOCAL_ONLY;
	if (g->lengths[0] == length)
		return PHONE_LENGTH_POSSIBLE;
	if (g->lengths[0] > length)
		return PHONE_LENGTH_TOO_SHORT;
	if (g->lengths[g->nlengths - 1] < length)
		return PHONE_LENGTH_TOO_LONG;
	return phone_fast_has_length(g->lengths + 1, g->nlengths - 1, length) ?
	    PHONE_LENGTH_POSSIBLE :
	    PHONE_LENGTH_INVALID;
}

/* IsNumberMatchingDesc. */
static int
phone_fast_desc_matches(const struct phone_fast_meta *m, enum phone_desc_kind kind, const char *s,
    size_t n)
{
	const struct phone_fast_desc *d = &m->desc[kind];

	if (d->nlengths > 0 && !phone_fast_has_length(d->lengths, d->nlengths, (int)n))
		return 0;
	return phone_fast_full(d->pattern, s, n);
}

/* GetNumberTypeHelper(...) != UNKNOWN, in libphonenumber's order. */
static int
phone_fast_has_type(const struct phone_fast_meta *m, const char *s, size_t n)
{
	int k;

	if (!phone_fast_desc_matches(m, PHONE_DESC_GENERAL, s, n))
		return 0;
	for (k = PHONE_DESC_PREMIUM_RATE; k <= PHONE_DESC_FIXED_LINE; k++) {
		if (phone_fast_desc_matches(m, k, s, n))
			return 1;
	}
	return !m->same_mobile_and_fixed_line && phone_fast_desc_matches(m, PHONE_DESC_MOBILE, s, n);
}

/* MaybeStripNationalPrefixAndCarrierCode (the carrier code is not kept). */
static void
phone_fast_strip_national_prefix(const struct phone_fast_meta *m, struct phone_fast_digits *num)
{
	const struct phone_fast_desc *general = &m->desc[PHONE_DESC_GENERAL];
	struct phone_fast_digits out;
	PCRE2_SIZE *ov, end;
	uint32_t group = 0;
	const char *r;
	int viable, rc;

	if (num->n == 0 || m->np == NULL)
		return;
	viable = phone_fast_full(general->pattern, num->s, num->n);
	rc = phone_fast_consume(m->np, num->s, num->n, &ov);
	if (rc < 0)
		return;
	end = ov[1];
	/* The prefix's part to keep is group 2 when there are two groups (the
	 * first is the carrier code), else group 1. */
	if (m->np_groups >= 2)
		group = 2;
	else if (m->np_groups == 1)
		group = 1;
	if (m->transform != NULL && group > 0 && (int)group < rc && ov[2 * group] != PCRE2_UNSET &&
	    ov[2 * group + 1] > ov[2 * group]) {
		out.n = 0;
		for (r = m->transform; *r != '\0'; r++) {
			if (*r == '$') {
				uint32_t g = (uint32_t)(r[1] - '0');
				r++;
				if ((int)g < rc && ov[2 * g] != PCRE2_UNSET) {
					memcpy(out.s + out.n, num->s + ov[2 * g],
					    ov[2 * g + 1] - ov[2 * g]);
					out.n += ov[2 * g + 1] - ov[2 * g];
				}
			} else
				out.s[out.n++] = *r;
		}
		memcpy(out.s + out.n, num->s + end, num->n - end);
		out.n += num->n - end;
	} else {
		out.n = num->n - end;
		memcpy(out.s, num->s + end, out.n);
	}
	if (viable && !phone_fast_full(general->pattern, out.s, out.n))
		return;
	*num = out;
}

/* ExtractCountryCode: 1 with the code in *cc and its digits in *len,
 * 0 for none, -1 when its regions are not compiled. */
static int
phone_fast_country_code(const struct phone_fast_digits *d, int *cc, size_t *len)
{
	int v = 0;
	size_t i;

	if (d->n == 0 || d->s[0] == '0')
		return 0;
	for (i = 1; i <= 3 && i <= d->n; i++) {
		v = v * 10 + (d->s[i - 1] - '0');
		if (phone_fast.codes[v].nregions < 0)
			return -1;
		if (phone_fast.codes[v].nregions > 0) {
			*cc = v;
			*len = i;
			return 1;
		}
	}
	return 0;
}

static void
phone_fast_digits_only(const char *s, size_t n, struct phone_fast_digits *d)
{
	size_t i;

	d->n = 0;
	for (i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			d->s[d->n++] = s[i];
	}
}

/* MaybeExtractCountryCode over s (not normalized), with m the default
 * region's metadata or NULL: *cc (0: none) and the rest in *nat. */
static enum phone_fast_error
phone_fast_extract(const struct phone_fast_meta *m, const char *s, size_t n, int *cc,
    struct phone_fast_digits *nat)
{
	struct phone_fast_digits d, rest;
	PCRE2_SIZE *ov;
	size_t len;
	int international = 0, found;

	*cc = 0;
	if (n == 0) {
		nat->n = 0;
		return PHONE_FAST_NO_ERROR;
	}
	if (s[0] == '+') {
		phone_fast_digits_only(s + 1, n - 1, &d);
		international = 1;
	} else {
		phone_fast_digits_only(s, n, &d);
		/* ParsePrefixAsIdd; without a region, "NonMatch" never matches. */
		if (m != NULL && phone_fast_consume(m->idd, d.s, d.n, &ov) >= 0 &&
		    !(ov[1] < d.n && d.s[ov[1]] == '0')) {
			memmove(d.s, d.s + ov[1], d.n - ov[1]);
			d.n -= ov[1];
			international = 1;
		}
	}
	if (international) {
		if (d.n <= PHONE_MIN_NSN)
			return PHONE_FAST_TOO_SHORT_AFTER_IDD;
		found = phone_fast_country_code(&d, cc, &len);
		if (found < 0)
			return PHONE_FAST_GIVE_UP;
		if (found == 0)
			return PHONE_FAST_INVALID_COUNTRY_CODE;
		nat->n = d.n - len;
		memcpy(nat->s, d.s + len, nat->n);
		return PHONE_FAST_NO_ERROR;
	}
	/* Written with the default region's calling code but no '+'? */
	len = m != NULL ? strlen(m->cc_string) : 0;
	if (m != NULL && d.n >= len && memcmp(d.s, m->cc_string, len) == 0) {
		const pcre2_code *general = m->desc[PHONE_DESC_GENERAL].pattern;

		rest.n = d.n - len;
		memcpy(rest.s, d.s + len, rest.n);
		phone_fast_strip_national_prefix(m, &rest);
		if ((!phone_fast_full(general, d.s, d.n) && phone_fast_full(general, rest.s, rest.n)) ||
		    phone_fast_test_length(m, d.n) == PHONE_LENGTH_TOO_LONG) {
			*cc = m->country_code;
			*nat = rest;
			return PHONE_FAST_NO_ERROR;
		}
	}
	*nat = d;
	return PHONE_FAST_NO_ERROR;
}

/* ASCII text without a digit ("n/a", "TBD"): libphonenumber finds no
 * number in it, whatever the letters, as it needs at least two digits. */
static int
phone_fast_no_digits(const char *text, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if ((unsigned char)text[i] >= 0x80 || (text[i] >= '0' && text[i] <= '9'))
			return 0;
	}
	return 1;
}

/* The shapes followed here: digits, spaces, dots, dashes, parentheses and at
 * most one '+' before the first digit (an extension after them is taken
 * off before). */
static int
phone_fast_shape(const char *text, size_t n)
{
	int digits = 0, plus = 0;
	size_t i;

	if (n > PHONE_FAST_MAX_TEXT)
		return 0;
	for (i = 0; i < n; i++) {
		switch (text[i]) {
		case '0':
		case '1':
		case '2':
		case '3':
		case '4':
		case '5':
		case '6':
		case '7':
		case '8':
		case '9': digits++; break;
		case '+':
			if (plus++ > 0 || digits > 0)
				return 0;
			break;
		case ' ':
		case '.':
		case '-':
		case '(':
		case ')': break;
		default: return 0;
		}
	}
	return 1;
}

/* Whether text ends in an extension written as " ext. 12", " extension 12"
 * (up to 20 digits) or " x12" (up to 9), any case, spaces around the label
 * and a dot after it optional: libphonenumber's extension pattern then
 * matches from the spaces before the label, and what precedes them is the
 * number. Returns the length of that number part (n if there is no such
 * ending). */
static size_t
phone_fast_extension(const char *text, size_t n)
{
	static const char *const labels[] = { "extension", "ext", "x" };
	size_t i = n, digits, j, k, len;

	while (i > 0 && text[i - 1] >= '0' && text[i - 1] <= '9')
		i--;
	digits = n - i;
	if (digits == 0)
		return n;
	while (i > 0 && text[i - 1] == ' ')
		i--;
	if (i > 0 && text[i - 1] == '.')
		i--;
	for (k = 0; k < sizeof labels / sizeof *labels; k++) {
		len = strlen(labels[k]);
		if (i < len || strncasecmp(text + i - len, labels[k], len) != 0)
			continue;
		if (digits > (k == 2 ? 9U : 20U))
			return n;
		for (j = i - len; j > 0 && text[j - 1] == ' '; j--)
			;
		return j;
	}
	return n;
}

/* ParseHelper, then IsValidNumber and IsPossibleNumberWithReason as the
 * shim asks them: a phone_result with *cc and nsn set on PHONE_OK, or
 * PHONE_FALLBACK. */
static int
phone_fast_parse(const char *text, size_t n, const char *region, int *ccp,
    struct phone_fast_digits *nsn)
{
	const struct phone_fast_meta *m, *valid_in = NULL;
	const struct phone_fast_code *code;
	struct phone_fast_digits potential;
	enum phone_fast_error error;
	PCRE2_SIZE *ov;
	size_t start, end, i, digits, main, whole = n;
	int cc, k;

	if (phone_fast_no_digits(text, n))
		return PHONE_NOT_A_NUMBER;
	if (n > PHONE_FAST_MAX_TEXT)
		return PHONE_FALLBACK;
	/* With an extension, libphonenumber goes on with the number before it
	 * (it being a viable number: three digits or more, checked below). */
	main = phone_fast_extension(text, n);
	if (!phone_fast_shape(text, main))
		return PHONE_FALLBACK;
	n = main;
	/* ExtractPossibleNumber: from the first '+' or digit to the last
	 * digit (the shapes hold nothing else worth keeping at the end). */
	for (start = 0;
	     start < n && text[start] != '+' && !(text[start] >= '0' && text[start] <= '9'); start++)
		;
	for (end = n; end > start && !(text[end - 1] >= '0' && text[end - 1] <= '9'); end--)
		;
	/* IsViablePhoneNumber: two digits alone, or three or more after an
	 * optional '+' with punctuation between. */
	for (digits = 0, i = start; i < end; i++) {
		if (text[i] >= '0' && text[i] <= '9')
			digits++;
	}
	if (main < whole && digits < 3)
		return PHONE_FALLBACK;
	if (end - start < PHONE_MIN_NSN)
		return PHONE_NOT_A_NUMBER;
	if (!(end - start == 2 && digits == 2) && digits < 3)
		return PHONE_NOT_A_NUMBER;
	m = phone_fast_region(region);
	if (m != NULL && !m->ok)
		return PHONE_FALLBACK;
	/* CheckRegionForParsing. */
	if (m == NULL && text[start] != '+')
		return PHONE_UNKNOWN_COUNTRY;
	error = phone_fast_extract(m, text + start, end - start, &cc, nsn);
	if (error == PHONE_FAST_INVALID_COUNTRY_CODE && text[start] == '+') {
		/* Once more without the '+': an IDD may follow it. */
		error = phone_fast_extract(m, text + start + 1, end - start - 1, &cc, nsn);
		if (error == PHONE_FAST_GIVE_UP)
			return PHONE_FALLBACK;
		if (error != PHONE_FAST_NO_ERROR || cc == 0)
			return PHONE_UNKNOWN_COUNTRY;
	}
	switch (error) {
	case PHONE_FAST_NO_ERROR: break;
	case PHONE_FAST_INVALID_COUNTRY_CODE: return PHONE_UNKNOWN_COUNTRY;
	case PHONE_FAST_NOT_A_NUMBER: return PHONE_NOT_A_NUMBER;
	case PHONE_FAST_TOO_SHORT_AFTER_IDD:
	case PHONE_FAST_TOO_SHORT_NSN: return PHONE_TOO_SHORT;
	case PHONE_FAST_TOO_LONG_NSN: return PHONE_TOO_LONG;
	case PHONE_FAST_GIVE_UP: return PHONE_FALLBACK;
	}
	/* The metadata from here on: the calling code's main region's when
	 * the number gave one, else the default region's. */
	if (cc == 0 && m == NULL)
		return PHONE_FALLBACK;
	if (cc == 0)
		cc = m->country_code;
	else
		m = NULL;
	if (cc <= 0 || cc >= PHONE_FAST_NCODES || phone_fast.codes[cc].nregions <= 0)
		return PHONE_FALLBACK;
	if (m == NULL)
		m = phone_fast.codes[cc].regions[0];
	if (nsn->n < PHONE_MIN_NSN)
		return PHONE_TOO_SHORT;
	potential = *nsn;
	phone_fast_strip_national_prefix(m, &potential);
	switch (phone_fast_test_length(m, potential.n)) {
	case PHONE_LENGTH_TOO_SHORT:
	case PHONE_LENGTH_POSSIBLE_LOCAL_ONLY:
	case PHONE_LENGTH_INVALID: break;
	default: *nsn = potential;
	}
	if (nsn->n < PHONE_MIN_NSN)
		return PHONE_TOO_SHORT;
	if (nsn->n > PHONE_MAX_NSN)
		return PHONE_TOO_LONG;
	/* IsValidNumber: the region of the number (GetRegionCodeForNumber),
	 * then a type in that region's metadata. */
	code = &phone_fast.codes[cc];
	if (code->nregions == 1)
		valid_in = code->regions[0];
	for (k = 0; k < code->nregions && code->nregions > 1; k++) {
		const struct phone_fast_meta *r = code->regions[k];

		if (r->leading != NULL ? phone_fast_consume(r->leading, nsn->s, nsn->n, &ov) >= 0 :
					 phone_fast_has_type(r, nsn->s, nsn->n)) {
			valid_in = r;
			break;
		}
	}
	*ccp = cc;
	if (valid_in != NULL && phone_fast_has_type(valid_in, nsn->s, nsn->n))
		return PHONE_OK;
	/* IsPossibleNumberWithReason, in the calling code's main region. */
	switch (phone_fast_test_length(code->regions[0], nsn->n)) {
	case PHONE_LENGTH_TOO_SHORT: return PHONE_TOO_SHORT;
	case PHONE_LENGTH_TOO_LONG: return PHONE_TOO_LONG;
	default: return PHONE_INVALID;
	}
}

int
phone_fast_normalize(const char *text, const char *region, char *out, size_t outlen)
{
	char plus[PHONE_FAST_MAX_TEXT + 2], e164[32];
	struct phone_fast_digits nsn;
	const char *p;
	int result, again, cc, len, k;
	size_t n;

	if (text == NULL)
		return PHONE_NOT_A_NUMBER;
	pthread_once(&phone_fast_once, phone_fast_init);
	if (!phone_fast.ok)
		return PHONE_FALLBACK;
	if (region == NULL || *region == '\0')
		region = "ZZ";
	n = strlen(text);
	result = phone_fast_parse(text, n, region, &cc, &nsn);
	if (result == PHONE_FALLBACK)
		return PHONE_FALLBACK;
	if (result != PHONE_OK) {
		/* As the shim: a leading 00 tried as '+', keeping the first
		 * reason if that fails too. */
		for (p = text; *p != '\0' && !(*p >= '0' && *p <= '9'); p++) {
			if (*p == '+')
				return result;
		}
		if (p[0] != '0' || p[1] != '0')
			return result;
		len = snprintf(plus, sizeof plus, "+%s", p + 2);
		if (len < 0 || (size_t)len >= sizeof plus)
			return PHONE_FALLBACK;
		again = phone_fast_parse(plus, (size_t)len, region, &cc, &nsn);
		if (again == PHONE_FALLBACK)
			return PHONE_FALLBACK;
		if (again != PHONE_OK)
			return result;
	}
	/* "+", the calling code, the national significant number. */
	e164[0] = '+';
	len = 1 + (cc >= 100) + (cc >= 10) + 1;
	for (k = len - 1; k > 0; k--, cc /= 10)
		e164[k] = (char)('0' + cc % 10);
	memcpy(e164 + len, nsn.s, nsn.n);
	len += (int)nsn.n;
	e164[len] = '\0';
	if ((size_t)len >= outlen)
		return PHONE_TOO_LONG;
	memcpy(out, e164, (size_t)len + 1);
	return PHONE_OK;
}
