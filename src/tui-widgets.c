/* The wizard's widgets: cleaned text in columns, title and footer, bars,
 * the list, dialog boxes. Every string reaches the terminal through
 * tui_put(), which escapes it first. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "i18n.h"
#include "text.h"
#include "tui-text.h"
#include "tui-widgets.h"
#include "xmalloc.h"

/* Draws already clean text, fitted to width. */
static int
tui_put_clean(WINDOW *w, int y, int x, int width, const char *clean, int right, attr_t attr)
{
	if (width <= 0)
		return 0;
	int maxx = getmaxx(w);
	if (x >= maxx)
		return 0;
	if (x + width > maxx)
		width = maxx - x;
	int used;
	char *cut = tui_text_cut(clean, width, &used);
	char *fit = tui_text_fit(cut, width, right);
	/* The colour pair travels in attr (COLOR_PAIR()): wattrset keeps it. */
	wattrset(w, (int)attr);
	wmove(w, y, x);
	/* Through wide characters, so that the width curses counts is the
	 * width measured. */
	size_t len = strlen(fit);
	wchar_t *wbuf = xcalloc(len + 1, sizeof *wbuf);
	mbstate_t st;
	memset(&st, 0, sizeof st);
	const char *src = fit;
	size_t n = mbsrtowcs(wbuf, &src, len + 1, &st);
	if (n == (size_t)-1)
		waddnstr(w, fit, -1);
	else
		waddnwstr(w, wbuf, (int)n);
	wattrset(w, A_NORMAL);
	free(wbuf);
	free(fit);
	free(cut);
	return used;
}

int
tui_put(WINDOW *w, int y, int x, int width, const char *raw, attr_t attr)
{
	char *clean = tui_text_clean(raw);
	int used = tui_put_clean(w, y, x, width, clean, 0, attr);
	free(clean);
	return used;
}

void
tui_put_right(WINDOW *w, int y, int x, int width, const char *raw, attr_t attr)
{
	char *clean = tui_text_clean(raw);
	tui_put_clean(w, y, x, width, clean, 1, attr);
	free(clean);
}

int
tui_putf(WINDOW *w, int y, int x, int width, attr_t attr, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	int used = tui_put(w, y, x, width, s, attr);
	free(s);
	return used;
}

/* Splits clean text into lines of at most width columns at spaces. Calls
 * line(ctx, start, bytes) for each; returns the count. */
static int
tui_wrap(const char *clean, int width, void (*line)(void *, const char *, size_t), void *ctx)
{
	int lines = 0;
	const char *p = clean;
	if (width < 1)
		width = 1;
	while (*p) {
		const char *nl = strstr(p, "\\n");
		size_t avail = nl ? (size_t)(nl - p) : strlen(p);
		/* Find the longest prefix of p[0..avail) that fits. */
		size_t best = 0, last_space = 0;
		int w = 0;
		mbstate_t st;
		memset(&st, 0, sizeof st);
		size_t i = 0;
		while (i < avail) {
			wchar_t wc;
			size_t n = mbrtowc(&wc, p + i, avail - i, &st);
			if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
				memset(&st, 0, sizeof st);
				n = 1;
				wc = '?';
			}
			int cw = wcwidth(wc);
			if (cw < 0)
				cw = 1;
			if (w + cw > width)
				break;
			w += cw;
			i += n;
			if (wc == ' ')
				last_space = i;
			best = i;
		}
		size_t take = best;
		if (i < avail && last_space > 0)
			take = last_space;
		if (take == 0)
			take = avail > 0 ? 1 : 0;
		if (line)
			line(ctx, p, take);
		lines++;
		p += take;
		if (take == avail && nl) {
			p += 2; /* the escaped newline ends the line */
			if (*p == '\0')
				break;
		}
		while (*p == ' ')
			p++;
		if (take == 0 && !nl)
			break;
	}
	return lines;
}

struct tui_wrap_ctx {
	WINDOW *w;
	int y, x, width, max, n;
	attr_t attr;
};

static void
tui_wrap_draw(void *ctx, const char *s, size_t len)
{
	struct tui_wrap_ctx *c = ctx;
	if (c->n < c->max) {
		char *part = xstrndup(s, len);
		tui_put_clean(c->w, c->y + c->n, c->x, c->width, part, 0, c->attr);
		free(part);
	}
	c->n++;
}

int
tui_put_wrapped(WINDOW *w, int y, int x, int width, int maxlines, const char *raw, attr_t attr)
{
	char *clean = tui_text_clean(raw);
	struct tui_wrap_ctx c = { w, y, x, width, maxlines, 0, attr };
	tui_wrap(clean, width, tui_wrap_draw, &c);
	free(clean);
	return c.n < maxlines ? c.n : maxlines;
}

struct tui_wrap_list {
	char **lines;
	size_t n;
};

static void
tui_wrap_keep(void *ctx, const char *s, size_t len)
{
	struct tui_wrap_list *l = ctx;
	l->lines = xreallocarray(l->lines, l->n + 1, sizeof *l->lines);
	l->lines[l->n++] = xstrndup(s, len);
}

char **
tui_wrap_split(const char *raw, int width, size_t *n)
{
	char *clean = tui_text_clean(raw);
	struct tui_wrap_list l = { NULL, 0 };
	tui_wrap(clean, width, tui_wrap_keep, &l);
	free(clean);
	*n = l.n;
	return l.lines;
}

int
tui_wrapped_lines(const char *raw, int width)
{
	char *clean = tui_text_clean(raw);
	int n = tui_wrap(clean, width, NULL, NULL);
	free(clean);
	return n;
}

void
tui_draw_title(struct tui *t, const char *step, const char *detail)
{
	move(0, 0);
	clrtoeol();
	char *left = xasprintf(" sluice \xe2\x80\x94 %s", step);
	if (strcmp(tui_text_ellipsis(), "~") == 0) {
		free(left);
		left = xasprintf(" sluice - %s", step);
	}
	int used = tui_put(stdscr, 0, 0, COLS, left, t->a.title);
	free(left);
	if (detail != NULL && used + 4 < COLS)
		tui_put_right(stdscr, 0, used + 2, COLS - used - 3, detail, t->a.title);
	move(1, 0);
	clrtoeol();
	if (t->message != NULL)
		tui_put(stdscr, 1, 1, COLS - 2, t->message,
		    t->message_is_error ? t->a.fail : t->a.bold);
}

const char *
tui_key_name(int key, char *buf, size_t n)
{
	switch (key) {
	case TUI_ENTER: return _("Enter");
	case TUI_ESC: return _("Esc");
	case TUI_TAB: return _("Tab");
	case ' ': return _("Space");
	case TUI_FKEY(KEY_UP): return _("Up");
	case TUI_FKEY(KEY_DOWN): return _("Down");
	case TUI_FKEY(KEY_LEFT): return _("Left");
	case TUI_FKEY(KEY_RIGHT): return _("Right");
	case TUI_FKEY(KEY_PPAGE): return _("PgUp");
	case TUI_FKEY(KEY_NPAGE): return _("PgDn");
	case TUI_FKEY(KEY_HOME): return C_("key", "Home");
	case TUI_FKEY(KEY_END): return _("End");
	case TUI_FKEY(KEY_BACKSPACE): return _("Backspace");
	}
	if (key > 0 && key < 32)
		snprintf(buf, n, "Ctrl-%c", key + '@');
	else if (key > 32 && key < 127)
		snprintf(buf, n, "%c", key);
	else
		snprintf(buf, n, "#%d", key);
	return buf;
}

/* Columns a footer entry takes: "name label  ". */
static int
tui_footer_width(const struct tui_key *k)
{
	char buf[16];
	return tui_text_width(tui_key_name(k->key, buf, sizeof buf)) + 1 +
	    tui_text_width(_(k->label)) + 2;
}

static int
tui_footer_put(struct tui *t, int x, const struct tui_key *k)
{
	char buf[16];
	x += tui_put(stdscr, LINES - 1, x, COLS - x, tui_key_name(k->key, buf, sizeof buf),
	    t->a.title);
	x += 1;
	x += tui_put(stdscr, LINES - 1, x, COLS - x, _(k->label), A_NORMAL);
	return x + 2;
}

void
tui_draw_footer(struct tui *t, const struct tui_key *keys)
{
	int x = 0;
	move(LINES - 1, 0);
	clrtoeol();
	/* The key that lists every key always has its place at the end:
	 * what does not fit before it is left to that list. */
	const struct tui_key *help = NULL;
	for (const struct tui_key *k = keys; k->key != 0; k++)
		if (k->action == TUI_ACT_HELP && k->label != NULL)
			help = k;
	int room = COLS - (help ? tui_footer_width(help) : 0);
	for (const struct tui_key *k = keys; k->key != 0; k++) {
		if (k->label == NULL || k == help)
			continue;
		if (x + tui_footer_width(k) > room)
			continue;
		x = tui_footer_put(t, x, k);
	}
	if (help != NULL)
		tui_footer_put(t, x, help);
}

void
tui_draw_bar(struct tui *t, int y, int x, int width, double fraction)
{
	if (width < 3)
		return;
	if (fraction < 0)
		fraction = 0;
	if (fraction > 1)
		fraction = 1;
	int inner = width - 2;
	int fill = (int)(fraction * inner + 0.5);
	mvaddch(y, x, '[');
	for (int i = 0; i < inner; i++) {
		if (i < fill) {
			attrset(t->a.ok);
			addch(t->a.color ? ' ' : '#');
		} else {
			attrset(A_NORMAL);
			addch(t->a.color ? ' ' : '.');
		}
	}
	attrset(A_NORMAL);
	addch(']');
}

/* --- The list ------------------------------------------------------------ */

void
tui_list_set(struct tui_list *l, size_t n)
{
	l->n = n;
	if (l->sel >= n)
		l->sel = n ? n - 1 : 0;
	if (l->top > l->sel)
		l->top = l->sel;
	l->full = 1;
}

void
tui_list_select(struct tui_list *l, size_t i)
{
	if (l->n == 0)
		return;
	l->sel = i < l->n ? i : l->n - 1;
}

static int tui_mouse_y = -1, tui_mouse_x = -1;

void
tui_mouse_at(int y, int x)
{
	tui_mouse_y = y;
	tui_mouse_x = x;
}

int
tui_list_key(struct tui_list *l, int key)
{
	size_t page = l->height > 1 ? (size_t)l->height - 1 : 1;
	size_t sel = l->sel;
	if (l->n == 0)
		return 0;
	switch (key) {
	case TUI_FKEY(KEY_MOUSE):
		/* A click on a row of this list selects it. */
		if (tui_mouse_y < l->drawn_y || tui_mouse_y >= l->drawn_y + l->height ||
		    tui_mouse_x < l->drawn_x || tui_mouse_x >= l->drawn_x + l->drawn_w ||
		    l->top + (size_t)(tui_mouse_y - l->drawn_y) >= l->n)
			return 0;
		sel = l->top + (size_t)(tui_mouse_y - l->drawn_y);
		break;
	case TUI_FKEY(KEY_UP):
		if (sel > 0)
			sel--;
		break;
	case TUI_FKEY(KEY_DOWN):
		if (sel + 1 < l->n)
			sel++;
		break;
	case TUI_FKEY(KEY_PPAGE): sel = sel > page ? sel - page : 0; break;
	case TUI_FKEY(KEY_NPAGE): sel = sel + page < l->n ? sel + page : l->n - 1; break;
	case TUI_FKEY(KEY_HOME): sel = 0; break;
	case TUI_FKEY(KEY_END): sel = l->n - 1; break;
	default: return 0;
	}
	l->sel = sel;
	return TUI_HANDLED | TUI_DIRTY;
}

void
tui_list_draw(struct tui *t, struct tui_list *l, int y, int x, int width, int full)
{
	(void)t;
	int h = l->height;
	if (h <= 0)
		return;
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + (size_t)h)
		l->top = l->sel - (size_t)h + 1;
	if (l->top + (size_t)h > l->n)
		l->top = l->n > (size_t)h ? l->n - (size_t)h : 0;
	int all = full || l->full || l->top != l->drawn_top;
	l->drawn_y = y;
	l->drawn_x = x;
	l->drawn_w = width;
	for (int r = 0; r < h; r++) {
		size_t i = l->top + (size_t)r;
		if (!all && i != l->sel && i != l->drawn_sel)
			continue;
		move(y + r, x);
		for (int c = 0; c < width; c++)
			addch(' ');
		if (i < l->n)
			l->draw_row(l->ctx, stdscr, y + r, x, width, i, i == l->sel);
	}
	l->drawn_sel = l->sel;
	l->drawn_top = l->top;
	l->full = 0;
}

int
tui_list_search(struct tui_list *l, const char *needle)
{
	if (l->row_text == NULL || l->n == 0 || needle == NULL || *needle == '\0')
		return 0;
	char *want = text_fold_header(needle);
	int found = 0;
	for (size_t k = 1; k <= l->n && !found; k++) {
		size_t i = (l->sel + k) % l->n;
		char *text = l->row_text(l->ctx, i);
		if (text == NULL)
			continue;
		/* Case-insensitive, accent-insensitive; falls back to the raw
		 * text for needles made of punctuation only. */
		char *folded = text_fold_header(text);
		if ((*want && strstr(folded, want) != NULL) ||
		    (!*want && strcasestr(text, needle) != NULL)) {
			l->sel = i;
			found = 1;
		}
		free(folded);
		free(text);
	}
	free(want);
	return found;
}

WINDOW *
tui_box(struct tui *t, int height, int width, const char *title)
{
	if (width > COLS)
		width = COLS;
	if (height > LINES)
		height = LINES;
	WINDOW *w = newwin(height, width, (LINES - height) / 2, (COLS - width) / 2);
	werase(w);
	box(w, 0, 0);
	if (title != NULL) {
		char *s = xasprintf(" %s ", title);
		tui_put(w, 0, 2, width - 4 < tui_text_width(s) ? width - 4 : tui_text_width(s), s,
		    t->a.bold);
		free(s);
	}
	return w;
}
