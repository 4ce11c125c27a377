#!/bin/bash
# XLS workbooks FreeXL does not read whole (tests/data/xls, made by
# tests/gen-xls-cases.py): formula cells give their saved results, a
# formula without one rejects its row saying which cell; elapsed times
# keep their days; an encrypted workbook, an Excel 95 one and one whose
# stream is named in capitals are refused saying what is true, writing
# nothing. Without --sheet the first sheet holding rows is read and named;
# notes above the header are skipped and named (--header-row N says where
# the header is).
. "$(dirname "$0")/lib.sh"

D=$top_srcdir/tests/data/xls
[ -f "$D/formulas.xls" ] || skip_all "tests/data/xls is missing"

run_sluice import "$D/formulas.xls" --db formulas.db --region US
assert_exit 1 "the workbook with formulas imports, one row rejected"
assert_eq "$(sq formulas.db "SELECT first_name, last_name, phone, company, notes FROM contacts ORDER BY id")" \
	"Ada|Lovelace|+442079460018|1|
Grace|Hopper|+12025550143|42|TRUE
Alan|Turing|+12015550123|#DIV/0!|" \
	"formula cells read as their saved results (text, number, boolean, error); a row of formulas only is kept"
assert_eq "$(sq formulas.db "SELECT count(*) FROM sluice_import_errors WHERE message LIKE '%cell B5 is a formula whose result is not saved%'")" 1 \
	"the formula without a saved result rejects its row, naming the cell"
run_sluice inspect "$D/formulas.xls" --json
assert_eq "$(json '[.rows, .rows_with_errors] | map(tostring) | join(" ")')" "4 1" \
	"inspect counts every row, the one with a formula without a result as an error"

run_sluice import "$D/elapsed.xls" --db elapsed.db
assert_exit 0 "the workbook with times imports"
assert_eq "$(sq elapsed.db "SELECT company || ' ' || notes FROM contacts")" "255:10:10 15:10:10" \
	"[hh]:mm:ss keeps whole days; a time of day stays one"

refused() { # FILE PATTERN DESC
	run_sluice import "$D/$1" --db "${1%.xls}.db"
	assert_exit 2 "$3 is refused with exit code 2"
	assert_match "$(cat "$T/err")" "$1 $2" "the message names the file and says $3"
	ok "nothing is written for $1" test ! -e "${1%.xls}.db"
}
refused encrypted.xls "is encrypted with a password.*Ask for a copy without a password" \
	"an encrypted workbook"
refused biff5.xls "is a workbook of Excel 5.0/95 or older.*save it as XLSX" \
	"a BIFF5 workbook"
refused capitals.xls "holds its workbook under a name in other letters than \"Workbook\"" \
	"a workbook stream named WORKBOOK"

# The first sheet empty: without --sheet the first sheet holding rows is
# read, and the summary and --json say which; inspect lists every sheet.
run_sluice import "$D/first-empty.xls" --db first.db --json
assert_exit 0 "a workbook whose first sheet is empty imports"
assert_eq "$(json '[.sheet, .source] | @tsv')" \
	"People	XLS, sheet \"People\" (the first with data: \"Notes\" is empty)" \
	"--json names the sheet read and the empty one passed over"
assert_eq "$(sq first.db "SELECT first_name || '|' || email || '|' || coalesce(notes, '') FROM contacts ORDER BY id")" \
	"Ann|ann@example.com|
Bob|bob@example.com|tall" "the rows of that sheet are imported"
run_sluice import "$D/first-empty.xls" --db first-text.db
assert_match "$(cat "$T/out")" 'XLS, sheet "People" \(the first with data: "Notes" is empty\)' \
	"the summary names the sheet read"
run_sluice inspect "$D/first-empty.xls" --json
assert_exit 0 "inspect reads an XLS workbook whose first sheet is empty"
assert_eq "$(json '[.sheet, (.sheets | map("\(.name):\(.rows):\(.columns):\(.empty):\(.read_by_default)") | join(","))] | @tsv')" \
	"People	Notes:0:0:true:false,People:2:3:false:true,Also:1:1:false:false" \
	"every sheet is listed with its rows and columns, the empty one as empty"
run_sluice import "$D/first-empty.xls" --db chosen.db --sheet Also --json
assert_eq "$(json '[.sheet, .created] | @tsv')" "Also	1" "--sheet still chooses"
run_sluice import "$D/first-empty.xls" --db empty.db --sheet Notes
assert_exit 2 "an empty sheet chosen with --sheet is refused"
assert_match "$(cat "$T/err")" 'The sheet "Notes" of .* is empty' "the message names the sheet"

# Notes above the header: the header is found below them, the rows
# skipped are named; --header-row says where it is.
run_sluice import "$D/notes-above.xls" --db notes.db --json
assert_exit 0 "a sheet with notes above its header imports"
assert_eq "$(json '[.header_line, .source] | @tsv')" \
	"4	XLS, sheet \"Connections\"; header on row 4, 2 rows with values above it skipped" \
	"the header row is found and the rows skipped are named"
assert_eq "$(sq notes.db "SELECT first_name || ' ' || last_name || ' ' || email || ' ' || coalesce(company, '') FROM contacts ORDER BY id")" \
	"Grace Hopper grace@navy.example US Navy
Alan Kay alan@parc.example " "the rows below the header are imported"
run_sluice import "$D/notes-above.xls" --db notes-text.db
assert_match "$(cat "$T/out")" "header on row 4, 2 rows with values above it skipped" "the summary says it too"
run_sluice import "$D/notes-above.xls" --db notes-2.db --header-row 2 --json
assert_eq "$(json '[.header_line, .created, .rejected] | @tsv')" "2	0	3" \
	"--header-row 2 makes the note the header (its rows are wider than it)"
run_sluice import "$D/notes-above.xls" --db notes-9.db --header-row 9
assert_exit 2 "--header-row past the last row is refused"
assert_match "$(cat "$T/err")" 'has no row with a value on row 9 or after it' "saying so"
run_sluice inspect "$D/notes-above.xls" --header-row 4 --json
assert_eq "$(json '[.header_line, .rows] | @tsv')" "4	2" "inspect takes --header-row too"

# No row looks like a header (a column named 2024, addresses below): the
# first row is it.
run_sluice import "$D/year-column.xls" --db year.db --json
assert_eq "$(json '[.header_line, .created] | @tsv')" "1	2" "the first row is the header when none looks like one"
assert_eq "$(sq year.db "SELECT group_concat(email, ' ') FROM contacts")" "ann@example.com bob@example.com" \
	"and every row below it is imported"
assert_match "$(json '.mapping | keys | join(",")')" "2024" "the column named 2024 is a column"

done_testing
