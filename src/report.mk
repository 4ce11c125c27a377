# Reports (XLSX, PDF, CSV exports, JSON): sources of libsluice.a and
# their tests, added here.
src_libsluice_a_SOURCES += \
	src/report.h src/report-int.h src/report.c \
	src/report-xlsx.c src/report-pdf.c src/report-csv.c src/report-json.c \
	src/report-export.c
src_sluice_SOURCES += src/cli-report.c src/cli-export.c

# Unit tests: neutralizing formulas, cutting long cells, CSV quoting.
check_PROGRAMS += tests/unit/test-report
TESTS += tests/unit/test-report
tests_unit_test_report_SOURCES = tests/unit/test-report.c
tests_unit_test_report_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_report_LDADD = $(UNIT_LIBS)

# Command-line tests: the real binary's reports read back with openpyxl
# (tests/report_check.py) and jq.
REPORT_CLI_TESTS = \
	tests/cli/report-xlsx-sheets.sh \
	tests/cli/report-values-stay-text.sh \
	tests/cli/report-rejected-rows-import-again.sh \
	tests/cli/leading-apostrophe-round-trips.sh \
	tests/cli/rejected-cells-are-the-files-bytes.sh \
	tests/cli/report-csv-rejects.sh \
	tests/cli/report-json.sh \
	tests/cli/report-facts-and-csv-summary.sh \
	tests/cli/report-pdf.sh \
	tests/cli/report-errors-and-exit-codes.sh \
	tests/cli/values-dropped.sh \
	tests/cli/report-never-destroys.sh \
	tests/cli/report-xlsx-on-a-full-disk.sh \
	tests/cli/export-what-an-import-wrote.sh
TESTS += $(REPORT_CLI_TESTS)
EXTRA_DIST += $(REPORT_CLI_TESTS) tests/cli/report-lib.sh tests/report_check.py
