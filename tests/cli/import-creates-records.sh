#!/bin/bash
# Importing a contacts file into an empty database creates the table and one
# record per row, with values normalized as the contract says: phones E.164,
# emails lower-case, dates YYYY-MM-DD, empty cells NULL, imported_from set.
. "$(dirname "$0")/lib.sh"

cat >contacts.csv <<'CSV'
First Name,Last Name,E-mail Address,Mobile Phone,Company,Job Title,Birthday,Categories
José,García,Jose.Garcia@Example.COM,+1 (201) 555-0123,Acme Corp,Sales Manager,3/7/1985,VIP;Customer
Zoë,Müller,zoe@example.de,(212) 736-5000,,,,
太郎,山田,taro.yamada@example.jp,415.234.5678,"Umbrella, Inc.",CEO,1990-12-24,
CSV

run_sluice import contacts.csv --db my.db
assert_exit 0 "a clean file imports with exit code 0"
ok "the contacts table is created" table_exists my.db contacts
assert_eq "$(sq my.db 'SELECT count(*) FROM contacts')" 3 "one record per row"

assert_eq "$(sq my.db "SELECT first_name, last_name, email, phone, company, job_title, birthday, tags
                       FROM contacts WHERE phone = '+12015550123'")" \
	"José|García|jose.garcia@example.com|+12015550123|Acme Corp|Sales Manager|1985-03-07|VIP;Customer" \
	"values are stored normalized: email lower-case, phone E.164, 3/7/1985 as 1985-03-07"
assert_eq "$(sq my.db "SELECT phone FROM contacts WHERE email = 'zoe@example.de'")" "+12127365000" \
	"(212) 736-5000 is stored as +12127365000"
assert_eq "$(sq my.db "SELECT count(*) FROM contacts WHERE email = 'zoe@example.de'
                       AND company IS NULL AND job_title IS NULL AND birthday IS NULL AND tags IS NULL")" 1 \
	"empty cells are stored as NULL"
assert_eq "$(sq my.db "SELECT first_name || ' ' || last_name || ' / ' || company || ' / ' || birthday
                       FROM contacts WHERE phone = '+14152345678'")" \
	"太郎 山田 / Umbrella, Inc. / 1990-12-24" "CJK names and a quoted comma survive intact"

id=$(last_import_id my.db)
assert_eq "$(sq my.db "SELECT count(*) FROM contacts WHERE imported_from = $id")" 3 \
	"every record carries imported_from = the import's id"
assert_eq "$(sq my.db "SELECT status, total, created, rejected FROM sluice_imports WHERE id = $id")" \
	"completed|3|3|0" "the journal records a completed import of 3 created rows"
assert_eq "$(sq my.db "SELECT count(*) FROM sluice_import_errors WHERE import_id = $id")" 0 \
	"a clean import journals no errors"
assert_eq "$(sq my.db "SELECT group_concat(col, ' ') FROM (
                         SELECT ii.name AS col FROM pragma_index_list('contacts') il
                         JOIN pragma_index_info(il.name) ii
                         WHERE il.\"unique\" = 1 AND ii.name IN ('phone', 'email') ORDER BY ii.name)")" \
	"email phone" "the match keys phone and email have unique indexes"
journal_consistent my.db "$id" "the journal tells one story about the import"

# A larger realistic export: every row a new contact.
gen_contacts --rows 500 --seed 11 --style google --out google.csv --manifest google.json
run_sluice import google.csv --db gen.db
assert_exit 0 "a generated Google Contacts export imports with exit code 0"
assert_eq "$(sq gen.db 'SELECT count(*) FROM contacts')" "$(jq .unique_records google.json)" \
	"500 distinct contacts make 500 records"
assert_eq "$(import_counts gen.db "$(last_import_id gen.db)")" "$(manifest_counts google.json update)" \
	"the journal's counts are the generator's"
assert_eq "$(sq gen.db "SELECT count(*) FROM contacts WHERE phone NOT GLOB '+1[2-9][0-9][0-9][2-9][0-9][0-9][0-9][0-9][0-9][0-9]'")" 0 \
	"every stored phone is in E.164 form"
assert_eq "$(sq gen.db "SELECT count(*) FROM contacts WHERE email != lower(email)")" 0 \
	"every stored email is lower-case"
invariant_holds gen.db "the import's counts add up"

done_testing
