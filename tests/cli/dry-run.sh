#!/bin/bash
# --dry-run does everything an import does and keeps none of the writes:
# the report counts what would happen, the target table is unchanged, and
# a real import afterwards reports the same counts.
. "$(dirname "$0")/lib.sh"

cat >base.csv <<'CSV'
First Name,Last Name,E-mail Address,Mobile Phone,Company
John,Smith,john@x.com,201-555-0123,Acme
Mary,Jones,mary@y.com,212-736-5000,Globex
CSV
cat >next.csv <<'CSV'
First Name,Last Name,E-mail Address,Mobile Phone,Company
John,Smith,john@x.com,201-555-0123,NewCo
Ann,Lee,ann@z.com,415-234-5678,Initech
Bad,Row,bad@,617-253-1000,
Mary,Jones,mary@y.com,212-736-5000,Globex
CSV

table() { sq my.db 'SELECT * FROM contacts ORDER BY id'; }

run_sluice import base.csv --db my.db
before=$(table)
changes=$(sq my.db 'SELECT count(*) FROM sluice_import_changes')

run_sluice import next.csv --db my.db --dry-run --json
assert_exit 1 "a dry run with a bad row exits 1, as the import would"
assert_eq "$(json .dry_run)" true "the report says it was a dry run"
assert_eq "$(json_counts)" "4 1 1 0 1 0 1 0 0" "it counts 1 created, 1 updated, 1 unchanged, 1 rejected"
assert_eq "$(json '.errors[0].row'):$(json '.errors[0].field')" "3:email" "it reports the bad row's error"
assert_eq "$(table)" "$before" "the target table is unchanged"
assert_eq "$(sq my.db 'SELECT count(*) FROM sluice_import_changes')" "$changes" "no change is journaled"
assert_eq "$(sq my.db 'SELECT count(*) FROM sluice_imports WHERE dry_run = 0')" 1 \
	"the journal holds no other real import"

run_sluice import next.csv --db my.db --json
assert_eq "$(json_counts)" "4 1 1 0 1 0 1 0 0" "the real import then reports what the dry run predicted"
assert_eq "$(sq my.db "SELECT company FROM contacts WHERE email = 'john@x.com'")" NewCo "and does write"

# A dry run on a new database stores no record.
gen_contacts --rows 200 --seed 71 --invalid-rate 0.05 --dup-rate 0.1 --out gen.csv --manifest gen.json
run_sluice import gen.csv --db fresh.db --dry-run --json
assert_eq "$(json_counts)" "$(manifest_counts gen.json update)" "a dry run of a generated file counts what the generator wrote"
if table_exists fresh.db contacts; then
	assert_eq "$(sq fresh.db 'SELECT count(*) FROM contacts')" 0 "a dry run on a new database stores no record"
else
	pass "a dry run on a new database stores no record"
fi
invariant_holds my.db "every import's counts add up, dry runs included"

done_testing
