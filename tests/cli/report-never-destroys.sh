#!/bin/bash
# A report never destroys what it reports on: the database (or its -wal
# and -shm files, or a link to it) and the imported file are refused as a
# report's path, exit 2, untouched; a file that exists is replaced only
# with --force, whole and at once (a link there is replaced, not written
# through); a report that cannot be written leaves what was there.
. "$(dirname "$0")/lib.sh"

cp "$top_srcdir/data/samples/contacts.csv" contacts.csv
run_sluice import contacts.csv --db crm.db
id=$(last_import_id crm.db)
dump=$(sq crm.db "SELECT * FROM contacts ORDER BY id")
source_sum=$(sha256sum <contacts.csv)

for target in crm.db crm.db-wal crm.db-shm; do
	[ -e "$target" ] || sq crm.db "PRAGMA journal_mode" >/dev/null
	[ -e "$target" ] || continue
	run_sluice report "$id" --db crm.db --xlsx "$target" --force
	assert_exit 2 "report --xlsx $target: refused"
	assert_match "$(cat "$T/err")" "That is the database itself" "report --xlsx $target: says why"
done
ln -s crm.db link.xlsx
run_sluice report "$id" --db crm.db --pdf link.xlsx --force
assert_exit 2 "a link to the database is refused too"
run_sluice report "$id" --db crm.db --csv-rejects contacts.csv --force
assert_exit 2 "the imported file is refused as the rejected rows' file"
assert_match "$(cat "$T/err")" "That is the file that was imported" "and says why"
run_sluice import contacts.csv --db crm.db --report contacts.csv --force
assert_exit 2 "import --report onto the file imported is refused before importing"
run_sluice import contacts.csv --db crm.db --report crm.db --force
assert_exit 2 "import --report onto the database is refused before importing"
assert_eq "$(sq crm.db "SELECT count(*) FROM sluice_imports")" 1 "no import was made by the refused commands"
assert_eq "$(sq crm.db "SELECT * FROM contacts ORDER BY id")" "$dump" "the database is as it was"
assert_eq "$(sha256sum <contacts.csv)" "$source_sum" "the imported file is as it was"

# A file that exists: --force, or nothing.
echo "keep me" >r.xlsx
run_sluice report "$id" --db crm.db --xlsx r.xlsx
assert_exit 2 "a report onto a file that exists is refused without --force"
assert_match "$(cat "$T/err")" "r.xlsx exists; give another file name, or add --force to replace it" "and says how"
assert_eq "$(cat r.xlsx)" "keep me" "the file is untouched"
run_sluice import contacts.csv --db crm.db --report r.xlsx
assert_exit 2 "import --report onto a file that exists is refused before importing, without --force"
run_sluice report "$id" --db crm.db --xlsx r.xlsx --force
assert_exit 0 "--force replaces it"
ok "with a workbook" unzip -l r.xlsx

# A link at the report's path is replaced, not written through.
echo "notes" >notes.txt
ln -s notes.txt report.pdf
run_sluice report "$id" --db crm.db --pdf report.pdf --force
assert_exit 0 "a link at the path is replaced"
ok "report.pdf is a file of its own now" test ! -L report.pdf
assert_eq "$(cat notes.txt)" "notes" "and what it pointed to is untouched"

# A report that fails leaves what was there, and no temporary file.
echo "old report" >old.xlsx
run_sluice report 99 --db crm.db --xlsx old.xlsx --force
assert_exit 2 "a report of an import that is not there fails"
assert_eq "$(cat old.xlsx)" "old report" "and leaves the file that was there"
assert_eq "$(ls -a | grep -c '^\.sluice-report-')" 0 "no temporary file is left behind"

done_testing
