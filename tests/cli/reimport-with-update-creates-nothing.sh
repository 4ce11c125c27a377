#!/bin/bash
# Importing the same file again with the default strategy (update) finds
# every valid row already stored: it creates nothing, changes nothing, and
# the table keeps the same records.
. "$(dirname "$0")/lib.sh"

gen_contacts --rows 400 --seed 21 --style outlook --invalid-rate 0.05 --dup-rate 0.2 \
	--out contacts.csv --manifest manifest.json
# A row kept without its bad birthday matches its record again, unchanged.
valid=$(jq '.valid_rows + .values_dropped' manifest.json)
invalid=$(jq .rejected_rows manifest.json)
unique=$(jq .unique_records manifest.json)

run_sluice import contacts.csv --db my.db --json
assert_exit 1 "the first import has rejected rows: exit code 1"
assert_eq "$(json_counts)" "$(manifest_counts manifest.json update)" \
	"the first import creates each contact once, duplicates in the file are unchanged"
first=$(last_import_id my.db)
before=$(sq my.db 'SELECT id, first_name, last_name, email, phone, company, job_title, birthday, tags, imported_from FROM contacts ORDER BY id')

run_sluice import contacts.csv --db my.db --json
assert_exit 1 "the second import rejects the same rows: exit code 1"
second=$(last_import_id my.db)
assert_eq "$(json .strategy)" update "update is the default strategy"
assert_eq "$(json .created)" 0 "the second import creates nothing"
assert_eq "$(json .updated)/$(json .merged)" 0/0 "the second import updates nothing"
assert_eq "$(json .unchanged)" "$valid" "every valid row is unchanged, and every row kept without a value"
assert_eq "$(json .rejected)" "$invalid" "the invalid rows are rejected again"
assert_eq "$(sq my.db 'SELECT count(*) FROM contacts')" "$unique" "the table still holds one record per contact"
after=$(sq my.db 'SELECT id, first_name, last_name, email, phone, company, job_title, birthday, tags, imported_from FROM contacts ORDER BY id')
if [ "$before" = "$after" ]; then
	pass "no stored value changed, imported_from included"
else
	fail "no stored value changed, imported_from included" "$(diff <(echo "$before") <(echo "$after") | head -20)"
fi
assert_eq "$(sq my.db "SELECT count(*) FROM sluice_import_changes WHERE import_id = $second")" 0 \
	"the second import journals no changes"
assert_eq "$(sq my.db "SELECT count(*) FROM sluice_imports")" 2 "both imports are in the history"
journal_consistent my.db "$first" "the first import's journal is consistent"
journal_consistent my.db "$second" "the second import's journal is consistent"
invariant_holds my.db "every import's counts add up"

# The same with a file without faults: exit code 0 both times.
gen_contacts --rows 100 --seed 22 --style german --dup-rate 0.1 --out clean.csv --manifest clean.json
run_sluice import clean.csv --db clean.db
assert_exit 0 "a clean file imports with exit code 0"
run_sluice import clean.csv --db clean.db --json
assert_exit 0 "importing it again also exits 0"
assert_eq "$(json .created) $(json .unchanged)" "0 100" "all 100 rows are unchanged the second time"
assert_eq "$(sq clean.db 'SELECT count(*) FROM contacts')" "$(jq .unique_records clean.json)" \
	"no record is duplicated"

done_testing
