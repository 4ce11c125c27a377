#!/bin/bash
# The spaces and tabs around an unquoted CSV field are part of the file:
# the value checked and stored is trimmed, but the cells a rejected row
# keeps in the journal, and the CSV of rejected rows gives back, are the
# file's bytes.
. "$(dirname "$0")/lib.sh"

printf 'First Name,Email,Notes\n  Ann ,ann@example.com,\tnote \n Bob\t,not-an-email,  x  \n' >in.csv
run_sluice import in.csv --db my.db
assert_exit 1 "one row imported, one rejected"
assert_eq "$(sq my.db "SELECT '[' || first_name || '][' || notes || ']' FROM contacts")" "[Ann][note]" \
	"the values stored are trimmed"
assert_eq "$(sq my.db "SELECT json_extract(cells, '\$[0]') || '|' || json_extract(cells, '\$[2]') FROM sluice_import_rejects WHERE row_no = 2" | od -c | head -2)" \
	"$(printf ' Bob\t|  x  \n' | od -c | head -2)" "the rejected row's cells keep their spaces and tab"

run_sluice report 1 --db my.db --csv-rejects rejected.csv
assert_exit 0 "the rejected rows are exported"
assert_eq "$(python3 -c '
import csv, sys
rows = list(csv.reader(open("rejected.csv", encoding="utf-8-sig", newline="")))
print(repr(rows[1][:3]))')" "[' Bob\\t', 'not-an-email', '  x  ']" "the CSV gives the cells back as the file had them"

done_testing
