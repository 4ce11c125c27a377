#!/bin/bash
# sluice import maps columns as the wizard does: synonyms, likely matches
# and a mapping remembered for the same header row (which wins over the
# suggestion); --map wins over all. The summary and --json say how each
# column was mapped and name every column left out; --strict-mapping
# refuses what is left to chance; two columns on one field are refused,
# naming both; a refusal with --json is one JSON object too.
. "$(dirname "$0")/lib.sh"

cat >google.csv <<'CSV'
First Name,Last Name,Organisation Name,Organisation Position,E-mail 1 - Value,Phone 1 - Value,Favourite Colour
Anna,Berg,Acme,CEO,anna@example.com,+44 20 7946 0018,blue
Ben,Ortiz,Initech,Engineer,ben@example.com,+44 20 7946 0019,green
CSV

run_sluice import google.csv --db g.db --json --progress none
assert_exit 0 "a Google-style export imports"
assert_eq "$(sq g.db "SELECT first_name, last_name, company, job_title FROM contacts ORDER BY id")" \
	"Anna|Berg|Acme|CEO
Ben|Ortiz|Initech|Engineer" "first name, last name, company and job title are stored"
assert_eq "$(json '.mapping["Organisation Name"] + " " + .mapping_sources["Organisation Name"]')" \
	"company likely" "Organisation Name maps to company as a likely match"
assert_eq "$(json '.mapping_sources["E-mail 1 - Value"]')" synonym "the email column maps by synonym"
assert_eq "$(json '.unmapped_columns | join(",")')" "Favourite Colour" \
	"the column no rule maps is in unmapped_columns"
assert_eq "$(json '.mapping["Favourite Colour"]')" null "and maps to null"
assert_eq "$(sq g.db "SELECT json_extract(mapping, '\$[2].source') FROM sluice_imports WHERE id = 1")" \
	likely "the journal keeps how each column was mapped"

run_sluice import google.csv --db text.db --progress none
assert_match "$(cat out)" 'Organisation Name +→ company \(likely\)' "the summary says how a column was mapped"
assert_match "$(cat out)" 'Left out: "Favourite Colour"' "the summary names the column left out"

cat >contact.csv <<'CSV'
Contact First Name,Contact Last Name,Email
Cleo,Dunn,cleo@example.com
CSV
run_sluice import contact.csv --db c.db --progress none
assert_eq "$(sq c.db "SELECT first_name || ' ' || last_name FROM contacts")" "Cleo Dunn" \
	"Contact First Name and Contact Last Name are likely the names"

# --strict-mapping: a column left out by no rule or only likely is refused.
run_sluice import google.csv --db strict.db --strict-mapping --json --progress none
assert_exit 2 "--strict-mapping refuses a column left out and likely ones: exit code 2"
ok "and nothing is written" test ! -e strict.db
assert_eq "$(json '.status + " " + .error.kind')" "refused mapping" "the JSON says refused, of kind mapping"
assert_eq "$(json '.error.columns_left_out | join(",")')" "Favourite Colour" "it names the column left out"
assert_eq "$(json '[.error.columns_likely[].column] | join(",")')" \
	"Organisation Name,Organisation Position" "and the columns only likely"
assert_match "$(cat err)" 'Favourite Colour' "stderr names the column too"
run_sluice import google.csv --db strict.db --strict-mapping --progress none \
	--map 'Organisation Name=company,Organisation Position=job_title,Favourite Colour=-'
assert_exit 0 "with every column chosen, --strict-mapping imports"

# A mapping chosen once (--map here, or in the wizard) is remembered for the
# same header row: the next import without --map uses it.
cat >odd.csv <<'CSV'
Who,Digits,Contact,Employer
Ann,212-736-5000,ann@x.com,Acme
CSV
run_sluice import odd.csv --db r.db --progress none --map 'Who=first_name,Digits=phone,Contact=email,Employer=company'
assert_exit 0 "an odd file imports with --map"
cat >odd2.csv <<'CSV'
WHO,digits,Contact,Employer
Bob,617-253-1000,bob@x.com,Initech
CSV
run_sluice import odd2.csv --db r.db --json --progress none
assert_exit 0 "a file with the same header row imports without --map"
assert_eq "$(sq r.db "SELECT first_name, phone, company FROM contacts WHERE email = 'bob@x.com'")" \
	"Bob|+16172531000|Initech" "the remembered mapping is used"
assert_eq "$(json '.mapping_sources.digits')" remembered "the report says remembered"
run_sluice import odd2.csv --db r.db --json --progress none --map 'Employer=-'
assert_eq "$(json '.mapping_sources.Employer + " " + (.mapping.Employer | tostring)')" "option null" \
	"--map wins over the remembered mapping"
assert_eq "$(json '.mapping_sources.WHO')" remembered "and the rest stays remembered"

# --map taking the field of a suggested column overrides it: the column it
# leaves out is named, left out by --map.
run_sluice import google.csv --db take.db --json --progress none --map 'Favourite Colour=company'
assert_exit 0 "--map may take a field from a suggested column"
assert_eq "$(sq take.db "SELECT company FROM contacts ORDER BY id LIMIT 1")" blue "the field comes from the column --map names"
assert_eq "$(json '.unmapped_columns | join(",")')" "Organisation Name" "the column that lost it is named as left out"
assert_eq "$(json '.mapping_sources["Organisation Name"]')" option "left out by --map"

# Two columns mapped to one field: refused, naming both.
run_sluice import google.csv --db two.db --json --progress none \
	--map 'E-mail 1 - Value=email,Favourite Colour=email'
assert_exit 2 "two columns on one field: exit code 2"
ok "and nothing is written" test ! -e two.db
assert_match "$(json .error.message)" '"E-mail 1 - Value".*"Favourite Colour"' "the message names both columns"
assert_match "$(cat err)" 'Favourite Colour' "stderr too"

# An unmappable file with --json: exit 2 and one JSON object.
cat >nothing.csv <<'CSV'
Colour,Size
blue,M
CSV
run_sluice import nothing.csv --db none.db --json --progress none
assert_exit 2 "an unmappable file: exit code 2"
ok "one JSON object with an error kind" jq -e '.error.kind == "mapping" and .status == "refused"' out
assert_eq "$(json '.error.headers | join(",")')" "Colour,Size" "it lists the headers found"
assert_eq "$(json '.error.match_key_missing | sort | join(",")')" "email,phone" "and the match keys missing"
assert_eq "$(json .error.file)" nothing.csv "and names the file"
ok "nothing is written" test ! -e none.db

# Other refusals with --json are JSON too.
run_sluice import missing.csv --db none.db --json --progress none
assert_exit 2 "a missing file: exit code 2"
assert_eq "$(json .error.kind)" file "of kind file"
run_sluice import google.csv --json --progress none
assert_exit 2 "no --db: exit code 2"
assert_eq "$(json '.status + " " + .error.kind')" "refused usage" "of kind usage"
assert_match "$(json .error.message)" '--db' "naming what is missing"
run_sluice import google.csv --db g.db --strategy sideways --json
assert_exit 2 "a bad option value: exit code 2"
ok "is one JSON object too" jq -e '.error.kind == "usage"' out
run_sluice resume 99 --db g.db --json
assert_exit 2 "resuming an import that is not there: exit code 2"
assert_eq "$(json '.error.kind')" resume "of kind resume"
run_sluice show 99 --db g.db --json
assert_exit 2 "show of an import that is not there: exit code 2"
ok "is one JSON object" jq -e '.status == "refused" and (.error.message | length > 0)' out
run_sluice history --db nowhere.db --json
assert_exit 2 "history of a database that is not there: exit code 2"
ok "is one JSON object" jq -e '.error.kind' out
run_sluice report 99 --db g.db --json
assert_exit 2 "report of an import that is not there: exit code 2"
ok "is one JSON object" jq -e '.error.kind' out
run_sluice inspect missing.csv --json
assert_exit 2 "inspect of a missing file: exit code 2"
assert_eq "$(json .error.kind)" file "is one JSON object of kind file"
run_sluice rollback 99 --db g.db --json
assert_exit 2 "rollback of an import that is not there: exit code 2"
ok "is one JSON object" jq -e '.status == "refused" and (.error.message | test("99"))' out

done_testing
