#!/bin/bash
# Two columns with the same header (compared as headers are matched:
# case, spaces and punctuation aside) never lose one of them unseen: sluice
# import refuses as a usage error (exit 2, nothing written), naming both
# columns and how --map says which feeds the field, unless --map does; the
# second is named as the JSON report names it, "Header (column N)".
. "$(dirname "$0")/lib.sh"

printf 'First Name,Phone,phone ,Email\nAnn,212-736-5000,415-234-5678,ann@example.com\n' >dup.csv

run_sluice import dup.csv --db refused.db
assert_exit 2 "two columns headed Phone: refused, exit code 2"
assert_match "$(cat "$T/err")" 'The columns "Phone" \(column 2\) and "phone" \(column 3\) have the same header, which matches the field phone' \
	"the message names both columns and the field"
assert_match "$(cat "$T/err")" "--map 'phone=phone'" "and says how --map chooses"
[ ! -e refused.db ] && pass "nothing is written" || fail "nothing is written" "$(ls -l refused.db)"

run_sluice import dup.csv --db other.db --map 'phone =other_phones' --json
assert_exit 0 "--map gives the second column another field"
assert_eq "$(sq other.db 'SELECT phone || " " || other_phones FROM contacts')" "+12127365000 +14152345678" \
	"both numbers are kept"

run_sluice import dup.csv --db second.db --map 'phone =phone' --json
assert_exit 0 "--map gives the field to the second column"
assert_eq "$(sq second.db 'SELECT phone FROM contacts')" "+14152345678" "the second column feeds phone"
assert_eq "$(json '.mapping_sources.Phone')" option "the first is left out by choice"

run_sluice import dup.csv --db out.db --map 'phone =-' --json
assert_exit 0 "--map leaves the second column out"
assert_eq "$(sq out.db 'SELECT phone FROM contacts')" "+12127365000" "the first column feeds phone"

# Exactly the same header twice: named as the JSON report names it.
printf 'First Name,Phone,Phone,Email\nAnn,212-736-5000,415-234-5678,ann@example.com\n' >same.csv
run_sluice import same.csv --db same-refused.db
assert_exit 2 "two columns headed exactly Phone: refused"
assert_match "$(cat "$T/err")" "--map 'Phone \(column 3\)=phone'" "the second is named Phone (column 3)"
run_sluice import same.csv --db same.db --map 'Phone (column 3)=other_phones' --json
assert_exit 0 "--map 'Phone (column 3)=other_phones' imports"
assert_eq "$(json '.mapping["Phone (column 3)"]')" other_phones "the JSON report names the column so too"
assert_eq "$(sq same.db 'SELECT other_phones FROM contacts')" "+14152345678" "its value is kept"
run_sluice import same.csv --db same.db --map 'Phone (column 9)=-'
assert_exit 2 "a column number the file does not have is a usage error"

done_testing
