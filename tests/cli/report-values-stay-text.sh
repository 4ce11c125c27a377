#!/bin/bash
# Values stay the text the file had: a zip code or a phone written as
# digits is a text cell, never a number; a value starting with =, +, -, @,
# a tab, CR or LF is a text cell holding the value byte for byte (a string
# cell is never evaluated: no leading '), while the CSV export of the same
# rows still neutralizes them; a value over Excel's 32,767 characters is
# cut with a visible marker, and the Summary says so.
. "$(dirname "$0")/report-lib.sh"

"$PYTHON" - <<'PY'
import csv
rows = [
    ["First Name", "Last Name", "E-mail Address", "Mobile Phone", "Company", "Notes"],
    ["Ann", "Lee", "ann@example.com", "212-736-5000", "Acme", "fine"],
    ["Bob", "Ray", "bob@", "4155550162", "00501", '=HYPERLINK("http://evil.example","click")'],
    ["Cid", "Roe", "cid@", "", "-2+3", "+cmd|' /C calc'!A0"],
    ["Dan", "Fox", "dan@", "", "Initech", "@SUM(1,2)"],
    ["Eve", "Kim", "", "", "Hooli", "\tTabbed"],
    ["Fay", "Ng", "fay@example.com", "=1+2", "Globex", ""],
    ["Gus", "Oz", "gus@", "", "Long Ltd", "x" * 40000],
]
with open("values.csv", "w", encoding="utf-8", newline="") as f:
    csv.writer(f, quoting=csv.QUOTE_ALL).writerows(rows)
PY
run_sluice import values.csv --db my.db
assert_exit 1 "the import rejects the bad rows"
id=$(last_import_id my.db)
assert_eq "$(sq my.db "SELECT rejected FROM sluice_imports WHERE id = $id")" 6 "six rows are rejected"

run_sluice report "$id" --db my.db --xlsx report.xlsx
assert_exit 0 "the report is written"
dump_xlsx report.xlsx

# The Rejected rows sheet: row k of the file is row k of the sheet here.
cell() { # ROW COLUMN-INDEX
	jq -r --argjson r "$1" --argjson c "$2" '.sheet["Rejected rows"].rows[$r][$c]' "$T/dump.json"
}
type_of() {
	jq -r --argjson r "$1" --argjson c "$2" '.sheet["Rejected rows"].types[$r][$c]' "$T/dump.json"
}
assert_eq "$(cell 1 4),$(type_of 1 4)" "00501,s" "a zip code stays text, leading zero and all"
assert_eq "$(cell 1 3),$(type_of 1 3)" "4155550162,s" "a phone written as digits stays text"
assert_eq "$(cell 1 5)" '=HYPERLINK("http://evil.example","click")' "a formula is kept as it is"
assert_eq "$(cell 2 4)|$(cell 2 5)" "-2+3|+cmd|' /C calc'!A0" "values starting with - and + too"
assert_eq "$(cell 3 5)" "@SUM(1,2)" "and with @"
assert_eq "$(jq -r '.sheet["Rejected rows"].rows[4][5]' dump.json | od -An -c | tr -s ' ' | head -1)" \
	" \\t T a b b e d \\n" "and with a tab"
assert_eq "$(jq -r '[.sheet.Errors.rows[] | select(.[2] == "phone")][0][5]' dump.json)" "=1+2" \
	"an offending value on the Errors sheet is kept as it is too"
assert_eq "$(d '[.sheet[].types[][] | select(. != null and . != "s" and . != "n")] | length')" 0 \
	"every cell is text or one of the report's own numbers: no formula"
assert_eq "$(d '[.sheet["Rejected rows"].types[1:][] | .[]] | map(select(. != null)) | unique | join(",")')" s \
	"every cell of the rejected rows is text"

# Byte for byte: every cell of the Rejected rows sheet (but the cut one)
# equals the file's cell.
"$PYTHON" - <<'PY' >verbatim.out 2>&1
import csv, json
file_rows = list(csv.reader(open("values.csv", encoding="utf-8", newline="")))
sheet = json.load(open("dump.json"))["sheet"]["Rejected rows"]["rows"]
bad = []
for got in sheet[1:]:
    want = [r for r in file_rows if r[0] == got[0]][0]
    for c, v in enumerate(want):
        if len(v) > 32767:
            continue
        if (got[c] or "") != v:
            bad.append((want[0], c, got[c], v))
print("same" if not bad else bad)
PY
assert_eq "$(cat verbatim.out)" same "every rejected cell is the file's cell, byte for byte"
assert_eq "$(d '[.sheet.Summary.rows[][] | select(type == "string" and test("leading '"'"'"))] | length')" 0 \
	"the Summary says nothing of a leading '"

# The CSV export of the same rows still neutralizes them for spreadsheets.
run_sluice report "$id" --db my.db --csv-rejects rejected.csv
assert_exit 0 "the rejected rows are written as CSV"
assert_eq "$(grep -c "^Bob,.*,\"'=HYPERLINK" rejected.csv)" 1 "the CSV gives the formula a leading '"
assert_match "$(cat "$T/err")" "6 values in rejected.csv begin with =, \+, -, @" "and says so"

# Cut at the cell limit, with a marker.
assert_eq "$(d '.sheet["Rejected rows"].rows[6][5] | length')" 32767 \
	"a 40,000-character value is cut to 32,767 characters"
assert_match "$(cell 6 5)" '^xxxx.*… \[cut: 40000 characters\]$' "it ends with a marker saying how long it was"
assert_eq "$(d '[.sheet.Errors.rows[] | select(.[2] == "notes")][0][5] | length')" 32767 \
	"the offending value on the Errors sheet is cut too"
assert_match "$(d '[.sheet.Summary.rows[] | select(.[1] | type == "string" and test("cut"))][0][1]')" \
	"^2 values were longer than a cell holds" "the Summary says how many values were cut"

# The database keeps the raw values: the report changes only the copy.
assert_eq "$(sq my.db "SELECT json_extract(cells, '\$[5]') FROM sluice_import_rejects WHERE import_id = $id AND row_no = 2")" \
	'=HYPERLINK("http://evil.example","click")' "the journal keeps the value as it was"

done_testing
