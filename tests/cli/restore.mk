# sluice restore: many tables from one file (a JSON backup), parents first.
# Included from the top Makefile.am.
RESTORE_TESTS = tests/cli/restore.sh tests/cli/pg-restore.sh tests/cli/restore-report.sh

TESTS += $(RESTORE_TESTS)
EXTRA_DIST += $(RESTORE_TESTS)
