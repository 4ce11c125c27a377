/* Opening a file as a source: refuses what sluice cannot read, picks the
 * format from the first bytes of the file (never from its name) and passes
 * every call to that format's operation table. Parsing lives in
 * source-*.c, not here. */
#include "config.h"

#include <nettle/sha2.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "source.h"
#include "source-encoding.h"
#include "text.h"
#include "xmalloc.h"

/* How much of the file decides its format; a NUL byte in it means binary
 * data, as git decides. */
#define SOURCE_SNIFF_SIZE 8192

struct source {
	const struct source_ops *ops;
	void *state;
	uint64_t size; /* from fstat(2) when opened */
	char *path;
};

/* Reads up to size bytes from the start of fd without moving its offset.
 * Returns the number read, or -1 with errno set. */
static ssize_t
source_read_head(int fd, unsigned char *buf, size_t size)
{
	size_t done = 0;
	ssize_t n;

	while (done < size) {
		n = pread(fd, buf + done, size - done, (off_t)done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

/* How files that are certainly not text begin: images, PDF, archives,
 * programs. */
static const struct source_magic {
	const char *bytes;
	size_t len;
} source_binary_magic[] = {
	{ "\x89PNG\r\n\x1a\n", 8 }, { "\xff\xd8\xff", 3 },		     /* JPEG */
	{ "GIF87a", 6 }, { "GIF89a", 6 }, { "%PDF-", 5 }, { "\x1f\x8b", 2 }, /* gzip */
	{ "7z\xbc\xaf\x27\x1c", 6 }, { "Rar!\x1a\x07", 6 },
	{ "\x7f"
	  "ELF",
	    4 },
	{ "\xfd"
	  "7zXZ",
	    5 },
	{ "\x28\xb5\x2f\xfd", 4 }, /* zstd */
};

/* Whether text starting with head[0..len) is a vCard file: BEGIN:VCARD
 * after a byte order mark and blank lines, if any. */
static bool
source_is_vcard(const unsigned char *head, size_t len)
{
	size_t i = 0;

	if (len >= 3 && memcmp(head, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && strchr(" \t\r\n", head[i]) != NULL && head[i] != '\0')
		i++;
	return len - i >= 11 && strncasecmp((const char *)head + i, "BEGIN:VCARD", 11) == 0;
}

/* Whether text starting with head[0..len) is a JSON backup: an object,
 * after a byte order mark and blank space, if any. */
static bool
source_is_json(const unsigned char *head, size_t len)
{
	size_t i = 0;

	if (len >= 3 && memcmp(head, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
		i++;
	return i + 1 < len && head[i] == '{' && strchr(" \t\r\n\"}", head[i + 1]) != NULL;
}

/* The operation table for a file starting with head[0..len), or NULL and
 * *cause when sluice does not read that kind of file. */
static const struct source_ops *
source_pick(const unsigned char *head, size_t len, const char *name,
    const struct source_options *opts, char **cause)
{
	static const unsigned char ole2[8] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1 };
	size_t i;
	bool unicode;

	/* Before the NUL test: every ZIP archive and every OLE2 compound
	 * file holds NUL bytes. source-xlsx.c refuses a ZIP archive that is
	 * not a workbook, source-xls.c an OLE2 file that is not one. */
	if (len >= 4 &&
	    (memcmp(head, "PK\3\4", 4) == 0 || memcmp(head, "PK\5\6", 4) == 0 ||
		memcmp(head, "PK\7\x08", 4) == 0))
		return &source_xlsx_ops;
	if (len >= sizeof ole2 && memcmp(head, ole2, sizeof ole2) == 0)
		return &source_xls_ops;
	for (i = 0; i < sizeof source_binary_magic / sizeof *source_binary_magic; i++) {
		const struct source_magic *m = &source_binary_magic[i];

		if (len >= m->len && memcmp(head, m->bytes, m->len) == 0) {
			*cause = xasprintf(_("%s is not a spreadsheet or CSV file (it "
					     "contains binary data)."),
			    name);
			return NULL;
		}
	}
	/* Text in UTF-16 or UTF-32 is full of NUL bytes. */
	unicode =
	    (len >= 2 && (memcmp(head, "\xff\xfe", 2) == 0 || memcmp(head, "\xfe\xff", 2) == 0)) ||
	    (len >= 4 && memcmp(head, "\0\0\xfe\xff", 4) == 0) ||
	    encoding_utf16_pattern(head, len) != 0;
	if (opts->encoding != NULL &&
	    (!strncasecmp(opts->encoding, "UTF-16", 6) || !strncasecmp(opts->encoding, "UTF-32", 6) ||
		!strncasecmp(opts->encoding, "UCS-", 4)))
		unicode = true;
	if (!unicode && memchr(head, '\0', len) != NULL) {
		*cause = xasprintf(_("%s is not a spreadsheet or CSV file (it "
				     "contains binary data)."),
		    name);
		return NULL;
	}
	if (source_is_vcard(head, len))
		return &source_vcard_ops;
	if (source_is_json(head, len))
		return &source_json_ops;
	return &source_csv_ops;
}

struct source *
source_open(const char *path, const struct source_options *opts, char **cause)
{
	static const struct source_options defaults;
	unsigned char head[SOURCE_SNIFF_SIZE];
	const struct source_ops *ops;
	struct source *s;
	struct stat sb;
	char *name;
	ssize_t len;
	void *state;
	int fd;

	if (opts == NULL)
		opts = &defaults;
	name = text_escape(path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		*cause = xasprintf(_("The file %s cannot be opened: %s."), name, strerror(errno));
		goto fail;
	}
	if (fstat(fd, &sb) == -1) {
		*cause = xasprintf(_("The file %s cannot be read: %s."), name, strerror(errno));
		goto fail;
	}
	if (S_ISDIR(sb.st_mode)) {
		*cause = xasprintf(_("The file %s cannot be read: %s."), name, strerror(EISDIR));
		goto fail;
	}
	if (!S_ISREG(sb.st_mode)) {
		*cause = xasprintf(_("%s is not a regular file; sluice imports "
				     "files saved on disk."),
		    name);
		goto fail;
	}
	if (sb.st_size == 0) {
		*cause = xasprintf(_("The file %s is empty: there is no header "
				     "row."),
		    name);
		goto fail;
	}
	len = source_read_head(fd, head, sizeof head);
	if (len == -1) {
		*cause = xasprintf(_("The file %s cannot be read: %s."), name, strerror(errno));
		goto fail;
	}
	ops = source_pick(head, (size_t)len, name, opts, cause);
	if (ops == NULL)
		goto fail;

	/* The format takes fd, and closes it even when it fails. */
	state = ops->open(fd, path, opts, cause);
	fd = -1;
	if (state == NULL)
		goto fail;

	s = xmalloc(sizeof *s);
	s->ops = ops;
	s->state = state;
	s->size = (uint64_t)sb.st_size;
	s->path = xstrdup(path);
	free(name);
	return s;

fail:
	if (fd != -1)
		close(fd);
	free(name);
	return NULL;
}

const char *const *
source_header(struct source *s, size_t *n)
{
	return s->ops->header(s->state, n);
}

int
source_next(struct source *s, struct row **row, char **cause)
{
	return s->ops->next(s->state, row, cause);
}

void
source_progress(struct source *s, uint64_t *done, uint64_t *total)
{
	*done = s->ops->offset(s->state);
	if (s->ops->extent != NULL) {
		uint64_t start, end;
		s->ops->extent(s->state, &start, &end);
		*done = *done > start ? *done - start : 0;
		*total = end - start > *done ? end - start : *done;
		return;
	}
	/* A file that grew while read still shows progress up to its end. */
	*total = s->size > *done ? s->size : *done;
}

uint64_t
source_file_size(struct source *s)
{
	return s->size;
}

const char *
source_describe(struct source *s)
{
	return s->ops->describe(s->state);
}

const char *
source_sheet(struct source *s)
{
	return s->ops->sheet ? s->ops->sheet(s->state) : NULL;
}

const char *
source_encoding(struct source *s)
{
	return s->ops->encoding ? s->ops->encoding(s->state) : NULL;
}

const struct source_sheet_info *
source_sheets(struct source *s, size_t *n)
{
	*n = 0;
	return s->ops->sheets ? s->ops->sheets(s->state, n) : NULL;
}

const char *
source_members(struct source *s)
{
	return s->ops->members ? s->ops->members(s->state) : NULL;
}

int
source_delimiter(struct source *s)
{
	return s->ops->delimiter ? s->ops->delimiter(s->state) : 0;
}

uint64_t
source_header_line(struct source *s)
{
	return s->ops->header_line ? s->ops->header_line(s->state) : 1;
}

int
source_settle(struct source *s, char **cause)
{
	return s->ops->settle ? s->ops->settle(s->state, cause) : 0;
}

bool
source_settled(struct source *s)
{
	return s->ops->settled ? s->ops->settled(s->state) : true;
}

const char *
source_format(struct source *s)
{
	return s->ops->name;
}

void
source_close(struct source *s)
{
	if (s == NULL)
		return;
	s->ops->close(s->state);
	free(s->path);
	free(s);
}

bool
source_is_data(const char *p, size_t len)
{
	return len > SOURCE_NAME_MAX || memchr(p, '@', len) != NULL ||
	    (len >= 3 && memmem(p, len, "://", 3) != NULL) || (*p >= '0' && *p <= '9') || *p == '+';
}

int
source_sha256(const char *path, char hex[65], char **cause)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		char *esc = text_escape(path);
		*cause = xasprintf(_("Cannot read %s: %s."), esc, strerror(errno));
		free(esc);
		return -1;
	}
	struct sha256_ctx ctx;
	sha256_init(&ctx);
	unsigned char buf[65536];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			char *esc = text_escape(path);
			*cause = xasprintf(_("Cannot read %s: %s."), esc, strerror(errno));
			free(esc);
			close(fd);
			return -1;
		}
		sha256_update(&ctx, (size_t)n, buf);
	}
	close(fd);
	uint8_t digest[SHA256_DIGEST_SIZE];
	sha256_digest(&ctx, sizeof digest, digest);
	for (size_t i = 0; i < sizeof digest; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	return 0;
}
