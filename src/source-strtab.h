/* A string table that stays small in memory: strings are appended, then
 * read back by number. The first ones are kept in memory up to a budget,
 * the rest go to a temporary file (removed at once, so that nothing is
 * left behind) and come back through a small page cache. An XLSX
 * workbook's shared strings live in one. */
#ifndef SLUICE_SOURCE_STRTAB_H
#define SLUICE_SOURCE_STRTAB_H

#include <stddef.h>

/* Bytes of text and offsets kept in memory before strings go to disk. */
#define STRTAB_MEMORY ((size_t)2 << 20)

struct strtab;

/* An empty table that keeps up to memory bytes in memory. */
struct strtab *strtab_new(size_t memory);
void strtab_free(struct strtab *t);

/* Appends s[0..len) as string number strtab_count(t). Returns 0, or -1
 * with *cause (a new sentence) when the temporary file cannot be written. */
int strtab_add(struct strtab *t, const char *s, size_t len, char **cause);

/* How many strings were added. */
size_t strtab_count(const struct strtab *t);

/* String i (< strtab_count), NUL-terminated, its length in *len; valid
 * until the next call. NULL with *cause (a new sentence) when the
 * temporary file cannot be read. No string is added after the first
 * strtab_get. */
const char *strtab_get(struct strtab *t, size_t i, size_t *len, char **cause);

/* For a table read by another thread while it is written: takes all of
 * its memory at once, so that the strings in memory never move. */
void strtab_reserve(struct strtab *t);

/* How many of the strings are in memory (the first ones). */
size_t strtab_in_memory(const struct strtab *t);

/* String i, one of the first m in memory, m a strtab_in_memory() the
 * writer gave after adding it: changes nothing, so that a thread may call
 * it while another adds strings to a reserved table. */
const char *strtab_peek(const struct strtab *t, size_t i, size_t *len);

/* Whether some strings went to disk. */
int strtab_spilled(const struct strtab *t);

#endif
