/* Terminal-safe text for the wizard: escaping, display width with
 * wcwidth(), cutting and padding to columns. No curses here, so that the
 * unit tests can check it without a terminal. */
#include "config.h"

#include <langinfo.h>
#include <locale.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "text.h"
#include "tui-text.h"
#include "xmalloc.h"

/* Code points that reorder or hide text in a terminal that follows the
 * Unicode bidirectional algorithm, or that have no width of their own
 * worth trusting. */
static int
tui_text_hazard(wchar_t wc)
{
	if ((wc >= 0x202a && wc <= 0x202e) || (wc >= 0x2066 && wc <= 0x2069) || wc == 0x200e ||
	    wc == 0x200f || wc == 0x061c || wc == 0xfeff || (wc >= 0xfff9 && wc <= 0xfffb))
		return 1;
	return wcwidth(wc) < 0;
}

static int
tui_text_utf8(void)
{
	static int utf8 = -1;
	if (utf8 < 0) {
		const char *cs = nl_langinfo(CODESET);
		utf8 = cs != NULL && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
	}
	return utf8;
}

const char *
tui_text_ellipsis(void)
{
	return tui_text_utf8() ? "\xe2\x80\xa6" : "~";
}

char *
tui_text_clean(const char *s)
{
	char *esc = text_escape(s ? s : "");
	size_t len = strlen(esc), cap = len + 1, o = 0;
	char *out = xmalloc(cap);
	mbstate_t st;
	memset(&st, 0, sizeof st);
	for (size_t i = 0; i < len;) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, esc + i, len - i, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			/* Not a character in this locale (a non-UTF-8 terminal):
			 * show the byte's value rather than the byte. */
			memset(&st, 0, sizeof st);
			if (o + 5 > cap)
				out = xrealloc(out, cap = cap * 2 + 8);
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", (unsigned char)esc[i]);
			i++;
			continue;
		}
		if ((unsigned long)wc >= 0x80 && tui_text_hazard(wc)) {
			if (o + 12 > cap)
				out = xrealloc(out, cap = cap * 2 + 16);
			o += (size_t)snprintf(out + o, cap - o, "\\u{%04lx}", (unsigned long)wc);
		} else {
			if (o + n + 1 > cap)
				out = xrealloc(out, cap = cap * 2 + n + 1);
			memcpy(out + o, esc + i, n);
			o += n;
		}
		i += n;
	}
	out[o] = '\0';
	free(esc);
	return out;
}

/* Width of one character: wcwidth(), with 1 for what it cannot measure. */
static int
tui_text_wc_width(wchar_t wc)
{
	int w = wcwidth(wc);
	return w < 0 ? 1 : w;
}

int
tui_text_width(const char *clean)
{
	return text_width(clean);
}

char *
tui_text_cut(const char *clean, int width, int *used)
{
	if (width < 0)
		width = 0;
	int total = tui_text_width(clean);
	if (total <= width) {
		if (used)
			*used = total;
		return xstrdup(clean);
	}
	const char *ell = tui_text_ellipsis();
	int room = width - 1; /* one column for the ellipsis */
	size_t len = strlen(clean), i = 0;
	int w = 0;
	mbstate_t st;
	memset(&st, 0, sizeof st);
	while (i < len && room > 0) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, clean + i, len - i, &st);
		int cw;
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof st);
			n = 1;
			cw = 1;
		} else
			cw = tui_text_wc_width(wc);
		if (w + cw > room)
			break;
		w += cw;
		i += n;
	}
	/* Combining marks that follow the last character kept belong to it. */
	while (i < len) {
		wchar_t wc;
		mbstate_t st2;
		memset(&st2, 0, sizeof st2);
		size_t n = mbrtowc(&wc, clean + i, len - i, &st2);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0 || wcwidth(wc) != 0)
			break;
		i += n;
	}
	char *out;
	if (width <= 0) {
		out = xstrdup("");
		w = 0;
	} else {
		out = xmalloc(i + strlen(ell) + 1);
		memcpy(out, clean, i);
		strcpy(out + i, ell);
		w += 1;
	}
	if (used)
		*used = w;
	return out;
}

char *
tui_text_fit(const char *clean, int width, int right)
{
	int used;
	char *cut = tui_text_cut(clean, width, &used);
	int pad = width > used ? width - used : 0;
	size_t n = strlen(cut);
	char *out = xmalloc(n + (size_t)pad + 1);
	if (right) {
		memset(out, ' ', (size_t)pad);
		memcpy(out + pad, cut, n + 1);
	} else {
		memcpy(out, cut, n);
		memset(out + n, ' ', (size_t)pad);
		out[n + (size_t)pad] = '\0';
	}
	free(cut);
	return out;
}

char *
tui_text_cell(const char *raw, int width, int right)
{
	char *clean = tui_text_clean(raw);
	char *out = tui_text_fit(clean, width, right);
	free(clean);
	return out;
}

/* The user's thousands separator, as text_number() writes it ("." in
 * German, a narrow space in French); a comma where the locale has none
 * (C), as the wizard always wrote. */
static char tui_text_sep[8] = ",";
static pthread_once_t tui_text_sep_once = PTHREAD_ONCE_INIT;

static void
tui_text_sep_find(void)
{
	char *s = text_number(1000, 0); /* "1.000", "1 000", "1,000" or "1000" */
	size_t len = strlen(s);
	if (len > 4 && len - 4 < sizeof tui_text_sep) {
		memcpy(tui_text_sep, s + 1, len - 4);
		tui_text_sep[len - 4] = '\0';
	}
	free(s);
}

void
tui_text_thousands(char *buf, size_t n, unsigned long long v)
{
	pthread_once(&tui_text_sep_once, tui_text_sep_find);
	const char *sep = tui_text_sep;
	size_t seplen = strlen(sep);
	char tmp[32];
	int len = snprintf(tmp, sizeof tmp, "%llu", v);
	size_t o = 0;
	for (int i = 0; i < len && o + seplen + 1 < n; i++) {
		if (i > 0 && (len - i) % 3 == 0) {
			memcpy(buf + o, sep, seplen);
			o += seplen;
		}
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
}

void
tui_text_percent(char *buf, size_t n, double percent)
{
	char *s = text_number(percent, 1);
	snprintf(buf, n, "%5s%%", s);
	free(s);
}

void
tui_text_clock(char *buf, size_t n, double s)
{
	if (s < 0) {
		snprintf(buf, n, "--:--");
		return;
	}
	unsigned long t = (unsigned long)(s + 0.5);
	if (t >= 3600)
		snprintf(buf, n, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, n, "%lu:%02lu", t / 60, t % 60);
}

void
tui_text_size(char *buf, size_t n, unsigned long long bytes)
{
	static const char *const units[] = { "KB", "MB", "GB" };
	if (bytes < 1024) {
		snprintf(buf, n, "%llu B", bytes);
		return;
	}
	double v = (double)bytes / 1024;
	int u = 0;
	while (u < 2 && v >= 1024) {
		v /= 1024;
		u++;
	}
	char *num = text_number(v, 1); /* "4.2", "4,2" in German */
	snprintf(buf, n, "%s %s", num, units[u]);
	free(num);
}

void
tui_text_when(char *buf, size_t n, time_t t, int with_year)
{
	const char *locale = setlocale(LC_TIME, NULL);
	const char *d = nl_langinfo(D_FMT);
	char fmt[64];
	size_t o = 0;
	struct tm tm;

	if (locale == NULL || !strcmp(locale, "C") || !strcmp(locale, "POSIX") ||
	    !strncmp(locale, "C.", 2) || d == NULL || strlen(d) > 32)
		d = "%Y-%m-%d";
	for (size_t i = 0; d[i] != '\0' && o + 4 < sizeof fmt; i++) {
		if (d[i] == '%' && (d[i + 1] == 'Y' || d[i + 1] == 'y')) {
			i++;
			if (with_year) {
				memcpy(fmt + o, "%Y", 2);
				o += 2;
				continue;
			}
			/* Without the year: its separator goes too, the one
			 * before it when it ends the date, else the one after. */
			if (d[i + 1] == '\0' && o > 0 && fmt[o - 1] != 'd' && fmt[o - 1] != 'm')
				o--;
			else if (d[i + 1] != '\0' && d[i + 1] != '%')
				i++;
			continue;
		}
		fmt[o++] = d[i];
	}
	memcpy(fmt + o, " %H:%M", 7);
	localtime_r(&t, &tm);
	if (strftime(buf, n, fmt, &tm) == 0 && n > 0)
		buf[0] = '\0';
}
