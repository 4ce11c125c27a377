#!/bin/bash
# The facts every report gives: success_rate ((created + updated + merged +
# unchanged + skipped) / total), batches, failed_batches (refused by the
# database as a whole and written row by row), retries and values_dropped,
# the same in import --json, show --json, report --json, the XLSX Summary
# and the CSV summary; every batch's duration in report --json's
# batch_details and the Batches sheet, to the millisecond.
. "$(dirname "$0")/report-lib.sh"

gen_contacts --rows 400 --seed 71 --invalid-rate 0.1 --out contacts.csv
# A trigger refuses contacts whose phone ends in 00: their batches are
# written again row by row.
sq my.db "CREATE TABLE contacts (id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT, email TEXT,
            phone TEXT, company TEXT, job_title TEXT, birthday TEXT, country TEXT, tags TEXT,
            status TEXT, notes TEXT, imported_from INTEGER);
          CREATE TRIGGER refuse BEFORE INSERT ON contacts WHEN NEW.phone LIKE '%00'
            BEGIN SELECT RAISE(ABORT, 'this number range is blocked'); END;"
run_sluice import contacts.csv --db my.db --batch-size 50 --json
assert_exit 1 "the import completes with errors"
mv out import.json
id=$(last_import_id my.db)

replayed=$(sq my.db "SELECT count(*) FROM sluice_import_batches WHERE import_id = $id AND status = 'replayed'")
[ "$replayed" -gt 0 ] 2>/dev/null && pass "some batches were refused as a whole ($replayed)" ||
	fail "some batches were refused as a whole" "$replayed"
want_rate=$(sq my.db "SELECT round(1.0 * (created + updated + merged + unchanged + skipped) / total, 6)
                      FROM sluice_imports WHERE id = $id")
want_facts="$(sq my.db "SELECT count(*) FROM sluice_import_batches WHERE import_id = $id") $replayed $(sq my.db "SELECT sum(attempts - 1) FROM sluice_import_batches WHERE import_id = $id") $(sq my.db "SELECT count(*) FROM sluice_import_errors WHERE import_id = $id AND dropped")"
facts='"\(.success_rate * 1000000 | round / 1000000) \(.batches) \(.failed_batches) \(.retries) \(.values_dropped)"'

assert_eq "$(jq -r "$facts" import.json)" "$want_rate $want_facts" \
	"import --json: success_rate, batches, failed_batches, retries, values_dropped"
run_sluice show "$id" --db my.db --json
assert_eq "$(json "$facts")" "$want_rate $want_facts" "show --json: the same facts"
run_sluice report "$id" --db my.db --json
assert_eq "$(json "$facts")" "$want_rate $want_facts" "report --json: the same facts"
assert_eq "$(json '.batch_details[] | [.batch, .first_row, .rows, .created, .rejected, .failed, .attempts, (.duration_s * 1000 | round), .status] | map(tostring) | join("|")')" \
	"$(sq my.db "SELECT batch_no, first_row, rows, created, rejected, failed, attempts, duration_ms, status
	             FROM sluice_import_batches WHERE import_id = $id ORDER BY batch_no")" \
	"report --json: every batch with its duration, as the journal has them"
run_sluice show "$id" --db my.db
assert_match "$(cat out)" "success rate +[0-9.]+%" "show says the success rate"
assert_match "$(cat out)" "Batches: [0-9]+ committed; refused as a whole \(written row by row\): $replayed;" \
	"and the batches"

run_sluice report "$id" --db my.db --xlsx report.xlsx
dump_xlsx report.xlsx
assert_eq "$(summary Batches) $(summary 'Failed batches') $(summary Retries)" \
	"$(cut -d' ' -f1-3 <<<"$want_facts")" "the XLSX Summary has batches, failed batches and retries"
assert_eq "$(jq -r --argjson want "$want_rate" '[.sheet.Summary.rows[] | select(.[0] == "Success rate")][0][1] * 1000000 | round / 1000000 == $want' dump.json)" \
	true "and the success rate"
assert_eq "$(d '[.sheet.Batches.rows[1:][] | (.[11] * 1000 | round)] | map(tostring) | join(" ")')" \
	"$(sq my.db "SELECT duration_ms FROM sluice_import_batches WHERE import_id = $id ORDER BY batch_no" | paste -sd' ')" \
	"the Batches sheet has each batch's duration to the millisecond"

# The CSV summary: a header naming the columns and one line of facts.
run_sluice report "$id" --db my.db --csv-summary summary.csv
assert_exit 0 "--csv-summary writes the summary"
assert_eq "$(head -c 3 summary.csv | od -An -tx1 | tr -d ' ')" efbbbf "a file starts with a UTF-8 BOM"
"$PYTHON" - "$want_rate" "$want_facts" <<'PY' >csv.out 2>&1
import csv, json, sys
rows = list(csv.DictReader(open("summary.csv", encoding="utf-8-sig", newline="")))
j = json.load(open("import.json"))
r = rows[0]
bad = [k for k in ("id", "total", "created", "updated", "merged", "unchanged", "skipped", "rejected",
                   "failed", "not_processed", "values_dropped", "batches", "failed_batches", "retries")
       if int(r[k]) != j[k]]
if r["file"] != j["file"] or r["status"] != j["status"] or abs(float(r["success_rate"]) - j["success_rate"]) > 1e-4:
    bad.append("file/status/success_rate")
print(len(rows), "same" if not bad else bad)
PY
assert_eq "$(cat csv.out)" "1 same" "one line whose counts and facts are import --json's"
run_sluice report "$id" --db my.db --csv-summary - --json
assert_exit 2 "--csv-summary - and --json cannot both have standard output"

# Values a spreadsheet would run are neutralized in the CSV summary.
printf 'First Name,Last Name,E-mail Address\nAnn,Lee,ann@example.com\n' >'=cmd.csv'
run_sluice import '=cmd.csv' --db f.db
run_sluice report 1 --db f.db --csv-summary -
assert_exit 0 "the summary goes to standard output"
assert_eq "$(head -c 3 out)" "id," "standard output has no BOM: it starts with the header"
assert_eq "$(sed -n 2p out | cut -d, -f2)" "'=cmd.csv" "a file name starting with = gets a leading '"

# The import's times, to the millisecond: its duration in every report is
# finished_at - started_at, not whole seconds.
times=$(sq my.db "SELECT started_at || ' ' || finished_at FROM sluice_imports WHERE id = $id")
assert_match "$times" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z [0-9-]{10}T[0-9:]{8}\.[0-9]{3}Z$' \
	"the journal keeps when the import began and ended to the millisecond"
want_ms=$("$PYTHON" -c '
import sys
from datetime import datetime
a, b = (datetime.strptime(t, "%Y-%m-%dT%H:%M:%S.%fZ") for t in sys.argv[1:3])
print(round((b - a).total_seconds() * 1000))' $times)
run_sluice report "$id" --db my.db --json
assert_eq "$(json '.duration_s * 1000 | round')" "$want_ms" "report --json: the duration to the millisecond"
assert_eq "$(summary 'Duration (s)' | "$PYTHON" -c 'import sys; print(round(float(sys.stdin.read()) * 1000))')" "$want_ms" \
	"the XLSX Summary: the duration to the millisecond"

done_testing
