#!/bin/bash
# A German Outlook export holds mobile numbers without a country code
# (0151 23456789): read in the schema's region (US) they are invalid and
# left out. r on the Preview sets the phone region to DE: the preview checks
# the rows again at once and finds them valid, the dry run agrees, and the
# import stores them in E.164 (+4915123456789). The preview suggests DE
# when the numbers fail, in the summary's words (validator_hint). The keys box (?) says
# what r does, its sentence wrapped whole.
. "$top_srcdir/tests/tui/lib.sh"

printf '%s\n' 'Vorname;Nachname;Mobiltelefon;E-Mail-Adresse' \
	'Jürgen;Müller;0151 23456789;juergen@example.de' \
	'Änne;Schröder;0170 1234567;aenne@example.de' \
	'Karl;Klein;0160 9876543;karl@example.de' >outlook-de.csv

tui_start 80 24 --db "$DB"
tui_to_preview outlook-de.csv
tui_see "3 rows read; 3 with errors." \
    "read in the schema's region, the German mobile numbers are errors"
tui_see "phone region US" "the preview names the region the numbers are read in"
tui_see "3 phone numbers look German; run with --region DE or map a country column." \
    "the preview suggests the region the numbers belong to, as the summary does"
tui_keys r
tui_go "Phone region"
tui_keys C-u
tui_type de
tui_keys Enter
tui_see "read as numbers of DE" "the new region is said"
tui_see "phone region DE" "the preview names the new region"
tui_see "3 rows read; 0 with errors." "with DE the German mobile numbers are valid in the preview"
tui_see "3 valid, 0 with errors (dry run)." "the dry run follows the region"
if tui_screen | grep -q "^ *!"; then
	fail "no row is marked any more" "$(tui_screen)"
else
	pass "no row is marked any more"
fi
tui_keys r
tui_go "Phone region"
tui_keys C-u
tui_type XX
tui_keys Enter
tui_see "XX" "an unknown region is refused, saying why"
tui_see "phone region DE" "the region stays DE"
# ? wraps each key's sentence in its box instead of cutting it.
tui_keys '?'
tui_go "Keys"
tui_see "preview checks the rows again at once." "the keys box wraps a long sentence whole"
tui_keys Escape
tui_go "phone region DE"
tui_keys Enter
tui_go "How the rows meet the records stored" 300
# c goes on here too, as on Mapping and Preview.
tui_keys c
tui_see "What will happen" "c goes on from Duplicates as from the steps before"
tui_keys Enter
tui_see "The import has ended" "the import runs to its end" 300
assert_eq "$(sq "$DB" "SELECT group_concat(phone, ' ') FROM (SELECT phone FROM contacts ORDER BY id)")" \
    "+4915123456789 +491701234567 +491609876543" "the numbers are stored in E.164"

done_testing
