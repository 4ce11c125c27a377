/* The differential phone test: generated inputs across all regions and
 * formats, each answered by the fast matcher (validate-phone-fast.c) and by
 * plain libphonenumber; any difference in result or E.164 is a failure.
 * test-phone-diff [COUNT [SEED]]: make check runs 100,000, make check-phones
 * ten million. Speaks TAP. */
#include "config.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phone-examples.h"
#include "validate-phone-int.h"
#include "xmalloc.h"

#define DIFF_TEXT 160 /* longest generated input, with room to grow */
#define DIFF_THREADS 4
#define DIFF_THREAD_INPUTS 5000

struct diff_seed {
	char *text;
	char *region;
};

static struct {
	struct diff_seed *seeds;
	size_t nseeds, aseeds;
	char **regions;
	size_t nregions, aregions;
	uint64_t rng;
} diff;

static uint64_t
diff_random(void)
{
	/* xorshift64*: the same inputs for the same seed everywhere. */
	diff.rng ^= diff.rng >> 12;
	diff.rng ^= diff.rng << 25;
	diff.rng ^= diff.rng >> 27;
	return diff.rng * 2685821657736338717ULL;
}

static size_t
diff_below(size_t n)
{
	return (size_t)(diff_random() % n);
}

static void
diff_add_seed(const char *text, const char *region, void *arg)
{
	(void)arg;
	if (strlen(text) >= DIFF_TEXT / 2)
		return;
	if (diff.nseeds == diff.aseeds) {
		diff.aseeds = diff.aseeds ? diff.aseeds * 2 : 1024;
		diff.seeds = xreallocarray(diff.seeds, diff.aseeds, sizeof *diff.seeds);
	}
	diff.seeds[diff.nseeds].text = xstrdup(text);
	diff.seeds[diff.nseeds].region = xstrdup(region);
	diff.nseeds++;
}

static void
diff_add_region(const char *region, void *arg)
{
	(void)arg;
	if (diff.nregions == diff.aregions) {
		diff.aregions = diff.aregions ? diff.aregions * 2 : 256;
		diff.regions = xreallocarray(diff.regions, diff.aregions, sizeof *diff.regions);
	}
	diff.regions[diff.nregions++] = xstrdup(region);
}

/* Editing a NUL-terminated text of at most DIFF_TEXT - 1 bytes. */
static void
diff_insert(char *t, size_t at, const char *what)
{
	size_t n = strlen(t), w = strlen(what);

	if (n + w >= DIFF_TEXT)
		return;
	if (at > n)
		at = n;
	memmove(t + at + w, t + at, n - at + 1);
	memcpy(t + at, what, w);
}

static void
diff_delete(char *t, size_t at, size_t len)
{
	size_t n = strlen(t);

	if (at >= n)
		return;
	if (len > n - at)
		len = n - at;
	memmove(t + at, t + at + len, n - at - len + 1);
}

/* Position of the k-th digit (k counted modulo the digits), or -1. */
static long
diff_digit_at(const char *t, size_t k)
{
	size_t i, digits = 0;

	for (i = 0; t[i] != '\0'; i++) {
		if (t[i] >= '0' && t[i] <= '9')
			digits++;
	}
	if (digits == 0)
		return -1;
	k %= digits;
	for (i = 0; t[i] != '\0'; i++) {
		if (t[i] >= '0' && t[i] <= '9' && k-- == 0)
			return (long)i;
	}
	return -1;
}

static void
diff_random_digits(char *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		t[i] = (char)('0' + diff_below(10));
	t[n] = '\0';
}

/* The digits of t written again in groups with separators, with a prefix
 * for abroad or a trunk prefix now and then. */
static void
diff_regroup(char *t)
{
	static const char *const seps[] = { " ", "-", ".", "  ", " - ", "/", "" };
	static const char *const prefixes[] = { "", "", "+", "00", "011", "+0", "0", "(0)", "+ ",
		"++", "001", "0011", "8~10", "810", "1" };
	char digits[DIFF_TEXT], out[DIFF_TEXT];
	const char *sep = seps[diff_below(sizeof seps / sizeof *seps)];
	size_t i, n = 0, group, o = 0;
	int parens = diff_below(4) == 0;

	for (i = 0; t[i] != '\0'; i++) {
		if (t[i] >= '0' && t[i] <= '9')
			digits[n++] = t[i];
	}
	o = (size_t)snprintf(out, sizeof out, "%s",
	    prefixes[diff_below(sizeof prefixes / sizeof *prefixes)]);
	for (i = 0; i < n && o < DIFF_TEXT - 8;) {
		group = 1 + diff_below(4);
		if (i > 0)
			o += (size_t)snprintf(out + o, sizeof out - o, "%s", sep);
		if (parens && i == 0)
			out[o++] = '(';
		while (group-- > 0 && i < n)
			out[o++] = digits[i++];
		if (parens && i <= 4 && (i >= n || diff_below(2) == 0)) {
			out[o++] = ')';
			parens = 0;
		}
	}
	out[o] = '\0';
	memcpy(t, out, o + 1);
}

/* One change to t, chosen at random. */
static void
diff_mutate(char *t)
{
	static const char *const extensions[] = { " ext. 12", " x123", "#45", ";ext=1", ",,12",
		" ext 7", " extension 99", " #", " x", " ext", " доб. 5", ";isub=12",
		";phone-context=+49", " anexo 2", " 123#", "~12", " EXT 42", " Ext. 3", " X 5",
		" ext.123", "ext 1234567890123456789012", " x1234567890", " x123456789",
		" extension  12345678901234567890", "  ext .  1", " ext: 12", " extn 4", ". x 2" };
	static const char *const junk[] = { "\t", "/", "\\", "*", "#", "+", ";", ",", "'", "\"",
		"_", ":", "[", "]", "{", "\xc2\xa0", "\xef\xbc\x91", "\xd9\xa3", "\xe2\x80\x90",
		"\xef\xbc\x8b", "\xe3\x80\x80", "\xff", "\xc3", "x", "e", "tel:", "Tel. ",
		"phone: ", "a", "Z", "ABC", "FLOWERS" };
	static const char *const nonumbers[] = { "", " ", "n/a", "TBD", "call office", "#REF!", "+",
		"()", "-", "none", "+ext", "tel:", "x", "ï¼ï¼ï¼", "++", "Ⅻ", "Ù¡Ù¢Ù£Ù¤",
		"N/A (ask)" };
	static const char *const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	char digit[2] = { 0, 0 }, buf[DIFF_TEXT];
	long at;
	size_t n = strlen(t), k;

	switch (diff_below(15)) {
	case 0: /* one or two digits changed */
	case 1:
		for (k = 0; k < 1 + diff_below(2); k++) {
			at = diff_digit_at(t, diff_random());
			if (at >= 0)
				t[at] = (char)('0' + diff_below(10));
		}
		break;
	case 2: /* a digit gone */
		at = diff_digit_at(t, diff_random());
		if (at >= 0)
			diff_delete(t, (size_t)at, 1);
		break;
	case 3: /* a digit more */
		digit[0] = (char)('0' + diff_below(10));
		diff_insert(t, diff_below(n + 1), digit);
		break;
	case 4: /* cut short */
		if (n > 0)
			t[diff_below(n)] = '\0';
		break;
	case 5: /* digits appended */
		diff_random_digits(buf, 1 + diff_below(6));
		diff_insert(t, n, buf);
		break;
	case 6:
	case 7: diff_regroup(t); break;
	case 8: /* an extension */
		diff_insert(t, n, extensions[diff_below(sizeof extensions / sizeof *extensions)]);
		break;
	case 9: /* letters for digits */
		at = diff_digit_at(t, diff_random());
		if (at >= 0)
			t[at] = letters[diff_below(strlen(letters))];
		break;
	case 10: /* junk anywhere */
		diff_insert(t, diff_below(n + 1), junk[diff_below(sizeof junk / sizeof *junk)]);
		break;
	case 11: /* a separator or bracket anywhere */
		digit[0] = " .-()+"[diff_below(6)];
		diff_insert(t, diff_below(n + 1), digit);
		break;
	case 12: /* something else entirely: digits of any length */
		k = diff_below(22);
		diff_random_digits(buf, k);
		snprintf(t, DIFF_TEXT, "%s%s",
		    (const char *[]){ "", "+", "00", "0", "011", "(", " " }[diff_below(7)], buf);
		break;
	case 13: /* no number at all */
		snprintf(t, DIFF_TEXT, "%s",
		    nonumbers[diff_below(sizeof nonumbers / sizeof *nonumbers)]);
		break;
	case 14: /* spaces around */
		diff_insert(t, 0, " ");
		diff_insert(t, strlen(t), diff_below(2) ? " " : ".");
		break;
	}
}

static const char *
diff_region(const struct diff_seed *seed)
{
	static const char *const odd[] = { NULL, "ZZ", "001", "de", "XX", "", "USA", "UK" };
	size_t r = diff_below(100);

	if (r < 45)
		return seed->region;
	if (r < 65)
		return "US";
	if (r < 88)
		return diff.regions[diff_below(diff.nregions)];
	return odd[diff_below(sizeof odd / sizeof *odd)];
}

static const char *
diff_result_name(int r)
{
	static const char *const names[] = { "ok", "not-a-number", "unknown-country", "too-short",
		"too-long", "invalid" };

	if (r == PHONE_FALLBACK)
		return "fallback";
	return r >= 0 && r < 6 ? names[r] : "?";
}

/* The input i of the run: a seed, changed up to three times. */
static void
diff_input(char *t, const char **region)
{
	const struct diff_seed *seed = &diff.seeds[diff_below(diff.nseeds)];
	size_t k, changes = diff_below(4);

	snprintf(t, DIFF_TEXT, "%s", seed->text);
	for (k = 0; k < changes; k++)
		diff_mutate(t);
	*region = diff_region(seed);
}

/* The first inputs, answered by several threads at once from the very
 * first call (the metadata is compiled while they race). */
struct diff_thread {
	pthread_t thread;
	char (*texts)[DIFF_TEXT];
	const char **regions;
	int results[DIFF_THREAD_INPUTS];
	char outs[DIFF_THREAD_INPUTS][32];
};

static void *
diff_thread_run(void *arg)
{
	struct diff_thread *t = arg;
	size_t i;

	for (i = 0; i < DIFF_THREAD_INPUTS; i++) {
		t->outs[i][0] = '\0';
		t->results[i] =
		    phone_fast_normalize(t->texts[i], t->regions[i], t->outs[i], sizeof t->outs[i]);
	}
	return NULL;
}

/* Returns how many answers, over all threads, differ from libphonenumber's. */
static size_t
diff_threads(void)
{
	static char texts[DIFF_THREAD_INPUTS][DIFF_TEXT];
	static const char *regions[DIFF_THREAD_INPUTS];
	struct diff_thread *threads;
	char out[32];
	size_t i, k, differ = 0;
	int lib;

	for (i = 0; i < DIFF_THREAD_INPUTS; i++)
		diff_input(texts[i], &regions[i]);
	threads = xcalloc(DIFF_THREADS, sizeof *threads);
	for (k = 0; k < DIFF_THREADS; k++) {
		threads[k].texts = texts;
		threads[k].regions = regions;
		if (pthread_create(&threads[k].thread, NULL, diff_thread_run, &threads[k]) != 0)
			return DIFF_THREAD_INPUTS;
	}
	for (k = 0; k < DIFF_THREADS; k++)
		pthread_join(threads[k].thread, NULL);
	for (i = 0; i < DIFF_THREAD_INPUTS; i++) {
		out[0] = '\0';
		lib = phone_lib_normalize(texts[i], regions[i], out, sizeof out);
		for (k = 0; k < DIFF_THREADS; k++) {
			if (threads[k].results[i] != PHONE_FALLBACK &&
			    (threads[k].results[i] != lib ||
				(lib == PHONE_OK && strcmp(threads[k].outs[i], out) != 0)))
				differ++;
		}
	}
	free(threads);
	return differ;
}

int
main(int argc, char **argv)
{
	uint64_t count = 100000, seed = 14, i, answered = 0, disagreements = 0, kinds[6] = { 0 };
	char text[DIFF_TEXT], lib_out[32], fast_out[32];
	const char *region;
	int lib, fast;

	if (argc > 1)
		count = strtoull(argv[1], NULL, 10);
	if (argc > 2)
		seed = strtoull(argv[2], NULL, 10);
	diff.rng = seed * 0x9E3779B97F4A7C15ULL + 1;
	phone_examples(diff_add_seed, NULL);
	phone_examples_regions(diff_add_region, NULL);
	printf("1..4\n");
	printf("%s 1 - %zu seeds from libphonenumber's examples in %zu regions\n",
	    diff.nseeds > 1000 && diff.nregions > 200 ? "ok" : "not ok", diff.nseeds, diff.nregions);
	printf("%s 2 - %d threads answering the same %d inputs at once agree with "
	       "libphonenumber\n",
	    diff_threads() == 0 ? "ok" : "not ok", DIFF_THREADS, DIFF_THREAD_INPUTS);
	for (i = 0; i < count; i++) {
		diff_input(text, &region);
		lib_out[0] = fast_out[0] = '\0';
		lib = phone_lib_normalize(text, region, lib_out, sizeof lib_out);
		fast = phone_fast_normalize(text, region, fast_out, sizeof fast_out);
		if (fast == PHONE_FALLBACK)
			continue;
		answered++;
		kinds[fast]++;
		if (fast == (int)lib && (lib != PHONE_OK || strcmp(lib_out, fast_out) == 0))
			continue;
		if (disagreements++ < 20)
			printf("# differs: \"%s\" region %s: libphonenumber %s %s, fast %s %s\n",
			    text, region ? region : "(none)", diff_result_name(lib), lib_out,
			    diff_result_name(fast), fast_out);
	}
	printf("%s 3 - %" PRIu64 " inputs, %" PRIu64 " answered by the fast matcher, %" PRIu64
	       " disagreements with libphonenumber\n",
	    disagreements == 0 ? "ok" : "not ok", count, answered, disagreements);
	printf("# the fast matcher's answers: %" PRIu64 " ok, %" PRIu64 " not a number, %" PRIu64
	       " unknown country, %" PRIu64 " too short, %" PRIu64 " too long, %" PRIu64 " invalid\n",
	    kinds[0], kinds[1], kinds[2], kinds[3], kinds[4], kinds[5]);
	/* A matcher that gave every input back to libphonenumber would agree
	 * trivially: most generated inputs have the shapes it follows. */
	printf("%s 4 - the fast matcher answered %" PRIu64 "%% of the inputs (at least 50%%)\n",
	    count > 0 && answered * 2 >= count ? "ok" : "not ok",
	    count > 0 ? answered * 100 / count : 0);
	return 0;
}
