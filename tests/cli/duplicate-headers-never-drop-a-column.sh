#!/bin/bash
# Two columns with the same header (compared as headers are matched:
# case, spaces and punctuation aside) never lose one of them unseen: sluice
# import refuses as a usage error (exit 2, nothing written), naming both
# columns and how --map says which feeds the field, unless --map does; the
# second is named as the JSON report names it, "Header (column N)".
. "$(dirname "$0")/lib.sh"

# (Two phone columns are not such a case: the second one's numbers go to
# other_phones, a list field that collects columns.)
printf 'First Name,Company,company ,Email\nAnn,Acme,Globex,ann@example.com\n' >dup.csv

run_sluice import dup.csv --db refused.db
assert_exit 2 "two columns headed Company: refused, exit code 2"
assert_match "$(cat "$T/err")" 'The columns "Company" \(column 2\) and "company" \(column 3\) have the same header, which matches the field company' \
	"the message names both columns and the field"
assert_match "$(cat "$T/err")" "--map 'company=company'" "and says how --map chooses"
[ ! -e refused.db ] && pass "nothing is written" || fail "nothing is written" "$(ls -l refused.db)"

run_sluice import dup.csv --db other.db --map 'company =notes' --json
assert_exit 0 "--map gives the second column another field"
assert_eq "$(sq other.db 'SELECT company || " " || notes FROM contacts')" "Acme Globex" \
	"both values are kept"

run_sluice import dup.csv --db second.db --map 'company =company' --json
assert_exit 0 "--map gives the field to the second column"
assert_eq "$(sq second.db 'SELECT company FROM contacts')" "Globex" "the second column feeds company"
assert_eq "$(json '.mapping_sources.Company')" option "the first is left out by choice"

run_sluice import dup.csv --db out.db --map 'company =-' --json
assert_exit 0 "--map leaves the second column out"
assert_eq "$(sq out.db 'SELECT company FROM contacts')" "Acme" "the first column feeds company"

# Exactly the same header twice: named as the JSON report names it.
printf 'First Name,Company,Company,Email\nAnn,Acme,Globex,ann@example.com\n' >same.csv
run_sluice import same.csv --db same-refused.db
assert_exit 2 "two columns headed exactly Company: refused"
assert_match "$(cat "$T/err")" "--map 'Company \(column 3\)=company'" "the second is named Company (column 3)"
run_sluice import same.csv --db same.db --map 'Company (column 3)=notes' --json
assert_exit 0 "--map 'Company (column 3)=notes' imports"
assert_eq "$(json '.mapping["Company (column 3)"]')" notes "the JSON report names the column so too"
assert_eq "$(sq same.db 'SELECT notes FROM contacts')" "Globex" "its value is kept"
run_sluice import same.csv --db same.db --map 'Company (column 9)=-'
assert_exit 2 "a column number the file does not have is a usage error"

done_testing
