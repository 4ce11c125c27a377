#!/bin/bash
# --map 'Header=field,…' (and --map-file) map columns the synonyms do not
# know, override a suggested mapping, and leave columns out ('Header=-').
# The mapping used is recorded with the import.
. "$(dirname "$0")/lib.sh"

cat >odd.csv <<'CSV'
Who,Digits,Contact,Employer
Ann,212-736-5000,ann@x.com,Acme
Bob,617-253-1000,bob@x.com,Initech
CSV

run_sluice import odd.csv --db unmapped.db
assert_exit 2 "headers no synonym knows, no --map: exit code 2 (no match key)"

run_sluice import odd.csv --db my.db --map 'Who=first_name,Digits=phone,Contact=email,Employer=company' --json
assert_exit 0 "with --map the file imports"
assert_eq "$(sq my.db "SELECT first_name, phone, email, company FROM contacts ORDER BY phone")" \
	"Ann|+12127365000|ann@x.com|Acme
Bob|+16172531000|bob@x.com|Initech" "each mapped column lands in its field, normalized"
assert_eq "$(json '.mapping.Digits')" phone "the report's mapping says Digits → phone"
assert_eq "$(sq my.db "SELECT json_extract(mapping, '\$') LIKE '%Digits%phone%' FROM sluice_imports WHERE id = 1")" 1 \
	"the journal keeps the mapping used"

# 'Header=-' leaves a column out.
run_sluice import odd.csv --db out.db --map 'Who=first_name,Digits=phone,Contact=email,Employer=-'
assert_exit 0 "a column can be left out"
assert_eq "$(sq out.db "SELECT count(*) FROM contacts WHERE company IS NULL")" 2 "the left-out column is not imported"

# --map overrides a suggestion: "Mobile Phone" would win, being the
# earlier synonym; "Phone" is then kept among the other phones.
cat >two-phones.csv <<'CSV'
Phone,Mobile Phone,Email
212-736-5000,415-234-5678,ann@x.com
CSV
run_sluice import two-phones.csv --db suggested.db
assert_eq "$(sq suggested.db 'SELECT phone, other_phones FROM contacts')" "+14152345678|+12127365000" \
	"without --map the mobile phone is the phone, the other kept"
run_sluice import two-phones.csv --db override.db --map 'Phone=phone,Mobile Phone=-'
assert_exit 0 "--map 'Phone=phone' imports"
assert_eq "$(sq override.db 'SELECT phone, other_phones FROM contacts')" "+12127365000|" \
	"--map moves the phone to the other column"

# --map-file: one Header=field per line, comments and blank lines ignored.
cat >odd.map <<'MAP'
# columns of the odd export
Who=first_name
Digits=phone

Contact=email
MAP
run_sluice import odd.csv --db file.db --map-file odd.map
assert_exit 0 "--map-file imports the file"
assert_eq "$(sq file.db "SELECT first_name || ' ' || phone || ' ' || email FROM contacts ORDER BY phone LIMIT 1")" \
	"Ann +12127365000 ann@x.com" "the map file's mapping is used"

# Mistakes in --map are usage errors: nothing is written.
run_sluice import odd.csv --db bad.db --map 'Digits=telephone,Contact=email'
assert_exit 2 "an unknown field in --map: exit code 2"
assert_match "$(cat err)" telephone "the message names the unknown field"
run_sluice import odd.csv --db bad.db --map 'Fax=phone,Contact=email'
assert_exit 2 "an unknown header in --map: exit code 2"
assert_match "$(cat err)" Fax "the message names the unknown header"
assert_eq "$(test -f bad.db && sq bad.db "SELECT count(*) FROM sqlite_master WHERE name IN ('contacts', 'sluice_imports')" || echo 0)" 0 \
	"a bad --map writes nothing"

# Settings files are small regular files: /dev/zero or a FIFO is refused at
# once instead of read forever (the timeout only keeps a failure short).
for opt in --schema --map-file; do
	timeout 30 "$SLUICE" import odd.csv --db bad.db $opt /dev/zero >out 2>err
	assert_eq "$?" 2 "$opt /dev/zero: refused with exit code 2"
	assert_match "$(cat err)" "/dev/zero: it is not a regular file" "$opt /dev/zero: says why"
done
mkfifo fifo
timeout 30 "$SLUICE" import odd.csv --db bad.db --schema ./fifo >out 2>err
assert_eq "$?" 2 "--schema FIFO: refused with exit code 2"
assert_match "$(cat err)" "fifo: it is not a regular file" "--schema FIFO: says why"
head -c 2000000 /dev/zero | tr '\0' '#' >huge.schema
run_sluice import odd.csv --db bad.db --schema ./huge.schema
assert_exit 2 "a schema file of 2 MB is refused"
assert_match "$(cat err)" "larger than 1024 KiB" "and says why"

done_testing
