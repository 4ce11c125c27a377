#!/bin/bash
# sluice report refuses what it cannot do with exit code 2 and a sentence
# saying what to do: a missing or malformed import id, an unknown import, a
# missing database, no output named, and an output it cannot write (the
# message names the path, escaped for the terminal; a full disk included),
# and never removes what is not its own.
. "$(dirname "$0")/report-lib.sh"

gen_contacts --rows 30 --seed 99 --invalid-rate 0.2 --out contacts.csv
run_sluice import contacts.csv --db my.db
id=$(last_import_id my.db)

run_sluice report
assert_exit 2 "no import id: exit code 2"
assert_match "$(cat err)" "name the import" "it asks for the import"
run_sluice report "$id"
assert_exit 2 "no --db: exit code 2"
assert_match "$(cat err)" "--db PATH" "it asks for the database"
run_sluice report "$id" --db my.db
assert_exit 2 "no output named: exit code 2"
assert_match "$(cat err)" "--xlsx FILE, --pdf FILE, --csv-rejects FILE, --csv-summary FILE or --json" "it names the outputs"
for bad in abc 0 -3 1x; do
	run_sluice report --db my.db --json -- "$bad"
	assert_exit 2 "\"$bad\" is not an import id: exit code 2"
done
assert_match "$(cat err)" '"1x" is not an import id; sluice history lists them' "it says where the ids are"
run_sluice report "$id" --db my.db --frobnicate
assert_exit 2 "an unknown option: exit code 2"
run_sluice report "$id" --db my.db --xlsx -
assert_exit 2 "a workbook cannot go to standard output: exit code 2"
run_sluice report "$id" --db my.db --json --csv-rejects -
assert_exit 2 "two outputs on standard output: exit code 2"

run_sluice report 99 --db my.db --xlsx r99.xlsx --csv-rejects r99.csv --json
assert_exit 2 "an unknown import: exit code 2"
assert_match "$(cat err)" "There is no import 99 in my\.db; sluice history lists them\." "it says there is no such import"
assert_eq "$(ls r99.* 2>/dev/null | wc -l)" "0" "and writes nothing"
assert_eq "$(json '.status + " " + .error.kind')" "refused report" "but the refusal, as --json asks, on standard output"
run_sluice report 1 --db missing.db --xlsx r.xlsx
assert_exit 2 "a missing database: exit code 2"
assert_match "$(cat err)" "There is no database missing\.db" "it says the database is missing"
assert_eq "$(ls missing.db 2>/dev/null | wc -l)" 0 "and does not create it"
sqlite3 empty.db "CREATE TABLE t (x)"
run_sluice report 1 --db empty.db --json
assert_exit 2 "a database no import used: exit code 2"
assert_match "$(cat err)" "There is no import 1 in empty\.db" "it says there is no such import"

for opt in --xlsx --csv-rejects; do
	run_sluice report "$id" --db my.db $opt no/such/dir/report.out
	assert_exit 2 "$opt into a missing directory: exit code 2"
	assert_match "$(cat err)" "^sluice report: Cannot write the report to no/such/dir/report\.out: No such file or directory\. Give a path" \
		"$opt: the message names the path and what to do"
	mkdir -p adir
	run_sluice report "$id" --db my.db $opt adir
	assert_exit 2 "$opt onto a directory: exit code 2"
	assert_match "$(cat err)" "Cannot write the report to adir: it is a directory" "$opt: it says the path is a directory"
done
run_sluice report "$id" --db my.db --xlsx "$(printf 'bad\033[2Jdir')/r.xlsx"
assert_exit 2 "a path with control characters: exit code 2"
assert_match "$(cat err)" 'bad\\x1b\[2Jdir/r\.xlsx' "the path is shown escaped, not sent to the terminal"
if [ "$(id -u)" -ne 0 ]; then
	mkdir ro && chmod 555 ro
	run_sluice report "$id" --db my.db --xlsx ro/report.xlsx
	assert_exit 2 "a directory that cannot be written: exit code 2"
	assert_match "$(cat err)" "ro/report\.xlsx: Permission denied" "it says permission is denied"
	chmod 755 ro
else
	skip "a directory that cannot be written: exit code 2" "root writes anywhere"
	skip "it says permission is denied" "root writes anywhere"
fi

# A disk that fills: /dev/full refuses every write.
if [ -c /dev/full ]; then
	for opt in --xlsx --csv-rejects; do
		run_sluice report "$id" --db my.db $opt /dev/full
		assert_exit 2 "$opt on a full disk: exit code 2"
		assert_match "$(cat err)" "sluice report: Cannot write the report to /dev/full: No space left on device\. Give a path" \
			"$opt: the message names the path and the reason"
		ok "$opt: /dev/full is left alone" test -c /dev/full
	done
else
	skip "a full disk" "no /dev/full here"
fi

# An existing report is replaced with --force (tests/cli/report-never-destroys.sh
# has the rest).
echo old >r.csv
run_sluice report "$id" --db my.db --csv-rejects r.csv --force
assert_exit 0 "an existing file is replaced: exit code 0"
assert_eq "$(head -c 3 r.csv | od -An -tx1 | tr -d ' ')" efbbbf "with the new report"

done_testing
