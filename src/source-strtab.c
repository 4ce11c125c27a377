/* The string table of source-strtab.h: strings in memory up to a budget,
 * then appended to a temporary file (texts in one, their offsets in
 * another) that is read back through a direct-mapped cache of pages. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fatal.h"
#include "i18n.h"
#include "source-strtab.h"
#include "xmalloc.h"

/* Strings on disk are read back a page at a time. A workbook's rows refer
 * to strings all over the table (a surname met again a million rows on),
 * so most misses want a few bytes of their page: with pages the size of
 * the system's, opening a 1,000,000-row workbook took 0.7-1.1 s of
 * system time against 1.5-2.9 s with 64 KiB pages in the same 1 MiB
 * (alternated, four runs each). */
#define STRTAB_PAGE 4096
#define STRTAB_TEXT_SLOTS 256  /* 1 MiB of text pages */
#define STRTAB_OFFSET_SLOTS 64 /* 256 KiB of offset pages */
/* What stdio holds of the files as they are written: a write a 64 KiB.
 * (Without a buffer given, glibc's setvbuf() keeps stdio's own, a page,
 * whatever size it is asked for.) */
#define STRTAB_WRITE_BUFFER (64 * 1024)

/* A temporary file written through stdio, then read by pages. */
struct strtab_file {
	FILE *fp;
	char *iobuf;	/* fp's buffer, STRTAB_WRITE_BUFFER bytes */
	uint64_t *page; /* per slot: page number + 1, 0: empty */
	char **data;
	size_t nslots;
};

struct strtab {
	size_t memory;
	/* Strings [0, nmem) in memory: string i is text + off[i], off[i + 1]
	 * - off[i] - 1 bytes long, NUL-terminated. */
	char *text;
	size_t text_len, text_size;
	uint32_t *off;
	size_t nmem, off_size;
	/* Strings [nmem, nmem + nfile) on disk: offsets (uint64_t) of their
	 * texts in one file, the texts (without NUL) in another. */
	int spilled;
	struct strtab_file texts, offsets;
	uint64_t texts_len;
	size_t nfile;
	int reading;
	char *buf;
	size_t buf_size;
};

struct strtab *
strtab_new(size_t memory)
{
	struct strtab *t = xcalloc(1, sizeof *t);
	t->memory = memory;
	t->off_size = 1024;
	t->off = xcalloc(t->off_size, sizeof *t->off);
	return t;
}

static void
strtab_file_close(struct strtab_file *f)
{
	if (f->fp != NULL)
		fclose(f->fp);
	free(f->iobuf);
	for (size_t i = 0; i < f->nslots; i++)
		free(f->data[i]);
	free(f->data);
	free(f->page);
	memset(f, 0, sizeof *f);
}

void
strtab_free(struct strtab *t)
{
	if (t == NULL)
		return;
	strtab_file_close(&t->texts);
	strtab_file_close(&t->offsets);
	free(t->text);
	free(t->off);
	free(t->buf);
	free(t);
}

size_t
strtab_count(const struct strtab *t)
{
	return t->nmem + t->nfile;
}

int
strtab_spilled(const struct strtab *t)
{
	return t->spilled;
}

/* A temporary file in $TMPDIR (or /tmp), already unlinked. */
static int
strtab_file_open(struct strtab_file *f, size_t nslots, char **cause)
{
	const char *dir = getenv("TMPDIR");
	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	char *path = xasprintf("%s/sluice-strings-XXXXXX", dir);
	int fd = mkstemp(path);
	if (fd < 0) {
		*cause =
		    xasprintf(_("Cannot create a temporary file in %s for the file's texts: %s."),
			dir, strerror(errno));
		free(path);
		return -1;
	}
	unlink(path);
	free(path);
	f->fp = fdopen(fd, "w+");
	if (f->fp == NULL) {
		close(fd);
		*cause =
		    xasprintf(_("Cannot create a temporary file in %s for the file's texts: %s."),
			dir, strerror(errno));
		return -1;
	}
	f->iobuf = xmalloc(STRTAB_WRITE_BUFFER);
	setvbuf(f->fp, f->iobuf, _IOFBF, STRTAB_WRITE_BUFFER);
	f->nslots = nslots;
	f->page = xcalloc(nslots, sizeof *f->page);
	f->data = xcalloc(nslots, sizeof *f->data);
	return 0;
}

static char *
strtab_io_cause(void)
{
	return xasprintf(_("Cannot use the temporary file that holds the file's texts: %s."),
	    strerror(errno ? errno : EIO));
}

/* Copies n bytes at pos of f into dst through the page cache. */
static int
strtab_file_read(struct strtab_file *f, uint64_t pos, void *dst, size_t n, char **cause)
{
	char *out = dst;
	while (n > 0) {
		uint64_t page = pos / STRTAB_PAGE;
		size_t slot = (size_t)(page % f->nslots), at = (size_t)(pos % STRTAB_PAGE);
		if (f->page[slot] != page + 1) {
			if (f->data[slot] == NULL)
				f->data[slot] = xmalloc(STRTAB_PAGE);
			f->page[slot] = 0;
			size_t got = 0;
			while (got < STRTAB_PAGE) {
				ssize_t r = pread(fileno(f->fp), f->data[slot] + got,
				    STRTAB_PAGE - got, (off_t)(page * STRTAB_PAGE + got));
				if (r < 0 && errno == EINTR)
					continue;
				if (r < 0) {
					*cause = strtab_io_cause();
					return -1;
				}
				if (r == 0)
					break;
				got += (size_t)r;
			}
			if (got < at + (n < STRTAB_PAGE - at ? n : STRTAB_PAGE - at)) {
				errno = EIO;
				*cause = strtab_io_cause();
				return -1;
			}
			f->page[slot] = page + 1;
		}
		size_t k = STRTAB_PAGE - at < n ? STRTAB_PAGE - at : n;
		memcpy(out, f->data[slot] + at, k);
		out += k;
		pos += k;
		n -= k;
	}
	return 0;
}

void
strtab_reserve(struct strtab *t)
{
	size_t text_cap = t->memory / 4 * 3, off_cap = t->memory / 4 / sizeof *t->off;
	if (t->text_size < text_cap) {
		t->text = xrealloc(t->text, text_cap);
		t->text_size = text_cap;
	}
	if (t->off_size < off_cap) {
		t->off = xreallocarray(t->off, off_cap, sizeof *t->off);
		t->off_size = off_cap;
	}
}

size_t
strtab_in_memory(const struct strtab *t)
{
	return t->nmem;
}

const char *
strtab_peek(const struct strtab *t, size_t i, size_t *len)
{
	*len = t->off[i + 1] - t->off[i] - 1;
	return t->text + t->off[i];
}

int
strtab_add(struct strtab *t, const char *s, size_t len, char **cause)
{
	fatal_assert(!t->reading);
	size_t text_cap = t->memory / 4 * 3, off_cap = t->memory / 4 / sizeof *t->off;
	if (!t->spilled && (t->text_len + len + 1 > text_cap || t->nmem + 2 > off_cap)) {
		if (strtab_file_open(&t->texts, STRTAB_TEXT_SLOTS, cause) != 0 ||
		    strtab_file_open(&t->offsets, STRTAB_OFFSET_SLOTS, cause) != 0)
			return -1;
		t->spilled = 1;
	}
	if (t->spilled) {
		uint64_t at = t->texts_len;
		if (fwrite(&at, sizeof at, 1, t->offsets.fp) != 1 ||
		    (len > 0 && fwrite(s, len, 1, t->texts.fp) != 1)) {
			*cause = strtab_io_cause();
			return -1;
		}
		t->texts_len += len;
		t->nfile++;
		return 0;
	}
	if (t->text_len + len + 1 > t->text_size) {
		size_t size = t->text_size ? t->text_size : 64 * 1024;
		while (size < t->text_len + len + 1)
			size *= 2;
		if (size > text_cap)
			size = text_cap;
		t->text = xrealloc(t->text, size);
		t->text_size = size;
	}
	if (t->nmem + 2 > t->off_size) {
		t->off_size = t->off_size * 2 < off_cap ? t->off_size * 2 : off_cap;
		t->off = xreallocarray(t->off, t->off_size, sizeof *t->off);
	}
	memcpy(t->text + t->text_len, s, len);
	t->text_len += len;
	t->text[t->text_len++] = '\0';
	t->off[++t->nmem] = (uint32_t)t->text_len;
	return 0;
}

const char *
strtab_get(struct strtab *t, size_t i, size_t *len, char **cause)
{
	fatal_assert(i < strtab_count(t));
	if (i < t->nmem) {
		*len = t->off[i + 1] - t->off[i] - 1;
		return t->text + t->off[i];
	}
	if (!t->reading) {
		if (fflush(t->texts.fp) != 0 || fflush(t->offsets.fp) != 0) {
			*cause = strtab_io_cause();
			return NULL;
		}
		t->reading = 1;
	}
	size_t j = i - t->nmem;
	uint64_t at[2] = { 0, t->texts_len };
	if (strtab_file_read(&t->offsets, j * sizeof *at, at,
		(j + 1 < t->nfile ? 2 : 1) * sizeof *at, cause) != 0)
		return NULL;
	size_t n = (size_t)(at[1] - at[0]);
	if (n + 1 > t->buf_size) {
		t->buf_size = n + 1 > 256 ? n + 1 : 256;
		free(t->buf);
		t->buf = xmalloc(t->buf_size);
	}
	if (strtab_file_read(&t->texts, at[0], t->buf, n, cause) != 0)
		return NULL;
	t->buf[n] = '\0';
	*len = n;
	return t->buf;
}
