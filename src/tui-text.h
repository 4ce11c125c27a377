/* Text for the wizard's screen: what a cell, a file name or a message looks
 * like once it is safe for a terminal (controls and escape sequences shown
 * escaped), how many columns it takes (wide CJK characters take two,
 * combining accents none), and how it is cut or padded to a column width.
 * Knows nothing of curses: the widgets draw what these functions return. */
#ifndef SLUICE_TUI_TEXT_H
#define SLUICE_TUI_TEXT_H

#include <stddef.h>
#include <time.h>

/* A copy of s that a terminal may be shown: what text_escape() escapes
 * (C0 and C1 controls, DEL, invalid UTF-8 as \xNN; \n \r \t as \n \r \t),
 * and besides, code points a terminal could act on or cannot show
 * (bidirectional overrides, unassigned or non-printable ones) as \u{XXXX}.
 * NULL gives "". Returns a new string. */
char *tui_text_clean(const char *s);

/* Display columns of clean UTF-8 text (tui_text_clean's output) in the
 * current locale: wcwidth() per character, 1 for anything it cannot
 * measure. */
int tui_text_width(const char *clean);

/* Cuts clean text to at most width columns: the result (a new string)
 * ends with an ellipsis when something was cut, and never splits a
 * character, even a wide one (a column is left empty instead). *used gets
 * the columns the result takes (may be NULL). */
char *tui_text_cut(const char *clean, int width, int *used);

/* clean text cut to width and padded with spaces to exactly width columns;
 * right-aligned when right is set. Returns a new string. */
char *tui_text_fit(const char *clean, int width, int right);

/* tui_text_fit(tui_text_clean(raw), ...): raw text from a file or the
 * database, ready to be drawn in a column. */
char *tui_text_cell(const char *raw, int width, int right);

/* The ellipsis this terminal can show: "…" in a UTF-8 locale, "~" else. */
const char *tui_text_ellipsis(void);

/* 1234567 → "1,234,567" into buf, with the user's separator (LC_NUMERIC
 * as the environment sets it: "1.234.567" in German), a comma where the
 * locale has none. */
void tui_text_thousands(char *buf, size_t n, unsigned long long v);

/* 12.5 → " 12.5%" (" 12,5%" in German): one decimal, five columns. */
void tui_text_percent(char *buf, size_t n, double percent);

/* t as local time, its date as the locale writes dates (LC_TIME's
 * D_FMT: "28.11.2026 13:40" in German, "28/11/2026 13:40" in French), or
 * without the year ("28.11 13:40"); ISO 8601 in the C locale
 * ("2026-11-28 13:40", "11-28 13:40"). */
void tui_text_when(char *buf, size_t n, time_t t, int with_year);

/* A duration in seconds as 1:05 or 1:02:03; "--:--" when negative. */
void tui_text_clock(char *buf, size_t n, double s);

/* A byte size as "912 B", "4.2 KB", "1.3 MB", "2.0 GB". */
void tui_text_size(char *buf, size_t n, unsigned long long bytes);

#endif
