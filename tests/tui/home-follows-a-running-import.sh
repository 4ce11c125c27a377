#!/bin/bash
# Home lists an import another process runs; Enter on it opens its live
# progress (not a report frozen at the moment it was opened), which moves
# on as the import does; when the import ends the wizard rings and says so
# on one line, and Enter opens its report, which says how it ended. No
# timing is assumed: the import is frozen between two batches while the
# wizard opens it, and let go only then.
. "$top_srcdir/tests/tui/lib.sh"
. "$top_srcdir/tests/cli/faults.sh"

gen_contacts --rows 20000 --seed 41 --out big.csv
start_sluice cli import big.csv --db "$DB" --batch-size 200 --batch-delay 20 --progress=none
child=$pid
db_wait "SELECT count(*) FROM sluice_imports WHERE pid = $child" 1 300
start_holder "$DB"
if catch_between_batches "$child" "$DB" 200 16000; then
	pass "the import is frozen between two batches ($caught_rows rows committed)"
else
	fail "the import is frozen between two batches" "it ended first"
	done_testing
fi
release_lock
committed=$(sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$caught_rows")

tui_start 80 24 --db "$DB"
tui_go "Recent imports"
tui_see "running" "Home lists the import as running"
tui_keys Enter
tui_see "another process runs it" "Enter on a running import opens its progress"
tui_see " $committed / " "the progress shows the rows committed so far"
if tui_screen | grep -q "p pause"; then
	fail "an import of another process offers no pause" "$(tui_screen)"
else
	pass "an import of another process offers no pause"
fi
thaw "$child"
tui_see "Import 1 has ended: completed" "its end is said on one line"
tui_see "20,000 / 20,000 rows" "the progress follows it to its end"
tui_see "Press Enter for its report" "the report is offered"
tui_keys Enter
tui_see "Report" "Enter opens the report"
tui_see "completed" "the report says how it ended"
finish "$child"
stop_holder

done_testing
