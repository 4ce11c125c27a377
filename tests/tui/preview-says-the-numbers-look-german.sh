#!/bin/bash
# A German export without a country column, read with the default region
# (US): the preview says the numbers look German and names the fix, before
# anything is imported.
. "$top_srcdir/tests/tui/lib.sh"

printf 'Vorname;Nachname;Mobiltelefon;E-Mail-Adresse\n' >kunden.csv
printf 'Karl;Becker;0151 23456789;karl@example.de\n' >>kunden.csv
printf 'Petra;Wolf;0170 9876543;petra@example.de\n' >>kunden.csv

tui_start 100 30 --db "$DB"
tui_to_preview kunden.csv
tui_see "2 phone numbers look German; run with --region DE or map a country column." \
	"the preview names the region the numbers look like and the fix"

done_testing
