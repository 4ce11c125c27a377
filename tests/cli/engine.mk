# Engine and fault tests: the batch engine under signals, time limits, a
# lost terminal, locks, a full disk, kill -9 and a second importer, driven
# through the real binary. Helpers in tests/cli/faults.sh. Included from the
# top Makefile.am.
ENGINE_TESTS = \
	tests/cli/engine-progress-jsonl-reports-snapshots-and-events.sh \
	tests/cli/engine-cancel-rolls-back-the-batch-in-flight.sh \
	tests/cli/engine-max-duration-interrupts-resumably.sh \
	tests/cli/engine-max-batches-and-max-errors-stop-resumably.sh \
	tests/cli/engine-resume-refuses-changed-gone-finished-or-running-imports.sh \
	tests/cli/engine-lost-terminal-does-not-stop-the-import.sh \
	tests/cli/engine-history-and-watch-follow-running-imports.sh \
	tests/cli/engine-threads-give-the-same-import.sh \
	tests/cli/fault-lock-held-retries-then-completes.sh \
	tests/cli/fault-disk-full-interrupts-then-resumes.sh \
	tests/cli/fault-kill-9-then-resume-is-exact.sh \
	tests/cli/fault-two-imports-at-once-both-complete.sh

TESTS += $(ENGINE_TESTS)
EXTRA_DIST += $(ENGINE_TESTS) tests/cli/faults.sh
