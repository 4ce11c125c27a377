# Unit tests of the sources (CSV, encodings, XLSX and XLS), included from the
# top Makefile.am.
check_PROGRAMS += tests/unit/test-source-csv
TESTS += tests/unit/test-source-csv
tests_unit_test_source_csv_SOURCES = tests/unit/test-source-csv.c
tests_unit_test_source_csv_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_source_csv_LDADD = $(UNIT_LIBS)

check_PROGRAMS += tests/unit/test-source-encoding
TESTS += tests/unit/test-source-encoding
tests_unit_test_source_encoding_SOURCES = tests/unit/test-source-encoding.c
tests_unit_test_source_encoding_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_source_encoding_LDADD = $(UNIT_LIBS)

check_PROGRAMS += tests/unit/test-source-xlsx
TESTS += tests/unit/test-source-xlsx
tests_unit_test_source_xlsx_SOURCES = tests/unit/test-source-xlsx.c
tests_unit_test_source_xlsx_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_source_xlsx_LDADD = $(UNIT_LIBS)

EXTRA_DIST += tests/data/contacts.xls tests/gen-xls.py tests/data/vcard tests/data/exports

check_PROGRAMS += tests/unit/test-source-vcard
TESTS += tests/unit/test-source-vcard
tests_unit_test_source_vcard_SOURCES = tests/unit/test-source-vcard.c
tests_unit_test_source_vcard_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_source_vcard_LDADD = $(UNIT_LIBS)

check_PROGRAMS += tests/unit/test-source-strtab
TESTS += tests/unit/test-source-strtab
tests_unit_test_source_strtab_SOURCES = tests/unit/test-source-strtab.c
tests_unit_test_source_strtab_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_source_strtab_LDADD = $(UNIT_LIBS)

check_PROGRAMS += tests/unit/test-source-json
TESTS += tests/unit/test-source-json
tests_unit_test_source_json_SOURCES = tests/unit/test-source-json.c
tests_unit_test_source_json_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_source_json_LDADD = $(UNIT_LIBS)
