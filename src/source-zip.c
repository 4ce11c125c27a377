/* Reading members of a ZIP archive through minizip over a file descriptor,
 * refusing what no genuine workbook holds: too many members, two members of
 * one name, members that inflate like a zip bomb, damaged data. What the
 * members mean is source-xlsx.c's business. */
#include "config.h"

#include <errno.h>
#include <minizip/unzip.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "source-zip.h"
#include "text.h"
#include "thread.h"
#include "xmalloc.h"

#define ZIP_NAME_MAX 4096

struct zip_member {
	char *path;
	unz64_file_pos pos;
	uint64_t size;	     /* declared uncompressed size */
	uint64_t compressed; /* declared compressed size */
};

/* minizip reads through these callbacks: pread(2) on a descriptor that
 * stays the caller's. */
struct zip_stream {
	int fd;
	uint64_t pos;
	uint64_t size;
	int error;
};

struct zip_archive {
	unzFile uf;
	struct zip_stream stream;
	char *name; /* the file's name, escaped */
	struct zip_member *members;
	size_t nmembers;

	struct zip_member *open; /* the member being read */
	char *open_name;	 /* its path, escaped */
	uint64_t data_start;	 /* file offset of its compressed data */
	uint64_t inflated;	 /* bytes inflated from it */
	uint64_t total;		 /* bytes inflated from all members */
	bool at_end;
};

static voidpf ZCALLBACK
zip_io_open(voidpf opaque, const void *filename, int mode)
{
	(void)filename;
	(void)mode;
	return opaque;
}

static uLong ZCALLBACK
zip_io_read(voidpf opaque, voidpf stream, void *buf, uLong size)
{
	struct zip_stream *zs = stream;
	size_t done = 0;
	ssize_t n;

	(void)opaque;
	while (done < size) {
		n = pread(zs->fd, (char *)buf + done, size - done, (off_t)(zs->pos + done));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			zs->error = errno;
			break;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	zs->pos += done;
	return (uLong)done;
}

static uLong ZCALLBACK
zip_io_write(voidpf opaque, voidpf stream, const void *buf, uLong size)
{
	(void)opaque;
	(void)stream;
	(void)buf;
	(void)size;
	return 0;
}

static ZPOS64_T ZCALLBACK
zip_io_tell(voidpf opaque, voidpf stream)
{
	struct zip_stream *zs = stream;

	(void)opaque;
	return zs->pos;
}

static long ZCALLBACK
zip_io_seek(voidpf opaque, voidpf stream, ZPOS64_T offset, int origin)
{
	struct zip_stream *zs = stream;
	uint64_t base;

	(void)opaque;
	switch (origin) {
	case ZLIB_FILEFUNC_SEEK_SET: base = 0; break;
	case ZLIB_FILEFUNC_SEEK_CUR: base = zs->pos; break;
	case ZLIB_FILEFUNC_SEEK_END: base = zs->size; break;
	default: return -1;
	}
	if (offset > UINT64_MAX - base || base + offset > zs->size)
		return -1;
	zs->pos = base + offset;
	return 0;
}

static int ZCALLBACK
zip_io_close(voidpf opaque, voidpf stream)
{
	(void)opaque;
	(void)stream;
	return 0;
}

static int ZCALLBACK
zip_io_error(voidpf opaque, voidpf stream)
{
	struct zip_stream *zs = stream;

	(void)opaque;
	return zs->error;
}

static int
zip_member_compare(const void *a, const void *b)
{
	const struct zip_member *x = a, *y = b;

	return strcasecmp(x->path, y->path);
}

static char *
zip_damaged(const struct zip_archive *z)
{
	return xasprintf(_("%s cannot be read as an XLSX workbook: its ZIP archive is "
			   "truncated or damaged. Save it again from the spreadsheet program, or ask "
			   "for a new copy of the file."),
	    z->name);
}

/* Reads the central directory into z->members. */
static int
zip_read_directory(struct zip_archive *z, char **cause)
{
	unz_global_info64 gi;
	unz_file_info64 info;
	char path[ZIP_NAME_MAX + 1];
	size_t size = 0, i;
	int rc;

	if (unzGetGlobalInfo64(z->uf, &gi) != UNZ_OK) {
		*cause = zip_damaged(z);
		return -1;
	}
	if (gi.number_entry > ZIP_ENTRIES_MAX) {
		*cause = xasprintf(
		    _("%s is refused: its ZIP archive holds more than %d files, "
		      "which no workbook needs. Save it again from the spreadsheet program, or "
		      "as CSV."),
		    z->name, ZIP_ENTRIES_MAX);
		return -1;
	}
	for (rc = unzGoToFirstFile(z->uf); rc == UNZ_OK; rc = unzGoToNextFile(z->uf)) {
		struct zip_member *m;

		if (z->nmembers == ZIP_ENTRIES_MAX) {
			*cause = xasprintf(
			    _("%s is refused: its ZIP archive holds more than %d "
			      "files, which no workbook needs. Save it again from the spreadsheet "
			      "program, or as CSV."),
			    z->name, ZIP_ENTRIES_MAX);
			return -1;
		}
		if (unzGetCurrentFileInfo64(z->uf, &info, path, sizeof path, NULL, 0, NULL, 0) !=
			UNZ_OK ||
		    info.size_filename > ZIP_NAME_MAX) {
			*cause = zip_damaged(z);
			return -1;
		}
		path[info.size_filename] = '\0';
		if (z->nmembers == size) {
			size = size == 0 ? 16 : 2 * size;
			z->members = xreallocarray(z->members, size, sizeof *z->members);
		}
		m = &z->members[z->nmembers];
		if (unzGetFilePos64(z->uf, &m->pos) != UNZ_OK) {
			*cause = zip_damaged(z);
			return -1;
		}
		m->path = xstrdup(path);
		m->size = info.uncompressed_size;
		m->compressed = info.compressed_size;
		z->nmembers++;
	}
	if (rc != UNZ_END_OF_LIST_OF_FILE) {
		*cause = zip_damaged(z);
		return -1;
	}
	if (z->nmembers > 1)
		qsort(z->members, z->nmembers, sizeof *z->members, zip_member_compare);
	for (i = 1; i < z->nmembers; i++) {
		if (strcasecmp(z->members[i - 1].path, z->members[i].path) == 0) {
			char *member = text_escape(z->members[i].path);

			*cause = xasprintf(
			    _("%s is refused: its ZIP archive holds two files "
			      "called %s, which a genuine workbook never does. Save it again from "
			      "the spreadsheet program, or as CSV."),
			    z->name, member);
			free(member);
			return -1;
		}
	}
	return 0;
}

struct zip_archive *
zip_open(int fd, const char *name, char **cause)
{
	struct zip_archive *z = xcalloc(1, sizeof *z);
	zlib_filefunc64_def io = {
		.zopen64_file = zip_io_open,
		.zread_file = zip_io_read,
		.zwrite_file = zip_io_write,
		.ztell64_file = zip_io_tell,
		.zseek64_file = zip_io_seek,
		.zclose_file = zip_io_close,
		.zerror_file = zip_io_error,
	};
	struct stat sb;

	z->name = xstrdup(name);
	z->stream.fd = fd;
	if (fstat(fd, &sb) == -1) {
		*cause = xasprintf(_("The file %s cannot be read: %s."), name, strerror(errno));
		goto fail;
	}
	z->stream.size = (uint64_t)sb.st_size;
	io.opaque = &z->stream;
	z->uf = unzOpen2_64("", &io);
	if (z->uf == NULL) {
		if (z->stream.error != 0) {
			*cause = xasprintf(_("The file %s cannot be read: %s."), name,
			    strerror(z->stream.error));
		} else
			*cause = zip_damaged(z);
		goto fail;
	}
	if (zip_read_directory(z, cause) != 0)
		goto fail;
	return z;

fail:
	zip_close(z);
	return NULL;
}

static struct zip_member *
zip_find(const struct zip_archive *z, const char *path)
{
	struct zip_member key = { .path = (char *)path };

	if (z->nmembers == 0)
		return NULL;
	return bsearch(&key, z->members, z->nmembers, sizeof *z->members, zip_member_compare);
}

bool
zip_has(const struct zip_archive *z, const char *path)
{
	return zip_find(z, path) != NULL;
}

static void
zip_entry_end(struct zip_archive *z)
{
	if (z->open != NULL && !z->at_end)
		unzCloseCurrentFile(z->uf);
	z->open = NULL;
	free(z->open_name);
	z->open_name = NULL;
}

int
zip_entry_open(struct zip_archive *z, const char *path, char **cause)
{
	struct zip_member *m = zip_find(z, path);
	unz_file_info64 info;
	char *member = text_escape(path);

	zip_entry_end(z);
	if (m == NULL) {
		*cause = xasprintf(_("%s is not a complete XLSX workbook: it has no part %s. "
				     "Save it again from the spreadsheet program."),
		    z->name, member);
		free(member);
		return -1;
	}
	if (unzGoToFilePos64(z->uf, &m->pos) != UNZ_OK ||
	    unzGetCurrentFileInfo64(z->uf, &info, NULL, 0, NULL, 0, NULL, 0) != UNZ_OK) {
		*cause = zip_damaged(z);
		free(member);
		return -1;
	}
	if (info.flag & 1) {
		*cause = xasprintf(_("%s is protected by a password; open it in the "
				     "spreadsheet program, remove the password, save it and import it "
				     "again."),
		    z->name);
		free(member);
		return -1;
	}
	if (info.compression_method != 0 && info.compression_method != Z_DEFLATED) {
		*cause = xasprintf(_("%s uses a ZIP compression method sluice cannot read (in "
				     "its part %s); save it again from the spreadsheet program."),
		    z->name, member);
		free(member);
		return -1;
	}
	if (unzOpenCurrentFile(z->uf) != UNZ_OK) {
		*cause = zip_damaged(z);
		free(member);
		return -1;
	}
	z->open = m;
	z->open_name = member;
	z->data_start = unzGetCurrentFileZStreamPos64(z->uf);
	z->inflated = 0;
	z->at_end = false;
	return 0;
}

static char *
zip_member_damaged(const struct zip_archive *z)
{
	return xasprintf(_("%s is damaged: the part %s of the workbook fails its checksum "
			   "or cannot be inflated. Save it again from the spreadsheet program, or ask for "
			   "a new copy of the file."),
	    z->name, z->open_name);
}

ssize_t
zip_entry_read(struct zip_archive *z, void *buf, size_t size, char **cause)
{
	uint64_t consumed;
	int n, rc;

	if (z->open == NULL || z->at_end)
		return 0;
	if (size > INT32_MAX)
		size = INT32_MAX;
	z->stream.error = 0;
	n = unzReadCurrentFile(z->uf, buf, (unsigned)size);
	if (n < 0) {
		if (n == UNZ_ERRNO && z->stream.error != 0) {
			*cause = xasprintf(_("The file %s cannot be read: %s."), z->name,
			    strerror(z->stream.error));
		} else
			*cause = zip_member_damaged(z);
		return -1;
	}
	if (n == 0) {
		/* minizip checks the CRC only when the declared size was read
		 * in full: check that too. */
		rc = unzCloseCurrentFile(z->uf);
		z->at_end = true;
		if (rc != UNZ_OK || z->inflated != z->open->size) {
			*cause = zip_member_damaged(z);
			return -1;
		}
		return 0;
	}
	z->inflated += (uint64_t)n;
	z->total += (uint64_t)n;
	consumed = unzGetCurrentFileZStreamPos64(z->uf) - z->data_start;
	if (z->inflated > ZIP_RATIO_GRACE && z->inflated / ZIP_RATIO_MAX > consumed) {
		*cause = xasprintf(
		    _("%s is refused: the part %s of the workbook inflates to "
		      "more than %d times its compressed size, as a zip bomb does. If the file "
		      "is genuine, save it as CSV and import that."),
		    z->name, z->open_name, ZIP_RATIO_MAX);
		return -1;
	}
	if (z->inflated > ZIP_ENTRY_MAX || z->total > ZIP_TOTAL_MAX) {
		*cause = xasprintf(
		    _("%s is refused: the part %s of the workbook holds more "
		      "than %llu MiB, more than sluice reads. Split the sheet, or save it as CSV "
		      "and import that."),
		    z->name, z->open_name, (unsigned long long)(ZIP_ENTRY_MAX >> 20));
		return -1;
	}
	return n;
}

/* --- Reading ahead ------------------------------------------------------- */

/* Chunks of the member in flight between the thread that inflates them and
 * the one that parses them. */
#define ZIP_AHEAD_SLOTS 4
#define ZIP_AHEAD_CHUNK (64 * 1024)

struct zip_ahead {
	struct zip_archive *z;
	pthread_t thread;
	bool threaded; /* else each chunk is read when asked for */
	pthread_mutex_t lock;
	pthread_cond_t changed;
	char *data[ZIP_AHEAD_SLOTS];
	ssize_t len[ZIP_AHEAD_SLOTS];
	char *cause[ZIP_AHEAD_SLOTS];
	size_t head, count; /* the oldest chunk not given out, how many wait */
	bool taken;	    /* the reader holds the chunk at head */
	bool stop;
};

static void *
zip_ahead_run(void *arg)
{
	struct zip_ahead *a = arg;
	size_t tail = 0;
	ssize_t n;

	do {
		pthread_mutex_lock(&a->lock);
		while (a->count == ZIP_AHEAD_SLOTS && !a->stop)
			pthread_cond_wait(&a->changed, &a->lock);
		bool stop = a->stop;
		pthread_mutex_unlock(&a->lock);
		if (stop)
			break;
		char *cause = NULL;
		n = zip_entry_read(a->z, a->data[tail], ZIP_AHEAD_CHUNK, &cause);
		pthread_mutex_lock(&a->lock);
		a->len[tail] = n;
		a->cause[tail] = cause;
		a->count++;
		pthread_cond_signal(&a->changed);
		pthread_mutex_unlock(&a->lock);
		tail = (tail + 1) % ZIP_AHEAD_SLOTS;
	} while (n > 0);
	return NULL;
}

struct zip_ahead *
zip_ahead_start(struct zip_archive *z)
{
	struct zip_ahead *a = xcalloc(1, sizeof *a);
	a->z = z;
	for (size_t i = 0; i < ZIP_AHEAD_SLOTS; i++)
		a->data[i] = xmalloc(ZIP_AHEAD_CHUNK);
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->changed, NULL);
	/* Without a thread, the chunks are read one by one as asked for. */
	a->threaded = thread_start(&a->thread, zip_ahead_run, a) == 0;
	return a;
}

ssize_t
zip_ahead_next(struct zip_ahead *a, const void **data, char **cause)
{
	if (!a->threaded) {
		*data = a->data[0];
		return zip_entry_read(a->z, a->data[0], ZIP_AHEAD_CHUNK, cause);
	}
	pthread_mutex_lock(&a->lock);
	if (a->taken) {
		a->head = (a->head + 1) % ZIP_AHEAD_SLOTS;
		a->count--;
		a->taken = false;
		pthread_cond_signal(&a->changed);
	}
	while (a->count == 0)
		pthread_cond_wait(&a->changed, &a->lock);
	ssize_t n = a->len[a->head];
	*data = a->data[a->head];
	if (n < 0) {
		*cause = a->cause[a->head];
		a->cause[a->head] = NULL;
	}
	a->taken = true;
	pthread_mutex_unlock(&a->lock);
	return n;
}

void
zip_ahead_stop(struct zip_ahead *a)
{
	if (a == NULL)
		return;
	if (a->threaded) {
		pthread_mutex_lock(&a->lock);
		a->stop = true;
		pthread_cond_signal(&a->changed);
		pthread_mutex_unlock(&a->lock);
		pthread_join(a->thread, NULL);
	}
	pthread_cond_destroy(&a->changed);
	pthread_mutex_destroy(&a->lock);
	for (size_t i = 0; i < ZIP_AHEAD_SLOTS; i++) {
		free(a->data[i]);
		free(a->cause[i]);
	}
	free(a);
}

uint64_t
zip_entry_size(const struct zip_archive *z)
{
	return z->open != NULL ? z->open->size : 0;
}

void
zip_entry_progress(const struct zip_archive *z, uint64_t *done, uint64_t *total)
{
	uint64_t pos;

	*done = *total = 0;
	if (z->open == NULL)
		return;
	*total = z->open->compressed;
	if (z->at_end) {
		*done = *total;
		return;
	}
	pos = unzGetCurrentFileZStreamPos64(z->uf);
	*done = pos > z->data_start ? pos - z->data_start : 0;
	if (*done > *total)
		*done = *total;
}

uint64_t
zip_inflated_total(const struct zip_archive *z)
{
	return z->total;
}

void
zip_add_inflated(struct zip_archive *z, uint64_t n)
{
	z->total += n;
}

void
zip_close(struct zip_archive *z)
{
	size_t i;

	if (z == NULL)
		return;
	zip_entry_end(z);
	if (z->uf != NULL)
		unzClose(z->uf);
	for (i = 0; i < z->nmembers; i++)
		free(z->members[i].path);
	free(z->members);
	free(z->name);
	free(z);
}
