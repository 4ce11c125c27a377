/* libFuzzer harness for mapping overrides: the first byte says whether the
 * rest is a --map-file (a file in memory, mapping_apply_file) or a --map
 * list (mapping_apply), applied to a suggestion for a few headers under
 * the contacts schema (from $SLUICE_SCHEMA_DIR, as sluice finds it); a
 * refusal must say why. Built by make fuzz (tests/fuzz/fuzz.mk) with
 * clang's libFuzzer, and replayed over tests/fuzz/corpus/map in make check. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mapping.h"
#include "schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const headers[] = { "Name", "E-mail", "Phone", "Phone", "Notes",
		"Company" };
	struct schema *schema;
	struct mapping *m;
	char path[64], *cause = NULL, *spec;
	int fd, rc;

	if (size == 0)
		return 0;
	schema = schema_load("contacts", &cause);
	if (schema == NULL) {
		fprintf(stderr, "fuzz-map: %s\n", cause);
		abort();
	}
	m = mapping_suggest(schema, headers, sizeof headers / sizeof headers[0]);
	if (data[0] & 1) {
		fd = memfd_create("fuzz-map", MFD_CLOEXEC);
		if (fd == -1 || (size > 1 && write(fd, data + 1, size - 1) != (ssize_t)(size - 1)))
			abort();
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		rc = mapping_apply_file(m, schema, path, &cause);
		close(fd);
	} else {
		spec = malloc(size);
		if (spec == NULL)
			abort();
		memcpy(spec, data + 1, size - 1);
		spec[size - 1] = '\0';
		rc = mapping_apply(m, schema, spec, &cause);
		free(spec);
	}
	if (rc == -1) {
		if (cause == NULL)
			abort();
		free(cause);
	} else {
		char *json = mapping_to_json(m, schema);
		free(json);
	}
	mapping_free(m);
	schema_free(schema);
	return 0;
}
