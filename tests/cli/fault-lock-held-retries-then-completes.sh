#!/bin/bash
# Another process holding an exclusive lock on the database (a sqlite3 in
# BEGIN EXCLUSIVE): sluice announces each retry as an event, waits with
# backoff, and once the lock is released completes the import with exact
# counts; the batch that waited is written once, and no row fails because
# of the lock. A lock that outlasts the retries stops the import at a batch
# boundary, interrupted (exit code 3) and resumable, and resume finishes it.
# This holds whether the lock is there before sluice starts or comes
# between two batches.
#
# No timing is assumed: the lock is released only after sluice has said it
# retries, and it is taken between two batches while sluice is frozen.
. "$(dirname "$0")/lib.sh"
. "$top_srcdir/tests/cli/faults.sh"

rows=3000
size=50
gen_contacts --rows "$rows" --seed 271 --dup-rate 0.1 --out contacts.csv --manifest contacts.json
want=$(manifest_counts contacts.json update)
run_sluice import contacts.csv --db reference.db --batch-size "$size"
reference=$(table_dump reference.db)

# --- Locked before sluice starts, released after the first retry -------------------------------
#
# locked_from_the_start DB NAME WHAT: the holder takes an exclusive lock on
# DB, sluice starts, the lock is released once sluice has said it retries.
locked_from_the_start() {
	local db=$1 name=$2 what=$3
	start_holder "$db"
	assert_eq "$(hold 'BEGIN EXCLUSIVE;')" "" "$what: another process holds an exclusive lock"
	start_sluice "$name" import contacts.csv --db "$db" --batch-size "$size" \
		--retries 10 --retry-base 50 --progress=jsonl --json
	retry=$(wait_for "$name.err" '"kind":"retry"' "$pid") &&
		pass "$what: sluice announces a retry" ||
		fail "$what: sluice announces a retry" "$(tail -n 3 "$name.err")"
	freeze "$pid"
	release_lock
	thaw "$pid"
	finish "$pid"
	stop_holder
	[ "$rc" = 0 ] && pass "$what: once the lock is released the import completes with exit code 0" ||
		fail "$what: once the lock is released the import completes with exit code 0" \
		"exit code $rc" "$(tail -n 3 "$name.err")"
	assert_eq "$(json_counts "$name.out")" "$want" "$what: the counts are exact"
}

# A database sluice has written before (in WAL mode, where a lock does not
# keep readers out).
gen_contacts --rows 40 --seed 270 --out first.csv
run_sluice import first.csv --db wal.db
assert_eq "$(sq wal.db 'PRAGMA journal_mode')" wal "sluice leaves its database in WAL mode"
locked_from_the_start wal.db wal "a database in WAL mode"
# A database of another program, in the default rollback-journal mode,
# where an exclusive lock keeps readers out too.
sq other.db 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('"'"'kept'"'"');'
locked_from_the_start other.db other "a database in rollback-journal mode"
assert_eq "$(sq other.db 'SELECT body FROM notes' 2>&1)" kept "a database in rollback-journal mode: the other program's table is untouched"

# --- Locked in the middle of the file, released after the first retry ------------------------

start_holder exclusive.db
start_sluice exclusive import contacts.csv --db exclusive.db --batch-size "$size" \
	--retries 10 --retry-base 50 --batch-delay 20 --progress=jsonl --json
if catch_between_batches "$pid" exclusive.db $((2 * size)) $((rows - 4 * size)); then
	release_lock
	assert_eq "$(hold 'BEGIN EXCLUSIVE;')" "" "another process takes an exclusive lock after $caught_rows rows"
	waiting=$((caught_rows / size + 1))
	thaw "$pid"
	retry=$(wait_for exclusive.err '"kind":"retry"' "$pid")
	assert_match "$retry" "\"batch\":$waiting,.*Retrying batch $waiting \\(attempt 2 of 11\\)" \
		"sluice announces that it retries batch $waiting, attempt 2 of 11"
	freeze "$pid"
	release_lock
	thaw "$pid"
	finish "$pid"
	stop_holder
	assert_eq "$rc" 0 "once the lock is released the import completes with exit code 0"
	assert_eq "$(json_counts exclusive.out)" "$want" "the counts are exact"
	assert_eq "$(sq exclusive.db "SELECT attempts > 1 FROM sluice_import_batches WHERE import_id = 1 AND batch_no = $waiting")" 1 \
		"the journal records batch $waiting's extra attempts"
	assert_eq "$(sq exclusive.db "SELECT count(*) FROM sluice_import_errors WHERE import_id = 1")" 0 \
		"no row failed because of the lock"
	assert_eq "$(table_dump exclusive.db)" "$reference" "the table equals an import that met no lock"
	journal_consistent exclusive.db 1 "the journal tells one story"
else
	finish "$pid"
	stop_holder
	fail "sluice is caught between two batches" "it ended first"
fi

# --- A lock that outlasts the retries ---------------------------------------------------------
#
# With one retry, the batch is tried twice, then replayed row by row, whose
# first row is tried twice too; then sluice gives up. The lock is released
# only once sluice has ended.

start_holder outlasting.db
start_sluice outlasting import contacts.csv --db outlasting.db --batch-size "$size" \
	--retries 1 --retry-base 50 --batch-delay 20 --progress=jsonl
if catch_between_batches "$pid" outlasting.db $((2 * size)) $((rows - 4 * size)); then
	release_lock
	hold 'BEGIN EXCLUSIVE;' >/dev/null
	thaw "$pid"
	finish "$pid"
	release_lock
	stop_holder
	assert_eq "$rc" 3 "a lock that outlasts the retries: exit code 3"
	assert_match "$(grep '"kind":"storage"' outlasting.err)" "Stopped at batch $((caught_rows / size + 1)).*locked.*sluice resume 1" \
		"a lock that outlasts the retries: a storage event says where it stopped, why, and how to continue"
	assert_match "$(head -n 1 outlasting.out)" ": interrupted\.$" "a lock that outlasts the retries: the summary says interrupted"
	assert_match "$(cat outlasting.out)" "not processed +$((rows - caught_rows))" \
		"a lock that outlasts the retries: the summary counts the rest as not processed"
	run_sluice history --db outlasting.db
	assert_match "$(cat "$T/out")" "^ +1 +interrupted " "a lock that outlasts the retries: history lists it as interrupted"
	assert_eq "$(import_row outlasting.db 1 rows_done)" "$caught_rows" \
		"a lock that outlasts the retries: the cursor is after the last committed batch"
	assert_eq "$(sq outlasting.db "SELECT count(*) FROM sluice_import_errors WHERE import_id = 1")" 0 \
		"a lock that outlasts the retries: no row is marked failed because of the lock"
	assert_eq "$(integrity outlasting.db)" ok "a lock that outlasts the retries: the database is intact"
	run_sluice resume 1 --db outlasting.db
	assert_exit 0 "a lock that outlasts the retries: sluice resume completes the import"
	assert_eq "$(import_counts outlasting.db 1)" "$(import_counts reference.db 1)" \
		"a lock that outlasts the retries: after resume the counts are an uninterrupted import's"
	assert_eq "$(table_dump outlasting.db)" "$reference" \
		"a lock that outlasts the retries: after resume the table equals an uninterrupted import's"
else
	finish "$pid"
	stop_holder
	fail "sluice is caught between two batches" "it ended first"
fi

done_testing
