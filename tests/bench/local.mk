# make bench: imports a generated 1,000,000-row contacts file with sluice and
# with a plain Python csv+sqlite3 script, and prints rows/s, wall time, peak
# RSS and the ratio. Not part of make check (it takes minutes, and its
# figures depend on the machine). BENCH_ROWS=N make bench for a smaller run.

bench: src/sluice
	@SLUICE=$(abs_top_builddir)/src/sluice \
	SLUICE_SCHEMA_DIR=$(abs_top_srcdir)/data/schemas \
	top_srcdir=$(abs_top_srcdir) top_builddir=$(abs_top_builddir) \
	$(SHELL) $(srcdir)/tests/bench/run.sh

.PHONY: bench

EXTRA_DIST += tests/bench/run.sh tests/bench/baseline.py
