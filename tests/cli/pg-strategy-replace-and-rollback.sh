#!/bin/bash
# --strategy replace against PostgreSQL, as with SQLite: a dry run counts,
# the replace deletes exactly the records the file lacks (journaled with
# their before-images, counted as deleted), export gives the records it
# wrote, a crash between two batches of deletions is resumed exactly, and
# rollback brings them back.
. "$(dirname "$0")/lib.sh"
. "$top_srcdir/tests/cli/pg-lib.sh"

pg_start
url=$(pg_db replace)
crash=$(pg_db crash)

{
	echo "First Name,Email"
	for i in $(seq 1 100); do echo "Person$i,p$i@example.com"; done
} >all.csv
{
	echo "First Name,Email"
	for i in $(seq 1 100); do [ $((i % 10)) = 3 ] || echo "New$i,p$i@example.com"; done
} >fewer.csv
dropped="'p3@example.com','p13@example.com','p23@example.com','p33@example.com','p43@example.com','p53@example.com','p63@example.com','p73@example.com','p83@example.com','p93@example.com'"
dump="SELECT id, first_name, email, imported_from FROM contacts ORDER BY id"

run_sluice import all.csv --db "$url"
assert_exit 0 "the first file is imported"
before=$(pq "$url" "$dump")

run_sluice import fewer.csv --db "$url" --strategy replace </dev/null
assert_exit 2 "without --yes and no terminal: refused"
run_sluice import fewer.csv --db "$url" --strategy replace --dry-run --json
assert_exit 0 "a dry run of the replace"
assert_eq "$(json .deleted)" 10 "the dry run counts the 10 records that would be deleted"
assert_eq "$(pq "$url" "$dump")" "$before" "the dry run changed nothing"

run_sluice import fewer.csv --db "$url" --strategy replace --yes --batch-size 4 --json
assert_exit 0 "the replace completes"
id=$(json .id)
assert_eq "$(json '[.status, .updated, .deleted] | map(tostring) | join(" ")')" "completed 90 10" \
	"90 rows updated, 10 records deleted"
assert_eq "$(pq "$url" "SELECT count(*) FROM contacts WHERE email IN ($dropped)")" 0 "exactly the 10 records the file lacks are gone"
assert_eq "$(pq "$url" 'SELECT count(*) FROM contacts')" 90 "90 are left"
assert_eq "$(pq "$url" "SELECT deleted FROM sluice_imports WHERE id = $id")" 10 "the journal counts them"
assert_eq "$(pq "$url" "SELECT count(*) FROM sluice_import_changes WHERE import_id = $id AND action = 'delete'
                         AND before::json ->> 'email' IN ($dropped)")" 10 "each is journaled with its before-image"
assert_eq "$(pg_adds_up "$url" "$id")" "" "the counts add up"
run_sluice show "$id" --db "$url" --json
assert_eq "$(json .deleted)" 10 "show --json says deleted"
run_sluice export "$id" --db "$url" --csv export.csv
assert_exit 0 "export of the replace from PostgreSQL"
assert_eq "$(tail -n +2 export.csv | tr -d '\r' | cut -d, -f2,3 | sort -u | cut -d, -f1 | sort | uniq -c | awk '{ print $2, $1 }')" \
	"updated 90" "it holds the 90 records updated"
assert_eq "$(tail -n +2 export.csv | tr -d '\r' | cut -d, -f1,3 | sort -n | tr ',' '|')" \
	"$(pq "$url" "SELECT id || '|' || first_name FROM contacts ORDER BY id")" "with the values stored"
run_sluice rollback "$id" --db "$url" --json
assert_exit 0 "rollback of the replace"
assert_eq "$(json .recreated)" 10 "it puts the 10 back"
assert_eq "$(pq "$url" "$dump")" "$before" "after rollback the table is as before the replace, ids included"

run_sluice import all.csv --db "$crash"
(SLUICE_TEST_CRASH_AFTER_COMMITS=24 "$SLUICE" import fewer.csv --db "$crash" --strategy replace --yes \
	--batch-size 4; true) >/dev/null 2>&1
assert_eq "$(pq "$crash" 'SELECT count(*) FROM contacts')" 96 "killed after the first batch of deletions: 4 deleted"
run_sluice resume 2 --db "$crash" --json
assert_exit 0 "resume finishes the deletions"
assert_eq "$(json '[.status, .deleted] | map(tostring) | join(" ")')" "completed 10" "10 deleted in all"
assert_eq "$(pq "$crash" "SELECT count(*) FROM contacts WHERE email IN ($dropped)")" 0 "exactly the 10 are gone"
assert_eq "$(pq "$crash" "SELECT count(*) FROM sluice_import_changes WHERE import_id = 2 AND action = 'delete'")" 10 \
	"each journaled once"

done_testing
