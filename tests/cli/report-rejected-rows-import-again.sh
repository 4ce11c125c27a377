#!/bin/bash
# The Rejected rows sheet, saved as CSV (or read straight from the
# workbook), imports again as it is: the same rows are rejected for the same
# reasons, and its error column maps to no field. Corrected where the Errors sheet points, every row is imported
# (created or updated) and none is rejected.
. "$(dirname "$0")/report-lib.sh"

gen_contacts --rows 300 --seed 93 --invalid-rate 0.15 --dup-rate 0.05 --out contacts.csv
run_sluice import contacts.csv --db my.db
first=$(last_import_id my.db)
rejected=$(sq my.db "SELECT rejected + failed FROM sluice_imports WHERE id = $first")
[ "$rejected" -gt 20 ] && pass "the import rejects $rejected rows" || fail "the import rejects rows" "$(last_run)"

run_sluice report "$first" --db my.db --xlsx report.xlsx
assert_exit 0 "the report is written"
ok "the Rejected rows sheet saves as CSV" report_check to-csv report.xlsx "Rejected rows" rejected.csv

# As it is: the same rows fail the same way.
run_sluice import rejected.csv --db my.db --json
again=$(json .id)
assert_exit 1 "imported as it is, the sheet still has rejected rows: exit code 1"
assert_eq "$(json '[.total, .rejected, .created + .updated + .merged + .unchanged + .skipped] | map(tostring) | join(" ")')" \
	"$rejected $rejected 0" "imported as it is, every row is rejected again"
assert_eq "$(sq my.db "SELECT group_concat(f || '=' || n, ' ') FROM (SELECT coalesce(field, '(row)') f, count(*) n
                       FROM sluice_import_errors WHERE import_id = $again AND NOT dropped GROUP BY 1 ORDER BY 1)")" \
	"$(sq my.db "SELECT group_concat(f || '=' || n, ' ') FROM (SELECT coalesce(field, '(row)') f, count(*) n
	             FROM sluice_import_errors WHERE import_id = $first AND NOT dropped GROUP BY 1 ORDER BY 1)")" \
	"for the same reasons, field by field (values dropped stayed with their rows)"
assert_eq "$(json '.mapping | has("error")'),$(json '.mapping.error')" "true,null" \
	"the error column maps to no field"
assert_eq "$(json '[.mapping | to_entries[] | select(.value != null) | .key] | sort | join(",")')" \
	"$(sq my.db "SELECT mapping FROM sluice_imports WHERE id = $first" | jq -r '[.[] | select(.field != null) | .header] | sort | join(",")')" \
	"every other column maps as in the first import"

# Straight from the workbook, where sluice reads XLSX.
run_sluice import report.xlsx --sheet "Rejected rows" --db my.db --json
if [ "$rc" = 2 ] && grep -q "CSV files for now" err; then
	skip "the Rejected rows sheet imports straight from the workbook, as it is" "this sluice reads CSV only"
else
	assert_eq "$(json '[.total, .rejected, .mapping.error] | map(tostring) | join(" ")')" "$rejected $rejected null" \
		"the Rejected rows sheet imports straight from the workbook, as it is"
fi

# Corrected: every row goes in.
ok "the bad values are corrected where the Errors sheet points" report_check fix report.xlsx rejected.csv fixed.csv
run_sluice import fixed.csv --db my.db --json
assert_exit 0 "the corrected rows import: exit code 0"
assert_eq "$(json '[.total, .rejected, .failed, .not_processed] | map(tostring) | join(" ")')" "$rejected 0 0 0" \
	"none is rejected"
assert_eq "$(json '.created + .updated')" "$rejected" "every row is created or updated"
invariant_holds my.db "every import's counts add up"

done_testing
