#!/bin/bash
# A row with fewer or more cells than the header cannot be read as a record:
# it is rejected with a row-level error naming its row and line, its cells
# are kept, and the rows around it import.
. "$(dirname "$0")/lib.sh"

cat >contacts.csv <<'CSV'
First Name,Last Name,E-mail Address,Mobile Phone,Company
Ann,Lee,ann@x.com,212-736-5000,Acme
Bob,Ray,bob@x.com,617-253-1000
Cid,Roe,cid@x.com,718-222-3344,Globex
Dan,Fox,dan@x.com,415-234-5678,Initech,surplus,cells
Eve,Kim,eve@x.com,650-253-0000,Hooli
CSV

run_sluice import contacts.csv --db my.db --json
id=$(last_import_id my.db)
assert_exit 1 "rows with the wrong number of cells make exit code 1"
assert_eq "$(json_counts)" "5 3 0 0 0 0 2 0 0" "the short and the long row are rejected, the others created"
assert_eq "$(sq my.db "SELECT group_concat(first_name, ',') FROM (SELECT first_name FROM contacts ORDER BY first_name)")" \
	"Ann,Cid,Eve" "the rows around them are stored"
assert_eq "$(sq my.db "SELECT group_concat(row_no || ':' || line_no, ' ') FROM
                       (SELECT DISTINCT row_no, line_no FROM sluice_import_errors WHERE import_id = $id ORDER BY row_no)")" \
	"2:3 4:5" "errors name row 2 (line 3) and row 4 (line 5)"
assert_eq "$(sq my.db "SELECT count(*) FROM sluice_import_errors WHERE import_id = $id AND field IS NOT NULL AND field != '(row)'")" 0 \
	"the errors belong to the row, not to a field"
assert_eq "$(json '.errors_by_field["(row)"]')" 2 "the report counts them under \"(row)\""
assert_eq "$(sq my.db "SELECT count(*) FROM sluice_import_errors WHERE import_id = $id AND coalesce(message, '') = ''")" 0 \
	"each error has a message"
assert_eq "$(sq my.db "SELECT json_array_length(cells) FROM sluice_import_rejects WHERE import_id = $id ORDER BY row_no")" \
	"4
7" "the rejected rows' cells are kept as read"
journal_consistent my.db "$id" "the journal tells one story about the import"
invariant_holds my.db "the import's counts add up"

done_testing
