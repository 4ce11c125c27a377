#!/bin/bash
# The phone region and the date order set on the Preview are remembered with
# the mapping: opened again, a file with the same header row starts with
# them, and the Preview says so. Enter goes on from Mapping, Preview and
# Duplicates (c too), and every footer says so at 80x24; Space changes a
# column's field on Mapping and explains a cell on Preview. The notice of
# dates valid only day first fits 80 columns with a two-digit count.
. "$top_srcdir/tests/tui/lib.sh"

# English headers, German mobile numbers, twelve dates valid only day first.
{
	echo 'First Name,Email,Birthday,Mobile Phone'
	for d in 13 14 15 16 17 18 19 20 21 22 23 24; do
		echo "P$d,p$d@example.org,$d/03/1980,0151 234567$d"
	done
} >de.csv

# Twelve dates valid only day first: the notice is whole at 80 columns.
cut -d, -f1-3 de.csv >dates.csv
tui_start 80 24 --db "$T/dates.db"
tui_to_preview dates.csv
tui_see "12 dates are valid only day first, such as 25/12/1980: press d." \
    "the notice of the dates valid only day first is whole with a two-digit count"
tui_stop

# The footer of the screen: the last line, and whether it fits.
footer_has() {
	local line
	line=$(tui_screen | tail -n 1)
	case "$line" in
	*"$1"*) pass "$2" ;;
	*) fail "$2" "footer: $line" ;;
	esac
}

tui_start 80 24 --db "$DB"
tui_open de.csv
tui_go "Map the columns"
footer_has "Enter continue  Space field  - leave out  t target  Esc back  q quit  ? keys" \
    "Mapping's footer says Enter goes on and Space changes the field, and all of it fits"
tui_keys Space
tui_see "Field for column First Name" "Space picks the field of the column"
tui_keys Escape
tui_go "Map the columns"
tui_keys Enter
tui_go "rows read;"
pass "Enter goes on from Mapping"
tui_see "12 rows read; 12 with errors." "read in the US, the German numbers are errors"
footer_has "Enter continue  e errors  E edit  r region  d dates  Esc back  q quit  ? keys" \
    "Preview's footer says Enter goes on, and all of it fits"
tui_keys Space
tui_see 'Row 1 (line 2), column' "Space explains the cell"
tui_keys Escape
tui_keys r
tui_go "Phone region"
tui_keys C-u
tui_type DE
tui_keys Enter
tui_go "phone region DE"
# d once the rows are read again (while they are read it is refused).
tui_go "12 rows read; 0 with errors; 12 values left out (their rows are kept)."
tui_keys d
tui_see "dates day/month/year" "d reads dates day first"
tui_see "12 rows read; 0 with errors." "with DE and day first every row is valid"
tui_see "12 valid, 0 with errors (dry run)." "the dry run agrees"
tui_keys Enter
tui_go "How the rows meet the records stored" 300
pass "Enter goes on from Preview"
footer_has "Enter continue" "Duplicates' footer says Enter goes on"
tui_keys Enter
tui_go "What will happen"
tui_see "phone region DE · dates day/month/year" "Confirm shows the region and the date order"
tui_keys Enter
tui_see "The import has ended" "the import runs to its end" 300
assert_eq "$(sq "$DB" "SELECT birthday || ' ' || phone FROM contacts WHERE first_name = 'P13'")" \
    "1980-03-13 +4915123456713" "stored day first, the number in E.164"
assert_eq "$(sq "$DB" "SELECT json_extract(mapping, '\$.region') || ' ' || json_extract(mapping, '\$.date_order') FROM sluice_mappings")" \
    "DE dmy" "the region and the date order are remembered with the mapping"
tui_stop

# The same header row again: the Preview starts with DE and day first.
sed 's/@example.org/@example.net/' de.csv >de-again.csv
tui_start 80 24 --db "$DB"
tui_open de-again.csv
tui_go "Map the columns"
tui_keys c
tui_go "rows read;"
pass "c still goes on from Mapping"
tui_see "Phone region DE and dates day first, as chosen before for these columns." \
    "the Preview says the region and the date order come from before"
tui_see "phone region DE · dates day/month/year" "its title names them"
tui_see "12 rows read; 0 with errors." "and the rows are read with them"

# sluice import of a file with that header row reads it so too.
printf '%s\n' 'First Name,Email,Birthday,Mobile Phone' 'Zed,zed@example.org,03/04/1975,0160 1234567' >cli.csv
run_sluice import cli.csv --db "$DB" --json
assert_eq "$(json '[.date_order.order, .date_order.from] | @tsv')" "dmy	mapping" \
    "sluice import takes the date order remembered by the wizard"
assert_eq "$(sq "$DB" "SELECT birthday || ' ' || phone FROM contacts WHERE first_name = 'Zed'")" \
    "1975-04-03 +491601234567" "and the region"

done_testing
