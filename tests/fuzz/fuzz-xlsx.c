/* libFuzzer harness for the workbook sources: each input becomes a file in
 * memory, opened through source_open() (so sniffing, the ZIP directory,
 * workbook.xml, styles, shared strings and sheet XML are all fuzzed) and
 * read to its end, with every sheet inspect would list. Not built by make;
 * build it from a configured tree with
 *   clang-14 -g -O1 -fsanitize=fuzzer,address,undefined -I. -Isrc \
 *     tests/fuzz/fuzz-xlsx.c src/source.c src/source-csv.c \
 *     src/source-encoding.c src/source-zip.c src/source-sheet.c \
 *     src/source-xlsx.c src/source-xls.c src/source-xls-child.c \
 *     src/source-xls-biff.c src/text.c src/xmalloc.c \
 *     -lcsv -lminizip -lexpat -lz -lfreexl -luchardet -lnettle -o fuzz-xlsx
 * Seeds: any small .xlsx (tests/gen-xlsx --types seed.xlsx). OLE2 inputs
 * (XLS) are left out: FreeXL 1.0.6 itself overflows a stack buffer on some
 * of them (in its iconv call from freexl_open), which is FreeXL's bug. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
read_all(const char *path, const char *sheet)
{
	struct source_options opts = { .sheet = sheet };
	const char *const *header;
	uint64_t done, total;
	struct source *s;
	struct row *row;
	char *cause = NULL;
	size_t n, i, k;
	int rc;

	s = source_open(path, &opts, &cause);
	if (s == NULL) {
		if (cause == NULL)
			abort();
		free(cause);
		return;
	}
	header = source_header(s, &n);
	for (i = 0; i < n; i++) {
		if (header[i] == NULL)
			abort();
	}
	while ((rc = source_next(s, &row, &cause)) == 1) {
		for (k = 0; k < row->ncells; k++) {
			if (strlen(row->cells[k]) != row->lens[k])
				abort();
		}
		source_progress(s, &done, &total);
		if (done > total)
			abort();
	}
	if (rc == -1)
		free(cause);
	(void)source_describe(s);
	source_close(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct source_sheet_info *sheets;
	struct source *s;
	char path[64], *cause = NULL, **names;
	size_t n = 0, i;
	int fd;

	if (size >= 4 && memcmp(data, "\xd0\xcf\x11\xe0", 4) == 0)
		return 0;
	fd = memfd_create("fuzz-xlsx", MFD_CLOEXEC);
	if (fd == -1 || (size > 0 && write(fd, data, size) != (ssize_t)size))
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

	read_all(path, NULL);
	/* The other sheets, as sluice inspect reads them. */
	s = source_open(path, NULL, &cause);
	if (s != NULL) {
		sheets = source_sheets(s, &n);
		names = calloc(n + 1, sizeof *names);
		for (i = 0; i < n && i < 4; i++)
			names[i] = strdup(sheets[i].name);
		source_close(s);
		for (i = 0; i < n && i < 4; i++) {
			read_all(path, names[i]);
			free(names[i]);
		}
		free(names);
	} else
		free(cause);
	close(fd);
	return 0;
}
