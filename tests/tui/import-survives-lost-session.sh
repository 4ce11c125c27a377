#!/bin/bash
# The SSH session drops while an import runs (the tmux server is killed:
# SIGHUP to the wizard): the import goes on and finishes, and the next
# sluice shows it completed on Home. While it ran, a second wizard showed
# its live counts.
. "$top_srcdir/tests/tui/lib.sh"

gen_contacts --rows 100000 --seed 3 --out big.csv

tui_start 80 24 --db "$DB"
tui_to_preview big.csv
tui_keys Enter
tui_go "How the rows meet the records stored" 300
tui_keys Enter
tui_go "What will happen"
tui_keys b
tui_go "Batch size"
tui_keys C-u
tui_type 1000
tui_keys Enter
tui_keys Enter
tui_go "Importing"
tui_keys p
tui_see "paused (p resumes)" "the import is paused, so that it is surely running when the session drops"
id=$(sq "$DB" "SELECT max(id) FROM sluice_imports WHERE dry_run = 0")

# Another terminal: Home shows the running import with its counts.
first=$TUI_SOCKET
TUI_SOCKET=none
tui_start 80 24 --db "$DB"
tui_see "running" "a second wizard's Home shows the import running elsewhere"
tui_stop
TUI_SOCKET=$first

tui_keys p
tui_wait "running" 30
tui_stop	# the session is gone: SIGHUP
if db_wait "SELECT status FROM sluice_imports WHERE id = $id" completed 300; then
	pass "the import finishes after the session dropped"
else
	fail "the import finishes after the session dropped" "$(sq "$DB" "SELECT status, rows_done FROM sluice_imports WHERE id = $id")"
fi
assert_eq "$(sq "$DB" "SELECT total FROM sluice_imports WHERE id = $id")" 100000 "every row was read"

tui_start 80 24 --db "$DB"
tui_see "completed" "the next sluice shows the import completed on Home"
invariant_holds "$DB" "the counts add up"

# Leaving the wizard while an import runs: it asks, and "let it finish"
# leaves the import running in the background.
tui_keys n
tui_go "Choose a file"
tui_keys g
tui_go "Open a path"
tui_keys C-u
tui_type "$T/big.csv"
tui_keys Enter
tui_go "Map the columns"
tui_keys Enter
tui_go "rows read;"
tui_keys Enter
tui_go "How the rows meet the records stored" 300
tui_keys Enter
tui_go "What will happen"
tui_keys Enter
tui_go "Importing"
tui_keys p
tui_go "paused (p resumes)"
id=$(sq "$DB" "SELECT max(id) FROM sluice_imports WHERE dry_run = 0")
tui_keys q
tui_see "An import is running" "q asks what to do with the running import"
tui_keys b
if tui_exited && tui_history | grep -qF "Import $id goes on in the background; follow it with: sluice watch $id"; then
	pass "letting it finish leaves the wizard and says how to follow the import"
else
	fail "letting it finish leaves the wizard and says how to follow the import" "$(tui_history)"
fi
if db_wait "SELECT status FROM sluice_imports WHERE id = $id" completed 300; then
	pass "the import left behind (and paused) goes on and finishes"
else
	fail "the import left behind (and paused) goes on and finishes" \
	    "$(sq "$DB" "SELECT status, rows_done FROM sluice_imports WHERE id = $id")"
fi

done_testing
