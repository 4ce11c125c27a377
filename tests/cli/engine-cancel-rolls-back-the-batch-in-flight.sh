#!/bin/bash
# SIGINT or SIGTERM during an import cancels it: the batch in flight is
# rolled back, the batches before it stay committed, the summary is printed,
# the import is journaled as cancelled with counts that add up, and sluice
# exits 130. A second SIGINT while it shuts down changes nothing. `sluice
# resume` then finishes the import, and the table is exactly what an
# uninterrupted import of the same file makes.
#
# No timing is assumed. sluice is frozen between two batches while another
# process takes the write lock, so the next batch cannot commit: it is
# retried, and it is in flight when the signal arrives. The lock is kept
# until sluice has announced the cancellation, so sluice is still shutting
# down (its last journal write waits for the lock) when the second SIGINT
# comes.
. "$(dirname "$0")/lib.sh"
. "$top_srcdir/tests/cli/faults.sh"

rows=3000
size=50
gen_contacts --rows "$rows" --seed 211 --dup-rate 0.1 --out contacts.csv --manifest contacts.json
run_sluice import contacts.csv --db reference.db --batch-size "$size"
reference=$(table_dump reference.db)
reference_counts=$(import_counts reference.db 1)

# cancel_while_retrying SIGNAL DB NAME [--json]: starts the import, stalls a
# batch behind the lock, sends SIGNAL; then the second signal; then lets
# sluice end. Sets $rc, $caught_rows and $inflight (the stalled batch).
cancel_while_retrying() {
	local sig=$1 db=$2 name=$3
	shift 3
	start_holder "$db"
	start_sluice "$name" import contacts.csv --db "$db" --batch-size "$size" \
		--retries 10 --retry-base 50 --batch-delay 20 --progress=jsonl "$@"
	if ! catch_between_batches "$pid" "$db" $((2 * size)) $((rows - 4 * size)); then
		finish "$pid"
		stop_holder
		return 1
	fi
	inflight=$((caught_rows / size + 1))
	thaw "$pid"
	wait_for "$name.err" "\"kind\":\"retry\",\"batch\":$inflight," "$pid" >/dev/null
	kill -"$sig" "$pid"
	wait_for "$name.err" '"kind":"cancelled"' "$pid" >/dev/null
	# The batch is rolled back; the import's last journal write waits for
	# the lock, so sluice is still there for a second signal.
	alive "$pid" && still_there=yes || still_there=no
	kill -INT "$pid" 2>/dev/null
	release_lock
	finish "$pid"
	stop_holder
	return 0
}

# --- SIGINT ------------------------------------------------------------------------------

if cancel_while_retrying INT int.db int; then
	pass "the import is caught between two batches, with $caught_rows rows committed"
	assert_eq "$still_there" yes "sluice is still shutting down when the second SIGINT arrives"
	[ "$rc" = 130 ] && pass "SIGINT: exit code 130" ||
		fail "SIGINT: exit code 130" "exit code $rc" "$(tail -n 5 int.err)" "$(cat int.out)"
	assert_eq "$(import_row int.db 1 status)" cancelled "SIGINT: the journal says cancelled"
	assert_match "$(head -n 1 int.out)" "^Import 1 of .*contacts\.csv.*: cancelled\.$" \
		"SIGINT: the summary is printed and says cancelled"
	assert_match "$(cat int.out)" "not processed +$((rows - caught_rows))" \
		"SIGINT: the summary counts the $((rows - caught_rows)) rows after the cursor as not processed"
	assert_match "$(cat int.out)" "sluice resume 1 --db int\.db" "SIGINT: the summary says how to continue"
	assert_eq "$(import_row int.db 1 rows_done)" "$caught_rows" \
		"SIGINT: the cursor stays after the last committed batch"
	assert_eq "$(import_adds_up int.db 1)" "" \
		"SIGINT: counts add up and not_processed is the rows after the cursor"
	assert_eq "$(sq int.db "SELECT count(*) FROM sluice_import_batches WHERE import_id = 1 AND batch_no >= $inflight")" 0 \
		"SIGINT: the batch in flight (batch $inflight) is not journaled"
	assert_eq "$(sq int.db 'SELECT count(*) FROM contacts')" "$(import_row int.db 1 created)" \
		"SIGINT: the table holds exactly the records of the committed batches"
	assert_eq "$(sq int.db "SELECT count(*) FROM sluice_import_changes WHERE import_id = 1 AND row_no > $caught_rows")" 0 \
		"SIGINT: no row after the cursor was written"
	assert_match "$(wait_for int.err '"kind":"cancelled"' 0)" "batch $inflight was rolled back" \
		"SIGINT: the cancelled event names the batch rolled back"
	assert_eq "$(grep -c 'cancelling' int.err)" 1 "SIGINT: the second SIGINT changes nothing: one cancellation"
	assert_eq "$(integrity int.db)" ok "SIGINT: the database is intact"

	run_sluice resume 1 --db int.db
	assert_exit 0 "SIGINT: sluice resume completes the import"
	assert_eq "$(import_row int.db 1 status)" completed "SIGINT: after resume the journal says completed"
	assert_eq "$(import_counts int.db 1)" "$reference_counts" \
		"SIGINT: after resume the counts are those of an uninterrupted import"
	assert_eq "$(table_dump int.db)" "$reference" \
		"SIGINT: after resume the table equals an uninterrupted import's"
	journal_consistent int.db 1 "SIGINT: the journal tells one story about the cancelled and resumed import"
else
	fail "the import is caught between two batches" "sluice ended first: $(tail -n 3 int.err)"
fi

# --- SIGTERM, with the JSON report -----------------------------------------------------

if cancel_while_retrying TERM term.db term --json; then
	[ "$rc" = 130 ] && pass "SIGTERM: exit code 130" ||
		fail "SIGTERM: exit code 130" "exit code $rc" "$(tail -n 5 term.err)"
	assert_eq "$(json .status term.out)" cancelled "SIGTERM: the JSON report says cancelled"
	assert_eq "$(json_counts term.out)" "$(import_counts term.db 1)" "SIGTERM: the report's counts are the journal's"
	assert_eq "$(json .not_processed term.out)" "$((rows - caught_rows))" \
		"SIGTERM: the report counts the rows after the cursor as not processed"
	assert_eq "$(import_adds_up term.db 1)" "" "SIGTERM: counts add up"
	assert_eq "$(sq term.db 'SELECT count(*) FROM contacts')" "$(import_row term.db 1 created)" \
		"SIGTERM: the table holds exactly the records of the committed batches"
	run_sluice resume 1 --db term.db --json
	assert_exit 0 "SIGTERM: sluice resume completes the import"
	assert_eq "$(table_dump term.db)" "$reference" "SIGTERM: after resume the table equals an uninterrupted import's"
else
	fail "SIGTERM: the import is caught between two batches" "sluice ended first"
fi

# --- A large batch, cancelled while it is being written -----------------------------------
#
# sluice is frozen inside a transaction (the write lock is its own), gets
# SIGINT, and goes on. Wherever the cancellation lands, what is committed is
# whole batches, journaled (at least the one committed before the signal),
# and the rest is accounted as not processed. A
# trigger that counts to 2000 for every contact stored makes writing the
# slow part, so that sluice is found inside a transaction, early in the file.

big=10000
gen_contacts --rows "$big" --seed 212 --dup-rate 0.05 --out big.csv --manifest big.json
sq mid.db "CREATE TABLE contacts (id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT, email TEXT,
             phone TEXT, company TEXT, job_title TEXT, birthday TEXT, country TEXT, tags TEXT,
             status TEXT, notes TEXT, imported_from INTEGER);
           CREATE TRIGGER slow AFTER INSERT ON contacts BEGIN
             SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000)
                                   SELECT x FROM c);
           END;"
start_holder mid.db
start_sluice mid import big.csv --db mid.db --batch-size 1000 --progress=jsonl
caught=no
while alive "$pid"; do
	freeze "$pid"
	if hold 'BEGIN IMMEDIATE;' | grep -Eqi 'locked|busy'; then
		done_rows=$(hold "SELECT rows_done FROM sluice_imports WHERE pid = $pid;")
		case $done_rows in
		'' | *[!0-9]*) ;;
		*) [ "$done_rows" -ge 1000 ] && [ "$done_rows" -le $((big / 2)) ] && caught=yes ;;
		esac
		[ "$caught" = yes ] && break
	else
		release_lock
	fi
	thaw "$pid"
done
if [ "$caught" = yes ]; then
	kill -INT "$pid"
	thaw "$pid"
	finish "$pid"
	stop_holder
	[ "$rc" = 130 ] && pass "a batch interrupted while written: exit code 130" ||
		fail "a batch interrupted while written: exit code 130" "exit code $rc" "$(tail -n 3 mid.err)"
	assert_eq "$(import_row mid.db 1 status)" cancelled "a batch interrupted while written: cancelled"
	assert_eq "$(import_adds_up mid.db 1)" "" "a batch interrupted while written: counts add up"
	done_rows=$(import_row mid.db 1 rows_done)
	assert_eq "$(( done_rows % 1000 ))" 0 "a batch interrupted while written: the cursor is at a batch boundary ($done_rows)"
	[ "$done_rows" -ge 1000 ] && pass "a batch interrupted while written: the batches before it stay committed" ||
		fail "a batch interrupted while written: the batches before it stay committed" "rows_done $done_rows"
	assert_eq "$(sq mid.db 'SELECT coalesce(sum(rows), 0) FROM sluice_import_batches WHERE import_id = 1')" "$done_rows" \
		"a batch interrupted while written: the journaled batches hold exactly the rows before the cursor"
	assert_eq "$(sq mid.db 'SELECT count(*) FROM contacts')" "$(import_row mid.db 1 created)" \
		"a batch interrupted while written: none of its rows stays in the table"
	assert_match "$(grep '"kind":"cancelled"' mid.err)" "batch $((done_rows / 1000 + 1)) was rolled back" \
		"a batch interrupted while written: the cancelled event names the batch after the cursor"
	assert_eq "$(integrity mid.db)" ok "a batch interrupted while written: the database is intact"
else
	finish "$pid"
	stop_holder
	fail "a batch interrupted while written: sluice is caught inside a transaction" "sluice ended first"
fi

done_testing
