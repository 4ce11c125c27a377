/* Replays a fuzzing corpus through a libFuzzer harness, without libFuzzer:
 * every file kept under tests/fuzz/corpus/ (seeds, and each crash ever
 * found) runs through LLVMFuzzerTestOneInput again in make check, under
 * the sanitizers in CI. Speaks TAP: one line per file. */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
replay_name_order(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS-DIRECTORY\n", argv[0]);
		return 2;
	}
	DIR *d = opendir(argv[1]);
	if (d == NULL) {
		perror(argv[1]);
		return 2;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = realloc(names, (n + 1) * sizeof *names);
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, replay_name_order);
	printf("1..%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", argv[1], names[i]);
		FILE *fp = fopen(path, "rb");
		uint8_t *data = NULL;
		size_t size = 0, cap = 0, got;
		if (fp != NULL) {
			do {
				if (size == cap)
					data = realloc(data, cap = cap * 2 + 4096);
				got = fread(data + size, 1, cap - size, fp);
				size += got;
			} while (got > 0);
			fclose(fp);
		}
		if (fp == NULL) {
			printf("not ok %zu - %s cannot be read\n", i + 1, names[i]);
		} else {
			/* A crash or a sanitizer report ends the program: the
			 * TAP driver then counts the plan as not met. */
			LLVMFuzzerTestOneInput(data, size);
			printf("ok %zu - %s replays without a crash\n", i + 1, names[i]);
		}
		fflush(stdout);
		free(data);
		free(names[i]);
	}
	free(names);
	return 0;
}
