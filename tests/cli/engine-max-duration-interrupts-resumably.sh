#!/bin/bash
# --max-duration stops an import at the next batch boundary once the time
# is up: status interrupted, exit code 3, a time_limit event, counts that add
# up with the rest not processed; `sluice resume` then finishes it, and the
# table is what an uninterrupted import makes.
#
# No timing is assumed: the limit is 1 s, and another process holds the
# write lock until sluice announces a retry, which it does only after
# waiting 2 s for the lock (SQLite's busy timeout in sluice). So the limit
# has certainly passed when sluice gets the lock back.
. "$(dirname "$0")/lib.sh"
. "$top_srcdir/tests/cli/faults.sh"

rows=3000
size=50
gen_contacts --rows 40 --seed 230 --out first.csv
gen_contacts --rows "$rows" --seed 231 --invalid-rate 0.02 --dup-rate 0.1 --out contacts.csv --manifest contacts.json
run_sluice import first.csv --db reference.db --batch-size "$size"
run_sluice import contacts.csv --db reference.db --batch-size "$size"
reference=$(table_dump reference.db)
reference_counts=$(import_counts reference.db 2)

# --- The time is up before the first batch --------------------------------------------

run_sluice import first.csv --db start.db --batch-size "$size"
start_holder start.db
hold 'BEGIN IMMEDIATE;' >/dev/null
start_sluice start import contacts.csv --db start.db --batch-size "$size" --max-duration 1s \
	--retries 10 --retry-base 50 --progress=jsonl --json
wait_for start.err '"kind":"retry"' "$pid" >/dev/null
release_lock
finish "$pid"
stop_holder
[ "$rc" = 3 ] && pass "time up before the first batch: exit code 3" ||
	fail "time up before the first batch: exit code 3" "exit code $rc" "$(tail -n 5 start.err)"
assert_eq "$(import_row start.db 2 status)" interrupted "time up before the first batch: the journal says interrupted"
assert_eq "$(json .status start.out)" interrupted "time up before the first batch: the report says interrupted"
assert_eq "$(json .error.kind start.out)" interrupted "time up before the first batch: its error object says why (exit 3 with --json)"
assert_match "$(json .error.message start.out)" . "time up before the first batch: with a message"
assert_eq "$(import_row start.db 2 "rows_done || ' ' || total || ' ' || not_processed")" "0 $rows $rows" \
	"time up before the first batch: nothing is written, all $rows rows are not processed"
assert_eq "$(import_adds_up start.db 2)" "" "time up before the first batch: the counts add up"
assert_match "$(grep '"kind":"time_limit"' start.err)" "resume 2" \
	"time up before the first batch: a time_limit event says how to continue"
assert_match "$(json .last_error start.out)" "[Tt]ime limit" "time up before the first batch: the report says why it stopped"
run_sluice resume 2 --db start.db
assert_exit 1 "time up before the first batch: sluice resume finishes the import (exit 1: rejected rows)"
assert_eq "$(import_counts start.db 2)" "$reference_counts" \
	"time up before the first batch: after resume the counts are an uninterrupted import's"
assert_eq "$(table_dump start.db)" "$reference" \
	"time up before the first batch: after resume the table equals an uninterrupted import's"

# --- The time is up in the middle of the file -------------------------------------------
#
# sluice is frozen between two batches and the lock taken; then it runs into
# the lock. Either it has started the next batch before the limit (it
# retries it, and commits it once the lock is released: the limit stops it
# one batch later), or the limit had passed already (it stops at once).

run_sluice import first.csv --db middle.db --batch-size "$size"
start_holder middle.db
start_sluice middle import contacts.csv --db middle.db --batch-size "$size" --max-duration 1s \
	--retries 10 --retry-base 50 --progress=jsonl
outcome=caught
if catch_between_batches "$pid" middle.db $((2 * size)) $((rows - 4 * size)); then
	thaw "$pid"
	seen=$(wait_for middle.err '"kind":"(retry|time_limit)"' "$pid")
	release_lock
	finish "$pid"
	case $seen in
	*'"kind":"retry"'*) want=$((caught_rows + size)) why="the batch that waited for the lock is committed, then the limit stops it" ;;
	*) want=$caught_rows why="the limit had passed when it reached the next batch" ;;
	esac
else
	# Not caught: the limit stopped it before (a slow machine), or it
	# finished before the limit (then there is nothing to test here).
	finish "$pid"
	want=$(import_row middle.db 2 rows_done)
	why="the limit stopped it before it could be caught"
	[ "$(import_row middle.db 2 status)" = interrupted ] || outcome=finished
fi
stop_holder
if [ "$outcome" = caught ]; then
	[ "$rc" = 3 ] && pass "time up in the middle: exit code 3" ||
		fail "time up in the middle: exit code 3" "exit code $rc" "$(tail -n 5 middle.err)"
	assert_eq "$(import_row middle.db 2 status)" interrupted "time up in the middle: the journal says interrupted"
	assert_eq "$(import_row middle.db 2 rows_done)" "$want" "time up in the middle: it stops at a batch boundary: $why"
	assert_eq "$(( want % size ))" 0 "time up in the middle: the cursor ($want) is at a batch boundary"
	assert_eq "$(import_adds_up middle.db 2)" "" "time up in the middle: the counts add up"
	assert_eq "$(grep -c '"kind":"time_limit"' middle.err)" 1 "time up in the middle: one time_limit event"
	assert_eq "$(jsonl_lines middle.err progress | jq -r '.[-1] | [.status, .rows_done] | map(tostring) | join(" ")')" \
		"interrupted $want" "time up in the middle: the last snapshot says interrupted at the cursor"
	assert_match "$(cat middle.out)" "not processed +$((rows - want))" \
		"time up in the middle: the summary counts the rest as not processed"
	assert_eq "$(integrity middle.db)" ok "time up in the middle: the database is intact"
	run_sluice resume 2 --db middle.db --progress=jsonl
	assert_exit 1 "time up in the middle: sluice resume finishes the import"
	assert_eq "$(jsonl_lines "$T/err" progress | jq -r '[.[].rows_done | select(. < '"$want"')] | length')" 0 \
		"time up in the middle: the resume's progress starts at the cursor"
	assert_eq "$(import_counts middle.db 2)" "$reference_counts" \
		"time up in the middle: after resume the counts are an uninterrupted import's"
	assert_eq "$(table_dump middle.db)" "$reference" \
		"time up in the middle: after resume the table equals an uninterrupted import's"
	journal_consistent middle.db 2 "time up in the middle: the journal tells one story"
else
	skip "time up in the middle" "the import finished within 1 s, before it could be caught"
fi

done_testing
