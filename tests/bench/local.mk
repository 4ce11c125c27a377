# make bench: side by side in one run on ../shared/bench's 1,000,000-row
# contacts file, sluice (CSV, the same rows as XLSX with shared strings, a
# dry run) next to sqlite3 .import into UNIQUE(phone), the same .import
# into the table sluice keeps (phone and email unique, sluice's settings,
# one transaction: the floor) and ../shared/bench/py_upsert.py; then a
# Google Contacts file with sluice and a plain Python csv+sqlite3 script,
# into PostgreSQL next to \copy + INSERT … ON CONFLICT by hand (and the
# same into a table with phone and email unique, the floor for the table
# sluice keeps), and the XLSX and PDF reports of the CSV import;
# prints rows/s, wall time, peak RSS, what was written to the disk and the
# ratios, then the phone column validated by plain libphonenumber and by
# sluice's phone validator. Not
# part of make check (it takes minutes, and its figures depend on the
# machine). BENCH_ROWS=N make bench for a smaller run; BENCH_FILE=F to use
# a file gen_contacts.py made before for those rows; BENCH_PART=side for
# the side-by-side runs only; BENCH_PART=pace for how --pace is kept;
# BENCH_PART=restore for sluice restore of a JSON backup of BENCH_ROWS
# records (its peak RSS within 100 MiB or not).

bench: src/sluice tests/gen-xlsx tests/bench/phone-bench
	@SLUICE=$(abs_top_builddir)/src/sluice \
	GEN_XLSX=$(abs_top_builddir)/tests/gen-xlsx \
	PHONE_BENCH=$(abs_top_builddir)/tests/bench/phone-bench \
	SLUICE_SCHEMA_DIR=$(abs_top_srcdir)/data/schemas \
	top_srcdir=$(abs_top_srcdir) top_builddir=$(abs_top_builddir) \
	$(SHELL) $(srcdir)/tests/bench/run.sh

.PHONY: bench

EXTRA_DIST += tests/bench/run.sh tests/bench/baseline.py

# make bench-phones: the phone column validated by plain libphonenumber and
# by sluice's phone validator, side by side (ns per value, the ratio, any
# answer that differs). PHONE_BENCH_FILE=F COLUMN=C to use a file of your
# own (e.g. ../shared/bench's, column phone); else a generated
# PHONE_BENCH_ROWS-row file is used.
EXTRA_PROGRAMS = tests/bench/phone-bench
tests_bench_phone_bench_SOURCES = tests/bench/phone-bench.c
tests_bench_phone_bench_CFLAGS = $(UNIT_CFLAGS)
tests_bench_phone_bench_LDADD = $(SLUICE_LIBS)
PHONE_BENCH_ROWS = 1000000
bench-phones: tests/bench/phone-bench
	@file='$(PHONE_BENCH_FILE)'; column='$(COLUMN)'; \
	if test -z "$$file"; then \
		file=bench-phones.csv; column='Phone 1 - Value'; \
		$${PYTHON:-python3} $(srcdir)/tests/gen-contacts.py --rows $(PHONE_BENCH_ROWS) \
		    --style google --invalid-rate 0.05 --out "$$file" || exit 1; \
	fi; \
	tests/bench/phone-bench "$$file" "$${column:-phone}" US
.PHONY: bench-phones
CLEANFILES += bench-phones.csv tests/bench/phone-bench
