/* The XLS child process: the only code that calls FreeXL. Fenced in
 * (every descriptor closed but the input and its two pipes, no new file
 * opened after the input, memory and CPU time limited), it reads the
 * workbook and writes its sheets and cells as frames (source-xls.h); what
 * FreeXL leaves out comes from source-xls-biff.c. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <freexl.h>
#include <iconv.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "source-sheet.h"
#include "source-xls-biff.h"
#include "source-xls.h"

#define CHILD_IN 3
#define CHILD_OUT 4
#define CHILD_CMD 5
#define CHILD_CPU_SECONDS 60
#define CHILD_MEMORY (1024UL * 1024 * 1024)

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CHILD_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define CHILD_SANITIZED 1
#endif
#endif

static void
child_write(const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		w = write(CHILD_OUT, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(1);
		c += w;
		n -= (size_t)w;
	}
}

static void
child_frame(char type, const void *a, size_t alen, const void *b, size_t blen)
{
	uint32_t len = (uint32_t)(alen + blen);
	uint8_t head[5] = { (uint8_t)type, (uint8_t)len, (uint8_t)(len >> 8), (uint8_t)(len >> 16),
		(uint8_t)(len >> 24) };

	child_write(head, sizeof head);
	if (alen > 0)
		child_write(a, alen);
	if (blen > 0)
		child_write(b, blen);
}

static void __attribute__((noreturn)) child_fail(enum xls_failure f)
{
	uint8_t code = (uint8_t)f;

	child_frame('F', &code, 1, NULL, 0);
	_exit(0);
}

/* Descriptors: the input on 3, the frames on 4, the parent's choice on
 * 5, nothing else (standard input, output and error closed). */
static void
child_fence_fds(int in, int out, int cmd)
{
	int hi_in = fcntl(in, F_DUPFD, 10), hi_out = fcntl(out, F_DUPFD, 10),
	    hi_cmd = fcntl(cmd, F_DUPFD, 10);

	if (hi_in < 0 || hi_out < 0 || hi_cmd < 0 || dup2(hi_in, CHILD_IN) < 0 ||
	    dup2(hi_out, CHILD_OUT) < 0 || dup2(hi_cmd, CHILD_CMD) < 0)
		_exit(1);
	closefrom(CHILD_CMD + 1);
	close(0);
	close(1);
	close(2);
}

/* The character sets FreeXL converts from, loaded before the fence: once
 * it is up, loading one would open a file. */
static void
child_preload_iconv(void)
{
	static const char *const sets[] = { "ASCII", "UTF-16LE", "CP437", "CP720", "CP737", "CP775",
		"CP850", "CP852", "CP855", "CP857", "CP858", "CP860", "CP861", "CP862", "CP863",
		"CP864", "CP865", "CP866", "CP869", "CP874", "CP932", "CP936", "CP949", "CP950",
		"CP1250", "CP1251", "CP1252", "CP1253", "CP1254", "CP1255", "CP1256", "CP1257",
		"CP1258", "CP1361", "MacRoman" };
	size_t i;

	/* Kept open, so that glibc keeps each module loaded. */
	for (i = 0; i < sizeof sets / sizeof sets[0]; i++)
		(void)iconv_open("UTF-8", sets[i]);
}

/* The parent's handlers (the wizard's terminal restored on a crash, an
 * import's cancel on SIGTERM) are not the child's: it dies as it is. */
static void
child_default_signals(void)
{
	static const int sigs[] = { SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGSEGV, SIGTERM, SIGINT,
		SIGHUP, SIGQUIT, SIGPIPE, SIGXCPU, SIGALRM };
	sigset_t none;
	size_t i;

	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void
child_limit(int resource, rlim_t soft, rlim_t hard)
{
	struct rlimit rl = { soft, hard };

	if (setrlimit(resource, &rl) != 0)
		_exit(1);
}

/* The test hooks of tests/cli/xls-child.sh: a child that checks its
 * fence (it dies when a descriptor but its three is open, when it can
 * open a second file, or when its CPU time is not limited), crashes, talks
 * nonsense, or spins until its CPU time runs out. */
static void
child_test_hook(void)
{
	const char *hook = getenv("SLUICE_TEST_XLS_CHILD");
	struct rlimit rl;
	int fd;

	if (hook == NULL)
		return;
	if (!strcmp(hook, "fence")) {
		for (fd = 0; fd < 1024; fd++)
			if (fd != CHILD_IN && fd != CHILD_OUT && fd != CHILD_CMD &&
			    fcntl(fd, F_GETFD) != -1)
				abort();
		/* One descriptor is left, 0, for FreeXL's opening of the input. */
		if (open("/proc/self/fd/3", O_RDONLY) != 0 || open("/dev/null", O_RDONLY) != -1)
			abort();
		close(0);
		if (getrlimit(RLIMIT_CPU, &rl) != 0 || rl.rlim_cur != CHILD_CPU_SECONDS)
			abort();
		return;
	}
	if (!strcmp(hook, "crash"))
		abort();
	if (!strcmp(hook, "garbage")) {
		child_write("Oops, not a frame", 17);
		_exit(0);
	}
	if (!strcmp(hook, "spin")) {
		child_limit(RLIMIT_CPU, 1, 2);
		for (volatile unsigned long n = 0;; n++)
			continue;
	}
}

static enum xls_failure
child_open_failure(int rc, const struct biff_book *b)
{
	if (b->encrypted)
		return XLS_ENCRYPTED;
	if (b->found && b->other_case)
		return XLS_STREAM_CASE;
	if (b->version >= 2 && b->version <= 5)
		return XLS_OLD_BIFF;
	switch (rc) {
	case FREEXL_INSUFFICIENT_MEMORY: return XLS_NO_MEMORY;
	case FREEXL_CRAFTED_FILE: return XLS_CRAFTED;
	case FREEXL_BIFF_WORKBOOK_NOT_FOUND: return b->found ? XLS_DAMAGED : XLS_NOT_BOOK;
	default: return XLS_DAMAGED;
	}
}

/* Sends the rows of the sheet chosen: FreeXL's cells, with the child's
 * own reading where FreeXL has none (formulas) or loses a part
 * (elapsed times, error values). */
static void
child_rows(const void *h, const struct biff_book *b, unsigned sheet)
{
	struct biff_cell *extra;
	size_t nextra, k = 0, len;
	unsigned rows, r;
	unsigned short cols, c;
	FreeXL_CellValue v;
	char buf[SHEET_NUMBER_SIZE], head[3];
	const char *text;
	uint8_t dim[6], idx[4];
	bool begun;

	if (freexl_select_active_worksheet(h, (unsigned short)sheet) != FREEXL_OK ||
	    freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK)
		child_fail(XLS_DAMAGED);
	if (rows > XLS_ROWS_MAX || cols > XLS_COLUMNS_MAX)
		child_fail(XLS_DAMAGED);
	extra = biff_sheet_cells(b, sheet, &nextra);
	if (rows == 0 && nextra == 0 && b->version == 5)
		child_fail(XLS_OLD_BIFF);
	for (k = 0; k < nextra; k++) {
		/* FreeXL sizes the sheet by its cells, formulas left out. */
		if (extra[k].row >= rows)
			rows = extra[k].row + 1u;
		if (extra[k].col >= cols && extra[k].col < XLS_COLUMNS_MAX)
			cols = (unsigned short)(extra[k].col + 1);
	}
	if (rows > XLS_ROWS_MAX)
		rows = XLS_ROWS_MAX;
	dim[0] = (uint8_t)rows, dim[1] = (uint8_t)(rows >> 8), dim[2] = (uint8_t)(rows >> 16);
	dim[3] = (uint8_t)(rows >> 24), dim[4] = (uint8_t)cols, dim[5] = (uint8_t)(cols >> 8);
	child_frame('D', dim, sizeof dim, NULL, 0);
	k = 0;
	for (r = 0; r < rows; r++) {
		begun = false;
		for (c = 0; c < cols; c++) {
			uint8_t kind = XLS_CELL_VALUE;
			while (k < nextra &&
			    (extra[k].row < r || (extra[k].row == r && extra[k].col < c)))
				k++;
			len = 0;
			text = "";
			if (k < nextra && extra[k].row == r && extra[k].col == c) {
				kind = extra[k].missing ? XLS_CELL_NO_VALUE : XLS_CELL_VALUE;
				text = extra[k].missing ? "" : extra[k].text;
				len = extra[k].missing ? 0 : extra[k].len;
			} else if (freexl_get_cell_value(h, r, c, &v) == FREEXL_OK) {
				switch (v.type) {
				case FREEXL_CELL_INT:
					len = (size_t)snprintf(buf, sizeof buf, "%d",
					    v.value.int_value);
					text = buf;
					break;
				case FREEXL_CELL_DOUBLE:
					len = sheet_format_number(v.value.double_value, buf);
					text = buf;
					break;
				case FREEXL_CELL_TEXT:
				case FREEXL_CELL_SST_TEXT:
				case FREEXL_CELL_TIME:
				case FREEXL_CELL_DATE:
				case FREEXL_CELL_DATETIME:
					text = v.value.text_value != NULL ? v.value.text_value : "";
					len = strlen(text);
					if (v.type == FREEXL_CELL_DATETIME && len > 10 &&
					    len < sizeof buf && text[10] == ' ') {
						memcpy(buf, text, len + 1);
						buf[10] = 'T';
						text = buf;
					}
					break;
				}
			}
			if (len == 0 && kind == XLS_CELL_VALUE)
				continue;
			if (len > SHEET_CELL_MAX)
				len = SHEET_CELL_MAX;
			if (!begun) {
				idx[0] = (uint8_t)r, idx[1] = (uint8_t)(r >> 8);
				idx[2] = (uint8_t)(r >> 16), idx[3] = (uint8_t)(r >> 24);
				child_frame('R', idx, sizeof idx, NULL, 0);
				begun = true;
			}
			head[0] = (char)(c & 0xFF), head[1] = (char)(c >> 8), head[2] = (char)kind;
			child_frame('C', head, sizeof head, text, len);
		}
		if (begun)
			child_frame('W', NULL, 0, NULL, 0);
	}
	child_frame('E', NULL, 0, NULL, 0);
	biff_cells_free(extra, nextra);
}

void
xls_child_run(int in, int out, int cmd)
{
	struct biff_book b;
	const void *h = NULL;
	unsigned count = 0, info, i;
	const char *name;
	uint8_t opened[2], flags, choice[4];
	uint32_t chosen;
	size_t got = 0;
	ssize_t n;
	int rc;

	child_fence_fds(in, out, cmd);
	child_default_signals();
	child_preload_iconv();
	child_limit(RLIMIT_CORE, 0, 0);
	child_limit(RLIMIT_FSIZE, 0, 0);
	child_limit(RLIMIT_CPU, CHILD_CPU_SECONDS, CHILD_CPU_SECONDS + 1);
#ifndef CHILD_SANITIZED
	/* Not under AddressSanitizer or ThreadSanitizer, whose shadow
	 * memory alone is far beyond any such limit. */
	child_limit(RLIMIT_DATA, CHILD_MEMORY, CHILD_MEMORY);
#endif
	/* The lowest free descriptor is 0, where FreeXL's fopen() of the
	 * input lands; nothing else can be opened. */
	child_limit(RLIMIT_NOFILE, 1, 1);
	child_test_hook();

	biff_load(CHILD_IN, &b);
	rc = freexl_open("/proc/self/fd/3", &h);
	if (rc != FREEXL_OK)
		child_fail(child_open_failure(rc, &b));
	if (b.encrypted ||
	    (freexl_get_info(h, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK &&
		info == FREEXL_BIFF_OBFUSCATED))
		child_fail(XLS_ENCRYPTED);
	if (freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &count) != FREEXL_OK)
		count = 0;
	if (count == 0)
		child_fail(b.version >= 2 && b.version <= 5 ? XLS_OLD_BIFF : XLS_DAMAGED);
	if (count > XLS_SHEETS_MAX)
		child_fail(XLS_DAMAGED);
	opened[0] = XLS_OK;
	opened[1] = (uint8_t)b.version;
	child_frame('O', opened, sizeof opened, NULL, 0);
	for (i = 0; i < count; i++) {
		if (freexl_get_worksheet_name(h, (unsigned short)i, &name) != FREEXL_OK ||
		    name == NULL)
			name = "";
		flags = count == b.nsheets ? b.sheet_flags[i] : 0;
		child_frame('S', &flags, 1, name, strnlen(name, XLS_SHEET_NAME_MAX - 1));
	}
	choice[0] = (uint8_t)count, choice[1] = (uint8_t)(count >> 8);
	choice[2] = (uint8_t)(count >> 16), choice[3] = (uint8_t)(count >> 24);
	child_frame('L', choice, sizeof choice, NULL, 0);
	/* A sheet at a time, as long as the parent asks: the next one when
	 * a sheet is empty, the same one again to read it anew. */
	for (;;) {
		for (got = 0; got < sizeof choice; got += (size_t)n) {
			n = read(CHILD_CMD, choice + got, sizeof choice - got);
			if (n < 0 && errno == EINTR) {
				n = 0;
				continue;
			}
			if (n <= 0)
				_exit(0); /* the parent asks for nothing more */
		}
		chosen = (uint32_t)choice[0] | (uint32_t)choice[1] << 8 |
		    (uint32_t)choice[2] << 16 | (uint32_t)choice[3] << 24;
		if (chosen >= count)
			_exit(1);
		child_rows(h, &b, chosen);
	}
}
