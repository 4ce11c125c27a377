#!/bin/bash
# While another process holds the database's write lock, the Progress
# screen's log says each retry once (the engine's notice and its event ring
# both told it), and the interruption once; a cancel is said once too
# (cancel-mid-import.sh). No timing is assumed: the lock is taken between
# two batches (the import frozen meanwhile) and held until the retries are
# spent. The import the wizard starts waits 20 ms between two batches
# (SLUICE_TEST_BATCH_DELAY_MS, as --batch-delay 20 would): it then spends
# most of its time where the lock can be taken, even under load.
. "$top_srcdir/tests/tui/lib.sh"
. "$top_srcdir/tests/cli/faults.sh"

gen_contacts --rows 20000 --seed 31 --out big.csv

TUI_ENV="SLUICE_TEST_BATCH_DELAY_MS=20"
tui_start 80 24 --db "$DB"
tui_to_preview big.csv
tui_keys Enter
tui_go "How the rows meet the records stored" 300
tui_keys Enter
tui_go "What will happen"
tui_keys b
tui_go "Batch size"
tui_keys C-u
tui_type 200
tui_keys Enter
tui_go "200 rows per transaction"
tui_keys Enter
tui_go "Importing"
db_wait "SELECT count(*) > 0 FROM sluice_imports WHERE dry_run = 0 AND pid > 0" 1 300
child=$(sq "$DB" "SELECT pid FROM sluice_imports WHERE dry_run = 0 ORDER BY id DESC LIMIT 1")
start_holder "$DB"
if catch_between_batches "$child" "$DB" 200 18000; then
	pass "the lock is taken between two batches ($caught_rows rows committed)"
else
	fail "the lock is taken between two batches" "the import ended first"
	done_testing
fi
thaw "$child"
tui_see "waiting for the database: Retrying batch" "while a batch waits, the screen says for what instead of an ETA"
tui_see "interrupted" "the import stops once its retries are spent"
assert_match "$(tui_screen)" " / 20,000 rows" "the total is the preview's exact count, not an estimate"
screen=$(tui_screen)
log=$(sed -n '/^ Events/,$p' <<<"$screen" | grep -E '^ (!|  )')
assert_match "$log" "attempt 4 of 4" "the log shows the retries"
assert_eq "$(uniq -d <<<"$log")" "" "no line of the log says again what the line before it said"
assert_eq "$(grep -c "Stopped at batch" <<<"$log")" 1 "the interruption is said once"
[ "$tap_failed" = 0 ] || diag "the screen:" "$screen"
release_lock
stop_holder

done_testing
