/* The VFS sluice's SQLite connections write through: the system's own
 * (unix), except that a WAL frame goes to the file in one write instead of
 * two. SQLite writes each frame as its 24-byte header and then its page, at
 * the next offset; the header is held here and written with the page. At
 * 200,000 rows that took the import's writes from 51,398 to about 35,000
 * (strace), a call costing more than its bytes in a virtual machine.
 *
 * Nothing else changes: a held header is written before anything else is
 * done to the file (a read, a sync, a lock, its size, a truncation, a
 * close), so that what reaches the disk, and when, is what SQLite asked;
 * the header and its page were never synced apart. */

#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <pthread.h>
#include <sqlite3.h>

#include "store-sqlite.h"

/* SQLite's WAL frame header (wal.c: WAL_FRAME_HDRSIZE). */
#define WAL_FRAME_HEADER 24
/* The largest page SQLite writes. */
#define WAL_PAGE_MAX 65536

struct wal_file {
	sqlite3_file base;
	sqlite3_file *real; /* the system VFS's file, just after this */
	sqlite3_int64 held_at;
	int held; /* a frame header waits in head */
	unsigned char head[WAL_FRAME_HEADER];
	unsigned char *frame; /* header and page, written together */
};

static sqlite3_vfs *vfs_real;
static sqlite3_vfs vfs_wal;

/* Writes the held header, if any: SQLITE_OK or the write's error. */
static int
wal_flush(struct wal_file *f)
{
	if (!f->held)
		return SQLITE_OK;
	f->held = 0;
	return f->real->pMethods->xWrite(f->real, f->head, WAL_FRAME_HEADER, f->held_at);
}

static int
wal_close(sqlite3_file *p)
{
	struct wal_file *f = (struct wal_file *)p;
	int rc = wal_flush(f);
	int rc2 = f->real->pMethods->xClose(f->real);
	sqlite3_free(f->frame);
	f->frame = NULL;
	return rc != SQLITE_OK ? rc : rc2;
}

static int
wal_read(sqlite3_file *p, void *buf, int n, sqlite3_int64 at)
{
	struct wal_file *f = (struct wal_file *)p;
	int rc = wal_flush(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xRead(f->real, buf, n, at);
}

static int
wal_write(sqlite3_file *p, const void *buf, int n, sqlite3_int64 at)
{
	struct wal_file *f = (struct wal_file *)p;
	if (f->held && at == f->held_at + WAL_FRAME_HEADER && n > 0 && n <= WAL_PAGE_MAX) {
		if (f->frame == NULL)
			f->frame = sqlite3_malloc(WAL_FRAME_HEADER + WAL_PAGE_MAX);
		if (f->frame != NULL) {
			f->held = 0;
			memcpy(f->frame, f->head, WAL_FRAME_HEADER);
			memcpy(f->frame + WAL_FRAME_HEADER, buf, (size_t)n);
			return f->real->pMethods->xWrite(f->real, f->frame, WAL_FRAME_HEADER + n,
			    f->held_at);
		}
	}
	int rc = wal_flush(f);
	if (rc != SQLITE_OK)
		return rc;
	if (n == WAL_FRAME_HEADER) {
		memcpy(f->head, buf, WAL_FRAME_HEADER);
		f->held_at = at;
		f->held = 1;
		return SQLITE_OK;
	}
	return f->real->pMethods->xWrite(f->real, buf, n, at);
}

static int
wal_truncate(sqlite3_file *p, sqlite3_int64 size)
{
	struct wal_file *f = (struct wal_file *)p;
	int rc = wal_flush(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xTruncate(f->real, size);
}

static int
wal_sync(sqlite3_file *p, int flags)
{
	struct wal_file *f = (struct wal_file *)p;
	int rc = wal_flush(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xSync(f->real, flags);
}

static int
wal_size(sqlite3_file *p, sqlite3_int64 *size)
{
	struct wal_file *f = (struct wal_file *)p;
	int rc = wal_flush(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xFileSize(f->real, size);
}

static int
wal_lock(sqlite3_file *p, int lock)
{
	struct wal_file *f = (struct wal_file *)p;
	int rc = wal_flush(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xLock(f->real, lock);
}

static int
wal_unlock(sqlite3_file *p, int lock)
{
	struct wal_file *f = (struct wal_file *)p;
	int rc = wal_flush(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xUnlock(f->real, lock);
}

static int
wal_reserved(sqlite3_file *p, int *out)
{
	struct wal_file *f = (struct wal_file *)p;
	return f->real->pMethods->xCheckReservedLock(f->real, out);
}

static int
wal_control(sqlite3_file *p, int op, void *arg)
{
	struct wal_file *f = (struct wal_file *)p;
	int rc = wal_flush(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xFileControl(f->real, op, arg);
}

static int
wal_sector(sqlite3_file *p)
{
	struct wal_file *f = (struct wal_file *)p;
	return f->real->pMethods->xSectorSize(f->real);
}

static int
wal_device(sqlite3_file *p)
{
	struct wal_file *f = (struct wal_file *)p;
	return f->real->pMethods->xDeviceCharacteristics(f->real);
}

static int
wal_shm_map(sqlite3_file *p, int region, int size, int extend, void volatile **out)
{
	struct wal_file *f = (struct wal_file *)p;
	return f->real->pMethods->xShmMap(f->real, region, size, extend, out);
}

static int
wal_shm_lock(sqlite3_file *p, int offset, int n, int flags)
{
	struct wal_file *f = (struct wal_file *)p;
	return f->real->pMethods->xShmLock(f->real, offset, n, flags);
}

static void
wal_shm_barrier(sqlite3_file *p)
{
	struct wal_file *f = (struct wal_file *)p;
	f->real->pMethods->xShmBarrier(f->real);
}

static int
wal_shm_unmap(sqlite3_file *p, int delete)
{
	struct wal_file *f = (struct wal_file *)p;
	return f->real->pMethods->xShmUnmap(f->real, delete);
}

static int
wal_fetch(sqlite3_file *p, sqlite3_int64 at, int n, void **out)
{
	struct wal_file *f = (struct wal_file *)p;
	int rc = wal_flush(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xFetch(f->real, at, n, out);
}

static int
wal_unfetch(sqlite3_file *p, sqlite3_int64 at, void *page)
{
	struct wal_file *f = (struct wal_file *)p;
	return f->real->pMethods->xUnfetch(f->real, at, page);
}

static const sqlite3_io_methods wal_methods = {
	.iVersion = 3,
	.xClose = wal_close,
	.xRead = wal_read,
	.xWrite = wal_write,
	.xTruncate = wal_truncate,
	.xSync = wal_sync,
	.xFileSize = wal_size,
	.xLock = wal_lock,
	.xUnlock = wal_unlock,
	.xCheckReservedLock = wal_reserved,
	.xFileControl = wal_control,
	.xSectorSize = wal_sector,
	.xDeviceCharacteristics = wal_device,
	.xShmMap = wal_shm_map,
	.xShmLock = wal_shm_lock,
	.xShmBarrier = wal_shm_barrier,
	.xShmUnmap = wal_shm_unmap,
	.xFetch = wal_fetch,
	.xUnfetch = wal_unfetch,
};

/* The real file sits after the wrapper, aligned for anything. */
static size_t
wal_offset(void)
{
	size_t a = sizeof(max_align_t);
	return (sizeof(struct wal_file) + a - 1) / a * a;
}

static int
wal_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *p, int flags, int *out_flags)
{
	(void)vfs;
	if (!(flags & SQLITE_OPEN_WAL))
		return vfs_real->xOpen(vfs_real, name, p, flags, out_flags);
	struct wal_file *f = (struct wal_file *)p;
	memset(f, 0, sizeof *f);
	f->real = (sqlite3_file *)((char *)p + wal_offset());
	int rc = vfs_real->xOpen(vfs_real, name, f->real, flags, out_flags);
	if (f->real->pMethods == NULL)
		return rc; /* nothing opened: SQLite calls no method */
	if (f->real->pMethods->iVersion < 3) {
		/* No shared memory or mapping to pass on: the file as it is. */
		f->real->pMethods->xClose(f->real);
		return vfs_real->xOpen(vfs_real, name, p, flags, out_flags);
	}
	f->base.pMethods = &wal_methods;
	return rc;
}

/* The other calls go to the system's VFS as they are. */
static int
vfs_delete(sqlite3_vfs *vfs, const char *name, int sync)
{
	(void)vfs;
	return vfs_real->xDelete(vfs_real, name, sync);
}

static int
vfs_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return vfs_real->xAccess(vfs_real, name, flags, out);
}

static int
vfs_full(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return vfs_real->xFullPathname(vfs_real, name, n, out);
}

static void *
vfs_dlopen(sqlite3_vfs *vfs, const char *name)
{
	(void)vfs;
	return vfs_real->xDlOpen(vfs_real, name);
}

static void
vfs_dlerror(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	vfs_real->xDlError(vfs_real, n, out);
}

static void (*vfs_dlsym(sqlite3_vfs *vfs, void *h, const char *name))(void)
{
	(void)vfs;
	return vfs_real->xDlSym(vfs_real, h, name);
}

static void
vfs_dlclose(sqlite3_vfs *vfs, void *h)
{
	(void)vfs;
	vfs_real->xDlClose(vfs_real, h);
}

static int
vfs_random(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return vfs_real->xRandomness(vfs_real, n, out);
}

static int
vfs_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return vfs_real->xSleep(vfs_real, us);
}

static int
vfs_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return vfs_real->xCurrentTime(vfs_real, out);
}

static int
vfs_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return vfs_real->xGetLastError(vfs_real, n, out);
}

static int
vfs_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	return vfs_real->xCurrentTimeInt64(vfs_real, out);
}

static pthread_once_t vfs_once = PTHREAD_ONCE_INIT;

static void
vfs_register(void)
{
	vfs_real = sqlite3_vfs_find(NULL);
	if (vfs_real == NULL || vfs_real->iVersion < 2)
		return;
	vfs_wal = (sqlite3_vfs){
		.iVersion = 2,
		.szOsFile = (int)wal_offset() + vfs_real->szOsFile,
		.mxPathname = vfs_real->mxPathname,
		.zName = STORE_SQLITE_VFS,
		.xOpen = wal_open,
		.xDelete = vfs_delete,
		.xAccess = vfs_access,
		.xFullPathname = vfs_full,
		.xDlOpen = vfs_dlopen,
		.xDlError = vfs_dlerror,
		.xDlSym = vfs_dlsym,
		.xDlClose = vfs_dlclose,
		.xRandomness = vfs_random,
		.xSleep = vfs_sleep,
		.xCurrentTime = vfs_time,
		.xGetLastError = vfs_error,
		.xCurrentTimeInt64 = vfs_time64,
	};
	if (sqlite3_vfs_register(&vfs_wal, 0) != SQLITE_OK)
		vfs_real = NULL;
}

const char *
store_sqlite_vfs(void)
{
	pthread_once(&vfs_once, vfs_register);
	return vfs_real != NULL ? STORE_SQLITE_VFS : NULL;
}
