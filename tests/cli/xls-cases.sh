#!/bin/bash
# XLS workbooks FreeXL does not read whole (tests/data/xls, made by
# tests/gen-xls-cases.py): formula cells give their saved results, a
# formula without one rejects its row saying which cell; elapsed times
# keep their days; an encrypted workbook, an Excel 95 one and one whose
# stream is named in capitals are refused saying what is true, writing
# nothing.
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

done_testing
