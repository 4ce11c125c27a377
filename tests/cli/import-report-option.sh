#!/bin/bash
# sluice import --report FILE.xlsx writes the import's XLSX report when the
# import ends; a path that cannot be written, or a dry run, is refused
# before anything is imported.
. "$(dirname "$0")/report-lib.sh"

gen_contacts --rows 40 --seed 8 --invalid-rate 0.2 --out c.csv

run_sluice import c.csv --db db --report out.xlsx
assert_exit 1 "the import finishes with its own exit code (some rows rejected)"
ok "the report exists" test -s out.xlsx
dump_xlsx out.xlsx
assert_eq "$(d '.sheets | join(",")')" "Summary,Errors,Rejected rows,Batches,Mapping" \
	"the report has the five sheets"

run_sluice import c.csv --db db2 --report /nonexistent-dir/out.xlsx
assert_exit 2 "an unwritable report path is refused"
ok "and nothing was imported" test ! -e db2

run_sluice import c.csv --db db3 --dry-run --report dry.xlsx
assert_exit 2 "a dry run cannot have a report"
ok "and nothing was imported" test ! -e db3

done_testing
