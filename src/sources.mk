# Source formats beyond CSV (XLSX, XLS) and encodings: sources of libsluice.a
# and their tests, added here.
src_libsluice_a_SOURCES += \
	src/source-encoding.c src/source-encoding.h \
	src/source-zip.c src/source-zip.h \
	src/source-sheet.c src/source-sheet.h \
	src/source-strtab.c src/source-strtab.h \
	src/source-xlsx.c src/source-xls.c src/source-xls.h src/source-xls-child.c \
	src/source-xls-biff.c src/source-xls-biff.h src/source-vcard.c src/source-json.c

src_sluice_SOURCES += src/cli-inspect.c

# tests/gen-xlsx writes workbooks with libxlsxwriter for the command-line
# tests and the benchmark (gen-xlsx IN.csv OUT.xlsx).
check_PROGRAMS += tests/gen-xlsx
tests_gen_xlsx_SOURCES = tests/gen-xlsx.c
tests_gen_xlsx_CFLAGS = $(UNIT_CFLAGS)
tests_gen_xlsx_LDADD = $(UNIT_LIBS)

SOURCE_CLI_TESTS = tests/cli/xlsx-import.sh tests/cli/encoding-csv.sh tests/cli/xls-damaged.sh tests/cli/xls-cases.sh tests/cli/xls-child.sh \
	tests/cli/vcard-import.sh tests/cli/exports-import.sh tests/cli/xlsx-quirks.sh \
	tests/cli/xlsx-rows-read-early-wait-for-the-whole-sheet.sh
TESTS += $(SOURCE_CLI_TESTS)
EXTRA_DIST += $(SOURCE_CLI_TESTS) tests/fuzz/fuzz-xlsx.c tests/fuzz/fuzz-vcard.c \
	tests/data/xls tests/gen-xls-cases.py
