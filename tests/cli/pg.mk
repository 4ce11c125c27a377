# PostgreSQL tests: each starts a throwaway server of its own
# (tests/cli/pg-lib.sh) and skips only when the server's programs are not
# installed. Included from the top Makefile.am; the longest first.
PG_TESTS = \
	tests/cli/pg-reconnect-after-connection-lost.sh \
	tests/cli/pg-proxy-cut-or-stalled-is-survived.sh \
	tests/cli/pg-connection-lost-interrupts-then-resume-is-exact.sh \
	tests/cli/pg-terminate-at-every-step-is-exact.sh \
	tests/cli/pg-two-imports-at-once-both-complete.sh \
	tests/cli/pg-same-as-sqlite.sh \
	tests/cli/pg-kill-9-then-resume-is-exact.sh \
	tests/cli/pg-history-show-report-rollback.sh \
	tests/cli/pg-strategy-replace-and-rollback.sh \
	tests/cli/pg-vcard-and-added-columns.sh \
	tests/cli/pg-unsuitable-table-is-refused-before-any-write.sh \
	tests/cli/pg-notices-journaled.sh

TESTS += $(PG_TESTS)
EXTRA_DIST += $(PG_TESTS) tests/cli/pg-lib.sh tests/cli/pg-proxy.py
