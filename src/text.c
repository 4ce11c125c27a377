/* Small text utilities behind text.h: UTF-8 checks, header folding for
 * synonym matching, escaping for terminals and trimming. Display width and
 * screen sanitizing belong to tui-text.c, not here. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>

#include "i18n.h"
#include "text.h"
#include "xmalloc.h"

/* What a Latin-1 or Latin Extended-A letter folds to in a header key; NULL
 * keeps the character as it is, "" drops it. Code points from U+00A0 to
 * U+00BF missing here are punctuation or symbols and are dropped. */
/* clang-format off */
static const struct text_fold {
	uint32_t first;
	uint32_t last;
	const char *base;
} text_folds[] = {
	{ 0x00aa, 0x00aa, "a" },	/* ª */
	{ 0x00b2, 0x00b2, "2" },
	{ 0x00b3, 0x00b3, "3" },
	{ 0x00b5, 0x00b5, NULL },	/* µ, a letter of its own */
	{ 0x00b9, 0x00b9, "1" },
	{ 0x00ba, 0x00ba, "o" },	/* º */
	{ 0x00c0, 0x00c5, "a" },
	{ 0x00c6, 0x00c6, "ae" },
	{ 0x00c7, 0x00c7, "c" },
	{ 0x00c8, 0x00cb, "e" },
	{ 0x00cc, 0x00cf, "i" },
	{ 0x00d0, 0x00d0, "d" },
	{ 0x00d1, 0x00d1, "n" },
	{ 0x00d2, 0x00d6, "o" },
	{ 0x00d7, 0x00d7, "" },		/* × */
	{ 0x00d8, 0x00d8, "o" },
	{ 0x00d9, 0x00dc, "u" },
	{ 0x00dd, 0x00dd, "y" },
	{ 0x00de, 0x00de, "th" },
	{ 0x00df, 0x00df, "ss" },
	{ 0x00e0, 0x00e5, "a" },
	{ 0x00e6, 0x00e6, "ae" },
	{ 0x00e7, 0x00e7, "c" },
	{ 0x00e8, 0x00eb, "e" },
	{ 0x00ec, 0x00ef, "i" },
	{ 0x00f0, 0x00f0, "d" },
	{ 0x00f1, 0x00f1, "n" },
	{ 0x00f2, 0x00f6, "o" },
	{ 0x00f7, 0x00f7, "" },		/* ÷ */
	{ 0x00f8, 0x00f8, "o" },
	{ 0x00f9, 0x00fc, "u" },
	{ 0x00fd, 0x00fd, "y" },
	{ 0x00fe, 0x00fe, "th" },
	{ 0x00ff, 0x00ff, "y" },
	{ 0x0100, 0x0105, "a" },
	{ 0x0106, 0x010d, "c" },
	{ 0x010e, 0x0111, "d" },
	{ 0x0112, 0x011b, "e" },
	{ 0x011c, 0x0123, "g" },
	{ 0x0124, 0x0127, "h" },
	{ 0x0128, 0x0131, "i" },
	{ 0x0132, 0x0133, "ij" },
	{ 0x0134, 0x0135, "j" },
	{ 0x0136, 0x0138, "k" },
	{ 0x0139, 0x0142, "l" },
	{ 0x0143, 0x014b, "n" },
	{ 0x014c, 0x0151, "o" },
	{ 0x0152, 0x0153, "oe" },
	{ 0x0154, 0x0159, "r" },
	{ 0x015a, 0x0161, "s" },
	{ 0x0162, 0x0167, "t" },
	{ 0x0168, 0x0173, "u" },
	{ 0x0174, 0x0175, "w" },
	{ 0x0176, 0x0178, "y" },
	{ 0x0179, 0x017e, "z" },
	{ 0x017f, 0x017f, "s" },	/* long s */
};

/* Separators beyond Latin-1 that headers are written with: they are
 * dropped from header keys like ASCII punctuation. */
static const struct text_range {
	uint32_t first;
	uint32_t last;
} text_fold_drops[] = {
	{ 0x0300, 0x036f },	/* combining accents, as in decomposed é */
	{ 0x2000, 0x206f },	/* spaces, dashes, quotes, invisible marks */
	{ 0x2e00, 0x2e7f },	/* supplemental punctuation */
	{ 0x3000, 0x3003 },	/* ideographic space, CJK comma and stops */
	{ 0x3008, 0x3011 },	/* CJK brackets */
	{ 0x3014, 0x301f },
	{ 0xfe10, 0xfe1f },	/* vertical punctuation */
	{ 0xfe30, 0xfe6f },	/* CJK compatibility and small punctuation */
	{ 0xfeff, 0xfeff },	/* byte order mark */
	{ 0xff61, 0xff65 },	/* halfwidth CJK punctuation */
};
/* clang-format on */

/* Decodes the well-formed UTF-8 sequence at s (Unicode table 3-7: no
 * overlong forms, no surrogates, nothing above U+10FFFF). Returns its length
 * and sets *cp, or returns 0 when s does not start such a sequence. */
static size_t
text_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char lo = 0x80, hi = 0xbf;
	uint32_t c;
	size_t n, i;

	if (len == 0)
		return 0;
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		c &= 0x0f;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		c &= 0x07;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if (s[i] < lo || s[i] > hi)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = c;
	return n;
}

size_t
text_utf8_invalid_at(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp;
	size_t i = 0, n;

	while (i < len) {
		n = text_decode(u + i, len - i, &cp);
		if (n == 0)
			return i;
		i += n;
	}
	return (size_t)-1;
}

size_t
text_utf8_length(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = 0;

	/* Every byte that is not a continuation byte starts a code point. */
	for (; *u != '\0'; u++) {
		if ((*u & 0xc0) != 0x80)
			n++;
	}
	return n;
}

static int
text_fold_dropped(uint32_t cp)
{
	size_t i;

	for (i = 0; i < sizeof text_fold_drops / sizeof text_fold_drops[0]; i++) {
		if (cp >= text_fold_drops[i].first && cp <= text_fold_drops[i].last)
			return 1;
	}
	return 0;
}

/* The fold for a code point from U+00A0 to U+017F; NULL keeps it. */
static const char *
text_fold_latin(uint32_t cp)
{
	size_t i;

	for (i = 0; i < sizeof text_folds / sizeof text_folds[0]; i++) {
		if (cp >= text_folds[i].first && cp <= text_folds[i].last)
			return text_folds[i].base;
	}
	return "";
}

char *
text_fold_header(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, o = 0, n;
	const char *base;
	char *out;
	uint32_t cp;

	/* No fold is longer than what it replaces: ß → ss, Ĳ → ij. */
	out = xmalloc(len + 1);
	while (i < len) {
		n = text_decode(u + i, len - i, &cp);
		if (n == 0) {
			i++; /* an invalid byte is no letter */
			continue;
		}
		/* Fullwidth ASCII, as typed with CJK input methods. */
		if (cp >= 0xff01 && cp <= 0xff5e)
			cp -= 0xfee0;
		if (cp < 0x80) {
			if (cp >= 'A' && cp <= 'Z')
				out[o++] = (char)(cp - 'A' + 'a');
			else if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
				out[o++] = (char)cp;
		} else if (cp < 0xa0) {
			/* C1 controls: dropped. */
		} else if (cp <= 0x17f) {
			base = text_fold_latin(cp);
			if (base == NULL) {
				memcpy(out + o, s + i, n);
				o += n;
			} else {
				memcpy(out + o, base, strlen(base));
				o += strlen(base);
			}
		} else if (!text_fold_dropped(cp)) {
			memcpy(out + o, s + i, n);
			o += n;
		}
		i += n;
	}
	out[o] = '\0';
	return out;
}

static size_t
text_hex(char *out, unsigned int byte)
{
	static const char digits[] = "0123456789abcdef";

	out[0] = '\\';
	out[1] = 'x';
	out[2] = digits[(byte >> 4) & 0xf];
	out[3] = digits[byte & 0xf];
	return 4;
}

char *
text_escape(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, o = 0, n;
	char *out;
	uint32_t cp;

	/* At worst every byte becomes \xNN. */
	out = xmalloc(4 * len + 1);
	while (i < len) {
		n = text_decode(u + i, len - i, &cp);
		if (n == 0) {
			o += text_hex(out + o, u[i]);
			i++;
			continue;
		}
		if (cp == '\n' || cp == '\r' || cp == '\t') {
			out[o++] = '\\';
			out[o++] = cp == '\n' ? 'n' : cp == '\r' ? 'r' : 't';
		} else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			o += text_hex(out + o, cp);
		else {
			memcpy(out + o, s + i, n);
			o += n;
		}
		i += n;
	}
	out[o] = '\0';
	return out;
}

/* Length of the white space at s: an ASCII space or control of the
 * isspace() set, or U+00A0; 0 when s does not start with one. */
static size_t
text_space_at(const char *s)
{
	if (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		return 1;
	if ((unsigned char)s[0] == 0xc2 && (unsigned char)s[1] == 0xa0)
		return 2;
	return 0;
}

char *
text_trim(char *s)
{
	size_t start = 0, end, n;

	while ((n = text_space_at(s + start)) != 0)
		start += n;
	end = strlen(s);
	for (;;) {
		if (end > start && text_space_at(s + end - 1) == 1)
			end--;
		else if (end >= start + 2 && text_space_at(s + end - 2) == 2)
			end -= 2;
		else
			break;
	}
	memmove(s, s + start, end - start);
	s[end - start] = '\0';
	return s;
}

FILE *
text_file_open(const char *path, size_t max, char **why)
{
	struct stat st;
	/* Without waiting: opening a FIFO would wait for a writer. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1) {
		*why = xstrdup(strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*why = xstrdup(_("it is not a regular file"));
		close(fd);
		return NULL;
	}
	if ((uintmax_t)st.st_size > (uintmax_t)max) {
		*why =
		    xasprintf(_("it is larger than %zu KiB, which no such file needs"), max / 1024);
		close(fd);
		return NULL;
	}
	FILE *fp = fcntl(fd, F_SETFL, 0) == 0 ? fdopen(fd, "r") : NULL;
	if (fp == NULL) {
		*why = xstrdup(strerror(errno));
		close(fd);
	}
	return fp;
}

int
text_width(const char *s)
{
	size_t len = strlen(s);
	mbstate_t st;
	memset(&st, 0, sizeof st);
	int width = 0;
	for (size_t i = 0; i < len;) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s + i, len - i, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof st);
			width++;
			i++;
			continue;
		}
		int w = wcwidth(wc);
		width += w < 0 ? 1 : w;
		i += n;
	}
	return width;
}

char *
text_pad(const char *s, int width, int right_aligned)
{
	int w = text_width(s);
	size_t len = strlen(s), fill = w < width ? (size_t)(width - w) : 0;
	char *out = xmalloc(len + fill + 1);
	if (right_aligned) {
		memset(out, ' ', fill);
		memcpy(out + fill, s, len);
	} else {
		memcpy(out, s, len);
		memset(out + len, ' ', fill);
	}
	out[len + fill] = '\0';
	return out;
}

static locale_t text_user_numeric;
static pthread_once_t text_user_numeric_once = PTHREAD_ONCE_INIT;

static void
text_user_numeric_open(void)
{
	text_user_numeric = newlocale(LC_NUMERIC_MASK, "", (locale_t)0);
}

char *
text_number(double v, int decimals)
{
	pthread_once(&text_user_numeric_once, text_user_numeric_open);
	locale_t old = text_user_numeric != (locale_t)0 ? uselocale(text_user_numeric) : (locale_t)0;
	char *out = xasprintf("%'.*f", decimals, v);
	if (old != (locale_t)0)
		uselocale(old);
	return out;
}
