# make bench: imports a generated 1,000,000-row contacts file with sluice and
# with a plain Python csv+sqlite3 script, into PostgreSQL next to \copy +
# INSERT … ON CONFLICT by hand, the same rows as XLSX, and writes
# the XLSX and PDF reports of the CSV import; prints rows/s, wall time, peak RSS and
# the ratios. Not part of make check (it takes minutes, and its
# figures depend on the machine). BENCH_ROWS=N make bench for a smaller run.

bench: src/sluice tests/gen-xlsx
	@SLUICE=$(abs_top_builddir)/src/sluice \
	GEN_XLSX=$(abs_top_builddir)/tests/gen-xlsx \
	SLUICE_SCHEMA_DIR=$(abs_top_srcdir)/data/schemas \
	top_srcdir=$(abs_top_srcdir) top_builddir=$(abs_top_builddir) \
	$(SHELL) $(srcdir)/tests/bench/run.sh

.PHONY: bench

EXTRA_DIST += tests/bench/run.sh tests/bench/baseline.py
