/* Text in any encoding read as UTF-8: detecting the encoding of a CSV file
 * from its first bytes (byte order marks, the NUL pattern of UTF-16, UTF-8
 * validity, then uchardet) and converting it with iconv while it streams, in
 * constant memory. Used by the CSV and vCard sources; knows nothing of
 * either. */
#ifndef SLUICE_SOURCE_ENCODING_H
#define SLUICE_SOURCE_ENCODING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* How much of a file the encoding is detected from. */
#define ENCODING_SAMPLE_SIZE (64 * 1024)

/* 'L' when p[0..n) looks like UTF-16LE text without a byte order mark
 * (most code units of ASCII text have a NUL high byte), 'B' for UTF-16BE,
 * 0 otherwise. */
int encoding_utf16_pattern(const unsigned char *p, size_t n);

/* The encoding of a file starting with p[0..n) (eof: the file ends there),
 * as an iconv name ("UTF-8", "UTF-16LE", "WINDOWS-1252", ...), and in *bom
 * the length of its byte order mark (0 for UTF-8: its BOM is left to the
 * reader of the text). Returns a new string. */
char *encoding_detect(const unsigned char *p, size_t n, bool eof, size_t *bom);

struct encoding_reader;

/* Reads fd (positioned at 0) as text in the encoding named forced, or in
 * the one detected from its first ENCODING_SAMPLE_SIZE bytes when forced
 * is NULL. name is the file's name, escaped, for messages. Returns NULL and
 * sets *cause when forced is not an encoding iconv knows or the file
 * cannot be read. Does not take ownership of fd. */
struct encoding_reader *encoding_reader_open(int fd, const char *forced, const char *name,
    char **cause);

/* Up to size bytes of the text as UTF-8 into buf, like read(2): the count,
 * 0 at the end of the file, -1 with errno set when read(2) fails. Bytes
 * that cannot be decoded come out as the byte 0xFF (never valid UTF-8)
 * and a NUL character as a NUL byte; encoding_reader_file_offset() tells
 * where each was in the file. When the encoding is UTF-8 the bytes come
 * out as they are, valid or not. */
ssize_t encoding_reader_read(struct encoding_reader *r, unsigned char *buf, size_t size);

/* The encoding read, e.g. "UTF-8" or "WINDOWS-1252". */
const char *encoding_reader_name(const struct encoding_reader *r);

/* Whether the text is converted (false for UTF-8, read as it is). */
bool encoding_reader_converts(const struct encoding_reader *r);

/* The file offset of the byte that produced the text's byte at offset out:
 * exact for the bytes 0xFF and NUL that stand for undecodable bytes and
 * NUL characters in the last 256 KiB read, and for every byte of UTF-8
 * text; an estimate otherwise. */
uint64_t encoding_reader_file_offset(const struct encoding_reader *r, uint64_t out);

void encoding_reader_close(struct encoding_reader *r);

/* The NUL-terminated text in the encoding named charset (an iconv name),
 * as a new UTF-8 string; NULL when iconv does not know charset or the text
 * is not valid in it. For values that name their own encoding, as vCard
 * 2.1's CHARSET. */
char *encoding_to_utf8(const char *text, const char *charset);

#endif
