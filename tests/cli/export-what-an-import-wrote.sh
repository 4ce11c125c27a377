#!/bin/bash
# sluice export ID: the records an import created, updated or merged, one
# line each, with the values they hold now and the outcome of each, as CSV
# or XLSX; --outcome keeps some outcomes; an import stopped early gives
# what it wrote so far; a record deleted since is left out; the output is
# never the database or the file imported, and replaces a file only with
# --force.
. "$(dirname "$0")/report-lib.sh"

# Ann is updated, Cat created (and repeated: still one record, created),
# Bob unchanged, Dan merged into nothing (created), a bad row rejected.
printf 'First Name,Email,Company\nAnn,ann@example.com,\nBob,bob@example.com,Acme\nEve,eve@example.com,\n' >first.csv
printf 'First Name,Email,Company\nAnnie,ann@example.com,=HYPERLINK("x")\nBob,bob@example.com,Acme\nCat,cat@example.com,\nCathy,cat@example.com,Initech\nBad,not-an-email,\n' >second.csv
run_sluice import first.csv --db my.db
run_sluice import second.csv --db my.db
assert_exit 1 "the second import has a rejected row"

# What the export must hold: every record import 2 changed, with its
# values now, from the database itself.
want=$(sq my.db "SELECT c.id || '|' || (SELECT CASE action WHEN 'insert' THEN 'created' WHEN 'update' THEN 'updated' ELSE 'merged' END
                   FROM sluice_import_changes WHERE import_id = 2 AND record_id = c.id ORDER BY id LIMIT 1)
                   || '|' || coalesce(c.first_name, '') || '|' || coalesce(c.email, '') || '|' || coalesce(c.company, '')
                 FROM contacts c WHERE c.id IN (SELECT record_id FROM sluice_import_changes WHERE import_id = 2)
                 ORDER BY c.id")
assert_eq "$(printf '%s\n' "$want" | cut -d'|' -f1,2 | paste -sd' ')" "1|updated 4|created" \
	"the journal says: Ann updated, Cat created (and updated by the repeat)"

csv_cols() { # FILE: id|outcome|first_name|email|company of each line
	python3 - "$1" <<'PY'
import csv, sys
for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")):
    print("|".join([r["id"], r["outcome"], r["first_name"], r["email"], r["company"].removeprefix("'")]))
PY
}

run_sluice export 2 --db my.db --csv out.csv
assert_exit 0 "export --csv exits 0"
assert_match "$(cat out)" "Wrote 2 records of import 2 to out.csv" "it says how many records it wrote"
assert_eq "$(head -c 3 out.csv | od -An -tx1 | tr -d ' ')" efbbbf "the CSV starts with a UTF-8 BOM"
assert_eq "$(head -n 1 out.csv | tr -d '\r\357\273\277' | cut -d, -f1-5)" "id,outcome,first_name,middle_name,last_name" \
	"the header: id, outcome, then the schema's fields"
assert_eq "$(csv_cols out.csv)" "$want" "exactly the records written, each once, with the values stored and its outcome"
assert_match "$(grep -c "'=HYPERLINK" out.csv)" 1 "a value a spreadsheet would run gets a leading '"

run_sluice export 2 --db my.db --csv out.csv
assert_exit 2 "a file that exists is not replaced"
run_sluice export 2 --db my.db --csv out.csv --force --outcome created
assert_exit 0 "--force replaces it"
assert_eq "$(csv_cols out.csv)" "$(printf '%s\n' "$want" | grep '|created|')" "--outcome created keeps the records created"
run_sluice export 2 --db my.db --csv - --outcome updated,merged
assert_eq "$(printf '%s' "$(cat out)" | tail -n +2 | cut -d, -f1,2 | tr -d '\r')" "1,updated" "--csv - writes to standard output"

run_sluice export 2 --db my.db --xlsx out.xlsx --json
assert_exit 0 "export --xlsx exits 0"
assert_eq "$(json '[.records, .gone] | map(tostring) | join(" ")')" "2 0" "--json says how many records"
dump_xlsx out.xlsx
assert_eq "$(d '.sheets | join(",")')" Records "the workbook has one sheet, Records"
assert_eq "$(d '.sheet.Records.rows[1:][] | [.[0], .[1], .[2], .[5], (.[9] // "")] | map(tostring) | join("|")')" "$want" \
	"the sheet holds the same records and values"
assert_eq "$(d '.sheet.Records | [.rows[1][9], .types[1][9]] | join(" ")')" '=HYPERLINK("x") s' \
	"a formula-like value is a text cell, verbatim"

# A record deleted since is left out, and said.
sq my.db "DELETE FROM contacts WHERE id = 4"
run_sluice export 2 --db my.db --csv gone.csv
assert_eq "$(csv_cols gone.csv | cut -d'|' -f1)" 1 "a record deleted since is left out"
assert_match "$(cat err)" "1 record the import wrote was deleted since" "and the export says so"

# --- An import stopped early: what it wrote so far ------------------------------------------

{
	echo "First Name,Email"
	for i in $(seq 1 50); do echo "P$i,p$i@example.com"; done
} >fifty.csv
run_sluice import fifty.csv --db part.db --batch-size 10 --max-batches 2
assert_exit 3 "the import stops after 2 batches"
run_sluice export 1 --db part.db --csv part.csv
assert_eq "$(csv_cols part.csv | cut -d'|' -f3 | paste -sd' ')" "$(seq 1 20 | sed 's/^/P/' | paste -sd' ')" \
	"the export of the stopped import holds its 20 rows"

# --- Refusals ---------------------------------------------------------------------------------

run_sluice export 2 --db my.db --csv my.db --force
assert_exit 2 "never onto the database"
run_sluice export 2 --db my.db --csv second.csv --force
assert_exit 2 "never onto the file imported"
assert_eq "$(head -n 1 second.csv)" "First Name,Email,Company" "which stays as it was"
run_sluice export 2 --db my.db
assert_exit 2 "--csv or --xlsx is needed"
run_sluice export 2 --db my.db --csv a.csv --xlsx a.xlsx
assert_exit 2 "not both"
run_sluice export 2 --db my.db --csv a.csv --outcome rejected
assert_exit 2 "--outcome is created, updated or merged"
run_sluice export 9 --db my.db --csv a.csv
assert_exit 2 "no such import"
[ ! -e a.csv ] && pass "a refused export leaves no file" || fail "a refused export leaves no file"

done_testing
