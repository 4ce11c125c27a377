#!/bin/bash
# --json prints one JSON object on stdout with the keys the contract lists,
# counts that add up and agree with the journal, and the exit code matches:
# 0 when every row is imported, 1 when some are rejected.
. "$(dirname "$0")/lib.sh"

gen_contacts --rows 300 --seed 81 --invalid-rate 0.1 --dup-rate 0.1 --out errors.csv --manifest errors.json
gen_contacts --rows 100 --seed 82 --style german --out clean.csv --manifest clean.json

run_sluice import errors.csv --db my.db --json
assert_exit 1 "a file with rejected rows: exit code 1"
ok "stdout is exactly one JSON object" jq -es 'length == 1 and (.[0] | type) == "object"' out
missing=$(jq -r '["id", "status", "dry_run", "file", "schema", "table", "strategy", "batch_size", "total",
                  "created", "updated", "merged", "unchanged", "skipped", "rejected", "failed", "not_processed",
                  "errors_by_type", "errors_by_field", "errors", "duration_s", "rows_per_s", "mapping"]
                 - keys | join(" ")' out)
assert_eq "$missing" "" "every key of the contract is present"
assert_eq "$(json '[.total, .created, .updated, .merged, .unchanged, .skipped, .rejected, .failed, .not_processed,
                    .batch_size, .duration_s, .rows_per_s, .id] | map(type) | unique | join(",")')" number \
	"counts, batch_size, duration_s, rows_per_s and id are numbers"
assert_eq "$(json '.total == .created + .updated + .merged + .unchanged + .skipped + .rejected + .failed + .not_processed')" \
	true "total = created + updated + merged + unchanged + skipped + rejected + failed + not_processed"
assert_eq "$(json_counts)" "$(manifest_counts errors.json update)" "the counts are the generator's"
assert_eq "$(json_counts)" "$(import_counts my.db "$(json .id)")" "the counts are the journal's for the import id"
assert_eq "$(json .status)" completed_with_errors "status completed_with_errors"
assert_eq "$(json '.dry_run'),$(json .schema),$(json .table),$(json .strategy)" "false,contacts,contacts,update" \
	"dry_run, schema, table and strategy"
assert_match "$(json .file)" 'errors\.csv$' "file names the imported file"
assert_eq "$(json '.errors | length')" 20 "errors lists the first 20"
assert_eq "$(json '[.errors[] | (has("row") and has("line") and has("field") and has("type") and has("message") and has("value"))] | all')" \
	true "each error has row, line, field, type, message and value"
assert_eq "$(json '[.errors[].row] | . == sort')" true "errors come in row order"
assert_eq "$(json '.errors_by_type.validation')" "$(sq my.db "SELECT count(*) FROM sluice_import_errors WHERE type = 'validation'")" \
	"errors_by_type agrees with the journal"
assert_eq "$(json '[.errors_by_field[]] | add')" "$(sq my.db 'SELECT count(*) FROM sluice_import_errors')" \
	"errors_by_field adds up to the errors journaled"
assert_eq "$(json '.errors_by_field["(row)"]')" "$(jq '.invalid_by_field["(row)"]' errors.json)" \
	"rows with neither phone nor email are counted under \"(row)\""
assert_eq "$(json '.mapping | type')" object "mapping is an object {header: field}"
assert_eq "$(json '.mapping["E-mail 1 - Value"]'),$(json '.mapping["Phone 1 - Value"]'),$(json '.mapping["Given Name"]')" \
	"email,phone,first_name" "mapping maps each header to its field"
assert_eq "$(wc -c <err)" 0 "nothing is written to stderr"

run_sluice import clean.csv --db clean.db --json
assert_exit 0 "a clean file: exit code 0"
assert_eq "$(json .status)" completed "status completed"
assert_eq "$(json '.rejected + .failed'),$(json '.errors | length')" "0,0" "no rejected or failed row, no errors"
assert_eq "$(json '.created')" 100 "100 created"

# Without --json the report is for people: not JSON, same exit code.
run_sluice import errors.csv --db text.db
assert_exit 1 "without --json the exit code is the same"
if [ -s out ] && ! jq -e . out >/dev/null 2>&1; then
	pass "without --json a report for people is printed, not JSON"
else
	fail "without --json a report for people is printed, not JSON" "$(last_run)"
fi
assert_match "$(cat out)" "rejected" "the report for people names the rejected rows"

done_testing
