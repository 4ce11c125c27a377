# The fuzzing corpus replayed in make check: every seed and every crash
# ever found, through the same harnesses libFuzzer runs (built here with
# the compiler at hand, with a small main() instead of libFuzzer).
check_PROGRAMS += tests/fuzz/replay-csv tests/fuzz/replay-xlsx tests/fuzz/replay-vcard \
	tests/fuzz/replay-xls tests/fuzz/replay-xls-biff tests/fuzz/replay-schema tests/fuzz/replay-map \
	tests/fuzz/replay-xlsx-xml tests/fuzz/replay-json
tests_fuzz_replay_csv_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz-csv.c
tests_fuzz_replay_csv_CFLAGS = $(UNIT_CFLAGS)
tests_fuzz_replay_csv_LDADD = $(UNIT_LIBS)
tests_fuzz_replay_xlsx_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz-xlsx.c
tests_fuzz_replay_xlsx_CFLAGS = $(UNIT_CFLAGS)
tests_fuzz_replay_xlsx_LDADD = $(UNIT_LIBS)
tests_fuzz_replay_vcard_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz-vcard.c
tests_fuzz_replay_vcard_CFLAGS = $(UNIT_CFLAGS)
tests_fuzz_replay_vcard_LDADD = $(UNIT_LIBS)
tests_fuzz_replay_xls_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz-xls.c
tests_fuzz_replay_xls_CFLAGS = $(UNIT_CFLAGS)
tests_fuzz_replay_xls_LDADD = $(UNIT_LIBS)
tests_fuzz_replay_xls_biff_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz-xls-biff.c
tests_fuzz_replay_xls_biff_CFLAGS = $(UNIT_CFLAGS)
tests_fuzz_replay_xls_biff_LDADD = $(UNIT_LIBS)
tests_fuzz_replay_schema_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz-schema.c
tests_fuzz_replay_schema_CFLAGS = $(UNIT_CFLAGS)
tests_fuzz_replay_schema_LDADD = $(UNIT_LIBS)
tests_fuzz_replay_xlsx_xml_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz-xlsx-xml.c
tests_fuzz_replay_xlsx_xml_CFLAGS = $(UNIT_CFLAGS)
tests_fuzz_replay_xlsx_xml_LDADD = $(UNIT_LIBS)
tests_fuzz_replay_map_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz-map.c
tests_fuzz_replay_map_CFLAGS = $(UNIT_CFLAGS)
tests_fuzz_replay_map_LDADD = $(UNIT_LIBS)
tests_fuzz_replay_json_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz-json.c
tests_fuzz_replay_json_CFLAGS = $(UNIT_CFLAGS)
tests_fuzz_replay_json_LDADD = $(UNIT_LIBS)
FUZZ_TESTS = tests/fuzz/replay-csv.sh tests/fuzz/replay-xlsx.sh tests/fuzz/replay-vcard.sh \
	tests/fuzz/replay-xls.sh tests/fuzz/replay-xls-biff.sh tests/fuzz/replay-schema.sh \
	tests/fuzz/replay-map.sh tests/fuzz/replay-xlsx-xml.sh tests/fuzz/replay-json.sh
TESTS += $(FUZZ_TESTS)
EXTRA_DIST += $(FUZZ_TESTS) tests/fuzz/fuzz.mk tests/fuzz/corpus tests/fuzz/fuzz-json.c tests/fuzz/fuzz-xls.c tests/fuzz/fuzz-xls-biff.c \
	tests/fuzz/gen-xls-seeds.py tests/fuzz/run.sh

# make fuzz: every harness under libFuzzer for FUZZ_SECONDS each (60 unless
# given), new corpus entries kept (tests/fuzz/run.sh says how).
fuzz:
	srcdir='$(srcdir)' FUZZ_SOURCES='$(src_libsluice_a_SOURCES)' \
	FUZZ_CPPFLAGS="$(DEFS) $(AM_CPPFLAGS) $(LIB_CFLAGS)" \
	FUZZ_LIBS='$(filter-out src/libsluice.a,$(SLUICE_LIBS))' \
	$(SHELL) $(srcdir)/tests/fuzz/run.sh
.PHONY: fuzz
