#!/bin/bash
# `sluice history` lists the imports of a database and `sluice show ID`
# tells one of them, both as text for people and as JSON, with the counts
# and errors the journal holds. Neither writes anything.
. "$(dirname "$0")/lib.sh"

gen_contacts --rows 50 --seed 91 --style outlook --out clean.csv --manifest clean.json
gen_contacts --rows 80 --seed 92 --invalid-rate 0.3 --out errors.csv --manifest errors.json
run_sluice import clean.csv --db my.db
run_sluice import errors.csv --db my.db --json
report=$(cat out)

run_sluice history --db my.db
assert_exit 0 "history exits 0"
assert_match "$(grep -E '(^|[^0-9])1([^0-9]|$)' out | grep -F clean.csv)" completed "history shows import 1 of clean.csv, completed"
assert_match "$(grep -F errors.csv out)" "completed with errors" "history shows import 2 of errors.csv, completed with errors"

run_sluice history --db my.db --json
assert_exit 0 "history --json exits 0"
assert_eq "$(json '[.. | objects | select(has("id") and has("status")) | "\(.id):\(.status)"] | sort | join(" ")')" \
	"1:completed 2:completed_with_errors" "history --json lists both imports with their status"
assert_eq "$(json '[.. | objects | select(has("id") and has("status")) | select(.id == 1) | .source_size] | first')" \
	"$(wc -c <clean.csv | tr -d ' ')" "the journal records the file's size"
assert_eq "$(sq my.db 'SELECT source_sha256 FROM sluice_imports WHERE id = 1')" \
	"$(sha256sum clean.csv | cut -d' ' -f1)" "the journal records the file's SHA-256"

run_sluice show 2 --db my.db --json
assert_exit 0 "show --json exits 0"
assert_eq "$(json .id),$(json .status)" "2,completed_with_errors" "show --json gives the import's id and status"
assert_eq "$(json_counts)" "$(import_counts my.db 2)" "show --json gives the journal's counts"
assert_eq "$(json_counts)" "$(printf '%s' "$report" | jq -r '[.total, .created, .updated, .merged, .unchanged, .skipped, .rejected, .failed, .not_processed] | map(tostring) | join(" ")')" \
	"they are the counts the import reported"
assert_eq "$(json '.errors | map("\(.row)|\(.line)|\(.field)|\(.value)") | join("\n")')" \
	"$(printf '%s' "$report" | jq -r '.errors | map("\(.row)|\(.line)|\(.field)|\(.value)") | join("\n")')" \
	"show lists the same first errors as the import's report"
assert_eq "$(jq -Sc .errors_by_field out)" "$(printf '%s' "$report" | jq -Sc .errors_by_field)" \
	"and the same errors by field"

run_sluice show 2 --db my.db
assert_exit 0 "show exits 0"
rejected=$(jq .rejected_rows errors.json)
assert_match "$(cat out)" "rejected +$rejected" "show says how many rows were rejected"
first_error=$(sq my.db 'SELECT row_no FROM sluice_import_errors WHERE import_id = 2 ORDER BY row_no LIMIT 1')
assert_match "$(cat out)" "row $first_error" "show names the first rejected row"

unchanged=$(sq my.db 'SELECT count(*) FROM sluice_imports; SELECT count(*) FROM contacts')
run_sluice show 99 --db my.db
assert_eq "$([ "$rc" -ne 0 ] && echo failed)" failed "show of an unknown import fails"
assert_match "$(cat err)" 99 "and says which import it did not find"
run_sluice show two --db my.db
assert_exit 2 "show with an ID that is not a number: exit code 2"
assert_eq "$(sq my.db 'SELECT count(*) FROM sluice_imports; SELECT count(*) FROM contacts')" "$unchanged" \
	"history and show write nothing"

run_sluice history --db nowhere.db
assert_eq "$([ "$rc" -ne 0 ] && echo failed)" failed "history of a database that does not exist fails"
assert_eq "$([ -e nowhere.db ] && echo created || echo absent)" absent "and does not create it"

done_testing
