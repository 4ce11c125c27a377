#!/bin/bash
# sluice rollback removes what an import created and puts back the
# before-images of what it updated or merged, in one transaction; it refuses
# when those records were changed since (by a later import or another
# program) unless --force, and records the rollback in the journal.
. "$(dirname "$0")/lib.sh"

cat >first.csv <<'CSV'
First Name,Last Name,E-mail Address,Mobile Phone,Company,Categories
Ada,Lovelace,ada@example.com,+1 212 555 0187,Analytical,vip
Grace,Hopper,grace@example.com,+1 312 555 0143,Navy,
Alan,Turing,alan@example.com,+1 415 555 0162,Bletchley,
CSV
cat >second.csv <<'CSV'
First Name,Last Name,E-mail Address,Mobile Phone,Company,Categories
Ada,Lovelace,ADA@example.com,212.555.0187,,math
Grace,Hopper,grace@example.com,(312) 555-0143,US Navy,
Edsger,Dijkstra,edsger@example.com,+1 617 555 0199,TU/e,
CSV

dump() { sq "$1" "SELECT id, first_name, last_name, email, phone, company, tags FROM contacts ORDER BY id"; }

run_sluice import first.csv --db db
assert_exit 0 "the first import completes"
before=$(dump db)
run_sluice import second.csv --db db --strategy merge
assert_exit 0 "the second import (merge) completes"
assert_eq "$(sq db "SELECT created, merged FROM sluice_imports WHERE id = 2")" "1|1" \
	"the second import created one record and merged one"

run_sluice rollback 1 --db db
assert_exit 2 "rolling back the first import is refused: a later import changed one of its records"
assert_match "$(cat "$T/err")" "record 1: changed since by import 2" "the refusal names the record and the import that changed it"
assert_eq "$(sq db "SELECT status FROM sluice_imports WHERE id = 1")" "completed" "a refused rollback changes nothing in the journal"

run_sluice rollback 2 --db db --json
assert_exit 0 "the later import rolls back"
assert_eq "$(json '[.deleted, .restored] | map(tostring) | join(" ")')" "1 1" \
	"it deleted the record it created and restored the one it merged"
assert_eq "$(dump db)" "$before" "the table is exactly as before the second import"
assert_eq "$(sq db "SELECT status, rolled_back_at IS NOT NULL FROM sluice_imports WHERE id = 2")" "rolled_back|1" \
	"the journal records the rollback"

run_sluice rollback 2 --db db
assert_exit 2 "an import cannot be rolled back twice"

sq db "UPDATE contacts SET company = 'Changed by hand' WHERE id = 2"
run_sluice rollback 1 --db db
assert_exit 2 "a record changed by another program stops the rollback"
assert_match "$(cat "$T/err")" "record 2: changed since by another program" "the refusal says so"

run_sluice rollback 1 --db db --force
assert_exit 0 "--force rolls it back anyway"
assert_eq "$(sq db "SELECT count(*) FROM contacts")" "0" "every record the first import created is gone"
assert_eq "$(sq db "PRAGMA integrity_check")" "ok" "the database is sound"

# A cancelled import rolls back what it committed.
gen_contacts --rows 300 --seed 5 --out many.csv
(SLUICE_TEST_CRASH_AFTER_COMMITS=2 "$SLUICE" import many.csv --db crash.db --batch-size 50 >/dev/null 2>&1) 2>/dev/null
assert_eq "$(sq crash.db "SELECT count(*) FROM contacts")" "100" "a crashed import left two committed batches"
run_sluice rollback 1 --db crash.db
assert_exit 0 "an import whose process died rolls back"
assert_eq "$(sq crash.db "SELECT count(*) FROM contacts")" "0" "what it committed is gone"

run_sluice rollback 9 --db db
assert_exit 2 "an unknown import is refused"
run_sluice import first.csv --db dry.db --dry-run
run_sluice rollback 1 --db dry.db
assert_exit 2 "a dry run has nothing to roll back"

done_testing
