/* The ZIP archive under an XLSX workbook, read through minizip with the
 * limits a file from anyone needs: at most ZIP_ENTRIES_MAX members, no two
 * with the same name, no member inflating more than ZIP_RATIO_MAX times the
 * bytes it was inflated from (counted, not declared) once past
 * ZIP_RATIO_GRACE bytes, no member longer than ZIP_ENTRY_MAX and no more
 * than ZIP_TOTAL_MAX bytes inflated in all. Knows nothing of workbooks. */
#ifndef SLUICE_SOURCE_ZIP_H
#define SLUICE_SOURCE_ZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ZIP_ENTRIES_MAX 1000
#define ZIP_RATIO_MAX 100
#define ZIP_RATIO_GRACE (100 * 1024)
#define ZIP_ENTRY_MAX ((uint64_t)2 << 30)
#define ZIP_TOTAL_MAX ((uint64_t)6 << 30)

struct zip_archive;

/* Reads the archive in fd (not closed by zip_close()); name is the file's
 * name, escaped, for messages. Returns NULL and sets *cause when it is not
 * a ZIP archive, is damaged, or breaks a limit. */
struct zip_archive *zip_open(int fd, const char *name, char **cause);
void zip_close(struct zip_archive *z);

/* Whether the archive holds a member called path (compared ignoring
 * case, as Excel does). */
bool zip_has(const struct zip_archive *z, const char *path);

/* Opens the member path for reading, closing the one open before. Returns
 * -1 and sets *cause when there is no such member or it cannot be read. */
int zip_entry_open(struct zip_archive *z, const char *path, char **cause);

/* Up to size inflated bytes of the open member into buf: the count, 0 at
 * its end (after its checksum is checked), -1 with *cause set when it is
 * damaged or breaks a limit. */
ssize_t zip_entry_read(struct zip_archive *z, void *buf, size_t size, char **cause);

/* The open member read ahead on a thread of its own, so that its
 * inflating and checksum run on one core while its reader parses on
 * another: the chunks come in order, each as zip_entry_read would give it.
 * Nothing else may be done to z until zip_ahead_stop(). */
struct zip_ahead;
struct zip_ahead *zip_ahead_start(struct zip_archive *z);
/* The next chunk in *data (valid until the next call): its length, 0 at
 * the member's end, -1 with *cause set as zip_entry_read sets it. */
ssize_t zip_ahead_next(struct zip_ahead *a, const void **data, char **cause);
/* Stops the thread (at once, whatever is left unread) and frees a. */
void zip_ahead_stop(struct zip_ahead *a);

/* Bytes inflated from all of z's members so far; adds n more to them (what
 * another reader of the same file inflated), so that ZIP_TOTAL_MAX holds
 * for both. */
uint64_t zip_inflated_total(const struct zip_archive *z);
void zip_add_inflated(struct zip_archive *z, uint64_t n);

/* The open member's uncompressed size, as the archive declares it (0 when
 * none is open). */
uint64_t zip_entry_size(const struct zip_archive *z);

/* Bytes of the open member's compressed data read so far, and its size. */
void zip_entry_progress(const struct zip_archive *z, uint64_t *done, uint64_t *total);

#endif
