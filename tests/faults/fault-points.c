/* The fault sweeps' injector, an LD_PRELOAD library: it counts the calls a
 * process makes to one kind of function (writes, fsyncs, reads, opens,
 * allocations) and makes the Nth one kill the process, or fail once, or
 * fail from then on. Self-contained, so that it also runs inside a sluice
 * built with ASan+UBSan (libfiu's preloaded wrappers cannot: they call the
 * C library before they have found it). Set by the environment:
 *   SLUICE_FAULT_POINTS  write, fsync, read, open or malloc, comma-separated
 *                        (write: write, pwrite; fsync: fsync, fdatasync;
 *                        read: read, pread; open: open, openat; malloc:
 *                        malloc, calloc, realloc)
 *   SLUICE_FAULT_ACTION  count | kill | once | always
 *   SLUICE_FAULT_AT      N, the first call (from 1) that is killed or fails
 *   SLUICE_FAULT_COUNT   a file that gets the number of calls at exit
 * A failure returns -1 with errno EIO (ENOMEM and NULL for malloc). Calls
 * the C library makes to itself are not seen, as with libfiu. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

enum fault_action { FAULT_COUNT, FAULT_KILL, FAULT_ONCE, FAULT_ALWAYS };
enum fault_kind { KIND_WRITE = 1, KIND_FSYNC = 2, KIND_READ = 4, KIND_OPEN = 8, KIND_MALLOC = 16 };

static int fault_kinds;
static enum fault_action fault_action = FAULT_COUNT;
static long fault_at;
static long fault_calls;
static pid_t fault_pid;
static const char *fault_count_file;

/* The allocator under this library: ASan's when sluice is built with it
 * (weak: resolved by the dynamic linker, no call needed), else glibc's. */
extern void *__interceptor_malloc(size_t) __attribute__((weak));
extern void *__interceptor_calloc(size_t, size_t) __attribute__((weak));
extern void *__interceptor_realloc(void *, size_t) __attribute__((weak));
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

/* fault_hit KIND: 1 when this call of KIND must fail (errno is set). */
static int
fault_hit(int kind)
{
	long n;

	if ((fault_kinds & kind) == 0)
		return 0;
	n = __atomic_add_fetch(&fault_calls, 1, __ATOMIC_SEQ_CST);
	if (fault_action == FAULT_COUNT || n < fault_at)
		return 0;
	if (fault_action == FAULT_KILL) {
		if (n == fault_at)
			kill(getpid(), SIGKILL);
		return 0;
	}
	if (fault_action == FAULT_ONCE && n != fault_at)
		return 0;
	errno = kind == KIND_MALLOC ? ENOMEM : EIO;
	return 1;
}

/* real NAME: the next definition of NAME (the C library's, or a
 * sanitizer's interceptor). */
static void *
fault_real(void **slot, const char *name)
{
	void *f = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
	if (f == NULL) {
		f = dlsym(RTLD_NEXT, name);
		if (f == NULL)
			abort();
		__atomic_store_n(slot, f, __ATOMIC_RELEASE);
	}
	return f;
}
#define REAL(name)                                                                                 \
	static void *real_##name;                                                                  \
	__typeof__(name) *f_##name = (__typeof__(name) *)fault_real(&real_##name, #name)

ssize_t
write(int fd, const void *buf, size_t n)
{
	REAL(write);
	return fault_hit(KIND_WRITE) ? -1 : f_write(fd, buf, n);
}

ssize_t
pwrite(int fd, const void *buf, size_t n, off_t off)
{
	REAL(pwrite);
	return fault_hit(KIND_WRITE) ? -1 : f_pwrite(fd, buf, n, off);
}

ssize_t
pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	REAL(pwrite64);
	return fault_hit(KIND_WRITE) ? -1 : f_pwrite64(fd, buf, n, off);
}

int
fsync(int fd)
{
	REAL(fsync);
	return fault_hit(KIND_FSYNC) ? -1 : f_fsync(fd);
}

int
fdatasync(int fd)
{
	REAL(fdatasync);
	return fault_hit(KIND_FSYNC) ? -1 : f_fdatasync(fd);
}

ssize_t
read(int fd, void *buf, size_t n)
{
	REAL(read);
	return fault_hit(KIND_READ) ? -1 : f_read(fd, buf, n);
}

ssize_t
pread(int fd, void *buf, size_t n, off_t off)
{
	REAL(pread);
	return fault_hit(KIND_READ) ? -1 : f_pread(fd, buf, n, off);
}

ssize_t
pread64(int fd, void *buf, size_t n, off_t off)
{
	REAL(pread64);
	return fault_hit(KIND_READ) ? -1 : f_pread64(fd, buf, n, off);
}

#define OPEN_MODE(flags, mode)                                                                     \
	do {                                                                                       \
		va_list ap;                                                                        \
		va_start(ap, flags);                                                               \
		mode = (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, int) : 0;                      \
		va_end(ap);                                                                        \
	} while (0)

int
open(const char *path, int flags, ...)
{
	REAL(open);
	int mode;
	OPEN_MODE(flags, mode);
	return fault_hit(KIND_OPEN) ? -1 : f_open(path, flags, mode);
}

int
open64(const char *path, int flags, ...)
{
	REAL(open64);
	int mode;
	OPEN_MODE(flags, mode);
	return fault_hit(KIND_OPEN) ? -1 : f_open64(path, flags, mode);
}

int
openat(int dir, const char *path, int flags, ...)
{
	REAL(openat);
	int mode;
	OPEN_MODE(flags, mode);
	return fault_hit(KIND_OPEN) ? -1 : f_openat(dir, path, flags, mode);
}

void *
malloc(size_t n)
{
	if (fault_hit(KIND_MALLOC))
		return NULL;
	return __interceptor_malloc ? __interceptor_malloc(n) : __libc_malloc(n);
}

void *
calloc(size_t k, size_t n)
{
	if (fault_hit(KIND_MALLOC))
		return NULL;
	return __interceptor_calloc ? __interceptor_calloc(k, n) : __libc_calloc(k, n);
}

void *
realloc(void *p, size_t n)
{
	if (fault_hit(KIND_MALLOC))
		return NULL;
	return __interceptor_realloc ? __interceptor_realloc(p, n) : __libc_realloc(p, n);
}

__attribute__((constructor)) static void
fault_points_init(void)
{
	static const struct {
		const char *name;
		int kind;
	} kinds[] = { { "write", KIND_WRITE }, { "fsync", KIND_FSYNC }, { "read", KIND_READ },
		{ "open", KIND_OPEN }, { "malloc", KIND_MALLOC } };
	const char *points = getenv("SLUICE_FAULT_POINTS");
	const char *action = getenv("SLUICE_FAULT_ACTION");
	const char *at = getenv("SLUICE_FAULT_AT");
	const char *p;
	size_t i, len;
	int want = 0;

	fault_pid = getpid();
	fault_count_file = getenv("SLUICE_FAULT_COUNT");
	if (action != NULL && strcmp(action, "kill") == 0)
		fault_action = FAULT_KILL;
	else if (action != NULL && strcmp(action, "once") == 0)
		fault_action = FAULT_ONCE;
	else if (action != NULL && strcmp(action, "always") == 0)
		fault_action = FAULT_ALWAYS;
	fault_at = at != NULL ? atol(at) : 0;
	for (p = points; p != NULL && *p != '\0'; p += len + (p[len] == ',')) {
		len = strcspn(p, ",");
		for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
			if (strlen(kinds[i].name) == len && strncmp(p, kinds[i].name, len) == 0)
				want |= kinds[i].kind;
		}
	}
	fault_kinds = want;
}

/* The count is written with raw system calls, after the points are
 * switched off, so that writing it is not counted; only by the process
 * that was started (not by a child it forked). */
__attribute__((destructor)) static void
fault_points_fini(void)
{
	char line[32];
	long fd;
	int len;

	fault_kinds = 0;
	if (fault_count_file == NULL || getpid() != fault_pid)
		return;
	len = snprintf(line, sizeof line, "%ld\n", __atomic_load_n(&fault_calls, __ATOMIC_SEQ_CST));
	fd = syscall(SYS_openat, AT_FDCWD, fault_count_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return;
	if (syscall(SYS_write, fd, line, (size_t)len) != len)
		(void)0;
	syscall(SYS_close, fd);
}
