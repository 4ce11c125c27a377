/* libFuzzer harness for the parent's side of the XLS child protocol
 * (source-xls.h): each input is what a child might write on its pipe,
 * read by xls_stream_open() and the source's next() to its end, as a
 * crashed, hijacked or buggy child would make the parent read it. Not
 * built by make; build it from a configured tree with
 *   clang-14 -g -O1 -fsanitize=fuzzer,address,undefined -I. -Isrc \
 *     tests/fuzz/fuzz-xls.c src/source-xls.c src/source-xls-child.c \
 *     src/source-xls-biff.c src/source-sheet.c src/text.c src/xmalloc.c \
 *     src/fatal.c -lfreexl -lm -o fuzz-xls
 * (60 s found nothing: 100,000 runs from the seeds).
 * The first byte picks the sheet option (none, "1", "2", a name); the
 * rest is the stream. Seeds: tests/fuzz/corpus/xls, written by
 * tests/fuzz/gen-xls-seeds.py. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "source-xls.h"
#include "source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const sheets[] = { NULL, "1", "2", "Contacts" };
	struct source_options opts = { 0 };
	const struct source_ops *ops = &source_xls_ops;
	const struct source_sheet_info *infos;
	const char *const *header;
	char *cause = NULL;
	struct row *row;
	size_t n, i, k;
	int in, cmd[2], rc;
	void *s;

	if (size == 0)
		return 0;
	opts.sheet = sheets[data[0] % 4];
	data++;
	size--;
	in = memfd_create("fuzz-xls", MFD_CLOEXEC);
	if (in == -1 || (size > 0 && write(in, data, size) != (ssize_t)size) ||
	    lseek(in, 0, SEEK_SET) != 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, cmd) != 0)
		abort();
	s = xls_stream_open(in, cmd[0], -1, "fuzz.xls", &opts, &cause);
	if (s == NULL) {
		close(cmd[1]);
		if (cause == NULL)
			abort();
		free(cause);
		return 0;
	}
	header = ops->header(s, &n);
	for (i = 0; i < n; i++)
		if (header[i] == NULL)
			abort();
	infos = ops->sheets(s, &n);
	for (i = 0; i < n; i++)
		if (infos[i].name == NULL)
			abort();
	while ((rc = ops->next(s, &row, &cause)) == 1) {
		for (k = 0; k < row->ncells; k++)
			if (strlen(row->cells[k]) != row->lens[k])
				abort();
		if (ops->offset(s) > 0)
			abort(); /* the size of a stream is not known: 0 */
	}
	if (rc == -1) {
		if (cause == NULL)
			abort();
		free(cause);
	}
	(void)ops->describe(s);
	(void)ops->sheet(s);
	ops->close(s);
	close(cmd[1]);
	return 0;
}
