# Command-line tests: the real binary on real files, answers checked with
# sqlite3 and jq. Each script speaks TAP; its name says the behaviour.
CLI_TESTS = \
	tests/cli/import-creates-records.sh \
	tests/cli/reimport-with-update-creates-nothing.sh \
	tests/cli/reimport-is-a-fixed-point.sh \
	tests/cli/key-conflict-is-rejected-unless-asked-to-update.sh \
	tests/cli/strategies.sh \
	tests/cli/strategy-replace-deletes-what-the-file-lacks.sh \
	tests/cli/validation-errors.sh \
	tests/cli/date-order.sh \
	tests/cli/csv-dialects.sh \
	tests/cli/field-count-mismatch.sh \
	tests/cli/oversized-field-rejects-its-row.sh \
	tests/cli/unsuitable-table-is-refused-before-any-write.sh \
	tests/cli/invalid-utf8.sh \
	tests/cli/unmapped-required-field.sh \
	tests/cli/map-option.sh \
	tests/cli/region-and-date-order-go-with-the-mapping.sh \
	tests/cli/duplicate-headers-never-drop-a-column.sh \
	tests/cli/headless-mapping-as-good-as-the-wizards.sh \
	tests/cli/dry-run.sh \
	tests/cli/json-output.sh \
	tests/cli/history-and-show.sh \
	tests/cli/history-filters.sh \
	tests/cli/history-of-a-file-that-is-no-database.sh \
	tests/cli/exit-codes-and-usage.sh \
	tests/cli/busy-retry.sh \
	tests/cli/batches-committed-together.sh \
	tests/cli/rollback.sh \
	tests/cli/import-report-option.sh \
	tests/cli/long-values-are-cut-in-the-summary.sh \
	tests/cli/counts-add-up-for-every-import.sh \
	tests/cli/languages.sh \
	tests/cli/translations-are-complete.sh

TESTS += $(CLI_TESTS)
EXTRA_DIST += $(CLI_TESTS) tests/cli/lib.sh tests/gen-contacts.py
