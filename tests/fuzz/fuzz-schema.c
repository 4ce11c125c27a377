/* libFuzzer harness for schema files (--schema PATH): each input becomes a
 * file in memory, loaded by schema_load(); a schema it accepts is asked
 * for its fields, then freed; one it refuses must say why. Built by
 * make fuzz (tests/fuzz/fuzz.mk) with clang's libFuzzer, and replayed over
 * tests/fuzz/corpus/schema in make check. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct schema *schema;
	char path[64], *cause = NULL;
	int fd;

	fd = memfd_create("fuzz-schema", MFD_CLOEXEC);
	if (fd == -1 || (size > 0 && write(fd, data, size) != (ssize_t)size))
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	schema = schema_load(path, &cause);
	close(fd);
	if (schema == NULL) {
		if (cause == NULL)
			abort();
		free(cause);
		return 0;
	}
	if (schema_field_index(schema, "email") < -1)
		abort();
	schema_free(schema);
	return 0;
}
