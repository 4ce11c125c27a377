/* libFuzzer harness for the XLS child's own reading of a workbook
 * (source-xls-biff.c): each input is a file whose OLE2 container and
 * BIFF records are read, and every sheet's formula results, error cells
 * and elapsed times taken. Not built by make; build it with
 *   clang-14 -g -O1 -fsanitize=fuzzer,address,undefined -I. -Isrc \
 *     tests/fuzz/fuzz-xls-biff.c src/source-xls-biff.c src/source-sheet.c \
 *     src/text.c src/xmalloc.c src/fatal.c -lm -o fuzz-xls-biff
 * Seeds: the workbooks of tests/data/xls and tests/data/contacts.xls
 * (120 s from them, 1.3 million runs, found nothing). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "source-xls-biff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct biff_book b;
	struct biff_cell *cells;
	size_t i, k, n;
	int fd;

	fd = memfd_create("fuzz-xls-biff", MFD_CLOEXEC);
	if (fd == -1 || (size > 0 && write(fd, data, size) != (ssize_t)size))
		abort();
	if (biff_load(fd, &b) == 0) {
		if (!b.found || (b.size > 0 && b.data == NULL))
			abort();
		for (i = 0; i < b.nsheets && i < 64; i++) {
			cells = biff_sheet_cells(&b, i, &n);
			for (k = 0; k < n; k++)
				if (!cells[k].missing && strlen(cells[k].text) != cells[k].len)
					abort();
			biff_cells_free(cells, n);
		}
	}
	biff_free(&b);
	close(fd);
	return 0;
}
