#!/bin/bash
# With --invalid-values reject-row, a row with a value that fails
# validation is rejected, and each fault is named — row, physical line,
# field, the value as read, a message — in sluice_import_errors and in the
# --json report. Good rows still import. (values-dropped.sh: without it,
# optional fields drop a bad value and keep the row.)
. "$(dirname "$0")/lib.sh"

long=$(printf 'x%.0s' $(seq 101))
# Row 1 spans lines 2-3 (a quoted newline), so row n starts on line n + 2.
cat >contacts.csv <<CSV
First Name,Last Name,E-mail Address,Mobile Phone,Birthday,Status,Notes
Good,One,good1@x.com,201-555-0123,1985-03-07,Lead,"two
lines"
Bad,Email,john@,212-736-5000,,,
Bad,Phone,phone@x.com,12345,,,
Bad,Date,date@x.com,415-234-5678,2024-02-30,,
No,Keys,,,1980-01-01,,no phone and no email
Two,Faults,two@,617-253-1000,2023-13-01,,
Bad,Status,status@x.com,650-253-0000,,vip,
$long,Long,long@x.com,312-444-5566,,,
Good,Two,good2@x.com,718-222-3344,,customer,
CSV

run_sluice import contacts.csv --db my.db --json --invalid-values reject-row
id=$(last_import_id my.db)
assert_exit 1 "rejected rows make exit code 1"
assert_eq "$(json_counts)" "9 2 0 0 0 0 7 0 0" "2 rows created, 7 rejected"
assert_eq "$(json .status)" completed_with_errors "the status is completed_with_errors"

want="2|4|email|validation|john@
3|5|phone|validation|12345
4|6|birthday|validation|2024-02-30
6|8|birthday|validation|2023-13-01
6|8|email|validation|two@
7|9|status|validation|vip
8|10|first_name|validation|$long"
assert_eq "$(sq my.db "SELECT row_no, line_no, field, type, value FROM sluice_import_errors
                       WHERE import_id = $id AND row_no != 5 ORDER BY row_no, field")" "$want" \
	"each bad value is journaled with its row, line, field and value; a row with two faults has two errors"
assert_eq "$(sq my.db "SELECT row_no, line_no, type FROM sluice_import_errors WHERE import_id = $id AND row_no = 5")" \
	"5|7|validation" "a row with neither phone nor email is rejected with one validation error"
assert_eq "$(sq my.db "SELECT count(*) FROM sluice_import_errors WHERE import_id = $id AND coalesce(message, '') = ''")" 0 \
	"every error has a message"
assert_eq "$(json '.errors | map(select(.row != 5)) | sort_by(.row, .field)
                  | map("\(.row)|\(.line)|\(.field)|\(.type)|\(.value)") | join("\n")')" "$want" \
	"the --json report lists the same errors"
assert_eq "$(json '.errors | map(select((.message // "") == "")) | length')" 0 "the report's errors have messages"
assert_eq "$(json '.errors_by_field | [.email, .phone, .birthday, .status, .first_name] | map(tostring) | join(" ")')" \
	"2 1 2 1 1" "errors_by_field counts email 2, phone 1, birthday 2, status 1, first_name 1"
assert_eq "$(json .errors_by_type.validation)" 8 "errors_by_type counts 8 validation errors"

assert_eq "$(sq my.db "SELECT json_extract(cells, '\$[2]') || ' ' || line_no FROM sluice_import_rejects
                       WHERE import_id = $id AND row_no = 2")" "john@ 4" \
	"a rejected row's original cells are kept"
assert_eq "$(sq my.db "SELECT email || ' ' || status FROM contacts ORDER BY email")" \
	"good1@x.com lead
good2@x.com customer" "only the good rows are stored, enum values in canonical case"
assert_eq "$(sq my.db "SELECT notes = 'two' || char(10) || 'lines' FROM contacts WHERE email = 'good1@x.com'")" 1 \
	"a quoted newline is kept in the value"
journal_consistent my.db "$id" "the journal tells one story about the import"
invariant_holds my.db "the import's counts add up"

# The generator's faults, counted by field.
gen_contacts --rows 400 --seed 41 --invalid-rate 0.2 --out gen.csv --manifest gen.json
run_sluice import gen.csv --db gen.db --json --invalid-values reject-row
assert_eq "$(json .rejected)" "$(jq .invalid_rows gen.json)" "every generated fault is rejected"
for field in email phone birthday; do
	assert_eq "$(json ".errors_by_field.$field // 0")" "$(jq ".invalid_by_field.$field // 0" gen.json)" \
		"generated $field faults are counted under $field"
done
gid=$(last_import_id gen.db)
assert_eq "$(sq gen.db "SELECT count(*) FROM sluice_import_errors WHERE import_id = $gid")" \
	"$(jq .invalid_rows gen.json)" "one error per generated invalid row"
bad=$(jq -r '.invalid_samples[] | select(.field != "(row)") | "\(.row)|\(.line)|\(.field)|\(.value)"' gen.json | sort)
got=$(sq gen.db "SELECT row_no, line_no, field, value FROM sluice_import_errors WHERE import_id = $gid
                 AND row_no IN ($(jq -r '[.invalid_samples[] | select(.field != "(row)") | .row] | join(",")' gen.json))" | sort)
assert_eq "$got" "$bad" "generated faults are journaled at the generator's row and line, with the value"

done_testing
