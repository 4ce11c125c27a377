/* Dialogs: screens pushed over another one — a question with choices, a
 * message, a line to edit, a password to type unseen, a list to pick from,
 * and the keys of a screen. Each pops itself before calling back, so the
 * callback may push. */
#include "config.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <wchar.h>

#include "i18n.h"
#include "store.h"
#include "tui-int.h"
#include "tui-text.h"
#include "tui-widgets.h"
#include "xmalloc.h"

enum tui_dialog_kind {
	DIALOG_ASK,
	DIALOG_TELL,
	DIALOG_PROMPT,
	DIALOG_SECRET, /* a prompt whose line is never drawn, nor kept */
	DIALOG_PICK,
	DIALOG_HELP,
};

struct dialog {
	enum tui_dialog_kind kind;
	char *title;
	char *text;
	struct tui_choice *choices;
	size_t nchoices;
	void (*done_choice)(struct tui *, void *, int);
	void (*done_text)(struct tui *, void *, const char *);
	void *ctx;
	/* The line being edited, as wide characters. */
	wchar_t *line;
	size_t len, cap, cursor;
	int paths; /* Tab completes the line as a path */
	/* Pick and help. */
	char **items;
	size_t nitems;
	struct tui_list list;
};

static const struct tui_key dialog_keys[] = {
	{ 0, 0, NULL, NULL },
};

static void
tui_dialog_init(struct screen *s, void *arg)
{
	s->data = arg;
}

static void
tui_dialog_free(struct screen *s)
{
	struct dialog *d = s->data;
	free(d->title);
	free(d->text);
	for (size_t i = 0; i < d->nchoices; i++)
		free((char *)d->choices[i].label);
	free(d->choices);
	if (d->line != NULL)
		explicit_bzero(d->line, d->cap * sizeof *d->line);
	free(d->line);
	for (size_t i = 0; i < d->nitems; i++)
		free(d->items[i]);
	free(d->items);
	free(d);
}

static void
tui_dialog_row(void *ctx, WINDOW *w, int y, int x, int width, size_t i, int selected)
{
	struct dialog *d = ctx;
	struct tui *t = (struct tui *)d->ctx;
	(void)t;
	tui_put(w, y, x, width, d->items[i], selected ? A_REVERSE : A_NORMAL);
}

static char *
tui_dialog_row_text(void *ctx, size_t i)
{
	struct dialog *d = ctx;
	return xstrdup(d->items[i]);
}

/* The edited line from its character from on, as UTF-8, a new string. */
static char *
tui_dialog_line_utf8_from(const struct dialog *d, size_t from)
{
	size_t max = (d->len - from) * MB_CUR_MAX + 1;
	char *out = xmalloc(max);
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t o = 0;
	for (size_t i = from; i < d->len; i++) {
		size_t n = wcrtomb(out + o, d->line[i], &st);
		if (n != (size_t)-1)
			o += n;
	}
	out[o] = '\0';
	return out;
}

/* The whole edited line as UTF-8, a new string. */
static char *
tui_dialog_line_utf8(const struct dialog *d)
{
	return tui_dialog_line_utf8_from(d, 0);
}

/* Replaces the line with s. */
static void
tui_dialog_set_line(struct dialog *d, const char *s)
{
	size_t n = mbstowcs(NULL, s, 0);
	if (n == (size_t)-1)
		return;
	if (n + 1 >= d->cap) {
		explicit_bzero(d->line, d->cap * sizeof *d->line);
		free(d->line);
		d->cap = n + 16;
		d->line = xcalloc(d->cap, sizeof *d->line);
	}
	mbstowcs(d->line, s, n + 1);
	d->len = n;
}

/* Tab in a path: the line grows by what every name of its directory that
 * starts as its last part shares, and by a slash after the one directory
 * it names. Returns 0 when it grew, -1 when it cannot (no such name, or
 * several that differ right there). */
static int
tui_dialog_complete(struct dialog *d)
{
	char *line = tui_dialog_line_utf8(d);
	const char *home = getenv("HOME");
	char *path = line[0] == '~' && (line[1] == '/' || line[1] == '\0') && home ?
	    xasprintf("%s%s", home, line + 1) :
	    xstrdup(line);
	char *slash = strrchr(path, '/');
	char *dir = slash == NULL ? xstrdup(".") :
	    slash == path	  ? xstrdup("/") :
				    xstrndup(path, (size_t)(slash - path));
	const char *base = slash ? slash + 1 : path;
	size_t blen = strlen(base);
	char *common = NULL;
	size_t matches = 0;
	DIR *dh = opendir(dir);
	struct dirent *de;
	while (dh != NULL && (de = readdir(dh)) != NULL) {
		if (strncmp(de->d_name, base, blen) != 0 || !strcmp(de->d_name, ".") ||
		    !strcmp(de->d_name, "..") || (de->d_name[0] == '.' && blen == 0))
			continue;
		if (matches++ == 0)
			common = xstrdup(de->d_name);
		else {
			size_t i = 0;
			while (common[i] != '\0' && common[i] == de->d_name[i])
				i++;
			common[i] = '\0';
		}
	}
	if (dh != NULL)
		closedir(dh);
	int rc = -1;
	if (matches > 0 && (strlen(common) > blen || matches == 1)) {
		char *full = xasprintf("%s/%s", strcmp(dir, "/") ? dir : "", common);
		struct stat st;
		int isdir = matches == 1 && stat(full, &st) == 0 && S_ISDIR(st.st_mode);
		/* What was typed stays as typed (~, a relative path). */
		size_t keep = strlen(line) - blen;
		char *grown = xasprintf("%.*s%s%s", (int)keep, line, common, isdir ? "/" : "");
		if (strcmp(grown, line) != 0) {
			tui_dialog_set_line(d, grown);
			rc = 0;
		}
		free(grown);
		free(full);
	}
	free(common);
	free(dir);
	free(path);
	free(line);
	return rc;
}

/* An editing key on the line: Backspace, Ctrl-U, or a character added. */
static void
tui_dialog_edit(struct dialog *d, int key)
{
	if (key == TUI_FKEY(KEY_BACKSPACE)) {
		if (d->len > 0)
			d->line[--d->len] = 0;
	} else if (key == TUI_CTRL('u')) {
		explicit_bzero(d->line, d->cap * sizeof *d->line);
		d->len = 0;
	} else if (key >= 32 && key < TUI_FKEY(0) && key != 127) {
		if (d->len + 1 >= d->cap)
			d->line = xreallocarray(d->line, d->cap = d->cap * 2 + 16, sizeof *d->line);
		d->line[d->len++] = (wchar_t)key;
	}
}

static void
tui_dialog_draw(struct screen *s, int full)
{
	(void)full;
	struct dialog *d = s->data;
	struct tui *t = s->tui;
	int width = COLS - 8 > 76 ? 76 : COLS - 8;
	int inner = width - 4;
	int text_lines = d->text ? tui_wrapped_lines(d->text, inner) : 0;
	int height;
	switch (d->kind) {
	case DIALOG_ASK: height = text_lines + (int)d->nchoices + 5; break;
	case DIALOG_PROMPT:
	case DIALOG_SECRET: height = text_lines + 6; break;
	case DIALOG_PICK:
	case DIALOG_HELP:
		height = (int)d->nitems + text_lines + 4 + (text_lines > 0);
		if (height > LINES - 2)
			height = LINES - 2;
		break;
	default: height = text_lines + 5;
	}
	if (height > LINES - 2)
		height = LINES - 2;
	wnoutrefresh(stdscr);
	WINDOW *w = tui_box(t, height, width, d->title);
	int y = 2;
	if (d->text) {
		int room = height - 4;
		if (d->kind == DIALOG_ASK)
			room -= (int)d->nchoices + 1;
		else if (d->kind == DIALOG_PROMPT || d->kind == DIALOG_SECRET)
			room -= 2;
		else if (d->kind == DIALOG_PICK || d->kind == DIALOG_HELP)
			room = text_lines < height - 6 ? text_lines : height - 6;
		if (room < 1)
			room = 1;
		y += tui_put_wrapped(w, y, 2, inner, room, d->text, A_NORMAL);
		y++;
	}
	switch (d->kind) {
	case DIALOG_ASK:
		for (size_t i = 0; i < d->nchoices && y < height - 1; i++, y++) {
			char buf[16];
			const char *name = tui_key_name(d->choices[i].key, buf, sizeof buf);
			int used = tui_put(w, y, 2, 8, name, t->a.bold);
			(void)used;
			tui_put(w, y, 10, inner - 8, d->choices[i].label, A_NORMAL);
		}
		break;
	case DIALOG_PROMPT: {
		/* Show the end of a long line, where the cursor is: a tail
		 * of a few widths of the box is enough (each character takes
		 * a column or more, but for combining marks), so that a cell
		 * of a megabyte is drawn as fast as a word. */
		size_t keep = (size_t)(inner > 0 ? inner : 1) * 4;
		char *utf8 = tui_dialog_line_utf8_from(d, d->len > keep ? d->len - keep : 0);
		char *clean = tui_text_clean(utf8);
		const char *shown = clean;
		while (tui_text_width(shown) > inner - 1 && *shown)
			shown++;
		tui_put(w, y, 2, inner, shown, A_UNDERLINE);
		tui_put(w, height - 2, 2, inner, _("Enter accepts, Esc cancels."), t->a.dim);
		free(clean);
		free(utf8);
		break;
	}
	case DIALOG_SECRET:
		/* An empty field: not even the length of what was typed. */
		tui_put(w, y, 2, inner, "", A_UNDERLINE);
		tui_put(w, height - 2, 2, inner,
		    _("Enter accepts, Esc cancels; nothing is shown as you type."), t->a.dim);
		break;
	case DIALOG_PICK:
	case DIALOG_HELP:
		d->list.height = height - y - 1;
		if (d->list.height < 1)
			d->list.height = 1;
		/* Draw the list rows into the dialog window. */
		if (d->list.sel < d->list.top)
			d->list.top = d->list.sel;
		if (d->list.sel >= d->list.top + (size_t)d->list.height)
			d->list.top = d->list.sel - (size_t)d->list.height + 1;
		for (int r = 0; r < d->list.height; r++) {
			size_t i = d->list.top + (size_t)r;
			if (i >= d->nitems)
				break;
			tui_put(w, y + r, 2, inner, d->items[i],
			    d->kind == DIALOG_PICK && i == d->list.sel ? t->a.sel : A_NORMAL);
		}
		break;
	default: tui_put(w, height - 2, 2, inner, _("Press any key to close this."), t->a.dim);
	}
	wnoutrefresh(w);
	delwin(w);
}

static int
tui_dialog_key(struct screen *s, int action, int key)
{
	(void)action;
	struct dialog *d = s->data;
	struct tui *t = s->tui;
	switch (d->kind) {
	case DIALOG_ASK:
		for (size_t i = 0; i < d->nchoices; i++)
			if (d->choices[i].key == key) {
				void (*done)(struct tui *, void *, int) = d->done_choice;
				void *ctx = d->ctx;
				int k = d->choices[i].key == TUI_ESC ? -1 : (int)i;
				tui_pop(t);
				if (done)
					done(t, ctx, k);
				return TUI_HANDLED | TUI_REDRAW;
			}
		if (key == TUI_ESC) {
			void (*done)(struct tui *, void *, int) = d->done_choice;
			void *ctx = d->ctx;
			tui_pop(t);
			if (done)
				done(t, ctx, -1);
			return TUI_HANDLED | TUI_REDRAW;
		}
		return TUI_HANDLED;
	case DIALOG_PROMPT:
		if (key == TUI_ENTER || key == TUI_ESC) {
			char *value = key == TUI_ENTER ? tui_dialog_line_utf8(d) : NULL;
			void (*done)(struct tui *, void *, const char *) = d->done_text;
			void *ctx = d->ctx;
			tui_pop(t);
			if (done)
				done(t, ctx, value);
			free(value);
			return TUI_HANDLED | TUI_REDRAW;
		}
		if (key == TUI_TAB && d->paths) {
			if (tui_dialog_complete(d) != 0)
				beep();
			return TUI_HANDLED | TUI_REDRAW;
		}
		tui_dialog_edit(d, key);
		return TUI_HANDLED | TUI_REDRAW;
	case DIALOG_SECRET:
		if (key == TUI_ENTER || key == TUI_ESC) {
			char *value = key == TUI_ENTER ? tui_dialog_line_utf8(d) : NULL;
			void (*done)(struct tui *, void *, const char *) = d->done_text;
			void *ctx = d->ctx;
			tui_pop(t); /* wipes the line */
			if (done)
				done(t, ctx, value);
			if (value != NULL)
				explicit_bzero(value, strlen(value));
			free(value);
			return TUI_HANDLED | TUI_REDRAW;
		}
		/* The line never grows (a copy left behind by realloc could
		 * not be wiped): a key past its end is dropped. */
		if (d->len + 1 < d->cap || key == TUI_FKEY(KEY_BACKSPACE) || key == TUI_CTRL('u'))
			tui_dialog_edit(d, key);
		/* Nothing changes on the screen: no redraw tells a key came. */
		return TUI_HANDLED;
	case DIALOG_PICK:
		if (key == TUI_ENTER || key == TUI_ESC) {
			int index = key == TUI_ENTER ? (int)d->list.sel : -1;
			void (*done)(struct tui *, void *, int) = d->done_choice;
			void *ctx = d->ctx;
			tui_pop(t);
			if (done)
				done(t, ctx, index);
			return TUI_HANDLED | TUI_REDRAW;
		}
		if (tui_list_key(&d->list, key))
			return TUI_HANDLED | TUI_REDRAW;
		if (key > 32 && key < 127) {
			/* A letter jumps to the next item starting with it. */
			char needle[2] = { (char)key, 0 };
			tui_list_search(&d->list, needle);
		}
		return TUI_HANDLED | TUI_REDRAW;
	case DIALOG_HELP:
		/* Nothing is selected in the keys' list: Up and Down scroll it
		 * at once, as a pager does. */
		if (key == TUI_FKEY(KEY_UP))
			d->list.sel = d->list.top;
		else if (key == TUI_FKEY(KEY_DOWN) && d->nitems > 0) {
			size_t last =
			    d->list.top + (size_t)(d->list.height > 0 ? d->list.height : 1) - 1;
			d->list.sel = last < d->nitems ? last : d->nitems - 1;
		}
		if (tui_list_key(&d->list, key)) {
			return TUI_HANDLED | TUI_REDRAW;
		}
		tui_pop(t);
		return TUI_HANDLED | TUI_REDRAW;
	default: tui_pop(t); return TUI_HANDLED | TUI_REDRAW;
	}
}

static void
tui_dialog_resize(struct screen *s)
{
	(void)s;
}

const struct screen_ops tui_dialog_ops = {
	.name = "dialog",
	.keys = dialog_keys,
	.modal = 1,
	.init = tui_dialog_init,
	.free = tui_dialog_free,
	.resize = tui_dialog_resize,
	.key = tui_dialog_key,
	.draw = tui_dialog_draw,
};

static struct dialog *
tui_dialog_new(enum tui_dialog_kind kind, const char *title, const char *text)
{
	struct dialog *d = xcalloc(1, sizeof *d);
	d->kind = kind;
	d->title = title ? xstrdup(title) : NULL;
	d->text = text ? xstrdup(text) : NULL;
	return d;
}

void
tui_ask(struct tui *t, const char *title, const char *text, const struct tui_choice *choices,
    size_t n, void (*done)(struct tui *, void *, int), void *ctx)
{
	struct dialog *d = tui_dialog_new(DIALOG_ASK, title, text);
	d->choices = xcalloc(n, sizeof *d->choices);
	for (size_t i = 0; i < n; i++) {
		d->choices[i].key = choices[i].key;
		d->choices[i].label = xstrdup(choices[i].label);
	}
	d->nchoices = n;
	d->done_choice = done;
	d->ctx = ctx;
	tui_push(t, &tui_dialog_ops, d);
}

void
tui_tell(struct tui *t, const char *title, const char *text)
{
	tui_push(t, &tui_dialog_ops, tui_dialog_new(DIALOG_TELL, title, text));
}

void
tui_prompt(struct tui *t, const char *title, const char *text, const char *initial,
    void (*done)(struct tui *, void *, const char *), void *ctx)
{
	struct dialog *d = tui_dialog_new(DIALOG_PROMPT, title, text);
	d->done_text = done;
	d->ctx = ctx;
	size_t n = mbstowcs(NULL, initial ? initial : "", 0);
	if (n == (size_t)-1)
		n = 0;
	d->cap = n + 16;
	d->line = xcalloc(d->cap, sizeof *d->line);
	if (n > 0)
		mbstowcs(d->line, initial, n + 1);
	d->len = n;
	tui_push(t, &tui_dialog_ops, d);
}

void
tui_prompt_path(struct tui *t, const char *title, const char *text, const char *initial,
    void (*done)(struct tui *, void *, const char *), void *ctx)
{
	tui_prompt(t, title, text, initial, done, ctx);
	struct dialog *d = t->top->data;
	d->paths = 1;
}

void
tui_prompt_secret(struct tui *t, const char *title, const char *text,
    void (*done)(struct tui *, void *, const char *), void *ctx)
{
	struct dialog *d = tui_dialog_new(DIALOG_SECRET, title, text);
	d->done_text = done;
	d->ctx = ctx;
	d->cap = STORE_PASSWORD_MAX + 1;
	d->line = xcalloc(d->cap, sizeof *d->line);
	tui_push(t, &tui_dialog_ops, d);
}

void
tui_pick(struct tui *t, const char *title, const char *const *items, size_t n, size_t selected,
    void (*done)(struct tui *, void *, int), void *ctx)
{
	struct dialog *d = tui_dialog_new(DIALOG_PICK, title, NULL);
	d->items = xcalloc(n ? n : 1, sizeof *d->items);
	for (size_t i = 0; i < n; i++)
		d->items[i] = xstrdup(items[i]);
	d->nitems = n;
	d->done_choice = done;
	d->ctx = ctx;
	d->list.ctx = d;
	d->list.draw_row = tui_dialog_row;
	d->list.row_text = tui_dialog_row_text;
	d->list.height = 10;
	tui_list_set(&d->list, n);
	tui_list_select(&d->list, selected);
	tui_push(t, &tui_dialog_ops, d);
}

void
tui_help(struct tui *t, const struct screen *s)
{
	struct dialog *d = tui_dialog_new(DIALOG_HELP, _("Keys"), NULL);
	/* Each sentence wrapped to the box at 80 columns, under its key. */
	int width = 80 - 8 - 4 - 11;
	for (const struct tui_key *k = s->ops->keys; k && k->key; k++) {
		char buf[16];
		const char *name = tui_key_name(k->key, buf, sizeof buf);
		size_t nl;
		char **lines = tui_wrap_split(_(k->help), width, &nl);
		d->items = xreallocarray(d->items, d->nitems + nl + 1, sizeof *d->items);
		for (size_t i = 0; i < nl; i++) {
			d->items[d->nitems++] = xasprintf("%-10s %s", i == 0 ? name : "", lines[i]);
			free(lines[i]);
		}
		free(lines);
	}
	size_t nl;
	char **lines = tui_wrap_split(_("Arrows, PgUp, PgDn, Home and End move; Esc goes back."),
	    width + 11, &nl);
	d->items = xreallocarray(d->items, d->nitems + nl + 1, sizeof *d->items);
	for (size_t i = 0; i < nl; i++)
		d->items[d->nitems++] = lines[i];
	free(lines);
	d->list.ctx = d;
	d->list.draw_row = tui_dialog_row;
	d->list.height = 10;
	tui_list_set(&d->list, d->nitems);
	d->list.sel = 0;
	tui_push(t, &tui_dialog_ops, d);
}
