/* libFuzzer harness for the vCard source: each input becomes a file in
 * memory, opened through source_open() (so format sniffing is fuzzed too)
 * and read to its end; every row has all its columns, each as long as its
 * length says. Not built by make; build it with
 *   clang-14 -g -fsanitize=fuzzer,address,undefined -I. -Isrc \
 *     tests/fuzz/fuzz-vcard.c src/libsluice.a -lcsv -luchardet -lnettle \
 *     -lminizip -lexpat -lfreexl -o fuzz-vcard
 * Seeds are in tests/fuzz/corpus/vcard. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct source_options opts = { 0 };
	const char *const *header;
	uint64_t done, total;
	struct source *s;
	struct row *row;
	char path[64], *cause = NULL;
	size_t n, i, k;
	int fd, rc;

	fd = memfd_create("fuzz-vcard", MFD_CLOEXEC);
	if (fd == -1 || (size > 0 && write(fd, data, size) != (ssize_t)size))
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

	s = source_open(path, &opts, &cause);
	close(fd);
	if (s == NULL) {
		if (cause == NULL)
			abort();
		free(cause);
		return 0;
	}
	header = source_header(s, &n);
	for (i = 0; i < n; i++) {
		if (header[i] == NULL)
			abort();
	}
	while ((rc = source_next(s, &row, &cause)) == 1) {
		if (strcmp(source_format(s), "vcard") == 0 && row->ncells != n)
			abort();
		for (k = 0; k < row->ncells; k++) {
			if (strlen(row->cells[k]) > row->lens[k])
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
	return 0;
}
