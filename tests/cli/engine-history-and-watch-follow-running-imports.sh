#!/bin/bash
# sluice history lists a running import with its process and host ("running
# in process N on HOST"); an import whose process was killed with kill -9 is
# listed, and recorded, as interrupted. sluice watch ID follows an import
# running in another process until it ends, then prints its summary and
# exits with the import's exit code (1 with rejected rows, 130 cancelled,
# 3 interrupted).
#
# No timing is assumed: the import is frozen with SIGSTOP between two
# batches while history and watch look at it, and let go only once watch
# has shown it running.
. "$(dirname "$0")/lib.sh"
. "$top_srcdir/tests/cli/faults.sh"

rows=3000
size=50
host=$(uname -n)
gen_contacts --rows "$rows" --seed 251 --invalid-rate 0.02 --dup-rate 0.1 --out contacts.csv --manifest contacts.json

# start_frozen DB NAME: an import of contacts.csv into DB, frozen between two
# batches with some rows committed; the holder keeps the write lock.
start_frozen() {
	start_holder "$1"
	start_sluice "$2" import contacts.csv --db "$1" --batch-size "$size" --retries 10 \
		--retry-base 50 --batch-delay 20 --progress=jsonl
	catch_between_batches "$pid" "$1" $((2 * size)) $((rows - 4 * size))
}

# --- A running import: history, then watch to its end --------------------------------

if start_frozen run.db run; then
	release_lock
	importer=$pid
	run_sluice history --db run.db
	assert_exit 0 "history runs beside a running import"
	assert_match "$(cat "$T/out")" "^ +1 +running " "history lists the import as running"
	assert_match "$(cat "$T/out")" "running in process $importer on $host; follow it with sluice watch 1" \
		"history names its process and host, and how to follow it"
	run_sluice history --db run.db --json
	assert_eq "$(json '.[0] | [.status, .pid, .host] | map(tostring) | join(" ")')" "running $importer $host" \
		"history --json gives status running, the pid and the host"

	start_sluice watch watch 1 --db run.db --progress=jsonl
	watcher=$pid
	seen=$(wait_for watch.err "\"status\":\"running\",.*\"rows_done\":$caught_rows," "$watcher") &&
		pass "watch shows the import running, at $caught_rows rows" ||
		fail "watch shows the import running, at $caught_rows rows" "$(tail -n 3 watch.err)"
	thaw "$importer"
	finish "$importer"
	import_rc=$rc
	finish "$watcher"
	stop_holder
	assert_eq "$import_rc" 1 "the import ends with exit code 1 (rejected rows)"
	assert_eq "$rc" "$import_rc" "watch exits with the import's exit code"
	run_sluice show 1 --db run.db
	assert_eq "$(cat watch.out)" "$(cat "$T/out")" "watch ends by printing the import's summary"
	assert_eq "$(jsonl_lines watch.err progress | jq '[.[].rows_done] | . as $r | all(range(1; length); $r[.] >= $r[. - 1])')" \
		true "watch's rows_done never decreases"
	assert_eq "$(jsonl_lines watch.err progress | jq '.[-1].rows_done')" "$rows" "watch's last snapshot has every row done"
	run_sluice history --db run.db
	assert_match "$(cat "$T/out")" "^ +1 +completed with errors " "history then lists it as completed with errors"
	assert_eq "$(grep -c 'running in process' "$T/out")" 0 "history no longer shows a process"
else
	finish "$pid"
	stop_holder
	fail "a running import is caught between two batches" "it ended first"
fi

# --- A watched import is cancelled ---------------------------------------------------------

if start_frozen cancel.db cancel; then
	importer=$pid
	inflight=$((caught_rows / size + 1))
	thaw "$importer"
	wait_for cancel.err "\"kind\":\"retry\",\"batch\":$inflight," "$importer" >/dev/null
	start_sluice watch watch 1 --db cancel.db --progress=jsonl
	watcher=$pid
	wait_for watch.err '"status":"running"' "$watcher" >/dev/null
	kill -INT "$importer"
	wait_for cancel.err '"kind":"cancelled"' "$importer" >/dev/null
	release_lock
	finish "$importer"
	import_rc=$rc
	finish "$watcher"
	stop_holder
	assert_eq "$import_rc" 130 "the watched import is cancelled: exit code 130"
	assert_eq "$rc" 130 "watch of a cancelled import exits 130"
	assert_match "$(head -n 1 watch.out)" ": cancelled\.$" "watch prints the cancelled import's summary"
else
	finish "$pid"
	stop_holder
	fail "an import to cancel is caught between two batches" "it ended first"
fi

# --- kill -9 ----------------------------------------------------------------------------------

if start_frozen killed.db killed; then
	release_lock
	importer=$pid
	kill -KILL "$importer"
	finish "$importer"
	stop_holder
	assert_eq "$rc" 137 "the import is killed with kill -9"
	assert_eq "$(import_row killed.db 1 status)" running "the journal still says running: the process had no chance to say more"
	run_sluice history --db killed.db
	assert_match "$(cat "$T/out")" "^ +1 +interrupted " "history lists the killed import as interrupted"
	assert_eq "$(grep -c 'running in process' "$T/out")" 0 "history shows no process for it"
	assert_eq "$(import_row killed.db 1 status)" interrupted "history records it as interrupted"
	assert_eq "$(import_row killed.db 1 rows_done)" "$caught_rows" "the cursor is after the last committed batch"
	run_sluice watch 1 --db killed.db --progress=none
	assert_exit 3 "watch of a killed import exits 3 at once"
	assert_match "$(head -n 1 "$T/out")" ": interrupted\.$" "watch prints the interrupted import's summary"
	assert_match "$(cat "$T/out")" "sluice resume 1 --db killed\.db" "the summary says how to continue"
else
	finish "$pid"
	stop_holder
	fail "an import to kill is caught between two batches" "it ended first"
fi

done_testing
