#!/bin/bash
# Workbooks made by other programs import like CSV: a libxlsxwriter file
# (numbers, a date format, rich text, a formula, a merged range, a hidden
# sheet before the one read) and an openpyxl file; sheets are chosen with
# --sheet and listed by `sluice inspect`; the kind of file is decided by its
# content, not its name.
. "$(dirname "$0")/lib.sh"

GEN_XLSX=${top_builddir:-$top_srcdir}/tests/gen-xlsx
[ -x "$GEN_XLSX" ] || skip_all "tests/gen-xlsx is not built"

"$GEN_XLSX" --types types.xlsx
run_sluice import types.xlsx --db types.db --region US --json
id=$(last_import_id types.db)
assert_exit 0 "the libxlsxwriter workbook imports without errors"
assert_eq "$(sq types.db "SELECT first_name, last_name, email, phone, birthday FROM contacts ORDER BY id")" \
	"José|Müller|jose@example.com|+12015550123|1985-04-12
Zoë|||+14152345678|" \
	"cells arrive as the spreadsheet shows them (rich text joined, phone in full, date in ISO 8601)"
assert_eq "$(sq types.db "SELECT source_format || '|' || sheet || '|' || source_description FROM sluice_imports WHERE id = $id")" \
	'xlsx|Contacts|XLSX, sheet "Contacts"' "the journal keeps the format and the sheet read (the hidden one is skipped)"
journal_consistent types.db "$id" "the journal tells one story about the workbook import"

run_sluice inspect types.xlsx --sheet old --json
assert_eq "$(json '[.sheet, (.header | join(","))] | join(" ")')" "Old old" "--sheet chooses the hidden sheet by name, ignoring case"
run_sluice inspect types.xlsx --sheet 2 --json
assert_eq "$(json .sheet)" "Contacts" "--sheet 2 chooses the second sheet"

run_sluice import types.xlsx --db none.db --sheet Nope
assert_exit 2 "an unknown sheet is a usage error"
assert_match "$(cat "$T/err")" 'has no sheet "Nope"; its sheets are "Old", "Contacts"' \
	"the message lists the sheets"
ok "nothing is written for an unknown sheet" test ! -e none.db

run_sluice inspect types.xlsx --json
assert_exit 0 "inspect reads the workbook"
assert_eq "$(json '[.format, .sheet, (.sheets | map(.name + ":" + (.rows | tostring) + ":" + (.hidden | tostring)) | join(","))] | join(" ")')" \
	"xlsx Contacts Old:0:true,Contacts:2:false" "inspect lists the sheets with their rows"
run_sluice inspect types.xlsx
assert_match "$(cat "$T/out")" "Header: +First Name \| Last Name" "inspect shows the header"

# The same file named .csv is still a workbook.
cp types.xlsx types.csv
run_sluice import types.csv --db renamed.db --region US
assert_exit 0 "an XLSX named .csv is read as XLSX"
assert_eq "$(sq renamed.db "SELECT count(*) FROM contacts")" 2 "its rows are imported"

# A PNG named .csv is refused before anything is written.
printf '\211PNG\r\n\032\n\0\0\0\rIHDR\0\0\0\1' >photo.csv
run_sluice import photo.csv --db photo.db
assert_exit 2 "a PNG named .csv is refused"
assert_match "$(cat "$T/err")" "photo.csv is not a spreadsheet or CSV file" "the message says what the file is not"
ok "nothing is written for the PNG" test ! -e photo.db

# A workbook cut in half is refused, naming the file, and writes nothing.
head -c "$(($(stat -c %s types.xlsx) / 2))" types.xlsx >cut.xlsx
run_sluice import cut.xlsx --db cut.db
assert_exit 2 "a truncated workbook is refused"
assert_match "$(cat "$T/err")" "cut.xlsx cannot be read as an XLSX workbook: its ZIP archive is truncated or damaged" \
	"the message names the file and says it is damaged"
ok "nothing is written for the truncated workbook" test ! -e cut.db

# openpyxl, a second producer.
for py in "$PYTHON" /usr/bin/python3; do
	if "$py" -c 'import openpyxl' 2>/dev/null; then
		OPENPYXL=$py
		break
	fi
done
if [ -z "${OPENPYXL:-}" ]; then
	skip "the openpyxl workbook imports" "python3-openpyxl is not installed"
else
	"$OPENPYXL" - <<'PY'
import datetime, openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Kontakte"
ws.append(["Vorname", "Nachname", "E-Mail", "Mobile", "Geburtstag", "Notizen"])
ws.append(["Jürgen", "Schäfer", "j@example.de", 12125550199, datetime.date(1970, 1, 2), 0.1])
ws.append([])
ws.append(["Ann", None, "ann@example.org", "+1 415 555 0100", datetime.datetime(2000, 2, 29, 13, 14, 15), True])
ws["G4"] = "stray"
wb.save("openpyxl.xlsx")
PY
	run_sluice import openpyxl.xlsx --db op.db --region US --json
	id=$(last_import_id op.db)
	assert_exit 1 "the openpyxl workbook imports, its stray cell rejected"
	assert_eq "$(sq op.db "SELECT first_name, phone, birthday, notes FROM contacts ORDER BY id")" \
		"Jürgen|+12125550199|1970-01-02|0.1" "the openpyxl cells arrive as shown (0.1, not float noise)"
	assert_eq "$(sq op.db "SELECT row_no || ':' || line_no FROM sluice_import_errors WHERE import_id = $id")" \
		"2:4" "the row with a value beyond the header is rejected as row 2, spreadsheet row 4"
	assert_match "$(sq op.db "SELECT message FROM sluice_import_errors WHERE import_id = $id")" \
		"value in column G \(cell G4\), beyond the 6 columns of the header" "the error names the cell"
	invariant_holds op.db "the openpyxl import's counts add up"
fi

# A workbook whose shared strings outgrow what sluice keeps of them in
# memory (2 MiB; the rest goes to a temporary file): imported as the same
# rows as CSV give, row numbers of errors included.
gen_contacts --rows 80000 --seed 23 --invalid-rate 0.05 --dup-rate 0.05 --out big.csv
"$GEN_XLSX" big.csv big.xlsx
sst=$("$PYTHON" -c 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).getinfo("xl/sharedStrings.xml").file_size)' big.xlsx)
assert_match "$((sst > 4 * 1024 * 1024))" '^1$' "the workbook holds more than 4 MiB of shared strings"
run_sluice import big.csv --db big-csv.db
run_sluice import big.xlsx --db big-xlsx.db
assert_exit 1 "the big workbook imports, its invalid rows rejected"
assert_eq "$(sq big-xlsx.db "SELECT first_name, last_name, email, phone, birthday, notes FROM contacts ORDER BY id" | md5sum)" \
	"$(sq big-csv.db "SELECT first_name, last_name, email, phone, birthday, notes FROM contacts ORDER BY id" | md5sum)" \
	"its table is the CSV's"
assert_eq "$(sq big-xlsx.db "SELECT row_no, field, message, value FROM sluice_import_errors ORDER BY rowid" | md5sum)" \
	"$(sq big-csv.db "SELECT row_no, field, message, value FROM sluice_import_errors ORDER BY rowid" | md5sum)" \
	"its errors are the CSV's, row numbers included"
assert_match "$(sq big-xlsx.db "SELECT count(*) FROM contacts")" '^[0-9]{5}$' "the table compared is not empty"

done_testing
