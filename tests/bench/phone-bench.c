/* make bench-phones: the phone column of a contacts file validated by plain
 * libphonenumber and by sluice's phone validator (the fast matcher, falling
 * back to libphonenumber), side by side in one run; ns per value, the
 * ratio, and a check that every answer is the same.
 * phone-bench FILE [COLUMN [REGION [ROUNDS]]]; defaults phone, US, 3. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "source.h"
#include "validate-phone-int.h"
#include "xmalloc.h"

typedef enum phone_result (*bench_fn)(const char *, const char *, char *, size_t);

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* ns per value of one pass of fn over values; results kept in *results. */
static double
bench_pass(bench_fn fn, char **values, size_t n, const char *region, char (*results)[32], int *codes)
{
	double start = bench_now();
	size_t i;

	for (i = 0; i < n; i++) {
		results[i][0] = '\0';
		codes[i] = fn(values[i], region, results[i], sizeof results[i]);
	}
	return (bench_now() - start) / (double)n;
}

int
main(int argc, char **argv)
{
	const char *column = argc > 2 ? argv[2] : "phone", *region = argc > 3 ? argv[3] : "US";
	int rounds = argc > 4 ? atoi(argv[4]) : 3, round, *lib_codes, *new_codes;
	char **values = NULL, *cause = NULL, out[32], (*lib_out)[32], (*new_out)[32];
	double lib_ns = 0, new_ns = 0, t, start, first_call;
	size_t n = 0, alloc = 0, i, col, ncols, fast = 0, differ = 0;
	const char *const *header;
	struct source_options opts = { 0 };
	struct source *src;
	struct row *row;

	if (argc < 2) {
		fprintf(stderr, "usage: phone-bench FILE [COLUMN [REGION [ROUNDS]]]\n");
		return 2;
	}
	src = source_open(argv[1], &opts, &cause);
	if (src == NULL) {
		fprintf(stderr, "phone-bench: %s\n", cause);
		return 1;
	}
	header = source_header(src, &ncols);
	for (col = 0; col < ncols && strcmp(header[col], column) != 0; col++)
		;
	if (col == ncols) {
		fprintf(stderr, "phone-bench: %s has no column %s\n", argv[1], column);
		return 1;
	}
	while (source_next(src, &row, &cause) == 1) {
		if (col >= row->ncells || row->cells[col][0] == '\0')
			continue;
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 65536;
			values = xreallocarray(values, alloc, sizeof *values);
		}
		values[n++] = xstrdup(row->cells[col]);
	}
	source_close(src);
	if (n == 0) {
		fprintf(stderr, "phone-bench: no values in column %s\n", column);
		return 1;
	}
	lib_out = xreallocarray(NULL, n, sizeof *lib_out);
	new_out = xreallocarray(NULL, n, sizeof *new_out);
	lib_codes = xreallocarray(NULL, n, sizeof *lib_codes);
	new_codes = xreallocarray(NULL, n, sizeof *new_codes);

	/* The new validator's one-time cost: its metadata compiled. */
	start = bench_now();
	phone_normalize(values[0], region, out, sizeof out);
	first_call = bench_now() - start;
	phone_lib_normalize(values[0], region, out, sizeof out);

	/* Alternating passes; the best of each, as the machine is shared. */
	for (round = 0; round < rounds; round++) {
		t = bench_pass(phone_lib_normalize, values, n, region, lib_out, lib_codes);
		if (round == 0 || t < lib_ns)
			lib_ns = t;
		t = bench_pass(phone_normalize, values, n, region, new_out, new_codes);
		if (round == 0 || t < new_ns)
			new_ns = t;
	}
	for (i = 0; i < n; i++) {
		if (phone_fast_normalize(values[i], region, out, sizeof out) != PHONE_FALLBACK)
			fast++;
		if (lib_codes[i] != new_codes[i] ||
		    (lib_codes[i] == PHONE_OK && strcmp(lib_out[i], new_out[i]) != 0))
			differ++;
	}
	printf("phone validation of %zu values (column %s, region %s, best of %d):\n", n, column,
	    region, rounds);
	printf("  libphonenumber     %8.0f ns/value\n", lib_ns);
	printf("  sluice (fast+lib)  %8.0f ns/value   %.1fx faster; %.1f%% answered without "
	       "libphonenumber\n",
	    new_ns, lib_ns / new_ns, 100.0 * (double)fast / (double)n);
	printf("  metadata compiled at the first call in %.1f ms\n", first_call / 1e6);
	printf("  answers that differ: %zu\n", differ);
	return differ == 0 ? 0 : 1;
}
