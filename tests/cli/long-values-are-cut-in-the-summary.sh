#!/bin/bash
# The summary shows the start of a long offending value and its length, not
# the whole value; the journal keeps it whole.
. "$(dirname "$0")/lib.sh"

long=$(printf 'x%.0s' $(seq 1 5000))
printf 'First Name,E-mail Address\nAnn,%s\n' "$long" >long.csv
run_sluice import long.csv --db db
assert_exit 1 "the row is rejected"
line=$(grep 'row 1 (line 2), email' "$T/out")
assert_match "$line" '…" \(5000 bytes\)$' "the summary cuts the value and says how long it is"
ok "the summary line stays short" test "${#line}" -lt 400
assert_eq "$(sq db "SELECT length(value) FROM sluice_import_errors")" 5000 "the journal keeps the whole value"

done_testing
