#!/bin/bash
# Against PostgreSQL, history lists the imports, show tells one, report
# writes its JSON, CSV, XLSX and PDF, history filters, and rollback undoes
# an import (refusing when a record was changed since, unless --force), as
# with SQLite. The password in the URL is never shown: not in the
# summaries, history, the reports, the messages, nor kept in the journal.
. "$(dirname "$0")/lib.sh"
. "$top_srcdir/tests/cli/pg-lib.sh"

pg_start
pg_db hist >/dev/null
# Trust authentication takes any password: this one must never show.
url="postgresql://sluice:s3cret@127.0.0.1:$PG_PORT/hist"
masked="postgresql://sluice:***@127.0.0.1:$PG_PORT/hist"
plain="postgresql://sluice@127.0.0.1:$PG_PORT/hist"

gen_contacts --rows 50 --seed 91 --style outlook --out clean.csv
gen_contacts --rows 80 --seed 92 --invalid-rate 0.3 --out errors.csv --manifest errors.json
run_sluice import clean.csv --db "$url"
assert_exit 0 "an import into PostgreSQL completes"
cat out err >seen.txt
run_sluice import errors.csv --db "$url" --json
assert_exit 1 "an import with rejected rows exits 1"
cp out import.json
cat out err >>seen.txt
assert_eq "$(json .database import.json)" "$masked" "the report shows the database with its password masked"

run_sluice history --db "$url"
assert_exit 0 "history exits 0"
cat out err >>seen.txt
assert_match "$(grep -F errors.csv out)" "completed with errors" "history shows the import of errors.csv, completed with errors"
run_sluice history --db "$url" --json
assert_eq "$(json '[.. | objects | select(has("id") and has("status")) | "\(.id):\(.status)"] | sort | join(" ")')" \
	"1:completed 2:completed_with_errors" "history --json lists both imports with their status"
run_sluice history --db "$url" --json --status completed_with_errors --file 'err*.csv' --since 1d
assert_eq "$(json 'map(.id) | join(" ")')" 2 "history's filters work on PostgreSQL too"
run_sluice history --db "$url" --csv
assert_exit 0 "history --csv exits 0"
cat out err >>seen.txt
assert_eq "$(tail -n +2 out | cut -d, -f1,4 | tr -d '\r' | paste -sd' ')" "2,completed_with_errors 1,completed" \
	"history --csv has a line per import"

run_sluice show 2 --db "$url" --json
assert_exit 0 "show --json exits 0"
cat out err >>seen.txt
assert_eq "$(json_counts)" "$(pg_import_counts "$plain" 2)" "show --json gives the journal's counts"
assert_eq "$(json_counts)" "$(json_counts import.json)" "they are the counts the import reported"
assert_eq "$(json '.errors | map("\(.row)|\(.field)|\(.value)") | join("\n")')" \
	"$(json '.errors | map("\(.row)|\(.field)|\(.value)") | join("\n")' import.json)" \
	"show lists the same first errors as the import's report"
run_sluice show 2 --db "$url"
cat out err >>seen.txt
assert_match "$(cat out)" "rejected +$(jq .rejected_rows errors.json)" "show says how many rows were rejected"
run_sluice show 99 --db "$url"
assert_match "$rc $(cat err)" "^[1-9].*99" "show of an unknown import fails and names it"
cat out err >>seen.txt

run_sluice report 2 --db "$url" --json
assert_exit 0 "report --json exits 0"
cat out err >>seen.txt
assert_eq "$(json_counts)" "$(json_counts import.json)" "the JSON report has the import's counts"
assert_eq "$(json '"\(.success_rate) \(.batches) \(.failed_batches) \(.retries) \(.batch_details | length)"')" \
	"$(jq -r '"\(.success_rate) \(.batches) \(.failed_batches) \(.retries)"' import.json) $(pq "$plain" 'SELECT count(*) FROM sluice_import_batches WHERE import_id = 2')" \
	"and the import's success rate, batches, failed batches, retries, and every batch"
run_sluice report 2 --db "$url" --csv rejects.csv
assert_exit 0 "report --csv exits 0"
cat out err >>seen.txt
assert_eq "$("$PYTHON" -c 'import csv, sys; print(len(list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))) - 1)' rejects.csv)" "$(pq "$plain" 'SELECT rejected + failed FROM sluice_imports WHERE id = 2')" \
	"the rejected-rows CSV has a line for each rejected row"
run_sluice report 2 --db "$url" --xlsx report.xlsx
assert_exit 0 "report --xlsx exits 0"
cat out err >>seen.txt
if command -v pdftotext >/dev/null; then
	run_sluice report 2 --db "$url" --pdf report.pdf --csv-summary summary.csv
	assert_exit 0 "report --pdf and --csv-summary exit 0"
	cat out err summary.csv >>seen.txt
	pdftotext report.pdf - >>seen.txt
	pdfinfo report.pdf >>seen.txt
	assert_eq "$(pdftotext -layout report.pdf - | grep '^ *Database ' | grep -cF "$masked")" 1 \
		"the PDF names the database, its password masked"
else
	skip "the PDF names the database, its password masked" "poppler-utils is not installed"
fi
"$PYTHON" - report.xlsx >>seen.txt <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for name in z.namelist():
        sys.stdout.write(z.read(name).decode("utf-8", "replace"))
PY
assert_match "$(cat seen.txt)" "sluice:\*\*\*@127" "the workbook and the messages show the masked URL"
assert_eq "$(grep -c s3cret seen.txt)" 0 "the password shows nowhere: summaries, history, show, reports"
assert_eq "$(pq "$plain" "SELECT count(*) FROM sluice_imports i WHERE i::text LIKE '%s3cret%'")" 0 \
	"the journal does not keep the password"

# --- Rollback, as tests/cli/rollback.sh does it with SQLite -----------------
pg_db rb >/dev/null
db="postgresql://sluice@127.0.0.1:$PG_PORT/rb"
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
dump() { pq "$1" "SELECT id, first_name, last_name, email, phone, company, tags, imported_from FROM contacts ORDER BY id"; }

run_sluice import first.csv --db "$db"
assert_exit 0 "the first import completes"
before=$(dump "$db")
run_sluice import second.csv --db "$db" --strategy merge
assert_exit 0 "the second import (merge) completes"
assert_eq "$(pq "$db" "SELECT created, merged FROM sluice_imports WHERE id = 2")" "1|1" \
	"the second import created one record and merged one"
run_sluice rollback 1 --db "$db"
assert_exit 2 "rolling back the first import is refused: a later import changed one of its records"
assert_match "$(cat "$T/err")" "record 1: changed since by import 2" "the refusal names the record and the import that changed it"
run_sluice rollback 2 --db "$db" --json
assert_exit 0 "the later import rolls back"
assert_eq "$(json '[.deleted, .restored] | map(tostring) | join(" ")')" "1 1" \
	"it deleted the record it created and restored the one it merged"
assert_eq "$(dump "$db")" "$before" "the table is exactly as before the second import"
assert_eq "$(pq "$db" "SELECT status, rolled_back_at IS NOT NULL FROM sluice_imports WHERE id = 2")" "rolled_back|t" \
	"the journal records the rollback"
run_sluice rollback 2 --db "$db"
assert_exit 2 "an import cannot be rolled back twice"
pq "$db" "UPDATE contacts SET company = 'Changed by hand' WHERE id = 2" >/dev/null
run_sluice rollback 1 --db "$db"
assert_exit 2 "a record changed by another program stops the rollback"
assert_match "$(cat "$T/err")" "record 2: changed since by another program" "the refusal says so"
pq "$db" "DELETE FROM contacts WHERE id = 3" >/dev/null
run_sluice rollback 1 --db "$db" --force
assert_exit 0 "--force rolls it back anyway"
assert_eq "$(pq "$db" "SELECT count(*) FROM contacts")" "0" "every record the first import created is gone"

# Rolling back a large import streams its changes: more than a cursor's chunk.
gen_contacts --rows 2500 --seed 93 --out many.csv
run_sluice import many.csv --db "$db" --batch-size 500
created=$(pq "$db" "SELECT created FROM sluice_imports WHERE id = 3")
run_sluice rollback 3 --db "$db" --json
assert_exit 0 "an import of $created records rolls back"
assert_eq "$(json .deleted)" "$created" "it deleted every record it created"
assert_eq "$(pq "$db" "SELECT count(*) FROM contacts")" "0" "the table is empty again"

done_testing
