/* The wizard's widgets: text put in a column (always cleaned: the terminal
 * never sees raw cell contents), the title and footer lines, progress
 * bars, and the one list widget that serves the file picker, the mapping,
 * the duplicates, the home and the report lists. */
#ifndef SLUICE_TUI_WIDGETS_H
#define SLUICE_TUI_WIDGETS_H

#include <stddef.h>

#include "tui-int.h"

/* Draws raw text (escaped here) at y, x in exactly width columns: cut
 * with an ellipsis, or padded. Returns the columns used by the text. */
int tui_put(WINDOW *w, int y, int x, int width, const char *raw, attr_t attr);
/* The same, right-aligned. */
void tui_put_right(WINDOW *w, int y, int x, int width, const char *raw, attr_t attr);
/* printf-style text for people (translated by the caller). */
int tui_putf(WINDOW *w, int y, int x, int width, attr_t attr, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Text wrapped at word boundaries into the rectangle; returns lines used. */
int tui_put_wrapped(WINDOW *w, int y, int x, int width, int maxlines, const char *raw, attr_t attr);
/* Text cleaned and wrapped at width: a new array of *n new strings. */
char **tui_wrap_split(const char *raw, int width, size_t *n);
/* Lines text would take wrapped at width. */
int tui_wrapped_lines(const char *raw, int width);

/* The title line (row 0) and the message line under it. */
void tui_draw_title(struct tui *t, const char *step, const char *detail);
/* The footer (last row): the labelled keys of the table. */
void tui_draw_footer(struct tui *t, const struct tui_key *keys);
/* What a key is called on the footer: "Enter", "Esc", "PgDn", "x". */
const char *tui_key_name(int key, char *buf, size_t n);

/* A bar of width columns filled to fraction (0–1). */
void tui_draw_bar(struct tui *t, int y, int x, int width, double fraction);

/* The list: rows drawn by a callback, a selection, scrolling, search. */
struct tui_list {
	size_t n;	  /* rows */
	size_t sel;	  /* selected row */
	size_t top;	  /* first row shown */
	size_t drawn_sel; /* selected row when last drawn */
	size_t drawn_top;
	int height;		       /* rows shown, set by the screen's layout */
	int drawn_y, drawn_x, drawn_w; /* where it was last drawn (a click) */
	int full;		       /* the next draw must draw every row */
	void *ctx;
	/* Draws row i in width columns at y, x; selected rows get t->a.sel. */
	void (*draw_row)(void *ctx, WINDOW *w, int y, int x, int width, size_t i, int selected);
	/* The text search looks in, a new string; NULL: no search. */
	char *(*row_text)(void *ctx, size_t i);
};

/* Where the last mouse click was (screen row and column). */
void tui_mouse_at(int y, int x);
/* Arrows, PgUp/PgDn, Home/End, and a click on one of its rows
 * (TUI_FKEY(KEY_MOUSE)). Returns TUI_HANDLED|TUI_DIRTY when the
 * selection moved, 0 for other keys. */
int tui_list_key(struct tui_list *l, int key);
/* Sets the row count (keeps the selection in range). */
void tui_list_set(struct tui_list *l, size_t n);
void tui_list_select(struct tui_list *l, size_t i);
/* Draws the list; unless full, only the rows whose selection changed
 * (two rows), or everything when it scrolled. */
void tui_list_draw(struct tui *t, struct tui_list *l, int y, int x, int width, int full);
/* Finds needle (case-insensitively) in the rows after the selection,
 * wrapping; 1 when found (the selection moved). */
int tui_list_search(struct tui_list *l, const char *needle);

/* A centred box for dialogs; returns its window (caller deletes). */
WINDOW *tui_box(struct tui *t, int height, int width, const char *title);

#endif
