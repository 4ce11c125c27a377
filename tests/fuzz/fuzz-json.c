/* libFuzzer harness for the JSON backup source: each input becomes a file
 * in memory, opened through source_open() (so format sniffing is fuzzed
 * too); every table it lists is opened in its turn and read to its end;
 * every row has all the table's columns, each as long as its length says,
 * and progress stays within the table; the backup's other members
 * (source_members) are one JSON object, within their bound. Not built by make; build it with
 *   clang-14 -g -fsanitize=fuzzer,address,undefined -I. -Isrc \
 *     tests/fuzz/fuzz-json.c src/libsluice.a -lcsv -luchardet -lnettle \
 *     -lminizip -lexpat -lfreexl -lyajl -o fuzz-json
 * Seeds are in tests/fuzz/corpus/json. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <yajl/yajl_parse.h>

#include "source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads the table named sheet (NULL: the first) to its end. */
static void
fuzz_json_read(const char *path, const char *sheet)
{
	struct source_options opts = { .sheet = sheet };
	const char *const *header;
	uint64_t done, total;
	struct source *s;
	struct row *row;
	char *cause = NULL;
	size_t n, k;
	int rc;

	s = source_open(path, &opts, &cause);
	if (s == NULL) {
		if (cause == NULL)
			abort();
		free(cause);
		return;
	}
	header = source_header(s, &n);
	for (k = 0; k < n; k++)
		if (header[k] == NULL)
			abort();
	while ((rc = source_next(s, &row, &cause)) == 1) {
		if (strcmp(source_format(s), "json") == 0 && row->ncells != n)
			abort();
		for (k = 0; k < row->ncells; k++)
			if (strlen(row->cells[k]) > row->lens[k])
				abort();
		source_progress(s, &done, &total);
		if (done > total)
			abort();
	}
	if (rc == -1)
		free(cause);
	(void)source_describe(s);
	source_close(s);
}

/* The members a restore keeps: NULL, or one JSON object (yajl's parse
 * of it succeeds) of at most the bound and what wraps it. */
static void
fuzz_json_members(const char *members)
{
	if (members == NULL)
		return;
	size_t len = strlen(members);
	if (members[0] != '{' || len > 2 * SOURCE_MEMBERS_MAX + 64)
		abort();
	yajl_handle h = yajl_alloc(NULL, NULL, NULL);
	if (yajl_parse(h, (const unsigned char *)members, len) != yajl_status_ok ||
	    yajl_complete_parse(h) != yajl_status_ok)
		abort();
	yajl_free(h);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct source_options opts = { 0 };
	struct source *s;
	char path[64], *cause = NULL;
	int fd;

	fd = memfd_create("fuzz-json", MFD_CLOEXEC);
	if (fd == -1 || (size > 0 && write(fd, data, size) != (ssize_t)size))
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

	s = source_open(path, &opts, &cause);
	if (s == NULL) {
		free(cause);
		close(fd);
		return 0;
	}
	if (strcmp(source_format(s), "json") == 0) {
		size_t n;
		const struct source_sheet_info *tables = source_sheets(s, &n);
		fuzz_json_members(source_members(s));
		for (size_t i = 0; i < n; i++)
			fuzz_json_read(path, tables[i].name);
	}
	source_close(s);
	fuzz_json_read(path, "no such table");
	close(fd);
	return 0;
}
