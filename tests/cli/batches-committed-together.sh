#!/bin/bash
# With the default batch size, sluice writes up to twenty batches in one
# SQLite transaction (at most three seconds apart; each batch's rows spilled
# to a temporary file once written, not kept; three here, with the test hook
# SLUICE_TEST_GROUP_CAP, so that a 45,000-row file makes several
# transactions): each commit of a WAL database
# writes every page of the unique indexes the transaction touched, so fewer
# commits write far less. What is written is exactly what batch-by-batch
# commits write: the table, each batch's line in the journal, its errors and
# changes. A kill leaves the database at a batch boundary and resume
# finishes it; a row the database refuses in a later batch of a transaction
# sends each of its batches back to be written alone, so that only that row
# fails. A chosen --batch-size, and --batch-delay, commit batch by batch.
. "$(dirname "$0")/lib.sh"

rows=45000
export SLUICE_TEST_GROUP_CAP=3
gen_contacts --rows "$rows" --seed 577 --invalid-rate 0.02 --dup-rate 0.1 --out contacts.csv --manifest contacts.json

# story DB: the table (without imported_from, which names the import) and
# the journal of import 1, as batch-by-batch commits would leave them.
story() {
	local cols
	cols=$(sq "$1" "SELECT group_concat('quote(\"' || name || '\")', ' || ''|'' || ')
	                FROM pragma_table_info('contacts') WHERE name != 'imported_from'")
	sq "$1" "SELECT $cols FROM contacts ORDER BY id;
	         SELECT batch_no, first_row, rows, created, updated, merged, unchanged, skipped, rejected, failed, status
	           FROM sluice_import_batches WHERE import_id = 1 ORDER BY batch_no;
	         SELECT batch_no, row_no, record_id, action, quote(before) FROM sluice_import_changes
	          WHERE import_id = 1 ORDER BY id;
	         SELECT row_no, field, type, message, quote(value), dropped FROM sluice_import_errors
	          WHERE import_id = 1 ORDER BY row_no, field, message;
	         SELECT status, total, created, updated, merged, unchanged, skipped, rejected, failed, not_processed, rows_done
	           FROM sluice_imports WHERE id = 1"
}

# --- The same story as batch-by-batch commits ----------------------------------------

# --batch-delay commits batch by batch (each waits after its own commit).
run_sluice import contacts.csv --db batchwise.db --batch-delay 1 --json
assert_exit 1 "batch by batch (--batch-delay): the import ends with rejected rows"
assert_eq "$(json_counts)" "$(manifest_counts contacts.json update)" "batch by batch: the counts are the generator's"
want=$(story batchwise.db)

run_sluice import contacts.csv --db together.db --json
assert_exit 1 "batches together (the default): the import ends with rejected rows"
assert_eq "$(json_counts)" "$(manifest_counts contacts.json update)" "batches together: the counts are the generator's"
assert_eq "$(json .batches)" 5 "the report counts five batches of 10,000 rows"
got=$(story together.db)
[ "$got" = "$want" ] && pass "the table and the journal are those of batch-by-batch commits" ||
	fail "the table and the journal are those of batch-by-batch commits" \
	"$(diff <(printf '%s\n' "$got") <(printf '%s\n' "$want") | head -n 6 | cut -c1-200)"
journal_consistent together.db 1 "the journal tells one story"

# --- No temporary file --------------------------------------------------------------------

# Where no temporary file can be made, each batch is committed on its own,
# and sluice says why (and what to do).
TMPDIR="$T/no-such-directory" run_sluice import contacts.csv --db notmp.db --json
assert_exit 1 "without a temporary directory: the import ends with rejected rows"
assert_match "$(cat "$T/err")" "No temporary file can be made in $T/no-such-directory, so each batch is committed on its own.*Set TMPDIR" \
	"without a temporary directory: sluice says batches are committed one by one and what to do"
got=$(story notmp.db)
[ "$got" = "$want" ] && pass "without a temporary directory: the table and the journal are the same" ||
	fail "without a temporary directory: the table and the journal are the same" \
	"$(diff <(printf '%s\n' "$got") <(printf '%s\n' "$want") | head -n 6 | cut -c1-200)"

# --- Killed after the first commit -------------------------------------------------------

{ SLUICE_TEST_CRASH_AFTER_COMMITS=1 "$SLUICE" import contacts.csv --db killed.db >/dev/null 2>&1; } 2>/dev/null
rc=$?
assert_eq "$rc" 137 "the test hook kills sluice right after its first commit"
done_rows=$(sq killed.db "SELECT rows_done FROM sluice_imports WHERE id = 1")
[ -n "$done_rows" ] && [ "$done_rows" -ge 10000 ] && [ "$done_rows" -le 30000 ] && [ $((done_rows % 10000)) = 0 ] &&
	pass "the kill leaves the import at a batch boundary ($done_rows rows, up to three batches)" ||
	fail "the kill leaves the import at a batch boundary" "rows_done '$done_rows'"
assert_eq "$(sq killed.db "SELECT coalesce(sum(rows), 0) FROM sluice_import_batches WHERE import_id = 1")" "$done_rows" \
	"the journal holds exactly the batches before the cursor"
assert_eq "$(sq killed.db "SELECT count(*) FROM contacts")" "$(sq killed.db "SELECT created FROM sluice_imports WHERE id = 1")" \
	"the table holds exactly the records those batches created"
run_sluice resume 1 --db killed.db
assert_exit 1 "sluice resume finishes the import"
got=$(story killed.db)
[ "$got" = "$want" ] && pass "after resume, the table and the journal are an uninterrupted import's" ||
	fail "after resume, the table and the journal are an uninterrupted import's" \
	"$(diff <(printf '%s\n' "$got") <(printf '%s\n' "$want") | head -n 6 | cut -c1-200)"

# --- A row the database refuses, in the second batch ----------------------------------------

# A record batch 2 creates, which a trigger of the table's owner refuses.
refused=$(sq batchwise.db "SELECT c.email FROM contacts c JOIN sluice_import_changes ch ON ch.record_id = c.id
                           WHERE ch.import_id = 1 AND ch.batch_no = 2 AND ch.action = 'insert'
                             AND c.email IS NOT NULL ORDER BY ch.id LIMIT 1 OFFSET 500")
refused_row=$(sq batchwise.db "SELECT ch.row_no FROM contacts c JOIN sluice_import_changes ch ON ch.record_id = c.id
                               WHERE ch.import_id = 1 AND c.email = '$refused' AND ch.action = 'insert'")
for db in trigger-batchwise.db trigger-together.db; do
	head -n 2 contacts.csv >one.csv
	run_sluice import one.csv --db "$db"
	sq "$db" "DELETE FROM contacts;
	          CREATE TRIGGER refuse BEFORE INSERT ON contacts WHEN NEW.email = '$refused'
	          BEGIN SELECT RAISE(ABORT, 'refused by the owner''s trigger'); END;"
done
run_sluice import contacts.csv --db trigger-batchwise.db --batch-delay 1 --json
want_trigger=$(json '[.failed, .created] | map(tostring) | join(" ")')
run_sluice import contacts.csv --db trigger-together.db --json
assert_exit 1 "a row refused by the database: the import ends with exit code 1"
failed_rows() {
	sq "$1" "SELECT group_concat(row_no, ' ') FROM (SELECT row_no FROM sluice_import_errors
	         WHERE import_id = 2 AND type = 'database' ORDER BY row_no)"
}
assert_eq "$(json '[.failed, .created] | map(tostring) | join(" ")')" "$want_trigger" \
	"the counts are those of batch-by-batch commits"
assert_match "$(failed_rows trigger-together.db)" "(^| )$refused_row( |$)" \
	"the refused row (row $refused_row) is marked failed, with a database error"
assert_eq "$(failed_rows trigger-together.db)" "$(failed_rows trigger-batchwise.db)" \
	"the rows marked failed are those of batch-by-batch commits (the rows with that e-mail address)"
assert_eq "$(sq trigger-together.db "SELECT status FROM sluice_import_batches WHERE import_id = 2 AND batch_no = 2")" replayed \
	"its batch was written again row by row"
assert_eq "$(sq trigger-together.db "SELECT count(*) FROM contacts")" "$(sq trigger-batchwise.db "SELECT count(*) FROM contacts")" \
	"every other row of the transaction's batches is written"
journal_consistent trigger-together.db 2 "the journal tells one story"

done_testing
