#!/bin/bash
# A value's own leading apostrophe is kept on import ('=literal stays
# '=literal). The CSV of rejected rows gives a value a spreadsheet would
# run a leading ' and doubles one that has its own, and importing that
# file again (known by its last column, error) takes one off: every value
# comes back exactly as the first file had it.
. "$(dirname "$0")/lib.sh"

cat >in.csv <<'CSV'
First Name,Email,Company,Notes
'tis,ann@example.com,=SUM(A1),'=literal
'tis,not-an-email,=SUM(A1),'=literal
CSV

run_sluice import in.csv --db my.db --json
assert_exit 1 "one row is imported, one rejected"
assert_eq "$(sq my.db "SELECT first_name || '|' || company || '|' || notes FROM contacts")" \
	"'tis|=SUM(A1)|'=literal" "the values are kept as written, apostrophes included"

run_sluice report 1 --db my.db --csv-rejects rejected.csv
assert_exit 0 "the rejected row is exported"
line=$(sed -n 2p rejected.csv | tr -d '\r')
assert_match "$line" "^''tis,not-an-email,'=SUM\(A1\),''=literal," \
	"a formula gets a leading ', a value's own ' is doubled"

# Corrected and imported again: the values are the first file's.
sed -i 's/not-an-email/bob@example.com/' rejected.csv
run_sluice import rejected.csv --db my.db --json
assert_exit 0 "the corrected rejected rows import"
assert_eq "$(sq my.db "SELECT first_name || '|' || company || '|' || notes FROM contacts WHERE email = 'bob@example.com'")" \
	"'tis|=SUM(A1)|'=literal" "every value comes back exactly as it was"

# The same cells in a file that is not sluice's CSV of rejected rows keep
# every apostrophe.
printf "First Name,Email,Notes\n''x,cy@example.com,'=SUM(A1)\n" >other.csv
run_sluice import other.csv --db my.db
assert_eq "$(sq my.db "SELECT first_name || '|' || notes FROM contacts WHERE email = 'cy@example.com'")" \
	"''x|'=SUM(A1)" "another file's apostrophes are its values'"

done_testing
