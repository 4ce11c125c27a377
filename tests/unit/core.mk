# Unit tests of the core modules (fatal, schema, mapping, store, engine,
# the JSON-lines progress protocol), included from the top Makefile.am.
# make check sets SLUICE_SCHEMA_DIR to the source tree's data/schemas.
check_PROGRAMS += tests/unit/test-schema
TESTS += tests/unit/test-schema
tests_unit_test_schema_SOURCES = tests/unit/test-schema.c tests/unit/testdir.c tests/unit/testdir.h
tests_unit_test_schema_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_schema_LDADD = $(UNIT_LIBS)

check_PROGRAMS += tests/unit/test-mapping
TESTS += tests/unit/test-mapping
tests_unit_test_mapping_SOURCES = tests/unit/test-mapping.c tests/unit/testdir.c tests/unit/testdir.h
tests_unit_test_mapping_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_mapping_LDADD = $(UNIT_LIBS)

check_PROGRAMS += tests/unit/test-store
TESTS += tests/unit/test-store
tests_unit_test_store_SOURCES = tests/unit/test-store.c tests/unit/testdir.c tests/unit/testdir.h
tests_unit_test_store_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_store_LDADD = $(UNIT_LIBS)

check_PROGRAMS += tests/unit/test-store-vfs
TESTS += tests/unit/test-store-vfs
tests_unit_test_store_vfs_SOURCES = tests/unit/test-store-vfs.c tests/unit/testdir.c tests/unit/testdir.h
tests_unit_test_store_vfs_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_store_vfs_LDADD = $(UNIT_LIBS)

check_PROGRAMS += tests/unit/test-engine
TESTS += tests/unit/test-engine
tests_unit_test_engine_SOURCES = tests/unit/test-engine.c tests/unit/testdir.c tests/unit/testdir.h
tests_unit_test_engine_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_engine_LDADD = $(UNIT_LIBS)

check_PROGRAMS += tests/unit/test-fatal
TESTS += tests/unit/test-fatal
tests_unit_test_fatal_SOURCES = tests/unit/test-fatal.c
tests_unit_test_fatal_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_fatal_LDADD = $(UNIT_LIBS)

check_PROGRAMS += tests/unit/test-progress-jsonl
TESTS += tests/unit/test-progress-jsonl
tests_unit_test_progress_jsonl_SOURCES = tests/unit/test-progress-jsonl.c
tests_unit_test_progress_jsonl_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_progress_jsonl_LDADD = $(UNIT_LIBS)
