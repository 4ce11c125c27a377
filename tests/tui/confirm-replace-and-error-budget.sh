#!/bin/bash
# Confirm offers the error budget (e) and the replace strategy (s): with
# replace, Enter asks for the table's name, and only that name starts the
# import, which then deletes the records the file lacks; an error budget
# of 0 stops the import at the batch boundary after the first error, as
# interrupted.
. "$top_srcdir/tests/tui/lib.sh"

{
	echo "First Name,Email"
	for i in $(seq 1 30); do echo "Person$i,p$i@example.com"; done
} >all.csv
{
	echo "First Name,Email"
	for i in $(seq 1 30); do [ $((i % 10)) = 3 ] || echo "New$i,p$i@example.com"; done
} >fewer.csv
{
	echo "First Name,Email"
	for i in $(seq 1 30); do
		if [ "$i" = 2 ]; then echo "Bad,not-an-email"; else echo "P$i,q$i@example.com"; fi
	done
} >bad.csv

# --- Replace: the table's name is asked for ----------------------------------------------

DB="$T/replace.db"
run_sluice import all.csv --db "$DB"
assert_exit 0 "30 records are stored before the wizard runs"
tui_start 100 30 --db "$DB"
tui_to_preview fewer.csv
tui_keys Enter
tui_go "How the rows meet the records stored"
tui_keys Enter
tui_go "What will happen"
tui_keys s s s
tui_see "replace: rows are written as by update" "s cycles to replace, and Confirm says what it does"
tui_keys Enter
tui_see "Type the table's name to start" "Enter asks for the table's name"
tui_see "records of table contacts that are not in the file" "the question names the table"
tui_type "people"
tui_keys Enter
tui_see "Not the table's name; nothing was started." "another name starts nothing"
assert_eq "$(sq "$DB" "SELECT count(*) FROM sluice_imports WHERE dry_run = 0")" 1 "no import was started"
tui_keys Enter
tui_go "Type the table's name to start"
tui_type "contacts"
tui_keys Enter
tui_see "The import has ended" "the table's name starts the import"
id=$(sq "$DB" "SELECT max(id) FROM sluice_imports WHERE dry_run = 0")
assert_eq "$(sq "$DB" "SELECT status, strategy, updated, deleted FROM sluice_imports WHERE id = $id")" \
	"completed|replace|27|3" "the import replaced the table's content: 27 updated, 3 deleted"
assert_eq "$(sq "$DB" "SELECT count(*) FROM contacts")" 27 "27 records are left"

# --- The error budget ---------------------------------------------------------------------

DB="$T/budget.db"
tui_start 100 30 --db "$DB"
tui_to_preview bad.csv
tui_keys Enter
tui_go "How the rows meet the records stored"
tui_keys Enter
tui_go "What will happen"
tui_see "Error budget   none" "Confirm shows no error budget by default"
tui_keys e
tui_go "Stop at a batch boundary"
tui_type "0"
tui_keys Enter
tui_see "stop once more than 0 rows are rejected or failed" "e sets the error budget"
tui_keys b
tui_go "Rows written in one transaction"
tui_keys C-u
tui_type "10"
tui_keys Enter
tui_keys Enter
tui_see "The import has ended" "the import runs"
id=$(sq "$DB" "SELECT max(id) FROM sluice_imports WHERE dry_run = 0")
assert_eq "$(sq "$DB" "SELECT status, rows_done, rejected FROM sluice_imports WHERE id = $id")" \
	"interrupted|10|1" "an error budget of 0 stops after the first batch with an error"
assert_match "$(sq "$DB" "SELECT last_error FROM sluice_imports WHERE id = $id")" "more than --max-errors 0" \
	"the journal says why"

done_testing
