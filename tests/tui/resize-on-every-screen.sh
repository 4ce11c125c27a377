#!/bin/bash
# Every screen follows a resize: larger (120x40), smaller than the wizard
# needs (it says so), and back to 80x24, where the screen is whole again.
. "$top_srcdir/tests/tui/lib.sh"

sample_csv contacts.csv

# resize_check NAME TEXT: TEXT is on the screen after each resize.
resize_check() {
	tui_resize 120 40
	tui_see "$2" "$1: still shown at 120x40"
	tui_see "? keys" "$1: the footer shows the keys at 120x40"
	tui_resize 70 20
	tui_see "sluice needs at least 80" "$1: at 70x20 the wizard says the terminal is too small"
	tui_resize 80 24
	tui_see "$2" "$1: whole again at 80x24"
	tui_see "? keys" "$1: the footer is back at 80x24"
}

tui_start 80 24 --db "$DB"
tui_go "Recent imports"
resize_check Home "Recent imports"
tui_keys n
tui_go "Choose a file"
resize_check File "contacts.csv"
tui_keys g
tui_go "Open a path"
tui_keys C-u
tui_type "$T/contacts.csv"
tui_keys Enter
tui_go "Map the columns"
resize_check Mapping "E-mail Address"
tui_keys Enter
tui_go "rows read;"
resize_check Preview "rows read;"
tui_keys Enter
tui_go "How the rows meet the records stored"
resize_check Duplicates "How the rows meet the records stored"
tui_keys Enter
tui_go "What will happen"
resize_check Confirm "What will happen"
tui_keys Enter
tui_go "The import has ended"
resize_check Progress "The import has ended"
tui_keys Enter
tui_go "Report of import"
resize_check Report "Errors by field"
tui_keys '?'
tui_go "Write the report as an XLSX workbook."
resize_check "Keys of the report" "Write the report as an XLSX workbook."
tui_keys Escape
tui_keys q
if tui_exited; then pass "q leaves"; else fail "q leaves" "$(tui_screen)"; fi

done_testing
