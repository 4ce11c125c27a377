# The fault sweeps: an import killed, or its I/O or memory failed, at every
# point (tests/faults/sweep.sh). make check runs a sample of the points;
# make check-faults runs every one. The injector is a small library
# preloaded into each sluice of a sweep, built without the sanitizers'
# flags (it calls the sanitizer's allocator when sluice has one).
FAULT_SWEEPS = tests/faults/crash-at-every-point.sh tests/faults/io-errors-at-every-point.sh \
	tests/faults/malloc-fails-at-every-point.sh
TESTS += $(FAULT_SWEEPS)
EXTRA_DIST += $(FAULT_SWEEPS) tests/faults/faults.mk tests/faults/sweep.sh tests/faults/fault-points.c

check_DATA = tests/faults/fault-points.so
CLEANFILES += tests/faults/fault-points.so
tests/faults/fault-points.so: tests/faults/fault-points.c
	$(AM_V_CC)$(MKDIR_P) tests/faults && \
	$(CC) -std=c11 -O2 $(WARN_CFLAGS) -shared -fPIC -o $@ $(srcdir)/tests/faults/fault-points.c

# Every point of every sweep (long: see the scripts for the counts).
check-faults:
	FAULTS_SWEEP=full $(MAKE) $(AM_MAKEFLAGS) check TESTS="$(FAULT_SWEEPS)"
.PHONY: check-faults
