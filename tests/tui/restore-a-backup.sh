#!/bin/bash
# The wizard restores a JSON backup of three tables written children before
# parents: the Restore screen lists them parents first with their records,
# schema, key and references, and survives a resize; the restore runs as a
# child process with one bar per table and the overall bar (caught between
# mid-way through the second table: the first done, the second running,
# the third waiting), pauses and resumes, and ends with each table's counts and
# its report; the database holds every table. A backup whose tables refer
# to each other in a cycle shows the error and what to do, and nothing is
# written. A workbook's sheets are restored with A on its sheet list. No timing is assumed: the restore is frozen mid-way while the
# screen is read.
. "$top_srcdir/tests/tui/lib.sh"
. "$top_srcdir/tests/cli/faults.sh"
# faults.sh takes the exit hook: the tmux servers are stopped by it.
faults_at_exit=tui_stop_all

command -v "$PYTHON" >/dev/null 2>&1 || skip_all "python is not installed"
mkdir state
TUI_ENV="XDG_STATE_HOME=$T/state"

"$PYTHON" - <<'PY'
import json
users = [{"id": 1000 + i, "email": "u%d@example.org" % i} for i in range(2000)]
businesses = [{"id": 50000 + i, "name": "Business %d" % i, "userId": 1000 + i % 2000}
              for i in range(20000)]
items = [{"id": i + 1, "name": "Item %d" % i, "businessId": 50000 + i % 20000, "price": i * 1.25}
         for i in range(2000)]
with open("backup.json", "w") as f:
    json.dump({"metadata": {"version": 3}, "items": items, "businesses": businesses,
               "users": users}, f)
with open("cycle.json", "w") as f:
    json.dump({"pings": [{"id": 1, "pongId": 1}], "pongs": [{"id": 1, "pingId": 1}]}, f)
PY

# catch_in_table PID TABLE: the restore PID frozen while its import of
# TABLE has committed some batches and is still running (read without
# waiting for a lock: a busy database is an answer for the next turn); 1
# when that import ended first.
catch_in_table() {
	local p=$1 table=$2 state
	while alive "$p"; do
		freeze "$p"
		state=$(sqlite3 -batch -noheader "$DB" "SELECT status || ' ' || rows_done
		        FROM sluice_imports WHERE pid = $p AND sheet = '$table'
		        ORDER BY id DESC LIMIT 1;" 2>/dev/null)
		case $state in
		"running "[1-9]*) return 0 ;;
		"" | "running 0") ;;
		*)
			thaw "$p"
			return 1
			;;
		esac
		thaw "$p"
	done
	return 1
}

# row TABLE: the line of the screen that starts with TABLE.
row() {
	tui_screen | grep -E "^ $1 " | head -n 1
}

tui_start 80 24 --db "$DB"
tui_open backup.json
tui_go "restored parents first"
pass "a JSON backup opens the Restore screen, not the Mapping"
tui_see "3 tables, 24,000 records" "it counts the tables and their records"
order=$(tui_screen | grep -E '^ [0-9]   ' | awk '{print $2}' | tr '\n' ',')
assert_eq "$order" "users,businesses,items," "the tables are listed parents first"
assert_match "$(tui_screen | grep -E '^ 3   items')" "2,000 +inferred .*businessId → businesses" \
	"each table shows its records, schema, key and references"

tui_resize 120 40
tui_see "References" "the Restore screen is drawn again at 120x40"
tui_resize 50 12
tui_wait "Press" 5 || true
tui_resize 80 24
tui_go "restored parents first"
assert_eq "$(tui_screen | grep -cE '^ [0-9]   (users|businesses|items) ')" 3 \
	"after resizing back to 80x24 the three tables are listed again"

tui_keys b
tui_go "Batch size"
tui_keys C-u
tui_type 10
tui_keys Enter
tui_see "10 records per" "b sets the batch size"

wizard=$(tui_tmux display-message -p -t wiz '#{pane_pid}')
tui_keys Enter
# The restore is the wizard's child: caught as soon as it is there.
child=
for _ in $(seq 3000); do
	child=$(ps -o pid= --ppid "$wizard" | tr -d ' ' | head -n 1)
	[ -z "$child" ] || break
	sleep 0.01
done
[ -n "$child" ] && freeze "$child"
assert_match "$(tr '\0' ' ' </proc/"$child"/cmdline)" "restore .*backup.json --db .* --progress jsonl" \
	"Enter starts sluice restore FILE --db DB --progress jsonl as a process"
thaw "$child"
if catch_in_table "$child" businesses; then
	pass "the restore is frozen mid-way through its second table"
else
	fail "the restore is frozen mid-way through its second table" "it ended first" "$(sq "$DB" "SELECT id, pid, sheet, status, rows_done FROM sluice_imports") child $child" "$(tui_screen)"
	done_testing
fi
tui_wait "Table 2 of 3: businesses" || true
assert_match "$(row users)" "2,000 / 2,000 +done" "the first table's bar is full and done"
assert_match "$(row businesses)" "/ 20,000 +running" "the second table's bar runs"
assert_match "$(row items)" "0 / 2,000 +waiting" "the third table waits"
tui_see "Overall" "the overall bar shows"
# A pause asked now is taken at the next batch boundary.
tui_keys p
tui_see "Pausing" "p asks the restore to pause"
thaw "$child"
tui_see "paused (p resumes)" "the restore pauses at a batch boundary"
assert_match "$(row businesses) $(row items)" "paused" "the table being restored says paused"
tui_keys p
tui_see "completed: every table was restored" "resumed, the restore runs to its end" 300
# The Home screen below sees each table's import end in the database (it
# reads it every second); the Restore screen shows it, so nothing is
# announced over its own messages. Ctrl-L draws the whole screen again.
sleep 2.5
tui_keys C-l
if tui_wait "has ended:" 1; then
	fail "the tables' imports are not announced one by one" "the screen:" "$(tui_screen)"
else
	pass "the tables' imports are not announced one by one"
fi

assert_match "$(row users)" "#[0-9]+ +2,000 +0 +0 +0 +0" "the end gives the counts of users"
assert_match "$(row businesses)" "#[0-9]+ +20,000 +0 +0 +0 +0" "the end gives the counts of businesses"
tui_see "Enter opens the report" "the way to the report is given"
assert_eq "$(sq "$DB" "SELECT (SELECT count(*) FROM users) || ',' || (SELECT count(*) FROM businesses) || ',' || (SELECT count(*) FROM items)")" \
	"2000,20000,2000" "the database holds each table with its records"
assert_eq "$(sq "$DB" "SELECT group_concat(sheet || ':' || status, ' ') FROM (SELECT sheet, status FROM sluice_imports ORDER BY id)")" \
	"users:completed businesses:completed items:completed" "the journal has one completed import per table, parents first"
tui_keys Down Down Enter
tui_see "Report" "Enter opens the report of the chosen table's import"
tui_keys Escape
tui_go "Recent imports"
assert_eq "$(tui_screen | grep -c "completed .* backup.json")" 3 "Home lists the restore's three imports"

# A cycle: the error, what to do, nothing written.
tui_start 80 24 --db "$T/cycle.db"
tui_open cycle.json
tui_see "This file cannot be restored:" "a cycle is shown as the error it is"
tui_see "cycle" "the error names the cycle"
tui_see "What to do" "it says what to do"
tui_keys Enter
tui_see "cannot be restored as it is" "Enter does not start the restore"
if [ -e "$T/cycle.db" ]; then
	assert_eq "$(sq "$T/cycle.db" "SELECT count(*) FROM sqlite_master WHERE name IN ('pings', 'pongs')")" 0 \
		"nothing is written"
else
	pass "nothing is written"
fi
tui_keys Escape
tui_see "Choose a file" "Esc goes back to the choice of a file"

# A workbook of two sheets with rows (and an empty one): A on its sheets
# restores them all, parents first.
printf 'id,customerId,total\n1,10,5.5\n2,12,7\n' >orders.csv
printf 'id,name,since\n10,Ann,2020-01-02\n11,Bob,2021-03-04\n' >customers.csv
: >empty.csv
"$top_builddir/tests/gen-xlsx" --sheets book.xlsx orders=orders.csv customers=customers.csv empty=empty.csv
tui_start 80 24 --db "$T/book.db"
tui_open book.xlsx
tui_see "A restores them all" "a workbook of several sheets offers to restore them all"
tui_keys A
tui_go "restored parents first"
order=$(tui_screen | grep -E '^ [0-9]   ' | awk '{print $2}' | tr '\n' ',')
assert_eq "$order" "customers,orders," "the sheets with rows are the tables, parents first"
tui_keys Enter
tui_see "completed with errors" "the restore ends, the order of a missing customer rejected"
assert_match "$(row orders)" "#[0-9]+ +1 +0 +0 +1 +0" "the end counts the rejected order"
assert_eq "$(sq "$T/book.db" "SELECT (SELECT count(*) FROM customers) || ',' || (SELECT count(*) FROM orders)")" \
	"2,1" "the database holds both sheets' records"

done_testing
