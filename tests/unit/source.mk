check_PROGRAMS += tests/unit/test-source-csv
TESTS += tests/unit/test-source-csv
tests_unit_test_source_csv_SOURCES = tests/unit/test-source-csv.c
tests_unit_test_source_csv_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_source_csv_LDADD = $(UNIT_LIBS)
