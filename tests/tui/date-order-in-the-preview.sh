#!/bin/bash
# Dates such as 03/04/1975 are ambiguous. With English headers the preview
# reads them month first, says that a date valid only day first
# (25/12/1980) would be read with d, and names the order in its title; d
# reads them day first at once (the preview and the dry run check the rows
# again); Confirm shows how phone numbers and dates are read, and the
# import stores the dates so. French headers are read day first from the
# start, and the preview says why.
. "$top_srcdir/tests/tui/lib.sh"

printf '%s\n' 'First Name,Email,Birthday' \
	'Ann,ann@example.org,25/12/1980' \
	'Bob,bob@example.org,03/04/1975' \
	'Cy,cy@example.org,12/01/1990' >en.csv

tui_start 80 24 --db "$DB"
tui_to_preview en.csv
tui_see "1 date is valid only day first, such as 25/12/1980: press d." \
    "the preview counts the dates valid only day first and names the key"
tui_see "dates month/day/year" "the title says dates are read month first"
tui_keys d
tui_see "read day first: 3 April 2024." "d reads dates day first, and says so"
tui_see "dates day/month/year" "the title follows"
tui_see "3 rows read; 0 with errors." "read day first, every date is valid in the preview"
tui_see "3 valid, 0 with errors (dry run)." "the dry run follows the date order"
tui_keys Enter
tui_go "How the rows meet the records stored" 300
tui_keys Enter
tui_go "What will happen"
tui_see "phone region US · dates day/month/year" "Confirm says how phone numbers and dates are read"
tui_keys Enter
tui_see "The import has ended" "the import runs to its end" 300
assert_eq "$(sq "$DB" "SELECT group_concat(birthday, ' ') FROM (SELECT birthday FROM contacts ORDER BY id)")" \
    "1980-12-25 1975-04-03 1990-01-12" "the dates are stored as read day first"
tui_stop

printf '%s\n' 'Prénom;Nom;Adresse de messagerie;Anniversaire' \
	'Rémi;Lefèvre;remi@exemple.fr;03/04/1975' >fr.csv
tui_start 80 24 --db "$T/fr.db"
tui_to_preview fr.csv
tui_see "Dates are read day first, as the French headers suggest (d: month first)." \
    "French headers: dates are read day first, and the preview says why"
tui_see "dates day/month/year" "the title says so"
tui_keys d
tui_see "read month first: March 4, 2024." "d reads them month first"
tui_go " read; 0 with errors"
tui_keys Enter
tui_go "How the rows meet the records stored" 300
tui_keys Enter
tui_go "What will happen"
tui_see "dates month/day/year" "Confirm shows the order chosen"
tui_keys Enter
tui_see "The import has ended" "the import runs to its end" 300
assert_eq "$(sq "$T/fr.db" "SELECT birthday FROM contacts")" "1975-03-04" "the date is stored month first"

done_testing
