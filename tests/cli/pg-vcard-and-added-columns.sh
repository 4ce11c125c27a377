#!/bin/bash
# A vCard file imported into PostgreSQL gives the same table as in SQLite,
# and a table made before the schema had some optional fields gets their
# columns (ALTER TABLE … ADD COLUMN), named in the summary; a missing
# column of a match key is never made up.
. "$(dirname "$0")/lib.sh"
. "$top_srcdir/tests/cli/pg-lib.sh"

pg_start
data="$top_srcdir/tests/data/vcard"
cols="first_name, middle_name, last_name, email, other_emails, phone, other_phones, company, department, job_title, birthday, country, tags, notes"

url=$(pg_db cards)
run_sluice import "$data/icloud.vcf" --db "$url" --json
assert_exit 1 "the iCloud vCard file imports into PostgreSQL, its broken card rejected"
run_sluice import "$data/icloud.vcf" --db cards.db --json
assert_eq "$(pq "$url" "SELECT $cols FROM contacts ORDER BY id")" "$(sq cards.db "SELECT $cols FROM contacts ORDER BY id")" \
	"the table is the same as in SQLite, value for value"

url=$(pg_db old)
pq "$url" "CREATE TABLE contacts (id bigserial PRIMARY KEY, first_name text, last_name text, email text, phone text, company text, job_title text, birthday date, country text, tags text, status text, notes text, imported_from bigint)" >/dev/null
run_sluice import "$data/android.vcf" --db "$url"
assert_exit 0 "a table made before the newer fields takes the file"
assert_match "$(cat "$T/out")" "Added to the table contacts, made before schema contacts had these fields: middle_name, other_emails, other_phones, department\\." \
	"the summary names the columns added"
assert_eq "$(pq "$url" "SELECT other_phones FROM contacts ORDER BY id LIMIT 1")" "+49301234567" "the added columns hold the values"

url=$(pg_db nokey)
pq "$url" "CREATE TABLE contacts (id bigserial PRIMARY KEY, first_name text, last_name text, email text, imported_from bigint)" >/dev/null
run_sluice import "$data/android.vcf" --db "$url"
assert_exit 2 "a table without the phone column is refused"
assert_match "$(cat "$T/err")" "has no column phone" "the message names the match key's column"
assert_eq "$(pq "$url" "SELECT count(*) FROM information_schema.columns WHERE table_name = 'contacts'")" 5 \
	"and the table is left as it was"

done_testing
