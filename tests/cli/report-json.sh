#!/bin/bash
# sluice report ID --json prints the report sluice show --json prints, with
# the duration and speed sluice import --json has, and every error of the
# import in row order, not the first 20.
. "$(dirname "$0")/report-lib.sh"

gen_contacts --rows 600 --seed 97 --invalid-rate 0.1 --dup-rate 0.05 --out contacts.csv
run_sluice import contacts.csv --db my.db
id=$(last_import_id my.db)
nerr=$(sq my.db "SELECT count(*) FROM sluice_import_errors WHERE import_id = $id")

run_sluice show "$id" --db my.db --json
mv out show.json
run_sluice report "$id" --db my.db --json
assert_exit 0 "exit code 0"
ok "stdout is exactly one JSON object" jq -es 'length == 1 and (.[0] | type) == "object"' out
assert_eq "$(wc -c <err)" 0 "nothing is written to stderr"
assert_eq "$(jq -r --slurpfile show show.json '($show[0] | keys) - keys | join(" ")' out)" "" \
	"every key of sluice show --json is there"
assert_eq "$(jq -c --slurpfile show show.json '$show[0] | del(.errors)' show.json)" \
	"$(jq -c --slurpfile show show.json 'with_entries(select(.key as $k | $show[0] | has($k))) | del(.errors)' out)" \
	"with the same values"
assert_eq "$(json '[.duration_s, .rows_per_s] | map(type) | join(",")')" number,number \
	"duration_s and rows_per_s, as sluice import --json has them"
assert_eq "$(json '.errors | length')" "$nerr" "errors holds every error ($nerr), not the first 20"
assert_eq "$(json '.errors[] | [.row, .line, .field // "(row)", .type, .message, .value // ""] | map(tostring) | join("|")')" \
	"$(sq my.db "SELECT row_no, line_no, coalesce(field, '(row)'), type, message, coalesce(value, '')
	             FROM sluice_import_errors WHERE import_id = $id ORDER BY row_no, id")" \
	"each error is the journal's, in row order"
assert_eq "$(json '[.errors[] | keys_unsorted | join(",")] | unique | join(" ")')" "row,line,field,type,message,value,value_dropped" \
	"each error has row, line, field, type, message, value and value_dropped"
assert_eq "$(json '[.errors[] | .value_dropped] | map(tostring) | join(" ")')" \
	"$(sq my.db "SELECT CASE WHEN dropped THEN 'true' ELSE 'false' END FROM sluice_import_errors
	             WHERE import_id = $id ORDER BY row_no, id" | paste -sd' ')" \
	"value_dropped says which errors dropped a value from a row that was kept"
assert_eq "$(json .values_dropped)" "$(sq my.db "SELECT count(*) FROM sluice_import_errors WHERE import_id = $id AND dropped")" \
	"values_dropped counts them"
assert_eq "$(json_counts)" "$(import_counts my.db "$id")" "the counts are the journal's"

# A clean import: an empty error list, still valid JSON.
gen_contacts --rows 50 --seed 98 --style outlook --out clean.csv
run_sluice import clean.csv --db clean.db
run_sluice report 1 --db clean.db --json
assert_eq "$(json '.errors | length'),$(json .status)" "0,completed" "a clean import has no errors"

done_testing
