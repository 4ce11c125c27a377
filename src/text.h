/* Small text utilities shared by every module: UTF-8 checks, header folding
 * for synonym matching, and escaping for terminals. */
#ifndef SLUICE_TEXT_H
#define SLUICE_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* Returns the offset of the first byte of s[0..len) that is not part of a
 * well-formed UTF-8 sequence, or (size_t)-1 when all of it is valid. */
size_t text_utf8_invalid_at(const char *s, size_t len);

/* Number of code points in valid UTF-8 text. */
size_t text_utf8_length(const char *s);

/* A key for comparing column headers: lower-case, Latin accents folded to
 * their base letter, and spaces and punctuation removed, so that
 * "E-mail Address", "email address" and "E‑Mail-Adresse" compare by letters
 * only. Returns a new string. */
char *text_fold_header(const char *s);

/* A copy of s safe to print on a terminal: C0 controls, DEL and C1 controls
 * are shown as \xNN (\n, \r and \t as themselves escaped), invalid UTF-8
 * bytes as \xNN. Returns a new string. */
char *text_escape(const char *s);

/* Columns that s takes on a terminal (wcwidth(), in the locale's
 * character set; 1 for a byte or character it cannot measure). */
int text_width(const char *s);

/* s padded with spaces to width columns of a terminal, after it (left
 * aligned) or before it (right aligned); unchanged when wider. For the
 * tables people read, whose labels are translated: printf pads by bytes.
 * Returns a new string. */
char *text_pad(const char *s, int width, int right_aligned);

/* v with decimals digits after the separator, in the user's locale
 * (LC_NUMERIC as the environment sets it, although sluice itself keeps the
 * C locale's for what it writes and reads): "1,234,567.5", "1.234.567,5".
 * For screens and summaries people read. Returns a new string. */
char *text_number(double v, int decimals);

/* Trims ASCII white space (and non-breaking spaces) at both ends in place;
 * returns s. */
char *text_trim(char *s);

/* Opens a small settings file (a schema, a mapping file) for reading: a
 * regular file of at most max bytes, so that /dev/zero or a FIFO is
 * refused at once instead of read forever. NULL and *why (a new string:
 * strerror's, or a phrase) when it cannot be. */
FILE *text_file_open(const char *path, size_t max, char **why);

#endif
